"""Gradient descent from a whole grid of (lr, x0) pairs at once: ``sweep``, vectorised over the grid.

Cell by cell it takes exactly the steps (bit for bit) of ``core.descent.gradient_descent``, under the same
stopping rule, and gives each cell the outcome code ``core.descent.classify`` gives the same run; with
``orbits=True`` a cell stopped by max_steps is judged on its last ORBIT_TAIL iterates, as ``core.descent.outcome``
judges a single run.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.descent import (
    CYCLE_CODE,
    DIVERGENCE_BOUND,
    ORBIT_TAIL,
    UNFINISHED,
    VERTEX,
    cell_codes,
    check_run,
    on_vertex,
    orbit_codes,
)
from core.optim import sgd

SWEEP_BLOCK = 16  # sweep's updates between stopping tests: fewer numpy calls per update


@dataclass(frozen=True)
class Sweep:
    """Outcomes of gradient descent for every (lr, x0) pair; arrays have shape (len(lrs), len(x0s))."""

    lrs: np.ndarray
    x0s: np.ndarray
    x: np.ndarray        # final iterate (the last finite one for a diverged run)
    steps: np.ndarray    # updates made; for a diverged run, the update that escaped
    outcome: np.ndarray  # LOW_ROOT | HIGH_ROOT | VERTEX | DIVERGED_CODE | UNFINISHED (| CYCLE_CODE | CHAOS_CODE)
    period: np.ndarray | None = None  # with orbits=True: a cycle's length (1 on the vertex), else 0


def sweep(problem, x0s, lrs, max_steps: int = 1000, tol: float = 1e-6, orbits: bool = False) -> Sweep:
    """Gradient descent from every x0 at every lr, all at once (vectorised over the grid).

    With ``orbits`` the cells that use up max_steps keep their last ORBIT_TAIL iterates, and are told
    apart as ``core.descent.outcome`` tells single runs apart: vertex, cycle, chaos or still approaching (UNFINISHED);
    ``period`` then holds each cycle's length.

    ``problem`` is a Quadratic. Cell by cell this takes exactly the steps (bit for bit) that
    ``gradient_descent(problem, x0, lr, ...)`` takes. For speed it carries p(x) from each step's
    convergence test into the next gradient, loss'(x) = 2·p(x)·p'(x) (Quadratic.grad's own
    operation order), makes SWEEP_BLOCK updates at a time with no test between them (``_block``), then
    finds the exact update at which each cell stopped (``_settle``) and keeps only the cells still running.
    The benchmarked kernel: bench/bench_sweep.py (≥ 20× a scalar loop); its helpers are called once per
    block, not per update.
    """
    lrs, x0s = _sweep_axes(lrs, x0s, max_steps, tol)
    lr_grid, x_grid = np.meshgrid(lrs, x0s, indexing="ij")
    shape = x_grid.shape
    x_final = x_grid.ravel().copy()
    steps = np.zeros(x_final.size, dtype=np.int64)
    diverged = np.zeros(x_final.size, dtype=bool)
    p = problem.residual(x_final)
    converged = np.abs(p) < tol
    # The running cells, compacted: their index in the grid, x, p(x) and −lr.
    idx = np.flatnonzero(~converged)
    x, p, neg_lr = x_final[idx], p[idx], -lr_grid.ravel()[idx]
    coefs = float(problem.a), float(problem.b), float(problem.c)
    step = 0  # updates made by every cell still running
    recorded = []  # with orbits: (cells, path) of the blocks that hold the last ORBIT_TAIL iterates
    with np.errstate(all="ignore"):
        while idx.size and step < max_steps:
            k = min(SWEEP_BLOCK, max_steps - step)
            path, ps = _block(x, p, neg_lr, k, *coefs)
            if orbits and step + k > max_steps - ORBIT_TAIL:
                recorded.append((idx, path))
            x, p = path[-1], ps[-1]
            still = _settle(path, ps, tol, step, idx, (x_final, steps, converged, diverged))
            if not still.all():
                idx, neg_lr, x, p = idx[still], neg_lr[still], x[still], p[still]
            step += k
    x_final[idx] = x
    steps[idx] = max_steps
    codes = cell_codes(problem, x_final, converged, diverged)
    period = _orbit_outcomes(problem, recorded, idx, x_final, codes).reshape(shape) if orbits else None
    return Sweep(lrs, x0s, x_final.reshape(shape), steps.reshape(shape), codes.reshape(shape), period)


def _sweep_axes(lrs, x0s, max_steps: int, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """``sweep``'s learning rates and start points as flat float arrays, refused as a single run would be."""
    check_run(max_steps, tol)
    lrs = np.asarray(lrs, dtype=float).ravel()
    x0s = np.asarray(x0s, dtype=float).ravel()
    for lr in lrs:
        sgd(lr)  # validates every learning rate with the same message as a single run
    if not np.all(np.isfinite(x0s)):
        raise ValueError("Invalid start point: every x0 must be finite")
    return lrs, x0s


