"""The learning-rate finder: a short run on an exponentially growing step.

Smith (2017, "Cyclical learning rates") and fastai's ``lr_find``: train from
the start with the step multiplied by a constant factor after every
mini-batch update, from ``start`` to ``end``, record the loss, smooth it, and
stop once it diverges. The loss falls fastest somewhat below the step where it
blows up, which is where a constant step works well.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state

from ._base import names_full_batch_optimizer

SUGGESTIONS = ("valley", "steep", "minimum/10")
# The last steps before the run stopped are its blow-up: the suggestions
# leave them out, as fastai's lr_find does.
SKIP_END = 5


class LRFinderResult:
    """What :func:`lr_find` measured, with :meth:`plot` in scikit-learn's
    Display style.

    Parameters
    ----------
    learning_rates : array-like of shape (n_updates,)
        The step of each update (units of an explicit ``learning_rate``).
    losses : array-like of shape (n_updates,)
        The objective on each update's mini-batch, after the update.
    smoothed_losses : array-like of shape (n_updates,)
        Their debiased exponential moving average.
    suggest : {"valley", "steep", "minimum/10"}
        Which of the suggestions, computed from ``learning_rates`` and
        ``smoothed_losses``, becomes ``suggestion``.

    Attributes
    ----------
    learning_rates : ndarray
        The step of each update (units of an explicit ``learning_rate``).
    losses : ndarray
        The objective on each update's mini-batch, after the update.
    smoothed_losses : ndarray
        Their debiased exponential moving average.
    suggestions : dict
        ``"valley"``, ``"steep"`` and ``"minimum/10"`` (see :func:`lr_find`).
    suggestion : float
        The one ``suggest`` named.
    """

    def __init__(self, learning_rates, losses, smoothed_losses, suggest):
        self.learning_rates = np.asarray(learning_rates)
        self.losses = np.asarray(losses)
        self.smoothed_losses = np.asarray(smoothed_losses)
        self.suggestions = _suggestions(self.learning_rates, self.smoothed_losses)
        self.suggestion = self.suggestions[suggest]

    def plot(self, ax=None):
        """Plot the smoothed loss against the step (log scale), with the
        suggestions. Sets ``ax_``, ``figure_`` and ``line_``; returns self.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            The axes to draw on; None draws on a new figure's.

        Returns
        -------
        self : LRFinderResult
            With ``ax_``, ``figure_`` and ``line_`` set.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        (self.line_,) = ax.plot(self.learning_rates, self.smoothed_losses)
        for name, rate in self.suggestions.items():
            ax.axvline(rate, linestyle=":", color="gray")
            # x in data, y in axes coordinates: the label stays at the top
            # whatever limits the axes get later.
            ax.annotate(name, (rate, 1.0), xycoords=ax.get_xaxis_transform(),
                        rotation=90, va="top")
        ax.set_xscale("log")
        ax.set_xlabel("learning_rate")
        ax.set_ylabel("smoothed loss")
        self.ax_, self.figure_ = ax, ax.figure
        return self


def lr_find(
    estimator,
    X,
    y,
    *,
    sample_weight=None,
    start: float = 1e-7,
    end: float = 10.0,
    num_steps: int = 100,
    smoothing: float = 0.98,
    diverge_threshold: float = 4.0,
    suggest: str = "valley",
    random_state=None,
) -> LRFinderResult:
    """Find a learning rate for ``estimator`` by a run on a growing step.

    Trains a copy of ``estimator`` (never the estimator itself) with its own
    optimizer, penalty, proximal step and clipping, one mini-batch update per
    step, the step growing exponentially from ``start`` to ``end`` over
    ``num_steps`` updates: ``lr_k = start (end / start)^(k / (num_steps - 1))``.
    Each update's mini-batch objective ``L_k`` is smoothed by a debiased
    moving average, ``a_k = smoothing a_(k-1) + (1 - smoothing) L_k``,
    ``s_k = a_k / (1 - smoothing^(k+1))``; the run stops when ``s_k`` exceeds
    ``diverge_threshold`` times its minimum so far, or is not finite.

    Suggestions, all in the units of an explicit ``learning_rate``, from the
    smoothed curve without its first tenth (where the average is still made of
    a few noisy losses) and its last 5 steps (the blow-up), as fastai's:

    - ``"valley"`` (fastai's): the longest stretch over which the smoothed loss
      keeps decreasing; the step half-way along it (a third plus a sixth);
    - ``"steep"``: where the smoothed loss falls fastest against ``log lr``;
    - ``"minimum/10"``: a tenth of the step at the smallest smoothed loss.

    Parameters
    ----------
    estimator : GDClassifier, GDRegressor or Pipeline ending in one
        With a Pipeline, the leading steps are fitted on ``X`` and transform it.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data (with a Pipeline, what its first step takes).
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets, as for the estimator's ``fit`` (class labels for a
        classifier).
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples, as for ``fit``; each update takes its
        mini-batch's rows. None gives every sample weight 1.
    start : float, default=1e-7
        The first step, with ``0 < start < end``.
    end : float, default=10.0
        The last step.
    num_steps : int, default=100
        The number of updates, one mini-batch each, over which the step grows
        from ``start`` to ``end`` (the run stops earlier if it diverges); the
        mini-batches cycle through the data if they take more than an epoch.
    smoothing : float, default=0.98
        The factor of the moving average of the losses, in [0, 1): the larger,
        the smoother the curve.
    diverge_threshold : float, default=4.0
        The run stops once the smoothed loss exceeds this many times its
        minimum so far.
    suggest : {"valley", "steep", "minimum/10"}, default="valley"
        Which suggestion becomes the result's ``suggestion``.
    random_state : int, RandomState or None, default=None
        Seeds the mini-batches (the order in which the samples are drawn).

    Returns
    -------
    LRFinderResult
        The steps, the losses, their smoothing and the suggestions.
    """
    _check_arguments(start, end, suggest)
    model, X = _final_estimator(estimator, X, y)
    _use_mini_batches(model)
    rates = start * (end / start) ** (np.arange(num_steps) / max(num_steps - 1, 1))
    losses, smoothed = _run(model, X, y, sample_weight, rates, smoothing,
                            diverge_threshold, check_random_state(random_state))
    return LRFinderResult(rates[: len(losses)], losses, smoothed, suggest)


