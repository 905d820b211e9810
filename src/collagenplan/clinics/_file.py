"""Clinic files (TOML or JSON): read by the one strict reader, no clinic-only hooks.

Times of day (``opens = "09:00"`` or a TOML local time) are read by the
reader from the field type, so a clinic file is exactly the :class:`Clinic`
fields, key by key (``docs/clinics.md``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from .._fields import parse_document, read_file
from .._reader import Reader
from ..errors import ClinicError
from ._model import SCHEMA_VERSION, Clinic

__all__ = ["clinic_from_dict", "load_clinic", "parse_clinic"]

E = ClinicError
_READER = Reader(E)


def parse_clinic(
    text: str, format: Literal["toml", "json"] = "toml", *, source: str | None = None
) -> Clinic:
    """Parse clinic text (TOML or JSON, same structure) into a :class:`Clinic`.

    Raises:
        ClinicError: the text is not valid TOML/JSON or breaks a clinic rule;
            the message names the file and the key path (``hours[1].closes``).
    """
    return parse_document(text, format, E, source, clinic_from_dict)


def load_clinic(path: str | Path) -> Clinic:
    """Load a clinic file; the format follows the suffix (``.toml`` or ``.json``).

    Raises:
        ClinicError: the file is missing, unreadable or invalid.
    """
    text, fmt, source = read_file(path, E)
    return parse_clinic(text, fmt, source=source)


def clinic_from_dict(data: object) -> Clinic:
    """Build a :class:`Clinic` from the parsed structure of a clinic file."""
    return _READER.document(data, Clinic, schema=SCHEMA_VERSION)
