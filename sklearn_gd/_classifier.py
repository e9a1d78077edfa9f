"""GDClassifier: labels, class weights, probabilities and tags."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassifierMixin
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d

from . import losses
from ._base import BaseGD, Targets, has_incremental_optimizer
from ._callbacks import with_callbacks
from .validation import InstanceOf, Options


def _loss_has_probabilities(estimator) -> bool:
    loss = getattr(estimator, "_fitted_loss", None) or estimator._loss_object()
    if not getattr(loss, "has_probabilities", False):
        raise AttributeError(
            f"probability estimates are not available for loss={estimator.loss!r}; "
            "use loss='log_loss' or 'modified_huber'."
        )
    return True


class GDClassifier(ClassifierMixin, BaseGD):
    """Classifier (linear, or a neural network) trained by gradient descent.

    Minimises

    .. math::

        J(W, b) = \\frac{\\sum_i s_i L(y_i, x_i W + b)}{\\sum_i s_i} + \\alpha R(W)

    where ``s_i`` includes the class weights. With ``loss="log_loss"`` and more
    than two classes, ``L`` is the multinomial (softmax) cross-entropy; margin
    losses (``hinge``, ...) train one output per class against the rest, all in
    one model and one run of the engine. The intercept starts at the loss's best
    constant (the log prior odds for log loss). ``docs/training.md`` describes
    training step by step. With ``hidden_layer_sizes``, the linear
    output is replaced by a network's (docs/model.md) and ``R`` sums over
    every weight matrix.

    Parameters
    ----------
    loss : str or ClassificationLoss, default="log_loss"
        ``"log_loss"``, ``"hinge"``, ``"squared_hinge"``, ``"modified_huber"``,
        ``"perceptron"`` or a :mod:`sklearn_gd.losses` object; see docs/losses.md.
    penalty : {"l2", "l1", "elasticnet"}, Penalty or None, default="l2"
        The regulariser ``R(W)``, on the weights only; L1 is applied by a
        proximal step, so its zeros are exact. See docs/penalties.md.
    alpha : float, default=1e-4
        Strength of the penalty (as in ``SGDClassifier``).
    l1_ratio : float or None, default=None
        L1 share of ``penalty="elasticnet"`` (None: 0.15, ``SGDClassifier``'s
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
        Base step, shaped over time by ``schedule`` (unused by full-batch solvers);
        ``"auto"``: the optimizer's ``default_learning_rate`` (the fitted
        ``learning_rate_``). See docs/training.md.
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
        Monitor accuracy on a stratified held-out ``validation_fraction`` instead
        of the objective and keep the best epoch's weights; not with ``lbfgs``.
    validation_fraction : float, default=0.1
        Share of the data held out for early stopping.
    shuffle : bool, default=True
        Shuffle the samples before each epoch.
    fit_intercept : bool, default=True
        Whether to learn intercepts.
    warm_start : bool, default=False
        Start ``fit`` from the previous solution (with a fresh optimizer state);
        a ``y`` with other classes then raises.
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
    class_weight : dict, "balanced" or None, default=None
        Weights per class, multiplied into the sample weights. ``"balanced"``
        gives class ``k`` the weight ``sum(s) / (n_classes * S_k)``, with ``S_k``
        the sum of the sample weights ``s`` over class ``k`` (in ``partial_fit``,
        over each call's samples).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Weights (one row for two classes).
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts.
    n_iter_ : int
        Epochs run (iterations for ``lbfgs``); ``partial_fit`` adds one per call.
    t_ : int
        Update steps taken.
    loss_curve_ : ndarray of shape (``n_iter_``,)
        Objective ``J`` (data term and ``alpha R(W)``) at each epoch's end,
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
        Held-out accuracy per epoch when ``early_stopping``, else None.
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
    GDRegressor : The same engine for regression.
    sklearn.linear_model.SGDClassifier : Plain SGD with the same objective.
    sklearn.linear_model.LogisticRegression : Exact solvers for log loss.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_gd import GDClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(), GDClassifier(random_state=0))
    >>> float(model.fit(X, y).predict_proba(X[:1]).sum().round(6))
    1.0
    """

    _parameter_constraints = {
        **BaseGD._parameter_constraints,
        "class_weight": [Options(["balanced", None]), InstanceOf(dict, "a dict")],
    }
    _loss_base = losses.ClassificationLoss
    _loss_shorthands = losses.CLASSIFICATION_LOSSES
    _multi_output = True  # 2-D y: a multilabel indicator matrix only
    _is_classifier = True

    def __init__(
        self,
        loss="log_loss",
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
        class_weight=None,
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
        self.class_weight = class_weight

    @available_if(has_incremental_optimizer)
    @with_callbacks
    def partial_fit(self, X, y, classes=None, sample_weight=None):
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
        y : array-like of shape (n_samples,)
            Class labels (or a multilabel indicator matrix of shape
            (n_samples, n_labels)).
        classes : array-like of shape (n_classes,), default=None
            All the classes that can appear; required on the first call.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights ``s_i`` of the objective's weighted mean loss.

        Returns
        -------
        self : object
            The estimator, trained on one more epoch.
        """
        return self._fit(X, y, sample_weight, classes=classes, partial=True)

    def decision_function(self, X):
        """Raw model outputs (logits for log loss).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples.

        Returns
        -------
        ndarray of shape (n_samples,) for two classes, else (n_samples, n_classes)
            The raw outputs, one per class (with a multilabel ``y``, one per
            label) or, for two classes, the positive class's.
        """
        raw = self._raw_output(X)
        return raw[:, 0] if raw.shape[1] == 1 and not self._multilabel else raw

    def predict(self, X):
        """Predict class labels: the sign of the output for two classes, else
        the class with the largest output.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_labels)
            The predicted labels, from ``classes_``; with a multilabel ``y``,
            an indicator matrix of 0s and 1s (a label where its output is
            positive).
        """
        raw = self._raw_output(X)
        if self._multilabel:
            return (raw > 0).astype(int)
        if raw.shape[1] == 1:
            indices = (raw[:, 0] > 0).astype(int)
        else:
            indices = raw.argmax(axis=1)
        return self.classes_[indices]

    @available_if(_loss_has_probabilities)
    def predict_proba(self, X):
        """Class probabilities (``log_loss``: sigmoid or softmax of the output;
        ``modified_huber``: clipped and normalised).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            The probability of each class, in the order of ``classes_``; with a
            multilabel ``y``, of each label, independently.
        """
        raw = self._raw_output(X)
        return self._fitted_loss.predict_proba(raw)

    @available_if(_loss_has_probabilities)
    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            The log of each class's probability (``-inf`` where it is 0).
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    # Hooks called by BaseGD._fit -----------------------------------------

    def _prepare_targets(self, y, sample_weight, loss, *, classes, partial):
        """Class indices (or a label indicator matrix) encoded for ``loss``,
        and the class-weighted sample weights."""
        if sp.issparse(y):  # a sparse label indicator matrix
            y = y.toarray()
        check_classification_targets(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)  # a column vector: one label, as 1-D
        if isinstance(loss, losses.Multilabel):
            raise ValueError(
                "loss=Multilabel(...) is applied by GDClassifier itself to a "
                "multilabel y; pass the loss of each label (e.g. 'log_loss')."
            )
        self._check_same_kind(y.ndim == 2, partial)
        if y.ndim == 2:
            return self._multilabel_targets(y, sample_weight, loss, classes, partial)
        if partial:
            classes = self._classes_for_partial_fit(classes)
        else:
            classes = np.unique(y)
            self._check_warm_start_classes(classes)
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes; got 1 "
                f"class: {classes.tolist()}."
            )
        unseen = ~np.isin(y, classes)
        if unseen.any():
            raise ValueError(
                f"y contains labels not in classes: {np.unique(y[unseen]).tolist()}; "
                f"classes are {classes.tolist()}."
            )
        y_index = np.searchsorted(classes, y)
        sample_weight = self._class_weighted(y, y_index, classes, sample_weight)
        Y = loss.encode(y_index, len(classes), sample_weight.dtype)
        attributes = {"classes_": classes, "_fitted_loss": loss, "_multilabel": False}
        return Targets(Y, sample_weight, y_index, attributes)

    def _check_same_kind(self, multilabel: bool, partial: bool) -> None:
        """A model continued (``partial_fit``, ``warm_start``) keeps its kind of
        targets: multiclass outputs are not multilabel ones (as MLP)."""
        previous = vars(self).get("_multilabel")
        if not (partial or self.warm_start) or previous is None:
            return
        if previous != multilabel:
            kinds = {True: "a multilabel indicator y", False: "a 1-D y of classes"}
            raise ValueError(
                f"The model was fitted on {kinds[previous]}, and is given "
                f"{kinds[multilabel]}; fit a new model (warm_start=False) instead."
            )

    def _multilabel_targets(self, y, sample_weight, loss, classes, partial):
        """A label indicator matrix: one binary problem of ``loss`` per label
        (:class:`~sklearn_gd.losses.Multilabel`), as ``MLPClassifier``."""
        if type_of_target(y) != "multilabel-indicator" or not np.isin(y, (0, 1)).all():
            raise ValueError(
                f"{type(self).__name__} takes 2-D y only as a multilabel indicator "
                "matrix of 0s and 1s (one column per label); got "
                f"{type_of_target(y)!r} targets."
            )
        if self.class_weight is not None:
            raise ValueError(
                "class_weight is not supported with multilabel y; weight the "
                "samples with sample_weight instead."
            )
        if classes is not None and len(np.unique(classes)) != y.shape[1]:
            raise ValueError(
                f"classes has {len(np.unique(classes))} entries but y has "
                f"{y.shape[1]} labels; for a multilabel y, classes are the labels' "
                "columns (it may be left out)."
            )
        classes = np.arange(y.shape[1])
        previous = vars(self).get("classes_")
        if (partial or self.warm_start) and previous is not None:
            if not np.array_equal(previous, classes):
                raise ValueError(
                    f"y has {len(classes)} labels, but the model it continues "
                    f"has {len(previous)} classes or labels."
                )
        multilabel = losses.Multilabel(loss)
        Y = multilabel.encode(np.asarray(y), len(classes), sample_weight.dtype)
        attributes = {
            "classes_": classes, "_fitted_loss": multilabel, "_multilabel": True,
        }
        return Targets(Y, sample_weight, np.asarray(y), attributes)

    def _check_warm_start_classes(self, classes) -> None:
        """A warm start continues a model of the same classes, or raises (as
        ``MLPClassifier``): its outputs would otherwise mean other classes."""
        previous = vars(self).get("classes_")
        if not self.warm_start or previous is None:
            return
        if len(previous) != len(classes) or not np.all(previous == classes):
            raise ValueError(
                "warm_start=True continues the previous fit, whose classes were "
                f"{previous.tolist()}, but y has the classes {classes.tolist()}. "
                "Use warm_start=False to train a new model on these classes."
            )

    def _class_weighted(self, y, y_index, classes, sample_weight):
        """``sample_weight`` times the weight of each sample's class."""
        if isinstance(self.class_weight, dict):
            # Looked up over all classes: a weighted class may be absent from a
            # partial_fit chunk (a rare class, typically) or weighted 0 here.
            unknown = [key for key in self.class_weight if key not in classes]
            if unknown:
                raise ValueError(
                    f"class_weight has keys {unknown} that are not classes; "
                    f"classes are {classes.tolist()}."
                )
            weights = compute_class_weight(
                self.class_weight, classes=classes, y=y
            ).astype(sample_weight.dtype)
            if not np.all(np.isfinite(weights) & (weights >= 0)):
                raise ValueError(
                    "class_weight values must be finite and >= 0 (a negative "
                    "weight makes the objective unbounded below); got "
                    f"{self.class_weight!r}."
                )
            sample_weight = sample_weight * weights[y_index]
        elif self.class_weight is not None:
            # Weighted class frequencies, so that integer sample weights and
            # repeated samples give the same balanced weights. In partial_fit,
            # "balanced" uses the frequencies of the samples in the call.
            class_totals = np.bincount(
                y_index, weights=sample_weight, minlength=len(classes)
            )
            # "balanced": sum(s) / (n_present * S_k), compute_class_weight's
            # formula with sample weights, written out: its sample_weight
            # argument needs scikit-learn 1.7.
            present = class_totals > 0
            weights = np.ones(len(classes), dtype=sample_weight.dtype)
            weights[present] = class_totals.sum() / (
                present.sum() * class_totals[present]
            )
            sample_weight = sample_weight * weights[y_index]
        return sample_weight

    def _classes_for_partial_fit(self, classes) -> np.ndarray:
        if classes is None:
            if not hasattr(self, "classes_"):
                raise ValueError(
                    "classes must be passed on the first call to partial_fit."
                )
            return self.classes_
        classes = np.unique(classes)
        if hasattr(self, "classes_") and not np.array_equal(classes, self.classes_):
            raise ValueError(
                f"classes={classes.tolist()} is not the same as on the previous call "
                f"to partial_fit, was: {self.classes_.tolist()}."
            )
        return classes

    def _validation_scorer(self, loss, y_index_val, weight_val):
        def score(raw):
            if y_index_val.ndim == 2:  # multilabel: subset accuracy
                correct = np.all((raw > 0) == (y_index_val == 1), axis=1)
                return float(np.average(correct, weights=weight_val))
            if raw.shape[1] == 1:
                predicted = (raw[:, 0] > 0).astype(int)
            else:
                predicted = raw.argmax(axis=1)
            return float(np.average(predicted == y_index_val, weights=weight_val))

        return score

    def _coef_attributes(self, attributes, targets):
        return attributes
