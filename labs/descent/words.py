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
from i18n import _, ngettext, pgettext
from labs.descent.format import Starts, fmt, fmt_x, starts_of
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
        return _("diverged at step {step}", step=o.steps)
    if o.kind == REACHED:
        if constant:
            return _("converged at once: p is 0 everywhere") if problem.c == 0 else \
                _("converged at once: the constant p = {c} is within tol of 0", c=fmt(problem.c))
        if o.root is None:
            return _("converged: |p(x)| below tol near the vertex x = {vertex}", vertex=fmt(vertex))
        return _("converged to the root {root}", root=fmt(o.root))
    if o.kind == ON_VERTEX:
        if not problem.roots():
            return _("settled at the vertex x = {vertex}: there is no real root, |p| = {p} is as small as it gets",
                     vertex=fmt(vertex), p=fmt(abs(problem.residual(vertex))))
        if o.x == vertex:
            return _("stuck at the vertex x = {vertex}, where the gradient is zero", vertex=fmt(vertex))
        return _("stuck near the vertex x = {vertex}, where the gradient is zero", vertex=fmt(vertex))
    if o.kind == FIXED:
        if constant:
            return _("did not move: p is a constant, its gradient is zero everywhere")
        return _("stopped moving at x = {x}: its steps are below the spacing of floats there", x=fmt_x(o.x))
    if o.kind == CYCLE:
        return ngettext("not converged within {n} steps: it ends in a {period}-cycle through {points}",
                        "not converged within {n} steps: it ends in a {period}-cycle through {points}",
                        max_steps, period=o.period, points=_points(o))
    if o.kind == CHAOS:
        return ngettext("not converged within {n} steps: it wanders without repeating (chaos) within [{low}, {high}]",
                        "not converged within {n} steps: it wanders without repeating (chaos) within [{low}, {high}]",
                        max_steps, low=fmt(o.points[0]), high=fmt(o.points[1]))
    if len(problem.roots()) == 1 and problem.a != 0:
        return ngettext("not converged within {n} steps (crawling towards the double root {root})",
                        "not converged within {n} steps (crawling towards the double root {root})",
                        max_steps, root=fmt(vertex))
    return ngettext("not converged within {n} steps", "not converged within {n} steps", max_steps)


def verb_phrase(problem: Quadratic, o: Outcome, max_steps: int) -> str:
    """What a run does, as a clause after "it": "reaches 1 in 71 steps", "diverges at step 3", …"""
    if o.kind == REACHED:
        if o.root is not None:
            return ngettext("reaches {root} in {n} step", "reaches {root} in {n} steps", o.steps, root=fmt(o.root))
        return ngettext("reaches |p| < tol at {x} in {n} step", "reaches |p| < tol at {x} in {n} steps", o.steps,
                        x=fmt(o.x))
    if o.kind == ESCAPED:
        return _("diverges at step {step}", step=o.steps)
    if o.kind == ON_VERTEX:
        if not problem.roots():
            return _("settles at the vertex {vertex} (no real root)", vertex=fmt(problem.vertex))
        if o.x == problem.vertex:
            return _("is stuck at the vertex {vertex}", vertex=fmt(problem.vertex))
        return _("is stuck near the vertex {vertex}", vertex=fmt(problem.vertex))
    if o.kind == FIXED:
        return _("does not move") if problem.a == 0 and problem.b == 0 else _("stops moving at {x}", x=fmt(o.x))
    if o.kind == CYCLE:
        return _("does not settle: it ends in a {period}-cycle through {points}", period=o.period, points=_points(o))
    if o.kind == CHAOS:
        return _("does not settle: it wanders chaotically within [{low}, {high}]", low=fmt(o.points[0]),
                 high=fmt(o.points[1]))
    return ngettext("has not converged after {n} step", "has not converged after {n} steps", max_steps)


def run_phrase(problem: Quadratic, claim: RunClaim, starts: Starts) -> str:
    """'from 0 it reaches 1 in 71 steps': the run's start and ``verb_phrase`` (a whole predicate)."""
    return _("from {x0} it {verb}", x0=starts(claim.x0), verb=verb_phrase(problem, claim.outcome, claim.max_steps))


