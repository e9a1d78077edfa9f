"""How a run is judged (``sklearn_gd/_engine.py``), through both estimators.

``train`` measures the exact objective where a run starts (``Scales``) and
where it ends, and judges every run from those two, whatever the solver:

- divergence (``check_finite`` during the run, ``check_not_diverged`` at its
  end): a ValueError with the solver's advice, also for an optimizer state
  that overflows;
- a fit worse than where training started, or no progress at all
  (``run_warnings``): a ConvergenceWarning, for fit, partial_fit and early
  stopping alike;
- a broken custom loss (non-finite or wrongly shaped values, found before the
  first update by ``measure_scales``): a ValueError that names it;
- fits in any units of ``y``: the judgements, ``tol`` and the "auto" step are
  measured in ``y``'s units (``Scales``, ``TrainingState.output_scale``).

What both estimators share is tested in test_base.py, the stopping rules and
lbfgs in test_solvers.py.
"""

import re
import warnings

import numpy as np
import pytest
from _helpers import breast_cancer, diabetes
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.datasets import load_diabetes, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score

from sklearn_gd import GDClassifier, GDRegressor
from sklearn_gd._engine import RunReport, run_warnings
from sklearn_gd._solvers import FullBatchSolver, MiniBatchSolver
from sklearn_gd.losses import SquaredError
from sklearn_gd.optimizers import LBFGS, SGD
from sklearn_gd.schedules import Constant, Optimal, Schedule

