"""JSON documents: a versioned, lossless text form of plans, reports, protocols and screenings.

Every document is one JSON object whose ``"schema"`` key names what it holds
and the version of its layout, ``"collagenplan/<kind>/<version>"``::

    {"schema": "collagenplan/plan/1", "ok": true, "protocol_id": "facial-series", ...}

The other keys are the fields of the class, in the order the class declares
them, written by a :mod:`cattrs` converter that is generic over ``attrs``
classes, so a new class needs one :func:`register` line. Value rules:

* ``datetime.date``: ``"YYYY-MM-DD"``.
* ``datetime.datetime``: ISO 8601 with the UTC offset; a :class:`zoneinfo.ZoneInfo`
  zone is kept as an RFC 9557 suffix, ``"2027-03-29T10:00:00+01:00[Europe/London]"``,
  so the IANA name survives the round trip (an offset alone cannot say which
  DST rules apply to the next appointment).
* :class:`~collagenplan.Duration`: its canonical text (``"4w"``, ``"1m15d"``).
* tuples: arrays; ``None``: ``null``. Every key is written; on reading, keys
  whose field has a default may be left out.

Reading is strict: unknown keys, wrong JSON types (``"3"`` for ``3``) and
values the classes reject raise :class:`~collagenplan.SchemaError` naming the
key path (``sessions[2].window.latest``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import typing
import zoneinfo
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, overload

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ForbiddenExtraKeysError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from .._fields import _typename, join
from ..durations import Duration
from ..errors import InputError, ProtocolError, SchemaError
from ..protocols.formatting import protocol_to_dict
from ..protocols.loader import protocol_from_dict
from ..protocols.model import Protocol
from ..results import Plan, Report
from ..screening import Screening

__all__ = ["from_json", "register", "schema_for", "schemas", "to_json", "to_jsonable"]

T = TypeVar("T")

PREFIX = "collagenplan/"
"""Every schema name starts with this."""


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


_BY_NAME: dict[str, _Kind] = {}
_BY_CLASS: dict[type, _Kind] = {}
_SCHEMA = re.compile(r"collagenplan/[a-z][a-z0-9-]*/[1-9][0-9]*")


def register(
    schema: str,
    cls: type,
    *,
    derived: tuple[str, ...] = (),
    omit: tuple[str, ...] = (),
    dump: Callable[[Any], dict[str, Any]] | None = None,
    load: Callable[[dict[str, Any]], Any] | None = None,
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

    Raises:
        SchemaError: a malformed name, a class that is not ``attrs``, or a
            name or class registered twice.
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
    kind = _Kind(schema, cls, derived, omit, dump, load)
    _BY_NAME[schema] = kind
    _BY_CLASS[cls] = kind


def _protocol_body(protocol: Protocol) -> dict[str, Any]:
    return {k: v for k, v in protocol_to_dict(protocol).items() if k != "schema"}


def _protocol_from_body(body: dict[str, Any]) -> Protocol:
    try:
        return protocol_from_dict({"schema": 1, **body})
    except ProtocolError as err:
        raise SchemaError(err.problem, path=err.path) from None


# Plan.violations was Plan.problems before; plan/1 documents keep the key
# "problems", so documents written before and after the rename read alike.
_PLAN_KEYS = {"violations": "problems"}


def _plan_body(plan: Plan) -> dict[str, Any]:
    body: dict[str, Any] = _converter.unstructure(plan)
    return {_PLAN_KEYS.get(k, k): v for k, v in body.items()}


def _plan_from_body(body: dict[str, Any]) -> Plan:
    allowed = [_PLAN_KEYS.get(a.name, a.name) for a in attrs.fields(Plan)]
    unknown = sorted(k for k in body if k not in allowed)
    if unknown:
        raise SchemaError(f"unknown key (allowed here: {', '.join(allowed)})", path=unknown[0])
    fields = {new: old for old, new in _PLAN_KEYS.items()}
    try:
        plan: Plan = _converter.structure({fields.get(k, k): v for k, v in body.items()}, Plan)
    except Exception as exc:  # cattrs wraps everything; _locate unwraps it
        error = _locate(exc, "")
        path = error.path
        for old, new in _PLAN_KEYS.items():
            if path == old or path.startswith((f"{old}[", f"{old}.")):
                path = new + path[len(old) :]
        raise SchemaError(error.problem, path=path) from None
    return plan


register("collagenplan/plan/1", Plan, derived=("ok",), dump=_plan_body, load=_plan_from_body)
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
    load=_protocol_from_body,
)


def schemas() -> dict[str, type]:
    """Every schema name this installation reads and writes, with its class."""
    return {name: kind.cls for name, kind in sorted(_BY_NAME.items())}


def schema_for(cls: type) -> str:
    """The schema name documents of ``cls`` carry.

    Raises:
        SchemaError: ``cls`` has no registered schema.
    """
    kind = _BY_CLASS.get(cls)
    if kind is None:
        names = ", ".join(k.cls.__name__ for k in _BY_NAME.values())
        raise SchemaError(f"no JSON schema for {cls.__name__}; documents hold one of: {names}")
    return kind.schema


# --- values ------------------------------------------------------------------

_IXDTF = re.compile(r"(?P<iso>[^\[\]]+)(?:\[(?P<zone>[^\[\]]+)\])?")


def _write_datetime(value: dt.datetime) -> str:
    zone = value.tzinfo
    if zone is None or isinstance(zone, dt.timezone):
        return value.isoformat()
    if isinstance(zone, zoneinfo.ZoneInfo) and zone.key:
        # RFC 9557 section 4: the offset, then the time zone name in brackets.
        return f"{value.isoformat()}[{zone.key}]"
    raise SchemaError(
        f"cannot write the time zone {zone!r} losslessly; use zoneinfo.ZoneInfo "
        "(an IANA name) or datetime.timezone (a fixed offset)"
    )


def _read_datetime(value: object) -> dt.datetime:
    expected = "must be a date-time such as '2027-03-29T10:00:00+01:00[Europe/London]'"
    if not isinstance(value, str):
        raise SchemaError(f"{expected}, got {_typename(value)}")
    match = _IXDTF.fullmatch(value)
    try:
        if match is None or "T" not in value:
            raise ValueError
        moment = dt.datetime.fromisoformat(match["iso"])
    except ValueError:
        raise SchemaError(f"{expected}, got {value!r}") from None
    name = match["zone"]
    if name is None:
        return moment
    offset = moment.utcoffset()
    if offset is None:
        raise SchemaError(f"needs a UTC offset before the time zone name, got {value!r}")
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SchemaError(f"unknown IANA time zone {name!r}") from None
    wall = moment.replace(tzinfo=zone)
    # The offset picks the fold: it tells the two 01:30s of a DST fall-back apart.
    for fold in (0, 1):
        candidate = wall.replace(fold=fold)
        if candidate.utcoffset() == offset:
            return candidate
    raise SchemaError(
        f"offset {moment.isoformat()[-6:]} does not match {name} at that time "
        f"({wall.isoformat()[-6:]}), in {value!r}"
    )


def _read_date(value: object) -> dt.date:
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    shown = repr(value) if isinstance(value, str) else _typename(value)
    raise SchemaError(f"must be a date written YYYY-MM-DD, got {shown}")


def _read_duration(value: object) -> Duration:
    if not isinstance(value, str):
        raise SchemaError(f"must be a duration text such as '4w', got {_typename(value)}")
    return Duration.parse(value)


def _strict(kind: type, expected: str) -> Callable[[object, type], Any]:
    def read(value: object, _: type) -> Any:
        if isinstance(value, bool) and kind is not bool:
            raise SchemaError(f"must be {expected}, got {_typename(value)}")
        allowed = (int, float) if kind is float else kind
        if not isinstance(value, allowed):
            raise SchemaError(f"must be {expected}, got {_typename(value)}")
        return value

    return read


def _is_literal(tp: Any) -> bool:
    return typing.get_origin(tp) is typing.Literal


def _literal_hook(tp: Any) -> Callable[[object, type], Any]:
    options = typing.get_args(tp)

    def read(value: object, _: type) -> Any:
        if isinstance(value, bool) or value not in options:
            shown = ", ".join(str(o) for o in options)
            raise SchemaError(f"must be one of {shown}; got {value!r}")
        return value

    return read


def _is_tuple(tp: Any) -> bool:
    return typing.get_origin(tp) is tuple


def _tuple_hook(tp: Any, converter: cattrs.Converter) -> Callable[[object, type], Any]:
    args = typing.get_args(tp)
    if len(args) != 2 or args[1] is not Ellipsis:
        raise SchemaError(f"only homogeneous tuples are supported, got {tp}")
    item = args[0]

    def read(value: object, _: type) -> Any:
        if not isinstance(value, list | tuple):
            raise SchemaError(f"must be an array, got {_typename(value)}")
        out = []
        for i, element in enumerate(value):
            try:
                out.append(converter.structure(element, item))
            except Exception as exc:  # located, then unwrapped by _locate
                raise _Located(i, exc) from None
        return tuple(out)

    return read


class _Located(Exception):
    """Carries an array index up through cattrs' structuring of a tuple."""

    def __init__(self, index: int, cause: Exception) -> None:
        super().__init__(index)
        self.index = index
        self.cause = cause


