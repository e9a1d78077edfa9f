"""Losses: the per-sample data term of the objective.

A loss is a function ``L(y, f)`` of the target ``y`` and the model's *raw* output
``f`` (a row of ``n_outputs`` numbers per sample). The training objective is

.. math::

    J(w) = \\frac{\\sum_i s_i L(y_i, f(x_i))}{\\sum_i s_i} + \\alpha R(w)

A loss knows four things, and the engine asks for nothing else:

- :meth:`Loss.value`: ``L`` per sample (summed over outputs), shape ``(n,)``;
- :meth:`Loss.gradient`: ``dL/df``, the same shape as ``f``;
- :meth:`Loss.constant`: the best constant raw output, used to initialise the
  intercept so that an offset in ``y`` costs no epochs;
- the link: :meth:`RegressionLoss.inverse_link` maps raw outputs to predictions
  (identity, or ``exp`` for Poisson); a :class:`ClassificationLoss` encodes class
  indices as targets (:meth:`ClassificationLoss.encode`) and, where it defines
  them, maps raw outputs to probabilities (:meth:`ClassificationLoss.predict_proba`).

Write a new loss by subclassing :class:`RegressionLoss`, :class:`MarginLoss`
or :class:`ClassificationLoss` and implementing ``value`` and ``gradient``
(for a :class:`MarginLoss`, ``margin_value`` and ``margin_derivative`` instead).
A direct :class:`ClassificationLoss` subclass must also implement ``encode``
(:class:`MarginLoss` and :class:`LogLoss` provide one), and ``predict_proba``
if it sets ``has_probabilities = True``.

Classification losses other than ``log_loss`` are margin losses on ``z = y f``
with ``y`` in {-1, +1}; with more than two classes each class has its own output
and target (one-vs-rest), and the per-sample loss is the sum over outputs, so all
classes train together in one model.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit, softmax

from ._component import Component
from .validation import Interval

__all__ = [
    "AbsoluteError",
    "ClassificationLoss",
    "EpsilonInsensitive",
    "Hinge",
    "Huber",
    "LogLoss",
    "Loss",
    "MarginEpsilonInsensitive",
    "MarginHuber",
    "MarginLoss",
    "MarginSquaredEpsilonInsensitive",
    "MarginSquaredError",
    "ModifiedHuber",
    "Perceptron",
    "Poisson",
    "Quantile",
    "RegressionLoss",
    "SquaredEpsilonInsensitive",
    "SquaredError",
    "SquaredHinge",
]


class Loss(Component):
    """Base class of all losses.

    Subclasses implement :meth:`value` and :meth:`gradient`; :meth:`constant`
    has a generic default (the root of the weighted mean gradient per output,
    by ``brentq``) that subclasses replace with a closed form where there is one.

    Attributes
    ----------
    is_smooth : bool
        Whether ``L`` is differentiable everywhere with a continuous gradient;
        quasi-Newton solvers (``lbfgs``) require it.
    """

    is_smooth = True

    def value(self, y: np.ndarray, raw: np.ndarray) -> np.ndarray:
        """Per-sample loss, summed over outputs.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            Targets, as encoded for this loss.
        raw : ndarray of shape (n_samples, n_outputs)
            Raw model outputs.

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        raise NotImplementedError

    def gradient(self, y: np.ndarray, raw: np.ndarray) -> np.ndarray:
        """Gradient of the per-sample loss with respect to ``raw``.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            Targets, as encoded for this loss.
        raw : ndarray of shape (n_samples, n_outputs)
            Raw model outputs.

        Returns
        -------
        ndarray of shape (n_samples, n_outputs)
            ``dL(y_i, f_i)/df_i``; at a kink, a subgradient. A new array,
            never ``y`` or ``raw`` themselves: the engine scales it in place.
        """
        raise NotImplementedError

    def value_and_gradient(
        self, y: np.ndarray, raw: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`value` and :meth:`gradient` together.

        The engine calls this once per mini-batch; a loss whose value and
        gradient share work (the softmax's exponentials) overrides it.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            Targets, as encoded for this loss.
        raw : ndarray of shape (n_samples, n_outputs)
            Raw model outputs.

        Returns
        -------
        value : ndarray of shape (n_samples,)
            Per-sample loss, as :meth:`value` returns it.
        gradient : ndarray of shape (n_samples, n_outputs)
            Its gradient with respect to ``raw``, as :meth:`gradient` returns it.
        """
        return self.value(y, raw), self.gradient(y, raw)

    def constant(self, y: np.ndarray, sample_weight: np.ndarray) -> np.ndarray:
        """Best constant raw output: ``argmin_c sum_i s_i L(y_i, c)``.

        The default minimises each output separately over ``[min y, max y]``,
        which holds the minimiser of every loss here whose raw output is on the
        scale of ``y``: for a convex loss the weighted mean gradient is
        non-decreasing in ``c``, and the minimiser is where it changes sign,
        found to machine precision by bisection (Brent's method). Where the
        gradient is 0 over the whole range (a flat loss), the weighted median.
        A precise start matters: adaptive optimizers divide by
        ``sqrt(v) + eps``, so an intercept gradient left at a solver's
        tolerance would become a full step.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            Targets, as encoded for this loss.
        sample_weight : ndarray of shape (n_samples,)
            Non-negative sample weights ``s_i``.

        Returns
        -------
        ndarray of shape (n_outputs,)
            The best constant raw output of each output.
        """
        weight_sum = sample_weight.sum()
        best = np.zeros(y.shape[1], dtype=y.dtype)
        for k in range(y.shape[1]):
            column = y[:, k : k + 1]
            low, high = float(column.min()), float(column.max())

            def slope(c: float, column: np.ndarray = column) -> float:
                raw = np.full_like(column, c)
                return float(sample_weight @ self.gradient(column, raw)[:, 0]) / (
                    weight_sum
                )

            if low == high:
                best[k] = low
            elif slope(low) >= 0 and slope(high) <= 0:
                # Flat over all of [min y, max y] (epsilon-insensitive with
                # every |y| < epsilon): all of it is optimal, and min y, one
                # end, is the worst start. The weighted median is central.
                best[k] = _weighted_quantile(column, sample_weight, 0.5)[0]
            elif slope(low) >= 0:
                best[k] = low
            elif slope(high) <= 0:
                best[k] = high
            else:
                scale = max(abs(low), abs(high))
                best[k] = brentq(
                    slope, low, high, xtol=4 * np.finfo(float).eps * scale
                )
        return best

    def output_scale(self, y: np.ndarray, sample_weight: np.ndarray) -> np.ndarray:
        """Per output, the size of the raw outputs a fit must reach; shape
        (n_outputs,). Ones unless a subclass knows better (logits and
        log-means are unit-free).

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            Targets, as encoded for this loss.
        sample_weight : ndarray of shape (n_samples,)
            Non-negative sample weights ``s_i``.

        Returns
        -------
        ndarray of shape (n_outputs,)
            The size of each output's raw outputs.
        """
        return np.ones(y.shape[1])


class RegressionLoss(Loss):
    """Base class of regression losses: raw output on the scale of ``y``.

    Attributes
    ----------
    nonnegative_targets : bool
        Whether targets must be >= 0 (sets the estimator's ``positive_only``
        target tag and is checked at ``fit``).
    bounded_gradient : bool
        Whether ``|dL/df|`` is bounded (absolute, Huber, epsilon-insensitive,
        quantile): such a loss ignores the size of outliers, and so does its
        :meth:`output_scale`.
    """

    nonnegative_targets = False
    bounded_gradient = False

    def inverse_link(self, raw: np.ndarray) -> np.ndarray:
        """Map raw outputs to predictions of ``y`` (identity by default).

        Parameters
        ----------
        raw : ndarray of shape (n_samples, n_outputs)
            Raw model outputs.

        Returns
        -------
        ndarray of shape (n_samples, n_outputs)
            The predictions.
        """
        return raw

    def output_scale(self, y: np.ndarray, sample_weight: np.ndarray) -> np.ndarray:
        """Per output, the size of the raw outputs a fit must reach: the
        targets' spread; shape (n_outputs,).

        The weighted standard deviation; for a loss with ``bounded_gradient``,
        the smaller of that and the standard deviation of ``y`` winsorised at
        its 5% and 95% weighted quantiles (divided by 0.9117, its value for
        normal data), which up to 5% of outliers on a side (what such losses
        are chosen for) do not inflate. A squared loss chases outliers, so its
        fit does grow with them: std alone. Spreads built on central quantiles
        alone (the MAD, the 10-90% range) collapse when most targets sit in
        one tight cluster (zero-inflated data). Where a spread is 0 (one
        sample, constant targets), the largest ``|y|`` of that output, or 1 if
        that is 0 too. Rows of zero weight are left out. The estimators scale
        ``learning_rate="auto"`` by it for optimizers whose step does not grow
        with the gradient (Adam and kin), each output's weights by their own
        output's spread, so that results do not depend on the units of ``y``.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            Targets, as encoded for this loss.
        sample_weight : ndarray of shape (n_samples,)
            Non-negative sample weights ``s_i``.

        Returns
        -------
        ndarray of shape (n_outputs,)
            The spread of each output's targets.
        """
        y, sample_weight = y[sample_weight > 0], sample_weight[sample_weight > 0]
        # Divided by each output's largest |y| first, so that targets near
        # 1e154 and beyond do not overflow when squared.
        size = np.max(np.abs(y), axis=0) if y.size else np.zeros(y.shape[1])
        size = np.where(np.isfinite(size) & (size > 0), size, 1.0)
        unit = y / size
        spread = _weighted_std(unit, sample_weight)
        if self.bounded_gradient:
            low, high = _weighted_quantiles(unit, sample_weight, (0.05, 0.95))
            winsorised = _weighted_std(np.clip(unit, low, high), sample_weight)
            spread = np.minimum(spread, winsorised / 0.9117)
        spread = np.asarray(spread, dtype=float)
        spread = np.where(np.isfinite(spread) & (spread > 0), spread, 1.0)
        return size * spread

    def check_targets(self, y: np.ndarray) -> None:
        """Raise ``ValueError`` if ``y`` is outside the loss's domain.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)
            Targets.

        Raises
        ------
        ValueError
            If the loss needs non-negative targets (``nonnegative_targets``)
            and ``y`` has a negative one.
        """
        if self.nonnegative_targets and np.any(y < 0):
            raise ValueError(
                f"loss {type(self).__name__} requires non-negative targets y; got a "
                f"minimum of {y.min()!r}."
            )


class ClassificationLoss(Loss):
    """Base class of classification losses.

    The estimator turns labels into class indices ``0..n_classes-1``; the loss
    encodes them as the targets its ``value`` and ``gradient`` expect.

    Attributes
    ----------
    has_probabilities : bool
        Whether :meth:`predict_proba` is defined.
    """

    has_probabilities = False

    def n_outputs(self, n_classes: int) -> int:
        """Number of raw outputs: 1 for two classes, else one per class.

        Parameters
        ----------
        n_classes : int
            Number of classes, at least 2.

        Returns
        -------
        int
            Number of raw outputs, ``n_outputs``.
        """
        return 1 if n_classes == 2 else n_classes

    def encode(self, y_index: np.ndarray, n_classes: int, dtype) -> np.ndarray:
        """Encode class indices as targets of shape (n_samples, n_outputs).

        Parameters
        ----------
        y_index : ndarray of shape (n_samples,)
            Class indices, integers in ``0..n_classes-1``.
        n_classes : int
            Number of classes, at least 2.
        dtype : numpy dtype
            Floating-point dtype of the targets (that of the sample weights).

        Returns
        -------
        ndarray of shape (n_samples, n_outputs)
            The targets :meth:`value` and :meth:`gradient` expect.
        """
        raise NotImplementedError

    def predict_proba(self, raw: np.ndarray) -> np.ndarray:
        """Class probabilities of shape (n_samples, n_classes) from raw outputs.

        Parameters
        ----------
        raw : ndarray of shape (n_samples, n_outputs)
            Raw model outputs.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            The probability of each class; each row sums to 1.
        """
        raise NotImplementedError


# --------------------------------------------------------------------------
# Regression losses


class SquaredError(RegressionLoss):
    """Squared error, ``L(y, f) = ½ (y - f)²``.

    Gradient ``dL/df = f - y``. Best constant: the weighted mean of ``y``.
    """

    def value(self, y, raw):
        residual = raw - y
        return 0.5 * np.einsum("ij,ij->i", residual, residual)

    def gradient(self, y, raw):
        return raw - y

    def constant(self, y, sample_weight):
        return np.average(y, axis=0, weights=sample_weight).astype(y.dtype)


class AbsoluteError(RegressionLoss):
    """Absolute error, ``L(y, f) = |y - f|``.

    Subgradient ``dL/df = sign(f - y)``. Best constant: the weighted median.
    """

    bounded_gradient = True

    is_smooth = False

    def value(self, y, raw):
        return np.abs(raw - y).sum(axis=1)

    def gradient(self, y, raw):
        return np.sign(raw - y)

    def constant(self, y, sample_weight):
        return _weighted_quantile(y, sample_weight, 0.5)


class Huber(RegressionLoss):
    """Huber loss, quadratic near the target and linear beyond ``epsilon``.

    With ``r = f - y``:

    ``L = ½ r²`` if ``|r| <= epsilon``, else ``epsilon |r| - ½ epsilon²``;
    ``dL/df = clip(r, -epsilon, epsilon)``.

    Parameters
    ----------
    epsilon : float, default=0.1
        Where the loss turns linear (``SGDRegressor``'s default).
    """

    bounded_gradient = True

    _parameter_constraints = {"epsilon": [Interval(Real, 0, None, "neither")]}

    def __init__(self, epsilon: float = 0.1) -> None:
        self.epsilon = epsilon

    def value(self, y, raw):
        abs_r = np.abs(raw - y)
        quadratic = np.minimum(abs_r, self.epsilon)
        return (0.5 * quadratic**2 + self.epsilon * (abs_r - quadratic)).sum(axis=1)

    def gradient(self, y, raw):
        return np.clip(raw - y, -self.epsilon, self.epsilon)


class EpsilonInsensitive(RegressionLoss):
    """Epsilon-insensitive loss (linear support vector regression).

    ``L = max(0, |y - f| - epsilon)``; ``dL/df = sign(f - y)`` where
    ``|y - f| > epsilon``, else 0.

    Parameters
    ----------
    epsilon : float, default=0.1
        Half-width of the zero-loss tube (``SGDRegressor``'s default).
    """

    bounded_gradient = True

    is_smooth = False
    _parameter_constraints = {"epsilon": [Interval(Real, 0, None, "left")]}

    def __init__(self, epsilon: float = 0.1) -> None:
        self.epsilon = epsilon

    def value(self, y, raw):
        return np.maximum(np.abs(raw - y) - self.epsilon, 0).sum(axis=1)

    def gradient(self, y, raw):
        residual = raw - y
        return np.sign(residual) * (np.abs(residual) > self.epsilon)


class SquaredEpsilonInsensitive(RegressionLoss):
    """Squared epsilon-insensitive loss.

    ``L = max(0, |y - f| - epsilon)²``;
    ``dL/df = 2 sign(f - y) max(0, |f - y| - epsilon)``.

    Parameters
    ----------
    epsilon : float, default=0.1
        Half-width of the zero-loss tube (``SGDRegressor``'s default).
    """

    _parameter_constraints = {"epsilon": [Interval(Real, 0, None, "left")]}

    def __init__(self, epsilon: float = 0.1) -> None:
        self.epsilon = epsilon

    def value(self, y, raw):
        return (np.maximum(np.abs(raw - y) - self.epsilon, 0) ** 2).sum(axis=1)

    def gradient(self, y, raw):
        residual = raw - y
        return 2 * np.sign(residual) * np.maximum(np.abs(residual) - self.epsilon, 0)


class Quantile(RegressionLoss):
    """Pinball (quantile) loss at level ``quantile``.

    With ``r = y - f``: ``L = quantile * r`` if ``r >= 0``, else
    ``(quantile - 1) * r``; ``dL/df = -quantile`` where ``r > 0`` and
    ``1 - quantile`` where ``r < 0`` (0 at ``r = 0``). Its minimiser over
    constants is the weighted ``quantile`` of ``y``.

    Parameters
    ----------
    quantile : float, default=0.5
        The quantile to predict, in (0, 1); 0.5 is the median.
    """

    bounded_gradient = True

    is_smooth = False
    _parameter_constraints = {"quantile": [Interval(Real, 0, 1, "neither")]}

    def __init__(self, quantile: float = 0.5) -> None:
        self.quantile = quantile

    def value(self, y, raw):
        residual = y - raw
        return np.maximum(
            self.quantile * residual, (self.quantile - 1) * residual
        ).sum(axis=1)

    def gradient(self, y, raw):
        residual = y - raw
        return np.where(
            residual > 0,
            -self.quantile,
            np.where(residual < 0, 1 - self.quantile, 0.0),
        ).astype(raw.dtype, copy=False)

    def constant(self, y, sample_weight):
        return _weighted_quantile(y, sample_weight, self.quantile)


class Poisson(RegressionLoss):
    """Poisson deviance with a log link (half the unit deviance, up to a constant).

    The raw output ``f`` is the log of the predicted mean:
    ``L = exp(f) - y f``, ``dL/df = exp(f) - y``, prediction ``exp(f)``.
    Targets must be non-negative. Best constant: ``log`` of the weighted mean.
    """

    def value(self, y, raw):
        return (np.exp(raw) - y * raw).sum(axis=1)

    def gradient(self, y, raw):
        return np.exp(raw) - y

    nonnegative_targets = True

    def inverse_link(self, raw):
        return np.exp(raw)

    def output_scale(self, y, sample_weight):
        # The raw output is log(mean): its size does not follow the units of y.
        return np.ones(y.shape[1])

    def constant(self, y, sample_weight):
        mean = np.average(y, axis=0, weights=sample_weight)
        # The mean can be 0 (all-zero targets); a very negative constant is the
        # finite stand-in for log(0).
        return np.log(np.maximum(mean, 1e-12)).astype(y.dtype)


# --------------------------------------------------------------------------
# Classification losses


class LogLoss(ClassificationLoss):
    """Cross-entropy on the logit (binary) or softmax (multiclass).

    Two classes, one output ``f``, ``y`` in {0, 1}:
    ``L = log(1 + exp(f)) - y f``, ``dL/df = sigmoid(f) - y``.

    ``K > 2`` classes, ``K`` outputs, one-hot ``y``: the true multinomial loss
    ``L = logsumexp(f) - sum_k y_k f_k``, ``dL/df = softmax(f) - y``.

    Probabilities are ``sigmoid(f)`` and ``softmax(f)``. The best constant is
    the log prior odds ``log(p / (1 - p))`` (binary) or the centred log priors
    ``log p_k - mean_j log p_j`` over the classes present, with the weighted
    class shares ``p_k``. A class absent from the data (a first
    ``partial_fit`` chunk) starts neutral: logit 0 (binary) or the mean logit
    of the classes present.
    """

    has_probabilities = True

    def encode(self, y_index, n_classes, dtype):
        if n_classes == 2:
            return y_index.astype(dtype).reshape(-1, 1)
        one_hot = np.zeros((y_index.shape[0], n_classes), dtype=dtype)
        one_hot[np.arange(y_index.shape[0]), y_index] = 1
        return one_hot

    def value(self, y, raw):
        if raw.shape[1] == 1:
            return (np.logaddexp(0, raw) - y * raw)[:, 0]
        return self.value_and_gradient(y, raw)[0]

    def gradient(self, y, raw):
        if raw.shape[1] == 1:
            return expit(raw) - y
        return self.value_and_gradient(y, raw)[1]

    def value_and_gradient(self, y, raw):
        if raw.shape[1] == 1:
            return self.value(y, raw), self.gradient(y, raw)
        # One pass of exponentials serves both: with z = f - max_k f_k,
        # logsumexp(f) = max f + log sum exp(z) and softmax(f) = exp(z) / sum.
        # Plain numpy: scipy's logsumexp and softmax each redo the exponentials
        # and cost more in overhead than in arithmetic on mini-batches.
        # Row reductions over the few classes go column by column and through
        # a matrix product: numpy's reductions along a short last axis are
        # much slower on (n, K) arrays (docs/benchmarks.md).
        peak = raw[:, 0].copy()
        for k in range(1, raw.shape[1]):
            np.maximum(peak, raw[:, k], out=peak)
        probabilities = np.subtract(raw, peak[:, np.newaxis])
        np.exp(probabilities, out=probabilities)
        total = probabilities @ np.ones(raw.shape[1], dtype=raw.dtype)
        probabilities /= total[:, np.newaxis]
        value = np.log(total)
        value += peak
        value -= np.einsum("ij,ij->i", y, raw)
        probabilities -= y
        return value, probabilities

    def constant(self, y, sample_weight):
        prior = np.average(y, axis=0, weights=sample_weight)
        if y.shape[1] == 1:
            if prior[0] in (0, 1):  # one class only (a first partial_fit chunk)
                return np.zeros(1, dtype=y.dtype)
            return np.log(prior / (1 - prior)).astype(y.dtype)
        # A class absent from the data (possible in a first partial_fit chunk)
        # would get an infinite intercept; it starts neutral instead, at the
        # mean logit of the classes present, so that it is learnt as soon as
        # it appears.
        present = prior > 0
        log_prior = np.log(np.where(present, prior, 1.0))
        log_prior = log_prior - log_prior[present].mean()
        return np.where(present, log_prior, 0.0).astype(y.dtype)

    def predict_proba(self, raw):
        if raw.shape[1] == 1:
            positive = expit(raw[:, 0])
            return np.column_stack([1 - positive, positive])
        return softmax(raw, axis=1)


class MarginLoss(ClassificationLoss):
    """Base class of margin losses ``L = phi(y f)`` with ``y`` in {-1, +1}.

    Subclasses implement ``phi(z)`` as :meth:`margin_value` and ``phi'(z)`` as
    :meth:`margin_derivative`; then ``dL/df = y phi'(y f)``. With more than two
    classes, each output is one class against the rest and the loss is summed
    over outputs.
    """

    def encode(self, y_index, n_classes, dtype):
        if n_classes == 2:
            return np.where(y_index == 1, 1, -1).astype(dtype).reshape(-1, 1)
        signs = -np.ones((y_index.shape[0], n_classes), dtype=dtype)
        signs[np.arange(y_index.shape[0]), y_index] = 1
        return signs

    def margin_value(self, z: np.ndarray) -> np.ndarray:
        """``phi(z)`` elementwise.

        Parameters
        ----------
        z : ndarray of shape (n_samples, n_outputs)
            Margins ``y f``.

        Returns
        -------
        ndarray of shape (n_samples, n_outputs)
            The loss of each margin.
        """
        raise NotImplementedError

    def margin_derivative(self, z: np.ndarray) -> np.ndarray:
        """``phi'(z)`` elementwise (a subgradient at kinks).

        Parameters
        ----------
        z : ndarray of shape (n_samples, n_outputs)
            Margins ``y f``.

        Returns
        -------
        ndarray of shape (n_samples, n_outputs)
            The derivative at each margin.
        """
        raise NotImplementedError

    def value(self, y, raw):
        return self.margin_value(y * raw).sum(axis=1)

    def gradient(self, y, raw):
        return y * self.margin_derivative(y * raw)

    def _class_balance(self, y, sample_weight) -> np.ndarray:
        """Per output, ``(P - N) / (P + N)`` for the weights P of +1, N of -1."""
        return (sample_weight @ y / sample_weight.sum()).astype(y.dtype)


class Hinge(MarginLoss):
    """Hinge loss (linear SVM): ``phi(z) = max(0, threshold - z)``.

    ``phi'(z) = -1`` where ``z < threshold``, else 0. At the kink this takes the
    minimum-norm subgradient, 0: the best-constant start puts the majority class
    exactly at ``z = threshold``, and a non-zero subgradient there would push
    every such sample at once.

    Parameters
    ----------
    threshold : float, default=1.0
        The margin. With 0 the loss has the *value* of the perceptron criterion
        but does not train: the intercept starts at the best constant, 0, and
        the weights at zero, so every sample sits on the kink ``z = 0``, where
        the subgradient is 0, and no parameter ever moves. Use
        ``loss="perceptron"`` (:class:`Perceptron`), whose kink takes -1.
    """

    is_smooth = False
    _parameter_constraints = {"threshold": [Interval(Real, 0, None, "left")]}

    def __init__(self, threshold: float = 1.0) -> None:
        self.threshold = threshold

    def margin_value(self, z):
        return np.maximum(self.threshold - z, 0)

    def margin_derivative(self, z):
        return -(z < self.threshold).astype(z.dtype)

    def constant(self, y, sample_weight):
        # On [-threshold, threshold] the loss is P (t - c) + N (t + c): linear in
        # c with slope N - P, so the minimiser is the end the heavier class likes.
        return self.threshold * np.sign(self._class_balance(y, sample_weight))


class Perceptron(Hinge):
    """Perceptron criterion: ``phi(z) = max(0, -z)``, hinge with threshold 0.

    ``phi'(z) = -1`` where ``z <= 0``, else 0: unlike :class:`Hinge`, the kink
    takes the subgradient -1, since training starts at ``z = 0`` for every sample
    and would otherwise never move (``SGDClassifier``'s convention).

    The criterion is 0 at the all-zero start (every margin is 0), so no later
    epoch can improve on the first and stopping on the objective (``tol``)
    ends training at the first plateau (``n_iter_no_change`` epochs spanning at
    least 50 updates); use ``tol=None`` with a fixed ``max_iter``, or
    ``early_stopping=True``.
    """

    threshold = 0.0

    def __init__(self) -> None:
        pass

    def margin_derivative(self, z):
        return -(z <= 0).astype(z.dtype)

    def constant(self, y, sample_weight):
        return np.zeros(y.shape[1], dtype=y.dtype)


class SquaredHinge(MarginLoss):
    """Squared hinge: ``phi(z) = max(0, threshold - z)²``.

    ``phi'(z) = -2 max(0, threshold - z)``.

    Parameters
    ----------
    threshold : float, default=1.0
        The margin.
    """

    _parameter_constraints = {"threshold": [Interval(Real, 0, None, "left")]}

    def __init__(self, threshold: float = 1.0) -> None:
        self.threshold = threshold

    def margin_value(self, z):
        return np.maximum(self.threshold - z, 0) ** 2

    def margin_derivative(self, z):
        return -2 * np.maximum(self.threshold - z, 0)

    def constant(self, y, sample_weight):
        # P (t - c)² + N (t + c)² is minimised at c = t (P - N) / (P + N).
        return self.threshold * self._class_balance(y, sample_weight)


class ModifiedHuber(MarginLoss):
    """Modified Huber loss: a smoothed hinge with probability estimates.

    ``phi(z) = max(0, 1 - z)²`` for ``z >= -1``, else ``-4 z``;
    ``phi'(z) = -2 max(0, 1 - z)`` for ``z >= -1``, else ``-4``.

    Probabilities, as ``SGDClassifier`` computes them (Zhang 2004):
    ``p = (clip(f, -1, 1) + 1) / 2`` per output, normalised over classes when
    there are more than two (uniform where all are zero).
    """

    has_probabilities = True

    def margin_value(self, z):
        return np.where(z >= -1, np.maximum(1 - z, 0) ** 2, -4 * z)

    def margin_derivative(self, z):
        return np.where(z >= -1, -2 * np.maximum(1 - z, 0), -4).astype(
            z.dtype, copy=False
        )

    def constant(self, y, sample_weight):
        # Between -1 and 1 this is the squared hinge: c = (P - N) / (P + N).
        return self._class_balance(y, sample_weight)

    def predict_proba(self, raw):
        prob = (np.clip(raw, -1, 1) + 1) / 2
        if raw.shape[1] == 1:
            return np.column_stack([1 - prob[:, 0], prob[:, 0]])
        total = prob.sum(axis=1, keepdims=True)
        uniform = np.full_like(prob, 1 / prob.shape[1])
        return np.divide(prob, total, out=uniform, where=total > 0)


class MarginSquaredError(MarginLoss):
    """``loss="squared_error"`` for classification, as ``SGDClassifier``:
    ``½ (y - f)²`` with ``y`` in {-1, +1}.

    Since ``y² = 1`` this is the margin loss ``phi(z) = ½ (1 - z)²``,
    ``phi'(z) = z - 1`` (least-squares classification). Unlike the hinge
    family it also penalises margins above 1.
    """

    def margin_value(self, z):
        return 0.5 * (1 - z) ** 2

    def margin_derivative(self, z):
        return z - 1

    def constant(self, y, sample_weight):
        # ½ P (1 - c)² + ½ N (1 + c)² is minimised at c = (P - N) / (P + N).
        return self._class_balance(y, sample_weight)


class MarginHuber(MarginLoss):
    """``loss="huber"`` for classification, as ``SGDClassifier``: Huber's loss
    of the residual ``r = y - f = y (1 - z)``, with ``|r| = |1 - z|``.

    ``phi(z) = ½ (1 - z)²`` where ``|1 - z| <= epsilon``, else
    ``epsilon |1 - z| - ½ epsilon²``; ``phi'(z) = -clip(1 - z, -epsilon,
    epsilon)``.

    Parameters
    ----------
    epsilon : float, default=0.1
        Where the loss turns from quadratic to linear.
    """

    _parameter_constraints = {"epsilon": [Interval(Real, 0, None, "neither")]}

    def __init__(self, epsilon: float = 0.1) -> None:
        self.epsilon = epsilon

    def margin_value(self, z):
        r = np.abs(1 - z)
        quadratic = 0.5 * r**2
        linear = self.epsilon * (r - 0.5 * self.epsilon)
        return np.where(r <= self.epsilon, quadratic, linear)

    def margin_derivative(self, z):
        return -np.clip(1 - z, -self.epsilon, self.epsilon)


class MarginEpsilonInsensitive(MarginLoss):
    """``loss="epsilon_insensitive"`` for classification, as ``SGDClassifier``:
    ``phi(z) = max(0, |1 - z| - epsilon)``.

    ``phi'(z) = -sign(1 - z)`` where ``|1 - z| > epsilon``, else 0.

    Parameters
    ----------
    epsilon : float, default=0.1
        Margins within ``epsilon`` of 1 cost nothing.
    """

    is_smooth = False
    _parameter_constraints = {"epsilon": [Interval(Real, 0, None, "left")]}

    def __init__(self, epsilon: float = 0.1) -> None:
        self.epsilon = epsilon

    def margin_value(self, z):
        return np.maximum(np.abs(1 - z) - self.epsilon, 0)

    def margin_derivative(self, z):
        outside = np.abs(1 - z) > self.epsilon
        return (-np.sign(1 - z) * outside).astype(z.dtype, copy=False)


class MarginSquaredEpsilonInsensitive(MarginEpsilonInsensitive):
    """``loss="squared_epsilon_insensitive"`` for classification, as
    ``SGDClassifier``: ``phi(z) = max(0, |1 - z| - epsilon)²``.

    ``phi'(z) = -2 max(0, |1 - z| - epsilon) sign(1 - z)``.

    Parameters
    ----------
    epsilon : float, default=0.1
        Margins within ``epsilon`` of 1 cost nothing.
    """

    is_smooth = True

    def margin_value(self, z):
        return np.maximum(np.abs(1 - z) - self.epsilon, 0) ** 2

    def margin_derivative(self, z):
        return -2 * np.maximum(np.abs(1 - z) - self.epsilon, 0) * np.sign(1 - z)


class Multilabel(ClassificationLoss):
    """Independent binary problems, one output per label (multilabel ``y``).

    ``GDClassifier`` wraps its loss in this when ``y`` is a label indicator
    matrix of shape ``(n_samples, n_labels)``, as ``MLPClassifier`` does: each
    column is a two-class problem of ``loss`` (a sigmoid output for
    ``log_loss``), and the per-sample loss is the sum over labels:

    ``L(Y, F) = sum_j loss(Y_j, F_j)``, ``dL/dF_j = loss'(Y_j, F_j)``.

    Parameters
    ----------
    loss : ClassificationLoss
        The binary loss of every label.
    """

    def __init__(self, loss: ClassificationLoss) -> None:
        self.loss = loss

    @property
    def has_probabilities(self) -> bool:
        return self.loss.has_probabilities

    @property
    def is_smooth(self) -> bool:
        return self.loss.is_smooth

    def n_outputs(self, n_labels: int) -> int:
        return n_labels

    def encode(self, indicator, n_labels, dtype):
        """Each label's 0/1 column as the binary loss's target."""
        labels = range(n_labels)
        return np.hstack([self.loss.encode(indicator[:, j], 2, dtype) for j in labels])

    def _columns(self, y, raw):
        return ((y[:, j : j + 1], raw[:, j : j + 1]) for j in range(y.shape[1]))

    def value(self, y, raw):
        return sum(self.loss.value(y_j, raw_j) for y_j, raw_j in self._columns(y, raw))

    def gradient(self, y, raw):
        return np.hstack(
            [self.loss.gradient(y_j, raw_j) for y_j, raw_j in self._columns(y, raw)]
        )

    def constant(self, y, sample_weight):
        labels = range(y.shape[1])
        return np.concatenate(
            [self.loss.constant(y[:, j : j + 1], sample_weight) for j in labels]
        )

    def predict_proba(self, raw):
        """The probability of each label, shape ``(n_samples, n_labels)``."""
        labels = range(raw.shape[1])
        return np.column_stack(
            [self.loss.predict_proba(raw[:, j : j + 1])[:, 1] for j in labels]
        )


def _weighted_std(y: np.ndarray, sample_weight: np.ndarray) -> np.ndarray:
    """Per-column weighted standard deviation."""
    mean = np.average(y, axis=0, weights=sample_weight)
    return np.sqrt(np.average((y - mean) ** 2, axis=0, weights=sample_weight))


def _weighted_quantile(
    y: np.ndarray, sample_weight: np.ndarray, quantile: float
) -> np.ndarray:
    """Per-column weighted quantile: the smallest ``v`` with weight share below
    ``v`` at most ``quantile`` and at or below ``v`` at least ``quantile``.

    Where the cumulative weight hits ``quantile`` exactly, the midpoint of the two
    neighbouring values is taken (a minimiser of the pinball loss either way), so
    that the result does not depend on sample order.
    """
    return _weighted_quantiles(y, sample_weight, (quantile,))[0]


def _weighted_quantiles(
    y: np.ndarray, sample_weight: np.ndarray, quantiles
) -> np.ndarray:
    """:func:`_weighted_quantile` at several quantiles, sorting each column once;
    shape ``(len(quantiles), n_outputs)``."""
    result = np.empty((len(quantiles), y.shape[1]), dtype=y.dtype)
    for k in range(y.shape[1]):
        order = np.argsort(y[:, k], kind="stable")
        values = y[order, k]
        weights = sample_weight[order]
        keep = weights > 0
        values, weights = values[keep], weights[keep]
        cumulative = np.cumsum(weights) / weights.sum()
        for row, quantile in enumerate(quantiles):
            index = int(np.searchsorted(cumulative, quantile))
            index = min(index, len(values) - 1)
            if np.isclose(cumulative[index], quantile) and index + 1 < len(values):
                result[row, k] = 0.5 * (values[index] + values[index + 1])
            else:
                result[row, k] = values[index]
    return result


REGRESSION_LOSSES = {
    "squared_error": SquaredError,
    "absolute_error": AbsoluteError,
    "huber": Huber,
    "epsilon_insensitive": EpsilonInsensitive,
    "squared_epsilon_insensitive": SquaredEpsilonInsensitive,
    "quantile": Quantile,
    "poisson": Poisson,
}

CLASSIFICATION_LOSSES = {
    "log_loss": LogLoss,
    "hinge": Hinge,
    "squared_hinge": SquaredHinge,
    "modified_huber": ModifiedHuber,
    "perceptron": Perceptron,
    # The regression losses SGDClassifier accepts, on the margin.
    "squared_error": MarginSquaredError,
    "huber": MarginHuber,
    "epsilon_insensitive": MarginEpsilonInsensitive,
    "squared_epsilon_insensitive": MarginSquaredEpsilonInsensitive,
}
