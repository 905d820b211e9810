"""JSON documents: a versioned, lossless text form of plans, reports, protocols, screenings,
clients, clinics and visits, with a published JSON Schema for each kind.

Every document is one JSON object whose ``"schema"`` key names what it holds
and the version of its layout, ``"collagenplan/<kind>/<version>"``::

    {"schema": "collagenplan/plan/1", "ok": true, "protocol_id": "facial-series", ...}

The other keys are the fields of the class, in the order the class declares
them, written generically over ``attrs`` classes and read back by the same
strict reader as the file formats (:mod:`collagenplan._reader`), so a new
class needs one :func:`register` line. Value rules:

* ``datetime.date``: ``"YYYY-MM-DD"``.
* ``datetime.datetime``: an RFC 3339 instant with its UTC offset,
  ``"2027-03-29T10:00:00+01:00"``, which every JSON consumer can parse, and
  the IANA zone name in a key of its own next to it (a session's ``start``
  has ``"time_zone": "Europe/London"``, ``null`` for a fixed offset), so the
  name survives the round trip (an offset alone cannot say which DST rules
  apply to the next appointment). The RFC 9557 form with the zone in
  brackets, ``"2027-03-29T10:00:00+01:00[Europe/London]"``, which documents
  held before, is still read.
* :class:`~collagenplan.Duration`: its canonical text (``"4w"``, ``"1m15d"``).
* tuples: arrays; ``None``: ``null``. Every key is written; on reading, keys
  whose field has a default may be left out.

Reading is strict: unknown keys, wrong JSON types (``"3"`` for ``3``) and
values the classes reject raise :class:`~collagenplan.SchemaError` naming the
key path (``sessions[2].window.latest``).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
import sys
import types
import typing
import zoneinfo
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar, overload

import attrs

from ._fields import _typename, load_json
from ._reader import KEY, READ, WRITE, Hook, Reader, fields_of, hints_of
from .clients import Client
from .clinics import Clinic
from .durations import Duration
from .errors import SchemaError
from .protocols.formatting import protocol_to_dict
from .protocols.model import Protocol
from .results import Plan, Report
from .screening import Screening
from .sessions import PlannedSession, Visit

__all__ = [
    "SCHEMA_DIALECT",
    "from_json",
    "json_schema",
    "read_body",
    "register",
    "schema_for",
    "schemas",
    "to_json",
    "to_jsonable",
    "to_plain",
]

T = TypeVar("T")


@attrs.frozen
class _Kind:
    """One registered document kind."""

    schema: str
    cls: type
    derived: tuple[str, ...] = ()
    """Read-only properties written for convenience and checked on reading."""
    omit: tuple[str, ...] = ()
    """Fields not written (implied by the schema version)."""
    dump: Callable[[Any], dict[str, Any]] | None = None
    """Writes the document body instead of the generic converter."""
    load: Callable[[dict[str, Any]], Any] | None = None
    """Reads the document body instead of the generic converter."""
    layout: type | None = None
    """The ``attrs`` class whose fields the body has, when not ``cls``'s own
    (for the JSON Schema; ``dump`` and ``load`` convert)."""


_BY_NAME: dict[str, _Kind] = {}
_BY_CLASS: dict[type, _Kind] = {}

_PROVIDERS = ("collagenplan.living", "collagenplan.together")
"""Modules above this one that register a document kind of their own (they
import this module, so it cannot import them). They load on first use, like
every public module; a lookup by schema name loads them first, so a document
reads in a process that has not touched its module yet."""


def _kinds() -> dict[str, _Kind]:
    """:data:`_BY_NAME`, with every provider's kinds registered."""
    for module in _PROVIDERS:
        if module not in sys.modules:
            importlib.import_module(module)
    return _BY_NAME


_SCHEMA = re.compile(r"collagenplan/[a-z][a-z0-9-]*/[1-9][0-9]*")


