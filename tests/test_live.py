"""runs.live: the MLP page's live loop without Streamlit, against a fake pool and a fake clock.

The fake pool trains ``per_chunk`` samples each time the follower waits, and each wait moves the fake
clock on by ``chunk_seconds`` (0.125 s unless a test says otherwise: exact in binary, so the times below,
counted by hand from those two numbers, add up exactly)."""
from dataclasses import dataclass, field, replace

import pytest

from core.train import TrainConfig
from labs.mlp import words as mlp_words
from runs import live
from runs.cadence import Cadence
from runs.pace import Pace
from runs.pool import Follow

CONFIG = TrainConfig(epochs=2, n_samples=100, batch_size=10)  # 200 samples in all


@dataclass(frozen=True)
class View:
    """The names of a RunView that runs.live reads."""
    config: TrainConfig = CONFIG
    samples_seen: int = 0
    failed: object = None
    error: str | None = None
    train_seconds: float = 0.0

    @property
    def done(self) -> bool:
        return self.samples_seen >= self.config.epochs * self.config.n_samples


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@dataclass
class FakePool:
    clock: Clock
    per_chunk: int = 10
    chunk_seconds: float = 0.125
    workers: int = 2
    watchers: int = 1
    place: int = 0
    followers: int = 1
    turns: int = 1
    refused: str | None = None
    view: View = field(default_factory=View)
    follows: int = 0
    left: list = field(default_factory=list)

    def follow(self, config, me):
        self.follows += 1
        if self.refused:
            return Follow(None, refused=self.refused)
        return Follow(self.view, self.place, self.followers, turns=self.turns)

    def leave(self, me):
        self.left.append(me)

    def watching(self):
        return self.watchers

    def wait(self, config, samples_seen, timeout):
        self.clock.now += self.chunk_seconds
        total = config.epochs * config.n_samples
        self.view = replace(self.view, samples_seen=min(total, self.view.samples_seen + self.per_chunk))


def moments(pool, status="training", loop_seconds=3.0, connected=lambda: True, start=View()):
    """Every moment of one script run of the live view, each with the clock's reading when it was yielded."""
    pace = Pace()
    seen = []
    for moment in live.follow_live(pool, "me", start, status, pace, live.cadence(),
                                   loop_seconds=loop_seconds, clock=pool.clock, connected=connected):
        seen.append((pool.clock.now, moment))
    return seen, pace


def test_the_first_moment_draws_the_bar_its_notes_and_the_picture():
    seen, _ = moments(FakePool(Clock()))
    first = seen[0][1]
    assert first.bar and first.notes == [] and first.picture == "live" and not first.done


def test_the_picture_and_the_bar_are_drawn_no_more_often_than_the_cadence_allows():
    """A chunk every 0.125 s for 3 s: the bar and the picture (one frame of the live component) at most every
    0.18 s, so every 2nd chunk (0.25 s), from 0 to 3 s: 13 frames."""
    seen, _ = moments(FakePool(Clock(), per_chunk=1))
    assert len(seen) == 26  # the first moment at 100.0, then one per chunk until over 3 s have passed
    pictures = [t for t, m in seen if m.picture == "live"]
    bars = [t for t, m in seen if m.bar]
    assert all(b - a >= 0.18 - 1e-9 for a, b in zip(pictures, pictures[1:]))
    assert all(b - a >= 0.18 - 1e-9 for a, b in zip(bars, bars[1:]))
    assert pictures == bars == [100.0 + 0.25 * i for i in range(13)]


def test_a_crowd_on_the_server_spaces_the_pictures_out():
    """Twenty watchers with a crowd of 8: 0.18 s × 20 / 8 = 0.45 s, so every 4th chunk (0.5 s); forty would
    make 0.9 s, capped at 0.5 s (also every 4th chunk). Ten watchers stay at 0.225 s: every 2nd chunk."""
    for watchers, every in ((20, 0.5), (40, 0.5), (10, 0.25)):
        seen, _ = moments(FakePool(Clock(), per_chunk=1, watchers=watchers))
        pictures = [t for t, m in seen if m.picture == "live"]
        assert pictures == [100.0 + every * i for i in range(int(3 / every) + 1)], watchers


