"""What the gradient-descent page reports: its bounds, status rows, outcome wording and the four answers.

The page draws; this module computes every number and sentence it shows, from ``core.descent`` runs:

    x ← x − lr·loss′(x),   loss(x) = p(x)²,   p(x) = a·x² + b·x + c.

Nothing here imports Streamlit. Numbers in sentences are written with ``fmt`` (4 significant digits);
a final x with ``fmt_x`` (7 decimals near the roots, so 3.9999997 is not rounded into 4).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.descent import (
    CONVERGED,
    DIVERGED,
    DIVERGED_CODE,
    DIVERGENCE_BOUND,
    HIGH_ROOT,
    LOW_ROOT,
    OUTCOME_LABELS,
    UNFINISHED,
    VERTEX,
    Trajectory,
    classify,
    gradient_descent,
    sweep,
)
from core.objective import Quadratic

# Input bounds: they keep one visitor from exhausting the server.
COEF_LIMIT = 100.0        # |a|, |b|, |c|
X0_LIMIT = 1e3            # every start point in [−X0_LIMIT, X0_LIMIT]
MAX_STARTS = 8
LR_MIN, LR_MAX = 1e-6, 10.0
MAX_STEPS = 10_000
TOL_MIN, TOL_MAX = 1e-12, 1.0
# The basin map: grid size and the most updates per cell (a sweep costs cells × steps).
BASIN_X0S, BASIN_LRS = 81, 50  # odd: a symmetric range puts the vertex on the grid
BASIN_MAX_STEPS = 2000
# A probe that contrasts the current learning rate with a smaller one runs at most this many updates.
PROBE_MAX_STEPS = MAX_STEPS


def fmt(x: float, digits: int = 4) -> str:
    """A number for a sentence: ``digits`` significant digits, no trailing zeros, no '-0'."""
    text = f"{x:.{digits}g}"
    return "0" if text in ("-0", "0") else text


def fmt_x(x: float) -> str:
    """A final iterate: 7 decimals for 1e-3 ≤ |x| < 1e4 (0.9999997, 3.9999997), else 7 significant digits."""
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e4:
        return f"{x:.7f}"
    return f"{x:.7g}"


def run(problem: Quadratic, x0s, lr: float, max_steps: int, tol: float) -> list[Trajectory]:
    """Gradient descent from every start point, with the same settings."""
    return [gradient_descent(problem, float(x0), lr, max_steps, tol) for x0 in x0s]


def diverged_at(x: float, steps: int) -> int:
    """The update at which a run escaped: its last finite iterate x is beyond the bound after ``steps``
    updates, or the next update overflowed (then it was not kept)."""
    return steps if abs(x) > DIVERGENCE_BOUND else steps + 1


def residual_size(problem: Quadratic, x: float) -> float:
    """|p(x)|, inf when it overflows (for an iterate that escaped far)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return abs(float(problem.residual(x)))


def nearest_root(problem: Quadratic, x: float) -> float | None:
    roots = problem.roots()
    return min(roots, key=lambda r: abs(x - r)) if roots else None


