"""Exports and change (issue 12): ids that survive re-planning, cancellations, privacy,
locations, DST-exact ends, local-time alarms, and identity in FHIR."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zoneinfo
from pathlib import Path
from typing import Any

import attrs
import icalendar
import pytest
import vobject
from fhir.resources.bundle import Bundle
from fhir.resources.plandefinition import PlanDefinition
from hypothesis import given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan.cli import main
from collagenplan.planning._keys import succeed
from tests.strategies import plans, protocols
from tests.test_export_fhir import _references, _resources, check_bundle
from tests.test_export_ics import both_readers

D = dt.date
FACIAL = cp.get_protocol("facial-series")
ANA = cp.Client(id="client-0042")
BO = cp.Client(id="client-0099")
STAMP = dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC)
LONDON = zoneinfo.ZoneInfo("Europe/London")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CLINIC = cp.parse_clinic(
    """
schema = 1
id = "northern-skin"
name = "Northern Skin Studio"
address = "12 High Street, Leeds LS1 4AB"
timezone = "Europe/London"

[[hours]]
days = ["mon", "tue", "wed", "thu", "fri", "sat"]
opens = "09:00"
closes = "17:30"

[[practitioners]]
id = "patel"
name = "Nurse Priya Patel"
treatments = ["facial-series"]
"""
)
NIGHT = cp.parse_clinic(
    """
schema = 1
id = "soho-derm"
name = "SoHo Derm"
timezone = "America/New_York"

