"""The screening rules engine: each protocol rule applied to one client record.

A client's conditions, medications, procedures and events meet the protocol's
contraindications, washouts, spacing and event buffer here, each pairing
becoming one :class:`_Rule` that knows which session days it forbids. Screening
(:func:`~collagenplan.screen`), planning (:func:`date_checks`) and validation
(:func:`client_violations`) all apply these same rules.

How each kind of record meets its rule is set out in the package docstring
(:mod:`collagenplan.screening`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Literal

import attrs

from .. import _fastpaths
from .._blockers import Blocker, DateCheck
from ..clients import Client, ClientEvent, Condition, Medication, Procedure, UnknownName
from ..durations import Duration, add_days
from ..errors import DurationError, InputError
from ..messages import Message, Param
from ..protocols.model import Protocol, Washout
from ..results import Violation, nested
from ..sessions import PlannedSession, _saturating_add
from ..vocabulary import normalise
from ._memo import kept

__all__ = [
    "check_args",
    "client_violations",
    "date_checks",
    "named",
    "pauses_between_sessions",
    "rules",
    "unrecognised",
    "users",
]

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
    return add_days(day, 1, saturate=True)


def _previous(day: dt.date) -> dt.date:
    return add_days(day, -1, saturate=True)


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
    # Planning asks this for every candidate day; the answer depends only on these two
    # frozen values, so it is remembered by identity (kept alive, so ids are not reused).
    key = (id(protocol), id(washout))
    found = _PAUSES.get(key)
    if found is not None and found[0] is protocol and found[1] is washout:
        return found[2]
    pause = Duration(
        months=washout.before.months + washout.after.months,
        days=washout.before.whole_days + washout.after.whole_days + 1,
    )
    answer = all(pause.always_le(phase.interval.min) for phase in protocol.phases)
    if len(_PAUSES) >= 256:
        _PAUSES.clear()
    _PAUSES[key] = (protocol, washout, answer)
    return answer


_PAUSES: dict[tuple[int, int], tuple[Protocol, Washout, bool]] = {}


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
    said: tuple[Message, ...] = ()
    """For a rule that can become a screening reason (a contraindication or a
    washout): ``phrase``, ``why`` and when the start is free, as messages."""
    phrase_words: Callable[[], Message] | None = attrs.field(default=None, eq=False)
    """Makes ``phrase`` as data (when a message needs it: most rules never do)."""
    why_words: Callable[[], Message] | None = attrs.field(default=None, eq=False)
    """Makes ``why`` as data."""

    _words: tuple[Param, ...] | None = attrs.field(init=False, default=None, eq=False)
    """The ``phrase`` and ``why`` parameters, once built (a rule meets many sessions)."""

    def _parts(self) -> tuple[Param, ...]:
        found = self._words
        if found is None:
            found = (
                *nested("phrase", [self.phrase_words() if self.phrase_words else self.phrase]),
                *nested("why", [self.why_words() if self.why_words else self.why]),
            )
            object.__setattr__(self, "_words", found)
        return found

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
        return Blocker(
            self.code,
            f"{self.phrase}: {self.why}",
            self.rule,
            Message("rule.blocker", self._parts()),
        )

    def violation(self, number: int, day: dt.date) -> Violation:
        return Violation(
            code=self.code,
            severity=self.severity,
            key="rule.session.note" if self.note else "rule.session",
            params=(
                Param("session", str(number), "number"),
                Param("date", day.isoformat(), "date"),
                *self._parts(),
                Param("rule", self.rule),
                *([Param("note", self.note)] if self.note else []),
            ),
            session=number,
            date=day,
            rule=self.rule,
        )


_Record = Condition | Medication


def _bounds(record: _Record) -> tuple[dt.date | None, dt.date | None]:
    return record.start, record.end


def named(client: Client, name: str, protocol: Protocol) -> list[_Record]:
    """Conditions and medications that stand for ``name`` and reach the protocol's areas.

    A record stands for ``name`` when the client's vocabulary maps both to the
    same id (a synonym, a brand, another spelling; the protocol's rule may use
    any name of the entry too) or, for names it does not know, they are
    written the same way.
    """
    return list(kept("named", protocol, client, name, lambda: _named(client, name, protocol)))


def _named(client: Client, name: str, protocol: Protocol) -> list[_Record]:
    wanted = client.resolve(name)
    return [
        r
        for r, typed in _typed_ids(protocol, client)
        if typed == wanted and client.reaches(r, protocol.areas)
    ]


def _typed_ids(protocol: Protocol, client: Client) -> list[tuple[_Record, str]]:
    """Each condition, then each medication, with the id its name stands for.

    Every rule looks records up by id; each record's name is resolved once
    per plan instead of once per rule.
    """

    def compute() -> list[tuple[_Record, str]]:
        found: list[_Record] = [*client.conditions, *client.medications]
        return [(r, client.resolve(_typed(r))) for r in found]

    return kept("typed", protocol, client, None, compute)


def users(protocol: Protocol, client: Client, exposure: str) -> list[Medication]:
    """The client's medications that :func:`uses` ``exposure``, in record order."""

    def compute() -> list[Medication]:
        wanted = client.resolve(exposure)
        return [
            r
            for r, typed in _typed_ids(protocol, client)
            if isinstance(r, Medication) and typed == wanted and client.reaches(r, protocol.areas)
        ]

    return kept("users", protocol, client, exposure, compute)


