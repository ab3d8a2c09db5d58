"""Optimisers: steps computed by hand, purity (no mutation), validation, and convergence on a parabola."""
import copy
import math
import pickle

import numpy as np
import pytest

from core.optim import AdagradState, MomentumState, adagrad, apply_updates, effective_lr, momentum, sgd


def test_sgd_step_by_hand():
    opt = sgd(0.1)
    params = [np.array([1.0, -2.0])]
    updates, _ = opt.update([np.array([0.5, -4.0])], opt.init(params))
    np.testing.assert_array_equal(apply_updates(params, updates)[0], [1.0 - 0.05, -2.0 + 0.4])


def test_momentum_steps_by_hand():
    # v1 = -lr g1 ; v2 = beta v1 - lr g2 ; p2 = p0 + v1 + v2
    lr, beta = 0.1, 0.9
    opt = momentum(lr, beta)
    p0, g1, g2 = np.array([1.0]), np.array([2.0]), np.array([-1.0])
    state = opt.init([p0])
    u1, state = opt.update([g1], state)
    p1 = apply_updates([p0], u1)
    u2, state = opt.update([g2], state)
    p2 = apply_updates(p1, u2)
    v1 = -0.1 * 2.0
    v2 = 0.9 * v1 - 0.1 * -1.0
    assert u1[0][0] == pytest.approx(v1) and u2[0][0] == pytest.approx(v2)
    assert p2[0][0] == pytest.approx(1.0 + v1 + v2)
    assert isinstance(state, MomentumState) and state.velocity[0][0] == pytest.approx(v2)


def test_adagrad_steps_by_hand():
    lr, eps = 0.1, 1e-8
    opt = adagrad(lr, eps)
    p = [np.array([1.0, 1.0])]
    grads = [np.array([3.0, 0.5]), np.array([-4.0, 0.5])]
    state = opt.init(p)
    G = np.zeros(2)
    expected = np.array([1.0, 1.0])
    for g in grads:
        updates, state = opt.update([g], state)
        p = apply_updates(p, updates)
        G = G + g * g
        expected = expected - lr * g / (np.sqrt(G) + eps)
    np.testing.assert_allclose(p[0], expected, rtol=1e-15)
    np.testing.assert_array_equal(state.sum_of_squares[0], [25.0, 0.5])
    # The first step has size lr whatever the gradient's size: −lr·g/|g|.
    first, _ = adagrad(0.3).update([np.array([1e6, -1e-3])], adagrad(0.3).init(p))
    np.testing.assert_allclose(first[0], [-0.3, 0.3], rtol=1e-5)  # eps/|g| = 1e-5
    np.testing.assert_allclose(effective_lr(lr, state, eps)[0], lr / (np.sqrt([25.0, 0.5]) + eps))


def test_exercise_adagrad_matrix_and_vector_step():
    """The original exercise: a 10×10 matrix and a 10-vector of N(0, 1) parameters, N(0, 1) gradients, lr 0.1."""
    rng = np.random.default_rng(0)
    params = [rng.standard_normal((10, 10)), rng.standard_normal(10)]
    grads = [rng.standard_normal((10, 10)), rng.standard_normal(10)]
    opt = adagrad(0.1)
    updates, state = opt.update(grads, opt.init(params))
    new = apply_updates(params, updates)
    for p, g, n, s in zip(params, grads, new, state.sum_of_squares):
        np.testing.assert_allclose(s, g**2)
        np.testing.assert_allclose(n, p - 0.1 * g / (np.abs(g) + 1e-8))


@pytest.mark.parametrize("make", [lambda: sgd(0.1), lambda: momentum(0.1), lambda: adagrad(0.1)])
def test_update_never_mutates_its_inputs_and_state_pickles(make):
    opt = make()
    params = [np.ones((3, 2)), np.zeros(2)]
    state = opt.init(params)
    grads = [np.full((3, 2), 0.5), np.array([1.0, -1.0])]
    before = (copy.deepcopy(grads), copy.deepcopy(state))
    for _ in range(3):
        updates, new_state = opt.update(grads, state)
    for g, g0 in zip(grads, before[0]):
        np.testing.assert_array_equal(g, g0)
    for field, field0 in zip(state, before[1]):
        for a, a0 in zip(field, field0):
            np.testing.assert_array_equal(a, a0)
    assert type(pickle.loads(pickle.dumps(new_state))) is type(new_state)


@pytest.mark.parametrize("make, lr", [(sgd, 0.5), (sgd, 0.05), (lambda lr: momentum(lr, 0.9), 0.5),
                                      (lambda lr: momentum(lr, 0.9), 0.05), (adagrad, 1.0), (adagrad, 0.5)])
def test_every_optimizer_minimises_a_parabola(make, lr):
    """optax's table test: f(p) = ½‖p − 3‖² from 0 reaches 3."""
    opt = make(lr)
    params = [np.zeros(4)]
    state = opt.init(params)
    for _ in range(2000):
        updates, state = opt.update([params[0] - 3.0], state)
        params = apply_updates(params, updates)
    np.testing.assert_allclose(params[0], 3.0, atol=1e-3)


@pytest.mark.parametrize("bad, match", [
    (lambda: sgd(0), "Invalid learning rate: 0"),
    (lambda: sgd(-1), "Invalid learning rate: -1"),
    (lambda: momentum(math.nan), "Invalid learning rate: nan"),
    (lambda: adagrad(math.inf), "Invalid learning rate: inf"),
    (lambda: momentum(0.1, 1.0), "Invalid momentum beta: 1.0"),
    (lambda: momentum(0.1, -0.1), "Invalid momentum beta: -0.1"),
    (lambda: momentum(0.1, math.nan), "Invalid momentum beta: nan"),
    (lambda: adagrad(0.1, -1e-8), "Invalid epsilon: -1e-08"),
])
def test_bad_hyperparameters_raise_naming_the_value(bad, match):
    with pytest.raises(ValueError, match=match):
        bad()


def test_adagrad_with_zero_eps_and_zero_gradient_does_not_move():
    opt = adagrad(0.1, eps=0.0)
    updates, state = opt.update([np.array([0.0, 2.0])], opt.init([np.zeros(2)]))
    np.testing.assert_array_equal(updates[0], [0.0, -0.1])
    assert isinstance(state, AdagradState)


def test_matches_torch_when_available():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    p0 = rng.standard_normal(5)
    grads = [rng.standard_normal(5) for _ in range(4)]
    for ours, theirs in [(momentum(0.1, 0.9), lambda w: torch.optim.SGD([w], lr=0.1, momentum=0.9)),
                         (adagrad(0.1), lambda w: torch.optim.Adagrad([w], lr=0.1, eps=1e-8))]:
        w = torch.tensor(p0.copy(), requires_grad=True)
        topt = theirs(w)
        params, state = [p0.copy()], ours.init([p0])
        for g in grads:
            w.grad = torch.tensor(g)
            topt.step()
            updates, state = ours.update([g], state)
            params = apply_updates(params, updates)
        np.testing.assert_allclose(params[0], w.detach().numpy(), rtol=1e-12)
