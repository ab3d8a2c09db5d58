"""The server process's own hazards, started once and explicitly by ``playground.py``: never by a page.

- ``cap_malloc_arenas``: at most two glibc malloc arenas, before the server's threads start allocating.
- ``lifespan`` (the ``st.App``'s): once the runtime runs, ``freeze_the_libraries`` and the session reaper, which
  lets departed sessions go when their TTL says and then gives their freed memory back (``release_free_heap``);
  with ``GP_MEMORY_PROBE`` set, the memory probe the memory test and bench/bench_memory.py read.

A page opened by AppTest (no server, no ``playground.py``) starts none of them. The reaper and the probe use
Streamlit 1.67's internals; on another version they do nothing.

Only the standard library at import: ``playground.py`` imports this module before anything that starts threads
(numpy's BLAS starts its own), so that the arena cap comes first.
"""
from __future__ import annotations

import contextlib
import ctypes
import gc
import importlib
import json
import os
import pkgutil
import sys
import threading
import time
import weakref
from pathlib import Path

M_ARENA_MAX = -8  # mallopt's parameter number for the arena cap (glibc's malloc.h)
ARENAS = 2


def _libc():
    return ctypes.CDLL("libc.so.6")


def cap_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Let glibc's malloc keep at most ``arenas`` arenas; True where it applied (glibc), False elsewhere.

    glibc gives threads arenas of their own (up to 8 per core) and keeps in each what its threads freed, for
    their reuse. A script run has a thread of its own, so what a departed visitor's runs freed stays behind,
    fragmented over many arenas, and the server's memory creeps up visitor after visitor; in a few shared
    arenas it is reused by the next visitor. The same as ``MALLOC_ARENA_MAX=2`` in the environment, without
    asking anyone to set it. glibc settles the limit when it makes its ninth arena, so call this before the
    server's threads allocate; arenas made before it stay, and new threads share them."""
    try:
        return bool(_libc().mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # no C library by that name, or one without mallopt (musl, macOS)
        return False


def release_free_heap() -> bool:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``); False where there is none.

    The reaper calls it after a pass that let sessions go: what a departed session freed stays in its arena's
    free lists, resident, until trimmed. What fragments the arenas stays; fewer arenas (``cap_malloc_arenas``)
    keep that small. Costs well under a millisecond."""
    try:
        return bool(_libc().malloc_trim(0))
    except (OSError, AttributeError):
        return False


def freeze_the_libraries() -> None:
    """Leave the libraries' objects out of the garbage collector's full passes (``gc.freeze``, once per server
    process, before its first page run).

    The modules, classes and functions of streamlit, numpy, pandas, altair and the app live as long as the
    process, yet each full pass of the collector walks them all while holding the GIL, and meanwhile the
    server answers no one: under ten visitors training, its slowest answers were such passes. Imported first,
    frozen once, they are never walked again; what sessions create later is collected as before."""
    import altair  # noqa: F401  (the pages import them on first use: import them before freezing)
    import pandas  # noqa: F401

    for package in ("core", "labs", "runs"):  # the modules the pages import, whichever page comes first
        path = importlib.import_module(package).__path__
        for module in pkgutil.walk_packages(path, package + "."):
            importlib.import_module(module.name)
    gc.collect()
    gc.freeze()


@contextlib.asynccontextmanager
async def lifespan(_app):
    """The ``st.App``'s lifespan: runs once the Streamlit runtime has started, on the server's event loop."""
    start()
    yield


_STARTED = threading.Lock()  # held for good by the first start(): the rest return at once


def start() -> None:
    """Freeze the libraries, start the session reaper and, with ``GP_MEMORY_PROBE``, the memory probe (once per
    process; call it on the server's event loop once the runtime runs, as ``lifespan`` does)."""
    import asyncio

    from streamlit import runtime

    if not runtime.exists() or not _STARTED.acquire(blocking=False):
        return
    freeze_the_libraries()
    instance, loop = runtime.get_instance(), asyncio.get_running_loop()
    if PROBE_PATH:
        threading.Thread(target=_probe, args=(weakref.ref(instance), loop), name="memory-probe", daemon=True).start()
    try:
        ttl = float(instance._session_mgr._session_storage._cache.ttl)
    except AttributeError:  # Streamlit's internals changed: leave sessions to Streamlit's own reaping
        return
    threading.Thread(target=_reaper, args=(weakref.ref(instance), loop, max(0.5, min(ttl / 2, 30.0))),
                     name="session-reaper", daemon=True).start()


# -- departed sessions ------------------------------------------------------------------------------------------
# Streamlit 1.67 keeps a disconnected session (its state, its runs' views, its downloads) for
# ``server.disconnectedSessionTTL`` so that a reconnect can resume it, but its session storage reaps an expired
# session only when another session is stored, and then without ``AppSession.shutdown()``: the last visitors of a
# quiet spell stayed in memory until someone else came and left. The reaper asks the server's event loop (where
# sessions are stored and resumed) every half TTL to reap expired sessions and shut them down, as Streamlit's own
# ``close_session`` does, and to delete downloads no session shows any more.
_REAPED = [0]  # sessions reaped since the heap was last trimmed


def _reaper(instance_ref, loop, interval: float) -> None:
    while True:
        time.sleep(interval)
        if _REAPED[0]:  # the sessions reaped by the last pass have let go of their memory by now
            _REAPED[0] = 0
            release_free_heap()
        if not _on_loop(loop, _reap_quietly, instance_ref):
            return


def _on_loop(loop, function, instance_ref) -> bool:
    """Run ``function(runtime)`` on the server's event loop; False once the server is stopping."""
    if instance_ref() is None or loop.is_closed():
        return False
    try:
        loop.call_soon_threadsafe(function, instance_ref)
    except RuntimeError:  # the loop closed meanwhile: the server is stopping
        return False
    return True


def _reap_quietly(instance_ref) -> None:
    instance = instance_ref()
    try:
        if instance is not None:
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


# -- the memory probe (tests/test_memory_browser.py, bench/bench_memory.py): off unless GP_MEMORY_PROBE is set ---
PROBE_PATH = os.environ.get("GP_MEMORY_PROBE")  # a file the probe rewrites every second with what is alive
_PROBED: dict[str, weakref.ref] = {}            # session id -> weakref to its AppSession


def _probe(instance_ref, loop) -> None:
    """Every second: note the sessions that opened a page other than the home page (the tests keep a visitor
    there throughout), and write how many of them are still reachable, with what the server keeps for them."""
    while _on_loop(loop, _note_sessions, instance_ref):
        time.sleep(1.0)
        instance = instance_ref()
        if instance is None:
            return
        report = _report(instance)
        del instance  # hold no session while sleeping
        with open(PROBE_PATH + ".tmp", "w") as f:
            json.dump(report, f)
        os.replace(PROBE_PATH + ".tmp", PROBE_PATH)


def _note_sessions(instance_ref) -> None:
    """Register by weakref each session that has run a page of ``pages/`` (everything a session holds hangs off
    its AppSession); on the server's event loop, where sessions are stored."""
    instance = instance_ref()
    try:
        for info in instance._session_mgr.list_sessions():
            session = info.session
            page = session.get_pages().get(session.page_script_hash) or {}
            if session.id not in _PROBED and Path(page.get("script_path", "")).parent.name == "pages":
                _PROBED[session.id] = weakref.ref(session)
    except AttributeError:  # no runtime any more, or Streamlit's internals changed
        pass


def _report(instance) -> dict:
    from app import shared_runs

    gc.collect()
    manager = instance._session_mgr
    files = getattr(instance.media_file_mgr._storage, "_files_by_id", {})
    alive = [s for s in (r() for r in list(_PROBED.values())) if s is not None]
    return {"sessions_seen": len(_PROBED), "sessions_active": sum(manager.is_active_session(s.id) for s in alive),
            "sessions_alive": sum(not manager.is_active_session(s.id) for s in alive),  # departed, reachable
            "media_files": len(files), "media_bytes": sum(len(f.content) for f in list(files.values())),
            **shared_runs.sizes(), "objects": len(gc.get_objects()), "blocks": sys.getallocatedblocks(),
            "time": time.time()}
