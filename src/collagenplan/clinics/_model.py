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
import inspect
import re
import zoneinfo
from typing import TYPE_CHECKING, Any

import attrs
from dateutil.rrule import rrule, rrulestr

from .._checks import (
    is_bool,
    is_date,
    is_kebab,
    is_optional,
    is_positive_int,
    is_str,
    is_tuple_of,
)
from .._fields import _typename, check_kebab, iana_zone, renamed, to_tuple
from .._reader import HINT, READ
from ..errors import ClinicError, MissingHolidaysError
from ..protocols.model import Protocol as TreatmentProtocol
from ._days import (
    Appointment,
    Availability,
    ClinicDays,
    Closed,
    _is_time,
    clinic_closed,
)
from ._diary import Resource

if TYPE_CHECKING:  # pragma: no cover
    from holidays import HolidayBase

__all__ = [
    "SCHEMA_VERSION",
    "WEEKDAYS",
    "Clinic",
    "Closure",
    "OpeningHours",
    "Practitioner",
    "PublicHolidays",
]

E = ClinicError
SCHEMA_VERSION = 1
"""The clinic file schema this version of collagenplan reads."""

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names as written in clinic files, Monday first (``date.weekday()`` order)."""

_FREQ = re.compile(r"(?:^|;)FREQ=([A-Z]+)(?:;|$)")
_DATE_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
_is_date = is_date(E)


# --------------------------------------------------------------------- values


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
            "must be a single RRULE without DTSTART (write the first date as 'start')",
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
    for part in ("INTERVAL", "COUNT"):
        found = re.search(rf"(?:^|;){part}=([^;]*)", body.upper())
        if found is not None and (not found.group(1).isdigit() or int(found.group(1)) < 1):
            raise E(f"{part} must be a whole number of at least 1, got {text!r}", path="rule")
    start = dt.datetime.combine(starts, dt.time())
    try:
        parsed = rrulestr(body, dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise E(f"is not a valid RRULE ({exc}): {text!r}", path="rule") from None
    if not isinstance(parsed, rrule):  # pragma: no cover - a single line always gives an rrule
        raise E(f"must be a single RRULE, got {text!r}", path="rule")
    _check_rule_matches(parsed, start, text)
    return parsed


def _check_rule_matches(parsed: rrule, start: dt.datetime, text: str) -> None:
    """Refuse a rule that gives no date from ``start`` on, without an unbounded search.

    dateutil looks for the next date period by period until year 9999 when
    nothing ever matches (``BYMONTHDAY=30`` in February: minutes for a DAILY
    rule). The Gregorian calendar repeats every 400 years (a whole number of
    weeks), so the same rule started 400k years later, within 800 years of
    9999, meets every case the rule can meet: if it finds nothing there, the
    rule never matches. Once it does match, every later search ends within
    800 years of rule periods.
    """
    shifted = start.replace(year=9200 + start.year % 400)
    probe = parsed.replace(dtstart=shifted, count=None, until=None)
    try:
        matches = probe.after(shifted, inc=True) is not None
        first = parsed.after(start, inc=True) if matches else None
    except (ValueError, OverflowError) as exc:
        raise E(f"is not a valid RRULE ({exc}): {text!r}", path="rule") from None
    if not matches:
        raise E(
            "never gives a date (no calendar day has what it asks, such as "
            f"BYMONTHDAY=30 in February): {text!r}",
            path="rule",
        )
    if first is None:
        raise E(
            f"gives no date on or after start ({start.date().isoformat()}): its UNTIL or "
            f"COUNT ends it first: {text!r}",
            path="rule",
        )


@functools.lru_cache(maxsize=256)
def _rule_dates(text: str, starts: dt.date, year: int) -> frozenset[dt.date]:
    """The dates ``text`` (from ``starts``) yields in ``year``, computed once per year."""
    rule = _compile_rule(text, starts)
    first = dt.datetime(year, 1, 1)
    last = dt.datetime(year, 12, 31, 23, 59, 59)
    return frozenset(moment.date() for moment in rule.between(first, last, inc=True))


@renamed(starts="start", ends="end")
@attrs.frozen(kw_only=True)
class OpeningHours:
    """One opening pattern: on which days, and from when to when.

    Give either ``days`` (weekday names, optionally ``every`` *n* weeks
    counted from the week of ``start``) or ``rule`` (an RFC 5545 RRULE of
    frequency DAILY, WEEKLY, MONTHLY or YEARLY, counted from ``start``, for
    patterns such as "the first Saturday of the month":
    ``"FREQ=MONTHLY;BYDAY=1SA"``). Hours apply to every day of the pattern.
    """

    opens: dt.time = attrs.field(validator=_is_time)
    """Local opening time."""
    closes: dt.time = attrs.field(validator=_is_time)
    """Local closing time; later than ``opens`` on the same day."""
    days: tuple[str, ...] = attrs.field(default=(), converter=to_tuple, validator=_weekdays)
    """Weekday names (``mon`` .. ``sun``); empty when ``rule`` is given."""
    every: int = attrs.field(default=1, validator=is_positive_int(E))
    """With ``days``: open every *n*-th week, counted from the week of ``start``."""
    rule: str | None = attrs.field(default=None, validator=is_optional(is_str(E)))
    """An RRULE (``FREQ=MONTHLY;BYDAY=1SA``) instead of ``days``; needs ``start``."""
    start: dt.date | None = attrs.field(default=None, validator=is_optional(_is_date))
    """First date the pattern applies (required with ``every`` > 1 and with ``rule``)."""
    end: dt.date | None = attrs.field(default=None, validator=is_optional(_is_date))
    """Last date the pattern applies, if it stops."""

    def __attrs_post_init__(self) -> None:
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
        if (self.every > 1 or self.rule is not None) and self.start is None:
            what = "'every' > 1" if self.rule is None else "'rule'"
            raise E(f"is required with {what}: the date the pattern counts from", path="start")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise E(f"must not be before start ({self.end} < {self.start})", path="end")
        if self.rule is not None and self.start is not None:
            _compile_rule(self.rule, self.start)

    def applies(self, day: dt.date) -> bool:
        """True when the pattern opens the clinic on ``day``."""
        if self.start is not None and day < self.start:
            return False
        if self.end is not None and day > self.end:
            return False
        if self.rule is not None and self.start is not None:
            return day in _rule_dates(self.rule, self.start, day.year)
        if WEEKDAYS[day.weekday()] not in self.days:
            return False
        if self.every > 1 and self.start is not None:
            monday = self.start - dt.timedelta(days=self.start.weekday())
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


def _is_availability(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not callable(getattr(value, "free_slot", None)):
        raise E(
            f"must have a free_slot(protocol, day, *, minutes) method, got {_typename(value)}",
            path=attribute.name,
        )
    # Diary (issue 14, E3): the method's signature is checked here, not at plan time.
    if value is not None:
        _check_hook_signature(value, attribute.name)


def _check_hook_signature(hook: object, path: str) -> None:
    """Raise ClinicError when ``hook.free_slot`` cannot be called as the planner calls it."""
    method = getattr(hook, "free_slot")  # noqa: B009 - hook is any object
    try:
        signature = inspect.signature(method)
    except (TypeError, ValueError):  # a builtin without a signature: trust it
        return
    try:
        signature.bind(None, dt.date(2000, 1, 1), minutes=0)
    except TypeError as exc:
        raise E(
            f"free_slot of {_typename(hook)} must accept (protocol, day, *, minutes); "
            f"its signature is {signature} ({exc})",
            path=path,
        ) from None


def _unique_resources(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    is_tuple_of(E, Resource, "a Resource")(instance, attribute, value)
    seen: dict[str, int] = {}
    items: tuple[Resource, ...] = value  # type: ignore[assignment]
    for i, item in enumerate(items):
        if item.id in seen:
            raise E(
                f"repeats id {item.id!r} (already at resources[{seen[item.id]}])",
                path=f"{attribute.name}[{i}].id",
            )
        seen[item.id] = i


def _is_minutes(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise E(f"must be a whole number of minutes >= 0, got {value!r}", path=attribute.name)


def _is_zone(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise E(f"must be an IANA time zone name, got {_typename(value)}", path=attribute.name)
    if iana_zone(value) is None:
        raise E(
            f"unknown time zone {value!r}; use an IANA name such as 'Europe/London'",
            path=attribute.name,
        )


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
    address: str | None = attrs.field(default=None, validator=is_optional(is_str(E)))
    """Postal address, for calendar LOCATION and client-facing text (optional)."""
    timezone: str = attrs.field(validator=_is_zone)
    """IANA time zone name (``Europe/London``); appointment times are local to it."""
    hours: tuple[OpeningHours, ...] = attrs.field(
        converter=to_tuple,
        validator=is_tuple_of(E, OpeningHours, "OpeningHours"),
        metadata={HINT: "add at least one [[hours]] table"},
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
    # Diary (issue 14): rooms, chairs and devices, and the gap between appointments.
    resources: tuple[Resource, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_unique_resources
    )
    """Rooms, chairs and devices, with the treatments that need one of their kind."""
    turnover: int = attrs.field(default=0, validator=_is_minutes)
    """Minutes kept free after each appointment (cleaning, notes) for its
    practitioner and resources, when booking against a diary."""
    availability: Availability | None = attrs.field(
        default=None, validator=_is_availability, metadata={READ: False}
    )
    """A live booking hook (see :class:`Availability`); never read from a file."""
    schema: int = attrs.field(default=SCHEMA_VERSION)
    """The clinic file schema version."""

    def __attrs_post_init__(self) -> None:
        if isinstance(self.schema, bool) or self.schema != SCHEMA_VERSION:
            raise E(
                f"unsupported schema {self.schema!r}; this version reads schema {SCHEMA_VERSION}",
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
        found = clinic_closed(self, day)
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
