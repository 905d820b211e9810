"""What planning asks of every date: may a session fall on it, and if not, why.

These two names live in their own module so that the modules that produce
date checks (screening, clinics) and the planner that consumes them can both
import them without importing each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs

from .messages import Message, Param

__all__ = ["Blocker", "DateCheck"]


@attrs.frozen
class Blocker:
    """Why a date is not allowed for a session (internal to planning)."""

    code: str
    """The violation code a window full of such dates produces."""
    reason: str
    """A phrase for messages (``"the clinic is closed"``)."""
    rule: str | None = None
    """Where the rule lives (``washouts[0]``, ``events[1]``)."""
    message: Message | None = attrs.field(default=None, eq=False)
    """``reason`` as data, for violations in any locale (``None``: kept as written)."""

    @property
    def words(self) -> Message:
        """``message``, or ``reason`` as written."""
        return self.message or Message("as-written", [Param("text", self.reason)])


DateCheck = Callable[[dt.date], "Blocker | None"]
"""Answers "may a session be on this date?" with ``None`` (yes) or the reason."""
