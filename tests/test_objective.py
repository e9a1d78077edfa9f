"""Unit tests of the training objective in :mod:`sklearn_gd._objective`.

:class:`Objective` computes ``J = (1/n) sum_i r_i L_i + alpha R(w)`` with ``r``
the sample weights relative to their mean (or None). Checked here, for every
loss registered in ``REGRESSION_LOSSES`` (one and two outputs) and
``CLASSIFICATION_LOSSES`` (two and three classes, targets from the loss's own
``encode``), every penalty (none, L2, L1, elastic net), with and without
intercept and sample weights:

- ``value`` is the design's objective written out here independently:
  ``sum_i s_i L_i / sum_i s_i + alpha R(w)``, with the raw outputs
  ``X @ W + b`` computed here, ``L_i`` the loss's per-sample value (itself
  checked against textbook formulas in ``test_losses.py``), ``R`` written out
  here over the weights only (never the intercept), and the objective given the
  relative weights ``s / mean(s)``;
- ``value_and_gradient`` returns the same value and writes into ``grads`` the
  central finite differences of that objective without the penalty's
  non-smooth part (L1, and elastic net's L1 share), which is left to the
  solvers' proximal step but is part of the value. Points sit away from the
  kinks of non-smooth losses (samples whose residual or margin is near a kink
  are dropped) and weights away from 0;
- on mini-batches with weights relative to the whole training set, value and
  gradient are unbiased: the batch-size-weighted average over a partition
  equals the full-data value and gradient (dense and CSR ``X``);
- a custom loss whose ``value`` or ``gradient`` returns the wrong shape raises
  a ``ValueError`` that names the loss class and the expected shape;
- ``penalty_value`` is 0 with ``alpha=0`` and ``alpha * penalty.value(W)``
  otherwise, whatever the intercept.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import scipy.sparse as sp
from _helpers import finite_differences
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_gd._model import LinearModel, NeuralNetwork
from sklearn_gd._objective import Objective
from sklearn_gd.activations import Tanh
from sklearn_gd.initializers import GlorotUniform
from sklearn_gd.losses import CLASSIFICATION_LOSSES, REGRESSION_LOSSES, SquaredError
from sklearn_gd.penalties import L1, L2, ElasticNet, NoPenalty

ALPHA = 0.3
N_SAMPLES, N_FEATURES = 40, 3

# (penalty, smooth part S(w), non-smooth part N(w)), R = S + N, written out
# independently of the library.
PENALTY_CASES = {
    "none": (NoPenalty(), lambda w: 0.0, lambda w: 0.0),
    "l2": (L2(), lambda w: 0.5 * np.sum(w**2), lambda w: 0.0),
    "l1": (L1(), lambda w: 0.0, lambda w: np.sum(np.abs(w))),
    "elasticnet": (
        ElasticNet(l1_ratio=0.4),
        lambda w: 0.6 * 0.5 * np.sum(w**2),
        lambda w: 0.4 * np.sum(np.abs(w)),
    ),
}

# Where each loss is not differentiable (or only once), as
# (quantity, kinks of it): "r" is the residual y - raw, "z" the margin y * raw.
KINKS = {
    "squared_error": ("r", lambda loss: []),
    "absolute_error": ("r", lambda loss: [0.0]),
    "huber": ("r", lambda loss: [-loss.epsilon, loss.epsilon]),
    "epsilon_insensitive": ("r", lambda loss: [-loss.epsilon, loss.epsilon]),
    "squared_epsilon_insensitive": ("r", lambda loss: [-loss.epsilon, loss.epsilon]),
    "quantile": ("r", lambda loss: [0.0]),
    "poisson": ("r", lambda loss: []),
    "clf:log_loss": ("z", lambda loss: []),
    "clf:hinge": ("z", lambda loss: [loss.threshold]),
    "clf:squared_hinge": ("z", lambda loss: [loss.threshold]),
    "clf:modified_huber": ("z", lambda loss: [-1.0, 1.0]),
    "clf:perceptron": ("z", lambda loss: [0.0]),
    # The regression losses for classification: |1 - z| against epsilon.
    "clf:squared_error": ("z", lambda loss: []),
    "clf:huber": ("z", lambda loss: [1 - loss.epsilon, 1 + loss.epsilon]),
    "clf:epsilon_insensitive": (
        "z", lambda loss: [1 - loss.epsilon, 1, 1 + loss.epsilon]
    ),
    "clf:squared_epsilon_insensitive": (
        "z", lambda loss: [1 - loss.epsilon, 1 + loss.epsilon]
    ),
}

# (loss name, k): k outputs for a regression loss, k classes for a
# classification loss.
# Classification losses are named "clf:<name>": several names are both a
# regression loss and (on the margin) a classification loss.
PROBLEMS = [(name, k) for name in REGRESSION_LOSSES for k in (1, 2)] + [
    (f"clf:{name}", k) for name in CLASSIFICATION_LOSSES for k in (2, 3)
]
PROBLEM_IDS = [f"{name}-{k}" for name, k in PROBLEMS]


def test_every_registered_loss_has_its_kinks_listed():
    assert set(KINKS) == set(REGRESSION_LOSSES) | {
        f"clf:{name}" for name in CLASSIFICATION_LOSSES
    }


def _make_loss(name):
    if name.startswith("clf:"):
        return CLASSIFICATION_LOSSES[name[4:]]()
    return REGRESSION_LOSSES[name]()


def _raw(params, X_dense):
    raw = X_dense @ params[0]
    if len(params) == 2:
        raw = raw + params[1]
    return raw


def _targets_away_from_kinks(loss_name, loss, k, raw, rng):
    """Targets suited to the loss at the raw outputs ``raw``, and which
    samples lie away from the loss's kinks there."""
    n = raw.shape[0]
    if loss_name.startswith("clf:"):
        y_index = np.arange(n) % k  # every class present
        rng.shuffle(y_index)
        Y = loss.encode(y_index, k, np.float64)
        assert Y.shape == raw.shape
    elif loss_name == "poisson":
        Y = rng.poisson(np.exp(raw)).astype(np.float64)
    else:
        # Residuals of a few tenths: on both sides of the Huber and
        # epsilon-insensitive thresholds (0.1).
        Y = raw + rng.normal(scale=0.3, size=raw.shape)
    quantity, kinks = KINKS[loss_name]
    distance = Y - raw if quantity == "r" else Y * raw
    keep = np.ones(n, dtype=bool)
    for kink in kinks(loss):
        keep &= (np.abs(distance - kink) > 1e-2).all(axis=1)
    return Y, keep


