"""The planner: :func:`plan` in one pass, history first, then window by window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

from .. import _fastpaths, screening
from .._blockers import Blocker, DateCheck
from .._checks import require_date
from .._judging import clean_visits, judge, number_notes
from .._reading import Entry, checked_session, restart_violation, window_after_once
from ..clients import Client
from ..clinics import Clinic, ClinicDays, assign_appointments, shared_days
from ..clinics._days import HOOK_CALLS_PER_SESSION
from ..clinics._diary import Diary
from ..errors import DurationError, InputError, PlanningError
from ..messages import Message, Param
from ..protocols.model import Phase, Protocol
from ..results import Plan, Violation, nested, reason_parts
from ..sessions import (
    Milestone,
    Move,
    PlannedSession,
    UnplacedSession,
    Window,
    session_keys,
    window_after_saturating,
)
from . import _history, _keys
from ._place import blocker_on, choose_date, no_room, within_grace

__all__ = ["MAX_SESSIONS", "plan"]

_V = TypeVar("_V")

MAX_SESSIONS = 10_000
"""Most sessions one plan may hold: a repeating phase planned to a far horizon
(a daily touch-up until 9999) is refused instead of filling memory."""


def _clinic_check(days: ClinicDays) -> DateCheck:
    """The clinic's day rules as a planning check (blocker code ``clinic-closed``)."""

    def check(day: dt.date) -> Blocker | None:
        closed = days.closed(day)
        return (
            None
            if closed is None
            else Blocker(closed.code, closed.reason, closed.rule, closed.message)
        )

    return check


_SHARED_CHECKS: dict[int, tuple[ClinicDays, DateCheck]] = {}
"""The check of each shared clinic calendar, by identity (the calendar kept alive)."""


def _shared_clinic_check(days: ClinicDays) -> DateCheck:
    """:func:`_clinic_check` for a shared calendar, each day's answer kept across plans.

    A shared calendar (no booking hook, no diary, no practitioner to keep)
    decides each day once for every plan, so its answer can be kept too.
    """
    found = _SHARED_CHECKS.get(id(days))
    if found is not None and found[0] is days:
        return found[1]
    ask = _clinic_check(days)
    answers: dict[dt.date, Blocker | None] = {}

    def check(day: dt.date) -> Blocker | None:
        if day in answers:
            return answers[day]
        if len(answers) >= 1 << 14:
            answers.clear()
        answer = answers[day] = ask(day)
        return answer

    if len(_SHARED_CHECKS) >= 64:
        _SHARED_CHECKS.clear()
    _SHARED_CHECKS[id(days)] = (days, check)
    return check


def _lead_in_check(protocol: Protocol, client: Client, start: dt.date) -> DateCheck:
    """No session whose lead-in tasks (stop an exposure, start a prophylaxis) precede ``start``.

    The rule of ADR 0001 for every session still to come, new or re-planned:
    between sessions the client has resumed her retinoid and has not started
    her antiviral, so a task dated before the plan was made cannot be done.
    """
    bound = _lead_in_bound(protocol, start)

    def check(day: dt.date) -> Blocker | None:
        if day >= bound:
            return None
        late = [
            m
            for m in screening.milestones(protocol, client, day)
            if m.kind in ("stop", "start") and m.start < start
        ]
        if not late:
            return None
        first = min(late, key=lambda m: m.start)
        return Blocker(
            "lead-in",
            f"the lead-in task '{first.kind} {first.subject}' would fall on "
            f"{first.start.isoformat()}, before {start.isoformat()}",
            first.rule,
            Message(
                "lead-in.stop" if first.kind == "stop" else "lead-in.start",
                [
                    Param("subject", first.subject),
                    Param("day", first.start.isoformat(), "date"),
                    Param("start", start.isoformat(), "date"),
                ],
            ),
        )

    return check


def _lead_in_bound(protocol: Protocol, start: dt.date) -> dt.date:
    """A day from which no session has a lead-in task before ``start``.

    Lead-in tasks are the ``stop`` milestones of the washouts that pause
    between sessions and the ``start`` milestones of precautions, each its
    ``before`` ahead of the session (a day ahead for a ``before`` of zero). A
    washout that does not pause between sessions gives no milestone, so its
    (often months-long) ``before`` does not push the bound out.
    """
    if not _fastpaths.FAST:
        return _find_lead_in_bound(protocol, start)
    key = (id(protocol), start)
    found = _LEAD_IN_BOUNDS.get(key)
    if found is not None and found[0] is protocol:
        return found[1]
    bound = _find_lead_in_bound(protocol, start)
    if len(_LEAD_IN_BOUNDS) >= 4096:
        _LEAD_IN_BOUNDS.clear()
    _LEAD_IN_BOUNDS[key] = (protocol, bound)
    return bound


