"""The step inspector (section 1 of the Adagrad page): the exercise's parameters, a 10×10 matrix W and a
10-vector b, N(0, 1) from a seed, stepped k times by ``core.optim.adagrad(lr, eps)``, and every quantity of
those steps: the step table, the newest step in words, G and the effective lr of W, their series over steps.

The gradient of step t (t = 1, 2, …) is either a fresh N(0, 1) draw from a Generator seeded by (seed, t), or
the gradient of ½‖θ‖², which is θ itself. So (config, k) fixes the whole run: stepping 3 then 4 times gives
bit for bit what 7 steps give. Elements are numbered W row by row (0 … 99), then b (100 … 109).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from core.optim import AdagradState, Params, adagrad, apply_updates, effective_lr
from i18n import N_, _

SHAPES = ((10, 10), (10,))
N_ELEMENTS = sum(math.prod(s) for s in SHAPES)
GRAD_SOURCES = {"noise": N_("N(0, 1) draws"), "quadratic": N_("gradient of ½‖θ‖² (= θ)")}
GRAD_LABELS = {"noise": N_("noise"), "quadratic": N_("quadratic")}  # the choice's options as shown
MAX_K = 1000
MAX_SEED = 2**31 - 1
TABLE_ROWS = 10


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
            raise ValueError(_("Invalid seed: {seed} (needs an integer in [0, {most}])", seed=repr(self.seed),
                               most=MAX_SEED))
        if self.grad not in GRAD_SOURCES:
            raise ValueError(_("Invalid gradient source: {grad} (one of {names})", grad=repr(self.grad),
                               names=", ".join(GRAD_SOURCES)))


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
        raise ValueError(_("Invalid number of steps k: {k} (needs an integer in [0, {most}])", k=repr(k), most=MAX_K))
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
        raise ValueError(_("Invalid element index ({i}, {j}): both must be in 0 … 9", i=i, j=j))
    if param == "W":
        return 10 * i + j
    if param == "b":
        return 100 + i
    raise ValueError(_("Invalid parameter {param}: W or b", param=repr(param)))


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


# The step table in two halves, each narrow enough for a phone: what Adagrad computes, and the move it makes.
STEP_TABLE_PARTS = (("step t", "g", "G = G + g²", "lr / (√G + eps)"), ("step t", "θ before", "update", "θ after"))
# The step table's column names as its header shows them (the names stay the frame's columns).
COLUMN_TITLES = {"step t": N_("step t"), "θ before": N_("θ before"), "update": N_("update"), "θ after": N_("θ after")}


def column_title(column: str) -> str:
    """A step-table column as its header reads in the current language."""
    return _(COLUMN_TITLES[column]) if column in COLUMN_TITLES else column


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
    "hidden": N_("Step {t} of {element}: g = {g}. What are G, lr / (√G + eps), the update and θ after? Work them out, "
                 "then show them."),
    "shown": N_("Step {t} of {element}: g = {g}, so θ moves by {update}, from {before} to {after}."),
}
STEP_WHY = N_("G = {G_before} + ({g})² = {G}; lr / (√G + eps) = {lr} / (√{G} + {eps}) = {eff}; update = −{eff} × "
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
        return _(STEP_SHORT["shown" if shown else "hidden"], **self.fields)

    @property
    def why(self) -> str:
        return _(STEP_WHY, **self.fields)


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
