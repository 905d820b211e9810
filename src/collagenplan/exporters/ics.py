"""iCalendar (RFC 5545) export: one VEVENT per session, milestones as VALARMs.

Design choices, with the RFC sections they rest on:

* **Events.** One ``VEVENT`` per session (section 3.6.1). A session without an
  appointment time is an all-day event: ``DTSTART;VALUE=DATE`` and an
  exclusive ``DTEND`` on the next day (3.6.1: "the "DTEND" property ... is
  non-inclusive"), marked ``TRANSP:TRANSPARENT`` (3.8.2.7) because the time
  is not yet known and should not block the day. A timed session uses
  ``DTSTART;TZID=...`` with the IANA name of its ``zoneinfo`` zone and a
  ``VTIMEZONE`` for every zone used (3.6.5), written with yearly RRULEs
  rather than RDATE lists because more readers get those right (see
  ``_vtimezone``); the end is the start plus the chair minutes of elapsed
  time. Times in fixed-offset zones, in UTC, or in the second pass through a
  repeated hour are written in UTC.
* **Identity.** ``UID`` (3.8.4.7) is derived from the plan key and the session
  number only, never from the dates, so exporting a re-planned calendar again
  updates the events already imported instead of adding copies. Pass
  ``plan_id`` (your own id for the course of treatment) to make that key
  independent of the start date and client name, and raise ``sequence``
  (3.8.7.4) with each revision you publish.
* **DTSTAMP** (3.8.7.2) is never read from a clock: pass ``dtstamp`` (the time
  this revision was made, any time zone, written in UTC). Without it, the
  plan's start date at 00:00 UTC is used, so the same plan always gives the
  same bytes.
* **Milestones become VALARMs** (3.6.6) inside the event of the session they
  belong to, each ``ACTION:DISPLAY`` with a ``TRIGGER`` relative to the
  event's start (3.8.6.3) that fires at ``reminder_time`` on the milestone's
  first day. Alarms, rather than ``VTODO``, because calendar apps on client
  phones show alarms, while many (Google Calendar, Outlook) ignore to-dos in
  an imported file; and because an alarm moves and disappears with its
  session when the session is rescheduled or cancelled. Every milestone is
  also listed in the event's ``DESCRIPTION``.
* **Text** from users is cleaned of control characters and escaped by the
  ``icalendar`` package as TEXT (3.3.11: backslash, semicolon, comma and
  newline are escaped), so no name or note can start a new property or
  component. Single-line properties (SUMMARY, LOCATION, NAME) have newlines
  replaced by spaces.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

import icalendar

from ..errors import InputError
from ..protocols.model import Protocol
from ..results import Plan
from ..sessions import PlannedSession
from ._common import (
    ExportSession,
    check_plan,
    check_protocol,
    clean_text,
    end_of,
    export_sessions,
    export_title,
    milestone_text,
    plan_key,
)
from ._vtimezone import vtimezone

__all__ = ["to_ics"]

PRODID = "-//collagenplan//collagenplan//EN"
"""The PRODID of every calendar written (RFC 5545 section 3.7.3)."""

# RFC 5545 section 3.8.1.11: STATUS values allowed in a VEVENT.
_STATUS = {"planned": "TENTATIVE", "booked": "CONFIRMED", "done": "CONFIRMED"}
_RECOGNISABLE_FROM = dt.date(2000, 1, 1)
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Zulu", "Zulu", "Universal"})


def _one_line(text: str) -> str:
    return " ".join(clean_text(text).split("\n"))


def _zone_name(moment: dt.datetime) -> str | None:
    """The TZID to write, or ``None`` to write the time in UTC."""
    zone = moment.tzinfo
    if not isinstance(zone, zoneinfo.ZoneInfo) or not zone.key or zone.key in _UTC_NAMES:
        return None
    if moment.replace(fold=0).utcoffset() != moment.utcoffset():
        # The second 01:30 of a fall-back night: a local time with a TZID
        # means the first occurrence (RFC 5545 section 3.3.5), so write UTC.
        return None
    return zone.key


def _in_calendar_zone(moment: dt.datetime) -> dt.datetime:
    # A fixed offset has no TZID an iCalendar reader can look up (3.2.19), so
    # such times, and UTC itself, are written as UTC ("Z", 3.3.5 form #2).
    return moment if _zone_name(moment) else moment.astimezone(dt.UTC)


def _check_aware(moment: object, name: str) -> dt.datetime:
    if not isinstance(moment, dt.datetime) or moment.utcoffset() is None:
        raise InputError(f"must be a time-zone aware datetime, got {moment!r}", path=name)
    return moment


def _description(view: ExportSession, client_name: str | None) -> str:
    session = view.session
    w = session.window
    lines = [
        f"Session {session.number} of {view.total} ({session.phase}), {view.title}.",
        f"Window: earliest {w.earliest.isoformat()}, target {w.target.isoformat()}, "
        f"latest {view.latest}.",
    ]
    if client_name:
        lines.append(f"Client: {clean_text(client_name)}")
    if session.practitioner:
        lines.append(f"Practitioner: {clean_text(session.practitioner)}")
    if view.reminders:
        lines.append("Reminders:")
        lines += [f"- {line}" for line in view.reminders]
    if view.aftercare:
        lines.append("Aftercare:")
        lines += [f"- {line}" for line in view.aftercare]
    lines += [f"Problem ({v.code}): {clean_text(v.message)}" for v in view.violations]
    return "\n".join(lines)


def _alarms(
    session: PlannedSession, start: dt.datetime | None, reminder_time: dt.time
) -> Iterable[icalendar.Alarm]:
    for m in session.milestones:
        alarm = icalendar.Alarm()
        # RFC 5545 section 3.6.6: a DISPLAY alarm needs ACTION, DESCRIPTION, TRIGGER.
        alarm.add("action", "DISPLAY")
        alarm.add("description", milestone_text(m))
        if start is None:
            # Relative to an all-day DTSTART, i.e. local midnight of the session day.
            base = dt.datetime.combine(session.date, dt.time(0))
            fire = dt.datetime.combine(m.start, reminder_time)
        else:
            base = start
            fire = dt.datetime.combine(m.start, reminder_time, tzinfo=start.tzinfo)
        # Same tzinfo on both sides: the difference is wall-clock, which is
        # what the nominal days of a DURATION mean (3.3.6).
        alarm.add("trigger", fire.replace(tzinfo=None) - base.replace(tzinfo=None))
        yield alarm


def _timezones(starts: list[dt.datetime]) -> list[icalendar.Timezone]:
    zones: dict[str, list[dt.date]] = {}
    for moment in starts:
        name = _zone_name(moment)
        if name is not None:
            zones.setdefault(name, []).append(moment.date())
    out = []
    for name, days in sorted(zones.items()):
        # RFC 5545 section 3.6.5: the definitions must cover every time that
        # refers to the zone; a year's margin each side covers DTEND too. They
        # start in 2000 at the latest: some readers (vobject) take a zone with
        # no transition in 2000-2020 and offset 0 for UTC and drop it.
        first = min(dt.date(min(days).year - 1, 1, 1), _RECOGNISABLE_FROM)
        last = dt.date(max(days).year + 2, 1, 1)
        out.append(vtimezone(name, first, last))
    return out


def to_ics(
    plan: Plan,
    *,
    dtstamp: dt.datetime | None = None,
    client_name: str | None = None,
    protocol: Protocol | None = None,
    plan_id: str | None = None,
    location: str | None = None,
    calendar_name: str | None = None,
    sequence: int = 0,
    default_minutes: int = 60,
    reminder_time: dt.time = dt.time(9, 0),
    uid_domain: str = "collagenplan",
) -> bytes:
    """Write ``plan`` as an iCalendar file (RFC 5545), one event per session.

    Args:
        plan: the plan to export.
        dtstamp: when this revision was made (time-zone aware); defaults to
            the plan's start date at 00:00 UTC, never to the current time.
        client_name: shown in each event's SUMMARY and DESCRIPTION, and part
            of the default plan key.
        protocol: the plan's protocol, for its name, chair minutes and
            aftercare notes; must have the plan's ``protocol_id``.
        plan_id: your stable id for this course of treatment; UIDs derive
            from it so re-exports update events instead of duplicating them.
        location: the clinic's address, for LOCATION.
        calendar_name: the calendar's NAME (RFC 7986); defaults to the
            protocol's name (or id) and the client's name.
        sequence: the revision number (RFC 5545 section 3.8.7.4); raise it
            each time you publish changed events.
        default_minutes: length of a timed session whose minutes are unknown,
            when ``protocol`` does not give its chair minutes.
        reminder_time: local time of day at which milestone alarms fire.
        uid_domain: the part of each UID after ``@``.

    Returns:
        The calendar as bytes (UTF-8, CRLF line ends, folded at 75 octets).

    Raises:
        InputError: the plan has no sessions, or an argument has the wrong
            type or value.
    """
    plan = check_plan(plan)
    protocol = check_protocol(protocol, plan)
    if not plan.sessions:
        raise InputError(
            "has no sessions; an iCalendar file needs at least one event", path="plan.sessions"
        )
    stamp = (
        dt.datetime.combine(plan.start, dt.time(0), tzinfo=dt.UTC)
        if dtstamp is None
        else _check_aware(dtstamp, "dtstamp")
    )
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 0:
        raise InputError(f"must be a whole number >= 0, got {sequence!r}", path="sequence")
    if not isinstance(reminder_time, dt.time):
        raise InputError(f"must be a datetime.time, got {reminder_time!r}", path="reminder_time")
    for name, text in (
        ("client_name", client_name),
        ("location", location),
        ("calendar_name", calendar_name),
        ("uid_domain", uid_domain),
    ):
        if text is not None and not isinstance(text, str):
            raise InputError(f"must be a string, got {type(text).__name__}", path=name)
    key = plan_key(plan, plan_id, client_name)
    views = list(export_sessions(plan, protocol, default_minutes))
    title = export_title(plan, protocol)

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)  # RFC 5545 section 3.7.3
    cal.add("version", "2.0")  # RFC 5545 section 3.7.4
    cal.add("calscale", "GREGORIAN")  # RFC 5545 section 3.7.1
    name = (
        calendar_name
        if calendar_name is not None
        else (f"{title} ({client_name})" if client_name else title)
    )
    cal.add("name", _one_line(name))  # RFC 7986 section 5.1
    cal.add("x-wr-calname", _one_line(name))  # the same, for older readers

    starts: list[dt.datetime] = []
    events: list[icalendar.Event] = []
    stamp_utc = stamp.astimezone(dt.UTC)
    for view in views:
        session, start = view.session, view.start
        event = icalendar.Event()
        event.add("uid", f"{key}-{session.number}@{_one_line(uid_domain)}")
        event.add("dtstamp", stamp_utc)
        event.add("sequence", sequence)
        summary = view.heading
        if client_name:
            summary += f" ({client_name})"
        event.add("summary", _one_line(summary))
        if start is None:
            # RFC 5545 section 3.6.1: an all-day event is a DATE DTSTART with
            # an exclusive DTEND on the following day.
            event.add("dtstart", session.date)
            if session.date < dt.date.max:  # else no DTEND: a DATE event lasts a day
                event.add("dtend", session.date + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        else:
            local = _in_calendar_zone(start)
            starts.append(local)
            event.add("dtstart", local)
            event.add("dtend", end_of(local, view.minutes))
            event.add("transp", "OPAQUE")
        event.add("status", _STATUS.get(session.status, "TENTATIVE"))
        event.add("description", _description(view, client_name))
        if location:
            event.add("location", _one_line(location))
        for alarm in _alarms(
            session, None if start is None else _in_calendar_zone(start), reminder_time
        ):
            event.add_component(alarm)
        events.append(event)

    for zone in _timezones(starts):
        cal.add_component(zone)
    for event in events:
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
