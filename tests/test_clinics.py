"""Clinics: the model, the file loader, and which days a session may be on."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from dateutil.rrule import WEEKLY, rrule
from hypothesis import given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan.clinics import ClinicDays, local_datetime
from tests.strategies import clinic, protocol

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "clinic.toml"
FACIAL = cp.get_protocol("facial-series")
BODY = cp.get_protocol("body-series")

MINIMAL = """
schema = 1
id = "tiny"
name = "Tiny Clinic"
timezone = "Europe/London"

[[hours]]
days = ["mon", "tue", "wed", "thu", "fri"]
opens = "09:00"
closes = "17:00"
"""


def test_example_clinic_loads() -> None:
    """The example clinic file loads with its patterns, closures, holidays and staff."""
    k = cp.load_clinic(EXAMPLE)
    assert k.id == "harbour-skin"
    assert k.timezone == "Europe/London"
    assert len(k.hours) == 3
    assert k.holidays == cp.PublicHolidays(country="GB", subdivision="ENG")
    assert [p.id for p in k.practitioners] == ["okafor", "lind"]
    assert k.practitioners[0].leave[0].reason == "annual leave"


def test_minimal_clinic_parses_and_accepts_toml_times() -> None:
    """Times may be TOML local times as well as "HH:MM" strings."""
    k = cp.parse_clinic(MINIMAL.replace('"09:00"', "09:00:00"))
    assert k.hours[0].opens == dt.time(9, 0)
    assert k.hours[0].closes == dt.time(17, 0)


def test_json_clinic_parses() -> None:
    """A JSON clinic with the same structure parses to the same clinic."""
    text = (
        '{"schema": 1, "id": "tiny", "name": "Tiny Clinic", "timezone": "Europe/London",'
        ' "hours": [{"days": ["mon", "tue", "wed", "thu", "fri"],'
        ' "opens": "09:00", "closes": "17:00"}]}'
    )
    assert cp.parse_clinic(text, "json") == cp.parse_clinic(MINIMAL)


@pytest.mark.parametrize(
    ("old", "new", "where", "problem"),
    [
        (
            'timezone = "Europe/London"',
            'timezone = "Mars/Olympus"',
            "timezone",
            "unknown time zone",
        ),
        ('timezone = "Europe/London"', 'timezone = "+01:00"', "timezone", "unknown time zone"),
        ('"mon", "tue"', '"mon", "tuesday"', "hours[0].days[1]", "must be one of"),
        ('"mon", "tue"', '"mon", "mon"', "hours[0].days[1]", "repeats"),
        ('closes = "17:00"', 'closes = "08:00"', "hours[0].closes", "later than opens"),
        ('closes = "17:00"', 'closes = "25:00"', "hours[0].closes", "HH:MM"),
        ('closes = "17:00"', "closes = 17", "hours[0].closes", "HH:MM"),
        ('closes = "17:00"', 'closes = "17:00"\nevery = 2', "hours[0].start", "required"),
        ('closes = "17:00"', 'closes = "17:00"\nevery = 0', "hours[0].every", "at least 1"),
        ('closes = "17:00"', 'closes = "17:00"\nwhen = 1', "hours[0].when", "unknown key"),
        ("schema = 1", "schema = 2", "schema", "unsupported schema"),
        ('id = "tiny"', 'id = "Tiny Clinic"', "id", "kebab-case"),
    ],
)
def test_bad_clinic_files_name_the_key(old: str, new: str, where: str, problem: str) -> None:
    """Every mistake in a clinic file is a ClinicError naming the file and key path."""
    assert old in MINIMAL
    with pytest.raises(cp.ClinicError) as info:
        cp.parse_clinic(MINIMAL.replace(old, new, 1), source="k.toml")
    message = str(info.value)
    assert message.startswith("k.toml: ")
    assert f"{where}: " in message
    assert problem in message


@pytest.mark.parametrize(
    ("extra", "where", "problem"),
    [
        (
            '[[hours]]\nrule = "FREQ=HOURLY"\nstart = 2026-01-01\nopens = "09:00"\n'
            'closes = "10:00"',
            "hours[1].rule",
            "FREQ must be one of",
        ),
        (
            '[[hours]]\nrule = "FREQ=MONTHLY;BYDAY=1SA"\nopens = "09:00"\nclosez = "10:00"',
            "hours[1].closes",
            "is required",
        ),
        (
            '[[hours]]\nrule = "FREQ=MONTHLY;BYDAY=1SA"\nopens = "09:00"\ncloses = "10:00"',
            "hours[1].start",
            "required with 'rule'",
        ),
        (
            '[[hours]]\nrule = "FREQ=MONTHLY;BYDAY=XX"\nstart = 2026-01-01\nopens = "09:00"\n'
            'closes = "10:00"',
            "hours[1].rule",
            "not a valid RRULE",
        ),
        (
            '[[hours]]\nrule = "BYDAY=MO"\nstart = 2026-01-01\nopens = "09:00"\ncloses = "10:00"',
            "hours[1].rule",
            "must give FREQ",
        ),
        (
            '[[hours]]\nrule = "FREQ=WEEKLY"\ndays = ["mon"]\nstart = 2026-01-01\n'
            'opens = "09:00"\ncloses = "10:00"',
            "hours[1].rule",
            "not both",
        ),
        ('[[hours]]\nopens = "09:00"\ncloses = "10:00"', "hours[1].days", "give the weekdays"),
        ("[[closures]]\nstart = 2026-12-24\nend = 2026-12-20", "closures[0].end", "before start"),
        ('[[closures]]\nstart = "24 Dec"', "closures[0].start", "YYYY-MM-DD"),
        (
            '[[practitioners]]\nid = "ann"\ntreatments = []',
            "practitioners[0].treatments",
            "at least one",
        ),
        (
            '[[practitioners]]\nid = "ann"\ntreatments = ["Facial"]',
            "practitioners[0].treatments[0]",
            "kebab-case",
        ),
        (
            '[[practitioners]]\nid = "ann"\ntreatments = ["facial-series"]\n'
            '[[practitioners]]\nid = "ann"\ntreatments = ["facial-series"]',
            "practitioners[1].id",
            "repeats id",
        ),
        (
            '[[practitioners]]\nid = "ann"\ntreatments = ["facial-series"]\n'
            "[[practitioners.leave]]\nstart = 2026-01-02\nend = 2026-01-01",
            "practitioners[0].leave[0].end",
            "before start",
        ),
        ('[holidays]\ncountry = "XX"', "holidays.country", "does not know"),
        (
            '[holidays]\ncountry = "GB"\nsubdivision = "ZZZ"',
            "holidays.subdivision",
            "does not know",
        ),
    ],
)
def test_bad_clinic_tables_name_the_key(extra: str, where: str, problem: str) -> None:
    """Mistakes in opening patterns, closures, staff and holidays name their key path."""
    with pytest.raises(cp.ClinicError) as info:
        cp.parse_clinic(MINIMAL + "\n" + extra + "\n", source="k.toml")
    assert f"{where}: " in str(info.value)
    assert problem in str(info.value)


def test_missing_clinic_file_is_a_clinic_error(tmp_path: Path) -> None:
    """A missing file is reported with its name, not as FileNotFoundError."""
    with pytest.raises(cp.ClinicError, match="file not found"):
        cp.load_clinic(tmp_path / "nowhere.toml")


def test_bad_toml_reports_the_line() -> None:
    """A TOML syntax error is a ClinicError with the line number."""
    with pytest.raises(cp.ClinicError) as info:
        cp.parse_clinic(MINIMAL + "\nbroken = \n", source="k.toml")
    assert info.value.line is not None
    assert "not valid TOML" in str(info.value)


def test_holidays_missing_package_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the holidays package, asking for holidays names the extra to install."""
    from collagenplan import clinics

    clinics._holiday_calendar.cache_clear()
    monkeypatch.setitem(sys.modules, "holidays", None)
    with pytest.raises(cp.ClinicError, match=r"collagenplan\[holidays\]") as info:
        cp.parse_clinic(MINIMAL + '\n[holidays]\ncountry = "GB"\n')
    assert info.value.path == "holidays"
    clinics._holiday_calendar.cache_clear()


