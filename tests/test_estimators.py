"""Behaviour shared by GDRegressor and GDClassifier (``sklearn_gd/_base.py``).

Each test is parametrised over the estimators (and, where it matters, over
binary and multiclass targets), so one test pins one promise of DESIGN.md for
both. Estimator-specific behaviour lives in test_regressor.py and
test_classifier.py.
"""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    make_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_gd import GDClassifier, GDRegressor
from sklearn_gd.losses import SquaredError
from sklearn_gd.optimizers import SGD, Adam

# Most tests run a few epochs on purpose; test_convergence_warning_* checks the
# warning itself.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

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


# ---------------------------------------------------------------------------
# Defaults are good out of the box (acceptance criterion 1)


@pytest.mark.parametrize(
    "load, ours, reference",
    [
        (load_breast_cancer, GDClassifier(random_state=0), LogisticRegression()),
        (load_diabetes, GDRegressor(random_state=0), Ridge()),
    ],
    ids=["classifier-breast_cancer", "regressor-diabetes"],
)
def test_defaults_match_exact_solver_in_cross_validation(load, ours, reference):
    # Raw targets (diabetes y is ~25..346): the defaults must cope with them.
    X, y = load(return_X_y=True)
    scores = {}
    for name, estimator in (("ours", ours), ("reference", reference)):
        pipeline = Pipeline([("scale", StandardScaler()), ("model", estimator)])
        scores[name] = cross_val_score(pipeline, X, y).mean()
    assert abs(scores["ours"] - scores["reference"]) <= 0.01, scores


# ---------------------------------------------------------------------------
# Dense and sparse input, reproducibility (acceptance criterion 4)


@task_params
def test_dense_and_csr_give_the_same_model(task):
    # Shuffled mini-batches (16 < 100 samples): the shuffling must not depend on
    # the input format.
    estimator, X, y = build(task, batch_size=16, max_iter=15, random_state=0)
    X = sparse_like(X)
    dense = clone(estimator).fit(X, y)
    csr = clone(estimator).fit(sp.csr_matrix(X), y)
    assert dense.t_ == csr.t_ > dense.n_iter_
    assert_same_model(dense, csr, rtol=1e-6, atol=1e-10)
    assert_allclose(
        raw_output(dense, X), raw_output(csr, sp.csr_matrix(X)), rtol=1e-6, atol=1e-9
    )


@task_params
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csr"])
def test_same_random_state_same_model(task, sparse):
    estimator, X, y = build(task, batch_size=16, max_iter=15, random_state=3)
    X = sp.csr_matrix(X) if sparse else X
    first = clone(estimator).fit(X, y)
    second = clone(estimator).fit(X, y)
    assert_same_model(first, second)
    assert_array_equal(first.loss_curve_, second.loss_curve_)
    # Refitting the same object is also deterministic.
    first_coef = first.coef_.copy()
    assert_array_equal(first.fit(X, y).coef_, first_coef)


@task_params
def test_different_random_state_different_model_with_mini_batches(task):
    estimator, X, y = build(task, batch_size=16, max_iter=15)
    a = clone(estimator).set_params(random_state=0).fit(X, y)
    b = clone(estimator).set_params(random_state=1).fit(X, y)
    assert np.abs(a.coef_ - b.coef_).max() > 1e-6


# ---------------------------------------------------------------------------
# dtypes (acceptance criterion 5)


@task_params
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csr"])
@pytest.mark.parametrize(
    "in_dtype, out_dtype",
    [(np.float32, np.float32), (np.float64, np.float64), (np.int64, np.float64)],
    ids=["float32", "float64", "int"],
)
def test_dtype_of_coefficients_and_outputs_follows_X(task, sparse, in_dtype, out_dtype):
    estimator, X, y = build(task, batch_size=25, max_iter=20, tol=None, random_state=0)
    X = (np.round(X * 3) if in_dtype is np.int64 else X).astype(in_dtype)
    convert = sp.csr_matrix if sparse else np.asarray
    fitted = clone(estimator).fit(convert(X), y)
    assert fitted.coef_.dtype == out_dtype
    assert fitted.intercept_.dtype == out_dtype
    output = raw_output(fitted, convert(X))
    assert output.dtype == out_dtype
    # A faithful computation in that precision, not a different model.
    reference = clone(estimator).fit(X.astype(np.float64), y)
    scale = np.abs(reference.coef_).max()
    assert scale > 0.1
    assert_allclose(fitted.coef_, reference.coef_, rtol=1e-3, atol=1e-4 * scale)
    assert_allclose(output, raw_output(reference, X), rtol=1e-3, atol=1e-3 * scale)


# ---------------------------------------------------------------------------
# sample_weight (acceptance criterion 6)

FULL_BATCH_OPTIMIZERS = ["adam", "sgd", "lbfgs"]


@task_params
@pytest.mark.parametrize("optimizer", FULL_BATCH_OPTIMIZERS)
def test_integer_sample_weight_equals_repeated_rows(task, optimizer):
    estimator, X, y = build(
        task, optimizer=optimizer, batch_size=None, max_iter=60, random_state=0
    )
    weight = np.random.default_rng(0).integers(0, 4, size=len(y))
    weighted = clone(estimator).fit(X, y, sample_weight=weight)
    repeated = clone(estimator).fit(np.repeat(X, weight, axis=0), np.repeat(y, weight))
    assert weighted.n_iter_ == repeated.n_iter_
    # Rounding differs between the two; Adam turns it into steps of up to ~1e-6
    # learning_rate where a gradient is ~0, and its step is in units of y.
    scale = np.std(y) if task == "regressor" else 1.0
    assert_same_model(weighted, repeated, rtol=1e-6, atol=1e-8 * scale)