# Many runs here end badly on purpose; a test about a ConvergenceWarning
# catches it itself.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def warns_or_raises(fit, warning_match, error_match="diverged"):
    """Call ``fit``; assert it raised a ValueError matching ``error_match`` or
    warned with a ConvergenceWarning matching ``warning_match``."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        try:
            fit()
        except ValueError as error:
            assert re.search(error_match, str(error)), error
            return
    messages = [
        str(warning.message)
        for warning in record
        if issubclass(warning.category, ConvergenceWarning)
    ]
    assert any(re.search(warning_match, message) for message in messages), messages


# ---------------------------------------------------------------------------
# Divergence


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
    with pytest.raises(ValueError, match="diverged.*became non-finite"):
        with np.errstate(over="ignore", invalid="ignore"):
            GDRegressor(optimizer=optimizer, random_state=0).fit(X * 1e200, y)


@pytest.mark.parametrize(
    "learning_rate, match",
    [
        # The objective once was still finite (1e150) after 11 epochs, when the
        # plateau rule fired. A plateau now also lasts MIN_PLATEAU_UPDATES
        # (_solvers.py) updates: the objective overflows first (epoch 23).
        (1e3, "diverged"),
        # A slower blow-up: still finite (~1e121) when the plateau rule stops
        # the run at epoch 51, where check_not_diverged judges the end.
        (1e-3, "diverged at epoch 51: the objective reached"),
    ],
)
def test_diverging_run_stopped_by_plateau_rule_still_raises(learning_rate, match):
    # Fewer updates per epoch than above (one: 50 samples in one batch).
    X, y = make_regression(n_samples=50, n_features=5, random_state=0)
    estimator = GDRegressor(
        optimizer="sgd", learning_rate=learning_rate, random_state=0
    )
    with pytest.raises(ValueError, match=match):
        estimator.fit(X * 100, y)


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


def test_one_exploding_partial_fit_call_raises():
    # A single epoch's objective is taken before each update, so the last
    # step escaped the check: coefficients of 1e8 (R2 -1e18) were kept.
    X, y = make_regression(n_samples=50, n_features=3, noise=1, random_state=0)
    estimator = GDRegressor(optimizer="sgd", learning_rate=1e3, random_state=0)
    with pytest.raises(ValueError, match="diverged at epoch 1"):
        estimator.partial_fit(X * 1000 + 50, y)
    assert not hasattr(estimator, "coef_")


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_perceptron_with_a_huge_step_warns_or_raises(optimizer):
    # Before: silent; accuracy 0.82 (adam), and 0.07 with |coef| 1.7e112 (sgd).
    X, y = breast_cancer()
    estimator = GDClassifier(
        loss="perceptron", learning_rate=1e6, optimizer=optimizer, random_state=0
    )
    warns_or_raises(lambda: estimator.fit(X, y), "above .* constant output")


# ---------------------------------------------------------------------------
# Worse than where training started


@pytest.mark.parametrize(
    "estimator, x_scale, y_scale",
    [
        # Plain SGD with a huge step on a bounded-gradient loss: no blow-up
        # (_engine.DIVERGENCE_FACTOR is not reached), but far worse than the mean.
        (
            GDRegressor(
                loss="huber", optimizer="sgd", learning_rate=10, tol=None, max_iter=50
            ),
            1000.0,
            1.0,
        ),
    ],
    ids=["sgd-huber-huge-step"],
)
def test_fit_worse_than_the_constant_it_started_from_warns(estimator, x_scale, y_scale):
    rng = np.random.RandomState(0)
    X = rng.randn(200, 3)
    y = X @ [1.0, -2.0, 0.5] + 0.1 * rng.randn(200)
    X, y = X * x_scale + 50 * (x_scale > 1), y * y_scale
    with pytest.warns(ConvergenceWarning, match="best constant model") as record:
        estimator.fit(X, y)
    assert estimator.score(X, y) < 0  # the warning is about a real failure
    # Not the generic advice to increase learning_rate, nor the optimizer
    # that failed: the other kind of step.
    messages = " ".join(str(warning.message) for warning in record)
    assert "increasing" not in messages
    assert "optimizer='adam'" in messages and "optimizer='sgd'" not in messages


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
    assert "optimizer='sgd'" in str(record[0].message)  # Adam failed
    assert "learning_rate (currently 1e+12)" in str(record[0].message)


def test_perceptron_is_not_warned_about_its_zero_baseline():
    # The perceptron loss is 0 at zero weights (its optimum); ending above it
    # is how the perceptron works, not a step that is too large.
    X, y = make_classification(n_samples=500, n_features=10, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        GDClassifier(loss="perceptron", random_state=0).fit(X, y)


def test_near_constant_target_is_not_reported_as_divergence():
    # Best constant objective ~5e-13: the old yardstick (1e6 x that) called
    # the noise floor 5e-7 of a fixed step of 0.05 a divergence and raised.
    rng = np.random.RandomState(0)
    X = rng.randn(200, 3)
    y = 5 + 1e-6 * rng.randn(200)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        estimator = GDRegressor(learning_rate=0.05, random_state=0).fit(X, y)
    assert np.isfinite(estimator.coef_).all()
    assert not any("diverge" in str(warning.message) for warning in record)
    # Judged on the exact end-of-epoch objective, the run goes on until Adam's
    # steps have settled at the constant.
    assert estimator.score(X, y) > -1e-2


def test_fixed_adam_step_far_too_large_for_tiny_targets_still_fits():
    # A fixed step of 0.05 is ~500 times the weights to reach (targets of
    # size 1e-4). The plateau rule used to stop on the average of pre-update
    # batch objectives, at R2 < 0; on the exact objective it goes on until
    # Adam's second moments have shrunk its steps.
    rng = np.random.RandomState(0)
    X = rng.randn(200, 3)
    y = 1e-4 * (X @ [1.0, -2.0, 0.5] + 0.1 * rng.randn(200))
    estimator = GDRegressor(learning_rate=0.05, random_state=0).fit(X, y)
    assert estimator.score(X, y) > 0.99


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


def test_partial_fit_worse_than_its_start_warns_or_raises():
    # Before: silent calls at R2 -26.9, -2.3e3, -2e5, then "diverged" at call 4.
    X, y = diabetes()
    estimator = GDRegressor(optimizer="sgd", learning_rate=1.0, random_state=0)
    warns_or_raises(lambda: estimator.partial_fit(X, y), "worse")
    # A healthy partial_fit is silent.
    healthy = GDRegressor(random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        for _ in range(3):
            healthy.partial_fit(X, y)


def test_early_stopping_does_not_skip_the_worse_than_start_check():
    # Before: silent at 7.8 times the best constant's objective (R2 -58.8).
    X, y = load_diabetes(return_X_y=True)
    estimator = GDRegressor(
        loss="absolute_error", optimizer="adagrad", random_state=0, early_stopping=True
    )
    with pytest.warns(ConvergenceWarning, match="made the fit worse"):
        estimator.fit(X * 1000, y)


# ---------------------------------------------------------------------------
# No progress


@pytest.mark.parametrize(
    "Estimator, load",
    [(GDRegressor, diabetes), (GDClassifier, breast_cancer)],
    ids=["regressor", "classifier"],
)
def test_a_step_too_small_to_move_warns_of_no_progress(Estimator, load):
    # Before: silent; it stayed at the best constant (R2 0, majority accuracy).
    X, y = load()
    with pytest.warns(ConvergenceWarning, match="no progress") as record:
        Estimator(learning_rate=1e-30, random_state=0).fit(X, y)
    assert "too small" in str(record[0].message)


def _swung_report(peak=5.2):
    """No progress from 2.30 to 2.32, after a peak of ``peak`` on the way."""
    return RunReport(
        converged=True, start=2.3025, end=2.3153, reference=2.3025, stalled=True,
        peak=peak,
    )


@pytest.mark.parametrize(
    "peak, verdict, advice",
    [(5.2, "too large", "smaller learning_rate"), (2.31, "too small", "larger")],
)
def test_no_progress_advice_follows_whether_the_run_swung_above_its_start(
    peak, verdict, advice
):
    # Before: a run (rmsprop, learning_rate=1, on a fold of digits) that swung
    # from 2.30 up to 5.2 and ended at 2.32 was told its steps were too small
    # and to try a larger learning_rate. The trajectory itself is chaotic
    # (it differs between numpy versions), so the judgement is tested on the
    # report: start 2.30, end 2.32, no progress, and the curve's peak.
    solver = MiniBatchSolver(
        SGD(), schedule=Constant(), learning_rate=1.0, lr_unit=1.0,
        batch_size=32, n_iter_no_change=10, shuffle=True,
    )
    (message,) = run_warnings(_swung_report(peak), "GDClassifier", None, 30, solver)
    assert "no progress" in message and verdict in message and advice in message


class OutAndBack(Schedule):
    """A step of ``out`` at the first update, ``back`` at the second and almost
    nothing after: on a quadratic, full-batch SGD overshoots to the far side
    of the optimum, then returns to exactly where it started."""

    def __init__(self, out=3.0, back=1.5):
        self.out = out
        self.back = back

    def value(self, step, base_lr, n_steps, alpha):
        return np.where(step == 0, self.out, np.where(step == 1, self.back, 1e-12))


@pytest.mark.parametrize("tol", [None, 1e-4], ids=["tol=None", "max_iter-reached"])
def test_a_run_that_swings_out_and_back_is_told_its_steps_are_too_large(tol):
    # J(w) = mean((y - x w)^2) / 2 with mean(x^2) = 1: the gradient at w is
    # w - w*, so a step of 3 from 0 goes to 3 w* (J far above the start) and
    # a step of 1.5 from there comes back to 0. The run ends where it started,
    # with a peak of J recorded after its first epoch. With a tol it also
    # runs out of max_iter, which must not hide the reason (it was told to
    # increase max_iter or learning_rate).
    rng = np.random.RandomState(0)
    x = rng.randn(200)
    x /= np.sqrt(np.mean(x**2))
    y = 2.0 * x + 0.1 * rng.randn(200)
    estimator = GDRegressor(
        optimizer="sgd", schedule=OutAndBack(), learning_rate=1.0, batch_size=None,
        penalty=None, fit_intercept=False, max_iter=20, tol=tol, random_state=0,
    )
    with pytest.warns(ConvergenceWarning, match="no progress") as record:
        estimator.fit(x[:, None], y)
    (warning,) = record
    start = np.mean(y**2) / 2
    assert estimator.loss_curve_[0] > 3 * start  # the peak, after epoch 1
    assert estimator.coef_[0] == pytest.approx(0, abs=1e-9)
    assert f"up to {estimator.loss_curve_.max():.3g}" in str(warning.message)
    assert "too large" in str(warning.message)


def test_stall_and_swing_advice_name_alpha_when_the_schedule_ignores_the_step():
    solver = MiniBatchSolver(
        SGD(), schedule=Optimal(), learning_rate=0.05, lr_unit=1.0,
        batch_size=32, n_iter_no_change=10, shuffle=True,
    )
    assert "learning_rate (currently" not in solver.worse_advice()
    (swing,) = run_warnings(_swung_report(), "GDClassifier", None, 30, solver)
    assert "a larger alpha" in swing
    assert "a smaller alpha" in solver.stall_advice()


def test_a_full_batch_run_that_rose_on_the_way_is_judged_a_plain_stall():
    # A line search takes no step to overshoot with: the advice stays that of
    # a stall (a smaller tol), not of steps too large.
    solver = FullBatchSolver(LBFGS())
    (message,) = run_warnings(_swung_report(), "GDClassifier", None, 30, solver)
    assert "too small" in message and "a smaller tol" in message


def test_sgd_barely_moving_on_tiny_features_warns():
    # Before: silent stop at epoch 41, majority accuracy (J 0.6591, constant 0.6603).
    X, y = breast_cancer()
    estimator = GDClassifier(penalty=None, optimizer="sgd", random_state=0)
    with pytest.warns(ConvergenceWarning):
        estimator.fit(X * 0.01, y)


# ---------------------------------------------------------------------------
# Broken custom losses


class NaNGradient(SquaredError):
    def gradient(self, y, raw):
        return np.full_like(raw, np.nan)


class NaNValue(SquaredError):
    def value(self, y, raw):
        return np.full(raw.shape[0], np.nan)


class FlatGradient(SquaredError):
    """A gradient of shape (n,) instead of the raw outputs' (n, 1)."""

    def gradient(self, y, raw):
        return (raw - y)[:, 0]


