"""Screening: may this client start this protocol, and what must happen around each session?

:func:`screen` answers for one date with a :class:`Screening`. The same rules,
applied session by session, feed planning (dates a session may not fall on,
milestones around each session) and validation (client violations).

How a client's records meet the protocol's rules:

* **Contraindications** match conditions and medications by name.
  ``absolute`` ones active on a date make the client ``contraindicated``;
  ``temporary`` ones defer sessions until the day after they end;
  ``relative`` ones need a clinician's review unless the client's
  ``cleared`` list names them.
* **Washouts** match medications by exposure. A use on day ``x`` conflicts
  with a session on day ``d`` when ``x <= d < x + before`` or
  ``d <= x < d + after``: the last dose must be at least ``before`` ahead of
  the session, and use may resume ``after`` the session.

  A washout whose ``before + after`` is shorter than every phase's
  ``interval.min`` is *paused around each session*: the client stops and
  resumes between sessions, so continuing use produces stop / resume
  milestones, not a conflict; only a recorded start or stop date inside the
  washout conflicts. A longer washout (isotretinoin's six months) cannot be
  paused between sessions, so any recorded use inside it conflicts, and an
  ongoing one defers the start with no known date.
* **Precautions** match conditions and medications active on the session
  day and add start / end milestones for their action.
* **Events**: a session on day ``d`` conflicts with an event on day ``e`` when
  ``d <= e < d + downtime + event_buffer``.
* **Spacing**: a procedure on day ``p`` conflicts with a session on day ``d``
  when ``p <= d < p + before`` or ``d <= p < d + after``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Literal

import attrs

from ._blockers import Blocker, DateCheck
from ._checks import is_date, is_optional, is_str, is_tuple_of, one_of
from ._fields import to_tuple
from .clients import Client, Condition, Medication
from .durations import Duration
from .errors import DurationError, InputError, PlanningError
from .protocols.model import Protocol, Washout
from .results import Violation
from .sessions import Milestone, PlannedSession, _saturating_add

__all__ = [
    "STATUSES",
    "Reason",
    "Screening",
    "ScreeningStatus",
    "client_start",
    "client_violations",
    "date_checks",
    "milestones",
    "pauses_between_sessions",
    "screen",
]

ScreeningStatus = Literal["eligible", "review", "deferred", "contraindicated"]
STATUSES: tuple[ScreeningStatus, ...] = ("eligible", "review", "deferred", "contraindicated")
"""Screening outcomes, from best to worst."""
REASON_CODES = ("contraindicated", "deferred", "washout", "needs-review", "precaution")
_ONE_DAY = dt.timedelta(days=1)


@attrs.frozen(kw_only=True)
class Reason:
    """One finding of a screening, tied to the protocol rule it comes from."""

    code: str = attrs.field(validator=one_of(InputError, REASON_CODES))
    """``contraindicated``, ``deferred`` (a temporary condition), ``washout``,
    ``needs-review`` or ``precaution``; all but the last are violation codes."""
    subject: str = attrs.field(validator=is_str(InputError))
    """The condition or exposure concerned (``isotretinoin``)."""
    rule: str = attrs.field(validator=is_str(InputError))
    """The protocol rule, as a key path (``washouts[3]``)."""
    message: str = attrs.field(validator=is_str(InputError))
    """A sentence a receptionist can read."""
    clears_on: dt.date | None = attrs.field(
        default=None, validator=is_optional(is_date(InputError))
    )
    """First day the reason no longer applies, or ``None`` when no end is known."""
    action: str | None = attrs.field(default=None, validator=is_optional(is_str(InputError)))
    """For a precaution, what to do (``antiviral-prophylaxis``)."""


@attrs.frozen(kw_only=True)
class Screening:
    """The result of :func:`screen`: may the client start on ``on``, and if not, when?"""

    status: ScreeningStatus = attrs.field(validator=one_of(InputError, STATUSES))
    """``eligible``; ``review`` (a relative contraindication nobody has cleared);
    ``deferred`` (a washout or temporary condition; see ``earliest_start``);
    ``contraindicated`` (an absolute contraindication)."""
    protocol_id: str = attrs.field(validator=is_str(InputError))
    """Id of the protocol screened for."""
    on: dt.date = attrs.field(validator=is_date(InputError))
    """The date screened."""
    earliest_start: dt.date | None = attrs.field(
        default=None, validator=is_optional(is_date(InputError))
    )
    """First day a series may start: ``on`` unless deferred; ``None`` when the
    client is contraindicated or a deferral has no known end."""
    reasons: tuple[Reason, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(InputError, Reason, "a Reason")
    )
    """Why the status is not ``eligible``: contraindications, then what defers
    the start, then what needs review, each in protocol order."""
    precautions: tuple[Reason, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(InputError, Reason, "a Reason")
    )
    """Precautions that apply (code ``precaution``), with their action."""

    @property
    def ok(self) -> bool:
        """True when a series may start on ``on`` (``eligible`` or ``review``)."""
        return self.status in ("eligible", "review")


# ------------------------------------------------------------- date helpers


def _plus(duration: Duration, day: dt.date) -> dt.date:
    """``day + duration``, saturating at ``date.max``."""
    return _saturating_add(day, duration) or dt.date.max


def _minus(duration: Duration, day: dt.date) -> dt.date:
    """``day - duration``, saturating at ``date.min``."""
    try:
        return duration.subtract_from(day)
    except DurationError:
        return dt.date.min


def _next(day: dt.date) -> dt.date:
    return day if day == dt.date.max else day + _ONE_DAY


def _previous(day: dt.date) -> dt.date:
    return day if day == dt.date.min else day - _ONE_DAY


def _near(earlier: Duration, first: dt.date, day: dt.date) -> bool:
    """True when ``first <= day < first + earlier`` (and ``earlier`` is not zero)."""
    return bool(earlier) and first <= day < _plus(earlier, first)


def _exposed(washout: Washout, first: dt.date | None, last: dt.date | None, day: dt.date) -> bool:
    """True when use on any day of ``first..last`` conflicts with a session on ``day``.

    ``None`` bounds are open. The use that matters most for ``before`` is the
    latest one on or before the session; for ``after``, the earliest one on or
    after it.
    """
    if first is None or first <= day:
        latest = day if last is None or last > day else last
        if _near(washout.before, latest, day):
            return True
    if last is None or last >= day:
        earliest = day if first is None or first < day else first
        if _near(washout.after, day, earliest):
            return True
    return False


def pauses_between_sessions(protocol: Protocol, washout: Washout) -> bool:
    """True when the client can stop and resume ``washout``'s exposure between sessions.

    That is when ``before + after`` is shorter than every phase's
    ``interval.min``, for every start date (months counted at their longest).
    """
    pause = Duration(
        months=washout.before.months + washout.after.months,
        days=washout.before.whole_days + washout.after.whole_days + 1,
    )
    return all(pause.always_le(phase.interval.min) for phase in protocol.phases)


# --------------------------------------------------------------- the rules


@attrs.frozen
class _Rule:
    """One protocol rule applied to one client record."""

    code: str
    """The violation code a session breaking it gets."""
    subject: str
    """The condition, exposure, procedure or event concerned."""
    rule: str
    """Protocol key path."""
    breaks: Callable[[dt.date], bool]
    """True when a session on that day breaks the rule."""
    phrase: str
    """What the record is, for messages (``"isotretinoin last taken 2026-08-01"``)."""
    why: str
    """What the rule asks, for messages."""
    clears_on: dt.date | None = None
    """For rules that defer a start: the first day the rule no longer applies."""
    note: str | None = None
    """The protocol rule's note, if it has one."""

    @property
    def severity(self) -> Literal["error", "warning"]:
        return "warning" if self.code == "needs-review" else "error"

    @property
    def tail(self) -> str:
        return f" {self.note}" if self.note else ""

    @property
    def defers(self) -> bool:
        return self.code in ("washout", "deferred")

    def blocker(self, day: dt.date) -> Blocker | None:
        if not self.breaks(day):
            return None
        return Blocker(self.code, f"{self.phrase}: {self.why}", self.rule)

    def violation(self, number: int, day: dt.date) -> Violation:
        return Violation(
            code=self.code,
            severity=self.severity,
            message=(
                f"Session {number} on {day.isoformat()}: {self.phrase}; {self.why} "
                f"({self.rule}).{self.tail}"
            ),
            session=number,
            date=day,
            rule=self.rule,
        )


