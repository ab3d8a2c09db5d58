"""Answers an Adagrad lesson can ask about, computed by the lab's modules (``inspector``, ``races``, ``slowdown``)
at a step's settings.

The inspector's answers are about the inspected element (``el``, ``i``, ``j``) at step ``k`` (k ≥ 1: before
the first step there is nothing to ask); the race's about the 1-D race on p(x)² = (x² − 5x + 4)² from ``x0``,
each racer at its lr (``lr_race``, ``lr_rms``, ``lr_adam``) and at most ``steps`` steps.
"""
from __future__ import annotations

import numpy as np

from core.descent import CONVERGED, outcome
from core.objective import Quadratic
from core.optim import effective_lr
from i18n import N_, _, ngettext
from labs.adagrad import inspector, races, slowdown
from labs.adagrad.settings import filled, racer_lrs
from labs.answer import Answer, registry
from labs.descent.answers import OUTCOMES, outcome_label

ANSWERS, answer = registry(filled)
ROOT_PROBLEM = Quadratic()  # the page's 1-D race: p(x) = x² − 5x + 4, loss p(x)²
TRENDS = (N_("shrinks at every step"), N_("never grows"), N_("grows at times"))
NO_STEP = N_("No step has been taken yet (k = 0): there is no G, effective lr or update to ask about.")


def inspected(s: dict):
    """(run after k steps, flat index, label) of the inspected element."""
    config = inspector.InspectorConfig(lr=s["lr"], eps=s["eps"], seed=s["seed"], grad=s["grad"])
    index = inspector.element_index(s["el"], s["i"], s["j"])
    return inspector.run_inspector(config, s["k"]), index, inspector.element_label(index)


def step_fields(s: dict) -> dict | None:
    """Every quantity of step k of the inspected element, or None when k = 0."""
    run, index, label = inspected(s)
    k = run.k
    if k == 0:
        return None
    g = float(run.grads[k - 1, index])
    G = float(run.sums[k - 1, index])
    G_before = float(run.sums[k - 2, index]) if k >= 2 else 0.0
    return {"label": label, "k": k, "g": g, "G": G, "G_before": G_before, "lr": s["lr"], "eps": s["eps"],
            "eff": float(effective_lr(s["lr"], G, s["eps"])), "update": float(run.updates[k - 1, index]),
            "before": float(run.theta[k - 1, index]), "after": float(run.theta[k, index])}


def _step_answer(s: dict, name: str, why: str) -> Answer:
    f = step_fields(s)
    if f is None:
        return Answer(None, NO_STEP, {})
    return Answer(f[name], why, f)


@answer("number")
def G_after(s: dict) -> Answer:
    """G of the inspected element after step k: the previous G plus g²."""
    return _step_answer(s, "G", N_("G = previous G + g² = {G_before:.6g} + ({g:.6g})² = {G:.6g} for {label} after "
                                   "step {k}."))


@answer("number")
def effective_lr_after(s: dict) -> Answer:
    """The inspected element's effective lr after step k: lr / (√G + eps)."""
    return _step_answer(s, "eff", N_("effective lr = lr / (√G + eps) = {lr:g} / (√{G:.6g} + {eps:g}) = {eff:.6g} "
                                     "for {label} at step {k}."))


@answer("number")
def update_at(s: dict) -> Answer:
    """The update of the inspected element at step k: −effective lr · g."""
    return _step_answer(s, "update", N_("update = −effective lr · g = −{eff:.6g} × {g:.6g} = {update:.6g} for "
                                        "{label} at step {k}."))


@answer("number")
def theta_after(s: dict) -> Answer:
    """The inspected element's value after step k: θ before + update."""
    return _step_answer(s, "after", N_("θ after = θ before − effective lr · g = {before:.6g} − {eff:.6g} × "
                                       "({g:.6g}) = {before:.6g} + ({update:.6g}) = {after:.6g} for {label} at step "
                                       "{k}."))


