"""The class board on the pages (AppTest): making a board, Send to the board on each lab, the board view, the
teacher's actions, and hostile ``board`` values and nicknames (notices, never a traceback, never markup)."""
from __future__ import annotations

import re

import pytest
from helpers import run_app, shown, train_to_end

import board
from board.store import Store
from core.inputs import echo

LABS = {"descent": "pages/1_Gradient_descent.py", "adagrad": "pages/2_Adagrad.py", "mlp": "pages/3_MLP_training.py"}
BOARD = "pages/4_Class_board.py"


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A database of this test's own (the app's store is cached per GP_DATABASE_URL)."""
    url = f"sqlite:///{tmp_path}/boards.sqlite3"
    monkeypatch.setenv("GP_DATABASE_URL", url)
    return Store(url)


def everything_shown(at) -> str:
    """Every element's protobuf as text: what the page sent to the browser."""
    out = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


def send(at, nickname: str | None = None):
    if nickname is not None:
        at.text_input(key="board_nickname").input(nickname)
    return at.button(key="board_send").click().run()


def test_a_teacher_makes_a_board_and_gets_both_links(store):
    at = run_app(BOARD)
    assert not at.exception
    assert at.number_input(key="board_days").value == 14 and any("14 days" in c.value for c in at.caption)
    at.radio(key="board_lab").set_value("Adagrad")
    at.button(key="board_create").click().run()
    code, secret = at.query_params["board"], at.query_params["secret"]
    code, secret = (v[0] if isinstance(v, list) else v for v in (code, secret))
    found = store.board(code)
    assert found.lab == "adagrad" and round((found.expires - found.created) / 86400) == 14
    assert store.is_teacher(code, secret)
    links = [c.value for c in at.code]
    assert f"/Adagrad?board={code}" in links[0] and secret not in links[0]
    assert any(f"/Class_board?board={code}&secret={secret}" in link for link in links)
    assert any(h.value == "Teacher's actions" for h in at.header)


def test_the_students_link_and_the_class_view_never_show_the_secret(store):
    made, secret = store.create("descent")
    store.send(made.code, "v", board.descent((1, -5, 4), [0.0], 0.01, 1000, 1e-6), "Ann")
    for at in (run_app(BOARD, {"board": made.code}), run_app(LABS["descent"], {"board": made.code}),
               run_app(BOARD, {"board": made.code, "secret": "A" * 24})):
        assert not at.exception
        assert secret not in everything_shown(at)
        assert not any(h.value == "Teacher's actions" for h in at.header)
        assert not any(b.key == "board_clear" for b in at.button)


def test_a_wrong_secret_gets_a_notice_and_no_teachers_actions(store):
    made, _ = store.create("descent")
    at = run_app(BOARD, {"board": made.code, "secret": "x" * 24})
    assert not at.exception
    assert any("not this board's" in shown(w.value) for w in at.warning)
    assert not any(b.key == "board_remove" for b in at.button)


@pytest.mark.parametrize("lab", list(LABS))
def test_no_board_in_the_link_no_panel(store, lab):
    at = run_app(LABS[lab])
    assert not at.exception
    assert not any(b.key == "board_send" for b in at.button)


def test_a_descent_run_sent_from_the_page_is_on_the_board(store):
    made, secret = store.create("descent")
    at = run_app(LABS["descent"], {"board": made.code, "x0": "0,3", "lr": "0.05"})
    assert not at.exception
    send(at, "Ann")
    (run,) = store.runs(made.code)
    assert any(f"run {run.id} in the board's table" in shown(s.value) for s in at.success)
    assert run.nickname == "Ann" and run.settings["x0"] == [0.0, 3.0] and run.settings["lr"] == 0.05
    send(at)  # the same setting again: refused, said
    assert any("already" in shown(i.value) for i in at.info) and len(store.runs(made.code)) == 1
    view = run_app(BOARD, {"board": made.code})
    assert not view.exception
    table = view.dataframe[0].value
    assert table["x0"].tolist() == [0.0, 3.0] and set(table["nickname"]) == {"Ann"}
    (chart,) = view.get("vega_lite_chart")
    assert "2 starts sent" in chart.proto.spec and "x0 = 3 at lr = 0.05: right root" in chart.proto.spec


def test_an_adagrad_race_sent_names_its_winner_on_the_board(store):
    made, _ = store.create("adagrad")
    at = run_app(LABS["adagrad"], {"board": made.code, "lr_race": "0.2"})
    send(at)
    (run,) = store.runs(made.code)
    assert run.results["winner"] == "Adagrad"  # at lr 0.2 from 0 gradient descent and momentum diverge
    view = run_app(BOARD, {"board": made.code})
    assert not view.exception and view.dataframe[0].value["winner"].tolist() == ["Adagrad"]


def test_an_mlp_run_is_sent_once_it_has_finished(store):
    made, _ = store.create("mlp")
    at = run_app(LABS["mlp"], {"board": made.code, "epochs": "1", "n": "200", "act": "tanh"})
    send(at)
    assert any("Train the run to the end" in shown(i.value) for i in at.info) and store.runs(made.code) == []
    train_to_end(at)
    send(at, "Bo")
    (run,) = store.runs(made.code)
    assert run.settings == {"act": "tanh", "epochs": 1, "n": 200} and run.nickname == "Bo"
    view = run_app(BOARD, {"board": made.code})
    assert not view.exception and view.dataframe[0].value["changed"].tolist() == ["act:tanh,epochs:1,n:200"]


