"""The gradient-descent lab in Russian (issue 30): its sentences (the status table, the polynomial, the four
answers, the cobweb, the basin map's words, the lesson answers' whys) come out with no English word left and the
same numbers as in English; steps are counted in Russian's three plural forms; the page runs with lang=ru."""
from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings

import i18n
from core.objective import Quadratic
from labs.descent import answers as lesson_answers
from labs.descent import charts, cobweb, questions, ranges, replay, runs, words
from tests.helpers import numbers, run_app
from tests.test_descent_claims import settings_ as claims_case

# (a, b, c), starts, lr: two roots converging, the roots repelling (a cycle, a divergence), a double root, a line,
# no real root.
CASES = [((1, -5, 4), (0, 3), 0.01), ((1, -5, 4), (0, 3), 0.13), ((1, -4, 4), (0,), 0.01), ((0, 2, 1), (0,), 0.1),
         ((1, 0, 1), (2,), 0.01)]
ALLOWED = {"lr", "tol", "loss", "x0", "x1", "ac"}  # formulas, URL keys: x ← x − lr·loss′(x), |p| < tol, b² − 4ac


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.use("en")


def texts(coefs, x0s, lr) -> list[str]:
    """Every sentence the page writes for these settings, in the current language."""
    problem = Quadratic(*coefs)
    trajs = runs.run(problem, x0s, lr, 1000, 1e-6)
    found = runs.probe(problem, x0s, lr, 1000, 1e-6)
    out = [words.polynomial_words(problem), words.outside_words(trajs, -0.5, 0.5)]
    out += [str(value) for row in words.status_rows(problem, trajs, 1000) for value in row.values()]
    for answer in questions.answers(problem, trajs, lr, 1000, found):
        out += [answer.asked, answer.headline, answer.text]
    out += [cobweb.cobweb_words(problem, trajs[0], lr, 1000, x0s), cobweb.cobweb_hint(problem, tol=1e-6, x0s=x0s).text]
    sw, used = ranges.basin_sweep(problem, lr, 200, 1e-6, x0s)
    out.append(words.basin_words(problem, sw, used, 1000))
    return out


def in_both(coefs, x0s, lr) -> tuple[list[str], list[str]]:
    i18n.use("en")
    english = texts(coefs, x0s, lr)
    i18n.use("ru")
    return english, texts(coefs, x0s, lr)


def english_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z][A-Za-z0-9]+", text) if w not in ALLOWED}


@pytest.mark.parametrize("coefs,x0s,lr", CASES)
def test_every_sentence_is_russian_with_the_same_numbers(coefs, x0s, lr):
    english, russian = in_both(coefs, x0s, lr)
    assert len(english) == len(russian)
    for en, ru in zip(english, russian):
        assert not english_words(ru), (ru, english_words(ru))
        assert Counter(numbers(en)) == Counter(numbers(ru)), (en, ru)
        if re.search(r"[A-Za-z]{3,}", en) and english_words(en):
            assert re.search("[а-яё]", ru, flags=re.IGNORECASE), ru


def test_english_is_left_as_it_was():
    """English text has no Cyrillic, and a sentence reads as it did before the templates."""
    i18n.use("en")
    for coefs, x0s, lr in CASES:
        assert not any(re.search("[а-яё]", t, flags=re.IGNORECASE) for t in texts(coefs, x0s, lr))
    problem = Quadratic(1, -5, 4)
    trajs = runs.run(problem, (0, 3), 0.01, 1000, 1e-6)
    assert [r["outcome"] for r in words.status_rows(problem, trajs, 1000)] == ["converged to the root 1",
                                                                               "converged to the root 4"]


@pytest.mark.parametrize("n,form", [(1, "1 шаг"), (2, "2 шага"), (5, "5 шагов"), (11, "11 шагов"), (21, "21 шаг"),
                                    (71, "71 шаг"), (86, "86 шагов")])
def test_steps_take_the_three_russian_forms(n, form):
    i18n.use("ru")
    said = i18n.ngettext("reaches {root} in {n} step", "reaches {root} in {n} steps", n, root="1")
    assert said == f"приходит к 1 за {form}"
    i18n.use("en")
    assert i18n.ngettext("reaches {root} in {n} step", "reaches {root} in {n} steps", n, root="1") == \
        f"reaches 1 in {n} step" + ("" if n == 1 else "s")


