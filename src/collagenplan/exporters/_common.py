"""What the exporters share: stable identifiers, text clean-up, session facts.

The exporters trust the values they are given: :class:`Plan` and
:class:`PlannedSession` check their own fields (an appointment start is time
zone aware, minutes are at least 1, sessions are numbered 1..n), so nothing
here checks them again. What one session says in every format is computed
once, in :func:`export_sessions`, and each exporter only formats it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Iterator, Mapping

import attrs

from .._fields import _typename, relocated
from .._text import SURROGATE, text_problem
from ..durations import Duration, elapsed_after
from ..errors import InputError
from ..messages import Param, date_words, render, translation
from ..protocols.model import Protocol
from ..results import Plan, Violation
from ..sessions import Milestone, PlannedSession, session_keys

__all__ = [
    "DEFAULT_MINUTES",
    "ExportSession",
    "check_plan",
    "check_protocol",
    "clean_text",
    "end_of",
    "export_sessions",
    "export_title",
    "milestone_task",
    "milestone_text",
    "plan_identity",
    "plan_key",
    "say",
    "stable_uuid",
    "subject_labels",
]

# C0 controls except TAB and LF, and DEL: no text format we write may carry
# them (RFC 5545 section 3.3.11 excludes CONTROL from TEXT), and some readers
# stop at them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
DEFAULT_MINUTES = 60
"""Length of a timed session when neither it nor its protocol says."""
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
    """Normalise line ends to LF; drop control characters and lone surrogates.

    The value classes refuse both already; this guards the exporters' own
    text arguments (``client_name``, ``location``...), which are cleaned
    rather than refused.
    """
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return SURROGATE.sub("", _CONTROL.sub("", text))


def plan_identity(plan: Plan, plan_id: str | None) -> str | None:
    """The id exports identify ``plan`` by: ``plan_id`` when given, else ``plan.plan_id``.

    Raises:
        InputError: ``plan_id`` is given but is not a non-empty string.
    """
    if plan_id is not None:
        if not isinstance(plan_id, str) or not plan_id.strip():
            raise InputError("must be a non-empty string", path="plan_id")
        return plan_id
    return plan.plan_id


def plan_key(plan: Plan, plan_id: str | None, client_name: str | None = None) -> str:
    """A stable, opaque key for ``plan`` that identifiers are derived from.

    It is a hash of the plan's identity (:func:`plan_identity`: the
    ``plan_id`` argument, else ``plan.plan_id``), so that no client data
    shows in a UID and re-planned dates keep their identifiers. An anonymous
    plan (no id at all) falls back to the protocol id, the plan's start and the
    client name: stable for that plan only, not across re-plans.

    Raises:
        InputError: ``plan_id`` or ``client_name`` holds a lone surrogate (it
            could not be hashed, nor written anywhere), or ``plan_id`` is empty.
    """
    for name, text in (("plan_id", plan_id), ("client_name", client_name)):
        problem = text_problem(text, controls=False) if isinstance(text, str) else None
        if problem is not None:  # it could not be hashed, nor written anywhere
            raise InputError(problem, path=name)
    identity = plan_identity(plan, plan_id)
    if identity is not None:
        seed = "id\x1f" + identity
    else:
        seed = "\x1f".join(("plan", plan.protocol_id, plan.start.isoformat(), client_name or ""))
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:24]


def stable_uuid(key: str, *parts: object) -> str:
    """A UUID (version 5) that is the same every time for the same key and parts."""
    return str(uuid.uuid5(_NAMESPACE, "/".join((key, *map(str, parts)))))


def end_of(start: dt.datetime, minutes: int) -> dt.datetime:
    """The end of a timed session, ``minutes`` of elapsed time after ``start``.

    Elapsed, not wall-clock: a 60-minute 01:30 appointment on a fall-back
    night ends at 01:30 again, an hour later.

    Raises:
        DurationError: the end would fall after 9999-12-31.
    """
    return elapsed_after(start, minutes)


def subject_labels(protocol: Protocol | None) -> dict[str, str]:
    """The protocol's labels by milestone subject: each washout's exposure and
    each aftercare restriction that has a ``label``."""
    if protocol is None:
        return {}
    labels = {w.exposure: w.label for w in protocol.washouts if w.label}
    labels.update({a.restriction: a.label for a in protocol.aftercare if a.label})
    return labels


def say(key: str, locale: str, **values: str | int | dt.date | Duration) -> str:
    """Message ``key`` rendered in ``locale``: strings are written as they are,
    whole numbers in digits, dates and durations (in the units written) in
    the locale's words."""
    params = []
    for name, value in values.items():
        if isinstance(value, dt.date):
            params.append(Param(name, value.isoformat(), "date"))
        elif isinstance(value, Duration):
            params.append(Param(name, str(value), "units"))
        elif isinstance(value, int):
            params.append(Param(name, str(value), "number"))
        else:
            params.append(Param(name, value))
    return render(key, params, locale)


