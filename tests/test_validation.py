"""Validation: interval checks, counts, ordering, phase reading and input handling."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import collagenplan as cp
from tests.strategies import protocols

d = dt.date
FACIAL = cp.get_protocol("facial-series")
SCALP = cp.get_protocol("scalp-series")
S1 = d(2026, 12, 1)


def after(days: int, base: dt.date = S1) -> dt.date:
    return base + dt.timedelta(days=days)


def test_back_dated_second_date() -> None:
    """A date listed after a later one is not-chronological, and read in date order.

    (Issue 11, U14: this was the table row -1 -> not-chronological only; dates
    are now read in date order, so the back-dated date is flagged where it
    sorts, and the one-day gap it leaves is too short as well.)
    """
    report = cp.validate(FACIAL, [S1, after(-1)])
    assert [(v.code, v.session, v.date) for v in report.violations] == [
        ("not-chronological", 1, after(-1)),
        ("interval-too-short", 2, S1),
    ]
    assert not report.ok


@pytest.mark.parametrize(
    ("gap", "codes", "ok"),
    [
        (35, [], True),  # on target
        (28, [], True),  # exactly min
        (42, [], True),  # exactly max
        (27, ["within-grace"], True),  # 1 day early, grace 2d
        (26, ["within-grace"], True),  # 2 days early: still grace
        (25, ["interval-too-short"], False),
        (43, ["interval-too-long"], False),
        (1, ["interval-too-short"], False),
        (0, ["same-day-duplicate"], False),
    ],
)
def test_gap_table(gap: int, codes: list[str], ok: bool) -> None:
    """A second facial session is classified by its gap against 4w / 6w and the 2d grace."""
    report = cp.validate(FACIAL, [S1, after(gap)])
    assert list(report.codes) == codes
    assert report.ok is ok
    if codes:
        v = report.violations[0]
        assert v.session == 2
        assert v.date == after(gap)
        assert v.severity == ("warning" if codes == ["within-grace"] else "error")
        if codes[0] not in ("same-day-duplicate", "not-chronological"):
            assert v.gap_days == gap
            assert v.rule == "phases[0].interval"
            assert v.expected == cp.Window(earliest=after(28), target=after(35), latest=after(42))


def test_messages_are_readable() -> None:
    """Messages name the session, dates, gap and the rule in plain English."""
    (v,) = cp.validate(FACIAL, [S1, after(20)]).violations
    assert v.message == (
        "Session 2 on 2026-12-21 is 20 days after the previous session, too soon for "
        "the series phase's minimum of 4 weeks (earliest 2026-12-29)."
    )
    assert str(v).startswith("error [interval-too-short] session 2: ")


def test_valid_plan_and_reading_of_phases() -> None:
    """A series then a touch-up a year later is read as two phases with no violation."""
    dates = [S1, after(35), after(70), after(70 + 365)]
    report = cp.validate(FACIAL, dates, complete=True)
    assert report.violations == ()
    assert [s.phase for s in report.sessions] == ["series"] * 3 + ["touch-up"]


def test_fourth_session_five_weeks_later_stays_in_series() -> None:
    """On a tie-free reading, a 4th session 5 weeks on is a series session, not a touch-up."""
    report = cp.validate(FACIAL, [S1, after(35), after(70), after(105)])
    assert report.ok
    assert [s.phase for s in report.sessions] == ["series"] * 4


def test_too_few_only_when_complete() -> None:
    """Two series sessions are fine in progress, too few when the calendar is complete."""
    dates = [S1, after(35)]
    assert cp.validate(FACIAL, dates).ok
    report = cp.validate(FACIAL, dates, complete=True)
    assert report.codes == ("too-few-sessions",)
    assert report.violations[0].rule == "phases[0].sessions.min"
    assert "has 2 sessions; it needs at least 3" in report.violations[0].message


def test_empty_calendar() -> None:
    """No dates: nothing wrong unless complete, then too few."""
    assert cp.validate(FACIAL, []).violations == ()
    assert cp.validate(FACIAL, [], complete=True).codes == ("too-few-sessions",)


def test_too_many_sessions() -> None:
    """A 13th weekly scalp session is beyond the fixed 12."""
    dates = [after(7 * i) for i in range(14)]
    report = cp.validate(SCALP, dates)
    assert report.codes == ("too-many-sessions", "too-many-sessions")
    assert [v.session for v in report.violations] == [13, 14]


def test_visits_skip_missed_and_cancelled() -> None:
    """Missed and cancelled visits are not sessions; done and booked are."""
    visits = [
        cp.Visit(date=S1, status="done"),
        cp.Visit(date=after(30), status="missed"),
        cp.Visit(date=after(33), status="cancelled"),
        cp.Visit(date=after(35), status="done"),
        cp.Visit(date=after(70), status="booked"),
    ]
    report = cp.validate(FACIAL, visits)
    assert report.ok
    assert [s.status for s in report.sessions] == ["done", "done", "booked"]


def test_plan_phases_are_trusted() -> None:
    """Validating a Plan uses its phase labels instead of guessing."""
    plan = cp.plan(FACIAL, start=S1, sessions=4)
    assert cp.validate(FACIAL, plan).violations == ()


@pytest.mark.parametrize(
    ("calendar", "path"),
    [
        ([S1, "2027-01-05"], "calendar[1]"),
        ([None], "calendar[0]"),
        ("2026-12-01", "calendar"),
        (42, "calendar"),
    ],
)
def test_bad_calendar_items(calendar: object, path: str) -> None:
    """Items that are not dates or Visits raise InputError naming the position."""
    with pytest.raises(cp.InputError) as info:
        cp.validate(FACIAL, calendar)  # type: ignore[arg-type]
    assert info.value.path == path


def test_visit_rejects_unknown_status() -> None:
    """A Visit status outside done/missed/cancelled/booked is an InputError."""
    with pytest.raises(cp.InputError, match="status"):
        cp.Visit(date=S1, status="no-show")  # type: ignore[arg-type]


def test_huge_calendar() -> None:
    """Thousands of sessions validate in one pass with exact session numbers."""
    maintenance = cp.get_protocol("maintenance")
    plan = cp.plan(maintenance, start=d(2000, 1, 1), horizon=d(3000, 1, 1))
    assert len(plan.sessions) > 2900
    dates = list(plan.dates)
    dates[1000] = dates[999] + dt.timedelta(days=30)
    report = cp.validate(maintenance, dates)
    assert [v.session for v in report.errors] == [1001, 1002]


@pytest.mark.parametrize("day", [d(1, 1, 1), d(9999, 12, 31)])
def test_extreme_dates_do_not_raise(day: dt.date) -> None:
    """Windows that would leave the calendar are clamped, not raised."""
    report = cp.validate(FACIAL, [day, day])
    assert "same-day-duplicate" in report.codes


@settings(max_examples=300, deadline=None)
@given(protocols(), st.lists(st.dates(), max_size=25), st.booleans())
def test_validation_never_raises(p: cp.Protocol, dates: list[dt.date], complete: bool) -> None:
    """Any list of dates gets a Report whose sessions are the input in date order."""
    report = cp.validate(p, dates, complete=complete)
    assert [s.date for s in report.sessions] == sorted(dates)
    assert all(v.code in cp.CODES for v in report.violations)
    assert report.ok == (not report.errors)


@pytest.mark.parametrize(
    "moment",
    [dt.datetime(2026, 12, 1, 9), dt.datetime(2026, 12, 1, tzinfo=dt.UTC)],
)
def test_date_times_in_a_calendar_are_refused(moment: dt.datetime) -> None:
    """A datetime in a calendar raises InputError at calendar[i] instead of being truncated."""
    with pytest.raises(cp.InputError, match=r"must be a datetime\.date, got a date-time") as info:
        cp.validate(FACIAL, [S1 - dt.timedelta(days=40), moment])
    assert info.value.path == "calendar[1]"
