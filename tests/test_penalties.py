"""Unit tests of the penalties in :mod:`sklearn_gd.penalties`.

A penalty ``R(w)`` splits into a smooth part, whose gradient the optimizer
follows (``gradient``), and a non-smooth part applied by its proximal operator
(``prox``). Checked here, against formulas written out independently:

- ``value``: ``l2`` = ½‖w‖², ``l1`` = ‖w‖₁,
  ``elasticnet`` = (1−r)·½‖w‖² + r·‖w‖₁, no penalty = 0;
- ``gradient`` is the gradient of the smooth part, against central finite
  differences of that part (and of ``value`` itself for smooth penalties);
- the L1 subgradient: finite differences of ``value`` give ``sign(w)`` away
  from 0, and ``(x − prox_t(x)) / t`` is a subgradient of ‖·‖₁ at the result;
- ``prox`` against the closed form (soft-thresholding, scalar or per-coordinate
  thresholds, exact zeros, in place) and against a numerical minimisation of
  ½‖v−x‖² + t·R_ns(v);
- the split as a whole: proximal gradient iterations with ``gradient`` and
  ``prox`` converge to the closed-form minimiser of ½‖w−a‖² + λ·R(w);
- ``l2_share`` and ``is_smooth``, which the engine reads.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from sklearn_gd.penalties import L1, L2, PENALTIES, ElasticNet, NoPenalty, Penalty

# (penalty, smooth part S(w), non-smooth part N(w), smooth?, l2 share)
# with R = S + N, written independently of the library.
CASES = {
    "none": (NoPenalty(), lambda w: 0.0, lambda w: 0.0, True, 0.0),
    "l2": (L2(), lambda w: 0.5 * np.sum(w**2), lambda w: 0.0, True, 1.0),
    "l1": (L1(), lambda w: 0.0, lambda w: np.sum(np.abs(w)), False, 0.0),
    "elasticnet": (
        ElasticNet(),
        lambda w: 0.85 * 0.5 * np.sum(w**2),
        lambda w: 0.15 * np.sum(np.abs(w)),
        False,
        0.85,
    ),
    "elasticnet_0.7": (
        ElasticNet(l1_ratio=0.7),
        lambda w: 0.3 * 0.5 * np.sum(w**2),
        lambda w: 0.7 * np.sum(np.abs(w)),
        False,
        0.3,
    ),
    "elasticnet_1": (
        ElasticNet(l1_ratio=1.0),
        lambda w: 0.0,
        lambda w: np.sum(np.abs(w)),
        False,
        0.0,
    ),
}


def _weights(shape=(6, 3), seed=0):
    """Random weights at least 0.05 away from 0 (away from the L1 kink)."""
    rng = np.random.RandomState(seed)
    w = rng.uniform(0.05, 2.0, size=shape) * rng.choice([-1, 1], size=shape)
    return w


def _finite_difference(function, w, h=1e-6):
    grad = np.empty_like(w)
    for index in np.ndindex(w.shape):
        plus, minus = w.copy(), w.copy()
        plus[index] += h
        minus[index] -= h
        grad[index] = (function(plus) - function(minus)) / (2 * h)
    return grad


def _soft_threshold(x, t):
    return np.sign(x) * np.maximum(np.abs(x) - t, 0.0)


def test_every_registered_penalty_is_covered():
    covered = {type(case[0]) for case in CASES.values()}
    assert set(PENALTIES.values()) <= covered


@pytest.mark.parametrize("shape", [(5,), (6, 3)])
@pytest.mark.parametrize("case", CASES)
def test_value_matches_formula(case, shape):
    penalty, smooth, nonsmooth, _, _ = CASES[case]
    w = _weights(shape)
    value = penalty.value(w)
    assert np.isscalar(value)
    assert value == pytest.approx(smooth(w) + nonsmooth(w), rel=1e-12)
    assert penalty.value(np.zeros(shape)) == 0.0


@pytest.mark.parametrize("case", CASES)
def test_gradient_is_that_of_the_smooth_part(case):
    penalty, smooth, _, _, _ = CASES[case]
    w = _weights()
    grad = penalty.gradient(w)
    assert grad.shape == w.shape
    np.testing.assert_allclose(grad, _finite_difference(smooth, w), atol=1e-7)


@pytest.mark.parametrize("case", ["none", "l2"])
def test_smooth_penalty_gradient_matches_finite_differences_of_value(case):
    penalty = CASES[case][0]
    w = _weights(seed=1)
    np.testing.assert_allclose(
        penalty.gradient(w), _finite_difference(penalty.value, w), atol=1e-7
    )


@pytest.mark.parametrize("case", ["l1", "elasticnet", "elasticnet_0.7"])
def test_value_derivative_away_from_zero_is_gradient_plus_l1_sign(case):
    # d/dw [(1 - r) ½ w² + r |w|] = (1 - r) w + r sign(w) for w != 0.
    penalty = CASES[case][0]
    l1_ratio = getattr(penalty, "l1_ratio", 1.0)
    w = _weights(seed=2)
    np.testing.assert_allclose(
        _finite_difference(penalty.value, w),
        penalty.gradient(w) + l1_ratio * np.sign(w),
        atol=1e-7,
    )


def test_l1_prox_residual_is_a_subgradient():
    # x - prox_t(x) = t g with g in the subdifferential of ||.||_1 at prox_t(x):
    # g = sign(v) where v != 0, |g| <= 1 where v == 0.
    rng = np.random.RandomState(3)
    x = rng.normal(size=200)
    t = 0.4
    v = x.copy()
    L1().prox(v, t)
    g = (x - v) / t
    nonzero = v != 0
    assert nonzero.any() and (~nonzero).any()
    np.testing.assert_allclose(g[nonzero], np.sign(v[nonzero]))
    assert np.all(np.abs(g[~nonzero]) <= 1 + 1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_l1_prox_is_soft_thresholding_in_place_with_exact_zeros(dtype):
    x = np.array([[-3.0, -0.5, -0.2], [0.0, 0.2, 0.7]], dtype=dtype)
    w = x.copy()
    result = L1().prox(w, 0.5)
    assert result is None  # in place
    np.testing.assert_allclose(w, [[-2.5, 0.0, 0.0], [0.0, 0.0, 0.2]], rtol=1e-6)
    assert w.dtype == dtype
    assert np.count_nonzero(w == 0.0) == 4  # exact zeros, not tiny numbers


def test_prox_takes_a_per_coordinate_threshold():
    # Adaptive optimizers give one step size per coordinate.
    rng = np.random.RandomState(4)
    x = rng.normal(size=(5, 2))
    t = rng.uniform(0.0, 1.0, size=(5, 2))
    w = x.copy()
    L1().prox(w, t)
    np.testing.assert_allclose(w, _soft_threshold(x, t))
    w = x.copy()
    ElasticNet(l1_ratio=0.3).prox(w, t)
    np.testing.assert_allclose(w, _soft_threshold(x, 0.3 * t))


@pytest.mark.parametrize("t", [0.0, 0.05, 0.3, 2.0])
@pytest.mark.parametrize("case", CASES)
def test_prox_minimises_distance_plus_nonsmooth_part(case, t):
    # prox_t(x) = argmin_v ½||v - x||² + t N(v); N is separable, so minimise
    # coordinate by coordinate, numerically.
    penalty, _, nonsmooth, _, _ = CASES[case]
    rng = np.random.RandomState(5)
    x = rng.normal(scale=1.0, size=8)
    w = x.copy()
    penalty.prox(w, t)
    for i in range(x.size):

        def objective(v, i=i):
            return 0.5 * (v - x[i]) ** 2 + t * nonsmooth(np.array([v]))

        best = minimize_scalar(
            objective, bounds=(-5, 5), method="bounded", options={"xatol": 1e-10}
        )
        assert w[i] == pytest.approx(best.x, abs=1e-6)


@pytest.mark.parametrize("case", CASES)
def test_proximal_gradient_reaches_the_closed_form_minimiser(case):
    # min_w ½||w - a||² + lam R(w) has the closed form
    # soft(a, lam r) / (1 + lam (1 - r)) for R = (1-r) ½||w||² + r ||w||_1:
    # gradient steps on the smooth part plus prox of the non-smooth part must
    # land exactly there (this is how the engine uses a penalty).
    penalty, _, _, _, l2_share = CASES[case]
    l1_share = {"none": 0.0, "l2": 0.0}.get(case, 1.0 - l2_share)
    a = np.array([2.0, 0.05, -1.0, -0.02, 0.5, -0.3])
    lam = 0.4
    eta = 0.3
    w = np.zeros_like(a)
    for _ in range(300):
        w -= eta * ((w - a) + lam * penalty.gradient(w))
        penalty.prox(w, lam * eta)
    expected = _soft_threshold(a, lam * l1_share) / (1 + lam * l2_share)
    np.testing.assert_allclose(w, expected, atol=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_smoothness_flag_and_l2_share(case):
    penalty, _, _, smooth, l2_share = CASES[case]
    assert penalty.is_smooth is smooth
    assert penalty.l2_share == pytest.approx(l2_share)


def test_smooth_penalties_prox_is_identity():
    x = np.array([-1.0, 0.01, 2.0])
    for penalty in (NoPenalty(), L2()):
        w = x.copy()
        penalty.prox(w, 0.7)
        np.testing.assert_array_equal(w, x)


def test_zero_penalty():
    w = _weights(seed=6)
    penalty = NoPenalty()
    assert penalty.value(w) == 0.0
    np.testing.assert_array_equal(penalty.gradient(w), np.zeros_like(w))
    assert penalty.gradient(w) is not w


@pytest.mark.parametrize("l1_ratio", [0.0, 1.0])
def test_elasticnet_endpoints_are_l2_and_l1(l1_ratio):
    w = _weights(seed=7)
    penalty = ElasticNet(l1_ratio=l1_ratio)
    reference = L2() if l1_ratio == 0 else L1()
    assert penalty.value(w) == pytest.approx(reference.value(w))
    np.testing.assert_allclose(penalty.gradient(w), reference.gradient(w))
    a, b = w.copy(), w.copy()
    penalty.prox(a, 0.5)
    reference.prox(b, 0.5)
    np.testing.assert_allclose(a, b)


def test_elasticnet_l2_share_follows_a_changed_l1_ratio():
    penalty = ElasticNet(l1_ratio=0.2)
    penalty.set_params(l1_ratio=0.6)
    assert penalty.l2_share == pytest.approx(0.4)
    assert penalty.get_params() == {"l1_ratio": 0.6}


def test_a_custom_non_smooth_penalty_must_say_its_non_smooth_value():
    # fista needs h(w); the base class's 0 would make its line search stall.
    class Capped(Penalty):
        is_smooth = False

        def value(self, w):
            return float(np.minimum(np.abs(w), 1).sum())

        def gradient(self, w):
            return np.zeros_like(w)

    with pytest.raises(NotImplementedError, match="nonsmooth_value"):
        Capped().nonsmooth_value(np.ones(3))
    assert L2().nonsmooth_value(np.ones(3)) == 0.0
    assert L1().nonsmooth_value(np.array([1.0, -2.0])) == 3.0


def _tsuruoka_reference(w, total, applied, l1_share=1.0):
    """Tsuruoka et al. (2009), Figure 2's ApplyPenalty, one weight at a time."""
    w, applied = w.copy(), applied.copy()
    for j in range(len(w)):
        z = w[j]
        if w[j] > 0:
            w[j] = max(0.0, w[j] - (l1_share * total[j] + applied[j]))
        elif w[j] < 0:
            w[j] = min(0.0, w[j] + (l1_share * total[j] - applied[j]))
        applied[j] += w[j] - z
    return w, applied


