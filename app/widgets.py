"""URL-bound widgets that say what they rejected, the notices they collect, and share links.

Every widget that defines a view is bound to the URL (``bind="query-params"``) under a short key,
so the address bar is always a link that reproduces the view. Streamlit silently drops a URL value
a widget cannot take; these helpers first check the raw value with ``core.inputs`` and, when it is
rejected, show a notice naming it (the widget then starts from its default). A teacher's ``hide=``
keeps a control off the page; its value is still read from the link by the same rules.
"""
from __future__ import annotations

import re
import string
import urllib.parse

import streamlit as st

import i18n
from core.inputs import commas_ambiguous, echo, parse_flag, parse_number, parse_number_list
from i18n import _, ngettext
from labs.charts import localized

_NOTICES = "_notices"  # this run's notices, by the key they are about (one notice per key)
_PUNCTUATION = re.compile("[" + re.escape(string.punctuation) + "]")
_HIDDEN = "_hidden_controls"  # URL keys a teacher's hide= keeps off the page, set by the page each run


def hide_controls(keys) -> None:
    """This run's hidden controls (``hide=``): their widgets are not drawn; each still takes its value from the
    link (or a lesson step), read by the same rules and with the same notices as the widget."""
    st.session_state[_HIDDEN] = frozenset(keys)


def _hidden(key: str) -> bool:
    return key in st.session_state.get(_HIDDEN, ())


def notice(key: str, message: str) -> None:
    """A notice about the URL key ``key`` (one a key), shown by ``show_notices``."""
    st.session_state.setdefault(_NOTICES, {})[key] = message


def _raw(key: str) -> str | None:
    value = st.query_params.get(key)
    return None if value is None else str(value)


JOINER = "\u2060"  # WORD JOINER: invisible, no line break on either side


def plain(text: str) -> str:
    """``text`` as Markdown that shows these characters and nothing else: every ASCII punctuation mark
    is backslash-escaped, so a value from an edited link cannot become a link, an image, a colour
    directive or LaTeX in a notice; and invisible word joiners (U+2060) surround each ':', '.' and '@', because
    Streamlit's Markdown turns bare URLs, www. names and e-mail addresses into links even when escaped. Not
    zero-width spaces: those let a line break inside a number on a phone ("4.␤162")."""
    escaped = _PUNCTUATION.sub(r"\\\g<0>", text)
    return re.sub(r"\\[:.@]", f"{JOINER}\\g<0>{JOINER}", escaped)


def show_notices() -> None:
    """Show the notices collected while drawing the widgets of this run (call after them)."""
    notices = st.session_state.pop(_NOTICES, {})
    for message in notices.values():
        st.warning(plain(message), icon=":material/warning:")


def _number_text(value: float, integer: bool) -> str:
    return str(int(value)) if integer else exact(float(value))


def _read_comma(key: str, integer: bool, min_value: float, max_value: float) -> None:
    """After an edit: a decimal comma that was read is shown as the point it was read as ("0,05" → "0.05")."""
    typed = st.session_state.get(key)
    if isinstance(typed, str) and "," in typed:
        # a callback runs before the page has set its language: the session's last one (app.language) says it
        russian = st.session_state.get("gp_language", i18n.DEFAULT) in i18n.DECIMAL_COMMA
        value, error = parse_number(typed, min_value, max_value, integer=integer, name=key, decimal_comma=russian)
        if error is None:
            st.session_state[key] = _number_text(value, integer)


def number(label: str, key: str, default: float, min_value: float, max_value: float, *, help: str,
           integer: bool = False, step: float | None = None, fmt: str | None = None, container=None):
    """A number field bound to the URL under ``key``, limited to [min_value, max_value]: a text field read by
    ``parse_number``. Not Streamlit's number_input: that is a browser number field, and Chromium drops a typed
    comma from it, so "0,05" typed into the learning rate reached the page as 5, with no sign. Here one decimal
    comma is read as the point it is (and then shown as a point), and anything else that is not a number in
    range gets a notice naming it, and the default. ``step`` and ``fmt`` are the number_input's, unused."""
    del step, fmt
    if _hidden(key):
        raw = _raw(key)
        value, error = (None, None) if raw is None else parse_number(raw, min_value, max_value, integer=integer,
                                                                      name=key, decimal_comma=i18n.decimal_comma())
        if error:
            notice(key, _("Ignored {error}; using {label} = {default}.", error=error, label=label.lower(),
                          default=_number_text(default, integer)))
        if value is None:
            return int(default) if integer else float(default)
        return value
    state = st.session_state
    if key in state and not isinstance(state[key], str):  # a page or the player set it as a number
        state[key] = _number_text(state[key], integer)
    container = container or st.sidebar
    typed = container.text_input(label, _number_text(default, integer), key=key, bind="query-params", help=help,
                                 on_change=_read_comma, args=(key, integer, min_value, max_value))
    value, error = parse_number(typed, min_value, max_value, integer=integer, name=key,
                                decimal_comma=i18n.decimal_comma())
    if error:
        notice(key, _("Ignored {error}; using {label} = {default}.", error=error, label=label.lower(),
                      default=_number_text(default, integer)))
        return int(default) if integer else float(default)
    return value


