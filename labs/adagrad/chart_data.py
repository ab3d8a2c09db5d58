"""What the Adagrad page's race charts draw (``labs.adagrad.charts`` and ``replay`` take these): the runs as long
frames thinned to a few hundred rows each, and the views a path is drawn in (clipped there, and said so).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.descent import Trajectory
from labs.charts import spread


def thin_steps(steps: int, max_rows: int) -> np.ndarray:
    """About ``max_rows`` step numbers spread evenly over 0 … steps, always both ends, ascending."""
    return spread(steps + 1, max_rows)


def loss_frame(problem, runs: dict[str, Trajectory], max_rows: int = 600) -> pd.DataFrame:
    """Long frame (step, optimiser, loss) with at most about max_rows rows per optimiser."""
    frames = []
    for name, traj in runs.items():
        steps = thin_steps(traj.steps, max_rows)
        with np.errstate(over="ignore"):
            loss = np.asarray(problem.loss(traj.xs[steps]), dtype=float)
        frames.append(pd.DataFrame({"step": steps, "optimiser": name, "loss": loss}))
    return pd.concat(frames, ignore_index=True)


def clip_path(traj: Trajectory, box) -> tuple[np.ndarray, bool]:
    """A 2-D path limited to ``box`` for display (points outside are clipped to its edge), and whether any was."""
    (x_lo, x_hi), (y_lo, y_hi) = box
    xs = np.asarray(traj.xs, dtype=float).reshape(-1, 2)
    clipped = np.column_stack([np.clip(xs[:, 0], x_lo, x_hi), np.clip(xs[:, 1], y_lo, y_hi)])
    return clipped, bool(np.any(clipped != xs))


def view_box(surface, start) -> tuple[tuple[float, float], tuple[float, float]]:
    """The surface's box, widened to hold the start point with a margin."""
    (x_lo, x_hi), (y_lo, y_hi) = surface.box
    sx, sy = start
    mx, my = 0.1 * (x_hi - x_lo), 0.1 * (y_hi - y_lo)
    return (min(x_lo, sx - mx), max(x_hi, sx + mx)), (min(y_lo, sy - my), max(y_hi, sy + my))


def root_view(problem, x0: float, margin: float = 1.0) -> tuple[float, float]:
    """The x range the 1-D trajectory chart shows: the roots and x0, with a margin."""
    points = [*problem.roots(), float(x0)]
    return min(points) - margin, max(points) + margin


def path_frame_1d(runs: dict[str, Trajectory], x_range, max_rows: int = 600) -> tuple[pd.DataFrame, bool]:
    """Long frame (optimiser, step, x, x shown) with x clipped to x_range for display; and whether any was."""
    frames, clipped = [], False
    for name, traj in runs.items():
        steps = thin_steps(traj.steps, max_rows)
        x = np.asarray(traj.xs, dtype=float)[steps]
        shown = np.clip(x, *x_range)
        clipped |= bool(np.any(np.clip(traj.xs, *x_range) != traj.xs))
        frames.append(pd.DataFrame({"optimiser": name, "step": steps, "x": x, "x shown": shown}))
    return pd.concat(frames, ignore_index=True), clipped


def path_frame_2d(runs: dict[str, Trajectory], box, max_rows: int = 800) -> tuple[pd.DataFrame, bool]:
    """Long frame (optimiser, step, x, y) of 2-D paths clipped to ``box``; and whether any point was."""
    frames, clipped = [], False
    for name, traj in runs.items():
        points, was = clip_path(traj, box)
        clipped |= was
        steps = thin_steps(traj.steps, max_rows)
        frames.append(pd.DataFrame({"optimiser": name, "step": steps, "x": points[steps, 0], "y": points[steps, 1]}))
    return pd.concat(frames, ignore_index=True), clipped
