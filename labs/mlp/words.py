"""What the MLP page says: the target in words, the caps on a run, numbers as the page prints them, the
predictions after each epoch, and a run's progress (its time left, why it stopped, what a screen reader hears).
"""
from __future__ import annotations

import math

import pandas as pd

from core.dataset import target_values
from core.train import LIMITS
from i18n import N_, _, ngettext, pgettext

# -- the target the net learns ----------------------------------------------------------------------
TARGET_LABELS = {"x2": "x²", "abs": "|x|", "cube": "x³", "sin": "sin x"}
TARGET_LESSONS = {
    "x2": N_("then ask it about **x = 103**, far outside the data."),
    "abs": N_("|x| is itself two hinges, relu(x) + relu(−x), so a ReLU net can draw it exactly, and past the data "
              "it may even go on straight as |x| does: compare its answer at **x = 103** with 103."),
    "cube": N_("x³ falls below zero on the left and climbs faster than any straight line on the right, so at "
               "**x = 103** a net that goes on straight (ReLU) or flat (sigmoid, tanh) falls short by about a "
               "million."),
    "sin": N_("sin x waves for ever, but the net sees about one wave in [−3, 3]: outside, a ReLU net goes on as a "
              "straight line and a sigmoid or tanh net as a constant, never as a wave (see **x = 103**)."),
}


def target_label(target: str) -> str:
    """The target as the page writes it: 'x²', '|x|', 'x³', 'sin x'."""
    return TARGET_LABELS[target]


def option_words(key: str, option: str) -> str:
    """A choice's option as the page shows it (a ``format_func``): the option itself in English; in Russian
    the targets by their formulas and momentum by the course's name for it. The others are names (relu, adam)."""
    if key == "target":
        return {"x2": pgettext("target", "x2"), "abs": pgettext("target", "abs"),
                "cube": pgettext("target", "cube"), "sin": pgettext("target", "sin")}.get(option, option)
    if key == "opt" and option == "momentum":
        return pgettext("optimiser", "momentum")
    return option


def target_truth_words(target: str, x: float, truth: float) -> str:
    """What the target itself does at x, e.g. 'x² keeps curving up to 10,609'."""
    if target == "x2":
        return _("x² keeps curving up to {truth}", truth=f"{truth:,.0f}")
    if target == "cube":
        return _("x³ keeps climbing ever faster, to {truth}", truth=f"{truth:,.0f}")
    if target == "abs":
        return _("|x| goes on as the straight line y = x (slope 1) to {truth}", truth=f"{truth:,.0f}")
    return _("sin x keeps waving between −1 and 1 (sin {x} = {truth})", x=f"{x:g}", truth=format_truth(truth))


def target_sentence(target: str) -> str:
    """The sentence under the page title: what the net learns and what to look for (for x², the original's)."""
    if target == "x2":
        return _("A numpy network learns **y = x²** from points in [−3, 3] (the defaults are the original exercise: "
                 "1 → 100 → 1, ReLU, 20,000 points, SGD + momentum); watch its loss and fit live, then ask it about "
                 "**x = 103**.")
    return _("A numpy network learns **y = {target}** from points in [−3, 3] (the defaults are the original "
             "exercise: y = x², 1 → 100 → 1, ReLU, 20,000 points, SGD + momentum); watch its loss and fit live; "
             "{lesson}", target=target_label(target), lesson=_(TARGET_LESSONS[target]))


def limit_caption(name: str) -> str:
    """The cap shown next to a control, e.g. 'at most 200 epochs'."""
    if name == "hidden":
        return _("at most {layers} layers of ≤ {units} units", layers=LIMITS["layers"], units=LIMITS["units"])
    if name == "n_samples":
        return _("at most {n} samples", n=f"{LIMITS['n_samples']:,}")
    if name == "epochs":
        return _("at most {epochs} epochs; epochs × samples ≤ {total}", epochs=LIMITS["epochs"],
                 total=f"{LIMITS['total_samples']:,}")
    if name == "batch_size":
        return _("at most {n} samples per step", n=f"{LIMITS['batch_size']:,}")
    raise KeyError(name)


def probe_table(probes: pd.DataFrame, target: str = "x2") -> pd.DataFrame:
    """The predictions after each epoch (the original's printout), with the truth (x² by default) first."""
    columns = [c for c in probes.columns if c != "epoch"]
    after = _("after")  # the first column's header
    truth = pd.DataFrame([[_("{target} (truth)", target=target_label(target)),
                           *(float(target_values(target, float(c))) for c in columns)]], columns=[after, *columns])
    rows = probes.rename(columns={"epoch": after}).copy()
    rows[after] = [_("epoch {epoch}", epoch=int(e)) for e in rows[after]]
    table = pd.concat([truth, rows], ignore_index=True)
    return table.rename(columns={c: f"x = {c}" for c in columns})


