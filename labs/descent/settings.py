"""The gradient-descent page's URL settings: one table (key, default, bounds, kind, help), read from the
bounds in ``labs.descent.limits``; and the page's sections a teacher can hide (``hide=``)."""
from __future__ import annotations

from i18n import N_
from labs import table
from labs.descent import limits
from labs.table import Setting

MAX_FRAME = limits.MAX_STEPS  # the replay's frame= goes up to the most updates
MAX_SPEED = 1000.0         # player.MAX_SPEED: updates per second

SETTINGS = (
    Setting("a", 1.0, "number", N_("Coefficient of x². 0 makes p a line."), -limits.COEF_LIMIT, limits.COEF_LIMIT),
    Setting("b", -5.0, "number", N_("Coefficient of x."), -limits.COEF_LIMIT, limits.COEF_LIMIT),
    Setting("c", 4.0, "number", N_("Constant term."), -limits.COEF_LIMIT, limits.COEF_LIMIT),
    Setting("x0", "0,3", "list", N_("Start points, comma-separated: one run per start point."), -limits.X0_LIMIT,
            limits.X0_LIMIT, max_items=limits.MAX_STARTS),
    Setting("lr", 0.01, "number", N_("Learning rate: each update is x ← x − lr·loss′(x)."), limits.LR_MIN,
            limits.LR_MAX),
    Setting("steps", 1000, "int", N_("Most updates: a run stops after this many."), 1, limits.MAX_STEPS),
    Setting("tol", 1e-6, "number", N_("Tolerance: a run has converged when |p(x)| < tol."), limits.TOL_MIN,
            limits.TOL_MAX),
    # the replay's place (player.show(..., link=True))
    Setting("frame", 0, "int", N_("The update the replay opens at."), 0, MAX_FRAME),
    Setting("play", False, "flag", N_("The replay starts playing when the link is opened.")),
    Setting("speed", 0.0, "number", N_("Replay speed, updates per second (0: about 10 seconds in all)."), 0.0,
            MAX_SPEED),
    # the cobweb's place (its own player, prefix cw_)
    Setting("cw_frame", 0, "int", N_("The update the cobweb opens at."), 0, MAX_FRAME),
    Setting("cw_play", False, "flag", N_("The cobweb starts playing when the link is opened.")),
    Setting("cw_speed", 0.0, "number", N_("Cobweb speed, updates per second (0: about 10 seconds in all)."), 0.0,
            MAX_SPEED),
)

# hide= names for the page's sections, in page order, with what each hides (marked; translated where shown).
SECTIONS = {
    "player": N_("the replay of the runs (Play, Pause, the scrubber)"),
    "status": N_("the table “Where each run ends”"),
    "answers": N_("“The four questions, answered for these settings”"),
    "loss": N_("the loss against step chart"),
    "basin": N_("the basin map"),
    "cobweb": N_("the cobweb of the first run"),
    "share": N_("the share link"),
}


def defaults() -> dict:
    return table.defaults(SETTINGS)


def filled(settings: dict | None) -> dict:
    """The defaults with these settings over them (bad values left at their default)."""
    return table.filled(SETTINGS, settings)


def validate(settings: dict) -> list[str]:
    """A sentence for every unknown key and every bad value."""
    return table.problems(SETTINGS, settings)
