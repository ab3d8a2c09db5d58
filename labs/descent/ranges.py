"""What the gradient-descent page's charts span: the x-range around the roots, the vertex and the starts, the
basin map's grid of starts × learning rates and its sweep, and the settings a clicked cell of it stands for."""
from __future__ import annotations

import math

import numpy as np

from core.objective import Quadratic
from core.sweep import sweep
from labs.descent.format import fmt
from labs.descent.limits import BASIN_LRS, BASIN_MAX_STEPS, BASIN_X0S, LR_MAX, LR_MIN, X0_LIMIT


def x_range(problem: Quadratic, x0s=()) -> tuple[float, float]:
    """An x interval that shows the roots and the vertex with room around them, and the start points."""
    points = list(problem.roots())
    if problem.vertex is not None:
        points.append(problem.vertex)
    if not points:
        points = [0.0]
    lo, hi = min(points), max(points)
    pad = max(hi - lo, 1.5)
    lo, hi = lo - pad, hi + pad
    if len(x0s):
        lo, hi = min(lo, float(np.min(x0s)) - 0.5), max(hi, float(np.max(x0s)) + 0.5)
    return lo, hi


def lr_scale(problem: Quadratic) -> float | None:
    """The learning rate around which the behaviour changes: the stability bound 1/(b² − 4ac) at the
    roots; without one (no or a double root) 1/loss″ at the vertex, where loss″ = 4a·p(vertex)."""
    bound = problem.stable_lr()
    if bound is not None:
        return bound
    if problem.vertex is not None:
        curvature = abs(4 * problem.a * problem.residual(problem.vertex))
        if curvature > 0:
            return 1.0 / curvature
    return None


def basin_axes(problem: Quadratic, lr: float, x0s=()) -> tuple[np.ndarray, np.ndarray]:
    """The basin map's grid: BASIN_X0S start points over x_range (without far start points) and BASIN_LRS
    learning rates, log-spaced from 1/1000 of the scale to 4× it, widened to hold the current lr."""
    lo, hi = x_range(problem)
    near = [x for x in x0s if lo <= x <= hi]
    if near:
        lo, hi = min(lo, min(near)), max(hi, max(near))
    grid_x0 = np.linspace(lo, hi, BASIN_X0S)
    scale = lr_scale(problem) or lr
    lr_lo = max(min(scale * 1e-3, lr / 2), 1e-9)
    lr_hi = min(max(scale * 4, lr * 2), 10 * LR_MAX)
    grid_lr = np.logspace(math.log10(lr_lo), math.log10(lr_hi), BASIN_LRS)
    return grid_x0, grid_lr


def basin_sweep(problem: Quadratic, lr: float, max_steps: int, tol: float, x0s=()):
    """The basin map's sweep (at most BASIN_MAX_STEPS updates per cell) and the steps it used."""
    grid_x0, grid_lr = basin_axes(problem, lr, x0s)
    steps = min(max_steps, BASIN_MAX_STEPS)
    return sweep(problem, grid_x0, grid_lr, steps, tol, orbits=True), steps


def picked_cell(cell: dict, x0s, sep: str = ",") -> tuple[str, float]:
    """Settings from a clicked basin-map cell: the x0 text with its first start replaced (the starts joined by
    ``sep``: ";" where a comma is the decimal comma), and the lr (rounded to 3 significant digits and kept inside
    the allowed range)."""
    x0 = float(np.clip(float(cell["x0"]), -X0_LIMIT, X0_LIMIT))
    lr = float(np.clip(float(f"{float(cell['lr']):.3g}"), LR_MIN, LR_MAX))
    starts = [fmt(round(x0, 2), 6)] + [fmt(float(x), 6) for x in list(x0s)[1:]]
    return sep.join(starts), lr
