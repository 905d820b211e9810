"""The ``collagenplan recall`` command: a CSV of visits in, the recall list out."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

import collagenplan as cp
from collagenplan import cli

VISITS = """\
client_id,protocol_id,date,status,note
ann,facial-series,2026-09-01,done,
ann,facial-series,2026-10-06,done,"two
lines"
bob,facial-series,2026-11-03,done,
cat,scalp-series,2026-11-01,done,
cat,scalp-series,2026-11-24,booked,
dan,facial-series,2026-11-01,missed,
"""


@pytest.fixture
def visits(tmp_path: Path) -> Path:
    path = tmp_path / "visits.csv"
    path.write_text(VISITS, encoding="utf-8")
    return path


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_recall_csv_rows_equal_next_due(visits: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each CSV row is collagenplan.next_due for that client, dates ISO, missing values empty."""
    status, out, err = _run(["recall", str(visits), "--today", "2026-11-20"], capsys)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == (
        "client_id,protocol_id,status,session,phase,earliest,target,latest,last_done,booked,"
        "restart,covered,needs_booking,resumes,codes"
    )
    assert lines[1] == (
        "ann,facial-series,overdue,3,series,2026-11-03,2026-11-10,2026-11-17,2026-10-06,,false,"
        "false,true,,"
    )
    assert lines[3] == (
        "cat,scalp-series,overdue,2,course,2026-11-07,2026-11-08,2026-11-11,2026-11-01,"
        "2026-11-24,false,false,true,,interval-too-long"  # booked past its window: not covered
    )
    due = cp.next_due(
        cp.get_protocol("facial-series"),
        [cp.Visit(date=dt.date(2026, 11, 1), status="missed")],
        today=dt.date(2026, 11, 20),
    )
    assert lines[4] == (
        f"dan,facial-series,{due.status},1,series,2026-11-20,2026-11-20,,,,false,false,true,,"
    )
    assert len(lines) == 5


def test_recall_json_and_output_file(
    visits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--format json`` writes an array of objects; ``--output`` writes to a file."""
    target = tmp_path / "recall.json"
    argv = ["recall", str(visits), "--today", "2026-11-20", "--format", "json"]
    status, out, _ = _run([*argv, "--output", str(target)], capsys)
    assert (status, out) == (0, "")
    rows = json.loads(target.read_text(encoding="utf-8"))
    assert rows[0] == {
        "client_id": "ann",
        "protocol_id": "facial-series",
        "status": "overdue",
        "session": 3,
        "phase": "series",
        "earliest": "2026-11-03",
        "target": "2026-11-10",
        "latest": "2026-11-17",
        "last_done": "2026-10-06",
        "booked": None,
        "restart": False,
        "covered": False,
        "needs_booking": True,
        "resumes": None,
        "codes": "",
    }
    assert [r["client_id"] for r in rows] == ["ann", "bob", "cat", "dan"]


def test_own_protocol_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--protocol FILE`` adds a protocol id the catalogue does not have."""
    own = tmp_path / "house.toml"
    own.write_text(
        cp.format_protocol(cp.get_protocol("scalp-series")).replace(
            'id = "scalp-series"', 'id = "house-scalp"'
        ),
        encoding="utf-8",
    )
    visits = tmp_path / "v.csv"
    visits.write_text("client_id,protocol_id,date\n7,house-scalp,2027-01-01\n", encoding="utf-8")
    argv = ["recall", str(visits), "--today", "2027-01-03", "--protocol", str(own)]
    status, out, _ = _run(argv, capsys)
    assert status == 0
    assert out.splitlines()[1].startswith("7,house-scalp,not-yet-due,2,course,2027-01-07,")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "client_id,protocol_id,date\na,facial-series,2027-01-01\nb,facial-series,2027-02-30\n",
            "visits.csv:3: date: '2027-02-30' is not a date written YYYY-MM-DD",
        ),
        (
            "client_id,protocol_id,date,status\n\na,facial-series,2027-01-01,attended\n",
            "visits.csv:3: status: must be one of done, missed, cancelled, booked; got 'attended'",
        ),
        (
            'client_id,protocol_id,date\n"a\nb",facial-series,2027-01-01\nc,nope,2027-01-01\n',
            "visits.csv:4: protocol_id: unknown protocol id 'nope'",
        ),
        (
            "client_id,protocol_id,date\na,facial-series\n",
            "visits.csv:2: has 2 fields; the header has 3",
        ),
        (
            "client_id,protocol_id,date\na,,2027-01-01\n",
            "visits.csv:2: protocol_id: is empty; every visit needs one",
        ),
        ("client,protocol_id,date\n", "visits.csv:1: the header has no column 'client_id'"),
        ("", "visits.csv: is empty; the first line must name the columns"),
    ],
)
def test_bad_rows_name_file_line_and_column(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str,
    message: str,
) -> None:
    """A bad file or row exits 2 with one line naming the file, the line and the column."""
    monkeypatch.chdir(tmp_path)
    Path("visits.csv").write_text(text, encoding="utf-8")
    status, out, err = _run(["recall", "visits.csv", "--today", "2027-03-01"], capsys)
    assert (status, out) == (2, "")
    assert err.startswith(f"collagenplan: error: {message}")
    assert len(err.splitlines()) == 1


