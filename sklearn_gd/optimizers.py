"""Optimizers: how a gradient becomes an update of the parameters.

Two kinds, each driven by its own solver in the engine:

- **First-order optimizers** (:class:`Optimizer`: SGD, Adam, ...) update the
  parameters after every mini-batch. As in optax, one is configuration plus
  two functions:

  - ``init(params, context) -> state``: the optimizer's state (moments,
    counters), a small dataclass. It lives in the fitted estimator, never on
    the optimizer object, so the object can be cloned and reused across fits.
  - ``step(params, grads, state, lr)``: update ``params`` and ``state`` in
    place with the step size ``lr`` given by the learning-rate schedule.

  ``params`` and ``grads`` are one flat vector each: all the model's parameter
  arrays, raveled and concatenated. An optimizer never needs the model's
  shapes; ``context`` (:class:`StepContext`) says which coordinates are
  penalised weights, for the few that treat them apart (:class:`AdamW`).

- **Full-batch optimizers** (:class:`FullBatchOptimizer`: :class:`LBFGS`)
  minimise the exact objective over all samples at once, through
  :meth:`FullBatchOptimizer.minimize`.

Every first-order optimizer takes ``clip_norm`` (rescale the gradient so its
L2 norm is at most ``clip_norm``) and ``clip_value`` (clip each element to
``[-clip_value, clip_value]``); :meth:`Optimizer.update` clips, then steps.

Defaults follow PyTorch (``torch.optim``) unless the docstring says otherwise;
``docs/optimizers.md`` has the formulas and ``docs/benchmarks.md`` the
measurements behind each ``default_learning_rate``. Write a new optimizer by
subclassing :class:`Optimizer` (keep ``clip_norm`` and ``clip_value`` in
``__init__``) and implementing ``init`` and ``step``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any, NamedTuple

import numpy as np
from scipy.optimize import OptimizeResult, minimize

from ._component import Component
from .validation import Boolean, Interval, Options

__all__ = [
    "FISTA",
    "LBFGS",
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "FullBatchOptimizer",
    "Nadam",
    "NonSmoothPart",
    "Optimizer",
    "RMSprop",
    "StepContext",
]

_CLIP_CONSTRAINTS = {
    "clip_norm": [Interval(Real, 0, None, "neither"), Options([None])],
    "clip_value": [Interval(Real, 0, None, "neither"), Options([None])],
}


class StepContext(NamedTuple):
    """What a first-order optimizer may know of the problem besides gradients.

    Parameters
    ----------
    weights : tuple of slice
        The penalised coordinates (weights, never intercepts) of the flat
        parameter vector.
    l2_strength : float
        ``alpha * penalty.l2_share``: the coefficient of ``½‖w‖²`` in the
        objective, whose gradient the optimizer's gradients include.
    lr_unit : float or ndarray of shape (n_parameters,)
        The factor the step size carries for the units of ``y``: per
        coordinate, the spread of the output it moves where a regressor's
        ``learning_rate="auto"`` scales a :attr:`~Optimizer.scale_free`
        optimizer's step, else 1.
    gradient_unit : float
        The unit in which the scale-free optimizers take their ``eps``, so
        that it stays negligible whatever the units of ``y``: for outputs in
        the units of ``y``, the size of the gradient where training started
        (the root mean square of its entries); else 1.
    """

    weights: tuple[slice, ...] = ()
    l2_strength: float = 0.0
    lr_unit: float | np.ndarray = 1.0
    gradient_unit: float = 1.0


class Optimizer(Component):
    """Base class of first-order optimizers.

    Parameters
    ----------
    clip_norm : float or None, default=None
        If set, the gradient is rescaled by ``min(1, clip_norm / ‖g‖)``, with
        ``‖g‖`` the L2 norm of all of it.
    clip_value : float or None, default=None
        If set, each gradient element is clipped to ``[-clip_value, clip_value]``
        (before the norm clipping).

    Attributes
    ----------
    default_learning_rate : float
        The base step an estimator uses with ``learning_rate="auto"``, for
        standardised features: 0.05 for plain SGD (``0.05 (1 - momentum)``
        with momentum), 0.01 for Adam, AdamW and Nadam, 0.005 for RMSprop,
        0.5 for Adagrad and 1.0 for Adadelta: the largest steps whose jitter
        around the optimum cost under 0.01 in held-out R² or accuracy on the
        data sets measured (``docs/benchmarks.md``).
    scale_free : bool
        True for optimizers whose step is about ``lr`` per coordinate whatever
        the gradient's size (Adam and kin, RMSprop, Adagrad). With
        ``learning_rate="auto"`` a regressor multiplies their default step by
        the spread of ``y`` (:meth:`~sklearn_gd.losses.Loss.output_scale`), as
        the weights to reach grow with it; SGD's step ``lr * g`` already does.
    """

    _parameter_constraints = dict(_CLIP_CONSTRAINTS)
    default_learning_rate = 0.05
    scale_free = False

    def __init__(
        self, clip_norm: float | None = None, clip_value: float | None = None
    ) -> None:
        self.clip_norm = clip_norm
        self.clip_value = clip_value

    def init(self, params: np.ndarray, context: StepContext | None = None) -> Any:
        """Return the initial state for the flat parameter vector ``params``
        (``context``: what the optimizer may know of the problem; None stands
        for ``StepContext()``).

        Parameters
        ----------
        params : ndarray of shape (n_parameters,)
            The flat parameter vector training starts from; the state's arrays
            take its shape and dtype.
        context : StepContext or None, default=None
            What the optimizer may know of the problem besides gradients;
            None stands for ``StepContext()``.

        Returns
        -------
        object
            The optimizer's state, which :meth:`step` updates (None for an
            optimizer that keeps none).
        """
        return None

    def step(self, params: np.ndarray, grads: np.ndarray, state: Any, lr: float):
        """Update ``params`` and ``state`` in place.

        Parameters
        ----------
        params : ndarray of shape (n_parameters,)
            The flat parameter vector, modified in place.
        grads : ndarray of shape (n_parameters,)
            The objective's gradient (may be overwritten).
        state : object
            What :meth:`init` returned, modified in place.
        lr : float or ndarray of shape (n_parameters,)
            Step size for this update, for all coordinates or per coordinate.
        """
        raise NotImplementedError

    def update(self, params: np.ndarray, grads: np.ndarray, state: Any, lr: float):
        """One update from the objective's gradient: :meth:`clip`, then :meth:`step`.

        Parameters
        ----------
        params : ndarray of shape (n_parameters,)
            The flat parameter vector, modified in place.
        grads : ndarray of shape (n_parameters,)
            The objective's gradient, clipped in place (may be overwritten).
        state : object
            What :meth:`init` returned, modified in place.
        lr : float or ndarray of shape (n_parameters,)
            Step size for this update, for all coordinates or per coordinate.
        """
        self.clip(grads)
        self.step(params, grads, state, lr)

    def step_size(self, state: Any, lr: float) -> float | np.ndarray:
        """The step size the last :meth:`step` applied, per coordinate or scalar.

        A scalar for plain SGD, per coordinate for adaptive methods. The proximal
        step of a non-smooth penalty uses ``alpha`` times this as its threshold,
        so that the fixed point is the true optimum whatever the preconditioning.

        Parameters
        ----------
        state : object
            The optimizer's state, as the last :meth:`step` left it.
        lr : float or ndarray of shape (n_parameters,)
            The step size that :meth:`step` was given.

        Returns
        -------
        float or ndarray of shape (n_parameters,)
            The effective step size (``lr`` itself by default).
        """
        return lr

    def clip(self, grads: np.ndarray) -> None:
        """Clip ``grads`` in place by value, then by norm.

        Parameters
        ----------
        grads : ndarray of shape (n_parameters,)
            The objective's gradient, modified in place.
        """
        if self.clip_value is not None:
            np.clip(grads, -self.clip_value, self.clip_value, out=grads)
        if self.clip_norm is not None:
            norm = float(np.sqrt(np.vdot(grads, grads)))
            if norm > self.clip_norm:
                grads *= self.clip_norm / norm


@dataclass
class SGDState:
    """:class:`SGD`'s state: the velocity ``b`` (None without momentum)."""

    velocity: np.ndarray | None


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum.

    With gradient ``g`` and step size ``lr``, following ``torch.optim.SGD``
    (no dampening):

    - plain: ``w <- w - lr g``;
    - momentum ``mu``: ``b <- mu b + g``, ``w <- w - lr b``;
    - Nesterov: ``b <- mu b + g``, ``w <- w - lr (g + mu b)``.

    The strings ``"sgd"``, ``"momentum"`` (``mu = 0.9``) and ``"nesterov"``
    (``mu = 0.9``, Nesterov) stand for ``SGD()``, ``SGD(momentum=0.9)`` and
    ``SGD(momentum=0.9, nesterov=True)``.

    Parameters
    ----------
    momentum : float, default=0.0
        Momentum factor ``mu`` in [0, 1).
    nesterov : bool, default=False
        Use Nesterov momentum (requires ``momentum > 0``).
    clip_norm, clip_value : float or None, default=None
        Gradient clipping, see :class:`Optimizer`.
    """

    _parameter_constraints = {
        **_CLIP_CONSTRAINTS,
        "momentum": [Interval(Real, 0, 1, "left")],
        "nesterov": [Boolean()],
    }

    def __init__(
        self,
        momentum: float = 0.0,
        nesterov: bool = False,
        clip_norm: float | None = None,
        clip_value: float | None = None,
    ) -> None:
        self.momentum = momentum
        self.nesterov = nesterov
        self.clip_norm = clip_norm
        self.clip_value = clip_value

    def validate(self) -> None:
        super().validate()
        if self.nesterov and self.momentum == 0:
            raise ValueError(
                "SGD(nesterov=True) needs momentum > 0; got momentum=0. "
                "Use e.g. SGD(momentum=0.9, nesterov=True)."
            )

    def init(self, params, context=None):
        return SGDState(None if self.momentum == 0 else np.zeros_like(params))

    def step(self, params, grads, state, lr):
        velocity = state.velocity
        if velocity is None:
            grads *= lr
            params -= grads
            return
        velocity *= self.momentum
        velocity += grads
        if self.nesterov:
            grads += self.momentum * velocity
            grads *= lr
            params -= grads
        else:
            params -= lr * velocity

    def step_size(self, state, lr):
        # At a fixed point the velocity is g / (1 - momentum), so heavy-ball and
        # Nesterov both move by lr / (1 - momentum) times the gradient; the prox
        # threshold must match that step for L1 to act at full strength.
        return lr / (1 - self.momentum)

    @property
    def default_learning_rate(self) -> float:
        # The same effective step lr / (1 - momentum) as plain SGD's 0.05.
        return 0.05 * (1 - self.momentum)


@dataclass
class AdamState:
    """Adam's state: the moments ``m`` and ``v``, the last step's denominator
    ``sqrt(v_hat) + eps``, the step count ``t`` and ``eps`` in the
    gradient's units."""

    m: np.ndarray
    v: np.ndarray
    denom: np.ndarray
    count: int = 0
    eps: float = 1e-8


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), with PyTorch's defaults.

    At step ``t`` (from 1), with gradient ``g``:

    .. code-block:: text

        m <- beta1 m + (1 - beta1) g
        v <- beta2 v + (1 - beta2) g²
        m_hat = m / (1 - beta1^t),   v_hat = v / (1 - beta2^t)
        w <- w - lr m_hat / (sqrt(v_hat) + eps u)

    with ``u`` the gradient's unit (:class:`StepContext`: 1 when the optimizer
    is used alone, as torch's; in an estimator, the size of the gradient where
    training started), so that ``eps`` is negligible at any scale of ``y``.

    Parameters
    ----------
    beta1 : float, default=0.9
        Decay of the first-moment estimate, in [0, 1).
    beta2 : float, default=0.999
        Decay of the second-moment estimate, in [0, 1).
    eps : float, default=1e-8
        Added to the denominator for numerical stability.
    clip_norm, clip_value : float or None, default=None
        Gradient clipping, see :class:`Optimizer`.
    """

    _parameter_constraints = {
        **_CLIP_CONSTRAINTS,
        "beta1": [Interval(Real, 0, 1, "left")],
        "beta2": [Interval(Real, 0, 1, "left")],
        "eps": [Interval(Real, 0, None, "neither")],
    }

    scale_free = True
    default_learning_rate = 0.01

    def __init__(
        self,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        clip_norm: float | None = None,
        clip_value: float | None = None,
    ) -> None:
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.clip_norm = clip_norm
        self.clip_value = clip_value

    def init(self, params, context=None):
        return AdamState(
            *(np.zeros_like(params) for _ in range(3)),
            eps=self.eps * _gradient_unit(context),
        )

    def _update_moments(self, grads, state: AdamState) -> None:
        """Advance ``t`` and the moments, and store ``sqrt(v_hat) + eps``."""
        state.count += 1
        bias2 = 1 - self.beta2**state.count
        state.m *= self.beta1
        state.m += (1 - self.beta1) * grads
        state.v *= self.beta2
        grads *= grads
        grads *= 1 - self.beta2
        state.v += grads
        np.divide(state.v, bias2, out=state.denom)
        np.sqrt(state.denom, out=state.denom)
        state.denom += state.eps

    def step(self, params, grads, state, lr):
        self._update_moments(grads, state)
        bias1 = 1 - self.beta1**state.count
        np.divide(state.m, state.denom, out=grads)
        grads *= lr / bias1
        params -= grads

    def step_size(self, state, lr):
        return lr / state.denom


@dataclass
class AdamWState(AdamState):
    """:class:`AdamW`'s state: Adam's, and the weight decay it applies."""

    weights: tuple[slice, ...] = ()
    decay: float = 0.0
    lr_unit: float | np.ndarray = 1.0


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    The L2 part of the penalty is not followed through the gradient (where
    Adam would rescale it); instead, before the Adam step, the weights decay
    directly, as in ``torch.optim.AdamW``:

    .. code-block:: text

        g <- g - alpha l2_share w                   (the loss's gradient alone)
        w <- w - (lr / s) alpha l2_share w
        w <- w - lr m_hat / (sqrt(v_hat) + eps)      (Adam, on g)

    where ``s`` is the spread of ``y`` that a regressor's
    ``learning_rate="auto"`` multiplies the step by (1 otherwise): the decay
    is a rate per update, which must not follow the units of ``y``.
    Clipping applies to the loss's gradient alone, as in optax's
    ``chain(clip, adamw)``.

    ``alpha * l2_share`` plays the role of torch's ``weight_decay``:
    ``l2_share`` is 1 for ``penalty="l2"`` and ``1 - l1_ratio`` for elastic net.
    Intercepts never decay. Note that the fixed point differs from Adam's with
    the same penalty: decoupled decay does not minimise the L2-penalised
    objective exactly.

    Parameters
    ----------
    beta1 : float, default=0.9
        Decay of the first-moment estimate, in [0, 1).
    beta2 : float, default=0.999
        Decay of the second-moment estimate, in [0, 1).
    eps : float, default=1e-8
        Added to the denominator for numerical stability.
    clip_norm, clip_value : float or None, default=None
        Gradient clipping, see :class:`Optimizer`.
    """

    def init(self, params, context=None):
        context = StepContext() if context is None else context
        return AdamWState(
            *(np.zeros_like(params) for _ in range(3)),
            eps=self.eps * _gradient_unit(context),
            weights=tuple(context.weights),
            decay=float(context.l2_strength),
            lr_unit=context.lr_unit,
        )

    def update(self, params, grads, state, lr):
        if state.decay:
            for weights in state.weights:
                grads[weights] -= state.decay * params[weights]
        self.clip(grads)
        if state.decay:
            # lr carries lr_unit (per coordinate or not): the rate does not.
            rate = state.decay * np.broadcast_to(lr / state.lr_unit, params.shape)
            for weights in state.weights:
                params[weights] *= 1 - rate[weights]
        self.step(params, grads, state, lr)


