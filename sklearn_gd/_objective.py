"""The one objective that every solver minimises and every check measures.

.. math::

    J(\\theta) = \\frac{1}{n} \\sum_i r_i L(y_i, f(x_i; \\theta)) + \\alpha R(w)

over the ``n`` samples given, with ``r_i`` the sample weights relative to their
mean over the training set (``r_i = s_i / mean(s)``; None for unit weights).
On the whole training set this is exactly the design's
``sum_i s_i L_i / sum_i s_i + alpha R(w)``; on a mini-batch it is an unbiased
estimate of it, as is its gradient. ``R`` sums the penalty over the model's
penalised parameters (weights, never intercepts).
"""

from __future__ import annotations

import numpy as np

from ._model import penalized_slices
from .optimizers import NonSmoothPart


class Objective:
    """``J`` and its gradient for a model, a loss, a penalty and ``alpha``.

    Parameters
    ----------
    model : LinearModel
        Any object with the model protocol (:mod:`sklearn_gd._model`).
    loss : Loss
    penalty : Penalty
    alpha : float
    """

    def __init__(self, model, loss, penalty, alpha: float) -> None:
        self.model = model
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha

    def penalty_value(self, params: list[np.ndarray]) -> float:
        """``alpha R(w)``, summed over the penalised parameters."""
        if self.alpha == 0:
            return 0.0
        return self.alpha * sum(
            self.penalty.value(param)
            for param, is_weight in zip(params, self.model.penalized)
            if is_weight
        )

    def nonsmooth_part(self, params_like, scale: float = 1.0) -> NonSmoothPart | None:
        """``scale`` times the penalty's non-smooth part on the flat parameter
        vector (laid out as ``params_like``), and its proximal operator; None
        where the penalty has none (or ``alpha`` is 0).

        The prox takes a scalar step or one per coordinate (adaptive
        optimizers' steps).
        """
        if self.alpha == 0 or self.penalty.is_smooth:
            return None
        slices = penalized_slices(self.model, params_like)
        strength = self.alpha * scale
        penalty = self.penalty

        def value(flat: np.ndarray) -> float:
            return strength * sum(penalty.nonsmooth_value(flat[s]) for s in slices)

        def prox(flat: np.ndarray, step) -> None:
            for part in slices:
                threshold = step[part] if np.ndim(step) else step
                penalty.prox(flat[part], strength * threshold)

        def cumulative_prox(
            flat: np.ndarray, step, total, applied, max_threshold=None
        ) -> None:
            thresholds = strength * step
            if max_threshold is not None:
                thresholds = np.minimum(thresholds, max_threshold)
            total += thresholds
            for part in slices:
                threshold = thresholds[part] if np.ndim(thresholds) else thresholds
                penalty.cumulative_prox(
                    flat[part], threshold, total[part], applied[part]
                )

        return NonSmoothPart(value, prox, cumulative_prox)

    def value(self, params: list[np.ndarray], X, Y: np.ndarray, weight=None) -> float:
        """``J`` on the samples ``X, Y`` with relative weights ``weight``."""
        raw, _ = self.model.forward(params, X)
        losses = self.loss.value(Y, raw)
        self._check_shape("value", losses, (raw.shape[0],))
        return self.data_term(losses, weight) + self.penalty_value(params)

    def value_and_gradient(
        self,
        params: list[np.ndarray],
        X,
        Y: np.ndarray,
        weight,
        grads: list[np.ndarray],
    ) -> float:
        """``J`` on the samples given; its gradient is written into ``grads``.

        The gradient includes that of the penalty's smooth part; a non-smooth
        part (L1) is left to the solver's proximal step.
        """
        raw, cache = self.model.forward(params, X)
        losses, grad_raw = self.loss.value_and_gradient(Y, raw)
        self._check_shape("value", losses, (raw.shape[0],))
        self._check_shape("gradient", grad_raw, raw.shape)
        self._backward(params, cache, grad_raw, weight, grads)
        return self.data_term(losses, weight) + self.penalty_value(params)

    def gradient(
        self, params: list[np.ndarray], X, Y: np.ndarray, weight, grads: list
    ) -> None:
        """The gradient of ``J`` on the samples given, written into ``grads``,
        without the value: what a mini-batch update needs. The model runs in
        training mode (dropout, where it has any)."""
        raw, cache = self.model.forward(params, X, training=True)
        grad_raw = self.loss.gradient(Y, raw)
        self._check_shape("gradient", grad_raw, raw.shape)
        self._backward(params, cache, grad_raw, weight, grads)

    def _backward(self, params, cache, grad_raw, weight, grads) -> None:
        """``grads`` from the loss's ``∂L/∂f`` (overwritten): the weighted mean
        over the rows, through the model, plus the smooth penalty's gradient."""
        scale = 1.0 / grad_raw.shape[0]
        if weight is None:
            grad_raw *= scale
        else:
            grad_raw *= (weight * scale)[:, np.newaxis]
        self.model.backward(params, cache, grad_raw, out=grads)
        if self.alpha:
            for param, grad, is_weight in zip(params, grads, self.model.penalized):
                if is_weight:
                    grad += self.alpha * self.penalty.gradient(param)

    @staticmethod
    def data_term(losses: np.ndarray, weight) -> float:
        """``sum_i r_i L_i / n``: the per-sample ``losses`` averaged with the
        relative weights ``weight`` (None: unit weights)."""
        if weight is None:
            return float(losses.sum()) / len(losses)
        return float(weight @ losses) / len(losses)

    def _check_shape(self, what: str, array, shape: tuple) -> None:
        """Name the loss, not numpy, when a (custom) loss returns a wrong shape."""
        if getattr(array, "shape", None) != shape:
            raise ValueError(
                f"The loss {type(self.loss).__name__} returned a {what} of shape "
                f"{getattr(array, 'shape', type(array).__name__)}; expected "
                f"{shape} (Loss.value: one number per sample; Loss.gradient: "
                "the shape of the raw outputs)."
            )
