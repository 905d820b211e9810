"""One strict reader: parsed TOML / JSON data into frozen ``attrs`` values.

Every file format (protocols, clients, clinics, scenarios) and every JSON
document (plans, reports, screenings, protocols) is read here, derived from
the classes themselves:

* each field's name is its key (``metadata={KEY: "intake"}`` renames one);
* an absent key leaves the class default, so defaults live only in the class;
* a missing required key, an unknown key or a value of the wrong type is an
  error naming the key path; class validator errors are re-raised with it;
* the field's type drives conversion: ``Duration`` from its text, a date from
  ``YYYY-MM-DD`` or a TOML date, a time from ``HH:MM``, nested classes,
  tuples of them, ``Literal`` choices, optional values.

File-only quirks are hooks a format passes by name, keyed by the class (the
whole table) or by ``(class, field name)`` (one value): see the ``*_HOOKS``
of :mod:`collagenplan.capacity.scenarios`.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import difflib
import re
import types
import typing
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal, TypeVar

import attrs

from ._fields import SOURCE, _typename, iana_zone, join, old_names, parse_date
from ._text import text_problem
from .durations import Duration
from .errors import InputError, RenamedKeyWarning

__all__ = ["HINT", "KEY", "READ", "WRITE", "Hook", "Reader", "fields_of", "hints_of", "step"]

KEY = "collagenplan.key"
"""Field metadata: the file key, when it is not the field's name."""
HINT = "collagenplan.hint"
"""Field metadata: what to add when the required key is missing."""
READ = "collagenplan.read"
"""Field metadata: ``False`` for a field never read from data (a live hook)."""
WRITE = "collagenplan.write"
"""Field metadata: the attribute a document writes the field from, when it is not
the field itself (a private field behind a property, as ``Violation.message``)."""

T = TypeVar("T")
Hook = Callable[[object, "Reader"], Any]
"""Reads one raw value; raises InputError with a path relative to that value."""

_TRAIL: contextvars.ContextVar[tuple[str | int, ...]] = contextvars.ContextVar(
    "collagenplan_trail", default=()
)
"""The key path being read, for warnings (errors carry their own path)."""

_TIME_TEXT = re.compile(r"(\d{2}):(\d{2})(?::(\d{2}))?")
_IXDTF = re.compile(r"(?P<iso>[^\[\]]+)(?:\[(?P<zone>[^\[\]]+)\])?")


def step(key: str | int, rest: str = "") -> str:
    """``key`` (or ``[index]``) followed by the relative key path ``rest``."""
    head = f"[{key}]" if isinstance(key, int) else key
    if not rest:
        return head
    if not head:
        return rest
    return head + (rest if rest.startswith("[") else "." + rest)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """The resolved field types of ``cls`` (computed once per class)."""
    found = _HINTS.get(cls)
    if found is None:
        found = _HINTS[cls] = typing.get_type_hints(cls)
    return found


def _fields(cls: type) -> dict[str, attrs.Attribute[Any]]:
    """The readable fields of ``cls`` by file key."""
    return {
        a.metadata.get(KEY, str(a.alias)): a
        for a in attrs.fields(cls)
        if a.init and a.metadata.get(READ, True)
    }


fields_of = _fields
"""The readable fields of a class by key (what the reader accepts), for JSON Schemas."""
hints_of = _hints
"""The resolved field types of a class, for JSON Schemas."""


def _plural(tp: Any) -> str:
    names = {str: "strings", int: "integers", float: "numbers", dt.date: "dates"}
    return names.get(tp, "tables" if attrs.has(tp) else "values")