class Nadam(Adam):
    """Adam with Nesterov momentum (Dozat, 2016), as ``optax.nadam``.

    With Adam's ``m`` and ``v`` at step ``t``:

    .. code-block:: text

        m_bar = beta1 m / (1 - beta1^(t+1)) + (1 - beta1) g / (1 - beta1^t)
        w <- w - lr m_bar / (sqrt(v_hat) + eps)

    Its parameters and defaults are Adam's (as torch's and optax's).

    Parameters
    ----------
    beta1 : float, default=0.9
        Decay of the first-moment estimate, in [0, 1).
    beta2 : float, default=0.999
        Decay of the second-moment estimate, in [0, 1).
    eps : float, default=1e-8
        Added to the denominator for numerical stability.
    clip_norm, clip_value : float or None, default=None
        Gradient clipping, see :class:`Optimizer`.
    """

    def step(self, params, grads, state, lr):
        current = grads.copy()
        self._update_moments(grads, state)
        t = state.count
        look_ahead = self.beta1 / (1 - self.beta1 ** (t + 1))
        current *= (1 - self.beta1) / (1 - self.beta1**t)
        current += look_ahead * state.m
        current /= state.denom
        current *= lr
        params -= current


def _step_by_root(params, grads, accumulator, state, lr) -> None:
    """``w <- w - lr g / (sqrt(accumulator) + eps)``, in place, keeping the
    denominator in ``state.denom`` for :meth:`Optimizer.step_size`."""
    np.sqrt(accumulator, out=state.denom)
    state.denom += state.eps
    grads /= state.denom
    grads *= lr
    params -= grads


