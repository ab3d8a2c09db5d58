"""The MLP page's URL settings, in one table: each key's TrainConfig field, default, bounds, choices, widget label
and help. The page's widgets, its share link, the compare= codec (``labs.mlp.compare``), lessons and the class
board all read this table (as TensorFlow Playground's ``state.ts`` lists each URL setting once); the page's
sections a teacher can hide (``hide=``); ``config`` builds the run a set of settings makes.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.dataset import TARGETS
from core.train import LIMITS, TrainConfig
from i18n import N_, _
from labs import table
from labs.mlp.words import limit_caption
from labs.table import Setting

_BASE = TrainConfig()
MAX_COMPARE_CHARS = 600  # a compare= value longer than this is refused before it is parsed


@dataclass(frozen=True)
class Control(Setting):
    """A ``Setting`` of the MLP page with what its sidebar widget shows: ``label``; ``header``, the sidebar
    header it opens (the first setting of a group); ``cap``, a ``limit_caption`` written under it;
    ``optimizers``, the optimisers it belongs to (shown and linked only for them; empty: always). The label,
    the header and the help are English templates (``N_``): ``help_text`` and the page translate them."""

    label: str = ""
    header: str = ""
    cap: str = ""
    optimizers: tuple[str, ...] = ()


def _run(key: str, field: str, kind: str, label: str, help: str, lo=None, hi=None, **more) -> Control:
    """A setting of the run: its default is TrainConfig's."""
    return Control(key, getattr(_BASE, field), kind, help, lo, hi, field=field, label=label, **more)


_ADAPTIVE = ("adagrad", "rmsprop", "adam")
SETTINGS = (
    _run("hidden", "hidden", "list", N_("Hidden layer sizes"),
         N_("Comma-separated units per hidden layer, e.g. 100 or 64,32."), 1, LIMITS["units"],
         max_items=LIMITS["layers"], integer=True, header=N_("Network"), cap="hidden"),
    _run("act", "activation", "choice", N_("Activation"), N_("Hidden layers; the output is linear."),
         options=("relu", "sigmoid", "tanh")),
    _run("opt", "optimizer", "choice", N_("Optimiser"),
         N_("momentum: v ← β·v − lr·g. sgd: −lr·g. adagrad: −lr·g/√(Σg²). rmsprop: −lr·g/√s, s a decaying mean of "
            "g². adam: momentum's mean of g over rmsprop's √s, bias-corrected."),
         options=("momentum", "sgd", "adagrad", "rmsprop", "adam"), header=N_("Optimiser")),
    _run("lr", "lr", "number", N_("Learning rate"), N_("Step size, in [{lo}, {hi}]. Too large and the loss blows up."),
         LIMITS["lr_min"], LIMITS["lr_max"]),
    _run("mom", "momentum", "number", N_("Momentum β"), N_("In [0, {hi}]; used by momentum only."),
         0.0, LIMITS["momentum_max"]),
    _run("decay", "decay", "number", N_("Decay ρ"),
         N_("s ← ρ·s + (1 − ρ)·g²; in [0, 1). Closer to 1 remembers more gradients."),
         0.0, LIMITS["decay_max"], optimizers=("rmsprop",)),
    _run("b1", "b1", "number", "β₁", N_("Decay of the mean of g (momentum); in [0, 1)."), 0.0, LIMITS["decay_max"],
         optimizers=("adam",)),
    _run("b2", "b2", "number", "β₂", N_("Decay of the mean of g²; in [0, 1)."), 0.0, LIMITS["decay_max"],
         optimizers=("adam",)),
    _run("eps", "eps", "number", "eps", N_("Added to the root in the denominator; in [0, 1]."), 0.0, 1.0,
         optimizers=_ADAPTIVE),
    _run("batch", "batch_size", "int", N_("Batch size"), N_("Samples per step; {cap}."),
         1, LIMITS["batch_size"], cap="batch_size"),
    _run("epochs", "epochs", "int", N_("Epochs"), N_("Passes over the data; {cap}."),
         1, LIMITS["epochs"], cap="epochs"),
    _run("target", "target", "choice", N_("Target"),
         N_("What the net learns: x2 is y = x², abs |x|, cube x³, sin sin x."),
         options=tuple(TARGETS), header=N_("Data")),
    _run("n", "n_samples", "int", N_("Samples"), N_("Points x ~ U(−3, 3); {cap}."),
         1, LIMITS["n_samples"], cap="n_samples"),
    _run("noise", "noise", "number", N_("Noise"), N_("y = target + noise·N(0, 1); in [0, {hi}]."),
         0.0, LIMITS["noise_max"]),
    _run("seed", "seed", "int", N_("Seed"), N_("Same seed, same run, bit for bit."), 0, LIMITS["seed_max"]),
    _run("shuffle", "shuffle", "flag", N_("Shuffle each epoch"),
         N_("The original visits the points in one fixed order.")),
    Control("units", False, "flag",
            N_("Draw each hidden unit's contribution faintly under the fit (one hidden layer)."),
            label=N_("Show the units"), header=N_("View")),
    Control("compare", "", "text", N_("The pinned runs, by the settings that differ from the defaults, e.g. "
                                      "default~act:sigmoid~lr:2e-5,batch:64. Pin this run adds one; a link carries "
                                      "them."),
            max_chars=MAX_COMPARE_CHARS, label=N_("Compared runs")),
    # No widget: read once, when the page opens (see the page's train_link).
    Control("train", "1", "choice", N_("train=1 starts the run when the link is opened."), options=("1", "true")),
)
BY_KEY = table.by_key(SETTINGS)

