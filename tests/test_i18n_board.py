"""The class board in Russian (issue 30): every sentence, table header, chart title, legend value and chart
description of the board in Russian with the same numbers as in English; the counted sentences in the three
Russian forms; links made on a Russian page carry lang=ru (English ones stay as they were); a board stores
English codes whatever the sender's language; and the board page run with lang=ru (AppTest)."""
from __future__ import annotations

import re

import pytest
from helpers import numbers, run_app, shown

import board
import i18n
from board import entries, view, words
from board.store import MAX_NICKNAME, MAX_RUNS, RATE_LIMIT, Store, clean_nickname

BOARD = "pages/4_Class_board.py"
DESCENT = "pages/1_Gradient_descent.py"
# Words that stay as they are in Russian: method names, URL keys and names of variables, units, formats, commands.
ALLOWED = {"Adagrad", "RMSProp", "Adam", "MLP", "ReLU", "tanh", "sigmoid", "relu", "lr", "x0", "tol", "p", "x", "f",
           "board", "lang", "UTC", "CSV", "Gradient", "Playground", "GP_DATABASE_URL", "PostgreSQL", "psycopg",
           "pip", "install", "binary", "act", "epochs", "n", "eps", "hidden", "batch", "noise", "opt", "target",
           "Class_board", "Gradient_descent", "MLP_training", "http", "https", "material", "add", "e", "_"}
WORD = re.compile(r"[A-Za-z_]+")


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.use("en")


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/boards.sqlite3"
    monkeypatch.setenv("GP_DATABASE_URL", url)
    return Store(url)


def english_words(text: str) -> set[str]:
    return {w for w in WORD.findall(text) if w not in ALLOWED}


def both(make) -> tuple[str, str]:
    """``make()`` in English and in Russian."""
    i18n.use("en")
    english = make()
    i18n.use("ru")
    russian = make()
    i18n.use("en")
    return english, russian


SENTENCES = {
    "malformed": lambda: i18n._(words.NOTICES["malformed"], code="0123456789"),
    "unknown": lambda: i18n._(words.NOTICES["unknown"], code="0" * 16),
    "expired": lambda: i18n._(words.NOTICES["expired"], code="0" * 16),
    "other lab": lambda: i18n._(words.OTHER_LAB, title=i18n._(words.LAB_TITLES["adagrad"]), link="/Adagrad"),
    "database": lambda: i18n._(words.DATABASE_DOWN, error="500"),
    "schema": lambda: i18n._(words.NEWER_SCHEMA, found=3, known=2),
    "forbidden": lambda: i18n._(words.FORBIDDEN),
    "nickname": lambda: clean_nickname("y" * 25)[1],
    "panel": lambda: i18n._(words.PANEL_TEXT, count=7, limit=MAX_RUNS),
    "not ready": lambda: i18n._(words.MLP_NOT_READY),
    "sent": lambda: i18n._(words.SENT, number=12),
    "duplicate": lambda: i18n._(words.DUPLICATE),
    "rate": lambda: words.rate(RATE_LIMIT),
    "full": lambda: words.full(MAX_RUNS),
    "expires": lambda: words.expires(i18n._(words.LAB_TITLES["adagrad"]), "05 December 2026, 08:18 UTC", 14),
    "count": lambda: words.count(3, MAX_RUNS),
    "empty": lambda: i18n._(words.EMPTY),
    "descent map": lambda: i18n._(words.DESCENT_MAP, poly="x² − 5x + 4", steps=1000),
    "others": lambda: words.descent_others(4),
    "adagrad": lambda: i18n._(words.ADAGRAD_PICTURE),
    "mlp": lambda: i18n._(words.MLP_PICTURE, setting="lr"),
    "mlp same": lambda: i18n._(words.MLP_NOTHING_VARIES),
}


@pytest.mark.parametrize("name", list(SENTENCES))
def test_every_board_sentence_is_russian_with_the_same_numbers(name):
    english, russian = both(SENTENCES[name])
    assert russian != english and re.search("[а-яё]", russian)
    words_left = english_words(russian.replace("December", ""))  # the date is filled in English here
    assert not words_left, (russian, words_left)
    assert numbers(russian) == numbers(english)


