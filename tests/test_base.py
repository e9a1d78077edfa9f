"""What both estimators share (``sklearn_gd/_base.py``): parameters and
components, input validation, fit and partial_fit, fitted attributes.

Each test is parametrised over the estimators (and, where it matters, over
binary and multiclass targets), so one test pins one promise for both:
defaults, dense and sparse input, random_state, dtypes, sample_weight,
partial_fit, warm_start and early stopping, failed fits leaving the model as it
was, inputs never modified, bad parameters, and scikit-learn integration
(clone, set_params, grid search, pickle, pandas feature names).

How a run is judged (divergence, worse than its start, no progress, units of
y) is tested in test_engine.py, the stopping rules and lbfgs in
test_solvers.py, and estimator-specific behaviour in test_regressor.py and
test_classifier.py.
"""

import pickle
import threading
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from _helpers import (
    TASKS,
    assert_same_model,
    breast_cancer,
    build,
    classes_of,
    classification_data,
    diabetes,
    raw_output,
    regression_data,
    sparse_like,
    spread_of,
    task_params,
)
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
from sklearn.utils import check_random_state

from sklearn_gd import GDClassifier, GDRegressor
from sklearn_gd.optimizers import SGD, Adam

# Most tests run a few epochs on purpose; test_solvers.py checks the max_iter
# warning itself.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


# ---------------------------------------------------------------------------
# Defaults are good out of the box


