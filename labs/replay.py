"""Replays that play in the browser: what every lab's replay shares (the format, thinning, axes, series).
Each lab builds its own in ``labs/<lab>/replay.py``. No Streamlit here.

The browser player (``app/player``) draws what this module describes and animates it with
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
from i18n import _

CATEGORY10 = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
DASHES = (None, [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [1, 3], [10, 2], [3, 3, 1, 3])
SHAPES = ("circle", "square", "triangle", "diamond", "circle", "square", "triangle", "diamond")
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)  # updates per second
REPLAY_SECONDS = 10.0  # the default speed plays a replay in about this long
MAX_SAMPLES = 4000  # iterates sent per series at most (thinned beyond, odd stride)
CURVE_POINTS = 400


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


def floats(values) -> list[float]:
    """Python floats (JSON writes them with repr: the browser parses back the same doubles)."""
    out = np.asarray(values, dtype=float).tolist()
    if not all(math.isfinite(v) for v in out):
        raise ValueError("a replay must hold only finite numbers")
    return out


def clamp(values, lo: float, hi: float) -> np.ndarray:
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


def one_series(label: str, traj_steps: int, data: dict, index: int, *, color=None, dash=None, shape=None,
            stride: int = 1) -> dict:
    return {"label": label, "color": color or CATEGORY10[index % len(CATEGORY10)],
            "dash": dash if color else DASHES[index % len(DASHES)], "shape": shape or SHAPES[index % len(SHAPES)],
            "steps": int(traj_steps), "stride": int(stride), "data": {k: floats(v) for k, v in data.items()}}


def thinning_note(trajs: list[Trajectory], labels: list[str]) -> list[str]:
    thinned = [(label, stride_for(t.steps)) for t, label in zip(trajs, labels) if stride_for(t.steps) > 1]
    if not thinned:
        return []
    parts = ", ".join(_("{label}: one update in {k}", label=label, k=k) for label, k in thinned)
    return [_("Long runs are replayed thinned ({parts}; an odd step keeps two-cycles alternating). "
              "The counter still counts updates.", parts=parts)]


def timing(last: int) -> dict:
    """A replay's counter and speeds: updates 0..last, played at the default speed unless one is chosen."""
    return {"last": int(last), "speed": default_speed(last), "speeds": list(map(float, SPEEDS))}
