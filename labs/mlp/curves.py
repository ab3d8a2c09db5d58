"""The frames the MLP lab's charts draw from a net and its run: the fit over its training range, the first
layer's ReLU kinks, dead units, each unit's contribution, and the loss curve.

The net is a ``core.nn.MLP`` with params [W0, b0, W1, b1, ...]; W has shape (n_in, n_out).
For a net with one input, first-layer unit j is z_j(x) = W0[0, j]·x + b0[j], so a ReLU unit
switches on or off at its kink x = −b0[j] / W0[0, j]; between kinks the whole net is linear.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.dataset import target_values
from core.nn import MLP, Params
from i18n import _, ngettext
from labs.charts import spread
from labs.mlp.words import target_label

FIT_POINTS = 400


# -- the fit --------------------------------------------------------------------------------------
def fit_range(x_min: float, x_max: float) -> tuple[float, float]:
    """The x range the fit is drawn over: the training range plus a third of its width each side."""
    pad = (x_max - x_min) / 3.0
    return x_min - pad, x_max + pad


def fit_curve(net: MLP, params: Params, x_min: float, x_max: float, points: int = FIT_POINTS,
              target: str = "x2") -> pd.DataFrame:
    """Long form (x, y, series) of the target ("target x²" for the default) and the net's prediction over
    ``fit_range``.

    Rows whose prediction is not finite are left out, so the frame can go straight to a chart.
    """
    lo, hi = fit_range(x_min, x_max)
    x = np.linspace(lo, hi, points)
    with np.errstate(all="ignore"):
        pred = net.predict(params, x.reshape(-1, 1)).ravel()
    frame = pd.DataFrame({
        "x": np.r_[x, x],
        "y": np.r_[target_values(target, x), pred],
        "series": [f"target {target_label(target)}"] * points + ["prediction"] * points,
    })
    return frame[np.isfinite(frame["y"].to_numpy())].reset_index(drop=True)


def kinks(net: MLP, params: Params) -> pd.DataFrame:
    """The first hidden layer's ReLU kinks: one row per unit with w ≠ 0 (unit, x = −b/w, y = the net's
    prediction there, w, b), sorted by x.

    Empty for a sigmoid or identity net, which has no kinks. With one hidden layer these are exactly
    the points where the prediction's slope can change; with more layers they are where the first
    layer's units switch (deeper units add kinks of their own).
    """
    if net.activation != "relu" or net.sizes[0] != 1:
        return pd.DataFrame(columns=["unit", "x", "y", "w", "b"])
    w, b = params[0][0], params[1]
    units = np.flatnonzero(w != 0)
    with np.errstate(all="ignore"):
        x = -b[units] / w[units]
        y = net.predict(params, x.reshape(-1, 1)).ravel() if units.size else np.zeros(0)
    frame = pd.DataFrame({"unit": units, "x": x, "y": y, "w": w[units], "b": b[units]})
    frame = frame[np.isfinite(frame["x"].to_numpy())]
    return frame.sort_values("x", kind="stable").reset_index(drop=True)


def dead_units(net: MLP, params: Params, x_min: float, x_max: float, points: int = 401) -> list[int]:
    """Per hidden layer, how many ReLU units output 0 for every x in [x_min, x_max] (no gradient flows
    through them, so they never learn again). Checked on a grid that includes both ends, which is exact
    for the first layer (its pre-activations are linear in x). All zeros for non-ReLU nets."""
    n_hidden = net.n_layers - 1
    if net.activation != "relu":
        return [0] * n_hidden
    x = np.linspace(x_min, x_max, points).reshape(-1, 1)
    with np.errstate(all="ignore"):
        _, cache = net.forward(params, x)
    # cache.inputs[i] for i ≥ 1 is hidden layer i's output a_i = relu(z_{i-1}).
    return [int(np.sum(~(cache.inputs[i] > 0).any(axis=0))) for i in range(1, n_hidden + 1)]


# -- the loss curve -----------------------------------------------------------------------------------
def smooth(values: np.ndarray, window: int) -> np.ndarray:
    """Trailing rolling mean over ``window`` values (fewer at the start); non-finite values are skipped."""
    values = np.asarray(values, dtype=float)
    series = pd.Series(np.where(np.isfinite(values), values, np.nan))
    return series.rolling(max(1, int(window)), min_periods=1).mean().to_numpy()


def loss_curve(history: pd.DataFrame, max_rows: int = 600) -> pd.DataFrame:
    """Long form (epoch, samples, loss, series) of the raw and smoothed training loss, only values a log
    axis can show (finite, > 0), at most about ``max_rows`` rows per series. The smoothing window is a
    fortieth of the run so far."""
    if history.empty:
        return pd.DataFrame(columns=["epoch", "samples", "loss", "series"])
    idx = spread(len(history), max_rows)
    loss = history["loss"].to_numpy(dtype=float)
    smoothed = smooth(loss, max(1, len(history) // 40))
    base = history.iloc[idx][["epoch", "samples"]].reset_index(drop=True)
    frame = pd.concat([base.assign(loss=loss[idx], series="loss"),
                       base.assign(loss=smoothed[idx], series="smoothed")], ignore_index=True)
    values = frame["loss"].to_numpy(dtype=float)
    return frame[np.isfinite(values) & (values > 0)].reset_index(drop=True)


def epoch_boundaries(epochs_done: int) -> pd.DataFrame:
    """One row per finished epoch (epoch = 1, 2, ...): where the loss chart draws a rule."""
    return pd.DataFrame({"epoch": np.arange(1, int(epochs_done) + 1, dtype=float)})


# -- the units: a one-hidden-layer net as a sum of its units' contributions ----------------------------
MAX_UNIT_ROWS = 4000  # a units view never sends more rows than this to a chart


def unit_contributions(net: MLP, params: Params, x_min: float, x_max: float) -> pd.DataFrame | None:
    """For a 1 → H → 1 net, each hidden unit's contribution v_i·f(w_i·x + b_i) over ``fit_range``, long form
    (unit, x, y, state); the prediction is their sum plus the output bias (``params[3][0]``). None for any
    other net.

    A ReLU contribution is a hinge: 0 on one side of its kink x = −b/w and straight on the other, so three
    points (the ends and the kink) draw it exactly. Sigmoid and tanh contributions are sampled on a grid of
    at most MAX_UNIT_ROWS points over all units. ``state`` is "dead" for a ReLU unit that outputs 0 on all
    of [x_min, x_max] (it no longer learns) and "active" otherwise.
    """
    if not (net.n_layers == 2 and net.sizes[0] == net.sizes[2] == 1):
        return None
    w, b, v = params[0][0], params[1], params[2][:, 0]
    h = w.size
    lo, hi = fit_range(x_min, x_max)
    if net.activation == "relu":
        with np.errstate(all="ignore"):
            kink = np.where(w != 0, -b / np.where(w != 0, w, 1.0), np.nan)
        inside = np.isfinite(kink) & (kink > lo) & (kink < hi)
        xs = np.stack([np.full(h, lo), np.where(inside, kink, lo), np.full(h, hi)], axis=1)  # (h, 3)
        keep = np.ones((h, 3), dtype=bool)
        keep[:, 1] = inside
    else:
        per_unit = max(8, min(80, MAX_UNIT_ROWS // h))
        xs = np.broadcast_to(np.linspace(lo, hi, per_unit), (h, per_unit))
        keep = np.ones(xs.shape, dtype=bool)
    with np.errstate(all="ignore"):
        ys = v[:, None] * net.activate(w[:, None] * xs + b[:, None])
    dead = np.zeros(h, dtype=bool)
    if net.activation == "relu":
        edges = w[:, None] * np.array([x_min, x_max]) + b[:, None]  # z is linear in x: both ends decide
        dead = ~(edges > 0).any(axis=1)
    units = np.broadcast_to(np.arange(h)[:, None], xs.shape)
    states = np.broadcast_to(np.where(dead, "dead", "active")[:, None], xs.shape)
    frame = pd.DataFrame({"unit": units[keep], "x": xs[keep], "y": ys[keep], "state": states[keep]})
    return frame[np.isfinite(frame["y"].to_numpy(dtype=float))].reset_index(drop=True)


def units_caption(net: MLP, params: Params, x_min: float, x_max: float) -> str:
    """What the faint lines are, in words, with the output bias and the dead-unit count."""
    if not (net.n_layers == 2 and net.sizes[0] == net.sizes[2] == 1):
        return _("The units view draws a net with one hidden layer; this one has more, so it is not drawn.")
    c = float(params[3][0])
    words = ngettext("Faint lines: each of the {n} hidden units' contribution v·{act}(w·x + b); the prediction is "
                     "their sum plus the output bias c = {c}.",
                     "Faint lines: each of the {n} hidden units' contribution v·{act}(w·x + b); the prediction is "
                     "their sum plus the output bias c = {c}.", net.sizes[1], act=net.activation, c=f"{c:.4g}")
    if net.activation == "relu":
        dead = dead_units(net, params, x_min, x_max)[0]
        words += " " + _("Each ReLU unit is a hinge, flat on one side of its kink (the triangles) and straight on "
                         "the other; past the last kink every unit is straight, so their sum is a straight line. "
                         "Dashed red: dead units, 0 on all of [{lo}, {hi}] ({dead} of {units}).",
                         lo=f"{x_min:g}", hi=f"{x_max:g}", dead=dead, units=net.sizes[1])
    else:
        words += " " + _("Each {act} unit is an S-shaped step that levels off on both sides.", act=net.activation)
    return words

