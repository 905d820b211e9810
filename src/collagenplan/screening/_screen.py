"""Screening one date: may this client start this protocol on it, and if not, when?"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import attrs

from .._checks import is_date, is_optional, is_str, is_tuple_of, one_of, require_date
from .._fields import to_tuple
from ..clients import Client
from ..errors import InputError
from ..messages import Message, Param, translation
from ..protocols.model import Protocol
from ..vocabulary import normalise
from ._rules import (
    _Rule,
    check_args,
    named,
    pauses_between_sessions,
    rules,
    unknown_message,
    unrecognised,
    users,
)

__all__ = [
    "REASON_CODES",
    "STATUSES",
    "Reason",
    "Screening",
    "ScreeningStatus",
    "pauses",
    "precautions",
    "screen",
]

ScreeningStatus = Literal["eligible", "review", "deferred", "contraindicated"]
STATUSES: tuple[ScreeningStatus, ...] = ("eligible", "review", "deferred", "contraindicated")
"""Screening outcomes, from best to worst."""
REASON_CODES = (
    "contraindicated",
    "deferred",
    "washout",
    "needs-review",
    "unrecognised",
    "precaution",
    "pause",
)


@attrs.frozen(kw_only=True)
class Reason:
    """One finding of a screening, tied to the protocol rule it comes from."""

    code: str = attrs.field(validator=one_of(InputError, REASON_CODES))
    """``contraindicated``, ``deferred`` (a temporary condition), ``washout``,
    ``needs-review``, ``unrecognised`` (a name nothing knows), ``precaution``
    or ``pause`` (a washout the client follows around each session); all but
    the last two are violation codes."""
    subject: str = attrs.field(validator=is_str(InputError))
    """The condition or exposure concerned (``isotretinoin``); for
    ``unrecognised``, the name as written."""
    rule: str = attrs.field(validator=is_str(InputError))
    """The protocol rule, as a key path (``washouts[3]``); for
    ``unrecognised``, the client file's key path (``medications[0].exposure``)."""
    message: str = attrs.field(validator=is_str(InputError))
    """A sentence a receptionist can read, in English: ``text("en")``."""
    clears_on: dt.date | None = attrs.field(
        default=None, validator=is_optional(is_date(InputError))
    )
    """First day the reason no longer applies, or ``None`` when no end is known."""
    action: str | None = attrs.field(default=None, validator=is_optional(is_str(InputError)))
    """For a precaution, what to do (``antiviral-prophylaxis``)."""
    suggestions: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(InputError, str, "a name")
    )
    """For ``unrecognised``, the ids of the closest known names, best first."""
    messages: tuple[Message, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(InputError, Message, "a Message")
    )
    """The message as data (keys and parameters): every reason :func:`screen`
    writes has them; a reason built by hand with only ``message`` has none."""
    note: str | None = attrs.field(default=None, validator=is_optional(is_str(InputError)))
    """With ``messages``: the protocol rule's note, which ends ``message``
    (clinic-written text, shown as written in every locale)."""

    def text(self, locale: str = "en") -> str:
        """The message in ``locale``: ``messages`` rendered, then ``note`` as
        written; ``message`` as written when the reason has no ``messages``.

        Raises:
            InputError: ``locale`` is not one of the shipped locales.
        """
        if not self.messages:
            translation(locale)  # an unknown locale is an error either way
            return self.message
        words = [m.render(locale) for m in self.messages]
        return " ".join([*words, self.note] if self.note else words)


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
    """First day a series may start (or a paused one resume): ``on`` unless
    deferred or contraindicated; the day everything clears when every
    contraindication and deferral has a known end (pregnancy until a date);
    ``None`` when one has no known end."""
    reasons: tuple[Reason, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(InputError, Reason, "a Reason")
    )
    """Why the status is not ``eligible``: contraindications, then what defers
    the start, then what needs review, each in protocol order."""
    precautions: tuple[Reason, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(InputError, Reason, "a Reason")
    )
    """Precautions that apply (code ``precaution``), with their action."""
    pauses: tuple[Reason, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(InputError, Reason, "a Reason")
    )
    """Washouts the client follows around every session (code ``pause``): an
    exposure in use that must stop ``before`` each session and may resume
    ``after`` it, in protocol order."""

    @property
    def ok(self) -> bool:
        """True when a series may start on ``on`` (``eligible`` or ``review``)."""
        return self.status in ("eligible", "review")


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
    """The reason a rule gives: the record and what the rule asks, as messages,
    then the protocol rule's note as written."""
    words = " ".join(m.render() for m in rule.said)
    return Reason(
        code=rule.code,
        subject=rule.subject,
        rule=rule.rule,
        message=f"{words}{rule.tail}",
        clears_on=rule.clears_on,
        messages=rule.said,
        note=rule.note,
    )


_TIMING = {  # (before given, after given) -> the message's variant
    (True, True): "both",
    (True, False): "before",
    (False, True): "after",
    (False, False): "day",
}


