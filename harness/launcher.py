"""The app as a process and the browser that visits it.

``start_app``/``running_app`` run `streamlit run playground.py` on a free loopback port, ``stop`` ends it;
``chromium()`` launches Debian's Chromium through Playwright, never a downloaded one (``browser_missing`` says
why it cannot).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from harness import ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def browser_missing() -> str | None:
    """Why a browser cannot run here (no Chromium, no playwright), or None."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium, or set CHROMIUM)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    return None


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


@contextmanager
def running_app(log_dir: Path):
    """The app's base URL while it runs (``start_app`` on a free port, its log in ``log_dir``); stopped after."""
    port = free_port()
    proc = start_app(port, Path(log_dir) / "streamlit.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """End a process started here (an app, nginx): politely, then for sure after 10 s."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextmanager
def chromium(executable: str = CHROMIUM):
    """A headless Chromium driven by Playwright (Debian's unless ``executable``), closed after."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
