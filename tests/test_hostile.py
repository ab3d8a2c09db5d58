"""Hostile links: every URL key of every page, given values a stranger might put in an edited link.

For each (page, key, value): the page runs without an exception and within a time bound; the value
is either taken as it is or rejected with a visible notice that names the key and the value; and the
rest of the page still draws (its title and its charts).
"""
import pytest
from helpers import run_app, shown
from streamlit.testing.v1 import AppTest

from core.inputs import echo, parse_flag

PAGES = {  # page file -> its URL keys (test_every_url_key_is_listed keeps these lists complete)
    "pages/1_Gradient_descent.py": ["a", "b", "c", "x0", "lr", "steps", "tol", "frame", "play", "speed",
                                    "cw_frame", "cw_play", "cw_speed"],
    "pages/2_Adagrad.py": ["lr", "eps", "seed", "grad", "el", "i", "j", "k", "x0", "lr_race", "steps",
                           "surface", "lr_2d", "lr_ada_2d", "sx", "sy",
                           "race", "lr_rms", "lr_adam", "lr_rms_2d", "lr_adam_2d",
                           "r1_frame", "r1_play", "r1_speed", "r2_frame", "r2_play", "r2_speed"],
    "pages/3_MLP_training.py": ["hidden", "act", "opt", "lr", "mom", "batch", "epochs", "n", "noise", "seed",
                                "shuffle", "decay", "b1", "b2", "eps", "target", "units", "compare"],
}
# Keys whose widget shows only in some settings: tested with those settings in the link as well.
SHOWN_WITH = {
    ("pages/3_MLP_training.py", "decay"): {"opt": "rmsprop"},
    ("pages/3_MLP_training.py", "b1"): {"opt": "adam"},
    ("pages/3_MLP_training.py", "b2"): {"opt": "adam"},
    ("pages/3_MLP_training.py", "eps"): {"opt": "adam"},
}
QUERY_ONLY = {  # URL keys a page reads without a widget (an action on opening, not a setting)
    "pages/3_MLP_training.py": ["train"],
}
INTERNAL_PREFIXES = ("gd_", "ada_", "mlp_", "gp_")  # session-only widgets (animation speed, the language
# selector, which sets lang= itself), not bound to a URL key

HOSTILE = {
    "text": "abc",
    "empty": "",
    "negative": "-1",
    "zero": "0",
    "nan": "nan",
    "inf": "inf",
    "-inf": "-inf",
    "huge": "1e308",
    "long number": "9" * 400,
    "long list": ",".join(["1"] * 1000),
    "markup": "<script>alert(1)</script>",
    "markdown": "[click](https://example.com) :red[x] $x$",
}
TIMEOUT = 30  # seconds: a page run that takes longer is unbounded work as far as a visitor is concerned

CASES = [(page, key, name) for page, keys in PAGES.items() for key in keys for name in HOSTILE]


def run_page(page: str, params: dict) -> AppTest:
    return run_app(page, params, TIMEOUT)


def widget(at: AppTest, key: str):
    for kind in WIDGET_KINDS:
        for w in at.get(kind):
            if getattr(w, "key", None) == key:
                return w
    return None


WIDGET_KINDS = ("number_input", "text_input", "radio", "checkbox", "selectbox", "slider", "multiselect")


def accepted(w, raw: str) -> bool:
    """Did the widget take the raw URL value as it is?"""
    if w is None:
        return False
    value = w.value
    if isinstance(value, list):  # a multiselect: ?key= is no choice, ?key=a one choice
        return value == ([raw] if raw else [])
    if isinstance(value, bool):  # an on/off key: 1/0 and true/false, one rule (parse_flag)
        return parse_flag(raw, "key")[0] is value
    if isinstance(value, (int, float)):
        try:
            return float(raw) == value
        except ValueError:
            return False
    return str(value) == raw


@pytest.mark.parametrize("page, key, name", CASES, ids=[f"{p.split('_', 1)[1][:-3]}-{k}-{n}" for p, k, n in CASES])
def test_hostile_value_is_taken_or_named_and_the_page_goes_on(page, key, name):
    raw = HOSTILE[name]
    at = run_page(page, {**SHOWN_WITH.get((page, key), {}), key: raw})
    assert not at.exception, at.exception
    notices = [shown(e.value) for e in list(at.warning) + list(at.error)]
    named = [n for n in notices if key in n and echo(raw) in n]
    w = widget(at, key)
    assert w is not None, f"no widget with key {key}"
    if named:
        assert not accepted(w, raw) or w.type == "text_input", "a rejected value must not reach the widget"
    else:
        assert accepted(w, raw), f"{key}={raw[:40]!r} was neither taken nor named in a notice: {notices}"
    assert at.title and len(at.get("vega_lite_chart")) + len(at.get("button")) > 0  # the page still draws


