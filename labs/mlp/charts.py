"""Altair charts of the MLP-training lab: the loss curve and the fit. Data in (frames built by
labs.mlp.curves), chart out; every frame passes ``finite_rows`` first, so no nan/inf reaches a chart.

``loss_spec`` / ``fit_spec`` return each chart as a Vega-Lite dict whose data sit under
``"datasets"`` (for ``st.vega_lite_chart``). The spec around the data is built by Altair once
and cached (per language: its titles and legend words are the page's); only the data change between
redraws. Building and validating an Altair chart costs
20–50 ms, which redrawing four times a second while training would take from training itself.
"""
from __future__ import annotations

import copy
from functools import lru_cache

import altair as alt
import pandas as pd

from i18n import _, language, pgettext
from labs.charts import finite_rows, positive_rows, thin
from labs.mlp import curves
from labs.mlp.words import target_label

LOSS_SERIES, LOSS_RANGE = ("loss", "smoothed"), ["#c7d2fe", "#2563eb"]  # series as the frames name them
FIT_RANGE = ["#6b7280", "#dc2626"]  # the target, the prediction
MAX_LOSS_ROWS, MAX_FIT_ROWS, MAX_KINK_ROWS, MAX_RULES = 2500, 2000, 600, 500
RUN_COLORS = ["#dc2626", "#2563eb", "#16a34a", "#9333ea", "#ea580c"]  # the current run first, then pinned ones
# Runs are labelled by what differs between them ("sigmoid, epochs 20, samples 20000"): one per row under the
# chart, room for the whole label on a phone-width chart (Vega's default cuts labels at 160 px). Streamlit fits
# the whole chart (title, axes, legend) into its height: each run's row makes the chart that much taller, so
# that the plot keeps its room.
RUN_LEGEND_LABEL_PX, RUN_LEGEND_ROW_PX = 320, 18


def _value_axis() -> alt.Axis:
    """A y axis whose labels read 50, 100, 0.5 or 1e+12 (d3's "~g"). As ``format="~g"`` Vega gives the ticks'
    precision to it ("1e+2" and "5e+1" for ticks 50 apart, with x³); a label expression formats each tick whole."""
    return alt.Axis(labelExpr="format(datum.value, '~g')")


# -- the data each chart receives ----------------------------------------------------------------
def _shown(frame: pd.DataFrame, column: str, words: dict[str, str]) -> pd.DataFrame:
    """``frame`` with the words of ``column`` (the legend's, the tooltips') as the page shows them."""
    if not len(frame) or all(k == v for k, v in words.items()):
        return frame
    return frame.assign(**{column: frame[column].map(lambda v: words.get(v, v))})


def _loss_words() -> dict[str, str]:
    return {"loss": pgettext("series", "loss"), "smoothed": _("smoothed")}


def _fit_words(label: str) -> dict[str, str]:
    return {f"target {label}": _("target {label}", label=label), "prediction": _("prediction")}


def _loss_data(curve: pd.DataFrame, boundaries: pd.DataFrame) -> dict[str, pd.DataFrame]:
    curve = _shown(curve, "series", _loss_words())
    return {
        "loss": thin(positive_rows(finite_rows(curve, ["epoch", "samples", "loss"]), "loss"), MAX_LOSS_ROWS),
        "epochs": thin(finite_rows(boundaries, ["epoch"]), MAX_RULES),
    }


