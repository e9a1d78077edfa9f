"""Convergence to the exact optimum of J(w), checked against exact solvers.

J(w) = sum_i s_i L(y_i, f(x_i)) / sum_i s_i + alpha R(w) (docs/training.md) is the
objective of scikit-learn's own estimators for the parameters below, so on
standardised data with unit sample weights our coefficients must match theirs.
The error is the relative error ||ours - ref|| / ||ref||, measured on ``coef_``
and on the stacked parameters ``[coef_, intercept_]`` (which also covers the
intercept, at a scale that is never degenerate); for softmax the intercepts are
centred first, since adding a constant to every class's intercept changes
neither the loss nor the (intercept-free) penalty.

Measured relative errors on coef_ and on [coef_, intercept_] (stacked):

| ours (alpha)                        | reference          | bound | coef    | stacked |
|-------------------------------------|--------------------|-------|---------|---------|
| lbfgs sq+l2, diabetes (1e-2)        | Ridge(alpha*n)     | 1e-5  | 1.1e-08 | 3.1e-09 |
| lbfgs sq+l2, 3 outputs (1e-2)       | Ridge(alpha*n)     | 1e-5  | 5.1e-10 | 5.1e-10 |
| lbfgs log+l2, breast_cancer (1e-2)  | LogisticRegression | 1e-4  | 5.0e-07 | 5.0e-07 |
|   predict_proba, max abs            |   (newton-chol.)   | 1e-5  | 7.0e-07 |         |
| lbfgs log+l2, 4 classes (1e-2)      | LogisticRegression | 1e-4  | 2.0e-07 | 2.2e-07 |
|   predict_proba, max abs            |   (newton-chol.)   | 1e-5  | 3.0e-07 |         |
| lbfgs poisson+l2 (1e-2)             | PoissonRegressor   | 1e-4  | 1.8e-09 | 1.2e-09 |
| sgd, full batch, l1, diab+noise (1) | Lasso              | 1e-4  | 3.9e-11 | 9.9e-12 |
|   same zeros: 8 of 20               |                    |       |         |         |
| sgd, full batch, l1, sparse (1)     | Lasso              | 1e-4  | 9.7e-17 | 1.1e-16 |
|   same zeros: 15 of 20              |                    |       |         |         |
| sgd, full batch, enet, diab+noise   | ElasticNet         | 1e-4  | 8.4e-11 | 1.8e-11 |
| sgd, full batch, enet, sparse       | ElasticNet         | 1e-4  | 6.3e-17 | 9.7e-17 |
| fista l1, diab+noise (0.5)          | Lasso              | 1e-6  | 1.3e-10 | 3.3e-11 |
| fista l1, sparse (0.5)              | Lasso              | 1e-6  | 1.4e-11 | 1.4e-11 |
| fista enet, diab+noise (0.5)        | ElasticNet         | 1e-6  | 9.9e-11 | 2.2e-11 |
| fista enet, sparse (0.5)            | ElasticNet         | 1e-6  | 5.6e-11 | 5.3e-11 |
| fista log+l1, 2000x30 (1e-2)        | LogisticRegression | 1e-6  | 1.3e-08 | 1.3e-08 |
|   same zeros in every fista row     |   (saga, l1)       |       |         |         |
| sgd, full batch, quantile .5+l1     | QuantileRegressor  | 5e-2  | 7.0e-07 | 9.4e-07 |
| sgd, full batch, quantile .8+l1     | QuantileRegressor  | 5e-2  | 9.9e-07 | 1.1e-06 |
| default adam l2, make_regression    | Ridge(alpha*n)     | 2e-2  | 2.9e-03 | 2.9e-03 |
| default adam l2, diabetes  XFAIL    | Ridge(alpha*n)     | 2e-2  | 4.6e-01 | 1.4e-01 |
| default adam log, breast_c. XFAIL   | LogisticRegression | 2e-2  | 8.5e-02 | 8.4e-02 |
| default adam log, 4 classes XFAIL   | LogisticRegression | 2e-2  | 2.6e-02 | 2.7e-02 |

Penalties: alpha as shown; elasticnet alpha=0.5, l1_ratio=0.5; quantile
alpha=0.1. The default-Adam rows use alpha=1e-2 and random_state=0; the xfails are
explained at their markers. The every-optimizer test uses learning_rate="auto"
(each optimizer's default step: 0.5 for adagrad, 1.0 for adadelta).
"""

