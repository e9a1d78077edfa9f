"""What both estimators share: parameters, validation, fit and partial_fit.

The estimators translate scikit-learn's world (input validation, label encoding,
fitted attributes) into the engine's (arrays and components) and back. All the
numerical work happens in :mod:`sklearn_gd._engine`.
"""

from __future__ import annotations

import copy
import math
import os
import sys
import time
import warnings
from numbers import Integral, Real
from typing import Any, NamedTuple

import joblib
import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_array, check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from . import activations, initializers, losses, optimizers, penalties, schedules
from ._callbacks import CallbackSupportMixin, EpochCallbacks, with_callbacks
from ._component import resolve_component
from ._doc_link import DocLinkMixin
from ._engine import (
    TrainingData,
    TrainingState,
    Validation,
    relative_weights,
    run_warnings,
    summary_line,
    train,
)
from ._model import LinearModel, NeuralNetwork
from ._objective import Objective
from ._persistence import PlainStateMixin
from ._solvers import FullBatchSolver, MiniBatchSolver
from .validation import (
    Boolean,
    InstanceOf,
    Interval,
    Options,
    check_params,
    declared_params,
)

AUTO_BATCH_SIZE = 256
# l1_ratio=None with penalty="elasticnet": SGDClassifier's default share.
DEFAULT_L1_RATIO = 0.15

# optimizer="auto" solves on the full batch up to this many entries of X
# (n_samples x n_features, or stored entries of a sparse X): lbfgs for a
# smooth penalty, fista for L1 and elastic net. The measurements behind them
# are in docs/benchmarks.md.
AUTO_LBFGS_MAX_ENTRIES = 50_000_000
AUTO_FISTA_MAX_ENTRIES = 10_000_000


class Components(NamedTuple):
    """The validated component objects of a fit."""

    loss: losses.Loss
    penalty: penalties.Penalty
    optimizer: Any
    schedule: schedules.Schedule
    model: Any


class Targets(NamedTuple):
    """What an estimator's ``_prepare_targets`` makes of ``y``.

    ``Y``: targets as the loss encodes them, (n_samples, n_outputs);
    ``sample_weight``: with class weights applied; ``y_for_scoring``: what the
    early-stopping score compares with; ``attributes``: fitted attributes the
    targets decide (``classes_``, ...).
    """

    Y: np.ndarray
    sample_weight: np.ndarray
    y_for_scoring: np.ndarray
    attributes: dict


# Stands for an attribute that a fit removes (feature_names_in_ after a fit on
# an array without column names).
_ABSENT = object()


class RandomSource:
    """A fit's one random stream, ``check_random_state(random_state)``, made on
    first use: seeding a ``RandomState`` costs more than a small full-batch
    fit spends on anything random, and such a fit draws nothing.

    Attribute access (``rng.permutation``, ...) is that of the stream;
    ``state`` is the stream itself.
    """

    def __init__(self, random_state) -> None:
        self._random_state = random_state
        self._state = None

    @property
    def state(self) -> np.random.RandomState:
        if self._state is None:
            self._state = check_random_state(self._random_state)
        return self._state

    def __getattr__(self, name: str):
        return getattr(self.state, name)


def _assign(estimator, fitted: dict) -> None:
    """Set (or, for ``_ABSENT``, remove) the fitted attributes together."""
    for name in [name for name, value in fitted.items() if value is _ABSENT]:
        estimator.__dict__.pop(name, None)
        del fitted[name]
    vars(estimator).update(fitted)


def _linear_attribute(name: str) -> property:
    """A fitted attribute of the linear model (``coef_``, ``intercept_``),
    stored in the instance's ``__dict__``. Where a network was fitted instead,
    reading it raises an AttributeError that points to ``coefs_``."""

    def get(self):
        if name in vars(self):
            return vars(self)[name]
        if "coefs_" in vars(self):
            fitted = tuple(coef.shape[1] for coef in vars(self)["coefs_"][:-1])
            raise AttributeError(
                f"{type(self).__name__} fitted with hidden_layer_sizes={fitted} has "
                f"no {name}: a network's weights are per layer, in coefs_ and "
                "intercepts_ (coefs_[0] is the first layer's, of shape "
                "(n_features, n_units))."
            )
        raise AttributeError(
            f"{type(self).__name__!r} object has no attribute {name!r}"
        )

    def set(self, value):
        vars(self)[name] = value

    def delete(self):
        del vars(self)[name]

    return property(get, set, delete)


