"""Scenario values and scenario files: construction rules, every key, and error paths."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import collagenplan as cp

ROOT = Path(__file__).resolve().parent.parent
MONDAY = dt.date(2027, 1, 4)
FACIAL = cp.get_protocol("facial-series")

FULL = """
schema = 1
name = "Every key"
start = 2027-01-06
weeks = 10
no_show = 0.1
first_session_within = "10d"
arrivals = "fixed"
seed = 42

[[intake]]
protocol = "facial-series"
per_week = [10, 20]
after = "repeat"
monthly = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]
start = 2027-01-11
end = "2027-03-01"
sessions = { 3 = 0.5, 6 = 0.5 }
dropout = 0.05
repeat_dropout = 0.5
no_show = 0.2
chair_minutes = 50

[[intake]]
protocol = "scalp-series"
per_week = 4

[supply]
unit = "hours"
per_week = 100
open = ["mon", "tue", "wed", "thu"]
closures = ["2027-01-08", { start = 2027-02-01, end = 2027-02-03 }]
day_hours = 7.5
"""


def test_every_key_is_read() -> None:
    """A file using every key builds the scenario it says."""
    s = cp.parse_scenario(FULL, source="full.toml")
    assert (s.name, s.start, s.weeks, s.no_show, s.arrivals, s.seed) == (
        "Every key",
        dt.date(2027, 1, 6),
        10,
        0.1,
        "fixed",
        42,
    )
    assert s.first_session_within == cp.Duration(days=10)
    facial, scalp = s.intakes
    assert facial.protocol == FACIAL
    assert scalp.protocol.id == "scalp-series"
    assert facial.per_week == (10.0, 20.0)
    assert facial.after == "repeat"
    assert facial.monthly is not None
    assert facial.monthly[11] == 2.0
    assert (facial.start, facial.end) == (dt.date(2027, 1, 11), dt.date(2027, 3, 1))
    assert facial.count_distribution == {3: 0.5, 6: 0.5}
    assert (facial.dropout, facial.repeat_dropout, facial.no_show, facial.minutes) == (
        0.05,
        0.5,
        0.2,
        50,
    )
    assert scalp.per_week == 4.0
    assert scalp.minutes == 45
    supply = s.supply
    assert supply is not None
    assert supply.unit == "hours"
    assert supply.day_hours == 7.5
    assert supply.per_weekday == (25.0, 25.0, 25.0, 25.0, 0.0, 0.0, 0.0)
    assert supply.closures == {dt.date(2027, 1, 8)} | {dt.date(2027, 2, d) for d in (1, 2, 3)}


def test_session_pairs_in_python() -> None:
    """In Python, counts may be an int, a dict, or a sequence of (count, probability) pairs."""
    pairs = cp.Intake(protocol=FACIAL, per_week=1, sessions=[[3, 0.25], [6, 0.75]])
    assert pairs.sessions == ((3, 0.25), (6, 0.75))
    assert cp.Intake(protocol=FACIAL, per_week=1, sessions=4).count_distribution == {4: 1.0}
    assert cp.Intake(protocol=FACIAL, per_week=1).count_distribution == {None: 1.0}


def test_json_has_the_same_structure() -> None:
    """A JSON scenario with the same keys loads to the same value."""
    data = {
        "schema": 1,
        "start": "2027-01-04",
        "weeks": 4,
        "intake": [{"protocol": "body-series", "per_week": 3, "sessions": {"5": 1}}],
        "supply": {"per_weekday": {"mon": 4, "sat": 2}},
    }
    s = cp.parse_scenario(json.dumps(data), format="json")
    assert s.intakes[0].count_distribution == {5: 1.0}
    assert s.supply is not None
    assert s.supply.per_weekday == (4, 0, 0, 0, 0, 2, 0)


def test_the_example_scenario_loads_and_projects() -> None:
    """examples/scenario.toml is a valid scenario with a supply."""
    s = cp.load_scenario(ROOT / "examples" / "scenario.toml")
    assert s.supply is not None
    assert s.weeks == 104
    assert cp.project(s).total_sessions > 0


def test_protocol_files_are_relative_to_the_scenario(tmp_path: Path) -> None:
    """intake.protocol may name a protocol file beside the scenario file."""
    (tmp_path / "clinic.toml").write_text(
        cp.format_protocol(FACIAL).replace('id = "facial-series"', 'id = "our-facial"')
    )
    (tmp_path / "s.toml").write_text(
        "schema = 1\nstart = 2027-01-04\nweeks = 2\n"
        '[[intake]]\nprotocol = "clinic.toml"\nper_week = 1\n'
    )
    assert cp.load_scenario(tmp_path / "s.toml").intakes[0].protocol.id == "our-facial"


def test_a_broken_protocol_file_is_named(tmp_path: Path) -> None:
    """A protocol file that fails to load is reported at intake[0].protocol with its own error."""
    (tmp_path / "bad.toml").write_text("schema = 1\n")
    (tmp_path / "s.toml").write_text(
        "schema = 1\nstart = 2027-01-04\nweeks = 2\n"
        '[[intake]]\nprotocol = "bad.toml"\nper_week = 1\n'
    )
    with pytest.raises(cp.ScenarioError) as info:
        cp.load_scenario(tmp_path / "s.toml")
    assert info.value.path == "intake[0].protocol"
    assert "bad.toml" in str(info.value)
    assert "s.toml" in str(info.value)


def _doc(extra: str = "", intake: str = 'protocol = "facial-series"\nper_week = 10\n') -> str:
    return f"schema = 1\nstart = 2027-01-04\nweeks = 4\n{extra}\n[[intake]]\n{intake}"


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [
        (_doc("colour = 1"), "colour", "unknown key"),
        ("schema = 2\nstart = 2027-01-04\nweeks = 4", "schema", "unsupported schema"),
        (_doc().replace("weeks = 4", "weeks = 0"), "weeks", "at least 1"),
        (_doc().replace("weeks = 4", "weeks = 600"), "weeks", "at most 520"),
        (_doc().replace("2027-01-04", '"4 Jan"'), "start", "YYYY-MM-DD"),
        (_doc("no_show = 1.5"), "no_show", "at most 1"),
        (_doc('arrivals = "random"'), "arrivals", "one of poisson, fixed"),
        (_doc('first_session_within = "soon"'), "first_session_within", "not a duration"),
        (
            _doc(intake='protocol = "laser"\nper_week = 1'),
            "intake[0].protocol",
            "unknown protocol",
        ),
        (_doc(intake='protocol = "facial-series"'), "intake[0].per_week", "is required"),
        (
            _doc(intake='protocol = "facial-series"\nper_week = -1'),
            "intake[0].per_week",
            "at least 0",
        ),
        (
            _doc(intake='protocol = "facial-series"\nper_week = [1, "x"]'),
            "intake[0].per_week[1]",
            "number",
        ),
        (
            _doc(intake='protocol = "facial-series"\nper_week = []'),
            "intake[0].per_week",
            "at least one",
        ),
        (
            _doc(intake='protocol = "facial-series"\nper_week = 1\nafter = "loop"'),
            "intake[0].after",
            "one of",
        ),
        (
            _doc(intake='protocol = "facial-series"\nper_week = 1\nmonthly = [1, 2]'),
            "intake[0].monthly",
            "exactly 12",
        ),
        (
            _doc(intake='protocol = "facial-series"\nper_week = 1\nsessions = 9'),
            "intake[0].sessions.9",
            "range 3..6",
        ),
        (
            _doc(intake='protocol = "facial-series"\nper_week = 1\nsessions = { 3 = 0.5 }'),
            "intake[0].sessions",
            "sum to 1",
        ),
        (
            _doc(intake='protocol = "facial-series"\nper_week = 1\nsessions = { three = 1 }'),
            "intake[0].sessions.three",
            "session count",
        ),
        (
            _doc(intake='protocol = "maintenance"\nper_week = 1\nsessions = 2'),
            "intake[0].sessions",
            "only a repeating phase",
        ),
        (
            _doc(intake='protocol = "facial-series"\nper_week = 1\ndropout = 2'),
            "intake[0].dropout",
            "at most 1",
        ),
        (
            _doc(intake='protocol = "facial-series"\nper_week = 1\nchair_minutes = 0'),
            "intake[0].chair_minutes",
            "at least 1",
        ),
        (
            _doc(
                intake='protocol = "facial-series"\nper_week = 1\n'
                "start = 2027-02-01\nend = 2027-01-01"
            ),
            "intake[0].end",
            "not be before",
        ),
        (
            _doc(intake='protocol = "facial-series"\nper_week = 1\nnote = "x"'),
            "intake[0].note",
            "unknown key",
        ),
        (_doc("[supply]\nper_day = 3\nper_week = 4"), "supply", "exactly one of"),
        (_doc("[supply]\nopen = ['mon']"), "supply", "exactly one of"),
        (_doc("[supply]\nper_day = 3\nopen = ['monday']"), "supply.open[0]", "weekday name"),
        (_doc("[supply]\nper_day = 2.5"), "supply.per_day", "whole number of slots"),
        (_doc("[supply]\nper_week = 7.5"), "supply.per_week", "whole number of slots"),
        (_doc("[supply]\nper_day = 0"), "supply.per_day", "at least one weekday"),
        (
            _doc("[supply]\nper_weekday = { mon = 2, fun = 3 }"),
            "supply.per_weekday.fun",
            "weekday name",
        ),
        (_doc("[supply]\nper_weekday = { mon = 2 }\nopen = ['mon']"), "supply.open", "implied"),
        (_doc("[supply]\nper_day = 2\nunit = 'minutes'"), "supply.unit", "one of slots, hours"),
        (
            _doc("[supply]\nper_day = 2\nclosures = ['2027-13-01']"),
            "supply.closures[0]",
            "YYYY-MM-DD",
        ),
        (
            _doc("[supply]\nper_day = 2\nclosures = [{ start = 2027-02-05, end = 2027-02-01 }]"),
            "supply.closures[0]",
            "not be before",
        ),
        (
            _doc("[supply]\nper_day = 2\nclosures = [{ start = 2027-02-05 }]"),
            "supply.closures[0].end",
            "is required",
        ),
        (_doc("[supply]\nper_day = 2\nday_hours = 30"), "supply.day_hours", "between 0 and 24"),
    ],
)
def test_bad_files_name_the_key(text: str, path: str, words: str) -> None:
    """Every broken rule is a ScenarioError naming the file and the key path."""
    with pytest.raises(cp.ScenarioError) as info:
        cp.parse_scenario(text, source="s.toml")
    assert info.value.path == path, str(info.value)
    assert words in str(info.value)
    assert str(info.value).startswith("s.toml")


def test_toml_syntax_errors_give_the_line() -> None:
    """Invalid TOML is a ScenarioError with the line number."""
    with pytest.raises(cp.ScenarioError) as info:
        cp.parse_scenario("schema = 1\nstart = \n", source="s.toml")
    assert info.value.line == 2


@pytest.mark.parametrize(
    ("name", "suffix", "words"),
    [("missing.toml", None, "file not found"), ("scenario.yaml", "x", "unsupported file type")],
)
def test_load_scenario_file_problems(
    tmp_path: Path, name: str, suffix: str | None, words: str
) -> None:
    """A missing or unsupported file is a ScenarioError naming the file."""
    if suffix is not None:
        (tmp_path / name).write_text(suffix)
    with pytest.raises(cp.ScenarioError, match=words):
        cp.load_scenario(tmp_path / name)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"protocol": "facial-series"}, "protocol"),
        ({"per_week": float("nan")}, "per_week"),
        ({"per_week": True}, "per_week"),
        ({"sessions": {3: 0.5, 4: "half"}}, "sessions.4"),
        ({"sessions": 2.5}, "sessions"),
        ({"sessions": (3, 4)}, "sessions"),
        ({"sessions": [[3, 0.5], ["4", 0.5]]}, "sessions"),
        ({"sessions": {}}, "sessions"),
        ({"repeat_dropout": -0.1}, "repeat_dropout"),
        ({"monthly": (1,) * 11 + (-1,)}, "monthly[11]"),
    ],
)
def test_intake_values_are_checked(kwargs: dict[str, object], path: str) -> None:
    """Intake validates itself at construction, naming the field."""
    values: dict[str, object] = {"protocol": FACIAL, "per_week": 5} | kwargs
    with pytest.raises(cp.ScenarioError) as info:
        cp.Intake(**values)  # type: ignore[arg-type]
    assert info.value.path == path


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"per_weekday": (1, 2, 3)}, "per_weekday"),
        ({"per_weekday": (1, 0, 0, 0, 0, 0, -1)}, "per_weekday[6]"),
        ({"per_weekday": (1.5, 0, 0, 0, 0, 0, 0)}, "per_weekday[0]"),
        ({"unit": "chairs"}, "unit"),
        ({"closures": ("2027-01-01",)}, "closures"),
        ({"calendar": object()}, "calendar"),
    ],
)
def test_supply_values_are_checked(kwargs: dict[str, object], path: str) -> None:
    """Supply validates itself at construction, naming the field."""
    values: dict[str, object] = {"per_weekday": (1, 1, 1, 1, 1, 0, 0)} | kwargs
    with pytest.raises(cp.ScenarioError) as info:
        cp.Supply(**values)  # type: ignore[arg-type]
    assert info.value.path == path


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"intakes": ()}, "intakes"),
        ({"start": "2027-01-04"}, "start"),
        ({"supply": 5}, "supply"),
        ({"booked": ("plan",)}, "booked[0]"),
        ({"seed": -1}, "seed"),
        ({"intakes": ("facial",)}, "intakes[0]"),
    ],
)
def test_scenario_values_are_checked(kwargs: dict[str, object], path: str) -> None:
    """Scenario validates itself at construction, naming the field."""
    values: dict[str, object] = {
        "start": MONDAY,
        "weeks": 4,
        "intakes": (cp.Intake(protocol=FACIAL, per_week=1),),
    } | kwargs
    with pytest.raises(cp.ScenarioError) as info:
        cp.Scenario(**values)  # type: ignore[arg-type]
    assert info.value.path == path


@pytest.mark.parametrize(
    ("amount", "days", "unit", "expected"),
    [
        (100, ["mon", "tue", "wed", "thu", "fri", "sat"], "slots", (17, 17, 17, 17, 16, 16, 0)),
        (10, ["sat", "mon"], "slots", (5, 0, 0, 0, 0, 5, 0)),
        (30, ["mon", "tue", "wed", "thu"], "hours", (7.5, 7.5, 7.5, 7.5, 0, 0, 0)),
    ],
)
def test_weekly_supply_is_spread_over_open_days(
    amount: float, days: list[str], unit: str, expected: tuple[float, ...]
) -> None:
    """Weekly slots are spread whole (earlier days take the remainder); hours evenly."""
    supply = cp.Supply.weekly(amount, open=days, unit=unit)  # type: ignore[arg-type]
    assert supply.per_weekday == expected


def test_supply_days_and_scaling() -> None:
    """Opening follows weekday, closures and calendar; scaling keeps the pattern."""
    supply = cp.Supply(per_weekday=(6, 6, 6, 6, 6, 3, 0), closures={dt.date(2027, 1, 5)})
    assert supply.capacity_on(dt.date(2027, 1, 4)) == 6
    assert supply.capacity_on(dt.date(2027, 1, 5)) == 0  # closure
    assert supply.capacity_on(dt.date(2027, 1, 9)) == 3  # Saturday
    assert not supply.is_open(dt.date(2027, 1, 10))  # Sunday
    assert supply.scaled(9).per_weekday == (9, 9, 9, 9, 9, 4, 0)  # 4.5 slots round down
    assert supply.scaled(9).closures == supply.closures
    hours = cp.Supply(per_weekday=(6, 6, 6, 6, 6, 3, 0), unit="hours")
    assert hours.scaled(9).per_weekday[5] == 4.5


def test_week_arithmetic() -> None:
    """Week 1 holds start; the horizon ends on a Sunday; days outside have no week."""
    s = cp.Scenario(
        start=dt.date(2027, 1, 6), weeks=3, intakes=(cp.Intake(protocol=FACIAL, per_week=1),)
    )
    assert s.monday == dt.date(2027, 1, 4)
    assert s.end == dt.date(2027, 1, 24)
    assert s.week_index(dt.date(2027, 1, 5)) is None
    assert s.week_index(dt.date(2027, 1, 11)) == 1
    assert s.week_index(dt.date(2027, 1, 25)) is None
    assert len(s.week_starts) == 3


def test_intake_weekdays_follow_the_supply() -> None:
    """New clients start on the supply's open weekdays (Monday to Friday without one)."""
    intake = cp.Intake(protocol=FACIAL, per_week=6)
    plain = cp.Scenario(start=MONDAY, weeks=1, intakes=(intake,))
    assert [d.weekday() for d, _ in plain.daily_intake(intake)] == [0, 1, 2, 3, 4]
    six = cp.Scenario(
        start=MONDAY, weeks=1, intakes=(intake,), supply=cp.Supply.daily(1, open=["tue", "sat"])
    )
    assert six.daily_intake(intake) == [(dt.date(2027, 1, 5), 3.0), (dt.date(2027, 1, 9), 3.0)]


