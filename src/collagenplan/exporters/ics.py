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
  time. Times in fixed-offset zones, in UTC, and local times that are
  ambiguous (a repeated hour) or do not exist (a skipped hour) are written in
  UTC, DTSTART and DTEND each on its own: readers disagree on such local
  times even where RFC 5545 section 3.3.5 is clear.
* **Identity.** ``UID`` (3.8.4.7) is ``<plan key>-<session key>@<domain>``: a
  hash of the plan's ``plan_id`` and the session's stable ``key``, never a
  date or a session number, so exporting a re-planned calendar again updates
  the events already imported instead of adding copies, and two plans never
  share a UID. ``SEQUENCE`` (3.8.7.4) is the plan revision in which the
  session last moved, so only moved events count as changed. Sessions a
  re-plan removed (``plan.removed``) are written with ``STATUS:CANCELLED``
  (3.8.1.11); ``method="CANCEL"`` writes them alone as an iTIP cancellation
  (RFC 5546 section 3.2.5).
* **Privacy.** Events name a client and a treatment, which is health data, and
  calendars get shared: ``CLASS:CONFIDENTIAL`` (3.8.1.3) by default.
* **DTSTAMP** (3.8.7.2) is never read from a clock: pass ``dtstamp`` (the time
  this revision was made, any time zone, written in UTC). Without it, the
  plan's start date at 00:00 UTC is used, so the same plan always gives the
  same bytes.
* **Reminders are VALARMs** (3.6.6) inside the event of the session they
  belong to, each ``ACTION:DISPLAY`` with a ``TRIGGER`` relative to the
  event's start (3.8.6.3), at most one per day: the milestones starting on
  one day share one alarm at ``reminder_time`` (local time of the session's
  zone, whatever form DTSTART takes); those starting on the day of a timed
  session fire at its end (aftercare); and an appointment reminder fires at
  ``reminder_time`` the day before. ``alarms`` chooses which kinds.
  Alarms, rather than ``VTODO``, because calendar apps on client phones show
  alarms, while many (Google Calendar, Outlook) ignore to-dos in an imported
  file; and because an alarm moves and disappears with its
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
from collections.abc import Iterable, Sequence
from typing import Literal

import icalendar

from ..clinics import Clinic
from ..errors import InputError
from ..protocols.model import Protocol
from ..results import Plan
from ._common import (
    ExportSession,
    check_plan,
    check_protocol,
    clean_text,
    end_of,
    export_sessions,
    export_title,
    plan_key,
    say,
)
from ._vtimezone import vtimezone

__all__ = ["ALARM_KINDS", "to_ics"]

PRODID = "-//collagenplan//collagenplan//EN"
"""The PRODID of every calendar written (RFC 5545 section 3.7.3)."""

ALARM_KINDS: tuple[str, ...] = ("appointment", "stop", "resume", "start", "end", "aftercare")
"""What ``to_ics(alarms=...)`` can name: the day-before appointment reminder and
the milestone kinds the planner writes."""

# RFC 5545 section 3.8.1.11: STATUS values allowed in a VEVENT.
_STATUS = {"planned": "TENTATIVE", "booked": "CONFIRMED", "done": "CONFIRMED"}
_CLASSES = ("PUBLIC", "PRIVATE", "CONFIDENTIAL")  # section 3.8.1.3
_METHODS = ("PUBLISH", "CANCEL")  # RFC 5546 sections 3.2.1 and 3.2.5
_RECOGNISABLE_FROM = dt.date(2000, 1, 1)
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Zulu", "Zulu", "Universal"})


def _one_line(text: str) -> str:
    return " ".join(clean_text(text).split("\n"))


def _zone_name(moment: dt.datetime) -> str | None:
    """The TZID to write, or ``None`` to write the time in UTC."""
    zone = moment.tzinfo
    if not isinstance(zone, zoneinfo.ZoneInfo) or not zone.key or zone.key in _UTC_NAMES:
        return None
    if moment.replace(fold=0).utcoffset() != moment.replace(fold=1).utcoffset():
        # A wall-clock time that happens twice (fall back) or never (spring
        # forward). RFC 5545 section 3.3.5 says which instant a TZID local
        # time means, but readers disagree (ical.js, node-ical and khal take
        # the second pass, vobject and ical.js move gap times the wrong way):
        # UTC is read the same by all.
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
    session, locale = view.session, view.locale
    w = session.window
    lines = []
    if view.removed:
        lines.append(say("ics.removed", locale))
    lines.append(
        say(
            "ics.session",
            locale,
            number=session.number,
            total=view.total,
            phase=session.phase,
            title=view.title,
        )
    )
    if w.latest is None:
        lines.append(say("ics.window.open", locale, earliest=w.earliest, target=w.target))
    else:
        lines.append(
            say("ics.window", locale, earliest=w.earliest, target=w.target, latest=w.latest)
        )
    if client_name:
        lines.append(say("ics.client", locale, name=clean_text(client_name)))
    if view.practitioner:
        lines.append(say("ics.practitioner", locale, name=clean_text(view.practitioner)))
    if view.reminders and not view.removed:
        lines.append(say("ics.reminders", locale))
        lines += [f"- {line}" for line in view.reminders]
    if view.aftercare and not view.removed:
        lines.append(say("ics.aftercare", locale))
        lines += [f"- {line}" for line in view.aftercare]
    lines += [
        say("export.problem", locale, code=v.code, message=clean_text(v.text(locale)))
        for v in view.violations
    ]
    return "\n".join(lines)


