"""The clinic's diary: appointments already booked, and the rooms and devices they hold.

A :class:`Diary` is an immutable set of :class:`Booking` values (client, time
span, practitioner, resources). The planner books a new session only where
its practitioner, every resource it needs and its client are free for the
session's chair minutes plus the clinic's turnover; validation reports a
session that overlaps a booking. :class:`Resource` is a room, chair or
device declared in the clinic file, with the treatments that need one of
its kind.

This module holds values and files only; finding a free slot on a day is
``_days`` (it knows opening hours).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from .._checks import is_kebab, is_optional, is_positive_int, is_str, is_tuple_of
from .._fields import _typename, check_kebab, to_tuple
from ..errors import ClinicError, InputError
from ..messages import Message, Param
from ..results import nested

__all__ = ["Booking", "Diary", "Resource", "load_diary", "parse_diary"]

E = ClinicError


def _kebab_names(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    is_tuple_of(E, str, "an id")(instance, attribute, value)
    names: tuple[str, ...] = value  # type: ignore[assignment]
    for i, item in enumerate(names):
        check_kebab(item, "an id", E, f"{attribute.name}[{i}]")


def _some_treatments(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _kebab_names(instance, attribute, value)
    if not value:
        raise E("must name at least one protocol id", path=attribute.name)


@attrs.frozen(kw_only=True)
class Resource:
    """A room, chair or device that a session holds for its chair minutes.

    A session of a protocol needs one resource of each ``kind`` that has a
    resource naming the protocol in ``treatments``: with two rooms for
    ``facial-series`` and one dermapen for it, a facial session needs a room
    (either) and the dermapen.
    """

    id: str = attrs.field(validator=is_kebab(E))
    """Short kebab-case id, unique among the clinic's resources (``room-1``)."""
    kind: str = attrs.field(validator=is_kebab(E))
    """What sort of resource (``room``, ``chair``, ``device``): one of each kind is needed."""
    treatments: tuple[str, ...] = attrs.field(converter=to_tuple, validator=_some_treatments)
    """Protocol ids whose sessions need a resource of this kind (this one or another)."""
    name: str | None = attrs.field(default=None, validator=is_optional(is_str(E)))
    """Display name (``Treatment room 1``)."""


