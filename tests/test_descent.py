"""Descent: the exercise's exact numbers, the stopping rule, divergence without warnings, and sweep
agreeing with gradient_descent cell by cell."""
import warnings

import numpy as np
import pytest
from reference import bounded_edge

from core.basins import basins
from core.descent import (
    CHAOS_CODE,
    CYCLE_CODE,
    DIVERGED_CODE,
    HIGH_ROOT,
    LOW_ROOT,
    UNFINISHED,
    VERTEX,
    classify,
    descend,
    diverged_at,
    gradient_descent,
    outcome,
    outcome_code,
)
from core.objective import Quadratic
from core.optim import adagrad, momentum, sgd
from core.sweep import sweep

Q = Quadratic(1, -5, 4)


@pytest.mark.parametrize("x0, x, steps", [(0.0, 0.9999996969264429, 71), (3.0, 3.999999672449243, 86)])
def test_exercise_numbers_exactly(x0, x, steps):
    t = gradient_descent(Q, x0, lr=0.01, max_steps=1000, tol=1e-6)
    assert t.status == "converged"
    assert t.x == x  # bit for bit
    assert t.steps == steps == len(t.xs) - 1
    assert t.xs[0] == x0


def test_stopping_rule_checks_after_each_update():
    t = gradient_descent(Q, 0.0, lr=0.01)
    residuals = np.abs(Q.residual(t.xs))
    assert residuals[-1] < 1e-6 and np.all(residuals[:-1] >= 1e-6)


def test_hand_computed_first_steps():
    t = gradient_descent(Q, 0.0, lr=0.01, max_steps=2)
    # x1 = 0 − 0.01·2·4·(−5) = 0.4 ; x2 = 0.4 − 0.01·2·p(0.4)·p'(0.4)
    x1 = 0.4
    p, dp = x1 * x1 - 5 * x1 + 4, 2 * x1 - 5
    assert t.xs[1] == pytest.approx(x1) and t.xs[2] == pytest.approx(x1 - 0.01 * 2 * p * dp)
    assert t.status == "max_steps" and t.steps == 2


def test_gradient_descent_is_descend_with_sgd():
    a = gradient_descent(Q, 3.0, 0.01)
    b = descend(Q, 3.0, sgd(0.01))
    np.testing.assert_array_equal(a.xs, b.xs)


def test_divergence_is_reported_without_warnings_or_non_finite_values():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = gradient_descent(Q, 10.0, lr=0.5)
    assert t.status == "diverged"
    assert np.all(np.isfinite(t.xs))
    assert t.steps < 10


@pytest.mark.parametrize("lr", [1.0, 10.0, 1e3])
def test_huge_learning_rates_stop_quickly_and_cleanly(lr):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = gradient_descent(Q, 0.0, lr=lr)
    assert t.status == "diverged" and np.all(np.isfinite(t.xs))


def test_start_on_the_vertex_stays_there():
    t = gradient_descent(Q, 2.5, 0.01, max_steps=50)
    assert t.status == "max_steps" and np.all(t.xs == 2.5)
    assert classify(Q, t.x, t.status) == VERTEX


def test_start_on_a_root_is_converged_after_zero_steps():
    t = gradient_descent(Q, 4.0, 0.01)
    assert t.status == "converged" and t.steps == 0


def test_no_real_root_settles_at_the_vertex():
    q = Quadratic(1, 0, 1)
    t = gradient_descent(q, 2.0, 0.01, max_steps=3000)
    assert t.status == "max_steps" and abs(t.x) < 1e-6
    assert classify(q, t.x, t.status) == VERTEX


def test_vector_problem_with_momentum_and_adagrad():
    class Bowl:  # f = x² + 25 y², residual (x, 5y)
        def residual(self, p):
            return np.array([p[0], 5 * p[1]])

        def grad(self, p):
            return np.array([2 * p[0], 50 * p[1]])

    for opt in (sgd(0.01), momentum(0.01), adagrad(0.5)):
        t = descend(Bowl(), [3.0, 1.0], opt, max_steps=5000, tol=1e-6)
        assert t.status == "converged" and t.xs.shape == (t.steps + 1, 2)
        assert np.linalg.norm(t.x * [1, 5]) < 1e-6


