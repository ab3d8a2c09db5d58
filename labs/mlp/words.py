"""What the MLP page says: the target in words, the caps on a run, numbers as the page prints them, the
predictions after each epoch, and a run's progress (its time left, why it stopped, what a screen reader hears).
"""
from __future__ import annotations

import math

import pandas as pd

from core.dataset import target_values
from core.train import LIMITS

# -- the target the net learns ----------------------------------------------------------------------
TARGET_LABELS = {"x2": "x²", "abs": "|x|", "cube": "x³", "sin": "sin x"}
TARGET_LESSONS = {
    "x2": "then ask it about **x = 103**, far outside the data.",
    "abs": "|x| is itself two hinges, relu(x) + relu(−x), so a ReLU net can draw it exactly, and past the data "
           "it may even go on straight as |x| does: compare its answer at **x = 103** with 103.",
    "cube": "x³ falls below zero on the left and climbs faster than any straight line on the right, so at "
            "**x = 103** a net that goes on straight (ReLU) or flat (sigmoid, tanh) falls short by about a million.",
    "sin": "sin x waves for ever, but the net sees about one wave in [−3, 3]: outside, a ReLU net goes on as a "
           "straight line and a sigmoid or tanh net as a constant, never as a wave (see **x = 103**).",
}


def target_label(target: str) -> str:
    """The target as the page writes it: 'x²', '|x|', 'x³', 'sin x'."""
    return TARGET_LABELS[target]


def target_truth_words(target: str, x: float, truth: float) -> str:
    """What the target itself does at x, e.g. 'x² keeps curving up to 10,609'."""
    if target == "x2":
        return f"x² keeps curving up to {truth:,.0f}"
    if target == "cube":
        return f"x³ keeps climbing ever faster, to {truth:,.0f}"
    if target == "abs":
        return f"|x| goes on as the straight line y = x (slope 1) to {truth:,.0f}"
    return f"sin x keeps waving between −1 and 1 (sin {x:g} = {format_truth(truth)})"


def target_sentence(target: str) -> str:
    """The sentence under the page title: what the net learns and what to look for (for x², the original's)."""
    if target == "x2":
        return ("A numpy network learns **y = x²** from points in [−3, 3] (the defaults are the original exercise: "
                "1 → 100 → 1, ReLU, 20,000 points, SGD + momentum); watch its loss and fit live, then ask it about "
                "**x = 103**.")
    return (f"A numpy network learns **y = {target_label(target)}** from points in [−3, 3] (the defaults are the "
            "original exercise: y = x², 1 → 100 → 1, ReLU, 20,000 points, SGD + momentum); watch its loss and fit "
            f"live; {TARGET_LESSONS[target]}")


def limit_caption(name: str) -> str:
    """The cap shown next to a control, e.g. 'at most 200 epochs'."""
    return {
        "hidden": f"at most {LIMITS['layers']} layers of ≤ {LIMITS['units']} units",
        "n_samples": f"at most {LIMITS['n_samples']:,} samples",
        "epochs": f"at most {LIMITS['epochs']} epochs; epochs × samples ≤ {LIMITS['total_samples']:,}",
        "batch_size": f"at most {LIMITS['batch_size']:,} samples per step",
    }[name]


def probe_table(probes: pd.DataFrame, target: str = "x2") -> pd.DataFrame:
    """The predictions after each epoch (the original's printout), with the truth (x² by default) first."""
    columns = [c for c in probes.columns if c != "epoch"]
    truth = pd.DataFrame([[f"{target_label(target)} (truth)", *(float(target_values(target, float(c)))
                                                                for c in columns)]], columns=["after", *columns])
    rows = probes.rename(columns={"epoch": "after"}).copy()
    rows["after"] = [f"epoch {int(e)}" for e in rows["after"]]
    table = pd.concat([truth, rows], ignore_index=True)
    return table.rename(columns={c: f"x = {c}" for c in columns})


def format_truth(value: float) -> str:
    """The target's true value as the page shows it: 10,609 or 1,092,727 (whole), 0.622 (small)."""
    if not math.isfinite(value):
        return "not finite"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def fit_caption(config, n_kinks: int, dead: list[int] | None) -> str:
    """What the fit chart shows, under it: for a ReLU net its kinks (``n_kinks`` units have one) and each hidden
    layer's dead units (``dead``; None for other activations, which have no kinks)."""
    c = config
    if dead is None:
        return f"Shaded: the training range. {c.activation.capitalize()} units have no kinks: the prediction is smooth."
    return (f"Shaded: the training range. Orange triangles: the first hidden layer's ReLU kinks x = −b/w, where a "
            f"unit switches on or off ({n_kinks} units). Dead units (output 0 on all of [{c.x_min:g}, "
            f"{c.x_max:g}], so they no longer learn): "
            + ", ".join(f"layer {i + 1}: {d} of {n}" for i, (d, n) in enumerate(zip(dead, c.hidden))) + ".")


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
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes} min {secs:02d} s"


def progress_text(epoch: int, epochs: int, samples_seen: int, total_samples: int, rate: float | None,
                  stopped: bool = False) -> str:
    """'Epoch 3 / 20 · 61,000 / 400,000 samples · 98,000 samples/s · 3.5 s left' (or '· stopped')."""
    speed = "–" if rate is None else f"{rate:,.0f}"
    left = "stopped" if stopped else f"{format_seconds(time_left(total_samples - samples_seen, rate))} left"
    return (f"Epoch {min(epoch + 1, epochs)} / {epochs} · "
            f"{samples_seen:,} / {total_samples:,} samples · {speed} samples/s · {left}")


def failed_words(run) -> str:
    """Why a run (a ``Trainer`` or a ``RunView``) whose ``failed`` is set stopped early, as the page says it."""
    return (f"Training stopped at sample {run.samples_seen:,}: the loss became {run.failed.loss} (a learning rate "
            f"of {run.config.lr:g} is too large for this run). The parameters shown are the last ones with a "
            "finite loss.")


def announcement(run, status: str) -> str:
    """What the page's polite live region says about a run (a ``Trainer`` or a ``RunView``): it changes at
    most once per epoch, so a screen reader is not flooded."""
    c = run.config
    if run.failed is not None:
        return "Stopped: " + failed_words(run)
    epoch = f"epoch {min(run.epoch + 1, c.epochs)} of {c.epochs}"
    return {"training": f"Training, {epoch}.", "paused": f"Paused at {epoch}.",
            "done": "Done: 1 epoch." if c.epochs == 1 else f"Done: {c.epochs} epochs."}.get(status, "")


def format_value(value: float) -> str:
    """A prediction as the page shows it: 477.7, 12,345.6, 6.753e+32 when it is huge, and -0.00318 when it is
    near 0 but not 0 (an untrained net's answer, not "-0.0")."""
    if not math.isfinite(value):
        return "not finite"
    if 0 < abs(value) < 0.05:
        return f"{value:.3g}"
    return f"{value:,.1f}" if abs(value) < 1e7 else f"{value:.4g}"