def outcome_words(problem: Quadratic, traj: Trajectory, max_steps: int) -> str:
    """What happened to one run, in words: converged to the root r, stuck at the vertex, diverged at step
    k, or not converged within N steps."""
    x = traj.x
    vertex = problem.vertex
    if traj.status == DIVERGED:
        return f"diverged at step {diverged_at(x, traj.steps)}"
    if traj.status == CONVERGED:
        root = nearest_root(problem, x)
        if problem.a == 0 and problem.b == 0:  # a constant p already within tol of 0
            return "converged at once: p is 0 everywhere" if problem.c == 0 else \
                f"converged at once: the constant p = {fmt(problem.c)} is within tol of 0"
        if root is None:  # |p| < tol near the vertex of a p that only nearly reaches zero
            return f"converged: |p(x)| below tol near the vertex x = {fmt(vertex)}"
        return f"converged to the root {fmt(root)}"
    if problem.a == 0 and problem.b == 0:
        return "did not move: p is a constant, its gradient is zero everywhere"
    if classify(problem, x, traj.status) == VERTEX:
        if not problem.roots():
            return (f"settled at the vertex x = {fmt(vertex)}: there is no real root, "
                    f"|p| = {fmt(abs(problem.residual(vertex)))} is as small as it gets")
        if len(problem.roots()) == 1:
            return f"not converged within {max_steps} steps (crawling towards the double root {fmt(vertex)})"
        where = "at" if traj.xs[0] == vertex else "near"
        return f"stuck {where} the vertex x = {fmt(vertex)}, where the gradient is zero"
    orbit = orbit_words(traj.xs)
    if orbit.startswith(("ends in a", "wanders")):
        return f"not converged within {max_steps} steps: it {orbit}"
    return f"not converged within {max_steps} steps"


