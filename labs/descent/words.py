"""The gradient-descent page's sentences about runs and the polynomial: every sentence about a run is written
from its ``core.descent.Outcome`` (never from another sentence): the status table, the polynomial, the basin map's
caption, the note on runs that leave the plot.

    x ← x − lr·loss′(x),   loss(x) = p(x)²,   p(x) = a·x² + b·x + c.
"""
from __future__ import annotations

import math

import numpy as np

from core.descent import CHAOS, CYCLE, ESCAPED, FIXED, ON_VERTEX, REACHED, Outcome, Trajectory, outcome, outcome_labels
from core.objective import Quadratic
from labs.descent.format import Starts, fmt, fmt_x, plural, starts_of
from labs.descent.runs import RunClaim, x0s_of


def residual_size(problem: Quadratic, x: float) -> float:
    """|p(x)|, inf when it overflows (for an iterate that escaped far)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return abs(float(problem.residual(x)))


def _points(o: Outcome) -> str:
    return ", ".join(fmt(v) for v in o.points)


def outcome_words(problem: Quadratic, o: Outcome, max_steps: int) -> str:
    """What happened to one run, for the status table: converged to the root r, stuck at the vertex,
    diverged at step k, in a cycle, chaotic, or not converged within N steps."""
    vertex = problem.vertex
    constant = problem.a == 0 and problem.b == 0
    if o.kind == ESCAPED:
        return f"diverged at step {o.steps}"
    if o.kind == REACHED:
        if constant:
            return "converged at once: p is 0 everywhere" if problem.c == 0 else \
                f"converged at once: the constant p = {fmt(problem.c)} is within tol of 0"
        if o.root is None:
            return f"converged: |p(x)| below tol near the vertex x = {fmt(vertex)}"
        return f"converged to the root {fmt(o.root)}"
    if o.kind == ON_VERTEX:
        if not problem.roots():
            return (f"settled at the vertex x = {fmt(vertex)}: there is no real root, "
                    f"|p| = {fmt(abs(problem.residual(vertex)))} is as small as it gets")
        where = "at" if o.x == vertex else "near"
        return f"stuck {where} the vertex x = {fmt(vertex)}, where the gradient is zero"
    if o.kind == FIXED:
        if constant:
            return "did not move: p is a constant, its gradient is zero everywhere"
        return f"stopped moving at x = {fmt_x(o.x)}: its steps are below the spacing of floats there"
    if o.kind == CYCLE:
        return f"not converged within {max_steps} steps: it ends in a {o.period}-cycle through {_points(o)}"
    if o.kind == CHAOS:
        return (f"not converged within {max_steps} steps: it wanders without repeating (chaos) within "
                f"[{fmt(o.points[0])}, {fmt(o.points[1])}]")
    if len(problem.roots()) == 1 and problem.a != 0:
        return f"not converged within {max_steps} steps (crawling towards the double root {fmt(vertex)})"
    return f"not converged within {max_steps} steps"


def verb_phrase(problem: Quadratic, o: Outcome, max_steps: int) -> str:
    """What a run does, as a clause after "it": "reaches 1 in 71 steps", "diverges at step 3", …"""
    if o.kind == REACHED:
        target = fmt(o.root) if o.root is not None else f"|p| < tol at {fmt(o.x)}"
        return f"reaches {target} in {plural(o.steps, 'step')}"
    if o.kind == ESCAPED:
        return f"diverges at step {o.steps}"
    if o.kind == ON_VERTEX:
        if not problem.roots():
            return f"settles at the vertex {fmt(problem.vertex)} (no real root)"
        return f"is stuck {'at' if o.x == problem.vertex else 'near'} the vertex {fmt(problem.vertex)}"
    if o.kind == FIXED:
        return "does not move" if problem.a == 0 and problem.b == 0 else f"stops moving at {fmt(o.x)}"
    if o.kind == CYCLE:
        return f"does not settle: it ends in a {o.period}-cycle through {_points(o)}"
    if o.kind == CHAOS:
        return f"does not settle: it wanders chaotically within [{fmt(o.points[0])}, {fmt(o.points[1])}]"
    return f"has not converged after {plural(max_steps, 'step')}"


def run_phrase(problem: Quadratic, claim: RunClaim, starts: Starts) -> str:
    return f"from {starts(claim.x0)} it {verb_phrase(problem, claim.outcome, claim.max_steps)}"


def status_rows(problem: Quadratic, trajs: list[Trajectory], max_steps: int) -> list[dict]:
    """One row per start point: x0 (``Starts.table``), final x (fmt_x), steps taken, the outcome in words and
    |p(x)|."""
    rows = []
    starts = starts_of(problem, x0s_of(trajs))
    for traj in trajs:
        o = outcome(problem, traj, max_steps)
        size = residual_size(problem, traj.x)
        rows.append({
            "x0": starts.table(float(traj.xs[0])),
            "final x": fmt_x(traj.x),
            "steps": traj.steps,
            "outcome": outcome_words(problem, o, max_steps),
            "|p(x)|": fmt(size, 3) if math.isfinite(size) else "overflow",
        })
    return rows


def polynomial_words(problem: Quadratic) -> str:
    """What p is and where its roots and vertex are, in one sentence."""
    p = problem.describe()
    roots, vertex = problem.roots(), problem.vertex
    if problem.a == 0 and problem.b == 0 and problem.c == 0:
        return "p(x) = 0 everywhere: every x is a root, and gradient descent stops before it starts."
    if problem.a == 0 and problem.b == 0:
        return (f"p(x) = {p} is a constant: it has no isolated root and its gradient is zero everywhere, "
                "so gradient descent never moves.")
    if problem.a == 0:
        return (f"p(x) = {p} is a line (a = 0): one root {fmt(roots[0])}, no vertex, and p² is a parabola "
                "with a single minimum there.")
    if not roots:
        return (f"p(x) = {p} has no real root (b² − 4ac = {fmt(problem.discriminant)} < 0): p² is smallest "
                f"at the vertex x = {fmt(vertex)}, where |p| = {fmt(abs(problem.residual(vertex)))}.")
    if len(roots) == 1:
        return (f"p(x) = {p} has a double root {fmt(roots[0])} (b² − 4ac = 0): there p² is flat like "
                "(x − r)⁴, so descent slows down as it gets close.")
    return (f"p(x) = {p} has roots {fmt(roots[0])} and {fmt(roots[1])}; between them, at the vertex "
            f"x = {fmt(vertex)}, p² has a local maximum.")


def bound_words(problem: Quadratic) -> str:
    """The label of the stability bound on the basin map, e.g. 'lr = 1/(b² − 4ac) = 0.111'."""
    bound = problem.stable_lr()
    if bound is None:
        return ""
    formula = "1/b²" if problem.a == 0 else "1/(b² − 4ac)"
    return f"lr = {formula} = {fmt(bound, 3)}"


def basin_words(problem: Quadratic, sw, used_steps: int, max_steps: int) -> str:
    """What the basin map shows, with the stability bound and the share of each outcome."""
    cells = sw.outcome.size
    share = ", ".join(f"{label} {100 * np.mean(sw.outcome == code):.0f}%"
                      for code, label in enumerate(outcome_labels(problem)) if np.any(sw.outcome == code))
    text = (f"Gradient descent from {len(sw.x0s)} start points × {len(sw.lrs)} learning rates "
            f"({cells:,} runs of at most {used_steps:,} updates")
    text += f", fewer than your {max_steps:,} to keep it quick). " if used_steps < max_steps else "). "
    bound = problem.stable_lr()
    if bound is not None:
        text += (f"Below the dashed line, {bound_words(problem)}, each root attracts the starts around it, while "
                 "starts far out still overshoot and diverge (the bound is local, set by the curvature at the "
                 "roots); above it the roots repel, and runs end in cycles, wander chaotically or diverge. ")
    elif problem.roots():
        text += "A double root has no such bound: the loss is flat there, so convergence is slow at any lr. "
    else:
        text += "With no real root, the runs that do not diverge end at the vertex. "
    return text + f"Cells: {share}."


def outside_words(trajs: list[Trajectory], lo: float, hi: float) -> str:
    """A note naming the runs whose iterates leave the plotted x-range [lo, hi] ('' when none do)."""
    starts = [fmt(float(t.xs[0])) for t in trajs if np.any((t.xs < lo) | (t.xs > hi))]
    if not starts:
        return ""
    return (f"Some iterates leave the plotted range [{fmt(lo, 3)}, {fmt(hi, 3)}] (runs from {', '.join(starts)}); "
            "their markers are hidden while outside.")
