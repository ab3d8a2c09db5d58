"""The Adagrad page: runs with defaults and links, its step table matches Adagrad by hand, its races tell
the truth, bad URL values get a message; in a browser its charts render and Step changes the table."""
import re

import pytest
from helpers import run_app, shown
from reference import adagrad_by_hand
from streamlit.testing.v1 import AppTest

from harness import ROOT
from harness.browser import assert_no_exception, open_page, wait_for_run

PAGE = "pages/2_Adagrad.py"


def run_page(**params) -> AppTest:
    return run_app(PAGE, params)


def text_of(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def field(at, key):
    """A sidebar number's value, whether widgets.number draws a number input or a text field read as a number."""
    try:
        return at.number_input(key=key).value
    except KeyError:
        return float(at.text_input(key=key).value)


def step_table(at):
    """The step table, put back together from its two halves (each narrow enough for a phone)."""
    first, second = at.table[0].value, at.table[1].value
    assert max(len(first.columns), len(second.columns)) <= 4
    return first.merge(second, on="step t")


def reveal(at):
    """Turn on 'Show this step's update' (the newest step's G, effective lr, update and θ after read '?' before)."""
    toggle = next(t for t in at.toggle if t.label == "Show this step's update")
    toggle.set_value(True).run()
    assert not at.exception
    return at


def hand_rows(seed, lr, eps, k, index):
    """``adagrad_by_hand``'s rows for element ``index`` (W row by row, then b)."""
    return [tuple(v if i == 0 else v[index] for i, v in enumerate(row)) for row in adagrad_by_hand(seed, lr, eps, k)]


def test_defaults_run_without_exception():
    at = run_page()
    assert not at.exception
    assert not at.warning
    assert at.title[0].value.endswith("Adagrad")
    assert any("No step taken yet" in i.value for i in at.info)
    assert field(at, "k") == 0


def test_every_query_parameter_is_read():
    at = run_page(lr=0.3, eps=0.001, seed=11, grad="quadratic", el="b", i=4, j=0, k=7, x0=2.5, lr_race=0.05,
                  steps=300, surface="rosenbrock", lr_2d=0.001, lr_ada_2d=0.1, sx=-1.5, sy=2, race="Adam",
                  lr_rms=0.02, lr_adam=0.04, lr_rms_2d=0.005, lr_adam_2d=0.3)
    assert not at.exception and not at.warning
    assert field(at, "lr") == 0.3
    assert field(at, "k") == 7
    assert at.radio(key="surface").value == "rosenbrock"
    assert any(h.value == "The last steps of b[4]" for h in at.subheader)
    assert at.multiselect(key="race").value == ["Adam"]
    assert "From x0 = 2.5: Adam at lr = 0.04." in text_of(at)
    assert "From (-1.5, 2): Adam at lr = 0.3;" in text_of(at)
    assert "RMSProp at lr = 0.02" in text_of(at)  # the slow-down section runs all three adaptive optimisers
    share = [m.value for m in at.markdown if "Share this view" in m.value][0]
    for part in ("lr=0.3", "seed=11", "k=7", "surface=rosenbrock", "sx=-1.5", "lr_ada_2d=0.1", "race=Adam",
                 "lr_rms=0.02", "lr_adam=0.04", "lr_rms_2d=0.005", "lr_adam_2d=0.3", "lr_race=0.05", "lr_2d=0.001"):
        assert part in share


@pytest.mark.parametrize("seed, lr, eps, k, el, i, j", [(0, 0.1, 1e-8, 5, "W", 2, 3), (42, 0.7, 0.05, 13, "b", 6, 0)])
def test_after_k_steps_the_table_matches_adagrad_by_hand(seed, lr, eps, k, el, i, j):
    at = run_page(seed=seed, lr=lr, eps=eps, k=k, el=el, i=i, j=j)
    assert not at.exception
    index = 10 * i + j if el == "W" else 100 + i
    hand = hand_rows(seed, lr, eps, k, index)[-10:]
    table = step_table(reveal(at))
    assert len(table) == len(hand)
    for (_, row), (t, before, g, G, eff, update, after) in zip(table.iterrows(), hand):
        assert row["step t"] == t
        assert row["θ before"] == pytest.approx(before, rel=1e-9)
        assert row["g"] == pytest.approx(g, rel=1e-9)
        assert row["G = G + g²"] == pytest.approx(G, rel=1e-9)
        assert row["lr / (√G + eps)"] == pytest.approx(eff, rel=1e-9)
        assert row["update"] == pytest.approx(update, rel=1e-9)
        assert row["θ after"] == pytest.approx(after, rel=1e-9)


def test_the_newest_step_waits_for_a_prediction():
    """Issue 28: after a Step the newest row shows θ before and g, and '?' where G, the effective lr, the update
    and θ after go, until 'Show this step's update'; then a one-line answer and the arithmetic under 'Why?' give
    Adagrad's numbers (by hand here). The next Step hides its own row again."""
    at = run_page(seed=3, k=4)
    hand = hand_rows(3, 0.1, 1e-8, 4, 23)
    t, before, g, G, eff, update, after = hand[-1]
    table = step_table(at)
    newest = table.iloc[-1]
    assert newest["step t"] == 4 and newest["g"] == pytest.approx(g, rel=1e-9)
    assert newest["θ before"] == pytest.approx(before, rel=1e-9)
    assert [newest[c] for c in ("G = G + g²", "lr / (√G + eps)", "update", "θ after")] == ["?"] * 4
    for (_, row), (_, _, _, G_, eff_, update_, after_) in zip(table.iloc[:-1].iterrows(), hand[:-1]):
        assert [row[c] for c in ("G = G + g²", "lr / (√G + eps)", "update", "θ after")] == \
            [f"{v:.8g}" for v in (G_, eff_, update_, after_)]  # earlier steps in full, as the table prints them
    line = next(m.value for m in at.markdown if m.value.startswith("Step 4 of W[2, 3]"))
    assert line == f"Step 4 of W[2, 3]: g = {g:.6g}. What are G, lr / (√G + eps), the update and θ after? " \
                   "Work them out, then show them."
    assert not [e for e in at.expander if e.label == "Why?"]
    reveal(at)
    assert step_table(at).iloc[-1]["update"] == pytest.approx(update, rel=1e-9)
    line = next(m.value for m in at.markdown if m.value.startswith("Step 4 of W[2, 3]"))
    assert line == f"Step 4 of W[2, 3]: g = {g:.6g}, so θ moves by {update:.6g}, from {before:.6g} to {after:.6g}."
    why = next(e for e in at.expander if e.label == "Why?").markdown[0].value
    G_before = hand[-2][3]
    assert why.startswith(f"G = {G_before:.6g} + ({g:.6g})² = {G:.6g}; lr / (√G + eps) = 0.1 / (√{G:.6g} + 1e-08) "
                          f"= {eff:.6g}; update = −{eff:.6g} × ({g:.6g}) = {update:.6g}; θ after = {before:.6g} + "
                          f"({update:.6g}) = {after:.6g}.")
    at.button[0].click().run()  # Step: step 5 waits for its prediction
    assert step_table(at).iloc[-1]["update"] == "?" and step_table(at).iloc[-2]["update"] == f"{update:.8g}"


def test_step_buttons_take_steps_and_reset_goes_back_to_zero():
    at = run_page(seed=3)
    at.button[0].click().run()  # Step
    assert field(at, "k") == 1
    assert list(step_table(at)["step t"]) == [1]
    at.button[1].click().run()  # Step ×10
    assert field(at, "k") == 11
    assert list(step_table(at)["step t"]) == list(range(2, 12))
    assert at.query_params["k"] == ["11"] or at.query_params["k"] == "11"
    hand = hand_rows(3, 0.1, 1e-8, 11, 23)[-1]
    assert step_table(reveal(at)).iloc[-1]["θ after"] == pytest.approx(hand[6], rel=1e-9)
    at.button[2].click().run()  # Reset
    assert field(at, "k") == 0 and not at.exception


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
    assert row["gradient descent"] == "lands on 4 in one step: 0 + 0.1 × 40 = 4"  # a root after one update, by luck


def test_bowl_race_says_where_per_coordinate_steps_shine():
    at = run_page()
    story = text_of(at)
    assert "Adagrad converged in" in story and "per-coordinate step sizes shine" in story


def run_with_racers(racers, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params["race"] = list(racers)  # a multiselect's URL form: one repeated key per choice
    for key, value in params.items():
        at.query_params[key] = str(value)
    return at.run()


def test_all_five_race_and_the_words_come_from_the_runs():
    from core.objective import Quadratic
    from core.surfaces import Bowl
    from labs.adagrad import races, slowdown, stories

    at = run_with_racers(races.RACERS)
    assert not at.exception and not at.warning
    assert at.multiselect(key="race").value == list(races.RACERS)
    lrs = {"gradient descent": 0.2, "momentum": 0.2, "Adagrad": 0.2, "RMSProp": 0.01, "Adam": 0.03}
    runs = races.race(Quadratic(), 0.0, 1.0, 1000, chosen=races.RACERS, lrs=lrs)
    story = text_of(at)
    for sentence in (stories.race_verdict(Quadratic(), runs, lrs)
                     + slowdown.effective_step_story(Quadratic(), runs, lrs)):
        assert sentence in story
    # Adam at lr 0.03 from 0 by hand (test_adagrad_races.adaptive_by_hand) converges to the root 1.
    assert f"Adam converged to 1 in {runs['Adam'].steps} steps" in story
    lrs_2d = {"gradient descent": 0.035, "momentum": 0.035, "Adagrad": 1.0, "RMSProp": 0.03, "Adam": 0.1}
    runs_2d = races.race(Bowl(), (-4.0, 1.0), 1.0, 1000, chosen=races.RACERS, lrs=lrs_2d)
    assert stories.race_verdict(Bowl(), runs_2d, lrs_2d)[0] in story
    sweep = at.dataframe[0].value
    assert list(sweep.columns) == ["lr", *races.RACERS]
    assert len(at.get("vega_lite_chart")) == 3  # the loss charts of both races and the effective steps


def test_the_2d_table_runs_only_when_opened_and_has_a_column_per_racer():
    from core.surfaces import SURFACES
    from labs.adagrad import races

    at = run_with_racers(["momentum", "Adam"], surface="rosenbrock")
    assert len(at.dataframe) == 1  # the 1-D table; the closed 2-D one has not run
    at.session_state["ada_sweep_2d"] = True  # what opening the expander does
    at.run()
    table = at.dataframe[1].value
    assert list(table.columns) == ["lr", "momentum", "Adam"]
    expected, sentence = races.lr_sweep(SURFACES["rosenbrock"], (-1.2, 1.0), races.SURFACE_LRS, 1000,
                                        ("momentum", "Adam"))
    assert table.equals(expected)
    assert any(sentence in c.value for c in at.caption)


def test_no_racer_chosen_says_so_and_the_rest_of_the_page_works():
    at = run_page(race="")
    assert not at.exception and not at.warning
    assert at.multiselect(key="race").value == []
    assert sum("No optimiser chosen" in i.value for i in at.info) == 2
    assert any("Why Adagrad slows down" in h.value for h in at.header)


@pytest.mark.parametrize("key, value", [("lr", "0"), ("lr", "-1"), ("lr", "nan"), ("eps", "-0.1"), ("eps", "1e300"),
                                        ("seed", "1.5"), ("k", "5000"), ("x0", "1e9"), ("lr_race", "inf"),
                                        ("steps", "999999"), ("grad", "adam"), ("surface", "moon"),
                                        ("sx", "1e6"), ("lr_ada_2d", "abc"), ("race", "Nadam"),
                                        ("lr_adam", "0"), ("lr_rms_2d", "nan")])
def test_bad_values_get_a_message_and_the_page_goes_on(key, value):
    at = run_page(**{key: value})
    assert not at.exception
    messages = " ".join(shown(w.value) for w in at.warning)
    assert f"Ignored {key}" in messages, messages
    assert any("Race on" in h.value for h in at.header)  # the rest of the page is drawn


def test_why_adagrad_wins_names_the_sum_it_divides_by():
    """Issue 26: the page said Adagrad 'divides by the root of a mean of g²'; its G = Σg² is a sum."""
    story = text_of(run_page())
    assert "Why Adagrad wins here: it divides g by √G, the root of the sum of every g² so far" in story
    assert "root of a mean of g²" not in story


def test_the_rosenbrock_hint_is_the_race_its_link_opens():
    """The hint quotes runs the page made at exactly the values its link holds: open the link, and the race
    there says the same; no sentence promises a table of learning rates at which each racer converges."""
    from urllib.parse import parse_qs, urlsplit

    at = run_page(surface="rosenbrock")
    assert not at.exception
    [hint] = [c.value for c in at.caption if "valley is steep across" in c.value]
    assert "lr ≈ 0.002" not in hint and "lr < 0.001997" in hint
    link = re.search(r"\]\((/Adagrad\?[^)]+)\)", hint)[1]
    quoted = hint.split("as this page runs it: ", 1)[1]
    query = parse_qs(urlsplit(link).query)
    racers = query.pop("race")
    linked = run_with_racers(racers, **{key: values[0] for key, values in query.items()})
    assert not linked.exception and not linked.warning
    section = [m.value for m in linked.markdown if m.value.startswith("- ")]
    assert "- " + quoted in section, (quoted, section)  # the 2-D race's summary there is the hint's, word for word
    assert "at which each one does" not in text_of(at)


def test_one_step_landings_on_the_page_are_marked_not_ranked():
    at = run_page(lr_race=0.1)
    story = text_of(at)
    assert "gradient descent lands on 4 in one step: 0 + 0.1 × 40 = 4" in story
    assert "Converged, fastest first: Adagrad (" in story and "gradient descent (1 step" not in story
    assert "Adapting hurts" not in story


# --- browser ------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_page_renders_its_charts(page, app_url):
    open_page(page, app_url + "/Adagrad?k=20")
    assert_no_exception(page)
    page.wait_for_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg",
                           timeout=30_000)
    charts = page.locator("[data-testid='stVegaLiteChart']")
    assert charts.count() == 6  # 2 heatmaps, effective lr, the two races' losses, the effective steps
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


@pytest.mark.browser
@pytest.mark.parametrize("surface", ["bowl", "rosenbrock"])
def test_the_five_race_in_the_browser_player_on_every_surface(page, app_url, surface):
    """Issue 12's 'done when': all five optimisers play on the 1-D loss and on the 2-D surface."""
    racers = ["gradient descent", "momentum", "Adagrad", "RMSProp", "Adam"]
    query = "&".join(f"race={name.replace(' ', '+')}" for name in racers)
    open_page(page, f"{app_url}/Adagrad?{query}&surface={surface}")
    assert_no_exception(page)
    players = page.locator("[data-testid='gp-player']")
    players.first.wait_for(timeout=30_000)
    assert players.count() == 2
    for n in range(2):
        race = players.nth(n)
        race.scroll_into_view_if_needed()
        assert [t.strip() for t in race.locator(".gp-legend span").all_inner_texts()] == racers
        race.get_by_role("button", name="Play the replay").click()
        page.wait_for_function("(el) => Number(el.getAttribute('data-frame')) > 5", arg=race.element_handle(),
                               timeout=15_000)
        race.get_by_role("button", name="Pause the replay").click()
        assert race.locator("polyline[display=inline]").count() >= 5  # every racer's path is drawn
    assert_no_exception(page)


@pytest.mark.browser
def test_on_a_phone_the_step_table_shows_every_column(browser, app_url):
    """At 390 px the seven columns of one table ran to x = 553: 'update' and 'θ after' were cut off."""
    context = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        phone = context.new_page()
        open_page(phone, app_url + "/Adagrad?k=12")
        assert_no_exception(phone)
        phone.locator("[data-testid='stTable']").first.wait_for(timeout=30_000)
        cells = phone.locator("[data-testid='stTable'] th").evaluate_all(
            "ths => ths.map(th => [th.textContent.trim(), th.getBoundingClientRect().right])")
        names = {name for name, _ in cells}
        assert {"g", "G = G + g²", "lr / (√G + eps)", "θ before", "update", "θ after"} <= names, names
        width = phone.evaluate("document.documentElement.clientWidth")
        assert all(right <= width for _, right in cells), (width, cells)
    finally:
        context.close()


@pytest.mark.browser
def test_the_2d_loss_chart_has_room_for_its_plot(page, app_url):
    """Beside the 2-D race the loss chart's plot was squeezed to ~100 px (its x axis read only '0, 200')."""
    open_page(page, app_url + "/Adagrad?surface=rosenbrock")
    assert_no_exception(page)
    chart = page.locator(".vega-embed").filter(has_text="Loss f against step")
    chart.locator(".role-axis-label text").first.wait_for(timeout=30_000)
    grids = chart.locator(".role-axis-grid").evaluate_all(  # the grid lines span the plot
        "gs => gs.map(g => g.getBoundingClientRect()).map(r => [r.width, r.height])")
    assert grids and min(w for w, _ in grids) >= 200 and min(h for _, h in grids) >= 150, grids
    names = chart.locator(".role-legend-label text").evaluate_all("ts => ts.map(t => t.textContent)")
    assert names == ["gradient descent", "momentum", "Adagrad"], names  # every racer's name whole in the legend


def test_terms_are_defined_at_the_first_heading_that_uses_them():
    """Issue 28: G, eps and the effective learning rate at the step inspector, momentum at the first race (its
    racers), the effective step and bias correction where the slow-down section speaks of them; none twice."""
    from labs.glossary import define

    at = run_page()
    helps = {h.value: h.help or "" for h in at.header}
    inspector = helps["1 · Step inspector"]
    assert all(define(term) in inspector for term in ("G", "eps", "effective learning rate"))
    assert define("momentum") in next(text for title, text in helps.items() if title.startswith("2 · Race"))
    slowdown = helps["3 · Why Adagrad slows down, and what came next"]
    assert all(define(term) in slowdown for term in ("effective step", "bias correction", "RMSProp", "Adam"))
    for term in ("G", "momentum", "effective step", "bias correction"):
        assert sum(define(term) in text for text in helps.values()) == 1, term
