"""The exercise's four questions, answered with the numbers of the current settings.

Each ``Answer`` carries what it claims as data (``RunClaim``, ``StartsClaim``) so that a test can re-run each claim
(tests/test_descent_claims.py); its one-line answer is a template of ``SHORT`` filled from named fields.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from core.descent import DIVERGED_CODE, ESCAPED, REACHED, TOO_SLOW, Trajectory
from core.objective import Quadratic
from labs.descent.format import Starts, fmt, fmt_count, fmt_lr, halfway_start, plural, starts_of
from labs.descent.limits import MAX_STEPS
from labs.descent.runs import Probe, RunClaim, run_claim, run_claims, x0s_of
from labs.descent.stretches import StartsClaim, basin_sentence, bounded_claim, claimable, start_notes, stretch_words
from labs.descent.words import run_phrase, verb_phrase


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


QUESTIONS = ("Does it always converge in an acceptable number of steps?", "Does the start point matter?",
             "How do you find the second root?", "How does the learning rate matter?")


def answers(problem: Quadratic, trajs: list[Trajectory], lr: float, max_steps: int, probe_: Probe) -> list[Answer]:
    """The four questions of the exercise, each answered with the numbers of the current settings."""
    runs = run_claims(problem, trajs, lr, max_steps, probe_.tol)
    starts = starts_of(problem, x0s_of(trajs))
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
            + "; ".join(run_phrase(problem, c, starts) for c in runs) + ".")
    if len(roots) == 2:
        text += f" A start exactly on the vertex {fmt(vertex)} never moves (the gradient is zero there)"
        near = probe_.near_vertex
        if near is not None:
            claims.append(near)
            if near.outcome.kind == REACHED:
                text += f", and one just off it is slow: {run_phrase(problem, near, starts)}"
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
                        run=run_phrase(problem, missed, starts))


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
                  for s in found.segments if claimable(problem, s)]
        return short_answer(QUESTIONS[1], (
            f"Not at lr = {lr}: every start from {fmt(found.segments[0].lo)} to {fmt(found.segments[-1].hi)} "
            "diverges, except on the roots themselves (or within tol of them) and on the vertex, where the "
            "gradient is zero. Lower the learning rate to see the start point matter."), claims,
            key="start every diverges", lr=lr)
    text = f"Not at lr = {lr}: {where}." if len(codes) <= 1 else f"Yes. At lr = {lr}, {where}."
    notes = start_notes(problem, found, claims)
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
    where = {root: stretch_words(c.lo, c.hi, found, starts) for root, c in around.items()}
    if len(where) == 2:
        low, high = sorted(where)
        return short_answer(QUESTIONS[1], text, claims, mixed, key="start two roots", lr=lr, low=fmt(low),
                            high=fmt(high), where_low=where[low], where_high=where[high])
    if len(where) == 1:
        (root, words), = where.items()
        return short_answer(QUESTIONS[1], text, claims, mixed, key="start one root", lr=lr, root=fmt(root),
                            where=words)
    return short_answer(QUESTIONS[1], text, claims, mixed, key="start yes", lr=lr)


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
                            run=run_phrase(problem, examples[0], starts))
    return short_answer(QUESTIONS[2], text, claims, key="second either side", vertex=fmt(problem.vertex),
                        runs="; ".join(run_phrase(problem, c, starts) for c in examples))


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
                     f"({run_phrase(problem, example, starts)})")
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
    return run_claim(problem, x, probe_.lr, probe_.max_steps, probe_.tol)


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
