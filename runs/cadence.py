"""How often a follower redraws a run it watches. No streamlit: ``runs.live`` uses it for the MLP page.

Every redraw costs the server a serialisation per session and the visitor's browser a render. A
follower redraws the progress when it changed (a new chunk, a new place in the queue) and at most
every ``progress_seconds``, and the picture of the run (loss and fit) at most every
``picture_seconds``; when more than ``crowd`` followers watch runs on the server, both spacings grow
in proportion (at most ``max_seconds``), so a classroom on one link costs about what a few visitors do.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Cadence:
    progress_seconds: float = 0.2
    picture_seconds: float = 0.4
    crowd: float = 2.5
    max_seconds: float = 2.0
    _progress_at: float = -math.inf
    _picture_at: float = -math.inf
    _progress_shown: object = None
    _picture_shown: object = None

    def spacing(self, base: float, watching: int) -> float:
        """``base`` seconds, stretched when more than ``crowd`` followers watch (at most ``max_seconds``)."""
        return min(self.max_seconds, base * max(1.0, watching / self.crowd))

    def progress_due(self, now: float, shown: object, watching: int, *, force: bool = False) -> bool:
        """Whether to redraw the progress, which would show ``shown`` (any comparable summary of it);
        ``force``: yes, and count it (the first drawing of a script run)."""
        if not force and (shown == self._progress_shown
                          or now - self._progress_at < self.spacing(self.progress_seconds, watching)):
            return False
        self._progress_at, self._progress_shown = now, shown
        return True

    def picture_due(self, now: float, shown: object, watching: int, *, force: bool = False) -> bool:
        """Whether to redraw the picture of the run, which would show ``shown`` (e.g. its samples seen).
        Never the same ``shown`` twice in a row unless forced."""
        if not force and (shown == self._picture_shown
                          or now - self._picture_at < self.spacing(self.picture_seconds, watching)):
            return False
        self._picture_at, self._picture_shown = now, shown
        return True
