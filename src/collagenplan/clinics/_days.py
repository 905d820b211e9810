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

from .. import _fastpaths
from .._checks import is_optional, is_str
from .._fields import _typename
from ..errors import ClinicError
from ..messages import Message, Param
from ..protocols.model import Protocol as TreatmentProtocol
from ..results import Violation, nested
from ..sessions import Milestone, PlannedSession
from ._diary import Booking, Diary, bookings_needed

if TYPE_CHECKING:  # pragma: no cover
    from ._model import Clinic, Closure, Practitioner

__all__ = [
    "HOOK_CALLS_PER_SESSION",
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

HOOK_CALLS_PER_SESSION = 42
"""The most days the planner asks the availability hook about for one session.

The first day asked is the session's target, then the days nearest it; six
weeks of days covers any window of the built-in protocols. When they are
spent the session is left unplaced (``diary-full``) instead of searching on.
Days already asked for an earlier session are remembered and not counted.
"""
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_NOT_OPEN = tuple(
    Message("closed.weekday", [Param("weekday", f"weekday.{i}", "message")]) for i in range(7)
)
"""'The clinic is not open that <weekday>' as data, Monday first (made once)."""
_CLOSED = Message("closed")


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
    no closure, a qualified practitioner working), each day at most once per
    plan and at most :data:`HOOK_CALLS_PER_SESSION` new days per session.
    The slot is checked against the clinic file (practitioner, hours), and
    ``Clinic.with_availability`` checks the method's signature. Return a
    :class:`Slot` when a session of ``protocol`` lasting ``minutes`` can be
    booked on ``day``, or ``None`` when the day is full. It must not raise
    for a full day. Example::

        class BookingSystem:
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
    code: str = "clinic-closed"
    """The violation code of a window full of such days: ``clinic-closed``, or
    ``diary-full`` when the day is open but the diary has no free slot there
    (``rule`` ``"diary"``) or the hook's search budget for the session is spent."""
    message: Message | None = attrs.field(default=None, eq=False)
    """``reason`` as data, for messages in any locale (``None``: kept as written)."""


@attrs.frozen(kw_only=True)
class Appointment:
    """When and with whom a session happens on an allowed day."""

    start: dt.datetime
    """Time-zone aware start in the clinic's zone."""
    minutes: int | None
    """Chair minutes, from the protocol (``None`` when it gives no chair time)."""
    practitioner: str | None = None
    """Practitioner id, when known."""
    resources: tuple[str, ...] = ()
    """Ids of the rooms, chairs and devices it holds (see ``Clinic.resources``)."""


def local_datetime(day: dt.date, time: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """``day`` at wall-clock ``time`` in ``zone``.

    A time that does not exist on that day (inside a spring-forward gap) moves
    forward by the gap, as RFC 5545 section 3.3.5 prescribes for DTSTART; an
    ambiguous time (autumn fall-back) takes its first occurrence.
    """
    moment = dt.datetime.combine(day, time, tzinfo=zone)
    # Both readings of the wall time at one offset: it exists and is not ambiguous.
    if _fastpaths.FAST and moment.utcoffset() == moment.replace(fold=1).utcoffset():
        return moment
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
    if not _fastpaths.FAST:
        return _find_overlap(a, b, minutes)
    key = (tuple(a), tuple(b), minutes)
    if key in _OVERLAPS:
        return _OVERLAPS[key]
    if len(_OVERLAPS) >= 1024:
        _OVERLAPS.clear()
    found = _OVERLAPS[key] = _find_overlap(key[0], key[1], minutes)
    return found


_OVERLAPS: dict[tuple[tuple[Any, ...], tuple[Any, ...], int], dt.time | None] = {}
"""Each (spans, spans, minutes)'s overlap: a few opening patterns, asked every open day."""


def _find_overlap(
    a: Iterable[tuple[dt.time, dt.time]], b: Iterable[tuple[dt.time, dt.time]], minutes: int
) -> dt.time | None:
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
            message=Message("closed.note", [Param("note", reason)]) if reason else _CLOSED,
        )
    if clinic.holidays is not None:
        holiday = clinic.holidays.name(day)
        if holiday is not None:
            return Closed(
                reason=f"the clinic is closed for a public holiday ({holiday})",
                rule="clinic.holidays",
                message=Message("closed.holiday", [Param("holiday", holiday)]),
            )
    if not any(h.applies(day) for h in clinic.hours):
        return Closed(
            reason=f"the clinic is not open that {_DAY_NAMES[day.weekday()]}",
            rule="clinic.hours",
            message=_NOT_OPEN[day.weekday()],
        )
    return None


