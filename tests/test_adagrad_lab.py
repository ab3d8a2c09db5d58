"""The Adagrad lab (labs.adagrad) against hand-computed steps, closed forms and the documented random streams."""
import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import adagrad_by_hand, descent_by_hand

from core.descent import CONVERGED, DIVERGED, MAX_STEPS
from core.objective import Quadratic
from core.surfaces import Bowl
from labs.adagrad import chart_data, inspector, races, slowdown, stories


@pytest.mark.parametrize("grad", ["noise", "quadratic"])
@pytest.mark.parametrize("lr, eps, seed", [(0.1, 1e-8, 0), (0.5, 0.01, 7), (2.0, 0.0, 123)])
def test_inspector_matches_adagrad_by_hand(grad, lr, eps, seed):
    k = 12
    run = inspector.run_inspector(inspector.InspectorConfig(lr=lr, eps=eps, seed=seed, grad=grad), k)
    hand = adagrad_by_hand(seed, lr, eps, k, grad)
    assert run.k == k
    np.testing.assert_allclose(run.theta[-1], hand[-1][6], rtol=1e-9)
    np.testing.assert_allclose(run.sums[-1], hand[-1][3], rtol=1e-9)
    for index in (0, 23, 99, 100, 109):
        table = inspector.step_table(run, index)
        assert list(table["step t"]) == list(range(3, 13))  # the last TABLE_ROWS = 10 steps
        for _, row in table.iterrows():
            t, before, g, G, eff, update, after = hand[int(row["step t"]) - 1]
            assert row["θ before"] == pytest.approx(before[index], rel=1e-9)
            assert row["g"] == pytest.approx(g[index], rel=1e-9)
            assert row["G = G + g²"] == pytest.approx(G[index], rel=1e-9)
            assert row["lr / (√G + eps)"] == pytest.approx(eff[index], rel=1e-9)
            assert row["update"] == pytest.approx(update[index], rel=1e-9, abs=1e-300)
            assert row["θ after"] == pytest.approx(after[index], rel=1e-9)


def test_the_exercise_first_step_moves_every_element_by_lr():
    """Step 1: G = g², so the update is −lr·g/(|g| + eps): ∓lr for every element, up to eps/|g|."""
    run = inspector.run_inspector(inspector.InspectorConfig(lr=0.1, eps=1e-8), 1)
    g = np.abs(run.grads[0])
    np.testing.assert_allclose(np.abs(run.updates[0]), 0.1 * g / (g + 1e-8), rtol=1e-12)
    np.testing.assert_allclose(np.abs(run.updates[0]), 0.1, rtol=1e-8 / g.min())
    no_eps = inspector.run_inspector(inspector.InspectorConfig(lr=0.1, eps=0.0), 1)
    np.testing.assert_allclose(np.abs(no_eps.updates[0]), 0.1, rtol=1e-15)
    np.testing.assert_array_equal(np.sign(run.updates[0]), -np.sign(run.grads[0]))


def test_stepping_in_pieces_gives_the_same_run_bit_for_bit():
    config = inspector.InspectorConfig(lr=0.3, seed=5)
    whole = inspector.run_inspector(config, 17)
    piece = inspector.run_inspector(config, 3)
    piece = inspector.run_inspector(config, 10, start=piece)
    piece = inspector.run_inspector(config, 17, start=piece)
    for a, b in zip(whole[3:], piece[3:]):
        np.testing.assert_array_equal(a, b)
    # A start from another config, or one further along, is not continued from.
    other = inspector.run_inspector(inspector.InspectorConfig(lr=0.2, seed=5), 5)
    np.testing.assert_array_equal(inspector.run_inspector(config, 5, start=other).theta, whole.theta[:6])
    np.testing.assert_array_equal(inspector.run_inspector(config, 5, start=whole).theta, whole.theta[:6])


def test_zero_steps_is_the_seeded_start():
    run = inspector.run_inspector(inspector.InspectorConfig(seed=3), 0)
    rng = np.random.default_rng(3)
    np.testing.assert_array_equal(run.params[0], rng.standard_normal((10, 10)))
    assert run.k == 0 and inspector.step_table(run, 0).empty
    assert inspector.envelope_ratio(run) is None


def test_quadratic_gradients_drive_the_parameters_to_zero():
    run = inspector.run_inspector(inspector.InspectorConfig(lr=0.5, grad="quadratic"), 200)
    assert np.max(np.abs(run.theta[-1])) < 1e-6 * np.max(np.abs(run.theta[0]))


def test_unit_variance_gradients_follow_the_lr_over_root_t_envelope():
    """E[G_t] = t for N(0, 1) gradients, so lr/√G ≈ lr/√t; with 110 elements the median is close."""
    run = inspector.run_inspector(inspector.InspectorConfig(lr=0.1), 1000)
    assert inspector.envelope_ratio(run) == pytest.approx(1.0, abs=0.05)
    series = inspector.effective_lr_series(run, [0, 105])
    envelope = series[series.series == "lr/√t"]
    np.testing.assert_allclose(envelope["effective lr"], 0.1 / np.sqrt(envelope["step"]))
    assert set(series.series) == {"W[0, 0]", "b[5]", "lr/√t"}
    assert len(series) < 1000


