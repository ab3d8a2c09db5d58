"""Answers a gradient-descent lesson can ask about, computed from ``core.descent`` at a step's settings.

Settings are the page's URL keys (``labs.descent.settings``); "the run" is the one from the first start point
unless a question gives ``x0``.
"""
from __future__ import annotations

from core.descent import CHAOS, CYCLE, ESCAPED, FIXED, ON_VERTEX, REACHED, gradient_descent, outcome
from core.objective import Quadratic
from i18n import N_
from labs.answer import Answer, registry
from labs.descent.format import fmt_x
from labs.descent.settings import filled

ANSWERS, answer = registry(filled)

OUTCOMES = ("converges", "2-cycle", "4-cycle", "8-cycle", "chaos", "diverges", "vertex", "too slow", "stuck")


def problem_of(s: dict) -> Quadratic:
    return Quadratic(s["a"], s["b"], s["c"])


def run_from(s: dict, x0: float | None = None):
    """(x0, trajectory, Outcome) of the run from x0 (default: the first start point) at the settings."""
    problem = problem_of(s)
    start = float(s["x0"][0] if x0 is None else x0)
    traj = gradient_descent(problem, start, s["lr"], s["steps"], s["tol"])
    return start, traj, outcome(problem, traj, s["steps"])


def outcome_label(o) -> str:
    """The outcome's short label: converges, 2-cycle (any period: 'k-cycle'), chaos, diverges, vertex, too slow,
    stuck."""
    if o.kind == REACHED:
        return "converges"
    if o.kind == CYCLE:
        return f"{o.period}-cycle"
    return {CHAOS: "chaos", ESCAPED: "diverges", ON_VERTEX: "vertex", FIXED: "stuck"}.get(o.kind, "too slow")


def outcome_fields(s: dict, x0: float, o) -> dict:
    points = ", ".join(f"{v:.4g}" for v in o.points)
    root = o.root if o.root is not None else float("nan")
    low, high = (o.points[0], o.points[-1]) if o.points else (o.x, o.x)
    # final: x as the page's table "Where each run ends" prints it (0.9999997, not a rounded 1)
    return {"x0": x0, "lr": s["lr"], "steps": o.steps, "x": o.x, "final": fmt_x(o.x), "root": root,
            "points": points, "low": low, "high": high, "label": outcome_label(o), "tol": s["tol"],
            "max_steps": s["steps"], "period": o.period}


OUTCOME_WHY = {
    REACHED: N_("From x0 = {x0:g} at lr = {lr:g}, |p(x)| falls below {tol:g} after {steps} updates, at x = {final}, "
                "next to the root {root:g}."),
    CYCLE: N_("From x0 = {x0:g} at lr = {lr:g}, the run never settles: it ends in a {period}-cycle through {points}, "
              "and repeats it for ever."),
    CHAOS: N_("From x0 = {x0:g} at lr = {lr:g}, the run never settles and never repeats: it wanders within "
              "[{low:.4g}, {high:.4g}], which is chaos."),
    ESCAPED: N_("From x0 = {x0:g} at lr = {lr:g}, every update overshoots further, and at update {steps} x is past a "
                "million: it diverges."),
    ON_VERTEX: N_("From x0 = {x0:g} at lr = {lr:g}, the run sits on the vertex {x:.6g}, where the slope of p² is 0, "
                  "for all {max_steps} updates."),
    FIXED: N_("From x0 = {x0:g} at lr = {lr:g}, the update is exactly 0 at x = {final}: the run is stuck."),
}
REACHED_AT_ONCE = N_("From x0 = {x0:g} at lr = {lr:g}, one update lands at x = {final}, where |p(x)| is already "
                     "below {tol:g}: the root {root:g}.")
TOO_SLOW_WHY = N_("From x0 = {x0:g} at lr = {lr:g}, the run is still approaching after {max_steps} updates "
                  "(at x = {final}): too slow.")


def why_of(o) -> str:
    """The template that explains an Outcome."""
    if o.kind == REACHED and o.steps == 1:
        return REACHED_AT_ONCE
    return OUTCOME_WHY.get(o.kind, TOO_SLOW_WHY)


def _outcome_answer(value, s: dict, x0: float, o) -> Answer:
    return Answer(value, why_of(o), outcome_fields(s, x0, o))


