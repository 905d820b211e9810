"""iCalendar export, read back by ``icalendar`` and by ``vobject``, an independent reader."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import attrs
import icalendar
import pytest
import vobject
from hypothesis import given, settings

import collagenplan as cp
from tests.strategies import plans

LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
STAMP = dt.datetime(2027, 1, 1, 12, 0, tzinfo=dt.UTC)
WEEKLY = cp.Protocol(
    id="weekly-course",
    name="Weekly course",
    phases=[
        cp.Phase(
            name="series",
            interval=cp.Interval(
                min=cp.Duration(days=7), target=cp.Duration(days=7), max=cp.Duration(days=9)
            ),
            sessions=cp.SessionCount(min=1, max=500, default=12),
        )
    ],
    session=cp.SessionSpec(chair_minutes=45, downtime=cp.Duration(days=1)),
)


def weekly(start: dt.date, count: int, zone: zoneinfo.ZoneInfo | None, hour: int = 10) -> cp.Plan:
    """A weekly plan, every session at ``hour`` local time in ``zone`` (or untimed)."""
    plan = cp.plan(WEEKLY, start=start, sessions=count)
    if zone is None:
        return plan
    sessions = tuple(
        attrs.evolve(s, start=dt.datetime.combine(s.date, dt.time(hour), tzinfo=zone))
        for s in plan.sessions
    )
    return attrs.evolve(plan, sessions=sessions)


def both_readers(data: bytes) -> tuple[list[icalendar.Event], list[vobject.base.Component]]:
    """The VEVENTs as ``icalendar`` and as ``vobject`` read them."""
    ours = icalendar.Calendar.from_ical(data)
    # vobject keeps one process-wide map of TZID to tzinfo, filled by the
    # first file that names a zone (or by pytz); empty it so that each file is
    # read with its own VTIMEZONE, as a calendar app reading one file would.
    registry = vars(vobject.icalendar)["__tzidMap"]
    registry.clear()
    vobject.icalendar.registerTzid("UTC", vobject.icalendar.utc)
    theirs = vobject.readOne(data.decode("utf-8"))
    for event in getattr(theirs, "vevent_list", []):
        zone = getattr(event.dtstart.value, "tzinfo", None)
        if zone is not None and zone.utcoffset(None) is None:
            # vobject read the zone from our VTIMEZONE, not from its own tables.
            assert type(zone).__name__ == "_tzicalvtz", zone
    return list(ours.walk("VEVENT")), list(getattr(theirs, "vevent_list", []))


def test_all_day_sessions_use_dates_with_exclusive_end() -> None:
    """Untimed sessions are DATE events ending (exclusively) the next day, in both readers."""
    plan = weekly(dt.date(2027, 2, 1), 3, None)
    data = cp.to_ics(plan, dtstamp=STAMP)
    ours, theirs = both_readers(data)
    assert len(ours) == len(theirs) == 3
    for session, a, b in zip(plan.sessions, ours, theirs, strict=True):
        for start, end in (
            (a.decoded("dtstart"), a.decoded("dtend")),
            (b.dtstart.value, b.dtend.value),
        ):
            assert not isinstance(start, dt.datetime)
            assert not isinstance(end, dt.datetime)
            assert start == session.date
            assert end == session.date + dt.timedelta(days=1)
        assert b"DTSTART;VALUE=DATE:" + session.date.strftime("%Y%m%d").encode() in data
        assert str(a["transp"]) == "TRANSPARENT"


@pytest.mark.parametrize(
    ("zone", "start", "offsets"),
    [
        # Europe/London: BST starts 28 March 2027, ends 31 October 2027.
        (LONDON, dt.date(2027, 3, 15), [0, 0, 1, 1]),
        (LONDON, dt.date(2027, 10, 17), [1, 1, 0, 0]),
        # America/New_York: EDT starts 14 March 2027, ends 7 November 2027.
        (NEW_YORK, dt.date(2027, 3, 1), [-5, -5, -4, -4]),
        (NEW_YORK, dt.date(2027, 10, 24), [-4, -4, -5, -5]),
    ],
)
def test_timed_sessions_keep_local_time_across_dst(
    zone: zoneinfo.ZoneInfo, start: dt.date, offsets: list[int]
) -> None:
    """10:00 local stays 10:00 local across a DST change; both readers agree on the instants."""
    plan = weekly(start, 4, zone)
    data = cp.to_ics(plan, dtstamp=STAMP, protocol=WEEKLY)
    assert f"DTSTART;TZID={zone.key}:".encode() in data
    assert data.count(b"BEGIN:VTIMEZONE") == 1
    ours, theirs = both_readers(data)
    for session, offset, a, b in zip(plan.sessions, offsets, ours, theirs, strict=True):
        assert session.start is not None
        expected = session.start.astimezone(dt.UTC)
        for got_start, got_end in (
            (a.decoded("dtstart"), a.decoded("dtend")),
            (b.dtstart.value, b.dtend.value),
        ):
            assert got_start.astimezone(dt.UTC) == expected
            assert got_start.utcoffset() == dt.timedelta(hours=offset)
            assert got_end - got_start == dt.timedelta(minutes=45)
        assert a.decoded("dtstart").hour == 10


def test_vtimezone_uses_yearly_rules() -> None:
    """The VTIMEZONE describes DST by yearly RRULEs (last Sunday of March and October)."""
    data = cp.to_ics(weekly(dt.date(2027, 3, 1), 60, LONDON), dtstamp=STAMP)
    tz = icalendar.Calendar.from_ical(data).walk("VTIMEZONE")[0]
    assert str(tz["tzid"]) == "Europe/London"
    text = tz.to_ical()
    assert b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
    assert b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in text
    assert b"RDATE" not in text


@pytest.mark.parametrize(
    "name",
    [
        "Europe/London",
        "America/New_York",
        "Australia/Lord_Howe",
        "Pacific/Chatham",
        "America/Sao_Paulo",
        "Africa/Casablanca",
        "Asia/Tehran",
        "Asia/Gaza",
        "Pacific/Apia",
        "America/St_Johns",
        "Antarctica/Troll",
        "Asia/Tokyo",
    ],
)
def test_readers_agree_with_zoneinfo_in_awkward_zones(name: str) -> None:
    """Both readers turn every session time back into the instant zoneinfo gives, 2005-2039."""
    zone = zoneinfo.ZoneInfo(name)
    plan = weekly(dt.date(2005, 1, 3), 500, None)
    sessions = []
    for i, s in enumerate(plan.sessions):
        # Every 26th day of a 3.5-day cycle of hours lands on many transition seasons.
        moment = dt.datetime.combine(s.date, dt.time(0)) + dt.timedelta(days=i * 19, hours=i % 24)
        start = moment.replace(tzinfo=zone)
        if start.replace(fold=1).utcoffset() != start.utcoffset():
            continue  # an ambiguous or skipped wall time; covered by the fold tests
        # Sessions are numbered 1..n, so the kept ones are numbered afresh.
        sessions.append(attrs.evolve(s, number=len(sessions) + 1, date=moment.date(), start=start))
    plan = attrs.evolve(plan, sessions=tuple(sessions))
    ours, theirs = both_readers(cp.to_ics(plan, dtstamp=STAMP))
    for session, a, b in zip(plan.sessions, ours, theirs, strict=True):
        assert session.start is not None
        expected = session.start.astimezone(dt.UTC)
        assert a.decoded("dtstart").astimezone(dt.UTC) == expected
        assert b.dtstart.value.astimezone(dt.UTC) == expected


@pytest.mark.parametrize(
    ("moment", "line"),
    [
        # Both 01:30s of the New York fall-back night are written in UTC,
        # because readers disagree on which one a TZID local time means
        # (issue 12; interop report D5) ...
        (dt.datetime(2027, 11, 7, 1, 30, tzinfo=NEW_YORK), b"DTSTART:20271107T053000Z"),
        # ... the second as the first.
        (dt.datetime(2027, 11, 7, 1, 30, fold=1, tzinfo=NEW_YORK), b"DTSTART:20271107T063000Z"),
    ],
)
def test_repeated_hour_is_exact(moment: dt.datetime, line: bytes) -> None:
    """An appointment in the repeated hour of a DST change keeps its instant."""
    plan = weekly(dt.date(2027, 11, 7), 1, None)
    plan = attrs.evolve(plan, sessions=(attrs.evolve(plan.sessions[0], start=moment),))
    data = cp.to_ics(plan, dtstamp=STAMP)
    assert line in data
    ours, theirs = both_readers(data)
    assert ours[0].decoded("dtstart").astimezone(dt.UTC) == moment.astimezone(dt.UTC)
    assert theirs[0].dtstart.value.astimezone(dt.UTC) == moment.astimezone(dt.UTC)


def test_a_hostile_client_name_cannot_create_properties() -> None:
    """Commas, semicolons, backslashes and newlines in a name are escaped, never parsed."""
    name = 'O\'Neil, Róisín; "Ro" \\ admin\nEND:VEVENT\r\nBEGIN:VTODO\nSUMMARY:x'
    plan = attrs.evolve(
        weekly(dt.date(2027, 2, 1), 2, LONDON),
        violations=(),
    )
    first = attrs.evolve(
        plan.sessions[0],
        practitioner="Dr; X,\nY",
        milestones=(
            cp.Milestone(
                kind="stop",
                subject="topical-retinoid",
                start=dt.date(2027, 1, 27),
                note="line1\nBEGIN:VALARM\\;,",
            ),
        ),
    )
    plan = attrs.evolve(plan, sessions=(first, plan.sessions[1]))
    data = cp.to_ics(
        plan, dtstamp=STAMP, client_name=name, location="1 High St, Leeds; UK", alarms=("stop",)
    )
    ours, theirs = both_readers(data)
    assert len(ours) == len(theirs) == 2
    cal = icalendar.Calendar.from_ical(data)
    assert [c.name for c in cal.subcomponents] == ["VTIMEZONE", "VEVENT", "VEVENT"]
    assert not list(cal.walk("VTODO"))
    one_line = name.replace("\r\n", " ").replace("\n", " ")
    for a, b in zip(ours, theirs, strict=True):
        for summary in (str(a["summary"]), b.summary.value):
            assert summary.endswith(f"({one_line})")
        for description in (str(a["description"]), b.description.value):
            assert "Client: " + name.replace("\r\n", "\n") in description
        assert b.location.value == "1 High St, Leeds; UK"
        assert set(a) <= {
            "CLASS",
            "UID",
            "DTSTAMP",
            "SEQUENCE",
            "SUMMARY",
            "DTSTART",
            "DTEND",
            "TRANSP",
            "STATUS",
            "DESCRIPTION",
            "LOCATION",
        }
    alarm = ours[0].walk("VALARM")[0]
    expected = "2027-01-27: stop topical-retinoid (line1\nBEGIN:VALARM\\;,)"
    assert str(alarm["description"]) == expected
    assert theirs[0].valarm.description.value == expected
    assert len(list(ours[0].walk("VALARM"))) == 1
    assert "Practitioner: Dr; X,\nY" in str(ours[0]["description"])
    for line in data.split(b"\r\n"):
        assert len(line) <= 75


def test_control_characters_are_dropped() -> None:
    """Control characters in user text never reach the file."""
    data = cp.to_ics(
        weekly(dt.date(2027, 2, 1), 1, None), dtstamp=STAMP, client_name="Ann\x00\x1b[31m\x07 Lee"
    )
    assert b"\x00" not in data
    assert b"\x1b" not in data
    assert b"\x07" not in data
    _ours, theirs = both_readers(data)
    assert theirs[0].summary.value.endswith("(Ann[31m Lee)")


def test_five_hundred_sessions() -> None:
    """A 500-session plan across a decade of DST changes parses in both readers."""
    plan = weekly(dt.date(2027, 1, 4), 500, NEW_YORK, hour=9)
    data = cp.to_ics(plan, dtstamp=STAMP, plan_id="course-500")
    ours, theirs = both_readers(data)
    assert len(ours) == len(theirs) == 500
    assert len({str(e["uid"]) for e in ours}) == 500
    for session, b in zip(plan.sessions, theirs, strict=True):
        assert session.start is not None
        assert b.dtstart.value.astimezone(dt.UTC) == session.start.astimezone(dt.UTC)


def test_uids_survive_replanning_and_differ_between_clients() -> None:
    """UIDs depend on the plan key and session number, not on the dates."""
    before = cp.plan(cp.get_protocol("facial-series"), start=dt.date(2027, 1, 4))
    after = cp.plan(cp.get_protocol("facial-series"), start=dt.date(2027, 2, 1))

    def uids(plan: cp.Plan, **kwargs: str) -> list[str]:
        cal = icalendar.Calendar.from_ical(cp.to_ics(plan, dtstamp=STAMP, **kwargs))
        return [str(e["uid"]) for e in cal.walk("VEVENT")]

    assert uids(before, plan_id="c-17") == uids(after, plan_id="c-17")
    assert uids(before, client_name="Ann") != uids(before, client_name="Bo")
    assert uids(before) == uids(before)
    assert all(u.endswith("@collagenplan") for u in uids(before))
    assert not any("Ann" in u for u in uids(before, client_name="Ann"))


def test_dtstamp_is_explicit_or_derived_never_the_clock() -> None:
    """DTSTAMP is the given time in UTC, or the plan start at 00:00 UTC."""
    plan = weekly(dt.date(2027, 2, 1), 1, None)
    derived = icalendar.Calendar.from_ical(cp.to_ics(plan))
    assert derived.walk("VEVENT")[0].decoded("dtstamp") == dt.datetime(2027, 2, 1, tzinfo=dt.UTC)
    given_stamp = dt.datetime(2027, 1, 30, 9, 15, tzinfo=LONDON)
    data = cp.to_ics(plan, dtstamp=given_stamp)
    assert b"DTSTAMP:20270130T091500Z" in data
    assert cp.to_ics(plan) == cp.to_ics(plan)


def test_alarms_fire_at_the_reminder_time_on_milestone_days() -> None:
    """Each milestone is a DISPLAY VALARM that fires at 09:00 local on its first day."""
    plan = weekly(dt.date(2027, 3, 22), 2, LONDON, hour=14)
    stop = cp.Milestone(kind="stop", subject="topical-retinoid", start=dt.date(2027, 3, 17))
    care = cp.Milestone(
        kind="aftercare",
        subject="no-makeup",
        start=dt.date(2027, 3, 29),
        end=dt.date(2027, 3, 30),
        note="24h",
    )
    sessions = (
        attrs.evolve(plan.sessions[0], milestones=(stop,)),
        attrs.evolve(plan.sessions[1], start=None, milestones=(care,)),
    )
    data = cp.to_ics(
        attrs.evolve(plan, sessions=sessions), dtstamp=STAMP, alarms=("stop", "aftercare")
    )
    ours, theirs = both_readers(data)
    timed_alarm = ours[0].walk("VALARM")[0]
    assert str(timed_alarm["action"]) == "DISPLAY"
    # 14:00 on 22 March (GMT) back to 09:00 on 17 March: 5 days 5 hours.
    assert timed_alarm.decoded("trigger") == -dt.timedelta(days=5, hours=5)
    all_day_alarm = ours[1].walk("VALARM")[0]
    assert all_day_alarm.decoded("trigger") == dt.timedelta(hours=9)
    assert theirs[0].valarm.trigger.value == -dt.timedelta(days=5, hours=5)
    expected = "2027-03-29 to 2027-03-30: aftercare no-makeup (24h)"
    assert theirs[1].valarm.description.value == expected


def test_statuses_and_fixed_offsets() -> None:
    """Booked sessions are CONFIRMED; a fixed-offset start is written in UTC."""
    plan = weekly(dt.date(2027, 2, 1), 2, None)
    offset = dt.timezone(dt.timedelta(hours=2))
    sessions = (
        attrs.evolve(
            plan.sessions[0],
            status="booked",
            start=dt.datetime(2027, 2, 1, 11, tzinfo=offset),
            minutes=30,
        ),
        plan.sessions[1],
    )
    data = cp.to_ics(attrs.evolve(plan, sessions=sessions), dtstamp=STAMP)
    ours, _ = both_readers(data)
    assert b"DTSTART:20270201T090000Z" in data
    assert b"DTEND:20270201T093000Z" in data
    assert b"VTIMEZONE" not in data
    assert [str(e["status"]) for e in ours] == ["CONFIRMED", "TENTATIVE"]


def test_protocol_adds_name_minutes_and_aftercare() -> None:
    """With the protocol, events carry its name, chair minutes and aftercare notes."""
    protocol = cp.get_protocol("facial-series")
    plan = cp.plan(protocol, start=dt.date(2027, 2, 1))
    first = attrs.evolve(plan.sessions[0], start=dt.datetime(2027, 2, 1, 9, tzinfo=LONDON))
    plan = attrs.evolve(plan, sessions=(first, *plan.sessions[1:]))
    ours, _ = both_readers(cp.to_ics(plan, dtstamp=STAMP, protocol=protocol))
    event = ours[0]
    assert str(event["summary"]).startswith(protocol.name)
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(
        minutes=protocol.session.chair_minutes
    )
    # Durations in words for people (issue 12, U3), no longer "24h".
    assert "Aftercare:\n- no-makeup for 24 hours" in str(event["description"])


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"dtstamp": dt.datetime(2027, 1, 1)}, "dtstamp"),
        ({"sequence": -1}, "sequence"),
        ({"client_name": 5}, "client_name"),
        ({"protocol": cp.get_protocol("maintenance")}, "protocol"),
        ({"plan_id": ""}, "plan_id"),
        ({"reminder_time": "09:00"}, "reminder_time"),
    ],
)
def test_bad_arguments_raise_input_error(kwargs: dict[str, object], path: str) -> None:
    """Wrong arguments raise InputError naming the argument."""
    plan = cp.plan(cp.get_protocol("facial-series"), start=dt.date(2027, 2, 1))
    with pytest.raises(cp.InputError) as info:
        cp.to_ics(plan, **kwargs)  # type: ignore[arg-type]
    assert info.value.path == path


def test_naive_start_and_empty_plan_are_refused() -> None:
    """A naive appointment time (refused when the session is built) and a plan without
    sessions raise InputError."""
    plan = weekly(dt.date(2027, 2, 1), 1, None)
    with pytest.raises(cp.InputError, match="time-zone aware") as info:
        attrs.evolve(plan.sessions[0], start=dt.datetime(2027, 2, 1, 9))
    assert info.value.path == "start"
    with pytest.raises(cp.InputError, match="no sessions"):
        cp.to_ics(attrs.evolve(plan, sessions=()))
    with pytest.raises(cp.InputError, match="must be a Plan"):
        cp.to_ics("plan")  # type: ignore[arg-type]


@given(plans())
@settings(max_examples=25, deadline=None)
def test_random_plans_read_back_in_both_readers(plan: cp.Plan) -> None:
    """Any plan exports to a calendar both readers parse, one event per session."""
    if not plan.sessions:
        return
    data = cp.to_ics(plan, dtstamp=STAMP, client_name="A, B; C\\D\nE")
    ours, theirs = both_readers(data)
    assert len(ours) == len(theirs) == len(plan.sessions)
    for session, a, b in zip(plan.sessions, ours, theirs, strict=True):
        assert b.uid.value == str(a["uid"])
        if session.start is None:
            assert b.dtstart.value == session.date
        else:
            # iCalendar times have whole seconds.
            expected = session.start.replace(microsecond=0).astimezone(dt.UTC)
            assert b.dtstart.value.astimezone(dt.UTC) == expected
            assert a.decoded("dtstart").astimezone(dt.UTC) == expected
        # One alarm per day at most: the day before, and each milestone day.
        days = {session.date - dt.timedelta(days=1)}
        days |= {m.start for m in session.milestones if session.start is None}
        days |= {m.start for m in session.milestones if m.start != session.date}
        after = session.start is not None and any(
            m.start == session.date for m in session.milestones
        )
        assert len(list(a.walk("VALARM"))) == len(days) + after


@pytest.mark.parametrize("export", [cp.to_ics, cp.to_fhir])
@pytest.mark.parametrize(("minutes", "words"), [(0, "at least 1"), ("60", "whole number")])
def test_bad_default_minutes_are_refused(export: Any, minutes: object, words: str) -> None:
    """default_minutes is checked once, as an argument, by the shared session view."""
    plan = cp.plan(cp.get_protocol("facial-series"), start=dt.date(2027, 3, 22))
    with pytest.raises(cp.InputError, match=words) as info:
        export(plan, default_minutes=minutes)
    assert info.value.path == "default_minutes"


@pytest.mark.parametrize(
    ("sequence", "revision", "path"),
    [
        (0, 2**31, "sessions[1].revision"),
        (2**31 - 1, 1, "sessions[1].revision"),
        (2**31, 0, "sequence"),
    ],
)
def test_sequence_past_the_rfc_integer_range_is_refused(
    sequence: int, revision: int, path: str
) -> None:
    """Fuzz campaign seed 12: a plan document with a huge revision made icalendar raise
    ValueError from inside; SEQUENCE is a 32-bit INTEGER (RFC 5545 3.3.8), so the export
    refuses it naming the session, and a sum at the limit is still written."""
    p = cp.get_protocol("facial-series")
    plan = cp.plan(p, start=dt.date(2027, 3, 1))
    sessions = list(plan.sessions)
    sessions[1] = attrs.evolve(sessions[1], revision=revision)
    plan = attrs.evolve(plan, sessions=tuple(sessions))
    with pytest.raises(cp.InputError) as caught:
        cp.to_ics(plan, protocol=p, sequence=sequence)
    assert caught.value.path == path
    assert "RFC 5545" in str(caught.value)
    sessions[1] = attrs.evolve(sessions[1], revision=2**31 - 1)
    edge = cp.to_ics(attrs.evolve(plan, sessions=tuple(sessions)), protocol=p)
    assert b"SEQUENCE:2147483647" in edge