# The objective of the defaults (alpha=1e-4) on a fold of 5-fold CV, in the
# exact solvers' terms: C = 1 / (alpha n_train), Ridge's alpha * n_train.
N_TRAIN = {"breast_cancer": 569 * 4 // 5, "diabetes": 442 * 4 // 5}


@pytest.mark.parametrize(
    "load, ours, reference",
    [
        (
            load_breast_cancer,
            GDClassifier(random_state=0),
            LogisticRegression(C=1 / (1e-4 * N_TRAIN["breast_cancer"])),
        ),
        (load_diabetes, GDRegressor(random_state=0), Ridge(1e-4 * N_TRAIN["diabetes"])),
    ],
    ids=["classifier-breast_cancer", "regressor-diabetes"],
)
def test_defaults_match_exact_solver_in_cross_validation(load, ours, reference):
    # Raw targets (diabetes y is ~25..346): the defaults must cope with them.
    # The reference solves the same objective exactly, so the scores agree.
    X, y = load(return_X_y=True)
    scores = {}
    for name, estimator in (("ours", ours), ("reference", reference)):
        pipeline = Pipeline([("scale", StandardScaler()), ("model", estimator)])
        scores[name] = cross_val_score(pipeline, X, y).mean()
    assert abs(scores["ours"] - scores["reference"]) <= 0.01, scores


# ---------------------------------------------------------------------------
# Dense and sparse input, reproducibility


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
# dtypes


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
# sample_weight


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


@pytest.mark.parametrize(
    "Estimator, load",
    [(GDRegressor, diabetes), (GDClassifier, breast_cancer)],
    ids=["regressor", "classifier"],
)
@pytest.mark.parametrize("optimizer", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_huge_sample_weights_give_the_unit_weights_model(
    Estimator, load, optimizer, dtype
):
    # Before: RuntimeWarnings, then "diverged at epoch 1: the objective became nan".
    X, y = load()
    X = X.astype(dtype)
    unit = Estimator(optimizer=optimizer, random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        huge = Estimator(optimizer=optimizer, random_state=0).fit(
            X, y, sample_weight=np.full(len(y), 1e308)
        )
    # J does not depend on the scale of the weights.
    assert_same_model(huge, unit)


# ---------------------------------------------------------------------------
# partial_fit and warm_start


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
    changed = GDRegressor(optimizer="adam", random_state=0)
    unchanged = GDRegressor(optimizer="adam", random_state=0)
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
    with pytest.raises(ValueError, match="fit_intercept=True, .* differs"):
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


@task_params
def test_partial_fit_refuses_early_stopping(task):
    # Before: silently ignored (SGDClassifier and MLPClassifier raise).
    estimator, X, y = build(task, early_stopping=True)
    assert not hasattr(estimator, "partial_fit")
    with pytest.raises(AttributeError, match="partial_fit") as error:
        estimator.partial_fit(X, y, **classes_of(estimator, y))
    # The reason, with what to do instead, is chained.
    assert "not available with early_stopping=True" in str(error.value.__cause__)
    assert not hasattr(estimator, "n_iter_")


def test_partial_fit_continues_a_fit_that_stopped_early():
    X, y = make_regression(n_samples=300, n_features=5, noise=1.0, random_state=0)
    estimator = GDRegressor(early_stopping=True, random_state=0).fit(X, y)
    n_iter = estimator.n_iter_
    estimator.set_params(early_stopping=False).partial_fit(X, y)
    assert estimator.n_iter_ == n_iter + 1
    assert estimator.validation_scores_ is None  # as after any fit without it


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
# Early stopping


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


@pytest.mark.parametrize(
    "Estimator, load",
    [(GDRegressor, diabetes), (GDClassifier, breast_cancer)],
    ids=["regressor", "classifier"],
)
def test_early_stopping_on_zero_weight_held_out_samples_raises(Estimator, load):
    # Before: "Sample weights must contain ... non-zero"; classifier: ZeroDivisionError.
    X, y = load()
    # BaseGD._validation_split: train_test_split of the row indices with the
    # estimator's RandomState, stratified for the classifier.
    _, held_out = train_test_split(
        np.arange(len(y)),
        test_size=0.1,
        random_state=check_random_state(0),
        stratify=y if Estimator is GDClassifier else None,
    )
    weight = np.ones(len(y))
    weight[held_out] = 0.0
    estimator = Estimator(early_stopping=True, validation_fraction=0.1)
    with pytest.raises(ValueError, match="zero") as raised:
        clone(estimator).set_params(random_state=0).fit(X, y, sample_weight=weight)
    assert "early_stopping" in str(raised.value)
    # Another split holds out weighted samples too: only that split was empty.
    clone(estimator).set_params(random_state=1).fit(X, y, sample_weight=weight)


# ---------------------------------------------------------------------------
# Failed fits leave the model as it was; inputs are never modified


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


def test_partial_fit_can_continue_after_a_diverged_call():
    X, y = regression_data()
    estimator = GDRegressor(optimizer="sgd", learning_rate=0.01, batch_size=10)
    estimator.partial_fit(X, y)
    with pytest.raises(ValueError, match="diverged"):
        estimator.set_params(learning_rate=1e3).partial_fit(X * 1e8, y)
    estimator.set_params(learning_rate=0.01).partial_fit(X, y)
    assert np.isfinite(estimator.coef_).all()
    assert estimator.n_iter_ == 2


def test_fits_from_two_threads_never_mix_their_attributes():
    # Before, fit restored a snapshot of __dict__ on failure and set
    # classes_ before training: two threads fitting one estimator could end
    # with classes_ of one fit and coef_ of the other. Now every fitted
    # attribute is assigned together at the end of a fit.
    X2, y2 = make_classification(2000, 20, n_classes=2, random_state=0)
    X4, y4 = make_classification(
        2000, 20, n_informative=6, n_classes=4, random_state=1
    )
    for _ in range(10):
        estimator = GDClassifier(max_iter=5, tol=None, random_state=0)
        threads = [
            threading.Thread(target=estimator.fit, args=data)
            for data in ((X2, y2), (X4, y4))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        n_classes = len(estimator.classes_)
        assert estimator.coef_.shape[0] == (1 if n_classes == 2 else n_classes)
        assert len(estimator.loss_curve_) == estimator.n_iter_
        assert estimator.n_features_in_ == 20


def test_partial_fit_appends_to_the_curves_without_copying_them():
    # Before, each call copied the curves (and turned them into new arrays),
    # so a call's cost grew with the calls before it (1.2 ms to 3.3 ms after
    # 20,000 calls). Now a call appends in place, past the end that earlier
    # attributes see.
    X, y = regression_data()
    estimator = GDRegressor(optimizer="sgd", learning_rate=0.01, random_state=0)
    estimator.partial_fit(X, y)
    first = estimator.loss_curve_
    saved = first.copy()
    for _ in range(5):
        estimator.partial_fit(X, y)
    assert np.shares_memory(first, estimator.loss_curve_)
    assert_array_equal(first, saved)  # earlier attributes keep their values
    assert len(estimator.loss_curve_) == len(estimator.learning_rate_curve_) == 6
    # A failed call appends nothing that a later call would see.
    with pytest.raises(ValueError, match="diverged"):
        estimator.set_params(learning_rate=1e6).partial_fit(X * 1e8, y)
    estimator.set_params(learning_rate=0.01).partial_fit(X, y)
    assert len(estimator.loss_curve_) == estimator.n_iter_ == 7
    assert np.isfinite(estimator.loss_curve_).all()


def test_coef_is_not_a_view_of_the_training_state():
    # Later partial_fit calls must not rewrite arrays handed out earlier.
    X, y = regression_data()
    estimator = GDRegressor(optimizer="sgd", learning_rate=0.01).partial_fit(X, y)
    coef = estimator.coef_
    saved = coef.copy()
    estimator.partial_fit(X, y)
    assert_array_equal(coef, saved)


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
        task, max_iter=5, batch_size=16, random_state=0,
        early_stopping=method == "fit",  # partial_fit refuses it
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


# ---------------------------------------------------------------------------
# Bad parameters


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
# scikit-learn integration and fitted attributes


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


@pytest.mark.parametrize("scale", [1e39, 1e-46])
def test_float32_fits_take_weights_of_any_scale(scale):
    # Found in review: weights past float32's range became inf (an error
    # blaming the loss) or 0 ("all samples have zero weight").
    X, y = regression_data()
    weights = np.random.RandomState(0).uniform(1, 3, len(y))
    X32 = X.astype(np.float32)
    unit = GDRegressor(random_state=0).fit(X32, y, sample_weight=weights)
    scaled = GDRegressor(random_state=0).fit(X32, y, sample_weight=weights * scale)
    assert_allclose(scaled.coef_, unit.coef_, rtol=1e-5)


def test_partial_fit_weighs_chunks_against_each_other():
    # Found in review: each chunk's weights were taken relative to the
    # chunk's own mean, so a chunk of uniformly heavier samples counted as
    # much as a light one. Weights are now relative to the first chunk's.
    rng = np.random.RandomState(0)
    X = rng.randn(200, 2)
    intercepts = {}
    for heavy in (1.0, 9.0):
        model = GDRegressor(optimizer="adam", learning_rate=0.05, random_state=0)
        for _ in range(100):
            model.partial_fit(X, np.zeros(200), sample_weight=np.ones(200))
            model.partial_fit(X, np.full(200, 10.0), sample_weight=np.full(200, heavy))
        intercepts[heavy] = model.intercept_[0]
    # The weighted mean target is 5 for equal weights and 9 for 1:9.
    assert intercepts[1.0] == pytest.approx(5, abs=1.5)
    assert intercepts[9.0] > intercepts[1.0] + 2


def test_auto_reads_a_default_schedule_object_as_the_default():
    # Found in review: schedule=Constant() switched "auto" to Adam, unlike
    # schedule="constant"; a grid over schedule objects changed the solver.
    from sklearn_gd.schedules import Constant, Cosine

    X, y = regression_data()
    assert type(GDRegressor(schedule=Constant()).fit(X, y).optimizer_).__name__ == (
        "LBFGS"
    )
    assert type(GDRegressor(schedule=Cosine()).fit(X, y).optimizer_).__name__ == (
        "Adam"
    )


# ---------------------------------------------------------------------------
# Hidden layers


def _moons():
    from sklearn.datasets import make_moons

    return make_moons(400, noise=0.15, random_state=0)


def _xor():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(400, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(int)


@task_params
def test_no_hidden_layers_is_the_linear_model_whatever_the_network_params(task):
    estimator, X, y = build(task, random_state=0)
    linear = clone(estimator).fit(X, y)
    explicit = clone(estimator).set_params(
        hidden_layer_sizes=(), activation="tanh", init="he_normal", dropout=0.0
    )
    assert_same_model(explicit.fit(X, y), linear)
    assert_array_equal(explicit.loss_curve_, linear.loss_curve_)
    assert not hasattr(linear, "coefs_")
    assert linear.gradient_norms_.shape == (linear.n_iter_, 1)


@pytest.mark.parametrize("data", [_moons, _xor], ids=["moons", "xor"])
def test_a_network_learns_what_the_linear_model_cannot(data):
    X, y = data()
    linear = GDClassifier(random_state=0).fit(X, y)
    network = GDClassifier(hidden_layer_sizes=(32,), random_state=0).fit(X, y)
    assert linear.score(X, y) < 0.9
    assert network.score(X, y) > 0.97


def test_network_attributes_have_mlp_names_and_shapes():
    from sklearn.neural_network import MLPClassifier

    X, y = classification_data(n_classes=3)
    ours = GDClassifier(hidden_layer_sizes=(7, 5), max_iter=20, random_state=0)
    ours.fit(X, y)
    mlp = MLPClassifier(hidden_layer_sizes=(7, 5), max_iter=5).fit(X, y)
    assert [c.shape for c in ours.coefs_] == [c.shape for c in mlp.coefs_]
    assert [b.shape for b in ours.intercepts_] == [b.shape for b in mlp.intercepts_]
    assert ours.n_layers_ == mlp.n_layers_ == 4
    assert ours.gradient_norms_.shape == (ours.n_iter_, 3)
    for name in ("coef_", "intercept_"):
        with pytest.raises(AttributeError, match="coefs_ and intercepts_"):
            getattr(ours, name)
    # Refitting as a linear model leaves no network attributes, and back.
    ours.set_params(hidden_layer_sizes=()).fit(X, y)
    assert ours.coef_.shape == (3, X.shape[1])
    assert not hasattr(ours, "coefs_") and not hasattr(ours, "n_layers_")
    ours.set_params(hidden_layer_sizes=(4,)).fit(X, y)
    assert not hasattr(ours, "coef_")


@task_params
def test_network_dense_sparse_float32_and_seeds(task):
    estimator, X, y = build(
        task, hidden_layer_sizes=(6,), optimizer="adam", max_iter=5, tol=None
    )
    dense = clone(estimator).set_params(random_state=0).fit(X, y)
    again = clone(estimator).set_params(random_state=0).fit(X, y)
    sparse = clone(estimator).set_params(random_state=0).fit(sp.csr_matrix(X), y)
    other = clone(estimator).set_params(random_state=1).fit(X, y)
    for a, b in zip(dense.coefs_, again.coefs_):
        assert_array_equal(a, b)
    for a, b in zip(dense.coefs_, sparse.coefs_):
        assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert not np.array_equal(dense.coefs_[0], other.coefs_[0])
    single = clone(estimator).set_params(random_state=0).fit(X.astype(np.float32), y)
    assert all(c.dtype == np.float32 for c in single.coefs_ + single.intercepts_)
    assert raw_output(single, X.astype(np.float32)).dtype == np.float32


def test_network_sample_weight_equals_repeated_rows():
    X, y = _moons()
    weight = np.random.RandomState(0).randint(0, 3, size=len(y))
    # A penalty strong enough for one optimum to dominate: the objective is
    # not convex, and scipy's L-BFGS-B rounds differently across versions.
    estimator = GDClassifier(
        hidden_layer_sizes=(5,), optimizer="lbfgs", alpha=1e-2, random_state=0,
        tol=1e-8,
    )
    weighted = clone(estimator).fit(X, y, sample_weight=weight)
    repeated = clone(estimator).fit(np.repeat(X, weight, axis=0), np.repeat(y, weight))
    # Not convex, and lbfgs stops within tol: the two runs part slightly.
    assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), atol=0.05)
    assert np.mean(weighted.predict(X) == repeated.predict(X)) > 0.99


def test_network_with_l1_has_exact_zeros_in_every_layer():
    X, y = _moons()
    l2 = GDClassifier(hidden_layer_sizes=(32, 16), random_state=0).fit(X, y)
    for optimizer in ("auto", "adam"):
        l1 = GDClassifier(
            hidden_layer_sizes=(32, 16), penalty="l1", alpha=1e-3,
            optimizer=optimizer, random_state=0,
        ).fit(X, y)
        assert l1.score(X, y) > l2.score(X, y) - 0.02
        zeros = [np.mean(coef == 0) for coef in l1.coefs_]
        assert zeros[0] > 0.3 and zeros[1] > 0.5, zeros
    assert all(np.mean(coef == 0) < 0.05 for coef in l2.coefs_)


def test_network_partial_fit_warm_start_early_stopping_and_pickle():
    X, y = _moons()
    stream = GDClassifier(hidden_layer_sizes=(16,), random_state=0)
    for _ in range(100):
        stream.partial_fit(X, y, classes=[0, 1])
    assert stream.score(X, y) > 0.95
    with pytest.raises(ValueError, match=r"sizes=\(16,\), .* of the model"):
        stream.set_params(hidden_layer_sizes=(8,)).partial_fit(X, y)

    warm = GDClassifier(hidden_layer_sizes=(8,), optimizer="adam", max_iter=20,
                        warm_start=True, random_state=0)
    first = warm.fit(X, y).loss_curve_.copy()
    assert warm.fit(X, y).loss_curve_[0] < first[0]

    stopped = GDClassifier(hidden_layer_sizes=(16,), early_stopping=True,
                           random_state=0).fit(X, y)
    assert stopped.best_validation_score_ == np.max(stopped.validation_scores_)
    restored = pickle.loads(pickle.dumps(stopped))
    assert_array_equal(restored.predict_proba(X), stopped.predict_proba(X))


def test_dropout_trains_with_mini_batches_only():
    X, y = _moons()
    model = GDClassifier(hidden_layer_sizes=(32,), dropout=0.2, random_state=0)
    assert isinstance(model.fit(X, y).optimizer_, Adam)
    assert model.score(X, y) > 0.95
    for optimizer, penalty in (("lbfgs", "l2"), ("fista", "l1")):
        with pytest.raises(ValueError, match="dropout=0.2 cannot be used"):
            model.set_params(optimizer=optimizer, penalty=penalty).fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"hidden_layer_sizes": (4, 0)}, "hidden_layer_sizes must be a tuple"),
        ({"hidden_layer_sizes": "4"}, "hidden_layer_sizes must be a tuple"),
        ({"hidden_layer_sizes": (4, 3), "activation": ["relu"]}, "2 layers"),
        ({"hidden_layer_sizes": (4,), "activation": "swish"}, "'activation'"),
        ({"hidden_layer_sizes": (4,), "init": "lecun"}, "'init'"),
        ({"dropout": 1.0}, "dropout"),
    ],
)
def test_bad_network_parameters_are_named(params, match):
    X, y = _moons()
    with pytest.raises(ValueError, match=match):
        GDClassifier(**params).fit(X, y)


