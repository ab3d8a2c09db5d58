"""Where a browser following a training run spends its time: a Chrome trace of one tab on the MLP lab.

    python bench/bench_browser_trace.py [--seconds 4] [--css "…extra CSS…"] [--top 12]

Starts the app, opens /MLP_training with a long run, presses Train, waits 3 s, then traces the tab for
--seconds and prints the frames the compositor drew and the events with the most time, by thread. With
--css, the CSS is added to the page first: the baseline for a style change, in the same process (e.g.
--css "[data-testid='stProgressBarTrack'] > div { transition: transform 0.5s linear !important }" brings
back the progress bar's animation: 236 frames in 4 s against 30, and 5,261 against 3,132 ms of events).
Events nest, so the total is a relative figure, for comparing runs.
"""
import argparse
import collections
import json
import tempfile
import time
from pathlib import Path

import common  # noqa: F401  (the project on the path: first)

from harness.browser import open_page
from harness.launcher import CHROMIUM, CHROMIUM_ARGS, free_port, start_app

CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "blink", "cc", "gpu",
              "viz"]


def trace(url: str, seconds: float, css: str | None):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        open_page(page, url)
        if css:
            page.add_style_tag(content=css)
        page.get_by_role("button", name="Train").click()
        time.sleep(3)
        browser.start_tracing(page=page, categories=CATEGORIES)
        time.sleep(seconds)
        data = json.loads(browser.stop_tracing())
        browser.close()
    return data["traceEvents"] if isinstance(data, dict) else data


def summarise(events) -> tuple[collections.Counter, collections.Counter]:
    threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in events
               if e.get("ph") == "M" and e.get("name") == "thread_name"}
    ms, count = collections.Counter(), collections.Counter()
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            key = (threads.get((e["pid"], e["tid"]), "?"), e["name"])
            ms[key] += e["dur"] / 1e3
            count[key] += 1
    return ms, count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--css", default=None)
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args()
    port = free_port()
    server = start_app(port, Path(tempfile.mkdtemp(prefix="bench_trace_")) / "streamlit.log")
    try:
        ms, count = summarise(trace(f"http://127.0.0.1:{port}/MLP_training?epochs=200&n=20000&seed=5",
                                    args.seconds, args.css))
    finally:
        server.terminate()
        server.wait(10)
    print(f"{args.seconds:g} s traced: {count[('Compositor', 'MainFrame.Draw')]} frames drawn, "
          f"{sum(ms.values()):,.0f} ms of events (nested)")
    for (thread, name), t in ms.most_common(args.top):
        print(f"{t:8.1f} ms {count[(thread, name)]:6d}  {thread}: {name}")


if __name__ == "__main__":
    main()
