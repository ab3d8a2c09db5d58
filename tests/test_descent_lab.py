"""labs.descent (words, questions, cobweb, ranges, format): the numbers and sentences of the gradient-descent
page, checked against the exercise's known numbers, iterates computed by hand here, and closed forms (roots, vertex,
1/(b² − 4ac))."""

import math
import re

import numpy as np
import pytest
from reference import DIVERGED_AT, bounded_edge, descent_by_hand

from core.descent import DIVERGENCE_BOUND, gradient_descent, outcome, outcome_labels
from core.objective import Quadratic
from labs.descent import charts, cobweb, limits, questions, ranges, runs, words
from labs.descent.format import fmt, fmt_count, fmt_down, fmt_up, fmt_x, start_digits

DEFAULT = Quadratic(1, -5, 4)


def test_the_reference_loop_diverges_where_the_core_does():
    assert DIVERGED_AT == DIVERGENCE_BOUND
@pytest.mark.parametrize("x, text", [
    (0.9999996969264429, "0.9999997"), (3.999999672449243, "3.9999997"), (2.5, "2.5000000"),
    (1304098.7264000003, "1304099"), (-2.397232761860e12, "-2.397233e+12"), (5.351328681687833e-19, "5.351329e-19"),
    (0.0, "0"),
])
def test_fmt_x_keeps_seven_decimals_near_the_roots(x, text):
    assert fmt_x(x) == text


def test_status_rows_show_the_exercise_numbers():
    trajs = runs.run(DEFAULT, [0, 3], 0.01, 1000, 1e-6)
    rows = words.status_rows(DEFAULT, trajs, 1000)
    for row, x0 in zip(rows, (0, 3)):
        x, steps, status = descent_by_hand(1, -5, 4, x0, 0.01)
        assert status == "converged"
        assert row["steps"] == steps
        assert row["final x"] == f"{x:.7f}"
        assert float(row["|p(x)|"]) < 1e-6
    assert [r["steps"] for r in rows] == [71, 86]
    assert [r["final x"] for r in rows] == ["0.9999997", "3.9999997"]
    assert [r["outcome"] for r in rows] == ["converged to the root 1", "converged to the root 4"]


def test_divergence_names_the_step_that_escaped():
    x, steps, status = descent_by_hand(1, -5, 4, 0.0, 0.2)
    assert status == "diverged" and steps == 3  # 0 → 8 → −115.2 → 1304098.7
    traj = gradient_descent(DEFAULT, 0.0, 0.2)
    assert words.outcome_words(DEFAULT, outcome(DEFAULT, traj, 1000), 1000) == f"diverged at step {steps}"


def test_a_start_on_the_vertex_stays_there():
    traj = gradient_descent(DEFAULT, 2.5, 0.01, max_steps=300)
    said = words.outcome_words(DEFAULT, outcome(DEFAULT, traj, 300), 300)
    assert said == "stuck at the vertex x = 2.5, where the gradient is zero"
    row = words.status_rows(DEFAULT, [traj], 300)[0]
    assert row["steps"] == 300 and row["final x"] == "2.5000000" and row["|p(x)|"] == "2.25"  # p(2.5) = −2.25


def test_no_real_root_settles_at_the_vertex_and_says_so():
    q = Quadratic(1, 0, 1)
    traj = gradient_descent(q, 0.3, 0.01)
    said = words.outcome_words(q, outcome(q, traj, 1000), 1000)
    assert "vertex x = 0" in said and "no real root" in said
    assert "no real root" in words.polynomial_words(q)
    text = " ".join(a.text for a in questions.answers(q, [traj], 0.01, 1000, runs.probe(q, 0.3, 0.01, 1000, 1e-6)))
    assert "no real root" in text and "local minimum" not in text


