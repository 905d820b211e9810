"""Reading protocol files (TOML or JSON) into :class:`Protocol` values."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Literal

from .._fields import parse_document, read_file
from .._reader import Reader
from ..errors import ProtocolError, UnknownProtocolError
from .model import SCHEMA_VERSION, Protocol

__all__ = ["get_protocol", "load_protocol", "parse_protocol", "protocol_ids"]

_E = ProtocolError
DOCUMENT_SCHEMA = "collagenplan/protocol/1"
"""The ``schema`` value of a protocol written by :func:`collagenplan.to_json`."""
_READER = Reader(_E)


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
    """Build a :class:`Protocol` from the parsed structure of a protocol file.

    A protocol exported by :func:`collagenplan.to_json` names its schema as a
    document kind; it is the same layout, so both spellings load.
    """
    return _READER.document(data, Protocol, schema=SCHEMA_VERSION, also=(DOCUMENT_SCHEMA,))


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
