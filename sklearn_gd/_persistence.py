"""A fitted estimator's state as plain data, for safe persistence (skops).

``skops.io`` loads only the types a user trusts. A fitted estimator whose
state held the engine's objects (``TrainingState``, the model, the loss and
optimizer classes) needed all of them trusted. ``PlainStateMixin`` (a base of
both estimators) therefore replaces them in ``__getstate__`` with arrays,
numbers, strings, lists and dicts, and ``__setstate__`` rebuilds them:

- a component of this library (loss, optimizer, activation, ...) becomes
  ``{"component": class name, "params": its parameters}`` and is rebuilt
  from the classes this library defines, never from an arbitrary import; a
  component class a user wrote is kept as the object, which skops then lists
  for the user to trust;
- the training state keeps what ``partial_fit`` continues from (scales,
  counters, cumulative L1 totals). Its parameters and curves are rebuilt
  from the fitted ``coef_`` (or ``coefs_``), ``loss_curve_`` and others,
  which are already stored. The
  optimizer's moments are not kept: a loaded model continues with a fresh
  optimizer state, as ``warm_start`` does.
"""

from __future__ import annotations

import copy
import inspect
import json
import math

import numpy as np

from . import activations, initializers, losses, optimizers, penalties, schedules
from ._engine import Curve, TrainingState
from ._model import LinearModel, NeuralNetwork

# Starts the JSON string of a component: no parameter value begins so.
JSON_MARK = "sklearn_gd-component:"

# Every component class of this library, by name: the only classes a plain
# state may name.
COMPONENT_CLASSES = {
    cls.__name__: cls
    for module in (activations, initializers, losses, optimizers, penalties, schedules)
    for cls in vars(module).values()
    if isinstance(cls, type) and cls.__module__ == module.__name__
}



class PlainStateMixin:
    """Pickling (and skops) through plain data; copies keep everything.

    ``__getstate__`` replaces the training state, the fitted loss and
    ``optimizer_`` with plain data (this module's functions) and
    ``__setstate__`` rebuilds them. ``copy`` and ``deepcopy`` bypass both and
    keep the fitted state as it is, the optimizer's moments included.
    """

    def __copy__(self):
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        return new

    def __deepcopy__(self, memo):
        new = type(self).__new__(type(self))
        memo[id(self)] = new
        new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return new

    def __getstate__(self):
        state = dict(super().__getstate__())
        if isinstance(state.get("_training_state"), TrainingState):
            state["_training_state"] = state_to_plain(state["_training_state"])
        for name in ("_fitted_loss", "optimizer_"):
            if name in state:
                state[name] = component_to_json(state[name])
        return state

    def __setstate__(self, state):
        state = dict(state)
        if isinstance(state.get("_training_state"), dict):
            state["_training_state"] = state_from_plain(
                state["_training_state"], state
            )
        for name in ("_fitted_loss", "optimizer_"):
            if name in state:
                state[name] = component_from_plain(state[name])
        super().__setstate__(state)


def component_to_plain(component):
    """``{"component": name, "params": ...}`` for a component of this library
    (its parameters converted too); any other object is returned as it is."""
    cls = type(component)
    if COMPONENT_CLASSES.get(cls.__name__) is not cls:
        return component
    signature_defaults = {
        name: parameter.default
        for name, parameter in inspect.signature(cls.__init__).parameters.items()
    }
    params = {
        name: component_to_plain(value)
        for name, value in component.get_params(deep=False).items()
        # Only what differs from the class's defaults is stored.
        if not _same(value, signature_defaults.get(name, inspect.Parameter.empty))
    }
    return {"component": cls.__name__, "params": params}


def _same(value, default) -> bool:
    try:
        return type(value) is type(default) and bool(value == default)
    except (TypeError, ValueError):  # arrays and objects compare otherwise
        return False


def component_to_json(component):
    """:func:`component_to_plain` as one JSON string where it can be (a
    single entry in a skops file), else the plain data or the object."""
    plain = component_to_plain(component)
    try:
        return JSON_MARK + json.dumps(plain)
    except TypeError:
        return plain


def component_from_plain(data):
    """The component :func:`component_to_plain` (or :func:`component_to_json`)
    described."""
    if isinstance(data, str) and data.startswith(JSON_MARK):
        data = json.loads(data[len(JSON_MARK) :])
    if not (isinstance(data, dict) and set(data) == {"component", "params"}):
        return data
    params = {
        name: component_from_plain(value) for name, value in data["params"].items()
    }
    return COMPONENT_CLASSES[data["component"]](**params)