def _typed(record: _Record) -> str:
    return record.exposure if isinstance(record, Medication) else record.name


def called(typed: str, name: str) -> str:
    """``name``, followed by how the record wrote it when that differs."""
    return name if normalise(typed) == name else f"{name} (recorded as {typed!r})"


def unrecognised(protocol: Protocol, client: Client) -> tuple[UnknownName, ...]:
    """Names in the client's records that neither the vocabulary nor the protocol knows."""
    return kept("unrecognised", protocol, client, None, lambda: _unrecognised(protocol, client))


def _unrecognised(protocol: Protocol, client: Client) -> tuple[UnknownName, ...]:
    return client.unrecognised(
        records=[w.exposure for w in protocol.washouts]
        + [c.condition for c in protocol.contraindications]
        + [p.condition for p in protocol.precautions],
        procedures=[s.procedure for s in protocol.spacing],
        areas=protocol.areas,
    )


def unknown_message(unknown: UnknownName) -> Message:
    """The message for staff about one unknown name."""
    params = [Param("name", unknown.name), Param("path", unknown.path)]
    if unknown.kind == "scope":
        return Message("unrecognised.scope", params)
    if not unknown.suggestions:
        return Message(f"unrecognised.{unknown.kind}.none", params)
    return Message(
        f"unrecognised.{unknown.kind}", [*params, Param("suggestions", unknown.suggestions)]
    )


def called_words(typed: str, name: str) -> Message:
    """:func:`called` as data."""
    if normalise(typed) == name:
        return Message("called", [Param("name", name)])
    return Message("called.recorded", [Param("name", name), Param("typed", repr(typed))])


def _record_words(key: str, name: Message, record: _Record) -> Message:
    """``name`` and :func:`_when` as data, from the ``key`` (``record``, ``record.taken``)."""
    first, last = _bounds(record)
    params = nested("name", [name])
    if first is None and last is None:
        return Message(key, params)
    if last is None:
        return Message(f"{key}.since", [*params, _day("first", first)])
    if first is None:
        return Message(f"{key}.until", [*params, _day("last", last)])
    return Message(f"{key}.from", [*params, _day("first", first), _day("last", last)])


def _condition_words(record: _Record, name: str) -> Message:
    return _record_words("record", called_words(_typed(record), name), record)


def _tier_words(tier: str) -> Message:
    return Message(f"why.{tier}", [Param("key", "cleared")] if tier == "relative" else [])


def _used_words(typed: str, name: str, day: dt.date) -> Message:
    return Message("record.used", [*nested("name", [called_words(typed, name)]), _day("day", day)])


def _taken_words(med: Medication, name: str) -> Message:
    return _record_words("record.taken", called_words(med.exposure, name), med)


def _event_why(downtime: Duration, buffer: Duration) -> Message:
    return Message(
        "why.event",
        [Param("downtime", str(downtime), "units"), Param("buffer", str(buffer), "units")],
    )