def _alarm_kinds(alarms: Iterable[str] | None) -> frozenset[str] | None:
    """The kinds asked for, checked; ``None`` means every kind."""
    if alarms is None:
        return None
    if isinstance(alarms, str) or not isinstance(alarms, Iterable):
        raise InputError(
            f"must be a collection of kinds such as ('appointment', 'stop'), got {alarms!r}",
            path="alarms",
        )
    kinds = list(alarms)
    for i, kind in enumerate(kinds):
        if kind not in ALARM_KINDS:
            raise InputError(
                f"unknown alarm kind {kind!r} (known: {', '.join(ALARM_KINDS)})",
                path=f"alarms[{i}]",
            )
    return frozenset(kinds)


def _alarm(text: str, trigger: dt.timedelta) -> icalendar.Alarm:
    alarm = icalendar.Alarm()
    # RFC 5545 section 3.6.6: a DISPLAY alarm needs ACTION, DESCRIPTION, TRIGGER.
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", trigger)
    return alarm


def _alarms(
    view: ExportSession,
    written: dt.datetime | None,
    reminder_time: dt.time,
    kinds: frozenset[str] | None,
) -> list[icalendar.Alarm]:
    """At most one alarm per day: the day's milestones (and the appointment reminder)."""
    session, start = view.session, view.start
    day = session.date
    by_day: dict[dt.date, list[str]] = {}
    after: list[str] = []
    if (kinds is None or "appointment" in kinds) and day > dt.date.min:
        # (no day before the first day of the calendar)
        tomorrow = (
            say("ics.tomorrow", view.locale, heading=view.heading)
            if start is None
            else say(
                "ics.tomorrow.at", view.locale, time=start.strftime("%H:%M"), heading=view.heading
            )
        )
        by_day[day - dt.timedelta(days=1)] = [tomorrow]
    for m in session.milestones:
        if kinds is not None and m.kind not in kinds:
            continue
        if start is not None and m.start == day:
            after.append(view.reminder(m))  # aftercare: after the session, not before
        else:
            by_day.setdefault(m.start, []).append(view.reminder(m))
    out: list[tuple[dt.timedelta, str]] = []
    for when_day, lines in by_day.items():
        if start is None or written is None:
            # Relative to an all-day DTSTART, i.e. local midnight of the session day.
            fire = dt.datetime.combine(when_day, reminder_time)
            trigger = fire - dt.datetime.combine(day, dt.time(0))
        else:
            # reminder_time is local to the session's own zone, however
            # DTSTART is written (RFC 5545 section 3.3.6: a DURATION's days
            # are nominal, its hours exact).
            fire_local = dt.datetime.combine(when_day, reminder_time, tzinfo=start.tzinfo)
            if written.tzinfo is start.tzinfo:
                # Same zone on both sides: the wall-clock difference.
                trigger = fire_local.replace(tzinfo=None) - written.replace(tzinfo=None)
            else:
                # DTSTART in UTC: the exact difference.
                trigger = fire_local.astimezone(dt.UTC) - written.astimezone(dt.UTC)
        out.append((trigger, "\n".join(lines)))
    if after:
        out.append(
            (
                dt.timedelta(minutes=view.minutes),
                "\n".join([say("ics.after-session", view.locale), *after]),
            )
        )
    return [_alarm(text, trigger) for trigger, text in sorted(out, key=lambda item: item[0])]


def _timezones(moments: list[dt.datetime]) -> list[icalendar.Timezone]:
    zones: dict[str, list[dt.date]] = {}
    for moment in moments:
        name = _zone_name(moment)
        if name is not None:
            zones.setdefault(name, []).append(moment.date())
    out = []
    for name, days in sorted(zones.items()):
        # RFC 5545 section 3.6.5: the definitions must cover every time that
        # refers to the zone; a year's margin each side covers DTEND too. They
        # start in 2000 at the latest: some readers (vobject) take a zone with
        # no transition in 2000-2020 and offset 0 for UTC and drop it.
        first = min(dt.date(max(min(days).year - 1, dt.MINYEAR), 1, 1), _RECOGNISABLE_FROM)
        last = dt.date(min(max(days).year + 2, dt.MAXYEAR), 1, 1)
        out.append(vtimezone(name, first, last))
    return out


