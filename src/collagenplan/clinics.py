"""Clinics: opening days and hours, closures, public holidays, practitioners, free slots.

A plan is only useful when its dates can really be booked. A :class:`Clinic`
says when a session may happen:

* **opening hours** -- one or more :class:`OpeningHours` patterns: weekdays
  (``["tue", "sat"]``), optionally every *n* weeks from a start date, or an
  RFC 5545 ``RRULE`` for monthly patterns (``"FREQ=MONTHLY;BYDAY=1SA"``);
* **closures** -- single dates and date ranges (:class:`Closure`);
* **public holidays** -- a country and subdivision, read from the optional
  ``holidays`` package (``pip install 'collagenplan[holidays]'``);
* **practitioners** -- who is qualified for which protocol, their own working
  days and their leave (:class:`Practitioner`);
* **an availability hook** -- any object with a ``free_slot`` method
  (:class:`Availability`), so clinic software can answer from its real
  booking state instead of "open means free".

A session of a protocol is *allowed* on a day when the clinic is open, no
closure or holiday falls on it, a qualified practitioner works (when the
clinic lists practitioners), the opening hours hold the protocol's chair
time, and the availability hook (if any) has a free slot.

Appointment times are local wall-clock times in the clinic's IANA time zone
(:mod:`zoneinfo`), so a 10:00 appointment stays at 10:00 across daylight
saving changes.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

import attrs
from dateutil.rrule import rrule, rrulestr

from ._checks import is_bool, is_kebab, is_optional, is_str, is_tuple_of
from ._fields import (
    Fields,
    _typename,
    check_kebab,
    parse_document,
    read_file,
    to_tuple,
)
from .errors import ClinicError, MissingHolidaysError
from .protocols.model import Protocol as TreatmentProtocol
from .results import Violation
from .sessions import PlannedSession

if TYPE_CHECKING:  # pragma: no cover
    from holidays import HolidayBase

__all__ = [
    "WEEKDAYS",
    "Appointment",
    "Availability",
    "Clinic",
    "ClinicDays",
    "Closed",
    "Closure",
    "OpeningHours",
    "Practitioner",
    "PublicHolidays",
    "Slot",
    "assign_appointments",
    "clinic_from_dict",
    "clinic_violations",
    "load_clinic",
    "local_datetime",
    "parse_clinic",
]

E = ClinicError
CLINIC_SCHEMA = 1
"""The clinic file schema this version of collagenplan reads."""

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names as written in clinic files, Monday first (``date.weekday()`` order)."""

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_FREQ = re.compile(r"(?:^|;)FREQ=([A-Z]+)(?:;|$)")
_DATE_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
_TIME_TEXT = re.compile(r"(\d{2}):(\d{2})(?::(\d{2}))?")


# --------------------------------------------------------------------- values


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


