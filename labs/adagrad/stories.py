"""The sentences under each race of the Adagrad page, each backed by a number computed from the runs: what
happened and why (``root_race_story``, ``bowl_story``), who won and why (``race_verdict``, read from what each
racer divides its gradient by, ``core.optim.SCALING``), and the race the page suggests on a surface (``HINTS``).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from core import descent
from core.descent import CONVERGED, DIVERGED, Trajectory
from core.optim import adagrad, effective_lr, sgd
from core.surfaces import TITLES, Bowl
from i18n import N_, _, ngettext
from labs.adagrad.races import (
    ADAPTIVE,
    MAX_STEPS,
    landed_in_one_step,
    landing,
    outcome_words,
    race_summary,
    racer_did,
    racer_label,
    racer_words,
    ranking,
    scaling,
    sentence_start,
)
from labs.adagrad.slowdown import reversals


def first_steps(problem, x0: float, lr: float, eps: float = 1e-8) -> dict[str, float]:
    """The gradient at x0 and the first update of gradient descent and of Adagrad (from core.optim)."""
    g = [np.array(problem.grad(np.array(x0, dtype=float)), dtype=float)]
    out = {"g": float(g[0])}
    for name, opt in (("gradient descent", sgd(lr)), ("Adagrad", adagrad(lr, eps))):
        update, _ = opt.update(g, opt.init([np.array(x0, dtype=float)]))
        out[name] = float(update[0])
    return out


def adagrad_final_lr(problem, traj: Trajectory, lr: float, eps: float = 1e-8) -> np.ndarray:
    """Adagrad's effective lr at the end of ``traj`` (replaying its gradients through core.optim)."""
    opt = adagrad(lr, eps)
    state = opt.init([np.array(traj.xs[0], dtype=float)])
    for x in traj.xs[:-1]:
        _, state = opt.update([np.asarray(problem.grad(x), dtype=float)], state)
    return effective_lr(lr, state.sum_of_squares[0], eps)


def root_race_story(problem, x0: float, lr: float, runs: dict[str, Trajectory],
                    lrs: dict[str, float] | None = None) -> list[str]:
    """Sentences for the 1-D race, each backed by a number computed here (about the racers that ran).
    ``lr``: gradient descent's and Adagrad's; ``lrs``: every racer's (for the one-step landings' arithmetic)."""
    gd, ada = runs.get("gradient descent"), runs.get("Adagrad")
    lrs = {"gradient descent": lr, "momentum": lr, "Adagrad": lr, **(lrs or {})}
    lines = [race_summary(problem, runs, lrs)]
    reached = {}
    for name, traj in runs.items():
        o = descent.outcome(problem, traj, traj.steps)
        if o.kind == descent.REACHED and o.root is not None:
            reached.setdefault(o.root, []).append(name)
    if len(reached) > 1 and problem.vertex is not None:
        ends = "; ".join(_("{names} at {root}", names=_(" and ").join(racer_label(n) for n in names),
                           root=f"{root:.4g}") for root, names in sorted(reached.items()))
        carried = _("by momentum's velocity or by a large step") if "momentum" in runs else _("by a large step")
        lines.append(_("They end at different roots: {ends}. The vertex {vertex} divides the two basins, and a run "
                       "that is carried across it ({carried}) ends at the other root.", ends=ends,
                       vertex=f"{problem.vertex:.4g}", carried=carried))
    bound = problem.stable_lr()
    if bound is not None and gd is not None:
        lines.append(_("Gradient descent is stable near a root only for lr < {bound}; here lr = {lr}.",
                       bound=f"{bound:.4g}", lr=f"{lr:g}"))
    if gd is None or ada is None:
        return lines
    first = first_steps(problem, x0, lr)
    if first["g"] != 0:
        lines.append(_(
            "Why: at x0 = {x0} the gradient is {g}. Gradient descent's first step is −lr·g = {gd_step}; Adagrad's is "
            "−lr·g/(√(g²) + eps) = {ada_step}, which is ±lr whatever the size of g. After that Adagrad divides by "
            "the √ of every squared gradient so far, so a huge first gradient keeps its later steps small.",
            x0=f"{x0:g}", g=f"{first['g']:.4g}", gd_step=f"{first['gradient descent']:+.4g}",
            ada_step=f"{first['Adagrad']:+.4g}"))
    if gd.status == DIVERGED and ada.status == CONVERGED and not landed_in_one_step(ada):
        lines.append(ngettext("Adapting helps here: at lr = {lr} gradient descent overshoots and escapes, while "
                              "Adagrad reaches x = {x} in {n} step.",
                              "Adapting helps here: at lr = {lr} gradient descent overshoots and escapes, while "
                              "Adagrad reaches x = {x} in {n} steps.", ada.steps, lr=f"{lr:g}", x=f"{ada.x:.6g}"))
    elif gd.status == CONVERGED and not landed_in_one_step(gd) and (ada.status != CONVERGED or ada.steps > gd.steps):
        final = float(adagrad_final_lr(problem, ada, lr))
        where = (ngettext("needs {n} step", "needs {n} steps", ada.steps) if ada.status == CONVERGED
                 else ngettext("is still at x = {x} after {n} step", "is still at x = {x} after {n} steps", ada.steps,
                               x=f"{ada.x:.4g}"))
        lines.append(ngettext("Adapting hurts here: gradient descent needs {n} step and Adagrad {where}. Adagrad's "
                              "step size lr/(√G + eps) has shrunk from lr = {lr} to {final}, because G only ever "
                              "grows.",
                              "Adapting hurts here: gradient descent needs {n} steps and Adagrad {where}. Adagrad's "
                              "step size lr/(√G + eps) has shrunk from lr = {lr} to {final}, because G only ever "
                              "grows.", gd.steps, where=where, lr=f"{lr:g}", final=f"{final:.3g}"))
    return lines