def _fit_data(curve: pd.DataFrame, x_min: float, x_max: float, kinks: pd.DataFrame,
              units: pd.DataFrame | None = None, label: str = "x²"
              ) -> tuple[dict[str, pd.DataFrame], tuple[float, float]]:
    curve = thin(finite_rows(_shown(curve, "series", _fit_words(label)), ["x", "y"]), MAX_FIT_ROWS)
    lo, hi = (float(curve["x"].min()), float(curve["x"].max())) if len(curve) else (x_min, x_max)
    kinks = finite_rows(kinks, ["x", "y"]) if len(kinks) else pd.DataFrame(columns=["unit", "x", "y", "w", "b"])
    kinks = thin(kinks[(kinks["x"] >= lo) & (kinks["x"] <= hi)], MAX_KINK_ROWS)
    band = pd.DataFrame({"x": [x_min], "x2": [x_max], "label": [_("training range")]})
    data = {"fit": curve, "band": band, "kinks": kinks}
    if units is not None:
        units = _shown(units, "state", {"active": _("active"), "dead": _("dead")})
        data["units"] = thin(finite_rows(units, ["unit", "x", "y"]), curves.MAX_UNIT_ROWS)
    return data, (lo, hi)


# -- the charts, over any data source (DataFrames, or named datasets for a cached spec) ---------------
def _loss_layers(loss, epochs, height: int) -> alt.LayerChart:
    x = alt.X("epoch:Q", title=_("epoch"), scale=alt.Scale(nice=False))
    words = _loss_words()
    lines = alt.Chart(loss).mark_line().encode(
        x=x,
        y=alt.Y("loss:Q", title=_("training loss (MSE, log scale)"), scale=alt.Scale(type="log")),
        color=alt.Color("series:N", scale=alt.Scale(domain=[words[s] for s in LOSS_SERIES], range=LOSS_RANGE),
                        title=None, legend=alt.Legend(orient="top-right")),
        tooltip=[alt.Tooltip("epoch:Q", format=".2f", **_titled("epoch")),
                 alt.Tooltip("samples:Q", format=",", **_titled("samples")),
                 alt.Tooltip("loss:Q", format=".4g", **_titled("loss")), alt.Tooltip("series:N", **_titled("series"))],
    )
    rules = alt.Chart(epochs).mark_rule(color="#9ca3af", strokeDash=[3, 3], opacity=0.7).encode(
        x="epoch:Q", tooltip=[alt.Tooltip("epoch:Q", title=_("end of epoch"))])
    return alt.layer(rules, lines).properties(
        height=height, title=_("Training loss"),
        description=_("Line chart: the training loss (mean squared error, log scale) against the epoch, for each "
                      "stretch of training and its rolling mean; dashed vertical lines mark the ends of epochs."))


def _titled(field: str) -> dict:
    """A tooltip's title where the field's name is a word: none in English (the field's name shows, as
    before), the word translated in another language."""
    title = {"epoch": _("epoch"), "samples": _("samples"), "loss": _("loss"), "series": _("series"),
             "run": _("run")}[field]
    return {} if title == field else {"title": title}


def _fit_layers(fit, band, kinks, lo: float, hi: float, height: int, with_kinks: bool, label: str = "x²",
                units=None) -> alt.LayerChart:
    x_scale = alt.Scale(domain=[lo, hi], nice=False)
    words = _fit_words(label)
    domain = [words[f"target {label}"], words["prediction"]]
    shade = alt.Chart(band).mark_rect(color="#dbeafe", opacity=0.7).encode(
        x=alt.X("x:Q", scale=x_scale), x2="x2:Q",
        tooltip=[alt.Tooltip("label:N", title=_("shaded")), alt.Tooltip("x:Q", title=_("from")),
                 alt.Tooltip("x2:Q", title=_("to"))])
    lines = alt.Chart(fit).mark_line().encode(
        x=alt.X("x:Q", title="x", scale=x_scale),
        y=alt.Y("y:Q", title="y", axis=_value_axis()),
        color=alt.Color("series:N", scale=alt.Scale(domain=domain, range=FIT_RANGE), title=None,
                        legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=domain, range=[[5, 3], [1, 0]]), legend=None),
        tooltip=[alt.Tooltip("x:Q", format=".3f"), alt.Tooltip("y:Q", format=".4g"),
                 alt.Tooltip("series:N", **_titled("series"))],
    )
    layers = [shade, *([] if units is None else _unit_layers(units, x_scale)), lines]
    if with_kinks:
        layers.append(alt.Chart(kinks).mark_point(shape="triangle-up", filled=True, size=45, color="#f59e0b",
                                                  opacity=0.9).encode(
            x=alt.X("x:Q", scale=x_scale),
            y="y:Q",
            tooltip=[alt.Tooltip("unit:Q", title=_("unit")),
                     alt.Tooltip("x:Q", title=_("kink x = −b/w"), format=".3f"),
                     alt.Tooltip("y:Q", title=_("prediction there"), format=".4g"),
                     alt.Tooltip("w:Q", format=".4g"), alt.Tooltip("b:Q", format=".4g")],
        ))
    title = _("The fit: {label} and the net's prediction", label=label)
    description = (_("Line chart: the target y = {label} (dashed) and the network's prediction against x, from "
                     "{lo} to {hi}; the training range is shaded", label=label, lo=f"{lo:g}", hi=f"{hi:g}")
                   + (_("; faint lines are the first hidden layer's units") if units is not None else "")
                   + (_("; triangles mark the ReLU kinks of the first hidden layer.") if with_kinks else "."))
    return alt.layer(*layers).properties(height=height, title=title, description=description)