[[hours]]
days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
opens = "01:30"
closes = "06:00"
"""
)


def _events(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["uid"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def _missed_second(client: cp.Client = ANA) -> tuple[cp.Plan, cp.Plan]:
    """A clinic plan and its re-plan after session 1 done and session 2 missed."""
    original = cp.plan(FACIAL, start=D(2027, 1, 4), sessions=4, client=client, clinic=CLINIC)
    first, second = original.dates[:2]
    visits = [cp.Visit(date=first), cp.Visit(date=second, status="missed")]
    again = cp.replan(
        original, visits, today=second + dt.timedelta(days=3), client=client, clinic=CLINIC
    )
    return original, again


# --------------------------------------------------------------- iCalendar


def test_re_export_after_a_re_plan_changes_no_uid_and_bumps_only_moved_sessions() -> None:
    """Same UIDs before and after; SEQUENCE rises only where the time moved."""
    original, again = _missed_second()
    before = _events(cp.to_ics(original, protocol=FACIAL, dtstamp=STAMP))
    after_data = cp.to_ics(again, protocol=FACIAL, dtstamp=STAMP)
    after = _events(after_data)
    assert set(before) == set(after)
    moved = 0
    for uid, event in after.items():
        old = before[uid]
        same_time = old.decoded("dtstart") == event.decoded("dtstart")
        if same_time:
            assert int(event["sequence"]) == int(old["sequence"]) == 0
        else:
            moved += 1
            assert int(event["sequence"]) == int(old["sequence"]) + 1
    assert moved == 4  # sessions 2-4 and the touch-up moved; session 1 was done as planned
    ours, theirs = both_readers(after_data)
    for a, b in zip(ours, theirs, strict=True):
        assert b.uid.value == str(a["uid"])
        assert b.dtstart.value.astimezone(dt.UTC) == a.decoded("dtstart").astimezone(dt.UTC)


def test_two_clients_never_share_a_uid() -> None:
    """The same protocol and start for two clients: no UID in common."""
    ana = cp.plan(FACIAL, start=D(2027, 3, 1), client=ANA)
    bo = cp.plan(FACIAL, start=D(2027, 3, 1), client=BO)
    anonymous = cp.plan(FACIAL, start=D(2027, 3, 1))
    uids = [set(_events(cp.to_ics(p, dtstamp=STAMP))) for p in (ana, bo, anonymous)]
    assert not uids[0] & uids[1]
    assert not uids[0] & uids[2]
    assert not uids[1] & uids[2]


def test_a_removed_session_comes_back_cancelled() -> None:
    """A session a re-plan dropped is written with its UID, STATUS:CANCELLED and a
    higher SEQUENCE; METHOD:CANCEL writes it alone."""
    original = cp.plan(FACIAL, start=D(2026, 12, 1), plan_id="course-9", sessions=4)
    cut = succeed(original, cp.plan(FACIAL, start=D(2026, 12, 1), plan_id="course-9"))
    before = _events(cp.to_ics(original, dtstamp=STAMP))
    data = cp.to_ics(cut, dtstamp=STAMP)
    after = _events(data)
    assert set(after) == set(before)
    gone = [uid for uid, e in after.items() if str(e["status"]) == "CANCELLED"]
    assert len(gone) == 1
    assert gone[0].split("@")[0].endswith("-series-4")
    assert int(after[gone[0]]["sequence"]) == 1 > int(before[gone[0]]["sequence"])
    assert str(after[gone[0]]["summary"]).startswith("Cancelled: ")
    assert not after[gone[0]].walk("VALARM")
    _ours, theirs = both_readers(data)
    assert sorted(e.status.value for e in theirs).count("CANCELLED") == 1

    message = cp.to_ics(
        cut, dtstamp=STAMP, method="CANCEL", organizer="mailto:desk@clinic.example"
    )
    cal = icalendar.Calendar.from_ical(message)
    assert str(cal["method"]) == "CANCEL"
    (event,) = cal.walk("VEVENT")
    assert str(event["uid"]) == gone[0]
    assert str(event["organizer"]) == "mailto:desk@clinic.example"
    assert int(event["sequence"]) == 1


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"method": "CANCEL"}, "organizer"),
        ({"method": "REQUEST", "organizer": "mailto:a@b"}, "method"),
        ({"method": "CANCEL", "organizer": "mailto:a@b"}, "plan.removed"),
        ({"classification": "SECRET"}, "classification"),
        ({"alarms": "stop"}, "alarms"),
        ({"alarms": ("stop", "stpo")}, "alarms[1]"),
        ({"attendees": "mailto:a@b"}, "attendees"),
        ({"clinic": "northern-skin"}, "clinic"),
        ({"plan_id": ""}, "plan_id"),
    ],
)
def test_bad_identity_arguments_are_refused(kwargs: dict[str, Any], path: str) -> None:
    """Each bad export argument is an InputError naming it."""
    plan = cp.plan(FACIAL, start=D(2027, 3, 1))
    with pytest.raises(cp.InputError) as info:
        cp.to_ics(plan, dtstamp=STAMP, **kwargs)
    assert info.value.path == path


def test_events_are_confidential_and_located_at_the_clinic() -> None:
    """CLASS:CONFIDENTIAL by default; LOCATION is the clinic's name and address;
    practitioners are shown by name."""
    result = cp.plan(FACIAL, start=D(2027, 3, 1), clinic=CLINIC, client=ANA)
    data = cp.to_ics(result, dtstamp=STAMP, clinic=CLINIC)
    ours, theirs = both_readers(data)
    for a, b in zip(ours, theirs, strict=True):
        assert str(a["class"]) == "CONFIDENTIAL"
        assert b.location.value == "Northern Skin Studio, 12 High Street, Leeds LS1 4AB"
        assert "Practitioner: Nurse Priya Patel" in b.description.value
    public = _events(cp.to_ics(result, dtstamp=STAMP, classification=None, location="Room 2"))
    for event in public.values():
        assert "CLASS" not in event
        assert str(event["location"]) == "Room 2"


def test_the_calendar_name_is_escaped_text_for_every_reader() -> None:
    """NAME and X-WR-CALNAME escape commas and semicolons; vobject reads the whole name."""
    result = cp.plan(FACIAL, start=D(2027, 3, 22), sessions=3)
    name = "O'Neil, Róisín; \\ x"
    data = cp.to_ics(result, protocol=FACIAL, client_name=name, dtstamp=STAMP)
    lines = data.decode().split("\r\n")
    assert "NAME:Facial microneedling series (O'Neil\\, Róisín\\; \\\\ x)" in lines
    assert "X-WR-CALNAME:Facial microneedling series (O'Neil\\, Róisín\\; \\\\ x)" in lines
    calendar = vobject.readOne(data.decode())
    assert calendar.contents["x-wr-calname"][0].value == f"Facial microneedling series ({name})"


def test_dtend_in_the_repeated_autumn_hour_is_after_the_start() -> None:
    """B10: a 01:30 EDT session ending in the repeated hour ends 45 minutes later in
    every reader (interop #5: both ends are written in UTC when ambiguous)."""
    result = cp.plan(
        cp.get_protocol("scalp-series"), start=D(2027, 10, 24), clinic=NIGHT, plan_id="x"
    )
    data = cp.to_ics(result, dtstamp=STAMP)
    ours, theirs = both_readers(data)
    checked = 0
    for session, a, b in zip(result.sessions, ours, theirs, strict=True):
        assert session.start is not None
        for start, end in (
            (a.decoded("dtstart"), a.decoded("dtend")),
            (b.dtstart.value, b.dtend.value),
        ):
            assert start.astimezone(dt.UTC) == session.start.astimezone(dt.UTC)
            assert end - start == dt.timedelta(minutes=45)
        checked += session.date == D(2027, 11, 7)
    assert checked == 1
    assert b"DTSTART:20271107T053000Z" in data
    assert b"DTEND:20271107T061500Z" in data


def _fire_times(event: icalendar.Event) -> list[dt.datetime]:
    start = event.decoded("dtstart")
    return [start + alarm.decoded("trigger") for alarm in event.walk("VALARM")]


@pytest.mark.parametrize(
    "zone",
    [
        dt.timezone(dt.timedelta(hours=5, minutes=30)),
        dt.UTC,
        zoneinfo.ZoneInfo("Asia/Kolkata"),
        zoneinfo.ZoneInfo("Australia/Lord_Howe"),
    ],
)
def test_alarms_fire_at_local_reminder_time_whatever_form_dtstart_takes(
    zone: dt.tzinfo,
) -> None:
    """Interop #6: 09:00 local on the milestone's day, also when DTSTART is in UTC."""
    result = cp.plan(FACIAL, start=D(2027, 11, 9), plan_id="x")
    stop = cp.Milestone(kind="stop", subject="topical-retinoid", start=D(2027, 11, 4))
    session = attrs.evolve(
        result.sessions[0],
        start=dt.datetime(2027, 11, 9, 10, tzinfo=zone),
        minutes=45,
        milestones=(stop,),
    )
    data = cp.to_ics(attrs.evolve(result, sessions=(session,)), dtstamp=STAMP)
    ours, theirs = both_readers(data)
    fires = sorted(t.astimezone(dt.UTC) for t in _fire_times(ours[0]))
    expected = [
        dt.datetime(2027, 11, 4, 9, tzinfo=zone).astimezone(dt.UTC),
        dt.datetime(2027, 11, 8, 9, tzinfo=zone).astimezone(dt.UTC),  # the day before
    ]
    assert fires == expected
    theirs_fires = sorted(
        (theirs[0].dtstart.value + a.trigger.value).astimezone(dt.UTC)
        for a in theirs[0].valarm_list
    )
    assert theirs_fires == expected


def test_at_most_one_alarm_per_day_with_aftercare_after_the_session() -> None:
    """U4 / interop #9: one alarm per day per event; the day-before reminder; aftercare
    grouped into one alarm at the end of a timed session."""
    client = cp.load_client(EXAMPLES / "client.toml")
    result = cp.plan(FACIAL, start=D(2026, 12, 1), sessions=4, client=client, clinic=CLINIC)
    data = cp.to_ics(result, protocol=FACIAL, dtstamp=STAMP, clinic=CLINIC)
    ours, _theirs = both_readers(data)
    for session, event in zip(result.sessions, ours, strict=True):
        assert session.start is not None
        fires = _fire_times(event)
        local_days = [t.astimezone(LONDON).date() for t in fires]
        assert len(local_days) == len(set(local_days))
        texts = [str(a["description"]) for a in event.walk("VALARM")]
        assert any(t.startswith("Tomorrow at ") for t in texts)
        (care,) = [t for t in texts if t.startswith("After your session:")]
        assert care.count("aftercare") == sum(
            m.kind == "aftercare" and m.start == session.date for m in session.milestones
        )
        after = fires[texts.index(care)]
        assert after == event.decoded("dtend")
        others = [t for i, t in enumerate(fires) if texts[i] != care]
        assert all(t.astimezone(LONDON).time() == dt.time(9) for t in others)


@pytest.mark.parametrize(
    ("alarms", "count"),
    [((), 0), (("appointment",), 1), (["appointment", "stop"], 2)],
)
def test_alarm_kinds_are_chosen(alarms: Any, count: int) -> None:
    """alarms= picks which reminders become alarms."""
    result = cp.plan(FACIAL, start=D(2027, 3, 1), plan_id="x")
    stop = cp.Milestone(kind="stop", subject="topical-retinoid", start=D(2027, 2, 24))
    care = cp.Milestone(kind="aftercare", subject="no-makeup", start=D(2027, 3, 1))
    session = attrs.evolve(result.sessions[0], milestones=(stop, care))
    data = cp.to_ics(attrs.evolve(result, sessions=(session,)), dtstamp=STAMP, alarms=alarms)
    assert len(_events(data).popitem()[1].walk("VALARM")) == count


# --------------------------------------------------------------------- FHIR


def test_fhir_ids_and_identifiers_survive_a_re_plan() -> None:
    """Resource ids and identifiers carry the plan id and session keys, so a re-plan
    updates the same resources."""
    original, again = _missed_second()
    first = cp.to_fhir(original, protocol=FACIAL, clinic=CLINIC, client=ANA)
    second = cp.to_fhir(again, protocol=FACIAL, clinic=CLINIC, client=ANA)
    for bundle in (first, second):
        check_bundle(bundle)
    assert {e["fullUrl"] for e in first["entry"]} == {e["fullUrl"] for e in second["entry"]}
    careplan = _resources(second, "CarePlan")[0]
    assert careplan["identifier"] == [
        {"system": "urn:collagenplan:plan", "value": "client-0042/facial-series"}
    ]
    values = [a["identifier"][0]["value"] for a in _resources(second, "Appointment")]
    assert values == [f"client-0042/facial-series#{s.key}" for s in again.sessions]
    patient = _resources(second, "Patient")[0]
    assert patient["identifier"] == [{"system": "urn:collagenplan:client", "value": "client-0042"}]


def test_fhir_two_clients_share_no_resource() -> None:
    """Same protocol and start, two clients: no id in common, Patient included."""
    bundles = [
        cp.to_fhir(cp.plan(FACIAL, start=D(2027, 3, 1), client=c), client=c) for c in (ANA, BO)
    ]
    ids = [{e["fullUrl"] for e in b["entry"]} for b in bundles]
    assert not ids[0] & ids[1]


def test_fhir_statuses_practitioners_and_narrative() -> None:
    """Done and booked sessions without a time are fulfilled and booked over their whole
    day; practitioners are Practitioner resources in the Bundle; the CarePlan has a
    narrative."""
    result = cp.plan(FACIAL, start=D(2027, 3, 1), clinic=CLINIC, client=ANA, plan_id="c<&>")
    done = attrs.evolve(result.sessions[0], status="done", start=None)
    booked = attrs.evolve(result.sessions[1], status="booked", start=None)
    result = attrs.evolve(result, sessions=(done, booked, *result.sessions[2:]))
    bundle = cp.to_fhir(result, protocol=FACIAL, clinic=CLINIC, client=ANA)
    check_bundle(bundle)
    fulfilled, booked_app = _resources(bundle, "Appointment")[:2]
    assert fulfilled["status"] == "fulfilled"
    assert booked_app["status"] == "booked"
    day = done.date.isoformat()
    assert fulfilled["start"].startswith(f"{day}T00:00:00+")
    assert fulfilled["end"] > fulfilled["start"]
    (practitioner,) = _resources(bundle, "Practitioner")
    assert practitioner["name"] == [{"text": "Nurse Priya Patel"}]
    ref = f"urn:uuid:{practitioner['id']}"
    for appointment in _resources(bundle, "Appointment"):
        actors = [p["actor"] for p in appointment["participant"]]
        assert actors[1] == {"reference": ref, "display": "Nurse Priya Patel"}
    urls = {e["fullUrl"] for e in bundle["entry"]}
    assert set(_references(bundle)) <= urls
    text = _resources(bundle, "CarePlan")[0]["text"]
    assert text["status"] == "generated"
    assert text["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml"><p>')
    assert "&lt;&amp;&gt;" not in text["div"]  # the plan id is not in the narrative...
    assert "Facial microneedling series" in text["div"]


def test_fhir_removed_sessions_are_cancelled_appointments() -> None:
    """A removed session is a cancelled Appointment (no CarePlan activity), so a
    transaction PUT cancels what an earlier one created."""
    original = cp.plan(FACIAL, start=D(2026, 12, 1), plan_id="course-9", sessions=4)
    cut = succeed(original, cp.plan(FACIAL, start=D(2026, 12, 1), plan_id="course-9"))
    before = cp.to_fhir(original, bundle_type="transaction")
    after = cp.to_fhir(cut, bundle_type="transaction")
    check_bundle(after)
    assert {e["fullUrl"] for e in before["entry"]} == {e["fullUrl"] for e in after["entry"]}
    cancelled = [a for a in _resources(after, "Appointment") if a["status"] == "cancelled"]
    assert [a["identifier"][0]["value"] for a in cancelled] == ["course-9#series-4"]
    refs = {a["reference"]["reference"] for a in _resources(after, "CarePlan")[0]["activity"]}
    assert f"urn:uuid:{cancelled[0]['id']}" not in refs


def test_plan_definition_action_ids_fit_in_64_characters() -> None:
    """Interop #10: long rule names give hashed action ids of at most 64 characters,
    distinct, and every relatedAction points at one of them."""
    long = "-".join(["very-long-antiviral-prophylaxis-regimen"] * 3)
    text = cp.format_protocol(FACIAL) + (
        f'\n[[precautions]]\ncondition = "{long}-history"\naction = "{long}"\n'
        'before = "2d"\nafter = "2d"\n'
    )
    protocol = cp.parse_protocol(text)
    definition = cp.protocol_to_fhir(protocol)
    PlanDefinition.parse_obj(definition)
    ids = [a["id"] for a in definition["action"]]
    assert all(len(i) <= 64 and re.fullmatch(r"[A-Za-z0-9.-]+", i) for i in ids)
    assert len(set(ids)) == len(ids)
    for action in definition["action"]:
        for link in action.get("relatedAction", []):
            assert link["actionId"] in ids


# ---------------------------------------------------------------------- CLI


def _uids(path: Path) -> list[str]:
    return [str(e["uid"]) for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")]


def test_cli_re_plan_keeps_uids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """B5 / interop #1: the tutorial's command-line re-plan updates, never duplicates."""
    client = str(EXAMPLES / "client.toml")
    v1, v2 = tmp_path / "v1.ics", tmp_path / "v2.ics"
    args = ["plan", "facial-series", "--sessions", "4", "--client", client, "--format", "ics"]
    assert main([*args, "--start", "2026-12-01", "--output", str(v1)]) == 0
    more = ["--done", "2027-02-03", "--missed", "2027-03-12", "--output", str(v2)]
    main([*args, "--start", "2027-03-13", *more])
    assert set(_uids(v1)) == set(_uids(v2))
    assert len(set(_uids(v1))) == 5
    assert "warning" not in capsys.readouterr().err


def test_cli_plan_id_and_alarm_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--plan-id names the plan; without any id a warning says re-exports will not
    update; --alarms none writes no alarm; --client-name shows in SUMMARY."""
    out = tmp_path / "a.ics"
    base = ["plan", "facial-series", "--start", "2027-03-01", "--format", "ics"]
    assert main([*base, "--output", str(out)]) == 0
    assert "has no id" in capsys.readouterr().err
    anonymous = set(_uids(out))
    extra = ["--plan-id", "course-1", "--alarms", "none", "--client-name", "Ann, Lee"]
    assert main([*base, *extra, "--output", str(out)]) == 0
    assert capsys.readouterr().err == ""
    assert not set(_uids(out)) & anonymous
    data = out.read_bytes()
    assert b"BEGIN:VALARM" not in data
    assert b"(Ann\\, Lee)" in data
    assert main([*base, "--plan-id", "course-1", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["plan_id"] == "course-1"


def test_cli_fhir_patient_from_the_client_file(capsys: pytest.CaptureFixture[str]) -> None:
    """U6: the client file's id is the Patient's identifier; --patient points elsewhere."""
    client = str(EXAMPLES / "client.toml")
    args = ["plan", "facial-series", "--start", "2027-03-01", "--client", client]
    assert main([*args, "--format", "fhir"]) == 0
    bundle = json.loads(capsys.readouterr().out)
    Bundle.parse_obj(bundle)
    (patient,) = _resources(bundle, "Patient")
    assert patient["identifier"][0]["value"] == "client-0042"
    assert main([*args, "--format", "fhir", "--patient", "Patient/8"]) == 0
    bundle = json.loads(capsys.readouterr().out)
    assert not _resources(bundle, "Patient")
    assert _resources(bundle, "CarePlan")[0]["subject"] == {"reference": "Patient/8"}


# ---------------------------------------------------------------------- CSV


def test_csv_carries_the_plan_id_keys_and_protocol_minutes() -> None:
    """Interop #8: plan_id is the plan's id; each row has its session key; with the
    protocol, `end` is filled from its chair minutes."""
    result = cp.plan(FACIAL, start=D(2027, 3, 1), clinic=CLINIC, client=ANA)
    bare = attrs.evolve(result, sessions=[attrs.evolve(s, minutes=None) for s in result.sessions])
    rows = list(csv.DictReader(io.StringIO(cp.to_csv(bare, protocol=FACIAL), newline="")))
    assert {r["plan_id"] for r in rows} == {"client-0042/facial-series"}
    assert [r["key"] for r in rows] == [s.key for s in result.sessions]
    for row, session in zip(rows, result.sessions, strict=True):
        assert session.start is not None
        assert row["minutes"] == "60"
        assert row["end"] == (session.start + dt.timedelta(minutes=60)).isoformat()
    without = list(csv.DictReader(io.StringIO(cp.to_csv(bare), newline="")))
    assert {r["end"] for r in without} == {""}


def test_csv_byte_order_mark(tmp_path: Path) -> None:
    """Interop #7: bom=True / --encoding utf-8-sig start the file with a UTF-8 BOM."""
    result = cp.plan(FACIAL, start=D(2027, 3, 1), plan_id="x")
    assert cp.to_csv(result, bom=True).startswith("\ufeffplan_id,")
    assert cp.milestones_to_csv(result, bom=True).startswith("\ufeffplan_id,")
    assert not cp.to_csv(result).startswith("\ufeff")
    with pytest.raises(cp.InputError) as info:
        cp.to_csv(result, bom="yes")  # type: ignore[arg-type]
    assert info.value.path == "bom"
    out = tmp_path / "s.csv"
    args = ["plan", "facial-series", "--start", "2027-03-01", "--plan-id", "x", "--format", "csv"]
    assert main([*args, "--encoding", "utf-8-sig", "--output", str(out)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfplan_id,")
    assert main([*args, "--output", str(out)]) == 0
    assert out.read_bytes().startswith(b"plan_id,")


# --------------------------------------------------------------------- JSON


def _clinic_plan_doc() -> dict[str, Any]:
    result = cp.plan(FACIAL, start=D(2027, 3, 29), clinic=CLINIC)
    doc: dict[str, Any] = json.loads(cp.to_json(result))
    return doc


def test_json_datetimes_are_plain_instants_with_a_zone_key() -> None:
    """U5 / r17: `start` parses with datetime.fromisoformat; the zone is `time_zone`."""
    doc = _clinic_plan_doc()
    first = doc["sessions"][0]
    assert list(first)[list(first).index("start") + 1] == "time_zone"
    moment = dt.datetime.fromisoformat(first["start"])
    assert moment.utcoffset() == dt.timedelta(hours=1)
    assert first["time_zone"] == "Europe/London"
    back = cp.from_json(json.dumps(doc), cp.Plan)
    assert back.sessions[0].start == moment.astimezone(LONDON)
    assert back.sessions[0].start.tzinfo == LONDON  # type: ignore[union-attr]
    untimed = json.loads(cp.to_json(cp.plan(FACIAL, start=D(2027, 3, 29))))
    assert untimed["sessions"][0]["start"] is None
    assert untimed["sessions"][0]["time_zone"] is None


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"time_zone": 5}, "must be an IANA time zone name or null"),
        ({"start": None}, "has no date-time"),
        ({"start": "2027-03-30T09:00:00+01:00[Europe/Paris]"}, "names another zone"),
        ({"time_zone": "Mars/Olympus"}, "unknown IANA time zone"),
        ({"time_zone": "America/New_York"}, "does not match America/New_York"),
    ],
)
def test_json_zone_key_errors_name_the_key(change: dict[str, Any], words: str) -> None:
    """A bad or contradictory zone key is a SchemaError naming the key path."""
    doc = _clinic_plan_doc()
    doc["sessions"][0].update(change)
    with pytest.raises(cp.SchemaError, match=words) as info:
        cp.from_json(json.dumps(doc), cp.Plan)
    assert info.value.path.startswith("sessions[0].")


def test_cli_validate_takes_visits(capsys: pytest.CaptureFixture[str]) -> None:
    """U6: `validate` takes --missed/--booked: a missed visit is not a session."""
    args = ["validate", "facial-series", "2027-01-05", "--format", "json"]
    assert main([*args[:3], "2027-02-09", "2027-02-16"]) == 1  # a week apart: too soon
    capsys.readouterr()
    assert main([*args, "--missed", "2027-02-09", "--booked", "2027-02-16"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [s["status"] for s in doc["sessions"]] == ["done", "booked"]


def test_cli_together(capsys: pytest.CaptureFixture[str]) -> None:
    """U6: `together` runs validate_together; exit 1 when a plan has an error; a bad
    date is a usage error naming --series."""
    ok = ["together", "--series", "facial-series", "2027-01-05", "2027-02-09"]
    assert main([*ok, "--series", "body-series", "2027-02-09"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("all valid")
    bad = ["together", "--series", "facial-series", "2027-01-05", "2027-01-12"]
    assert main([*bad, "--series", "body-series", "2027-02-09", "--format", "json"]) == 1
    out = capsys.readouterr().out
    doc = json.loads(out)
    # issue 12 (U11): a collagenplan/combined-report/1 document, each pair an object.
    assert doc["schema"] == "collagenplan/combined-report/1"
    assert [r["protocol_id"] for r in doc["reports"]] == ["facial-series", "body-series"]
    assert [pid for pid, _ in cp.from_json(out, cp.CombinedReport)] == [
        "facial-series",
        "body-series",
    ]
    assert main(["together", "--series", "facial-series", "5 Jan"]) == 2
    assert "--series: '5 Jan' is not a date" in capsys.readouterr().err


def test_cli_replan_keeps_uids_bumps_moved_and_cancels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`replan PLAN.json` keeps the plan's identity: same UIDs, SEQUENCE 1 only on the
    moved sessions, and a JSON document at the next revision."""
    v1, v2 = tmp_path / "v1.json", tmp_path / "v2.json"
    start = ["plan", "facial-series", "--start", "2026-12-01", "--plan-id", "course-7"]
    assert main([*start, "--format", "json", "--output", str(v1)]) == 0
    assert main([*start, "--format", "ics", "--output", str(tmp_path / "v1.ics")]) == 0
    again = ["replan", str(v1), "--today", "2027-01-08", "--done", "2026-12-01"]
    again += ["--missed", "2027-01-05"]
    assert main([*again, "--format", "json", "--output", str(v2)]) == 0
    assert main([*again, "--format", "ics", "--output", str(tmp_path / "v2.ics")]) == 0
    revised = cp.from_json(v2.read_text(encoding="utf-8"), cp.Plan)
    assert (revised.plan_id, revised.revision) == ("course-7", 1)
    before = _events((tmp_path / "v1.ics").read_bytes())
    after = _events((tmp_path / "v2.ics").read_bytes())
    assert set(before) == set(after)
    sequences = {uid.split("-", 1)[1]: int(e["sequence"]) for uid, e in after.items()}
    assert sequences == {
        "series-1@collagenplan": 0,
        "series-2@collagenplan": 1,
        "series-3@collagenplan": 1,
        "touch-up-1@collagenplan": 1,
    }
    assert main(["replan", str(tmp_path / "missing.json"), "--today", "2027-01-08"]) == 2
    assert "missing.json: cannot read file" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text('{"schema": "collagenplan/plan/1"}', encoding="utf-8")
    assert main(["replan", str(tmp_path / "bad.json"), "--today", "2027-01-08"]) == 2
    assert "bad.json: protocol_id: is required" in capsys.readouterr().err


@given(st.data(), st.integers(0, 3), st.integers(1, 60))
@settings(max_examples=30, deadline=None)
def test_re_exports_of_random_re_plans_keep_uids(
    data: st.DataObject, done: int, later: int
) -> None:
    """For any plan and any re-plan of it: every UID exported before is exported again
    (planned or CANCELLED), both readers agree, and SEQUENCE rises exactly where the
    event's start or end moved, never falls."""
    protocol = data.draw(protocols(rules=True, late=True, catalogue=data.draw(st.booleans())))
    plan = data.draw(plans(st.just(protocol)))
    if not plan.sessions:
        return
    # An anonymous plan's UIDs hang on its start date, which a re-plan moves: give it an id.
    plan = attrs.evolve(
        plan, plan_id="p-1", sessions=[attrs.evolve(s, status="planned") for s in plan.sessions]
    )
    visits = [cp.Visit(date=s.date) for s in plan.sessions[:done]]
    today = (visits[-1].date if visits else plan.start) + dt.timedelta(days=later)
    try:
        again = cp.replan(plan, visits, today=today, protocol=protocol)
    except cp.CollagenPlanError:
        return
    if not again.sessions:
        return
    before = _events(cp.to_ics(plan, protocol=protocol, dtstamp=STAMP))
    after_data = cp.to_ics(again, protocol=protocol, dtstamp=STAMP)
    after = _events(after_data)
    assert set(before) <= set(after)
    ours, theirs = both_readers(after_data)
    assert [str(a["uid"]) for a in ours] == [b.uid.value for b in theirs]
    for uid, old in before.items():
        new = after[uid]
        old_seq, new_seq = int(old["sequence"]), int(new["sequence"])
        if str(new["status"]) == "CANCELLED":
            assert new_seq > old_seq
            continue
        moved = (old.decoded("dtstart"), old.decoded("dtend")) != (
            new.decoded("dtstart"),
            new.decoded("dtend"),
        )
        assert new_seq == (old_seq + 1 if moved else old_seq)
