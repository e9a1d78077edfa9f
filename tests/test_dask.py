"""Beyond one machine, on existing engines (the ``dask`` extra).

``dask_ml.wrappers.Incremental`` trains out of core through ``partial_fit``
over a chunked dask array, and ``GridSearchCV`` runs its fits on a
``dask.distributed`` cluster through joblib's dask backend.
"""

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_gd import GDClassifier

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("dask.distributed")
wrappers = pytest.importorskip("dask_ml.wrappers")


def test_incremental_out_of_core_reaches_the_in_memory_score():
    X, y = make_classification(20000, 20, n_informative=10, random_state=0)
    X = StandardScaler().fit_transform(X)
    in_memory = GDClassifier(random_state=0).fit(X, y).score(X, y)
    X_chunks, y_chunks = da.from_array(X, chunks=2000), da.from_array(y, chunks=2000)
    incremental = wrappers.Incremental(GDClassifier(random_state=0))
    for _ in range(10):  # ten passes, one partial_fit per chunk
        incremental.partial_fit(X_chunks, y_chunks, classes=[0, 1])
    assert incremental.estimator_.n_iter_ == 100
    assert incremental.score(X_chunks, y_chunks) >= in_memory - 0.02


def test_grid_search_on_a_dask_cluster_finds_the_same_parameters():
    X, y = load_breast_cancer(return_X_y=True)
    grid = {
        "gdclassifier__alpha": [1e-4, 1e-2],
        "gdclassifier__optimizer": ["adam", "lbfgs"],
    }
    pipeline = make_pipeline(StandardScaler(), GDClassifier(random_state=0))
    serial = GridSearchCV(pipeline, grid, cv=3).fit(X, y)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster),
        joblib.parallel_backend("dask"),
    ):
        on_cluster = GridSearchCV(pipeline, grid, cv=3, n_jobs=-1).fit(X, y)
    assert on_cluster.best_params_ == serial.best_params_
    np.testing.assert_allclose(
        on_cluster.cv_results_["mean_test_score"],
        serial.cv_results_["mean_test_score"],
    )
