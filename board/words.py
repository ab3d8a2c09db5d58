"""The class board's sentences: whole templates with named fields (a translation reorders them, never glues).

Marked with ``N_`` for the catalogue and translated where they are shown (``_(words.SENT, number=...)``), never
here: the language is chosen per page run. A sentence with a count is a function (its singular and plural are
one ``ngettext`` call, and Russian has three forms)."""
from i18n import N_, ngettext

LAB_TITLES = {"descent": N_("Gradient descent"), "adagrad": N_("Adagrad"), "mlp": N_("MLP training")}
LAB_PATHS = {"descent": "/Gradient_descent", "adagrad": "/Adagrad", "mlp": "/MLP_training"}
BOARD_PATH = "/Class_board"

NOTICES = {
    "malformed": N_("Ignored board = “{code}”: a board's code is 16 letters, digits, “-” or “_”. Check the link "
                    "your teacher sent."),
    "unknown": N_("There is no class board with the code “{code}”. Check the link your teacher sent."),
    "expired": N_("The class board “{code}” has expired: it takes no more runs. Ask your teacher for a new link."),
}
OTHER_LAB = N_("This class board collects runs of the {title} lab. Open it there: {link}")
DATABASE_DOWN = N_("The class board's database did not answer ({error}). Try again in a moment.")
NO_PSYCOPG = N_("GP_DATABASE_URL names a PostgreSQL database, but psycopg 3 is not installed: "
                "pip install \"psycopg[binary]\".")
NEWER_SCHEMA = N_("The boards' database has schema version {found}; this app knows versions up to {known}. "
                  "Run the newer app, or point GP_DATABASE_URL at another database.")
FORBIDDEN = N_("Only the teacher's link can do that: it holds the board's secret.")
NICKNAME_TOO_LONG = N_("A nickname is at most {limit} characters; this one has {length}.")

PANEL_TITLE = N_("Class board")
PANEL_TEXT = N_("Send this run to your class's board: its settings and results go there, with the nickname "
                "below if you give one. The board holds {count} of at most {limit} runs.")
MLP_NOT_READY = N_("Train the run to the end first: the board takes finished runs.")
SENT = N_("Sent: your run is run {number} in the board's table.")
DUPLICATE = N_("This run is on the board already: change a setting to send another.")


def rate(limit: int) -> str:
    """A visitor sent ``limit`` runs within a minute."""
    return ngettext("That is {n} run in a minute: wait a little before sending more.",
                    "That is {n} runs in a minute: wait a little before sending more.", limit)


def full(limit: int) -> str:
    """The board holds ``limit`` runs already."""
    return ngettext("The board is full: it holds at most {n} run.", "The board is full: it holds at most {n} runs.",
                    limit)


def expires(title: str, date: str, days: int) -> str:
    """Until when the board of the lab ``title`` collects runs, and its lifetime in ``days``."""
    return ngettext("This board collects runs of the {title} lab until {date} (boards expire {n} days after they "
                    "are made).",
                    "This board collects runs of the {title} lab until {date} (boards expire {n} days after they "
                    "are made).", days, title=title, date=date)


def count(runs: int, limit: int) -> str:
    """How many runs the board holds, of ``limit``."""
    return ngettext("{n} of at most {limit} runs.", "{n} of at most {limit} runs.", runs, limit=limit)


EMPTY = N_("No runs yet. Students who open the students' link and press **Send to the board** appear here within "
           "seconds.")

DESCENT_MAP = N_("Every start sent, at its learning rate, coloured by where its run ended; the pale cells behind "
                 "are the basin map of p(x) = {poly}, {steps} updates at most.")


def descent_others(runs: int) -> str:
    """``runs`` runs are not on the map (another problem than the map's)."""
    return ngettext("{n} runs used another polynomial, step limit or tolerance than the map's; they are in the "
                    "table only.",
                    "{n} runs used another polynomial, step limit or tolerance than the map's; they are in the "
                    "table only.", runs)


ADAGRAD_PICTURE = N_("Each race sent: its winner (the racer that converged in the fewest steps, a one-step landing "
                     "aside) at the winner's learning rate, coloured by the root it reached; a race nobody won is "
                     "drawn at its first racer's learning rate.")
MLP_PICTURE = N_("Each run sent: its final loss and f(103) against {setting}.")
MLP_NOTHING_VARIES = N_("Every run sent so far has the same settings: the charts show them at one place.")

# Months of a date (the genitive a Russian date takes: "5 декабря 2026").
MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"), N_("August"),
          N_("September"), N_("October"), N_("November"), N_("December"))
DATE = N_("{day} {month} {year}, {time} UTC")
