"""Altair charts of the MLP-training lab: the loss curve and the fit. Data in (frames built by
core.mlp_lab), chart out; every frame passes ``finite_rows`` first, so no nan/inf reaches a chart.

``loss_spec`` / ``fit_spec`` return each chart as a Vega-Lite dict whose data sit under
``"datasets"`` (for ``st.vega_lite_chart``). The spec around the data is built by Altair once
and cached; only the data change between redraws. Building and validating an Altair chart costs
20–50 ms, which redrawing four times a second while training would take from training itself.
"""
from __future__ import annotations

import copy
from functools import lru_cache

import altair as alt
import pandas as pd

from core.charts import finite_rows, positive_rows, thin

LOSS_COLORS = alt.Scale(domain=["loss", "smoothed"], range=["#c7d2fe", "#2563eb"])
FIT_COLORS = alt.Scale(domain=["target x²", "prediction"], range=["#6b7280", "#dc2626"])
MAX_LOSS_ROWS, MAX_FIT_ROWS, MAX_KINK_ROWS, MAX_RULES = 2500, 2000, 600, 500


# -- the data each chart receives ----------------------------------------------------------------
def _loss_data(curve: pd.DataFrame, boundaries: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {
        "loss": thin(positive_rows(finite_rows(curve, ["epoch", "samples", "loss"]), "loss"), MAX_LOSS_ROWS),
        "epochs": thin(finite_rows(boundaries, ["epoch"]), MAX_RULES),
    }


def _fit_data(curve: pd.DataFrame, x_min: float, x_max: float, kinks: pd.DataFrame
              ) -> tuple[dict[str, pd.DataFrame], tuple[float, float]]:
    curve = thin(finite_rows(curve, ["x", "y"]), MAX_FIT_ROWS)
    lo, hi = (float(curve["x"].min()), float(curve["x"].max())) if len(curve) else (x_min, x_max)
    kinks = finite_rows(kinks, ["x", "y"]) if len(kinks) else pd.DataFrame(columns=["unit", "x", "y", "w", "b"])
    kinks = thin(kinks[(kinks["x"] >= lo) & (kinks["x"] <= hi)], MAX_KINK_ROWS)
    band = pd.DataFrame({"x": [x_min], "x2": [x_max], "label": ["training range"]})
    return {"fit": curve, "band": band, "kinks": kinks}, (lo, hi)


# -- the charts, over any data source (DataFrames, or named datasets for a cached spec) ---------------
def _loss_layers(loss, epochs, height: int) -> alt.LayerChart:
    x = alt.X("epoch:Q", title="epoch", scale=alt.Scale(nice=False))
    lines = alt.Chart(loss).mark_line().encode(
        x=x,
        y=alt.Y("loss:Q", title="training loss (MSE, log scale)", scale=alt.Scale(type="log")),
        color=alt.Color("series:N", scale=LOSS_COLORS, title=None, legend=alt.Legend(orient="top-right")),
        tooltip=[alt.Tooltip("epoch:Q", format=".2f"), alt.Tooltip("samples:Q", format=","),
                 alt.Tooltip("loss:Q", format=".4g"), alt.Tooltip("series:N")],
    )
    rules = alt.Chart(epochs).mark_rule(color="#9ca3af", strokeDash=[3, 3], opacity=0.7).encode(
        x="epoch:Q", tooltip=[alt.Tooltip("epoch:Q", title="end of epoch")])
    return alt.layer(rules, lines).properties(
        height=height, title="Training loss",
        description="Line chart: the training loss (mean squared error, log scale) against the epoch, for each "
                    "stretch of training and its rolling mean; dashed vertical lines mark the ends of epochs.")


def _fit_layers(fit, band, kinks, lo: float, hi: float, height: int, with_kinks: bool) -> alt.LayerChart:
    x_scale = alt.Scale(domain=[lo, hi], nice=False)
    shade = alt.Chart(band).mark_rect(color="#dbeafe", opacity=0.7).encode(
        x=alt.X("x:Q", scale=x_scale), x2="x2:Q",
        tooltip=[alt.Tooltip("label:N", title="shaded"), alt.Tooltip("x:Q", title="from"),
                 alt.Tooltip("x2:Q", title="to")])
    lines = alt.Chart(fit).mark_line().encode(
        x=alt.X("x:Q", title="x", scale=x_scale),
        y=alt.Y("y:Q", title="y", axis=alt.Axis(format="~g")),
        color=alt.Color("series:N", scale=FIT_COLORS, title=None, legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=["target x²", "prediction"],
                                                              range=[[5, 3], [1, 0]]), legend=None),
        tooltip=[alt.Tooltip("x:Q", format=".3f"), alt.Tooltip("y:Q", format=".4g"), alt.Tooltip("series:N")],
    )
    layers = [shade, lines]
    if with_kinks:
        layers.append(alt.Chart(kinks).mark_point(shape="triangle-up", filled=True, size=45, color="#f59e0b",
                                                  opacity=0.9).encode(
            x=alt.X("x:Q", scale=x_scale),
            y="y:Q",
            tooltip=[alt.Tooltip("unit:Q", title="unit"),
                     alt.Tooltip("x:Q", title="kink x = −b/w", format=".3f"),
                     alt.Tooltip("y:Q", title="prediction there", format=".4g"),
                     alt.Tooltip("w:Q", format=".4g"), alt.Tooltip("b:Q", format=".4g")],
        ))
    title = "The fit: x² and the net's prediction"
    description = ("Line chart: the target y = x² (dashed) and the network's prediction against x, from "
                   f"{lo:g} to {hi:g}; the training range is shaded"
                   + ("; triangles mark the ReLU kinks of the first hidden layer." if with_kinks else "."))
    return alt.layer(*layers).properties(height=height, title=title, description=description)