_LEAD_IN_BOUNDS: dict[tuple[int, dt.date], tuple[Protocol, dt.date]] = {}
"""Each (protocol, start)'s lead-in bound, the protocol kept alive (its id not reused)."""


def _find_lead_in_bound(protocol: Protocol, start: dt.date) -> dt.date:
    leads = [
        w.before
        for w in protocol.washouts
        if (w.before or w.after) and screening.pauses_between_sessions(protocol, w)
    ]
    leads += [p.before for p in protocol.precautions]
    try:  # a day this far from start has every lead-in task on or after it
        bound = max((d.add_to(start) for d in leads), default=start)
        # Months end on different days (31 Jan + 1m = 28 Feb), so a task a month
        # and some days ahead of that day can still fall before start: step on.
        while any(d.subtract_from(bound) < start for d in leads):
            bound += dt.timedelta(days=1)
        return bound + dt.timedelta(days=2)
    except (DurationError, OverflowError):
        return dt.date.max


def _on_hold(
    protocol: Protocol, client: Client, start: dt.date, resume: dt.date, number: int
) -> Violation:
    """The ``on-hold`` warning of a series in progress that the client's records pause."""
    found = screening.screen(client, protocol, on=start)
    why = reason_parts(r for r in found.reasons if r.code != "needs-review")
    return Violation(
        code="on-hold",
        severity="warning",
        key="on-hold.plan",
        params=(
            Param("start", start.isoformat(), "date"),
            Param("resume", resume.isoformat(), "date"),
            *nested("why", why, "sentences"),
            Param("session", str(number), "number"),
            Param("policy", protocol.late.policy),
        ),
        session=number,
        date=resume,
    )