def _procedure_words(proc: Procedure, name: str, index: int) -> Message:
    return Message(
        "record.procedure",
        [
            *nested("name", [called_words(proc.kind, name)]),
            _day("day", proc.date),
            Param("path", f"procedures[{index}]"),
        ],
    )


def _day(name: str, day: dt.date | None) -> Param:
    return Param(name, str(day), "date")


def _when(record: _Record) -> str:
    first, last = _bounds(record)
    if first is None and last is None:
        return ""
    if last is None:
        return f" since {first}"
    if first is None:
        return f" until {last}"
    return f" from {first} to {last}"


def _record_said(
    form: str, name: str, typed: str, first: dt.date | None, last: dt.date | None
) -> Message:
    """The record a reason is about, as a message ending in a colon:
    ``isotretinoin (recorded as 'Roaccutane') from 2026-02-01 to 2026-08-01:``.

    ``form`` is ``record`` (a condition or medication a contraindication
    meets), ``taken`` (a medication a washout meets) or ``used-on`` (one day
    of use of an exposure paused between sessions: ``first`` is that day).
    """
    params = [Param("name", name)]
    if form == "used-on" and first is not None:
        when = ""
        params.append(Param("day", first.isoformat(), "date"))
    elif first is None and last is None:
        when = ""
    elif last is None:
        when = ".since"
    elif first is None:
        when = ".until"
    else:
        when = ".from-to"
    if form != "used-on":
        if first is not None:
            params.append(Param("first", first.isoformat(), "date"))
        if last is not None:
            params.append(Param("last", last.isoformat(), "date"))
    recorded = ""
    if normalise(typed) != name:
        recorded = ".recorded"
        params.append(Param("typed", typed))
    return Message(f"reason.{form}{when}{recorded}", params)


def _asks_said(
    what: str, rule: str, clears_on: dt.date | None, defers: bool, *params: Param
) -> Message:
    """What the rule asks and, for a rule that defers a start, from when the start is free."""
    ends = ""
    extra = [Param("rule", rule)]
    if defers:
        ends = ".open" if clears_on is None else ".until"
        if clears_on is not None:
            extra.append(Param("date", clears_on.isoformat(), "date"))
    return Message(f"reason.{what}{ends}", [*params, *extra])


_FIELD = {  # the client file's key a relative contraindication is cleared under
    "absolute": (),
    "temporary": (),
    "relative": (Param("field", "cleared"),),
}
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
        for record in named(client, contra.condition, protocol):
            first, last = _bounds(record)
            clears_on = None if last is None else _next(last)
            rule = f"contraindications[{i}]"
            rules.append(
                _Rule(
                    code=_TIER_CODES[contra.tier],
                    subject=contra.condition,
                    rule=rule,
                    breaks=record.active_on,
                    phrase=f"{called(_typed(record), contra.condition)}{_when(record)}",
                    why=_TIER_WHY[contra.tier],
                    clears_on=clears_on,
                    note=contra.note,
                    said=(
                        _record_said("record", contra.condition, _typed(record), first, last),
                        _asks_said(
                            contra.tier,
                            rule,
                            clears_on,
                            contra.tier == "temporary",
                            *_FIELD[contra.tier],
                        ),
                    ),
                    phrase_words=functools.partial(_condition_words, record, contra.condition),
                    why_words=functools.partial(_tier_words, contra.tier),
                )
            )
    return rules


