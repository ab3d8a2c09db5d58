"""Altair chart builders: data in, ``alt.Chart`` out. No Streamlit here.

Each lab keeps its builders in a submodule (labs.descent.charts, .adagrad, .mlp); this module holds
the data guards they share. Every builder passes its data through ``finite_rows`` so no chart ever
receives nan or inf, and keeps row counts small (callers aggregate in numpy first; ``thin`` helps).
"""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

MAX_ROWS = 5000
# The loss of a diverging run is drawn at most this high (the descent lab's charts and every replay): past it
# p(x)² soon overflows to inf, which no chart can draw.
LOSS_CEILING = 1e30


def finite_rows(df: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """The rows of df whose numeric values (in ``columns``, default all numeric) are all finite."""
    numeric = df[columns] if columns else df.select_dtypes("number")
    if numeric.empty:
        return df
    mask = np.isfinite(numeric.to_numpy(dtype=float)).all(axis=1)
    return df[mask]


def spread(n: int, most: int | None) -> np.ndarray:
    """Indices of at most ``most`` (at least 2) of 0 … n − 1, evenly spread, ascending, the first and the last
    kept; all n when n ≤ most or most is None. The one thinning rule: tables, charts and the player's
    pictures use it."""
    if most is None or n <= most:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max(most, 2)).round().astype(int))


def thin(df: pd.DataFrame, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """At most max_rows rows of df, evenly spread, the first and the last kept (``spread``)."""
    if len(df) <= max_rows:
        return df
    return df.iloc[spread(len(df), max_rows)]


def positive_rows(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows whose ``column`` is > 0: what a log axis can show."""
    return df[df[column] > 0]


# How Vega writes the numbers of a chart (axis ticks, legends, tooltips) in a language other than English, as a
# d3-format locale, the way the page's own words write them (i18n): in Russian thousands spaced, 12 500 (Vega's
# default wrote 12,500, which a Russian reader takes for 12.5), and the decimal point the page's text, its links
# and its fields keep (x = 2.5). English keeps Vega's own.
NUMBER_LOCALES = {"ru": {"decimal": ".", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0₽"]}}


def localized(chart, lang: str):
    """``chart`` (an Altair chart, or a Vega-Lite spec as a dict) with its numbers written as ``lang`` writes them:
    a copy with ``config.locale`` set (its other config kept); ``chart`` itself when ``lang`` needs none."""
    number = NUMBER_LOCALES.get(lang)
    if number is None:
        return chart
    if isinstance(chart, dict):
        return {**chart, "config": {**chart.get("config", {}), "locale": {"number": number}}}
    copy = chart.copy(deep=False)
    config = copy.config.copy() if copy.config is not alt.Undefined else alt.Config()
    config.locale = alt.Locale(number=alt.NumberLocale(**number))
    copy.config = config
    return copy
