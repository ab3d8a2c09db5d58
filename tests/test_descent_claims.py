"""Every claim the gradient-descent page makes, checked against runs this test makes itself.

The four answers, the status table and the cobweb hint are built from data (``Answer.claims``: RunClaim,
StartsClaim). For random quadratics, start points, learning rates and step limits, each claim is checked
here against ``gradient_descent`` (and, for many starts at once, ``sweep``, which takes the same steps bit
for bit), using only closed forms (roots, vertex) and the stopping rule, not the classifier under test:
- "from x0 it reaches r in k steps": the run converges after k updates, and r is the root nearest its end;
- "diverges at step k": the k-th update is the first beyond the bound (or overflows);
- "ends in a p-cycle through …": the last iterates repeat with period p (and not a shorter one), through
  those points;
- "wanders chaotically within [lo, hi]": no period up to 8 and the tail spans [lo, hi];
- "every start in (lo, hi) reaches r / diverges / stays bounded": starts sampled inside do;
and the numbers in the sentence are the claim's numbers, printed with enough digits (the lr actually run).
Starts are printed one way on a page: two different starts never print alike, and a start quoted from inside a
stretch prints inside the stretch as printed. p² is symmetric about the vertex, so what the start-point
answer says of one side it says, mirrored, of the other.
"""
import math
import re
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.descent import DIVERGENCE_BOUND, MAX_PERIOD, ORBIT_RTOL, gradient_descent
from core.objective import Quadratic
from core.sweep import sweep
from labs.descent import cobweb, questions, runs, stretches, words
from labs.descent.format import fmt, fmt_down, fmt_lr, fmt_up, starts_of

TOL = 1e-6


def escape_step(problem, traj, lr):
    """The update at which a diverged run left |x| ≤ 1e6: its last kept iterate is beyond the bound, or
    the update after it (Quadratic.grad, as gradient descent computes it) is beyond it or not finite."""
    xs = traj.xs
    assert np.all(np.abs(xs[:-1]) <= DIVERGENCE_BOUND)
    if abs(xs[-1]) > DIVERGENCE_BOUND:
        return traj.steps
    with np.errstate(all="ignore"):
        nxt = xs[-1] - lr * problem.grad(xs[-1])
    assert not (math.isfinite(nxt) and abs(nxt) <= DIVERGENCE_BOUND)
    return traj.steps + 1


def check_run_claim(problem, claim, text, page_lr, starts):
    """The run the claim describes does what it says; the sentence quotes its start (as the page prints
    starts), and its lr unless it is the page's own."""
    o = claim.outcome
    traj = gradient_descent(problem, claim.x0, claim.lr, claim.max_steps, claim.tol)
    assert words.verb_phrase(problem, o, claim.max_steps) in text, (o, text)
    assert starts(claim.x0) in text
    assert claim.lr == page_lr or f"lr = {fmt_lr(claim.lr)}" in text
    if o.kind == "converged":
        assert traj.status == "converged" and traj.steps == o.steps
        assert abs(problem.residual(traj.x)) < claim.tol
        roots = problem.roots()
        if roots:
            assert o.root == min(roots, key=lambda r: abs(traj.x - r))
    elif o.kind == "diverged":
        assert traj.status == "diverged"
        assert o.steps == escape_step(problem, traj, claim.lr)
    else:
        assert traj.status == "max_steps" and traj.steps == claim.max_steps
        tail = traj.xs[-64:]
        atol = ORBIT_RTOL * max(1.0, float(np.max(np.abs(tail))))
        if o.kind == "cycle":
            p = o.period
            assert np.all(np.abs(tail[p:] - tail[:-p]) <= atol)
            assert not np.all(np.abs(tail[1:] - tail[:-1]) <= atol)
            assert np.allclose(np.sort(tail[-p:]), o.points)
        elif o.kind == "chaos":
            assert len(tail) >= 2 * MAX_PERIOD
            assert not any(np.all(np.abs(tail[p:] - tail[:-p]) <= atol) for p in range(1, MAX_PERIOD + 1))
            assert (o.points[0], o.points[1]) == (tail.min(), tail.max())
        elif o.kind == "vertex":
            assert abs(traj.x - problem.vertex) <= 1e-3 * (1 + abs(problem.vertex))


