"""Issue 13 in core: targets (make_dataset, truth, words), the units view, compare= links, run labels and the
comparison table; checked against numpy's own functions, hand-built nets and hand-computed numbers."""
import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.dataset import cached_dataset, make_dataset
from core.nn import MLP
from core.train import LIMITS, TrainConfig, Trainer
from labs.mlp import charts as charts
from labs.mlp import compare as mlp_compare
from labs.mlp import curves as mlp_curves
from labs.mlp import far as mlp_far
from labs.mlp import settings as mlp_settings
from labs.mlp import words as mlp_words

TRUTH = {"x2": lambda x: x ** 2, "abs": np.fabs, "cube": lambda x: x ** 3, "sin": np.sin}  # written independently


# -- targets ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("target", list(TRUTH))
def test_make_dataset_follows_the_target_with_the_same_x_and_noise(target):
    base = TrainConfig(n_samples=500, noise=0.3, seed=5)
    x0, y0 = make_dataset(base)
    x, y = make_dataset(TrainConfig(n_samples=500, noise=0.3, seed=5, target=target))
    assert np.array_equal(x, x0)
    np.testing.assert_allclose(y - TRUTH[target](x), y0 - x0 ** 2, atol=1e-12)  # the same noise, added the same way
    cx, cy = cached_dataset(TrainConfig(n_samples=500, noise=0.3, seed=5, target=target))
    assert np.array_equal(cy, y)  # the workers' cache keeps targets apart


def test_the_default_config_and_its_data_are_unchanged():
    assert TrainConfig() == TrainConfig(target="x2") and TrainConfig().target == "x2"
    config = TrainConfig(n_samples=300, noise=0.5, seed=3)
    rng = np.random.default_rng(np.random.SeedSequence([3, 0]))  # the data stream, as before targets existed
    x = rng.uniform(-3, 3, size=(300, 1))
    y = x * x + 0.5 * rng.standard_normal((300, 1))
    got = make_dataset(config)
    assert np.array_equal(got[0], x) and np.array_equal(got[1], y)


def test_an_unknown_target_fails_at_construction():
    with pytest.raises(ValueError, match="target.*exp"):
        TrainConfig(target="exp")


@pytest.mark.parametrize("target, truth, words", [
    ("x2", 10_609.0, "x² keeps curving up to 10,609"),
    ("abs", 103.0, "|x| goes on as the straight line y = x (slope 1) to 103"),
    ("cube", 1_092_727.0, "x³ keeps climbing ever faster, to 1,092,727"),
    ("sin", math.sin(103.0), f"sin x keeps waving between −1 and 1 (sin 103 = {math.sin(103):.3f})"),
])
def test_the_far_probe_and_the_fit_follow_the_target(target, truth, words):
    net = MLP((1, 4, 1))
    params = [np.array([[1.0, -2.0, 0.5, 0.0]]), np.array([-1.0, 1.0, 0.0, 2.0]),
              np.array([[2.0], [3.0], [-1.0], [0.5]]), np.array([0.25])]
    far = mlp_far.far_probe(net, params, -3, 3, target=target)
    assert far.truth == pytest.approx(truth, rel=1e-15) and words in far.sentence()
    curve = mlp_curves.fit_curve(net, params, -3, 3, target=target)
    dashed = curve[curve["series"] == f"target {mlp_words.target_label(target)}"]
    assert len(dashed) == mlp_curves.FIT_POINTS
    np.testing.assert_allclose(dashed["y"], TRUTH[target](dashed["x"].to_numpy()), rtol=1e-14)
    probes = pd.DataFrame([[1, 0.0, 0.0, 0.0, 0.0]], columns=["epoch", "1", "2", "-1", "-2"])
    table = mlp_words.probe_table(probes, target)
    assert table.iloc[0, 0] == f"{mlp_words.target_label(target)} (truth)"
    np.testing.assert_allclose(table.iloc[0, 1:].to_numpy(dtype=float), TRUTH[target](np.array([1.0, 2, -1, -2])))
    spec = charts.fit_spec(curve, -3, 3, mlp_curves.kinks(net, params), label=mlp_words.target_label(target))
    legend = spec["layer"][1]["encoding"]["color"]["scale"]["domain"]
    assert legend == [f"target {mlp_words.target_label(target)}", "prediction"]
    assert spec["title"] == f"The fit: {mlp_words.target_label(target)} and the net's prediction"


