"""Training throughput inside the MLP-training page against the raw Trainer, same config.

    python bench/bench_mlp_page.py [--repeats 3] [--window 6]

Raw: Trainer(config).train(20,000) three times in a row (60,000 samples), timed.
In page: starts `streamlit run playground.py` (harness/launcher.py's running_app), opens the page in
Debian's Chromium, clicks Train, reads the samples done from the progress bar at 1 s and at
1 + --window s after the click, in a fresh session.
The two alternate --repeats times (so both see the same machine load); medians of each. The config is the original
experiment with 100 epochs instead of 20, so the run outlasts the measuring window (the cost of a
sample does not depend on the number of epochs). Prints both and their ratio (the goal: ≥ 0.70).
Run it on a quiet machine: both numbers are CPU-bound on one core.
"""
from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time

import common  # noqa: F401  (the project on the path: first)

from core.train import TrainConfig, Trainer
from harness.browser import wait_for_run
from harness.launcher import CHROMIUM, CHROMIUM_ARGS, running_app

EPOCHS = 100
QUERY = f"/MLP_training?epochs={EPOCHS}"
PROGRESS = re.compile(r"([\d,]+) / ([\d,]+) samples")


def raw_rate() -> float:
    trainer = Trainer(TrainConfig(epochs=EPOCHS))
    started = time.perf_counter()
    used = sum(trainer.train(20_000) for _ in range(3))
    return used / (time.perf_counter() - started)


def samples_done(page) -> int | None:
    texts = page.locator("[data-testid='stProgress']").all_inner_texts()
    for text in texts:
        match = PROGRESS.search(text)
        if match:
            return int(match.group(1).replace(",", ""))
    return None


def read_at(page, moment: float) -> tuple[float, int]:
    """Wait until ``moment`` (perf_counter), then read the samples shown (retrying until readable)."""
    while time.perf_counter() < moment:
        page.wait_for_timeout(20)
    while True:
        value = samples_done(page)
        if value is not None:
            return time.perf_counter(), value
        page.wait_for_timeout(20)


def page_rate(browser, base_url: str, window: float) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + QUERY)
    wait_for_run(page)
    page.get_by_role("button", name="Train").click()
    clicked = time.perf_counter()
    t0, s0 = read_at(page, clicked + 1.0)
    t1, s1 = read_at(page, clicked + 1.0 + window)
    page.get_by_role("button", name="Pause").click()
    wait_for_run(page)
    context.close()
    return (s1 - s0) / (t1 - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--window", type=float, default=6.0, help="seconds between the two readings")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    raw, in_page = [], []
    with tempfile.TemporaryDirectory() as tmp, running_app(tmp) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(args.repeats):
                raw.append(raw_rate())
                in_page.append(page_rate(browser, base, args.window))
        finally:
            browser.close()
    raw_median, page_median = statistics.median(raw), statistics.median(in_page)
    print(f"config: the original experiment (1-100-1 ReLU, momentum lr 1e-5, batch 1), {EPOCHS} epochs")
    print("raw Trainer:  " + ", ".join(f"{r:,.0f}" for r in raw) + f" samples/s; median {raw_median:,.0f}")
    print("in the page:  " + ", ".join(f"{r:,.0f}" for r in in_page) + f" samples/s; median {page_median:,.0f}")
    print(f"ratio in page / raw: {page_median / raw_median:.2f} (goal ≥ 0.70)")


if __name__ == "__main__":
    main()
