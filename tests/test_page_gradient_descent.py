"""The gradient-descent page: runs from its defaults and from links, shows the exercise's numbers, reads
edge cases out in words, says which bad values it ignored, and animates in a real browser."""

import json
import re

import pytest
from helpers import run_app, shown
from reference import bounded_edge
from streamlit.testing.v1 import AppTest

from harness.browser import assert_no_exception, open_page, wait_for_run

PAGE = "pages/1_Gradient_descent.py"


def run_page(**params) -> AppTest:
    at = run_app(PAGE, params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def status(at: AppTest):
    return at.table[0].value


def replays(at: AppTest) -> list[dict]:
    """What the page sends each replay player: {"replay": …, "start": …, "report": …}."""
    return [json.loads(e.proto.json) for e in at.get("bidi_component") if e.proto.component_name == "gp_player"]


def text_of(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown) + " " + " ".join(i.value for i in at.info)


def test_defaults_show_both_roots_with_the_exercise_numbers():
    table = status(run_page())
    assert list(table["steps"]) == [71, 86]
    assert table["final x"].iloc[0] == "0.9999997"
    assert table["final x"].iloc[1] in ("3.9999997", "3.999999")


def test_link_with_parameters_reproduces_the_numbers_and_the_answers():
    at = run_page(x0="0,3", lr="0.01")
    table = status(at)
    assert list(table["final x"]) == ["0.9999997", "3.9999997"]
    assert list(table["steps"]) == [71, 86]
    assert list(table["outcome"]) == ["converged to the root 1", "converged to the root 4"]
    text = text_of(at)
    assert "from 0 it reaches 1 in 71 steps" in text
    assert "every start in (-2.72, 2.499) reaches 1; every start in (2.501, 7.72) reaches 4" in text
    assert "lr < 1/(b² − 4ac) = 0.1111" in text
    assert at.text_input(key="x0").value == "0,3" and at.text_input(key="lr").value == "0.01"


def headlines_of(at: AppTest) -> dict[str, str]:
    """The four one-line answers, by their question."""
    found = {}
    for m in at.markdown:
        hit = re.match(r"\*\*(.+?\?)\*\* (.*)", m.value, re.S)
        if hit:
            found[hit.group(1)] = hit.group(2)
    return found


def answers_of(at: AppTest) -> dict[str, str]:
    """The four full answers (each in the 'Why?' under its one-line answer), by their question."""
    whys = [e for e in at.expander if e.label == "Why?"]
    questions = list(headlines_of(at))
    assert len(whys) == len(questions) == 4, (len(whys), questions)
    return {question: " ".join(m.value for m in why.markdown) for question, why in zip(questions, whys)}


def q(at: AppTest, start: str) -> str:
    return next(text for question, text in answers_of(at).items() if question.startswith(start))


def test_each_answer_starts_with_one_line_and_keeps_its_why_folded():
    """Issue 28: a learner reads the short answer first, with the key numbers (the runs of the status table,
    the bound 1/(b² − 4ac) = 1/9), and opens 'Why?' for the rest."""
    at = run_page()
    heads = headlines_of(at)
    assert heads["Does it always converge in an acceptable number of steps?"] == \
        "Here, yes: every run converges, in 71 and 86 steps."
    assert list(status(at)["steps"]) == [71, 86]
    assert heads["How does the learning rate matter?"].startswith(
        "Below the stability bound 1/(b² − 4ac) = 0.1111 the roots attract")
    whys = [e for e in at.expander if e.label == "Why?"]
    assert len(whys) == 4 and not any(e.proto.expanded for e in whys)
    assert "from 0 it reaches 1 in 71 steps; from 3 it reaches 4 in 86 steps" in q(at, "Does it always")


def test_a_term_is_defined_at_the_heading_where_it_first_appears():
    """The glossary's definition of each term in a tooltip (help) of the first heading whose section uses it, and
    not again further down: at lr = 0.122 from 3 the status table shows a 2-cycle, the answers the bound."""
    from labs.glossary import define

    at = run_page(x0="3", lr="0.122")
    helps = {h.value: h.help or "" for h in at.header}
    assert "2-cycle" in status(at)["outcome"].iloc[0]
    assert define("2-cycle") in helps["Where each run ends"]
    assert define("stability bound") in helps["The four questions, answered for these settings"]
    assert define("basin") in helps["Basin map: which start goes where, at which learning rate"]
    assert define("cobweb") in helps["Cobweb: the update map x → x − lr·loss′(x)"]
    for term in ("2-cycle", "stability bound", "basin", "cobweb"):
        assert sum(define(term) in text for text in helps.values()) == 1, term


# ── the sentences of issue 11, each read as a learner would ────────────────────────────────────────

def test_the_stability_bound_is_called_local_and_far_starts_diverge_below_it():
    at = run_page(x0="-1.5", lr="0.05")
    assert status(at)["outcome"].iloc[0] == "diverged at step 4"
    text = q(at, "How does the learning rate")
    assert "lr < 1/(b² − 4ac) = 0.1111" in text and "That bound is local" in text
    assert "Below 1/(b² − 4ac) = 0.111 it converges to a root" not in text
    start = q(at, "Does the start point")
    edge = bounded_edge(0.05)  # 6.0
    assert f"every start beyond {edge + 0.0005:.4g} diverges" in start or "every start beyond 6.001 diverges" in start


@pytest.mark.parametrize("lr, edge", [("0.01", "9.729"), ("0.05", "6.001"), ("0.1", "5.193")])
def test_the_start_answer_gives_the_divergence_edge_at_this_lr(lr, edge):
    at = run_page(x0="0,3,10", lr=lr)
    start = q(at, "Does the start point")
    assert f"every start beyond {edge} diverges" in start
    assert float(edge) - 1e-3 <= bounded_edge(float(lr)) <= float(edge)


def test_the_start_answer_agrees_with_a_diverging_start_in_the_table():
    at = run_page(x0="0,3,10", lr="0.01")
    assert status(at)["outcome"].iloc[2] == "diverged at step 5"
    start = q(at, "Does the start point")
    assert "every start right of it" not in start and "every start beyond 9.729 diverges" in start


def test_a_start_on_the_vertex_is_not_said_to_settle_and_not_settle():
    at = run_page(x0="2.5,0,5")
    text = " ".join(answers_of(at).values())
    assert "does not settle: it settles" not in text
    lr_text = q(at, "How does the learning rate")  # from the first start that moves, not the vertex
    assert lr_text.startswith("It scales each step, x ← x − lr·loss′(x). From 0: at lr = 0.01 it reaches 1 in 71 steps")
    assert "stuck at the vertex" not in lr_text


def test_the_second_root_example_lies_in_the_stretch_it_illustrates():
    at = run_page(lr="0.1")
    text = q(at, "How do you find the second")
    assert not re.search(r"\b1 steps", " ".join(answers_of(at).values()))
    hit = re.search(r"every start in \((\S+), (\S+)\) reaches (\S+) \(from (\S+) it reaches (\S+) in", text)
    lo, hi, root, x0, reached = hit.groups()
    assert float(lo) < float(x0) < float(hi) and root == reached
    assert "from 0 it reaches 4 in 1 step;" in q(at, "Does it always")  # 0 − 0.1·(−40) = 4, a root


def test_a_two_cycle_is_quoted_with_the_lr_that_was_run():
    at = run_page(x0="3", lr="0.122")
    assert status(at)["outcome"].iloc[0] == "not converged within 1000 steps: it ends in a 2-cycle through 3.725, 4.173"
    text = q(at, "How does the learning rate")
    # Every 2-cycle through a pair of points is quoted with its own lr; one lr never gets two pairs.
    pairs = re.findall(r"at lr = (\S+) it does not settle: it ends in a 2-cycle through (\S+), (\S+)[;.]", text)
    by_lr = {}
    for lr, *points in pairs:
        by_lr.setdefault(lr, set()).add(tuple(points))
    assert by_lr and all(len(v) == 1 for v in by_lr.values())


def test_the_cobweb_hint_says_bounded_up_to_twice_the_bound():
    at = run_page(x0="0", lr="0.15")
    hint = " ".join(c.value for c in at.caption)
    assert "a little more and it diverges" not in hint
    assert "stay bounded up to lr = 2/(b² − 4ac) ≈ 0.2222" in hint
    assert "at lr = 0.12 it does not settle: it ends in a 2-cycle" in hint
    assert "at lr = 0.15 it does not settle: it wanders chaotically" in hint


def test_the_basin_map_tells_cycles_chaos_and_slow_runs_apart():
    at = run_page(lr="0.15")
    basin = next(m.value for m in at.markdown if m.value.startswith("Gradient descent from 81 start points"))
    assert "cycle" in basin and "chaos" in basin


def test_divergence_reads_as_the_step_it_escaped():
    table = status(run_page(lr="0.2", x0="0"))
    assert table["outcome"].iloc[0] == "diverged at step 3"  # 0 → 8 → −115.2 → 1304098.7 > 1e6


def test_start_on_the_vertex_is_stuck():
    table = status(run_page(x0="2.5", steps="500"))
    assert table["outcome"].iloc[0] == "stuck at the vertex x = 2.5, where the gradient is zero"
    assert table["steps"].iloc[0] == 500 and table["final x"].iloc[0] == "2.5000000"


def test_no_real_root_says_so_and_settles_at_the_vertex():
    at = run_page(a="1", b="0", c="1")
    outcome = status(at)["outcome"].iloc[0]
    assert "settled at the vertex x = 0" in outcome and "no real root" in outcome
    assert "x² + 1 has no real root" in text_of(at)


@pytest.mark.parametrize("params, phrase", [
    ({"a": "1", "b": "2", "c": "1"}, "double root -1"),
    ({"a": "0", "b": "2", "c": "1"}, "is a line"),
    ({"a": "0", "b": "0", "c": "1"}, "is a constant"),
])
def test_edge_polynomials_are_described(params, phrase):
    assert phrase in text_of(run_page(**params))


@pytest.mark.parametrize("params, named", [
    ({"lr": "0"}, "lr = 0"), ({"lr": "1e9"}, "lr = 1e9"), ({"lr": "nan"}, "lr = “nan”"),
    ({"x0": "abc"}, "x0 = “abc”"), ({"x0": "1,2,3,4,5,6,7,8,9"}, "has 9 values"),
    ({"steps": "1000000"}, "steps = 1000000"), ({"tol": "-1"}, "tol = -1"), ({"a": "1e300"}, "a = 1e300"),
])
def test_bad_values_are_named_and_the_page_goes_on(params, named):
    at = run_page(**params)
    warnings = " ".join(shown(w.value) for w in at.warning)
    assert named in warnings
    assert list(status(at)["steps"]) == [71, 86]  # the defaults took over
    assert len(at.get("vega_lite_chart")) == 2 and [r["replay"]["last"] for r in replays(at)] == [86, 71]


def test_starts_a_hair_apart_print_apart_and_inside_their_stretch():
    at = run_page(x0="2.5,2.4999")
    assert list(status(at)["x0"]) == ["2.5", "2.4999"]
    first = q(at, "Does it always")
    assert "from 2.5 it is stuck at the vertex 2.5; from 2.4999 it reaches 1 in 186 steps" in first
    hit = re.search(r"every start in \((\S+), (\S+)\) reaches 1 \(from (\S+) it", q(at, "How do you find the second"))
    lo, hi, x0 = hit.groups()
    assert x0 == "2.4999" and float(lo) < 2.4999 < float(hi)
    assert "stretches)" not in q(at, "Does the start point") and "whatever the learning rate" not in text_of(at)


def test_a_double_root_gives_the_updates_it_needs_and_one_root_on_the_map():
    at = run_page(a="1", b="0", c="0", x0="1", lr="0.1")
    first = q(at, "Does it always")
    assert "about 1,250,000 updates" in first and "far beyond the 10,000 this page runs at most" in first
    assert "still attracts, slowly" in text_of(at)
    basin = next(c for c in at.get("vega_lite_chart") if "Basin map" in c.proto.spec)
    assert '"root"' in basin.proto.spec and "left root" not in basin.proto.spec


def test_the_cobweb_is_drawn_where_the_run_goes():
    main, cobweb = replays(run_page())
    x = cobweb["replay"]["panels"][0]["x"]
    assert x["lo"] <= 0 and x["hi"] >= 1 and x["hi"] - x["lo"] < 2  # 0 → 1, not the whole [−2, 7]
    assert main["replay"]["panels"][0]["x"]["lo"] < -1


def test_the_replay_is_sent_once_with_the_link_place():
    at = run_page(x0="0,3", frame="40", play="1", speed="20")
    main, cobweb = replays(at)
    assert main["start"] == {"frame": 40, "play": True, "speed": 20.0} and main["report"] is True
    assert main["replay"]["last"] == 86 and [s["label"] for s in main["replay"]["series"]] == ["x0 = 0", "x0 = 3"]
    assert cobweb["report"] is True and cobweb["replay"]["series"][0]["label"] == "x0 = 0"
    assert cobweb["start"] == {"frame": 0, "play": False, "speed": 0.0}  # its own place: cw_frame, cw_play, cw_speed
    assert (at.text_input(key="frame").value, at.checkbox(key="play").value) == ("40", True)


def test_new_settings_start_the_replay_over():
    at = run_page(frame="40")
    assert replays(at)[0]["start"]["frame"] == 40
    at.text_input(key="lr").set_value("0.02").run()
    assert replays(at)[0]["start"] == {"frame": 0, "play": False, "speed": 0.0}


# ── in a real browser ───────────────────────────────────────────────────────────────────────────

def counter(page) -> tuple[int, int]:
    text = page.get_by_text(re.compile(r"^Step \d+ of \d+$")).first.inner_text()
    done, total = re.findall(r"\d+", text)
    return int(done), int(total)


@pytest.mark.browser
def test_link_shows_numbers_and_charts(page, app_url):
    open_page(page, app_url + "/Gradient_descent?x0=0,3&lr=0.01")
    assert_no_exception(page)
    table = page.locator("[data-testid='stTable']").first.inner_text()
    assert "0.9999997" in table and "71" in table
    assert "3.9999997" in table and "86" in table
    page.wait_for_function("document.querySelectorAll(\"[data-testid='stVegaLiteChart'] canvas, "
                           "[data-testid='stVegaLiteChart'] svg\").length >= 2", timeout=30_000)
    assert counter(page) == (0, 86)


@pytest.mark.browser
def test_play_advances_the_step_counter(page, app_url):
    open_page(page, app_url + "/Gradient_descent?x0=0,3")
    replay = page.locator("[data-testid='gp-player']").first
    replay.get_by_role("button", name="Play the replay").click()
    replay.locator("[data-testid='gp-counter']").filter(has_not_text=re.compile(r"^Step 0 of")).wait_for()
    first = counter(page)[0]
    assert first > 0
    page.wait_for_timeout(1500)
    assert counter(page)[0] > first or counter(page)[0] == 86
    replay.get_by_role("button", name="Pause the replay").click()
    replay.get_by_role("button", name="Play the replay").wait_for(timeout=10_000)
    wait_for_run(page)
    paused = counter(page)[0]
    page.wait_for_timeout(1200)
    assert counter(page)[0] == paused  # the replay stopped with Pause
    assert_no_exception(page)


@pytest.mark.browser
def test_a_changed_widget_changes_the_url(page, app_url):
    open_page(page, app_url + "/Gradient_descent")
    field = page.get_by_role("textbox", name="Learning rate lr")
    field.fill("0.02")
    field.press("Enter")
    page.wait_for_url(re.compile(r"lr=0\.02"), timeout=20_000)
    wait_for_run(page)
    assert_no_exception(page)
    assert "lr=0.02" in page.url


@pytest.mark.browser
def test_clicking_a_basin_cell_sets_x0_and_lr(page, app_url):
    open_page(page, app_url + "/Gradient_descent?x0=0,3")
    basin = page.locator("[data-testid='stVegaLiteChart']").nth(1)
    basin.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)  # let Vega draw and attach its listeners
    box = basin.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.5)
    page.wait_for_url(re.compile(r"lr="), timeout=20_000)
    wait_for_run(page)
    assert_no_exception(page)
    query = dict(p.split("=", 1) for p in page.url.split("?", 1)[1].split("&"))
    first, second = query["x0"].replace("%2C", ",").split(",")
    assert second == "3" and first != "0"
    assert float(query["lr"]) != 0.01
    assert f"{float(first):g}" in page.locator("[data-testid='stTable']").first.inner_text()


