"""attrs validators that raise collagenplan errors naming the field.

attrs' own validators raise ``TypeError``; ours raise the
:class:`~collagenplan.errors.InputError` subclass of the module using them, so
programmatic construction fails the same way as loading a file does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

import attrs

from ._fields import KEBAB, _typename
from ._text import text_problem
from .durations import Duration
from .errors import InputError

__all__ = [
    "MAX_MINUTES",
    "Validator",
    "date_problem",
    "is_bool",
    "is_date",
    "is_duration",
    "is_kebab",
    "is_optional",
    "is_positive_int",
    "is_str",
    "is_tuple_of",
    "one_of",
    "require_date",
]

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

MAX_MINUTES = 24 * 60
"""Longest session, in chair minutes: a day. Longer is a typo, and the time
arithmetic of slots and exports would leave the calendar."""


def _make(error: type[InputError], test: Callable[[Any], str | None]) -> Validator:
    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        problem = test(value)
        if problem is not None:
            raise error(problem, path=str(attribute.alias or attribute.name))

    return validate


def is_str(error: type[InputError], *, empty: bool = False) -> Validator:
    """A string (non-blank unless ``empty``) of accepted text (:func:`._text.text_problem`)."""

    def test(value: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be a string, got {_typename(value)}"
        if not empty and not value.strip():
            return "must not be empty"
        return text_problem(value)

    return _make(error, test)


def is_kebab(error: type[InputError]) -> Validator:
    def test(value: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be a string, got {_typename(value)}"
        if not KEBAB.fullmatch(value):
            return (
                "the name must be kebab-case (lower-case letters, digits and single hyphens), "
                f"got {value!r}"
            )
        return None

    return _make(error, test)


def is_bool(error: type[InputError]) -> Validator:
    return _make(
        error,
        lambda v: None if isinstance(v, bool) else f"must be true or false, got {_typename(v)}",
    )


def is_positive_int(
    error: type[InputError], minimum: int = 1, *, maximum: int | None = None, why: str = ""
) -> Validator:
    """An integer >= ``minimum`` (and <= ``maximum``, explained by ``why``, when given)."""

    def test(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be an integer, got {_typename(value)}"
        if value < minimum:
            return f"must be at least {minimum}, got {value}"
        if maximum is not None and value > maximum:
            return f"must be at most {maximum}{why}, got {value}"
        return None

    return _make(error, test)


def is_duration(error: type[InputError]) -> Validator:
    return _make(
        error,
        lambda v: None if isinstance(v, Duration) else f"must be a Duration, got {_typename(v)}",
    )


def date_problem(value: object) -> str | None:
    """The one date policy: a ``datetime.date`` and nothing else.

    A ``datetime`` is a ``date`` subclass, but taking one where a day is meant
    would silently drop its time (and time zone), so it is refused everywhere
    a date is expected: arguments, attrs fields and documents alike.
    """
    if isinstance(value, dt.datetime):
        return f"must be a datetime.date, got a date-time {value.isoformat()}"
    if not isinstance(value, dt.date):
        return f"must be a datetime.date, got {_typename(value)}"
    return None


def require_date(value: object, path: str, error: type[InputError] = InputError) -> dt.date:
    """Return ``value`` if it is a plain date, else raise ``error`` at ``path``."""
    problem = date_problem(value)
    if problem is not None:
        raise error(problem, path=path)
    return cast(dt.date, value)


def is_date(error: type[InputError]) -> Validator:
    return _make(error, date_problem)


def one_of(error: type[InputError], options: tuple[str, ...]) -> Validator:
    return _make(
        error,
        lambda v: None if v in options else f"must be one of {', '.join(options)}; got {v!r}",
    )


def is_optional(validator: Validator) -> Validator:
    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            validator(instance, attribute, value)

    return validate


def is_tuple_of(error: type[InputError], kind: type | tuple[type, ...], what: str) -> Validator:
    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple):
            raise error(f"must be a tuple of {what}, got {_typename(value)}", path=attribute.name)
        for i, item in enumerate(value):
            if not isinstance(item, kind):
                raise error(
                    f"must be {what}, got {_typename(item)}", path=f"{attribute.name}[{i}]"
                )

    return validate