@answer("number")
def updates_to_converge(s: dict, x0: float | None = None) -> Answer:
    """How many updates the run takes until |p(x)| < tol (none when it does not converge)."""
    start, _, o = run_from(s, x0)
    return _outcome_answer(o.steps if o.kind == REACHED else None, s, start, o)


@answer("number")
def final_x(s: dict, x0: float | None = None) -> Answer:
    """Where the run stops: its last x."""
    start, _, o = run_from(s, x0)
    return _outcome_answer(o.x, s, start, o)


@answer("number")
def first_update(s: dict, x0: float | None = None) -> Answer:
    """x after the first update, x0 − lr·2·p(x0)·p′(x0)."""
    problem = problem_of(s)
    start = float(s["x0"][0] if x0 is None else x0)
    g = float(problem.grad(start))
    x1 = start - s["lr"] * g
    p, dp = float(problem.residual(start)), 2 * problem.a * start + problem.b
    return Answer(x1, N_("At x0 = {x0:g}, p(x0) = {p:.6g} and p′(x0) = {dp:.6g}, so the slope of p² is "
                         "2·p(x0)·p′(x0) = {g:.6g} and x1 = {x0:g} − {lr:g} × ({g:.6g}) = {x1:.6g}."),
                  {"x0": start, "p": p, "dp": dp, "g": g, "lr": s["lr"], "x1": x1})


@answer("choice", options=("1", "4", "neither"))
def root_reached(s: dict, x0: float | None = None) -> Answer:
    """Which root the run reaches, as the root's number ('1', '4' for the default p), or 'neither'."""
    start, _, o = run_from(s, x0)
    return _outcome_answer(f"{o.root:g}" if o.kind == REACHED and o.root is not None else "neither", s, start, o)


@answer("choice", options=OUTCOMES)
def run_outcome(s: dict, x0: float | None = None) -> Answer:
    """What becomes of the run: converges, a k-cycle (2-cycle, 4-cycle…), chaos, diverges, vertex, too slow."""
    start, _, o = run_from(s, x0)
    return _outcome_answer(outcome_label(o), s, start, o)


@answer("number")
def stability_bound(s: dict) -> Answer:
    """The largest lr at which the roots attract a run: 1/(b² − 4ac) (none without two roots)."""
    problem = problem_of(s)
    bound = problem.stable_lr()
    d = problem.discriminant
    if bound is None or len(problem.roots()) != 2:
        return Answer(None, N_("p has no two distinct roots, so there is no stability bound to state."), {})
    return Answer(bound, N_("Near a root the update multiplies the distance to it by 1 − 2·lr·p′(root)², with "
                            "p′(root)² = b² − 4ac = {d:g}; the distance shrinks only while that factor is above −1, "
                            "that is while lr < 1/{d:g} = {bound:.6g}."),
                  {"d": d, "bound": bound})


@answer("challenge")
def ends_in(s: dict, what: str = "2-cycle", x0: float | None = None) -> Answer:
    """The run (from ``x0``, else the first start) ends as ``what``: one of the outcome labels."""
    start, _, o = run_from(s, x0)
    label = outcome_label(o)
    return Answer(label == what, why_of(o), outcome_fields(s, start, o) | {"goal": what})


@answer("challenge")
def reaches(s: dict, root: float = 4.0, side: str = "any") -> Answer:
    """The first start reaches ``root``, and lies on ``side`` of the vertex (left, right or any)."""
    problem = problem_of(s)
    start, _, o = run_from(s)
    vertex = problem.vertex
    if side in ("left", "right") and vertex is not None and not (start < vertex if side == "left" else start > vertex):
        why = (N_("x0 = {x0:g} is not left of the vertex {vertex:g}: move the first start point.") if side == "left"
               else N_("x0 = {x0:g} is not right of the vertex {vertex:g}: move the first start point."))
        return Answer(False, why, {"x0": start, "side": side, "vertex": vertex})
    ok = o.kind == REACHED and o.root is not None and abs(o.root - root) < 1e-9
    return Answer(ok, why_of(o), outcome_fields(s, start, o))


@answer("challenge")
def converges_within(s: dict, updates: int = 20, x0: float | None = None) -> Answer:
    """The run converges in at most ``updates`` updates."""
    start, _, o = run_from(s, x0)
    return Answer(o.kind == REACHED and o.steps <= updates, why_of(o),
                  outcome_fields(s, start, o))
