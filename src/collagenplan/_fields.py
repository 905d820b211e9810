"""File plumbing shared by the readers: text to data, names, dates, key paths.

Reading the data into values is :mod:`collagenplan._reader`'s job; this
module turns files and text into plain data (with the TOML / JSON line of a
syntax error) and holds the small helpers the classes share.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import itertools
import json
import re
import stat
import tomllib
import warnings
import zoneinfo
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, TypeVar

from .errors import InputError

__all__ = [
    "KEBAB",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "check_kebab",
    "iana_zone",
    "load_document",
    "load_json",
    "read_text",
    "relocated",
    "renamed",
]

T = TypeVar("T")
E = TypeVar("E", bound=InputError)
KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

MAX_DEPTH = 32
"""Deepest nesting of arrays and tables a file or document may have.

The deepest real layout (a plan document: plan, sessions, a session, its
milestones, a milestone) is 5 levels; the standard parsers recurse once per
level, so thousands of ``[`` would exhaust the stack. The depth is measured
on the text before parsing (strings and comments skipped), and a file
deeper than this is refused with the line it goes too deep on.
"""
# Strings and comments, whose brackets do not nest: TOML multi-line and
# single-line strings of both kinds and comments; JSON strings are the
# single-line basic kind.
_TOML_SKIP = re.compile(
    r'"""(?:[^\\]|\\.)*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*'
)
_JSON_SKIP = re.compile(r'"(?:[^"\\]|\\.)*"')
_NESTING = {"[": 1, "{": 1, "]": -1, "}": -1}
_BRACKETS = re.compile(r"[\[\]{}]")


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


RENAMED = "__collagenplan_renamed__"
"""Class attribute set by :func:`renamed`: old name -> new name."""

SOURCE: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "collagenplan_source", default=None
)
"""The file being read, for warnings raised while reading it."""

C = TypeVar("C", bound=type)


