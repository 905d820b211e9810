"""The English templates of screening reasons, milestones and export texts."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["TEXT_MESSAGES"]

TEXT_MESSAGES: Mapping[str, str] = {}
"""Message key -> English template (the gettext message id)."""