def test_the_loop_stops_after_loop_seconds_and_keeps_following():
    pool = FakePool(Clock(), per_chunk=1)
    seen, _ = moments(pool, loop_seconds=1.0)
    assert seen[-1][0] == 101.125  # the first reading past 1 s after the start
    assert not seen[-1][1].done and pool.left == []  # the lease stays: the next tick carries on
    assert pool.follows == len(seen)


def test_the_loop_stops_when_the_visitor_is_gone():
    answers = iter([True, True, False])
    pool = FakePool(Clock(), per_chunk=1)
    seen, _ = moments(pool, connected=lambda: next(answers))
    assert len(seen) == 3 and pool.follows == 3


def test_a_finished_run_is_reported_done_and_the_pool_left():
    """200 samples, 30 per chunk every 0.5 s: the 7th follow sees 180, the 8th 200 (done)."""
    pool = FakePool(Clock(), per_chunk=30, chunk_seconds=0.5)
    seen, pace = moments(pool, loop_seconds=60.0)
    last = seen[-1][1]
    assert last.done and last.bar and last.picture is None and last.run.samples_seen == 200
    assert pool.left == ["me"] and len(seen) == 8
    assert not any(m.done for _, m in seen[:-1])
    assert pace.samples == 200 and pace.wall_seconds == pytest.approx(3.5)  # seven waits of 0.5 s
    assert last.notes == [("success", "Done: 2 epochs, 200 samples in 3.5 s.", None)]


def test_a_one_epoch_run_is_done_in_1_epoch_not_1_epochs():
    one = View(config=TrainConfig(epochs=1, n_samples=200, batch_size=10))
    seen, _ = moments(FakePool(Clock(), per_chunk=100, view=one), loop_seconds=60.0, start=one)
    assert seen[-1][1].notes[0][1].startswith("Done: 1 epoch, 200 samples in ")
    finished = type("Run", (), {"config": one.config, "failed": None, "epoch": 1})()
    assert mlp_words.announcement(finished, "done") == "Done: 1 epoch."


def test_a_paused_run_gets_one_moment_with_the_full_charts_and_is_not_followed():
    pool = FakePool(Clock())
    seen, _ = moments(pool, status="paused")
    assert [m.picture for _, m in seen] == ["full"] and seen[0][1].bar
    assert seen[0][1].notes == [("caption", "Paused. **Resume** continues this run.", None)]
    assert pool.follows == 0


def test_a_run_finished_before_the_session_came_says_it_was_computed_earlier():
    done = View(samples_seen=200, train_seconds=1.25)
    seen, _ = moments(FakePool(Clock(), view=done), start=done)
    assert len(seen) == 1 and seen[0][1].done
    kinds = [(kind, text) for kind, text, _ in seen[0][1].notes]
    assert kinds[0] == ("success", "Done: 2 epochs, 200 samples in 1.2 s.")  # the server's time, 1.25 s
    assert kinds[1][1].startswith("Computed earlier on this server")


def test_the_notes_are_sent_only_when_they_change():
    """A second follower arrives after the 5th chunk: the notes say so once, then are not resent."""
    pool = FakePool(Clock())
    seen = []
    for moment in live.follow_live(pool, "me", View(), "training", Pace(), live.cadence(),
                                   loop_seconds=2.0, clock=pool.clock):
        seen.append(moment)
        if len(seen) == 5:
            pool.followers = 2
    sent = [m.notes for m in seen if m.notes is not None]
    assert sent[0] == [] and len(sent) == 2
    assert sent[1] == [("caption", ":material/group: Shared with others on this link: one run computes it for "
                                   "everyone.", None)]
    assert sum(m.bar for m in seen) > len(sent)  # the bar is redrawn more often than its notes