def bowl_story(surface, runs: dict[str, Trajectory], lr: float, lr_adagrad: float) -> list[str]:
    """Sentences for the 2-D race; on the bowl, why per-coordinate step sizes help, with numbers."""
    lines = [race_summary(surface, runs, {"gradient descent": lr, "momentum": lr, "Adagrad": lr_adagrad})]
    ada, gd = runs.get("Adagrad"), runs.get("gradient descent")
    final = adagrad_final_lr(surface, ada, lr_adagrad) if ada is not None else None
    if ada is not None and ada.steps > 0:
        lines.append(_("Adagrad's step sizes lr/(√G + eps) ended at {fx} for x and {fy} for y ({apart}× apart): "
                       "each coordinate gets its own learning rate, set by its own gradients.",
                       fx=f"{final[0]:.3g}", fy=f"{final[1]:.3g}", apart=f"{max(final) / min(final):.3g}"))
    # Gradient descent's bound (momentum's is another): a sentence names only racers in the race.
    if isinstance(surface, Bowl) and gd is not None:
        bound = surface.stable_lr()
        factor = abs(1 - 2 * lr)
        lines.append(_(
            "Gradient descent has one learning rate for both coordinates: the steep y direction (curvature "
            "{curvature}) caps it at lr < {bound}, and at lr = {lr} the flat x direction (curvature 2) shrinks only "
            "by a factor |1 − 2·lr| = {factor} per step.", curvature=f"{2 * surface.s:g}", bound=f"{bound:.3g}",
            lr=f"{lr:g}", factor=f"{factor:.3g}"))
        if gd is not None and ada is not None and ada.status == CONVERGED and final[0] > bound and final[1] < bound:
            versus = (_("{n} for gradient descent", n=gd.steps)
                      if gd.status == CONVERGED and not landed_in_one_step(gd)
                      else _("gradient descent, which {outcome}", outcome=outcome_words(surface, gd, lr)))
            lines.append(ngettext(
                "This is where per-coordinate step sizes shine: Adagrad's step size along x ({fx}) is above the "
                "{bound} that any single learning rate must stay below, while along y it is {fy}, safely under it; it "
                "reached the minimum in {n} step, against {versus}.",
                "This is where per-coordinate step sizes shine: Adagrad's step size along x ({fx}) is above the "
                "{bound} that any single learning rate must stay below, while along y it is {fy}, safely under it; it "
                "reached the minimum in {n} steps, against {versus}.", ada.steps, fx=f"{final[0]:.3g}",
                bound=f"{bound:.3g}", fy=f"{final[1]:.3g}", versus=versus))
    return lines


