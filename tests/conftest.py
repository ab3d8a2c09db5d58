"""Shared fixtures. Browser tests start the real app (`streamlit run playground.py`) on a free
loopback port and drive Debian's Chromium through Playwright; they never download a browser.

Without /usr/bin/chromium (or CHROMIUM) or the playwright package, browser tests skip with the
reason; with REQUIRE_BROWSER=1 they fail instead, so CI cannot pass by skipping them.
Everything that is not a fixture (launchers, page helpers, reference loops) lives in helpers.py.
"""
from __future__ import annotations

import pytest
from helpers import require_browser

from harness.launcher import chromium, running_app


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Base URL of a running app, shared by every browser test of the session."""
    require_browser()
    with running_app(tmp_path_factory.mktemp("app")) as url:
        yield url


@pytest.fixture(scope="session")
def browser(app_url):
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    """A fresh browser context (its own Streamlit session) per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    yield p
    context.close()
