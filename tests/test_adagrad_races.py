"""The Adagrad lab's races (labs.adagrad.races) against gradient descent, RMSProp and Adam written out by hand:
who runs, at which lr, what each run did, and the same race at every learning rate."""
import math

import numpy as np
import pytest
from reference import descent_by_hand

from core.descent import CONVERGED, DIVERGED
from core.objective import Quadratic
from labs.adagrad import races, slowdown, stories


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


def test_reversals_count_turns():
    from core.descent import Trajectory
    assert slowdown.reversals(Trajectory(np.array([0.0, 1.0, 0.5, 0.7, 0.8, 0.6]), "max_steps")) == 3
    # steps (1, 0), (0, 1), (−1, −0.5): the first turn is square (dot 0), the second turns back (dot −0.5)
    assert slowdown.reversals(Trajectory(np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.5]]), "max_steps")) == 1


def test_lr_sweep_has_a_column_per_chosen_racer():
    table, sentence = races.lr_sweep(Quadratic(), 0.0, [0.01, 0.2], 300, chosen=races.RACERS)
    assert list(table.columns) == ["lr", *races.RACERS]
    status, steps, _ = adaptive_by_hand("Adam", 0.0, 0.2, 300)
    assert table.iloc[1]["Adam"] == (f"converged to 1 in {steps} steps" if status == "converged"
                                     else f"did not finish in {steps} steps")
    assert "RMSProp at" in sentence and "Adam at" in sentence
    empty, words = races.lr_sweep(Quadratic(), 0.0, [0.01], 10, chosen=())
    assert list(empty.columns) == ["lr"] and words == ""


def test_racer_words_name_the_chosen_in_order_with_their_lrs():
    lrs = {"gradient descent": 0.2, "momentum": 0.2, "Adagrad": 0.2, "RMSProp": 0.01, "Adam": 0.03}
    assert races.racer_words(("Adam", "gradient descent"), lrs) == "gradient descent at lr = 0.2; Adam at lr = 0.03"
    assert races.racer_words((), lrs) == ""
