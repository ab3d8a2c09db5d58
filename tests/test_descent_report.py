"""core.descent_report: the numbers and sentences of the gradient-descent page, checked against the
exercise's known numbers, iterates computed by hand here, and closed forms (roots, vertex, 1/(b² − 4ac))."""

import math

import numpy as np
import pytest

from core import descent_report as report
from core.charts import descent as charts
from core.descent import DIVERGENCE_BOUND, gradient_descent
from core.objective import Quadratic

DEFAULT = Quadratic(1, -5, 4)


def plain_descent(a, b, c, x0, lr, max_steps=1000, tol=1e-6):
    """Reference loop, written from the exercise: x ← x − lr·2·p(x)·p′(x) until |p(x)| < tol."""
    x = x0
    for step in range(1, max_steps + 1):
        x = x - lr * 2 * (a * x * x + b * x + c) * (2 * a * x + b)
        if not math.isfinite(x) or abs(x) > DIVERGENCE_BOUND:
            return x, step, "diverged"
        if abs(a * x * x + b * x + c) < tol:
            return x, step, "converged"
    return x, max_steps, "max_steps"


@pytest.mark.parametrize("x, text", [
    (0.9999996969264429, "0.9999997"), (3.999999672449243, "3.9999997"), (2.5, "2.5000000"),
    (1304098.7264000003, "1304099"), (-2.397232761860e12, "-2.397233e+12"), (5.351328681687833e-19, "5.351329e-19"),
    (0.0, "0"),
])
def test_fmt_x_keeps_seven_decimals_near_the_roots(x, text):
    assert report.fmt_x(x) == text


def test_status_rows_show_the_exercise_numbers():
    trajs = report.run(DEFAULT, [0, 3], 0.01, 1000, 1e-6)
    rows = report.status_rows(DEFAULT, trajs, 1000)
    for row, x0 in zip(rows, (0, 3)):
        x, steps, status = plain_descent(1, -5, 4, x0, 0.01)
        assert status == "converged"
        assert row["steps"] == steps
        assert row["final x"] == f"{x:.7f}"
        assert float(row["|p(x)|"]) < 1e-6
    assert [r["steps"] for r in rows] == [71, 86]
    assert [r["final x"] for r in rows] == ["0.9999997", "3.9999997"]
    assert [r["outcome"] for r in rows] == ["converged to the root 1", "converged to the root 4"]


def test_divergence_names_the_step_that_escaped():
    x, steps, status = plain_descent(1, -5, 4, 0.0, 0.2)
    assert status == "diverged" and steps == 3  # 0 → 8 → −115.2 → 1304098.7
    traj = gradient_descent(DEFAULT, 0.0, 0.2)
    assert report.outcome_words(DEFAULT, traj, 1000) == f"diverged at step {steps}"


def test_a_start_on_the_vertex_stays_there():
    traj = gradient_descent(DEFAULT, 2.5, 0.01, max_steps=300)
    assert report.outcome_words(DEFAULT, traj, 300) == "stuck at the vertex x = 2.5, where the gradient is zero"
    row = report.status_rows(DEFAULT, [traj], 300)[0]
    assert row["steps"] == 300 and row["final x"] == "2.5000000" and row["|p(x)|"] == "2.25"  # p(2.5) = −2.25


def test_no_real_root_settles_at_the_vertex_and_says_so():
    q = Quadratic(1, 0, 1)
    traj = gradient_descent(q, 0.3, 0.01)
    words = report.outcome_words(q, traj, 1000)
    assert "vertex x = 0" in words and "no real root" in words
    assert "no real root" in report.polynomial_words(q)
    text = " ".join(a for _, a in report.answers(q, [traj], 0.01, 1000, report.probe(q, 0.3, 0.01, 1000, 1e-6)))
    assert "no real root" in text and "local minimum" not in text


def test_double_root_and_line_and_constant():
    double = Quadratic(1, 2, 1)
    traj = gradient_descent(double, 0.3, 0.01)
    assert report.outcome_words(double, traj, 1000) == "not converged within 1000 steps"
    assert "double root -1" in report.polynomial_words(double)
    line = Quadratic(0, 2, 1)
    traj = gradient_descent(line, 0.3, 0.01)
    assert report.outcome_words(line, traj, 1000) == "converged to the root -0.5"
    assert "a line" in report.polynomial_words(line)
    assert report.bound_words(line) == "lr = 1/b² = 0.25"
    constant = Quadratic(0, 0, 1)
    traj = gradient_descent(constant, 0.3, 0.01, max_steps=10)
    assert "constant" in report.outcome_words(constant, traj, 10)


def test_oscillation_above_the_bound_is_a_two_cycle_of_the_update_map():
    lr = 0.12  # just above 1/(b² − 4ac) = 1/9
    traj = gradient_descent(DEFAULT, 0.0, lr)
    words = report.orbit_words(traj.xs)
    assert words.startswith("ends in a 2-cycle")
    assert report.outcome_words(DEFAULT, traj, 1000) == f"not converged within 1000 steps: it {words}"
    u, v = traj.xs[-2], traj.xs[-1]
    f = lambda x: x - lr * 2 * (x * x - 5 * x + 4) * (2 * x - 5)  # noqa: E731
    assert f(u) == pytest.approx(v, abs=1e-6) and f(v) == pytest.approx(u, abs=1e-6) and abs(u - v) > 0.1


