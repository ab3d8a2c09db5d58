"""The app's shared words in Russian (issue 30): notices for rejected values, the teacher keys, the lesson panel
and its feedback, the glossary, the player's words, the home page. Each Russian sentence keeps the English one's
numbers and leaves no English word outside a short allow-list; counted messages take Russian's three forms."""
from __future__ import annotations

import re

import pytest
from helpers import numbers, run_app

import i18n
from core.inputs import parse_flag, parse_number, parse_number_list
from labs import glossary, table
from labs.answer import format_value
from lessons import load, teacher, translated

ALLOWED = {"adagrad", "rmsprop", "adam", "relu", "tanh", "sigmoid", "mlp", "lr", "numpy", "x0", "tol", "eps",
           "true", "false", "hide", "show", "answers", "sidebar", "present", "lesson", "step", "lang", "en", "ru",
           "collapsed", "expanded", "auto", "streamlit", "altair", "core", "pages", "docs", "lessons", "md",
           "max", "batch", "gradient_descent", "adagrad_by_hand", "rmsprop_adam", "mlp_x103"}
_CODE = re.compile(r"\{\w*\}|`[^`]*`|\]\([^)]*\)|https?://\S+|/[A-Za-z_]+\?\S*")


def english_words(text: str, also=()) -> list[str]:
    """The Latin words of ``text`` (two letters or more) outside code spans, links and the allow-list."""
    words = re.findall(r"[A-Za-z][A-Za-z_0-9]+", _CODE.sub(" ", text))
    allowed = ALLOWED | {a.lower() for a in also}
    return [w for w in words if w.lower() not in allowed]



@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.use("en")


def both(fn):
    """fn() in English and in Russian."""
    i18n.use("en")
    en = fn()
    i18n.use("ru")
    ru = fn()
    i18n.use("en")
    return en, ru


REJECTED = [
    lambda: parse_number("abc", 0, 1, name="lr")[1],
    lambda: parse_number("inf", 0, 1, name="lr")[1],
    lambda: parse_number("2.5", 0, 10, integer=True, name="steps")[1],
    lambda: parse_number("12", 0.001, 10, name="lr")[1],
    lambda: parse_number("1,000", 0, 1e9, name="lr")[1],
    lambda: parse_number("1,2,3", 0, 10, name="lr")[1],
    lambda: parse_number("9" * 120, 0, 10, name="lr")[1],
    lambda: parse_flag("maybe", "play")[1],
    lambda: parse_number_list("", max_items=3, lo=0, hi=1, name="x0")[1],
    lambda: parse_number_list("1 2 3 4 5", max_items=3, lo=0, hi=9, name="x0")[1],
    lambda: parse_number_list("x" * 200, max_items=3, lo=0, hi=9, name="x0")[1],
]


@pytest.mark.parametrize("make", REJECTED)
def test_a_rejected_value_is_named_in_russian_with_the_same_numbers(make):
    en, ru = both(make)
    assert en and ru and en != ru
    assert not english_words(ru, also=("abc", "inf", "maybe", "play", "steps", "x" * 40)), ru
    assert numbers(ru) == numbers(en)


def test_teacher_keys_notices_in_russian():
    query = {"hide": "nonsense,lr", "answers": "maybe", "sidebar": "wide", "present": "2", "lesson": "nope",
             "step": "x"}
    en, ru = both(lambda: teacher.read(query, "descent").notices)
    assert len(en) == len(ru) == 5
    for e, r in zip(en, ru):
        assert r.startswith("Пропущено") and numbers(r) == numbers(e)
        keys = teacher.hide_names("descent")  # URL keys and section names: codes, not words
        assert not english_words(r, also=("nonsense", "maybe", "wide", "nope", *keys)), r


def test_lesson_step_out_of_range_keeps_its_numbers():
    en, ru = both(lambda: teacher.read({"lesson": "gradient_descent", "step": "99"}, "descent").notices)
    assert numbers(en[0]) == numbers(ru[0]) and "Пропущено" in ru[0]


@pytest.mark.parametrize("n, form", [(1, "значение"), (2, "значения"), (5, "значений"), (11, "значений"),
                                     (21, "значение"), (71, "значение"), (86, "значений")])
def test_a_counted_message_takes_the_russian_form(n, form):
    setting = table.Setting("x0", "1", "list", "", lo=0, hi=10, max_items=0)
    en, ru = both(lambda: table.coerce(setting, [1] * n)[1])
    assert f" {n} {form}," in ru and f"{n} value" in en
    home = both(lambda: i18n.ngettext("{title} · {n} step", "{title} · {n} steps", n, title="T"))[1]
    assert home == f"T · {n} " + {"значение": "шаг", "значения": "шага", "значений": "шагов"}[form]


