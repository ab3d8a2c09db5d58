"""Replays that play in the browser: trajectories in, one JSON-able dict out. No Streamlit here.

The browser player (``components/player``) draws what this module describes and animates it with
requestAnimationFrame; the server sends a replay once. A replay is

    {"id": str,                    # changes whenever anything drawn changes (the player rebuilds then)
     "last": int,                  # the last update any series reaches; the counter runs 0..last
     "speed": float,               # updates per second when the visitor has not chosen one
     "speeds": [float, ...],       # what the speed menu offers
     "series": [{"label", "color", "dash", "shape", "steps",   # steps: this series' last update
                 "stride", "data": {name: [float, ...]}}],   # data[name][i] is the value at update i·stride
     "panels": [{"title", "height", "x": axis, "y": axis,
                 "curves": [{"x", "y", "color", "dash", "width"}],          # static lines
                 "points": [{"x", "y", "label", "shape", "color"}],         # static marks (roots, minima)
                 "vrules"/"hrules": [{"at", "label", "color", "dash"}],
                 "heat": {"x": [lo, hi], "y": [lo, hi], "nx", "ny", "v": [0..1, row-major from y lo]},
                 "layers": [{"kind": "path" | "trail" | "marker", "x": name, "y": name,
                             "per_step": vertices per update (paths)}
                            | {"kind": "curve", "series": index, "x": [float, ...], "ys": [[float, ...], ...],
                               "color"}]}],   # ys[i]: the curve at that series' i-th sample (glides between)
     "unit": str,                  # optional: the counter's word ("Snapshot 3 of 70"); "Step" when absent
     "notes": [str, ...]}
    axis = {"label", "lo", "hi", "type": "linear" | "symlog", "ticks": [[value, label], ...] (optional)}

Each series' ``data["x"]`` (and, in 2-D, ``data["y"]``) are the core's iterates as Python floats, so
the JSON the browser parses holds them bit for bit (JSON floats are written with ``repr``). A layer's
x or y may be ``"#step"``: the update number itself. Everything sent is finite: values that would be
drawn far off a panel are clamped just outside it (the panel clips them), and payloads stay bounded:
a run with more than ``MAX_SAMPLES`` iterates is thinned to every k-th update with k odd (so a cycle
of period 2 or 4 still alternates) and a note says so.
"""
from __future__ import annotations

import hashlib
import json
import math

import numpy as np

from core.descent import Trajectory
from core.objective import Quadratic
from labs.charts import spread

CATEGORY10 = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
DASHES = (None, [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [1, 3], [10, 2], [3, 3, 1, 3])
SHAPES = ("circle", "square", "triangle", "diamond", "circle", "square", "triangle", "diamond")
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)  # updates per second
REPLAY_SECONDS = 10.0  # the default speed plays a replay in about this long
MAX_SAMPLES = 4000  # iterates sent per series at most (thinned beyond, odd stride)
CURVE_POINTS = 400
LOSS_CEILING = 1e30
RACER_COLORS = {"gradient descent": "#e45756", "momentum": "#f58518", "Adagrad": "#4c78a8", "RMSProp": "#54a24b",
                "Adam": "#b279a2"}
RACER_DASHES = {"gradient descent": None, "momentum": [6, 3], "Adagrad": None, "RMSProp": [8, 3, 2, 3],
                "Adam": [2, 2]}
RACER_SHAPES = {"gradient descent": "circle", "momentum": "square", "Adagrad": "diamond", "RMSProp": "triangle",
                "Adam": "circle"}


def default_speed(last: int) -> float:
    """The slowest offered speed (updates per second) that plays ``last`` updates within REPLAY_SECONDS."""
    return float(next((s for s in SPEEDS if last / s <= REPLAY_SECONDS), SPEEDS[-1]))


def stride_for(steps: int, max_samples: int = MAX_SAMPLES) -> int:
    """1 when all steps + 1 iterates fit in max_samples, else the smallest odd k that makes them fit.
    An odd stride keeps a cycle of period 2 (or 4) alternating in the thinned replay."""
    if steps + 1 <= max_samples:
        return 1
    k = math.ceil(steps / (max_samples - 2))
    return k if k % 2 else k + 1


