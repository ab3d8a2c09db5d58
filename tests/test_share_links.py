"""Links that reproduce: each page's "Share this view" link, opened by someone else (a fresh browser
context, so a new Streamlit session with nothing in it), shows the same settings and the same numbers.
Every test starts from NON-default settings, so a link that dropped or rounded one would show."""
from __future__ import annotations

import re
import urllib.parse

import pytest

from core.objective import Quadratic
from core.train import TrainConfig, Trainer
from harness.browser import assert_no_exception, download_bytes, open_page, wait_for_done, wait_for_run
from labs.descent import runs as descent_runs
from labs.descent import words as descent_words
from labs.mlp.downloads import history_csv

SHARE = "[data-testid='stMarkdownContainer'] a:has-text('Share this view')"
MAIN_TEXT = "[data-testid='stMain'] [data-testid='stMarkdownContainer']"
VIEWPORT = {"width": 1280, "height": 900}
# Without the File System Access API, a dataframe's "Download as CSV" falls back to a plain download.
NO_SAVE_PICKER = "delete window.showSaveFilePicker; window.showSaveFilePicker = undefined;"


# ── helpers ──────────────────────────────────────────────────────────────────────────────────────────
def share_href(page, app_url: str) -> str:
    """The absolute URL of the page's "Share this view" link (its href is a path + query)."""
    link = page.locator(SHARE)
    assert link.count() == 1, "expected exactly one share link"
    return urllib.parse.urljoin(app_url + "/", link.get_attribute("href"))


def query(url: str) -> dict[str, str]:
    parsed = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query, keep_blank_values=True)
    repeated = {k for k, v in parsed.items() if len(v) > 1}
    assert repeated <= MULTI_KEYS, parsed  # only a multiselect repeats its key (one per choice)
    return {k: v[0] if len(v) == 1 else "|".join(v) for k, v in parsed.items()}


MULTI_KEYS = {"race"}  # URL keys of multiselects (the Adagrad page's racers)


def _as_values(text: str):
    """'0,5' → (0.0, 5.0); '0.02' → (0.02,); 'relu' → 'relu'."""
    try:
        return tuple(float(part) for part in text.split(","))
    except ValueError:
        return text


def assert_settings_kept(asked: str, link: str) -> None:
    """Every setting of the ``asked`` URL is in the ``link`` with the same value (numbers compared as
    numbers, exactly: 0.02 and 2e-2 are the same setting, 0.0123457 and 0.0123456789 are not)."""
    asked_q, link_q = query(asked), query(link)
    assert urllib.parse.urlsplit(asked).path == urllib.parse.urlsplit(link).path
    for key, value in asked_q.items():
        assert key in link_q, f"the share link drops {key}: {link}"
        assert _as_values(link_q[key]) == _as_values(value), f"{key}: asked {value}, the link says {link_q[key]}"


def sidebar_values(page) -> list:
    """(label, value) of every sidebar control: number/text inputs' text, radios' and checkboxes' state."""
    return page.locator("[data-testid='stSidebar'] input").evaluate_all(
        "els => els.map(e => [e.getAttribute('aria-label') || e.closest('label')?.innerText || e.name, "
        "e.type === 'radio' || e.type === 'checkbox' ? e.checked : e.value])")


def table_rows(page, nth: int = 0) -> list[list[str]]:
    """The cells of the nth st.table, row by row (the header first)."""
    table = page.locator("[data-testid='stTable'] table").nth(nth)
    return table.locator("tr").evaluate_all("rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))")


def main_texts(page) -> list[str]:
    return page.locator(MAIN_TEXT).all_inner_texts()


def settle(page, timeout_ms: int = 60_000) -> None:
    """Wait until the script has run and every element is drawn: after a run ends, Streamlit may still
    show skeletons for a moment where the new elements go."""
    wait_for_run(page, timeout_ms)
    page.wait_for_function(
        """() => document.querySelector("[data-testid='stApp']")?.getAttribute('data-test-script-state')
                 === 'notRunning' && !document.querySelector("[data-testid='stSkeleton']")
                 && [...document.querySelectorAll("[data-testid='stMain'] a")]
                        .some(a => a.textContent.includes('Share this view'))""",
        timeout=timeout_ms)
    assert_no_exception(page)


def open_view(page, url: str) -> None:
    """Open ``url`` and wait for the whole page (every page draws its share link last, before training)."""
    open_page(page, url)
    settle(page)


