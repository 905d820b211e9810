"""The command line: output formats, exit codes and one-line errors."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

import collagenplan as cp
from collagenplan.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_table(capsys: pytest.CaptureFixture[str]) -> None:
    """plan prints number, phase, date and the window columns."""
    code, out, err = run(capsys, "plan", "facial-series", "--start", "2026-12-01")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["#", "phase", "date", "earliest", "target", "latest"]
    assert lines[3].split() == [
        "2",
        "series",
        "2027-01-05",
        "2026-12-29",
        "2027-01-05",
        "2027-01-12",
    ]
    assert len(lines) == 6


def test_plan_json_matches_library(capsys: pytest.CaptureFixture[str]) -> None:
    """--format json carries the same sessions and windows as the Python API."""
    code, out, _ = run(
        capsys,
        "plan",
        "facial-series",
        "--start",
        "2026-12-01",
        "--sessions",
        "4",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    plan = cp.plan(cp.get_protocol("facial-series"), start=dt.date(2026, 12, 1), sessions=4)
    assert [s["date"] for s in data["sessions"]] == [s.date.isoformat() for s in plan.sessions]
    assert data["sessions"][1]["window"]["latest"] == "2027-01-12"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["plan", "facial-series", "--start", "2026-02-30"], "is not a date written YYYY-MM-DD"),
        (["plan", "nope", "--start", "2026-12-01"], "unknown protocol id 'nope'"),
        (
            ["plan", "facial-series", "--start", "2026-12-01", "--sessions", "9"],
            "phases[0].sessions",
        ),
        (["plan", "facial-series"], "--start"),
        (["validate", "facial-series", "2026-12-01", "yesterday"], "'yesterday' is not a date"),
        (["frobnicate"], "invalid choice"),
        (["plan", "missing.toml", "--start", "2026-12-01"], "missing.toml: file not found"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """Bad usage or input: exit 2, a one-line message, no traceback."""
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_validate_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    """validate exits 0 for a valid calendar and 1 when it has errors."""
    code, out, _ = run(capsys, "validate", "facial-series", "2026-12-01", "2027-01-05")
    assert code == 0 and out.rstrip().endswith("valid")
    code, out, _ = run(capsys, "validate", "facial-series", "2026-12-01", "2026-12-10")
    assert code == 1
    assert "interval-too-short" in out and "invalid: 1 error(s)" in out


def test_validate_complete_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    """--complete reports too few sessions; JSON has ok and violations."""
    code, out, _ = run(
        capsys, "validate", "facial-series", "2026-12-01", "--complete", "--format", "json"
    )
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False
    assert [v["code"] for v in data["violations"]] == ["too-few-sessions"]


def test_within_grace_is_a_warning_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    """A warning alone does not fail the calendar."""
    code, out, _ = run(capsys, "validate", "facial-series", "2026-12-01", "2026-12-28")
    assert code == 0
    assert "within-grace" in out and "1 warning(s)" in out


def test_protocols_list_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    """protocols lists the catalogue; protocols ID prints TOML that loads back equal."""
    code, out, _ = run(capsys, "protocols")
    assert code == 0
    for pid in cp.protocol_ids():
        assert pid in out
    code, out, _ = run(capsys, "protocols", "scalp-series")
    assert code == 0
    assert cp.parse_protocol(out) == cp.get_protocol("scalp-series")
    code, out, _ = run(capsys, "protocols", "facial-series", "--format", "json")
    # the exported document is also a protocol file
    assert cp.parse_protocol(out, format="json") == cp.get_protocol("facial-series")
    assert cp.from_json(out) == cp.get_protocol("facial-series")
    code, out, _ = run(capsys, "protocols", "--format", "json")
    assert {p["id"] for p in json.loads(out)} == set(cp.protocol_ids())


def test_protocol_file_argument(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A protocol file path works wherever an id does; a broken file names file and key."""
    good = tmp_path / "mine.toml"
    good.write_text(cp.format_protocol(cp.get_protocol("facial-series")), encoding="utf-8")
    code, out, _ = run(capsys, "plan", str(good), "--start", "2026-12-01")
    assert code == 0 and "touch-up" in out
    bad = tmp_path / "bad.toml"
    bad.write_text(good.read_text().replace('max = "6w"', 'max = "2w"'), encoding="utf-8")
    code, _, err = run(capsys, "plan", str(bad), "--start", "2026-12-01")
    assert code == 2
    assert f"{bad}: phases[0].interval.max: must be >= target" in err


def test_python_dash_m_entry_point() -> None:
    """python -m collagenplan runs the same command line."""
    proc = subprocess.run(
        [sys.executable, "-m", "collagenplan", "plan", "scalp-series", "--start", "2026-12-01"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("course") == 12


def test_next_due_json_is_plain_data(capsys: pytest.CaptureFixture[str]) -> None:
    """next-due --format json prints the NextDue fields with ISO dates."""
    code, out, _ = run(
        capsys,
        "next-due",
        "facial-series",
        "--today",
        "2027-02-16",
        "--done",
        "2027-01-05",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["status"] == "due"
    assert (data["earliest"], data["latest"], data["last_done"]) == (
        "2027-02-02",
        "2027-02-16",
        "2027-01-05",
    )