def sample_steps(steps: int, stride: int) -> np.ndarray:
    """The updates a thinned series keeps: 0, stride, 2·stride, … and always the last one."""
    kept = np.arange(0, steps + 1, stride)
    return kept if kept[-1] == steps else np.r_[kept, steps]


def _floats(values) -> list[float]:
    """Python floats (JSON writes them with repr: the browser parses back the same doubles)."""
    out = np.asarray(values, dtype=float).tolist()
    if not all(math.isfinite(v) for v in out):
        raise ValueError("a replay must hold only finite numbers")
    return out


def _clamp(values, lo: float, hi: float) -> np.ndarray:
    """Values limited to a band one span either side of [lo, hi]: off the panel, drawn at its edge."""
    span = hi - lo
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(np.clip(values, lo - span, hi + span), nan=hi + span)


def linear_axis(label: str, lo: float, hi: float) -> dict:
    return {"label": label, "lo": float(lo), "hi": float(hi), "type": "linear"}


def symlog_axis(label: str, top: float) -> dict:
    """A symlog axis from 0 to ``top`` with ticks at 0 and the largest few powers of ten below top."""
    powers = [10.0 ** k for k in range(0, 31) if 10.0 ** k <= top]
    ticks = [[0.0, "0"]] + [[p, f"{p:,.0f}" if p < 1e5 else f"{p:.0e}"] for p in powers[-5:]]
    return {"label": label, "lo": 0.0, "hi": float(top), "type": "symlog", "ticks": ticks}


def finish(replay: dict) -> dict:
    """Add the id (a digest of everything drawn) and check that JSON can carry it without nan or inf."""
    body = json.dumps(replay, sort_keys=True, allow_nan=False)
    return {**replay, "id": hashlib.sha1(body.encode()).hexdigest()[:16]}


def _series(label: str, traj_steps: int, data: dict, index: int, *, color=None, dash=None, shape=None,
            stride: int = 1) -> dict:
    return {"label": label, "color": color or CATEGORY10[index % len(CATEGORY10)],
            "dash": dash if color else DASHES[index % len(DASHES)], "shape": shape or SHAPES[index % len(SHAPES)],
            "steps": int(traj_steps), "stride": int(stride), "data": {k: _floats(v) for k, v in data.items()}}


def _thinning_note(trajs: list[Trajectory], labels: list[str]) -> list[str]:
    thinned = [(label, stride_for(t.steps)) for t, label in zip(trajs, labels) if stride_for(t.steps) > 1]
    if not thinned:
        return []
    parts = ", ".join(f"{label}: one update in {k}" for label, k in thinned)
    return [f"Long runs are replayed thinned ({parts}; an odd step keeps two-cycles alternating). "
            "The counter still counts updates."]