def test_direct_construction_validates() -> None:
    """Building values in Python fails the same way as loading a file."""
    with pytest.raises(cp.ClinicError, match="hours: must have at least one"):
        cp.Clinic(id="x", name="X", timezone="UTC", hours=())
    with pytest.raises(cp.ClinicError, match="opens: must be a time of day"):
        cp.OpeningHours(days=("mon",), opens="09:00", closes=dt.time(17))  # type: ignore[arg-type]
    with pytest.raises(cp.ClinicError, match="local time without a time zone"):
        cp.Slot(start=dt.time(9, tzinfo=dt.UTC))
    with pytest.raises(cp.ClinicError, match="free_slot"):
        clinic(availability=object())  # type: ignore[arg-type]


# ------------------------------------------------------------ opening days


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (dt.date(2027, 1, 10), "not open that Sunday"),  # weekday pattern
        (dt.date(2026, 12, 29), "closed (winter break)"),  # closure range
        (dt.date(2027, 4, 16), "closed (staff training)"),  # single-day closure
        (dt.date(2027, 3, 26), "public holiday (Good Friday)"),
        (dt.date(2027, 2, 10), "okafor on leave; lind not working"),
        (dt.date(2027, 1, 23), "not open that Saturday"),  # off week of alternate Saturdays
    ],
)
def test_example_clinic_closed_days(day: dt.date, reason: str) -> None:
    """Each kind of closed day gives its own reason."""
    closed = cp.load_clinic(EXAMPLE).check(FACIAL, day)
    assert closed is not None
    assert reason in closed.reason