QUERY_CASES = [(page, key, name) for page, keys in QUERY_ONLY.items() for key in keys for name in HOSTILE]


@pytest.mark.parametrize("page, key, name", QUERY_CASES,
                         ids=[f"{p.split('_', 1)[1][:-3]}-{k}-{n}" for p, k, n in QUERY_CASES])
def test_hostile_value_of_a_query_only_key_is_named_and_the_page_goes_on(page, key, name):
    raw = HOSTILE[name]
    at = run_page(page, {key: raw})
    assert not at.exception, at.exception
    notices = [shown(e.value) for e in list(at.warning) + list(at.error)]
    named = any(key in n and echo(raw) in n for n in notices)
    assert named is (parse_flag(raw, key)[1] is not None), notices  # an on/off key: "0" is taken (off)
    assert at.title and len(at.get("button")) > 0


def test_every_url_key_is_listed():
    for page, keys in PAGES.items():
        contexts = [{}] + [dict(c) for (p, _), c in SHOWN_WITH.items() if p == page]
        found = set()
        for context in contexts:
            at = run_page(page, context)
            found |= {w.key for kind in WIDGET_KINDS for w in at.get(kind)
                      if w.key and not w.key.startswith(INTERNAL_PREFIXES)}
        assert found == set(keys), (page, found ^ set(keys))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_many_hostile_values_at_once(lang):
    for page, keys in PAGES.items():
        at = run_page(page, {**{k: "nan" for k in keys}, "lang": lang})
        assert not at.exception
        assert at.title
        assert len([w for w in at.warning]) >= 3  # the rejected values are named, in either language


LANG_VALUES = ["xx", "", "ru-RU-x-evil", "<script>alert(1)</script>", "ru" * 300, "русский", "en,ru", "%00"]


@pytest.mark.parametrize("value", LANG_VALUES)
def test_a_hostile_lang_is_named_and_the_page_goes_on(value):
    """lang= takes en or ru (any case, with a region: ru-RU); anything else is named in a notice and the page
    goes on in English (no browser locale under AppTest)."""
    import i18n

    for page in PAGES:
        at = run_page(page, {"lang": value})
        assert not at.exception and at.title
        notices = " ".join(shown(w.value) for w in at.warning)
        if i18n.normalize(value) is None:
            assert f"lang = “{echo(value)}” is not a language of this app" in notices, notices
        else:
            assert "is not a language of this app" not in notices


def chart_numbers(at: AppTest):
    """Every numeric column of every dataset of every chart on the page, as one float array each."""
    import json

    from streamlit import dataframe_util

    arrays = []
    for chart in at.get("vega_lite_chart"):
        for d in chart.proto.datasets:
            frame = dataframe_util.convert_arrow_bytes_to_pandas_df(d.data.data)
            arrays.append(frame.select_dtypes("number").to_numpy(dtype=float).ravel())
        spec = json.loads(chart.proto.spec)  # inline values, if any, must be finite too (JSON has no nan)
        assert "NaN" not in chart.proto.spec and "Infinity" not in chart.proto.spec, spec.get("title")
    return arrays


@pytest.mark.parametrize("page, params", [
    ("pages/1_Gradient_descent.py", {"lr": "10", "x0": "-1000,1000,0,3"}),
    ("pages/1_Gradient_descent.py", {"a": "100", "b": "-100", "c": "100", "lr": "5", "x0": "1000"}),
    ("pages/1_Gradient_descent.py", {"a": "0", "b": "0", "c": "0"}),
    ("pages/2_Adagrad.py", {"lr_race": "10", "x0": "1000", "k": "1000", "lr": "10", "eps": "0"}),
    ("pages/2_Adagrad.py", {"surface": "rosenbrock", "lr_2d": "10", "lr_ada_2d": "10", "sx": "10", "sy": "-10"}),
    ("pages/2_Adagrad.py", {"surface": "rosenbrock", "lr_rms_2d": "10", "lr_adam_2d": "10", "lr_rms": "10",
                            "lr_adam": "10", "x0": "-1000", "sx": "-10", "sy": "10", "race": "RMSProp"}),
], ids=["gd-diverging", "gd-steep", "gd-zero", "adagrad-huge-lr", "adagrad-rosenbrock-huge-lr",
        "adagrad-rmsprop-adam-huge-lr"])
def test_extreme_settings_send_only_finite_numbers_to_charts(page, params):
    import numpy as np

    at = run_page(page, params)
    assert not at.exception
    arrays = chart_numbers(at)
    assert arrays, "the page drew no chart data"
    for values in arrays:
        assert np.isfinite(values).all()
