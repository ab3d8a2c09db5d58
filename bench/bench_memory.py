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
import json
import statistics
import tempfile
import time
from pathlib import Path

import common  # noqa: F401  (the project on the path: first)

from tests.helpers import CHROMIUM, CHROMIUM_ARGS, free_port, start_app, wait_for_run

MIB = 2**20


def rss(pid: int) -> int:
    """Resident set size of ``pid`` in bytes (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                found += [int(child), *descendants(int(child))]
    except OSError:
        pass
    return found


def memory(pid: int) -> tuple[int, int]:
    """(server RSS, the workers' RSS summed: forkserver and pool processes)."""
    return rss(pid), sum(rss(child) for child in descendants(pid))


def probe(path: Path, after: float, timeout: float = 30) -> dict:
    """The server's memory report, the first written after ``after`` (time.time())."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            report = json.loads(path.read_text())
            if report["time"] > after:
                return report
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"no memory report in {path} after {timeout} s")


def train_session(browser, url: str, timeout_ms: int = 120_000) -> None:
    """One visitor: open the page, Train, wait for Done, leave (closing the context closes the WebSocket)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        wait_for_run(page, timeout_ms)
        page.get_by_role("button", name="Train").click()
        page.locator("[data-testid='stAlertContentSuccess']", has_text="Done:").wait_for(timeout=timeout_ms)
        page.get_by_role("button", name="Loss history (CSV)").wait_for(timeout=timeout_ms)
    finally:
        context.close()


def wait_quiet(path: Path, seen: int, timeout: float) -> dict:
    """Wait until no session of the ``seen`` ones is reachable (or ``timeout``); the last report."""
    deadline = time.time() + timeout
    report = probe(path, time.time())
    while time.time() < deadline and not (report["sessions_seen"] >= seen and report["sessions_alive"] == 0):
        report = probe(path, time.time())
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=40)
    parser.add_argument("--ttl", type=int, default=5)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--store-runs", type=int, default=None, help="GP_STORE_RUNS for the server (default 64)")
    parser.add_argument("--per-run", type=int, default=None, help="GP_PER_RUN for the server (default 64)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench_memory_"))
    report_path = tmp / "memory.json"
    env = {"GP_MEMORY_PROBE": str(report_path)}
    if args.store_runs is not None:
        env["GP_STORE_RUNS"] = str(args.store_runs)
    if args.per_run is not None:
        env["GP_PER_RUN"] = str(args.per_run)
    port = free_port()
    server = start_app(port, tmp / "streamlit.log", ("--server.disconnectedSessionTTL", str(args.ttl)), env)
    base = f"http://127.0.0.1:{port}/MLP_training?n={args.n}&epochs={args.epochs}"

    def line(label: str, report: dict) -> None:
        server_rss, workers_rss = memory(server.pid)
        print(f"{label:>22}  server {server_rss / MIB:7.1f} MiB  workers {workers_rss / MIB:7.1f} MiB  "
              f"alive {report['sessions_alive']:>3}/{report['sessions_seen']:<3} media {report['media_files']:>3} "
              f"({report['media_bytes'] / 1024:.0f} KiB)  store {report['store_runs']} runs "
              f"{report['store_bytes'] / MIB:.1f} MiB  per_run {report['per_run']} "
              f"{report.get('per_run_bytes', 0) / MIB:.1f} MiB  python objects {report.get('objects', 0):,} "
              f"blocks {report.get('blocks', 0):,}", flush=True)

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            print(f"{args.sessions} sessions, n={args.n:,}, epochs={args.epochs}, "
                  f"disconnectedSessionTTL={args.ttl} s, env {env}; "
                  f"load average {open('/proc/loadavg').read().split()[:3]}")
            seconds = []
            for i in range(args.sessions):
                began = time.perf_counter()
                train_session(browser, f"{base}&seed={1000 + i}")
                seconds.append(time.perf_counter() - began)
                line(f"after session {i + 1}", probe(report_path, time.time()))
            time.sleep(args.ttl + 2)
            line(f"{args.ttl + 2} s later", probe(report_path, time.time()))
            train_session(browser, f"{base}&seed={1000 + args.sessions}")  # a later visitor
            line("one more session", probe(report_path, time.time()))
            time.sleep(args.ttl + 2)
            line(f"{args.ttl + 2} s later", probe(report_path, time.time()))
            observer = browser.new_context()
            observer_page = observer.new_page()
            observer_page.goto(f"http://127.0.0.1:{port}/")
            wait_for_run(observer_page)
            line("home page open", wait_quiet(report_path, args.sessions + 1, 3 * args.ttl + 10))
            observer.close()
            browser.close()
            print(f"seconds per session: median {statistics.median(seconds):.1f}, max {max(seconds):.1f}")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