def _attrs_hook(cls: type, converter: cattrs.Converter) -> Callable[[object, type], Any]:
    kind = _BY_CLASS.get(cls)
    skip: dict[str, Any] = {name: override(omit=True) for name in (kind.omit if kind else ())}
    build: Callable[[Mapping[str, Any], Any], Any] = make_dict_structure_fn(cls, converter, **skip)

    def read(value: object, _: type) -> Any:
        if not isinstance(value, Mapping):
            raise SchemaError(f"must be an object, got {_typename(value)}")
        return build(value, cls)

    return read


def _attrs_writer(cls: type, converter: cattrs.Converter) -> Callable[[Any], Any]:
    kind = _BY_CLASS.get(cls)
    skip: dict[str, Any] = {name: override(omit=True) for name in (kind.omit if kind else ())}
    writer: Callable[[Any], Any] = make_dict_unstructure_fn(cls, converter, **skip)
    return writer


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_unstructure_hook(dt.datetime, _write_datetime)
    conv.register_unstructure_hook(dt.date, lambda d: d.isoformat())
    conv.register_unstructure_hook(Duration, str)
    conv.register_structure_hook(dt.datetime, lambda v, _: _read_datetime(v))
    conv.register_structure_hook(dt.date, lambda v, _: _read_date(v))
    conv.register_structure_hook(Duration, lambda v, _: _read_duration(v))
    conv.register_structure_hook(str, _strict(str, "a string"))
    conv.register_structure_hook(int, _strict(int, "an integer"))
    conv.register_structure_hook(float, _strict(float, "a number"))
    conv.register_structure_hook(bool, _strict(bool, "true or false"))
    conv.register_structure_hook_factory(_is_literal, _literal_hook)
    conv.register_structure_hook_factory(_is_tuple, lambda tp: _tuple_hook(tp, conv))
    conv.register_structure_hook_factory(attrs.has, lambda cls: _attrs_hook(cls, conv))
    conv.register_unstructure_hook_factory(attrs.has, lambda cls: _attrs_writer(cls, conv))
    return conv


