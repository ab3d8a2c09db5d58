"""Descent on a 1-D problem: one trajectory (``descend``) or a whole grid of them at once (``sweep``).

Stopping rule, applied after each update:
- "converged" when |p(x)| < tol (p = problem.residual);
- "diverged"  when x is no longer finite or |x| > DIVERGENCE_BOUND;
- "max_steps" when max_steps updates were made without either.
A start point that already satisfies |p(x0)| < tol is "converged" after 0 steps.
Trajectories keep only finite iterates, so nothing downstream ever sees inf or nan.

What became of a run is an ``Outcome`` (``outcome(problem, traj, max_steps)``): converged to a root,
on the vertex, a cycle, chaos, diverged at an update, or unfinished; a run stopped by max_steps is judged
on its last ORBIT_TAIL iterates, and ``sweep(..., orbits=True)`` judges its cells the same way.
``basins`` finds, at one lr, the stretches of start points that reach each root or diverge.
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

# Outcome codes of a sweep cell. CYCLE_CODE and CHAOS_CODE only come from ``sweep(..., orbits=True)``.
LOW_ROOT, HIGH_ROOT, VERTEX, DIVERGED_CODE, UNFINISHED, CYCLE_CODE, CHAOS_CODE = 0, 1, 2, 3, 4, 5, 6
OUTCOME_LABELS = ("left root", "right root", "vertex", "diverged", "too slow", "cycle", "chaos")


def outcome_labels(problem) -> tuple[str, ...]:
    """OUTCOME_LABELS for ``problem``: a p with a single root (a double root, or a line) has no left or right
    one, so LOW_ROOT, the code its runs get, is called "root"."""
    if len(problem.roots()) == 1:
        return ("root", *OUTCOME_LABELS[1:])
    return OUTCOME_LABELS

# What became of one run (Outcome.kind).
REACHED, ON_VERTEX, CYCLE, CHAOS, ESCAPED, TOO_SLOW, FIXED = (
    "converged", "vertex", "cycle", "chaos", "diverged", "unfinished", "fixed")
ORBIT_TAIL = 64    # the iterates an unfinished run's orbit is judged on
MAX_PERIOD = 8     # the longest cycle looked for
ORBIT_RTOL = 1e-6  # iterates this close (relative to max(1, |x|)) count as equal


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
    if np.ndim(x) == 0:  # the 1-D case, on Python floats: a few times faster than the array reductions
        return not abs(float(x)) <= DIVERGENCE_BOUND  # nan compares False: escaped
    return not (np.all(np.isfinite(x)) and np.max(np.abs(x)) <= DIVERGENCE_BOUND)


def _size(residual) -> float:
    """|r| for a scalar residual, ‖r‖ for a vector one. (For a scalar, √(r²) is |r| exactly unless r² over-
    or underflows, and then both sides of |r| < tol agree.)"""
    if np.ndim(residual) == 0:
        return abs(float(residual))
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


def diverged_at(traj: Trajectory) -> int:
    """The update at which a diverged run escaped. Its last kept iterate is beyond DIVERGENCE_BOUND after
    ``steps`` updates, or the next update overflowed to inf/nan and was not kept (then steps + 1)."""
    return traj.steps if not np.all(np.abs(traj.xs[-1]) <= DIVERGENCE_BOUND) else traj.steps + 1


@dataclass(frozen=True)
class Outcome:
    """What became of one run, as data every sentence about it is written from.

    kind is one of
    - "converged": |p| < tol after ``steps`` updates; ``root`` is the root reached (None when p has no real
      root and |p| < tol was met near the vertex);
    - "vertex": stopped by max_steps on (or creeping near) the vertex, a stationary point of p²;
    - "cycle": stopped by max_steps in a cycle of the update map; ``points`` are one period, ascending;
    - "chaos": stopped by max_steps wandering without repeating; ``points`` = (lowest, highest) of the tail;
    - "diverged": escaped at update ``steps`` (``diverged_at``);
    - "unfinished": stopped by max_steps while still approaching something (too slow);
    - "fixed": stopped by max_steps on a point that is not the vertex, where the update is exactly 0
      (a constant p, or a step below the float spacing); ``points`` = (x,).
    x is the last finite iterate.
    """

    kind: str
    steps: int
    x: float
    root: float | None = None
    points: tuple[float, ...] = ()

    @property
    def period(self) -> int:
        """Length of the cycle (1 for a fixed point or the vertex, 0 otherwise)."""
        if self.kind == CYCLE:
            return len(self.points)
        return 1 if self.kind in (ON_VERTEX, FIXED) else 0


def _orbit_codes(tails: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Classify orbit tails, one per row (n, T), all finite: (codes, periods).

    Codes: VERTEX for a fixed point (the caller decides whether it is the vertex), UNFINISHED for a tail
    that is still moving one way or whose distance to some k-cycle shrinks, CYCLE_CODE (period 2 … 8),
    CHAOS_CODE for the rest.
    """
    n, length = tails.shape
    codes = np.full(n, UNFINISHED, dtype=np.int8)
    periods = np.zeros(n, dtype=np.int64)
    if length < 4 or n == 0:
        return codes, periods
    atol = ORBIT_RTOL * np.maximum(1.0, np.max(np.abs(tails), axis=1))
    undecided = np.ones(n, dtype=bool)
    spread = np.max(tails, axis=1) - np.min(tails, axis=1)
    fixed = spread <= atol
    codes[fixed], periods[fixed] = VERTEX, 1
    undecided &= ~fixed
    moves = np.diff(tails, axis=1)
    monotone = np.all(moves > 0, axis=1) | np.all(moves < 0, axis=1)
    undecided &= ~monotone  # creeping one way: UNFINISHED
    for period in range(2, MAX_PERIOD + 1):
        if length <= 2 * period:
            break
        cyc = undecided & np.all(np.abs(tails[:, period:] - tails[:, :-period]) <= atol[:, None], axis=1)
        codes[cyc], periods[cyc] = CYCLE_CODE, period
        undecided &= ~cyc
    approaching = np.zeros(n, dtype=bool)
    for period in range(1, MAX_PERIOD + 1):
        gaps = np.abs(tails[:, period:] - tails[:, :-period])
        window = max(1, gaps.shape[1] // 4)
        if gaps.shape[1] < 2 * window or gaps.shape[1] < 4:
            break
        approaching |= np.max(gaps[:, -window:], axis=1) < 0.5 * np.max(gaps[:, :window], axis=1)
    if length < 2 * MAX_PERIOD:  # too few iterates to call it chaos
        return codes, periods
    chaos = undecided & ~approaching
    codes[chaos] = CHAOS_CODE
    return codes, periods


def _near_vertex(problem, x) -> np.ndarray:
    vertex = problem.vertex
    if vertex is None or len(problem.roots()) == 1:  # a double root is the vertex: there it converges
        return np.zeros(np.shape(x), dtype=bool)
    return np.abs(np.asarray(x) - vertex) <= VERTEX_TOL * (1 + abs(vertex))


def outcome(problem, traj: Trajectory, max_steps: int) -> Outcome:
    """The Outcome of a 1-D run of ``problem`` (a Quadratic) that was given ``max_steps`` updates."""
    x = float(traj.xs[-1])
    if traj.status == DIVERGED:
        return Outcome(ESCAPED, diverged_at(traj), x)
    if traj.status == CONVERGED:
        roots = problem.roots()
        root = min(roots, key=lambda r: abs(x - r)) if roots else None
        return Outcome(REACHED, traj.steps, x, root)
    tail = np.asarray(traj.xs[-(ORBIT_TAIL):], dtype=float)[None, :]
    code, period = (int(v[0]) for v in _orbit_codes(tail))
    near = bool(_near_vertex(problem, x))
    if near and code in (VERTEX, UNFINISHED):
        return Outcome(ON_VERTEX, traj.steps, x, points=(float(problem.vertex),))
    if code == VERTEX:
        return Outcome(FIXED, traj.steps, x, points=(x,))
    if code == CYCLE_CODE:
        return Outcome(CYCLE, traj.steps, x, points=tuple(float(v) for v in np.sort(tail[0, -period:])))
    if code == CHAOS_CODE:
        return Outcome(CHAOS, traj.steps, x, points=(float(tail.min()), float(tail.max())))
    return Outcome(TOO_SLOW, traj.steps, x)


def outcome_code(problem, result: Outcome) -> int:
    """The sweep code of an Outcome (what ``sweep(..., orbits=True)`` gives the same run)."""
    if result.kind == REACHED:
        return int(_classify(problem, np.array([result.x]), np.array([True]), np.array([False]))[0])
    return {ESCAPED: DIVERGED_CODE, ON_VERTEX: VERTEX, CYCLE: CYCLE_CODE, CHAOS: CHAOS_CODE}.get(
        result.kind, UNFINISHED)


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
    outcome: np.ndarray  # LOW_ROOT | HIGH_ROOT | VERTEX | DIVERGED_CODE | UNFINISHED (| CYCLE_CODE | CHAOS_CODE)
    period: np.ndarray | None = None  # with orbits=True: a cycle's length (1 on the vertex), else 0


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
        if len(roots) == 1:  # a double root is the vertex: short of tol there, a run is still crawling in
            near_vertex[:] = False
        outcome[~converged & ~diverged & near_vertex] = VERTEX
    outcome[diverged] = DIVERGED_CODE
    return outcome


def sweep(problem, x0s, lrs, max_steps: int = 1000, tol: float = 1e-6, orbits: bool = False) -> Sweep:
    """Gradient descent from every x0 at every lr, all at once (vectorised over the grid).

    With ``orbits`` the cells that use up max_steps keep their last ORBIT_TAIL iterates, and are told
    apart as ``outcome`` tells single runs apart: vertex, cycle, chaos or still approaching (UNFINISHED);
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
    outcome = _classify(problem, x_final, converged, diverged)
    period = _orbit_outcomes(problem, recorded, idx, x_final, outcome).reshape(shape) if orbits else None
    return Sweep(lrs, x0s, x_final.reshape(shape), steps.reshape(shape), outcome.reshape(shape), period)


def _sweep_axes(lrs, x0s, max_steps: int, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """``sweep``'s learning rates and start points as flat float arrays, refused as a single run would be."""
    _check_run(max_steps, tol)
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


def _orbit_outcomes(problem, recorded, idx: np.ndarray, x_final: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """``sweep`` with orbits: tell the cells ``idx`` that used up max_steps apart from their recorded last
    iterates (vertex, cycle, chaos or UNFINISHED), writing ``outcome`` in place; return each cell's period."""
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
    codes, periods = _orbit_codes(tails)
    near = _near_vertex(problem, x_final[idx])
    codes = np.where(near & ((codes == VERTEX) | (codes == UNFINISHED)), VERTEX,
                     np.where(codes == VERTEX, UNFINISHED, codes))
    periods = np.where(codes == VERTEX, 1, np.where(codes == CYCLE_CODE, periods, 0))
    outcome[idx], period[idx] = codes, periods
    return period


@dataclass(frozen=True)
class Segment:
    """A stretch of start points with one sweep outcome class at one lr.

    ``lo`` and ``hi`` are the outermost starts known to have the class (the ends of the searched range, or
    points found by refining each boundary between grid starts); ``starts`` counts the grid starts inside.
    """

    lo: float
    hi: float
    code: int     # LOW_ROOT | HIGH_ROOT | DIVERGED_CODE | UNFINISHED (vertex, cycle, chaos, too slow)
    starts: int


@dataclass(frozen=True)
class Basins:
    """Where gradient descent goes from each start at one lr: ordered, touching Segments over [lo, hi]."""

    lr: float
    max_steps: int
    tol: float
    segments: tuple[Segment, ...]
    grid_starts: int
    mirror: float | None = None  # the vertex the segments were mirrored through (``symmetric_basins``), if any


BASIN_GRID = 2001    # starts, spaced densely near the roots and sparsely far out (asinh spacing)
BASIN_REFINE = 4     # rounds of 15-point refinement per boundary: each narrows it 16-fold


def _coarse(problem, x0s, lr, max_steps, tol) -> np.ndarray:
    """Outcome class of each start: roots and diverged as in sweep, everything else UNFINISHED."""
    codes = sweep(problem, x0s, [lr], max_steps, tol).outcome[0]
    return np.where(codes == VERTEX, UNFINISHED, codes)


def _refine(problem, left, right, keep, lr, max_steps, tol, from_left: bool) -> np.ndarray:
    """For each bracket [left, right], the farthest point (from the left end, or from the right end) up to
    which the class ``keep`` holds without a break, narrowed by BASIN_REFINE rounds of 15 inner points."""
    left, right = np.array(left, dtype=float), np.array(right, dtype=float)
    if not left.size:
        return left
    rows = np.arange(len(left))
    for _ in range(BASIN_REFINE):
        inner = left[:, None] + (right - left)[:, None] * np.arange(1, 16)[None, :] / 16
        inner_codes = _coarse(problem, inner.ravel(), lr, max_steps, tol).reshape(inner.shape)
        points = np.column_stack([left, inner, right])
        same = inner_codes == keep[:, None]
        if from_left:
            same = np.column_stack([np.ones(len(left), bool), same, np.zeros(len(left), bool)])
            k = same.argmin(axis=1)  # the first point not of the class
            left, right = points[rows, k - 1], points[rows, k]
        else:
            same = np.column_stack([np.zeros(len(left), bool), same, np.ones(len(left), bool)])
            k = 16 - same[:, ::-1].argmin(axis=1)  # the last point, from the right, not of the class
            left, right = points[rows, k], points[rows, k + 1]
    return left if from_left else right


def basins(problem, lr: float, max_steps: int, tol: float, lo: float, hi: float,
           grid: int = BASIN_GRID) -> Basins:
    """The starts in [lo, hi] from which each root is reached at ``lr`` (within max_steps), and those from
    which runs diverge: a sweep over ``grid`` starts, then every change of class between neighbours is
    narrowed by BASIN_REFINE rounds of sweeps inside it. Costs about grid + 60·(boundaries) runs.

    A stretch narrower than the grid spacing can hide between two starts of one class: the segments are
    what the grid and the refinement saw, and claims made from them are tested by sampling.
    """
    centre = problem.vertex if problem.vertex is not None else (problem.roots() or (0.0,))[0]
    centre = float(np.clip(centre, lo, hi))
    roots = problem.roots()
    scale = max(1.0, (roots[-1] - roots[0]) / 2 if len(roots) == 2 else 1.0)
    t = np.linspace(np.arcsinh((lo - centre) / scale), np.arcsinh((hi - centre) / scale), grid)
    x0s = np.clip(centre + scale * np.sinh(t), lo, hi)
    x0s[0], x0s[-1] = lo, hi
    x0s = np.unique(np.r_[x0s, [r for r in roots if lo <= r <= hi], [centre]])
    codes = _coarse(problem, x0s, lr, max_steps, tol)
    change = np.flatnonzero(codes[1:] != codes[:-1])
    # Each boundary is narrowed twice: from the left, keeping the stretch of the left class that touches the
    # left start; from the right, likewise. Between the two may lie a mixed stretch the grid did not resolve.
    ends = _refine(problem, x0s[change], x0s[change + 1], codes[change], lr, max_steps, tol, from_left=True)
    starts = _refine(problem, x0s[change], x0s[change + 1], codes[change + 1], lr, max_steps, tol,
                     from_left=False)
    segments = []
    first = 0
    lasts = list(change) + [len(x0s) - 1]
    for n, last in enumerate(lasts):
        seg_lo = x0s[0] if n == 0 else starts[n - 1]
        seg_hi = x0s[-1] if n == len(lasts) - 1 else ends[n]
        segments.append(Segment(float(seg_lo), float(seg_hi), int(codes[first]), int(last - first + 1)))
        first = last + 1
    return Basins(float(lr), int(max_steps), float(tol), tuple(segments), len(x0s))


def _mirrored(seg: Segment, centre: float, swap: bool) -> Segment:
    code = {LOW_ROOT: HIGH_ROOT, HIGH_ROOT: LOW_ROOT}.get(seg.code, seg.code) if swap else seg.code
    return Segment(2 * centre - seg.hi, 2 * centre - seg.lo, code, seg.starts)


def symmetric_basins(problem, lr: float, max_steps: int, tol: float, lo: float, hi: float,
                     grid: int = BASIN_GRID) -> Basins:
    """``basins`` over [lo, hi] (or a little more) for a p with a vertex v, found on one side and mirrored.

    p(v + t) = p(v − t), so loss′(2v − x) = −loss′(x): the update map commutes with the reflection
    x → 2v − x, and the run from 2v − x0 is the mirror image of the run from x0 (it reaches the other root
    when there are two). So the starts in [v, R], R = max(hi, 2v − lo), are searched as ``basins`` does and
    their segments mirrored onto [2v − R, v]: both sides then say the same, as they must (searched
    separately, the two sides' grids resolve different numbers of the thin stretches far out). A line has
    no vertex: plain ``basins``.
    """
    vertex = problem.vertex
    if vertex is None:
        return basins(problem, lr, max_steps, tol, lo, hi, grid)
    vertex = float(vertex)
    reach = max(hi, 2 * vertex - lo)
    right = basins(problem, lr, max_steps, tol, vertex, reach, grid)
    swap = len(problem.roots()) == 2
    left = [_mirrored(s, vertex, swap) for s in reversed(right.segments)]
    first, mirror_of_first = right.segments[0], left[-1]
    if mirror_of_first.code == first.code:  # the stretch through the vertex: one segment, its start counted once
        middle = Segment(mirror_of_first.lo, first.hi, first.code, 2 * first.starts - 1)
        segments = (*left[:-1], middle, *right.segments[1:])
    else:
        segments = (*left, *right.segments)
    return Basins(right.lr, right.max_steps, right.tol, segments, right.grid_starts, mirror=vertex)