def test_a_tanh_net_far_away_is_said_to_saturate():
    net = MLP((1, 2, 1), "tanh")
    params = [np.array([[1.0, -1.0]]), np.array([0.0, 1.0]), np.array([[2.0], [3.0]]), np.array([0.5])]
    far = mlp_far.far_probe(net, params, -3, 3)
    assert far.prediction == pytest.approx(2 * math.tanh(103) + 3 * math.tanh(-102) + 0.5)  # = 2 − 3 + 0.5
    assert "tanh net flattens out" in far.sentence() and "saturates" in far.sentence()


def test_every_target_has_a_lesson_in_the_intro():
    for target in TRUTH:
        sentence = mlp_words.target_sentence(target)
        assert f"y = {mlp_words.target_label(target)}" in sentence and "103" in sentence


def test_a_short_run_learns_abs_and_sin_inside_the_data():
    for target, tol in (("abs", 0.2), ("sin", 0.2)):
        trainer = Trainer(TrainConfig(target=target, optimizer="adagrad", lr=0.05, batch_size=16, epochs=20,
                                      n_samples=2000, hidden=(32,)))
        trainer.train(10**9)
        x = np.array([-2.0, -1.0, 1.0, 2.0])
        assert np.abs(trainer.predict(x) - TRUTH[target](x)).max() < tol


# -- the units -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_the_units_sum_to_the_prediction(activation):
    net = MLP((1, 7, 1), activation)
    params = net.init(np.random.default_rng(3), scale=1.0)
    params[1] += np.linspace(-2, 2, 7)
    units = mlp_curves.unit_contributions(net, params, -3, 3)
    lo, hi = mlp_curves.fit_range(-3, 3)
    grid = np.linspace(lo, hi, 101)
    # each unit's polyline, read at a dense grid: exact for ReLU hinges (3 points), close for smooth units
    total = np.zeros_like(grid)
    for _, rows in units.groupby("unit"):
        total += np.interp(grid, rows["x"].to_numpy(), rows["y"].to_numpy())
    tol = 1e-12 if activation == "relu" else 0.05
    np.testing.assert_allclose(total + params[3][0], net.predict(params, grid.reshape(-1, 1)).ravel(), atol=tol)
    assert len(units) <= mlp_curves.MAX_UNIT_ROWS


def test_units_mark_kinks_and_dead_units():
    net = MLP((1, 3, 1))
    # unit 0: kink at x = 1; unit 1: relu(x − 5) is 0 on all of [−3, 3] (dead); unit 2: w = 0, b = 1 (constant)
    params = [np.array([[1.0, 1.0, 0.0]]), np.array([-1.0, -5.0, 1.0]), np.array([[2.0], [1.0], [3.0]]),
              np.array([0.0])]
    units = mlp_curves.unit_contributions(net, params, -3, 3)
    u0 = units[units["unit"] == 0]
    assert u0["x"].tolist() == [-5.0, 1.0, 5.0] and u0["y"].tolist() == [0.0, 0.0, 8.0]
    assert set(units[units["unit"] == 1]["state"]) == {"dead"}
    assert set(units[units["unit"] != 1]["state"]) == {"active"}
    assert units[units["unit"] == 2]["y"].tolist() == [3.0, 3.0]
    caption = mlp_curves.units_caption(net, params, -3, 3)
    assert "1 of 3" in caption and "c = 0" in caption
    spec = charts.fit_spec(mlp_curves.fit_curve(net, params, -3, 3), -3, 3, mlp_curves.kinks(net, params), units=units)
    assert len(spec["datasets"]["units"]) == len(units)


def test_units_need_one_hidden_layer():
    net = MLP((1, 4, 3, 1))
    assert mlp_curves.unit_contributions(net, net.init(np.random.default_rng(0)), -3, 3) is None
    assert "one hidden layer" in mlp_curves.units_caption(net, net.init(np.random.default_rng(0)), -3, 3)


# -- compare= links -----------------------------------------------------------------------------------
@pytest.mark.parametrize("configs, text", [
    ([TrainConfig()], "default"),
    ([TrainConfig(), TrainConfig(activation="sigmoid")], "default~act:sigmoid"),
    ([TrainConfig(lr=2e-5, batch_size=64)], "lr:2e-5,batch:64"),
    ([TrainConfig(hidden=(64, 32), optimizer="sgd", target="sin", shuffle=True, noise=0.5, momentum=0.5, seed=7,
                  epochs=3, n_samples=900)],
     "target:sin,hidden:64-32,opt:sgd,mom:0.5,epochs:3,n:900,noise:0.5,seed:7,shuffle:true"),
    ([TrainConfig(lr=0.00012345678)], "lr:0.00012345678"),
    ([TrainConfig(activation="tanh"), TrainConfig(target="abs"), TrainConfig(target="cube"), TrainConfig(lr=1e-9)],
     "act:tanh~target:abs~target:cube~lr:1e-9"),
])
def test_compare_links_round_trip(configs, text):
    assert mlp_compare.format_compare(configs) == text
    assert mlp_compare.parse_compare(text) == (configs, None)


