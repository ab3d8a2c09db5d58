"""A board's runs as the class sees them: a table, the lab's own picture, and the teacher's CSV. No Streamlit.

Tables hold nicknames as text cells (a data grid draws text, never markup); ``hide`` puts "hidden" in their
place. Pictures are Altair charts whose data holds only finite numbers (``labs.charts.finite_rows``), and
whose description (read by screen readers) lists what the marks show.

Words are in the current language (``i18n``): a board stores English codes (outcome labels, racer names,
outcome kinds) and each reader sees them in their own. The frames' column names stay English (the charts'
field names); ``shown`` gives a table its headers in the current language, for the page and the CSV.
"""
from __future__ import annotations

import io
from collections import Counter

import altair as alt
import numpy as np
import pandas as pd

import i18n
from board.store import Run
from core.dataset import target_values
from core.descent import outcome_labels
from core.objective import Quadratic
from core.sweep import sweep
from core.train import TrainConfig
from i18n import N_, _, ngettext, pgettext
from labs.charts import finite_rows
from labs.descent import limits as descent_limits
from labs.descent import ranges as descent_ranges
from labs.descent.charts import OUTCOME_COLORS, basin_frame

HIDDEN_NAME = N_("hidden")
DESCRIBED = 20  # marks a chart's description lists one by one
# The tables' columns as a reader sees them (the frames keep the English names: the charts' fields).
HEADERS = {"run": N_("run"), "nickname": N_("nickname"), "outcome": N_("outcome"), "steps": N_("steps"),
           "winner": N_("winner"), "root": N_("root"), "racers": N_("racers"), "changed": N_("changed"),
           "final loss": N_("final loss"), "time (s)": N_("time (s)"), "sent (UTC)": N_("sent (UTC)")}


