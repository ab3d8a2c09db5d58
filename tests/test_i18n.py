"""The interface's languages: the catalogue is complete and compiled, Russian plurals take their three forms, the
language follows lang= (hostile values named), and a list of numbers reads the same way it is written in each
language."""
from __future__ import annotations

import gettext

import pytest
from helpers import run_app
from hypothesis import given, settings
from hypothesis import strategies as st

import i18n
from core.inputs import parse_number_list

catalogues = pytest.importorskip("i18n.catalogues")  # Babel: a development requirement


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.use("en")


def test_every_message_has_its_russian_and_the_compiled_catalogue_is_current():
    problems = catalogues.problems()
    assert not problems, "\n".join(problems[:30]) + (f"\n… and {len(problems) - 30} more" if len(problems) > 30 else "")


RUSSIAN_FORMS = {1: 0, 2: 1, 5: 2, 11: 2, 21: 0, 71: 0, 86: 2, 12: 2, 22: 1, 111: 2, 104: 1}


def test_russian_plural_rule_is_the_one_russian_grammar_gives():
    """1 шаг, 2 шага, 5 шагов; 11 шагов, 21 шаг, 71 шаг, 86 шагов (the form index gettext picks)."""
    ru = i18n.catalogue("ru")
    assert {n: ru.plural(n) for n in RUSSIAN_FORMS} == RUSSIAN_FORMS


def test_a_counted_message_takes_the_russian_form_of_each_count():
    """Every counted message of the catalogue: in Russian, n = 1, 21, 71 take the first form, 2 the second, 5, 11
    and 86 the third, each with the number in it; in English, 1 the singular and the rest the plural."""
    merged = catalogues.read_all("ru")
    counted = [m for m in merged if m.id and not isinstance(m.id, str) and m.string and all(m.string)]
    if not counted:
        pytest.skip("no counted message translated yet")
    for message in counted:
        singular, plural = message.id
        for n, form in RUSSIAN_FORMS.items():
            i18n.use("ru")
            text = i18n.ngettext(singular, plural, n, **{f: 1 for f in catalogues.fields(plural) - {"n"}})
            expected = message.string[form].format(n=n, **{f: 1 for f in catalogues.fields(plural) - {"n"}})
            assert text == expected and str(n) in text
            i18n.use("en")
            assert i18n.ngettext(singular, plural, n, **{f: 1 for f in catalogues.fields(plural) - {"n"}}) == (
                singular if n == 1 else plural).format(n=n, **{f: 1 for f in catalogues.fields(plural) - {"n"}})


def test_language_codes_are_read_from_links_and_locales():
    assert [i18n.normalize(v) for v in ("ru", "RU", "ru-RU", "ru_RU", " en ", "en-GB")] == ["ru"] * 4 + ["en"] * 2
    assert [i18n.normalize(v) for v in ("", "xx", "русский", "r", None, 3, "ru" * 500)] == [None] * 7
    assert i18n.use("xx") == "en" and i18n.language() == "en"
    assert i18n.use("ru") == "ru" and i18n.decimal_comma()


def test_english_is_the_source_text_itself():
    assert isinstance(i18n.catalogue("en"), gettext.NullTranslations)
    i18n.use("en")
    assert i18n._("no such message {x}", x=2) == "no such message 2"


numbers = st.lists(st.integers(-1000, 1000).map(lambda k: k / 8), min_size=1, max_size=5)


def _ru(x: float) -> str:
    return repr(x).replace(".", ",")


@settings(max_examples=200, deadline=None)
@given(numbers)
def test_a_list_reads_back_as_each_language_writes_it(values):
    """Russian writes 2,5 and separates with ";"; English writes 2.5 and separates with ","; both read a list
    separated by ";" with points alike. A comma is never read as both."""
    kw = dict(max_items=8, lo=-1e6, hi=1e6)
    assert parse_number_list("; ".join(map(_ru, values)), decimal_comma=True, **kw) == (values, None)
    assert parse_number_list(";".join(map(_ru, values)), decimal_comma=True, **kw) == (values, None)
    assert parse_number_list(",".join(map(repr, values)), **kw) == (values, None)
    both = "; ".join(map(repr, values))
    assert parse_number_list(both, **kw) == parse_number_list(both, decimal_comma=True, **kw) == (values, None)
    if len(values) == 1:  # one Russian number is one number in Russian, and never silently one in English
        assert parse_number_list(_ru(values[0]), decimal_comma=True, **kw) == ([values[0]], None)


def test_the_home_page_follows_lang_and_names_a_hostile_value():
    at = run_app("playground.py", {"lang": "ru"})
    assert not at.exception and at.query_params.get("lang") == ["ru"] or at.query_params.get("lang") == "ru"
    at = run_app("playground.py", {"lang": "<script>"})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "is not a language of this app" in warnings and "script" in warnings


def test_russian_groups_thousands_with_a_space_and_english_with_a_comma():
    """To a Russian reader 4,050 is four and five hundredths: thousands are grouped by a no-break space there."""
    fields = dict(n=12_500_000, x=4050.55, s="1,250,000", typed="2,5; 3")
    i18n.use("ru")
    spaced = "12\u00a0500\u00a0000 · 4\u00a0050.6 · 1\u00a0250\u00a0000 · 2,5; 3"
    assert i18n._("{n:,} · {x:,.1f} · {s} · {typed}", **fields) == spaced
    i18n.use("en")
    assert i18n._("{n:,} · {x:,.1f} · {s} · {typed}", **fields) == "12,500,000 · 4,050.6 · 1,250,000 · 2,5; 3"
