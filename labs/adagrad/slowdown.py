"""Why Adagrad slows down, and what came next (section 3 of the Adagrad page): the effective step |Δx| / |g| of
each update of a race run, and a sentence per adaptive racer on how its step size moved, and why.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.descent import Trajectory
from i18n import _, ngettext
from labs.adagrad.chart_data import thin_steps
from labs.adagrad.races import ADAM_B1, ADAM_B2, ADAPTIVE, RMSPROP_DECAY, racer_label, scaling, sentence_start


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
            lines.append(sentence_start(ngettext("{name} took {n} step: too few to watch its step size change.",
                                                 "{name} took {n} steps: too few to watch its step size change.",
                                                 traj.steps, name=racer_label(name))))
            continue
        start, end, low = float(ratio[0]), float(ratio[-1]), int(np.argmin(ratio))
        span = _("went from {start} at step {t0} to {end} at step {t1}", start=f"{start:.3g}", t0=t[0],
                 end=f"{end:.3g}", t1=t[-1])
        rule = scaling(name)
        if rule.steps_only_shrink:
            lines.append(_("**{name}**'s effective step {span}, {ratio}× smaller: it divides by {divisor}, the root "
                           "of the sum of every g² so far, which only grows, so the big early gradients keep every "
                           "later step small, even where the slope is gentle.", name=racer_label(name), span=span,
                           ratio=f"{start / end:.3g}", divisor=rule.divisor))
        elif name == "RMSProp":
            grew = float(ratio[low:].max()) / float(ratio[low]) if low < len(ratio) - 1 else 1.0
            back = (_("; it fell to {low} at step {t} and grew back {grew}× as the gradients shrank",
                      low=f"{ratio[low]:.3g}", t=t[low], grew=f"{grew:.3g}") if grew > 1.5 else
                    _("; its smallest was {low} at step {t}", low=f"{ratio[low]:.3g}", t=t[low]))
            lines.append(_("**RMSProp** forgets: s is a decaying mean of g² (ρ = {rho}, so a gradient counts for "
                           "about {memory} steps), and its effective step {span}{back}.", rho=f"{RMSPROP_DECAY:g}",
                           memory=f"{1 / (1 - RMSPROP_DECAY):.0f}", span=span, back=back))
        else:
            first = float(np.abs(np.diff(np.asarray(traj.xs, dtype=float)[:2], axis=0)).max())
            # The English says "times" whatever the count (the page always has); Russian needs its three forms.
            lines.append(ngettext("**Adam**'s effective step {span}. Its first step is {first} in size, lr itself "
                                  "(lr = {lr}): at step 1 the bias corrections make m̂ = g and v̂ = g². After that "
                                  "it moves along m, a decaying mean of g (momentum, β₁ = {b1}), scaled by a slowly "
                                  "forgetting √v̂ (β₂ = {b2}, about {memory} steps); it turned back {n} times on the "
                                  "way.",
                                  "**Adam**'s effective step {span}. Its first step is {first} in size, lr itself "
                                  "(lr = {lr}): at step 1 the bias corrections make m̂ = g and v̂ = g². After that "
                                  "it moves along m, a decaying mean of g (momentum, β₁ = {b1}), scaled by a slowly "
                                  "forgetting √v̂ (β₂ = {b2}, about {memory} steps); it turned back {n} times on the "
                                  "way.", reversals(traj), span=span, first=f"{first:.3g}", lr=f"{lrs[name]:g}",
                                  b1=f"{ADAM_B1:g}", b2=f"{ADAM_B2:g}", memory=f"{1 / (1 - ADAM_B2):.0f}"))
    return lines
