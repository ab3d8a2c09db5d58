"""Comparing MLP runs: the compare= codec (a link's list of runs, each by the settings that differ from the
defaults: ``compare=act:sigmoid~lr:2e-5,batch:64``), the runs' labels, and what the Compare section shows of
each run (``RunSummary``): its numbers as a table, its loss curve and its fit.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.dataset import target_values
from core.inputs import echo, parse_number
from core.train import TrainConfig
from i18n import N_, _, ngettext
from labs.mlp.curves import fit_range, loss_curve
from labs.mlp.far import FAR_X
from labs.mlp.settings import BY_KEY, CONFIG_FIELDS, MAX_COMPARE_CHARS, build_config
from labs.mlp.words import target_label
from labs.table import format_number

# -- the compare= codec --------------------------------------------------------------------------------
MAX_PINNED = 4          # pinned runs per session (and runs in a compare= link)
COMPARE_RUNS, COMPARE_FIELDS, COMPARE_VALUE = "~", ",", ":"  # compare=act:sigmoid~lr:2e-5,batch:64
DEFAULT_RUN = "default"  # a run with every setting at its default
FLAG_TEXTS = ("true", "false")  # an on/off setting in compare= (the share link's flags read 1/0 as well)


def _compact_number(x: float) -> str:
    """x short and exact, its exponent shortest: 2e-05 -> '2e-5', 0.00012345678 keeps every digit."""
    return format_number(float(x)).replace("e-0", "e-").replace("e+0", "e+").replace("e+", "e")


def _value_text(key: str, value) -> str:
    kind = BY_KEY[key].kind
    if kind == "list":
        return "-".join(str(h) for h in value)
    if kind == "flag":
        return str(bool(value)).lower()
    if isinstance(value, float):
        return _compact_number(value)
    return str(value)


def format_compare(configs: list[TrainConfig]) -> str:
    """The compare= value of these runs: each run as key:value pairs for the settings that differ from the
    defaults ('default' when none do), runs joined by '~'; hidden layers joined by '-'."""
    base = TrainConfig()
    runs = []
    for config in configs:
        pairs = [f"{key}{COMPARE_VALUE}{_value_text(key, getattr(config, field))}"
                 for key, field in CONFIG_FIELDS.items() if getattr(config, field) != getattr(base, field)]
        runs.append(COMPARE_FIELDS.join(pairs) or DEFAULT_RUN)
    return COMPARE_RUNS.join(runs)


def _parse_value(key: str, text: str):
    """(value for TrainConfig, None) or (None, what is wrong), within the bounds of ``key``'s setting."""
    setting = BY_KEY[key]
    if setting.kind in ("choice", "flag"):
        options = setting.options or FLAG_TEXTS
        if text not in options:
            return None, _("{key} = “{text}” is not one of {options}", key=key, text=echo(text),
                           options=", ".join(options))
        return (text == "true") if setting.kind == "flag" else text, None
    if setting.kind == "list":
        parts = text.split("-")
        if len(parts) > setting.max_items:
            return None, _("{key} = “{text}” has {layers} layers; at most {most}", key=key, text=echo(text),
                           layers=len(parts), most=setting.max_items)
        units = []
        for part in parts:
            value, error = parse_number(part, setting.lo, setting.hi, integer=True, name=key)
            if error:
                return None, error
            units.append(value)
        return tuple(units), None
    integer = setting.kind == "int"
    value, error = parse_number(text, setting.lo, setting.hi, integer=integer, name=key)
    return (None, error) if error else (int(value) if integer else float(value), None)


