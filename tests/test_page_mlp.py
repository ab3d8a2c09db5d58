"""The MLP-training page: AppTest runs of the script, then the real app in Chromium."""
import json
import re
import time

import numpy as np
import pandas as pd
import pytest
from helpers import run_app, shown, train_to_end
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from app import shared_runs
from core.dataset import target_values
from core.train import TrainConfig, Trainer
from harness.browser import assert_no_exception, open_page, wait_for_done, wait_for_run
from labs.mlp import compare as mlp_compare
from labs.mlp import curves as mlp_curves
from labs.mlp import downloads as mlp_downloads
from labs.mlp import words as mlp_words

PAGE = "pages/3_MLP_training.py"


def app(**query) -> AppTest:
    return run_app(PAGE, query)


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)



def chart_frames(at: AppTest) -> list:
    """Every dataset of every chart on the page, as DataFrames."""
    charts = [e for e in at.main if getattr(e, "type", None) == "vega_lite_chart"]
    return [dataframe_util.convert_arrow_bytes_to_pandas_df(d.data.data) for c in charts for d in c.proto.datasets]


def test_defaults_run_without_exception():
    at = app()
    assert not at.exception and not at.error and not at.warning
    assert [b.label for b in at.button] == ["Train", "Pause", "Resume", "Reset", "Pin this run"]
    assert not button(at, "Train").disabled and button(at, "Pause").disabled and button(at, "Pin this run").disabled
    assert any("Share this view" in m.value and "hidden=100" in m.value and "lr=1e-05" in m.value
               for m in at.markdown)


def test_before_train_the_page_shows_the_net_with_its_initial_weights():
    """Before Train: the fit chart draws the net that Train would start from (a Trainer before any sample),
    the probe table holds only the truth, the far probe is that net's answer, and no loss is plotted."""
    at = app(seed=11, hidden="8", act="tanh", epochs=3)
    assert not at.exception and not at.error
    assert "before training" in at.info[0].value
    trainer = Trainer(TrainConfig(hidden=(8,), activation="tanh", epochs=3, seed=11))
    (frame,) = [f for f in chart_frames(at) if "series" in f]  # the fit chart: the loss chart is not drawn
    drawn = frame[frame["series"] == "prediction"]
    expected = trainer.net.predict(trainer.params, drawn["x"].to_numpy().reshape(-1, 1)).ravel()
    np.testing.assert_allclose(drawn["y"].to_numpy(), expected, rtol=1e-12, atol=1e-12)
    assert np.ptp(expected) > 0  # a real net, not a flat placeholder
    (table,) = [d.value for d in at.dataframe]
    assert list(table["after"]) == ["x² (truth)"] and list(table["x = 2"]) == [4.0]
    far = float(trainer.net.predict(trainer.params, np.array([[103.0]]))[0, 0])
    assert at.metric[0].value == mlp_words.format_value(far)
    assert any("None yet" in c.value for c in at.caption)
    train_to_end(at)  # and Train starts from exactly that net: the run's first snapshot is those weights
    np.testing.assert_array_equal(at.session_state["mlp_run"].snapshots[0].flat, trainer.net.flatten(trainer.params))


def test_query_parameters_set_the_controls_and_a_run_finishes():
    at = app(hidden="16,8", act="sigmoid", opt="adagrad", lr=0.01, mom=0.5, batch=16, epochs=2, n=800,
             noise=0.5, seed=7, shuffle="true")
    assert not at.exception and not at.error and not at.warning
    assert at.text_input(key="hidden").value == "16,8"
    train_to_end(at)
    run = at.session_state["mlp_run"]
    assert run.config.hidden == (16, 8) and run.config.activation == "sigmoid"
    assert run.config.optimizer == "adagrad" and run.config.batch_size == 16 and run.config.shuffle
    assert run.samples_seen == 1600
    assert not at.exception


