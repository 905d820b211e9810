"""Planning and validating with a clinic: closures, staff, weekdays, times and DST."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import collagenplan as cp
from tests.strategies import clinic, clinics, protocol, protocols, start_dates

START = dt.date(2027, 1, 4)  # a Monday
WEEK = dt.timedelta(days=7)
DAY = dt.timedelta(days=1)
ONE_SESSION_AFTER = protocol(sessions=2)  # session 2 window: START + 4w .. 5w .. 6w
TARGET = START + 5 * WEEK


def _closed(*days: dt.date) -> tuple[cp.Closure, ...]:
    return tuple(cp.Closure(start=d) for d in days)


@pytest.mark.parametrize(
    ("closed", "expected"),
    [
        ((), TARGET),
        ((TARGET,), TARGET - DAY),  # tie between -1 and +1: the earlier
        ((TARGET, TARGET - DAY), TARGET + DAY),  # +1 is nearer than -2
        ((TARGET, TARGET - DAY, TARGET + DAY), TARGET - 2 * DAY),
    ],
)
def test_closure_on_target_moves_to_nearest_allowed_date(
    closed: tuple[dt.date, ...], expected: dt.date
) -> None:
    """A closure on the target date picks the nearest allowed date, the earlier on a tie."""
    result = cp.plan(ONE_SESSION_AFTER, start=START, clinic=clinic(closures=_closed(*closed)))
    assert result.dates == (START, expected)
    assert result.violations == ()


def test_closure_covering_the_window_is_no_date_in_window() -> None:
    """A closure over the whole window places the session after it and says so."""
    window_start, window_end = START + 4 * WEEK, START + 6 * WEEK
    k = clinic(closures=(cp.Closure(start=window_start, end=window_end, reason="works"),))
    result = cp.plan(ONE_SESSION_AFTER, start=START, clinic=k)
    assert result.dates == (START, window_end + DAY)
    assert [p.code for p in result.violations] == ["no-date-in-window"]
    problem = result.violations[0]
    assert problem.session == 2
    assert "the clinic is closed (works)" in problem.message
    report = cp.validate(ONE_SESSION_AFTER, result, clinic=k)
    assert report.codes == ("interval-too-long",)


def test_strict_plan_raises_when_the_window_is_closed() -> None:
    """strict=True turns a closed window into a PlanningError."""
    k = clinic(closures=(cp.Closure(start=START + 4 * WEEK, end=START + 6 * WEEK),))
    with pytest.raises(cp.PlanningError) as info:
        cp.plan(ONE_SESSION_AFTER, start=START, clinic=k, strict=True)
    assert [v.code for v in info.value.violations] == ["no-date-in-window"]  # type: ignore[attr-defined]


def test_first_session_waits_for_the_clinic_to_open() -> None:
    """Session 1 falls on the first allowed date on or after start."""
    k = clinic(closures=(cp.Closure(start=START, end=START + 2 * DAY),))
    result = cp.plan(ONE_SESSION_AFTER, start=START, clinic=k)
    assert result.dates[0] == START + 3 * DAY
    assert result.violations == ()


def test_practitioner_on_leave() -> None:
    """Only a qualified practitioner's working days count; leave moves the session."""
    leave = cp.Closure(start=TARGET - 3 * DAY, end=TARGET + 2 * DAY, reason="holiday")
    staff = (
        cp.Practitioner(id="ann", treatments=("test-series",), leave=(leave,)),
        cp.Practitioner(id="bob", treatments=("other-series",)),
    )
    result = cp.plan(ONE_SESSION_AFTER, start=START, clinic=clinic(practitioners=staff))
    assert result.dates == (START, TARGET + 3 * DAY)
    assert [s.practitioner for s in result.sessions] == ["ann", "ann"]
    report = cp.validate(ONE_SESSION_AFTER, [START, TARGET], clinic=clinic(practitioners=staff))
    assert report.codes == ("clinic-closed",)
    assert "ann on leave" in report.violations[0].message


def test_weekday_only_clinic() -> None:
    """A Monday-to-Friday clinic never gets a weekend session."""
    k = clinic(days=("mon", "tue", "wed", "thu", "fri"))
    scalp = cp.get_protocol("scalp-series")
    result = cp.plan(scalp, start=dt.date(2027, 1, 2), clinic=k)  # a Saturday
    assert result.violations == ()
    assert all(d.weekday() < 5 for d in result.dates)
    assert result.dates[0] == dt.date(2027, 1, 4)
    assert cp.validate(scalp, result, clinic=k).ok


@pytest.mark.parametrize(
    ("start", "change"),
    [(dt.date(2027, 3, 1), dt.date(2027, 3, 28)), (dt.date(2027, 10, 4), dt.date(2027, 10, 31))],
)
def test_london_appointments_keep_local_time_across_dst(start: dt.date, change: dt.date) -> None:
    """Weekly sessions across a DST change all start at 10:00 local time."""
    k = clinic(timezone="Europe/London", opens=dt.time(10), closes=dt.time(18))
    result = cp.plan(cp.get_protocol("scalp-series"), start=start, clinic=k)
    starts = [s.start for s in result.sessions]
    assert all(s is not None for s in starts)
    assert {s.time() for s in starts if s is not None} == {dt.time(10)}
    offsets = {s.utcoffset() for s in starts if s is not None}
    assert offsets == {dt.timedelta(0), dt.timedelta(hours=1)}
    for s in starts:
        assert s is not None
        summer = s.date() >= change if change.month == 3 else s.date() < change
        assert s.utcoffset() == dt.timedelta(hours=1 if summer else 0)
        assert s.tzinfo is not None
        assert str(s.tzinfo) == "Europe/London"


