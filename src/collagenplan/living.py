"""Living calendars: plans that keep working after visits happen, are missed or run late.

A client's history is a list of :class:`~collagenplan.Visit` records. The
planner owns reading it (``plan(protocol, start=..., history=visits)`` keeps
the history, anchors the next window on the last kept session and plans the
rest from ``start``; see :mod:`collagenplan.planning`). This module builds the
two questions clinic software asks on top of it:

* :func:`replan` re-plans an existing :class:`~collagenplan.Plan` after what
  happened;
* :func:`next_due` says when the next session is due.

A history is checked, never trusted: it is cleaned as validation cleans it
(date order, the same visit once with a ``duplicate-visit`` warning, a done
visit after ``today`` refused), bookings keep their place and phase, and a
client whose records pause the series is ``on-hold`` until the day they clear.

Late sessions follow the protocol's ``[late]`` policy (see
``docs/living-calendars.md`` for the reasoning): with ``continue`` the series
carries on and the late session is flagged ``interval-too-long``; with
``restart`` a gap longer than both ``interval.max`` and ``restart_after``
starts the series again from its first session (warning ``series-restarted``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

import attrs

from . import _fastpaths, screening
from ._checks import require_date
from ._judging import clean_visits, number_notes
from ._reading import Gaps, window_after_once
from .clients import Client
from .clinics import Clinic
from .clinics._diary import Diary, booking_of
from .documents import register
from .errors import InputError
from .messages import Param
from .planning import plan
from .planning._history import counts_by_phase, next_phase, read_history
from .planning._keys import carry_keys, succeed
from .protocols.loader import get_protocol
from .protocols.model import Protocol
from .results import Plan, Violation, nested, reason_parts, window_params
from .sessions import Visit, Window

__all__ = ["NextDue", "next_due", "replan"]

DueStatus = Literal["not-yet-due", "due", "overdue", "complete", "on-hold"]


def _protocol_of(existing: Plan, protocol: Protocol | None) -> Protocol:
    """The plan's protocol: ``protocol`` when given (it must match), else the built-in one."""
    if protocol is None:
        return get_protocol(existing.protocol_id)
    if not isinstance(protocol, Protocol):
        raise InputError(f"must be a Protocol, got {type(protocol).__name__}", path="protocol")
    if protocol.id != existing.protocol_id:
        raise InputError(
            f"is {protocol.id!r} but the plan was made from {existing.protocol_id!r}",
            path="protocol",
        )
    return protocol


def _plan_history(
    existing: Plan, visits: object, protocol: Protocol, today: dt.date, name: str
) -> tuple[list[Visit], list[Violation]]:
    """The plan's own done and booked sessions, overridden by ``visits`` on the same date.

    A visit on the date of one of the plan's sessions is that session: it
    takes the session's phase unless it says its own. Errors name the visit
    (``visits[2]``) or the plan's session (``plan.sessions[0]``).
    """
    given, notes = clean_visits(visits, name, protocol=protocol, not_after=today)
    recorded = {v.date for v in given}
    by_date = {s.date: s for s in existing.sessions}
    kept: list[Visit] = []
    for i, s in enumerate(existing.sessions):
        if s.status == "done" and s.date > today:
            raise InputError(
                f"is a done session on {s.date.isoformat()}, after today ({today.isoformat()}): "
                "a session still to come cannot be done",
                path=f"plan.sessions[{i}]",
            )
        if s.status in ("done", "booked") and s.date not in recorded:
            kept.append(_fastpaths.build(Visit, date=s.date, status=s.status, phase=s.phase))
    placed: list[Visit] = []
    for v in given:
        session = by_date.get(v.date)
        if v.phase is None and session is not None:
            v = _fastpaths.evolve(v, phase=session.phase)
        placed.append(v)
    # issue 12 (identity): visits keep the keys of the sessions they are.
    kept, placed = carry_keys(existing, kept, placed)
    return sorted(kept + placed, key=lambda v: v.date), notes


# ----------------------------------------------------------------- replan


