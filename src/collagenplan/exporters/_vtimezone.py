"""VTIMEZONE components built from ``zoneinfo`` data, with yearly RRULEs.

RFC 5545 section 3.6.5 lets an observance repeat by RRULE or list its onsets
by RDATE. Readers differ in what they honour: an RDATE list is misread by
some (``vobject`` applies only its first date, and Outlook is known to ignore
RDATE in time zones), while yearly RRULEs of the form
``FREQ=YEARLY;BYMONTH=3;BYDAY=2SU`` are what calendar programs themselves
write and read. So the offsets of a zone are read from ``zoneinfo`` over the
years a calendar needs, and each run of transitions that fall on the same
weekday rule in consecutive years becomes one observance with an RRULE; a
transition that fits no rule is an observance of its own (DTSTART only).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import zoneinfo

import attrs
import icalendar

__all__ = ["vtimezone"]

_STEP = dt.timedelta(hours=12)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@attrs.frozen
class _Onset:
    """One change of offset: when (UTC), from and to which offset, and its name."""

    utc: dt.datetime
    before: dt.timedelta
    after: dt.timedelta
    name: str
    daylight: bool

    @property
    def local(self) -> dt.datetime:
        # RFC 5545 section 3.6.5: DTSTART is the onset in the local time in
        # effect before it (the TZOFFSETFROM time), without a zone.
        return (self.utc + self.before).replace(tzinfo=None)

    @property
    def key(self) -> tuple[object, ...]:
        """What must agree for two onsets to be one observance."""
        local = self.local
        return (
            self.daylight,
            self.before,
            self.after,
            self.name,
            local.month,
            local.weekday(),
            local.time(),
        )

    @property
    def rules(self) -> frozenset[int]:
        """The BYDAY ordinals (1..5, or -1 for last) that describe this onset's day."""
        local = self.local
        nth = (local.day - 1) // 7 + 1
        last = local.day + 7 > calendar.monthrange(local.year, local.month)[1]
        return frozenset({nth, -1} if last else {nth})


def _offset(zone: dt.tzinfo, utc: dt.datetime) -> tuple[dt.timedelta, str, bool]:
    local = utc.astimezone(zone)
    return (
        local.utcoffset() or dt.timedelta(0),
        local.tzname() or "",
        bool(local.dst()),
    )


def _onsets(zone: dt.tzinfo, first: dt.datetime, last: dt.datetime) -> list[_Onset]:
    """Every change of offset, name or DST flag between ``first`` and ``last`` (UTC)."""
    out: list[_Onset] = []
    t = first
    state = _offset(zone, t)
    while t < last:
        nxt = t + _STEP
        new = _offset(zone, nxt)
        if new != state:
            low, high = t, nxt  # the change lies in (low, high]: bisect to the second
            while high - low > dt.timedelta(seconds=1):
                mid = low + (high - low) / 2
                mid = mid.replace(microsecond=0)
                if mid <= low:
                    break
                if _offset(zone, mid) == state:
                    low = mid
                else:
                    high = mid
            out.append(_Onset(high, state[0], new[0], new[1], new[2]))
            state = new
        t = nxt
    return out


def _groups(onsets: list[_Onset]) -> list[tuple[list[_Onset], int | None]]:
    """Runs of onsets, one per year, that a single yearly RRULE describes."""
    groups: list[tuple[list[_Onset], frozenset[int]]] = []
    open_by_key: dict[tuple[object, ...], int] = {}
    for onset in onsets:
        index = open_by_key.get(onset.key)
        if index is not None:
            run, rules = groups[index]
            common = rules & onset.rules
            if common and onset.local.year == run[-1].local.year + 1:
                groups[index] = ([*run, onset], common)
                continue
        open_by_key[onset.key] = len(groups)
        groups.append(([onset], onset.rules))
    # "Last Sunday" (-1) where it fits: it is what zones such as the EU's mean.
    return [
        (run, (-1 if -1 in rules else min(rules)) if len(run) > 1 else None)
        for run, rules in groups
    ]


@functools.lru_cache(maxsize=256)
def vtimezone(
    name: str, first: dt.date, last: dt.date, *, open_ended: bool = True
) -> icalendar.Timezone:
    """A VTIMEZONE for IANA zone ``name`` that is exact from ``first`` to ``last``.

    Built once per argument set and shared: finding a zone's transitions
    probes it every twelve hours over decades, which was three quarters of
    the time of exporting one plan. Callers add the component to a calendar
    and serialise it; they must not change it.

    Args:
        name: an IANA zone name (``"Europe/London"``), written as TZID.
        first: the first day the calendar needs (an observance starts here).
        last: the last day it needs.
        open_ended: leave the RRULEs still running at ``last`` without an
            UNTIL, so that times after ``last`` get the zone's current rules.
    """
    zone = zoneinfo.ZoneInfo(name)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=dt.UTC)
    end = dt.datetime.combine(last, dt.time(0), tzinfo=dt.UTC)
    onsets = _onsets(zone, start, end)
    tz = icalendar.Timezone()
    tz.add("tzid", name)
    # The offset in force at ``first``: an observance that begins there.
    offset, abbreviation, daylight = _offset(zone, start)
    initial = icalendar.TimezoneDaylight() if daylight else icalendar.TimezoneStandard()
    initial.add("dtstart", (start + offset).replace(tzinfo=None))
    initial.add("tzoffsetfrom", offset)
    initial.add("tzoffsetto", offset)
    initial.add("tzname", abbreviation)
    tz.add_component(initial)
    latest_year = {o.key: o.local.year for o in onsets}
    for run, ordinal in _groups(onsets):
        head = run[0]
        part = icalendar.TimezoneDaylight() if head.daylight else icalendar.TimezoneStandard()
        part.add("dtstart", head.local)
        part.add("tzoffsetfrom", head.before)
        part.add("tzoffsetto", head.after)
        part.add("tzname", head.name)
        if ordinal is not None:
            rule: dict[str, object] = {
                "freq": "YEARLY",
                "bymonth": head.local.month,
                "byday": f"{ordinal}{_WEEKDAYS[head.local.weekday()]}",
            }
            tail = run[-1]
            if not (
                open_ended
                and tail.local.year == latest_year[head.key]
                and tail.local.year >= last.year - 1
            ):
                # RFC 5545 section 3.3.10: in STANDARD and DAYLIGHT, UNTIL is UTC.
                # A day past the last onset: still a year before the next one
                # would fall, and safe for readers that compare UNTIL with the
                # local DTSTART as if both were local (dateutil's tzical does).
                rule["until"] = tail.utc + dt.timedelta(days=1)
            part.add("rrule", rule)
        tz.add_component(part)
    return tz
