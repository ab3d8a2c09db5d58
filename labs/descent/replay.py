"""The gradient-descent lab's replays: the runs from every start on the loss and on p(x), and the cobweb."""
from __future__ import annotations

import numpy as np

from core.descent import Trajectory
from core.objective import Quadratic
from i18n import _
from labs import replay as common
from labs.charts import LOSS_CEILING
from labs.descent.format import start_labels


def descent_replay(problem: Quadratic, trajs: list[Trajectory], lo: float, hi: float, *, height: int = 320) -> dict:
    """Two panels that move together: the loss p(x)² (symlog axis) and p(x) with its roots and vertex;
    one series per start point with a fading trail and a marker."""
    x = np.linspace(lo, hi, common.CURVE_POINTS)
    with np.errstate(over="ignore", invalid="ignore"):
        p, loss = problem.residual(x), problem.loss(x)
    ok = np.isfinite(p) & np.isfinite(loss)
    top = max(float(loss[ok].max()) if ok.any() else 1.0, 1e-9)
    p_lo = min(float(p[ok].min()) if ok.any() else -1.0, 0.0)
    p_hi = max(float(p[ok].max()) if ok.any() else 1.0, 0.0)
    pad = 0.05 * max(p_hi - p_lo, 1e-9)
    p_lo, p_hi = p_lo - pad, p_hi + pad
    labels = start_labels([float(t.xs[0]) for t in trajs])
    series = []
    for i, (traj, label) in enumerate(zip(trajs, labels)):
        stride = common.stride_for(traj.steps)
        xs = np.asarray(traj.xs, dtype=float)[common.sample_steps(traj.steps, stride)]
        with np.errstate(over="ignore", invalid="ignore"):
            px = problem.residual(xs)
            lx = np.minimum(px * px, LOSS_CEILING)
        series.append(common.one_series(label, traj.steps, {"x": xs, "loss": common.clamp(lx, 0.0, top),
                                                  "p": common.clamp(px, p_lo, p_hi)}, i, stride=stride))
    roots = [r for r in problem.roots() if lo <= r <= hi]
    root_points = [{"x": float(r), "y": 0.0, "label": _("root {root}", root=f"{r:.6g}"), "shape": "diamond",
                    "color": "#000"} for r in roots]
    vertex = problem.vertex
    vrules = ([{"at": float(vertex), "label": _("vertex {vertex}", vertex=f"{vertex:.4g}"), "color": "#9467bd",
                "dash": [4, 4]}] if vertex is not None and lo <= vertex <= hi else [])
    markers = [{"kind": "trail", "x": "x", "y": "loss"}, {"kind": "marker", "x": "x", "y": "loss"}]
    loss_panel = {"title": _("The loss p(x)² and where each run is"), "height": height,
                  "x": common.linear_axis("x", lo, hi),
                  "y": common.symlog_axis(_("loss = p(x)²  (symlog scale)"), top),
                  "curves": [{"x": common.floats(x[ok]), "y": common.floats(loss[ok]), "color": "#444", "width": 1.5}],
                  "points": [{**pt, "y": 0.0} for pt in root_points], "layers": markers}
    if vertex is None:
        title = _("p(x), its roots (◆)") if len(problem.roots()) != 1 else _("p(x) and its root (◆)")
    else:
        title = (_("p(x), its roots (◆) and the vertex (dashed)") if len(problem.roots()) != 1 else
                 _("p(x) and its root (◆) and the vertex (dashed)"))
    p_panel = {"title": title, "height": height, "x": common.linear_axis("x", lo, hi),
               "y": common.linear_axis("p(x)", p_lo, p_hi),
               "curves": [{"x": common.floats(x[ok]), "y": common.floats(p[ok]), "color": "#444", "width": 1.5}],
               "points": root_points, "vrules": vrules,
               "hrules": [{"at": 0.0, "color": "#999"}],
               "layers": [{"kind": "trail", "x": "x", "y": "p"}, {"kind": "marker", "x": "x", "y": "p"}]}
    last = max(t.steps for t in trajs)
    return common.finish({**common.timing(last), "series": series, "panels": [loss_panel, p_panel],
                          "notes": common.thinning_note(trajs, labels)})


def cobweb_replay(problem: Quadratic, traj: Trajectory, lr: float, lo: float, hi: float, *,
                  height: int = 380) -> dict:
    """The update map f(x) = x − lr·loss′(x) against the diagonal, with ``traj``'s cobweb drawn as the replay
    advances: (x_k, x_k) → (x_k, x_{k+1}) → (x_{k+1}, x_{k+1}). Fixed points (roots, vertex) are marked."""
    x = np.linspace(lo, hi, common.CURVE_POINTS)
    with np.errstate(over="ignore", invalid="ignore"):
        fx = x - lr * problem.grad(x)
    span = hi - lo
    keep = np.isfinite(fx) & (fx > lo - span) & (fx < hi + span)
    stride = common.stride_for(traj.steps)
    xs = np.asarray(traj.xs, dtype=float)[common.sample_steps(traj.steps, stride)]
    shown = common.clamp(xs, lo, hi)
    # Two vertices per update: (x_k, x_{k+1}) then (x_{k+1}, x_{k+1}); the path starts at (x_0, x_0).
    cx = np.repeat(shown, 2)[:-1]
    cy = np.repeat(shown, 2)[1:]
    label = start_labels([float(traj.xs[0])])[0]
    series = [common.one_series(label, traj.steps, {"x": xs, "shown": shown, "cx": cx, "cy": cy}, 3, color="#d62728",
                      shape="circle", stride=stride)]
    fixed = [c for c in problem.critical_points() if lo <= c <= hi]
    roots = problem.roots()
    points = [{"x": float(c), "y": float(c),
               "label": _("root {root}", root=f"{c:.6g}") if c in roots else _("vertex {vertex}", vertex=f"{c:.6g}"),
               "shape": "diamond" if c in roots else "square", "color": "#000"} for c in fixed]
    panel = {"title": _("The update map and the cobweb of the first run"), "height": height,
             "x": common.linear_axis("xₖ", lo, hi), "y": common.linear_axis("xₖ₊₁", lo, hi),
             "curves": [{"x": [float(lo), float(hi)], "y": [float(lo), float(hi)], "color": "#999", "dash": [4, 4],
                         "width": 1},
                        {"x": common.floats(x[keep]), "y": common.floats(fx[keep]), "color": "#444", "width": 1.5}],
             "points": points,
             "layers": [{"kind": "path", "x": "cx", "y": "cy", "per_step": 2},
                        {"kind": "marker", "x": "shown", "y": "shown"}]}
    return common.finish({**common.timing(traj.steps), "series": series, "panels": [panel],
                          "notes": common.thinning_note([traj], [label])})
