"""What following a run costs the browser: the MLP live view with a baseline player.js against today's.

    python bench/bench_live_paint.py [--pairs 6] [--epochs 20] [--base-rev REV | --base-js FILE] [--ours-js FILE]

Two servers (`streamlit run playground.py`) from two copies of the project as committed (--tree-rev: a working
tree may be half-way through someone's edit) that differ only in app/player/player.js: the baseline's
(``git show <rev>:app/player/player.js``, or a file) and this tree's (or --ours-js). One headless Chromium
visits them in turn, a fresh page each run: open /MLP_training with a new seed (so the server trains the run
rather than showing one it has), click Train, wait for the Done note. The browser's CPU is its whole process
tree's from /proc (user + system), sampled every 50 ms by a thread and read at the click, at the live view's
first and last frame and at Done (the page's clock marks them; live_rates in tests/test_concurrency.py reads the
same tally, ``window.__gpLive``). The two sides alternate, same seed within a pair, and the ratios are medians of
the per-pair ratios: on a shared, loaded machine the browser's CPU seconds are the robust figure (wall times move
with the load, printed as the 1-minute load average).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from common import ROOT  # the project on the path: first

from harness.browser import TRAIN_CLOCK, open_page
from harness.launcher import CHROMIUM, CHROMIUM_ARGS, free_port, stop
from harness.procfs import cpu_seconds, process_tree

PLAYER = Path("app/player/player.js")
# The tally's times are performance.now() readings: made wall-clock (ms) here.
READ = """() => {
  const t = window.__gpLive, o = performance.timeOrigin;
  return {clicked: window.__clicked, done: window.__done,
          tally: t ? {arrived: t.arrived, painted: t.painted, first: o + t.first, last: o + t.last,
                      paintedLast: o + t.paintedLast} : null};
}"""



def browser_cpu() -> float:
    """CPU seconds so far of this process's Chromium descendants (browser, renderers, GPU, utilities)."""
    total = 0.0
    for pid in process_tree(os.getpid()):
        try:
            if Path(f"/proc/{pid}/comm").read_text().startswith(("chrom", "headless")):
                total += cpu_seconds(pid)
        except OSError:
            pass
    return total


class Sampler(threading.Thread):
    """(wall clock, browser CPU-s) every ``period`` s until stopped; ``at(t)`` interpolates."""

    def __init__(self, period: float = 0.05):
        super().__init__(daemon=True)
        self.period, self.samples, self.stopped = period, [], threading.Event()

    def run(self):
        while not self.stopped.is_set():
            self.samples.append((time.time(), browser_cpu()))
            self.stopped.wait(self.period)

    def at(self, when: float) -> float:
        s = self.samples
        for (t0, c0), (t1, c1) in zip(s, s[1:]):
            if t0 <= when <= t1:
                return c0 + (c1 - c0) * (when - t0) / (t1 - t0) if t1 > t0 else c1
        return s[0][1] if when < s[0][0] else s[-1][1]


def tree_copy(where: Path, rev: str, player_js: str | None = None) -> Path:
    """The project as committed at ``rev``, at ``where`` (with ``player_js`` as the player, if given)."""
    where.mkdir()
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    if player_js is not None:
        (where / PLAYER).write_text(player_js, encoding="utf-8")
    return where


def serve(tree: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "playground.py", "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    proc = subprocess.Popen(cmd, cwd=tree, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.time() + 90
    while time.time() < deadline and proc.poll() is None:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.3)
    stop(proc)
    raise RuntimeError(f"the server in {tree} did not answer: {log.read_text()[-2000:]}")


