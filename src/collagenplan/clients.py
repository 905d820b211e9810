"""Clients: what a clinic knows about the person being treated.

A :class:`Client` records medications and other exposures, conditions (and
which of them a clinician has cleared), life events to keep clear of
downtime, and other procedures with their dates. Exposure, condition and
procedure names are written the way staff type them ("Roaccutane",
"retin a", "Botox"); the client's :class:`~collagenplan.vocabulary.Vocabulary`
(the built-in one unless a clinic gives its own) maps them to the ids the
protocol's rules use (``washouts``, ``contraindications``, ``precautions``,
``spacing``). A name that maps to nothing is kept and reported, never
ignored: screening says ``review`` and plans carry an ``unrecognised``
warning; :func:`load_client` with ``strict=True`` refuses it.

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

from ._checks import is_date, is_optional, is_str, is_tuple_of
from ._fields import parse_document, read_file, renamed, to_tuple
from ._reader import READ, Reader
from .errors import ClientError
from .vocabulary import Among, Vocabulary, default_vocabulary, normalise

__all__ = [
    "CLIENT_SCHEMA_VERSION",
    "SCHEMA_VERSION",
    "Client",
    "ClientEvent",
    "Condition",
    "Medication",
    "Procedure",
    "UnknownName",
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


def _name(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A name as typed: any text with at least one letter or digit."""
    is_str(E)(instance, attribute, value)
    if not normalise(value):
        raise E(f"must contain a letter or a digit, got {value!r}", path=attribute.name)


def _areas() -> Any:
    return attrs.field(
        default=(),
        kw_only=True,
        converter=to_tuple,
        validator=[is_tuple_of(E, str, "an area name"), _each_name],
    )