def test_matrix_frame_holds_G_and_the_effective_lr_of_W():
    run = inspector.run_inspector(inspector.InspectorConfig(lr=0.2, eps=0.5), 4)
    frame = inspector.matrix_frame(run)
    cell = frame[(frame.row == 3) & (frame.col == 7)].iloc[0]
    G = run.sums[-1][37]
    assert cell["G"] == pytest.approx(G)
    assert cell["effective lr"] == pytest.approx(0.2 / (math.sqrt(G) + 0.5))


def test_element_numbering():
    assert inspector.element_index("W", 2, 3) == 23 and inspector.element_label(23) == "W[2, 3]"
    assert inspector.element_index("b", 4, 9) == 104 and inspector.element_label(104) == "b[4]"
    with pytest.raises(ValueError):
        inspector.element_index("W", 10, 0)


@pytest.mark.parametrize("bad", [dict(lr=0.0), dict(lr=-1.0), dict(lr=float("nan")), dict(eps=-1e-3),
                                 dict(eps=float("inf")), dict(seed=-1), dict(seed=2**31), dict(grad="adam")])
def test_config_refuses_bad_values_by_name(bad):
    with pytest.raises(ValueError):
        inspector.InspectorConfig(**bad)


@pytest.mark.parametrize("k", [-1, inspector.MAX_K + 1, 2.5])
def test_run_refuses_a_bad_number_of_steps(k):
    with pytest.raises(ValueError, match="steps"):
        inspector.run_inspector(inspector.InspectorConfig(), k)


# --- races ------------------------------------------------------------------------------------------


def gd_by_hand(x0, lr, max_steps=1000):
    """``descent_by_hand`` on p = x² − 5x + 4: (status, steps)."""
    _, steps, status = descent_by_hand(1, -5, 4, x0, lr, max_steps)
    return status, steps


def test_race_at_lr_0_2_gradient_descent_diverges_and_adagrad_converges():
    q = Quadratic()
    runs = races.race(q, 0.0, 0.2, 1000)
    assert 0.2 > q.stable_lr()  # 1/9
    status, step = gd_by_hand(0.0, 0.2)
    assert (runs["gradient descent"].status, status) == (DIVERGED, "diverged")
    assert races.outcome_words(q, runs["gradient descent"]) == f"diverged at step {step}"
    assert runs["momentum"].status == DIVERGED
    assert runs["Adagrad"].status == CONVERGED
    assert runs["Adagrad"].x == pytest.approx(1.0, abs=1e-6)
    story = " ".join(stories.root_race_story(q, 0.0, 0.2, runs))
    assert f"gradient descent diverged at step {step}" in story
    assert "Adagrad converged to 1 in" in story and "Adapting helps" in story


def test_first_steps_gradient_descent_scales_with_g_adagrad_moves_by_lr():
    q = Quadratic()
    first = stories.first_steps(q, 0.0, 0.2)
    assert first["g"] == pytest.approx(-40.0)        # 2·p(0)·p'(0) = 2·4·(−5)
    assert first["gradient descent"] == pytest.approx(8.0)
    assert first["Adagrad"] == pytest.approx(0.2)
    assert stories.first_steps(q, 10.0, 0.2)["Adagrad"] == pytest.approx(-0.2)


def test_at_a_small_lr_adagrad_is_slower_and_the_story_says_so():
    q = Quadratic()
    runs = races.race(q, 0.0, 0.01, 1000)
    status, step = gd_by_hand(0.0, 0.01)
    assert status == "converged" and runs["gradient descent"].steps == step
    assert runs["Adagrad"].status == MAX_STEPS
    story = " ".join(stories.root_race_story(q, 0.0, 0.01, runs))
    assert "Adapting hurts" in story and f"gradient descent needs {step} steps" in story


def test_adagrad_final_lr_is_lr_over_root_of_the_summed_squared_gradients():
    q = Quadratic()
    runs = races.race(q, 0.0, 0.2, 1000)
    ada = runs["Adagrad"]
    G = sum(float(q.grad(x)) ** 2 for x in ada.xs[:-1])
    assert float(stories.adagrad_final_lr(q, ada, 0.2)) == pytest.approx(0.2 / (math.sqrt(G) + 1e-8))


def test_bowl_race_adagrad_wins_with_per_coordinate_step_sizes():
    bowl = Bowl()
    runs = races.race(bowl, (-4.0, 1.0), 0.035, 1000, lr_adagrad=1.0)
    ada, gd = runs["Adagrad"], runs["gradient descent"]
    assert ada.status == CONVERGED and gd.status == CONVERGED and ada.steps < gd.steps
    G = np.sum([bowl.grad(x) ** 2 for x in ada.xs[:-1]], axis=0)
    final = stories.adagrad_final_lr(bowl, ada, 1.0)
    np.testing.assert_allclose(final, 1.0 / (np.sqrt(G) + 1e-8))
    assert final[0] > bowl.stable_lr() > final[1]
    story = " ".join(stories.bowl_story(bowl, runs, 0.035, 1.0))
    assert "shine" in story and f"{ada.steps} steps" in story and f"{gd.steps} for gradient descent" in story


def test_lr_sweep_has_a_row_per_lr_and_a_column_per_racer():
    table, sentence = races.lr_sweep(Quadratic(), 0.0, [0.01, 0.2], 300)
    assert list(table.columns) == ["lr", *races.DEFAULT_RACERS]
    status, step = gd_by_hand(0.0, 0.2)
    assert table.iloc[1]["gradient descent"] == f"diverged at step {step}"
    assert table.iloc[1]["Adagrad"].startswith("converged")
    # At lr 0.01 Adagrad's steps shrink from 0.01 as G piles up: after 300 steps it is still at x ≈ 0.3.
    assert table.iloc[0]["Adagrad"] == "did not finish in 300 steps"
    assert races.race(Quadratic(), 0.0, 0.01, 300)["Adagrad"].x < 0.5
    assert "gradient descent at 1 of 2 (0.01)" in sentence and "Adagrad at 1 of 2 (0.2)" in sentence


