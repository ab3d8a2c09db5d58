"""Streamlit glue shared by the pages: URL-bound widgets that say what they rejected.

Every widget that defines a view is bound to the URL (``bind="query-params"``) under a short key,
so the address bar is always a link that reproduces the view. Streamlit silently drops a URL value
a widget cannot take; these helpers first check the raw value with ``core.inputs`` and, when it is
rejected, show a notice naming it (the widget then starts from its default).

``run_pool`` connects sessions to the server's one run store and worker pool (``runs``).
"""
from __future__ import annotations

import atexit
import gc
import json
import os
import re
import secrets
import string
import sys
import threading
import time
import urllib.parse
import weakref
from collections import OrderedDict

import streamlit as st

from core.inputs import commas_ambiguous, echo, parse_flag, parse_number, parse_number_list
from core.train import TrainConfig
from runs.pool import RunPool
from runs.store import RunStore, RunView

# Runs the server keeps (finished or training), least recently used out first, and their bytes (history,
# probes, snapshots, trainer state). GP_STORE_RUNS / GP_STORE_BYTES override them (the memory test).
STORE_RUNS = int(os.environ.get("GP_STORE_RUNS", 64))
STORE_BYTES = int(os.environ.get("GP_STORE_BYTES", 256 * 2**20))

_NOTICES = "_notices"
_PUNCTUATION = re.compile("[" + re.escape(string.punctuation) + "]")


_HIDDEN = "_hidden_controls"  # URL keys a teacher's hide= keeps off the page, set by the page each run


def hide_controls(keys) -> None:
    """This run's hidden controls (``hide=``): their widgets are not drawn; each still takes its value from the
    link (or a lesson step), read by the same rules and with the same notices as the widget."""
    st.session_state[_HIDDEN] = frozenset(keys)


def _hidden(key: str) -> bool:
    return key in st.session_state.get(_HIDDEN, ())


def _notice(key: str, message: str) -> None:
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
    _start_session_reaper()
    if _PROBE_PATH:
        _probe_session()
    notices = st.session_state.pop(_NOTICES, {})
    for message in notices.values():
        st.warning(plain(message), icon=":material/warning:")


def _number_text(value: float, integer: bool) -> str:
    return str(int(value)) if integer else exact(float(value))


def _read_comma(key: str, integer: bool, min_value: float, max_value: float) -> None:
    """After an edit: a decimal comma that was read is shown as the point it was read as ("0,05" → "0.05")."""
    typed = st.session_state.get(key)
    if isinstance(typed, str) and "," in typed:
        value, error = parse_number(typed, min_value, max_value, integer=integer, name=key)
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
                                                                      name=key)
        if error:
            _notice(key, f"Ignored {error}; using {label.lower()} = {_number_text(default, integer)}.")
        if value is None:
            return int(default) if integer else float(default)
        return value
    state = st.session_state
    if key in state and not isinstance(state[key], str):  # a page or the player set it as a number
        state[key] = _number_text(state[key], integer)
    container = container or st.sidebar
    typed = container.text_input(label, _number_text(default, integer), key=key, bind="query-params", help=help,
                                 on_change=_read_comma, args=(key, integer, min_value, max_value))
    value, error = parse_number(typed, min_value, max_value, integer=integer, name=key)
    if error:
        _notice(key, f"Ignored {error}; using {label.lower()} = {_number_text(default, integer)}.")
        return int(default) if integer else float(default)
    return value


