"""Descent on a problem: one trajectory (``descend``), and what became of a 1-D run (``outcome``).

Stopping rule, applied after each update:
- "converged" when |p(x)| < tol (p = problem.residual);
- "diverged"  when x is no longer finite or |x| > DIVERGENCE_BOUND;
- "max_steps" when max_steps updates were made without either.
A start point that already satisfies |p(x0)| < tol is "converged" after 0 steps.
Trajectories keep only finite iterates, so nothing downstream ever sees inf or nan.

What became of a run is an ``Outcome`` (``outcome(problem, traj, max_steps)``): converged to a root,
on the vertex, a cycle, chaos, diverged at an update, or unfinished; a run stopped by max_steps is judged
on its last ORBIT_TAIL iterates, and ``core.sweep.sweep(..., orbits=True)`` judges its cells the same way
(a whole grid of runs at once); ``core.basins`` finds, at one lr, the stretches of start points that reach each
root or diverge.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.optim import Optimizer, apply_updates, sgd
from i18n import N_

DIVERGENCE_BOUND = 1e6
# A run that ends this close to the vertex without converging is "stalled at the vertex".
VERTEX_TOL = 1e-3

CONVERGED, DIVERGED, MAX_STEPS = "converged", "diverged", "max_steps"

# Outcome codes of a sweep cell. CYCLE_CODE and CHAOS_CODE only come from ``core.sweep.sweep(..., orbits=True)``.
LOW_ROOT, HIGH_ROOT, VERTEX, DIVERGED_CODE, UNFINISHED, CYCLE_CODE, CHAOS_CODE = 0, 1, 2, 3, 4, 5, 6
# Labels are English codes (a board's CSV, a lesson's options); translate them where shown: ``_(label)``.
OUTCOME_LABELS = (N_("left root"), N_("right root"), N_("vertex"), N_("diverged"), N_("too slow"), N_("cycle"),
                  N_("chaos"))


def outcome_labels(problem) -> tuple[str, ...]:
    """OUTCOME_LABELS for ``problem``: a p with a single root (a double root, or a line) has no left or right
    one, so LOW_ROOT, the code its runs get, is called "root"."""
    if len(problem.roots()) == 1:
        return (N_("root"), *OUTCOME_LABELS[1:])
    return OUTCOME_LABELS


# What became of one run (Outcome.kind).
REACHED, ON_VERTEX, CYCLE, CHAOS, ESCAPED, TOO_SLOW, FIXED = (
    "converged", "vertex", "cycle", "chaos", "diverged", "unfinished", "fixed")
ORBIT_TAIL = 64    # the iterates an unfinished run's orbit is judged on
MAX_PERIOD = 8     # the longest cycle looked for
ORBIT_RTOL = 1e-6  # iterates this close (relative to max(1, |x|)) count as equal


def check_run(max_steps: int, tol: float) -> None:
    """Refuse a run that cannot run: max_steps an integer ≥ 0, tol finite and > 0."""
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
    check_run(max_steps, tol)
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


def orbit_codes(tails: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def near_vertex(problem, x) -> np.ndarray:
    """Whether x (a number or an array) is within VERTEX_TOL of the vertex, relative to max(1, |vertex|): the
    one rule for "stalled at the vertex". Never for a line (no vertex) nor at a double root, which is the
    vertex: short of tol there, a run is still crawling in."""
    vertex = problem.vertex
    if vertex is None or len(problem.roots()) == 1:
        return np.zeros(np.shape(x), dtype=bool)
    return np.abs(np.asarray(x) - vertex) <= VERTEX_TOL * (1 + abs(vertex))


def on_vertex(problem, x, codes) -> np.ndarray:
    """Which runs stopped by max_steps at x, their orbits judged ``codes`` (``orbit_codes``), are on the vertex:
    near it (``near_vertex``), on a fixed point or still creeping there."""
    return near_vertex(problem, x) & ((codes == VERTEX) | (codes == UNFINISHED))


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
    code, period = (int(v[0]) for v in orbit_codes(tail))
    if on_vertex(problem, x, code):
        return Outcome(ON_VERTEX, traj.steps, x, points=(float(problem.vertex),))
    if code == VERTEX:
        return Outcome(FIXED, traj.steps, x, points=(x,))
    if code == CYCLE_CODE:
        return Outcome(CYCLE, traj.steps, x, points=tuple(float(v) for v in np.sort(tail[0, -period:])))
    if code == CHAOS_CODE:
        return Outcome(CHAOS, traj.steps, x, points=(float(tail.min()), float(tail.max())))
    return Outcome(TOO_SLOW, traj.steps, x)


def outcome_code(problem, result: Outcome) -> int:
    """The sweep code of an Outcome (what ``core.sweep.sweep(..., orbits=True)`` gives the same run)."""
    if result.kind == REACHED:
        return int(cell_codes(problem, np.array([result.x]), np.array([True]), np.array([False]))[0])
    return {ESCAPED: DIVERGED_CODE, ON_VERTEX: VERTEX, CYCLE: CYCLE_CODE, CHAOS: CHAOS_CODE}.get(
        result.kind, UNFINISHED)


def classify(problem, x: float, status: str) -> int:
    """Outcome code of one run ending at x with ``status``."""
    return int(cell_codes(problem, np.array([x]), np.array([status == CONVERGED]),
                          np.array([status == DIVERGED]))[0])


def cell_codes(problem, x, converged, diverged) -> np.ndarray:
    """Outcome codes of runs ending at the iterates ``x`` (an array), converged or diverged as the masks say:
    the root nearer to x, DIVERGED_CODE, VERTEX near the vertex (``near_vertex``), else UNFINISHED."""
    roots = problem.roots()
    codes = np.full(x.shape, UNFINISHED, dtype=np.int8)
    if len(roots) == 2:
        high = np.abs(x - roots[1]) < np.abs(x - roots[0])
        codes[converged] = np.where(high[converged], HIGH_ROOT, LOW_ROOT)
    else:
        # One root, or none: |p| < tol was met near the vertex of a p that only grazes zero.
        codes[converged] = LOW_ROOT if roots else VERTEX
    codes[~converged & ~diverged & near_vertex(problem, x)] = VERTEX
    codes[diverged] = DIVERGED_CODE
    return codes
