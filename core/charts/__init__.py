"""Altair chart builders: data in, ``alt.Chart`` out. No Streamlit here.

Shared builders live here; each lab keeps its own in a submodule (core.charts.descent, .adagrad, .mlp).

Every builder passes its data through ``finite_rows`` so no chart ever receives nan or inf, and
keeps row counts small (callers aggregate in numpy first; ``thin`` helps).
"""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

MAX_ROWS = 5000


def finite_rows(df: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """The rows of df whose numeric values (in ``columns``, default all numeric) are all finite."""
    numeric = df[columns] if columns else df.select_dtypes("number")
    if numeric.empty:
        return df
    mask = np.isfinite(numeric.to_numpy(dtype=float)).all(axis=1)
    return df[mask]


def thin(df: pd.DataFrame, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """Every k-th row (keeping the last) so that at most about max_rows remain."""
    if len(df) <= max_rows:
        return df
    idx = np.unique(np.r_[np.linspace(0, len(df) - 1, max_rows).astype(int), len(df) - 1])
    return df.iloc[idx]


def positive_rows(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows whose ``column`` is > 0: what a log axis can show."""
    return df[df[column] > 0]


def line_chart(df: pd.DataFrame, x: str, y: str, *, color: str | None = None, x_title: str, y_title: str,
               log_x: bool = False, log_y: bool = False, title: str = "", height: int = 280,
               tooltip: list | None = None) -> alt.Chart:
    """Lines of y against x (one per ``color`` value), with tooltips; log axes drop values ≤ 0."""
    data = finite_rows(df)
    if log_y:
        data = positive_rows(data, y)
    if log_x:
        data = positive_rows(data, x)
    data = thin(data)
    enc = {
        "x": alt.X(x, title=x_title, scale=alt.Scale(type="log") if log_x else alt.Undefined),
        "y": alt.Y(y, title=y_title, scale=alt.Scale(type="log") if log_y else alt.Undefined),
        "tooltip": tooltip or [alt.Tooltip(x, title=x_title, format=".4g"),
                               alt.Tooltip(y, title=y_title, format=".4g")]
                               + ([alt.Tooltip(color)] if color else []),
    }
    if color:
        enc["color"] = alt.Color(color, title=color)
    return alt.Chart(data, title=title).mark_line().encode(**enc).properties(height=height)


def heatmap(df: pd.DataFrame, x: str, y: str, color: str, *, x_title: str, y_title: str, color_title: str,
            title: str = "", height: int = 320, scheme: str = "viridis", tooltip: list | None = None) -> alt.Chart:
    """A rectangle per (x, y) cell coloured by ``color``; x and y are treated as ordinal bins."""
    data = finite_rows(df)
    return alt.Chart(data, title=title).mark_rect().encode(
        x=alt.X(f"{x}:O", title=x_title),
        y=alt.Y(f"{y}:O", title=y_title, sort="descending"),
        color=alt.Color(color, title=color_title, scale=alt.Scale(scheme=scheme)),
        tooltip=tooltip or [x, y, color],
    ).properties(height=height)