def test_network_components_are_grid_searchable():
    X, y = _moons()
    search = GridSearchCV(
        GDClassifier(hidden_layer_sizes=(8,), activation="leaky_relu",
                     random_state=0, max_iter=50),
        {"activation__negative_slope": [0.01, 0.3], "init": ["auto", "he_normal"]},
        cv=2,
    ).fit(X, y)
    assert search.best_estimator_.activation.negative_slope in (0.01, 0.3)


def test_gradient_norms_show_vanishing_gradients_in_a_deep_logistic_network():
    X, y = _moons()
    deep = dict(hidden_layer_sizes=(16,) * 6, optimizer="sgd", max_iter=5,
                tol=None, random_state=0)
    logistic = GDClassifier(activation="logistic", **deep).fit(X, y)
    relu = GDClassifier(activation="relu", **deep).fit(X, y)
    # The first layer's gradient against the output layer's, last epoch:
    # each logistic layer scales the backpropagated signal by at most 1/4.
    def ratio(model):
        return model.gradient_norms_[-1, 0] / model.gradient_norms_[-1, -1]

    assert ratio(logistic) < 1e-2
    assert ratio(relu) > 10 * ratio(logistic)


@pytest.mark.parametrize(
    "optimizer",
    ["auto", "sgd", "momentum", "nesterov", "adam", "adamw", "nadam", "rmsprop",
     "adagrad", "adadelta", "lbfgs", "fista"],
)
def test_every_optimizer_trains_a_network(optimizer):
    X, y = _moons()
    penalty = "l1" if optimizer == "fista" else "l2"
    # Plain SGD's default step needs more than 256-row batches' 2 updates per
    # epoch on 400 samples (0.91 after 1000 epochs).
    batch_size = 32 if optimizer in ("sgd", "momentum", "nesterov") else "auto"
    model = GDClassifier(
        hidden_layer_sizes=(16,), optimizer=optimizer, penalty=penalty,
        batch_size=batch_size, random_state=0,
    ).fit(X, y)
    assert model.score(X, y) > 0.95, model.n_iter_


