"""Streamlit glue for the replay player: a replay (``labs.replay``) plays in the browser.

The page sends the replay once; Play / Pause / Step / Reset, the speed and the scrubber act in the browser
(``player.js`` and ``player.css`` beside this file: vanilla JS drawing SVG, shipped in this repository,
nothing fetched). With ``link=True`` the replay's place is also bound to the URL — ``frame`` (the update
shown), ``play`` (1 or true: opens playing; an on/off key like every other) and ``speed`` (updates per second,
0: the replay's own) — and the browser reports them back on the actions that change them (play, pause, step,
reset, scrub end, speed, reaching the end), never per frame: each report is one script run.
"""
from __future__ import annotations

import time
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitDuplicateElementKey
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.state.common import user_key_from_element_id

from app import widgets
from i18n import DEFAULT, _, language, pgettext

_DIR = Path(__file__).resolve().parent
_PLAYER = st.components.v2.component("gp_player", js=(_DIR / "player.js").read_text(encoding="utf-8"),
                                     css=(_DIR / "player.css").read_text(encoding="utf-8"))
MAX_SPEED = 1000.0  # updates per second

# The counter's word of each replay (its ``unit``; "Step" when it has none), as the current language says it.
UNITS = {"Step": lambda: pgettext("replay counter", "Step"),
         "Snapshot": lambda: pgettext("replay counter", "Snapshot"),
         "Update": lambda: pgettext("replay counter", "Update")}


def words() -> dict:
    """The player's words in the current language (player.js has the English ones; nothing is sent for English).
    Templates keep player.js's {fields}: the browser fills them."""
    if language() == DEFAULT:
        return {}
    return {"play": _("▶ Play"), "pause": _("❚❚ Pause"), "play_label": _("Play the replay"),
            "pause_label": _("Pause the replay"), "step": _("Step ›"), "step_label": _("Step one update"),
            "reset": _("↺ Reset"), "reset_label": _("Reset to update 0"), "speed": _("Speed"),
            "speed_label": _("Speed in updates per second"), "scrub_label": _("Update shown"),
            "unit": UNITS["Step"](), "counter": _("{unit} {k} of {n}"),
            "auto": _("auto ({speed}/s)"), "per_second": _("{speed}/s"),
            "panel_label": _("{title}: {y} against {x}"),
            "tip": _("{label}: x = {x} at update {step}"),
            "progress": _("Training progress")}


def _translated(replay: dict) -> dict:
    """``replay`` with its counter's word in the current language (the replay itself is built in English words
    for its unit: a code the player shows)."""
    unit = replay.get("unit")
    if language() == DEFAULT or unit not in UNITS:
        return replay
    return {**replay, "unit": UNITS[unit]()}


def _take_report(key: str, prefix: str) -> None:
    """The browser paused, stepped, scrubbed…: copy its place into the URL-bound widgets."""
    view = (st.session_state.get(key) or {}).get("view") or {}
    try:
        frame, play, speed = int(view["frame"]), bool(view["play"]), float(view["speed"])
    except (KeyError, TypeError, ValueError):
        return
    state = st.session_state
    state[f"{prefix}frame"] = float(max(frame, 0))
    state[f"{prefix}play"] = play
    state[f"{prefix}speed"] = float(min(max(speed, 0.0), MAX_SPEED))


def _forget_key(key: str) -> None:
    """Let ``key`` be drawn again in this script run, as the same element.

    Streamlit refuses a key twice in one script run, and a new key is a new element: the browser mounts a
    new player for it (DOM, styles, layout from scratch) and drops the old one. The MLP live view redraws
    its picture every few seconds within one script run (it follows a run for up to a minute), so each
    picture was a new mount, which costs the browser more than an update of the mounted player (README,
    "Many visitors at once"). Streamlit has no public way to redraw a keyed element in place; this forgets
    the key in the script run's register of keys seen (private: if that changes, ``show`` notices the
    refused key and falls back to a new element per picture). The register holds the key and the element's
    id, which ends with it: ``user_key_from_element_id`` gives the key back from either."""
    ctx = get_script_run_ctx()
    try:
        for seen in (ctx.shared.widget_user_keys_this_run, ctx.shared.widget_ids_this_run):
            with seen._lock:
                seen._data.difference_update({v for v in seen._data if user_key_from_element_id(v) == key})
    except AttributeError:
        pass


