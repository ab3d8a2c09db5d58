"""Altair builders for the Adagrad page: data in, ``alt.Chart`` out. No Streamlit here.

Every builder drops non-finite rows (``finite_rows``) and, on log axes, values ≤ 0.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from i18n import _
from labs.adagrad.races import RACER_COLORS, RACERS, racer_label
from labs.charts import finite_rows, positive_rows, thin

DASHES = {"gradient descent": [1, 0], "momentum": [6, 3], "Adagrad": [2, 2], "RMSProp": [8, 3, 2, 3],
          "Adam": [4, 2]}
WIDTHS = {"gradient descent": 6, "momentum": 2.5, "Adagrad": 2.5, "RMSProp": 2.5, "Adam": 2.5}
# Where two racers take the same path both stay visible: gradient descent is drawn wide and solid under the
# others' dashes and dots. Colour, dash and width share one title, so Vega-Lite merges them into one legend
# whose swatches show each racer (legend=None on any one of them drops the whole merged legend). The scales
# hold only the racers in the chart, so the legend lists those.
RACER_LEGEND = alt.Legend(symbolType="stroke", symbolSize=400)  # swatches show each racer's dash and width
# In a narrow column (the 2-D race's loss chart has two fifths of the page) the legend goes under the plot, one
# racer a row, and the chart grows by its rows: beside the plot it took ~130 px, leaving the plot ~100 px wide.
RACER_LEGEND_BELOW = alt.Legend(symbolType="stroke", symbolSize=400, orient="bottom", columns=1)
LEGEND_ROW_PX = 30
# Log-axis labels: powers of ten up to 1e12 written out ("100,000,000,000") took another ~100 px.
SHORT_LOG_LABELS = "datum.value >= 1e5 || datum.value < 1e-3 ? format(datum.value, '.0e') : format(datum.value, '~g')"


def racer_encodings(names, legend: alt.Legend = RACER_LEGEND) -> dict:
    """Colour, dash and width encodings of the racers ``names`` (in RACERS order), for one merged legend. The
    data's "optimiser" column holds the racers as shown (``shown_racers``), so the domains are those words."""
    racers = [name for name in RACERS if name in set(names)]
    domain = [racer_label(name) for name in racers]
    title = _("optimiser")
    return {
        "color": alt.Color("optimiser:N", title=title, legend=legend,
                           scale=alt.Scale(domain=domain, range=[RACER_COLORS[n] for n in racers])),
        "strokeDash": alt.StrokeDash("optimiser:N", title=title,
                                     scale=alt.Scale(domain=domain, range=[DASHES[n] for n in racers])),
        "strokeWidth": alt.StrokeWidth("optimiser:N", title=title,
                                       scale=alt.Scale(domain=domain, range=[WIDTHS[n] for n in racers])),
    }


def shown_racers(data: pd.DataFrame) -> pd.DataFrame:
    """The frame with its "optimiser" column (racers, the keys) as the legend and tooltips show them."""
    return data.assign(optimiser=data["optimiser"].map(racer_label)) if len(data) else data


def matrix_heatmap(df: pd.DataFrame, value: str, *, title: str, color_title: str, chosen: tuple[int, int] | None,
                   log: bool = False, scheme: str = "viridis", height: int = 300) -> alt.Chart:
    """W's 10×10 cells coloured by ``value`` (rows down, columns across); the chosen cell is outlined."""
    data = finite_rows(df)
    if log:
        data = positive_rows(data, value)
    base = alt.Chart(data, title=title).mark_rect().encode(
        x=alt.X("col:O", title=_("column j")),
        y=alt.Y("row:O", title=_("row i")),
        color=alt.Color(f"{value}:Q", title=color_title, legend=alt.Legend(format=".3g"),
                        scale=alt.Scale(type="log" if log else "linear", scheme=scheme)),
        tooltip=[alt.Tooltip("row:O", title=_("row i")), alt.Tooltip("col:O", title=_("column j")),
                 alt.Tooltip("G:Q", format=".4g"), alt.Tooltip("effective lr:Q", title=_("effective lr"), format=".4g"),
                 alt.Tooltip("θ:Q", format=".4g")],
    )
    layers = [base]
    if chosen is not None:
        mark = pd.DataFrame({"row": [chosen[0]], "col": [chosen[1]]})
        layers.append(alt.Chart(mark).mark_rect(fill=None, stroke="red", strokeWidth=2.5).encode(
            x="col:O", y="row:O"))
    if chosen:
        description = _("Heat map: {title}, one cell per element of the matrix W (rows i down, columns j across), "
                        "coloured by {color}; the chosen element (row {row}, column {col}) is outlined in red.",
                        title=title, color=color_title, row=chosen[0], col=chosen[1])
    else:
        description = _("Heat map: {title}, one cell per element of the matrix W (rows i down, columns j across), "
                        "coloured by {color}.", title=title, color=color_title)
    return alt.layer(*layers).properties(height=height, description=description)


