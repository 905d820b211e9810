"""What the exporters share: stable identifiers, text clean-up, session facts."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid

from ..errors import InputError
from ..protocols.model import Protocol
from ..results import Plan
from ..sessions import Milestone, PlannedSession

__all__ = [
    "check_plan",
    "check_protocol",
    "clean_text",
    "end_of",
    "milestone_text",
    "plan_key",
    "session_minutes",
    "session_start",
    "stable_uuid",
]

# C0 controls except TAB and LF, and DEL: no text format we write may carry
# them (RFC 5545 section 3.3.11 excludes CONTROL from TEXT), and some readers
# stop at them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_NAMESPACE = uuid.UUID("0c7d8a0e-5a55-4b1e-9d7c-6f1a2c3b4d5e")


def check_plan(plan: object) -> Plan:
    """Return ``plan`` if it is a :class:`Plan`, else raise :class:`InputError`."""
    if not isinstance(plan, Plan):
        raise InputError(f"must be a Plan, got {type(plan).__name__}", path="plan")
    return plan


def check_protocol(protocol: object, plan: Plan | None = None) -> Protocol | None:
    """Return ``protocol`` (``None`` allowed) after checking it matches ``plan``."""
    if protocol is None:
        return None
    if not isinstance(protocol, Protocol):
        raise InputError(f"must be a Protocol, got {type(protocol).__name__}", path="protocol")
    if plan is not None and protocol.id != plan.protocol_id:
        raise InputError(
            f"is {protocol.id!r} but the plan was made from {plan.protocol_id!r}", path="protocol"
        )
    return protocol


def clean_text(value: str) -> str:
    """Normalise line ends to LF and drop control characters from user text."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def plan_key(plan: Plan, plan_id: str | None, client_name: str | None = None) -> str:
    """A stable, opaque key for ``plan`` that identifiers are derived from.

    With ``plan_id`` (the caller's own id for this course of treatment) the
    key depends on nothing else, so re-planned dates keep their identifiers.
    Without it, the key is derived from the protocol id, the plan's start and
    the client name. It is a hash so that no client data shows in a UID.
    """
    if plan_id is not None:
        if not isinstance(plan_id, str) or not plan_id.strip():
            raise InputError("must be a non-empty string", path="plan_id")
        seed = "id\x1f" + plan_id
    else:
        seed = "\x1f".join(("plan", plan.protocol_id, plan.start.isoformat(), client_name or ""))
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:24]


def stable_uuid(key: str, *parts: object) -> str:
    """A UUID (version 5) that is the same every time for the same key and parts."""
    return str(uuid.uuid5(_NAMESPACE, "/".join((key, *map(str, parts)))))


def session_start(session: PlannedSession, index: int) -> dt.datetime | None:
    """The session's appointment start, checked to be a time-zone aware datetime."""
    start = session.start
    if start is None:
        return None
    if not isinstance(start, dt.datetime) or start.utcoffset() is None:
        raise InputError(
            "must be a time-zone aware datetime (for example with "
            f"zoneinfo.ZoneInfo('Europe/London')), got {start!r}",
            path=f"sessions[{index}].start",
        )
    return start


def session_minutes(session: PlannedSession, index: int, default: int) -> int:
    """The session's chair minutes, or ``default`` when the plan does not say."""
    minutes = session.minutes if session.minutes is not None else default
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
        raise InputError(
            f"must be a whole number of minutes, at least 1, got {minutes!r}",
            path=f"sessions[{index}].minutes",
        )
    return minutes


def end_of(start: dt.datetime, minutes: int) -> dt.datetime:
    """The end of a timed session, ``minutes`` of elapsed time after ``start``.

    Elapsed, not wall-clock: a 60-minute 01:30 appointment on a fall-back
    night ends at 01:30 again, an hour later.
    """
    utc = start.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)
    return utc.astimezone(start.tzinfo)


def milestone_text(m: Milestone) -> str:
    """One line describing a milestone: dates, kind, subject and note."""
    when = m.start.isoformat()
    if m.end is not None and m.end != m.start:
        when += f" to {m.end.isoformat()}"
    text = f"{when}: {m.kind} {m.subject}"
    if m.note:
        text += f" ({m.note})"
    return clean_text(text)