def test_a_sigmoid_net_far_away_is_said_to_saturate():
    """Issue 11: the sigmoid far answer spoke of "a straight line would give 231.2" beside a prediction of 11.1."""
    at = app(act="sigmoid", opt="adagrad", lr=0.01, batch=16, epochs=1, n=800)
    train_to_end(at)
    trainer = at.session_state["mlp_run"]  # a RunView: predict() on its final parameters
    far = next(m.value for m in at.markdown if "at x = 103" in m.value)
    assert "flattens out" in far and "saturates" in far and "straight line would give" not in far
    predicted = float(trainer.predict(np.array([103.0]))[0])
    assert f"predicts {predicted:,.1f}" in far
    slope = float(np.diff(trainer.predict(np.array([102.0, 103.0])))[0])
    assert abs(slope) < 0.05  # flat indeed, far out


def test_bad_query_values_get_a_notice_and_the_defaults():
    at = app(hidden="100,9999", lr="abc", epochs=100000, act="gelu")
    assert not at.exception
    warnings = " ".join(shown(w.value) for w in at.warning)
    for name in ("hidden", "lr", "epochs", "act"):
        assert name in warnings
    assert not button(at, "Train").disabled


def test_a_run_over_the_caps_is_refused_with_a_message():
    at = app(epochs=200, n=200000)
    assert not at.exception
    assert any("4,000,000" in e.value for e in at.error)
    assert button(at, "Train").disabled
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "512 units" in captions and "200,000 samples" in captions and "200 epochs" in captions


def test_a_short_run_finishes_and_its_loss_falls():
    at = train_to_end(app(epochs=2, n=5000))
    assert not at.exception and not at.error
    run = at.session_state["mlp_run"]
    assert run.samples_seen == 10_000 and run.epoch == 2
    loss = run.history["loss"].to_numpy()
    assert loss[-200:].mean() < 0.2 * loss[:200].mean()
    assert "10,000 / 10,000 samples" in at.get("progress")[0].proto.text
    # The probe table: the truth, then one row per epoch.
    table = at.dataframe[0].value
    assert table["after"].tolist() == ["x² (truth)", "epoch 1", "epoch 2"]
    assert table.iloc[0, 1:].tolist() == [1, 4, 1, 4]
    # The x = 103 probe against 10,609, with the straight line that explains it.
    metric = at.metric[0]
    assert "103" in metric.label and float(metric.value.replace(",", "")) == pytest.approx(
        run.predict(np.array([103.0]))[0], abs=0.05)
    assert any("10,609" in m.value and "straight line" in m.value for m in at.markdown)
    # Downloads appear once the run is over.
    labels = [e.proto.label for e in at.main if getattr(e, "type", None) == "download_button"]
    assert labels == ["Weights (.npz)", "Loss history (CSV)"]
    # The charts: loss (and epoch rules), fit (band, curves, kinks), all finite.
    frames = chart_frames(at)
    assert len(frames) == 5
    for frame in frames:
        assert np.isfinite(frame.select_dtypes("number").to_numpy(dtype=float)).all()


def test_a_finished_run_sends_its_replay_to_the_browser_player():
    at = app(epochs=2, n=2000)
    assert not at.get("bidi_component")  # nothing to replay before a run
    at = train_to_end(at)
    assert not at.exception
    run = at.session_state["mlp_run"]
    assert any(h.value == "Replay the training" for h in at.header)
    (sent,) = [json.loads(e.proto.json) for e in at.get("bidi_component") if e.proto.component_name == "gp_player"]
    replay = sent["replay"]
    assert replay["unit"] == "Snapshot" and replay["last"] == len(run.snapshots) - 1 >= 50
    assert {1.0, 2.0} <= set(replay["series"][0]["data"]["epoch"])  # both epoch ends among them
    curve = replay["panels"][0]["layers"][0]
    grid = np.array(curve["x"])
    final = run.net.predict(run.params, grid.reshape(-1, 1)).ravel()
    assert np.array(curve["ys"][-1]).tobytes() == final.tobytes()  # the last snapshot is the trained net