class ClinicDays:
    """A clinic's calendar for one protocol: which days are allowed, and at what time.

    Built once per plan or validation; it remembers each day it has decided,
    so the availability hook is asked at most once per day. With a
    :class:`Diary` a day is allowed only when a qualified practitioner, one
    resource of each needed kind and the client are free for the session's
    chair minutes plus the clinic's turnover; ``prefer`` names the
    practitioner to keep when they are free (continuity). ``budget``, when
    set, is the number of hook calls left for the session being placed.
    """

    __slots__ = (
        "_answers",
        "_booked",
        "_cache",
        "_closed",
        "_leave",
        "_needs",
        "_spent",
        "_staff",
        "budget",
        "client",
        "clinic",
        "diary",
        "hook_calls",
        "minutes",
        "prefer",
        "protocol",
    )

    def __init__(
        self,
        clinic: Clinic,
        protocol: TreatmentProtocol,
        *,
        diary: Diary | None = None,
        client: str | None = None,
        prefer: str | None = None,
    ) -> None:
        if not all(hasattr(clinic, k) for k in ("closures", "hours", "practitioners")):
            raise E(f"must be a Clinic, got {_typename(clinic)}", path="clinic")
        self.clinic = clinic
        self.protocol = protocol
        self.minutes = protocol.session.chair_minutes
        self._closed = _Periods(clinic.closures)
        self._staff = [p for p in clinic.practitioners if p.qualified(protocol.id)]
        self._leave = [_Periods(p.leave) for p in self._staff]
        self._cache: dict[tuple[dt.date, str | None], Appointment | Closed] = {}
        self._answers: dict[dt.date, Slot | None] = {}
        self._needs = bookings_needed(clinic.resources, protocol.id)
        self.diary = diary
        self.client = client
        self.prefer = prefer
        self.budget: int | None = None
        self.hook_calls = 0
        self._spent = False
        self._booked: dict[dt.date, list[Booking]] = {}
        if diary is not None:
            zone = clinic.zone
            for booking in diary:
                self._booked.setdefault(booking.start.astimezone(zone).date(), []).append(booking)

    def closed(self, day: dt.date) -> Closed | None:
        """Why a session cannot be on ``day``, or ``None`` when it can."""
        found = self._decide(day)
        return found if isinstance(found, Closed) else None

    def appointment(self, day: dt.date) -> Appointment | None:
        """The appointment on ``day``, or ``None`` when the day is not allowed."""
        found = self._decide(day)
        return found if isinstance(found, Appointment) else None

    def _decide(self, day: dt.date) -> Appointment | Closed:
        key = (day, self.prefer)
        cached = self._cache.get(key)
        if cached is None:
            self._spent = False
            cached = self._compute(day)
            if not self._spent:  # a day the budget kept from the hook is not decided
                self._cache[key] = cached
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
            slot = self._ask(day)
            if isinstance(slot, Closed):
                return slot
            if slot is None:
                return Closed(
                    reason="the booking system has no free slot",
                    rule="clinic.availability",
                    message=Message("closed.no-slot"),
                )
            self._check_slot(slot, day, spans)
            start = slot.start if slot.start is not None else start
            who = slot.practitioner if slot.practitioner is not None else who
            if self.diary is not None or self._needs:
                return self._fixed(day, start, who)
        elif self.diary is not None:
            return self._search(day, spans)
        moment = local_datetime(day, start, clinic.zone)
        return Appointment(
            start=moment,
            minutes=self.minutes,
            practitioner=who,
            resources=self._free_resources(moment, day) or (),
        )

    # ---------------------------------------------------------- the hook

    def _ask(self, day: dt.date) -> Slot | Closed | None:
        """The hook's answer for ``day``, asked once; a Closed when the budget is spent."""
        if day in self._answers:
            return self._answers[day]
        hook = self.clinic.availability
        assert hook is not None
        if self.budget is not None:
            if self.budget <= 0:
                spent = Closed(
                    reason=f"the booking system was asked about {HOOK_CALLS_PER_SESSION} days "
                    "for this session without a free slot (the search budget)",
                    rule="clinic.availability",
                    code="diary-full",
                    message=Message(
                        "closed.budget", [Param("days", str(HOOK_CALLS_PER_SESSION), "number")]
                    ),
                )
                self._spent = True
                return spent
            self.budget -= 1
        self.hook_calls += 1
        slot = hook.free_slot(self.protocol, day, minutes=self.minutes or 0)
        if slot is not None and not isinstance(slot, Slot):
            raise E(
                f"free_slot must return a Slot or None, got {_typename(slot)}",
                path="availability",
            )
        self._answers[day] = slot
        return slot

    def _check_slot(self, slot: Slot, day: dt.date, spans: list[tuple[dt.time, dt.time]]) -> None:
        """Raise ClinicError when the hook's slot is one the clinic file does not allow (U7)."""
        clinic = self.clinic
        problems: list[str] = []
        person: Practitioner | None = None
        if slot.practitioner is not None and clinic.practitioners:
            person = next((p for p in clinic.practitioners if p.id == slot.practitioner), None)
            if person is None:
                known = ", ".join(p.id for p in clinic.practitioners)
                problems.append(
                    f"{slot.practitioner!r} is not a practitioner in the clinic file "
                    f"(known: {known})"
                )
            elif not person.qualified(self.protocol.id):
                problems.append(f"{person.id} is not qualified for {self.protocol.id}")
            elif person.on_leave(day):
                problems.append(f"{person.id} is on leave that day")
        if slot.start is not None:
            own = spans
            if person is not None and person.hours:
                own = [h.span for h in person.hours if h.applies(day)]
            minutes = self.minutes or 0
            if not any(_fits(slot.start, minutes, a, b) for a, b in spans) or not any(
                _fits(slot.start, minutes, a, b) for a, b in own
            ):
                hours = ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in spans)
                problems.append(
                    f"a {minutes}-minute session at {slot.start:%H:%M} is outside the "
                    f"opening hours ({hours})"
                    + (
                        f" or {person.id}'s working hours"
                        if person is not None and own is not spans
                        else ""
                    )
                )
        if problems:
            raise E(
                f"free_slot offered a slot the clinic file does not allow for "
                f"{self.protocol.id} on {day.isoformat()}: {'; '.join(problems)}",
                path="availability",
            )

    # ---------------------------------------------------------- the diary

    def _span(self) -> int:
        return max(self.minutes or 1, 1)

    def _busy(self, booking: Booking, day: dt.date) -> Booking | None:
        """The first diary booking ``booking`` collides with on ``day``, or ``None``."""
        turnover = self.clinic.turnover
        for other in self._booked.get(day, ()):
            if not booking.overlaps(other, turnover):
                continue
            if booking.practitioner is not None and other.practitioner == booking.practitioner:
                return other
            if set(booking.resources) & set(other.resources):
                return other
            if booking.client is not None and other.client == booking.client:
                return other
        return None

    def _free_resources(self, start: dt.datetime, day: dt.date) -> tuple[str, ...] | None:
        """One free resource of each needed kind at ``start``, or ``None`` when a kind is full."""
        chosen: list[str] = []
        for ids in self._needs.values():
            found = next(
                (
                    rid
                    for rid in ids
                    if self._busy(
                        Booking(start=start, minutes=self._span(), resources=(rid,)), day
                    )
                    is None
                ),
                None,
            )
            if found is None:
                return None
            chosen.append(found)
        return tuple(chosen)

    def _try(self, day: dt.date, time: dt.time, who: str | None) -> Appointment | Booking:
        """The appointment at ``time`` with ``who``, or the booking in the way."""
        start = local_datetime(day, time, self.clinic.zone)
        need = Booking(start=start, minutes=self._span(), practitioner=who, client=self.client)
        other = self._busy(need, day)
        if other is not None:
            return other
        resources = self._free_resources(start, day)
        if resources is None:  # every resource of a kind is held: name the first holder
            held = {rid for ids in self._needs.values() for rid in ids}
            return next(
                b
                for b in self._booked.get(day, ())
                if held & set(b.resources) and b.overlaps(need, self.clinic.turnover)
            )
        return Appointment(
            start=start, minutes=self.minutes, practitioner=who, resources=resources
        )

    def _fixed(self, day: dt.date, time: dt.time, who: str | None) -> Appointment | Closed:
        """The hook's slot, checked against the diary and the resources."""
        found = self._try(day, time, who)
        if isinstance(found, Appointment):
            return found
        return Closed(
            reason=f"the booking system's slot at {time:%H:%M} clashes with {found.describe()}",
            rule="diary",
            code="diary-full",
            message=Message(
                "closed.slot-clash",
                [Param("time", f"{time:%H:%M}"), *nested("other", [found.describe_message()])],
            ),
        )

    def _search(self, day: dt.date, spans: list[tuple[dt.time, dt.time]]) -> Appointment | Closed:
        """The earliest free slot on ``day``, with the preferred practitioner when possible."""
        people: list[tuple[str | None, list[tuple[dt.time, dt.time]]]] = []
        if not self.clinic.practitioners:
            people.append((None, spans))
        for person, leave in zip(self._staff, self._leave, strict=True):
            if leave.get(day) is not None:
                continue
            own = [h.span for h in person.hours if h.applies(day)] if person.hours else spans
            people.append((person.id, _intersect(spans, own)))
        people.sort(key=lambda p: p[0] != self.prefer)  # stable: file order otherwise
        turnover = self.clinic.turnover
        zone = self.clinic.zone
        ends = sorted(
            {
                (b.end + dt.timedelta(minutes=turnover)).astimezone(zone).time()
                for b in self._booked.get(day, ())
            }
        )
        best: Appointment | None = None
        blockers: list[Booking] = []
        for who, own in people:
            found = self._earliest(day, own, ends, who, blockers)
            if found is None:
                continue
            if who is not None and who == self.prefer:
                return found
            if best is None or found.start < best.start:
                best = found
        if best is not None:
            return best
        what = (
            ", ".join(["a qualified practitioner", *self._needs])
            if self._needs
            else ("a qualified practitioner")
        )
        named = f" (first in the way: {blockers[0].describe()})" if blockers else ""
        params = [Param("minutes", str(self._span()), "number")]
        if self._needs:
            params.append(Param("needs", ", ".join(self._needs)))
        if blockers:
            params += nested("other", [blockers[0].describe_message()])
        key = (
            "closed.diary-full"
            + (".needs" if self._needs else "")
            + (".in-the-way" * bool(blockers))
        )
        return Closed(
            reason=f"the diary is full: no {self._span()}-minute slot with {what} free{named}",
            rule="diary",
            code="diary-full",
            message=Message(key, params),
        )

    def _earliest(
        self,
        day: dt.date,
        spans: list[tuple[dt.time, dt.time]],
        ends: list[dt.time],
        who: str | None,
        blockers: list[Booking],
    ) -> Appointment | None:
        for opens, closes in spans:
            for time in [opens, *(t for t in ends if opens < t < closes)]:
                if not _fits(time, self._span(), opens, closes):
                    continue
                found = self._try(day, time, who)
                if isinstance(found, Appointment):
                    return found
                if not blockers:
                    blockers.append(found)
        return None

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
                    message=Message("closed.unqualified", [Param("protocol", self.protocol.id)]),
                ),
                None,
            )
        options: list[tuple[dt.time, int]] = []
        why: list[str] = []
        parts: list[Message] = []
        for index, (person, leave) in enumerate(zip(self._staff, self._leave, strict=True)):
            if leave.get(day) is not None:
                why.append(f"{person.id} on leave")
                parts.append(Message("staff.on-leave", [Param("practitioner", person.id)]))
                continue
            own = [h.span for h in person.hours if h.applies(day)] if person.hours else spans
            if not own:
                why.append(f"{person.id} not working")
                parts.append(Message("staff.off", [Param("practitioner", person.id)]))
                continue
            start = _overlap(spans, own, self.minutes or 0)
            if start is None:
                why.append(f"{person.id} has no {self.minutes}-minute slot")
                who = Param("practitioner", person.id)
                parts.append(Message("staff.no-slot", [who, Param("minutes", str(self.minutes))]))
                continue
            options.append((start, index))
        kept = [o for o in options if self._staff[o[1]].id == self.prefer]
        best = kept[0] if kept else min(options, default=None)
        if best is None:
            return (
                Closed(
                    reason=f"no practitioner qualified for {self.protocol.id} works that day "
                    f"({'; '.join(why)})",
                    rule="clinic.practitioners",
                    message=Message(
                        "closed.unstaffed",
                        [Param("protocol", self.protocol.id), *nested("why", parts)],
                    ),
                ),
                None,
            )
        return best[0], self._staff[best[1]].id

    def _too_short(self) -> Closed:
        return Closed(
            reason=f"the opening hours are shorter than the {self.minutes}-minute session",
            rule="clinic.hours",
            message=Message("closed.too-short", [Param("minutes", str(self.minutes))]),
        )


