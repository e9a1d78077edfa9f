"""Parameter validation and user-defined components.

What is checked:

- invalid parameters of the estimators and of component objects used inside
  them raise, at ``fit`` and never in ``__init__``, an error that is both a
  ``ValueError`` and a ``TypeError`` and whose message names the parameter, the
  value given and what is allowed;
- the constraint classes of :mod:`sklearn_gd.validation` (``Interval``,
  ``Options``, ``Boolean``, ``InstanceOf``) accept and describe what they say;
- a user-defined loss (a log-cosh regression loss and a logistic margin loss),
  schedule (linear decay) and optimizer (sign SGD), written here by
  subclassing the public base classes, work end to end: ``fit``/``predict``
  reach the optimum of the objective they define, ``clone`` and
  ``GridSearchCV`` over their nested parameters work, and their declared
  ``_parameter_constraints`` are enforced at ``fit``.
"""

from __future__ import annotations

import re
from numbers import Integral, Real

import numpy as np
import pytest
from scipy.optimize import minimize
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from sklearn_gd import GDClassifier, GDRegressor
from sklearn_gd.losses import (
    Huber,
    LogLoss,
    MarginLoss,
    Quantile,
    RegressionLoss,
    SquaredError,
)
from sklearn_gd.optimizers import LBFGS, SGD, Adam, Optimizer, RMSprop
from sklearn_gd.penalties import ElasticNet
from sklearn_gd.schedules import Cosine, Schedule, StepDecay
from sklearn_gd.validation import (
    Boolean,
    InstanceOf,
    Interval,
    InvalidParameterError,
    Options,
    check_params,
)


def _regression_data(n=60, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    y = X @ np.array([1.5, -2.0, 0.5]) + 3.0 + rng.normal(scale=0.2, size=n)
    return X, y


def _classification_data(n=80, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 2))
    y = (X[:, 0] - 0.5 * X[:, 1] + 0.3 * rng.normal(size=n) > 0).astype(int)
    return X, y


# ---------------------------------------------------------------------------
# Invalid parameters: (estimator, words that must appear in the message)

LOSS_NAMES = r"'squared_error'.*'absolute_error'.*'poisson'"

