"""The MLP-training page's URL settings: one table (URL key, TrainConfig field, default, bounds, kind, help)
read from ``labs.mlp.words`` (BOUNDS, FIELDS, CHOICES) and ``core.train`` (LIMITS, TrainConfig's defaults); the
page's sections a teacher can hide (``hide=``); ``config`` builds the run a set of settings makes."""
from __future__ import annotations

from core.train import LIMITS, TrainConfig
from labs import table
from labs.mlp import words as mlp_lab
from labs.table import Setting

_BASE = TrainConfig()


def _number(key: str, help: str, kind: str = "number") -> Setting:
    field = mlp_lab.FIELDS[key]
    lo, hi = mlp_lab.BOUNDS[key]
    return Setting(key, getattr(_BASE, field), kind, help, lo, hi, field=field)


def _choice(key: str, help: str) -> Setting:
    field = mlp_lab.FIELDS[key]
    return Setting(key, getattr(_BASE, field), "choice", help, options=tuple(mlp_lab.CHOICES[key]), field=field)


SETTINGS = (
    Setting("hidden", ",".join(map(str, _BASE.hidden)), "list", "Units per hidden layer, comma-separated.",
            *mlp_lab.BOUNDS["units"], max_items=LIMITS["layers"], integer=True, field="hidden"),
    _choice("act", "Activation of the hidden layers; the output is linear."),
    _choice("opt", "The optimiser."),
    _number("lr", "Step size. Too large and the loss blows up."),
    _number("mom", "Momentum β (momentum only)."),
    _number("decay", "RMSProp's decay ρ."),
    _number("b1", "Adam's β₁."),
    _number("b2", "Adam's β₂."),
    _number("eps", "Added to the root in the denominator (Adagrad, RMSProp, Adam)."),
    _number("batch", "Samples per step.", "int"),
    _number("epochs", "Passes over the data.", "int"),
    _choice("target", "What the net learns: x2 is y = x², abs |x|, cube x³, sin sin x."),
    _number("n", "Points x ~ U(−3, 3).", "int"),
    _number("noise", "y = target + noise·N(0, 1)."),
    _number("seed", "Same seed, same run, bit for bit.", "int"),
    Setting("shuffle", _BASE.shuffle, "flag", "Shuffle the data each epoch.", field="shuffle"),
    Setting("units", False, "flag", "Draw each hidden unit's contribution under the fit."),
    Setting("compare", "", "text", "The pinned runs, by the settings that differ from the defaults.",
            max_chars=mlp_lab.MAX_COMPARE_CHARS),
    Setting("train", "1", "choice", "train=1 starts the run when the link is opened.", options=("1", "true")),
)

SECTIONS = {
    "buttons": "Train, Pause, Resume, Reset and Pin",
    "loss": "the loss chart",
    "fit": "the fit chart (the net against the target)",
    "probes": "the predictions after each epoch",
    "far": "“Far outside: x = 103” and its explanation",
    "downloads": "the downloads",
    "replay": "the replay of the training",
    "comparison": "the Compare section (pinned runs side by side)",
    "share": "the share link",
}

# Keys that are part of the page's view, not of the run.
VIEW_KEYS = ("units", "compare", "train")


def defaults() -> dict:
    out = table.defaults(SETTINGS)
    out.pop("train")  # absent unless a link asks for it
    return out


def filled(settings: dict | None) -> dict:
    """The defaults with these settings over them (bad values left at their default)."""
    out = table.filled(SETTINGS, settings)
    if not settings or "train" not in settings:
        out.pop("train", None)
    return out


def config(settings: dict | None) -> tuple[TrainConfig | None, str | None]:
    """The run these settings make (``mlp_lab.build_config``), or None and the sentence naming what is wrong
    (a field TrainConfig refuses, or a run larger than the server's limits)."""
    s = filled(settings)
    values = {table.by_key(SETTINGS)[key].field: s[key] for key in mlp_lab.FIELDS}
    values["hidden"] = tuple(int(h) for h in values["hidden"])
    return mlp_lab.build_config(**values)


def validate(settings: dict) -> list[str]:
    """A sentence for every unknown key and every bad value, then the run's own (e.g. epochs × samples)."""
    problems = table.problems(SETTINGS, settings)
    if not problems and isinstance(settings, dict):
        _, error = config(settings)
        if error:
            problems.append(error)
    return problems