# Why an adaptive racer beat the plain ones, by what it divides g by (core.optim.SCALING's divides_by).
WHY_ADAPTIVE_WINS = {
    "sum": N_("Why {winner} wins here: it divides g by {divisor}, the root of the sum of every g² so far, so its "
              "steps do not grow with the slope (none moved a coordinate by more than lr = {lr:g}) and one lr suits "
              "both steep and flat ground, while the plain step lr·g is huge where the loss is steep and tiny where "
              "it is flat ({lost}). The sum only grows, so its step size lr/({divisor} + eps) only shrinks."),
    "mean": N_("Why {winner} wins here: it divides g by {divisor}, the root of a decaying mean of recent g², so its "
               "steps do not grow with the slope and one lr suits both steep and flat ground, while the plain step "
               "lr·g is huge where the loss is steep and tiny where it is flat ({lost}). The mean forgets old "
               "gradients, so its step size lr/({divisor} + eps) can grow again where the slope eases."),
}
# Why a plain racer beat an adaptive one: one sentence per slower adaptive racer, by what it divides by.
WHY_ADAPTIVE_LOSES = {
    "sum": N_("{name} divides g by {divisor}, the root of the sum of every g² so far, which only grows: its step "
              "size lr/({divisor} + eps) only shrinks, and it {outcome}."),
    "mean": N_("{name} divides g by {divisor}, the root of a decaying mean of g², so its steps do not shrink with g "
               "as the plain step does: it turned back {turns} on the way and {outcome}."),
    "mean, straight": N_("{name} divides g by {divisor}, the root of a decaying mean of g², so its steps do not shrink "
                         "with g as the plain step does, and it {outcome}."),
}
ONE_STEP_LANDING = N_("{name} {landing} (its first step is {first_step}): a coincidence of the numbers, not speed, so "
                      "it is not ranked.")


def kind_is_mean(name: str) -> bool:
    return scaling(name).divides_by == "mean"


