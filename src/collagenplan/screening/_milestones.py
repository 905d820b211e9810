"""What planning asks of screening: the first day a series may start, and each
session's milestones (stop / resume an exposure, a precaution's action, aftercare)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from .. import _fastpaths
from ..clients import Client, Condition, Medication
from ..errors import PlanningError
from ..messages import Message, Param
from ..protocols.model import Aftercare, Precaution, Protocol, Washout
from ..results import Violation, nested, reason_parts
from ..sessions import Milestone
from ._memo import kept
from ._rules import (
    _minus,
    _next,
    _plus,
    _previous,
    check_args,
    named,
    pauses_between_sessions,
    users,
    uses,
)
from ._screen import precautions, screen, start_verdict

__all__ = ["client_start", "milestones"]


def client_start(
    client: Client, protocol: Protocol, start: dt.date, *, in_progress: bool = False
) -> dt.date:
    """The first day a plan from ``start`` may place its next session.

    A new series (not ``in_progress``) also waits until the first session's
    lead-in tasks (stopping an exposure, starting a prophylaxis) fall on or
    after ``start``; the planner keeps every later session to the same rule
    with a date check. A series ``in_progress`` is paused, not refused, by an
    absolute contraindication with a known end: it resumes the day that clears.

    Raises:
        PlanningError: the client is contraindicated on ``start`` (a new series,
            or one with no known end), or a deferral has no known end;
            ``violations`` holds the reasons.
    """
    if _fastpaths.FAST and type(start) is dt.date:  # a pure answer: kept per start day
        check_args(client, protocol)
        ready = bool(in_progress)
        return kept(
            "client-start",
            protocol,
            client,
            (start, ready),
            lambda: _client_start(client, protocol, start, ready),
        )
    return _client_start(client, protocol, start, in_progress)


def _client_start(
    client: Client, protocol: Protocol, start: dt.date, in_progress: bool
) -> dt.date:
    fast = _fastpaths.FAST and not kept("blank", protocol, client, None, lambda: _blank(protocol))
    if fast:  # the screening's reasons only when the answer is no
        contraindicated, earliest = start_verdict(client, protocol, start)
        if earliest is not None and (in_progress or not contraindicated):
            if in_progress:
                return earliest
            return _reminders_ready(protocol, client, start, earliest)
    result = screen(client, protocol, on=start)
    paused = in_progress or result.status != "contraindicated"
    if result.earliest_start is not None and paused:
        if in_progress:
            return result.earliest_start
        return _reminders_ready(protocol, client, start, result.earliest_start)
    blocking = [r for r in result.reasons if r.code not in ("needs-review", "unrecognised")]
    violations = tuple(
        Violation(
            code=r.code,
            severity="error",
            # The screening reason, capitalised (a sentence of its own).
            key="as-written",
            params=nested("text", reason_parts([r]), "sentence"),
            session=1,
            date=start,
            rule=r.rule,
        )
        for r in blocking
    )
    verdict = (
        "the client is contraindicated"
        if result.status == "contraindicated"
        else "the client's start is deferred with no known end"
    )
    headline = next((r for r in blocking if r.clears_on is None), blocking[0])
    raise PlanningError(
        f"cannot plan {protocol.id!r} from {start}: {verdict}: {headline.message}",
        violations,
    )


def _reminders_ready(protocol: Protocol, client: Client, start: dt.date, day: dt.date) -> dt.date:
    """The first day from ``day`` whose lead-in tasks can still be done from ``start``.

    A session on ``day`` may ask the client to stop an exposure or start a
    prophylaxis some days before; when that day is before ``start`` (the day
    the plan is made), nobody can act on it, so the first session waits.
    """
    for _ in range(32):  # each round moves past one late task; a few suffice
        late = [
            m.start
            for m in milestones(protocol, client, day)
            if m.kind in ("stop", "start") and m.start < start
        ]
        if not late:
            return day
        day += start - min(late)
    return day


def milestones(protocol: Protocol, client: Client, day: dt.date) -> tuple[Milestone, ...]:
    """The client's tasks around a session on ``day``, in date order.

    * ``stop`` / ``resume`` an exposure the client uses through the session's
      washout, when the washout pauses between sessions (the stop day is the
      last day of use; the resume day the first day of use again);
    * ``start`` / ``end`` a precaution's action (``antiviral-prophylaxis``)
      for a condition active on ``day``;
    * ``aftercare``: each restriction from ``day`` to its end.
    """
    check_args(client, protocol)
    return kept("milestones", protocol, client, day, lambda: _milestones(protocol, client, day))


def _milestones(protocol: Protocol, client: Client, day: dt.date) -> tuple[Milestone, ...]:
    recipe = None
    if _fastpaths.FAST:
        recipe = kept("recipe", protocol, client, None, lambda: _recipe(protocol, client))
    if recipe is None:
        return _milestones_checked(protocol, client, day)
    washouts = [(i, washout) for i, washout, _ in recipe.washouts]
    spans = {i: found for i, _, found in recipe.washouts}

    def in_use(i: int, stop: dt.date, resume: dt.date) -> bool:
        return any((a is None or a < resume) and (b is None or b > stop) for a, b in spans[i])

    active = [
        (i, p) for i, p, records in recipe.precautions if any(r.active_on(day) for r in records)
    ]
    return _build(day, washouts, in_use, active, recipe.aftercare, checked=False)


def _build(
    day: dt.date,
    washouts: list[tuple[int, Washout]],
    in_use: Callable[[int, dt.date, dt.date], bool],
    precautions: list[tuple[int, Precaution]],
    aftercare: tuple[Aftercare, ...],
    *,
    checked: bool,
) -> tuple[Milestone, ...]:
    """The milestones of a session on ``day``: each pausing washout (``washouts[i]``)
    whose exposure the client uses between its stop and resume days (``in_use``), each
    precaution active on the day, each aftercare rule. Notes the planner writes are
    kept as messages; a protocol's own aftercare note is shown as written.

    ``checked=False`` builds every value without re-checks: the fast path, whose
    inputs are checked already (see :class:`_Recipe`).
    """
    make: Callable[..., Milestone] = Milestone
    param: Callable[..., Param] = Param
    message: Callable[..., Message] = Message
    if not checked:
        make = _fastpaths.builder(Milestone)
        param = _fastpaths.builder(Param)
        message = _fastpaths.builder(Message)

    def said(
        kind: str,
        subject: str,
        start: dt.date,
        rule: str,
        note: Message,
        end: dt.date | None = None,
    ) -> Milestone:
        return make(
            kind=kind,
            subject=subject,
            start=start,
            end=end,
            note=note.render(),
            rule=rule,
            messages=(note,),
        )

    out: list[Milestone] = []
    for i, washout in washouts:
        stop = _minus(washout.before, day) if washout.before else _previous(day)
        resume = _plus(washout.after, day) if washout.after else _next(day)
        if not in_use(i, stop, resume):
            continue
        rule = f"washouts[{i}]"
        exposure = param(name="exposure", value=washout.shown, kind="text")
        day_param = param(name="day", value=day.isoformat(), kind="date")
        out += [
            said(
                "stop",
                washout.exposure,
                stop,
                rule,
                message(key="milestone.note.stop", params=(exposure, day_param)),
            ),
            said(
                "resume",
                washout.exposure,
                resume,
                rule,
                message(key="milestone.note.resume", params=(exposure,)),
            ),
        ]
    for i, precaution in precautions:
        rule = f"precautions[{i}]"
        action = param(name="action", value=precaution.action, kind="text")
        condition = param(name="condition", value=precaution.condition, kind="text")
        out += [
            said(
                "start",
                precaution.action,
                _minus(precaution.before, day),
                rule,
                message(key="milestone.note.start", params=(action, condition)),
            ),
            said(
                "end",
                precaution.action,
                _plus(precaution.after, day),
                rule,
                message(key="milestone.note.end", params=(action,)),
            ),
        ]
    for i, care in enumerate(aftercare):
        end = _plus(care.duration, day)  # never before day: durations are not negative
        if care.note:  # the protocol's own words, shown as written
            out.append(
                make(
                    kind="aftercare",
                    subject=care.restriction,
                    start=day,
                    end=end,
                    note=care.note,
                    rule=f"aftercare[{i}]",
                )
            )
            continue
        until = message(
            key="milestone.note.aftercare",
            params=(
                param(name="restriction", value=care.shown, kind="text"),
                param(name="end", value=end.isoformat(), kind="date"),
            ),
        )
        out.append(said("aftercare", care.restriction, day, f"aftercare[{i}]", until, end))
    return tuple(sorted(out, key=lambda m: m.start))


class _Recipe:
    """What a client's milestones depend on apart from the day, worked out once per plan.

    The medications that use each washout's exposure (their first and last
    days), the records that stand for each precaution's condition, the
    aftercare. Every text and date a milestone gets from it is one the
    checked constructors accept, so they are built without checks.
    """

    __slots__ = ("aftercare", "precautions", "washouts")

    def __init__(
        self,
        washouts: list[tuple[int, Washout, list[tuple[dt.date | None, dt.date | None]]]],
        precautions: list[tuple[int, Precaution, list[Condition | Medication]]],
        aftercare: tuple[Aftercare, ...],
    ) -> None:
        self.washouts = washouts
        self.precautions = precautions
        self.aftercare = aftercare


def _blank(protocol: Protocol) -> bool:
    """True when a washout, precaution or aftercare note is blank but not empty (``" "``).

    The protocol accepts it; the checked constructors of ``Reason`` and
    ``Milestone`` refuse it. Such a protocol takes the slow paths, so it fails
    where and how it always did.
    """
    notes = [w.note for w in protocol.washouts] + [p.note for p in protocol.precautions]
    notes += [c.note for c in protocol.aftercare]
    return any(n is not None and not n.strip() for n in notes)


def _recipe(protocol: Protocol, client: Client) -> _Recipe | None:
    """The day-free part of :func:`_milestones_checked`; ``None`` sends it the slow way."""
    if _blank(protocol):
        return None
    washouts = [
        (
            i,
            washout,
            [(m.start, m.end) for m in users(protocol, client, washout.exposure)],
        )
        for i, washout in enumerate(protocol.washouts)
        if (washout.before or washout.after) and pauses_between_sessions(protocol, washout)
    ]
    precautions: list[tuple[int, Precaution, list[Condition | Medication]]] = [
        (i, p, named(client, p.condition, protocol)) for i, p in enumerate(protocol.precautions)
    ]
    return _Recipe(washouts, precautions, protocol.aftercare)


def _milestones_checked(protocol: Protocol, client: Client, day: dt.date) -> tuple[Milestone, ...]:
    """:func:`milestones` the slow way: every record asked again, every value checked."""
    washouts = [
        (i, washout)
        for i, washout in enumerate(protocol.washouts)
        if (washout.before or washout.after) and pauses_between_sessions(protocol, washout)
    ]

    def in_use(i: int, stop: dt.date, resume: dt.date) -> bool:
        exposure = protocol.washouts[i].exposure
        return any(
            uses(client, m, exposure, protocol)
            and (m.start is None or m.start < resume)
            and (m.end is None or m.end > stop)
            for m in client.medications
        )

    active = [(i, protocol.precautions[i]) for i, _ in precautions(protocol, client, day)]
    return _build(day, washouts, in_use, active, protocol.aftercare, checked=True)