def text(label: str, key: str, default: str, *, help: str, max_chars: int = 200, container=None) -> str:
    """A text input bound to the URL; the page parses it (``number_list`` does it for lists)."""
    raw = _raw(key)
    if raw is not None and len(raw) > max_chars:
        _notice(key + ":length", f"Ignored {key} = “{echo(raw)}”: longer than {max_chars} characters; "
                                 f"using “{default}”.")
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
    values, error = parse_number_list(raw, max_items=max_items, lo=lo, hi=hi, integer=integer, name=key)
    if error:
        _notice(key, f"Ignored {error}; using {key} = {default}.")
        values, _ = parse_number_list(default, max_items=max_items, lo=lo, hi=hi, integer=integer, name=key)
    elif commas_ambiguous(raw) and not _hidden(key):  # "2,5": two numbers here, 2.5 to a decimal-comma reader
        numbers = "; ".join(_number_text(v, integer) for v in values)  # a list no reader can misread
        (container or st.sidebar).caption(
            f"Read as {len(values)} numbers: {numbers}. For a decimal comma, put “;” between the numbers "
            f"(2,5; 3) or write a point (2.5).")
    return values


def choice(label: str, key: str, options: list[str], default: str, *, help: str, container=None,
           horizontal: bool = True) -> str:
    """A radio bound to the URL; an unknown URL value gets a notice."""
    raw = _raw(key)
    if raw is not None and raw not in options:
        _notice(key, f"Ignored {key} = “{echo(raw)}”: not one of {', '.join(options)}; using {default}.")
    if _hidden(key):
        return raw if raw in options else default
    container = container or st.sidebar
    return container.radio(label, options, index=options.index(default), key=key, bind="query-params",
                           help=help, horizontal=horizontal)


def multi(label: str, key: str, options: list[str], default: list[str], *, help: str, container=None) -> list[str]:
    """A multiselect bound to the URL, one repeated key per choice (``?race=Adam&race=RMSProp``; ``?race=`` is
    none). Streamlit drops unknown URL values silently; this names them in a notice first."""
    bad = [v for v in st.query_params.get_all(key) if v and v not in options]
    if bad:
        _notice(key, f"Ignored {key} = “{echo(', '.join(bad))}”: not one of {', '.join(options)}.")
    if _hidden(key):
        chosen = st.query_params.get_all(key)
        return [o for o in options if o in chosen] if key in st.query_params else list(default)
    container = container or st.sidebar
    return container.multiselect(label, options, default=default, key=key, bind="query-params", help=help)


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
            _notice(key, f"Ignored {error}; using {key} = {'true' if default else 'false'}.")
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
    short = f"{x:g}"
    return short if float(short) == x else repr(float(x))


def share_link(path: str, params: dict) -> None:
    """A link that reproduces the current view: the page's path with every setting in the query.
    Floats are written exactly (``exact``); a list is written as a repeated key (a bound multiselect's form);
    lists of numbers should be joined by the caller."""
    query = urllib.parse.urlencode({k: exact(v) if isinstance(v, float) else v for k, v in params.items()},
                                   doseq=True)
    st.markdown(f":material/link: [Share this view]({path}?{query}) — the link holds every setting on this page.")


def _shutdown(pool: RunPool) -> None:
    pool.shutdown()


@st.cache_resource(on_release=_shutdown, show_spinner=False)
def run_pool() -> RunPool:
    """The server process's one run store and worker pool, shared by every session (see ``runs``).

    Sessions follow runs by an opaque id (``follower``), never by an object of theirs, so the pool
    keeps no departed session alive. The pool ends its worker processes when the server exits (and
    they end themselves if the server is killed)."""
    pool = RunPool(RunStore(max_runs=STORE_RUNS, max_bytes=STORE_BYTES))
    atexit.register(pool.shutdown)
    if _PROBE_PATH:
        _POOLS.append(pool)
    return pool


def _session_active() -> bool | None:
    """Streamlit's ``Runtime.is_active_session`` for this session: False once its browser disconnected;
    None where it cannot tell (no server; AppTest's runtime is a mock)."""
    from streamlit import runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not runtime.exists():
        return None
    active = runtime.get_instance().is_active_session(ctx.session_id)
    return active if isinstance(active, bool) else None


def connection_known() -> bool:
    """Whether ``visitor_connected`` can tell (in a running server; not under AppTest)."""
    return _session_active() is not None


def visitor_connected() -> bool:
    """Whether this session's browser is still connected. A long script run (the MLP lab's live view) ends
    when it turns False, so a closed tab stops following its run at once. True where it cannot tell."""
    return _session_active() is not False


