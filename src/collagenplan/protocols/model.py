"""The protocol model: what a treatment programme says, as frozen values.

A :class:`Protocol` is built from a protocol file by
:mod:`collagenplan.protocols.loader`, or directly in Python. Every class
validates itself at construction and raises
:class:`~collagenplan.errors.ProtocolError` naming the field, so a protocol
that exists is a protocol that makes sense.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

from .._checks import (
    MAX_MINUTES,
    Validator,
    is_bool,
    is_duration,
    is_kebab,
    is_optional,
    is_positive_int,
    is_str,
    is_tuple_of,
    one_of,
)
from .._fields import KEBAB, to_tuple
from .._reader import HINT
from ..durations import Duration
from ..errors import ProtocolError

__all__ = [
    "SCHEMA_VERSION",
    "Aftercare",
    "Contraindication",
    "DepthRange",
    "Interval",
    "LatePolicy",
    "Phase",
    "Precaution",
    "Protocol",
    "SessionCount",
    "SessionSpec",
    "Spacing",
    "Tier",
    "Washout",
]

SCHEMA_VERSION = 1
"""The protocol file schema this version of collagenplan reads and writes."""

Tier = Literal["absolute", "relative", "temporary"]
TIERS: tuple[Tier, ...] = ("absolute", "relative", "temporary")
E = ProtocolError
_ZERO = Duration()
_note = is_optional(is_str(E, empty=True))
_label = is_optional(is_str(E))


def _fail(problem: str, path: str) -> ProtocolError:
    return ProtocolError(problem, path=path)


@attrs.frozen(kw_only=True)
class DepthRange:
    """Needle depth range in millimetres, for the record (not used in planning)."""

    min: float
    """Shallowest depth, mm."""
    max: float
    """Deepest depth, mm."""

    def __attrs_post_init__(self) -> None:
        for name in ("min", "max"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise _fail(f"must be a number of millimetres, got {value!r}", name)
            if not 0 < value <= 10:
                raise _fail(f"must be between 0 and 10 mm, got {value}", name)
        if self.min > self.max:
            raise _fail(f"must be >= min (got {self.max} < {self.min})", "max")


MAX_PHASE_SESSIONS = 1000
"""Most sessions one phase may count: years of weekly sessions. More is a typo, and
planning would build every one of them."""
_count = is_positive_int(E, maximum=MAX_PHASE_SESSIONS)


@attrs.frozen(kw_only=True)
class SessionCount:
    """How many sessions a phase has: a range and the default when none is asked for."""

    min: int = attrs.field(default=1, validator=_count)
    """Fewest sessions that complete the phase."""
    max: int = attrs.field(default=1, validator=_count)
    """Most sessions the phase may have (at most :data:`MAX_PHASE_SESSIONS`)."""
    default: int = attrs.field(validator=_count)
    """Sessions planned when the caller does not choose; defaults to ``min``."""

    @default.default
    def _default_is_min(self) -> int:
        return self.min

    def __attrs_post_init__(self) -> None:
        if self.min > self.max:
            raise _fail(f"must be >= min (got {self.max} < {self.min})", "max")
        if not self.min <= self.default <= self.max:
            raise _fail(
                f"must lie within min..max ({self.min}..{self.max}), got {self.default}",
                "default",
            )


@attrs.frozen(kw_only=True)
class Interval:
    """Gap from the previous session: the shortest, the ideal and the longest."""

    min: Duration = attrs.field(validator=is_duration(E))
    """Shortest acceptable gap (less is ``interval-too-short``, within grace a warning)."""
    target: Duration = attrs.field(validator=is_duration(E))
    """The gap the planner aims for."""
    max: Duration = attrs.field(validator=is_duration(E))
    """Longest acceptable gap (more is ``interval-too-long``)."""

    def __attrs_post_init__(self) -> None:
        if not self.min:
            raise _fail("must be longer than zero (sessions need a gap)", "min")
        if not self.min.always_le(self.target):
            raise _fail(
                f"must be >= min for every start date (got {self.target} < {self.min})",
                "target",
            )
        if not self.target.always_le(self.max):
            raise _fail(
                f"must be >= target for every start date (got {self.max} < {self.target})",
                "max",
            )


@attrs.frozen(kw_only=True)
class Phase:
    """A run of sessions sharing one interval rule (a series, a touch-up...)."""

    name: str = attrs.field(validator=is_kebab(E))
    """Phase name, kebab-case (``series``, ``touch-up``)."""
    interval: Interval = attrs.field()
    """Gap from the previous session; for a phase's first session, from the last
    session of the phase before."""
    sessions: SessionCount = attrs.field(factory=SessionCount)
    """Session count range; a repeating phase always has exactly one per repeat."""
    grace: Duration = attrs.field(default=_ZERO, validator=is_duration(E))
    """How much earlier than ``interval.min`` is accepted with a warning."""
    repeat: bool = attrs.field(default=False, validator=is_bool(E))
    """Recur until the plan's horizon (only the last phase may)."""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.interval, Interval):
            raise _fail("must be an Interval", "interval")
        if not isinstance(self.sessions, SessionCount):
            raise _fail("must be a SessionCount", "sessions")
        if self.repeat and self.sessions != SessionCount():
            raise _fail(
                "a repeating phase recurs one session at a time until the horizon; "
                "remove 'sessions'",
                "sessions",
            )
        if not self.grace.always_le(self.interval.min) or self.grace == self.interval.min:
            raise _fail(f"must be shorter than interval.min (got {self.grace})", "grace")


