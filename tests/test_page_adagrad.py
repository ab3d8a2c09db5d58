"""The Adagrad page: runs with defaults and links, its step table matches Adagrad by hand, its races tell
the truth, bad URL values get a message; in a browser its charts render and Step changes the table."""
import re

import pytest
from helpers import adagrad_by_hand, assert_no_exception, open_page, run_app, shown, wait_for_run
from streamlit.testing.v1 import AppTest

PAGE = "pages/2_Adagrad.py"


def run_page(**params) -> AppTest:
    return run_app(PAGE, params)


def text_of(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def hand_rows(seed, lr, eps, k, index):
    """``adagrad_by_hand``'s rows for element ``index`` (W row by row, then b)."""
    return [tuple(v if i == 0 else v[index] for i, v in enumerate(row)) for row in adagrad_by_hand(seed, lr, eps, k)]


def test_defaults_run_without_exception():
    at = run_page()
    assert not at.exception
    assert not at.warning
    assert at.title[0].value.endswith("Adagrad")
    assert any("No step taken yet" in i.value for i in at.info)
    assert at.number_input(key="k").value == 0


def test_every_query_parameter_is_read():
    at = run_page(lr=0.3, eps=0.001, seed=11, grad="quadratic", el="b", i=4, j=0, k=7, x0=2.5, lr_race=0.05,
                  steps=300, surface="rosenbrock", lr_2d=0.001, lr_ada_2d=0.1, sx=-1.5, sy=2)
    assert not at.exception and not at.warning
    assert at.number_input(key="lr").value == 0.3
    assert at.number_input(key="k").value == 7
    assert at.radio(key="surface").value == "rosenbrock"
    assert any(h.value == "The last steps of b[4]" for h in at.subheader)
    assert "from x0 = 2.5 with lr = 0.05" in text_of(at)
    assert "From (-1.5, 2)" in text_of(at)
    share = [m.value for m in at.markdown if "Share this view" in m.value][0]
    for part in ("lr=0.3", "seed=11", "k=7", "surface=rosenbrock", "sx=-1.5", "lr_ada_2d=0.1"):
        assert part in share


@pytest.mark.parametrize("seed, lr, eps, k, el, i, j", [(0, 0.1, 1e-8, 5, "W", 2, 3), (42, 0.7, 0.05, 13, "b", 6, 0)])
def test_after_k_steps_the_table_matches_adagrad_by_hand(seed, lr, eps, k, el, i, j):
    at = run_page(seed=seed, lr=lr, eps=eps, k=k, el=el, i=i, j=j)
    assert not at.exception
    index = 10 * i + j if el == "W" else 100 + i
    hand = hand_rows(seed, lr, eps, k, index)[-10:]
    table = at.table[0].value
    assert len(table) == len(hand)
    for (_, row), (t, before, g, G, eff, update, after) in zip(table.iterrows(), hand):
        assert row["step t"] == t
        assert row["θ before"] == pytest.approx(before, rel=1e-9)
        assert row["g"] == pytest.approx(g, rel=1e-9)
        assert row["G = G + g²"] == pytest.approx(G, rel=1e-9)
        assert row["lr / (√G + eps)"] == pytest.approx(eff, rel=1e-9)
        assert row["update"] == pytest.approx(update, rel=1e-9)
        assert row["θ after"] == pytest.approx(after, rel=1e-9)


def test_step_buttons_take_steps_and_reset_goes_back_to_zero():
    at = run_page(seed=3)
    at.button[0].click().run()  # Step
    assert at.number_input(key="k").value == 1
    assert list(at.table[0].value["step t"]) == [1]
    at.button[1].click().run()  # Step ×10
    assert at.number_input(key="k").value == 11
    assert list(at.table[0].value["step t"]) == list(range(2, 12))
    assert at.query_params["k"] == ["11"] or at.query_params["k"] == "11"
    hand = hand_rows(3, 0.1, 1e-8, 11, 23)[-1]
    assert at.table[0].value.iloc[-1]["θ after"] == pytest.approx(hand[6], rel=1e-9)
    at.button[2].click().run()  # Reset
    assert at.number_input(key="k").value == 0 and not at.exception


def test_race_reports_gradient_descent_diverging_and_adagrad_converging():
    at = run_page(x0=0, lr_race=0.2)
    story = text_of(at)
    # By hand: x1 = 0 − 0.2·(−40) = 8, then |x| explodes; 0.2 > 1/9, the stability bound.
    assert re.search(r"gradient descent diverged at step \d+", story)
    assert re.search(r"Adagrad converged to 1 in \d+ steps", story)
    assert "first step is −lr·g = +8" in story and "= +0.2" in story


def test_race_reports_where_adagrad_is_slower():
    at = run_page(x0=0, lr_race=0.01, steps=1000)
    story = text_of(at)
    assert "gradient descent converged to 1 in 71 steps" in story
    assert "Adagrad did not finish in 1000 steps" in story and "Adapting hurts" in story


def test_race_at_lr_0_05_says_which_optimiser_ends_at_which_root():
    at = run_page(lr_race=0.05)
    story = text_of(at)
    assert re.search(r"gradient descent converged to 1 in \d+ steps; momentum converged to 4 in \d+ steps", story)
    assert "They end at different roots: gradient descent at 1; momentum at 4." in story
    sweep = at.dataframe[0].value
    row = sweep[sweep["lr"] == "0.1"].iloc[0]
    assert row["gradient descent"] == "converged to 4 in 1 step"  # 0 − 0.1·(−40) = 4: a root, after one update


def test_bowl_race_says_where_per_coordinate_steps_shine():
    at = run_page()
    story = text_of(at)
    assert "Adagrad converged in" in story and "per-coordinate step sizes shine" in story


@pytest.mark.parametrize("key, value", [("lr", "0"), ("lr", "-1"), ("lr", "nan"), ("eps", "-0.1"), ("eps", "1e300"),
                                        ("seed", "1.5"), ("k", "5000"), ("x0", "1e9"), ("lr_race", "inf"),
                                        ("steps", "999999"), ("grad", "adam"), ("surface", "moon"),
                                        ("sx", "1e6"), ("lr_ada_2d", "abc")])
def test_bad_values_get_a_message_and_the_page_goes_on(key, value):
    at = run_page(**{key: value})
    assert not at.exception
    messages = " ".join(shown(w.value) for w in at.warning)
    assert f"Ignored {key}" in messages, messages
    assert any("Race on" in h.value for h in at.header)  # the rest of the page is drawn


# --- browser ------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_page_renders_its_charts(page, app_url):
    open_page(page, app_url + "/Adagrad?k=20")
    assert_no_exception(page)
    page.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg",
                           timeout=30_000)
    charts = page.locator("[data-testid='stVegaLiteChart']")
    assert charts.count() == 5  # 2 heatmaps, effective lr, the two races' losses against step
    assert page.locator("[data-testid='gp-player']").count() == 2  # the races' replays
    assert "gradient descent diverged" in page.inner_text("body")


@pytest.mark.browser
def test_step_changes_the_table(page, app_url):
    open_page(page, app_url + "/Adagrad?k=3")
    assert_no_exception(page)
    table = page.locator("[data-testid='stTable']").first
    before = table.inner_text()
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('k') === '4'", timeout=30_000)
    wait_for_run(page)
    assert_no_exception(page)
    assert table.inner_text() != before
    assert "4 steps taken" in page.inner_text("body")