def effective_lr_chart(df: pd.DataFrame, *, height: int = 300) -> alt.Chart:
    """Effective lr against step, both log; the lr/√t envelope dashed."""
    data = positive_rows(positive_rows(finite_rows(df), "effective lr"), "step")
    is_envelope = alt.datum.series == "lr/√t"
    title = _("Effective learning rate lr / (√G + eps) against step")
    return alt.Chart(data, title=title).mark_line().encode(
        x=alt.X("step:Q", title=_("step t (log)"), scale=alt.Scale(type="log", nice=False)),
        y=alt.Y("effective lr:Q", title=_("effective lr (log)"), scale=alt.Scale(type="log")),
        color=alt.Color("series:N", title=_("element (dashed: lr/√t)")),
        strokeDash=alt.condition(is_envelope, alt.value([6, 4]), alt.value([1, 0])),
        tooltip=[alt.Tooltip("series:N", title=_("series")), alt.Tooltip("step:Q", title=_("step t")),
                 alt.Tooltip("effective lr:Q", title=_("effective lr"), format=".4g")],
    ).properties(height=height, description=_("Line chart, both axes log: the effective learning rate "
                                              "lr / (√G + eps) of the watched elements against the step t, with the "
                                              "envelope lr/√t dashed."))


# The race loss chart's log axis ends here: a diverging loss is drawn clamped at it, so the converging ones keep
# the height; the tooltip keeps the true value.
LOSS_AXIS_TOP = 1e12


def race_loss_chart(df: pd.DataFrame, *, title: str, height: int = 300, narrow: bool = False) -> alt.Chart:
    """Loss against step on a log axis, one line per optimiser; a diverging loss is clamped at LOSS_AXIS_TOP.
    ``narrow``: for a narrow column, the legend under the plot (and the chart taller by its rows)."""
    data = thin(positive_rows(finite_rows(df), "loss"))
    clamp = bool((data["loss"] > LOSS_AXIS_TOP).any())
    names = data["optimiser"].unique()
    data = shown_racers(data)
    if narrow:
        height += LEGEND_ROW_PX * (len(names) + 1)
    return alt.Chart(data, title=title).mark_line().encode(
        x=alt.X("step:Q", title=_("step")),
        y=alt.Y("loss:Q", title=_("loss (log)"), axis=alt.Axis(labelExpr=SHORT_LOG_LABELS),
                scale=alt.Scale(type="log", domainMax=LOSS_AXIS_TOP, clamp=True) if clamp else alt.Scale(type="log")),
        **racer_encodings(names, RACER_LEGEND_BELOW if narrow else RACER_LEGEND),
        tooltip=[alt.Tooltip("optimiser:N", title=_("optimiser")), alt.Tooltip("step:Q", title=_("step")),
                 alt.Tooltip("loss:Q", title=_("loss"), format=".4g")],
    ).properties(height=height, description=_("Line chart: {title} (log scale), one line per optimiser: {names}.",
                                              title=title, names=", ".join(sorted(set(data["optimiser"])))))


def effective_step_chart(df: pd.DataFrame, *, height: int = 300) -> alt.Chart:
    """The effective step |Δx| / |g| against step, both on log axes, one line per optimiser."""
    data = positive_rows(positive_rows(finite_rows(df), "effective step"), "step")
    racers = data["optimiser"].unique()
    data = shown_racers(data)
    return alt.Chart(data, title=_("Effective step |Δx| / |g| against step")).mark_line().encode(
        x=alt.X("step:Q", title=_("step (log)"), scale=alt.Scale(type="log", nice=False)),
        y=alt.Y("effective step:Q", title=_("|Δx| / |g|  (log)"), scale=alt.Scale(type="log")),
        **racer_encodings(racers),
        tooltip=[alt.Tooltip("optimiser:N", title=_("optimiser")), alt.Tooltip("step:Q", title=_("step")),
                 alt.Tooltip("effective step:Q", title=_("effective step"), format=".4g")],
    ).properties(height=height, description=_("Line chart on log axes: the effective step |Δx| / |g| against the "
                                              "step, one line per optimiser: {names}.",
                                              names=", ".join(sorted(set(data["optimiser"])))))