@answer("choice", options=TRENDS)
def effective_lr_trend(s: dict) -> Answer:
    """How the inspected element's effective lr moves over steps 1 … k."""
    run, index, label = inspected(s)
    if run.k < 2:
        return Answer(None, N_("Take at least two steps (k ≥ 2) to see the effective lr move."), {})
    eff = effective_lr(s["lr"], run.sums[:, index], s["eps"])
    moves = np.diff(eff)
    value = TRENDS[0] if np.all(moves < 0) else TRENDS[1] if np.all(moves <= 0) else TRENDS[2]
    return Answer(value, TREND_WHY[value],
                  {"label": label, "first": float(eff[0]), "last": float(eff[-1]), "k": run.k})


TREND_WHY = {
    # "never grows" is true of every Adagrad run; "shrinks at every step" needs every g to be non-zero
    TRENDS[0]: N_("G adds g² at every step, and no g of {label} was exactly 0, so G grew at every step and "
                  "lr / (√G + eps) shrank at every step: from {first:.6g} after step 1 to {last:.6g} after step {k}."),
    TRENDS[1]: N_("G only adds squares, g² ≥ 0, so it never falls and lr / (√G + eps) never grows; where g was "
                  "exactly 0 it stayed put: for {label} it went from {first:.6g} after step 1 to {last:.6g} after "
                  "step {k}."),
    TRENDS[2]: N_("For {label} the effective lr went from {first:.6g} after step 1 to {last:.6g} after step {k}, "
                  "growing at times: G fell, which Adagrad's sum of squares cannot do."),
}


def race_runs(s: dict, chosen=None) -> dict:
    chosen = tuple(s["race"] if chosen is None else chosen)
    return races.race(ROOT_PROBLEM, s["x0"], 1.0, s["steps"], chosen=chosen, lrs=racer_lrs(s))


@answer("choice", options=(*races.RACERS, N_("none")))
def race_winner(s: dict) -> Answer:
    """Which chosen racer converges in the fewest steps on the 1-D race ('none' when none converges)."""
    runs = race_runs(s)
    done = races.ranking(runs)  # a lucky landing is no win
    if not done:
        return Answer("none", N_("None of {racers} converges within {steps} steps from x0 = {x0:g}."),
                      {"racers": ", ".join(races.racer_label(name) for name in runs) or _("the racers"),
                       "steps": s["steps"], "x0": s["x0"]})
    n, winner = done[0]
    lrs = racer_lrs(s)
    others = "; ".join(races.racer_did(name, races.outcome_words(ROOT_PROBLEM, traj, lrs[name]))
                       for name, traj in runs.items() if name != winner)
    # "in {n} steps" a field of its own: a why is one template, and the count's form is the language's
    return Answer(winner, N_("From x0 = {x0:g}, {winner} converges {in_steps} (lr = {lr:g}); {others}."),
                  {"x0": s["x0"], "winner": races.racer_label(winner), "n": n, "lr": racer_lrs(s)[winner],
                   "in_steps": ngettext("in {n} step", "in {n} steps", n), "others": others or _("it races alone")})


def _racer(s: dict, racer: str):
    if racer not in races.RACERS:
        raise ValueError(_("Invalid racer {name} (one of {names})", name=repr(racer),
                           names=", ".join(races.RACERS)))
    return race_runs(s, (racer,))[racer]


@answer("number")
def race_steps(s: dict, racer: str = "Adagrad") -> Answer:
    """How many steps ``racer`` takes to converge on the 1-D race (none when it does not)."""
    traj = _racer(s, racer)
    fields = {"racer": races.racer_label(racer), "x0": s["x0"], "lr": racer_lrs(s)[racer],
              "what": races.outcome_words(ROOT_PROBLEM, traj, racer_lrs(s)[racer])}
    return Answer(traj.steps if traj.status == CONVERGED else None,
                  N_("From x0 = {x0:g} at lr = {lr:g}, {racer} {what}."), fields)