class WideGradient(SquaredError):
    """A gradient of shape (n, 2) instead of the raw outputs' (n, 1)."""

    def gradient(self, y, raw):
        residual = raw - y
        return np.c_[residual, residual]


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
@pytest.mark.parametrize("Loss", [NaNGradient, NaNValue, FlatGradient, WideGradient])
def test_broken_custom_loss_is_named(Loss, optimizer):
    # Before: "diverged ...: the objective became nan", or numpy's "matmul: ..." error.
    X, y = diabetes()
    estimator = GDRegressor(loss=Loss(), optimizer=optimizer, random_state=0)
    with pytest.raises(ValueError, match=Loss.__name__) as raised:
        estimator.fit(X, y)
    message = str(raised.value)
    assert "diverged" not in message
    assert "matmul" not in message


# ---------------------------------------------------------------------------
# Fits in any units of y


@pytest.mark.parametrize("y_scale", [1e-4, 1.0, 1e4])
@pytest.mark.parametrize("optimizer", ["adam", "rmsprop", "adagrad"])
def test_default_step_fits_targets_in_any_units(optimizer, y_scale):
    # The defaults must give good results on raw targets. Scale-free optimizers
    # move each weight by ~learning_rate per update, so learning_rate="auto"
    # is in y's units; with a fixed 0.05 these fits scored R2 0.82 (coefficients
    # up to 88 out of reach) and 0.73 (targets of size 1e-4).
    X, y = make_regression(n_samples=100, n_features=4, noise=1.0, random_state=0)
    y = y * y_scale
    estimator = GDRegressor(optimizer=optimizer, random_state=0).fit(X, y)
    # Ridge scores 0.9999. At 1e-4 an absolute tol=1e-4 was far above the
    # objective (~1e-9) and stopped Adam after 50 updates (0.997); tol is now
    # relative below objectives of 1 (_engine.Scales.tolerance).
    assert estimator.score(X, y) > 0.99


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


