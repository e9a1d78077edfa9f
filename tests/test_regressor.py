"""GDRegressor (``sklearn_gd/_regressor.py``): targets, links, sparsity, outputs.

What both estimators share is tested in test_base.py, test_engine.py and
test_solvers.py.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_regression
from sklearn.linear_model import Lasso, PoissonRegressor, Ridge
from sklearn.preprocessing import StandardScaler

from sklearn_gd import GDRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def sparse_truth(random_state=0):
    """Standardised data where only 4 of 12 features matter, and the mask of
    the informative ones."""
    X, y, coef = make_regression(
        n_samples=200,
        n_features=12,
        n_informative=4,
        noise=1.0,
        coef=True,
        random_state=random_state,
    )
    return StandardScaler().fit_transform(X), y, coef != 0


# ---------------------------------------------------------------------------
# L1 gives exact zeros (acceptance criterion 3)


@pytest.mark.parametrize(
    "optimizer, batch_size",
    [("adam", 50), ("sgd", 50), ("sgd", None)],
    ids=["adam-minibatch", "sgd-minibatch", "sgd-fullbatch"],
)
@pytest.mark.parametrize("random_state", [0, 1])
def test_l1_sets_irrelevant_coefficients_exactly_to_zero(
    optimizer, batch_size, random_state
):
    X, y, informative = sparse_truth(random_state)
    model = GDRegressor(
        penalty="l1",
        alpha=1.0,
        optimizer=optimizer,
        batch_size=batch_size,
        random_state=0,
    ).fit(X, y)
    assert np.all(model.coef_[~informative] == 0.0), model.coef_
    assert np.all(model.coef_[informative] != 0.0), model.coef_
    assert model.score(X, y) > 0.99


def test_l2_keeps_irrelevant_coefficients_non_zero():
    # The contrast that makes the L1 test meaningful: the same data under L2.
    X, y, informative = sparse_truth()
    model = GDRegressor(penalty="l2", alpha=1.0, optimizer="sgd", batch_size=None)
    model.fit(X, y)
    assert np.all(model.coef_[~informative] != 0.0)


# ---------------------------------------------------------------------------
# Multi-output regression (acceptance criterion 11)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_multi_output_equals_one_model_per_output(optimizer):
    X, Y = make_regression(
        n_samples=80, n_features=6, n_targets=3, noise=1.0, random_state=0
    )
    # Full batch and a fixed number of epochs: the outputs' objectives are
    # separable, so nothing but the stopping rule could couple them.
    # An explicit step: learning_rate="auto" would scale Adam's step by the
    # spread of y pooled over outputs, which differs from each output's own.
    settings = dict(
        optimizer=optimizer,
        learning_rate=0.05,
        batch_size=None,
        max_iter=100,
        tol=None,
        random_state=0,
    )
    joint = GDRegressor(**settings).fit(X, Y)
    assert joint.coef_.shape == (3, X.shape[1])
    assert joint.intercept_.shape == (3,)
    assert joint.predict(X).shape == (len(X), 3)

    separate = [GDRegressor(**settings).fit(X, Y[:, k]) for k in range(3)]
    assert_allclose(joint.coef_, [m.coef_ for m in separate], rtol=1e-6, atol=1e-6)
    assert_allclose(
        joint.intercept_, [m.intercept_[0] for m in separate], rtol=1e-6, atol=1e-6
    )
    assert_allclose(
        joint.predict(X),
        np.column_stack([m.predict(X) for m in separate]),
        rtol=1e-6,
        atol=1e-6,
    )


def test_column_vector_target_is_one_output_kept_2d():
    X, y = make_regression(n_samples=50, n_features=4, random_state=0)
    flat = GDRegressor(max_iter=5, random_state=0).fit(X, y)
    column = GDRegressor(max_iter=5, random_state=0).fit(X, y.reshape(-1, 1))
    assert flat.coef_.shape == (4,)
    assert flat.predict(X).shape == (50,)
    assert column.coef_.shape == (1, 4)
    assert column.predict(X).shape == (50, 1)
    assert_allclose(column.coef_[0], flat.coef_)


def test_partial_fit_with_a_different_number_of_outputs_raises():
    X, Y = make_regression(n_samples=50, n_features=4, n_targets=2, random_state=0)
    model = GDRegressor().partial_fit(X, Y)
    with pytest.raises(ValueError, match="y has 1 output.*previous call.* had 2"):
        model.partial_fit(X, Y[:, 0])
    # Same dimensionality, other width: a clear message, not a numpy broadcast
    # error from inside the loss.
    with pytest.raises(ValueError, match="y has 4 output.*previous call.* had 2"):
        model.partial_fit(X, np.hstack([Y, Y]))


# ---------------------------------------------------------------------------
# Raw targets and the starting point


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_offset_in_y_costs_nothing(optimizer):
    # The intercept starts at the mean of y, so adding a constant to y moves
    # only the intercept: the weights follow the same path.
    X, y = make_regression(n_samples=60, n_features=5, noise=1.0, random_state=0)
    settings = dict(optimizer=optimizer, batch_size=None, max_iter=30, tol=None)
    centred = GDRegressor(**settings).fit(X, y)
    shifted = GDRegressor(**settings).fit(X, y + 1000.0)
    # y + 1000 rounds differently, and Adam normalises near-zero gradients,
    # rounding included, into steps of up to ~1e-6 learning_rate (here
    # 0.05 x std(y) = 4.9): equal to ~1e-6 relative, not to machine precision.
    assert_allclose(shifted.coef_, centred.coef_, rtol=1e-5, atol=1e-8)
    assert_allclose(shifted.intercept_, centred.intercept_ + 1000.0, atol=1e-4)


def test_fit_intercept_false_keeps_intercept_at_zero():
    X, y = make_regression(n_samples=60, n_features=5, random_state=0)
    model = GDRegressor(fit_intercept=False, max_iter=20).fit(X, y + 50.0)
    assert_array_equal(model.intercept_, [0.0])
    assert_allclose(model.predict(X), X @ model.coef_)


def poisson_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = rng.poisson(np.exp(X @ [0.3, -0.2, 0.1] + 1.0))
    return X, y


def test_poisson_predicts_through_the_exp_link():
    X, y = poisson_data()
    model = GDRegressor(loss="poisson", max_iter=20, random_state=0).fit(X, y)
    raw = X @ model.coef_ + model.intercept_
    assert_allclose(model.predict(X), np.exp(raw), rtol=1e-10)
    # The intercept starts at log(mean(y)), so the first prediction is the mean.
    start = GDRegressor(loss="poisson", learning_rate=1e-10, max_iter=1).fit(X, y)
    assert_allclose(start.predict(X), y.mean(), rtol=1e-6)


def test_poisson_rejects_negative_targets():
    X, y = make_regression(n_samples=30, n_features=3, random_state=0)
    with pytest.raises(ValueError, match="non-negative"):
        GDRegressor(loss="poisson").fit(X, y - y.max() - 1.0)


# ---------------------------------------------------------------------------
# Known problem, kept visible


@pytest.mark.parametrize("case", ["momentum-squared_error", "adam-poisson"])
def test_full_batch_run_is_not_stopped_mid_oscillation(case):
    if case == "momentum-squared_error":
        X, y, _ = sparse_truth()
        model = GDRegressor(optimizer="momentum", batch_size=None, random_state=0)
        reference = Ridge(alpha=model.alpha * len(y))
    else:  # the defaults, with loss="poisson"
        X, y = poisson_data()
        model = GDRegressor(loss="poisson", random_state=0)
        reference = PoissonRegressor(alpha=model.alpha)
    model.fit(X, y)
    reference.fit(X, y)
    assert_allclose(model.coef_, reference.coef_, rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize("optimizer", ["momentum", "nesterov"])
def test_momentum_overshoot_does_not_stop_l1_training_early(optimizer):
    # The recorded objective takes the data loss and the penalty at the same
    # parameters; mixing them (penalty after the update) dipped below the
    # optimum during momentum's overshoot, and training stopped 2.6e-3 away.
    X, y = make_regression(200, 10, n_informative=4, noise=5.0, random_state=0)
    X = StandardScaler().fit_transform(X)
    reference = Lasso(alpha=1.0).fit(X, y)
    model = GDRegressor(
        optimizer=optimizer,
        penalty="l1",
        alpha=1.0,
        batch_size=None,
        learning_rate=0.01,
        tol=1e-10,
        max_iter=5000,
    ).fit(X, y)
    assert model.n_iter_ < 5000
    assert_allclose(model.coef_, reference.coef_, atol=1e-4)
    assert_array_equal(model.coef_ == 0, reference.coef_ == 0)