@task_params
@pytest.mark.parametrize("optimizer", FULL_BATCH_OPTIMIZERS)
def test_zero_sample_weight_equals_removing_rows(task, optimizer):
    estimator, X, y = build(
        task, optimizer=optimizer, batch_size=None, max_iter=60, random_state=0
    )
    keep = np.arange(len(y)) % 3 != 0
    weighted = clone(estimator).fit(X, y, sample_weight=keep.astype(float))
    removed = clone(estimator).fit(X[keep], y[keep])
    assert_same_model(weighted, removed, rtol=1e-6, atol=1e-8)


@task_params
def test_sample_weight_changes_the_model(task):
    estimator, X, y = build(task, batch_size=None, max_iter=30, random_state=0)
    weight = np.where(np.arange(len(y)) < len(y) // 2, 10.0, 1.0)
    plain = clone(estimator).fit(X, y)
    weighted = clone(estimator).fit(X, y, sample_weight=weight)
    assert np.abs(plain.coef_ - weighted.coef_).max() > 1e-3


# ---------------------------------------------------------------------------
# partial_fit and warm_start (acceptance criterion 7)


def streaming_split(task):
    """Five chunks of 80 training samples, a held-out test set, and a small
    SGD step for which one pass over a chunk is far from enough."""
    Estimator, _ = TASKS[task]
    if task == "regressor":
        X, y = regression_data(n_samples=600, random_state=1)
        learning_rate = 0.02
    else:
        X, y = make_classification(
            n_samples=600,
            n_features=8,
            n_informative=4,
            n_classes=2 if task == "binary" else 3,
            class_sep=1.0 if task == "binary" else 2.0,
            random_state=1,
        )
        learning_rate = 0.005
    estimator = Estimator(
        optimizer="sgd", learning_rate=learning_rate, batch_size=20, random_state=0
    )
    chunks = [(X[i : i + 80], y[i : i + 80]) for i in range(0, 400, 80)]
    return estimator, chunks, (X[400:], y[400:])


@task_params
def test_partial_fit_improves_accumulates_and_counts(task):
    estimator, chunks, (X_test, y_test) = streaming_split(task)
    classes = classes_of(estimator, chunks[0][1])
    scores = []
    for calls, (X, y) in enumerate(chunks, start=1):
        estimator.partial_fit(X, y, **classes)
        scores.append(estimator.score(X_test, y_test))
        # One epoch per call, 80 / 20 = 4 updates per epoch.
        assert estimator.n_iter_ == calls
        assert estimator.t_ == 4 * calls
        assert len(estimator.loss_curve_) == calls
    assert scores[-1] > scores[0] + 0.1, scores


@task_params
def test_partial_fit_continues_where_fit_stopped(task):
    estimator, X, y = build(task, max_iter=5, tol=None, random_state=0)
    estimator.fit(X, y)
    coef, n_iter, t = estimator.coef_.copy(), estimator.n_iter_, estimator.t_
    estimator.partial_fit(X, y)
    assert estimator.n_iter_ == n_iter + 1
    assert estimator.t_ > t
    # One more epoch moves the weights a little, not back to the start.
    assert 0 < np.abs(estimator.coef_ - coef).max() < 0.5 * np.abs(coef).max()


@pytest.mark.parametrize(
    "first, second",
    [("adam", "momentum"), ("sgd", "adam"), ("momentum", "adagrad"),
     ("adagrad", "adadelta"), ("adam", "sgd"), ("adam", "rmsprop")],
)
def test_partial_fit_after_changing_the_optimizer_restarts_its_state(first, second):
    # The stored moments belong to the first optimizer: reusing them raised a
    # KeyError, or (adam -> sgd) applied Adam's "auto" factor of 72 to SGD's
    # step and ended at R2 -728 silently.
    X, y = make_regression(n_samples=300, n_features=5, noise=1.0, random_state=0)
    estimator = GDRegressor(optimizer=first, random_state=0).partial_fit(X, y)
    estimator.set_params(optimizer=second)
    for _ in range(20):
        estimator.partial_fit(X, y)
    fresh = GDRegressor(optimizer=second, random_state=0)
    for _ in range(21):
        fresh.partial_fit(X, y)
    assert estimator.score(X, y) > min(0.9, fresh.score(X, y) - 0.05)


@pytest.mark.parametrize("y_scale", [1e-5, 1e3])
def test_partial_fit_keeps_the_first_calls_spread_after_an_optimizer_change(y_scale):
    # The "auto" factor was retaken from the chunk after an optimizer change:
    # a one-row chunk gave factor 1 (R2 -12 at y x 1e-5, 0.67 at y x 1e3).
    X, y = make_regression(n_samples=2000, n_features=5, noise=1.0, random_state=0)
    y = y * y_scale
    changed, unchanged = GDRegressor(random_state=0), GDRegressor(random_state=0)
    for estimator in (changed, unchanged):
        for start in range(0, 1000, 100):
            estimator.partial_fit(X[start : start + 100], y[start : start + 100])
    step = changed.learning_rate_curve_[-1]
    changed.set_params(optimizer__beta1=0.89)
    for estimator in (changed, unchanged):
        estimator.partial_fit(X[1000:1001], y[1000:1001])
        for _ in range(5):
            for start in range(1001, 2000, 100):
                estimator.partial_fit(X[start : start + 100], y[start : start + 100])
    assert changed.learning_rate_curve_[1000 // 100] == step
    assert unchanged.score(X, y) > 0.9
    assert changed.score(X, y) > unchanged.score(X, y) - 0.01


def test_partial_fit_refuses_a_changed_fit_intercept():
    X, y = make_regression(n_samples=100, n_features=3, random_state=0)
    estimator = GDRegressor(fit_intercept=False).partial_fit(X, y)
    estimator.set_params(fit_intercept=True)
    with pytest.raises(ValueError, match="fit_intercept=True differs"):
        estimator.partial_fit(X, y)
    estimator.fit(X, y)  # fit starts again, with the intercept
    assert estimator.score(X, y) > 0.99


def test_partial_fit_schedule_is_planned_once():
    # T = max_iter x the first call's updates: a smaller chunk in between used
    # to shrink T and drop the cosine step to 0 for that call.
    X, y = make_regression(n_samples=300, n_features=5, random_state=0)
    estimator = GDRegressor(
        optimizer="sgd", learning_rate=0.01, schedule="cosine", max_iter=10,
        batch_size=10,
    )
    for rows in (300, 20, 300):
        estimator.partial_fit(X[:rows], y[:rows])
    steps = estimator.learning_rate_curve_
    assert np.all(np.diff(steps) < 0) and steps[-1] > 0.5 * steps[0], steps


def test_partial_fit_after_early_stopping_keeps_one_score_per_epoch():
    X, y = make_regression(n_samples=300, n_features=5, noise=1.0, random_state=0)
    estimator = GDRegressor(early_stopping=True, random_state=0).fit(X, y)
    best = estimator.best_validation_score_
    estimator.partial_fit(X, y)
    assert estimator.validation_scores_.shape == (estimator.n_iter_,)
    assert np.isnan(estimator.validation_scores_[-1])  # nothing held out
    assert estimator.best_validation_score_ == best


@task_params
def test_partial_fit_with_different_n_features_raises(task):
    estimator, X, y = build(task)
    estimator.partial_fit(X, y, **classes_of(estimator, y))
    with pytest.raises(ValueError, match="features"):
        estimator.partial_fit(X[:, :-2], y)


@task_params
def test_warm_start_continues_from_previous_coef(task):
    # A step large enough to move the weights visibly in 3 epochs.
    estimator, X, y = build(
        task, max_iter=3, tol=None, learning_rate=0.05, random_state=0
    )
    cold = clone(estimator).fit(X, y)
    warm = clone(estimator).set_params(warm_start=True).fit(X, y)
    assert_same_model(warm, cold)  # nothing to continue from yet
    warm.fit(X, y)
    assert warm.loss_curve_[0] < cold.loss_curve_[0]
    coef = warm.coef_.copy()
    assert np.abs(coef).max() > 0.1

    # With a negligible step, a warm start stays where it was and a cold start
    # stays at the initial zero weights.
    tiny_step = clone(warm).set_params(learning_rate=1e-10)
    tiny_step.coef_, tiny_step.intercept_ = warm.coef_, warm.intercept_
    tiny_step.fit(X, y)
    assert_allclose(tiny_step.coef_, coef, atol=1e-6)
    tiny_step.set_params(warm_start=False).fit(X, y)
    assert_allclose(tiny_step.coef_, 0.0, atol=1e-6)

    # warm_start=False restarts: the same model as a fit from scratch.
    warm.set_params(warm_start=False).fit(X, y)
    assert_same_model(warm, cold)
    assert_array_equal(warm.loss_curve_, cold.loss_curve_)


# ---------------------------------------------------------------------------
# Early stopping (acceptance criterion 8)


def noisy_degrading_setup(task):
    """A large constant SGD step on noisy data: the held-out score jumps
    around, so the last epoch is not the best and restoring the best matters."""
    Estimator, _ = TASKS[task]
    if task == "regressor":
        X, y = make_regression(
            n_samples=300, n_features=20, n_informative=3, noise=30.0, random_state=0
        )
        learning_rate = 0.1
    else:
        X, y = make_classification(
            n_samples=300,
            n_features=20,
            n_informative=3,
            n_classes=2 if task == "binary" else 3,
            flip_y=0.1,
            random_state=0,
        )
        learning_rate = 1.0
    estimator = Estimator(
        optimizer="sgd",
        learning_rate=learning_rate,
        penalty=None,
        batch_size=8,
        max_iter=25,
        n_iter_no_change=25,
        early_stopping=True,
        validation_fraction=0.2,
        random_state=0,
    )
    return estimator, X, y


@task_params
def test_early_stopping_keeps_the_best_epoch(task):
    estimator, X, y = noisy_degrading_setup(task)
    estimator.fit(X, y)
    scores = estimator.validation_scores_
    assert len(scores) == estimator.n_iter_
    assert estimator.best_validation_score_ == scores.max()
    # The case is built so that training degrades after the best epoch.
    assert scores[-1] < scores.max()

    # _base.py splits with train_test_split(..., random_state=RandomState(seed)),
    # stratified for the classifier; reproduce the held-out set.
    is_classifier = isinstance(estimator, GDClassifier)
    _, held_out = train_test_split(
        np.arange(len(y)),
        test_size=0.2,
        random_state=0,
        stratify=y if is_classifier else None,
    )
    if is_classifier:
        # Stratification matters here: it picks a different held-out set.
        _, unstratified = train_test_split(
            np.arange(len(y)), test_size=0.2, random_state=0
        )
        assert set(unstratified) != set(held_out)
        assert estimator.score(X[unstratified], y[unstratified]) != pytest.approx(
            estimator.best_validation_score_, abs=1e-12
        )
    assert estimator.score(X[held_out], y[held_out]) == pytest.approx(
        estimator.best_validation_score_, abs=1e-12
    )


@task_params
def test_no_validation_attributes_without_early_stopping(task):
    estimator, X, y = build(task, max_iter=5, tol=None)
    estimator.fit(X, y)
    assert estimator.validation_scores_ is None
    assert estimator.best_validation_score_ is None


def test_early_stopping_split_too_small_for_the_classes_names_the_parameters():
    # scikit-learn's own message ("The test_size = 1 should be greater or equal
    # to the number of classes = 2") did not say which parameter to change.
    X = np.random.RandomState(0).rand(5, 2)
    with pytest.raises(ValueError, match="validation_fraction=0.1 of 5 samples"):
        GDClassifier(early_stopping=True).fit(X, [0, 1, 0, 1, 0])


@task_params
def test_early_stopping_with_a_full_batch_solver_raises(task):
    # lbfgs has no epochs at which to score a held-out set: early stopping would
    # only discard validation_fraction of the data, so fit refuses it.
    estimator, X, y = build(task, optimizer="lbfgs", early_stopping=True)
    with pytest.raises(ValueError) as raised:
        estimator.fit(X, y)
    message = str(raised.value)
    for fragment in ["early_stopping=True", "optimizer='lbfgs'", "'sgd'"]:
        assert fragment in message
    assert "early_stopping=False" in message
    # A fitted estimator is left as it was.
    estimator.set_params(early_stopping=False).fit(X, y)
    coef = estimator.coef_.copy()
    with pytest.raises(ValueError, match="early_stopping"):
        estimator.set_params(early_stopping=True).fit(X, y)
    assert_array_equal(estimator.coef_, coef)
    # A mini-batch optimizer scores the held-out set every epoch.
    estimator.set_params(optimizer="sgd", max_iter=5).fit(X, y)
    assert len(estimator.validation_scores_) == estimator.n_iter_


# ---------------------------------------------------------------------------
# Failure behaviour (acceptance criterion 9)


def unscaled_regression():
    X, y = make_regression(n_samples=1000, n_features=5, noise=1.0, random_state=0)
    return X * 100.0, y


def test_diverging_run_raises_helpful_error():
    X, y = unscaled_regression()
    with pytest.raises(ValueError) as error:
        GDRegressor(optimizer="sgd", learning_rate=1e3, random_state=0).fit(X, y)
    message = str(error.value)
    for hint in ("epoch", "learning_rate", "clip", "scal"):
        assert hint in message


def test_divergence_under_the_optimal_schedule_points_at_alpha():
    # schedule="optimal" takes its step from alpha (1/(alpha (t0 + t)), starting
    # at alpha^-1/4 = 100 here); advising a smaller learning_rate would not help.
    X, y = make_regression(n_samples=200, n_features=5, random_state=0)
    estimator = GDRegressor(
        optimizer="sgd", schedule="optimal", alpha=1e-8, random_state=0
    )
    with pytest.raises(ValueError, match="diverged") as error:
        estimator.fit(X, y)
    message = str(error.value)
    assert "larger alpha" in message and "not from learning_rate" in message
    assert "smaller learning_rate" not in message


@pytest.mark.parametrize("optimizer", ["adam", "rmsprop", "adagrad", "adadelta"])
def test_overflowing_squared_gradients_raise_instead_of_freezing(optimizer):
    # g^2 past 1e308 made the denominators inf and every step 0: the fit
    # "converged" at zero weights without a word.
    X, y = make_regression(n_samples=100, n_features=3, random_state=0)
    with pytest.raises(ValueError, match="optimizer's state became non-finite"):
        with np.errstate(over="ignore", invalid="ignore"):
            GDRegressor(optimizer=optimizer, random_state=0).fit(X * 1e200, y)


def test_diverging_run_stopped_by_plateau_rule_still_raises():
    # Fewer updates per epoch than above: the objective is still finite (1e150)
    # after 11 epochs, when the plateau rule fires.
    X, y = make_regression(n_samples=50, n_features=5, random_state=0)
    with pytest.raises(ValueError, match="diverged"):
        GDRegressor(optimizer="sgd", learning_rate=1e3, random_state=0).fit(X * 100, y)


def test_poisson_divergence_is_caught_despite_a_negative_baseline():
    # Poisson's best-constant objective is negative (mean 5: 5 - 5 log 5), so a
    # yardstick of that objective alone judged nothing; predictions reached 1e89.
    rng = np.random.RandomState(0)
    X = rng.randn(200, 3)[:50] * 1000 + 50
    y = rng.poisson(5, 50).astype(float)
    estimator = GDRegressor(
        loss="poisson", learning_rate=0.05, max_iter=50, random_state=0
    )
    with pytest.raises(ValueError, match="diverged"):
        estimator.fit(X, y)


@pytest.mark.parametrize(
    "estimator, x_scale, y_scale",
    [
        # Adam moves each weight by ~learning_rate whatever the gradient: a
        # fixed 0.05 is far too much for targets of size 1e-4 ("auto" adapts).
        (GDRegressor(learning_rate=0.05, random_state=0), 1.0, 1e-4),
        # Plain SGD with a huge step on a bounded-gradient loss: no blow-up
        # (DIVERGENCE_FACTOR is not reached), but far worse than the mean.
        (
            GDRegressor(
                loss="huber", optimizer="sgd", learning_rate=10, tol=None, max_iter=50
            ),
            1000.0,
            1.0,
        ),
    ],
    ids=["adam-tiny-targets", "sgd-huber-huge-step"],
)
def test_fit_worse_than_the_constant_it_started_from_warns(estimator, x_scale, y_scale):
    rng = np.random.RandomState(0)
    X = rng.randn(200, 3)
    y = X @ [1.0, -2.0, 0.5] + 0.1 * rng.randn(200)
    X, y = X * x_scale + 50 * (x_scale > 1), y * y_scale
    with pytest.warns(ConvergenceWarning, match="best constant model") as record:
        estimator.fit(X, y)
    assert estimator.score(X, y) < 0  # the warning is about a real failure
    # Not the generic advice to increase learning_rate.
    assert not any("increasing" in str(warning.message) for warning in record)


def test_fit_ending_near_r2_minus_one_warns():
    # Adam with an absurd step ended at R2 -0.97: its last epoch's average was
    # within the old slack (twice the constant's objective), so it was silent.
    X, y = make_regression(n_samples=300, n_features=5, noise=1.0, random_state=0)
    with pytest.warns(ConvergenceWarning, match="best constant model") as record:
        estimator = GDRegressor(learning_rate=1e12, random_state=0).fit(X, y)
    assert estimator.score(X, y) < -0.5
    # The objective reported is the exact one at the final parameters.
    residual = estimator.predict(X) - y
    exact = 0.5 * np.mean(residual**2) + 0.5 * 1e-4 * np.sum(estimator.coef_**2)
    assert f"objective of {exact:.3g}," in str(record[0].message)


def test_warm_start_far_from_new_targets_is_not_called_divergence():
    # Refitting on y / 3000 starts at an objective ~1e7 times the new
    # constant's: still far after max_iter epochs, which is slow progress, not
    # divergence (it raised "diverged at epoch 20").
    X, y = make_regression(n_samples=500, n_features=5, noise=1.0, random_state=0)
    estimator = GDRegressor(warm_start=True, max_iter=20, random_state=0).fit(X, y)
    start = estimator.coef_.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(X, y / 3000)
    assert np.all(np.abs(estimator.coef_) < np.abs(start))  # moving the right way


def test_near_constant_target_is_not_reported_as_divergence():
    # Best constant objective ~5e-13: the old yardstick (1e6 x that) called
    # the noise floor 5e-7 of a fixed step of 0.05 a divergence and raised.
    rng = np.random.RandomState(0)
    X = rng.randn(200, 3)
    y = 5 + 1e-6 * rng.randn(200)
    with pytest.warns(ConvergenceWarning, match="best constant model"):
        estimator = GDRegressor(learning_rate=0.05, random_state=0).fit(X, y)
    assert np.isfinite(estimator.coef_).all()


@pytest.mark.parametrize("y_scale", [1e-4, 1.0, 1e4])
@pytest.mark.parametrize("optimizer", ["adam", "rmsprop", "adagrad"])
def test_default_step_fits_targets_in_any_units(optimizer, y_scale):
    # DESIGN: defaults give good results on raw targets. Scale-free optimizers
    # move each weight by ~learning_rate per update, so learning_rate="auto"
    # is in y's units; with a fixed 0.05 these fits scored R2 0.82 (coefficients
    # up to 88 out of reach) and 0.73 (targets of size 1e-4).
    X, y = make_regression(n_samples=100, n_features=4, noise=1.0, random_state=0)
    y = y * y_scale
    estimator = GDRegressor(optimizer=optimizer, random_state=0).fit(X, y)
    # Ridge scores 0.9999. At 1e-4 the absolute tol=1e-4 is far above the
    # objective (~1e-9), so the plateau rule stops Adam after 50 updates: 0.997.
    assert estimator.score(X, y) > 0.99


@pytest.mark.parametrize("y_scale", [1e-3, 1e-6])
def test_plateau_tol_follows_small_units_of_y(y_scale):
    # SGD's trajectory scales exactly with y; with an absolute tol the plateau
    # rule stopped small units after the minimum 50 updates.
    X, y = make_regression(n_samples=400, n_features=5, noise=5.0, random_state=0)
    y = (y - y.mean()) / y.std()  # objective 0.5 at the start: tol is relative
    estimator = GDRegressor(optimizer="sgd", random_state=0)
    unit = clone(estimator).fit(X, y)
    small = clone(estimator).fit(X, y * y_scale)
    assert small.n_iter_ == unit.n_iter_ > 10
    assert_allclose(small.coef_, unit.coef_ * y_scale, rtol=1e-6)


@pytest.mark.parametrize("optimizer", ["adam", "momentum"])
def test_plateau_tol_follows_small_units_despite_an_offset(optimizer):
    # tol scaled by the zero output's objective stayed absolute for 1 + y/1e5
    # (the offset makes that objective ~0.5): stopped at epoch 11, R2 0.83-0.91.
    X, y = make_regression(n_samples=2000, n_features=20, noise=1.0, random_state=0)
    X = X * np.linspace(0.2, 3, 20)
    target = 1 + y * 1e-5
    estimator = GDRegressor(optimizer=optimizer, max_iter=300, random_state=0)
    assert estimator.fit(X, target).score(X, target) > 0.995


@pytest.mark.parametrize("y_scale", [1e-12, 1e-8, 1e-6, 1e-5])
def test_lbfgs_tol_follows_small_units_of_y(y_scale):
    # The starting gradient of diabetes x 1e-6 is below the absolute tol=1e-4:
    # lbfgs returned zero weights after 0 iterations, without a warning; at
    # 1e-8 scipy's ftol (absolute below objectives of 1) stalled it.
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        small = GDRegressor(optimizer="lbfgs").fit(X, y * y_scale)
    reference = Ridge(alpha=1e-4 * len(y)).fit(X, y)
    # As precise as on y itself (22 iterations either way).
    scale = np.abs(reference.coef_).max()
    assert_allclose(small.coef_ / y_scale, reference.coef_, atol=1e-4 * scale)
    assert small.score(X, y * y_scale) > reference.score(X, y) - 1e-5


def test_lbfgs_stopping_far_from_the_optimum_warns():
    # L-BFGS-B reports success when the objective stops decreasing at machine
    # precision; on features of size ~1000 that happened with gradient 331.
    rng = np.random.RandomState(1)
    X = rng.randn(50, 3) * 1000 + 50
    y = rng.poisson(5, 50).astype(float)
    with pytest.warns(ConvergenceWarning, match="gradient still above tol"):
        GDRegressor(loss="poisson", optimizer="lbfgs").fit(X, y)
    # Scaled, the same problem converges silently.
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        scaled = StandardScaler().fit_transform(X)
        GDRegressor(loss="poisson", optimizer="lbfgs").fit(scaled, y)


@pytest.mark.parametrize(
    "loss", ["huber", "absolute_error", "quantile", "epsilon_insensitive"]
)
def test_auto_step_is_not_inflated_by_outliers(loss):
    # Robust losses are chosen for outliers; a step scaled by std(y) (1e5 here,
    # from 1% of rows at +1e6) left coefficients 200-800 off. The median
    # absolute deviation is not moved by them.
    rng = np.random.RandomState(0)
    X = rng.randn(1000, 5)
    true = np.array([3.0, -2.0, 1.0, 0.5, 4.0])
    y = X @ true + 0.5 * rng.randn(1000)
    y[:10] += 1e6
    estimator = GDRegressor(loss=loss, random_state=0).fit(X, y)
    assert np.abs(estimator.coef_ - true).max() < 0.2


def test_auto_step_survives_zero_inflated_targets():
    # 93% of the targets within 1e-6 of 0: the 10-90% range made the spread
    # 1e-6, and a high quantile stopped at zero weights (objective 0.95
    # against 0.65 reached with learning_rate=0.1).
    rng = np.random.RandomState(0)
    X = rng.randn(2000, 5)
    linear = X @ [3.0, 2.0, 1.0, -1.0, -2.0]
    y = np.maximum(linear - np.quantile(linear, 0.93), 0) * 10
    y += 1e-6 * rng.randn(2000)
    estimator = GDRegressor(loss="quantile", random_state=0)
    estimator.set_params(loss__quantile=0.97).fit(X, y)
    reference = clone(estimator).set_params(learning_rate=0.1).fit(X, y)
    assert estimator.loss_curve_[-1] < reference.loss_curve_[-1] + 0.02
    assert np.abs(estimator.coef_).max() > 1


@pytest.mark.parametrize("y_scale", [1.0, 100.0, 1e5])
def test_adamw_decay_does_not_follow_the_units_of_y(y_scale):
    # The decay w <- (1 - lr alpha) w is a rate per step: with the "auto" step
    # in units of y it made the factor negative and the fit diverged at 100x.
    X, y = make_regression(n_samples=500, n_features=5, noise=1, random_state=0)
    estimator = GDRegressor(optimizer="adamw", alpha=0.01, max_iter=3000)
    scaled = clone(estimator).set_params(random_state=0).fit(X, y * y_scale)
    unit = clone(estimator).set_params(random_state=0).fit(X, y)
    assert_allclose(scaled.coef_ / y_scale, unit.coef_, rtol=1e-3)


def test_perceptron_is_not_warned_about_its_zero_baseline():
    # The perceptron loss is 0 at zero weights (its optimum); ending above it
    # is how the perceptron works, not a step that is too large.
    X, y = make_classification(n_samples=500, n_features=10, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        GDClassifier(loss="perceptron", random_state=0).fit(X, y)


def test_lbfgs_does_not_warn_at_the_optimum_of_large_targets():
    # The stall test must not be absolute: with y in units of 1e4 the
    # gradient at the optimum (0.03) is above 100 x tol, yet it fell 1e7-fold.
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        estimator = GDRegressor(optimizer="lbfgs").fit(X, y * 1e4)
    reference = Ridge(alpha=1e-4 * len(y)).fit(X, y * 1e4)
    assert_allclose(estimator.coef_, reference.coef_, rtol=1e-5)


def fitted_then_failing(case):
    """A fitted estimator, its training data, a call that fails, and the
    error message expected."""
    if case in ("fit", "partial_fit"):
        X, y = regression_data()
        estimator = GDRegressor(optimizer="sgd", learning_rate=0.01, batch_size=10)
        if case == "fit":
            estimator.set_params(max_iter=5, random_state=0).fit(X, y)
        else:
            estimator.partial_fit(X, y)

        def fail():
            estimator.set_params(learning_rate=1e3)
            getattr(estimator, case)(X * 1e8, y)

        match = "diverged"

    elif case == "fit-with-other-classes":
        # The failed refit sees two classes; the model keeps its three.
        X, y = classification_data(3)
        estimator = GDClassifier(max_iter=5, random_state=0).fit(X, y)

        def fail():
            estimator.set_params(
                loss="squared_hinge", optimizer="sgd", learning_rate=1e3, batch_size=1
            )
            estimator.fit(X * 1e4, np.minimum(y, 1))

        match = "diverged"

    else:  # "fit-with-other-n_features": bad data, found after validate_data
        X, y = regression_data()
        estimator = GDRegressor(max_iter=5, random_state=0).fit(X, y)

        def fail():
            estimator.fit(np.hstack([X, X]), y, sample_weight=np.zeros(len(y)))

        match = "non-zero"

    return estimator, X, y, fail, match


@pytest.mark.parametrize(
    "case",
    ["fit", "partial_fit", "fit-with-other-classes", "fit-with-other-n_features"],
)
def test_failed_fit_leaves_the_fitted_model_unchanged(case):
    estimator, X, y, fail, match = fitted_then_failing(case)
    before = pickle.loads(pickle.dumps(estimator))
    with pytest.raises(ValueError, match=match):
        fail()
    assert_same_model(estimator, before)
    assert estimator.n_iter_ == before.n_iter_
    assert estimator.t_ == before.t_
    assert_array_equal(estimator.predict(X), before.predict(X))
    assert np.isfinite(raw_output(estimator, X)).all()


def test_one_exploding_partial_fit_call_raises():
    # A single epoch's objective is taken before each update, so the last
    # step escaped the check: coefficients of 1e8 (R2 -1e18) were kept.
    X, y = make_regression(n_samples=50, n_features=3, noise=1, random_state=0)
    estimator = GDRegressor(optimizer="sgd", learning_rate=1e3, random_state=0)
    with pytest.raises(ValueError, match="diverged at epoch 1"):
        estimator.partial_fit(X * 1000 + 50, y)
    assert not hasattr(estimator, "coef_")


def test_partial_fit_can_continue_after_a_diverged_call():
    X, y = regression_data()
    estimator = GDRegressor(optimizer="sgd", learning_rate=0.01, batch_size=10)
    estimator.partial_fit(X, y)
    with pytest.raises(ValueError, match="diverged"):
        estimator.set_params(learning_rate=1e3).partial_fit(X * 1e8, y)
    estimator.set_params(learning_rate=0.01).partial_fit(X, y)
    assert np.isfinite(estimator.coef_).all()
    assert estimator.n_iter_ == 2


def test_coef_is_not_a_view_of_the_training_state():
    # Later partial_fit calls must not rewrite arrays handed out earlier.
    X, y = regression_data()
    estimator = GDRegressor(optimizer="sgd", learning_rate=0.01).partial_fit(X, y)
    coef = estimator.coef_
    saved = coef.copy()
    estimator.partial_fit(X, y)
    assert_array_equal(coef, saved)


@task_params
def test_convergence_warning_when_max_iter_is_hit(task):
    estimator, X, y = build(task, max_iter=2, tol=1e-4, random_state=0)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        clone(estimator).fit(X, y)
    # tol=None asks for exactly max_iter epochs: nothing to warn about.
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        fitted = clone(estimator).set_params(tol=None).fit(X, y)
    assert fitted.n_iter_ == 2


INPUT_FORMATS = {
    "dense": lambda X: X,
    "csr": sp.csr_matrix,
    "float32": lambda X: X.astype(np.float32),
    "fortran": np.asfortranarray,
}


@task_params
@pytest.mark.parametrize("input_format", list(INPUT_FORMATS))
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_inputs_are_never_modified(task, input_format, method):
    estimator, X, y = build(
        task, max_iter=5, batch_size=16, random_state=0, early_stopping=True
    )
    if task != "regressor":
        estimator.set_params(class_weight="balanced")
    X = INPUT_FORMATS[input_format](sparse_like(X))
    weight = np.linspace(0.5, 2.0, len(y))
    saved = (X.copy(), y.copy(), weight.copy())
    kwargs = classes_of(estimator, y) if method == "partial_fit" else {}
    getattr(estimator, method)(X, y, sample_weight=weight, **kwargs)
    estimator.predict(X)
    if sp.issparse(X):
        assert_array_equal(X.toarray(), saved[0].toarray())
        assert_array_equal(X.indptr, saved[0].indptr)
    else:
        assert_array_equal(X, saved[0])
        assert X.dtype == saved[0].dtype
    assert_array_equal(y, saved[1])
    assert_array_equal(weight, saved[2])


# Bad parameters: (parameters, the error's type, strings the message must hold).
# Every message names the parameter and what is allowed.
BAD_PARAMETERS = [
    ({"alpha": -1}, ValueError, ["alpha", "[0, inf)", "-1"]),
    ({"learning_rate": 0}, ValueError, ["learning_rate", "(0, inf)"]),
    ({"batch_size": 0}, ValueError, ["batch_size", "'auto'", "None"]),
    ({"batch_size": "big"}, ValueError, ["batch_size", "'auto'", "'big'"]),
    ({"optimizer": "nope"}, ValueError, ["optimizer", "'adam'", "'lbfgs'", "'nope'"]),
    ({"optimizer": object()}, TypeError, ["optimizer", "'sgd'", "Optimizer"]),
    ({"penalty": "l3"}, ValueError, ["penalty", "'l1'", "'elasticnet'", "'l3'"]),
    ({"schedule": "nope"}, ValueError, ["schedule", "'cosine'", "Schedule"]),
    ({"max_iter": 0}, ValueError, ["max_iter", "[1, inf)"]),
    ({"tol": -1}, ValueError, ["tol", "[0, inf)", "None"]),
    ({"validation_fraction": 1.5}, ValueError, ["validation_fraction", "(0, 1)"]),
    ({"l1_ratio": 2}, ValueError, ["l1_ratio", "[0, 1]"]),
    ({"optimizer": Adam(beta1=1.5)}, ValueError, ["beta1", "Adam", "[0, 1)"]),
    (
        {"optimizer": "lbfgs", "penalty": "l1"},
        ValueError,
        ["optimizer", "penalty", "'l1'", "'sgd'", "'adam'"],
    ),
]


@pytest.mark.parametrize("Estimator", [GDRegressor, GDClassifier])
@pytest.mark.parametrize(
    "params, error, fragments",
    BAD_PARAMETERS,
    ids=[
        "-".join(f"{k}={v!r}"[:24] for k, v in params.items())
        for params, _, _ in BAD_PARAMETERS
    ],
)
def test_bad_parameters_raise_at_fit_naming_what_is_allowed(
    Estimator, params, error, fragments
):
    estimator = Estimator(**params)  # nothing is validated in __init__
    X, y = classification_data(2, n_samples=40)
    with pytest.raises(error) as raised:
        estimator.fit(X, y)
    for fragment in fragments:
        assert fragment in str(raised.value)


@pytest.mark.parametrize(
    "Estimator, allowed",
    [
        (GDRegressor, ["squared_error", "absolute_error", "huber", "quantile"]),
        (GDClassifier, ["log_loss", "hinge", "modified_huber", "perceptron"]),
    ],
)
def test_unknown_loss_lists_the_estimators_losses(Estimator, allowed):
    X, y = classification_data(2, n_samples=40)
    with pytest.raises(ValueError, match="'loss' parameter") as raised:
        Estimator(loss="nope").fit(X, y)
    for name in allowed:
        assert repr(name) in str(raised.value)


def test_bad_penalty_message_lists_none_as_allowed():
    X, y = regression_data()
    with pytest.raises(ValueError, match="'elasticnet', None}"):
        GDRegressor(penalty="l3").fit(X, y)


# ---------------------------------------------------------------------------
# scikit-learn integration (acceptance criterion 11)


@task_params
def test_clone_copies_parameters_not_fitted_state(task):
    estimator, X, y = build(task, optimizer=Adam(beta1=0.8), max_iter=5)
    estimator.fit(X, y)
    copy = clone(estimator)
    assert not hasattr(copy, "coef_")
    assert copy.optimizer is not estimator.optimizer
    assert copy.get_params()["optimizer__beta1"] == 0.8
    assert repr(copy.get_params()) == repr(estimator.get_params())


@pytest.mark.parametrize("Estimator", [GDRegressor, GDClassifier])
def test_nested_parameters_of_component_objects(Estimator):
    estimator = Estimator(optimizer=Adam())
    assert estimator.get_params()["optimizer__beta1"] == 0.9
    assert estimator.set_params(optimizer__beta1=0.8) is estimator
    assert estimator.optimizer.beta1 == 0.8
    assert estimator.get_params()["optimizer__beta1"] == 0.8
    with pytest.raises(ValueError, match="beta1"):
        estimator.set_params(optimizer__beta1=1.5).fit(*classification_data(2))


@task_params
def test_nested_parameter_reaches_training(task):
    estimator, X, y = build(task, optimizer=Adam(), max_iter=10, random_state=0)
    default = clone(estimator).fit(X, y)
    changed = clone(estimator).set_params(optimizer__beta1=0.5).fit(X, y)
    assert np.abs(default.coef_ - changed.coef_).max() > 1e-6


GRIDS = [
    {
        "learning_rate": [0.01, 0.1],
        "penalty": ["l2", "l1"],
        "optimizer__beta1": [0.8, 0.9],
    },
    {"optimizer": [SGD(momentum=0.9), Adam()]},
]


@pytest.mark.parametrize("Estimator", [GDRegressor, GDClassifier])
@pytest.mark.parametrize("grid", GRIDS, ids=["nested-beta1", "optimizer-objects"])
def test_grid_search_over_components(Estimator, grid):
    X, y = (regression_data if Estimator is GDRegressor else classification_data)()
    base = Estimator(optimizer=Adam(), learning_rate=0.01, max_iter=10, tol=None)
    search = GridSearchCV(base, grid, cv=2, error_score="raise").fit(X, y)
    n_candidates = np.prod([len(values) for values in grid.values()])
    assert len(search.cv_results_["params"]) == n_candidates
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    for name, value in search.best_params_.items():
        assert value in grid[name]
        assert repr(search.best_estimator_.get_params()[name]) == repr(value)


@task_params
def test_pickle_round_trip_predicts_the_same(task):
    estimator, X, y = build(task, max_iter=10, random_state=0)
    estimator.fit(X, y)
    restored = pickle.loads(pickle.dumps(estimator))
    assert_array_equal(restored.predict(X), estimator.predict(X))
    assert_array_equal(raw_output(restored, X), raw_output(estimator, X))
    # The restored model keeps training where the original would.
    assert_array_equal(
        restored.partial_fit(X, y).coef_, estimator.partial_fit(X, y).coef_
    )


@task_params
def test_pandas_dataframe_keeps_feature_names(task):
    pd = pytest.importorskip("pandas")
    estimator, X, y = build(task, max_iter=5, random_state=0)
    columns = [f"feature_{i}" for i in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=columns)
    estimator.fit(frame, pd.Series(y))
    assert estimator.n_features_in_ == X.shape[1]
    assert_array_equal(estimator.feature_names_in_, columns)

    # scikit-learn's standard checks: a plain array gets a UserWarning, renamed
    # columns a ValueError (a warning before scikit-learn 1.2).
    with pytest.warns(UserWarning, match="fitted with feature names"):
        from_array = estimator.predict(X)
    # (Equal up to rounding: the frame's values reach BLAS in Fortran order.)
    atol = 1e-12 * np.abs(from_array).max()  # for outputs near 0
    assert_allclose(estimator.predict(frame), from_array, rtol=1e-12, atol=atol)
    renamed = frame.rename(columns={"feature_0": "other"})
    with pytest.raises(ValueError, match="feature names should match"):
        estimator.predict(renamed)


@task_params
def test_n_features_in_and_no_feature_names_for_arrays(task):
    estimator, X, y = build(task, max_iter=5)
    estimator.fit(X, y)
    assert estimator.n_features_in_ == X.shape[1]
    assert not hasattr(estimator, "feature_names_in_")
    with pytest.raises(ValueError, match="features"):
        estimator.predict(X[:, :3])


@task_params
def test_fitted_attribute_shapes_and_curves(task):
    estimator, X, y = build(task, max_iter=7, tol=None, batch_size=25)
    estimator.fit(X, y)
    n_outputs = {"regressor": None, "binary": 1, "multiclass": 3}[task]
    expected = (X.shape[1],) if n_outputs is None else (n_outputs, X.shape[1])
    assert estimator.coef_.shape == expected
    assert estimator.intercept_.shape == (n_outputs or 1,)
    assert estimator.n_iter_ == 7
    assert estimator.t_ == 7 * int(np.ceil(len(y) / 25))
    assert estimator.loss_curve_.shape == (7,)
    assert estimator.learning_rate_curve_.shape == (7,)
    # Adam's "auto" step is in units of y for a regressor.
    scale = spread_of(y) if task == "regressor" else 1.0
    assert_allclose(estimator.learning_rate_curve_, 0.01 * scale)


@pytest.mark.parametrize(
    "optimizer, expected",
    [
        ("adam", 0.01),
        ("nadam", 0.01),
        ("rmsprop", 0.005),
        ("sgd", 0.05),
        # The same effective step lr / (1 - momentum) as plain SGD.
        ("momentum", 0.005),
        ("nesterov", 0.005),
        ("adagrad", 0.5),
        ("adadelta", 1.0),
    ],
)
def test_auto_learning_rate_is_the_optimizers_default_step(optimizer, expected):
    estimator, X, y = build("regressor", max_iter=3, tol=None, optimizer=optimizer)
    estimator.fit(X, y)
    # Times the spread of y for scale-free steps; SGD's lr * g scales itself,
    # Adadelta's steps take the scale of its past steps.
    scale = 1.0 if optimizer in ("sgd", "momentum", "nesterov", "adadelta") else (
        spread_of(y)
    )
    assert_allclose(estimator.learning_rate_curve_, expected * scale)
    # A classifier's raw outputs are logits: no scaling.
    classifier, X_c, y_c = build("binary", max_iter=3, tol=None, optimizer=optimizer)
    assert_allclose(classifier.fit(X_c, y_c).learning_rate_curve_, expected)
    # An explicit value overrides the optimizer's default.
    estimator.set_params(learning_rate=0.02).fit(X, y)
    assert_allclose(estimator.learning_rate_curve_, 0.02)


def test_learning_rate_rejects_other_strings():
    estimator, X, y = build("regressor")
    with pytest.raises(ValueError, match="learning_rate.*'auto'"):
        estimator.set_params(learning_rate="fast").fit(X, y)
