"""The class board's sentences: whole templates with named fields (a translation reorders them, never glues)."""

LAB_TITLES = {"descent": "Gradient descent", "adagrad": "Adagrad", "mlp": "MLP training"}
LAB_PATHS = {"descent": "/Gradient_descent", "adagrad": "/Adagrad", "mlp": "/MLP_training"}
BOARD_PATH = "/Class_board"

NOTICES = {
    "malformed": "Ignored board = “{code}”: a board's code is 16 letters, digits, “-” or “_”. Check the link "
                 "your teacher sent.",
    "unknown": "There is no class board with the code “{code}”. Check the link your teacher sent.",
    "expired": "The class board “{code}” has expired: it takes no more runs. Ask your teacher for a new link.",
}
OTHER_LAB = "This class board collects runs of the {title} lab. Open it there: {link}"
DATABASE_DOWN = "The class board's database did not answer ({error}). Try again in a moment."
NO_PSYCOPG = ("GP_DATABASE_URL names a PostgreSQL database, but psycopg 3 is not installed: "
              "pip install \"psycopg[binary]\".")
NEWER_SCHEMA = ("The boards' database has schema version {found}; this app knows versions up to {known}. "
                "Run the newer app, or point GP_DATABASE_URL at another database.")
FORBIDDEN = "Only the teacher's link can do that: it holds the board's secret."
NICKNAME_TOO_LONG = "A nickname is at most {limit} characters; this one has {length}."

PANEL_TITLE = "Class board"
PANEL_TEXT = ("Send this run to your class's board: its settings and results go there, with the nickname "
              "below if you give one. The board holds {count} of at most {limit} runs.")
MLP_NOT_READY = "Train the run to the end first: the board takes finished runs."
SENT = "Sent: your run is run {number} in the board's table."
DUPLICATE = "This run is on the board already: change a setting to send another."
RATE = "That is {limit} runs in a minute: wait a little before sending more."
FULL = "The board is full: it holds at most {limit} runs."

EXPIRES = "This board collects runs of the {title} lab until {date} (boards expire {days} days after they are made)."
COUNT = "{count} of at most {limit} runs."
EMPTY = "No runs yet. Students who open the students' link and press **Send to the board** appear here within seconds."

DESCENT_MAP = ("Every start sent, at its learning rate, coloured by where its run ended; the pale cells behind "
               "are the basin map of p(x) = {poly}, {steps} updates at most.")
DESCENT_OTHERS = ("{count} runs used another polynomial, step limit or tolerance than the map's; they are in the "
                  "table only.")
ADAGRAD_PICTURE = ("Each race sent: its winner (the racer that converged in the fewest steps, a one-step landing "
                   "aside) at the winner's learning rate, coloured by the root it reached; a race nobody won is "
                   "drawn at its first racer's learning rate.")
MLP_PICTURE = "Each run sent: its final loss and f(103) against {setting}."
MLP_NOTHING_VARIES = "Every run sent so far has the same settings: the charts show them at one place."