def test_double_root_and_line_and_constant():
    double = Quadratic(1, 2, 1)
    traj = gradient_descent(double, 0.3, 0.01)
    assert words.outcome_words(double, outcome(double, traj, 1000), 1000) == \
        "not converged within 1000 steps (crawling towards the double root -1)"
    assert np.all(np.diff(traj.xs) < 0) and traj.x > -1  # it does crawl towards −1, from above
    assert "double root -1" in words.polynomial_words(double)
    line = Quadratic(0, 2, 1)
    traj = gradient_descent(line, 0.3, 0.01)
    assert words.outcome_words(line, outcome(line, traj, 1000), 1000) == "converged to the root -0.5"
    assert "a line" in words.polynomial_words(line)
    assert words.bound_words(line) == "lr = 1/b² = 0.25"
    constant = Quadratic(0, 0, 1)
    traj = gradient_descent(constant, 0.3, 0.01, max_steps=10)
    assert "constant" in words.outcome_words(constant, outcome(constant, traj, 10), 10)


def test_oscillation_above_the_bound_is_a_two_cycle_of_the_update_map():
    lr = 0.12  # just above 1/(b² − 4ac) = 1/9
    traj = gradient_descent(DEFAULT, 0.0, lr)
    o = outcome(DEFAULT, traj, 1000)
    assert o.kind == "cycle" and o.period == 2
    said = words.outcome_words(DEFAULT, o, 1000)
    assert said == f"not converged within 1000 steps: it ends in a 2-cycle through {fmt(o.points[0])}, " \
                    f"{fmt(o.points[1])}"
    u, v = traj.xs[-2], traj.xs[-1]
    assert sorted((u, v)) == list(o.points)
    f = lambda x: x - lr * 2 * (x * x - 5 * x + 4) * (2 * x - 5)  # noqa: E731
    assert f(u) == pytest.approx(v, abs=1e-6) and f(v) == pytest.approx(u, abs=1e-6) and abs(u - v) > 0.1


def test_the_four_answers_quote_live_numbers():
    trajs = runs.run(DEFAULT, [0, 3], 0.01, 1000, 1e-6)
    found = runs.probe(DEFAULT, 0.0, 0.01, 1000, 1e-6)
    answers = {a.question: a.text for a in questions.answers(DEFAULT, trajs, 0.01, 1000, found)}
    assert len(answers) == 4
    q1, q2, q3, q4 = answers.values()
    assert "from 0 it reaches 1 in 71 steps" in q1 and "from 3 it reaches 4 in 86 steps" in q1
    assert "lr < 1/(b² − 4ac) = 0.1111" in q4 and f"{1 / 9:.4g}" == "0.1111"
    assert "every start in (-2.72, 2.499) reaches 1; every start in (2.501, 7.72) reaches 4" in q2
    assert "from 3 it reaches 4 in 86 steps" in q3
    _, steps_small, _ = descent_by_hand(1, -5, 4, 0.0, 0.001, max_steps=10_000)
    assert f"at lr = 0.001 it reaches 1 in {steps_small} steps" in q4
    assert "local *maximum*" in q4 and "does **not** get stuck in a local minimum" in q4


def test_the_answers_change_with_the_settings():
    trajs = runs.run(DEFAULT, [0], 0.5, 1000, 1e-6)
    found = runs.probe(DEFAULT, 0.0, 0.5, 1000, 1e-6)
    q1, q2, q3, q4 = (a.text for a in questions.answers(DEFAULT, trajs, 0.5, 1000, found))
    assert q1.startswith("Not always") and "diverges at step 3" in q1
    # The starts were searched on [2.5, 1005] and mirrored through the vertex 2.5 onto [−1000, 2.5].
    assert q2.startswith("Not at lr = 0.5: every start from -1000 to 1005 diverges, except on the roots")
    assert "at lr = 0.5 the roots repel, so no stretch of starts reaches them" in q3


@pytest.mark.parametrize("coefs", [(1, -5, 4), (1, 0, 1), (1, 2, 1), (0, 2, 1), (0, 0, 1), (-3, 100, 7)])
def test_x_range_holds_roots_vertex_and_starts(coefs):
    q = Quadratic(*coefs)
    lo, hi = ranges.x_range(q, [-7.0, 0.5])
    for point in q.critical_points():
        assert lo < point < hi
    assert lo < -7 and hi > 0.5


def test_basin_grid_is_bounded_and_puts_the_vertex_and_the_current_lr_on_it():
    x0s, lrs = ranges.basin_axes(DEFAULT, 0.01)
    assert len(x0s) * len(lrs) <= 5000
    assert np.isclose(x0s, 2.5).any()
    assert lrs[0] < 0.01 < lrs[-1] and lrs[0] < 1 / 9 < lrs[-1]
    x0s, lrs = ranges.basin_axes(DEFAULT, 10.0)
    assert lrs[-1] >= 10.0
    sw, used = ranges.basin_sweep(DEFAULT, 0.01, 10_000, 1e-6)
    assert used == limits.BASIN_MAX_STEPS and sw.steps.max() <= used


