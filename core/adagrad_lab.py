"""Everything the Adagrad page shows that is computed. All optimiser maths comes from ``core.optim``.

Two parts:

- The step inspector: the exercise's parameters (a 10×10 matrix W and a 10-vector b, N(0, 1), from a
  seed) stepped k times by ``adagrad(lr, eps)``. The gradient of step t (t = 1, 2, …) is either a fresh
  N(0, 1) draw from a Generator seeded by (seed, t), or the gradient of ½‖θ‖², which is θ itself. So
  (config, k) fixes the whole run: stepping 3 then 4 times gives bit for bit what 7 steps give.
- Races: gradient descent, momentum (β 0.9) and Adagrad from one start point on a 1-D problem
  (the root-finding loss p(x)²) or a 2-D surface, with sentences computed from the trajectories.

Elements are numbered W row by row (0 … 99), then b (100 … 109).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from core.descent import CHAOS, CONVERGED, CYCLE, DIVERGED, ON_VERTEX, Trajectory, descend, diverged_at
from core.descent import outcome as run_outcome
from core.optim import AdagradState, Params, adagrad, apply_updates, effective_lr, momentum, sgd

SHAPES = ((10, 10), (10,))
N_ELEMENTS = sum(math.prod(s) for s in SHAPES)
GRAD_SOURCES = {"noise": "N(0, 1) draws", "quadratic": "gradient of ½‖θ‖² (= θ)"}
MAX_K = 1000
MAX_SEED = 2**31 - 1
TABLE_ROWS = 10

MOMENTUM_BETA = 0.9
RACERS = ("gradient descent", "momentum", "Adagrad")


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
    eff = effective_lr(cfg.lr, AdagradState([sums]), cfg.eps)[0]
    return pd.DataFrame({
        "step t": steps,
        "θ before": run.theta[steps - 1, index],
        "g": run.grads[steps - 1, index],
        "G = G + g²": sums,
        "lr / (√G + eps)": eff,
        "update": run.updates[steps - 1, index],
        "θ after": run.theta[steps, index],
    })


def matrix_frame(run: InspectorRun) -> pd.DataFrame:
    """One row per element of W: row, col, G and the effective learning rate lr / (√G + eps)."""
    cfg = run.config
    G = run.state.sum_of_squares[0]
    eff = effective_lr(cfg.lr, AdagradState([G]), cfg.eps)[0]
    rows, cols = np.indices(G.shape)
    with np.errstate(divide="ignore"):
        return pd.DataFrame({"row": rows.ravel(), "col": cols.ravel(), "G": G.ravel(),
                             "effective lr": eff.ravel(), "θ": run.params[0].ravel()})


def _log_steps(k: int, points: int = 200) -> np.ndarray:
    """About ``points`` step numbers in 1 … k, spread evenly on a log axis."""
    return np.unique(np.geomspace(1, k, points).round().astype(int)) if k else np.array([], dtype=int)


def effective_lr_series(run: InspectorRun, indices: list[int]) -> pd.DataFrame:
    """Long frame (step, series, effective lr) for the chosen elements, plus the envelope lr/√t:
    for unit-variance gradients G after t steps is about t, so lr / √G ≈ lr / √t."""
    cfg = run.config
    steps = _log_steps(run.k)
    frames = []
    for index in dict.fromkeys(indices):
        eff = effective_lr(cfg.lr, AdagradState([run.sums[steps - 1, index]]), cfg.eps)[0]
        frames.append(pd.DataFrame({"step": steps, "series": element_label(index), "effective lr": eff}))
    frames.append(pd.DataFrame({"step": steps, "series": "lr/√t", "effective lr": cfg.lr / np.sqrt(steps)}))
    return pd.concat(frames, ignore_index=True)


def envelope_ratio(run: InspectorRun) -> float | None:
    """Median over all elements of (effective lr after k steps) / (lr/√k): about 1 for N(0, 1) gradients."""
    if run.k == 0:
        return None
    eff = effective_lr(run.config.lr, AdagradState([run.sums[-1]]), run.config.eps)[0]
    return float(np.median(eff / (run.config.lr / math.sqrt(run.k))))


# ---------------------------------------------------------------------------------------------------
# Races


def racers(lr: float, lr_adagrad: float | None = None, eps: float = 1e-8) -> dict:
    """The three optimisers of a race: gradient descent and momentum at lr, Adagrad at lr_adagrad (or lr)."""
    return {"gradient descent": sgd(lr), "momentum": momentum(lr, MOMENTUM_BETA),
            "Adagrad": adagrad(lr if lr_adagrad is None else lr_adagrad, eps)}


def race(problem, x0, lr: float, max_steps: int, lr_adagrad: float | None = None,
         tol: float = 1e-6) -> dict[str, Trajectory]:
    """Each racer's trajectory from x0 under ``core.descent``'s stopping rule."""
    return {name: descend(problem, x0, opt, max_steps, tol) for name, opt in racers(lr, lr_adagrad).items()}


def loss_frame(problem, runs: dict[str, Trajectory], max_rows: int = 600) -> pd.DataFrame:
    """Long frame (step, optimiser, loss) with at most about max_rows rows per optimiser."""
    frames = []
    for name, traj in runs.items():
        steps = np.unique(np.linspace(0, traj.steps, min(traj.steps + 1, max_rows)).round().astype(int))
        with np.errstate(over="ignore"):
            loss = np.asarray(problem.loss(traj.xs[steps]), dtype=float)
        frames.append(pd.DataFrame({"step": steps, "optimiser": name, "loss": loss}))
    return pd.concat(frames, ignore_index=True)


def _steps(n: int) -> str:
    return f"{n} step{'s' if n != 1 else ''}"


def outcome(problem, traj: Trajectory) -> str:
    """What a race run did, naming the root on a 1-D problem: 'converged to 4 in 12 steps', 'diverged at
    step 3', 'ends in a 2-cycle through 3.725, 4.173', or 'did not finish in 1000 steps'."""
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


