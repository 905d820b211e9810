"""Strict reading of TOML / JSON documents into typed values.

Every file format collagenplan reads (protocols, clients, clinics,
scenarios) goes through :class:`Fields`, so they all reject unknown keys and
wrong types the same way and name the key path in every message.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, TypeVar

from .durations import Duration
from .errors import InputError

__all__ = ["KEBAB", "Fields", "check_kebab", "load_document", "relocated"]

T = TypeVar("T")
E = TypeVar("E", bound=InputError)
KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_MISSING: Any = object()


def _typename(value: object) -> str:
    names = {
        dict: "a table",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        type(None): "null",
    }
    for kind, name in names.items():
        if type(value) is kind:
            return name
    if isinstance(value, dt.datetime):
        return "a date-time"
    if isinstance(value, dt.date):
        return "a date"
    return type(value).__name__


def check_kebab(value: object, what: str, error: type[InputError], path: str = "") -> str:
    """Return ``value`` if it is a kebab-case name, else raise ``error``."""
    if not isinstance(value, str):
        raise error(f"{what} must be a string, got {_typename(value)}", path=path)
    if not KEBAB.fullmatch(value):
        raise error(
            f"{what} must be kebab-case (lower-case letters, digits and single hyphens), "
            f"got {value!r}",
            path=path,
        )
    return value


def join(path: str, key: str | int) -> str:
    """Append a key or an index to a key path."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


@contextmanager
def relocated(path: str, source: str | None = None) -> Iterator[None]:
    """Re-raise any :class:`InputError` inside the block with ``path`` prefixed."""
    try:
        yield
    except InputError as err:
        raise err.located(source=source, prefix=path) from None