def test_display_frames_are_finite_clipped_and_small():
    q = Quadratic()
    runs = races.race(q, 0.0, 0.5, 5000)
    view = chart_data.root_view(q, 0.0)
    paths, clipped = chart_data.path_frame_1d(runs, view)
    assert clipped and paths["x shown"].between(*view).all()
    loss = chart_data.loss_frame(q, runs)
    assert np.isfinite(loss["loss"]).all() and len(loss) <= 3 * 600
    bowl = Bowl()
    runs = races.race(bowl, (-4.0, 1.0), 0.5, 300)
    box = chart_data.view_box(bowl, (-4.0, 1.0))
    paths, clipped = chart_data.path_frame_2d(runs, box)
    assert clipped  # gradient descent diverges at lr 0.5
    assert paths.x.between(*box[0]).all() and paths.y.between(*box[1]).all()


def test_race_at_lr_0_05_names_the_root_each_optimiser_reaches():
    """From 0 at lr 0.05 gradient descent goes to 1 (by hand), momentum overshoots the vertex 2.5 and ends at 4."""
    q = Quadratic()
    runs = races.race(q, 0.0, 0.05, 1000)
    status, step = gd_by_hand(0.0, 0.05)
    assert status == "converged" and abs(runs["gradient descent"].x - 1) < 1e-6
    assert abs(runs["momentum"].x - 4) < 1e-6 and runs["momentum"].status == CONVERGED
    assert max(runs["momentum"].xs) > 4 > 2.5  # it was carried past the vertex
    story = stories.root_race_story(q, 0.0, 0.05, runs)
    assert story[0].startswith(f"gradient descent converged to 1 in {step} steps; "
                               f"momentum converged to 4 in {runs['momentum'].steps} steps")
    assert "They end at different roots: gradient descent at 1; momentum at 4." in story[1]


def test_sweep_table_names_the_root_and_a_one_step_landing_apart():
    table, sentence = races.lr_sweep(Quadratic(), 0.0, (0.1, 0.01), 1000)
    # By hand: 0 − 0.1·2·4·(−5) = 0 + 0.1 × 40 = 4, a root, after one update: a coincidence, not a speed.
    assert gd_by_hand(0.0, 0.1) == ("converged", 1)
    assert table.iloc[0]["gradient descent"] == "lands on 4 in one step: 0 + 0.1 × 40 = 4"
    assert table.iloc[1]["gradient descent"] == f"converged to 1 in {gd_by_hand(0.0, 0.01)[1]} steps"
    assert "gradient descent at 1 of 2 (0.01)" in sentence
    assert "not counted above: gradient descent at lr = 0.1; momentum at lr = 0.1." in sentence


def test_racer_legend_tells_overlapping_lines_apart():
    from labs.adagrad import charts as charts

    q = Quadratic()
    spec = charts.race_loss_chart(chart_data.loss_frame(q, races.race(q, 0.0, 0.1, 100)), title="t").to_dict()
    enc = spec["encoding"]
    # One merged legend: the same title on every channel, none switched off (that would drop the whole legend).
    assert enc["color"]["title"] == enc["strokeDash"]["title"] == enc["strokeWidth"]["title"] == "optimiser"
    assert all(enc[k].get("legend", {}) is not None for k in ("color", "strokeDash", "strokeWidth"))
    assert len({tuple(d) for d in enc["strokeDash"]["scale"]["range"]}) == 3
    assert enc["strokeWidth"]["scale"]["range"][0] > max(enc["strokeWidth"]["scale"]["range"][1:])


# --- RMSProp and Adam in the races; the effective step; who wins ----------------------------------------


def adaptive_by_hand(name, x0, lr, max_steps=1000, eps=1e-8):
    """RMSProp (ρ 0.99) or Adam (β 0.9, 0.999) written out on p = x² − 5x + 4, loss p²; (status, steps, xs)."""
    x, s, m, v, xs = x0, 0.0, 0.0, 0.0, [x0]
    for t in range(1, max_steps + 1):
        g = 2 * (x * x - 5 * x + 4) * (2 * x - 5)
        if name == "RMSProp":
            s = 0.99 * s + 0.01 * g * g
            x = x - lr * g / (math.sqrt(s) + eps)
        else:
            m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
            x = x - lr * (m / (1 - 0.9**t)) / (math.sqrt(v / (1 - 0.999**t)) + eps)
        xs.append(x)
        if not math.isfinite(x) or abs(x) > 1e6:
            return "diverged", t, xs
        if abs(x * x - 5 * x + 4) < 1e-6:
            return "converged", t, xs
    return "max_steps", max_steps, xs


@pytest.mark.parametrize("name, lr", [("RMSProp", 0.01), ("RMSProp", 0.5), ("Adam", 0.03), ("Adam", 0.2)])
def test_rmsprop_and_adam_race_as_written_out_by_hand(name, lr):
    runs = races.race(Quadratic(), 0.0, 1.0, 1000, chosen=(name,), lrs={name: lr})
    assert list(runs) == [name]
    status, steps, xs = adaptive_by_hand(name, 0.0, lr)
    assert (runs[name].status, runs[name].steps) == (status, steps)
    np.testing.assert_allclose(runs[name].xs, xs, rtol=1e-12, atol=1e-12)


