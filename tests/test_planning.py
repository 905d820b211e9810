"""Planning: windows, target-nearest dates, phases, horizons and the search for allowed dates."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan.planning import Blocker, choose_date
from tests.strategies import protocols

d = dt.date
FACIAL = cp.get_protocol("facial-series")


def dates_of(plan: cp.Plan) -> list[str]:
    return [s.date.isoformat() for s in plan.sessions]


def test_facial_series_default() -> None:
    """Three series sessions five weeks apart, then one yearly touch-up."""
    plan = cp.plan(FACIAL, start=d(2026, 12, 1))
    assert dates_of(plan) == ["2026-12-01", "2027-01-05", "2027-02-09", "2028-02-09"]
    assert [s.phase for s in plan.sessions] == ["series"] * 3 + ["touch-up"]
    assert [s.number for s in plan.sessions] == [1, 2, 3, 4]
    assert plan.violations == () and plan.ok


def test_windows_are_anchored_on_the_previous_session() -> None:
    """Each window is previous + interval.min / target / max; the first is open-ended."""
    s1, s2, _, touch = cp.plan(FACIAL, start=d(2026, 12, 1)).sessions
    assert s1.window == cp.Window(earliest=d(2026, 12, 1), target=d(2026, 12, 1), latest=None)
    assert s2.window == cp.Window(
        earliest=d(2026, 12, 29), target=d(2027, 1, 5), latest=d(2027, 1, 12)
    )
    assert touch.window == cp.Window(
        earliest=d(2028, 1, 9), target=d(2028, 2, 9), latest=d(2028, 3, 9)
    )


@pytest.mark.parametrize("n", [3, 4, 5, 6])
def test_sessions_sets_the_series_count(n: int) -> None:
    """sessions= sets the first non-repeating phase's count."""
    plan = cp.plan(FACIAL, start=d(2026, 12, 1), sessions=n)
    assert [s.phase for s in plan.sessions] == ["series"] * n + ["touch-up"]


@pytest.mark.parametrize("n", [0, 2, 7, 100])
def test_sessions_outside_range_is_a_protocol_error(n: int) -> None:
    """A count outside the phase's min..max raises ProtocolError naming the phase."""
    with pytest.raises(
        cp.ProtocolError, match=r"phases\[0\]\.sessions: .*range of phase 'series' \(3\.\.6\)"
    ):
        cp.plan(FACIAL, start=d(2026, 12, 1), sessions=n)


def test_sessions_on_repeat_only_protocol() -> None:
    """Maintenance has no counted phase, so sessions= is refused."""
    with pytest.raises(cp.ProtocolError, match="only a repeating phase"):
        cp.plan(cp.get_protocol("maintenance"), start=d(2026, 12, 1), sessions=2)


def test_horizon_repeats_touch_ups() -> None:
    """Touch-ups recur yearly up to the horizon, inclusive."""
    plan = cp.plan(FACIAL, start=d(2026, 12, 1), horizon=d(2030, 2, 9))
    assert dates_of(plan)[3:] == ["2028-02-09", "2029-02-09", "2030-02-09"]
    short = cp.plan(FACIAL, start=d(2026, 12, 1), horizon=d(2030, 2, 8))
    assert dates_of(short)[-1] == "2029-02-09"


def test_horizon_before_first_touch_up_keeps_the_series() -> None:
    """The horizon limits repeating phases only; the series is always planned in full."""
    plan = cp.plan(FACIAL, start=d(2026, 12, 1), horizon=d(2026, 12, 31))
    assert [s.phase for s in plan.sessions] == ["series"] * 3


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # month ends: each window is anchored on the (clamped) previous date
        (d(2027, 1, 31), ["2027-01-31", "2027-05-31", "2027-09-30", "2028-01-30"]),
        (d(2027, 10, 31), ["2027-10-31", "2028-02-29", "2028-06-29", "2028-10-29"]),
        # leap day start
        (d(2028, 2, 29), ["2028-02-29", "2028-06-29", "2028-10-29", "2029-02-28"]),
        # year boundary
        (d(2026, 12, 31), ["2026-12-31", "2027-04-30", "2027-08-30", "2027-12-30"]),
    ],
)
def test_maintenance_month_ends(start: dt.date, expected: list[str]) -> None:
    """Month-based intervals clamp at month ends, with no drift past the anchor rule."""
    plan = cp.plan(cp.get_protocol("maintenance"), start=start, horizon=d(2029, 3, 1))
    assert dates_of(plan)[:4] == expected


def test_leap_day_facial_touch_up() -> None:
    """A series from 29 Feb reaches its touch-up a year after the last session."""
    plan = cp.plan(FACIAL, start=d(2028, 2, 29))
    assert dates_of(plan) == ["2028-02-29", "2028-04-04", "2028-05-09", "2029-05-09"]


def test_scalp_course_is_twelve_weekly_sessions() -> None:
    """The scalp course is 12 sessions a week apart and nothing after."""
    plan = cp.plan(cp.get_protocol("scalp-series"), start=d(2026, 12, 1))
    assert len(plan.sessions) == 12
    gaps = {(b.date - a.date).days for a, b in zip(plan.sessions, plan.sessions[1:], strict=False)}
    assert gaps == {7}