def descent_replay(problem: Quadratic, trajs: list[Trajectory], lo: float, hi: float, *, height: int = 320) -> dict:
    """Two panels that move together: the loss p(x)² (symlog axis) and p(x) with its roots and vertex;
    one series per start point with a fading trail and a marker."""
    from labs.descent.words import start_labels

    x = np.linspace(lo, hi, CURVE_POINTS)
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
        stride = stride_for(traj.steps)
        xs = np.asarray(traj.xs, dtype=float)[sample_steps(traj.steps, stride)]
        with np.errstate(over="ignore", invalid="ignore"):
            px = problem.residual(xs)
            lx = np.minimum(px * px, LOSS_CEILING)
        series.append(_series(label, traj.steps, {"x": xs, "loss": _clamp(lx, 0.0, top),
                                                  "p": _clamp(px, p_lo, p_hi)}, i, stride=stride))
    roots = [r for r in problem.roots() if lo <= r <= hi]
    root_points = [{"x": float(r), "y": 0.0, "label": f"root {r:.6g}", "shape": "diamond", "color": "#000"}
                   for r in roots]
    vertex = problem.vertex
    vrules = ([{"at": float(vertex), "label": f"vertex {vertex:.4g}", "color": "#9467bd", "dash": [4, 4]}]
              if vertex is not None and lo <= vertex <= hi else [])
    markers = [{"kind": "trail", "x": "x", "y": "loss"}, {"kind": "marker", "x": "x", "y": "loss"}]
    loss_panel = {"title": "The loss p(x)² and where each run is", "height": height,
                  "x": linear_axis("x", lo, hi), "y": symlog_axis("loss = p(x)²  (symlog scale)", top),
                  "curves": [{"x": _floats(x[ok]), "y": _floats(loss[ok]), "color": "#444", "width": 1.5}],
                  "points": [{**pt, "y": 0.0} for pt in root_points], "layers": markers}
    title = "p(x), its roots (◆)" if len(problem.roots()) != 1 else "p(x) and its root (◆)"
    if vertex is not None:
        title += " and the vertex (dashed)"
    p_panel = {"title": title, "height": height, "x": linear_axis("x", lo, hi), "y": linear_axis("p(x)", p_lo, p_hi),
               "curves": [{"x": _floats(x[ok]), "y": _floats(p[ok]), "color": "#444", "width": 1.5}],
               "points": root_points, "vrules": vrules,
               "hrules": [{"at": 0.0, "color": "#999"}],
               "layers": [{"kind": "trail", "x": "x", "y": "p"}, {"kind": "marker", "x": "x", "y": "p"}]}
    last = max(t.steps for t in trajs)
    return finish({"last": int(last), "speed": default_speed(last), "speeds": list(map(float, SPEEDS)),
                   "series": series, "panels": [loss_panel, p_panel], "notes": _thinning_note(trajs, labels)})


def cobweb_replay(problem: Quadratic, traj: Trajectory, lr: float, lo: float, hi: float, *,
                  height: int = 380) -> dict:
    """The update map f(x) = x − lr·loss′(x) against the diagonal, with ``traj``'s cobweb drawn as the replay
    advances: (x_k, x_k) → (x_k, x_{k+1}) → (x_{k+1}, x_{k+1}). Fixed points (roots, vertex) are marked."""
    from labs.descent.words import start_labels

    x = np.linspace(lo, hi, CURVE_POINTS)
    with np.errstate(over="ignore", invalid="ignore"):
        fx = x - lr * problem.grad(x)
    span = hi - lo
    keep = np.isfinite(fx) & (fx > lo - span) & (fx < hi + span)
    stride = stride_for(traj.steps)
    xs = np.asarray(traj.xs, dtype=float)[sample_steps(traj.steps, stride)]
    shown = _clamp(xs, lo, hi)
    # Two vertices per update: (x_k, x_{k+1}) then (x_{k+1}, x_{k+1}); the path starts at (x_0, x_0).
    cx = np.repeat(shown, 2)[:-1]
    cy = np.repeat(shown, 2)[1:]
    label = start_labels([float(traj.xs[0])])[0]
    series = [_series(label, traj.steps, {"x": xs, "shown": shown, "cx": cx, "cy": cy}, 3, color="#d62728",
                      shape="circle", stride=stride)]
    fixed = [c for c in problem.critical_points() if lo <= c <= hi]
    roots = problem.roots()
    points = [{"x": float(c), "y": float(c), "label": ("root " if c in roots else "vertex ") + f"{c:.6g}",
               "shape": "diamond" if c in roots else "square", "color": "#000"} for c in fixed]
    panel = {"title": "The update map and the cobweb of the first run", "height": height,
             "x": linear_axis("xₖ", lo, hi), "y": linear_axis("xₖ₊₁", lo, hi),
             "curves": [{"x": [float(lo), float(hi)], "y": [float(lo), float(hi)], "color": "#999", "dash": [4, 4],
                         "width": 1},
                        {"x": _floats(x[keep]), "y": _floats(fx[keep]), "color": "#444", "width": 1.5}],
             "points": points,
             "layers": [{"kind": "path", "x": "cx", "y": "cy", "per_step": 2},
                        {"kind": "marker", "x": "shown", "y": "shown"}]}
    return finish({"last": int(traj.steps), "speed": default_speed(traj.steps), "speeds": list(map(float, SPEEDS)),
                   "series": series, "panels": [panel], "notes": _thinning_note([traj], [label])})


