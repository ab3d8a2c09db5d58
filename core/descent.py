"""Descent on a 1-D problem: one trajectory (``descend``) or a whole grid of them at once (``sweep``).

Stopping rule, applied after each update:
- "converged" when |p(x)| < tol (p = problem.residual);
- "diverged"  when x is no longer finite or |x| > DIVERGENCE_BOUND;
- "max_steps" when max_steps updates were made without either.
A start point that already satisfies |p(x0)| < tol is "converged" after 0 steps.
Trajectories keep only finite iterates, so nothing downstream ever sees inf or nan.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.optim import Optimizer, apply_updates, sgd

DIVERGENCE_BOUND = 1e6
SWEEP_BLOCK = 16  # sweep's updates between stopping tests: fewer numpy calls per update
# A run that ends this close to the vertex without converging is "stalled at the vertex".
VERTEX_TOL = 1e-3

CONVERGED, DIVERGED, MAX_STEPS = "converged", "diverged", "max_steps"

# Outcome codes of a sweep cell.
LOW_ROOT, HIGH_ROOT, VERTEX, DIVERGED_CODE, UNFINISHED = 0, 1, 2, 3, 4
OUTCOME_LABELS = ("left root", "right root", "vertex", "diverged", "unfinished")


def _check_run(max_steps: int, tol: float) -> None:
    if not (isinstance(max_steps, (int, np.integer)) and max_steps >= 0):
        raise ValueError(f"Invalid max_steps: {max_steps!r} (needs an integer ≥ 0)")
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"Invalid tol: {tol!r} (needs a finite number > 0)")


@dataclass(frozen=True)
class Trajectory:
    """Iterates of one run. xs[0] == x0; only finite values."""

    xs: np.ndarray
    status: str  # "converged" | "diverged" | "max_steps"

    @property
    def steps(self) -> int:
        """Updates made (len(xs) − 1)."""
        return len(self.xs) - 1

    @property
    def x(self):
        """The last iterate: a float, or an array for a vector problem."""
        return float(self.xs[-1]) if self.xs.ndim == 1 else self.xs[-1]


def _escaped(x) -> bool:
    return not (np.all(np.isfinite(x)) and np.max(np.abs(x)) <= DIVERGENCE_BOUND)


def _size(residual) -> float:
    """|r| for a scalar residual, ‖r‖ for a vector one."""
    return float(np.sqrt(np.sum(np.square(residual))))


def descend(problem, x0, optimizer: Optimizer, max_steps: int = 1000, tol: float = 1e-6) -> Trajectory:
    """Run ``optimizer`` on ``problem.grad`` from x0 under the stopping rule of this module.

    x0 is a number (xs has shape (steps + 1,)) or a vector of d coordinates (xs: (steps + 1, d)).
    The problem gives ``grad(x)`` and ``residual(x)``, with loss = residual² (summed for vectors).
    """
    _check_run(max_steps, tol)
    x = np.array(x0, dtype=float)
    if not np.all(np.isfinite(x)):
        raise ValueError(f"Invalid start point: {x0!r}")
    xs = [x]
    status = MAX_STEPS
    if _size(problem.residual(x)) < tol:
        return Trajectory(np.array(xs), CONVERGED)
    params = [x]
    state = optimizer.init(params)
    with np.errstate(all="ignore"):  # overflow is detected and reported as divergence
        for _ in range(max_steps):
            updates, state = optimizer.update([problem.grad(params[0])], state)
            params = apply_updates(params, updates)
            x = params[0]
            if _escaped(x):
                if np.all(np.isfinite(x)):
                    xs.append(x)
                status = DIVERGED
                break
            xs.append(x)
            if _size(problem.residual(x)) < tol:
                status = CONVERGED
                break
    return Trajectory(np.array(xs, dtype=float), status)


def gradient_descent(problem, x0: float, lr: float, max_steps: int = 1000, tol: float = 1e-6) -> Trajectory:
    """Plain gradient descent x ← x − lr·loss'(x): ``descend`` with ``sgd(lr)``."""
    return descend(problem, x0, sgd(lr), max_steps, tol)


