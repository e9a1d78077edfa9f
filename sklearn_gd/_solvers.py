"""The two solvers behind one interface: mini-batch and full batch.

A solver is built from the estimator's parameters (``BaseGD._make_solver``:
full batch for a :class:`~sklearn_gd.optimizers.FullBatchOptimizer`, else
mini-batch) and runs on a :class:`~sklearn_gd._engine.TrainingState` through
``run(objective, state, data, scales, *, max_epochs, tol, rng, validation,
verbose) -> converged``. It also words its own advice for the engine's
judgements (``divergence_advice``, ``worse_advice``,
``not_converged_message``) and says whether its steps can carry the objective
above its start (``overshoots``).

- :class:`MiniBatchSolver` drives a first-order optimizer: per update, a
  mini-batch's objective and gradient, the optimizer's update (clip, step),
  then the penalty's proximal step; per epoch, the records and the stopping
  rule (:class:`Plateau`).
- :class:`FullBatchSolver` hands the exact objective over all samples to a
  full-batch optimizer (:class:`~sklearn_gd.optimizers.LBFGS`).
"""

from __future__ import annotations

import math

import numpy as np

from ._batches import BatchSource
from ._engine import check_finite, print_progress
from ._model import flatten, penalized_slices, unflatten
from .optimizers import FullBatchOptimizer, StepContext

# A plateau must also last this many updates. With one update per epoch (full
# batch, or batch_size="auto" on small data) n_iter_no_change epochs are
# shorter than one oscillation of momentum or Adam, which would then stop
# mid-swing far from the optimum; scikit-learn's SGD never meets this, as its
# epochs are n_samples updates long.
MIN_PLATEAU_UPDATES = 50

# The end-of-epoch objective is taken on at most this many training samples,
# evenly spaced (one forward pass over them per epoch).
MONITOR_MAX_SAMPLES = 10_000

# gradient_norms_ averages the gradient norms of about this many evenly spaced
# updates per epoch (all of them in shorter epochs): a norm at every update
# showed in the sparse epoch's time (docs/benchmarks.md).
GRADIENT_NORM_SAMPLES = 32


class Plateau:
    """scikit-learn SGD's stopping rule, on any monitored quantity.

    An epoch improves when its value is below ``best - tol`` (above
    ``best + tol`` where higher is better); ``n_iter_no_change`` epochs in a
    row without improvement make a plateau. ``tol=None``: every epoch improves.
    """

    def __init__(self, tol, n_iter_no_change: int, higher_is_better: bool) -> None:
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.sign = -1.0 if higher_is_better else 1.0
        self.best = math.inf
        self.count = 0
        self.t_last_improvement = 0

    def reached(self, value: float, t: int) -> bool:
        """Record an epoch's ``value`` after ``t`` updates; True at a plateau."""
        value = self.sign * value
        if self.tol is None or value <= self.best - self.tol:
            self.restart(t)
        else:
            self.count += 1
        self.best = min(self.best, value)
        return self.count >= self.n_iter_no_change

    def restart(self, t: int) -> None:
        """Count epochs without improvement from 0 again, from update ``t``."""
        self.count = 0
        self.t_last_improvement = t

    def long_enough(self, t: int) -> bool:
        """Whether the plateau spans ``MIN_PLATEAU_UPDATES`` updates."""
        return t - self.t_last_improvement >= MIN_PLATEAU_UPDATES


