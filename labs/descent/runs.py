"""The gradient-descent page's runs: one per start point (``run``), a run kept with what became of it
(``RunClaim``, what a sentence about it claims), and the extra runs behind the four answers (``probe``)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.basins import Basins, symmetric_basins
from core.descent import Outcome, Trajectory, gradient_descent, outcome
from core.objective import Quadratic
from labs.descent.format import fallback_start, fmt_lr, near_vertex_start, round_lr
from labs.descent.limits import MAX_STEPS, X0_LIMIT


def run(problem: Quadratic, x0s, lr: float, max_steps: int, tol: float) -> list[Trajectory]:
    """Gradient descent from every start point, with the same settings."""
    return [gradient_descent(problem, float(x0), lr, max_steps, tol) for x0 in x0s]


def x0s_of(trajs: list[Trajectory]) -> list[float]:
    """The start point of each run."""
    return [float(t.xs[0]) for t in trajs]


def moves(problem: Quadratic, x0: float, tol: float) -> bool:
    """Whether a run from x0 takes a step at all: not within tol of a root and not where the gradient is 0."""
    with np.errstate(all="ignore"):
        return abs(float(problem.residual(x0))) >= tol and float(problem.grad(x0)) != 0


@dataclass(frozen=True)
class RunClaim:
    """'From x0 at lr (at most max_steps updates, tol) the run has this Outcome.'"""

    x0: float
    lr: float
    max_steps: int
    tol: float
    outcome: Outcome


def run_claim(problem: Quadratic, x0: float, lr: float, max_steps: int, tol: float) -> RunClaim:
    """Run gradient descent and keep what became of it."""
    traj = gradient_descent(problem, float(x0), lr, max_steps, tol)
    return RunClaim(float(x0), float(lr), int(max_steps), float(tol), outcome(problem, traj, max_steps))


def run_claims(problem: Quadratic, trajs: list[Trajectory], lr: float, max_steps: int, tol: float
               ) -> list[RunClaim]:
    """The RunClaims of runs already made (the page's own), all at lr."""
    return [RunClaim(float(t.xs[0]), float(lr), int(max_steps), float(tol), outcome(problem, t, max_steps))
            for t in trajs]


@dataclass(frozen=True)
class Probe:
    """Extra runs behind the four answers (x0 the first start point, lr the current learning rate)."""

    x0: float
    lr: float
    max_steps: int
    tol: float
    small: RunClaim                  # at lr/10, with up to 10× the steps (at most MAX_STEPS)
    above: tuple[RunClaim, ...]      # from x0 at 1.1× and 2× the stability bound (rounded to 3 digits)
    near_vertex: RunClaim | None     # from just off the vertex
    mirror: RunClaim | None          # from x0 mirrored through the vertex
    basins: Basins                   # every start in [−X0_LIMIT, X0_LIMIT] at lr, mirrored through the vertex
    start: RunClaim | None = None    # from x0 at lr (the learning-rate answer's run)


def probe(problem: Quadratic, x0s, lr: float, max_steps: int, tol: float) -> Probe:
    """The runs the answers quote: a few single runs and the basins at lr (about 2,000 runs in a sweep).

    ``x0s`` are the page's start points (or one); the learning-rate answer's runs start from the first of
    them that moves (``moves``: a start on the vertex or a root shows nothing of lr), else ``fallback_start``.
    """
    x0s = [float(x0s)] if np.ndim(x0s) == 0 else [float(x) for x in x0s]
    x0 = next((x for x in x0s if moves(problem, x, tol)), None)
    x0 = fallback_start(problem) if x0 is None else x0
    start = run_claim(problem, x0, lr, max_steps, tol)
    small_lr = float(fmt_lr(lr / 10))
    small = run_claim(problem, x0, small_lr, min(max(10 * max_steps, 1), MAX_STEPS), tol)
    above = []
    bound = problem.stable_lr()
    if bound is not None:
        above = [run_claim(problem, x0, round_lr(bound * factor), max_steps, tol) for factor in (1.1, 2.0)]
    near_vertex = mirror = None
    vertex = problem.vertex
    if vertex is not None and len(problem.roots()) == 2:
        near_vertex = run_claim(problem, near_vertex_start(problem), lr, max_steps, tol)
        first = x0s[0]
        if first != vertex and abs(2 * vertex - first) <= X0_LIMIT:
            mirror = run_claim(problem, 2 * vertex - first, lr, max_steps, tol)
    found = symmetric_basins(problem, lr, max_steps, tol, -X0_LIMIT, X0_LIMIT)
    return Probe(float(x0), float(lr), int(max_steps), float(tol), small, tuple(above), near_vertex, mirror, found,
                 start)
