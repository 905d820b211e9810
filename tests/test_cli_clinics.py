"""The command line with a clinic file, a visit history and next-due."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from collagenplan.cli import main

EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "clinic.toml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_plan_with_clinic_shows_times_and_practitioners(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """plan --clinic books allowed days and prints each session's time and practitioner."""
    status, out, _ = run(
        capsys, "plan", "facial-series", "--start", "2027-01-30", "--clinic", EXAMPLE
    )
    assert status == 0
    header = out.splitlines()[0].split()
    assert header[-2:] == ["time", "with"]
    assert "10:00 GMT" in out
    first = out.splitlines()[2].split()
    assert first[2] == "2027-01-30"  # an open alternate Saturday...
    assert first[-3:] == ["09:00", "GMT", "okafor"]  # ...which opens at 09:00


def test_plan_with_clinic_json_has_aware_starts(capsys: pytest.CaptureFixture[str]) -> None:
    """JSON output carries ISO 8601 starts with the UTC offset of the day."""
    status, out, _ = run(
        capsys,
        "plan",
        "facial-series",
        "--start",
        "2027-03-01",
        "--clinic",
        EXAMPLE,
        "--format",
        "json",
    )
    assert status == 0
    sessions = json.loads(out)["sessions"]
    assert sessions[0]["start"] == "2027-03-01T12:00:00+00:00"  # late Monday
    assert sessions[1]["start"].endswith("+01:00")  # after the March change
    assert {s["time_zone"] for s in sessions} == {"Europe/London"}  # issue 12 (U5)
    assert {s["minutes"] for s in sessions} == {60}


def test_plan_with_history_options(capsys: pytest.CaptureFixture[str]) -> None:
    """--done / --missed re-plan from today; a late session exits 1 under continue."""
    status, out, _ = run(
        capsys,
        "plan",
        "facial-series",
        "--start",
        "2027-02-20",
        "--clinic",
        EXAMPLE,
        "--done",
        "2026-12-01",
        "--missed",
        "2027-01-05",
    )
    assert status == 1
    assert "status" in out.splitlines()[0]
    assert "done" in out
    assert "[interval-too-long] session 2" in out


def test_validate_with_clinic(capsys: pytest.CaptureFixture[str]) -> None:
    """validate --clinic reports clinic-closed days and exits 1."""
    status, out, _ = run(
        capsys,
        "validate",
        "facial-series",
        "2026-12-01",
        "2027-01-05",
        "2027-02-10",
        "--clinic",
        EXAMPLE,
    )
    assert status == 1
    assert "[clinic-closed] session 3" in out
    assert "okafor on leave" in out


def test_next_due_command(capsys: pytest.CaptureFixture[str]) -> None:
    """next-due prints the next window and its status."""
    status, out, _ = run(
        capsys,
        "next-due",
        "facial-series",
        "--today",
        "2027-01-20",
        "--done",
        "2026-12-01",
        "--booked",
        "2027-01-26",
    )
    assert status == 0
    assert "overdue" in out
    assert "booked     2027-01-26" in out
    status, out, _ = run(
        capsys,
        "next-due",
        "facial-series",
        "--today",
        "2027-01-10",
        "--done",
        "2026-12-01",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert (data["status"], data["session"], data["target"]) == ("due", 2, "2027-01-05")


def test_bad_clinic_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A broken clinic file is a one-line error and exit status 2."""
    bad = tmp_path / "k.toml"
    bad.write_text(
        'schema = 1\nid = "k"\nname = "K"\ntimezone = "Nowhere/Town"\n'
        '[[hours]]\ndays = ["mon"]\nopens = "09:00"\ncloses = "17:00"\n'
    )
    status, _, err = run(
        capsys, "plan", "facial-series", "--start", "2027-01-04", "--clinic", str(bad)
    )
    assert status == 2
    assert err.count("\n") == 1
    assert "k.toml" in err
    assert "timezone" in err
