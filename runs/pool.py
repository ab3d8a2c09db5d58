"""Worker processes that train the runs of a ``RunStore``, a chunk of about 0.1 s at a time.

A scheduler thread (in the server process) keeps one chunk per worker in flight, taking the runs
that someone follows in turn (round-robin), so N runs on W workers each advance at about min(1, W/N)
of a solo run's speed. A run is followed through a lease that its followers renew while they watch
(``follow``); when every lease has lapsed or been given up (``leave``) the run is not scheduled again:
it stops costing CPU after its current chunk. Two chunks of one run never run at once.

Workers are started by a *forkserver* (never a fork of the threaded server); each chunk sends the
pickled ``Trainer`` (parameters, optimiser state, history: a few kilobytes, no dataset) and the worker
rebuilds the dataset from the config's seed once (``core.train.cached_dataset``). A worker exits when
the server process it belongs to is gone, even if that process was killed.
"""
from __future__ import annotations

import os
import pickle
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from multiprocessing import context as mp_context
from multiprocessing import popen_forkserver, spawn

import numpy as np

import i18n
from core.train import PROBE_X, Snapshot, TrainConfig, Trainer
from runs.pace import Pace
from runs.store import RunStore, RunView, _frozen

CHUNK_TRAINING_SECONDS = 0.1  # training per chunk: a run that nobody follows stops within about this long
LEASE_SECONDS = 3.0    # a follower that has not renewed for this long has left
# A run that has just finished stays in the store at least this long, whatever the store's bounds: its followers'
# streams end with its last frame and their pages then read the finished run (a full store would otherwise evict
# it for the next run first, and the page would train it again).
DONE_GRACE_SECONDS = 3.0
MAX_ACTIVE = 12        # runs followed at once, server-wide; a new run beyond them is refused (retry later)
WORKER_FAILED = "Training stopped: a worker process failed"


def default_workers() -> int:
    """One worker per core this process may use."""
    return max(1, len(os.sched_getaffinity(0)))


# -- in the worker process ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChunkResult:
    view: RunView                 # the run after the chunk (snapshots: only the new ones)
    trainer_state: bytes | None   # None once the run is over
    used: int                     # samples trained in this chunk
    seconds: float                # time spent in Trainer.train


def _watch_parent(pid: int) -> None:
    while True:
        time.sleep(1.0)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(0)  # the server is gone (even killed with SIGKILL): no orphan worker


def _worker_init(server_pid: int) -> None:
    threading.Thread(target=_watch_parent, args=(server_pid,), daemon=True).start()


def train_chunk(config: TrainConfig, trainer_state: bytes | None, max_samples: int) -> ChunkResult:
    """Resume the run from ``trainer_state`` (None: from the start), train up to ``max_samples``."""
    if trainer_state is None:
        trainer = Trainer(config)
        trainer.take_snapshots()  # the initial one: RunView.start has it already
    else:
        trainer = pickle.loads(trainer_state)
    began = time.perf_counter()
    used = trainer.train(max_samples)
    seconds = time.perf_counter() - began
    view = RunView(
        config, samples_seen=trainer.samples_seen, epoch=trainer.epoch, failed=trainer.failed,
        history_rows=_frozen(np.array(trainer._rows, dtype=float).reshape(-1, 3)),
        probe_rows=_frozen(np.array(trainer._probe_rows, dtype=float).reshape(-1, 1 + len(PROBE_X))),
        flat=_frozen(trainer.net.flatten(trainer.params)),
        snapshots=tuple(Snapshot(s.samples_seen, s.epoch, _frozen(s.flat)) for s in trainer.take_snapshots()))
    return ChunkResult(view, None if trainer.done else pickle.dumps(trainer), used, seconds)


# -- in the server process ------------------------------------------------------------------------------
_launch_lock = threading.Lock()


class _Popen(popen_forkserver.Popen):
    """Starts a worker without re-running the parent's ``__main__`` in it. Streamlit makes the page
    being run ``sys.modules["__main__"]``; multiprocessing would run that page again in every worker
    it starts (as ``__mp_main__``). The worker needs only ``runs.pool``, which it imports itself."""

    def _launch(self, process_obj):
        with _launch_lock:
            original = spawn.get_preparation_data

            def without_main(name):
                data = original(name)
                data.pop("init_main_from_path", None)
                data.pop("init_main_from_name", None)
                return data

            spawn.get_preparation_data = without_main
            try:
                super()._launch(process_obj)
            finally:
                spawn.get_preparation_data = original


class _Process(mp_context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj):
        return _Popen(process_obj)


class _Context(mp_context.ForkServerContext):
    Process = _Process