def test_missing_file_and_bad_today(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing file and a malformed --today are usage errors (exit 2), never a traceback."""
    status, _, err = _run(["recall", str(tmp_path / "nope.csv"), "--today", "2027-01-01"], capsys)
    assert status == 2 and "nope.csv: file not found" in err
    status, _, err = _run(["recall", str(tmp_path / "x.csv"), "--today", "01/02/2027"], capsys)
    assert status == 2 and "is not a date written YYYY-MM-DD" in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a terminal, standard error shows the progress bar, ended by a newline."""
    visits = tmp_path / "v.csv"
    rows = [f"c{n},facial-series,2027-01-{1 + n % 28:02d},missed" for n in range(50)]
    visits.write_text("client_id,protocol_id,date,status\n" + "\n".join(rows), encoding="utf-8")
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    status = cli.main(["recall", str(visits), "--today", "2027-03-01"])
    assert status == 0
    drawn = terminal.getvalue()
    assert "recall [" in drawn and "50/50" in drawn and drawn.endswith("\n")
    assert len(capsys.readouterr().out.splitlines()) == 51


def test_spaces_and_byte_order_mark_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Cells are stripped and a UTF-8 byte-order mark (Excel) is skipped."""
    visits = tmp_path / "v.csv"
    visits.write_bytes(
        "\ufeffclient_id, protocol_id ,date\n ann , facial-series , 2027-01-01 \n".encode()
    )
    status, out, _ = _run(["recall", str(visits), "--today", "2027-01-10"], capsys)
    assert status == 0
    assert out.splitlines()[1].startswith("ann,facial-series,not-yet-due,2,series,2027-01-29,")


def test_a_client_the_library_refuses_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An error from the per-client function names the file, the client's first line and the id."""
    visits = tmp_path / "v.csv"
    visits.write_text(
        "client_id,protocol_id,date\nann,facial-series,2027-01-01\nbob,facial-series,9999-12-20\n",
        encoding="utf-8",
    )
    status, _, err = _run(["recall", str(visits), "--today", "9999-12-31"], capsys)
    assert status == 2
    assert err.startswith("collagenplan: error: ") and "v.csv:3: client_id: client 'bob': " in err
    assert "leaves the supported date range" in err


def test_recall_csv_cells_never_start_a_formula(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A client id a spreadsheet would run (``=HYPERLINK(...)``) is written as text."""
    visits = tmp_path / "v.csv"
    visits.write_text(
        'client_id,protocol_id,date\n"=HYPERLINK(""http://x"")",facial-series,2026-11-01\n'
        "@sum,facial-series,2026-11-01\n",
        encoding="utf-8",
    )
    status, out, _ = _run(["recall", str(visits), "--today", "2026-11-20"], capsys)
    assert status == 0
    rows = out.splitlines()[1:]
    assert rows[0].startswith('"\'=HYPERLINK(""http://x"")",facial-series,')
    assert rows[1].startswith("'@sum,facial-series,")
