"""Activations (``sklearn_gd/activations.py``): values against their formulas
written out here, derivatives against central finite differences, dtypes
kept, parameters validated, and the registry complete."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import norm

from sklearn_gd.activations import (
    ACTIVATIONS,
    ELU,
    GELU,
    Activation,
    LeakyReLU,
)
from sklearn_gd.validation import InvalidParameterError

# Away from 0, where ReLU-like functions have their kink.
Z = np.concatenate([np.linspace(-6, -0.01, 40), np.linspace(0.01, 6, 40)])

FORMULAS = {
    "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.exp(z) - 1),
    "gelu": lambda z: z * norm.cdf(z),
    "softplus": lambda z: np.log1p(np.exp(z)),
    "tanh": np.tanh,
    "logistic": lambda z: 1 / (1 + np.exp(-z)),
    "identity": lambda z: z,
}


def test_every_shorthand_has_a_formula_here():
    assert set(FORMULAS) == set(ACTIVATIONS)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_value_matches_its_formula(name):
    assert_allclose(ACTIVATIONS[name]().value(Z), FORMULAS[name](Z), rtol=1e-12)


@pytest.mark.parametrize(
    "activation",
    [cls() for cls in ACTIVATIONS.values()] + [LeakyReLU(0.2), ELU(alpha=0.5)],
    ids=lambda a: repr(a),
)
def test_derivative_matches_finite_differences(activation):
    h = 1e-6
    expected = (activation.value(Z + h) - activation.value(Z - h)) / (2 * h)
    derivative = activation.derivative(Z, activation.value(Z))
    assert_allclose(derivative, expected, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_float32_stays_float32_and_inputs_are_left_alone(name):
    z = Z.astype(np.float32)
    before = z.copy()
    activation = ACTIVATIONS[name]()
    a = activation.value(z)
    assert a.dtype == np.float32
    assert activation.derivative(z, a).dtype == np.float32
    assert not np.shares_memory(a, z)
    assert_allclose(z, before)


def test_relu_family_flags_what_auto_init_uses():
    family = {name for name, cls in ACTIVATIONS.items() if cls.relu_family}
    assert family == {"relu", "leaky_relu", "elu", "gelu", "softplus"}


@pytest.mark.parametrize(
    "activation, name", [(LeakyReLU(negative_slope=1.5), "negative_slope"),
                         (ELU(alpha=0.0), "alpha")]
)
def test_bad_parameters_are_named(activation, name):
    with pytest.raises(InvalidParameterError, match=name):
        activation.validate()


def test_gelu_is_the_exact_form():
    assert_allclose(GELU().value(np.array([1.0])), [norm.cdf(1.0)], rtol=1e-12)


def test_a_custom_activation_subclasses_the_base():
    class Square(Activation):
        def value(self, z):
            return z * z

        def derivative(self, z, a):
            return 2 * z

    assert_allclose(Square().derivative(Z, Square().value(Z)), 2 * Z)