def test_a_refused_run_waits_with_a_notice_and_a_queued_one_says_its_place():
    pool = FakePool(Clock(), refused="12 runs are training on this server, its most; try again in a minute")
    seen, _ = moments(pool, loop_seconds=0.5)
    assert seen[0][1].notes == [("warning", "Waiting: 12 runs are training on this server, its most; try again in "
                                            "a minute. This page keeps trying.", ":material/hourglass_top:")]
    assert all(m.run.samples_seen == 0 for _, m in seen)  # refused: the view stays the one the page had
    queued, _ = moments(FakePool(Clock(), place=3, turns=5), loop_seconds=0.5)
    assert queued[0][1].notes == [("caption", "In the queue: 3 runs train before this one starts (2 train at a "
                                              "time on this server, taking turns).", None)]


class TurnsPool(FakePool):
    """Five runs take turns on two workers: this one's place cycles 3, 2, 1, 0 with each chunk."""

    def follow(self, config, me):
        self.place = (3 - self.follows) % 4
        return super().follow(config, me)


def test_a_started_run_says_it_takes_turns_once_not_its_cycling_place():
    seen, _ = moments(TurnsPool(Clock(), turns=5), loop_seconds=2.0)  # 16 of the 20 chunks: not done
    sent = [m.notes for _, m in seen if m.notes is not None]
    assert sent[0][0][1].startswith("In the queue: 3 runs train before this one starts")  # not started yet
    assert sent[1:] == [[("caption", "Taking turns: 5 runs train on this server, 2 at a time, a chunk each in "
                                     "turn; the time left counts the waits.", None)]]  # once, then never resent
    assert sum(m.bar for _, m in seen) > 5


def test_a_slow_step_is_said_to_take_its_time():
    """Batches of 10 at 10 samples per 0.5 s: one step takes 0.5 s, over twice the 0.18 s chunk wait."""
    seen, _ = moments(FakePool(Clock(), per_chunk=10, chunk_seconds=0.5), loop_seconds=2.0)
    later = [m.notes for _, m in seen[1:] if m.notes]
    assert later[0] == [("caption", "One step of this run (a batch of 10) takes about 0.5 s; the buttons answer "
                                    "between steps.", None)]


class PinPool:
    """Runs that are done (in the store) or that train to done on their second follow."""

    def __init__(self, done: set):
        self.done, self.follows, self.left = set(done), [], []

    def view(self, config):
        return View(config, config.epochs * config.n_samples) if config in self.done else None

    def follow(self, config, me):
        self.follows.append(config)
        if self.follows.count(config) == 2:
            self.done.add(config)
        return Follow(self.view(config) or View(config, 10))

    def leave(self, me):
        self.left.append(me)


def test_pinned_runs_are_computed_one_at_a_time_and_the_pool_left_when_all_are_done():
    a, b, c = (replace(CONFIG, seed=s) for s in (1, 2, 3))
    pool, kept = PinPool(done={a}), {replace(CONFIG, seed=9): "unpinned"}
    views, pending = live.follow_pinned(pool, "me:pinned", [a, b, c], kept, lambda view: view)
    assert pending and pool.follows == [b] and pool.left == []  # c waits its turn
    assert [v and v.samples_seen for v in views] == [200, 10, None] and set(kept) == {a, b}
    views, pending = live.follow_pinned(pool, "me:pinned", [a, b, c], kept, lambda view: view)
    assert pending and pool.follows == [b, b, c]  # b is done now: c is followed
    views, pending = live.follow_pinned(pool, "me:pinned", [a, b, c], kept, lambda view: view)
    assert not pending and all(v.done for v in views) and pool.left == ["me:pinned"]


def test_the_cadence_of_the_live_view():
    """A frame of the live component at most every 0.18 s; at ten watchers 0.225 s (4.4 a second), never
    more than 0.5 s apart however many watch."""
    c = live.cadence()
    assert isinstance(c, Cadence)
    assert c.spacing(c.progress_seconds, 1) == c.spacing(c.picture_seconds, 1) == 0.18
    assert c.spacing(c.picture_seconds, 10) == pytest.approx(0.225) and c.spacing(c.picture_seconds, 100) == 0.5