def _is_date(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise E(f"must be a datetime.date, got {_typename(value)}", path=attribute.name)


def _weekdays(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise E(f"must be a tuple of weekday names, got {_typename(value)}", path=attribute.name)
    seen: set[str] = set()
    for i, day in enumerate(value):
        if day not in WEEKDAYS:
            raise E(
                f"must be one of {', '.join(WEEKDAYS)}; got {day!r}", path=f"{attribute.name}[{i}]"
            )
        if day in seen:
            raise E(f"repeats {day!r}", path=f"{attribute.name}[{i}]")
        seen.add(day)


@functools.lru_cache(maxsize=64)
def _compile_rule(text: str, starts: dt.date) -> rrule:
    """Parse an RRULE for date patterns; raises ClinicError naming the problem."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if "\n" in body or "DTSTART" in body.upper():
        raise E(
            "must be a single RRULE without DTSTART (write the first date as 'starts')",
            path="rule",
        )
    freq = _FREQ.search(body.upper())
    if freq is None:
        raise E(f"must give FREQ (one of {', '.join(_DATE_FREQS)}), got {text!r}", path="rule")
    if freq.group(1) not in _DATE_FREQS:
        raise E(
            f"FREQ must be one of {', '.join(_DATE_FREQS)} (opening hours give the times), "
            f"got {freq.group(1)}",
            path="rule",
        )
    try:
        parsed = rrulestr(body, dtstart=dt.datetime.combine(starts, dt.time()))
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise E(f"is not a valid RRULE ({exc}): {text!r}", path="rule") from None
    if not isinstance(parsed, rrule):  # pragma: no cover - a single line always gives an rrule
        raise E(f"must be a single RRULE, got {text!r}", path="rule")
    return parsed


@functools.lru_cache(maxsize=256)
def _rule_dates(text: str, starts: dt.date, year: int) -> frozenset[dt.date]:
    """The dates ``text`` (from ``starts``) yields in ``year``, computed once per year."""
    rule = _compile_rule(text, starts)
    first = dt.datetime(year, 1, 1)
    last = dt.datetime(year, 12, 31, 23, 59, 59)
    return frozenset(moment.date() for moment in rule.between(first, last, inc=True))


@attrs.frozen(kw_only=True)
class OpeningHours:
    """One opening pattern: on which days, and from when to when.

    Give either ``days`` (weekday names, optionally ``every`` *n* weeks
    counted from the week of ``starts``) or ``rule`` (an RFC 5545 RRULE of
    frequency DAILY, WEEKLY, MONTHLY or YEARLY, counted from ``starts``, for
    patterns such as "the first Saturday of the month":
    ``"FREQ=MONTHLY;BYDAY=1SA"``). Hours apply to every day of the pattern.
    """

    opens: dt.time = attrs.field(validator=_is_time)
    """Local opening time."""
    closes: dt.time = attrs.field(validator=_is_time)
    """Local closing time; later than ``opens`` on the same day."""
    days: tuple[str, ...] = attrs.field(default=(), converter=to_tuple, validator=_weekdays)
    """Weekday names (``mon`` .. ``sun``); empty when ``rule`` is given."""
    every: int = attrs.field(default=1)
    """With ``days``: open every *n*-th week, counted from the week of ``starts``."""
    rule: str | None = attrs.field(default=None, validator=is_optional(is_str(E)))
    """An RRULE (``FREQ=MONTHLY;BYDAY=1SA``) instead of ``days``; needs ``starts``."""
    starts: dt.date | None = attrs.field(default=None, validator=is_optional(_is_date))
    """First date the pattern applies (required with ``every`` > 1 and with ``rule``)."""
    ends: dt.date | None = attrs.field(default=None, validator=is_optional(_is_date))
    """Last date the pattern applies, if it stops."""

    def __attrs_post_init__(self) -> None:
        if isinstance(self.every, bool) or not isinstance(self.every, int) or self.every < 1:
            raise E(f"must be a whole number of weeks >= 1, got {self.every!r}", path="every")
        if self.opens >= self.closes:
            raise E(
                f"must be later than opens (got {self.closes.isoformat('minutes')} <= "
                f"{self.opens.isoformat('minutes')}); overnight opening is not supported",
                path="closes",
            )
        if self.rule is None and not self.days:
            raise E("give the weekdays ('days') or an RRULE ('rule')", path="days")
        if self.rule is not None and self.days:
            raise E("give either 'days' or 'rule', not both", path="rule")
        if self.rule is not None and self.every != 1:
            raise E("only applies with 'days'; put INTERVAL in the rule instead", path="every")
        if (self.every > 1 or self.rule is not None) and self.starts is None:
            what = "'every' > 1" if self.rule is None else "'rule'"
            raise E(f"is required with {what}: the date the pattern counts from", path="starts")
        if self.starts is not None and self.ends is not None and self.ends < self.starts:
            raise E(f"must not be before starts ({self.ends} < {self.starts})", path="ends")
        if self.rule is not None and self.starts is not None:
            _compile_rule(self.rule, self.starts)

    def applies(self, day: dt.date) -> bool:
        """True when the pattern opens the clinic on ``day``."""
        if self.starts is not None and day < self.starts:
            return False
        if self.ends is not None and day > self.ends:
            return False
        if self.rule is not None and self.starts is not None:
            return day in _rule_dates(self.rule, self.starts, day.year)
        if WEEKDAYS[day.weekday()] not in self.days:
            return False
        if self.every > 1 and self.starts is not None:
            monday = self.starts - dt.timedelta(days=self.starts.weekday())
            return ((day - monday).days // 7) % self.every == 0
        return True

    @property
    def span(self) -> tuple[dt.time, dt.time]:
        """``(opens, closes)``."""
        return self.opens, self.closes


@attrs.frozen(kw_only=True)
class Closure:
    """Dates the clinic is closed (or, in a practitioner's ``leave``, away)."""

    start: dt.date = attrs.field(validator=_is_date)
    """First closed date."""
    end: dt.date | None = attrs.field(default=None, validator=is_optional(_is_date))
    """Last closed date (inclusive); ``None`` for a single day."""
    reason: str | None = attrs.field(default=None, validator=is_optional(is_str(E)))
    """Why (shown in messages): ``"Christmas"``, ``"refurbishment"``."""

    def __attrs_post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise E(f"must not be before start ({self.end} < {self.start})", path="end")

    @property
    def last(self) -> dt.date:
        """The last closed date (``end``, or ``start`` for a single day)."""
        return self.end if self.end is not None else self.start

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.last


def _holidays_module() -> Any:
    try:
        import holidays
    except ImportError:
        raise MissingHolidaysError(
            "public holidays need the optional 'holidays' package; "
            "install it with: pip install 'collagenplan[holidays]'"
        ) from None
    return holidays


@functools.lru_cache(maxsize=32)
def _holiday_calendar(country: str, subdivision: str | None, observed: bool) -> HolidayBase:
    module = _holidays_module()
    try:
        found: HolidayBase = module.country_holidays(
            country, subdiv=subdivision, observed=observed
        )
    except NotImplementedError as exc:
        subdivision_problem = subdivision is not None and "subdivision" in str(exc)
        path = "subdivision" if subdivision_problem else "country"
        raise E(f"the holidays package does not know it: {exc}", path=path) from None
    return found


@attrs.frozen(kw_only=True)
class PublicHolidays:
    """Close on a country's public holidays (needs ``collagenplan[holidays]``)."""

    country: str = attrs.field(validator=is_str(E))
    """ISO 3166-1 alpha-2 country code (``"GB"``, ``"US"``, ``"DE"``)."""
    subdivision: str | None = attrs.field(default=None, validator=is_optional(is_str(E)))
    """State, province or nation code (``"ENG"``, ``"CA"``, ``"BY"``), if any."""
    observed: bool = attrs.field(default=True, validator=is_bool(E))
    """Also close on substitute days when a holiday falls on a weekend."""

    def __attrs_post_init__(self) -> None:
        _holiday_calendar(self.country, self.subdivision, self.observed)

    def name(self, day: dt.date) -> str | None:
        """The holiday's name on ``day``, or ``None`` when it is not a holiday."""
        found = _holiday_calendar(self.country, self.subdivision, self.observed).get(day)
        return None if found is None else str(found)


def _unique_ids(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    seen: dict[str, int] = {}
    items: tuple[Practitioner, ...] = value  # type: ignore[assignment]
    for i, item in enumerate(items):
        if item.id in seen:
            raise E(
                f"repeats id {item.id!r} (already at practitioners[{seen[item.id]}])",
                path=f"{attribute.name}[{i}].id",
            )
        seen[item.id] = i


def _treatments(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    is_tuple_of(E, str, "a protocol id")(instance, attribute, value)
    if not value:
        raise E("must name at least one protocol id", path=attribute.name)
    names: tuple[str, ...] = value  # type: ignore[assignment]
    for i, item in enumerate(names):
        check_kebab(item, "a protocol id", E, f"{attribute.name}[{i}]")


@attrs.frozen(kw_only=True)
class Practitioner:
    """Someone who performs sessions: what they are qualified for, when they work."""

    id: str = attrs.field(validator=is_kebab(E))
    """Short kebab-case id, shown on planned sessions (``okafor``)."""
    treatments: tuple[str, ...] = attrs.field(converter=to_tuple, validator=_treatments)
    """Protocol ids they are qualified to perform (``facial-series``)."""
    name: str | None = attrs.field(default=None, validator=is_optional(is_str(E)))
    """Display name (``Dr Amara Okafor``)."""
    hours: tuple[OpeningHours, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(E, OpeningHours, "OpeningHours")
    )
    """When they work; empty means whenever the clinic is open."""
    leave: tuple[Closure, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(E, Closure, "a Closure")
    )
    """Dates they are away."""

    def qualified(self, protocol_id: str) -> bool:
        """True when they may perform sessions of ``protocol_id``."""
        return protocol_id in self.treatments

    def on_leave(self, day: dt.date) -> bool:
        """True when ``day`` falls in one of their leave periods."""
        return any(day in period for period in self.leave)


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


def _is_availability(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not callable(getattr(value, "free_slot", None)):
        raise E(
            f"must have a free_slot(protocol, day, *, minutes) method, got {_typename(value)}",
            path=attribute.name,
        )


def _is_zone(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise E(f"must be an IANA time zone name, got {_typename(value)}", path=attribute.name)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise E(
            f"unknown time zone {value!r}; use an IANA name such as 'Europe/London'",
            path=attribute.name,
        ) from None


@attrs.frozen(kw_only=True)
class Clinic:
    """Where sessions happen: opening hours, closures, holidays, practitioners, a time zone.

    Build one with :func:`load_clinic` / :func:`parse_clinic` or directly.
    Pass it to :func:`~collagenplan.plan` and :func:`~collagenplan.validate`
    as ``clinic=``.
    """

    id: str = attrs.field(validator=is_kebab(E))
    """Stable identifier, kebab-case."""
    name: str = attrs.field(validator=is_str(E))
    """Human-readable name."""
    timezone: str = attrs.field(validator=_is_zone)
    """IANA time zone name (``Europe/London``); appointment times are local to it."""
    hours: tuple[OpeningHours, ...] = attrs.field(
        converter=to_tuple, validator=is_tuple_of(E, OpeningHours, "OpeningHours")
    )
    """Opening patterns; a day is open when at least one applies."""
    closures: tuple[Closure, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(E, Closure, "a Closure")
    )
    """Closed dates and date ranges."""
    holidays: PublicHolidays | None = attrs.field(default=None)
    """Public holidays to close on, if any."""
    practitioners: tuple[Practitioner, ...] = attrs.field(
        default=(),
        converter=to_tuple,
        validator=[is_tuple_of(E, Practitioner, "a Practitioner"), _unique_ids],
    )
    """Staff; when empty, staffing is not modelled and any open day will do."""
    availability: Availability | None = attrs.field(default=None, validator=_is_availability)
    """A live booking hook (see :class:`Availability`); never read from a file."""
    schema: int = attrs.field(default=CLINIC_SCHEMA)
    """The clinic file schema version."""

    def __attrs_post_init__(self) -> None:
        if isinstance(self.schema, bool) or self.schema != CLINIC_SCHEMA:
            raise E(
                f"unsupported schema {self.schema!r}; this version reads schema {CLINIC_SCHEMA}",
                path="schema",
            )
        if not self.hours:
            raise E("must have at least one opening pattern", path="hours")
        if self.holidays is not None and not isinstance(self.holidays, PublicHolidays):
            raise E(f"must be PublicHolidays, got {_typename(self.holidays)}", path="holidays")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The clinic's time zone."""
        return zoneinfo.ZoneInfo(self.timezone)

    def with_availability(self, hook: Availability | None) -> Clinic:
        """A copy of this clinic that asks ``hook`` for free slots."""
        return attrs.evolve(self, availability=hook)

    def opening(self, day: dt.date) -> tuple[tuple[dt.time, dt.time], ...]:
        """Opening spans on ``day`` (empty when closed by pattern, closure or holiday)."""
        if self.closed_reason(day) is not None:
            return ()
        return tuple(sorted({h.span for h in self.hours if h.applies(day)}))

    def closed_reason(self, day: dt.date) -> str | None:
        """Why the clinic is closed on ``day``, or ``None`` when it opens."""
        found = ClinicDays._clinic_closed(self, day, None)
        return None if found is None else found.reason

    def is_open(self, day: dt.date) -> bool:
        """True when the clinic opens on ``day``.

        This makes a clinic usable wherever an opening calendar is asked for,
        such as :attr:`collagenplan.Supply.calendar` in capacity scenarios.
        """
        return self.closed_reason(day) is None

    def check(self, protocol: TreatmentProtocol, day: dt.date) -> Closed | None:
        """Why a session of ``protocol`` cannot be on ``day``, or ``None`` when it can."""
        return ClinicDays(self, protocol).closed(day)

    def appointment(self, protocol: TreatmentProtocol, day: dt.date) -> Appointment | None:
        """The appointment a session of ``protocol`` would get on ``day``, if allowed."""
        return ClinicDays(self, protocol).appointment(day)


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
    minutes: int
    """Chair minutes, from the protocol."""
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


def _day_set(periods: Sequence[Closure]) -> dict[dt.date, int]:
    """Each closed date mapped to the index of the first period covering it."""
    out: dict[dt.date, int] = {}
    one = dt.timedelta(days=1)
    for index, period in enumerate(periods):
        day = period.start
        while day <= period.last:
            out.setdefault(day, index)
            if day == dt.date.max:
                break
            day += one
    return out


def _overlap(
    a: Iterable[tuple[dt.time, dt.time]], b: Iterable[tuple[dt.time, dt.time]], minutes: int
) -> dt.time | None:
    """Earliest start inside both span lists that leaves ``minutes`` before either closes."""
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


class ClinicDays:
    """A clinic's calendar for one protocol: which days are allowed, and at what time.

    Built once per plan or validation; it remembers each day it has decided,
    so the availability hook is asked at most once per day.
    """

    __slots__ = ("_cache", "_closed", "_leave", "_staff", "clinic", "minutes", "protocol")

    def __init__(self, clinic: Clinic, protocol: TreatmentProtocol) -> None:
        if not isinstance(clinic, Clinic):
            raise E(f"must be a Clinic, got {_typename(clinic)}", path="clinic")
        self.clinic = clinic
        self.protocol = protocol
        self.minutes = protocol.session.chair_minutes
        self._closed = _day_set(clinic.closures)
        self._staff = [p for p in clinic.practitioners if p.qualified(protocol.id)]
        self._leave = [_day_set(p.leave) for p in self._staff]
        self._cache: dict[dt.date, Appointment | Closed] = {}

    @staticmethod
    def _clinic_closed(
        clinic: Clinic, day: dt.date, closed: dict[dt.date, int] | None
    ) -> Closed | None:
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
        shut = self._clinic_closed(clinic, day, self._closed)
        if shut is not None:
            return shut
        spans = sorted({h.span for h in clinic.hours if h.applies(day)})
        start, who = self._staffed(day, spans)
        if isinstance(start, Closed):
            return start
        if clinic.availability is not None:
            slot = clinic.availability.free_slot(self.protocol, day, minutes=self.minutes)
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
            start = _overlap(spans, spans, self.minutes)
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
            if day in leave:
                why.append(f"{person.id} on leave")
                continue
            own = [h.span for h in person.hours if h.applies(day)] if person.hours else spans
            if not own:
                why.append(f"{person.id} not working")
                continue
            start = _overlap(spans, own, self.minutes)
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


# --------------------------------------------------------------------- files


def parse_clinic(
    text: str, format: Literal["toml", "json"] = "toml", *, source: str | None = None
) -> Clinic:
    """Parse clinic text (TOML or JSON, same structure) into a :class:`Clinic`.

    Raises:
        ClinicError: the text is not valid TOML/JSON or breaks a clinic rule;
            the message names the file and the key path (``hours[1].closes``).
    """
    return parse_document(text, format, E, source, clinic_from_dict)


def load_clinic(path: str | Path) -> Clinic:
    """Load a clinic file; the format follows the suffix (``.toml`` or ``.json``).

    Raises:
        ClinicError: the file is missing, unreadable or invalid.
    """
    text, fmt, source = read_file(path, E)
    return parse_clinic(text, fmt, source=source)


def clinic_from_dict(data: object) -> Clinic:
    """Build a :class:`Clinic` from the parsed structure of a clinic file."""
    top = Fields(data, "", E)
    schema = top.schema(CLINIC_SCHEMA)
    if not top.has("hours"):
        raise top.fail("hours", "is required: add at least one [[hours]] table")
    holidays = top.table("holidays", optional=True)
    return top.build(
        Clinic,
        schema=schema,
        id=top.kebab("id"),
        name=top.string("name"),
        timezone=top.string("timezone"),
        hours=tuple(_hours(f) for f in top.tables("hours")),
        closures=tuple(_closure(f) for f in top.tables("closures")),
        holidays=None if holidays is None else _holidays(holidays),
        practitioners=tuple(_practitioner(f) for f in top.tables("practitioners")),
    )


def _time(f: Fields, key: str) -> dt.time:
    value = f.raw(key)
    where = f"{f.path}.{key}" if f.path else key
    if isinstance(value, dt.time):
        if value.tzinfo is not None:
            raise E("must be a local time without an offset", path=where)
        return value
    if isinstance(value, str):
        match = _TIME_TEXT.fullmatch(value.strip())
        if match:
            hour, minute, second = (int(g) if g else 0 for g in match.groups())
            if hour < 24 and minute < 60 and second < 60:
                return dt.time(hour, minute, second)
    shown = repr(value) if isinstance(value, str) else _typename(value)
    raise E(f"must be a time of day written HH:MM, got {shown}", path=where)


def _hours(f: Fields) -> OpeningHours:
    return f.build(
        OpeningHours,
        days=f.strings("days", ()),
        opens=_time(f, "opens"),
        closes=_time(f, "closes"),
        every=f.integer("every", 1, minimum=1),
        rule=f.string("rule", None),
        starts=f.date("starts", None),
        ends=f.date("ends", None),
    )


def _closure(f: Fields) -> Closure:
    return f.build(
        Closure,
        start=f.date("start"),
        end=f.date("end", None),
        reason=f.string("reason", None),
    )


def _holidays(f: Fields) -> PublicHolidays:
    return f.build(
        PublicHolidays,
        country=f.string("country"),
        subdivision=f.string("subdivision", None),
        observed=f.boolean("observed", True),
    )


def _practitioner(f: Fields) -> Practitioner:
    return f.build(
        Practitioner,
        id=f.kebab("id"),
        name=f.string("name", None),
        treatments=f.strings("treatments", kebab=True),
        hours=tuple(_hours(h) for h in f.tables("hours")),
        leave=tuple(_closure(c) for c in f.tables("leave")),
    )
