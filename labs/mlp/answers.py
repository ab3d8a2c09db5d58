"""Answers an MLP lesson can ask about, computed from ``core.train``, ``labs.mlp.curves`` and ``labs.mlp.far`` at
a step's settings.

Each answer trains the run the settings make (``Trainer(config).train`` to the end; cached, a few runs at
once) or, with ``trained=false``, looks at its initial parameters. Lessons keep their runs small (a few
thousand samples), so an answer costs well under a second. Each why is an English template marked ``N_``:
``Answer.text`` translates it before filling it in.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from core.dataset import target_values
from core.train import TrainConfig, Trainer, initial_flat
from i18n import N_
from labs.answer import Answer, registry
from labs.mlp import curves as mlp_curves
from labs.mlp import far as mlp_far
from labs.mlp.settings import SETTINGS, config, filled
from labs.table import by_key, coerce

ANSWERS, answer = registry(filled)
SHAPES = ("a straight line", "levelling off", "curving up like x²")
CHANGES = ("higher", "lower", "the same")
CHALLENGE_BUDGET = 400_000  # samples (epochs × n) a challenge trains to check the learner's settings


@lru_cache(maxsize=8)
def trained(config_: TrainConfig):
    """(net, params) after the whole run (or up to its failure)."""
    trainer = Trainer(config_)
    trainer.train(trainer.total_samples)
    return trainer.net, trainer.params


def net_params(s: dict, trained_: bool = True):
    """(config, net, params) of the run the settings make, trained or at its start."""
    config_, error = config(s)
    if error:
        raise ValueError(error)
    net, params = trained(config_)
    if not trained_:
        params = net.unflatten(initial_flat(config_))
    return config_, net, params


@answer("number")
def prediction_at(s: dict, x: float = mlp_far.FAR_X, trained: bool = True) -> Answer:
    """The net's output f(x), after training (or before, with ``trained = false``)."""
    c, net, params = net_params(s, trained)
    far = mlp_far.far_probe(net, params, c.x_min, c.x_max, x, c.target)
    fields = {"x": x, "pred": far.prediction, "truth": far.truth_words, "line": far.sentence()}
    if not trained:
        return Answer(far.prediction, N_("Before training, the net gives f({x:g}) = {pred:,.6g}, while {truth}: "
                                         "its weights are random, so it knows nothing of the target yet."), fields)
    return Answer(far.prediction, N_("After training, the net gives f({x:g}) = {pred:,.6g}. {line}"), fields)


@answer("number")
def last_kink(s: dict, x: float = mlp_far.FAR_X) -> Answer:
    """Where the trained ReLU net's last kink below ``x`` is: the largest −b/w of its hidden units (none for
    sigmoid or tanh, or a net with more than one hidden layer)."""
    c, net, params = net_params(s)
    if net.activation != "relu" or len(c.hidden) != 1:
        return Answer(None, N_("Only a one-hidden-layer ReLU net bends at kinks x = −b/w; this one is {act}, "
                               "{layers} hidden layer(s)."), {"act": net.activation, "layers": len(c.hidden)})
    kx = mlp_curves.kinks(net, params)["x"].to_numpy()
    below = kx[kx < x]
    if not below.size:
        return Answer(None, N_("No unit of this net switches below x = {x:g}."), {"x": x})
    last = float(below.max())
    fields = {"x": x, "last": last, "lo": c.x_min, "hi": c.x_max}
    if c.x_min <= last <= c.x_max:
        return Answer(last, N_("Unit by unit, the kink is where w·x + b = 0, x = −b/w; the largest below {x:g} is "
                               "at x = {last:.4g}, inside the training data [{lo:g}, {hi:g}]: past it no unit "
                               "switches."), fields)
    return Answer(last, N_("Unit by unit, the kink is where w·x + b = 0, x = −b/w; the largest below {x:g} is at "
                           "x = {last:.4g}, outside the training data [{lo:g}, {hi:g}]: past it no unit switches."),
                  fields)


