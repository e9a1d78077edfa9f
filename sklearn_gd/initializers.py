"""Initializers: how a hidden layer's weights are drawn before training.

A layer with ``fan_in`` inputs and ``fan_out`` units gets a weight matrix of
shape ``(fan_in, fan_out)`` drawn from the estimator's ``random_state``, and
zero biases. The variance is chosen so that signals keep their size through
the layers, neither vanishing nor exploding at the start:

- Glorot (Glorot and Bengio, 2010): ``Var(W) = 2 / (fan_in + fan_out)``, for
  tanh, logistic and identity layers;
- He (He et al., 2015): ``Var(W) = 2 / fan_in``, for the ReLU family, which
  zeroes about half of its inputs.

A uniform draw on ``[-b, b]`` has variance ``b² / 3``. ``init="auto"`` (the
default) uses :class:`HeUniform` for the ReLU family and :class:`GlorotUniform`
otherwise, with scikit-learn's ``MLPClassifier`` factor 2 instead of 6 for
logistic layers. The output layer always starts at zero weights and the loss's
best constant bias, whatever the initializer.

Write a new one by subclassing :class:`Initializer` and implementing
:meth:`~Initializer.weights`.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

from ._component import Component
from .activations import Activation, Logistic
from .validation import Interval

__all__ = [
    "INITIALIZERS",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Initializer",
    "auto_initializer",
]


class Initializer(Component):
    """Base class of weight initializers."""

    def weights(
        self, fan_in: int, fan_out: int, random_state: np.random.RandomState, dtype
    ) -> np.ndarray:
        """A weight matrix of shape ``(fan_in, fan_out)`` and dtype ``dtype``.

        Parameters
        ----------
        fan_in : int
            Number of the layer's inputs.
        fan_out : int
            Number of the layer's units.
        random_state : numpy.random.RandomState
            The fit's random stream, to draw the weights from.
        dtype : numpy dtype
            Floating-point dtype of the weights.

        Returns
        -------
        ndarray of shape (fan_in, fan_out)
            The layer's initial weights.
        """
        raise NotImplementedError


class GlorotUniform(Initializer):
    """Uniform on ``[-b, b]`` with ``b = sqrt(factor / (fan_in + fan_out))``.

    ``factor=6`` gives Glorot's variance ``2 / (fan_in + fan_out)``.

    Parameters
    ----------
    factor : float, default=6.0
        scikit-learn's MLP uses 2 for logistic layers (a variance of
        ``2 / (3 (fan_in + fan_out))``).
    """

    _parameter_constraints = {"factor": [Interval(Real, 0, None, "neither")]}

    def __init__(self, factor: float = 6.0) -> None:
        self.factor = factor

    def weights(self, fan_in, fan_out, random_state, dtype):
        bound = np.sqrt(self.factor / (fan_in + fan_out))
        return _uniform(bound, fan_in, fan_out, random_state, dtype)


class GlorotNormal(Initializer):
    """Normal with mean 0 and variance ``2 / (fan_in + fan_out)``."""

    def weights(self, fan_in, fan_out, random_state, dtype):
        std = np.sqrt(2.0 / (fan_in + fan_out))
        return _normal(std, fan_in, fan_out, random_state, dtype)


class HeUniform(Initializer):
    """Uniform on ``[-b, b]`` with ``b = sqrt(6 / fan_in)``: variance ``2 / fan_in``."""

    def weights(self, fan_in, fan_out, random_state, dtype):
        return _uniform(np.sqrt(6.0 / fan_in), fan_in, fan_out, random_state, dtype)


class HeNormal(Initializer):
    """Normal with mean 0 and variance ``2 / fan_in``."""

    def weights(self, fan_in, fan_out, random_state, dtype):
        return _normal(np.sqrt(2.0 / fan_in), fan_in, fan_out, random_state, dtype)


def _uniform(bound, fan_in, fan_out, random_state, dtype) -> np.ndarray:
    """``U(-bound, bound)`` draws of shape ``(fan_in, fan_out)``."""
    return random_state.uniform(-bound, bound, (fan_in, fan_out)).astype(dtype)


def _normal(std, fan_in, fan_out, random_state, dtype) -> np.ndarray:
    """``N(0, std²)`` draws of shape ``(fan_in, fan_out)``."""
    return (std * random_state.standard_normal((fan_in, fan_out))).astype(dtype)


def auto_initializer(activation: Activation) -> Initializer:
    """What ``init="auto"`` uses before a layer of ``activation``.

    Parameters
    ----------
    activation : Activation
        The layer's activation.

    Returns
    -------
    Initializer
        :class:`HeUniform` for the ReLU family (``relu_family``),
        ``GlorotUniform(factor=2.0)`` for :class:`~sklearn_gd.activations.Logistic`,
        else :class:`GlorotUniform`.
    """
    if activation.relu_family:
        return HeUniform()
    if isinstance(activation, Logistic):
        return GlorotUniform(factor=2.0)
    return GlorotUniform()


INITIALIZERS = {
    "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "he_uniform": HeUniform,
    "he_normal": HeNormal,
}
