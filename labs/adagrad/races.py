"""The races (sections 2 to 4 of the Adagrad page): any of gradient descent, momentum (β 0.9), Adagrad, RMSProp
and Adam (``RACERS``), each at its own learning rate, from one start on a 1-D problem (the root-finding loss
p(x)²) or a 2-D surface (``core.surfaces``), under ``core.descent``'s stopping rule; what each run did, in
words; who converged fastest; and the same race at every learning rate (``lr_sweep``).

The page's limits for the races live here (``MAX_STEPS``, ``START_BOX``, ``LR_MIN``/``LR_MAX``, the sweeps'
learning rates).
"""
from __future__ import annotations

import pandas as pd

from core import descent, optim
from core.descent import CONVERGED, DIVERGED, Trajectory, descend, diverged_at
from core.optim import Optimizer
from i18n import DEFAULT, N_, _, language, ngettext

# The racers' fixed hyper-parameters: torch's defaults, which the sentences about them quote.
MOMENTUM_BETA = 0.9
RMSPROP_DECAY = 0.99             # torch's default alpha: s is a mean over about the last 1/(1 − 0.99) = 100 g²
ADAM_B1, ADAM_B2 = 0.9, 0.999
RACERS = ("gradient descent", "momentum", "Adagrad", "RMSProp", "Adam")
DEFAULT_RACERS = ("gradient descent", "momentum", "Adagrad")  # what the page races unless told otherwise
# Each racer's colour, the same in every chart and replay of the page.
RACER_COLORS = {"gradient descent": "#e45756", "momentum": "#f58518", "Adagrad": "#4c78a8", "RMSProp": "#54a24b",
                "Adam": "#b279a2"}
# Each racer's name as the page shows it (labels, legends, sentences); RACERS' names stay the keys.
RACER_LABELS = {"gradient descent": N_("gradient descent"), "momentum": N_("momentum"), "Adagrad": N_("Adagrad"),
                "RMSProp": N_("RMSProp"), "Adam": N_("Adam")}
OPTIMIZER_NAMES = {"gradient descent": "sgd", "momentum": "momentum", "Adagrad": "adagrad", "RMSProp": "rmsprop",
                   "Adam": "adam"}  # each racer's name in core.optim (OPTIMIZERS, SCALING)


def racer_label(name: str) -> str:
    """The racer ``name`` (a key of RACERS) as the page shows it, in the current language."""
    return _(RACER_LABELS[name]) if name in RACER_LABELS else name


def sentence_start(text: str) -> str:
    """A sentence that opens with a racer's name, its first letter capitalised in a translation (the English
    sentences keep the name as it is: 'gradient descent converged …')."""
    return text[:1].upper() + text[1:] if language() != DEFAULT else text


def scaling(name: str) -> optim.Scaling:
    """What the racer ``name`` divides its gradient by (core.optim.SCALING): every sentence about a rule reads it."""
    return optim.SCALING[OPTIMIZER_NAMES[name]]


ADAPTIVE = tuple(name for name in RACERS if scaling(name).divides_by != "nothing")  # step sizes set by past g

# The page's limits (a visitor's settings stay inside these)
MAX_STEPS = 5000          # per race
START_BOX = 10.0          # the 2-D start point lies in [−10, 10]²
LR_MIN, LR_MAX = 1e-6, 10.0
RACE_LRS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.2, 0.5, 1.0, 2.0)      # the 1-D sweep table's rows
SURFACE_LRS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)       # the 2-D sweep table's rows
SWEEP_MAX_STEPS = 2000    # a sweep table runs up to 45 races: keep it to a couple of seconds


def racer_words(chosen, lrs: dict[str, float]) -> str:
    """'gradient descent at lr = 0.2; Adam at lr = 0.03': the chosen racers (in RACERS order) and their lrs."""
    return "; ".join(_("{name} at lr = {lr}", name=racer_label(name), lr=f"{lrs[name]:g}")
                     for name in RACERS if name in chosen)


