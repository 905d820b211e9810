"""The one strict reader, derived from the attrs classes (``collagenplan._reader``)."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Literal

import attrs
import pytest

import collagenplan as cp
from collagenplan._reader import HINT, KEY, READ, Reader
from collagenplan.errors import InputError

SRC = Path(__file__).resolve().parent.parent / "src" / "collagenplan"


class _Error(InputError):
    """The error class of the toy format."""


@attrs.frozen(kw_only=True)
class Leg:
    """A nested toy table."""

    gap: cp.Duration
    kind: Literal["walk", "run"] = "walk"


@attrs.frozen(kw_only=True)
class Trip:
    """A toy class: every kind of field the reader converts."""

    name: str
    legs: tuple[Leg, ...] = attrs.field(default=(), metadata={KEY: "leg", HINT: "add [[leg]]"})
    day: dt.date | None = None
    opens: dt.time = dt.time(9)
    count: int = 3
    share: float = 0.5
    live: object = attrs.field(default=None, metadata={READ: False})

    def __attrs_post_init__(self) -> None:
        if self.count > 10:
            raise _Error(f"must be at most 10, got {self.count}", path="count")


READER = Reader(_Error)


def _fails(data: object) -> _Error:
    with pytest.raises(_Error) as info:
        READER.build(Trip, data)
    return info.value


def test_absent_keys_take_the_class_defaults() -> None:
    """A table with only the required key gives the class's own defaults."""
    assert READER.build(Trip, {"name": "x"}) == Trip(name="x")


def test_types_drive_conversion() -> None:
    """Durations, dates, times, nested tables, tuples and ints-as-floats are converted."""
    trip = READER.build(
        Trip,
        {
            "name": "x",
            "leg": [{"gap": "2w", "kind": "run"}],
            "day": "2027-01-04",
            "opens": "10:30",
            "share": 1,
        },
    )
    assert trip.legs == (Leg(gap=cp.Duration.parse("2w"), kind="run"),)
    assert trip.day == dt.date(2027, 1, 4)
    assert trip.opens == dt.time(10, 30)
    assert trip.share == 1.0 and isinstance(trip.share, float)


def test_unknown_key_lists_the_allowed_ones() -> None:
    """An unknown key is named with the sorted allowed keys (file keys, not field names)."""
    err = _fails({"name": "x", "colour": "red"})
    assert err.path == "colour"
    assert err.problem == "unknown key (allowed here: count, day, leg, name, opens, share)"


def test_missing_required_key_hints_at_a_misspelling() -> None:
    """A missing required key points at an unknown key that looks like it."""
    err = _fails({"nmae": "x"})
    assert err.path == "name"
    assert err.problem == "is required (found unknown key 'nmae': a misspelling?)"


def test_missing_required_key_gives_the_class_hint() -> None:
    """A field's HINT metadata says what to add when it is missing."""

    @attrs.frozen
    class Needs:
        legs: tuple[Leg, ...] = attrs.field(metadata={HINT: "add [[legs]]"})

    with pytest.raises(_Error, match="legs: is required: add \\[\\[legs\\]\\]"):
        READER.build(Needs, {})


@pytest.mark.parametrize(
    ("data", "path", "problem"),
    [
        ({"name": 3}, "name", "must be a string, got an integer"),
        ({"name": "x", "count": True}, "count", "must be an integer, got a boolean"),
        ({"name": "x", "share": "1"}, "share", "must be a number, got a string"),
        ({"name": "x", "leg": {}}, "leg", "must be an array of tables, got a table"),
        ({"name": "x", "leg": [3]}, "leg[0]", "must be a table, got an integer"),
        ({"name": "x", "leg": [{"gap": 4}]}, "leg[0].gap", "duration text"),
        ({"name": "x", "leg": [{"gap": "4 weeks"}]}, "leg[0].gap", "not a duration"),
        ({"name": "x", "leg": [{"gap": "4w", "kind": "fly"}]}, "leg[0].kind", "one of walk, run"),
        ({"name": "x", "leg": [{"gap": "1w"}, {}]}, "leg[1].gap", "is required"),
        ({"name": "x", "day": "4 Jan"}, "day", "YYYY-MM-DD"),
        ({"name": "x", "day": dt.datetime(2027, 1, 4, 9)}, "day", "got a date-time"),
        ({"name": "x", "opens": "9am"}, "opens", "HH:MM"),
        ({"name": "x", "count": 11}, "count", "must be at most 10"),
        ({"name": "x", "live": 1}, "live", "unknown key"),
    ],
)
def test_wrong_values_name_their_key_path(data: object, path: str, problem: str) -> None:
    """Wrong types, bad texts and class validator errors all carry the key path."""
    err = _fails(data)
    assert type(err) is _Error
    assert err.path == path
    assert problem in err.problem


def test_a_table_is_required() -> None:
    """Data that is not a mapping is refused with the dialect's word for a table."""
    with pytest.raises(cp.SchemaError, match="must be an object, got an array"):
        Reader(cp.SchemaError, table="an object").build(Trip, [])