def check_starts_claim(problem, claim, text, rng):
    """Starts sampled inside the claimed stretch (and next to its ends) do what it says: sweep runs them
    (bit for bit gradient_descent's steps, tested in test_descent), the first one also by gradient_descent."""
    assert float(fmt_up(claim.lo)) >= claim.lo and float(fmt_down(claim.hi)) <= claim.hi
    assert f"lr = {fmt_lr(claim.lr)}" in text or f"≈ {fmt_lr(claim.lr)}" in text
    width = claim.hi - claim.lo
    starts = np.r_[claim.lo + width * rng.uniform(0, 1, 6), claim.lo + 1e-6 * width, claim.hi - 1e-6 * width]
    s = sweep(problem, starts, [claim.lr], claim.max_steps, claim.tol)
    first = gradient_descent(problem, float(starts[0]), claim.lr, claim.max_steps, claim.tol)
    assert (first.x, first.steps) == (s.x[0, 0], s.steps[0, 0])
    for j, x0 in enumerate(starts):
        x, steps = float(s.x[0, j]), int(s.steps[0, j])
        with np.errstate(all="ignore"):
            small = abs(problem.residual(x)) < claim.tol
        converged = abs(x) <= DIVERGENCE_BOUND and small
        # Escaped: the kept x is beyond the bound, or the run stopped early without converging (the update
        # after x overflowed and was not kept).
        escaped = abs(x) > DIVERGENCE_BOUND or (steps < claim.max_steps and not small)
        if claim.what == "reach":
            assert converged, (claim, x0, x)
            assert min(problem.roots(), key=lambda r: abs(x - r)) == claim.root, (claim, x0, x)
        elif claim.what == "diverge":
            assert escaped, (claim, x0, x, steps)
        else:  # bounded
            assert not escaped, (claim, x0, x, steps)


coefficient = st.integers(-40, 40).map(lambda k: k / 10)
settings_ = st.tuples(
    st.one_of(st.just(0.0), coefficient), coefficient, coefficient,
    st.lists(st.one_of(st.integers(-200, 200).map(lambda k: k / 10),
                       # starts a hair apart (2.5 and 2.4999): they must not print alike
                       st.tuples(st.integers(-200, 200), st.integers(-3, 3), st.integers(3, 9)).map(
                           lambda t: t[0] / 10 + t[1] * 10.0 ** -t[2])), min_size=1, max_size=3),
    st.floats(-3.5, 0.3).map(lambda e: float(f"{10 ** e:.3g}")),
    st.integers(1, 300),
)