def make_racer(name: str, lr: float, eps: float = 1e-8) -> Optimizer:
    """One racer's optimiser (``core.optim.by_name``), with the hyper-parameters fixed above."""
    if name not in OPTIMIZER_NAMES:
        raise ValueError(_("Invalid racer {name} (one of {names})", name=repr(name), names=", ".join(RACERS)))
    return optim.by_name(OPTIMIZER_NAMES[name], lr, beta=MOMENTUM_BETA, decay=RMSPROP_DECAY, b1=ADAM_B1, b2=ADAM_B2,
                         eps=eps)


def race_lrs(lr: float, lr_adagrad: float | None = None, lrs: dict | None = None,
             chosen=DEFAULT_RACERS) -> dict[str, float]:
    """Each chosen racer's learning rate: ``lrs[name]`` when given, Adagrad's ``lr_adagrad`` when given, else lr."""
    lrs = lrs or {}
    return {name: float(lrs.get(name, lr_adagrad if name == "Adagrad" and lr_adagrad is not None else lr))
            for name in RACERS if name in chosen}


def racers(lr: float, lr_adagrad: float | None = None, eps: float = 1e-8, *, chosen=DEFAULT_RACERS,
           lrs: dict | None = None) -> dict[str, Optimizer]:
    """The chosen racers (in RACERS order), each at its lr from ``race_lrs``."""
    return {name: make_racer(name, rate, eps) for name, rate in race_lrs(lr, lr_adagrad, lrs, chosen).items()}


def race(problem, x0, lr: float, max_steps: int, lr_adagrad: float | None = None,
         tol: float = 1e-6, *, chosen=DEFAULT_RACERS, lrs: dict | None = None) -> dict[str, Trajectory]:
    """Each chosen racer's trajectory from x0 under ``core.descent``'s stopping rule."""
    return {name: descend(problem, x0, opt, max_steps, tol)
            for name, opt in racers(lr, lr_adagrad, chosen=chosen, lrs=lrs).items()}


def landed_in_one_step(traj: Trajectory) -> bool:
    """A run that converged with its first update: a coincidence of x0, lr and g (e.g. 0 + 0.1 × 40 = 4),
    a fact worth a word but not a speed to rank."""
    return traj.status == CONVERGED and traj.steps == 1


def landing(problem, traj: Trajectory, lr: float | None = None) -> str:
    """'lands on 4 in one step: 0 + 0.1 × 40 = 4': a one-step run and the arithmetic of its step (x0, lr, and
    the step over lr, which is |g| for gradient descent, 10 for RMSProp's first step, 1 for Adagrad's and Adam's)."""
    if traj.xs.ndim > 1:
        return _("lands on the minimum in one step")
    root = descent.outcome(problem, traj, traj.steps).root
    x0, x1 = float(traj.xs[0]), float(traj.xs[1])
    if lr is None or root is None:
        return _("lands on {x} in one step", x=f"{x1:.4g}")
    sign = "+" if x1 >= x0 else "−"
    factor = abs(x1 - x0) / lr
    fields = {"root": f"{root:.4g}", "x0": f"{x0:.4g}", "sign": sign, "lr": f"{lr:g}", "x1": f"{x1:.4g}"}
    if abs(factor - 1) < 1e-6:  # a first step of lr itself (Adagrad, Adam): no factor to show
        return _("lands on {root} in one step: {x0} {sign} {lr} = {x1}", **fields)
    return _("lands on {root} in one step: {x0} {sign} {lr} × {factor} = {x1}", factor=f"{factor:.4g}", **fields)


