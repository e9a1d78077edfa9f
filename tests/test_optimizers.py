"""Unit tests of the optimizers in :mod:`sklearn_gd.optimizers`.

Each optimizer is driven through its public ``init(params)`` /
``step(params, grads, state, lr)`` API for a few steps with fixed gradients on
two parameter arrays (a matrix and a vector), with a different step size at each
step and non-default hyper-parameters (a large ``eps`` so that where it enters
the formula matters), and compared with an independent reference implementation
of the published update rule that its docstring names:

- ``SGD`` (plain, momentum, Nesterov), ``Adam``, ``AdamW``, ``RMSprop``,
  ``Adagrad``, ``Adadelta``: ``torch.optim`` (no dampening, no centering, no
  learning-rate decay); ``AdamW``'s decoupled weight decay is checked through
  ``GDRegressor`` against ``torch.optim.AdamW``'s rule;
- ``Nadam``: ``optax.nadam`` (Nesterov-corrected first moment, bias-corrected
  with ``t + 1`` and ``t``).

Also checked: the published default hyper-parameters; ``step_size`` (the step
the proximal operator of an L1 penalty uses) makes proximal iterations converge
to the true L1 solution; ``clip_value`` and ``clip_norm`` (global norm over
all arrays, value clipping first), also inside an estimator; ``LBFGS.minimize``
finds the minimum of a quadratic; components are stateless (``step`` never
mutates the optimizer object), ``clone`` and nested ``get_params``/
``set_params`` work, and the string shorthands map to the documented objects.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from sklearn.base import clone

from sklearn_gd import GDRegressor, optimizers
from sklearn_gd.optimizers import (
    LBFGS,
    OPTIMIZERS,
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    AdamW,
    Nadam,
    Optimizer,
    RMSprop,
)
from sklearn_gd.penalties import L1

# ---------------------------------------------------------------------------
# Reference implementations of the published update rules. Each takes the
# initial parameters, the gradient sequence and the step sizes, and returns the
# parameters after every step (a list over steps of lists over arrays).


def reference_sgd(params, grads, lrs, momentum=0.0, nesterov=False):
    """torch.optim.SGD with dampening=0, weight_decay=0."""
    params = [p.copy() for p in params]
    buffers = [None] * len(params)
    history = []
    for grad_list, lr in zip(grads, lrs):
        for i, g in enumerate(grad_list):
            if momentum:
                if buffers[i] is None:
                    buffers[i] = g.copy()  # torch: buf = clone(grad) at step 1
                else:
                    buffers[i] = momentum * buffers[i] + g
                d = g + momentum * buffers[i] if nesterov else buffers[i]
            else:
                d = g
            params[i] = params[i] - lr * d
        history.append([p.copy() for p in params])
    return history


def reference_adam(params, grads, lrs, beta1=0.9, beta2=0.999, eps=1e-8):
    """torch.optim.Adam (amsgrad=False, weight_decay=0)."""
    params = [p.copy() for p in params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    history = []
    for t, (grad_list, lr) in enumerate(zip(grads, lrs), start=1):
        bias_correction1 = 1 - beta1**t
        bias_correction2 = 1 - beta2**t
        for i, g in enumerate(grad_list):
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g**2
            denom = np.sqrt(v[i]) / np.sqrt(bias_correction2) + eps
            params[i] = params[i] - (lr / bias_correction1) * m[i] / denom
        history.append([p.copy() for p in params])
    return history


def reference_nadam(params, grads, lrs, beta1=0.9, beta2=0.999, eps=1e-8):
    """optax.nadam: scale_by_adam(nesterov=True) then scale by -lr."""
    params = [p.copy() for p in params]
    mu = [np.zeros_like(p) for p in params]
    nu = [np.zeros_like(p) for p in params]
    history = []
    for count, (grad_list, lr) in enumerate(zip(grads, lrs), start=1):
        for i, g in enumerate(grad_list):
            mu[i] = beta1 * mu[i] + (1 - beta1) * g
            nu[i] = beta2 * nu[i] + (1 - beta2) * g**2
            mu_hat = beta1 * mu[i] / (1 - beta1 ** (count + 1)) + (1 - beta1) * g / (
                1 - beta1**count
            )
            nu_hat = nu[i] / (1 - beta2**count)
            params[i] = params[i] - lr * mu_hat / (np.sqrt(nu_hat) + eps)
        history.append([p.copy() for p in params])
    return history


def reference_rmsprop(params, grads, lrs, rho=0.99, eps=1e-8):
    """torch.optim.RMSprop (centered=False, momentum=0); torch calls rho alpha."""
    params = [p.copy() for p in params]
    square_avg = [np.zeros_like(p) for p in params]
    history = []
    for grad_list, lr in zip(grads, lrs):
        for i, g in enumerate(grad_list):
            square_avg[i] = rho * square_avg[i] + (1 - rho) * g * g
            params[i] = params[i] - lr * g / (np.sqrt(square_avg[i]) + eps)
        history.append([p.copy() for p in params])
    return history


def reference_adagrad(params, grads, lrs, eps=1e-10):
    """torch.optim.Adagrad (lr_decay=0, initial_accumulator_value=0)."""
    params = [p.copy() for p in params]
    state_sum = [np.zeros_like(p) for p in params]
    history = []
    for grad_list, lr in zip(grads, lrs):
        for i, g in enumerate(grad_list):
            state_sum[i] = state_sum[i] + g * g
            params[i] = params[i] - lr * g / (np.sqrt(state_sum[i]) + eps)
        history.append([p.copy() for p in params])
    return history


def reference_adadelta(params, grads, lrs, rho=0.9, eps=1e-6):
    """torch.optim.Adadelta."""
    params = [p.copy() for p in params]
    square_avg = [np.zeros_like(p) for p in params]
    acc_delta = [np.zeros_like(p) for p in params]
    history = []
    for grad_list, lr in zip(grads, lrs):
        for i, g in enumerate(grad_list):
            square_avg[i] = rho * square_avg[i] + (1 - rho) * g * g
            std = np.sqrt(square_avg[i] + eps)
            delta = np.sqrt(acc_delta[i] + eps) / std * g
            acc_delta[i] = rho * acc_delta[i] + (1 - rho) * delta * delta
            params[i] = params[i] - lr * delta
        history.append([p.copy() for p in params])
    return history


# (optimizer, reference with the same hyper-parameters)
CASES = {
    "sgd": (SGD(), reference_sgd),
    "momentum": (SGD(momentum=0.9), lambda *a: reference_sgd(*a, momentum=0.9)),
    "momentum_0.5": (SGD(momentum=0.5), lambda *a: reference_sgd(*a, momentum=0.5)),
    "nesterov": (
        SGD(momentum=0.9, nesterov=True),
        lambda *a: reference_sgd(*a, momentum=0.9, nesterov=True),
    ),
    "adam": (Adam(), reference_adam),
    "adam_custom": (
        Adam(beta1=0.8, beta2=0.95, eps=0.05),
        lambda *a: reference_adam(*a, beta1=0.8, beta2=0.95, eps=0.05),
    ),
    # AdamW's step is Adam's; its weight decay is applied by the engine (below).
    "adamw": (AdamW(beta1=0.7), lambda *a: reference_adam(*a, beta1=0.7)),
    "nadam": (Nadam(), reference_nadam),
    "nadam_custom": (
        Nadam(beta1=0.8, beta2=0.95, eps=0.05),
        lambda *a: reference_nadam(*a, beta1=0.8, beta2=0.95, eps=0.05),
    ),
    "rmsprop": (RMSprop(), reference_rmsprop),
    "rmsprop_custom": (
        RMSprop(rho=0.8, eps=0.05),
        lambda *a: reference_rmsprop(*a, rho=0.8, eps=0.05),
    ),
    "adagrad": (Adagrad(), reference_adagrad),
    "adagrad_custom": (Adagrad(eps=0.05), lambda *a: reference_adagrad(*a, eps=0.05)),
    "adadelta": (Adadelta(), reference_adadelta),
    "adadelta_custom": (
        Adadelta(rho=0.5, eps=0.01),
        lambda *a: reference_adadelta(*a, rho=0.5, eps=0.01),
    ),
}

FIRST_ORDER = [name for name in OPTIMIZERS if name != "lbfgs"]


def _problem(seed=0, n_steps=5):
    """Two parameter arrays, fixed gradients for each step, varying step sizes."""
    rng = np.random.RandomState(seed)
    params = [rng.normal(size=(3, 2)), rng.normal(size=2)]
    grads = [
        [rng.normal(scale=scale, size=p.shape) for p in params]
        for scale in np.linspace(0.5, 3.0, n_steps)
    ]
    lrs = list(np.linspace(0.1, 0.03, n_steps))
    return params, grads, lrs


def test_every_optimizer_class_is_covered():
    covered = {type(case[0]) for case in CASES.values()} | {LBFGS}
    public = {getattr(optimizers, name) for name in optimizers.__all__}
    assert public - {Optimizer} <= covered


@pytest.mark.parametrize("case", CASES)
def test_steps_match_published_update_rule(case):
    optimizer, reference = CASES[case]
    params0, grads, lrs = _problem()
    expected = reference(params0, grads, lrs)

    params = [p.copy() for p in params0]
    state = optimizer.init(params)
    for step, (grad_list, lr) in enumerate(zip(grads, lrs)):
        # step may overwrite the gradients it is given: pass copies.
        optimizer.step(params, [g.copy() for g in grad_list], state, lr)
        for actual, wanted in zip(params, expected[step]):
            np.testing.assert_allclose(actual, wanted, rtol=1e-10, atol=1e-12)
    # The update really moved the parameters (the comparison is not vacuous).
    assert not np.allclose(params[0], params0[0])


@pytest.mark.parametrize("case", ["sgd", "nesterov", "adam", "adadelta"])
def test_float32_parameters_stay_float32(case):
    optimizer = CASES[case][0]
    params0, grads, lrs = _problem(seed=1, n_steps=3)
    params = [p.astype(np.float32) for p in params0]
    state = optimizer.init(params)
    for grad_list, lr in zip(grads, lrs):
        optimizer.step(params, [g.astype(np.float32) for g in grad_list], state, lr)
    assert all(p.dtype == np.float32 for p in params)


def test_state_is_per_call_to_init():
    # Two runs from the same optimizer object do not share moments.
    optimizer = Adam()
    params0, grads, lrs = _problem(seed=2, n_steps=3)
    first = [p.copy() for p in params0]
    second = [p.copy() for p in params0]
    state_first = optimizer.init(first)
    state_second = optimizer.init(second)
    for grad_list, lr in zip(grads, lrs):
        optimizer.step(first, [g.copy() for g in grad_list], state_first, lr)
    optimizer.step(second, [g.copy() for g in grads[0]], state_second, lrs[0])
    expected = reference_adam(params0, grads[:1], lrs[:1])[0]
    for actual, wanted in zip(second, expected):
        np.testing.assert_allclose(actual, wanted, rtol=1e-12)


@pytest.mark.parametrize(
    "optimizer, defaults",
    [
        (SGD(), {"momentum": 0.0, "nesterov": False}),
        (Adam(), {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
        (AdamW(), {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
        (Nadam(), {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
        (RMSprop(), {"rho": 0.99, "eps": 1e-8}),
        (Adagrad(), {"eps": 1e-10}),
        (Adadelta(), {"rho": 0.9, "eps": 1e-6}),
    ],
)
def test_published_default_hyper_parameters(optimizer, defaults):
    # torch.optim's defaults (optax's for Nadam, which are the same).
    params = optimizer.get_params()
    for name, value in defaults.items():
        assert params[name] == value
    assert params["clip_norm"] is None
    assert params["clip_value"] is None


@pytest.mark.parametrize(
    "name, expected",
    [
        ("sgd", SGD()),
        ("momentum", SGD(momentum=0.9)),
        ("nesterov", SGD(momentum=0.9, nesterov=True)),
        ("adam", Adam()),
        ("adamw", AdamW()),
        ("nadam", Nadam()),
        ("rmsprop", RMSprop()),
        ("adagrad", Adagrad()),
        ("adadelta", Adadelta()),
        ("lbfgs", LBFGS()),
    ],
)
def test_shorthands_map_to_documented_objects(name, expected):
    optimizer = OPTIMIZERS[name]()
    assert type(optimizer) is type(expected)
    assert optimizer.get_params() == expected.get_params()


def test_only_adamw_decouples_weight_decay():
    for name in FIRST_ORDER:
        optimizer = OPTIMIZERS[name]()
        assert optimizer.decoupled_weight_decay is (name == "adamw"), name
        assert optimizer.full_batch is False
    assert LBFGS().full_batch is True


def test_adamw_in_estimator_matches_torch_adamw():
    # torch.optim.AdamW: w <- w (1 - lr wd), then the Adam step on the loss
    # gradient (taken before the decay). With penalty="l2" the estimator's
    # weight_decay is alpha; full batch, no intercept, constant step.
    rng = np.random.RandomState(3)
    X = rng.normal(size=(20, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + rng.normal(scale=0.1, size=20)
    lr, alpha, n_steps = 0.05, 0.3, 5
    model = GDRegressor(
        optimizer=AdamW(),
        penalty="l2",
        alpha=alpha,
        learning_rate=lr,
        batch_size=None,
        shuffle=False,
        fit_intercept=False,
        tol=None,
        max_iter=n_steps,
    ).fit(X, y)

    w = np.zeros(3)
    m = np.zeros(3)
    v = np.zeros(3)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for t in range(1, n_steps + 1):
        g = X.T @ (X @ w - y) / len(y)
        w = w * (1 - lr * alpha)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        denom = np.sqrt(v) / np.sqrt(1 - beta2**t) + eps
        w = w - lr / (1 - beta1**t) * m / denom
    np.testing.assert_allclose(model.coef_, w, rtol=1e-10)

    # And it is not Adam on the L2-penalised gradient.
    adam = clone(model).set_params(optimizer=Adam()).fit(X, y)
    assert not np.allclose(adam.coef_, w, rtol=1e-6)


# ---------------------------------------------------------------------------
# step_size: what the proximal step of an L1 penalty uses

PROX_CASES = {
    "sgd": (SGD(), 0.1, False),
    "momentum": (SGD(momentum=0.9), 0.05, False),
    "nesterov": (SGD(momentum=0.9, nesterov=True), 0.05, False),
    "adam": (Adam(), 0.01, True),
    "adamw": (AdamW(), 0.01, True),
    "nadam": (Nadam(), 0.01, True),
    "rmsprop": (RMSprop(), 0.01, True),
    "adagrad": (Adagrad(), 0.5, False),
    "adadelta": (Adadelta(), 1.0, True),
}

@pytest.mark.parametrize(
    "case",
    list(PROX_CASES),
)
def test_proximal_iterations_reach_the_l1_solution(case):
    # min_w ½||w - a||² + lam ||w||_1 is solved by soft(a, lam). Each optimizer
    # steps on the smooth part, then the L1 prox uses lam * step_size as its
    # threshold, as the engine does; the fixed point must be that solution
    # whatever the preconditioning.
    optimizer, lr, decay = PROX_CASES[case]
    a = np.array([2.0, 0.05, -1.0, -0.02, 0.6])
    lam = 0.1
    w = [np.zeros_like(a)]
    state = optimizer.init(w)
    for k in range(2000):
        lr_k = lr / np.sqrt(1 + k / 100) if decay else lr
        optimizer.step(w, [w[0] - a], state, lr_k)
        L1().prox(w[0], lam * optimizer.step_size(state, 0, lr_k))
    expected = np.sign(a) * np.maximum(np.abs(a) - lam, 0)
    np.testing.assert_allclose(w[0], expected, atol=1e-4)
    assert np.all(w[0][expected == 0] == 0)  # exact zeros


def test_step_size_of_plain_sgd_is_the_learning_rate():
    params0, grads, lrs = _problem(seed=4, n_steps=1)
    params = [p.copy() for p in params0]
    state = SGD().init(params)
    SGD().step(params, [g.copy() for g in grads[0]], state, lrs[0])
    for i, (p, p0, g) in enumerate(zip(params, params0, grads[0])):
        np.testing.assert_allclose(p0 - p, SGD().step_size(state, i, lrs[0]) * g)


@pytest.mark.parametrize("case", ["rmsprop_custom", "adagrad_custom", "adadelta"])
def test_step_size_is_the_per_coordinate_step_of_diagonal_methods(case):
    # For these methods the update is exactly step_size * gradient.
    optimizer = CASES[case][0]
    params0, grads, lrs = _problem(seed=5, n_steps=3)
    params = [p.copy() for p in params0]
    state = optimizer.init(params)
    for grad_list, lr in zip(grads, lrs):
        before = [p.copy() for p in params]
        optimizer.step(params, [g.copy() for g in grad_list], state, lr)
        for i, g in enumerate(grad_list):
            step = optimizer.step_size(state, i, lr)
            assert np.shape(step) == g.shape
            np.testing.assert_allclose(before[i] - params[i], step * g, rtol=1e-10)


@pytest.mark.parametrize("cls", [Adam, Nadam])
def test_adam_step_size_is_lr_over_the_denominator(cls):
    beta2, eps = 0.95, 0.05
    optimizer = cls(beta2=beta2, eps=eps)
    params0, grads, lrs = _problem(seed=6, n_steps=3)
    params = [p.copy() for p in params0]
    state = optimizer.init(params)
    v = [np.zeros_like(p) for p in params]
    for t, (grad_list, lr) in enumerate(zip(grads, lrs), start=1):
        optimizer.step(params, [g.copy() for g in grad_list], state, lr)
        for i, g in enumerate(grad_list):
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            expected = lr / (np.sqrt(v[i] / (1 - beta2**t)) + eps)
            np.testing.assert_allclose(optimizer.step_size(state, i, lr), expected)


# ---------------------------------------------------------------------------
# Gradient clipping


def _grads(seed=7):
    rng = np.random.RandomState(seed)
    return [rng.normal(scale=3, size=(4, 3)), rng.normal(scale=3, size=3)]


def _global_norm(grads):
    return np.sqrt(sum(np.sum(g**2) for g in grads))


@pytest.mark.parametrize("name", FIRST_ORDER)
def test_clip_norm_rescales_all_arrays_by_their_global_norm(name):
    optimizer = OPTIMIZERS[name]().set_params(clip_norm=1.5)
    grads = _grads()
    original = [g.copy() for g in grads]
    norm = _global_norm(original)
    assert norm > 1.5
    optimizer.clip(grads)
    assert _global_norm(grads) == pytest.approx(1.5)
    # One common factor for every array (not each array to norm 1.5).
    for g, g0 in zip(grads, original):
        np.testing.assert_allclose(g, g0 * 1.5 / norm)


def test_clip_norm_leaves_small_gradients_alone():
    grads = [np.array([0.3, -0.4]), np.array([0.0])]
    SGD(clip_norm=1.0).clip(grads)
    np.testing.assert_array_equal(grads[0], [0.3, -0.4])


@pytest.mark.parametrize("name", FIRST_ORDER)
def test_clip_value_clips_each_element(name):
    optimizer = OPTIMIZERS[name]().set_params(clip_value=0.5)
    grads = _grads(seed=8)
    original = [g.copy() for g in grads]
    optimizer.clip(grads)
    for g, g0 in zip(grads, original):
        np.testing.assert_array_equal(g, np.clip(g0, -0.5, 0.5))


def test_clip_value_applies_before_clip_norm():
    grads = [np.array([10.0, -0.1]), np.array([-3.0])]
    Adam(clip_value=1.0, clip_norm=1.0).clip(grads)
    clipped = np.array([1.0, -0.1, -1.0])
    expected = clipped / np.linalg.norm(clipped)
    np.testing.assert_allclose(np.concatenate(grads), expected)


def test_no_clipping_by_default():
    grads = _grads(seed=9)
    original = [g.copy() for g in grads]
    Adam().clip(grads)
    for g, g0 in zip(grads, original):
        np.testing.assert_array_equal(g, g0)


def test_estimator_applies_gradient_clipping():
    # One full-batch plain SGD step from w = 0 moves the weights by lr * g with
    # ||g|| clipped to clip_norm; the unclipped gradient is far larger.
    rng = np.random.RandomState(10)
    X = rng.normal(size=(30, 4))
    y = 100 * X[:, 0]
    common = dict(
        penalty=None,
        learning_rate=0.1,
        batch_size=None,
        fit_intercept=False,
        tol=None,
        max_iter=1,
    )
    clipped = GDRegressor(optimizer=SGD(clip_norm=2.0), **common).fit(X, y)
    free = GDRegressor(optimizer=SGD(), **common).fit(X, y)
    assert np.linalg.norm(clipped.coef_) == pytest.approx(0.1 * 2.0)
    assert np.linalg.norm(free.coef_) > 10 * np.linalg.norm(clipped.coef_)
    np.testing.assert_allclose(
        clipped.coef_ / np.linalg.norm(clipped.coef_),
        free.coef_ / np.linalg.norm(free.coef_),
    )


# ---------------------------------------------------------------------------
# LBFGS


def test_lbfgs_minimises_a_quadratic():
    rng = np.random.RandomState(11)
    M = rng.normal(size=(6, 6))
    A = M @ M.T + 0.5 * np.eye(6)
    b = rng.normal(size=6)

    def objective(x):
        return 0.5 * x @ A @ x - b @ x, A @ x - b

    seen = []
    result = LBFGS().minimize(
        objective, np.zeros(6), max_iter=200, tol=1e-10, callback=seen.append
    )
    np.testing.assert_allclose(result.x, np.linalg.solve(A, b), rtol=1e-6)
    assert result.success
    assert len(seen) == result.nit > 0


def test_lbfgs_respects_max_iter_and_memory():
    A = np.diag(np.logspace(0, 3, 20))
    b = np.ones(20)

    def objective(x):
        return 0.5 * x @ A @ x - b @ x, A @ x - b

    short = LBFGS().minimize(objective, np.zeros(20), max_iter=3, tol=1e-12)
    assert short.nit == 3
    assert not short.success
    one_pair = LBFGS(memory=1).minimize(objective, np.zeros(20), max_iter=500, tol=1e-8)
    ten_pairs = LBFGS(memory=10).minimize(
        objective, np.zeros(20), max_iter=500, tol=1e-8
    )
    np.testing.assert_allclose(ten_pairs.x, b / np.diag(A), rtol=1e-5)
    assert ten_pairs.nit < one_pair.nit


# ---------------------------------------------------------------------------
# Components are stateless configuration


@pytest.mark.parametrize("case", CASES)
def test_step_does_not_mutate_the_optimizer(case):
    optimizer = CASES[case][0]
    before = copy.deepcopy(optimizer.__dict__)
    params0, grads, lrs = _problem(seed=12, n_steps=3)
    params = [p.copy() for p in params0]
    state = optimizer.init(params)
    for grad_list, lr in zip(grads, lrs):
        optimizer.step(params, [g.copy() for g in grad_list], state, lr)
        optimizer.clip([g.copy() for g in grad_list])
    assert optimizer.__dict__.keys() == before.keys()
    for key, value in before.items():
        assert optimizer.__dict__[key] == value


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_clone_gives_an_equal_independent_copy(name):
    optimizer = OPTIMIZERS[name]()
    cloned = clone(optimizer)
    assert cloned is not optimizer
    assert type(cloned) is type(optimizer)
    assert cloned.get_params() == optimizer.get_params()


def test_nested_get_params_and_set_params():
    adam = Adam(beta1=0.8)
    model = GDRegressor(optimizer=adam)
    params = model.get_params()
    assert params["optimizer"] is adam
    assert params["optimizer__beta1"] == 0.8
    model.set_params(optimizer__beta2=0.9, optimizer__clip_norm=2.0)
    assert adam.beta2 == 0.9 and adam.clip_norm == 2.0
    cloned = clone(model)
    assert cloned.optimizer is not adam
    assert cloned.get_params()["optimizer__beta2"] == 0.9


def test_fit_leaves_the_optimizer_object_unchanged():
    rng = np.random.RandomState(13)
    X = rng.normal(size=(40, 3))
    y = X @ np.array([1.0, 2.0, 3.0])
    optimizer = Adam(beta1=0.8)
    before = copy.deepcopy(optimizer.__dict__)
    model = GDRegressor(optimizer=optimizer, max_iter=5, tol=None).fit(X, y)
    assert model.optimizer is optimizer
    assert optimizer.__dict__ == before
