"""Living calendars: plans that keep working after visits happen, are missed or run late.

A client's history is a list of :class:`~collagenplan.Visit` records. ``done``
visits are sessions and stay as they were; ``booked`` visits are fixed
appointments still to come; ``missed`` and ``cancelled`` visits are not
sessions. Three entry points build on one reading of that history
(:func:`read_history`, which is exactly how :func:`~collagenplan.validate`
reads a calendar):

* ``plan(protocol, start=..., history=visits)`` keeps the history, anchors the
  next window on the last kept session and plans the rest from ``start``;
* :func:`replan` does the same from an existing :class:`~collagenplan.Plan`;
* :func:`next_due` tells clinic software when the next session is due.

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

from .clients import Client
from .clinics import Clinic
from .errors import InputError
from .planning import DateCheck, _phase_counts, choose_date, plan
from .protocols.loader import get_protocol
from .protocols.model import Phase, Protocol
from .results import Plan, Violation
from .sessions import PlannedSession, Visit, Window, window_after
from .validation import restart_violation, validate

__all__ = [
    "DueStatus",
    "HistoryReading",
    "NextDue",
    "Resume",
    "late_violation",
    "next_due",
    "not_before",
    "read_history",
    "replan",
    "restart_violation",
    "resume",
]

DueStatus = Literal["not-yet-due", "due", "overdue", "complete"]
BEYOND = "(beyond protocol)"


def _visits(history: object, name: str = "history") -> list[Visit]:
    """The visits of ``history`` in date order (stable for equal dates)."""
    if isinstance(history, str | bytes) or not isinstance(history, Sequence):
        raise InputError(
            f"must be a sequence of Visit records, got {type(history).__name__}", path=name
        )
    for i, item in enumerate(history):
        if not isinstance(item, Visit):
            raise InputError(
                f"must be a Visit, got {type(item).__name__} {item!r}", path=f"{name}[{i}]"
            )
    return sorted(history, key=lambda v: v.date)


@attrs.frozen(kw_only=True)
class HistoryReading:
    """How a history of sessions reads against a protocol."""

    sessions: tuple[PlannedSession, ...]
    """The sessions (done and booked visits) with the phase and window they were read in."""
    phase_index: int | None
    """Phase of the last session (``-1`` beyond the protocol), ``None`` with no session."""
    count: int
    """Sessions of that phase in a row since the series (re)started."""
    restarts: tuple[int, ...]
    """Numbers of the sessions where the late policy started the series again."""

    @property
    def last(self) -> dt.date | None:
        """Date of the last session, if any."""
        return self.sessions[-1].date if self.sessions else None


def read_history(protocol: Protocol, sessions: Sequence[Visit]) -> HistoryReading:
    """Read ``sessions`` (already filtered to the ones that count) as validation does."""
    report = validate(protocol, list(sessions))
    restarts = tuple(
        v.session for v in report.violations if v.code == "series-restarted" and v.session
    )
    index = {p.name: i for i, p in enumerate(protocol.phases)}
    phase_index: int | None = None
    count = 0
    for s in report.sessions:
        here = index.get(s.phase, -1) if s.phase != BEYOND else -1
        if here == phase_index and s.number not in restarts:
            count += 1
        else:
            phase_index, count = here, 1
    return HistoryReading(
        sessions=report.sessions, phase_index=phase_index, count=count, restarts=restarts
    )


def _next_phase(protocol: Protocol, reading: HistoryReading, counts: dict[int, int]) -> int | None:
    """Index of the phase the next session belongs to; ``None`` when the plan is complete."""
    current = reading.phase_index
    if current is None:
        return 0
    if current < 0:
        return None
    if protocol.phases[current].repeat or reading.count < counts[current]:
        return current
    return current + 1 if current + 1 < len(protocol.phases) else None


def _counts(protocol: Protocol, sessions: int | None) -> dict[int, int]:
    """Planned session count of each non-repeating phase, by phase index."""
    fixed = [i for i, p in enumerate(protocol.phases) if not p.repeat]
    return dict(zip(fixed, _phase_counts(protocol, sessions), strict=True))


def _steps(
    protocol: Protocol, counts: dict[int, int], first: int | None, already: int
) -> tuple[Phase, ...]:
    """Non-repeating phases still to plan, from phase ``first`` with ``already`` sessions in it."""
    if first is None:
        return ()
    steps: list[Phase] = []
    for i in range(first, len(protocol.phases)):
        phase = protocol.phases[i]
        if phase.repeat:
            break
        steps += [phase] * max(0, counts[i] - (already if i == first else 0))
    return tuple(steps)


def not_before(window: Window, start: dt.date) -> tuple[Window, bool]:
    """``window`` with nothing before ``start``, and whether it had already closed (late).

    A window that ended before ``start`` becomes open-ended from ``start``:
    the session goes on the first allowed date from then.
    """
    if window.earliest >= start:
        return window, False
    target = max(window.target, start)
    if window.latest is not None and window.latest < target:
        return Window(earliest=start, target=start, latest=None), True
    return Window(earliest=start, target=target, latest=window.latest), False


@attrs.frozen(kw_only=True)
class Resume:
    """Where planning picks up after a history (internal to :func:`~collagenplan.plan`)."""

    kept: tuple[PlannedSession, ...]
    """History sessions kept in the plan (done, and booked from ``start`` on)."""
    steps: tuple[Phase, ...]
    """Non-repeating sessions still to plan, in order."""
    anchor: dt.date | None
    """Date the next window is measured from; ``None`` starts afresh from ``start``."""
    restarted: bool
    """The late policy starts the series again with the next session."""


def resume(
    protocol: Protocol,
    history: Sequence[object],
    *,
    sessions: int | None,
    start: dt.date,
    checks: Sequence[DateCheck],
) -> Resume:
    """Read ``history`` and say what :func:`~collagenplan.plan` still has to plan."""
    visits = _visits(history)
    kept = [v for v in visits if v.status == "done" or (v.status == "booked" and v.date >= start)]
    counts = _counts(protocol, sessions)
    reading = read_history(protocol, kept)
    first = _next_phase(protocol, reading, counts)
    already = reading.count if first == reading.phase_index else 0
    anchor = reading.last
    restarted = False
    if anchor is not None and first is not None and protocol.late.policy == "restart":
        window = window_after(anchor, protocol.phases[first])
        search, _ = not_before(window, start)
        day, _ = choose_date(search, checks)
        limit = protocol.late.restart_after
        if (
            day is not None
            and limit is not None
            and window.latest is not None
            and day > window.latest
            and day > limit.add_to(anchor)
        ):
            restarted, first, already, anchor = True, 0, 0, None
    return Resume(
        kept=reading.sessions,
        steps=_steps(protocol, counts, first, already),
        anchor=anchor,
        restarted=restarted,
    )


def late_violation(
    protocol: Protocol,
    number: int,
    phase: Phase,
    window: Window,
    day: dt.date,
    previous: dt.date,
) -> Violation:
    """The ``interval-too-long`` flag of a session re-planned after its window closed."""
    index = protocol.phases.index(phase)
    gap = (day - previous).days
    return Violation(
        code="interval-too-long",
        severity="error",
        message=(
            f"Session {number} ({phase.name}) is late: its window closed on "
            f"{window.latest} ({phase.interval.max} after the session on {previous.isoformat()}); "
            f"re-planned for {day.isoformat()}, {gap} days after it. The late policy is "
            f"'{protocol.late.policy}', so the series carries on."
        ),
        session=number,
        date=day,
        rule=f"phases[{index}].interval",
        expected=window,
        gap_days=gap,
    )


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
    given = _visits(visits, "visits")
    recorded = {v.date for v in given}
    history = [
        Visit(date=s.date, status=s.status)
        for s in existing.sessions
        if s.status in ("done", "booked") and s.date not in recorded
    ]
    horizon = existing.horizon
    if horizon is not None and horizon < today:
        horizon = None
    return plan(
        protocol,
        start=today,
        sessions=_series_count(protocol, existing),
        horizon=horizon,
        client=client,
        clinic=clinic,
        history=history + given,
        strict=strict,
    )


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
    if isinstance(today, dt.datetime) or not isinstance(today, dt.date):
        raise InputError(f"must be a datetime.date, got {type(today).__name__}", path="today")
    visits = _visits(history)
    done = [v for v in visits if v.status == "done"]
    booked = next((v.date for v in visits if v.status == "booked" and v.date >= today), None)
    counts = _counts(protocol, sessions)
    reading = read_history(protocol, done)
    first = _next_phase(protocol, reading, counts)
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
