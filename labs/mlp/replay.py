"""The MLP lab's pictures for the player: the replay of a finished run (its fit gliding between snapshots)
and the light live picture of a run that trains."""
from __future__ import annotations

import math

import numpy as np

from core.train import PROBE_X
from i18n import _, ngettext, pgettext
from labs import replay as common
from labs.charts import spread

MLP_FIT_POINTS = 200  # x grid of the replayed fit (per snapshot one curve: the payload grows with both)
PROBE_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")


def mlp_replay(net, snapshots, x_min: float, x_max: float, probes_x=PROBE_X, *,
               points: int = MLP_FIT_POINTS, height: int = 340, target: str = "x2") -> dict:
    """A training run replayed snapshot by snapshot (``core.train.Snapshot``: samples_seen, epoch, flat).

    Panel 1: the target x² (dashed), the training range, the net's prediction at the shown snapshot
    (a ``curve`` layer: one y array per snapshot over a shared x grid) and a marker per probe x.
    Panel 2: each probe's prediction against the epoch, drawn as the replay advances. One series per probe;
    the counter counts snapshots. Predictions are ``net.predict(net.unflatten(flat), x)`` as Python floats,
    clamped (only when far off the panel, or not finite) so everything sent is finite."""
    from core.dataset import target_values
    from labs.mlp.curves import fit_range
    from labs.mlp.words import target_label

    lo, hi = fit_range(x_min, x_max)
    grid = np.linspace(lo, hi, points)
    probes = np.asarray(probes_x, dtype=float)
    fits, probe_rows = [], []
    for snap in snapshots:
        params = net.unflatten(np.array(snap.flat, dtype=float))
        with np.errstate(all="ignore"):
            fits.append(net.predict(params, grid.reshape(-1, 1)).ravel())
            probe_rows.append(net.predict(params, probes.reshape(-1, 1)).ravel())
    fits, probe_rows = np.array(fits), np.array(probe_rows)
    target_y = target_values(target, grid)  # the dashed target (x² unless the run learns another function)
    truths = target_values(target, probes)
    y_bottom, y_top = min(float(target_y.min()), 0.0), float(target_y.max())
    y_lo, y_hi = y_bottom - 0.1 * (y_top - y_bottom), y_top + 0.1 * (y_top - y_bottom)
    label = target_label(target)
    epochs = np.array([float(s.epoch) for s in snapshots])
    last = len(snapshots) - 1
    series = []
    for j, x in enumerate(probes):
        series.append(common.one_series(_("prediction at x = {x}", x=f"{x:g}"), last,
                              {"epoch": epochs, "px": np.full(len(snapshots), x),
                               "p": common.clamp(probe_rows[:, j], y_lo, y_hi)}, j,
                              color=PROBE_COLORS[j % len(PROBE_COLORS)], shape=common.SHAPES[j % len(common.SHAPES)]))
    fit_panel = {"title": _("The fit at this snapshot (dashed: {label})", label=label), "height": height,
                 "x": common.linear_axis("x", lo, hi), "y": common.linear_axis("y", y_lo, y_hi),
                 "curves": [{"x": common.floats(grid), "y": common.floats(target_y), "color": "#444", "dash": [6, 4],
                             "width": 1.5}],
                 "vrules": [{"at": float(x_min), "color": "#bbb", "dash": [2, 3]},
                            {"at": float(x_max), "color": "#bbb", "dash": [2, 3]}],
                 "layers": [{"kind": "curve", "series": 0, "x": common.floats(grid), "color": "#111",
                             "ys": [common.floats(common.clamp(f, y_lo, y_hi)) for f in fits]},
                            {"kind": "marker", "x": "px", "y": "p"}]}
    probe_panel = {"title": _("The probes' predictions during training"), "height": height,
                   "x": common.linear_axis(_("epoch"), 0.0, max(float(epochs[-1]), 1e-9)),
                   "y": common.linear_axis(_("prediction"), y_lo, y_hi),
                   "hrules": [{"at": float(v), "color": "#bbb", "dash": [4, 4]}
                              for v in sorted(set(truths.tolist()))],
                   "layers": [{"kind": "path", "x": "epoch", "y": "p", "per_step": 1},
                              {"kind": "marker", "x": "epoch", "y": "p"}]}
    truth_values = ", ".join(f"{v:.4g}" for v in sorted(set(truths.tolist())))
    return common.finish({**common.timing(last), "unit": "Snapshot",
                   "series": series, "panels": [fit_panel, probe_panel],
                   "notes": [ngettext("{n} snapshot: the start, every epoch end and points between. Dotted: the "
                                      "training range. Dashed, right: the true {label} at the probes ({values}).",
                                      "{n} snapshots: the start, every epoch end and points between. Dotted: the "
                                      "training range. Dashed, right: the true {label} at the probes ({values}).",
                                      len(snapshots), label=label, values=truth_values)]})


LIVE_LOSS_ROWS = 300   # per series: a live picture is redrawn every few tenths of a second
LIVE_FIT_POINTS = 161
LIVE_KINKS = 200


def _short(values) -> list[float]:
    """Finite floats rounded to 6 significant digits: a picture, in a third of the bytes of every digit."""
    v = np.asarray(common.floats(values), dtype=float)
    with np.errstate(divide="ignore"):
        scale = 10.0 ** (5 - np.floor(np.log10(np.where(v == 0, 1.0, np.abs(v)))))
    return (np.round(v * scale) / scale).tolist()


