"""Shared fixtures. Browser tests start the real app (`streamlit run playground.py`) on a free
loopback port and drive Debian's Chromium through Playwright; they never download a browser.

Without /usr/bin/chromium (or CHROMIUM) or the playwright package, browser tests skip with the
reason; with REQUIRE_BROWSER=1 they fail instead, so CI cannot pass by skipping them.
Everything that is not a fixture (launchers, page helpers, reference loops) lives in helpers.py.
"""
from __future__ import annotations

import pytest

# The fixtures use four of these names; the rest are re-exported for tests written on other branches before
# helpers.py existed (`from conftest import open_page`). New tests import them from helpers.
from helpers import (  # noqa: F401
    APP,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    assert_no_exception,
    browser_missing,
    download_bytes,
    free_port,
    open_page,
    run_app,
    running_app,
    shown,
    skip_or_fail,
    start_app,
    wait_for_run,
)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Base URL of a running app, shared by every browser test of the session."""
    reason = browser_missing()
    if reason:
        skip_or_fail(reason)
    with running_app(tmp_path_factory.mktemp("app")) as url:
        yield url


@pytest.fixture(scope="session")
def browser(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (its own Streamlit session) per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    yield p
    context.close()
