"""Trainer: the original experiment's result, bit-identical chunking, bounded history, a step by hand,
blow-ups that keep the last good state."""
import pickle

import numpy as np
import pytest

from core.nn import MLP
from core.optim import momentum
from core.train import (
    LIMITS,
    MAX_HISTORY_ROWS,
    PROBE_X,
    SNAPSHOTS,
    TrainConfig,
    Trainer,
    make_dataset,
    snapshot_batches,
)
from labs.mlp.settings import build_config
from labs.mlp.words import failed_words


def test_defaults_are_the_original_experiment():
    c = TrainConfig()
    assert (c.hidden, c.activation, c.optimizer, c.lr, c.momentum) == ((100,), "relu", "momentum", 1e-5, 0.9)
    assert (c.batch_size, c.epochs, c.n_samples, c.x_min, c.x_max, c.noise, c.shuffle) == (
        1, 20, 20_000, -3.0, 3.0, 0.01, False)


@pytest.mark.parametrize("batch", [1, 4])
def test_adam_and_rmsprop_steps_by_hand_in_the_trainer(batch):
    """Two Trainer steps with Adam (and RMSProp) equal the equations written out on the net's own gradients."""
    for c in (TrainConfig(n_samples=20, epochs=1, optimizer="adam", lr=1e-3, b1=0.8, b2=0.99, batch_size=batch),
              TrainConfig(n_samples=20, epochs=1, optimizer="rmsprop", lr=1e-3, decay=0.9, batch_size=batch)):
        t = Trainer(c)
        net = MLP(c.sizes)
        theta = net.flatten(t.params)
        m = v = np.zeros_like(theta)
        for step in (1, 2):
            _, g = net.loss_and_grad(theta, t.x[(step - 1) * batch:step * batch], t.y[(step - 1) * batch:step * batch])
            if c.optimizer == "adam":
                m, v = 0.8 * m + 0.2 * g, 0.99 * v + 0.01 * g * g
                theta = theta - 1e-3 * (m / (1 - 0.8**step)) / (np.sqrt(v / (1 - 0.99**step)) + 1e-8)
            else:
                v = 0.9 * v + 0.1 * g * g
                theta = theta - 1e-3 * g / (np.sqrt(v) + 1e-8)
            t.train(batch)
            np.testing.assert_allclose(net.flatten(t.params), theta, rtol=1e-12, atol=1e-15)


def test_dataset_has_noise_per_sample():
    x, y = make_dataset(TrainConfig(n_samples=50_000, noise=0.5))
    assert x.shape == y.shape == (50_000, 1)
    assert -3 <= x.min() and x.max() <= 3 and abs(x.mean()) < 0.05
    residual = (y - x**2).ravel()
    # One noise draw per sample: mean ≈ 0 and std ≈ 0.5 (a single constant would have std 0).
    assert abs(residual.mean()) < 0.01 and residual.std() == pytest.approx(0.5, rel=0.02)
    assert np.array_equal(make_dataset(TrainConfig(n_samples=10))[0], make_dataset(TrainConfig(n_samples=10))[0])


def test_first_step_by_hand():
    c = TrainConfig(n_samples=10, epochs=1)
    t = Trainer(c)
    net = MLP(c.sizes)
    p0 = t.params
    flat0 = net.flatten(p0)
    t.train(1)
    loss, grad = net.loss_and_grad(flat0, t.x[:1], t.y[:1])
    v = -c.lr * grad  # momentum from zero velocity: v1 = −lr·g
    np.testing.assert_allclose(net.flatten(t.params), flat0 + v, rtol=1e-12, atol=1e-18)
    assert t.samples_seen == 1 and not t.done
    # Second step: v2 = β v1 − lr g2.
    opt = momentum(c.lr, c.momentum)
    _, state = opt.update([grad], opt.init([flat0]))
    _, grad2 = net.loss_and_grad(flat0 + v, t.x[1:2], t.y[1:2])
    (v2,), _ = opt.update([grad2], state)
    t.train(1)
    np.testing.assert_allclose(net.flatten(t.params), flat0 + v + v2, rtol=1e-12, atol=1e-18)