_Record = Condition | Medication


def _bounds(record: _Record) -> tuple[dt.date | None, dt.date | None]:
    if isinstance(record, Medication):
        return record.start, record.stop
    return record.since, record.until


def _named(client: Client, name: str) -> list[_Record]:
    """Conditions and medications called ``name``."""
    found: list[_Record] = [c for c in client.conditions if c.name == name]
    return found + [m for m in client.medications if m.exposure == name]


def _when(record: _Record) -> str:
    first, last = _bounds(record)
    if first is None and last is None:
        return ""
    if last is None:
        return f" since {first}"
    if first is None:
        return f" until {last}"
    return f" from {first} to {last}"


_TIER_CODES = {"absolute": "contraindicated", "temporary": "deferred", "relative": "needs-review"}
_TIER_WHY = {
    "absolute": "an absolute contraindication, no treatment while it applies",
    "temporary": "treatment waits until it has resolved",
    "relative": "a clinician must review it (then list it under 'cleared')",
}


def _contraindication_rules(protocol: Protocol, client: Client) -> list[_Rule]:
    rules = []
    for i, contra in enumerate(protocol.contraindications):
        if contra.tier == "relative" and client.is_cleared(contra.condition):
            continue
        for record in _named(client, contra.condition):
            _, last = _bounds(record)
            rules.append(
                _Rule(
                    code=_TIER_CODES[contra.tier],
                    subject=contra.condition,
                    rule=f"contraindications[{i}]",
                    breaks=record.active_on,
                    phrase=f"{contra.condition}{_when(record)}",
                    why=_TIER_WHY[contra.tier],
                    clears_on=None if last is None else _next(last),
                    note=contra.note,
                )
            )
    return rules