def test_planned_sessions_carry_chair_minutes_and_start() -> None:
    """With a clinic, planned sessions get the protocol's chair time and a start."""
    result = cp.plan(cp.get_protocol("body-series"), start=START, clinic=clinic())
    assert {s.minutes for s in result.sessions} == {75}
    assert all(s.start is not None and s.start.date() == s.date for s in result.sessions)
    plain = cp.plan(cp.get_protocol("body-series"), start=START)
    assert {s.start for s in plain.sessions} == {None}


class EvenDays:
    """Free slots at 15:00 on even days of the month only."""

    def free_slot(self, protocol: cp.Protocol, day: dt.date, *, minutes: int) -> cp.Slot | None:
        return cp.Slot(start=dt.time(15)) if day.day % 2 == 0 else None


def test_plan_asks_the_availability_hook() -> None:
    """The planner books only slots the hook offers, at the hook's time."""
    k = clinic(availability=EvenDays())
    result = cp.plan(cp.get_protocol("facial-series"), start=dt.date(2027, 1, 5), clinic=k)
    assert all(d.day % 2 == 0 for d in result.dates)
    assert {s.start.time() for s in result.sessions if s.start} == {dt.time(15)}


def test_validate_reports_clinic_closed_per_session() -> None:
    """Each session on a day the clinic does not allow gets its own clinic-closed error."""
    k = clinic(days=("mon", "tue", "wed", "thu", "fri"))
    facial = cp.get_protocol("facial-series")
    dates = [dt.date(2027, 1, 2), dt.date(2027, 2, 6), dt.date(2027, 3, 10)]  # Sat, Sat, Wed
    report = cp.validate(facial, dates, clinic=k)
    assert [(v.code, v.session) for v in report.violations] == [
        ("clinic-closed", 1),
        ("clinic-closed", 2),
    ]
    assert report.violations[0].rule == "clinic.hours"


def test_validate_skips_done_visits_but_checks_booked_ones() -> None:
    """Done visits are history; booked ones must still be bookable."""
    k = clinic(days=("mon", "tue", "wed", "thu", "fri"))
    facial = cp.get_protocol("facial-series")
    visits = [
        cp.Visit(date=dt.date(2027, 1, 2), status="done"),
        cp.Visit(date=dt.date(2027, 2, 6), status="booked"),
    ]
    report = cp.validate(facial, visits, clinic=k)
    assert [(v.code, v.session) for v in report.violations] == [("clinic-closed", 2)]


def test_plan_rejects_a_non_clinic() -> None:
    """clinic= must be a Clinic."""
    with pytest.raises(cp.InputError, match="clinic: must be a Clinic"):
        cp.plan(ONE_SESSION_AFTER, start=START, clinic="k.toml")
    with pytest.raises(cp.InputError, match="clinic: must be a Clinic"):
        cp.validate(ONE_SESSION_AFTER, [START], clinic="k.toml")


@settings(max_examples=120, deadline=None)
@given(start=start_dates, data=st.data())
def test_random_clinics_plan_valid_or_no_date_in_window(
    start: dt.date, data: st.DataObject
) -> None:
    """Every plan validates clean or is flagged exactly where it reports no-date-in-window."""
    p = data.draw(protocols(months=False, late=True))
    k = data.draw(clinics(start))
    result = cp.plan(p, start=start, clinic=k, horizon=start + dt.timedelta(days=800))
    assert {v.code for v in result.violations} <= {"no-date-in-window"}
    report = cp.validate(p, result, clinic=k)
    flagged = {
        v.session
        for v in report.violations
        if v.severity == "error" or v.code == "series-restarted"
    }
    assert flagged == {v.session for v in result.violations}
    assert set(report.codes) <= {"interval-too-long", "series-restarted"}
    assert all(k.check(p, d) is None for d in result.dates)


def test_public_holiday_moves_a_session() -> None:
    """A session whose target is a public holiday moves to the nearest working day."""
    k = cp.Clinic(
        id="ldn",
        name="London",
        timezone="Europe/London",
        hours=(
            cp.OpeningHours(
                days=("mon", "tue", "wed", "thu", "fri"), opens=dt.time(9), closes=dt.time(17)
            ),
        ),
        holidays=cp.PublicHolidays(country="GB", subdivision="ENG"),
    )
    p = protocol(sessions=2)
    good_friday = dt.date(2027, 3, 26)
    result = cp.plan(p, start=good_friday - 5 * WEEK, clinic=k)
    assert result.dates[1] == good_friday - DAY
    assert "Good Friday" in (k.closed_reason(good_friday) or "")
    report = cp.validate(p, [good_friday - 5 * WEEK, good_friday], clinic=k)
    assert [(v.code, v.rule) for v in report.violations] == [("clinic-closed", "clinic.holidays")]


def test_plan_table_without_clinic_has_no_extra_columns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Without a clinic or history the plan table keeps its original columns."""
    from collagenplan.cli import main

    assert main(["plan", "facial-series", "--start", "2027-01-05"]) == 0
    header = capsys.readouterr().out.splitlines()[0].split()
    assert header == ["#", "phase", "date", "earliest", "target", "latest"]
