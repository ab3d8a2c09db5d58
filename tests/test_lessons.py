"""Every built-in lesson's every answer against an independent computation: plain loops written here (and
tests/reference.py's descent_by_hand / adagrad_by_hand), never the answer registry; every step's settings valid;
the checker names the right lines of a broken file; grading reads a decimal comma and keeps its tolerance."""
from __future__ import annotations

import math
import re
import subprocess
import sys
import textwrap
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from core.train import TrainConfig, Trainer
from labs import settings_of
from labs.glossary import GLOSSARY, terms_in
from lessons import builtin, compute, grade, load, read_number, reveal
from lessons.check import check_text
from tests.reference import adagrad_by_hand, descent_by_hand

ROOT = Path(__file__).resolve().parents[1]
STEPS = [(name, k) for name in builtin() for k in range(len(load(name)))]


# ── reference computations, written from the exercises ───────────────────────────────────────────────
def _p(s, x):
    return s["a"] * x * x + s["b"] * x + s["c"]


def _orbit(s, x0):
    """('converges', steps, x) | ('diverges', step, x) | ('k-cycle' or 'chaos', steps, x): the loop by hand,
    then the last 64 iterates: the smallest period p ≤ 8 that repeats to 1e-6 is a p-cycle, else chaos."""
    x, xs = x0, [x0]
    for step in range(1, s["steps"] + 1):
        x = x - s["lr"] * 2 * _p(s, x) * (2 * s["a"] * x + s["b"])
        if not math.isfinite(x) or abs(x) > 1e6:
            return "diverges", step, x
        xs.append(x)
        if abs(_p(s, x)) < s["tol"]:
            return "converges", step, x
    tail = np.array(xs[-64:])
    for period in range(1, 9):
        if np.all(np.abs(tail[period:] - tail[:-period]) <= 1e-6 * max(1.0, np.abs(tail).max())):
            return ("vertex" if period == 1 else f"{period}-cycle"), s["steps"], x
    return "chaos", s["steps"], x


def _roots(s):
    d = s["b"] ** 2 - 4 * s["a"] * s["c"]
    return sorted([(-s["b"] - math.sqrt(d)) / (2 * s["a"]), (-s["b"] + math.sqrt(d)) / (2 * s["a"])])


def _start(s, args):
    return float(args.get("x0") if args.get("x0") is not None else s["x0"][0])


def ref_updates_to_converge(s, args):
    _, steps, status = descent_by_hand(s["a"], s["b"], s["c"], _start(s, args), s["lr"], s["steps"], s["tol"])
    return steps if status == "converged" else None


def ref_root_reached(s, args):
    x, _, status = descent_by_hand(s["a"], s["b"], s["c"], _start(s, args), s["lr"], s["steps"], s["tol"])
    return f"{min(_roots(s), key=lambda r: abs(r - x)):g}" if status == "converged" else "neither"


def ref_first_update(s, args):
    x0 = _start(s, args)
    return x0 - s["lr"] * 2 * _p(s, x0) * (2 * s["a"] * x0 + s["b"])


def ref_stability_bound(s, args):
    return 1 / (s["b"] ** 2 - 4 * s["a"] * s["c"])


def ref_run_outcome(s, args):
    return _orbit(s, _start(s, args))[0]


def _inspected(s):
    rows = adagrad_by_hand(s["seed"], s["lr"], s["eps"], s["k"], s["grad"])
    index = 10 * s["i"] + s["j"] if s["el"] == "W" else 100 + s["i"]
    return rows, index


def ref_G_after(s, args):
    rows, index = _inspected(s)
    return rows[-1][3][index]


def ref_effective_lr_after(s, args):
    rows, index = _inspected(s)
    return rows[-1][4][index]


def ref_theta_after(s, args):
    rows, index = _inspected(s)
    return rows[-1][6][index]


def ref_effective_lr_trend(s, args):
    rows, index = _inspected(s)
    eff = np.array([row[4][index] for row in rows])
    return "shrinks at every step" if np.all(np.diff(eff) < 0) else "never grows" if np.all(np.diff(eff) <= 0) \
        else "grows at times"


