"""The run store and the worker pool, without a browser: runs equal their solo in-process twins bit for
bit, identical configs are computed once, distinct runs take turns, a run nobody follows stops, the
store keeps to its bounds, and no worker outlives its server process."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from core.train import TrainConfig, Trainer, snapshot_batches
from harness import ROOT
from labs.mlp.downloads import history_csv
from runs.pool import WORKER_FAILED, RunPool
from runs.store import RunStore, RunView


def solo(config: TrainConfig) -> Trainer:
    t = Trainer(config)
    t.train(10**9)
    return t


def follow_to_end(pool: RunPool, config: TrainConfig, follower: str, timeout: float = 60) -> RunView:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        f = pool.follow(config, follower)
        assert f.refused is None
        if f.view.done:
            return f.view
        pool.wait(config, f.view.samples_seen, 0.5)
    raise AssertionError(f"{config} did not finish in {timeout} s")


@pytest.fixture(scope="module")
def pool():
    p = RunPool(workers=2)
    yield p
    p.shutdown()


# -- the store ---------------------------------------------------------------------------------------------
def test_store_keeps_to_its_entry_bound_least_recently_used_first():
    store = RunStore(max_runs=3)
    configs = [TrainConfig(seed=s, n_samples=10, hidden=(4,)) for s in range(5)]
    for c in configs[:3]:
        store.create(c)
    store.get(configs[0])          # now the most recently used
    store.create(configs[3])       # evicts configs[1], the least recently used
    assert configs[1] not in store and configs[0] in store and len(store) == 3
    store.keep = lambda c: c in (configs[2], configs[0], configs[3])  # all followed: nothing can go
    assert store.create(configs[4]) is None and len(store) == 3


def test_store_keeps_to_its_byte_bound_and_counts_updates():
    one = RunView.start(TrainConfig(hidden=(100,))).nbytes
    store = RunStore(max_runs=100, max_bytes=int(2.5 * one))
    a, b, c = (TrainConfig(seed=s) for s in range(3))
    store.create(a)
    store.create(b)
    assert store.nbytes == 2 * one
    store.create(c)  # a third would pass the bound: the oldest goes
    assert a not in store and len(store) == 2 and store.nbytes == 2 * one
    view = store.get(b).view
    bigger = RunView(b, flat=view.flat, snapshots=view.snapshots * 3)
    store.update(b, bigger, b"x" * 100)
    assert b in store and c not in store  # b grew past the bound; c, used less recently, made room
    assert store.nbytes == bigger.nbytes + 100


def test_the_pool_keeps_runs_in_the_store_it_is_given_and_to_its_bound():
    # An empty RunStore is falsy (len 0): ``store or RunStore()`` once replaced the server's configured
    # store with a default one, so its bounds were never the ones set.
    store = RunStore(max_runs=1)
    pool = RunPool(store, workers=1, done_grace_seconds=0.0)  # the bound alone (the grace: the next test)
    try:
        assert pool.store is store
        configs = [TrainConfig(seed=s, n_samples=200, epochs=1, hidden=(4,)) for s in range(3)]
        for i, c in enumerate(configs):
            follow_to_end(pool, c, f"visitor {i}")
            pool.leave(f"visitor {i}")
        assert len(store) == 1 and configs[-1] in store
    finally:
        pool.shutdown()


def test_a_run_just_finished_stays_for_its_followers_pages_then_makes_room():
    """A stream ends with its run's last frame and leaves; the page then reads the finished run from the store.
    A full store keeps that run for the grace, refusing a newcomer meanwhile, then lets it go for the next run
    (two visitors on a one-run store once took turns evicting each other's finished run, each training again)."""
    pool = RunPool(RunStore(max_runs=1), workers=1, done_grace_seconds=1.0)
    try:
        first, second = (TrainConfig(seed=s, n_samples=200, epochs=1, hidden=(4,)) for s in (80, 81))
        done = follow_to_end(pool, first, "a")
        pool.leave("a")  # the stream's lease ends with the last frame
        refused = pool.follow(second, "b")
        assert refused.refused and "full" in refused.refused
        assert pool.view(first) == done  # the page still finds the finished run
        time.sleep(1.1)
        assert follow_to_end(pool, second, "b").done  # the grace is over: room for the next run
        assert pool.view(first) is None and len(pool.store) == 1
    finally:
        pool.shutdown()


def test_a_view_reads_like_the_trainer_it_came_from(pool):
    config = TrainConfig(epochs=2, n_samples=3000, seed=4)
    view = follow_to_end(pool, config, "reader")
    t = solo(config)
    assert history_csv(view.history) == history_csv(t.history)  # byte for byte
    assert view.probes.equals(t.probes) and view.samples_seen == t.samples_seen and view.epoch == t.epoch
    assert all(np.array_equal(p, q) for p, q in zip(view.params, t.params))
    np.testing.assert_array_equal(view.predict(np.array([103.0])), t.predict(np.array([103.0])))
    assert view.done and view.failed is None and view.total_samples == 6000


# -- the pool ----------------------------------------------------------------------------------------------
CONFIGS = [
    TrainConfig(epochs=3, n_samples=4000, seed=11),
    TrainConfig(epochs=2, n_samples=1000, batch_size=7, shuffle=True, hidden=(16, 8), activation="sigmoid",
                optimizer="adagrad", lr=1e-2, seed=12),
    TrainConfig(epochs=1, n_samples=2000, lr=1.0, optimizer="sgd", seed=13),   # blows up
]


@pytest.mark.parametrize("config", CONFIGS, ids=["default-net", "adagrad-b7-shuffle", "blow-up"])
def test_a_pool_run_equals_the_solo_run_bit_for_bit_with_its_snapshots(pool, config):
    view = follow_to_end(pool, config, f"solo-{config.seed}")
    t = solo(config)
    assert history_csv(view.history) == history_csv(t.history)
    assert list(view.probes.columns) == list(t.probes.columns) and view.failed == t.failed
    assert np.array_equal(view.probes.to_numpy(dtype=float), t.probes.to_numpy(dtype=float))
    assert np.array_equal(view.flat, t.net.flatten(t.params))
    assert [s.samples_seen for s in view.snapshots] == [s.samples_seen for s in t.snapshots]
    assert all(np.array_equal(s.flat, u.flat) for s, u in zip(view.snapshots, t.snapshots))
    if config.lr < 1:
        assert len(view.snapshots) == len(snapshot_batches(config)) + 1 >= 51
        ends = {e * config.n_samples for e in range(1, config.epochs + 1)}
        assert ends <= {s.samples_seen for s in view.snapshots}


def test_a_worker_failure_is_the_servers_error_not_the_runs_and_train_tries_again(pool):
    config = TrainConfig(epochs=1, n_samples=2000, seed=21)
    follow_to_end(pool, config, "broken")  # nothing in flight: the failure below is the last word
    pool._fail(config, RuntimeError("boom"))
    view = pool.view(config)
    assert view.done and view.failed is None and view.error.startswith(WORKER_FAILED) and "RuntimeError" in view.error
    again = follow_to_end(pool, config, "broken")
    assert again.error is None and history_csv(again.history) == history_csv(solo(config).history)


def test_followers_of_one_config_share_one_run(pool):
    config = TrainConfig(epochs=4, n_samples=20_000, seed=21)
    chunks_before = pool.chunks
    first = pool.follow(config, "s1")
    second = pool.follow(config, "s2")
    assert second.followers == 2 and pool.watching() >= 2
    views = {}
    while len(views) < 2:
        for name in ("s1", "s2"):
            f = pool.follow(config, name)
            if f.view.done:
                views[name] = f.view
        time.sleep(0.05)
    assert views["s1"] is views["s2"]  # one record, not two runs
    assert first.view.samples_seen == 0
    # One run's worth of chunks: two copies would take about twice as many.
    solo_chunks = pool.chunks - chunks_before
    again = TrainConfig(epochs=4, n_samples=20_000, seed=22)
    before = pool.chunks
    follow_to_end(pool, again, "s3")
    assert solo_chunks <= 2 * (pool.chunks - before)
    # A finished config is replayed at once, without training.
    before = pool.chunks
    assert pool.follow(config, "late").view is views["s1"] and pool.chunks == before


def test_distinct_runs_take_turns_and_report_their_place():
    pool = RunPool(workers=1, chunk_seconds=0.05)
    try:
        configs = [TrainConfig(epochs=20, n_samples=20_000, seed=30 + i) for i in range(3)]
        places, turns = {i: set() for i in range(3)}, set()
        t_end = time.monotonic() + 3.0
        while time.monotonic() < t_end:
            for i, c in enumerate(configs):
                follow = pool.follow(c, f"v{i}")
                places[i].add(follow.place)
                turns.add(follow.turns)
            time.sleep(0.02)
        seen = [pool.view(c).samples_seen for c in configs]
        assert all(s > 0 for s in seen)                 # all three advanced on one worker
        assert max(seen) < 3 * min(seen)                # about evenly (round-robin)
        assert all({0, 1} <= p or {0, 2} <= p for p in places.values())  # each waited its turn, and said so
        assert max(max(p) for p in places.values()) <= 2
        assert turns == {1, 2, 3}  # the first follow finds its run alone, then two, then all three take turns
    finally:
        pool.shutdown()


def test_a_run_nobody_follows_stops_within_a_few_seconds():
    pool = RunPool(workers=1, lease_seconds=0.5)
    try:
        left, lapsed = TrainConfig(epochs=50, seed=41), TrainConfig(epochs=50, seed=42)
        for c, name in ((left, "a"), (lapsed, "b")):
            pool.follow(c, name)
        time.sleep(1.0)
        pool.follow(left, "a")
        pool.follow(lapsed, "b")
        time.sleep(0.5)
        pool.leave("a")      # Pause / Reset / new settings
        # "b" stops renewing: its tab was closed. Within the lease and a chunk, nothing trains.
        time.sleep(0.5 + 0.5)
        frozen = [pool.view(c).samples_seen for c in (left, lapsed)]
        assert all(s > 0 for s in frozen)
        time.sleep(1.5)
        assert [pool.view(c).samples_seen for c in (left, lapsed)] == frozen and not pool.busy()
        # A follower who comes back resumes it from where it stopped.
        pool.follow(left, "a")
        pool.wait(left, frozen[0], 5)
        assert pool.view(left).samples_seen > frozen[0]
        # A follower follows one run at a time: following another leaves the first.
        pool.follow(lapsed, "a")
        assert pool.followers(left) == 0 and pool.followers(lapsed) == 1
    finally:
        pool.shutdown()


def test_the_pool_refuses_runs_beyond_its_bound():
    pool = RunPool(workers=1, max_active=2, chunk_seconds=0.05)
    try:
        configs = [TrainConfig(epochs=50, seed=50 + i) for i in range(3)]
        assert pool.follow(configs[0], "a").refused is None
        assert pool.follow(configs[1], "b").refused is None
        refused = pool.follow(configs[2], "c")
        assert refused.view is None and "try again" in refused.refused
        pool.leave("a")
        assert pool.follow(configs[2], "c").refused is None
    finally:
        pool.shutdown()


# -- processes ---------------------------------------------------------------------------------------------
SERVER = """
import sys, time
from core.train import TrainConfig
from runs.pool import WORKER_FAILED, RunPool
if __name__ == "__main__":
    pool = RunPool(workers=2)
    for i in range(2):
        pool.follow(TrainConfig(epochs=50, seed=60 + i), f"v{i}")
    while not pool.busy():
        time.sleep(0.05)
    print("busy", flush=True)
    if sys.argv[1] == "exit":
        import atexit
        atexit.register(pool.shutdown)
        sys.exit(0)
    time.sleep(60)
"""


def descendants(pid: int) -> list[int]:
    out = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(proc.name))
                out.extend(descendants(int(proc.name)))
    return out


