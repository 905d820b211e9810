"""The English templates of every violation's message, by message key."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["VIOLATION_MESSAGES"]

VIOLATION_MESSAGES: Mapping[str, str] = {}
"""Message key -> English template (the gettext message id)."""
