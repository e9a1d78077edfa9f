"""Speed and memory of sklearn_gd against scikit-learn, measured in one run.

Every row of the table is a *ratio* of two quantities measured in this process
(best of ``--repeats`` fits each, timed in turn), so the ratios carry over from
machine to machine far better than raw times do. Datasets are generated with
``make_classification``, ``make_regression`` and ``scipy.sparse.random``;
nothing is downloaded.

Usage::

    python benchmarks/run.py --quick      # about a minute
    python benchmarks/run.py              # full sizes, about two minutes
    python benchmarks/run.py --markdown   # the table as docs/benchmarks.md shows it
    python benchmarks/run.py --json results.json --repeats 5

Progress goes to stderr and the table to stdout, so ``--markdown > table.md``
captures exactly the section to paste into ``docs/benchmarks.md``. Peak memory
is measured with :mod:`tracemalloc` (which sees numpy's allocations) in fits of
their own, after all the timing, because tracing slows Python down.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import json
import math
import os
import platform
import subprocess
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

import numpy as np
import scipy
import scipy.sparse as sp
import sklearn
from scipy.special import logsumexp
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    make_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import (
    LogisticRegression,
    Ridge,
    SGDClassifier,
    SGDRegressor,
)
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

# Benchmark the checkout this script belongs to, not whatever copy is installed.
REPO_ROOT = Path(__file__).resolve().parent.parent
if (REPO_ROOT / "sklearn_gd" / "__init__.py").is_file():
    sys.path.insert(0, str(REPO_ROOT))

import sklearn_gd  # noqa: E402
from sklearn_gd import GDClassifier, GDRegressor  # noqa: E402

BATCH_SIZE = 256
ALPHA = 1e-4  # the penalty strength of every fit (the default of both libraries)
SEED = 0

NOTES = [
    "SGDClassifier and SGDRegressor are plain per-sample SGD written in Cython "
    "(one sample per update, no BLAS, single-threaded); our epochs are "
    f"{BATCH_SIZE}-sample mini-batches through numpy/BLAS. Epoch rows run a fixed "
    "number of epochs (tol=None, max_iter=k on both sides) and divide by k.",
    "floor = the time of `X @ w` plus `X.T @ g` over the whole matrix (w of shape "
    "(n_features, 1), g of shape (n_samples,)): the data traffic any gradient epoch "
    "needs, measured in the same run.",
    "lbfgs: GDClassifier(optimizer='lbfgs', alpha=a) against "
    "LogisticRegression(C=1/(a*n)), same objective, both at their default tol; "
    "J = mean log loss + a*0.5*||W||^2 is computed for both by the same function.",
    "defaults: each estimator with its defaults (random_state=0) on a standardised "
    "make_classification train split; accuracy on the held-out quarter.",
    "memory: peak of tracemalloc (numpy allocations; BLAS/Fortran workspaces are "
    "not seen) during one fit, over X.nbytes (data+indices+indptr for CSR), in "
    "fits separate from the timed ones; target 2 x X.nbytes plus the parameters.",
]


# ----------------------------------------------------------------------
# Configuration and results


@dataclass(frozen=True)
class Sizes:
    """Problem sizes of one mode.

    Attributes
    ----------
    dense : tuple of (n_samples, n_features)
        Dense classification and regression data of the epoch rows.
    sparse : tuple of (n_samples, n_features, density)
        The random CSR matrix of the sparse rows.
    multiclass : tuple of (n_samples, n_features, n_classes)
        Data of the lbfgs row.
    quality : tuple of (n_samples, n_features)
        Data of the defaults rows, before the train/test split.
    network : tuple of (n_samples, n_features, n_units)
        Data and hidden layer of the network epoch rows.
    epochs : int
        Epochs per timed fit in the epoch rows.
    grid_folds : int
        Cross-validation folds of the grid-search row.
    repeats : int
        Timed fits per measurement unless ``--repeats`` says otherwise.
    """

    dense: tuple[int, int]
    sparse: tuple[int, int, float]
    multiclass: tuple[int, int, int]
    quality: tuple[int, int]
    network: tuple[int, int, int]
    epochs: int
    grid_folds: int
    repeats: int


SIZES = {
    "full": Sizes(
        dense=(200_000, 100),
        sparse=(100_000, 20_000, 0.002),
        multiclass=(200_000, 100, 5),
        quality=(200_000, 100),
        network=(50_000, 100, 100),
        epochs=5,
        grid_folds=5,
        repeats=5,
    ),
    "quick": Sizes(
        dense=(100_000, 100),
        sparse=(50_000, 20_000, 0.002),
        multiclass=(100_000, 100, 5),
        quality=(100_000, 100),
        network=(25_000, 100, 100),
        epochs=3,
        grid_folds=5,
        repeats=3,
    ),
    # For the test suite: every row, in a few seconds, numbers meaningless.
    "tiny": Sizes(
        dense=(1_000, 10),
        sparse=(1_000, 500, 0.02),
        multiclass=(1_000, 10, 5),
        quality=(1_000, 10),
        network=(500, 10, 8),
        epochs=1,
        grid_folds=2,
        repeats=1,
    ),
}


@dataclass
class Row:
    """One line of the table: ``ratio = ours / reference``.

    Attributes
    ----------
    key : str
        Stable identifier (JSON, tests).
    name : str
        What is compared, as the table shows it.
    data : str
        Shape, storage and dtype of the data.
    ours, reference : float
        Seconds, or bytes when ``unit == "bytes"``.
    unit : {"s", "bytes", "count"}
    target : float or None
        The ratio to reach (``ratio <= target``); None for information only.
    notes : str
    """

    key: str
    name: str
    data: str
    ours: float
    reference: float
    unit: str = "s"
    target: float | None = None
    notes: str = ""
    ratio: float = field(init=False)
    met: bool | None = field(init=False)

    def __post_init__(self) -> None:
        self.ratio = self.ours / self.reference if self.reference > 0 else math.nan
        self.met = None if self.target is None else bool(self.ratio <= self.target)


class Timer:
    """Best-of-``repeats`` wall times, each fit of a group timed in turn.

    Results are cached by key, so a time used by two rows is measured once.

    Parameters
    ----------
    repeats : int
    """

    def __init__(self, repeats: int) -> None:
        self.repeats = repeats
        self.times: dict[str, float] = {}
        self.results: dict[str, object] = {}

    def best(
        self, jobs: dict[str, Callable[[], object]], repeats: int | None = None
    ) -> dict[str, float]:
        """Time each job ``repeats`` times, interleaved; return the best times.

        Parameters
        ----------
        jobs : dict of str to callable
            Jobs not yet timed are run; the last return value of each is kept
            in ``self.results``.
        repeats : int, optional
            Defaults to ``self.repeats``.

        Returns
        -------
        dict of str to float
            Best wall time in seconds of every job in ``jobs``.
        """
        pending = {key: job for key, job in jobs.items() if key not in self.times}
        best = dict.fromkeys(pending, math.inf)
        gc.collect()
        for _ in range(repeats or self.repeats):
            for key, job in pending.items():
                # As timeit: no garbage collection pauses inside a timed call.
                gc.disable()
                try:
                    start = time.perf_counter()
                    self.results[key] = job()
                    best[key] = min(best[key], time.perf_counter() - start)
                finally:
                    gc.enable()
        self.times.update(best)
        return {key: self.times[key] for key in jobs}


class Context:
    """The generated datasets (built on first use) and the timer of one run.

    Parameters
    ----------
    sizes : Sizes
    repeats : int
    """

    def __init__(self, sizes: Sizes, repeats: int) -> None:
        self.sizes = sizes
        self.epochs = sizes.epochs
        self.timer = Timer(repeats)

    @cached_property
    def classification(self) -> tuple[np.ndarray, np.ndarray]:
        """Standardised binary ``make_classification``, float64."""
        n, p = self.sizes.dense
        X, y = make_classification(
            n, p, n_informative=max(2, p // 5), random_state=SEED
        )
        return StandardScaler().fit_transform(X), y

    @cached_property
    def classification32(self) -> tuple[np.ndarray, np.ndarray]:
        """The same data as float32."""
        X, y = self.classification
        return X.astype(np.float32), y

    @cached_property
    def regression(self) -> tuple[np.ndarray, np.ndarray]:
        """Standardised ``make_regression`` (X and y), float64."""
        n, p = self.sizes.dense
        X, y = make_regression(
            n, p, n_informative=max(2, p // 5), noise=10.0, random_state=SEED
        )
        return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()

    @cached_property
    def sparse(self) -> tuple[sp.csr_matrix, np.ndarray]:
        """A random CSR matrix; labels from a random linear model."""
        n, p, density = self.sizes.sparse
        rng = np.random.default_rng(SEED)
        try:
            X = sp.random(n, p, density=density, format="csr", rng=rng)
        except TypeError:  # scipy < 1.15 names it random_state
            X = sp.random(n, p, density=density, format="csr", random_state=rng)
        score = X @ rng.standard_normal(p)
        return X, (score > np.median(score)).astype(np.int64)

    @cached_property
    def multiclass(self) -> tuple[np.ndarray, np.ndarray]:
        """Standardised ``make_classification`` with several classes."""
        n, p, n_classes = self.sizes.multiclass
        X, y = make_classification(
            n,
            p,
            n_informative=max(5, p // 5),
            n_classes=n_classes,
            random_state=SEED,
        )
        return StandardScaler().fit_transform(X), y

    @cached_property
    def quality(self) -> tuple[np.ndarray, ...]:
        """``X_train, X_test, y_train, y_test``, standardised on the train split."""
        n, p = self.sizes.quality
        X, y = make_classification(
            n, p, n_informative=max(2, p // 5), random_state=SEED + 1
        )
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.25, random_state=SEED
        )
        scaler = StandardScaler().fit(X_train)
        return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


# ----------------------------------------------------------------------
# Measurements


def describe(X) -> str:
    """``"n x p dense float64"`` or ``"n x p CSR 0.2% float64"``."""
    n, p = X.shape
    if sp.issparse(X):
        density = X.nnz / (n * p)
        return f"{n:,} x {p:,} CSR {density:.2g} density {X.dtype}"
    return f"{n:,} x {p:,} dense {X.dtype}"


def data_nbytes(X) -> int:
    """Bytes held by ``X`` (data, indices and indptr for a sparse matrix)."""
    if sp.issparse(X):
        return X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    return X.nbytes


def fit_ours(estimator_class, optimizer: str, X, y, epochs: int):
    """Fit exactly ``epochs`` mini-batch epochs of one of our estimators."""
    return estimator_class(
        optimizer=optimizer,
        batch_size=BATCH_SIZE,
        tol=None,
        max_iter=epochs,
        random_state=SEED,
    ).fit(X, y)


def fit_sklearn_sgd(estimator_class, X, y, epochs: int):
    """Fit exactly ``epochs`` epochs of SGDClassifier(log_loss) or SGDRegressor."""
    kwargs = {"loss": "log_loss"} if estimator_class is SGDClassifier else {}
    return estimator_class(**kwargs, tol=None, max_iter=epochs, random_state=SEED).fit(
        X, y
    )


def ours_epoch(ctx: Context, task: str, optimizer: str, dtype: str = "float64"):
    """Seconds per epoch of ours on ``task``: ``"clf"``, ``"reg"`` or ``"sparse"``."""
    X, y = _task_data(ctx, task, dtype)
    estimator_class = GDClassifier if task != "reg" else GDRegressor
    key = f"ours-{task}-{optimizer}-{dtype}"
    job = {key: lambda: fit_ours(estimator_class, optimizer, X, y, ctx.epochs)}
    return ctx.timer.best(job)[key] / ctx.epochs


def sklearn_epoch(ctx: Context, task: str) -> float:
    """Seconds per epoch of SGDClassifier or SGDRegressor on ``task``'s data."""
    X, y = _task_data(ctx, task, "float64")
    estimator_class = SGDRegressor if task == "reg" else SGDClassifier
    key = f"sklearn-{task}"
    job = {key: lambda: fit_sklearn_sgd(estimator_class, X, y, ctx.epochs)}
    return ctx.timer.best(job)[key] / ctx.epochs


