"""The exercise's four questions, answered with the numbers of the current settings.

Each ``Answer`` carries what it claims as data (``RunClaim``, ``StartsClaim``) so that a test can re-run each claim
(tests/test_descent_claims.py); its one-line answer is a template of ``SHORT`` filled from named fields.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from core.descent import DIVERGED_CODE, ESCAPED, REACHED, TOO_SLOW, Trajectory
from core.objective import Quadratic
from i18n import N_, _, ngettext
from labs.descent.format import Starts, fmt, fmt_count, fmt_lr, halfway_start, starts_of
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
        """The one-line answer in the current language, filled in ('' when there is none)."""
        return _(self.short, **self.short_fields) if self.short else ""

    @property
    def asked(self) -> str:
        """The question in the current language (``question`` stays the English key)."""
        return _(self.question)


# The one-line answers: templates with named fields, each filled from the same claims and numbers as its full
# answer (so a translation reorders them, and tests/test_descent_claims.py finds each number in the full text).
SHORT = {
    "converge every": N_("Here, yes: every run converges, in {steps} steps."),
    "converge not always": N_("Not always: {run}."),
    "converge no root": N_("No: with no real root, |p| never drops below tol; runs settle at the vertex "
                           "x = {vertex}."),
    "start constant": N_("No: p is a constant, so nothing moves."),
    "start every diverges": N_("Not at lr = {lr}: every start diverges, except on the roots and on the vertex."),
    "start same": N_("Not at lr = {lr}: every start ends the same way."),
    "start two roots": N_("Yes: at lr = {lr} starts {where_low} reach {low} and starts {where_high} reach "
                          "{high}."),
    "start one root": N_("Yes: at lr = {lr} starts {where} reach {root}, and other starts do not."),
    "start yes": N_("Yes: at lr = {lr} where a run starts decides how it ends."),
    "second single root": N_("There is none: p has the single root {root}."),
    "second no root": N_("There is none: p has no real root."),
    "second constant": N_("There is none: p is a constant."),
    "second other side": N_("Start on the other side of the vertex {vertex}: {run}."),
    "second either side": N_("Start near the root you want, on its side of the vertex {vertex}: {runs}."),
    "second repel": N_("Lower the learning rate: at lr = {lr} the roots repel, and no stretch of starts reaches "
                       "one."),
    "lr constant": N_("It does not matter: p is a constant."),
    "lr line below": N_("Every start converges for lr < 1/b² = {bound} and none above it; lr = {lr} is below it."),
    "lr line above": N_("Every start converges for lr < 1/b² = {bound} and none above it; lr = {lr} is not below "
                        "it."),
    "lr below": N_("Below the stability bound 1/(b² − 4ac) = {bound} the roots attract the starts near them, and "
                   "lr = {lr} is below it."),
    "lr above": N_("Above the stability bound 1/(b² − 4ac) = {bound} the roots repel the starts near them, and "
                   "lr = {lr} is not below it."),
    "lr pace": N_("It sets the pace. From {x0}: at lr = {lr} it {verb}; at lr = {small_lr} it {small_verb}."),
}
AND = N_("{most} and {last}")  # a list of numbers in a one-line answer: '71 and 86', '71, 86 and 90'


def and_list(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else _(AND, most=", ".join(items[:-1]), last=items[-1])


def short_answer(question: str, text: str, claims=(), described=(), *, key: str, **fields) -> Answer:
    """An Answer with its one-line answer: the template SHORT[key] and its fields."""
    return Answer(question, text, tuple(claims), tuple(described), SHORT[key], fields)


QUESTIONS = (N_("Does it always converge in an acceptable number of steps?"), N_("Does the start point matter?"),
             N_("How do you find the second root?"), N_("How does the learning rate matter?"))


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
    text = _("near the root each update adds only about 8·a²·lr = {k} to 1/(x − r)², and |p| < tol = {tol} needs "
             "1/(x − r)² > |a|/tol = {need}.", k=fmt(8 * a * a * run_.lr), tol=fmt(run_.tol),
             need=_big(abs(a) / run_.tol))
    fields = dict(x0=starts(run_.x0), count=fmt_count(n), most=f"{MAX_STEPS:,}", allowed=f"{run_.max_steps:,}")
    simple = abs(1 / (run_.x0 - problem.roots()[0]) ** 2) < 0.01 * abs(a) / run_.tol
    if n > MAX_STEPS:
        return text + " " + (_("From {x0} that takes about {count} updates (about 1/(8·|a|·lr·tol)), far beyond the "
                               "{most} this page runs at most", **fields) if simple else
                             _("From {x0} that takes about {count} updates, far beyond the {most} this page runs at "
                               "most", **fields))
    return text + " " + (_("From {x0} that takes about {count} updates (about 1/(8·|a|·lr·tol)), more than the "
                           "{allowed} allowed here (raise Most updates)", **fields) if simple else
                         _("From {x0} that takes about {count} updates, more than the {allowed} allowed here (raise "
                           "Most updates)", **fields))


def converge_answer(problem: Quadratic, runs: list[RunClaim], probe_: Probe, starts: Starts) -> Answer:
    """1. Does it always converge in an acceptable number of steps? The page's runs, and one just off the vertex."""
    roots, vertex, max_steps = problem.roots(), problem.vertex, runs[0].max_steps
    if not roots and vertex is not None:
        return short_answer(QUESTIONS[0], ngettext(
            "No: {p} has no real root, so |p| never drops below tol. Descent settles at the vertex x = {vertex}, "
            "where |p| = {size} is smallest, and stops only at the step limit of {n} updates.",
            "No: {p} has no real root, so |p| never drops below tol. Descent settles at the vertex x = {vertex}, "
            "where |p| = {size} is smallest, and stops only at the step limit of {n} updates.", max_steps,
            p=problem.describe(), vertex=fmt(vertex), size=fmt(abs(problem.residual(vertex)))),
            key="converge no root", vertex=fmt(vertex))
    claims: list = list(runs)
    all_converged = all(c.outcome.kind == REACHED for c in runs)
    said = "; ".join(run_phrase(problem, c, starts) for c in runs)
    text = _("Here, yes: {runs}.", runs=said) if all_converged else _("Not always: {runs}.", runs=said)
    if len(roots) == 2:
        near = probe_.near_vertex
        if near is None:
            text += " " + _("A start exactly on the vertex {vertex} never moves (the gradient is zero there).",
                            vertex=fmt(vertex))
        else:
            claims.append(near)
            if near.outcome.kind == REACHED:
                text += " " + _("A start exactly on the vertex {vertex} never moves (the gradient is zero there), "
                                "and one just off it is slow: {run}.", vertex=fmt(vertex),
                                run=run_phrase(problem, near, starts))
            else:  # the start first, so that "just off it" is not read as where the cycle lies
                text += " " + _("A start exactly on the vertex {vertex} never moves (the gradient is zero there); "
                                "from {x0}, just off it, the run {verb}.", vertex=fmt(vertex), x0=starts(near.x0),
                                verb=verb_phrase(problem, near.outcome, near.max_steps))
        text += " " + _("Whether a run converges at all depends on where it starts and on lr: see the next answers.")
    elif len(roots) == 1 and problem.a != 0:
        crawling = next((c for c in runs if c.outcome.kind == TOO_SLOW
                         and crawl_updates(problem, c.x0, c.lr, c.tol) is not None), None)
        if crawling is not None:
            text += " " + _("At a double root the loss is flat (like (x − r)⁴), so every step is smaller than the "
                            "last: {crawl}.", crawl=_crawl_words(problem, crawling, starts))
        else:
            text += " " + _("At a double root the loss is flat (like (x − r)⁴), so every step is smaller than the "
                            "last: reaching |p| < tol can take far more steps than allowed.")
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
        return short_answer(QUESTIONS[1], _("No: p is a constant, so nothing moves from wherever it starts."),
                            key="start constant")
    where, claims, mixed = basin_sentence(problem, found, starts)
    codes = {s.code for s in found.segments if s.starts > 1}
    lr = fmt_lr(probe_.lr)
    special = set(problem.roots()) | ({problem.vertex} if problem.vertex is not None else set())
    lone = [s for s in found.segments if s.starts == 1 and any(s.lo <= p <= s.hi for p in special)]
    if codes == {DIVERGED_CODE} and all(s.code == DIVERGED_CODE or s in lone for s in found.segments):
        claims = [StartsClaim(s.lo, s.hi, found.lr, found.max_steps, found.tol, "diverge")
                  for s in found.segments if claimable(problem, s)]
        return short_answer(QUESTIONS[1], _(
            "Not at lr = {lr}: every start from {lo} to {hi} diverges, except on the roots themselves (or within tol "
            "of them) and on the vertex, where the gradient is zero. Lower the learning rate to see the start point "
            "matter.", lr=lr, lo=fmt(found.segments[0].lo), hi=fmt(found.segments[-1].hi)), claims,
            key="start every diverges", lr=lr)
    text = _("Not at lr = {lr}: {where}.", lr=lr, where=where) if len(codes) <= 1 else \
        _("Yes. At lr = {lr}, {where}.", lr=lr, where=where)
    notes = start_notes(problem, found, claims)
    if notes:
        text += " " + "; ".join(notes).capitalize() + "."
    if found.mirror is not None:
        text += " " + ngettext(
            "(From {starts} starts between {lo} and {hi}, each boundary narrowed by further runs, at most {n} update "
            "each, and their mirror images through the vertex {lo}: p² is symmetric about it, so the mirror image of "
            "a run is a run too.)",
            "(From {starts} starts between {lo} and {hi}, each boundary narrowed by further runs, at most {n} updates "
            "each, and their mirror images through the vertex {lo}: p² is symmetric about it, so the mirror image of "
            "a run is a run too.)", found.max_steps, starts=f"{found.grid_starts:,}", lo=fmt(found.mirror),
            hi=fmt(found.segments[-1].hi))
    else:
        text += " " + ngettext(
            "(From {starts} starts between {lo} and {hi}, each boundary narrowed by further runs; at most {n} update "
            "each.)",
            "(From {starts} starts between {lo} and {hi}, each boundary narrowed by further runs; at most {n} updates "
            "each.)", found.max_steps, starts=f"{found.grid_starts:,}", lo=fmt(found.segments[0].lo),
            hi=fmt(found.segments[-1].hi))
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
        text = (_("There is no second root: p is a line, the single root {root}.", root=fmt(roots[0]))
                if problem.a == 0 else
                _("There is no second root: p has a double root, the single root {root}.", root=fmt(roots[0])))
        return short_answer(QUESTIONS[2], text, key="second single root", root=fmt(roots[0]))
    if not roots:
        text = (_("There is none, not even a first: {p} has no real root.", p=problem.describe())
                if problem.vertex is not None else _("There is none: p is a constant."))
        return short_answer(QUESTIONS[2], text,
                            key="second no root" if problem.vertex is not None else "second constant")
    text, claims = _where_to_start(problem, runs, probe_, starts)
    examples = [c for c in claims if isinstance(c, RunClaim)]
    text += ". "
    if roots[0] != 0:
        text += _("Or, once you have one root r, the other is c/(a·r) (their product is c/a): {c}/({a}·{r}) = "
                  "{other}.", c=fmt(problem.c), a=fmt(problem.a), r=fmt(roots[0]),
                  other=fmt(problem.c / (problem.a * roots[0])))
    else:
        text += _("Or divide p by x − r: the quotient is a line through the other root.")
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
    one = len(targets) == 1
    if all(b is None for b in basins_.values()):
        if one:
            return _("Start near {root}, on its side of the vertex {vertex}; but at lr = {lr} the roots repel, so no "
                     "stretch of starts reaches it: lower the learning rate", root=fmt(targets[0]), vertex=fmt(vertex),
                     lr=lr), claims
        return _("Start on either side of the vertex {vertex}, near the root you want; but at lr = {lr} the roots "
                 "repel, so no stretch of starts reaches them: lower the learning rate", vertex=fmt(vertex),
                 lr=lr), claims
    found = []
    for target, basin in basins_.items():
        if basin is None:
            continue
        example = _example_run(problem, target, basin, runs, probe_, starts)
        lo_text, hi_text = starts.interval(basin.lo, basin.hi)
        found.append(_("every start in ({lo}, {hi}) reaches {root} ({run})", lo=lo_text, hi=hi_text,
                       root=fmt(target), run=run_phrase(problem, example, starts)))
        claims += [basin, example]
    stretches = found[0] if len(found) == 1 else _("{either} and {other}", either=found[0], other=found[1])
    if one:
        return _("Start near {root}, on its side of the vertex {vertex}: at lr = {lr} {stretches}",
                 root=fmt(targets[0]), vertex=fmt(vertex), lr=lr, stretches=stretches), claims
    return _("Start on either side of the vertex {vertex}, near the root you want: at lr = {lr} {stretches}",
             vertex=fmt(vertex), lr=lr, stretches=stretches), claims


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
    return "; ".join(_("at lr = {lr} it {verb}", lr=fmt_lr(c.lr), verb=verb_phrase(problem, c.outcome, c.max_steps))
                     for c in claims)