class Reader:
    """Reads data into values for one format; every error is ``error`` with a key path.

    Args:
        error: the :class:`InputError` subclass every problem becomes.
        table: how a mapping is called in messages (``"a table"``, ``"an object"``).
        hooks: the format's quirks, by class or by ``(class, field name)``.
    """

    def __init__(
        self,
        error: type[InputError],
        *,
        table: str = "a table",
        hooks: Mapping[object, Hook] | None = None,
    ) -> None:
        self.error = error
        self.table = table
        self.hooks: Mapping[object, Hook] = hooks or {}

    def fail(self, problem: str, path: str = "") -> InputError:
        """Build (not raise) this format's error."""
        return self.error(problem, path=path)

    def _at(self, err: InputError, key: str | int) -> InputError:
        return self.error(err.problem, path=step(key, err.path), source=err.source, line=err.line)

    @contextmanager
    def at(self, key: str | int) -> Iterator[None]:
        """Re-raise any :class:`InputError` inside the block as this format's, under ``key``."""
        token = _TRAIL.set((*_TRAIL.get(), key))
        try:
            yield
        except InputError as err:
            raise self._at(err, key) from None
        finally:
            _TRAIL.reset(token)

    def renamed(
        self, table: Mapping[str, object], renames: Mapping[str, str], *within: str | int
    ) -> Mapping[str, object]:
        """``table`` with old key names read as the new ones (``renames``: old -> new),
        each with a :class:`RenamedKeyWarning` naming the file and key path; ``within``
        are keys between the current path and ``table``."""
        if not renames or not any(old in table for old in renames):
            return table
        out = dict(table)
        for old, new in renames.items():
            if old not in out:
                continue
            if new in out:
                raise self.fail(f"give {new!r} or its old name {old!r}, not both", old)
            path = ""
            for key in (*_TRAIL.get(), *within, old):
                path = join(path, key)
            warnings.warn(
                RenamedKeyWarning(old, new, path=path, source=SOURCE.get()), stacklevel=2
            )
            out[new] = out.pop(old)
        return out

    # ------------------------------------------------------------ documents

    def document(
        self, data: object, cls: type[T], *, schema: int, also: tuple[str, ...] = ()
    ) -> T:
        """Read a whole file: check its required ``schema`` key once, then read ``cls``.

        ``also`` are other accepted spellings of the schema (a document kind).
        """
        table = self.mapping(data)
        if "schema" not in table:
            raise self.fail("is required", "schema")
        found = table["schema"]
        if isinstance(found, bool) or (found != schema and found not in also):
            alias = f" (or {also[0]!r})" if also else ""
            raise self.fail(
                f"unsupported schema {found!r}; this version reads schema {schema}{alias}",
                "schema",
            )
        body = {k: v for k, v in table.items() if k != "schema"}
        return self.build(cls, body, allowed=("schema",))

    def mapping(self, data: object) -> Mapping[str, object]:
        """``data`` if it is a table, else an error saying what it is."""
        if not isinstance(data, Mapping):
            raise self.fail(f"must be {self.table}, got {_typename(data)}")
        return data

    def check_keys(self, data: Mapping[str, object], allowed: Iterable[str]) -> None:
        """An error at the first key of ``data`` not in ``allowed``."""
        names = sorted(set(allowed))
        unknown = sorted(set(data) - set(names))
        if unknown:
            raise self.fail(f"unknown key (allowed here: {', '.join(names)})", unknown[0])

    def build(self, cls: type[T], data: object, *, allowed: tuple[str, ...] = ()) -> T:
        """Read the table ``data`` into ``cls``: present keys only, class defaults for the rest."""
        table = self.renamed(self.mapping(data), old_names(cls))
        fields = _fields(cls)
        hints = _hints(cls)
        kwargs: dict[str, Any] = {}  # by the field's __init__ name (its alias)
        for key, field in fields.items():
            if key not in table:
                if field.default is attrs.NOTHING:
                    raise self.fail(self._missing(key, field, table, fields), key)
                continue
            hook = self.hooks.get((cls, field.name))
            with self.at(key):
                if hook is not None:
                    kwargs[str(field.alias)] = hook(table[key], self)
                else:
                    kwargs[str(field.alias)] = self.read(table[key], hints[field.name])
        self.check_keys(table, [*fields, *allowed])
        with self.at(""):
            return cls(**kwargs)

    @staticmethod
    def _missing(
        key: str, field: attrs.Attribute[Any], table: Mapping[str, object], known: Iterable[str]
    ) -> str:
        hint = field.metadata.get(HINT)
        problem = f"is required: {hint}" if hint else "is required"
        unknown = [k for k in table if k not in set(known)]
        close = difflib.get_close_matches(key, unknown, n=1)
        return problem + (f" (found unknown key {close[0]!r}: a misspelling?)" if close else "")

    # --------------------------------------------------------------- values

    def read(self, value: object, tp: Any) -> Any:
        """Read one value of type ``tp``; errors carry a path relative to ``value``."""
        hook = self.hooks.get(tp)
        if hook is not None:
            return hook(value, self)
        origin = typing.get_origin(tp)
        if origin is typing.Union or origin is types.UnionType:
            return self._union(value, typing.get_args(tp))
        if origin is Literal:
            return self._choice(value, typing.get_args(tp))
        if origin is tuple:
            return self._tuple(value, typing.get_args(tp))
        plain = _VALUES.get(tp)
        if plain is not None:
            return plain(value)
        if attrs.has(tp):
            return self.build(tp, value)
        raise self.fail(f"cannot be read from a file (a {_typename(tp)})")

    def _union(self, value: object, options: tuple[Any, ...]) -> Any:
        if value is None and type(None) in options:
            return None
        rest = [t for t in options if t is not type(None)]
        arrays = [t for t in rest if typing.get_origin(t) is tuple]
        if isinstance(value, list | tuple) and arrays:
            return self.read(value, arrays[0])
        scalars = [t for t in rest if typing.get_origin(t) is not tuple]
        return self.read(value, (scalars or rest)[0])

    def _choice(self, value: object, options: tuple[Any, ...]) -> Any:
        if not isinstance(value, str):
            raise self.fail(f"must be a string, got {_typename(value)}")
        if value not in options:
            raise self.fail(f"must be one of {', '.join(map(str, options))}; got {value!r}")
        return value

    def _tuple(self, value: object, args: tuple[Any, ...]) -> tuple[Any, ...]:
        if len(args) != 2 or args[1] is not Ellipsis:
            raise self.fail(f"cannot be read from a file (a tuple of {args})")
        item = args[0]
        if not isinstance(value, list | tuple):
            raise self.fail(f"must be an array of {_plural(item)}, got {_typename(value)}")
        out = []
        for i, element in enumerate(value):
            with self.at(i):
                out.append(self.read(element, item))
        return tuple(out)