@pytest.mark.parametrize("how", ["exit", "kill"])
def test_no_worker_outlives_its_server(tmp_path, how):
    script = tmp_path / "server.py"
    script.write_text(SERVER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(script), how], stdout=subprocess.PIPE, text=True, env=env,
                            cwd=ROOT, start_new_session=True)
    try:
        assert proc.stdout.readline().strip() == "busy"
        children = descendants(proc.pid)
        assert len(children) >= 3  # the forkserver and two workers
        if how == "kill":
            proc.send_signal(signal.SIGKILL)
        proc.wait(20)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in children):
            time.sleep(0.2)
        alive = [p for p in children if Path(f"/proc/{p}").exists()
                 and "Z" not in Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0]]
        assert not alive, f"worker processes left behind: {alive}"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever this test started and is still there
        except ProcessLookupError:
            pass
        proc.wait(10)


def test_the_pool_keeps_nothing_per_follower_once_they_leave():
    """Weeks of visitors must not grow the pool: its bookkeeping empties as followers go."""
    pool = RunPool(workers=1, lease_seconds=0.5)
    try:
        finished, abandoned = TrainConfig(epochs=1, n_samples=500, seed=70), TrainConfig(epochs=50, seed=71)
        follow_to_end(pool, finished, "f")
        pool.leave("f")
        pool.follow(abandoned, "gone")  # then the tab closes: the lease lapses
        time.sleep(1.5)
        pool.follow(finished, "late")   # a replay takes no lease
        deadline = time.monotonic() + 5
        while pool.busy() and time.monotonic() < deadline:
            time.sleep(0.1)
        pool.follow(finished, "late")   # expires lapsed leases
        assert (pool._leases, pool._following, pool._pace, pool._in_flight) == ({}, {}, {}, set())
        assert len(pool.store) == 2     # the runs stay, as values, within the store's bounds
    finally:
        pool.shutdown()