@pytest.mark.parametrize("bad", [dict(max_steps=-1), dict(tol=0.0), dict(tol=float("nan"))])
def test_invalid_run_settings_raise(bad):
    with pytest.raises(ValueError, match="Invalid"):
        gradient_descent(Q, 0.0, 0.01, **bad)


@pytest.mark.parametrize("max_steps", [400, 37, 1])
@pytest.mark.parametrize("q", [Q, Quadratic(1, 0, 1), Quadratic(1, 2, 1), Quadratic(0, 2, -6), Quadratic(-3, 0.5, 7)])
def test_sweep_agrees_with_gradient_descent_pair_by_pair(q, max_steps):
    x0s = np.r_[np.linspace(-2, 7, 19), 2.5, 1.0, 100.0]
    lrs = np.geomspace(1e-3, 0.5, 9)
    s = sweep(q, x0s, lrs, max_steps=max_steps)
    assert s.x.shape == s.steps.shape == s.outcome.shape == (len(lrs), len(x0s))
    for i, lr in enumerate(lrs):
        for j, x0 in enumerate(x0s):
            t = gradient_descent(q, x0, lr, max_steps=max_steps)
            assert s.x[i, j] == t.x, (lr, x0)
            assert s.steps[i, j] == t.steps, (lr, x0)
            assert s.outcome[i, j] == classify(q, t.x, t.status), (lr, x0)


def test_sweep_agrees_when_an_update_overflows():
    """An update that overflows to inf is not an iterate: both keep the last finite x, one step less."""
    q = Quadratic(1e150, 0.0, 0.0)
    x0s, lrs = np.array([1.0, -1.0, 0.5]), np.array([1e8, 1e10])
    s = sweep(q, x0s, lrs)
    for i, lr in enumerate(lrs):
        for j, x0 in enumerate(x0s):
            t = gradient_descent(q, x0, lr)
            assert t.status == "diverged"
            assert (s.x[i, j], s.steps[i, j], s.outcome[i, j]) == (t.x, t.steps, DIVERGED_CODE)
    assert s.steps[1, 0] == 0  # the very first update overflowed: x stays x0


def test_sweep_outcomes_for_the_exercise():
    x0s = np.array([0.0, 2.0, 2.5, 3.0, 6.0])
    s = sweep(Q, x0s, [0.01, 0.5], max_steps=1000)
    assert list(s.outcome[0]) == [LOW_ROOT, LOW_ROOT, VERTEX, HIGH_ROOT, HIGH_ROOT]
    assert s.outcome[1, 0] == DIVERGED_CODE
    assert list(s.steps[0, [0, 3]]) == [71, 86]
    tiny = sweep(Q, [0.0], [1e-5], max_steps=10)
    assert tiny.outcome[0, 0] == UNFINISHED and tiny.steps[0, 0] == 10


# ── outcomes as data ─────────────────────────────────────────────────────────────────────────────────
def update(x, lr, q=Q):
    """One step of the exercise, by hand: x − lr·2·p(x)·p′(x)."""
    return x - lr * 2 * (q.a * x * x + q.b * x + q.c) * (2 * q.a * x + q.b)


def test_outcome_of_each_kind_against_hand_checks():
    o = outcome(Q, gradient_descent(Q, 3.0, 0.01), 1000)
    assert (o.kind, o.steps, o.root) == ("converged", 86, 4.0)
    o = outcome(Q, gradient_descent(Q, 0.0, 0.2), 1000)
    # 0 → 8 → −115.2 → 1304098.7: the third update leaves |x| ≤ 1e6.
    assert (o.kind, o.steps) == ("diverged", 3) and update(update(update(0.0, 0.2), 0.2), 0.2) > 1e6
    o = outcome(Q, gradient_descent(Q, 2.5, 0.01, max_steps=50), 50)
    assert (o.kind, o.points, o.period) == ("vertex", (2.5,), 1)
    o = outcome(Q, gradient_descent(Q, 3.0, 0.122), 1000)
    u, v = o.points
    assert o.kind == "cycle" and o.period == 2 and update(u, 0.122) == pytest.approx(v, abs=1e-9)
    assert update(v, 0.122) == pytest.approx(u, abs=1e-9) and v - u > 0.4
    traj = gradient_descent(Q, 1.9, 0.15)
    o = outcome(Q, traj, 1000)
    assert o.kind == "chaos" and o.points == (traj.xs[-64:].min(), traj.xs[-64:].max())
    o = outcome(Q, gradient_descent(Q, 0.0, 1e-5, max_steps=10), 10)
    assert o.kind == "unfinished" and o.steps == 10