@dataclass(frozen=True)
class Sweep:
    """Outcomes of gradient descent for every (lr, x0) pair; arrays have shape (len(lrs), len(x0s))."""

    lrs: np.ndarray
    x0s: np.ndarray
    x: np.ndarray        # final iterate (the last finite one for a diverged run)
    steps: np.ndarray    # updates made; for a diverged run, the update that escaped
    outcome: np.ndarray  # LOW_ROOT | HIGH_ROOT | VERTEX | DIVERGED_CODE | UNFINISHED


def classify(problem, x: float, status: str) -> int:
    """Outcome code of one run ending at x with ``status``."""
    return int(_classify(problem, np.array([x]), np.array([status == CONVERGED]),
                         np.array([status == DIVERGED]))[0])


def _classify(problem, x, converged, diverged) -> np.ndarray:
    roots = problem.roots()
    outcome = np.full(x.shape, UNFINISHED, dtype=np.int8)
    if len(roots) == 2:
        high = np.abs(x - roots[1]) < np.abs(x - roots[0])
        outcome[converged] = np.where(high[converged], HIGH_ROOT, LOW_ROOT)
    else:
        # One root, or none: |p| < tol was met near the vertex of a p that only grazes zero.
        outcome[converged] = LOW_ROOT if roots else VERTEX
    vertex = problem.vertex
    if vertex is not None:
        near_vertex = np.abs(x - vertex) <= VERTEX_TOL * (1 + abs(vertex))
        outcome[~converged & ~diverged & near_vertex] = VERTEX
    outcome[diverged] = DIVERGED_CODE
    return outcome


def sweep(problem, x0s, lrs, max_steps: int = 1000, tol: float = 1e-6) -> Sweep:
    """Gradient descent from every x0 at every lr, all at once (vectorised over the grid).

    ``problem`` is a Quadratic. Cell by cell this takes exactly the steps (bit for bit) that
    ``gradient_descent(problem, x0, lr, ...)`` takes. For speed it carries p(x) from each step's
    convergence test into the next gradient, loss'(x) = 2·p(x)·p'(x) (Quadratic.grad's own
    operation order), tests the stopping rule once per block of SWEEP_BLOCK updates (finding the
    exact update at which each cell stopped), and keeps only the cells still running.
    """
    _check_run(max_steps, tol)
    lrs = np.asarray(lrs, dtype=float).ravel()
    x0s = np.asarray(x0s, dtype=float).ravel()
    for lr in lrs:
        sgd(lr)  # validates every learning rate with the same message as a single run
    if not np.all(np.isfinite(x0s)):
        raise ValueError("Invalid start point: every x0 must be finite")
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
    a, b, c = float(problem.a), float(problem.b), float(problem.c)
    step = 0  # updates made by every cell still running
    with np.errstate(all="ignore"):
        while idx.size and step < max_steps:
            # A block of updates with no stopping test between them; then, per cell, the first update
            # in the block that met the rule. A cell that stopped mid-block goes on computing to the end
            # of the block, but those iterates are discarded.
            k = min(SWEEP_BLOCK, max_steps - step)
            path = np.empty((k + 1, idx.size))  # the iterate before the block, then after each update
            ps = np.empty((k, idx.size))        # p at each new iterate
            slope, update = np.empty(idx.size), np.empty(idx.size)
            path[0] = x
            for j in range(k):
                # Quadratic.grad and sgd's step, written into buffers in their exact operation order:
                # slope = (2a)·x + b ; update = ((2·p)·slope)·(−lr) ; x' = x + update ;
                # p' = ((a·x')·x' + b·x') + c. (Bit for bit what gradient_descent does: tested.)
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
            x = path[-1]
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
                idx, neg_lr, x, p = idx[still], neg_lr[still], x[still], p[still]
            step += k
    x_final[idx] = x
    steps[idx] = max_steps
    outcome = _classify(problem, x_final, converged, diverged)
    return Sweep(lrs, x0s, x_final.reshape(shape), steps.reshape(shape), outcome.reshape(shape))