@pytest.mark.parametrize("forgets", [True, False])
def test_the_live_picture_is_one_element_redrawn_and_falls_back_to_new_ones(monkeypatch, forgets):
    """Within one script run the live view draws its picture under one key (the browser redraws the mounted
    player). Should Streamlit stop letting player._forget_key forget the key, each picture is a new element
    under a new key instead of an error."""
    from app import player
    keys, mount = [], player._PLAYER

    def recording(*args, key, **kwargs):
        mounted = mount(*args, key=key, **kwargs)
        keys.append(key)  # the keys drawn (not one that Streamlit refused)
        return mounted

    monkeypatch.setattr(player, "_PLAYER", recording)
    if not forgets:
        monkeypatch.setattr(player, "_forget_key", lambda key: None)
    seed = 61 if forgets else 62  # two runs that no other test computes (a computed one is replayed at once)
    at = button(app(epochs=20, n=20000, seed=seed), "Train").click().run(timeout=60)
    assert not at.exception and not at.error
    live = [k for k in keys if k.startswith("mlp_live")]
    assert len(live) >= 2, keys  # several pictures in the one script run of the live view
    if forgets:
        assert set(live) == {"mlp_live"}
    else:
        assert live[0] == "mlp_live" and len(set(live)) == len(live)


def test_a_run_that_blows_up_stops_with_the_message_and_finite_charts():
    at = train_to_end(app(lr=1, epochs=2, n=5000))
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("Training stopped at sample" in e and "learning rate of 1" in e for e in errors)
    run = at.session_state["mlp_run"]
    assert run.failed and run.samples_seen < 100
    assert np.isfinite(np.concatenate([p.ravel() for p in run.params])).all()
    frames = chart_frames(at)
    assert frames and sum(len(f) for f in frames) > 0
    (sent,) = [e.proto.json for e in at.get("bidi_component")  # its replay too: finite, clamped
               if e.proto.component_name == "gp_player"]
    assert "NaN" not in sent and "Infinity" not in sent
    for frame in frames:
        assert np.isfinite(frame.select_dtypes("number").to_numpy(dtype=float)).all()


def test_changing_a_control_after_a_run_starts_fresh_on_train():
    at = train_to_end(app(epochs=1, n=1000))
    first = at.session_state["mlp_run"]
    seed = next(w for w in [*at.number_input, *at.text_input] if w.key == "seed")  # widgets.number: either widget
    seed.set_value(5 if seed in at.number_input else "5").run()
    assert any("Train** starts a fresh run" in i.value for i in at.info)
    assert button(at, "Resume").disabled
    train_to_end(at)
    second = at.session_state["mlp_run"]
    assert second is not first and second.config.seed == 5 and second.samples_seen == 1000


def test_pause_resume_and_reset():
    at = app(epochs=200, n=20000)
    button(at, "Train").click().run()           # one run of the live view trains for ~2 s, then returns
    assert at.session_state["mlp_status"] == "training"
    button(at, "Pause").click().run()
    seen = at.session_state["mlp_run"].samples_seen
    assert at.session_state["mlp_status"] == "paused" and 0 < seen < 4_000_000
    at.run()
    assert at.session_state["mlp_run"].samples_seen == seen   # paused: nothing trains
    button(at, "Resume").click().run()
    assert at.session_state["mlp_run"].samples_seen > seen
    button(at, "Reset").click().run()
    assert "mlp_run" not in at.session_state and at.session_state["mlp_status"] == "idle"
    assert not at.exception


def test_a_finished_run_is_replayed_to_the_next_session_with_the_same_numbers():
    first = train_to_end(app(epochs=2, n=3000, seed=77))
    second = app(epochs=2, n=3000, seed=77)
    button(second, "Train").click().run()
    assert second.session_state["mlp_status"] == "done"  # at once: nothing is trained again
    assert any("Computed earlier on this server" in c.value for c in second.caption)
    assert any("Done: 2 epochs, 6,000 samples in" in s.value for s in second.success)
    a, b = first.session_state["mlp_run"], second.session_state["mlp_run"]
    assert mlp_downloads.history_csv(a.history) == mlp_downloads.history_csv(b.history)
    solo = Trainer(TrainConfig(epochs=2, n_samples=3000, seed=77))
    solo.train(10**9)
    assert mlp_downloads.history_csv(b.history) == mlp_downloads.history_csv(solo.history)
    labels = [e.proto.label for e in second.main if getattr(e, "type", None) == "download_button"]
    assert labels == ["Weights (.npz)", "Loss history (CSV)"]