def _unit_layers(units, x_scale) -> list[alt.Chart]:
    """Each hidden unit's contribution, faint grey; dead units dashed red (a layer per state, no legend)."""
    tooltip = [alt.Tooltip("unit:Q", title=_("unit")), alt.Tooltip("x:Q", format=".3f"),
               alt.Tooltip("y:Q", title=_("contribution"), format=".4g"), alt.Tooltip("state:N", title=_("unit is"))]
    layers = []
    for state, style in ((_("active"), dict(color="#6b7280", opacity=0.35)),  # the states as _fit_data wrote them
                         (_("dead"), dict(color="#ef4444", opacity=0.5, strokeDash=[3, 3]))):
        layers.append(alt.Chart(units).mark_line(strokeWidth=1, **style).encode(
            x=alt.X("x:Q", scale=x_scale), y="y:Q", detail="unit:N", tooltip=tooltip,
        ).transform_filter(alt.datum.state == state))
    return layers


@lru_cache(maxsize=64)
def _template(kind: str, height: int, lo: float = 0.0, hi: float = 0.0, with_kinks: bool = False, label: str = "x²",
              with_units: bool = False, lang: str = "en") -> dict:
    """The spec around the data (``lang``: the language it is written in, part of the cache's key)."""
    if kind == "loss":
        chart = _loss_layers(alt.NamedData(name="loss"), alt.NamedData(name="epochs"), height)
    else:
        chart = _fit_layers(alt.NamedData(name="fit"), alt.NamedData(name="band"), alt.NamedData(name="kinks"),
                            lo, hi, height, with_kinks, label, alt.NamedData(name="units") if with_units else None)
    spec = chart.to_dict()
    spec.pop("config", None)  # Altair's default theme sizes; Streamlit sizes charts itself
    return spec


# -- public builders --------------------------------------------------------------------------------
def loss_spec(curve: pd.DataFrame, boundaries: pd.DataFrame, *, height: int = 300) -> dict:
    """Training loss against epoch on a log axis (raw and smoothed), a dashed rule at each finished epoch,
    as a Vega-Lite dict with its data under "datasets". ``curve`` is ``curves.loss_curve``'s frame,
    ``boundaries`` ``curves.epoch_boundaries``'s."""
    spec = copy.deepcopy(_template("loss", height, lang=language()))
    spec["datasets"] = _loss_data(curve, boundaries)
    return spec