def test_answers_in_russian_words():
    en, ru = both(lambda: [format_value(v) for v in (None, True, False, 3, 0.25)])
    assert en == ["none", "yes", "no", "3", "0.25"] and ru[1:3] == ["да", "нет"] and ru[3:] == en[3:]
    assert not english_words(" ".join(ru))


def test_lesson_text_is_shown_translated_and_graded_against_its_own_option():
    from lessons import grade

    lesson = load("gradient_descent")
    i18n.use("ru")
    assert translated(lesson.title) != lesson.title
    for step in lesson.steps:
        assert not english_words(translated(step.prompt), also=("x", "p", "a", "b", "c")), step.prompt
        q = step.question
        if q is not None and q.kind == "choice":
            assert all(translated(o) != o or not english_words(o) for o in q.options)
            feedback = grade(step, q.options[0])  # the English option, as the radio keeps it
            assert feedback.status in ("right", "wrong")
            assert feedback.text.startswith(("Верно", "Не совсем"))
    assert grade(lesson.steps[0], "abc").text.startswith("«abc» — не число") if lesson.steps[0].question and \
        lesson.steps[0].question.kind == "number" else True


def test_glossary_finds_and_defines_the_courses_terms_in_russian():
    i18n.use("ru")
    text = "Бассейны притяжения корней и диаграмма Ламерея; «мёртвых» нейронов нет, изломы сдвинулись; хаос."
    assert glossary.terms_in(text) == ["basin", "cobweb", "dead unit", "kink", "chaos"]
    tip = glossary.tooltip(["basin", "stability bound"])
    assert "**бассейн притяжения**" in tip and "**граница устойчивости**" in tip
    assert not english_words(tip, also=("p", "a", "b", "c", "x", "ac"))
    i18n.use("en")
    assert glossary.terms_in(text) == []
    assert glossary.tooltip(["basin"]).startswith("**basin**: The basin (of attraction)")


def test_player_words_are_sent_in_russian_and_match_the_players_keys():
    from pathlib import Path

    from app import player

    assert player.words() == {}  # English: player.js's own
    i18n.use("ru")
    words = player.words()
    js = (Path(player.__file__).with_name("player.js")).read_text(encoding="utf-8")
    block = js[js.index("const WORDS = {"):js.index("};", js.index("const WORDS = {"))]
    english = dict(re.findall(r"(\w+): \"([^\"]*)\"", block))
    assert set(words) == set(english)
    for key, text in words.items():
        assert not english_words(text), (key, text)
        assert set(re.findall(r"\{(\w+)\}", text)) == set(re.findall(r"\{(\w+)\}", english[key])), key
    assert player._translated({"unit": "Snapshot"})["unit"] == "Снимок"


def test_the_live_stream_is_asked_for_in_the_pages_language():
    from app import live_route
    from core.train import TrainConfig

    config = TrainConfig()
    assert "lang=" not in live_route.url(config)
    i18n.use("ru")
    assert live_route.url(config).endswith("/frames?lang=ru")


def test_the_home_page_in_russian():
    at = run_app("playground.py", {"lang": "ru"})
    assert not at.exception
    text = " ".join([t.value for t in at.title] + [h.value for h in at.header] + [m.value for m in at.markdown]
                    + [c.value for c in at.caption])
    assert "Уроки" in text and "Градиентный спуск" in text
    assert not english_words(text, also=("x", "y", "SGD")), english_words(text)
    english = run_app("playground.py")
    assert not re.search("[а-яё]", " ".join(m.value for m in english.markdown), re.IGNORECASE)


def test_a_lesson_step_in_russian():
    at = run_app("pages/1_Gradient_descent.py", {"lang": "ru", "lesson": "gradient_descent", "step": "1"},
                 timeout=120)
    assert not at.exception
    assert any(s.value.startswith("Шаг 1 из ") for s in at.subheader)
    labels = {b.label for b in at.button}
    assert {"Назад", "Далее"} <= labels and not {"Back", "Next"} & labels


@pytest.mark.parametrize("page", ["pages/1_Gradient_descent.py", "pages/2_Adagrad.py", "pages/3_MLP_training.py"])
def test_every_chart_writes_its_numbers_as_the_pages_language_does(page):
    """Vega writes a chart's numbers (ticks, legends, tooltips) in d3's English by default: 12,500, which a Russian
    reader takes for 12.5. A Russian page's charts space thousands as its text does (12 500, the decimal point kept,
    as in x = 2.5); an English page's charts keep Vega's own."""
    import json

    for lang, decimal, thousands in (("ru", ".", "\u00a0"), ("en", None, None)):
        at = run_app(page, {"lang": lang})
        assert not at.exception
        specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
        assert specs, "the page drew no chart"
        for spec in specs:
            number = spec.get("config", {}).get("locale", {}).get("number", {})
            assert (number.get("decimal"), number.get("thousands")) == (decimal, thousands), (lang, spec.get("title"))