def test_the_four_answers_quote_live_numbers():
    trajs = report.run(DEFAULT, [0, 3], 0.01, 1000, 1e-6)
    found = report.probe(DEFAULT, 0.0, 0.01, 1000, 1e-6)
    answers = dict(report.answers(DEFAULT, trajs, 0.01, 1000, found))
    assert len(answers) == 4
    q1, q2, q3, q4 = answers.values()
    assert "from 0 it reaches 1 in 71 steps" in q1 and "from 3 it reaches 4 in 86 steps" in q1
    assert "0.111" in q1 and f"{1 / 9:.3g}" == "0.111"
    assert "every start left of 2.5 goes to 1 and every start right of it to 4" in q2
    assert "from 3 it reaches 4 in 86 steps" in q3
    _, steps_small, _ = plain_descent(1, -5, 4, 0.0, 0.001, max_steps=10_000)
    assert f"at lr = 0.001 it reaches 1 in {steps_small} steps" in q4
    assert "local *maximum*" in q4 and "does **not** get stuck in a local minimum" in q4


def test_the_answers_change_with_the_settings():
    trajs = report.run(DEFAULT, [0], 0.5, 1000, 1e-6)
    found = report.probe(DEFAULT, 0.0, 0.5, 1000, 1e-6)
    q1, q2, q3, q4 = (a for _, a in report.answers(DEFAULT, trajs, 0.5, 1000, found))
    assert q1.startswith("Not always") and "diverges at step 3" in q1
    assert "every one of the" in q2 and "diverges" in q2
    assert "mirrored through the vertex, 0 becomes 5" in q3


@pytest.mark.parametrize("coefs", [(1, -5, 4), (1, 0, 1), (1, 2, 1), (0, 2, 1), (0, 0, 1), (-3, 100, 7)])
def test_x_range_holds_roots_vertex_and_starts(coefs):
    q = Quadratic(*coefs)
    lo, hi = report.x_range(q, [-7.0, 0.5])
    for point in q.critical_points():
        assert lo < point < hi
    assert lo < -7 and hi > 0.5


def test_basin_grid_is_bounded_and_puts_the_vertex_and_the_current_lr_on_it():
    x0s, lrs = report.basin_axes(DEFAULT, 0.01)
    assert len(x0s) * len(lrs) <= 5000
    assert np.isclose(x0s, 2.5).any()
    assert lrs[0] < 0.01 < lrs[-1] and lrs[0] < 1 / 9 < lrs[-1]
    x0s, lrs = report.basin_axes(DEFAULT, 10.0)
    assert lrs[-1] >= 10.0
    sw, used = report.basin_sweep(DEFAULT, 0.01, 10_000, 1e-6)
    assert used == report.BASIN_MAX_STEPS and sw.steps.max() <= used


def test_picked_cell_replaces_the_first_start_and_clamps_lr():
    assert report.picked_cell({"x0": 1.23456, "lr": 0.0123456}, [0.0, 3.0]) == ("1.23,3", 0.0123)
    assert report.picked_cell({"x0": 5e3, "lr": 1e-9}, [0.0]) == ("1000", report.LR_MIN)


def test_charts_get_only_finite_rows_and_few_of_them():
    trajs = report.run(DEFAULT, [0, 3, 2.5], 0.5, 1000, 1e-6)  # two diverge to ±1e12
    lo, hi = report.x_range(DEFAULT)
    sw, _ = report.basin_sweep(DEFAULT, 0.5, 1000, 1e-6)
    built = [charts.loss_by_step(DEFAULT, trajs), charts.cobweb(DEFAULT, trajs[0], 0.5, lo, hi),
             charts.basin_map(sw, current_x0s=[0, 3], current_lr=0.5, bound=1 / 9, bound_label="b")]
    for chart in built:
        spec = chart.to_dict()
        for values in spec.get("datasets", {}).values():
            assert len(values) <= 5000
            for row in values:
                for v in row.values():
                    assert not (isinstance(v, float) and not math.isfinite(v))
    # the cobweb of a diverging run is clamped next to the plot, not sent at 1e12
    cobweb = [v for v in built[1].to_dict()["datasets"].values() if v and "order" in v[0]][0]
    assert max(abs(r["y"]) for r in cobweb) <= 2 * (hi - lo) + max(abs(lo), abs(hi))


@pytest.mark.parametrize("coefs", [(1, -5, 4), (2, 3, -7), (-0.5, 1, 6)])
def test_period_doubling_happens_at_the_hinted_multiples_of_the_bound(coefs):
    """In u = (x − vertex)/(half the root gap) the update is u ← u − (lr/bound)·u(u² − 1) for any such p,
    so the hint's multiples of 1/(b² − 4ac) show a 2-cycle, a 4-cycle and chaos for every quadratic."""
    q = Quadratic(*coefs)
    lo, hi = q.roots()
    x0 = lo + 0.3 * (hi - lo)
    bound = 1 / (q.b ** 2 - 4 * q.a * q.c)
    assert "two-cycle" in report.cobweb_hint(q, bound / 2)
    for factor, period in ((1.08, 2), (1.26, 4), (1.35, None)):
        xs = gradient_descent(q, x0, factor * bound, max_steps=3000).xs[-64:]
        gap = (hi - lo) * 1e-7
        if period:
            assert np.allclose(xs[period:], xs[:-period], atol=gap)
            assert not np.allclose(xs[period // 2:], xs[:-(period // 2)], atol=gap)
        else:
            assert not any(np.allclose(xs[k:], xs[:-k], atol=gap) for k in range(1, 17))
            assert lo - (hi - lo) < xs.min() and xs.max() < hi + (hi - lo)  # bounded, not diverging


def test_outside_words_name_only_the_runs_that_leave_the_plot():
    trajs = report.run(DEFAULT, [0, 3], 0.5, 1000, 1e-6) + report.run(DEFAULT, [0], 0.01, 1000, 1e-6)
    lo, hi = report.x_range(DEFAULT)
    assert "(runs from 0, 3)" in report.outside_words(trajs, lo, hi)  # the two at lr = 0.5 diverge
    assert report.outside_words(trajs[2:], lo, hi) == ""