@pytest.mark.parametrize("schedule", ["invscaling", "cosine", "adaptive", "onecycle"])
def test_schedules_and_clipping_train_a_network(schedule):
    X, y = _moons()
    model = GDClassifier(
        hidden_layer_sizes=(16,), schedule=schedule, optimizer=SGD(clip_norm=1.0),
        learning_rate=1.0, batch_size=32, max_iter=300, random_state=0,
    ).fit(X, y)
    assert model.score(X, y) > 0.95


def test_class_weight_shifts_a_networks_predictions():
    X, y = _moons()
    plain = GDClassifier(hidden_layer_sizes=(8,), random_state=0).fit(X, y)
    weighted = GDClassifier(
        hidden_layer_sizes=(8,), class_weight={0: 1.0, 1: 20.0}, random_state=0
    ).fit(X, y)
    assert np.mean(weighted.predict(X) == 1) > np.mean(plain.predict(X) == 1) + 0.03


@task_params
def test_sparsify_and_densify_as_scikit_learns_linear_models(task):
    estimator, X, y = build(task, penalty="l1", alpha=0.05, random_state=0)
    estimator.fit(X, y)
    dense = estimator.coef_.copy()
    predicted = estimator.predict(X)
    assert estimator.sparsify() is estimator
    assert sp.issparse(estimator.coef_)
    assert estimator.coef_.nnz == np.count_nonzero(dense)
    assert_array_equal(estimator.predict(X), predicted)
    restored = pickle.loads(pickle.dumps(estimator))
    assert_array_equal(restored.predict(X), predicted)
    assert estimator.densify() is estimator
    assert isinstance(estimator.coef_, np.ndarray)
    assert_array_equal(estimator.coef_, dense)  # the shape fit gave it
    # warm_start from a sparsified model starts from its weights.
    estimator.sparsify().set_params(warm_start=True, max_iter=1, tol=None)
    estimator.fit(X, y)
    assert isinstance(estimator.coef_, np.ndarray)
    network = clone(estimator).set_params(hidden_layer_sizes=(3,), warm_start=False)
    assert not hasattr(network, "sparsify")
    with pytest.raises(AttributeError, match="sparsify") as error:
        network.fit(X, y).sparsify()
    assert "its weights are in coefs_" in str(error.value.__cause__)