def fresh_page(browser, url: str):
    """Open ``url`` the way someone the link was sent to would: a new context, a new session."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(NO_SAVE_PICKER)
    page = context.new_page()
    open_view(page, url)
    return page


# ── gradient descent ─────────────────────────────────────────────────────────────────────────────────
GD_URL = "/Gradient_descent?a=1&b=-3&c=2&x0=0,5&lr=0.02&steps=500&frame=40&speed=20"
REPLAY = "[data-testid='gp-player']"


@pytest.mark.browser
def test_gradient_descent_link_reproduces_the_view(page, browser, app_url):
    asked = app_url + GD_URL
    open_view(page, asked)
    rows = table_rows(page)
    # The numbers shown are those of these settings (not of the defaults): p(x) = x² − 3x + 2, roots 1, 2.
    problem = Quadratic(1.0, -3.0, 2.0)
    expected = descent_words.status_rows(problem, descent_runs.run(problem, (0.0, 5.0), 0.02, 500, 1e-6), 500)
    header = rows[0]
    shown = [dict(zip(header, r)) for r in rows[1:]]
    assert [r["final x"] for r in shown] == [e["final x"] for e in expected]
    assert [r["steps"] for r in shown] == [str(e["steps"]) for e in expected]
    assert [r["x0"] for r in shown] == ["0", "5"]

    link = share_href(page, app_url)
    assert_settings_kept(asked, link)
    other = fresh_page(browser, link)
    try:
        assert table_rows(other) == rows
        assert sidebar_values(other) == sidebar_values(page)
        assert main_texts(other) == main_texts(page)      # the four answers, the basin and cobweb sentences
        assert share_href(other, app_url) == link           # and the link it shows is the same link
        replay = other.locator(REPLAY).first               # the replay opens where the link says
        assert replay.get_attribute("data-frame") == "40" and replay.get_attribute("data-playing") == "0"
        assert replay.locator("select").input_value() == "20"
    finally:
        other.context.close()


@pytest.mark.browser
def test_a_changed_widget_changes_the_share_link(page, browser, app_url):
    open_view(page, app_url + "/Gradient_descent?x0=0,5&b=-3&c=2")
    before = share_href(page, app_url)
    assert query(before)["lr"] == "0.01"
    field = page.get_by_role("textbox", name="Learning rate lr")
    field.fill("0.03")
    field.press("Enter")
    page.wait_for_url(re.compile(r"lr=0\.03"), timeout=20_000)
    settle(page)
    page.wait_for_function(
        "sel => (document.querySelector(sel)?.getAttribute('href') || '').includes('lr=0.03')",
        arg="[data-testid='stMain'] a[href*='Gradient_descent']", timeout=20_000)
    assert_no_exception(page)
    link = share_href(page, app_url)
    assert query(link)["lr"] == "0.03"
    assert {k: v for k, v in query(link).items() if k != "lr"} == {k: v for k, v in query(before).items()
                                                                    if k != "lr"}
    other = fresh_page(browser, link)
    try:
        assert other.get_by_role("textbox", name="Learning rate lr").input_value() == "0.03"
        assert table_rows(other) == table_rows(page)
    finally:
        other.context.close()


@pytest.mark.browser
def test_a_decimal_comma_typed_into_the_learning_rate_is_its_decimal_point(browser, app_url):
    """In Chromium with a Russian locale, "0,05" typed into "Learning rate lr" gave lr = 5 with no notice:
    the browser's number field dropped the comma keystroke. (lang=en: a Russian browser now gets the Russian
    interface, whose labels differ; the keystrokes are the browser's either way.)"""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    try:
        open_view(page, app_url + "/Gradient_descent?lang=en")
        field = page.get_by_role("textbox", name="Learning rate lr")
        field.click()
        field.press("Control+a")
        field.press_sequentially("0,05", delay=30)  # keystrokes, as a visitor types them
        field.press("Enter")
        page.wait_for_url(re.compile(r"lr=0\.05"), timeout=20_000)
        settle(page)
        page.wait_for_function(
            "sel => (document.querySelector(sel)?.getAttribute('href') || '').includes('lr=0.05')",
            arg="[data-testid='stMain'] a[href*='Gradient_descent']", timeout=20_000)
        assert_no_exception(page)
        assert field.input_value() == "0.05"  # shown as what it was read as
        assert query(share_href(page, app_url))["lr"] == "0.05"
        assert not page.locator("[data-testid='stAlertContentWarning']").count()
        problem = Quadratic()  # the table's runs are those of lr = 0.05 (5 diverges from both starts)
        expected = descent_words.status_rows(problem, descent_runs.run(problem, (0.0, 3.0), 0.05, 1000, 1e-6), 1000)
        rows = table_rows(page)
        shown = [dict(zip(rows[0], r)) for r in rows[1:]]
        assert [(r["final x"], r["steps"]) for r in shown] == [(e["final x"], str(e["steps"])) for e in expected]
        assert "converged" in expected[0]["outcome"]  # at lr = 5 both runs diverged in one step
    finally:
        context.close()


# ── Adagrad ──────────────────────────────────────────────────────────────────────────────────────────
ADAGRAD_URL = ("/Adagrad?lr=0.3&eps=0.001&seed=11&grad=noise&el=W&i=4&j=7&k=5&x0=-1.5&lr_race=0.05&steps=800"
               "&race=gradient+descent&race=Adam&lr_adam=0.02")


