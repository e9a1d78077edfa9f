"""Unit tests of the optimizers in :mod:`sklearn_gd.optimizers`.

Each first-order optimizer is driven through its public API on one flat
parameter vector and one flat gradient vector (a matrix and a vector, raveled
and concatenated): ``init(params, context)`` (with and without a
``StepContext``), then ``step(params, grads, state, lr)`` for a few steps with
fixed gradients, a different step size at each step and non-default
hyper-parameters (a large ``eps`` so that where it enters the formula
matters). The result is compared with an independent reference implementation
of the published update rule that its docstring names, run on the unflattened
arrays:

- ``SGD`` (plain, momentum, Nesterov), ``Adam``, ``RMSprop``, ``Adagrad``
  (also with ``initial_accumulator_value``), ``Adadelta``: ``torch.optim`` (no
  dampening, no centering, no learning-rate decay); ``AdamW.step`` is Adam's
  step;
- ``AdamW.update``: ``torch.optim.AdamW`` on the gradient without the L2 term
  ``alpha * l2_share * w``, with the decay ``w <- w - (lr / lr_unit) decay w``
  on the context's weight slices only (intercepts never decay) and clipping
  applied to the gradient without the L2 term; also checked through
  ``GDRegressor`` against ``torch.optim.AdamW``'s rule;
- ``Nadam``: ``optax.nadam`` (Nesterov-corrected first moment, bias-corrected
  with ``t + 1`` and ``t``).

Also checked: the published default hyper-parameters; the states are
dataclasses of the documented types, per call to ``init``, shaped and typed as
the parameters (float32 stays float32), not aliasing them, and capturing all
progress (a pickled copy continues identically); ``step_size(state, lr)`` is
the step actually applied (scalar for SGD, per coordinate for adaptive
methods, ``lr / (1 - momentum)`` at a fixed gradient with momentum) and makes
proximal iterations converge to the true L1 solution; ``clip_value`` and
``clip_norm`` (global norm of the whole flat vector, value clipping first),
``update`` = clip then step, also inside an estimator; the class hierarchy
(first-order optimizers are :class:`Optimizer`, ``LBFGS`` is a
:class:`FullBatchOptimizer` without clipping parameters);
``check_components`` rejects non-smooth losses and penalties by name;
``LBFGS.minimize`` finds the minimum of a quadratic and respects ``max_iter``
and ``memory``; components are stateless (``step`` never mutates the
optimizer object), ``clone`` and nested ``get_params``/``set_params`` work,
and the string shorthands map to the documented objects.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import re

import numpy as np
import pytest
from sklearn.base import clone

from sklearn_gd import GDRegressor, losses, optimizers, penalties
from sklearn_gd.optimizers import (
    FISTA,
    LBFGS,
    OPTIMIZERS,
    SGD,
    Adadelta,
    AdadeltaState,
    Adagrad,
    AdagradState,
    Adam,
    AdamState,
    AdamW,
    AdamWState,
    FullBatchOptimizer,
    Nadam,
    NonSmoothPart,
    Optimizer,
    RMSprop,
    RMSpropState,
    SGDState,
    StepContext,
)
from sklearn_gd.penalties import L1

# ---------------------------------------------------------------------------
# Reference implementations of the published update rules. Each takes the
# initial parameters, the gradient sequence and the step sizes as lists of
# arrays, and returns the parameters after every step (a list over steps of
# lists over arrays). The optimizers see the same arrays flattened.


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


def reference_adamw(
    params,
    grads,
    lrs,
    mask,
    weight_decay,
    lr_unit=1.0,
    beta1=0.9,
    beta2=0.999,
    eps=1e-8,
):
    """torch.optim.AdamW on one flat vector, the weight decay on ``mask`` only.

    As two torch parameter groups (weights with ``weight_decay``, intercepts
    with none), except that the decay's step is ``lr / lr_unit``: at step ``t``,
    ``w <- w (1 - (lr / lr_unit) weight_decay)`` where ``mask``, then Adam's
    step with the gradient ``grads[t]`` (the loss's alone).
    """
    w = params.copy()
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    history = []
    for t, (g, lr) in enumerate(zip(grads, lrs), start=1):
        w = np.where(mask, w * (1 - (lr / lr_unit) * weight_decay), w)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        denom = np.sqrt(v) / np.sqrt(1 - beta2**t) + eps
        w = w - lr / (1 - beta1**t) * m / denom
        history.append(w.copy())
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


def reference_adagrad(params, grads, lrs, eps=1e-10, initial_accumulator_value=0.0):
    """torch.optim.Adagrad (lr_decay=0)."""
    params = [p.copy() for p in params]
    state_sum = [np.full_like(p, initial_accumulator_value) for p in params]
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


def reference_clip(g, clip_value=None, clip_norm=None):
    """Clip a flat gradient to [-clip_value, clip_value], then to norm clip_norm."""
    g = np.asarray(g, dtype=float)
    if clip_value is not None:
        g = np.minimum(np.maximum(g, -clip_value), clip_value)
    if clip_norm is not None:
        norm = np.linalg.norm(g)
        if norm > clip_norm:
            g = g * (clip_norm / norm)
    return g


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
    # AdamW's step is Adam's; its weight decay is in update (tested below).
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
    "adagrad_accumulator": (
        Adagrad(initial_accumulator_value=0.1),
        lambda *a: reference_adagrad(*a, initial_accumulator_value=0.1),
    ),
    "adadelta": (Adadelta(), reference_adadelta),
    "adadelta_custom": (
        Adadelta(rho=0.5, eps=0.01),
        lambda *a: reference_adadelta(*a, rho=0.5, eps=0.01),
    ),
}

FULL_BATCH = ["lbfgs", "fista"]
FIRST_ORDER = [name for name in OPTIMIZERS if name not in FULL_BATCH]

STATE_TYPES = {
    SGD: SGDState,
    Adam: AdamState,
    AdamW: AdamWState,
    Nadam: AdamState,
    RMSprop: RMSpropState,
    Adagrad: AdagradState,
    Adadelta: AdadeltaState,
}


def _flat(arrays):
    """The arrays raveled and concatenated, as an optimizer sees them."""
    return np.concatenate([np.ravel(a) for a in arrays])


def _problem(seed=0, n_steps=5):
    """Two parameter arrays, fixed gradients for each step, varying step sizes.

    Returned as lists of arrays, for the references; the optimizers get them
    through :func:`_flat`.
    """
    rng = np.random.RandomState(seed)
    params = [rng.normal(size=(3, 2)), rng.normal(size=2)]
    grads = [
        [rng.normal(scale=scale, size=p.shape) for p in params]
        for scale in np.linspace(0.5, 3.0, n_steps)
    ]
    lrs = list(np.linspace(0.1, 0.03, n_steps))
    return params, grads, lrs


# A context that a first-order optimizer other than AdamW must ignore: the
# matrix of _problem is the weights, the vector the intercepts.
CONTEXT = StepContext(weights=(slice(0, 6),), l2_strength=0.3, lr_unit=2.0)


def test_every_optimizer_class_is_covered():
    covered = {type(case[0]) for case in CASES.values()} | {LBFGS, FISTA}
    public = {getattr(optimizers, name) for name in optimizers.__all__}
    interfaces = {Optimizer, FullBatchOptimizer, StepContext, NonSmoothPart}
    assert public - interfaces <= covered
    assert set(STATE_TYPES) == covered - {LBFGS, FISTA}


@pytest.mark.parametrize("context", [None, CONTEXT], ids=["no_context", "context"])
@pytest.mark.parametrize("case", CASES)
def test_steps_match_published_update_rule(case, context):
    optimizer, reference = CASES[case]
    params0, grads, lrs = _problem()
    expected = reference(params0, grads, lrs)

    params = _flat(params0)
    state = (
        optimizer.init(params) if context is None else optimizer.init(params, context)
    )
    for step, (grad_list, lr) in enumerate(zip(grads, lrs)):
        # step may overwrite the gradient it is given: pass a fresh one.
        assert optimizer.step(params, _flat(grad_list), state, lr) is None
        # In place, on the same flat vector.
        np.testing.assert_allclose(
            params, _flat(expected[step]), rtol=1e-10, atol=1e-12
        )
    # The update really moved the parameters (the comparison is not vacuous).
    assert not np.allclose(params[:6], _flat(params0)[:6])
    assert not np.allclose(params[6:], _flat(params0)[6:])


@pytest.mark.parametrize("case", CASES)
def test_update_is_clip_then_step(case):
    # update clips the gradient by value then by the global norm, then steps:
    # the reference rule on independently clipped gradients.
    clip_value, clip_norm = 0.4, 0.6
    optimizer = clone(CASES[case][0]).set_params(
        clip_value=clip_value, clip_norm=clip_norm
    )
    reference = CASES[case][1]
    params0, grads, lrs = _problem(seed=14)
    flat_grads = [_flat(g) for g in grads]
    clipped = [
        np.split(reference_clip(g, clip_value, clip_norm), [6]) for g in flat_grads
    ]
    # Both kinds of clipping are active at every step, and some coordinates are
    # within clip_value (so that the clipped gradients are not mere signs).
    for g in flat_grads:
        assert np.abs(g).max() > clip_value
        assert np.linalg.norm(reference_clip(g, clip_value)) > clip_norm
    assert np.any(np.abs(np.concatenate(flat_grads)) < clip_value)
    expected = reference([params0[0].ravel(), params0[1]], clipped, lrs)

    params = _flat(params0)
    state = optimizer.init(params)
    for step, (grad_list, lr) in enumerate(zip(grads, lrs)):
        optimizer.update(params, _flat(grad_list), state, lr)
        np.testing.assert_allclose(
            params, _flat(expected[step]), rtol=1e-10, atol=1e-12
        )


@pytest.mark.parametrize("case", CASES)
def test_float32_parameters_stay_float32(case):
    optimizer = CASES[case][0]
    params0, grads, lrs = _problem(seed=1, n_steps=3)
    params = _flat(params0).astype(np.float32)
    state = optimizer.init(params)
    for grad_list, lr in zip(grads, lrs):
        optimizer.update(params, _flat(grad_list).astype(np.float32), state, lr)
    assert params.dtype == np.float32
    for field in dataclasses.fields(state):
        value = getattr(state, field.name)
        if isinstance(value, np.ndarray):
            assert value.dtype == np.float32, field.name
    # Still the published rule, to float32 precision.
    expected = _flat(CASES[case][1](params0, grads, lrs)[-1])
    np.testing.assert_allclose(params, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("case", CASES)
def test_state_is_a_dataclass_of_the_documented_type(case):
    optimizer = CASES[case][0]
    params = _flat(_problem()[0])
    state = optimizer.init(params)
    assert type(state) is STATE_TYPES[type(optimizer)]
    assert dataclasses.is_dataclass(state)
    for field in dataclasses.fields(state):
        value = getattr(state, field.name)
        if isinstance(value, np.ndarray):
            # One array per coordinate, independent of the parameters.
            assert value.shape == params.shape, field.name
            assert not np.shares_memory(value, params), field.name


def test_sgd_keeps_a_velocity_only_with_momentum():
    params = _flat(_problem()[0])
    assert SGD().init(params).velocity is None
    velocity = SGD(momentum=0.5).init(params).velocity
    np.testing.assert_array_equal(velocity, np.zeros_like(params))


def test_adamw_state_records_the_context():
    params = _flat(_problem()[0])
    state = AdamW().init(params, CONTEXT)
    assert state.weights == CONTEXT.weights
    assert state.decay == CONTEXT.l2_strength
    assert state.lr_unit == CONTEXT.lr_unit
    # Without a context: no weights, no decay.
    state = AdamW().init(params)
    assert state.weights == () and state.decay == 0.0 and state.lr_unit == 1.0


def test_step_context_defaults():
    context = StepContext()
    assert context.weights == ()
    assert context.l2_strength == 0.0
    assert context.lr_unit == 1.0


def test_state_is_per_call_to_init():
    # Two runs from the same optimizer object do not share moments.
    optimizer = Adam()
    params0, grads, lrs = _problem(seed=2, n_steps=3)
    first = _flat(params0)
    second = _flat(params0)
    state_first = optimizer.init(first)
    state_second = optimizer.init(second)
    for grad_list, lr in zip(grads, lrs):
        optimizer.step(first, _flat(grad_list), state_first, lr)
    optimizer.step(second, _flat(grads[0]), state_second, lrs[0])
    expected = reference_adam(params0, grads[:1], lrs[:1])[0]
    np.testing.assert_allclose(second, _flat(expected), rtol=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_state_holds_all_progress(case):
    # The state (which lives in the fitted estimator and is pickled with it)
    # carries everything: a pickled copy taken mid-run continues identically.
    optimizer = CASES[case][0]
    params0, grads, lrs = _problem(seed=15, n_steps=4)
    params = _flat(params0)
    state = optimizer.init(params)
    for grad_list, lr in zip(grads[:2], lrs[:2]):
        optimizer.step(params, _flat(grad_list), state, lr)
    params_copy = params.copy()
    state_copy = pickle.loads(pickle.dumps(state))
    for grad_list, lr in zip(grads[2:], lrs[2:]):
        optimizer.step(params, _flat(grad_list), state, lr)
        optimizer.step(params_copy, _flat(grad_list), state_copy, lr)
    np.testing.assert_array_equal(params_copy, params)
    expected = CASES[case][1](params0, grads, lrs)[-1]
    np.testing.assert_allclose(params, _flat(expected), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "optimizer, defaults",
    [
        (SGD(), {"momentum": 0.0, "nesterov": False}),
        (Adam(), {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
        (AdamW(), {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
        (Nadam(), {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
        (RMSprop(), {"rho": 0.99, "eps": 1e-8}),
        (Adagrad(), {"eps": 1e-10, "initial_accumulator_value": 0.0}),
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


def test_first_order_and_full_batch_optimizers_are_distinct_kinds():
    for name in FIRST_ORDER:
        optimizer = OPTIMIZERS[name]()
        assert isinstance(optimizer, Optimizer), name
        assert not isinstance(optimizer, FullBatchOptimizer), name
    for name in FULL_BATCH:
        optimizer = OPTIMIZERS[name]()
        assert isinstance(optimizer, FullBatchOptimizer), name
        assert not isinstance(optimizer, Optimizer), name
    lbfgs = OPTIMIZERS["lbfgs"]()
    # No clipping for L-BFGS: its parameters are its own.
    assert set(lbfgs.get_params()) == {"memory", "max_line_search"}
    assert lbfgs.get_params() == {"memory": 10, "max_line_search": 50}
    with pytest.raises(TypeError):
        LBFGS(clip_norm=1.0)


# ---------------------------------------------------------------------------
# AdamW: decoupled weight decay in update

# Flat layout: weights [0:4], intercepts [4:6], weights [6:9], intercept [9:10].
ADAMW_WEIGHTS = (slice(0, 4), slice(6, 9))


def _adamw_problem(seed=16, n_steps=5):
    """Flat parameters, the loss's gradients and step sizes; the weights mask."""
    rng = np.random.RandomState(seed)
    params = rng.normal(size=10)
    loss_grads = [rng.normal(scale=s, size=10) for s in np.linspace(0.5, 3, n_steps)]
    lrs = list(np.linspace(0.1, 0.03, n_steps))
    mask = np.zeros(10, dtype=bool)
    for part in ADAMW_WEIGHTS:
        mask[part] = True
    return params, loss_grads, lrs, mask


@pytest.mark.parametrize("lr_unit", [1.0, 2.5])
@pytest.mark.parametrize("l2_strength", [0.0, 0.3])
def test_adamw_update_is_adam_without_l2_plus_decoupled_decay(l2_strength, lr_unit):
    beta1, beta2, eps = 0.8, 0.95, 0.05
    optimizer = AdamW(beta1=beta1, beta2=beta2, eps=eps)
    params0, loss_grads, lrs, mask = _adamw_problem()
    context = StepContext(ADAMW_WEIGHTS, l2_strength=l2_strength, lr_unit=lr_unit)
    expected = reference_adamw(
        params0, loss_grads, lrs, mask, l2_strength, lr_unit, beta1, beta2, eps
    )

    params = params0.copy()
    state = optimizer.init(params, context)
    adam = Adam(beta1=beta1, beta2=beta2, eps=eps)
    adam_params = params0.copy()
    adam_state = adam.init(adam_params)
    for step, (g, lr) in enumerate(zip(loss_grads, lrs)):
        # The objective's gradient, as the engine passes it: the loss's, plus
        # that of the L2 part of the penalty on the weights only.
        full = g + l2_strength * np.where(mask, params, 0.0)
        optimizer.update(params, full, state, lr)
        np.testing.assert_allclose(params, expected[step], rtol=1e-10, atol=1e-12)
        adam.update(adam_params, g.copy(), adam_state, lr)
    # Intercepts follow Adam on the loss's gradient and never decay.
    np.testing.assert_allclose(params[~mask], adam_params[~mask], rtol=1e-12)
    if l2_strength:
        # The weights decayed (the comparison is not vacuous).
        assert not np.allclose(params[mask], adam_params[mask], rtol=1e-6)
    else:
        np.testing.assert_allclose(params, adam_params, rtol=1e-12)


def test_adamw_without_context_is_adam():
    params0, loss_grads, lrs, _ = _adamw_problem(seed=17)
    params = params0.copy()
    state = AdamW().init(params)
    for g, lr in zip(loss_grads, lrs):
        AdamW().update(params, g.copy(), state, lr)
    expected = reference_adam([params0], [[g] for g in loss_grads], lrs)[-1][0]
    np.testing.assert_allclose(params, expected, rtol=1e-10, atol=1e-12)


def test_adamw_clips_the_gradient_without_the_l2_term():
    # As optax's chain(clip, adamw): the loss's gradient is clipped, and the
    # decay applied apart, unclipped.
    clip_value, clip_norm, l2_strength, lr_unit = 1.5, 2.0, 0.8, 2.0
    optimizer = AdamW(clip_value=clip_value, clip_norm=clip_norm)
    params0, loss_grads, lrs, mask = _adamw_problem(seed=18)
    params0 = 3 * params0  # a large L2 term, so that where it is clipped matters
    context = StepContext(ADAMW_WEIGHTS, l2_strength=l2_strength, lr_unit=lr_unit)
    clipped = [reference_clip(g, clip_value, clip_norm) for g in loss_grads]
    expected = reference_adamw(params0, clipped, lrs, mask, l2_strength, lr_unit)

    params = params0.copy()
    state = optimizer.init(params, context)
    for step, (g, lr) in enumerate(zip(loss_grads, lrs)):
        l2_term = l2_strength * np.where(mask, params, 0.0)
        if step == 0:
            # Clipping the objective's gradient instead would differ.
            wrong = reference_clip(g + l2_term, clip_value, clip_norm) - l2_term
            assert not np.allclose(wrong, clipped[0], rtol=1e-3)
        optimizer.update(params, g + l2_term, state, lr)
        np.testing.assert_allclose(params, expected[step], rtol=1e-10, atol=1e-12)


def test_adamw_step_alone_does_not_decay():
    # The decay is update's; step is Adam's step on the gradient it is given.
    params0, loss_grads, lrs, _ = _adamw_problem(seed=19)
    params = params0.copy()
    state = AdamW().init(params, StepContext(ADAMW_WEIGHTS, 0.5, 1.0))
    for g, lr in zip(loss_grads, lrs):
        AdamW().step(params, g.copy(), state, lr)
    expected = reference_adam([params0], [[g] for g in loss_grads], lrs)[-1][0]
    np.testing.assert_allclose(params, expected, rtol=1e-10, atol=1e-12)


def test_adamw_in_estimator_matches_torch_adamw():
    # torch.optim.AdamW: w <- w (1 - lr wd), then the Adam step on the loss
    # gradient (taken before the decay). With penalty="l2" the estimator's
    # weight_decay is alpha; full batch, no intercept, constant step. A
    # negligible eps, as the estimator may take it in the gradient's units
    # (where eps enters is checked on the optimizers above).
    rng = np.random.RandomState(3)
    X = rng.normal(size=(20, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + rng.normal(scale=0.1, size=20)
    lr, alpha, n_steps = 0.05, 0.3, 5
    eps = 1e-13
    model = GDRegressor(
        optimizer=AdamW(eps=eps),
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
    beta1, beta2 = 0.9, 0.999
    for t in range(1, n_steps + 1):
        g = X.T @ (X @ w - y) / len(y)
        w = w * (1 - lr * alpha)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        denom = np.sqrt(v) / np.sqrt(1 - beta2**t) + eps
        w = w - lr / (1 - beta1**t) * m / denom
    np.testing.assert_allclose(model.coef_, w, rtol=1e-10)

    # And it is not Adam on the L2-penalised gradient.
    adam = clone(model).set_params(optimizer=Adam(eps=eps)).fit(X, y)
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


@pytest.mark.parametrize("case", list(PROX_CASES))
def test_proximal_iterations_reach_the_l1_solution(case):
    # min_w ½||w - a||² + lam ||w||_1 is solved by soft(a, lam). Each optimizer
    # updates on the smooth part, then the L1 prox uses lam * step_size as its
    # threshold, as the engine does; the fixed point must be that solution
    # whatever the preconditioning.
    optimizer, lr, decay = PROX_CASES[case]
    a = np.array([2.0, 0.05, -1.0, -0.02, 0.6])
    lam = 0.1
    w = np.zeros_like(a)
    state = optimizer.init(w, StepContext(weights=(slice(0, 5),)))
    for k in range(2000):
        lr_k = lr / np.sqrt(1 + k / 100) if decay else lr
        optimizer.update(w, w - a, state, lr_k)
        L1().prox(w, lam * optimizer.step_size(state, lr_k))
    expected = np.sign(a) * np.maximum(np.abs(a) - lam, 0)
    np.testing.assert_allclose(w, expected, atol=1e-4)
    assert np.all(w[expected == 0] == 0)  # exact zeros


def test_step_size_of_plain_sgd_is_the_learning_rate():
    params0, grads, lrs = _problem(seed=4, n_steps=1)
    params = _flat(params0)
    state = SGD().init(params)
    SGD().step(params, _flat(grads[0]), state, lrs[0])
    step = SGD().step_size(state, lrs[0])
    assert np.ndim(step) == 0
    assert step == lrs[0]
    np.testing.assert_allclose(_flat(params0) - params, step * _flat(grads[0]))


@pytest.mark.parametrize("case", ["momentum", "momentum_0.5", "nesterov"])
def test_step_size_with_momentum_is_the_step_at_a_fixed_gradient(case):
    # With a constant gradient g the velocity tends to g / (1 - momentum), so
    # heavy-ball and Nesterov both end up moving by lr g / (1 - momentum) per
    # step: what step_size must report for the prox to act at full strength.
    optimizer = CASES[case][0]
    rng = np.random.RandomState(20)
    g = rng.normal(size=7)
    params = np.zeros(7)
    state = optimizer.init(params)
    lr = 0.02
    for _ in range(400):
        before = params.copy()
        optimizer.step(params, g.copy(), state, lr)
    step = optimizer.step_size(state, lr)
    np.testing.assert_allclose(before - params, step * g, rtol=1e-9)
    # And not the plain step lr * g (the comparison is not vacuous).
    assert not np.allclose(before - params, lr * g, rtol=1e-3)


@pytest.mark.parametrize(
    "case", ["rmsprop_custom", "adagrad_custom", "adagrad_accumulator", "adadelta"]
)
def test_step_size_is_the_per_coordinate_step_of_diagonal_methods(case):
    # For these methods the update is exactly step_size * gradient.
    optimizer = CASES[case][0]
    params0, grads, lrs = _problem(seed=5, n_steps=3)
    params = _flat(params0)
    state = optimizer.init(params)
    for grad_list, lr in zip(grads, lrs):
        before = params.copy()
        g = _flat(grad_list)
        optimizer.step(params, g.copy(), state, lr)
        step = optimizer.step_size(state, lr)
        assert np.shape(step) == params.shape
        np.testing.assert_allclose(before - params, step * g, rtol=1e-10)


@pytest.mark.parametrize("cls", [Adam, AdamW, Nadam])
def test_adam_step_size_is_lr_over_the_denominator(cls):
    beta2, eps = 0.95, 0.05
    optimizer = cls(beta2=beta2, eps=eps)
    params0, grads, lrs = _problem(seed=6, n_steps=3)
    params = _flat(params0)
    state = optimizer.init(params)
    v = np.zeros_like(params)
    for t, (grad_list, lr) in enumerate(zip(grads, lrs), start=1):
        g = _flat(grad_list)
        optimizer.step(params, g.copy(), state, lr)
        v = beta2 * v + (1 - beta2) * g * g
        expected = lr / (np.sqrt(v / (1 - beta2**t)) + eps)
        np.testing.assert_allclose(optimizer.step_size(state, lr), expected)


# ---------------------------------------------------------------------------
# Gradient clipping


def _grads(seed=7):
    """A flat gradient: a (4, 3) matrix and a vector of 3, concatenated."""
    rng = np.random.RandomState(seed)
    return _flat([rng.normal(scale=3, size=(4, 3)), rng.normal(scale=3, size=3)])


@pytest.mark.parametrize("name", FIRST_ORDER)
def test_clip_norm_rescales_the_whole_vector_by_its_norm(name):
    optimizer = OPTIMIZERS[name]().set_params(clip_norm=1.5)
    grads = _grads()
    original = grads.copy()
    norm = np.sqrt(np.sum(original**2))
    assert norm > 1.5
    assert optimizer.clip(grads) is None  # in place
    assert np.linalg.norm(grads) == pytest.approx(1.5)
    # One common factor for every coordinate (not each part to norm 1.5).
    np.testing.assert_allclose(grads, original * 1.5 / norm)


def test_clip_norm_leaves_small_gradients_alone():
    grads = np.array([0.3, -0.4, 0.0])
    SGD(clip_norm=1.0).clip(grads)
    np.testing.assert_array_equal(grads, [0.3, -0.4, 0.0])


@pytest.mark.parametrize("name", FIRST_ORDER)
def test_clip_value_clips_each_element(name):
    optimizer = OPTIMIZERS[name]().set_params(clip_value=0.5)
    grads = _grads(seed=8)
    original = grads.copy()
    optimizer.clip(grads)
    assert np.any(np.abs(original) > 0.5) and np.any(np.abs(original) < 0.5)
    np.testing.assert_array_equal(
        grads, np.where(np.abs(original) > 0.5, 0.5 * np.sign(original), original)
    )


def test_clip_value_applies_before_clip_norm():
    grads = np.array([10.0, -0.1, -3.0])
    Adam(clip_value=1.0, clip_norm=1.0).clip(grads)
    clipped = np.array([1.0, -0.1, -1.0])
    expected = clipped / np.linalg.norm(clipped)
    np.testing.assert_allclose(grads, expected)


def test_clipping_keeps_float32():
    grads = _grads(seed=21).astype(np.float32)
    original = grads.astype(float)
    Adam(clip_value=2.0, clip_norm=3.0).clip(grads)
    assert grads.dtype == np.float32
    np.testing.assert_allclose(grads, reference_clip(original, 2.0, 3.0), rtol=1e-5)


def test_no_clipping_by_default():
    grads = _grads(seed=9)
    original = grads.copy()
    Adam().clip(grads)
    np.testing.assert_array_equal(grads, original)


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
# Full-batch optimizers: check_components and LBFGS


@pytest.mark.parametrize("optimizer", [FullBatchOptimizer(), LBFGS()])
@pytest.mark.parametrize(
    "loss, penalty, culprit",
    [
        (losses.Hinge(), penalties.L2(), "loss=Hinge()"),
        (losses.AbsoluteError(), penalties.NoPenalty(), "loss=AbsoluteError()"),
        (losses.SquaredError(), penalties.L1(), "penalty=L1()"),
        (losses.LogLoss(), penalties.ElasticNet(), "penalty=ElasticNet()"),
    ],
)
def test_check_components_rejects_non_smooth_components(
    optimizer, loss, penalty, culprit
):
    with pytest.raises(ValueError, match=re.escape(culprit)) as error:
        optimizer.check_components(loss, penalty)
    assert f"optimizer={type(optimizer).__name__}()" in str(error.value)


@pytest.mark.parametrize("optimizer", [FullBatchOptimizer(), LBFGS()])
@pytest.mark.parametrize(
    "loss, penalty",
    [
        (losses.SquaredError(), penalties.L2()),
        (losses.Huber(), penalties.NoPenalty()),
        (losses.LogLoss(), penalties.L2()),
        (losses.SquaredHinge(), penalties.NoPenalty()),
    ],
)
def test_check_components_accepts_smooth_components(optimizer, loss, penalty):
    assert optimizer.check_components(loss, penalty) is None


def test_estimator_refuses_lbfgs_with_a_non_smooth_penalty():
    rng = np.random.RandomState(22)
    X = rng.normal(size=(20, 2))
    y = X[:, 0]
    with pytest.raises(ValueError, match=re.escape("penalty=L1()")):
        GDRegressor(optimizer=LBFGS(), penalty="l1").fit(X, y)


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
    optimizer = clone(CASES[case][0]).set_params(clip_norm=2.0, clip_value=1.0)
    before = copy.deepcopy(optimizer.__dict__)
    params0, grads, lrs = _problem(seed=12, n_steps=3)
    params = _flat(params0)
    state = optimizer.init(params, CONTEXT)
    for grad_list, lr in zip(grads, lrs):
        optimizer.step(params, _flat(grad_list), state, lr)
        optimizer.update(params, _flat(grad_list), state, lr)
        optimizer.clip(_flat(grad_list))
        optimizer.step_size(state, lr)
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


# ---------------------------------------------------------------------------
# FISTA: accelerated proximal gradient on a composite objective


def _lasso_problem(seed=0, n=60, p=12, lam=0.1):
    """½‖Ax - b‖²/n + lam‖x‖₁, and its solution by coordinate descent."""
    rng = np.random.RandomState(seed)
    A = rng.randn(n, p) * rng.uniform(0.2, 3.0, size=p)  # uneven curvature
    b = A[:, :3] @ [2.0, -1.0, 0.5] + 0.1 * rng.randn(n)

    def smooth(x):
        residual = A @ x - b
        return 0.5 * residual @ residual / n, A.T @ residual / n

    def soft_threshold(x, step):
        np.copysign(np.maximum(np.abs(x) - lam * step, 0), x, out=x)

    nonsmooth = NonSmoothPart(lambda x: lam * float(np.abs(x).sum()), soft_threshold)
    # Cyclic coordinate descent to machine precision: an independent solver.
    x = np.zeros(p)
    curvature = (A * A).sum(axis=0) / n
    for _ in range(5000):
        for j in range(p):
            rho = A[:, j] @ (b - A @ x + A[:, j] * x[j]) / n
            x[j] = np.sign(rho) * max(abs(rho) - lam, 0) / curvature[j]
    return smooth, nonsmooth, x, (A, b)


def test_fista_reaches_the_lasso_solution_with_its_exact_zeros():
    smooth, nonsmooth, expected, _ = _lasso_problem()
    result = FISTA().minimize(
        smooth, np.zeros(12), max_iter=5000, tol=1e-12, nonsmooth=nonsmooth
    )
    assert result.success
    np.testing.assert_allclose(result.x, expected, atol=1e-9)
    np.testing.assert_array_equal(result.x == 0, expected == 0)
    assert (expected == 0).sum() >= 3  # the comparison of zeros is not vacuous
    value, _ = smooth(result.x)
    assert result.fun == pytest.approx(value + nonsmooth.value(result.x))
    assert np.max(np.abs(result.jac)) <= 1e-12  # the proximal gradient


def test_fista_without_a_nonsmooth_part_minimises_a_smooth_objective():
    smooth, _, _, (A, b) = _lasso_problem()
    result = FISTA().minimize(smooth, np.zeros(12), max_iter=5000, tol=1e-12)
    assert result.success
    np.testing.assert_allclose(result.x, np.linalg.lstsq(A, b)[0], atol=1e-9)


def test_fista_reports_each_iteration_and_stops_at_max_iter():
    smooth, nonsmooth, _, _ = _lasso_problem()
    seen = []
    result = FISTA().minimize(
        smooth,
        np.zeros(12),
        max_iter=5,
        tol=1e-14,
        callback=lambda intermediate: seen.append(intermediate.fun),
        nonsmooth=nonsmooth,
    )
    assert not result.success and result.nit == 5 and len(seen) == 5
    # Restarts keep the objective from rising for long: overall it descends.
    assert seen[-1] < seen[0]


def test_fista_needs_a_smooth_loss_but_accepts_any_penalty():
    from sklearn_gd.losses import Hinge, SquaredError
    from sklearn_gd.penalties import ElasticNet

    FISTA().check_components(SquaredError(), L1())
    FISTA().check_components(SquaredError(), ElasticNet())
    with pytest.raises(ValueError, match="FISTA.*smooth loss.*Hinge"):
        FISTA().check_components(Hinge(), L1())
