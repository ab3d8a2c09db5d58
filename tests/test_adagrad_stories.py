"""The sentences under the Adagrad lab's races (labs.adagrad.stories, slowdown) against runs by hand and closed
forms: each claim is re-checked against the numbers it quotes."""
import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_adagrad_races import adaptive_by_hand, gd_by_hand

from core.descent import CONVERGED, MAX_STEPS
from core.objective import Quadratic
from core.surfaces import Bowl
from labs.adagrad import races, slowdown, stories


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