@pytest.mark.parametrize("text, words", [
    ("act:gelu", "act = “gelu” is not one of relu, sigmoid, tanh"),
    ("lr:abc", "lr = “abc” is not a number"),
    ("lr:0", "outside the allowed range"),
    ("lr:nan", "not a finite number"),
    ("batch:2.5", "not a whole number"),
    ("hidden:1-2-3-4-5", "at most 4"),
    ("hidden:9999", "outside the allowed range [1, 512]"),
    ("epochs:200,n:200000", "4,000,000"),
    ("default~default", "run 2 repeats run 1"),
    ("lr:1e-4,lr:2e-4", "gives lr twice"),
    ("a~b~c~d~e", "run 1 has “a”"),
    ("nonsense", "not key:value"),
    ("x" * 700, "too long"),
])
def test_bad_compare_links_are_named_and_compare_nothing(text, words):
    configs, error = mlp_compare.parse_compare(text)
    assert configs == [] and words in error
    assert error.startswith("Ignored compare = ") and error.endswith("; comparing no runs.")


FIVE = ["default", "act:sigmoid", "act:tanh", "lr:2e-5", "batch:64"]


def test_five_runs_compare_the_first_four_and_name_the_one_left_out():
    """Issue 26: compare= with five runs refused the whole link ("at most 4; comparing no runs")."""
    configs, notice = mlp_compare.parse_compare("~".join(FIVE))
    assert configs == [TrainConfig(), TrainConfig(activation="sigmoid"), TrainConfig(activation="tanh"),
                       TrainConfig(lr=2e-5)]
    assert "lists 5 runs" in notice and "comparing the first 4 and leaving out run 5, “batch:64”." in notice
    assert "comparing no runs" not in notice
    configs, notice = mlp_compare.parse_compare("~".join([*FIVE, "seed:3"]))
    assert len(configs) == 4 and "leaving out runs 5 to 6, “batch:64”, “seed:3”." in notice
    configs, notice = mlp_compare.parse_compare("~".join([*FIVE[:4], "act:gelu"]))  # a run left out is not read
    assert len(configs) == 4 and "leaving out run 5, “act:gelu”" in notice
    configs, notice = mlp_compare.parse_compare("~".join(["act:gelu", *FIVE[1:]]))  # a bad run that is kept refuses
    assert configs == [] and notice.startswith("Ignored compare = ") and "gelu" in notice


@settings(max_examples=60, deadline=None, derandomize=True)
@given(seeds=st.lists(st.integers(0, 999), min_size=1, max_size=9, unique=True))
def test_a_compare_link_keeps_its_first_four_runs_and_names_every_other(seeds):
    runs = [f"seed:{seed}" for seed in seeds]
    configs, notice = mlp_compare.parse_compare("~".join(runs))
    assert configs == [TrainConfig(seed=seed) for seed in seeds[:4]]
    if len(runs) <= 4:
        assert notice is None
    else:
        assert f"lists {len(runs)} runs" in notice and "comparing no runs" not in notice
        assert all(f"“{run}”" in notice for run in runs[4:]) and not any(f"“{run}”" in notice for run in runs[:4])


def test_the_page_bounds_are_the_limits():
    bounds = {key: (setting.lo, setting.hi) for key, setting in mlp_settings.BY_KEY.items()}
    assert bounds["lr"] == (LIMITS["lr_min"], LIMITS["lr_max"]) == (1e-9, 10.0)
    assert bounds["noise"] == (0.0, 10.0) and bounds["n"] == (1, LIMITS["n_samples"])


# -- labels and the table ---------------------------------------------------------------------------------
@pytest.mark.parametrize("current, others, labels", [
    (TrainConfig(activation="sigmoid"), [TrainConfig()], ["sigmoid", "relu"]),
    (TrainConfig(), [TrainConfig(lr=2e-5)], ["lr 1e-5", "lr 2e-5"]),
    (TrainConfig(), [TrainConfig(lr=2e-5), TrainConfig(batch_size=64)], ["lr 1e-5, batch 1", "lr 2e-5", "batch 64"]),
    (TrainConfig(), [TrainConfig(target="sin", hidden=(8, 8))], ["y = x², hidden 100", "y = sin x, hidden 8,8"]),
    (TrainConfig(), [TrainConfig()], ["this run", "same settings"]),
])
def test_runs_are_labelled_by_what_differs(current, others, labels):
    assert mlp_compare.run_labels(current, others) == labels


