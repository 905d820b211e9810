"""Calendar values: windows, planned sessions, milestones and visits."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from typing import Any, Literal

import attrs

from ._checks import (
    MAX_MINUTES,
    date_problem,
    is_date,
    is_optional,
    is_positive_int,
    is_str,
    is_tuple_of,
    one_of,
)
from ._fields import _typename, to_tuple
from .durations import Duration
from .errors import DurationError, InputError
from .messages import Message, translation
from .protocols.model import Phase

__all__ = [
    "Milestone",
    "Move",
    "PlannedSession",
    "SessionStatus",
    "UnplacedSession",
    "Visit",
    "VisitStatus",
    "Window",
    "session_keys",
]

SessionStatus = Literal["planned", "booked", "done"]
VisitStatus = Literal["done", "missed", "cancelled", "booked"]
VISIT_STATUSES: tuple[VisitStatus, ...] = ("done", "missed", "cancelled", "booked")
SESSION_STATUSES: tuple[SessionStatus, ...] = ("planned", "booked", "done")


@attrs.frozen(kw_only=True)
class Window:
    """The dates a session may fall on: ``earliest <= target <= latest``.

    ``latest`` is ``None`` for an open-ended window (a series' first session
    can start any time on or after its start date).
    """

    earliest: dt.date
    """First acceptable date."""
    target: dt.date
    """The ideal date."""
    latest: dt.date | None = None
    """Last acceptable date, or ``None`` when the window has no end."""

    def __attrs_post_init__(self) -> None:
        for name in ("earliest", "target", "latest"):
            value = getattr(self, name)
            problem = None if value is None and name == "latest" else date_problem(value)
            if problem is not None:
                raise InputError(problem, path=name)
        if self.target < self.earliest:
            raise InputError(
                f"must not be before earliest ({self.target} < {self.earliest})", path="target"
            )
        if self.latest is not None and self.latest < self.target:
            raise InputError(
                f"must not be before target ({self.latest} < {self.target})", path="latest"
            )

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, dt.date):
            return False
        return self.earliest <= day and (self.latest is None or day <= self.latest)

    def __str__(self) -> str:
        latest = self.latest.isoformat() if self.latest else "open"
        return f"{self.earliest.isoformat()} .. {self.target.isoformat()} .. {latest}"


def _saturating_add(day: dt.date, duration: Duration) -> dt.date | None:
    try:
        return duration.add_to(day)
    except DurationError:
        return None


def window_after(previous: dt.date, phase: Phase) -> Window:
    """The window of a session that follows a session on ``previous`` in ``phase``.

    Raises:
        DurationError: the window would end past the last supported date.
    """
    interval = phase.interval
    return Window(
        earliest=interval.min.add_to(previous),
        target=interval.target.add_to(previous),
        latest=interval.max.add_to(previous),
    )


def window_after_saturating(previous: dt.date, phase: Phase) -> Window:
    """Like :func:`window_after`, but a bound past ``date.max`` becomes ``date.max``
    (or an open end), for validating arbitrary dates without raising."""
    interval = phase.interval
    earliest = _saturating_add(previous, interval.min) or dt.date.max
    target = _saturating_add(previous, interval.target) or dt.date.max
    latest = _saturating_add(previous, interval.max)
    return Window(earliest=earliest, target=target, latest=latest)


@attrs.frozen(kw_only=True)
class Milestone:
    """A dated task around a session that a reminder can be made from.

    Examples: stop ``topical-retinoid`` (kind ``stop``), start
    ``antiviral-prophylaxis`` (kind ``start``), ``no-makeup`` until a date
    (kind ``aftercare``).
    """

    kind: str = attrs.field(validator=is_str(InputError))
    """What sort of task: ``stop``, ``resume``, ``start``, ``end``, ``aftercare``..."""
    subject: str = attrs.field(validator=is_str(InputError))
    """What it is about (an exposure, an action or a restriction)."""
    start: dt.date = attrs.field(validator=is_date(InputError))
    """First day the task applies."""
    end: dt.date | None = attrs.field(default=None, validator=is_optional(is_date(InputError)))
    """Last day it applies, when it lasts (``None`` for a one-day task); not before ``start``."""
    note: str | None = attrs.field(default=None, validator=is_optional(is_str(InputError)))
    """A sentence for the client or staff, in English: ``note_text("en")``."""
    rule: str | None = attrs.field(default=None, validator=is_optional(is_str(InputError)))
    """The protocol rule it comes from (``washouts[0]``)."""
    messages: tuple[Message, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(InputError, Message, "a Message")
    )
    """The note as data (keys and parameters) when the planner wrote it; empty
    when the note is the protocol's own (an aftercare rule's ``note``, shown as
    written in every locale) or the milestone was built by hand."""

    def __attrs_post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise InputError(f"must not be before start ({self.end} < {self.start})", path="end")

    def note_text(self, locale: str = "en") -> str | None:
        """The note in ``locale``: ``messages`` rendered, else ``note`` as written.

        Raises:
            InputError: ``locale`` is not one of the shipped locales.
        """
        if not self.messages:
            translation(locale)  # an unknown locale is an error either way
            return self.note
        return " ".join(m.render(locale) for m in self.messages)


def _is_window(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Window):
        raise InputError(f"must be a Window, got {_typename(value)}", path=attribute.name)


def _is_aware(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise InputError(
            "must be a time-zone aware datetime (for example with "
            f"zoneinfo.ZoneInfo('Europe/London')), got {value!r}",
            path=attribute.name,
        )


_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
KEY_RULE = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"


def _is_key(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str):
        raise InputError(f"must be a string, got {_typename(value)}", path=attribute.name)
    if not _KEY.fullmatch(value):
        raise InputError(f"must be {KEY_RULE}, got {value!r}", path=attribute.name)


def _is_revision(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"must be an integer, got {_typename(value)}", path=attribute.name)
    if value < 0:
        raise InputError(f"must be 0 or more, got {value}", path=attribute.name)


def derive_key(phase: str, ordinal: int, used: Iterable[str] = ()) -> str:
    """The key of the ``ordinal``-th session of ``phase``: ``series-2``, ``touch-up-1``.

    A key already in ``used`` is skipped for the next ordinal, so keys derived
    next to given ones stay unique. A phase name that cannot be part of a key
    (not 1-54 key characters) is replaced by a short hash of it.
    """
    taken = set(used)
    stem = key_stem(phase)
    while f"{stem}-{ordinal}" in taken:
        ordinal += 1
    return f"{stem}-{ordinal}"


def key_stem(phase: str) -> str:
    """What :func:`derive_key` puts before the ordinal: the phase name, or a short
    hash of it when it cannot be part of a key (not 1-54 key characters)."""
    if _KEY.fullmatch(phase) and len(phase) <= 54:
        return phase
    return "phase-" + hashlib.sha256(phase.encode("utf-8")).hexdigest()[:10]


def session_keys(sessions: Iterable[PlannedSession]) -> tuple[str, ...]:
    """Every session's key: its own, else :func:`derive_key` by phase and ordinal.

    Sessions without a key (built by hand, or read from a document written
    before keys existed) get the key the planner would have given them: the
    phase name and the session's ordinal within that phase, counted in order
    and skipping keys other sessions already carry.
    """
    items = list(sessions)
    used = {s.key for s in items if s.key is not None}
    counts: dict[str, int] = {}
    keys: list[str] = []
    for s in items:
        counts[s.phase] = counts.get(s.phase, 0) + 1
        if s.key is not None:
            keys.append(s.key)
            continue
        key = derive_key(s.phase, counts[s.phase], used)
        used.add(key)
        keys.append(key)
    return tuple(keys)


@attrs.frozen(kw_only=True)
class PlannedSession:
    """One session of a plan: where it sits in the protocol, its window and its date."""

    number: int = attrs.field(validator=is_positive_int(InputError))
    """1-based position across all phases."""
    phase: str = attrs.field(validator=is_str(InputError))
    """Name of the protocol phase it belongs to."""
    date: dt.date = attrs.field(validator=is_date(InputError))
    """The chosen (or, for history, the actual) date."""
    window: Window = attrs.field(validator=_is_window)
    """Where the date was allowed to fall."""
    status: SessionStatus = attrs.field(
        default="planned", validator=one_of(InputError, SESSION_STATUSES)
    )
    """``planned``; ``done`` or ``booked`` when it comes from the visit history."""
    milestones: tuple[Milestone, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(InputError, Milestone, "a Milestone")
    )
    """Tasks around this session (washouts, prophylaxis, aftercare)."""
    start: dt.datetime | None = attrs.field(default=None, validator=is_optional(_is_aware))
    """Time-zone aware appointment start, when a clinic gives times."""
    minutes: int | None = attrs.field(
        default=None,
        validator=is_optional(is_positive_int(InputError, maximum=MAX_MINUTES, why=" (a day)")),
    )
    """Chair minutes (1 to 1440), when known."""
    practitioner: str | None = attrs.field(default=None, validator=is_optional(is_str(InputError)))
    """Who performs it, when a clinic assigns practitioners."""
    key: str | None = attrs.field(default=None, validator=is_optional(_is_key))
    """The session's identity within its plan (``series-2``), stable across re-plans:
    the phase and the ordinal within the phase, kept from the history. Session
    numbers may change when the plan changes; keys do not. Exports derive
    their ids (iCalendar UID, FHIR identifier) from it. ``None`` on sessions
    built by hand; :func:`session_keys` then derives one."""
    revision: int = attrs.field(default=0, validator=_is_revision)
    """The plan revision in which this session last changed date or time (0 when
    first planned); the iCalendar ``SEQUENCE`` of its event."""
    resources: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(InputError, str, "a resource id")
    )
    """Ids of the rooms, chairs and devices it holds, when the clinic declares them."""


@attrs.frozen(kw_only=True)
class Visit:
    """A session as it happened (or is booked): a date, a status and, when known, its phase."""

    date: dt.date = attrs.field(validator=is_date(InputError))
    """The visit's date."""
    status: VisitStatus = attrs.field(default="done", validator=one_of(InputError, VISIT_STATUSES))
    """``done``, ``missed``, ``cancelled`` or ``booked``."""
    phase: str | None = attrs.field(default=None, validator=is_optional(is_str(InputError)))
    """The protocol phase the visit was (or was booked) for, when the clinic knows it.

    A visit with a phase is read in that phase and never renumbered into
    another; one that does not fit its window there is reported, not moved.
    Without it, the phase is read from the dates (see :func:`~collagenplan.validate`).
    """
    key: str | None = attrs.field(default=None, validator=is_optional(_is_key))
    """The key of the planned session this visit is (see :attr:`PlannedSession.key`),
    when the caller knows it; a re-plan keeps it on the session."""