@task_params
def test_fit_starts_from_coef_init_and_intercept_init(task):
    # Before: a TypeError (SGDClassifier's fit takes them).
    estimator, X, y = build(task, optimizer="sgd", learning_rate=1e-12, max_iter=1,
                            tol=None, random_state=0)
    shape = clone(estimator).fit(X, y).coef_.shape
    coef = np.random.RandomState(0).normal(size=shape)
    intercept = np.full(shape[0] if len(shape) == 2 else 1, 0.25)
    started = clone(estimator).fit(X, y, coef_init=coef, intercept_init=intercept)
    assert_allclose(started.coef_, coef, atol=1e-9)
    assert_allclose(started.intercept_, intercept, atol=1e-9)
    # It overrides warm_start, and a proper step trains on from there.
    trained = clone(estimator).set_params(learning_rate="auto", max_iter=200)
    trained.set_params(warm_start=True).fit(X, y, coef_init=coef)
    assert trained.loss_curve_[-1] < trained.loss_curve_[0]
    for bad, match in [
        ({"coef_init": coef[..., :-1]}, "shapes"),
        ({"coef_init": np.full(shape, np.nan)}, "finite"),
        ({"coefs_init": [coef]}, "the linear model starts from coef_init"),
    ]:
        with pytest.raises(ValueError, match=match):
            clone(estimator).fit(X, y, **bad)