def floor_time(ctx: Context, task: str) -> float:
    """Best time of ``X @ w`` plus ``X.T @ g`` over ``task``'s whole matrix."""
    X, _ = _task_data(ctx, task, "float64")
    rng = np.random.default_rng(SEED)
    w = rng.standard_normal((X.shape[1], 1))
    g = rng.standard_normal(X.shape[0])
    key = f"floor-{task}"
    # Cheap and short, hence noisier: more repeats than the fits get.
    job = {key: lambda: (X @ w, X.T @ g)}
    return ctx.timer.best(job, repeats=max(10, 3 * ctx.timer.repeats))[key]


def _task_data(ctx: Context, task: str, dtype: str):
    if task == "reg":
        return ctx.regression
    if task == "sparse":
        return ctx.sparse
    return ctx.classification32 if dtype == "float32" else ctx.classification


def multinomial_objective(coef, intercept, X, y, alpha: float) -> float:
    """``J = mean softmax log loss + alpha * 0.5 * ||coef||^2``.

    Parameters
    ----------
    coef : ndarray of shape (n_classes, n_features)
    intercept : ndarray of shape (n_classes,)
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Class indices 0 .. n_classes - 1.
    alpha : float

    Returns
    -------
    float
    """
    raw = X @ coef.T + intercept
    loss = logsumexp(raw, axis=1) - raw[np.arange(len(y)), y]
    return float(loss.mean() + alpha * 0.5 * np.sum(coef**2))