RACE_LR = {"gradient descent": "lr_race", "momentum": "lr_race", "Adagrad": "lr_race", "RMSProp": "lr_rms",
           "Adam": "lr_adam"}


def race_by_hand(s, racer):
    """The racer on (x² − 5x + 4)² from x0, each update by hand: (xs, status)."""
    lr, x = s[RACE_LR[racer]], s["x0"]
    v = G = m = sq = 0.0
    xs = [x]
    for t in range(1, s["steps"] + 1):
        g = 2 * (x * x - 5 * x + 4) * (2 * x - 5)
        if racer == "gradient descent":
            x = x - lr * g
        elif racer == "momentum":
            v = 0.9 * v - lr * g
            x = x + v
        elif racer == "Adagrad":
            G += g * g
            x = x - lr * g / (math.sqrt(G) + 1e-8)
        elif racer == "RMSProp":
            sq = 0.99 * sq + 0.01 * g * g
            x = x - lr * g / (math.sqrt(sq) + 1e-8)
        else:
            m = 0.9 * m + 0.1 * g
            sq = 0.999 * sq + 0.001 * g * g
            x = x - lr * (m / (1 - 0.9**t)) / (math.sqrt(sq / (1 - 0.999**t)) + 1e-8)
        if not math.isfinite(x) or abs(x) > 1e6:
            return xs, "diverged"
        xs.append(x)
        if abs(x * x - 5 * x + 4) < 1e-6:
            return xs, "converged"
    return xs, "max_steps"


def ref_race_winner(s, args):
    done = [(len(xs) - 1, ["gradient descent", "momentum", "Adagrad", "RMSProp", "Adam"].index(r), r)
            for r in s["race"] for xs, status in [race_by_hand(s, r)] if status == "converged"]
    return min(done)[2] if done else "none"


def ref_race_outcome(s, args):
    xs, status = race_by_hand(s, args.get("racer", "gradient descent"))
    return {"converged": "converges", "diverged": "diverges"}.get(status, "other")


def ref_first_step(s, args):
    xs, _ = race_by_hand(s, args.get("racer", "Adagrad"))
    return abs(xs[1] - xs[0])


def ref_effective_step(s, args):
    xs, _ = race_by_hand(s, args.get("racer", "Adagrad"))
    t = args.get("step", 100)
    g = 2 * (xs[t - 1] ** 2 - 5 * xs[t - 1] + 4) * (2 * xs[t - 1] - 5)
    return abs(xs[t] - xs[t - 1]) / abs(g)


def _config(s):
    return TrainConfig(hidden=tuple(int(h) for h in s["hidden"]), activation=s["act"], optimizer=s["opt"], lr=s["lr"],
                       momentum=s["mom"], batch_size=s["batch"], epochs=s["epochs"], n_samples=s["n"],
                       noise=s["noise"], seed=s["seed"], shuffle=s["shuffle"], target=s["target"])


@lru_cache(maxsize=8)
def _trained(config):
    trainer = Trainer(config)  # core's training (tested against torch elsewhere); the net is read by hand below
    initial = [p.copy() for p in trainer.params]
    trainer.train(trainer.total_samples)
    return initial, trainer.params


def _net(s, trained=True):
    initial, final = _trained(_config(s))
    return final if trained else initial


def forward(params, x, act):
    """One hidden layer by hand: v·act(w·x + b) + c."""
    w, b, v, c = params[0][0], params[1], params[2][:, 0], params[3][0]
    z = np.outer(np.atleast_1d(x), w) + b
    h = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[act](z)
    return h @ v + c


def ref_prediction_at(s, args):
    return float(forward(_net(s, args.get("trained", True)), args.get("x", 103.0), s["act"])[0])


def ref_last_kink(s, args):
    w, b = _net(s)[0][0], _net(s)[1]
    kinks = -b[w != 0] / w[w != 0]
    return float(kinks[kinks < args.get("x", 103.0)].max())


def ref_slope_beyond(s, args):
    x = args.get("x", 103.0)
    return float(forward(_net(s), x, s["act"])[0] - forward(_net(s), x - 1, s["act"])[0])  # straight there


