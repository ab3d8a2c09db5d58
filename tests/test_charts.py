"""The data guards every chart builder uses: no non-finite row, no value a log axis cannot show,
and a bounded number of rows."""
import numpy as np
import pandas as pd

from core.charts import finite_rows, positive_rows, thin


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
