"""The data guards every chart builder uses: no non-finite row, no value a log axis cannot show,
and a bounded number of rows."""
import numpy as np
import pandas as pd

from labs.charts import finite_rows, positive_rows, thin


def test_finite_rows_drops_any_row_with_nan_or_inf():
    df = pd.DataFrame({"x": [1.0, np.nan, 3.0, 4.0], "y": [1.0, 2.0, np.inf, -5.0], "name": list("abcd")})
    assert finite_rows(df)["name"].tolist() == ["a", "d"]
    assert finite_rows(df, ["x"])["name"].tolist() == ["a", "c", "d"]


def test_positive_rows_keeps_what_a_log_axis_can_show():
    df = pd.DataFrame({"loss": [1e-3, 0.0, -1.0, 5.0]})
    assert positive_rows(df, "loss")["loss"].tolist() == [1e-3, 5.0]


def test_thin_bounds_rows_and_keeps_both_ends():
    df = pd.DataFrame({"i": np.arange(100_001)})
    out = thin(df, 1000)
    assert len(out) <= 1001 and out["i"].iloc[0] == 0 and out["i"].iloc[-1] == 100_000
    assert np.all(np.diff(out["i"]) > 0)
    assert thin(df.head(10), 1000).equals(df.head(10))


def test_phone_basin_map_draws_fewer_cells_each_a_run_of_the_sweep():
    from core.objective import Quadratic
    from core.sweep import sweep
    from labs.descent.charts import PHONE_CELLS, basin_frame, basin_map

    x0s, lrs = np.linspace(-2, 7, 81), np.geomspace(1e-3, 0.3, 50)
    sw = sweep(Quadratic(), x0s, lrs, max_steps=300)
    full, phone = basin_frame(sw), basin_frame(sw, columns=PHONE_CELLS[0], rows=PHONE_CELLS[1])
    assert len(full) == 81 * 50 and len(phone) == PHONE_CELLS[0] * PHONE_CELLS[1]
    # the first and last start point and learning rate are kept
    assert {-2.0, 7.0} <= set(phone["x0"]) and {lrs[0], lrs[-1]} <= set(phone["lr"])
    # every cell drawn is the sweep's own run at that (x0, lr): same outcome, steps and final x
    same = phone.merge(full, on=["x0", "lr"], suffixes=("", "_full"))
    assert len(same) == len(phone)
    for col in ("outcome", "steps", "final x"):
        assert (same[col] == same[f"{col}_full"]).all()
    # the wider cells still tile the plane: each one ends where the next begins
    row = phone[phone["lr"] == lrs[0]].sort_values("x0")
    assert np.allclose(row["x0_hi"].to_numpy()[:-1], row["x0_lo"].to_numpy()[1:])
    spec = basin_map(sw, current_x0s=[0.0], current_lr=0.01, bound=None, bound_label="", cells=PHONE_CELLS).to_dict()
    assert spec["config"]["legend"]["orient"] == "bottom"
    assert spec["description"].startswith("Basin map")


def test_every_chart_says_what_it_shows():
    from core.descent import gradient_descent
    from core.objective import Quadratic
    from labs.adagrad import charts as adagrad
    from labs.descent import charts as descent

    problem = Quadratic()
    trajs = [gradient_descent(problem, x0, 0.01) for x0 in (0.0, 3.0)]
    loss = descent.loss_by_step(problem, trajs).to_dict()["description"]
    assert "loss" in loss and all(label in loss for label in ("x0 = 0", "x0 = 3"))
    steps = pd.DataFrame({"step": [1.0, 2.0, 1.0, 2.0], "effective step": [0.1, 0.05, 0.1, 0.09],
                          "optimiser": ["Adagrad", "Adagrad", "RMSProp", "RMSProp"]})
    assert "Adagrad, RMSProp" in adagrad.effective_step_chart(steps).to_dict()["description"]
    race = pd.DataFrame({"step": [0, 1, 0, 1], "loss": [4.0, 1.0, 4.0, 2.0],
                         "optimiser": ["Adagrad", "Adagrad", "momentum", "momentum"]})
    text = adagrad.race_loss_chart(race, title="Loss against step").to_dict()["description"]
    assert "Loss against step" in text and "Adagrad, momentum" in text


def test_starts_a_hair_apart_get_legend_labels_apart():
    """2.5 and 2.4999999 are 'x0 = 2.5' twice at %g: the loss chart and the replay must tell them apart."""
    from core.descent import gradient_descent
    from core.objective import Quadratic
    from labs.descent import charts as descent
    from labs.descent import replay as descent_replay

    problem = Quadratic()
    trajs = [gradient_descent(problem, x0, 0.01) for x0 in (2.5, 2.4999999)]
    spec = descent.loss_by_step(problem, trajs).to_dict()
    assert "x0 = 2.4999999" in spec["description"] and "x0 = 2.5" in spec["description"]
    names = [s["label"] for s in descent_replay.descent_replay(problem, trajs, -1.0, 6.0)["series"]]
    assert names == ["x0 = 2.5", "x0 = 2.4999999"]