def test_a_nickname_too_long_says_so_in_russian():
    i18n.use("ru")
    assert clean_nickname("y" * 25) == ("", f"Ник — не длиннее {MAX_NICKNAME} символов, а в этом их 25.")


FORMS = {1: "{n} запуск из", 2: "{n} запуска из", 5: "{n} запусков из", 11: "{n} запусков из", 21: "{n} запуск из",
         71: "{n} запуск из", 86: "{n} запусков из"}


@pytest.mark.parametrize("n", list(FORMS))
def test_the_board_counts_its_runs_in_russian_forms(n):
    i18n.use("ru")
    assert words.count(n, MAX_RUNS).startswith(FORMS[n].format(n=n))
    days = {1: "1 день", 2: "2 дня", 5: "5 дней", 11: "11 дней", 21: "21 день", 71: "71 день", 86: "86 дней"}[n]
    assert f"действует {days} после создания" in words.expires("Adagrad", "05 декабря 2026, 08:18 UTC", n)
    full = {1: "1 запуска", 2: "2 запусков", 5: "5 запусков", 11: "11 запусков", 21: "21 запуска", 71: "71 запуска",
            86: "86 запусков"}[n]
    assert words.full(n) == f"Доска заполнена: на ней помещается не больше {full}."
    i18n.use("en")
    assert words.count(n, MAX_RUNS) == f"{n} of at most {MAX_RUNS} runs."  # English as it was, whatever n


def test_links_made_on_a_russian_page_carry_lang_ru_and_english_ones_are_unchanged():
    from app import board_panel

    code, secret = "A" * 16, "B" * 24
    assert board_panel.students_link(code, "adagrad") == f"/Adagrad?board={code}"
    assert board_panel.board_link(code, secret) == f"/Class_board?board={code}&secret={secret}"
    i18n.use("ru")
    assert board_panel.students_link(code, "adagrad") == f"/Adagrad?board={code}&lang=ru"
    assert board_panel.board_link(code) == f"/Class_board?board={code}&lang=ru"
    assert board_panel.board_link(code, secret) == f"/Class_board?board={code}&secret={secret}&lang=ru"
    assert board_panel.board_link() == "/Class_board?lang=ru"


def test_a_date_on_the_board_has_its_russian_month():
    from app import board_panel

    english, russian = both(lambda: board_panel._date(1_796_458_680.0))  # 2026-12-05 08:18 UTC
    assert english == "05 December 2026, 08:18 UTC" and russian == "05 декабря 2026, 08:18 UTC"


def test_a_board_stores_english_codes_whatever_the_senders_language():
    i18n.use("ru")
    entry = board.descent((1, -5, 4), [0.0, 3.0], 0.05, 1000, 1e-6)
    assert [s["outcome"] for s in entry.results["starts"]] == ["left root", "right root"]
    assert entries._in_english(lambda: i18n._(words.SENT, number=1)) == "Sent: your run is run 1 in the board's table."
    assert i18n.language() == "ru"  # and the language is back


def _runs(store):
    """A board of each lab with runs on it: {lab: (code, runs)}."""
    made = {}
    d, secret = store.create("descent")
    store.send(d.code, "v1", board.descent((1, -5, 4), [0.0, 3.0], 0.05, 1000, 1e-6), "Ann")
    store.send(d.code, "v2", board.descent((1, -5, 4), [2.5], 0.5, 1000, 1e-6), "")
    a, _ = store.create("adagrad")
    store.send(a.code, "v1", board.adagrad(0.0, {"gradient descent": 0.2, "momentum": 0.2, "Adagrad": 0.2}, 200,
                                           ("gradient descent", "momentum", "Adagrad")), "Bo")
    store.send(a.code, "v2", board.adagrad(0.0, {"gradient descent": 0.01, "Adagrad": 0.01}, 3,
                                           ("gradient descent", "Adagrad")), "")
    for code, lab in ((d.code, "descent"), (a.code, "adagrad")):
        made[lab] = (code, store.runs(code))
    made["secret"] = secret  # the descent board's
    return made


