"""Everything the Adagrad page shows that is computed. All optimiser maths comes from ``core.optim``.

Two parts:

- The step inspector: the exercise's parameters (a 10×10 matrix W and a 10-vector b, N(0, 1), from a
  seed) stepped k times by ``adagrad(lr, eps)``. The gradient of step t (t = 1, 2, …) is either a fresh
  N(0, 1) draw from a Generator seeded by (seed, t), or the gradient of ½‖θ‖², which is θ itself. So
  (config, k) fixes the whole run: stepping 3 then 4 times gives bit for bit what 7 steps give.
- Races: any of gradient descent, momentum (β 0.9), Adagrad, RMSProp and Adam (``RACERS``) from one start
  point on a 1-D problem (the root-finding loss p(x)²) or a 2-D surface, each at its own learning rate,
  with sentences computed from the trajectories: who wins, and why.
- Why Adagrad slows down: the effective step |Δx| / |g| of Adagrad, RMSProp and Adam over one run.

The page's limits live here too (``MAX_STEPS``, ``START_BOX``, the sweep's learning rates).

Elements are numbered W row by row (0 … 99), then b (100 … 109).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from core import optim
from core.descent import CHAOS, CONVERGED, CYCLE, DIVERGED, ON_VERTEX, Trajectory, descend, diverged_at
from core.descent import outcome as run_outcome
from core.optim import AdagradState, Optimizer, Params, adagrad, adam, apply_updates, momentum, rmsprop, sgd
from core.surfaces import Bowl
from labs.charts import spread

SHAPES = ((10, 10), (10,))
N_ELEMENTS = sum(math.prod(s) for s in SHAPES)
GRAD_SOURCES = {"noise": "N(0, 1) draws", "quadratic": "gradient of ½‖θ‖² (= θ)"}
MAX_K = 1000
MAX_SEED = 2**31 - 1
TABLE_ROWS = 10

MOMENTUM_BETA = 0.9
RMSPROP_DECAY = 0.99             # torch's default alpha: s is a mean over about the last 1/(1 − 0.99) = 100 g²
ADAM_B1, ADAM_B2 = 0.9, 0.999    # torch's defaults
RACERS = ("gradient descent", "momentum", "Adagrad", "RMSProp", "Adam")
DEFAULT_RACERS = ("gradient descent", "momentum", "Adagrad")  # what the page races unless told otherwise
OPTIMIZER_NAMES = {"gradient descent": "sgd", "momentum": "momentum", "Adagrad": "adagrad", "RMSProp": "rmsprop",
                   "Adam": "adam"}  # each racer's name in core.optim (OPTIMIZERS, SCALING)


def scaling(name: str) -> optim.Scaling:
    """What the racer ``name`` divides its gradient by (core.optim.SCALING): every sentence about a rule reads it."""
    return optim.SCALING[OPTIMIZER_NAMES[name]]


ADAPTIVE = tuple(name for name in RACERS if scaling(name).divides_by != "nothing")  # step sizes set by past g

# The page's limits (a visitor's settings stay inside these)
MAX_STEPS = 5000          # per race
START_BOX = 10.0          # the 2-D start point lies in [−10, 10]²
LR_MIN, LR_MAX = 1e-6, 10.0
# The step table in two halves, each narrow enough for a phone: what Adagrad computes, and the move it makes.
STEP_TABLE_PARTS = (("step t", "g", "G = G + g²", "lr / (√G + eps)"), ("step t", "θ before", "update", "θ after"))
RACE_LRS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.2, 0.5, 1.0, 2.0)      # the 1-D sweep table's rows
SURFACE_LRS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)       # the 2-D sweep table's rows
SWEEP_MAX_STEPS = 2000    # a sweep table runs up to 45 races: keep it to a couple of seconds


def racer_words(chosen, lrs: dict[str, float]) -> str:
    """'gradient descent at lr = 0.2; Adam at lr = 0.03': the chosen racers (in RACERS order) and their lrs."""
    return "; ".join(f"{name} at lr = {lrs[name]:g}" for name in RACERS if name in chosen)


def thin_steps(steps: int, max_rows: int) -> np.ndarray:
    """About ``max_rows`` step numbers spread evenly over 0 … steps, always both ends, ascending."""
    return spread(steps + 1, max_rows)


def effective_lr(lr: float, G, eps: float = 1e-8) -> np.ndarray:
    """Adagrad's per-element step size lr / (√G + eps), the factor that multiplies −g in a step; G any array."""
    return lr / (np.sqrt(np.asarray(G, dtype=float)) + eps)


# ---------------------------------------------------------------------------------------------------
# Step inspector