# Keys that are part of the page's view, not of the run.
VIEW_KEYS = ("units", "compare", "train")
# The orders links write settings in (each link's bytes are what they have always been). The share link:
SHARE_ORDER = ("hidden", "act", "opt", "lr", "mom", "batch", "epochs", "n", "noise", "seed", "shuffle", "target",
               "decay", "b1", "b2", "eps", "units", "compare")
# URL key -> TrainConfig field of each setting of the run, in the order compare= runs, their labels and the
# class board list them: the target first, as it says what a run learns.
CONFIG_FIELDS = {key: BY_KEY[key].field for key in ("target", *SHARE_ORDER) if key not in VIEW_KEYS}

SECTIONS = {
    "buttons": N_("Train, Pause, Resume, Reset and Pin"),
    "loss": N_("the loss chart"),
    "fit": N_("the fit chart (the net against the target)"),
    "probes": N_("the predictions after each epoch"),
    "far": N_("“Far outside: x = 103” and its explanation"),
    "downloads": N_("the downloads"),
    "replay": N_("the replay of the training"),
    "comparison": N_("the Compare section (pinned runs side by side)"),
    "share": N_("the share link"),
}


def help_text(setting: Setting) -> str:
    """The help of ``setting`` in the page's language, its bounds ({lo}, {hi}) and its cap ({cap}) filled."""
    return _(setting.help, lo=f"{setting.lo:g}" if setting.lo is not None else "",
             hi=f"{setting.hi:g}" if setting.hi is not None else "",
             cap=limit_caption(setting.cap) if getattr(setting, "cap", "") else "")


def shown(setting: Setting, optimizer: str) -> bool:
    """Whether the page shows (and links) ``setting`` when the run's optimiser is ``optimizer``."""
    return not getattr(setting, "optimizers", ()) or optimizer in setting.optimizers


def share_query(values: dict) -> dict:
    """The share link's query of these settings (URL key -> value, as the page's widgets read them; ``compare``
    as ``labs.mlp.compare.format_compare`` writes the runs it compares): every setting of the run the page
    shows, and a view setting only when it is not at its default."""
    query = {}
    for key in SHARE_ORDER:
        setting = BY_KEY[key]
        if key not in values or not shown(setting, values["opt"]):
            continue
        if key in VIEW_KEYS and values[key] == setting.default:
            continue
        query[key] = table.url_value(setting, values[key])
    return query


# -- the run these settings make -----------------------------------------------------------------------
def build_config(**values) -> tuple[TrainConfig | None, str | None]:
    """TrainConfig(**values) and None, or None and a sentence naming what is wrong.

    A config is rejected when TrainConfig refuses it or when it exceeds core.train.LIMITS.
    """
    try:
        config = TrainConfig(**values)
    except (ValueError, TypeError) as error:
        return None, str(error)
    errors = config.limit_errors()
    if errors:
        return None, _("This run is too large for a shared server: {errors}.", errors="; ".join(errors))
    return config, None


def run_config(values: dict) -> tuple[TrainConfig | None, str | None]:
    """``build_config`` of the run settings among ``values`` (URL key -> value as the widgets read them); a
    setting left out keeps TrainConfig's default."""
    fields = {field: values[key] for key, field in CONFIG_FIELDS.items() if key in values}
    if "hidden" in fields:
        fields["hidden"] = tuple(int(h) for h in fields["hidden"])
    return build_config(**fields)


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
    """The run these settings make (``build_config``), or None and the sentence naming what is wrong (a field
    TrainConfig refuses, or a run larger than the server's limits)."""
    return run_config(filled(settings))


def validate(settings: dict) -> list[str]:
    """A sentence for every unknown key and every bad value, then the run's own (e.g. epochs × samples)."""
    problems = table.problems(SETTINGS, settings)
    if not problems and isinstance(settings, dict):
        _, error = config(settings)
        if error:
            problems.append(error)
    return problems
