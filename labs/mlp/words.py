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

from core.inputs import echo, parse_number
from core.nn import MLP, Params
from core.train import LIMITS, TARGETS, TrainConfig, target_values
from labs.charts import spread

FAR_X = 103.0  # where the original exercise probed the trained net: truth 103² = 10,609
FIT_POINTS = 400

# The MLP page's controls: URL key -> (lowest, highest) value. The page and compare= links read these,
# so neither holds a number of its own.
BOUNDS = {
    "lr": (LIMITS["lr_min"], LIMITS["lr_max"]),
    "mom": (0.0, LIMITS["momentum_max"]),
    "batch": (1, LIMITS["batch_size"]),
    "epochs": (1, LIMITS["epochs"]),
    "n": (1, LIMITS["n_samples"]),
    "noise": (0.0, LIMITS["noise_max"]),
    "seed": (0, LIMITS["seed_max"]),
    "units": (1, LIMITS["units"]),
    "decay": (0.0, LIMITS["decay_max"]),   # RMSProp's ρ; Adam's β₁ and β₂: in [0, 1)
    "b1": (0.0, LIMITS["decay_max"]),
    "b2": (0.0, LIMITS["decay_max"]),
    "eps": (0.0, 1.0),
}


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


def fit_curve(net: MLP, params: Params, x_min: float, x_max: float, points: int = FIT_POINTS,
              target: str = "x2") -> pd.DataFrame:
    """Long form (x, y, series) of the target ("target x²" for the default) and the net's prediction over
    ``fit_range``.

    Rows whose prediction is not finite are left out, so the frame can go straight to a chart.
    """
    lo, hi = fit_range(x_min, x_max)
    x = np.linspace(lo, hi, points)
    with np.errstate(all="ignore"):
        pred = net.predict(params, x.reshape(-1, 1)).ravel()
    frame = pd.DataFrame({
        "x": np.r_[x, x],
        "y": np.r_[target_values(target, x), pred],
        "series": [f"target {target_label(target)}"] * points + ["prediction"] * points,
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


# -- has the net learned its target? ------------------------------------------------------------------
LEARNED_BELOW = 0.5  # learned: the fit's error on the training range is under half the target's own spread
FIT_CHECK_POINTS = 401


@dataclass(frozen=True)
class Fit:
    """How closely a net follows its target on the training range [x_min, x_max], on an even grid:
    ``error`` is the root-mean-square difference, ``spread`` the target's standard deviation there, which
    is the error of the best constant guess (the target's mean). The one place that decides whether a
    net has learned its target: ``learned`` when error < LEARNED_BELOW · spread."""

    target: str
    x_min: float
    x_max: float
    error: float
    spread: float

    @property
    def ratio(self) -> float:
        return self.error / self.spread if self.spread > 0 else math.inf

    @property
    def learned(self) -> bool:
        return math.isfinite(self.error) and self.error < LEARNED_BELOW * self.spread

    def sentence(self, x: float) -> str:
        """Why what the net does at x says nothing about extrapolating, for a net that has not learned."""
        label = target_label(self.target)
        return (f"This net has not learned {label}: on its training range [{self.x_min:g}, {self.x_max:g}] its "
                f"error (root mean square {self.error:.3g}) is {self.ratio:.0%} of the spread of {label} there "
                f"(standard deviation {self.spread:.3g}), where a flat line at the mean of {label} would be at 100%; "
                f"the page counts a target as learned below {LEARNED_BELOW:.0%}. So its answer at x = {x:g} is no "
                f"test of extrapolation: a net that has not fitted its data has no shape of {label} to carry "
                "beyond it.")


def fit_quality(net: MLP, params: Params, x_min: float, x_max: float, target: str = "x2",
                points: int = FIT_CHECK_POINTS) -> Fit:
    """The net's ``Fit`` to its target on [x_min, x_max] (noise-free target values, an even grid with both ends)."""
    x = np.linspace(x_min, x_max, points)
    truth = target_values(target, x)
    with np.errstate(all="ignore"):
        pred = net.predict(params, x.reshape(-1, 1)).ravel()
        error = float(np.sqrt(np.mean((pred - truth) ** 2)))
    return Fit(target=target, x_min=float(x_min), x_max=float(x_max),
               error=error if math.isfinite(error) else math.nan, spread=float(np.std(truth)))


# -- the far probe: why x = 103 comes out so wrong ----------------------------------------------------
# A sigmoid or tanh unit still changes at x while its slope there is at least this fraction of its steepest.
CHANGING_SLOPE = 0.1
PEAK_SLOPE = {"sigmoid": 0.25, "tanh": 1.0}


def _activation_slope(activation: str, z: np.ndarray) -> np.ndarray:
    """f'(z): relu 1[z > 0], sigmoid σ(1 − σ), tanh 1 − tanh², identity 1."""
    if activation == "relu":
        return (z > 0).astype(float)
    if activation == "sigmoid":
        s = 1.0 / (1.0 + np.exp(-np.clip(z, -700, 700)))
        return s * (1.0 - s)
    if activation == "tanh":
        return 1.0 - np.tanh(z) ** 2
    return np.ones_like(z)


def input_slope(net: MLP, params: Params, x: float) -> float:
    """dy/dx of a one-input, one-output net at x, carried forward through the layers (exact: no finite
    difference). At a ReLU kink (z = 0 exactly) the unit counts as off."""
    a, da = np.array([[float(x)]]), np.ones((1, 1))
    last = net.n_layers - 1
    with np.errstate(all="ignore"):
        for i in range(net.n_layers):
            z = a @ params[2 * i] + params[2 * i + 1]
            dz = da @ params[2 * i]
            if i == last:
                return float(dz[0, 0])
            a, da = net.activate(z), dz * _activation_slope(net.activation, z)
    return math.nan


def changing_units(net: MLP, params: Params, x: float) -> int | None:
    """How many first-layer sigmoid or tanh units have not saturated at x: f'(w·x + b) is still at least
    CHANGING_SLOPE of f's steepest slope. None for other activations."""
    if net.activation not in PEAK_SLOPE:
        return None
    with np.errstate(all="ignore"):
        z = params[0][0] * x + params[1]
        slope = _activation_slope(net.activation, z)
    return int(np.sum(slope >= CHANGING_SLOPE * PEAK_SLOPE[net.activation]))


def _signed(value: float, digits: str) -> str:
    """'+ 1.5' or '− 0.1285': a term of a printed sum, its sign as the operator."""
    return f"{'−' if value < 0 else '+'} {abs(value):{digits}}"


FAR_CLOSE = 0.1  # a far prediction this close to the truth (relative) is 'close'
FAR_SHORT = {  # the far probe's one-line answer; the why follows on request
    "far": "No: f({x}) = {prediction}, the truth is {truth}.",
    "close": "Close: f({x}) = {prediction}, the truth is {truth}.",
    "not finite": "No: the net's output at x = {x} is not a finite number.",
}


@dataclass(frozen=True)
class FarProbe:
    """The prediction far outside the training range, and the straight line that explains it.

    For a one-hidden-layer ReLU net, ``anchor`` is the last kink below x (or x_max if larger): no unit
    switches between anchor and x, so the net there is the line
    ``anchor_value + slope · (x − anchor)`` with slope = Σ_{units on at x} v_j·w_j, and
    ``line_value`` equals ``prediction``. For other nets ``slope`` is the net's slope at the edge of the
    data (x_max, the tangent's) and the line is only the tangent there.
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

    far_slope: float = math.nan  # the net's own slope at x (exact), for a net that saturates
    activation: str = "relu"
    target: str = "x2"
    fit: Fit | None = None        # how well the net follows its target on the training range (None: not known)
    changing: int | None = None   # sigmoid, tanh: first-layer units not yet saturated at x
    units: int = 0                # units in the first hidden layer
    hidden_layers: int = 1

    @property
    def truth_words(self) -> str:
        return target_truth_words(self.target, self.x, self.truth)

    @property
    def learned(self) -> bool:
        return self.fit is None or self.fit.learned

    @property
    def close(self) -> bool:
        """Whether the prediction is within FAR_CLOSE of the truth (relative to |truth|, or to 1 when smaller)."""
        return self.finite and abs(self.prediction - self.truth) <= FAR_CLOSE * max(abs(self.truth), 1.0)

    @property
    def headline(self) -> str:
        """The one-line answer to 'what does the net say at x?', before the why (``sentence``): the prediction and
        the truth, as the metric and the sentence print them."""
        key = "not finite" if not self.finite else "close" if self.close else "far"
        return FAR_SHORT[key].format(x=f"{self.x:g}", prediction=format_value(self.prediction),
                                     truth=format_truth(self.truth))

    def sentence(self) -> str:
        """The far-away explanation; for a net that has not learned its target, that comes first."""
        if not self.finite:
            return "The net's outputs are not finite numbers, so there is no line to explain."
        shape = self.shape_sentence()
        return shape if self.learned else f"{self.fit.sentence(self.x)}\n\n{shape}"

    def _units_words(self) -> str:
        if self.hidden_layers == 1:
            return f"its {self.units} hidden units"
        return f"the {self.units} units of its first hidden layer"

    def shape_sentence(self) -> str:
        """What the net's shape does between the data and x."""
        if self.exact:
            # The sum is worked out from the rounded terms as printed, so the arithmetic on the page adds up;
            # the net's own (unrounded) value follows when the rounding shows.
            terms = (float(f"{self.anchor_value:.4g}"), float(f"{self.slope:.4g}"), float(f"{self.anchor:.3g}"))
            printed = terms[0] + terms[1] * (self.x - terms[2])
            total = format_value(printed)
            exact = format_value(self.prediction)  # the net's own answer, as the one-line answer quotes it
            note = "" if total == exact else f" (unrounded, the net gives {exact})"
            return (f"A ReLU net is piecewise linear, bending only at its kinks: from x = {self.anchor:.3g} on "
                    f"no unit switches on or off, so it goes on as a straight line of slope {self.slope:.4g}, "
                    f"giving {self.anchor_value:.4g} {_signed(self.slope, '.4g')} × ({self.x:g} − "
                    f"{self.anchor:.3g}) = {total}{note} at x = {self.x:g}, while {self.truth_words}.")
        if self.activation in PEAK_SLOPE and math.isfinite(self.far_slope) and self.changing is not None:
            if self.changing == 0:
                return (f"A {self.activation} net flattens out outside its data: a hidden unit's {self.activation} "
                        f"saturates (stays near its lowest or highest value) once x is far from where the unit "
                        f"switches, and at x = {self.x:g} all {self._units_words()} have, so the net is nearly "
                        f"constant there. Its slope is {self.slope:.4g} at the edge of the data (x = "
                        f"{self.anchor:g}) and {self.far_slope:.2g} at x = {self.x:g}, where it predicts "
                        f"{format_value(self.prediction)}; {self.truth_words}.")
            return (f"A {self.activation} net flattens out far outside its data: a hidden unit's {self.activation} "
                    f"saturates (stays near its lowest or highest value) once x is far from where the unit "
                    f"switches, and the net tends to a constant once every unit has. At x = {self.x:g} not all "
                    f"have: {self.changing} of {self._units_words()} still change (their {self.activation} keeps at "
                    f"least {CHANGING_SLOPE:.0%} of its steepest slope), so the net's slope there is "
                    f"{self.far_slope:.2g}, against {self.slope:.4g} at the edge of the data (x = {self.anchor:g}); "
                    f"it predicts {format_value(self.prediction)}; {self.truth_words}.")
        return (f"Outside its training data the net only continues the shape it ended with (slope "
                f"{self.slope:.4g} at x = {self.anchor:g}, and at x = {self.x:g} it predicts "
                f"{format_value(self.prediction)}); nothing in training told it that {self.truth_words}.")


def far_probe(net: MLP, params: Params, x_min: float, x_max: float, x: float = FAR_X,
              target: str = "x2") -> FarProbe:
    """The net at x (default 103) against the target there (x² by default), explained by the line through
    the last kink (a one-hidden-layer ReLU net) or by the net's slopes at the edge of the data and at x."""
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
            anchor_value = float(net.predict(params, np.array([[anchor]]))[0, 0])
            slope = input_slope(net, params, anchor)
        line_value = anchor_value + slope * (x - anchor)
    return FarProbe(x=float(x), truth=float(target_values(target, x)), prediction=prediction, anchor=anchor,
                    anchor_value=anchor_value, slope=slope, line_value=float(line_value), exact=one_layer_relu,
                    far_slope=input_slope(net, params, x), activation=net.activation, target=target,
                    fit=fit_quality(net, params, x_min, x_max, target), changing=changing_units(net, params, x),
                    units=net.sizes[1] if net.n_layers > 1 else 0, hidden_layers=net.n_layers - 1)


def probe_table(probes: pd.DataFrame, target: str = "x2") -> pd.DataFrame:
    """The predictions after each epoch (the original's printout), with the truth (x² by default) first."""
    columns = [c for c in probes.columns if c != "epoch"]
    truth = pd.DataFrame([[f"{target_label(target)} (truth)", *(float(target_values(target, float(c)))
                                                                for c in columns)]], columns=["after", *columns])
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
    idx = spread(len(history), max_rows)
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
            "done": "Done: 1 epoch." if c.epochs == 1 else f"Done: {c.epochs} epochs."}.get(status, "")


def format_value(value: float) -> str:
    """A prediction as the page shows it: 477.7, 12,345.6, 6.753e+32 when it is huge, and -0.00318 when it is
    near 0 but not 0 (an untrained net's answer, not "-0.0")."""
    if not math.isfinite(value):
        return "not finite"
    if 0 < abs(value) < 0.05:
        return f"{value:.3g}"
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


# -- the units: a one-hidden-layer net as a sum of its units' contributions ----------------------------
MAX_UNIT_ROWS = 4000  # a units view never sends more rows than this to a chart


def unit_contributions(net: MLP, params: Params, x_min: float, x_max: float) -> pd.DataFrame | None:
    """For a 1 → H → 1 net, each hidden unit's contribution v_i·f(w_i·x + b_i) over ``fit_range``, long form
    (unit, x, y, state); the prediction is their sum plus the output bias (``params[3][0]``). None for any
    other net.

    A ReLU contribution is a hinge: 0 on one side of its kink x = −b/w and straight on the other, so three
    points (the ends and the kink) draw it exactly. Sigmoid and tanh contributions are sampled on a grid of
    at most MAX_UNIT_ROWS points over all units. ``state`` is "dead" for a ReLU unit that outputs 0 on all
    of [x_min, x_max] (it no longer learns) and "active" otherwise.
    """
    if not (net.n_layers == 2 and net.sizes[0] == net.sizes[2] == 1):
        return None
    w, b, v = params[0][0], params[1], params[2][:, 0]
    h = w.size
    lo, hi = fit_range(x_min, x_max)
    if net.activation == "relu":
        with np.errstate(all="ignore"):
            kink = np.where(w != 0, -b / np.where(w != 0, w, 1.0), np.nan)
        inside = np.isfinite(kink) & (kink > lo) & (kink < hi)
        xs = np.stack([np.full(h, lo), np.where(inside, kink, lo), np.full(h, hi)], axis=1)  # (h, 3)
        keep = np.ones((h, 3), dtype=bool)
        keep[:, 1] = inside
    else:
        per_unit = max(8, min(80, MAX_UNIT_ROWS // h))
        xs = np.broadcast_to(np.linspace(lo, hi, per_unit), (h, per_unit))
        keep = np.ones(xs.shape, dtype=bool)
    with np.errstate(all="ignore"):
        ys = v[:, None] * net.activate(w[:, None] * xs + b[:, None])
    dead = np.zeros(h, dtype=bool)
    if net.activation == "relu":
        edges = w[:, None] * np.array([x_min, x_max]) + b[:, None]  # z is linear in x: both ends decide
        dead = ~(edges > 0).any(axis=1)
    units = np.broadcast_to(np.arange(h)[:, None], xs.shape)
    states = np.broadcast_to(np.where(dead, "dead", "active")[:, None], xs.shape)
    frame = pd.DataFrame({"unit": units[keep], "x": xs[keep], "y": ys[keep], "state": states[keep]})
    return frame[np.isfinite(frame["y"].to_numpy(dtype=float))].reset_index(drop=True)


def units_caption(net: MLP, params: Params, x_min: float, x_max: float) -> str:
    """What the faint lines are, in words, with the output bias and the dead-unit count."""
    if not (net.n_layers == 2 and net.sizes[0] == net.sizes[2] == 1):
        return "The units view draws a net with one hidden layer; this one has more, so it is not drawn."
    c = float(params[3][0])
    words = (f"Faint lines: each of the {net.sizes[1]} hidden units' contribution v·{net.activation}(w·x + b); the "
             f"prediction is their sum plus the output bias c = {c:.4g}.")
    if net.activation == "relu":
        dead = dead_units(net, params, x_min, x_max)[0]
        words += (" Each ReLU unit is a hinge, flat on one side of its kink (the triangles) and straight on the "
                  "other; past the last kink every unit is straight, so their sum is a straight line. "
                  f"Dashed red: dead units, 0 on all of [{x_min:g}, {x_max:g}] ({dead} of {net.sizes[1]}).")
    else:
        words += f" Each {net.activation} unit is an S-shaped step that levels off on both sides."
    return words


# -- comparing runs ------------------------------------------------------------------------------------
MAX_PINNED = 4          # pinned runs per session (and runs in a compare= link)
MAX_COMPARE_CHARS = 600  # a compare= value longer than this is refused before it is parsed
COMPARE_RUNS, COMPARE_FIELDS, COMPARE_VALUE = "~", ",", ":"  # compare=act:sigmoid~lr:2e-5,batch:64
DEFAULT_RUN = "default"  # a run with every setting at its default
CHOICES = {"act": ("relu", "sigmoid", "tanh"), "opt": ("momentum", "sgd", "adagrad", "rmsprop", "adam"),
           "target": tuple(TARGETS), "shuffle": ("true", "false")}
# URL key -> TrainConfig field, in the order labels and links list them.
FIELDS = {"target": "target", "hidden": "hidden", "act": "activation", "opt": "optimizer", "lr": "lr",
          "mom": "momentum", "batch": "batch_size", "epochs": "epochs", "n": "n_samples", "noise": "noise",
          "seed": "seed", "shuffle": "shuffle", "decay": "decay", "b1": "b1", "b2": "b2", "eps": "eps"}
INTEGER_KEYS = ("batch", "epochs", "n", "seed")


def _number_text(x: float) -> str:
    """x short and exact: 2e-05 -> '2e-5', 0.00012345678 keeps every digit."""
    short = f"{x:g}"
    text = short if float(short) == x else repr(float(x))
    return text.replace("e-0", "e-").replace("e+0", "e+").replace("e+", "e")


def _value_text(key: str, value) -> str:
    if key == "hidden":
        return "-".join(str(h) for h in value)
    if key == "shuffle":
        return str(bool(value)).lower()
    if isinstance(value, float):
        return _number_text(value)
    return str(value)


def format_compare(configs: list[TrainConfig]) -> str:
    """The compare= value of these runs: each run as key:value pairs for the settings that differ from the
    defaults ('default' when none do), runs joined by '~'; hidden layers joined by '-'."""
    base = TrainConfig()
    runs = []
    for config in configs:
        pairs = [f"{key}{COMPARE_VALUE}{_value_text(key, getattr(config, field))}"
                 for key, field in FIELDS.items() if getattr(config, field) != getattr(base, field)]
        runs.append(COMPARE_FIELDS.join(pairs) or DEFAULT_RUN)
    return COMPARE_RUNS.join(runs)


def _parse_value(key: str, text: str):
    """(value for TrainConfig, None) or (None, what is wrong)."""
    if key in CHOICES:
        if text not in CHOICES[key]:
            return None, f"{key} = “{echo(text)}” is not one of {', '.join(CHOICES[key])}"
        return (text == "true") if key == "shuffle" else text, None
    if key == "hidden":
        parts = text.split("-")
        if len(parts) > LIMITS["layers"]:
            return None, f"hidden = “{echo(text)}” has {len(parts)} layers; at most {LIMITS['layers']}"
        units = []
        for part in parts:
            value, error = parse_number(part, *BOUNDS["units"], integer=True, name="hidden")
            if error:
                return None, error
            units.append(value)
        return tuple(units), None
    lo, hi = BOUNDS[key]
    value, error = parse_number(text, lo, hi, integer=key in INTEGER_KEYS, name=key)
    return (None, error) if error else (float(value) if key not in INTEGER_KEYS else int(value), None)


def parse_compare(raw: str) -> tuple[list[TrainConfig], str | None]:
    """The runs a compare= value lists (``format_compare``'s form), and None or the notice the page shows.
    Every value is checked against the same bounds as the page's controls and every run against the
    server's limits, no run twice; a value that fails compares no runs, and the notice names what is
    wrong. Past MAX_PINNED runs, the first MAX_PINNED are compared and the notice names the runs left out."""
    text = str(raw).strip()
    if len(text) > MAX_COMPARE_CHARS:
        return [], _refused(f"compare = “{echo(raw)}” is too long ({len(text):,} characters; at most "
                            f"{MAX_COMPARE_CHARS})")
    runs = text.split(COMPARE_RUNS) if text else []
    configs, error = _parse_runs(raw, runs[:MAX_PINNED])
    if error:
        return [], _refused(error)
    left_out = runs[MAX_PINNED:]
    if not left_out:
        return configs, None
    if len(left_out) == 1:
        return configs, (f"compare = “{echo(raw)}” lists {len(runs)} runs, more than the {MAX_PINNED} a page "
                         f"compares: comparing the first {MAX_PINNED} and leaving out run {len(runs)}, "
                         f"“{echo(left_out[0])}”.")
    return configs, (f"compare = “{echo(raw)}” lists {len(runs)} runs, more than the {MAX_PINNED} a page compares: "
                     f"comparing the first {MAX_PINNED} and leaving out runs {MAX_PINNED + 1} to {len(runs)}, "
                     + ", ".join(f"“{echo(run)}”" for run in left_out) + ".")


def _refused(error: str) -> str:
    return f"Ignored {error}; comparing no runs."


def _parse_runs(raw: str, runs: list[str]) -> tuple[list[TrainConfig], str | None]:
    """The configs of ``runs`` (compare= runs as text), or [] and what is wrong with the first bad one."""
    configs = []
    for i, run in enumerate(runs, start=1):
        values: dict = {}
        if run.strip() != DEFAULT_RUN:
            for pair in run.split(COMPARE_FIELDS):
                key, sep, value_text = pair.strip().partition(COMPARE_VALUE)
                if not sep or key not in FIELDS:
                    return [], (f"compare = “{echo(raw)}”: run {i} has “{echo(pair)}”, not key:value with a key "
                                f"of {', '.join(FIELDS)}")
                if FIELDS[key] in values:
                    return [], f"compare = “{echo(raw)}”: run {i} gives {key} twice"
                value, error = _parse_value(key, value_text.strip())
                if error:
                    return [], f"compare = “{echo(raw)}”: run {i}: {error}"
                values[FIELDS[key]] = value
        config, error = build_config(**values)
        if error:
            return [], f"compare = “{echo(raw)}”: run {i}: {error}"
        if config in configs:
            return [], f"compare = “{echo(raw)}”: run {i} repeats run {configs.index(config) + 1}"
        configs.append(config)
    return configs, None


def _field_words(key: str, config: TrainConfig) -> str:
    value = getattr(config, FIELDS[key])
    if key in ("act", "opt"):
        return str(value)
    if key == "shuffle":
        return "shuffled" if value else "in order"
    if key == "target":
        return f"y = {target_label(value)}"
    if key == "hidden":
        return "hidden " + ",".join(str(h) for h in value)
    names = {"mom": "β", "n": "samples", "decay": "ρ", "b1": "β₁", "b2": "β₂"}
    return f"{names.get(key, key)} {_value_text(key, value)}"


def run_labels(current: TrainConfig, others: list[TrainConfig]) -> list[str]:
    """Labels for ``[current, *others]``: each other run by what differs from the current settings
    ("lr 2e-5", "sigmoid", "batch 64, sgd"); the current run by its own values of every setting that
    differs in some other run (or "this run" when none does). Labels are unique."""
    keys = [k for k in FIELDS if any(getattr(o, FIELDS[k]) != getattr(current, FIELDS[k]) for o in others)]
    labels = [", ".join(_field_words(k, current) for k in keys) or "this run"]
    for other in others:
        differs = [k for k in keys if getattr(other, FIELDS[k]) != getattr(current, FIELDS[k])]
        labels.append(", ".join(_field_words(k, other) for k in differs) or "same settings")
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return unique


def final_loss(history: pd.DataFrame, epochs: int) -> float:
    """The mean training loss over the run's last epoch (the history rows past epoch − 1); nan when none."""
    if history.empty:
        return math.nan
    loss = history["loss"].to_numpy(dtype=float)
    last = loss[history["epoch"].to_numpy(dtype=float) > epochs - 1]
    last = last[np.isfinite(last)]
    return float(last.mean()) if last.size else math.nan


COMPARE_X = (-2.0, -1.0, 1.0, 2.0, FAR_X)
COMPARE_POINTS = 200     # x grid of a compared fit
COMPARE_LOSS_ROWS = 300  # rows of a compared loss curve


@dataclass(frozen=True)
class RunSummary:
    """What the Compare section shows of one run, and nothing more: a few kilobytes whatever the net's size
    (a session keeps up to MAX_PINNED of them). ``curve_*``: the smoothed loss (``loss_curve``'s dark line);
    ``fit_y``: the prediction on ``compare_grid``; ``at_x``: the predictions at COMPARE_X."""

    config: TrainConfig
    done: bool
    samples_seen: int
    total_samples: int
    final_loss: float
    curve_epoch: np.ndarray
    curve_loss: np.ndarray
    fit_y: np.ndarray
    at_x: np.ndarray
    train_seconds: float | None = None


def compare_grid(config: TrainConfig) -> np.ndarray:
    """Where a compared fit is drawn: COMPARE_POINTS x values over ``fit_range`` of the run's data."""
    return np.linspace(*fit_range(config.x_min, config.x_max), COMPARE_POINTS)


def summarize(run) -> RunSummary:
    """The ``RunSummary`` of ``run`` (a RunView or a Trainer: config, history, predict, done, samples_seen,
    total_samples, and train_seconds when it has one)."""
    c = run.config
    curve = loss_curve(run.history, COMPARE_LOSS_ROWS)
    smoothed = curve[curve["series"] == "smoothed"]
    predictions = run.predict(np.r_[compare_grid(c), COMPARE_X])
    return RunSummary(
        config=c, done=bool(run.done), samples_seen=int(run.samples_seen), total_samples=int(run.total_samples),
        final_loss=final_loss(run.history, c.epochs) if run.done else math.nan,
        curve_epoch=smoothed["epoch"].to_numpy(dtype=float), curve_loss=smoothed["loss"].to_numpy(dtype=float),
        fit_y=predictions[:COMPARE_POINTS], at_x=predictions[COMPARE_POINTS:],
        train_seconds=getattr(run, "train_seconds", None))


def run_state(run: RunSummary) -> str:
    """Where a compared run stands, so its numbers are read as final or as so far."""
    if not run.done:
        return f"computing: {run.samples_seen / max(run.total_samples, 1):.0%} done, numbers so far"
    if run.samples_seen < run.total_samples:
        return f"stopped early, at sample {run.samples_seen:,}"
    return "done"


COMPARE_NUMBERS = ("final loss", *(f"f({x:g})" for x in COMPARE_X), "time (s)")  # the table's number columns


def compare_numbers(labels: list[str], runs: list[RunSummary]) -> pd.DataFrame:
    """One row per run: where it stands (``run_state``), final loss, f at ±1, ±2 and 103, and its training
    time; a first row with the truth when the runs share a target. A cell with nothing to say (the truth's
    state, loss and time, an unfinished run's final loss) is None or NaN."""
    columns = ["run", "state", *COMPARE_NUMBERS]
    rows = []
    targets = {run.config.target for run in runs}
    if len(targets) == 1:
        target = targets.pop()
        rows.append([f"{target_label(target)} (truth)", None, math.nan,
                     *(float(target_values(target, x)) for x in COMPARE_X), math.nan])
    for label, run in zip(labels, runs):
        secs = run.train_seconds
        rows.append([label, run_state(run), run.final_loss if math.isfinite(run.final_loss) else math.nan,
                     *(float(p) if math.isfinite(p) else math.nan for p in run.at_x),
                     math.nan if secs is None else float(secs)])
    return pd.DataFrame(rows, columns=columns)


def table_number(value: float | None) -> str:
    """A number in the comparison table: 10,609 and 1,234 whole, 3.988 and 0.01234 to 4 significant digits,
    6.753e+32 when huge, and nothing for a missing value (not "None")."""
    if value is None or not math.isfinite(value):
        return ""
    if abs(value) >= 1e7:
        return f"{value:.4g}"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def compare_table(labels: list[str], runs: list[RunSummary]) -> pd.DataFrame:
    """``compare_numbers`` as the page writes it, every cell text: numbers by ``table_number``, the time to a
    tenth of a second, and an empty cell empty (a table shows a missing value as "None")."""
    numbers = compare_numbers(labels, runs)
    table = numbers[["run", "state"]].fillna("")
    for column in COMPARE_NUMBERS:
        write = (lambda s: "" if not math.isfinite(s) else f"{s:.1f}") if column == "time (s)" else table_number
        table[column] = [write(float(v)) for v in numbers[column]]
    return table


def compare_loss_curves(labels: list[str], runs: list[RunSummary]) -> pd.DataFrame:
    """Long form (epoch, loss, run) of each run's smoothed training loss."""
    frames = [pd.DataFrame({"epoch": run.curve_epoch, "loss": run.curve_loss, "run": label})
              for label, run in zip(labels, runs)]
    if not frames:
        return pd.DataFrame(columns=["epoch", "loss", "run"])
    return pd.concat(frames, ignore_index=True)


def compare_fits(labels: list[str], runs: list[RunSummary]) -> pd.DataFrame:
    """Long form (x, y, run) of each run's prediction on its ``compare_grid``; non-finite values left out."""
    frames = [pd.DataFrame({"x": compare_grid(run.config), "y": run.fit_y, "run": label})
              for label, run in zip(labels, runs)]
    if not frames:
        return pd.DataFrame(columns=["x", "y", "run"])
    frame = pd.concat(frames, ignore_index=True)
    return frame[np.isfinite(frame["y"].to_numpy(dtype=float))].reset_index(drop=True)


def target_curve(target: str, x_min: float, x_max: float, points: int = COMPARE_POINTS) -> pd.DataFrame:
    """(x, y) of the target over ``fit_range``: the dashed line under compared fits."""
    lo, hi = fit_range(x_min, x_max)
    x = np.linspace(lo, hi, points)
    return pd.DataFrame({"x": x, "y": target_values(target, x)})


def format_truth(value: float) -> str:
    """The target's true value as the page shows it: 10,609 or 1,092,727 (whole), 0.622 (small)."""
    if not math.isfinite(value):
        return "not finite"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