def parse_compare(raw: str) -> tuple[list[TrainConfig], str | None]:
    """The runs a compare= value lists (``format_compare``'s form), and None or the notice the page shows.
    Every value is checked against the same bounds as the page's controls and every run against the
    server's limits, no run twice; a value that fails compares no runs, and the notice names what is
    wrong. Past MAX_PINNED runs, the first MAX_PINNED are compared and the notice names the runs left out."""
    text = str(raw).strip()
    if len(text) > MAX_COMPARE_CHARS:
        return [], _refused(_("compare = “{raw}” is too long ({chars} characters; at most {most})", raw=echo(raw),
                              chars=f"{len(text):,}", most=MAX_COMPARE_CHARS))
    runs = text.split(COMPARE_RUNS) if text else []
    configs, error = _parse_runs(raw, runs[:MAX_PINNED])
    if error:
        return [], _refused(error)
    left_out = runs[MAX_PINNED:]
    if not left_out:
        return configs, None
    if len(left_out) == 1:
        return configs, ngettext("compare = “{raw}” lists {n} run, more than the {most} a page compares: comparing "
                                 "the first {most} and leaving out run {n}, “{run}”.",
                                 "compare = “{raw}” lists {n} runs, more than the {most} a page compares: comparing "
                                 "the first {most} and leaving out run {n}, “{run}”.", len(runs), raw=echo(raw),
                                 most=MAX_PINNED, run=echo(left_out[0]))
    return configs, ngettext("compare = “{raw}” lists {n} run, more than the {most} a page compares: comparing the "
                             "first {most} and leaving out runs {first} to {n}, {left_out}.",
                             "compare = “{raw}” lists {n} runs, more than the {most} a page compares: comparing the "
                             "first {most} and leaving out runs {first} to {n}, {left_out}.", len(runs), raw=echo(raw),
                             most=MAX_PINNED, first=MAX_PINNED + 1,
                             left_out=", ".join(f"“{echo(run)}”" for run in left_out))


def _refused(error: str) -> str:
    return _("Ignored {error}; comparing no runs.", error=error)


def _parse_runs(raw: str, runs: list[str]) -> tuple[list[TrainConfig], str | None]:
    """The configs of ``runs`` (compare= runs as text), or [] and what is wrong with the first bad one."""
    configs = []
    for i, run in enumerate(runs, start=1):
        values: dict = {}
        if run.strip() != DEFAULT_RUN:
            for pair in run.split(COMPARE_FIELDS):
                key, sep, value_text = pair.strip().partition(COMPARE_VALUE)
                if not sep or key not in CONFIG_FIELDS:
                    return [], _("compare = “{raw}”: run {i} has “{pair}”, not key:value with a key of {keys}",
                                 raw=echo(raw), i=i, pair=echo(pair), keys=", ".join(CONFIG_FIELDS))
                if CONFIG_FIELDS[key] in values:
                    return [], _("compare = “{raw}”: run {i} gives {key} twice", raw=echo(raw), i=i, key=key)
                value, error = _parse_value(key, value_text.strip())
                if error:
                    return [], _("compare = “{raw}”: run {i}: {error}", raw=echo(raw), i=i, error=error)
                values[CONFIG_FIELDS[key]] = value
        config, error = build_config(**values)
        if error:
            return [], _("compare = “{raw}”: run {i}: {error}", raw=echo(raw), i=i, error=error)
        if config in configs:
            return [], _("compare = “{raw}”: run {i} repeats run {j}", raw=echo(raw), i=i,
                         j=configs.index(config) + 1)
        configs.append(config)
    return configs, None


def pinned(raw: str, config: TrainConfig) -> str | None:
    """The compare= value ``raw`` with the run of ``config`` added (the runs it lists, as ``format_compare``
    writes them), or None when that run is listed already or MAX_PINNED are."""
    configs, _ = parse_compare(raw)
    if config in configs or len(configs) >= MAX_PINNED:
        return None
    return format_compare([*configs, config])


def unpinned(raw: str, config: TrainConfig) -> str:
    """The compare= value ``raw`` without the run of ``config``."""
    configs, _ = parse_compare(raw)
    return format_compare([c for c in configs if c != config])


def _field_words(key: str, config: TrainConfig) -> str:
    value = getattr(config, CONFIG_FIELDS[key])
    if key in ("act", "opt"):
        return str(value)
    if key == "shuffle":
        return _("shuffled") if value else _("in order")
    if key == "target":
        return f"y = {target_label(value)}"
    if key == "hidden":
        return _("hidden {sizes}", sizes=",".join(str(h) for h in value))
    if key == "n":
        return _("samples {n}", n=_value_text(key, value))
    names = {"mom": "β", "decay": "ρ", "b1": "β₁", "b2": "β₂"}
    return f"{names.get(key, key)} {_value_text(key, value)}"


def run_labels(current: TrainConfig, others: list[TrainConfig]) -> list[str]:
    """Labels for ``[current, *others]``: each other run by what differs from the current settings
    ("lr 2e-5", "sigmoid", "batch 64, sgd"); the current run by its own values of every setting that
    differs in some other run (or "this run" when none does). Labels are unique."""
    keys = [k for k in CONFIG_FIELDS if any(getattr(o, CONFIG_FIELDS[k]) != getattr(current, CONFIG_FIELDS[k])
                                          for o in others)]
    labels = [", ".join(_field_words(k, current) for k in keys) or _("this run")]
    for other in others:
        differs = [k for k in keys if getattr(other, CONFIG_FIELDS[k]) != getattr(current, CONFIG_FIELDS[k])]
        labels.append(", ".join(_field_words(k, other) for k in differs) or _("same settings"))
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return unique


