"""The lesson panel under AppTest: every built-in lesson walked step by step, answered right and wrong (the
feedback says which, with the computed number), Show the answer, Back and Next; the step's settings reach the
lab's controls; the lab's answers stay hidden until the step is checked or shown."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app import lesson_panel
from lessons import builtin, compute, load
from tests.test_lessons import CHALLENGES


def panel_script():
    import streamlit as st

    from app import lesson_panel

    hidden = lesson_panel.show(st.session_state.get("test_lab", "descent"))
    st.markdown(f"answers hidden: {hidden}")


def open_step(name: str, k: int) -> AppTest:
    at = AppTest.from_function(panel_script, default_timeout=60)
    at.query_params["lesson"] = name
    at.query_params["step"] = str(k)
    at.session_state["test_lab"] = load(name).steps[k - 1].lab
    return at.run()


def feedback(at) -> tuple[str, str]:
    for kind in ("success", "error", "info", "warning"):
        boxes = getattr(at, kind)
        if len(boxes):
            return kind, boxes[-1].value
    return "", ""


def hidden(at) -> bool:
    return any(m.value == "answers hidden: True" for m in at.markdown)


def button(at, label):
    return next(b for b in at.button if b.label == label)


def wrong_value(answer, question):
    if isinstance(answer.value, str):
        return next(o for o in question.options if o != answer.value)
    return str(answer.value + 10 * abs(answer.value) + 10 * question.atol + 7)  # outside any tolerance


def plain(text: str) -> str:
    return text.replace("\\", "").replace("\u2060", "")


STEPS = [(name, k) for name in builtin() for k in range(1, len(load(name)) + 1)]


@pytest.mark.parametrize("name,k", STEPS)
def test_walk_every_step_right_wrong_and_shown(name, k):
    at = open_step(name, k)
    assert not at.exception
    lesson = load(name)
    step = lesson.steps[k - 1]
    assert at.subheader[0].value.startswith(f"Step {k} of {len(lesson)}")
    assert hidden(at)
    q = step.question
    given_key = f"lesson_given_{name}_{k}"
    if q.kind == "challenge":
        button(at, "Check").click().run()
        kind, text = feedback(at)
        assert kind == "error" and plain(text).startswith("Not yet")
        change, _ = CHALLENGES[(name, q.answer)]
        for key, value in change.items():
            at.session_state[key] = value
        button(at, "Check").click().run()
        kind, text = feedback(at)
        assert kind == "success" and plain(text).startswith("Done"), text
    else:
        answer = compute(step)
        shown = answer.shown
        right = answer.value if q.kind == "choice" else shown.replace(" ", "")
        if q.kind == "choice":
            at.radio(key=given_key).set_value(wrong_value(answer, q)).run()
        else:
            at.text_input(key=given_key).input(wrong_value(answer, q)).run()
        assert hidden(at)
        button(at, "Check").click().run()
        kind, text = feedback(at)
        assert kind == "error" and plain(text).startswith("Not quite") and shown in plain(text)
        assert not hidden(at)
        if q.kind == "choice":
            at.radio(key=given_key).set_value(right).run()
        else:
            at.text_input(key=given_key).input(right.replace(".", ",") if "e" not in right else right).run()
        button(at, "Check").click().run()
        kind, text = feedback(at)
        assert kind == "success" and plain(text).startswith("Right"), text
    button(at, "Show the answer").click().run()
    kind, text = feedback(at)
    assert kind == "info" and plain(text)
    assert not at.exception


def test_next_and_back_move_the_step_and_set_its_settings():
    at = open_step("gradient_descent", 1)
    assert at.session_state["x0"] == "0" and at.session_state["lr"] == 0.01
    button(at, "Next").click().run()
    assert at.query_params["step"] in ("2", ["2"])
    assert at.subheader[0].value.startswith("Step 2 of")
    assert at.session_state["x0"] == "3"
    for _ in range(5):
        button(at, "Next").click().run()
    assert at.session_state["lr"] == 0.12  # step 7: just past the bound
    button(at, "Back").click().run()
    assert at.subheader[0].value.startswith("Step 6 of") and at.session_state["lr"] == 0.1
    assert not at.exception


def test_a_link_keeps_the_students_own_values():
    at = AppTest.from_function(panel_script, default_timeout=60)
    at.query_params.update({"lesson": "gradient_descent", "step": "10", "lr": "0.12"})
    at.run()
    assert "lr" not in at.session_state and at.query_params["lr"] in ("0.12", ["0.12"])  # the widget reads it there
    assert at.session_state["x0"] == "1.9"  # what the link left out comes from the step
    button(at, "Check").click().run()
    assert plain(feedback(at)[1]).startswith("Done")


def test_first_and_last_steps_disable_back_and_next():
    at = open_step("rmsprop_adam", 1)
    assert button(at, "Back").disabled and not button(at, "Next").disabled
    at = open_step("rmsprop_adam", len(load("rmsprop_adam")))
    assert button(at, "Next").disabled


def test_a_step_of_another_lab_links_there():
    at = AppTest.from_function(panel_script, default_timeout=60)
    at.query_params.update({"lesson": "adagrad_by_hand", "step": "1"})
    at.session_state["test_lab"] = "descent"
    at.run()
    assert any("/Adagrad?lesson=adagrad_by_hand&step=1" in m.value for m in at.markdown)
    assert not [b for b in at.button if b.label == "Check"]


@pytest.mark.parametrize("query", [{"lesson": "nope"}, {"lesson": "gradient_descent", "step": "-4"},
                                   {"step": "3"}, {"hide": "zz"}, {"lesson": "x" * 5000}])
def test_bad_keys_are_noticed_and_the_page_goes_on(query):
    at = AppTest.from_function(panel_script, default_timeout=60)
    at.query_params.update(query)
    at.run()
    assert not at.exception and len(at.warning) == 1


def test_no_lesson_no_panel():
    at = AppTest.from_function(panel_script, default_timeout=60).run()
    assert not at.subheader and not hidden(at)


def test_every_step_has_a_link():
    links = lesson_panel.lesson_links("gradient_descent")
    assert len(links) == len(load("gradient_descent"))
    assert links[6].startswith("/Gradient_descent?lesson=gradient_descent&step=7&") and "lr=0.12" in links[6]
    assert [row["steps"] for row in lesson_panel.lesson_list()] == [len(load(n)) for n in builtin()]
