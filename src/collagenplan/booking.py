"""Booking against the clinic's diary: several plans at once, and the receptionist's questions.

* :func:`plan_together` plans several plans one after another against one
  :class:`~collagenplan.Diary`, adding each plan's appointments before the
  next is planned, so no two collide (a couple booking together; a client's
  facial and scalp plans sharing visits back to back when both protocols
  allow ``combine_same_day``, on different days when not).
* :func:`explain` answers "why this date?" for one session.
* :func:`alternatives` answers "what else is free?": the other dates of the
  session's window that :func:`~collagenplan.validate` accepts, best first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from ._checks import is_date, is_tuple_of
from ._fields import _typename
from .clients import Client
from .clinics import Clinic, ClinicDays
from .clinics._diary import Booking, Diary, booking_of
from .errors import InputError
from .planning import plan
from .protocols import get_protocol
from .protocols.model import Protocol
from .results import Plan
from .sessions import PlannedSession, Visit
from .validation import validate

__all__ = ["Alternative", "PlanRequest", "alternatives", "explain", "plan_together"]


@attrs.frozen(kw_only=True)
class PlanRequest:
    """One plan to make in :func:`plan_together`: the arguments of :func:`~collagenplan.plan`."""

    protocol: Protocol = attrs.field(validator=attrs.validators.instance_of(Protocol))
    """The protocol to plan."""
    start: dt.date = attrs.field(validator=is_date(InputError))
    """The first date its first session may fall on."""
    client: Client | None = None
    """The client (``client.id`` marks their appointments in the diary)."""
    sessions: int | None = None
    """Session count of the series phase, as in :func:`~collagenplan.plan`."""
    horizon: dt.date | None = None
    """Plan repeating phases up to this date."""
    history: tuple[Visit, ...] = attrs.field(
        default=(), converter=tuple, validator=is_tuple_of(InputError, Visit, "a Visit")
    )
    """The client's visits for this protocol."""


def _whole_day(day: dt.date, clinic: Clinic, client: str) -> Booking:
    start = dt.datetime.combine(day, dt.time(), tzinfo=clinic.zone)
    return Booking(start=start, minutes=24 * 60 - 1, client=client)


def plan_together(
    requests: Sequence[PlanRequest], *, clinic: Clinic, diary: Diary | None = None
) -> tuple[tuple[Plan, ...], Diary]:
    """Plan ``requests`` in order against one diary, so that none collide.

    Each plan is made with :func:`~collagenplan.plan` against the diary
    holding every appointment booked before it (``diary`` and the plans
    already made). A couple gets parallel slots with two practitioners when
    both are free, else back-to-back ones. Two plans of one client (the same
    ``client.id``) share a day only when both protocols allow
    ``combine_same_day``; then they are booked back to back.

    Returns:
        The plans in the order requested, and the diary with their
        appointments added.

    Raises:
        InputError: a request is not a :class:`PlanRequest`, or a diary is not a Diary.
    """
    current = diary if diary is not None else Diary()
    if not isinstance(current, Diary):
        raise InputError(f"must be a Diary, got {_typename(current)}", path="diary")
    made: list[tuple[Plan, PlanRequest]] = []
    for i, request in enumerate(requests):
        if not isinstance(request, PlanRequest):
            raise InputError(
                f"must be a PlanRequest, got {_typename(request)}", path=f"requests[{i}]"
            )
        who = request.client.id if request.client is not None else None
        blocked = current
        if who is not None:  # days of this client's other plans that may not be shared
            for other, asked in made:
                same = asked.client is not None and asked.client.id == who
                shared = (
                    asked.protocol.session.combine_same_day
                    and request.protocol.session.combine_same_day
                )
                if same and not shared:
                    blocked = blocked.add(
                        *(_whole_day(s.date, clinic, who) for s in other.sessions)
                    )
        result = plan(
            request.protocol,
            start=request.start,
            sessions=request.sessions,
            horizon=request.horizon,
            client=request.client,
            clinic=clinic,
            history=request.history,
            diary=blocked,
        )
        made.append((result, request))
        current = current.add(*Diary.from_plans(result, client=who))
    return tuple(p for p, _ in made), current


def explain(plan: Plan, session: int) -> str:
    """Why session ``session`` of ``plan`` is on its date, in one sentence.

    On its target, or moved from it by the rule :attr:`Plan.moves` names (a
    closure, leave, a client's event, a washout, a full diary...).

    Raises:
        InputError: ``session`` is not a session number of the plan.
    """
    found = _session(plan, session)
    if found.status != "planned":
        return f"Session {session} on {found.date.isoformat()} is {found.status} (history)."
    move = next((m for m in plan.moves if m.session == session), None)
    when = found.date.isoformat()
    if found.start is not None:
        when += f" {found.start:%H:%M}" + (
            f" with {found.practitioner}" if found.practitioner else ""
        )
    if move is None:
        if found.date == found.window.target:
            return f"Session {session} is on its target date, {when}."
        return f"Session {session} is on {when}, the nearest allowed date to its target."
    return (
        f"Session {session} is on {when}, moved from its target {move.target.isoformat()} "
        f"because {move.reason} [{move.code}" + (f", {move.rule}" if move.rule else "") + "]."
    )