_converter = _make_converter()


# --- errors ------------------------------------------------------------------


def _locate(exc: BaseException, path: str) -> SchemaError:
    """Turn whatever structuring raised into one SchemaError at its key path."""
    if isinstance(exc, _Located):
        return _locate(exc.cause, join(path, exc.index))
    if isinstance(exc, BaseExceptionGroup):
        first = exc.exceptions[0]
        step = path
        for note in getattr(first, "__notes__", ()):
            if isinstance(note, AttributeValidationNote):
                step = join(step, note.name)
            elif isinstance(note, IterableValidationNote):
                step = join(step, int(note.index))
        return _locate(first, step)
    if isinstance(exc, ForbiddenExtraKeysError):
        allowed = ", ".join(a.name for a in attrs.fields(exc.cl))
        return SchemaError(
            f"unknown key (allowed here: {allowed})", path=join(path, sorted(exc.extra_fields)[0])
        )
    if isinstance(exc, KeyError):
        return SchemaError("is required", path=path)
    if isinstance(exc, InputError):
        inner = exc.path
        full = (
            path
            if not inner
            else (path + inner if inner.startswith("[") else join(path, inner) if path else inner)
        )
        return SchemaError(exc.problem, path=full)
    return SchemaError(f"cannot be read: {exc}", path=path)


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
    body = kind.dump(obj) if kind.dump is not None else _converter.unstructure(obj)
    doc: dict[str, Any] = {"schema": schema}
    for name in kind.derived:
        doc[name] = getattr(obj, name)
    doc.update(body)
    return doc


def to_plain(value: object) -> Any:
    """Any library value (attrs classes, dates, durations, containers) as plain
    JSON-ready data, with the same conventions as the documents but no schema."""
    return _converter.unstructure(value)


def to_json(obj: object, *, indent: int | None = 2) -> str:
    """Write a :class:`~collagenplan.Plan`, :class:`~collagenplan.Report`,
    :class:`~collagenplan.Protocol` or :class:`~collagenplan.Screening` as JSON text.

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
        SchemaError: not JSON, no or an unknown ``"schema"``, the wrong kind,
            or a value that breaks the schema; the message names the key path.
    """
    if isinstance(text, str | bytes):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SchemaError(f"not valid JSON: {exc.msg}", line=exc.lineno) from None
        except UnicodeDecodeError as exc:
            raise SchemaError(f"not UTF-8 text ({exc.reason})") from None
    else:
        data = text
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
    kind = _BY_NAME.get(schema)
    if kind is None:
        known = ", ".join(sorted(_BY_NAME))
        raise SchemaError(f"unknown schema {schema!r}; this version reads {known}", path="schema")
    if expect is not None and kind.cls is not expect:
        raise SchemaError(
            f"holds a {kind.cls.__name__} ({schema}), expected a {expect.__name__}",
            path="schema",
        )
    body = {k: v for k, v in data.items() if k != "schema" and k not in kind.derived}
    try:
        value: object = (
            kind.load(body) if kind.load is not None else _converter.structure(body, kind.cls)
        )
    except SchemaError:
        raise
    except Exception as exc:  # cattrs wraps everything; _locate unwraps it
        raise _locate(exc, "") from None
    for name in kind.derived:
        if name in data and data[name] != getattr(value, name):
            raise SchemaError(
                f"is {json.dumps(data[name])} but the document's contents make it "
                f"{json.dumps(getattr(value, name))}",
                path=name,
            )
    return value
