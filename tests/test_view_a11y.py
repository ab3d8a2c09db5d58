"""Accessibility and phones, in Chromium: axe-core (bundled by axe-playwright-python, nothing fetched) on
every page after it settles and after its main action, plus rules axe does not check: headings in order,
titles without icon names, a description on every chart, focus kept on the control used, polite
announcements, and at 390 × 844 no sideways scrolling, stacked columns, full-width charts, a basin map
with cells large enough to tap, and Play with the first animated plot on the first screen.

The checks are rules, not layouts: other sections may come and go on the pages and these still hold.
"""
from __future__ import annotations

import pytest

from harness.browser import APP, open_page, wait_for_done, wait_for_run

pytest.importorskip("axe_playwright_python", reason="pip install -r requirements-dev.txt")

PHONE = {"width": 390, "height": 844}
PAGES = ["/", "/Gradient_descent", "/Adagrad", "/MLP_training"]
RUSSIAN = [path + "?lang=ru" for path in PAGES]  # the same pages in Russian: its longer words on a phone too
# A short MLP run, so "Train to Done" takes a second or two.
SHORT_RUN = "/MLP_training?n=2000&epochs=2&hidden=16"

# axe-core violations that come from Streamlit's own markup, which the app cannot change: rule id ->
# (a CSS fragment that every offending node's target must contain, the reason). Serious or critical
# violations outside this list fail the test. docs/accessibility.md lists the same entries.
ALLOWED: dict[str, tuple[str, str]] = {}

PLAYER_ROOTS = "[...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')].map(e => e.shadowRoot)"


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, minus the allow-list."""
    from axe_playwright_python.sync_playwright import Axe

    found = []
    for v in Axe().run(page).response["violations"]:
        if v["impact"] not in ("serious", "critical"):
            continue
        allowed = ALLOWED.get(v["id"])
        nodes = [n for n in v["nodes"] if not (allowed and allowed[0] in " ".join(map(str, n["target"])))]
        for n in nodes:
            found.append(f"{v['id']} ({v['impact']}): {n['target']} {n['html'][:160]} — "
                         f"{n['failureSummary'][:200]}")
    return found


def assert_axe_clean(page, when: str) -> None:
    found = serious_violations(page)
    assert not found, f"axe-core, {when}:\n" + "\n".join(found)


def heading_levels(page) -> list[int]:
    """The levels of the visible headings in the page's main area, in document order."""
    selector = ", ".join(f"[data-testid='stMain'] h{n}" for n in range(1, 7))
    return page.eval_on_selector_all(selector, "hs => hs.filter(h => h.offsetParent !== null)"
                                               ".map(h => Number(h.tagName[1]))")


def assert_reads_well(page) -> None:
    """One h1 first, no heading more than one level below the one before; no icon in a heading (a screen
    reader reads its name: "trending_down"); every Altair chart and every player plot has a description."""
    levels = heading_levels(page)
    assert levels and levels[0] == 1 and levels.count(1) == 1, levels
    jumps = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert not jumps, f"heading levels skip: {levels}"
    icons = page.locator("[data-testid='stMain'] :is(h1, h2, h3) [data-testid='stIconMaterial']").count()
    assert icons == 0
    labels = page.eval_on_selector_all("[data-testid='stVegaLiteChart']",
                                       "cs => cs.map(c => c.getAttribute('aria-label'))")
    assert all(label and label != "Vega visualization" and len(label) > 30 for label in labels), labels
    plots = page.evaluate(f"() => {PLAYER_ROOTS}.flatMap(r => [...r.querySelectorAll('svg[role=img]')]"
                          ".map(s => s.getAttribute('aria-label')))")
    assert all(label and len(label) > 20 for label in plots), plots


def sideways(page) -> list[str]:
    """Elements that stick out of the viewport sideways without being inside a scroll box of their own
    (a table that scrolls inside itself is allowed), and page-level scroll boxes wider than the screen."""
    return page.evaluate("""() => {
        const W = document.documentElement.clientWidth, out = [];
        const inScrollBox = (el) => {
            for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
                const clips = getComputedStyle(p).overflowX !== 'visible';
                if (clips && p.getBoundingClientRect().right <= W + 1) return true;
            }
            return false;
        };
        for (const el of document.querySelectorAll("[data-testid='stMain'] *")) {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && (r.right > W + 1 || r.left < -1) && !inScrollBox(el)) {
                const name = el.getAttribute('data-testid') || el.className;
                out.push(`${el.tagName} ${name} ${Math.round(r.left)}..${Math.round(r.right)}`);
            }
        }
        for (const el of [document.documentElement, document.querySelector("[data-testid='stMain']")]) {
            if (el.scrollWidth > el.clientWidth + 1) out.push(`scrolls sideways: ${el.scrollWidth}`);
        }
        return out;
    }""")