def _washout_rules(protocol: Protocol, client: Client) -> list[_Rule]:
    rules = []
    for i, washout in enumerate(protocol.washouts):
        if not (washout.before or washout.after):
            continue
        pauses = pauses_between_sessions(protocol, washout)
        durations = [
            Param(name, str(value), "units")
            for name, value in (("before", washout.before), ("after", washout.after))
            if value
        ]
        asks = "washout." + (
            "both" if washout.before and washout.after else "before" if washout.before else "after"
        )
        need = " and ".join(
            part
            for part in (
                f"the last use at least {washout.before.words()} before a session"
                if washout.before
                else "",
                f"no use until {washout.after.words()} after it" if washout.after else "",
            )
            if part
        )
        why_words = functools.partial(_both, "why.washout", washout.before, washout.after)
        for med in users(protocol, client, washout.exposure):
            name = called(med.exposure, washout.exposure)
            spans: list[tuple[dt.date | None, dt.date | None, str, Message, Callable[[], Message]]]
            if pauses:  # continuing use is paused around each session (milestones)
                days = sorted({d for d in (med.start, med.end) if d is not None})
                spans = [
                    (
                        d,
                        d,
                        f"{name} used on {d}",
                        _record_said("used-on", washout.exposure, med.exposure, d, d),
                        functools.partial(_used_words, med.exposure, washout.exposure, d),
                    )
                    for d in days
                ]
            else:
                spans = [
                    (
                        med.start,
                        med.end,
                        f"{name} taken{_when(med)}",
                        _record_said("taken", washout.exposure, med.exposure, med.start, med.end),
                        functools.partial(_taken_words, med, washout.exposure),
                    )
                ]
            for first, last, phrase, record, phrase_words in spans:
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
                        said=(
                            record,
                            _asks_said(asks, f"washouts[{i}]", clears, True, *durations),
                        ),
                        phrase_words=phrase_words,
                        why_words=why_words,
                    )
                )
    return rules


def _both(key: str, before: Duration, after: Duration) -> Message:
    """``key.both``, ``key.before`` or ``key.after`` with the durations given."""
    params = [Param(n, str(d), "units") for n, d in (("before", before), ("after", after)) if d]
    return Message(
        f"{key}.{'both' if before and after else 'before' if before else 'after'}", params
    )


def uses(client: Client, med: Medication, exposure: str, protocol: Protocol) -> bool:
    """True when ``med`` stands for ``exposure`` and is used where the protocol treats."""
    return client.resolve(med.exposure) == client.resolve(exposure) and client.reaches(
        med, protocol.areas
    )


def _exposure_test(
    washout: Washout, first: dt.date | None, last: dt.date | None
) -> Callable[[dt.date], bool]:
    return lambda day: _exposed(washout, first, last, day)


def _event_rules(protocol: Protocol, client: Client) -> list[_Rule]:
    spec = protocol.session
    buffer = spec.effective_event_buffer

    def test(first: dt.date, last: dt.date) -> Callable[[dt.date], bool]:
        # Not during the event, and its downtime + buffer clear before it begins.
        return lambda day: day <= last and first < _plus(buffer, _plus(spec.downtime, day))

    def when(event: ClientEvent) -> str:
        if event.end is None or event.end == event.date:
            return f"on {event.date}"
        return f"from {event.date} to {event.end}"

    def words(event: ClientEvent, i: int) -> Message:
        params = [Param("event", repr(event.name)), Param("path", f"events[{i}]")]
        if event.end is None or event.end == event.date:
            return Message("record.event", [*params, _day("day", event.date)])
        return Message(
            "record.event.from", [*params, _day("first", event.date), _day("last", event.end)]
        )

    why_words = functools.partial(_event_why, spec.downtime, buffer)

    return [
        _Rule(
            code="event-blackout",
            subject=event.name,
            rule="session.event_buffer",
            breaks=test(event.date, event.end or event.date),
            phrase=f"the client's event {event.name!r} {when(event)} (events[{i}])",
            why=(
                "a session needs its downtime and event buffer "
                f"({spec.downtime.words()} + {buffer.words()}) "
                "clear before an event"
            ),
            phrase_words=functools.partial(words, event, i),
            why_words=why_words,
        )
        for i, event in enumerate(client.events)
    ]


def _spacing_rules(protocol: Protocol, client: Client) -> list[_Rule]:
    rules = []
    for i, spacing in enumerate(protocol.spacing):
        need = " and ".join(
            part
            for part in (
                f"at least {spacing.before.words()} after it" if spacing.before else "",
                f"at least {spacing.after.words()} before it" if spacing.after else "",
            )
            if part
        )
        why_words = functools.partial(_both, "why.spacing", spacing.before, spacing.after)
        for k, proc in enumerate(client.procedures):
            if not (spacing.before or spacing.after):
                continue
            wanted = client.resolve(spacing.procedure, "procedures")
            if client.resolve(proc.kind, "procedures") != wanted:
                continue
            if not client.reaches(proc, protocol.areas):
                continue
            rules.append(
                _Rule(
                    code="procedure-spacing",
                    subject=proc.kind,
                    rule=f"spacing[{i}]",
                    breaks=_spacing_test(spacing.before, spacing.after, proc.date),
                    phrase=(
                        f"{called(proc.kind, spacing.procedure)} on {proc.date} (procedures[{k}])"
                    ),
                    why=f"a session must fall {need}",
                    note=spacing.note,
                    phrase_words=functools.partial(_procedure_words, proc, spacing.procedure, k),
                    why_words=why_words,
                )
            )
    return rules


