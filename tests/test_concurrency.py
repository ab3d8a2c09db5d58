"""A classroom: ten browser sessions press Train on the MLP lab of one server at the same time.

Two kinds: ten visitors on one link (the same settings: one run, computed once, followed by all ten)
and ten visitors each with their own seed (ten runs, trained by the worker pool in turns). The test
starts its own server (so the memory it measures is this test's alone), first times a visitor alone
(Train to "Done", twice, with seeds nobody else uses), then opens /MLP_training in ten browser contexts,
clicks Train in all of them within a second or two, and while they train polls /_stcore/health (from a
separate process) and samples the server's memory and the CPU used by the browsers and by the server.
Each session's "Loss history (CSV)" must be, byte for byte, the history of the same run trained alone in
this process; each session must be done within a bound times the solo time, and the health endpoint
must answer every poll within a bound.

The bounds are regression guards, not the targets: timings are benchmarks, not tests (the figures are
printed and kept; `bench/bench_runs.py` reports them). Each bound is one the design before the worker
pool could not meet (each session training its own copy in one process: 24.6× on one link, 18.4× with own
seeds, in issue 10's measurement) with room for a busy machine. Issue 10's figures (2× and 10× with the
default 20-epoch link, health within 250 ms) and how they were measured: see docs/performance.md. The figures
are printed (run with -s), kept as junit properties and written to concurrency_report.txt in the test's
tmp_path.
"""
from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import require_browser

from app.shared_runs import STORE_BYTES
from core.train import TrainConfig, Trainer
from harness.browser import TRAIN_CLOCK, assert_no_exception, done_alert, download_bytes, open_page, wait_for_run
from harness.launcher import CHROMIUM, chromium, free_port, start_app, stop
from harness.procfs import cpu_seconds, process_tree, status_kib
from labs.mlp.downloads import history_csv

SESSIONS = 10
# 80,000 samples: about 0.7 s of training alone. bench/bench_runs.py sets 20 epochs (the default link).
EPOCHS, N_SAMPLES = int(os.environ.get("CONCURRENCY_EPOCHS", 4)), 20_000
KINDS = {  # kind -> (each session's seed, the bound on each session's time over the solo time)
    "one_link": ([7] * SESSIONS, 10.0),   # measured 3.0-3.2x on a quiet machine, up to 8.3x on a busy one
    # measured 9.5x quiet before the streamed live view; with it 11.6-12.4x quiet and once 15.9x in a clean CI run
    # (each browser paints its glide and takes CPU from the workers: docs/performance.md, "Live view"). 17x still
    # fails the design before the worker pool (18.4x), which is what this guards against.
    "own_seeds": ([101 + 17 * i for i in range(SESSIONS)], 17.0),
}
SOLO_SEEDS = (9001, 9002)        # a visitor alone, twice, with runs the server has not computed
DONE_TIMEOUT_S = 180
HEALTH_PERIOD_S = 0.1
HEALTH_MEDIAN_LIMIT_S = 0.25  # typical answer; measured median 2-8 ms. The max is reported, not asserted:
# with ten browsers, two busy workers, the server and the poller itself on two cores, single polls took
# 0.18-1.9 s, which says as much about the poller's own scheduling as about the server.
DONE_SECONDS = re.compile(r"Done: .* in ([\d.]+) s\.")


def solo_csv(seed: int) -> bytes:
    """The loss history of the same run trained alone, in one call, in this process."""
    trainer = Trainer(TrainConfig(epochs=EPOCHS, n_samples=N_SAMPLES, seed=seed))
    trainer.train(10**9)
    assert trainer.done and trainer.failed is None
    return history_csv(trainer.history)