_MILESTONE_KINDS = frozenset({"stop", "resume", "start", "end", "aftercare"})


def milestone_task(
    m: Milestone, labels: Mapping[str, str] | None = None, locale: str = "en"
) -> str:
    """What a milestone asks, in ``locale``: ``"stop Topical retinoid"``.

    The subject is shown by its label from ``labels`` (:func:`subject_labels`)
    when it has one, else by its id; a kind the planner does not write is
    shown as it is.
    """
    subject = (labels or {}).get(m.subject, m.subject)
    if m.kind in _MILESTONE_KINDS:
        return say(f"milestone.{m.kind}", locale, subject=subject)
    return say("milestone.other", locale, kind=m.kind, subject=subject)


def milestone_text(
    m: Milestone, labels: Mapping[str, str] | None = None, locale: str = "en"
) -> str:
    """One line describing a milestone in ``locale``: dates, kind, subject and note.

    ``"2027-03-12 to 2027-03-14: aftercare No make-up (No make-up until 2027-03-14.)"``;
    the subject as in :func:`milestone_task`, the note as
    :meth:`~collagenplan.Milestone.note_text` gives it (a protocol's own note
    as written).
    """
    if m.end is not None and m.end != m.start:
        when = say("milestone.range", locale, start=m.start, end=m.end)
    else:
        when = date_words(m.start, locale)
    text = f"{when}: {milestone_task(m, labels, locale)}"
    note = m.note_text(locale)
    if note:
        text += f" ({note})"
    return clean_text(text)


@attrs.frozen(kw_only=True)
class ExportSession:
    """What every exporter says about one session, computed once.

    Text here is cleaned of control characters (:func:`clean_text`) but not
    escaped: each format escapes it its own way.
    """

    session: PlannedSession
    """The session itself (number, phase, date, window, status, practitioner...)."""
    total: int
    """How many sessions the plan has."""
    title: str
    """The protocol's name, or the plan's protocol id without a protocol."""
    start: dt.datetime | None
    """The time-zone aware appointment start, when the session has one."""
    minutes: int
    """The session's chair minutes, else the protocol's, else the exporter's default."""
    end: dt.datetime | None
    """``start`` plus ``minutes`` of elapsed time, when both are known."""
    latest: str
    """The window's last day as ``YYYY-MM-DD``, or ``open``."""
    violations: tuple[Violation, ...]
    """The plan's violations about this session, in the plan's order."""
    reminders: tuple[str, ...]
    """One line per milestone (:func:`milestone_text`)."""
    aftercare: tuple[str, ...]
    """One line per aftercare rule of the protocol: ``no-makeup for 24 hours: note``."""
    key: str = ""
    """The session's key (:func:`~collagenplan.sessions.session_keys`), for ids."""
    removed: bool = False
    """The session was dropped by a re-plan (``plan.removed``): exports cancel it."""
    practitioner: str | None = None
    """Who performs it, by display name: the clinic's name for the practitioner
    id when a clinic is given, else the session's ``practitioner`` as it is."""
    labels: Mapping[str, str] = attrs.field(factory=dict)
    """The protocol's labels by milestone subject (:func:`subject_labels`)."""
    locale: str = "en"
    """The locale every text here is written in."""

    def reminder(self, milestone: Milestone) -> str:
        """One milestone of this session as a line of text, with its label."""
        return milestone_text(milestone, self.labels, self.locale)

    @property
    def heading(self) -> str:
        """``"<title>: session <n> of <total>"``, in the locale."""
        return say(
            "export.heading",
            self.locale,
            title=self.title,
            number=self.session.number,
            total=self.total,
        )


