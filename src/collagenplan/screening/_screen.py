"""Screening one date: may this client start this protocol on it, and if not, when?"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import attrs

from .._checks import is_date, is_optional, is_str, is_tuple_of, one_of, require_date
from .._fields import to_tuple
from ..clients import Client
from ..errors import InputError
from ..protocols.model import Protocol
from ._rules import _Rule, check_args, named, rules

__all__ = [
    "REASON_CODES",
    "STATUSES",
    "Reason",
    "Screening",
    "ScreeningStatus",
    "precautions",
    "screen",
]

ScreeningStatus = Literal["eligible", "review", "deferred", "contraindicated"]
STATUSES: tuple[ScreeningStatus, ...] = ("eligible", "review", "deferred", "contraindicated")
"""Screening outcomes, from best to worst."""
REASON_CODES = ("contraindicated", "deferred", "washout", "needs-review", "precaution")


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


def precautions(protocol: Protocol, client: Client, day: dt.date) -> list[tuple[int, Reason]]:
    out = []
    for i, precaution in enumerate(protocol.precautions):
        if any(r.active_on(day) for r in named(client, precaution.condition)):
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
    check_args(client, protocol)
    on = require_date(on, "on")
    found = rules(protocol, client)
    absolute = [r for r in found if r.code == "contraindicated" and r.breaks(on)]
    review = [r for r in found if r.code == "needs-review" and r.breaks(on)]
    # An absolute contraindication that begins later also bounds the start.
    earliest, deferring = _earliest(
        on, [r for r in found if r.defers or (r.code == "contraindicated" and not r.breaks(on))]
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
        precautions=tuple(reason for _, reason in precautions(protocol, client, on)),
    )