def _series_count(protocol: Protocol, existing: Plan) -> int | None:
    """The session count the plan was made for; read from its sessions for an older plan."""
    counted = protocol.counted_phase_index
    if counted is None:
        return None
    if existing.requested_sessions is not None:
        # Within the protocol's range as it is now: a clinic that shortened
        # its series re-plans to the new maximum (the rest is plan.removed).
        allowed = protocol.phases[counted].sessions
        return min(max(existing.requested_sessions, allowed.min), allowed.max)
    name = protocol.phases[counted].name
    count = 0
    for s in existing.sessions:
        if s.window.latest is None:  # an open window starts a (new) series
            count = 0
        if s.phase == name:
            count += 1
    count += sum(1 for u in existing.unplaced if u.phase == name)
    allowed = protocol.phases[counted].sessions
    return min(max(count, allowed.min), allowed.max) if count else None


def _without_plan(diary: Diary | None, existing: Plan, client: Client | None) -> Diary | None:
    """``diary`` without the appointments of ``existing`` (the diary, issue 14)."""
    if diary is None or not isinstance(diary, Diary):
        return diary
    who = client.id if client is not None else None
    own = [booking_of(s, existing.protocol_id, who) for s in existing.sessions]
    mine = {attrs.evolve(b, client=None) for b in own if b is not None}
    return Diary(tuple(b for b in diary if attrs.evolve(b, client=None) not in mine))


def replan(
    existing: Plan,
    visits: Sequence[Visit],
    *,
    today: dt.date,
    protocol: Protocol | None = None,
    clinic: Clinic | None = None,
    client: Client | None = None,
    strict: bool = False,
    diary: Diary | None = None,
) -> Plan:
    """Re-plan ``existing`` after ``visits`` happened (or did not), from ``today``.

    The plan's own ``done`` and ``booked`` sessions count as history; a visit
    on the same date overrides them (a ``booked`` session reported
    ``missed`` is dropped) and takes their phase. A booking keeps its place
    and its phase: one before ``today`` that no visit confirms is kept with an
    ``unconfirmed-booking`` warning, and one that no longer fits its window is
    reported, never moved or renumbered. Planned sessions before ``today``
    with no visit record did not happen. The series keeps the count the plan
    was made for (``Plan.requested_sessions``) and its horizon (a horizon
    already past is dropped). The result is checked as
    :func:`~collagenplan.validate` checks a calendar.

    Args:
        existing: the plan to update.
        visits: what happened; see :class:`~collagenplan.Visit`.
        today: the first date a new session may fall on.
        protocol: the plan's protocol; defaults to the built-in one with the
            plan's ``protocol_id``.
        clinic: the clinic to book in (see :func:`~collagenplan.plan`).
        client: the client (see :func:`~collagenplan.plan`). A condition or
            deferral with a known end puts the series on hold: the rest is
            planned from the day it clears (warning ``on-hold``).
        strict: raise instead of returning a plan with problems.
        diary: the clinic's diary (see :func:`~collagenplan.plan`); the
            appointments of ``existing`` itself are taken out of it first, so
            the plan's own sessions never block their re-planning.

    Raises:
        InputError: ``protocol`` does not match the plan, a bad argument, or a
            history that cannot be true (a done visit after ``today``; a date
            recorded both done and missed); the message names the visit.
        UnknownProtocolError: no ``protocol`` given and the plan's id is not built in.
    """
    if not isinstance(existing, Plan):
        raise InputError(f"must be a Plan, got {type(existing).__name__}", path="plan")
    protocol = _protocol_of(existing, protocol)
    today = require_date(today, "today")
    history, notes = _plan_history(existing, visits, protocol, today, "visits")
    horizon = existing.horizon
    if horizon is not None and horizon < today:
        horizon = None
    result = plan(
        protocol,
        start=today,
        sessions=_series_count(protocol, existing),
        horizon=horizon,
        client=client,
        clinic=clinic,
        history=history,
        strict=strict,
        plan_id=existing.plan_id,
        diary=_without_plan(diary, existing, client),
    )
    if notes:
        notes = number_notes(notes, result.dates)
        found = sorted(
            notes + list(result.violations), key=lambda v: (v.session is None, v.session or 0)
        )
        result = attrs.evolve(result, violations=tuple(found))
    # issue 12: same plan id, next revision, removals
    return succeed(existing, result, protocol.session.chair_minutes)