def final_loss(history: pd.DataFrame, epochs: int) -> float:
    """The mean training loss over the run's last epoch (the history rows past epoch − 1); nan when none."""
    if history.empty:
        return math.nan
    loss = history["loss"].to_numpy(dtype=float)
    last = loss[history["epoch"].to_numpy(dtype=float) > epochs - 1]
    last = last[np.isfinite(last)]
    return float(last.mean()) if last.size else math.nan


COMPARE_X = (-2.0, -1.0, 1.0, 2.0, FAR_X)
COMPARE_POINTS = 200     # x grid of a compared fit
COMPARE_LOSS_ROWS = 300  # rows of a compared loss curve


@dataclass(frozen=True)
class RunSummary:
    """What the Compare section shows of one run, and nothing more: a few kilobytes whatever the net's size
    (a session keeps up to MAX_PINNED of them). ``curve_*``: the smoothed loss (``loss_curve``'s dark line);
    ``fit_y``: the prediction on ``compare_grid``; ``at_x``: the predictions at COMPARE_X."""

    config: TrainConfig
    done: bool
    samples_seen: int
    total_samples: int
    final_loss: float
    curve_epoch: np.ndarray
    curve_loss: np.ndarray
    fit_y: np.ndarray
    at_x: np.ndarray
    train_seconds: float | None = None


def compare_grid(config: TrainConfig) -> np.ndarray:
    """Where a compared fit is drawn: COMPARE_POINTS x values over ``fit_range`` of the run's data."""
    return np.linspace(*fit_range(config.x_min, config.x_max), COMPARE_POINTS)


def summarize(run) -> RunSummary:
    """The ``RunSummary`` of ``run`` (a RunView or a Trainer: config, history, predict, done, samples_seen,
    total_samples, and train_seconds when it has one)."""
    c = run.config
    curve = loss_curve(run.history, COMPARE_LOSS_ROWS)
    smoothed = curve[curve["series"] == "smoothed"]
    predictions = run.predict(np.r_[compare_grid(c), COMPARE_X])
    return RunSummary(
        config=c, done=bool(run.done), samples_seen=int(run.samples_seen), total_samples=int(run.total_samples),
        final_loss=final_loss(run.history, c.epochs) if run.done else math.nan,
        curve_epoch=smoothed["epoch"].to_numpy(dtype=float), curve_loss=smoothed["loss"].to_numpy(dtype=float),
        fit_y=predictions[:COMPARE_POINTS], at_x=predictions[COMPARE_POINTS:],
        train_seconds=getattr(run, "train_seconds", None))


def run_state(run: RunSummary) -> str:
    """Where a compared run stands, so its numbers are read as final or as so far."""
    if not run.done:
        return _("computing: {share} done, numbers so far",
                 share=f"{run.samples_seen / max(run.total_samples, 1):.0%}")
    if run.samples_seen < run.total_samples:
        return _("stopped early, at sample {sample}", sample=f"{run.samples_seen:,}")
    return _("done")


# The table's number columns (their English names are the columns of ``compare_numbers``; ``compare_table``
# writes them in the page's language: ``number_columns``).
COMPARE_NUMBERS = (N_("final loss"), *(f"f({x:g})" for x in COMPARE_X), N_("time (s)"))


def number_columns() -> list[str]:
    """The headers of ``compare_table``'s number columns, in the page's language."""
    return [c if c.startswith("f(") else _(c) for c in COMPARE_NUMBERS]


def shown_runs(labels: list[str], current: RunSummary | None, pinned: list[RunSummary | None]
               ) -> tuple[list[str], list[RunSummary]]:
    """The runs the Compare section draws, and their labels (``run_labels``: the current run's first): the
    current run's summary when there is one, then each pinned run the server has started (not None)."""
    shown = [] if current is None else [(labels[0], current)]
    shown += [(label, run) for label, run in zip(labels[1:], pinned) if run is not None]
    return [label for label, _ in shown], [run for _, run in shown]


