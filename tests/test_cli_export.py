"""Command line: ``plan --format json|ics|fhir|csv`` and ``--output``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import icalendar
import pytest
from fhir.resources.bundle import Bundle

import collagenplan as cp
from collagenplan.cli import main

PLAN = ["plan", "facial-series", "--start", "2026-12-01"]


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