def _fits(start: dt.time, minutes: int, opens: dt.time, closes: dt.time) -> bool:
    """True when ``minutes`` from ``start`` lie inside ``opens .. closes``."""
    base = dt.date(2000, 1, 1)
    end = dt.datetime.combine(base, start) + dt.timedelta(minutes=minutes)
    return opens <= start and end <= dt.datetime.combine(base, closes)


def _intersect(
    a: list[tuple[dt.time, dt.time]], b: list[tuple[dt.time, dt.time]]
) -> list[tuple[dt.time, dt.time]]:
    """Spans inside both lists, earliest first."""
    out = {(max(x[0], y[0]), min(x[1], y[1])) for x in a for y in b}
    return sorted((s, e) for s, e in out if s < e)


def assign_appointments(
    days: ClinicDays,
    sessions: Sequence[PlannedSession],
    keys: Sequence[str] | None = None,
    milestones: Sequence[tuple[Milestone, ...] | None] | None = None,
) -> tuple[PlannedSession, ...]:
    """Give each ``planned`` session its appointment (start, chair minutes, practitioner).

    Sessions from the visit history (``done``, ``booked``) and sessions on a
    day the clinic does not allow keep what they have. ``keys``, one per
    session, fill in missing session keys in the same step, and ``milestones``
    (one per session, ``None`` to keep them) the session's milestones: one new
    value per session instead of three.
    """
    # Without a booking hook every appointment comes from the checked clinic and
    # protocol, and derived keys are valid: nothing to check again.
    evolve = attrs.evolve if days.clinic.availability is not None else _fastpaths.evolve
    out = []
    for i, session in enumerate(sessions):
        changes: dict[str, Any] = {}
        if keys is not None and session.key is None:
            changes["key"] = keys[i]
        if milestones is not None and milestones[i] is not None:
            changes["milestones"] = milestones[i]
        booked = days.appointment(session.date) if session.status == "planned" else None
        if booked is not None:
            changes.update(
                start=booked.start,
                minutes=booked.minutes,
                practitioner=booked.practitioner,
                resources=booked.resources,
            )
        if changes:
            session = evolve(session, **changes)
        out.append(session)
    return tuple(out)


def clinic_violations(
    days: ClinicDays, sessions: Iterable[tuple[int, dt.date]]
) -> list[Violation]:
    """A ``clinic-closed`` violation for each ``(number, date)`` the clinic does not allow."""
    out = []
    for number, day in sessions:
        closed = days.closed(day)
        if closed is not None and closed.rule != "diary":  # a full diary is checked by time
            out.append(
                Violation(
                    code="clinic-closed",
                    severity="error",
                    key="clinic-closed",
                    params=(
                        Param("session", str(number), "number"),
                        Param("date", day.isoformat(), "date"),
                        Param("clinic", days.clinic.name),
                        *nested("reason", [closed.message or closed.reason]),
                    ),
                    session=number,
                    date=day,
                    rule=closed.rule,
                )
            )
    return out
