"""Why Adagrad slows down, and what came next (section 3 of the Adagrad page): the effective step |Δx| / |g| of
each update of a race run, and a sentence per adaptive racer on how its step size moved, and why.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.descent import Trajectory
from labs.adagrad.chart_data import thin_steps
from labs.adagrad.races import ADAM_B1, ADAM_B2, ADAPTIVE, RMSPROP_DECAY, scaling
from labs.descent.format import plural


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
            lines.append(f"{name} took {plural(traj.steps, 'step')}: too few to watch its step size change.")
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