def live_frames(monkeypatch) -> list:
    """The frames the page sends the live component (``runs.live.live_frame``), as they are drawn."""
    from app import player
    frames, mount = [], player._PLAYER

    def recording(*args, key, data, **kwargs):
        if "live" in data:
            frames.append(data["live"])
        return mount(*args, key=key, data=data, **kwargs)

    monkeypatch.setattr(player, "_PLAYER", recording)
    return frames


def test_two_sessions_on_one_link_follow_one_run_and_say_so(monkeypatch):
    frames = live_frames(monkeypatch)
    a, b = app(epochs=200, n=20000, seed=78), app(epochs=200, n=20000, seed=78)
    button(a, "Train").click().run()
    frames.clear()
    button(b, "Train").click().run()
    # while training, the notes are in the live component's frames (it draws the progress and the notes)
    assert any("Shared with others on this link" in n["text"] for f in frames for n in f["notes"])
    assert b.session_state["mlp_run"].samples_seen >= a.session_state["mlp_run"].samples_seen > 0
    button(a, "Pause").click().run()
    button(b, "Reset").click().run()
    pool = shared_runs.run_pool()
    config = a.session_state["mlp_run"].config
    assert pool.followers(config) == 0  # nobody follows it: it stops training
    assert not a.exception and not b.exception


def test_a_run_waits_with_a_notice_while_the_server_is_full(monkeypatch):
    monkeypatch.setattr(shared_runs.run_pool(), "max_active", 0)
    frames = live_frames(monkeypatch)
    at = app(epochs=1, n=500, seed=79)
    button(at, "Train").click().run()
    assert not at.exception
    assert at.session_state["mlp_run"].samples_seen == 0 and at.session_state["mlp_status"] == "training"
    assert any(n["kind"] == "warning" and "Waiting:" in n["text"] and "try again" in n["text"]
               for f in frames for n in f["notes"])
    button(at, "Reset").click().run()


# -- issue 13: targets, tanh, units, pin and compare, train=1 -------------------------------------------------
SMALL = dict(opt="adagrad", lr=0.01, batch=16, epochs=2, n=2000)


def compare_table(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "final loss" in d.value.columns)


@pytest.mark.parametrize("target, label, truth, words", [
    ("abs", "|x|", "103", "|x| goes on as the straight line y = x"),
    ("sin", "sin x", f"{np.sin(103):.3g}", "sin x keeps waving between −1 and 1"),
    ("cube", "x³", "1,092,727", "x³ keeps climbing ever faster"),
])
def test_other_targets_train_to_done_and_say_what_they_learn(target, label, truth, words):
    at = train_to_end(app(target=target, act="tanh", **SMALL))
    assert not at.exception and not at.warning
    run = at.session_state["mlp_run"]
    assert run.config.target == target and run.config.activation == "tanh"
    assert any(f"learns **y = {label}**" in m.value for m in at.markdown)
    table = at.dataframe[0].value
    assert table.iloc[0, 0] == f"{label} (truth)"
    np.testing.assert_allclose(table.iloc[0, 1:].to_numpy(dtype=float),
                               target_values(target, np.array([1.0, 2, -1, -2])))
    assert truth in at.metric[0].proto.delta
    assert any(words in m.value and "tanh net flattens out" in m.value for m in at.markdown)
    dashed = [f for f in chart_frames(at) if "series" in f.columns and f"target {label}" in set(f["series"])]
    assert dashed, "the fit chart draws the target"
    assert any("target=" + target in m.value for m in at.markdown if "Share this view" in m.value)


def test_the_units_toggle_draws_each_unit_under_the_fit():
    at = train_to_end(app(units="true", hidden="6", **SMALL))
    run = at.session_state["mlp_run"]
    units = next(f for f in chart_frames(at) if "state" in f.columns)
    assert sorted(set(units["unit"])) == list(range(6))
    expected = mlp_curves.unit_contributions(run.net, run.params, -3, 3)
    np.testing.assert_array_equal(units["y"].to_numpy(), expected["y"].to_numpy())
    assert any("Faint lines" in c.value and "6 hidden units" in c.value for c in at.caption)
    off = train_to_end(app(hidden="6", **SMALL))
    assert not any("state" in f.columns for f in chart_frames(off))