import functools
import warnings

import numpy as np
import pytest
import sklearn
from sklearn.base import is_classifier
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    make_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import (
    ElasticNet,
    Lasso,
    LogisticRegression,
    PoissonRegressor,
    QuantileRegressor,
    Ridge,
)
from sklearn.model_selection import GridSearchCV, ParameterGrid, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_gd import GDClassifier, GDRegressor
from sklearn_gd.losses import EpsilonInsensitive, Huber, Quantile
from sklearn_gd.optimizers import OPTIMIZERS as OPTIMIZER_NAMES
from sklearn_gd.optimizers import SGD, Adam
from sklearn_gd.schedules import SCHEDULES as SCHEDULE_NAMES

# ---------------------------------------------------------------------------
# Datasets (standardised X, unit sample weights) and the error measure


@functools.cache
def diabetes():
    """Raw targets (mean 152), strongly correlated features (cond. ~ 470)."""
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@functools.cache
def diabetes_with_noise():
    """Diabetes plus 10 pure-noise columns, for the L1 zero pattern."""
    X, y = load_diabetes(return_X_y=True)
    noise = np.random.RandomState(0).randn(X.shape[0], 10)
    return StandardScaler().fit_transform(np.hstack([X, noise])), y


@functools.cache
def sparse_regression():
    """20 features of which 5 are informative, with an offset of 30."""
    X, y = make_regression(
        n_samples=300,
        n_features=20,
        n_informative=5,
        noise=5.0,
        bias=30.0,
        random_state=0,
    )
    return StandardScaler().fit_transform(X), y


@functools.cache
def multi_output_regression():
    X, y = make_regression(
        n_samples=300,
        n_features=10,
        n_informative=6,
        n_targets=3,
        noise=5.0,
        bias=10.0,
        random_state=0,
    )
    return StandardScaler().fit_transform(X), y


@functools.cache
def dense_regression():
    """1000 samples, 20 features, 10 informative: well conditioned."""
    X, y = make_regression(
        n_samples=1000,
        n_features=20,
        n_informative=10,
        noise=10.0,
        bias=5.0,
        random_state=0,
    )
    return StandardScaler().fit_transform(X), y


@functools.cache
def quantile_regression():
    X, y = make_regression(
        n_samples=300,
        n_features=10,
        n_informative=5,
        noise=10.0,
        bias=30.0,
        random_state=0,
    )
    return StandardScaler().fit_transform(X), y


@functools.cache
def breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@functools.cache
def four_classes():
    X, y = make_classification(
        n_samples=500,
        n_features=10,
        n_informative=6,
        n_classes=4,
        n_clusters_per_class=1,
        random_state=0,
    )
    return StandardScaler().fit_transform(X), y


@functools.cache
def poisson_counts():
    """Counts drawn from a log-linear model with 8 features."""
    rng = np.random.RandomState(0)
    X = StandardScaler().fit_transform(rng.randn(500, 8))
    y = rng.poisson(np.exp(X @ (0.3 * rng.randn(8)) + 1.0))
    return X, y


def relative_error(ours, ref) -> float:
    ours, ref = np.ravel(ours), np.ravel(ref)
    return float(np.linalg.norm(ours - ref) / np.linalg.norm(ref))


def stacked(estimator) -> np.ndarray:
    """``[coef_, intercept_]``, a multiclass (here always softmax) classifier's
    intercepts centred."""
    intercept = np.ravel(estimator.intercept_).astype(float)
    if is_classifier(estimator) and intercept.size > 1:
        intercept = intercept - intercept.mean()
    return np.concatenate([np.ravel(estimator.coef_), intercept])