def test_final_loss_is_the_mean_over_the_last_epoch():
    history = pd.DataFrame({"samples": [1, 2, 3, 4, 5], "epoch": [0.5, 1.0, 1.5, 1.8, 2.0],
                            "loss": [9.0, 7.0, 3.0, 2.0, 1.0]})
    assert mlp_compare.final_loss(history, 2) == pytest.approx(2.0)  # rows past epoch 1: 3, 2, 1
    assert math.isnan(mlp_compare.final_loss(history.iloc[:0], 2))


def test_the_comparison_table_holds_the_truth_and_each_runs_predictions():
    trainers = []
    for act in ("relu", "sigmoid"):
        trainer = Trainer(TrainConfig(activation=act, optimizer="adagrad", lr=0.01, batch_size=16, epochs=2,
                                      n_samples=400))
        trainer.train(10**9)
        trainers.append(trainer)
    runs = [mlp_compare.summarize(t) for t in trainers]
    runs[0] = dataclasses.replace(runs[0], train_seconds=1.25)
    table = mlp_compare.compare_numbers(["relu", "sigmoid"], runs)
    assert table.columns.tolist() == ["run", "state", "final loss", "f(-2)", "f(-1)", "f(1)", "f(2)", "f(103)",
                                      "time (s)"]
    assert table.iloc[0, 3:8].tolist() == [4.0, 1.0, 1.0, 4.0, 10_609.0]
    for row, trainer in zip(table.iloc[1:].itertuples(index=False), trainers):
        assert list(row[3:8]) == trainer.predict(np.array([-2.0, -1, 1, 2, 103])).tolist()
        assert row[2] == pytest.approx(mlp_compare.final_loss(trainer.history, 2)) and row[1] == "done"
    assert table["time (s)"].iloc[1] == 1.25 and pd.isna(table["time (s)"].iloc[2])  # a Trainer has no time
    curves = mlp_compare.compare_loss_curves(["relu", "sigmoid"], runs)
    assert set(curves["run"]) == {"relu", "sigmoid"} and (curves["loss"] > 0).all()
    smoothed = mlp_curves.loss_curve(trainers[1].history, mlp_compare.COMPARE_LOSS_ROWS)
    np.testing.assert_array_equal(curves[curves["run"] == "sigmoid"]["loss"],
                                  smoothed[smoothed["series"] == "smoothed"]["loss"])
    fits = mlp_compare.compare_fits(["relu", "sigmoid"], runs)
    one = fits[fits["run"] == "sigmoid"]
    np.testing.assert_array_equal(one["y"].to_numpy(), trainers[1].predict(one["x"].to_numpy()))
    chart = charts.compare_fit_chart(fits, mlp_compare.target_curve("x2", -3, 3), ["relu", "sigmoid"], -3, 3).to_dict()
    assert "dashed: x²" in str(chart["title"])
    charts.compare_loss_chart(curves, ["relu", "sigmoid"]).to_dict()
    spec = charts.compare_fit_spec(fits, mlp_compare.target_curve("x2", -3, 3), ["relu", "sigmoid"], -3, 3)
    assert spec["title"] == chart["title"] and spec["datasets"]["fits"].equals(fits)
    colours = spec["layer"][2]["encoding"]["color"]["scale"]
    assert colours["domain"] == ["relu", "sigmoid"] and len(colours["range"]) == 2
    loss = charts.compare_loss_spec(curves, ["relu", "sigmoid"])
    assert loss["datasets"]["loss"].equals(curves) and "log" in str(loss["encoding"]["y"])


