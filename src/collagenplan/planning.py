"""Planning: turn a protocol and a start date into a calendar of sessions.

The rules (see ``docs/design.md``):

* Session 1 falls on the earliest allowed date on or after ``start``.
* Session k > 1 has a window anchored on the previous session's date:
  ``previous + interval.min / target / max`` of its phase. The planner picks
  the allowed date in the window nearest the target, the earlier on a tie.
* Phases run in order; the first session of a later phase is measured from
  the last session of the phase before. A repeating last phase recurs up to
  ``horizon`` (once when there is no horizon).
* When a window holds no allowed date, the session goes on the nearest
  allowed date after the window and a violation is recorded in
  ``Plan.violations`` (or :class:`~collagenplan.errors.PlanningError` is raised
  with ``strict=True``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import attrs

from . import screening
from ._blockers import Blocker, DateCheck
from .clients import Client
from .clinics import Clinic, ClinicDays, assign_appointments
from .errors import InputError, PlanningError, ProtocolError
from .protocols.model import Phase, Protocol
from .results import Plan, Violation
from .sessions import PlannedSession, Window, window_after

__all__ = ["Blocker", "DateCheck", "plan"]

# How far past a window the planner looks for an allowed date before it gives
# up: three years covers any clinic closure or client deferral seen in practice.
SEARCH_DAYS = 3 * 366


def _blocker(day: dt.date, checks: Sequence[DateCheck]) -> Blocker | None:
    for check in checks:
        found = check(day)
        if found is not None:
            return found
    return None


def _candidates(window: Window) -> Iterator[dt.date]:
    """Dates of the window, nearest the target first, earlier first on a tie."""
    one = dt.timedelta(days=1)
    target = window.target
    latest = window.latest
    before = target - window.earliest
    after = (latest - target) if latest is not None else dt.timedelta(days=SEARCH_DAYS)
    yield target
    for i in range(1, max(before.days, after.days) + 1):
        step = one * i
        if step <= before:
            yield target - step
        if step <= after:
            try:
                yield target + step
            except OverflowError:
                return


def choose_date(
    window: Window, checks: Sequence[DateCheck]
) -> tuple[dt.date | None, dict[str, Blocker]]:
    """Pick the allowed date nearest the target; else the first allowed date after.

    Returns the date (``None`` when nothing is allowed within ``SEARCH_DAYS``
    past the window) and, when the date is outside the window, the blockers
    met inside it keyed by code.
    """
    if not checks:
        return window.target, {}
    seen: dict[str, Blocker] = {}
    for day in _candidates(window):
        found = _blocker(day, checks)
        if found is None:
            return day, {}
        seen.setdefault(found.code, found)
    if window.latest is None:
        return None, seen
    day = window.latest
    for _ in range(SEARCH_DAYS):
        try:
            day += dt.timedelta(days=1)
        except OverflowError:
            break
        if _blocker(day, checks) is None:
            return day, seen
    return None, seen


def _no_room(
    number: int, phase: Phase, window: Window, day: dt.date | None, seen: dict[str, Blocker]
) -> Violation:
    codes = set(seen)
    code = codes.pop() if len(seen) == 1 else "no-date-in-window"
    if code == "clinic-closed":
        code = "no-date-in-window"
    reasons = "; ".join(b.reason for b in seen.values()) or "no date is allowed"
    rule = next(iter(seen.values())).rule if len(seen) == 1 else None
    placed = (
        f"it is placed on {day.isoformat()}, the first allowed date after the window"
        if day is not None
        else f"no allowed date was found within {SEARCH_DAYS} days after it either"
    )
    return Violation(
        code=code,
        severity="error",
        message=(
            f"No allowed date for session {number} ({phase.name}) in its window "
            f"{window} ({reasons}); {placed}."
        ),
        session=number,
        date=day,
        rule=rule,
        expected=window,
    )


def _phase_counts(protocol: Protocol, sessions: int | None) -> list[int]:
    """How many sessions each non-repeating phase gets."""
    counted = protocol.counted_phase_index
    if sessions is not None:
        if isinstance(sessions, bool) or not isinstance(sessions, int):
            raise InputError(f"must be an integer, got {sessions!r}", path="sessions")
        if counted is None:
            raise ProtocolError(
                f"protocol {protocol.id!r} has only a repeating phase; "
                "its session count follows the horizon, so 'sessions' cannot be set",
                path="sessions",
            )
        allowed = protocol.phases[counted].sessions
        if not allowed.min <= sessions <= allowed.max:
            raise ProtocolError(
                f"{sessions} sessions is outside the range of phase "
                f"{protocol.phases[counted].name!r} ({allowed.min}..{allowed.max})",
                path=f"phases[{counted}].sessions",
            )
    counts = []
    for i, phase in enumerate(protocol.phases):
        if phase.repeat:
            continue
        counts.append(
            sessions if (i == counted and sessions is not None) else phase.sessions.default
        )
    return counts


def _clinic_check(days: ClinicDays) -> DateCheck:
    """The clinic's day rules as a planning check (blocker code ``clinic-closed``)."""

    def check(day: dt.date) -> Blocker | None:
        closed = days.closed(day)
        return None if closed is None else Blocker("clinic-closed", closed.reason, closed.rule)

    return check


def _check_date(value: object, name: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InputError(f"must be a datetime.date, got {type(value).__name__}", path=name)
    return value


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
    start = _check_date(start, "start")
    if horizon is not None:
        horizon = _check_date(horizon, "horizon")
        if horizon < start:
            raise InputError(f"must not be before start ({horizon} < {start})", path="horizon")
    if clinic is not None and not isinstance(clinic, Clinic):
        raise InputError(f"must be a Clinic, got {type(clinic).__name__}", path="clinic")
    checks: list[DateCheck] = []
    first_day = start
    if client is not None:
        first_day = screening.client_start(client, protocol, start, lead_in=not history)
        checks += screening.date_checks(protocol, client)
    days = ClinicDays(clinic, protocol) if clinic is not None else None
    if days is not None:
        checks.append(_clinic_check(days))
    counts = _phase_counts(protocol, sessions)
    steps: list[Phase] = []
    fixed = [p for p in protocol.phases if not p.repeat]
    for phase, count in zip(fixed, counts, strict=True):
        steps += [phase] * count

    planned: list[PlannedSession] = []
    problems: list[Violation] = []
    previous: dt.date | None = None
    from . import living  # living calendars build on planning; imported here to avoid a cycle

    resumed = None
    if history:
        resumed = living.resume(protocol, history, sessions=sessions, start=start, checks=checks)
        planned, steps, previous = list(resumed.kept), list(resumed.steps), resumed.anchor

    def place(phase: Phase, window: Window) -> bool:
        nonlocal previous
        number = len(planned) + 1
        search, late = living.not_before(window, first_day) if resumed else (window, False)
        day, seen = choose_date(search, checks)
        if day is not None and late and previous is not None:
            problems.append(living.late_violation(protocol, number, phase, window, day, previous))
        elif day is None or seen:
            problems.append(_no_room(number, phase, window, day, seen))
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
            living.restart_violation(
                first_new.number, first_new.date, resumed.kept[-1].date, protocol
            )
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
    result = Plan(
        protocol_id=protocol.id,
        start=start,
        sessions=assign_appointments(days, planned) if days is not None else tuple(planned),
        violations=tuple(problems),
        horizon=horizon,
    )
    if strict and not result.ok:
        first = next(p for p in problems if p.severity == "error")
        raise PlanningError(first.message, tuple(problems))
    return result
