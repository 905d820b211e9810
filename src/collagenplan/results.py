"""Results: plans, violations and reports -- what a calendar is and what is wrong with it.

Every value here checks itself when it is built, so code that receives a
:class:`Plan` (the exporters, capacity) can rely on its fields instead of
checking them again: a violation's code is a key of :data:`CODES` and its
severity the one the registry gives that code; sessions are numbered 1..n.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs

from ._checks import (
    is_date,
    is_kebab,
    is_optional,
    is_positive_int,
    is_str,
    is_tuple_of,
    one_of,
)
from ._fields import _typename, to_tuple
from ._reader import KEY, READ, WRITE
from .errors import InputError
from .messages import (
    MESSAGES,
    PART_KINDS,
    Message,
    Param,
    placeholders,
    render,
    translation,
)
from .sessions import Move, PlannedSession, UnplacedSession, Window, session_keys

__all__ = ["CODES", "Code", "Plan", "Report", "Severity", "Violation"]

Severity = Literal["error", "warning"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning")


@attrs.frozen(kw_only=True)
class Code:
    """One stable violation code: its name, its severity and what it means."""

    name: str = attrs.field(validator=is_kebab(InputError))
    """The kebab-case code (``interval-too-short``), stable across releases."""
    severity: Severity = attrs.field(validator=one_of(InputError, SEVERITIES))
    """``error`` makes a calendar invalid; ``warning`` does not."""
    meaning: str = attrs.field(validator=is_str(InputError))
    """One line saying when it is reported."""


def _registry(*codes: Code) -> Mapping[str, Code]:
    return types.MappingProxyType({code.name: code for code in codes})


def _error(name: str, meaning: str) -> Code:
    return Code(name=name, severity="error", meaning=meaning)


def _warning(name: str, meaning: str) -> Code:
    return Code(name=name, severity="warning", meaning=meaning)


CODES: Mapping[str, Code] = _registry(
    _error("interval-too-short", "a session is closer to the one before than the protocol allows"),
    _warning("within-grace", "a session is early, but within the protocol's grace"),
    _error(
        "interval-too-long", "a session is later after the one before than the protocol allows"
    ),
    _error("too-few-sessions", "a completed calendar has fewer sessions than the phase needs"),
    _error("too-many-sessions", "a calendar has more sessions than the protocol allows"),
    _error("not-chronological", "a date is earlier than the one listed before it"),
    _error("same-day-duplicate", "two sessions fall on the same day"),
    _error("washout", "an exposure is recorded inside a session's washout window"),
    _error("contraindicated", "an absolute contraindication is active"),
    _warning("needs-review", "a relative contraindication needs a clinician's review"),
    _error("deferred", "a session falls before the client may start"),
    _error("clinic-closed", "the clinic is closed, or no qualified practitioner works, that day"),
    _error("event-blackout", "a session's downtime or buffer overlaps a client's event"),
    _error("procedure-spacing", "a session is too close to another procedure"),
    _error("no-date-in-window", "no allowed date exists inside the session's window"),
    # Client vocabulary (issue 13): a name no rule could be checked against.
    _warning(
        "unrecognised",
        "a name in the client's records matches no known name; a clinician must review it",
    ),
    _warning(
        "series-restarted", "a late gap past the protocol's restart limit starts the series again"
    ),
    # Living calendars (history checked, nothing entered dropped or rewritten).
    _warning("duplicate-visit", "the same visit is recorded more than once; it counts once"),
    _warning(
        "unconfirmed-booking",
        "a booked visit is in the past with no record of it being done, missed or cancelled",
    ),
    _error(
        "lead-in",
        "a session's lead-in task (stop an exposure, start a prophylaxis) would fall before "
        "the plan was made",
    ),
    _warning(
        "on-hold",
        "the series is paused by a condition or deferral with a known end, and resumes then",
    ),
    # The clinic's diary (issue 14): times, practitioners and resources.
    _error(
        "practitioner-double-booked",
        "a session's practitioner has another appointment at an overlapping time",
    ),
    _error(
        "resource-double-booked",
        "a room, chair or device a session holds is held by another appointment at that time",
    ),
    _error("client-double-booked", "the client has another appointment at an overlapping time"),
    _error(
        "outside-opening-hours",
        "a session's time lies outside the clinic's opening hours or its practitioner's",
    ),
    _error(
        "practitioner-unavailable",
        "a session's practitioner is not in the clinic file, not qualified, or on leave",
    ),
    _error(
        "diary-full",
        "no slot of the session's window is free in the clinic's diary or booking system",
    ),
)
"""Every stable violation code, read-only: code -> :class:`Code` (name, severity, meaning).

