"""The client model and client files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import collagenplan as cp

D = dt.date
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "client.toml"


def test_positional_names_and_keyword_dates() -> None:
    """Records take their name positionally and their dates by keyword."""
    med = cp.Medication("isotretinoin", start=D(2026, 2, 1), end=D(2026, 8, 1))
    cond = cp.Condition("active-cold-sore", end=D(2026, 12, 10))
    assert (med.exposure, med.start, med.end, med.ongoing) == (
        "isotretinoin",
        D(2026, 2, 1),
        D(2026, 8, 1),
        False,
    )
    assert (cond.start, cond.end) == (None, D(2026, 12, 10))
    assert cp.Medication("topical-retinoid").ongoing
    assert cp.ClientEvent(D(2027, 3, 20), "wedding").name == "wedding"
    assert cp.Procedure("dermal-filler", D(2026, 11, 20)).kind == "dermal-filler"


@pytest.mark.parametrize(
    ("record", "day", "active"),
    [
        (cp.Medication("x", start=D(2026, 1, 1), end=D(2026, 1, 31)), D(2026, 1, 1), True),
        (cp.Medication("x", start=D(2026, 1, 1), end=D(2026, 1, 31)), D(2026, 1, 31), True),
        (cp.Medication("x", start=D(2026, 1, 1), end=D(2026, 1, 31)), D(2026, 2, 1), False),
        (cp.Medication("x", start=D(2026, 1, 1)), D(2025, 12, 31), False),
        (cp.Medication("x"), D(1900, 1, 1), True),
        (cp.Condition("x", end=D(2026, 1, 1)), D(2026, 1, 1), True),
        (cp.Condition("x", start=D(2026, 1, 2)), D(2026, 1, 1), False),
    ],
)
def test_active_on_is_inclusive(
    record: cp.Medication | cp.Condition, day: dt.date, active: bool
) -> None:
    """Start/stop and since/until are inclusive; a missing bound is open."""
    assert record.active_on(day) is active


def test_client_queries() -> None:
    """A client answers which conditions and medications apply on a day, and what is cleared."""
    client = cp.Client(
        conditions=[cp.Condition("keloid-tendency"), cp.Condition("sunburn", end=D(2026, 1, 5))],
        medications=[cp.Medication("nsaids", end=D(2026, 1, 1))],
        cleared={"keloid-tendency"},
    )
    assert [c.name for c in client.conditions_on(D(2026, 1, 6))] == ["keloid-tendency"]
    assert [m.exposure for m in client.medications_on(D(2026, 1, 1))] == ["nsaids"]
    assert client.medications_on(D(2026, 1, 2)) == ()
    assert client.is_cleared("keloid-tendency")
    assert not client.is_cleared("sunburn")


def test_cleared_set_becomes_sorted_tuple() -> None:
    """A set of cleared names is stored sorted, so equal clients compare equal."""
    conditions = [cp.Condition("rosacea"), cp.Condition("eczema")]
    a = cp.Client(conditions=conditions, cleared={"rosacea", "eczema"})
    b = cp.Client(conditions=conditions, cleared=("eczema", "rosacea"))
    assert a.cleared == ("eczema", "rosacea")
    assert a == b


@pytest.mark.parametrize(
    ("build", "path", "words"),
    [
        (lambda: cp.Medication("Isotretinoin"), "exposure", "kebab-case"),
        (lambda: cp.Medication(""), "exposure", "kebab-case"),
        (
            lambda: cp.Medication("x", start=D(2026, 2, 1), end=D(2026, 1, 1)),
            "end",
            "must not be before start",
        ),
        (lambda: cp.Medication("x", end="2026-01-01"), "end", "datetime.date"),
        (
            lambda: cp.Condition("x", start=dt.datetime(2026, 1, 1, 9)),
            "start",
            "datetime.date",
        ),
        (
            lambda: cp.Condition("x", start=D(2026, 2, 1), end=D(2026, 1, 1)),
            "end",
            "must not be before start",
        ),
        (lambda: cp.ClientEvent(D(2026, 1, 1), "  "), "name", "must not be empty"),
        (lambda: cp.ClientEvent("2026-01-01", "wedding"), "date", "datetime.date"),
        (lambda: cp.Procedure("dermal filler", D(2026, 1, 1)), "kind", "kebab-case"),
        (lambda: cp.Client(medications=["isotretinoin"]), "medications[0]", "Medication"),
        (lambda: cp.Client(events=cp.ClientEvent(D(2026, 1, 1), "x")), "events", "tuple"),
        (lambda: cp.Client(cleared="eczema"), "cleared", "set, list or tuple"),
        (lambda: cp.Client(cleared=["eczema"]), "cleared[0]", "not among the client's"),
        (
            lambda: cp.Client(conditions=[cp.Condition("eczema")], cleared=["eczema", "eczema"]),
            "cleared[1]",
            "repeats",
        ),
        (lambda: cp.Client(cleared=[3]), "cleared[0]", "must be a string"),
        (lambda: cp.Client(id=5), "id", "must be a string"),
    ],
)
def test_bad_values_raise_client_error(build: object, path: str, words: str) -> None:
    """Bad values raise ClientError (a ValueError) naming the field."""
    with pytest.raises(cp.ClientError) as info:
        build()  # type: ignore[operator]
    assert info.value.path == path
    assert words in str(info.value)
    assert isinstance(info.value, ValueError)


def test_cleared_may_name_a_medication() -> None:
    """A clinician may clear a medication that is also a contraindication (anticoagulants)."""
    client = cp.Client(medications=[cp.Medication("anticoagulants")], cleared=["anticoagulants"])
    assert client.is_cleared("anticoagulants")


FULL = """
schema = 1
id = "client-7"
cleared = ["keloid-tendency"]

