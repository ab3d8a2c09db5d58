"""The live view's stream: a training run's frames pushed to the browser as the run moves, with no script run.

``GET /api/runs/{run}/frames`` answers with Server-Sent Events (``text/event-stream``). ``run`` is the run's
settings as a compare= value holds one run (``labs.mlp.compare.format_compare``: ``default``, ``lr:2e-05,batch:64``),
so the route serves runs only, pure functions of their settings, and nothing of any session. Each event is
one frame (``runs.live.live_frame``: the progress, the notes, the live picture; its ``id`` the samples seen,
so a reconnecting EventSource says where it was) sent when the run has moved; the last one is named
``done``. While the stream is open it follows the run in the pool (a lease of its own, renewed): a visitor
who closes the page closes the stream, and the run stops within the pool's lease once nobody else follows.

Bounds, so that no visitor can exhaust the server: the ``run`` text is at most ``mlp_settings.MAX_COMPARE_CHARS``
and must name exactly one run within the page's limits (else 400); a run the server has not started is 404
(the page's Train starts it: the route never creates one); at most ``MAX_STREAMS_PER_CLIENT`` open streams per
client address (429) and ``MAX_STREAMS`` in all (503); each frame holds a bounded picture (the live picture's
thinned rows: ``labs.mlp.replay.LIVE_LOSS_ROWS`` per loss series, ``LIVE_FIT_POINTS``, ``LIVE_KINKS``).
No traceback ever reaches the client: errors are one plain sentence.
"""
from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route

import i18n
from i18n import _
from labs.mlp import compare as mlp_compare
from labs.mlp import settings as mlp_settings
from runs import live
from runs.pace import Pace

PATH = "/api/runs/{run}/frames"
MAX_STREAMS_PER_CLIENT = 32  # per address: a classroom behind one NAT address is one client here
MAX_STREAMS = 64
POLL_SECONDS = 0.05     # how often a stream looks at its run (a dictionary read)
RENEW_SECONDS = 0.5     # how often it renews its lease on the run (the pool's lease is 3 s)
KEEPALIVE_SECONDS = 15  # a comment line while nothing moves, so proxies keep the stream open
_PICTURES_KEPT = 8  # runs whose latest live picture is kept

served = False  # set when the server serves the route (``route`` was built): the MLP page then streams its live view
_open: dict[str, int] = {}  # client address -> open streams
_pictures: OrderedDict = OrderedDict()  # config -> ((samples, failed), its latest live picture), for all streams


def run_id(config) -> str:
    """The ``run`` part of the route's path for ``config``: its settings (URL-quote it)."""
    return mlp_compare.format_compare([config])


def url(config) -> str:
    """Where the browser reads ``config``'s frames: in the page's language (``?lang=``, English without it)."""
    lang = i18n.language()
    return PATH.format(run=quote(run_id(config), safe="")) + ("" if lang == i18n.DEFAULT else f"?lang={lang}")


def parse_run(text: str):
    """The config ``text`` names, or (None, the reason in a sentence)."""
    if len(text) > mlp_settings.MAX_COMPARE_CHARS:
        return None, _("The run's settings are too long (at most {most} characters).",
                       most=mlp_settings.MAX_COMPARE_CHARS)
    configs, notice = mlp_compare.parse_compare(text)
    if notice or len(configs) != 1:
        return None, _("Not the settings of one run: {why}",
                       why=notice or _("expected one run, like lr:2e-05,batch:64."))
    return configs[0], None


def _picture(view) -> dict:
    """The live picture of the run's current chunk, made once for every stream that follows the run. Only each
    run's latest is kept (a stream never goes back), so the cache holds at most _PICTURES_KEPT pictures whatever
    the number of chunks (one per chunk would keep every picture of every run still in the store)."""
    at, key = (view.samples_seen, view.failed), (view.config, i18n.language())  # its words: one language's
    kept = _pictures.get(key)
    if kept is None or kept[0] != at:
        kept = _pictures[key] = (at, live.live_picture(view))
        while len(_pictures) > _PICTURES_KEPT:
            _pictures.popitem(last=False)
    _pictures.move_to_end(key)
    return kept[1]


def _event(frame: dict, name: str | None = None) -> str:
    head = f"event: {name}\n" if name else ""
    return f"{head}id: {frame['samples']}\ndata: {json.dumps(frame, allow_nan=False, separators=(',', ':'))}\n\n"


async def frames(pool, config, *, clock: Callable[[], float] = time.monotonic, lang: str | None = None):
    """The events of one stream of ``config``'s run in ``pool`` (a ``runs.pool.RunPool``): a frame now, one
    each time the run moves, the last one named ``done``, their words in ``lang`` (English by default). Follows
    the run while it is open; leaves it after."""
    i18n.use(lang)  # this stream's task (each stream is one task: its context is its own)
    me = f"stream:{secrets.token_hex(8)}"
    pace = Pace(target_seconds=live.REDRAW_SECONDS)
    sent, renewed, quiet, follow = None, -1e9, clock(), None
    last_samples, last_time = None, None
    try:
        while True:
            now = clock()
            view = pool.view(config)
            if view is None:
                return  # evicted: the page's next script run starts over
            if not view.done and now - renewed >= RENEW_SECONDS:
                follow = pool.follow(config, me)  # the lease, and what the notes say of the queue and the followers
                view, renewed = follow.view or view, now
            if last_samples is not None and view.samples_seen != last_samples:
                pace.record(view.samples_seen - last_samples, now - last_time, time.perf_counter())
            if view.samples_seen != last_samples:
                last_samples, last_time = view.samples_seen, now
            status = "done" if view.done else "training"
            notes = live.progress_notes(view, pace, status, follow, pool.workers)
            shown = (view.samples_seen, json.dumps(notes))
            if shown != sent:
                sent, quiet = shown, now
                yield _event(live.live_frame(view, _picture(view), pace, status, notes), "done" if view.done else None)
            if view.done:
                return
            if now - quiet > KEEPALIVE_SECONDS:
                quiet = now
                yield ": still training\n\n"
            await asyncio.sleep(POLL_SECONDS)
    finally:
        pool.leave(me)


def route(get_pool: Callable[[], object]) -> Route:
    """The Starlette route, serving the runs of ``get_pool()`` (the server's one ``RunPool``)."""
    global served
    served = True

    async def stream(request: Request):
        lang = i18n.use(request.query_params.get("lang"))  # an unknown lang= is English: a stream has no notice
        config, error = parse_run(request.path_params["run"])
        if error:
            return PlainTextResponse(error, status_code=400)
        pool = get_pool()
        if pool.view(config) is None:
            return PlainTextResponse(_("No such run on this server: press Train on its page."), status_code=404)
        client = request.client.host if request.client else "?"
        if _open.get(client, 0) >= MAX_STREAMS_PER_CLIENT:
            return PlainTextResponse(_("At most {most} open streams per visitor.", most=MAX_STREAMS_PER_CLIENT),
                                     status_code=429)
        if sum(_open.values()) >= MAX_STREAMS:
            return PlainTextResponse(_("The server follows as many runs as it can; try again in a minute."),
                                     status_code=503, headers={"Retry-After": "30"})
        _open[client] = _open.get(client, 0) + 1

        async def events():
            try:
                async for event in frames(pool, config, lang=lang):
                    yield event
            finally:
                _open[client] -= 1
                if not _open[client]:
                    del _open[client]

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    return Route(PATH, stream, methods=["GET"])