def state_to_plain(state: TrainingState) -> dict:
    """What ``partial_fit`` continues from, as plain data: the numbers and the
    model's description in one JSON string (one entry in a skops file rather
    than one per number), and the arrays."""
    numbers = {
        "dtype": state.params[0].dtype.name,
        "n_steps": int(state.n_steps),
        "gradient_unit": _number(state.gradient_unit),
        "weight_scale": float(state.weight_scale),
        "t": int(state.t),
        "n_iter": int(state.n_iter),
        "lr_multiplier": float(state.lr_multiplier),
        "best_validation_score": _number(state.best_validation_score),
    }
    model = _model_to_plain(state.model)
    stream = model.pop("dropout_stream", None)
    try:  # a component class a user wrote is kept as the object
        numbers = json.dumps({**numbers, "model": model})
        model = None
    except TypeError:
        numbers = json.dumps(numbers)
    return {
        "numbers": numbers,
        "model": model,
        "output_scale": np.asarray(state.output_scale),
        "penalty_totals": None
        if state.penalty_totals is None
        else list(state.penalty_totals),
        "dropout_stream": stream,
    }


def state_from_plain(data: dict, attributes: dict) -> TrainingState:
    """The training state of :func:`state_to_plain`, its curves rebuilt from
    the fitted ``attributes`` (``loss_curve_``, ...)."""
    numbers = json.loads(data["numbers"])
    model_data = numbers.pop("model", None) or data["model"]
    model = _model_from_plain({**model_data, "dropout_stream": data["dropout_stream"]})
    state = TrainingState(
        model,
        # The parameters are the fitted coef_/coefs_, already stored.
        model.params_from(attributes, np.dtype(numbers["dtype"])),
        output_scale=np.asarray(data["output_scale"]),
        n_steps=int(numbers["n_steps"]),
        gradient_unit=numbers["gradient_unit"],
        weight_scale=float(numbers["weight_scale"]),
        t=int(numbers["t"]),
        n_iter=int(numbers["n_iter"]),
        lr_multiplier=float(numbers["lr_multiplier"]),
        best_validation_score=numbers["best_validation_score"],
    )
    if data["penalty_totals"] is not None:
        state.penalty_totals = tuple(np.array(a) for a in data["penalty_totals"])
    state.loss_curve = _curve(attributes["loss_curve_"])
    state.learning_rate_curve = _curve(attributes["learning_rate_curve_"])
    scores = attributes.get("validation_scores_")
    if scores is None:
        scores = np.full(state.n_iter, math.nan)
    state.validation_scores = _curve(scores)
    norms = np.asarray(attributes["gradient_norms_"])
    state.gradient_norms = [_curve(norms[:, k]) for k in range(norms.shape[1])]
    return state


def _number(value) -> float | None:
    """A float (numpy's included) as a Python float, for JSON; None stays."""
    return None if value is None else float(value)


def _curve(values) -> Curve:
    curve = Curve()
    for value in np.asarray(values, dtype=float):
        curve.append(float(value))
    return curve


def _model_to_plain(model) -> dict:
    if isinstance(model, LinearModel):
        return {"kind": "linear", "fit_intercept": model.fit_intercept}
    # A network: its components and dropout stream.
    rng = model._dropout_rng
    return {
        "kind": "network",
        "fit_intercept": model.fit_intercept,
        "hidden_layer_sizes": list(model.hidden_layer_sizes),
        "activations": [component_to_plain(a) for a in model.activations],
        "initializers": [component_to_plain(i) for i in model.initializers],
        "dropout": model.dropout,
        "dropout_stream": None if rng is None else _stream_to_plain(rng),
    }


def _model_from_plain(data: dict):
    """The model :func:`_model_to_plain` described."""
    if data["kind"] == "linear":
        return LinearModel(data["fit_intercept"])
    model = NeuralNetwork(
        tuple(data["hidden_layer_sizes"]),
        [component_from_plain(a) for a in data["activations"]],
        [component_from_plain(i) for i in data["initializers"]],
        data["dropout"],
        data["fit_intercept"],
    )
    if data["dropout_stream"] is not None:
        model._dropout_rng = _stream_from_plain(data["dropout_stream"])
    return model


def _stream_to_plain(rng: np.random.RandomState) -> list:
    name, keys, position, has_gauss, cached = rng.get_state()
    return [name, keys, int(position), int(has_gauss), float(cached)]


def _stream_from_plain(data: list) -> np.random.RandomState:
    rng = np.random.RandomState()
    rng.set_state(tuple(data))
    return rng