def race_summary(problem, runs: dict[str, Trajectory]) -> str:
    """One sentence: what each optimiser did (and which root it reached)."""
    parts = [f"{name} {outcome(problem, traj)}" for name, traj in runs.items()]
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
    return np.asarray(effective_lr(lr, state, eps)[0], dtype=float)


def root_race_story(problem, x0: float, lr: float, runs: dict[str, Trajectory]) -> list[str]:
    """Sentences for the 1-D race, each backed by a number computed here."""
    gd, ada = runs["gradient descent"], runs["Adagrad"]
    first = first_steps(problem, x0, lr)
    lines = [race_summary(problem, runs)]
    reached = {}
    for name, traj in runs.items():
        o = run_outcome(problem, traj, traj.steps)
        if o.kind == CONVERGED and o.root is not None:
            reached.setdefault(o.root, []).append(name)
    if len(reached) > 1 and problem.vertex is not None:
        ends = "; ".join(f"{' and '.join(names)} at {root:.4g}" for root, names in sorted(reached.items()))
        lines.append(f"They end at different roots: {ends}. The vertex {problem.vertex:.4g} divides the two "
                     "basins, and a run that is carried across it (by momentum's velocity or by a large step) "
                     "ends at the other root.")
    bound = problem.stable_lr()
    if bound is not None:
        lines.append(f"Gradient descent is stable near a root only for lr < {bound:.4g}; here lr = {lr:g}.")
    if first["g"] != 0:
        lines.append(
            f"Why: at x0 = {x0:g} the gradient is {first['g']:.4g}. Gradient descent's first step is −lr·g = "
            f"{first['gradient descent']:+.4g}; Adagrad's is −lr·g/(√(g²) + eps) = {first['Adagrad']:+.4g}, "
            f"which is ±lr whatever the size of g. After that Adagrad divides by the √ of every squared "
            f"gradient so far, so a huge first gradient keeps its later steps small.")
    if gd.status == DIVERGED and ada.status == CONVERGED:
        lines.append(f"Adapting helps here: at lr = {lr:g} gradient descent overshoots and escapes, "
                     f"while Adagrad reaches x = {ada.x:.6g} in {_steps(ada.steps)}.")
    elif gd.status == CONVERGED and (ada.status != CONVERGED or ada.steps > gd.steps):
        final = float(adagrad_final_lr(problem, ada, lr))
        where = (f"needs {_steps(ada.steps)}" if ada.status == CONVERGED
                 else f"is still at x = {ada.x:.4g} after {_steps(ada.steps)}")
        lines.append(f"Adapting hurts here: gradient descent needs {gd.steps} steps and Adagrad {where}. "
                     f"Adagrad's step size lr/(√G + eps) has shrunk from lr = {lr:g} to {final:.3g}, "
                     f"because G only ever grows.")
    return lines