def text(label: str, key: str, default: str, *, help: str, max_chars: int = 200, container=None) -> str:
    """A text input bound to the URL; the page parses it (``number_list`` does it for lists)."""
    raw = _raw(key)
    if raw is not None and len(raw) > max_chars:
        notice(key + ":length", _("Ignored {key} = “{value}”: longer than {most} characters; using “{default}”.",
                                  key=key, value=echo(raw), most=max_chars, default=default))
        if _hidden(key):
            return default
    if _hidden(key):
        return default if raw is None else raw
    container = container or st.sidebar
    return container.text_input(label, default, max_chars=max_chars, key=key, bind="query-params", help=help)


def number_list(label: str, key: str, default: str, *, help: str, max_items: int, lo: float, hi: float,
                integer: bool = False, container=None) -> list:
    """Comma-separated numbers bound to the URL. On bad input: a notice naming it, and the default."""
    raw = text(label, key, default, help=help, max_chars=40 * max_items, container=container)
    comma = i18n.decimal_comma()  # Russian: "2,5" is 2.5, and ";" or spaces separate
    values, error = parse_number_list(raw, max_items=max_items, lo=lo, hi=hi, integer=integer, name=key,
                                      decimal_comma=comma)
    if error:
        notice(key, _("Ignored {error}; using {key} = {default}.", error=error, key=key, default=default))
        values, _error = parse_number_list(default, max_items=max_items, lo=lo, hi=hi, integer=integer, name=key)
    elif comma and commas_ambiguous(raw) and not _hidden(key):  # "2,5": one number here, two in English
        numbers = "; ".join(_number_text(v, integer) for v in values)
        (container or st.sidebar).caption(_(
            "Read as {numbers}: here a comma is the decimal comma. To give several numbers, put “;” between them "
            "(2,5; 3).", numbers=numbers))
    elif commas_ambiguous(raw) and not _hidden(key):  # "2,5": two numbers here, 2.5 to a decimal-comma reader
        numbers = "; ".join(_number_text(v, integer) for v in values)  # a list no reader can misread
        (container or st.sidebar).caption(ngettext(
            "Read as {n} number: {numbers}. For a decimal comma, put “;” between the numbers (2,5; 3) or write a "
            "point (2.5).",
            "Read as {n} numbers: {numbers}. For a decimal comma, put “;” between the numbers (2,5; 3) or write a "
            "point (2.5).", len(values), numbers=numbers))
    return values


def choice(label: str, key: str, options: list[str], default: str, *, help: str, container=None,
           horizontal: bool = True, format_func=str) -> str:
    """A radio bound to the URL; an unknown URL value gets a notice. ``format_func`` shows an option (its
    translation): the options themselves, the URL's values, stay codes."""
    raw = _raw(key)
    if raw is not None and raw not in options:
        notice(key, _("Ignored {key} = “{value}”: not one of {options}; using {default}.", key=key, value=echo(raw),
                      options=", ".join(options), default=default))
    if _hidden(key):
        return raw if raw in options else default
    container = container or st.sidebar
    if all(format_func(o) == o for o in options):  # shown as the codes they are (English): bound to the URL
        return container.radio(label, options, index=options.index(default), key=key, bind="query-params",
                               help=help, horizontal=horizontal)
    # Shown through format_func (a translation): a bound radio would write the shown label into the URL, so
    # the link is kept by hand, with the code (the URL is the truth at each run; a change writes it). The radio
    # holds the shown labels themselves: the codes are mapped here, not by a format_func.
    codes = {format_func(o): o for o in options}
    st.session_state[key] = format_func(raw if raw in options else default)
    shown = container.radio(label, list(codes), key=key, help=help, horizontal=horizontal,
                            on_change=_keep_code, args=(key, codes, default))
    return codes[shown]


def _keep_code(key: str, codes: dict, default) -> None:
    """A choice shown through format_func changed: its code goes into the URL (none while it is the default, as
    a bound widget does; an empty multiselect as ``key=``)."""
    shown = st.session_state[key]
    value = [codes[v] for v in shown] if isinstance(shown, list) else codes[shown]
    if value == default or (isinstance(value, list) and sorted(value) == sorted(default)):
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = value if value else ""