@dataclass(frozen=True)
class Follow:
    """What a follower sees: the run's latest view (None when refused), its place in the queue
    (0: a chunk of it is training now or it is done; k: k runs will train before it), how many
    followers it has, why it was refused (the server is full), if it was, and how many runs take
    turns on the workers now (training a chunk or waiting for their next one, this one included)."""

    view: RunView | None
    place: int = 0
    followers: int = 0
    refused: str | None = None
    turns: int = 0


class RunPool:
    """Trains the runs of ``store`` that someone follows, in ``workers`` worker processes."""

    def __init__(self, store: RunStore | None = None, workers: int | None = None, *,
                 chunk_seconds: float = CHUNK_TRAINING_SECONDS, lease_seconds: float = LEASE_SECONDS,
                 max_active: int = MAX_ACTIVE, done_grace_seconds: float = DONE_GRACE_SECONDS):
        self.workers = workers or default_workers()
        self.done_grace_seconds = done_grace_seconds
        self.chunk_seconds, self.lease_seconds, self.max_active = chunk_seconds, lease_seconds, max_active
        self._cond = threading.Condition()
        self._leases: dict[TrainConfig, dict[str, float]] = {}   # run -> follower -> lease expiry
        self._following: dict[str, TrainConfig] = {}             # follower -> the one run it follows
        self._order: deque[TrainConfig] = deque()                # runs with followers, round-robin order
        self._in_flight: set[TrainConfig] = set()
        self._pace: dict[TrainConfig, Pace] = {}
        self._done_at: dict[TrainConfig, float] = {}             # run -> when it finished (DONE_GRACE_SECONDS)
        self.store = store if store is not None else RunStore()  # an empty store is falsy (len 0)
        self.store.keep = self._keep
        self.chunks = 0
        self._stopped = False
        self._executor = self._new_executor()
        self._thread = threading.Thread(target=self._schedule, name="run-pool-scheduler", daemon=True)
        self._thread.start()

    def _new_executor(self) -> ProcessPoolExecutor:
        context = _Context()
        context.set_forkserver_preload(["numpy", "pandas", "core.train", "runs.pool"])
        executor = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_worker_init,
                                       initargs=(os.getpid(),))
        for _ in range(self.workers):  # start the workers now, not when the first visitor presses Train
            executor.submit(os.getpid)
        return executor

    # -- for sessions ---------------------------------------------------------------------------------
    def follow(self, config: TrainConfig, follower: str) -> Follow:
        """Follow the run of ``config`` (starting it if the store has none), renewing ``follower``'s
        lease; a follower follows one run at a time, so this leaves the one it followed before."""
        with self._cond:
            now = time.monotonic()
            self._expire(now)
            previous = self._following.get(follower)
            if previous is not None and previous != config:
                self._drop(follower)
            run = self.store.get(config)
            if run is not None and run.view.error is not None:
                self.store.remove(config)  # not the run's fault: Train tries again
                run = None
            if run is None or (not run.view.done and config not in self._leases):
                if run is None or not run.view.done:
                    if len(self._leases) >= self.max_active:
                        return Follow(None, refused=i18n.ngettext(  # in the follower's language (its thread's)
                            "{n} run is training on this server, its most; try again in a minute",
                            "{n} runs are training on this server, its most; try again in a minute",
                            len(self._leases)))
                if run is None:
                    run = self.store.create(config)
                    if run is None:
                        return Follow(None, refused=i18n._("the server's store of runs is full; try again in a minute"))
            if not run.view.done:
                self._leases.setdefault(config, {})[follower] = now + self.lease_seconds
                self._following[follower] = config
                if config not in self._order:
                    self._order.append(config)
                self._cond.notify_all()
            place, turns = self._queue(config)
            return Follow(run.view, place, len(self._leases.get(config, ())), turns=turns)

    def leave(self, follower: str) -> None:
        """``follower`` stops following its run (Pause, Reset, new settings): the run stops once no
        one follows it."""
        with self._cond:
            self._drop(follower)

    def view(self, config: TrainConfig) -> RunView | None:
        run = self.store.get(config)
        return None if run is None else run.view

    def wait(self, config: TrainConfig, samples_seen: int, timeout: float) -> None:
        """Block until the run has moved past ``samples_seen`` (or is over), at most ``timeout`` s."""
        def moved():
            run = self.store.get(config)
            return run is None or run.view.done or run.view.samples_seen != samples_seen or self._stopped

        with self._cond:
            self._cond.wait_for(moved, timeout)

    def followers(self, config: TrainConfig) -> int:
        with self._cond:
            return len(self._leases.get(config, ()))

    def watching(self) -> int:
        """How many followers hold a lease now, over all runs."""
        with self._cond:
            return sum(len(leases) for leases in self._leases.values())

    def busy(self) -> bool:
        """Whether any chunk is training now."""
        with self._cond:
            return bool(self._in_flight)

    def shutdown(self) -> None:
        """Stop scheduling, cancel queued chunks and end the worker processes."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._thread.join(5)
        self._executor.shutdown(wait=True, cancel_futures=True)

    # -- bookkeeping (under self._cond) ------------------------------------------------------------------
    def _keep(self, config: TrainConfig) -> bool:
        done_at = self._done_at.get(config)
        return (config in self._leases or config in self._in_flight
                or (done_at is not None and time.monotonic() - done_at < self.done_grace_seconds))

    def _drop(self, follower: str) -> None:
        config = self._following.pop(follower, None)
        leases = self._leases.get(config)
        if leases is not None:
            leases.pop(follower, None)
            if not leases:
                del self._leases[config]
                self._pace.pop(config, None)  # nothing per run outlives its followers but the record

    def _expire(self, now: float) -> None:
        for config, done_at in list(self._done_at.items()):
            if now - done_at >= self.done_grace_seconds:
                del self._done_at[config]
        for config, leases in list(self._leases.items()):
            for follower, until in list(leases.items()):
                if until < now:
                    del leases[follower]
                    if self._following.get(follower) == config:
                        del self._following[follower]
            if not leases:
                del self._leases[config]
                self._pace.pop(config, None)

    def _runnable(self, config: TrainConfig) -> bool:
        run = self.store.get(config)
        return run is not None and config in self._leases and config not in self._in_flight and not run.view.done

    def _queue(self, config: TrainConfig) -> tuple[int, int]:
        """``config``'s place in the queue (``Follow.place``) and how many runs take turns (``Follow.turns``:
        the ones training a chunk now and the ones waiting for their next)."""
        waiting = [c for c in self._order if self._runnable(c)]
        turns = len(self._in_flight) + len(waiting)
        if config not in waiting:  # training a chunk now, or done
            return 0, turns
        free = self.workers - len(self._in_flight)
        return max(0, waiting.index(config) + 1 - free), turns

    def _next(self) -> TrainConfig | None:
        for _ in range(len(self._order)):
            config = self._order[0]
            self._order.rotate(-1)  # round-robin: whoever goes now, goes last next time
            if config not in self._leases:
                self._order.remove(config)
                continue
            if self._runnable(config):
                return config
        return None

    def _schedule(self) -> None:
        with self._cond:
            while not self._stopped:
                self._expire(time.monotonic())
                while len(self._in_flight) < self.workers:
                    config = self._next()
                    if config is None:
                        break
                    self._submit(config)
                self._cond.wait(0.5)

    def _submit(self, config: TrainConfig) -> None:
        run = self.store.get(config)
        pace = self._pace.setdefault(config, Pace(target_seconds=self.chunk_seconds))
        remaining = run.view.total_samples - run.view.samples_seen
        chunk = pace.next_chunk(config.batch_size, remaining)
        self._in_flight.add(config)
        try:
            future = self._executor.submit(train_chunk, config, run.trainer_state, chunk)
        except (BrokenProcessPool, RuntimeError) as error:
            self._in_flight.discard(config)
            self._fail(config, error)
            return
        future.add_done_callback(lambda f: self._finished(config, f))

    def _finished(self, config: TrainConfig, future: Future) -> None:
        with self._cond:
            self._in_flight.discard(config)
            self.chunks += 1
            run = self.store.get(config)
            try:
                result: ChunkResult = future.result()
            except Exception as error:  # a worker died or the pool shut down: the run cannot go on
                self._fail(config, error)
                self._cond.notify_all()
                return
            if run is not None:
                pace = self._pace.get(config)
                if pace is not None:
                    pace.record(result.used, result.seconds, time.perf_counter())
                old = run.view
                view = replace(result.view, snapshots=old.snapshots + result.view.snapshots,
                               train_seconds=old.train_seconds + result.seconds)
                if view.done:  # before the update, whose eviction pass must keep it
                    self._done_at[config] = time.monotonic()
                self.store.update(config, view, result.trainer_state)
                if view.done:
                    self._pace.pop(config, None)
            self._cond.notify_all()

    def _fail(self, config: TrainConfig, error: BaseException) -> None:
        if isinstance(error, BrokenProcessPool) and not self._stopped:
            self._executor = self._new_executor()  # a worker was killed: start fresh ones for the others
        run = self.store.get(config)
        if run is not None and not self._stopped:
            message = f"{WORKER_FAILED} ({type(error).__name__}). Press Train to try again."
            self.store.update(config, replace(run.view, error=message), None)
        self._pace.pop(config, None)