def narrow_widths(page) -> dict:
    """Widths of the main column, of every column and every chart (Altair and player) in it."""
    return page.evaluate("""() => {
        const main = document.querySelector("[data-testid='stMainBlockContainer'] [data-testid='stVerticalBlock']");
        const w = (sel) => [...document.querySelectorAll("[data-testid='stMain'] " + sel)]
            .filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect().width);
        return {main: main.getBoundingClientRect().width, columns: w("[data-testid='stColumn']"),
                charts: w("[data-testid='stVegaLiteChart']").concat(w("[data-testid='stBidiComponentIsolated']"))};
    }""")


# The focused element, through shadow roots: a player's class ("gp-play"), else its text without the icon's
# name (Streamlit's button icons are ligatures whose text is the name: "pause").
FOCUSED = """() => {
    let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    if (!a || a === document.body) return '';
    if (typeof a.className === 'string' && a.className.startsWith('gp-')) return a.className;
    return (a.querySelector("[data-testid='stMarkdownContainer']") || a).innerText.trim();
}"""


def deep_focus(page) -> str:
    return page.evaluate(FOCUSED)


def wait_focus(page, text: str, timeout_ms: int = 15_000) -> None:
    page.wait_for_function(f"(want) => ({FOCUSED})() === want", arg=text, timeout=timeout_ms)


def play_and_step(page) -> None:
    """Play the page's first replay to its end at its top speed, then Reset and Step once; focus stays on the
    player's buttons through the script runs their reports cause, and the polite live region says the step."""
    player = page.locator("[data-testid='gp-player']").first
    fastest = player.locator("select option").last.get_attribute("value")  # by value: a rerun may rebuild the list
    player.locator("select").select_option(value=fastest)
    wait_for_run(page)
    player.locator(".gp-play").click()
    page.wait_for_function(f"""() => {{ const p = ({PLAYER_ROOTS})[0].querySelector('[data-testid=gp-player]');
        return p.dataset.playing === '0' && p.dataset.frame !== '0'; }}""", timeout=30_000)
    wait_for_run(page)
    wait_focus(page, "gp-play")  # the button pressed, not the top of the page
    player.get_by_role("button", name="Reset to update 0").click()
    player.get_by_role("button", name="Step one update").click()
    wait_for_run(page)
    assert player.get_attribute("data-frame") == "1"
    wait_focus(page, "Step ›")
    live = player.locator("[data-testid='gp-live']")
    assert live.get_attribute("aria-live") == "polite"
    assert live.inner_text().endswith(" 1 of " + player.locator(".gp-scrub").get_attribute("max"))


@pytest.mark.parametrize("path", PAGES + RUSSIAN)
def test_page_passes_axe_and_reads_in_order(page, app_url, path):
    open_page(page, app_url + path)
    page.wait_for_timeout(500)  # charts draw just after the script run ends
    assert_axe_clean(page, f"{path} after it settles")
    assert_reads_well(page)


def test_gradient_descent_after_play_and_step(page, app_url):
    open_page(page, app_url + "/Gradient_descent")
    play_and_step(page)
    assert_axe_clean(page, "Gradient descent after Play and Step")
    assert_reads_well(page)


def test_adagrad_after_step_and_race(page, app_url):
    open_page(page, app_url + "/Adagrad")
    page.get_by_role("button", name="Step", exact=True).click()
    wait_for_run(page)
    page.wait_for_selector("[data-testid='stVegaLiteChart']")
    page.locator("[data-testid='stTable']").first.wait_for(timeout=15_000)  # the step table, now a step was taken
    play_and_step(page)
    assert_axe_clean(page, "Adagrad after Step and a race played")
    assert_reads_well(page)


def live_text(page) -> str:
    return page.evaluate("() => document.querySelector('[data-testid=gp-live-region]')?.textContent || ''")