@dataclass(frozen=True)
class InspectorConfig:
    """What defines an inspector run (with the number of steps k)."""

    lr: float = 0.1
    eps: float = 1e-8
    seed: int = 0
    grad: str = "noise"  # a key of GRAD_SOURCES

    def __post_init__(self):
        adagrad(self.lr, self.eps)  # raises ValueError naming a bad lr or eps
        if not (isinstance(self.seed, (int, np.integer)) and 0 <= self.seed <= MAX_SEED):
            raise ValueError(f"Invalid seed: {self.seed!r} (needs an integer in [0, {MAX_SEED}])")
        if self.grad not in GRAD_SOURCES:
            raise ValueError(f"Invalid gradient source: {self.grad!r} (one of {', '.join(GRAD_SOURCES)})")


class InspectorRun(NamedTuple):
    """A run after k steps, as plain data (picklable, fit for st.session_state).

    history arrays hold every element flattened (N_ELEMENTS columns); row t − 1 is step t:
    theta (k + 1, n): values before step 1 … after step k; grads, sums, updates (k, n): g, G after
    the step, and the update of each step.
    """

    config: InspectorConfig
    params: Params
    state: AdagradState
    theta: np.ndarray
    grads: np.ndarray
    sums: np.ndarray
    updates: np.ndarray

    @property
    def k(self) -> int:
        return len(self.grads)