def peak_fit_memory(fit: Callable[[], object]) -> tuple[int, object]:
    """Peak bytes allocated (as tracemalloc sees them) while ``fit()`` runs.

    Returns
    -------
    peak : int
    result : object
        What ``fit`` returned.
    """
    gc.collect()
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        result = fit()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - baseline, result


def parameter_nbytes(estimator) -> int:
    """Bytes of ``coef_`` and ``intercept_``."""
    return estimator.coef_.nbytes + np.asarray(estimator.intercept_).nbytes


# ----------------------------------------------------------------------
# Rows (each function measures what it needs; shared times are cached)


def _epoch_vs_sklearn(ctx: Context, task: str, optimizer: str) -> Row:
    ours_name, ref_name = (
        ("GDRegressor", "SGDRegressor")
        if task == "reg"
        else ("GDClassifier", "SGDClassifier")
    )
    X, _ = _task_data(ctx, task, "float64")
    return Row(
        key=f"epoch_{task}_{optimizer}_vs_sklearn",
        name=f"epoch: {ours_name} {optimizer} / {ref_name}",
        data=describe(X),
        ours=ours_epoch(ctx, task, optimizer),
        reference=sklearn_epoch(ctx, task),
        target=0.5,
        notes=f"batch {BATCH_SIZE} vs per-sample Cython; {ctx.epochs} epochs",
    )


def _epoch_vs_floor(ctx: Context, task: str, optimizer: str) -> Row:
    ours_name = "GDRegressor" if task == "reg" else "GDClassifier"
    X, _ = _task_data(ctx, task, "float64")
    return Row(
        key=f"epoch_{task}_{optimizer}_vs_floor",
        name=f"epoch / floor: {ours_name} {optimizer}",
        data=describe(X),
        ours=ours_epoch(ctx, task, optimizer),
        reference=floor_time(ctx, task),
        target=3.0,
        notes="floor = X @ w + X.T @ g",
    )


def _float32_vs_float64(ctx: Context, optimizer: str) -> Row:
    X, _ = ctx.classification32
    return Row(
        key=f"epoch_clf_{optimizer}_float32_vs_float64",
        name=f"epoch float32 / float64: GDClassifier {optimizer}",
        data=describe(X),
        ours=ours_epoch(ctx, "clf", optimizer, "float32"),
        reference=ours_epoch(ctx, "clf", optimizer, "float64"),
        target=0.7,
        notes="same data, both ours",
    )


def _sparse_vs_sklearn(ctx: Context, optimizer: str) -> Row:
    X, _ = ctx.sparse
    return Row(
        key=f"epoch_sparse_{optimizer}_vs_sklearn",
        name=f"sparse epoch: GDClassifier {optimizer} / SGDClassifier",
        data=describe(X),
        ours=ours_epoch(ctx, "sparse", optimizer),
        reference=sklearn_epoch(ctx, "sparse"),
        target=1.0 if optimizer == "sgd" else 1.5,
        notes=f"{ctx.epochs} epochs",
    )


