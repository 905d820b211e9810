"""The command line with client files: `screen`, and `--client` on `plan` and `validate`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from collagenplan.cli import main

EXAMPLE = str(Path(__file__).resolve().parent.parent / "examples" / "client.toml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def write(tmp_path: Path, text: str, name: str = "c.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("on", "status", "first_line"),
    [
        (
            "2026-12-01",
            1,
            "deferred: earliest start 2027-02-01 (screened for facial-series on 2026-12-01)",
        ),
        (
            "2027-02-01",
            0,
            "eligible: earliest start 2027-02-01 (screened for facial-series on 2027-02-01)",
        ),
    ],
)
def test_screen_example_client(
    capsys: pytest.CaptureFixture[str], on: str, status: int, first_line: str
) -> None:
    """`screen` prints the verdict first; deferred exits 1, eligible 0."""
    code, out, err = run(capsys, "screen", EXAMPLE, "--protocol", "facial-series", "--on", on)
    assert (code, err) == (status, "")
    assert out.splitlines()[0] == first_line
    assert "precautions[0]" in out  # the cold-sore precaution is listed either way


def test_screen_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`screen --format json` gives the Screening as JSON."""
    code, out, _ = run(
        capsys,
        "screen",
        EXAMPLE,
        "--protocol",
        "facial-series",
        "--on",
        "2026-12-01",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 1
    assert data["status"] == "deferred"
    assert data["earliest_start"] == "2027-02-01"
    assert [(r["code"], r["subject"], r["rule"]) for r in data["reasons"]] == [
        ("washout", "isotretinoin", "washouts[3]")
    ]
    assert data["precautions"][0]["action"] == "antiviral-prophylaxis"


@pytest.mark.parametrize(
    ("text", "status", "verdict"),
    [
        ("schema = 1\n[[conditions]]\nname = 'rosacea'\n", 0, "review"),
        ("schema = 1\n[[conditions]]\nname = 'pregnancy'\n", 1, "contraindicated"),
        ("schema = 1\n", 0, "eligible"),
    ],
)
def test_screen_exit_status(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, status: int, verdict: str
) -> None:
    """Review exits 0 (a warning, like needs-review); contraindicated exits 1."""
    code, out, _ = run(
        capsys,
        "screen",
        write(tmp_path, text),
        "--protocol",
        "facial-series",
        "--on",
        "2026-12-01",
    )
    assert code == status
    assert out.startswith(verdict + ":")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["screen", "missing.toml", "--protocol", "facial-series", "--on", "2026-12-01"],
            "file not found",
        ),
        (["screen", EXAMPLE, "--protocol", "facial-series"], "required: --on"),
        (["screen", EXAMPLE, "--on", "2026-12-01"], "required: --protocol"),
        (["screen", EXAMPLE, "--protocol", "nope", "--on", "2026-12-01"], "unknown protocol id"),
        (["screen", EXAMPLE, "--protocol", "facial-series", "--on", "1 Dec"], "YYYY-MM-DD"),
        (
            ["plan", "facial-series", "--start", "2026-12-01", "--client", "missing.toml"],
            "file not found",
        ),
    ],
)
def test_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """Bad usage or input exits 2 with a one-line message."""
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_bad_client_file_names_the_key(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A broken client file exits 2 naming the file and key path."""
    path = write(tmp_path, "schema = 1\n[[medications]]\nexposure = 'x'\nend = '2026-1-1'\n")
    code, _, err = run(capsys, "validate", "facial-series", "2026-12-01", "--client", path)
    assert code == 2
    assert f"{path}: medications[0].end: must be a date" in err


def test_plan_with_client(capsys: pytest.CaptureFixture[str]) -> None:
    """`plan --client` waits out the deferral, avoids the client's dates, lists milestones."""
    code, out, _ = run(
        capsys, "plan", "facial-series", "--start", "2026-12-01", "--client", EXAMPLE
    )
    assert code == 0
    rows = [line.split() for line in out.splitlines()]
    assert ["1", "series", "2027-02-03", "2027-02-01", "2027-02-01", "-"] in rows
    assert ["2", "series", "2027-03-12", "2027-03-03", "2027-03-10", "2027-03-17"] in rows
    assert ["1", "2027-01-29", "stop", "topical-retinoid"] in rows
    assert ["1", "2027-02-03", "aftercare", "no-makeup", "2027-02-04"] in rows


def test_plan_with_client_json(capsys: pytest.CaptureFixture[str]) -> None:
    """JSON plans carry each session's milestones with their rules."""
    code, out, _ = run(
        capsys,
        "plan",
        "facial-series",
        "--start",
        "2026-12-01",
        "--client",
        EXAMPLE,
        "--format",
        "json",
    )
    session = json.loads(out)["sessions"][0]
    assert code == 0
    assert {
        "kind": "start",
        "subject": "antiviral-prophylaxis",
        "start": "2027-02-01",
        "end": None,
        "note": "Start antiviral-prophylaxis for cold-sore-history.",
        "rule": "precautions[0]",
        "messages": [
            {
                "key": "milestone.note.start",
                "params": [
                    {"name": "action", "value": "antiviral-prophylaxis", "kind": "text"},
                    {"name": "condition", "value": "cold-sore-history", "kind": "text"},
                ],
            }
        ],
    } in session["milestones"]


def test_plan_contraindicated_client_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A contraindicated client gets no plan: exit 1 with the reason."""
    path = write(tmp_path, "schema = 1\n[[conditions]]\nname = 'active-radiotherapy'\n")
    code, out, err = run(
        capsys, "plan", "facial-series", "--start", "2026-12-01", "--client", path
    )
    assert (code, out) == (1, "")
    assert "active-radiotherapy" in err
    assert "contraindications[2]" in err


def test_validate_with_client(capsys: pytest.CaptureFixture[str]) -> None:
    """`validate --client` reports client violations per session and exits 1."""
    code, out, _ = run(
        capsys, "validate", "facial-series", "2027-02-01", "2027-03-08", "--client", EXAMPLE
    )
    assert code == 1
    assert "error [procedure-spacing] session 1:" in out
    assert "error [event-blackout] session 2:" in out
    code, _, _ = run(
        capsys, "validate", "facial-series", "2027-02-03", "2027-03-12", "--client", EXAMPLE
    )
    assert code == 0