INVALID = {
    "learning_rate": (
        GDRegressor(learning_rate=-1),
        ["'learning_rate'", "GDRegressor", r"\(0, inf\)", "Got -1"],
    ),
    "learning_rate_zero": (GDRegressor(learning_rate=0.0), ["'learning_rate'", "0.0"]),
    "loss": (
        GDRegressor(loss="nope"),
        ["'loss'", LOSS_NAMES, "RegressionLoss", "'nope'"],
    ),
    "classifier_loss_in_regressor": (
        GDRegressor(loss=LogLoss()),
        ["'loss'", "RegressionLoss", "LogLoss"],
    ),
    "regression_loss_object_in_classifier": (
        GDClassifier(loss=Huber()),
        ["'loss'", "'log_loss'.*'hinge'", "ClassificationLoss", "Huber"],
    ),
    "optimizer": (
        GDRegressor(optimizer=3),
        ["'optimizer'", "'sgd'.*'adam'.*'lbfgs'", "Optimizer", "Got 3"],
    ),
    "optimizer_class_not_instance": (
        GDRegressor(optimizer=Adam),
        ["'optimizer'", "instance of sklearn_gd.optimizers.Optimizer"],
    ),
    "batch_size": (
        GDRegressor(batch_size=0),
        ["'batch_size'", r"\[1, inf\)", "'auto'", "None", "Got 0"],
    ),
    "batch_size_float": (GDRegressor(batch_size=32.0), ["'batch_size'", "an int"]),
    "penalty": (
        GDRegressor(penalty="l3"),
        ["'penalty'", "'l2'.*'l1'.*'elasticnet'.*None", "Penalty", "'l3'"],
    ),
    "schedule": (
        GDRegressor(schedule="linear"),
        ["'schedule'", "'constant'.*'cosine'.*'adaptive'", "Schedule", "'linear'"],
    ),
    "alpha": (GDRegressor(alpha=-0.1), ["'alpha'", r"\[0, inf\)", "-0.1"]),
    # alpha=inf used to pass and "diverge", blaming learning_rate.
    "alpha_inf": (GDRegressor(alpha=np.inf), ["'alpha'", r"\[0, inf\)", "Got inf"]),
    "l1_ratio": (GDRegressor(l1_ratio=1.5), ["'l1_ratio'", r"\[0, 1\]", "1.5"]),
    "max_iter": (GDRegressor(max_iter=0), ["'max_iter'", "an int", "Got 0"]),
    "tol": (GDRegressor(tol=-1e-3), ["'tol'", "None", "-0.001"]),
    "n_iter_no_change": (GDRegressor(n_iter_no_change=0), ["'n_iter_no_change'"]),
    "early_stopping": (
        GDRegressor(early_stopping="yes"),
        ["'early_stopping'", "a bool", "'yes'"],
    ),
    "validation_fraction": (
        GDRegressor(validation_fraction=1.0),
        ["'validation_fraction'", r"\(0, 1\)"],
    ),
    "shuffle": (GDRegressor(shuffle=1), ["'shuffle'", "a bool", "Got 1"]),
    "fit_intercept": (GDRegressor(fit_intercept=None), ["'fit_intercept'", "a bool"]),
    "random_state": (
        GDRegressor(random_state=-1),
        ["'random_state'", "RandomState", "None", "Got -1"],
    ),
    "verbose": (GDRegressor(verbose=-2), ["'verbose'", "-2"]),
    "class_weight": (
        GDClassifier(class_weight="unbalanced"),
        ["'class_weight'", "'balanced'", "a dict", "'unbalanced'"],
    ),
    # Component objects: checked when the estimator is fitted.
    "adam_beta1": (
        GDRegressor(optimizer=Adam(beta1=1.5)),
        ["'beta1'", "Adam", r"\[0, 1\)", "1.5"],
    ),
    "adam_eps": (GDClassifier(optimizer=Adam(eps=0)), ["'eps'", "Adam", "Got 0"]),
    "sgd_momentum": (
        GDRegressor(optimizer=SGD(momentum=1.0)),
        ["'momentum'", "SGD", r"\[0, 1\)"],
    ),
    "sgd_nesterov_flag": (
        GDRegressor(optimizer=SGD(nesterov="yes", momentum=0.9)),
        ["'nesterov'", "a bool"],
    ),
    "nesterov_without_momentum": (
        GDRegressor(optimizer=SGD(nesterov=True)),
        ["nesterov", "momentum > 0"],
    ),
    "rmsprop_rho": (GDRegressor(optimizer=RMSprop(rho=-0.5)), ["'rho'", "RMSprop"]),
    "clip_norm": (
        GDRegressor(optimizer=Adam(clip_norm=0.0)),
        ["'clip_norm'", r"\(0, inf\)", "None"],
    ),
    "clip_value": (
        GDRegressor(optimizer=SGD(clip_value=-1.0)),
        ["'clip_value'", "SGD"],
    ),
    "lbfgs_memory": (GDRegressor(optimizer=LBFGS(memory=0)), ["'memory'", "LBFGS"]),
    "lbfgs_non_smooth_loss": (
        GDClassifier(loss="hinge", optimizer="lbfgs"),
        ["optimizer='lbfgs'", "smooth", "loss='hinge'"],
    ),
    "lbfgs_l1": (
        GDRegressor(penalty="l1", optimizer="lbfgs"),
        ["optimizer='lbfgs'", "smooth", "penalty='l1'"],
    ),
    "huber_epsilon": (
        GDRegressor(loss=Huber(epsilon=0.0)),
        ["'epsilon'", "Huber", r"\(0, inf\)"],
    ),
    "quantile": (
        GDRegressor(loss=Quantile(quantile=1.0)),
        ["'quantile'", "Quantile", r"\(0, 1\)", "1.0"],
    ),
    "elasticnet_object": (
        GDRegressor(penalty=ElasticNet(l1_ratio=-0.1)),
        ["'l1_ratio'", "ElasticNet", r"\[0, 1\]"],
    ),
    "schedule_object": (
        GDRegressor(schedule=Cosine(min_fraction=2)),
        ["'min_fraction'", "Cosine", r"\[0, 1\]", "Got 2"],
    ),
    "schedule_integer_param": (
        GDRegressor(schedule=StepDecay(n_drops=1.5)),
        ["'n_drops'", "StepDecay", "an int", "1.5"],
    ),
}