def errors(ours, ref, label: str) -> tuple[float, float]:
    """Relative errors on coef_ and on [coef_, intercept_]; printed for -s."""
    coef_error = relative_error(ours.coef_, ref.coef_)
    stacked_error = relative_error(stacked(ours), stacked(ref))
    print(f"\n{label}: coef {coef_error:.2e}, coef+intercept {stacked_error:.2e}")
    return coef_error, stacked_error


def lipschitz(X, l2: float = 0.0) -> float:
    """Lipschitz constant of the gradient of ½ mean((y - Xw - b)²) + l2 ½||w||²:
    the largest eigenvalue of [X, 1]ᵀ[X, 1] / n, plus the L2 curvature."""
    X1 = np.hstack([X, np.ones((X.shape[0], 1))])
    return float(np.linalg.eigvalsh(X1.T @ X1 / X.shape[0])[-1]) + l2


def fit_quietly(estimator, X, y):
    """Fit, not letting a ConvergenceWarning fail or clutter the run."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


# ---------------------------------------------------------------------------
# lbfgs on smooth objectives: the exact optimum


@pytest.mark.parametrize("dataset", [diabetes, multi_output_regression])
def test_lbfgs_ridge(dataset):
    X, y = dataset()
    alpha = 1e-2
    ours = GDRegressor(optimizer="lbfgs", alpha=alpha, tol=1e-10, max_iter=10_000)
    ours.fit(X, y)
    ref = Ridge(alpha=alpha * X.shape[0]).fit(X, y)
    coef_error, stacked_error = errors(ours, ref, f"lbfgs ridge {dataset.__name__}")
    assert coef_error <= 1e-5
    assert stacked_error <= 1e-5


@pytest.mark.parametrize("dataset", [breast_cancer, four_classes])
def test_lbfgs_logistic(dataset):
    X, y = dataset()
    alpha = 1e-2
    ours = GDClassifier(optimizer="lbfgs", alpha=alpha, tol=1e-10, max_iter=10_000)
    ours.fit(X, y)
    # Newton's method, an algorithm independent of ours, to a tight tolerance.
    ref = LogisticRegression(
        C=1 / (alpha * X.shape[0]), solver="newton-cholesky", tol=1e-12, max_iter=100
    ).fit(X, y)
    coef_error, stacked_error = errors(ours, ref, f"lbfgs logistic {dataset.__name__}")
    proba_error = np.abs(ours.predict_proba(X) - ref.predict_proba(X)).max()
    print(f"predict_proba max abs error {proba_error:.2e}")
    assert coef_error <= 1e-4
    assert stacked_error <= 1e-4
    assert proba_error <= 1e-5


def test_lbfgs_poisson():
    X, y = poisson_counts()
    alpha = 1e-2
    ours = GDRegressor(
        loss="poisson", optimizer="lbfgs", alpha=alpha, tol=1e-10, max_iter=10_000
    ).fit(X, y)
    # Newton rather than PoissonRegressor's default lbfgs, which would run the
    # very same scipy iterations as ours from the very same start.
    ref = PoissonRegressor(
        alpha=alpha, solver="newton-cholesky", tol=1e-12, max_iter=100
    ).fit(X, y)
    coef_error, stacked_error = errors(ours, ref, "lbfgs poisson")
    assert coef_error <= 1e-4
    assert stacked_error <= 1e-4


# ---------------------------------------------------------------------------
# Full-batch proximal gradient (plain sgd, batch_size=None) for l1/elasticnet:
# with step 1/L, L the Lipschitz constant of the smooth part's gradient, ISTA
# decreases J monotonically and converges linearly on these problems.


@pytest.mark.parametrize("dataset", [diabetes_with_noise, sparse_regression])
def test_prox_sgd_lasso(dataset):
    X, y = dataset()
    alpha = 1.0
    ours = GDRegressor(
        penalty="l1",
        alpha=alpha,
        optimizer="sgd",
        batch_size=None,
        learning_rate=1 / lipschitz(X),
        tol=1e-10,
        max_iter=20_000,
    ).fit(X, y)
    ref = Lasso(alpha=alpha, tol=1e-15, max_iter=1_000_000).fit(X, y)
    coef_error, stacked_error = errors(ours, ref, f"prox lasso {dataset.__name__}")
    zeros = ref.coef_ == 0
    print(f"zeros: ref {zeros.sum()}/{zeros.size}, ours {(ours.coef_ == 0).sum()}")
    assert 0 < zeros.sum() < zeros.size  # a non-trivial pattern to match
    assert coef_error <= 1e-4
    assert stacked_error <= 1e-4
    np.testing.assert_array_equal(ours.coef_ == 0, zeros)


@pytest.mark.parametrize("dataset", [diabetes_with_noise, sparse_regression])
def test_prox_sgd_elasticnet(dataset):
    X, y = dataset()
    alpha, l1_ratio = 0.5, 0.5
    ours = GDRegressor(
        penalty="elasticnet",
        alpha=alpha,
        l1_ratio=l1_ratio,
        optimizer="sgd",
        batch_size=None,
        learning_rate=1 / lipschitz(X, l2=alpha * (1 - l1_ratio)),
        tol=1e-10,
        max_iter=20_000,
    ).fit(X, y)
    ref = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-15, max_iter=1_000_000)
    ref.fit(X, y)
    coef_error, stacked_error = errors(ours, ref, f"prox enet {dataset.__name__}")
    assert coef_error <= 1e-4
    assert stacked_error <= 1e-4


SKLEARN_VERSION = tuple(int(part) for part in sklearn.__version__.split(".")[:2])


# ---------------------------------------------------------------------------
# fista: L1 and elastic net on the full batch, to the exact optimum


@pytest.mark.parametrize("dataset", [diabetes_with_noise, sparse_regression])
@pytest.mark.parametrize("penalty", ["l1", "elasticnet"])
def test_fista_matches_lasso_and_elasticnet(dataset, penalty):
    X, y = dataset()
    alpha, l1_ratio = 0.5, 0.5
    ours = GDRegressor(
        penalty=penalty, alpha=alpha, l1_ratio=l1_ratio, optimizer="fista", tol=1e-8
    ).fit(X, y)
    if penalty == "l1":
        ref = Lasso(alpha=alpha, tol=1e-15, max_iter=1_000_000)
    else:
        ref = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-15, max_iter=1_000_000)
    ref.fit(X, y)
    coef_error, stacked_error = errors(ours, ref, f"fista {penalty} {dataset.__name__}")
    zeros = ref.coef_ == 0
    assert 0 < zeros.sum() < zeros.size  # a non-trivial pattern to match
    assert coef_error <= 1e-6
    assert stacked_error <= 1e-6
    np.testing.assert_array_equal(ours.coef_ == 0, zeros)


def test_fista_matches_l1_logistic_regression():
    X, y = make_classification(
        n_samples=2000, n_features=30, n_informative=5, random_state=0
    )
    X = StandardScaler().fit_transform(X)
    alpha = 0.01
    ours = GDClassifier(penalty="l1", alpha=alpha, optimizer="fista", tol=1e-9)
    ours.fit(X, y)
    # scikit-learn 1.8 replaced penalty="l1" by l1_ratio=1.
    l1 = {"l1_ratio": 1.0} if SKLEARN_VERSION >= (1, 8) else {"penalty": "l1"}
    ref = LogisticRegression(
        **l1, C=1 / (alpha * len(y)), solver="saga", tol=1e-13, max_iter=100_000
    ).fit(X, y)
    coef_error, stacked_error = errors(ours, ref, "fista l1 logistic")
    zeros = ref.coef_ == 0
    assert 0 < zeros.sum() < zeros.size
    assert coef_error <= 1e-6
    assert stacked_error <= 1e-6
    np.testing.assert_array_equal(ours.coef_ == 0, zeros)


# ---------------------------------------------------------------------------
# L1 under noisy mini-batch updates: the exact solver's zeros


@functools.cache
def sparse_logistic_problem():
    """5000 x 50 with 5 informative features, and L1 LogisticRegression's
    solution at alpha=0.01 (5 non-zeros)."""
    X, y = make_classification(5000, 50, n_informative=5, random_state=0)
    X = StandardScaler().fit_transform(X)
    l1 = {"l1_ratio": 1.0} if SKLEARN_VERSION >= (1, 8) else {"penalty": "l1"}
    ref = LogisticRegression(
        **l1, C=1 / (0.01 * len(y)), solver="saga", tol=1e-10, max_iter=10_000
    ).fit(X, y)
    return X, y, int((ref.coef_ != 0).sum())


@pytest.mark.parametrize(
    "optimizer, batch_size",
    [
        (name, "auto")
        for name in ("sgd", "momentum", "nesterov", "adam", "adamw", "nadam")
        + ("rmsprop", "adagrad", "adadelta")
    ]
    + [("sgd", 1), ("adam", 1), ("adagrad", 1)],
)
def test_stochastic_l1_keeps_the_exact_solvers_zeros(optimizer, batch_size):
    # Before, a prox on every noisy update knocked weights off zero: 37
    # non-zeros with sgd (49 with batch_size=1) against the exact solver's 4-5.
    # The cumulative penalty (Tsuruoka et al., 2009) holds them there.
    X, y, expected = sparse_logistic_problem()
    max_iter = 5 if batch_size == 1 else 1000
    estimator = GDClassifier(
        optimizer=optimizer,
        penalty="l1",
        alpha=0.01,
        batch_size=batch_size,
        max_iter=max_iter,
        random_state=0,
    )
    n_nonzero = int((fit_quietly(estimator, X, y).coef_ != 0).sum())
    assert abs(n_nonzero - expected) <= 1, (n_nonzero, expected)


@pytest.mark.parametrize("quantile", [0.5, 0.8])
def test_subgradient_quantile_l1(quantile):
    """The pinball loss is not smooth: the subgradient method converges only with
    a step that decays to 0 (here cosine); a constant step ends in a cycle of
    its own size. Each subgradient entry is at most max(q, 1 - q) <= 1 per unit
    of x, while the intercept must travel from the q-quantile of y (87 for
    q=0.8) to its optimum (29) and the coefficients reach ~85: a base step of 10
    covers that in tens of epochs and leaves the rest of the cosine to settle.
    (Measured: step 3 over 1000 epochs stops 0.54 away for q=0.8.)"""
    X, y = quantile_regression()
    alpha = 0.1
    ours = GDRegressor(
        loss=Quantile(quantile=quantile),
        penalty="l1",
        alpha=alpha,
        optimizer="sgd",
        batch_size=None,
        learning_rate=10.0,
        schedule="cosine",
        tol=None,
        max_iter=1500,
    ).fit(X, y)
    ref = QuantileRegressor(quantile=quantile, alpha=alpha, solver="highs").fit(X, y)
    coef_error, stacked_error = errors(ours, ref, f"quantile {quantile} + l1")
    assert coef_error <= 5e-2
    assert stacked_error <= 5e-2


# ---------------------------------------------------------------------------
# The defaults: mini-batch Adam with a constant step, only loss/alpha set.

# Engine/default limitations, measured with alpha=1e-2, random_state=0. Each is
# strict: fixing the defaults makes it XPASS, and the marker must then go.
DEFAULT_ADAM_DIABETES = pytest.mark.xfail(
    strict=True,
    reason=(
        "default Adam stops 9.5e-2 (coef) / 2.8e-2 (stacked) from Ridge along a "
        "flat direction (lambda_min(X'X/n)=0.0086, cond 470): at the default "
        "step 0.01 x spread(y) the exact end-of-epoch objective falls by less "
        "than tol per epoch there and the plateau rule stops (276 epochs); at "
        "0.05 the noise floor of the constant step held it at 5.3e-2 / 1.6e-2. "
        "batch_size=None with learning_rate=0.5 reaches 1.3e-2."
    ),
)
DEFAULT_ADAM_CLASSIFIER = pytest.mark.xfail(
    strict=True,
    reason=(
        "constant-step mini-batch Adam on 2 updates per epoch: at the default "
        "0.01 per coordinate, progress along flat directions makes the exact "
        "end-of-epoch objective fall by less than tol per epoch and the plateau "
        "rule stops early (seeds 0/1/2: breast_cancer 1.5e-1/1.2e-1/1.3e-1 after "
        "100-116 epochs, 4 classes 2.6e-1 after 118; 2000 epochs reach 3.0e-2 / "
        "4.1e-3). At 0.05 the noise floor held it instead (8.5e-2/5.9e-2/6.8e-2 "
        "and 2.6e-2/1.4e-2/3.3e-2). Cosine decay over 200 epochs gives 1.8e-2 / "
        "9.4e-3, batch_size=None < 1e-4."
    ),
)


@pytest.mark.parametrize(
    "dataset",
    [dense_regression, pytest.param(diabetes, marks=DEFAULT_ADAM_DIABETES)],
)
def test_default_adam_ridge(dataset):
    X, y = dataset()
    alpha = 1e-2
    ours = fit_quietly(GDRegressor(optimizer="adam", alpha=alpha, random_state=0), X, y)
    ref = Ridge(alpha=alpha * X.shape[0]).fit(X, y)
    coef_error, stacked_error = errors(ours, ref, f"default adam {dataset.__name__}")
    assert coef_error <= 2e-2
    assert stacked_error <= 2e-2


@pytest.mark.parametrize(
    "dataset",
    [
        pytest.param(breast_cancer, marks=DEFAULT_ADAM_CLASSIFIER),
        pytest.param(four_classes, marks=DEFAULT_ADAM_CLASSIFIER),
    ],
)
def test_default_adam_logistic(dataset):
    X, y = dataset()
    alpha = 1e-2
    ours = GDClassifier(optimizer="adam", alpha=alpha, random_state=0)
    ours = fit_quietly(ours, X, y)
    ref = LogisticRegression(C=1 / (alpha * X.shape[0]), tol=1e-10).fit(X, y)
    coef_error, stacked_error = errors(ours, ref, f"default adam {dataset.__name__}")
    assert coef_error <= 2e-2
    assert stacked_error <= 2e-2


@pytest.mark.parametrize(
    "dataset, task",
    [
        (diabetes, "regressor"),
        (multi_output_regression, "regressor"),
        (breast_cancer, "classifier"),
        (four_classes, "classifier"),
    ],
)
@pytest.mark.parametrize("penalty", ["l2", "l1"])
def test_defaults_reach_the_exact_optimum(dataset, task, penalty):
    # optimizer="auto" solves these small problems on the full batch (lbfgs,
    # or fista for L1), to its default tol: regressors to 1e-4, classifiers
    # to 1.6e-2 (breast_cancer, whose near-separable classes leave only
    # alpha's curvature along some directions) or better.
    # Before (default mini-batch Adam): 16-40% from it at alpha=1e-3.
    X, y = dataset()
    alpha = 1e-3 if penalty == "l2" else 1e-2
    Estimator = GDRegressor if task == "regressor" else GDClassifier
    ours = Estimator(alpha=alpha, penalty=penalty).fit(X, y)
    assert type(ours.optimizer_).__name__ == ("LBFGS" if penalty == "l2" else "FISTA")
    if task == "regressor" and penalty == "l2":
        ref = Ridge(alpha=alpha * X.shape[0]).fit(X, y)
    elif task == "regressor":
        ref = Lasso(alpha=alpha, tol=1e-15, max_iter=1_000_000).fit(X, y)
    else:
        l1 = {"l1_ratio": 1.0} if SKLEARN_VERSION >= (1, 8) else {"penalty": "l1"}
        extra = {"solver": "saga", **l1} if penalty == "l1" else {}
        C = 1 / (alpha * X.shape[0])
        ref = LogisticRegression(C=C, tol=1e-12, max_iter=100_000, **extra).fit(X, y)
    coef_error, stacked_error = errors(ours, ref, f"defaults {dataset.__name__}")
    bound = 1e-4 if task == "regressor" else 2e-2
    assert coef_error <= bound
    assert stacked_error <= bound


def diabetes_standardised_target():
    X, y = diabetes()
    return X, (y - y.mean()) / y.std()


# Mini-batch Adam reaches the optimum once the step decays (the constant-step
# defaults above stop at a noise floor): batches of 64, a base step of 0.05 and
# a cosine schedule over 300 epochs. Measured (coef): diabetes with a
# standardised target 2.4e-3, breast_cancer 1.5e-3, 4 classes 1.8e-3. The
# default base step, 0.01, travels too little in 300 decaying epochs (6.6e-2 and
# 2.1e-2 for diabetes and 4 classes); targets on a raw scale need more travel
# still (make_regression's coefficients near 100: 8.7e-2 at 0.05).
@pytest.mark.parametrize(
    "dataset",
    [diabetes_standardised_target, breast_cancer, four_classes],
)
def test_mini_batch_adam_with_a_decaying_step_reaches_the_optimum(dataset):
    X, y = dataset()
    alpha = 1e-2
    settings = dict(
        alpha=alpha,
        optimizer=Adam(),
        learning_rate=0.05,
        batch_size=64,
        schedule="cosine",
        tol=None,
        max_iter=300,
        random_state=0,
    )
    if dataset in (breast_cancer, four_classes):
        ours = GDClassifier(**settings).fit(X, y)
        ref = LogisticRegression(C=1 / (alpha * X.shape[0]), tol=1e-10).fit(X, y)
    else:
        ours = GDRegressor(**settings).fit(X, y)
        ref = Ridge(alpha=alpha * X.shape[0]).fit(X, y)
    coef_error, stacked_error = errors(ours, ref, f"adam cosine {dataset.__name__}")
    assert coef_error <= 2e-2
    assert stacked_error <= 2e-2


# ---------------------------------------------------------------------------
# Every optimizer and every schedule, with the other defaults, reaches a
# sensible held-out score in a Pipeline with StandardScaler.
#
# Margins: the classifier is scored on 143 held-out samples, where one error is
# 0.7 points; 0.03 allows ~4 more errors than LogisticRegression, while a broken
# optimizer (diverged, stuck at the start) scores the majority share, 0.63.
# The regressor's held-out R² is ~0.36 for Ridge; 0.05 is 14% of what the
# features explain, while a model stuck at the start (the mean) scores ~0.


@functools.cache
def held_out_split(task: str):
    if task == "classifier":
        X, y = load_breast_cancer(return_X_y=True)
        return train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    X, y = load_diabetes(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0)


@functools.cache
def reference_score(task: str) -> float:
    X_train, X_test, y_train, y_test = held_out_split(task)
    reference = LogisticRegression() if task == "classifier" else Ridge()
    model = make_pipeline(StandardScaler(), reference).fit(X_train, y_train)
    return model.score(X_test, y_test)


MARGIN = {"classifier": 0.03, "regressor": 0.05}


def check_sensible_score(task: str, **params) -> None:
    X_train, X_test, y_train, y_test = held_out_split(task)
    estimator = GDClassifier if task == "classifier" else GDRegressor
    model = make_pipeline(StandardScaler(), estimator(random_state=0, **params))
    score = fit_quietly(model, X_train, y_train).score(X_test, y_test)
    print(f"\n{task} {params}: {score:.4f} (reference {reference_score(task):.4f})")
    assert score >= reference_score(task) - MARGIN[task]


# Every string the estimators accept, so that a new one is covered.
OPTIMIZERS = [*OPTIMIZER_NAMES, "auto"]
SCHEDULES = list(SCHEDULE_NAMES)


def optimizer_cases():
    for optimizer in OPTIMIZERS:
        for task in ("classifier", "regressor"):
            yield pytest.param(optimizer, task, id=f"{optimizer}-{task}")


@pytest.mark.parametrize("optimizer, task", list(optimizer_cases()))
def test_every_optimizer_fits(optimizer, task):
    check_sensible_score(task, optimizer=optimizer)


@pytest.mark.parametrize("task", ["classifier", "regressor"])
@pytest.mark.parametrize("schedule", SCHEDULES)
def test_every_schedule_fits(schedule, task):
    check_sensible_score(task, schedule=schedule)


# ---------------------------------------------------------------------------
# Grid search over components and their nested parameters


def check_grid_search(search, param_grid) -> None:
    """best_params_ is a point of the grid, every candidate scored differently
    (each nested value took effect), and the refitted model carries them."""
    scores = search.cv_results_["mean_test_score"]
    labels = [
        {k: (repr(v) if k in ("loss", "optimizer") else v) for k, v in p.items()}
        for p in search.cv_results_["params"]
    ]
    print("\n" + "\n".join(f"{s:.5f} {p}" for s, p in zip(scores, labels)))
    assert np.all(np.isfinite(scores))
    assert len(set(scores.tolist())) == len(scores), "a parameter had no effect"
    assert search.best_params_ in list(ParameterGrid(param_grid))
    fitted = search.best_estimator_.get_params()
    for name, value in search.best_params_.items():
        if "__" in name:
            assert fitted[name] == value
        else:
            assert type(fitted[name]) is type(value)


def test_grid_search_optimizer_objects_and_nested_params():
    X, y = breast_cancer()
    param_grid = [
        {"optimizer": [SGD(momentum=0.9)], "optimizer__momentum": [0.5, 0.9]},
        {"optimizer": [Adam()], "optimizer__beta1": [0.8, 0.9]},
    ]
    search = GridSearchCV(
        GDClassifier(random_state=0), param_grid, cv=3, scoring="neg_log_loss"
    )
    fit_quietly(search, X, y)
    check_grid_search(search, param_grid)
    # The grid's own objects are cloned, never set: SGD keeps momentum=0.9.
    assert param_grid[0]["optimizer"][0].momentum == 0.9
    assert param_grid[1]["optimizer"][0].beta1 == 0.9


def test_grid_search_loss_epsilon():
    X, y = diabetes()
    # Raw diabetes targets: residuals have sd ~55, so these epsilons matter.
    epsilons = [5.0, 20.0, 80.0]
    param_grid = [
        {"loss": [Huber()], "loss__epsilon": epsilons},
        {"loss": [EpsilonInsensitive()], "loss__epsilon": epsilons},
    ]
    # 200 epochs (of the default 1000) keep the 19 fits quick; the scores only
    # need to tell the candidates apart.
    search = GridSearchCV(GDRegressor(random_state=0, max_iter=200), param_grid, cv=3)
    fit_quietly(search, X, y)
    check_grid_search(search, param_grid)


@pytest.mark.parametrize(
    "estimator, param_grid, expected",
    [
        (
            GDClassifier(optimizer="adam", random_state=0),
            {"optimizer__beta1": [0.5, 0.9]},
            Adam,
        ),
        (
            GDClassifier(optimizer="momentum", random_state=0),
            {"optimizer__momentum": [0.5, 0.9]},
            SGD,
        ),
    ],
    ids=["adam", "momentum"],
)
def test_grid_search_nested_params_of_string_components(
    estimator, param_grid, expected
):
    # GridSearchCV(est, {"optimizer__beta1": [...]}) works with
    # optimizer="adam", a string: the shorthand becomes its object.
    X, y = breast_cancer()
    search = GridSearchCV(estimator, param_grid, cv=3, scoring="neg_log_loss")
    fit_quietly(search, X, y)
    check_grid_search(search, param_grid)
    assert type(search.best_estimator_.optimizer) is expected
    assert isinstance(estimator.optimizer, str)  # the grid's base is untouched
