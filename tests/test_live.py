"""runs.live: the MLP page's live loop without Streamlit, against a fake pool and a fake clock.

The fake pool trains ``per_chunk`` samples each time the follower waits, and each wait moves the fake
clock on by ``chunk_seconds`` (0.125 s unless a test says otherwise: exact in binary, so the times below,
counted by hand from those two numbers, add up exactly)."""
from dataclasses import dataclass, field, replace

import pytest

from core import mlp_lab
from core.train import TrainConfig
from runs import live
from runs.cadence import Cadence
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
    pace = mlp_lab.Pace()
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
    """A chunk every 0.125 s for 3 s: the bar at most every 0.18 s, the picture at most every 0.4 s."""
    seen, _ = moments(FakePool(Clock(), per_chunk=1))
    assert len(seen) == 26  # the first moment at 100.0, then one per chunk until over 3 s have passed
    pictures = [t for t, m in seen if m.picture == "live"]
    bars = [t for t, m in seen if m.bar]
    assert all(b - a >= 0.4 - 1e-9 for a, b in zip(pictures, pictures[1:]))
    assert all(b - a >= 0.18 - 1e-9 for a, b in zip(bars, bars[1:]))
    assert len(pictures) == 7 and len(bars) == 13  # every 4th (0.5 s) and every 2nd chunk (0.25 s), from 0 to 3 s


def test_a_crowd_on_the_server_spaces_the_pictures_out():
    """Ten watchers with a crowd of 1: the bar's 0.18 s becomes 1.8 s (the 15th chunk, 1.875 s), the
    picture's 0.4 s would become 4 s but stops at the 2 s cap (the 16th chunk)."""
    seen, _ = moments(FakePool(Clock(), per_chunk=1, watchers=10))
    pictures = [t for t, m in seen if m.picture == "live"]
    bars = [t for t, m in seen if m.bar]
    assert pictures == [100.0, 102.0]
    assert bars == [100.0, 101.875]


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
    assert mlp_lab.announcement(finished, "done") == "Done: 1 epoch."


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
    for moment in live.follow_live(pool, "me", View(), "training", mlp_lab.Pace(), live.cadence(),
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


def test_the_cadence_of_the_live_view_is_the_readmes():
    """README: the bar at most every 0.2 s (0.18), the picture every 0.4 s; at ten watchers 1.8 s and 2 s."""
    c = live.cadence()
    assert isinstance(c, Cadence)
    assert c.spacing(c.progress_seconds, 10) == pytest.approx(1.8) and c.spacing(c.picture_seconds, 10) == 2.0
