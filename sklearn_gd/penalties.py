"""Penalties: the regulariser ``R(w)`` in ``J(w) = mean loss + alpha * R(w)``.

A penalty applies to the weights only, never to intercepts. It splits into a
smooth part, whose gradient the optimizer follows, and a non-smooth part handled
by its proximal operator after each optimizer step (proximal gradient descent):

.. math::

    \\operatorname{prox}_{t}(w) = \\arg\\min_v \\tfrac12 \\|v - w\\|^2 + t\\, R_{ns}(v)

For the L1 norm the prox is soft-thresholding,
``sign(w) * max(|w| - t, 0)``, which sets small weights to exactly zero.

The methods work at unit strength: the engine multiplies by ``alpha`` (and by the
step size for the prox threshold). Write a new penalty by subclassing
:class:`Penalty`.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

from ._component import Component
from .validation import Interval

__all__ = ["L1", "L2", "ElasticNet", "NoPenalty", "Penalty"]


class Penalty(Component):
    """Base class of penalties.

    Attributes
    ----------
    is_smooth : bool
        False when the penalty has a non-smooth part handled by :meth:`prox`.
    l2_share : float
        The weight of ``½‖w‖²`` in the penalty, for optimizers that apply it as
        decoupled weight decay (AdamW).
    """

    is_smooth = True
    l2_share = 0.0

    def value(self, w: np.ndarray) -> float:
        """``R(w)`` at unit strength.

        Parameters
        ----------
        w : ndarray
            Weights: one weight matrix, or the weights' part of the flat
            parameter vector.

        Returns
        -------
        float
            The penalty's value.
        """
        raise NotImplementedError

    def gradient(self, w: np.ndarray) -> np.ndarray:
        """Gradient of the smooth part of ``R`` at ``w``.

        Parameters
        ----------
        w : ndarray
            Weights: one weight matrix, or the weights' part of the flat
            parameter vector.

        Returns
        -------
        ndarray
            The gradient, of ``w``'s shape (zeros where ``R`` has no smooth
            part).
        """
        raise NotImplementedError

    def nonsmooth_value(self, w: np.ndarray) -> float:
        """The non-smooth part of ``R(w)``, the one :meth:`prox` handles (0 for
        a smooth penalty); full-batch proximal solvers (``fista``) need it.

        A penalty with ``is_smooth = False`` must implement it.

        Parameters
        ----------
        w : ndarray
            Weights: one weight matrix, or the weights' part of the flat
            parameter vector.

        Returns
        -------
        float
            The non-smooth part's value at unit strength.
        """
        if not self.is_smooth:
            raise NotImplementedError(
                f"{type(self).__name__} is not smooth: it must implement "
                "nonsmooth_value(w), the part of R(w) that prox handles, for "
                "full-batch proximal solvers (optimizer='fista', or 'auto')."
            )
        return 0.0

    def prox(self, w: np.ndarray, threshold: np.ndarray | float) -> None:
        """Apply the proximal operator of the non-smooth part, in place.

        Parameters
        ----------
        w : ndarray
            Weights, modified in place.
        threshold : float or ndarray broadcastable to ``w``
            ``alpha`` times the step size that produced ``w`` (per coordinate for
            optimizers with per-coordinate steps).
        """

    def cumulative_prox(self, w, threshold, total, applied) -> None:
        """The proximal step for noisy (mini-batch) updates, in place.

        A prox applied to every noisy update knocks weights off zero as
        often as it sets them there. The built-in L1 parts instead clip each
        weight by what is still owed of ``total``, all the penalty it could
        have received so far, less ``applied``, what it did receive
        (the cumulative penalty of Tsuruoka et al., 2009, as scikit-learn's
        SGD). The default applies :meth:`prox` with ``threshold``.

        Parameters
        ----------
        w : ndarray
            Weights, modified in place.
        threshold : float or ndarray
            This update's ``alpha`` times step size, as for :meth:`prox`.
        total : ndarray
            The sum of all updates' thresholds so far, this one included.
        applied : ndarray
            The signed penalty applied to each weight so far; updated in place.
        """
        self.prox(w, threshold)


class NoPenalty(Penalty):
    """No regularisation: ``R(w) = 0`` (``penalty=None``)."""

    def value(self, w):
        return 0.0

    def gradient(self, w):
        return np.zeros_like(w)


class L2(Penalty):
    """Ridge penalty ``R(w) = ½ ‖w‖²``, gradient ``w``."""

    l2_share = 1.0

    def value(self, w):
        return 0.5 * float(np.vdot(w, w))

    def gradient(self, w):
        return w


class L1(Penalty):
    """Lasso penalty ``R(w) = ‖w‖₁``, applied by soft-thresholding.

    ``prox_t(w) = sign(w) max(|w| - t, 0)``: exact zeros, not small numbers.
    """

    is_smooth = False

    def value(self, w):
        return float(np.abs(w).sum())

    def gradient(self, w):
        return np.zeros_like(w)

    def nonsmooth_value(self, w):
        return self.value(w)

    def prox(self, w, threshold):
        _soft_threshold(w, threshold)

    def cumulative_prox(self, w, threshold, total, applied):
        _cumulative_soft_threshold(w, total, applied)


class ElasticNet(Penalty):
    """Elastic net ``R(w) = (1 - l1_ratio) ½ ‖w‖² + l1_ratio ‖w‖₁``.

    The L2 part is followed by its gradient ``(1 - l1_ratio) w``, the L1 part
    applied by soft-thresholding with threshold ``l1_ratio * t``.

    Parameters
    ----------
    l1_ratio : float, default=0.15
        The L1 share, in [0, 1] (``SGDRegressor``'s default). The string
        ``penalty="elasticnet"`` takes the estimator's ``l1_ratio``.
    """

    is_smooth = False
    _parameter_constraints = {"l1_ratio": [Interval(Real, 0, 1, "both")]}

    def __init__(self, l1_ratio: float = 0.15) -> None:
        self.l1_ratio = l1_ratio

    @property
    def l2_share(self) -> float:
        return 1.0 - self.l1_ratio

    def value(self, w):
        return (1 - self.l1_ratio) * 0.5 * float(np.vdot(w, w)) + self.l1_ratio * float(
            np.abs(w).sum()
        )

    def gradient(self, w):
        return (1 - self.l1_ratio) * w

    def nonsmooth_value(self, w):
        return self.l1_ratio * float(np.abs(w).sum())

    def prox(self, w, threshold):
        _soft_threshold(w, self.l1_ratio * threshold)

    def cumulative_prox(self, w, threshold, total, applied):
        _cumulative_soft_threshold(w, self.l1_ratio * total, applied)


def _soft_threshold(w: np.ndarray, threshold: np.ndarray | float) -> None:
    """``w <- sign(w) * max(|w| - threshold, 0)``, in place."""
    shrunk = np.maximum(np.abs(w) - threshold, 0)
    np.copysign(shrunk, w, out=w)


def _cumulative_soft_threshold(w, total, applied) -> None:
    """Tsuruoka et al. (2009): clip each weight towards 0 by the penalty still
    owed, ``total`` less what ``applied`` records, never past 0; in place.

    ``w > 0``: ``w <- max(0, w - (total + applied))``;
    ``w < 0``: ``w <- min(0, w + (total - applied))``;
    then ``applied += w_new - w_old``.
    """
    before = w.copy()
    owed_down = total + applied  # applied <= 0 for a weight pulled down
    owed_up = total - applied
    w[:] = np.where(
        before > 0,
        np.maximum(before - owed_down, 0),
        np.where(before < 0, np.minimum(before + owed_up, 0), before),
    )
    applied += w - before


PENALTIES = {
    "l2": L2,
    "l1": L1,
    "elasticnet": ElasticNet,
}