# --------------------------------------------------------------- next_due


@attrs.frozen(kw_only=True)
class NextDue:
    """When a client's next session is due, for rebooking reminders."""

    status: DueStatus
    """``not-yet-due`` (before the window), ``due`` (inside it), ``overdue``
    (after it), ``complete`` (nothing left to plan), ``on-hold`` (the client's
    records pause treatment; see ``resumes``)."""
    session: int | None = None
    """Number of the next session, counting the done ones; ``None`` when complete."""
    phase: str | None = None
    """Phase of the next session."""
    earliest: dt.date | None = None
    """First acceptable date (``today`` for a first session)."""
    target: dt.date | None = None
    """Ideal date."""
    latest: dt.date | None = None
    """Last acceptable date; ``None`` for a first session or when complete."""
    last_done: dt.date | None = None
    """Date of the last done session, if any."""
    booked: dt.date | None = None
    """The first booked visit from ``today`` on, if the client already has one."""
    covered: bool = False
    """True when ``booked`` falls in the next session's window (its grace
    included): the session is booked, no reminder is needed. A booking
    outside the window does not cover it, and ``violations`` says why."""
    restart: bool = False
    """The late policy will start the series again with the next session."""
    resumes: dt.date | None = None
    """For ``on-hold``: the day the client's records clear (``None`` when no
    end is known)."""
    violations: tuple[Violation, ...] = ()
    """What a receptionist should know about the history and the booking:
    ``duplicate-visit``, ``unconfirmed-booking``, ``on-hold``, and the interval
    code (``interval-too-long``...) of a booking outside the window."""

    @property
    def needs_booking(self) -> bool:
        """True when a reminder should go out: due or overdue, and no booking covers it."""
        return self.status in ("due", "overdue") and not self.covered


