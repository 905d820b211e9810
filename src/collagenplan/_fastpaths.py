"""The fast paths' one switch, and values built without re-checking what is checked.

Every fast path of issue 16 gives exactly the answer of the slow path it
skips; ``tests/test_fastpaths.py`` turns :data:`FAST` off and compares the
two on random inputs. Nothing else should change it.

:func:`build` and :func:`evolve` make attrs value objects the way their
constructor and :func:`attrs.evolve` do, minus the validators, converters
and ``__attrs_post_init__``. They are for values the library has just made
from checked ones (dates from the planner, texts from a validated protocol,
appointments from a validated clinic), where a check can only pass: a
million sessions spent a third of their time proving it again. The caller
passes each value as the converter would leave it (a tuple, not a list).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import MemberDescriptorType
from typing import Any, TypeVar

import attrs

__all__ = ["FAST", "build", "builder", "evolve"]

FAST = True
"""Take the fast paths (tests turn it off to compare against the slow ones)."""

_T = TypeVar("_T")

_MISSING: Any = object()


def _set_named(instance: object, value: object, *, name: str) -> None:
    object.__setattr__(instance, name, value)


_BUILDERS: dict[type, tuple[Any, Any] | None] = {}


def _builders(cls: type) -> tuple[Any, Any] | None:
    """``cls``'s unchecked constructor and evolver, written for its fields (as attrs does).

    ``None`` for a class with a factory default (a fresh value per object).
    """
    if cls in _BUILDERS:
        return _BUILDERS[cls]
    fields = attrs.fields(cls)
    made: tuple[Any, Any] | None = None
    if not any(isinstance(f.default, attrs.Factory) for f in fields):  # type: ignore[arg-type]
        scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls, "_M": _MISSING}
        params = []
        slotted = all(isinstance(getattr(cls, f.name, None), MemberDescriptorType) for f in fields)
        for i, f in enumerate(fields):
            scope[f"_d{i}"] = _MISSING if f.default is attrs.NOTHING else f.default
            params.append(f"{f.name}=_d{i}")
            # A slot's own setter is the quickest way past a frozen class's __setattr__.
            scope[f"_s{i}"] = (
                getattr(cls, f.name).__set__
                if slotted
                else functools.partial(_set_named, name=f.name)
            )
        head = "    self = _new(_cls)\n"
        build = "".join(f"    _s{i}(self, {f.name})\n" for i, f in enumerate(fields))
        evolve = "".join(
            f"    _s{i}(self, old.{f.name} if {f.name} is _M else {f.name})\n"
            for i, f in enumerate(fields)
        )
        names = ", ".join(f"{f.name}=_M" for f in fields)
        source = (
            f"def build(*, {', '.join(params)}):\n{head}{build}    return self\n"
            f"def evolve(old, /, *, {names}):\n{head}{evolve}    return self\n"
        )
        exec(compile(source, f"<collagenplan unchecked {cls.__qualname__}>", "exec"), scope)
        made = (scope["build"], scope["evolve"])
    _BUILDERS[cls] = made
    return made


def build(cls: type[_T], /, **values: Any) -> _T:
    """``cls(**values)`` for checked values: the same object, no check run again.

    A field not given takes its (plain) default; a class with a factory
    default, or the slow paths, get the real constructor.
    """
    made = _builders(cls) if FAST else None
    if made is None:
        return cls(**values)
    result: _T = made[0](**values)
    return result


def builder(cls: type[_T]) -> Callable[..., _T]:
    """:func:`build` for one class, to call in a loop: ``make = builder(cls); make(a=1)``.

    Ask again for each batch of values (the switch may change in between).
    """
    made = _builders(cls) if FAST else None
    if made is None:
        return cls
    maker: Callable[..., _T] = made[0]
    return maker


def evolve(instance: _T, /, **changes: Any) -> _T:
    """``attrs.evolve(instance, **changes)`` for checked changes, no check run again."""
    made = _builders(type(instance)) if FAST else None
    if made is None:
        checked: _T = attrs.evolve(instance, **changes)  # type: ignore[misc]
        return checked
    result: _T = made[1](instance, **changes)
    return result
