"""Command line: ``plan --format json|ics|fhir|csv`` and ``--output``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import icalendar
import pytest
from fhir.resources.bundle import Bundle

import collagenplan as cp
from collagenplan.cli import main
from collagenplan.planning._keys import succeed

PLAN = ["plan", "facial-series", "--start", "2026-12-01"]
D = dt.date


def test_json_is_the_plan_document(capsys: pytest.CaptureFixture[str]) -> None:
    """--format json prints a collagenplan/plan/1 document that reads back."""
    assert main([*PLAN, "--format", "json"]) == 0
    out = capsys.readouterr().out
    plan = cp.from_json(out, cp.Plan)
    assert plan.protocol_id == "facial-series"
    assert len(plan.sessions) == 4


def test_ics_output(capsys: pytest.CaptureFixture[str]) -> None:
    """--format ics prints a calendar with one event per session."""
    assert main([*PLAN, "--format", "ics"]) == 0
    cal = icalendar.Calendar.from_ical(capsys.readouterr().out)
    assert len(cal.walk("VEVENT")) == 4


def test_fhir_output(capsys: pytest.CaptureFixture[str]) -> None:
    """--format fhir prints a valid R4 Bundle."""
    assert main([*PLAN, "--format", "fhir"]) == 0
    Bundle.parse_obj(json.loads(capsys.readouterr().out))


def test_csv_to_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--output writes the table to a file (CRLF rows) and nothing to stdout."""
    target = tmp_path / "plan.csv"
    assert main([*PLAN, "--format", "csv", "--output", str(target)]) == 0
    assert capsys.readouterr().out == ""
    data = target.read_bytes()
    assert data.count(b"\r\n") == 5
    assert b"\r\r\n" not in data
    rows = list(csv.DictReader(io.StringIO(data.decode(), newline="")))
    assert [r["date"] for r in rows] == ["2026-12-01", "2027-01-05", "2027-02-09", "2028-02-09"]


def test_unwritable_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An output file that cannot be written is exit 2 with a one-line message."""
    assert main([*PLAN, "--output", str(tmp_path / "missing" / "x.ics")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("collagenplan: error:")
    assert "cannot write file" in err


def test_validate_and_protocol_json_are_documents(capsys: pytest.CaptureFixture[str]) -> None:
    """validate and protocols ID print report and protocol documents."""
    assert main(["validate", "facial-series", "2026-12-01", "2026-12-20", "--format", "json"]) == 1
    report = cp.from_json(capsys.readouterr().out, cp.Report)
    assert report.codes == ("interval-too-short",)
    assert main(["protocols", "maintenance", "--format", "json"]) == 0
    assert cp.from_json(capsys.readouterr().out) == cp.get_protocol("maintenance")


def test_other_commands_do_not_offer_calendar_formats(capsys: pytest.CaptureFixture[str]) -> None:
    """Only plan takes ics/fhir/csv."""
    assert main(["validate", "facial-series", "2026-12-01", "--format", "ics"]) == 2
    assert "invalid choice" in capsys.readouterr().err


# ------------------------------------------- invitation flows (issue 12, iCalendar)


def _calendar(capsys: pytest.CaptureFixture[str], *args: str) -> icalendar.Calendar:
    assert main([*args]) == 0, capsys.readouterr().err
    return icalendar.Calendar.from_ical(capsys.readouterr().out)


def test_sequence_reminder_time_and_uid_domain(capsys: pytest.CaptureFixture[str]) -> None:
    """--sequence adds to every SEQUENCE, --reminder-time moves alarms, --uid-domain the UIDs."""
    plain = _calendar(capsys, *PLAN, "--plan-id", "c-7", "--format", "ics")
    asked = _calendar(
        capsys,
        *PLAN,
        "--plan-id",
        "c-7",
        "--format",
        "ics",
        "--sequence",
        "3",
        "--reminder-time",
        "07:30",
        "--uid-domain",
        "clinic.example",
    )
    before, after = plain.walk("VEVENT"), asked.walk("VEVENT")
    assert [int(e["SEQUENCE"]) for e in before] == [0, 0, 0, 0]
    assert [int(e["SEQUENCE"]) for e in after] == [3, 3, 3, 3]
    assert [str(e["UID"]).split("@") for e in after] == [
        [str(e["UID"]).split("@")[0], "clinic.example"] for e in before
    ]
    assert all(str(e["UID"]).endswith("@collagenplan") for e in before)
    for old, new in zip(before, after, strict=True):
        # All-day events: a trigger is the reminder time less the event's midnight.
        old_triggers = [a["TRIGGER"].dt for a in old.walk("VALARM")]
        new_triggers = [a["TRIGGER"].dt for a in new.walk("VALARM")]
        assert new_triggers == [t - dt.timedelta(minutes=90) for t in old_triggers]
        assert all(t.seconds % 86400 == 9 * 3600 for t in old_triggers)
    assert "METHOD" not in plain and "ORGANIZER" not in before[0]


def test_method_publish_names_the_organizer(capsys: pytest.CaptureFixture[str]) -> None:
    """--method PUBLISH --organizer writes METHOD and ORGANIZER; a bare address gets mailto:."""
    cal = _calendar(
        capsys,
        *PLAN,
        "--plan-id",
        "c-7",
        "--format",
        "ics",
        "--method",
        "PUBLISH",
        "--organizer",
        "desk@clinic.example",
    )
    assert str(cal["METHOD"]) == "PUBLISH"
    events = cal.walk("VEVENT")
    assert len(events) == 4
    assert {str(e["ORGANIZER"]) for e in events} == {"mailto:desk@clinic.example"}


def test_method_cancel_writes_the_removed_sessions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """replan --method CANCEL writes only the sessions a re-plan removed, CANCELLED."""
    facial = cp.get_protocol("facial-series")
    original = cp.plan(facial, start=D(2026, 12, 1), plan_id="c-8", sessions=4)
    cut = cp.plan(facial, start=D(2026, 12, 1), plan_id="c-8", sessions=3)
    gone = succeed(original, cut)
    document = tmp_path / "v2.json"
    document.write_text(cp.to_json(gone), encoding="utf-8")
    cal = _calendar(
        capsys,
        "replan",
        str(document),
        "--today",
        "2026-12-01",
        "--format",
        "ics",
        "--method",
        "CANCEL",
        "--organizer",
        "mailto:desk@clinic.example",
    )
    assert str(cal["METHOD"]) == "CANCEL"
    (event,) = cal.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]).split("@")[0].endswith("-series-4")
    assert event.walk("VALARM") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "ics", "--method", "PUBLISH"], "--organizer: is required with --method"),
        (["--sequence", "2"], "--sequence: only applies to --format ics, not table"),
        (["--format", "csv", "--organizer", "x@y"], "--organizer: only applies to --format ics"),
        (["--format", "ics", "--sequence", "-1"], "is not a whole number >= 0"),
        (["--format", "ics", "--reminder-time", "7:30"], "is not a time of day written HH:MM"),
        (["--format", "ics", "--reminder-time", "25:00"], "is not a time of day written HH:MM"),
        (["--format", "ics", "--method", "REQUEST", "--organizer", "x@y"], "invalid choice"),
        (["--format", "ics", "--method", "CANCEL", "--organizer", "x@y"], "no removed sessions"),
    ],
)
def test_invitation_options_are_checked(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Wrong invitation options are exit 2 with a message naming the option."""
    assert main([*PLAN, "--plan-id", "c-9", *args]) == 2
    assert message in capsys.readouterr().err
