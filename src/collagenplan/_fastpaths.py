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

from typing import Any, TypeVar

import attrs

__all__ = ["FAST", "build", "evolve"]

FAST = True
"""Take the fast paths (tests turn it off to compare against the slow ones)."""

_T = TypeVar("_T")

_Layout = tuple[tuple[str, ...], tuple[tuple[str, object], ...]]
_LAYOUTS: dict[type, _Layout | None] = {}


def _layout(cls: type) -> _Layout | None:
    """``cls``'s field names and its plain defaults; ``None`` when a default is a factory."""
    if cls in _LAYOUTS:
        return _LAYOUTS[cls]
    names = []
    defaults = []
    layout: _Layout | None
    for field in attrs.fields(cls):
        names.append(field.name)
        if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            layout = None
            break
        if field.default is not attrs.NOTHING:
            defaults.append((field.name, field.default))
    else:
        layout = (tuple(names), tuple(defaults))
    _LAYOUTS[cls] = layout
    return layout


def build(cls: type[_T], /, **values: Any) -> _T:
    """``cls(**values)`` for checked values: the same object, no check run again.

    A field not given takes its (plain) default; a class with a factory
    default, or the slow paths, get the real constructor.
    """
    layout = _layout(cls) if FAST else None
    if layout is None:
        return cls(**values)
    made: _T = object.__new__(cls)
    put = object.__setattr__
    for name, default in layout[1]:
        put(made, name, default)
    for name, value in values.items():
        put(made, name, value)
    return made


def evolve(instance: _T, /, **changes: Any) -> _T:
    """``attrs.evolve(instance, **changes)`` for checked changes, no check run again."""
    cls = type(instance)
    layout = _layout(cls) if FAST else None
    if layout is None:
        return attrs.evolve(instance, **changes)
    made: _T = object.__new__(cls)
    put = object.__setattr__
    for name in layout[0]:
        put(made, name, changes[name] if name in changes else getattr(instance, name))
    return made
