"""The classroom figures, in one command: the worker pool against one process, then ten browser visitors.

1. Eight distinct runs at once, no browser: aggregate samples/s of a ``runs.pool.RunPool`` (one worker
   per core, chunks of 0.1 s, round-robin) against the same eight runs trained one after another in
   this process (what one Streamlit process could do at best: its threads share one GIL). Alternated
   ``--repeats`` times; the median of the per-pair ratios is printed. Target on 2 cores: >= 1.7x.
   With W cores and R >= W runs the ratio is about W x e, where e (printed) is the pool's efficiency
   per worker: solo speed in a worker over the chunk, pickling and scheduling overhead, and what the
   rest of the machine leaves the workers. With R < W runs it is about R x e (one run cannot use two
   workers: its chunks follow one another).
2. The browser figures (unless ``--no-browser``): runs ``tests/test_concurrency.py`` (ten visitors on
   one link; ten with their own seeds; browsers pinned off CPU 0, each visitor timed against a solo
   visitor on the same server) with ``--browser-epochs`` epochs of 20,000 samples (default 20: the
   default link, issue 10's case; CI runs the test with 4) and prints its reports: time over solo per
   visitor, health latency, server memory.

    python bench/bench_runs.py [--repeats 5] [--runs 8] [--epochs 2] [--browser-epochs 20] [--no-browser]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

from common import ROOT  # the project on the path: first

from core.train import TrainConfig, Trainer
from runs.pool import RunPool, default_workers


def one_process(configs) -> float:
    t0 = time.perf_counter()
    for c in configs:
        Trainer(c).train(10**12)
    return time.perf_counter() - t0


def with_pool(pool: RunPool, configs) -> float:
    t0 = time.perf_counter()
    pending = {c: f"bench-{i}" for i, c in enumerate(configs)}
    while pending:
        for c, name in list(pending.items()):
            if pool.follow(c, name).view.done:
                del pending[c]
        if pending:
            c = next(iter(pending))
            pool.wait(c, pool.view(c).samples_seen, 0.1)
    return time.perf_counter() - t0


def pool_figures(repeats: int, n_runs: int, epochs: int) -> None:
    workers = default_workers()
    print(f"-- {n_runs} distinct runs at once, no browser (default net, batch 1, {epochs} epochs x 20,000) --")
    print(f"cores for this process: {workers}; load average before: {os.getloadavg()[0]:.1f}")
    pool = RunPool(workers=workers)
    try:
        warm = TrainConfig(epochs=1, n_samples=1000, seed=10**6)
        with_pool(pool, [warm])  # the workers are up and have imported everything
        samples = n_runs * epochs * 20_000
        base, ours = [], []
        for r in range(repeats):
            configs = [TrainConfig(epochs=epochs, seed=1000 * r + i) for i in range(n_runs)]  # new each time
            base.append(one_process(configs))
            configs = [TrainConfig(epochs=epochs, seed=1000 * r + 500 + i) for i in range(n_runs)]
            ours.append(with_pool(pool, configs))
        ratios = [b / o for b, o in zip(base, ours)]
        ratio = statistics.median(ratios)
        print(f"one process: {samples / statistics.median(base):,.0f} samples/s (median of {repeats})")
        print(f"worker pool: {samples / statistics.median(ours):,.0f} samples/s with {workers} workers")
        print(f"ratio (median of per-pair ratios): {ratio:.2f}x  [pairs: {', '.join(f'{x:.2f}' for x in ratios)}]"
              f"  target >= 1.7x on 2 cores")
        e = ratio / min(workers, n_runs)
        print(f"efficiency per worker e = ratio / min(W, R) = {e:.2f}; expected on W cores: "
              f"about min(W, R) x {e:.2f} (e.g. W=4: {min(4, n_runs) * e:.1f}x, W=8: {min(8, n_runs) * e:.1f}x)")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        pool.shutdown()


def browser_figures(epochs: int) -> None:
    print(f"\n-- ten browser visitors (tests/test_concurrency.py, {epochs} epochs) --", flush=True)
    proc = subprocess.run([sys.executable, "-m", "pytest", "tests/test_concurrency.py", "-q", "-s", "-p",
                           "no:cacheprovider", "--basetemp", str(ROOT / ".bench_tmp")],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "REQUIRE_BROWSER": "1",
                                                                      "CONCURRENCY_EPOCHS": str(epochs)})
    out, keep = [], False
    for line in proc.stdout.splitlines():
        if line.startswith("-- ten visitors"):
            keep = True
        if keep and (not line.strip() or line.startswith(("F", ".", "=", "_"))) and not line.startswith("--"):
            keep = False
        if keep:
            out.append(line)
    print("\n".join(out))
    print(proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-2000:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--runs", type=int, default=8)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--browser-epochs", type=int, default=20)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    pool_figures(args.repeats, args.runs, args.epochs)
    if not args.no_browser:
        browser_figures(args.browser_epochs)


if __name__ == "__main__":
    main()
