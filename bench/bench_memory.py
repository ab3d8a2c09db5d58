"""Memory after visitors leave: open and close N training sessions, then let them expire.

    python bench/bench_memory.py [--sessions 40] [--ttl 5] [--n 200000] [--epochs 1]

Starts `streamlit run playground.py` with ``--server.disconnectedSessionTTL`` = --ttl and the memory
probe on (``GP_MEMORY_PROBE``: the server writes, every second, how many of the sessions it has seen are
still reachable after ``gc.collect()``, its media files and the run store's size). Each session is a fresh
browser context that opens /MLP_training?n=…&epochs=…&seed=i (a distinct seed: a new run each time),
clicks Train, waits for "Done:" and closes. After each session it prints the RSS of the server and of
its workers (the forkserver and its children); after the last, it waits past the TTL, opens one more
session (as a later visitor would), waits again, then opens the home page in a tab that stays
(Streamlit 1.67's runtime loop holds the last session it sent messages to until another session gets
a message) and prints them again.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import common  # noqa: F401  (the project on the path: first)

from harness.browser import train_and_leave, wait_for_run
from harness.launcher import chromium, free_port, start_app, stop
from harness.procfs import memory_report, process_tree, rss, sessions_forgotten

MIB = 2**20


def memory(pid: int) -> tuple[int, int]:
    """(server RSS, the workers' RSS summed: forkserver and pool processes)."""
    return rss(pid), sum(rss(child) for child in process_tree(pid)[1:])


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=40)
    parser.add_argument("--ttl", type=int, default=5)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--store-runs", type=int, default=None, help="GP_STORE_RUNS for the server (default 64)")
    parser.add_argument("--per-run", type=int, default=None, help="GP_PER_RUN for the server (default 64)")
    return parser.parse_args()


def line(server_pid: int, label: str, report: dict) -> None:
    """One line of the table: the processes' memory now and what the server's report says."""
    server_rss, workers_rss = memory(server_pid)
    print(f"{label:>22}  server {server_rss / MIB:7.1f} MiB  workers {workers_rss / MIB:7.1f} MiB  "
          f"alive {report['sessions_alive']:>3}/{report['sessions_seen']:<3} media {report['media_files']:>3} "
          f"({report['media_bytes'] / 1024:.0f} KiB)  store {report['store_runs']} runs "
          f"{report['store_bytes'] / MIB:.1f} MiB  per_run {report['per_run']} "
          f"{report.get('per_run_bytes', 0) / MIB:.1f} MiB  python objects {report.get('objects', 0):,} "
          f"blocks {report.get('blocks', 0):,}", flush=True)


def visitors(browser, args, base: str, show) -> None:
    """The sessions one after another, a later one after the TTL, then a tab that stays on the home page."""
    seconds = []
    for i in range(args.sessions):
        began = time.perf_counter()
        train_and_leave(browser, f"{base}/MLP_training?n={args.n}&epochs={args.epochs}&seed={1000 + i}",
                        timeout_ms=120_000)
        seconds.append(time.perf_counter() - began)
        show(f"after session {i + 1}")
    time.sleep(args.ttl + 2)
    show(f"{args.ttl + 2} s later")
    train_and_leave(browser, f"{base}/MLP_training?n={args.n}&epochs={args.epochs}&seed={1000 + args.sessions}",
                    timeout_ms=120_000)  # a later visitor
    show("one more session")
    time.sleep(args.ttl + 2)
    show(f"{args.ttl + 2} s later")
    observer = browser.new_context()
    observer_page = observer.new_page()
    observer_page.goto(f"{base}/")
    wait_for_run(observer_page)
    show("home page open", quiet=args.sessions + 1)
    observer.close()
    print(f"seconds per session: median {statistics.median(seconds):.1f}, max {max(seconds):.1f}")


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

    def show(label: str, quiet: int | None = None) -> None:
        """A line now, or (``quiet``) once that many sessions have been seen and all are forgotten."""
        report = (memory_report(report_path, time.time()) if quiet is None
                  else sessions_forgotten(report_path, quiet, 3 * args.ttl + 10))
        line(server.pid, label, report)

    try:
        with chromium() as browser:
            print(f"{args.sessions} sessions, n={args.n:,}, epochs={args.epochs}, "
                  f"disconnectedSessionTTL={args.ttl} s, env {env}; "
                  f"load average {open('/proc/loadavg').read().split()[:3]}")
            visitors(browser, args, f"http://127.0.0.1:{port}", show)
    finally:
        stop(server)


if __name__ == "__main__":
    main()