@screening.per_call  # the client's rules and milestones are worked out once per plan
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
    diary: Diary | None = None,
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
            procedures forbid, and days whose lead-in tasks (stop an exposure,
            start a prophylaxis) would fall before ``start`` (``lead-in`` when
            that empties a window); each session still to come gets its milestones
            (stop / resume exposures, precaution actions, aftercare); relative
            contraindications not cleared are ``needs-review`` warnings.
        clinic: a :class:`~collagenplan.Clinic`: sessions go only on days it
            allows, and planned sessions get a time-zone aware ``start``, the
            protocol's chair ``minutes`` and a ``practitioner``.
        history: :class:`~collagenplan.Visit` records, read in date order, each
            visit once (``duplicate-visit``). Done and booked visits are kept as
            they were, in the phase a visit names (a past booking nobody
            confirmed with an ``unconfirmed-booking`` warning); the next window
            is anchored on the last of them, nothing new is placed before
            ``start``, and the protocol's late policy decides what a closed
            window means. A client whose records pause the series (a
            contraindication or deferral with a known end) puts it on hold
            until they clear (``on-hold``). The whole plan is then checked as
            :func:`~collagenplan.validate` checks a calendar, and what it finds
            is in ``plan.violations`` (see ``docs/living-calendars.md``).
        strict: raise :class:`PlanningError` instead of returning a plan with problems.
        plan_id: your id for this course of treatment (``Plan.plan_id``); without
            it, ``<client id>/<protocol id>`` when the client has an id, else none.
            Never derived from a date, so a re-plan keeps the same id.
        diary: a :class:`~collagenplan.Diary` of appointments already booked
            (needs ``clinic``): a session goes only where a qualified
            practitioner, one resource of each kind it needs and the client
            are free for its chair minutes plus ``clinic.turnover``, keeping
            ``client.preferred_practitioner`` (else the client's practitioner
            in the diary, else the one of the plan's first session) whenever
            they are free. A window with no such slot is ``diary-full``. The
            availability hook is asked about at most
            :data:`~collagenplan.HOOK_CALLS_PER_SESSION` days per session,
            diary or not. See ``docs/howto/diary.md``.

    Every session gets a ``key``: the one its history visit carries, else its
    phase and its ordinal within the phase (``series-2``), see ``docs/design.md``.

    Returns:
        A :class:`Plan`; ``plan.violations`` lists what could not be satisfied,
        ``plan.moves`` why sessions are off their targets, ``plan.unplaced``
        the sessions no date was found for.

    Raises:
        ProtocolError: ``sessions`` is outside the phase's range.
        InputError: a bad argument (``start`` not a date, ``horizon`` before ``start``,
            or so far that a repeating phase would pass :data:`MAX_SESSIONS` sessions),
            or a history that cannot be true (a done visit after ``start``, a date
            recorded both done and missed, a phase the protocol does not have);
            the message names the visit (``history[2]``).
        DurationError: a window would end past ``date.max``.
        PlanningError: with ``strict=True``, when the plan has an error; and,
            whatever ``strict`` says, when the client is contraindicated on
            ``start`` (a new series; one in progress is paused when the end is
            known) or deferred with no known end (no calendar is better than
            one that looks bookable).
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
    visits, notes = clean_visits(
        history, "history", protocol=protocol, not_after=start, not_after_name="start"
    )
    in_progress = any(v.status in ("done", "booked") for v in visits)
    identity = _keys.plan_id_for(plan_id, protocol.id, client)
    checks: list[DateCheck] = []
    first_day = start
    if client is not None:
        first_day = screening.client_start(client, protocol, start, in_progress=in_progress)
        checks += screening.date_checks(protocol, client)
    days = _days(protocol, clinic, client, diary, start)
    if days is not None:
        shared = days.clinic.availability is None and days.diary is None and days.prefer is None
        fast = shared and _fastpaths.FAST
        checks.append(_shared_clinic_check(days) if fast else _clinic_check(days))
    if client is not None:  # last: the costliest check, and only near start
        checks.append(_lead_in_check(protocol, client, start))
    requested = _requested(protocol, sessions)
    counts = _history.phase_counts(protocol, sessions)
    steps: list[Phase] = []
    fixed = [p for p in protocol.phases if not p.repeat]
    for phase, count in zip(fixed, counts, strict=True):
        steps += [phase] * count

    planned: list[PlannedSession] = []
    tasks: list[tuple[Milestone, ...] | None] | None = None  # each session's milestones
    problems: list[Violation] = list(notes)
    previous: dt.date | None = None
    resumed = None
    if in_progress:
        resumed = _history.resume(
            protocol, visits, sessions=sessions, start=start, first_day=first_day, checks=checks
        )
        _keys.check_history_keys(visits)
        planned, steps, previous = list(resumed.kept), list(resumed.steps), resumed.anchor
        problems += resumed.notes
    # Each session is built once, with its key (the keys of the finished plan).
    keys = _keys.KeyMaker(planned) if _fastpaths.FAST else None
    if keys is not None:
        planned = [
            s if s.key is not None else _fastpaths.evolve(s, key=key)
            for s, key in zip(planned, keys.keys, strict=True)
        ]
    missing: list[tuple[Phase, Window]] = []
    moves: list[Move] = []

    # A move's texts come from the checked protocol, client and clinic; a booking
    # hook's days are the one source checked again.
    hooked = days is not None and days.clinic.availability is not None
    make_move = _checked if hooked else _fastpaths.build
    # A shared clinic calendar (no hook, no diary, no practitioner to keep) gives
    # each day one appointment for the whole plan: sessions get it as they are
    # placed, not in a second pass (assign_appointments).
    shared = days is not None and not hooked and days.diary is None and days.prefer is None
    at_once = days if shared and keys is not None else None

    def place(phase: Phase, window: Window) -> bool:
        nonlocal previous
        number = len(planned) + 1
        search, late = _history.not_before(window, first_day) if resumed else (window, False)
        floor = _grace_floor(phase, search, first_day) if previous is not None else None
        if days is not None and days.clinic.availability is not None:
            days.budget = HOOK_CALLS_PER_SESSION  # bounded hook calls per session (B9)
        day, seen = choose_date(search, checks, floor=floor)
        if day is not None and late and previous is not None:
            problems.append(
                _history.late_violation(protocol, number, phase, window, day, previous)
            )
        elif day is not None and previous is not None and day < search.earliest:
            index = protocol.phases.index(phase)
            problems.append(within_grace(number, phase, index, window, day, previous, seen))
        elif day is None or seen:
            problems.append(no_room(number, phase, window, day, seen))
            if day is None:
                missing.append((phase, window))
                return False
        if day != search.target:
            blocker = blocker_on(search.target, checks)
            if blocker is not None:
                moves.append(
                    make_move(
                        Move,
                        session=number,
                        target=search.target,
                        date=day,
                        code=blocker.code,
                        reason=blocker.reason,
                        rule=blocker.rule,
                    )
                )
        if keys is None:
            session = checked_session(number=number, phase=phase.name, date=day, window=window)
        else:  # one new value: key, milestones and the shared calendar's appointment
            values: dict[str, Any] = {"key": keys.next(phase.name)}
            if client is not None:
                values["milestones"] = screening.milestones(protocol, client, day)
            booked = at_once.appointment(day) if at_once is not None else None
            if booked is not None:
                values.update(
                    start=booked.start,
                    minutes=booked.minutes,
                    practitioner=booked.practitioner,
                    resources=booked.resources,
                )
            session = _fastpaths.build(
                PlannedSession, number=number, phase=phase.name, date=day, window=window, **values
            )
        planned.append(session)
        previous = day
        if days is not None and days.diary is not None and days.prefer is None:
            booked = days.appointment(day)  # continuity: later sessions keep this practitioner
            days.prefer = booked.practitioner if booked is not None else None
        return True

    def next_window(phase: Phase) -> Window:
        if previous is None:
            return Window(earliest=first_day, target=first_day, latest=None)
        return window_after_once(previous, phase)

    repeating = protocol.repeating
    following: list[Phase] = []
    ok = True
    for i, phase in enumerate(steps):
        if not place(phase, next_window(phase)):
            ok = False
            following = steps[i + 1 :] + ([repeating] if repeating is not None else [])
            break
    # Without a horizon a repeating phase is planned once after the history;
    # a booking in it already is that once.
    booked_repeat = (
        horizon is None
        and repeating is not None
        and bool(planned)
        and planned[-1].status == "booked"
        and planned[-1].phase == repeating.name
    )
    if ok and repeating is not None and not booked_repeat:
        while True:
            window = next_window(repeating)
            if horizon is not None and window.earliest > horizon:
                break
            before = len(planned)
            if before >= MAX_SESSIONS:
                raise InputError(
                    f"is {horizon}: more than {MAX_SESSIONS} sessions of "
                    f"{repeating.name!r} fall before it; plan a nearer horizon",
                    path="horizon",
                )
            if not place(repeating, window):
                break
            if horizon is None:
                break
            if planned[-1].date > horizon:
                del planned[before:]
                problems[:] = [p for p in problems if p.session is None or p.session <= before]
                break
    unplaced = _unplaced(missing[0], following, len(planned), horizon) if missing else ()
    kept = len(resumed.kept) if resumed is not None else 0
    if resumed is not None and resumed.restarted and len(planned) > kept:
        first_new = planned[kept]
        problems.append(
            restart_violation(first_new.number, first_new.date, resumed.kept[-1].date, protocol)
        )
    if client is not None:
        if in_progress and first_day > start and len(planned) > kept:
            # First among its session's problems: it explains the ones after it.
            problems.insert(0, _on_hold(protocol, client, start, first_day, planned[kept].number))
        # The planner's own sessions have theirs already (on the fast paths).
        done_already = kept if keys is not None else len(planned)
        tasks = [
            None
            if s.status == "done" or i >= done_already
            else screening.milestones(protocol, client, s.date)
            for i, s in enumerate(planned)
        ]
    # The plan is judged as validate() judges it, so it is never ok where its
    # validation is not; the planner's own explanation of a session wins a tie.
    # A new plan with no problem has every session in its window on a day every
    # check allows, so judging it can only find the client's warnings: skip the
    # reading there (it doubles the cost of a plan, and capacity makes many).
    judged: list[Violation] = []
    if in_progress or problems:
        index = {p.name: i for i, p in enumerate(protocol.phases)}
        entries: list[Entry] = [(s.date, index.get(s.phase), s.status) for s in planned]
        judged, _ = judge(protocol, entries, client=client, days=days)
    elif client is not None:
        found = screening.client_violations(
            protocol, client, planned, warnings_only=_fastpaths.FAST
        )
        judged = [v for v in found if v.severity == "warning"]
    problems = _merge(number_notes(problems, [s.date for s in planned]), judged)
    # Every field is checked already (sessions numbered 1..n with unique keys,
    # a count in the protocol's range) except a plan id's printable characters.
    make = _fastpaths.build if identity is None or identity.isprintable() else _checked
    result = make(
        Plan,
        protocol_id=protocol.id,
        start=start,
        sessions=_sessions(
            planned, days if at_once is None else None, tasks, keyed=keys is not None
        ),
        violations=tuple(problems),
        horizon=horizon,
        requested_sessions=requested,
        unplaced=unplaced,
        moves=tuple(m for m in moves if m.session <= len(planned)),
        plan_id=identity,
    )
    if strict and not result.ok:
        first = next(p for p in problems if p.severity == "error")
        raise PlanningError(first.message, tuple(problems))
    return result


def _sessions(
    planned: list[PlannedSession],
    days: ClinicDays | None,
    tasks: list[tuple[Milestone, ...] | None] | None,
    *,
    keyed: bool,
) -> tuple[PlannedSession, ...]:
    """The plan's sessions: with appointments and milestones, and keys unless ``keyed``."""
    if days is not None:
        keys = None if keyed else session_keys(planned)
        return assign_appointments(days, planned, keys=keys, milestones=tasks)
    if not keyed:
        return tuple(_keys.with_keys(planned, milestones=tasks))
    if tasks is None:
        return tuple(planned)
    return tuple(
        s if t is None else _fastpaths.evolve(s, milestones=t)
        for s, t in zip(planned, tasks, strict=True)
    )


def _checked(cls: type[_V], /, **values: Any) -> _V:
    """``cls(**values)``, every check run (the stand-in for ``_fastpaths.build``)."""
    return cls(**values)


def _days(
    protocol: Protocol,
    clinic: Clinic | None,
    client: Client | None,
    diary: Diary | None,
    start: dt.date,
) -> ClinicDays | None:
    """The clinic's day rules for this plan, with the diary and the practitioner to keep."""
    if diary is not None and not isinstance(diary, Diary):
        raise InputError(f"must be a Diary, got {type(diary).__name__}", path="diary")
    if clinic is None:
        if diary is not None:
            raise InputError("needs clinic= (opening hours and practitioners)", path="diary")
        return None
    who = client.id if client is not None else None
    prefer = client.preferred_practitioner if client is not None else None
    if prefer is None and diary is not None and who is not None:
        earlier = [b for b in diary if b.client == who and b.practitioner is not None]
        if earlier:  # the practitioner of the client's latest booking in the diary
            prefer = max(earlier, key=lambda b: b.start).practitioner
    if diary is None and prefer is None:
        # Nothing of this plan's own: the calendar shared by every plan at this
        # clinic for this protocol (a clinic with an availability hook gets its own).
        return shared_days(clinic, protocol)
    return ClinicDays(clinic, protocol, diary=diary, client=who, prefer=prefer)


def _requested(protocol: Protocol, sessions: int | None) -> int | None:
    """The counted phase's session count the plan is made for (validated by phase_counts)."""
    counted = protocol.counted_phase_index
    if counted is None:
        return None
    return sessions if sessions is not None else protocol.phases[counted].sessions.default


def _grace_floor(phase: Phase, window: Window, first_day: dt.date) -> dt.date | None:
    """First day of the phase's grace before ``window``, never before ``first_day``."""
    if not phase.grace or window.latest is None:
        return None
    try:
        floor = phase.grace.subtract_from(window.earliest)
    except DurationError:  # only near date.min
        return None
    floor = max(floor, first_day)
    return floor if floor < window.earliest else None


def _merge(own: list[Violation], judged: list[Violation]) -> list[Violation]:
    """The planner's violations and the judged ones, one per (code, session), by session."""
    seen = {(v.code, v.session) for v in own}
    out = own + [v for v in judged if (v.code, v.session) not in seen]
    out.sort(key=lambda v: (v.session is None, v.session or 0))
    return out


def _unplaced(
    missing: tuple[Phase, Window],
    following: list[Phase],
    placed: int,
    horizon: dt.date | None,
) -> tuple[UnplacedSession, ...]:
    """The session that found no date and the ones that would follow it, with windows.

    After the first, each window is nominal: measured from the target of the
    one before, since they follow it once it has a date. A repeating phase
    is listed up to ``horizon``, or once without one.
    """
    phase, window = missing
    out = [UnplacedSession(number=placed + 1, phase=phase.name, window=window)]
    for later in following:
        while True:
            window = window_after_saturating(window.target, later)
            if later.repeat and horizon is not None and window.earliest > horizon:
                break
            out.append(
                UnplacedSession(number=placed + len(out) + 1, phase=later.name, window=window)
            )
            if not later.repeat or horizon is None or window.target >= dt.date.max:
                break
    return tuple(out)