def ref_dead_units(s, args):
    w, b = _net(s)[0][0], _net(s)[1]
    # on [−3, 3] a unit's w·x + b is largest at an end: dead when it is ≤ 0 at both
    return int(np.sum((np.maximum(-3 * w + b, 3 * w + b)) <= 0))


def ref_far_shape(s, args):
    x, params = args.get("x", 103.0), _net(s)
    edge = forward(params, 3.0, s["act"])[0] - forward(params, 2.4, s["act"])[0]
    far = forward(params, x, s["act"])[0] - forward(params, x - 1, s["act"])[0]
    ratio = far / (edge / 0.6)
    return "curving up like x²" if ratio > 1.1 else "a straight line" if ratio >= 0.9 else "levelling off"


def ref_far_change(s, args):
    other = dict(s, **{args["setting"]: args["to"]})
    a, b = ref_prediction_at(s, {}), ref_prediction_at(other, {})
    return "higher" if b > a else "lower" if b < a else "the same"


REFERENCE = {name[4:]: fn for name, fn in globals().items() if name.startswith("ref_")}


@pytest.mark.parametrize("name,k", STEPS)
def test_every_answer_matches_an_independent_computation(name, k):
    step = load(name).steps[k]
    q = step.question
    if q is None or q.kind == "challenge":
        pytest.skip("no value to compare (challenges: test_challenges_*)")
    expected = REFERENCE[q.answer](step.filled(), q.args)
    got = compute(step).value
    assert expected is not None
    if isinstance(expected, str):
        assert got == expected
    else:
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("name,k", STEPS)
def test_every_step_is_valid(name, k):
    step = load(name).steps[k]
    assert settings_of(step.lab).validate(step.lab_settings) == []
    assert step.prompt and len(step.prompt) < 1000


@pytest.mark.parametrize("name", builtin())
def test_builtin_lessons_pass_the_checker_and_have_5_to_10_steps(name):
    lesson, problems = check_text((ROOT / "lessons" / f"{name}.toml").read_text(), name)
    assert problems == []
    assert 5 <= len(lesson) <= 10 and lesson.title and lesson.summary


def test_a_typed_answer_is_refused():
    """A question has no key for its value: the checker refuses one, so a lesson cannot hold a stale number."""
    text = (ROOT / "lessons" / "gradient_descent.toml").read_text()
    typed = text.replace('answer = "updates_to_converge"\n', 'answer = "updates_to_converge"\nvalue = 71\n', 1)
    _, problems = check_text(typed)
    assert [(line, "value" in m) for line, m in problems] == [(typed.splitlines().index("value = 71") + 1, True)]


_PROMPT_NUMBER = re.compile(r"[−-]?\d+(?:\.\d+)?(?:/\d+)?")


@pytest.mark.parametrize("name,k", STEPS)
def test_no_step_gives_its_own_answer_away(name, k):
    """A choice's title does not name the computed label; a number question's prompt and title hold no number
    (a fraction too) equal to the answer, but for the step's own settings (Adagrad's first step is lr: the
    prompt must say which lr)."""
    step = load(name).steps[k]
    q = step.question
    if q is None or q.kind == "challenge":
        pytest.skip("nothing to give away")
    value = compute(step).value
    if q.kind == "choice":
        assert value.lower() not in (step.title or "").lower()
        return
    given = [float(v) for raw in step.lab_settings.values() for v in (raw if isinstance(raw, list) else [raw])
             if isinstance(v, (int, float)) and not isinstance(v, bool)]
    for text in _PROMPT_NUMBER.findall(f"{step.title or ''} {step.prompt}"):
        number = read_number(text)
        if number is None or any(math.isclose(number, g, rel_tol=1e-9) for g in given):
            continue
        assert not math.isclose(number, value, rel_tol=1e-3, abs_tol=1e-12), f"{text} gives away {value}"


# ── the feedback quotes the numbers the page shows, computed here by hand ─────────────────────────────────
def _iterates(x0, lr, n):
    xs = [x0]
    for _ in range(n):
        xs.append(xs[-1] - lr * 2 * (xs[-1] ** 2 - 5 * xs[-1] + 4) * (2 * xs[-1] - 5))
    return xs