def test_a_live_frame_holds_the_progress_notes_announcement_and_a_picture_of_the_run():
    """runs.live.live_frame on a real run after one chunk: its numbers are the run's, the progress words say
    them, the picture's prediction is the net's own at the picture's x (numpy here), x = 103 is in the note."""
    import json

    import numpy as np

    from core.train import Trainer

    config = TrainConfig(epochs=3, n_samples=300, batch_size=10, seed=5)
    trainer = Trainer(config)
    trainer.train(450)  # one epoch and a half
    pace = Pace()
    pace.record(450, 0.5, 1.0)  # 900 samples/s
    from runs.store import RunView
    view = RunView(config, samples_seen=trainer.samples_seen, epoch=trainer.epoch,
                   history_rows=np.asarray(trainer.history.to_numpy(dtype=float)),
                   flat=trainer.net.flatten(trainer.params))
    picture = live.live_picture(view)
    notes = [("caption", "Paused. **Resume** continues this run.", None)]
    frame = live.live_frame(view, picture, pace, "training", notes)
    json.dumps(frame, allow_nan=False)  # what the browser gets: plain, finite JSON
    assert frame["samples"] == 450 and frame["total"] == 900
    assert frame["text"].startswith("Epoch 2 / 3 · 450 / 900 samples · 900 samples/s")
    assert frame["notes"] == [{"kind": "caption", "text": "Paused. **Resume** continues this run."}]
    assert frame["announce"] == "Training, epoch 2 of 3."
    prediction = next(c for p in picture["panels"] for c in p.get("curves", []) if c["name"] == "prediction")
    x = np.array(prediction["x"])
    W0, b0, W1, b1 = trainer.params  # ReLU, one hidden layer: the forward pass by hand
    by_hand = np.maximum(x[:, None] @ W0 + b0, 0) @ W1 + b1
    y_panel = next(p for p in picture["panels"] if any(c["name"] == "prediction" for c in p.get("curves", [])))["y"]
    np.testing.assert_allclose(prediction["y"], np.clip(by_hand.ravel(), y_panel["lo"], y_panel["hi"]), rtol=1e-5)
    assert "x = 103" in picture["notes"][0]
    same = live.live_frame(view, picture, pace, "training", notes)
    other = live.live_frame(RunView.start(TrainConfig(epochs=3, n_samples=300, batch_size=10, seed=6)), picture,
                            pace, "training", notes)
    assert same["run"] == frame["run"] != other["run"]  # one id per run: the browser keeps its SVG within a run


# -- the live view's stream (live_route): answers, bounds, and data equal to the store's ------------------------
def asgi_get(app, path: str, *, client: str = "10.0.0.1", events: int | None = None, timeout: float = 60.0):
    """GET ``path`` from the ASGI ``app`` as ``client``: (status, headers, body). With ``events``, the client
    disconnects after that many Server-Sent Events (or at the ``done`` event)."""
    import asyncio
    import concurrent.futures
    from urllib.parse import unquote

    async def go():
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": unquote(path), "raw_path": path.encode(), "query_string": b"", "headers": [],
                 "client": (client, 1234), "server": ("test", 80), "root_path": ""}
        gone = asyncio.Event()
        answer = {"status": None, "headers": {}, "body": b""}

        async def receive():
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                answer["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
            elif message["type"] == "http.response.body":
                answer["body"] += message.get("body", b"")
                seen = answer["body"].count(b"\n\n")
                if events is not None and (seen >= events or b"event: done" in answer["body"]):
                    gone.set()

        await asyncio.wait_for(app(scope, receive, send), timeout)
        return answer["status"], answer["headers"], answer["body"].decode()

    # In a thread of its own: a browser test before this one leaves Playwright's sync API holding this thread's
    # event loop, and asyncio.run refuses to start a loop where one runs.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result()


def sse_frames(body: str) -> list[tuple[str | None, str, dict]]:
    """(event name, id, frame) of each data event of a Server-Sent Events body."""
    import json
    out = []
    for block in body.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if line and not line.startswith(":"))
        if "data" in fields:
            out.append((fields.get("event"), fields["id"], json.loads(fields["data"])))
    return out


@pytest.fixture(scope="module")
def stream_pool():
    from runs.pool import RunPool
    pool = RunPool(workers=1, chunk_seconds=0.05)
    yield pool
    pool.shutdown()


def stream_app(pool):
    from starlette.applications import Starlette

    from app import live_route
    return Starlette(routes=[live_route.route(lambda: pool)])


