"""Results check themselves: the CODES registry, Violation, Report and Plan."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import attrs
import pytest

import collagenplan as cp
from collagenplan.results import Code

DAY = dt.date(2027, 3, 1)
WINDOW = cp.Window(earliest=DAY, target=DAY, latest=None)


def _session(number: int) -> cp.PlannedSession:
    return cp.PlannedSession(number=number, phase="series", date=DAY, window=WINDOW)


def _violation(**changes: Any) -> cp.Violation:
    fields: dict[str, Any] = {"code": "washout", "severity": "error", "message": "m"}
    return cp.Violation(**{**fields, **changes})


def test_registry_covers_every_code_and_is_read_only() -> None:
    """CODES maps each stable code to a Code with its own name and a severity; it is read-only."""
    assert len(cp.CODES) == 27  # 21 + six diary codes (issue 14)
    for name, code in cp.CODES.items():
        assert isinstance(code, Code)
        assert code.name == name
        assert code.severity in ("error", "warning")
        assert code.meaning
    warnings = sorted(n for n, c in cp.CODES.items() if c.severity == "warning")
    assert warnings == [
        "duplicate-visit",
        "needs-review",
        "on-hold",
        "series-restarted",
        "unconfirmed-booking",
        "unrecognised",
        "within-grace",
    ]
    with pytest.raises(TypeError):
        cp.CODES["new-code"] = cp.CODES["washout"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"name": "Not Kebab"}, "name"),
        ({"severity": "fatal"}, "severity"),
        ({"meaning": ""}, "meaning"),
    ],
)
def test_code_refuses_bad_fields(changes: dict[str, Any], path: str) -> None:
    """A Code with a non-kebab name, an unknown severity or no meaning raises there."""
    fields: dict[str, Any] = {"name": "x", "severity": "error", "meaning": "m", **changes}
    with pytest.raises(cp.InputError) as info:
        Code(**fields)
    assert info.value.path == path


@pytest.mark.parametrize(
    ("changes", "path", "words"),
    [
        ({"code": "made-up"}, "code", "unknown violation code 'made-up' (known codes: "),
        ({"code": 3}, "code", "must be a string"),
        ({"severity": "warning"}, "severity", "must be 'error' for code 'washout'"),
        (
            {"code": "within-grace", "severity": "error"},
            "severity",
            "must be 'warning' for code 'within-grace'",
        ),
        ({"severity": "fatal"}, "severity", "must be one of error, warning"),
        ({"message": ""}, "message", "must not be empty"),
        ({"message": None}, "message", "must be a string"),
        ({"session": 0}, "session", "at least 1, got 0"),
        ({"session": -2}, "session", "at least 1"),
        ({"session": True}, "session", "must be an integer"),
        ({"date": dt.datetime(2027, 3, 1, 9)}, "date", "got a date-time"),
        ({"date": "2027-03-01"}, "date", "must be a datetime.date"),
        ({"rule": ""}, "rule", "must not be empty"),
        ({"expected": (DAY, DAY)}, "expected", "must be a Window"),
        ({"gap_days": 1.5}, "gap_days", "must be an integer"),
    ],
)
def test_violation_refuses_bad_fields(changes: dict[str, Any], path: str, words: str) -> None:
    """A Violation with an unknown code, a mismatched severity or a bad field raises there."""
    with pytest.raises(cp.InputError, match=re.escape(words)) as info:
        _violation(**changes)
    assert info.value.path == path


@pytest.mark.parametrize("name", sorted(cp.CODES))
def test_violation_accepts_every_code_with_its_severity(name: str) -> None:
    """Every registered code builds a Violation with the severity the registry gives it."""
    v = cp.Violation(
        code=name,
        severity=cp.CODES[name].severity,
        message="m",
        session=1,
        date=DAY,
        rule="phases[0]",
        expected=WINDOW,
        gap_days=-3,
    )
    assert str(v) == f"{cp.CODES[name].severity} [{name}] session 1: m"


@pytest.mark.parametrize(
    ("changes", "path", "words"),
    [
        ({"violations": ("washout",)}, "violations[0]", "must be a Violation"),
        ({"violations": "washout"}, "violations", "must be a tuple of a Violation"),
        ({"sessions": (DAY,)}, "sessions[0]", "must be a PlannedSession"),
        ({"sessions": (_session(2),)}, "sessions[0].number", "must be 1"),
    ],
)
def test_report_refuses_bad_fields(changes: dict[str, Any], path: str, words: str) -> None:
    """A Report holds Violations and sessions numbered 1..n, or raises naming the item."""
    with pytest.raises(cp.InputError, match=words) as info:
        cp.Report(**changes)
    assert info.value.path == path


def test_report_verdict() -> None:
    """ok, errors, warnings and codes follow the violations; lists become tuples."""
    grace = _violation(code="within-grace", severity="warning")
    report = cp.Report(violations=[grace], sessions=[_session(1), _session(2)])
    assert report.ok and report.warnings == (grace,) and report.errors == ()
    assert report.codes == ("within-grace",)
    assert not attrs.evolve(report, violations=(grace, _violation())).ok


@pytest.mark.parametrize(
    ("changes", "path", "words"),
    [
        ({"protocol_id": ""}, "protocol_id", "must not be empty"),
        ({"start": dt.datetime(2027, 3, 1, 9)}, "start", "got a date-time"),
        ({"sessions": [_session(1), _session(3)]}, "sessions[1].number", "must be 2"),
        ({"sessions": [_session(2), _session(1)]}, "sessions[0].number", "must be 1"),
        ({"sessions": None}, "sessions", "must be a tuple"),
        ({"violations": [None]}, "violations[0]", "must be a Violation"),
        ({"horizon": "2028-01-01"}, "horizon", "must be a datetime.date"),
    ],
)
def test_plan_refuses_bad_fields(changes: dict[str, Any], path: str, words: str) -> None:
    """A Plan with a bad field raises InputError naming the field (and the session)."""
    fields: dict[str, Any] = {"protocol_id": "facial-series", "start": DAY, "sessions": ()}
    with pytest.raises(cp.InputError, match=words) as info:
        cp.Plan(**{**fields, **changes})
    assert info.value.path == path


def test_plan_accepts_good_values() -> None:
    """A plan from the planner, and one built by hand, are accepted; its verdict works."""
    made = cp.plan(cp.get_protocol("facial-series"), start=DAY)
    assert made.ok and made.violations == () and made.errors == made.warnings == ()
    by_hand = cp.Plan(
        protocol_id="facial-series",
        start=DAY,
        sessions=[_session(1)],
        violations=[_violation(session=1)],
        horizon=dt.date(2028, 1, 1),
    )
    assert not by_hand.ok and by_hand.codes == ("washout",)


def test_plan_problems_is_a_deprecated_alias() -> None:
    """Plan.problems warns (DeprecationWarning) and returns the same tuple as violations."""
    plan = cp.Plan(protocol_id="facial-series", start=DAY, sessions=(), violations=(_violation(),))
    with pytest.warns(DeprecationWarning, match=r"Plan\.problems is deprecated.*Plan\.violations"):
        problems = plan.problems
    assert problems is plan.violations


def test_plan_document_keeps_the_problems_key() -> None:
    """A plan document still writes and reads its violations under the key "problems"."""
    plan = cp.Plan(
        protocol_id="facial-series",
        start=DAY,
        sessions=(_session(1),),
        violations=(_violation(session=1),),
    )
    doc = json.loads(cp.to_json(plan))
    assert doc["problems"][0]["code"] == "washout" and "violations" not in doc
    assert cp.from_json(doc, cp.Plan) == plan
    doc["violations"] = doc.pop("problems")
    with pytest.raises(cp.SchemaError, match="unknown key") as info:
        cp.from_json(doc, cp.Plan)
    assert info.value.path == "violations"