def test_a_board_of_another_lab_points_to_its_lab(store):
    made, _ = store.create("mlp")
    at = run_app(LABS["descent"], {"board": made.code})
    assert not at.exception and not any(b.key == "board_send" for b in at.button)
    assert any(f"/MLP_training?board={made.code}" in i.value for i in at.info)


HOSTILE_CODES = ["<script>alert(1)</script>", "[x](http://evil.example)", "**x** :red[y] $x$", "a" * 10_000,
                 "abc\x00\x1b[31m\u202edef\nghi", "A" * 16]


@pytest.mark.parametrize("page", [*LABS.values(), BOARD])
@pytest.mark.parametrize("code", HOSTILE_CODES, ids=["script", "link", "markup", "10000", "control", "unknown"])
def test_a_hostile_board_value_gets_a_notice_never_a_traceback(store, page, code):
    at = run_app(page, {"board": code})
    assert not at.exception
    notices = [w.value for w in at.warning if "board" in shown(w.value)]
    assert len(notices) == 1
    text = notices[0]
    assert len(text) < 1000  # the value is echoed shortened
    assert not re.search(r"(?<!\\)[<>\[\]()*:$]", text)  # Markdown that shows these characters, nothing else
    assert "\x00" not in text and "\x1b" not in text and "\u202e" not in text
    assert echo(board.visible(code)) in shown(text)
    assert not any(b.key == "board_send" for b in at.button)


@pytest.mark.parametrize("nickname, kept", [("<b>Ann</b>", "<b>Ann</b>"), ("[x](http://e.vil)", "[x](http://e.vil)"),
                                            ("a\nb\x00c\u202ed", "a b c d")])
def test_a_hostile_nickname_reaches_the_board_as_plain_text(store, nickname, kept):
    made, _ = store.create("descent")
    at = run_app(LABS["descent"], {"board": made.code})
    send(at, nickname)
    assert not at.exception
    assert [r.nickname for r in store.runs(made.code)] == [kept]
    view = run_app(BOARD, {"board": made.code})
    assert set(view.dataframe[0].value["nickname"]) == {kept}  # a data grid's text cell: never markup
    assert not any(kept in m.value for m in view.markdown)


def test_a_nickname_of_ten_thousand_characters_never_reaches_the_board_whole(store):
    made, _ = store.create("descent")
    at = run_app(LABS["descent"], {"board": made.code})
    at.session_state["board_nickname"] = "y" * 10_000  # past the field's max_chars, as an edited request could be
    at.button(key="board_send").click().run()
    assert not at.exception
    # Streamlit cuts a text field's value to its max_chars on the server; the store refuses longer ones itself
    # (test_board.test_a_nickname_is_at_most_twenty_characters).
    assert [r.nickname for r in store.runs(made.code)] == ["y" * 20]


def test_the_teacher_hides_nicknames_removes_a_run_and_clears_the_board(store):
    made, secret = store.create("descent")
    for i in range(3):
        store.send(made.code, f"v{i}", board.descent((1, -5, 4), [float(i)], 0.01, 1000, 1e-6), f"n{i}")
    at = run_app(BOARD, {"board": made.code, "secret": secret})
    assert not at.exception
    at.toggle(key="board_hide").set_value(True).run()
    assert store.board(made.code).hide_names
    assert set(at.dataframe[0].value["nickname"]) == {"hidden"}
    first = store.runs(made.code)[0].id
    at.selectbox(key="board_remove_id").set_value(first).run()
    at.button(key="board_remove").click().run()
    assert [r.id for r in store.runs(made.code)] == [first + 1, first + 2]
    at.button(key="board_clear").click().run()  # not confirmed: nothing happens
    assert len(store.runs(made.code)) == 2
    at.checkbox(key="board_clear_sure").check().run()
    at.button(key="board_clear").click().run()
    assert store.runs(made.code) == [] and not at.exception


def test_an_expired_board_says_so(store):
    import time

    made, _ = store.create("descent", days=1, now=time.time() - 2 * 86400)
    for page in (BOARD, LABS["descent"]):
        at = run_app(page, {"board": made.code})
        assert not at.exception
        assert any("has expired" in shown(w.value) for w in at.warning)


def test_a_database_it_cannot_open_gets_a_notice_never_a_traceback(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("GP_DATABASE_URL", f"sqlite:///{tmp_path}/file/boards.sqlite3")  # its folder cannot be made
    for page, params in ((BOARD, {}), (BOARD, {"board": "A" * 16}), (LABS["descent"], {"board": "A" * 16})):
        at = run_app(page, params)
        if params:
            assert any("did not answer" in shown(w.value) for w in at.warning)
        else:
            at.button(key="board_create").click().run()
            assert any("did not answer" in shown(w.value) for w in at.warning)
        assert not at.exception