def _racer(name: str, traj: Trajectory, data: dict, stride: int) -> dict:
    return _series(name, traj.steps, data, 0, color=RACER_COLORS.get(name, "#444"), dash=RACER_DASHES.get(name),
                   shape=RACER_SHAPES.get(name, "circle"), stride=stride)


def race_1d_replay(problem: Quadratic, runs: dict[str, Trajectory], view: tuple[float, float], *,
                   height: int = 300) -> dict:
    """The 1-D race: x against step (drawn as it goes) and each optimiser on the loss curve p(x)²."""
    lo, hi = view
    x = np.linspace(lo, hi, CURVE_POINTS)
    with np.errstate(over="ignore", invalid="ignore"):
        loss = problem.loss(x)
    top = max(float(loss[np.isfinite(loss)].max()), 1e-9)
    series = []
    for name, traj in runs.items():
        stride = stride_for(traj.steps)
        xs = np.asarray(traj.xs, dtype=float)[sample_steps(traj.steps, stride)]
        with np.errstate(over="ignore", invalid="ignore"):
            lx = np.minimum(problem.loss(xs), LOSS_CEILING)
        shown = np.clip(xs, lo, hi)
        series.append(_racer(name, traj, {"x": xs, "shown": shown, "loss": _clamp(lx, 0.0, top)}, stride))
    last = max(t.steps for t in runs.values())
    roots = [r for r in problem.roots() if lo <= r <= hi]
    path_panel = {"title": "Trajectories: x against step", "height": height,
                  "x": linear_axis("step", 0, max(last, 1)), "y": linear_axis("x (clipped to the view)", lo, hi),
                  "hrules": [{"at": float(r), "label": f"root {r:g}", "color": "gray", "dash": [4, 4]} for r in roots],
                  "layers": [{"kind": "path", "x": "#step", "y": "shown", "per_step": 1},
                             {"kind": "marker", "x": "#step", "y": "shown"}]}
    curve_panel = {"title": "On the curve: the loss p(x)²", "height": height,
                   "x": linear_axis("x", lo, hi), "y": symlog_axis("loss = p(x)²  (symlog scale)", top),
                   "curves": [{"x": _floats(x), "y": _floats(loss), "color": "#444", "width": 1.5}],
                   "points": [{"x": float(r), "y": 0.0, "label": f"root {r:g}", "shape": "diamond", "color": "#000"}
                              for r in roots],
                   "layers": [{"kind": "trail", "x": "x", "y": "loss"}, {"kind": "marker", "x": "x", "y": "loss"}]}
    names = list(runs)
    return finish({"last": int(last), "speed": default_speed(last), "speeds": list(map(float, SPEEDS)),
                   "series": series, "panels": [path_panel, curve_panel],
                   "notes": _thinning_note(list(runs.values()), names)})


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
        stride = stride_for(traj.steps)
        pts = np.asarray(traj.xs, dtype=float).reshape(-1, 2)[sample_steps(traj.steps, stride)]
        series.append(_racer(name, traj, {"x": pts[:, 0], "y": pts[:, 1], "sx": np.clip(pts[:, 0], x_lo, x_hi),
                                          "sy": np.clip(pts[:, 1], y_lo, y_hi)}, stride))
    panel = {"title": title, "height": height,
             "x": linear_axis("x", float(xs[0] - dx), float(xs[-1] + dx)),
             "y": linear_axis("y", float(ys[0] - dy), float(ys[-1] + dy)),
             "heat": {"x": [float(xs[0] - dx), float(xs[-1] + dx)], "y": [float(ys[0] - dy), float(ys[-1] + dy)],
                      "nx": int(len(xs)), "ny": int(len(ys)), "v": _floats(np.round(v.ravel(), 4))},
             "points": [{"x": float(minimum[0]), "y": float(minimum[1]), "label": "minimum", "shape": "diamond",
                         "color": "gold"}],
             "layers": [{"kind": "path", "x": "sx", "y": "sy", "per_step": 1},
                        {"kind": "marker", "x": "sx", "y": "sy"}]}
    last = max(t.steps for t in runs.values())
    return finish({"last": int(last), "speed": default_speed(last), "speeds": list(map(float, SPEEDS)),
                   "series": series, "panels": [panel], "notes": _thinning_note(list(runs.values()), list(runs))})