def _spacing_test(before: Duration, after: Duration, when: dt.date) -> Callable[[dt.date], bool]:
    return lambda day: _near(before, when, day) or _near(after, day, when)


def rules(protocol: Protocol, client: Client) -> list[_Rule]:
    """Every rule the client's records bring into play, most serious first."""
    return list(kept("rules", protocol, client, None, lambda: _all_rules(protocol, client)))


def _all_rules(protocol: Protocol, client: Client) -> list[_Rule]:
    return (
        _contraindication_rules(protocol, client)
        + _washout_rules(protocol, client)
        + _spacing_rules(protocol, client)
        + _event_rules(protocol, client)
    )


def check_args(client: object, protocol: object) -> None:
    if not isinstance(client, Client):
        raise InputError(f"must be a Client, got {type(client).__name__}", path="client")
    if not isinstance(protocol, Protocol):
        raise InputError(f"must be a Protocol, got {type(protocol).__name__}", path="protocol")


def date_checks(protocol: Protocol, client: Client) -> list[DateCheck]:
    """Checks that keep planned sessions off days the client's records forbid.

    One check per rule that can make a day unusable: active absolute or
    temporary contraindications, washout conflicts, procedure spacing and
    event blackouts. Relative contraindications only warn and are not checks.
    """
    check_args(client, protocol)
    if not _fastpaths.FAST:
        return _blockers(protocol, client)
    one = kept("day-check", protocol, client, None, lambda: _first_blocker(protocol, client))
    return [one] if one is not None else []


def _blockers(protocol: Protocol, client: Client) -> list[DateCheck]:
    return [rule.blocker for rule in rules(protocol, client) if rule.severity == "error"]


def _first_blocker(protocol: Protocol, client: Client) -> DateCheck | None:
    """One check answering as the client's blocking rules do in turn (the first blocker),
    each day decided once; ``None`` when no rule blocks a day.

    A client's forbidden days depend only on the protocol and the client, so
    the planner's many questions about the same days (every candidate of every
    window, every plan for the client) are answered from memory.
    """
    checks = _blockers(protocol, client)
    if not checks:
        return None
    answers: dict[dt.date, Blocker | None] = {}

    def check(day: dt.date) -> Blocker | None:
        if day in answers:
            return answers[day]
        answer = None
        for each in checks:
            answer = each(day)
            if answer is not None:
                break
        if len(answers) >= 1 << 14:
            answers.clear()
        answers[day] = answer
        return answer

    return check


def client_violations(
    protocol: Protocol,
    client: Client,
    sessions: Sequence[PlannedSession],
    *,
    warnings_only: bool = False,
) -> list[Violation]:
    """Every rule the client's records break in a calendar, session by session.

    A session can break several rules; each gives one violation naming its
    rule. A relative contraindication is reported once (``needs-review``, a
    warning) on the first session it applies to. Each name in the client's
    records that neither the vocabulary nor the protocol knows is reported
    once (``unrecognised``, a warning, with no session): it was checked
    against no rule. With ``warnings_only``, the rules whose violations are
    errors are not asked at all (the same list as filtering the result).
    """
    check_args(client, protocol)
    found = rules(protocol, client)
    asked = [(k, r) for k, r in enumerate(found) if not warnings_only or r.severity == "warning"]
    reviewed: set[int] = set()
    out = []
    for session in sessions if asked else ():
        for k, rule in asked:
            if k in reviewed or not rule.breaks(session.date):
                continue
            if rule.code == "needs-review":
                reviewed.add(k)
            out.append(rule.violation(session.number, session.date))
    out += [
        Violation(
            code="unrecognised",
            severity="warning",
            key=unknown_message(unknown).key,
            params=unknown_message(unknown).params,
            rule=unknown.path,
        )
        for unknown in unrecognised(protocol, client)
    ]
    return out