def _is_aware(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise InputError(
            f"must be a time-zone aware datetime, got {_typename(value)}", path=attribute.name
        )


@attrs.frozen(kw_only=True)
class Booking:
    """One appointment in the diary: who, when, with whom, holding what."""

    start: dt.datetime = attrs.field(validator=_is_aware)
    """Time-zone aware start."""
    minutes: int = attrs.field(validator=is_positive_int(InputError))
    """Chair minutes (at least 1); the clinic's turnover follows them."""
    practitioner: str | None = attrs.field(default=None, validator=is_optional(is_str(InputError)))
    """Practitioner id, when one is assigned."""
    client: str | None = attrs.field(default=None, validator=is_optional(is_str(InputError)))
    """The clinic's client reference, when known (a client is never in two places)."""
    resources: tuple[str, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(InputError, str, "a resource id")
    )
    """Ids of the rooms, chairs and devices it holds."""
    protocol: str | None = attrs.field(default=None, validator=is_optional(is_str(InputError)))
    """Protocol id of the session, when it is one."""
    session: int | None = attrs.field(
        default=None, validator=is_optional(is_positive_int(InputError))
    )
    """Session number in its plan, when it is one."""

    @property
    def end(self) -> dt.datetime:
        """When the chair minutes end (turnover not included)."""
        return self.start + dt.timedelta(minutes=self.minutes)

    def overlaps(self, other: Booking, turnover: int = 0) -> bool:
        """True when the two spans, each followed by ``turnover`` minutes, overlap."""
        gap = dt.timedelta(minutes=turnover)
        return self.start < other.end + gap and other.start < self.end + gap

    def describe(self) -> str:
        """A phrase naming it: ``client c-17 (facial-series 1) 2027-09-01 09:00-10:00 with patel``.

        In English; :meth:`describe_message` renders in any locale.
        """
        return self.describe_message().render()

    def describe_message(self) -> Message:
        """:meth:`describe` as a message, to render in any locale."""
        who = (
            Message("booking.client", [Param("client", self.client)])
            if self.client
            else Message("booking.anonymous")
        )
        what: Message | str = ""
        if self.protocol and self.session:
            what = Message(
                "booking.treatment.session",
                [Param("protocol", self.protocol), Param("session", str(self.session), "number")],
            )
        elif self.protocol:
            what = Message("booking.treatment", [Param("protocol", self.protocol)])
        by: Message | str = (
            Message("booking.with", [Param("practitioner", self.practitioner)])
            if self.practitioner
            else ""
        )
        held: Message | str = (
            Message("booking.in", [Param("resources", ", ".join(self.resources))])
            if self.resources
            else ""
        )
        return Message(
            "booking",
            [
                *nested("who", [who]),
                *nested("what", [what]),
                Param("date", self.start.date().isoformat(), "date"),
                Param("start", self.start.strftime("%H:%M")),
                Param("end", self.end.strftime("%H:%M")),
                *nested("by", [by]),
                *nested("held", [held]),
            ],
        )


def _sorted_bookings(value: Any) -> tuple[Booking, ...]:
    items = to_tuple(value)
    if isinstance(items, tuple) and all(isinstance(b, Booking) for b in items):
        return tuple(sorted(items, key=lambda b: (b.start, b.minutes, str(b.practitioner))))
    return items  # type: ignore[no-any-return]


@attrs.frozen
class Diary:
    """The appointments already booked in a clinic: immutable, in time order.

    ``add`` and ``remove`` return new diaries. Build one from bookings, from
    plans (:meth:`from_plans`) or from a JSON/CSV export (:func:`load_diary`).
    """

    bookings: tuple[Booking, ...] = attrs.field(
        default=(),
        converter=_sorted_bookings,
        validator=is_tuple_of(InputError, Booking, "a Booking"),
    )
    """Every booking, sorted by start."""

    def __len__(self) -> int:
        return len(self.bookings)

    def __iter__(self) -> Iterator[Booking]:
        return iter(self.bookings)

    def add(self, *bookings: Booking) -> Diary:
        """A new diary with ``bookings`` added."""
        return Diary(self.bookings + bookings)

    def remove(self, *bookings: Booking) -> Diary:
        """A new diary without ``bookings``; each must be in the diary (``InputError``)."""
        left = list(self.bookings)
        for i, booking in enumerate(bookings):
            if booking not in left:
                raise InputError(
                    f"is not in the diary: {booking.describe()}", path=f"bookings[{i}]"
                )
            left.remove(booking)
        return Diary(tuple(left))

    def on(self, day: dt.date) -> tuple[Booking, ...]:
        """Bookings that start on ``day`` (in their own time zone)."""
        return tuple(b for b in self.bookings if b.start.date() == day)

    def clashes(self, booking: Booking, turnover: int = 0) -> tuple[tuple[str, Booking], ...]:
        """What ``booking`` would collide with: ``(what, other)`` pairs.

        ``what`` is ``"practitioner"``, ``"resource"`` or ``"client"``. The
        appointment itself is not a clash: a booking equal to ``booking``, or,
        when ``booking`` names no client, equal to it but for the client.
        """
        out: list[tuple[str, Booking]] = []
        for other in self.bookings:
            same = other == booking or (
                booking.client is None and attrs.evolve(other, client=None) == booking
            )
            if same or not booking.overlaps(other, turnover):
                continue
            if booking.practitioner is not None and booking.practitioner == other.practitioner:
                out.append(("practitioner", other))
            elif set(booking.resources) & set(other.resources):
                out.append(("resource", other))
            elif booking.client is not None and booking.client == other.client:
                out.append(("client", other))
        return tuple(out)

    @classmethod
    def from_plans(cls, *plans: object, client: str | None = None) -> Diary:
        """A diary of the timed sessions of ``plans``.

        Each item is a :class:`~collagenplan.Plan` or a ``(plan, client_id)``
        pair; ``client`` names the client of bare plans. Sessions without an
        appointment time or chair minutes (a plan made without a clinic) are
        left out.
        """
        out: list[Booking] = []
        for i, item in enumerate(plans):
            who = client
            if isinstance(item, tuple) and len(item) == 2:
                item, who = item
            sessions = getattr(item, "sessions", None)
            protocol = getattr(item, "protocol_id", None)
            if sessions is None or not isinstance(protocol, str):
                raise InputError(
                    f"must be a Plan or a (Plan, client id) pair, got {_typename(item)}",
                    path=f"plans[{i}]",
                )
            out += [b for s in sessions if (b := booking_of(s, protocol, who)) is not None]
        return cls(tuple(out))


def booking_of(session: Any, protocol: str, client: str | None) -> Booking | None:
    """The diary booking of a planned session, or ``None`` when it has no time."""
    if session.start is None or session.minutes is None:
        return None
    return Booking(
        start=session.start,
        minutes=session.minutes,
        practitioner=session.practitioner,
        client=client,
        resources=getattr(session, "resources", ()),
        protocol=protocol,
        session=session.number,
    )


# ----------------------------------------------------------------------- files

_COLUMNS = ("start", "minutes", "practitioner", "client", "resources", "protocol", "session")


def _booking_from(row: dict[str, Any], path: str, source: str | None) -> Booking:
    unknown = sorted(set(row) - set(_COLUMNS))
    if unknown:
        raise E(
            f"unknown key {unknown[0]!r} (known: {', '.join(_COLUMNS)})",
            path=path,
            source=source,
        )
    values = dict(row)
    try:
        text = values.get("start")
        if not isinstance(text, str):
            raise InputError(f"must be an ISO date-time text, got {_typename(text)}", path="start")
        try:
            values["start"] = dt.datetime.fromisoformat(text)
        except ValueError:
            raise InputError(
                f"must be an ISO date-time with an offset (2027-09-01T09:00+01:00), got {text!r}",
                path="start",
            ) from None
        for key in ("minutes", "session"):
            if isinstance(values.get(key), str):
                raw = values[key].strip()
                if not raw and key == "session":
                    values[key] = None
                    continue
                if not raw.isdigit():
                    raise InputError(f"must be a whole number, got {raw!r}", path=key)
                values[key] = int(raw)
        if isinstance(values.get("resources"), str):
            values["resources"] = tuple(r.strip() for r in values["resources"].split() if r)
        for key in ("practitioner", "client", "protocol"):
            if values.get(key) == "":
                values[key] = None
        return Booking(**values)
    except InputError as exc:
        where = f"{path}.{exc.path}" if path and exc.path else (exc.path or path)
        raise E(exc.problem, path=where, source=source) from None
    except TypeError as exc:  # a required key missing
        raise E(f"is incomplete ({exc})", path=path, source=source) from None


def parse_diary(text: str, format: str = "json", *, source: str | None = None) -> Diary:
    """A diary from a JSON list of bookings (or ``{"bookings": [...]}``) or a CSV export.

    JSON keys and CSV columns are the :class:`Booking` fields; ``start`` is
    an ISO date-time with its offset, ``resources`` a list (space-separated
    in CSV).

    Raises:
        ClinicError: the text cannot be read or a booking breaks a rule; the
            message names the file, the booking (``bookings[3]``, or the CSV
            line) and the key.
    """
    if format == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise E(f"is not valid JSON ({exc.msg})", source=source, line=exc.lineno) from None
        if isinstance(data, dict):
            data = data.get("bookings")
        if not isinstance(data, list):
            raise E('must be a list of bookings or {"bookings": [...]}', source=source)
        out = []
        for i, row in enumerate(data):
            if not isinstance(row, dict):
                raise E(
                    f"must be a table, got {_typename(row)}", path=f"bookings[{i}]", source=source
                )
            out.append(_booking_from(row, f"bookings[{i}]", source))
        return Diary(tuple(out))
    if format == "csv":
        reader = csv.DictReader(io.StringIO(text))
        rows = []
        for row in reader:
            line = reader.line_num
            if None in row:
                raise E("has more cells than the header", source=source, line=line)
            try:
                rows.append(_booking_from(row, "", source))
            except ClinicError as exc:
                raise E(exc.problem, path=exc.path, source=source, line=line) from None
        return Diary(tuple(rows))
    raise InputError(f"must be 'json' or 'csv', got {format!r}", path="format")


def load_diary(path: str | Path) -> Diary:
    """Load a diary export; ``.json`` or ``.csv`` by suffix (see :func:`parse_diary`).

    Raises:
        ClinicError: the file is missing, unreadable, of another suffix or invalid.
    """
    name = str(path)
    suffix = Path(name).suffix.lower()
    if suffix not in (".json", ".csv"):
        raise E("must be a .json or .csv diary export", source=name)
    try:
        text = Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise E(f"cannot read file ({exc.strerror})", source=name) from None
    return parse_diary(text, suffix[1:], source=name)


def bookings_needed(resources: Iterable[Resource], protocol: str) -> dict[str, list[str]]:
    """For each resource kind a session of ``protocol`` needs, the ids that serve it."""
    out: dict[str, list[str]] = {}
    for resource in resources:
        if protocol in resource.treatments:
            out.setdefault(resource.kind, []).append(resource.id)
    return out