def renamed(**old_to_new: str) -> Callable[[C], C]:
    """Class decorator: keep reading old names of renamed fields for one release.

    ``@renamed(stop="end")`` makes ``Medication(..., stop=d)`` build
    ``end=d`` and ``medication.stop`` read ``end``, each with a
    ``DeprecationWarning``; file readers (:mod:`collagenplan._reader`) accept
    the old key too, with a :class:`~collagenplan.errors.RenamedKeyWarning`.
    """

    def decorate(cls: C) -> C:
        init = cls.__init__  # type: ignore[misc]

        @functools.wraps(init)
        def __init__(self: object, *args: Any, **kwargs: Any) -> None:
            for old, new in old_to_new.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(
                            f"{cls.__name__}() got both {new!r} and its old name {old!r}"
                        )
                    warnings.warn(
                        f"{cls.__name__}({old}=...) is deprecated; use {new}=",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            init(self, *args, **kwargs)

        cls.__init__ = __init__  # type: ignore[misc]
        for old, new in old_to_new.items():
            setattr(cls, old, _old_attribute(cls.__name__, old, new))
        setattr(cls, RENAMED, {**getattr(cls, RENAMED, {}), **old_to_new})
        return cls

    return decorate


def _old_attribute(owner: str, old: str, new: str) -> property:
    def read(self: object) -> Any:
        warnings.warn(
            f"{owner}.{old} is deprecated; use {owner}.{new}", DeprecationWarning, stacklevel=2
        )
        return getattr(self, new)

    read.__doc__ = f"Deprecated alias of :attr:`{new}`."
    return property(read)


def old_names(cls: type) -> Mapping[str, str]:
    """The renamed fields of ``cls``: old name -> new name."""
    found: Mapping[str, str] = getattr(cls, RENAMED, {})
    return found


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


def _check_depth(
    text: str, skip: re.Pattern[str], syntax: str, error: type[E], source: str | None
) -> None:
    """Refuse ``text`` nested deeper than :data:`MAX_DEPTH`, before any parser recurses."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return  # cannot be too deep: the common case costs two counts
    bare = skip.sub(lambda m: "\n" * m.group().count("\n"), text)
    depths = list(itertools.accumulate(map(_NESTING.__getitem__, _BRACKETS.findall(bare))))
    if max(depths, default=0) <= MAX_DEPTH:
        return
    # Depth moves by one per bracket, so it passes MAX_DEPTH + 1 on its way up.
    deepest = depths.index(MAX_DEPTH + 1)
    at = next(itertools.islice(_BRACKETS.finditer(bare), deepest, None))
    tables = "objects" if syntax == "JSON" else "tables"
    raise error(
        f"not valid {syntax}: arrays and {tables} nest more than {MAX_DEPTH} levels deep",
        source=source,
        line=bare.count("\n", 0, at.start()) + 1,
    )


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """``object_pairs_hook`` for :func:`json.loads`: a key twice in one object is an error."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return data


class _DuplicateKey(Exception):
    """Raised inside the JSON parser; becomes the caller's :class:`InputError`."""


def load_json(text: str | bytes, error: type[E], source: str | None = None) -> object:
    """Parse JSON text strictly: bounded nesting, no duplicate keys, no NaN or Infinity.

    Every problem is ``error`` naming ``source`` and, where known, the line.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode(json.detect_encoding(text))
        except UnicodeDecodeError as exc:  # what json.loads(bytes) would say
            raise error(f"not UTF-8 text ({exc.reason})", source=source) from None
    _check_depth(text, _JSON_SKIP, "JSON", error, source)
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise error(f"not valid JSON: {exc.msg}", source=source, line=exc.lineno) from None
    except _DuplicateKey as exc:
        raise error(
            "not valid JSON: duplicate key (a key may appear once in each object; "
            "the value of the earlier one would be lost)",
            source=source,
            path=str(exc.args[0]),
        ) from None
    except _Constant as exc:
        raise error(f"not valid JSON: {exc.args[0]} is not a JSON number", source=source) from None
    except RecursionError:  # a backstop: the depth check above should have caught it
        raise error(
            f"not valid JSON: arrays and objects nest more than {MAX_DEPTH} levels deep",
            source=source,
        ) from None


class _Constant(Exception):
    """``NaN``, ``Infinity`` or ``-Infinity``: Python's JSON extension, not JSON."""


def _no_constant(name: str) -> object:
    raise _Constant(name)


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def iana_zone(name: object) -> zoneinfo.ZoneInfo | None:
    """The IANA time zone ``name`` (``"Europe/London"``), or ``None`` when there is none.

    The name is looked up in the list of known zones first, so user text never
    reaches the file system as a path (``"../../etc/passwd"``, a name too long
    for the file system, a NUL byte).
    """
    if not isinstance(name, str) or name not in _zone_names():
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # a broken tzdata
        return None


def load_document(
    text: str, format: Literal["toml", "json"], error: type[E], source: str | None
) -> dict[str, object]:
    """Parse TOML or JSON text into a dict; syntax errors become ``error`` with the line.

    Text nested deeper than :data:`MAX_DEPTH` is refused before it is parsed,
    and a JSON object with a key twice is an error naming the key.
    """
    if format == "toml":
        _check_depth(text, _TOML_SKIP, "TOML", error, source)
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
            line = int(match.group(1)) if match else None
            problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
            raise error(f"not valid TOML: {problem}", source=source, line=line) from None
        except RecursionError:  # a backstop: the depth check above should have caught it
            raise error(
                f"not valid TOML: arrays and tables nest more than {MAX_DEPTH} levels deep",
                source=source,
            ) from None
    if format == "json":
        data = load_json(text, error, source)
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
    token = SOURCE.set(source)
    try:
        with relocated("", source):
            return build(data)
    finally:
        SOURCE.reset(token)


def read_file(path: str | Path, error: type[E]) -> tuple[str, Literal["toml", "json"], str]:
    """Read a .toml or .json file; returns (text, format, source name)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise error(
            f"unsupported file type {suffix or '(none)'!r}; use .toml or .json", source=str(p)
        )
    return read_text(p, error), "toml" if suffix == ".toml" else "json", str(p)


MAX_FILE_BYTES = 16 * 2**20
"""Largest file the loaders read: 16 MiB, a thousand times a busy client's file.
Larger is not a hand-written file, and would take minutes to check."""


def read_text(path: Path, error: type[E], source: str | None = None) -> str:
    """The UTF-8 text of the regular file ``path``, at most :data:`MAX_FILE_BYTES`.

    Devices, pipes and directories (``/dev/zero``, ``/dev/stdin``) are refused
    before anything is read, so a path can neither hang a load nor fill memory.
    """
    source = str(path) if source is None else source
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise error("not a regular file", source=source)
        if info.st_size > MAX_FILE_BYTES:
            raise error(
                f"is {info.st_size:,} bytes; files may hold at most {MAX_FILE_BYTES:,}",
                source=source,
            )
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error("file not found", source=source) from None
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text ({exc.reason})", source=source) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        if isinstance(exc, InputError):
            raise
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise error(f"cannot read file ({reason})", source=source) from None


def to_tuple(value: Any) -> Any:
    """attrs converter: a list becomes a tuple so that values stay immutable.

    Anything else is passed through for the field's validator to judge.
    """
    return tuple(value) if isinstance(value, list) else value
