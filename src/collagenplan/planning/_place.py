"""Placing one session: the allowed date nearest its window's target."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from .._blockers import Blocker, DateCheck
from ..durations import add_days
from ..messages import Message, Param
from ..protocols.model import Phase
from ..results import Violation, nested, window_params
from ..sessions import Window

__all__ = ["SEARCH_DAYS", "blocker_on", "choose_date", "no_room", "within_grace"]

# How far past a window the planner looks for an allowed date before it gives
# up: three years covers any clinic closure or client deferral seen in practice.
SEARCH_DAYS = 3 * 366


def blocker_on(day: dt.date, checks: Sequence[DateCheck]) -> Blocker | None:
    """The first rule that forbids a session on ``day``, or ``None``."""
    return _blocker(day, checks)


def _blocker(day: dt.date, checks: Sequence[DateCheck]) -> Blocker | None:
    for check in checks:
        found = check(day)
        if found is not None:
            return found
    return None


def _candidates(window: Window) -> Iterator[dt.date]:
    """Dates of the window, nearest the target first, earlier first on a tie."""
    one = dt.timedelta(days=1)
    target = window.target
    latest = window.latest
    before = target - window.earliest
    after = (latest - target) if latest is not None else dt.timedelta(days=SEARCH_DAYS)
    yield target
    for i in range(1, max(before.days, after.days) + 1):
        step = one * i
        if step <= before:
            yield target - step
        if step <= after:
            try:
                yield target + step
            except OverflowError:
                return


def choose_date(
    window: Window, checks: Sequence[DateCheck], *, floor: dt.date | None = None
) -> tuple[dt.date | None, dict[str, Blocker]]:
    """Pick the allowed date nearest the target; else one within grace; else the first after.

    When no date of the window is allowed, the days from ``floor`` (the
    phase's grace before ``earliest``) are tried next, latest first: a session
    a day or two early is a warning, one after the window an error. Only then
    does the search go past the window.

    Returns the date (``None`` when nothing is allowed within ``SEARCH_DAYS``
    past the window) and, when the date is outside the window, the blockers
    met inside it keyed by code.
    """
    if not checks:
        return window.target, {}
    seen: dict[str, Blocker] = {}
    for day in _candidates(window):
        found = _blocker(day, checks)
        if found is None:
            return day, {}
        seen.setdefault(found.code, found)
    early = window.earliest
    while floor is not None and early > floor:
        early -= dt.timedelta(days=1)
        if _blocker(early, checks) is None:
            return early, seen
    if window.latest is None:
        return None, seen
    day = window.latest
    for _ in range(SEARCH_DAYS):
        if day == dt.date.max:
            break
        day = add_days(day, 1)
        if _blocker(day, checks) is None:
            return day, seen
    return None, seen


def no_room(
    number: int, phase: Phase, window: Window, day: dt.date | None, seen: dict[str, Blocker]
) -> Violation:
    codes = set(seen)
    code = codes.pop() if len(seen) == 1 else "no-date-in-window"
    if code == "clinic-closed":
        code = "no-date-in-window"

    rule = next(iter(seen.values())).rule if len(seen) == 1 else None
    spent = any(b.code == "diary-full" and b.rule == "clinic.availability" for b in seen.values())
    placed = (
        Message("placed.after", [Param("date", day.isoformat(), "date")])
        if day is not None
        else (
            Message("placed.unplaced", [Param("days", str(SEARCH_DAYS), "number")])
            if not spent
            else Message("placed.budget")
        )
    )
    return Violation(
        code=code,
        severity="error",
        key="no-date",
        params=(
            *_where(number, phase, window, seen),
            *nested("placed", [placed]),
        ),
        session=number,
        date=day,
        rule=rule,
        expected=window,
    )


def within_grace(
    number: int,
    phase: Phase,
    index: int,
    window: Window,
    day: dt.date,
    previous: dt.date,
    seen: dict[str, Blocker],
) -> Violation:
    """The ``within-grace`` warning of a session moved into the grace before its window."""
    early = (window.earliest - day).days
    return Violation(
        code="within-grace",
        severity="warning",
        key="no-date.grace",
        params=(
            *_where(number, phase, window, seen),
            Param("date", day.isoformat(), "date"),
            Param("early", str(early), "days"),
            Param("grace", str(phase.grace), "units"),
        ),
        session=number,
        date=day,
        rule=f"phases[{index}].interval",
        expected=window,
        gap_days=(day - previous).days,
    )


def _where(number: int, phase: Phase, window: Window, seen: dict[str, Blocker]) -> list[Param]:
    """The session, its phase and window, and why no date in it is allowed."""
    reasons = [b.words for b in seen.values()] or [Message("reason.none")]
    return [
        Param("session", str(number), "number"),
        Param("phase", phase.name),
        *window_params("window", window),
        *nested("reasons", reasons),
    ]
