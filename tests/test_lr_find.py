"""The learning-rate finder (``sklearn_gd/_lr_find.py``)."""

import matplotlib
import numpy as np
import pytest
from _helpers import breast_cancer
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_gd import GDClassifier, GDRegressor, lr_find

matplotlib.use("Agg")
# The fixed grid's small steps reach max_iter on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_plain_sgd_on_least_squares_stops_past_the_divergence_threshold():
    # Full-batch SGD on ½‖Xw − y‖²/n diverges for steps above 2/λmax(XᵀX/n).
    rng = np.random.RandomState(0)
    X = rng.normal(size=(500, 6)) * np.linspace(0.5, 2.0, 6)
    y = X @ rng.normal(size=6) + 0.1 * rng.normal(size=500)
    threshold = 2 / np.linalg.eigvalsh(X.T @ X / len(X)).max()
    model = GDRegressor(optimizer="sgd", batch_size=None, penalty=None)
    result = lr_find(model, X, y, start=1e-4, end=100, random_state=0)
    stopped = result.learning_rates[-1]
    # The debiased average (smoothing 0.98) lags the blow-up by some steps of
    # the ramp (x 1.15 each): the stop comes within a decade past it.
    assert threshold < stopped < 10 * threshold
    assert len(result.losses) < 100
    assert all(rate < threshold for rate in result.suggestions.values())
    assert result.suggestion == result.suggestions["valley"]
    assert model.get_params() == GDRegressor(
        optimizer="sgd", batch_size=None, penalty=None
    ).get_params()  # the estimator given is left alone
    assert not hasattr(model, "coef_")


def regression():
    X, y = make_regression(600, 20, n_informative=10, noise=10.0, random_state=0)
    return StandardScaler().fit_transform(X), y


def _held_out_score(model, X_train, X_test, y_train, y_test):
    try:
        return model.fit(X_train, y_train).score(X_test, y_test)
    except ValueError:  # diverged
        return -np.inf


@pytest.mark.parametrize(
    "model, data",
    [
        (GDClassifier(optimizer="adam", random_state=0), breast_cancer),
        (GDRegressor(optimizer="sgd", random_state=0), regression),
    ],
    ids=["adam-breast_cancer", "sgd-regression"],
)
def test_the_suggestion_scores_within_one_percent_of_a_grids_best(model, data):
    X, y = data()
    split = train_test_split(X, y, random_state=0)
    suggestion = lr_find(model, split[0], split[2], random_state=0).suggestion
    grid = [
        _held_out_score(model.set_params(learning_rate=rate), *split)
        for rate in np.geomspace(1e-4, 1, 9)
    ]
    ours = _held_out_score(model.set_params(learning_rate=suggestion), *split)
    assert ours >= max(grid) - 0.01 * abs(max(grid))


def test_pipelines_plot_and_refusals():
    X, y = breast_cancer()
    pipeline = make_pipeline(StandardScaler(), GDClassifier(optimizer="sgd"))
    result = lr_find(pipeline, X * 100, y, num_steps=30, random_state=0)
    assert len(result.learning_rates) == len(result.losses)
    assert len(result.losses) == len(result.smoothed_losses)
    assert set(result.suggestions) == {"valley", "steep", "minimum/10"}
    display = result.plot()
    assert display.ax_.get_xscale() == "log" and display.line_ is not None
    with pytest.raises(ValueError, match="needs a mini-batch optimizer"):
        lr_find(GDClassifier(optimizer="lbfgs"), X, y)
    with pytest.raises(ValueError, match="suggest must be one of"):
        lr_find(GDClassifier(), X, y, suggest="best")


@pytest.mark.parametrize("seed", [7, 8, 12])
def test_suggestions_ignore_the_noisy_start_and_the_blow_up(seed):
    # The debiased average of the first steps is a few raw mini-batch losses:
    # with these seeds their noise gave a steeper slope at the first step
    # (1e-7) than where the loss really falls fastest (~0.3).
    X, y = make_regression(600, 20, n_informative=10, noise=10.0, random_state=0)
    X = StandardScaler().fit_transform(X)
    result = lr_find(GDRegressor(optimizer="sgd"), X, y, random_state=seed)
    rates, smoothed = result.learning_rates, result.smoothed_losses
    inside = rates[len(rates) // 10 : len(rates) - 5]
    for rate in result.suggestions.values():
        assert inside[0] <= rate * (10 if rate < inside[0] else 1) <= inside[-1]
    steep = result.suggestions["steep"]
    assert steep > 1e-3  # on the falling part of the curve, not at its start
    assert smoothed[rates <= steep][-1] < 0.9 * smoothed[0]


def test_plot_labels_stay_at_the_top_when_the_limits_change():
    X, y = breast_cancer()
    pipeline = make_pipeline(StandardScaler(), GDClassifier(optimizer="sgd"))
    display = lr_find(pipeline, X, y, num_steps=30, random_state=0).plot()
    display.ax_.set_ylim(0, 100)
    for label in display.ax_.texts:
        assert label.xy[1] == 1.0
        assert label.xycoords is display.ax_.get_xaxis_transform()