def browser_off_the_servers_cpu(tmp_path: Path) -> tuple[str, str, int]:
    """A Chromium launcher that keeps the browsers off CPU 0, what it does, in words, and how many CPUs the
    browsers get.

    The eight browsers stand for eight visitors' machines; on a 2-core test box their renderers would
    otherwise take the server's CPU and the test would measure the box, not the server (unpinned, a
    separate idle HTTP server on this box also answered in up to 0.5 s). The server is not pinned."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return CHROMIUM, "browsers and server share the only CPU", 1
    launcher = tmp_path / "chromium-off-cpu0"
    launcher.write_text(f"#!{sys.executable}\nimport os, sys\nos.sched_setaffinity(0, {set(cpus[1:])!r})\n"
                        f"os.execv({CHROMIUM!r}, [{CHROMIUM!r}, *sys.argv[1:]])\n")
    launcher.chmod(0o755)
    return str(launcher), f"browsers pinned to CPUs {cpus[1:]}, server free on CPUs {cpus}", len(cpus) - 1


def running(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Poller(threading.Thread):
    """Calls ``sample()`` every ``period`` seconds until stopped; keeps what it returns."""

    def __init__(self, sample, period: float):
        super().__init__(daemon=True)
        self.sample, self.period, self.results = sample, period, []
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            began = time.perf_counter()
            self.results.append(self.sample())
            self.stopped.wait(max(0.0, self.period - (time.perf_counter() - began)))

    def stop(self):
        self.stopped.set()
        if self.ident is not None:  # started (joining one that never started would hide the test's own error)
            self.join(10)


HEALTH_POLLER = """
import sys, time, urllib.request
url, period = sys.argv[1], float(sys.argv[2])
while True:
    began = time.perf_counter()
    try:
        body = urllib.request.urlopen(url, timeout=5).read()
        error = "" if body == b"ok" else "answered " + repr(body[:50])
    except OSError as exc:
        error = repr(exc)
    took = time.perf_counter() - began
    print(took, error, sep="\\t", flush=True)
    time.sleep(max(0.0, period - took))
