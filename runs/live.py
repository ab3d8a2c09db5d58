"""The MLP page's live view of a run, as data: when to draw what, and what to say under the progress bar.

A session watching a run that trains follows it in the shared pool (``RunPool.follow`` renews its lease)
chunk after chunk, for at most ``loop_seconds`` per script run (or until the visitor's tab closes), then
the page's fragment ticks again ``TICK_SECONDS`` later. ``follow_live`` is that loop without Streamlit: it
yields a ``Moment`` each time something is due — the progress bar (at most as often as the ``Cadence``
allows, and only when what it shows changed), the notes under it (only when their words change), the
picture (the light live one while training, at most as often as the cadence allows; the full charts once
paused or done) — and a last ``Moment`` with ``done`` set when the run finishes (it has then left the
pool). The page draws what it is told. No streamlit: tests drive it with a fake pool and a fake clock.

Words are in the current language (``i18n.use``): the page's script run sets it; the server's stream
(``app/live_route``), which runs outside any script run, sets it from its URL's ``lang`` before it builds a
frame. A live picture holds words too, so a cache of pictures keys them by language as well.
"""
from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from i18n import _, ngettext
from labs.mlp import curves as mlp_curves
from labs.mlp import far as mlp_far
from labs.mlp import words as mlp_words
from labs.mlp.replay import LIVE_LOSS_ROWS, mlp_live
from runs.cadence import Cadence
from runs.pace import Pace
from runs.pool import WORKER_FAILED
from runs.store import RunView

# The browser draws the progress and the picture in one component and glides between frames: each redraw costs
# one message. With more than CHART_SESSIONS sessions watching runs on the server, both redraw proportionally
# less often, at most MAX_CHART_SECONDS apart (runs.cadence).
REDRAW_SECONDS = 0.18  # the progress redraws at most this often; the view waits at most this long for a chunk
CHART_SECONDS = 0.18   # the live picture redraws at most this often
CHART_SESSIONS = 8.0
MAX_CHART_SECONDS = 0.5
# One run of the live view follows and redraws chunk after chunk for LOOP_SECONDS (or until the visitor's tab
# closes), then the next run starts TICK_SECONDS later; a button click interrupts either. Each new run redraws
# everything: few of them cost the browser less.
LOOP_SECONDS = 60.0
TICK_SECONDS = 0.25
REFUSED_RETRY_SECONDS = 2.0  # a streamed page whose run the server refused (full) asks again this soon
SHORT_LOOP_SECONDS = 3.0  # where a closed tab cannot be seen (no server: AppTest), runs of the view stay short

Note = tuple[str, str, str | None]  # (kind: caption | warning | error | success, Markdown, icon or None)


def cadence() -> Cadence:
    """The live view's cadence (a session keeps one: its clock readings carry from one script run to the next)."""
    return Cadence(progress_seconds=REDRAW_SECONDS, picture_seconds=CHART_SECONDS, crowd=CHART_SESSIONS,
                   max_seconds=MAX_CHART_SECONDS)


@dataclass(frozen=True)
class Moment:
    """What the page draws now. ``run``: the run as it is now (the page keeps it); ``bar``: redraw the
    progress bar; ``notes``: the notes under it when they changed (None: keep the ones shown);
    ``picture``: "live" (the light picture), "full" (the charts and probes) or None (keep it);
    ``done``: the run just finished and this follower left the pool (the page reruns, to show it done)."""

    run: RunView
    bar: bool = False
    notes: list[Note] | None = None
    picture: str | None = None
    done: bool = False


