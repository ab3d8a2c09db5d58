"""Optimisers as pairs of pure functions over explicit state (optax's design).

An optimiser is ``Optimizer(init, update)``:

    state = init(params)
    updates, state = update(grads, state)
    params = apply_updates(params, updates)

``params``, ``grads`` and ``updates`` are lists of numpy arrays (``Params``). ``update`` never mutates
its arguments; the state is a NamedTuple of arrays, so a page can plot it and a session can pickle it.

Equations (g a gradient, every operation elementwise):

    sgd:       update = −lr·g
    momentum:  v ← β·v − lr·g ;  update = v          (torch.optim.SGD(momentum=β, dampening=0)
                                                     takes the same steps: it keeps v/(−lr))
    adagrad:   G ← G + g² ;     update = −lr·g / (√G + eps)   (torch.optim.Adagrad, lr_decay=0)
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

Params = list[np.ndarray]  # the one definition: core.nn, core.train and the labs import it


class Optimizer(NamedTuple):
    init: Callable[[Params], Any]
    update: Callable[[Params, Any], tuple[Params, Any]]


class SgdState(NamedTuple):
    """Plain gradient descent keeps no state."""


class MomentumState(NamedTuple):
    """The velocity v: a decaying sum of past updates, one array per parameter."""

    velocity: Params


class AdagradState(NamedTuple):
    """The sum of squared gradients to date, G, one array per parameter."""

    sum_of_squares: Params


def _check_lr(lr) -> float:
    lr = float(lr)
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"Invalid learning rate: {lr} (needs a finite number > 0)")
    return lr


def sgd(lr: float) -> Optimizer:
    """Plain gradient descent: update = −lr·g."""
    lr = _check_lr(lr)

    def init(params: Params) -> SgdState:
        return SgdState()

    def update(grads: Params, state: SgdState) -> tuple[Params, SgdState]:
        return [-lr * g for g in grads], state

    return Optimizer(init, update)


def momentum(lr: float, beta: float = 0.9) -> Optimizer:
    """Heavy-ball momentum: v ← β·v − lr·g ; update = v."""
    lr = _check_lr(lr)
    beta = float(beta)
    if not (0 <= beta < 1):
        raise ValueError(f"Invalid momentum beta: {beta} (needs 0 ≤ β < 1)")

    def init(params: Params) -> MomentumState:
        return MomentumState([np.zeros_like(p, dtype=float) for p in params])

    def update(grads: Params, state: MomentumState) -> tuple[Params, MomentumState]:
        velocity = [beta * v - lr * g for v, g in zip(state.velocity, grads)]
        return velocity, MomentumState(velocity)

    return Optimizer(init, update)


def adagrad(lr: float, eps: float = 1e-8) -> Optimizer:
    """Adagrad: G ← G + g² ; update = −lr·g / (√G + eps). Each element's step shrinks as its G grows."""
    lr = _check_lr(lr)
    eps = float(eps)
    if not (math.isfinite(eps) and eps >= 0):
        raise ValueError(f"Invalid epsilon: {eps} (needs a finite number ≥ 0)")

    def init(params: Params) -> AdagradState:
        return AdagradState([np.zeros_like(p, dtype=float) for p in params])

    def update(grads: Params, state: AdagradState) -> tuple[Params, AdagradState]:
        sums = [s + g * g for s, g in zip(state.sum_of_squares, grads)]
        # With eps = 0 and G = 0 (a zero gradient so far) the step is 0/0; it is meant to be 0.
        with np.errstate(invalid="ignore", divide="ignore"):
            updates = [np.where(s > 0, -lr * g / (np.sqrt(s) + eps), 0.0) if eps == 0
                       else -lr * g / (np.sqrt(s) + eps) for s, g in zip(sums, grads)]
        return updates, AdagradState(sums)

    return Optimizer(init, update)


def effective_lr(lr: float, state: AdagradState, eps: float = 1e-8) -> Params:
    """Adagrad's per-element step size lr / (√G + eps), the factor that multiplies −g in a step."""
    return [lr / (np.sqrt(s) + eps) for s in state.sum_of_squares]


OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {"sgd": sgd, "momentum": momentum, "adagrad": adagrad}


def apply_updates(params: Params, updates: Params) -> Params:
    """params + updates, elementwise, as new arrays."""
    return [p + u for p, u in zip(params, updates)]