@pytest.mark.browser
def test_adagrad_link_reproduces_the_view(page, browser, app_url):
    asked = app_url + ADAGRAD_URL
    open_view(page, asked)
    steps = table_rows(page)
    assert [r[0] for r in steps] == ["step t", "1", "2", "3", "4", "5"]   # k = 5 steps of W[4, 7]
    assert page.get_by_text("The last steps of W[4, 7]").count() == 1
    race = page.locator("[data-testid='stMain'] [data-testid='stMarkdownContainer'] li").all_inner_texts()
    assert race and any("lr = 0.05" in s for s in race), race

    link = share_href(page, app_url)
    assert_settings_kept(asked, link)
    other = fresh_page(browser, link)
    try:
        assert table_rows(other) == steps
        assert other.locator("[data-testid='stMain'] [data-testid='stMarkdownContainer'] li").all_inner_texts() \
            == race
        assert sidebar_values(other) == sidebar_values(page)
        assert main_texts(other) == main_texts(page)
        assert share_href(other, app_url) == link
    finally:
        other.context.close()


# ── MLP training ─────────────────────────────────────────────────────────────────────────────────────
MLP_URL = "/MLP_training?hidden=16&act=relu&opt=momentum&lr=0.0001&mom=0.8&epochs=2&n=2000&noise=0.05&seed=7"
MLP_CONFIG = TrainConfig(hidden=(16,), lr=1e-4, momentum=0.8, epochs=2, n_samples=2000, noise=0.05, seed=7)


def train_and_read(page) -> dict:
    """Train to "Done:" and read what the run shows: probes, the x = 103 metric and sentence, the loss CSV."""
    page.get_by_role("button", name="Train").click()
    wait_for_done(page, 120_000)
    settle(page)
    done = page.locator("[data-testid='stAlertContentSuccess']", has_text="Done:").inner_text()
    probes = page.locator("[data-testid='stDataFrame']").first
    # The table's toolbar shows while the pointer is over the table: put the table mid-screen first, so that
    # clicking its toolbar needs no scrolling (scrolled to the top edge, the sticky header covered it).
    probes.evaluate("e => e.scrollIntoView({block: 'center'})")
    probes.hover()
    return {
        "done": re.sub(r" in [\d.]+ s\.$", "", done.strip()),  # the wall time may differ, the rest may not
        "metric": page.locator("[data-testid='stMetric']").first.inner_text(),
        "far": page.get_by_text("straight line").first.inner_text(),
        "probes": download_bytes(page, probes.get_by_role("button", name="Download as CSV"), dispatch=True),
        "loss": download_bytes(page, page.get_by_role("button", name="Loss history (CSV)")),
    }


@pytest.mark.browser
@pytest.mark.slow
def test_mlp_link_reproduces_the_run(page, browser, app_url):
    page.context.add_init_script(NO_SAVE_PICKER)
    asked = app_url + MLP_URL
    open_view(page, asked)
    first = train_and_read(page)
    # The run is the one these settings make, trained alone in this process.
    trainer = Trainer(MLP_CONFIG)
    trainer.train(10**9)
    assert first["loss"] == history_csv(trainer.history)
    assert first["done"] == "Done: 2 epochs, 4,000 samples"
    probe_rows = first["probes"].decode("utf-8-sig").splitlines()
    assert probe_rows[0] == "after,x = 1,x = 2,x = -1,x = -2" and len(probe_rows) == 4
    assert [float(v) for v in probe_rows[-1].split(",")[1:]] == pytest.approx(
        trainer.probes.iloc[-1, 1:].tolist(), rel=1e-12)
    assert f"{trainer.predict([103.0])[0]:,.1f}" in first["metric"]

    link = share_href(page, app_url)
    assert_settings_kept(asked, link)
    other = fresh_page(browser, link)
    try:
        assert sidebar_values(other) == sidebar_values(page)
        second = train_and_read(other)
        assert second == first
    finally:
        other.context.close()


# ── exact values ─────────────────────────────────────────────────────────────────────────────────────
@pytest.mark.browser
@pytest.mark.parametrize("path", [
    "/Gradient_descent?c=2.0000004&x0=0.1234567,5&lr=0.0123456789&tol=1.234567e-06",
    "/MLP_training?lr=0.00012345678&mom=0.85&noise=0.0123456789&seed=2147483647",
    "/Adagrad?lr=0.123456789&eps=1.5e-08&x0=0.1234567&lr_race=0.0123456789&lr_2d=0.0345678912",
], ids=["gradient_descent", "mlp_training", "adagrad"])
def test_the_share_link_keeps_every_digit(page, app_url, path):
    """A link that rounds a setting to 6 digits reproduces a different run (a different MLP, for one)."""
    open_view(page, app_url + path)
    assert page.locator("[data-testid='stAlert']:has-text('Ignored')").count() == 0  # all values accepted
    link = share_href(page, app_url)
    assert_settings_kept(app_url + path, link)
