"""What the gradient-descent page reports: its bounds, status rows, outcome wording and the four answers.

The page draws; this module computes every number and sentence it shows, from ``core.descent`` runs:

    x ← x − lr·loss′(x),   loss(x) = p(x)²,   p(x) = a·x² + b·x + c.

Every sentence about a run is written from its ``core.descent.Outcome`` (never from another sentence), and
every sentence about stretches of start points from ``core.descent.basins`` at the current lr. The answers
carry what they claim as data (``Answer.claims``: RunClaim, StartsClaim) so that a test can re-run each
claim (tests/test_descent_claims.py). Nothing here imports Streamlit. Numbers in sentences are written
with ``fmt`` (4 significant digits), start points with one ``Starts`` for the page (as many digits as it
takes to tell its starts apart), learning rates with ``fmt_lr`` (up to 6, the rate as run), interval
ends rounded inwards (``fmt_up``/``fmt_down``, ``Starts.interval``), a final x with ``fmt_x`` (7 decimals
near the roots, so 3.9999997 is not rounded into 4).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from core.descent import (
    CHAOS,
    CYCLE,
    DIVERGED_CODE,
    ESCAPED,
    FIXED,
    HIGH_ROOT,
    LOW_ROOT,
    ON_VERTEX,
    REACHED,
    TOO_SLOW,
    UNFINISHED,
    Basins,
    Outcome,
    Segment,
    Trajectory,
    gradient_descent,
    outcome,
    outcome_labels,
    sweep,
    symmetric_basins,
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


def residual_size(problem: Quadratic, x: float) -> float:
    """|p(x)|, inf when it overflows (for an iterate that escaped far)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return abs(float(problem.residual(x)))


def nearest_root(problem: Quadratic, x: float) -> float | None:
    roots = problem.roots()
    return min(roots, key=lambda r: abs(x - r)) if roots else None


def fmt_lr(lr: float) -> str:
    """A learning rate as run: up to 6 significant digits, so 0.1222 is never shown as 0.122."""
    return fmt(lr, 6)


def round_lr(lr: float) -> float:
    """A probe's learning rate, rounded to 3 significant digits so that the rate run is the rate printed."""
    return float(f"{lr:.3g}")


def _directed(x: float, digits: int, up: bool) -> str:
    """x printed with ``digits`` significant digits, rounded towards +inf (up) or −inf, so a printed open
    interval (fmt_up(lo), fmt_down(hi)) lies inside (lo, hi)."""
    if x == 0 or not math.isfinite(x):
        return fmt(x, digits)
    quantum = 10.0 ** (math.floor(math.log10(abs(x))) - digits + 1)
    scaled = x / quantum
    whole = math.ceil(scaled) if up else math.floor(scaled)
    text = fmt(whole * quantum, digits + 1)
    value = float(text)
    if (up and value < x) or (not up and value > x):  # the float product fell on the wrong side
        text = fmt((whole + (1 if up else -1)) * quantum, digits + 1)
    return text


def fmt_up(x: float, digits: int = 4) -> str:
    return _directed(x, digits, up=True)


def fmt_down(x: float, digits: int = 4) -> str:
    return _directed(x, digits, up=False)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def fmt_count(n: float) -> str:
    """A large estimated count, 3 significant digits with thousands separators: 1249998.75 → '1,250,000'."""
    return f"{float(f'{n:.3g}'):,.0f}"


# ── start points: one way to print them on a page ───────────────────────────────────────────────────
START_DIGITS, TABLE_DIGITS = 4, 6  # the fewest significant digits of a start in a sentence, in the table


def start_digits(values, least: int = START_DIGITS) -> int:
    """The fewest significant digits (at least ``least``) at which different values never print alike
    (17 tells any two floats apart)."""
    distinct = sorted({float(v) for v in values if math.isfinite(v)})
    for digits in range(least, 17):
        if len({fmt(v, digits) for v in distinct}) == len(distinct):
            return digits
    return 17


def start_labels(x0s) -> list[str]:
    """The charts' legend labels, 'x0 = 2.4999': the table's digits, more where two starts would print alike."""
    digits = start_digits(x0s, TABLE_DIGITS)
    return [f"x0 = {fmt(float(x), digits)}" for x in x0s]


@dataclass(frozen=True)
class Starts:
    """How one page prints start points: every start it quotes with the same ``digits``, the fewest (at least
    START_DIGITS) at which no two different starts it may quote, nor a start and a root or the vertex, print
    alike (``page_starts``; so 2.5 and 2.4999 are never both "2.5"). Built by ``starts_of``."""

    digits: int = START_DIGITS
    values: tuple[float, ...] = ()  # the starts the page may quote (``page_starts``)

    def __call__(self, x: float) -> str:
        return fmt(float(x), self.digits)

    def table(self, x: float) -> str:
        """A start in the status table: at least TABLE_DIGITS digits, as typed in most cases."""
        return fmt(float(x), max(self.digits, TABLE_DIGITS))

    def prints_inside(self, x: float, lo: float, hi: float) -> bool:
        """Whether ``x`` and x as printed lie strictly inside (lo, hi): then ``interval`` prints it inside."""
        return lo < x < hi and lo < float(self(x)) < hi

    def interval(self, lo: float, hi: float) -> tuple[str, str]:
        """The open interval (lo, hi), each end rounded inwards with the fewest digits (at least 4) at which
        every start of the page inside it (``prints_inside``) prints strictly between the printed ends: a start
        quoted as inside a stretch never reads as outside it."""
        inside = [float(self(x)) for x in self.values if self.prints_inside(x, lo, hi)]
        lo_text = next((t for t in (fmt_up(lo, d) for d in range(START_DIGITS, 18))
                        if all(float(t) < x for x in inside)), fmt_up(lo, 17))
        hi_text = next((t for t in (fmt_down(hi, d) for d in range(START_DIGITS, 18))
                        if all(x < float(t) for x in inside)), fmt_down(hi, 17))
        return lo_text, hi_text


