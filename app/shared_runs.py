"""What the sessions of one server process share: the run store and worker pool (``run_pool``), the charts of a
run computed once for all its followers (``per_run``), and who follows a run (``follower``, ``visitor_connected``).

Sessions follow runs by an opaque id, never by an object of theirs, so nothing here keeps a departed visitor's
session alive; both caches are bounded and let the least recently used go first.
"""
from __future__ import annotations

import atexit
import os
import secrets
import sys
import threading
from collections import OrderedDict

import streamlit as st

from core.train import TrainConfig
from runs.pool import RunPool
from runs.store import RunStore, RunView

# Runs the server keeps (finished or training), least recently used out first, and their bytes (history,
# probes, snapshots, trainer state). GP_STORE_RUNS / GP_STORE_BYTES override them (the memory test).
STORE_RUNS = int(os.environ.get("GP_STORE_RUNS", 64))
STORE_BYTES = int(os.environ.get("GP_STORE_BYTES", 256 * 2**20))


_MADE: list[RunPool] = []  # the pool run_pool made, if any: ``sizes`` reads it and never makes one


def _shutdown(pool: RunPool) -> None:
    if pool in _MADE:
        _MADE.remove(pool)
    pool.shutdown()


@st.cache_resource(on_release=_shutdown, show_spinner=False)
def run_pool() -> RunPool:
    """The server process's one run store and worker pool, shared by every session (see ``runs``).

    Sessions follow runs by an opaque id (``follower``), never by an object of theirs, so the pool
    keeps no departed session alive. The pool ends its worker processes when the server exits (and
    they end themselves if the server is killed)."""
    pool = RunPool(RunStore(max_runs=STORE_RUNS, max_bytes=STORE_BYTES))
    atexit.register(pool.shutdown)
    _MADE[:] = [pool]
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


def sizes() -> dict:
    """How much the shared runs hold now: the store's runs and bytes, the chart cache's entries and bytes (the
    memory probe reports them)."""
    store = _MADE[0].store if _MADE else None
    with _PER_RUN_GUARD:
        per_run, per_run_bytes = len(_PER_RUN), sum(entry[2] for entry in _PER_RUN.values())
    return {"per_run": per_run, "per_run_bytes": per_run_bytes,
            "store_runs": 0 if store is None else len(store), "store_bytes": 0 if store is None else store.nbytes}