def test_descent_feedback_quotes_the_final_x_as_the_table_does():
    """From 0 at lr 0.01 the run stops at 0.9999997, as "Where each run ends" prints it; the feedback said
    "at x = 1", a root the run never reached exactly."""
    x, steps, status = descent_by_hand(1, -5, 4, 0.0, 0.01, 1000, 1e-6)
    assert status == "converged" and x != 1.0
    text = reveal(load("gradient_descent").steps[0]).text
    assert f"after {steps} updates, at x = {x:.7f}, next to the root 1." in text


def test_descent_feedback_names_the_cycle_and_the_range_of_chaos():
    two = sorted(_iterates(3.0, 0.12, 1000)[-2:])
    assert abs(_iterates(3.0, 0.12, 1002)[-1] - _iterates(3.0, 0.12, 1000)[-1]) < 1e-9  # by hand: period 2
    assert f"a 2-cycle through {two[0]:.4g}, {two[1]:.4g}" in reveal(load("gradient_descent").steps[6]).text
    text = reveal(load("gradient_descent").steps[8]).text  # lr 0.15
    low, high = (float(v) for v in re.search(r"within \[([-0-9.e]+), ([-0-9.e]+)\]", text).groups())
    tail = _iterates(3.0, 0.15, 1000)[-64:]
    assert low <= min(tail) * (1 + 1e-3) and max(tail) <= high * (1 + 1e-3) and high - low > 0.5


def test_first_update_feedback_shows_p_and_its_slope():
    text = reveal(load("gradient_descent").steps[4]).text  # x0 = 0, lr = 0.1
    p0, dp0 = 0 * 0 - 5 * 0 + 4, 2 * 0 - 5
    assert f"p(x0) = {p0} and p′(x0) = {dp0}" in text and f"= {2 * p0 * dp0}" in text
    assert f"0 − 0.1 × ({2 * p0 * dp0}) = {0 - 0.1 * 2 * p0 * dp0:g}." in text


def test_stability_feedback_states_the_factor_it_bounds():
    """1 − 2·lr·p′(r)² at both roots (p′ = ±3) is −1 exactly at lr = 1/9: the why says the factor must stay above −1."""
    step = load("gradient_descent").steps[5]
    assert all(1 - 2 * (1 / 9) * (2 * r - 5) ** 2 == pytest.approx(-1) for r in (1, 4))
    assert "p′(root)² = b² − 4ac = 9" in reveal(step).text and "above −1" in reveal(step).text


def test_theta_feedback_shows_the_update_it_adds():
    """The why of θ after step 1 of W[2, 3] multiplies the effective lr by g, from Adagrad by hand."""
    _, before, g, _, eff, update, after = adagrad_by_hand(0, 0.1, 1e-8, 1)[-1]
    i = 2 * 10 + 3
    text = reveal(load("adagrad_by_hand").steps[2]).text
    assert (f"θ before − effective lr · g = {before[i]:.6g} − {eff[i]:.6g} × ({g[i]:.6g}) = {before[i]:.6g} + "
            f"({update[i]:.6g}) = {after[i]:.6g}") in text


def test_trend_feedback_argues_for_the_answer_it_gives():
    """Over 50 noise steps no g of W[2, 3] is 0, so its effective lr shrinks at every step, and the why says so
    (it argued only 'never grows', the option it marked wrong)."""
    rows = adagrad_by_hand(0, 0.1, 1e-8, 50)
    i = 2 * 10 + 3
    assert all(row[2][i] != 0 for row in rows) and np.all(np.diff([row[4][i] for row in rows]) < 0)
    step = load("adagrad_by_hand").steps[4]
    assert compute(step).value == "shrinks at every step"
    assert "shrank at every step" in reveal(step).text and "never grows" not in reveal(step).text
    assert f"{rows[0][4][i]:.6g} after step 1 to {rows[-1][4][i]:.6g} after step 50" in reveal(step).text


@pytest.mark.parametrize("k,lr,factor", [(0, 0.2, "lr·|g| / √(g²) = lr = 0.2"),
                                         (2, 0.01, "lr / √(1 − ρ) = 10 × 0.01 = 0.1"),
                                         (3, 0.03, "lr·|g| / √(g²) = lr = 0.03")])
