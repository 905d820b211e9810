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
from .clients import Client
from .clinics import Clinic, ClinicDays, clinic_violations
from .errors import DurationError, InputError
from .protocols.model import Phase, Protocol
from .results import Plan, Report, Violation
from .sessions import PlannedSession, Visit, Window, window_after_saturating

__all__ = ["restart_violation", "validate"]

Calendar = Plan | Sequence[dt.date] | Sequence[Visit]
_COUNTED = ("done", "booked")
_ERROR, _WARNING = (1, 0), (0, 1)
_State = tuple[int, int]  # (phase index, sessions so far in it); phase -1 = overflow


def _entries(calendar: object, protocol: Protocol) -> list[tuple[dt.date, int | None, str]]:
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
    out: list[tuple[dt.date, int | None, str]] = []
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


class _Gaps:
    """Classifies gaps, remembering each (previous date, phase) window it has built.

    The phase reading tries several phases per session and the report pass
    asks again for the chosen one; windows are the costly part, so each is
    built once per validation.
    """

    def __init__(self, phases: tuple[Phase, ...]) -> None:
        self.phases = phases
        self.windows: dict[tuple[dt.date, int], tuple[Window, dt.date]] = {}

    def window(self, previous: dt.date, phase_index: int) -> tuple[Window, dt.date]:
        key = (previous, phase_index)
        found = self.windows.get(key)
        if found is None:
            phase = self.phases[phase_index]
            window = window_after_saturating(previous, phase)
            try:
                floor = phase.grace.subtract_from(window.earliest)
            except DurationError:  # only near date.min; nothing can be earlier
                floor = dt.date.min
            found = self.windows[key] = (window, floor)
        return found

    def code(self, previous: dt.date, day: dt.date, phase_index: int) -> str | None:
        """The violation code of the gap from ``previous`` to ``day``, or None."""
        if day < previous:
            return "not-chronological"
        if day == previous:
            return "same-day-duplicate"
        window, floor = self.window(previous, phase_index)
        if day < window.earliest:
            return "within-grace" if day >= floor else "interval-too-short"
        if window.latest is not None and day > window.latest:
            return "interval-too-long"
        return None


def _cost(code: str | None) -> tuple[int, int]:
    if code is None:
        return (0, 0)
    return _WARNING if code == "within-grace" else _ERROR


def _successors(state: _State, protocol: Protocol) -> list[_State]:
    phase_index, count = state
    if phase_index < 0:
        return [state]
    phases = protocol.phases
    phase = phases[phase_index]
    out: list[_State] = []
    if phase.repeat:
        return [(phase_index, 1)]
    if count < phase.sessions.max:
        out.append((phase_index, count + 1))
    if count >= phase.sessions.min and phase_index + 1 < len(phases):
        out.append((phase_index + 1, 1))
    return out or [(-1, 0)]


def _assign(
    entries: list[tuple[dt.date, int | None, str]], protocol: Protocol, gaps: _Gaps
) -> list[_State]:
    """Best phase assignment for each entry (dynamic programming over states)."""
    if not entries:
        return []
    first_phase = entries[0][1] or 0
    states: dict[_State, tuple[tuple[int, int], int]] = {(first_phase, 1): ((0, 0), -1)}
    history: list[dict[_State, tuple[tuple[int, int], int]]] = [states]
    keys: list[list[_State]] = [list(states)]
    for k in range(1, len(entries)):
        previous, _, _ = entries[k - 1]
        day, known, _ = entries[k]
        nxt: dict[_State, tuple[tuple[int, int], int]] = {}
        for back, state in enumerate(keys[-1]):
            cost = history[-1][state][0]
            for succ in _successors(state, protocol):
                if known is not None and succ[0] != known:
                    continue
                step = _ERROR if succ[0] < 0 else _cost(gaps.code(previous, day, succ[0]))
                total = (cost[0] + step[0], cost[1] + step[1])
                if succ not in nxt or total < nxt[succ][0]:
                    nxt[succ] = (total, back)
        if not nxt:  # a known phase that cannot follow: trust the calendar's label
            nxt = {(known if known is not None else -1, 1): (history[-1][keys[-1][0]][0], 0)}
        history.append(nxt)
        keys.append(list(nxt))
    last = history[-1]
    best = min(keys[-1], key=lambda s: last[s][0])
    path = [best]
    for k in range(len(entries) - 1, 0, -1):
        best = keys[k - 1][history[k][best][1]]
        path.append(best)
    path.reverse()
    return path