def test_pin_train_sigmoid_and_compare_then_open_the_link_elsewhere():
    at = train_to_end(app(**SMALL))
    relu = at.session_state["mlp_run"]
    button(at, "Pin this run").click().run()
    assert at.text_input(key="compare").value == "opt:adagrad,lr:0.01,batch:16,epochs:2,n:2000"
    assert button(at, "Pin this run").disabled  # pinned already
    at.radio(key="act").set_value("sigmoid").run()
    at = train_to_end(at)
    sigmoid = at.session_state["mlp_run"]
    assert not at.exception and any(h.value == "Compare" for h in at.subheader)
    table = compare_table(at)
    assert table["run"].tolist() == ["x² (truth)", "sigmoid", "relu"]
    for row, run in zip(table.iloc[1:].itertuples(index=False), (sigmoid, relu)):
        assert list(row[3:8]) == [mlp_compare.table_number(p) for p in run.predict(np.array([-2.0, -1, 1, 2, 103]))]
        assert row[2] == mlp_compare.table_number(mlp_compare.final_loss(run.history, 2)) and row[1] == "done"
    assert table.iloc[0, 1:3].tolist() == ["", ""] and table.iloc[0, -1] == ""  # the truth has no state, loss, time
    runs_drawn = [set(f["run"]) for f in chart_frames(at) if "run" in f.columns]
    assert runs_drawn == [{"sigmoid", "relu"}] * 2  # loss curves and fits
    assert [b.label for b in at.button][-2:] == ["Unpin relu", "Clear"]
    link = next(m.value for m in at.markdown if "Share this view" in m.value)
    assert "compare=opt%3Aadagrad%2Clr%3A0.01%2Cbatch%3A16%2Cepochs%3A2%2Cn%3A2000" in link

    # The link, opened in a fresh session with train=1: the same comparison, fetched from the server's store.
    fresh = app(act="sigmoid", train=1, compare="opt:adagrad,lr:0.01,batch:16,epochs:2,n:2000", **SMALL)
    for _ in range(50):
        if fresh.session_state["mlp_status"] == "done" and not fresh.session_state["mlp_compare_pending"]:
            break
        fresh.run()
    assert not fresh.exception
    pd.testing.assert_frame_equal(compare_table(fresh), table)

    # Unpin and Clear.
    button(at, "Unpin relu").click().run()
    assert at.text_input(key="compare").value == "" and not any(h.value == "Compare" for h in at.subheader)
    button(at, "Pin this run").click().run()
    assert at.text_input(key="compare").value == "act:sigmoid,opt:adagrad,lr:0.01,batch:16,epochs:2,n:2000"
    button(at, "Clear").click().run()
    assert at.text_input(key="compare").value == "" and "mlp_pinned" not in at.session_state


def test_a_compare_link_trains_the_runs_the_server_lacks():
    at = app(compare="default~seed:91,epochs:1,n:700", epochs=1, n=700)
    second = TrainConfig(epochs=1, n_samples=700, seed=91)
    pool = shared_runs.run_pool()
    assert pool.followers(TrainConfig()) == 1 and pool.followers(second) == 0  # one at a time
    assert any("(waiting)" in c.value for c in at.caption)
    for _ in range(400):
        if not at.session_state["mlp_compare_pending"]:
            break
        at.run()
    assert not at.exception
    table = compare_table(at)
    assert table["run"].tolist() == ["x² (truth)", "epochs 20, samples 20000", "seed 91"]
    solo = Trainer(second)
    solo.train(10**9)
    assert table.iloc[2, 3:8].tolist() == [mlp_compare.table_number(p) for p in solo.predict(np.array([-2.0, -1, 1, 2,
                                                                                                 103]))]


def test_bad_compare_and_train_values_get_notices():
    at = app(compare="act:gelu", train="yes")
    assert not at.exception and at.session_state["mlp_status"] == "idle"
    warnings = " ".join(shown(w.value) for w in at.warning)
    assert "compare = “act:gelu”" in warnings and "train = “yes”" in warnings