def test_first_step_feedback_derives_its_size(k, lr, factor):
    """By hand at x0 = 0 (g = −40): Adagrad moves lr·|g|/√(g²) = lr, RMSProp lr·|g|/√(0.01·g²) = 10·lr, Adam
    (bias-corrected means g and g²) lr."""
    g = 2 * (0 - 0 + 4) * (0 - 5)
    size = {0: lr * abs(g) / (math.sqrt(g * g) + 1e-8), 2: lr * abs(g) / (math.sqrt(0.01 * g * g) + 1e-8),
            3: lr * abs(g) / (math.sqrt(g * g) + 1e-8)}[k]
    step = load("rmsprop_adam").steps[k]
    assert compute(step).value == pytest.approx(size, rel=1e-6)
    assert factor in reveal(step).text and f"{g}" in reveal(step).text


TRAINED_NET = ("prediction_at", "last_kink", "slope_beyond", "far_shape", "dead_units")


@pytest.mark.parametrize("k", range(len(load("mlp_x103"))))
def test_mlp_steps_about_the_trained_net_say_to_train(k):
    """A step's link opens the MLP page with its net untrained (seen in a browser: f(103) = −13.2 on the page
    beside feedback about the trained 478.5), so a question about the trained net says how to get it."""
    step = load("mlp_x103").steps[k]
    q = step.question
    if q is None or q.answer not in TRAINED_NET or q.args.get("trained") is False:
        pytest.skip("not about the trained net")
    assert re.search(r"\btrain\b", step.prompt.replace("*", ""), re.IGNORECASE), step.prompt


# ── challenges: the goal is not met at the step's own settings, and a known solution meets it ────────────
CHALLENGES = {
    ("gradient_descent", "reaches"): ({"x0": "-3"}, lambda s: descent_by_hand(1, -5, 4, -3, 0.01)[0] > 3),
    ("gradient_descent", "ends_in"): ({"lr": 0.12}, lambda s: _orbit(dict(s, lr=0.12), 1.9)[0] == "2-cycle"),
    ("adagrad_by_hand", "wins"): ({"lr_race": 0.05}, lambda s: ref_race_winner(dict(s, lr_race=0.05), {})
                                  == "gradient descent"),
    ("rmsprop_adam", "wins"): ({"lr_rms": 0.05}, lambda s: ref_race_winner(dict(s, lr_rms=0.05), {}) == "RMSProp"),
}


@pytest.mark.parametrize("name,k", [(n, k) for n, k in STEPS if (q := load(n).steps[k].question)
                                    and q.kind == "challenge"])
def test_challenges(name, k):
    step = load(name).steps[k]
    change, truth = CHALLENGES[(name, step.question.answer)]
    assert truth(step.filled())  # the reference loop says the solution meets the goal
    assert grade(step, settings=step.filled()).status == "wrong"
    solved = grade(step, settings=step.filled() | change)
    assert solved.status == "right" and solved.text.startswith("Done")
    assert reveal(step, step.filled()).text


# ── grading ──────────────────────────────────────────────────────────────────────────────────────────
def test_grade_number_reads_a_decimal_comma_and_keeps_the_tolerance():
    step = load("gradient_descent").steps[5]  # the stability bound, 1/9
    assert grade(step, "0,1111").status == "right"
    assert grade(step, "1/9").status == "right"
    assert grade(step, "0.1111111").right is True
    assert grade(step, "0.12").status == "wrong"
    assert "0.111111" in grade(step, "0.12").text and "you said 0.12" in grade(step, "0.12").text
    assert grade(step, "abc").status == "invalid"
    assert grade(step, "1e999").status == "invalid"
    assert grade(step, "9" * 500).status == "invalid"


@pytest.mark.parametrize("text,value", [("0,05", 0.05), ("−3", -3.0), ("10 609", 10609.0), ("1e-6", 1e-6),
                                        (" 4 ", 4.0), ("1/9", 1 / 9), ("1,2,3", None), ("", None), ("nan", None),
                                        ("٣", None), ("1/0", None)])