def follow_once(browser, sampler: Sampler, url: str, epochs: int, seed: int) -> dict:
    """One visitor: open the page, Train, wait for Done. The browser's CPU-s click→Done and over the live
    view's frames (first to last arrival), new data/s and painted frames/s from the page's tally."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.add_init_script(TRAIN_CLOCK)
        open_page(page, f"{url}/MLP_training?epochs={epochs}&seed={seed}")
        page.wait_for_timeout(500)  # let the opened page settle: its cost is not the live view's
        page.get_by_role("button", name="Train").click()
        page.wait_for_function("window.__done !== null", timeout=120_000, polling=250)
        page.wait_for_timeout(200)  # the sampler passes Done
        seen = page.evaluate(READ)
    finally:
        context.close()
    clicked, done, tally = seen["clicked"] / 1000, seen["done"] / 1000, seen["tally"]
    out = {"cpu_click_to_done": sampler.at(done) - sampler.at(clicked), "wall_click_to_done": done - clicked}
    if tally and tally["arrived"] >= 2:
        first, last = tally["first"] / 1000, tally["last"] / 1000
        out.update(cpu_live=sampler.at(last) - sampler.at(first), live_seconds=last - first,
                   new_data_per_s=(tally["arrived"] - 1) / max(last - first, 1e-3),
                   painted_per_s=tally["painted"] / max(tally["paintedLast"] / 1000 - first, 1e-3))
    return out


def paired_visits(sides: dict[str, Path], tmp: Path, pairs: int, seed: int, visit) -> tuple[dict, list[float]]:
    """Serve each side's tree (``sides``: "base" and "ours"), visit each once (not counted: caches, the pool's
    workers), then ``pairs`` pairs, the sides alternating within a pair and a new seed each pair:
    ``visit(browser, sampler, url, seed)`` returns a dict of figures, printed as it comes. Returns the figures by
    side and the 1-minute load average before each visit."""
    from playwright.sync_api import sync_playwright

    servers = {name: serve(tree, tmp / f"{name}.log") for name, tree in sides.items()}
    results, loads = {name: [] for name in sides}, []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            sampler = Sampler()
            sampler.start()
            try:
                for name in sides:
                    visit(browser, sampler, servers[name][1], seed - 1)
                for pair in range(pairs):
                    for name in (("base", "ours") if pair % 2 == 0 else ("ours", "base")):
                        loads.append(os.getloadavg()[0])
                        r = visit(browser, sampler, servers[name][1], seed + pair)
                        results[name].append(r)
                        print(f"pair {pair} {name}: " + ", ".join(f"{k} {v:.3f}" for k, v in r.items()),
                              f"(load {loads[-1]:.1f})", flush=True)
            finally:
                sampler.stopped.set()
                browser.close()
    finally:
        for proc, _ in servers.values():
            stop(proc)
    return results, loads


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f}–{max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1000, help="the first pair's seed (each pair a new one)")
    parser.add_argument("--base-rev", default="HEAD", help="the git revision whose player.js is the baseline")
    parser.add_argument("--base-js", help="a file to use as the baseline player.js instead")
    parser.add_argument("--ours-js", default=str(ROOT / PLAYER), help="the player.js measured (this tree's)")
    parser.add_argument("--tree-rev", default="HEAD", help="the revision of everything else, on both sides")
    args = parser.parse_args()
    base_js = (Path(args.base_js).read_text(encoding="utf-8") if args.base_js else subprocess.run(
        ["git", "show", f"{args.base_rev}:{PLAYER}"], cwd=ROOT, check=True, capture_output=True, text=True).stdout)
    with tempfile.TemporaryDirectory(prefix="bench_live_paint_") as tmp:
        tmp = Path(tmp)
        sides = {"base": tree_copy(tmp / "base", args.tree_rev, base_js),
                 "ours": tree_copy(tmp / "ours", args.tree_rev, Path(args.ours_js).read_text(encoding="utf-8"))}
        results, loads = paired_visits(sides, tmp, args.pairs, args.seed,
                                       lambda browser, sampler, url, seed: follow_once(browser, sampler, url,
                                                                                       args.epochs, seed))
    print(f"\nbaseline player.js: {args.base_js or args.base_rev}; {args.pairs} pairs, {args.epochs} epochs; "
          f"1-minute load average {summary(loads)}")
    for key in ("cpu_click_to_done", "cpu_live", "wall_click_to_done", "new_data_per_s", "painted_per_s"):
        base = [r[key] for r in results["base"] if key in r]
        ours = [r[key] for r in results["ours"] if key in r]
        if not base or not ours:
            continue
        line = f"{key:20s} base {summary(base)}   ours {summary(ours)}"
        ratios = [b[key] / o[key] for b, o in zip(results["base"], results["ours"]) if key in b and key in o and o[key]]
        if ratios:
            line += f"   base/ours per pair {summary(ratios)}"
        print(line)
    for name in ("base", "ours"):
        rates = [r["cpu_live"] / r["live_seconds"] for r in results[name] if "cpu_live" in r]
        if rates:
            print(f"{name}: browser CPU-s per second of the live view {summary(rates)}")


if __name__ == "__main__":
    main()