@answer("number")
def slope_beyond(s: dict, x: float = mlp_far.FAR_X) -> Answer:
    """The trained net's slope between its last kink and ``x`` (one hidden ReLU layer: the sum of v·w over the
    units that are on there)."""
    c, net, params = net_params(s)
    far = mlp_far.far_probe(net, params, c.x_min, c.x_max, x, c.target)
    return Answer(far.slope, "{line}", {"line": far.sentence()})


@answer("number")
def dead_units(s: dict) -> Answer:
    """How many units of the first hidden layer output 0 for every x of the data, after training."""
    c, net, params = net_params(s)
    dead = mlp_curves.dead_units(net, params, c.x_min, c.x_max)[0]
    return Answer(dead, N_("{dead} of the {units} units of the first hidden layer output 0 for every x in "
                           "[{lo:g}, {hi:g}]: no gradient reaches them, so they never learn again."),
                  {"dead": dead, "units": c.hidden[0], "lo": c.x_min, "hi": c.x_max})


@answer("choice", options=SHAPES)
def far_shape(s: dict, x: float = mlp_far.FAR_X) -> Answer:
    """What the trained net does far outside its data: goes on as a straight line (ReLU), goes flat (sigmoid,
    tanh), or curves up like x² (it cannot)."""
    c, net, params = net_params(s)
    far = mlp_far.far_probe(net, params, c.x_min, c.x_max, x, c.target)
    if far.exact:  # one hidden ReLU layer: a straight line past the last kink, exactly
        value = SHAPES[0]
    else:  # the net's own slope at x against its slope at the edge of the data
        ratio = far.far_slope / far.slope if far.slope else math.inf
        value = SHAPES[2] if ratio > 1.1 else SHAPES[0] if ratio >= 0.9 else SHAPES[1]
    return Answer(value, "{line}", {"line": far.sentence()})


@answer("choice", options=CHANGES)
def far_change(s: dict, setting: str = "epochs", to: object = 40, x: float = mlp_far.FAR_X) -> Answer:
    """Whether f(x) of the trained net is higher or lower when ``setting`` is changed to ``to``."""
    known = by_key(SETTINGS)
    if setting not in known:
        raise ValueError(f"Invalid setting {setting!r} (one of {', '.join(known)})")
    value, error = coerce(known[setting], to)
    if error:
        raise ValueError(error)
    before = prediction_at(s, x)
    after = prediction_at(filled(s | {setting: value}), x)
    a, b = before.value, after.value
    change = CHANGES[2] if math.isclose(a, b, rel_tol=1e-9) else CHANGES[0] if b > a else CHANGES[1]
    return Answer(change, N_("With {setting} = {to} instead of {was}, f({x:g}) goes from {a:,.6g} to {b:,.6g}, "
                             "while the truth is {truth:,.6g}."),
                  {"setting": setting, "to": to, "was": s[setting], "x": x, "a": a, "b": b,
                   "truth": float(target_values(s["target"], x))})


@answer("challenge")
def far_within(s: dict, share: float = 0.5, x: float = mlp_far.FAR_X) -> Answer:
    """The trained net's f(x) is within ``share`` (a fraction) of the truth there. Trains the learner's
    settings, so it refuses runs of more than CHALLENGE_BUDGET samples."""
    c, error = config(s)
    if error:
        return Answer(False, N_("These settings cannot run: {error}"), {"error": error})
    if c.epochs * c.n_samples > CHALLENGE_BUDGET:
        return Answer(False, N_("Checking this needs a training run of {n:,} samples; keep epochs × samples at most "
                                "{budget:,} for a check."), {"n": c.epochs * c.n_samples, "budget": CHALLENGE_BUDGET})
    pred = prediction_at(s, x)
    truth = float(target_values(c.target, x))
    ok = bool(np.isfinite(pred.value) and abs(pred.value - truth) <= share * abs(truth))
    return Answer(ok, N_("f({x:g}) = {pred:,.6g} against {truth:,.6g}: off by {off:.0%} (the goal: within "
                         "{share:.0%})."),
                  {"x": x, "pred": pred.value, "truth": truth, "share": share,
                   "off": abs(pred.value - truth) / abs(truth) if truth else math.inf})
