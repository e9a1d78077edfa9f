"""The one training engine shared by both estimators.

:func:`train` runs a solver (:mod:`sklearn_gd._solvers`: mini-batch or full
batch) on a :class:`TrainingState`, between two measurements of the exact
objective (:class:`~sklearn_gd._objective.Objective`) on the training data:
one at the initial parameters and one at the final ones. Every judgement of
the run is made from those two, whatever the solver:

- the run diverged if the final objective is not finite or more than
  ``DIVERGENCE_FACTOR`` times the start's (:class:`Scales`);
- it made the fit worse if the final objective is clearly above the start's;
- it made no progress if, in a new run, the objective barely fell where one
  well-sized gradient step from the start would have gained much more.

The engine knows nothing of labels, targets' shapes or scikit-learn: the
estimators hand it arrays (``X``, encoded targets ``Y``, relative sample
weights) and components, and read the results back from the state.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from threadpoolctl import ThreadpoolController

from ._model import flatten, unflatten

# A run ends diverged if its final objective is this many times its start's
# (or the yardstick's), even while still finite: a sane run never ends that
# far above where it began.
DIVERGENCE_FACTOR = 1e6

# A run counts as worse than its start if its final objective exceeds the
# start's by this share of the start's magnitude (noise aside, training from
# the best constant can only go down).
WORSE_SHARE = 0.1

# A new run has stalled if its objective fell by less than this share of the
# start's, and by less than a tenth of one well-sized gradient step's
# decrease, where that step would gain at least STALL_STEP_SHARE of J
# (_stalled): the steps were too small to get anywhere (a step of 1e-30,
# tiny features).
PROGRESS_SHARE = 0.01
STALL_STEP_SHARE = 1e-3

# The samples the gradient's size is measured on (gradient_size).
GRADIENT_SAMPLE = 1024

# verbose=1 prints the first epoch and every VERBOSE_EVERY-th (verbose=2:
# every epoch).
VERBOSE_EVERY = 10


class TrainingData(NamedTuple):
    """The samples a run trains on.

    ``weight``: sample weights relative to the training state's
    ``weight_scale`` (:func:`relative_weights`), or None where all equal it.
    """

    X: Any
    Y: np.ndarray
    weight: np.ndarray | None


class Validation(NamedTuple):
    """A held-out set and how to score raw outputs on it (higher is better)."""

    X: Any
    score: Callable[[np.ndarray], float]


class Curve:
    """A record of one number per epoch that grows in amortised O(1).

    States that continue one another (``partial_fit``) share one buffer: each
    knows its own length, and appending writes past it, which no earlier state
    sees. Appending where another state has already written copies first, so
    a state is never changed through another.
    """

    def __init__(self) -> None:
        self._store = _CurveStore(np.empty(8), 0)
        self._length = 0

    def append(self, value: float) -> None:
        store = self._store
        if store.used != self._length or self._length == len(store.values):
            values = np.empty(max(8, 2 * self._length))
            values[: self._length] = store.values[: self._length]
            store = self._store = _CurveStore(values, self._length)
        store.values[self._length] = value
        self._length += 1
        store.used = self._length

    def array(self) -> np.ndarray:
        """The values so far (a read-only view, later appends leave it as is)."""
        view = self._store.values[: self._length]
        view.flags.writeable = False
        return view


@dataclass
class _CurveStore:
    values: np.ndarray
    used: int


@dataclass
class TrainingState:
    """What training produces, and what ``partial_fit`` continues from."""

    model: Any
    params: list[np.ndarray]
    # The spread of each output (Loss.output_scale) and the number of updates
    # the schedule plans for, fixed when the state is made: later partial_fit
    # chunks of other sizes move neither.
    output_scale: np.ndarray
    n_steps: int
    # The size of the gradient where training started (StepContext), fixed at
    # the first mini-batch run for the same reason.
    gradient_unit: float | None = None
    # The mean sample weight of the first run's training samples: weights are
    # taken relative to it (relative_weights), so that a later partial_fit
    # chunk of heavier samples weighs more.
    weight_scale: float = 1.0
    optimizer_state: Any = None
    # What optimizer_state was made for (the solver decides when it is stale).
    optimizer_key: Any = None
    t: int = 0
    n_iter: int = 0
    lr_multiplier: float = 1.0
    loss_curve: Curve = field(default_factory=Curve)
    learning_rate_curve: Curve = field(default_factory=Curve)
    validation_scores: Curve = field(default_factory=Curve)
    best_validation_score: float | None = None
    # One curve per weight matrix: the norm of its gradient per epoch.
    gradient_norms: list[Curve] = field(default_factory=list)
    # The cumulative L1 penalty's (total, applied) arrays over the flat
    # parameters (Penalty.cumulative_prox), made by the mini-batch solver.
    penalty_totals: tuple[np.ndarray, np.ndarray] | None = None

    def copy(self) -> TrainingState:
        """A copy that training can update without touching this state."""
        new = copy.copy(self)
        new.model = copy.deepcopy(self.model)  # buffers, dropout stream
        new.params = [param.copy() for param in self.params]
        new.optimizer_state = copy.deepcopy(self.optimizer_state)
        new.penalty_totals = copy.deepcopy(self.penalty_totals)
        for name in ("loss_curve", "learning_rate_curve", "validation_scores"):
            setattr(new, name, copy.copy(getattr(self, name)))
        new.gradient_norms = [copy.copy(curve) for curve in self.gradient_norms]
        return new

    def record_gradient_norms(self, norms) -> None:
        """Append one epoch's gradient norm of each weight matrix."""
        if not self.gradient_norms:
            self.gradient_norms = [Curve() for _ in norms]
        for curve, norm in zip(self.gradient_norms, norms):
            curve.append(float(norm))

    def gradient_norm_array(self) -> np.ndarray:
        """``gradient_norms_``: shape (epochs, weight matrices)."""
        columns = [curve.array() for curve in self.gradient_norms]
        if not columns:
            return np.empty((self.n_iter, 0))
        return np.column_stack(columns)


