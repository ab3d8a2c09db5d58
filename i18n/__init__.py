"""The interface's languages: English (the source text) and Russian, through the standard library's gettext.

Words are data. A sentence is one message template with named fields, translated whole and filled after
translation, so a translation may reorder it::

    _("from {x0} it reaches {root} in {n} steps", x0=..., root=..., n=...)
    ngettext("{n} step", "{n} steps", n)        # Russian has three forms: 1 шаг, 2 шага, 5 шагов

Text defined at import time (tables of labels, one-line answers) is marked with ``N_`` and translated where it
is shown (``_(MESSAGE)``), never at import, because the language is chosen per page run: ``use(lang)`` at the
top of a page sets it for the thread that runs the script (a context variable: two visitors' runs never see each
other's language). No streamlit here; ``core``, ``labs``, ``runs``, ``board`` and ``lessons`` may import it.

Catalogues: ``i18n/locale/<lang>/LC_MESSAGES/messages.po`` (edited by people) and ``.mo`` (compiled, read at run
time). Babel, a development requirement, extracts and compiles them (``python -m i18n update``, ``python -m i18n
compile``); the runtime needs only ``gettext``, which reads ``.mo`` files and knows plural rules from the
catalogue's header.
"""
from __future__ import annotations

import contextvars
import gettext
import re
import string
from functools import cache
from pathlib import Path

LANGUAGES = {"en": "English", "ru": "Русский"}
DEFAULT = "en"
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("gp_language", default=None)
_fallbacks: list = []  # where to look when this thread has not been told (a fragment's or a callback's run)


def normalize(value) -> str | None:
    """A language code from a URL or a browser locale ("ru", "ru-RU", "RU_ru"): one of LANGUAGES, else None."""
    if not isinstance(value, str):
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def use(lang: str | None) -> str:
    """Make ``lang`` (a code; anything unknown means the default) the language of this thread's text."""
    code = normalize(lang) or DEFAULT
    _current.set(code)
    return code


def language() -> str:
    """The current language: what ``use`` set in this thread, else what a registered fallback says (the app
    registers the visitor's session: a fragment that reruns alone, or a callback, runs before or without the
    page's ``use``), else English."""
    code = _current.get()
    if code is not None:
        return code
    for where in _fallbacks:
        code = normalize(where())
        if code is not None:
            return code
    return DEFAULT


def fallback(where) -> None:
    """Register ``where()`` (returning a code or None) to say the language when no ``use`` has."""
    if where not in _fallbacks:
        _fallbacks.append(where)


DECIMAL_COMMA = frozenset({"ru"})  # languages that write 2,5 for 2.5


def decimal_comma() -> bool:
    """Whether the current language writes a decimal comma: its lists are then separated by ";"."""
    return language() in DECIMAL_COMMA


@cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang``; English is the source text itself."""
    if lang == DEFAULT:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang])


GROUPED = re.compile(r"[+\-−]?\d{1,3}(,\d{3})+(\.\d+)?")  # 12,500,000 or 4,050.5: thousands grouped by commas
NBSP = "\u00a0"  # Russian groups thousands with a (non-breaking) space: 12 500 000


class _SpaceGrouping(string.Formatter):
    """Formats fields as str.format does, but groups thousands with a no-break space: to a Russian reader
    "4,050" is four and five hundredths. A field formatted with "," is formatted with "_" and the "_" made a
    space; a field that arrives as text already grouped by commas ("1,250,000") gets spaces instead."""

    def format_field(self, value, format_spec: str) -> str:
        if "," in format_spec:
            return format(value, format_spec.replace(",", "_")).replace("_", NBSP)
        text = format(value, format_spec)
        return text.replace(",", NBSP) if isinstance(value, str) and GROUPED.fullmatch(text) else text


_SPACED = _SpaceGrouping()


def _fill(text: str, fields: dict) -> str:
    if not fields:
        return text
    return _SPACED.format(text, **fields) if decimal_comma() else text.format(**fields)


def _(message: str, /, **fields) -> str:
    """``message`` in the current language, its named fields filled."""
    return _fill(catalogue(language()).gettext(message), fields)


def ngettext(singular: str, plural: str, n: int, /, **fields) -> str:
    """The form of a counted message that ``n`` takes in the current language; ``{n}`` is filled with ``n``."""
    return _fill(catalogue(language()).ngettext(singular, plural, n), {"n": n, **fields})


def pgettext(context: str, message: str, /, **fields) -> str:
    """``message`` in a context: the same English word translated differently (a button "Step", a "step" count)."""
    return _fill(catalogue(language()).pgettext(context, message), fields)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (text defined at import time)."""
    return message