def _check_arguments(start: float, end: float, suggest: str) -> None:
    if suggest not in SUGGESTIONS:
        raise ValueError(f"suggest must be one of {SUGGESTIONS}; got {suggest!r}.")
    if not 0 < start < end:
        raise ValueError(f"lr_find needs 0 < start < end; got {start} and {end}.")


def _use_mini_batches(model) -> None:
    """Refuse a full-batch optimizer; ``"auto"`` with an explicit step is Adam."""
    if names_full_batch_optimizer(model.optimizer):
        raise ValueError(
            f"lr_find needs a mini-batch optimizer; optimizer={model.optimizer!r} "
            "solves the full problem with a line search and takes no learning_rate."
        )
    if model.optimizer == "auto":
        model.set_params(optimizer="adam")


def _final_estimator(estimator, X, y):
    """A clone of the estimator to train, and ``X`` through a Pipeline's
    leading steps."""
    if isinstance(estimator, Pipeline):
        leading = clone(Pipeline(estimator.steps[:-1]))
        return clone(estimator.steps[-1][1]), leading.fit_transform(X, y)
    return clone(estimator), X


def _run(model, X, y, sample_weight, rates, smoothing, threshold, rng):
    """Update on one mini-batch per step; the losses and their smoothing."""
    n_samples = X.shape[0]
    batch = model._resolved_batch_size(n_samples, partial=False)
    model.set_params(batch_size=batch, shuffle=False)
    # Each partial_fit call is exactly one update (early stopping has no
    # place in a run this short).
    model.set_params(early_stopping=False)
    classes = {"classes": np.unique(y)} if is_classifier(model) else {}
    losses, smoothed, average, best = [], [], 0.0, math.inf
    order = rng.permutation(n_samples)
    for k, rate in enumerate(rates):
        rows = np.take(order, np.arange(k * batch, (k + 1) * batch), mode="wrap")
        weight = None if sample_weight is None else np.asarray(sample_weight)[rows]
        model.set_params(learning_rate=float(rate))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.partial_fit(_rows(X, rows), np.asarray(y)[rows],
                                  sample_weight=weight, **classes)
        except ValueError:  # the engine's divergence check: the end
            break
        classes = {}
        loss = float(model.loss_curve_[-1])
        average = smoothing * average + (1 - smoothing) * loss
        value = average / (1 - smoothing ** (k + 1))
        losses.append(loss)
        smoothed.append(value)
        best = min(best, value)
        if not math.isfinite(value) or value > threshold * best:
            break
    if not losses:
        raise ValueError(
            f"lr_find diverged at the first step, {rates[0]:g}; lower start."
        )
    return losses, smoothed


def _rows(X, rows):
    return X[rows] if hasattr(X, "shape") else np.asarray(X)[rows]


def _suggestions(rates: np.ndarray, smoothed: np.ndarray) -> dict:
    """The three suggestions of :func:`lr_find` from the smoothed curve,
    without its first tenth and last ``SKIP_END`` steps when enough remain."""
    window = slice(len(rates) // 10, len(rates) - SKIP_END)
    if len(rates[window]) >= 2:
        rates, smoothed = rates[window], np.asarray(smoothed)[window]
    log_rates = np.log(rates)
    if len(rates) > 1:
        slope = np.gradient(smoothed, log_rates)
        steep = rates[int(np.argmin(slope))]
    else:
        steep = rates[0]
    return {
        "valley": _valley(rates, smoothed),
        "steep": float(steep),
        "minimum/10": float(rates[int(np.argmin(smoothed))] / 10),
    }


def _valley(rates: np.ndarray, smoothed: np.ndarray) -> float:
    """fastai's valley: the longest decreasing subsequence of the smoothed
    loss; the step half-way along its span (a third plus a sixth)."""
    n = len(smoothed)
    lengths = np.ones(n, dtype=int)
    best_end = 0
    for i in range(1, n):
        for j in range(i):
            if smoothed[i] < smoothed[j] and lengths[i] < lengths[j] + 1:
                lengths[i] = lengths[j] + 1
        if lengths[i] > lengths[best_end]:
            best_end = i
    best_start = best_end - lengths[best_end] + 1
    third = (best_end - best_start) / 3
    index = min(n - 1, best_start + int(third) + int(third / 2))
    return float(rates[index])
