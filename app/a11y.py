"""Accessibility and small screens: keyboard focus after a rerun, a polite live region, whether the screen
is a phone's, and the app's few CSS rules (stepped progress bars, phone spacing, ``present=1``'s projector page).

Streamlit 1.67 can do none of the first three: one hidden component (``a11y.js``) does them in the visitor's
browser.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from i18n import _

# Tables whose rows are learning rates keep that column in view while the rest scroll sideways (a phone).
PINNED_LR = {"lr": st.column_config.Column(pinned=True)}
NARROW_PX = 640  # a viewport narrower than this is a phone: columns stack, the basin map has fewer cells

# The hidden helper element (a11y.js). Not style-isolated: it draws nothing, and outside a shadow root it is never
# counted among the players.
_A11Y = st.components.v2.component("gp_a11y", js=Path(__file__).with_name("a11y.js").read_text(encoding="utf-8"),
                                   isolate_styles=False)


# Progress bars that step; on a phone, a smaller title and less space above it, so that a lab's main control
# and first chart are on the first screen (Streamlit's own sizes are for desktops). Stable data-testid
# selectors only.
APP_CSS = f"""<style>
/* A progress bar redrawn every fraction of a second would otherwise animate (a CSS transition) between
   updates without pause, compositing frames for as long as a run trains: a large share of the CPU of a
   browser following the MLP lab. It steps instead. */
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
    top. ``only_if_lost``: only when focus has nowhere else to be (the focused button got disabled).
    ``label`` is the button's English label (its message): a callback runs before the page has chosen its
    language, so ``apply_focus`` translates it, in the language the page is drawn in."""
    nonce = st.session_state.get("_focus_nonce", 0) + 1
    st.session_state["_focus_nonce"] = nonce
    st.session_state["_focus"] = {"label": label, "nonce": nonce, "only_if_lost": only_if_lost}


def apply_focus() -> None:
    """Carry out ``want_focus`` (call once per page run, after the buttons are drawn)."""
    focus = st.session_state.pop("_focus", None)
    if focus:
        _a11y("gp_focus", focus={**focus, "label": _(focus["label"])})


def announce(text: str, key: str = "gp_announce") -> None:
    """Say ``text`` politely to screen readers (an ARIA live region), once per change of text."""
    _a11y(key, say=text)


def narrow_screen() -> bool:
    """Whether the visitor's screen is narrower than NARROW_PX (a phone). The browser tells on the first
    run of a session (one more run, on phones only); until then the answer is False."""
    narrow = bool((st.session_state.get("gp_screen") or {}).get("narrow"))
    _a11y("gp_screen", narrow_px=NARROW_PX, narrow=narrow)
    return narrow
