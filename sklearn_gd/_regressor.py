"""GDRegressor: targets, predictions and tags for regression."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if

from . import losses
from ._base import BaseGD, Targets, has_incremental_optimizer


class GDRegressor(RegressorMixin, BaseGD):
    """Linear regression trained by gradient descent, every ingredient swappable.

    Minimises

    .. math::

        J(w, b) = \\frac{\\sum_i s_i L(y_i, x_i w + b)}{\\sum_i s_i} + \\alpha R(w)

    by mini-batch gradient descent with the chosen loss ``L``, penalty ``R``,
    optimizer and learning-rate schedule (scikit-learn's ``SGDRegressor``
    objective, so ``alpha`` means the same there and here). The intercept starts
    at the loss's best constant (the mean of ``y`` for squared error), so an
    offset in ``y`` costs no epochs.

    Parameters
    ----------
    loss : str or RegressionLoss, default="squared_error"
        ``"squared_error"``, ``"absolute_error"``, ``"huber"``,
        ``"epsilon_insensitive"``, ``"squared_epsilon_insensitive"``,
        ``"quantile"``, ``"poisson"``, or a :mod:`sklearn_gd.losses` object such
        as ``Huber(epsilon=1.0)``.
    penalty : {"l2", "l1", "elasticnet"}, Penalty or None, default="l2"
        The regulariser ``R(w)``; L1 is applied by a proximal step, so its zeros
        are exact.
    alpha : float, default=1e-4
        Strength of the penalty.
    l1_ratio : float, default=0.15
        L1 share for ``penalty="elasticnet"``.
    optimizer : str or Optimizer, default="adam"
        ``"sgd"``, ``"momentum"``, ``"nesterov"``, ``"adam"``, ``"adamw"``,
        ``"nadam"``, ``"rmsprop"``, ``"adagrad"``, ``"adadelta"``, ``"lbfgs"``,
        or a :mod:`sklearn_gd.optimizers` object such as ``Adam(beta1=0.8)``.
    learning_rate : float or "auto", default="auto"
        Base step size, shaped over time by ``schedule``. ``"auto"`` takes the
        optimizer's ``default_learning_rate`` (0.01 for Adam and kin, 0.05
        for plain SGD, ``0.05 (1 - momentum)`` with momentum, 0.005 for
        ``rmsprop``, 0.5 for ``adagrad``, 1.0 for ``adadelta``; unused by
        ``lbfgs``), times the spread of ``y`` (``Loss.output_scale``: the
        standard deviation, winsorised for losses with a bounded gradient so
        that outliers do not inflate it) for optimizers whose step does not
        grow with the gradient (``Optimizer.scale_free``: Adam and kin,
        RMSprop, Adagrad), so that the fit does not depend on the units of
        ``y``. The spread is fixed at the first ``fit`` or ``partial_fit``
        call, from that call's targets, and kept if the optimizer changes.
    schedule : str or Schedule, default="constant"
        ``"constant"``, ``"invscaling"``, ``"optimal"``, ``"exponential"``,
        ``"step"``, ``"cosine"``, ``"warmup_cosine"``, ``"onecycle"``,
        ``"adaptive"``, or a :mod:`sklearn_gd.schedules` object.
    batch_size : int, "auto" or None, default="auto"
        Samples per update; ``"auto"`` is ``min(256, n_samples)`` and ``None``
        the full batch (plain gradient descent).
    max_iter : int, default=1000
        Maximum number of epochs (iterations for ``lbfgs``).
    tol : float or None, default=1e-4
        Training stops when the objective has not improved by ``tol`` (times
        the best constant model's objective, which training starts from, where
        that is below 1, so that small units of ``y`` are not stopped early)
        for ``n_iter_no_change`` epochs spanning at least 50 updates; ``None``
        runs all ``max_iter`` epochs. For ``lbfgs``, the projected-gradient
        tolerance (scaled alike).
    n_iter_no_change : int, default=10
        Epochs without improvement before stopping (or, for the ``adaptive``
        schedule, before reducing the step).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data, monitor R² on it instead
        of the training objective, and keep the weights of the best epoch.
        Needs an optimizer that trains epoch by epoch: with a full-batch solver
        (``lbfgs``), ``fit`` raises ``ValueError``.
    validation_fraction : float, default=0.1
        Share of the data held out for early stopping.
    shuffle : bool, default=True
        Shuffle the samples before each epoch.
    fit_intercept : bool, default=True
        Whether to learn an intercept.
    warm_start : bool, default=False
        Start ``fit`` from the previous solution.
    random_state : int, RandomState or None, default=None
        Seeds the shuffling and the validation split.
    verbose : int, default=0
        Print the objective after each epoch.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_outputs, n_features)
        Weights.
    intercept_ : ndarray of shape (1,) or (n_outputs,)
        Intercepts.
    n_iter_ : int
        Epochs run (iterations for ``lbfgs``).
    t_ : int
        Update steps taken.
    loss_curve_ : ndarray of shape (n_iter_,)
        Objective per epoch: the data term and ``alpha R(w)``, both taken at the
        parameters each mini-batch saw, before its update, and averaged over the
        epoch's samples (for ``lbfgs``, ``J`` after each iteration).
    learning_rate_curve_ : ndarray of shape (n_iter_,)
        Step size at each epoch's end.
    validation_scores_ : ndarray of shape (n_iter_,) or None
        R² on the held-out set per epoch, when ``early_stopping``.
    best_validation_score_ : float or None
        Best of ``validation_scores_``, when ``early_stopping`` (None if no
        epoch was scored).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    GDClassifier : The same engine for classification.
    sklearn.linear_model.SGDRegressor : Plain SGD with the same objective.

    Examples
    --------
    Raw targets (coefficients up to 97) with the default step, which Adam
    takes in units of ``y``:

    >>> from sklearn.datasets import make_regression
    >>> from sklearn_gd import GDRegressor
    >>> from sklearn_gd.optimizers import Adam
    >>> X, y = make_regression(n_samples=200, n_features=5, noise=1.0, random_state=0)
    >>> model = GDRegressor(optimizer=Adam(beta1=0.8), random_state=0)
    >>> round(model.fit(X, y).score(X, y), 3)
    1.0
    """

    _loss_base = losses.RegressionLoss
    _loss_shorthands = losses.REGRESSION_LOSSES
    _multi_output = True
    _is_classifier = False

    def __init__(
        self,
        loss="squared_error",
        *,
        penalty="l2",
        alpha: float = 1e-4,
        l1_ratio: float = 0.15,
        optimizer="adam",
        learning_rate: float | str = "auto",
        schedule="constant",
        batch_size="auto",
        max_iter: int = 1000,
        tol: float | None = 1e-4,
        n_iter_no_change: int = 10,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        shuffle: bool = True,
        fit_intercept: bool = True,
        warm_start: bool = False,
        random_state=None,
        verbose: int = 0,
    ) -> None:
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.schedule = schedule
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.shuffle = shuffle
        self.fit_intercept = fit_intercept
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose

    @available_if(has_incremental_optimizer)
    def partial_fit(self, X, y, sample_weight=None):
        """Run one epoch over the given samples, continuing any previous training.

        The optimizer's state and step count carry over between calls (a
        changed ``optimizer`` restarts its state; a changed ``fit_intercept``
        raises); ``tol`` and ``early_stopping`` do not apply, and epochs run
        here score NaN in ``validation_scores_``. ``max_iter`` does not limit
        the calls, but a decaying schedule plans its run over ``max_iter``
        epochs of the first call's size (see ``docs/schedules.md``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        return self._fit(X, y, sample_weight, classes=None, partial=True)

    def predict(self, X):
        """Predict targets: the inverse link of the raw output (identity, or exp
        for Poisson).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        raw = self._raw_output(X)
        prediction = self._fitted_loss.inverse_link(raw)
        return prediction[:, 0] if self.coef_.ndim == 1 else prediction

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        loss = self._loss_object()
        tags.target_tags.positive_only = bool(
            getattr(loss, "nonnegative_targets", False)
        )
        return tags

    # Hooks called by BaseGD._fit -----------------------------------------

    def _prepare_targets(self, y, sample_weight, loss, *, classes, partial):
        single_output = y.ndim == 1
        n_outputs = 1 if single_output else y.shape[1]
        if partial and hasattr(self, "coef_"):
            previous = 1 if self._single_output else self.coef_.shape[0]
            if single_output != self._single_output or n_outputs != previous:
                raise ValueError(
                    f"y has {n_outputs} output(s) ({'1-D' if single_output else '2-D'})"
                    f", but the previous call to partial_fit had {previous} "
                    f"({'1-D' if self._single_output else '2-D'}); every call must "
                    "pass targets of the same shape."
                )
        Y = np.asarray(y, dtype=sample_weight.dtype)
        Y = Y.reshape(-1, 1) if Y.ndim == 1 else Y
        loss.check_targets(Y)
        attributes = {"_single_output": single_output, "_fitted_loss": loss}
        return Targets(Y, sample_weight, Y, attributes)

    def _validation_scorer(self, loss, Y_val, weight_val):
        def score(raw):
            return r2_score(Y_val, loss.inverse_link(raw), sample_weight=weight_val)

        return score

    def _coef_attributes(self, attributes, targets):
        if targets.attributes["_single_output"]:
            attributes["coef_"] = attributes["coef_"][0]
        return attributes