def row_sparse_sgd(ctx: Context) -> Row:
    """Sparse CSR epoch, GDClassifier(sgd) / SGDClassifier(log_loss)."""
    return _sparse_vs_sklearn(ctx, "sgd")


def row_sparse_adam(ctx: Context) -> Row:
    """Sparse CSR epoch, GDClassifier(adam) / SGDClassifier(log_loss)."""
    return _sparse_vs_sklearn(ctx, "adam")


def row_sparse_floor(ctx: Context) -> Row:
    """Sparse CSR epoch of GDClassifier(sgd) / the sparse floor (information)."""
    X, _ = ctx.sparse
    return Row(
        key="epoch_sparse_sgd_vs_floor",
        name="sparse epoch / floor: GDClassifier sgd",
        data=describe(X),
        ours=ours_epoch(ctx, "sparse", "sgd"),
        reference=floor_time(ctx, "sparse"),
        notes="information only",
    )


def row_lbfgs(ctx: Context) -> Row:
    """Multinomial lbfgs fit, GDClassifier / LogisticRegression at the same C."""
    X, y = ctx.multiclass
    C = 1.0 / (ALPHA * X.shape[0])
    times = ctx.timer.best(
        {
            "lbfgs-ours": lambda: GDClassifier(optimizer="lbfgs", alpha=ALPHA).fit(
                X, y
            ),
            "lbfgs-sklearn": lambda: LogisticRegression(solver="lbfgs", C=C).fit(X, y),
        }
    )
    ours = ctx.timer.results["lbfgs-ours"]
    reference = ctx.timer.results["lbfgs-sklearn"]
    j_ours = multinomial_objective(ours.coef_, ours.intercept_, X, y, ALPHA)
    j_ref = multinomial_objective(reference.coef_, reference.intercept_, X, y, ALPHA)
    n_classes = len(np.unique(y))
    return Row(
        key="lbfgs_vs_logistic_regression",
        name=f"lbfgs fit ({n_classes} classes): GDClassifier / LogisticRegression",
        data=describe(X),
        ours=times["lbfgs-ours"],
        reference=times["lbfgs-sklearn"],
        target=1.0,
        notes=(
            f"J {j_ours:.8g} vs {j_ref:.8g} (diff {j_ours - j_ref:+.1e}); "
            f"{ours.n_iter_} vs {int(np.max(reference.n_iter_))} iterations"
        ),
    )


def _defaults_times(ctx: Context) -> dict[str, float]:
    X_train, _, y_train, _ = ctx.quality
    return ctx.timer.best(
        {
            "defaults-ours": lambda: GDClassifier(random_state=SEED).fit(
                X_train, y_train
            ),
            "defaults-sgd": lambda: SGDClassifier(
                loss="log_loss", random_state=SEED
            ).fit(X_train, y_train),
            "defaults-lr": lambda: LogisticRegression().fit(X_train, y_train),
        }
    )


def _defaults_row(ctx: Context, ref_key: str, ref_name: str) -> Row:
    X_train, X_test, _, y_test = ctx.quality
    times = _defaults_times(ctx)
    ours = ctx.timer.results["defaults-ours"]
    reference = ctx.timer.results[ref_key]
    ours_iter = ours.n_iter_
    ref_iter = int(np.max(reference.n_iter_))
    return Row(
        key=f"defaults_vs_{ref_key.split('-')[1]}",
        name=f"defaults fit: GDClassifier() / {ref_name}",
        data=describe(X_train),
        ours=times["defaults-ours"],
        reference=times[ref_key],
        notes=(
            f"accuracy {ours.score(X_test, y_test):.4f} vs "
            f"{reference.score(X_test, y_test):.4f}; {ours_iter} vs {ref_iter} "
            "epochs/iterations"
        ),
    )


def row_defaults_sgd(ctx: Context) -> Row:
    """Fit time of GDClassifier() / SGDClassifier(log_loss), with accuracies."""
    return _defaults_row(ctx, "defaults-sgd", 'SGDClassifier(loss="log_loss")')


def row_defaults_lr(ctx: Context) -> Row:
    """Fit time of GDClassifier() / LogisticRegression(), with accuracies."""
    return _defaults_row(ctx, "defaults-lr", "LogisticRegression()")


def _quality_data(name: str, ctx: Context):
    """``X_train, X_test, y_train, y_test`` of a defaults-to-quality row,
    standardised on the train split (a quarter held out)."""
    n_large = ctx.sizes.dense[0]
    makers = {
        "breast_cancer": lambda: load_breast_cancer(return_X_y=True),
        "digits": lambda: load_digits(return_X_y=True),
        "diabetes": lambda: load_diabetes(return_X_y=True),
        "5000x20": lambda: make_classification(
            5000, 20, n_informative=5, random_state=SEED
        ),
        "large regression": lambda: make_regression(
            n_large, 100, n_informative=20, noise=10.0, random_state=SEED
        ),
    }
    X, y = makers[name]()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=SEED
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