def test_fit_starts_a_network_from_coefs_init():
    X, y = _moons()
    sizes = [(2, 4), (4, 1)]
    coefs = [np.random.RandomState(k).normal(size=size) for k, size in enumerate(sizes)]
    network = GDClassifier(hidden_layer_sizes=(4,), optimizer="sgd",
                           learning_rate=1e-12, max_iter=1, tol=None)
    network.fit(X, y, coefs_init=coefs, intercepts_init=[np.ones(4), np.ones(1)])
    for coef, expected in zip(network.coefs_, coefs):
        assert_allclose(coef, expected, atol=1e-9)
    assert_allclose(network.intercepts_[1], [1.0], atol=1e-9)
    with pytest.raises(ValueError, match=r"coefs_init.*\(2, 5\)"):
        network.fit(X, y, coefs_init=[np.ones((2, 5)), np.ones((5, 1))])
    with pytest.raises(ValueError, match="a network starts from coefs_init"):
        network.fit(X, y, coef_init=np.ones(2))


# Review of the hidden-layer change: each test failed before its fix.


def test_hidden_weights_step_in_no_units_whatever_the_spread_of_y():
    # Hidden weights moved by lr x std(y) when every output had the same
    # spread: R2 -0.001 at y x 1e4 (0.98 at y x 1).
    from sklearn.datasets import make_friedman1

    X, y = make_friedman1(1000, random_state=0)
    y = (y - y.mean()) / y.std()
    for scale in (1.0, 1e4):
        model = GDRegressor(hidden_layer_sizes=(32,), max_iter=200, random_state=0)
        model.fit(X, y * scale)
        assert model.score(X, y * scale) > 0.97
        assert np.abs(model.coefs_[0]).max() < 10


