"""Replays sent to the browser player: the iterates are the core's, bit for bit, after a JSON round trip;
everything is finite; payloads stay bounded; thinning keeps cycles of period 2 and 4 alternating."""
import json

import numpy as np
import pytest

from core.descent import gradient_descent
from core.objective import Quadratic
from core.surfaces import SURFACES
from labs import replay
from labs.adagrad import chart_data, races
from labs.adagrad import replay as adagrad_replay
from labs.descent import ranges as descent_ranges
from labs.descent import replay as descent_replay
from labs.descent import runs as descent_runs
from labs.mlp import replay as mlp_replay

DEFAULT = Quadratic()


def wire(payload: dict) -> dict:
    """What the browser parses: Streamlit sends the data with json.dumps."""
    text = json.dumps(payload)
    assert "NaN" not in text and "Infinity" not in text
    return json.loads(text)


def test_descent_replay_holds_gradient_descents_iterates_bit_for_bit():
    trajs = [gradient_descent(DEFAULT, x0, 0.01, 1000, 1e-6) for x0 in (0.0, 3.0)]
    lo, hi = descent_ranges.x_range(DEFAULT, [0.0, 3.0])
    sent = wire(descent_replay.descent_replay(DEFAULT, trajs, lo, hi))
    assert sent["last"] == 86 and sent["speed"] == 10.0  # 86 updates in 8.6 s
    for series, traj in zip(sent["series"], trajs):
        assert series["stride"] == 1 and series["steps"] == traj.steps
        xs = np.array(series["data"]["x"])
        assert xs.tobytes() == traj.xs.tobytes()  # every bit of every double
        assert series["data"]["p"] == [float(v) for v in DEFAULT.residual(traj.xs)]
    assert [s["label"] for s in sent["series"]] == ["x0 = 0", "x0 = 3"]
    assert len({s["color"] for s in sent["series"]}) == 2 and sent["series"][0]["dash"] != sent["series"][1]["dash"]
    loss, p = sent["panels"]
    assert loss["y"]["type"] == "symlog" and loss["y"]["ticks"][0] == [0.0, "0"]
    assert sorted(pt["x"] for pt in p["points"]) == [1.0, 4.0]  # the roots
    assert p["vrules"][0]["at"] == 2.5  # the vertex


def test_diverging_runs_are_sent_finite_and_clamped_next_to_the_panel():
    trajs = descent_runs.run(DEFAULT, [0, 3, 2.5], 0.5, 1000, 1e-6)  # two diverge past 1e6
    lo, hi = descent_ranges.x_range(DEFAULT)
    sent = wire(descent_replay.descent_replay(DEFAULT, trajs, lo, hi))
    top = sent["panels"][0]["y"]["hi"]
    for series, traj in zip(sent["series"], trajs):
        assert np.array(series["data"]["x"]).tobytes() == traj.xs.tobytes()
        assert max(series["data"]["loss"]) <= 2 * top  # clamped one span above the panel at most
    with pytest.raises(ValueError):
        replay.finish({"x": float("nan")})


@pytest.mark.parametrize("steps, stride", [(10, 1), (3999, 1), (4000, 3), (10_000, 3), (20_000, 7)])
def test_long_runs_are_thinned_with_an_odd_stride(steps, stride):
    assert replay.stride_for(steps) == stride
    kept = replay.sample_steps(steps, stride)
    assert kept[0] == 0 and kept[-1] == steps and len(kept) <= replay.MAX_SAMPLES
    assert np.all(np.diff(kept) <= stride)


def test_a_thinned_two_cycle_still_alternates():
    traj = gradient_descent(DEFAULT, 3.0, 0.122, 10_000, 1e-6)  # ends in the 2-cycle 3.72 ↔ 4.17
    lo, hi = descent_ranges.x_range(DEFAULT, [3.0])
    sent = wire(descent_replay.descent_replay(DEFAULT, [traj], lo, hi))
    series = sent["series"][0]
    assert series["stride"] == 3 and "one update in 3" in sent["notes"][0]
    xs = np.array(series["data"]["x"])
    kept = replay.sample_steps(traj.steps, 3)
    assert xs.tobytes() == traj.xs[kept].tobytes()
    tail = xs[-200:-1]
    assert np.all(np.abs(np.diff(tail)) > 0.3)  # consecutive kept iterates sit on opposite sides of the cycle