@pytest.mark.parametrize("optimizer", ["rmsprop", "adam"])
def test_outputs_in_different_units_fit_as_well_as_alone(optimizer):
    # Before: R2 -76.8 (rmsprop), 0.502 (adam) on y next to 1000 y; 0.514, 0.517 alone.
    X, y = diabetes()
    Y = np.c_[y, 1000 * y]
    joint = GDRegressor(optimizer=optimizer, random_state=0).fit(X, Y)
    scores = r2_score(Y, joint.predict(X), multioutput="raw_values")
    for output in range(2):
        alone = GDRegressor(optimizer=optimizer, random_state=0)
        alone.fit(X, Y[:, output])
        assert abs(scores[output] - alone.score(X, Y[:, output])) <= 0.01, output


@pytest.mark.parametrize("y_scale", [1e-12, 1e12])
@pytest.mark.parametrize("optimizer", ["adam", "rmsprop"])
def test_extreme_units_of_y_fit_as_well_as_y(optimizer, y_scale):
    # Before: at 1e-12, R2 0.28 (adam), 0.17 (rmsprop); 0.517 and 0.515 on y itself.
    X, y = diabetes()
    estimator = GDRegressor(optimizer=optimizer, random_state=0)
    reference = clone(estimator).fit(X, y).score(X, y)
    scaled = clone(estimator).fit(X, y * y_scale)
    assert abs(scaled.score(X, y * y_scale) - reference) <= 0.01


