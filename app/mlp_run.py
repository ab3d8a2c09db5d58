"""The MLP page's run state and its run panel's buttons: the run this session watches (a view: data only), its
status (idle | training | paused | done) and its pace, in the session's state.

Runs are values: the server keeps each config's run once, trains it in worker processes while someone follows
it, and every session with the same settings follows or replays that one run (``shared_runs.run_pool``).

Train, Pause, Resume, Reset and the end of the live view's stream are clicks in the page's run panel, a
fragment (the buttons and the live view): each reruns the panel alone, not the page (``on_*`` below). The whole
page reruns where more of it changes: with runs to compare (their panel shows the current run), on Pin (the
compare= control and the link change), and where the live view is not streamed (its fragment's ticks are set
by a run of the whole page).
"""
import time

import streamlit as st
from streamlit.errors import StreamlitAPIException

from app import a11y, live_route, shared_runs
from labs.mlp import compare as mlp_compare
from runs import live
from runs.pace import Pace

state = st.session_state


def streamed() -> bool:
    """Whether the live view reads its frames from the server's stream (``live_route``, served beside the pages
    by playground.py's App): then following a run runs no script at all. Without it (AppTest; a server started
    without the App) a script run of the view follows the run and sends the frames (runs.live.follow_live)."""
    return live_route.served and shared_runs.connection_known()


# ── the state ────────────────────────────────────────────────────────────────────────────────────────────
def start(config) -> None:
    if config is None:
        return
    state["mlp_run"] = shared_runs.run_view(config)
    state["mlp_pace"] = Pace(target_seconds=live.REDRAW_SECONDS)
    state["mlp_marked"] = None  # a streamed run's samples at the last mark (runs.live.mark)
    state["mlp_status"] = "training"
    a11y.want_focus("Pause")  # Train is disabled now: keyboard focus goes to the button that stops the run


def set_status(status: str) -> None:
    if status != "training" and streamed() and state.get("mlp_run") is not None:
        run = state["mlp_run"] = shared_runs.run_view(state["mlp_run"].config)  # where the stream had it
        state["mlp_marked"] = live.mark(state["mlp_pace"], run.samples_seen, state.get("mlp_marked"),
                                        time.perf_counter())
    state["mlp_status"] = status
    a11y.want_focus("Resume" if status == "paused" else "Pause")
    if status != "training":
        shared_runs.run_pool().leave(shared_runs.follower())  # nobody else watching: the run stops costing CPU
    if "mlp_pace" in state:
        state["mlp_pace"].pause()  # the time until the next chunk is not training time


def finish(run) -> None:
    """A streamed run this session followed is done: the pace counts to here (the Done note's time)."""
    shared_runs.run_pool().leave(shared_runs.follower())
    state["mlp_run"] = run
    state["mlp_marked"] = live.mark(state["mlp_pace"], run.samples_seen, state.get("mlp_marked"), time.perf_counter())
    state["mlp_status"] = "done"
    a11y.want_focus("Reset", only_if_lost=True)  # Pause is disabled now


def settle() -> None:
    """A streamed run that finished since the stream's last frame is done (drawn done, buttons and all)."""
    run = state.get("mlp_run")
    if state.get("mlp_status") == "training" and run is not None and streamed():
        found = shared_runs.run_pool().view(run.config)
        if found is not None and found.done:
            finish(found)


def reset() -> None:
    shared_runs.run_pool().leave(shared_runs.follower())
    for key in ("mlp_run", "mlp_pace"):
        state.pop(key, None)
    state["mlp_status"] = "idle"
    a11y.want_focus("Train")


# ── the buttons' callbacks ──────────────────────────────────────────────────────────────────────────────
def _whole_page_if_needed(pinned_configs) -> None:
    if pinned_configs or not streamed():
        st.rerun()  # in a callback: the whole page, once the callback returns (else: the panel alone)


def on_train(config, pinned_configs=()) -> None:
    start(config)
    _whole_page_if_needed(pinned_configs)


def on_status(status: str, pinned_configs=()) -> None:
    set_status(status)
    _whole_page_if_needed(pinned_configs)


def on_reset(pinned_configs=()) -> None:
    reset()
    _whole_page_if_needed(pinned_configs)


def on_stream_end(pinned_configs=()) -> None:
    """The live view's stream ended (the run is done, or the stream was lost): the panel reruns, finds a run that
    is done so at its start (``settle``: drawn done at once, buttons and all) and follows one that is not anew."""
    _whole_page_if_needed(pinned_configs)


def on_pin() -> None:
    """Keep the finished current run (data only) and add its settings to the compare= link."""
    run = state.get("mlp_run")
    pinned = None if run is None or not run.done else mlp_compare.pinned(state.get("compare", ""), run.config)
    if pinned is not None:
        state.setdefault("mlp_pinned", {})[run.config] = mlp_compare.summarize(run)  # a few kB: what Compare shows
        state["compare"] = pinned
    st.rerun()  # the whole page: the compare= control, the Compare panel and the link change


def rerun_panel() -> None:
    """Rerun the run panel alone when this is a rerun of it, else (a run of the whole page) the whole page."""
    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:
        st.rerun()
