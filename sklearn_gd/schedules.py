"""Learning-rate schedules: the step size as a function of the update step.

A schedule is a pure function ``value(step, base_lr, n_steps, alpha)`` of

- ``step``: the update step ``t``, counted from 0 (an int or an array of ints);
- ``base_lr``: the estimator's ``learning_rate``;
- ``n_steps``: the total number of update steps planned,
  ``max_iter * ceil(n_train_samples / batch_size)``;
- ``alpha``: the penalty strength (only ``optimal`` uses it).

No schedule raises past ``n_steps``. Only ``partial_fit`` gets there: it keeps
counting ``t`` across calls, whereas ``fit`` (also with ``warm_start``) starts
again from ``t = 0``. What a schedule does past ``n_steps`` depends on it: those
defined through the fraction ``t / n_steps`` (``exponential``, ``step``,
``cosine``, ``warmup_cosine``) hold their value at ``n_steps``, ``onecycle``
holds its value at its last step ``n_steps - 1``, ``invscaling`` and
``optimal`` do not depend on ``n_steps`` and keep decaying, and ``constant``
and ``adaptive`` stay constant (``partial_fit`` never reduces ``adaptive``).
:meth:`Schedule.values` previews a curve without fitting, and a fitted estimator's
``learning_rate_curve_`` records the step size used at the end of each epoch.

A schedule may also react when training reaches a plateau:
:meth:`Schedule.on_plateau` returns a new multiplier of the base step, or None
to let training stop. Only :class:`Adaptive` (reduce on plateau, much as
scikit-learn's ``learning_rate="adaptive"``) uses it; its value stays a pure
function of the step and that multiplier, which the fitted estimator keeps.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

from ._component import Component
from .validation import Interval

__all__ = [
    "Adaptive",
    "Constant",
    "Cosine",
    "Exponential",
    "InvScaling",
    "OneCycle",
    "Optimal",
    "Schedule",
    "StepDecay",
    "WarmupCosine",
]


class Schedule(Component):
    """Base class of learning-rate schedules.

    Subclasses implement :meth:`value`, vectorised over ``step``.

    Attributes
    ----------
    uses_learning_rate : bool
        Whether the step follows the estimator's ``learning_rate`` (all but
        :class:`Optimal`, which sets it from ``alpha``).
    """

    uses_learning_rate = True

    def value(self, step, base_lr: float, n_steps: int, alpha: float):
        """Step size at update ``step`` (int or ndarray of ints).

        Parameters
        ----------
        step : int or ndarray of int
            The update step ``t``, counted from 0.
        base_lr : float
            The base step: the estimator's ``learning_rate`` (times the
            multiplier :meth:`on_plateau` returned, after a plateau).
        n_steps : int
            The total number of update steps planned,
            ``max_iter * ceil(n_train_samples / batch_size)``.
        alpha : float
            The penalty strength (only :class:`Optimal` uses it).

        Returns
        -------
        float or ndarray
            The step size at each ``step``, of ``step``'s shape.
        """
        raise NotImplementedError

    def on_plateau(self, multiplier: float, base_lr: float) -> float | None:
        """React to a plateau of the monitored quantity during ``fit``.

        Parameters
        ----------
        multiplier : float
            The factor currently applied to ``base_lr`` (1 at the start).
        base_lr : float
            The estimator's base step.

        Returns
        -------
        float or None
            The new multiplier, training going on; None (the default) lets
            training stop.
        """
        return None

    def values(self, base_lr: float, n_steps: int, alpha: float = 1e-4) -> np.ndarray:
        """Preview: the step size at each of the steps ``0 .. n_steps - 1``.

        Parameters
        ----------
        base_lr : float
            The estimator's ``learning_rate``.
        n_steps : int
            The total number of update steps planned, all of them previewed.
        alpha : float, default=1e-4
            The penalty strength (only :class:`Optimal` uses it; the default
            is the estimators').

        Returns
        -------
        ndarray of shape (n_steps,)
            The step size at each step.

        Examples
        --------
        >>> from sklearn_gd.schedules import Cosine
        >>> Cosine().values(0.1, 5).round(4).tolist()
        [0.1, 0.0905, 0.0655, 0.0345, 0.0095]
        """
        self.validate()
        steps = np.arange(n_steps)
        return np.broadcast_to(
            np.asarray(self.value(steps, base_lr, n_steps, alpha), dtype=float),
            steps.shape,
        ).copy()


def _progress(step, n_steps: int):
    """Fraction of training done, ``min(step / n_steps, 1)``."""
    return np.minimum(np.asarray(step, dtype=float) / max(n_steps, 1), 1.0)


class Constant(Schedule):
    """Constant step: ``lr(t) = base_lr``."""

    def value(self, step, base_lr, n_steps, alpha):
        return base_lr + 0 * np.asarray(step, dtype=float)


class InvScaling(Schedule):
    """Inverse scaling: ``lr(t) = base_lr / (t + 1)^power_t``.

    Parameters
    ----------
    power_t : float, default=0.25
        The exponent (``SGDRegressor``'s default).
    """

    _parameter_constraints = {"power_t": [Interval(Real, 0, None, "left")]}

    def __init__(self, power_t: float = 0.25) -> None:
        self.power_t = power_t

    def value(self, step, base_lr, n_steps, alpha):
        return base_lr / (np.asarray(step, dtype=float) + 1) ** self.power_t


class Optimal(Schedule):
    """Bottou's "optimal" schedule, as scikit-learn's ``learning_rate="optimal"``.

    ``lr(t) = 1 / (alpha (t0 + t))`` with ``t0 = 1 / (alpha eta0)`` and the
    heuristic initial step ``eta0 = alpha^(-1/4)``, so ``lr(0) = alpha^(-1/4)``.
    It ignores ``learning_rate`` and needs ``alpha > 0``. Meant for plain SGD on
    margin losses; with an adaptive optimizer the early steps are large.
    """

    uses_learning_rate = False

    def value(self, step, base_lr, n_steps, alpha):
        if alpha <= 0:
            raise ValueError(
                "schedule='optimal' sets the step size from alpha, 1/(alpha (t0 + t)),"
                f" and needs alpha > 0; got alpha={alpha!r}."
            )
        eta0 = alpha**-0.25
        t0 = 1.0 / (alpha * eta0)
        return 1.0 / (alpha * (t0 + np.asarray(step, dtype=float)))


class Exponential(Schedule):
    """Exponential decay: ``lr(t) = base_lr * decay^(t / n_steps)``.

    The step falls smoothly from ``base_lr`` to ``decay * base_lr`` at the end
    of training and holds there (as ``optax.exponential_decay`` with
    ``transition_steps=n_steps`` and ``end_value=decay * base_lr``).

    Parameters
    ----------
    decay : float, default=0.01
        The factor applied over the whole run, in (0, 1].
    """

    _parameter_constraints = {"decay": [Interval(Real, 0, 1, "right")]}

    def __init__(self, decay: float = 0.01) -> None:
        self.decay = decay

    def value(self, step, base_lr, n_steps, alpha):
        return base_lr * self.decay ** _progress(step, n_steps)


class StepDecay(Schedule):
    """Step decay: ``lr(t) = base_lr * gamma^k(t)`` with
    ``k(t) = min(floor((n_drops + 1) * min(t / n_steps, 1)), n_drops)``.

    Training is cut into ``n_drops + 1`` equal phases and the step is multiplied
    by ``gamma`` at each boundary (``torch.optim.lr_scheduler.StepLR`` with
    ``step_size = n_steps / (n_drops + 1)``). The cap at ``n_drops`` keeps the
    last phase's value, ``base_lr * gamma^n_drops``, from ``t = n_steps`` on
    (without it, ``t = n_steps`` would start one more drop).

    Parameters
    ----------
    gamma : float, default=0.1
        Factor at each drop, in (0, 1] (torch's default).
    n_drops : int, default=2
        Number of drops over the run.
    """

    _parameter_constraints = {
        "gamma": [Interval(Real, 0, 1, "right")],
        "n_drops": [Interval(Integral, 0, None, "left")],
    }

    def __init__(self, gamma: float = 0.1, n_drops: int = 2) -> None:
        self.gamma = gamma
        self.n_drops = n_drops

    def value(self, step, base_lr, n_steps, alpha):
        phase = np.minimum(
            np.floor((self.n_drops + 1) * _progress(step, n_steps)), self.n_drops
        )
        return base_lr * self.gamma**phase


class Cosine(Schedule):
    """Cosine annealing (Loshchilov & Hutter, 2017), without restarts.

    ``lr(t) = base_lr * (m + (1 - m) * ½ (1 + cos(pi p)))`` with
    ``p = min(t / n_steps, 1)`` and ``m = min_fraction``.

    Parameters
    ----------
    min_fraction : float, default=0.0
        Final step as a fraction of ``base_lr``.
    """

    _parameter_constraints = {"min_fraction": [Interval(Real, 0, 1, "both")]}

    def __init__(self, min_fraction: float = 0.0) -> None:
        self.min_fraction = min_fraction

    def value(self, step, base_lr, n_steps, alpha):
        return base_lr * _cosine_from_one(_progress(step, n_steps), self.min_fraction)


def _cosine_from_one(progress, floor: float):
    """``floor + (1 - floor) ½ (1 + cos(pi progress))``: 1 at 0, ``floor`` at 1."""
    return floor + (1 - floor) * 0.5 * (1 + np.cos(np.pi * progress))


class WarmupCosine(Schedule):
    """Linear warm-up, then cosine annealing.

    With ``W = max(1, round(warmup_fraction * n_steps))`` warm-up steps and
    ``m = min_fraction``:

    - ``lr(t) = base_lr * (t + 1) / W`` for ``t < W``: the first step is
      ``base_lr / W`` (never 0) and the peak ``base_lr`` is reached at
      ``t = W - 1``;
    - ``lr(t) = base_lr * (m + (1 - m) * ½ (1 + cos(pi p)))`` for ``t >= W``,
      with ``p = min((t - W) / max(n_steps - W, 1), 1)``: the peak again at
      ``t = W``, then the :class:`Cosine` curve over the remaining
      ``n_steps - W`` steps, down to ``base_lr * m`` at ``t = n_steps``.

    Compared with ``optax.warmup_cosine_decay_schedule(init_value=0,
    peak_value=base_lr, warmup_steps=W, decay_steps=n_steps,
    end_value=m * base_lr)``, whose warm-up is ``base_lr * t / W`` (0 at
    ``t = 0``): the warm-up here is optax's shifted one step earlier
    (``lr(t) = optax(t + 1)`` for ``t < W``), so no update is wasted on a zero
    step and the peak is held for two steps, ``t = W - 1`` and ``t = W``; from
    ``t = W`` on the two agree (for ``n_steps > W``; optax rejects
    ``n_steps <= W``, which here anneals over one step).

    Parameters
    ----------
    warmup_fraction : float, default=0.1
        Share of the run spent warming up, in [0, 1).
    min_fraction : float, default=0.0
        Final step as a fraction of ``base_lr``.
    """

    _parameter_constraints = {
        "warmup_fraction": [Interval(Real, 0, 1, "left")],
        "min_fraction": [Interval(Real, 0, 1, "both")],
    }

    def __init__(self, warmup_fraction: float = 0.1, min_fraction: float = 0.0):
        self.warmup_fraction = warmup_fraction
        self.min_fraction = min_fraction

    def value(self, step, base_lr, n_steps, alpha):
        step = np.asarray(step, dtype=float)
        warmup = max(1, round(self.warmup_fraction * n_steps))
        decay_progress = _progress(step - warmup, max(n_steps - warmup, 1))
        decay_progress = np.maximum(decay_progress, 0.0)
        return base_lr * np.where(
            step < warmup,
            (step + 1) / warmup,
            _cosine_from_one(decay_progress, self.min_fraction),
        )


class OneCycle(Schedule):
    """One-cycle policy (Smith, 2018), as ``torch.optim.lr_scheduler.OneCycleLR``.

    ``base_lr`` is the peak. The step rises from ``base_lr / div_factor`` at step
    0 to ``base_lr`` at step ``pct_start * n_steps - 1`` along a half cosine,
    then falls along a half cosine to ``base_lr / (div_factor *
    final_div_factor)`` at the last step, ``n_steps - 1``: step for step the
    values of ``OneCycleLR(max_lr=base_lr, total_steps=n_steps)`` with its
    defaults (``anneal_strategy="cos"``, ``three_phase=False``), whose defaults
    these are too.

    Parameters
    ----------
    pct_start : float, default=0.3
        Share of the run spent rising, in (0, 1).
    div_factor : float, default=25.0
        Initial step is ``base_lr / div_factor``.
    final_div_factor : float, default=1e4
        Final step is ``base_lr / (div_factor * final_div_factor)``.
    """

    _parameter_constraints = {
        "pct_start": [Interval(Real, 0, 1, "neither")],
        "div_factor": [Interval(Real, 1, None, "left")],
        "final_div_factor": [Interval(Real, 1, None, "left")],
    }

    def __init__(
        self,
        pct_start: float = 0.3,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
    ) -> None:
        self.pct_start = pct_start
        self.div_factor = div_factor
        self.final_div_factor = final_div_factor

    def value(self, step, base_lr, n_steps, alpha):
        initial = base_lr / self.div_factor
        final = initial / self.final_div_factor
        # torch's phase ends: the peak at pct_start * n - 1, the end at n - 1.
        last_step = max(n_steps, 1) - 1
        peak_step = self.pct_start * (last_step + 1) - 1
        step = np.minimum(np.asarray(step, dtype=float), last_step)
        if peak_step > 0:
            rising = np.clip(step / peak_step, 0, 1)
        else:  # no rising phase (torch divides by zero at peak_step == 0)
            rising = np.ones_like(step)
        falling = np.clip((step - peak_step) / (last_step - peak_step), 0, 1)
        up = initial + (base_lr - initial) * (1 - _cosine_from_one(rising, 0.0))
        down = final + (base_lr - final) * _cosine_from_one(falling, 0.0)
        return np.where(step <= peak_step, up, down)


class Adaptive(Schedule):
    """Constant until the objective plateaus, then divided (reduce on plateau).

    ``lr = base_lr * factor^k`` after ``k`` reductions. After each epoch of
    ``fit``, once ``n_iter_no_change`` consecutive epochs have failed to improve
    the monitored quantity (the training objective, or the validation score
    with ``early_stopping``) by ``tol``, :meth:`on_plateau` multiplies the step
    by ``factor`` if the reduced step is still at least ``min_learning_rate``,
    and the count starts again. Otherwise training stops, but only once the epochs since
    the last improvement (or reduction) also span at least ``MIN_PLATEAU_UPDATES``
    (50) updates, the rule every schedule stops by; a reduction does not wait
    for those 50 updates.

    With the defaults this resembles scikit-learn's ``learning_rate="adaptive"``
    (divide by 5, stop near 1e-6), with these differences:

    - scikit-learn divides whenever the *current* step is above 1e-6 (so it can
      end below it); here the step is divided only if the *reduced* step is at
      least ``min_learning_rate``;
    - ``partial_fit`` never reduces the step (it makes no plateau decisions);
    - with ``tol=None`` every epoch counts as an improvement, so the step is
      never reduced;
    - stopping, but not reducing, also needs the 50-update span above;
      scikit-learn has no such rule (its epochs are ``n_samples`` updates
      long), so with one update per epoch (full batch) the step here can drop
      after ``n_iter_no_change`` epochs while stopping waits for 50.

    Parameters
    ----------
    factor : float, default=0.2
        Multiplier at each plateau, in (0, 1).
    min_learning_rate : float, default=1e-6
        Training stops once the step would fall below this.
    """

    _parameter_constraints = {
        "factor": [Interval(Real, 0, 1, "neither")],
        "min_learning_rate": [Interval(Real, 0, None, "left")],
    }

    def __init__(self, factor: float = 0.2, min_learning_rate: float = 1e-6) -> None:
        self.factor = factor
        self.min_learning_rate = min_learning_rate

    def value(self, step, base_lr, n_steps, alpha):
        return base_lr + 0 * np.asarray(step, dtype=float)

    def on_plateau(self, multiplier, base_lr):
        reduced = multiplier * self.factor
        if base_lr * reduced >= self.min_learning_rate:
            return reduced
        return None


SCHEDULES = {
    "constant": Constant,
    "invscaling": InvScaling,
    "optimal": Optimal,
    "exponential": Exponential,
    "step": StepDecay,
    "cosine": Cosine,
    "warmup_cosine": WarmupCosine,
    "onecycle": OneCycle,
    "adaptive": Adaptive,
}
