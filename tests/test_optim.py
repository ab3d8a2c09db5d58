"""Optimisers: steps computed by hand, purity (no mutation), validation, and convergence on a parabola."""
import copy
import inspect
import math
import pickle

import numpy as np
import pytest

from core.optim import (
    HYPERPARAMETERS,
    OPTIMIZERS,
    SCALING,
    AdagradState,
    AdamState,
    MomentumState,
    RmspropState,
    adagrad,
    adam,
    apply_updates,
    by_name,
    effective_lr,
    momentum,
    rmsprop,
    sgd,
)


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
    np.testing.assert_allclose(effective_lr(lr, state.sum_of_squares[0], eps), lr / (np.sqrt([25.0, 0.5]) + eps))


def test_rmsprop_steps_by_hand():
    # lr 0.1, decay 0.9, eps 0: s1 = 0.1·2² = 0.4, u1 = −0.1·2/√0.4 = −√0.1;
    # s2 = 0.9·0.4 + 0.1·(−1)² = 0.46, u2 = −0.1·(−1)/√0.46 = 0.1/√0.46.
    opt = rmsprop(0.1, decay=0.9, eps=0.0)
    state = opt.init([np.zeros(1)])
    u1, state = opt.update([np.array([2.0])], state)
    assert u1[0][0] == pytest.approx(-math.sqrt(0.1), rel=1e-15)
    assert state.mean_square[0][0] == pytest.approx(0.4, rel=1e-15)
    u2, state = opt.update([np.array([-1.0])], state)
    assert u2[0][0] == pytest.approx(0.1 / math.sqrt(0.46), rel=1e-15)
    assert isinstance(state, RmspropState) and state.mean_square[0][0] == pytest.approx(0.46, rel=1e-15)
    # Unlike Adagrad it forgets: after many zero gradients s decays towards 0 (Adagrad's G would stay 4.4).
    for _ in range(100):
        _, state = opt.update([np.array([0.0])], state)
    assert state.mean_square[0][0] == pytest.approx(0.46 * 0.9**100, rel=1e-12)


def test_adam_steps_by_hand():
    # lr 0.1, b1 0.9, b2 0.999, eps 0. Step 1: m = 0.1·g, v = 0.001·g², so m̂ = g and v̂ = g²: u1 = −lr·sign(g).
    # Step 2 (g = −1): m = 0.9·0.2 − 0.1 = 0.08, v = 0.999·0.004 + 0.001 = 0.004996,
    # m̂ = 0.08/(1 − 0.81) = 0.4210526…, v̂ = 0.004996/(1 − 0.998001) = 2.4992496…, u2 = −0.1·m̂/√v̂.
    opt = adam(0.1, b1=0.9, b2=0.999, eps=0.0)
    state = opt.init([np.zeros(1)])
    u1, state = opt.update([np.array([2.0])], state)
    assert u1[0][0] == pytest.approx(-0.1, rel=1e-12)
    u2, state = opt.update([np.array([-1.0])], state)
    m_hat, v_hat = 0.08 / 0.19, 0.004996 / 0.001999
    assert u2[0][0] == pytest.approx(-0.1 * m_hat / math.sqrt(v_hat), rel=1e-12)
    assert u2[0][0] == pytest.approx(-0.0266335, rel=1e-5)  # the same, as a number
    assert isinstance(state, AdamState) and state.count == 2
    assert state.mean[0][0] == pytest.approx(0.08) and state.mean_square[0][0] == pytest.approx(0.004996)
    # With eps > 0 the same steps, up to eps/√v̂.
    with_eps = adam(0.1)
    s = with_eps.init([np.zeros(1)])
    v1, s = with_eps.update([np.array([2.0])], s)
    assert v1[0][0] == pytest.approx(-0.1 * 2 / (2 + 1e-8), rel=1e-15)


def test_zero_eps_and_zero_gradient_do_not_move_rmsprop_or_adam():
    # RMSProp's first step is −lr·g/√((1 − ρ)·g²) = −lr/√(1 − ρ) = −1 at lr 0.1, ρ 0.99; Adam's is −lr.
    for opt, step in ((rmsprop(0.1, eps=0.0), -1.0), (adam(0.1, eps=0.0), -0.1)):
        updates, _ = opt.update([np.array([0.0, 2.0])], opt.init([np.zeros(2)]))
        np.testing.assert_allclose(updates[0], [0.0, step], rtol=1e-12)


