"""Activations: the elementwise functions between a network's layers.

A hidden layer computes ``a = g(z)`` from its pre-activation ``z = a_prev @ W + b``.
Backpropagation needs ``g'(z)``; :meth:`Activation.derivative` receives both
``z`` and ``a = g(z)``, since for several functions (logistic, tanh, ReLU) the
derivative is cheaper from ``a``.

Use them through ``GDClassifier(hidden_layer_sizes=(100,), activation=...)``:
a string shorthand, an :class:`Activation` object (``LeakyReLU(negative_slope=0.1)``,
grid-searchable as ``activation__negative_slope``), or a list with one per
hidden layer. Write a new one by subclassing :class:`Activation` and
implementing :meth:`~Activation.value` and :meth:`~Activation.derivative`.

Each class keeps the dtype of its input (float32 stays float32).
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from scipy.special import expit, ndtr

from ._component import Component
from .validation import Interval

__all__ = [
    "ACTIVATIONS",
    "ELU",
    "GELU",
    "Activation",
    "Identity",
    "LeakyReLU",
    "Logistic",
    "ReLU",
    "Softplus",
    "Tanh",
]


class Activation(Component):
    """Base class of activations.

    Attributes
    ----------
    relu_family : bool
        Whether ``init="auto"`` draws this layer's weights with He's variance
        (``2 / fan_in``, for functions that zero about half of their inputs)
        rather than Glorot's.
    """

    relu_family = False

    def value(self, z: np.ndarray) -> np.ndarray:
        """``g(z)`` elementwise, as a new array of ``z``'s dtype.

        Parameters
        ----------
        z : ndarray of shape (n_samples, n_units)
            A layer's pre-activations.

        Returns
        -------
        ndarray of shape (n_samples, n_units)
            The activations ``a = g(z)``.
        """
        raise NotImplementedError

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """``g'(z)`` elementwise, as a new array; ``a`` is ``g(z)``.

        Parameters
        ----------
        z : ndarray of shape (n_samples, n_units)
            A layer's pre-activations.
        a : ndarray of shape (n_samples, n_units)
            Its activations, ``g(z)``, as :meth:`value` returned them.

        Returns
        -------
        ndarray of shape (n_samples, n_units)
            The derivative ``g'(z)``.
        """
        raise NotImplementedError


class ReLU(Activation):
    """Rectified linear unit, ``g(z) = max(z, 0)``; ``g'(z) = 1 if z > 0 else 0``.

    The default for hidden layers: cheap, and its gradient does not shrink
    through many layers where units are active. A unit whose ``z`` is negative
    on every sample gets no gradient (a "dead" unit); :class:`LeakyReLU` avoids
    that.
    """

    relu_family = True

    def value(self, z):
        return np.maximum(z, 0)

    def derivative(self, z, a):
        return (z > 0).astype(z.dtype)


class LeakyReLU(Activation):
    """``g(z) = z if z > 0 else negative_slope * z``.

    Parameters
    ----------
    negative_slope : float, default=0.01
        The slope for negative ``z``, in [0, 1).
    """

    relu_family = True
    _parameter_constraints = {"negative_slope": [Interval(Real, 0, 1, "left")]}

    def __init__(self, negative_slope: float = 0.01) -> None:
        self.negative_slope = negative_slope

    def value(self, z):
        return np.where(z > 0, z, z * z.dtype.type(self.negative_slope))

    def derivative(self, z, a):
        slope = z.dtype.type(self.negative_slope)
        return np.where(z > 0, z.dtype.type(1), slope)


class ELU(Activation):
    """Exponential linear unit (Clevert et al., 2016).

    ``g(z) = z if z > 0 else alpha * (exp(z) - 1)``;
    ``g'(z) = 1 if z > 0 else g(z) + alpha``.

    Parameters
    ----------
    alpha : float, default=1.0
        The value ``-alpha`` that ``g`` tends to for large negative ``z``.
    """

    relu_family = True
    _parameter_constraints = {"alpha": [Interval(Real, 0, None, "neither")]}

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def value(self, z):
        alpha = z.dtype.type(self.alpha)
        return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))

    def derivative(self, z, a):
        return np.where(z > 0, z.dtype.type(1), a + z.dtype.type(self.alpha))


class GELU(Activation):
    """Gaussian error linear unit (Hendrycks and Gimpel, 2016), exact form.

    ``g(z) = z Φ(z)`` with ``Φ(z) = (1 + erf(z / √2)) / 2`` the standard normal
    CDF (``scipy.special.ndtr``); ``g'(z) = Φ(z) + z φ(z)`` with
    ``φ(z) = exp(-z² / 2) / √(2π)``.
    """

    relu_family = True

    def value(self, z):
        return z * _normal_cdf(z)

    def derivative(self, z, a):
        density = np.exp(-0.5 * z * z) * z.dtype.type(1 / np.sqrt(2 * np.pi))
        return _normal_cdf(z) + z * density


class Softplus(Activation):
    """``g(z) = log(1 + exp(z))``, a smooth ReLU; ``g'(z) = 1 / (1 + exp(-z))``."""

    relu_family = True

    def value(self, z):
        return np.logaddexp(z.dtype.type(0), z)

    def derivative(self, z, a):
        return expit(z)


class Tanh(Activation):
    """``g(z) = tanh(z)``; ``g'(z) = 1 - g(z)²``.

    Zero-centred and bounded; its gradient vanishes for large ``|z|``, which
    makes deep tanh networks slow to train without Glorot initialisation.
    """

    def value(self, z):
        return np.tanh(z)

    def derivative(self, z, a):
        return 1 - a * a


class Logistic(Activation):
    """``g(z) = 1 / (1 + exp(-z))``; ``g'(z) = g(z) (1 - g(z))``, at most 1/4.

    Through many layers its gradient shrinks by at least 4 per layer: the
    textbook case of vanishing gradients (see ``gradient_norms_``).
    """

    def value(self, z):
        return expit(z)

    def derivative(self, z, a):
        return a * (1 - a)


class Identity(Activation):
    """``g(z) = z``; ``g'(z) = 1``. A network of identity layers is linear."""

    def value(self, z):
        return z.copy()

    def derivative(self, z, a):
        return np.ones_like(z)


def _normal_cdf(z: np.ndarray) -> np.ndarray:
    """``Φ(z)``, the standard normal CDF, in ``z``'s dtype."""
    # scipy's ndtr keeps its relative accuracy in the left tail, where
    # (1 + erf(z / √2)) / 2 cancels.
    return ndtr(z).astype(z.dtype, copy=False)


ACTIVATIONS = {
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "elu": ELU,
    "gelu": GELU,
    "softplus": Softplus,
    "tanh": Tanh,
    "logistic": Logistic,
    "identity": Identity,
}