@pytest.mark.parametrize("penalty", [L1(), ElasticNet(l1_ratio=0.3)])
def test_cumulative_prox_is_tsuruokas_clipping(penalty):
    rng = np.random.RandomState(0)
    w = rng.randn(8) * np.repeat([0.01, 1.0], 4)  # small weights reach 0
    total = np.abs(rng.randn(8))
    share = getattr(penalty, "l1_ratio", 1.0)
    # What a weight received so far: part of its share of the total.
    applied = -rng.uniform(0, 1, 8) * share * total * np.sign(w)
    expected_w, expected_applied = _tsuruoka_reference(w, total, applied, share)
    penalty.cumulative_prox(w, 0.1, total, applied)
    np.testing.assert_allclose(w, expected_w)
    np.testing.assert_allclose(applied, expected_applied)
    assert (expected_w == 0).any()  # some weights are clipped to exactly 0


def test_cumulative_prox_of_a_weight_that_keeps_its_sign_is_the_prox():
    # A weight far from 0 receives all it owes at each step: plain
    # soft-thresholding by this update's threshold.
    w = np.array([3.0, -2.0])
    cumulative, plain = w.copy(), w.copy()
    total, applied = np.zeros(2), np.zeros(2)
    for threshold in (0.1, 0.2, 0.05):
        total += threshold
        L1().cumulative_prox(cumulative, threshold, total, applied)
        L1().prox(plain, threshold)
        np.testing.assert_allclose(cumulative, plain)


def test_a_custom_penalty_without_a_cumulative_prox_uses_its_prox():
    class Shrink(L2):
        is_smooth = False

        def prox(self, w, threshold):
            w *= 0.5

    w = np.ones(3)
    Shrink().cumulative_prox(w, 0.1, np.zeros(3), np.zeros(3))
    np.testing.assert_allclose(w, 0.5)
