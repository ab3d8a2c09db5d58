"""What each lab sends to a board: its settings and its results, computed here from ``core`` (the page only
passes the settings it read, or its finished run). An ``Entry`` is plain JSON-able data.

- Gradient descent: p's coefficients, the starts, lr, the step limit and tol; per start, the outcome (in the
  basin map's labels and codes, ``core.descent.outcome_code``), the updates made and the last iterate.
- Adagrad: the 1-D race on (x² − 5x + 4)² (its racers, start, learning rates and step limit); per racer its
  lr, status, the root reached and its steps; the winner (fewest steps among those that converged, a
  one-step landing aside: ``labs.adagrad.races.ranking``'s rule).
- MLP: the settings that differ from the defaults; final loss, f(±1), f(±2), f(103) and the training time
  (``labs.mlp.compare.summarize``), of a finished run only.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field

import i18n
from core.descent import CONVERGED, outcome, outcome_code, outcome_labels
from core.objective import Quadratic
from core.train import TrainConfig
from labs.adagrad import races
from labs.descent import runs as descent_runs
from labs.mlp import compare as mlp_compare
from labs.mlp.settings import CONFIG_FIELDS


class NotReady(Exception):
    """The lab has no run to send yet (an MLP run still training); the message says what to do."""


@dataclass(frozen=True)
class Entry:
    lab: str
    settings: dict
    results: dict = field(compare=False)

    @property
    def key(self) -> str:
        """The setting's fingerprint: a visitor sends each setting once per board."""
        text = json.dumps(self.settings, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(f"{self.lab}:{text}".encode()).hexdigest()[:32]


def _num(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def descent(coefs, x0s, lr: float, steps: int, tol: float) -> Entry:
    """The gradient-descent lab's runs from every start at ``lr`` (``labs.descent.runs.run``)."""
    problem = Quadratic(*map(float, coefs))
    labels = outcome_labels(problem)
    starts = []
    for traj in descent_runs.run(problem, [float(x) for x in x0s], float(lr), int(steps), float(tol)):
        result = outcome(problem, traj, int(steps))
        code = outcome_code(problem, result)
        starts.append({"x0": float(traj.xs[0]), "outcome": labels[code], "code": code, "steps": int(result.steps),
                       "x": _num(result.x)})
    settings = {"a": float(problem.a), "b": float(problem.b), "c": float(problem.c),
                "x0": [float(x) for x in x0s], "lr": float(lr), "steps": int(steps), "tol": float(tol)}
    return Entry("descent", settings, {"starts": starts})


ROOT_PROBLEM = Quadratic()  # the Adagrad lab's 1-D race: (x² − 5x + 4)²


def adagrad(x0: float, lrs: dict, steps: int, chosen) -> Entry:
    """The Adagrad lab's 1-D race (``labs.adagrad.races.race``) and its winner."""
    chosen = tuple(name for name in races.RACERS if name in chosen)
    lrs = {name: float(lrs[name]) for name in chosen}
    runs = races.race(ROOT_PROBLEM, float(x0), 1.0, int(steps), chosen=chosen, lrs=lrs)
    racers = []
    for name, traj in runs.items():
        result = outcome(ROOT_PROBLEM, traj, int(steps))
        racers.append({"name": name, "lr": lrs[name], "status": traj.status, "outcome": result.kind,
                       "root": _num(result.root) if result.root is not None else None, "steps": int(traj.steps),
                       "one_step": races.landed_in_one_step(traj)})
    done = sorted((r["steps"], races.RACERS.index(r["name"]), r) for r in racers
                  if r["status"] == CONVERGED and not r["one_step"])
    winner = done[0][2] if done else None
    results = {"racers": racers, "winner": winner["name"] if winner else None,
               "winner_lr": winner["lr"] if winner else None, "winner_steps": winner["steps"] if winner else None,
               "winner_root": winner["root"] if winner else None}
    settings = {"x0": float(x0), "steps": int(steps), "race": list(chosen), "lrs": lrs}
    return Entry("adagrad", settings, results)


def mlp_settings(config: TrainConfig) -> dict:
    """The settings of ``config`` that differ from the defaults, by URL key (hidden layers as a list)."""
    base = TrainConfig()
    out = {}
    for key, name in CONFIG_FIELDS.items():
        value = getattr(config, name)
        if value != getattr(base, name):
            out[key] = list(value) if isinstance(value, tuple) else value
    return out


def _in_english(words, *args):
    """``words(*args)`` in English: what a board stores is read by every visitor, in their own language, so its
    words are the English codes, translated where they are shown."""
    previous = i18n.language()
    i18n.use(i18n.DEFAULT)
    try:
        return words(*args)
    finally:
        i18n.use(previous)


def mlp(run) -> Entry:
    """A finished MLP run (a ``runs.store.RunView``): NotReady while there is none or it still trains."""
    if run is None or not run.done:
        from board import words

        raise NotReady(i18n._(words.MLP_NOT_READY))
    summary = mlp_compare.summarize(run)
    results = {"final_loss": _num(summary.final_loss), "state": _in_english(mlp_compare.run_state, summary),
               "seconds": _num(summary.train_seconds) if summary.train_seconds is not None else None,
               "changed": mlp_compare.format_compare([run.config])}
    for x, y in zip(mlp_compare.COMPARE_X, summary.at_x):
        results[f"f({x:g})"] = _num(y)
    return Entry("mlp", mlp_settings(run.config), results)