@attrs.frozen(kw_only=True)
class SessionSpec:
    """What one session takes: chair time, downtime, buffers."""

    chair_minutes: int | None = attrs.field(
        default=None,
        validator=is_optional(is_positive_int(E, maximum=MAX_MINUTES, why=" (a day)")),
    )
    """Minutes of chair time, from numbing to room turnover; ``None`` when the
    protocol does not say (planning does not need it; capacity refuses it)."""
    downtime: Duration = attrs.field(validator=is_duration(E))
    """Visible redness / social downtime after a session."""
    event_buffer: Duration | None = attrs.field(
        default=None, validator=is_optional(is_duration(E))
    )
    """Extra clear time kept before a client's event; ``None`` means equal to downtime."""
    combine_same_day: bool = attrs.field(default=False, validator=is_bool(E))
    """Whether this treatment may share a day with another plan's session."""

    @property
    def effective_event_buffer(self) -> Duration:
        """The event buffer, defaulting to the downtime."""
        return self.event_buffer if self.event_buffer is not None else self.downtime


@attrs.frozen(kw_only=True)
class LatePolicy:
    """What a gap longer than ``interval.max`` does to the series."""

    policy: Literal["continue", "restart"] = attrs.field(
        default="continue", validator=one_of(E, ("continue", "restart"))
    )
    """``continue``: the series carries on and the late session is flagged;
    ``restart``: a gap longer than ``restart_after`` starts the series again."""
    restart_after: Duration | None = attrs.field(
        default=None, validator=is_optional(is_duration(E))
    )
    """With ``restart``: the gap beyond which the series starts again."""

    def __attrs_post_init__(self) -> None:
        if self.policy == "restart" and self.restart_after is None:
            raise _fail("is required when policy is 'restart'", "restart_after")
        if self.policy == "continue" and self.restart_after is not None:
            raise _fail("only applies when policy is 'restart'", "restart_after")


@attrs.frozen(kw_only=True)
class Washout:
    """An exposure to keep away from every session."""

    exposure: str = attrs.field(validator=is_kebab(E))
    """What the client takes or does (``topical-retinoid``, ``isotretinoin``)."""
    before: Duration = attrs.field(default=_ZERO, validator=is_duration(E))
    """Stop at least this long before a session."""
    after: Duration = attrs.field(default=_ZERO, validator=is_duration(E))
    """Resume no sooner than this long after a session."""
    note: str | None = attrs.field(default=None, validator=_note)
    """A short reason shown to staff."""
    label: str | None = attrs.field(default=None, validator=_label)
    """What clients and staff read instead of the id (``"Topical retinoid"``);
    ``None`` shows the id."""

    @property
    def shown(self) -> str:
        """The label, else the exposure id: the name client-facing text uses."""
        return self.label or self.exposure