def log_axis(label: str, lo: float, hi: float) -> dict:
    """A log axis over whole decades around [lo, hi] (both > 0); the player puts ticks at powers of ten."""
    lo_d = 10.0 ** math.floor(math.log10(lo))
    hi_d = 10.0 ** math.ceil(math.log10(hi))
    return {"label": label, "lo": lo_d, "hi": hi_d if hi_d > lo_d else lo_d * 10, "type": "log"}


def mlp_live(curve, boundaries, fit, kinks, x_min: float, x_max: float, epochs: int, *, height: int = 300,
             notes: list[str] = (), label: str = "x²") -> dict:
    """The MLP lab's live picture while a run trains, for the player in its ``still`` mode (no controls):
    the training loss against the epoch on a log axis (``curves.loss_curve``: raw and smoothed, over the
    whole run's epochs so the curve grows to the right; a dotted rule at each finished epoch) and the fit
    (``curves.fit_curve``: the dashed target, named ``label``, and the prediction, the training range
    between dotted rules, ``curves.kinks`` as triangles). The same frames as the Altair charts drawn when
    the run stops, thinned for a picture redrawn several times a second; everything sent is finite."""
    from labs.mlp.curves import fit_range

    raw = curve[curve["series"] == "loss"] if len(curve) else curve
    smooth = curve[curve["series"] == "smoothed"] if len(curve) else curve
    values = curve["loss"].to_numpy(dtype=float) if len(curve) else np.zeros(0)
    values = values[np.isfinite(values) & (values > 0)]
    lo, hi = (float(values.min()), float(values.max())) if values.size else (1e-3, 10.0)
    loss_axis = log_axis(_("training loss (MSE, log scale)"), lo, hi)

    def line(frame, x, y, n, **style):
        frame = frame[np.isfinite(frame[y].to_numpy(dtype=float))] if len(frame) else frame
        keep = spread(len(frame), n)
        return {"x": _short(frame[x].to_numpy()[keep]), "y": _short(frame[y].to_numpy()[keep]), **style}

    curves = [line(raw, "epoch", "loss", LIVE_LOSS_ROWS, name="loss", color="#a5b4fc", width=1.2),
              line(smooth, "epoch", "loss", LIVE_LOSS_ROWS, name="smoothed", color="#2563eb", width=2.2)]
    for c in curves:
        c["y"] = _short(np.clip(c["y"], loss_axis["lo"], loss_axis["hi"])) if c["y"] else []
    loss_panel = {"title": _("Training loss"), "height": height,
                  "x": common.linear_axis(_("epoch"), 0.0, float(max(epochs, 1))), "y": loss_axis,
                  "vrules": [{"at": float(e), "color": "#9ca3af", "dash": [3, 3]}
                             for e in boundaries["epoch"].to_numpy()[:200]],
                  "curves": [c for c in curves if c["x"]]}

    x_lo, x_hi = fit_range(x_min, x_max)
    target, pred = fit[fit["series"] != "prediction"], fit[fit["series"] == "prediction"]
    truth = target["y"].to_numpy(dtype=float) if len(target) else np.array([0.0, 1.0])
    pad = 0.1 * max(float(np.nanmax(truth) - np.nanmin(truth)), 1e-9)
    y_lo, y_hi = float(np.nanmin(truth)) - pad, float(np.nanmax(truth)) + pad
    fit_curves = [line(target, "x", "y", LIVE_FIT_POINTS, name="target", color="#6b7280", dash=[5, 3], width=1.5),
                  line(pred, "x", "y", LIVE_FIT_POINTS, name="prediction", color="#dc2626", width=2.2)]
    fit_curves[1]["y"] = _short(common.clamp(np.array(fit_curves[1]["y"]), y_lo, y_hi)) if fit_curves[1]["y"] else []
    kink_words = _("kink at x = {x}")  # translated once, filled per kink
    inside = kinks[(kinks["x"] >= x_lo) & (kinks["x"] <= x_hi)] if len(kinks) else kinks
    points = [{"x": float(f"{x:.6g}"), "y": float(f"{np.clip(y, y_lo, y_hi):.6g}"), "shape": "triangle",
               "size": 3.5, "color": "#f59e0b", "label": kink_words.format(x=f"{x:.3f}")}
              for x, y in zip(inside["x"].to_numpy()[:LIVE_KINKS], inside["y"].to_numpy()[:LIVE_KINKS])
              if math.isfinite(x) and math.isfinite(y)] if len(inside) else []
    fit_panel = {"title": _("The fit: {label} and the net's prediction", label=label), "height": height,
                 "x": common.linear_axis("x", x_lo, x_hi), "y": common.linear_axis("y", y_lo, y_hi),
                 "vrules": [{"at": float(x_min), "color": "#93c5fd", "dash": [2, 3]},
                            {"at": float(x_max), "color": "#93c5fd", "dash": [2, 3]}],
                 "curves": [c for c in fit_curves if c["x"]], "points": points}
    legend = [{"label": pgettext("series", "loss"), "color": "#a5b4fc"}, {"label": _("smoothed"), "color": "#2563eb"},
              {"label": _("target {label}", label=label), "color": "#6b7280", "dash": [5, 3]},
              {"label": _("prediction"), "color": "#dc2626"}]
    if points:
        legend.append({"label": _("ReLU kink"), "color": "#f59e0b", "shape": "triangle", "width": 0})
    return common.finish({"last": 0, "unit": "Update", "speed": 1.0, "speeds": [], "series": [], "legend": legend,
                   "panels": [loss_panel, fit_panel], "notes": list(notes)})
