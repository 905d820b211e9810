"""Clients: what a clinic knows about the person being treated.

A :class:`Client` records medications and other exposures, conditions (and
which of them a clinician has cleared), life events to keep clear of
downtime, and other procedures with their dates. Exposure, condition and
procedure names are kebab-case strings matched against the protocol's rules
(``washouts``, ``contraindications``, ``precautions``, ``spacing``), so a
clinic that adds a rule to its protocol file can record it for clients at
once.

Client files are TOML (or JSON with the same structure), read as strictly as
protocol files: unknown keys, wrong types and impossible dates are
:class:`~collagenplan.errors.ClientError` naming the file and key path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Set
from pathlib import Path
from typing import Any, Literal

import attrs

from ._checks import is_date, is_kebab, is_optional, is_str, is_tuple_of
from ._fields import check_kebab, parse_document, read_file, renamed
from ._reader import Reader
from .errors import ClientError

__all__ = [
    "CLIENT_SCHEMA_VERSION",
    "SCHEMA_VERSION",
    "Client",
    "ClientEvent",
    "Condition",
    "Medication",
    "Procedure",
    "load_client",
    "parse_client",
]

SCHEMA_VERSION = 1
"""The client file schema this version of collagenplan reads."""
CLIENT_SCHEMA_VERSION = SCHEMA_VERSION
"""The same as :data:`SCHEMA_VERSION` (the older name)."""

E = ClientError
_READER = Reader(E)
_optional_date = is_optional(is_date(E))


def _ordered(first: str, last: str) -> Any:
    """Validator for a class with two optional dates that must not run backwards."""

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        begin = getattr(instance, first)
        if value is not None and begin is not None and value < begin:
            raise E(f"must not be before {first} ({value} < {begin})", path=last)

    return validate


def _within(begin: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    return (begin is None or begin <= day) and (end is None or day <= end)


@renamed(stop="end")
@attrs.frozen
class Medication:
    """A medication or other exposure (a product, a habit) and when it was taken.

    ``Medication("isotretinoin", start=..., end=...)``. Both dates are
    inclusive; ``start=None`` means "since before anything that matters" and
    ``end=None`` means the client is still taking it. (``end`` was called
    ``stop`` before 0.2; the old name is still read, with a warning.)
    """

    exposure: str = attrs.field(validator=is_kebab(E))
    """Kebab-case name matched against the protocol's ``washouts`` and
    ``contraindications`` (``topical-retinoid``, ``isotretinoin``, ``anticoagulants``)."""
    start: dt.date | None = attrs.field(default=None, kw_only=True, validator=_optional_date)
    """First day taken, or ``None`` when unknown or long ago."""
    end: dt.date | None = attrs.field(
        default=None, kw_only=True, validator=[_optional_date, _ordered("start", "end")]
    )
    """Last day taken (the last dose), or ``None`` while it is ongoing."""

    @property
    def ongoing(self) -> bool:
        """True when no end date is recorded."""
        return self.end is None

    def active_on(self, day: dt.date) -> bool:
        """True when ``day`` lies between ``start`` and ``end`` (inclusive)."""
        return _within(self.start, self.end, day)


@renamed(since="start", until="end")
@attrs.frozen
class Condition:
    """A health condition and the days it applies.

    ``Condition("active-cold-sore", end=...)``. Both dates are inclusive;
    ``start=None`` means it has always applied as far as the clinic knows and
    ``end=None`` means it still does (a history such as ``cold-sore-history``
    or a trait such as ``keloid-tendency`` has neither). (``start`` and ``end``
    were called ``since`` and ``until`` before 0.2; the old names are still
    read, with a warning.)
    """

    name: str = attrs.field(validator=is_kebab(E))
    """Kebab-case name matched against the protocol's ``contraindications`` and
    ``precautions`` (``pregnancy``, ``keloid-tendency``, ``cold-sore-history``)."""
    start: dt.date | None = attrs.field(default=None, kw_only=True, validator=_optional_date)
    """First day it applies, or ``None``."""
    end: dt.date | None = attrs.field(
        default=None, kw_only=True, validator=[_optional_date, _ordered("start", "end")]
    )
    """Last day it applies, or ``None`` while it is ongoing."""

    def active_on(self, day: dt.date) -> bool:
        """True when ``day`` lies between ``start`` and ``end`` (inclusive)."""
        return _within(self.start, self.end, day)


@attrs.frozen
class ClientEvent:
    """A day the client wants to look their best on (a wedding, a photo shoot).

    No session is planned whose downtime plus the protocol's event buffer
    reaches this day.
    """

    date: dt.date = attrs.field(validator=is_date(E))
    """The day of the event."""
    name: str = attrs.field(validator=is_str(E))
    """What it is, in the clinic's words (``"wedding"``)."""


@attrs.frozen
class Procedure:
    """Another treatment the client had or has booked, on a given day."""

    kind: str = attrs.field(validator=is_kebab(E))
    """Kebab-case name matched against the protocol's ``spacing`` rules
    (``neurotoxin``, ``dermal-filler``, ``chemical-peel``, ``waxing``)."""
    date: dt.date = attrs.field(validator=is_date(E))
    """The day it was (or will be) done."""