MLP_FIT_POINTS = 200  # x grid of the replayed fit (per snapshot one curve: the payload grows with both)
PROBE_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")


def mlp_replay(net, snapshots, x_min: float, x_max: float, probes_x=(1.0, 2.0, -1.0, -2.0), *,
               points: int = MLP_FIT_POINTS, height: int = 340, target: str = "x2") -> dict:
    """A training run replayed snapshot by snapshot (``core.train.Snapshot``: samples_seen, epoch, flat).

    Panel 1: the target x² (dashed), the training range, the net's prediction at the shown snapshot
    (a ``curve`` layer: one y array per snapshot over a shared x grid) and a marker per probe x.
    Panel 2: each probe's prediction against the epoch, drawn as the replay advances. One series per probe;
    the counter counts snapshots. Predictions are ``net.predict(net.unflatten(flat), x)`` as Python floats,
    clamped (only when far off the panel, or not finite) so everything sent is finite."""
    from core.train import target_values
    from labs.mlp.words import fit_range, target_label

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
        series.append(_series(f"prediction at x = {x:g}", last,
                              {"epoch": epochs, "px": np.full(len(snapshots), x),
                               "p": _clamp(probe_rows[:, j], y_lo, y_hi)}, j,
                              color=PROBE_COLORS[j % len(PROBE_COLORS)], shape=SHAPES[j % len(SHAPES)]))
    fit_panel = {"title": f"The fit at this snapshot (dashed: {label})", "height": height,
                 "x": linear_axis("x", lo, hi), "y": linear_axis("y", y_lo, y_hi),
                 "curves": [{"x": _floats(grid), "y": _floats(target_y), "color": "#444", "dash": [6, 4],
                             "width": 1.5}],
                 "vrules": [{"at": float(x_min), "color": "#bbb", "dash": [2, 3]},
                            {"at": float(x_max), "color": "#bbb", "dash": [2, 3]}],
                 "layers": [{"kind": "curve", "series": 0, "x": _floats(grid), "color": "#111",
                             "ys": [_floats(_clamp(f, y_lo, y_hi)) for f in fits]},
                            {"kind": "marker", "x": "px", "y": "p"}]}
    probe_panel = {"title": "The probes' predictions during training", "height": height,
                   "x": linear_axis("epoch", 0.0, max(float(epochs[-1]), 1e-9)),
                   "y": linear_axis("prediction", y_lo, y_hi),
                   "hrules": [{"at": float(v), "color": "#bbb", "dash": [4, 4]}
                              for v in sorted(set(truths.tolist()))],
                   "layers": [{"kind": "path", "x": "epoch", "y": "p", "per_step": 1},
                              {"kind": "marker", "x": "epoch", "y": "p"}]}
    return finish({"last": int(last), "unit": "Snapshot", "speed": default_speed(last),
                   "speeds": list(map(float, SPEEDS)), "series": series, "panels": [fit_panel, probe_panel],
                   "notes": [f"{len(snapshots)} snapshots: the start, every epoch end and points between. "
                             f"Dotted: the training range. Dashed, right: the true {label} at the probes ("
                             + ", ".join(f"{v:.4g}" for v in sorted(set(truths.tolist()))) + ")."]})


LIVE_LOSS_ROWS = 300   # per series: a live picture is redrawn every few tenths of a second
LIVE_FIT_POINTS = 161
LIVE_KINKS = 200


