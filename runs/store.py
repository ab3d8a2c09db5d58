"""A server-wide store of training runs keyed by their ``TrainConfig``, bounded in entries and bytes.

A run is a pure function of its config, so one record serves every session that asks for that config.
Each record holds a ``RunView`` (an immutable picture of the run at its latest chunk: what the MLP
page draws and downloads, and the parameter snapshots a player can scrub through) and, while the run
is unfinished, the pickled ``Trainer`` the next chunk resumes from. Records hold no session object:
a departed visitor's view goes with the visitor's session.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.nn import MLP, Params
from core.train import HISTORY_COLUMNS, PROBE_COLUMNS, PROBE_X, Failure, Snapshot, TrainConfig, initial_flat


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.asarray(array, dtype=float)
    array.flags.writeable = False
    return array


@dataclass(frozen=True)
class RunView:
    """A run after ``samples_seen`` samples: the same names as ``Trainer`` where the page reads them.

    ``history`` is (rows, 3): samples, epoch, loss (``Trainer.history``'s rows); ``probes`` is
    (epochs done, 1 + len(PROBE_X)); ``flat`` the current parameters as ``MLP.flatten`` lays them out;
    ``snapshots`` every parameter snapshot so far (``core.train.snapshot_batches``), plain data.
    """

    config: TrainConfig
    samples_seen: int = 0
    epoch: int = 0
    failed: Failure | None = None  # the run stopped early: its loss became non-finite (``Trainer.failed``)
    error: str | None = None       # the server failed the run (a worker process died), in words
    history_rows: np.ndarray = field(default_factory=lambda: _frozen(np.zeros((0, 3))))
    probe_rows: np.ndarray = field(default_factory=lambda: _frozen(np.zeros((0, 1 + len(PROBE_X)))))
    flat: np.ndarray | None = None
    snapshots: tuple[Snapshot, ...] = ()
    train_seconds: float = 0.0  # time spent training in workers

    @classmethod
    def start(cls, config: TrainConfig) -> RunView:
        """The run before its first chunk: the initial parameters and their snapshot, nothing trained."""
        flat = _frozen(initial_flat(config))
        return cls(config, flat=flat, snapshots=(Snapshot(0, 0.0, flat),))

    @property
    def net(self) -> MLP:
        return MLP(self.config.sizes, self.config.activation)

    @property
    def params(self) -> Params:
        """[W0, b0, W1, b1, ...], copies."""
        return self.net.unflatten(np.array(self.flat))

    @property
    def total_samples(self) -> int:
        return self.config.epochs * self.config.n_samples

    @property
    def done(self) -> bool:
        return self.failed is not None or self.error is not None or self.epoch >= self.config.epochs

    @property
    def history(self) -> pd.DataFrame:
        """As ``Trainer.history``: samples (int), epoch, loss."""
        frame = pd.DataFrame(np.array(self.history_rows), columns=HISTORY_COLUMNS)
        return frame.astype({"samples": "int64"})

    @property
    def probes(self) -> pd.DataFrame:
        """As ``Trainer.probes``: epoch (int), then the prediction at each x of PROBE_X."""
        frame = pd.DataFrame(np.array(self.probe_rows), columns=PROBE_COLUMNS)
        return frame.astype({"epoch": "int64"})

    def predict(self, x: np.ndarray) -> np.ndarray:
        """1-D in, 1-D out."""
        x = np.asarray(x, dtype=float).reshape(-1, 1)
        with np.errstate(all="ignore"):
            return self.net.predict(self.net.unflatten(self.flat), x).ravel()

    @property
    def nbytes(self) -> int:
        arrays = [self.history_rows, self.probe_rows, *(s.flat for s in self.snapshots)]
        if self.flat is not None:
            arrays.append(self.flat)
        return sum(a.nbytes for a in arrays) + 200 * len(self.snapshots) + 1000


@dataclass
class Run:
    """One record: the latest view, and the pickled Trainer to resume from (None once finished)."""

    config: TrainConfig
    view: RunView
    trainer_state: bytes | None = None

    @property
    def nbytes(self) -> int:
        return self.view.nbytes + len(self.trainer_state or b"")


class RunStore:
    """Runs by config, least recently used first out once there are more than ``max_runs`` or their
    bytes pass ``max_bytes``. A run for which ``keep(config)`` is true (someone follows it, or a chunk
    of it is training) is never evicted; it counts towards the bounds and makes room when it can.
    Thread-safe."""

    def __init__(self, max_runs: int = 64, max_bytes: int = 256 * 2**20,
                 keep: Callable[[TrainConfig], bool] | None = None):
        self.max_runs, self.max_bytes = max_runs, max_bytes
        self.keep = keep or (lambda config: False)
        self._runs: OrderedDict[TrainConfig, Run] = OrderedDict()
        self._bytes = 0
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self._runs)

    def __contains__(self, config: TrainConfig) -> bool:
        return config in self._runs

    @property
    def nbytes(self) -> int:
        return self._bytes

    def get(self, config: TrainConfig) -> Run | None:
        """The record, marked as just used; None when the store has none."""
        with self._lock:
            run = self._runs.get(config)
            if run is not None:
                self._runs.move_to_end(config)
            return run

    def create(self, config: TrainConfig) -> Run | None:
        """A new record for an unstarted run (or the existing one), making room first. None when the
        store is full of runs it must keep."""
        with self._lock:
            if config in self._runs:
                return self.get(config)
            run = Run(config, RunView.start(config))
            self._evict(extra_runs=1, extra_bytes=run.nbytes)
            if len(self._runs) + 1 > self.max_runs or self._bytes + run.nbytes > self.max_bytes:
                return None
            self._runs[config] = run
            self._bytes += run.nbytes
            return run

    def update(self, config: TrainConfig, view: RunView, trainer_state: bytes | None) -> None:
        """The run's latest view and trainer state (after a chunk). Ignored when the run was evicted."""
        with self._lock:
            run = self._runs.get(config)
            if run is None:
                return
            self._bytes -= run.nbytes
            run.view, run.trainer_state = view, trainer_state
            self._bytes += run.nbytes
            self._evict()

    def remove(self, config: TrainConfig) -> None:
        with self._lock:
            run = self._runs.pop(config, None)
            if run is not None:
                self._bytes -= run.nbytes

    def _evict(self, extra_runs: int = 0, extra_bytes: int = 0) -> None:
        for config in list(self._runs):
            if len(self._runs) + extra_runs <= self.max_runs and self._bytes + extra_bytes <= self.max_bytes:
                return
            if not self.keep(config):
                self._bytes -= self._runs.pop(config).nbytes