def _data(loss_name, k, fit_intercept, seed=0, n=N_SAMPLES):
    """``X, Y, params, s``: targets suited to the loss, weights away from 0,
    samples near a kink of the loss at ``params`` dropped, and positive sample
    weights ``s`` with a few zeros."""
    rng = np.random.RandomState(seed)
    loss = _make_loss(loss_name)
    classification = loss_name.startswith("clf:")
    n_outputs = (1 if k == 2 else k) if classification else k
    X = rng.normal(size=(n, N_FEATURES))
    W = rng.choice([-1.0, 1.0], size=(N_FEATURES, n_outputs)) * rng.uniform(
        0.2, 1.0, size=(N_FEATURES, n_outputs)
    )
    params = [W, rng.normal(scale=0.5, size=n_outputs)] if fit_intercept else [W]
    Y, keep = _targets_away_from_kinks(loss_name, loss, k, _raw(params, X), rng)
    assert keep.sum() >= n // 2
    s = rng.uniform(0.2, 3.0, size=n)
    s[:3] = 0.0
    return X[keep], Y[keep], params, s[keep]


def _reference_objective(loss, penalty_case, alpha, params, X, Y, s, smooth_only):
    """``sum_i s_i L_i / sum_i s_i + alpha R(w)``, ``R`` over the weights only;
    without the non-smooth part of ``R`` if ``smooth_only``."""
    _, smooth, non_smooth = PENALTY_CASES[penalty_case]
    if s is None:
        s = np.ones(X.shape[0])
    losses = loss.value(Y, _raw(params, X))
    data = np.sum(s * losses) / np.sum(s)
    penalty = smooth(params[0]) + (0.0 if smooth_only else non_smooth(params[0]))
    return data + alpha * penalty


def _relative(s):
    return s / s.mean()


# ---------------------------------------------------------------------------
# value and value_and_gradient against the design's objective


def every_case(test):
    """Parametrise ``test`` over losses, intercepts, penalties and weights."""
    for decorator in (
        pytest.mark.parametrize("loss_name, k", PROBLEMS, ids=PROBLEM_IDS),
        pytest.mark.parametrize("fit_intercept", [True, False], ids=["b", "no_b"]),
        pytest.mark.parametrize("penalty_case", PENALTY_CASES),
        pytest.mark.parametrize(
            "weighted", [False, True], ids=["unweighted", "weighted"]
        ),
    ):
        test = decorator(test)
    return test