@attrs.frozen(kw_only=True)
class Contraindication:
    """A condition that stops or defers treatment."""

    condition: str = attrs.field(validator=is_kebab(E))
    """Condition name, kebab-case (``pregnancy``, ``keloid-tendency``)."""
    tier: Tier = attrs.field(validator=one_of(E, TIERS))
    """``absolute`` (no treatment), ``relative`` (clinician review),
    ``temporary`` (defer until resolved)."""
    note: str | None = attrs.field(default=None, validator=_note)
    """A short reason shown to staff."""


@attrs.frozen(kw_only=True)
class Precaution:
    """A condition that allows treatment with an extra action around each session."""

    condition: str = attrs.field(validator=is_kebab(E))
    """Condition name (``cold-sore-history``)."""
    action: str = attrs.field(validator=is_kebab(E))
    """What to do (``antiviral-prophylaxis``)."""
    before: Duration = attrs.field(default=_ZERO, validator=is_duration(E))
    """Start this long before a session."""
    after: Duration = attrs.field(default=_ZERO, validator=is_duration(E))
    """Continue this long after."""
    note: str | None = attrs.field(default=None, validator=_note)
    """A short reason shown to staff."""


@attrs.frozen(kw_only=True)
class Aftercare:
    """A restriction the client follows after each session."""

    restriction: str = attrs.field(validator=is_kebab(E))
    """What to avoid or do (``no-makeup``, ``spf-daily``)."""
    duration: Duration = attrs.field(validator=is_duration(E))
    """How long after the session it lasts."""
    note: str | None = attrs.field(default=None, validator=_note)
    """A short instruction shown to the client."""
    label: str | None = attrs.field(default=None, validator=_label)
    """What clients read instead of the id (``"No make-up"``); ``None`` shows the id."""

    @property
    def shown(self) -> str:
        """The label, else the restriction id: the name client-facing text uses."""
        return self.label or self.restriction


@attrs.frozen(kw_only=True)
class Spacing:
    """Minimum distance between a session and another procedure."""

    procedure: str = attrs.field(validator=is_kebab(E))
    """The other procedure (``neurotoxin``, ``dermal-filler``, ``chemical-peel``)."""
    before: Duration = attrs.field(default=_ZERO, validator=is_duration(E))
    """A procedure must be at least this long before a later session."""
    after: Duration = attrs.field(default=_ZERO, validator=is_duration(E))
    """A procedure must be at least this long after an earlier session."""
    note: str | None = attrs.field(default=None, validator=_note)
    """A short reason shown to staff."""


NO_SESSION = SessionSpec(downtime=_ZERO)
"""The session facts of a protocol file without ``[session]``: no chair time
(planning does not need it; capacity refuses it) and no downtime."""


def _unique(attribute_name: str, key: str) -> Validator:
    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        seen: dict[object, int] = {}
        for i, item in enumerate(value):
            name = getattr(item, key)
            if name in seen:
                raise _fail(
                    f"repeats {key} {name!r} (already at {attribute_name}[{seen[name]}])",
                    f"{attribute_name}[{i}].{key}",
                )
            seen[name] = i

    return validate


def _rules(kind: type, name: str, key: str) -> Any:
    return attrs.field(
        factory=tuple,
        converter=to_tuple,
        validator=[is_tuple_of(E, kind, kind.__name__), _unique(name, key)],
    )