def test_hooks_replace_reading_for_one_field_or_one_class() -> None:
    """A (class, field) hook reads that value; a class hook reads every value of the class."""
    hooks = {
        (Trip, "name"): lambda value, reader: str(value).upper(),
        Leg: lambda value, reader: Leg(gap=cp.Duration.parse(str(value))),
    }
    trip = Reader(_Error, hooks=hooks).build(Trip, {"name": "x", "leg": ["3d"]})
    assert trip == Trip(name="X", legs=(Leg(gap=cp.Duration.parse("3d")),))


def test_schema_is_checked_once_for_a_file() -> None:
    """document() requires the schema key, checks its version and allows it among the keys."""
    reader = Reader(_Error)
    assert reader.document({"schema": 1, "name": "x"}, Trip, schema=1) == Trip(name="x")
    with pytest.raises(_Error, match="schema: is required"):
        reader.document({"name": "x"}, Trip, schema=1)
    with pytest.raises(_Error, match="schema: unsupported schema 2; this version reads schema 1"):
        reader.document({"schema": 2, "name": "x"}, Trip, schema=1)
    with pytest.raises(_Error, match=r"allowed here: count, .*schema, share"):
        reader.document({"schema": 1, "name": "x", "zz": 1}, Trip, schema=1)


def test_file_errors_keep_file_and_toml_line() -> None:
    """Through a loader, an error names the file and key path; a syntax error its line."""
    with pytest.raises(cp.ClientError) as info:
        cp.parse_client("schema = 1\n[[events]]\nname = 'w'\n", source="c.toml")
    assert str(info.value) == "c.toml: events[0].date: is required"
    with pytest.raises(cp.ClientError) as info:
        cp.parse_client("schema = 1\n\n[[events]\n", source="c.toml")
    assert info.value.line == 3


def test_session_count_default_is_min_in_the_class() -> None:
    """SessionCount's default count is its minimum, in Python as in files."""
    assert cp.SessionCount(min=3, max=6).default == 3


MINIMAL = """schema = 1
id = "tiny"
name = "Tiny"

[[phases]]
name = "series"
sessions = { min = 2, max = 3 }
interval = { min = "4w", target = "5w", max = "6w" }
"""


def test_minimal_protocol_loads_plans_and_validates() -> None:
    """schema, id, name and [[phases]] are enough to plan and validate (no chair time)."""
    protocol = cp.parse_protocol(MINIMAL)
    assert protocol.session.chair_minutes is None
    plan = cp.plan(protocol, start=dt.date(2027, 1, 4))
    assert len(plan.sessions) == 2
    assert cp.validate(protocol, [s.date for s in plan.sessions]).ok
    assert cp.parse_protocol(cp.format_protocol(protocol)) == protocol
    assert "[session]" not in cp.format_protocol(protocol)


def test_minimal_protocol_exports_with_default_minutes() -> None:
    """Exporters fall back to their default minutes when the protocol gives none."""
    protocol = cp.parse_protocol(MINIMAL)
    plan = cp.plan(protocol, start=dt.date(2027, 1, 4))
    assert b"BEGIN:VEVENT" in cp.to_ics(plan, protocol=protocol)
    assert cp.to_fhir(plan, protocol=protocol)["resourceType"] == "Bundle"
    assert cp.to_csv(plan)


def test_capacity_refuses_a_protocol_without_chair_time(tmp_path: Path) -> None:
    """An intake of a protocol with no chair time is a ScenarioError naming the protocol."""
    (tmp_path / "tiny.toml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "s.toml").write_text(
        "schema = 1\nstart = 2027-01-04\nweeks = 4\n"
        '[[intake]]\nprotocol = "tiny.toml"\nper_week = 1\n',
        encoding="utf-8",
    )
    with pytest.raises(cp.ScenarioError) as info:
        cp.load_scenario(tmp_path / "s.toml")
    assert info.value.path == "intake[0].protocol"
    assert "'tiny' gives no chair time" in str(info.value)


def test_an_intake_may_give_the_chair_time() -> None:
    """intake.chair_minutes supplies what the protocol does not say."""
    intake = cp.Intake(protocol=cp.parse_protocol(MINIMAL), per_week=1, chair_minutes=45)
    assert intake.minutes == 45


def test_capacity_does_not_import_exporters() -> None:
    """Scenarios read booked plans through collagenplan.documents, not the exporters."""
    tree = ast.parse((SRC / "capacity" / "scenarios.py").read_text(encoding="utf-8"))
    modules = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not [m for m in modules if "exporters" in m]
    assert "documents" in modules


def test_json_documents_are_read_by_the_same_reader() -> None:
    """A document error carries the same message a file error would, as a SchemaError."""
    text = cp.to_json(cp.get_protocol("maintenance")).replace('"repeat": true', '"repeat": 1')
    with pytest.raises(cp.SchemaError) as info:
        cp.from_json(text)
    assert info.value.path == "phases[0].repeat"
    assert info.value.problem == "must be true or false, got an integer"