def format_truth(value: float) -> str:
    """The target's true value as the page shows it: 10,609 or 1,092,727 (whole), 0.622 (small)."""
    if not math.isfinite(value):
        return _("not finite")
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def fit_caption(config, n_kinks: int, dead: list[int] | None) -> str:
    """What the fit chart shows, under it: for a ReLU net its kinks (``n_kinks`` units have one) and each hidden
    layer's dead units (``dead``; None for other activations, which have no kinks)."""
    c = config
    if dead is None:
        return _("Shaded: the training range. {Activation} units have no kinks: the prediction is smooth.",
                 Activation=c.activation.capitalize())
    return _("Shaded: the training range. Orange triangles: the first hidden layer's ReLU kinks x = −b/w, where a "
             "unit switches on or off ({kinks}). Dead units (output 0 on all of [{lo}, {hi}], so they no longer "
             "learn): {layers}.", kinks=ngettext("{n} unit", "{n} units", n_kinks), lo=f"{c.x_min:g}",
             hi=f"{c.x_max:g}", layers=", ".join(_("layer {layer}: {dead} of {units}", layer=i + 1, dead=d, units=n)
                                                 for i, (d, n) in enumerate(zip(dead, c.hidden))))


# What the page says before Train, and over the replay of a finished run.
UNTRAINED_NOTE = N_("Press **Train** to start. Below: this net before training, with the initial weights its seed "
                    "gives it. The charts and probes update as it learns. If this server has trained these settings "
                    "before, Train shows that run at once: the same settings give the same numbers.")
REPLAY_NOTE = N_("The fit and the probes at each recorded snapshot (the start, every epoch end and points between), "
                 "played in your browser: Play, Step or drag the scrubber.")


# -- a run in progress ---------------------------------------------------------------------------------
def time_left(remaining_samples: int, rate: float | None) -> float | None:
    """Seconds until the run ends at ``rate`` samples/s, or None when the rate is unknown."""
    if rate is None or rate <= 0:
        return None
    return max(0, remaining_samples) / rate


def step_seconds(batch_size: int, rate: float | None) -> float | None:
    """Seconds one optimiser step of ``batch_size`` samples takes at ``rate`` samples/s (None: unknown)."""
    return time_left(batch_size, rate)


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 60:
        return _("{seconds} s", seconds=f"{seconds:.1f}")
    minutes, secs = divmod(int(round(seconds)), 60)
    return _("{minutes} min {seconds} s", minutes=minutes, seconds=f"{secs:02d}")


def progress_text(epoch: int, epochs: int, samples_seen: int, total_samples: int, rate: float | None,
                  stopped: bool = False) -> str:
    """'Epoch 3 / 20 · 61,000 / 400,000 samples · 98,000 samples/s · 3.5 s left' (or '· stopped')."""
    speed = "–" if rate is None else f"{rate:,.0f}"
    left = _("stopped") if stopped else _("{time} left", time=format_seconds(time_left(total_samples - samples_seen,
                                                                                       rate)))
    return _("Epoch {epoch} / {epochs} · {seen} / {total} samples · {speed} samples/s · {left}",
             epoch=min(epoch + 1, epochs), epochs=epochs, seen=f"{samples_seen:,}", total=f"{total_samples:,}",
             speed=speed, left=left)


def failed_words(run) -> str:
    """Why a run (a ``Trainer`` or a ``RunView``) whose ``failed`` is set stopped early, as the page says it."""
    return _("Training stopped at sample {sample}: the loss became {loss} (a learning rate of {lr} is too large "
             "for this run). The parameters shown are the last ones with a finite loss.",
             sample=f"{run.samples_seen:,}", loss=run.failed.loss, lr=f"{run.config.lr:g}")


def announcement(run, status: str) -> str:
    """What the page's polite live region says about a run (a ``Trainer`` or a ``RunView``): it changes at
    most once per epoch, so a screen reader is not flooded."""
    c = run.config
    if run.failed is not None:
        return _("Stopped: {why}", why=failed_words(run))
    epoch = min(run.epoch + 1, c.epochs)
    if status == "training":
        return _("Training, epoch {epoch} of {epochs}.", epoch=epoch, epochs=c.epochs)
    if status == "paused":
        return _("Paused at epoch {epoch} of {epochs}.", epoch=epoch, epochs=c.epochs)
    if status == "done":
        return ngettext("Done: {n} epoch.", "Done: {n} epochs.", c.epochs)
    return ""


def format_value(value: float) -> str:
    """A prediction as the page shows it: 477.7, 12,345.6, 6.753e+32 when it is huge, and -0.00318 when it is
    near 0 but not 0 (an untrained net's answer, not "-0.0")."""
    if not math.isfinite(value):
        return _("not finite")
    if 0 < abs(value) < 0.05:
        return f"{value:.3g}"
    return f"{value:,.1f}" if abs(value) < 1e7 else f"{value:.4g}"