class BaseGD(PlainStateMixin, DocLinkMixin, CallbackSupportMixin, BaseEstimator):
    """Shared implementation of :class:`GDRegressor` and :class:`GDClassifier`.

    Subclasses set ``_loss_base`` and ``_loss_shorthands`` and implement the
    target-specific hooks: ``_prepare_targets`` (returns :class:`Targets`),
    ``_validation_scorer`` and ``_coef_attributes``.
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, None, "left")],
        "l1_ratio": [Interval(Real, 0, 1, "both"), Options([None])],
        "learning_rate": [Interval(Real, 0, None, "neither"), Options({"auto"})],
        "batch_size": [Interval(Integral, 1, None, "left"), Options(["auto", None])],
        "max_iter": [Interval(Integral, 1, None, "left")],
        "tol": [Interval(Real, 0, None, "left"), Options([None])],
        "n_iter_no_change": [Interval(Integral, 1, None, "left")],
        "early_stopping": [Boolean()],
        "validation_fraction": [Interval(Real, 0, 1, "neither")],
        "shuffle": [Boolean()],
        "fit_intercept": [Boolean()],
        "warm_start": [Boolean()],
        "random_state": [
            Interval(Integral, 0, 2**32 - 1, "both"),
            InstanceOf(np.random.RandomState, "a numpy RandomState"),
            Options([None]),
        ],
        "verbose": [Interval(Integral, 0, None, "left"), Boolean()],
        "dropout": [Interval(Real, 0, 1, "left")],
    }
    _loss_base: type = losses.Loss
    _loss_shorthands: dict = {}
    coef_ = _linear_attribute("coef_")
    intercept_ = _linear_attribute("intercept_")

    # ------------------------------------------------------------------
    # Parameters and components

    def _component_kinds(self) -> dict[str, tuple[type, dict]]:
        """Each component parameter's base class and string shorthands."""
        penalty_shorthands = {
            **penalties.PENALTIES,
            "elasticnet": lambda: penalties.ElasticNet(
                l1_ratio=DEFAULT_L1_RATIO if self.l1_ratio is None else self.l1_ratio
            ),
            # Handled apart; listed so that the error message names it as allowed.
            None: penalties.NoPenalty,
        }
        return {
            "loss": (self._loss_base, self._loss_shorthands),
            "penalty": (penalties.Penalty, penalty_shorthands),
            "optimizer": (
                (optimizers.Optimizer, optimizers.FullBatchOptimizer),
                # "auto" is chosen at fit, from the data (_auto_optimizer).
                {"auto": lambda: None, **optimizers.OPTIMIZERS},
            ),
            "schedule": (schedules.Schedule, schedules.SCHEDULES),
            "activation": (activations.Activation, activations.ACTIVATIONS),
            "init": (
                initializers.Initializer,
                # "auto" follows each layer's activation (auto_initializer).
                {"auto": lambda: None, **initializers.INITIALIZERS},
            ),
        }

    def _component(self, name: str, value):
        """The validated component object for ``value`` of parameter ``name``
        (None for ``optimizer="auto"``, which the data decides)."""
        if name == "penalty" and value is None:
            return penalties.NoPenalty()
        if name in ("optimizer", "init") and isinstance(value, str) and value == "auto":
            return None
        base, shorthands = self._component_kinds()[name]
        return resolve_component(
            value,
            name=name,
            owner=type(self).__name__,
            base=base,
            shorthands=shorthands,
        )

    def set_params(self, **params):
        """Set parameters, those of components included (``optimizer__beta1``).

        A nested key on a component given as a string first replaces the string
        by the object it stands for (``"adam"`` by ``Adam()``), so that
        ``GridSearchCV(GDRegressor(optimizer="adam"),
        {"optimizer__beta1": [0.8, 0.9]})`` works. ``optimizer="auto"`` (the
        default) has no parameters, and such a key raises.

        Parameters
        ----------
        **params : dict
            Estimator parameters, and ``<component>__<parameter>`` keys.

        Returns
        -------
        self : object
            The estimator.
        """
        nested_owners = {key.split("__", 1)[0] for key in params if "__" in key}
        for name in nested_owners & set(self._component_kinds()):
            value = params.get(name, getattr(self, name))
            if value is None or (isinstance(value, str) and value == "auto"):
                keys = sorted(key for key in params if key.startswith(f"{name}__"))
                example = {"penalty": "'elasticnet'", "optimizer": "'adam'"}
                raise ValueError(
                    f"Cannot set {keys}: {name}={value!r} has no parameters; set "
                    f"{name} to a component first (e.g. {name}="
                    f"{example.get(name, '...')})."
                )
            if isinstance(value, (list, tuple)):
                keys = sorted(key for key in params if key.startswith(f"{name}__"))
                raise ValueError(
                    f"Cannot set {keys}: {name} is a list of components, one per "
                    f"layer; set {name} to a new list instead."
                )
            if isinstance(value, str):
                params[name] = self._component(name, value)
                if name == "penalty" and "l1_ratio" not in params:
                    # The object now carries the estimator's l1_ratio: one
                    # source of truth for it.
                    params["l1_ratio"] = None
        return super().set_params(**params)

    def _resolve_components(self) -> Components:
        """Validate every parameter and return the component objects to use."""
        owner = type(self).__name__
        constraints = self._parameter_constraints
        check_params(owner, declared_params(self, constraints), constraints)
        components = Components(
            *(
                self._component(name, getattr(self, name))
                for name in ("loss", "penalty", "optimizer", "schedule")
            ),
            model=self._make_model(),
        )
        self._check_l1_ratio(components.penalty)
        if isinstance(components.optimizer, optimizers.FullBatchOptimizer):
            try:
                components.optimizer.check_components(
                    components.loss, components.penalty
                )
            except ValueError as error:
                raise ValueError(
                    f"optimizer={self.optimizer!r} cannot train loss={self.loss!r} "
                    f"with penalty={self.penalty!r}: {error}"
                ) from error
            if self.dropout and isinstance(components.model, NeuralNetwork):
                raise ValueError(
                    f"dropout={self.dropout} cannot be used with optimizer="
                    f"{self.optimizer!r}: a full-batch solver's line search needs "
                    "one fixed objective, and dropout changes the network at each "
                    "step. Use dropout=0, or a mini-batch optimizer such as 'adam'."
                )
            if self.early_stopping:
                # A full-batch solver has no epochs at which to score the
                # held-out set: it would only lose validation_fraction of the data.
                raise ValueError(
                    f"early_stopping=True cannot be used with optimizer="
                    f"{self.optimizer!r}: it solves the full problem at once, so "
                    "the validation_fraction held out would never be scored. Use "
                    "early_stopping=False, or a mini-batch optimizer such as 'sgd' "
                    "or 'adam'."
                )
        return components

    def _check_l1_ratio(self, penalty) -> None:
        """``l1_ratio`` and a penalty object's own must agree (one source of
        truth): the object's is used, so a different ``l1_ratio`` would be
        silently ignored."""
        own = penalty.get_params().get("l1_ratio")
        if self.l1_ratio is None or own is None or isinstance(self.penalty, str):
            return
        if own != self.l1_ratio:
            raise ValueError(
                f"l1_ratio={self.l1_ratio} disagrees with penalty={self.penalty!r}, "
                f"which carries l1_ratio={own}. Set it in one place: "
                f"penalty='elasticnet' with l1_ratio, or the penalty object "
                "(grid-search it as penalty__l1_ratio) with l1_ratio=None."
            )

    def _loss_object(self) -> losses.Loss | None:
        """The loss object without validating anything (for tags and methods)."""
        if isinstance(self.loss, losses.Loss):
            return self.loss
        factory = self._loss_shorthands.get(self.loss)
        return factory() if factory is not None else None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    # ------------------------------------------------------------------
    # Fitting

    @with_callbacks
    def fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        coef_init=None,
        intercept_init=None,
        coefs_init=None,
        intercepts_init=None,
    ):
        """Fit the model by gradient descent.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; CSR is used as is, other sparse formats are converted.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets (class labels for the classifier).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights ``s_i`` of the objective's weighted mean loss.
        coef_init : array-like, default=None
            Linear model: the weights to start from, shaped as ``coef_``
            (``SGDClassifier``'s argument); overrides ``warm_start``.
        intercept_init : array-like, default=None
            Linear model: the intercepts to start from, shaped as
            ``intercept_`` (default: the loss's best constant).
        coefs_init : list of array-like, default=None
            Network: the weight matrices to start from, shaped as ``coefs_``.
        intercepts_init : list of array-like, default=None
            Network: the biases to start from, shaped as ``intercepts_``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        start = {
            "coef_": coef_init,
            "intercept_": intercept_init,
            "coefs_": coefs_init,
            "intercepts_": intercepts_init,
        }
        start = {name: value for name, value in start.items() if value is not None}
        return self._fit(
            X, y, sample_weight, classes=None, partial=False, start=start
        )

    def _fit(self, X, y, sample_weight, *, classes, partial: bool, start=None):
        """``fit`` and ``partial_fit``: start a training state (or continue the
        previous one, in ``partial_fit``), then run the one training loop.

        Every fitted attribute is computed into ``fitted`` and assigned at the
        end, all together: a call that fails leaves the estimator as it was,
        and two calls at once never mix their attributes.
        """
        components = self._resolve_components()
        previous = getattr(self, "_training_state", None) if partial else None
        X, y, fitted = self._validate_input(X, y, reset=previous is None)
        sample_weight = _check_sample_weight(sample_weight, X.shape[0], X.dtype)
        targets = self._prepare_targets(
            y, sample_weight, components.loss, classes=classes, partial=partial
        )
        fitted.update(targets.attributes)
        # The loss the targets are encoded for (multilabel y wraps it).
        components = components._replace(loss=targets.attributes["_fitted_loss"])
        rng = RandomSource(self.random_state)
        data, weight, validation = self._training_data(
            X, targets, components.loss, rng, partial
        )
        if components.optimizer is None:  # optimizer="auto"
            components = components._replace(
                optimizer=self._auto_optimizer(components, data.X, partial)
            )
        if previous is None:
            state = self._initial_state(
                components.model, components.loss, data, weight, rng, partial
            )
            if start:
                state.params = _start_params(state.model, state.params, start)
        else:
            state = self._continued_state(components.model, previous)
        data = data._replace(weight=relative_weights(weight, state.weight_scale))
        callbacks = EpochCallbacks(
            self, 1 if partial else int(self.max_iter), X, y,
            {"sample_weight": sample_weight},
            lambda state: self._attributes_at(state, fitted, targets),
        )
        solver = self._run(components, state, data, validation, rng, partial, callbacks)
        fitted.update(self._fitted_attributes(state, targets))
        fitted["optimizer_"] = components.optimizer
        fitted["learning_rate_"] = getattr(solver, "learning_rate", None)
        _assign(self, fitted)
        callbacks.finish()
        return self

    def _run(self, components, state, data, validation, rng, partial, callbacks):
        """Train ``state`` with the solver the components make, then report
        the run: ``verbose``'s summary, and warnings. Returns the solver."""
        solver = self._make_solver(components, state, data.X.shape[0], partial)
        objective = Objective(
            state.model, components.loss, components.penalty, float(self.alpha)
        )
        tol = None if partial or self.tol is None else float(self.tol)
        started = time.perf_counter()
        report = train(
            solver,
            objective,
            state,
            data,
            max_epochs=1 if partial else int(self.max_iter),
            tol=tol,
            rng=rng,
            validation=validation,
            verbose=int(self.verbose),
            epoch_hook=callbacks.hook,
        )
        owner = type(self).__name__
        if self.verbose:
            why = _why_it_stopped(
                report, partial, tol, validation is not None, solver, callbacks
            )
            seconds = time.perf_counter() - started
            print(summary_line(owner, state, report, seconds, why))
        for message in run_warnings(report, owner, tol, self.max_iter, solver):
            warnings.warn(message, ConvergenceWarning, stacklevel=_user_stacklevel())
        return solver

    def _attributes_at(self, state, fitted: dict, targets) -> dict:
        """The fitted attributes the estimator would have at ``state`` (for a
        callback's ``fitted_estimator``), without those a fit removes."""
        attributes = {**fitted, **self._fitted_attributes(state.copy(), targets)}
        return {name: v for name, v in attributes.items() if v is not _ABSENT}

    def _validate_input(self, X, y, *, reset: bool):
        """Validated ``X`` and ``y``, and the attributes (``n_features_in_``,
        ``feature_names_in_``) a new fit sets, without setting them yet."""
        # validate_data(reset=True) sets them on the estimator it is given: give
        # it a shallow copy, and take them from there.
        target = self
        if reset:
            target = type(self).__new__(type(self))
            target.__dict__.update(self.__dict__)
        X, y = validate_data(
            target,
            X,
            y,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            multi_output=self._multi_output,
            y_numeric=not self._is_classifier,
            reset=reset,
        )
        fitted = {}
        if reset:
            fitted["n_features_in_"] = target.n_features_in_
            fitted["feature_names_in_"] = getattr(target, "feature_names_in_", _ABSENT)
        return X, y, fitted

    def _training_data(self, X, targets, loss, rng, partial: bool):
        """The training samples, their (unit-scale) weights, and the held-out
        set of early stopping (``fit`` only)."""
        Y, weight, validation = targets.Y, targets.sample_weight, None
        if self.early_stopping and not partial:
            train_rows, held_out = self._validation_split(
                targets.y_for_scoring, weight, rng
            )
            score = self._validation_scorer(
                loss, targets.y_for_scoring[held_out], weight[held_out]
            )
            validation = Validation(X[held_out], score)
            X, Y, weight = X[train_rows], Y[train_rows], weight[train_rows]
        if not np.any(weight > 0):
            raise ValueError(
                "The training samples all have zero sample_weight; at least one must "
                "be positive."
            )
        # The weights are set relative to the training state's scale later.
        return TrainingData(X, Y, None), weight, validation

    def _auto_optimizer(self, components, X, partial: bool):
        """What ``optimizer="auto"`` stands for on this data.

        A full-batch solver where the loss is smooth and ``X`` is small enough
        for full passes to win: ``lbfgs`` for a smooth penalty (up to
        ``AUTO_LBFGS_MAX_ENTRIES`` stored entries of ``X``), ``fista`` for L1
        and elastic net (up to ``AUTO_FISTA_MAX_ENTRIES``). Mini-batch
        ``adam`` otherwise: always in ``partial_fit`` and with early
        stopping, and wherever a mini-batch setting is asked for
        (``learning_rate``, ``batch_size`` or ``schedule`` not at its
        default, or ``dropout``), which a full-batch solver would ignore
        (docs/optimizers.md); and for every network (hidden layers), whose
        non-convex objective took lbfgs 2-10 times longer than Adam to a
        similar score (docs/benchmarks.md).
        """
        entries = X.nnz if hasattr(X, "nnz") else X.shape[0] * X.shape[1]
        smooth_penalty = components.penalty.is_smooth
        limit = AUTO_LBFGS_MAX_ENTRIES if smooth_penalty else AUTO_FISTA_MAX_ENTRIES
        mini_batch_asked = (
            self.learning_rate != "auto"
            or self.batch_size != "auto"
            or type(components.schedule) is not schedules.Constant
            or (self.dropout and isinstance(components.model, NeuralNetwork))
        )
        if (
            partial
            or isinstance(components.model, NeuralNetwork)
            or self.early_stopping
            or mini_batch_asked
            or not components.loss.is_smooth
            or entries > limit
        ):
            return optimizers.Adam()
        return optimizers.LBFGS() if smooth_penalty else optimizers.FISTA()

    def _make_model(self):
        """The model this estimator trains, from validated parameters: the
        linear model without hidden layers, else a :class:`NeuralNetwork`."""
        sizes = _check_hidden_layer_sizes(self.hidden_layer_sizes)
        # Validated whatever the model, so that a bad value fails every
        # candidate of a search, not only those with hidden layers; copies,
        # so that set_params on the estimator never changes a fitted network.
        layer_activations = copy.deepcopy(self._activations(sizes))
        init = copy.deepcopy(self._component("init", self.init))
        if not sizes:
            return LinearModel(self.fit_intercept)
        return NeuralNetwork(
            sizes,
            layer_activations,
            [init or initializers.auto_initializer(a) for a in layer_activations],
            float(self.dropout),
            self.fit_intercept,
        )

    def _activations(self, sizes: tuple[int, ...]) -> list:
        """One validated activation per hidden layer of ``sizes``."""
        value = self.activation
        if not isinstance(value, (list, tuple)):
            return [self._component("activation", value)] * len(sizes)
        if sizes and len(value) != len(sizes):
            raise ValueError(
                f"activation has {len(value)} entries but hidden_layer_sizes="
                f"{sizes} has {len(sizes)} layers; give one activation for all "
                "layers, or one per layer."
            )
        return [self._component("activation", each) for each in value]

    def _initial_state(self, model, loss, data, weight, rng, partial) -> TrainingState:
        """Where a new fit starts: the previous solution with ``warm_start``,
        else the model's initial parameters at the loss's best constant."""
        n_features, n_outputs, dtype = data.X.shape[1], data.Y.shape[1], data.Y.dtype
        bias = np.zeros(n_outputs, dtype=dtype)
        if self.fit_intercept:
            bias = loss.constant(data.Y, weight)
        params = model.init(n_features, n_outputs, bias, rng, dtype)
        if self.warm_start:
            warm = model.params_from(vars(self), dtype)
            if warm is not None and [p.shape for p in warm] == [
                p.shape for p in params
            ]:
                params = warm
        batch_size = self._resolved_batch_size(data.X.shape[0], partial)
        return TrainingState(
            model,
            params,
            output_scale=loss.output_scale(data.Y, weight),
            n_steps=int(self.max_iter) * math.ceil(data.X.shape[0] / batch_size),
            weight_scale=float(np.mean(weight)),
        )

    def _continued_state(self, model, previous: TrainingState) -> TrainingState:
        """A copy of the previous call's state, which this call trains; a
        model described otherwise (:func:`_describe_model`) raises."""
        if _describe_model(model) != _describe_model(previous.model):
            raise ValueError(
                f"{_describe_model(model)} differs from the "
                f"{_describe_model(previous.model)} of the model partial_fit "
                "continues; call fit to train the new one."
            )
        return previous.copy()

    def _make_solver(self, components, state, n_train: int, partial: bool):
        """The solver for the optimizer: full batch or mini-batch."""
        optimizer = components.optimizer
        if isinstance(optimizer, optimizers.FullBatchOptimizer):
            return FullBatchSolver(optimizer)
        lr_unit = 1.0
        if self.learning_rate == "auto":
            learning_rate = float(optimizer.default_learning_rate)
            # Adam-like steps move each weight by about the step size, and the
            # weights to reach grow with the spread of their output: in y's
            # units, the default step gives the same fit whatever those are.
            if optimizer.scale_free:
                lr_unit = _parameter_units(state)
                learning_rate *= float(np.sqrt(np.mean(np.square(lr_unit))))
        else:
            learning_rate = float(self.learning_rate)
        return MiniBatchSolver(
            optimizer,
            schedule=components.schedule,
            learning_rate=learning_rate,
            lr_unit=lr_unit,
            batch_size=self._resolved_batch_size(n_train, partial),
            n_iter_no_change=int(self.n_iter_no_change),
            shuffle=bool(self.shuffle),
        )

    def _resolved_batch_size(self, n_samples: int, partial: bool) -> int:
        """``batch_size`` in samples: ``"auto"`` is ``min(256, n_samples)`` in
        ``fit`` and ``min(256, max(1, n_samples // 16))`` in ``partial_fit``,
        whose call is one pass over a chunk that may be small: some sixteen
        updates per chunk let a stream of 100-row chunks learn as fast as
        per-sample SGD (docs/benchmarks.md)."""
        if self.batch_size is None:
            return n_samples
        if isinstance(self.batch_size, str):  # "auto"
            if partial:
                return min(AUTO_BATCH_SIZE, max(1, n_samples // 16))
            return min(AUTO_BATCH_SIZE, n_samples)
        return min(int(self.batch_size), n_samples)

    def _validation_split(self, y, sample_weight, rng):
        indices = np.arange(len(y))
        try:
            train, held_out = train_test_split(
                indices,
                test_size=self.validation_fraction,
                random_state=rng.state,
                stratify=y if self._is_classifier and y.ndim == 1 else None,
            )
        except ValueError as error:  # e.g. fewer held-out samples than classes
            raise ValueError(
                f"early_stopping=True cannot hold out validation_fraction="
                f"{self.validation_fraction} of {len(y)} samples: "
                f"{str(error).rstrip('.')}. Increase "
                "validation_fraction, pass more samples, or use "
                "early_stopping=False."
            ) from error
        if len(held_out) < 2:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} leaves "
                f"{len(held_out)} sample(s) for early stopping; increase it or "
                "pass more samples."
            )
        if not np.any(sample_weight[held_out] > 0):
            raise ValueError(
                f"early_stopping=True held out {len(held_out)} samples "
                f"(validation_fraction={self.validation_fraction}) whose "
                "sample_weight is all zero, so no validation score can be "
                "computed. Give them positive weights, change random_state or "
                "validation_fraction, or use early_stopping=False."
            )
        return np.sort(train), np.sort(held_out)

    def _fitted_attributes(self, state: TrainingState, targets: Targets) -> dict:
        """The fitted attributes of a trained state."""
        fitted = self._coef_attributes(state.model.attributes(state.params), targets)
        # A fit of the other kind of model leaves no attributes of this one.
        for name in ("coef_", "intercept_", "coefs_", "intercepts_", "n_layers_"):
            fitted.setdefault(name, _ABSENT)
        validation_scores, best_score = None, None
        if self.early_stopping:
            validation_scores = state.validation_scores.array()
            best_score = state.best_validation_score
        return {
            **fitted,
            "n_iter_": state.n_iter,
            "t_": state.t,
            "loss_curve_": state.loss_curve.array(),
            "learning_rate_curve_": state.learning_rate_curve.array(),
            "gradient_norms_": state.gradient_norm_array(),
            "validation_scores_": validation_scores,
            "best_validation_score_": best_score,
            "_training_state": state,
        }

    # ------------------------------------------------------------------
    # Sparse coefficients (scikit-learn's linear models' SparseCoefMixin)

    @available_if(lambda estimator: _is_linear(estimator))
    def sparsify(self):
        """Store ``coef_`` as a ``scipy.sparse`` CSR matrix.

        Worth it when most weights are exactly zero (``penalty="l1"``): the
        matrix then takes less memory. ``predict`` works on either form; call
        :meth:`densify` before training further.

        Returns
        -------
        self : object
        """
        check_is_fitted(self)
        if not sp.issparse(self.coef_):
            self.coef_ = sp.csr_matrix(np.atleast_2d(self.coef_))
        return self

    @available_if(lambda estimator: _is_linear(estimator))
    def densify(self):
        """Store ``coef_`` as a numpy array again (the default after ``fit``),
        of the shape ``fit`` gives it.

        Returns
        -------
        self : object
        """
        check_is_fitted(self)
        if sp.issparse(self.coef_):
            dense = self.coef_.toarray()
            self.coef_ = dense[0] if getattr(self, "_single_output", False) else dense
        return self

    # ------------------------------------------------------------------
    # Prediction

    def _raw_output(self, X) -> np.ndarray:
        """Raw model outputs of shape (n_samples, n_outputs)."""
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse="csr", dtype=[np.float64, np.float32], reset=False
        )
        state = self._training_state
        params = state.model.params_from(vars(self), state.params[0].dtype)
        return state.model.forward(params, X)[0]