@lru_cache(maxsize=64)
def _template(kind: str, height: int, lo: float = 0.0, hi: float = 0.0, with_kinks: bool = False) -> dict:
    if kind == "loss":
        chart = _loss_layers(alt.NamedData(name="loss"), alt.NamedData(name="epochs"), height)
    else:
        chart = _fit_layers(alt.NamedData(name="fit"), alt.NamedData(name="band"), alt.NamedData(name="kinks"),
                            lo, hi, height, with_kinks)
    spec = chart.to_dict()
    spec.pop("config", None)  # Altair's default theme sizes; Streamlit sizes charts itself
    return spec


# -- public builders --------------------------------------------------------------------------------
def loss_spec(curve: pd.DataFrame, boundaries: pd.DataFrame, *, height: int = 300) -> dict:
    """Training loss against epoch on a log axis (raw and smoothed), a dashed rule at each finished epoch,
    as a Vega-Lite dict with its data under "datasets". ``curve`` is ``mlp_lab.loss_curve``'s frame,
    ``boundaries`` ``mlp_lab.epoch_boundaries``'s."""
    spec = copy.deepcopy(_template("loss", height))
    spec["datasets"] = _loss_data(curve, boundaries)
    return spec


def fit_spec(curve: pd.DataFrame, x_min: float, x_max: float, kinks: pd.DataFrame, *, height: int = 300) -> dict:
    """Target x² and the prediction (``mlp_lab.fit_curve``) over a range wider than the training range
    [x_min, x_max], which is shaded; the ReLU kinks (``mlp_lab.kinks``, with the prediction y there) inside
    the range are triangles on the prediction's line. A Vega-Lite dict with its data under "datasets"."""
    data, (lo, hi) = _fit_data(curve, x_min, x_max, kinks)
    with_kinks = len(data["kinks"]) > 0
    spec = copy.deepcopy(_template("fit", height, round(lo, 9), round(hi, 9), with_kinks))
    spec["datasets"] = data if with_kinks else {k: v for k, v in data.items() if k != "kinks"}
    return spec