def pending_words(labels: list[str], pinned: list[RunSummary | None]) -> str:
    """What the Compare section says while pinned runs compute: each unfinished one with how far it is."""
    runs = ", ".join(f"{label} ({run.samples_seen / run.total_samples:.0%})" if run
                     else _("{label} (waiting)", label=label)
                     for label, run in zip(labels, pinned) if run is None or not run.done)
    return _(":material/hourglass_top: Computing the pinned runs the server does not have yet, one at a time: "
             "{runs}.", runs=runs)


def compare_numbers(labels: list[str], runs: list[RunSummary]) -> pd.DataFrame:
    """One row per run: where it stands (``run_state``), final loss, f at ±1, ±2 and 103, and its training
    time; a first row with the truth when the runs share a target. A cell with nothing to say (the truth's
    state, loss and time, an unfinished run's final loss) is None or NaN."""
    columns = ["run", "state", *COMPARE_NUMBERS]
    rows = []
    targets = {run.config.target for run in runs}
    if len(targets) == 1:
        target = targets.pop()
        rows.append([_("{target} (truth)", target=target_label(target)), None, math.nan,
                     *(float(target_values(target, x)) for x in COMPARE_X), math.nan])
    for label, run in zip(labels, runs):
        secs = run.train_seconds
        rows.append([label, run_state(run), run.final_loss if math.isfinite(run.final_loss) else math.nan,
                     *(float(p) if math.isfinite(p) else math.nan for p in run.at_x),
                     math.nan if secs is None else float(secs)])
    return pd.DataFrame(rows, columns=columns)


def table_caption(current: str | None) -> str:
    """What the Compare section says of its runs' labels and numbers; ``current``: the current run's label (None:
    no run yet, so the labels say what differs from the current settings)."""
    if current is None:
        labels = _("Each pinned run is labelled by what differs from the current settings.")
    else:
        labels = _("Each pinned run is labelled by what differs from the current run ({run}).", run=current)
    return labels + " " + _("Final loss: the mean training loss over the last epoch; time: training time on the "
                            "server's workers.")


def table_number(value: float | None) -> str:
    """A number in the comparison table: 10,609 and 1,234 whole, 3.988 and 0.01234 to 4 significant digits,
    6.753e+32 when huge, and nothing for a missing value (not "None")."""
    if value is None or not math.isfinite(value):
        return ""
    if abs(value) >= 1e7:
        return f"{value:.4g}"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def compare_table(labels: list[str], runs: list[RunSummary]) -> pd.DataFrame:
    """``compare_numbers`` as the page writes it, every cell text: numbers by ``table_number``, the time to a
    tenth of a second, and an empty cell empty (a table shows a missing value as "None")."""
    numbers = compare_numbers(labels, runs)
    table = numbers[["run", "state"]].fillna("").rename(columns={"run": _("run"), "state": _("state")})
    for column, header in zip(COMPARE_NUMBERS, number_columns()):
        write = (lambda s: "" if not math.isfinite(s) else f"{s:.1f}") if column == "time (s)" else table_number
        table[header] = [write(float(v)) for v in numbers[column]]
    return table


def compare_loss_curves(labels: list[str], runs: list[RunSummary]) -> pd.DataFrame:
    """Long form (epoch, loss, run) of each run's smoothed training loss."""
    frames = [pd.DataFrame({"epoch": run.curve_epoch, "loss": run.curve_loss, "run": label})
              for label, run in zip(labels, runs)]
    if not frames:
        return pd.DataFrame(columns=["epoch", "loss", "run"])
    return pd.concat(frames, ignore_index=True)


def compare_fits(labels: list[str], runs: list[RunSummary]) -> pd.DataFrame:
    """Long form (x, y, run) of each run's prediction on its ``compare_grid``; non-finite values left out."""
    frames = [pd.DataFrame({"x": compare_grid(run.config), "y": run.fit_y, "run": label})
              for label, run in zip(labels, runs)]
    if not frames:
        return pd.DataFrame(columns=["x", "y", "run"])
    frame = pd.concat(frames, ignore_index=True)
    return frame[np.isfinite(frame["y"].to_numpy(dtype=float))].reset_index(drop=True)


def target_curve(target: str, x_min: float, x_max: float, points: int = COMPARE_POINTS) -> pd.DataFrame:
    """(x, y) of the target over ``fit_range``: the dashed line under compared fits."""
    lo, hi = fit_range(x_min, x_max)
    x = np.linspace(lo, hi, points)
    return pd.DataFrame({"x": x, "y": target_values(target, x)})