"""


class HealthPoller:
    """Polls /_stcore/health every ``period`` s from its own process (so that nothing in this busy test
    process, which drives eight pages, delays a poll); ``results`` are (seconds, error or "")."""

    def __init__(self, url: str, period: float):
        self.url, self.period, self.proc, self.results = url, period, None, []

    def start(self):
        self.proc = subprocess.Popen([sys.executable, "-c", HEALTH_POLLER, self.url, str(self.period)],
                                     stdout=subprocess.PIPE, text=True)

    def stop(self):
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.terminate()
        out, _ = self.proc.communicate(timeout=10)
        for line in out.split("\n")[:-1]:  # whole lines only: the last may have been cut by terminate()
            took, _, error = line.partition("\t")
            self.results.append((float(took), error))



def browser_processes() -> list[int]:
    """This test's Chromium processes (browser, renderers, GPU, utilities: all its descendants named so)."""
    def chromium_named(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/comm").read_text().startswith(("chrom", "headless"))
        except OSError:
            return False
    return [p for p in process_tree(os.getpid()) if chromium_named(p)]


def cpu_sample(browsers: list[int], server: list[int]) -> tuple[float, float, float]:
    """(wall clock, the browsers' CPU seconds, the server's and its workers' CPU seconds)."""
    return time.time(), sum(map(cpu_seconds, browsers)), sum(map(cpu_seconds, server))


def at(samples: list[tuple[float, ...]], when: float, column: int) -> float:
    """``column`` of the samples (time first, increasing), interpolated at ``when`` (clamped to the ends)."""
    if when <= samples[0][0]:
        return samples[0][column]
    for (t0, *a), (t1, *b) in zip(samples, samples[1:]):
        if when <= t1:
            v0, v1 = a[column - 1], b[column - 1]
            return v0 + (v1 - v0) * (when - t0) / (t1 - t0) if t1 > t0 else v1
    return samples[-1][column]


def memory_sample(pid: int):
    """(RSS of the server's process tree, the server's VmHWM), both in KiB."""
    return sum(status_kib(p, "VmRSS") for p in process_tree(pid)), status_kib(pid, "VmHWM")


def click_to_done(pages) -> tuple[list[float], dict[int, float], dict[int, float]]:
    """Click Train in every page, in turn, as fast as events go; wait until each says Done and is complete.
    Returns (click times, done times and complete times by page index), in seconds by the pages' clocks."""
    buttons = [p.get_by_role("button", name="Train") for p in pages]
    for b in buttons:
        b.wait_for(timeout=10_000)
        assert b.is_enabled()
    for b in buttons:
        b.dispatch_event("click")
    deadline = time.perf_counter() + DONE_TIMEOUT_S
    marks = [(None, None, None)] * len(pages)
    while time.perf_counter() < deadline:
        marks = [tuple(p.evaluate("[window.__clicked, window.__done, window.__complete]")) for p in pages]
        if all(complete is not None for _, _, complete in marks):
            break
        time.sleep(1.0)  # the times come from the pages' clocks; each look costs all ten browsers CPU
    missing = [i for i, (_, _, complete) in enumerate(marks) if complete is None]
    assert not missing, f"sessions {missing} did not finish in {DONE_TIMEOUT_S} s"
    return ([c / 1000 for c, _, _ in marks], {i: d / 1000 for i, (_, d, _) in enumerate(marks)},
            {i: k / 1000 for i, (_, _, k) in enumerate(marks)})


def live_rates(page) -> tuple[float, float]:
    """What the page's live view drew while its run trained (the player's tally, app/player): frames
    with new data per second, and painted frames per second (the glide between them), from the first frame
    to the last. (0, 0) when it drew none (a run the server had finished: shown at once)."""
    tally = page.evaluate("window.__gpLive || null")
    if not tally or tally["arrived"] < 2:
        return 0.0, 0.0
    return (round((tally["arrived"] - 1) / max((tally["last"] - tally["first"]) / 1000, 1e-3), 1),
            round(tally["painted"] / max((tally["paintedLast"] - tally["first"]) / 1000, 1e-3), 1))


def open_session(browser, url: str):
    context = browser.new_context(viewport={"width": 1100, "height": 800}, accept_downloads=True)
    context.add_init_script(TRAIN_CLOCK)
    page = context.new_page()
    open_page(page, url)
    assert_no_exception(page)
    return page


@dataclass
class Classroom:
    """What one classroom saw: the solo yardsticks (click to Done, click to the complete page), each
    session's click, Done and complete times (the pages' clocks), the Done messages' seconds, the
    sessions' loss histories, the health polls, the memory samples, the
    server's process tree, the wall time, where the browsers ran (and on how many CPUs), and CPU samples
    (wall clock, the browsers' CPU seconds, the server's and workers' CPU seconds) every 0.25 s."""

    solo_seconds: list[float]
    solo_complete_seconds: list[float]
    clicked: list[float]
    finished: dict[int, float]
    complete: dict[int, float]
    server_seconds: list[float]
    csvs: list[bytes]
    health: list[tuple[float, str]]
    memory: list[tuple[int, int]]
    tree: list[int]
    wall: float
    placement: str
    browser_cpus: int
    cpu: list[tuple[float, float, float]]
    solo_live: list[tuple[float, float]]  # live_rates of the solo visitor's pages
    live: list[tuple[float, float]]       # and of each session's


def solo_times(browser, link: str) -> tuple[list[float], list[float], list[tuple[float, float]]]:
    """A visitor alone, twice (seeds nobody else uses): the yardsticks (click to Done, click to the
    complete page), measured the same way, and what its live view drew (``live_rates``)."""
    seconds, complete_seconds, rates = [], [], []
    for seed in SOLO_SEEDS:
        page = open_session(browser, f"{link}{seed}")
        clicked, finished, complete = click_to_done([page])
        seconds.append(finished[0] - clicked[0])
        complete_seconds.append(complete[0] - clicked[0])
        rates.append(live_rates(page))
        page.context.close()
    return seconds, complete_seconds, rates


def done_and_history(page) -> tuple[float, bytes]:
    """A finished session's Done message's seconds and its "Loss history (CSV)" download."""
    wait_for_run(page)
    assert_no_exception(page)
    done_text = done_alert(page).first.inner_text()
    assert f"{EPOCHS * N_SAMPLES:,} samples" in done_text, done_text
    return float(DONE_SECONDS.search(done_text).group(1)), \
        download_bytes(page, page.get_by_role("button", name="Loss history (CSV)"))


def classroom(tmp_path: Path, seeds: list[int]) -> Classroom:
    """Start a server, time a visitor alone, then one session per seed clicking Train at once, polling the
    server's health, memory and CPU meanwhile; stop the server and wait (10 s at most) for its processes to go."""
    executable, placement, browser_cpus = browser_off_the_servers_cpu(tmp_path)
    t0 = time.perf_counter()
    port = free_port()
    server = start_app(port, tmp_path / "streamlit.log")
    base = f"http://127.0.0.1:{port}"
    link = f"{base}/MLP_training?epochs={EPOCHS}&n={N_SAMPLES}&seed="
    health = HealthPoller(base + "/_stcore/health", HEALTH_PERIOD_S)
    memory = Poller(lambda: memory_sample(server.pid), 0.25)
    watched = {"browsers": [], "server": []}  # the processes, once the pages are open (the same ones until the end)
    cpu = Poller(lambda: cpu_sample(watched["browsers"], watched["server"]), 0.25)
    try:
        with chromium(executable) as browser:
            solo_seconds, solo_complete_seconds, solo_live = solo_times(browser, link)
            pages = [open_session(browser, f"{link}{seed}") for seed in seeds]
            watched.update(browsers=browser_processes(), server=process_tree(server.pid))
            health.start()
            memory.start()
            cpu.start()
            clicked, finished, complete = click_to_done(pages)
            health.stop()
            memory.stop()
            cpu.stop()
            rates = [live_rates(page) for page in pages]
            server_seconds, csvs = zip(*[done_and_history(page) for page in pages])
    finally:
        health.stop()
        memory.stop()
        cpu.stop()
        tree = process_tree(server.pid)  # the server, its forkserver and its workers
        stop(server)
    wall = time.perf_counter() - t0
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(running(p) for p in tree):
        time.sleep(0.2)
    return Classroom(solo_seconds, solo_complete_seconds, clicked, finished, complete, list(server_seconds),
                     list(csvs), health.results, memory.results, tree, wall, placement, browser_cpus, cpu.results,
                     solo_live, rates)


def over_solo(seen: Classroom, complete: bool = False) -> list[float]:
    """Each session's click-to-Done time over the solo visitor's (the median of the two); with
    ``complete``, the times to the complete page (the final charts, the downloads, the replay)."""
    if complete:
        solo = statistics.median(seen.solo_complete_seconds)
        return [(seen.complete[i] - seen.clicked[i]) / solo for i in range(SESSIONS)]
    solo = statistics.median(seen.solo_seconds)
    return [(seen.finished[i] - seen.clicked[i]) / solo for i in range(SESSIONS)]


def figures(kind: str, seen: Classroom) -> dict:
    """The figures kept for docs/performance.md and bench/bench_runs.py (printed, junit properties, a report file)."""
    latencies = [s for s, _ in seen.health]
    observed, ratios = [seen.finished[i] - seen.clicked[i] for i in range(SESSIONS)], over_solo(seen)
    complete = over_solo(seen, complete=True)
    first_click, last_done = min(seen.clicked), max(seen.finished.values())
    waited = last_done - first_click
    browser_busy = at(seen.cpu, last_done, 1) - at(seen.cpu, first_click, 1)
    server_busy = at(seen.cpu, last_done, 2) - at(seen.cpu, first_click, 2)
    return {
        "kind": kind,
        "sessions": SESSIONS,
        "cpus": seen.placement,
        "machine_load_1min": os.getloadavg()[0],
        "run": f"epochs={EPOCHS} n={N_SAMPLES} batch=1 hidden=100 ({EPOCHS * N_SAMPLES:,} samples each)",
        "solo_click_to_done_s": [round(s, 2) for s in seen.solo_seconds],
        "per_session_click_to_done_s": [round(s, 2) for s in observed],
        "per_session_over_solo": [round(r, 2) for r in ratios],
        "max_over_solo": round(max(ratios), 2),
        "median_over_solo": round(statistics.median(ratios), 2),
        "solo_click_to_complete_page_s": [round(s, 2) for s in seen.solo_complete_seconds],
        "per_session_complete_page_over_solo": [round(r, 2) for r in complete],
        "max_complete_page_over_solo": round(max(complete), 2),
        "median_complete_page_over_solo": round(statistics.median(complete), 2),
        "per_session_done_message_s": seen.server_seconds,
        "clicks_spread_s": round(max(seen.clicked) - min(seen.clicked), 2),
        "all_done_after_first_click_s": round(max(seen.finished.values()) - min(seen.clicked), 2),
        # What the browsers' CPU did while the visitors waited: 1.0 is saturated (the pages then queue behind
        # one another's rendering, whatever the server does), and the CPU each page and the server used.
        "browsers_cpu_busy_first_click_to_last_done": round(browser_busy / seen.browser_cpus / waited, 2),
        "browsers_cpu_s_per_page_first_click_to_last_done": round(browser_busy / SESSIONS, 2),
        "server_and_workers_cpu_s_first_click_to_last_done": round(server_busy, 2),
        # The live view (the player's live mode): frames with new data per second, and painted frames per
        # second (it glides between them), from its first frame to its last; alone, then each session.
        "solo_live_new_data_per_s": [d for d, _ in seen.solo_live],
        "solo_live_frames_per_s": [f for _, f in seen.solo_live],
        "per_session_live_new_data_per_s": [d for d, _ in seen.live],
        "median_live_new_data_per_s": statistics.median(d for d, _ in seen.live),
        "median_live_frames_per_s": statistics.median(f for _, f in seen.live),
        "health_polls": len(latencies),
        "health_failures": len([e for _, e in seen.health if e]),
        "health_latency_max_ms": round(1000 * max(latencies), 1),
        "health_latency_median_ms": round(1000 * statistics.median(latencies), 1),
        "server_tree_rss_before_mib": round(seen.memory[0][0] / 1024, 1),
        "server_tree_rss_peak_mib": round(max(r for r, _ in seen.memory) / 1024, 1),
        "server_process_vmhwm_mib": round(max(h for _, h in seen.memory) / 1024, 1),
        "total_wall_s": round(seen.wall, 1),
    }


def keep(kind: str, report: dict, tmp_path: Path, record_property) -> None:
    text = "\n".join(f"{k}: {v}" for k, v in report.items())
    print(f"\n-- ten visitors at once ({kind}) --\n" + text)
    (tmp_path / "concurrency_report.txt").write_text(text + "\n")
    for key, value in report.items():
        record_property(key, value)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("kind", list(KINDS))
def test_ten_visitors_train_at_once_without_cross_talk(tmp_path, record_property, kind):
    require_browser()
    seeds, bound = KINDS[kind]
    expected = {seed: solo_csv(seed) for seed in set(seeds)}
    assert len(set(expected.values())) == len(set(seeds))  # distinct seeds, distinct histories: it can fail

    seen = classroom(tmp_path, seeds)
    assert len(seen.tree) >= 3 and not [p for p in seen.tree if running(p)], "processes outlived the server"
    report = figures(kind, seen)
    keep(kind, report, tmp_path, record_property)

    # No cross-talk: each session's history is exactly its own seed's run, trained alone.
    for seed, csv in zip(seeds, seen.csvs):
        assert csv == expected[seed], f"session with seed {seed}: its loss history differs from the solo run"
    ratios = over_solo(seen)
    assert max(ratios) <= bound, f"a session took {max(ratios):.1f}× the solo time (bound {bound}×)"
    latencies, failures = [s for s, _ in seen.health], [e for _, e in seen.health if e]
    assert latencies and not failures, f"the health endpoint failed {len(failures)} polls: {failures[:3]}"
    assert statistics.median(latencies) < HEALTH_MEDIAN_LIMIT_S, \
        f"the health endpoint's median answer took {statistics.median(latencies):.3f} s"
    # The polls covered the training: at least one every ~0.1 s (with slack for slow answers).
    assert len(latencies) >= 0.5 * (max(seen.finished.values()) - min(seen.clicked)) / HEALTH_PERIOD_S
    # Memory: the store's cap bounds what runs can add (here far less: ten runs of 301 parameters).
    grew_mib = (max(r for r, _ in seen.memory) - seen.memory[0][0]) / 1024
    assert grew_mib < STORE_BYTES / 2**20, f"the server grew by {grew_mib:.0f} MiB"
