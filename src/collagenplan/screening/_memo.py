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

The answers that do not depend on a date (the rules a client's records bring
into play, which records stand for which name) are also :func:`kept` for the
process, per (protocol, client) object, as the clinic calendars are: the many
plans one client gets (start dates compared, a re-plan, capacity runs,
alternatives) work them out once. A bounded memory, emptied when full.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from .. import _fastpaths
from ..clients import Client
from ..protocols.model import Protocol

__all__ = ["kept", "per_call", "remembered"]

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


_KEPT: dict[tuple[str, int, int, object], tuple[Protocol, Client, object]] = {}
"""Date-free answers across calls, by (question, protocol id, client id, extra key);
each entry holds its protocol and client, so their ids are not reused."""
_KEPT_LIMIT = 4096


def kept(
    question: str,
    protocol: Protocol,
    client: Client,
    extra: object,
    compute: Callable[[], _T],
) -> _T:
    """``compute()``, or what it returned before in this process for the same objects.

    Only for answers that depend on nothing but ``protocol``, ``client`` (both
    frozen) and ``extra``. On the slow paths this is :func:`remembered`.
    """
    if not _fastpaths.FAST:
        return remembered(question, protocol, client, extra, compute)
    key = (question, id(protocol), id(client), extra)
    found = _KEPT.get(key)
    if found is not None and found[0] is protocol and found[1] is client:
        result: _T = found[2]  # type: ignore[assignment]
        return result
    value = compute()
    if len(_KEPT) >= _KEPT_LIMIT:
        _KEPT.clear()
    _KEPT[key] = (protocol, client, value)
    return value
