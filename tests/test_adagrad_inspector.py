"""The Adagrad lab's step inspector (labs.adagrad.inspector) against Adagrad stepped by hand from the exercise's
seeded parameters and the documented random streams."""
import math

import numpy as np
import pytest
from reference import adagrad_by_hand

from labs.adagrad import inspector


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


def test_the_effective_lr_chart_watches_the_inspected_element_and_three_others():
    assert inspector.watched_elements(7) == [7, 0, 55, 99]
    assert inspector.watched_elements(55) == [55, 0, 99, 105]  # the inspected one is not shown twice


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
