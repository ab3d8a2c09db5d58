"""A multilayer perceptron in numpy, with its backward pass written out.

Shapes: x is (batch, n_in); layer i has W_i (n_i, n_{i+1}) and b_i (n_{i+1},); params are
[W0, b0, W1, b1, ...]. Equations, for hidden layers i < L−1 and a linear output layer:

    z_i = a_i @ W_i + b_i,   a_{i+1} = f(z_i)   (a_0 = x; the output is y = z_{L−1})
    dW_i = a_iᵀ @ dz_i,  db_i = Σ_batch dz_i,  dz_{i−1} = (dz_i @ W_iᵀ) ⊙ f'(z_{i−1})
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.optim import Params

ACTIVATIONS = ("relu", "sigmoid", "tanh", "identity")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # exp of a large negative z overflows harmlessly to inf (1/(1+inf) = 0); silence the warning.
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class Cache:
    """What backward needs from forward: each layer's input a_i and each hidden layer's output."""

    inputs: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class MLP:
    sizes: tuple[int, ...]
    activation: str = "relu"  # hidden layers ("relu" | "sigmoid" | "tanh" | "identity"); the output is linear

    def __post_init__(self):
        object.__setattr__(self, "sizes", tuple(int(s) for s in self.sizes))
        if len(self.sizes) < 2 or min(self.sizes) < 1:
            raise ValueError(f"Invalid layer sizes: {self.sizes} (need at least two sizes, each ≥ 1)")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"Invalid activation: {self.activation!r} (one of {', '.join(ACTIVATIONS)})")

    @property
    def n_layers(self) -> int:
        return len(self.sizes) - 1

    def init(self, rng: np.random.Generator, scale: float = 0.1) -> Params:
        """W ~ scale·N(0, 1), b = 0, as in the original exercise."""
        params: Params = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            params += [scale * rng.standard_normal((n_in, n_out)), np.zeros(n_out)]
        return params

    def activate(self, z: np.ndarray) -> np.ndarray:
        """The hidden layers' activation f(z), elementwise (what the units view draws per unit)."""
        return self._act(np.asarray(z, dtype=float))

    def _act(self, z: np.ndarray) -> np.ndarray:
        if self.activation == "relu":
            return np.maximum(z, 0.0)
        if self.activation == "sigmoid":
            return _sigmoid(z)
        if self.activation == "tanh":
            return np.tanh(z)
        return z

    def activation_slope(self, z: np.ndarray) -> np.ndarray:
        """f'(z), elementwise: relu 1[z > 0], sigmoid σ(1 − σ), tanh 1 − tanh², identity 1."""
        z = np.asarray(z, dtype=float)
        slope = self._act_grad(self._act(z))
        return np.ones_like(z) if slope is None else slope.astype(float)

    def _act_grad(self, a: np.ndarray) -> np.ndarray | None:
        """f'(z) written in terms of a = f(z): relu 1[a > 0], sigmoid a(1 − a), tanh 1 − a², identity None (= 1)."""
        if self.activation == "relu":
            return a > 0
        if self.activation == "sigmoid":
            return a * (1.0 - a)
        if self.activation == "tanh":
            return 1.0 - a * a
        return None

    def forward(self, params: Params, x: np.ndarray) -> tuple[np.ndarray, Cache]:
        """x (batch, n_in) -> y (batch, n_out), and the cache for ``backward``."""
        a = x
        inputs = []
        last = self.n_layers - 1
        for i in range(self.n_layers):
            inputs.append(a)
            z = a @ params[2 * i]
            z += params[2 * i + 1]
            a = z if i == last else self._act(z)
        return a, Cache(tuple(inputs))

    def backward(self, params: Params, cache: Cache, dy: np.ndarray) -> Params:
        """dL/dy (batch, n_out) -> dL/dparams, in the layout of params."""
        grads: Params = [None] * (2 * self.n_layers)  # type: ignore[list-item]
        dz = dy
        for i in range(self.n_layers - 1, -1, -1):
            a = cache.inputs[i]
            grads[2 * i] = a.T @ dz
            grads[2 * i + 1] = np.add.reduce(dz, axis=0)
            if i > 0:
                dz = dz @ params[2 * i].T
                fprime = self._act_grad(a)  # a is f(z_{i-1}), the input of layer i
                if fprime is not None:
                    dz *= fprime
        return grads

    def predict(self, params: Params, x: np.ndarray) -> np.ndarray:
        return self.forward(params, x)[0]

    # -- one flat parameter vector ----------------------------------------------------------------
    # Trainers keep all parameters in one vector, [W0.ravel(), b0, W1.ravel(), b1, ...], so that an
    # optimiser step is one array operation instead of one per parameter.
    def flatten(self, params: Params) -> np.ndarray:
        return np.concatenate([np.ravel(p) for p in params])

    def unflatten(self, flat: np.ndarray) -> Params:
        """Views into ``flat`` in the layout of params."""
        params, start = [], 0
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            params.append(flat[start:start + n_in * n_out].reshape(n_in, n_out))
            start += n_in * n_out
            params.append(flat[start:start + n_out])
            start += n_out
        return params

    def loss_and_grad(self, flat: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """mse(predict(x), y) and its gradient as one flat vector (forward + mse_grad + backward)."""
        params = self.unflatten(flat)
        pred, cache = self.forward(params, x)
        return mse(pred, y), self.flatten(self.backward(params, cache, mse_grad(pred, y)))

    def scalar_kernel(self):
        """For a 1 -> H -> 1 ReLU net: ``kernel(views, x, y) -> (loss, flat gradient)`` on one sample.

        ``views`` is ``self.kernel_views(flat)``; x and y are Python floats. Same maths as
        ``loss_and_grad`` with the single hidden layer written out on 1-D arrays: about 10 numpy
        calls instead of 30, which is what makes batch-1 SGD fast (tests hold the two equal).
        The gradient is a buffer the kernel reuses: consume it before the next call.
        None for any other net.
        """
        if not (len(self.sizes) == 3 and self.sizes[0] == self.sizes[2] == 1 and self.activation == "relu"):
            return None
        h = self.sizes[1]
        grad = np.empty(3 * h + 1)  # flat layout [w (h), b (h), v (h), c (1)]
        g_w, g_b, g_v = grad[:h], grad[h:2 * h], grad[2 * h:3 * h]
        a, active = np.empty(h), np.empty(h, dtype=bool)  # scratch: no step allocates an array
        multiply, add, dot, maximum, greater = np.multiply, np.add, np.dot, np.maximum, np.greater

        def kernel(views, x, y):
            w, b, v, c = views
            multiply(w, x, out=a)      # z = w·x + b
            add(a, b, out=a)
            maximum(a, 0.0, out=a)     # a = relu(z)
            diff = float(dot(a, v)) + float(c[0]) - y
            dy = 2.0 * diff
            multiply(a, dy, out=g_v)   # dL/dv = a·dy
            grad[-1] = dy              # dL/dc
            multiply(v, dy, out=g_b)   # dL/db = v·dy·1[z > 0]
            greater(a, 0.0, out=active)
            multiply(g_b, active, out=g_b)
            multiply(g_b, x, out=g_w)  # dL/dw = x·dL/db
            return diff * diff, grad

        return kernel

    def kernel_views(self, flat: np.ndarray) -> tuple[np.ndarray, ...]:
        """(w, b, v, c) views of a 1 -> H -> 1 net's flat vector, as ``scalar_kernel`` takes them."""
        h = self.sizes[1]
        return flat[:h], flat[h:2 * h], flat[2 * h:3 * h], flat[3 * h:]


def mse(pred: np.ndarray, target: np.ndarray) -> float:
    """Mean squared error over every element (batch × outputs)."""
    diff = pred - target
    return float(np.mean(diff * diff))


def mse_grad(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """d mse / d pred = 2 (pred − target) / pred.size."""
    return 2.0 * (pred - target) / pred.size