@pytest.mark.parametrize(
    ("day", "start", "who"),
    [
        (dt.date(2027, 1, 16), dt.time(9, 0), "okafor"),  # alternate Saturday, on week
        (dt.date(2027, 3, 1), dt.time(12, 0), "okafor"),  # first Monday of the month
        (dt.date(2027, 2, 9), dt.time(10, 0), "lind"),  # okafor on leave, lind works Tuesday
        (dt.date(2027, 1, 5), dt.time(10, 0), "okafor"),  # earliest time, first in file order
    ],
)
def test_example_clinic_open_days(day: dt.date, start: dt.time, who: str) -> None:
    """Open days get the earliest time a qualified practitioner can take."""
    k = cp.load_clinic(EXAMPLE)
    appointment = k.appointment(FACIAL, day)
    assert appointment is not None
    assert appointment.start.time() == start
    assert appointment.start.tzinfo == k.zone
    assert appointment.practitioner == who
    assert appointment.minutes == FACIAL.session.chair_minutes


def test_only_qualified_practitioners_count() -> None:
    """lind may not perform body-series, so okafor's leave closes those days."""
    k = cp.load_clinic(EXAMPLE)
    assert k.check(FACIAL, dt.date(2027, 2, 9)) is None
    closed = k.check(BODY, dt.date(2027, 2, 9))
    assert closed is not None
    assert closed.rule == "clinic.practitioners"


def test_no_qualified_practitioner_at_all() -> None:
    """A protocol nobody is qualified for is never allowed, and says so."""
    k = clinic(practitioners=(cp.Practitioner(id="ann", treatments=("scalp-series",)),))
    closed = k.check(FACIAL, dt.date(2027, 1, 5))
    assert closed is not None
    assert "no practitioner is qualified for facial-series" in closed.reason


def test_hours_shorter_than_chair_time() -> None:
    """A 45-minute opening cannot hold a 60-minute session."""
    k = clinic(opens=dt.time(9, 0), closes=dt.time(9, 45))
    closed = k.check(FACIAL, dt.date(2027, 1, 5))
    assert closed is not None
    assert "shorter than the 60-minute session" in closed.reason
    assert k.check(protocol(chair_minutes=45), dt.date(2027, 1, 5)) is None


def test_practitioner_hours_intersect_clinic_hours() -> None:
    """A practitioner who starts at noon gets the first slot from noon."""
    late = cp.Practitioner(
        id="ann",
        treatments=("facial-series",),
        hours=(cp.OpeningHours(days=("mon",), opens=dt.time(12), closes=dt.time(20)),),
    )
    k = clinic(practitioners=(late,))
    appointment = k.appointment(FACIAL, dt.date(2027, 1, 4))
    assert appointment is not None
    assert appointment.start.time() == dt.time(12)
    closed = k.check(FACIAL, dt.date(2027, 1, 5))
    assert closed is not None
    assert "ann not working" in closed.reason


def test_clinic_level_queries() -> None:
    """Clinic.opening and Clinic.closed_reason answer without a protocol."""
    k = cp.load_clinic(EXAMPLE)
    assert k.opening(dt.date(2027, 3, 1)) == ((dt.time(12), dt.time(20)),)
    assert k.opening(dt.date(2026, 12, 25)) == ()
    assert k.closed_reason(dt.date(2027, 3, 2)) is None
    assert "winter break" in (k.closed_reason(dt.date(2026, 12, 25)) or "")


@settings(max_examples=60, deadline=None)
@given(
    days=st.sets(st.sampled_from(range(7)), min_size=1),
    every=st.integers(1, 4),
    starts=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 1, 1)),
    offset=st.integers(0, 2000),
)
def test_weekday_patterns_match_rrule(
    days: set[int], every: int, starts: dt.date, offset: int
) -> None:
    """Weekday patterns every n weeks open exactly the days a WEEKLY rrule yields."""
    names = tuple(cp.clinics.WEEKDAYS[d] for d in sorted(days))
    hours = cp.OpeningHours(
        days=names, every=every, start=starts, opens=dt.time(9), closes=dt.time(17)
    )
    day = starts + dt.timedelta(days=offset)
    # RFC 5545: WEEKLY with INTERVAL counts weeks from DTSTART's week (WKST=MO).
    rule = rrule(
        WEEKLY,
        interval=every,
        byweekday=sorted(days),
        dtstart=dt.datetime.combine(starts, dt.time()),
    )
    expected = rule.after(dt.datetime.combine(day, dt.time()), inc=True)
    assert hours.applies(day) == (expected is not None and expected.date() == day)


