"""scikit-learn's callbacks (``sklearn_gd/_callbacks.py``; scikit-learn >= 1.9).

One task per fit and one subtask per epoch (full-batch iteration), a lazy
``fitted_estimator`` per epoch that predicts with that epoch's parameters, a
True return that stops training, and propagation through Pipeline and
GridSearchCV without the "does not support callbacks" warning.
"""

import warnings

import numpy as np
import pytest
from _helpers import breast_cancer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_gd import GDClassifier, GDRegressor

callback = pytest.importorskip("sklearn.callback")


class StopAfter:
    """A FitCallback that records the epochs and stops after ``n`` of them."""

    def __init__(self, n):
        self.n = n
        self.scores = []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator, X, y):
        if context.task_name != "epoch" or fitted_estimator is None:
            return False
        self.scores.append(fitted_estimator.score(X, y))
        return len(self.scores) >= self.n


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "lbfgs", "fista"])
def test_a_callback_sees_each_epoch_and_can_stop_training(optimizer):
    X, y = breast_cancer()
    penalty = "l1" if optimizer == "fista" else "l2"
    stop = StopAfter(4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # stopped by a callback: no warning
        model = GDClassifier(optimizer=optimizer, penalty=penalty, random_state=0)
        model.set_callbacks(stop).fit(X, y)
    assert model.n_iter_ == 4
    assert len(stop.scores) == 4
    # The last epoch's fitted_estimator is the model fit ends with.
    assert stop.scores[-1] == model.score(X, y)


def test_scoring_monitor_logs_one_score_per_epoch():
    X, y = breast_cancer()
    monitor = callback.ScoringMonitor(scoring="accuracy")
    model = GDClassifier(optimizer="adam", random_state=0).set_callbacks(monitor)
    model.fit(X, y)
    log = monitor.get_logs()
    log = log[0] if isinstance(log, list) else log
    epochs = [row for row in log.data if row["task_name"] == "epoch"]
    assert len(epochs) == model.n_iter_
    assert epochs[-1]["accuracy"] == model.score(X, y)
    assert epochs[0]["accuracy"] < epochs[-1]["accuracy"]


def test_callbacks_propagate_through_pipeline_and_grid_search():
    pytest.importorskip("rich")
    X, y = breast_cancer()
    search = GridSearchCV(
        make_pipeline(StandardScaler(), GDRegressor(optimizer="adam", max_iter=5)),
        {"gdregressor__alpha": [1e-4, 1e-3]},
        cv=2,
    ).set_callbacks(callback.ProgressBar())
    with warnings.catch_warnings():
        # Before: "The estimator GDRegressor does not support callbacks."
        warnings.filterwarnings("error", message=".*does not support callbacks")
        search.fit(X, y.astype(float))
    assert np.isfinite(search.best_score_)


def test_partial_fit_is_one_epoch_task():
    X, y = breast_cancer()
    stop = StopAfter(100)
    model = GDClassifier(random_state=0).set_callbacks(stop)
    model.partial_fit(X, y, classes=[0, 1])
    model.partial_fit(X, y)
    assert len(stop.scores) == 2


def test_verbose_says_a_callback_stopped_the_run(capsys):
    X, y = breast_cancer()
    GDClassifier(optimizer="adam", verbose=1).set_callbacks(StopAfter(2)).fit(X, y)
    assert "a callback stopped it" in capsys.readouterr().out