def test_train_1_starts_the_run_on_opening():
    at = app(train=1, epochs=1, n=500, seed=92)
    assert at.session_state["mlp_run"].config == TrainConfig(epochs=1, n_samples=500, seed=92)
    assert at.session_state["mlp_status"] in ("training", "done")


@pytest.mark.parametrize("value, starts", [("TRUE", True), (" 1 ", True), ("0", False), ("False", False)])
def test_train_reads_the_one_rule_for_on_off_keys(value, starts):
    """Issue 26: train= reads core.inputs.parse_flag like every on/off key (train=0 was "Ignored")."""
    at = app(train=value, epochs=1, n=500, seed=93)
    assert not at.exception and not at.warning
    assert at.session_state["mlp_status"] in (("training", "done") if starts else ("idle",))
    assert ("mlp_run" in at.session_state) == starts


def test_five_compared_runs_compare_the_first_four_and_say_which_was_left_out():
    """Issue 26: compare= with five runs refused the whole link ("at most 4; comparing no runs")."""
    runs = [f"epochs:1,n:300,seed:{seed}" for seed in range(94, 99)]  # small: the page computes the four it keeps
    at = app(compare="~".join(runs), epochs=1, n=300)
    assert not at.exception
    warnings = " ".join(shown(w.value) for w in at.warning)
    assert "leaving out run 5, “epochs:1,n:300,seed:98”" in warnings and "comparing no runs" not in warnings
    assert [b.label for b in at.button if b.label.startswith("Unpin")] == [f"Unpin seed {s}" for s in range(94, 98)]
    link = next(m.value for m in at.markdown if "Share this view" in m.value)
    assert "seed%3A97" in link and "seed%3A98" not in link


def test_a_tanh_net_that_learned_nothing_is_told_so_before_its_far_answer():
    """Issue 26: /MLP_training?act=tanh&epochs=3&n=5000 predicts about the mean of y (3.1) everywhere, and the far
    sentence explained its x = 103 answer as if it had learned x²."""
    at = train_to_end(app(act="tanh", epochs=3, n=5000))
    run = at.session_state["mlp_run"]
    x = np.linspace(-3, 3, 2001)
    assert np.ptp(run.predict(x)) < 0.2 and abs(run.predict(x).mean() - 3.1) < 0.1  # flat, at the mean of y
    far = next(m.value for m in at.markdown if "at x = 103" in m.value)
    assert far.startswith("This net has not learned x²") and "no test of extrapolation" in far
    assert "every unit stops changing" not in far and "of its 100 hidden units still change" in far


# -- in the browser ----------------------------------------------------------------------------------------
PROGRESS = re.compile(r"([\d,]+) / ([\d,]+) samples")


def samples_shown(page) -> int:
    """The samples the progress says: the live component's while training, Streamlit's bar once paused."""
    live = page.locator("[data-testid='gp-progress-text']")
    text = (live if live.count() else page.locator("[data-testid='stProgress']")).first.inner_text()
    return int(PROGRESS.search(text).group(1).replace(",", ""))


@pytest.mark.browser
def test_the_fit_charts_y_labels_read_as_plain_numbers(page, app_url):
    """x³ spans ±125, so the fit chart's y ticks are 50 apart: given ``format="~g"``, Vega gave the ticks'
    precision to it and wrote 1e+2 and 5e+1. The labels a student reads are 100, 50, 0, −50, −100."""
    open_page(page, app_url + "/MLP_training?target=cube")
    assert_no_exception(page)
    fit = page.locator(".vega-embed").first  # before Train: the fit chart (the loss has no chart yet)
    fit.locator(".role-axis-label text").first.wait_for(timeout=30_000)
    labels = fit.locator(".role-axis-label text").evaluate_all("ts => ts.map(t => t.textContent)")
    assert not [t for t in labels if "e" in t], labels
    assert {"50", "100"} <= set(labels), labels