def precautions(protocol: Protocol, client: Client, day: dt.date) -> list[tuple[int, Reason]]:
    out = []
    for i, precaution in enumerate(protocol.precautions):
        if not any(r.active_on(day) for r in named(client, precaution.condition, protocol)):
            continue
        params = [
            Param("condition", precaution.condition),
            Param("action", precaution.action),
            Param("rule", f"precautions[{i}]"),
        ]
        if precaution.before:
            params.append(Param("before", str(precaution.before), "duration"))
        if precaution.after:
            params.append(Param("after", str(precaution.after), "duration"))
        timing = _TIMING[bool(precaution.before), bool(precaution.after)]
        message = Message(f"precaution.{timing}", params)
        words = message.render()
        note = precaution.note
        reason = Reason(
            code="precaution",
            subject=precaution.condition,
            rule=f"precautions[{i}]",
            message=f"{words} {note}" if note else words,
            action=precaution.action,
            messages=(message,),
            note=note,
        )
        out.append((i, reason))
    return out


def _unknown_reasons(protocol: Protocol, client: Client) -> list[Reason]:
    return [
        Reason(
            code="unrecognised",
            subject=unknown.name,
            rule=unknown.path,
            message=message.render(),
            suggestions=unknown.suggestions,
            messages=(message,),
        )
        for unknown in unrecognised(protocol, client)
        for message in [unknown_message(unknown)]
    ]


def pauses(protocol: Protocol, client: Client, on: dt.date) -> list[Reason]:
    """The washouts the client pauses around each session, for exposures used from ``on``."""
    out = []
    for i, washout in enumerate(protocol.washouts):
        if not (washout.before or washout.after) or not pauses_between_sessions(protocol, washout):
            continue
        used = [
            m for m in users(protocol, client, washout.exposure) if m.end is None or m.end >= on
        ]
        if not used:
            continue
        params = [Param("exposure", washout.exposure), Param("rule", f"washouts[{i}]")]
        if washout.before:
            params.append(Param("before", str(washout.before), "duration"))
        if washout.after:
            params.append(Param("after", str(washout.after), "duration"))
        which = (
            "both" if washout.before and washout.after else "before" if washout.before else "after"
        )
        messages = [Message(f"pause.{which}", params)]
        typed = used[0].exposure
        if normalise(typed) != washout.exposure:
            messages.append(Message("recorded-as", [Param("name", typed)]))
        note = washout.note
        words = " ".join(m.render() for m in messages)
        out.append(
            Reason(
                code="pause",
                subject=washout.exposure,
                rule=f"washouts[{i}]",
                message=f"{words} {note}" if note else words,
                messages=messages,
                note=note,
            )
        )
    return out


def _start_rules(
    found: list[_Rule], on: dt.date
) -> tuple[list[_Rule], dt.date | None, list[_Rule]]:
    """The absolute contraindications on ``on``, the earliest start, and what defers it."""
    absolute = [r for r in found if r.code == "contraindicated" and r.breaks(on)]
    # An absolute contraindication, active now or beginning later, also bounds
    # the start: one with a known end pauses treatment until the day it clears.
    earliest, deferring = _earliest(
        on, [r for r in found if r.defers or r.code == "contraindicated"]
    )
    return absolute, earliest, [r for r in deferring if r not in absolute]


def start_verdict(client: Client, protocol: Protocol, on: dt.date) -> tuple[bool, dt.date | None]:
    """``screen(...)``'s ``status == "contraindicated"`` and ``earliest_start``, and nothing else.

    What planning asks before it places a first session; the reasons (and
    their messages) are only worked out when the answer is a refusal.
    """
    check_args(client, protocol)
    absolute, earliest, _ = _start_rules(rules(protocol, client), require_date(on, "on"))
    return bool(absolute), earliest


def screen(client: Client, protocol: Protocol, *, on: dt.date) -> Screening:
    """Screen ``client`` for starting ``protocol`` on ``on``.

    Returns a :class:`Screening` whose ``status`` is, in order of precedence:

    * ``contraindicated``: an absolute contraindication applies on ``on``;
      ``earliest_start`` is the day it (and anything else blocking) clears
      when its end is known, else ``None``;
    * ``deferred``: a washout or temporary condition blocks ``on``;
      ``earliest_start`` is the first day nothing blocks (the later end wins
      when several apply, and an absolute contraindication that begins in the
      meantime counts too), or ``None`` when one of them has no known end;
    * ``review``: a relative contraindication applies and is not cleared, or
      a name in the client's records is unknown to the vocabulary and to the
      protocol (an ``unrecognised`` reason, with the closest known names);
    * ``eligible``.

    Unrecognised names are listed in ``reasons`` whatever the status, after
    everything else. ``pauses`` lists the washouts the client follows
    around each session (stop retinol 5 days before, resume 7 days after).

    Raises:
        InputError: ``client`` is not a :class:`Client`, ``protocol`` not a
            :class:`Protocol`, or ``on`` not a date.
    """
    check_args(client, protocol)
    on = require_date(on, "on")
    found = rules(protocol, client)
    absolute, earliest, deferring = _start_rules(found, on)
    review = [r for r in found if r.code == "needs-review" and r.breaks(on)]
    unknown = _unknown_reasons(protocol, client)
    if absolute:
        status: ScreeningStatus = "contraindicated"
    elif earliest != on:
        status = "deferred"
    elif review or unknown:
        status = "review"
    else:
        status = "eligible"
    return Screening(
        status=status,
        protocol_id=protocol.id,
        on=on,
        earliest_start=earliest,
        reasons=(*(_reason(r, on) for r in absolute + deferring + review), *unknown),
        precautions=tuple(reason for _, reason in precautions(protocol, client, on)),
        pauses=tuple(pauses(protocol, client, on)),
    )
