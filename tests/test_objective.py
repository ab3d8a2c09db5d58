"""Quadratic: closed forms for roots, critical points and the stability bound; gradient by finite differences."""
import math

import numpy as np
import pytest

from core.descent import gradient_descent
from core.objective import Quadratic

CASES = [  # (a, b, c, real roots)
    (1, -5, 4, (1.0, 4.0)),
    (2, 0, -8, (-2.0, 2.0)),
    (1, 2, 1, (-1.0,)),        # double root
    (1, 0, 1, ()),             # no real root
    (0, 2, -6, (3.0,)),        # a line
    (1, -1e8, 1, (1e-8, 1e8)),  # cancellation-prone: the small root must stay accurate
]


@pytest.mark.parametrize("a, b, c, roots", CASES)
def test_roots_match_closed_form_and_are_zeros(a, b, c, roots):
    q = Quadratic(a, b, c)
    got = q.roots()
    assert len(got) == len(roots)
    for r, expected in zip(got, roots):
        assert r == pytest.approx(expected, rel=1e-12)
        assert abs(q.residual(r)) <= 1e-9 * max(1.0, abs(b * r))


@pytest.mark.parametrize("a, b, c, roots", CASES)
def test_gradient_matches_finite_differences(a, b, c, roots):
    q = Quadratic(a, b, c)
    x = np.linspace(-3, 6, 37)
    h = 1e-6
    numeric = (q.loss(x + h) - q.loss(x - h)) / (2 * h)
    np.testing.assert_allclose(q.grad(x), numeric, rtol=1e-6, atol=1e-5)


def test_works_on_floats_and_arrays_alike():
    q = Quadratic()
    xs = np.array([0.0, 1.0, 2.5, 4.0])
    assert np.array_equal(q.residual(xs), [4.0, 0.0, -2.25, 0.0])
    assert q.residual(0.0) == 4.0 and q.loss(0.0) == 16.0 and q.grad(0.0) == -40.0  # 2·4·(−5)
    assert np.array_equal(q.loss(xs), [q.loss(float(x)) for x in xs])


def test_critical_points_are_roots_and_vertex_where_grad_vanishes():
    q = Quadratic()
    assert q.critical_points() == (1.0, 2.5, 4.0)
    assert all(q.grad(x) == 0 for x in q.critical_points())
    assert Quadratic(1, 0, 1).critical_points() == (0.0,)   # only the vertex: no real root
    assert Quadratic(1, 2, 1).critical_points() == (-1.0,)  # the double root is the vertex
    assert Quadratic(0, 2, -6).critical_points() == (3.0,)


def test_stable_lr_closed_form_and_its_meaning():
    q = Quadratic()
    assert q.stable_lr() == pytest.approx(1 / 9)
    assert Quadratic(2, 0, -8).stable_lr() == pytest.approx(1 / 64)
    assert Quadratic(0, 2, -6).stable_lr() == pytest.approx(1 / 4)
    assert Quadratic(1, 2, 1).stable_lr() is None and Quadratic(1, 0, 1).stable_lr() is None
    # Just below the bound descent settles on the root; just above, it cannot stay near it.
    near_root = 4.0 + 1e-3
    assert gradient_descent(q, near_root, 0.95 / 9, max_steps=5000, tol=1e-9).status == "converged"
    assert gradient_descent(q, near_root, 1.05 / 9, max_steps=5000, tol=1e-9).status != "converged"


def test_rejects_non_finite_coefficients():
    with pytest.raises(ValueError, match="Invalid coefficient b: nan"):
        Quadratic(1, math.nan, 4)


def test_describe_reads_like_the_exercise():
    assert Quadratic().describe() == "x² − 5x + 4"
    assert Quadratic(1, 0, 1).describe() == "x² + 1"
    assert Quadratic(-2, 1, 0).describe() == "−2x² + x"
    assert Quadratic(0, 0, 0).describe() == "0"
