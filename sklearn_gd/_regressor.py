"""GDRegressor: targets, predictions and tags for regression."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if

from . import losses
from ._base import BaseGD, Targets, has_incremental_optimizer
from ._callbacks import with_callbacks


class GDRegressor(RegressorMixin, BaseGD):
    """Regressor (linear, or a neural network) trained by gradient descent.

    Minimises

    .. math::

        J(w, b) = \\frac{\\sum_i s_i L(y_i, x_i w + b)}{\\sum_i s_i} + \\alpha R(w)

    with the chosen loss ``L``, penalty ``R``, optimizer and learning-rate
    schedule: scikit-learn's ``SGDRegressor`` objective, so ``alpha`` means the
    same there and here. Training starts at the best constant model (zero
    weights, the intercept at the loss's best constant: the mean of ``y`` for
    squared error), so an offset in ``y`` costs no epochs. ``docs/training.md``
    describes training step by step. With ``hidden_layer_sizes``, the linear
    output is replaced by a network's (docs/model.md) and ``R`` sums over
    every weight matrix.

    Parameters
    ----------
    loss : str or RegressionLoss, default="squared_error"
        ``"squared_error"``, ``"absolute_error"``, ``"huber"``, ``"quantile"``,
        ``"poisson"``, ``"epsilon_insensitive"``, ``"squared_epsilon_insensitive"``
        or a :mod:`sklearn_gd.losses` object; see docs/losses.md.
    penalty : {"l2", "l1", "elasticnet"}, Penalty or None, default="l2"
        The regulariser ``R(w)``, on the weights only; L1 is applied by a
        proximal step, so its zeros are exact. See docs/penalties.md.
    alpha : float, default=1e-4
        Strength of the penalty (as in ``SGDRegressor``).
    l1_ratio : float or None, default=None
        L1 share of ``penalty="elasticnet"`` (None: 0.15, ``SGDRegressor``'s
        default). A penalty object carries its own (``ElasticNet(l1_ratio=0.5)``);
        an ``l1_ratio`` that disagrees with it raises, so that a value is never
        silently ignored. See docs/penalties.md.
    optimizer : str, Optimizer or FullBatchOptimizer, default="auto"
        ``"auto"`` (full-batch ``lbfgs``/``fista`` for a smooth loss on data that
        fits the rule, else ``adam``; the choice is ``optimizer_``), ``"sgd"``,
        ``"momentum"``, ``"nesterov"``, ``"adam"``, ``"adamw"``, ``"nadam"``,
        ``"rmsprop"``, ``"adagrad"``, ``"adadelta"``, ``"lbfgs"``, ``"fista"``, or
        an object such as ``Adam(beta1=0.8)``; see docs/optimizers.md.
    learning_rate : float or "auto", default="auto"
        Base step, shaped over time by ``schedule`` (unused by full-batch solvers).
        ``"auto"``: the optimizer's ``default_learning_rate``, times each output's
        spread of ``y`` for scale-free optimizers (Adam and kin), whose steps
        move weights by about the step size, so that ``y`` in any units fits
        alike: Adam's 0.01 becomes 0.01 x std(y), the fitted
        ``learning_rate_``. An explicit value is used as it is, so a grid over
        ``learning_rate`` on unscaled ``y`` should be in ``y``'s units (or
        scale ``y``). See docs/training.md.
    schedule : str or Schedule, default="constant"
        ``"constant"``, ``"invscaling"``, ``"optimal"``, ``"exponential"``,
        ``"step"``, ``"cosine"``, ``"warmup_cosine"``, ``"onecycle"``,
        ``"adaptive"`` or a schedule object; see docs/schedules.md.
    batch_size : int, "auto" or None, default="auto"
        Samples per update: ``"auto"`` is ``min(256, n_samples)`` (in
        ``partial_fit``, ``min(256, max(1, n_samples // 16))``), ``None`` the
        full batch (plain gradient descent).
    max_iter : int, default=1000
        Maximum number of epochs (iterations for ``lbfgs``).
    tol : float or None, default=1e-4
        Stop after ``n_iter_no_change`` epochs that improve the objective by less
        than ``tol`` (relative below objectives of 1; for ``lbfgs``, its gradient
        tolerance); ``None`` runs all ``max_iter`` epochs. See docs/training.md.
    n_iter_no_change : int, default=10
        Epochs without improvement before stopping (or before ``"adaptive"``
        reduces the step).
    early_stopping : bool, default=False
        Monitor R² on a held-out ``validation_fraction`` instead of the objective
        and keep the best epoch's weights; not with ``lbfgs``.
    validation_fraction : float, default=0.1
        Share of the data held out for early stopping.
    shuffle : bool, default=True
        Shuffle the samples before each epoch.
    fit_intercept : bool, default=True
        Whether to learn an intercept.
    warm_start : bool, default=False
        Start ``fit`` from the previous solution (with a fresh optimizer state).
    random_state : int, RandomState or None, default=None
        Seeds the shuffling and the validation split.
    verbose : int, default=0
        ``1``: print the objective, the held-out score (with early stopping)
        and the step size at the first and every 10th epoch, then a one-line
        summary (epochs, updates, time, why it stopped); ``2``: every epoch.
    hidden_layer_sizes : tuple of int, default=()
        Units per hidden layer: ``()`` is the linear model, ``(100,)`` one
        hidden layer of 100 units, as ``MLPClassifier``. See docs/model.md.
    activation : str, Activation or list, default="relu"
        Of the hidden layers: ``"relu"``, ``"leaky_relu"``, ``"elu"``,
        ``"gelu"``, ``"softplus"``, ``"tanh"``, ``"logistic"``,
        ``"identity"``, an :mod:`sklearn_gd.activations` object, or a list
        with one per hidden layer.
    init : str or Initializer, default="auto"
        How hidden weights are drawn (from ``random_state``): ``"auto"`` (He
        uniform for the ReLU family, Glorot uniform otherwise),
        ``"glorot_uniform"``, ``"glorot_normal"``, ``"he_uniform"``,
        ``"he_normal"`` or an :mod:`sklearn_gd.initializers` object.
    dropout : float, default=0.0
        Inverted dropout rate on hidden units during mini-batch training, in
        [0, 1); not with full-batch optimizers.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_outputs, n_features)
        Weights.
    intercept_ : ndarray of shape (1,) or (n_outputs,)
        Intercepts.
    n_iter_ : int
        Epochs run (iterations for ``lbfgs``); ``partial_fit`` adds one per call.
    t_ : int
        Update steps taken.
    loss_curve_ : ndarray of shape (``n_iter_``,)
        Objective ``J`` (data term and ``alpha R(w)``) at each epoch's end,
        on all training samples (on 10,000 evenly spaced ones beyond that);
        for ``lbfgs`` and ``fista``, ``J`` after each iteration.
    coefs_ : list of ndarray
        With hidden layers (instead of ``coef_``): weight matrices per layer,
        ``coefs_[i]`` of shape (units of layer i, units of layer i + 1).
    intercepts_ : list of ndarray
        With hidden layers (instead of ``intercept_``): biases per layer.
    n_layers_ : int
        With hidden layers: number of layers, input and output included.
    gradient_norms_ : ndarray of shape (``n_iter_``, n_weight_layers)
        Per epoch, the norm of each weight matrix's gradient (root mean
        square over the epoch's updates, or about 32 evenly spaced ones in
        longer epochs; for full-batch solvers, the last gradient of each
        iteration): vanishing or exploding gradients show here.
    learning_rate_curve_ : ndarray of shape (``n_iter_``,)
        Step size of each epoch's last update (NaN for ``lbfgs``).
    validation_scores_ : ndarray of shape (``n_iter_``,) or None
        Held-out R² per epoch when ``early_stopping``, else None.
    best_validation_score_ : float or None
        Best of ``validation_scores_`` when ``early_stopping`` (None if no
        epoch was scored).
    optimizer_ : Optimizer or FullBatchOptimizer
        The optimizer the last ``fit`` or ``partial_fit`` used (what
        ``optimizer="auto"`` chose).
    learning_rate_ : float or None
        The base step the last mini-batch run used (``learning_rate``, or what
        ``"auto"`` resolved to); None for full-batch solvers, which take no
        step size.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
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
        l1_ratio: float | None = None,
        optimizer="auto",
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
        hidden_layer_sizes: tuple[int, ...] = (),
        activation="relu",
        init="auto",
        dropout: float = 0.0,
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
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.init = init
        self.dropout = dropout

    @available_if(has_incremental_optimizer)
    @with_callbacks
    def partial_fit(self, X, y, sample_weight=None):
        """Run one epoch over the given samples, continuing any previous training.

        The optimizer's state and step count carry over between calls (a
        changed ``optimizer`` restarts its state; a changed ``fit_intercept``
        raises); ``tol`` does not apply. Not available with
        ``early_stopping=True`` (a chunk has nothing held out) or a full-batch
        optimizer. ``max_iter`` does not limit
        the calls, but a decaying schedule plans its run over ``max_iter``
        epochs of the first call's size (see ``docs/schedules.md``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; CSR is used as is, other sparse formats are converted.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets, of the same shape at every call.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights ``s_i`` of the objective's weighted mean loss.

        Returns
        -------
        self : object
            The estimator, trained on one more epoch.
        """
        return self._fit(X, y, sample_weight, classes=None, partial=True)

    def predict(self, X):
        """Predict targets: the inverse link of the raw output (identity, or exp
        for Poisson).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted targets, 1-D if ``y`` was at ``fit``.
        """
        raw = self._raw_output(X)
        prediction = self._fitted_loss.inverse_link(raw)
        return prediction[:, 0] if self._single_output else prediction

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
        if partial and hasattr(self, "_training_state"):
            # The last parameter, output bias or weights, has one column per output.
            previous = self._training_state.params[-1].shape[-1]
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
        if targets.attributes["_single_output"] and "coef_" in attributes:
            attributes["coef_"] = attributes["coef_"][0]
        return attributes