def test_cobweb_path_goes_through_the_iterates():
    traj = gradient_descent(DEFAULT, 0.0, 0.05, 1000, 1e-6)
    lo, hi = descent_ranges.x_range(DEFAULT, [0.0])
    series = wire(descent_replay.cobweb_replay(DEFAULT, traj, 0.05, lo, hi))["series"][0]["data"]
    n = traj.steps + 1
    assert len(series["cx"]) == len(series["cy"]) == 2 * n - 1
    # vertex 2k is (x_k, x_k), vertex 2k+1 is (x_k, x_{k+1})
    assert series["cx"][::2] == series["cy"][::2] == traj.xs.tolist()
    assert series["cy"][1::2] == traj.xs[1:].tolist()


def test_race_replays_name_the_three_optimisers_and_hold_their_iterates():
    runs = races.race(DEFAULT, 0.0, 0.2, 1000)
    sent = wire(adagrad_replay.race_1d_replay(DEFAULT, runs, chart_data.root_view(DEFAULT, 0.0)))
    assert [s["label"] for s in sent["series"]] == ["gradient descent", "momentum", "Adagrad"]
    assert sent["last"] == max(t.steps for t in runs.values())
    for series, traj in zip(sent["series"], runs.values()):
        assert np.array(series["data"]["x"]).tobytes() == traj.xs.tobytes()
    assert sent["series"][1]["dash"] and not sent["series"][0]["dash"]  # momentum dashed over GD
    surface = SURFACES["bowl"]
    runs_2d = races.race(surface, (-8.0, 1.5), 0.035, 1000, lr_adagrad=1.0)
    box = chart_data.view_box(surface, (-8.0, 1.5))
    xs, ys, F = surface.grid(*box, n=60)
    sent = wire(adagrad_replay.race_2d_replay(runs_2d, box, xs, ys, F, surface.minimum, title="t"))
    for series, traj in zip(sent["series"], runs_2d.values()):
        assert np.array(series["data"]["x"]).tobytes() == traj.xs[:, 0].tobytes()
        assert np.array(series["data"]["y"]).tobytes() == traj.xs[:, 1].tobytes()
    heat = sent["panels"][0]["heat"]
    assert len(heat["v"]) == 3600 and min(heat["v"]) == 0.0 and max(heat["v"]) == 1.0


def test_default_speed_plays_a_replay_in_about_ten_seconds():
    assert [replay.default_speed(n) for n in (5, 86, 1000, 10_000, 100_000)] == [1.0, 10.0, 100.0, 1000.0, 1000.0]


def test_the_id_changes_with_what_is_drawn():
    trajs = [gradient_descent(DEFAULT, 0.0, 0.01, 1000, 1e-6)]
    a = descent_replay.descent_replay(DEFAULT, trajs, -2, 7)
    b = descent_replay.descent_replay(DEFAULT, trajs, -2, 7)
    c = descent_replay.descent_replay(DEFAULT, [gradient_descent(DEFAULT, 0.0, 0.02, 1000, 1e-6)], -2, 7)
    assert a["id"] == b["id"] != c["id"]


def test_the_cobweb_of_a_diverging_run_is_clamped_next_to_the_panel():
    traj = descent_runs.run(DEFAULT, [3.0], 0.5, 1000, 1e-6)[0]  # escapes past 1e6
    lo, hi = descent_ranges.x_range(DEFAULT)
    data = wire(descent_replay.cobweb_replay(DEFAULT, traj, 0.5, lo, hi))["series"][0]["data"]
    assert np.array(data["x"]).tobytes() == traj.xs.tobytes() and abs(data["x"][-1]) > 1e6
    assert max(map(abs, data["cx"] + data["cy"])) <= max(abs(lo), abs(hi)) + (hi - lo)


def test_mlp_replay_holds_each_snapshots_prediction_bit_for_bit():
    from core.train import SNAPSHOTS, TrainConfig, Trainer
    from labs.mlp.curves import fit_range

    c = TrainConfig(n_samples=600, epochs=3, batch_size=4, hidden=(8,), lr=1e-3)
    t = Trainer(c)
    t.train(10**9)
    net, snaps = t.net, t.snapshots
    sent = wire(mlp_replay.mlp_replay(net, snaps, c.x_min, c.x_max))
    assert sent["unit"] == "Snapshot" and sent["last"] == len(snaps) - 1 >= SNAPSHOTS
    fit, probes = sent["panels"]
    curve = next(layer for layer in fit["layers"] if layer["kind"] == "curve")
    grid = np.linspace(*fit_range(c.x_min, c.x_max), mlp_replay.MLP_FIT_POINTS)
    assert np.array(curve["x"]).tobytes() == grid.tobytes()
    assert len(curve["ys"]) == len(snaps) >= 51
    for k, snap in enumerate(snaps):
        truth = net.predict(net.unflatten(np.array(snap.flat)), grid.reshape(-1, 1)).ravel()
        assert np.array(curve["ys"][k]).tobytes() == truth.tobytes()  # every bit of every double
    # every epoch end is a snapshot, and there the probe series are the trainer's own probes, bit for bit
    epochs = sent["series"][0]["data"]["epoch"]
    assert {1.0, 2.0, 3.0} <= set(epochs) and epochs[0] == 0.0
    assert [s["label"] for s in sent["series"]] == [f"prediction at x = {x:g}" for x in (1, 2, -1, -2)]
    table = t.probes.to_numpy()  # epoch, then one column per probe x
    for row in table:
        k = epochs.index(float(row[0]))
        assert [s["data"]["p"][k] for s in sent["series"]] == [float(v) for v in row[1:]]
    assert [layer["kind"] for layer in probes["layers"]] == ["path", "marker"]
    assert sorted(r["at"] for r in probes["hrules"]) == [1.0, 4.0]