def _each_name(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    for i, name in enumerate(value):
        if not normalise(name):
            raise E(
                f"must contain a letter or a digit, got {name!r}", path=f"{attribute.name}[{i}]"
            )


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

    exposure: str = attrs.field(validator=_name)
    """The name as written (``isotretinoin``, ``"Roaccutane"``, ``"retin a"``); the
    vocabulary maps it to the id the protocol's ``washouts``,
    ``contraindications`` and ``precautions`` use."""
    start: dt.date | None = attrs.field(default=None, kw_only=True, validator=_optional_date)
    """First day taken, or ``None`` when unknown or long ago."""
    end: dt.date | None = attrs.field(
        default=None, kw_only=True, validator=[_optional_date, _ordered("start", "end")]
    )
    """Last day taken (the last dose), or ``None`` while it is ongoing."""
    areas: tuple[str, ...] = _areas()
    """Where it is applied (``["face"]``), for products whose vocabulary entry
    acts on an area; empty means everywhere. Ignored (it acts everywhere) for
    anything taken by mouth."""

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

    name: str = attrs.field(validator=_name)
    """The name as written (``pregnancy``, ``"Eczema"``); the vocabulary maps it
    to the id the protocol's ``contraindications`` and ``precautions`` use."""
    start: dt.date | None = attrs.field(default=None, kw_only=True, validator=_optional_date)
    """First day it applies, or ``None``."""
    end: dt.date | None = attrs.field(
        default=None, kw_only=True, validator=[_optional_date, _ordered("start", "end")]
    )
    """Last day it applies, or ``None`` while it is ongoing."""
    areas: tuple[str, ...] = _areas()
    """Where it is (``["hands"]``), for conditions whose vocabulary entry
    acts on an area; empty means everywhere."""

    def active_on(self, day: dt.date) -> bool:
        """True when ``day`` lies between ``start`` and ``end`` (inclusive)."""
        return _within(self.start, self.end, day)


@attrs.frozen
class ClientEvent:
    """A day the client wants to look their best on (a wedding, a photo shoot), or a
    stretch of days she is away (``end`` set: a long holiday abroad).

    No session is planned whose downtime plus the protocol's event buffer
    reaches the first day, nor on any day up to ``end``.
    """

    date: dt.date = attrs.field(validator=is_date(E))
    """The day of the event (the first day, when it lasts)."""
    name: str = attrs.field(validator=is_str(E))
    """What it is, in the clinic's words (``"wedding"``, ``"holiday abroad"``)."""
    end: dt.date | None = attrs.field(
        default=None, kw_only=True, validator=[_optional_date, _ordered("date", "end")]
    )
    """The last day, inclusive, when the event lasts several days; ``None`` for one day."""


@attrs.frozen
class Procedure:
    """Another treatment the client had or has booked, on a given day."""

    kind: str = attrs.field(validator=_name)
    """The name as written (``neurotoxin``, ``"Botox"``); the vocabulary maps it
    to the id the protocol's ``spacing`` rules use."""
    date: dt.date = attrs.field(validator=is_date(E))
    """The day it was (or will be) done."""
    areas: tuple[str, ...] = _areas()
    """Where it was done (``["forehead"]``); empty means everywhere."""


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
    preferred_practitioner: str | None = attrs.field(
        default=None, validator=is_optional(is_str(E))
    )
    """The practitioner id the client should keep seeing (continuity): planning
    against a diary books them whenever they are free."""

    vocabulary: Vocabulary | None = attrs.field(
        default=None,
        eq=False,
        repr=False,
        metadata={READ: False},
        validator=is_optional(attrs.validators.instance_of(Vocabulary)),
    )
    """The names the records are written in: ``None`` for the built-in
    vocabulary, or a clinic's (:func:`~collagenplan.load_vocabulary`). Not part
    of a client file; :func:`load_client` takes it as an argument. Not
    compared: two clients with the same records are equal."""

    @cleared.validator
    def _check_cleared(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple):
            raise E(
                f"must be a set, list or tuple of names, got {type(value).__name__}",
                path=attribute.name,
            )
        recorded = {self.resolve(c.name) for c in self.conditions}
        recorded |= {self.resolve(m.exposure) for m in self.medications}
        seen: set[str] = set()
        for i, name in enumerate(value):
            where = f"cleared[{i}]"
            if not isinstance(name, str) or not normalise(name):
                got = repr(name) if isinstance(name, str) else type(name).__name__
                raise E(
                    f"must be a string naming a condition or medication, got {got}", path=where
                )
            key = self.resolve(name)
            if key in seen:
                raise E(f"repeats {name!r}", path=where)
            if key not in recorded:
                raise E(
                    f"clears {name!r}, which is not among the client's conditions or "
                    "medications; record it there first",
                    path=where,
                )
            seen.add(key)

    @property
    def words(self) -> Vocabulary:
        """The vocabulary in use: :attr:`vocabulary`, or the built-in one."""
        return self.vocabulary if self.vocabulary is not None else default_vocabulary()

    def resolve(self, name: str, among: Among = "records") -> str:
        """The id ``name`` stands for in :attr:`words`, else ``name`` normalised.

        ``among`` is ``"records"`` for medications and conditions,
        ``"procedures"`` or ``"areas"``.
        """
        return self.words.lookup(name, among) or normalise(name)

    def is_cleared(self, name: str) -> bool:
        """True when a clinician has cleared ``name`` (an id or any of its names)."""
        key = self.resolve(name)
        return any(self.resolve(c) == key for c in self.cleared)

    def reaches(self, record: Medication | Condition | Procedure, areas: Iterable[str]) -> bool:
        """True when ``record`` concerns a treatment of ``areas`` (a protocol's areas).

        A record reaches every area unless its vocabulary entry acts on an
        area (``scope = "area"``) and the record names areas: then only where
        they meet ``areas`` (``lips`` meets ``face``). No areas on either side
        means everywhere.
        """
        if not record.areas:
            return True
        typed = record.kind if isinstance(record, Procedure) else _typed(record)
        among: Among = "procedures" if isinstance(record, Procedure) else "records"
        term_id = self.words.lookup(typed, among)
        term = None if term_id is None else self.words.term(term_id)
        if term is None or term.scope != "area":
            return True
        return self.words.areas_meet(record.areas, areas)

    def unrecognised(
        self,
        *,
        records: Iterable[str] = (),
        procedures: Iterable[str] = (),
        areas: Iterable[str] = (),
    ) -> tuple[UnknownName, ...]:
        """Every name in the records that :attr:`words` does not know, in file order.

        The keyword arguments are ids that count as known besides the
        vocabulary's (the names a protocol's rules use). Areas given on a
        record whose entry acts on the whole body are reported too: they
        cannot narrow it.
        """
        known = {"records": list(records), "procedures": list(procedures), "areas": list(areas)}
        out: list[UnknownName] = []

        def check(name: str, among: Among, path: str) -> str | None:
            found = self.words.match(name, among, also=known[among])
            if found.id is None:
                out.append(
                    UnknownName(name=name, kind=among, path=path, suggestions=found.suggestions)
                )
            return found.id

        entries: list[tuple[str, Medication | Condition | Procedure, str, Among]] = [
            *(
                (f"medications[{i}]", m, "exposure", "records")
                for i, m in enumerate(self.medications)
            ),
            *((f"conditions[{i}]", c, "name", "records") for i, c in enumerate(self.conditions)),
            *(
                (f"procedures[{i}]", p, "kind", "procedures")
                for i, p in enumerate(self.procedures)
            ),
        ]
        for path, record, key, among in entries:
            term_id = check(getattr(record, key), among, f"{path}.{key}")
            term = None if term_id is None else self.words.term(term_id)
            for k, area in enumerate(record.areas):
                check(area, "areas", f"{path}.areas[{k}]")
            if record.areas and term is not None and term.scope == "body":
                out.append(
                    UnknownName(
                        name=getattr(record, key),
                        kind="scope",
                        path=f"{path}.areas",
                        suggestions=(),
                    )
                )
        return tuple(out)

    def conditions_on(self, day: dt.date) -> tuple[Condition, ...]:
        """The conditions that apply on ``day``."""
        return tuple(c for c in self.conditions if c.active_on(day))

    def medications_on(self, day: dt.date) -> tuple[Medication, ...]:
        """The medications taken on ``day``."""
        return tuple(m for m in self.medications if m.active_on(day))


def _typed(record: Medication | Condition) -> str:
    return record.exposure if isinstance(record, Medication) else record.name


@attrs.frozen(kw_only=True)
class UnknownName:
    """A name in a client's records that the vocabulary does not know."""

    name: str
    """The name as written."""
    kind: Literal["records", "procedures", "areas", "scope"]
    """What it should have named: an exposure or condition (``records``), a
    procedure, an area; ``scope`` marks areas given to something that acts on
    the whole body (``name`` is then the exposure or condition)."""
    path: str
    """Where it is in the client file (``medications[0].exposure``)."""
    suggestions: tuple[str, ...] = ()
    """The ids of the closest known names, best first."""

    @property
    def problem(self) -> str:
        """What is wrong, in words, with the suggestions."""
        if self.kind == "scope":
            return (
                f"{self.name!r} acts on the whole body, so areas cannot narrow it; "
                "remove the areas"
            )
        what = {"records": "exposure or condition", "procedures": "procedure", "areas": "area"}
        close = (
            f"closest known names: {', '.join(self.suggestions)}"
            if self.suggestions
            else "no known name is close"
        )
        return (
            f"unrecognised {what[self.kind]} {self.name!r} ({close}); correct it, or add it "
            "to a clinic vocabulary file"
        )


# ------------------------------------------------------------------ files


def parse_client(
    text: str,
    format: Literal["toml", "json"] = "toml",
    *,
    source: str | None = None,
    strict: bool = False,
    vocabulary: Vocabulary | None = None,
) -> Client:
    """Parse client text (TOML or JSON, same structure) into a :class:`Client`.

    Args:
        text: the file's content.
        format: ``"toml"`` or ``"json"``.
        source: a name for error messages (usually the file name).
        strict: refuse a name the vocabulary does not know (see
            :func:`client_from_dict`).
        vocabulary: the names the file is written in; ``None`` for the
            built-in vocabulary.

    Raises:
        ClientError: the text is not valid TOML/JSON or breaks a client rule;
            the message names the key path (``medications[1].end``).
    """
    return parse_document(
        text,
        format,
        E,
        source,
        lambda data: client_from_dict(data, strict=strict, vocabulary=vocabulary),
    )


def load_client(
    path: str | Path, *, strict: bool = False, vocabulary: Vocabulary | None = None
) -> Client:
    """Load a client file; the format follows the suffix (``.toml`` or ``.json``).

    See :func:`parse_client` for ``strict`` and ``vocabulary``.

    Raises:
        ClientError: the file is missing, unreadable or invalid (or, with
            ``strict``, names something the vocabulary does not know); the
            message names the file and the key path.
    """
    text, fmt, source = read_file(path, E)
    return parse_client(text, fmt, source=source, strict=strict, vocabulary=vocabulary)


def client_from_dict(
    data: object, *, strict: bool = False, vocabulary: Vocabulary | None = None
) -> Client:
    """Build a :class:`Client` from the parsed structure of a client file.

    With ``strict``, every exposure, condition, procedure and area must be a
    name ``vocabulary`` knows (its id, label, a synonym or a brand, in any
    case and spacing), and areas may only be given to things that act on an
    area; the first that is not raises a :class:`ClientError` at its key path,
    with the closest known names.
    """
    table = dict(_READER.mapping(data))
    cleared = table.pop("cleared", ())
    client = _READER.document(table, Client, schema=SCHEMA_VERSION)
    with _READER.at("cleared"):
        names = _READER.read(cleared, tuple[str, ...])
    client = attrs.evolve(client, vocabulary=vocabulary, cleared=names)
    if strict:
        for unknown in client.unrecognised():
            raise E(unknown.problem, path=unknown.path)
    return client
