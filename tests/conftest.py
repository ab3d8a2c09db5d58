"""Shared fixtures. Browser tests start the real app (`streamlit run playground.py`) on a free
loopback port and drive Debian's Chromium through Playwright; they never download a browser.

Without /usr/bin/chromium (or CHROMIUM) or the playwright package, browser tests skip with the
reason; with REQUIRE_BROWSER=1 they fail instead, so CI cannot pass by skipping them.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
APP = "[data-testid='stApp']"


def _browser_missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium, or set CHROMIUM)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    return None


def _skip_or_fail(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int, log_path: Path, args: tuple[str, ...] = (), env: dict | None = None) -> subprocess.Popen:
    """`streamlit run playground.py` on 127.0.0.1:port (plus ``args``, with ``env`` added to the
    environment); returns once /_stcore/health answers ok."""
    cmd = [sys.executable, "-m", "streamlit", "run", "playground.py", "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *args]
    log = open(log_path, "wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log_path.read_text()}")
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("streamlit did not answer /_stcore/health within 60 s")


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Base URL of a running app, shared by every browser test of the session."""
    reason = _browser_missing()
    if reason:
        _skip_or_fail(reason)
    port = free_port()
    proc = start_app(port, tmp_path_factory.mktemp("app") / "streamlit.log")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


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


def wait_for_run(page, timeout_ms: int = 60_000) -> None:
    """Wait until the app is connected, its script has finished running, and no element is still a
    placeholder skeleton (right after a run ends Streamlit may show them for a moment)."""
    page.wait_for_selector(f"{APP}[data-test-connection-state='CONNECTED']", state="attached", timeout=timeout_ms)
    page.wait_for_selector(f"{APP}[data-test-script-state='notRunning']", state="attached", timeout=timeout_ms)
    page.wait_for_selector("[data-testid='stSkeleton']", state="detached", timeout=timeout_ms)


def open_page(page, url: str, timeout_ms: int = 60_000) -> None:
    page.goto(url)
    wait_for_run(page, timeout_ms)


def run_app(page: str, params: dict | None = None, timeout: float = 60):
    """AppTest of ``page`` (a path under the project root) opened with ``params`` as its URL query."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / page), default_timeout=timeout)
    for key, value in (params or {}).items():
        at.query_params[key] = str(value)
    return at.run()


def shown(markdown: str) -> str:
    """The characters a notice's Markdown shows: ui.plain backslash-escapes punctuation and puts
    zero-width spaces around ':', '.' and '@'."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u200b", "")


def assert_no_exception(page) -> None:
    errors = page.locator("[data-testid='stException']").all_inner_texts()
    assert not errors, f"exception on page: {errors}"


def download_bytes(page, trigger, timeout_ms: int = 30_000) -> bytes:
    """Click ``trigger`` (a locator, e.g. a download button) and return the bytes of the file it downloads."""
    with page.expect_download(timeout=timeout_ms) as info:
        trigger.click()
    return Path(info.value.path()).read_bytes()
