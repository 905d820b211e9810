"""Remembering screening answers while one plan is made (a speed-up, never a new answer).

Planning asks the same questions of a client's records many times: the
rules they bring into play (to screen the start, to build the date checks,
to judge the finished plan) and the milestones of a session day (to keep
lead-in tasks after ``start``, then to attach them). Each answer depends only
on the protocol, the client and the day, all frozen values, so within one
:func:`~collagenplan.plan` call it is worked out once.

The memory is scoped: :func:`per_call` opens it for the length of a call (a
:class:`contextvars.ContextVar`, so threads and nested calls each see their
own), and outside a scope every question is answered afresh. Protocols and
clients are matched by identity and kept alive by the scope, so an ``id``
cannot be reused while it lasts.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from ..clients import Client
from ..protocols.model import Protocol

__all__ = ["per_call", "remembered"]

_P = ParamSpec("_P")
_T = TypeVar("_T")


class _Scope:
    """What one call has worked out, by (question, protocol, client, extra key)."""

    __slots__ = ("answers", "keep")

    def __init__(self) -> None:
        self.answers: dict[tuple[str, int, int, object], object] = {}
        self.keep: list[object] = []  # holds every protocol and client seen: ids stay unique


_SCOPE: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar(
    "collagenplan_screening_scope", default=None
)


def per_call(function: Callable[_P, _T]) -> Callable[_P, _T]:
    """Run ``function`` with a screening memory open (reusing one already open)."""

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        if _SCOPE.get() is not None:
            return function(*args, **kwargs)
        token = _SCOPE.set(_Scope())
        try:
            return function(*args, **kwargs)
        finally:
            _SCOPE.reset(token)

    return wrapper


def remembered(
    question: str,
    protocol: Protocol,
    client: Client,
    extra: object,
    compute: Callable[[], _T],
) -> _T:
    """``compute()``, or what it returned earlier in this scope for the same arguments."""
    scope = _SCOPE.get()
    if scope is None:
        return compute()
    key = (question, id(protocol), id(client), extra)
    found: Any = scope.answers.get(key, _MISSING)
    if found is _MISSING:
        found = scope.answers[key] = compute()
        scope.keep += (protocol, client)
    result: _T = found
    return result


_MISSING = object()