def initial_params(seed: int) -> Params:
    """The exercise's parameters: W (10×10) and b (10,), N(0, 1), from ``seed``."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for shape in SHAPES]


def gradients(config: InspectorConfig, params: Params, t: int) -> Params:
    """The gradient used at step t (1-based): N(0, 1) from Generator((seed, t)), or θ for ½‖θ‖²."""
    if config.grad == "quadratic":
        return [np.array(p, dtype=float) for p in params]
    rng = np.random.default_rng([config.seed, t])
    return [rng.standard_normal(shape) for shape in SHAPES]


def _flat(arrays: Params) -> np.ndarray:
    return np.concatenate([np.ravel(a) for a in arrays])


def run_inspector(config: InspectorConfig, k: int, start: InspectorRun | None = None) -> InspectorRun:
    """Adagrad stepped k times (0 ≤ k ≤ MAX_K). Continues from ``start`` when it is the same config and
    has taken at most k steps; otherwise starts again from the seed (the result is the same)."""
    if not (isinstance(k, (int, np.integer)) and 0 <= k <= MAX_K):
        raise ValueError(f"Invalid number of steps k: {k!r} (needs an integer in [0, {MAX_K}])")
    opt = adagrad(config.lr, config.eps)
    if start is not None and start.config == config and start.k <= k:
        params, state = start.params, start.state
        theta, grads, sums, updates = (list(a) for a in (start.theta, start.grads, start.sums, start.updates))
    else:
        params = initial_params(config.seed)
        state = opt.init(params)
        theta, grads, sums, updates = [_flat(params)], [], [], []
    for t in range(len(grads) + 1, k + 1):
        g = gradients(config, params, t)
        step, state = opt.update(g, state)
        params = apply_updates(params, step)
        theta.append(_flat(params))
        grads.append(_flat(g))
        sums.append(_flat(state.sum_of_squares))
        updates.append(_flat(step))
    n = N_ELEMENTS

    def stack(rows):
        return np.array(rows, dtype=float).reshape(-1, n)

    return InspectorRun(config, params, state, stack(theta), stack(grads), stack(sums), stack(updates))


def element_index(param: str, i: int, j: int = 0) -> int:
    """Flat index of W[i, j] (param "W") or b[i] (param "b")."""
    if not (0 <= i < 10 and 0 <= j < 10):
        raise ValueError(f"Invalid element index ({i}, {j}): both must be in 0 … 9")
    if param == "W":
        return 10 * i + j
    if param == "b":
        return 100 + i
    raise ValueError(f"Invalid parameter {param!r}: W or b")


def element_label(index: int) -> str:
    return f"W[{index // 10}, {index % 10}]" if index < 100 else f"b[{index - 100}]"


def step_table(run: InspectorRun, index: int, rows: int = TABLE_ROWS) -> pd.DataFrame:
    """The last ``rows`` steps of one element, every quantity of an Adagrad step:
    θ before, g, G (after adding g²), lr / (√G + eps), the update −lr·g / (√G + eps), θ after."""
    cfg = run.config
    first = max(1, run.k - rows + 1)
    steps = np.arange(first, run.k + 1)
    sums = run.sums[steps - 1, index]
    eff = effective_lr(cfg.lr, sums, cfg.eps)
    return pd.DataFrame({
        "step t": steps,
        "θ before": run.theta[steps - 1, index],
        "g": run.grads[steps - 1, index],
        "G = G + g²": sums,
        "lr / (√G + eps)": eff,
        "update": run.updates[steps - 1, index],
        "θ after": run.theta[steps, index],
    })


# Predict first: the newest step's row shows θ before and g; what Adagrad computes from them (these columns) reads
# HIDDEN until the learner asks for it.
HIDDEN = "?"
PREDICTED = ("G = G + g²", "lr / (√G + eps)", "update", "θ after")


def hide_newest(table: pd.DataFrame) -> pd.DataFrame:
    """The step table with the newest step's PREDICTED cells read HIDDEN. Those columns become text (each number
    as ``table_cell`` prints it), since a column of numbers cannot hold a '?'."""
    if table.empty:
        return table
    hidden = table.copy()
    for column in PREDICTED:
        hidden[column] = [table_cell(v) for v in table[column]]
    hidden.loc[hidden.index[-1], list(PREDICTED)] = HIDDEN
    return hidden


def table_cell(value) -> str:
    """A step-table cell: a number with 8 significant digits, HIDDEN as it is."""
    return value if isinstance(value, str) else f"{value:.8g}"


# The newest step of one element in words: a one-line answer (before and after it is shown) and its arithmetic.
# Templates with named fields, filled by ``StepAnswer`` with the numbers of one step (6 significant digits).
STEP_SHORT = {
    "hidden": "Step {t} of {element}: g = {g}. What are G, lr / (√G + eps), the update and θ after? Work them out, "
              "then show them.",
    "shown": "Step {t} of {element}: g = {g}, so θ moves by {update}, from {before} to {after}.",
}
STEP_WHY = ("G = {G_before} + ({g})² = {G}; lr / (√G + eps) = {lr} / (√{G} + {eps}) = {eff}; update = −{eff} × "
            "({g}) = {update}; θ after = {before} + ({update}) = {after}. So |update| = {ratio} × lr: G holds every g² "
            "so far and only grows, so a gradient of the same size moves θ less at every later step.")


@dataclass(frozen=True)
class StepAnswer:
    """The newest Adagrad step of one element, as numbers: the step t, g, G before and after adding g², the
    effective lr, the update and θ before and after, with lr and eps."""

    t: int
    element: str
    g: float
    G_before: float
    G: float
    eff: float
    update: float
    before: float
    after: float
    lr: float
    eps: float

    @property
    def fields(self) -> dict:
        number = {name: f"{getattr(self, name):.6g}" for name in
                  ("g", "G_before", "G", "eff", "update", "before", "after", "lr", "eps")}
        return {**number, "t": self.t, "element": self.element, "ratio": f"{abs(self.update) / self.lr:.3g}"}

    def headline(self, shown: bool) -> str:
        return STEP_SHORT["shown" if shown else "hidden"].format(**self.fields)

    @property
    def why(self) -> str:
        return STEP_WHY.format(**self.fields)


def step_answer(run: InspectorRun, index: int) -> StepAnswer | None:
    """The newest step of element ``index`` (None before the first step)."""
    if run.k == 0:
        return None
    t, cfg = run.k, run.config
    G = float(run.sums[t - 1, index])
    return StepAnswer(t=t, element=element_label(index), g=float(run.grads[t - 1, index]),
                      G_before=float(run.sums[t - 2, index]) if t > 1 else 0.0, G=G,
                      eff=float(effective_lr(cfg.lr, G, cfg.eps)), update=float(run.updates[t - 1, index]),
                      before=float(run.theta[t - 1, index]), after=float(run.theta[t, index]), lr=cfg.lr,
                      eps=cfg.eps)


def matrix_frame(run: InspectorRun) -> pd.DataFrame:
    """One row per element of W: row, col, G and the effective learning rate lr / (√G + eps)."""
    cfg = run.config
    G = run.state.sum_of_squares[0]
    eff = effective_lr(cfg.lr, G, cfg.eps)
    rows, cols = np.indices(G.shape)
    with np.errstate(divide="ignore"):
        return pd.DataFrame({"row": rows.ravel(), "col": cols.ravel(), "G": G.ravel(),
                             "effective lr": eff.ravel(), "θ": run.params[0].ravel()})


def _log_steps(k: int, points: int = 200) -> np.ndarray:
    """About ``points`` step numbers in 1 … k, spread evenly on a log axis."""
    return np.unique(np.geomspace(1, k, points).round().astype(int)) if k else np.array([], dtype=int)


WATCHED = (0, 55, 99, 105)  # elements the effective-lr chart shows beside the inspected one


def watched_elements(index: int) -> list[int]:
    """The effective-lr chart's elements: the inspected one first, then three of WATCHED."""
    return [index] + [i for i in WATCHED if i != index][:3]


def effective_lr_series(run: InspectorRun, indices: list[int]) -> pd.DataFrame:
    """Long frame (step, series, effective lr) for the chosen elements, plus the envelope lr/√t:
    for unit-variance gradients G after t steps is about t, so lr / √G ≈ lr / √t."""
    cfg = run.config
    steps = _log_steps(run.k)
    frames = []
    for index in dict.fromkeys(indices):
        eff = effective_lr(cfg.lr, run.sums[steps - 1, index], cfg.eps)
        frames.append(pd.DataFrame({"step": steps, "series": element_label(index), "effective lr": eff}))
    frames.append(pd.DataFrame({"step": steps, "series": "lr/√t", "effective lr": cfg.lr / np.sqrt(steps)}))
    return pd.concat(frames, ignore_index=True)


