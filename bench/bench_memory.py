"""Memory after visitors leave: open and close N training sessions, then let them expire.

    python bench/bench_memory.py --sessions 10 --one-link     # issue 27's figure: ten visitors on one link
    python bench/bench_memory.py [--sessions 40] [--ttl 5] [--n 200000] [--epochs 1]

Starts the plain `streamlit run playground.py` (the app caps its malloc arenas itself; the line says whether
MALLOC_ARENA_MAX is in the environment as well) with ``--server.disconnectedSessionTTL`` = --ttl and the memory
probe on (``GP_MEMORY_PROBE``: the server writes, every second, how many of the sessions it has seen are
still reachable after ``gc.collect()``, its media files and the run store's size). Each session is a fresh
browser context that opens /MLP_training?n=…&epochs=…&seed=… (a distinct seed each time: a new run; with
--one-link the same seed: every visitor follows or replays one run), clicks Train, waits for "Done:" and closes.
After each session it prints the RSS of the server and of its workers (the forkserver and its children); after
the last, it waits past the TTL, opens one more session (as a later visitor would), waits again, then opens the
home page in a tab that stays (Streamlit 1.67's runtime loop holds the last session it sent messages to until
another session gets a message) and prints them again. Last, the figure: how far the server's RSS is, once every
session has expired, from where the first visitor left it.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import common  # noqa: F401  (the project on the path: first)

from harness.browser import train_and_leave, wait_for_run
from harness.launcher import chromium, free_port, start_app, stop
from harness.procfs import memory_report, process_tree, rss, sessions_forgotten

MIB = 2**20
GOAL_MIB = 6  # issue 27: ten visitors on one link who leave and expire, against one visitor


def memory(pid: int) -> tuple[int, int]:
    """(server RSS, the workers' RSS summed: forkserver and pool processes)."""
    return rss(pid), sum(rss(child) for child in process_tree(pid)[1:])


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=40)
    parser.add_argument("--ttl", type=int, default=5)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--one-link", action="store_true", help="every visitor opens the same link (one seed)")
    parser.add_argument("--store-runs", type=int, default=None, help="GP_STORE_RUNS for the server (default 64)")
    parser.add_argument("--per-run", type=int, default=None, help="GP_PER_RUN for the server (default 64)")
    return parser.parse_args()


def line(server_pid: int, label: str, report: dict) -> int:
    """One line of the table: the processes' memory now and what the server's report says; the server's RSS."""
    server_rss, workers_rss = memory(server_pid)
    print(f"{label:>22}  server {server_rss / MIB:7.1f} MiB  workers {workers_rss / MIB:7.1f} MiB  "
          f"alive {report['sessions_alive']:>3}/{report['sessions_seen']:<3} media {report['media_files']:>3} "
          f"({report['media_bytes'] / 1024:.0f} KiB)  store {report['store_runs']} runs "
          f"{report['store_bytes'] / MIB:.1f} MiB  per_run {report['per_run']} "
          f"{report.get('per_run_bytes', 0) / MIB:.1f} MiB  python objects {report.get('objects', 0):,} "
          f"blocks {report.get('blocks', 0):,}", flush=True)
    return server_rss


def visitors(browser, args, base: str, show) -> tuple[int, int]:
    """The sessions one after another, a later one after the TTL, then a tab that stays on the home page.
    Returns the server's RSS after the first visitor left and once every visitor has expired."""
    def link(i: int) -> str:
        return f"{base}/MLP_training?n={args.n}&epochs={args.epochs}&seed={1000 + (0 if args.one_link else i)}"

    seconds, first = [], 0
    for i in range(args.sessions):
        began = time.perf_counter()
        train_and_leave(browser, link(i), timeout_ms=120_000)
        seconds.append(time.perf_counter() - began)
        rss_now = show(f"after session {i + 1}")
        first = first or rss_now
    time.sleep(args.ttl + 2)
    show(f"{args.ttl + 2} s later")
    train_and_leave(browser, link(args.sessions), timeout_ms=120_000)  # a later visitor
    show("one more session")
    time.sleep(args.ttl + 2)
    show(f"{args.ttl + 2} s later")
    observer = browser.new_context()
    observer_page = observer.new_page()
    observer_page.goto(f"{base}/")
    wait_for_run(observer_page)
    last = show("home page open", quiet=args.sessions + 1)
    observer.close()
    print(f"seconds per session: median {statistics.median(seconds):.1f}, max {max(seconds):.1f}")
    return first, last


def main() -> None:
    args = arguments()
    tmp = Path(tempfile.mkdtemp(prefix="bench_memory_"))
    report_path = tmp / "memory.json"
    env = {"GP_MEMORY_PROBE": str(report_path)}
    if args.store_runs is not None:
        env["GP_STORE_RUNS"] = str(args.store_runs)
    if args.per_run is not None:
        env["GP_PER_RUN"] = str(args.per_run)
    port = free_port()
    server = start_app(port, tmp / "streamlit.log", ("--server.disconnectedSessionTTL", str(args.ttl)), env)

    def show(label: str, quiet: int | None = None) -> int:
        """A line now, or (``quiet``) once that many sessions have been seen and all are forgotten."""
        report = (memory_report(report_path, time.time()) if quiet is None
                  else sessions_forgotten(report_path, quiet, 3 * args.ttl + 10))
        return line(server.pid, label, report)

    try:
        with chromium() as browser:
            print(f"{args.sessions} sessions{' on one link' if args.one_link else ''}, n={args.n:,}, "
                  f"epochs={args.epochs}, disconnectedSessionTTL={args.ttl} s, env {env}, "
                  f"MALLOC_ARENA_MAX={os.environ.get('MALLOC_ARENA_MAX', 'unset')}; "
                  f"load average {open('/proc/loadavg').read().split()[:3]}")
            first, last = visitors(browser, args, f"http://127.0.0.1:{port}", show)
        print(f"server RSS once all {args.sessions + 1} visitors expired: {(last - first) / MIB:+.1f} MiB from where "
              f"the first visitor left it ({first / MIB:.1f} -> {last / MIB:.1f} MiB; issue 27's bound for ten "
              f"visitors on one link: +{GOAL_MIB} MiB)")
    finally:
        stop(server)


if __name__ == "__main__":
    main()
