"""How many samples to train next so that a chunk takes about a given time: ``Pace`` measures samples per
second from the chunks so far. The worker pool paces each run's chunks with one; a page keeps one per run it
follows, for the speed and the time its progress bar shows."""
from __future__ import annotations

from dataclasses import dataclass

FIRST_CHUNK = 1000          # samples: small, so the first redraw comes quickly on any machine
MAX_CHUNK = 2_000_000


@dataclass
class Pace:
    """Turns a time budget into a number of samples: measure samples/s from the chunks so far, then
    ask for as many samples as fit in ``target_seconds``. Data only, so it lives in a session.

    ``rate`` is an exponential moving average of each chunk's own samples/s (the latest chunk weighs
    ``smoothing``). ``samples`` counts what was trained; ``seconds`` the time spent inside training
    calls; ``wall_seconds`` the wall-clock time while training ran, redraws included (the time from one
    ``record`` to the next; after ``pause`` the next chunk counts only its own time).
    """

    target_seconds: float = 0.2
    smoothing: float = 0.5
    rate: float | None = None
    samples: int = 0
    seconds: float = 0.0
    wall_seconds: float = 0.0
    last_mark: float | None = None

    def next_chunk(self, batch_size: int, remaining: int | None = None) -> int:
        """How many samples to train next: whole batches, at least one batch, at most what remains
        (rounded up to a whole batch)."""
        want = FIRST_CHUNK if self.rate is None else self.rate * self.target_seconds
        batches = max(1, int(want // batch_size))
        if remaining is not None:
            batches = min(batches, max(1, -(-remaining // batch_size)))
        return min(batches * batch_size, max(MAX_CHUNK, batch_size))

    def record(self, samples: int, seconds: float, now: float) -> None:
        """A chunk of ``samples`` took ``seconds`` and ended at ``now`` (a perf_counter reading)."""
        self.samples += samples
        self.seconds += seconds
        self.wall_seconds += seconds if self.last_mark is None else max(seconds, now - self.last_mark)
        self.last_mark = now
        if samples > 0 and seconds > 0:
            rate = samples / seconds
            self.rate = rate if self.rate is None else self.smoothing * rate + (1 - self.smoothing) * self.rate

    def pause(self) -> None:
        """Training stops for a while: the gap until the next chunk is not training time."""
        self.last_mark = None

    @property
    def samples_per_second(self) -> float | None:
        """What the visitor gets: samples trained per wall-clock second of training, redraws included."""
        return throughput(self.samples, self.wall_seconds)


def throughput(samples: int, seconds: float) -> float | None:
    """Samples per second, or None before anything was measured."""
    return samples / seconds if seconds > 0 and samples > 0 else None
