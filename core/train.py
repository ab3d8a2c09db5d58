"""Training an MLP on y = x² (or |x|, x³, sin x: ``TrainConfig.target``) with minibatch SGD, momentum,
Adagrad, RMSProp or Adam, resumable in chunks.

The same TrainConfig gives the same run, bit for bit, whether it is trained in one call or in many
chunks: the data order of epoch e depends only on (seed, e), and the optimiser state is data.
A Trainer holds only data (arrays, lists, the config), so it pickles; a pickle leaves the dataset out
(it is rebuilt from the config's seed, bit for bit, when first needed), so a Trainer travels to a worker
process as a few kilobytes of parameters, optimiser state and history.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from core.dataset import TARGETS, cached_dataset, make_dataset, seed_sequence
from core.nn import ACTIVATIONS, MLP, Params
from core.optim import OPTIMIZERS, Optimizer, by_name
from i18n import _, ngettext

MAX_HISTORY_ROWS = 2000
PROBE_X = (1.0, 2.0, -1.0, -2.0)  # where the original exercise printed predictions after each epoch
HISTORY_COLUMNS = ["samples", "epoch", "loss"]  # Trainer.history
PROBE_COLUMNS = ["epoch", *(f"{x:g}" for x in PROBE_X)]  # Trainer.probes: epoch, then one column per x
SNAPSHOTS = 50                 # parameter snapshots spread evenly over a run, besides one per epoch end
SNAPSHOT_BYTES = 16 * 2**20    # per run: a larger net keeps fewer snapshots (see snapshot_batches)

# Bounds that keep one visitor from exhausting a shared server (the pages enforce them).
LIMITS = {
    "units": 512,          # per hidden layer
    "layers": 4,           # hidden layers
    "n_samples": 200_000,
    "epochs": 200,
    "batch_size": 4096,
    "total_samples": 4_000_000,  # epochs × n_samples
    # The MLP page's other controls (their ranges, not costs: a link cannot ask for more).
    "lr_min": 1e-9,
    "lr_max": 10.0,
    "momentum_max": 0.999,
    "decay_max": 0.9999,  # RMSProp's ρ, Adam's β₁ and β₂
    "noise_max": 10.0,
    "seed_max": 2**31 - 1,
}


def _whole(name: str, value, least: int) -> int:
    """``value`` as an int when it is a whole number ≥ ``least`` (20 and 20.0, not 2.5, -1, nan or inf);
    otherwise a ValueError naming ``name``."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        number = int(value)
    elif isinstance(value, (float, np.floating)) and math.isfinite(value) and float(value).is_integer():
        number = int(value)
    else:
        raise ValueError(_("Invalid {name}: {value} (needs a whole number ≥ {least})", name=name, value=repr(value),
                           least=least))
    if number < least:
        raise ValueError(_("Invalid {name}: {value} (needs a whole number ≥ {least})", name=name, value=number,
                           least=least))
    return number