# Frames in these packages are skipped by a warning's stacklevel.
_LIBRARY_DIRS = tuple(
    os.path.dirname(os.path.abspath(module.__file__)) + os.sep
    for module in (sys.modules[__package__], sys.modules["sklearn"], joblib)
)


def _why_it_stopped(report, partial: bool, tol, early_stopping: bool, solver,
                    callbacks) -> str:
    """Why a run ended, in the words of ``verbose``'s summary."""
    if callbacks.stopped:
        return "a callback stopped it"
    if partial:
        return "one pass over the chunk (partial_fit)"
    if report.converged and isinstance(solver, FullBatchSolver):
        name = type(solver.optimizer).__name__
        return f"converged ({name}'s gradient below tol={tol})"
    if report.converged:
        watched = "held-out score" if early_stopping else "objective"
        return f"converged (the {watched} stopped improving by tol={tol})"
    if tol is None:
        return "ran max_iter epochs (tol=None)"
    return "reached max_iter before converging"


def _user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first frame outside
    this package and scikit-learn: the user's line that called ``fit``,
    directly or through a Pipeline or a search."""
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(
        _LIBRARY_DIRS
    ):
        frame, level = frame.f_back, level + 1
    return level


def _start_params(model, params: list, start: dict) -> list:
    """``params`` with the fitted-attribute-shaped arrays of ``start`` (the
    ``*_init`` arguments of ``fit``) in place of theirs."""
    if not model.fit_intercept and {"intercept_", "intercepts_"} & set(start):
        # The output bias is fixed at 0: a value given for it would be lost.
        if "intercept_" in start or np.any(start["intercepts_"][-1]):
            raise ValueError(
                "intercept_init (or intercepts_init's output bias) cannot start a "
                "model with fit_intercept=False, whose output intercept is fixed "
                "at 0. Use fit_intercept=True, or leave it out."
            )
    attributes = model.attributes(params)
    unknown = sorted(set(start) - set(attributes))
    if unknown:
        names = [_init_name(name) for name in unknown]
        wanted = [_init_name(name) for name in attributes if name != "n_layers_"]
        raise ValueError(
            f"{', '.join(names)} cannot start this model: "
            f"{'a network' if 'coefs_' in attributes else 'the linear model'} "
            f"starts from {' and '.join(wanted)}."
        )
    attributes.update(start)
    dtype = params[0].dtype
    try:
        new = model.params_from(attributes, dtype)
    except (TypeError, ValueError) as error:
        raise ValueError(f"Cannot start from {sorted(start)}: {error}") from error
    if [p.shape for p in new] != [p.shape for p in params]:
        current = model.attributes(params)
        expected = {_init_name(name): _shapes(current[name]) for name in start}
        given = {_init_name(name): _shapes(value) for name, value in start.items()}
        raise ValueError(
            f"The *_init arguments of fit have shapes {given}; this model "
            f"needs {expected}."
        )
    if not all(np.isfinite(p).all() for p in new):
        raise ValueError("The *_init arguments of fit must be finite.")
    return new


def _describe_model(model) -> str:
    """The settings that make a model what it is, for ``partial_fit`` to
    compare (the initializer only decides where a fit starts)."""
    description = f"fit_intercept={model.fit_intercept}"
    if isinstance(model, NeuralNetwork):
        names = [repr(activation) for activation in model.activations]
        description += (
            f", hidden_layer_sizes={model.hidden_layer_sizes}, "
            f"activation=[{', '.join(names)}], dropout={model.dropout}"
        )
    else:
        description += ", hidden_layer_sizes=()"
    return description


def _is_linear(estimator) -> bool:
    """``available_if`` check of ``sparsify``/``densify``: the linear model's
    ``coef_`` only (a network's weights are ``coefs_``)."""
    if _check_hidden_layer_sizes(estimator.hidden_layer_sizes):
        raise AttributeError(
            "sparsify and densify act on coef_, which a network "
            f"(hidden_layer_sizes={tuple(estimator.hidden_layer_sizes)}) does not "
            "have: its weights are in coefs_."
        )
    return True


def _init_name(attribute: str) -> str:
    """``coef_`` -> ``coef_init``: the argument of ``fit`` that sets it."""
    return attribute[:-1] + "_init"


def _shapes(value):
    if isinstance(value, list):
        return [np.shape(item) for item in value]
    return np.shape(value)


def _check_hidden_layer_sizes(value) -> tuple[int, ...]:
    """``hidden_layer_sizes`` as a tuple of positive ints, or a ValueError."""
    sizes = (value,) if isinstance(value, Integral) else value
    if (
        isinstance(sizes, (list, tuple, np.ndarray))
        and all(
            isinstance(size, Integral) and not isinstance(size, bool) and size >= 1
            for size in sizes
        )
        and not isinstance(value, bool)
    ):
        return tuple(int(size) for size in sizes)
    raise ValueError(
        "hidden_layer_sizes must be a tuple of positive ints, one per hidden layer "
        f"(e.g. (100,) or (64, 32); () for the linear model). Got {value!r}."
    )


def _parameter_units(state: TrainingState) -> float | np.ndarray:
    """Per coordinate of the flat parameters, the spread of the output it
    moves (the model's ``output_units``: a network's hidden parameters have
    none); a scalar where every coordinate has the same."""
    scale = np.asarray(state.output_scale, dtype=float)
    units = state.model.output_units(state.params, scale)
    flat = np.concatenate([np.ravel(unit) for unit in units])
    if np.all(flat == flat[0]):
        return float(flat[0])
    return flat


def names_full_batch_optimizer(optimizer) -> bool:
    """Whether an ``optimizer`` parameter (a string or an object, unvalidated)
    is a full-batch optimizer (``lbfgs``, ``fista``)."""
    if isinstance(optimizer, str):
        factory = optimizers.OPTIMIZERS.get(optimizer)
        optimizer = factory() if factory is not None else None
    return isinstance(optimizer, optimizers.FullBatchOptimizer)


def has_incremental_optimizer(estimator) -> bool:
    """``available_if`` check for ``partial_fit``: a full-batch solver (lbfgs)
    cannot train on one batch at a time (as ``MLPClassifier`` with lbfgs), and
    a chunk has nothing held out for ``early_stopping`` (SGD and MLP raise)."""
    if estimator.early_stopping:
        raise AttributeError(
            "partial_fit is not available with early_stopping=True: each call "
            "trains one pass over the chunk it is given, with nothing held out to "
            "score. Set early_stopping=False for partial_fit, or score held-out "
            "chunks yourself."
        )
    if names_full_batch_optimizer(estimator.optimizer):
        raise AttributeError(
            f"partial_fit is only available for incremental optimizers; "
            f"optimizer={estimator.optimizer!r} solves the full problem at once. "
            "Use fit, or an optimizer such as 'sgd' or 'adam'."
        )
    return True


def _check_sample_weight(sample_weight, n_samples: int, dtype) -> np.ndarray:
    """Sample weights as a fresh array of ``dtype``: ones if None, else checked
    (in float64); weights beyond 1e30 or below 1e-30 (whose sums may overflow,
    or which float32 cannot hold) are divided by their maximum, since ``J``
    does not depend on their scale."""
    if sample_weight is None:
        return np.ones(n_samples, dtype=dtype)
    if isinstance(sample_weight, Real):
        # Checked as the array it stands for (NaN, inf, negative).
        sample_weight = np.full(n_samples, sample_weight, dtype=float)
    sample_weight = check_array(
        sample_weight, ensure_2d=False, dtype=np.float64, input_name="sample_weight"
    )
    if sample_weight.ndim != 1 or sample_weight.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight.shape == {sample_weight.shape}, expected ({n_samples},)."
        )
    if np.any(sample_weight < 0):
        raise ValueError("Negative values in sample_weight are not allowed.")
    if not np.any(sample_weight > 0):
        raise ValueError("Sample weights must contain at least one non-zero number.")
    positive = sample_weight[sample_weight > 0]
    if positive.max() > 1e30 or positive.min() < 1e-30:
        # Sums of such weights may overflow, and float32 cannot hold them.
        sample_weight = sample_weight / positive.max()
    return np.array(sample_weight, dtype=dtype)
