"""Data and helpers shared by test_base.py, test_engine.py and test_solvers.py.

A plain module, not a test file: pytest puts ``tests/`` on ``sys.path`` (its
default "prepend" import mode), so the tests import it as ``_helpers``.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    make_classification,
    make_regression,
)
from sklearn.preprocessing import StandardScaler

from sklearn_gd import GDClassifier, GDRegressor
from sklearn_gd.losses import SquaredError

# ---------------------------------------------------------------------------
# Small data sets, built fresh for every call so no test can leak into another.


def regression_data(n_samples=100, n_features=8, random_state=0):
    X, y = make_regression(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=5,
        noise=5.0,
        random_state=random_state,
    )
    return X, y


def classification_data(n_classes=2, n_samples=120, n_features=8, random_state=0):
    X, y = make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=4,
        n_classes=n_classes,
        random_state=random_state,
    )
    return X, y


def sparse_like(X):
    """``X`` with about half its entries set to zero, so CSR is really sparse."""
    X = X.copy()
    X[np.abs(X) < 0.7] = 0.0
    return X


def diabetes():
    """load_diabetes with standardised X and the raw targets (~25..346)."""
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def breast_cancer():
    """load_breast_cancer with standardised X; labels 0 and 1."""
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


# (estimator class, data builder) for everything both estimators promise.
TASKS = {
    "regressor": (GDRegressor, regression_data),
    "binary": (GDClassifier, lambda **kw: classification_data(2, **kw)),
    "multiclass": (GDClassifier, lambda **kw: classification_data(3, **kw)),
}
task_params = pytest.mark.parametrize("task", list(TASKS))


def build(task, **params):
    """An estimator for ``task`` with ``params`` and its training data."""
    Estimator, data = TASKS[task]
    X, y = data()
    return Estimator(**params), X, y


# ---------------------------------------------------------------------------
# Reading and comparing fitted models.


def spread_of(y):
    """What learning_rate="auto" is multiplied by for a regressor."""
    return SquaredError().output_scale(y.reshape(-1, 1), np.ones(len(y)))[0]


def raw_output(estimator, X):
    """The prediction whose dtype and values follow the coefficients."""
    if isinstance(estimator, GDClassifier):
        return estimator.decision_function(X)
    return estimator.predict(X)


def classes_of(estimator, y):
    """The ``classes`` argument a first ``partial_fit`` call needs."""
    return {"classes": np.unique(y)} if isinstance(estimator, GDClassifier) else {}


def assert_same_model(a, b, rtol=0.0, atol=0.0):
    if rtol == 0 and atol == 0:
        assert_array_equal(a.coef_, b.coef_)
        assert_array_equal(a.intercept_, b.intercept_)
    else:
        assert_allclose(a.coef_, b.coef_, rtol=rtol, atol=atol)
        assert_allclose(a.intercept_, b.intercept_, rtol=rtol, atol=atol)


def finite_differences(function, params, h=1e-6):
    """Central differences of ``function(params)`` for every parameter."""
    grads = []
    for index, param in enumerate(params):
        grad = np.empty_like(param)
        for position in np.ndindex(param.shape):
            plus = [p.copy() for p in params]
            minus = [p.copy() for p in params]
            plus[index][position] += h
            minus[index][position] -= h
            grad[position] = (function(plus) - function(minus)) / (2 * h)
        grads.append(grad)
    return grads