def follower() -> str:
    """This session's id for the run pool's leases (random, kept in the session)."""
    return st.session_state.setdefault("_follower", secrets.token_hex(8))


# ── accessibility and small screens ───────────────────────────────────────────────────────────────
# Tables whose rows are learning rates keep that column in view while the rest scroll sideways (a phone).
PINNED_LR = {"lr": st.column_config.Column(pinned=True)}
NARROW_PX = 640  # a viewport narrower than this is a phone: columns stack, the basin map has fewer cells

# One hidden helper element (no room on the page) that acts in the visitor's browser: it moves keyboard
# focus to a button after a rerun, says short texts in a polite ARIA live region, and reports once
# whether the screen is narrow. Streamlit 1.67 has none of the three.
_A11Y_JS = """
const live = () => {
  let node = document.getElementById("gp-live-region");
  if (!node) {  // one region for the whole page, outside Streamlit's tree, so a redraw never resets it
    node = document.createElement("div");
    node.id = "gp-live-region";
    node.setAttribute("aria-live", "polite");
    node.setAttribute("role", "status");
    node.setAttribute("data-testid", "gp-live-region");
    node.style.cssText = "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);"
      + "white-space:nowrap;";
    document.body.appendChild(node);
  }
  return node;
};
const lost = () => {
  const a = document.activeElement;
  return !a || a === document.body || a.disabled;
};
function focusButton(label, onlyIfLost, tries) {
  // a button's text without its icon's name (the icon is a ligature: its text is "pause")
  const text = (b) => (b.querySelector("[data-testid='stMarkdownContainer']") || b).innerText.trim();
  const button = [...document.querySelectorAll("[data-testid='stMain'] button")]
    .find((b) => text(b) === label && !b.disabled && b.offsetParent !== null);
  if (button) { if (!onlyIfLost || lost()) button.focus(); return; }
  if (tries > 0) setTimeout(() => focusButton(label, onlyIfLost, tries - 1), 50);
}
export default function ({ data, parentElement, setStateValue }) {
  const host = parentElement.host || parentElement;
  const box = host.closest("[data-testid='stElementContainer']");
  if (box) box.style.display = "none";
  if (data.focus && window.__gpFocused !== data.focus.nonce) {
    window.__gpFocused = data.focus.nonce;
    focusButton(data.focus.label, data.focus.only_if_lost, 60);
  }
  if (typeof data.say === "string") {
    const node = live();
    if (node.textContent !== data.say) node.textContent = data.say;
  }
  if (data.narrow_px) {
    const narrow = window.innerWidth < data.narrow_px;
    if (data.narrow !== narrow) setStateValue("narrow", narrow);
  }
}
"""
# Not style-isolated: it draws nothing, and outside a shadow root it is never counted among the players.
_A11Y = st.components.v2.component("gp_a11y", js=_A11Y_JS, isolate_styles=False)


# Progress bars that step; on a phone, a smaller title and less space above it, so that a lab's main control
# and first chart are on the first screen (Streamlit's own sizes are for desktops). Stable data-testid
# selectors only.
APP_CSS = f"""<style>
/* A progress bar redrawn every fraction of a second would otherwise animate (a CSS transition) between
   updates without pause: about 50 composited frames a second for as long as a run trains, about 40% of
   the CPU of a browser following the MLP lab (a Chrome trace of one tab). It steps instead. */
[data-testid="stProgressBarTrack"] > div {{ transition: none; }}
@media (max-width: {NARROW_PX - 1}px) {{
  [data-testid="stMainBlockContainer"] {{ padding-top: 3.5rem; }}
  [data-testid="stMainBlockContainer"] h1 {{ font-size: 1.9rem; padding-top: 0.5rem; }}
}}
</style>"""


