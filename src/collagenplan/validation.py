"""Validation: check a calendar against a protocol and explain every problem.

A calendar is a :class:`~collagenplan.Plan`, a sequence of dates, or a
sequence of :class:`~collagenplan.Visit` records (missed and cancelled visits
are not sessions and are skipped). When the calendar does not say which phase
each date belongs to, the validator reads it the way that explains it with
the fewest errors, then the fewest warnings, preferring to keep a session in
the current phase on a tie. Validation never raises on well-typed input: any
list of dates gets a :class:`Report`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from . import screening
from ._checks import require_date
from ._reading import Entry, State, read, restart_violation
from .clients import Client
from .clinics import Clinic, ClinicDays, clinic_violations
from .errors import InputError
from .protocols.model import Phase, Protocol
from .results import Plan, Report, Violation
from .sessions import Visit, Window

__all__ = ["validate"]

Calendar = Plan | Sequence[dt.date] | Sequence[Visit]
_COUNTED = ("done", "booked")


def _entries(calendar: object, protocol: Protocol) -> list[Entry]:
    """(date, known phase index or None, status) for each counted session."""
    if isinstance(calendar, Plan):
        index = {p.name: i for i, p in enumerate(protocol.phases)}
        known = all(s.phase in index for s in calendar.sessions)
        return [(s.date, index[s.phase] if known else None, s.status) for s in calendar.sessions]
    if isinstance(calendar, str | bytes) or not isinstance(calendar, Sequence):
        raise InputError(
            f"must be a Plan or a sequence of dates or Visits, got {type(calendar).__name__}",
            path="calendar",
        )
    out: list[Entry] = []
    for i, item in enumerate(calendar):
        if isinstance(item, Visit):
            if item.status in _COUNTED:
                out.append((item.date, None, item.status))
        elif isinstance(item, dt.date):
            # The one date policy: a date-time is refused, not truncated.
            out.append((require_date(item, f"calendar[{i}]"), None, "done"))
        else:
            raise InputError(
                f"must be a datetime.date or a Visit, got {type(item).__name__} {item!r}",
                path=f"calendar[{i}]",
            )
    return out


def validate(
    protocol: Protocol,
    calendar: Calendar,
    *,
    client: Client | None = None,
    clinic: Clinic | None = None,
    complete: bool = False,
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

    Returns:
        A :class:`Report`; ``report.ok`` is true when no violation is an error.

    Raises:
        InputError: the calendar holds something that is not a date or a Visit
            (a ``datetime`` is refused too: pass its ``.date()``).
    """
    if not isinstance(protocol, Protocol):
        raise InputError(f"must be a Protocol, got {type(protocol).__name__}", path="protocol")
    days = _clinic_days(clinic, protocol)
    entries = _entries(calendar, protocol)
    reading = read(protocol, entries)
    history = _is_history(calendar)
    violations: list[Violation] = []
    phases = protocol.phases
    for k, (day, _, status) in enumerate(entries):
        number = k + 1
        phase_index = reading.path[k][0]
        if k in reading.restarts:
            violations.append(restart_violation(number, day, entries[k - 1][0], protocol))
        elif k > 0:
            previous = entries[k - 1][0]
            code = reading.code(k)
            if phase_index < 0:
                violations.append(_too_many(number, day, protocol))
            elif code is not None:
                violations.append(
                    _interval_violation(
                        code,
                        number,
                        day,
                        previous,
                        phases[phase_index],
                        phase_index,
                        reading.window(k),
                    )
                )
        if days is not None and not (history and status == "done"):
            violations += clinic_violations(days, [(number, day)])
    sessions = list(reading.sessions)
    if client is not None:
        violations += screening.client_violations(protocol, client, sessions)
        violations.sort(key=lambda v: (v.session is None, v.session or 0))
    if complete:
        violations += _too_few(list(reading.path[max(reading.restarts, default=0) :]), protocol)
    return Report(violations=tuple(violations), sessions=tuple(sessions))


def _clinic_days(clinic: object, protocol: Protocol) -> ClinicDays | None:
    if clinic is None:
        return None
    if not isinstance(clinic, Clinic):
        raise InputError(f"must be a Clinic, got {type(clinic).__name__}", path="clinic")
    return ClinicDays(clinic, protocol)


def _is_history(calendar: object) -> bool:
    """True when the calendar records visits (a Plan or Visits), not bare proposed dates."""
    if isinstance(calendar, Plan):
        return True
    return isinstance(calendar, Sequence) and any(isinstance(i, Visit) for i in calendar)


def _too_many(number: int, day: dt.date, protocol: Protocol) -> Violation:
    most = sum(p.sessions.max for p in protocol.phases)
    return Violation(
        code="too-many-sessions",
        severity="error",
        message=(
            f"Session {number} on {day.isoformat()} is beyond what protocol "
            f"{protocol.id!r} allows ({most} sessions at most)."
        ),
        session=number,
        date=day,
        rule="phases",
    )


def _too_few(path: list[State], protocol: Protocol) -> list[Violation]:
    counts: dict[int, int] = {}
    for phase_index, _ in path:
        counts[phase_index] = counts.get(phase_index, 0) + 1
    out = []
    for i, phase in enumerate(protocol.phases):
        if phase.repeat:
            continue
        have = counts.get(i, 0)
        if have < phase.sessions.min:
            out.append(
                Violation(
                    code="too-few-sessions",
                    severity="error",
                    message=(
                        f"Phase {phase.name!r} has {have} session{'s' * (have != 1)}; "
                        f"it needs at least {phase.sessions.min}."
                    ),
                    rule=f"phases[{i}].sessions.min",
                )
            )
    return out


def _interval_violation(
    code: str,
    number: int,
    day: dt.date,
    previous: dt.date,
    phase: Phase,
    phase_index: int,
    window: Window,
) -> Violation:
    gap = (day - previous).days
    interval = phase.interval
    if code == "not-chronological":
        message = (
            f"Session {number} on {day.isoformat()} is before session {number - 1} "
            f"on {previous.isoformat()}; list the dates in order."
        )
    elif code == "same-day-duplicate":
        message = f"Sessions {number - 1} and {number} are both on {day.isoformat()}."
    elif code == "interval-too-long":
        message = (
            f"Session {number} on {day.isoformat()} is {gap} days after the previous session; "
            f"the {phase.name} phase allows at most {interval.max} (latest {window.latest})."
        )
    else:
        early = "within the grace of" if code == "within-grace" else "too soon for"
        message = (
            f"Session {number} on {day.isoformat()} is {gap} days after the previous session, "
            f"{early} the {phase.name} phase's minimum of {interval.min} "
            f"(earliest {window.earliest})."
        )
    return Violation(
        code=code,
        severity="warning" if code == "within-grace" else "error",
        message=message,
        session=number,
        date=day,
        rule=f"phases[{phase_index}].interval",
        expected=window,
        gap_days=gap,
    )