def follow_live(pool, me: str, run, status: str, pace: Pace, cadence: Cadence, *,
                loop_seconds: float = LOOP_SECONDS, clock: Callable[[], float] = time.perf_counter,
                connected: Callable[[], bool] = lambda: True) -> Iterator[Moment]:
    """The moments of one script run of the live view of ``run`` (a ``RunView``) as the session ``me``
    sees it, in ``status`` (training | paused | done). Paused or done: one moment (bar, notes, the full
    picture). Training: follows the run in ``pool`` (a ``RunPool``), records the pace, waits for each
    chunk (``REDRAW_SECONDS`` at most) and yields what is due, until ``loop_seconds`` have passed, the
    visitor is no longer ``connected``, or the run is done (a last moment with ``done`` set)."""
    began = last_poll = clock()
    first, noted = True, None
    while True:
        follow = None
        if status == "training":
            follow = pool.follow(run.config, me)  # renews this session's lease on the run
            if follow.view is not None:
                now = clock()
                pace.record(follow.view.samples_seen - run.samples_seen, 0.0 if first else now - last_poll, now)
                last_poll, run = now, follow.view
            if run.done:
                pool.leave(me)
                yield Moment(run, bar=True, notes=progress_notes(run, pace, "done", follow, pool.workers), done=True)
                return
        now, watching = clock(), pool.watching()
        bar, notes, picture = False, None, None
        shown = (run.samples_seen, status, queue_note(run, follow, pool.workers), follow and follow.followers > 1)
        if status != "training" or cadence.progress_due(now, shown, watching, force=first):
            lines = progress_notes(run, pace, status, follow, pool.workers)
            bar, notes, noted = True, None if lines == noted else lines, lines  # notes: only when they change
        if status != "training":
            yield Moment(run, bar, notes, picture="full")
            return
        if cadence.picture_due(now, run.samples_seen, watching, force=first):
            picture = "live"
        yield Moment(run, bar, notes, picture)
        first = False
        if clock() - began > loop_seconds or not connected():
            return
        pool.wait(run.config, run.samples_seen, REDRAW_SECONDS)


def live_picture(run) -> dict:
    """The light live picture of ``run`` (``labs.mlp.replay.mlp_live``: the loss, the fit with its kinks)
    with the far probe in its note; the same for every follower of the run (the page computes it once per
    chunk for all of them)."""
    c = run.config
    params = run.params
    far = mlp_far.far_probe(run.net, params, c.x_min, c.x_max)
    note = _("Light: the loss of each stretch of training; dark: its rolling mean; dotted: epoch ends. Red: the "
             "prediction; dashed: the target; dotted: the training range; triangles: ReLU kinks. Far outside, at "
             "x = {x}, the net says {prediction} (the truth is {truth}). Pause, or let the run finish, for the full "
             "charts with tooltips and the probes.", x=f"{far.x:g}", prediction=mlp_words.format_value(far.prediction),
             truth=f"{far.truth:,.0f}")
    return mlp_live(mlp_curves.loss_curve(run.history, max_rows=LIVE_LOSS_ROWS), mlp_curves.epoch_boundaries(run.epoch),
                    mlp_curves.fit_curve(run.net, params, c.x_min, c.x_max), mlp_curves.kinks(run.net, params),
                    c.x_min, c.x_max, c.epochs, notes=[note], label=mlp_words.target_label(c.target))


def live_frame(run, picture: dict, pace: Pace, status: str, notes: list[Note]) -> dict:
    """All the live component (``components/player`` in its live mode) draws of ``run`` now, in one message:
    the progress (a fraction, its words), the ``notes`` under it, what the live region says (at most once per
    epoch) and the ``picture`` (``live_picture``). The browser glides from the last frame to this one."""
    c = run.config
    stopped = run.failed is not None or run.error is not None
    return {"run": hashlib.sha1(repr(c).encode()).hexdigest()[:12], "samples": run.samples_seen,
            "total": run.total_samples,
            "text": mlp_words.progress_text(run.epoch, c.epochs, run.samples_seen, run.total_samples,
                                          pace.samples_per_second, stopped=stopped),
            "notes": [{"kind": kind, "text": text} for kind, text, _ in notes],
            "announce": mlp_words.announcement(run, status), "picture": picture}


def mark(pace: Pace, samples_seen: int, marked: int | None, now: float) -> int:
    """Count into ``pace`` the samples a streamed run trained since the last mark (``marked``: its samples
    then; None: this is the first mark), as wall time since then (``now``: a perf_counter reading). A page
    whose live view reads the server's stream marks at Train, Pause, Resume and Done, so the Done note's time
    is the time the visitor watched it train. Returns the samples to pass as ``marked`` next time."""
    pace.record(0 if marked is None else max(0, samples_seen - marked), 0.0, now)
    return samples_seen