def test_race_lrs_give_each_racer_its_own_and_keep_the_old_defaults():
    assert races.race_lrs(0.2) == {"gradient descent": 0.2, "momentum": 0.2, "Adagrad": 0.2}
    assert races.race_lrs(0.035, 1.0) == {"gradient descent": 0.035, "momentum": 0.035, "Adagrad": 1.0}
    assert races.race_lrs(0.1, 1.0, {"Adam": 0.03, "Adagrad": 0.5}, races.RACERS) == {
        "gradient descent": 0.1, "momentum": 0.1, "Adagrad": 0.5, "RMSProp": 0.1, "Adam": 0.03}
    assert list(races.racers(0.1, chosen=("Adam", "gradient descent"))) == ["gradient descent", "Adam"]
    with pytest.raises(ValueError, match="racer"):
        races.make_racer("nadam", 0.1)


def test_effective_step_is_lr_for_gradient_descent_and_lr_over_root_G_for_adagrad():
    q = Quadratic()
    runs = races.race(q, 0.0, 0.2, 1000, chosen=("Adagrad",)) | races.race(q, 0.0, 0.01, 1000,
                                                                         chosen=("gradient descent",))
    t, ratio = slowdown.effective_steps(q, runs["gradient descent"])
    np.testing.assert_allclose(ratio, 0.01, rtol=1e-9)
    assert list(t) == list(range(1, runs["gradient descent"].steps + 1))
    ada = runs["Adagrad"]
    G = np.cumsum([float(q.grad(x)) ** 2 for x in ada.xs[:-1]])
    t, ratio = slowdown.effective_steps(q, ada)
    # |Δx| is a difference of iterates near 1: it keeps about 16 − 8 digits when |Δx| ≈ 1e-8, hence rtol 1e-6.
    np.testing.assert_allclose(ratio, 0.2 / (np.sqrt(G[t - 1]) + 1e-8), rtol=1e-6)
    assert np.all(np.diff(0.2 / np.sqrt(G)) <= 0)  # G only grows: Adagrad's never rises
    frame = slowdown.effective_step_frame(q, runs, max_rows=50)
    assert set(frame.optimiser) == {"Adagrad", "gradient descent"} and len(frame) <= 100
    assert np.isfinite(frame["effective step"]).all()


def test_rmsprop_forgets_and_its_effective_step_grows_back_as_the_story_says():
    q = Quadratic()
    lrs = {"Adagrad": 0.2, "RMSProp": 0.01, "Adam": 0.03}
    runs = races.race(q, 0.0, 1.0, 1000, chosen=races.ADAPTIVE, lrs=lrs)
    t, ratio = slowdown.effective_steps(q, runs["RMSProp"])
    low = int(np.argmin(ratio))
    assert ratio[-1] > 1.5 * ratio[low]  # near the root the gradients shrink and s forgets the big ones
    # By hand: RMSProp's effective step is lr/(√s + eps) with s the 0.99-decaying mean of g².
    s = 0.0
    for x in runs["RMSProp"].xs[:-1]:
        s = 0.99 * s + 0.01 * float(q.grad(x)) ** 2
    assert ratio[-1] == pytest.approx(0.01 / (math.sqrt(s) + 1e-8), rel=1e-6)  # |Δx| loses digits near x = 1
    story = " ".join(slowdown.effective_step_story(q, runs, lrs))
    assert f"fell to {ratio[low]:.3g} at step {t[low]} and grew back {ratio[low:].max() / ratio[low]:.3g}×" in story
    ada_t, ada = slowdown.effective_steps(q, runs["Adagrad"])
    assert f"went from {ada[0]:.3g} at step 1 to {ada[-1]:.3g} at step {ada_t[-1]}" in story
    assert "Its first step is 0.03 in size" in story  # Adam: lr, by the bias corrections
    assert f"turned back {slowdown.reversals(runs['Adam'])} times" in story


def test_reversals_count_turns():
    from core.descent import Trajectory
    assert slowdown.reversals(Trajectory(np.array([0.0, 1.0, 0.5, 0.7, 0.8, 0.6]), "max_steps")) == 3
    # steps (1, 0), (0, 1), (−1, −0.5): the first turn is square (dot 0), the second turns back (dot −0.5)
    assert slowdown.reversals(Trajectory(np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.5]]), "max_steps")) == 1


