"""core.surfaces against independent truth: finite differences, closed-form values, the GD stability bound."""
import numpy as np
import pytest

from core.descent import CONVERGED, DIVERGED, descend
from core.optim import sgd
from core.surfaces import SURFACES, Bowl, Rosenbrock

POINTS = [(-4.0, 1.0), (0.3, -0.7), (1.5, 2.25), (-1.2, 1.0), (2.0, -1.0)]


@pytest.mark.parametrize("name", list(SURFACES))
@pytest.mark.parametrize("point", POINTS)
def test_gradient_matches_central_differences(name, point):
    surface = SURFACES[name]
    p = np.array(point)
    h = 1e-6
    numeric = [(surface.loss(p + h * e) - surface.loss(p - h * e)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(surface.grad(p), numeric, rtol=1e-6, atol=1e-4)


@pytest.mark.parametrize("name", list(SURFACES))
def test_residual_squared_summed_is_the_loss_and_vanishes_at_the_minimum(name):
    surface = SURFACES[name]
    for point in POINTS:
        r = surface.residual(np.array(point))
        assert r.shape == (2,)
        assert surface.loss(np.array(point)) == pytest.approx(float(r @ r))
    m = np.array(surface.minimum)
    assert surface.loss(m) == 0.0
    np.testing.assert_array_equal(surface.grad(m), [0.0, 0.0])


def test_closed_form_values():
    assert Bowl().loss(np.array([1.0, 1.0])) == pytest.approx(26.0)  # 1 + 25
    np.testing.assert_allclose(Bowl().grad(np.array([1.0, 1.0])), [2.0, 50.0])
    assert Rosenbrock().loss(np.array([0.0, 0.0])) == pytest.approx(1.0)
    assert Rosenbrock().loss(np.array([-1.2, 1.0])) == pytest.approx(24.2)  # the classic start point
    np.testing.assert_allclose(Rosenbrock().grad(np.array([-1.2, 1.0])), [-215.6, -88.0])


@pytest.mark.parametrize("name", list(SURFACES))
def test_many_points_at_once_match_one_at_a_time(name):
    surface = SURFACES[name]
    pts = np.array(POINTS).reshape(1, 5, 2)
    np.testing.assert_allclose(surface.loss(pts)[0], [surface.loss(np.array(p)) for p in POINTS])
    np.testing.assert_allclose(surface.grad(pts)[0], [surface.grad(np.array(p)) for p in POINTS])


def test_grid_puts_x_across_and_y_down():
    surface = Rosenbrock()
    xs, ys, F = surface.grid((-2, 2), (-1, 3), n=7)
    assert F.shape == (7, 7)
    assert F[2, 5] == pytest.approx(surface.loss(np.array([xs[5], ys[2]])))
    assert np.all(np.isfinite(F))


@pytest.mark.parametrize("bad", [dict(n=1), dict(n=10_000), dict(x_range=(1.0, 1.0)),
                                 dict(x_range=(0.0, float("nan")))])
def test_grid_rejects_bad_sizes_and_ranges(bad):
    args = dict(x_range=(-1.0, 1.0), y_range=(-1.0, 1.0), n=10) | bad
    with pytest.raises(ValueError):
        Bowl().grid(args["x_range"], args["y_range"], n=args["n"])


def test_bowl_rejects_a_bad_elongation():
    with pytest.raises(ValueError, match="elongation"):
        Bowl(s=-1.0)


def test_gradient_descent_on_the_bowl_is_stable_exactly_below_two_over_the_largest_curvature():
    bowl = Bowl()
    assert bowl.stable_lr() == pytest.approx(2 / 50)
    below = descend(bowl, [-4.0, 1.0], sgd(0.039), max_steps=5000)
    above = descend(bowl, [-4.0, 1.0], sgd(0.041), max_steps=5000)
    assert below.status == CONVERGED
    assert above.status == DIVERGED


@pytest.mark.parametrize("point", POINTS + [(1.0, 1.0)])
def test_rosenbrock_hessian_matches_central_differences_of_the_gradient(point):
    rosen, p, h = Rosenbrock(), np.array(point), 1e-6
    numeric = np.column_stack([(rosen.grad(p + h * e) - rosen.grad(p - h * e)) / (2 * h) for e in np.eye(2)])
    np.testing.assert_allclose(rosen.hessian(p), numeric, rtol=1e-6, atol=1e-4)


def test_rosenbrock_curvatures_and_stable_lr_at_the_minimum():
    """At (1, 1) the Hessian is [[802, −400], [−400, 200]]: trace 1002, determinant 400, so the curvatures
    are (1002 ± √(1002² − 1600))/2 = 1001.6 and 0.3994, and gradient descent is stable for lr < 2/1001.6."""
    high, low = Rosenbrock().curvatures()
    root = np.sqrt(1002**2 - 1600)
    assert (high, low) == (pytest.approx((1002 + root) / 2), pytest.approx((1002 - root) / 2))
    bound = Rosenbrock().stable_lr()
    assert bound == pytest.approx(0.001997, abs=1e-6)
    # Gradient descent started just off the minimum along the steep direction: below the bound it closes in,
    # above it the offset grows step after step.
    start = np.array([1.0, 1.0]) + 1e-4 * np.array([0.8944, -0.4472])  # ≈ the top eigenvector (2, −1)/√5
    below = descend(Rosenbrock(), start, sgd(0.99 * bound), max_steps=200, tol=1e-12)
    above = descend(Rosenbrock(), start, sgd(1.01 * bound), max_steps=200, tol=1e-12)
    assert np.linalg.norm(below.xs[-1] - 1) < np.linalg.norm(start - 1)
    assert np.linalg.norm(above.xs[-1] - 1) > 10 * np.linalg.norm(start - 1)