def test_the_family_is_listed_by_name():
    assert list(OPTIMIZERS) == ["sgd", "momentum", "adagrad", "rmsprop", "adam"]
    assert OPTIMIZERS["adam"] is adam and OPTIMIZERS["rmsprop"] is rmsprop


def test_each_optimizer_lists_the_hyper_parameters_its_function_takes():
    for name, build in OPTIMIZERS.items():
        assert HYPERPARAMETERS[name] == tuple(inspect.signature(build).parameters)[1:]


@pytest.mark.parametrize("name, by_hand", [
    ("sgd", sgd(0.1)), ("momentum", momentum(0.1, 0.5)), ("adagrad", adagrad(0.1, 0.01)),
    ("rmsprop", rmsprop(0.1, 0.9, 0.01)), ("adam", adam(0.1, 0.8, 0.99, 0.01))])
def test_by_name_builds_the_optimizer_with_the_hyper_parameters_it_takes(name, by_hand):
    built = by_name(name, 0.1, beta=0.5, decay=0.9, b1=0.8, b2=0.99, eps=0.01)  # each takes its own, ignores the rest
    s, t = built.init([np.zeros(2)]), by_hand.init([np.zeros(2)])
    for g in ([np.array([0.5, -4.0])], [np.array([3.0, 0.25])]):  # two steps: the state is carried too
        (u, s), (v, t) = built.update(g, s), by_hand.update(g, t)
        np.testing.assert_array_equal(u[0], v[0])


def test_by_name_refuses_an_unknown_name_or_hyper_parameter_and_checks_values():
    with pytest.raises(ValueError, match="Invalid optimizer: 'nadam'"):
        by_name("nadam", 0.1)
    with pytest.raises(ValueError, match="Invalid hyper-parameter: betta"):
        by_name("momentum", 0.1, betta=0.5)
    with pytest.raises(ValueError, match="Invalid momentum beta: 1.5"):
        by_name("momentum", 0.1, beta=1.5)
    assert by_name("adam", 0.1).update([np.array([2.0])], by_name("adam", 0.1).init([np.zeros(1)]))[0][0][0] == (
        pytest.approx(-0.1))  # the defaults: Adam's first step is −lr·sign(g)


def test_effective_lr_takes_arrays():
    G = np.array([[0.0, 4.0], [25.0, 1e-4]])
    np.testing.assert_allclose(effective_lr(0.5, G, 0.0 + 1e-8), 0.5 / (np.sqrt(G) + 1e-8))
    assert effective_lr(0.3, 9.0, 0.0) == pytest.approx(0.1)


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


@pytest.mark.parametrize("make", [lambda: sgd(0.1), lambda: momentum(0.1), lambda: adagrad(0.1),
                                  lambda: rmsprop(0.1), lambda: adam(0.1)])
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
        if isinstance(field, int):  # Adam's step count
            assert field == field0
            continue
        for a, a0 in zip(field, field0):
            np.testing.assert_array_equal(a, a0)
    assert type(pickle.loads(pickle.dumps(new_state))) is type(new_state)