@attrs.frozen(kw_only=True)
class Move:
    """Why a planned session is not on its window's target: the rule it met there."""

    session: int = attrs.field(validator=is_positive_int(InputError))
    """Number of the session that moved."""
    target: dt.date = attrs.field(validator=is_date(InputError))
    """The date it aimed for (the target, or the first day it could be planned)."""
    date: dt.date = attrs.field(validator=is_date(InputError))
    """The date it got."""
    code: str = attrs.field(validator=is_str(InputError))
    """What blocked the target, as a violation code (``clinic-closed``,
    ``event-blackout``, ``washout``, ``lead-in``...)."""
    reason: str = attrs.field(validator=is_str(InputError))
    """The blocker in words (``the clinic is closed (refurbishment)``)."""
    rule: str | None = attrs.field(default=None, validator=is_optional(is_str(InputError)))
    """Where the rule lives (``washouts[0]``, ``events[1]``, ``clinic.closures[0]``)."""


@attrs.frozen(kw_only=True)
class UnplacedSession:
    """A session the planner could not place on any date (see ``Plan.unplaced``)."""

    number: int = attrs.field(validator=is_positive_int(InputError))
    """The number it would have had, continuing the plan's sessions."""
    phase: str = attrs.field(validator=is_str(InputError))
    """Name of the protocol phase it belongs to."""
    window: Window = attrs.field(validator=_is_window)
    """Where it was due. For the first unplaced session, the window searched;
    for the ones after it, a nominal window measured from the target of the
    one before (they follow it, once it has a date)."""
