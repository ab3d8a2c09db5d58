"""The Adagrad lab's race replays: the racers on the 1-D loss and on a 2-D surface."""
from __future__ import annotations

import numpy as np

from core.descent import Trajectory
from core.objective import Quadratic
from i18n import _
from labs import replay as common
from labs.adagrad.races import RACER_COLORS, racer_label
from labs.charts import LOSS_CEILING

RACER_DASHES = {"gradient descent": None, "momentum": [6, 3], "Adagrad": None, "RMSProp": [8, 3, 2, 3],
                "Adam": [2, 2]}
RACER_SHAPES = {"gradient descent": "circle", "momentum": "square", "Adagrad": "diamond", "RMSProp": "triangle",
                "Adam": "circle"}


def _racer(name: str, traj: Trajectory, data: dict, stride: int) -> dict:
    return common.one_series(racer_label(name), traj.steps, data, 0, color=RACER_COLORS.get(name, "#444"),
                             dash=RACER_DASHES.get(name), shape=RACER_SHAPES.get(name, "circle"), stride=stride)


def race_1d_replay(problem: Quadratic, runs: dict[str, Trajectory], view: tuple[float, float], *,
                   height: int = 300) -> dict:
    """The 1-D race: x against step (drawn as it goes) and each optimiser on the loss curve p(x)²."""
    lo, hi = view
    x = np.linspace(lo, hi, common.CURVE_POINTS)
    with np.errstate(over="ignore", invalid="ignore"):
        loss = problem.loss(x)
    top = max(float(loss[np.isfinite(loss)].max()), 1e-9)
    series = []
    for name, traj in runs.items():
        stride = common.stride_for(traj.steps)
        xs = np.asarray(traj.xs, dtype=float)[common.sample_steps(traj.steps, stride)]
        with np.errstate(over="ignore", invalid="ignore"):
            lx = np.minimum(problem.loss(xs), LOSS_CEILING)
        shown = np.clip(xs, lo, hi)
        series.append(_racer(name, traj, {"x": xs, "shown": shown, "loss": common.clamp(lx, 0.0, top)}, stride))
    last = max(t.steps for t in runs.values())
    roots = [r for r in problem.roots() if lo <= r <= hi]
    path_panel = {"title": _("Trajectories: x against step"), "height": height,
                  "x": common.linear_axis(_("step"), 0, max(last, 1)),
                  "y": common.linear_axis(_("x (clipped to the view)"), lo, hi),
                  "hrules": [{"at": float(r), "label": _("root {root}", root=f"{r:g}"), "color": "gray",
                              "dash": [4, 4]} for r in roots],
                  "layers": [{"kind": "path", "x": "#step", "y": "shown", "per_step": 1},
                             {"kind": "marker", "x": "#step", "y": "shown"}]}
    curve_panel = {"title": _("On the curve: the loss p(x)²"), "height": height,
                   "x": common.linear_axis("x", lo, hi),
                   "y": common.symlog_axis(_("loss = p(x)²  (symlog scale)"), top),
                   "curves": [{"x": common.floats(x), "y": common.floats(loss), "color": "#444", "width": 1.5}],
                   "points": [{"x": float(r), "y": 0.0, "label": _("root {root}", root=f"{r:g}"), "shape": "diamond",
                               "color": "#000"} for r in roots],
                   "layers": [{"kind": "trail", "x": "x", "y": "loss"}, {"kind": "marker", "x": "x", "y": "loss"}]}
    names = [racer_label(name) for name in runs]
    return common.finish({**common.timing(last), "series": series, "panels": [path_panel, curve_panel],
                   "notes": common.thinning_note(list(runs.values()), names)})


def race_2d_replay(runs: dict[str, Trajectory], box, xs: np.ndarray, ys: np.ndarray, F: np.ndarray, minimum, *,
                   title: str, height: int = 420) -> dict:
    """The 2-D race: the paths over a shaded log₁₀ f (darker is lower), drawn as the replay advances.
    F[j, i] = f(xs[i], ys[j]); paths are clamped to ``box`` for display, the true x, y kept in the data."""
    (x_lo, x_hi), (y_lo, y_hi) = box
    dx, dy = float(np.diff(xs).mean() / 2), float(np.diff(ys).mean() / 2)
    with np.errstate(divide="ignore"):
        logf = np.log10(F)
    finite = np.isfinite(logf)
    v = np.zeros_like(logf)
    if finite.any():
        lo_v, hi_v = float(logf[finite].min()), float(logf[finite].max())
        v = np.where(finite, (logf - lo_v) / max(hi_v - lo_v, 1e-12), 0.0)
    series = []
    for name, traj in runs.items():
        stride = common.stride_for(traj.steps)
        pts = np.asarray(traj.xs, dtype=float).reshape(-1, 2)[common.sample_steps(traj.steps, stride)]
        series.append(_racer(name, traj, {"x": pts[:, 0], "y": pts[:, 1], "sx": np.clip(pts[:, 0], x_lo, x_hi),
                                          "sy": np.clip(pts[:, 1], y_lo, y_hi)}, stride))
    panel = {"title": title, "height": height,
             "x": common.linear_axis("x", float(xs[0] - dx), float(xs[-1] + dx)),
             "y": common.linear_axis("y", float(ys[0] - dy), float(ys[-1] + dy)),
             "heat": {"x": [float(xs[0] - dx), float(xs[-1] + dx)], "y": [float(ys[0] - dy), float(ys[-1] + dy)],
                      "nx": int(len(xs)), "ny": int(len(ys)), "v": common.floats(np.round(v.ravel(), 4))},
             "points": [{"x": float(minimum[0]), "y": float(minimum[1]), "label": _("minimum"), "shape": "diamond",
                         "color": "gold"}],
             "layers": [{"kind": "path", "x": "sx", "y": "sy", "per_step": 1},
                        {"kind": "marker", "x": "sx", "y": "sy"}]}
    last = max(t.steps for t in runs.values())
    return common.finish({**common.timing(last), "series": series, "panels": [panel],
                          "notes": common.thinning_note(list(runs.values()), [racer_label(name) for name in runs])})
