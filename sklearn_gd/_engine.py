"""The one training engine shared by both estimators.

Each update: gather a mini-batch -> forward -> loss gradient -> backward ->
penalty gradient -> clip -> optimizer step -> proximal step. Each epoch: record
the objective and the step size, check for divergence, and decide whether to
stop. Full-batch solvers (``lbfgs``) get the same objective through
:func:`full_batch_objective` instead of the mini-batch loop.

The engine knows nothing of labels, targets' shapes or scikit-learn: the
estimators hand it arrays (``X``, encoded targets ``Y``, sample weights) and
components, and read the results back from :class:`TrainingState`.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from ._model import LinearModel
from .losses import Loss
from .optimizers import Optimizer
from .penalties import Penalty
from .schedules import Schedule


@dataclass
class TrainingSetup:
    """Everything that configures a run; built by the estimator at ``fit``."""

    model: LinearModel
    loss: Loss
    penalty: Penalty
    alpha: float
    optimizer: Optimizer
    schedule: Schedule
    learning_rate: float
    batch_size: int
    max_iter: int
    tol: float | None
    n_iter_no_change: int
    shuffle: bool
    verbose: int = 0
    # The factor learning_rate carries for the units of y ("auto" with a
    # scale-free optimizer, else 1). Decoupled weight decay is a rate per step,
    # w <- (1 - lr alpha) w, so it takes the step without it.
    step_scale: float = 1.0


@dataclass
class Validation:
    """A held-out set and how to score raw outputs on it (higher is better)."""

    X: Any
    score: Callable[[np.ndarray], float]


@dataclass
class TrainingState:
    """What training produces and what ``partial_fit`` continues from."""

    params: list[np.ndarray]
    optimizer_state: dict[str, Any]
    t: int = 0
    n_iter: int = 0
    loss_curve: list[float] = field(default_factory=list)
    learning_rate_curve: list[float] = field(default_factory=list)
    validation_scores: list[float] = field(default_factory=list)
    best_loss: float = math.inf
    best_validation_score: float = -math.inf
    best_params: list[np.ndarray] | None = None
    no_improvement_count: int = 0
    t_last_improvement: int = 0
    # The objective of the best constant model, which training starts from.
    baseline_loss: float = math.nan
    # The yardstick for divergence: the larger of baseline_loss and the objective
    # of the all-zero output, so that a near-perfect constant (baseline ~ 0) or
    # a negative baseline (Poisson) does not make the test meaningless.
    divergence_scale: float = math.nan
    # The spread of y (Loss.output_scale), fixed when training starts: what
    # learning_rate="auto" is multiplied by for a scale-free optimizer.
    output_scale: float = 1.0
    # The number of updates the schedule plans for (T), fixed when the state is
    # made, so that partial_fit chunks of other sizes do not move the schedule.
    n_steps: int = 0
    # What optimizer_state was made for: the optimizer's class and parameters.
    optimizer_config: tuple | None = None
    plateau_scale: float = 1.0
    converged: bool = False


# A plateau must also last this many updates. With one update per epoch (full
# batch, or batch_size="auto" on small data) n_iter_no_change=10 epochs is
# shorter than one oscillation of momentum or Adam, which then stop mid-swing far
# from the optimum; scikit-learn's SGD never meets this, as its epochs are
# n_samples updates long.
MIN_PLATEAU_UPDATES = 50

# A run that ends with its objective this many times the divergence scale (the
# objective of the best constant model or of the zero output, the larger) has
# diverged, even if the objective is still finite: a sane run never ends that
# far above predicting a constant.
DIVERGENCE_FACTOR = 1e6


def steps_per_epoch(n_samples: int, batch_size: int) -> int:
    """Number of updates in one pass over ``n_samples``."""
    return max(1, math.ceil(n_samples / batch_size))


def run_epochs(
    setup: TrainingSetup,
    state: TrainingState,
    X,
    Y: np.ndarray,
    sample_weight: np.ndarray,
    rng: np.random.RandomState,
    n_epochs: int,
    n_steps: int,
    validation: Validation | None = None,
    stop_on_plateau: bool = True,
) -> TrainingState:
    """Run up to ``n_epochs`` epochs of mini-batch training, updating ``state``.

    Parameters
    ----------
    setup : TrainingSetup
    state : TrainingState
        Modified in place (parameters, optimizer state, counters, curves).
    X : ndarray or CSR matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
        Targets as the loss encodes them.
    sample_weight : ndarray of shape (n_samples,)
    rng : RandomState
        Source of the shuffling.
    n_epochs : int
        Epochs to run at most.
    n_steps : int
        Total update steps planned, for the schedule.
    validation : Validation or None
        Monitor this score instead of the training objective, and keep the
        parameters of its best epoch in ``state.best_params``.
    stop_on_plateau : bool
        Whether to stop (or, for a plateau schedule, reduce the step) when the
        monitored quantity stops improving by ``tol``.

    Returns
    -------
    TrainingState
        ``state``, with ``converged`` set if training stopped on a plateau.

    Raises
    ------
    ValueError
        If the objective or the parameters become non-finite.
    """
    n_samples = X.shape[0]
    batch_size = min(setup.batch_size, n_samples)
    # Weights relative to their mean: a batch's gradient, sum_i r_i g_i / |batch|,
    # is then an unbiased estimate of the full gradient of the weighted mean
    # loss. Unit relative weights (no or uniform sample_weight, the usual case)
    # are not stored, which saves a gather and a multiply per batch.
    relative_weight = sample_weight / sample_weight.mean()
    if np.all(relative_weight == 1):
        relative_weight = None
    needs_prox = not setup.penalty.is_smooth
    decay_share = (
        setup.penalty.l2_share if setup.optimizer.decoupled_weight_decay else 0.0
    )
    batches = _BatchSource(X, Y, relative_weight, batch_size, setup.shuffle)
    state.converged = False
    # The optimizer sees all parameters as one flat vector, and their gradients
    # as another: one optimizer update per batch instead of one per array
    # halves the small numpy calls that dominate a mini-batch step. The model
    # and the penalty work on views of the same memory.
    flat = flat_copy(state.params)
    state.params = unflatten(flat, state.params)
    flat_grad = np.empty_like(flat)
    grads = unflatten(flat_grad, state.params)
    weight_slices = _weight_slices(setup.model, state.params)

    # Mini-batch products are too small to gain from BLAS threads, and waking
    # them costs more than the work; with another process busy (GridSearchCV
    # with n_jobs) one threaded 20,000-long dot product was seen to take 1.2 ms
    # instead of 5 us. Full batches keep the threads for their large products.
    single_thread = (
        threadpool_limits(limits=1, user_api="blas")
        if batch_size < n_samples
        else contextlib.nullcontext()
    )
    with single_thread, np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(n_epochs):
            # Both terms of the objective are taken at the parameters each batch
            # saw, before its update, and averaged over the epoch's samples.
            # Mixing data loss before and penalty after an update (as scikit-
            # learn's SGD may) can dip below the optimum when momentum
            # overshoots, after which no epoch counts as an improvement.
            data_loss = 0.0  # sum of relative weight x loss over the epoch
            penalty_sum = 0.0  # sum of batch size x R(w) over the epoch
            lr = float("nan")
            for X_batch, Y_batch, w_batch in batches.epoch(rng):
                if setup.alpha > 0:
                    penalty_sum += len(Y_batch) * penalty_value(setup, state.params)
                raw = setup.model.forward(state.params, X_batch)
                losses, grad_raw = setup.loss.value_and_gradient(Y_batch, raw)
                if w_batch is None:
                    data_loss += float(losses.sum())
                    grad_raw *= 1.0 / len(Y_batch)
                else:
                    data_loss += float(w_batch @ losses)
                    grad_raw *= (w_batch * (1.0 / len(w_batch)))[:, np.newaxis]
                setup.model.backward(state.params, X_batch, grad_raw, out=grads)
                _add_penalty_gradient(setup, state.params, grads, decay_share)
                setup.optimizer.clip([flat_grad])

                lr = float(
                    setup.schedule.value(
                        state.t,
                        setup.learning_rate * state.plateau_scale,
                        n_steps,
                        setup.alpha,
                    )
                )
                if decay_share:
                    for index, _ in weight_slices:
                        rate = lr / setup.step_scale * setup.alpha * decay_share
                        state.params[index] *= 1 - rate
                setup.optimizer.step([flat], [flat_grad], state.optimizer_state, lr)
                if needs_prox and setup.alpha > 0:
                    step = setup.optimizer.step_size(state.optimizer_state, 0, lr)
                    for index, part in weight_slices:
                        if np.ndim(step):  # per coordinate: this array's share
                            threshold = step[part].reshape(state.params[index].shape)
                        else:
                            threshold = step
                        setup.penalty.prox(state.params[index], setup.alpha * threshold)
                state.t += 1

            state.n_iter += 1
            objective = (data_loss + setup.alpha * penalty_sum) / n_samples
            check_finite(
                objective, state.params, state.n_iter, setup, state.optimizer_state
            )
            state.loss_curve.append(objective)
            state.learning_rate_curve.append(lr)
            if setup.verbose:
                print(
                    f"-- Epoch {state.n_iter}: objective {objective:.6g}, "
                    f"step size {lr:.3g}, updates {state.t}"
                )
            if _should_stop(setup, state, objective, validation, stop_on_plateau):
                state.converged = True
                break
        # The epoch objective is taken before each update, so the last update
        # is not in it: one partial_fit call with a huge step left weights of
        # 1e8 behind unjudged. The last batch at the final parameters judges it
        # for the price of one forward pass.
        final = batch_objective(setup, state.params, X_batch, Y_batch, w_batch)
    # A run may blow up and recover (a schedule's warm-up, say), so only its end
    # is judged.
    check_not_exploding(
        max(state.loss_curve[-1], final),
        state.divergence_scale,
        state.n_iter,
        setup,
    )
    return state


class _BatchSource:
    """Yields (X, Y, sample_weight) mini-batches for one epoch at a time.

    Dense shuffled batches are gathered into one reused buffer, so an epoch
    never copies the whole of ``X``; unshuffled batches are views. A shuffled
    CSR matrix is permuted once per epoch (one copy of its arrays), and its
    batches are :class:`_CsrBatch` views of slices of the permuted arrays:
    scipy's fancy row indexing per batch costs several times more. A
    ``sample_weight`` of None stays None.
    """

    def __init__(self, X, Y, sample_weight, batch_size: int, shuffle: bool):
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.batch_size = batch_size
        self.n_samples = X.shape[0]
        self.shuffle = shuffle and batch_size < self.n_samples
        self.buffer = None
        if self.shuffle and not sp.issparse(X):
            self.buffer = np.empty((batch_size, X.shape[1]), dtype=X.dtype)

    def epoch(self, rng: np.random.RandomState) -> Iterator[tuple]:
        if not self.shuffle:
            for start in range(0, self.n_samples, self.batch_size):
                rows = slice(start, start + self.batch_size)
                weights = (
                    None if self.sample_weight is None else self.sample_weight[rows]
                )
                yield self.X[rows], self.Y[rows], weights
            return
        order = rng.permutation(self.n_samples)
        # Targets and weights are small: one gather per epoch, then views.
        Y = self.Y.take(order, axis=0)
        if self.sample_weight is not None:
            sample_weight = self.sample_weight.take(order)
        X = self.X[order] if self.buffer is None else None
        csr_batch = None
        for start in range(0, self.n_samples, self.batch_size):
            rows = order[start : start + self.batch_size]
            batch = slice(start, start + self.batch_size)
            if self.buffer is None:
                if csr_batch is None or csr_batch.shape[0] != len(rows):
                    csr_batch = _CsrBatch(len(rows), X.shape[1], X.dtype)
                X_batch = csr_batch.point_to(X, start)
            else:
                X_batch = self.buffer[: len(rows)]
                # mode="clip" (a no-op for valid rows): with the default
                # mode="raise", numpy gathers into a temporary and copies it to
                # `out`, 1.5x slower.
                np.take(self.X, rows, axis=0, out=X_batch, mode="clip")
            weights = None if self.sample_weight is None else sample_weight[batch]
            yield X_batch, Y[batch], weights


class _CsrBatch:
    """A run of consecutive rows of a CSR matrix, reused from batch to batch.

    Supports what the model asks of a batch, ``batch @ W`` and
    ``batch.T @ G``. It holds one CSR matrix and its transpose (CSC) over the
    same arrays and points both at the next rows by assigning their public
    ``data``, ``indices`` and ``indptr``. Building two scipy matrices per batch
    (constructor and format checks) cost three times the products themselves.
    """

    def __init__(self, n_rows: int, n_features: int, dtype) -> None:
        self.matrix = sp.csr_matrix((n_rows, n_features), dtype=dtype)
        self.T = self.matrix.T
        self.shape = self.matrix.shape

    def point_to(self, X, start: int) -> _CsrBatch:
        """Make this batch rows ``start:start + n_rows`` of ``X``; return self."""
        stop = start + self.shape[0]
        first, last = X.indptr[start], X.indptr[stop]
        data, indices = X.data[first:last], X.indices[first:last]
        indptr = X.indptr[start : stop + 1] - first
        for matrix in (self.matrix, self.T):
            matrix.data, matrix.indices, matrix.indptr = data, indices, indptr
        return self

    def __matmul__(self, other: np.ndarray) -> np.ndarray:
        return self.matrix @ other


def flat_copy(params: list[np.ndarray]) -> np.ndarray:
    """All of ``params`` raveled into one new flat array."""
    return np.concatenate([np.ravel(param) for param in params])


def _weight_slices(model: LinearModel, params: list[np.ndarray]):
    """``(index, slice of the flat vector)`` of each penalized parameter."""
    slices, offset = [], 0
    for index, (param, is_weight) in enumerate(zip(params, model.penalized)):
        if is_weight:
            slices.append((index, slice(offset, offset + param.size)))
        offset += param.size
    return slices


def _add_penalty_gradient(setup, params, grads, decay_share) -> None:
    """Add ``alpha`` times the smooth penalty's gradient to the weights' grads.

    With decoupled weight decay the L2 share is applied by decay instead.
    """
    if setup.alpha == 0:
        return
    for param, grad, is_weight in zip(params, grads, setup.model.penalized):
        if is_weight:
            grad += setup.alpha * setup.penalty.gradient(param)
            if decay_share:
                grad -= (setup.alpha * decay_share) * param


def batch_objective(setup: TrainingSetup, params, X, Y, relative_weight) -> float:
    """``J`` on one batch: its (relatively weighted) mean loss plus the penalty."""
    losses = setup.loss.value(Y, setup.model.forward(params, X))
    data = losses.mean() if relative_weight is None else relative_weight @ losses
    if relative_weight is not None:
        data /= len(losses)
    return float(data) + setup.alpha * penalty_value(setup, params)


def penalty_value(setup: TrainingSetup, params: list[np.ndarray]) -> float:
    """``R(w)`` summed over the penalized parameters (unit strength)."""
    return sum(
        setup.penalty.value(param)
        for param, is_weight in zip(params, setup.model.penalized)
        if is_weight
    )


def check_finite(
    objective: float, params, epoch: int, setup: TrainingSetup, optimizer_state=None
) -> None:
    """Raise a helpful ``ValueError`` if training has diverged."""
    if not math.isfinite(objective):
        raise divergence_error(epoch, f"objective became {objective}", setup)
    if not all(np.isfinite(p).all() for p in params):
        raise divergence_error(epoch, "parameters became non-finite", setup)
    # Squared gradients past 1e308 make Adam's denominator inf: its steps are
    # then 0 and the fit "converges" where it started, silently.
    if optimizer_state is not None and not _all_finite(optimizer_state):
        raise divergence_error(
            epoch, "optimizer's state became non-finite (gradients overflow)", setup
        )


def _all_finite(value) -> bool:
    """Whether every number in a nest of dicts, lists and arrays is finite;
    anything else (a custom optimizer's None or string) is ignored."""
    if isinstance(value, dict):
        return all(_all_finite(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return all(_all_finite(item) for item in value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "fc":
        return bool(np.isfinite(value).all())
    if isinstance(value, (float, np.floating)):
        return math.isfinite(value)
    return True


def check_not_exploding(
    objective: float, scale: float, epoch: int, setup: TrainingSetup
) -> None:
    """Raise if ``objective`` is not finite or ``DIVERGENCE_FACTOR`` times ``scale``.

    ``scale`` is :attr:`TrainingState.divergence_scale`; NaN (unknown) judges
    only finiteness.
    """
    if not math.isfinite(objective):
        raise divergence_error(
            epoch, f"objective at the final parameters is {objective}", setup
        )
    if scale > 0 and objective > DIVERGENCE_FACTOR * scale:
        raise divergence_error(
            epoch,
            f"objective reached {objective:.3g}, against {scale:.3g} for the best "
            "constant or zero model",
            setup,
        )


def objective_worse_than_constant(
    state: TrainingState, objective_at_end: Callable[[], float]
) -> float | None:
    """The objective at the end if clearly above the best constant's, else None.

    Training starts from the best constant model (zero weights), and the
    optimum is never above it, so ending above it means the steps made the fit
    worse: typically a step size too large for the scale of ``y`` (adaptive
    optimizers move each weight by about ``learning_rate`` per update whatever
    the gradient's size). The last epoch's average objective is free but
    blurs the end of a noisy run; a fit that is not clearly below the constant
    by it (within half the baseline's magnitude) is judged by
    ``objective_at_end()``, the exact objective at the final parameters, and
    counts as worse if that exceeds the baseline by a tenth of its magnitude.
    A step of 1e12 ended at R² −0.97 and passed the old test (the epoch
    average plus the baseline's full magnitude as slack).
    """
    baseline = state.baseline_loss
    if not state.loss_curve or not math.isfinite(baseline):
        return None
    # A zero objective at zero weights (the perceptron's, or a constant y)
    # is the optimum already: no step size can do better, so judge nothing.
    if baseline == 0:
        return None
    magnitude = max(abs(baseline), 1e-12 * state.divergence_scale)
    if state.loss_curve[-1] <= baseline - 0.5 * magnitude:
        return None
    objective = objective_at_end()
    return objective if objective > baseline + 0.1 * magnitude else None


def baseline_loss(loss: Loss, Y: np.ndarray, sample_weight: np.ndarray, intercept):
    """The objective of the model that predicts ``intercept`` for every sample."""
    raw = np.broadcast_to(np.asarray(intercept, dtype=Y.dtype), Y.shape)
    return float(np.average(loss.value(Y, raw), weights=sample_weight))


def divergence_error(epoch: int, what: str, setup: TrainingSetup) -> ValueError:
    """The error for a diverging run, with what to try for this configuration."""
    if setup.optimizer.full_batch:
        # lbfgs has no step size to lower: it overflows on badly scaled X.
        advice = "a larger alpha"
    elif not setup.schedule.uses_learning_rate:
        advice = (
            f"a larger alpha (schedule={type(setup.schedule).__name__} sets the "
            f"step from alpha={setup.alpha:g}, not from learning_rate), another "
            "schedule, gradient clipping (e.g. optimizer=SGD(clip_norm=1.0))"
        )
    else:
        advice = (
            f"a smaller learning_rate (currently {setup.learning_rate:g}), "
            "gradient clipping (e.g. optimizer=Adam(clip_norm=1.0) or "
            "SGD(clip_norm=1.0))"
        )
    return ValueError(
        f"Training diverged at epoch {epoch}: the {what}. Try {advice}, or "
        "scaling X (e.g. StandardScaler in a Pipeline)."
    )


def tolerance_scale(state: TrainingState) -> float:
    """``min(1, |J_c|)``, with ``J_c`` the objective training starts from.

    The objective and its gradient follow the units of ``y`` (the squared
    error's their square), so an absolute ``tol`` stops small units at once:
    the plateau rule after its minimum 50 updates at y in units of 1e-3, lbfgs
    before its first iteration at 1e-6. Below 1, tolerances are taken
    relative to the starting objective (times this); from 1 up they are
    scikit-learn's absolute ones. 1 where ``J_c`` is 0 (the perceptron).
    """
    scale = abs(state.baseline_loss)
    if not math.isfinite(scale) or scale == 0:
        return 1.0
    return min(1.0, scale)


def _should_stop(setup, state, objective, validation, stop_on_plateau) -> bool:
    """Track improvement of the monitored quantity; True when training is done.

    As scikit-learn's SGD: an epoch counts as no improvement when the objective
    is not below ``best - tol`` (or the validation score not above
    ``best + tol``); ``n_iter_no_change`` such epochs in a row, spanning at
    least ``MIN_PLATEAU_UPDATES`` updates, make a plateau.
    """
    tol = setup.tol
    if tol is not None and validation is None:
        tol *= tolerance_scale(state)
    if validation is not None:
        score = float(validation.score(setup.model.forward(state.params, validation.X)))
        state.validation_scores.append(score)
        improved = tol is None or score >= state.best_validation_score + tol
        if score > state.best_validation_score:
            state.best_validation_score = score
            state.best_params = [param.copy() for param in state.params]
    else:
        improved = tol is None or objective <= state.best_loss - tol
        state.best_loss = min(state.best_loss, objective)

    if improved:
        state.no_improvement_count = 0
        state.t_last_improvement = state.t
    else:
        state.no_improvement_count += 1
    if not stop_on_plateau or state.no_improvement_count < setup.n_iter_no_change:
        return False
    if setup.schedule.reduces_on_plateau:
        new_scale = state.plateau_scale * setup.schedule.factor
        if setup.learning_rate * new_scale >= setup.schedule.min_learning_rate:
            state.plateau_scale = new_scale
            state.no_improvement_count = 0
            state.t_last_improvement = state.t
            if setup.verbose:
                print(f"-- Plateau: step size reduced to {new_scale:g} x base")
            return False
    return state.t - state.t_last_improvement >= MIN_PLATEAU_UPDATES


def full_batch_objective(
    setup: TrainingSetup, X, Y: np.ndarray, sample_weight: np.ndarray, params_like
) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """The exact objective ``J`` and its gradient as a function of a flat vector.

    For full-batch solvers such as ``lbfgs``; computed in float64 whatever the
    data's dtype, since the line search needs accurate differences.
    """
    scaled_weight = sample_weight / sample_weight.sum()
    uniform = bool(np.all(sample_weight == sample_weight[0]))

    def objective(flat: np.ndarray) -> tuple[float, np.ndarray]:
        params = unflatten(flat, params_like)
        raw = setup.model.forward(params, X)
        losses, grad_raw = setup.loss.value_and_gradient(Y, raw)
        if uniform:  # the usual case: a mean, without two n-sized multiplies
            value = float(losses.mean())
            grad_raw *= 1.0 / len(losses)
        else:
            value = float(scaled_weight @ losses)
            grad_raw *= scaled_weight[:, np.newaxis]
        grads = setup.model.backward(params, X, grad_raw)
        _add_penalty_gradient(setup, params, grads, 0)
        value += setup.alpha * penalty_value(setup, params)
        return value, np.concatenate([np.ravel(g) for g in grads]).astype(float)

    return objective


def unflatten(flat: np.ndarray, params_like: list[np.ndarray]) -> list[np.ndarray]:
    """Views of ``flat`` shaped as the arrays of ``params_like``, in order."""
    sizes = [param.size for param in params_like]
    pieces = np.split(flat, np.cumsum(sizes)[:-1])
    return [piece.reshape(param.shape) for piece, param in zip(pieces, params_like)]


def run_full_batch(
    setup: TrainingSetup,
    state: TrainingState,
    X,
    Y: np.ndarray,
    sample_weight: np.ndarray,
) -> TrainingState:
    """Minimise the exact objective with a full-batch solver (``lbfgs``)."""
    dtype = state.params[0].dtype
    exact_objective = full_batch_objective(setup, X, Y, sample_weight, state.params)
    x0 = flat_copy(state.params).astype(float)
    curve: list[float] = []
    start_gradient: list[float] = []  # largest entry of the gradient at x0
    # scipy's tolerances are absolute below objectives of 1 (its ftol divides
    # by max(|J|, 1)): y in units of 1e-6 met gtol at the start, returning
    # zero weights, and 1e-8 stalled on ftol. L-BFGS-B therefore minimises
    # J / min(1, |J_c|), which is of order 1 at the start; the minimiser is
    # the same, and the tolerances become relative as the plateau rule's.
    normaliser = 1.0 / tolerance_scale(state)

    def objective(flat: np.ndarray) -> tuple[float, np.ndarray]:
        value, gradient = exact_objective(flat)
        value, gradient = value * normaliser, gradient * normaliser
        if not start_gradient:
            start_gradient.append(float(np.max(np.abs(gradient))))
        return value, gradient

    def record(intermediate_result) -> None:
        curve.append(float(intermediate_result.fun) / normaliser)
        if setup.verbose:
            print(f"-- Iteration {len(curve)}: objective {curve[-1]:.6g}")

    tol = 0.0 if setup.tol is None else setup.tol
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        result = setup.optimizer.minimize(
            objective, x0, max_iter=setup.max_iter, tol=tol, callback=record
        )
    final_objective = float(result.fun) / normaliser
    params = [p.astype(dtype) for p in unflatten(result.x, state.params)]
    check_finite(final_objective, params, int(result.nit), setup)
    state.params = params
    state.n_iter += int(result.nit)
    state.t += int(result.nit)
    state.loss_curve.extend(curve or [final_objective])
    # A line-search method has no schedule step size to report.
    state.learning_rate_curve.extend([float("nan")] * len(curve or [0]))
    # L-BFGS-B also reports success when the objective stops decreasing at
    # machine precision, which on badly scaled X happens far from the optimum
    # (a Poisson fit on features of size 1000 stopped after one iteration with
    # its starting gradient, 292). Such a stop counts only if the (normalised)
    # gradient is small or fell 1000-fold: converged fits seen fell 1e5- to
    # 1e8-fold, whatever the units of y.
    gradient_max = float(np.max(np.abs(result.jac)))
    small = gradient_max <= 100 * tol
    fell = gradient_max <= 1e-3 * start_gradient[0] if start_gradient else True
    state.converged = bool(result.success) and (small or fell)
    return state
