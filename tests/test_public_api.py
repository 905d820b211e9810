"""The public face of the package: ``collagenplan.__all__`` is sorted, complete and exact."""

from __future__ import annotations

import re
import types

import collagenplan


def _isort_key(name: str) -> tuple[int, list[object]]:
    """Constants first, then classes, then everything else; numbers compare as numbers.

    This is the order ruff's RUF022 rule ("isort-style") keeps ``__all__`` in.
    """
    if name.isupper() or (name.upper() == name and "_" in name):
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    parts = [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]
    return kind, parts


def test_all_is_sorted() -> None:
    """__all__ lists constants, then classes, then functions, each group sorted."""
    assert collagenplan.__all__ == sorted(collagenplan.__all__, key=_isort_key)


def test_all_has_no_duplicates() -> None:
    """No name is listed twice in __all__."""
    assert len(collagenplan.__all__) == len(set(collagenplan.__all__))


def test_all_names_exist() -> None:
    """Every name in __all__ is an attribute of the package."""
    assert [n for n in collagenplan.__all__ if not hasattr(collagenplan, n)] == []


def test_all_is_complete() -> None:
    """Every public, non-module attribute of the package is listed in __all__."""
    public = {
        name
        for name, value in vars(collagenplan).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert sorted(public - set(collagenplan.__all__)) == []


def test_star_import_gives_exactly_all() -> None:
    """``from collagenplan import *`` binds exactly the names in __all__."""
    namespace: dict[str, object] = {}
    exec("from collagenplan import *", namespace)
    namespace.pop("__builtins__")
    assert sorted(namespace) == sorted(collagenplan.__all__)