def header(column: str) -> str:
    """A table column's header in the current language (x0, lr, p(x), f(103) are the same in every one)."""
    return _(HEADERS[column]) if column in HEADERS else column


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its headers in the current language."""
    return frame.rename(columns={c: header(c) for c in frame.columns})


PHONE_TITLE = 40  # characters of an axis title a phone's chart shows on one line
PHONE_LEGEND = 10  # characters of a legend label three of which fit side by side on a phone


def fitted(title: str, narrow: bool) -> str | list[str]:
    """An axis title, on a phone split in two lines before its parenthesis when it is longer than one line holds
    (a Russian title is longer than its English, which stays as it was)."""
    if narrow and len(title) > PHONE_TITLE and " (" in title:
        head, tail = title.split(" (", 1)
        return [head, "(" + tail]
    return title


def who(run: Run, hide: bool) -> str:
    return _(HIDDEN_NAME) if hide else run.nickname


# ── gradient descent ─────────────────────────────────────────────────────────────────────────────────────
def descent_problem_key(run: Run) -> tuple:
    s = run.settings
    return float(s["a"]), float(s["b"]), float(s["c"]), int(s["steps"]), float(s["tol"])


def descent_map_runs(runs: list[Run]) -> tuple[tuple | None, list[Run], int]:
    """The (a, b, c, steps, tol) most runs used (the defaults' on a tie: the earliest sent), its runs, and
    how many runs used another (they are in the table only)."""
    if not runs:
        return None, [], 0
    counts = Counter(descent_problem_key(r) for r in runs)
    key = max(counts, key=lambda k: (counts[k], -min(r.id for r in runs if descent_problem_key(r) == k)))
    on_map = [r for r in runs if descent_problem_key(r) == key]
    return key, on_map, len(runs) - len(on_map)


def descent_points(runs: list[Run], hide: bool) -> pd.DataFrame:
    """One row per start of every run: run, nickname, x0, lr, outcome, steps."""
    rows = [{"run": r.id, "nickname": who(r, hide), "x0": s["x0"], "lr": r.settings["lr"], "outcome": _(s["outcome"]),
             "steps": s["steps"], "p(x)": Quadratic(r.settings["a"], r.settings["b"], r.settings["c"]).describe()}
            for r in runs for s in r.results["starts"]]
    return pd.DataFrame(rows, columns=["run", "nickname", "p(x)", "x0", "lr", "outcome", "steps"])


def descent_axes(problem: Quadratic, lrs, x0s) -> tuple[np.ndarray, np.ndarray]:
    """The map's grid: the lab's basin-map grid (``descent_ranges.basin_axes``: its x range, widened to the starts
    near it; far starts stay off the map, as on the lab's page), its learning rates widened to hold every
    learning rate sent."""
    low_x0, low_lr = descent_ranges.basin_axes(problem, min(lrs), x0s)
    _, high_lr = descent_ranges.basin_axes(problem, max(lrs), x0s)
    grid_lr = np.logspace(np.log10(low_lr[0]), np.log10(high_lr[-1]), descent_limits.BASIN_LRS)
    return low_x0, grid_lr


def descent_sweep(coefs: tuple, steps: int, tol: float, lrs: tuple, x0s: tuple):
    """The basin map behind the board's marks (at most the lab's BASIN_MAX_STEPS updates per cell)."""
    problem = Quadratic(*coefs)
    grid_x0, grid_lr = descent_axes(problem, lrs, x0s)
    return sweep(problem, grid_x0, grid_lr, min(steps, descent_limits.BASIN_MAX_STEPS), tol, orbits=True)


def descent_chart(sw, problem: Quadratic, points: pd.DataFrame, *, narrow: bool = False,
                  height: int = 380) -> alt.LayerChart:
    """The basin map, pale, and every start sent as a dot at (x0, lr) in its outcome's colour."""
    labels = tuple(_(label) for label in outcome_labels(problem))  # as the points' outcomes are shown
    columns, rows = (21, 21) if narrow else (None, None)
    cells = finite_rows(basin_frame(sw, columns=columns, rows=rows, labels=labels), ["x0", "lr", "steps"])
    x_scale = alt.Scale(domain=[float(cells["x0_lo"].min()), float(cells["x0_hi"].max())], nice=False)
    y_scale = alt.Scale(type="log", domain=[float(cells["lr_lo"].min()), float(cells["lr_hi"].max())], nice=False)
    long_labels = narrow and max(map(len, labels)) > PHONE_LEGEND  # a translation's: two columns, smaller type
    legend = alt.Legend(orient="bottom", columns=(2 if long_labels else 3) if narrow else 7, labelLimit=140,
                        symbolOpacity=1.0,  # the legend's swatches as bright as the dots
                        **({"labelFontSize": 11, "columnPadding": 6} if long_labels else {}))
    color = alt.Color("outcome:N", title=_("outcome"), scale=alt.Scale(domain=list(labels), range=list(OUTCOME_COLORS)),
                      legend=legend)
    background = alt.Chart(cells).mark_rect(opacity=0.28).encode(
        x=alt.X("x0_lo:Q", title=_("start point x0"), scale=x_scale), x2="x0_hi:Q",
        y=alt.Y("lr_lo:Q", title=fitted(_("learning rate lr (log scale)"), narrow), scale=y_scale), y2="lr_hi:Q",
        color=color, tooltip=[alt.Tooltip("x0:Q", format=".4g"), alt.Tooltip("lr:Q", format=".4g"),
                              alt.Tooltip("outcome:N", title=_("map"))])
    dots = finite_rows(points[points["x0"].between(*x_scale.domain) & points["lr"].between(*y_scale.domain)],
                       ["x0", "lr"])
    marks = alt.Chart(dots).mark_point(filled=True, size=140 if narrow else 110, opacity=1.0, stroke="black",
                                       strokeWidth=1.2).encode(
        x=alt.X("x0:Q", scale=x_scale), y=alt.Y("lr:Q", scale=y_scale), color=color,
        tooltip=[_tip("run:Q"), _tip("nickname:N"), alt.Tooltip("x0:Q", format=".4g"),
                 alt.Tooltip("lr:Q", format=".4g"), _tip("outcome:N"), _tip("steps:Q")])
    listed = "; ".join(_("x0 = {x0} at lr = {lr}: {outcome}", x0=f"{x:.4g}", lr=f"{lr:.4g}", outcome=o)
                       for x, lr, o in dots[["x0", "lr", "outcome"]].head(DESCRIBED).itertuples(index=False))
    if len(dots) > DESCRIBED:
        listed = ngettext("{listed} and {n} more", "{listed} and {n} more", len(dots) - DESCRIBED, listed=listed)
    if len(dots):
        description = ngettext(
            "Class basin map of p(x) = {poly}: start point x0 across, learning rate up (log scale); {n} starts sent, "
            "each a dot in the colour of its outcome ({listed}); pale cells behind: the map computed here.",
            "Class basin map of p(x) = {poly}: start point x0 across, learning rate up (log scale); {n} starts sent, "
            "each a dot in the colour of its outcome ({listed}); pale cells behind: the map computed here.",
            len(dots), poly=problem.describe(), listed=listed)
    else:
        description = ngettext(
            "Class basin map of p(x) = {poly}: start point x0 across, learning rate up (log scale); {n} starts sent, "
            "each a dot in the colour of its outcome; pale cells behind: the map computed here.",
            "Class basin map of p(x) = {poly}: start point x0 across, learning rate up (log scale); {n} starts sent, "
            "each a dot in the colour of its outcome; pale cells behind: the map computed here.",
            0, poly=problem.describe())
    return alt.layer(background, marks).properties(height=height + (90 if narrow else 40), description=description)


# ── Adagrad ──────────────────────────────────────────────────────────────────────────────────────────────
NO_WINNER = N_("no winner")
# What a racer's run did when it did not converge (``core.descent.Outcome.kind``, stored as it is).
KIND_WORDS = {"converged": N_("converged"), "vertex": N_("vertex"), "cycle": N_("cycle"), "chaos": N_("chaos"),
              "diverged": N_("diverged"), "unfinished": N_("unfinished"), "fixed": N_("fixed")}


def _tip(field: str, **kw) -> alt.Tooltip:
    """A tooltip whose title is the field's column header in the current language."""
    return alt.Tooltip(field, title=header(field.split(":")[0]), **kw)


def _root(value) -> str:
    return pgettext("root reached", "none") if value is None else f"{value:g}"


def _winner(name) -> str:
    from labs.adagrad.races import racer_label

    return racer_label(name) if name else _(NO_WINNER)


def _racer_did(x: dict) -> str:
    """'gradient descent (lr 0.1): root 4 in 12 steps', or what its run did instead (its outcome's kind)."""
    from labs.adagrad.races import racer_label

    if x["status"] == "converged":
        return ngettext("{racer} (lr {lr}): root {root} in {n} steps", "{racer} (lr {lr}): root {root} in {n} steps",
                        x["steps"], racer=racer_label(x["name"]), lr=f"{x['lr']:g}", root=_root(x["root"]))
    kind = x["outcome"]
    return _("{racer} (lr {lr}): {outcome}", racer=racer_label(x["name"]), lr=f"{x['lr']:g}",
             outcome=_(KIND_WORDS[kind]) if kind in KIND_WORDS else kind)


def adagrad_rows(runs: list[Run], hide: bool) -> pd.DataFrame:
    """One row per race: run, nickname, x0, the racers and their learning rates, the winner, its lr, steps
    and root, and what every racer did."""
    rows = []
    for r in runs:
        res = r.results
        did = "; ".join(_racer_did(x) for x in res["racers"])
        lr = res["winner_lr"] if res["winner"] else (res["racers"][0]["lr"] if res["racers"] else None)
        rows.append({"run": r.id, "nickname": who(r, hide), "x0": r.settings["x0"],
                     "winner": _winner(res["winner"]), "lr": lr, "steps": res["winner_steps"],
                     "root": _root(res["winner_root"]), "racers": did})
    return pd.DataFrame(rows, columns=["run", "nickname", "x0", "winner", "lr", "steps", "root", "racers"])


def adagrad_chart(rows: pd.DataFrame, *, narrow: bool = False) -> alt.Chart:
    """Each race's winner (across: its learning rate, log scale; up: who), coloured by the root it reached."""
    from labs.adagrad.races import RACERS, racer_label

    data = finite_rows(rows[rows["lr"].notna() & (rows["lr"] > 0)], ["lr"]).copy()
    data["jitter"] = (data["run"] * 0.618034 % 1.0) * 16 - 8  # races at one lr spread apart, the same at every redraw
    shown = data[["winner", "lr"]].head(DESCRIBED).itertuples(index=False)
    listed = "; ".join(_("{name} at lr = {lr}", name=w, lr=f"{lr:g}") for w, lr in shown)
    if listed:
        description = ngettext("Winners of the races sent, by learning rate: {n} races ({listed}).",
                               "Winners of the races sent, by learning rate: {n} races ({listed}).", len(data),
                               listed=listed)
    else:
        description = ngettext("Winners of the races sent, by learning rate: {n} races.",
                               "Winners of the races sent, by learning rate: {n} races.", len(data))
    return alt.Chart(data).mark_point(filled=True, size=120, stroke="black", strokeWidth=1).encode(
        x=alt.X("lr:Q", title=fitted(_("the winner's learning rate (log scale)"), narrow), scale=alt.Scale(type="log")),
        y=alt.Y("winner:N", title=None, sort=[*(racer_label(name) for name in RACERS), _(NO_WINNER)],
                axis=alt.Axis(labelLimit=170)),  # "градиентный спуск" whole
        yOffset=alt.YOffset("jitter:Q"),
        color=alt.Color("root:N", title=_("root reached"), legend=alt.Legend(orient="bottom")),
        tooltip=[_tip("run:Q"), _tip("nickname:N"), alt.Tooltip("x0:Q"), _tip("winner:N"),
                 alt.Tooltip("lr:Q", format=".4g"), _tip("steps:Q"), _tip("root:N")],
    ).properties(height=260, description=description)


# ── MLP ──────────────────────────────────────────────────────────────────────────────────────────────────
MLP_NUMBERS = ("final_loss", "f(-2)", "f(-1)", "f(1)", "f(2)", "f(103)", "seconds")
LOG_KEYS = ("lr", "eps", "n", "batch", "noise")


def mlp_value(run: Run, key: str):
    """The run's value of a setting (its default when it did not change it), hidden layers as text."""
    from labs.mlp.settings import CONFIG_FIELDS

    value = run.settings.get(key, getattr(TrainConfig(), CONFIG_FIELDS[key]))
    if key == "hidden":
        return "-".join(str(int(h)) for h in value)
    return value


def mlp_varied(runs: list[Run]) -> list[str]:
    """The settings whose value differs between runs, the most varied first (ties in the lab's order)."""
    from labs.mlp.settings import CONFIG_FIELDS

    counts = {key: len({str(mlp_value(r, key)) for r in runs}) for key in CONFIG_FIELDS}
    return sorted((k for k, n in counts.items() if n > 1), key=lambda k: -counts[k])


def _changed(text: str) -> str:
    """The settings a run changed (compare='s codes, the same in every language); none: "default", in words."""
    from labs.mlp.compare import DEFAULT_RUN

    return pgettext("settings changed", "default") if text == DEFAULT_RUN else text


def mlp_rows(runs: list[Run], hide: bool) -> pd.DataFrame:
    rows = [{"run": r.id, "nickname": who(r, hide), "changed": _changed(r.results.get("changed", "")),
             **{k: r.results.get(k) for k in MLP_NUMBERS}} for r in runs]
    frame = pd.DataFrame(rows, columns=["run", "nickname", "changed", *MLP_NUMBERS])
    return frame.rename(columns={"final_loss": "final loss", "seconds": "time (s)"})


def _mlp_x(runs: list[Run], setting: str | None, data: pd.DataFrame) -> alt.X:
    """The x channel for ``setting`` (its values put into ``data["setting"]``): numbers on a linear or log axis,
    anything else (activation, optimiser, hidden layers) as categories."""
    if setting is None:
        data["setting"] = _("all runs")
        return alt.X("setting:N", title=None)
    values = [mlp_value(r, setting) for r in runs]
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        data["setting"] = values
        log = setting in LOG_KEYS and all(v > 0 for v in values)
        return alt.X("setting:Q", title=setting, scale=alt.Scale(type="log" if log else "linear"))
    data["setting"] = [str(v).lower() if isinstance(v, bool) else str(v) for v in values]
    return alt.X("setting:N", title=setting, sort=sorted(set(data["setting"])))


def _mlp_tip() -> list:
    return [_tip("run:Q"), _tip("nickname:N"), _tip("changed:N"), _tip("final loss:Q", format=".3g"),
            alt.Tooltip("f(103):Q", format=".5g")]


def mlp_loss_chart(runs: list[Run], setting: str | None, rows: pd.DataFrame) -> alt.Chart:
    """Final loss (log scale) against ``setting`` (None: every run at one place), one mark per run."""
    data = rows.copy()
    x = _mlp_x(runs, setting, data)
    data = finite_rows(data[data["final loss"].notna() & (data["final loss"] > 0)], ["final loss"])
    if setting:
        description = ngettext("Final loss of {n} runs against {setting}, log scale.",
                               "Final loss of {n} runs against {setting}, log scale.", len(data), setting=setting)
    else:
        description = ngettext("Final loss of {n} runs against one place (no setting varies), log scale.",
                               "Final loss of {n} runs against one place (no setting varies), log scale.", len(data))
    return alt.Chart(data).mark_point(filled=True, size=90).encode(
        x=x, y=alt.Y("final loss:Q", title=_("final loss (log scale)"), scale=alt.Scale(type="log")),
        tooltip=_mlp_tip()).properties(height=260, title=_("Final loss"), description=description)


def mlp_far_chart(runs: list[Run], setting: str | None, rows: pd.DataFrame) -> alt.LayerChart:
    """f(103) against ``setting``, one mark per run; the target's own value at 103 as a dashed line when the
    runs share a target."""
    data = rows.copy()
    x = _mlp_x(runs, setting, data)
    data = finite_rows(data[data["f(103)"].notna()], ["f(103)"])
    layers = [alt.Chart(data).mark_point(filled=True, size=90, color="#d62728").encode(
        x=x, y=alt.Y("f(103):Q", title="f(103)"), tooltip=_mlp_tip())]
    targets = {r.settings.get("target", TrainConfig().target) for r in runs}
    if setting:
        description = ngettext("f(103) of {n} runs against {setting}", "f(103) of {n} runs against {setting}",
                               len(data), setting=setting)
    else:
        description = ngettext("f(103) of {n} runs against one place (no setting varies)",
                               "f(103) of {n} runs against one place (no setting varies)", len(data))
    if len(targets) == 1:
        truth = float(target_values(targets.pop(), 103.0))
        description += "; " + _("the dashed line is the truth, {truth}", truth=f"{truth:,.6g}")
        rule = pd.DataFrame({"truth": [truth], "label": [_("truth: {truth}", truth=f"{truth:,.6g}")]})
        layers.append(alt.Chart(rule).mark_rule(strokeDash=[6, 3], color="black").encode(
            y="truth:Q", tooltip=[alt.Tooltip("label:N", title=_("target at 103"))]))
    return alt.layer(*layers).properties(height=260, title="f(103)", description=description + ".")


# ── the table and the CSV, for any lab ────────────────────────────────────────────────────────────────────
def table(lab: str, runs: list[Run], hide: bool) -> pd.DataFrame:
    if lab == "descent":
        return descent_points(runs, hide)
    if lab == "adagrad":
        return adagrad_rows(runs, hide)
    return mlp_rows(runs, hide)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A text cell a spreadsheet will not run as a formula (OWASP's CSV injection rule: a leading ')."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv(lab: str, runs: list[Run], lang: str | None = None) -> bytes:
    """Every run with its nickname and the time it was sent (UTC), as the teacher downloads it: its headers and
    words in ``lang`` (the language of the page that offered it; the current one if None), its numbers as they
    are."""
    previous = i18n.language()
    i18n.use(lang or previous)  # a download is built when clicked, maybe outside the page's run
    try:
        frame = table(lab, runs, hide=False)
        sent = {r.id: pd.Timestamp(r.sent, unit="s", tz="UTC").strftime("%Y-%m-%d %H:%M:%S") for r in runs}
        frame.insert(1, "sent (UTC)", frame["run"].map(sent))
        frame = shown(frame).map(_cell)  # text cells only: numbers pass as they are
    finally:
        i18n.use(previous)
    out = io.StringIO()
    frame.to_csv(out, index=False)
    return out.getvalue().encode("utf-8")

