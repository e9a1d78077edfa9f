"""Declared parameter constraints, checked once at ``fit``.

Every estimator and component states what each of its parameters accepts in a
class attribute ``_parameter_constraints``: a dict from parameter name to a list of
constraints, any one of which the value may satisfy. :func:`check_params` checks
them all and raises :class:`InvalidParameterError` naming the parameter, the value
and everything that is allowed.

scikit-learn has the same idea in a private module; this is our small public one, so
that a user writing a new component can declare its parameters the same way.

Examples
--------
>>> from numbers import Real
>>> from sklearn_gd.validation import Interval, check_params
>>> check_params("Adam", {"beta1": 0.9}, {"beta1": [Interval(Real, 0, 1, "left")]})
>>> check_params("Adam", {"beta1": 1.5}, {"beta1": [Interval(Real, 0, 1, "left")]})
Traceback (most recent call last):
...
sklearn_gd.validation.InvalidParameterError: The 'beta1' parameter of Adam must be \
a float in the range [0, 1). Got 1.5 instead.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np

__all__ = [
    "Boolean",
    "Constraint",
    "Interval",
    "InstanceOf",
    "InvalidParameterError",
    "Options",
    "check_params",
    "declared_params",
]


class InvalidParameterError(ValueError, TypeError):
    """A parameter has a value or type that is not allowed.

    Subclasses both ``ValueError`` and ``TypeError`` so that code catching either
    (as scikit-learn's own checks do) sees it.
    """


class Constraint:
    """One kind of value a parameter accepts."""

    def is_satisfied_by(self, value: Any) -> bool:
        """Return True if ``value`` satisfies the constraint.

        Parameters
        ----------
        value : object
            The parameter's value.

        Returns
        -------
        bool
            Whether ``value`` is one of the values the constraint accepts.
        """
        raise NotImplementedError

    def __str__(self) -> str:
        raise NotImplementedError


class Interval(Constraint):
    """A real or integer number in a range.

    Parameters
    ----------
    type : {numbers.Real, numbers.Integral}
        ``Integral`` accepts only integers; ``Real`` accepts integers and floats.
    left, right : float or None
        The bounds; ``None`` means unbounded on that side. Infinities and NaN
        never satisfy the constraint.
    closed : {"both", "left", "right", "neither"}, default="both"
        Which bounds belong to the range.
    """

    def __init__(
        self,
        type: type,
        left: float | None,
        right: float | None,
        closed: str = "both",
    ) -> None:
        self.type = type
        self.left = left
        self.right = right
        self.closed = closed

    def is_satisfied_by(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, self.type):
            return False
        # An unbounded side is open, as __str__ writes it ("[0, inf)"): no
        # parameter means anything at infinity (alpha=inf only diverged).
        if isinstance(value, Real) and not math.isfinite(value):
            return False
        left_closed = self.closed in ("both", "left")
        right_closed = self.closed in ("both", "right")
        if self.left is not None:
            if value < self.left or (value == self.left and not left_closed):
                return False
        if self.right is not None:
            if value > self.right or (value == self.right and not right_closed):
                return False
        return True

    def __str__(self) -> str:
        kind = "an int" if self.type is Integral else "a float"
        left_bracket = "[" if self.closed in ("both", "left") else "("
        right_bracket = "]" if self.closed in ("both", "right") else ")"
        left = "-inf" if self.left is None else f"{self.left:g}"
        right = "inf" if self.right is None else f"{self.right:g}"
        if self.left is None:
            left_bracket = "("
        if self.right is None:
            right_bracket = ")"
        return f"{kind} in the range {left_bracket}{left}, {right}{right_bracket}"


class Options(Constraint):
    """One of a fixed set of values (strings, ``None``, booleans).

    Parameters
    ----------
    options : iterable
        The accepted values. A value matches an option that is the same object,
        or a string equal to a string option, so that ``None``, ``True`` and
        ``False`` never match ``0`` or ``1``.
    """

    def __init__(self, options: Iterable[Any]) -> None:
        self.options = list(options)

    def is_satisfied_by(self, value: Any) -> bool:
        # Identity first so that None/True/False never compare equal to 0 or 1.
        return any(
            value is option
            or (isinstance(value, str) and isinstance(option, str) and value == option)
            for option in self.options
        )

    def __str__(self) -> str:
        return "one of {" + ", ".join(repr(option) for option in self.options) + "}"


# numpydoc takes the argument ``cls`` for a classmethod's and calls it unknown.
class InstanceOf(Constraint):  # numpydoc ignore=PR02
    """An instance of a class (for example a component base class).

    Parameters
    ----------
    cls : type or tuple of type
        The accepted class or classes. A ``bool`` is accepted only if ``bool``
        is one of them (not as an ``int``).
    description : str or None, default=None
        How error messages describe the constraint, such as ``"a dict"``;
        None: ``"an instance of"`` and the class names.
    """

    def __init__(self, cls: type | tuple[type, ...], description: str | None = None):
        self.cls = cls
        self.description = description

    def is_satisfied_by(self, value: Any) -> bool:
        if isinstance(value, bool) and bool not in _as_tuple(self.cls):
            return False
        return isinstance(value, self.cls)

    def __str__(self) -> str:
        if self.description:
            return self.description
        names = " or ".join(cls.__name__ for cls in _as_tuple(self.cls))
        return f"an instance of {names}"


class Boolean(Constraint):
    """A Python or numpy boolean."""

    def is_satisfied_by(self, value: Any) -> bool:
        return isinstance(value, (bool, np.bool_))

    def __str__(self) -> str:
        return "a bool"


def _as_tuple(cls: type | tuple[type, ...]) -> tuple[type, ...]:
    return cls if isinstance(cls, tuple) else (cls,)


def declared_params(obj: Any, constraints: Mapping[str, list[Constraint]]) -> dict:
    """The values of the parameters ``constraints`` names, read off ``obj``.

    What :func:`check_params` needs, without ``get_params``'s signature
    inspection (which costs more than a small fit's epoch).

    Parameters
    ----------
    obj : object
        The estimator or component whose attributes hold the parameters.
    constraints : mapping
        Parameter names to lists of :class:`Constraint`, as in a class's
        ``_parameter_constraints``; only the keys are used, and names that
        ``obj`` has no attribute for are left out.

    Returns
    -------
    dict
        Each parameter's name to its value on ``obj``.
    """
    return {name: getattr(obj, name) for name in constraints if hasattr(obj, name)}


def check_params(
    owner: str,
    params: Mapping[str, Any],
    constraints: Mapping[str, list[Constraint]],
) -> None:
    """Check each parameter that has declared constraints.

    Parameters
    ----------
    owner : str
        Name of the estimator or component, used in the message.
    params : mapping
        Parameter names to values, as ``get_params(deep=False)`` returns them.
    constraints : mapping
        Parameter names to lists of :class:`Constraint`; a value is valid when it
        satisfies at least one of them. Parameters without an entry are not checked.

    Raises
    ------
    InvalidParameterError
        For the first parameter whose value satisfies none of its constraints.
    """
    for name, allowed in constraints.items():
        if name not in params:
            continue
        value = params[name]
        if any(constraint.is_satisfied_by(value) for constraint in allowed):
            continue
        if len(allowed) == 1:
            expected = str(allowed[0])
        else:
            expected = (
                ", ".join(str(c) for c in allowed[:-1]) + " or " + str(allowed[-1])
            )
        raise InvalidParameterError(
            f"The {name!r} parameter of {owner} must be {expected}. "
            f"Got {value!r} instead."
        )