def _washout_rules(protocol: Protocol, client: Client) -> list[_Rule]:
    rules = []
    for i, washout in enumerate(protocol.washouts):
        if not (washout.before or washout.after):
            continue
        pauses = pauses_between_sessions(protocol, washout)
        need = " and ".join(
            part
            for part in (
                f"the last use at least {washout.before} before a session"
                if washout.before
                else "",
                f"no use until {washout.after} after it" if washout.after else "",
            )
            if part
        )
        for med in client.medications:
            if med.exposure != washout.exposure:
                continue
            spans: list[tuple[dt.date | None, dt.date | None, str]]
            if pauses:  # continuing use is paused around each session (milestones)
                days = sorted({d for d in (med.start, med.stop) if d is not None})
                spans = [(d, d, f"{med.exposure} used on {d}") for d in days]
            else:
                spans = [(med.start, med.stop, f"{med.exposure} taken{_when(med)}")]
            for first, last, phrase in spans:
                clears = None
                if last is not None:
                    clears = _plus(washout.before, last) if washout.before else _next(last)
                rules.append(
                    _Rule(
                        code="washout",
                        subject=washout.exposure,
                        rule=f"washouts[{i}]",
                        breaks=_exposure_test(washout, first, last),
                        phrase=phrase,
                        why=f"the protocol asks for {need}",
                        clears_on=clears,
                        note=washout.note,
                    )
                )
    return rules


def _exposure_test(
    washout: Washout, first: dt.date | None, last: dt.date | None
) -> Callable[[dt.date], bool]:
    return lambda day: _exposed(washout, first, last, day)


def _event_rules(protocol: Protocol, client: Client) -> list[_Rule]:
    spec = protocol.session
    buffer = spec.effective_event_buffer

    def test(event_day: dt.date) -> Callable[[dt.date], bool]:
        return lambda day: day <= event_day < _plus(buffer, _plus(spec.downtime, day))

    return [
        _Rule(
            code="event-blackout",
            subject=event.name,
            rule="session.event_buffer",
            breaks=test(event.date),
            phrase=f"the client's event {event.name!r} on {event.date} (events[{i}])",
            why=(
                f"a session needs its downtime and event buffer ({spec.downtime} + {buffer}) "
                "clear before an event"
            ),
        )
        for i, event in enumerate(client.events)
    ]


def _spacing_rules(protocol: Protocol, client: Client) -> list[_Rule]:
    rules = []
    for i, spacing in enumerate(protocol.spacing):
        need = " and ".join(
            part
            for part in (
                f"at least {spacing.before} after it" if spacing.before else "",
                f"at least {spacing.after} before it" if spacing.after else "",
            )
            if part
        )
        for k, proc in enumerate(client.procedures):
            if proc.kind != spacing.procedure or not (spacing.before or spacing.after):
                continue
            rules.append(
                _Rule(
                    code="procedure-spacing",
                    subject=proc.kind,
                    rule=f"spacing[{i}]",
                    breaks=_spacing_test(spacing.before, spacing.after, proc.date),
                    phrase=f"{proc.kind} on {proc.date} (procedures[{k}])",
                    why=f"a session must fall {need}",
                    note=spacing.note,
                )
            )
    return rules


def _spacing_test(before: Duration, after: Duration, when: dt.date) -> Callable[[dt.date], bool]:
    return lambda day: _near(before, when, day) or _near(after, day, when)


