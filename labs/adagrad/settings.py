"""The Adagrad page's URL settings: one table (key, default, bounds, kind, help), read from the bounds in
``labs.adagrad.inspector`` and ``labs.adagrad.races``; and the page's sections a teacher can hide (``hide=``)."""
from __future__ import annotations

from core.surfaces import SURFACES
from i18n import N_
from labs import table
from labs.adagrad import inspector, races
from labs.table import Setting

X0_LIMIT = 1e3        # the 1-D race's start
INSPECTOR_LR_MIN, INSPECTOR_LR_MAX = 1e-6, 10.0
LAST_INDEX = 9        # W is 10×10, b has 10 elements


def _lr(key: str, default: float, help: str) -> Setting:
    return Setting(key, default, "number", help, races.LR_MIN, races.LR_MAX)


SETTINGS = (
    # the step inspector
    Setting("lr", 0.1, "number", N_("Adagrad's base learning rate."), INSPECTOR_LR_MIN, INSPECTOR_LR_MAX),
    Setting("eps", 1e-8, "number", N_("Added to √G so the step stays finite."), 0.0, 1.0),
    Setting("seed", 0, "int", N_("Seeds the parameters and the N(0, 1) gradients."), 0, inspector.MAX_SEED),
    Setting("grad", "noise", "choice", N_("Where the gradients come from."), options=tuple(inspector.GRAD_SOURCES)),
    Setting("el", "W", "choice", N_("Inspect an element of the matrix W or the vector b."), options=("W", "b")),
    Setting("i", 2, "int", N_("Row i of W[i, j], or b[i]."), 0, LAST_INDEX),
    Setting("j", 3, "int", N_("Column j of W[i, j] (unused for b)."), 0, LAST_INDEX),
    Setting("k", 0, "int", N_("How many Adagrad steps have been taken."), 0, inspector.MAX_K),
    # the races
    Setting("race", list(races.DEFAULT_RACERS), "multi", N_("Which optimisers race."), options=races.RACERS),
    Setting("steps", 1000, "int", N_("Each race stops after this many steps."), 1, races.MAX_STEPS),
    Setting("x0", 0.0, "number", N_("Where every optimiser starts on the 1-D loss."), -X0_LIMIT, X0_LIMIT),
    _lr("lr_race", 0.2, N_("One lr for gradient descent, momentum and Adagrad on the 1-D loss.")),
    _lr("lr_rms", 0.01, N_("RMSProp's lr on the 1-D loss.")),
    _lr("lr_adam", 0.03, N_("Adam's lr on the 1-D loss.")),
    Setting("surface", "bowl", "choice", N_("The 2-D surface."), options=tuple(SURFACES)),
    _lr("lr_2d", 0.035, N_("lr of gradient descent and momentum on the surface.")),
    _lr("lr_ada_2d", 1.0, N_("Adagrad's lr on the surface.")),
    _lr("lr_rms_2d", 0.03, N_("RMSProp's lr on the surface.")),
    _lr("lr_adam_2d", 0.1, N_("Adam's lr on the surface.")),
    # the page's default start is the chosen surface's own (the bowl's here)
    Setting("sx", SURFACES["bowl"].default_start[0], "number", N_("Start point on the surface, x."), -races.START_BOX,
            races.START_BOX),
    Setting("sy", SURFACES["bowl"].default_start[1], "number", N_("Start point on the surface, y."), -races.START_BOX,
            races.START_BOX),
    # where the two races' replays open (player.show(..., link=True), prefixes r1_ and r2_)
    Setting("r1_frame", 0, "int", N_("The step the 1-D race replay opens at."), 0, races.MAX_STEPS),
    Setting("r1_play", False, "flag", N_("The 1-D race replay starts playing when the link is opened.")),
    Setting("r1_speed", 0.0, "number", N_("The 1-D race replay's speed, steps per second (0: automatic)."), 0.0,
            1000.0),
    Setting("r2_frame", 0, "int", N_("The step the 2-D race replay opens at."), 0, races.MAX_STEPS),
    Setting("r2_play", False, "flag", N_("The 2-D race replay starts playing when the link is opened.")),
    Setting("r2_speed", 0.0, "number", N_("The 2-D race replay's speed, steps per second (0: automatic)."), 0.0,
            1000.0),
)

SECTIONS = {
    "inspector": N_("section 1, the step inspector (buttons, heat maps, the step table, the effective-lr chart)"),
    "root_race": N_("section 2, the race on the 1-D loss and its learning-rate table"),
    "slowdown": N_("section 3, why Adagrad slows down, and what came next"),
    "surface_race": N_("section 4, the race on a 2-D surface"),
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


def racer_lrs(s: dict) -> dict[str, float]:
    """Every racer's lr on the 1-D loss, as the page pairs them with its keys."""
    return {"gradient descent": s["lr_race"], "momentum": s["lr_race"], "Adagrad": s["lr_race"],
            "RMSProp": s["lr_rms"], "Adam": s["lr_adam"]}