def fit_spec(curve: pd.DataFrame, x_min: float, x_max: float, kinks: pd.DataFrame, *, height: int = 300,
             label: str = "x²", units: pd.DataFrame | None = None) -> dict:
    """The target (``label``, e.g. x²) and the prediction (``curves.fit_curve``) over a range wider than the
    training range [x_min, x_max], which is shaded; the ReLU kinks (``curves.kinks``, with the prediction y
    there) inside the range are triangles on the prediction's line; ``units`` (``curves.unit_contributions``),
    when given, are drawn faintly underneath. A Vega-Lite dict with its data under "datasets"."""
    data, (lo, hi) = _fit_data(curve, x_min, x_max, kinks, units, label)
    with_kinks = len(data["kinks"]) > 0
    spec = copy.deepcopy(_template("fit", height, round(lo, 9), round(hi, 9), with_kinks, label, units is not None,
                                   language()))
    spec["datasets"] = data if with_kinks else {k: v for k, v in data.items() if k != "kinks"}
    return spec


# -- comparing runs ---------------------------------------------------------------------------------------
def _run_scale(runs: tuple[str, ...]) -> alt.Scale:
    return alt.Scale(domain=list(runs), range=RUN_COLORS[:len(runs)])


def _run_legend() -> alt.Legend:
    return alt.Legend(orient="bottom", direction="vertical", labelLimit=RUN_LEGEND_LABEL_PX)


def _with_legend(height: int, runs: tuple[str, ...]) -> int:
    return height + RUN_LEGEND_ROW_PX * len(runs)


def _compare_loss_data(curves: pd.DataFrame) -> pd.DataFrame:
    return thin(positive_rows(finite_rows(curves, ["epoch", "loss"]), "loss"), MAX_LOSS_ROWS)


def _compare_fit_data(fits: pd.DataFrame, target: pd.DataFrame, x_min: float, x_max: float) -> dict:
    target = thin(finite_rows(target, ["x", "y"]), MAX_FIT_ROWS)
    return {"fits": thin(finite_rows(fits, ["x", "y"]), MAX_FIT_ROWS), "target": target,
            "band": pd.DataFrame({"x": [x_min], "x2": [x_max]})}


def _compare_loss_layers(data, runs: tuple[str, ...], height: int) -> alt.Chart:
    return alt.Chart(data).mark_line().encode(
        x=alt.X("epoch:Q", title=_("epoch"), scale=alt.Scale(nice=False)),
        y=alt.Y("loss:Q", title=_("loss (log scale)"), scale=alt.Scale(type="log")),
        color=alt.Color("run:N", scale=_run_scale(runs), title=None, legend=_run_legend()),
        tooltip=[alt.Tooltip("run:N", **_titled("run")), alt.Tooltip("epoch:Q", format=".2f", **_titled("epoch")),
                 alt.Tooltip("loss:Q", format=".4g", **_titled("loss"))],
    ).properties(height=_with_legend(height, runs), title=_("Training loss (smoothed), compared"))


def _compare_fit_layers(fits, target, band, runs: tuple[str, ...], lo: float, hi: float, label: str,
                        height: int) -> alt.LayerChart:
    x_scale = alt.Scale(domain=[lo, hi], nice=False)
    shade = alt.Chart(band).mark_rect(color="#dbeafe", opacity=0.7).encode(x=alt.X("x:Q", scale=x_scale), x2="x2:Q")
    dashed = alt.Chart(target).mark_line(color="#6b7280", strokeDash=[5, 3]).encode(
        x=alt.X("x:Q", scale=x_scale), y="y:Q", tooltip=[alt.Tooltip("x:Q", format=".3f"),
                                                          alt.Tooltip("y:Q", title=label, format=".4g")])
    lines = alt.Chart(fits).mark_line().encode(
        x=alt.X("x:Q", title="x", scale=x_scale),
        y=alt.Y("y:Q", title="y", axis=_value_axis()),
        color=alt.Color("run:N", scale=_run_scale(runs), title=None, legend=_run_legend()),
        tooltip=[alt.Tooltip("run:N", **_titled("run")), alt.Tooltip("x:Q", format=".3f"),
                 alt.Tooltip("y:Q", format=".4g")],
    )
    return alt.layer(shade, dashed, lines).properties(height=_with_legend(height, runs),
                                                      title=_("The fits, compared (dashed: {label})", label=label))


