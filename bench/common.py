"""What the benchmark scripts share: the project on the import path, and timing a baseline against ours.

A script run as ``python bench/x.py`` has bench/ on its path, not the project: ``import common`` first puts
the project root there, so ``core``, ``runs`` and ``harness`` (the app launcher) import as in the tests.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class Paired(NamedTuple):
    """Medians of alternating runs: seconds per call of each side, the median of the per-pair ratios
    base/ours, and each side's last result."""

    base_seconds: float
    ours_seconds: float
    ratio: float
    base_result: Any
    ours_result: Any


def paired(fn_base, fn_ours, repeats: int) -> Paired:
    """Call the baseline and ours alternately ``repeats`` times each. Alternating, and taking the median of
    the per-pair ratios, keeps a noisy shared machine from favouring either side."""
    base, ours = [], []
    results = [None, None]
    for _ in range(repeats):
        for i, (fn, times) in enumerate(((fn_base, base), (fn_ours, ours))):
            t0 = time.perf_counter()
            results[i] = fn()
            times.append(time.perf_counter() - t0)
    ratio = statistics.median(b / o for b, o in zip(base, ours))
    return Paired(statistics.median(base), statistics.median(ours), ratio, results[0], results[1])