def next_due(
    protocol: Protocol | Plan,
    history: Sequence[Visit] = (),
    *,
    today: dt.date,
    sessions: int | None = None,
    client: Client | None = None,
    plan: Plan | None = None,
) -> NextDue:
    """When the next session of ``protocol`` is due, given what was done by ``today``.

    Args:
        protocol: the client's programme; or a :class:`Plan`, whose built-in
            protocol, session count and done and booked sessions are used.
        history: the client's visits; only ``done`` ones count as sessions,
            ``booked`` ones from ``today`` on are reported in ``booked``. With a
            plan, they override the plan's own sessions on the same date.
        today: the date to judge from.
        sessions: session count of the counted phase, as given to ``plan``
            (a plan's ``requested_sessions`` by default).
        client: the client; one whose records pause treatment on ``today``
            (a contraindication, a deferral) is ``on-hold``, not due.
        plan: the client's plan, when ``protocol`` is its (custom) protocol.

    Returns:
        A :class:`NextDue`; a status of ``complete`` means nothing is left
        (a protocol with a repeating phase is never complete).

    Raises:
        InputError: a bad argument, or a history that cannot be true (a done
            visit after ``today``); the message names the visit.
    """
    if isinstance(protocol, Plan):
        if plan is not None:
            raise InputError("give the plan once, as the first argument or as plan=", path="plan")
        plan, protocol = protocol, get_protocol(protocol.protocol_id)
    if not isinstance(protocol, Protocol):
        raise InputError(f"must be a Protocol, got {type(protocol).__name__}", path="protocol")
    today = require_date(today, "today")
    if plan is not None:
        if not isinstance(plan, Plan):
            raise InputError(f"must be a Plan, got {type(plan).__name__}", path="plan")
        protocol = _protocol_of(plan, protocol)
        visits, notes = _plan_history(plan, history, protocol, today, "history")
        if sessions is None:
            sessions = plan.requested_sessions
    else:
        visits, notes = clean_visits(history, "history", protocol=protocol, not_after=today)
    done = [v for v in visits if v.status == "done"]
    booked = next((v.date for v in visits if v.status == "booked" and v.date >= today), None)
    notes += [_unconfirmed(v, today) for v in visits if v.status == "booked" and v.date < today]
    counts = counts_by_phase(protocol, sessions)
    reading = read_history(protocol, done)
    first = next_phase(protocol, reading, counts)
    last = reading.last
    number = len(reading.sessions) + 1
    if first is None:
        return NextDue(status="complete", last_done=last, booked=booked, violations=tuple(notes))
    phase = protocol.phases[first]
    hold = _hold(protocol, client, today, number)
    if last is None:
        return NextDue(
            status="due" if hold is None else "on-hold",
            session=number,
            phase=phase.name,
            earliest=today,
            target=today,
            booked=booked,
            covered=booked is not None,
            resumes=hold.date if hold is not None else None,
            violations=tuple(notes + ([hold] if hold is not None else [])),
        )
    window = window_after_once(last, phase)
    status: DueStatus = "due"
    if today < window.earliest:
        status = "not-yet-due"
    elif window.latest is not None and today > window.latest:
        status = "overdue"
    limit = protocol.late.restart_after
    restart = (
        status == "overdue"
        and protocol.late.policy == "restart"
        and limit is not None
        and today > limit.add_to(last)
    )
    covered = False
    if booked is not None:
        code = Gaps(protocol.phases).code(last, booked, first)
        covered = code in (None, "within-grace")
        if code is not None:
            notes.append(_booking_outside(number, phase.name, booked, last, code, window, first))
    if hold is not None:
        notes.append(hold)
    return NextDue(
        status="on-hold" if hold is not None else status,
        session=number,
        phase=protocol.phases[0].name if restart else phase.name,
        earliest=window.earliest,
        target=window.target,
        latest=window.latest,
        last_done=last,
        booked=booked,
        covered=covered,
        restart=restart,
        resumes=hold.date if hold is not None else None,
        violations=tuple(notes),
    )


def _hold(
    protocol: Protocol, client: Client | None, today: dt.date, number: int
) -> Violation | None:
    """The ``on-hold`` warning when the client's records pause treatment on ``today``."""
    if client is None:
        return None
    found = screening.screen(client, protocol, on=today)
    if found.status not in ("contraindicated", "deferred"):
        return None
    until = found.earliest_start
    why = reason_parts(r for r in found.reasons if r.code != "needs-review")
    when = [Param("until", until.isoformat(), "date")] if until is not None else []
    return Violation(
        code="on-hold",
        severity="warning",
        key="on-hold.until" if until is not None else "on-hold.open",
        params=(
            Param("session", str(number), "number"),
            *when,
            *nested("why", why, "sentences"),
        ),
        session=number,
        date=until,
    )


def _unconfirmed(visit: Visit, today: dt.date) -> Violation:
    return Violation(
        code="unconfirmed-booking",
        severity="warning",
        key="unconfirmed.visit",
        params=(
            Param("date", visit.date.isoformat(), "date"),
            Param("today", today.isoformat(), "date"),
        ),
        date=visit.date,
    )


def _booking_outside(
    number: int, phase: str, booked: dt.date, last: dt.date, code: str, window: Window, index: int
) -> Violation:
    gap = (booked - last).days
    return Violation(
        code=code,
        severity="warning" if code == "within-grace" else "error",
        key="booking.covers" if code == "within-grace" else "booking.misses",
        params=(
            Param("date", booked.isoformat(), "date"),
            Param("gap", str(gap), "number"),
            Param("session", str(number), "number"),
            *window_params("window", window),
            Param("phase", phase),
        ),
        session=number,
        date=booked,
        rule=f"phases[{index}].interval",
        expected=window,
        gap_days=gap,
    )


# issue 12 (U11): a next_due answer is a JSON document too.
register("collagenplan/next-due/1", NextDue)