class Scales(NamedTuple):
    """Every reference size a run is judged by, measured when it starts.

    All are measured on the run's training data at its initial parameters.

    Attributes
    ----------
    start : float
        The objective ``J`` there.
    tolerance : float
        ``min(1, |start|)`` (1 where ``start`` is 0): ``tol`` is relative to
        the objective below objectives of 1, absolute above, as in
        scikit-learn. The objective follows the units of ``y`` (the squared
        error's their square); an absolute ``tol`` would stop small units at
        once.
    gradient : float
        The root mean square of the gradient's entries on the first samples
        (:func:`gradient_size`): the unit of the scale-free optimizers'
        ``eps`` (:class:`StepContext`; 1 where it is 0).

    The yardstick of divergence (:func:`yardstick`) is measured only where
    the run's end calls for it.
    """

    start: float
    tolerance: float
    gradient: float


def print_progress(state: TrainingState, verbose: int, iteration: bool = False) -> None:
    """With ``verbose``, print the epoch just recorded: every epoch from
    ``verbose=2``, the first and every ``VERBOSE_EVERY``-th with ``verbose=1``.

    The line has the epoch (the ``iteration`` of a full-batch solver),
    ``J``, the held-out score where there is one, and a mini-batch run's step
    size and updates so far.
    """
    every = 1 if verbose >= 2 else VERBOSE_EVERY
    if not verbose or (state.n_iter % every and state.n_iter != 1):
        return
    name = "Iteration" if iteration else "Epoch"
    parts = [f"-- {name} {state.n_iter}: objective {state.loss_curve.array()[-1]:.6g}"]
    score = state.validation_scores.array()[-1]
    if math.isfinite(score):
        parts.append(f"held-out score {score:.4f}")
    if not iteration:
        parts.append(f"step size {state.learning_rate_curve.array()[-1]:.3g}")
        parts.append(f"updates {state.t}")
    print(", ".join(parts))


