"""What the Adagrad lab's races draw (labs.adagrad.chart_data, charts, replay): finite, clipped and small frames,
the racers told apart, the core's iterates bit for bit in the player."""

import numpy as np

from core.objective import Quadratic
from core.surfaces import Bowl
from labs.adagrad import chart_data, races, slowdown


def test_display_frames_are_finite_clipped_and_small():
    q = Quadratic()
    runs = races.race(q, 0.0, 0.5, 5000)
    view = chart_data.root_view(q, 0.0)
    paths, clipped = chart_data.path_frame_1d(runs, view)
    assert clipped and paths["x shown"].between(*view).all()
    loss = chart_data.loss_frame(q, runs)
    assert np.isfinite(loss["loss"]).all() and len(loss) <= 3 * 600
    bowl = Bowl()
    runs = races.race(bowl, (-4.0, 1.0), 0.5, 300)
    box = chart_data.view_box(bowl, (-4.0, 1.0))
    paths, clipped = chart_data.path_frame_2d(runs, box)
    assert clipped  # gradient descent diverges at lr 0.5
    assert paths.x.between(*box[0]).all() and paths.y.between(*box[1]).all()


def test_racer_legend_tells_overlapping_lines_apart():
    from labs.adagrad import charts as charts

    q = Quadratic()
    spec = charts.race_loss_chart(chart_data.loss_frame(q, races.race(q, 0.0, 0.1, 100)), title="t").to_dict()
    enc = spec["encoding"]
    # One merged legend: the same title on every channel, none switched off (that would drop the whole legend).
    assert enc["color"]["title"] == enc["strokeDash"]["title"] == enc["strokeWidth"]["title"] == "optimiser"
    assert all(enc[k].get("legend", {}) is not None for k in ("color", "strokeDash", "strokeWidth"))
    assert len({tuple(d) for d in enc["strokeDash"]["scale"]["range"]}) == 3
    assert enc["strokeWidth"]["scale"]["range"][0] > max(enc["strokeWidth"]["scale"]["range"][1:])


def test_thin_steps_keeps_both_ends_within_the_budget():
    assert list(chart_data.thin_steps(5, 100)) == [0, 1, 2, 3, 4, 5]
    picked = chart_data.thin_steps(5000, 600)
    assert picked[0] == 0 and picked[-1] == 5000 and len(picked) <= 600 and np.all(np.diff(picked) > 0)
    assert list(chart_data.thin_steps(0, 10)) == [0]


def test_all_five_play_in_the_browser_player_with_their_own_looks_and_iterates():
    import json

    from core.surfaces import SURFACES
    from labs.adagrad import replay as adagrad_replay

    q = Quadratic()
    lrs = {"gradient descent": 0.2, "momentum": 0.2, "Adagrad": 0.2, "RMSProp": 0.01, "Adam": 0.03}
    runs = races.race(q, 0.0, 1.0, 1000, chosen=races.RACERS, lrs=lrs)
    sent = json.loads(json.dumps(adagrad_replay.race_1d_replay(q, runs, chart_data.root_view(q, 0.0))))
    assert [s["label"] for s in sent["series"]] == list(races.RACERS)
    assert len({(s["color"], str(s["dash"]), s["shape"]) for s in sent["series"]}) == 5
    assert len({s["color"] for s in sent["series"]}) == 5
    for series, traj in zip(sent["series"], runs.values()):
        assert np.array(series["data"]["x"]).tobytes() == traj.xs.tobytes()  # the core's iterates, bit for bit
    surface = SURFACES["rosenbrock"]
    runs_2d = races.race(surface, (-1.2, 1.0), 1.0, 3000, chosen=("RMSProp", "Adam"),
                         lrs={"RMSProp": 0.01, "Adam": 0.1})
    box = chart_data.view_box(surface, (-1.2, 1.0))
    sent = json.loads(json.dumps(adagrad_replay.race_2d_replay(runs_2d, box, *surface.grid(*box, n=30), surface.minimum,
                                                       title="t")))
    assert [s["label"] for s in sent["series"]] == ["RMSProp", "Adam"]
    for series, traj in zip(sent["series"], runs_2d.values()):
        assert np.array(series["data"]["x"]).tobytes() == traj.xs[:, 0].tobytes()


def test_loss_and_effective_step_charts_list_only_the_racers_that_ran():
    from labs.adagrad import charts as charts

    q = Quadratic()
    runs = races.race(q, 0.0, 1.0, 300, chosen=("momentum", "Adam"), lrs={"momentum": 0.05, "Adam": 0.03})
    for spec in (charts.race_loss_chart(chart_data.loss_frame(q, runs), title="t").to_dict(),
                 charts.effective_step_chart(slowdown.effective_step_frame(q, runs)).to_dict()):
        enc = spec["encoding"]
        assert enc["color"]["scale"]["domain"] == ["momentum", "Adam"]
        assert enc["color"]["scale"]["range"] == [races.RACER_COLORS["momentum"], races.RACER_COLORS["Adam"]]
        assert enc["strokeDash"]["title"] == enc["color"]["title"] == "optimiser"


def test_the_race_loss_chart_leaves_its_plot_the_width():
    """On the 2-D race the loss chart has two fifths of the page: its legend goes under the plot and its
    log labels stay short (1e+11, not 100,000,000,000), or the plot was squeezed to ~100 px."""
    from core.surfaces import Rosenbrock
    from labs.adagrad import charts as charts

    runs = races.race(Rosenbrock(), (-1.2, 1.0), 0.035, 1000, lr_adagrad=1.0)
    frame = chart_data.loss_frame(Rosenbrock(), runs)
    spec = charts.race_loss_chart(frame, title="Loss f against step", narrow=True).to_dict()
    assert spec["encoding"]["color"]["legend"]["orient"] == "bottom"
    assert spec["height"] == 300 + charts.LEGEND_ROW_PX * 4  # three racers and the legend's title, one row each
    assert "format(datum.value, '.0e')" in spec["encoding"]["y"]["axis"]["labelExpr"]
