"""CSV export: headers, ISO values, quoting and spreadsheet safety."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo

import attrs
import pytest
from hypothesis import given, settings

import collagenplan as cp
from collagenplan.exporters import MILESTONE_COLUMNS, SESSION_COLUMNS
from tests.strategies import plans

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _plan() -> cp.Plan:
    plan = cp.plan(cp.get_protocol("facial-series"), start=dt.date(2027, 3, 22))
    first = attrs.evolve(
        plan.sessions[0],
        start=dt.datetime(2027, 3, 29, 10, tzinfo=LONDON),
        minutes=60,
        practitioner='=HYPERLINK("http://x")',
        status="booked",
        milestones=(
            cp.Milestone(
                kind="stop",
                subject="topical-retinoid",
                start=dt.date(2027, 3, 24),
                note='Pause, "gently"\nthen stop',
                rule="washouts[0]",
            ),
            cp.Milestone(
                kind="aftercare",
                subject="no-makeup",
                start=dt.date(2027, 3, 29),
                end=dt.date(2027, 3, 30),
            ),
        ),
    )
    problem = cp.Violation(code="washout", severity="error", message="x", session=1)
    return attrs.evolve(plan, sessions=(first, *plan.sessions[1:]), violations=(problem,))


def test_session_table_header_and_values() -> None:
    """One row per session with ISO dates, offset times, zone name and empty unknowns."""
    text = cp.to_csv(_plan(), plan_id="course-7")
    assert text.startswith(",".join(SESSION_COLUMNS) + "\r\n")
    rows = _rows(text)
    assert len(rows) == 4
    first, second = rows[0], rows[1]
    assert first["plan_id"] == "course-7"
    assert first["protocol_id"] == "facial-series"
    assert first["start"] == "2027-03-29T10:00:00+01:00"
    assert first["end"] == "2027-03-29T11:00:00+01:00"
    assert first["time_zone"] == "Europe/London"
    assert first["minutes"] == "60"
    assert first["status"] == "booked"
    assert first["milestones"] == "2"
    assert first["problems"] == "washout"
    assert first["window_latest"] == ""
    assert second["date"] == "2027-04-26"
    assert second["window_earliest"] == "2027-04-19"
    assert second["start"] == second["end"] == second["minutes"] == ""


def test_formulas_are_neutralised_unless_asked() -> None:
    """Free text that a spreadsheet would run as a formula is prefixed with a quote."""
    assert _rows(cp.to_csv(_plan()))[0]["practitioner"] == '\'=HYPERLINK("http://x")'
    raw = cp.to_csv(_plan(), spreadsheet_safe=False)
    assert _rows(raw)[0]["practitioner"] == '=HYPERLINK("http://x")'


def test_milestone_table() -> None:
    """One row per milestone; commas, quotes and newlines survive quoting."""
    text = cp.milestones_to_csv(_plan(), plan_id="course-7")
    assert text.startswith(",".join(MILESTONE_COLUMNS) + "\r\n")
    rows = _rows(text)
    assert [(r["session"], r["kind"], r["start"], r["end"]) for r in rows] == [
        ("1", "stop", "2027-03-24", ""),
        ("1", "aftercare", "2027-03-29", "2027-03-30"),
    ]
    assert rows[0]["note"] == 'Pause, "gently"\nthen stop'
    assert rows[0]["rule"] == "washouts[0]"
    assert rows[0]["session_date"] == "2027-03-22"


def test_default_plan_id_matches_between_tables() -> None:
    """Without plan_id both tables carry the same derived key."""
    plan = _plan()
    ids = {r["plan_id"] for r in _rows(cp.to_csv(plan))}
    assert ids == {r["plan_id"] for r in _rows(cp.milestones_to_csv(plan))}
    assert len(ids) == 1
    assert len(ids.pop()) == 24


def test_not_a_plan() -> None:
    """Anything but a Plan raises InputError."""
    with pytest.raises(cp.InputError, match="must be a Plan"):
        cp.to_csv([])  # type: ignore[arg-type]


@given(plans())
@settings(max_examples=40, deadline=None)
def test_random_plans_read_back(plan: cp.Plan) -> None:
    """Every session and milestone is one row, and dates read back as the plan's."""
    rows = _rows(cp.to_csv(plan, spreadsheet_safe=False))
    assert [int(r["session"]) for r in rows] == [s.number for s in plan.sessions]
    for row, s in zip(rows, plan.sessions, strict=True):
        assert dt.date.fromisoformat(row["date"]) == s.date
        if s.start is not None:
            # The same instant. Compared in UTC: an aware time in a skipped hour
            # (2036-10-05 02:00 Australia/Lord_Howe) never equals a time in another
            # zone (PEP 495), although its offset, and so its instant, is the one written.
            assert dt.datetime.fromisoformat(row["start"]) == s.start.astimezone(dt.UTC)
    milestones = _rows(cp.milestones_to_csv(plan, spreadsheet_safe=False))
    assert len(milestones) == sum(len(s.milestones) for s in plan.sessions)