def test_verdict_ranks_the_converged_by_steps_and_says_why_the_winner_won():
    q = Quadratic()
    lrs = {"gradient descent": 0.2, "momentum": 0.2, "Adagrad": 0.2, "RMSProp": 0.01, "Adam": 0.03}
    runs = races.race(q, 0.0, 1.0, 1000, chosen=races.RACERS, lrs=lrs)
    order = sorted((adaptive_by_hand(n, 0.0, lrs[n])[1], n) for n in ("RMSProp", "Adam"))
    assert gd_by_hand(0.0, 0.2)[0] == "diverged"
    lines = stories.race_verdict(q, runs, lrs)
    ranked = [name for _, name in sorted((runs[n].steps, n) for n in races.ADAPTIVE)]
    assert lines[0].startswith(f"Converged, fastest first: {ranked[0]} ({runs[ranked[0]].steps} steps")
    assert lines[0].endswith("Not converged: gradient descent, momentum.")
    assert [n for n in ranked if n != "Adagrad"] == [n for _, n in order]
    assert lines[1].startswith(f"Why {ranked[0]} wins here") and "gradient descent diverged at step" in lines[1]
    # At lr 0.01 gradient descent wins (71 steps, by hand) and the adaptive ones are slower: the story says why.
    lrs = {name: 0.01 for name in races.RACERS}
    runs = races.race(q, 0.0, 1.0, 1000, chosen=("gradient descent", "Adagrad", "RMSProp"), lrs=lrs)
    lines = stories.race_verdict(q, runs, lrs)
    assert lines[0].startswith(f"Converged, fastest first: gradient descent ({gd_by_hand(0.0, 0.01)[1]} steps")
    assert lines[1].startswith("Why gradient descent wins here")
    assert lines[2].startswith("Adagrad divides g by √G, the root of the sum of every g² so far")
    assert lines[3].startswith("RMSProp divides g by √s, the root of a decaying mean of g²")


def test_verdict_on_the_bowl_and_when_nobody_converges():
    bowl = Bowl()
    lrs = {"gradient descent": 0.035, "momentum": 0.035, "Adagrad": 1.0, "RMSProp": 0.03, "Adam": 0.1}
    runs = races.race(bowl, (-4.0, 1.0), 1.0, 1000, chosen=races.RACERS, lrs=lrs)
    winner = min(runs, key=lambda n: (runs[n].status != CONVERGED, runs[n].steps))
    assert stories.race_verdict(bowl, runs, lrs)[0].startswith(f"Converged, fastest first: {winner}")
    none = races.race(bowl, (-4.0, 1.0), 1.0, 5, chosen=races.RACERS, lrs=lrs)
    assert stories.race_verdict(bowl, none, lrs)[0].startswith("None of them converged")
    assert stories.race_verdict(bowl, {}, lrs) == []


def test_stories_leave_out_racers_that_did_not_run():
    q = Quadratic()
    runs = races.race(q, 0.0, 1.0, 300, chosen=("RMSProp", "Adam"), lrs={"RMSProp": 0.01, "Adam": 0.03})
    story = stories.root_race_story(q, 0.0, 0.2, runs)
    assert len(story) == 1 and "gradient descent" not in story[0]
    alone = races.race(Bowl(), (-4.0, 1.0), 0.1, 100, chosen=("Adam",))
    assert stories.bowl_story(Bowl(), alone, 0.1, 1.0) == ["Adam did not finish in 100 steps."]


def test_lr_sweep_has_a_column_per_chosen_racer():
    table, sentence = races.lr_sweep(Quadratic(), 0.0, [0.01, 0.2], 300, chosen=races.RACERS)
    assert list(table.columns) == ["lr", *races.RACERS]
    status, steps, _ = adaptive_by_hand("Adam", 0.0, 0.2, 300)
    assert table.iloc[1]["Adam"] == (f"converged to 1 in {steps} steps" if status == "converged"
                                     else f"did not finish in {steps} steps")
    assert "RMSProp at" in sentence and "Adam at" in sentence
    empty, words = races.lr_sweep(Quadratic(), 0.0, [0.01], 10, chosen=())
    assert list(empty.columns) == ["lr"] and words == ""


def test_thin_steps_keeps_both_ends_within_the_budget():
    assert list(chart_data.thin_steps(5, 100)) == [0, 1, 2, 3, 4, 5]
    picked = chart_data.thin_steps(5000, 600)
    assert picked[0] == 0 and picked[-1] == 5000 and len(picked) <= 600 and np.all(np.diff(picked) > 0)
    assert list(chart_data.thin_steps(0, 10)) == [0]


def test_all_five_play_in_the_browser_player_with_their_own_looks_and_iterates():
    import json

    from core.surfaces import SURFACES
    from labs.adagrad import replay as adagrad_replay

    q = Quadratic()
    lrs = {"gradient descent": 0.2, "momentum": 0.2, "Adagrad": 0.2, "RMSProp": 0.01, "Adam": 0.03}
    runs = races.race(q, 0.0, 1.0, 1000, chosen=races.RACERS, lrs=lrs)
    sent = json.loads(json.dumps(adagrad_replay.race_1d_replay(q, runs, chart_data.root_view(q, 0.0))))
    assert [s["label"] for s in sent["series"]] == list(races.RACERS)
    assert len({(s["color"], str(s["dash"]), s["shape"]) for s in sent["series"]}) == 5
    assert len({s["color"] for s in sent["series"]}) == 5
    for series, traj in zip(sent["series"], runs.values()):
        assert np.array(series["data"]["x"]).tobytes() == traj.xs.tobytes()  # the core's iterates, bit for bit
    surface = SURFACES["rosenbrock"]
    runs_2d = races.race(surface, (-1.2, 1.0), 1.0, 3000, chosen=("RMSProp", "Adam"),
                         lrs={"RMSProp": 0.01, "Adam": 0.1})
    box = chart_data.view_box(surface, (-1.2, 1.0))
    sent = json.loads(json.dumps(adagrad_replay.race_2d_replay(runs_2d, box, *surface.grid(*box, n=30), surface.minimum,
                                                       title="t")))
    assert [s["label"] for s in sent["series"]] == ["RMSProp", "Adam"]
    for series, traj in zip(sent["series"], runs_2d.values()):
        assert np.array(series["data"]["x"]).tobytes() == traj.xs[:, 0].tobytes()