def lr_answer(problem: Quadratic, runs: list[RunClaim], probe_: Probe, starts: Starts | None = None) -> Answer:
    """4. How does the learning rate matter? A run at lr and lr/10 (from the first start that moves, ``probe``),
    the runs above the stability bound, the bound for starts between the roots, and why a small lr is not stuck
    in a local minimum."""
    if problem.a == 0 and problem.b == 0:
        return short_answer(QUESTIONS[3], _("It does not matter: p is a constant, its gradient is zero everywhere, "
                                            "so no step moves x."), key="lr constant")
    starts = starts or starts_of(problem, [c.x0 for c in runs])
    first = probe_.start if probe_.start is not None else runs[0]
    roots, bound, small = problem.roots(), problem.stable_lr(), probe_.small
    claims: list = [first, small]
    fields = dict(x0=starts(probe_.x0), lr=fmt_lr(first.lr), verb=verb_phrase(problem, first.outcome, first.max_steps),
                  small_lr=fmt_lr(small.lr), small_verb=verb_phrase(problem, small.outcome, small.max_steps))
    if small.outcome.kind not in (REACHED, ESCAPED) and small.max_steps >= MAX_STEPS:
        text = _("It scales each step, x ← x − lr·loss′(x). From {x0}: at lr = {lr} it {verb}; at lr = {small_lr} it "
                 "{small_verb} (the most this page runs).", **fields)
    else:
        text = _("It scales each step, x ← x − lr·loss′(x). From {x0}: at lr = {lr} it {verb}; at lr = {small_lr} it "
                 "{small_verb}.", **fields)
    if bound is not None and problem.a == 0:
        text += " " + _("For a line p′ = b everywhere, so each update scales the distance to the root by 1 − 2·lr·b²: "
                        "every start converges for lr < 1/b² = {bound}, and none above it: {runs}.", bound=fmt(bound),
                        runs=_at_rates(problem, probe_.above))
        claims += list(probe_.above)
    elif bound is not None:
        text += " " + _("Near a root the loss curves like loss″(r) = 2·p′(r)² = 2(b² − 4ac) = {curvature}, so a step "
                        "shrinks the distance to the root only for lr < 1/(b² − 4ac) = {bound}. That bound is local. "
                        "Above it the roots repel; from {x0}: {runs}.", curvature=fmt(2 * problem.discriminant),
                        bound=fmt(bound), x0=starts(probe_.x0), runs=_at_rates(problem, probe_.above))
        claims += list(probe_.above)
        held = bounded_claim(problem, first.max_steps, probe_.tol)
        if held is not None:
            text += " " + _("Below it, far starts still overshoot and diverge (the start-point answer says from "
                            "where); starts between the roots stay bounded up to lr = 2/(b² − 4ac) ≈ {lr}.",
                            lr=fmt_lr(held.lr))
            claims.append(held)
    if len(roots) == 2:
        text += " " + _("A too-small learning rate does **not** get stuck in a local minimum: p² has no local "
                        "minimum besides the two roots. The vertex {vertex} is a local *maximum* of p², a "
                        "stationary point descent stays on only when it starts exactly there. A small lr just needs "
                        "more steps, roughly in proportion to 1/lr.", vertex=fmt(problem.vertex))
    if not roots and problem.vertex is not None:
        text += " " + _("With no root to find, the learning rate only sets how fast descent reaches the vertex, "
                        "and whether it overshoots and diverges.")
    if bound is None:
        return short_answer(QUESTIONS[3], text, claims, key="lr pace", x0=starts(probe_.x0), lr=fmt_lr(first.lr),
                            verb=verb_phrase(problem, first.outcome, first.max_steps), small_lr=fmt_lr(small.lr),
                            small_verb=verb_phrase(problem, small.outcome, small.max_steps))
    side = "below" if first.lr < bound else "above"
    key = f"lr line {side}" if problem.a == 0 else f"lr {side}"
    return short_answer(QUESTIONS[3], text, claims, key=key, bound=fmt(bound), lr=fmt_lr(first.lr))
