"""Writing a :class:`Protocol` back to TOML text.

The output is the canonical form of a protocol file: keys in a fixed order,
durations in canonical text, defaults left out. ``parse_protocol(format_protocol(p)) == p``
holds for every protocol (property-tested).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import attrs

from ..durations import Duration
from .model import NO_SESSION, Protocol, SessionCount

__all__ = ["format_protocol"]

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_string(text: str) -> str:
    """Quote ``text`` as a TOML basic string.

    TOML forbids raw control characters (other than tab) and DEL inside basic
    strings; they are written as ``\\uXXXX`` escapes.
    """
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Duration):
        return toml_string(str(value))
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")  # pragma: no cover


def _inline(pairs: Iterable[tuple[str, object]]) -> str:
    return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in pairs) + " }"


def _rule_tables(header: str, rules: Iterable[attrs.AttrsInstance]) -> list[str]:
    lines: list[str] = []
    for rule in rules:
        lines += ["", f"[[{header}]]"]
        for field in attrs.fields(type(rule)):
            value = getattr(rule, field.name)
            if value is None or value == field.default:
                continue
            lines.append(f"{field.name} = {_value(value)}")
    return lines


def format_protocol(protocol: Protocol) -> str:
    """Write ``protocol`` as canonical TOML text."""
    p = protocol
    lines = [f"schema = {p.schema}", f"id = {_value(p.id)}", f"name = {_value(p.name)}"]
    if p.areas:
        lines.append(f"areas = {_value(p.areas)}")
    if p.depth_mm is not None:
        lines.append(f"depth_mm = {_inline([('min', p.depth_mm.min), ('max', p.depth_mm.max)])}")
    if p.notes is not None:
        lines.append(f"notes = {_value(p.notes)}")
    for phase in p.phases:
        lines += ["", "[[phases]]", f"name = {_value(phase.name)}"]
        if phase.sessions != SessionCount():
            s = phase.sessions
            lines.append(
                f"sessions = {_inline([('min', s.min), ('max', s.max), ('default', s.default)])}"
            )
        i = phase.interval
        lines.append(
            f"interval = {_inline([('min', i.min), ('target', i.target), ('max', i.max)])}"
        )
        if phase.grace:
            lines.append(f"grace = {_value(phase.grace)}")
        if phase.repeat:
            lines.append("repeat = true")
    if p.session != NO_SESSION:
        lines += ["", "[session]", *_rule_tables("session", [p.session])[2:]]
    if p.late != type(p.late)():
        lines += ["", "[late]", *_rule_tables("late", [p.late])[2:]]
    lines += _rule_tables("washouts", p.washouts)
    lines += _rule_tables("contraindications", p.contraindications)
    lines += _rule_tables("precautions", p.precautions)
    lines += _rule_tables("aftercare", p.aftercare)
    lines += _rule_tables("spacing", p.spacing)
    return "\n".join(lines) + "\n"


def _plain(value: object) -> object:
    """A protocol value as file-format data: defaults and ``None`` left out."""
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    cls = type(value)
    if attrs.has(cls):
        out: dict[str, object] = {}
        for field in attrs.fields(cls):
            item = getattr(value, field.name)
            default = field.default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                default = default.factory(value) if default.takes_self else default.factory()
            # Numbers are always written: the loader's defaults for them depend on
            # other keys (a missing sessions.default means sessions.min).
            number = isinstance(item, int) and not isinstance(item, bool)
            if item is None or (item == default and not number):
                continue
            out[field.name] = _plain(item)
        return out
    return value


def protocol_to_dict(protocol: Protocol) -> dict[str, object]:
    """The protocol as the data of a protocol file (JSON-ready).

    ``parse_protocol(json.dumps(protocol_to_dict(p)), "json") == p`` for
    every protocol; keys holding their default are left out, as in
    :func:`format_protocol`.
    """
    data = cast(dict[str, object], _plain(protocol))  # a Protocol is an attrs class
    return {"schema": data.pop("schema"), **data}