@pytest.mark.parametrize("case", INVALID)
def test_invalid_parameter_raises_at_fit_naming_it(case):
    estimator, words = INVALID[case]
    X, y = (
        _classification_data()
        if isinstance(estimator, GDClassifier)
        else _regression_data()
    )
    with pytest.raises(ValueError) as error:
        estimator.fit(X, y)
    message = str(error.value)
    for pattern in words:
        assert re.search(pattern, message), (pattern, message)
    assert not hasattr(estimator, "coef_")


@pytest.mark.parametrize(
    "estimator",
    [GDRegressor(optimizer=3), GDRegressor(learning_rate="fast"), GDRegressor(tol="x")],
)
def test_invalid_parameter_error_is_also_a_type_error(estimator):
    X, y = _regression_data()
    with pytest.raises(TypeError, match="parameter of GDRegressor"):
        estimator.fit(X, y)
    with pytest.raises(InvalidParameterError):
        estimator.fit(X, y)


def test_partial_fit_validates_too():
    X, y = _regression_data()
    with pytest.raises(ValueError, match="'beta1'"):
        GDRegressor(optimizer=Adam(beta1=-1)).partial_fit(X, y)


def test_nothing_is_validated_in_init():
    # Every value is invalid; construction, get_params, set_params and clone
    # must still work and keep the values as given.
    bad = dict(
        loss="nope",
        penalty="l3",
        alpha=-1,
        l1_ratio=7,
        optimizer=3,
        learning_rate=-1,
        schedule=object(),
        batch_size=0,
        max_iter=-5,
        tol="x",
        n_iter_no_change=0,
        early_stopping="yes",
        validation_fraction=2,
        shuffle=None,
        fit_intercept="no",
        warm_start=3,
        random_state=-1,
        verbose=-1,
    )
    for Estimator, extra in ((GDRegressor, {}), (GDClassifier, {"class_weight": 4})):
        estimator = Estimator(**bad, **extra)
        params = estimator.get_params()
        for name, value in {**bad, **extra}.items():
            assert params[name] is value
        assert clone(estimator).get_params()["optimizer"] == 3
        estimator.set_params(alpha=-2)
    # Component objects too.
    adam = Adam(beta1=5, eps=-1, clip_norm="x")
    assert adam.get_params()["beta1"] == 5
    for component in (Huber(epsilon=-1), Quantile(quantile=3), Cosine(min_fraction=-1)):
        assert clone(component).get_params() == component.get_params()
    model = GDRegressor(optimizer=adam, loss=Huber(epsilon=-1))
    assert model.get_params()["optimizer__beta1"] == 5


def test_a_valid_fit_after_fixing_the_parameter():
    X, y = _regression_data()
    model = GDRegressor(optimizer=Adam(beta1=1.5), max_iter=20, tol=None)
    with pytest.raises(ValueError):
        model.fit(X, y)
    model.set_params(optimizer__beta1=0.5).fit(X, y)
    assert model.coef_.shape == (3,)


def test_components_are_not_modified_by_validation():
    optimizer = Adam(beta1=0.8)
    model = GDRegressor(optimizer=optimizer, max_iter=5, tol=None)
    model.fit(*_regression_data())
    assert model.optimizer is optimizer
    assert optimizer.get_params()["beta1"] == 0.8


# ---------------------------------------------------------------------------
# The constraint classes


@pytest.mark.parametrize(
    "constraint, good, bad, text",
    [
        (
            Interval(Real, 0, 1, "left"),
            [0, 0.5, 0.999],
            [1, -0.1, True, np.nan, "0"],
            "a float in the range [0, 1)",
        ),
        (
            Interval(Real, 0, None, "neither"),
            [1e-9, 5, 1e9],
            [0, -1, None, np.inf, float("inf")],
            "a float in the range (0, inf)",
        ),
        (
            Interval(Integral, 1, None, "left"),
            [1, 10, np.int64(3)],
            [0, 1.0, 2.5, False],
            "an int in the range [1, inf)",
        ),
        (
            Interval(Real, None, 2, "right"),
            [-1e9, 2],
            [2.1, -np.inf],
            "a float in the range (-inf, 2]",
        ),
        (
            Options(["auto", None]),
            ["auto", None],
            ["Auto", 0, False, "none"],
            "one of {'auto', None}",
        ),
        (Boolean(), [True, False, np.bool_(True)], [0, 1, "True", None], "a bool"),
        (InstanceOf(dict, "a dict"), [{}, {"a": 1}], [[], None], "a dict"),
        (
            InstanceOf((list, tuple)),
            [[], ()],
            [{}, None],
            "an instance of list or tuple",
        ),
    ],
)
def test_constraints_accept_what_they_describe(constraint, good, bad, text):
    for value in good:
        assert constraint.is_satisfied_by(value), value
    for value in bad:
        assert not constraint.is_satisfied_by(value), value
    assert str(constraint) == text


