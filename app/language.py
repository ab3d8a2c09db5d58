"""The language of this page run: ``lang=`` in the link wins, then a choice made earlier in this session, then
the browser's language (``st.context.locale``), else English; and the choice on every page (in the sidebar).

A Russian page always carries ``lang=ru`` in its address, even when the browser chose it: the address bar is a
link, and a link must mean the same to every reader (in Russian a comma in the start points is a decimal comma,
so "2,5" is one start there and two in English). English, the default, adds nothing to a link.
"""
from __future__ import annotations

import streamlit as st

import i18n
from app import navigation, widgets
from core.inputs import echo
from i18n import _

KEY = "lang"
_CHOSEN = "gp_language"          # the language this session last showed (kept across its pages)
_CHOICE = "gp_language_choice"   # the selector's own state


def choose() -> str:
    """Set this run's language (call first, before any text) and return its code. An unknown ``lang=`` value
    gets a notice naming it, and the page is shown in the language the rest of the rules choose."""
    raw = st.query_params.get(KEY)
    code = i18n.normalize(raw) if raw is not None else None
    if code is None:
        code = (i18n.normalize(st.session_state.get(_CHOSEN)) or i18n.normalize(_browser_locale())
                or i18n.DEFAULT)
    i18n.use(code)
    st.session_state[_CHOSEN] = code
    if raw is not None and i18n.normalize(raw) is None:
        widgets.notice(KEY, _("lang = “{value}” is not a language of this app (en: English, ru: Russian); "
                              "the page is shown in {language}.", value=echo(raw),
                              language=i18n.LANGUAGES[code]))
    if code != i18n.DEFAULT and raw != code:
        st.query_params[KEY] = code  # the address holds what the page shows
    return code


def _browser_locale() -> str | None:
    try:
        return st.context.locale
    except Exception:  # no browser behind this run (AppTest, a script run without a session)
        return None


def _switch() -> None:
    code = st.session_state[_CHOICE]
    st.session_state[_CHOSEN] = code
    if code == i18n.DEFAULT:
        st.query_params.pop(KEY, None)
    else:
        st.query_params[KEY] = code


def selector(container=None) -> None:
    """The sidebar's pages and the language choice (in the sidebar unless told where), each language named in
    itself."""
    navigation.sidebar()
    st.session_state[_CHOICE] = i18n.language()
    (container or st.sidebar).selectbox(
        "Язык · Language", list(i18n.LANGUAGES), format_func=i18n.LANGUAGES.get, key=_CHOICE, on_change=_switch,
        help=_("The interface's language. A link keeps it (lang=ru, lang=en)."))


def _session_language() -> str | None:
    """The language the visitor's session last showed, when this code runs in one (a fragment's rerun or a
    callback, which do not run ``choose``); None elsewhere (the live route, a worker, a test)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    return st.session_state.get(_CHOSEN)


i18n.fallback(_session_language)
