"""Day decisions: whether a session of a protocol may be on a day, and at what time.

:class:`ClinicDays` answers for one clinic and one protocol, remembering each
day it has decided; :func:`clinic_closed` is the clinic-only part of that
decision (closures, public holidays, opening patterns). Appointment times are
local wall-clock times in the clinic's IANA time zone (:mod:`zoneinfo`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import zoneinfo
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from .._checks import is_optional, is_str
from .._fields import _typename
from ..errors import ClinicError
from ..protocols.model import Protocol as TreatmentProtocol
from ..results import Violation
from ..sessions import PlannedSession

if TYPE_CHECKING:  # pragma: no cover
    from ._model import Clinic, Closure

__all__ = [
    "Appointment",
    "Availability",
    "ClinicDays",
    "Closed",
    "Slot",
    "assign_appointments",
    "clinic_closed",
    "clinic_violations",
    "local_datetime",
]

E = ClinicError
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _is_time(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, dt.time):
        raise E(
            f"must be a time of day (datetime.time), got {_typename(value)}", path=attribute.name
        )
    if value.tzinfo is not None:
        raise E(
            "must be a local time without a time zone (the clinic's timezone applies)",
            path=attribute.name,
        )


@attrs.frozen(kw_only=True)
class Slot:
    """A free slot, as an :class:`Availability` hook reports it."""

    start: dt.time | None = attrs.field(default=None, validator=is_optional(_is_time))
    """Local start time in the clinic's time zone; ``None`` lets the clinic's
    opening hours decide."""
    practitioner: str | None = attrs.field(default=None, validator=is_optional(is_str(E)))
    """Who the slot is with, if the booking system knows."""


@runtime_checkable
class Availability(Protocol):
    """The hook clinic software implements to plug in its real booking state.

    The planner asks it only about days the clinic file already allows (open,
    no closure, a qualified practitioner working), so it sees a handful of
    calls per session. Return a :class:`Slot` when a session of ``protocol``
    lasting ``minutes`` can be booked on ``day``, or ``None`` when the day is
    full. It must not raise for a full day. Example::

        class Diary:
            def free_slot(self, protocol, day, *, minutes):
                return cp.Slot(start=dt.time(14, 30)) if day.day % 2 else None
    """

    def free_slot(self, protocol: TreatmentProtocol, day: dt.date, *, minutes: int) -> Slot | None:
        """A free slot for ``protocol`` on ``day`` (``minutes`` long), or ``None``."""
        ...  # pragma: no cover


# ------------------------------------------------------------- day decisions


@attrs.frozen(kw_only=True)
class Closed:
    """Why a session cannot be on a day."""

    reason: str
    """A phrase for messages: ``"the clinic is closed (Christmas)"``."""
    rule: str
    """Where in the clinic the rule lives: ``clinic.closures[0]``, ``clinic.hours``..."""


@attrs.frozen(kw_only=True)
class Appointment:
    """When and with whom a session happens on an allowed day."""

    start: dt.datetime
    """Time-zone aware start in the clinic's zone."""
    minutes: int | None
    """Chair minutes, from the protocol (``None`` when it gives no chair time)."""
    practitioner: str | None = None
    """Practitioner id, when known."""