def test_read_number(text, value):
    assert read_number(text) == (pytest.approx(value) if value is not None else None)


def test_grade_choice_right_wrong_and_none():
    step = load("gradient_descent").steps[1]  # from x0 = 3: root 4
    assert grade(step, "4").status == "right"
    wrong = grade(step, "1")
    assert wrong.status == "wrong" and "the answer is 4" in wrong.text and "86 updates" in wrong.text
    assert grade(step, None).status == "invalid"
    assert grade(step, "7").status == "invalid"


# ── the checker names the lines ───────────────────────────────────────────────────────────────────────
BROKEN = textwrap.dedent('''\
    title = "Broken"
    colour = "red"

    [[steps]]
    lab = "descent"
    prompt = """
    A prompt with = signs
    lr = 5 inside a string is not a key
    """
    settings = { x0 = "0", lr = 20 }
    [steps.question]
    kind = "number"
    answer = "no_such_function"

    [[steps]]
    lab = "descent"
    prompt = "Which root?"
    [steps.settings]
    x0 = "3"
    wobble = 1
    hide = "basin,nonsense"
    [steps.question]
    kind = "choice"
    answer = "root_reached"
    options = ["1", "neither"]

    [[steps]]
    lab = "nowhere"
    prompt = "?"
    ''')


def test_checker_names_every_problem_with_its_line():
    lesson, problems = check_text(BROKEN)
    assert lesson is None
    lines = {line for line, _ in problems}
    messages = " | ".join(m for _, m in problems)
    assert any(line == 2 and "colour" in m for line, m in problems)
    assert any(line == 10 and "lr = 20" in m for line, m in problems)
    assert any(line == 13 and "no_such_function" in m for line, m in problems)
    assert any(line == 20 and "wobble" in m for line, m in problems)
    assert any(line == 21 and "nonsense" in m for line, m in problems)
    assert any(line == 28 and "nowhere" in m for line, m in problems)
    assert 8 not in lines, messages


def test_checker_computes_answers_a_choice_not_among_options():
    fixed = BROKEN.replace("lr = 20", "lr = 0.01").replace("no_such_function", "updates_to_converge")
    fixed = fixed.replace('colour = "red"', "").replace('wobble = 1\n', "")
    fixed = fixed.replace("basin,nonsense", "basin").replace("nowhere", "descent")
    lesson, problems = check_text(fixed)
    assert problems and all(line == 24 for line, _ in problems), problems  # options: 4 is the answer
    assert "“4”" in problems[0][1]


def test_checker_toml_syntax_error_has_its_line():
    _, problems = check_text('title = "x"\n[[steps]]\nlab = "descent"\nprompt = oops\n')
    assert problems[0][0] == 4 and "not valid TOML" in problems[0][1]


def test_check_command_exit_codes(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(BROKEN)
    run = subprocess.run([sys.executable, "-m", "lessons", "check", str(bad)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 1 and f"{bad}:10:" in run.stdout
    good = subprocess.run([sys.executable, "-m", "lessons", "check", str(ROOT / "lessons" / "gradient_descent.toml")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert good.returncode == 0 and "ok, 10 steps" in good.stdout


def test_glossary_covers_the_issue_terms():
    for term in ("2-cycle", "chaos", "basin", "cobweb", "kink", "dead unit", "stability bound", "effective step",
                 "bias correction"):
        assert term in GLOSSARY and GLOSSARY[term].endswith(".")
    assert terms_in("A 2-cycle, then chaos near the kink") == ["2-cycle", "chaos", "kink"]


def test_docs_list_every_answer_function_and_section():
    from labs import LABS, answers_of

    text = (ROOT / "docs" / "lessons.md").read_text()
    for lab in LABS:
        for name in answers_of(lab).ANSWERS:
            assert f"| `{name}` |" in text
        for section in settings_of(lab).SECTIONS:
            assert f"`{section}`" in text


def test_the_docs_example_passes_the_checker():
    text = (ROOT / "docs" / "lessons.md").read_text()
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    lesson, problems = check_text(example)
    assert problems == [] and len(lesson) == 3