CHUNKED = [
    TrainConfig(n_samples=300, epochs=3),
    TrainConfig(n_samples=300, epochs=3, batch_size=7, shuffle=True),
    TrainConfig(n_samples=200, epochs=2, optimizer="adagrad", lr=1e-3, hidden=(8, 4), activation="sigmoid"),
    TrainConfig(n_samples=200, epochs=2, optimizer="sgd", lr=1e-3, batch_size=16),
    TrainConfig(n_samples=300, epochs=3, optimizer="rmsprop", lr=1e-3, decay=0.9),
    TrainConfig(n_samples=300, epochs=3, optimizer="adam", lr=1e-3),
    TrainConfig(n_samples=300, epochs=3, optimizer="adam", lr=1e-3, b1=0.8, b2=0.99, eps=1e-6, batch_size=7,
                shuffle=True),
]


@pytest.mark.parametrize("config", CHUNKED, ids=lambda c: f"{c.optimizer}-b{c.batch_size}-{c.activation}")
@pytest.mark.parametrize("chunk", [1, 5, 64, 299])
def test_chunked_training_is_bit_identical(config, chunk):
    whole = Trainer(config)
    whole.train(10**9)
    parts = Trainer(config)
    while not parts.done:
        parts.train(chunk)
    assert whole.done and whole.samples_seen == parts.samples_seen == config.epochs * config.n_samples
    for a, b in zip(whole.params, parts.params):
        assert np.array_equal(a, b)
    assert whole.history.equals(parts.history)
    assert whole.probes.equals(parts.probes)


def test_train_stays_within_its_budget_in_whole_batches():
    t = Trainer(TrainConfig(n_samples=300, epochs=2, batch_size=64, hidden=(4,)))
    assert t.train(0) == 0 and t.train(-5) == 0
    assert t.train(100) == 64       # one whole batch fits in 100; a second would not
    assert t.train(10) == 64        # less than a batch: one batch anyway, so any chunk size makes progress
    assert t.train(200) == 128 + 44  # two batches, then the epoch's short last batch (300 = 4·64 + 44)
    assert t.epoch == 1 and t.samples_seen == 300


def test_train_refuses_a_second_concurrent_call():
    t = Trainer(TrainConfig(n_samples=100, epochs=1, hidden=(4,)))
    t._training_thread = -1  # as if another thread were inside train()
    with pytest.raises(RuntimeError, match="another call is still training"):
        t.train(10)
    t._training_thread = None
    assert t.train(10) == 10 and t._training_thread is None


def test_pickled_trainer_resumes_identically():
    c = CHUNKED[1]
    a = Trainer(c)
    a.train(250)
    b = pickle.loads(pickle.dumps(a))
    a.train(10**9)
    b.train(10**9)
    assert all(np.array_equal(p, q) for p, q in zip(a.params, b.params))


@pytest.mark.parametrize("config", CHUNKED, ids=lambda c: f"{c.optimizer}-b{c.batch_size}-{c.activation}")
def test_a_trainer_pickled_between_chunks_leaves_its_data_out_and_matches_one_call(config):
    """What a worker pool does: each chunk unpickles the Trainer, trains, pickles it back."""
    whole = Trainer(config)
    whole.train(10**9)
    blob = pickle.dumps(Trainer(config))
    x, _ = make_dataset(config)
    assert x.tobytes() not in blob and pickle.loads(blob)._data is None  # the dataset is not in the pickle
    snapshots = []
    while True:
        t = pickle.loads(blob)
        if t.done:
            break
        t.train(37)
        snapshots += t.take_snapshots()
        blob = pickle.dumps(t)
    assert t.samples_seen == whole.samples_seen and np.array_equal(t.x, whole.x) and np.array_equal(t.y, whole.y)
    assert all(np.array_equal(p, q) for p, q in zip(whole.params, t.params))
    assert whole.history.equals(t.history) and whole.probes.equals(t.probes)
    assert [s.samples_seen for s in snapshots] == [s.samples_seen for s in whole.snapshots]
    assert all(np.array_equal(s.flat, w.flat) for s, w in zip(snapshots, whole.snapshots))


