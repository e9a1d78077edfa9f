"""scikit-learn's callbacks (``sklearn.callback``, scikit-learn >= 1.9).

``GDClassifier().set_callbacks(ProgressBar())`` and callbacks propagated by
``Pipeline`` and ``GridSearchCV`` see one task per fit, with one subtask per
epoch (per iteration of a full-batch solver). Each epoch's end offers a lazy
``fitted_estimator``: a copy of the estimator that predicts with that
epoch's parameters, built only if a callback asks for it (``ScoringMonitor``
does). A callback whose ``on_fit_task_end`` returns True stops training at
that epoch, as a converged run.

With an older scikit-learn, or no callback set, :class:`EpochCallbacks` does
nothing, at the cost of one attribute lookup per fit.
"""

from __future__ import annotations

try:  # scikit-learn >= 1.9
    from sklearn.callback import CallbackSupportMixin, with_callbacks
except ImportError:  # pragma: no cover - exercised in the oldest-versions CI

    class CallbackSupportMixin:  # type: ignore[no-redef]
        """scikit-learn < 1.9 has no callbacks: nothing to support."""

    def with_callbacks(method):  # type: ignore[no-redef]
        return method


class EpochCallbacks:
    """The callback tasks of one ``fit`` or ``partial_fit`` call.

    Parameters
    ----------
    estimator : BaseGD
    max_epochs : int
    X, y, metadata
        What the hooks receive as the task's data.
    fitted_attributes : callable
        ``state -> dict``: the fitted attributes of the estimator at a
        training state, from which the lazy ``fitted_estimator`` is made.
    """

    def __init__(self, estimator, max_epochs, X, y, metadata, fitted_attributes):
        self.estimator = estimator
        self.data = {"X": X, "y": y, "metadata": metadata}
        self.fitted_attributes = fitted_attributes
        self.root = self.epoch = None
        self.stopped = False
        active = getattr(estimator, "_skl_callbacks", None) or hasattr(
            estimator, "_parent_callback_ctx"
        )
        if active and hasattr(estimator, "_init_callback_context"):
            # One more subtask than epochs: the one begun after the last epoch,
            # which never runs (as LogisticRegression's lbfgs iterations).
            self.root = estimator._init_callback_context(max_subtasks=max_epochs + 1)
            self.root.call_on_fit_task_begin(estimator=estimator, **self.data)
            self.epoch = self._begin_epoch()

    @property
    def hook(self):
        """What the engine calls after each epoch, or None without callbacks."""
        return None if self.root is None else self.end_epoch

    def _begin_epoch(self):
        context = self.root.subcontext(task_name="epoch")
        context.call_on_fit_task_begin(estimator=self.estimator, **self.data)
        return context

    def end_epoch(self, state) -> bool:
        """End the epoch's task and begin the next; True to stop training."""
        stop = self.epoch.call_on_fit_task_end(
            estimator=self.estimator,
            reconstruction_attributes=lambda: self.fitted_attributes(state),
            **self.data,
        )
        self.epoch = self._begin_epoch()
        self.stopped = bool(stop)
        return self.stopped

    def finish(self) -> None:
        """Close the epoch begun last (it never ran) and the fit's task."""
        if self.root is None:
            return
        self.epoch.call_on_fit_task_end(estimator=self.estimator)
        self.root.call_on_fit_task_end(
            estimator=self.estimator, reconstruction_attributes={}, **self.data
        )