def near_vertex_start(problem: Quadratic) -> float | None:
    """The start 'just off the vertex' the first answer runs: 1% of the root gap below it (two roots only)."""
    roots = problem.roots()
    return problem.vertex - 0.01 * (roots[1] - roots[0]) if len(roots) == 2 else None


def hint_start(problem: Quadratic) -> float | None:
    """The start of the cobweb hint's runs: 30% of the way from the lower root to the upper one."""
    roots = problem.roots()
    return roots[0] + 0.3 * (roots[1] - roots[0]) if len(roots) == 2 else None


def halfway_start(problem: Quadratic, target: float) -> float:
    """A start between a root and the vertex (printed as run: rounded to 4 digits)."""
    return float(fmt((target + problem.vertex) / 2))


def fallback_start(problem: Quadratic) -> float:
    """A start that moves, for when none of the page's does: halfway from the lower root to the vertex, one
    beyond the root of a line or a double root, one beyond the vertex when there is no root."""
    roots, vertex = problem.roots(), problem.vertex
    if len(roots) == 2:
        return halfway_start(problem, roots[0])
    if roots:
        return float(fmt(roots[0] + 1))
    return float(fmt(vertex + 1)) if vertex is not None else 1.0


def page_starts(problem: Quadratic, x0s) -> list[float]:
    """Every start point the page may quote: the learner's, their mirror images through the vertex, the runs
    the answers and the hint make, and (to be told apart from them) the roots and the vertex."""
    x0s = [float(x) for x in x0s]
    vertex = problem.vertex
    extra = [near_vertex_start(problem), hint_start(problem), fallback_start(problem)]
    if vertex is not None:
        extra += [2 * vertex - x for x in x0s] + [halfway_start(problem, r) for r in problem.roots()]
    return x0s + [x for x in extra if x is not None] + list(problem.critical_points())


def starts_of(problem: Quadratic, x0s) -> Starts:
    """The page's one way to print a start (``Starts``), for these start points."""
    values = page_starts(problem, x0s)
    return Starts(start_digits(values), tuple(values))


def moves(problem: Quadratic, x0: float, tol: float) -> bool:
    """Whether a run from x0 takes a step at all: not within tol of a root and not where the gradient is 0."""
    with np.errstate(all="ignore"):
        return abs(float(problem.residual(x0))) >= tol and float(problem.grad(x0)) != 0


# ── claims: what a sentence says, as data a test can check against runs of its own ─────────────────
@dataclass(frozen=True)
class RunClaim:
    """'From x0 at lr (at most max_steps updates, tol) the run has this Outcome.'"""

    x0: float
    lr: float
    max_steps: int
    tol: float
    outcome: Outcome


@dataclass(frozen=True)
class StartsClaim:
    """'Every start strictly between lo and hi, at lr, …': what is "reach" (the root ``root``), "diverge"
    (escape within max_steps) or "bounded" (never escape within max_steps)."""

    lo: float
    hi: float
    lr: float
    max_steps: int
    tol: float
    what: str
    root: float | None = None


@dataclass(frozen=True)
class Answer:
    """One of the four questions, its answer and the claims the answer makes. ``short`` is the one-line answer
    the page shows first (a template of ``SHORT``, filled from ``short_fields``: numbers the full ``text`` quotes
    too); ``text`` is the full why, shown on request."""

    question: str
    text: str
    claims: tuple = ()
    described: tuple = ()  # what the text describes without claiming it (``MixedStretch``)
    short: str = ""
    short_fields: dict = field(default_factory=dict)

    @property
    def headline(self) -> str:
        """The one-line answer, filled in ('' when there is none)."""
        return self.short.format(**self.short_fields)


# The one-line answers: templates with named fields, each filled from the same claims and numbers as its full
# answer (so a translation reorders them, and tests/test_descent_claims.py finds each number in the full text).
SHORT = {
    "converge every": "Here, yes: every run converges, in {steps} steps.",
    "converge not always": "Not always: {run}.",
    "converge no root": "No: with no real root, |p| never drops below tol; runs settle at the vertex x = {vertex}.",
    "start constant": "No: p is a constant, so nothing moves.",
    "start every diverges": "Not at lr = {lr}: every start diverges, except on the roots and on the vertex.",
    "start same": "Not at lr = {lr}: every start ends the same way.",
    "start two roots": "Yes: at lr = {lr} starts {where_low} reach {low} and starts {where_high} reach {high}.",
    "start one root": "Yes: at lr = {lr} starts {where} reach {root}, and other starts do not.",
    "start yes": "Yes: at lr = {lr} where a run starts decides how it ends.",
    "second single root": "There is none: p has the single root {root}.",
    "second no root": "There is none: p has no real root.",
    "second constant": "There is none: p is a constant.",
    "second other side": "Start on the other side of the vertex {vertex}: {run}.",
    "second either side": "Start near the root you want, on its side of the vertex {vertex}: {runs}.",
    "second repel": "Lower the learning rate: at lr = {lr} the roots repel, and no stretch of starts reaches one.",
    "lr constant": "It does not matter: p is a constant.",
    "lr line below": "Every start converges for lr < 1/b² = {bound} and none above it; lr = {lr} is below it.",
    "lr line above": "Every start converges for lr < 1/b² = {bound} and none above it; lr = {lr} is not below it.",
    "lr below": "Below the stability bound 1/(b² − 4ac) = {bound} the roots attract the starts near them, and "
                "lr = {lr} is below it.",
    "lr above": "Above the stability bound 1/(b² − 4ac) = {bound} the roots repel the starts near them, and "
                "lr = {lr} is not below it.",
    "lr pace": "It sets the pace. From {x0}: at lr = {lr} it {verb}; at lr = {small_lr} it {small_verb}.",
}
AND = "{most} and {last}"  # a list of numbers in a one-line answer: '71 and 86', '71, 86 and 90'