def envelope_ratio(run: InspectorRun) -> float | None:
    """Median over all elements of (effective lr after k steps) / (lr/√k): about 1 for N(0, 1) gradients."""
    if run.k == 0:
        return None
    eff = effective_lr(run.config.lr, run.sums[-1], run.config.eps)
    return float(np.median(eff / (run.config.lr / math.sqrt(run.k))))


# ---------------------------------------------------------------------------------------------------
# Races


def make_racer(name: str, lr: float, eps: float = 1e-8) -> Optimizer:
    """One racer's optimiser from ``core.optim`` (momentum β, RMSProp's decay and Adam's betas fixed above)."""
    if name == "gradient descent":
        return sgd(lr)
    if name == "momentum":
        return momentum(lr, MOMENTUM_BETA)
    if name == "Adagrad":
        return adagrad(lr, eps)
    if name == "RMSProp":
        return rmsprop(lr, RMSPROP_DECAY, eps)
    if name == "Adam":
        return adam(lr, ADAM_B1, ADAM_B2, eps)
    raise ValueError(f"Invalid racer {name!r} (one of {', '.join(RACERS)})")


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


def loss_frame(problem, runs: dict[str, Trajectory], max_rows: int = 600) -> pd.DataFrame:
    """Long frame (step, optimiser, loss) with at most about max_rows rows per optimiser."""
    frames = []
    for name, traj in runs.items():
        steps = thin_steps(traj.steps, max_rows)
        with np.errstate(over="ignore"):
            loss = np.asarray(problem.loss(traj.xs[steps]), dtype=float)
        frames.append(pd.DataFrame({"step": steps, "optimiser": name, "loss": loss}))
    return pd.concat(frames, ignore_index=True)


def _steps(n: int) -> str:
    return f"{n} step{'s' if n != 1 else ''}"


def _times(n: int) -> str:
    return f"{n} time{'s' if n != 1 else ''}"


def landed_in_one_step(traj: Trajectory) -> bool:
    """A run that converged with its first update: a coincidence of x0, lr and g (e.g. 0 + 0.1 × 40 = 4),
    a fact worth a word but not a speed to rank."""
    return traj.status == CONVERGED and traj.steps == 1


def landing(problem, traj: Trajectory, lr: float | None = None) -> str:
    """'lands on 4 in one step: 0 + 0.1 × 40 = 4': a one-step run and the arithmetic of its step (x0, lr, and
    the step over lr, which is |g| for gradient descent, 10 for RMSProp's first step, 1 for Adagrad's and Adam's)."""
    if traj.xs.ndim > 1:
        return "lands on the minimum in one step"
    root = run_outcome(problem, traj, traj.steps).root
    x0, x1 = float(traj.xs[0]), float(traj.xs[1])
    if lr is None or root is None:
        return f"lands on {x1:.4g} in one step"
    sign = "+" if x1 >= x0 else "−"
    factor = abs(x1 - x0) / lr
    if abs(factor - 1) < 1e-6:  # a first step of lr itself (Adagrad, Adam): no factor to show
        return f"lands on {root:.4g} in one step: {x0:.4g} {sign} {lr:g} = {x1:.4g}"
    return f"lands on {root:.4g} in one step: {x0:.4g} {sign} {lr:g} × {factor:.4g} = {x1:.4g}"


def outcome(problem, traj: Trajectory, lr: float | None = None) -> str:
    """What a race run did, naming the root on a 1-D problem: 'converged to 4 in 12 steps', 'diverged at
    step 3', 'ends in a 2-cycle through 3.725, 4.173', 'did not finish in 1000 steps', or for a run that
    converged with its first update 'lands on 4 in one step: 0 + 0.1 × 40 = 4' (``lr``: the run's)."""
    if landed_in_one_step(traj):
        return landing(problem, traj, lr)
    if traj.xs.ndim > 1:  # a 2-D surface: one minimum, nothing to name
        if traj.status == CONVERGED:
            return f"converged in {_steps(traj.steps)}"
        if traj.status == DIVERGED:
            return f"diverged at step {diverged_at(traj)}"
        return f"did not finish in {_steps(traj.steps)}"
    o = run_outcome(problem, traj, traj.steps)
    if o.kind == CONVERGED:
        where = f" to {o.root:.4g}" if o.root is not None else ""
        return f"converged{where} in {_steps(o.steps)}"
    if o.kind == DIVERGED:
        return f"diverged at step {o.steps}"
    if o.kind == CYCLE:
        return f"ends in a {o.period}-cycle through {', '.join(f'{v:.4g}' for v in o.points)}"
    if o.kind == CHAOS:
        return f"wanders chaotically within [{o.points[0]:.4g}, {o.points[1]:.4g}]"
    if o.kind == ON_VERTEX:
        return f"is stuck at the vertex {problem.vertex:.4g} after {_steps(o.steps)}"
    return f"did not finish in {_steps(o.steps)}"


