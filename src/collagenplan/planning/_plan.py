"""The planner: :func:`plan` in one pass, history first, then window by window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from .. import screening
from .._blockers import Blocker, DateCheck
from .._checks import require_date
from .._reading import restart_violation
from ..clients import Client
from ..clinics import Clinic, ClinicDays, assign_appointments
from ..errors import InputError, PlanningError
from ..protocols.model import Phase, Protocol
from ..results import Plan, Violation
from ..sessions import PlannedSession, Window, window_after
from . import _history, _keys
from ._place import choose_date, no_room

__all__ = ["plan"]


def _clinic_check(days: ClinicDays) -> DateCheck:
    """The clinic's day rules as a planning check (blocker code ``clinic-closed``)."""

    def check(day: dt.date) -> Blocker | None:
        closed = days.closed(day)
        return None if closed is None else Blocker("clinic-closed", closed.reason, closed.rule)

    return check


def plan(
    protocol: Protocol,
    *,
    start: dt.date,
    sessions: int | None = None,
    horizon: dt.date | None = None,
    client: Client | None = None,
    clinic: Clinic | None = None,
    history: Sequence[object] = (),
    strict: bool = False,
    plan_id: str | None = None,
) -> Plan:
    """Plan a calendar for ``protocol`` from ``start``.

    Args:
        protocol: the programme to follow (:func:`get_protocol`, :func:`load_protocol`).
        start: the first date the first session may fall on.
        sessions: session count of the first non-repeating phase; must lie in
            that phase's ``sessions.min..max``. Defaults to its ``default``.
        horizon: plan repeating phases up to this date; without it each
            repeating phase is planned once.
        client: a :class:`Client`. The first session waits for the client's
            screening ``earliest_start``; sessions avoid days the client's
            washouts, temporary contraindications, events and other
            procedures forbid; each session still to come gets its milestones
            (stop / resume exposures, precaution actions, aftercare); relative
            contraindications not cleared are ``needs-review`` warnings.
        clinic: a :class:`~collagenplan.Clinic`: sessions go only on days it
            allows, and planned sessions get a time-zone aware ``start``, the
            protocol's chair ``minutes`` and a ``practitioner``.
        history: :class:`~collagenplan.Visit` records. Done visits (and booked
            ones from ``start`` on) are kept as they were; the next window is
            anchored on the last of them, nothing new is placed before
            ``start``, and the protocol's late policy decides what a closed
            window means (see ``docs/living-calendars.md``).
        strict: raise :class:`PlanningError` instead of returning a plan with problems.
        plan_id: your id for this course of treatment (``Plan.plan_id``); without
            it, ``<client id>/<protocol id>`` when the client has an id, else none.
            Never derived from a date, so a re-plan keeps the same id.

    Every session gets a ``key``: the one its history visit carries, else its
    phase and its ordinal within the phase (``series-2``), see ``docs/design.md``.

    Returns:
        A :class:`Plan`; ``plan.violations`` lists what could not be satisfied.

    Raises:
        ProtocolError: ``sessions`` is outside the phase's range.
        InputError: a bad argument (``start`` not a date, ``horizon`` before ``start``).
        DurationError: a window would end past ``date.max``.
        PlanningError: with ``strict=True``, when a session has no allowed date;
            and, whatever ``strict`` says, when the client is contraindicated
            on ``start`` or deferred with no known end (no calendar is better
            than one that looks bookable).
    """
    if not isinstance(protocol, Protocol):
        raise InputError(f"must be a Protocol, got {type(protocol).__name__}", path="protocol")
    start = require_date(start, "start")
    if horizon is not None:
        horizon = require_date(horizon, "horizon")
        if horizon < start:
            raise InputError(f"must not be before start ({horizon} < {start})", path="horizon")
    if clinic is not None and not isinstance(clinic, Clinic):
        raise InputError(f"must be a Clinic, got {type(clinic).__name__}", path="clinic")
    identity = _keys.plan_id_for(plan_id, protocol.id, client)
    checks: list[DateCheck] = []
    first_day = start
    if client is not None:
        first_day = screening.client_start(client, protocol, start, lead_in=not history)
        checks += screening.date_checks(protocol, client)
    days = ClinicDays(clinic, protocol) if clinic is not None else None
    if days is not None:
        checks.append(_clinic_check(days))
    counts = _history.phase_counts(protocol, sessions)
    steps: list[Phase] = []
    fixed = [p for p in protocol.phases if not p.repeat]
    for phase, count in zip(fixed, counts, strict=True):
        steps += [phase] * count

    planned: list[PlannedSession] = []
    problems: list[Violation] = []
    previous: dt.date | None = None
    resumed = None
    if history:
        resumed = _history.resume(protocol, history, sessions=sessions, start=start, checks=checks)
        _keys.check_history_keys(history)
        planned, steps, previous = list(resumed.kept), list(resumed.steps), resumed.anchor

    def place(phase: Phase, window: Window) -> bool:
        nonlocal previous
        number = len(planned) + 1
        search, late = _history.not_before(window, first_day) if resumed else (window, False)
        day, seen = choose_date(search, checks)
        if day is not None and late and previous is not None:
            problems.append(
                _history.late_violation(protocol, number, phase, window, day, previous)
            )
        elif day is None or seen:
            problems.append(no_room(number, phase, window, day, seen))
            if day is None:
                return False
        planned.append(PlannedSession(number=number, phase=phase.name, date=day, window=window))
        previous = day
        return True

    def next_window(phase: Phase) -> Window:
        if previous is None:
            return Window(earliest=first_day, target=first_day, latest=None)
        return window_after(previous, phase)

    ok = all(place(phase, next_window(phase)) for phase in steps)
    repeating = protocol.repeating
    if ok and repeating is not None:
        while True:
            window = next_window(repeating)
            if horizon is not None and window.earliest > horizon:
                break
            before = len(planned)
            if not place(repeating, window):
                break
            if horizon is None:
                break
            if planned[-1].date > horizon:
                del planned[before:]
                problems[:] = [p for p in problems if p.session is None or p.session <= before]
                break
    if resumed is not None and resumed.restarted and len(planned) > len(resumed.kept):
        first_new = planned[len(resumed.kept)]
        problems.append(
            restart_violation(first_new.number, first_new.date, resumed.kept[-1].date, protocol)
        )
    if client is not None:
        planned = [
            s
            if s.status == "done"
            else attrs.evolve(s, milestones=screening.milestones(protocol, client, s.date))
            for s in planned
        ]
        # Client errors cannot occur on planned dates (the checks above keep
        # sessions off them); warnings cannot be planned away, so report them.
        problems += [
            v
            for v in screening.client_violations(protocol, client, planned)
            if v.severity == "warning"
        ]
    problems.sort(key=lambda v: (v.session is None, v.session or 0))
    planned = _keys.with_keys(planned)
    result = Plan(
        protocol_id=protocol.id,
        start=start,
        sessions=assign_appointments(days, planned) if days is not None else tuple(planned),
        violations=tuple(problems),
        horizon=horizon,
        plan_id=identity,
    )
    if strict and not result.ok:
        first = next(p for p in problems if p.severity == "error")
        raise PlanningError(first.message, tuple(problems))
    return result