A :class:`Violation` is only built with one of these codes and the severity
given here; ``docs/validation.md`` lists the same codes (a test checks it).
"""


def _known_code(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str):
        raise InputError(f"must be a string, got {_typename(value)}", path=attribute.name)
    if value not in CODES:
        raise InputError(
            f"unknown violation code {value!r} (known codes: {', '.join(sorted(CODES))})",
            path=attribute.name,
        )


def _registered_severity(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    one_of(InputError, SEVERITIES)(instance, attribute, value)
    expected = CODES[instance.code].severity
    if value != expected:
        raise InputError(
            f"must be {expected!r} for code {instance.code!r} (see collagenplan.CODES), "
            f"got {value!r}",
            path=attribute.name,
        )


def _session_number(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"must be an integer, got {_typename(value)}", path=attribute.name)
    if value < 1:
        raise InputError(
            f"must be a 1-based session number, at least 1, got {value}", path=attribute.name
        )


def _is_int(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"must be an integer, got {_typename(value)}", path=attribute.name)


def _is_window(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Window):
        raise InputError(f"must be a Window, got {_typename(value)}", path=attribute.name)


def _params(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _message_key(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise InputError(f"must be a string, got {_typename(value)}", path=attribute.name)
    if value not in MESSAGES:
        raise InputError(f"unknown message key {value!r}", path=attribute.name)


@attrs.frozen(kw_only=True, repr=False)
class Violation:
    """One problem with a calendar, explained.

    ``code`` is stable (see :data:`CODES`); ``message`` is a sentence a
    receptionist can read. The severity is stated, not derived, and must be
    the one :data:`CODES` gives the code, so a reader of the code sees what
    the caller meant and a wrong pairing fails at once.

    Every violation the library builds also keeps its message as data: a
    message ``key`` and its ``params`` (names, dates, durations), so
    :meth:`text` renders it in any shipped locale. ``message`` is then the
    English rendering, made when it is first read (a message given along with
    a key, as a document holds, is not kept: the key says it). A violation
    built with free text and no key still works: :meth:`text` returns the
    message as written.

    Raises:
        InputError: a field breaks its rule (an unknown code, a severity that
            is not the code's, a session number below 1, an empty message with
            no key, a date-time where a date is meant, an unknown message key,
            parameters that do not fill the key's template); the error names
            the field.
    """

    code: str = attrs.field(validator=_known_code)
    """Stable kebab-case code, a key of :data:`CODES`."""
    severity: Severity = attrs.field(validator=_registered_severity)
    """``error`` makes the calendar invalid; ``warning`` does not; ``CODES[code].severity``."""
    _message: str = attrs.field(
        default="",
        alias="message",
        repr=False,
        validator=is_str(InputError, empty=True),
        metadata={WRITE: "message"},
    )
    """The free-text message; empty when ``key`` says it (see :attr:`message`)."""
    session: int | None = attrs.field(default=None, validator=is_optional(_session_number))
    """1-based number of the session concerned, if one is."""
    date: dt.date | None = attrs.field(default=None, validator=is_optional(is_date(InputError)))
    """Date of that session."""
    rule: str | None = attrs.field(default=None, validator=is_optional(is_str(InputError)))
    """The protocol rule it comes from, as a key path (``phases[0].interval``)."""
    expected: Window | None = attrs.field(default=None, validator=is_optional(_is_window))
    """The window the session should have been in."""
    gap_days: int | None = attrs.field(default=None, validator=is_optional(_is_int))
    """Actual days since the previous session, where that matters."""
    key: str | None = attrs.field(default=None, validator=_message_key)
    """The message key (a key of :data:`collagenplan.messages.MESSAGES`, such as
    ``interval.too-short``); ``None`` for a violation built with free text."""
    params: tuple[Param, ...] = attrs.field(
        default=(), converter=_params, validator=is_tuple_of(InputError, Param, "a Param")
    )
    """The values the key's template fills (dates, durations, names); a note a
    clinic or protocol wrote is a ``text`` parameter, shown as written."""
    _english: str | None = attrs.field(
        init=False, default=None, eq=False, repr=False, metadata={READ: False}
    )
    """The English rendering, once made (lazily: validation builds many violations
    that nobody reads)."""

    def __attrs_post_init__(self) -> None:
        if self.key is None:
            if self.params:
                raise InputError("must be empty when there is no key", path="params")
            if not self._message.strip():
                raise InputError("must not be empty", path="message")
            return
        missing = _missing(self.key, self.params)
        if missing:
            raise InputError(
                f"misses {', '.join(missing)} for message {self.key!r}", path="params"
            )
        if self._message:
            object.__setattr__(self, "_message", "")

    @property
    def message(self) -> str:
        """Plain-English explanation: ``text("en")``."""
        if self.key is None:
            return self._message
        english = self._english
        if english is None:
            english = render(self.key, self.params)
            object.__setattr__(self, "_english", english)
        return english

    def __repr__(self) -> str:
        fields = [
            f"{a.alias}={getattr(self, a.metadata.get(WRITE, a.name))!r}"
            for a in attrs.fields(Violation)
            if a.init
        ]
        return f"Violation({', '.join(fields)})"

    def text(self, locale: str = "en") -> str:
        """The message in ``locale`` (one of :data:`collagenplan.messages.LOCALES`).

        Rendered from ``key`` and ``params``; a violation without a key returns
        its ``message`` as written.

        Raises:
            InputError: ``locale`` is not a shipped locale.
        """
        if self.key is None:
            translation(locale)  # an unknown locale is an error either way
            return self.message
        return render(self.key, self.params, locale)

    def __str__(self) -> str:
        where = f"session {self.session}: " if self.session is not None else ""
        return f"{self.severity} [{self.code}] {where}{self.message}"


def nested(
    name: str,
    parts: Sequence[Message | str],
    kind: Literal["message", "sentences", "sentence"] = "message",
) -> list[Param]:
    """The parameters of a ``message`` (or ``sentences``) parameter ``name`` made of
    ``parts``: each a :class:`Message`, or text kept as written."""
    parts = parts or [""]
    messages = [
        p if isinstance(p, Message) else Message("as-written", [Param("text", p)]) for p in parts
    ]
    if len(messages) == 1:
        only = messages[0]
        out = [Param(name, only.key, kind)]
        return out + [Param(f"{name}.{p.name}", p.value, p.kind) for p in only.params]
    out = [Param(name, tuple(m.key for m in messages), kind)]
    for i, m in enumerate(messages):
        out += [Param(f"{name}.{i}.{p.name}", p.value, p.kind) for p in m.params]
    return out


class _Said(typing.Protocol):
    @property
    def message(self) -> str: ...
    @property
    def messages(self) -> tuple[Message, ...]: ...
    @property
    def note(self) -> str | None: ...


def reason_parts(reasons: Iterable[_Said]) -> list[Message | str]:
    """The sentences of screening reasons as message parts: each reason's messages and
    note when it keeps them as data, else its message as written."""
    out: list[Message | str] = []
    for reason in reasons:
        if not reason.messages:
            out.append(reason.message)
            continue
        out += reason.messages
        if reason.note:
            out.append(reason.note)
    return out


def day_param(name: str, day: dt.date | None) -> Param:
    """A ``date`` parameter (``None``, which no message should meet, as the text "None")."""
    return Param(name, day.isoformat(), "date") if day is not None else Param(name, "None")


def window_params(name: str, window: Window) -> list[Param]:
    """A ``message`` parameter: ``window`` as its three dates (``str(window)`` in English)."""
    dates = [day_param("earliest", window.earliest), day_param("target", window.target)]
    if window.latest is None:
        return nested(name, [Message("window.open", dates)])
    return nested(name, [Message("window", [*dates, day_param("latest", window.latest)])])


_PLACEHOLDERS: dict[str, frozenset[str]] = {}


def _placeholders(key: str) -> frozenset[str]:
    found = _PLACEHOLDERS.get(key)
    if found is None:
        found = _PLACEHOLDERS[key] = frozenset(placeholders(MESSAGES[key]))
    return found


def _missing(key: str, params: Sequence[Param], prefix: str = "") -> list[str]:
    """The placeholders of ``key`` (and of the messages its parts name) no parameter fills,
    as parameter names (``reason.note``)."""
    size = len(prefix)
    mine = {
        p.name[size:]: p
        for p in params
        if "." not in p.name[size:] and (not size or p.name.startswith(prefix))
    }
    wanted = _placeholders(key)
    out = [] if wanted.issubset(mine) else sorted(prefix + n for n in wanted - set(mine))
    for name, p in mine.items():
        if p.kind not in PART_KINDS:
            continue
        if isinstance(p.value, str):
            out += _missing(p.value, params, f"{prefix}{name}.")
        else:
            for i, sub in enumerate(p.value):
                out += _missing(sub, params, f"{prefix}{name}.{i}.")
    return out


def _numbered_sessions(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A tuple of PlannedSession numbered 1, 2, ... n in order."""
    is_tuple_of(InputError, PlannedSession, "a PlannedSession")(instance, attribute, value)
    for i, session in enumerate(value):
        if session.number != i + 1:
            raise InputError(
                f"must be {i + 1}: sessions are numbered 1..n in order, got {session.number}",
                path=f"{attribute.name}[{i}].number",
            )


_violations = is_tuple_of(InputError, Violation, "a Violation")
_removed = is_tuple_of(InputError, PlannedSession, "a PlannedSession")


def _plan_id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise InputError(f"must be a string, got {_typename(value)}", path=attribute.name)
    if not value.strip() or value != value.strip():
        raise InputError(
            f"must be non-empty, without leading or trailing spaces, got {value!r}",
            path=attribute.name,
        )
    if any(not c.isprintable() for c in value):
        raise InputError(f"must be printable text, got {value!r}", path=attribute.name)


def _revision(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"must be an integer, got {_typename(value)}", path=attribute.name)
    if value < 0:
        raise InputError(f"must be 0 or more, got {value}", path=attribute.name)


class _Verdict:
    """What a plan and a report share: a verdict on their violations."""

    __slots__ = ()
    violations: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        """True when no violation has severity ``error``."""
        return not any(v.severity == "error" for v in self.violations)

    @property
    def errors(self) -> tuple[Violation, ...]:
        """Violations with severity ``error``."""
        return tuple(v for v in self.violations if v.severity == "error")

    @property
    def warnings(self) -> tuple[Violation, ...]:
        """Violations with severity ``warning``."""
        return tuple(v for v in self.violations if v.severity == "warning")

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of all violations, in order."""
        return tuple(v.code for v in self.violations)


@attrs.frozen(kw_only=True)
class Report(_Verdict):
    """The result of :func:`~collagenplan.validate`."""

    violations: tuple[Violation, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_violations
    )
    """Every problem found, in session order."""
    sessions: tuple[PlannedSession, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_numbered_sessions
    )
    """How the dates were read: each date with its phase and expected window."""


_PROBLEMS_DEPRECATED = (
    "Plan.problems is deprecated and will be removed in a future release; "
    "use Plan.violations (the same tuple)"
)


@attrs.frozen(kw_only=True)
class Plan(_Verdict):
    """A planned calendar for one protocol: sessions and the violations found."""

    protocol_id: str = attrs.field(validator=is_str(InputError))
    """Id of the protocol it was planned from."""
    start: dt.date = attrs.field(validator=is_date(InputError))
    """The requested start date."""
    sessions: tuple[PlannedSession, ...] = attrs.field(
        converter=to_tuple, validator=_numbered_sessions
    )
    """The sessions in date order, numbered 1..n."""
    violations: tuple[Violation, ...] = attrs.field(
        default=(),
        converter=to_tuple,
        validator=_violations,
        # plan/1 documents keep the key "problems", the field's name before
        # the rename, so documents written before and after read alike.
        metadata={KEY: "problems"},
    )
    """Violations found while planning; empty when valid."""
    horizon: dt.date | None = attrs.field(default=None, validator=is_optional(is_date(InputError)))
    """Last date repeating phases were planned up to, if any."""
    requested_sessions: int | None = attrs.field(
        default=None, validator=is_optional(is_positive_int(InputError))
    )
    """The session count of the counted (first non-repeating) phase the plan was
    made for: ``sessions=`` as given, or the phase's default. ``None`` for a plan
    from a protocol with only a repeating phase, or one written before it was
    recorded. :func:`~collagenplan.replan` plans for the same count."""
    unplaced: tuple[UnplacedSession, ...] = attrs.field(
        default=(),
        converter=to_tuple,
        validator=is_tuple_of(InputError, UnplacedSession, "an UnplacedSession"),
    )
    """Sessions the plan should have but could not place on any date (a plan
    that came back short), numbered on from the last placed session."""
    moves: tuple[Move, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(InputError, Move, "a Move")
    )
    """Why each planned session that is not on its target moved: the first rule
    it met on the target date (a closure, an event, a lead-in task...)."""
    plan_id: str | None = attrs.field(default=None, validator=_plan_id)
    """The course of treatment's identity: given by the caller, or derived from the
    client's id and the protocol id (``client-0042/facial-series``); never from a
    date, so a re-plan keeps it. ``None`` for an anonymous plan (no id given, no
    client id). Exports derive every external id from it."""
    revision: int = attrs.field(default=0, validator=_revision)
    """0 for a new plan; each :func:`~collagenplan.replan` adds one."""
    removed: tuple[PlannedSession, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_removed
    )
    """Sessions an earlier revision had and a re-plan dropped, as they last were,
    each with the revision that dropped it; exports cancel them
    (iCalendar ``STATUS:CANCELLED``)."""

    def __attrs_post_init__(self) -> None:
        keys = session_keys(self.sessions)
        seen: dict[str, int] = {}
        for i, key in enumerate(keys):
            if key in seen:
                raise InputError(
                    f"repeats the key {key!r} of sessions[{seen[key]}]; keys identify "
                    "sessions and must be unique within a plan",
                    path=f"sessions[{i}].key",
                )
            seen[key] = i
        for i, gone in enumerate(self.removed):
            if gone.key is None:
                raise InputError("must be set on a removed session", path=f"removed[{i}].key")
            if gone.key in seen:
                where = seen[gone.key]
                other = f"sessions[{where}]" if where >= 0 else "another removed session"
                raise InputError(
                    f"is {gone.key!r}, the key of {other}; every key names one session",
                    path=f"removed[{i}].key",
                )
            seen[gone.key] = -1

    @property
    def problems(self) -> tuple[Violation, ...]:
        """Deprecated alias of :attr:`violations`; emits a ``DeprecationWarning``."""
        warnings.warn(_PROBLEMS_DEPRECATED, DeprecationWarning, stacklevel=2)
        return self.violations

    @property
    def dates(self) -> tuple[dt.date, ...]:
        """The session dates in order."""
        return tuple(s.date for s in self.sessions)
