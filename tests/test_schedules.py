"""Unit tests of the learning-rate schedules in :mod:`sklearn_gd.schedules`.

Every schedule's ``value(step, base_lr, n_steps, alpha)`` (steps counted from 0)
and its ``values(base_lr, n_steps, alpha)`` preview are compared with formulas
written out independently here:

- ``constant``; ``invscaling`` ``eta0 / t^power_t`` with scikit-learn's ``t``
  counted from 1; ``optimal`` as scikit-learn's SGD computes it,
  ``1 / (alpha (optimal_init + t - 1))`` with ``typw = sqrt(1 / sqrt(alpha))``;
- ``exponential`` (``decay`` reached at the end), ``step`` as
  ``torch.optim.lr_scheduler.StepLR``, ``cosine`` as ``CosineAnnealingLR``,
  ``warmup_cosine`` as its docstring states, ``onecycle`` step by step as
  ``OneCycleLR`` computes it with torch's defaults (its phase loop, transcribed);
- ``adaptive`` is constant and its plateau reductions (``factor``,
  ``min_learning_rate``) are seen in a fitted estimator.

Also: past ``n_steps`` every schedule holds its final value without error;
monotonicity where the schedule is meant to be monotone; the vectorised and
scalar calls agree; ``values`` validates the parameters; and the step size the
estimator records (``learning_rate_curve_``) is the schedule's value at each
epoch's last update.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from sklearn_gd import GDRegressor
from sklearn_gd.schedules import (
    SCHEDULES,
    Adaptive,
    Constant,
    Cosine,
    Exponential,
    InvScaling,
    OneCycle,
    Optimal,
    StepDecay,
    WarmupCosine,
)
from sklearn_gd.validation import InvalidParameterError

# ---------------------------------------------------------------------------
# Independent references: scalar functions of (t, base_lr, n_steps, alpha),
# with t the update step counted from 0.


def ref_constant(t, base, n, alpha):
    return base


def ref_invscaling(power_t):
    def lr(t, base, n, alpha):
        t_sklearn = t + 1  # scikit-learn's SGD counts t from 1
        return base / t_sklearn**power_t

    return lr


def ref_optimal(t, base, n, alpha):
    # sklearn/linear_model/_sgd_fast.pyx: eta0 = typw / max(1, dloss(-typw, 1)),
    # and the loss derivative there is <= 0 for every loss, so eta0 = typw.
    typw = math.sqrt(1.0 / math.sqrt(alpha))
    optimal_init = 1.0 / (typw * alpha)
    t_sklearn = t + 1
    return 1.0 / (alpha * (optimal_init + t_sklearn - 1))


def ref_exponential(decay):
    def lr(t, base, n, alpha):
        return base * decay ** (min(t, n) / n)

    return lr


def ref_step(gamma, n_drops):
    # torch StepLR with step_size = n / (n_drops + 1): base * gamma^(t // size),
    # held at the last phase.
    def lr(t, base, n, alpha):
        return base * gamma ** min(t * (n_drops + 1) // n, n_drops)

    return lr


def ref_cosine(min_fraction):
    # torch CosineAnnealingLR with T_max = n and eta_min = min_fraction * base.
    def lr(t, base, n, alpha):
        eta_min = min_fraction * base
        t = min(t, n)
        return eta_min + (base - eta_min) * (1 + math.cos(math.pi * t / n)) / 2

    return lr


def ref_warmup_cosine(warmup_fraction, min_fraction):
    # Docstring: W = max(1, round(warmup_fraction n)); base (t + 1) / W for
    # t < W, then the cosine curve over the remaining n - W steps.
    def lr(t, base, n, alpha):
        warmup = max(1, round(warmup_fraction * n))
        if t < warmup:
            return base * (t + 1) / warmup
        progress = min((t - warmup) / (n - warmup), 1.0)
        return base * (
            min_fraction + (1 - min_fraction) * (1 + math.cos(math.pi * progress)) / 2
        )

    return lr


def ref_onecycle(pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
    # torch.optim.lr_scheduler.OneCycleLR.get_lr, anneal_strategy="cos",
    # three_phase=False, transcribed.
    def anneal_cos(start, end, pct):
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)

    def lr(t, base, n, alpha):
        initial_lr = base / div_factor
        min_lr = initial_lr / final_div_factor
        phases = [
            (float(pct_start * n) - 1, initial_lr, base),
            (n - 1, base, min_lr),
        ]
        t = min(t, n - 1)  # torch stops at total_steps; we hold the end value
        start_step = 0
        for i, (end_step, start, end) in enumerate(phases):
            if t <= end_step or i == len(phases) - 1:
                pct = (t - start_step) / (end_step - start_step)
                return anneal_cos(start, end, pct)
            start_step = end_step

    return lr


CASES = {
    "constant": (Constant(), ref_constant),
    "invscaling": (InvScaling(), ref_invscaling(0.25)),
    "invscaling_0.5": (InvScaling(power_t=0.5), ref_invscaling(0.5)),
    "optimal": (Optimal(), ref_optimal),
    "exponential": (Exponential(), ref_exponential(0.01)),
    "exponential_0.5": (Exponential(decay=0.5), ref_exponential(0.5)),
    "step": (StepDecay(), ref_step(0.1, 2)),
    "step_custom": (StepDecay(gamma=0.5, n_drops=4), ref_step(0.5, 4)),
    "cosine": (Cosine(), ref_cosine(0.0)),
    "cosine_floor": (Cosine(min_fraction=0.1), ref_cosine(0.1)),
    "warmup_cosine": (WarmupCosine(), ref_warmup_cosine(0.1, 0.0)),
    "warmup_cosine_custom": (
        WarmupCosine(warmup_fraction=0.25, min_fraction=0.05),
        ref_warmup_cosine(0.25, 0.05),
    ),
    "onecycle": (OneCycle(), ref_onecycle()),
    "onecycle_custom": (
        OneCycle(pct_start=0.45, div_factor=10.0, final_div_factor=100.0),
        ref_onecycle(0.45, 10.0, 100.0),
    ),
    "adaptive": (Adaptive(), ref_constant),
}

# n_steps divisible by 3 and 5 (the step schedules' phase counts).
N_STEPS = [30, 100, 7]
BASE_LR = 0.05
ALPHA = 1e-3


def test_every_registered_schedule_is_covered():
    covered = {type(case[0]) for case in CASES.values()}
    assert set(SCHEDULES.values()) <= covered


@pytest.mark.parametrize("n_steps", N_STEPS)
@pytest.mark.parametrize("case", CASES)
def test_values_match_reference_formula(case, n_steps):
    schedule, reference = CASES[case]
    expected = [reference(t, BASE_LR, n_steps, ALPHA) for t in range(n_steps)]
    preview = schedule.values(BASE_LR, n_steps, ALPHA)
    assert preview.shape == (n_steps,)
    assert preview.dtype == float
    np.testing.assert_allclose(preview, expected, rtol=1e-12, atol=1e-15)
    # value() on an array of steps and on each int step gives the same.
    steps = np.arange(n_steps)
    np.testing.assert_allclose(
        schedule.value(steps, BASE_LR, n_steps, ALPHA), expected, rtol=1e-12
    )
    for t in (0, n_steps // 2, n_steps - 1):
        assert float(schedule.value(t, BASE_LR, n_steps, ALPHA)) == pytest.approx(
            expected[t], rel=1e-12
        )


@pytest.mark.parametrize("case", CASES)
def test_holds_the_end_value_past_n_steps(case):
    schedule, reference = CASES[case]
    n_steps = 30
    end = float(schedule.value(n_steps, BASE_LR, n_steps, ALPHA))
    beyond = schedule.value(np.array([31, 45, 300, 10**6]), BASE_LR, n_steps, ALPHA)
    assert np.all(np.isfinite(beyond))
    if isinstance(schedule, (InvScaling, Optimal)):
        # Open-ended decays: they keep decreasing, and stay positive.
        assert np.all(np.diff(beyond) < 0) and np.all(beyond > 0)
        assert end == pytest.approx(reference(n_steps, BASE_LR, n_steps, ALPHA))
    else:
        np.testing.assert_allclose(beyond, end, rtol=1e-12)
        # What it holds is where the schedule was heading.
        assert end == pytest.approx(reference(10**6, BASE_LR, n_steps, ALPHA))


@pytest.mark.parametrize(
    "schedule, final_fraction",
    [
        (Exponential(decay=0.01), 0.01),
        (StepDecay(gamma=0.1, n_drops=2), 0.01),
        (Cosine(min_fraction=0.2), 0.2),
        (WarmupCosine(min_fraction=0.3), 0.3),
        (OneCycle(div_factor=25.0, final_div_factor=1e4), 1 / 2.5e5),
    ],
)
def test_end_value_is_the_documented_fraction_of_base(schedule, final_fraction):
    value = float(schedule.value(1000, 0.2, 200, ALPHA))
    assert value == pytest.approx(0.2 * final_fraction, rel=1e-9)


@pytest.mark.parametrize(
    "case", ["invscaling", "optimal", "exponential", "step", "cosine", "cosine_floor"]
)
def test_decaying_schedules_are_monotone(case):
    schedule = CASES[case][0]
    curve = schedule.values(BASE_LR, 100, ALPHA)
    assert np.all(np.diff(curve) <= 0)
    assert curve[-1] < curve[0]
    if case != "step":
        assert np.all(np.diff(curve) < 0)  # strictly, for the smooth ones


def test_step_decay_is_piecewise_constant_with_n_drops_drops():
    curve = StepDecay(gamma=0.5, n_drops=3).values(1.0, 40)
    np.testing.assert_array_equal(np.repeat([1.0, 0.5, 0.25, 0.125], 10), curve)


@pytest.mark.parametrize("case", ["warmup_cosine", "warmup_cosine_custom"])
def test_warmup_rises_linearly_then_decays(case):
    schedule = CASES[case][0]
    n_steps = 100
    curve = schedule.values(BASE_LR, n_steps, ALPHA)
    warmup = max(1, round(schedule.warmup_fraction * n_steps))
    rising, falling = curve[:warmup], curve[warmup:]
    assert curve[0] > 0  # the first update is not wasted
    np.testing.assert_allclose(np.diff(rising), BASE_LR / warmup)
    assert rising[-1] == pytest.approx(BASE_LR)
    assert falling[0] == pytest.approx(BASE_LR)
    assert np.all(np.diff(falling) < 0)


@pytest.mark.parametrize("case", ["onecycle", "onecycle_custom"])
def test_onecycle_rises_to_the_peak_then_falls(case):
    schedule = CASES[case][0]
    n_steps = 200
    curve = schedule.values(BASE_LR, n_steps, ALPHA)
    peak = int(np.argmax(curve))
    assert curve[peak] == pytest.approx(BASE_LR)
    assert peak == pytest.approx(schedule.pct_start * n_steps - 1, abs=1)
    assert np.all(np.diff(curve[: peak + 1]) > 0)
    assert np.all(np.diff(curve[peak:]) < 0)
    assert curve[0] == pytest.approx(BASE_LR / schedule.div_factor)
    assert curve[-1] == pytest.approx(
        BASE_LR / (schedule.div_factor * schedule.final_div_factor)
    )


def test_onecycle_with_very_few_steps_stays_finite():
    for n_steps in (1, 2, 3, 4, 10):
        curve = OneCycle(pct_start=0.1).values(1.0, n_steps)
        assert np.all(np.isfinite(curve)) and np.all(curve > 0)
        assert curve.max() <= 1.0


def test_cosine_docstring_example():
    np.testing.assert_allclose(
        Cosine().values(0.1, 5),
        [0.1 * (1 + math.cos(math.pi * t / 5)) / 2 for t in range(5)],
    )


def test_optimal_ignores_the_learning_rate_and_needs_alpha():
    schedule = Optimal()
    np.testing.assert_allclose(
        schedule.values(0.1, 20, alpha=0.01), schedule.values(5.0, 20, alpha=0.01)
    )
    assert float(schedule.value(0, 0.1, 20, 0.01)) == pytest.approx(0.01**-0.25)
    with pytest.raises(ValueError, match="alpha"):
        schedule.value(0, 0.1, 20, 0.0)
    with pytest.raises(ValueError, match="alpha > 0"):
        GDRegressor(schedule="optimal", alpha=0.0).fit(np.eye(3), [1.0, 2.0, 3.0])


def test_constant_and_adaptive_are_flat():
    for schedule in (Constant(), Adaptive()):
        np.testing.assert_array_equal(schedule.values(0.3, 50), np.full(50, 0.3))
    assert Adaptive().get_params() == {"factor": 0.2, "min_learning_rate": 1e-6}


def test_only_adaptive_reacts_to_a_plateau():
    # Adaptive multiplies the step by factor while the reduced step stays at
    # least min_learning_rate; every other schedule lets training stop (None).
    schedule = Adaptive(factor=0.5, min_learning_rate=0.01)
    assert schedule.on_plateau(1.0, 0.1) == 0.5
    assert schedule.on_plateau(0.125, 0.1) is None  # 0.1 * 0.0625 < 0.01
    assert schedule.on_plateau(0.2, 0.1) == 0.1  # 0.1 * 0.1 == 0.01: allowed
    assert not any(
        cls().on_plateau(1.0, 0.1) is not None
        for cls in SCHEDULES.values()
        if cls is not Adaptive
    )


def test_values_validates_parameters():
    with pytest.raises(InvalidParameterError, match="power_t"):
        InvScaling(power_t=-1.0).values(0.1, 10)
    with pytest.raises(InvalidParameterError, match="decay"):
        Exponential(decay=0.0).values(0.1, 10)
    with pytest.raises(InvalidParameterError, match="pct_start"):
        OneCycle(pct_start=1.0).values(0.1, 10)


def test_schedules_are_stateless():
    for name, cls in SCHEDULES.items():
        schedule = cls()
        before = dict(schedule.__dict__)
        schedule.values(0.1, 25, ALPHA)
        schedule.value(np.arange(40), 0.1, 25, ALPHA)
        assert schedule.__dict__ == before, name


# ---------------------------------------------------------------------------
# In an estimator


def _data(n=50, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    return X, X @ np.array([1.0, -1.0, 2.0]) + rng.normal(scale=0.1, size=n)


@pytest.mark.parametrize(
    "schedule", [Cosine(), OneCycle(), WarmupCosine(warmup_fraction=0.3), StepDecay()]
)
def test_estimator_records_the_schedule_value_at_each_epoch_end(schedule):
    # 50 samples in batches of 10: 5 updates per epoch, 4 epochs, n_steps = 20;
    # the epoch e ends with update 5 e + 4 (counted from 0).
    X, y = _data()
    model = GDRegressor(
        optimizer="sgd",
        schedule=schedule,
        learning_rate=0.02,
        batch_size=10,
        max_iter=4,
        tol=None,
        random_state=0,
    ).fit(X, y)
    expected = schedule.value(np.arange(4, 20, 5), 0.02, 20, model.alpha)
    np.testing.assert_allclose(model.learning_rate_curve_, expected, rtol=1e-12)
    assert model.t_ == 20


def test_adaptive_divides_the_step_on_plateaus_until_the_minimum():
    # A huge tol makes every epoch after the first a non-improvement; epochs
    # of many updates (batch_size=1) so that plateaus are long enough.
    X, y = _data()
    model = GDRegressor(
        optimizer="sgd",
        schedule=Adaptive(factor=0.5, min_learning_rate=1e-3),
        learning_rate=0.01,
        batch_size=1,
        tol=1e3,
        n_iter_no_change=2,
        max_iter=300,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # it stops by itself: no ConvergenceWarning
        model.fit(X, y)
    curve = model.learning_rate_curve_
    levels = np.log(curve / 0.01) / np.log(0.5)
    np.testing.assert_allclose(levels, np.round(levels), atol=1e-9)  # 0.01 * 0.5^k
    assert np.all(np.diff(curve) <= 0)
    assert len(np.unique(curve)) >= 3
    assert curve.min() >= 1e-3
    assert model.n_iter_ < 300
