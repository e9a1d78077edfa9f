"""Unit tests of the losses in :mod:`sklearn_gd.losses`.

What is checked, for every loss registered in ``REGRESSION_LOSSES`` and
``CLASSIFICATION_LOSSES`` and for non-default parameters (Huber ``epsilon``,
``quantile=0.2/0.8``, margin ``threshold``, binary and softmax log loss):

- ``value`` against the textbook formula written out independently here
  (½(y−f)², pinball, exp(f)−y f, max(0, 1−y f), cross-entropy, ...), and,
  where scikit-learn has the same quantity, against ``sklearn.metrics``
  (``log_loss``, ``hinge_loss``, ``mean_pinball_loss``,
  ``mean_poisson_deviance``);
- ``gradient`` against central finite differences of ``value`` at random points
  away from the kinks;
- ``constant`` (the best constant raw output, used to start the intercept)
  against a brute-force numerical minimisation of the weighted mean loss, with
  non-uniform sample weights and several outputs; integer weights must act as
  repeated rows;
- the link and target handling: Poisson refuses negative targets with a clear
  error (directly and through ``GDRegressor.fit``), ``encode`` of class indices,
  ``predict_proba`` (sigmoid / softmax; modified Huber as ``SGDClassifier``).
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import minimize, minimize_scalar
from scipy.special import xlogy
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import (
    hinge_loss,
    log_loss,
    mean_pinball_loss,
    mean_poisson_deviance,
)

from sklearn_gd import GDRegressor
from sklearn_gd.losses import (
    CLASSIFICATION_LOSSES,
    REGRESSION_LOSSES,
    AbsoluteError,
    EpsilonInsensitive,
    Hinge,
    Huber,
    LogLoss,
    MarginEpsilonInsensitive,
    MarginHuber,
    MarginSquaredEpsilonInsensitive,
    MarginSquaredError,
    ModifiedHuber,
    Perceptron,
    Poisson,
    Quantile,
    SquaredEpsilonInsensitive,
    SquaredError,
    SquaredHinge,
)

# ---------------------------------------------------------------------------
# Textbook per-element formulas, written independently of the library.
# Regression: r = y - f. Margin losses: z = y f with y in {-1, +1}.


def _huber(eps):
    def phi(y, f):
        a = np.abs(y - f)
        return np.where(a <= eps, 0.5 * a**2, eps * a - 0.5 * eps**2)

    return phi


def _eps_insensitive(eps, power):
    return lambda y, f: np.maximum(np.abs(y - f) - eps, 0.0) ** power


def _pinball(q):
    def phi(y, f):
        r = y - f
        return np.where(r >= 0, q * r, (q - 1) * r)

    return phi


# (loss object, per-element reference L(y, f), kinks in r = y - f)
REGRESSION_CASES = {
    "squared_error": (SquaredError(), lambda y, f: 0.5 * (y - f) ** 2, []),
    "absolute_error": (AbsoluteError(), lambda y, f: np.abs(y - f), [0.0]),
    "huber": (Huber(), _huber(0.1), [-0.1, 0.1]),
    "huber_eps1.35": (Huber(epsilon=1.35), _huber(1.35), [-1.35, 1.35]),
    "epsilon_insensitive": (
        EpsilonInsensitive(),
        _eps_insensitive(0.1, 1),
        [-0.1, 0.1],
    ),
    "epsilon_insensitive_eps0.5": (
        EpsilonInsensitive(epsilon=0.5),
        _eps_insensitive(0.5, 1),
        [-0.5, 0.5],
    ),
    "squared_epsilon_insensitive": (
        SquaredEpsilonInsensitive(),
        _eps_insensitive(0.1, 2),
        [-0.1, 0.1],
    ),
    "squared_epsilon_insensitive_eps0.3": (
        SquaredEpsilonInsensitive(epsilon=0.3),
        _eps_insensitive(0.3, 2),
        [-0.3, 0.3],
    ),
    "quantile": (Quantile(), _pinball(0.5), [0.0]),
    "quantile_0.2": (Quantile(quantile=0.2), _pinball(0.2), [0.0]),
    "quantile_0.8": (Quantile(quantile=0.8), _pinball(0.8), [0.0]),
    "poisson": (Poisson(), lambda y, f: np.exp(f) - y * f, []),
}


def _hinge_phi(t):
    return lambda z: np.maximum(t - z, 0.0)


def _squared_hinge_phi(t):
    return lambda z: np.maximum(t - z, 0.0) ** 2


def _margin_huber_phi(epsilon):
    def phi(z):
        r = np.abs(1 - z)
        return np.where(r <= epsilon, 0.5 * r**2, epsilon * r - 0.5 * epsilon**2)

    return phi


def _modified_huber_phi(z):
    return np.where(z >= -1, np.maximum(1 - z, 0.0) ** 2, -4 * z)


# (loss object, per-element reference phi(z), kinks in z)
MARGIN_CASES = {
    "hinge": (Hinge(), _hinge_phi(1.0), [1.0]),
    "hinge_t0.5": (Hinge(threshold=0.5), _hinge_phi(0.5), [0.5]),
    "squared_hinge": (SquaredHinge(), _squared_hinge_phi(1.0), [1.0]),
    "squared_hinge_t2": (SquaredHinge(threshold=2.0), _squared_hinge_phi(2.0), [2.0]),
    "modified_huber": (ModifiedHuber(), _modified_huber_phi, [-1.0, 1.0]),
    "perceptron": (Perceptron(), lambda z: np.maximum(-z, 0.0), [0.0]),
    # The regression losses on y in {-1, +1}, as SGDClassifier: r = y - f, so
    # |r| = |1 - z| (SGDClassifier's own values are compared below).
    "clf_squared_error": (MarginSquaredError(), lambda z: 0.5 * (1 - z) ** 2, []),
    "clf_huber": (MarginHuber(epsilon=0.3), _margin_huber_phi(0.3), [0.7, 1.3]),
    "clf_epsilon_insensitive": (
        MarginEpsilonInsensitive(epsilon=0.2),
        lambda z: np.maximum(np.abs(1 - z) - 0.2, 0.0),
        [0.8, 1.2],
    ),
    "clf_squared_epsilon_insensitive": (
        MarginSquaredEpsilonInsensitive(epsilon=0.2),
        lambda z: np.maximum(np.abs(1 - z) - 0.2, 0.0) ** 2,
        [0.8, 1.2],
    ),
}


def test_every_registered_loss_is_covered():
    covered = {type(case[0]) for case in REGRESSION_CASES.values()}
    covered |= {type(case[0]) for case in MARGIN_CASES.values()} | {LogLoss}
    registered = set(REGRESSION_LOSSES.values()) | set(CLASSIFICATION_LOSSES.values())
    assert registered <= covered
    for name, cls in {**REGRESSION_LOSSES, **CLASSIFICATION_LOSSES}.items():
        assert isinstance(cls(), cls), name


# ---------------------------------------------------------------------------
# Data helpers


def _away_from_kinks(distance, kinks, margin=1e-2):
    """Rows of ``distance`` (n, k) at least ``margin`` from every kink."""
    keep = np.ones(distance.shape[0], dtype=bool)
    for kink in kinks:
        keep &= (np.abs(distance - kink) > margin).all(axis=1)
    return keep


def _regression_points(n_outputs, kinks, seed=0, n=400):
    rng = np.random.RandomState(seed)
    y = rng.uniform(0, 3, size=(n, n_outputs))  # non-negative: valid for Poisson
    raw = y + rng.uniform(-2, 2, size=(n, n_outputs))
    keep = _away_from_kinks(y - raw, kinks)
    assert keep.sum() > 100
    return y[keep], raw[keep]


def _class_indices(n, n_classes, seed):
    rng = np.random.RandomState(seed)
    probabilities = np.arange(1, n_classes + 1, dtype=float)
    return rng.choice(n_classes, size=n, p=probabilities / probabilities.sum())


def _signs(y_index, n_classes):
    """Targets in {-1, +1}: one column for 2 classes, one-vs-rest otherwise."""
    if n_classes == 2:
        return np.where(y_index == 1, 1.0, -1.0)[:, None]
    return np.where(y_index[:, None] == np.arange(n_classes), 1.0, -1.0)


def _one_hot(y_index, n_classes):
    return (y_index[:, None] == np.arange(n_classes)).astype(float)


def _margin_points(n_classes, kinks, seed=0, n=400):
    rng = np.random.RandomState(seed)
    y_index = _class_indices(n, n_classes, seed)
    y = _signs(y_index, n_classes)
    raw = rng.uniform(-3, 3, size=y.shape)
    keep = _away_from_kinks(y * raw, kinks)
    return y[keep], raw[keep]


def _finite_difference_gradient(loss, y, raw, h=1e-6):
    """Central differences of the per-sample loss, one output at a time."""
    grad = np.empty_like(raw)
    for j in range(raw.shape[1]):
        plus, minus = raw.copy(), raw.copy()
        plus[:, j] += h
        minus[:, j] -= h
        grad[:, j] = (loss.value(y, plus) - loss.value(y, minus)) / (2 * h)
    return grad


# ---------------------------------------------------------------------------
# Values against the textbook formulas


@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("case", REGRESSION_CASES)
def test_regression_value_matches_textbook_formula(case, n_outputs):
    loss, reference, kinks = REGRESSION_CASES[case]
    y, raw = _regression_points(n_outputs, kinks=[])
    value = loss.value(y, raw)
    assert value.shape == (y.shape[0],)
    np.testing.assert_allclose(value, reference(y, raw).sum(axis=1), rtol=1e-12)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("case", MARGIN_CASES)
def test_margin_value_matches_textbook_formula(case, n_classes):
    loss, phi, kinks = MARGIN_CASES[case]
    y, raw = _margin_points(n_classes, kinks=[])
    value = loss.value(y, raw)
    assert value.shape == (y.shape[0],)
    np.testing.assert_allclose(value, phi(y * raw).sum(axis=1), rtol=1e-12)


def test_log_loss_binary_value_is_cross_entropy_on_the_logit():
    rng = np.random.RandomState(0)
    y_index = _class_indices(300, 2, seed=1)
    raw = rng.normal(scale=3, size=(300, 1))
    p = 1 / (1 + np.exp(-raw[:, 0]))
    expected = -(y_index * np.log(p) + (1 - y_index) * np.log(1 - p))
    value = LogLoss().value(y_index[:, None].astype(float), raw)
    np.testing.assert_allclose(value, expected, rtol=1e-10)
    np.testing.assert_allclose(
        value.mean(), log_loss(y_index, np.column_stack([1 - p, p])), rtol=1e-10
    )


def test_log_loss_multiclass_value_is_softmax_cross_entropy():
    rng = np.random.RandomState(0)
    n_classes = 4
    y_index = _class_indices(300, n_classes, seed=2)
    raw = rng.normal(scale=2, size=(300, n_classes))
    exp = np.exp(raw)
    probabilities = exp / exp.sum(axis=1, keepdims=True)
    expected = -np.log(probabilities[np.arange(300), y_index])
    value = LogLoss().value(_one_hot(y_index, n_classes), raw)
    np.testing.assert_allclose(value, expected, rtol=1e-10)
    np.testing.assert_allclose(
        value.mean(),
        log_loss(y_index, probabilities, labels=np.arange(n_classes)),
        rtol=1e-10,
    )


def test_log_loss_is_stable_for_large_raw_outputs():
    y = np.array([[1.0], [0.0], [1.0], [0.0]])
    raw = np.array([[800.0], [-800.0], [-800.0], [800.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = LogLoss().value(y, raw)
        grad = LogLoss().gradient(y, raw)
    np.testing.assert_allclose(value, [0.0, 0.0, 800.0, 800.0])
    np.testing.assert_allclose(grad[:, 0], [0.0, 0.0, -1.0, 1.0])


def test_hinge_mean_matches_sklearn_hinge_loss():
    rng = np.random.RandomState(0)
    y_index = _class_indices(200, 2, seed=3)
    raw = rng.normal(scale=2, size=(200, 1))
    value = Hinge().value(_signs(y_index, 2), raw)
    np.testing.assert_allclose(value.mean(), hinge_loss(y_index, raw[:, 0]))


@pytest.mark.parametrize("q", [0.2, 0.5, 0.8])
def test_quantile_mean_matches_sklearn_mean_pinball_loss(q):
    y, raw = _regression_points(1, kinks=[], seed=4)
    value = Quantile(quantile=q).value(y, raw)
    np.testing.assert_allclose(
        value.mean(), mean_pinball_loss(y[:, 0], raw[:, 0], alpha=q), rtol=1e-12
    )


def test_poisson_is_half_the_deviance_up_to_a_term_free_of_f():
    # ½ d(y, mu) = y log(y / mu) - y + mu, so with mu = exp(f):
    # exp(f) - y f = ½ d(y, exp(f)) - y log y + y.
    rng = np.random.RandomState(5)
    y = rng.poisson(3.0, size=(500, 1)).astype(float)
    raw = rng.normal(1.0, 0.5, size=(500, 1))
    value = Poisson().value(y, raw)
    half_deviance = 0.5 * mean_poisson_deviance(y[:, 0], np.exp(raw[:, 0]))
    offset = np.mean(y[:, 0] - xlogy(y[:, 0], y[:, 0]))
    np.testing.assert_allclose(value.mean(), half_deviance + offset, rtol=1e-12)


# ---------------------------------------------------------------------------
# Gradients against finite differences


@pytest.mark.parametrize("n_outputs", [1, 2])
@pytest.mark.parametrize("case", REGRESSION_CASES)
def test_regression_gradient_matches_finite_differences(case, n_outputs):
    loss, _, kinks = REGRESSION_CASES[case]
    y, raw = _regression_points(n_outputs, kinks, seed=6)
    grad = loss.gradient(y, raw)
    assert grad.shape == raw.shape
    np.testing.assert_allclose(
        grad, _finite_difference_gradient(loss, y, raw), rtol=1e-6, atol=1e-6
    )


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("case", MARGIN_CASES)
def test_margin_gradient_matches_finite_differences(case, n_classes):
    loss, _, kinks = MARGIN_CASES[case]
    y, raw = _margin_points(n_classes, kinks, seed=7)
    grad = loss.gradient(y, raw)
    assert grad.shape == raw.shape
    np.testing.assert_allclose(
        grad, _finite_difference_gradient(loss, y, raw), rtol=1e-6, atol=1e-6
    )


@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_log_loss_gradient_matches_finite_differences(n_classes):
    rng = np.random.RandomState(8)
    y_index = _class_indices(300, n_classes, seed=8)
    n_outputs = 1 if n_classes == 2 else n_classes
    y = (
        y_index[:, None].astype(float)
        if n_classes == 2
        else _one_hot(y_index, n_classes)
    )
    raw = rng.normal(scale=2, size=(300, n_outputs))
    loss = LogLoss()
    np.testing.assert_allclose(
        loss.gradient(y, raw),
        _finite_difference_gradient(loss, y, raw),
        rtol=1e-6,
        atol=1e-7,
    )


def test_subgradients_at_the_kinks_are_documented_choices():
    # Hinge takes 0 at z = threshold; the perceptron takes -1 at z = 0
    # (SGDClassifier's convention), else it could never leave its zero start.
    y = np.array([[1.0], [-1.0]])
    assert np.all(Hinge().gradient(y, np.array([[1.0], [-1.0]])) == 0)
    np.testing.assert_array_equal(
        Perceptron().gradient(y, np.zeros((2, 1))), [[-1.0], [1.0]]
    )
    assert np.all(Quantile(0.3).gradient(y, y) == 0)


# ---------------------------------------------------------------------------
# Best constant against brute-force minimisation

# Losses whose weighted mean is strictly convex in the constant: the minimiser
# is unique, so the argmin itself is compared, not just the objective value.
# (Huber is not: with all residuals beyond epsilon it is flat between points.)
STRICTLY_CONVEX = (SquaredError, Poisson, LogLoss, SquaredHinge, ModifiedHuber)


def _weighted_objective(loss, column, sample_weight):
    def objective(c):
        raw = np.full_like(column, c)
        return float(sample_weight @ loss.value(column, raw) / sample_weight.sum())

    return objective


def _brute_force_minimum(loss, column, sample_weight, low, high):
    """Grid search followed by a bounded 1-D refinement around the best point."""
    objective = _weighted_objective(loss, column, sample_weight)
    grid = np.linspace(low, high, 4001)
    n = column.shape[0]
    # The loss at every (sample, grid point) pair in one call.
    targets = np.broadcast_to(column, (n, grid.size)).reshape(-1, 1)
    raw = np.broadcast_to(grid, (n, grid.size)).reshape(-1, 1)
    values = sample_weight @ loss.value(targets, raw).reshape(n, grid.size)
    values /= sample_weight.sum()
    best = int(values.argmin())
    step = grid[1] - grid[0]
    result = minimize_scalar(
        objective,
        bounds=(grid[best] - step, grid[best] + step),
        method="bounded",
        options={"xatol": 1e-12},
    )
    if result.fun <= values[best]:
        return result.x, result.fun
    return grid[best], values[best]


def _check_constant(loss, y, sample_weight, low, high):
    constant = loss.constant(y, sample_weight)
    assert constant.shape == (y.shape[1],)
    assert constant.dtype == y.dtype
    for k in range(y.shape[1]):
        column = y[:, k : k + 1]
        objective = _weighted_objective(loss, column, sample_weight)
        best_c, best_value = _brute_force_minimum(
            loss, column, sample_weight, low, high
        )
        assert objective(constant[k]) <= best_value + 1e-9 * max(1, abs(best_value))
        if isinstance(loss, STRICTLY_CONVEX):
            assert constant[k] == pytest.approx(best_c, abs=1e-5)


def _sample_weight(n, seed):
    rng = np.random.RandomState(seed)
    weight = rng.uniform(0.2, 3.0, size=n)
    weight[::7] = 0.0  # zero weights must not count
    return weight


@pytest.mark.parametrize("case", REGRESSION_CASES)
def test_regression_constant_minimises_weighted_loss(case):
    loss = REGRESSION_CASES[case][0]
    rng = np.random.RandomState(9)
    n = 61
    if isinstance(loss, Poisson):
        y = rng.poisson([2.0, 7.0], size=(n, 2)).astype(float)
        low, high = -3.0, 4.0  # raw output is log(mean)
    else:
        # Skewed, with an offset, so mean, median and quantiles all differ.
        y = np.column_stack([rng.exponential(2.0, n) + 5, rng.normal(-3, 1, n)])
        low, high = -10.0, 30.0
    _check_constant(loss, y, _sample_weight(n, seed=10), low, high)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("case", MARGIN_CASES)
def test_margin_constant_minimises_weighted_loss(case, n_classes):
    loss = MARGIN_CASES[case][0]
    y = _signs(_class_indices(80, n_classes, seed=11), n_classes)
    _check_constant(loss, y, _sample_weight(80, seed=12), -4.0, 4.0)


def test_log_loss_binary_constant_is_log_prior_odds():
    y_index = _class_indices(90, 2, seed=13)
    weight = _sample_weight(90, seed=14)
    y = y_index[:, None].astype(float)
    _check_constant(LogLoss(), y, weight, -6.0, 6.0)
    prior = np.average(y_index, weights=weight)
    np.testing.assert_allclose(
        LogLoss().constant(y, weight), [np.log(prior / (1 - prior))], rtol=1e-10
    )


def test_log_loss_multiclass_constant_minimises_softmax_cross_entropy():
    n_classes = 4
    y_index = _class_indices(120, n_classes, seed=15)
    weight = _sample_weight(120, seed=16)
    y = _one_hot(y_index, n_classes)
    loss = LogLoss()
    constant = loss.constant(y, weight)

    def objective(c):
        return float(weight @ loss.value(y, np.tile(c, (len(y), 1))) / weight.sum())

    best = minimize(
        objective, np.zeros(n_classes), method="BFGS", options={"gtol": 1e-10}
    )
    assert objective(constant) <= best.fun + 1e-10
    # The minimiser is unique up to a shift; its softmax is the weighted prior.
    prior = np.bincount(y_index, weights=weight, minlength=n_classes) / weight.sum()
    softmax = np.exp(constant) / np.exp(constant).sum()
    np.testing.assert_allclose(softmax, prior, rtol=1e-8)


def test_constant_with_integer_weights_equals_repeated_rows():
    rng = np.random.RandomState(17)
    y = np.abs(rng.normal(2.0, 3.0, size=(25, 2)))
    weight = rng.randint(0, 4, size=25)
    weight[0] = 1
    repeated = np.repeat(y, weight, axis=0)
    ones = np.ones(len(repeated))
    for loss, _, _ in REGRESSION_CASES.values():
        weighted = loss.constant(y, weight.astype(float))
        unweighted = loss.constant(repeated, ones)
        for k in range(2):
            # Both are minimisers of the same objective (not unique for
            # piecewise-linear losses, so compare the objective there).
            objective = _weighted_objective(loss, repeated[:, k : k + 1], ones)
            assert objective(weighted[k]) == pytest.approx(
                objective(unweighted[k]), rel=1e-9, abs=1e-12
            ), repr(loss)
        if isinstance(loss, STRICTLY_CONVEX):
            np.testing.assert_allclose(weighted, unweighted, rtol=1e-6)


@pytest.mark.parametrize(
    "loss, expected",
    [
        (SquaredError(), [2.0]),
        (AbsoluteError(), [2.0]),
        (Quantile(0.2), [1.0]),
        (Quantile(0.8), [3.0]),
        (Poisson(), [np.log(2.0)]),
    ],
)
def test_constant_closed_forms_on_a_small_example(loss, expected):
    # y = 1, 2, 3 with weights 1, 2, 1: mean 2, median 2; the 0.2-quantile is 1
    # (weight share below 1 is 0 <= 0.2 <= 0.25), the 0.8-quantile is 3.
    y = np.array([[1.0], [2.0], [3.0]])
    np.testing.assert_allclose(loss.constant(y, np.array([1.0, 2.0, 1.0])), expected)


# ---------------------------------------------------------------------------
# Links, targets and probabilities


def test_poisson_refuses_negative_targets_with_a_clear_error():
    y = np.array([[0.0], [2.0], [-0.5]])
    with pytest.raises(ValueError, match=r"non-negative.*-0\.5"):
        Poisson().check_targets(y)
    Poisson().check_targets(np.array([[0.0], [3.0]]))  # zeros are fine
    SquaredError().check_targets(y)  # no restriction elsewhere

    X = np.random.RandomState(0).normal(size=(3, 2))
    with pytest.raises(ValueError, match="non-negative"):
        GDRegressor(loss="poisson").fit(X, y[:, 0])
    with pytest.raises(ValueError, match="non-negative"):
        GDRegressor(loss=Poisson()).fit(X, y[:, 0])


def test_inverse_links():
    raw = np.array([[-1.0, 0.0, 2.5]])
    np.testing.assert_allclose(Poisson().inverse_link(raw), np.exp(raw))
    for loss, _, _ in REGRESSION_CASES.values():
        if not isinstance(loss, Poisson):
            np.testing.assert_array_equal(loss.inverse_link(raw), raw)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_encode_class_indices(dtype):
    y_index = np.array([0, 1, 1, 0])
    encoded = LogLoss().encode(y_index, 2, dtype)
    np.testing.assert_array_equal(encoded, [[0], [1], [1], [0]])
    assert encoded.dtype == dtype

    y_index = np.array([2, 0, 1])
    np.testing.assert_array_equal(
        LogLoss().encode(y_index, 3, dtype), [[0, 0, 1], [1, 0, 0], [0, 1, 0]]
    )
    for name, cls in CLASSIFICATION_LOSSES.items():
        if cls is LogLoss:
            continue
        binary = cls().encode(np.array([0, 1, 1, 0]), 2, dtype)
        np.testing.assert_array_equal(binary, [[-1], [1], [1], [-1]], err_msg=name)
        assert binary.dtype == dtype
        multi = cls().encode(y_index, 3, dtype)
        np.testing.assert_array_equal(
            multi, [[-1, -1, 1], [1, -1, -1], [-1, 1, -1]], err_msg=name
        )


@pytest.mark.parametrize("name", CLASSIFICATION_LOSSES)
def test_number_of_outputs(name):
    loss = CLASSIFICATION_LOSSES[name]()
    assert loss.n_outputs(2) == 1
    assert loss.n_outputs(3) == 3
    assert loss.n_outputs(7) == 7


def test_log_loss_probabilities_are_sigmoid_and_softmax():
    rng = np.random.RandomState(18)
    raw = rng.normal(scale=2, size=(50, 1))
    proba = LogLoss().predict_proba(raw)
    positive = 1 / (1 + np.exp(-raw[:, 0]))
    np.testing.assert_allclose(proba, np.column_stack([1 - positive, positive]))

    raw = rng.normal(scale=2, size=(50, 3))
    proba = LogLoss().predict_proba(raw)
    np.testing.assert_allclose(proba, np.exp(raw) / np.exp(raw).sum(axis=1)[:, None])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_modified_huber_probabilities_match_sgd_classifier(n_classes):
    rng = np.random.RandomState(19)
    X = rng.normal(size=(150, 4))
    y = _class_indices(150, n_classes, seed=19)
    X[:, 0] += 2 * y  # separable-ish, with scores on both sides of +-1
    sgd = SGDClassifier(loss="modified_huber", max_iter=20, tol=None, random_state=0)
    sgd.fit(X, y)
    raw = sgd.decision_function(X).reshape(len(X), -1)
    np.testing.assert_allclose(
        ModifiedHuber().predict_proba(raw), sgd.predict_proba(X), atol=1e-12
    )


@pytest.mark.parametrize(
    "loss, smooth",
    [
        (SquaredError(), True),
        (AbsoluteError(), False),
        (Huber(), True),
        (EpsilonInsensitive(), False),
        (SquaredEpsilonInsensitive(), True),
        (Quantile(), False),
        (Poisson(), True),
        (LogLoss(), True),
        (Hinge(), False),
        (SquaredHinge(), True),
        (ModifiedHuber(), True),
        (Perceptron(), False),
    ],
)
def test_smoothness_flag_matches_the_math(loss, smooth):
    # lbfgs relies on this flag to refuse non-differentiable losses.
    assert loss.is_smooth is smooth


def test_output_scale_is_a_spread_not_moved_by_outliers():
    rng = np.random.RandomState(0)
    y = 3.0 + 7.0 * rng.randn(20000, 1)
    ones = np.ones(len(y))
    # Normal targets: about the standard deviation, for every loss.
    assert SquaredError().output_scale(y, ones) == pytest.approx(7.0, rel=0.03)
    assert Huber().output_scale(y, ones) == pytest.approx(7.0, rel=0.03)
    # 1% of rows at +1e6 make the standard deviation ~1e5. A bounded-gradient
    # loss ignores them, and so does its spread (winsorised at 5-95%); a
    # squared loss chases them, so its spread is the standard deviation.
    contaminated = y.copy()
    contaminated[:200] += 1e6
    for loss in (Huber(), AbsoluteError(), Quantile(), EpsilonInsensitive()):
        assert loss.bounded_gradient
        assert loss.output_scale(contaminated, ones) == pytest.approx(7.0, rel=0.05)
    assert not SquaredError().bounded_gradient
    assert SquaredError().output_scale(contaminated, ones) == pytest.approx(
        contaminated.std(), rel=1e-9
    )
    # Most targets in one tight cluster (zero-inflated, counts above it): a
    # median-based spread collapsed to 1e-3 at 60%, the 10-90% range to 1e-6
    # at 93% (and Adam's step with them, to zero weights); the winsorised std
    # and the std do not, while more than 5% of the targets are off the cluster.
    for share in (0.6, 0.93):
        cluster = rng.uniform(size=(1000, 1)) < share
        signal = 50 * np.abs(rng.randn(1000, 1))
        bulk = np.where(cluster, 1e-6 * rng.randn(1000, 1), signal)
        for loss in (SquaredError(), Huber(), Quantile(0.97)):
            assert loss.output_scale(bulk, np.ones(1000)) > 1  # not ~1e-6
    # Wide-centred (uniform) targets: the normal-consistent winsorised std
    # exceeds the standard deviation, which is taken as the smaller.
    uniform = rng.uniform(size=(20000, 1))
    assert Huber().output_scale(uniform, ones) == pytest.approx(uniform.std(), rel=1e-9)
    # Sample weights act as repeated rows; each output has its own spread.
    weights = rng.randint(1, 4, size=50).astype(float)
    small = rng.randn(50, 2) * [1.0, 1000.0]
    repeated = np.repeat(small, weights.astype(int), axis=0)
    for loss in (SquaredError(), Huber()):
        assert_allclose(
            loss.output_scale(small, weights),
            loss.output_scale(repeated, np.ones(len(repeated))),
            rtol=1e-9,
        )
    each = [SquaredError().output_scale(repeated[:, [k]], np.ones(len(repeated)))[0]
            for k in range(2)]
    assert_allclose(
        SquaredError().output_scale(repeated, np.ones(len(repeated))), each
    )
    assert each[1] > 500 * each[0]
    # Huge targets do not overflow when squared, and rows of zero weight are
    # left out (a 1e300 among them made the rest underflow to a spread of 0).
    assert SquaredError().output_scale(y * 1e160, ones) == pytest.approx(
        7e160, rel=0.03
    )
    with_huge = np.array([[100.0], [200.0], [300.0], [400.0], [1e300]])
    assert SquaredError().output_scale(
        with_huge, np.array([1.0, 1.0, 1.0, 1.0, 0.0])
    ) == pytest.approx(np.std([100, 200, 300, 400]))
    # No spread (one sample, a constant): the targets' size, so that a first
    # partial_fit of one row does not fix a step in the wrong units; 1 for 0.
    assert SquaredError().output_scale(np.full((10, 1), 4.0), np.ones(10)) == [4.0]
    assert SquaredError().output_scale(np.array([[-1e3]]), np.ones(1)) == [1e3]
    assert SquaredError().output_scale(np.zeros((5, 1)), np.ones(5)) == [1.0]


@pytest.mark.parametrize("loss", [EpsilonInsensitive(), SquaredEpsilonInsensitive()])
def test_best_constant_of_a_loss_flat_over_the_targets_is_central(loss):
    # Every |y| < epsilon: all of [min y, max y] is optimal. min y, the old
    # pick, started the fit at one end (R^2 -19.9 at targets of size 1e-6).
    rng = np.random.RandomState(0)
    y = 1e-3 * rng.standard_t(2, size=(500, 1))
    weights = rng.uniform(0.5, 2.0, size=500)
    constant = loss.constant(y, weights)
    assert np.all(loss.value(y, np.full_like(y, constant)) == 0)  # optimal
    np.testing.assert_allclose(constant, Quantile(0.5).constant(y, weights))  # median


def test_log_loss_constant_starts_an_absent_class_neutral():
    # A first partial_fit chunk may lack a class: it starts at the mean logit
    # of the classes present (binary: logit 0), not at a floored prior.
    loss = LogLoss()
    y = loss.encode(np.array([0, 0, 0, 1]), 3, np.float64)
    constant = loss.constant(y, np.ones(4))
    present = np.log([0.75, 0.25])
    assert_allclose(constant[:2], present - present.mean())
    assert constant[2] == pytest.approx(constant[:2].mean())
    only_one = loss.encode(np.zeros(5, dtype=int), 2, np.float64)
    assert_allclose(loss.constant(only_one, np.ones(5)), [0.0])