@dataclass(frozen=True)
class TrainConfig:
    """One training run. Defaults are the original experiment."""

    hidden: tuple[int, ...] = (100,)
    activation: str = "relu"
    optimizer: str = "momentum"  # "sgd" | "momentum" | "adagrad" | "rmsprop" | "adam"
    lr: float = 1e-5
    momentum: float = 0.9
    batch_size: int = 1
    epochs: int = 20
    n_samples: int = 20_000
    x_min: float = -3.0
    x_max: float = 3.0
    noise: float = 0.01
    shuffle: bool = False
    seed: int = 0
    decay: float = 0.99   # RMSProp's ρ (torch's alpha)
    b1: float = 0.9       # Adam's β₁
    b2: float = 0.999     # Adam's β₂
    eps: float = 1e-8     # Adagrad, RMSProp and Adam: added to the root in the denominator
    target: str = "x2"  # the function learnt: a key of TARGETS

    def __post_init__(self):
        try:  # a bad size, or hidden not a sequence of numbers at all
            hidden = tuple(_whole("hidden layer size", h, 1) for h in self.hidden)
        except (TypeError, ValueError):
            raise ValueError(_("Invalid hidden layer sizes: {hidden} (each needs a whole number ≥ 1 of units)",
                               hidden=self.hidden)) from None
        object.__setattr__(self, "hidden", hidden)
        for name, least in (("batch_size", 1), ("epochs", 1), ("n_samples", 1), ("seed", 0)):
            object.__setattr__(self, name, _whole(name, getattr(self, name), least))
        if self.activation not in ACTIVATIONS:
            raise ValueError(_("Invalid activation: {value} (one of {options})", value=repr(self.activation),
                               options=", ".join(ACTIVATIONS)))
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(_("Invalid optimizer: {value} (one of {options})", value=repr(self.optimizer),
                               options=", ".join(OPTIMIZERS)))
        if not (math.isfinite(self.x_min) and math.isfinite(self.x_max) and self.x_min < self.x_max):
            raise ValueError(_("Invalid x range: [{lo}, {hi}] (needs finite x_min < x_max)", lo=self.x_min,
                               hi=self.x_max))
        if not (math.isfinite(self.noise) and self.noise >= 0):
            raise ValueError(_("Invalid noise: {noise} (needs a finite number ≥ 0)", noise=self.noise))
        if self.target not in TARGETS:
            raise ValueError(_("Invalid target: {value} (one of {options})", value=repr(self.target),
                               options=", ".join(TARGETS)))
        self.make_optimizer()  # validates lr, momentum, decay, b1, b2 and eps, naming the bad value

    @property
    def sizes(self) -> tuple[int, ...]:
        return (1, *self.hidden, 1)

    def make_optimizer(self) -> Optimizer:
        """The configured optimiser, given the hyper-parameters it takes (core.optim.by_name)."""
        return by_name(self.optimizer, self.lr, beta=self.momentum, decay=self.decay, b1=self.b1, b2=self.b2,
                       eps=self.eps)

    def limit_errors(self) -> list[str]:
        """Which of LIMITS this config exceeds, as sentences; empty when it is within them all."""
        errors = []
        if len(self.hidden) > LIMITS["layers"]:
            errors.append(ngettext("{n} hidden layer (at most {most})", "{n} hidden layers (at most {most})",
                                   len(self.hidden), most=LIMITS["layers"]))
        if max(self.hidden, default=0) > LIMITS["units"]:
            errors.append(ngettext("{n} unit in a layer (at most {most})", "{n} units in a layer (at most {most})",
                                   max(self.hidden), most=LIMITS["units"]))
        for name in ("n_samples", "epochs", "batch_size"):
            if getattr(self, name) > LIMITS[name]:
                errors.append(f"{name} = {getattr(self, name):,} " + _("(at most {most})", most=f"{LIMITS[name]:,}"))
        if self.epochs * self.n_samples > LIMITS["total_samples"]:
            errors.append(_("epochs × samples = {n} (at most {most})", n=f"{self.epochs * self.n_samples:,}",
                            most=f"{LIMITS['total_samples']:,}"))
        return errors