def test_loss_and_effective_step_charts_list_only_the_racers_that_ran():
    from labs.adagrad import charts as charts

    q = Quadratic()
    runs = races.race(q, 0.0, 1.0, 300, chosen=("momentum", "Adam"), lrs={"momentum": 0.05, "Adam": 0.03})
    for spec in (charts.race_loss_chart(chart_data.loss_frame(q, runs), title="t").to_dict(),
                 charts.effective_step_chart(slowdown.effective_step_frame(q, runs)).to_dict()):
        enc = spec["encoding"]
        assert enc["color"]["scale"]["domain"] == ["momentum", "Adam"]
        assert enc["color"]["scale"]["range"] == [races.RACER_COLORS["momentum"], races.RACER_COLORS["Adam"]]
        assert enc["strokeDash"]["title"] == enc["color"]["title"] == "optimiser"


def test_racer_words_name_the_chosen_in_order_with_their_lrs():
    lrs = {"gradient descent": 0.2, "momentum": 0.2, "Adagrad": 0.2, "RMSProp": 0.01, "Adam": 0.03}
    assert races.racer_words(("Adam", "gradient descent"), lrs) == "gradient descent at lr = 0.2; Adam at lr = 0.03"
    assert races.racer_words((), lrs) == ""


def test_the_effective_lr_chart_watches_the_inspected_element_and_three_others():
    assert inspector.watched_elements(7) == [7, 0, 55, 99]
    assert inspector.watched_elements(55) == [55, 0, 99, 105]  # the inspected one is not shown twice


# --- issue 26: the winner's rule, one-step landings, racers not in the race, the Rosenbrock hint -------------
def test_why_adagrad_wins_names_its_sum_not_a_mean():
    """Adagrad's G = Σg² is a sum: its steps shrink for good. Only RMSProp and Adam divide by a mean."""
    q = Quadratic()
    lrs = {"gradient descent": 0.2, "momentum": 0.2, "Adagrad": 0.2, "RMSProp": 0.01, "Adam": 0.03}
    runs = races.race(q, 0.0, 1.0, 1000, lrs=lrs)  # gradient descent, momentum and Adagrad: Adagrad wins
    why = [line for line in stories.race_verdict(q, runs, lrs) if line.startswith("Why Adagrad wins")]
    assert len(why) == 1 and "the root of the sum of every g² so far" in why[0] and "mean" not in why[0]
    assert "only shrinks" in why[0] and "none moved a coordinate by more than lr = 0.2" in why[0]
    assert np.abs(np.diff(runs["Adagrad"].xs)).max() <= 0.2
    runs = races.race(q, 0.0, 1.0, 1000, chosen=races.RACERS, lrs=lrs)  # Adam wins (230 steps against 251)
    why = [line for line in stories.race_verdict(q, runs, lrs) if line.startswith("Why Adam wins")]
    assert len(why) == 1 and "√v̂, the root of a decaying mean of recent g²" in why[0] and "sum" not in why[0]


def test_one_step_landings_are_marked_and_not_ranked():
    """At lr 0.1 from 0: gradient descent's and momentum's first step is 0.1 × 40 = 4 and RMSProp's is
    lr/√(1 − 0.99) = 10 × 0.1 = 1; at lr 1 Adam's is lr = 1. Each lands on a root: none is a speed."""
    q = Quadratic()
    lrs = {"gradient descent": 0.1, "momentum": 0.1, "Adagrad": 0.1, "RMSProp": 0.1, "Adam": 1.0}
    runs = races.race(q, 0.0, 1.0, 1000, chosen=races.RACERS, lrs=lrs)
    assert adaptive_by_hand("RMSProp", 0.0, 0.1)[:2] == ("converged", 1)
    assert adaptive_by_hand("Adam", 0.0, 1.0)[:2] == ("converged", 1)
    lines = stories.race_verdict(q, runs, lrs)
    assert lines[0] == f"Converged, fastest first: Adagrad ({runs['Adagrad'].steps} steps, lr = 0.1)."
    assert ("gradient descent lands on 4 in one step: 0 + 0.1 × 40 = 4 (its first step is lr·|g|): a coincidence "
            "of the numbers, not speed, so it is not ranked.") in lines
    assert any(line.startswith("RMSProp lands on 1 in one step: 0 + 0.1 × 10 = 1 (its first step is lr/√(1 − ρ))")
               for line in lines)
    assert any(line.startswith("Adam lands on 1 in one step: 0 + 1 = 1 (its first step is lr)") for line in lines)
    story = " ".join(stories.root_race_story(q, 0.0, 0.1, runs, lrs))
    assert "in 1 step" not in story and "Adapting hurts" not in story  # not 'gradient descent needs 1 steps'


def test_a_sentence_names_only_racers_in_the_race():
    q = Quadratic()
    lrs = {name: 0.01 for name in races.RACERS}
    runs = races.race(q, 0.0, 1.0, 1000, chosen=("gradient descent", "Adagrad"), lrs=lrs)
    text = " ".join(stories.race_verdict(q, runs, lrs))
    assert "Why gradient descent wins" in text and "RMSProp" not in text and "Adam" not in text
    alone = races.race(Bowl(), (-4.0, 1.0), 0.035, 1000, chosen=("momentum", "Adagrad"), lr_adagrad=1.0)
    text = " ".join(stories.bowl_story(Bowl(), alone, 0.035, 1.0) + stories.race_verdict(Bowl(), alone, races.race_lrs(
        0.035, 1.0, chosen=("momentum", "Adagrad"))))
    assert "gradient descent" not in text.lower()


