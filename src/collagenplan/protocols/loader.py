"""Reading protocol files (TOML or JSON) into :class:`Protocol` values."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Literal

from .._fields import Fields, parse_document, read_file
from ..durations import Duration
from ..errors import ProtocolError, UnknownProtocolError
from .model import (
    TIERS,
    Aftercare,
    Contraindication,
    DepthRange,
    Interval,
    LatePolicy,
    Phase,
    Precaution,
    Protocol,
    SessionCount,
    SessionSpec,
    Spacing,
    Washout,
)

__all__ = ["get_protocol", "load_protocol", "parse_protocol", "protocol_from_dict", "protocol_ids"]

_E = ProtocolError
DOCUMENT_SCHEMA = "collagenplan/protocol/1"
"""The ``schema`` value of a protocol written by :func:`collagenplan.to_json`."""
_ZERO = Duration()


def parse_protocol(
    text: str, format: Literal["toml", "json"] = "toml", *, source: str | None = None
) -> Protocol:
    """Parse protocol text (TOML or JSON, same structure) into a :class:`Protocol`.

    Args:
        text: the file's content.
        format: ``"toml"`` or ``"json"``.
        source: a name for error messages (usually the file name).

    Raises:
        ProtocolError: the text is not valid TOML/JSON or breaks a protocol rule;
            the message names the key path (``phases[0].interval.max``).
    """
    return parse_document(text, format, _E, source, protocol_from_dict)


def load_protocol(path: str | Path) -> Protocol:
    """Load a protocol file; the format follows the suffix (``.toml`` or ``.json``).

    Raises:
        ProtocolError: the file is missing, unreadable or invalid; the message
            names the file and the key path.
    """
    text, fmt, source = read_file(path, _E)
    return parse_protocol(text, fmt, source=source)


def protocol_from_dict(data: object) -> Protocol:
    """Build a :class:`Protocol` from the parsed structure of a protocol file."""
    top = Fields(data, "", _E)
    schema = top.raw("schema")
    # A protocol exported by to_json() names its schema as a document kind;
    # it is the same layout, so both spellings load.
    if schema == DOCUMENT_SCHEMA:
        schema = 1
    if isinstance(schema, bool) or schema != 1:
        raise top.fail(
            "schema",
            f"unsupported schema {schema!r}; this version reads schema 1 (or {DOCUMENT_SCHEMA!r})",
        )
    depth = top.table("depth_mm", optional=True)
    late = top.table("late", optional=True)
    phases = top.tables("phases")
    if not top.has("phases"):
        raise top.fail("phases", "is required: add at least one [[phases]] table")
    session = top.required_table("session")
    return top.build(
        Protocol,
        schema=schema,
        id=top.kebab("id"),
        name=top.string("name"),
        areas=top.strings("areas", (), kebab=True),
        notes=top.string("notes", None),
        depth_mm=None if depth is None else _depth(depth),
        phases=tuple(_phase(f) for f in phases),
        session=_session(session),
        late=LatePolicy() if late is None else _late(late),
        washouts=tuple(_washout(f) for f in top.tables("washouts")),
        contraindications=tuple(_contra(f) for f in top.tables("contraindications")),
        precautions=tuple(_precaution(f) for f in top.tables("precautions")),
        aftercare=tuple(_aftercare(f) for f in top.tables("aftercare")),
        spacing=tuple(_spacing(f) for f in top.tables("spacing")),
    )


def _depth(f: Fields) -> DepthRange:
    return f.build(DepthRange, min=f.number("min"), max=f.number("max"))


def _phase(f: Fields) -> Phase:
    interval = f.required_table("interval")
    sessions = f.table("sessions", optional=True)
    kwargs = {}
    if sessions is not None:
        kwargs["sessions"] = sessions.build(
            SessionCount,
            min=sessions.integer("min", minimum=1),
            max=sessions.integer("max", minimum=1),
            default=sessions.integer("default", sessions.data.get("min", 1), minimum=1),
        )
    return f.build(
        Phase,
        name=f.kebab("name"),
        interval=interval.build(
            Interval,
            min=interval.duration("min"),
            target=interval.duration("target"),
            max=interval.duration("max"),
        ),
        grace=f.duration("grace", _ZERO),
        repeat=f.boolean("repeat", False),
        **kwargs,
    )


def _session(f: Fields) -> SessionSpec:
    return f.build(
        SessionSpec,
        chair_minutes=f.integer("chair_minutes", minimum=1),
        downtime=f.duration("downtime"),
        event_buffer=f.duration("event_buffer", None),
        combine_same_day=f.boolean("combine_same_day", False),
    )


def _late(f: Fields) -> LatePolicy:
    return f.build(
        LatePolicy,
        policy=f.choice("policy", ("continue", "restart"), "continue"),
        restart_after=f.duration("restart_after", None),
    )


def _washout(f: Fields) -> Washout:
    return f.build(
        Washout,
        exposure=f.kebab("exposure"),
        before=f.duration("before", _ZERO),
        after=f.duration("after", _ZERO),
        note=f.string("note", None),
    )


def _contra(f: Fields) -> Contraindication:
    return f.build(
        Contraindication,
        condition=f.kebab("condition"),
        tier=f.choice("tier", TIERS),
        note=f.string("note", None),
    )


def _precaution(f: Fields) -> Precaution:
    return f.build(
        Precaution,
        condition=f.kebab("condition"),
        action=f.kebab("action"),
        before=f.duration("before", _ZERO),
        after=f.duration("after", _ZERO),
        note=f.string("note", None),
    )


def _aftercare(f: Fields) -> Aftercare:
    return f.build(
        Aftercare,
        restriction=f.kebab("restriction"),
        duration=f.duration("duration"),
        note=f.string("note", None),
    )


def _spacing(f: Fields) -> Spacing:
    return f.build(
        Spacing,
        procedure=f.kebab("procedure"),
        before=f.duration("before", _ZERO),
        after=f.duration("after", _ZERO),
        note=f.string("note", None),
    )


_CATALOGUE = "catalogue"


def protocol_ids() -> list[str]:
    """The ids of the built-in protocols, sorted."""
    folder = resources.files(__package__).joinpath(_CATALOGUE)
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    )


@functools.cache
def get_protocol(protocol_id: str) -> Protocol:
    """A built-in protocol by id (see :func:`protocol_ids`).

    Raises:
        UnknownProtocolError: no built-in protocol has that id.
    """
    known = protocol_ids()
    if protocol_id not in known:
        raise UnknownProtocolError(protocol_id, known)
    entry = resources.files(__package__).joinpath(_CATALOGUE, f"{protocol_id}.toml")
    protocol = parse_protocol(entry.read_text(encoding="utf-8"), "toml", source=entry.name)
    if protocol.id != protocol_id:
        raise ProtocolError(f"declares id {protocol.id!r}", path="id", source=entry.name)
    return protocol