def summary_line(owner: str, state, report, seconds: float, why: str) -> str:
    """The one line ``verbose`` ends a run with: epochs, time, why it stopped."""
    epochs = "epoch" if state.n_iter == 1 else "epochs"
    line = (
        f"{owner}: {state.n_iter} {epochs} ({state.t} updates) in {seconds:.3g} s, "
        f"{why}; objective {report.start:.6g} -> {report.end:.6g}"
    )
    if state.best_validation_score is not None:
        line += f", best held-out score {state.best_validation_score:.4f}"
    return line


class RunReport(NamedTuple):
    """How a run ended: whether its solver converged, ``J`` at both ends, what
    the end was judged against (``|start|``, or :func:`yardstick`), and
    whether it stalled (``PROGRESS_SHARE``), and, for a new run that ended
    less than ``PROGRESS_SHARE`` below its start, the highest objective its
    ``loss_curve_`` recorded (else NaN)."""

    converged: bool
    start: float
    end: float
    reference: float
    stalled: bool
    peak: float = math.nan


def relative_weights(sample_weight: np.ndarray, scale: float) -> np.ndarray | None:
    """Sample weights divided by ``scale`` (the training state's
    ``weight_scale``), or None where all of them equal it."""
    if np.all(sample_weight == scale):
        return None
    return sample_weight / scale


def measure_scales(objective, params, data: TrainingData) -> Scales:
    """:class:`Scales` of a run; raises if ``J`` or its gradient is not finite
    at the start, naming the loss."""
    start = objective.value(params, data.X, data.Y, data.weight)
    gradient, finite = gradient_size(objective, params, data)
    if not (math.isfinite(start) and finite):
        what = "objective" if not math.isfinite(start) else "gradient"
        raise ValueError(
            f"The {what} is not finite at the initial parameters, before any "
            f"update: the loss {type(objective.loss).__name__} (or the penalty "
            f"{type(objective.penalty).__name__}) returned non-finite values. "
            "Check a custom component, and that X and y are of a size whose "
            "losses are finite (scale them)."
        )
    return Scales(
        start,
        tolerance=min(1.0, abs(start)) if start != 0 else 1.0,
        gradient=gradient,
    )


def gradient_size(
    objective, params, data: TrainingData, n_rows: int = GRADIENT_SAMPLE
) -> tuple[float, bool]:
    """The root mean square of ``J``'s gradient at ``params``, and whether the
    gradient is finite, on the first ``n_rows`` samples.

    By default ``GRADIENT_SAMPLE`` of them: a size, not a direction, for
    ``eps``'s unit and the check for non-finite values at every start, where
    a full backward pass would cost a noticeable share of a short fit.
    """
    gradient = _flat_gradient(objective, params, data, slice(0, n_rows))
    size = float(np.sqrt(np.mean(np.square(gradient, dtype=float))))
    return size, bool(np.isfinite(gradient).all())


def yardstick(objective, data: TrainingData, start: float) -> float:
    """What the end of a run is judged against where ``J`` at its start is 0 or
    far below its end: the largest of ``|start|`` and the data term where every
    raw output is 0 or every raw output is 1. A start near 0 (a near-perfect
    constant, or the perceptron's 0 at zero weights) or below it (Poisson)
    then does not make the judgement meaningless."""
    sizes = [abs(start)]
    for value in (0.0, 1.0):
        losses = objective.loss.value(data.Y, np.full_like(data.Y, value))
        sizes.append(objective.data_term(losses, data.weight))
    return max(size for size in sizes if math.isfinite(size))


