"""Living calendars: plans that keep working after visits happen, are missed or run late.

A client's history is a list of :class:`~collagenplan.Visit` records. The
planner owns reading it (``plan(protocol, start=..., history=visits)`` keeps
the history, anchors the next window on the last kept session and plans the
rest from ``start``; see :mod:`collagenplan.planning`). This module builds the
two questions clinic software asks on top of it:

* :func:`replan` re-plans an existing :class:`~collagenplan.Plan` after what
  happened;
* :func:`next_due` says when the next session is due.

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

from ._checks import require_date
from .clients import Client
from .clinics import Clinic
from .documents import register
from .errors import InputError
from .planning import plan
from .planning._history import counts_by_phase, next_phase, read_history, sorted_visits
from .planning._keys import carry_keys, succeed
from .protocols.loader import get_protocol
from .protocols.model import Protocol
from .results import Plan
from .sessions import Visit, window_after

__all__ = ["NextDue", "next_due", "replan"]

DueStatus = Literal["not-yet-due", "due", "overdue", "complete"]


# ----------------------------------------------------------------- replan


def _series_count(protocol: Protocol, existing: Plan) -> int | None:
    """Sessions the plan gave its counted phase (in its last run of the series)."""
    counted = protocol.counted_phase_index
    if counted is None:
        return None
    name = protocol.phases[counted].name
    count = 0
    for s in existing.sessions:
        if s.window.latest is None:  # an open window starts a (new) series
            count = 0
        if s.phase == name:
            count += 1
    allowed = protocol.phases[counted].sessions
    return min(max(count, allowed.min), allowed.max) if count else None


def replan(
    existing: Plan,
    visits: Sequence[Visit],
    *,
    today: dt.date,
    protocol: Protocol | None = None,
    clinic: Clinic | None = None,
    client: Client | None = None,
    strict: bool = False,
) -> Plan:
    """Re-plan ``existing`` after ``visits`` happened (or did not), from ``today``.

    The plan's own ``done`` and ``booked`` sessions count as history; a visit
    on the same date overrides them (a ``booked`` session reported
    ``missed`` is dropped). Planned sessions before ``today`` with no visit
    record did not happen. The series keeps the plan's session count and
    horizon (a horizon already past is dropped).

    Args:
        existing: the plan to update.
        visits: what happened; see :class:`~collagenplan.Visit`.
        today: the first date a new session may fall on.
        protocol: the plan's protocol; defaults to the built-in one with the
            plan's ``protocol_id``.
        clinic: the clinic to book in (see :func:`~collagenplan.plan`).
        client: the client (see :func:`~collagenplan.plan`).
        strict: raise instead of returning a plan with problems.

    Raises:
        InputError: ``protocol`` does not match the plan, or a bad argument.
        UnknownProtocolError: no ``protocol`` given and the plan's id is not built in.
    """
    if not isinstance(existing, Plan):
        raise InputError(f"must be a Plan, got {type(existing).__name__}", path="plan")
    if protocol is None:
        protocol = get_protocol(existing.protocol_id)
    elif not isinstance(protocol, Protocol):
        raise InputError(f"must be a Protocol, got {type(protocol).__name__}", path="protocol")
    elif protocol.id != existing.protocol_id:
        raise InputError(
            f"is {protocol.id!r} but the plan was made from {existing.protocol_id!r}",
            path="protocol",
        )
    given = sorted_visits(visits, "visits")
    recorded = {v.date for v in given}
    history = [
        Visit(date=s.date, status=s.status)
        for s in existing.sessions
        if s.status in ("done", "booked") and s.date not in recorded
    ]
    # issue 12 (identity): visits keep the keys of the sessions they are.
    history, given = carry_keys(existing, history, given)
    horizon = existing.horizon
    if horizon is not None and horizon < today:
        horizon = None
    new = plan(
        protocol,
        start=today,
        sessions=_series_count(protocol, existing),
        horizon=horizon,
        client=client,
        clinic=clinic,
        history=history + given,
        strict=strict,
        plan_id=existing.plan_id,
    )
    # issue 12: same plan id, next revision, removals
    return succeed(existing, new, protocol.session.chair_minutes)


# --------------------------------------------------------------- next_due


@attrs.frozen(kw_only=True)
class NextDue:
    """When a client's next session is due, for rebooking reminders."""

    status: DueStatus
    """``not-yet-due`` (before the window), ``due`` (inside it), ``overdue``
    (after it), ``complete`` (nothing left to plan)."""
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
    restart: bool = False
    """The late policy will start the series again with the next session."""


def next_due(
    protocol: Protocol,
    history: Sequence[Visit],
    *,
    today: dt.date,
    sessions: int | None = None,
) -> NextDue:
    """When the next session of ``protocol`` is due, given what was done by ``today``.

    Args:
        protocol: the client's programme.
        history: the client's visits; only ``done`` ones count as sessions,
            ``booked`` ones from ``today`` on are reported in ``booked``.
        today: the date to judge from.
        sessions: session count of the counted phase, as given to ``plan``.

    Returns:
        A :class:`NextDue`; a status of ``complete`` means nothing is left
        (a protocol with a repeating phase is never complete).
    """
    if not isinstance(protocol, Protocol):
        raise InputError(f"must be a Protocol, got {type(protocol).__name__}", path="protocol")
    today = require_date(today, "today")
    visits = sorted_visits(history)
    done = [v for v in visits if v.status == "done"]
    booked = next((v.date for v in visits if v.status == "booked" and v.date >= today), None)
    counts = counts_by_phase(protocol, sessions)
    reading = read_history(protocol, done)
    first = next_phase(protocol, reading, counts)
    last = reading.last
    number = len(reading.sessions) + 1
    if first is None:
        return NextDue(status="complete", last_done=last, booked=booked)
    phase = protocol.phases[first]
    if last is None:
        return NextDue(
            status="due",
            session=number,
            phase=phase.name,
            earliest=today,
            target=today,
            booked=booked,
        )
    window = window_after(last, phase)
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
    return NextDue(
        status=status,
        session=number,
        phase=protocol.phases[0].name if restart else phase.name,
        earliest=window.earliest,
        target=window.target,
        latest=window.latest,
        last_done=last,
        booked=booked,
        restart=restart,
    )


# issue 12 (U11): a next_due answer is a JSON document too.
register("collagenplan/next-due/1", NextDue)