def race_summary(problem, runs: dict[str, Trajectory], lrs: dict[str, float] | None = None) -> str:
    """One sentence: what each optimiser did (and which root it reached)."""
    lrs = lrs or {}
    parts = [f"{name} {outcome(problem, traj, lrs.get(name))}" for name, traj in runs.items()]
    if len(parts) == 1:
        return f"{parts[0]}."
    return "; ".join(parts[:-1]) + f" and {parts[-1]}."


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
        o = run_outcome(problem, traj, traj.steps)
        if o.kind == CONVERGED and o.root is not None:
            reached.setdefault(o.root, []).append(name)
    if len(reached) > 1 and problem.vertex is not None:
        ends = "; ".join(f"{' and '.join(names)} at {root:.4g}" for root, names in sorted(reached.items()))
        carried = "by momentum's velocity or by a large step" if "momentum" in runs else "by a large step"
        lines.append(f"They end at different roots: {ends}. The vertex {problem.vertex:.4g} divides the two "
                     f"basins, and a run that is carried across it ({carried}) ends at the other root.")
    bound = problem.stable_lr()
    if bound is not None and gd is not None:
        lines.append(f"Gradient descent is stable near a root only for lr < {bound:.4g}; here lr = {lr:g}.")
    if gd is None or ada is None:
        return lines
    first = first_steps(problem, x0, lr)
    if first["g"] != 0:
        lines.append(
            f"Why: at x0 = {x0:g} the gradient is {first['g']:.4g}. Gradient descent's first step is −lr·g = "
            f"{first['gradient descent']:+.4g}; Adagrad's is −lr·g/(√(g²) + eps) = {first['Adagrad']:+.4g}, "
            f"which is ±lr whatever the size of g. After that Adagrad divides by the √ of every squared "
            f"gradient so far, so a huge first gradient keeps its later steps small.")
    if gd.status == DIVERGED and ada.status == CONVERGED and not landed_in_one_step(ada):
        lines.append(f"Adapting helps here: at lr = {lr:g} gradient descent overshoots and escapes, "
                     f"while Adagrad reaches x = {ada.x:.6g} in {_steps(ada.steps)}.")
    elif gd.status == CONVERGED and not landed_in_one_step(gd) and (ada.status != CONVERGED or ada.steps > gd.steps):
        final = float(adagrad_final_lr(problem, ada, lr))
        where = (f"needs {_steps(ada.steps)}" if ada.status == CONVERGED
                 else f"is still at x = {ada.x:.4g} after {_steps(ada.steps)}")
        lines.append(f"Adapting hurts here: gradient descent needs {gd.steps} steps and Adagrad {where}. "
                     f"Adagrad's step size lr/(√G + eps) has shrunk from lr = {lr:g} to {final:.3g}, "
                     f"because G only ever grows.")
    return lines


def bowl_story(surface, runs: dict[str, Trajectory], lr: float, lr_adagrad: float) -> list[str]:
    """Sentences for the 2-D race; on the bowl, why per-coordinate step sizes help, with numbers."""
    lines = [race_summary(surface, runs, {"gradient descent": lr, "momentum": lr, "Adagrad": lr_adagrad})]
    ada, gd = runs.get("Adagrad"), runs.get("gradient descent")
    final = adagrad_final_lr(surface, ada, lr_adagrad) if ada is not None else None
    if ada is not None and ada.steps > 0:
        lines.append(f"Adagrad's step sizes lr/(√G + eps) ended at {final[0]:.3g} for x and {final[1]:.3g} for y "
                     f"({max(final) / min(final):.3g}× apart): each coordinate gets its own learning rate, "
                     f"set by its own gradients.")
    # Gradient descent's bound (momentum's is another): a sentence names only racers in the race.
    if isinstance(surface, Bowl) and gd is not None:
        bound = surface.stable_lr()
        factor = abs(1 - 2 * lr)
        lines.append(
            f"Gradient descent has one learning rate for both coordinates: the steep y direction (curvature "
            f"{2 * surface.s:g}) caps it at lr < {bound:.3g}, and at lr = {lr:g} the flat x direction "
            f"(curvature 2) shrinks only by a factor |1 − 2·lr| = {factor:.3g} per step.")
        if gd is not None and ada is not None and ada.status == CONVERGED and final[0] > bound and final[1] < bound:
            versus = (f"{gd.steps} for gradient descent" if gd.status == CONVERGED and not landed_in_one_step(gd)
                      else f"gradient descent, which {outcome(surface, gd, lr)}")
            lines.append(
                f"This is where per-coordinate step sizes shine: Adagrad's step size along x ({final[0]:.3g}) is "
                f"above the {bound:.3g} that any single learning rate must stay below, while along y it is "
                f"{final[1]:.3g}, safely under it; it reached the minimum in {ada.steps} steps, against {versus}.")
    return lines