def _spec_words(spec) -> list[str]:
    """The words a chart shows: titles, descriptions and the values of word fields in its data."""
    found = []

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in ("title", "description", "outcome", "winner", "root", "setting",
                                               "label", "domain", "sort"):
            found.append(node)
    walk(spec)
    return found


def test_the_boards_tables_and_pictures_are_russian(store):
    made = _runs(store)
    made.pop("secret")
    for hide in (False, True):
        for lab, (_code, runs) in made.items():
            english, russian = both(lambda lab=lab, runs=runs, hide=hide: view.shown(view.table(lab, runs, hide)))
            assert list(english.columns) == list(view.table(lab, runs, hide).columns)  # English as it was
            assert not english_words(" ".join(russian.columns)), list(russian.columns)
            cells = [v for column in russian.columns if russian[column].dtype == object for v in russian[column]
                     if v is not None and (column not in ("p(x)", view.header("nickname")) or hide)]
            assert not english_words(" ".join(map(str, cells))), cells
            assert numbers(" ".join(map(str, english.to_numpy().ravel()))) == numbers(
                " ".join(map(str, russian.to_numpy().ravel())))
    code, runs = made["adagrad"]
    i18n.use("ru")
    spec = view.adagrad_chart(view.adagrad_rows(runs, False)).to_dict()
    shown_words = _spec_words(spec)
    assert any("Победители присланных гонок" in w for w in shown_words)
    assert not english_words(" ".join(shown_words)), shown_words
    key, on_map, _ = view.descent_map_runs(made["descent"][1])
    problem = __import__("core.objective", fromlist=["Quadratic"]).Quadratic(*key[:3])
    points = view.descent_points(on_map, False)
    sw = view.descent_sweep(key[:3], key[3], key[4], (float(points["lr"].min()), float(points["lr"].max())),
                            (float(points["x0"].min()), float(points["x0"].max())))
    chart = view.descent_chart(sw, problem, points).to_dict()
    shown_words = _spec_words(chart)
    assert any("3 присланные начальные точки" in w for w in shown_words), shown_words
    assert not english_words(" ".join(shown_words)), set(english_words(" ".join(shown_words)))


def test_the_csv_is_in_the_language_of_the_page_that_offered_it(store):
    made = _runs(store)
    code, runs = made["descent"]
    english = view.csv("descent", runs).decode()
    i18n.use("ru")
    russian = view.csv("descent", runs, "ru").decode()
    assert i18n.language() == "ru"
    assert english == view.csv("descent", runs, "en").decode() and english.startswith("run,sent (UTC),nickname")
    assert "отправлен (UTC)" in russian.splitlines()[0] and not english_words(russian.splitlines()[0])
    assert numbers(english) == numbers(russian)


# ── the page, with lang=ru ───────────────────────────────────────────────────────────────────────────────
def page_text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [h.value for h in at.header]
    parts += [t.value for t in at.title] + [w.value for w in at.warning] + [i.value for i in at.info]
    parts += [s.value for s in at.success] + [b.label for b in at.button] + [e.label for e in at.expander]
    parts += [w.label for w in (*at.radio, *at.number_input, *at.toggle, *at.checkbox, *at.text_input)]
    parts += [w.label for w in at.selectbox if w.key != "gp_language_choice"]
    return shown(" ".join(parts))


def test_the_board_page_in_russian_makes_a_board_with_russian_links(store):
    at = run_app(BOARD, {"lang": "ru"})
    assert not at.exception
    text = page_text(at)
    assert "Классная доска" in text and "Создать доску" in text
    assert not english_words(text), english_words(text)
    assert not english_words(" ".join(at.radio(key="board_lab").options))
    at.radio(key="board_lab").set_value("Adagrad")
    at.button(key="board_create").click().run()
    assert not at.exception
    code = at.query_params["board"]
    code = code[0] if isinstance(code, list) else code
    links = [c.value for c in at.code]
    assert links and all(link.endswith("lang=ru") for link in links)
    assert f"/Adagrad?board={code}&lang=ru" in links[0]
    text = page_text(at)
    assert "Действия преподавателя" in text and "Ссылка для студентов" in text
    assert not english_words(text), english_words(text)