def _block(x: np.ndarray, p: np.ndarray, neg_lr: np.ndarray, k: int, a: float, b: float, c: float):
    """``k`` gradient-descent updates of every cell (x, p(x), −lr), with no stopping test between them:
    (path, ps), path (k + 1, cells) the iterate before the block then after each update, ps (k, cells) p at
    each new iterate. A cell that stops mid-block goes on to the end of the block; ``_settle`` discards those
    iterates. Quadratic.grad and sgd's step, written into buffers in their exact operation order:
    slope = (2a)·x + b ; update = ((2·p)·slope)·(−lr) ; x' = x + update ; p' = ((a·x')·x' + b·x') + c
    (bit for bit what gradient_descent does: tested)."""
    path = np.empty((k + 1, x.size))
    ps = np.empty((k, x.size))
    slope, update = np.empty(x.size), np.empty(x.size)
    path[0] = x
    for j in range(k):
        x, x_new, p_new = path[j], path[j + 1], ps[j]
        np.multiply(x, 2 * a, out=slope)
        slope += b
        np.multiply(p, 2, out=update)
        update *= slope
        update *= neg_lr
        np.add(x, update, out=x_new)
        np.multiply(x_new, a, out=p_new)
        p_new *= x_new
        np.multiply(x_new, b, out=slope)
        p_new += slope
        p_new += c
        p = p_new
    return path, ps


def _settle(path: np.ndarray, ps: np.ndarray, tol: float, step: int, idx: np.ndarray, out) -> np.ndarray:
    """After a block (``_block``'s path and ps) that began after ``step`` updates: which of the cells ``idx``
    still run. The others' final x, steps, and converged or diverged are written into ``out`` (x_final,
    steps, converged, diverged), from the first update in the block that met the stopping rule."""
    x_final, steps, converged, diverged = out
    running = (np.abs(path[1:]) <= DIVERGENCE_BOUND) & (np.abs(ps) >= tol)  # inf and nan: False
    still = running.all(axis=0)
    if not still.all():
        cols = np.flatnonzero(~still)
        first = running[:, cols].argmin(axis=0)  # index in the block of the update that stopped it
        x_at, x_before = path[first + 1, cols], path[first, cols]
        inside = np.abs(x_at) <= DIVERGENCE_BOUND
        # A non-finite escape is not an iterate (as in a Trajectory): keep the last x, one step less.
        finite = np.isfinite(x_at)
        finished = idx[cols]
        x_final[finished] = np.where(finite, x_at, x_before)
        steps[finished] = step + first + finite
        diverged[finished] = ~inside
        converged[finished] = inside
    return still


def _orbit_outcomes(problem, recorded, idx: np.ndarray, x_final: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``sweep`` with orbits: tell the cells ``idx`` that used up max_steps apart from their recorded last
    iterates (vertex, cycle, chaos or UNFINISHED), writing ``codes`` in place; return each cell's period."""
    period = np.zeros(x_final.size, dtype=np.int64)
    if not (idx.size and recorded):
        return period
    # Every recorded block's cells include the final ones (compaction keeps the order): stitch the
    # tails together, the iterate before the first recorded block included.
    parts = []
    for n, (cells, path) in enumerate(recorded):
        rows = path[:, np.searchsorted(cells, idx)]
        parts.append(rows if n == 0 else rows[1:])
    tails = np.concatenate(parts, axis=0)[-ORBIT_TAIL:].T
    found, periods = orbit_codes(tails)
    # A fixed point off the vertex (the "fixed" of a single run) has no code of its own: UNFINISHED.
    found = np.where(on_vertex(problem, x_final[idx], found), VERTEX, np.where(found == VERTEX, UNFINISHED, found))
    periods = np.where(found == VERTEX, 1, np.where(found == CYCLE_CODE, periods, 0))
    codes[idx], period[idx] = found, periods
    return period
