"""Optional dependencies of the capacity tools, and the error raised when one is missing."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import CollagenPlanError

__all__ = ["MissingExtraError", "require"]


class MissingExtraError(CollagenPlanError, ImportError):
    """An optional dependency a feature needs is not installed.

    The message names the package and the extra that installs it
    (``pip install 'collagenplan[analysis]'``).
    """

    def __init__(self, package: str, purpose: str, extra: str = "analysis") -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"{purpose} needs {package}, which is not installed; "
            f"install it with: pip install 'collagenplan[{extra}]'"
        )

    def __str__(self) -> str:
        return str(self.args[0])


def require(module: str, purpose: str, *, package: str | None = None) -> ModuleType:
    """Import ``module`` or raise :class:`MissingExtraError` saying what it was for."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(package or module.split(".")[0], purpose) from None
