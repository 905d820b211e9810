"""Optional dependencies of the capacity tools (:class:`~collagenplan.errors.MissingExtraError`
when one is missing)."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import MissingExtraError

__all__ = ["MissingExtraError", "require"]


def require(module: str, purpose: str, *, package: str | None = None) -> ModuleType:
    """Import ``module`` or raise :class:`MissingExtraError` saying what it was for."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(package or module.split(".")[0], purpose) from None
