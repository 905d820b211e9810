"""The VTIMEZONE cache: the fast path writes exactly what the slow path writes."""

from __future__ import annotations

import datetime as dt

import pytest

import collagenplan as cp
from collagenplan.exporters import _vtimezone

STAMP = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("zone", "first", "last"),
    [
        ("Europe/London", dt.date(2000, 1, 1), dt.date(2029, 1, 1)),
        ("America/New_York", dt.date(2000, 1, 1), dt.date(2030, 1, 1)),
        ("Australia/Lord_Howe", dt.date(2000, 1, 1), dt.date(2028, 1, 1)),  # 30-minute DST
        ("Asia/Kolkata", dt.date(2000, 1, 1), dt.date(2028, 1, 1)),  # no DST at all
    ],
)
def test_cached_vtimezone_equals_a_fresh_one(zone: str, first: dt.date, last: dt.date) -> None:
    """The cached component serialises to the same bytes as one built from scratch."""
    fresh = _vtimezone.vtimezone.__wrapped__(zone, first, last)
    cached = _vtimezone.vtimezone(zone, first, last)
    assert cached is _vtimezone.vtimezone(zone, first, last)  # built once
    assert cached.to_ical() == fresh.to_ical()


def test_export_is_identical_with_a_cold_and_a_warm_cache() -> None:
    """Two clients' exports, each written with an empty and with a filled cache, match."""
    protocol = cp.get_protocol("facial-series")
    clinic = cp.Clinic(
        id="x",
        name="X",
        timezone="Europe/London",
        hours=(cp.OpeningHours(days=("mon", "wed"), opens=dt.time(9), closes=dt.time(17)),),
    )
    plans = [
        cp.plan(protocol, start=dt.date(2027, 3, 1), clinic=clinic),
        cp.plan(protocol, start=dt.date(2031, 10, 20), clinic=clinic),
    ]
    for plan in plans:
        _vtimezone.vtimezone.cache_clear()
        cold = cp.to_ics(plan, protocol=protocol, dtstamp=STAMP)
        warm = cp.to_ics(plan, protocol=protocol, dtstamp=STAMP)
        assert cold == warm
        assert _vtimezone.vtimezone.cache_info().hits >= 1