def _read(
    entries: list[tuple[dt.date, int | None, str]], protocol: Protocol, gaps: _Gaps
) -> tuple[list[_State], set[int]]:
    """Phase assignment honouring the late policy: with ``restart``, a gap past both the
    phase's ``interval.max`` and ``late.restart_after`` starts the series again (the
    entries from there are read afresh). Returns the states and the restart indices."""
    path = _assign(entries, protocol, gaps)
    restarts: set[int] = set()
    limit = protocol.late.restart_after
    if protocol.late.policy != "restart" or limit is None:
        return path, restarts
    for k in range(1, len(entries)):
        previous, day = entries[k - 1][0], entries[k][0]
        index = path[k][0] if path[k][0] >= 0 else len(protocol.phases) - 1
        code = gaps.code(previous, day, index)
        try:
            beyond = day > limit.add_to(previous)
        except DurationError:  # the limit ends past date.max: nothing is beyond it
            beyond = False
        if code == "interval-too-long" and beyond:
            restarts.add(k)
            path[k:] = _assign(entries[k:], protocol, gaps)
    return path, restarts


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
    gaps = _Gaps(protocol.phases)
    path, restarts = _read(entries, protocol, gaps)
    history = _is_history(calendar)
    violations: list[Violation] = []
    sessions: list[PlannedSession] = []
    phases = protocol.phases
    for k, ((day, _, status), (phase_index, _count)) in enumerate(zip(entries, path, strict=True)):
        number = k + 1
        phase = phases[phase_index] if phase_index >= 0 else phases[-1]
        if k == 0 or k in restarts:
            window = Window(earliest=day, target=day, latest=None)
            if k in restarts:
                violations.append(restart_violation(number, day, entries[k - 1][0], protocol))
        else:
            previous = entries[k - 1][0]
            index = phase_index if phase_index >= 0 else len(phases) - 1
            code = gaps.code(previous, day, index)
            window = gaps.window(previous, index)[0]
            if phase_index < 0:
                violations.append(_too_many(number, day, protocol))
            elif code is not None:
                violations.append(
                    _interval_violation(code, number, day, previous, phase, phase_index, window)
                )
        if days is not None and not (history and status == "done"):
            violations += clinic_violations(days, [(number, day)])
        sessions.append(
            PlannedSession(
                number=number,
                phase=phase.name if phase_index >= 0 else "(beyond protocol)",
                date=day,
                window=window,
                status="booked" if status == "booked" else "done",
            )
        )
    if client is not None:
        violations += screening.client_violations(protocol, client, sessions)
        violations.sort(key=lambda v: (v.session is None, v.session or 0))
    if complete:
        violations += _too_few(path[max(restarts, default=0) :], protocol)
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


def restart_violation(
    number: int, day: dt.date, previous: dt.date, protocol: Protocol
) -> Violation:
    """The ``series-restarted`` warning of a session that starts the series again."""
    gap = (day - previous).days
    return Violation(
        code="series-restarted",
        severity="warning",
        message=(
            f"Session {number} on {day.isoformat()} is {gap} days after the previous session, "
            f"past the phase's maximum and the late policy's {protocol.late.restart_after}; "
            "the series starts again here."
        ),
        session=number,
        date=day,
        rule="late.restart_after",
        gap_days=gap,
    )


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


def _too_few(path: list[_State], protocol: Protocol) -> list[Violation]:
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