def _aftercare(protocol: Protocol | None, locale: str) -> tuple[str, ...]:
    if protocol is None:
        return ()
    return tuple(
        say(
            "export.aftercare.noted",
            locale,
            restriction=a.shown,
            duration=a.duration,
            note=clean_text(a.note),
        )
        if a.note
        else say("export.aftercare", locale, restriction=a.shown, duration=a.duration)
        for a in protocol.aftercare
    )


def export_title(plan: Plan, protocol: Protocol | None) -> str:
    """What the exports call the series: the protocol's name, else its id."""
    return protocol.name if protocol is not None else plan.protocol_id


def export_sessions(
    plan: Plan,
    protocol: Protocol | None,
    default_minutes: int = DEFAULT_MINUTES,
    *,
    names: Mapping[str, str] | None = None,
    removed: bool = False,
    locale: str = "en",
) -> Iterator[ExportSession]:
    """The export view of each session of ``plan``, in order.

    Args:
        plan: the plan.
        protocol: its protocol (already matched with :func:`check_protocol`),
            for the title, the chair minutes and the aftercare; or ``None``.
        default_minutes: the length of a session whose own minutes are
            unknown, when there is no ``protocol`` to give chair minutes.
        names: practitioner display names by id (a clinic's practitioners).
        removed: also yield, after the sessions, a view of each session in
            ``plan.removed`` (with ``removed=True``).
        locale: the locale of the texts (headings, reminders, aftercare).

    Raises:
        InputError: ``default_minutes`` is not a whole number >= 1, or
            ``locale`` is not a shipped locale.
        DurationError: a session's end would fall after 9999-12-31 (the
            error's path names the session).
    """
    if isinstance(default_minutes, bool) or not isinstance(default_minutes, int):
        raise InputError(
            f"must be a whole number of minutes, got {_typename(default_minutes)}",
            path="default_minutes",
        )
    if default_minutes < 1:
        raise InputError(f"must be at least 1, got {default_minutes}", path="default_minutes")
    translation(locale)  # an unknown locale is refused before anything is written
    title = export_title(plan, protocol)
    chair = (protocol.session.chair_minutes if protocol is not None else None) or default_minutes
    aftercare = _aftercare(protocol, locale)
    labels = subject_labels(protocol)
    total = len(plan.sessions)
    names = names or {}
    items = list(zip(plan.sessions, session_keys(plan.sessions), strict=True))
    if removed:
        items += [(s, s.key or "") for s in plan.removed]
    for i, (session, key) in enumerate(items):
        minutes = session.minutes if session.minutes is not None else chair
        start = session.start
        latest = session.window.latest
        gone = i >= total
        who = session.practitioner
        where = f"sessions[{i}].start" if not gone else f"removed[{i - total}].start"
        with relocated(where):
            end = end_of(start, minutes) if start is not None else None
        yield ExportSession(
            session=session,
            total=total,
            title=title,
            start=start,
            minutes=minutes,
            end=end,
            latest=latest.isoformat() if latest is not None else "open",
            violations=()
            if gone
            else tuple(v for v in plan.violations if v.session == session.number),
            reminders=tuple(milestone_text(m, labels, locale) for m in session.milestones),
            aftercare=aftercare,
            key=key,
            removed=gone,
            practitioner=names.get(who, who) if who is not None else None,
            labels=labels,
            locale=locale,
        )