def test_custom_initializer_gets_a_numpy_random_state():
    from sklearn_gd.initializers import Initializer

    class FromGenerator(Initializer):
        def weights(self, fan_in, fan_out, random_state, dtype):
            assert isinstance(random_state, np.random.RandomState)
            return check_random_state(random_state).normal(size=(fan_in, fan_out))

    X, y = _moons()
    model = GDClassifier(hidden_layer_sizes=(4,), init=FromGenerator(),
                         random_state=0, max_iter=5).fit(X, y)
    again = GDClassifier(hidden_layer_sizes=(4,), init=FromGenerator(),
                         random_state=0, max_iter=5).fit(X, y)
    assert_array_equal(model.coefs_[0], again.coefs_[0])


def test_set_params_never_changes_a_fitted_network():
    from sklearn_gd.activations import LeakyReLU

    X, y = _moons()
    model = GDClassifier(hidden_layer_sizes=(8,), activation=LeakyReLU(0.01),
                         random_state=0).fit(X, y)
    before = model.decision_function(X[:5])
    model.set_params(activation__negative_slope=0.9)
    assert_array_equal(model.decision_function(X[:5]), before)


def test_partial_fit_refuses_a_changed_activation_or_dropout():
    X, y = _moons()
    for change in ({"activation": "tanh"}, {"dropout": 0.5}):
        model = GDClassifier(hidden_layer_sizes=(8,), random_state=0)
        model.partial_fit(X, y, classes=[0, 1])
        with pytest.raises(ValueError, match="differs from the"):
            model.set_params(**change).partial_fit(X, y)


def test_network_parameters_without_hidden_layers():
    X, y = _moons()
    # dropout has no hidden unit to act on: the linear model, still lbfgs.
    linear = GDClassifier(dropout=0.5, random_state=0).fit(X, y)
    assert type(linear.optimizer_).__name__ == "LBFGS"
    GDClassifier(dropout=0.5, optimizer="lbfgs").fit(X, y)  # no error
    # Bad values fail whatever the architecture (a search fails at once).
    for params in ({"activation": "bogus"}, {"init": "bogus"},
                   {"activation": ["relu", "bogus"]}):
        with pytest.raises(ValueError):
            GDClassifier(**params).fit(X, y)


def test_int_hidden_layer_sizes_and_a_fitted_networks_coef():
    X, y = _moons()
    model = GDClassifier(hidden_layer_sizes=5, max_iter=5).fit(X, y)
    assert [c.shape for c in model.coefs_] == [(2, 5), (5, 1)]
    assert not hasattr(model, "coef_")  # an AttributeError, not a TypeError
    model.set_params(hidden_layer_sizes=())
    with pytest.raises(AttributeError, match=r"fitted with hidden_layer_sizes=\(5,\)"):
        _ = model.coef_
    for bad in [(True,), (2, True)]:
        with pytest.raises(ValueError, match="hidden_layer_sizes must be"):
            GDClassifier(hidden_layer_sizes=bad).fit(X, y)



def test_nested_parameters_of_a_list_of_activations_are_refused_clearly():
    model = GDClassifier(hidden_layer_sizes=(4,), activation=["leaky_relu"])
    with pytest.raises(ValueError, match="activation is a list of components"):
        model.set_params(activation__negative_slope=0.3)


@task_params
def test_warnings_point_at_the_users_line(task):
    # Before: at sklearn_gd/_base.py.
    estimator, X, y = build(task, optimizer="adam", max_iter=1, tol=1e-4)
    with pytest.warns(ConvergenceWarning) as record:
        estimator.fit(X, y)
    assert record[0].filename == __file__
    with pytest.warns(ConvergenceWarning) as record:
        Pipeline([("model", estimator)]).fit(X, y)
    assert record[0].filename == __file__


def test_verbose_prints_every_tenth_epoch_the_held_out_score_and_a_summary(capsys):
    # Before: one bare line per epoch, no held-out score, no summary.
    X, y = breast_cancer()
    GDClassifier(optimizer="adam", early_stopping=True, verbose=1,
                 random_state=0).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    epochs = [line for line in lines if line.startswith("-- Epoch")]
    assert epochs[0].startswith("-- Epoch 1:") and epochs[1].startswith("-- Epoch 10:")
    assert all("held-out score" in line and "step size" in line for line in epochs)
    summary = lines[-1]
    assert summary.startswith("GDClassifier: ") and " epochs (" in summary
    assert "converged (the held-out score stopped improving" in summary
    assert "best held-out score" in summary
    GDClassifier(verbose=2).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("-- Iteration 2: objective")
    assert "converged" in lines[-1]
    GDClassifier(optimizer="adam", max_iter=3, tol=None, verbose=1).fit(X, y)
    assert "ran max_iter epochs (tol=None)" in capsys.readouterr().out


