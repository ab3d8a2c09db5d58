"""Streamlit glue for the replay player: a replay (``core.charts.replay``) plays in the browser.

The page sends the replay once; Play / Pause / Step / Reset, the speed and the scrubber act in the
browser (``components/player``: vanilla JS drawing SVG, shipped in this repository, nothing fetched).
With ``link=True`` the replay's place is also bound to the URL — ``frame`` (the update shown),
``play`` (1: opens playing) and ``speed`` (updates per second, 0: the replay's own) — and the
browser reports them back on the actions that change them (play, pause, step, reset, scrub end,
speed, reaching the end), never per frame: each report is one script run.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

import ui

_DIR = Path(__file__).resolve().parent / "components" / "player"
_PLAYER = st.components.v2.component("gp_player", js=(_DIR / "player.js").read_text(encoding="utf-8"),
                                     css=(_DIR / "player.css").read_text(encoding="utf-8"))
MAX_SPEED = 1000.0  # updates per second


def _take_report(key: str, prefix: str) -> None:
    """The browser paused, stepped, scrubbed…: copy its place into the URL-bound widgets."""
    view = (st.session_state.get(key) or {}).get("view") or {}
    try:
        frame, play, speed = int(view["frame"]), bool(view["play"]), float(view["speed"])
    except (KeyError, TypeError, ValueError):
        return
    state = st.session_state
    state[f"{prefix}frame"] = float(max(frame, 0))
    state[f"{prefix}play"] = float(play)
    state[f"{prefix}speed"] = float(min(max(speed, 0.0), MAX_SPEED))


def show(replay: dict, *, key: str, link: bool = False, max_frame: int = 10_000, prefix: str = "",
         height: int | str = "content", still: bool = False) -> dict:
    """Mount the player for ``replay``. With ``link``, the URL keys ``{prefix}frame``, ``{prefix}play`` and
    ``{prefix}speed`` set where it opens (drawn in a small expander, bounded, bad values noticed) and
    follow the visitor's actions. With ``still``, the player shows the payload as a picture: no controls
    (the MLP lab's live view while training). Returns the place to put in a share link: {key: value}."""
    start = {"frame": 0, "play": False, "speed": 0.0}
    if still:  # a picture: one element, nothing bound to the URL, nothing to notice
        _PLAYER(key=key, data={"replay": replay, "start": start, "report": False, "still": True}, height=height)
        return {}
    place = {}
    holder = st.container()  # the player above, the link's settings below
    if link:
        seen = f"{key}_replay_id"
        if st.session_state.get(seen) not in (None, replay["id"]):  # new settings: the replay starts over
            st.session_state[f"{prefix}frame"], st.session_state[f"{prefix}play"] = 0.0, 0.0
        st.session_state[seen] = replay["id"]
        box = st.expander("Where this link opens the replay", icon=":material/link:")
        frame = ui.number("Open at update", f"{prefix}frame", 0, 0, max_frame, integer=True, container=box,
                          help=f"The update the replay shows when the link is opened (at most {max_frame:,}; "
                               "past the last update it opens at the end). Pausing or scrubbing sets it.")
        play = ui.number("Play on opening (1 = yes, 0 = no)", f"{prefix}play", 0, 0, 1, integer=True, container=box,
                         help="1: the replay starts playing when the link is opened.")
        speed = ui.number("Speed, updates per second (0 = automatic)", f"{prefix}speed", 0.0, 0.0, MAX_SPEED,
                          step=1.0, fmt="%g", container=box,
                          help=f"At most {MAX_SPEED:g}. Automatic plays the replay in about 10 seconds.")
        start = {"frame": int(frame), "play": bool(play), "speed": float(speed)}
        place = {f"{prefix}frame": int(frame), f"{prefix}play": int(play), f"{prefix}speed": float(speed)}
    echo = ((st.session_state.get(key) or {}).get("view") or {}).get("seq")  # the browser's last report we have
    with holder:
        ui.show_notices()  # what the link's replay settings rejected, above the player
        _PLAYER(key=key, data={"replay": replay, "start": start, "report": link, "still": still, "echo": echo},
                height=height,
                on_view_change=(lambda: _take_report(key, prefix)) if link else None)
    return place