# ---------------------------------------------------------------------------------------------------
# Why Adagrad slows down, and what came next: effective steps, and who wins


def effective_steps(problem, traj: Trajectory) -> tuple[np.ndarray, np.ndarray]:
    """The effective step of each update t = 1 … steps: the step taken over the gradient it was taken at,
    |x_t − x_{t−1}| / |g(x_{t−1})| (Euclidean norms in 2-D). Gradient descent's is lr at every update;
    Adagrad's is lr/(√G + eps) and RMSProp's lr/(√s + eps) (in 1-D); Adam's also carries its momentum.
    Updates taken at a zero gradient, or whose numbers overflowed, are left out. Returns (t, ratio)."""
    xs = np.asarray(traj.xs, dtype=float)
    if traj.steps == 0:
        return np.zeros(0, dtype=int), np.zeros(0)
    with np.errstate(all="ignore"):
        dx = np.diff(xs, axis=0)
        g = np.asarray(problem.grad(xs[:-1]), dtype=float)
        if xs.ndim > 1:
            dx, g = np.linalg.norm(dx, axis=1), np.linalg.norm(g, axis=1)
        else:
            dx, g = np.abs(dx), np.abs(g)
        ratio = dx / g
    keep = np.isfinite(ratio) & np.isfinite(g) & (g > 0)
    return np.arange(1, traj.steps + 1)[keep], ratio[keep]


def effective_step_frame(problem, runs: dict[str, Trajectory], max_rows: int = 400) -> pd.DataFrame:
    """Long frame (step, optimiser, effective step) with at most about max_rows rows per optimiser."""
    frames = []
    for name, traj in runs.items():
        t, ratio = effective_steps(problem, traj)
        if len(t):
            pick = thin_steps(len(t) - 1, max_rows)
            frames.append(pd.DataFrame({"step": t[pick], "optimiser": name, "effective step": ratio[pick]}))
    return (pd.concat(frames, ignore_index=True) if frames
            else pd.DataFrame(columns=["step", "optimiser", "effective step"]))


def reversals(traj: Trajectory) -> int:
    """How many times a run turned back: consecutive steps pointing in opposite directions (dot product < 0)."""
    dx = np.diff(np.asarray(traj.xs, dtype=float), axis=0)
    if len(dx) < 2:
        return 0
    dx = dx.reshape(len(dx), -1)
    return int(np.sum(np.sum(dx[1:] * dx[:-1], axis=1) < 0))


def effective_step_story(problem, runs: dict[str, Trajectory], lrs: dict[str, float]) -> list[str]:
    """Why Adagrad slows down and what RMSProp and Adam change, one sentence per adaptive racer in ``runs``,
    each from its run's own effective steps."""
    lines = []
    for name in ADAPTIVE:
        traj = runs.get(name)
        if traj is None:
            continue
        t, ratio = effective_steps(problem, traj)
        if len(t) < 2:
            lines.append(f"{name} took {_steps(traj.steps)}: too few to watch its step size change.")
            continue
        start, end, low = float(ratio[0]), float(ratio[-1]), int(np.argmin(ratio))
        span = f"went from {start:.3g} at step {t[0]} to {end:.3g} at step {t[-1]}"
        rule = scaling(name)
        if rule.steps_only_shrink:
            lines.append(f"**{name}**'s effective step {span}, {start / end:.3g}× smaller: it divides by "
                         f"{rule.divisor}, the root of the sum of every g² so far, which only grows, so the big early "
                         "gradients keep every later step small, even where the slope is gentle.")
        elif name == "RMSProp":
            grew = float(ratio[low:].max()) / float(ratio[low]) if low < len(ratio) - 1 else 1.0
            back = (f"; it fell to {ratio[low]:.3g} at step {t[low]} and grew back {grew:.3g}× as the gradients "
                    "shrank" if grew > 1.5 else
                    f"; its smallest was {ratio[low]:.3g} at step {t[low]}")
            lines.append(f"**RMSProp** forgets: s is a decaying mean of g² (ρ = {RMSPROP_DECAY:g}, so a gradient "
                         f"counts for about {1 / (1 - RMSPROP_DECAY):.0f} steps), and its effective step {span}"
                         f"{back}.")
        else:
            first = float(np.abs(np.diff(np.asarray(traj.xs, dtype=float)[:2], axis=0)).max())
            lines.append(f"**Adam**'s effective step {span}. Its first step is {first:.3g} in size, lr itself "
                         f"(lr = {lrs[name]:g}): at step 1 the bias corrections make m̂ = g and v̂ = g². "
                         f"After that it moves along m, a decaying mean of g (momentum, β₁ = {ADAM_B1:g}), "
                         f"scaled by a slowly forgetting √v̂ (β₂ = {ADAM_B2:g}, about {1 / (1 - ADAM_B2):.0f} "
                         f"steps); it turned back {reversals(traj)} times on the way.")
    return lines


