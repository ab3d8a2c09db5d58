"""Reference loops written from the exercises, independent of ``core``: what the tests check ``core`` and the
labs against.

``descent_by_hand`` (gradient descent on p(x)²), ``adagrad_by_hand`` (the Adagrad lab's parameters and
gradients), ``bounded_edge`` (a closed form for the edge of the starts that converge).
"""
from __future__ import annotations

import math

import numpy as np

DIVERGED_AT = 1e6  # |x| beyond which a descent has diverged (core.descent.DIVERGENCE_BOUND, written out)


def descent_by_hand(a, b, c, x0, lr, max_steps=1000, tol=1e-6) -> tuple[float, int, str]:
    """x ← x − lr·2·p(x)·p′(x) on p = a·x² + b·x + c until |p(x)| < tol, a non-finite x or |x| > 1e6:
    (x, steps, "converged" | "diverged" | "max_steps"). The stopping rule is checked after each update."""
    x = x0
    for step in range(1, max_steps + 1):
        x = x - lr * 2 * (a * x * x + b * x + c) * (2 * a * x + b)
        if not math.isfinite(x) or abs(x) > DIVERGED_AT:
            return x, step, "diverged"
        if abs(a * x * x + b * x + c) < tol:
            return x, step, "converged"
    return x, max_steps, "max_steps"


def adagrad_by_hand(seed, lr, eps, k, grad="noise"):
    """Adagrad written out by hand, as the exercise states it, on the Adagrad lab's parameters and gradients:
    θ = (W 10×10, b 10) ~ N(0, 1) from default_rng(seed); step t's gradient is N(0, 1) from
    default_rng([seed, t]) (W's then b's), or θ itself for ½‖θ‖². G ← G + g²; θ ← θ − lr·g/(√G + eps).
    Returns per step (t, θ before, g, G, lr/(√G + eps), update, θ after), flattened W then b."""
    rng = np.random.default_rng(seed)
    W, b = rng.standard_normal((10, 10)), rng.standard_normal(10)
    theta = np.concatenate([W.ravel(), b])
    G = np.zeros(110)
    rows = []
    for t in range(1, k + 1):
        if grad == "noise":
            r = np.random.default_rng([seed, t])
            g = np.concatenate([r.standard_normal((10, 10)).ravel(), r.standard_normal(10)])
        else:
            g = theta.copy()
        G = G + g**2
        eff = lr / (np.sqrt(G) + eps)
        update = -eff * g
        new = theta + update
        rows.append((t, theta, g, G, eff, update, new))
        theta = new
    return rows


def bounded_edge(lr, a=1.0, b=-5.0, c=4.0) -> float:
    """Closed form: with u = (x − vertex)/h (h half the root gap, D = b² − 4ac) the update is
    u ← u − k·u(u² − 1), k = lr·D; for k ≤ 2, u = ±√(1 + 2/k) is a 2-cycle and every start beyond it escapes.
    Returns that edge on the right, vertex + h·√(1 + 2/k)."""
    d = b * b - 4 * a * c
    k = lr * d
    vertex, h = -b / (2 * a), math.sqrt(d) / (2 * abs(a))
    return vertex + h * math.sqrt(1 + 2 / k)
