"""MLP: shapes, finite-difference gradients for every activation and shape, mse, the batch-1 kernel."""
import warnings

import numpy as np
import pytest

from core.nn import ACTIVATIONS, MLP, mse, mse_grad


def numeric_grads(net, params, x, y, h=1e-6):
    """Central differences of mse(net(x), y) with respect to every parameter element."""
    grads = []
    for p in params:
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + h
            up = mse(net.predict(params, x), y)
            p[idx] = old - h
            down = mse(net.predict(params, x), y)
            p[idx] = old
            g[idx] = (up - down) / (2 * h)
        grads.append(g)
    return grads


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("sizes, batch", [((1, 5, 1), 1), ((1, 8, 1), 7), ((3, 4, 2), 5), ((2, 6, 5, 3), 4)])
def test_backward_matches_finite_differences(activation, sizes, batch):
    rng = np.random.default_rng(42)
    net = MLP(sizes, activation)
    params = net.init(rng, scale=0.7)
    params = [p + 0.3 * rng.standard_normal(p.shape) for p in params]  # non-zero biases too
    x = rng.standard_normal((batch, sizes[0]))
    y = rng.standard_normal((batch, sizes[-1]))
    pred, cache = net.forward(params, x)
    assert pred.shape == (batch, sizes[-1])
    grads = net.backward(params, cache, mse_grad(pred, y))
    for g, n, p in zip(grads, numeric_grads(net, params, x, y), params):
        assert g.shape == p.shape
        np.testing.assert_allclose(g, n, rtol=1e-5, atol=1e-7)


def test_activations_and_linear_output():
    net_shapes = (1, 2, 1)
    params = [np.array([[1.0, -1.0]]), np.array([0.0, 0.0]), np.array([[1.0], [1.0]]), np.array([0.5])]
    x = np.array([[2.0]])
    assert MLP(net_shapes, "relu").predict(params, x)[0, 0] == 2.5          # relu(2) + relu(−2) + 0.5
    assert MLP(net_shapes, "identity").predict(params, x)[0, 0] == 0.5      # 2 − 2 + 0.5
    s = 1 / (1 + np.exp(-2.0))
    assert MLP(net_shapes, "sigmoid").predict(params, x)[0, 0] == pytest.approx(s + (1 - s) + 0.5)
    # tanh is odd: tanh(2) + tanh(−2) = 0; with weights (1, 2) out, tanh(2) + 2·tanh(−2) = −tanh(2) = −0.96403
    assert MLP(net_shapes, "tanh").predict(params, x)[0, 0] == pytest.approx(0.5)
    skew = [*params[:2], np.array([[1.0], [2.0]]), np.array([0.0])]
    assert MLP(net_shapes, "tanh").predict(skew, x)[0, 0] == pytest.approx(-0.9640275800758169, abs=1e-15)


def test_tanh_saturates_without_warnings():
    net = MLP((1, 3, 1), "tanh")
    params = net.init(np.random.default_rng(0), scale=1e3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = net.predict(params, np.array([[1e3], [-1e3]]))
    assert np.all(np.isfinite(out)) and np.all(np.abs(out - params[3]) <= np.abs(params[2]).sum() + 1e-12)


def test_sigmoid_does_not_warn_on_large_inputs():
    net = MLP((1, 3, 1), "sigmoid")
    params = net.init(np.random.default_rng(0), scale=1e3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.all(np.isfinite(net.predict(params, np.array([[1e3], [-1e3]]))))


def test_init_shapes_scale_and_seed():
    net = MLP((1, 100, 1))
    a = net.init(np.random.default_rng(0))
    b = net.init(np.random.default_rng(0))
    assert [p.shape for p in a] == [(1, 100), (100,), (100, 1), (1,)]
    assert all(np.array_equal(p, q) for p, q in zip(a, b))
    assert np.all(a[1] == 0) and 0.05 < a[0].std() < 0.15


def test_mse_and_its_gradient():
    pred, target = np.array([[1.0, 2.0], [3.0, 5.0]]), np.array([[0.0, 2.0], [1.0, 1.0]])
    assert mse(pred, target) == pytest.approx((1 + 0 + 4 + 16) / 4)
    np.testing.assert_allclose(mse_grad(pred, target), 2 * (pred - target) / 4)


def test_flatten_round_trip():
    net = MLP((2, 3, 1))
    params = net.init(np.random.default_rng(1))
    flat = net.flatten(params)
    assert flat.shape == (2 * 3 + 3 + 3 + 1,)
    assert all(np.array_equal(p, q) for p, q in zip(params, net.unflatten(flat)))


def test_scalar_kernel_matches_loss_and_grad():
    net = MLP((1, 50, 1))
    rng = np.random.default_rng(3)
    flat = net.flatten([p + 0.1 * rng.standard_normal(p.shape) for p in net.init(rng)])
    kernel = net.scalar_kernel()
    for x, y in [(0.3, 0.09), (-2.5, 6.25), (1.7, 2.0)]:
        loss, grad = kernel(net.kernel_views(flat), x, y)
        ref_loss, ref_grad = net.loss_and_grad(flat, np.array([[x]]), np.array([[y]]))
        assert loss == pytest.approx(ref_loss, rel=1e-12)
        np.testing.assert_allclose(grad, ref_grad, rtol=1e-12, atol=1e-15)
    assert MLP((1, 5, 1), "sigmoid").scalar_kernel() is None
    assert MLP((2, 5, 1)).scalar_kernel() is None


@pytest.mark.parametrize("sizes, activation", [((1,), "relu"), ((1, 0, 1), "relu"), ((1, 4, 1), "gelu")])
def test_invalid_nets_raise(sizes, activation):
    with pytest.raises(ValueError, match="Invalid"):
        MLP(sizes, activation)
