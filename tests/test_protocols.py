"""Protocol files: loading, strict errors, formatting, the built-in catalogue."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings

import collagenplan as cp
from tests.strategies import protocols

DESIGN_EXAMPLE = """\
schema = 1
id = "facial-series"
name = "Facial microneedling series"
areas = ["face", "neck"]
depth_mm = { min = 0.5, max = 1.5 }
notes = "3-6 sessions 4-6 weeks apart, then a yearly touch-up."

[[phases]]
name = "series"
sessions = { min = 3, max = 6, default = 3 }
interval = { min = "4w", target = "5w", max = "6w" }  # from the previous session
grace = "2d"              # up to 2 days early is accepted with a warning

[[phases]]
name = "touch-up"
repeat = true             # recurs until the plan's horizon
interval = { min = "11m", target = "12m", max = "13m" }

[session]
chair_minutes = 60        # numbing + needling + LED + turnover
downtime = "3d"           # visible redness; used for event buffers

[[washouts]]               # exposures to keep away from every session
exposure = "topical-retinoid"
before = "5d"             # stop at least 5 days before a session
after = "7d"              # resume no sooner than 7 days after

[[washouts]]
exposure = "isotretinoin"
before = "6m"             # last dose at least 6 months before the first session

[[contraindications]]
condition = "pregnancy"
tier = "absolute"         # absolute | relative (needs clinician review) | temporary

[[precautions]]
condition = "cold-sore-history"
action = "antiviral-prophylaxis"
before = "2d"
after = "2d"