@dataclass
class RMSpropState:
    """:class:`RMSprop`'s state: the squared-gradient average ``v`` and the
    last denominator ``sqrt(v) + eps``."""

    v: np.ndarray
    denom: np.ndarray
    eps: float = 1e-8


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012), with PyTorch's defaults.

    .. code-block:: text

        v <- rho v + (1 - rho) g²
        w <- w - lr g / (sqrt(v) + eps u)

    with ``u`` the gradient's unit, as in :class:`Adam`.

    Parameters
    ----------
    rho : float, default=0.99
        Decay of the squared-gradient average (torch's ``alpha``; optax uses 0.9).
    eps : float, default=1e-8
        Added to the denominator.
    clip_norm, clip_value : float or None, default=None
        Gradient clipping, see :class:`Optimizer`.
    """

    _parameter_constraints = {
        **_CLIP_CONSTRAINTS,
        "rho": [Interval(Real, 0, 1, "left")],
        "eps": [Interval(Real, 0, None, "neither")],
    }

    scale_free = True
    # Without Adam's averaged direction its steps jitter more: half Adam's.
    default_learning_rate = 0.005

    def __init__(
        self,
        rho: float = 0.99,
        eps: float = 1e-8,
        clip_norm: float | None = None,
        clip_value: float | None = None,
    ) -> None:
        self.rho = rho
        self.eps = eps
        self.clip_norm = clip_norm
        self.clip_value = clip_value

    def init(self, params, context=None):
        return RMSpropState(
            np.zeros_like(params),
            np.zeros_like(params),
            eps=self.eps * _gradient_unit(context),
        )

    def step(self, params, grads, state, lr):
        state.v *= self.rho
        state.v += (1 - self.rho) * grads * grads
        _step_by_root(params, grads, state.v, state, lr)

    def step_size(self, state, lr):
        return lr / state.denom


@dataclass
class AdagradState:
    """:class:`Adagrad`'s state: the sum of squared gradients ``G`` and the
    last denominator ``sqrt(G) + eps``."""

    sum_sq: np.ndarray
    denom: np.ndarray
    eps: float = 1e-10


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011), with PyTorch's defaults.

    .. code-block:: text

        G <- G + g²            (G starts at initial_accumulator_value u²)
        w <- w - lr g / (sqrt(G) + eps u)

    with ``u`` the gradient's unit, as in :class:`Adam`.

    Parameters
    ----------
    eps : float, default=1e-10
        Added to the denominator.
    initial_accumulator_value : float, default=0.0
        Starting value of ``G`` (optax uses 0.1). A positive value bounds the
        first steps of coordinates whose gradient starts near zero, such as an
        intercept initialised at the best constant, which would otherwise move
        by ``lr g / (|g| + eps)``: a full step for any ``|g|`` above ``eps``.
    clip_norm, clip_value : float or None, default=None
        Gradient clipping, see :class:`Optimizer`.
    """

    # Its steps shrink as lr / sqrt(sum of g²), so it starts from a larger one.
    default_learning_rate = 0.5
    _parameter_constraints = {
        **_CLIP_CONSTRAINTS,
        "eps": [Interval(Real, 0, None, "neither")],
        "initial_accumulator_value": [Interval(Real, 0, None, "left")],
    }

    scale_free = True

    def __init__(
        self,
        eps: float = 1e-10,
        initial_accumulator_value: float = 0.0,
        clip_norm: float | None = None,
        clip_value: float | None = None,
    ) -> None:
        self.eps = eps
        self.initial_accumulator_value = initial_accumulator_value
        self.clip_norm = clip_norm
        self.clip_value = clip_value

    def init(self, params, context=None):
        unit = _gradient_unit(context)
        return AdagradState(
            np.full_like(params, self.initial_accumulator_value * unit**2),
            np.zeros_like(params),
            eps=self.eps * unit,
        )

    def step(self, params, grads, state, lr):
        state.sum_sq += grads * grads
        _step_by_root(params, grads, state.sum_sq, state, lr)

    def step_size(self, state, lr):
        return lr / state.denom


@dataclass
class AdadeltaState:
    """:class:`Adadelta`'s state: the running averages ``v`` (of ``g²``) and
    ``u`` (of the updates' squares), and the last per-coordinate scale."""

    v: np.ndarray
    u: np.ndarray
    scale: np.ndarray


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012), with PyTorch's defaults.

    .. code-block:: text

        v <- rho v + (1 - rho) g²
        d = sqrt(u + eps) / sqrt(v + eps) * g
        u <- rho u + (1 - rho) d²
        w <- w - lr d

    Adadelta sets its own scale, so ``learning_rate=1.0`` is the classic method.

    Parameters
    ----------
    rho : float, default=0.9
        Decay of both running averages.
    eps : float, default=1e-6
        Added inside both square roots.
    clip_norm, clip_value : float or None, default=None
        Gradient clipping, see :class:`Optimizer`.
    """

    # Its update is already unit-consistent (its steps take the scale of its
    # past steps), so it is not scale_free; 1.0 is its published multiplier.
    default_learning_rate = 1.0
    _parameter_constraints = {
        **_CLIP_CONSTRAINTS,
        "rho": [Interval(Real, 0, 1, "left")],
        "eps": [Interval(Real, 0, None, "neither")],
    }

    def __init__(
        self,
        rho: float = 0.9,
        eps: float = 1e-6,
        clip_norm: float | None = None,
        clip_value: float | None = None,
    ) -> None:
        self.rho = rho
        self.eps = eps
        self.clip_norm = clip_norm
        self.clip_value = clip_value

    def init(self, params, context=None):
        return AdadeltaState(*(np.zeros_like(params) for _ in range(3)))

    def step(self, params, grads, state, lr):
        state.v *= self.rho
        state.v += (1 - self.rho) * grads * grads
        np.sqrt((state.u + self.eps) / (state.v + self.eps), out=state.scale)
        grads *= state.scale  # the update d
        state.u *= self.rho
        state.u += (1 - self.rho) * grads * grads
        grads *= lr
        params -= grads

    def step_size(self, state, lr):
        return lr * state.scale


def _gradient_unit(context: StepContext | None) -> float:
    return 1.0 if context is None else float(context.gradient_unit)


class NonSmoothPart(NamedTuple):
    """The non-smooth part ``h`` of a composite objective ``f(x) + h(x)``.

    Parameters
    ----------
    value : callable
        ``x -> h(x)``.
    prox : callable
        ``(x, step) -> None``: replaces ``x``, in place, by
        ``argmin_z ½‖z - x‖² + step h(z)``.
    cumulative_prox : callable or None
        ``(x, step, total, applied, max_threshold=None) -> None``: the prox
        for noisy mini-batch updates
        (:meth:`~sklearn_gd.penalties.Penalty.cumulative_prox`), with
        ``total`` and ``applied`` flat arrays it updates, and thresholds
        capped at ``max_threshold``; for the mini-batch solver only.
    """

    value: Callable[[np.ndarray], float]
    prox: Callable[[np.ndarray, float], None]
    cumulative_prox: Callable[..., None] | None = None


class FullBatchOptimizer(Component):
    """Base class of optimizers that minimise the exact objective at once.

    Each iteration sees all samples; ``learning_rate``, ``batch_size``,
    ``schedule``, ``shuffle`` and ``early_stopping`` do not apply, and
    ``partial_fit`` is not available. Subclasses implement :meth:`minimize`
    and, where they need more than the default smooth loss and penalty,
    :meth:`check_components`.
    """

    def check_components(self, loss, penalty) -> None:
        """Raise ``ValueError`` if the loss or penalty does not suit the method.

        The default needs both smooth (differentiable everywhere).

        Parameters
        ----------
        loss : Loss
            The estimator's loss object.
        penalty : Penalty
            The estimator's penalty object.

        Raises
        ------
        ValueError
            If the method cannot minimise an objective made of them.
        """
        for name, component in (("penalty", penalty), ("loss", loss)):
            if not component.is_smooth:
                raise ValueError(
                    f"optimizer={type(self).__name__}() needs a smooth objective, "
                    f"but {name}={type(component).__name__}() is not "
                    "differentiable everywhere. Use a first-order optimizer such "
                    "as 'sgd' or 'adam' (which handle an l1/elasticnet penalty by "
                    f"a proximal step), or a smooth {name}."
                )

    def minimize(
        self,
        objective: Callable[[np.ndarray], tuple[float, np.ndarray]],
        x0: np.ndarray,
        max_iter: int,
        tol: float,
        callback: Callable[[Any], None] | None = None,
        nonsmooth: NonSmoothPart | None = None,
    ):
        """Minimise ``objective(x) + nonsmooth.value(x)`` from ``x0``.

        Parameters
        ----------
        objective : callable
            The smooth part: ``x -> (value, gradient)``.
        x0 : ndarray of shape (n_parameters,)
            The flat parameter vector to start from.
        max_iter : int
            The maximum number of iterations.
        tol : float
            The tolerance on the (proximal) gradient's largest entry.
        callback : callable, optional
            Called after each iteration with an ``OptimizeResult`` holding at
            least ``x`` and ``fun``; if it raises ``StopIteration``, the
            minimisation ends there (as in scipy's ``minimize``).
        nonsmooth : NonSmoothPart or None
            The non-smooth part (an L1 penalty), None where there is none
            (always, for optimizers whose :meth:`check_components` requires a
            smooth penalty).

        Returns
        -------
        scipy.optimize.OptimizeResult
            With at least ``x``, ``fun``, ``jac`` (the (proximal) gradient at
            ``x``), ``nit`` and ``success``.
        """
        raise NotImplementedError


class LBFGS(FullBatchOptimizer):
    """Limited-memory BFGS on the full batch, through ``scipy.optimize``.

    A quasi-Newton method for smooth objectives: each iteration evaluates the
    exact objective and gradient over all samples and takes a line-searched step
    along an approximate Newton direction built from the last ``memory`` gradient
    differences. ``max_iter`` counts iterations and ``tol`` is the projected
    gradient tolerance (``gtol``), as in ``LogisticRegression(solver="lbfgs")``.

    It needs a smooth loss and penalty (``l2`` or none); for ``l1`` or
    ``elasticnet`` use a first-order optimizer, whose proximal step handles them.

    Parameters
    ----------
    memory : int, default=10
        Number of correction pairs kept (scipy's ``maxcor``).
    max_line_search : int, default=50
        Maximum line-search steps per iteration (scipy's ``maxls``, as sklearn).
    """

    _parameter_constraints = {
        "memory": [Interval(Integral, 1, None, "left")],
        "max_line_search": [Interval(Integral, 1, None, "left")],
    }

    def __init__(self, memory: int = 10, max_line_search: int = 50) -> None:
        self.memory = memory
        self.max_line_search = max_line_search

    def minimize(self, objective, x0, max_iter, tol, callback=None, nonsmooth=None):
        return minimize(
            objective,
            x0,
            method="L-BFGS-B",
            jac=True,
            callback=callback,
            options={
                "maxiter": max_iter,
                "maxcor": self.memory,
                "maxls": self.max_line_search,
                "gtol": tol,
                "ftol": 64 * np.finfo(float).eps,
            },
        )


class FISTA(FullBatchOptimizer):
    """Accelerated proximal gradient on the full batch (FISTA), for L1 and
    elastic net with a smooth loss.

    Minimises ``f(w) + h(w)``: ``f`` the data term and the penalty's smooth
    part, ``h`` its non-smooth part (``alpha l1_ratio ‖w‖₁``), handled by its
    proximal operator, so that zeros are exact. Beck & Teboulle (2009), with
    backtracking on the Lipschitz constant ``L`` and the adaptive restart of
    O'Donoghue & Candès (2015):

    .. code-block:: text

        x⁺ = prox_{h/L}(y - ∇f(y) / L)   L doubled until
                                          f(x⁺) <= f(y) + ∇f(y)·d + L/2 ‖d‖², d = x⁺ - y
        t⁺ = (1 + sqrt(1 + 4 t²)) / 2
        y⁺ = x⁺ + (t - 1) / t⁺ (x⁺ - x)    or y⁺ = x⁺, t⁺ = 1 if f + h went up

    ``L`` is tried a little lower at each iteration, so steps grow again where
    the curvature allows. It stops once the proximal gradient
    ``L (x - prox_{h/L}(x - ∇f(x) / L))`` has no entry above ``tol``: the
    analogue of a gradient for a non-smooth objective, 0 exactly at the
    optimum.

    Parameters
    ----------
    max_line_search : int, default=50
        Doublings of ``L`` allowed per iteration.
    """

    _parameter_constraints = {
        "max_line_search": [Interval(Integral, 1, None, "left")],
    }

    def __init__(self, max_line_search: int = 50) -> None:
        self.max_line_search = max_line_search

    def check_components(self, loss, penalty) -> None:
        if not loss.is_smooth:
            raise ValueError(
                f"optimizer=FISTA() needs a smooth loss, but loss="
                f"{type(loss).__name__}() is not differentiable everywhere. Use a "
                "first-order optimizer such as 'sgd' or 'adam', or a smooth loss."
            )

    def minimize(self, objective, x0, max_iter, tol, callback=None, nonsmooth=None):
        h = nonsmooth if nonsmooth is not None else _NO_NONSMOOTH
        x = np.array(x0, dtype=float)
        f_x, g_x = objective(x)
        y, f_y, g_y = x, f_x, g_x
        t, lipschitz = 1.0, 1.0
        gradient = _proximal_gradient(x, g_x, lipschitz, h)
        for iteration in range(1, max_iter + 1):
            step = self._line_search(objective, h, y, f_y, g_y, lipschitz)
            if step is None:
                return _result(x, f_x + h.value(x), gradient, iteration - 1, False)
            x_new, f_new, g_new, lipschitz = step
            gradient = _proximal_gradient(x_new, g_new, lipschitz, h)
            F_new = f_new + h.value(x_new)
            if callback is not None:
                try:
                    callback(OptimizeResult(x=x_new, fun=F_new))
                except StopIteration:  # as scipy's minimize: stop here
                    return _result(x_new, F_new, gradient, iteration, False)
            if np.max(np.abs(gradient)) <= tol:
                return _result(x_new, F_new, gradient, iteration, True)
            if F_new > f_x + h.value(x):  # momentum overshot: restart
                t, y, f_y, g_y = 1.0, x_new, f_new, g_new
            else:
                t_new = (1 + np.sqrt(1 + 4 * t * t)) / 2
                y = x_new + ((t - 1) / t_new) * (x_new - x)
                f_y, g_y = objective(y)
                t = t_new
            x, f_x = x_new, f_new
            lipschitz *= 0.9
        return _result(x, f_x + h.value(x), gradient, max_iter, False)

    def _line_search(self, objective, h, y, f_y, g_y, lipschitz):
        """The proximal step from ``y``, doubling ``L`` until ``f``'s quadratic
        bound holds; ``(x, f(x), ∇f(x), L)``, or None if it never does."""
        slack = 16 * np.finfo(float).eps * abs(f_y)  # rounding, near the optimum
        for _ in range(self.max_line_search):
            x = y - g_y / lipschitz
            h.prox(x, 1 / lipschitz)
            d = x - y
            f_x, g_x = objective(x)
            bound = f_y + g_y @ d + 0.5 * lipschitz * (d @ d) + slack
            if f_x <= bound:
                return x, f_x, g_x, lipschitz
            lipschitz *= 2
        return None


_NO_NONSMOOTH = NonSmoothPart(value=lambda x: 0.0, prox=lambda x, step: None)


def _proximal_gradient(x, gradient, lipschitz: float, h: NonSmoothPart):
    """``L (x - prox_{h/L}(x - ∇f(x) / L))``: the gradient where ``h = 0``."""
    z = x - gradient / lipschitz
    h.prox(z, 1 / lipschitz)
    return lipschitz * (x - z)


def _result(x, fun, jac, nit, success) -> OptimizeResult:
    message = "converged" if success else "stopped before tol was met"
    return OptimizeResult(
        x=x, fun=float(fun), jac=jac, nit=nit, success=success, message=message
    )


OPTIMIZERS = {
    "sgd": SGD,
    "momentum": lambda: SGD(momentum=0.9),
    "nesterov": lambda: SGD(momentum=0.9, nesterov=True),
    "adam": Adam,
    "adamw": AdamW,
    "nadam": Nadam,
    "rmsprop": RMSprop,
    "adagrad": Adagrad,
    "adadelta": Adadelta,
    "lbfgs": LBFGS,
    "fista": FISTA,
}