class Fields:
    """One table of a document; hands out typed values and tracks which keys were read.

    Call :meth:`finish` when done: any key that was not read is an error
    (unknown keys are usually typos, and silently dropping them would hide a
    rule the clinic thought it had written).
    """

    def __init__(self, data: object, path: str, error: type[InputError]) -> None:
        if not isinstance(data, Mapping):
            raise error(f"must be a table, got {_typename(data)}", path=path)
        self.data: Mapping[str, object] = data
        self.path = path
        self.error = error
        self._read: set[str] = set()

    def fail(self, key: str | None, problem: str) -> InputError:
        """Build (not raise) an error at ``key`` of this table."""
        return self.error(problem, path=join(self.path, key) if key else self.path)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: object = _MISSING) -> object:
        self._read.add(key)
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            unread = [k for k in self.data if k not in self._read]
            close = difflib.get_close_matches(key, unread, n=1)
            hint = f" (found unknown key {close[0]!r}: a misspelling?)" if close else ""
            raise self.fail(key, f"is required{hint}")
        return default

    def _typed(self, key: str, kinds: tuple[type, ...], expected: str, default: Any) -> Any:
        value = self.raw(key, default)
        if value is default and default is not _MISSING and key not in self.data:
            return value
        if isinstance(value, bool) and bool not in kinds:
            raise self.fail(key, f"must be {expected}, got {_typename(value)}")
        if not isinstance(value, kinds):
            raise self.fail(key, f"must be {expected}, got {_typename(value)}")
        return value

    def string(self, key: str, default: Any = _MISSING) -> Any:
        return self._typed(key, (str,), "a string", default)

    def kebab(self, key: str, default: Any = _MISSING) -> Any:
        value = self.string(key, default)
        if isinstance(value, str):
            check_kebab(value, "the name", self.error, join(self.path, key))
        return value

    def choice(self, key: str, options: tuple[str, ...], default: Any = _MISSING) -> Any:
        value = self.string(key, default)
        if isinstance(value, str) and value not in options:
            raise self.fail(key, f"must be one of {', '.join(options)}; got {value!r}")
        return value

    def integer(self, key: str, default: Any = _MISSING, *, minimum: int | None = None) -> Any:
        value = self._typed(key, (int,), "an integer", default)
        if isinstance(value, int) and minimum is not None and value < minimum:
            raise self.fail(key, f"must be at least {minimum}, got {value}")
        return value

    def number(self, key: str, default: Any = _MISSING) -> Any:
        value = self._typed(key, (int, float), "a number", default)
        return float(value) if isinstance(value, int | float) else value

    def boolean(self, key: str, default: Any = _MISSING) -> Any:
        return self._typed(key, (bool,), "true or false", default)

    def duration(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if key not in self.data:
            return value
        if not isinstance(value, str):
            raise self.fail(key, f"must be a duration text such as '4w', got {_typename(value)}")
        try:
            return Duration.parse(value)
        except InputError as err:  # a DurationError, reported as this document's error
            raise self.fail(key, err.problem) from None

    def date(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if key not in self.data:
            return value
        return parse_date(value, self.error, join(self.path, key))

    def strings(self, key: str, default: Any = _MISSING, *, kebab: bool = False) -> Any:
        value = self.raw(key, default)
        if key not in self.data:
            return value
        if not isinstance(value, list):
            raise self.fail(key, f"must be an array of strings, got {_typename(value)}")
        for i, item in enumerate(value):
            where = join(join(self.path, key), i)
            if kebab:
                check_kebab(item, "the name", self.error, where)
            elif not isinstance(item, str):
                raise self.error(f"must be a string, got {_typename(item)}", path=where)
        return tuple(value)

    def table(self, key: str, *, optional: bool = False) -> Fields | None:
        value = self.raw(key, None if optional else _MISSING)
        if value is None and optional and key not in self.data:
            return None
        return Fields(value, join(self.path, key), self.error)

    def schema(self, version: int) -> int:
        """Read the required ``schema`` key and check it is ``version``."""
        found = self.integer("schema")
        if found != version:
            raise self.fail(
                "schema", f"unsupported schema {found}; this version reads schema {version}"
            )
        return version

    def required_table(self, key: str) -> Fields:
        return Fields(self.raw(key), join(self.path, key), self.error)

    def tables(self, key: str) -> list[Fields]:
        value = self.raw(key, [])
        if not isinstance(value, list):
            raise self.fail(key, f"must be an array of tables, got {_typename(value)}")
        return [
            Fields(item, join(join(self.path, key), i), self.error) for i, item in enumerate(value)
        ]

    def build(self, factory: Callable[..., T], **kwargs: Any) -> T:
        """Call ``factory(**kwargs)``, then :meth:`finish`; errors gain this table's path."""
        self.finish()
        with relocated(self.path):
            return factory(**kwargs)

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self._read)
        if unknown:
            allowed = ", ".join(sorted(self._read))
            raise self.fail(unknown[0], f"unknown key (allowed here: {allowed})")


def parse_date(value: object, error: type[InputError], path: str = "") -> dt.date:
    """Accept a ``datetime.date`` or an ISO ``YYYY-MM-DD`` text."""
    if isinstance(value, dt.datetime):
        raise error(f"must be a date (YYYY-MM-DD), got a date-time {value.isoformat()}", path=path)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            if len(value) != 10:
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            raise error(f"must be a date written YYYY-MM-DD, got {value!r}", path=path) from None
    raise error(f"must be a date written YYYY-MM-DD, got {_typename(value)}", path=path)


def load_document(
    text: str, format: Literal["toml", "json"], error: type[E], source: str | None
) -> dict[str, object]:
    """Parse TOML or JSON text into a dict; syntax errors become ``error`` with the line."""
    if format == "toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
            line = int(match.group(1)) if match else None
            problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
            raise error(f"not valid TOML: {problem}", source=source, line=line) from None
    if format == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise error(f"not valid JSON: {exc.msg}", source=source, line=exc.lineno) from None
        if not isinstance(data, dict):
            raise error(f"must be a JSON object, got {_typename(data)}", source=source)
        return data
    raise error(f"unknown format {format!r}; use 'toml' or 'json'", source=source)


def parse_document(
    text: str,
    format: Literal["toml", "json"],
    error: type[InputError],
    source: str | None,
    build: Callable[[dict[str, object]], T],
) -> T:
    """Parse TOML/JSON ``text`` and ``build`` a value; every error names ``source``."""
    data = load_document(text, format, error, source)
    with relocated("", source):
        return build(data)


def read_file(path: str | Path, error: type[E]) -> tuple[str, Literal["toml", "json"], str]:
    """Read a .toml or .json file; returns (text, format, source name)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise error(
            f"unsupported file type {suffix or '(none)'!r}; use .toml or .json", source=str(p)
        )
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error("file not found", source=str(p)) from None
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text ({exc.reason})", source=str(p)) from None
    except OSError as exc:
        raise error(f"cannot read file ({exc.strerror})", source=str(p)) from None
    return text, "toml" if suffix == ".toml" else "json", str(p)


def to_tuple(value: Any) -> Any:
    """attrs converter: a list becomes a tuple so that values stay immutable.

    Anything else is passed through for the field's validator to judge.
    """
    return tuple(value) if isinstance(value, list) else value