def local_datetime(day: dt.date, time: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """``day`` at wall-clock ``time`` in ``zone``.

    A time that does not exist on that day (inside a spring-forward gap) moves
    forward by the gap, as RFC 5545 section 3.3.5 prescribes for DTSTART; an
    ambiguous time (autumn fall-back) takes its first occurrence.
    """
    moment = dt.datetime.combine(day, time, tzinfo=zone)
    round_trip = moment.astimezone(dt.UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return round_trip
    return moment


class _Periods:
    """Closed dates as disjoint segments, each with the index of the first period
    covering it: ``get(day)`` in O(log n), built in O(n log n) whatever the periods
    span (a closure from 0001-01-01 to 9999-12-31 is one segment, not 3.6 million days).
    """

    __slots__ = ("_ends", "_indices", "_starts")

    def __init__(self, periods: Sequence[Closure]) -> None:
        bounds: set[dt.date] = set()
        for period in periods:
            bounds.add(period.start)
            if period.last < dt.date.max:
                bounds.add(period.last + dt.timedelta(days=1))
        by_start = sorted(range(len(periods)), key=lambda i: periods[i].start)
        active: list[tuple[int, dt.date]] = []  # heap of (index, last day)
        segments: list[tuple[dt.date, dt.date, int]] = []
        points = sorted(bounds)
        k = 0
        for n, point in enumerate(points):
            while k < len(by_start) and periods[by_start[k]].start <= point:
                heapq.heappush(active, (by_start[k], periods[by_start[k]].last))
                k += 1
            while active and active[0][1] < point:
                heapq.heappop(active)
            if not active:
                continue
            index = active[0][0]
            end = points[n + 1] - dt.timedelta(days=1) if n + 1 < len(points) else dt.date.max
            if segments and segments[-1][2] == index and segments[-1][1] >= point - _ONE:
                segments[-1] = (segments[-1][0], end, index)
            else:
                segments.append((point, end, index))
        self._starts = [seg[0] for seg in segments]
        self._ends = [seg[1] for seg in segments]
        self._indices = [seg[2] for seg in segments]

    def get(self, day: dt.date) -> int | None:
        """The index of the first period covering ``day``, or ``None``."""
        at = bisect.bisect_right(self._starts, day) - 1
        if at >= 0 and day <= self._ends[at]:
            return self._indices[at]
        return None


_ONE = dt.timedelta(days=1)


def _overlap(
    a: Iterable[tuple[dt.time, dt.time]], b: Iterable[tuple[dt.time, dt.time]], minutes: int
) -> dt.time | None:
    """Earliest start inside both span lists that leaves ``minutes`` before either closes."""
    if minutes > 24 * 60:  # longer than any day: no span can hold it
        return None
    need = dt.timedelta(minutes=minutes)
    best: dt.time | None = None
    base = dt.date(2000, 1, 1)
    b = list(b)
    for a_open, a_close in a:
        for b_open, b_close in b:
            start, end = max(a_open, b_open), min(a_close, b_close)
            if dt.datetime.combine(base, end) - dt.datetime.combine(base, start) >= need and (
                best is None or start < best
            ):
                best = start
    return best


def clinic_closed(clinic: Clinic, day: dt.date, closed: _Periods | None = None) -> Closed | None:
    """Why ``clinic`` is closed on ``day`` (a closure, a public holiday, no opening
    pattern), or ``None`` when it opens; ``closed`` is a precomputed closure day set."""
    if closed is None:
        index = next((i for i, c in enumerate(clinic.closures) if day in c), None)
    else:
        index = closed.get(day)
    if index is not None:
        reason = clinic.closures[index].reason
        return Closed(
            reason="the clinic is closed" + (f" ({reason})" if reason else ""),
            rule=f"clinic.closures[{index}]",
        )
    if clinic.holidays is not None:
        holiday = clinic.holidays.name(day)
        if holiday is not None:
            return Closed(
                reason=f"the clinic is closed for a public holiday ({holiday})",
                rule="clinic.holidays",
            )
    if not any(h.applies(day) for h in clinic.hours):
        return Closed(
            reason=f"the clinic is not open that {_DAY_NAMES[day.weekday()]}",
            rule="clinic.hours",
        )
    return None


class ClinicDays:
    """A clinic's calendar for one protocol: which days are allowed, and at what time.

    Built once per plan or validation; it remembers each day it has decided,
    so the availability hook is asked at most once per day.
    """

    __slots__ = ("_cache", "_closed", "_leave", "_staff", "clinic", "minutes", "protocol")

    def __init__(self, clinic: Clinic, protocol: TreatmentProtocol) -> None:
        if not all(hasattr(clinic, k) for k in ("closures", "hours", "practitioners")):
            raise E(f"must be a Clinic, got {_typename(clinic)}", path="clinic")
        self.clinic = clinic
        self.protocol = protocol
        self.minutes = protocol.session.chair_minutes
        self._closed = _Periods(clinic.closures)
        self._staff = [p for p in clinic.practitioners if p.qualified(protocol.id)]
        self._leave = [_Periods(p.leave) for p in self._staff]
        self._cache: dict[dt.date, Appointment | Closed] = {}

    def closed(self, day: dt.date) -> Closed | None:
        """Why a session cannot be on ``day``, or ``None`` when it can."""
        found = self._decide(day)
        return found if isinstance(found, Closed) else None

    def appointment(self, day: dt.date) -> Appointment | None:
        """The appointment on ``day``, or ``None`` when the day is not allowed."""
        found = self._decide(day)
        return found if isinstance(found, Appointment) else None

    def _decide(self, day: dt.date) -> Appointment | Closed:
        cached = self._cache.get(day)
        if cached is None:
            cached = self._cache[day] = self._compute(day)
        return cached

    def _compute(self, day: dt.date) -> Appointment | Closed:
        clinic = self.clinic
        shut = clinic_closed(clinic, day, self._closed)
        if shut is not None:
            return shut
        spans = sorted({h.span for h in clinic.hours if h.applies(day)})
        start, who = self._staffed(day, spans)
        if isinstance(start, Closed):
            return start
        if clinic.availability is not None:
            slot = clinic.availability.free_slot(self.protocol, day, minutes=self.minutes or 0)
            if slot is None:
                return Closed(
                    reason="the booking system has no free slot", rule="clinic.availability"
                )
            if not isinstance(slot, Slot):
                raise E(
                    f"free_slot must return a Slot or None, got {_typename(slot)}",
                    path="availability",
                )
            start = slot.start if slot.start is not None else start
            who = slot.practitioner if slot.practitioner is not None else who
        return Appointment(
            start=local_datetime(day, start, clinic.zone), minutes=self.minutes, practitioner=who
        )

    def _staffed(
        self, day: dt.date, spans: list[tuple[dt.time, dt.time]]
    ) -> tuple[dt.time | Closed, str | None]:
        """Earliest start with a qualified practitioner (or any, when staff is not modelled)."""
        clinic = self.clinic
        if not clinic.practitioners:
            start = _overlap(spans, spans, self.minutes or 0)
            if start is None:
                return self._too_short(), None
            return start, None
        if not self._staff:
            return (
                Closed(
                    reason=f"no practitioner is qualified for {self.protocol.id}",
                    rule="clinic.practitioners",
                ),
                None,
            )
        best: tuple[dt.time, int] | None = None
        why: list[str] = []
        for index, (person, leave) in enumerate(zip(self._staff, self._leave, strict=True)):
            if leave.get(day) is not None:
                why.append(f"{person.id} on leave")
                continue
            own = [h.span for h in person.hours if h.applies(day)] if person.hours else spans
            if not own:
                why.append(f"{person.id} not working")
                continue
            start = _overlap(spans, own, self.minutes or 0)
            if start is None:
                why.append(f"{person.id} has no {self.minutes}-minute slot")
                continue
            if best is None or start < best[0]:
                best = (start, index)
        if best is None:
            return (
                Closed(
                    reason=f"no practitioner qualified for {self.protocol.id} works that day "
                    f"({'; '.join(why)})",
                    rule="clinic.practitioners",
                ),
                None,
            )
        return best[0], self._staff[best[1]].id

    def _too_short(self) -> Closed:
        return Closed(
            reason=f"the opening hours are shorter than the {self.minutes}-minute session",
            rule="clinic.hours",
        )


def assign_appointments(
    days: ClinicDays, sessions: Sequence[PlannedSession]
) -> tuple[PlannedSession, ...]:
    """Give each ``planned`` session its appointment (start, chair minutes, practitioner).

    Sessions from the visit history (``done``, ``booked``) and sessions on a
    day the clinic does not allow keep what they have.
    """
    out = []
    for session in sessions:
        booked = days.appointment(session.date) if session.status == "planned" else None
        if booked is not None:
            session = attrs.evolve(
                session,
                start=booked.start,
                minutes=booked.minutes,
                practitioner=booked.practitioner,
            )
        out.append(session)
    return tuple(out)


def clinic_violations(
    days: ClinicDays, sessions: Iterable[tuple[int, dt.date]]
) -> list[Violation]:
    """A ``clinic-closed`` violation for each ``(number, date)`` the clinic does not allow."""
    out = []
    for number, day in sessions:
        closed = days.closed(day)
        if closed is not None:
            out.append(
                Violation(
                    code="clinic-closed",
                    severity="error",
                    message=(
                        f"Session {number} on {day.isoformat()} cannot be booked at "
                        f"{days.clinic.name}: {closed.reason}."
                    ),
                    session=number,
                    date=day,
                    rule=closed.rule,
                )
            )
    return out
