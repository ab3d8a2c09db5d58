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
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench_live_paint import Sampler, serve
from common import ROOT  # the project on the path: first

from harness.browser import open_page
from harness.launcher import CHROMIUM, CHROMIUM_ARGS, stop

# The page's own clock: Train clicked; "Done:" first shown (the live view's note or the page's alert); the
# complete page (the "Loss history (CSV)" download drawn: the final charts and the replay come with it).
CLOCK = """
window.__clicked = null; window.__done = null; window.__complete = null;
document.addEventListener("click", e => {
  const b = e.target.closest && e.target.closest("button");
  if (b && b.innerText.includes("Train") && window.__clicked === null) window.__clicked = Date.now();
}, true);
new MutationObserver(() => {
  if (window.__clicked === null) return;
  if (window.__done === null
      && [...document.querySelectorAll("[data-testid='stAlertContentSuccess'], .gp-note-success")]
           .some(a => a.innerText.includes("Done:")))
    window.__done = Date.now();
  if (window.__done !== null && window.__complete === null
      && [...document.querySelectorAll("[data-testid='stDownloadButton'] button")]
           .some(b => b.innerText.includes("Loss history (CSV)")))
    window.__complete = Date.now();
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
READ = """() => {
  const t = window.__gpLive, o = performance.timeOrigin;
  return {clicked: window.__clicked, done: window.__done, complete: window.__complete,
          first: t ? o + t.first : null, last: t ? o + t.last : null};
}"""
PHASES = ("train", "live", "to_done", "finish")


def tree_copy(where: Path, rev: str) -> Path:
    where.mkdir()
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    return where


def follow_once(browser, sampler: Sampler, url: str, epochs: int, seed: int) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.add_init_script(CLOCK)
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


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f}–{max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=3000, help="the first pair's seed (each pair a new one)")
    parser.add_argument("--base-rev", default="HEAD~1")
    parser.add_argument("--ours-rev", default="HEAD")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench_follow_") as tmp:
        tmp = Path(tmp)
        revs = {"base": args.base_rev, "ours": args.ours_rev}
        servers = {name: serve(tree_copy(tmp / name, rev), tmp / f"{name}.log") for name, rev in revs.items()}
        results, loads = {"base": [], "ours": []}, []
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                sampler = Sampler()
                sampler.start()
                try:
                    for name in revs:  # a first visit each, not counted: caches, the pool's workers
                        follow_once(browser, sampler, servers[name][1], args.epochs, args.seed - 1)
                    for pair in range(args.pairs):
                        for name in (("base", "ours") if pair % 2 == 0 else ("ours", "base")):
                            loads.append(os.getloadavg()[0])
                            r = follow_once(browser, sampler, servers[name][1], args.epochs, args.seed + pair)
                            results[name].append(r)
                            print(f"pair {pair} {name}: " + ", ".join(f"{k} {v:.3f}" for k, v in r.items()),
                                  f"(load {loads[-1]:.1f})", flush=True)
                finally:
                    sampler.stopped.set()
                    browser.close()
        finally:
            for proc, _ in servers.values():
                stop(proc)
    print(f"\nbase {args.base_rev}, ours {args.ours_rev}; {args.pairs} pairs, {args.epochs} epochs; "
          f"1-minute load average {summary(loads)}")
    for key in results["ours"][0]:
        base, ours = [r[key] for r in results["base"]], [r[key] for r in results["ours"]]
        ratios = [b / o for b, o in zip(base, ours) if o > 0]
        print(f"{key:24s} base {summary(base)}   ours {summary(ours)}"
              + (f"   base/ours {summary(ratios)}" if ratios else ""))


if __name__ == "__main__":
    main()
