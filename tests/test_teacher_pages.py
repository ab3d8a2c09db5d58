"""Teacher keys on the real lab pages: hide= removes exactly the named controls and sections (counted), a hidden
control still takes its value from the link, answers=hide puts the lab's answers behind a button, the share link
keeps the teacher's view, and hostile values of the teacher and lesson keys get a notice while the page goes on."""
import pytest
from helpers import run_app, shown
from reference import descent_by_hand

from labs import settings_of

PAGES = {"descent": "pages/1_Gradient_descent.py", "adagrad": "pages/2_Adagrad.py", "mlp": "pages/3_MLP_training.py"}
WIDGETS = ("text_input", "number_input", "checkbox", "radio", "multiselect", "selectbox", "slider", "toggle")
# a control and a section of each page, and the section's heading as the page writes it
HIDDEN = {
    "descent": ("lr", "basin", "Basin map: which start goes where, at which learning rate"),
    "adagrad": ("eps", "slowdown", "3 · Why Adagrad slows down, and what came next"),
    "mlp": ("noise", "far", None),  # the far probe's heading is drawn by the live view
}


def keys(at) -> list[str]:
    return sorted(w.key for kind in WIDGETS for w in at.get(kind) if w.key)


def headings(at) -> list[str]:
    return [h.value for h in list(at.header) + list(at.subheader)]


@pytest.mark.parametrize("lab", ["descent", "adagrad"])
def test_hide_removes_exactly_the_named_control_and_section(lab):
    control, section, heading = HIDDEN[lab]
    whole = run_app(PAGES[lab])
    part = run_app(PAGES[lab], {"hide": f"{control},{section}"})
    assert not part.exception and not part.warning
    assert set(keys(whole)) - set(keys(part)) == {control} and set(keys(part)) <= set(keys(whole))
    assert [h for h in headings(whole) if h not in headings(part)] == [heading]


def test_hide_share_and_buttons_on_the_mlp_page():
    whole = run_app(PAGES["mlp"])
    part = run_app(PAGES["mlp"], {"hide": "noise,buttons,share"})
    assert set(keys(whole)) - set(keys(part)) == {"noise"}
    assert "Train" in [b.label for b in whole.button] and not part.button
    assert any("Share this view" in m.value for m in whole.markdown)
    assert not any("Share this view" in m.value for m in part.markdown)


def test_a_hidden_control_takes_its_value_from_the_link():
    """hide=lr&lr=0.05: no lr field, and the runs are the runs at lr 0.05 (steps from a loop written here)."""
    at = run_app(PAGES["descent"], {"hide": "lr", "lr": "0.05", "x0": "0"})
    assert "lr" not in keys(at) and not at.warning
    _, steps, status = descent_by_hand(1, -5, 4, 0.0, 0.05)
    assert status == "converged"
    table = at.table[0].value
    assert int(table.iloc[0]["steps"]) == steps
    link = next(m.value for m in at.markdown if "Share this view" in m.value)
    assert "lr=0.05" in link and "hide=lr" in link


def test_a_hidden_control_with_a_bad_link_value_says_so():
    at = run_app(PAGES["descent"], {"hide": "lr", "lr": "abc"})
    assert any("lr" in shown(w.value) and "abc" in shown(w.value) for w in at.warning)


def test_answers_hide_puts_the_answers_behind_a_button():
    at = run_app(PAGES["descent"], {"answers": "hide"})
    labels = [b.label for b in at.button]
    assert "Show where each run ends" in labels and "Show the four answers" in labels
    assert "Where each run ends" not in headings(at) and not at.table
    at.button(key="reveal_status").click().run()
    assert "Where each run ends" in headings(at) and at.table
    assert "The four questions, answered for these settings" not in headings(at)  # one at a time


def test_the_adagrad_verdicts_wait_too():
    at = run_app(PAGES["adagrad"], {"answers": "hide"})
    assert [b.label for b in at.button].count("Show the race, and who wins") == 2
    assert not at.get("vega_lite_chart") or all("Loss" not in str(c.proto.spec) for c in at.get("vega_lite_chart"))


def test_the_share_link_keeps_the_teachers_view():
    at = run_app(PAGES["descent"], {"hide": "basin,lr", "answers": "hide", "present": "1", "sidebar": "collapsed"})
    link = next(m.value for m in at.markdown if "Share this view" in m.value)
    assert "hide=lr%2Cbasin" in link and "answers=hide" in link and "present=1" in link
    assert "sidebar=collapsed" in link


