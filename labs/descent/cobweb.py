"""The cobweb of the first run: its view (zoomed to where the run goes), how to read it, and what to try on it
next, with the runs that back the hint."""
from __future__ import annotations

import numpy as np

from core.descent import Trajectory, outcome
from core.objective import Quadratic
from i18n import _
from labs.descent.format import fmt, fmt_lr, hint_start, round_lr, starts_of
from labs.descent.questions import Answer
from labs.descent.ranges import x_range
from labs.descent.runs import run_claim
from labs.descent.stretches import bounded_claim
from labs.descent.words import verb_phrase


def cobweb_words(problem: Quadratic, traj: Trajectory, lr: float, max_steps: int, x0s=None) -> str:
    """How to read the cobweb, and what the first run's orbit does (its start printed as the page prints its
    starts ``x0s``)."""
    o = outcome(problem, traj, max_steps)
    starts = starts_of(problem, [float(traj.xs[0])] if x0s is None else x0s)
    text = _("Each update maps xₖ to xₖ₊₁ = xₖ − lr·loss′(xₖ) (the solid curve); the red path bounces "
             "between the curve and the diagonal y = x, one corner per update. Fixed points are where the curve "
             "crosses the diagonal: the roots and the vertex. A fixed point attracts when the curve crosses "
             "there less steeply than ±1 and repels when it crosses more steeply; at a slope of exactly ±1 the "
             "slope alone does not decide.") + " "
    roots = problem.roots()
    if len(roots) == 1 and problem.a != 0:
        text += _("At the double root {root} the curve touches the diagonal with slope exactly 1 "
                  "(loss″ = 0 there), and it still attracts, slowly: each step is smaller than the last.",
                  root=fmt(roots[0])) + " "
    text += _("From {x0} at lr = {lr} the run {verb}.", x0=starts(float(traj.xs[0])), lr=fmt_lr(lr),
              verb=verb_phrase(problem, o, max_steps))
    view = cobweb_range(problem, traj)
    if view != x_range(problem, [float(traj.xs[0])]):
        text += " " + _("The view is zoomed to where the run goes, x from {lo} to {hi}.", lo=fmt(view[0], 3),
                        hi=fmt(view[1], 3))
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
        tried = [run_claim(problem, x0, round_lr(k * bound), HINT_MAX_STEPS, tol) for k in HINT_FACTORS]
        held = bounded_claim(problem, HINT_MAX_STEPS, tol)
        beyond = run_claim(problem, x0, round_lr(2.2 * bound), HINT_MAX_STEPS, tol)
        below = run_claim(problem, x0, round_lr(0.9 * bound), HINT_MAX_STEPS, tol)
        runs = "; ".join(_("at lr = {lr} it {verb}", lr=fmt_lr(c.lr), verb=verb_phrase(problem, c.outcome, c.max_steps))
                         for c in tried)
        text = _("Raise lr past 1/(b² − 4ac) = {bound} with a start between the roots and the roots stop "
                 "attracting. From {x0}: {runs}. Starts between the roots stay bounded up to lr = 2/(b² − 4ac) ≈ "
                 "{held}; at lr = {beyond_lr} it {beyond}. Below {bound} it steps into a root again: at "
                 "lr = {below_lr} it {below}.", bound=fmt(bound), x0=starts_of(problem, x0s)(x0), runs=runs,
                 held=fmt_lr(held.lr), beyond_lr=fmt_lr(beyond.lr),
                 beyond=verb_phrase(problem, beyond.outcome, beyond.max_steps), below_lr=fmt_lr(below.lr),
                 below=verb_phrase(problem, below.outcome, below.max_steps))
        return Answer("Try", text, (*tried, held, beyond, below))
    # A line: x − r ← (1 − 2·lr·b²)·(x − r), so the path zigzags above 1/(2b²) and diverges above 1/b².
    return Answer("Try", _("For a line each update scales the distance to the root by 1 − 2·lr·b²: above "
                           "lr = {zigzag} the path zigzags across the root, above {bound} it "
                           "zigzags outwards and diverges.", zigzag=fmt(bound / 2, 3), bound=fmt(bound, 3)))