@pytest.mark.browser
def test_train_pause_resume_from_a_link(page, app_url):
    from playwright.sync_api import expect
    open_page(page, app_url + "/MLP_training?hidden=64&epochs=100&n=20000&seed=3")
    assert_no_exception(page)
    assert page.locator("input[aria-label='Hidden layer sizes']").input_value() == "64"
    page.get_by_role("button", name="Train").click()
    live = page.locator("[data-testid='gp-player'].gp-live")  # while training: one component, the live mode
    live.first.wait_for(timeout=30_000)
    expect(live.first.get_by_role("progressbar", name="Training progress")).to_have_count(1)
    assert page.locator("[data-testid='stProgress']").count() == 0  # the component draws the progress
    time.sleep(1.0)
    loss_line = live.first.locator("polyline[data-name='smoothed']")
    first, loss_before = samples_shown(page), loss_line.get_attribute("points")
    renders_before = int(live.first.get_attribute("data-renders"))
    arrived, painted = (int(live.first.get_attribute(a)) for a in ("data-arrived", "data-painted"))
    time.sleep(1.5)
    assert samples_shown(page) > first                     # the progress moves
    assert loss_line.get_attribute("points") != loss_before   # and the picture redraws: the loss grows
    # the frames come from the server's stream (live_route), not from script runs: the page sent its one frame
    # at Train and no script has run since, yet the same player took new frames in place
    assert int(live.first.get_attribute("data-renders")) == renders_before == 1
    assert page.locator("[data-test-script-state='notRunning']").count() == 1
    # between frames the browser glides the fit and the bar: more painted frames than frames received (about
    # three a frame at ten frames a second; fewer when a loaded machine makes the glide's timer late)
    new_frames = int(live.first.get_attribute("data-arrived")) - arrived
    glided = int(live.first.get_attribute("data-painted")) - painted
    assert new_frames >= 2 and glided > new_frames, (new_frames, glided)
    expect(live.first.locator("svg[role='img']")).to_have_count(2, timeout=5_000)  # the loss and the fit
    assert page.locator("[data-testid='stVegaLiteChart']").count() == 0
    assert "x = 103" in page.get_by_text("Far outside").first.inner_text()
    assert page.get_by_text("10,609").count() > 0

    page.get_by_role("button", name="Pause").click()
    page.wait_for_selector("text=Paused", timeout=5_000)   # the button answers within the timeout
    wait_for_run(page)
    charts = page.locator("[data-testid='stVegaLiteChart']")   # paused: the full charts, the probes
    charts.first.wait_for(timeout=10_000)
    assert charts.count() == 2 and page.get_by_text("Predictions after each epoch").count() == 1
    paused_at = samples_shown(page)
    time.sleep(1.0)
    assert samples_shown(page) == paused_at

    page.get_by_role("button", name="Resume").click()
    deadline = time.time() + 10
    while samples_shown(page) <= paused_at and time.time() < deadline:
        time.sleep(0.2)
    assert samples_shown(page) > paused_at
    page.get_by_role("button", name="Pause").click()
    wait_for_run(page)
    assert_no_exception(page)


@pytest.mark.browser
def test_quick_pause_resume_cycles_never_stop_a_healthy_run(page, app_url):
    """Regression: two overlapping script runs of one session used to train the same Trainer at once,
    and a healthy run stopped with 'the loss became 0.0065' after a few quick Pause/Resume cycles."""
    open_page(page, app_url + "/MLP_training?epochs=200")
    page.get_by_role("button", name="Train").click()
    for _ in range(12):  # the overlap was a race: about one in 12 cycles
        page.wait_for_timeout(700)
        page.get_by_role("button", name="Pause").click(timeout=10_000)
        page.wait_for_selector("text=Paused.", timeout=10_000)
        page.get_by_role("button", name="Resume").click(timeout=10_000)
        page.wait_for_timeout(100)
    page.get_by_role("button", name="Pause").click(timeout=10_000)  # leave the shared server idle
    page.wait_for_selector("text=Paused.", timeout=10_000)
    assert_no_exception(page)
    assert page.locator("text=Training stopped").count() == 0


