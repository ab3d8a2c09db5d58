"""The class board in a real browser: a teacher makes a board, five students (five browser contexts, five
Streamlit sessions) send gradient-descent runs from different starts, and the board, open all the while,
shows the five on its map within five seconds."""
from __future__ import annotations

import time

import pytest
from helpers import require_browser

from harness.browser import assert_no_exception, open_page, wait_for_run
from harness.launcher import chromium, free_port, start_app, stop

STARTS = ("-1", "0.5", "2", "3.5", "5.5")
MAP = "[data-testid='stVegaLiteChart'][aria-label*='Class basin map']"  # vega-embed's element, labelled


def map_says(page) -> str:
    """The board map's description (its aria-label: what a screen reader reads), or ""."""
    found = page.locator(MAP)
    return found.first.get_attribute("aria-label") if found.count() else ""


@pytest.mark.browser
def test_five_students_send_and_the_open_board_shows_them_on_its_map_within_five_seconds(tmp_path):
    require_browser()
    port = free_port()
    app = start_app(port, tmp_path / "app.log", env={"GP_DATABASE_URL": f"sqlite:///{tmp_path}/boards.sqlite3"})
    url = f"http://127.0.0.1:{port}"
    try:
        with chromium() as browser:
            teacher = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
            open_page(teacher, f"{url}/Class_board")
            teacher.get_by_role("button", name="Create the board").click()
            teacher.get_by_text("Your teacher's link").wait_for(timeout=30_000)
            wait_for_run(teacher)
            students_link = teacher.locator("[data-testid='stCode']").first.inner_text().strip()
            assert "/Gradient_descent?board=" in students_link and "secret" not in students_link
            teacher.get_by_text("No runs yet").wait_for(timeout=10_000)

            students = [browser.new_context(viewport={"width": 1100, "height": 900}).new_page() for _ in STARTS]
            for page, x0 in zip(students, STARTS):
                page.goto(f"{students_link}&x0={x0}")
            for page, x0 in zip(students, STARTS):
                wait_for_run(page)
                field = page.get_by_role("textbox", name="Nickname (optional)")
                field.fill(f"start {x0}")
                field.press("Enter")
                wait_for_run(page)
                page.get_by_role("button", name="Send to the board").click()
            for page in students:
                page.locator("[data-testid='stAlertContentSuccess']", has_text="Sent").wait_for(timeout=30_000)
                assert_no_exception(page)
            sent = time.monotonic()

            while "5 starts sent" not in map_says(teacher) and time.monotonic() - sent < 5.0:
                time.sleep(0.1)
            waited = time.monotonic() - sent
            said = map_says(teacher)
            assert "5 starts sent" in said, f"after {waited:.1f} s the board's map says: {said!r}"
            print(f"the board showed the five runs {waited:.1f} s after the last was sent")
            for x0 in STARTS:
                assert f"x0 = {float(x0):.4g} at lr = 0.01" in said, (x0, said)
            assert_no_exception(teacher)
    finally:
        stop(app)
