"""What only the tests share (conftest.py keeps the pytest fixtures; tests/reference.py the reference loops).

- ``skip_or_fail``/``require_browser``: skip a test that cannot run here, or fail it under REQUIRE_BROWSER=1;
- AppTest: ``run_app`` opens a page with a URL query, ``train_to_end`` trains the MLP page to Done, ``shown``
  reads a notice as the visitor sees it.

Driving the running app from outside (launcher, browser pages, /proc) is ``harness``'s, which bench/ and docs/
share. Tests import these as ``from helpers import …`` (pytest puts tests/ on the path).
"""
from __future__ import annotations

import os
import re

from harness import ROOT
from harness.launcher import browser_missing


def skip_or_fail(reason: str):
    """Skip the test for ``reason``; fail it instead under REQUIRE_BROWSER=1 (CI cannot pass by skipping)."""
    import pytest

    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def require_browser(other_reason: str | None = None) -> None:
    """Skip the test (fail it under REQUIRE_BROWSER=1) when Chromium or playwright is missing, or for
    ``other_reason`` (another tool the test needs)."""
    reason = browser_missing() or other_reason
    if reason:
        skip_or_fail(reason)


# ── AppTest ──────────────────────────────────────────────────────────────────────────────────────────
def run_app(page: str, params: dict | None = None, timeout: float = 60):
    """AppTest of ``page`` (a path under the project root) opened with ``params`` as its URL query."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / page), default_timeout=timeout)
    for key, value in (params or {}).items():
        at.query_params[key] = str(value)
    return at.run()


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


def shown(markdown: str) -> str:
    """The characters a notice's Markdown shows: widgets.plain backslash-escapes punctuation and puts
    zero-width spaces around ':', '.' and '@'."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def numbers(text: str) -> list[str]:
    """The numbers of ``text``, sorted, their thousands ungrouped (English groups with commas, Russian with
    no-break spaces): a sentence and its translation name the same numbers, in whatever order."""
    text = re.sub(r"(?<=\d)[,\u00a0](?=\d{3}(?!\d))", "", text)
    return sorted(re.findall(r"\d+(?:[.,]\d+)*(?:e[+-]?\d+)?", text))