def register(
    schema: str,
    cls: type,
    *,
    derived: tuple[str, ...] = (),
    omit: tuple[str, ...] = (),
    dump: Callable[[Any], dict[str, Any]] | None = None,
    load: Callable[[dict[str, Any]], Any] | None = None,
    layout: type | None = None,
) -> None:
    """Make ``cls`` (an ``attrs`` class) readable and writable as ``schema``.

    Args:
        schema: ``"collagenplan/<kind>/<version>"``; bump the version when the
            layout changes incompatibly.
        cls: the class; its fields are the document's keys.
        derived: names of read-only properties (``ok``) to write after the
            schema key; on reading they are optional and must agree.
        omit: fields left out of the document because the schema version
            implies them (they must have defaults).
        dump: writes the document body, instead of the generic converter.
        load: reads the document body back, instead of the generic converter.
        layout: an ``attrs`` class whose fields are the document's keys when
            ``cls``'s own fields cannot be (a tuple of pairs, say); the JSON
            Schema describes it. Give ``dump`` and ``load`` with it: they
            convert between ``cls`` and the layout (:func:`to_plain` and
            :func:`read_body` do the rest).

    Raises:
        SchemaError: a malformed name, a class that is not ``attrs``, a
            layout without ``dump`` and ``load``, or a name or class
            registered twice.
    """
    if not _SCHEMA.fullmatch(schema):
        raise SchemaError(f"schema name must look like 'collagenplan/<kind>/<n>', got {schema!r}")
    if not attrs.has(cls):
        raise SchemaError(f"{cls.__name__} is not an attrs class")
    known = _BY_NAME.get(schema)
    if known is not None and known.cls is not cls:
        raise SchemaError(f"schema {schema!r} is already registered for {known.cls.__name__}")
    if cls in _BY_CLASS and _BY_CLASS[cls].schema != schema:
        raise SchemaError(f"{cls.__name__} is already registered as {_BY_CLASS[cls].schema!r}")
    if layout is not None and (not attrs.has(layout) or dump is None or load is None):
        raise SchemaError(f"the layout of {schema!r} must be an attrs class, with dump and load")
    kind = _Kind(schema, cls, derived, omit, dump, load, layout)
    _BY_NAME[schema] = kind
    _BY_CLASS[cls] = kind


def _protocol_body(protocol: Protocol) -> dict[str, Any]:
    return {k: v for k, v in protocol_to_dict(protocol).items() if k != "schema"}


register("collagenplan/plan/1", Plan, derived=("ok",))
# issue 12 (U11): the records a plan is made from, as documents too. A client
# or clinic document holds what its file holds (the file's own schema number
# is the 1 in the name).
register("collagenplan/client/1", Client)
register("collagenplan/clinic/1", Clinic, omit=("schema",))
register("collagenplan/visit/1", Visit)
register("collagenplan/report/1", Report, derived=("ok",))
register("collagenplan/screening/1", Screening)
# A protocol document is exactly a protocol file in JSON, its schema named as a
# document kind instead of the file's schema number: what to_json writes,
# load_protocol reads, and the other way round.
register(
    "collagenplan/protocol/1",
    Protocol,
    omit=("schema",),
    dump=_protocol_body,
)


def schemas() -> dict[str, type]:
    """Every schema name this installation reads and writes, with its class."""
    return {name: kind.cls for name, kind in sorted(_kinds().items())}


def schema_for(cls: type) -> str:
    """The schema name documents of ``cls`` carry.

    Raises:
        SchemaError: ``cls`` has no registered schema.
    """
    kind = _BY_CLASS.get(cls)
    if kind is None:
        names = ", ".join(k.cls.__name__ for k in _kinds().values())
        raise SchemaError(f"no JSON schema for {cls.__name__}; documents hold one of: {names}")
    return kind.schema


# --- values ------------------------------------------------------------------


# issue 12 (U5): a date-time field written as an RFC 3339 instant, with its
# IANA zone name under a key of its own: (class, field name) -> zone key.
ZONE_KEYS: dict[tuple[type, str], str] = {(PlannedSession, "start"): "time_zone"}