def _rules(protocol: Protocol, client: Client) -> list[_Rule]:
    """Every rule the client's records bring into play, most serious first."""
    return (
        _contraindication_rules(protocol, client)
        + _washout_rules(protocol, client)
        + _spacing_rules(protocol, client)
        + _event_rules(protocol, client)
    )


def _check_args(client: object, protocol: object) -> None:
    if not isinstance(client, Client):
        raise InputError(f"must be a Client, got {type(client).__name__}", path="client")
    if not isinstance(protocol, Protocol):
        raise InputError(f"must be a Protocol, got {type(protocol).__name__}", path="protocol")


# --------------------------------------------------------------- screening


def _earliest(on: dt.date, deferring: list[_Rule]) -> tuple[dt.date | None, list[_Rule]]:
    """First day from ``on`` that none of ``deferring`` blocks, and the rules met on the way.

    Each rule blocks one run of days and stops blocking on its ``clears_on``,
    so the answer is ``on`` or one of those days: try them in order.
    """
    met: list[_Rule] = []
    ends = {r.clears_on for r in deferring if r.clears_on is not None and r.clears_on > on}
    candidates = sorted({on} | ends)
    for day in candidates:
        blocking = [r for r in deferring if r.breaks(day)]
        if not blocking:
            return day, met
        met += [r for r in blocking if r not in met]
    return None, met


def _reason(rule: _Rule, on: dt.date) -> Reason:
    ends = ""
    if rule.defers:
        ends = (
            f"; no start before {rule.clears_on}"
            if rule.clears_on is not None
            else "; no start date until an end date is recorded"
        )
    return Reason(
        code=rule.code,
        subject=rule.subject,
        rule=rule.rule,
        message=f"{rule.phrase}: {rule.why}{ends} ({rule.rule}).{rule.tail}",
        clears_on=rule.clears_on,
    )


def _precautions(protocol: Protocol, client: Client, day: dt.date) -> list[tuple[int, Reason]]:
    out = []
    for i, precaution in enumerate(protocol.precautions):
        if any(r.active_on(day) for r in _named(client, precaution.condition)):
            timing = f"from {precaution.before} before to {precaution.after} after each session"
            note = f" {precaution.note}" if precaution.note else ""
            out.append(
                (
                    i,
                    Reason(
                        code="precaution",
                        subject=precaution.condition,
                        rule=f"precautions[{i}]",
                        message=(
                            f"{precaution.condition}: {precaution.action} {timing} "
                            f"(precautions[{i}]).{note}"
                        ),
                        action=precaution.action,
                    ),
                )
            )
    return out


def screen(client: Client, protocol: Protocol, *, on: dt.date) -> Screening:
    """Screen ``client`` for starting ``protocol`` on ``on``.

    Returns a :class:`Screening` whose ``status`` is, in order of precedence:

    * ``contraindicated``: an absolute contraindication applies on ``on``;
    * ``deferred``: a washout or temporary condition blocks ``on``;
      ``earliest_start`` is the first day nothing blocks (the later end wins
      when several apply, and an absolute contraindication that begins in the
      meantime counts too), or ``None`` when one of them has no known end;
    * ``review``: a relative contraindication applies and is not cleared;
    * ``eligible``.

    Raises:
        InputError: ``client`` is not a :class:`Client`, ``protocol`` not a
            :class:`Protocol`, or ``on`` not a date.
    """
    _check_args(client, protocol)
    if isinstance(on, dt.datetime) or not isinstance(on, dt.date):
        raise InputError(f"must be a datetime.date, got {type(on).__name__}", path="on")
    rules = _rules(protocol, client)
    absolute = [r for r in rules if r.code == "contraindicated" and r.breaks(on)]
    review = [r for r in rules if r.code == "needs-review" and r.breaks(on)]
    # An absolute contraindication that begins later also bounds the start.
    earliest, deferring = _earliest(
        on, [r for r in rules if r.defers or (r.code == "contraindicated" and not r.breaks(on))]
    )
    if absolute:
        status: ScreeningStatus = "contraindicated"
        earliest = None
    elif earliest != on:
        status = "deferred"
    elif review:
        status = "review"
    else:
        status = "eligible"
    return Screening(
        status=status,
        protocol_id=protocol.id,
        on=on,
        earliest_start=earliest,
        reasons=tuple(_reason(r, on) for r in absolute + deferring + review),
        precautions=tuple(reason for _, reason in _precautions(protocol, client, on)),
    )