def test_a_board_in_russian_shows_its_runs_and_teacher_actions_in_russian(store):
    made = _runs(store)
    secret = made.pop("secret")
    mlp, _ = store.create("mlp")
    for params in ({"board": made["descent"][0], "secret": secret}, {"board": made["adagrad"][0]},
                   {"board": mlp.code}):
        at = run_app(BOARD, {**params, "lang": "ru"})
        assert not at.exception
        text = page_text(at)
        assert "Запуски класса" in text
        assert not english_words(text), (params, english_words(text))
        if at.dataframe:
            table = at.dataframe[0].value
            assert "ник" in table.columns and "nickname" not in table.columns
        if "secret" in params:
            assert "Действия преподавателя" in text
            assert [d.proto.label for d in at.get("download_button")] == ["Скачать доску (CSV)"]
            at.toggle(key="board_hide").set_value(True).run()
            assert set(at.dataframe[0].value["ник"]) == {"скрыт"}
            at.button(key="board_clear").click().run()  # not confirmed: nothing happens
            assert not at.exception and len(store.runs(params["board"])) == 2


def test_a_run_sent_from_a_russian_page_is_thanked_in_russian(store):
    made, _ = store.create("descent")
    at = run_app(DESCENT, {"board": made.code, "lang": "ru", "x0": "0; 3", "lr": "0,05"})
    assert not at.exception
    at.text_input(key="board_nickname").input("Аня")
    at.button(key="board_send").click().run()
    (run,) = store.runs(made.code)
    assert run.settings["lr"] == 0.05 and run.settings["x0"] == [0.0, 3.0]
    assert any(f"номер {run.id} в таблице доски" in shown(s.value) for s in at.success)
    at.button(key="board_send").click().run()  # the same setting again: refused, in Russian
    assert any("уже на доске" in shown(i.value) for i in at.info)
    assert run.results["starts"][0]["outcome"] == "left root"  # stored in English, shown in each reader's language


def test_an_unknown_board_in_russian_gets_a_russian_notice_and_a_russian_link(store):
    at = run_app(BOARD, {"board": "A" * 16, "lang": "ru"})
    assert not at.exception
    assert any("Классной доски с кодом" in shown(w.value) for w in at.warning)
    assert any("(/Class_board?lang=ru)" in m.value for m in at.markdown)


def test_the_mlp_boards_table_and_charts_are_russian():
    from board.store import Run

    results = {"final_loss": 0.02, "f(-2)": 4.1, "f(-1)": 1.0, "f(1)": 1.1, "f(2)": 3.9, "f(103)": 120.0,
               "seconds": 1.5, "state": "done"}
    runs = [Run(1, "Ann", 0.0, {}, {**results, "changed": "default"}),
            Run(2, "", 0.0, {"lr": 0.1}, {**results, "final_loss": 0.5, "changed": "lr:0.1"})]
    for setting in (None, "lr"):
        english, russian = both(lambda setting=setting: (
            view.shown(view.mlp_rows(runs, True)),
            [view.mlp_loss_chart(runs, setting, view.mlp_rows(runs, True)).to_dict(),
             view.mlp_far_chart(runs, setting, view.mlp_rows(runs, True)).to_dict()]))
        assert english[0]["changed"].tolist() == ["default", "lr:0.1"]  # English as it was
        i18n.use("ru")
        assert russian[0]["изменено"].tolist() == ["по умолчанию", "lr:0.1"]
        assert not english_words(" ".join(russian[0].columns))
        shown_words = [w for spec in russian[1] for w in _spec_words(spec)]
        assert any("Итоговые потери для 2 запусков" in w for w in shown_words), shown_words
        assert not english_words(" ".join(shown_words)), english_words(" ".join(shown_words))
        i18n.use("en")