def test_check_params_message_lists_every_allowed_kind():
    constraints = {"size": [Interval(Integral, 1, None, "left"), Options(["auto"])]}
    check_params("Thing", {"size": 3}, constraints)
    check_params("Thing", {"size": "auto"}, constraints)
    check_params("Thing", {"other": -1}, constraints)  # undeclared: not checked
    with pytest.raises(InvalidParameterError) as error:
        check_params("Thing", {"size": 0}, constraints)
    assert str(error.value) == (
        "The 'size' parameter of Thing must be an int in the range [1, inf) or "
        "one of {'auto'}. Got 0 instead."
    )


# ---------------------------------------------------------------------------
# User-defined components, written as a user would


class LogCosh(RegressionLoss):
    """``L = scale² log(cosh((f - y) / scale))``: ½ r² near 0, linear far out."""

    _parameter_constraints = {"scale": [Interval(Real, 0, None, "neither")]}

    def __init__(self, scale=1.0):
        self.scale = scale

    def value(self, y, raw):
        r = (raw - y) / self.scale
        # log(cosh(r)) = |r| + log1p(exp(-2|r|)) - log 2, stable for large |r|.
        a = np.abs(r)
        return (self.scale**2 * (a + np.log1p(np.exp(-2 * a)) - np.log(2))).sum(axis=1)

    def gradient(self, y, raw):
        return self.scale * np.tanh((raw - y) / self.scale)


class LogisticMargin(MarginLoss):
    """``phi(z) = log(1 + exp(-z))``: log loss written as a margin loss."""

    def margin_value(self, z):
        return np.logaddexp(0, -z)

    def margin_derivative(self, z):
        return -1 / (1 + np.exp(z))


class LinearDecay(Schedule):
    """``lr(t) = base (1 - (1 - end_fraction) min(t / n_steps, 1))``."""

    _parameter_constraints = {"end_fraction": [Interval(Real, 0, 1, "both")]}

    def __init__(self, end_fraction=0.1):
        self.end_fraction = end_fraction

    def value(self, step, base_lr, n_steps, alpha):
        progress = np.minimum(np.asarray(step, dtype=float) / n_steps, 1.0)
        return base_lr * (1 - (1 - self.end_fraction) * progress)


class SignSGD(Optimizer):
    """``w <- w - lr sign(g)``."""

    def init(self, params, context):
        return None

    def step(self, params, grads, state, lr):
        params -= lr * np.sign(grads)


def _log_cosh_optimum(X, y, scale, alpha):
    """The GDRegressor objective with LogCosh and an L2 penalty, minimised here."""
    loss = LogCosh(scale)

    def objective(theta):
        w, b = theta[:-1], theta[-1]
        raw = (X @ w + b)[:, None]
        value = loss.value(y[:, None], raw).mean() + alpha * 0.5 * w @ w
        grad_raw = loss.gradient(y[:, None], raw)[:, 0] / len(y)
        return value, np.append(X.T @ grad_raw + alpha * w, grad_raw.sum())

    result = minimize(
        objective, np.zeros(X.shape[1] + 1), jac=True, method="BFGS", tol=1e-12
    )
    return result.x[:-1], result.x[-1]