def outcome_words(problem, traj: Trajectory, lr: float | None = None) -> str:
    """What a race run did, naming the root on a 1-D problem: 'converged to 4 in 12 steps', 'diverged at
    step 3', 'ends in a 2-cycle through 3.725, 4.173', 'did not finish in 1000 steps', or for a run that
    converged with its first update 'lands on 4 in one step: 0 + 0.1 × 40 = 4' (``lr``: the run's)."""
    if landed_in_one_step(traj):
        return landing(problem, traj, lr)
    if traj.xs.ndim > 1:  # a 2-D surface: one minimum, nothing to name
        if traj.status == CONVERGED:
            return ngettext("converged in {n} step", "converged in {n} steps", traj.steps)
        if traj.status == DIVERGED:
            return _("diverged at step {t}", t=diverged_at(traj))
        return ngettext("did not finish in {n} step", "did not finish in {n} steps", traj.steps)
    o = descent.outcome(problem, traj, traj.steps)
    if o.kind == descent.REACHED:
        if o.root is None:
            return ngettext("converged in {n} step", "converged in {n} steps", o.steps)
        return ngettext("converged to {root} in {n} step", "converged to {root} in {n} steps", o.steps,
                        root=f"{o.root:.4g}")
    if o.kind == descent.ESCAPED:
        return _("diverged at step {t}", t=o.steps)
    if o.kind == descent.CYCLE:
        return _("ends in a {period}-cycle through {points}", period=o.period,
                 points=", ".join(f"{v:.4g}" for v in o.points))
    if o.kind == descent.CHAOS:
        return _("wanders chaotically within [{lo}, {hi}]", lo=f"{o.points[0]:.4g}", hi=f"{o.points[1]:.4g}")
    if o.kind == descent.ON_VERTEX:
        return ngettext("is stuck at the vertex {vertex} after {n} step",
                        "is stuck at the vertex {vertex} after {n} steps", o.steps, vertex=f"{problem.vertex:.4g}")
    return ngettext("did not finish in {n} step", "did not finish in {n} steps", o.steps)


def race_summary(problem, runs: dict[str, Trajectory], lrs: dict[str, float] | None = None) -> str:
    """One sentence: what each optimiser did (and which root it reached)."""
    lrs = lrs or {}
    parts = [racer_did(name, outcome_words(problem, traj, lrs.get(name))) for name, traj in runs.items()]
    if len(parts) == 1:
        return sentence_start(_("{clause}.", clause=parts[0]))
    return sentence_start(_("{clauses} and {last}.", clauses="; ".join(parts[:-1]), last=parts[-1]))


def racer_did(name: str, outcome: str) -> str:
    """'gradient descent converged to 4 in 12 steps': a racer and what its run did (``outcome_words``)."""
    return _("{racer} {outcome}", racer=racer_label(name), outcome=outcome)


def ranking(runs: dict[str, Trajectory]) -> list[tuple[int, str]]:
    """(steps, name) of every racer that converged, fastest first (a tie in RACERS order); a one-step landing,
    a coincidence, is not ranked. The first is the race's winner."""
    done = sorted((traj.steps, RACERS.index(name), name) for name, traj in runs.items()
                  if traj.status == CONVERGED and not landed_in_one_step(traj))
    return [(steps, name) for steps, _, name in done]


def lr_sweep(problem, x0, lrs, max_steps: int, chosen=DEFAULT_RACERS) -> tuple[pd.DataFrame, str]:
    """Each chosen racer at each lr (the same lr for all): a table with a row per lr and a column per racer,
    and a sentence naming the learning rates at which each racer converged (a one-step landing, a
    coincidence, is named apart)."""
    names = [name for name in RACERS if name in chosen]
    rows, worked, lucky = [], {name: [] for name in names}, []
    for lr in lrs:
        runs = race(problem, x0, lr, max_steps, chosen=names)
        rows.append({"lr": f"{lr:g}", **{name: outcome_words(problem, traj, lr) for name, traj in runs.items()}})
        for name, traj in runs.items():
            if landed_in_one_step(traj):
                lucky.append(_("{name} at lr = {lr}", name=racer_label(name), lr=f"{lr:g}"))
            elif traj.status == CONVERGED:
                worked[name].append(f"{lr:g}")
    parts = [_("{name} at {k} of {n} ({lrs})", name=racer_label(name), k=len(good), n=len(rows),
               lrs=", ".join(good) if good else _("none")) for name, good in worked.items()]
    table = pd.DataFrame(rows, columns=["lr", *names])
    if not names:
        return table, ""
    sentence = _("Converged within the step limit: {parts}.", parts="; ".join(parts))
    if lucky:
        sentence += " " + _("Landed on a root with the first step, a coincidence of the numbers, not counted above: "
                            "{lucky}.", lucky="; ".join(lucky))
    return table, sentence