def test_picked_cell_replaces_the_first_start_and_clamps_lr():
    assert ranges.picked_cell({"x0": 1.23456, "lr": 0.0123456}, [0.0, 3.0]) == ("1.23,3", 0.0123)
    assert ranges.picked_cell({"x0": 5e3, "lr": 1e-9}, [0.0]) == ("1000", limits.LR_MIN)


def test_charts_get_only_finite_rows_and_few_of_them():
    trajs = runs.run(DEFAULT, [0, 3, 2.5], 0.5, 1000, 1e-6)  # two diverge to ±1e12
    sw, _ = ranges.basin_sweep(DEFAULT, 0.5, 1000, 1e-6)
    built = [charts.loss_by_step(DEFAULT, trajs),
             charts.basin_map(sw, current_x0s=[0, 3], current_lr=0.5, bound=1 / 9, bound_label="b")]
    for chart in built:
        spec = chart.to_dict()
        for values in spec.get("datasets", {}).values():
            assert len(values) <= 5000
            for row in values:
                for v in row.values():
                    assert not (isinstance(v, float) and not math.isfinite(v))


@pytest.mark.parametrize("coefs", [(1, -5, 4), (2, 3, -7), (-0.5, 1, 6)])
def test_period_doubling_happens_at_the_hinted_multiples_of_the_bound(coefs):
    """In u = (x − vertex)/(half the root gap) the update is u ← u − (lr/bound)·u(u² − 1) for any such p,
    so the hint's multiples of 1/(b² − 4ac) show a 2-cycle, a 4-cycle and chaos for every quadratic."""
    q = Quadratic(*coefs)
    lo, hi = q.roots()
    x0 = lo + 0.3 * (hi - lo)
    bound = 1 / (q.b ** 2 - 4 * q.a * q.c)
    hint = cobweb.cobweb_hint(q)
    assert [c.outcome.kind for c in hint.claims[:3]] == ["cycle", "cycle", "chaos"]
    assert [c.outcome.period for c in hint.claims[:2]] == [2, 4]
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
    trajs = runs.run(DEFAULT, [0, 3], 0.5, 1000, 1e-6) + runs.run(DEFAULT, [0], 0.01, 1000, 1e-6)
    lo, hi = ranges.x_range(DEFAULT)
    assert "(runs from 0, 3)" in words.outside_words(trajs, lo, hi)  # the two at lr = 0.5 diverge
    assert words.outside_words(trajs[2:], lo, hi) == ""


def test_basin_map_names_cycles_chaos_and_slow_runs_and_its_steps_legend_has_distinct_shades():
    sw, _ = ranges.basin_sweep(DEFAULT, 0.15, 1000, 1e-6)
    frame = charts.basin_frame(sw)
    assert {"cycle", "chaos", "too slow", "left root", "right root", "diverged"} <= set(frame["outcome"])
    # Only runs that converged or diverged are shaded by their steps; the rest stay solid.
    solid = frame[~frame["outcome"].isin(["left root", "right root", "diverged"])]
    assert (solid["shade"] == 0).all() and (solid["steps"] == 1000).all()
    # A 2-cycle cell: its period, checked by running it.
    cell = frame[frame["outcome"] == "cycle"].iloc[0]
    xs = gradient_descent(DEFAULT, cell["x0"], cell["lr"]).xs[-20:]
    p = int(cell["period"])
    assert np.allclose(xs[p:], xs[:-p], atol=1e-6) and not np.allclose(xs[1:], xs[:-1], atol=1e-6)
    spec = charts.basin_map(sw, current_x0s=[0.0], current_lr=0.15, bound=1 / 9, bound_label="b").to_dict()
    opacity = spec["layer"][0]["encoding"]["opacity"]
    legend, scale = opacity["legend"], opacity["scale"]
    assert legend["symbolFillColor"] and len(legend["values"]) >= 3  # solid squares at several step counts
    assert scale["range"][0] > scale["range"][1]  # …which the scale draws at different opacities