def _as_tuple(value: object) -> Any:
    """Any iterable but a string or a table becomes a tuple (a set sorted when it can be).

    Anything else is passed through for the field's validator to judge.
    """
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        return value
    if isinstance(value, Set):
        try:
            return tuple(sorted(value))
        except TypeError:
            pass
    return tuple(value)


# Converters typed per field, so that type checkers accept any iterable
# (a list, a set) where the attribute itself is a tuple.


def _medications(value: Iterable[Medication]) -> tuple[Medication, ...]:
    return _as_tuple(value)  # type: ignore[no-any-return]


def _conditions(value: Iterable[Condition]) -> tuple[Condition, ...]:
    return _as_tuple(value)  # type: ignore[no-any-return]


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return _as_tuple(value)  # type: ignore[no-any-return]


def _events(value: Iterable[ClientEvent]) -> tuple[ClientEvent, ...]:
    return _as_tuple(value)  # type: ignore[no-any-return]


def _procedures(value: Iterable[Procedure]) -> tuple[Procedure, ...]:
    return _as_tuple(value)  # type: ignore[no-any-return]


@attrs.frozen(kw_only=True)
class Client:
    """Everything planning and screening need to know about one client.

    All fields are optional; ``Client()`` is a client with nothing recorded
    (useful to get aftercare milestones on a plan).
    """

    id: str | None = attrs.field(default=None, validator=is_optional(is_str(E)))
    """The clinic's own reference for the client, if it wants one in exports."""
    medications: tuple[Medication, ...] = attrs.field(
        default=(), converter=_medications, validator=is_tuple_of(E, Medication, "a Medication")
    )
    """Medications and other exposures, current and past."""
    conditions: tuple[Condition, ...] = attrs.field(
        default=(), converter=_conditions, validator=is_tuple_of(E, Condition, "a Condition")
    )
    """Health conditions, current and past."""
    cleared: tuple[str, ...] = attrs.field(default=(), converter=_names)
    """Conditions or exposures a clinician has reviewed and cleared for treatment.
    Clearing settles a ``relative`` contraindication; it has no effect on
    ``absolute`` or ``temporary`` ones. Each must name a recorded condition or
    medication."""
    events: tuple[ClientEvent, ...] = attrs.field(
        default=(), converter=_events, validator=is_tuple_of(E, ClientEvent, "a ClientEvent")
    )
    """Life events to keep clear of downtime."""
    procedures: tuple[Procedure, ...] = attrs.field(
        default=(), converter=_procedures, validator=is_tuple_of(E, Procedure, "a Procedure")
    )
    """Other procedures, done or booked."""

    @cleared.validator
    def _check_cleared(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple):
            raise E(
                f"must be a set, list or tuple of names, got {type(value).__name__}",
                path=attribute.name,
            )
        recorded = {c.name for c in self.conditions} | {m.exposure for m in self.medications}
        seen: set[str] = set()
        for i, name in enumerate(value):
            where = f"cleared[{i}]"
            check_kebab(name, "the name", E, where)
            if name in seen:
                raise E(f"repeats {name!r}", path=where)
            if name not in recorded:
                raise E(
                    f"clears {name!r}, which is not among the client's conditions or "
                    "medications; record it there first",
                    path=where,
                )
            seen.add(name)

    def is_cleared(self, name: str) -> bool:
        """True when a clinician has cleared ``name`` for this client."""
        return name in self.cleared

    def conditions_on(self, day: dt.date) -> tuple[Condition, ...]:
        """The conditions that apply on ``day``."""
        return tuple(c for c in self.conditions if c.active_on(day))

    def medications_on(self, day: dt.date) -> tuple[Medication, ...]:
        """The medications taken on ``day``."""
        return tuple(m for m in self.medications if m.active_on(day))


# ------------------------------------------------------------------ files


def parse_client(
    text: str, format: Literal["toml", "json"] = "toml", *, source: str | None = None
) -> Client:
    """Parse client text (TOML or JSON, same structure) into a :class:`Client`.

    Args:
        text: the file's content.
        format: ``"toml"`` or ``"json"``.
        source: a name for error messages (usually the file name).

    Raises:
        ClientError: the text is not valid TOML/JSON or breaks a client rule;
            the message names the key path (``medications[1].end``).
    """
    return parse_document(text, format, E, source, client_from_dict)


def load_client(path: str | Path) -> Client:
    """Load a client file; the format follows the suffix (``.toml`` or ``.json``).

    Raises:
        ClientError: the file is missing, unreadable or invalid; the message
            names the file and the key path.
    """
    text, fmt, source = read_file(path, E)
    return parse_client(text, fmt, source=source)


def client_from_dict(data: object) -> Client:
    """Build a :class:`Client` from the parsed structure of a client file."""
    return _READER.document(data, Client, schema=SCHEMA_VERSION)