def train(
    solver,
    objective,
    state: TrainingState,
    data: TrainingData,
    *,
    max_epochs: int,
    tol: float | None,
    rng: np.random.RandomState,
    validation: Validation | None = None,
    verbose: int = 0,
    epoch_hook=None,
) -> RunReport:
    """Run ``solver`` on ``state`` (updated in place) and judge the run.

    Parameters
    ----------
    solver : MiniBatchSolver or FullBatchSolver
    objective : Objective
    state : TrainingState
    data : TrainingData
    max_epochs : int
        Epochs (iterations, for a full-batch solver) at most.
    tol : float or None
        Stop once the monitored quantity stops improving by ``tol``; None runs
        all ``max_epochs``.
    rng : RandomState
        Source of the shuffling.
    validation : Validation or None
        Monitor this held-out score instead of the training objective, and end
        at the parameters of its best epoch.
    verbose : int
        Print progress.
    epoch_hook : callable or None
        Called with ``state`` after each epoch (full-batch iteration); a
        true return stops training there, which counts as converged.

    Returns
    -------
    RunReport

    Raises
    ------
    ValueError
        If the run diverged (:func:`check_not_diverged`).
    """
    with single_blas_thread():
        scales = measure_scales(objective, state.params, data)
        # A new run (not a partial_fit that continues one) keeps its start,
        # which the judgement of a stall compares with (_stalled).
        start = [param.copy() for param in state.params] if state.t == 0 else None
        converged = solver.run(
            objective,
            state,
            data,
            scales,
            max_epochs=max_epochs,
            tol=tol,
            rng=rng,
            validation=validation,
            verbose=verbose,
            epoch_hook=epoch_hook,
        )
        return judge_end(objective, state, data, scales, converged, solver, start)


def judge_end(objective, state, data, scales, converged, solver, start=None):
    """Measure ``J`` at the final parameters and judge the run against its
    start: raise if it diverged; else report whether it stalled (for a new
    run, whose initial parameters are ``start``)."""
    end = objective.value(state.params, data.X, data.Y, data.weight)
    reference = abs(scales.start)
    if scales.start == 0 or not end <= DIVERGENCE_FACTOR * reference:
        reference = yardstick(objective, data, scales.start)
    check_not_diverged(end, scales.start, reference, state.n_iter, solver)
    stalled, peak = False, math.nan
    if start is not None and end > scales.start - PROGRESS_SHARE * abs(scales.start):
        decrease = scales.start - end
        stalled = _stalled(objective, start, data, decrease, scales.start)
        curve = state.loss_curve.array()
        peak = float(np.max(curve)) if curve.size else math.nan
    return RunReport(converged, scales.start, end, reference, stalled, peak)


def _stalled(objective, start, data, decrease: float, start_value: float) -> bool:
    """For a new run whose objective barely fell: did it fall by less than a
    tenth of what one well-sized gradient step from its start would give?

    That step's decrease is ``‖g‖² / (2 κ)``, with ``g`` the gradient at the
    start and ``κ`` the curvature along it (a finite difference of gradients).
    A start where even that step gains under ``STALL_STEP_SHARE`` of ``J`` (a
    warm start at the optimum, a constant model that is nearly optimal)
    is no stall. Only smooth objectives are judged: with kinks (hinge, L1's
    zeros) a gradient step is no yardstick.
    """
    if not (objective.loss.is_smooth and objective.nonsmooth_part(start) is None):
        return False
    # In float64: the curvature is a difference of nearby gradients.
    start = [np.asarray(param, dtype=float) for param in start]
    gradient = _flat_gradient(objective, start, data)
    squared = float(gradient @ gradient)
    if not squared > 0:
        return False
    direction = -gradient / np.sqrt(squared)
    flat_start, _ = flatten(start)
    size = max(1.0, float(np.sqrt(np.mean(np.square(flat_start, dtype=float)))))
    probe = 1e-4 * size
    moved = unflatten(flat_start + probe * direction, start)
    curvature = (_flat_gradient(objective, moved, data) - gradient) @ direction
    curvature /= probe
    if not curvature > 0:
        return False
    one_step = squared / (2 * curvature)
    return one_step >= STALL_STEP_SHARE * abs(start_value) and decrease < 0.1 * one_step


def _flat_gradient(objective, params, data, rows=slice(None)) -> np.ndarray:
    """``J``'s gradient at ``params`` on the samples ``rows`` (all by default),
    as one flat vector in the parameters' dtype."""
    weight = None if data.weight is None else data.weight[rows]
    flat_gradient, gradients = flatten([np.zeros_like(param) for param in params])
    objective.value_and_gradient(
        params, data.X[rows], data.Y[rows], weight, gradients
    )
    return flat_gradient


_blas_controller: ThreadpoolController | None = None


