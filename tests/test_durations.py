"""Durations: parsing, canonical text, and date arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

import collagenplan as cp
from tests.strategies import dates, duration_texts, durations

D = cp.Duration.parse


@pytest.mark.parametrize(
    ("text", "canonical", "months", "days", "hours"),
    [
        ("48h", "48h", 0, 0, 48),
        ("5d", "5d", 0, 5, 0),
        ("4w", "4w", 0, 28, 0),
        ("6m", "6m", 6, 0, 0),
        ("1y", "1y", 12, 0, 0),
        ("12m", "1y", 12, 0, 0),
        ("14d", "2w", 0, 14, 0),
        ("0d", "0d", 0, 0, 0),
        ("1m15d", "1m15d", 1, 15, 0),
        ("1y2m", "14m", 14, 0, 0),
        ("P4W", "4w", 0, 28, 0),
        ("P1Y2M", "14m", 14, 0, 0),
        ("PT48H", "48h", 0, 0, 48),
        ("P1Y2M3W4DT5H", "14m25d5h", 14, 25, 5),
        ("p2d", "2d", 0, 2, 0),
        ("  3d ", "3d", 0, 3, 0),
        ("P0D", "0d", 0, 0, 0),
    ],
)
def test_parse_and_canonical_form(
    text: str, canonical: str, months: int, days: int, hours: int
) -> None:
    """Short and ISO 8601 texts parse to months/days/hours and print canonically."""
    d = D(text)
    assert (d.months, d.days, d.hours) == (months, days, hours)
    assert str(d) == canonical


@pytest.mark.parametrize(
    "text", ["", "4", "w", "4x", "-1d", "1.5d", "4 w", "P", "PT", "PT5M", "P1S", "d4", "4d4d"]
)
def test_bad_texts_raise_duration_error(text: str) -> None:
    """Anything that is not a duration raises DurationError (a ValueError) naming it."""
    with pytest.raises(cp.DurationError) as info:
        D(text)
    assert isinstance(info.value, ValueError)
    assert repr(text) in str(info.value)


def test_non_string_is_rejected() -> None:
    """A number instead of a text is a DurationError, not a TypeError."""
    with pytest.raises(cp.DurationError, match="duration text"):
        D(5)  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["months", "days", "hours"])
def test_negative_amounts_rejected(field: str) -> None:
    """Durations are never negative."""
    with pytest.raises(cp.DurationError, match="negative"):
        cp.Duration(**{field: -1})


@given(durations())
def test_format_parse_round_trip(d: cp.Duration) -> None:
    """parse(str(d)) == d and parse(d.isoformat()) == d for every duration."""
    assert D(str(d)) == d
    assert D(d.isoformat()) == d


@given(duration_texts)
def test_canonical_text_is_a_fixed_point(text: str) -> None:
    """The canonical form of a canonical form is itself."""
    canonical = str(D(text))
    assert str(D(canonical)) == canonical


@pytest.mark.parametrize(
    ("start", "text", "expected"),
    [
        (dt.date(2026, 1, 31), "1m", dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), "1m", dt.date(2028, 2, 29)),
        (dt.date(2028, 2, 29), "1y", dt.date(2029, 2, 28)),
        (dt.date(2028, 2, 29), "4y", dt.date(2032, 2, 29)),
        (dt.date(2026, 8, 31), "6m", dt.date(2027, 2, 28)),
        (dt.date(2026, 3, 31), "1m", dt.date(2026, 4, 30)),
        (dt.date(2026, 12, 15), "1m", dt.date(2027, 1, 15)),
        (dt.date(2026, 12, 31), "1d", dt.date(2027, 1, 1)),
        (dt.date(2026, 11, 30), "5w", dt.date(2027, 1, 4)),
        (dt.date(2026, 1, 31), "1m1d", dt.date(2026, 3, 1)),
        (dt.date(2026, 5, 1), "24h", dt.date(2026, 5, 2)),
        (dt.date(2026, 5, 1), "25h", dt.date(2026, 5, 3)),
        (dt.date(2026, 5, 1), "0d", dt.date(2026, 5, 1)),
    ],
)
def test_add_to_date_table(start: dt.date, text: str, expected: dt.date) -> None:
    """Months clamp to the month's end, then days; hours round up to whole days."""
    assert D(text).add_to(start) == expected


@given(dates(), durations())
def test_add_matches_relativedelta(day: dt.date, d: cp.Duration) -> None:
    """Month arithmetic agrees with dateutil.relativedelta (years, months, then days)."""
    expected = day + relativedelta(months=d.months, days=d.whole_days)
    assert d.add_to(day) == expected
    assert d.subtract_from(day) == day - relativedelta(months=d.months, days=d.whole_days)


@pytest.mark.parametrize(
    ("day", "text"),
    [(dt.date.max, "1d"), (dt.date(9999, 12, 1), "1m"), (dt.date(9990, 1, 1), "10y")],
)
def test_overflow_is_a_clear_error(day: dt.date, text: str) -> None:
    """Leaving the supported date range raises DurationError, not OverflowError."""
    with pytest.raises(cp.DurationError, match="supported date range"):
        D(text).add_to(day)


def test_underflow_is_a_clear_error() -> None:
    """Subtracting past date.min raises DurationError too."""
    with pytest.raises(cp.DurationError, match="supported date range"):
        D("1d").subtract_from(dt.date.min)


def test_datetime_hours_are_elapsed_time_across_dst() -> None:
    """On aware datetimes, days keep the wall clock and hours count elapsed time."""
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    before = dt.datetime(2027, 3, 27, 10, 0, tzinfo=london)  # clocks go forward 28 March
    assert D("1d").add_to_datetime(before) == dt.datetime(2027, 3, 28, 10, 0, tzinfo=london)
    assert D("24h").add_to_datetime(before) == dt.datetime(2027, 3, 28, 11, 0, tzinfo=london)


@pytest.mark.parametrize(
    ("a", "b", "le"),
    [
        ("4w", "1m", True),
        ("30d", "1m", False),
        ("1m", "31d", True),
        ("11m", "1y", True),
        ("1y", "13m", True),
        ("2w", "14d", True),
        ("1m", "4w", False),
    ],
)
def test_always_le(a: str, b: str, le: bool) -> None:
    """always_le is true only when a never lands after b, whatever the start date."""
    assert D(a).always_le(D(b)) is le


@given(dates(), durations(), durations())
def test_always_le_is_sound(day: dt.date, a: cp.Duration, b: cp.Duration) -> None:
    """When always_le holds, adding a never gives a later date than adding b."""
    if a.always_le(b):
        assert a.add_to(day) <= b.add_to(day)


def test_repr_and_bool() -> None:
    """repr reconstructs; a zero duration is falsy."""
    assert repr(D("5d")) == "Duration.parse('5d')"
    assert not cp.Duration()
    assert D("1h")


@given(st.integers(0, 10**6))
def test_large_values_parse(n: int) -> None:
    """Values up to a million of a unit are accepted."""
    assert D(f"{n}d").days == n