def test_near_date_max_is_a_clear_error() -> None:
    """A window past the last supported date raises DurationError, not OverflowError."""
    with pytest.raises(cp.DurationError, match="supported date range"):
        cp.plan(FACIAL, start=d(9999, 11, 1))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"start": "2026-12-01"}, "start: must be a datetime.date"),
        ({"start": dt.datetime(2026, 12, 1)}, "start: must be a datetime.date"),
        ({"start": d(2026, 12, 1), "horizon": d(2026, 1, 1)}, "horizon: must not be before"),
        ({"start": d(2026, 12, 1), "sessions": "4"}, "sessions: must be an integer"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], match: str) -> None:
    """Bad arguments raise InputError naming the argument."""
    with pytest.raises(cp.InputError, match=match):
        cp.plan(FACIAL, **kwargs)  # type: ignore[arg-type]


def test_plan_is_deterministic_and_frozen() -> None:
    """Same input, same output; plans are immutable values."""
    a = cp.plan(FACIAL, start=d(2026, 12, 1))
    assert a == cp.plan(FACIAL, start=d(2026, 12, 1))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        a.sessions[0].date = d(2026, 1, 1)  # type: ignore[misc]


WINDOW = cp.Window(earliest=d(2027, 1, 1), target=d(2027, 1, 5), latest=d(2027, 1, 9))


def closed(*days: dt.date) -> cp.planning.DateCheck:
    shut = set(days)
    return lambda day: Blocker("clinic-closed", "the clinic is closed") if day in shut else None


@pytest.mark.parametrize(
    ("shut", "expected"),
    [
        ((), d(2027, 1, 5)),
        ((d(2027, 1, 5),), d(2027, 1, 4)),  # tie between 4th and 6th: the earlier
        ((d(2027, 1, 5), d(2027, 1, 4)), d(2027, 1, 6)),
        ((d(2027, 1, 5), d(2027, 1, 4), d(2027, 1, 6)), d(2027, 1, 3)),
        (tuple(d(2027, 1, i) for i in range(1, 10)), d(2027, 1, 10)),  # after the window
    ],
)
def test_choose_date_nearest_target_earlier_on_tie(
    shut: tuple[dt.date, ...], expected: dt.date
) -> None:
    """The allowed date nearest the target wins, the earlier on a tie; else the first after."""
    day, seen = choose_date(WINDOW, [closed(*shut)])
    assert day == expected
    assert bool(seen) == (expected not in WINDOW)


def test_choose_date_gives_up_after_search_limit() -> None:
    """When nothing is ever allowed, no date is returned and the blockers are reported."""
    day, seen = choose_date(WINDOW, [lambda _: Blocker("event-blackout", "an event")])
    assert day is None
    assert set(seen) == {"event-blackout"}


def test_open_window_takes_first_allowed_on_or_after_start() -> None:
    """Session 1 goes on the earliest allowed date on or after start."""
    window = cp.Window(earliest=d(2027, 1, 1), target=d(2027, 1, 1))
    day, _ = choose_date(window, [closed(d(2027, 1, 1), d(2027, 1, 2))])
    assert day == d(2027, 1, 3)


def test_window_rejects_inverted_bounds() -> None:
    """A Window with target before earliest is an InputError."""
    with pytest.raises(cp.InputError, match="target"):
        cp.Window(earliest=d(2027, 1, 2), target=d(2027, 1, 1))


@settings(max_examples=200, deadline=None)
@given(protocols(), st.dates(d(2000, 1, 1), d(2080, 12, 31)), st.integers(0, 6))
def test_every_plan_validates(p: cp.Protocol, start: dt.date, years: int) -> None:
    """For random protocols and start dates, every plan validates with no errors or warnings."""
    plan = cp.plan(p, start=start, horizon=start + dt.timedelta(days=365 * years))
    assert plan.ok
    report = cp.validate(p, plan)
    assert report.violations == ()
    # the same dates without phase labels are read just as cleanly
    assert cp.validate(p, list(plan.dates)).ok


@settings(max_examples=200, deadline=None)
@given(protocols(), st.dates(d(2000, 1, 1), d(2080, 12, 31)), st.data())
def test_shifted_sessions_are_reported(
    p: cp.Protocol, start: dt.date, data: st.DataObject
) -> None:
    """Moving a session below min - grace or past max is reported at that session."""
    plan = cp.plan(p, start=start, horizon=start + dt.timedelta(days=800))
    assume(len(plan.sessions) >= 2)
    k = data.draw(st.integers(1, len(plan.sessions) - 1))
    session = plan.sessions[k]
    previous = plan.sessions[k - 1].date
    phase = next(ph for ph in p.phases if ph.name == session.phase)
    early = data.draw(st.booleans())
    if early:
        new = phase.grace.subtract_from(session.window.earliest) - dt.timedelta(days=1)
        assume(new > previous)
        code = "interval-too-short"
    else:
        assert session.window.latest is not None
        new = session.window.latest + dt.timedelta(days=data.draw(st.integers(1, 40)))
        code = "interval-too-long"
    shifted = attrs.evolve(
        plan,
        sessions=(*plan.sessions[:k], attrs.evolve(session, date=new), *plan.sessions[k + 1 :]),
    )
    report = cp.validate(p, shifted)
    assert not report.ok
    assert any(v.code == code and v.session == k + 1 for v in report.violations)
    hit = next(v for v in report.violations if v.code == code and v.session == k + 1)
    assert hit.expected == session.window
    assert hit.gap_days == (new - previous).days