def single_blas_thread():
    """A context that limits BLAS to one thread for a run.

    Every product of a run is a matrix-vector or thin matrix product, bound
    by memory traffic: a second BLAS thread was measured slower at every size
    tried, full batch included, and much slower beside another busy process
    (docs/benchmarks.md). The controller, whose creation inspects every loaded
    library, is made once per process.
    """
    global _blas_controller
    if _blas_controller is None:
        _blas_controller = ThreadpoolController()
    return _blas_controller.limit(limits=1, user_api="blas")


def check_not_diverged(
    end: float, start: float, reference: float, epoch: int, solver
) -> None:
    """Raise if the final objective ``end`` is not finite, or more than
    ``DIVERGENCE_FACTOR`` times ``reference`` (:func:`yardstick`)."""
    if not math.isfinite(end):
        raise divergence_error(
            epoch, f"objective at the final parameters is {end}", solver
        )
    if reference > 0 and end > DIVERGENCE_FACTOR * reference:
        raise divergence_error(
            epoch,
            f"objective reached {end:.3g}, against {start:.3g} where training "
            "started",
            solver,
        )


def check_finite(epoch: int, objective: float, params, optimizer_state, solver):
    """Raise a helpful ``ValueError`` if anything training updates is not finite."""
    if not math.isfinite(objective):
        raise divergence_error(epoch, f"objective became {objective}", solver)
    if not all(np.isfinite(param).all() for param in params):
        raise divergence_error(epoch, "parameters became non-finite", solver)
    # Squared gradients past 1e308 make Adam's denominator inf: its steps are
    # then 0 and the fit "converges" where it started, silently.
    if not _all_finite(optimizer_state):
        raise divergence_error(
            epoch, "optimizer's state became non-finite (gradients overflow)", solver
        )


def _all_finite(value) -> bool:
    """Whether every float in a nest of dataclasses, dicts, lists and arrays is
    finite; anything else (a custom optimizer's None or string) is ignored."""
    if hasattr(value, "__dataclass_fields__"):
        value = vars(value)
    if isinstance(value, dict):
        return all(_all_finite(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return all(_all_finite(item) for item in value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "fc":
        return bool(np.isfinite(value).all())
    if isinstance(value, (float, np.floating)):
        return math.isfinite(value)
    return True


def divergence_error(epoch: int, what: str, solver) -> ValueError:
    """The error for a diverging run, with the solver's advice."""
    return ValueError(
        f"Training diverged at epoch {epoch}: the {what}. Try "
        f"{solver.divergence_advice()}, or scaling X (e.g. StandardScaler in a "
        "Pipeline)."
    )


def run_warnings(report: RunReport, owner: str, tol, max_iter: int, solver):
    """Messages for a run that ended badly but finite (ConvergenceWarnings)."""
    start, end = report.start, report.end
    if start != 0:
        limit = start + WORSE_SHARE * abs(start)
        reference = f"the {start:.3g} where training started"
    else:
        # J is 0 at the start (the perceptron's zero weights): that is an
        # optimum already, and a fit moves away from it. It has gone wrong
        # only if it ends above a constant output of 0 or 1.
        limit = report.reference
        reference = f"the {limit:.3g} of a constant output"
    too_large = (
        "The steps are too large for the scale of the problem; try "
        f"{solver.worse_advice()}, or scaling X and y."
    )
    if end > limit:
        return [
            f"{owner} ended with an objective of {end:.3g}, above {reference} "
            "(the best constant model, for a new fit): training made the fit "
            f"worse. {too_large}"
        ]
    if report.stalled and report.peak > limit and solver.overshoots:
        # No progress, but not for lack of movement: the objective rose
        # clearly above its start on the way, so the steps were too large.
        return [
            f"{owner} made no progress: the objective went from {start:.6g} up "
            f"to {report.peak:.3g} during training and ended at {end:.6g}. "
            f"{too_large}"
        ]
    if not report.converged and tol is not None:
        return [solver.not_converged_message(owner, tol, max_iter)]
    if report.stalled:
        return [
            f"{owner} made no progress: the objective went from {start:.6g} to "
            f"{end:.6g}, less than a tenth of what one well-sized gradient step "
            f"from the start gains. The steps are too small for the scale of the "
            f"problem; try {solver.stall_advice()}, or scaling X."
        ]
    return []
