"""What the tests, the benchmarks and the screenshot script share (conftest.py keeps only pytest fixtures).

- Launching the app: ``start_app``/``running_app`` run `streamlit run playground.py` on a free loopback port,
  ``stop`` ends it; ``chromium()`` launches Debian's Chromium (never a downloaded one; ``require_browser``
  skips without it); ``wait_for_run``, ``open_page``, ``assert_no_exception``, ``download_bytes``,
  ``train_to_done`` drive a page; ``COUNT_RUNS`` counts its script runs.
- The server's processes and memory: ``process_tree``, ``status_kib``, ``rss``, ``memory_report`` and
  ``sessions_forgotten`` (GP_MEMORY_PROBE's file); ``train_and_leave``: visitors who train and go.
- AppTest: ``run_app`` opens a page with a URL query; ``shown`` reads a notice as the visitor sees it.
- Reference loops written from the exercises, independent of ``core``: ``descent_by_hand`` (gradient descent
  on p(x)²), ``adagrad_by_hand`` (the Adagrad lab's parameters and gradients), ``bounded_edge`` (a closed form).

Tests import these as ``from helpers import …`` (pytest puts tests/ on the path); bench/ and docs/ as
``from tests.helpers import …`` with the project root on the path.
"""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
APP = "[data-testid='stApp']"
DIVERGED_AT = 1e6  # |x| beyond which a descent has diverged (core.descent.DIVERGENCE_BOUND, written out)

# Counts the app's script runs (its data-test-script-state turning to "running") from page load on:
# page.add_init_script(COUNT_RUNS), then page.evaluate("window.__runs").
COUNT_RUNS = """
window.__runs = 0;
const watch = () => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app) { setTimeout(watch, 20); return; }
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'running') window.__runs += 1;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
};
watch();
"""