def and_list(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else AND.format(most=", ".join(items[:-1]), last=items[-1])


def short_answer(question: str, text: str, claims=(), described=(), *, key: str, **fields) -> Answer:
    """An Answer with its one-line answer: the template SHORT[key] and its fields."""
    return Answer(question, text, tuple(claims), tuple(described), SHORT[key], fields)


@dataclass(frozen=True)
class MixedStretch:
    """'From lo to hi starts reach 1 or 4 …': a stretch where the grid saw several outcomes, described from
    what its grid starts and their refinement saw, not claimed of every start. ``reaches`` holds the roots
    reached, and "diverge" and "neither" (cycles, chaos, the vertex, too slow) when seen."""

    lo: float
    hi: float
    reaches: frozenset


def run_outcome(problem: Quadratic, x0: float, lr: float, max_steps: int, tol: float) -> RunClaim:
    """Run gradient descent and keep what became of it."""
    traj = gradient_descent(problem, float(x0), lr, max_steps, tol)
    return RunClaim(float(x0), float(lr), int(max_steps), float(tol), outcome(problem, traj, max_steps))


def run_claims(problem: Quadratic, trajs: list[Trajectory], lr: float, max_steps: int, tol: float
               ) -> list[RunClaim]:
    return [RunClaim(float(t.xs[0]), float(lr), int(max_steps), float(tol), outcome(problem, t, max_steps))
            for t in trajs]


# ── an Outcome in words ─────────────────────────────────────────────────────────────────────────────
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


def _run_phrase(problem: Quadratic, claim: RunClaim, starts: Starts) -> str:
    return f"from {starts(claim.x0)} it {verb_phrase(problem, claim.outcome, claim.max_steps)}"


def _x0s(trajs: list[Trajectory]) -> list[float]:
    return [float(t.xs[0]) for t in trajs]


def status_rows(problem: Quadratic, trajs: list[Trajectory], max_steps: int) -> list[dict]:
    """One row per start point: x0 (``Starts.table``), final x (fmt_x), steps taken, the outcome in words and
    |p(x)|."""
    rows = []
    starts = starts_of(problem, _x0s(trajs))
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
    start = run_outcome(problem, x0, lr, max_steps, tol)
    small_lr = float(fmt_lr(lr / 10))
    small = run_outcome(problem, x0, small_lr, min(max(10 * max_steps, 1), MAX_STEPS), tol)
    above = []
    bound = problem.stable_lr()
    if bound is not None:
        above = [run_outcome(problem, x0, round_lr(bound * factor), max_steps, tol) for factor in (1.1, 2.0)]
    near_vertex = mirror = None
    vertex = problem.vertex
    if vertex is not None and len(problem.roots()) == 2:
        near_vertex = run_outcome(problem, near_vertex_start(problem), lr, max_steps, tol)
        first = x0s[0]
        if first != vertex and abs(2 * vertex - first) <= X0_LIMIT:
            mirror = run_outcome(problem, 2 * vertex - first, lr, max_steps, tol)
    found = symmetric_basins(problem, lr, max_steps, tol, -X0_LIMIT, X0_LIMIT)
    return Probe(float(x0), float(lr), int(max_steps), float(tol), small, tuple(above), near_vertex, mirror, found,
                 start)


# ── the basins at the current lr, in words ──────────────────────────────────────────────────────────
MIN_CLAIM_STARTS = 3  # a stretch is stated as "every start in (a, b)" only when this many grid starts saw it


def _root_of(problem: Quadratic, code: int) -> float | None:
    roots = problem.roots()
    if code == LOW_ROOT and roots:
        return roots[0]
    if code == HIGH_ROOT and len(roots) == 2:
        return roots[1]
    return None


def _claimable(problem: Quadratic, seg: Segment) -> bool:
    if seg.starts < MIN_CLAIM_STARTS or seg.code not in (LOW_ROOT, HIGH_ROOT, DIVERGED_CODE):
        return False
    if seg.code != DIVERGED_CODE and _root_of(problem, seg.code) is None:
        return False
    return float(fmt_up(seg.lo)) < float(fmt_down(seg.hi))


def _mix_words(problem: Quadratic, codes: set, max_steps: int) -> str:
    words = []
    reached = [fmt(_root_of(problem, code)) for code in (LOW_ROOT, HIGH_ROOT)
               if code in codes and _root_of(problem, code) is not None]
    if reached:
        words.append("reach " + " or ".join(reached))
    if DIVERGED_CODE in codes:
        words.append("diverge")
    if codes - {LOW_ROOT, HIGH_ROOT, DIVERGED_CODE}:
        words.append("head for the vertex" if not problem.roots() and problem.vertex is not None
                     else f"neither converge nor diverge within {max_steps} steps")
    return " or ".join(words)


def _what_seen(problem: Quadratic, codes: set) -> frozenset:
    seen = {_root_of(problem, code) for code in codes if _root_of(problem, code) is not None}
    if DIVERGED_CODE in codes:
        seen.add("diverge")
    if codes - {LOW_ROOT, HIGH_ROOT, DIVERGED_CODE}:
        seen.add("neither")
    return frozenset(seen)


def basin_sentence(problem: Quadratic, found: Basins, starts: Starts = Starts()
                   ) -> tuple[str, list[StartsClaim], list[MixedStretch]]:
    """Where the starts go at one lr, left to right: the stretches every start of which reaches a root or
    diverges (stated as claims), and the mixed stretches between them (described, not claimed: their
    grid may miss thin stretches, so the sentence does not count them)."""
    segs = found.segments
    lo_all, hi_all = segs[0].lo, segs[-1].hi
    # Stated as claims: the stretch around each root and the far stretches that diverge; what lies between
    # (starts that jump over the vertex, cycles, chaos) is described, not claimed.
    claimed = [s for s in segs if _claimable(problem, s) and (
        s is segs[0] or s is segs[-1] or (s.code != DIVERGED_CODE and s.lo <= _root_of(problem, s.code) <= s.hi))]
    claims, mixed = [], []
    parts = []
    cursor = lo_all
    vertex = problem.vertex

    def gap(g_lo, g_hi):
        inside = [s for s in segs if s.hi > g_lo and s.lo < g_hi]
        if not inside or g_hi - g_lo <= 1e-9 * (1 + abs(g_lo) + abs(g_hi)):
            return
        if len(inside) == 1 and inside[0].starts == 1 and vertex is not None and g_lo <= vertex <= g_hi \
                and inside[0].code == UNFINISHED:
            return  # only the vertex itself, where a start never moves (said in the first answer)
        codes = {s.code for s in inside}
        parts.append(f"from {fmt(g_lo)} to {fmt(g_hi)} starts {_mix_words(problem, codes, found.max_steps)}")
        mixed.append(MixedStretch(g_lo, g_hi, _what_seen(problem, codes)))

    for seg in claimed:
        gap(cursor, seg.lo)
        root = _root_of(problem, seg.code)
        what = "diverge" if seg.code == DIVERGED_CODE else "reach"
        verb = "diverges" if what == "diverge" else f"reaches {fmt(root)}"
        lo_text, hi_text = starts.interval(seg.lo, seg.hi)
        if seg.lo == lo_all and seg.hi == hi_all:
            parts.append(f"every start from {fmt(lo_all)} to {fmt(hi_all)} {verb}")
        elif seg.lo == lo_all:
            parts.append(f"every start below {hi_text} {verb}")
        elif seg.hi == hi_all:
            parts.append(f"every start beyond {lo_text} {verb}")
        else:
            parts.append(f"every start in ({lo_text}, {hi_text}) {verb}")
        claims.append(StartsClaim(seg.lo, seg.hi, found.lr, found.max_steps, found.tol, what, root))
        cursor = seg.hi
    gap(cursor, hi_all)
    return "; ".join(parts), claims, mixed


QUESTIONS = ("Does it always converge in an acceptable number of steps?", "Does the start point matter?",
             "How do you find the second root?", "How does the learning rate matter?")


def answers(problem: Quadratic, trajs: list[Trajectory], lr: float, max_steps: int, probe_: Probe) -> list[Answer]:
    """The four questions of the exercise, each answered with the numbers of the current settings."""
    runs = run_claims(problem, trajs, lr, max_steps, probe_.tol)
    starts = starts_of(problem, _x0s(trajs))
    return [converge_answer(problem, runs, probe_, starts), start_answer(problem, probe_, starts),
            second_root_answer(problem, runs, probe_, starts), lr_answer(problem, runs, probe_, starts)]


def crawl_updates(problem: Quadratic, x0: float, lr: float, tol: float) -> float | None:
    """About how many updates a run from x0 needs to reach |p| < tol at a double root r (None when p has no
    double root, x0 already meets tol, or the first step would overshoot r).

    With p = a(x − r)² and e = x − r the update is e ← e·(1 − 4a²·lr·e²), so 1/e² grows by 8a²·lr + O(lr²e²)
    per update, and |p| = |a|·e² < tol needs 1/e² > |a|/tol: n ≈ (|a|/tol − 1/e0²)/(8a²·lr)."""
    roots, a = problem.roots(), problem.a
    if a == 0 or len(roots) != 1:
        return None
    e0 = x0 - roots[0]
    if abs(a) * e0 * e0 < tol or 4 * a * a * lr * e0 * e0 >= 1:
        return None
    return (abs(a) / tol - 1 / (e0 * e0)) / (8 * a * a * lr)


def _big(x: float) -> str:
    return fmt_count(x) if x >= 1000 else fmt(x)


def _crawl_words(problem: Quadratic, run_: RunClaim, starts: Starts) -> str:
    """How long a run crawling to a double root needs, in updates (``crawl_updates``), against the cap."""
    n = crawl_updates(problem, run_.x0, run_.lr, run_.tol)
    a = problem.a
    text = (f": near the root each update adds only about 8·a²·lr = {fmt(8 * a * a * run_.lr)} to 1/(x − r)², "
            f"and |p| < tol = {fmt(run_.tol)} needs 1/(x − r)² > |a|/tol = {_big(abs(a) / run_.tol)}. From "
            f"{starts(run_.x0)} that takes about {fmt_count(n)} updates")
    if abs(1 / (run_.x0 - problem.roots()[0]) ** 2) < 0.01 * abs(a) / run_.tol:
        text += " (about 1/(8·|a|·lr·tol))"
    if n > MAX_STEPS:
        return text + f", far beyond the {MAX_STEPS:,} this page runs at most"
    return text + f", more than the {run_.max_steps:,} allowed here (raise Most updates)"


def converge_answer(problem: Quadratic, runs: list[RunClaim], probe_: Probe, starts: Starts) -> Answer:
    """1. Does it always converge in an acceptable number of steps? The page's runs, and one just off the vertex."""
    roots, vertex, max_steps = problem.roots(), problem.vertex, runs[0].max_steps
    if not roots and vertex is not None:
        return short_answer(QUESTIONS[0], (
            f"No: {problem.describe()} has no real root, so |p| never drops below tol. Descent settles at "
            f"the vertex x = {fmt(vertex)}, where |p| = {fmt(abs(problem.residual(vertex)))} is smallest, "
            f"and stops only at the step limit of {max_steps} updates."), key="converge no root", vertex=fmt(vertex))
    claims: list = list(runs)
    all_converged = all(c.outcome.kind == REACHED for c in runs)
    text = (("Here, yes: " if all_converged else "Not always: ")
            + "; ".join(_run_phrase(problem, c, starts) for c in runs) + ".")
    if len(roots) == 2:
        text += f" A start exactly on the vertex {fmt(vertex)} never moves (the gradient is zero there)"
        near = probe_.near_vertex
        if near is not None:
            claims.append(near)
            if near.outcome.kind == REACHED:
                text += f", and one just off it is slow: {_run_phrase(problem, near, starts)}"
            else:  # the start first, so that "just off it" is not read as where the cycle lies
                text += (f"; from {starts(near.x0)}, just off it, the run "
                         f"{verb_phrase(problem, near.outcome, near.max_steps)}")
        text += ". Whether a run converges at all depends on where it starts and on lr: see the next answers."
    elif len(roots) == 1 and problem.a != 0:
        text += " At a double root the loss is flat (like (x − r)⁴), so every step is smaller than the last"
        crawling = next((c for c in runs if c.outcome.kind == TOO_SLOW
                         and crawl_updates(problem, c.x0, c.lr, c.tol) is not None), None)
        if crawling is not None:
            text += _crawl_words(problem, crawling, starts) + "."
        else:
            text += ": reaching |p| < tol can take far more steps than allowed."
    if all_converged:
        return short_answer(QUESTIONS[0], text, claims, key="converge every",
                            steps=and_list([str(c.outcome.steps) for c in runs]))
    missed = next(c for c in runs if c.outcome.kind != REACHED)
    return short_answer(QUESTIONS[0], text, claims, key="converge not always",
                        run=_run_phrase(problem, missed, starts))


def start_answer(problem: Quadratic, probe_: Probe, starts: Starts) -> Answer:
    """2. Does the start point matter? Where the starts go at the current lr (``basin_sentence``)."""
    found = probe_.basins
    if problem.a == 0 and problem.b == 0:
        return short_answer(QUESTIONS[1], "No: p is a constant, so nothing moves from wherever it starts.",
                            key="start constant")
    where, claims, mixed = basin_sentence(problem, found, starts)
    codes = {s.code for s in found.segments if s.starts > 1}
    lr = fmt_lr(probe_.lr)
    special = set(problem.roots()) | ({problem.vertex} if problem.vertex is not None else set())
    lone = [s for s in found.segments if s.starts == 1 and any(s.lo <= p <= s.hi for p in special)]
    if codes == {DIVERGED_CODE} and all(s.code == DIVERGED_CODE or s in lone for s in found.segments):
        claims = [StartsClaim(s.lo, s.hi, found.lr, found.max_steps, found.tol, "diverge")
                  for s in found.segments if _claimable(problem, s)]
        return short_answer(QUESTIONS[1], (
            f"Not at lr = {lr}: every start from {fmt(found.segments[0].lo)} to {fmt(found.segments[-1].hi)} "
            "diverges, except on the roots themselves (or within tol of them) and on the vertex, where the "
            "gradient is zero. Lower the learning rate to see the start point matter."), claims,
            key="start every diverges", lr=lr)
    text = f"Not at lr = {lr}: {where}." if len(codes) <= 1 else f"Yes. At lr = {lr}, {where}."
    notes = _start_notes(problem, found, claims)
    if notes:
        text += " " + "; ".join(notes).capitalize() + "."
    if found.mirror is not None:
        text += (f" (From {found.grid_starts:,} starts between {fmt(found.mirror)} and {fmt(found.segments[-1].hi)}, "
                 f"each boundary narrowed by further runs, at most {plural(found.max_steps, 'update')} each, and "
                 f"their mirror images through the vertex {fmt(found.mirror)}: p² is symmetric about it, so the "
                 "mirror image of a run is a run too.)")
    else:
        text += (f" (From {found.grid_starts:,} starts between {fmt(found.segments[0].lo)} and "
                 f"{fmt(found.segments[-1].hi)}, each boundary narrowed by further runs; at most "
                 f"{plural(found.max_steps, 'update')} each.)")
    if len(codes) <= 1:
        return short_answer(QUESTIONS[1], text, claims, mixed, key="start same", lr=lr)
    around = {c.root: c for c in claims if c.what == "reach" and c.lo <= c.root <= c.hi}
    where = {root: _stretch_words(c.lo, c.hi, found, starts) for root, c in around.items()}
    if len(where) == 2:
        low, high = sorted(where)
        return short_answer(QUESTIONS[1], text, claims, mixed, key="start two roots", lr=lr, low=fmt(low),
                            high=fmt(high), where_low=where[low], where_high=where[high])
    if len(where) == 1:
        (root, words), = where.items()
        return short_answer(QUESTIONS[1], text, claims, mixed, key="start one root", lr=lr, root=fmt(root),
                            where=words)
    return short_answer(QUESTIONS[1], text, claims, mixed, key="start yes", lr=lr)


def _stretch_words(lo: float, hi: float, found: Basins, starts: Starts) -> str:
    """Where a stated stretch lies, as ``basin_sentence`` prints it: 'in (a, b)', 'below b', 'beyond a'."""
    lo_all, hi_all = found.segments[0].lo, found.segments[-1].hi
    lo_text, hi_text = starts.interval(lo, hi)
    if lo == lo_all and hi == hi_all:
        return f"from {fmt(lo_all)} to {fmt(hi_all)}"
    if lo == lo_all:
        return f"below {hi_text}"
    if hi == hi_all:
        return f"beyond {lo_text}"
    return f"in ({lo_text}, {hi_text})"


def divergence_distance(problem: Quadratic, found: Basins, claims: list[StartsClaim]) -> float | None:
    """The distance from the vertex beyond which every start diverges at found.lr, printed as run (rounded up
    to 4 digits): from the far stretches stated to diverge on both sides (None unless both are stated)."""
    vertex, segs = problem.vertex, found.segments
    left = next((c for c in claims if c.what == "diverge" and c.lo == segs[0].lo), None)
    right = next((c for c in claims if c.what == "diverge" and c.hi == segs[-1].hi), None)
    if vertex is None or left is None or right is None:
        return None
    return float(fmt_up(max(vertex - left.hi, right.lo - vertex)))


def _start_notes(problem: Quadratic, found: Basins, claims: list[StartsClaim]) -> list[str]:
    """What the stretches add up to: each root attracts its side, far starts jump or overshoot. Appends to
    ``claims`` the far stretches beyond the distance it quotes."""
    notes = []
    roots = problem.roots()
    root_claims = [c for c in claims if c.what == "reach"]
    if len(roots) == 2 and {c.root for c in root_claims} == set(roots):
        notes.append(f"next to the vertex {fmt(problem.vertex)} each start goes to the root on its side")
    if any(s.code in (LOW_ROOT, HIGH_ROOT) for s in found.segments) and len(roots) == 2 and any(
            (s.code == LOW_ROOT and s.lo > problem.vertex) or (s.code == HIGH_ROOT and s.hi < problem.vertex)
            for s in found.segments):
        notes.append("further out a single step can jump over the vertex to the other root")
    distance = divergence_distance(problem, found, claims)
    if distance is not None and problem.stable_lr() is not None:
        vertex, segs = problem.vertex, found.segments
        notes.append(f"far out the loss is so steep that the first step overshoots: at every learning rate there is "
                     f"a distance from the vertex beyond which starts diverge (it grows as lr shrinks, roughly like "
                     f"1/√lr), and at lr = {fmt_lr(found.lr)} it is {fmt(distance)}: every start farther than "
                     f"{fmt(distance)} from {fmt(vertex)} diverges")
        claims += [StartsClaim(segs[0].lo, vertex - distance, found.lr, found.max_steps, found.tol, "diverge"),
                   StartsClaim(vertex + distance, segs[-1].hi, found.lr, found.max_steps, found.tol, "diverge")]
    return notes


def second_root_answer(problem: Quadratic, runs: list[RunClaim], probe_: Probe, starts: Starts) -> Answer:
    """3. How do you find the second root? Where to start for it (with an example run), or c/(a·r)."""
    roots = problem.roots()
    if len(roots) == 1:
        kind = "p is a line" if problem.a == 0 else "p has a double root"
        return short_answer(QUESTIONS[2], f"There is no second root: {kind}, the single root {fmt(roots[0])}.",
                            key="second single root", root=fmt(roots[0]))
    if not roots:
        text = (f"There is none, not even a first: {problem.describe()} has no real root."
                if problem.vertex is not None else "There is none: p is a constant.")
        return short_answer(QUESTIONS[2], text,
                            key="second no root" if problem.vertex is not None else "second constant")
    text, claims = _where_to_start(problem, runs, probe_, starts)
    examples = [c for c in claims if isinstance(c, RunClaim)]
    if roots[0] != 0:
        text += (f". Or, once you have one root r, the other is c/(a·r) (their product is c/a): "
                 f"{fmt(problem.c)}/({fmt(problem.a)}·{fmt(roots[0])}) = {fmt(problem.c / (problem.a * roots[0]))}")
    else:
        text += ". Or divide p by x − r: the quotient is a line through the other root"
    text += "."
    if not examples:
        return short_answer(QUESTIONS[2], text, claims, key="second repel", lr=fmt_lr(probe_.lr))
    first = runs[0].outcome
    if first.kind == REACHED and first.root in roots and len(examples) == 1:
        return short_answer(QUESTIONS[2], text, claims, key="second other side", vertex=fmt(problem.vertex),
                            run=_run_phrase(problem, examples[0], starts))
    return short_answer(QUESTIONS[2], text, claims, key="second either side", vertex=fmt(problem.vertex),
                        runs="; ".join(_run_phrase(problem, c, starts) for c in examples))


def _where_to_start(problem: Quadratic, runs: list[RunClaim], probe_: Probe, starts: Starts) -> tuple[str, list]:
    """The stretch of starts around each root the first run missed, with a run from inside it."""
    roots, vertex = problem.roots(), problem.vertex
    first = runs[0].outcome
    found_first = first.root if first.kind == REACHED else None
    targets = [r for r in roots if r != found_first] if found_first in roots else list(roots)
    lr = fmt_lr(probe_.lr)
    claims: list = []
    stated = basin_sentence(problem, probe_.basins, starts)[1]
    basins_ = {t: next((c for c in stated if c.what == "reach" and c.root == t and c.lo <= t <= c.hi), None)
               for t in targets}
    if len(targets) == 1:
        text = f"Start near {fmt(targets[0])}, on its side of the vertex {fmt(vertex)}"
    else:
        text = f"Start on either side of the vertex {fmt(vertex)}, near the root you want"
    if all(b is None for b in basins_.values()):
        them = "it" if len(targets) == 1 else "them"
        return text + f"; but at lr = {lr} the roots repel, so no stretch of starts reaches {them}: " \
                      "lower the learning rate", claims
    found = []
    for target, basin in basins_.items():
        if basin is None:
            continue
        example = _example_run(problem, target, basin, runs, probe_, starts)
        lo_text, hi_text = starts.interval(basin.lo, basin.hi)
        found.append(f"every start in ({lo_text}, {hi_text}) reaches {fmt(target)} "
                     f"({_run_phrase(problem, example, starts)})")
        claims += [basin, example]
    return text + f": at lr = {lr} " + " and ".join(found), claims


def _example_run(problem: Quadratic, target: float, basin: StartsClaim, runs: list[RunClaim],
                 probe_: Probe, starts: Starts) -> RunClaim:
    """A run from inside the stated stretch, printed inside it: one of the page, the mirrored start, or from the
    point halfway between the root and the vertex (or the middle of the stretch)."""
    candidates = [*runs, *([probe_.mirror] if probe_.mirror else [])]
    example = next((c for c in candidates if starts.prints_inside(c.x0, basin.lo, basin.hi)
                    and c.outcome.kind == REACHED and c.outcome.root == target), None)
    if example is not None:
        return example
    x = halfway_start(problem, target)
    x = x if starts.prints_inside(x, basin.lo, basin.hi) else float(fmt((basin.lo + basin.hi) / 2))
    return run_outcome(problem, x, probe_.lr, probe_.max_steps, probe_.tol)


def bounded_claim(problem: Quadratic, max_steps: int, tol: float) -> StartsClaim | None:
    """'Starts between the roots stay bounded up to lr = 2/(b² − 4ac)': the claim at that lr, printed with 4
    digits and rounded down so the lr run is the lr printed."""
    bound = problem.stable_lr()
    if bound is None or len(problem.roots()) != 2:
        return None
    lo, hi = problem.roots()
    return StartsClaim(lo, hi, float(fmt_down(2 * bound)), max_steps, tol, "bounded")


def _at_rates(problem: Quadratic, claims) -> str:
    return "; ".join(f"at lr = {fmt_lr(c.lr)} it {verb_phrase(problem, c.outcome, c.max_steps)}" for c in claims)


def lr_answer(problem: Quadratic, runs: list[RunClaim], probe_: Probe, starts: Starts | None = None) -> Answer:
    """4. How does the learning rate matter? A run at lr and lr/10 (from the first start that moves, ``probe``),
    the runs above the stability bound, the bound for starts between the roots, and why a small lr is not stuck
    in a local minimum."""
    if problem.a == 0 and problem.b == 0:
        return short_answer(QUESTIONS[3], "It does not matter: p is a constant, its gradient is zero everywhere, "
                                    "so no step moves x.", key="lr constant")
    starts = starts or starts_of(problem, [c.x0 for c in runs])
    first = probe_.start if probe_.start is not None else runs[0]
    roots, bound, small = problem.roots(), problem.stable_lr(), probe_.small
    claims: list = [first, small]
    text = (f"It scales each step, x ← x − lr·loss′(x). From {starts(probe_.x0)}: at lr = {fmt_lr(first.lr)} it "
            f"{verb_phrase(problem, first.outcome, first.max_steps)}; at lr = {fmt_lr(small.lr)} it "
            f"{verb_phrase(problem, small.outcome, small.max_steps)}")
    if small.outcome.kind not in (REACHED, ESCAPED) and small.max_steps >= MAX_STEPS:
        text += " (the most this page runs)"
    text += "."
    if bound is not None and problem.a == 0:
        text += (f" For a line p′ = b everywhere, so each update scales the distance to the root by 1 − 2·lr·b²: "
                 f"every start converges for lr < 1/b² = {fmt(bound)}, and none above it: "
                 f"{_at_rates(problem, probe_.above)}.")
        claims += list(probe_.above)
    elif bound is not None:
        text += (f" Near a root the loss curves like loss″(r) = 2·p′(r)² = 2(b² − 4ac) = "
                 f"{fmt(2 * problem.discriminant)}, so a step shrinks the distance to the root only for "
                 f"lr < 1/(b² − 4ac) = {fmt(bound)}. That bound is local. Above it the roots repel; from "
                 f"{starts(probe_.x0)}: {_at_rates(problem, probe_.above)}.")
        claims += list(probe_.above)
        held = bounded_claim(problem, first.max_steps, probe_.tol)
        if held is not None:
            text += (f" Below it, far starts still overshoot and diverge (the start-point answer says from where); "
                     f"starts between the roots stay bounded up to lr = 2/(b² − 4ac) ≈ {fmt_lr(held.lr)}.")
            claims.append(held)
    if len(roots) == 2:
        text += (f" A too-small learning rate does **not** get stuck in a local minimum: p² has no local "
                 f"minimum besides the two roots. The vertex {fmt(problem.vertex)} is a local *maximum* of p², a "
                 "stationary point descent stays on only when it starts exactly there. A small lr just needs "
                 "more steps, roughly in proportion to 1/lr.")
    if not roots and problem.vertex is not None:
        text += (" With no root to find, the learning rate only sets how fast descent reaches the vertex, "
                 "and whether it overshoots and diverges.")
    if bound is None:
        return short_answer(QUESTIONS[3], text, claims, key="lr pace", x0=starts(probe_.x0), lr=fmt_lr(first.lr),
                            verb=verb_phrase(problem, first.outcome, first.max_steps), small_lr=fmt_lr(small.lr),
                            small_verb=verb_phrase(problem, small.outcome, small.max_steps))
    side = "below" if first.lr < bound else "above"
    key = f"lr line {side}" if problem.a == 0 else f"lr {side}"
    return short_answer(QUESTIONS[3], text, claims, key=key, bound=fmt(bound), lr=fmt_lr(first.lr))


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


def picked_cell(cell: dict, x0s) -> tuple[str, float]:
    """Settings from a clicked basin-map cell: the x0 text with its first start replaced, and the lr
    (rounded to 3 significant digits and kept inside the allowed range)."""
    x0 = float(np.clip(float(cell["x0"]), -X0_LIMIT, X0_LIMIT))
    lr = float(np.clip(float(f"{float(cell['lr']):.3g}"), LR_MIN, LR_MAX))
    starts = [fmt(round(x0, 2), 6)] + [fmt(float(x), 6) for x in list(x0s)[1:]]
    return ",".join(starts), lr


def cobweb_words(problem: Quadratic, traj: Trajectory, lr: float, max_steps: int, x0s=None) -> str:
    """How to read the cobweb, and what the first run's orbit does (its start printed as the page prints its
    starts ``x0s``)."""
    o = outcome(problem, traj, max_steps)
    starts = starts_of(problem, [float(traj.xs[0])] if x0s is None else x0s)
    text = ("Each update maps xₖ to xₖ₊₁ = xₖ − lr·loss′(xₖ) (the solid curve); the red path bounces "
            "between the curve and the diagonal y = x, one corner per update. Fixed points are where the curve "
            "crosses the diagonal: the roots and the vertex. A fixed point attracts when the curve crosses "
            "there less steeply than ±1 and repels when it crosses more steeply; at a slope of exactly ±1 the "
            "slope alone does not decide. ")
    roots = problem.roots()
    if len(roots) == 1 and problem.a != 0:
        text += (f"At the double root {fmt(roots[0])} the curve touches the diagonal with slope exactly 1 "
                 "(loss″ = 0 there), and it still attracts, slowly: each step is smaller than the last. ")
    text += f"From {starts(float(traj.xs[0]))} at lr = {fmt_lr(lr)} the run {verb_phrase(problem, o, max_steps)}."
    view = cobweb_range(problem, traj)
    if view != x_range(problem, [float(traj.xs[0])]):
        text += f" The view is zoomed to where the run goes, x from {fmt(view[0], 3)} to {fmt(view[1], 3)}."
    return text


COBWEB_MIN_SPAN = 0.05  # the zoomed cobweb view spans at least this share of the full view


def cobweb_range(problem: Quadratic, traj: Trajectory) -> tuple[float, float]:
    """The cobweb's view: the part of ``x_range`` where the run goes, with a margin. At a small lr the map
    x − lr·loss′(x) hugs the diagonal over the whole x_range, and the path is invisible; zoomed to the run's
    iterates (and the fixed point it reaches), the gap between curve and diagonal shows. A run that leaves
    x_range keeps it whole."""
    lo, hi = x_range(problem, [float(traj.xs[0])])
    xs = np.asarray(traj.xs, dtype=float)
    if np.any((xs < lo) | (xs > hi)):  # it leaves the range (it diverges): the whole range, its edges marked
        return lo, hi
    run_lo, run_hi = float(xs.min()), float(xs.max())
    span = max(run_hi - run_lo, COBWEB_MIN_SPAN * (hi - lo))
    mid = (run_lo + run_hi) / 2
    view_lo, view_hi = max(lo, mid - 0.6 * span), min(hi, mid + 0.6 * span)
    return (lo, hi) if view_hi - view_lo >= 0.8 * (hi - lo) else (view_lo, view_hi)


HINT_MAX_STEPS = 1000  # the hint's runs: long enough for a four-cycle to settle (tested)
HINT_FACTORS = (1.08, 1.26, 1.35)  # multiples of the bound where a two-cycle, a four-cycle and chaos show


def cobweb_hint(problem: Quadratic, lr: float = 0.0, tol: float = 1e-6, x0s=()) -> Answer:
    """What to try on the cobweb next, with the runs that back it (``Answer.claims``); its start printed as the
    page with start points ``x0s`` prints starts."""
    bound = problem.stable_lr()
    if bound is None:
        return Answer("Try", "")
    roots = problem.roots()
    if len(roots) == 2:
        # In u = (x − vertex)/(half the root gap) the update is u ← u − (lr/bound)·u(u² − 1) for every such p,
        # so the same multiples of the bound give the same picture for any quadratic with two roots.
        x0 = hint_start(problem)
        tried = [run_outcome(problem, x0, round_lr(k * bound), HINT_MAX_STEPS, tol) for k in HINT_FACTORS]
        held = bounded_claim(problem, HINT_MAX_STEPS, tol)
        beyond = run_outcome(problem, x0, round_lr(2.2 * bound), HINT_MAX_STEPS, tol)
        below = run_outcome(problem, x0, round_lr(0.9 * bound), HINT_MAX_STEPS, tol)
        text = (f"Raise lr past 1/(b² − 4ac) = {fmt(bound)} with a start between the roots and the roots stop "
                f"attracting. From {starts_of(problem, x0s)(x0)}: "
                + "; ".join(f"at lr = {fmt_lr(c.lr)} it {verb_phrase(problem, c.outcome, c.max_steps)}"
                            for c in tried)
                + f". Starts between the roots stay bounded up to lr = 2/(b² − 4ac) ≈ {fmt_lr(held.lr)}; at "
                f"lr = {fmt_lr(beyond.lr)} it {verb_phrase(problem, beyond.outcome, beyond.max_steps)}. Below "
                f"{fmt(bound)} it steps into a root again: at lr = {fmt_lr(below.lr)} it "
                f"{verb_phrase(problem, below.outcome, below.max_steps)}.")
        return Answer("Try", text, (*tried, held, beyond, below))
    # A line: x − r ← (1 − 2·lr·b²)·(x − r), so the path zigzags above 1/(2b²) and diverges above 1/b².
    return Answer("Try", f"For a line each update scales the distance to the root by 1 − 2·lr·b²: above "
                         f"lr = {fmt(bound / 2, 3)} the path zigzags across the root, above {fmt(bound, 3)} it "
                         "zigzags outwards and diverges.")


def outside_words(trajs: list[Trajectory], lo: float, hi: float) -> str:
    """A note naming the runs whose iterates leave the plotted x-range [lo, hi] ('' when none do)."""
    starts = [fmt(float(t.xs[0])) for t in trajs if np.any((t.xs < lo) | (t.xs > hi))]
    if not starts:
        return ""
    return (f"Some iterates leave the plotted range [{fmt(lo, 3)}, {fmt(hi, 3)}] (runs from {', '.join(starts)}); "
            "their markers are hidden while outside.")