def _zone_name(value: dt.datetime) -> str | None:
    """The IANA name of ``value``'s zone, ``None`` for a fixed offset."""
    zone = value.tzinfo
    if zone is None or isinstance(zone, dt.timezone):
        return None
    if isinstance(zone, zoneinfo.ZoneInfo) and zone.key:
        return zone.key
    raise SchemaError(
        f"cannot write the time zone {zone!r} losslessly; use zoneinfo.ZoneInfo "
        "(an IANA name) or datetime.timezone (a fixed offset)"
    )


def _write_datetime(value: dt.datetime) -> str:
    name = _zone_name(value)
    # RFC 9557 section 4: the offset, then the time zone name in brackets.
    return value.isoformat() if name is None else f"{value.isoformat()}[{name}]"


def _write(value: object) -> Any:
    """``value`` as plain JSON data; attrs classes by field, keyed as the reader reads them."""
    if isinstance(value, dt.datetime):
        return _write_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes" if not value.second else "seconds")
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, list | tuple):
        return [_write(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_write(v) for v in value)
    if isinstance(value, Mapping):
        return {k: _write(v) for k, v in value.items()}
    cls = type(value)
    if attrs.has(cls):
        kind = _BY_CLASS.get(cls)
        omit = kind.omit if kind is not None else ()
        out: dict[str, Any] = {}
        for a in attrs.fields(cls):
            if a.name in omit or not a.metadata.get(READ, True):
                continue
            key = a.metadata.get(KEY, str(a.alias))
            item = getattr(value, a.metadata.get(WRITE, a.name))
            zone_key = ZONE_KEYS.get((cls, a.name))
            if zone_key is None:
                out[key] = _write(item)
            elif item is None:
                out[key] = out[zone_key] = None
            else:
                out[zone_key] = _zone_name(item)
                out[key] = item.isoformat()
                out[zone_key] = out.pop(zone_key)  # the zone key after the time
        return out
    return value


def _zoned(cls: type, keys: dict[str, str]) -> Hook:
    """Reads ``cls`` whose date-time keys may have a zone key next to them."""

    def read(value: object, reader: Reader) -> Any:
        table = dict(reader.mapping(value))
        for key, zone_key in keys.items():
            if zone_key not in table:
                continue
            zone = table.pop(zone_key)
            moment = table.get(key)
            if zone is None:
                continue
            if not isinstance(zone, str):
                raise reader.fail(
                    f"must be an IANA time zone name or null, got {_typename(zone)}", zone_key
                )
            if moment is None:
                raise reader.fail(f"is {zone!r} but {key!r} has no date-time", zone_key)
            if isinstance(moment, str) and moment.endswith("]"):
                if not moment.endswith(f"[{zone}]"):
                    raise reader.fail(f"is {zone!r} but {key!r} names another zone", zone_key)
                continue
            if isinstance(moment, str):
                table[key] = f"{moment}[{zone}]"
        return reader.build(cls, table)

    return read


def _zone_hooks() -> dict[object, Hook]:
    by_class: dict[type, dict[str, str]] = {}
    for (cls, name), zone_key in ZONE_KEYS.items():
        field = attrs.fields_dict(cls)[name]
        by_class.setdefault(cls, {})[field.metadata.get(KEY, str(field.alias))] = zone_key
    return {cls: _zoned(cls, keys) for cls, keys in by_class.items()}


_READER = Reader(SchemaError, table="an object", hooks=_zone_hooks())


# --- public ------------------------------------------------------------------


def to_jsonable(obj: object) -> dict[str, Any]:
    """The document for ``obj`` as plain Python data (dicts, lists, strings...).

    Raises:
        SchemaError: ``obj`` is not of a registered kind, or holds a value
            that cannot be written losslessly (a time zone that is neither
            ``zoneinfo.ZoneInfo`` nor a fixed offset).
    """
    schema = schema_for(type(obj))
    kind = _BY_NAME[schema]
    body = kind.dump(obj) if kind.dump is not None else _write(obj)
    doc: dict[str, Any] = {"schema": schema}
    for name in kind.derived:
        doc[name] = getattr(obj, name)
    doc.update(body)
    return doc


def read_body(cls: type[T], body: Mapping[str, Any]) -> T:
    """Read ``body`` (a document without its ``schema`` key, or part of one) into
    ``cls`` with the documents' strict reader: for ``load`` hooks of :func:`register`.

    Raises:
        SchemaError: a value breaks the schema; the message names the key path.
    """
    return _READER.build(cls, body)


def to_plain(value: object) -> Any:
    """Any library value (attrs classes, dates, durations, containers) as plain
    JSON-ready data, with the same conventions as the documents but no schema."""
    return _write(value)


def to_json(obj: object, *, indent: int | None = 2) -> str:
    """Write a :class:`~collagenplan.Plan`, :class:`~collagenplan.Report`,
    :class:`~collagenplan.Protocol`, :class:`~collagenplan.Screening`,
    :class:`~collagenplan.Client`, :class:`~collagenplan.Clinic`,
    :class:`~collagenplan.Visit`, :class:`~collagenplan.NextDue` or
    :class:`~collagenplan.CombinedReport` as JSON text.

    ``from_json(to_json(x)) == x`` for every value the library can produce.

    Args:
        obj: the value to write.
        indent: spaces per level, or ``None`` for one line.

    Raises:
        SchemaError: see :func:`to_jsonable`.
    """
    return json.dumps(to_jsonable(obj), indent=indent, ensure_ascii=False)


@overload
def from_json(text: str | bytes | Mapping[str, Any], expect: type[T]) -> T: ...
@overload
def from_json(text: str | bytes | Mapping[str, Any], expect: None = None) -> object: ...
def from_json(text: str | bytes | Mapping[str, Any], expect: type[T] | None = None) -> object:
    """Read a document written by :func:`to_json` back into its value.

    Args:
        text: JSON text (or bytes, or an already parsed ``dict``).
        expect: the class the caller wants (``cp.Plan``); a document of
            another kind is an error. ``None`` accepts any registered kind.

    Raises:
        SchemaError: not JSON (or a key twice in one object, or nesting deeper
            than 32 levels), no or an unknown ``"schema"``, the wrong kind, or
            a value that breaks the schema; the message names the key path.
    """
    data = load_json(text, SchemaError) if isinstance(text, str | bytes) else text
    if not isinstance(data, Mapping):
        raise SchemaError(f"must be a JSON object, got {_typename(data)}")
    schema = data.get("schema")
    if not isinstance(schema, str):
        raise SchemaError(
            f"must name its schema, such as 'collagenplan/plan/1', got {_typename(schema)}"
            if schema is not None
            else "is required (a collagenplan document names its schema)",
            path="schema",
        )
    kind = _kinds().get(schema)
    if kind is None:
        known = ", ".join(sorted(_BY_NAME))
        raise SchemaError(f"unknown schema {schema!r}; this version reads {known}", path="schema")
    if expect is not None and kind.cls is not expect:
        raise SchemaError(
            f"holds a {kind.cls.__name__} ({schema}), expected a {expect.__name__}",
            path="schema",
        )
    body = {k: v for k, v in data.items() if k != "schema" and k not in kind.derived}
    value: object = kind.load(body) if kind.load is not None else _READER.build(kind.cls, body)
    for name in kind.derived:
        if name in data and data[name] != getattr(value, name):
            raise SchemaError(
                f"is {json.dumps(data[name])} but the document's contents make it "
                f"{json.dumps(getattr(value, name))}",
                path=name,
            )
    return value


# --- JSON Schema ----------------------------------------------------------------

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect of :func:`json_schema` (draft 2020-12)."""
_SCHEMA_BASE = "https://collagenplan.invalid/schemas/"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DURATION = (
    r"^\s*(?:[0-9]+y)?(?:[0-9]+m)?(?:[0-9]+w)?(?:[0-9]+d)?(?:[0-9]+h)?\s*$"
    r"|^\s*[Pp](?:[0-9]+[Yy])?(?:[0-9]+[Mm])?(?:[0-9]+[Ww])?(?:[0-9]+[Dd])?"
    r"(?:[Tt](?:[0-9]+[Hh])?)?\s*$"
)
# RFC 3339 with an offset, and optionally the RFC 9557 zone suffix older documents have.
_DATETIME = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})(?:\[[^\[\]]+\])?$"
)
_PLAIN: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    dt.date: {"type": "string", "pattern": _DATE, "description": "a date, YYYY-MM-DD"},
    dt.datetime: {
        "type": "string",
        "pattern": _DATETIME,
        "description": "an RFC 3339 date-time with its UTC offset",
    },
    dt.time: {"type": "string", "pattern": r"^[0-9]{2}:[0-9]{2}(?::[0-9]{2})?$"},
    Duration: {
        "type": "string",
        "pattern": _DURATION,
        "description": "a duration such as '4w', '6m', '48h' or ISO 8601 'P4W'",
    },
}


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        options = [t for t in typing.get_args(tp) if t is not type(None)]
        inner = [_type_schema(t, defs) for t in options]
        return {"anyOf": [*inner, {"type": "null"}]}
    if origin is Literal:
        return {"enum": list(typing.get_args(tp))}
    if origin is tuple:
        return {"type": "array", "items": _type_schema(typing.get_args(tp)[0], defs)}
    plain = _PLAIN.get(tp)
    if plain is not None:
        return dict(plain)
    if attrs.has(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            defs[name] = _class_schema(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    raise SchemaError(f"no JSON Schema for values of type {tp!r}")


def _class_schema(cls: type, defs: dict[str, Any], omit: tuple[str, ...] = ()) -> dict[str, Any]:
    hints = hints_of(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    zones = {
        key: ZONE_KEYS[(cls, field.name)]
        for key, field in fields_of(cls).items()
        if (cls, field.name) in ZONE_KEYS
    }
    for key, field in fields_of(cls).items():
        if field.name in omit:
            continue
        properties[key] = _type_schema(hints[field.name], defs)
        if field.default is attrs.NOTHING:
            required.append(key)
        if key in zones:
            properties[zones[key]] = {
                "type": ["string", "null"],
                "description": f"the IANA time zone of {key!r}, null for a fixed offset",
            }
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if cls.__doc__:
        out["description"] = " ".join(cls.__doc__.strip().split("\n\n")[0].split())
    if required:
        out["required"] = required
    out["additionalProperties"] = False
    return out


def json_schema(schema: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of documents named ``schema``.

    Derived from the same ``attrs`` fields the reader reads, so it cannot
    drift from what :func:`from_json` accepts; the package ships each one as
    ``collagenplan/schemas/<kind>-<version>.schema.json`` for other languages.

    Raises:
        SchemaError: ``schema`` is not a registered document kind.
    """
    kind = _kinds().get(schema)
    if kind is None:
        known = ", ".join(sorted(_BY_NAME))
        raise SchemaError(f"unknown schema {schema!r}; this version writes {known}")
    defs: dict[str, Any] = {}
    body = _class_schema(kind.layout or kind.cls, defs, omit=kind.omit)
    properties = {"schema": {"const": schema}}
    for name in kind.derived:
        properties[name] = {"type": "boolean", "description": "derived; checked on reading"}
    properties.update(body["properties"])
    kind_name = schema.split("/")[1]
    out: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "$id": f"{_SCHEMA_BASE}{kind_name}-{schema.rsplit('/', 1)[1]}.schema.json",
        "title": f"{schema}: a collagenplan {kind.cls.__name__} document",
        "type": "object",
        "properties": properties,
        "required": ["schema", *body.get("required", [])],
        "additionalProperties": False,
    }
    if defs:
        out["$defs"] = dict(sorted(defs.items()))
    return out