def _case(loss_name, k, fit_intercept, penalty_case, weighted):
    """The objective of a case, its loss, data, parameters and weights."""
    X, Y, params, s = _data(loss_name, k, fit_intercept)
    loss = _make_loss(loss_name)
    objective = Objective(
        LinearModel(fit_intercept), loss, PENALTY_CASES[penalty_case][0], ALPHA
    )
    return objective, loss, X, Y, params, s if weighted else None


@every_case
def test_value_is_the_design_objective(
    loss_name, k, fit_intercept, penalty_case, weighted
):
    objective, loss, X, Y, params, s = _case(
        loss_name, k, fit_intercept, penalty_case, weighted
    )
    expected = _reference_objective(
        loss, penalty_case, ALPHA, params, X, Y, s, smooth_only=False
    )
    weight = None if s is None else _relative(s)
    value = objective.value(params, X, Y, weight)
    assert isinstance(value, float)
    assert_allclose(value, expected, rtol=1e-12)


@every_case
def test_value_and_gradient_match_finite_differences(
    loss_name, k, fit_intercept, penalty_case, weighted
):
    objective, loss, X, Y, params, s = _case(
        loss_name, k, fit_intercept, penalty_case, weighted
    )
    weight = None if s is None else _relative(s)
    inputs = [p.copy() for p in params], X.copy(), Y.copy(), np.copy(weight)

    grads = [np.full_like(p, 123.0) for p in params]  # must be overwritten
    arrays = list(grads)
    value = objective.value_and_gradient(params, X, Y, weight, grads)

    assert isinstance(value, float)
    assert_allclose(value, objective.value(params, X, Y, weight), rtol=1e-12)
    assert_allclose(
        value,
        _reference_objective(loss, penalty_case, ALPHA, params, X, Y, s, False),
        rtol=1e-12,
    )
    expected = finite_differences(
        lambda candidate: _reference_objective(
            loss, penalty_case, ALPHA, candidate, X, Y, s, smooth_only=True
        ),
        params,
    )
    for grad, array, reference in zip(grads, arrays, expected):
        assert grad is array
        assert_allclose(grad, reference, rtol=1e-6, atol=1e-8)
    # The inputs are left alone.
    for param, before in zip(params, inputs[0]):
        assert_array_equal(param, before)
    assert_array_equal(X, inputs[1])
    assert_array_equal(Y, inputs[2])
    if weight is not None:
        assert_array_equal(weight, inputs[3])


