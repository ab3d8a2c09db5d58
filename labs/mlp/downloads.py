"""What the MLP page offers to download: the trained parameters (.npz) and the loss history (CSV)."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd

from core.nn import Params


def weights_npz(params: Params) -> bytes:
    """The parameters as an .npz file: arrays W0, b0, W1, b1, ... (W shaped (n_in, n_out))."""
    arrays = {}
    for i in range(len(params) // 2):
        arrays[f"W{i}"] = np.asarray(params[2 * i])
        arrays[f"b{i}"] = np.asarray(params[2 * i + 1])
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def history_csv(history: pd.DataFrame) -> bytes:
    """The loss history (samples, epoch, loss) as CSV."""
    return history.to_csv(index=False).encode()


def files(run) -> tuple[bytes, bytes]:
    """The run's downloads (a RunView or a Trainer): its parameters as .npz and its loss history as CSV."""
    return weights_npz(run.params), history_csv(run.history)
