"""What both estimators share: parameters, validation, fit and partial_fit.

The estimators translate scikit-learn's world (input validation, label encoding,
fitted attributes) into the engine's (arrays and components) and back. All the
numerical work happens in :mod:`sklearn_gd._engine`.
"""

from __future__ import annotations

import copy
import dataclasses
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_array, check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from . import losses, optimizers, penalties, schedules
from ._component import resolve_component
from ._engine import (
    TrainingSetup,
    TrainingState,
    Validation,
    baseline_loss,
    batch_objective,
    flat_copy,
    objective_worse_than_constant,
    run_epochs,
    run_full_batch,
    steps_per_epoch,
)
from ._model import LinearModel
from .validation import Boolean, InstanceOf, Interval, Options, check_params

AUTO_BATCH_SIZE = 256


class BaseGD(BaseEstimator):
    """Shared implementation of :class:`GDRegressor` and :class:`GDClassifier`.

    Subclasses set ``_loss_base`` and ``_loss_shorthands`` and implement the
    target-specific hooks: ``_prepare_targets``, ``_validation_scorer`` and
    ``_set_coef``.
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, None, "left")],
        "l1_ratio": [Interval(Real, 0, 1, "both")],
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
    }
    _loss_base: type = losses.Loss
    _loss_shorthands: dict = {}

    # ------------------------------------------------------------------
    # Parameters and components

    def _component_kinds(self) -> dict[str, tuple[type, dict]]:
        """Each component parameter's base class and string shorthands."""
        penalty_shorthands = {
            **penalties.PENALTIES,
            "elasticnet": lambda: penalties.ElasticNet(l1_ratio=self.l1_ratio),
            # Handled apart; listed so that the error message names it as allowed.
            None: penalties.NoPenalty,
        }
        return {
            "loss": (self._loss_base, self._loss_shorthands),
            "penalty": (penalties.Penalty, penalty_shorthands),
            "optimizer": (optimizers.Optimizer, optimizers.OPTIMIZERS),
            "schedule": (schedules.Schedule, schedules.SCHEDULES),
        }

    def _component(self, name: str, value):
        """The validated component object for ``value`` of parameter ``name``."""
        if name == "penalty" and value is None:
            return penalties.NoPenalty()
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
        ``GridSearchCV(GDRegressor(), {"optimizer__beta1": [0.8, 0.9]})`` works
        with the default ``optimizer="adam"``.

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
            if value is None:
                keys = sorted(key for key in params if key.startswith(f"{name}__"))
                raise ValueError(
                    f"Cannot set {keys}: {name}=None has no parameters; set "
                    f"{name} to a component first (e.g. penalty='elasticnet')."
                )
            if isinstance(value, str):
                params[name] = self._component(name, value)
        return super().set_params(**params)

    def _resolve_components(self) -> dict:
        """Validate every parameter and return the component objects to use."""
        owner = type(self).__name__
        check_params(owner, self.get_params(deep=False), self._parameter_constraints)
        loss, penalty, optimizer, schedule = (
            self._component(name, getattr(self, name))
            for name in ("loss", "penalty", "optimizer", "schedule")
        )
        if optimizer.full_batch:
            for name, component in (("penalty", penalty), ("loss", loss)):
                if not component.is_smooth:
                    raise ValueError(
                        f"optimizer={self.optimizer!r} needs a smooth objective, but "
                        f"{name}={getattr(self, name)!r} is not differentiable "
                        "everywhere. Use a first-order optimizer such as 'sgd' or "
                        "'adam' (which handle an l1/elasticnet penalty by a proximal "
                        "step), or a smooth " + name + "."
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
        return {
            "loss": loss,
            "penalty": penalty,
            "optimizer": optimizer,
            "schedule": schedule,
        }

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

    def fit(self, X, y, sample_weight=None):
        """Fit the model by gradient descent.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; CSR is used as is, other sparse formats are converted.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets (class labels for the classifier).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights ``s_i`` of the objective's weighted mean loss.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, classes=None, partial=False)

    def _fit(self, X, y, sample_weight, *, classes, partial: bool):
        # Validation and target preparation set attributes (n_features_in_,
        # classes_, the fitted loss) before training can fail; a failed call
        # must leave a fitted estimator as it was, so restore them on any error.
        attributes = dict(self.__dict__)
        try:
            return self._fit_or_raise(
                X, y, sample_weight, classes=classes, partial=partial
            )
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(attributes)
            raise

    def _fit_or_raise(self, X, y, sample_weight, *, classes, partial: bool):
        components = self._resolve_components()
        continuing = partial and hasattr(self, "_training_state")
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            multi_output=self._multi_output,
            y_numeric=not self._is_classifier,
            reset=not continuing,
        )
        sample_weight = _check_sample_weight(sample_weight, X.shape[0], X.dtype)
        Y, sample_weight, y_for_scoring = self._prepare_targets(
            y, sample_weight, components["loss"], classes=classes, partial=partial
        )
        rng = check_random_state(self.random_state)
        validation = None
        train = slice(None)
        if self.early_stopping and not partial:
            train, held_out = self._validation_split(y_for_scoring, rng)
            validation = Validation(
                X[held_out],
                self._validation_scorer(
                    components["loss"], y_for_scoring[held_out], sample_weight[held_out]
                ),
            )
        if validation is None:
            # Indexing a CSR matrix with slice(None) would copy all of it.
            X_train, Y_train, w_train = X, Y, sample_weight
        else:
            X_train, Y_train, w_train = X[train], Y[train], sample_weight[train]
        if w_train.sum() <= 0:
            raise ValueError(
                "The training samples all have zero sample_weight; at least one must "
                "be positive."
            )

        n_train = X_train.shape[0]
        batch_size = self._resolved_batch_size(n_train)
        model = LinearModel(self.fit_intercept)
        setup = TrainingSetup(
            model=model,
            loss=components["loss"],
            penalty=components["penalty"],
            alpha=float(self.alpha),
            optimizer=components["optimizer"],
            schedule=components["schedule"],
            learning_rate=self._resolved_learning_rate(components["optimizer"]),
            batch_size=batch_size,
            max_iter=int(self.max_iter),
            tol=None if self.tol is None else float(self.tol),
            n_iter_no_change=int(self.n_iter_no_change),
            shuffle=bool(self.shuffle),
            verbose=int(self.verbose),
        )
        optimizer_config = (type(setup.optimizer), setup.optimizer.get_params())

        def training_objective(params) -> float:
            """The exact objective J on the training samples."""
            relative_weight = w_train / w_train.mean()
            return batch_objective(setup, params, X_train, Y_train, relative_weight)

        if continuing:
            # Train a copy: the stored state is replaced only if the call succeeds.
            state = _copy_training_state(self._training_state)
            if len(state.params) != len(model.penalized):
                raise ValueError(
                    f"fit_intercept={self.fit_intercept} differs from the "
                    f"fit_intercept={not self.fit_intercept} of the model "
                    "partial_fit continues; call fit to train the new one."
                )
            if not _same_optimizer_config(state.optimizer_config, optimizer_config):
                # Another optimizer's moments (or a momentum of 0 turned on)
                # mean nothing to this one: restart its state, as warm_start
                # does. The spread of y stays the first call's.
                state.optimizer_state = setup.optimizer.init([flat_copy(state.params)])
                state.optimizer_config = optimizer_config
        else:
            constant = self._best_constant(setup.loss, Y_train, w_train)
            params = self._initial_params(model, constant, X.shape[1], X.dtype)
            baseline = baseline_loss(setup.loss, Y_train, w_train, constant)
            zero = baseline_loss(setup.loss, Y_train, w_train, np.zeros_like(constant))
            # A warm start may begin far above both (refitting on y / 1000):
            # ending near where it began is slow progress, not divergence.
            start = training_objective(params) if self.warm_start else baseline
            state = TrainingState(
                params,
                # The engine hands the optimizer one flat parameter vector.
                setup.optimizer.init([flat_copy(params)]),
                baseline_loss=baseline,
                divergence_scale=max(baseline, zero, start),
                output_scale=setup.loss.output_scale(Y_train, w_train),
                n_steps=setup.max_iter * steps_per_epoch(n_train, batch_size),
                optimizer_config=optimizer_config,
            )
        if self.learning_rate == "auto" and setup.optimizer.scale_free:
            # Adam-like steps move each weight by about the step size, and the
            # weights to reach grow with the spread of y: in y's units, the
            # default step gives the same fit whatever those units are.
            setup.step_scale = state.output_scale
            setup.learning_rate *= setup.step_scale

        if setup.optimizer.full_batch:
            run_full_batch(setup, state, X_train, Y_train, w_train)
        else:
            run_epochs(
                setup,
                state,
                X_train,
                Y_train,
                w_train,
                rng,
                n_epochs=1 if partial else setup.max_iter,
                n_steps=state.n_steps,
                validation=validation,
                stop_on_plateau=not partial,
            )
        if validation is not None and state.best_params is not None:
            state.params = [param.copy() for param in state.best_params]
        worse = None
        if not partial and validation is None:
            worse = objective_worse_than_constant(
                state, lambda: training_objective(state.params)
            )
        if worse is not None:
            warnings.warn(
                f"{type(self).__name__} ended with an objective of "
                f"{worse:.3g}, above the {state.baseline_loss:.3g} "
                "of the best constant model (zero weights): training made the "
                "fit worse. The step is too large for the scale of the problem; "
                "try a smaller learning_rate, optimizer='sgd' (steps proportional "
                "to the gradient) or 'lbfgs' (smooth losses), or scaling X and y.",
                ConvergenceWarning,
                stacklevel=3,
            )
        elif not partial and not state.converged and self.tol is not None:
            if setup.optimizer.full_batch:
                message = (
                    f"{type(self).__name__} stopped after {state.n_iter} lbfgs "
                    f"iterations (max_iter={self.max_iter}) with the gradient still "
                    f"above tol ({self.tol}, relative where the best constant's "
                    "objective is below 1); scale X (e.g. StandardScaler in a "
                    "Pipeline) or increase max_iter."
                )
            else:
                message = (
                    f"{type(self).__name__} reached max_iter={self.max_iter} before "
                    f"the objective stopped improving by tol={self.tol} (relative "
                    "where the best constant's objective is below 1); consider "
                    "increasing max_iter or learning_rate."
                )
            warnings.warn(message, ConvergenceWarning, stacklevel=3)
        self._set_fitted_attributes(model, state)
        return self

    def _resolved_learning_rate(self, optimizer) -> float:
        if self.learning_rate == "auto":
            return float(optimizer.default_learning_rate)
        return float(self.learning_rate)

    def _resolved_batch_size(self, n_samples: int) -> int:
        if self.batch_size is None:
            return n_samples
        if isinstance(self.batch_size, str):  # "auto"
            return min(AUTO_BATCH_SIZE, n_samples)
        return min(int(self.batch_size), n_samples)

    def _initial_params(self, model, constant, n_features, dtype):
        """Warm start from the previous fit, or zero weights and ``constant``."""
        if self.warm_start and hasattr(self, "coef_"):
            params = model.from_attributes(self.coef_, self.intercept_, dtype)
            if params[0].shape == (n_features, len(constant)):
                return params
        return model.init_params(n_features, constant, dtype)

    def _best_constant(self, loss, Y, sample_weight) -> np.ndarray:
        """The intercept that training starts from (zero without an intercept)."""
        if self.fit_intercept:
            return loss.constant(Y, sample_weight)
        return np.zeros(Y.shape[1], dtype=Y.dtype)

    def _validation_split(self, y, rng):
        indices = np.arange(len(y))
        try:
            train, held_out = train_test_split(
                indices,
                test_size=self.validation_fraction,
                random_state=rng,
                stratify=y if self._is_classifier else None,
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
        return np.sort(train), np.sort(held_out)

    def _set_fitted_attributes(self, model, state: TrainingState) -> None:
        coef, intercept = model.to_attributes(state.params)
        # Copies: coef_ must not be a view of arrays that training updates.
        self._set_coef(coef.copy(), intercept)
        self.n_iter_ = state.n_iter
        self.t_ = state.t
        self.loss_curve_ = np.asarray(state.loss_curve)
        self.learning_rate_curve_ = np.asarray(state.learning_rate_curve)
        if self.early_stopping:
            # partial_fit holds nothing out: its epochs have no score (NaN).
            scores = np.full(state.n_iter, np.nan)
            scores[: len(state.validation_scores)] = state.validation_scores
            self.validation_scores_ = scores
            self.best_validation_score_ = (
                state.best_validation_score if state.validation_scores else None
            )
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
        self._training_state = state

    # ------------------------------------------------------------------
    # Prediction

    def _raw_output(self, X) -> np.ndarray:
        """Raw model outputs of shape (n_samples, n_outputs)."""
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse="csr", dtype=[np.float64, np.float32], reset=False
        )
        model = LinearModel(fit_intercept=True)
        params = model.from_attributes(self.coef_, self.intercept_, self.coef_.dtype)
        return model.forward(params, X)


def has_incremental_optimizer(estimator) -> bool:
    """``available_if`` check for ``partial_fit``: a full-batch solver (lbfgs)
    cannot train on one batch at a time (as ``MLPClassifier`` with lbfgs)."""
    optimizer = estimator.optimizer
    if isinstance(optimizer, str):
        factory = optimizers.OPTIMIZERS.get(optimizer)
        optimizer = factory() if factory is not None else None
    if getattr(optimizer, "full_batch", False):
        raise AttributeError(
            f"partial_fit is only available for incremental optimizers; "
            f"optimizer={estimator.optimizer!r} solves the full problem at once. "
            "Use fit, or an optimizer such as 'sgd' or 'adam'."
        )
    return True


def _same_optimizer_config(stored, current) -> bool:
    """Whether two ``(class, get_params())`` pairs describe the same optimizer;
    parameters may be arrays, which ``==`` on dicts cannot compare."""
    if stored is None or stored[0] is not current[0]:
        return False
    stored_params, current_params = stored[1], current[1]
    return stored_params.keys() == current_params.keys() and all(
        np.array_equal(stored_params[key], current_params[key])
        for key in stored_params
    )


def _copy_training_state(state: TrainingState) -> TrainingState:
    """A copy of ``state`` that training can update without touching ``state``."""
    return dataclasses.replace(
        state,
        params=[param.copy() for param in state.params],
        optimizer_state=copy.deepcopy(state.optimizer_state),
        loss_curve=list(state.loss_curve),
        learning_rate_curve=list(state.learning_rate_curve),
        validation_scores=list(state.validation_scores),
    )


def _check_sample_weight(sample_weight, n_samples: int, dtype) -> np.ndarray:
    """Sample weights as a fresh array: ones if None, else checked."""
    if sample_weight is None:
        return np.ones(n_samples, dtype=dtype)
    if isinstance(sample_weight, Real):
        # Checked as the array it stands for (NaN, inf, negative).
        sample_weight = np.full(n_samples, sample_weight, dtype=dtype)
    sample_weight = check_array(
        sample_weight, ensure_2d=False, dtype=dtype, input_name="sample_weight"
    )
    if sample_weight.ndim != 1 or sample_weight.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight.shape == {sample_weight.shape}, expected ({n_samples},)."
        )
    if np.any(sample_weight < 0):
        raise ValueError("Negative values in sample_weight are not allowed.")
    if not np.any(sample_weight > 0):
        raise ValueError("Sample weights must contain at least one non-zero number.")
    return np.array(sample_weight, dtype=dtype)