def _short(values) -> list[float]:
    """Finite floats rounded to 6 significant digits: a picture, in a third of the bytes of every digit."""
    v = np.asarray(_floats(values), dtype=float)
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
    the training loss against the epoch on a log axis (``mlp_lab.loss_curve``: raw and smoothed, over the
    whole run's epochs so the curve grows to the right; a dotted rule at each finished epoch) and the fit
    (``mlp_lab.fit_curve``: the dashed target, named ``label``, and the prediction, the training range
    between dotted rules, ``mlp_lab.kinks`` as triangles). The same frames as the Altair charts drawn when
    the run stops, thinned for a picture redrawn several times a second; everything sent is finite."""
    from labs.mlp.words import fit_range

    raw = curve[curve["series"] == "loss"] if len(curve) else curve
    smooth = curve[curve["series"] == "smoothed"] if len(curve) else curve
    values = curve["loss"].to_numpy(dtype=float) if len(curve) else np.zeros(0)
    values = values[np.isfinite(values) & (values > 0)]
    lo, hi = (float(values.min()), float(values.max())) if values.size else (1e-3, 10.0)
    loss_axis = log_axis("training loss (MSE, log scale)", lo, hi)

    def line(frame, x, y, n, **style):
        frame = frame[np.isfinite(frame[y].to_numpy(dtype=float))] if len(frame) else frame
        keep = spread(len(frame), n)
        return {"x": _short(frame[x].to_numpy()[keep]), "y": _short(frame[y].to_numpy()[keep]), **style}

    curves = [line(raw, "epoch", "loss", LIVE_LOSS_ROWS, name="loss", color="#a5b4fc", width=1.2),
              line(smooth, "epoch", "loss", LIVE_LOSS_ROWS, name="smoothed", color="#2563eb", width=2.2)]
    for c in curves:
        c["y"] = _short(np.clip(c["y"], loss_axis["lo"], loss_axis["hi"])) if c["y"] else []
    loss_panel = {"title": "Training loss", "height": height,
                  "x": linear_axis("epoch", 0.0, float(max(epochs, 1))), "y": loss_axis,
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
    fit_curves[1]["y"] = _short(_clamp(np.array(fit_curves[1]["y"]), y_lo, y_hi)) if fit_curves[1]["y"] else []
    inside = kinks[(kinks["x"] >= x_lo) & (kinks["x"] <= x_hi)] if len(kinks) else kinks
    points = [{"x": float(f"{x:.6g}"), "y": float(f"{np.clip(y, y_lo, y_hi):.6g}"), "shape": "triangle",
               "size": 3.5, "color": "#f59e0b", "label": f"kink at x = {x:.3f}"}
              for x, y in zip(inside["x"].to_numpy()[:LIVE_KINKS], inside["y"].to_numpy()[:LIVE_KINKS])
              if math.isfinite(x) and math.isfinite(y)] if len(inside) else []
    fit_panel = {"title": f"The fit: {label} and the net's prediction", "height": height,
                 "x": linear_axis("x", x_lo, x_hi), "y": linear_axis("y", y_lo, y_hi),
                 "vrules": [{"at": float(x_min), "color": "#93c5fd", "dash": [2, 3]},
                            {"at": float(x_max), "color": "#93c5fd", "dash": [2, 3]}],
                 "curves": [c for c in fit_curves if c["x"]], "points": points}
    legend = [{"label": "loss", "color": "#a5b4fc"}, {"label": "smoothed", "color": "#2563eb"},
              {"label": f"target {label}", "color": "#6b7280", "dash": [5, 3]},
              {"label": "prediction", "color": "#dc2626"}]
    if points:
        legend.append({"label": "ReLU kink", "color": "#f59e0b", "shape": "triangle", "width": 0})
    return finish({"last": 0, "unit": "Update", "speed": 1.0, "speeds": [], "series": [], "legend": legend,
                   "panels": [loss_panel, fit_panel], "notes": list(notes)})