def test_nobody_converging_promises_nothing_about_the_table():
    from core.surfaces import Rosenbrock

    lrs = {"gradient descent": 0.035, "momentum": 0.035, "Adagrad": 1.0}
    runs = races.race(Rosenbrock(), (-1.2, 1.0), 1.0, 1000, lrs=lrs)
    assert all(traj.status != CONVERGED for traj in runs.values())
    [line] = stories.race_verdict(Rosenbrock(), runs, lrs)
    assert line.startswith("None of them converged") and "at which each one does" not in line


def rosenbrock_by_hand(name, start, lr, max_steps):
    """Gradient descent, momentum (β 0.9), Adagrad and Adam (0.9, 0.999) on Rosenbrock written out with the
    page's stopping rule (√f < 1e-6, |x| > 1e6 diverges): (status, steps)."""
    p, v, G, m, s = np.array(start, dtype=float), np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2)
    for t in range(1, max_steps + 1):
        x, y = p
        g = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
        if name == "gradient descent":
            p = p - lr * g
        elif name == "momentum":
            v = 0.9 * v - lr * g
            p = p + v
        elif name == "Adagrad":
            G = G + g * g
            p = p - lr * g / (np.sqrt(G) + 1e-8)
        else:
            m, s = 0.9 * m + 0.1 * g, 0.999 * s + 0.001 * g * g
            p = p - lr * (m / (1 - 0.9**t)) / (np.sqrt(s / (1 - 0.999**t)) + 1e-8)
        if not np.all(np.isfinite(p)) or np.abs(p).max() > 1e6:
            return "diverged", t
        if math.hypot(1 - p[0], 10 * (p[1] - p[0] ** 2)) < 1e-6:
            return "converged", t
    return "max_steps", max_steps


def test_the_rosenbrock_hint_quotes_runs_at_its_own_values():
    """Its bound is 2 over the largest eigenvalue of the Hessian at (1, 1) (written out here), its lr is under
    it, and every outcome it quotes is a run at the hint's start, learning rates and step limit (by hand)."""
    from core.surfaces import Rosenbrock

    hint = stories.HINTS["rosenbrock"]
    assert hint.lrs["gradient descent"] == hint.lrs["momentum"]  # the page gives them one lr between them
    runs = races.race(Rosenbrock(), hint.start, 1.0, hint.steps, chosen=hint.chosen, lrs=hint.lrs)
    sentence = stories.hint_sentence(Rosenbrock(), hint, runs, "/Adagrad?x")
    high = float(np.linalg.eigvalsh(np.array([[802.0, -400.0], [-400.0, 200.0]])).max())
    assert f"lr < {2 / high:.4g}" in sentence and hint.lrs["gradient descent"] < 2 / high
    assert f"({hint.start[0]:g}, {hint.start[1]:g})" in sentence and f"at most {hint.steps} steps" in sentence
    assert "](/Adagrad?x)" in sentence
    for name in hint.chosen:
        status, steps = rosenbrock_by_hand(name, hint.start, hint.lrs[name], hint.steps)
        said = {"converged": f"{name} converged in {steps} steps", "diverged": f"{name} diverged at step {steps}",
                "max_steps": f"{name} did not finish in {steps} steps"}[status]
        assert said in sentence, (said, sentence)
        assert f"{name} at lr = {hint.lrs[name]:g}" in sentence
    assert "RMSProp" not in sentence  # not in the hint's race
    assert any(rosenbrock_by_hand(n, hint.start, hint.lrs[n], hint.steps)[0] == "converged" for n in hint.chosen)


def test_the_race_loss_chart_leaves_its_plot_the_width():
    """On the 2-D race the loss chart has two fifths of the page: its legend goes under the plot and its
    log labels stay short (1e+11, not 100,000,000,000), or the plot was squeezed to ~100 px."""
    from core.surfaces import Rosenbrock
    from labs.adagrad import charts as charts

    runs = races.race(Rosenbrock(), (-1.2, 1.0), 0.035, 1000, lr_adagrad=1.0)
    frame = chart_data.loss_frame(Rosenbrock(), runs)
    spec = charts.race_loss_chart(frame, title="Loss f against step", narrow=True).to_dict()
    assert spec["encoding"]["color"]["legend"]["orient"] == "bottom"
    assert spec["height"] == 300 + charts.LEGEND_ROW_PX * 4  # three racers and the legend's title, one row each
    assert "format(datum.value, '.0e')" in spec["encoding"]["y"]["axis"]["labelExpr"]


# --- claims: for random races, every verdict sentence against the runs ---------------------------------------
# The rule each adaptive racer follows, written out here (not read from core.optim.SCALING).
RULE_WORDS = {"Adagrad": "√G, the root of the sum of every g² so far", "RMSProp": "√s, the root of a decaying mean",
              "Adam": "√v̂, the root of a decaying mean"}
LANDING = re.compile(r"^(?P<name>.+?) lands on (?P<root>\S+) in one step: (?P<x0>\S+) (?P<sign>[+−]) (?P<lr>\S+)"
                     r"(?: × (?P<factor>\S+))? = (?P<x1>\S+?)[ :(]")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(x0=st.sampled_from([0.0, -1.0, 0.5, 2.0, 3.0, 6.0]) | st.floats(-3, 8).map(lambda v: round(v, 2)),
       lrs=st.fixed_dictionaries({name: st.sampled_from(races.RACE_LRS) for name in races.RACERS[2:]}),
       chosen=st.sets(st.sampled_from(races.RACERS), min_size=1))
