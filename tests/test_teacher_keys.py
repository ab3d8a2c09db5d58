"""Teacher keys read from a query dict (lessons.teacher.read): what they hide, and hostile values that must
give a clear notice, never an exception."""
from __future__ import annotations

import pytest

from labs import LABS, settings_of
from lessons import builtin, load
from lessons.teacher import hide_names, read

LESSONS = {name: len(load(name)) for name in builtin()}


def test_defaults_hide_nothing():
    view = read({}, "descent")
    assert (view.hidden_controls, view.hidden_sections, view.answers_hidden, view.sidebar, view.present,
            view.lesson, view.step, view.notices) == (frozenset(), frozenset(), False, "auto", False, None, None, ())


@pytest.mark.parametrize("lab", LABS)
def test_hide_takes_exactly_the_named_controls_and_sections(lab):
    keys = [s.key for s in settings_of(lab).SETTINGS]
    sections = list(settings_of(lab).SECTIONS)
    view = read({"hide": f"{keys[0]}, {sections[1]},{keys[2]}"}, lab)
    assert view.hidden_controls == {keys[0], keys[2]} and view.hidden_sections == {sections[1]}
    assert view.hides(keys[0]) and not view.hides(keys[1]) and view.notices == ()
    assert hide_names(lab) == keys + sections


def test_unknown_hide_name_lists_the_valid_ones():
    view = read({"hide": "lr,colour,basin"}, "descent")
    assert view.hidden_controls == {"lr"} and view.hidden_sections == {"basin"}
    (notice,) = view.notices
    assert "“colour”" in notice and "x0" in notice and "cobweb" in notice


def test_answers_sidebar_present():
    view = read({"answers": "hide", "sidebar": "collapsed", "present": "1"}, "mlp")
    assert view.answers_hidden and view.sidebar_collapsed and view.present
    assert not read({"present": "false"}, "mlp").present and read({"present": "TRUE"}, "mlp").present


def test_lesson_and_step():
    name = builtin()[0]
    assert (read({"lesson": name}, "descent").lesson, read({"lesson": name}, "descent").step) == (name, 1)
    assert read({"lesson": name, "step": "2"}, "descent").step == 2


HOSTILE = [
    ("hide", "x" * 100_000), ("hide", ",,,"), ("hide", "лр,🙂"), ("hide", ",".join(["lr"] * 1000)),
    ("answers", "HIDE-ALL"), ("answers", ""), ("answers", ["hide", {"a": 1}]),
    ("present", "2"), ("present", "yes"), ("present", "1e999"), ("present", ["1", ["0"]]),
    ("sidebar", "closed"), ("sidebar", "\x00"), ("sidebar", 7),
    ("lesson", "../../etc/passwd"), ("lesson", "x" * 5000), ("lesson", "урок"), ("lesson", ["a", "b"]),
    ("lesson", {"nested": ["deep"]}), ("lesson", None),
    ("step", "-1"), ("step", "0"), ("step", "999999999999999999999"), ("step", "1.5"), ("step", "٣"),
    ("step", "nan"), ("step", ""), ("step", ["2", "x"]),
]


@pytest.mark.parametrize("key,value", HOSTILE)
@pytest.mark.parametrize("lab", LABS)
def test_hostile_values_become_sentences(lab, key, value):
    query = {key: value}
    if key == "step":
        query["lesson"] = builtin()[0]
    view = read(query, lab, LESSONS)
    for notice in view.notices:
        assert notice.endswith(".") and len(notice) < 600
        assert "x" * 100 not in notice  # long values are shortened in the notice
    if view.step is not None:
        assert 1 <= view.step <= LESSONS[view.lesson]
    assert view.lesson in (None, *LESSONS)


@pytest.mark.parametrize("raw,shown,noticed", [("-1", 1, True), ("0", 1, True), ("99", None, True), ("2", 2, False),
                                               ("abc", 1, True)])
def test_step_out_of_range_is_clamped_with_a_notice(raw, shown, noticed):
    name = builtin()[0]
    view = read({"lesson": name, "step": raw}, "descent", LESSONS)
    assert view.step == (shown or LESSONS[name])
    assert bool(view.notices) == noticed


def test_a_step_without_a_lesson_is_noticed():
    (notice,) = read({"step": "2"}, "descent").notices
    assert "lesson=" in notice and all(name in notice for name in builtin())


def test_an_unknown_lesson_lists_the_lessons():
    (notice,) = read({"lesson": "nope"}, "adagrad").notices
    assert "“nope”" in notice and all(name in notice for name in builtin())


class Exploding(dict):
    def get(self, key, default=None):
        raise RuntimeError("boom")


def test_a_mapping_that_raises_is_treated_as_empty():
    assert read(Exploding(), "descent").notices == ()


@pytest.mark.parametrize("lab", LABS)
def test_no_section_is_named_like_a_control(lab):
    """hide=race must mean one thing: section names and URL keys never collide."""
    assert not set(settings_of(lab).SECTIONS) & {s.key for s in settings_of(lab).SETTINGS}
