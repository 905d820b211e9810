"""Durations: a number of calendar months, days and hours.

The canonical text form is an integer and a unit -- ``h`` hours, ``d`` days,
``w`` weeks, ``m`` calendar months, ``y`` years (``"48h"``, ``"5d"``,
``"4w"``, ``"6m"``, ``"1y"``). A duration that mixes kinds is written as one
term per kind, largest first (``"1m15d"``). ISO 8601 durations (``"P4W"``,
``"P1Y2M"``, ``"PT48H"``) are accepted too.

A duration stores three independent amounts, because they do not convert into
each other: a calendar month is 28 to 31 days, and 24 hours are only a day for
dates (see :meth:`Duration.add_to`). Years are kept as 12 months and weeks as
7 days, so ``Duration.parse("12m") == Duration.parse("1y")``; the canonical
form uses the larger unit whenever it divides exactly.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re

import attrs
from dateutil.relativedelta import relativedelta

from .errors import DurationError

__all__ = ["Duration"]

_SHORT = re.compile(r"(?:(\d+)y)?(?:(\d+)m)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?")
_ISO = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?)?", re.I)
# Largest value accepted for any one amount: far beyond any clinical use, and
# small enough that date arithmetic errors come from the calendar, not from
# integer conversion inside dateutil.
_LIMIT = 10**6
_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _non_negative(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DurationError(
            f"must be a whole number, got {type(value).__name__} {value!r}", path=attribute.name
        )
    if value < 0:
        raise DurationError(f"must not be negative, got {value}", path=attribute.name)
    if value > _LIMIT:
        raise DurationError(f"must be at most {_LIMIT}, got {value}", path=attribute.name)


@attrs.frozen(order=False)
class Duration:
    """A non-negative span of calendar months, days and hours.

    Build one with :meth:`parse` (``Duration.parse("6w")``) or with keywords
    (``Duration(days=5)``). Two durations are equal when their months, days
    and hours are equal, so ``"2w" == "14d"`` and ``"1y" == "12m"``.
    """

    months: int = attrs.field(default=0, kw_only=True, validator=_non_negative)
    """Calendar months (a year is 12)."""
    days: int = attrs.field(default=0, kw_only=True, validator=_non_negative)
    """Days (a week is 7)."""
    hours: int = attrs.field(default=0, kw_only=True, validator=_non_negative)
    """Hours. Added to a date, they round up to whole days."""
    _step: dt.timedelta = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        # The whole-day part as a timedelta, computed once: planning adds
        # durations to dates in its inner loop.
        object.__setattr__(self, "_step", dt.timedelta(days=self.whole_days))

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse the canonical form (``"5d"``, ``"1m15d"``) or ISO 8601 (``"P4W"``).

        Raises:
            DurationError: the text is not a duration.
        """
        if not isinstance(text, str):
            raise DurationError(
                f"expected a duration text such as '4w' or 'P4W', got {type(text).__name__}"
            )
        stripped = text.strip()
        for pattern in (_ISO, _SHORT) if stripped[:1] in ("P", "p") else (_SHORT,):
            match = pattern.fullmatch(stripped)
            if match and any(g is not None for g in match.groups()):
                y, m, w, d, h = (int(g) if g is not None else 0 for g in match.groups())
                if max(y, m, w, d, h) > _LIMIT:
                    raise DurationError(f"duration {text!r} is too large")
                return cls(months=12 * y + m, days=7 * w + d, hours=h)
        raise DurationError(
            f"{text!r} is not a duration; write an integer and a unit "
            "(h, d, w, m, y) such as '48h', '5d', '4w', '6m', '1y', or ISO 8601 such as 'P4W'"
        )

    def __str__(self) -> str:
        parts = []
        if self.months:
            parts.append(f"{self.months // 12}y" if self.months % 12 == 0 else f"{self.months}m")
        if self.days:
            parts.append(f"{self.days // 7}w" if self.days % 7 == 0 else f"{self.days}d")
        if self.hours:
            parts.append(f"{self.hours}h")
        return "".join(parts) or "0d"

    def __repr__(self) -> str:
        return f"Duration.parse({str(self)!r})"

    def words(self) -> str:
        """The duration in words for people, in the units of its text form:
        ``"6 months"``, ``"1 year"``, ``"2 weeks"``, ``"24 hours"`` ("6m"
        reads as six minutes to a client)."""

        def unit(count: int, name: str) -> str:
            return f"{count} {name}" if count == 1 else f"{count} {name}s"

        parts = []
        if self.months:
            years, months = divmod(self.months, 12)
            parts.append(unit(years, "year") if not months else unit(self.months, "month"))
        if self.days:
            weeks, days = divmod(self.days, 7)
            parts.append(unit(weeks, "week") if not days else unit(self.days, "day"))
        if self.hours:
            parts.append(unit(self.hours, "hour"))
        return " ".join(parts) or "0 days"

    def isoformat(self) -> str:
        """The ISO 8601 form, for example ``"P1Y2M"`` or ``"PT48H"``."""
        out = "P"
        years, months = divmod(self.months, 12)
        out += f"{years}Y" if years else ""
        out += f"{months}M" if months else ""
        out += f"{self.days}D" if self.days else ""
        out += f"T{self.hours}H" if self.hours else ""
        return out if out != "P" else "P0D"

    def __bool__(self) -> bool:
        return bool(self.months or self.days or self.hours)

    @property
    def whole_days(self) -> int:
        """Days plus hours rounded up to whole days (months not included)."""
        return self.days + -(-self.hours // 24)

    def add_to(self, day: dt.date) -> dt.date:
        """Return ``day`` plus this duration.

        Months are added first, clamping to the last day of a shorter month
        (31 Jan + 1m = 28 Feb; 29 Feb 2028 + 1y = 28 Feb 2029), then days.
        Hours round up to whole days: a 24h or 30h restriction that starts on
        a session day ends 1 or 2 days later, the cautious reading when the
        time of day is not known.

        Raises:
            DurationError: the result would fall outside the supported dates.
        """
        if not self.months and type(day) is dt.date:
            try:
                return day + self._step
            except OverflowError:
                pass  # reported with the full message below
        return self._apply(day, 1)

    def subtract_from(self, day: dt.date) -> dt.date:
        """Return ``day`` minus this duration, with the same rules as :meth:`add_to`."""
        if not self.months and type(day) is dt.date:
            try:
                return day - self._step
            except OverflowError:
                pass  # reported with the full message below
        return self._apply(day, -1)

    def _apply(self, day: dt.date, sign: int) -> dt.date:
        if isinstance(day, dt.datetime):
            day = day.date()
        try:
            if self.months:
                # Same rule as dateutil.relativedelta (clamp to the month's last
                # day), written out because planning calls this in its inner
                # loop; tests check it against relativedelta for every case.
                years, month0 = divmod(day.month - 1 + sign * self.months, 12)
                year, month = day.year + years, month0 + 1
                last = _DAYS_IN_MONTH[month] + (month == 2 and calendar.isleap(year))
                day = dt.date(year, month, min(day.day, last))
            return day + self._step if sign > 0 else day - self._step
        except (OverflowError, ValueError):
            verb = "adding" if sign > 0 else "subtracting"
            raise DurationError(
                f"{verb} {self} to {day.isoformat()} leaves the supported date range "
                f"({dt.date.min.isoformat()} to {dt.date.max.isoformat()})"
            ) from None

    def add_to_datetime(self, moment: dt.datetime) -> dt.datetime:
        """Return ``moment`` plus this duration, counting hours exactly.

        Months and days move the wall-clock date (a 10:00 appointment stays at
        10:00 across a DST change); hours are added as elapsed time.
        """
        try:
            shifted = moment + relativedelta(months=self.months, days=self.days)
            if self.hours:
                zone = shifted.tzinfo
                if zone is not None:
                    utc = shifted.astimezone(dt.UTC) + dt.timedelta(hours=self.hours)
                    return utc.astimezone(zone)
                shifted = shifted + dt.timedelta(hours=self.hours)
            return shifted
        except (OverflowError, ValueError):
            raise DurationError(
                f"adding {self} to {moment.isoformat()} leaves the supported date range"
            ) from None

    @property
    def span_days(self) -> tuple[int, int]:
        """The fewest and the most days this duration can span from any date."""
        low, high = _month_span(self.months)
        return low + self.whole_days, high + self.whole_days

    def always_le(self, other: Duration) -> bool:
        """True when ``start + self <= start + other`` for every start date."""
        if self.months <= other.months and self.whole_days <= other.whole_days:
            return True
        return self.span_days[1] <= other.span_days[0]


def add_days(day: dt.date, days: int, *, saturate: bool = False) -> dt.date:
    """``day`` plus ``days`` (negative to go back): the one date-shift every layer uses.

    Past the supported range (``date.min`` to ``date.max``) it raises
    :class:`~collagenplan.DurationError`, or, with ``saturate=True``, stops at
    the end of the range it would leave: a window whose end lies beyond
    year 9999 simply has no end the calendar can show.
    """
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        if saturate:
            return dt.date.max if days > 0 else dt.date.min
        raise DurationError(
            f"{'adding' if days >= 0 else 'subtracting'} {abs(days)}d "
            f"{'to' if days >= 0 else 'from'} {day.isoformat()} leaves the supported date range "
            f"({dt.date.min.isoformat()} to {dt.date.max.isoformat()})"
        ) from None


def elapsed_after(moment: dt.datetime, minutes: int) -> dt.datetime:
    """``moment`` plus ``minutes`` of elapsed time, in ``moment``'s own time zone.

    Elapsed, not wall-clock: 60 minutes from 01:30 on a fall-back night end at
    01:30 again, an hour later. Past the supported range it raises
    :class:`~collagenplan.DurationError`.
    """
    try:
        utc = moment.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)
        return utc.astimezone(moment.tzinfo)
    except (OverflowError, ValueError):
        raise DurationError(
            f"{minutes} minutes after {moment.isoformat()} leaves the supported date range"
        ) from None


@functools.lru_cache(maxsize=512)
def _month_span(months: int) -> tuple[int, int]:
    """Fewest and most days that ``months`` calendar months span, over all start dates."""
    if months == 0:
        return 0, 0
    # The Gregorian calendar repeats every 400 years (4800 months, 146097 days),
    # so whole cycles add exactly 146097 days each; the rest is measured on
    # dates, where it stays far from date.max whatever ``months`` is.
    cycles, months = divmod(months, 4800)
    if months == 0:
        return cycles * 146097, cycles * 146097
    low, high = _month_span_below_cycle(months)
    return low + cycles * 146097, high + cycles * 146097


@functools.lru_cache(maxsize=512)
def _month_span_below_cycle(months: int) -> tuple[int, int]:
    """:func:`_month_span` for 0 < ``months`` < 4800."""
    # Four years of start dates hold every month length and one leap day.
    base = dt.date(2001, 1, 1)
    step = relativedelta(months=months)
    spans = [((day := base + dt.timedelta(days=i)) + step - day).days for i in range(4 * 365 + 1)]
    return min(spans), max(spans)