def bowl_story(surface, runs: dict[str, Trajectory], lr: float, lr_adagrad: float) -> list[str]:
    """Sentences for the 2-D race; on the bowl, why per-coordinate step sizes help, with numbers."""
    lines = [race_summary(surface, runs)]
    ada, gd = runs["Adagrad"], runs["gradient descent"]
    final = adagrad_final_lr(surface, ada, lr_adagrad)
    if ada.steps > 0:
        lines.append(f"Adagrad's step sizes lr/(√G + eps) ended at {final[0]:.3g} for x and {final[1]:.3g} for y "
                     f"({max(final) / min(final):.3g}× apart): each coordinate gets its own learning rate, "
                     f"set by its own gradients.")
    if hasattr(surface, "stable_lr"):
        bound = surface.stable_lr()
        factor = abs(1 - 2 * lr)
        lines.append(
            f"Gradient descent has one learning rate for both coordinates: the steep y direction (curvature "
            f"{2 * surface.s:g}) caps it at lr < {bound:.3g}, and at lr = {lr:g} the flat x direction "
            f"(curvature 2) shrinks only by a factor |1 − 2·lr| = {factor:.3g} per step.")
        if ada.status == CONVERGED and final[0] > bound and final[1] < bound:
            versus = (f"{gd.steps} for gradient descent" if gd.status == CONVERGED
                      else f"gradient descent, which {outcome(surface, gd)}")
            lines.append(
                f"This is where per-coordinate step sizes shine: Adagrad's step size along x ({final[0]:.3g}) is "
                f"above the {bound:.3g} that any single learning rate must stay below, while along y it is "
                f"{final[1]:.3g}, safely under it; it reached the minimum in {ada.steps} steps, against {versus}.")
    return lines


def lr_sweep(problem, x0, lrs, max_steps: int) -> tuple[pd.DataFrame, str]:
    """Each racer at each lr (the same lr for all three): a table with a row per lr and a column per racer,
    and a sentence naming the learning rates at which each racer converged."""
    rows, worked = [], {name: [] for name in RACERS}
    for lr in lrs:
        runs = race(problem, x0, lr, max_steps)
        rows.append({"lr": f"{lr:g}", **{name: outcome(problem, traj) for name, traj in runs.items()}})
        for name, traj in runs.items():
            if traj.status == CONVERGED:
                worked[name].append(f"{lr:g}")
    parts = [f"{name} at {len(good)} of {len(rows)} ({', '.join(good) if good else 'none'})"
             for name, good in worked.items()]
    return pd.DataFrame(rows), "Converged within the step limit: " + "; ".join(parts) + "."


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
        steps = np.unique(np.linspace(0, traj.steps, min(traj.steps + 1, max_rows)).round().astype(int))
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
        steps = np.unique(np.linspace(0, traj.steps, min(traj.steps + 1, max_rows)).round().astype(int))
        frames.append(pd.DataFrame({"optimiser": name, "step": steps, "x": points[steps, 0], "y": points[steps, 1]}))
    return pd.concat(frames, ignore_index=True), clipped