def test_diverged_at_counts_an_overflowing_update():
    q = Quadratic(1e150, 0.0, 0.0)
    traj = gradient_descent(q, 1.0, 1e10)
    assert traj.status == "diverged" and traj.steps == 0 and diverged_at(traj) == 1


@pytest.mark.parametrize("q", [Q, Quadratic(2, 3, -7), Quadratic(1, 0, 1), Quadratic(1, 2, 1)])
def test_sweep_with_orbits_tells_cells_apart_as_outcome_tells_runs_apart(q):
    x0s = np.r_[np.linspace(-3, 6, 13), q.vertex]
    bound = q.stable_lr() or 0.05
    lrs = bound * np.array([0.5, 1.08, 1.26, 1.35, 1.9])
    s = sweep(q, x0s, lrs, max_steps=700, orbits=True)
    seen = set()
    for i, lr in enumerate(lrs):
        for j, x0 in enumerate(x0s):
            o = outcome(q, gradient_descent(q, x0, lr, max_steps=700), 700)
            assert s.outcome[i, j] == outcome_code(q, o), (lr, x0, o)
            assert s.period[i, j] == (o.period if o.kind in ("cycle", "vertex") else 0)
            seen.add(int(s.outcome[i, j]))
    if q == Q:
        assert {CYCLE_CODE, CHAOS_CODE, VERTEX, LOW_ROOT, HIGH_ROOT} <= seen


@pytest.mark.parametrize("k", [0.09, 0.45, 0.9, 1.8])  # on x² − 5x + 4 (D = 9): lr 0.01, 0.05, 0.1, 0.2
@pytest.mark.parametrize("q", [Q, Quadratic(2, 3, -7), Quadratic(-0.5, 1, 6)])
def test_basins_find_the_closed_form_edge_beyond_which_every_start_diverges(q, k):
    """With u = (x − vertex)/h (h half the root gap, D = b² − 4ac) the update is u ← u − k·u(u² − 1), k = lr·D.
    For k ≤ 2, |u| ≤ √(1 + 2/k) stays bounded (±√(1 + 2/k) is a 2-cycle), and every start beyond escapes."""
    d = q.discriminant
    lr_q = k / d
    vertex, h = q.vertex, np.sqrt(d) / (2 * abs(q.a))
    edge = bounded_edge(lr_q, q.a, q.b, q.c) - vertex
    found = basins(q, lr_q, 1000, 1e-6, -1000, 1000)
    first, last = found.segments[0], found.segments[-1]
    assert first.code == last.code == DIVERGED_CODE
    assert first.hi == pytest.approx(vertex - edge, abs=1e-4 * edge)
    assert last.lo == pytest.approx(vertex + edge, abs=1e-4 * edge)
    if k < 1:  # the stretch around each root: it converges there, and reaches no further than the vertex
        lo, hi = q.roots()
        around = [s for s in found.segments if s.code in (LOW_ROOT, HIGH_ROOT) and s.lo <= hi and lo <= s.hi
                  and (s.lo <= lo <= s.hi or s.lo <= hi <= s.hi)]
        assert len(around) == 2
        assert around[0].hi == pytest.approx(vertex, abs=1e-6 * h)
        assert around[1].lo == pytest.approx(vertex, abs=1e-6 * h)
        # …and out to where the first step lands exactly on the vertex: u² = 1 + 1/k.
        assert around[1].hi == pytest.approx(vertex + h * np.sqrt(1 + 1 / k), rel=1e-4)