def _text_arguments(**values: object) -> None:
    for name, text in values.items():
        if text is not None and not isinstance(text, str):
            raise InputError(f"must be a string, got {type(text).__name__}", path=name)


def _check_choice(value: object, options: tuple[str, ...], name: str) -> None:
    if value is not None and value not in options:
        raise InputError(f"must be one of {', '.join(options)} or None, got {value!r}", path=name)


def _clinic_location(clinic: Clinic | None) -> str | None:
    if clinic is None:
        return None
    address = clinic.address
    return f"{clinic.name}, {address}" if address else clinic.name


_MAX_SEQUENCE = 2**31 - 1
"""RFC 5545 section 3.3.8: an INTEGER is a signed 32-bit value; SEQUENCE is one."""


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
    clinic: Clinic | None = None,
    alarms: Iterable[str] | None = None,
    classification: Literal["PUBLIC", "PRIVATE", "CONFIDENTIAL"] | None = "CONFIDENTIAL",
    method: Literal["PUBLISH", "CANCEL"] | None = None,
    organizer: str | None = None,
    attendees: Sequence[str] = (),
    locale: str = "en",
) -> bytes:
    """Write ``plan`` as an iCalendar file (RFC 5545), one event per session.

    Args:
        plan: the plan to export.
        dtstamp: when this revision was made (time-zone aware); defaults to
            the plan's start date at 00:00 UTC, never to the current time.
        client_name: shown in each event's SUMMARY and DESCRIPTION (and part
            of the key of an anonymous plan, one with no ``plan_id``).
        protocol: the plan's protocol, for its name, chair minutes and
            aftercare notes; must have the plan's ``protocol_id``.
        plan_id: overrides ``plan.plan_id``, the id UIDs derive from.
        location: LOCATION; defaults to the clinic's name and address.
        calendar_name: the calendar's NAME (RFC 7986); defaults to the
            protocol's name (or id) and the client's name.
        sequence: added to every event's SEQUENCE (the plan revision in which
            the session last moved), for calendars already published with
            higher numbers.
        default_minutes: length of a timed session whose minutes are unknown,
            when ``protocol`` does not give its chair minutes.
        reminder_time: local time of day at which reminders fire.
        uid_domain: the part of each UID after ``@``; the default
            ``"collagenplan"`` is kept whatever the clinic (a UID must not
            change when an export gains ``clinic=``). Give your own domain
            when plan ids could repeat between organisations sharing a
            calendar, and choose it once: another domain changes every UID.
        clinic: the clinic, for LOCATION and practitioners' display names.
        alarms: which reminders become VALARMs, from :data:`ALARM_KINDS`
            (``"appointment"`` is the day-before reminder); ``None`` (the
            default) means all; ``()`` means none. At most one alarm fires per
            day per event, whatever is chosen.
        classification: CLASS of every event; ``None`` leaves it out.
        method: ``None`` (the default) writes an import or subscription file;
            ``"PUBLISH"`` adds ``METHOD:PUBLISH``; ``"CANCEL"`` writes only the
            removed sessions, as an iTIP cancellation (RFC 5546). Both need
            ``organizer``.
        organizer: the organizer's calendar address (``mailto:desk@clinic.example``).
        attendees: attendees' calendar addresses, written on every event.
        locale: the language of the text the library writes (SUMMARY,
            DESCRIPTION, alarm texts), one of
            :data:`~collagenplan.messages.LOCALES`; dates in it take the
            locale's form (ISO ``YYYY-MM-DD`` in English). Names and notes
            from the protocol, the clinic and the caller are written as they
            are; identifiers, codes and property values are never translated.

    Returns:
        The calendar as bytes (UTF-8, CRLF line ends, folded at 75 octets).

    Raises:
        InputError: the plan has no sessions (with ``method="CANCEL"``: no
            removed sessions), or an argument has the wrong type or value.
    """
    plan = check_plan(plan)
    protocol = check_protocol(protocol, plan)
    if clinic is not None and not isinstance(clinic, Clinic):
        raise InputError(f"must be a Clinic, got {type(clinic).__name__}", path="clinic")
    stamp = (
        dt.datetime.combine(plan.start, dt.time(0), tzinfo=dt.UTC)
        if dtstamp is None
        else _check_aware(dtstamp, "dtstamp")
    )
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 0:
        raise InputError(f"must be a whole number >= 0, got {sequence!r}", path="sequence")
    if sequence > _MAX_SEQUENCE:
        raise InputError(
            f"must be at most {_MAX_SEQUENCE} (RFC 5545's largest integer), got {sequence}",
            path="sequence",
        )
    for i, session in enumerate((*plan.sessions, *plan.removed)):
        if sequence + session.revision > _MAX_SEQUENCE:
            field = (
                f"sessions[{i}]"
                if i < len(plan.sessions)
                else f"removed[{i - len(plan.sessions)}]"
            )
            raise InputError(
                f"SEQUENCE would be {sequence + session.revision} (sequence {sequence} + revision "
                f"{session.revision}), past RFC 5545's largest integer {_MAX_SEQUENCE}",
                path=f"{field}.revision",
            )
    if not isinstance(reminder_time, dt.time):
        raise InputError(f"must be a datetime.time, got {reminder_time!r}", path="reminder_time")
    _text_arguments(
        client_name=client_name,
        location=location,
        calendar_name=calendar_name,
        uid_domain=uid_domain,
        organizer=organizer,
    )
    _check_choice(classification, _CLASSES, "classification")
    _check_choice(method, _METHODS, "method")
    if isinstance(attendees, str) or not all(isinstance(a, str) for a in attendees):
        raise InputError(f"must be a sequence of addresses, got {attendees!r}", path="attendees")
    if method is not None and not organizer:
        raise InputError(f"is required with method {method!r} (RFC 5546)", path="organizer")
    kinds = _alarm_kinds(alarms)
    if method == "CANCEL":
        if not plan.removed:
            raise InputError(
                "has no removed sessions; a CANCEL message needs at least one",
                path="plan.removed",
            )
    elif not plan.sessions:
        raise InputError(
            "has no sessions; an iCalendar file needs at least one event", path="plan.sessions"
        )
    key = plan_key(plan, plan_id, client_name)
    names = {p.id: p.name for p in clinic.practitioners if p.name} if clinic else {}
    views = [
        view
        for view in export_sessions(
            plan, protocol, default_minutes, names=names, removed=True, locale=locale
        )
        if method != "CANCEL" or view.removed
    ]
    title = export_title(plan, protocol)
    where = location if location is not None else _clinic_location(clinic)

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)  # RFC 5545 section 3.7.3
    cal.add("version", "2.0")  # RFC 5545 section 3.7.4
    cal.add("calscale", "GREGORIAN")  # RFC 5545 section 3.7.1
    if method is not None:
        cal.add("method", method)  # RFC 5545 section 3.7.2, RFC 5546 section 1.4
    name = (
        calendar_name
        if calendar_name is not None
        else (f"{title} ({client_name})" if client_name else title)
    )
    # RFC 7986 section 5.1: NAME is TEXT. icalendar 7 types it as unknown and
    # would write it unescaped, so say it is TEXT (vText escapes 3.3.11).
    cal.add("name", icalendar.vText(_one_line(name)))
    cal.add("x-wr-calname", icalendar.vText(_one_line(name)))  # the same, for older readers

    moments: list[dt.datetime] = []
    events: list[icalendar.Event] = []
    stamp_utc = stamp.astimezone(dt.UTC)
    for view in views:
        session, start = view.session, view.start
        event = icalendar.Event()
        event.add("uid", f"{key}-{view.key}@{_one_line(uid_domain)}")
        event.add("dtstamp", stamp_utc)
        event.add("sequence", sequence + session.revision)
        summary = view.heading
        if client_name:
            summary += f" ({client_name})"
        if view.removed:
            summary = say("ics.cancelled", locale, summary=summary)
        event.add("summary", _one_line(summary))
        if start is None:
            # RFC 5545 section 3.6.1: an all-day event is a DATE DTSTART with
            # an exclusive DTEND on the following day.
            event.add("dtstart", session.date)
            if session.date < dt.date.max:  # else no DTEND: a DATE event lasts a day
                event.add("dtend", session.date + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
            written = None
        else:
            written = _in_calendar_zone(start)
            # Each end is written on its own: a start before a fall-back hour
            # can end inside it (B10), where a TZID local time is ambiguous.
            ending = _in_calendar_zone(end_of(start, view.minutes))
            moments += [written, ending]
            event.add("dtstart", written)
            event.add("dtend", ending)
            event.add("transp", "TRANSPARENT" if view.removed else "OPAQUE")
        status = "CANCELLED" if view.removed else _STATUS.get(session.status, "TENTATIVE")
        event.add("status", status)
        if classification is not None:
            event.add("class", classification)
        event.add("description", _description(view, client_name))
        if where:
            event.add("location", _one_line(where))
        if organizer:
            event.add("organizer", organizer)
        for attendee in attendees:
            event.add("attendee", attendee)
        if not view.removed:
            for alarm in _alarms(view, written, reminder_time, kinds):
                event.add_component(alarm)
        events.append(event)

    for zone in _timezones(moments):
        cal.add_component(zone)
    for event in events:
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