# present=1, a projector at 1920×1080: Streamlit's text, widgets and spacing (sized in rem) 1.5× larger, and no
# help tooltips (one left open over the text after a click hides it from the room). Not CSS zoom: under it Vega
# measures its container unzoomed and draws every chart 1.5× too wide, cut at the right.
PRESENT_CSS = """<style>
html { font-size: 150%; }
[data-baseweb="tooltip"] { display: none; }
</style>"""


def page_style(present: bool = False) -> None:
    """The app's few CSS rules: progress bars that step without animating, and small screens (a style-only
    element: it takes no room on the page); with ``present``, the projector's larger page."""
    st.html(APP_CSS + (PRESENT_CSS if present else ""))


def _a11y(key: str, **data) -> None:
    _A11Y(key=key, data=data, height=0, on_narrow_change=lambda: None)


def want_focus(label: str, *, only_if_lost: bool = False) -> None:
    """After this rerun, put keyboard focus on the page's button labelled ``label`` (call it from the
    clicked button's callback): Streamlit redraws the page and the visitor's focus would fall to its
    top. ``only_if_lost``: only when focus has nowhere else to be (the focused button got disabled)."""
    nonce = st.session_state.get("_focus_nonce", 0) + 1
    st.session_state["_focus_nonce"] = nonce
    st.session_state["_focus"] = {"label": label, "nonce": nonce, "only_if_lost": only_if_lost}


def apply_focus() -> None:
    """Carry out ``want_focus`` (call once per page run, after the buttons are drawn)."""
    focus = st.session_state.pop("_focus", None)
    if focus:
        _a11y("gp_focus", focus=focus)


def announce(text: str, key: str = "gp_announce") -> None:
    """Say ``text`` politely to screen readers (an ARIA live region), once per change of text."""
    _a11y(key, say=text)


def narrow_screen() -> bool:
    """Whether the visitor's screen is narrower than NARROW_PX (a phone). The browser tells on the first
    run of a session (one more run, on phones only); until then the answer is False."""
    narrow = bool((st.session_state.get("gp_screen") or {}).get("narrow"))
    _a11y("gp_screen", narrow_px=NARROW_PX, narrow=narrow)
    return narrow


_PER_RUN: OrderedDict = OrderedDict()  # (config, name) -> (point in the run, value, its bytes)
_PER_RUN_MAX = int(os.environ.get("GP_PER_RUN", 64))  # entries (charts, probes, replay: 3 a run), least
                                                      # recently used out first,
_PER_RUN_BYTES = 32 * 2**20            # and their bytes (about 1 MiB for a run's charts at 2,000 history rows)
_PER_RUN_GUARD = threading.Lock()