QUALITY_ROWS = [
    # (data, ours, reference, reference's name, target)
    ("breast_cancer", GDClassifier, LogisticRegression, "LogisticRegression()", 1.5),
    ("digits", GDClassifier, LogisticRegression, "LogisticRegression()", 1.5),
    ("5000x20", GDClassifier, LogisticRegression, "LogisticRegression()", 1.5),
    ("diabetes", GDRegressor, Ridge, "Ridge()", 2.0),
    ("large regression", GDRegressor, SGDRegressor, "SGDRegressor()", 1.5),
]


def _defaults_quality_row(ctx: Context, index: int) -> Row:
    """Time of our defaults / scikit-learn's defaults to a test score."""
    name, ours_class, reference_class, reference_name, target = QUALITY_ROWS[index]
    X_train, X_test, y_train, y_test = _quality_data(name, ctx)
    small = X_train.size < 1_000_000
    times = ctx.timer.best(
        {
            f"quality-{name}-ours": lambda: ours_class().fit(X_train, y_train),
            f"quality-{name}-ref": lambda: reference_class().fit(X_train, y_train),
        },
        repeats=ctx.timer.repeats * (10 if small else 1),
    )
    ours = ctx.timer.results[f"quality-{name}-ours"]
    reference = ctx.timer.results[f"quality-{name}-ref"]
    score, reference_score = ours.score(X_test, y_test), reference.score(
        X_test, y_test
    )
    return Row(
        key=f"quality_{name.replace(' ', '_')}",
        name=f"defaults to a quality: {ours_class.__name__}() / {reference_name}",
        data=describe(X_train) + f" ({name})",
        ours=times[f"quality-{name}-ours"],
        reference=times[f"quality-{name}-ref"],
        target=target,
        notes=(
            f"test score {score:.4f} vs {reference_score:.4f}; ours "
            f"{type(ours.optimizer_).__name__}"
        ),
    )


NETWORK_BATCH_SIZE = 200  # MLPClassifier's default, min(200, n_samples)