@settings(max_examples=500, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(settings_)
@example((1.0, -5.0, 4.0, [2.5, 2.4999], 0.01, 1000))  # issue 26: two starts a hair apart, one on the vertex
@example((1.0, 0.0, 0.0, [1.0], 0.1, 1000))  # a double root
@example((1.0, -5.0, 4.0, [0.0, 3.0, 10.0], 0.13, 1000))  # a start just off the vertex that cycles
@example((0.3, 0.1, 0.0, [0.0], 0.00316, 1))  # mirrored escape edges: |x| > 1e6 is centred on 0, not the vertex
def test_every_claim_of_the_page_holds_for_runs_made_here(case):
    a, b, c, x0s, lr, steps = case
    problem = Quadratic(a, b, c)
    rng = np.random.default_rng(zlib.crc32(repr(case).encode()))
    trajs = runs.run(problem, x0s, lr, steps, TOL)
    found = runs.probe(problem, x0s, lr, steps, TOL)
    answers = questions.answers(problem, trajs, lr, steps, found)
    hint = cobweb.cobweb_hint(problem, lr, TOL, x0s)
    rows = words.status_rows(problem, trajs, steps)
    starts = starts_of(problem, x0s)
    # The status table says of each run what its RunClaim says, and the claim holds.
    for row, claim in zip(rows, runs.run_claims(problem, trajs, lr, steps, TOL)):
        assert row["outcome"] == words.outcome_words(problem, claim.outcome, steps)
        assert row["steps"] == (claim.outcome.steps if claim.outcome.kind != "diverged" else row["steps"])
        check_run_claim(problem, claim, words.verb_phrase(problem, claim.outcome, steps) + " " +
                        starts(claim.x0), lr, starts)
    for answer in [*answers, hint]:
        for claim in answer.claims:
            if isinstance(claim, runs.RunClaim):
                check_run_claim(problem, claim, answer.text, lr, starts)
            else:
                check_starts_claim(problem, claim, answer.text, rng)
    check_starts_print_apart(problem, x0s, rows, [*answers, hint], starts)
    check_mirror_symmetry(problem, answers[1])


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(settings_)
@example((1.0, -5.0, 4.0, [0.0, 3.0], 0.01, 1000))  # the exercise: 'every run converges, in 71 and 86 steps'
@example((1.0, 0.0, 0.0, [1.0], 0.1, 1000))  # a double root: no bound
@example((0.0, 2.0, -1.0, [0.0], 0.3, 1000))  # a line above 1/b²
@example((1.0, -5.0, 4.0, [2.5, 0.0, 5.0], 0.01, 1000))  # a start on the vertex
def test_every_one_line_answer_quotes_numbers_of_its_full_answer(case):
    """Each of the four answers starts with a one-line answer (the page shows the full one under 'Why?'): its
    numbers are numbers the full answer quotes, and the convergence and learning-rate one-liners say what runs
    made here and the closed-form bound say."""
    a, b, c, x0s, lr, steps = case
    problem = Quadratic(a, b, c)
    trajs = runs.run(problem, x0s, lr, steps, TOL)
    answers = questions.answers(problem, trajs, lr, steps, runs.probe(problem, x0s, lr, steps, TOL))
    for answer in answers:
        check_headline(answer)
    check_converge_headline(problem, answers[0], x0s, lr, steps)
    check_lr_headline(problem, answers[3], lr)


NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?(?:e[+-]?\d+)?")


def check_headline(answer):
    """Each answer starts with a one-line answer, and every number in it is a number its full answer quotes."""
    assert answer.headline and "\n" not in answer.headline and len(answer.headline) < 200, answer.headline
    full = set(NUMBER.findall(answer.text))
    for number in NUMBER.findall(answer.headline):
        assert number in full, (number, answer.headline, answer.text)


def check_converge_headline(problem, answer, x0s, lr, steps):
    """'Here, yes: every run converges, in 71 and 86 steps' exactly when every run made here converges, with
    their numbers of updates, in order; otherwise it says not always (or no)."""
    trajs = [gradient_descent(problem, float(x0), lr, steps, TOL) for x0 in x0s]
    if all(t.status == "converged" for t in trajs):
        assert answer.headline.startswith("Here, yes: every run converges, in ")
        assert [int(n) for n in NUMBER.findall(answer.headline)] == [t.steps for t in trajs]
    else:
        assert answer.headline.startswith(("Not always: ", "No: "))


def check_lr_headline(problem, answer, lr):
    """The learning-rate one-liner names the stability bound 1/(b² − 4ac) (1/b² for a line), and on which side
    of it this lr lies."""
    a, b, c = problem.a, problem.b, problem.c
    disc = b * b - 4 * a * c
    if a == 0 and b == 0:
        return
    if disc <= 0:  # no bound: a double root or no real root
        assert "bound" not in answer.headline
        return
    bound = 1 / disc
    assert f"= {fmt(bound)} " in answer.headline
    assert answer.headline.endswith("is below it." if lr < bound else "is not below it."), answer.headline


def check_starts_print_apart(problem, x0s, rows, answers, starts):
    """No two different starts the page quotes print alike (in the table, in the sentences, or as a root or the
    vertex), and a start quoted from inside a stated stretch prints strictly inside the stretch as printed."""
    quoted = {float(x) for x in x0s} | {c.x0 for a in answers for c in a.claims if isinstance(c, runs.RunClaim)}
    printed = {starts(x) for x in quoted}
    assert len(printed) == len(quoted), sorted(quoted)
    assert len({r["x0"] for r in rows}) == len({float(x) for x in x0s})
    specials = {x for x in problem.critical_points() if x not in quoted}
    assert not printed & {starts(x) for x in specials}
    for answer in answers:
        claimed_runs = [c for c in answer.claims if isinstance(c, runs.RunClaim)]
        for stretch in (c for c in answer.claims if isinstance(c, stretches.StartsClaim) and c.what == "reach"):
            lo_text, hi_text = starts.interval(stretch.lo, stretch.hi)
            if f"({lo_text}, {hi_text}) reaches" not in answer.text:
                continue
            for run in claimed_runs:
                if stretch.lo < run.x0 < stretch.hi and f"({lo_text}, {hi_text}) reaches {fmt(stretch.root)} " \
                        f"(from {starts(run.x0)} " in answer.text:
                    assert float(lo_text) < float(starts(run.x0)) < float(hi_text)


def check_mirror_symmetry(problem, start_answer):
    """p(v + t) = p(v − t): what the start-point answer says of the starts left of the vertex it says, mirrored,
    of those right of it: the stated stretches and the described mixed ones pair up, the roots swapped."""
    vertex = problem.vertex
    if vertex is None:
        return
    swap = dict(zip(problem.roots(), reversed(problem.roots())))

    def mirrored(lo, hi, what):
        return (pytest.approx(2 * vertex - hi, rel=1e-12, abs=1e-12),
                pytest.approx(2 * vertex - lo, rel=1e-12, abs=1e-12), what)

    stated = [(c.lo, c.hi, (c.what, swap.get(c.root, c.root))) for c in start_answer.claims
              if isinstance(c, stretches.StartsClaim)]
    described = [(m.lo, m.hi, frozenset(swap.get(r, r) for r in m.reaches)) for m in start_answer.described]
    for items, originals in ((stated, [(c.lo, c.hi, (c.what, c.root)) for c in start_answer.claims
                                       if isinstance(c, stretches.StartsClaim)]),
                             (described, [(m.lo, m.hi, m.reaches) for m in start_answer.described])):
        for lo, hi, what in items:
            if lo < vertex < hi:
                continue  # a stretch across the vertex is its own mirror image
            assert any(mirrored(lo, hi, what) == other for other in originals), (lo, hi, what, originals)