def test_rule_pattern_first_saturday() -> None:
    """An RRULE pattern opens on exactly the dates the rule yields."""
    hours = cp.OpeningHours(
        rule="FREQ=MONTHLY;BYDAY=1SA",
        start=dt.date(2026, 1, 1),
        opens=dt.time(9),
        closes=dt.time(13),
    )
    saturdays = [
        d
        for d in (dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(366))
        if hours.applies(d)
    ]
    assert len(saturdays) == 12
    assert all(d.weekday() == 5 and d.day <= 7 for d in saturdays)
    assert not hours.applies(dt.date(2025, 12, 6))  # before starts


def test_pattern_starts_and_ends_bound_it() -> None:
    """A seasonal pattern applies only from start to end."""
    hours = cp.OpeningHours(
        days=("mon",),
        start=dt.date(2027, 6, 1),
        end=dt.date(2027, 8, 31),
        opens=dt.time(9),
        closes=dt.time(13),
    )
    assert not hours.applies(dt.date(2027, 5, 31))
    assert hours.applies(dt.date(2027, 6, 7))
    assert not hours.applies(dt.date(2027, 9, 6))


# ------------------------------------------------------------ time zones


@pytest.mark.parametrize(
    ("day", "offset_hours"),
    [
        (dt.date(2027, 3, 27), 0),  # Saturday before the March change: GMT
        (dt.date(2027, 3, 29), 1),  # Monday after: BST
        (dt.date(2027, 10, 30), 1),  # Saturday before the October change: BST
        (dt.date(2027, 11, 1), 0),  # Monday after: GMT
    ],
)
def test_local_time_is_kept_across_dst(day: dt.date, offset_hours: int) -> None:
    """A 10:00 opening stays 10:00 local; only the UTC offset changes."""
    moment = local_datetime(day, dt.time(10), cp.load_clinic(EXAMPLE).zone)
    assert moment.time() == dt.time(10)
    assert moment.utcoffset() == dt.timedelta(hours=offset_hours)


def test_time_in_spring_gap_moves_forward() -> None:
    """01:30 does not exist in London on 2027-03-28; it becomes 02:30 BST."""
    zone = cp.load_clinic(EXAMPLE).zone
    moment = local_datetime(dt.date(2027, 3, 28), dt.time(1, 30), zone)
    assert moment.time() == dt.time(2, 30)
    assert moment.utcoffset() == dt.timedelta(hours=1)


# ------------------------------------------------------- availability hook


class Diary:
    """A booking system with free slots on even days only, at 14:30 with 'kim'."""

    def __init__(self) -> None:
        self.asked: list[dt.date] = []

    def free_slot(self, protocol: cp.Protocol, day: dt.date, *, minutes: int) -> cp.Slot | None:
        self.asked.append(day)
        if day.day % 2:
            return None
        return cp.Slot(start=dt.time(14, 30), practitioner="kim")


def test_availability_hook_decides_free_days() -> None:
    """The hook is asked about open days only, and its answer (and time) wins."""
    diary = Diary()
    k = clinic(days=("mon", "tue", "wed", "thu", "fri"), availability=diary)
    assert isinstance(diary, cp.Availability)
    days = ClinicDays(k, FACIAL)
    assert days.closed(dt.date(2027, 1, 2)) is not None  # Saturday: hook not asked
    assert diary.asked == []
    closed = days.closed(dt.date(2027, 1, 5))
    assert closed is not None
    assert closed.rule == "clinic.availability"
    appointment = days.appointment(dt.date(2027, 1, 6))
    assert appointment is not None
    assert appointment.start.time() == dt.time(14, 30)
    assert appointment.practitioner == "kim"
    days.appointment(dt.date(2027, 1, 6))
    assert diary.asked == [dt.date(2027, 1, 5), dt.date(2027, 1, 6)]  # asked once per day


def test_availability_hook_must_return_a_slot() -> None:
    """A hook returning something else is reported, not passed through."""

    class Wrong:
        def free_slot(self, protocol: cp.Protocol, day: dt.date, *, minutes: int) -> object:
            return True

    k = clinic(availability=Wrong())  # type: ignore[arg-type]
    with pytest.raises(cp.ClinicError, match="must return a Slot or None"):
        k.check(FACIAL, dt.date(2027, 1, 5))


def test_with_availability_returns_a_copy() -> None:
    """with_availability leaves the original clinic untouched."""
    k = clinic()
    hooked = k.with_availability(Diary())
    assert k.availability is None
    assert hooked.availability is not None
