"""What every component (loss, optimizer, penalty, schedule) shares."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sklearn.base import BaseEstimator

from ._doc_link import DocLinkMixin
from .validation import InvalidParameterError, check_params, declared_params


class Component(DocLinkMixin, BaseEstimator):
    """Base of all components: a small, stateless configuration object.

    A component stores its ``__init__`` arguments unchanged and nothing else, so
    ``get_params``/``set_params``, ``clone`` and nested grid search
    (``optimizer__beta1``) work as for any scikit-learn estimator. Training state
    (optimizer moments, step counters) never lives on a component: it lives in the
    fitted estimator.

    Subclasses declare their parameters' allowed values in
    ``_parameter_constraints`` (see :mod:`sklearn_gd.validation`); they are checked
    by :meth:`validate` when an estimator is fitted, not in ``__init__``.
    """

    _parameter_constraints: dict = {}

    def validate(self) -> None:
        """Check the parameters against ``_parameter_constraints``.

        Raises
        ------
        InvalidParameterError
            Naming the parameter, its value and what is allowed.
        """
        check_params(
            type(self).__name__,
            declared_params(self, self._parameter_constraints),
            self._parameter_constraints,
        )


def resolve_component(
    value: Any,
    *,
    name: str,
    owner: str,
    base: type | tuple[type, ...],
    shorthands: Mapping[str, Callable[[], Any]],
) -> Any:
    """Turn a string shorthand or a component object into a validated component.

    Parameters
    ----------
    value : str or component
        What the user passed.
    name : str
        The estimator parameter, e.g. ``"optimizer"``, for the error message.
    owner : str
        The estimator's class name, for the error message.
    base : type or tuple of type
        The component base class(es) the object must be an instance of.
    shorthands : mapping
        String to a factory returning a default-configured component.

    Returns
    -------
    component
        ``value`` itself if it is an object (it is never modified), otherwise the
        object the shorthand stands for.
    """
    if isinstance(value, str) and value in shorthands:
        component = shorthands[value]()
    elif isinstance(value, base):
        component = value
    else:
        allowed = ", ".join(repr(key) for key in shorthands)
        bases = " or ".join(
            f"{cls.__module__}.{cls.__name__}"
            for cls in (base if isinstance(base, tuple) else (base,))
        )
        raise InvalidParameterError(
            f"The {name!r} parameter of {owner} must be one of {{{allowed}}} or an "
            f"instance of {bases}. Got {value!r} instead."
        )
    component.validate()
    return component
