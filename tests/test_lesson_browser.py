"""A lesson in Chromium, with the keyboard only: the gradient-descent lesson from its first step to its last.
Step 1 is answered by typing (right: the number a loop written here computes), step 2 by choosing with the arrow
keys (wrong on purpose, then the feedback names the right root), every other step by Show the answer; Next moves
on, and focus lands where the next action is. The feedback reaches the polite live region, the URL carries the
step, and axe-core finds nothing serious on a lesson step."""
from __future__ import annotations

import re

import pytest
from reference import descent_by_hand
from test_view_a11y import assert_axe_clean

from harness.browser import open_page, wait_for_run

pytest.importorskip("axe_playwright_python", reason="pip install -r requirements-dev.txt")

LIVE = "() => document.querySelector('[data-testid=gp-live-region]')?.textContent || ''"


def focused_text(page) -> str:
    """The focused element's text: a button's, or an input's label (a radio option's own label)."""
    return page.evaluate("""() => {
        const a = document.activeElement;
        if (!a) return '';
        if (a.tagName === 'INPUT') return (a.labels?.[0]?.innerText || a.getAttribute('aria-label') || '').trim();
        return (a.innerText || '').trim();
    }""")


def checked_option(page) -> str:
    return page.evaluate("() => document.querySelector('input[type=radio]:checked')?.labels?.[0]?.innerText?.trim()")


def press(page, key: str) -> None:
    page.keyboard.press(key)
    page.wait_for_timeout(150)  # let a rerun start before waiting for it to end
    wait_for_run(page)


def tab_to(page, label: str, backwards: bool = False, most: int = 12) -> None:
    """Tab (or Shift+Tab) until the focused element's text is ``label``."""
    for _ in range(most):
        if focused_text(page) == label:
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    assert focused_text(page) == label, f"focus on {focused_text(page)!r}, not {label!r}"


def feedback(page) -> str:
    box = page.locator(".st-key-lesson_panel [data-testid='stAlert']")
    box.first.wait_for(timeout=30_000)
    return box.first.inner_text().replace("\u2060", "")  # widgets.plain's word joiners


@pytest.mark.browser
def test_a_lesson_walked_with_the_keyboard_only(page, app_url):
    open_page(page, f"{app_url}/Gradient_descent?lesson=gradient_descent&step=1")
    assert "Step 1 of 10" in page.inner_text("[data-testid='stMain']")
    assert_axe_clean(page, "on a lesson step")
    # step 1: type the number of updates, then Check
    _, steps, status = descent_by_hand(1, -5, 4, 0.0, 0.01)
    assert status == "converged"
    page.get_by_label(re.compile("Your prediction")).focus()
    page.keyboard.type(str(steps))
    page.keyboard.press("Tab")  # commits the field
    wait_for_run(page)
    tab_to(page, "Check")
    press(page, "Enter")
    assert feedback(page).startswith(f"Right: {steps}")
    page.wait_for_function(f"() => ({LIVE})().startsWith('Right: {steps}')", timeout=10_000)
    assert "Show where each run ends" not in page.inner_text("[data-testid='stMain']")  # checked: answers shown
    # step 2: the choice with the arrow keys, wrong on purpose
    tab_to(page, "Next")
    press(page, "Enter")
    assert "Step 2 of 10" in page.inner_text("[data-testid='stMain']") and "step=2" in page.url
    assert focused_text(page) == "Check"  # focus moved to where the step's action is
    assert "Show where each run ends" in page.inner_text("[data-testid='stMain']")  # a new step hides them again
    page.keyboard.press("Shift+Tab")  # into the radio group (its last option: none is chosen yet)
    assert page.evaluate("() => document.activeElement?.type") == "radio"
    for _ in range(3):  # the arrow keys choose as they move
        if checked_option(page) == "1":
            break
        page.keyboard.press("ArrowUp")
        wait_for_run(page)
    assert checked_option(page) == "1"
    tab_to(page, "Check")
    press(page, "Enter")
    text = feedback(page)
    assert text.startswith("Not quite: you said 1; the answer is 4"), text  # from 3 at lr 0.01: the root 4
    # every other step: Show the answer, then Next
    for k in range(3, 11):
        tab_to(page, "Next")
        press(page, "Enter")
        assert f"Step {k} of 10" in page.inner_text("[data-testid='stMain']") and f"step={k}" in page.url
        tab_to(page, "Show the answer")
        press(page, "Enter")
        assert feedback(page)
    assert page.locator("button:has-text('Next')").is_disabled()
    assert not page.locator("[data-testid='stException']").count()


TEXT_SIZES = """() => {
    const sizes = [...document.querySelectorAll('[data-testid=stVegaLiteChart] svg text')]
        .map(t => parseFloat(getComputedStyle(t).fontSize));
    const players = [...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')].map(e => e.shadowRoot)
        .filter(Boolean).flatMap(r => [...r.querySelectorAll('svg text, .gp-counter, .gp-legend')]);
    return {charts: sizes, player: players.map(t => parseFloat(getComputedStyle(t).fontSize))};
}"""


@pytest.mark.browser
def test_present_mode_draws_text_for_a_projector(page, app_url):
    """present=1 at 1920×1080: every chart's and the player's text at least 16 px (11-13 px without it); the
    charts still fit the page (none wider than the main column)."""
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, f"{app_url}/Gradient_descent")
    page.wait_for_timeout(1000)  # the charts and the player draw just after the script run ends
    before = page.evaluate(TEXT_SIZES)
    assert min(before["charts"]) < 16 and min(before["player"]) < 16
    open_page(page, f"{app_url}/Gradient_descent?present=1")
    page.wait_for_timeout(1000)
    after = page.evaluate(TEXT_SIZES)
    assert after["charts"] and min(after["charts"]) >= 16, after["charts"]
    assert after["player"] and min(after["player"]) >= 16, after["player"]
    overflow = page.evaluate("""() => { const main = document.querySelector('[data-testid=stMainBlockContainer]')
        .getBoundingClientRect(); return [...document.querySelectorAll('[data-testid=stVegaLiteChart]')]
        .filter(c => c.getBoundingClientRect().right > main.right + 1).length }""")
    assert overflow == 0