def test_snapshots_at_every_epoch_end_and_spread_over_the_run():
    c = TrainConfig(n_samples=1000, epochs=3, batch_size=7, hidden=(4,))
    bpe = -(-1000 // 7)  # 143 batches, the last one of 6 samples
    t = Trainer(c)
    first = t.snapshots[0]
    t.train(10**9)
    seen = [s.samples_seen for s in t.snapshots]
    assert seen[0] == 0 and np.array_equal(first.flat, t.snapshots[0].flat)
    assert {1000, 2000, 3000} <= set(seen) and seen == sorted(seen) and len(seen) >= SNAPSHOTS + 1
    assert snapshot_batches(c)[-1] == 3 * bpe and len(snapshot_batches(c)) == len(seen) - 1
    # Each snapshot is the run's parameters at that point: replay the run to there and compare.
    for s in t.snapshots[1:6] + t.snapshots[-2:]:
        replay = Trainer(c)
        while replay.samples_seen < s.samples_seen:
            replay.train(min(7, s.samples_seen - replay.samples_seen))
        assert replay.samples_seen == s.samples_seen and np.array_equal(replay.net.flatten(replay.params), s.flat)
        assert s.epoch == s.samples_seen / 1000
    # A net too large for SNAPSHOTS full snapshots keeps fewer, always the last.
    huge = TrainConfig(hidden=(512,) * 4, epochs=200, n_samples=20_000)
    assert 1 <= len(snapshot_batches(huge)) < 10 and snapshot_batches(huge)[-1] == 200 * 20_000


def test_history_is_bounded_and_averages_batches():
    c = TrainConfig(n_samples=5000, epochs=2, hidden=(4,))
    t = Trainer(c)
    t.train(10**9)
    h = t.history
    assert len(h) == MAX_HISTORY_ROWS  # 10,000 batches in buckets of 5
    assert h["samples"].iloc[-1] == 10_000 and h["epoch"].iloc[-1] == 2.0
    assert np.all(np.diff(h["samples"]) == 5)
    small = Trainer(TrainConfig(n_samples=50, epochs=1, hidden=(4,)))
    net = small.net
    flats = [net.flatten(small.params)]
    for _ in range(50):
        small.train(1)
        flats.append(net.flatten(small.params))
    losses = [net.loss_and_grad(f, small.x[i:i + 1], small.y[i:i + 1])[0] for i, f in enumerate(flats[:-1])]
    np.testing.assert_allclose(small.history["loss"], losses, rtol=1e-12)  # bucket of 1: each batch's loss


def test_probes_after_each_epoch():
    t = Trainer(TrainConfig(n_samples=100, epochs=3, hidden=(4,)))
    t.train(10**9)
    p = t.probes
    assert list(p["epoch"]) == [1, 2, 3]
    np.testing.assert_allclose(p.iloc[-1, 1:].to_numpy(dtype=float), t.predict(np.array(PROBE_X)))


def test_blow_up_stops_with_a_message_and_keeps_last_finite_state():
    t = Trainer(TrainConfig(lr=1.0, n_samples=2000, epochs=1, optimizer="sgd"))
    t.train(10**9)
    assert t.done and t.failed is not None and not np.isfinite(t.failed.loss)
    assert t.samples_seen == t.failed.update < 2000  # batch 1: one sample per update
    words = failed_words(t)
    assert f"sample {t.samples_seen:,}" in words and "too large" in words and "learning rate of 1 " in words
    # The same run in chunks: the kept parameters are those after update - 1 updates, and the failure the same.
    again = Trainer(t.config)
    again.train(t.failed.update - 1)
    assert again.failed is None and all(np.array_equal(a, b) for a, b in zip(again.params, t.params))
    again.train(1), again.train(1)
    assert again.failed == t.failed and all(np.array_equal(a, b) for a, b in zip(again.params, t.params))
    assert all(np.all(np.isfinite(p)) for p in t.params)
    assert np.all(np.isfinite(t.history["loss"]))
    assert np.all(np.isfinite(t.predict(np.linspace(-3, 3, 7))))
    assert t.train(100) == 0


@pytest.mark.parametrize("kwargs, match", [
    (dict(hidden=(0,)), "hidden"), (dict(activation="gelu"), "activation"), (dict(optimizer="nadam"), "optimizer"),
    (dict(lr=0), "learning rate"), (dict(momentum=1.0), "momentum"), (dict(batch_size=0), "batch_size"),
    (dict(optimizer="rmsprop", decay=1.0), "decay"), (dict(optimizer="adam", b1=-0.1), "b1"),
    (dict(optimizer="adam", b2=1.0), "b2"), (dict(optimizer="adam", eps=-1.0), "epsilon"),
    (dict(x_min=3, x_max=-3), "x range"), (dict(noise=float("nan")), "noise"), (dict(epochs=0), "epochs"),
])
def test_bad_configs_fail_at_construction(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TrainConfig(**kwargs)


@pytest.mark.parametrize("name", ["batch_size", "epochs", "n_samples", "seed"])
@pytest.mark.parametrize("value", [2.5, -1, float("nan"), float("inf"), "3", None, True])
def test_integer_fields_refuse_what_is_not_a_whole_number_naming_the_field(name, value):
    with pytest.raises(ValueError, match=f"Invalid {name}: "):
        TrainConfig(**{name: value})


@pytest.mark.parametrize("hidden", [(2.7,), (100, -3), (float("inf"),), (float("nan"), 4), ("8",)])
def test_hidden_sizes_must_be_whole_numbers(hidden):
    with pytest.raises(ValueError, match="Invalid hidden layer sizes"):
        TrainConfig(hidden=hidden)


def test_whole_floats_are_taken_as_ints_and_make_the_same_run():
    config = TrainConfig(hidden=(16.0, np.int64(8)), batch_size=4.0, epochs=np.float64(2), n_samples=100.0, seed=7.0)
    assert config == TrainConfig(hidden=(16, 8), batch_size=4, epochs=2, n_samples=100, seed=7)
    assert all(type(v) is int for v in (*config.hidden, config.batch_size, config.epochs, config.n_samples,
                                        config.seed))
    assert TrainConfig(seed=0).seed == 0  # the seed may be 0; the counts may not
    config, error = build_config(batch_size=2.5)
    assert config is None and error.startswith("Invalid batch_size: 2.5")


def test_limits_are_reported():
    assert TrainConfig().limit_errors() == []
    errors = TrainConfig(hidden=(1000,) * 5, n_samples=LIMITS["n_samples"] + 1).limit_errors()
    assert len(errors) == 4 and any("5 hidden layers" in e for e in errors)


@pytest.mark.slow
def test_original_experiment_fits_x_squared_and_fails_far_outside():
    t = Trainer(TrainConfig())
    assert t.train(10**9) == 400_000 and t.done and t.failed is None
    pred = t.predict(np.array([1.0, -1.0, 2.0, -2.0, 103.0]))
    assert abs(pred[0] - 1) < 0.1 and abs(pred[1] - 1) < 0.1
    assert abs(pred[2] - 4) < 0.2 and abs(pred[3] - 4) < 0.2
    assert 300 < pred[4] < 1000  # the truth is 10,609: a ReLU net extrapolates linearly
    assert len(t.history) <= MAX_HISTORY_ROWS
