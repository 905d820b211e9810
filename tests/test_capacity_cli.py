"""The ``collagenplan project`` command and its progress bar."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from collagenplan.capacity._progress import TerminalProgress, terminal_progress
from collagenplan.cli import main

SCENARIO = """
schema = 1
name = "Small clinic"
start = 2027-01-04
weeks = 12
seed = 3

[[intake]]
protocol = "facial-series"
per_week = 6
sessions = { 3 = 0.5, 4 = 0.5 }
dropout = 0.1

[supply]
per_day = 3
"""


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(SCENARIO)
    return path


def test_table_lists_every_week(scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The default output is a table with one row per ISO week and a total line."""
    assert main(["project", str(scenario)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Small clinic: 2027-01-04 to 2027-03-28 (12 weeks)")
    assert "week      sessions  attended  chair-h  capacity  util" in out
    assert "2027-W01" in out
    assert "2027-W12" in out
    assert "total:" in out
    assert "peak 2027-W" in out


def test_json_output(scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--format json gives the rows, the simulation and the requirement as data."""
    status = main(
        ["project", str(scenario), "--format", "json", "--simulate", "--required", "90%"]
    )
    assert status == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scenario"]["weeks"] == 12
    assert len(data["rows"]) == 12
    assert data["rows"][0]["week"] == "2027-01-04"
    assert data["rows"][0]["iso_week"] == "2027-W01"
    assert data["rows"][0]["sessions_p50"] is None
    assert len(data["simulation"]["weeks"]) == 12
    assert data["required"]["share"] == 0.9
    assert data["required"]["achieved"] >= 0.9


def test_runs_csv_and_plot(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--runs adds percentile columns; --csv and --plot write their files."""
    pytest.importorskip("numpy")
    pytest.importorskip("matplotlib")
    csv_path, png = tmp_path / "out.csv", tmp_path / "out.png"
    args = ["project", str(scenario), "--runs", "50", "--csv", str(csv_path), "--plot", str(png)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "50 runs, seed 3" in out
    assert "p10" in out
    assert "p90" in out
    assert csv_path.read_text().count("\n") == 13
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_detail_csv(scenario: Path, tmp_path: Path) -> None:
    """--detail writes one CSV row per week, protocol and phase."""
    csv_path = tmp_path / "detail.csv"
    assert main(["project", str(scenario), "--csv", str(csv_path), "--detail"]) == 0
    assert csv_path.read_text().splitlines()[0].startswith("week,iso_week,protocol,phase")


def test_simulate_and_required_text(scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--simulate prints the booking table; --required prints the capacity found."""
    assert main(["project", str(scenario), "--simulate", "--required", "0.95"]) == 0
    out = capsys.readouterr().out
    assert "constrained simulation (seed 3)" in out
    assert "in-window  slipped  unmet" in out
    assert "required capacity for 95.0% of sessions inside their windows:" in out
    assert "slots on the busiest weekday" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--runs", "-2"], "must not be negative"),
        (["--runs", "many"], "not a whole number"),
        (["--required", "1.5"], "at most 1"),
        (["--required", "most"], "not a share"),
    ],
)
def test_bad_options_exit_2(
    scenario: Path, args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad option values are usage errors (exit 2, one line on stderr)."""
    assert main(["project", str(scenario), *args]) == 2
    err = capsys.readouterr().err
    assert words in err
    assert "Traceback" not in err


def test_bad_scenario_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A broken scenario file is reported in one line naming the file and key."""
    path = tmp_path / "broken.toml"
    path.write_text(SCENARIO.replace("per_day = 3", "per_day = -3"))
    assert main(["project", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("collagenplan: error:")
    assert "broken.toml" in err
    assert "supply.per_day" in err
    assert "\n" not in err


def test_missing_numpy_exits_2_naming_the_extra(
    scenario: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--runs without NumPy fails with a message naming collagenplan[analysis]."""
    monkeypatch.setitem(sys.modules, "numpy", None)
    assert main(["project", str(scenario), "--runs", "10"]) == 2
    assert "pip install 'collagenplan[analysis]'" in capsys.readouterr().err


def test_simulate_without_supply_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--simulate on a scenario without a supply is a scenario error."""
    path = tmp_path / "nosupply.toml"
    path.write_text(SCENARIO.split("[supply]")[0])
    assert main(["project", str(path), "--simulate"]) == 2
    assert "needs a supply" in capsys.readouterr().err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal() -> None:
    """A bar is made for a terminal, not for a pipe or a file."""
    assert terminal_progress("runs", io.StringIO()) is None
    assert isinstance(terminal_progress("runs", _Terminal()), TerminalProgress)


def test_progress_bar_draws_and_ends_its_line() -> None:
    """The bar redraws in place with a carriage return and ends with a newline."""
    stream = _Terminal()
    bar = TerminalProgress("runs", stream, width=10)
    bar(5, 10)
    bar(10, 10)
    bar.close()
    text = stream.getvalue()
    assert text.startswith("\rruns [#####.....]  50%  5/10")
    assert "\rruns [##########] 100%  10/10" in text
    assert text.endswith("\n")


def test_cli_draws_no_bar_when_stderr_is_not_a_terminal(
    scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Under test (stderr captured) the command writes nothing to stderr."""
    pytest.importorskip("numpy")
    assert main(["project", str(scenario), "--runs", "20", "--simulate"]) == 0
    assert capsys.readouterr().err == ""


def test_compare_bom_and_policy(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--compare adds B's rows under 'compare'; --bom marks the CSV; --policy is reported."""
    other = tmp_path / "other.toml"
    other.write_text(SCENARIO.replace("per_day = 3", "per_day = 1").replace("Small", "Tiny"))
    csv_path = tmp_path / "out.csv"
    args = [
        "project", str(scenario), "--compare", str(other), "--simulate", "--policy", "edf",
        "--csv", str(csv_path), "--bom", "--format", "json",
    ]  # fmt: skip
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["compare"]["scenario"]["name"] == "Tiny clinic"
    assert data["simulation"]["policy"] == "edf"
    assert data["compare"]["simulation"]["booked"] <= data["simulation"]["booked"]
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