def status_rows(problem: Quadratic, trajs: list[Trajectory], max_steps: int) -> list[dict]:
    """One row per start point: x0, final x (fmt_x), steps taken, the outcome in words and |p(x)|."""
    rows = []
    for traj in trajs:
        size = residual_size(problem, traj.x)
        rows.append({
            "x0": fmt(float(traj.xs[0]), 6),
            "final x": fmt_x(traj.x),
            "steps": traj.steps,
            "outcome": outcome_words(problem, traj, max_steps),
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
    return sweep(problem, grid_x0, grid_lr, steps, tol), steps


def orbit_words(xs: np.ndarray, tail: int = 64) -> str:
    """How the last ``tail`` iterates behave: a fixed point, a k-cycle, or a chaotic band."""
    last = np.asarray(xs[-tail:], dtype=float)
    if len(last) < 4:
        return "too few iterates to tell"
    spread = float(np.max(last) - np.min(last))
    scale = max(1.0, float(np.max(np.abs(last))))
    if spread <= 1e-6 * scale:
        return f"settles on the fixed point {fmt(float(last[-1]), 6)}"
    moves = np.diff(last)
    if np.all(moves > 0) or np.all(moves < 0):
        return f"is still creeping along, by {fmt(abs(float(moves[-1])), 2)} per update at the end"
    for period in range(2, 9):
        if len(last) > 2 * period and np.all(np.abs(last[period:] - last[:-period]) <= 1e-6 * scale):
            values = ", ".join(fmt(float(v)) for v in np.sort(last[-period:]))
            return f"ends in a {period}-cycle: {values}"
    return f"wanders without repeating (chaos) within [{fmt(float(np.min(last)))}, {fmt(float(np.max(last)))}]"


@dataclass(frozen=True)
class Probe:
    """Extra runs behind the four answers (x0 the first start point, lr the current learning rate)."""

    x0: float
    lr: float
    small_lr: float                 # lr / 10
    small: tuple[float, int, int]   # (final x, steps, outcome code) at small_lr, up to PROBE_MAX_STEPS
    small_max_steps: int
    above: list[tuple[float, str]]  # (lr, words) at 1.1× and 2× the stability bound
    near_vertex: tuple[float, int, int, int] | None  # (start, steps, outcome code, max_steps) just off the vertex
    mirror: tuple[float, Trajectory] | None          # start mirrored through the vertex and its run
    sides: tuple[np.ndarray, np.ndarray]             # start grid and outcome codes at lr


def cell_words(problem: Quadratic, x: float, steps: int, outcome: int, max_steps: int) -> str:
    if outcome == DIVERGED_CODE:
        return f"diverges at step {diverged_at(x, steps)}"
    if outcome in (LOW_ROOT, HIGH_ROOT):  # only converged cells get a root's code
        return f"reaches {fmt(nearest_root(problem, x))} in {steps} steps"
    if outcome == VERTEX:
        return f"ends at the vertex after {steps} steps"
    return f"has not converged after {steps} steps"


def probe(problem: Quadratic, x0: float, lr: float, max_steps: int, tol: float) -> Probe:
    """The runs the answers quote. Costs at most a few single runs and one row of a sweep."""
    small_lr = lr / 10
    small_max = min(max(10 * max_steps, 1), PROBE_MAX_STEPS)
    s = sweep(problem, [x0], [small_lr], small_max, tol)
    small = (float(s.x[0, 0]), int(s.steps[0, 0]), int(s.outcome[0, 0]))
    above = []
    bound = problem.stable_lr()
    if bound is not None:
        for factor in (1.1, 2.0):
            traj = gradient_descent(problem, x0, bound * factor, max_steps, tol)
            if traj.status == DIVERGED:
                words = f"diverges at step {diverged_at(traj.x, traj.steps)}"
            elif traj.status == CONVERGED:
                words = f"lands on {fmt(nearest_root(problem, traj.x))} after {traj.steps} steps"
            else:
                words = f"does not settle: it {orbit_words(traj.xs)}"
            above.append((bound * factor, words))
    near_vertex = mirror = None
    vertex = problem.vertex
    grid_x0 = np.linspace(*x_range(problem), BASIN_X0S)
    side = sweep(problem, grid_x0, [lr], max_steps, tol)
    if vertex is not None and len(problem.roots()) == 2:
        lo, hi = problem.roots()
        start = vertex - 0.01 * (hi - lo)
        n = sweep(problem, [start], [lr], max_steps, tol)
        near_vertex = (start, int(n.steps[0, 0]), int(n.outcome[0, 0]), max_steps)
        if x0 != vertex and abs(2 * vertex - x0) <= X0_LIMIT:
            other = 2 * vertex - x0
            mirror = (other, gradient_descent(problem, other, lr, max_steps, tol))
    return Probe(x0, lr, small_lr, small, small_max, above, near_vertex, mirror, (grid_x0, side.outcome[0]))


def verb_phrase(problem: Quadratic, traj: Trajectory, max_steps: int) -> str:
    """What a run does, as a clause after "it": "reaches 1 in 71 steps", "diverges at step 3", …"""
    if traj.status == CONVERGED:
        root = nearest_root(problem, traj.x)
        target = fmt(root) if root is not None else f"|p| < tol at {fmt(traj.x)}"
        return f"reaches {target} in {traj.steps} steps"
    if traj.status == DIVERGED:
        return f"diverges at step {diverged_at(traj.x, traj.steps)}"
    words = outcome_words(problem, traj, max_steps)
    for past, present in (("not converged", "has not converged"), ("stuck", "is stuck"),
                          ("settled", "settles"), ("did not move", "does not move")):
        if words.startswith(past):
            return present + words[len(past):]
    return words


def _run_phrase(problem: Quadratic, traj: Trajectory, max_steps: int) -> str:
    return f"from {fmt(float(traj.xs[0]))} it {verb_phrase(problem, traj, max_steps)}"


def _sides_sentence(problem: Quadratic, probe_: Probe) -> str:
    grid_x0, outcome = probe_.sides
    lr = fmt(probe_.lr)
    roots, vertex = problem.roots(), problem.vertex
    n = len(outcome)
    off_vertex = grid_x0 != vertex if vertex is not None else np.ones(n, dtype=bool)
    if np.all(outcome[off_vertex] == DIVERGED_CODE):
        on_vertex = " (bar a start exactly on the vertex, which never moves)" if not off_vertex.all() else ""
        return (f"Not at lr = {lr}: every one of the {n} starts from {fmt(grid_x0[0])} to {fmt(grid_x0[-1])} "
                f"diverges{on_vertex}. Lower the learning rate to see the start point matter.")
    if len(roots) == 2:
        left, right = grid_x0 < vertex, grid_x0 > vertex
        span = f"(we tried {left.sum() + right.sum()} starts from {fmt(grid_x0[0])} to {fmt(grid_x0[-1])})"
        if np.all(outcome[left] == LOW_ROOT) and np.all(outcome[right] == HIGH_ROOT):
            return (f"Yes. At lr = {lr} every start left of {fmt(vertex)} goes to {fmt(roots[0])} and every "
                    f"start right of it to {fmt(roots[1])} {span}: the vertex is the watershed.")
        counts = []
        for name, mask in ((f"left of {fmt(vertex)}", left), (f"right of {fmt(vertex)}", right)):
            o = outcome[mask]
            counts.append(f"of the {mask.sum()} starts {name}, {np.sum(o == LOW_ROOT)} reach {fmt(roots[0])}, "
                          f"{np.sum(o == HIGH_ROOT)} reach {fmt(roots[1])}, {np.sum(o == DIVERGED_CODE)} diverge "
                          f"and {np.sum((o == UNFINISHED) | (o == VERTEX))} do not finish")
        jumped = np.any(outcome[left] == HIGH_ROOT) or np.any(outcome[right] == LOW_ROOT)
        return (f"Yes, and at lr = {lr} not even cleanly by side: " + "; ".join(counts) + "."
                + (" A step this large can jump over the vertex." if jumped else ""))
    done = int(np.sum((outcome == LOW_ROOT) | (outcome == HIGH_ROOT)))
    if len(roots) == 1:
        return (f"Only in how long it takes: there is one root, {fmt(roots[0])}. At lr = {lr}, {done} of "
                f"{n} starts from {fmt(grid_x0[0])} to {fmt(grid_x0[-1])} reach it within the step limit, "
                f"{int(np.sum(outcome == DIVERGED_CODE))} diverge.")
    if vertex is not None:
        return (f"Hardly: there is no real root, and every start that does not diverge heads for the vertex "
                f"x = {fmt(vertex)} ({int(np.sum(outcome == VERTEX))} of {n} starts get there at lr = {lr}).")
    return "No: p is a constant, so nothing moves from wherever it starts."


def answers(problem: Quadratic, trajs: list[Trajectory], lr: float, max_steps: int, probe_: Probe
            ) -> list[tuple[str, str]]:
    """The four questions of the exercise, each answered with the numbers of the current settings."""
    roots, vertex, bound = problem.roots(), problem.vertex, problem.stable_lr()
    runs = "; ".join(_run_phrase(problem, t, max_steps) for t in trajs)
    all_converged = all(t.status == CONVERGED for t in trajs)

    # 1. Always converge in an acceptable number of steps?
    q1 = ("Here, yes: " if all_converged else "Not always: ") + runs + "."
    if len(roots) == 2:
        q1 += f" A start exactly on the vertex {fmt(vertex)} never moves (the gradient is zero there)"
        if probe_.near_vertex:
            start, steps, outcome, cap = probe_.near_vertex
            if outcome in (LOW_ROOT, HIGH_ROOT):
                q1 += f", and one just off it is slow: from {fmt(start)} it needs {steps} steps"
            else:
                q1 += f"; from {fmt(start)}, just off it, it {cell_words(problem, start, steps, outcome, cap)}"
        q1 += "."
        if bound is not None:
            q1 += f" Above lr ≈ {fmt(bound, 3)} it oscillates or diverges."
    elif len(roots) == 1 and problem.a != 0:
        q1 += (" At a double root the loss is flat (like (x − r)⁴), so every step is smaller than the last: "
               "reaching |p| < tol can take far more steps than allowed.")
    elif not roots and vertex is not None:
        q1 = (f"No: {problem.describe()} has no real root, so |p| never drops below tol. Descent settles at "
              f"the vertex x = {fmt(vertex)}, where |p| = {fmt(abs(problem.residual(vertex)))} is smallest, "
              f"and stops only at the step limit of {max_steps} updates.")

    # 2. Does the start point matter?
    q2 = _sides_sentence(problem, probe_)

    # 3. How do you find the second root?
    if len(roots) == 2:
        q3 = f"Start on the other side of the vertex {fmt(vertex)}: "
        first = trajs[0]
        found = {nearest_root(problem, t.x) for t in trajs if t.status == CONVERGED}
        other_side = [t for t in trajs if t.status == CONVERGED and nearest_root(problem, t.x) != roots[0]]
        if len(found) == 2 and other_side:
            t = other_side[0]
            q3 += f"from {fmt(float(t.xs[0]))} it reaches {fmt(roots[1])} in {t.steps} steps"
        elif probe_.mirror is not None:
            other, t = probe_.mirror
            q3 += f"mirrored through the vertex, {fmt(float(first.xs[0]))} becomes {fmt(other)}, and "
            q3 += _run_phrase(problem, t, max_steps)
        else:
            q3 += "any start on the far side of the vertex goes to the other root"
        q3 += (f". Or, once you have one root r, the other is c/(a·r) (their product is c/a): "
               f"{fmt(problem.c)}/({fmt(problem.a)}·{fmt(roots[0])}) = {fmt(problem.c / (problem.a * roots[0]))}"
               if roots[0] != 0 else ". Or divide p by x − r: the quotient is a line through the other root")
        q3 += "."
    elif len(roots) == 1:
        kind = "p is a line" if problem.a == 0 else "p has a double root"
        q3 = f"There is no second root: {kind}, the single root {fmt(roots[0])}."
    elif vertex is not None:
        q3 = f"There is none, not even a first: {problem.describe()} has no real root."
    else:
        q3 = "There is none: p is a constant."

    # 4. How does the learning rate matter?
    x_small, steps_small, outcome_small = probe_.small
    small = cell_words(problem, x_small, steps_small, outcome_small, probe_.small_max_steps)
    q4 = (f"It scales each step, x ← x − lr·loss′(x). From {fmt(probe_.x0)}: at lr = {fmt(lr)} it "
          f"{verb_phrase(problem, trajs[0], max_steps)}; at lr = {fmt(probe_.small_lr)} it {small}")
    if outcome_small not in (LOW_ROOT, HIGH_ROOT, DIVERGED_CODE) and steps_small >= probe_.small_max_steps:
        q4 += " (the most this page runs)"
    q4 += "."
    if bound is not None:
        formula = "1/b²" if problem.a == 0 else "1/(b² − 4ac)"
        q4 += (f" Below {formula} = {fmt(bound, 3)} it converges to a root; above it the root repels: "
               + "; ".join(f"at lr = {fmt(l_, 3)} it {w}" for l_, w in probe_.above) + ".")
    if len(roots) == 2:
        q4 += (f" A too-small learning rate does **not** get stuck in a local minimum: p² has no local "
               f"minimum besides the two roots. The vertex {fmt(vertex)} is a local *maximum* of p², a "
               "stationary point descent stays on only when it starts exactly there. A small lr just needs "
               "more steps, roughly in proportion to 1/lr.")
    if problem.a == 0 and problem.b == 0:
        q4 = "It does not matter: p is a constant, its gradient is zero everywhere, so no step moves x."
    if not roots and vertex is not None:
        q4 += (" With no root to find, the learning rate only sets how fast descent reaches the vertex, "
               "and whether it overshoots and diverges.")
    return [
        ("Does it always converge in an acceptable number of steps?", q1),
        ("Does the start point matter?", q2),
        ("How do you find the second root?", q3),
        ("How does the learning rate matter?", q4),
    ]


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
                      for code, label in enumerate(OUTCOME_LABELS) if np.any(sw.outcome == code))
    text = (f"Gradient descent from {len(sw.x0s)} start points × {len(sw.lrs)} learning rates "
            f"({cells:,} runs of at most {used_steps:,} updates")
    text += f", fewer than your {max_steps:,} to keep it quick). " if used_steps < max_steps else "). "
    bound = problem.stable_lr()
    if bound is not None:
        text += (f"Below the dashed line, {bound_words(problem)}, each root attracts the starts around it; "
                 "above it the roots repel and runs oscillate, wander or diverge. ")
    elif problem.roots():
        text += "A double root has no such bound: the loss is flat there, so convergence is slow at any lr. "
    else:
        text += "With no real root, the runs that do not diverge end at the vertex. "
    return text + f"Cells: {share}."


def picked_cell(cell: dict, x0s) -> tuple[str, float]:
    """Settings from a clicked basin-map cell: the x0 text with its first start replaced, and the lr
    (rounded to 3 significant digits and kept inside the allowed range)."""
    x0 = float(np.clip(float(cell["x0"]), -X0_LIMIT, X0_LIMIT))
    lr = float(np.clip(float(f"{float(cell['lr']):.3g}"), LR_MIN, LR_MAX))
    starts = [fmt(round(x0, 2), 6)] + [fmt(float(x), 6) for x in list(x0s)[1:]]
    return ",".join(starts), lr


def cobweb_words(problem: Quadratic, traj: Trajectory, lr: float) -> str:
    """How to read the cobweb, and what the first run's orbit does."""
    x0 = fmt(float(traj.xs[0]))
    text = ("Each update maps xₖ to xₖ₊₁ = xₖ − lr·loss′(xₖ) (the solid curve); the red path bounces "
            "between the curve and the diagonal y = x, one corner per update. Fixed points are where the curve "
            "crosses the diagonal: the roots and the vertex. A fixed point attracts when the curve crosses "
            "there less steeply than ±1. ")
    if traj.status == DIVERGED:
        return text + f"From {x0} at lr = {fmt(lr)} the run diverges at step {diverged_at(traj.x, traj.steps)}."
    if traj.status == CONVERGED:
        return text + f"From {x0} at lr = {fmt(lr)} the run {verb_phrase(problem, traj, traj.steps)}."
    return text + f"From {x0} at lr = {fmt(lr)} the run {orbit_words(traj.xs)}."


def cobweb_hint(problem: Quadratic, lr: float) -> str:
    """What to try on the cobweb next."""
    bound = problem.stable_lr()
    if bound is None:
        return ""
    if len(problem.roots()) == 2:
        # In u = (x − vertex)/(half the root gap) the update is u ← u − (lr/bound)·u(u² − 1) for every such p,
        # so these multiples of the bound give the same picture for any quadratic with two roots.
        at = [fmt(k * bound, 3) for k in (1.08, 1.26, 1.35)]
        return (f"Raise lr past {fmt(bound, 3)} with a start between the roots and the roots stop attracting: "
                f"at lr ≈ {at[0]} the path settles into a two-cycle, at {at[1]} a four-cycle, at {at[2]} it "
                f"wanders chaotically; a little more and it diverges. Below {fmt(bound, 3)} it steps into a "
                "root again.")
    # A line: x − r ← (1 − 2·lr·b²)·(x − r), so the path zigzags above 1/(2b²) and diverges above 1/b².
    return (f"For a line each update scales the distance to the root by 1 − 2·lr·b²: above lr = {fmt(bound / 2, 3)} "
            f"the path zigzags across the root, above {fmt(bound, 3)} it zigzags outwards and diverges.")


def outside_words(trajs: list[Trajectory], lo: float, hi: float) -> str:
    """A note naming the runs whose iterates leave the plotted x-range [lo, hi] ('' when none do)."""
    starts = [fmt(float(t.xs[0])) for t in trajs if np.any((t.xs < lo) | (t.xs > hi))]
    if not starts:
        return ""
    return (f"Some iterates leave the plotted range [{fmt(lo, 3)}, {fmt(hi, 3)}] (runs from {', '.join(starts)}); "
            "their markers are hidden while outside.")