@pytest.mark.parametrize("run, status, words", [
    ("lr:abc", 400, "Not the settings of one run"),
    ("default~lr:2e-05", 400, "expected one run"),      # two runs
    ("x" * 700, 400, "too long"),
    ("epochs:999999", 400, "Not the settings of one run"),  # beyond the page's limits
    ("seed:424242", 404, "No such run"),                  # well formed, never started: the route starts nothing
])
def test_the_stream_refuses_what_is_not_a_run_it_has_in_one_plain_sentence(stream_pool, run, status, words):
    from urllib.parse import quote

    from app import live_route
    code, headers, body = asgi_get(stream_app(stream_pool), live_route.PATH.format(run=quote(run, safe="")))
    assert code == status and words in body and "Traceback" not in body and len(body) < 400, body
    assert headers["content-type"].startswith("text/plain")
    assert stream_pool.view(TrainConfig(seed=424242)) is None


def test_the_run_id_is_the_runs_settings_and_reads_back_exactly():
    from app import live_route
    for config in (TrainConfig(), TrainConfig(lr=2.5e-5, batch_size=64, hidden=(64, 32), seed=7, epochs=3),
                   TrainConfig(optimizer="adam", lr=0.001, target="sin", noise=0.123456789)):
        assert live_route.parse_run(live_route.run_id(config)) == (config, None)


def test_a_stream_follows_its_run_to_done_with_the_stores_data_and_leaves(stream_pool):
    """The page's Train created the run and left it (nobody follows: it stands still); the stream follows it
    to done: its samples only grow, each frame's id is its samples, the last is named done and equals the
    store's finished run (the same picture live_picture draws of it, every sample), then the stream has left."""
    from urllib.parse import quote

    from app import live_route
    config = TrainConfig(epochs=3, n_samples=3000, batch_size=10, seed=4321)
    stream_pool.follow(config, "page")
    stream_pool.leave("page")
    path = live_route.PATH.format(run=quote(live_route.run_id(config)))
    code, headers, body = asgi_get(stream_app(stream_pool), path, events=10_000)
    assert code == 200 and headers["content-type"].startswith("text/event-stream")
    frames = sse_frames(body)
    samples = [f["samples"] for _, _, f in frames]
    assert samples == sorted(samples) and len(set(samples)) == len(samples) >= 2
    assert all(i == str(f["samples"]) for _, i, f in frames)
    name, _, last = frames[-1]
    final = stream_pool.view(config)
    assert name == "done" and final.done and last["samples"] == final.samples_seen == 9000
    assert last["picture"] == live.live_picture(final) and last["announce"] == "Done: 3 epochs."
    assert stream_pool.followers(config) == 0


def test_a_stream_closed_early_stops_following_and_streams_per_client_are_bounded(stream_pool, monkeypatch):
    from urllib.parse import quote

    from app import live_route
    config = TrainConfig(epochs=200, n_samples=20000, seed=4322)
    stream_pool.follow(config, "page")
    stream_pool.leave("page")
    path = live_route.PATH.format(run=quote(live_route.run_id(config)))
    app = stream_app(stream_pool)
    code, _, body = asgi_get(app, path, events=2)  # the visitor leaves after two frames
    assert code == 200 and len(sse_frames(body)) == 2
    assert stream_pool.followers(config) == 0 and live_route._open == {}  # left at once, nothing kept
    before = sse_frames(body)[-1][2]["samples"]
    code, _, body = asgi_get(app, path, events=1)  # a reconnecting page resumes where the run is, not at 0
    assert code == 200 and sse_frames(body)[0][2]["samples"] >= before
    monkeypatch.setitem(live_route._open, "10.0.0.9", live_route.MAX_STREAMS_PER_CLIENT)
    code, _, body = asgi_get(app, path, client="10.0.0.9")
    assert code == 429 and f"At most {live_route.MAX_STREAMS_PER_CLIENT} open streams" in body
    monkeypatch.setattr(live_route, "MAX_STREAMS", live_route.MAX_STREAMS_PER_CLIENT)
    code, _, body = asgi_get(app, path, client="10.0.0.8")
    assert code == 503