def progress_notes(run, pace: Pace, status: str, follow, workers: int) -> list[Note]:
    """What to say under the progress bar of ``run`` in ``status``, given the last ``follow`` (a
    ``runs.pool.Follow``, or None when not following) and the pool's ``workers``."""
    c = run.config
    lines = []
    step_seconds = mlp_words.step_seconds(c.batch_size, pace.samples_per_second)
    if status == "training" and step_seconds and step_seconds > REDRAW_SECONDS * 2:
        lines.append(("caption", _("One step of this run (a batch of {batch}) takes about {seconds} s; the buttons "
                                   "answer between steps.", batch=f"{c.batch_size:,}", seconds=f"{step_seconds:.1f}"),
                      None))
    queue = queue_note(run, follow, workers)
    if queue is not None:
        lines.append(queue)
    if follow is not None and follow.followers > 1:
        lines.append(("caption", _(":material/group: Shared with others on this link: one run computes it for "
                                   "everyone."), None))
    if run.failed is not None or run.error is not None:
        lines.append(("error", error_words(run.error) if run.error else mlp_words.failed_words(run),
                      ":material/error:"))
    elif status == "paused":
        lines.append(("caption", _("Paused. **Resume** continues this run."), None))
    elif status == "done":
        lines.append(done_note(run, pace))
        if not pace.samples:
            lines.append(("caption", _("Computed earlier on this server with the same settings, and shown at once: "
                                       "the same numbers as a fresh run."), None))
    return lines


def error_words(error: str) -> str:
    """``run.error`` in the current language: the pool writes it once, in English, for every follower."""
    failed = re.fullmatch(re.escape(WORKER_FAILED) + r" \((\w+)\)\. Press Train to try again\.", error)
    if failed is None:
        return error
    return _("Training stopped: a worker process failed ({kind}). Press Train to try again.", kind=failed[1])


def queue_note(run, follow, workers: int) -> Note | None:
    """What to say of ``run``'s wait for the pool's ``workers``, given the last ``follow`` (None: nothing).
    Once a run has started, its place cycles with every chunk (round-robin): saying so would redraw the notes
    each time, in every visitor's browser, for nothing. The number of runs taking turns changes rarely."""
    if follow is None:
        return None
    if follow.refused:
        return "warning", _("Waiting: {why}. This page keeps trying.", why=follow.refused), \
            ":material/hourglass_top:"
    if follow.place > 0 and not run.samples_seen:
        return ("caption", ngettext("In the queue: {n} run trains before this one starts ({workers} train at a time "
                                    "on this server, taking turns).",
                                    "In the queue: {n} runs train before this one starts ({workers} train at a time "
                                    "on this server, taking turns).", follow.place, workers=workers), None)
    if follow.turns > workers:
        return ("caption", ngettext("Taking turns: {n} run trains on this server, {workers} at a time, a chunk each "
                                    "in turn; the time left counts the waits.",
                                    "Taking turns: {n} runs train on this server, {workers} at a time, a chunk each "
                                    "in turn; the time left counts the waits.", follow.turns, workers=workers), None)
    return None


def done_note(run, pace: Pace) -> Note:
    """The run is done: how long it took (its server time when this session only replayed it)."""
    replayed = not pace.samples  # finished before this session pressed Train: shown at once
    seconds = run.train_seconds if replayed else pace.wall_seconds
    return "success", ngettext("Done: {n} epoch, {samples} samples in {seconds} s.",
                               "Done: {n} epochs, {samples} samples in {seconds} s.", run.config.epochs,
                               samples=f"{run.samples_seen:,}", seconds=f"{seconds:.1f}"), None


def follow_pinned(pool, me: str, configs: list, kept: dict, summarize) -> tuple[list, bool]:
    """The pinned runs of ``configs``, as summaries (None for one the server has not started yet), and
    whether any is unfinished. ``kept``: the session's summaries by config (``mlp_compare.RunSummary``, a
    few kB each), updated here; ``summarize(view)`` makes one. Unfinished runs are computed one at a
    time, followed (trained, or fetched from the server's run store) under the one id ``me``, so one
    link keeps at most two of the server's runs busy: the page's own and one pinned run."""
    for config in [c for c in kept if c not in configs]:
        del kept[config]  # unpinned, or replaced by a link: at most MAX_PINNED kept
    views, pending = [], False
    for config in configs:
        view = kept.get(config)
        if view is None or not view.done:
            found = pool.view(config)
            if (found is None or not found.done) and not pending:
                found = pool.follow(config, me).view  # the first unfinished one: the others wait their turn
            if found is not None:
                view = kept[config] = summarize(found)
        pending = pending or view is None or not view.done
        views.append(view)
    if not pending:
        pool.leave(me)
    return views, pending