def test_l1_ratio_has_one_source_of_truth():
    # Before: ElasticNet(l1_ratio=0.5) with l1_ratio=0.99 silently used 0.5,
    # and set_params(penalty__l1_ratio=0.7) left get_params()["l1_ratio"] stale.
    from sklearn_gd.penalties import ElasticNet

    X, y = regression_data()
    with pytest.raises(ValueError, match="l1_ratio=0.99 disagrees with penalty"):
        GDRegressor(penalty=ElasticNet(l1_ratio=0.5), l1_ratio=0.99).fit(X, y)
    GDRegressor(penalty=ElasticNet(l1_ratio=0.5), l1_ratio=0.5).fit(X, y)
    estimator = GDRegressor(penalty="elasticnet", l1_ratio=0.3)
    estimator.set_params(penalty__l1_ratio=0.7)
    assert estimator.get_params()["l1_ratio"] is None
    assert estimator.get_params()["penalty__l1_ratio"] == 0.7
    # The string's share: l1_ratio, or SGDClassifier's 0.15 by default.
    string = GDRegressor(penalty="elasticnet", optimizer="fista", alpha=0.5)
    default = clone(string).fit(X, y)
    explicit = clone(string).set_params(l1_ratio=0.15).fit(X, y)
    assert_array_equal(default.coef_, explicit.coef_)
    other = clone(string).set_params(l1_ratio=0.9).fit(X, y)
    assert not np.array_equal(other.coef_, default.coef_)


def test_the_step_used_is_a_fitted_attribute():
    X, y = regression_data()
    spread = np.std(y)
    adam = GDRegressor(optimizer="adam", max_iter=2).fit(X, y)
    assert_allclose(adam.learning_rate_, 0.01 * spread, rtol=1e-6)
    sgd = GDRegressor(optimizer="sgd", max_iter=2).fit(X, y)
    assert sgd.learning_rate_ == 0.05  # not scale-free: no units of y
    assert GDRegressor(optimizer="sgd", learning_rate=0.3, max_iter=2).fit(
        X, y
    ).learning_rate_ == 0.3
    assert GDRegressor(optimizer="lbfgs").fit(X, y).learning_rate_ is None


def test_review_of_the_ecosystem_changes():
    import copy

    from sklearn.model_selection import cross_val_score

    from sklearn_gd.schedules import Adaptive

    X, y = breast_cancer()
    # A numpy float from a schedule's on_plateau pickles (it broke JSON).
    model = GDClassifier(
        optimizer="sgd", learning_rate=0.01, schedule=Adaptive(np.float32(0.5)),
        n_iter_no_change=2, tol=0.1, max_iter=30, random_state=0,
    ).fit(X, y)
    assert_array_equal(pickle.loads(pickle.dumps(model)).predict(X), model.predict(X))
    # deepcopy keeps the optimizer's moments: the copy continues alike.
    streamed = GDClassifier(optimizer="adam", random_state=0)
    streamed.partial_fit(X, y, classes=[0, 1])
    twin = copy.deepcopy(streamed)
    assert_array_equal(
        streamed.partial_fit(X, y).coef_, twin.partial_fit(X, y).coef_
    )
    # sparsify twice; intercept_init on a model without intercept.
    GDClassifier().fit(X, y).sparsify().sparsify()
    with pytest.raises(ValueError, match="fit_intercept=False"):
        GDClassifier(fit_intercept=False).fit(X, y, intercept_init=[1.0])
    # Warnings from fits that joblib runs point at the user's line too.
    with pytest.warns(ConvergenceWarning) as record:
        cross_val_score(GDClassifier(optimizer="adam", max_iter=1), X, y, cv=2)
    assert all(warning.filename == __file__ for warning in record)


def test_verbose_says_when_a_full_batch_solver_converged(capsys):
    X, y = breast_cancer()
    GDClassifier(optimizer="lbfgs", verbose=1).fit(X, y)
    assert "LBFGS's gradient below tol" in capsys.readouterr().out
    GDClassifier(optimizer="adam", max_iter=1, tol=None, verbose=1).fit(X, y)
    assert ": 1 epoch (" in capsys.readouterr().out