# Why an adaptive racer beat the plain ones, by what it divides g by (core.optim.SCALING's divides_by).
WHY_ADAPTIVE_WINS = {
    "sum": ("Why {winner} wins here: it divides g by {divisor}, the root of the sum of every g² so far, so its "
            "steps do not grow with the slope (none moved a coordinate by more than lr = {lr:g}) and one lr suits "
            "both steep and flat ground, while the plain step lr·g is huge where the loss is steep and tiny where "
            "it is flat ({lost}). The sum only grows, so its step size lr/({divisor} + eps) only shrinks."),
    "mean": ("Why {winner} wins here: it divides g by {divisor}, the root of a decaying mean of recent g², so its "
             "steps do not grow with the slope and one lr suits both steep and flat ground, while the plain step "
             "lr·g is huge where the loss is steep and tiny where it is flat ({lost}). The mean forgets old "
             "gradients, so its step size lr/({divisor} + eps) can grow again where the slope eases."),
}
# Why a plain racer beat an adaptive one: one sentence per slower adaptive racer, by what it divides by.
WHY_ADAPTIVE_LOSES = {
    "sum": ("{name} divides g by {divisor}, the root of the sum of every g² so far, which only grows: its step "
            "size lr/({divisor} + eps) only shrinks, and it {outcome}."),
    "mean": ("{name} divides g by {divisor}, the root of a decaying mean of g², so its steps do not shrink with g "
             "as the plain step does: it turned back {turns} on the way and {outcome}."),
    "mean, straight": ("{name} divides g by {divisor}, the root of a decaying mean of g², so its steps do not shrink "
                       "with g as the plain step does, and it {outcome}."),
}
ONE_STEP_LANDING = ("{name} {landing} (its first step is {first_step}): a coincidence of the numbers, not speed, so "
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
        lines.append(ONE_STEP_LANDING.format(name=name, landing=landing(problem, runs[name], lrs[name]),
                                             first_step=scaling(name).first_step))
    done = sorted((traj.steps, list(RACERS).index(name), name) for name, traj in runs.items()
                  if traj.status == CONVERGED and name not in lucky)
    failed = [name for name in runs if runs[name].status != CONVERGED]
    if not done:
        if not lucky:
            return ["None of them converged within the step limit at these learning rates; the table below races "
                    "each at every learning rate."]
        return lines + ([f"Not converged: {', '.join(failed)}."] if failed else [])
    ranking = ", then ".join(f"{name} ({_steps(steps)}, lr = {lrs[name]:g})" for steps, _, name in done)
    lines.insert(0, f"Converged, fastest first: {ranking}."
                 + (f" Not converged: {', '.join(failed)}." if failed else ""))
    winner = done[0][2]
    plain = [name for name in ("gradient descent", "momentum") if name in runs and name not in lucky]
    adaptive = [name for name in ADAPTIVE if name in runs]
    rule = scaling(winner)
    if winner in ADAPTIVE and plain:
        lost = "; ".join(f"{name} {outcome(problem, runs[name], lrs[name])}" for name in plain)
        lines.append(WHY_ADAPTIVE_WINS[rule.divides_by].format(winner=winner, divisor=rule.divisor, lr=lrs[winner],
                                                               lost=lost))
    elif winner in plain and adaptive:
        slow = [name for name in adaptive if runs[name].status != CONVERGED or runs[name].steps > done[0][0]]
        if slow:
            lines.append(f"Why {winner} wins here: at lr = {lrs[winner]:g} its step lr·g shrinks on its own as the "
                         "gradient goes to zero near the minimum, so it settles.")
            for name in slow:
                turns = reversals(runs[name])
                kind = scaling(name).divides_by + (", straight" if kind_is_mean(name) and not turns else "")
                lines.append(WHY_ADAPTIVE_LOSES[kind].format(name=name, divisor=scaling(name).divisor,
                                                             turns=_times(turns),
                                                             outcome=outcome(problem, runs[name], lrs[name])))
    gd = runs.get("gradient descent")
    if winner == "momentum" and gd is not None and "gradient descent" not in lucky:
        lines.append(f"Momentum beats gradient descent ({outcome(problem, gd, lrs['gradient descent'])}) because "
                     "its velocity adds up steps that keep pointing the same way.")
    return lines


def lr_sweep(problem, x0, lrs, max_steps: int, chosen=DEFAULT_RACERS) -> tuple[pd.DataFrame, str]:
    """Each chosen racer at each lr (the same lr for all): a table with a row per lr and a column per racer,
    and a sentence naming the learning rates at which each racer converged (a one-step landing, a
    coincidence, is named apart)."""
    names = [name for name in RACERS if name in chosen]
    rows, worked, lucky = [], {name: [] for name in names}, []
    for lr in lrs:
        runs = race(problem, x0, lr, max_steps, chosen=names)
        rows.append({"lr": f"{lr:g}", **{name: outcome(problem, traj, lr) for name, traj in runs.items()}})
        for name, traj in runs.items():
            if landed_in_one_step(traj):
                lucky.append(f"{name} at lr = {lr:g}")
            elif traj.status == CONVERGED:
                worked[name].append(f"{lr:g}")
    parts = [f"{name} at {len(good)} of {len(rows)} ({', '.join(good) if good else 'none'})"
             for name, good in worked.items()]
    table = pd.DataFrame(rows, columns=["lr", *names])
    if not names:
        return table, ""
    sentence = "Converged within the step limit: " + "; ".join(parts) + "."
    if lucky:
        sentence += (" Landed on a root with the first step, a coincidence of the numbers, not counted above: "
                     + "; ".join(lucky) + ".")
    return table, sentence


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
HINT_SENTENCE = ("{surface}'s valley is steep across and flat along: at the minimum its curvature is {high:.5g} across "
                 "and {low:.4g} along, so gradient descent is stable there only for lr < {bound:.4g}, and at "
                 "lr = {lr:g} the error along the floor shrinks by a factor of only 1 − {lr:g} × {low:.4g} = "
                 "{factor:.5g} per step. [The race from ({sx:g}, {sy:g}) with {racers}, at most {steps} steps]"
                 "({link}), as this page runs it: {summary}")


def hint_sentence(surface, hint: Hint, runs: dict[str, Trajectory], link: str) -> str:
    """The hint's sentence: the surface's curvatures at its minimum, and what the hint's own runs (``runs``,
    raced at exactly ``hint``'s settings) did; ``link`` opens that race."""
    high, low = surface.curvatures()
    lr = hint.lrs["gradient descent"]
    return HINT_SENTENCE.format(surface=surface.name.capitalize(), high=high, low=low, bound=surface.stable_lr(),
                                lr=lr, factor=1 - lr * low, sx=hint.start[0], sy=hint.start[1],
                                racers=racer_words(hint.chosen, hint.lrs), steps=hint.steps, link=link,
                                summary=race_summary(surface, runs, hint.lrs))


def clip_path(traj: Trajectory, box) -> tuple[np.ndarray, bool]:
    """A 2-D path limited to ``box`` for display (points outside are clipped to its edge), and whether any was."""
    (x_lo, x_hi), (y_lo, y_hi) = box
    xs = np.asarray(traj.xs, dtype=float).reshape(-1, 2)
    clipped = np.column_stack([np.clip(xs[:, 0], x_lo, x_hi), np.clip(xs[:, 1], y_lo, y_hi)])
    return clipped, bool(np.any(clipped != xs))


def view_box(surface, start) -> tuple[tuple[float, float], tuple[float, float]]:
    """The surface's box, widened to hold the start point with a margin."""
    (x_lo, x_hi), (y_lo, y_hi) = surface.box
    sx, sy = start
    mx, my = 0.1 * (x_hi - x_lo), 0.1 * (y_hi - y_lo)
    return (min(x_lo, sx - mx), max(x_hi, sx + mx)), (min(y_lo, sy - my), max(y_hi, sy + my))


def root_view(problem, x0: float, margin: float = 1.0) -> tuple[float, float]:
    """The x range the 1-D trajectory chart shows: the roots and x0, with a margin."""
    points = [*problem.roots(), float(x0)]
    return min(points) - margin, max(points) + margin


def path_frame_1d(runs: dict[str, Trajectory], x_range, max_rows: int = 600) -> tuple[pd.DataFrame, bool]:
    """Long frame (optimiser, step, x, x shown) with x clipped to x_range for display; and whether any was."""
    frames, clipped = [], False
    for name, traj in runs.items():
        steps = thin_steps(traj.steps, max_rows)
        x = np.asarray(traj.xs, dtype=float)[steps]
        shown = np.clip(x, *x_range)
        clipped |= bool(np.any(np.clip(traj.xs, *x_range) != traj.xs))
        frames.append(pd.DataFrame({"optimiser": name, "step": steps, "x": x, "x shown": shown}))
    return pd.concat(frames, ignore_index=True), clipped


def path_frame_2d(runs: dict[str, Trajectory], box, max_rows: int = 800) -> tuple[pd.DataFrame, bool]:
    """Long frame (optimiser, step, x, y) of 2-D paths clipped to ``box``; and whether any point was."""
    frames, clipped = [], False
    for name, traj in runs.items():
        points, was = clip_path(traj, box)
        clipped |= was
        steps = thin_steps(traj.steps, max_rows)
        frames.append(pd.DataFrame({"optimiser": name, "step": steps, "x": points[steps, 0], "y": points[steps, 1]}))
    return pd.concat(frames, ignore_index=True), clipped
