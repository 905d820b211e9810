"""Validation: check a calendar against a protocol and explain every problem.

A calendar is a :class:`~collagenplan.Plan`, a sequence of dates, or a
sequence of :class:`~collagenplan.Visit` records (missed and cancelled visits
are not sessions and are skipped). It is read in date order: a date listed
after a later one is one ``not-chronological`` error (dates and plans; visits
are records, and their order means nothing), and the same visit recorded
twice counts once, with a ``duplicate-visit`` warning. When the calendar does not say which phase
each date belongs to, the validator reads it the way that explains it with
the fewest errors, then the fewest warnings, preferring to keep a session in
the current phase on a tie. Validation never raises on well-typed input: any
list of dates gets a :class:`Report`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from ._checks import require_date
from ._judging import clean_visits, judge, number_notes, phase_index, sort_entries
from ._reading import Entry
from ._reading import restart_violation as restart_violation  # an old import path
from .clients import Client
from .clinics import Clinic, ClinicDays, shared_days
from .clinics._diary import Diary
from .clinics._overlaps import appointment_violations
from .errors import InputError
from .protocols.model import Protocol
from .results import Plan, Report, Violation
from .sessions import PlannedSession, Visit

__all__ = ["validate"]

Calendar = Plan | Sequence[dt.date] | Sequence[Visit]


def _entries(
    calendar: object, protocol: Protocol
) -> tuple[list[Entry], list[PlannedSession | None], list[Violation], bool]:
    """(date, known phase index or None, status) for each counted session, the plan session
    each comes from, warnings about the records, and whether listing order matters."""
    if isinstance(calendar, Plan):
        index = {p.name: i for i, p in enumerate(protocol.phases)}
        known = all(s.phase in index for s in calendar.sessions)
        entries: list[Entry] = [
            (s.date, index[s.phase] if known else None, s.status) for s in calendar.sessions
        ]
        return entries, list(calendar.sessions), [], True
    if isinstance(calendar, str | bytes) or not isinstance(calendar, Sequence):
        raise InputError(
            f"must be a Plan or a sequence of dates or Visits, got {type(calendar).__name__}",
            path="calendar",
        )
    dates: list[Entry] = []
    visits: list[Visit] = []
    for i, item in enumerate(calendar):
        if isinstance(item, Visit):
            visits.append(item)
        elif isinstance(item, dt.date):
            # The one date policy: a date-time is refused, not truncated.
            dates.append((require_date(item, f"calendar[{i}]"), None, "planned"))
        else:
            raise InputError(
                f"must be a datetime.date or a Visit, got {type(item).__name__} {item!r}",
                path=f"calendar[{i}]",
            )
    if not visits:
        return dates, [None] * len(dates), [], True
    cleaned, notes = clean_visits(visits, "calendar", protocol=protocol)
    counted: list[Entry] = dates + [
        (v.date, phase_index(protocol, v.phase, "calendar"), v.status)
        for v in cleaned
        if v.status in ("done", "booked")
    ]
    return counted, [None] * len(counted), notes, False


def validate(
    protocol: Protocol,
    calendar: Calendar,
    *,
    client: Client | None = None,
    clinic: Clinic | None = None,
    complete: bool = False,
    diary: Diary | None = None,
) -> Report:
    """Check ``calendar`` against ``protocol``.

    Args:
        protocol: the protocol the calendar should follow.
        calendar: a :class:`Plan`, a sequence of ``datetime.date``, or a
            sequence of :class:`Visit` (only ``done`` and ``booked`` visits count).
        client: a :class:`Client`; adds ``washout``, ``contraindicated``,
            ``needs-review``, ``deferred``, ``event-blackout`` and
            ``procedure-spacing`` violations, each naming its session and rule.
        clinic: a :class:`~collagenplan.Clinic`; each session on a day it does not
            allow (closed, holiday, no qualified practitioner) is ``clinic-closed``.
            Done visits are history and are not checked.
        complete: the calendar is finished, so phases short of their minimum
            are reported as ``too-few-sessions``.
        diary: a :class:`~collagenplan.Diary`; each timed session of a plan
            that overlaps a booking (with ``clinic.turnover`` after each) is
            ``practitioner-double-booked``, ``resource-double-booked`` or
            ``client-double-booked`` (the client is ``client.id``), naming the
            booking. A booking equal to the session itself is not a clash.

    With ``clinic``, each timed session of a plan (not done) is also checked
    against the clinic file: its practitioner exists, is qualified and is not
    on leave (``practitioner-unavailable``), and its time lies inside the
    opening hours and the practitioner's hours (``outside-opening-hours``).

    Returns:
        A :class:`Report`; ``report.ok`` is true when no violation is an error.
        ``report.sessions`` reads the calendar in date order: each session with
        its phase and window, its status (``planned`` for a bare date or a
        planned session, ``booked`` or ``done`` as recorded) and, for a plan's
        sessions, its appointment time, minutes and practitioner.

    Raises:
        InputError: the calendar holds something that is not a date or a Visit
            (a ``datetime`` is refused too: pass its ``.date()``); a visit names
            a phase the protocol does not have, or is recorded both done and
            missed (or cancelled) on one date.
    """
    if not isinstance(protocol, Protocol):
        raise InputError(f"must be a Protocol, got {type(protocol).__name__}", path="protocol")
    days = _clinic_days(clinic, protocol)
    listed, origins, notes, ordered = _entries(calendar, protocol)
    backdated: dict[int, dt.date] = {}
    if isinstance(calendar, Plan):  # numbered sessions: read as listed, like the plan
        entries, order = listed, list(range(len(listed)))
    else:
        entries, order, backdated = sort_entries(listed)
    violations, reading = judge(
        protocol,
        entries,
        client=client,
        days=days,
        complete=complete,
        backdated=backdated if ordered else None,
    )
    sessions = []
    for session, original in zip(reading.sessions, order, strict=True):
        came = origins[original]
        if came is not None:  # a plan's session keeps its appointment
            session = attrs.evolve(
                session,
                start=came.start,
                minutes=came.minutes,
                practitioner=came.practitioner,
                resources=came.resources,
            )
        sessions.append(session)
    notes = number_notes(notes, [s.date for s in sessions])
    # Diary (issue 14): appointment times against the clinic file and the diary.
    if diary is not None and not isinstance(diary, Diary):
        raise InputError(f"must be a Diary, got {type(diary).__name__}", path="diary")
    violations += appointment_violations(
        clinic if isinstance(clinic, Clinic) else None,
        protocol,
        sessions,
        diary=diary,
        client=client.id if client is not None else None,
    )
    found = sorted(notes + violations, key=lambda v: (v.session is None, v.session or 0))
    return Report(violations=tuple(found), sessions=tuple(sessions))


def _clinic_days(clinic: object, protocol: Protocol) -> ClinicDays | None:
    if clinic is None:
        return None
    if not isinstance(clinic, Clinic):
        raise InputError(f"must be a Clinic, got {type(clinic).__name__}", path="clinic")
    return shared_days(clinic, protocol)
