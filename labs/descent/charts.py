"""Altair builders for the gradient-descent page: data in, ``alt.Chart`` out. No Streamlit here.

Every builder clips what it draws to the x-range it is given (marks use ``clip=True``), sends only
finite rows, and keeps each chart to a few thousand rows.
"""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core.descent import DIVERGED_CODE, HIGH_ROOT, LOW_ROOT, OUTCOME_LABELS, Trajectory
from core.objective import Quadratic
from core.sweep import Sweep
from i18n import _
from labs.charts import LOSS_CEILING, finite_rows, spread, thin
from labs.descent.format import start_labels

# In OUTCOME_LABELS order: left root, right root, vertex, diverged, too slow, cycle, chaos.
OUTCOME_COLORS = ("#1f77b4", "#ff7f0e", "#9467bd", "#d62728", "#b0b0b0", "#2ca02c", "#8c564b")
DASHES = [[1, 0], [8, 4], [2, 3], [12, 3, 2, 3], [4, 4], [1, 5], [10, 2], [6, 2, 2, 2]]  # one per start
ROWS_PER_RUN = 600


def _starts(trajs: list[Trajectory]) -> list[str]:
    return start_labels([float(t.xs[0]) for t in trajs])


def loss_by_step(problem: Quadratic, trajs: list[Trajectory], *, height: int = 300) -> alt.Chart:
    """loss against step on a log axis, one line per run; losses above LOSS_CEILING drawn at it."""
    frames = []
    for traj, label in zip(trajs, _starts(trajs)):
        with np.errstate(over="ignore", invalid="ignore"):
            loss = np.minimum(problem.loss(traj.xs), LOSS_CEILING)
        df = pd.DataFrame({"step": np.arange(len(traj.xs)), "loss": loss, "start": label})
        df = finite_rows(df, ["loss"])
        frames.append(thin(df[df["loss"] > 0], ROWS_PER_RUN))
    data = pd.concat(frames, ignore_index=True)
    legend = alt.Legend(symbolType="stroke", symbolSize=400)  # the swatches show each run's dash and width
    return alt.Chart(data).mark_line().encode(
        x=alt.X("step:Q", title=_("step (updates made)"), axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("loss:Q", title=_("loss = p(x)²  (log scale)"), scale=alt.Scale(type="log")),
        color=alt.Color("start:N", title=_("start"), sort=_starts(trajs), scale=alt.Scale(scheme="category10"),
                        legend=legend),
        # Runs that take the same path (mirrored starts converge in step) would hide one another: each run
        # gets its own dash pattern and the earlier ones are drawn wider.
        strokeDash=alt.StrokeDash("start:N", sort=_starts(trajs), title=_("start"),
                                  scale=alt.Scale(domain=_starts(trajs), range=DASHES[:len(trajs)])),
        strokeWidth=alt.StrokeWidth("start:N", sort=_starts(trajs), title=_("start"),  # one merged legend
                                    scale=alt.Scale(domain=_starts(trajs),
                                                    range=[max(6.0 - 1.5 * k, 1.5) for k in range(len(trajs))])),
        tooltip=[alt.Tooltip("start:N", title=_("start")), alt.Tooltip("step:Q", title=_("step")),
                 alt.Tooltip("loss:Q", format=".3g", title=_("loss"))],
    ).properties(height=height, description=_("Line chart: the loss p(x)² (log scale) against the step, one line per "
                                              "start point: {starts}.", starts=", ".join(_starts(trajs))))


def _edges(centres: np.ndarray, log: bool) -> tuple[np.ndarray, np.ndarray]:
    """Cell edges halfway between centres (geometrically for a log axis)."""
    c = np.log10(centres) if log else centres
    mid = (c[1:] + c[:-1]) / 2
    first, last = c[0] - (mid[0] - c[0]), c[-1] + (c[-1] - mid[-1])
    edges = np.r_[first, mid, last]
    if log:
        edges = 10.0 ** edges
    return edges[:-1], edges[1:]


def basin_frame(sw: Sweep, *, columns: int | None = None, rows: int | None = None,
                labels: tuple[str, ...] = OUTCOME_LABELS) -> pd.DataFrame:
    """One row per sweep cell: its x0 and lr (centre and edges), outcome label (``labels``, in OUTCOME_LABELS
    order: ``core.descent.outcome_labels`` of the problem) and steps. With ``columns`` / ``rows``, only that many
    start points / learning rates, evenly spread, each cell widened to meet its neighbours (fewer, larger cells
    for a narrow screen; every cell shown is a run of the sweep)."""
    keep_x, keep_lr = spread(len(sw.x0s), columns), spread(len(sw.lrs), rows)
    x_lo, x_hi = _edges(sw.x0s[keep_x], log=False)
    l_lo, l_hi = _edges(sw.lrs[keep_lr], log=True)
    i, j = np.meshgrid(np.arange(len(keep_lr)), np.arange(len(keep_x)), indexing="ij")
    i, j = i.ravel(), j.ravel()
    cells = (keep_lr[i], keep_x[j])  # the kept cells of the sweep's (lr, x0) arrays
    outcome, steps = sw.outcome[cells], sw.steps[cells]
    period = sw.period[cells] if sw.period is not None else np.zeros(i.size, dtype=np.int64)
    return pd.DataFrame({
        "x0": sw.x0s[keep_x][j], "x0_lo": x_lo[j], "x0_hi": x_hi[j],
        "lr": sw.lrs[keep_lr][i], "lr_lo": l_lo[i], "lr_hi": l_hi[i],
        "outcome": np.array(shown_labels(labels))[outcome], "steps": steps,
        "final x": sw.x[cells], "period": period,
        # Shading: how long a run took to converge or diverge. Runs that used every step (vertex, cycle, chaos,
        # too slow) stay solid so that their colour reads.
        "shade": np.where(np.isin(outcome, (LOW_ROOT, HIGH_ROOT, DIVERGED_CODE)), steps, 0),
    })


def shown_labels(labels) -> list[str]:
    """Outcome labels (``core.descent.outcome_labels``, English codes) as the page shows them."""
    return [_(label) for label in labels]


PHONE_CELLS = (21, 21)  # basin-map columns × rows on a phone: cells of about 14 × 18 px at 390 px wide


def basin_map(sw: Sweep, *, current_x0s, current_lr: float, bound: float | None, bound_label: str,
              height: int = 380, cells: tuple[int, int] | None = None,
              labels: tuple[str, ...] = OUTCOME_LABELS) -> alt.LayerChart:
    """Outcome of every (x0, lr) cell, lighter for more steps; the stability bound as a dashed line and the
    current settings as black crosses. Clicking a cell selects its x0 and lr (selection "cell").
    ``cells`` = (columns, rows): draw at most that many, evenly spread, legends below the plot (``PHONE_CELLS``
    for a phone: there the legends beside it would leave the plot a third of the screen)."""
    columns, rows = cells or (None, None)
    shown = shown_labels(labels)
    data = finite_rows(basin_frame(sw, columns=columns, rows=rows, labels=labels), ["x0", "lr", "steps", "final x"])
    x_scale = alt.Scale(domain=[float(data["x0_lo"].min()), float(data["x0_hi"].max())], nice=False)
    y_scale = alt.Scale(type="log", domain=[float(data["lr_lo"].min()), float(data["lr_hi"].max())], nice=False)
    cell = alt.selection_point(name="cell", fields=["x0", "lr"], on="click", clear=False)
    max_steps = max(int(data["shade"].max()), 1)
    # The legend's squares are drawn solid black at each step count's opacity (the default drew the same
    # grey square for every value).
    ticks = [v for v in (0, 10, 100, 1000, 10_000) if v < max_steps] + [max_steps]
    # On a phone the two legends side by side below the plot ran 40 px past a 390 px screen: the outcomes go
    # above the plot there, the steps (one row of squares) below it.
    outcome_legend = alt.Legend(orient="top", columns=2) if cells else alt.Legend()
    steps_legend = ({"orient": "bottom", "direction": "horizontal", "columns": len(ticks), "titleLimit": 240}
                    if cells else {})
    rects = alt.Chart(data).mark_rect().encode(
        x=alt.X("x0_lo:Q", title=_("start point x0"), scale=x_scale), x2="x0_hi:Q",
        y=alt.Y("lr_lo:Q", title=_("learning rate lr (log scale)"), scale=y_scale), y2="lr_hi:Q",
        color=alt.Color("outcome:N", title=_("outcome"), legend=outcome_legend,
                        scale=alt.Scale(domain=shown, range=list(OUTCOME_COLORS))),
        opacity=alt.Opacity("shade:Q", title=_("steps to converge or diverge"),
                            scale=alt.Scale(type="symlog", domain=[0, max_steps], range=[1.0, 0.35]),
                            legend=alt.Legend(values=ticks, symbolType="square", symbolFillColor="#1f77b4",
                                              symbolStrokeColor="#1f77b4", symbolSize=150, **steps_legend)),
        tooltip=[alt.Tooltip("x0:Q", format=".4g"), alt.Tooltip("lr:Q", format=".4g"),
                 alt.Tooltip("outcome:N", title=_("outcome")), alt.Tooltip("period:Q", title=_("cycle length")),
                 alt.Tooltip("steps:Q", title=_("steps")), alt.Tooltip("final x:Q", format=".6g", title=_("final x"))],
    ).add_params(cell)
    layers = [rects]
    lr_min, lr_max = float(data["lr_lo"].min()), float(data["lr_hi"].max())
    if bound is not None and lr_min <= bound <= lr_max:
        rule = pd.DataFrame({"lr": [bound], "label": [bound_label]})
        layers.append(alt.Chart(rule).mark_rule(strokeDash=[6, 3], color="black", strokeWidth=1.5).encode(
            y=alt.Y("lr:Q", scale=y_scale), tooltip=[alt.Tooltip("label:N", title=_("stable bound"))]))
        layers.append(alt.Chart(rule).mark_text(align="left", dx=4, dy=-7, fontSize=12).encode(
            x=alt.value(4), y=alt.Y("lr:Q", scale=y_scale), text="label:N"))
    x_lo, x_hi = x_scale.domain
    marks = pd.DataFrame({"x0": [x for x in current_x0s if x_lo <= x <= x_hi], "lr": current_lr})
    if len(marks) and lr_min <= current_lr <= lr_max:
        marks["what"] = _("current settings")
        layers.append(alt.Chart(marks).mark_point(shape="cross", size=200, filled=True, color="black",
                                                  stroke="white", strokeWidth=1).encode(
            x=alt.X("x0:Q", scale=x_scale), y=alt.Y("lr:Q", scale=y_scale),
            tooltip=[alt.Tooltip("what:N", title=_("what")), alt.Tooltip("x0:Q", format=".4g"),
                     alt.Tooltip("lr:Q", format=".4g")]))
    description = _("Basin map: a grid of start points x0 (across) by learning rates lr (up, log scale), each cell "
                    "coloured by where gradient descent from it ends ({outcomes}), paler when "
                    "it took more steps; a dashed line marks the stability bound and crosses the current settings. "
                    "Select a cell to use its start point and learning rate.", outcomes=", ".join(shown))
    if not cells:
        return alt.layer(*layers).properties(height=height, description=description)
    # Streamlit fits the legends into the height too: add theirs (about 170 px) below the plot.
    return alt.layer(*layers).properties(height=height + 170, description=description).configure_legend(
        orient="bottom", direction="horizontal", columns=2, labelLimit=125, titleLimit=150)

