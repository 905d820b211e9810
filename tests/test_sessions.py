"""Calendar values check themselves: Window, Milestone, PlannedSession, Visit."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest

import collagenplan as cp

DAY = dt.date(2027, 3, 1)
LONDON = zoneinfo.ZoneInfo("Europe/London")
WINDOW = cp.Window(earliest=DAY, target=DAY, latest=None)


def _session(**changes: Any) -> cp.PlannedSession:
    fields: dict[str, Any] = {"number": 1, "phase": "series", "date": DAY, "window": WINDOW}
    return cp.PlannedSession(**{**fields, **changes})


@pytest.mark.parametrize(
    ("changes", "path", "words"),
    [
        ({"earliest": "2027-03-01"}, "earliest", "must be a datetime.date, got a string"),
        ({"target": dt.datetime(2027, 3, 1, 9)}, "target", "got a date-time"),
        ({"latest": dt.datetime(2027, 3, 9, tzinfo=LONDON)}, "latest", "got a date-time"),
        ({"target": dt.date(2027, 2, 28)}, "target", "must not be before earliest"),
        ({"latest": dt.date(2027, 2, 28)}, "latest", "must not be before target"),
    ],
)
def test_window_refuses_bad_fields(changes: dict[str, Any], path: str, words: str) -> None:
    """A Window with a non-date, a date-time or out-of-order bounds raises InputError there."""
    fields: dict[str, Any] = {"earliest": DAY, "target": DAY, "latest": None, **changes}
    with pytest.raises(cp.InputError, match=words) as info:
        cp.Window(**fields)
    assert info.value.path == path


def test_window_accepts_good_values() -> None:
    """An ordered window, open or closed, is built and contains its bounds."""
    closed = cp.Window(earliest=DAY, target=dt.date(2027, 3, 5), latest=dt.date(2027, 3, 9))
    assert DAY in closed and dt.date(2027, 3, 9) in closed
    assert dt.date(2027, 3, 10) not in closed
    assert dt.date(2099, 1, 1) in WINDOW


@pytest.mark.parametrize(
    ("changes", "path", "words"),
    [
        ({"kind": ""}, "kind", "must not be empty"),
        ({"subject": 3}, "subject", "must be a string"),
        ({"start": dt.datetime(2027, 3, 1, 9)}, "start", "got a date-time"),
        ({"end": "2027-03-02"}, "end", "must be a datetime.date"),
        ({"end": dt.date(2027, 2, 28)}, "end", "must not be before start"),
        ({"note": 5}, "note", "must be a string"),
        ({"rule": " "}, "rule", "must not be empty"),
    ],
)
def test_milestone_refuses_bad_fields(changes: dict[str, Any], path: str, words: str) -> None:
    """A Milestone with a wrong type, a date-time or an end before its start raises there."""
    fields: dict[str, Any] = {"kind": "stop", "subject": "topical-retinoid", "start": DAY}
    with pytest.raises(cp.InputError, match=words) as info:
        cp.Milestone(**{**fields, **changes})
    assert info.value.path == path


def test_milestone_accepts_good_values() -> None:
    """A one-day task and a task that lasts are both built."""
    cp.Milestone(kind="stop", subject="topical-retinoid", start=DAY)
    cp.Milestone(kind="aftercare", subject="no-makeup", start=DAY, end=DAY, note="n", rule="r")


@pytest.mark.parametrize(
    ("changes", "path", "words"),
    [
        ({"number": 0}, "number", "must be at least 1, got 0"),
        ({"number": True}, "number", "must be an integer"),
        ({"number": "1"}, "number", "must be an integer"),
        ({"phase": ""}, "phase", "must not be empty"),
        ({"date": dt.datetime(2027, 3, 1, 9)}, "date", "got a date-time"),
        ({"window": (DAY, DAY)}, "window", "must be a Window"),
        ({"status": "weird"}, "status", "must be one of planned, booked, done"),
        ({"milestones": ("stop",)}, "milestones[0]", "must be a Milestone"),
        ({"start": dt.datetime(2027, 3, 1, 9)}, "start", "must be a time-zone aware datetime"),
        ({"start": DAY}, "start", "must be a time-zone aware datetime"),
        ({"minutes": 0}, "minutes", "must be at least 1, got 0"),
        ({"minutes": -5}, "minutes", "must be at least 1"),
        ({"minutes": 30.0}, "minutes", "must be an integer"),
        ({"practitioner": ""}, "practitioner", "must not be empty"),
    ],
)
def test_planned_session_refuses_bad_fields(
    changes: dict[str, Any], path: str, words: str
) -> None:
    """A PlannedSession with a bad field raises InputError naming that field."""
    with pytest.raises(cp.InputError, match=words) as info:
        _session(**changes)
    assert info.value.path == path


def test_planned_session_accepts_good_values() -> None:
    """A timed, staffed session with milestones is built; lists become tuples."""
    stop = cp.Milestone(kind="stop", subject="topical-retinoid", start=DAY)
    session = _session(
        status="booked",
        milestones=[stop],
        start=dt.datetime(2027, 3, 1, 10, tzinfo=LONDON),
        minutes=60,
        practitioner="Dr Okafor",
    )
    assert session.milestones == (stop,)
    assert _session(start=dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)).start is not None


@pytest.mark.parametrize(
    ("changes", "path", "words"),
    [
        ({"date": dt.datetime(2027, 3, 1, 9)}, "date", "got a date-time"),
        ({"date": None}, "date", "must be a datetime.date"),
        ({"status": "no-show"}, "status", "must be one of done, missed, cancelled, booked"),
    ],
)
def test_visit_refuses_bad_fields(changes: dict[str, Any], path: str, words: str) -> None:
    """A Visit with a date-time or an unknown status raises InputError naming the field."""
    with pytest.raises(cp.InputError, match=words) as info:
        cp.Visit(**{"date": DAY, **changes})
    assert info.value.path == path


@pytest.mark.parametrize("status", ["done", "missed", "cancelled", "booked"])
def test_visit_accepts_every_status(status: str) -> None:
    """Each visit status is accepted."""
    assert cp.Visit(date=DAY, status=status).status == status  # type: ignore[arg-type]
