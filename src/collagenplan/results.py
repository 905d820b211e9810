"""Results: plans, violations and reports -- what a calendar is and what is wrong with it."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import attrs

from ._fields import to_tuple
from .sessions import PlannedSession, Window

__all__ = ["CODES", "Plan", "Report", "Severity", "Violation"]

Severity = Literal["error", "warning"]

CODES: dict[str, str] = {
    "interval-too-short": "a session is closer to the one before than the protocol allows",
    "within-grace": "a session is early, but within the protocol's grace (warning)",
    "interval-too-long": "a session is later after the one before than the protocol allows",
    "too-few-sessions": "a completed calendar has fewer sessions than the phase needs",
    "too-many-sessions": "a calendar has more sessions than the protocol allows",
    "not-chronological": "a date is earlier than the one listed before it",
    "same-day-duplicate": "two sessions fall on the same day",
    "washout": "an exposure is recorded inside a session's washout window",
    "contraindicated": "an absolute contraindication is active",
    "needs-review": "a relative contraindication needs a clinician's review (warning)",
    "deferred": "a session falls before the client may start",
    "clinic-closed": "the clinic is closed, or no qualified practitioner works, that day",
    "event-blackout": "a session's downtime or buffer overlaps a client's event",
    "procedure-spacing": "a session is too close to another procedure",
    "no-date-in-window": "no allowed date exists inside the session's window",
    "series-restarted": "a late gap past the protocol's restart limit starts the series again"
    " (warning)",
}
"""Every stable violation code with a one-line meaning."""


@attrs.frozen(kw_only=True)
class Violation:
    """One problem with a calendar, explained.

    ``code`` is stable (see :data:`CODES`); ``message`` is a sentence a
    receptionist can read.
    """

    code: str
    """Stable kebab-case code, a key of :data:`CODES`."""
    severity: Severity
    """``error`` makes the calendar invalid; ``warning`` does not."""
    message: str
    """Plain-English explanation."""
    session: int | None = None
    """1-based number of the session concerned, if one is."""
    date: dt.date | None = None
    """Date of that session."""
    rule: str | None = None
    """The protocol rule it comes from, as a key path (``phases[0].interval``)."""
    expected: Window | None = None
    """The window the session should have been in."""
    gap_days: int | None = None
    """Actual days since the previous session, where that matters."""

    def __str__(self) -> str:
        where = f"session {self.session}: " if self.session is not None else ""
        return f"{self.severity} [{self.code}] {where}{self.message}"


@attrs.frozen(kw_only=True)
class Report:
    """The result of :func:`~collagenplan.validate`."""

    violations: tuple[Violation, ...] = attrs.field(default=(), converter=to_tuple)
    """Every problem found, in session order."""
    sessions: tuple[PlannedSession, ...] = attrs.field(default=(), converter=to_tuple)
    """How the dates were read: each date with its phase and expected window."""

    @property
    def ok(self) -> bool:
        """True when no violation has severity ``error``."""
        return not any(v.severity == "error" for v in self.violations)

    @property
    def errors(self) -> tuple[Violation, ...]:
        """Violations with severity ``error``."""
        return tuple(v for v in self.violations if v.severity == "error")

    @property
    def warnings(self) -> tuple[Violation, ...]:
        """Violations with severity ``warning``."""
        return tuple(v for v in self.violations if v.severity == "warning")

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of all violations, in order."""
        return tuple(v.code for v in self.violations)


@attrs.frozen(kw_only=True)
class Plan:
    """A planned calendar for one protocol: sessions and the problems found."""

    protocol_id: str
    """Id of the protocol it was planned from."""
    start: dt.date
    """The requested start date."""
    sessions: tuple[PlannedSession, ...] = attrs.field(converter=to_tuple)
    """The sessions in date order."""
    problems: tuple[Violation, ...] = attrs.field(default=(), converter=to_tuple)
    """Violations found while planning; empty when valid."""
    horizon: dt.date | None = None
    """Last date repeating phases were planned up to, if any."""

    @property
    def ok(self) -> bool:
        """True when no problem has severity ``error``."""
        return not any(p.severity == "error" for p in self.problems)

    @property
    def dates(self) -> tuple[dt.date, ...]:
        """The session dates in order."""
        return tuple(s.date for s in self.sessions)