def test_mlp_focus_follows_the_buttons_and_progress_is_announced(page, app_url):
    # A run long enough to pause (200 epochs, about 40 s), with a seed no other test trains.
    open_page(page, app_url + "/MLP_training?epochs=200&seed=14014")
    page.get_by_role("button", name="Train").focus()
    page.keyboard.press("Enter")
    wait_focus(page, "Pause")  # Streamlit redrew the page; focus is on the button that stops the run
    page.wait_for_function("() => document.querySelector('[data-testid=gp-live-region]')?.textContent"
                           ".startsWith('Training, epoch ')", timeout=15_000)
    region = page.locator("[data-testid='gp-live-region']")
    assert region.get_attribute("aria-live") == "polite" and region.get_attribute("role") == "status"
    page.keyboard.press("Enter")  # the keyboard pauses it at once
    wait_focus(page, "Resume")
    page.wait_for_function("() => document.querySelector('[data-testid=gp-live-region]').textContent"
                           ".startsWith('Paused at epoch ')", timeout=15_000)
    assert live_text(page).endswith(" of 200.")
    page.keyboard.press("Enter")  # Resume
    wait_focus(page, "Pause")
    page.get_by_role("button", name="Reset").click()
    wait_focus(page, "Train")


def test_mlp_done_moves_focus_off_the_disabled_pause_and_passes_axe(page, app_url):
    open_page(page, app_url + SHORT_RUN)
    page.get_by_role("button", name="Train").click()
    wait_for_done(page)
    page.wait_for_function("() => document.querySelector('[data-testid=gp-live-region]')?.textContent"
                           " === 'Done: 2 epochs.'", timeout=15_000)
    wait_focus(page, "Reset")  # Pause got disabled under the visitor's focus: it moves to the next control
    page.wait_for_selector("[data-testid='gp-player']")
    assert_axe_clean(page, "MLP training done, replay shown")
    assert_reads_well(page)


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    p = context.new_page()
    yield p
    context.close()


@pytest.mark.parametrize("path", PAGES + [SHORT_RUN] + RUSSIAN)
def test_phone_no_sideways_scrolling_columns_stack_charts_full_width(phone, app_url, path):
    open_page(phone, app_url + path)
    phone.wait_for_timeout(1500)  # the page learns the screen is narrow: one more script run
    wait_for_run(phone)
    if path == SHORT_RUN:
        phone.get_by_role("button", name="Train").click()
        phone.wait_for_selector("[data-testid='stAlertContentSuccess']", timeout=60_000)
        wait_for_run(phone)
        phone.wait_for_selector("[data-testid='gp-player']")
    assert sideways(phone) == []
    widths = narrow_widths(phone)
    assert widths["main"] <= PHONE["width"]
    for w in widths["columns"] + widths["charts"]:
        assert w >= 0.9 * widths["main"], widths  # stacked, full width: nothing side by side
    assert_axe_clean(phone, f"{path} at 390 px")


def test_phone_gradient_descent_first_screen_and_basin_cells(phone, app_url):
    open_page(phone, app_url + "/Gradient_descent")
    phone.wait_for_function("() => document.querySelectorAll('[data-testid=stVegaLiteChart]').length >= 2")
    phone.wait_for_timeout(1500)
    wait_for_run(phone)
    play = phone.locator("[data-testid='gp-player'] .gp-play").first.bounding_box()
    plot = phone.locator("[data-testid='gp-player'] .gp-panel svg").first.bounding_box()
    assert play["y"] + play["height"] <= PHONE["height"]
    assert plot["y"] + plot["height"] <= PHONE["height"], plot  # the first animated plot, whole, on screen one
    # The basin map: fewer, larger cells on a phone (the desktop map's 81 columns would be ~4 px wide here).
    basin = phone.locator("[data-testid='stVegaLiteChart'][aria-label^='Basin map']")
    cells = basin.locator("g.mark-rect path")
    sizes = cells.evaluate_all("ps => ps.map(p => [p.getBoundingClientRect().width, p.getBoundingClientRect().height])")
    assert 100 <= len(sizes) <= 21 * 21
    assert min(w for w, _ in sizes) >= 10 and min(h for _, h in sizes) >= 10, min(sizes)
    assert phone.locator(APP).count() == 1


def test_learning_rate_tables_keep_their_lr_column_in_view():
    """On a phone a sweep table scrolls sideways inside itself; its key column, lr, stays pinned in view."""
    import json

    from helpers import run_app

    at = run_app("pages/2_Adagrad.py")
    at.session_state["ada_sweep_2d"] = True  # open the 2-D table's expander (it runs only when open)
    at.run()
    tables = [t for t in at.dataframe if "lr" in t.value.columns]
    assert len(tables) == 2
    for t in tables:
        assert json.loads(t.proto.columns)["lr"]["pinned"] is True