@every_case
def test_gradient_alone_equals_the_gradient_with_the_value(
    loss_name, k, fit_intercept, penalty_case, weighted
):
    # The mini-batch solver's update takes the gradient without the value.
    objective, _, X, Y, params, s = _case(
        loss_name, k, fit_intercept, penalty_case, weighted
    )
    weight = None if s is None else _relative(s)
    with_value = [np.empty_like(p) for p in params]
    objective.value_and_gradient(params, X, Y, weight, with_value)
    alone = [np.full_like(p, 123.0) for p in params]  # must be overwritten
    assert objective.gradient(params, X, Y, weight, alone) is None
    for grad, reference in zip(alone, with_value):
        assert_allclose(grad, reference, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("penalty_case", ["l1", "elasticnet"])
def test_the_l1_part_is_in_the_value_but_not_the_gradient(penalty_case):
    # Finite differences of the full value differ from the gradient by exactly
    # the L1 part's gradient, alpha * l1_share * sign(W), on the weights only.
    X, Y, params, s = _data("squared_error", 2, fit_intercept=True)
    penalty = PENALTY_CASES[penalty_case][0]
    l1_share = getattr(penalty, "l1_ratio", 1.0)
    objective = Objective(LinearModel(True), SquaredError(), penalty, ALPHA)
    weight = _relative(s)
    grads = [np.empty_like(p) for p in params]
    objective.value_and_gradient(params, X, Y, weight, grads)
    full = finite_differences(
        lambda candidate: objective.value(candidate, X, Y, weight), params
    )
    assert_allclose(
        full[0] - grads[0], ALPHA * l1_share * np.sign(params[0]), rtol=1e-6, atol=1e-8
    )
    assert_allclose(full[1], grads[1], rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("loss_name, k", [("squared_error", 2), ("clf:log_loss", 3)])
def test_no_weights_are_unit_weights(loss_name, k):
    X, Y, params, _ = _data(loss_name, k, fit_intercept=True)
    objective = Objective(LinearModel(True), _make_loss(loss_name), L2(), ALPHA)
    unit = np.ones(X.shape[0])
    assert_allclose(
        objective.value(params, X, Y, None),
        objective.value(params, X, Y, unit),
        rtol=1e-12,
    )
    grads_none = [np.empty_like(p) for p in params]
    grads_unit = [np.empty_like(p) for p in params]
    objective.value_and_gradient(params, X, Y, None, grads_none)
    objective.value_and_gradient(params, X, Y, unit, grads_unit)
    for a, b in zip(grads_none, grads_unit):
        assert_allclose(a, b, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------------
# Mini-batches


@pytest.mark.parametrize("x_kind", ["dense", "csr"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("loss_name, k", PROBLEMS, ids=PROBLEM_IDS)
def test_mini_batch_value_and_gradient_are_unbiased(loss_name, k, weighted, x_kind):
    X, Y, params, s = _data(loss_name, k, fit_intercept=True, seed=1)
    n = X.shape[0]
    # Weights relative to the whole training set, as the engine passes them.
    sample_weight = s if weighted else None
    weight = _relative(s) if weighted else None
    objective = Objective(
        LinearModel(True), _make_loss(loss_name), ElasticNet(l1_ratio=0.4), ALPHA
    )
    to_x = sp.csr_matrix if x_kind == "csr" else np.asarray

    full_grads = [np.empty_like(p) for p in params]
    full_value = objective.value_and_gradient(params, to_x(X), Y, weight, full_grads)
    assert_allclose(
        full_value,
        _reference_objective(
            objective.loss, "elasticnet", ALPHA, params, X, Y, sample_weight, False
        ),
        rtol=1e-12,
    )

    # A shuffled partition into batches of unequal sizes.
    order = np.random.RandomState(2).permutation(n)
    cuts = [n // 5, n // 5 + n // 3, n - 4]
    batches = np.split(order, cuts)
    assert sum(len(batch) for batch in batches) == n

    average_value, average_value_only = 0.0, 0.0
    average_grads = [np.zeros_like(p) for p in params]
    for batch in batches:
        batch_weight = None if weight is None else weight[batch]
        grads = [np.empty_like(p) for p in params]
        value = objective.value_and_gradient(
            params, to_x(X[batch]), Y[batch], batch_weight, grads
        )
        share = len(batch) / n
        average_value += share * value
        average_value_only += share * objective.value(
            params, to_x(X[batch]), Y[batch], batch_weight
        )
        for total, grad in zip(average_grads, grads):
            total += share * grad

    assert_allclose(average_value, full_value, rtol=1e-12)
    assert_allclose(average_value_only, full_value, rtol=1e-12)
    for average, full in zip(average_grads, full_grads):
        assert_allclose(average, full, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------------------
# Custom losses returning the wrong shape


class ValueAsColumn(SquaredError):
    """A custom loss whose value is (n, 1) instead of (n,)."""

    def value(self, y, raw):
        return super().value(y, raw)[:, np.newaxis]


class GradientAsVector(SquaredError):
    """A custom loss whose gradient is (n,) instead of (n, 1)."""

    def gradient(self, y, raw):
        return super().gradient(y, raw)[:, 0]


class GradientTransposed(SquaredError):
    """A custom loss whose gradient is (n_outputs, n) instead of (n, n_outputs)."""

    def gradient(self, y, raw):
        return super().gradient(y, raw).T


def _shape_error_problem(n_outputs):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(7, N_FEATURES))
    Y = rng.normal(size=(7, n_outputs))
    params = [rng.normal(size=(N_FEATURES, n_outputs)), rng.normal(size=n_outputs)]
    return X, Y, params


def _shape_message(loss_class, shape):
    return rf"{loss_class.__name__}.*expected {re.escape(str(shape))}"


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_a_loss_value_of_the_wrong_shape_is_named(n_outputs, weighted):
    X, Y, params = _shape_error_problem(n_outputs)
    weight = np.ones(7) if weighted else None
    objective = Objective(LinearModel(True), ValueAsColumn(), L2(), ALPHA)
    message = _shape_message(ValueAsColumn, (7,))
    with pytest.raises(ValueError, match=message):
        objective.value(params, X, Y, weight)
    grads = [np.empty_like(p) for p in params]
    with pytest.raises(ValueError, match=message):
        objective.value_and_gradient(params, X, Y, weight, grads)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize(
    "loss_class, n_outputs", [(GradientAsVector, 1), (GradientTransposed, 2)]
)
def test_a_loss_gradient_of_the_wrong_shape_is_named(loss_class, n_outputs, weighted):
    X, Y, params = _shape_error_problem(n_outputs)
    weight = np.ones(7) if weighted else None
    objective = Objective(LinearModel(True), loss_class(), L2(), ALPHA)
    grads = [np.empty_like(p) for p in params]
    with pytest.raises(ValueError, match=_shape_message(loss_class, (7, n_outputs))):
        objective.value_and_gradient(params, X, Y, weight, grads)
    with pytest.raises(ValueError, match=_shape_message(loss_class, (7, n_outputs))):
        objective.gradient(params, X, Y, weight, grads)
    # value needs no gradient, and is right.
    expected = np.mean(0.5 * np.sum((_raw(params, X) - Y) ** 2, axis=1))
    expected += ALPHA * 0.5 * np.sum(params[0] ** 2)
    assert_allclose(objective.value(params, X, Y, weight), expected, rtol=1e-12)


# ---------------------------------------------------------------------------
# penalty_value


@pytest.mark.parametrize("fit_intercept", [True, False], ids=["b", "no_b"])
@pytest.mark.parametrize("penalty_case", PENALTY_CASES)
def test_penalty_value_is_alpha_times_the_penalty_of_the_weights(
    penalty_case, fit_intercept
):
    _, _, params, _ = _data("squared_error", 2, fit_intercept)
    penalty, smooth, non_smooth = PENALTY_CASES[penalty_case]
    model = LinearModel(fit_intercept)

    assert Objective(model, SquaredError(), penalty, 0.0).penalty_value(params) == 0.0

    alpha = 0.7
    objective = Objective(model, SquaredError(), penalty, alpha)
    value = objective.penalty_value(params)
    assert_allclose(value, alpha * penalty.value(params[0]), rtol=1e-12, atol=0)
    assert_allclose(
        value, alpha * (smooth(params[0]) + non_smooth(params[0])), rtol=1e-12, atol=0
    )
    if fit_intercept:
        # The intercept is never penalised.
        moved = [params[0], params[1] + 100.0]
        assert objective.penalty_value(moved) == value


# ---------------------------------------------------------------------------
# A network with two hidden layers, every loss


def _network_case(loss_name, k, seed=0):
    """A tanh network (4, 3) with random parameters, targets suited to the
    loss, samples near its kinks dropped, and sample weights."""
    rng = np.random.RandomState(seed)
    loss = _make_loss(loss_name)
    classification = loss_name.startswith("clf:")
    n_outputs = (1 if k == 2 else k) if classification else k
    model = NeuralNetwork(
        (4, 3), [Tanh(), Tanh()], [GlorotUniform(), GlorotUniform()], 0.0, True
    )
    shapes = [(N_FEATURES, 4), (4,), (4, 3), (3,), (3, n_outputs), (n_outputs,)]
    params = [rng.normal(scale=0.8, size=shape) for shape in shapes]
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    raw = model.forward(params, X)[0]
    Y, keep = _targets_away_from_kinks(loss_name, loss, k, raw, rng)
    s = rng.uniform(0.2, 3.0, size=N_SAMPLES)[keep]
    return model, loss, X[keep], Y[keep], params, s


@pytest.mark.parametrize("loss_name, k", PROBLEMS, ids=PROBLEM_IDS)
def test_network_value_and_gradient_match_finite_differences(loss_name, k):
    model, loss, X, Y, params, s = _network_case(loss_name, k)
    objective = Objective(model, loss, L2(), ALPHA)

    def reference(candidate):
        # J written out: the weighted mean loss, and alpha ½‖W‖² over the
        # three weight matrices (never the biases).
        losses = loss.value(Y, model.forward(candidate, X)[0])
        weights = candidate[0::2]
        penalty = sum(0.5 * np.sum(W**2) for W in weights)
        return np.sum(s * losses) / np.sum(s) + ALPHA * penalty

    grads = [np.empty_like(p) for p in params]
    value = objective.value_and_gradient(params, X, Y, _relative(s), grads)
    assert_allclose(value, reference(params), rtol=1e-12)
    for grad, expected in zip(grads, finite_differences(reference, params)):
        assert_allclose(grad, expected, rtol=1e-5, atol=1e-7)