# ── the app and the browser ──────────────────────────────────────────────────────────────────────────
def browser_missing() -> str | None:
    """Why browser tests cannot run here (no Chromium, no playwright), or None."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium, or set CHROMIUM)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    return None


def skip_or_fail(reason: str):
    """Skip the test for ``reason``; fail it instead under REQUIRE_BROWSER=1 (CI cannot pass by skipping)."""
    import pytest

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


def require_browser(other_reason: str | None = None) -> None:
    """Skip the test (fail it under REQUIRE_BROWSER=1) when Chromium or playwright is missing, or for
    ``other_reason`` (another tool the test needs)."""
    reason = browser_missing() or other_reason
    if reason:
        skip_or_fail(reason)


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


# ── the server's processes and its memory report (GP_MEMORY_PROBE) ───────────────────────────────────
def process_tree(pid: int) -> list[int]:
    """pid and all its descendants (via /proc/<pid>/task/*/children)."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                pass
    return pids


def status_kib(pid: int, field: str) -> int:
    """A field of /proc/<pid>/status in KiB (VmRSS, VmHWM), 0 once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss(pid: int) -> int:
    """Resident set size of ``pid`` in bytes (0 once it is gone)."""
    return status_kib(pid, "VmRSS") * 1024


def memory_report(path: Path, after: float, timeout: float = 30) -> dict:
    """The server's memory report (GP_MEMORY_PROBE), the first one written after ``after`` (time.time())."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            report = json.loads(Path(path).read_text())
            if report["time"] > after:
                return report
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"the server wrote no memory report to {path} within {timeout} s")


def sessions_forgotten(path: Path, seen: int, timeout: float) -> dict:
    """Wait until the server has seen ``seen`` sessions and none is reachable, nor any of their media files
    (or ``timeout``); the last memory report."""
    deadline = time.time() + timeout
    report = memory_report(path, time.time())
    while time.time() < deadline and (report["sessions_seen"] < seen or report["sessions_alive"]
                                      or report["media_files"]):
        report = memory_report(path, time.time())
    return report

def wait_for_run(page, timeout_ms: int = 60_000) -> None:
    """Wait until the app is connected, its script has finished running, and no element is still a
    placeholder skeleton (right after a run ends Streamlit may show them for a moment)."""
    page.wait_for_selector(f"{APP}[data-test-connection-state='CONNECTED']", state="attached", timeout=timeout_ms)
    page.wait_for_selector(f"{APP}[data-test-script-state='notRunning']", state="attached", timeout=timeout_ms)
    page.wait_for_selector("[data-testid='stSkeleton']", state="detached", timeout=timeout_ms)


def open_page(page, url: str, timeout_ms: int = 60_000) -> None:
    page.goto(url)
    wait_for_run(page, timeout_ms)


def assert_no_exception(page) -> None:
    errors = page.locator("[data-testid='stException']").all_inner_texts()
    assert not errors, f"exception on page: {errors}"


def download_bytes(page, trigger, timeout_ms: int = 30_000, dispatch: bool = False) -> bytes:
    """Click ``trigger`` (a locator, e.g. a download button) and return the bytes of the file it downloads.
    ``dispatch``: send the click event to the button itself instead of clicking where it is drawn (a data
    grid's toolbar shows only while the pointer is over the grid and slides in, so a pointer click could
    land on the grid or on the sticky header)."""
    with page.expect_download(timeout=timeout_ms) as info:
        if dispatch:
            trigger.dispatch_event("click")
        else:
            trigger.click()
    return Path(info.value.path()).read_bytes()


def done_alert(page):
    """The MLP page's "Done: …" message (a locator)."""
    return page.locator("[data-testid='stAlertContentSuccess']", has_text="Done:")


def wait_for_done(page, timeout_ms: int = 60_000) -> None:
    """On the MLP page: wait until the run is done and the finished page is drawn. Done shows as soon as the
    run ends; the final charts, the downloads and the replay follow in a script run of their own (the live
    view's next tick), so a test that reads the finished page waits for its downloads, then for that run."""
    done_alert(page).first.wait_for(timeout=timeout_ms)
    page.get_by_role("button", name="Loss history (CSV)").wait_for(timeout=timeout_ms)
    wait_for_run(page, timeout_ms)


def train_to_done(page, timeout_ms: int = 60_000) -> None:
    """On the MLP page: click Train and wait until the run is done and its downloads are drawn."""
    page.get_by_role("button", name="Train").click()
    wait_for_done(page, timeout_ms)


def train_and_leave(browser, *urls: str, timeout_ms: int = 60_000) -> None:
    """A visitor per URL, side by side: open, Train, wait for Done and the downloads, close (closing the
    context closes the WebSocket)."""
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in urls]
    try:
        pages = [context.new_page() for context in contexts]
        for page, url in zip(pages, urls):
            page.goto(url)
        for page in pages:
            wait_for_run(page, timeout_ms)
            page.get_by_role("button", name="Train").click()
        for page in pages:
            done_alert(page).wait_for(timeout=timeout_ms)
            page.get_by_role("button", name="Loss history (CSV)").wait_for(timeout=timeout_ms)  # a media file
    finally:
        for context in contexts:
            context.close()


# ── AppTest ──────────────────────────────────────────────────────────────────────────────────────────
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
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


# ── reference loops, written from the exercises ──────────────────────────────────────────────────────
def descent_by_hand(a, b, c, x0, lr, max_steps=1000, tol=1e-6) -> tuple[float, int, str]:
    """x ← x − lr·2·p(x)·p′(x) on p = a·x² + b·x + c until |p(x)| < tol, a non-finite x or |x| > 1e6:
    (x, steps, "converged" | "diverged" | "max_steps"). The stopping rule is checked after each update."""
    x = x0
    for step in range(1, max_steps + 1):
        x = x - lr * 2 * (a * x * x + b * x + c) * (2 * a * x + b)
        if not math.isfinite(x) or abs(x) > DIVERGED_AT:
            return x, step, "diverged"
        if abs(a * x * x + b * x + c) < tol:
            return x, step, "converged"
    return x, max_steps, "max_steps"


def adagrad_by_hand(seed, lr, eps, k, grad="noise"):
    """Adagrad written out by hand, as the exercise states it, on the Adagrad lab's parameters and gradients:
    θ = (W 10×10, b 10) ~ N(0, 1) from default_rng(seed); step t's gradient is N(0, 1) from
    default_rng([seed, t]) (W's then b's), or θ itself for ½‖θ‖². G ← G + g²; θ ← θ − lr·g/(√G + eps).
    Returns per step (t, θ before, g, G, lr/(√G + eps), update, θ after), flattened W then b."""
    rng = np.random.default_rng(seed)
    W, b = rng.standard_normal((10, 10)), rng.standard_normal(10)
    theta = np.concatenate([W.ravel(), b])
    G = np.zeros(110)
    rows = []
    for t in range(1, k + 1):
        if grad == "noise":
            r = np.random.default_rng([seed, t])
            g = np.concatenate([r.standard_normal((10, 10)).ravel(), r.standard_normal(10)])
        else:
            g = theta.copy()
        G = G + g**2
        eff = lr / (np.sqrt(G) + eps)
        update = -eff * g
        new = theta + update
        rows.append((t, theta, g, G, eff, update, new))
        theta = new
    return rows


def bounded_edge(lr, a=1.0, b=-5.0, c=4.0) -> float:
    """Closed form: with u = (x − vertex)/h (h half the root gap, D = b² − 4ac) the update is
    u ← u − k·u(u² − 1), k = lr·D; for k ≤ 2, u = ±√(1 + 2/k) is a 2-cycle and every start beyond it escapes.
    Returns that edge on the right, vertex + h·√(1 + 2/k)."""
    d = b * b - 4 * a * c
    k = lr * d
    vertex, h = -b / (2 * a), math.sqrt(d) / (2 * abs(a))
    return vertex + h * math.sqrt(1 + 2 / k)


def train_to_end(at, max_runs: int = 200):
    """The MLP page under AppTest: click Train, then rerun (each run of the live view trains for a while)
    until the run is over."""
    next(b for b in at.button if b.label == "Train").click().run()
    for _ in range(max_runs):
        if at.session_state["mlp_status"] != "training":
            break
        at.run()
    assert at.session_state["mlp_status"] == "done"
    return at