def snapshot_batches(config: TrainConfig) -> tuple[int, ...]:
    """After how many batches (counted over the whole run) a Trainer keeps a parameter snapshot: every
    epoch end and SNAPSHOTS evenly spaced points (every batch when a run has fewer), ascending.

    A net so large that these would take more than SNAPSHOT_BYTES keeps as many as fit, half at epoch
    ends (every k-th epoch, the last always) and half evenly spaced. The schedule depends on the config
    only, never on how the run is chunked."""
    bpe = -(-config.n_samples // config.batch_size)
    total = bpe * config.epochs
    n_params = sum(a * b + b for a, b in zip(config.sizes[:-1], config.sizes[1:]))
    fit = max(2, SNAPSHOT_BYTES // (8 * n_params))
    every, epoch_every = max(1, total // SNAPSHOTS), 1
    if config.epochs + SNAPSHOTS > fit:
        every = max(1, -(-total // (fit // 2)))
        epoch_every = max(1, -(-config.epochs // max(1, fit // 2)))
    ends = {e * bpe for e in range(epoch_every, config.epochs + 1, epoch_every)} | {total}
    return tuple(sorted(ends | set(range(every, total + 1, every))))


def initial_flat(config: TrainConfig) -> np.ndarray:
    """The run's parameters before any training, flat (what ``Trainer(config)`` starts from), without
    building its dataset."""
    net = MLP(config.sizes, config.activation)
    return net.flatten(net.init(np.random.default_rng(seed_sequence(config, 1))))


class Failure(NamedTuple):
    """Why a run stopped early: the loss after update ``update`` (counted from 1 over the run; 0, the initial
    parameters) was ``loss``, not finite; that update is undone, so the parameters are the last ones with a
    finite loss. ``labs.mlp.words.failed_words`` says it in words."""

    update: int
    loss: float


class Snapshot(NamedTuple):
    """The parameters (flat, as ``MLP.flatten`` lays them out) after ``samples_seen`` samples."""

    samples_seen: int
    epoch: float  # fractional: samples_seen / n_samples
    flat: np.ndarray


class Trainer:
    """Trains ``MLP(config.sizes)`` on ``make_dataset(config)``, a chunk at a time.

    ``history`` has one row per bucket of consecutive batches (the mean training loss measured
    before each batch's update), sized so that a whole run never exceeds MAX_HISTORY_ROWS rows.
    ``probes`` has one row per finished epoch with the predictions at PROBE_X.
    ``snapshots`` holds the parameters at the start and after each batch count of
    ``snapshot_batches(config)`` reached so far (a caller may take them away as they come: ``take_snapshots``).
    Only data is kept (no closures), so a Trainer pickles; the pickle leaves out the dataset, which
    ``x`` and ``y`` rebuild from the seed when first used.
    """

    def __init__(self, config: TrainConfig):
        self.config = c = config
        self.net = MLP(c.sizes, c.activation)
        self._data: tuple[np.ndarray, np.ndarray] | None = make_dataset(c)
        self._flat = initial_flat(c)
        self._prev_flat = self._flat  # the vector before the last update: the fallback after a blow-up
        self._opt_state = c.make_optimizer().init([self._flat])
        self.samples_seen = 0
        self.epoch = 0             # epochs completed
        self.failed: Failure | None = None  # where training stopped early (a non-finite loss), else None
        self._pos = 0              # index of the next sample within the current epoch
        batches_per_epoch = -(-c.n_samples // c.batch_size)
        self.total_batches = batches_per_epoch * c.epochs
        self._bucket_size = -(-self.total_batches // MAX_HISTORY_ROWS)
        self._rows: list[list[float]] = []
        self._probe_rows: list[list[float]] = []
        self._batches_per_epoch = batches_per_epoch
        self._batches_done = 0
        self._pending_loss: list[float] = []     # losses of the latest batches, not yet in a history row
        self._training_thread: int | None = None  # set while train() runs
        self._snapshot_at = snapshot_batches(c)
        self._next_snapshot = 0                    # index into _snapshot_at
        self.snapshots: list[Snapshot] = [Snapshot(0, 0.0, self._flat.copy())]

    # -- pickling: without the dataset ------------------------------------------------------------------
    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_data"] = None
        state["_training_thread"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    @property
    def x(self) -> np.ndarray:
        """Inputs, shaped (n_samples, 1)."""
        if self._data is None:
            self._data = cached_dataset(self.config)
        return self._data[0]

    @property
    def y(self) -> np.ndarray:
        """Targets, shaped (n_samples, 1)."""
        if self._data is None:
            self._data = cached_dataset(self.config)
        return self._data[1]

    def take_snapshots(self) -> list[Snapshot]:
        """The snapshots kept since the last call (the Trainer forgets them)."""
        taken, self.snapshots = self.snapshots, []
        return taken

    @property
    def params(self) -> Params:
        """[W0, b0, W1, b1, ...], copies."""
        return self.net.unflatten(self._flat.copy())

    @property
    def total_samples(self) -> int:
        return self.config.epochs * self.config.n_samples

    @property
    def done(self) -> bool:
        return self.failed is not None or self.epoch >= self.config.epochs

    @property
    def history(self) -> pd.DataFrame:
        """Columns: samples (seen when the row closed), epoch (fractional), loss (mean over the row)."""
        return pd.DataFrame(self._rows, columns=HISTORY_COLUMNS)

    @property
    def probes(self) -> pd.DataFrame:
        """One row per finished epoch: epoch, then the prediction at each x of PROBE_X."""
        return pd.DataFrame(self._probe_rows, columns=PROBE_COLUMNS)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """1-D in, 1-D out."""
        x = np.asarray(x, dtype=float).reshape(-1, 1)
        with np.errstate(all="ignore"):
            return self.net.predict(self.net.unflatten(self._flat), x).ravel()

    def _epoch_data(self, epoch: int) -> tuple[np.ndarray, np.ndarray]:
        if not self.config.shuffle:
            return self.x, self.y
        order = np.random.default_rng(seed_sequence(self.config, 2 + epoch)).permutation(self.config.n_samples)
        return self.x[order], self.y[order]

    # -- training ------------------------------------------------------------------------------
    def train(self, max_samples: int) -> int:
        """Train on up to ``max_samples`` more samples, in whole batches (at least one batch, so that
        any chunk size makes progress); return how many samples were used.

        Stops early at the end of the run, or when the loss stops being finite: then ``failed``
        says where (a ``Failure``) and the parameters are the last ones whose loss was finite.
        """
        if max_samples <= 0:
            return 0
        if self._training_thread is not None:
            # A safety net, not a lock: callers that share a Trainer between threads serialise
            # train() themselves (the MLP page does); interleaved updates would corrupt the run.
            raise RuntimeError("Trainer.train was called while another call is still training")
        self._training_thread = threading.get_ident()
        try:
            return self._train(max_samples)
        finally:
            self._training_thread = None

    def _train(self, max_samples: int) -> int:
        c = self.config
        used = 0
        with np.errstate(all="ignore"):  # overflow shows up as a non-finite loss, handled below
            # Whole batches that fit the budget; the first batch goes even if it alone does not.
            while not self.done and (used == 0 or max_samples - used >= c.batch_size):
                n_batches = max(1, (max_samples - used) // c.batch_size)
                end = min(c.n_samples, self._pos + n_batches * c.batch_size)
                # Segments end at snapshot points too: that changes no number, only where we look.
                snap = self._snapshot_at[self._next_snapshot] if self._next_snapshot < len(self._snapshot_at) else None
                if snap is not None:
                    end = min(end, (snap - self.epoch * self._batches_per_epoch) * c.batch_size)
                used += self._run_segment(self._pos, end)
                if self.failed is None and self._batches_done == snap:
                    self._next_snapshot += 1
                    self.snapshots.append(Snapshot(self.samples_seen, self.samples_seen / c.n_samples,
                                                   self._flat.copy()))
                if self.failed is None and end == c.n_samples:
                    self._pos = 0
                    self.epoch += 1
                    self._probe_rows.append([self.epoch, *self.predict(np.array(PROBE_X))])
        self._close_buckets(final=self.done)
        return used

    def _run_segment(self, start: int, end: int) -> int:
        """Train on samples [start, end) of the current epoch's order; return how many were used."""
        c = self.config
        xs, ys = self._epoch_data(self.epoch)
        update = c.make_optimizer().update
        flat, prev, state = self._flat, self._prev_flat, self._opt_state
        losses: list[float] = []  # this segment's batch losses
        bad_loss = None  # the first non-finite loss, if one stops the segment
        isfinite = math.isfinite
        kernel = self.net.scalar_kernel() if c.batch_size == 1 else None
        if kernel is not None:
            # Batch 1 on a 1 -> H -> 1 net, the default experiment: two buffers take turns holding the
            # parameters (new = current + step, written into the older one), so no step allocates them.
            cur, nxt = flat.copy(), np.empty_like(flat)
            cur_views, nxt_views = self.net.kernel_views(cur), self.net.kernel_views(nxt)
            add = np.add
            for x, y in zip(xs[start:end, 0].tolist(), ys[start:end, 0].tolist()):
                loss, grad = kernel(cur_views, x, y)
                if not isfinite(loss):
                    bad_loss = loss
                    break
                (step,), state = update([grad], state)
                add(cur, step, out=nxt)
                cur, nxt, cur_views, nxt_views = nxt, cur, nxt_views, cur_views
                losses.append(loss)
            if losses:
                flat, prev = cur, nxt.copy()
        else:
            loss_and_grad = self.net.loss_and_grad
            for lo in range(start, end, c.batch_size):
                hi = min(lo + c.batch_size, end)
                loss, grad = loss_and_grad(flat, xs[lo:hi], ys[lo:hi])
                if not isfinite(loss):
                    bad_loss = loss
                    break
                (step,), state = update([grad], state)
                prev, flat = flat, flat + step
                losses.append(loss)
        batches = len(losses)
        used = min(end - start, batches * c.batch_size)
        self._pending_loss.extend(losses)
        self._batches_done += batches
        self.samples_seen += used
        self._pos = start + used
        if bad_loss is not None:
            # flat gave that loss; prev, the vector before it, did not.
            flat = prev
            self.failed = Failure(self._batches_done, bad_loss)
        self._flat, self._prev_flat, self._opt_state = flat, prev, state
        return used

    def _close_buckets(self, final: bool) -> None:
        """Turn pending batch losses into history rows: every full bucket, and the rest at the end."""
        k, losses = self._bucket_size, self._pending_loss
        first = self._batches_done - len(losses)  # global index of losses[0]
        n_full = len(losses) // k
        for i in range(n_full):
            self._add_row(first + (i + 1) * k - 1, losses[i * k:(i + 1) * k])
        del losses[:n_full * k]
        if final and losses:
            self._add_row(self._batches_done - 1, losses)
            losses.clear()

    def _samples_after(self, batch: int) -> int:
        """Samples seen once the batch with this global index (0-based) is done."""
        c = self.config
        epoch, i = divmod(batch, self._batches_per_epoch)
        return epoch * c.n_samples + min((i + 1) * c.batch_size, c.n_samples)

    def _add_row(self, last_batch: int, losses: list[float]) -> None:
        samples = self._samples_after(last_batch)
        self._rows.append([samples, samples / self.config.n_samples, math.fsum(losses) / len(losses)])