# ------------------------------------------------- planning and validation


def client_start(
    client: Client, protocol: Protocol, start: dt.date, *, lead_in: bool = True
) -> dt.date:
    """The first day a plan from ``start`` may place its first session.

    With ``lead_in``, the first session also waits until its lead-in tasks
    (stopping an exposure, starting a prophylaxis) fall on or after ``start``.
    Re-planning a series in progress turns it off: the client is already
    following the pauses around sessions.

    Raises:
        PlanningError: the client is contraindicated on ``start``, or a
            deferral has no known end; ``violations`` holds the reasons.
    """
    result = screen(client, protocol, on=start)
    if result.earliest_start is not None:
        if not lead_in:
            return result.earliest_start
        return _reminders_ready(protocol, client, start, result.earliest_start)
    blocking = [r for r in result.reasons if r.code != "needs-review"]
    violations = tuple(
        Violation(
            code=r.code,
            severity="error",
            message=r.message[0].upper() + r.message[1:],
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


def date_checks(protocol: Protocol, client: Client) -> list[DateCheck]:
    """Checks that keep planned sessions off days the client's records forbid.

    One check per rule that can make a day unusable: active absolute or
    temporary contraindications, washout conflicts, procedure spacing and
    event blackouts. Relative contraindications only warn and are not checks.
    """
    _check_args(client, protocol)
    return [rule.blocker for rule in _rules(protocol, client) if rule.severity == "error"]


def milestones(protocol: Protocol, client: Client, day: dt.date) -> tuple[Milestone, ...]:
    """The client's tasks around a session on ``day``, in date order.

    * ``stop`` / ``resume`` an exposure the client uses through the session's
      washout, when the washout pauses between sessions (the stop day is the
      last day of use; the resume day the first day of use again);
    * ``start`` / ``end`` a precaution's action (``antiviral-prophylaxis``)
      for a condition active on ``day``;
    * ``aftercare``: each restriction from ``day`` to its end.
    """
    _check_args(client, protocol)
    out: list[Milestone] = []
    for i, washout in enumerate(protocol.washouts):
        if not (washout.before or washout.after) or not pauses_between_sessions(protocol, washout):
            continue
        stop = _minus(washout.before, day) if washout.before else _previous(day)
        resume = _plus(washout.after, day) if washout.after else _next(day)
        in_use = any(
            m.exposure == washout.exposure
            and (m.start is None or m.start < resume)
            and (m.stop is None or m.stop > stop)
            for m in client.medications
        )
        if in_use:
            rule = f"washouts[{i}]"
            out += [
                Milestone(
                    kind="stop",
                    subject=washout.exposure,
                    start=stop,
                    note=f"Last use of {washout.exposure} before the session on {day}.",
                    rule=rule,
                ),
                Milestone(
                    kind="resume",
                    subject=washout.exposure,
                    start=resume,
                    note=f"{washout.exposure} may be used again from this day.",
                    rule=rule,
                ),
            ]
    for i, reason in _precautions(protocol, client, day):
        precaution = protocol.precautions[i]
        out += [
            Milestone(
                kind="start",
                subject=precaution.action,
                start=_minus(precaution.before, day),
                note=f"Start {precaution.action} for {precaution.condition}.",
                rule=reason.rule,
            ),
            Milestone(
                kind="end",
                subject=precaution.action,
                start=_plus(precaution.after, day),
                note=f"Last day of {precaution.action}.",
                rule=reason.rule,
            ),
        ]
    for i, care in enumerate(protocol.aftercare):
        end = _plus(care.duration, day)
        out.append(
            Milestone(
                kind="aftercare",
                subject=care.restriction,
                start=day,
                end=end,
                note=care.note or f"{care.restriction} until {end}.",
                rule=f"aftercare[{i}]",
            )
        )
    return tuple(sorted(out, key=lambda m: m.start))


def client_violations(
    protocol: Protocol, client: Client, sessions: Sequence[PlannedSession]
) -> list[Violation]:
    """Every rule the client's records break in a calendar, session by session.

    A session can break several rules; each gives one violation naming its
    rule. A relative contraindication is reported once (``needs-review``, a
    warning) on the first session it applies to.
    """
    _check_args(client, protocol)
    rules = _rules(protocol, client)
    reviewed: set[int] = set()
    out = []
    for session in sessions:
        for k, rule in enumerate(rules):
            if k in reviewed or not rule.breaks(session.date):
                continue
            if rule.code == "needs-review":
                reviewed.add(k)
            out.append(rule.violation(session.number, session.date))
    return out