def test_the_comparison_table_leaves_empty_cells_empty_and_says_which_runs_are_not_finished():
    """Issue 26: the truth row printed "None" as its final loss and time, and a run still computing showed its
    partial numbers as if they were final. Runs: one computing (500 of 800 samples), one done, one stopped
    early by a learning rate that blows up."""
    small = dict(optimizer="adagrad", batch_size=16, n_samples=400)
    computing = Trainer(TrainConfig(lr=0.01, epochs=2, **small))
    computing.train(500)
    done = Trainer(TrainConfig(lr=0.01, epochs=1, **small))
    done.train(10**9)
    blown = Trainer(TrainConfig(optimizer="sgd", lr=10.0, batch_size=16, epochs=2, n_samples=400))
    blown.train(10**9)
    assert blown.failed is not None and blown.samples_seen < 800
    runs = [mlp_compare.summarize(t) for t in (computing, done, blown)]
    runs[1] = dataclasses.replace(runs[1], train_seconds=0.25)
    cells = mlp_compare.compare_table(["computing", "done", "blown"], runs).to_numpy().tolist()
    assert cells[0][:3] == ["x² (truth)", "", ""] and cells[0][-1] == ""
    assert cells[0][3:8] == ["4", "1", "1", "4", "10,609"]
    assert all(isinstance(c, str) and "None" not in c and "nan" not in c for row in cells for c in row)
    assert cells[1][1] == f"computing: {500 / 800:.0%} done, numbers so far" and cells[1][2] == ""
    assert cells[2][1] == "done" and cells[2][2] == f"{mlp_compare.final_loss(done.history, 1):.4g}"
    assert cells[2][-1] == "0.2"  # round(0.25, 1): to a tenth of a second
    assert cells[3][1] == f"stopped early, at sample {blown.samples_seen:,}"
    # The text is the runs' own numbers, written by table_number.
    assert cells[1][3:8] == [mlp_compare.table_number(p) for p in computing.predict(np.array([-2.0, -1, 1, 2, 103]))]


@pytest.mark.parametrize("value, text", [(10_609.0, "10,609"), (1_092_727.0, "1,092,727"), (3.98712, "3.987"),
                                         (0.0123456, "0.01235"), (-2.5, "-2.5"), (6.753e32, "6.753e+32"),
                                         (math.nan, ""), (None, "")])
def test_table_numbers(value, text):
    assert mlp_compare.table_number(value) == text


@pytest.mark.parametrize("n_runs", [1, 2, 5])
def test_compared_runs_are_listed_whole_one_per_row_and_the_plot_keeps_its_room(n_runs):
    """Run labels name every setting that differs ("sigmoid, epochs 20, samples 20000"): a legend side by side
    was cut at the chart's edge, and one under a chart that Streamlit fits into its height squeezed the plot."""
    labels = [f"run {i}, epochs 20, samples 20000" for i in range(n_runs)]
    curves = pd.DataFrame({"run": np.repeat(labels, 3), "epoch": np.tile([0.5, 1.0, 2.0], n_runs),
                           "loss": np.tile([1.0, 0.5, 0.1], n_runs)})
    fits = pd.DataFrame({"run": np.repeat(labels, 2), "x": np.tile([-1.0, 1.0], n_runs), "y": 1.0})
    specs = [charts.compare_loss_spec(curves, labels, height=300),
             charts.compare_fit_spec(fits, mlp_compare.target_curve("x2", -3, 3), labels, -3, 3, height=300)]
    for spec in specs:
        colour = spec["encoding"]["color"] if "encoding" in spec else spec["layer"][2]["encoding"]["color"]
        legend = colour["legend"]
        assert legend["orient"] == "bottom" and legend["direction"] == "vertical"
        assert legend["labelLimit"] >= 7 * max(map(len, labels))  # 7 px a character: Vega's 10 px font averages ~6
        assert spec["height"] == 300 + charts.RUN_LEGEND_ROW_PX * n_runs


def test_a_summary_is_small_whatever_the_net():
    config = TrainConfig(hidden=(512,) * 4, epochs=1, n_samples=10)
    trainer = Trainer(config)
    trainer.train(10)
    summary = mlp_compare.summarize(trainer)
    arrays = [summary.curve_epoch, summary.curve_loss, summary.fit_y, summary.at_x]
    assert sum(a.nbytes for a in arrays) < 8 * 1000 and trainer.net.flatten(trainer.params).nbytes > 6_000_000
    assert summary.done and summary.samples_seen == 10


def test_the_replay_draws_the_runs_own_target():
    from labs.mlp.replay import mlp_replay

    config = TrainConfig(target="sin", epochs=1, n_samples=200, batch_size=20)
    trainer = Trainer(config)
    trainer.train(10**9)
    replay = mlp_replay(trainer.net, trainer.snapshots, -3, 3, target="sin")
    fit_panel, probe_panel = replay["panels"]
    dashed = fit_panel["curves"][0]
    np.testing.assert_allclose(dashed["y"], np.sin(np.array(dashed["x"])), atol=1e-12)
    assert "dashed: sin x" in fit_panel["title"] and "true sin x" in replay["notes"][0]
    assert sorted(r["at"] for r in probe_panel["hrules"]) == pytest.approx(sorted(np.sin([1.0, 2, -1, -2])))
    assert (fit_panel["y"]["lo"], fit_panel["y"]["hi"]) == pytest.approx((-1.2, 1.2), abs=0.01)