def test_directed_rounding_keeps_printed_intervals_inside():
    for x in (9.72843, -4.72843, 2.4999999, 2.5000001, 0.19256, 1e-7, -123456.7):
        assert float(fmt_up(x)) >= x and float(fmt_down(x)) <= x
        assert abs(float(fmt_up(x)) - x) <= 1e-3 * abs(x) and abs(float(fmt_down(x)) - x) <= 1e-3 * abs(x)
    assert (fmt_up(9.72843), fmt_down(9.72843)) == ("9.729", "9.728")


# ── issue 26: the sentences a careful learner found wrong ─────────────────────────────────────────────
def answers_for(problem, x0s, lr=0.01, steps=1000, tol=1e-6):
    trajs = runs.run(problem, x0s, lr, steps, tol)
    return [a.text for a in questions.answers(problem, trajs, lr, steps, runs.probe(problem, x0s, lr, steps, tol))]


def test_two_starts_that_differ_never_print_alike():
    trajs = runs.run(DEFAULT, [2.5, 2.4999], 0.01, 1000, 1e-6)
    q1, _, q3, q4 = answers_for(DEFAULT, [2.5, 2.4999])
    _, steps, status = descent_by_hand(1, -5, 4, 2.4999, 0.01)
    assert status == "converged"
    assert f"from 2.5 it is stuck at the vertex 2.5; from 2.4999 it reaches 1 in {steps} steps" in q1
    assert [r["x0"] for r in words.status_rows(DEFAULT, trajs, 1000)] == ["2.5", "2.4999"]
    # Quoted as inside the stretch that reaches 1, the start prints inside it (not "(-2.72, 2.499) … from 2.5").
    hit = re.search(r"every start in \((\S+), (\S+)\) reaches 1 \(from (\S+) it reaches 1 in", q3)
    lo, hi, x0 = hit.groups()
    assert x0 == "2.4999" and float(lo) < float(x0) < float(hi) <= 2.5
    assert start_digits([2.5, 2.4999]) == 5 and start_digits([0, 3]) == 4
    assert start_digits([2.5, 2.5 - 1e-15]) == 16


def test_the_learning_rate_answer_runs_from_a_start_that_moves():
    *_, q4 = answers_for(DEFAULT, [2.5, 0.0, 5.0])
    _, steps, _ = descent_by_hand(1, -5, 4, 0.0, 0.01)
    assert f"From 0: at lr = 0.01 it reaches 1 in {steps} steps" in q4 and "stuck at the vertex" not in q4
    *_, q4 = answers_for(DEFAULT, [2.5])  # the only start is the vertex: halfway from the root 1 to it
    _, steps, _ = descent_by_hand(1, -5, 4, 1.75, 0.01)
    assert f"From 1.75: at lr = 0.01 it reaches 1 in {steps} steps" in q4 and "stuck at the vertex" not in q4


def test_mixed_stretches_are_described_alike_on_both_sides_and_not_counted():
    trajs = runs.run(DEFAULT, [0, 3], 0.01, 1000, 1e-6)
    start = questions.answers(DEFAULT, trajs, 0.01, 1000, runs.probe(DEFAULT, [0, 3], 0.01, 1000, 1e-6))[1]
    assert "stretches)" not in start.text
    left, right = start.described
    assert left.hi < 2.5 < right.lo
    assert (5 - left.hi, 5 - left.lo) == pytest.approx((right.lo, right.hi), abs=1e-12)
    # An independent dense sweep of each side (plain numpy, x ← x − lr·2p·p′): both sides reach both roots,
    # in as many alternating stretches (9 a side at this sampling, more than the basin grid resolves), none
    # diverging inside. (8 before the escape edge was checked on both sides: the stretch now ends where starts
    # diverge on both sides, and the interleaved band at the edge, 7e-6 wide, counts as mixed.)
    seen = []
    for lo, hi in ((left.lo, left.hi), (right.lo, right.hi)):
        x = np.linspace(lo, hi, 200_001)[1:-1]
        for _ in range(1000):
            x = x - 0.01 * 2 * (x * x - 5 * x + 4) * (2 * x - 5)
        ends = np.round(x, 3)
        assert set(np.unique(ends)) == {1.0, 4.0}
        seen.append(int(np.count_nonzero(np.diff(ends))) + 1)
    assert seen[0] == seen[1] == 9
    assert left.reaches == right.reaches == frozenset({1.0, 4.0})