@pytest.mark.parametrize("optimizer", ["lbfgs", "adam"])
def test_custom_loss_fits_to_its_own_optimum(optimizer):
    X, y = _regression_data()
    y[:5] += 30  # outliers, where log-cosh differs from squared error
    alpha = 0.01
    model = GDRegressor(
        loss=LogCosh(scale=0.5),
        optimizer=optimizer,
        alpha=alpha,
        learning_rate=0.05,
        schedule="cosine",  # annealed, so Adam settles at the optimum
        batch_size=None,
        max_iter=2000,
        tol=None,
    ).fit(X, y)
    coef, intercept = _log_cosh_optimum(X, y, 0.5, alpha)
    np.testing.assert_allclose(model.coef_, coef, atol=1e-4)
    np.testing.assert_allclose(model.intercept_, [intercept], atol=1e-4)
    np.testing.assert_allclose(model.predict(X), X @ coef + intercept, atol=1e-3)
    # Robust: far from the least-squares fit that the outliers drag away.
    squared = GDRegressor(loss=SquaredError(), optimizer="lbfgs", alpha=alpha)
    squared.fit(X, y)
    assert abs(squared.intercept_[0] - intercept) > 0.5


def test_custom_loss_best_constant_starts_the_intercept():
    # The generic Loss.constant minimises the custom loss over constants.
    X, y = _regression_data()
    model = GDRegressor(loss=LogCosh(scale=0.5), max_iter=1, tol=None, batch_size=None)
    model.set_params(learning_rate=1e-12).fit(X, y)  # essentially no update
    objective = [
        LogCosh(0.5).value(y[:, None], np.full((len(y), 1), c)).mean()
        for c in np.linspace(y.min(), y.max(), 2001)
    ]
    assert (
        LogCosh(0.5).value(y[:, None], np.full((len(y), 1), model.intercept_[0])).mean()
        <= min(objective) + 1e-9
    )


def test_custom_loss_clone_and_grid_search():
    X, y = _regression_data()
    model = GDRegressor(loss=LogCosh(scale=2.0), optimizer="lbfgs", max_iter=200)
    cloned = clone(model)
    assert cloned.loss is not model.loss
    assert cloned.get_params()["loss__scale"] == 2.0
    search = GridSearchCV(model, {"loss__scale": [0.1, 1.0, 5.0]}, cv=3).fit(X, y)
    assert search.best_params_["loss__scale"] in (0.1, 1.0, 5.0)
    assert search.best_estimator_.loss.scale == search.best_params_["loss__scale"]
    assert model.loss.scale == 2.0  # the original is untouched
    assert search.best_estimator_.score(X, y) > 0.9
    search = GridSearchCV(
        GDRegressor(optimizer="lbfgs"), {"loss": [LogCosh(), SquaredError()]}, cv=3
    ).fit(X, y)
    assert isinstance(search.best_estimator_.loss, (LogCosh, SquaredError))


def test_custom_loss_parameter_constraints_are_enforced_at_fit():
    model = GDRegressor(loss=LogCosh(scale=-1.0))  # fine until fit
    with pytest.raises(ValueError, match=r"'scale' parameter of LogCosh.*-1\.0"):
        model.fit(*_regression_data())


def test_custom_margin_loss_in_classifier_matches_log_loss():
    # phi(z) = log(1 + e^-z) with z = y f, y = +-1, is binary log loss.
    X, y = _classification_data()
    common = dict(optimizer="lbfgs", alpha=0.01, tol=1e-10, max_iter=500)
    custom = GDClassifier(loss=LogisticMargin(), **common).fit(X, y)
    reference = GDClassifier(loss="log_loss", **common).fit(X, y)
    np.testing.assert_allclose(custom.coef_, reference.coef_, atol=1e-5)
    np.testing.assert_allclose(custom.intercept_, reference.intercept_, atol=1e-5)
    np.testing.assert_array_equal(custom.predict(X), reference.predict(X))
    assert not hasattr(custom, "predict_proba")  # no probabilities declared
    multi = GDClassifier(loss=LogisticMargin(), **common)
    multi.fit(X, np.digitize(X[:, 0], [-0.5, 0.5]))
    assert multi.coef_.shape == (3, 2)