def status_rows(problem: Quadratic, trajs: list[Trajectory], max_steps: int) -> list[dict]:
    """One row per start point: x0 (``Starts.table``), final x (fmt_x), steps taken, the outcome in words and
    |p(x)|. The column names are shown: they are in the page's language (``status_columns``)."""
    rows = []
    starts = starts_of(problem, x0s_of(trajs))
    for traj in trajs:
        o = outcome(problem, traj, max_steps)
        size = residual_size(problem, traj.x)
        x0, final, steps, words, p = status_columns()
        rows.append({
            x0: starts.table(float(traj.xs[0])),
            final: fmt_x(traj.x),
            steps: traj.steps,
            words: outcome_words(problem, o, max_steps),
            p: fmt(size, 3) if math.isfinite(size) else _("overflow"),
        })
    return rows


def status_columns() -> tuple[str, str, str, str, str]:
    """The status table's column names in the current language: x0, final x, steps, outcome, |p(x)|."""
    return ("x0", pgettext("column", "final x"), pgettext("column", "steps"), pgettext("column", "outcome"),
            "|p(x)|")


def polynomial_words(problem: Quadratic) -> str:
    """What p is and where its roots and vertex are, in one sentence."""
    p = problem.describe()
    roots, vertex = problem.roots(), problem.vertex
    if problem.a == 0 and problem.b == 0 and problem.c == 0:
        return _("p(x) = 0 everywhere: every x is a root, and gradient descent stops before it starts.")
    if problem.a == 0 and problem.b == 0:
        return _("p(x) = {p} is a constant: it has no isolated root and its gradient is zero everywhere, "
                 "so gradient descent never moves.", p=p)
    if problem.a == 0:
        return _("p(x) = {p} is a line (a = 0): one root {root}, no vertex, and p² is a parabola "
                 "with a single minimum there.", p=p, root=fmt(roots[0]))
    if not roots:
        return _("p(x) = {p} has no real root (b² − 4ac = {d} < 0): p² is smallest "
                 "at the vertex x = {vertex}, where |p| = {size}.", p=p, d=fmt(problem.discriminant),
                 vertex=fmt(vertex), size=fmt(abs(problem.residual(vertex))))
    if len(roots) == 1:
        return _("p(x) = {p} has a double root {root} (b² − 4ac = 0): there p² is flat like "
                 "(x − r)⁴, so descent slows down as it gets close.", p=p, root=fmt(roots[0]))
    return _("p(x) = {p} has roots {low} and {high}; between them, at the vertex "
             "x = {vertex}, p² has a local maximum.", p=p, low=fmt(roots[0]), high=fmt(roots[1]),
             vertex=fmt(vertex))


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
    share = ", ".join(_("{label} {percent}%", label=_(label), percent=f"{100 * np.mean(sw.outcome == code):.0f}")
                      for code, label in enumerate(outcome_labels(problem)) if np.any(sw.outcome == code))
    fields = dict(x0s=len(sw.x0s), lrs=len(sw.lrs), cells=f"{cells:,}", most=f"{max_steps:,}")
    if used_steps < max_steps:
        text = ngettext("Gradient descent from {x0s} start points × {lrs} learning rates ({cells} runs of at most "
                        "{n:,} updates, fewer than your {most} to keep it quick). ",
                        "Gradient descent from {x0s} start points × {lrs} learning rates ({cells} runs of at most "
                        "{n:,} updates, fewer than your {most} to keep it quick). ", used_steps, **fields)
    else:
        text = ngettext("Gradient descent from {x0s} start points × {lrs} learning rates ({cells} runs of at most "
                        "{n:,} updates). ",
                        "Gradient descent from {x0s} start points × {lrs} learning rates ({cells} runs of at most "
                        "{n:,} updates). ", used_steps, **fields)
    bound = problem.stable_lr()
    if bound is not None:
        text += _("Below the dashed line, {bound}, each root attracts the starts around it, while "
                  "starts far out still overshoot and diverge (the bound is local, set by the curvature at the "
                  "roots); above it the roots repel, and runs end in cycles, wander chaotically or diverge. ",
                  bound=bound_words(problem))
    elif problem.roots():
        text += _("A double root has no such bound: the loss is flat there, so convergence is slow at any lr. ")
    else:
        text += _("With no real root, the runs that do not diverge end at the vertex. ")
    return text + _("Cells: {share}.", share=share)


def outside_words(trajs: list[Trajectory], lo: float, hi: float) -> str:
    """A note naming the runs whose iterates leave the plotted x-range [lo, hi] ('' when none do)."""
    starts = [fmt(float(t.xs[0])) for t in trajs if np.any((t.xs < lo) | (t.xs > hi))]
    if not starts:
        return ""
    return _("Some iterates leave the plotted range [{lo}, {hi}] (runs from {starts}); "
             "their markers are hidden while outside.", lo=fmt(lo, 3), hi=fmt(hi, 3), starts=", ".join(starts))