def test_long_runs_replay_faster():
    at = run_page(x0="2.5")  # 1000 steps on the vertex: played at 100 updates per second
    replay = replays(at)[0]["replay"]
    assert replay["last"] == 1000 and replay["speed"] == 100.0


@pytest.mark.browser
def test_on_a_phone_the_basin_map_legends_fit_the_screen(browser, app_url):
    """At 390 px the legends below the basin map ran to x = 429: 'steps to converge or diverge' was cut off."""
    context = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        phone = context.new_page()
        open_page(phone, app_url + "/Gradient_descent")
        assert_no_exception(phone)
        chart = phone.locator(".vega-embed").filter(has_text="start point x0")
        chart.locator(".role-legend-title text").first.wait_for(timeout=30_000)
        legends = chart.locator(".role-legend").evaluate_all(
            "gs => gs.map(g => [g.textContent, g.getBoundingClientRect().left, g.getBoundingClientRect().right])")
        titles = chart.locator(".role-legend-title text").evaluate_all("ts => ts.map(t => t.textContent)")
        assert {"outcome", "steps to converge or diverge"} <= set(titles), titles
        width = phone.evaluate("document.documentElement.clientWidth")
        assert all(0 <= left and right <= width for _, left, right in legends), (width, legends)
    finally:
        context.close()


def test_the_cobweb_opens_where_its_link_says():
    """cw_frame, cw_play and cw_speed place the cobweb's replay as frame, play and speed place the main one, and
    the share link keeps them."""
    at = run_page(x0="3", lr="0.122", cw_frame="7", cw_play="true", cw_speed="5")
    main, cobweb = replays(at)
    assert cobweb["start"] == {"frame": 7, "play": True, "speed": 5.0}
    assert main["start"] == {"frame": 0, "play": False, "speed": 0.0}
    link = next(m.value for m in at.markdown if "Share this view" in m.value)
    assert "cw_frame=7" in link and "cw_play=1" in link and "cw_speed=5" in link