# ------------------------------------------------------------------ values


def _strict(kind: type, expected: str) -> Callable[[object], Any]:
    def read(value: object) -> Any:
        allowed: tuple[type, ...] = (int, float) if kind is float else (kind,)
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, allowed):
            raise InputError(f"must be {expected}, got {_typename(value)}")
        if isinstance(value, str):
            problem = text_problem(value)
            if problem is not None:
                raise InputError(problem)
        return float(value) if kind is float else value  # type: ignore[arg-type]

    return read


def _duration(value: object) -> Duration:
    if not isinstance(value, str):
        raise InputError(f"must be a duration text such as '4w', got {_typename(value)}")
    return Duration.parse(value)


def _date(value: object) -> dt.date:
    return parse_date(value, InputError)


def _time(value: object) -> dt.time:
    """A local time of day: a TOML local time, or ``HH:MM`` / ``HH:MM:SS`` text."""
    if isinstance(value, dt.time):
        if value.tzinfo is not None:
            raise InputError("must be a local time without an offset")
        return value
    if isinstance(value, str):
        match = _TIME_TEXT.fullmatch(value.strip())
        if match:
            hour, minute, second = (int(g) if g else 0 for g in match.groups())
            if hour < 24 and minute < 60 and second < 60:
                return dt.time(hour, minute, second)
    shown = repr(value) if isinstance(value, str) else _typename(value)
    raise InputError(f"must be a time of day written HH:MM, got {shown}")


def _datetime(value: object) -> dt.datetime:
    """ISO 8601 with an offset, optionally an RFC 9557 ``[Area/City]`` zone suffix."""
    expected = "must be a date-time such as '2027-03-29T10:00:00+01:00[Europe/London]'"
    if not isinstance(value, str):
        raise InputError(f"{expected}, got {_typename(value)}")
    match = _IXDTF.fullmatch(value)
    try:
        if match is None or "T" not in value:
            raise ValueError
        moment = dt.datetime.fromisoformat(match["iso"])
    except ValueError:
        raise InputError(f"{expected}, got {value!r}") from None
    name = match["zone"]
    if name is None:
        return moment
    offset = moment.utcoffset()
    if offset is None:
        raise InputError(f"needs a UTC offset before the time zone name, got {value!r}")
    zone = iana_zone(name)
    if zone is None:
        raise InputError(f"unknown IANA time zone {name!r}")
    wall = moment.replace(tzinfo=zone)
    # The offset picks the fold: it tells the two 01:30s of a DST fall-back apart.
    for fold in (0, 1):
        candidate = wall.replace(fold=fold)
        if candidate.utcoffset() == offset:
            return candidate
    raise InputError(
        f"offset {moment.isoformat()[-6:]} does not match {name} at that time "
        f"({wall.isoformat()[-6:]}), in {value!r}"
    )


_VALUES: dict[Any, Callable[[object], Any]] = {
    str: _strict(str, "a string"),
    int: _strict(int, "an integer"),
    float: _strict(float, "a number"),
    bool: _strict(bool, "true or false"),
    Duration: _duration,
    dt.date: _date,
    dt.datetime: _datetime,
    dt.time: _time,
}
