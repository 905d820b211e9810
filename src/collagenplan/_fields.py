"""File plumbing shared by the readers: text to data, names, dates, key paths.

Reading the data into values is :mod:`collagenplan._reader`'s job; this
module turns files and text into plain data (with the TOML / JSON line of a
syntax error) and holds the small helpers the classes share.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import json
import re
import tomllib
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, TypeVar

from .errors import InputError

__all__ = ["KEBAB", "check_kebab", "load_document", "relocated", "renamed"]

T = TypeVar("T")
E = TypeVar("E", bound=InputError)
KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


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
