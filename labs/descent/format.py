"""How the gradient-descent page prints numbers and start points, and which starts it may quote.

Numbers in sentences are written with ``fmt`` (4 significant digits), learning rates with ``fmt_lr`` (up to 6,
the rate as run), interval ends rounded inwards (``fmt_up``/``fmt_down``, ``Starts.interval``), a final x with
``fmt_x`` (7 decimals near the roots, so 3.9999997 is not rounded into 4), and start points with one ``Starts``
for the page (``starts_of``: as many digits as it takes to tell apart every start the page may quote).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from core.objective import Quadratic


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