[[medications]]
exposure = "isotretinoin"
start = 2026-02-01
end = "2026-08-01"

[[medications]]
exposure = "topical-retinoid"

[[conditions]]
name = "keloid-tendency"

[[conditions]]
name = "active-cold-sore"
start = 2026-11-25
end = 2026-12-05

[[events]]
date = 2027-03-20
name = "Sister's wedding"

[[procedures]]
kind = "dermal-filler"
date = 2026-11-20
"""


def test_parse_full_client_file() -> None:
    """Every key of a client file is read into the model (TOML dates or ISO texts)."""
    client = cp.parse_client(FULL)
    assert client == cp.Client(
        id="client-7",
        cleared=("keloid-tendency",),
        medications=(
            cp.Medication("isotretinoin", start=D(2026, 2, 1), end=D(2026, 8, 1)),
            cp.Medication("topical-retinoid"),
        ),
        conditions=(
            cp.Condition("keloid-tendency"),
            cp.Condition("active-cold-sore", start=D(2026, 11, 25), end=D(2026, 12, 5)),
        ),
        events=(cp.ClientEvent(D(2027, 3, 20), "Sister's wedding"),),
        procedures=(cp.Procedure("dermal-filler", D(2026, 11, 20)),),
    )


def test_parse_json_client_matches_toml() -> None:
    """A JSON client file with the same structure gives the same client."""
    data = {
        "schema": 1,
        "medications": [{"exposure": "isotretinoin", "end": "2026-08-01"}],
        "events": [{"date": "2027-03-20", "name": "wedding"}],
    }
    toml = (
        'schema = 1\n[[medications]]\nexposure = "isotretinoin"\nend = 2026-08-01\n'
        '[[events]]\ndate = 2027-03-20\nname = "wedding"\n'
    )
    assert cp.parse_client(json.dumps(data), "json") == cp.parse_client(toml)


def test_minimal_client_file() -> None:
    """A file with only the schema is a client with nothing recorded."""
    assert cp.parse_client("schema = 1\n") == cp.Client()


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("", "c.toml: schema: is required"),
        ("schema = 2\n", "c.toml: schema: unsupported schema 2"),
        ("schema = 1\nname = 'Ann'\n", "c.toml: name: unknown key"),
        (
            "schema = 1\n[[medications]]\nend = 2026-01-01\n",
            "c.toml: medications[0].exposure: is required",
        ),
        (
            "schema = 1\n[[medications]]\nexposure = 'x'\nend = '2026-1-1'\n",
            "c.toml: medications[0].end: must be a date written YYYY-MM-DD",
        ),
        (
            "schema = 1\n[[medications]]\nexposure = 'x'\nend = 2026-01-01T10:00:00\n",
            "c.toml: medications[0].end: must be a date (YYYY-MM-DD), got a date-time",
        ),
        (
            "schema = 1\n[[medications]]\nexposure = 'x'\nstart = 2026-02-01\nend = 2026-01-01\n",
            "c.toml: medications[0].end: must not be before start",
        ),
        (
            "schema = 1\n[[conditions]]\nname = 'Keloid'\n",
            "c.toml: conditions[0].name: the name must be kebab-case",
        ),
        (
            "schema = 1\n[[conditions]]\nname = 'x'\nend = 5\n",
            "c.toml: conditions[0].end: must be a date written YYYY-MM-DD, got an integer",
        ),
        ("schema = 1\n[[events]]\ndate = 2027-01-01\n", "c.toml: events[0].name: is required"),
        (
            "schema = 1\n[[events]]\ndate = 2027-01-01\nname = 'w'\nwhen = 1\n",
            "c.toml: events[0].when: unknown key (allowed here: date, name)",
        ),
        (
            "schema = 1\n[[procedures]]\nkind = 'laser'\n",
            "c.toml: procedures[0].date: is required",
        ),
        ("schema = 1\ncleared = 'eczema'\n", "c.toml: cleared: must be an array of strings"),
        ("schema = 1\ncleared = ['Eczema']\n", "c.toml: cleared[0]: the name must be kebab-case"),
        ("schema = 1\ncleared = ['eczema']\n", "c.toml: cleared[0]: clears 'eczema'"),
        ("schema = 1\nmedications = 3\n", "c.toml: medications: must be an array of tables"),
        ("schema = 1\nmedications = [3]\n", "c.toml: medications[0]: must be a table"),
        ("schema = 1\n[[events]\n", "c.toml:2: not valid TOML"),
    ],
)
def test_bad_client_files_name_file_and_path(text: str, where: str) -> None:
    """A broken client file raises ClientError naming the file and the key path."""
    with pytest.raises(cp.ClientError) as info:
        cp.parse_client(text, source="c.toml")
    assert str(info.value).startswith(where), str(info.value)


def test_bad_json_client() -> None:
    """Invalid JSON is a ClientError with its line."""
    with pytest.raises(cp.ClientError, match=r"^c.json:1: not valid JSON"):
        cp.parse_client("{", "json", source="c.json")


def test_load_client_file(tmp_path: Path) -> None:
    """load_client reads .toml and .json files and reports missing or odd files."""
    (tmp_path / "c.json").write_text('{"schema": 1, "cleared": []}', encoding="utf-8")
    assert cp.load_client(tmp_path / "c.json") == cp.Client()
    with pytest.raises(cp.ClientError, match="file not found"):
        cp.load_client(tmp_path / "missing.toml")
    with pytest.raises(cp.ClientError, match=r"unsupported file type '\.txt'"):
        cp.load_client(tmp_path / "c.txt")


def test_example_client_file_loads() -> None:
    """The documented example client file loads."""
    client = cp.load_client(EXAMPLE)
    assert client.id == "client-0042"
    assert {m.exposure for m in client.medications} == {"topical-retinoid", "isotretinoin"}
    assert client.cleared == ("keloid-tendency",)
