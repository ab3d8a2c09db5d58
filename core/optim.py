"""Optimisers as pairs of pure functions over explicit state (optax's design).

An optimiser is ``Optimizer(init, update)``:

    state = init(params)
    updates, state = update(grads, state)
    params = apply_updates(params, updates)

``params``, ``grads`` and ``updates`` are lists of numpy arrays (``Params``). ``update`` never mutates
its arguments; the state is a NamedTuple of arrays, so a page can plot it and a session can pickle it.
``by_name(name, lr, **hyper)`` builds one from its name in ``OPTIMIZERS``: the MLP's config and the Adagrad
lab's racers both build theirs with it.

Equations (g a gradient, every operation elementwise):

    sgd:       update = −lr·g
    momentum:  v ← β·v − lr·g ;  update = v          (torch.optim.SGD(momentum=β, dampening=0)
                                                     takes the same steps: it keeps v/(−lr))
    adagrad:   G ← G + g² ;     update = −lr·g / (√G + eps)   (torch.optim.Adagrad, lr_decay=0)
    rmsprop:   s ← ρ·s + (1 − ρ)·g² ;  update = −lr·g / (√s + eps)
                                     (torch.optim.RMSprop(alpha=ρ, eps=eps), no momentum, not centred)
    adam:      m ← β₁·m + (1 − β₁)·g ;  v ← β₂·v + (1 − β₂)·g² ;  t ← t + 1
               update = −lr·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + eps)
                                     (torch.optim.Adam(betas=(β₁, β₂), eps=eps), no weight decay, not amsgrad)
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from i18n import _

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


class RmspropState(NamedTuple):
    """The decaying mean of squared gradients, s, one array per parameter (torch's ``square_avg``)."""

    mean_square: Params


class AdamState(NamedTuple):
    """Adam's two decaying means, m (of g) and v (of g²), one array per parameter, and the step count t
    (the bias corrections 1 − βᵗ need it)."""

    count: int
    mean: Params
    mean_square: Params


def _check_lr(lr) -> float:
    lr = float(lr)
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(_("Invalid learning rate: {lr} (needs a finite number > 0)", lr=lr))
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
        raise ValueError(_("Invalid momentum beta: {beta} (needs 0 ≤ β < 1)", beta=beta))

    def init(params: Params) -> MomentumState:
        return MomentumState([np.zeros_like(p, dtype=float) for p in params])

    def update(grads: Params, state: MomentumState) -> tuple[Params, MomentumState]:
        velocity = [beta * v - lr * g for v, g in zip(state.velocity, grads)]
        return velocity, MomentumState(velocity)

    return Optimizer(init, update)


def adagrad(lr: float, eps: float = 1e-8) -> Optimizer:
    """Adagrad: G ← G + g² ; update = −lr·g / (√G + eps). Each element's step shrinks as its G grows."""
    lr = _check_lr(lr)
    eps = _check_eps(eps)

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


def _check_eps(eps) -> float:
    eps = float(eps)
    if not (math.isfinite(eps) and eps >= 0):
        raise ValueError(_("Invalid epsilon: {eps} (needs a finite number ≥ 0)", eps=eps))
    return eps


def _check_decay(name: str, value) -> float:
    value = float(value)
    if not (0 <= value < 1):  # also refuses nan
        raise ValueError(_("Invalid {name}: {value} (needs 0 ≤ {name} < 1)", name=name, value=value))
    return value


def _scaled(lr: float, numerators: Params, roots: Params, eps: float) -> Params:
    """−lr·n / (r + eps), elementwise; with eps = 0 a zero denominator (no gradient seen) gives 0, not nan."""
    if eps:
        return [-lr * n / (r + eps) for n, r in zip(numerators, roots)]
    with np.errstate(invalid="ignore", divide="ignore"):
        return [np.where(r > 0, -lr * n / r, 0.0) for n, r in zip(numerators, roots)]


def rmsprop(lr: float, decay: float = 0.99, eps: float = 1e-8) -> Optimizer:
    """RMSProp: s ← decay·s + (1 − decay)·g² ; update = −lr·g / (√s + eps).

    Adagrad with a memory: s is a decaying mean of g², not a sum, so old gradients are forgotten and the
    step size lr / (√s + eps) can grow again when gradients shrink. torch.optim.RMSprop(alpha=decay)."""
    lr = _check_lr(lr)
    decay = _check_decay("decay", decay)
    eps = _check_eps(eps)

    def init(params: Params) -> RmspropState:
        return RmspropState([np.zeros_like(p, dtype=float) for p in params])

    def update(grads: Params, state: RmspropState) -> tuple[Params, RmspropState]:
        means = [decay * s + (1 - decay) * (g * g) for s, g in zip(state.mean_square, grads)]
        return _scaled(lr, grads, [np.sqrt(s) for s in means], eps), RmspropState(means)

    return Optimizer(init, update)


def adam(lr: float, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> Optimizer:
    """Adam: m ← b1·m + (1 − b1)·g ; v ← b2·v + (1 − b2)·g² ; t ← t + 1 ;
    update = −lr·(m / (1 − b1ᵗ)) / (√(v / (1 − b2ᵗ)) + eps).

    Momentum (m) plus RMSProp's per-element scale (v); dividing by 1 − βᵗ undoes the pull towards the
    zero start of both means in the first steps. torch.optim.Adam(betas=(b1, b2), eps=eps)."""
    lr = _check_lr(lr)
    b1 = _check_decay("b1", b1)
    b2 = _check_decay("b2", b2)
    eps = _check_eps(eps)

    def init(params: Params) -> AdamState:
        return AdamState(0, [np.zeros_like(p, dtype=float) for p in params],
                         [np.zeros_like(p, dtype=float) for p in params])

    def update(grads: Params, state: AdamState) -> tuple[Params, AdamState]:
        t = state.count + 1
        means = [b1 * m + (1 - b1) * g for m, g in zip(state.mean, grads)]
        squares = [b2 * v + (1 - b2) * (g * g) for v, g in zip(state.mean_square, grads)]
        c1, c2 = 1 - b1**t, math.sqrt(1 - b2**t)
        updates = _scaled(lr / c1, means, [np.sqrt(v) / c2 for v in squares], eps)
        return updates, AdamState(t, means, squares)

    return Optimizer(init, update)


def effective_lr(lr: float, G, eps: float = 1e-8) -> np.ndarray:
    """Adagrad's per-element step size lr / (√G + eps), the factor that multiplies −g in a step. G is any array
    of sums of squares: one of ``AdagradState.sum_of_squares``, a history of them, or one number."""
    return lr / (np.sqrt(np.asarray(G, dtype=float)) + eps)


OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {"sgd": sgd, "momentum": momentum, "adagrad": adagrad,
                                                   "rmsprop": rmsprop, "adam": adam}
# The hyper-parameters each of OPTIMIZERS takes after lr, by keyword (tests/test_optim.py checks them against
# the functions' signatures).
HYPERPARAMETERS: dict[str, tuple[str, ...]] = {"sgd": (), "momentum": ("beta",), "adagrad": ("eps",),
                                               "rmsprop": ("decay", "eps"), "adam": ("b1", "b2", "eps")}


def by_name(name: str, lr: float, **hyper: float) -> Optimizer:
    """The optimiser ``name`` (a key of OPTIMIZERS) at ``lr``, given those of ``hyper`` it takes
    (HYPERPARAMETERS[name]; the rest keep their defaults, and the others are ignored, so one caller can pass
    every hyper-parameter it holds whatever the name). A name or a keyword that none takes is refused."""
    if name not in OPTIMIZERS:
        raise ValueError(_("Invalid optimizer: {name} (one of {names})", name=repr(name), names=", ".join(OPTIMIZERS)))
    known = {key for keys in HYPERPARAMETERS.values() for key in keys}
    unknown = sorted(set(hyper) - known)
    if unknown:
        raise ValueError(_("Invalid hyper-parameter: {unknown} (one of {known})", unknown=", ".join(unknown),
                           known=", ".join(sorted(known))))
    return OPTIMIZERS[name](lr, **{key: hyper[key] for key in HYPERPARAMETERS[name] if key in hyper})


class Scaling(NamedTuple):
    """What an optimiser divides its gradient by: the one place the labs' words about a rule come from
    (the maths is in the functions above; tests/test_optim.py checks each row against it).

    divides_by: "nothing" (the step is lr·g, or momentum's sum of such steps), "sum" (the root of the sum
    of every g² so far, Adagrad's G) or "mean" (the root of a decaying mean of g², which forgets);
    divisor: its symbol on the pages; steps_only_shrink: the step size lr/(divisor + eps) never grows
    (only a sum does that); first_step: the size of the first update, as a formula (eps aside)."""

    divides_by: str
    divisor: str | None
    steps_only_shrink: bool
    first_step: str


SCALING: dict[str, Scaling] = {
    "sgd": Scaling("nothing", None, False, "lr·|g|"),
    "momentum": Scaling("nothing", None, False, "lr·|g|"),
    "adagrad": Scaling("sum", "√G", True, "lr"),
    "rmsprop": Scaling("mean", "√s", False, "lr/√(1 − ρ)"),   # s after one step is (1 − ρ)·g²
    "adam": Scaling("mean", "√v̂", False, "lr"),              # bias-corrected: m̂ = g and v̂ = g² at step 1
}


def apply_updates(params: Params, updates: Params) -> Params:
    """params + updates, elementwise, as new arrays."""
    return [p + u for p, u in zip(params, updates)]