def test_the_status_table_and_the_charts_speak_russian():
    i18n.use("ru")
    problem = Quadratic(1, -5, 4)
    trajs = runs.run(problem, (0, 3), 0.01, 1000, 1e-6)
    rows = words.status_rows(problem, trajs, 1000)
    assert list(rows[0]) == ["x0", "последний x", "шагов", "исход", "|p(x)|"]
    assert rows[0]["исход"] == "сошёлся к корню 1" and rows[0]["шагов"] == 71
    sw, _used = ranges.basin_sweep(problem, 0.01, 200, 1e-6, (0, 3))
    spec = charts.basin_map(sw, current_x0s=[0, 3], current_lr=0.01, bound=problem.stable_lr(), bound_label="lr",
                            labels=("left root", "right root", "vertex", "diverged", "too slow", "cycle",
                                    "chaos")).to_dict()
    layer = spec["layer"][0]["encoding"]
    assert layer["color"]["title"] == "исход" and "левый корень" in layer["color"]["scale"]["domain"]
    assert "Карта бассейнов притяжения" in spec["description"]
    loss = charts.loss_by_step(problem, trajs).to_dict()
    assert loss["encoding"]["y"]["title"].startswith("потери")
    shown = replay.descent_replay(problem, trajs, -1.0, 6.0)
    assert shown["panels"][0]["title"] == "Функция потерь p(x)² и где сейчас каждый запуск"
    assert shown["panels"][1]["title"] == "p(x), её корни (◆) и вершина (пунктир)"


def test_a_lesson_answers_why_translates_with_its_fields():
    got = lesson_answers.ANSWERS["run_outcome"]({"lr": 0.12})
    i18n.use("ru")
    why = i18n._(got.why, **got.fields)
    assert "2-цикл" in why and not english_words(why)
    assert Counter(numbers(why)) == Counter(numbers(got.why.format(**got.fields)))


def test_the_page_in_russian():
    at = run_app("pages/1_Gradient_descent.py", {"lang": "ru", "x0": "0; 3; 2,4"})
    assert not at.exception
    headers = [h.value for h in at.header]
    assert "Чем заканчивается каждый запуск" in headers and "Четыре вопроса: ответы при этих настройках" in headers
    assert at.title[0].value == "Градиентный спуск: корни квадратного трёхчлена"
    assert [el.label for el in at.sidebar.text_input][3:5] == ["Начальные точки x0", "Скорость обучения lr"] or \
        "Начальные точки x0" in [el.label for el in at.sidebar.text_input]
    table = at.table[0].value
    assert list(table["x0"]) == ["0", "3", "2.4"]  # "2,4" is one start in Russian
    mine = [m.value for m in at.markdown if ":material/link:" not in m.value]  # the share link is app/'s
    for block in [*mine, *(c.value for c in at.caption), *(i.value for i in at.info)]:
        assert not english_words(block), block


def _page(case, lang: str) -> tuple[list, list[str]]:
    """The claims and the sentences of the page for one claims-test case, in ``lang``."""
    i18n.use(lang)
    a, b, c, x0s, lr, steps = case
    problem = Quadratic(a, b, c)
    trajs = runs.run(problem, x0s, lr, steps, 1e-6)
    answers = questions.answers(problem, trajs, lr, steps, runs.probe(problem, x0s, lr, steps, 1e-6))
    hint = cobweb.cobweb_hint(problem, lr, 1e-6, x0s)
    claims = [*runs.run_claims(problem, trajs, lr, steps, 1e-6), *(c for a in [*answers, hint] for c in a.claims)]
    rows = [str(value) for row in words.status_rows(problem, trajs, steps) for value in row.values()]
    return claims, [*rows, *(t for a in answers for t in (a.headline, a.text)), hint.text]


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(claims_case)
def test_the_claims_tests_cases_read_alike_in_both_languages(case):
    """The claims tests' cases (tests/test_descent_claims.py, which checks every claim against runs made there), in
    both languages: the page makes the same claims, and each Russian sentence names the numbers its English one
    names, with no English word left."""
    en_claims, english = _page(case, "en")
    ru_claims, russian = _page(case, "ru")
    assert en_claims == ru_claims
    for en, ru in zip(english, russian, strict=True):
        assert numbers(en) == numbers(ru), (en, ru)
        assert not english_words(ru), (ru, english_words(ru))