def test_far_starts_diverge_beyond_a_distance_that_grows_as_lr_shrinks():
    _, start, _, _ = answers_for(DEFAULT, [0, 3])
    distance = bounded_edge(0.01) - 2.5  # 7.2284: the 2-cycle ±√(1 + 2/k) in units of half the root gap
    assert "whatever the learning rate" not in start
    assert f"at lr = 0.01 it is {fmt_up(distance)}: every start farther than {fmt_up(distance)} from 2.5" \
           in start and fmt_up(distance) == "7.229"
    # 10 is beyond it at lr = 0.01 and inside it at lr = 0.001 (the distance grows as 1/√lr)
    assert descent_by_hand(1, -5, 4, 10.0, 0.01)[2] == "diverged"
    assert descent_by_hand(1, -5, 4, 10.0, 0.001)[1:] == (801, "converged")
    assert bounded_edge(0.001) - 2.5 > 7.5


def test_a_double_root_says_how_many_updates_it_needs():
    double = Quadratic(1, 0, 0)
    q1 = answers_for(double, [1.0], lr=0.1)[0]
    assert "about 1,250,000 updates (about 1/(8·|a|·lr·tol)), far beyond the 10,000 this page runs at most" in q1
    # The estimate against an independent loop, where one can run to the end: tol 1e-3 needs ~1,250 updates.
    for a, x0, lr in ((1.0, 1.0, 0.1), (2.0, -0.5, 0.01), (0.5, 3.0, 0.02)):
        q = Quadratic(a, -2 * a * 1.5, a * 1.5 * 1.5)  # a·(x − 1.5)²
        _, steps, status = descent_by_hand(q.a, q.b, q.c, 1.5 + x0, lr, max_steps=1_000_000, tol=1e-3)
        assert status == "converged"
        assert questions.crawl_updates(q, 1.5 + x0, lr, 1e-3) == pytest.approx(steps, rel=0.03)
    assert fmt_count(1249998.75) == "1,250,000"


def test_the_cobweb_qualifies_slope_one_and_the_basin_map_names_a_single_root():
    double = Quadratic(1, 0, 0)
    traj = gradient_descent(double, 1.0, 0.1)
    said = cobweb.cobweb_words(double, traj, 0.1, 1000)
    assert "less steeply than ±1 and repels when it crosses more steeply" in said
    assert "slope exactly 1" in said and "still attracts, slowly" in said
    sw, used = ranges.basin_sweep(double, 0.1, 1000, 1e-6)
    frame = charts.basin_frame(sw, labels=outcome_labels(double))
    assert "root" in set(frame["outcome"]) and "left root" not in set(frame["outcome"])
    assert "left root" not in words.basin_words(double, sw, used, 1000)
    assert outcome_labels(Quadratic(0, 2, 1))[0] == "root" and outcome_labels(DEFAULT)[0] == "left root"


def test_a_start_just_off_the_vertex_is_named_before_its_cycle():
    q1 = answers_for(DEFAULT, [0.0], lr=0.13)[0]
    assert "; from 2.47, just off it, the run does not settle: it ends in a 2-cycle through" in q1
    assert ", just off it." not in q1


def test_the_cobweb_is_zoomed_to_where_the_run_goes():
    traj = gradient_descent(DEFAULT, 0.0, 0.01)  # 0 → 0.4 → … → 1
    lo, hi = cobweb.cobweb_range(DEFAULT, traj)
    assert lo <= 0.0 and hi >= 1.0 and hi - lo < 2
    # At x = 0 the map's curve is 0.4 above the diagonal: a fifth of the view or more (was 4% of the full range).
    assert (0.0 - 0.01 * DEFAULT.grad(0.0)) / (hi - lo) >= 0.2
    assert "zoomed" in cobweb.cobweb_words(DEFAULT, traj, 0.01, 1000)
    wide = gradient_descent(DEFAULT, 0.0, 0.2)  # diverges: the whole range
    assert cobweb.cobweb_range(DEFAULT, wide) == ranges.x_range(DEFAULT, [0.0])