@answer("choice", options=OUTCOMES)
def race_outcome(s: dict, racer: str = "gradient descent") -> Answer:
    """What becomes of ``racer`` on the 1-D race: converges, a k-cycle, chaos, diverges, too slow…"""
    traj = _racer(s, racer)
    o = outcome(ROOT_PROBLEM, traj, s["steps"])
    return Answer(outcome_label(o), N_("From x0 = {x0:g} at lr = {lr:g}, {racer} {what}."),
                  {"racer": races.racer_label(racer), "x0": s["x0"], "lr": racer_lrs(s)[racer],
                   "what": races.outcome_words(ROOT_PROBLEM, traj, racer_lrs(s)[racer])})


@answer("number")
def first_step(s: dict, racer: str = "Adagrad") -> Answer:
    """The size |x1 − x0| of ``racer``'s first step on the 1-D race."""
    traj = _racer(s, racer)
    g = float(ROOT_PROBLEM.grad(s["x0"]))
    size = float(abs(traj.xs[1] - traj.xs[0])) if traj.steps >= 1 else 0.0
    return Answer(size, FIRST_STEP_WHY[racer],
                  {"x0": s["x0"], "g": g, "abs_g": abs(g), "racer": races.racer_label(racer), "lr": racer_lrs(s)[racer],
                   "size": size, "ratio": size / racer_lrs(s)[racer], "rho": races.RMSPROP_DECAY})


# Why the first step has its size: a whole sentence per racer (the adaptive ones divide g by its own size)
FIRST_STEP_WHY = {
    "gradient descent": N_("At x0 = {x0:g} the gradient is {g:.6g}, and gradient descent's first step is "
                           "lr·|g| = {lr:g} × {abs_g:.6g} = {size:.6g}."),
    "momentum": N_("At x0 = {x0:g} the gradient is {g:.6g}; momentum's velocity starts at 0, so its first step "
                   "is lr·|g| = {lr:g} × {abs_g:.6g} = {size:.6g}."),
    "Adagrad": N_("At x0 = {x0:g} the gradient is {g:.6g}; after one step G = g², so Adagrad's first step is "
                  "lr·|g| / √(g²) = lr = {size:.6g}, whatever the size of g."),
    "RMSProp": N_("At x0 = {x0:g} the gradient is {g:.6g}; after one step s = (1 − ρ)·g², so RMSProp's first step "
                  "is lr·|g| / √((1 − ρ)·g²) = lr / √(1 − ρ) = {ratio:.3g} × {lr:g} = {size:.6g} (ρ = {rho:g})."),
    "Adam": N_("At x0 = {x0:g} the gradient is {g:.6g}; after one step Adam's bias-corrected means are g and g² "
               "themselves, so its first step is lr·|g| / √(g²) = lr = {size:.6g}, whatever the size of g."),
}


@answer("number")
def effective_step(s: dict, racer: str = "Adagrad", step: int = 100) -> Answer:
    """``racer``'s effective step |Δx| / |g| at update ``step`` of the 1-D race (none past its last update)."""
    traj = _racer(s, racer)
    t, ratio = slowdown.effective_steps(ROOT_PROBLEM, traj)
    hit = np.flatnonzero(t == step)
    fields = {"racer": races.racer_label(racer), "step": step, "lr": racer_lrs(s)[racer], "n": traj.steps,
              "updates": ngettext("{n} update", "{n} updates", traj.steps)}
    if not hit.size:
        return Answer(None, N_("{racer} made {updates}, so it has no update {step}."), fields)
    value = float(ratio[hit[0]])
    return Answer(value, N_("At update {step}, {racer}'s step was {value:.6g} times its gradient (lr = {lr:g}): "
                            "{value_vs_lr:.3g} × lr."), fields | {"value": value, "value_vs_lr": value / fields["lr"]})


@answer("challenge")
def wins(s: dict, racer: str = "Adagrad") -> Answer:
    """``racer`` is among the chosen racers and converges in the fewest steps."""
    answer_ = race_winner(s)  # the plain function: s is already filled
    fields = answer_.fields | {"goal": races.racer_label(racer)}
    if racer not in s["race"]:
        return Answer(False, N_("{goal} is not in the race: add it under Optimisers."), fields)
    return Answer(answer_.value == racer, answer_.why, fields)