def test_cadence_redraws_what_changed_at_most_as_often_as_its_spacing():
    from runs.cadence import Cadence
    c = Cadence(progress_seconds=0.2, picture_seconds=0.4, crowd=2.5, max_seconds=2.0)
    assert c.progress_due(0.0, 100, watching=1)          # the first chunk: drawn
    assert not c.progress_due(0.1, 200, watching=1)      # too soon
    assert c.progress_due(0.2, 200, watching=1)          # a new chunk, 0.2 s later
    assert not c.progress_due(5.0, 200, watching=1)      # nothing changed: nothing to send
    assert c.picture_due(0.0, 100, watching=1)
    assert not c.picture_due(0.3, 200, watching=1) and c.picture_due(0.4, 200, watching=1)
    assert c.picture_due(0.5, 200, watching=1, force=True)   # a new script run draws it again
    assert not c.picture_due(9.0, 200, watching=1)           # but never twice in a row within one


def test_cadence_stretches_with_the_crowd_up_to_a_cap():
    from runs.cadence import Cadence
    c = Cadence(progress_seconds=0.2, picture_seconds=0.4, crowd=2.5, max_seconds=2.0)
    assert c.spacing(0.2, 1) == 0.2 and c.spacing(0.2, 2) == 0.2
    assert c.spacing(0.2, 10) == pytest.approx(0.8) and c.spacing(0.4, 10) == pytest.approx(1.6)
    assert c.spacing(0.4, 1000) == 2.0
    assert c.progress_due(0.0, 1, watching=10)
    assert not c.progress_due(0.7, 2, watching=10) and c.progress_due(0.8, 2, watching=10)
