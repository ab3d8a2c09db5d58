"""The root-finding objective: find a root of p(x) = a·x² + b·x + c by minimising p(x)².

loss(x) = p(x)²,  loss'(x) = 2·p(x)·p'(x)  with  p'(x) = 2a·x + b.

Every method works on Python floats and numpy arrays alike (elementwise).
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Quadratic:
    """p(x) = a x² + b x + c; the loss minimised is p(x)²."""

    a: float = 1.0
    b: float = -5.0
    c: float = 4.0

    def __post_init__(self):
        for name in ("a", "b", "c"):
            value = getattr(self, name)
            if not math.isfinite(value):
                raise ValueError(f"Invalid coefficient {name}: {value}")

    def residual(self, x):
        """p(x). Written a·x·x + b·x + c: the exercise's operation order, so its numbers come out bit for bit."""
        return self.a * x * x + self.b * x + self.c

    def slope(self, x):
        """p'(x) = 2a·x + b."""
        return 2 * self.a * x + self.b

    def loss(self, x):
        """p(x)²."""
        p = self.residual(x)
        return p * p

    def grad(self, x):
        """d loss / dx = 2·p(x)·p'(x)."""
        return 2 * self.residual(x) * self.slope(x)

    @property
    def discriminant(self) -> float:
        return self.b * self.b - 4 * self.a * self.c

    @property
    def vertex(self) -> float | None:
        """Where p'(x) = 0: x = −b / 2a; None for a line (a = 0)."""
        return None if self.a == 0 else -self.b / (2 * self.a)

    def roots(self) -> tuple[float, ...]:
        """Real roots of p, ascending; one for a line or a double root, none if there are none.

        A constant p (a = b = 0) has no isolated root: () even when c = 0.
        """
        a, b, c = self.a, self.b, self.c
        if a == 0:
            return () if b == 0 else (-c / b,)
        d = self.discriminant
        if d < 0:
            return ()
        if d == 0:
            return (-b / (2 * a),)
        # Numerically stable form: avoid subtracting nearly equal numbers.
        q = -0.5 * (b + math.copysign(math.sqrt(d), b))
        r1 = q / a
        r2 = c / q if q != 0 else -r1
        return tuple(sorted((r1, r2)))

    def critical_points(self) -> tuple[float, ...]:
        """Where grad == 0: the roots of p and the vertex of p (where p' = 0), ascending, no repeats."""
        points = set(self.roots())
        if self.vertex is not None:
            points.add(self.vertex)
        return tuple(sorted(points))

    def stable_lr(self) -> float | None:
        """Largest learning rate for which gradient descent is locally stable at a root.

        At a simple root r, loss''(r) = 2·p'(r)², and x ← x − lr·loss'(x) contracts near r iff
        |1 − 2·lr·p'(r)²| < 1, i.e. lr < 1/p'(r)². For two distinct roots p'(r)² = b² − 4ac at
        both, so the bound is 1/(b² − 4ac); for a line it is 1/b². A double root (loss''(r) = 0)
        has no such bound and no roots means no bound: None.
        """
        if self.a == 0:
            return None if self.b == 0 else 1.0 / (self.b * self.b)
        d = self.discriminant
        return 1.0 / d if d > 0 else None

    def describe(self) -> str:
        """The polynomial as a learner would write it, e.g. 'x² − 5x + 4'."""
        terms = []
        for coef, power in ((self.a, "x²"), (self.b, "x"), (self.c, "")):
            if coef == 0:
                continue
            mag = abs(coef)
            body = f"{mag:g}{power}" if (mag != 1 or not power) else power
            sign = "−" if coef < 0 else "+"
            terms.append((sign, body))
        if not terms:
            return "0"
        first_sign, first = terms[0]
        text = ("−" if first_sign == "−" else "") + first
        for sign, body in terms[1:]:
            text += f" {sign} {body}"
        return text