def approx_bytes(value, _depth: int = 0) -> int:
    """About how many bytes ``value`` holds: arrays and frames by their buffers, containers by their items
    (chart specs are dicts of lists of dicts of numbers)."""
    if hasattr(value, "nbytes") and not isinstance(value, type):
        return int(value.nbytes)
    if hasattr(value, "memory_usage"):  # a pandas DataFrame
        return int(value.memory_usage(index=True, deep=True).sum())
    size = sys.getsizeof(value)
    if _depth > 12:
        return size
    if isinstance(value, list) and value and type(value[0]) is float:  # a chart's numbers: no walk needed
        return size + len(value) * sys.getsizeof(0.0)
    if isinstance(value, dict):
        return size + sum(approx_bytes(k, _depth + 1) + approx_bytes(v, _depth + 1) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return size + sum(approx_bytes(v, _depth + 1) for v in value)
    if hasattr(value, "__dict__"):
        return size + approx_bytes(vars(value), _depth + 1)
    return size


def per_run(run: RunView, name: str, compute):
    """``compute()``, once per run, point in the run and ``name`` for the whole server: every session
    following one run draws the same charts, so they are computed once per chunk, not once per visitor.
    Only the latest point of each run is kept (a new chunk replaces the last one's charts), within
    ``_PER_RUN_MAX`` entries and ``_PER_RUN_BYTES``, least recently used out first.
    The values (chart specs, frames) must not be changed by the caller: sessions share them."""
    key, point = (run.config, name), (run.samples_seen, run.failed)
    with _PER_RUN_GUARD:
        entry = _PER_RUN.get(key)
        if entry is not None and entry[0] == point:
            _PER_RUN.move_to_end(key)
            return entry[1]
    value = compute()
    nbytes = approx_bytes(value)
    with _PER_RUN_GUARD:
        _PER_RUN[key] = (point, value, nbytes)
        _PER_RUN.move_to_end(key)
        total = sum(entry[2] for entry in _PER_RUN.values())
        while len(_PER_RUN) > 1 and (len(_PER_RUN) > _PER_RUN_MAX or total > _PER_RUN_BYTES):
            total -= _PER_RUN.popitem(last=False)[1][2]
    return value


def untrained_view(config: TrainConfig) -> RunView:
    """The run of ``config`` before its first sample: the initial weights, nothing trained."""
    return RunView.start(config)


def run_view(config: TrainConfig) -> RunView:
    """The run of ``config`` as the server has it now, or as it starts if the server has none."""
    return run_pool().view(config) or RunView.start(config)


# -- departed sessions --------------------------------------------------------------------------------------
_REAPER_FOR: list = []  # the runtime whose session reaper runs (one per server process)
_REAPER_GUARD = threading.Lock()
_REAPED = [0]  # sessions reaped since the heap was last trimmed


def _libc():
    import ctypes

    return ctypes.CDLL("libc.so.6")


def release_free_heap() -> bool:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``); False where there is none.

    The reaper calls it after a pass that let sessions go. Each script run has its own thread, and glibc
    gives threads arenas of their own (up to 8 per core), keeping what a departed session freed in them for
    reuse: the server's RSS grew by about 0.9 MiB per departed session with no Python object left behind
    (183 → 201 MiB over 21 sessions of bench/bench_memory.py). Trimming returns the free pages (→ 194 MiB);
    what fragments the arenas stays, and only fewer arenas remove it: ``MALLOC_ARENA_MAX=2`` in the server's
    environment (deploy/Dockerfile sets it) keeps the server flat (181.5 → 180.0 MiB). It has to be set
    before the process starts (a ``mallopt`` from inside the app came too late: measured, no effect).
    Costs well under a millisecond."""
    try:
        return bool(_libc().malloc_trim(0))
    except (OSError, AttributeError):
        return False


def _start_session_reaper() -> None:
    """Make departed sessions go when ``server.disconnectedSessionTTL`` says, not when the next one leaves.

    Streamlit 1.67 keeps a disconnected session (its state, its runs' views, its downloads) for the TTL
    so that a reconnect can resume it, but its session storage reaps an expired session only when
    another session is stored, and then without ``AppSession.shutdown()``: the last visitors of a quiet
    spell stayed in memory until someone else came and left. A thread asks the server's event loop
    (where sessions are stored and resumed) every half TTL to reap expired sessions and shut them down,
    as Streamlit's own ``close_session`` does, and to delete downloads no session shows any more.
    Streamlit internals: on another version it does nothing."""
    from streamlit import runtime

    if not runtime.exists():
        return
    instance = runtime.get_instance()
    with _REAPER_GUARD:
        if _REAPER_FOR and _REAPER_FOR[0]() is instance:
            return
        try:
            ttl = float(instance._session_mgr._session_storage._cache.ttl)
            loop = instance._get_async_objs().eventloop
        except (AttributeError, RuntimeError):
            return
        _REAPER_FOR[:] = [weakref.ref(instance)]
        freeze_the_libraries()
    threading.Thread(target=_reaper, args=(weakref.ref(instance), loop, max(0.5, min(ttl / 2, 30.0))),
                     name="session-reaper", daemon=True).start()


def freeze_the_libraries() -> None:
    """Leave the libraries' objects out of the garbage collector's full passes (``gc.freeze``, once per
    server process, at its first page run).

    About 140,000 objects — the modules, classes and functions of streamlit, numpy, pandas, altair and the
    app — live as long as the process, yet each full pass of the collector walks them all while holding the
    GIL: passes of 60–270 ms while ten visitors trained, and the server answered nothing meanwhile (its
    health endpoint's worst latency was such a pass). Imported first, frozen once, they are never walked
    again; what sessions create later is collected as before."""
    import altair  # noqa: F401  (the pages import them on first use: import them before freezing)
    import pandas  # noqa: F401

    import labs.charts  # noqa: F401

    gc.collect()
    gc.freeze()


def _reaper(instance_ref, loop, interval: float) -> None:
    while True:
        time.sleep(interval)
        if _REAPED[0]:  # the sessions reaped by the last pass have let go of their memory by now
            _REAPED[0] = 0
            release_free_heap()
        instance = instance_ref()
        if instance is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(_reap_quietly, instance)
        except RuntimeError:  # the loop closed meanwhile: the server is stopping
            return
        del instance


def _reap_quietly(instance) -> None:
    try:
        reap_expired_sessions(instance)
    except AttributeError:  # Streamlit's internals changed: leave sessions to Streamlit's own reaping
        pass


def reap_expired_sessions(instance) -> int:
    """Drop the sessions whose TTL has passed from the runtime's storage and shut them down (call on the
    runtime's event loop). Returns how many."""
    manager = instance._session_mgr
    with manager._storage_lock:
        expired = manager._session_storage._cache.expire()
    for session_id, info in expired:
        if not manager.is_active_session(session_id):
            info.session.shutdown()
    _REAPED[0] += len(expired)
    # A download no session shows any more is marked by one pass and deleted by the next (the grace lets
    # a button replaced by a rerun still download): one pass per tick, so a departed session's files go.
    instance.media_file_mgr.remove_orphaned_files()
    return len(expired)


# -- memory test hook (tests/test_memory_browser.py, bench/bench_memory.py): off unless GP_MEMORY_PROBE is set --
_PROBE_PATH = os.environ.get("GP_MEMORY_PROBE")  # a file the server rewrites every second with what is alive
_PROBED: dict[str, weakref.ref] = {}             # session id -> weakref to its AppSession
_POOLS: list = []                                # run_pool()'s pool, for the store's figures


def _probe_session() -> None:
    """Register this session's ``AppSession`` (everything a session holds hangs off it) by weakref, and
    start the thread that writes how many of them are still reachable."""
    from streamlit.runtime import get_instance
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    info = ctx and get_instance()._session_mgr.get_active_session_info(ctx.session_id)
    if info is None or ctx.session_id in _PROBED:
        return
    if not _PROBED:
        threading.Thread(target=_probe_report, name="memory-probe", daemon=True).start()
    _PROBED[ctx.session_id] = weakref.ref(info.session)


def _probe_report() -> None:
    from streamlit.runtime import get_instance

    while True:
        time.sleep(1.0)
        gc.collect()
        runtime = get_instance()
        media = runtime.media_file_mgr
        pool = _POOLS[-1] if _POOLS else None
        files = getattr(media._storage, "_files_by_id", {})
        manager = runtime._session_mgr
        alive = [s for s in (r() for r in _PROBED.values()) if s is not None]
        report = {"sessions_seen": len(_PROBED), "sessions_active": sum(manager.is_active_session(s.id) for s in alive),
                  "sessions_alive": sum(not manager.is_active_session(s.id) for s in alive),  # departed, reachable
                  "media_files": len(files), "media_bytes": sum(len(f.content) for f in list(files.values())),
                  "per_run": len(_PER_RUN), "per_run_bytes": sum(e[2] for e in list(_PER_RUN.values())),
                  "store_runs": len(pool.store) if pool else 0, "store_bytes": pool.store.nbytes if pool else 0,
                  "objects": len(gc.get_objects()), "blocks": sys.getallocatedblocks(), "time": time.time()}
        del alive  # hold no session while sleeping
        with open(_PROBE_PATH + ".tmp", "w") as f:
            json.dump(report, f)
        os.replace(_PROBE_PATH + ".tmp", _PROBE_PATH)