def test_custom_schedule_end_to_end():
    X, y = _regression_data()  # 60 samples, batches of 20: 3 updates per epoch
    schedule = LinearDecay(end_fraction=0.2)
    model = GDRegressor(
        optimizer="sgd",
        schedule=schedule,
        learning_rate=0.05,
        batch_size=20,
        max_iter=10,
        tol=None,
        random_state=0,
    ).fit(X, y)
    expected = 0.05 * (1 - 0.8 * np.minimum(np.arange(2, 30, 3) / 30, 1))
    np.testing.assert_allclose(model.learning_rate_curve_, expected)
    np.testing.assert_allclose(
        schedule.values(0.05, 30), 0.05 * (1 - 0.8 * np.arange(30) / 30)
    )
    assert model.get_params()["schedule__end_fraction"] == 0.2
    assert clone(model).schedule is not schedule

    search = GridSearchCV(
        model, {"schedule__end_fraction": [0.0, 1.0]}, cv=3, error_score="raise"
    ).fit(X, y)
    assert search.best_params_["schedule__end_fraction"] in (0.0, 1.0)
    with pytest.raises(ValueError, match="'end_fraction' parameter of LinearDecay"):
        clone(model).set_params(schedule__end_fraction=1.5).fit(X, y)


def test_custom_optimizer_end_to_end():
    X, y = _regression_data()
    lr = 0.01
    model = GDRegressor(
        optimizer=SignSGD(),
        learning_rate=lr,
        batch_size=None,
        max_iter=3,
        tol=None,
        fit_intercept=False,
        penalty=None,
    ).fit(X, y)
    # Three sign steps from zero, computed here.
    w = np.zeros(3)
    for _ in range(3):
        w -= lr * np.sign(X.T @ (X @ w - y) / len(y))
    np.testing.assert_allclose(model.coef_, w)
    clipped = clone(model).set_params(optimizer__clip_norm=0.5)
    assert clipped.get_params()["optimizer__clip_norm"] == 0.5
    with pytest.raises(ValueError, match="'clip_norm' parameter of SignSGD"):
        clone(model).set_params(optimizer__clip_norm=-1.0).fit(X, y)


@pytest.mark.parametrize(
    "weight, match",
    [(np.nan, "NaN"), (np.inf, "infinity"), (-1.0, "Negative"), (0.0, "non-zero")],
)
def test_scalar_sample_weight_is_checked_like_an_array(weight, match):
    # A scalar skipped the checks: NaN ended in an IndexError, inf in a
    # "diverged" error, -1 in a message about zero weights.
    X, y = np.random.RandomState(0).randn(20, 2), np.arange(20.0)
    with pytest.raises(ValueError, match=match):
        GDRegressor().fit(X, y, sample_weight=weight)


def test_nested_key_on_a_none_penalty_says_what_to_do():
    with pytest.raises(ValueError, match="penalty=None has no parameters"):
        GDRegressor(penalty=None).set_params(penalty__l1_ratio=0.5)
    estimator = GDRegressor(penalty=None).set_params(
        penalty="elasticnet", penalty__l1_ratio=0.5
    )
    assert estimator.penalty.l1_ratio == 0.5


class ScaledSGD(Optimizer):
    """``w <- w - lr * mean(scales) * g``: an array hyper-parameter, and state
    that holds more than numbers."""

    def __init__(self, scales=None, clip_norm=None, clip_value=None):
        self.scales = scales
        self.clip_norm = clip_norm
        self.clip_value = clip_value

    def init(self, params, context):
        return {"note": None, "label": "scaled", "steps": 0}

    def step(self, params, grads, state, lr):
        state["steps"] += 1
        params -= lr * float(np.mean(self.scales)) * grads


def test_custom_optimizer_state_and_array_parameters_are_handled():
    # The finiteness check of the optimizer's state raised a TypeError on None
    # and strings; comparing array hyper-parameters between partial_fit calls
    # raised "truth value of an array is ambiguous".
    X, y = _regression_data()
    model = GDRegressor(
        optimizer=ScaledSGD(scales=np.ones(4)), learning_rate=0.01, random_state=0
    )
    model.fit(X, y)
    steps = model._training_state.optimizer_state["steps"]
    model.set_params(optimizer__scales=np.ones(4)).partial_fit(X, y)
    # An equal array is the same optimizer: its state carries on.
    assert model._training_state.optimizer_state["steps"] > steps
    t_before = model.t_
    model.set_params(optimizer__scales=np.full(4, 0.5)).partial_fit(X, y)
    # Restarted: it counts only this call's updates.
    assert model._training_state.optimizer_state["steps"] == model.t_ - t_before