class MiniBatchSolver:
    """Epochs of mini-batch updates by a first-order optimizer.

    Parameters
    ----------
    optimizer : Optimizer
    schedule : Schedule
    learning_rate : float
        The base step, times the root mean square of ``lr_unit``.
    lr_unit : float or ndarray of shape (n_parameters,)
        The factor the step carries for the units of ``y``, per coordinate
        where outputs differ in units
        (:class:`~sklearn_gd.optimizers.StepContext`).
    batch_size : int
    n_iter_no_change : int
    shuffle : bool

    Attributes
    ----------
    overshoots : bool
        True: its steps can carry the objective above its start on the way,
        so a run that rose and came back made no progress for steps too large.
    """

    overshoots = True

    def __init__(
        self,
        optimizer,
        *,
        schedule,
        learning_rate: float,
        lr_unit: float,
        batch_size: int,
        n_iter_no_change: int,
        shuffle: bool,
    ) -> None:
        self.optimizer = optimizer
        self.schedule = schedule
        self.learning_rate = learning_rate
        self.lr_unit = lr_unit
        # Each coordinate's share of the step: None where all are equal.
        self._lr_shape = None
        if np.ndim(lr_unit):
            self._lr_shape = lr_unit / np.sqrt(np.mean(np.square(lr_unit)))
        self.batch_size = batch_size
        self.n_iter_no_change = n_iter_no_change
        self.shuffle = shuffle

    def run(
        self, objective, state, data, scales, *, max_epochs, tol, rng, validation,
        verbose, epoch_hook=None,
    ) -> bool:
        """Run up to ``max_epochs`` epochs on ``state``; True if a plateau (or
        ``epoch_hook``, called after each epoch) stopped them."""
        flat, state.params = flatten(state.params)
        self._prepare_optimizer(objective, state, flat, scales)
        nonsmooth = objective.nonsmooth_part(state.params)
        if nonsmooth is not None and (
            state.penalty_totals is None or len(state.penalty_totals[0]) != len(flat)
        ):
            state.penalty_totals = (np.zeros_like(flat), np.zeros_like(flat))
        grad_flat = np.empty_like(flat)
        gradient = (grad_flat, unflatten(grad_flat, state.params))
        batch_size = min(self.batch_size, data.X.shape[0])
        batches = BatchSource(data.X, data.Y, data.weight, batch_size, self.shuffle)
        tol = None if tol is None else tol * (1 if validation else scales.tolerance)
        plateau = Plateau(tol, self.n_iter_no_change, validation is not None)
        best, converged = _BestEpoch(flat), False
        monitor = _monitor_samples(data)
        with _quiet_floats():
            for _ in range(max_epochs):
                lr, norms = self._run_epoch(
                    objective, state, flat, gradient, nonsmooth, batches, rng
                )
                state.record_gradient_norms(norms)
                value = objective.value(state.params, *monitor)
                monitored = self._end_epoch(
                    objective, state, value, lr, validation, best, verbose
                )
                if epoch_hook is not None and epoch_hook(state):
                    converged = True
                    break
                if plateau.reached(monitored, state.t) and self._stop(state, plateau):
                    converged = True
                    break
        best.restore()
        return converged

    def _prepare_optimizer(self, objective, state, flat, scales) -> None:
        """(Re)start the optimizer's state unless it was made for this setup."""
        if state.gradient_unit is None:
            # Outputs in units of y give the gradient those units; unit-free
            # outputs (logits, log-means: output_scale 1) take eps as it is.
            has_units = np.any(np.asarray(state.output_scale) != 1)
            size = scales.gradient
            usable = has_units and math.isfinite(size) and size > 0
            state.gradient_unit = size if usable else 1.0
        context = StepContext(
            weights=penalized_slices(objective.model, state.params),
            l2_strength=objective.alpha * objective.penalty.l2_share,
            lr_unit=self.lr_unit,
            gradient_unit=state.gradient_unit,
        )
        # A component stores its __init__ arguments and nothing else (Component).
        key = (type(self.optimizer), dict(vars(self.optimizer)), context)
        if state.optimizer_state is None or not _same_key(state.optimizer_key, key):
            # Another optimizer's moments (or a momentum of 0 turned on) mean
            # nothing to this one: restart its state, as warm_start does.
            state.optimizer_state = self.optimizer.init(flat, context)
            state.optimizer_key = key

    def _run_epoch(
        self, objective, state, flat, gradient, nonsmooth, batches, rng
    ) -> tuple[float, np.ndarray]:
        """One pass over the data; returns the last update's step size and
        each weight matrix's gradient norm, as the root mean square over
        about ``GRADIENT_NORM_SAMPLES`` evenly spaced updates (all of them in
        shorter epochs).

        ``gradient`` is the flat gradient buffer and its views shaped as the
        parameters; ``nonsmooth`` the penalty's non-smooth part (or None),
        whose cumulative prox follows each update.
        """
        grad_flat, grads = gradient
        lr = math.nan
        layers = penalized_slices(objective.model, state.params)
        squares, n_sampled = np.zeros(len(layers)), 0
        n_batches = -(-batches.n_samples // batches.batch_size)
        stride = max(1, n_batches // GRADIENT_NORM_SAMPLES)
        for index, (X, Y, weight) in enumerate(batches.epoch(rng)):
            objective.gradient(state.params, X, Y, weight, grads)
            if index % stride == 0:
                for k, layer in enumerate(layers):
                    squares[k] += np.dot(grad_flat[layer], grad_flat[layer])
                n_sampled += 1
            base = self.learning_rate * state.lr_multiplier
            lr = float(
                self.schedule.value(state.t, base, state.n_steps, objective.alpha)
            )
            step_lr = lr if self._lr_shape is None else lr * self._lr_shape
            self.optimizer.update(flat, grad_flat, state.optimizer_state, step_lr)
            if nonsmooth is not None:
                step = self.optimizer.step_size(state.optimizer_state, step_lr)
                # An adaptive step lr / (sqrt(v) + eps) is huge where gradients
                # are still ~0 (a network's hidden weights while the output
                # layer starts at zero): were L1 part of the gradient, such an
                # optimizer would move a weight by about lr, so the prox takes
                # at most that much. The fixed point is unchanged.
                cap = step_lr if self.optimizer.scale_free else None
                nonsmooth.cumulative_prox(flat, step, *state.penalty_totals, cap)
            state.t += 1
        return lr, np.sqrt(squares / max(n_sampled, 1))

    def _end_epoch(self, objective, state, value, lr, validation, best, verbose):
        """Check and record an epoch that ended at objective ``value``; return
        the quantity the plateau rule watches."""
        state.n_iter += 1
        check_finite(state.n_iter, value, state.params, state.optimizer_state, self)
        state.loss_curve.append(value)
        state.learning_rate_curve.append(lr)
        monitored = value
        if validation is None:
            state.validation_scores.append(math.nan)
        else:
            raw, _ = objective.model.forward(state.params, validation.X)
            monitored = float(validation.score(raw))
            state.validation_scores.append(monitored)
            best.offer(monitored, state)
        print_progress(state, verbose)
        return monitored

    def _stop(self, state, plateau: Plateau) -> bool:
        """At a plateau: let the schedule react (a smaller step) or stop."""
        base = self.learning_rate
        multiplier = self.schedule.on_plateau(state.lr_multiplier, base)
        if multiplier is not None:
            state.lr_multiplier = multiplier
            plateau.restart(state.t)
            return False
        return plateau.long_enough(state.t)

    def divergence_advice(self) -> str:
        clipping = (
            "gradient clipping (e.g. optimizer=Adam(clip_norm=1.0) or "
            "SGD(clip_norm=1.0))"
        )
        return f"{self._smaller_step()}, {clipping}"

    def worse_advice(self) -> str:
        # Suggest the other kind of step than the one that failed.
        if self.optimizer.scale_free:
            other = "optimizer='sgd' (steps proportional to the gradient)"
        else:
            other = "optimizer='adam' (steps of a set size, whatever the gradient)"
        return f"{self._smaller_step()}, {other} or 'lbfgs' (smooth losses)"

    def stall_advice(self) -> str:
        if not self.schedule.uses_learning_rate:  # steps shrink as alpha grows
            return f"a smaller alpha ({self._steps_from_alpha()}), another schedule"
        return f"a larger learning_rate (currently {self.learning_rate:g})"

    def _smaller_step(self) -> str:
        if not self.schedule.uses_learning_rate:
            return f"a larger alpha ({self._steps_from_alpha()}), another schedule"
        return f"a smaller learning_rate (currently {self.learning_rate:g})"

    def _steps_from_alpha(self) -> str:
        name = type(self.schedule).__name__
        return f"schedule={name} sets the step from alpha, not from learning_rate"

    def not_converged_message(self, owner: str, tol: float, max_iter: int) -> str:
        return (
            f"{owner} reached max_iter={max_iter} before the objective stopped "
            f"improving by tol={tol} (relative where the objective at the start "
            "is below 1); consider increasing max_iter or learning_rate."
        )


def _monitor_samples(data) -> tuple:
    """The samples the end-of-epoch objective is taken on: all of them, or
    ``MONITOR_MAX_SAMPLES`` evenly spaced ones (a fixed set, so that epochs
    compare exactly; evenly spaced, so that data sorted by class or target
    is sampled across its range)."""
    n_samples = data.X.shape[0]
    if n_samples <= MONITOR_MAX_SAMPLES:
        return data.X, data.Y, data.weight
    rows = np.linspace(0, n_samples - 1, MONITOR_MAX_SAMPLES).astype(np.intp)
    weight = None if data.weight is None else data.weight[rows]
    return data.X[rows], data.Y[rows], weight


class _BestEpoch:
    """A copy of the flat parameter vector ``flat`` at the epoch with the
    best validation score so far."""

    def __init__(self, flat: np.ndarray) -> None:
        self.source = flat
        self.flat = None

    def offer(self, score: float, state) -> None:
        if state.best_validation_score is None or score > state.best_validation_score:
            state.best_validation_score = score
            self.flat = self.source.copy()

    def restore(self) -> None:
        if self.flat is not None:
            self.source[:] = self.flat


class FullBatchSolver:
    """A full-batch optimizer on the exact objective over all samples.

    Computed in float64 whatever the data's dtype, since a line search needs
    accurate differences. The optimizer minimises ``J / scales.tolerance``,
    which is of order 1 at the start: the minimiser is the same, and its
    tolerances (absolute below objectives of 1, as scipy's) become relative
    as the plateau rule's.
    """

    # A line search takes no step it could overshoot with: a full-batch run
    # that rose on the way is judged as any other stall.
    overshoots = False

    def __init__(self, optimizer: FullBatchOptimizer) -> None:
        self.optimizer = optimizer

    def run(
        self, objective, state, data, scales, *, max_epochs, tol, rng, validation,
        verbose, epoch_hook=None,
    ) -> bool:
        """Minimise ``J`` from ``state.params``; True if the optimizer converged
        or ``epoch_hook`` (called after each iteration) stopped it."""
        shapes = [param.astype(float) for param in state.params]
        x0, _ = flatten(shapes)
        normaliser = 1.0 / scales.tolerance
        nonsmooth = objective.nonsmooth_part(shapes, scale=normaliser)
        smooth, evaluated = self._smooth_part(
            objective, data, scales, shapes, nonsmooth
        )
        layers = penalized_slices(objective.model, shapes)

        def record(intermediate_result) -> None:
            self._record(state, float(intermediate_result.fun) / normaliser, verbose)
            _record_full_gradient(state, evaluated["last"], layers, normaliser)
            if epoch_hook is None:
                return
            # The hook may read the iteration's parameters (a callback's
            # fitted_estimator): hand them over, in the model's dtype.
            dtype = state.params[0].dtype
            state.params = [
                p.astype(dtype) for p in unflatten(intermediate_result.x.copy(), shapes)
            ]
            if epoch_hook(state):
                evaluated["stopped"] = True
                raise StopIteration  # scipy's minimize ends there (and FISTA)

        tol = 0.0 if tol is None else tol
        with _quiet_floats():
            result = self.optimizer.minimize(
                smooth,
                x0,
                max_iter=max_epochs,
                tol=tol,
                callback=record,
                nonsmooth=nonsmooth,
            )
        if int(result.nit) == 0:
            self._record(state, float(result.fun) / normaliser, verbose)
            _record_full_gradient(state, evaluated["last"], layers, normaliser)
        dtype = state.params[0].dtype
        state.params = [p.astype(dtype) for p in unflatten(result.x, shapes)]
        state.t += int(result.nit)
        check_finite(state.n_iter, float(result.fun), state.params, None, self)
        stopped = evaluated.get("stopped", False)
        return stopped or self._converged(result, tol, evaluated.get("start"))

    @staticmethod
    def _smooth_part(objective, data, scales, shapes, nonsmooth):
        """``x -> (f(x), ∇f(x))`` for the smooth part ``f`` of ``J / tolerance``
        (``J`` less the non-smooth part), and a dict it fills: ``"start"``, the
        largest entry of the gradient at the start; ``"last"``, the last
        gradient evaluated."""
        normaliser = 1.0 / scales.tolerance
        evaluated: dict = {}

        def value_and_gradient(flat):
            gradient = np.empty_like(flat)
            params, grads = unflatten(flat, shapes), unflatten(gradient, shapes)
            value = objective.value_and_gradient(
                params, data.X, data.Y, data.weight, grads
            )
            value, gradient = value * normaliser, gradient * normaliser
            if nonsmooth is not None:
                value -= nonsmooth.value(flat)
            evaluated.setdefault("start", float(np.max(np.abs(gradient))))
            evaluated["last"] = gradient
            return value, gradient

        return value_and_gradient, evaluated

    def _record(self, state, value: float, verbose: int) -> None:
        state.n_iter += 1
        state.loss_curve.append(value)
        # A line-search method has no schedule step size to report.
        state.learning_rate_curve.append(math.nan)
        state.validation_scores.append(math.nan)
        print_progress(state, verbose, iteration=True)

    @staticmethod
    def _converged(result, tol: float, start_gradient: float | None) -> bool:
        """scipy's success, if the gradient is also small or fell 1000-fold.

        L-BFGS-B also reports success when the objective stops decreasing at
        machine precision, which on badly scaled X happens far from the
        optimum; converged fits' gradients fall by far more than 1000-fold.
        """
        gradient_max = float(np.max(np.abs(result.jac)))
        small = gradient_max <= 100 * tol
        fell = True if start_gradient is None else gradient_max <= 1e-3 * start_gradient
        return bool(result.success) and (small or fell)

    def divergence_advice(self) -> str:
        # A line search has no step size to lower: it overflows on badly
        # scaled X, where more regularisation helps.
        return "a larger alpha"

    def worse_advice(self) -> str:
        return "a larger alpha"

    def stall_advice(self) -> str:
        return "a smaller tol"

    def not_converged_message(self, owner: str, tol: float, max_iter: int) -> str:
        return (
            f"{owner} stopped after max_iter={max_iter} iterations of "
            f"{type(self.optimizer).__name__} (or a stalled line search) with the "
            f"gradient still above tol ({tol}, relative where the objective at "
            "the start is below 1); scale X (e.g. StandardScaler in a Pipeline) "
            "or increase max_iter."
        )


def _record_full_gradient(state, gradient, layers, normaliser: float) -> None:
    """A full-batch iteration's gradient norm per weight matrix: that of the
    smooth part's last evaluation in the iteration (where its line search
    ended, or FISTA's extrapolated point), back in units of ``J``."""
    state.record_gradient_norms(
        [np.linalg.norm(gradient[layer]) / normaliser for layer in layers]
    )


def _same_key(stored, current) -> bool:
    """Whether two ``(class, parameters, context)`` keys are equal; parameters
    may be arrays, which ``==`` on dicts cannot compare."""
    if stored is None or stored[0] is not current[0]:
        return False
    if not all(
        np.array_equal(a, b) for a, b in zip(stored[2], current[2], strict=True)
    ):
        return False
    stored_params, current_params = stored[1], current[1]
    return stored_params.keys() == current_params.keys() and all(
        np.array_equal(stored_params[key], current_params[key])
        for key in stored_params
    )


def _quiet_floats():
    """Overflow and invalid values are judged by the engine, not warned about."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")