@pytest.mark.parametrize("optimizer", ["adam", "rmsprop", "adagrad"])
def test_constant_targets_fit_their_constant(optimizer):
    # The gradient is exactly 0 at the start: eps's unit must not become 0
    # (0 / 0 made the parameters NaN while the unit was the raw gradient size).
    X = np.random.RandomState(0).randn(50, 3)
    estimator = GDRegressor(optimizer=optimizer).fit(X, np.full(50, 5.0))
    assert_allclose(estimator.predict(X), 5.0)


@pytest.mark.parametrize(
    "Estimator, load", [(GDClassifier, breast_cancer), (GDRegressor, diabetes)]
)
def test_partial_fit_continuing_from_an_optimum_does_not_warn(Estimator, load):
    # fit (lbfgs, through optimizer="auto") ends at the optimum; a partial_fit
    # from there barely moves, which is no stall: the start was stationary.
    X, y = load()
    estimator = Estimator(random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        estimator.partial_fit(X, y)


# ---------------------------------------------------------------------------
# No false alarms (found in review): runs that barely move because there is
# nowhere to go


def _weak_signal(n_samples):
    rng = np.random.RandomState(0)
    X = rng.randn(n_samples, 10)
    return X, 0.02 * X[:, 0] + rng.randn(n_samples)


@pytest.mark.parametrize("optimizer", ["auto", "adam", "sgd"])
def test_a_nearly_optimal_constant_is_no_stall(optimizer):
    # J can fall by only 0.03% here. The old judgement compared gradients on
    # the first 1024 rows, noise at the optimum, and warned "no progress".
    X, y = _weak_signal(5000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        GDRegressor(optimizer=optimizer, random_state=0).fit(X, y)


@pytest.mark.parametrize("optimizer", ["auto", "adam", "sgd"])
def test_an_all_zero_l1_solution_is_no_stall(optimizer):
    # The exact solution is the constant model (Lasso agrees): nothing to gain.
    X, y = _weak_signal(500)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = GDRegressor(
            optimizer=optimizer, penalty="l1", alpha=0.5, random_state=0
        ).fit(X, y)
    assert not model.coef_.any()


def test_a_warm_start_at_the_optimum_is_no_stall():
    X, y = diabetes()
    model = GDRegressor(warm_start=True).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model.fit(X, y)