@attrs.frozen(kw_only=True)
class Alternative:
    """Another date (and slot) a session could have, and what it costs."""

    date: dt.date
    """The date."""
    start: dt.datetime | None = None
    """The appointment start, when a clinic gives times."""
    practitioner: str | None = None
    """Who it would be with."""
    resources: tuple[str, ...] = ()
    """The rooms, chairs and devices it would hold."""
    distance: int = 0
    """Days from the session's target (the smaller, the better)."""
    warnings: tuple[str, ...] = ()
    """Codes of the warnings the calendar would have with this date."""


def _session(plan: Plan, number: int) -> PlannedSession:
    if not isinstance(plan, Plan):
        raise InputError(f"must be a Plan, got {_typename(plan)}", path="plan")
    if (
        isinstance(number, bool)
        or not isinstance(number, int)
        or not (1 <= number <= len(plan.sessions))
    ):
        raise InputError(
            f"must be a session number 1..{len(plan.sessions)}, got {number!r}", path="session"
        )
    return plan.sessions[number - 1]


# How far past the target an open window (a series' first session) is searched.
OPEN_WINDOW_DAYS = 42


def alternatives(
    plan: Plan,
    session: int,
    *,
    n: int = 5,
    protocol: Protocol | None = None,
    client: Client | None = None,
    clinic: Clinic | None = None,
    diary: Diary | None = None,
) -> tuple[Alternative, ...]:
    """The other dates (with slots) session ``session`` could have, best first.

    Every day of the session's window (for an open window, the
    ``OPEN_WINDOW_DAYS`` = 42 days from its target) other than its date is
    tried: with ``clinic`` it must give an appointment (against ``diary``,
    from which the session's own booking is taken out), and the plan with
    the session moved there must pass :func:`~collagenplan.validate` with no
    error. Best first: nearest the target, then fewest warnings, then earlier.

    Args:
        plan: the plan.
        session: the session number (1-based).
        n: at most this many alternatives.
        protocol: the plan's protocol; looked up by ``plan.protocol_id`` when omitted.
        client, clinic, diary: what the plan was made with.

    Raises:
        InputError: ``session`` is not one of the plan's sessions, or ``n`` < 1.
        UnknownProtocolError: no protocol given and the id is not built in.
    """
    current = _session(plan, session)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError(f"must be a whole number >= 1, got {n!r}", path="n")
    if protocol is None:
        protocol = get_protocol(plan.protocol_id)
    who = client.id if client is not None else None
    if diary is not None:
        own = [b for s in plan.sessions if (b := booking_of(s, plan.protocol_id, who)) is not None]
        diary = Diary(tuple(b for b in diary if b not in own))
    window = current.window
    latest = window.latest or window.target + dt.timedelta(days=OPEN_WINDOW_DAYS)
    days = (
        ClinicDays(clinic, protocol, diary=diary, client=who, prefer=current.practitioner)
        if clinic is not None
        else None
    )
    found: list[Alternative] = []
    day = window.earliest
    while day <= latest:
        if day != current.date:
            option = _try(plan, current, day, protocol, client, clinic, diary, days)
            if option is not None:
                found.append(option)
        day += dt.timedelta(days=1)
    found.sort(key=lambda a: (a.distance, len(a.warnings), a.date))
    return tuple(found[:n])


def _try(
    plan: Plan,
    current: PlannedSession,
    day: dt.date,
    protocol: Protocol,
    client: Client | None,
    clinic: Clinic | None,
    diary: Diary | None,
    days: ClinicDays | None,
) -> Alternative | None:
    moved = attrs.evolve(current, date=day)
    if days is not None:
        booked = days.appointment(day)
        if booked is None:
            return None
        moved = attrs.evolve(
            moved,
            start=booked.start,
            minutes=booked.minutes,
            practitioner=booked.practitioner,
            resources=booked.resources,
        )
    number = moved.number
    sessions = tuple(moved if s.number == number else s for s in plan.sessions)
    report = validate(
        protocol, attrs.evolve(plan, sessions=sessions), client=client, clinic=clinic, diary=diary
    )
    if not report.ok:
        return None
    return Alternative(
        date=day,
        start=moved.start,
        practitioner=moved.practitioner,
        resources=moved.resources,
        distance=abs((day - moved.window.target).days),
        warnings=tuple(v.code for v in report.warnings),
    )