@pytest.mark.parametrize("make, lr", [(sgd, 0.5), (sgd, 0.05), (lambda lr: momentum(lr, 0.9), 0.5),
                                      (lambda lr: momentum(lr, 0.9), 0.05), (adagrad, 1.0), (adagrad, 0.5),
                                      (rmsprop, 0.01), (rmsprop, 0.003), (adam, 0.1), (adam, 0.01)])
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
    (lambda: rmsprop(-0.1), "Invalid learning rate: -0.1"),
    (lambda: rmsprop(0.1, decay=1.0), "Invalid decay: 1.0"),
    (lambda: rmsprop(0.1, decay=math.nan), "Invalid decay: nan"),
    (lambda: rmsprop(0.1, eps=math.inf), "Invalid epsilon: inf"),
    (lambda: adam(0), "Invalid learning rate: 0"),
    (lambda: adam(0.1, b1=-0.5), "Invalid b1: -0.5"),
    (lambda: adam(0.1, b2=1.0), "Invalid b2: 1.0"),
    (lambda: adam(0.1, b2=math.nan), "Invalid b2: nan"),
    (lambda: adam(0.1, eps=-1.0), "Invalid epsilon: -1.0"),
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
    grads = [rng.standard_normal(5) for _ in range(20)]
    for ours, theirs in [(momentum(0.1, 0.9), lambda w: torch.optim.SGD([w], lr=0.1, momentum=0.9)),
                         (adagrad(0.1), lambda w: torch.optim.Adagrad([w], lr=0.1, eps=1e-8)),
                         (rmsprop(0.1, 0.9, 1e-6), lambda w: torch.optim.RMSprop([w], lr=0.1, alpha=0.9, eps=1e-6)),
                         (adam(0.05, 0.8, 0.99, 1e-7),
                          lambda w: torch.optim.Adam([w], lr=0.05, betas=(0.8, 0.99), eps=1e-7))]:
        w = torch.tensor(p0.copy(), requires_grad=True)
        topt = theirs(w)
        params, state = [p0.copy()], ours.init([p0])
        for g in grads:
            w.grad = torch.tensor(g)
            topt.step()
            updates, state = ours.update([g], state)
            params = apply_updates(params, updates)
        np.testing.assert_allclose(params[0], w.detach().numpy(), rtol=1e-12)


# --- SCALING: what each optimiser divides by, the data every sentence about a rule reads ----------------------
def step_sizes(name, grads, lr=0.1):
    """|update| / |g| of each step of OPTIMIZERS[name] (defaults) fed the 1-D gradients ``grads``."""
    opt = OPTIMIZERS[name](lr)
    state, out = opt.init([np.zeros(1)]), []
    for g in grads:
        updates, state = opt.update([np.array([g])], state)
        out.append(abs(float(updates[0][0])) / abs(g))
    return np.array(out)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_scaling_says_what_each_optimiser_divides_by(name):
    """'sum': a constant gradient's steps fall like lr/√t (√G = √t·|g|); 'mean': they stay about lr (the mean
    of g² is g²); 'nothing': they grow with g. Dividing by a root of g² makes the steps blind to g's scale."""
    rule = SCALING[name]
    lr, n = 0.1, 400
    small, large = step_sizes(name, [3.0] * n, lr) * 3.0, step_sizes(name, [300.0] * n, lr) * 300.0  # |update|
    if rule.divides_by == "sum":
        assert small[-1] == pytest.approx(lr / math.sqrt(n), rel=1e-6)
        np.testing.assert_allclose(large, small, rtol=1e-6)
    elif rule.divides_by == "mean":
        assert 0.9 * lr < small[-1] < 1.1 * lr
        np.testing.assert_allclose(large, small, rtol=1e-6)
    else:
        assert rule.divides_by == "nothing" and rule.divisor is None
        np.testing.assert_allclose(large, 100 * small, rtol=1e-9)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_steps_only_shrink_for_a_sum_alone(name):
    """Gradients that fall from 10 to 0.01 and stay there: Adagrad's step size lr/(√G + eps) never grows;
    RMSProp's and Adam's grow back as their means forget the big ones; plain steps keep lr."""
    ratio = step_sizes(name, [10.0] * 5 + [0.01] * 1500)
    shrinks_only = bool(np.all(np.diff(ratio) <= 1e-15) and ratio[-1] < ratio[0])
    assert SCALING[name].steps_only_shrink == shrinks_only


# The first step's size, written out here for each formula SCALING names (g = −40, lr = 0.1; eps aside).
FIRST_STEP = {"lr·|g|": lambda lr, g: lr * abs(g), "lr": lambda lr, g: lr,
              "lr/√(1 − ρ)": lambda lr, g: lr / math.sqrt(1 - 0.99)}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_first_step_formula_is_the_first_update(name):
    assert abs(step_sizes(name, [-40.0], 0.1)[0] * 40.0) == pytest.approx(
        FIRST_STEP[SCALING[name].first_step](0.1, -40.0), rel=1e-8)
