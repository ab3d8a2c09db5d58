"""The data a run learns from: the targets (y = x², |x|, x³, sin x) and each run's dataset, drawn from its seed.

``config`` below is a ``core.train.TrainConfig``; the same seed gives the same x and the same noise for every
target, and ``seed_sequence`` gives each use of the seed (data, initial weights, each epoch's shuffle) a stream
of its own.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from core.train import TrainConfig

# What the net learns: y = f(x) + noise·N(0, 1). The functions are written out once, here, so the dataset,
# the fit chart's dashed target and the probes' truth are the same numbers.
TARGETS = {
    "x2": lambda x: x * x,
    "abs": np.abs,
    "cube": lambda x: x * x * x,
    "sin": np.sin,
}


def target_values(target: str, x) -> np.ndarray:
    """f(x) for the target named ``target`` (a key of TARGETS), elementwise."""
    return TARGETS[target](np.asarray(x, dtype=float))


def seed_sequence(config: TrainConfig, stream: int) -> np.random.SeedSequence:
    # Independent streams for data, initial weights and each epoch's shuffle.
    return np.random.SeedSequence([config.seed, stream])


def make_dataset(config: TrainConfig) -> tuple[np.ndarray, np.ndarray]:
    """x ~ U(x_min, x_max), y = f(x) + noise·N(0, 1) drawn per sample, f the config's target (x² by
    default); both shaped (n_samples, 1). The same seed gives the same x and the same noise for every target."""
    rng = np.random.default_rng(seed_sequence(config, 0))
    x = rng.uniform(config.x_min, config.x_max, size=(config.n_samples, 1))
    y = target_values(config.target, x) + config.noise * rng.standard_normal((config.n_samples, 1))
    return x, y


_DATASETS: OrderedDict = OrderedDict()  # unpickled Trainers' datasets, by what determines them
_DATASETS_MAX = 4                       # entries: at most 4 × 3.2 MB (200,000 samples each)
_DATASETS_GUARD = threading.Lock()


def cached_dataset(config: TrainConfig) -> tuple[np.ndarray, np.ndarray]:
    """``make_dataset(config)``, read-only, from a small least-recently-used cache of this process: a
    worker process that trains a run chunk after chunk rebuilds its data once, not once per chunk."""
    key = (config.seed, config.n_samples, config.x_min, config.x_max, config.noise, config.target)
    with _DATASETS_GUARD:
        if key in _DATASETS:
            _DATASETS.move_to_end(key)
            return _DATASETS[key]
    x, y = make_dataset(config)
    x.flags.writeable = y.flags.writeable = False
    with _DATASETS_GUARD:
        _DATASETS[key] = (x, y)
        while len(_DATASETS) > _DATASETS_MAX:
            _DATASETS.popitem(last=False)
    return x, y
