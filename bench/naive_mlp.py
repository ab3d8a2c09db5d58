"""The baseline: a per-sample MLP trainer written the way the original exercise did.

An object per layer (Linear, ReLU), each keeping its input for the backward pass; new arrays every
step; a velocity array per parameter, updated layer by layer. Same maths as core.train's default
config (1 -> 100 -> 1, ReLU, momentum lr 1e-5, beta 0.9, batch 1), so only the implementation differs.
Benchmark code only: nothing in the app imports it.
"""
import numpy as np


class Linear:
    def __init__(self, n_in, n_out, rng):
        self.W = rng.standard_normal((n_in, n_out)) * 0.1
        self.b = np.zeros((1, n_out))
        self.vW = np.zeros_like(self.W)
        self.vb = np.zeros_like(self.b)

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, grad):
        self.dW = np.dot(self.x.T, grad)
        self.db = np.sum(grad, axis=0, keepdims=True)
        return np.dot(grad, self.W.T)

    def step(self, lr, momentum):
        self.vW = momentum * self.vW - lr * self.dW
        self.vb = momentum * self.vb - lr * self.db
        self.W = self.W + self.vW
        self.b = self.b + self.vb


class ReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad):
        return grad * self.mask

    def step(self, lr, momentum):
        pass


class Net:
    def __init__(self, sizes, rng):
        self.layers = []
        for i in range(len(sizes) - 1):
            self.layers.append(Linear(sizes[i], sizes[i + 1], rng))
            if i < len(sizes) - 2:
                self.layers.append(ReLU())

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad):
        for layer in reversed(self.layers):
            grad = layer.backward(grad)

    def step(self, lr, momentum):
        for layer in self.layers:
            layer.step(lr, momentum)


def train(x, y, epochs=1, lr=1e-5, momentum=0.9, hidden=100, seed=0):
    """Train on every (x[i], y[i]) in order, one sample per step; return the net and the last loss."""
    net = Net([1, hidden, 1], np.random.default_rng(seed))
    loss = None
    for _ in range(epochs):
        for i in range(len(x)):
            xi = np.array([[x[i, 0]]])
            yi = np.array([[y[i, 0]]])
            out = net.forward(xi)
            loss = np.mean((out - yi) ** 2)
            net.backward(2 * (out - yi) / out.size)
            net.step(lr, momentum)
    return net, loss
