"""Has the net learned its target, and why is it so wrong far outside its data (x = 103, as the original
exercise asked)? ``Fit`` answers the first on the training range; ``FarProbe`` the second, with the straight
line (a ReLU net) or the saturated units (sigmoid, tanh) that explain the answer, in words.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.dataset import target_values
from core.nn import MLP, Params
from i18n import N_, _
from labs.mlp.curves import kinks
from labs.mlp.words import format_truth, format_value, target_label, target_truth_words

FAR_X = 103.0  # where the original exercise probed the trained net: truth 103² = 10,609


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
        return _("This net has not learned {label}: on its training range [{lo}, {hi}] its error (root mean square "
                 "{error}) is {ratio} of the spread of {label} there (standard deviation {spread}), where a flat line "
                 "at the mean of {label} would be at 100%; the page counts a target as learned below {below}. So its "
                 "answer at x = {x} is no test of extrapolation: a net that has not fitted its data has no shape of "
                 "{label} to carry beyond it.", label=target_label(self.target), lo=f"{self.x_min:g}",
                 hi=f"{self.x_max:g}", error=f"{self.error:.3g}", ratio=f"{self.ratio:.0%}",
                 spread=f"{self.spread:.3g}", below=f"{LEARNED_BELOW:.0%}", x=f"{x:g}")


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
            a, da = net.activate(z), dz * net.activation_slope(z)
    return math.nan


def changing_units(net: MLP, params: Params, x: float) -> int | None:
    """How many first-layer sigmoid or tanh units have not saturated at x: f'(w·x + b) is still at least
    CHANGING_SLOPE of f's steepest slope. None for other activations."""
    if net.activation not in PEAK_SLOPE:
        return None
    with np.errstate(all="ignore"):
        z = params[0][0] * x + params[1]
        slope = net.activation_slope(z)
    return int(np.sum(slope >= CHANGING_SLOPE * PEAK_SLOPE[net.activation]))


def _signed(value: float, digits: str) -> str:
    """'+ 1.5' or '− 0.1285': a term of a printed sum, its sign as the operator."""
    return f"{'−' if value < 0 else '+'} {abs(value):{digits}}"


FAR_CLOSE = 0.1  # a far prediction this close to the truth (relative) is 'close'
FAR_SHORT = {  # the far probe's one-line answer; the why follows on request
    "far": N_("No: f({x}) = {prediction}, the truth is {truth}."),
    "close": N_("Close: f({x}) = {prediction}, the truth is {truth}."),
    "not finite": N_("No: the net's output at x = {x} is not a finite number."),
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
        return _(FAR_SHORT[key], x=f"{self.x:g}", prediction=format_value(self.prediction),
                 truth=format_truth(self.truth))

    @property
    def delta_words(self) -> str | None:
        """How far the prediction is from the truth, as the metric's delta says it (None: not finite)."""
        if not self.finite:
            return None
        return _("{delta} vs the truth {truth}", delta=format_value(self.prediction - self.truth),
                 truth=format_truth(self.truth))

    def sentence(self) -> str:
        """The far-away explanation; for a net that has not learned its target, that comes first."""
        if not self.finite:
            return _("The net's outputs are not finite numbers, so there is no line to explain.")
        shape = self.shape_sentence()
        return shape if self.learned else f"{self.fit.sentence(self.x)}\n\n{shape}"

    def _units_words(self) -> str:
        if self.hidden_layers == 1:
            return _("its {units} hidden units", units=self.units)
        return _("the {units} units of its first hidden layer", units=self.units)

    def shape_sentence(self) -> str:
        """What the net's shape does between the data and x."""
        if self.exact:
            # The sum is worked out from the rounded terms as printed, so the arithmetic on the page adds up;
            # the net's own (unrounded) value follows when the rounding shows.
            terms = (float(f"{self.anchor_value:.4g}"), float(f"{self.slope:.4g}"), float(f"{self.anchor:.3g}"))
            printed = terms[0] + terms[1] * (self.x - terms[2])
            total = format_value(printed)
            exact = format_value(self.prediction)  # the net's own answer, as the one-line answer quotes it
            note = "" if total == exact else _(" (unrounded, the net gives {exact})", exact=exact)
            return _("A ReLU net is piecewise linear, bending only at its kinks: from x = {anchor} on no unit "
                     "switches on or off, so it goes on as a straight line of slope {slope}, giving {value} {term} × "
                     "({x} − {anchor}) = {total}{note} at x = {x}, while {truth}.", anchor=f"{self.anchor:.3g}",
                     slope=f"{self.slope:.4g}", value=f"{self.anchor_value:.4g}", term=_signed(self.slope, ".4g"),
                     x=f"{self.x:g}", total=total, note=note, truth=self.truth_words)
        if self.activation in PEAK_SLOPE and math.isfinite(self.far_slope) and self.changing is not None:
            fields = dict(act=self.activation, x=f"{self.x:g}", units=self._units_words(), slope=f"{self.slope:.4g}",
                          edge=f"{self.anchor:g}", far_slope=f"{self.far_slope:.2g}",
                          prediction=format_value(self.prediction), truth=self.truth_words)
            if self.changing == 0:
                return _("A {act} net flattens out outside its data: a hidden unit's {act} saturates (stays near its "
                         "lowest or highest value) once x is far from where the unit switches, and at x = {x} all "
                         "{units} have, so the net is nearly constant there. Its slope is {slope} at the edge of the "
                         "data (x = {edge}) and {far_slope} at x = {x}, where it predicts {prediction}; {truth}.",
                         **fields)
            return _("A {act} net flattens out far outside its data: a hidden unit's {act} saturates (stays near its "
                     "lowest or highest value) once x is far from where the unit switches, and the net tends to a "
                     "constant once every unit has. At x = {x} not all have: {changing} of {units} still change "
                     "(their {act} keeps at least {share} of its steepest slope), so the net's slope there is "
                     "{far_slope}, against {slope} at the edge of the data (x = {edge}); it predicts {prediction}; "
                     "{truth}.", changing=self.changing, share=f"{CHANGING_SLOPE:.0%}", **fields)
        return _("Outside its training data the net only continues the shape it ended with (slope {slope} at x = "
                 "{edge}, and at x = {x} it predicts {prediction}); nothing in training told it that {truth}.",
                 slope=f"{self.slope:.4g}", edge=f"{self.anchor:g}", x=f"{self.x:g}",
                 prediction=format_value(self.prediction), truth=self.truth_words)


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

