"""2-D test functions for optimiser races: an elongated bowl and Rosenbrock's valley.

A point is an array whose last axis holds (x, y): shape (2,) for one point, (..., 2) for many.
Each surface is a least-squares problem, loss = Σ residual², so ``core.descent.descend`` can run
on it (it stops when ‖residual‖ < tol):

    bowl:        f(x, y) = x² + s·y²                 residual = (x, √s·y)          minimum (0, 0)
    rosenbrock:  f(x, y) = (1 − x)² + 100 (y − x²)²  residual = (1 − x, 10 (y − x²))  minimum (1, 1)
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from i18n import N_, _

GRID_MAX = 200  # points per axis a grid may have


def _xy(p):
    p = np.asarray(p, dtype=float)
    return p[..., 0], p[..., 1]


def _as_point(x, y):
    """Stack x and y back into points; plain floats come back as a (2,) array."""
    return np.stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)], axis=-1)


class _Surface:
    """Shared behaviour: loss from the residual, and a grid of loss values for contour plots."""

    name: str
    formula: str
    minimum: tuple[float, float]
    box: tuple[tuple[float, float], tuple[float, float]]  # the region a chart shows: (x range, y range)
    default_start: tuple[float, float]

    def residual(self, p):
        raise NotImplementedError

    def loss(self, p):
        """f(p) = Σ residual²; a float for one point, an array of shape (...) for points (..., 2)."""
        r = self.residual(p)
        value = np.sum(r * r, axis=-1)
        return float(value) if np.ndim(value) == 0 else value

    def grid(self, x_range, y_range, n: int = 60):
        """Loss on an n × n grid: (xs (n,), ys (n,), F (n, n)) with F[j, i] = f(xs[i], ys[j])."""
        n = int(n)
        if not 2 <= n <= GRID_MAX:
            raise ValueError(_("Invalid grid size: {n} (needs 2 ≤ n ≤ {most})", n=n, most=GRID_MAX))
        for lo, hi in (x_range, y_range):
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise ValueError(_("Invalid grid range: ({lo}, {hi})", lo=lo, hi=hi))
        xs = np.linspace(*x_range, n)
        ys = np.linspace(*y_range, n)
        X, Y = np.meshgrid(xs, ys)  # X[j, i] = xs[i], Y[j, i] = ys[j]
        return xs, ys, self.loss(_as_point(X, Y))


@dataclass(frozen=True)
class Bowl(_Surface):
    """f(x, y) = x² + s·y²: curvature 2 along x and 2s along y, so s is the elongation."""

    s: float = 25.0
    name = "bowl"
    minimum = (0.0, 0.0)
    box = ((-5.0, 5.0), (-2.0, 2.0))
    default_start = (-4.0, 1.0)

    def __post_init__(self):
        if not (math.isfinite(self.s) and self.s > 0):
            raise ValueError(_("Invalid bowl elongation s: {s} (needs a finite number > 0)", s=self.s))

    @property
    def formula(self) -> str:
        return f"x² + {self.s:g}·y²"

    def residual(self, p):
        x, y = _xy(p)
        return _as_point(x, math.sqrt(self.s) * y)

    def grad(self, p):
        """∇f = (2x, 2s·y)."""
        x, y = _xy(p)
        return _as_point(2 * x, 2 * self.s * y)

    def stable_lr(self) -> float:
        """Gradient descent contracts along both axes iff lr < 2 / largest curvature = 2 / max(2, 2s)."""
        return 2.0 / max(2.0, 2.0 * self.s)


@dataclass(frozen=True)
class Rosenbrock(_Surface):
    """f(x, y) = (1 − x)² + 100 (y − x²)²: a curved, flat-bottomed valley with its minimum at (1, 1)."""

    name = "rosenbrock"
    formula = "(1 − x)² + 100·(y − x²)²"
    minimum = (1.0, 1.0)
    box = ((-2.0, 2.0), (-1.0, 3.0))
    default_start = (-1.2, 1.0)

    def residual(self, p):
        x, y = _xy(p)
        return _as_point(1 - x, 10 * (y - x * x))

    def grad(self, p):
        """∇f = (−2(1 − x) − 400·x·(y − x²), 200·(y − x²))."""
        x, y = _xy(p)
        inner = y - x * x
        return _as_point(-2 * (1 - x) - 400 * x * inner, 200 * inner)

    def hessian(self, p) -> np.ndarray:
        """∇²f = [[2 − 400·(y − x²) + 800·x², −400·x], [−400·x, 200]], shape (..., 2, 2)."""
        x, y = _xy(p)
        xx = 2 - 400 * (y - x * x) + 800 * x * x
        xy = -400 * x
        return np.stack([np.stack([xx, xy], axis=-1), np.stack([xy, 200 + 0 * x], axis=-1)], axis=-2)

    def curvatures(self) -> tuple[float, float]:
        """The Hessian's eigenvalues at the minimum (1, 1), largest first: about 1001.6 across the valley
        and 0.3994 along its floor."""
        high, low = np.linalg.eigvalsh(self.hessian(self.minimum))[::-1]
        return float(high), float(low)

    def stable_lr(self) -> float:
        """Gradient descent contracts near the minimum iff lr < 2 / the largest curvature there (≈ 0.001997)."""
        return 2.0 / self.curvatures()[0]


SURFACES: dict[str, _Surface] = {"bowl": Bowl(), "rosenbrock": Rosenbrock()}
# Each surface's name as a choice shows it (the keys stay the URL's values), and as the subject of a sentence.
LABELS = {"bowl": N_("bowl"), "rosenbrock": N_("rosenbrock")}
TITLES = {"bowl": N_("Bowl"), "rosenbrock": N_("Rosenbrock")}