TEACHER_HOSTILE = {"text": "abc", "empty": "", "negative": "-1", "huge": "1e308", "long": "x," * 2000,
                   "markup": "<script>alert(1)</script>", "unicode": "ñ\u202e\u0000"}


@pytest.mark.parametrize("key", ["hide", "answers", "sidebar", "present", "lesson", "step"])
@pytest.mark.parametrize("name", list(TEACHER_HOSTILE))
def test_hostile_teacher_keys_are_named_and_the_page_goes_on(key, name):
    raw = TEACHER_HOSTILE[name]
    params = {key: raw} if key != "step" else {"lesson": "gradient_descent", "step": raw}
    at = run_app(PAGES["descent"], params, timeout=30)
    assert not at.exception, at.exception
    assert at.title and at.get("vega_lite_chart")
    notices = [shown(w.value) for w in at.warning]
    if key == "hide" and name == "empty":
        return  # hide= with nothing in it hides nothing
    assert any(key in n for n in notices), notices


def test_every_lab_lists_its_page_controls():
    """The settings table a lesson is checked against names exactly the page's controls."""
    for lab, page in PAGES.items():
        table = {s.key for s in settings_of(lab).SETTINGS}
        found = set(keys(run_app(page)))
        if lab == "mlp":
            found |= set(keys(run_app(page, {"opt": "adam"}))) | set(keys(run_app(page, {"opt": "rmsprop"})))
        assert found - {k for k in found if k.startswith(("gd_", "ada_", "mlp_", "lesson_", "gp_"))} <= table, lab


def test_the_cobweb_keeps_where_the_run_ends_folded_while_answers_wait():
    """The cobweb's words say where the run ends (from 0 at lr 0.01: the root 1 in 71 updates, a loop written here
    counts them): with answers=hide they sit in a closed 'Show what this run does' expander."""
    _, steps, _ = descent_by_hand(1, -5, 4, 0.0, 0.01)
    told = f"reaches 1 in {steps} steps"
    hidden = run_app(PAGES["descent"], {"answers": "hide", "x0": "0"})
    assert "Cobweb: the update map x → x − lr·loss′(x)" not in headings(hidden)  # the section waits as a whole
    hidden.button(key="reveal_cobweb").click().run()
    folded = [e for e in hidden.expander if e.label.startswith("Show what this run does")]
    assert len(folded) == 1 and any(told in m.value for m in folded[0].markdown)
    shown_page = run_app(PAGES["descent"], {"x0": "0"})
    assert not [e for e in shown_page.expander if e.label.startswith("Show what this run does")]
    assert any(told in m.value for m in shown_page.markdown)


def test_a_lesson_step_on_the_real_adagrad_page():
    """Adagrad by hand, step 1, on the lab page itself: the step sets the inspector (k = 1 on W[2, 3]), the races
    wait; a right prediction of G (from Adagrad written out by hand here) is called right and opens them; a
    wrong one is called wrong with the number; Next sets step 2's settings."""
    from reference import adagrad_by_hand

    at = run_app(PAGES["adagrad"], {"lesson": "adagrad_by_hand", "step": "1"})
    assert not at.exception
    assert at.text_input(key="k").value == "1" and at.text_input(key="i").value == "2"
    assert [b.label for b in at.button].count("Show the race, and who wins") == 2
    G = adagrad_by_hand(0, 0.1, 1e-8, 1)[0][3][2 * 10 + 3]  # W[2, 3], flattened row-major
    given = next(t for t in at.text_input if t.label.startswith("Your prediction"))
    given.set_value(f"{G + 1:.6g}").run()
    next(b for b in at.button if b.label == "Check").click().run()
    wrong = [shown(e.value) for e in at.error]
    assert wrong and wrong[0].startswith("Not quite") and f"{G:.6g}" in wrong[0]
    given = next(t for t in at.text_input if t.label.startswith("Your prediction"))
    given.set_value(f"{G:.6g}".replace(".", ",")).run()  # a decimal comma, as the course writes it
    next(b for b in at.button if b.label == "Check").click().run()
    assert [shown(s.value) for s in at.success][0].startswith(f"Right: {G:.6g}")
    assert "Show the race, and who wins" not in [b.label for b in at.button]  # checked: the races are shown
    next(b for b in at.button if b.label == "Next").click().run()
    assert not at.exception and any("Step 2 of 8" in h.value for h in at.subheader)