def _booked_scenario(tmp_path: Path, names: list[str]) -> Path:
    f = tmp_path / "scenario.toml"
    listed = ", ".join(f'"{n}"' for n in names)
    f.write_text(
        f"schema = 1\nstart = 2027-01-04\nweeks = 20\nbooked = [{listed}]\n",
        encoding="utf-8",
    )
    return f


def test_booked_plans_are_read_from_json_documents(tmp_path: Path) -> None:
    """A scenario's booked key loads plan documents written by cp.to_json, relative to it."""
    plan = cp.plan(cp.get_protocol("facial-series"), start=dt.date(2027, 1, 6), sessions=4)
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "ana.json").write_text(cp.to_json(plan), encoding="utf-8")
    scenario = cp.load_scenario(_booked_scenario(tmp_path, ["plans/ana.json"]))
    assert scenario.booked == (plan,)
    projection = cp.project(scenario)
    assert sum(row.sessions for row in projection.rows) == pytest.approx(4)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "cannot read plan file"),
        ('{"schema": "collagenplan/report/1"}', "expected a Plan"),
        ("{", "not valid JSON"),
    ],
)
def test_bad_booked_files_are_named(tmp_path: Path, content: str | None, words: str) -> None:
    """A missing or wrong booked plan file is a ScenarioError naming booked[i] and the file."""
    if content is not None:
        (tmp_path / "p.json").write_text(content, encoding="utf-8")
    with pytest.raises(cp.ScenarioError, match=words) as info:
        cp.load_scenario(_booked_scenario(tmp_path, ["p.json"]))
    assert info.value.path == "booked[0]"
    assert "p.json" in str(info.value)
