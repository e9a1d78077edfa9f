"""Initializers (``sklearn_gd/initializers.py``): shapes, dtypes, seeding,
and each one's variance (or bound) against its formula."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from sklearn_gd.activations import ACTIVATIONS, Logistic, Tanh
from sklearn_gd.initializers import (
    INITIALIZERS,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    auto_initializer,
)

FAN_IN, FAN_OUT = 300, 200

VARIANCES = {
    "glorot_uniform": 2 / (FAN_IN + FAN_OUT),
    "glorot_normal": 2 / (FAN_IN + FAN_OUT),
    "he_uniform": 2 / FAN_IN,
    "he_normal": 2 / FAN_IN,
}


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_variance_matches_the_formula(name):
    weights = INITIALIZERS[name]().weights(
        FAN_IN, FAN_OUT, np.random.RandomState(0), np.float64
    )
    assert weights.shape == (FAN_IN, FAN_OUT)
    # 60,000 draws: the sample variance is within ~1% of the true one.
    assert_allclose(weights.var(), VARIANCES[name], rtol=0.03)
    assert abs(weights.mean()) < 0.01 * np.sqrt(VARIANCES[name]) * 10


@pytest.mark.parametrize(
    "initializer, bound",
    [
        (GlorotUniform(), np.sqrt(6 / (FAN_IN + FAN_OUT))),
        (GlorotUniform(factor=2.0), np.sqrt(2 / (FAN_IN + FAN_OUT))),
        (HeUniform(), np.sqrt(6 / FAN_IN)),
    ],
)
def test_uniform_draws_fill_their_bound(initializer, bound):
    weights = initializer.weights(FAN_IN, FAN_OUT, np.random.RandomState(0), float)
    assert np.abs(weights).max() <= bound
    assert np.abs(weights).max() > 0.99 * bound


@pytest.mark.parametrize("cls", [GlorotUniform, GlorotNormal, HeUniform, HeNormal])
def test_seeded_and_dtype_kept(cls):
    draw = cls().weights(5, 3, np.random.RandomState(0), np.float32)
    assert draw.dtype == np.float32
    again = cls().weights(5, 3, np.random.RandomState(0), np.float32)
    assert np.array_equal(draw, again)


def test_auto_follows_the_activation_as_scikit_learns_mlp():
    for name, cls in ACTIVATIONS.items():
        chosen = auto_initializer(cls())
        if cls.relu_family:
            assert isinstance(chosen, HeUniform), name
        else:
            assert isinstance(chosen, GlorotUniform), name
    assert auto_initializer(Logistic()).factor == 2.0
    assert auto_initializer(Tanh()).factor == 6.0