def multi(label: str, key: str, options: list[str], default: list[str], *, help: str, container=None,
          format_func=str) -> list[str]:
    """A multiselect bound to the URL, one repeated key per choice (``?race=Adam&race=RMSProp``; ``?race=`` is
    none). Streamlit drops unknown URL values silently; this names them in a notice first. ``format_func`` shows
    an option (its translation); the values stay codes."""
    bad = [v for v in st.query_params.get_all(key) if v and v not in options]
    if bad:
        notice(key, _("Ignored {key} = “{value}”: not one of {options}.", key=key, value=echo(", ".join(bad)),
                      options=", ".join(options)))
    if _hidden(key):
        chosen = st.query_params.get_all(key)
        return [o for o in options if o in chosen] if key in st.query_params else list(default)
    container = container or st.sidebar
    if all(format_func(o) == o for o in options):  # shown as the codes they are (English): bound to the URL
        return container.multiselect(label, options, default=default, key=key, bind="query-params", help=help)
    codes = {format_func(o): o for o in options}  # kept by hand, as in choice(): the URL holds codes
    chosen = st.query_params.get_all(key)
    picked = [o for o in options if o in chosen] if key in st.query_params else list(default)
    st.session_state[key] = [format_func(o) for o in picked]
    shown = container.multiselect(label, list(codes), key=key, help=help,
                                  on_change=_keep_code, args=(key, codes, list(default)))
    return [codes[v] for v in shown]


def _url_reads(key: str, canonical: str) -> bool:
    """Let a URL-bound widget read ``key`` from the link as ``canonical`` (a form Streamlit parses) where the
    link wrote another form of the same value (``units=1``). Streamlit seeds a bound widget from the link it
    was opened with and drops, from the address bar too, a value its widget type cannot parse; rewriting the
    opened link's copy keeps both the value and the address bar (which still reads ``units=1``). Private
    Streamlit state (1.67): False where it is not there, and the caller seeds the widget itself."""
    from streamlit.runtime.state.session_state_proxy import get_session_state

    try:
        with get_session_state().query_params() as params:
            if key not in params._initial_query_params:
                return False
            params._initial_query_params[key] = [canonical]
    except (AttributeError, TypeError):
        return False
    return True


def flag(label: str, key: str, default: bool, *, help: str, container=None) -> bool:
    """A checkbox bound to the URL. Its key reads ``parse_flag``'s rule (1/0 and true/false, any case), the one
    rule for every on/off key; Streamlit's checkbox alone takes only true/false from a link."""
    raw = _raw(key)
    if raw is not None:
        value, error = parse_flag(raw, key)
        if error:
            notice(key, _("Ignored {error}; using {key} = {default}.", error=error, key=key,
                          default="true" if default else "false"))
        if _hidden(key):
            return default if error else value
        elif raw.lower() not in ("true", "false") and not _url_reads(key, str(value).lower()):
            seeded = st.session_state.setdefault("_flags_seeded", {})  # once per value: then the visitor's clicks
            if seeded.get(key) != raw:
                seeded[key] = raw
                st.session_state[key] = value
    if _hidden(key):
        return default
    container = container or st.sidebar
    return container.checkbox(label, default, key=key, bind="query-params", help=help)


def exact(x: float) -> str:
    """x as a URL value: the short %g form when it is exact, else every digit (%g keeps 6 significant
    digits: lr=0.00012345678 would become another run)."""
    short = format(x, "g")
    return short if float(short) == x else repr(float(x))


def share_link(path: str, params: dict) -> None:
    """A link that reproduces the current view: the page's path with every setting in the query.
    Floats are written exactly (``exact``); a list is written as a repeated key (a bound multiselect's form);
    lists of numbers should be joined by the caller."""
    params = {**params, **({"lang": i18n.language()} if i18n.language() != i18n.DEFAULT else {})}
    query = urllib.parse.urlencode({k: exact(v) if isinstance(v, float) else v for k, v in params.items()},
                                   doseq=True)
    st.markdown(":material/link: " + _("[Share this view]({link}) — the link holds every setting on this page.",
                                       link=path + "?" + query))


def chart(chart, container=None, **kwargs):
    """Draw ``chart`` (an Altair chart, or a Vega-Lite spec as a dict) in ``container`` (the page by default), its
    numbers written as the page's language writes them (``labs.charts.localized``: 12 500 in Russian)."""
    container = container or st
    shown = localized(chart, i18n.language())
    if isinstance(shown, dict):
        return container.vega_lite_chart(spec=shown, **kwargs)
    return container.altair_chart(shown, **kwargs)