def live(frame: dict, *, key: str, height: int | str = "content", stream: str | None = None,
         on_end=None) -> None:
    """Draw ``frame`` (``runs.live.live_frame``: a training run's progress, notes and live picture) in the
    player's live mode. The same ``key`` may be drawn again in one script run: the mounted player takes the
    new frame in place and glides to it from the one it shows (the fit and the progress, at the screen's
    rate), so a followed run costs one small message per frame and no new element.
    With ``stream`` (a ``live_route`` URL), the browser reads the next frames from it, with no script run,
    and calls ``on_end`` (a rerun of the page) when the run is done or the stream is lost for good."""
    data = {"live": frame, "stream": stream, "words": words()}
    callbacks = {"on_end_change": on_end or (lambda: None)} if stream else {}
    try:
        _PLAYER(key=key, data=data, height=height, **callbacks)
    except StreamlitDuplicateElementKey:  # _forget_key no longer works: a new element for each frame
        _PLAYER(key=f"{key}_{time.monotonic_ns()}", data=data, height=height, **callbacks)
    _forget_key(key)


def show(replay: dict, *, key: str, link: bool = False, max_frame: int = 10_000, prefix: str = "",
         height: int | str = "content", still: bool = False) -> dict:
    """Mount the player for ``replay``. With ``link``, the URL keys ``{prefix}frame``, ``{prefix}play`` and
    ``{prefix}speed`` set where it opens (drawn in a small expander, bounded, bad values noticed) and
    follow the visitor's actions. With ``still``, the player shows the payload as a picture: no controls
    (the MLP lab's live view while training), and the same ``key`` may be drawn again in one script run:
    the browser redraws the mounted player in place. Returns the place to put in a share link: {key: value}."""
    start = {"frame": 0, "play": False, "speed": 0.0}
    if still:  # a picture: one element, nothing bound to the URL, nothing to notice
        data = {"replay": _translated(replay), "start": start, "report": False, "still": True, "words": words()}
        try:
            _PLAYER(key=key, data=data, height=height)
        except StreamlitDuplicateElementKey:  # _forget_key no longer works: a new element for each picture
            _PLAYER(key=f"{key}_{time.monotonic_ns()}", data=data, height=height)
        _forget_key(key)
        return {}
    place = {}
    holder = st.container()  # the player above, the link's settings below
    if link:
        seen = f"{key}_replay_id"
        if st.session_state.get(seen) not in (None, replay["id"]):  # new settings: the replay starts over
            st.session_state[f"{prefix}frame"], st.session_state[f"{prefix}play"] = 0.0, False
        st.session_state[seen] = replay["id"]
        box = st.expander(_("Where this link opens the replay"), icon=":material/link:")
        frame = widgets.number(_("Open at update"), f"{prefix}frame", 0, 0, max_frame, integer=True, container=box,
                               help=_("The update the replay shows when the link is opened (at most {most}; past "
                                      "the last update it opens at the end). Pausing or scrubbing sets it.",
                                      most=format(max_frame, ",")))
        play = widgets.flag(_("Play on opening"), f"{prefix}play", False, container=box,
                            help=_("The replay starts playing when the link is opened."))
        speed = widgets.number(_("Speed, updates per second (0 = automatic)"), f"{prefix}speed", 0.0, 0.0, MAX_SPEED,
                               step=1.0, fmt="%g", container=box,
                               help=_("At most {most}. Automatic plays the replay in about 10 seconds.",
                                      most=format(MAX_SPEED, "g")))
        start = {"frame": int(frame), "play": bool(play), "speed": float(speed)}
        place = {f"{prefix}frame": int(frame), f"{prefix}play": int(play), f"{prefix}speed": float(speed)}
    echo = ((st.session_state.get(key) or {}).get("view") or {}).get("seq")  # the browser's last report we have
    with holder:
        widgets.show_notices()  # what the link's replay settings rejected, above the player
        _PLAYER(key=key, data={"replay": _translated(replay), "start": start, "report": link, "still": still,
                               "echo": echo, "words": words()},
                height=height,
                on_view_change=(lambda: _take_report(key, prefix)) if link else None)
    return place