@pytest.mark.browser
def test_pin_compare_and_the_link_in_a_fresh_context(page, browser, app_url):
    """Issue 13's "done when": train, pin, train sigmoid, compare both; the address bar holds the comparison."""
    from playwright.sync_api import expect
    open_page(page, app_url + "/MLP_training?opt=adagrad&lr=0.01&batch=16&epochs=2&n=2000&seed=93")
    page.get_by_role("button", name="Train").click()
    wait_for_done(page)
    page.get_by_role("button", name="Pin this run").click()
    wait_for_run(page)
    page.locator("[data-testid='stSidebar']").get_by_text("sigmoid", exact=True).click()
    wait_for_run(page)
    page.get_by_role("button", name="Train").click()
    # The first run's Done may still show while this click's script run starts: wait for what only the
    # sigmoid run shows, the pinned run labelled by what differs from it.
    expect(page.get_by_role("button", name="Unpin relu")).to_have_count(1, timeout=60_000)
    wait_for_done(page)
    page.get_by_role("heading", name="Compare").wait_for(timeout=30_000)
    assert page.get_by_role("button", name="Unpin relu").count() == 1
    assert page.get_by_text("Each pinned run is labelled by what differs from the current run (sigmoid)").count()
    assert_no_exception(page)
    url = page.url
    assert "compare=" in url and "act=sigmoid" in url
    fresh = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    try:
        open_page(fresh, url + "&train=1")
        wait_for_done(fresh)
        fresh.get_by_role("heading", name="Compare").wait_for(timeout=30_000)
        assert fresh.get_by_role("button", name="Unpin relu").count() == 1
        assert fresh.get_by_text("Computed earlier on this server").count() == 1  # fetched, not trained again
        assert_no_exception(fresh)
    finally:
        fresh.context.close()
    # Unpin (a button of the Compare section, a fragment): the run leaves the page, the control and the link.
    page.get_by_role("button", name="Unpin relu").click()
    expect(page.get_by_role("heading", name="Compare")).to_have_count(0, timeout=30_000)
    wait_for_run(page)
    assert page.locator("input[aria-label='Compared runs']").input_value() == ""
    assert "compare=" not in page.url and "act=sigmoid" in page.url
    assert_no_exception(page)


@pytest.mark.browser
def test_no_tooltip_covers_the_intro_when_focus_moves_to_a_button(page, app_url):
    """Issue 26: after Done, keyboard focus moves to Reset, and its tooltip ("Forget the run.") opened above it,
    over the lab's first sentence, for as long as focus stayed; after Reset focus moves to Train, the same."""
    open_page(page, app_url + "/MLP_training?epochs=1&n=500&seed=404")
    page.get_by_role("button", name="Train").focus()
    page.keyboard.press("Enter")                       # the keyboard, as a keyboard user starts a run
    page.get_by_text("Done:").first.wait_for(timeout=60_000)
    time.sleep(2 * 1.0)                                # the view's next tick reruns the whole page, done
    wait_for_run(page)
    tooltips = page.locator("[data-testid='stTooltipContent']")
    assert page.evaluate("document.activeElement.innerText").strip().endswith("Reset")
    assert tooltips.count() == 0, tooltips.all_inner_texts()
    page.keyboard.press("Enter")                       # Reset: focus moves to Train
    wait_for_run(page)
    time.sleep(0.5)
    assert page.evaluate("document.activeElement.innerText").strip().endswith("Train")
    assert tooltips.count() == 0, tooltips.all_inner_texts()


def test_the_far_answer_comes_in_one_line_and_the_terms_where_they_first_appear():
    """Issue 28: before Train the far probe says 'No: f(103) = …, the truth is 10,609.' (the untrained net's own
    answer), its explanation folded under 'Why?'; the fit chart's caption defines kinks and dead units, and the
    far heading the terms its explanation adds (ReLU), not those again."""
    from labs.glossary import define

    at = app(seed=11)
    trainer = Trainer(TrainConfig(seed=11))
    far = float(trainer.net.predict(trainer.params, np.array([[103.0]]))[0, 0])
    line = f"No: f(103) = {mlp_words.format_value(far)}, the truth is 10,609."
    assert any(m.value == line for m in at.markdown)
    why = next(e for e in at.expander if e.label == "Why?")
    assert not why.proto.expanded and "at x = 103" in why.markdown[0].value
    caption = next(c for c in at.caption if "Dead units" in c.value)
    assert define("kink") in caption.help and define("dead unit") in caption.help
    heading = next(h for h in at.header if h.value == "Far outside: x = 103")
    assert define("ReLU") in heading.help and define("kink") not in heading.help
