"""app.shared_runs: the charts of a run computed once for every session that follows it, within bounds."""
from app import shared_runs


def test_per_run_computes_once_per_point_of_a_run_for_all_sessions():
    from core.train import TrainConfig
    from runs.store import RunView

    config = TrainConfig(seed=12345, n_samples=10, hidden=(3,))
    calls = []
    a, b = RunView.start(config), RunView.start(config)  # two sessions' views of one point of one run
    assert shared_runs.per_run(a, "x", lambda: calls.append(1) or "charts") == "charts"
    assert shared_runs.per_run(b, "x", lambda: calls.append(2) or "other") == "charts" and calls == [1]
    later = RunView(config, samples_seen=5, flat=a.flat)
    assert shared_runs.per_run(later, "x", lambda: "later") == "later"
    for i in range(shared_runs._PER_RUN_MAX + 5):  # other runs: the least recently used go
        shared_runs.per_run(RunView.start(TrainConfig(seed=i, n_samples=10, hidden=(3,))), "x", lambda: None)
    assert len(shared_runs._PER_RUN) == shared_runs._PER_RUN_MAX and (config, "x") not in shared_runs._PER_RUN


def test_per_run_keeps_only_the_latest_point_of_each_run_within_its_bytes(monkeypatch):
    import numpy as np

    from core.train import TrainConfig
    from runs.store import RunView

    monkeypatch.setattr(shared_runs, "_PER_RUN", type(shared_runs._PER_RUN)())
    monkeypatch.setattr(shared_runs, "_PER_RUN_BYTES", 3 * 2**20)
    config = TrainConfig(seed=54321, n_samples=10, hidden=(3,))
    start = RunView.start(config)
    for samples in range(0, 50, 10):  # five chunks of one run: one entry, the latest
        shared_runs.per_run(RunView(config, samples_seen=samples, flat=start.flat), "charts", lambda: np.zeros(1000))
    assert len(shared_runs._PER_RUN) == 1 and next(iter(shared_runs._PER_RUN.values()))[0] == (40, None)
    for seed in range(5):  # five runs of 1 MiB each: the oldest go, the total stays within 3 MiB
        other = RunView.start(TrainConfig(seed=seed, n_samples=10, hidden=(3,)))
        shared_runs.per_run(other, "charts", lambda: np.zeros(2**17))
    assert sum(entry[2] for entry in shared_runs._PER_RUN.values()) <= 3 * 2**20
    assert [key[0].seed for key in shared_runs._PER_RUN] == [2, 3, 4]


def test_approx_bytes_counts_buffers_and_nested_containers():
    import numpy as np
    import pandas as pd

    assert shared_runs.approx_bytes(np.zeros(1000)) == 8000
    assert shared_runs.approx_bytes(pd.DataFrame({"a": np.zeros(1000)})) >= 8000
    spec = {"data": {"values": [{"x": float(i), "y": float(i)} for i in range(1000)]}}
    assert 1000 * (2 * 24 + 64) < shared_runs.approx_bytes(spec) < 1000 * 1000  # 1,000 small dicts of two floats
