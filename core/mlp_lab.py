"""What the MLP-training page shows that is computed: fit curves, ReLU kinks, the far probe,
the chunk scheduler that paces training inside the page, progress estimates and export bytes.

The net is a ``core.nn.MLP`` with params [W0, b0, W1, b1, ...]; W has shape (n_in, n_out).
For a net with one input, first-layer unit j is z_j(x) = W0[0, j]·x + b0[j], so a ReLU unit
switches on or off at its kink x = −b0[j] / W0[0, j]; between kinks the whole net is linear.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.nn import MLP, Params
from core.train import LIMITS, TrainConfig

FAR_X = 103.0  # where the original exercise probed the trained net: truth 103² = 10,609
FIT_POINTS = 400


# -- building the run's config from the page's controls ------------------------------------------
def build_config(**values) -> tuple[TrainConfig | None, str | None]:
    """TrainConfig(**values) and None, or None and a sentence naming what is wrong.

    A config is rejected when TrainConfig refuses it or when it exceeds core.train.LIMITS.
    """
    try:
        config = TrainConfig(**values)
    except (ValueError, TypeError) as error:
        return None, str(error)
    errors = config.limit_errors()
    if errors:
        return None, "This run is too large for a shared server: " + "; ".join(errors) + "."
    return config, None


def limit_caption(name: str) -> str:
    """The cap shown next to a control, e.g. 'at most 200 epochs'."""
    return {
        "hidden": f"at most {LIMITS['layers']} layers of ≤ {LIMITS['units']} units",
        "n_samples": f"at most {LIMITS['n_samples']:,} samples",
        "epochs": f"at most {LIMITS['epochs']} epochs; epochs × samples ≤ {LIMITS['total_samples']:,}",
        "batch_size": f"at most {LIMITS['batch_size']:,} samples per step",
    }[name]


# -- the fit --------------------------------------------------------------------------------------
def fit_range(x_min: float, x_max: float) -> tuple[float, float]:
    """The x range the fit is drawn over: the training range plus a third of its width each side."""
    pad = (x_max - x_min) / 3.0
    return x_min - pad, x_max + pad


def fit_curve(net: MLP, params: Params, x_min: float, x_max: float, points: int = FIT_POINTS) -> pd.DataFrame:
    """Long form (x, y, series) of the target x² and the net's prediction over ``fit_range``.

    Rows whose prediction is not finite are left out, so the frame can go straight to a chart.
    """
    lo, hi = fit_range(x_min, x_max)
    x = np.linspace(lo, hi, points)
    with np.errstate(all="ignore"):
        pred = net.predict(params, x.reshape(-1, 1)).ravel()
    frame = pd.DataFrame({
        "x": np.r_[x, x],
        "y": np.r_[x * x, pred],
        "series": ["target x²"] * points + ["prediction"] * points,
    })
    return frame[np.isfinite(frame["y"].to_numpy())].reset_index(drop=True)


def kinks(net: MLP, params: Params) -> pd.DataFrame:
    """The first hidden layer's ReLU kinks: one row per unit with w ≠ 0 (unit, x = −b/w, y = the net's
    prediction there, w, b), sorted by x.

    Empty for a sigmoid or identity net, which has no kinks. With one hidden layer these are exactly
    the points where the prediction's slope can change; with more layers they are where the first
    layer's units switch (deeper units add kinks of their own).
    """
    if net.activation != "relu" or net.sizes[0] != 1:
        return pd.DataFrame(columns=["unit", "x", "y", "w", "b"])
    w, b = params[0][0], params[1]
    units = np.flatnonzero(w != 0)
    with np.errstate(all="ignore"):
        x = -b[units] / w[units]
        y = net.predict(params, x.reshape(-1, 1)).ravel() if units.size else np.zeros(0)
    frame = pd.DataFrame({"unit": units, "x": x, "y": y, "w": w[units], "b": b[units]})
    frame = frame[np.isfinite(frame["x"].to_numpy())]
    return frame.sort_values("x", kind="stable").reset_index(drop=True)


def dead_units(net: MLP, params: Params, x_min: float, x_max: float, points: int = 401) -> list[int]:
    """Per hidden layer, how many ReLU units output 0 for every x in [x_min, x_max] (no gradient flows
    through them, so they never learn again). Checked on a grid that includes both ends, which is exact
    for the first layer (its pre-activations are linear in x). All zeros for non-ReLU nets."""
    n_hidden = net.n_layers - 1
    if net.activation != "relu":
        return [0] * n_hidden
    x = np.linspace(x_min, x_max, points).reshape(-1, 1)
    with np.errstate(all="ignore"):
        _, cache = net.forward(params, x)
    # cache.inputs[i] for i ≥ 1 is hidden layer i's output a_i = relu(z_{i-1}).
    return [int(np.sum(~(cache.inputs[i] > 0).any(axis=0))) for i in range(1, n_hidden + 1)]


# -- the far probe: why x = 103 comes out so wrong ----------------------------------------------------
@dataclass(frozen=True)
class FarProbe:
    """The prediction far outside the training range, and the straight line that explains it.

    For a one-hidden-layer ReLU net, ``anchor`` is the last kink below x (or x_max if larger): no unit
    switches between anchor and x, so the net there is the line
    ``anchor_value + slope · (x − anchor)`` with slope = Σ_{units on at x} v_j·w_j, and
    ``line_value`` equals ``prediction``. For other nets the slope is measured over the last tenth of
    the training range and the line is an approximation.
    """

    x: float
    truth: float
    prediction: float
    anchor: float
    anchor_value: float
    slope: float
    line_value: float
    exact: bool

    @property
    def finite(self) -> bool:
        return all(math.isfinite(v) for v in (self.prediction, self.anchor_value, self.slope, self.line_value))

    far_slope: float = math.nan  # the net's own slope at x (a finite difference), for a net that saturates
    activation: str = "relu"

    def sentence(self) -> str:
        if not self.finite:
            return "The net's outputs are not finite numbers, so there is no line to explain."
        if self.exact:
            # The sum is worked out from the rounded terms as printed, so the arithmetic on the page adds up;
            # the net's own (unrounded) value follows when the rounding shows.
            terms = (float(f"{self.anchor_value:.4g}"), float(f"{self.slope:.4g}"), float(f"{self.anchor:.3g}"))
            printed = terms[0] + terms[1] * (self.x - terms[2])
            total = format_value(printed)
            exact = format_value(self.line_value)
            note = "" if total == exact else f" (unrounded, the net gives {exact})"
            return (f"A ReLU net is piecewise linear, bending only at its kinks: from x = {self.anchor:.3g} on "
                    f"no unit switches on or off, so it goes on as a straight line of slope {self.slope:.4g}, "
                    f"giving {self.anchor_value:.4g} + {self.slope:.4g} × ({self.x:g} − {self.anchor:.3g}) "
                    f"= {total}{note} at x = {self.x:g}, while x² keeps curving up to {self.truth:,.0f}.")
        if self.activation in ("sigmoid", "tanh") and math.isfinite(self.far_slope):
            return (f"A {self.activation} net flattens out outside its data: far from where a hidden unit switches, "
                    f"its {self.activation} saturates (stays at its lowest or highest value), so every unit stops "
                    f"changing and the net tends to a constant. Its slope is {self.slope:.4g} at the edge of the "
                    f"data (x = {self.anchor:g}) but {self.far_slope:.2g} at x = {self.x:g}, where it predicts "
                    f"{format_value(self.prediction)}; x² keeps curving up to {self.truth:,.0f}.")
        return (f"Outside its training data the net only continues the shape it ended with (slope "
                f"{self.slope:.4g} at x = {self.anchor:g}, and at x = {self.x:g} it predicts "
                f"{format_value(self.prediction)}); nothing in training told it that x² keeps curving up to "
                f"{self.truth:,.0f}.")


def far_probe(net: MLP, params: Params, x_min: float, x_max: float, x: float = FAR_X) -> FarProbe:
    """The net at x (default 103) against x², explained by the line through the last kink."""
    with np.errstate(all="ignore"):
        prediction = float(net.predict(params, np.array([[x]]))[0, 0])
        one_layer_relu = net.activation == "relu" and len(net.sizes) == 3 and net.sizes[0] == net.sizes[2] == 1
        if one_layer_relu:
            w, b, v, c = params[0][0], params[1], params[2][:, 0], params[3][0]
            kx = kinks(net, params)["x"].to_numpy()
            below = kx[kx < x]
            anchor = float(max(x_max, below.max())) if below.size else float(x_max)
            anchor = min(anchor, x)
            on = w * x + b > 0  # the same units are on all along (anchor, x]
            slope = float(np.sum(v[on] * w[on]))
            anchor_value = float(np.maximum(w * anchor + b, 0.0) @ v + c)
        else:
            anchor = float(x_max)
            h = (x_max - x_min) / 10
            edge = net.predict(params, np.array([[anchor - h], [anchor]])).ravel()
            anchor_value = float(edge[1])
            slope = float((edge[1] - edge[0]) / h)
        line_value = anchor_value + slope * (x - anchor)
        far = net.predict(params, np.array([[x - 1.0], [x]])).ravel()
        far_slope = float(far[1] - far[0])
    return FarProbe(x=float(x), truth=float(x * x), prediction=prediction, anchor=anchor,
                    anchor_value=anchor_value, slope=slope, line_value=float(line_value), exact=one_layer_relu,
                    far_slope=far_slope, activation=net.activation)


def probe_table(probes: pd.DataFrame) -> pd.DataFrame:
    """The predictions after each epoch (the original's printout), with the truth x² as the first row."""
    columns = [c for c in probes.columns if c != "epoch"]
    truth = pd.DataFrame([["x² (truth)", *(float(c) ** 2 for c in columns)]], columns=["after", *columns])
    rows = probes.rename(columns={"epoch": "after"}).copy()
    rows["after"] = [f"epoch {int(e)}" for e in rows["after"]]
    table = pd.concat([truth, rows], ignore_index=True)
    return table.rename(columns={c: f"x = {c}" for c in columns})


# -- the loss curve -----------------------------------------------------------------------------------
def smooth(values: np.ndarray, window: int) -> np.ndarray:
    """Trailing rolling mean over ``window`` values (fewer at the start); non-finite values are skipped."""
    values = np.asarray(values, dtype=float)
    series = pd.Series(np.where(np.isfinite(values), values, np.nan))
    return series.rolling(max(1, int(window)), min_periods=1).mean().to_numpy()


def loss_curve(history: pd.DataFrame, max_rows: int = 600) -> pd.DataFrame:
    """Long form (epoch, samples, loss, series) of the raw and smoothed training loss, only values a log
    axis can show (finite, > 0), at most about ``max_rows`` rows per series. The smoothing window is a
    fortieth of the run so far."""
    if history.empty:
        return pd.DataFrame(columns=["epoch", "samples", "loss", "series"])
    if len(history) > max_rows:
        idx = np.unique(np.r_[np.linspace(0, len(history) - 1, max_rows).astype(int), len(history) - 1])
    else:
        idx = np.arange(len(history))
    loss = history["loss"].to_numpy(dtype=float)
    smoothed = smooth(loss, max(1, len(history) // 40))
    base = history.iloc[idx][["epoch", "samples"]].reset_index(drop=True)
    frame = pd.concat([base.assign(loss=loss[idx], series="loss"),
                       base.assign(loss=smoothed[idx], series="smoothed")], ignore_index=True)
    values = frame["loss"].to_numpy(dtype=float)
    return frame[np.isfinite(values) & (values > 0)].reset_index(drop=True)


def epoch_boundaries(epochs_done: int) -> pd.DataFrame:
    """One row per finished epoch (epoch = 1, 2, ...): where the loss chart draws a rule."""
    return pd.DataFrame({"epoch": np.arange(1, int(epochs_done) + 1, dtype=float)})


# -- pacing training inside the page ------------------------------------------------------------------
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
            "done": f"Done: {c.epochs} epochs."}.get(status, "")


def format_value(value: float) -> str:
    """A prediction as the page shows it: 477.7, 12,345.6, or 6.753e+32 when it is huge."""
    if not math.isfinite(value):
        return "not finite"
    return f"{value:,.1f}" if abs(value) < 1e7 else f"{value:.4g}"


# -- downloads --------------------------------------------------------------------------------------
def weights_npz(params: Params) -> bytes:
    """The parameters as an .npz file: arrays W0, b0, W1, b1, ... (W shaped (n_in, n_out))."""
    arrays = {}
    for i in range(len(params) // 2):
        arrays[f"W{i}"] = np.asarray(params[2 * i])
        arrays[f"b{i}"] = np.asarray(params[2 * i + 1])
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def history_csv(history: pd.DataFrame) -> bytes:
    """The loss history (samples, epoch, loss) as CSV."""
    return history.to_csv(index=False).encode()