def _fit_domain(target: pd.DataFrame, x_min: float, x_max: float) -> tuple[float, float]:
    if not len(target):
        return x_min, x_max
    return float(min(target["x"].min(), x_min)), float(max(target["x"].max(), x_max))


def compare_loss_chart(curves: pd.DataFrame, runs: list[str], *, height: int = 300) -> alt.Chart:
    """Each run's smoothed training loss (``compare.compare_loss_curves``) on one log axis, a colour per run
    (``runs``: the labels, the current run first)."""
    return _compare_loss_layers(_compare_loss_data(curves), tuple(runs), height)


def compare_fit_chart(fits: pd.DataFrame, target: pd.DataFrame, runs: list[str], x_min: float, x_max: float, *,
                      label: str = "x²", height: int = 300) -> alt.LayerChart:
    """Each run's prediction (``compare.compare_fits``) over the dashed target (``compare.target_curve``),
    the training range shaded."""
    data = _compare_fit_data(fits, target, x_min, x_max)
    lo, hi = _fit_domain(data["target"], x_min, x_max)
    return _compare_fit_layers(data["fits"], data["target"], data["band"], tuple(runs), lo, hi, label, height)


@lru_cache(maxsize=64)
def _compare_template(kind: str, runs: tuple[str, ...], height: int, lo: float = 0.0, hi: float = 0.0,
                      label: str = "x²", lang: str = "en") -> dict:
    if kind == "loss":
        chart = _compare_loss_layers(alt.NamedData(name="loss"), runs, height)
    else:
        chart = _compare_fit_layers(alt.NamedData(name="fits"), alt.NamedData(name="target"),
                                    alt.NamedData(name="band"), runs, lo, hi, label, height)
    spec = chart.to_dict()
    spec.pop("config", None)
    return spec


def compare_loss_spec(curves: pd.DataFrame, runs: list[str], *, height: int = 300) -> dict:
    """``compare_loss_chart`` as a Vega-Lite dict (for st.vega_lite_chart): a cached spec, fresh data."""
    spec = copy.deepcopy(_compare_template("loss", tuple(runs), height, lang=language()))
    spec["datasets"] = {"loss": _compare_loss_data(curves)}
    return spec


def compare_fit_spec(fits: pd.DataFrame, target: pd.DataFrame, runs: list[str], x_min: float, x_max: float, *,
                     label: str = "x²", height: int = 300) -> dict:
    """``compare_fit_chart`` as a Vega-Lite dict (for st.vega_lite_chart): a cached spec, fresh data."""
    data = _compare_fit_data(fits, target, x_min, x_max)
    lo, hi = _fit_domain(data["target"], x_min, x_max)
    spec = copy.deepcopy(_compare_template("fit", tuple(runs), height, round(lo, 9), round(hi, 9), label, language()))
    spec["datasets"] = data
    return spec


def run_charts(run, params, units: bool = False) -> tuple[dict, dict, int, list[int] | None]:
    """The loss and fit charts of ``run`` (a RunView or a Trainer) at ``params``, with each unit's contribution
    under the fit when ``units``; how many units have a kink; each hidden layer's dead units (None: not ReLU)."""
    c = run.config
    kinks = curves.kinks(run.net, params)
    loss = loss_spec(curves.loss_curve(run.history), curves.epoch_boundaries(run.epoch))
    contributions = curves.unit_contributions(run.net, params, c.x_min, c.x_max) if units else None
    fit = fit_spec(curves.fit_curve(run.net, params, c.x_min, c.x_max, target=c.target), c.x_min, c.x_max, kinks,
                   label=target_label(c.target), units=contributions)
    dead = curves.dead_units(run.net, params, c.x_min, c.x_max) if c.activation == "relu" else None
    return loss, fit, len(kinks), dead