def _network_epoch_row(ctx: Context, dtype: str) -> Row:
    """One hidden layer, Adam, same batch size and epochs: ours / MLPClassifier."""
    n, p, units = ctx.sizes.network
    X, y = make_classification(n, p, n_informative=max(2, p // 5), random_state=SEED)
    X = StandardScaler().fit_transform(X).astype(dtype)
    epochs = ctx.epochs
    ours = GDClassifier(
        hidden_layer_sizes=(units,), optimizer="adam", batch_size=NETWORK_BATCH_SIZE,
        max_iter=epochs, tol=None, random_state=SEED,
    )
    reference = MLPClassifier(
        hidden_layer_sizes=(units,), batch_size=NETWORK_BATCH_SIZE, max_iter=epochs,
        tol=0.0, n_iter_no_change=epochs + 1, random_state=SEED,
    )
    times = ctx.timer.best(
        {
            f"network-{dtype}-ours": lambda: ours.fit(X, y),
            f"network-{dtype}-mlp": lambda: reference.fit(X, y),
        }
    )
    return Row(
        key=f"network_epoch_{dtype}_vs_mlp",
        name=f"network epoch ({units},) adam: GDClassifier / MLPClassifier",
        data=describe(X),
        ours=times[f"network-{dtype}-ours"] / epochs,
        reference=times[f"network-{dtype}-mlp"] / epochs,
        target=1.0,
        notes=f"batch {NETWORK_BATCH_SIZE}; {epochs} epochs",
    )


def row_network_epoch(ctx: Context) -> Row:
    return _network_epoch_row(ctx, "float64")


def row_network_epoch32(ctx: Context) -> Row:
    return _network_epoch_row(ctx, "float32")


def _digits_network(ctx: Context, **params):
    """A default network fit on the standardised digits train split."""
    X_train, _, y_train, _ = _quality_data("digits", ctx)
    return GDClassifier(
        hidden_layer_sizes=(100,), random_state=SEED, **params
    ).fit(X_train, y_train)


def row_network_defaults(ctx: Context) -> Row:
    """Whole default fit with (100,) on digits: ours / MLPClassifier."""
    X_train, X_test, y_train, y_test = _quality_data("digits", ctx)
    times = ctx.timer.best(
        {
            "network-digits-ours": lambda: _digits_network(ctx),
            "network-digits-mlp": lambda: MLPClassifier(
                hidden_layer_sizes=(100,), random_state=SEED
            ).fit(X_train, y_train),
        }
    )
    ours = ctx.timer.results["network-digits-ours"]
    reference = ctx.timer.results["network-digits-mlp"]
    return Row(
        key="network_defaults_digits",
        name="network defaults (100,): GDClassifier / MLPClassifier",
        data=describe(X_train) + " (digits)",
        ours=times["network-digits-ours"],
        reference=times["network-digits-mlp"],
        target=1.0,
        notes=(
            f"test score {ours.score(X_test, y_test):.4f} vs "
            f"{reference.score(X_test, y_test):.4f}; {ours.n_iter_} vs "
            f"{reference.n_iter_} epochs"
        ),
    )


def row_network_l1(ctx: Context) -> Row:
    """Non-zero share of an L1 network's first layer (target: half at most)."""
    _, X_test, _, y_test = _quality_data("digits", ctx)
    l1 = _digits_network(ctx, penalty="l1", alpha=3e-4)
    l2 = _digits_network(ctx)
    first = l1.coefs_[0]
    return Row(
        key="network_l1_nonzeros",
        name="L1 network (100,): first-layer non-zero weights / all",
        data="digits, standardised",
        ours=float(np.count_nonzero(first)),
        reference=float(first.size),
        unit="count",
        target=0.5,
        notes=(
            f"alpha=3e-4; test score {l1.score(X_test, y_test):.4f} vs "
            f"{l2.score(X_test, y_test):.4f} with the default L2"
        ),
    )


def row_grid_search(ctx: Context) -> Row:
    """9 x 5 GridSearchCV over the step and alpha on breast_cancer, explicit
    Adam against SGDClassifier(learning_rate="constant") over eta0."""
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    steps = list(np.geomspace(1e-4, 1.0, 9))
    alphas = list(np.geomspace(1e-5, 1e-1, 5))
    folds = ctx.sizes.grid_folds
    ours = GridSearchCV(
        GDClassifier(optimizer="adam", random_state=SEED),
        {"learning_rate": steps, "alpha": alphas},
        cv=folds,
    )
    reference = GridSearchCV(
        SGDClassifier(loss="log_loss", learning_rate="constant", random_state=SEED),
        {"eta0": steps, "alpha": alphas},
        cv=folds,
    )
    times = ctx.timer.best(
        {"grid-ours": lambda: ours.fit(X, y), "grid-sgd": lambda: reference.fit(X, y)},
        repeats=1,
    )
    return Row(
        key="grid_search_adam",
        name="9x5 grid search: GDClassifier(optimizer='adam') / SGDClassifier",
        data=describe(X) + f" (breast_cancer, {folds}-fold)",
        ours=times["grid-ours"],
        reference=times["grid-sgd"],
        target=3.0,
        notes=(
            f"best CV accuracy {ours.best_score_:.4f} vs "
            f"{reference.best_score_:.4f}; {45 * folds} fits each"
        ),
    )


def row_fit_overhead(ctx: Context) -> Row:
    """Fixed cost of a fit: one epoch on breast_cancer, ours / SGDClassifier.

    Small enough that what a fit costs besides its epochs (validation,
    set-up, the checks at both ends) dominates; best of many repeats.
    """
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    times = ctx.timer.best(
        {
            "overhead-ours": lambda: GDClassifier(
                max_iter=1, tol=None, random_state=SEED
            ).fit(X, y),
            "overhead-sgd": lambda: SGDClassifier(
                loss="log_loss", max_iter=1, tol=None, random_state=SEED
            ).fit(X, y),
        },
        repeats=max(20, 40 * ctx.timer.repeats),
    )
    return Row(
        key="fit_overhead",
        name="fit overhead (max_iter=1): GDClassifier / SGDClassifier",
        data=describe(X) + " (breast_cancer)",
        ours=times["overhead-ours"],
        reference=times["overhead-sgd"],
        notes=f"ours {times['overhead-ours'] * 1e3:.2f} ms; target under 1 ms",
    )


class _NoOpCallback:
    """A scikit-learn FitCallback that does nothing (asks for no argument)."""

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        return False


def row_callback_overhead(ctx: Context) -> Row:
    """Epochs with a do-nothing callback / without (scikit-learn >= 1.9)."""
    X, y = ctx.classification
    epochs = ctx.epochs

    def fit(callbacks):
        model = GDClassifier(
            optimizer="adam", batch_size=BATCH_SIZE, max_iter=epochs, tol=None,
            random_state=SEED,
        )
        if callbacks and hasattr(model, "set_callbacks"):
            model.set_callbacks(_NoOpCallback())
        return model.fit(X, y)

    times = ctx.timer.best(
        {"callback-with": lambda: fit(True), "callback-without": lambda: fit(False)}
    )
    supported = hasattr(GDClassifier(), "set_callbacks")
    return Row(
        key="callback_overhead",
        name="callback overhead: adam epoch with a no-op callback / without",
        data=describe(X),
        ours=times["callback-with"] / epochs,
        reference=times["callback-without"] / epochs,
        target=1.05,
        notes=(
            f"{epochs} epochs; one task per epoch"
            if supported
            else "scikit-learn < 1.9: no callbacks, both sides equal"
        ),
    )


def _memory_row(key: str, name: str, X, fit: Callable[[], object]) -> Row:
    peak, estimator = peak_fit_memory(fit)
    nbytes = data_nbytes(X)
    params = parameter_nbytes(estimator)
    return Row(
        key=key,
        name=name,
        data=describe(X),
        ours=peak,
        reference=nbytes,
        unit="bytes",
        target=(2 * nbytes + params) / nbytes,
        notes="tracemalloc peak during fit / X.nbytes",
    )


def row_memory_sgd(ctx: Context) -> Row:
    """Peak memory of a dense mini-batch sgd fit (1 epoch) / X.nbytes."""
    X, y = ctx.classification
    return _memory_row(
        "memory_sgd",
        "peak memory / X.nbytes: GDClassifier sgd mini-batch",
        X,
        lambda: fit_ours(GDClassifier, "sgd", X, y, 1),
    )


def row_memory_lbfgs(ctx: Context) -> Row:
    """Peak memory of a multinomial lbfgs fit (10 iterations) / X.nbytes."""
    X, y = ctx.multiclass
    return _memory_row(
        "memory_lbfgs",
        "peak memory / X.nbytes: GDClassifier lbfgs",
        X,
        lambda: GDClassifier(optimizer="lbfgs", alpha=ALPHA, max_iter=10).fit(X, y),
    )


def row_memory_sparse(ctx: Context) -> Row:
    """Peak memory of a sparse mini-batch sgd fit (1 epoch) / X.nbytes."""
    X, y = ctx.sparse
    return _memory_row(
        "memory_sparse_sgd",
        "peak memory / X.nbytes: GDClassifier sgd sparse",
        X,
        lambda: fit_ours(GDClassifier, "sgd", X, y, 1),
    )


# Table order. Memory rows come last: tracing must not overlap any timing.
ROWS: list[Callable[[Context], Row]] = [
    *(
        functools.partial(_epoch_vs_sklearn, task=task, optimizer=optimizer)
        for task in ("clf", "reg")
        for optimizer in ("sgd", "adam")
    ),
    *(
        functools.partial(_epoch_vs_floor, task=task, optimizer=optimizer)
        for task in ("clf", "reg")
        for optimizer in ("sgd", "adam")
    ),
    *(
        functools.partial(_float32_vs_float64, optimizer=optimizer)
        for optimizer in ("sgd", "adam")
    ),
    row_sparse_sgd,
    row_sparse_adam,
    row_sparse_floor,
    row_lbfgs,
    row_defaults_sgd,
    row_defaults_lr,
    *(
        functools.partial(_defaults_quality_row, index=index)
        for index in range(len(QUALITY_ROWS))
    ),
    row_grid_search,
    row_network_epoch,
    row_network_epoch32,
    row_network_defaults,
    row_network_l1,
    row_fit_overhead,
    row_callback_overhead,
    row_memory_sgd,
    row_memory_lbfgs,
    row_memory_sparse,
]


def run_benchmarks(ctx: Context, log=None) -> list[Row]:
    """Measure every row of :data:`ROWS`, logging progress to ``log``.

    Parameters
    ----------
    ctx : Context
    log : file-like, optional
        Where to report each row as it is measured; nothing if None.

    Returns
    -------
    list of Row
    """
    rows = []
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for row_function in ROWS:
            row = row_function(ctx)
            rows.append(row)
            if log is not None:
                elapsed = time.perf_counter() - start
                print(f"[{elapsed:7.1f} s] {row.name}: {row.ratio:.3g}", file=log)
    return rows


# ----------------------------------------------------------------------
# Environment and output


def blas_info() -> list[str]:
    """One line per BLAS/OpenMP library loaded, from threadpoolctl if available."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ["threadpoolctl not installed"]
    lines = []
    for lib in threadpool_info():
        parts = [lib.get("internal_api"), lib.get("version")]
        extra = [
            lib.get("architecture"),
            lib.get("threading_layer"),
            f"{lib.get('num_threads')} threads",
        ]
        owner = Path(lib.get("filepath", "")).parent.name.replace(".libs", "")
        described = " ".join(str(part) for part in parts if part)
        details = ", ".join(str(item) for item in extra if item)
        lines.append(f"{lib.get('user_api')}: {described} ({details}) [{owner}]")
    return lines or ["none reported"]


@contextlib.contextmanager
def thread_limit(threads: int | None):
    """Limit BLAS and OpenMP thread pools to ``threads`` (None: no limit)."""
    if threads is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads):
        yield


def cpu_model() -> str:
    """The CPU's model name, from /proc/cpuinfo where there is one."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def lscpu(max_lines: int = 20) -> list[str]:
    """The first lines of ``lscpu``, or nothing where there is no lscpu."""
    try:
        completed = subprocess.run(
            ["lscpu"], capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return completed.stdout.splitlines()[:max_lines]


def source_revision() -> str | None:
    """The checkout's git commit, marked "+ local changes" if sklearn_gd differs.

    Read-only git commands (``--no-optional-locks``); None outside a git checkout.
    """
    git = ["git", "--no-optional-locks", "-C", str(REPO_ROOT)]
    try:
        commit = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        changes = subprocess.run(
            [*git, "status", "--porcelain", "--", "sklearn_gd"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + (" + local changes" if changes else "")


def available_cpus() -> int | None:
    """CPUs this process may run on (what ``nproc`` prints)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count()


def load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages (other work skews the ratios)."""
    try:
        return [round(load, 2) for load in os.getloadavg()]
    except (AttributeError, OSError):  # not on Windows
        return None


def environment(mode: str, ctx: Context) -> dict:
    """Versions, machine and configuration of this run."""
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": mode,
        "repeats": ctx.timer.repeats,
        "epochs_per_fit": ctx.epochs,
        "batch_size": BATCH_SIZE,
        "alpha": ALPHA,
        "sizes": asdict(ctx.sizes),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "sklearn_gd": f"{sklearn_gd.__version__} ({Path(sklearn_gd.__file__).parent})",
        "revision": source_revision(),
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "nproc": available_cpus(),
        "load_average": load_average(),
        "blas": blas_info(),
        "lscpu": lscpu(),
    }


def significant(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits, keeping trailing zeros."""
    if not math.isfinite(value) or value == 0:
        return str(value)
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    return f"{value:.{decimals}f}"


def format_quantity(value: float, unit: str) -> str:
    """``"123 ms"``, ``"1.20 s"`` or ``"12.3 MB"``."""
    if unit == "bytes":
        return f"{significant(value / 1e6)} MB"
    if unit == "count":
        return f"{value:,.0f}"
    if value < 1e-3:
        return f"{significant(value * 1e6)} us"
    if value < 1:
        return f"{significant(value * 1e3)} ms"
    return f"{significant(value)} s"


HEADER = ["benchmark", "data", "ours", "reference", "ratio", "target", "met", "notes"]


def table_cells(rows: list[Row]) -> list[list[str]]:
    """The table's cells, row by row, as strings."""
    cells = []
    for row in rows:
        met = "-" if row.met is None else ("yes" if row.met else "no")
        target = "-" if row.target is None else f"<= {row.target:.2f}"
        cells.append(
            [
                row.name,
                row.data,
                format_quantity(row.ours, row.unit),
                format_quantity(row.reference, row.unit),
                significant(row.ratio),
                target,
                met,
                row.notes,
            ]
        )
    return cells


def header_lines(meta: dict) -> list[str]:
    """The run's description: mode, versions, machine."""
    return [
        f"mode: {meta['mode']}, best of {meta['repeats']} repeats, "
        f"{meta['epochs_per_fit']} epochs per timed epoch fit, "
        f"thread limit {meta.get('thread_limit')}, "
        f"batch_size {meta['batch_size']}, alpha {meta['alpha']:g}; {meta['date']}",
        f"python {meta['python']}, numpy {meta['numpy']}, scipy {meta['scipy']}, "
        f"scikit-learn {meta['scikit-learn']}, sklearn_gd {meta['sklearn_gd']}, "
        f"git revision {meta.get('revision')}",
        f"{meta['cpu']}, {meta['cpu_count']} CPUs ({meta['nproc']} available), "
        f"{meta['platform']}; "
        f"load average {meta['load_average']} at start, "
        f"{meta.get('load_average_end')} at end",
        *[f"BLAS {line}" for line in meta["blas"]],
    ]


def summary_line(rows: list[Row]) -> str:
    """``"targets met: 5 of 11; unmet: ..."``."""
    judged = [row for row in rows if row.met is not None]
    unmet = [row.name for row in judged if not row.met]
    met = len(judged) - len(unmet)
    line = f"targets met: {met} of {len(judged)}"
    return line + (f"; unmet: {'; '.join(unmet)}" if unmet else "")


def format_text(meta: dict, rows: list[Row]) -> str:
    """The results as an aligned plain-text table with its header and notes."""
    cells = [HEADER, *table_cells(rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADER))]
    numeric = {2, 3, 4}

    def render(line):
        return "  ".join(
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(line, widths))
        ).rstrip()

    rule = "-" * len(render(HEADER))
    lines = [*header_lines(meta), "", render(HEADER), rule]
    lines += [render(line) for line in cells[1:]]
    lines += [rule, summary_line(rows), ""]
    lines += [f"- {note}" for note in NOTES]
    return "\n".join(lines)


def format_markdown(meta: dict, rows: list[Row]) -> str:
    """The results as a markdown section, to paste into docs/benchmarks.md."""
    lines = [
        f"### Results: `{meta['mode']}` mode, {meta['date']}",
        "",
        *[f"- {line}" for line in header_lines(meta)],
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join("---:" if i in (2, 3, 4) else "---" for i in range(8)) + "|",
    ]
    for line in table_cells(rows):
        escaped = [cell.replace("|", "\\|") for cell in line]
        lines.append("| " + " | ".join(escaped) + " |")
    lines += ["", summary_line(rows) + ".", ""]
    lines += [f"- {note}" for note in NOTES]
    if meta.get("lscpu"):
        lines += ["", "<details><summary><code>lscpu | head -20</code></summary>", ""]
        lines += ["```text", *meta["lscpu"], "```", "", "</details>"]
    return "\n".join(lines)


def to_json(meta: dict, rows: list[Row]) -> dict:
    """Meta data and rows as JSON-serialisable data (NaN written as null)."""

    def clean(value):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return value

    return {
        "meta": meta,
        "rows": [{k: clean(v) for k, v in asdict(row).items()} for row in rows],
    }


def parse_args(argv=None) -> argparse.Namespace:
    """The command line; ``--sizes`` (hidden) exists for the test suite."""
    parser = argparse.ArgumentParser(
        description=(
            "Benchmark sklearn_gd against scikit-learn: ratios of times and of "
            "peak memory measured in one run."
        )
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--quick",
        action="store_const",
        const="quick",
        dest="sizes",
        help="smaller data; about a minute",
    )
    mode.add_argument("--sizes", choices=sorted(SIZES), help=argparse.SUPPRESS)
    parser.add_argument(
        "--repeats",
        type=int,
        help="timed fits per measurement, the best kept (default 5, 3 with --quick)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        help=(
            "limit BLAS and OpenMP to this many threads (threadpoolctl); default: "
            "the libraries' own setting"
        ),
    )
    parser.add_argument("--json", metavar="PATH", help="also write results as JSON")
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print a markdown section for docs/benchmarks.md",
    )
    args = parser.parse_args(argv)
    args.sizes = args.sizes or "full"
    if args.repeats is None:
        args.repeats = SIZES[args.sizes].repeats
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    if args.threads is not None and args.threads < 1:
        parser.error(f"--threads must be at least 1, got {args.threads}")
    return args


def main(argv=None) -> dict:
    """Run the benchmarks, print the table, optionally write JSON.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    dict
        The results, as written by ``--json``.
    """
    args = parse_args(argv)
    ctx = Context(SIZES[args.sizes], args.repeats)
    meta = environment(args.sizes, ctx)
    with thread_limit(args.threads):
        rows = run_benchmarks(ctx, log=sys.stderr)
        # Again: BLAS libraries are only reported once loaded, threads as limited.
        meta["blas"] = blas_info()
    meta["thread_limit"] = args.threads
    meta["load_average_end"] = load_average()
    print(format_markdown(meta, rows) if args.markdown else format_text(meta, rows))
    results = to_json(meta, rows)
    if args.json:
        with open(args.json, "w") as file:
            json.dump(results, file, indent=2)
            file.write("\n")
    return results


if __name__ == "__main__":
    main()