def test_claims_the_verdict_names_the_winner_its_rule_and_only_racers_that_ran(x0, lrs, chosen):
    """As on the page, gradient descent and momentum share Adagrad's lr; RMSProp and Adam have their own."""
    lrs = {"gradient descent": lrs["Adagrad"], "momentum": lrs["Adagrad"], **lrs}
    q = Quadratic()
    runs = races.race(q, x0, 1.0, 300, chosen=tuple(chosen), lrs=lrs)
    lines = stories.race_verdict(q, runs, lrs)
    text = " ".join(lines + stories.root_race_story(q, x0, lrs["gradient descent"], runs, lrs))
    for name in set(races.RACERS) - set(runs):  # a sentence names only racers in the race
        assert name.lower() not in text.lower(), (name, text)
    assert not re.search(r"in 1 step\b", text)  # a one-step landing is never a speed
    one_step = {n for n, t in runs.items() if t.status == CONVERGED and t.steps == 1}
    ranked = sorted((t.steps, races.RACERS.index(n), n) for n, t in runs.items()
                    if t.status == CONVERGED and n not in one_step)
    for name in one_step:  # marked, with arithmetic that holds: x0 ± lr × factor = x1, at a root
        [line] = [line for line in lines if line.startswith(f"{name} lands on")]
        m = LANDING.match(line)
        assert m, line
        x1 = float(m["x0"]) + (1 if m["sign"] == "+" else -1) * float(m["lr"]) * float(m["factor"] or 1)
        assert float(m["lr"]) == lrs[name] and x1 == pytest.approx(float(m["x1"]), rel=2e-3, abs=2e-3)
        assert abs(q.residual(runs[name].x)) < 1e-6 and float(m["root"]) in [round(r, 4) for r in q.roots()]
    if ranked:
        order = ", then ".join(f"{n} ({s} step{'s' if s != 1 else ''}" for s, _, n in ranked)
        assert re.sub(r", lr = [^)]*\)", "", lines[0]).startswith(
            "Converged, fastest first: " + re.sub(r" \((\d+ steps?)", r" (\1", order)), (lines[0], order)
        winner = ranked[0][2]
        why = [line for line in lines if line.startswith("Why ")]
        assert all(line.startswith(f"Why {winner} wins here") for line in why)
        if why and winner in RULE_WORDS:  # the winner's rule, named correctly
            assert RULE_WORDS[winner] in why[0], why[0]
            assert ("sum" in why[0]) == (winner == "Adagrad") and ("mean" in why[0]) == (winner != "Adagrad")
            if winner == "Adagrad":  # 'none moved a coordinate by more than lr': |g|/√(Σg²) ≤ 1
                assert np.abs(np.diff(runs[winner].xs)).max() <= lrs[winner]
        for name in ("Adagrad", "RMSProp", "Adam"):  # a slower adaptive racer's rule, named correctly
            said = [line for line in lines if line.startswith(f"{name} divides g by")]
            for line in said:
                assert RULE_WORDS[name] in line, line
    else:
        assert not any(line.startswith("Why ") for line in lines)


@pytest.mark.parametrize("seed, lr, eps, k, index", [(0, 0.1, 1e-8, 1, 23), (7, 0.5, 0.01, 9, 105)])
def test_the_newest_step_in_words_is_adagrad_by_hand(seed, lr, eps, k, index):
    """Issue 28: the newest step's one-line answer and its arithmetic quote Adagrad's numbers, computed by hand
    here (G before is 0 at step 1); before it is shown the table hides exactly what the learner predicts."""
    run = inspector.run_inspector(inspector.InspectorConfig(lr=lr, eps=eps, seed=seed), k)
    hand = adagrad_by_hand(seed, lr, eps, k)
    t, before, g, G, eff, update, after = (v if i == 0 else v[index] for i, v in enumerate(hand[-1]))
    G_before = hand[-2][3][index] if k > 1 else 0.0
    answer = inspector.step_answer(run, index)
    for name, value in (("g", g), ("G_before", G_before), ("G", G), ("eff", eff), ("update", update),
                        ("before", before), ("after", after)):
        assert getattr(answer, name) == pytest.approx(value, rel=1e-9, abs=1e-300), name
    assert answer.t == t == k and answer.element == inspector.element_label(index)
    assert f"g = {g:.6g}" in answer.headline(False) and f"{update:.6g}" not in answer.headline(False)
    assert answer.headline(True).endswith(f"so θ moves by {update:.6g}, from {before:.6g} to {after:.6g}.")
    assert f"G = {G_before:.6g} + ({g:.6g})² = {G:.6g}" in answer.why
    assert f"|update| = {abs(update) / lr:.3g} × lr" in answer.why
    hidden = inspector.hide_newest(inspector.step_table(run, index))
    assert list(hidden.iloc[-1][list(inspector.PREDICTED)]) == [inspector.HIDDEN] * 4
    assert hidden.iloc[-1]["g"] == pytest.approx(g, rel=1e-9) and hidden.iloc[-1]["θ before"] == before
    assert inspector.step_answer(inspector.run_inspector(inspector.InspectorConfig(), 0), index) is None