def test_mlp_replay_of_a_blown_up_run_is_finite():
    from core.train import TrainConfig, Trainer

    c = TrainConfig(n_samples=200, epochs=2, batch_size=1, hidden=(8,), lr=5.0, optimizer="sgd")
    t = Trainer(c)
    t.train(10**9)
    sent = wire(mlp_replay.mlp_replay(t.net, t.snapshots, c.x_min, c.x_max))  # wire() rejects nan and inf
    top = sent["panels"][0]["y"]["hi"]
    last = t.net.predict(t.net.unflatten(t.snapshots[-1].flat), np.linspace(-5, 5, 200).reshape(-1, 1))
    assert np.abs(last).max() > 1e40  # the run did blow up: its last snapshot predicts far off the panel
    ys = sent["panels"][0]["layers"][0]["ys"]
    assert max(abs(v) for curve in ys for v in curve) <= 3 * top  # drawn clamped just outside the panel
    assert max(abs(v) for s in sent["series"] for v in s["data"]["p"]) <= 3 * top


def _live_of(trainer):
    from labs.mlp import curves as mlp_curves
    c, params = trainer.config, trainer.params
    return mlp_replay.mlp_live(mlp_curves.loss_curve(trainer.history), mlp_curves.epoch_boundaries(trainer.epoch),
                           mlp_curves.fit_curve(trainer.net, params, c.x_min, c.x_max),
                           mlp_curves.kinks(trainer.net, params), c.x_min, c.x_max, c.epochs)


def test_mlp_live_picture_draws_the_runs_own_loss_and_prediction():
    from core.train import TrainConfig, Trainer
    trainer = Trainer(TrainConfig(epochs=3, n_samples=2000, seed=4))
    trainer.train(4500)  # two epochs and a bit
    live = _live_of(trainer)
    json.dumps(live, allow_nan=False)
    loss, fit = live["panels"]
    assert loss["y"]["type"] == "log" and loss["x"]["hi"] == 3.0  # the whole run's epochs: the curve grows
    assert [r["at"] for r in loss["vrules"]] == [1.0, 2.0]        # the finished epochs
    raw = {c["name"]: c for c in loss["curves"]}["loss"]
    history = trainer.history
    # the raw curve holds the history's own rows (6 significant digits), first and last among them
    assert raw["x"][0] == pytest.approx(history["epoch"].iloc[0], rel=1e-5)
    assert raw["y"][-1] == pytest.approx(history["loss"].iloc[-1], rel=1e-5)
    assert loss["y"]["lo"] <= min(raw["y"]) and max(raw["y"]) <= loss["y"]["hi"]
    assert np.log10(loss["y"]["lo"]).is_integer() and np.log10(loss["y"]["hi"]).is_integer()
    pred = {c["name"]: c for c in fit["curves"]}["prediction"]
    x = np.array(pred["x"])
    truth = trainer.net.predict(trainer.params, x.reshape(-1, 1)).ravel()
    inside = (truth > fit["y"]["lo"]) & (truth < fit["y"]["hi"])
    assert inside.sum() > 100
    np.testing.assert_allclose(np.array(pred["y"])[inside], truth[inside], rtol=1e-5, atol=1e-6)
    assert len(fit["points"]) > 0 and all(p["shape"] == "triangle" for p in fit["points"])  # ReLU kinks


def test_mlp_live_picture_of_a_blown_up_run_is_finite():
    from core.train import TrainConfig, Trainer
    trainer = Trainer(TrainConfig(lr=1.0, epochs=1, n_samples=500, seed=1))
    trainer.train(10**6)
    assert trainer.failed is not None
    json.dumps(_live_of(trainer), allow_nan=False)  # raises on nan/inf