@attrs.frozen(kw_only=True)
class Protocol:
    """A treatment programme: phases, session facts and the rules around them."""

    id: str = attrs.field(validator=is_kebab(E))
    """Stable identifier, kebab-case (``facial-series``)."""
    name: str = attrs.field(validator=is_str(E))
    """Human-readable name."""
    phases: tuple[Phase, ...] = attrs.field(
        converter=to_tuple,
        validator=is_tuple_of(E, Phase, "Phase"),
        metadata={HINT: "add at least one [[phases]] table"},
    )
    """The phases in order; only the last may repeat."""
    session: SessionSpec = attrs.field(factory=lambda: NO_SESSION)
    """Chair time, downtime and buffers of one session; without ``[session]``,
    :data:`NO_SESSION` (no chair time, no downtime)."""
    schema: int = attrs.field(default=SCHEMA_VERSION)
    """The protocol file schema version."""
    areas: tuple[str, ...] = attrs.field(
        factory=tuple, converter=to_tuple, validator=is_tuple_of(E, str, "an area name")
    )
    """Body areas treated (``face``, ``neck``)."""
    depth_mm: DepthRange | None = attrs.field(default=None)
    """Needle depth range, for the record."""
    notes: str | None = attrs.field(default=None, validator=_note)
    """Free text for staff."""
    late: LatePolicy = attrs.field(factory=LatePolicy)
    """What a gap beyond ``interval.max`` does."""
    washouts: tuple[Washout, ...] = _rules(Washout, "washouts", "exposure")
    """Exposures to keep away from every session."""
    contraindications: tuple[Contraindication, ...] = _rules(
        Contraindication, "contraindications", "condition"
    )
    """Conditions that stop, defer or need review."""
    precautions: tuple[Precaution, ...] = _rules(Precaution, "precautions", "condition")
    """Conditions that add an action around each session."""
    aftercare: tuple[Aftercare, ...] = _rules(Aftercare, "aftercare", "restriction")
    """Restrictions after each session."""
    spacing: tuple[Spacing, ...] = _rules(Spacing, "spacing", "procedure")
    """Minimum distance from other procedures."""

    def __attrs_post_init__(self) -> None:
        if self.schema != SCHEMA_VERSION or isinstance(self.schema, bool):
            raise _fail(
                f"unsupported schema {self.schema!r}; this version reads schema {SCHEMA_VERSION}",
                "schema",
            )
        if not self.phases:
            raise _fail("must have at least one phase", "phases")
        names: dict[str, int] = {}
        for i, phase in enumerate(self.phases):
            if phase.name in names:
                raise _fail(
                    f"repeats phase name {phase.name!r} (already phases[{names[phase.name]}])",
                    f"phases[{i}].name",
                )
            names[phase.name] = i
            if phase.repeat and i != len(self.phases) - 1:
                raise _fail(
                    "only the last phase may repeat (a repeating phase never ends)",
                    f"phases[{i}].repeat",
                )
        for i, area in enumerate(self.areas):
            if not KEBAB.fullmatch(area):
                raise _fail(f"must be kebab-case, got {area!r}", f"areas[{i}]")
        if not isinstance(self.session, SessionSpec):
            raise _fail("must be a SessionSpec", "session")
        if self.depth_mm is not None and not isinstance(self.depth_mm, DepthRange):
            raise _fail("must be a DepthRange", "depth_mm")
        if not isinstance(self.late, LatePolicy):
            raise _fail("must be a LatePolicy", "late")

    @property
    def repeating(self) -> Phase | None:
        """The repeating last phase, if there is one."""
        return self.phases[-1] if self.phases[-1].repeat else None

    @property
    def counted_phase_index(self) -> int | None:
        """Index of the first non-repeating phase, the one ``sessions=`` sets."""
        for i, phase in enumerate(self.phases):
            if not phase.repeat:
                return i
        return None

    def washout(self, exposure: str) -> Washout | None:
        """The washout rule for ``exposure``, if the protocol has one."""
        return next((w for w in self.washouts if w.exposure == exposure), None)

    def contraindication(self, condition: str) -> Contraindication | None:
        """The contraindication rule for ``condition``, if any."""
        return next((c for c in self.contraindications if c.condition == condition), None)
