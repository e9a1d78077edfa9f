"""The main job: ``python -m sklearn_gd``.

Fits both estimators, inside ``Pipeline(StandardScaler, ...)``, on datasets that
ship with scikit-learn (no download), and prints a table of 5-fold
cross-validated scores and fit times beside scikit-learn's ``SGDRegressor`` /
``SGDClassifier`` and ``Ridge`` / ``LogisticRegression`` on the same folds.

Two rows are ours for each dataset: the defaults, and a small ``GridSearchCV``
over ``alpha`` and ``penalty``. The grid search is nested (it is tuned
on the training part of each outer fold only), so its score is as honest as the
others'. Regression targets are used raw, as the loaders return them.
"""

from __future__ import annotations

import argparse
import time
import warnings

from sklearn.base import BaseEstimator
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import (
    LogisticRegression,
    Ridge,
    SGDClassifier,
    SGDRegressor,
)
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    cross_validate,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from . import GDClassifier, GDRegressor


def scaled(estimator: BaseEstimator):
    """``estimator`` behind a ``StandardScaler``, as users should run it."""
    return make_pipeline(StandardScaler(), estimator)


def grid_search(estimator: BaseEstimator, cv) -> GridSearchCV:
    """A small grid over ``alpha`` and ``penalty`` for ``estimator`` (with
    ``optimizer="auto"`` on these small data sets, a full-batch solver, which
    has no learning rate to tune)."""
    step = type(estimator).__name__.lower()
    grid = {
        f"{step}__alpha": [1e-4, 1e-3, 1e-2],
        f"{step}__penalty": ["l2", "l1"],
    }
    return GridSearchCV(scaled(estimator), grid, cv=cv)


def candidates(task: str) -> list[tuple[str, BaseEstimator]]:
    """The models compared on a dataset of the given task, ours first."""
    if task == "regression":
        return [
            ("GDRegressor()", scaled(GDRegressor(random_state=0))),
            (
                "GDRegressor + GridSearchCV",
                grid_search(GDRegressor(random_state=0), KFold(3)),
            ),
            ("SGDRegressor()", scaled(SGDRegressor(random_state=0))),
            ("Ridge()", scaled(Ridge())),
        ]
    return [
        ("GDClassifier()", scaled(GDClassifier(random_state=0))),
        (
            "GDClassifier + GridSearchCV",
            grid_search(GDClassifier(random_state=0), StratifiedKFold(3)),
        ),
        (
            "SGDClassifier(log_loss)",
            scaled(SGDClassifier(loss="log_loss", random_state=0)),
        ),
        ("LogisticRegression()", scaled(LogisticRegression())),
    ]


DATASETS = {
    "diabetes": (load_diabetes, "regression", "R^2"),
    "breast_cancer": (load_breast_cancer, "classification", "accuracy"),
    "wine (3 classes)": (load_wine, "classification", "accuracy"),
}


def compare(name: str) -> list[tuple[str, str, str, float, float, float]]:
    """Cross-validate every candidate on dataset ``name`` with the same folds."""
    loader, task, metric = DATASETS[name]
    X, y = loader(return_X_y=True)
    if task == "regression":
        folds = KFold(5, shuffle=True, random_state=0)
    else:
        folds = StratifiedKFold(5, shuffle=True, random_state=0)
    rows = []
    for label, model in candidates(task):
        with warnings.catch_warnings():
            # scikit-learn's SGD warns on some folds; the scores say enough.
            warnings.simplefilter("ignore", ConvergenceWarning)
            result = cross_validate(model, X, y, cv=folds)
        rows.append(
            (
                name,
                label,
                metric,
                result["test_score"].mean(),
                result["test_score"].std(),
                result["fit_time"].mean(),
            )
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    """Print the comparison table for every dataset."""
    parser = argparse.ArgumentParser(
        prog="python -m sklearn_gd", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--dataset", choices=sorted(DATASETS), action="append",
        help="dataset to run (repeatable; default: all)",
    )
    args = parser.parse_args(argv)
    names = args.dataset or list(DATASETS)

    start = time.perf_counter()
    header = f"{'dataset':<18} {'model':<30} {'5-fold CV score':<22} {'fit time':>9}"
    print(header)
    print("-" * len(header))
    for name in names:
        for dataset, label, metric, mean, std, fit_time in compare(name):
            score = f"{metric} {mean:.3f} ± {std:.3f}"
            print(f"{dataset:<18} {label:<30} {score:<22} {fit_time:>8.3f}s")
        print()
    print(
        "Every model runs in Pipeline(StandardScaler(), model) on the same shuffled "
        "folds;\nfit time is the mean per fold (the grid search's includes its "
        f"inner 3-fold search).\nTotal: {time.perf_counter() - start:.1f}s"
    )


if __name__ == "__main__":
    main()
