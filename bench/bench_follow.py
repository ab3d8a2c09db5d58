"""Where one visitor's browser spends its CPU following an MLP run, phase by phase, for two revisions of the app.

    python bench/bench_follow.py [--pairs 5] [--epochs 20] [--base-rev REV] [--ours-rev REV]

Two servers (`streamlit run playground.py`) from two revisions of the whole project as committed (default: the
parent of HEAD against HEAD). One headless Chromium visits them in turn, a fresh page and a new seed each time
(so the server trains the run rather than showing one it has): open /MLP_training, click Train, wait until the
finished page is complete (its downloads drawn). The browser's CPU (its process tree, /proc, user + system,
sampled every 50 ms by a thread) is read at the marks the page's own clock sets:

- ``train``: the click to the live view's first frame (the Train click's script run and the live view's mount);
- ``live``: the first frame to the last (the stream's frames and the glide between them);
- ``to_done``: the last frame to Done (the visitor reads "Done:", in the live view or in the page);
- ``finish``: Done to the complete page (the final charts, the probes, the downloads, the replay).

and the wall times click → Done and click → complete. The sides alternate within a pair (same seed), and the
figures are medians (ranges) with the median of the per-pair ratios base/ours: on a shared machine the browser's
CPU seconds are the robust figure; wall times move with the load (printed as the 1-minute load average).
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import common  # noqa: F401  (the project on the path: first)
from bench_live_paint import Sampler, paired_visits, summary, tree_copy

from harness.browser import TRAIN_CLOCK, open_page

READ = """() => {
  const t = window.__gpLive, o = performance.timeOrigin;
  return {clicked: window.__clicked, done: window.__done, complete: window.__complete,
          first: t ? o + t.first : null, last: t ? o + t.last : null};
}"""
PHASES = ("train", "live", "to_done", "finish")


def follow_once(browser, sampler: Sampler, url: str, epochs: int, seed: int) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.add_init_script(TRAIN_CLOCK)
        open_page(page, f"{url}/MLP_training?epochs={epochs}&seed={seed}")
        page.wait_for_timeout(500)  # let the opened page settle: its cost is not the run's
        page.get_by_role("button", name="Train").click()
        page.wait_for_function("window.__complete !== null", timeout=120_000, polling=250)
        page.wait_for_timeout(200)  # the sampler passes the last mark
        seen = page.evaluate(READ)
    finally:
        context.close()
    t = {k: (v / 1000 if v is not None else None) for k, v in seen.items()}
    first = t["first"] if t["first"] is not None else t["done"]  # no live frame: a run shown at once
    last = t["last"] if t["last"] is not None else first
    marks = [t["clicked"], first, max(first, last), max(last, t["done"]), t["complete"]]
    cpu = [sampler.at(m) for m in marks]
    out = {f"cpu_{name}": cpu[i + 1] - cpu[i] for i, name in enumerate(PHASES)}
    out.update(cpu_click_to_done=cpu[3] - cpu[0], cpu_click_to_complete=cpu[4] - cpu[0],
               wall_click_to_done=t["done"] - t["clicked"], wall_click_to_complete=t["complete"] - t["clicked"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=3000, help="the first pair's seed (each pair a new one)")
    parser.add_argument("--base-rev", default="HEAD~1")
    parser.add_argument("--ours-rev", default="HEAD")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_follow_") as tmp:
        tmp = Path(tmp)
        sides = {"base": tree_copy(tmp / "base", args.base_rev), "ours": tree_copy(tmp / "ours", args.ours_rev)}
        results, loads = paired_visits(sides, tmp, args.pairs, args.seed,
                                       lambda browser, sampler, url, seed: follow_once(browser, sampler, url,
                                                                                       args.epochs, seed))
    print(f"\nbase {args.base_rev}, ours {args.ours_rev}; {args.pairs} pairs, {args.epochs} epochs; "
          f"1-minute load average {summary(loads)}")
    for key in results["ours"][0]:
        base, ours = [r[key] for r in results["base"]], [r[key] for r in results["ours"]]
        ratios = [b / o for b, o in zip(base, ours) if o > 0]
        print(f"{key:24s} base {summary(base)}   ours {summary(ours)}"
              + (f"   base/ours {summary(ratios)}" if ratios else ""))


if __name__ == "__main__":
    main()