def race_verdict(problem, runs: dict[str, Trajectory], lrs: dict[str, float]) -> list[str]:
    """When each racer wins and why, from the runs: the ranking (one-step landings apart, as the coincidences
    they are), then the reason the winner won, read from what it divides by (``scaling``)."""
    if not runs:
        return []
    lucky = [name for name, traj in runs.items() if landed_in_one_step(traj)]
    lines = []
    for name in lucky:
        lines.append(sentence_start(_(ONE_STEP_LANDING, name=racer_label(name),
                                      landing=landing(problem, runs[name], lrs[name]),
                                      first_step=scaling(name).first_step)))
    done = ranking(runs)
    failed = [name for name in runs if runs[name].status != CONVERGED]
    if not done:
        if not lucky:
            return [_("None of them converged within the step limit at these learning rates; the table below races "
                      "each at every learning rate.")]
        return lines + ([not_converged(failed)] if failed else [])
    fastest = _(", then ").join(ngettext("{name} ({n} step, lr = {lr})", "{name} ({n} steps, lr = {lr})", steps,
                                         name=racer_label(name), lr=f"{lrs[name]:g}") for steps, name in done)
    lines.insert(0, _("Converged, fastest first: {fastest}.", fastest=fastest)
                 + (" " + not_converged(failed) if failed else ""))
    winner = done[0][1]
    plain = [name for name in ("gradient descent", "momentum") if name in runs and name not in lucky]
    adaptive = [name for name in ADAPTIVE if name in runs]
    rule = scaling(winner)
    if winner in ADAPTIVE and plain:
        lost = "; ".join(racer_did(name, outcome_words(problem, runs[name], lrs[name])) for name in plain)
        lines.append(_(WHY_ADAPTIVE_WINS[rule.divides_by], winner=racer_label(winner), divisor=rule.divisor,
                       lr=lrs[winner], lost=lost))
    elif winner in plain and adaptive:
        slow = [name for name in adaptive if runs[name].status != CONVERGED or runs[name].steps > done[0][0]]
        if slow:
            lines.append(_("Why {winner} wins here: at lr = {lr} its step lr·g shrinks on its own as the gradient "
                           "goes to zero near the minimum, so it settles.", winner=racer_label(winner),
                           lr=f"{lrs[winner]:g}"))
            for name in slow:
                turns = reversals(runs[name])
                kind = scaling(name).divides_by + (", straight" if kind_is_mean(name) and not turns else "")
                lines.append(sentence_start(_(WHY_ADAPTIVE_LOSES[kind], name=racer_label(name),
                                              divisor=scaling(name).divisor,
                                              turns=ngettext("{n} time", "{n} times", turns),
                                              outcome=outcome_words(problem, runs[name], lrs[name]))))
    gd = runs.get("gradient descent")
    if winner == "momentum" and gd is not None and "gradient descent" not in lucky:
        lines.append(_("Momentum beats gradient descent ({outcome}) because its velocity adds up steps that keep "
                       "pointing the same way.", outcome=outcome_words(problem, gd, lrs["gradient descent"])))
    return lines


def not_converged(names) -> str:
    """'Not converged: momentum, Adam.'"""
    return _("Not converged: {names}.", names=", ".join(racer_label(name) for name in names))


class Hint(NamedTuple):
    """A race the page suggests on a surface, with every setting it needs; the page runs it at exactly these
    values and its sentence quotes those runs."""

    surface: str
    start: tuple[float, float]
    chosen: tuple[str, ...]
    lrs: dict  # racer -> lr, every racer (the page gives gradient descent and momentum one lr between them)
    steps: int


# Rosenbrock: gradient descent just under its bound near the minimum (2/1001.6 = 0.001997), beside the racers
# that do finish within the page's step limit (momentum, Adam) and Adagrad, whose shrinking steps do not.
HINTS = {"rosenbrock": Hint("rosenbrock", (-1.2, 1.0), ("gradient descent", "momentum", "Adagrad", "Adam"),
                            {"gradient descent": 0.0019, "momentum": 0.0019, "Adagrad": 0.5, "RMSProp": 0.03,
                             "Adam": 0.1}, MAX_STEPS)}
HINT_SENTENCE = N_("{surface}'s valley is steep across and flat along: at the minimum its curvature is {high:.5g} "
                   "across and {low:.4g} along, so gradient descent is stable there only for lr < {bound:.4g}, and at "
                   "lr = {lr:g} the error along the floor shrinks by a factor of only 1 − {lr:g} × {low:.4g} = "
                   "{factor:.5g} per step. [The race from ({sx:g}, {sy:g}) with {racers}, at most {steps} steps]"
                   "({link}), as this page runs it: {summary}")


def hint_sentence(surface, hint: Hint, runs: dict[str, Trajectory], link: str) -> str:
    """The hint's sentence: the surface's curvatures at its minimum, and what the hint's own runs (``runs``,
    raced at exactly ``hint``'s settings) did; ``link`` opens that race."""
    high, low = surface.curvatures()
    lr = hint.lrs["gradient descent"]
    return _(HINT_SENTENCE, surface=_(TITLES[surface.name]), high=high, low=low, bound=surface.stable_lr(),
                                lr=lr, factor=1 - lr * low, sx=hint.start[0], sy=hint.start[1],
                                racers=racer_words(hint.chosen, hint.lrs), steps=hint.steps, link=link,
                                summary=race_summary(surface, runs, hint.lrs))