[[aftercare]]
restriction = "no-makeup"
duration = "24h"
"""


def test_design_example_loads() -> None:
    """The example protocol of the design document loads with every value in place."""
    p = cp.parse_protocol(DESIGN_EXAMPLE)
    assert p.id == "facial-series"
    assert p.areas == ("face", "neck")
    assert p.depth_mm == cp.DepthRange(min=0.5, max=1.5)
    series, touch = p.phases
    assert series.sessions == cp.SessionCount(min=3, max=6, default=3)
    assert str(series.interval.target) == "5w"
    assert str(series.grace) == "2d"
    assert touch.repeat and str(touch.interval.target) == "1y"
    assert p.session.chair_minutes == 60
    assert p.session.effective_event_buffer == cp.Duration(days=3)
    assert [w.exposure for w in p.washouts] == ["topical-retinoid", "isotretinoin"]
    assert p.washouts[1].after == cp.Duration()
    assert p.contraindications[0].tier == "absolute"
    assert p.precautions[0].action == "antiviral-prophylaxis"
    assert p.aftercare[0].duration == cp.Duration(hours=24)


def test_json_and_toml_give_identical_protocols() -> None:
    """The same structure as JSON loads to an equal protocol."""
    data = tomllib.loads(DESIGN_EXAMPLE)
    assert cp.parse_protocol(json.dumps(data), format="json") == cp.parse_protocol(DESIGN_EXAMPLE)


def test_load_protocol_from_files(tmp_path: Path) -> None:
    """load_protocol picks the format from the suffix."""
    (tmp_path / "p.toml").write_text(DESIGN_EXAMPLE, encoding="utf-8")
    (tmp_path / "p.json").write_text(json.dumps(tomllib.loads(DESIGN_EXAMPLE)), encoding="utf-8")
    assert cp.load_protocol(tmp_path / "p.toml") == cp.load_protocol(str(tmp_path / "p.json"))


def _broken(old: str, new: str) -> str:
    assert old in DESIGN_EXAMPLE
    return DESIGN_EXAMPLE.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "path", "problem"),
    [
        ('max = "6w" }', 'max = "3w" }', "phases[0].interval.max", "must be >= target"),
        ('target = "5w"', 'target = "3w"', "phases[0].interval.target", "must be >= min"),
        ('min = "4w"', 'min = "0d"', "phases[0].interval.min", "longer than zero"),
        ('max = "6w" }', 'max = "6 weeks" }', "phases[0].interval.max", "not a duration"),
        ('max = "6w" }', "max = 6 }", "phases[0].interval.max", "duration text"),
        ("min = 3, max = 6", "min = 7, max = 6", "phases[0].sessions.max", "must be >= min"),
        ("default = 3", "default = 9", "phases[0].sessions.default", "within min..max"),
        ("default = 3", "default = 0", "phases[0].sessions.default", "at least 1"),
        ('grace = "2d"', 'grace = "5w"', "phases[0].grace", "shorter than interval.min"),
        ('grace = "2d"', 'gracee = "2d"', "phases[0].gracee", "unknown key"),
        ("chair_minutes = 60", "chair_minutes = 0", "session.chair_minutes", "at least 1"),
        ("chair_minutes = 60", 'chair_minutes = "60"', "session.chair_minutes", "an integer"),
        ('tier = "absolute"', 'tier = "never"', "contraindications[0].tier", "must be one of"),
        (
            'exposure = "isotretinoin"',
            'exposure = "Isotretinoin"',
            "washouts[1].exposure",
            "kebab-case",
        ),
        (
            'exposure = "isotretinoin"',
            'exposure = "topical-retinoid"',
            "washouts[1].exposure",
            "repeats exposure",
        ),
        ("schema = 1", "schema = 2", "schema", "unsupported schema"),
        ('id = "facial-series"', 'id = "Facial Series"', "id", "kebab-case"),
        ('duration = "24h"', "", "aftercare[0].duration", "is required"),
        ("max = 1.5 }", "max = 0.2 }", "depth_mm.max", "must be >= min"),
        ("repeat = true ", "repeat = 1 ", "phases[1].repeat", "true or false"),
        ('areas = ["face", "neck"]', 'areas = "face"', "areas", "array of strings"),
    ],
)
def test_broken_files_name_key_path_and_file(
    tmp_path: Path, old: str, new: str, path: str, problem: str
) -> None:
    """Each broken protocol file raises ProtocolError naming the file, key path and problem."""
    f = tmp_path / "clinic.toml"
    f.write_text(_broken(old, new), encoding="utf-8")
    with pytest.raises(cp.ProtocolError) as info:
        cp.load_protocol(f)
    err = info.value
    assert err.path == path
    assert problem in err.problem
    assert str(f) in str(err) and path in str(err)
    assert isinstance(err, ValueError)


def test_repeat_only_on_last_phase() -> None:
    """A repeating phase followed by another phase is rejected."""
    text = _broken('[[phases]]\nname = "series"', '[[phases]]\nname = "series"\nrepeat = true')
    text = text.replace("sessions = { min = 3, max = 6, default = 3 }\n", "")
    with pytest.raises(cp.ProtocolError, match=r"phases\[0\]\.repeat: only the last phase"):
        cp.parse_protocol(text)


def test_repeat_phase_cannot_set_sessions() -> None:
    """Repeating phases recur one at a time; a sessions range there is an error."""
    text = _broken("repeat = true ", "repeat = true\nsessions = { min = 2, max = 3 } ")
    with pytest.raises(cp.ProtocolError, match=r"phases\[1\]\.sessions"):
        cp.parse_protocol(text)


@pytest.mark.parametrize(
    ("text", "line"),
    [("schema = 1\nid = \n", 2), ("schema = 1\n[session\n", 2)],
)
def test_toml_syntax_errors_give_the_line(text: str, line: int) -> None:
    """A TOML syntax error names the source and line."""
    with pytest.raises(cp.ProtocolError) as info:
        cp.parse_protocol(text, source="x.toml")
    assert info.value.line == line
    assert str(info.value).startswith(f"x.toml:{line}: not valid TOML")


def test_json_syntax_error_and_wrong_top_level() -> None:
    """Bad JSON names its line; a JSON array is not a protocol."""
    with pytest.raises(cp.ProtocolError, match="not valid JSON"):
        cp.parse_protocol('{\n"schema": 1,\n}', format="json")
    with pytest.raises(cp.ProtocolError, match="JSON object"):
        cp.parse_protocol("[]", format="json")


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("p.yaml", "", "unsupported file type"),
        ("missing.toml", None, "file not found"),
        ("p.toml", b"\xff\xfe", "not UTF-8"),
    ],
)
def test_file_problems(
    tmp_path: Path, name: str, content: bytes | str | None, problem: str
) -> None:
    """Unsupported suffixes, missing and undecodable files are ProtocolErrors."""
    f = tmp_path / name
    if isinstance(content, bytes):
        f.write_bytes(content)
    elif content is not None:
        f.write_text(content)
    with pytest.raises(cp.ProtocolError, match=problem):
        cp.load_protocol(f)


def test_missing_tables_and_wrong_shapes() -> None:
    """Missing [[phases]] and non-table values are reported by path ([session] is optional)."""
    minimal = cp.parse_protocol(
        'schema = 1\nid = "x"\nname = "X"\n[[phases]]\nname = "a"\n'
        'interval = { min = "1d", target = "1d", max = "1d" }\n'
    )
    assert minimal.session.chair_minutes is None
    with pytest.raises(cp.ProtocolError, match="phases: is required"):
        cp.parse_protocol(
            'schema = 1\nid = "x"\nname = "X"\n[session]\nchair_minutes = 1\ndowntime = "1d"\n'
        )
    with pytest.raises(cp.ProtocolError, match=r"phases\[0\]: must be a table"):
        cp.parse_protocol(
            '{"schema": 1, "id": "x", "name": "X", "phases": [3], '
            '"session": {"chair_minutes": 1, "downtime": "1d"}}',
            format="json",
        )


def test_python_construction_validates_too() -> None:
    """Building a protocol in Python applies the same rules as the loader."""
    with pytest.raises(cp.ProtocolError, match="must be >= target"):
        cp.Interval(min=cp.Duration(days=7), target=cp.Duration(days=14), max=cp.Duration(days=8))
    with pytest.raises(cp.ProtocolError, match="at least one phase"):
        attrs.evolve(cp.get_protocol("facial-series"), phases=())
    with pytest.raises(cp.ProtocolError, match="kebab-case"):
        cp.Washout(exposure="Retinol")
    with pytest.raises(cp.ProtocolError, match="restart_after: is required"):
        cp.LatePolicy(policy="restart")


def test_interval_mixing_units_must_hold_for_every_start() -> None:
    """'30d' can exceed '1m' (February), so min=30d with target=1m is rejected."""
    with pytest.raises(cp.ProtocolError, match="for every start date"):
        cp.Interval(
            min=cp.Duration(days=30), target=cp.Duration(months=1), max=cp.Duration(months=2)
        )


@settings(max_examples=150, deadline=None)
@given(protocols())
def test_format_parse_round_trip(p: cp.Protocol) -> None:
    """parse_protocol(format_protocol(p)) == p for random valid protocols."""
    assert cp.parse_protocol(cp.format_protocol(p)) == p


@settings(max_examples=150, deadline=None)
@given(protocols())
def test_dict_json_round_trip(p: cp.Protocol) -> None:
    """protocol_to_dict gives file data that loads back equal as JSON."""
    assert cp.parse_protocol(json.dumps(cp.protocol_to_dict(p)), format="json") == p


@pytest.mark.parametrize("pid", ["body-series", "facial-series", "maintenance", "scalp-series"])
def test_catalogue_json_equals_toml(pid: str) -> None:
    """Each catalogue protocol written as JSON file data loads back equal."""
    p = cp.get_protocol(pid)
    assert cp.parse_protocol(json.dumps(cp.protocol_to_dict(p)), format="json") == p


def test_format_escapes_hostile_text() -> None:
    """Quotes, backslashes, newlines, tabs and CR survive a TOML round trip."""
    p = attrs.evolve(cp.get_protocol("facial-series"), name='Clinic "A"\\B\nline\ttab\r é 🙂')
    assert cp.parse_protocol(cp.format_protocol(p)) == p


@pytest.mark.parametrize("bad", ["\x00", "\x7f", "\x1b[31m", "\x85", "\ud800"])
def test_control_characters_and_surrogates_are_refused(bad: str) -> None:
    """NUL, DEL, terminal escapes, C1 controls and lone surrogates are refused, escaped."""
    with pytest.raises(cp.ProtocolError, match=r"name: must not contain") as caught:
        attrs.evolve(cp.get_protocol("facial-series"), name=f"Clinic{bad}")
    assert str(caught.value).isprintable()


CATALOGUE = {
    # id: (series count min, max, default, interval texts, grace, touch-up interval)
    "facial-series": ((3, 6, 3), ("4w", "5w", "6w"), "2d", ("11m", "1y", "13m")),
    "body-series": ((4, 6, 4), ("4w", "5w", "6w"), "2d", ("11m", "1y", "13m")),
    "scalp-series": ((12, 12, 12), ("6d", "1w", "10d"), "0d", None),
}


def test_catalogue_ids() -> None:
    """The four contract protocols ship, sorted."""
    assert cp.protocol_ids() == ["body-series", "facial-series", "maintenance", "scalp-series"]


@pytest.mark.parametrize("pid", sorted(CATALOGUE))
def test_catalogue_numbers(pid: str) -> None:
    """Series counts, intervals, grace and the yearly touch-up match the contract table."""
    p = cp.get_protocol(pid)
    counts, interval, grace, touch = CATALOGUE[pid]
    first = p.phases[0]
    s = first.sessions
    assert (s.min, s.max, s.default) == counts
    i = first.interval
    assert (str(i.min), str(i.target), str(i.max)) == interval
    assert str(first.grace) == grace
    if touch is None:
        assert len(p.phases) == 1
    else:
        t = p.phases[1]
        assert t.repeat
        assert (str(t.interval.min), str(t.interval.target), str(t.interval.max)) == touch


def test_maintenance_numbers() -> None:
    """Maintenance is one repeating phase every 3m / 4m / 6m."""
    (phase,) = cp.get_protocol("maintenance").phases
    assert phase.repeat
    assert [str(x) for x in (phase.interval.min, phase.interval.target, phase.interval.max)] == [
        "3m",
        "4m",
        "6m",
    ]


@pytest.mark.parametrize("pid", ["body-series", "facial-series", "maintenance", "scalp-series"])
def test_catalogue_rules(pid: str) -> None:
    """Every catalogue protocol carries the contract washouts, tiers, precaution and aftercare."""
    p = cp.get_protocol(pid)
    w = {x.exposure: (str(x.before), str(x.after)) for x in p.washouts}
    assert w["topical-retinoid"] == ("5d", "1w")
    assert w["aha-bha-acids"] == ("3d", "1w")
    assert w["isotretinoin"][0] == "6m"
    tiers = {c.condition: c.tier for c in p.contraindications}
    for c in ("pregnancy", "active-chemotherapy", "active-radiotherapy"):
        assert tiers[c] == "absolute"
    for c in (
        "anticoagulants",
        "bleeding-disorder",
        "keloid-tendency",
        "eczema",
        "psoriasis",
        "rosacea",
    ):
        assert tiers[c] == "relative"
    for c in ("active-acne", "active-cold-sore", "sunburn"):
        assert tiers[c] == "temporary"
    assert any(
        x.condition == "cold-sore-history" and x.action == "antiviral-prophylaxis"
        for x in p.precautions
    )
    assert any(a.restriction == "no-makeup" for a in p.aftercare)


@pytest.mark.parametrize("pid", ["body-series", "facial-series", "maintenance", "scalp-series"])
def test_catalogue_round_trips(pid: str) -> None:
    """Each catalogue protocol formats to TOML that loads back equal."""
    p = cp.get_protocol(pid)
    assert cp.parse_protocol(cp.format_protocol(p)) == p


def test_unknown_protocol_id() -> None:
    """An unknown id raises UnknownProtocolError listing the known ids."""
    with pytest.raises(cp.UnknownProtocolError, match="facial-series") as info:
        cp.get_protocol("facial")
    assert isinstance(info.value, LookupError)
    assert isinstance(info.value, cp.CollagenPlanError)


def test_misspelt_required_key_is_named() -> None:
    """A required key written with a typo points at the unknown spelling."""
    text = DESIGN_EXAMPLE.replace('downtime = "3d"', 'downtme = "3d"')
    with pytest.raises(cp.ProtocolError, match="found unknown key 'downtme': a misspelling"):
        cp.parse_protocol(text)
