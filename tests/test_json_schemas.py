"""Published JSON Schemas (draft 2020-12) of every document kind (issue 12, U11), checked
with ``jsonschema`` against every kind of document the library writes."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan import documents
from tests.strategies import clinics, plans, protocols, protocols_and_clients, reports

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
D = dt.date
REGENERATE = (
    'regenerate with: python -c "import json, pathlib; from collagenplan import documents as d; '
    "[pathlib.Path('src/collagenplan/schemas', n.split('/')[1] + '-' + n.split('/')[2] + "
    "'.schema.json').write_text(json.dumps(d.json_schema(n), indent=2, ensure_ascii=False) + "
    "'\\n') for n in d.schemas()]\""
)


def _published(name: str) -> dict[str, Any]:
    _, kind, version = name.split("/")
    path = importlib.resources.files("collagenplan") / "schemas" / f"{kind}-{version}.schema.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def check(obj: object) -> dict[str, Any]:
    """The document of ``obj``: valid against its published schema, and round-tripping."""
    text = cp.to_json(obj)
    doc: dict[str, Any] = json.loads(text)
    validator = jsonschema.Draft202012Validator(_published(doc["schema"]))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert not errors, errors[:5]
    assert cp.from_json(text) == obj
    return doc


@pytest.mark.parametrize("name", sorted(documents.schemas()))
def test_every_kind_has_a_published_valid_schema(name: str) -> None:
    """Each registered kind ships a draft 2020-12 schema equal to the generated one."""
    schema = _published(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema"] == {"const": name}
    assert schema == documents.json_schema(name), REGENERATE


def test_no_stale_schema_files() -> None:
    """Every file in collagenplan/schemas belongs to a registered kind."""
    folder = importlib.resources.files("collagenplan") / "schemas"
    files = {p.name for p in folder.iterdir() if p.name.endswith(".schema.json")}
    expected = {f"{n.split('/')[1]}-{n.split('/')[2]}.schema.json" for n in documents.schemas()}
    assert files == expected


def test_example_documents_validate() -> None:
    """The examples folder's client and clinic, the catalogue, and a planned and
    re-planned clinic plan validate and round-trip."""
    client = cp.load_client(EXAMPLES / "client.toml")
    clinic = cp.load_clinic(EXAMPLES / "clinic.toml")
    check(client)
    check(clinic)
    for pid in cp.protocol_ids():
        check(cp.get_protocol(pid))
    protocol = cp.get_protocol("facial-series")
    first = cp.plan(protocol, start=D(2027, 1, 5), client=client, clinic=clinic)
    check(first)
    visits = [cp.Visit(date=first.dates[0]), cp.Visit(date=first.dates[1], status="missed")]
    check(cp.replan(first, visits, today=first.dates[1], client=client, clinic=clinic))
    check(cp.validate(protocol, first))
    check(cp.screen(client, protocol, on=D(2027, 1, 5)))
    check(cp.Visit(date=D(2027, 1, 5), status="booked", key="series-2"))
    check(cp.next_due(protocol, visits, today=first.dates[1]))
    check(cp.next_due(protocol, [], today=first.dates[1]))


def test_schemas_refuse_what_the_reader_refuses() -> None:
    """An unknown key, a wrong type, a bad date or duration fail the schema too."""
    plan = json.loads(cp.to_json(cp.plan(cp.get_protocol("facial-series"), start=D(2027, 1, 5))))
    validator = jsonschema.Draft202012Validator(_published("collagenplan/plan/1"))
    for change in (
        lambda d: d.update(bogus=1),
        lambda d: d["sessions"][0].update(number="1"),
        lambda d: d["sessions"][0].update(date="5 Jan 2027"),
        lambda d: d["sessions"][0].update(status="maybe"),
        lambda d: d.pop("protocol_id"),
        lambda d: d.update(schema="collagenplan/report/1"),
    ):
        broken = json.loads(json.dumps(plan))
        change(broken)
        assert not validator.is_valid(broken)
        with pytest.raises(cp.SchemaError):
            cp.from_json(json.dumps(broken))
    protocol = json.loads(cp.to_json(cp.get_protocol("facial-series")))
    protocol["phases"][0]["interval"]["min"] = "four weeks"
    assert not jsonschema.Draft202012Validator(_published("collagenplan/protocol/1")).is_valid(
        protocol
    )


def test_an_unknown_kind_has_no_schema() -> None:
    """json_schema names the kinds it knows."""
    with pytest.raises(cp.SchemaError, match="collagenplan/plan/1"):
        documents.json_schema("collagenplan/nothing/1")


@given(plans())
@settings(max_examples=30, deadline=None)
def test_random_plans_validate(plan: cp.Plan) -> None:
    """Any plan's document validates against the published plan schema."""
    check(plan)


@given(reports())
@settings(max_examples=20, deadline=None)
def test_random_reports_validate(report: cp.Report) -> None:
    """Any report's document validates against the published report schema."""
    check(report)


@given(protocols(rules=True, late=True))
@settings(max_examples=30, deadline=None)
def test_random_protocols_validate(protocol: cp.Protocol) -> None:
    """Any protocol's document validates against the published protocol schema."""
    check(protocol)


@given(protocols_and_clients(), st.dates(min_value=D(2026, 1, 1), max_value=D(2030, 1, 1)))
@settings(max_examples=20, deadline=None)
def test_random_clients_and_screenings_validate(
    pair: tuple[cp.Protocol, cp.Client], on: dt.date
) -> None:
    """Any client's and any screening's documents validate and round-trip."""
    protocol, client = pair
    check(client)
    check(cp.screen(client, protocol, on=on))


@given(st.data())
@settings(max_examples=15, deadline=None)
def test_random_clinics_validate(data: st.DataObject) -> None:
    """Any clinic's document validates and round-trips (without its live hook)."""
    clinic = data.draw(clinics(D(2027, 1, 4)))
    check(attrs.evolve(clinic, availability=None))


# --------------------------------------------------------- combined reports


def _combined() -> cp.CombinedReport:
    facial = cp.get_protocol("facial-series")
    maintenance = cp.get_protocol("maintenance")
    # maintenance 14 days after a facial session on the same areas: a conflict.
    return cp.validate_together(
        {facial: [D(2027, 1, 5), D(2027, 2, 9)], maintenance: [D(2027, 1, 19)]}
    )


def test_combined_report_round_trips_and_validates() -> None:
    """validate_together's report is a document: pairs become protocol_id/report objects."""
    combined = _combined()
    assert combined.conflicts and not combined.ok
    doc = check(combined)
    assert doc["schema"] == "collagenplan/combined-report/1"
    assert doc["ok"] is False
    assert [e["protocol_id"] for e in doc["reports"]] == [key for key, _ in combined]
    assert doc["conflicts"][0]["violation"]["code"] == combined.conflicts[0].violation.code
    back = cp.from_json(cp.to_json(combined), cp.CombinedReport)
    assert back["maintenance"] == combined["maintenance"]
    check(cp.validate_together({cp.get_protocol("facial-series"): [D(2027, 1, 5)]}))


def test_combined_report_documents_are_read_strictly() -> None:
    """A pair written as an array, an unknown key or a wrong ``ok`` is refused, with its path."""
    doc = json.loads(cp.to_json(_combined()))
    validator = jsonschema.Draft202012Validator(_published("collagenplan/combined-report/1"))
    cases = [
        (lambda d: d.update(reports=[["facial-series", d["reports"][0]["report"]]]), "reports[0]"),
        (lambda d: d["reports"][0].update(plan="x"), "reports[0]"),
        (lambda d: d["reports"][1]["report"].update(violations="none"), "reports[1].report"),
        (lambda d: d["conflicts"][0].update(other_session="1"), "conflicts[0].other_session"),
    ]
    for change, path in cases:
        broken = json.loads(json.dumps(doc))
        change(broken)
        assert not validator.is_valid(broken)
        with pytest.raises(cp.SchemaError) as info:
            cp.from_json(json.dumps(broken))
        assert info.value.path.startswith(path), (info.value.path, path)
    lying = json.loads(json.dumps(doc))
    lying["ok"] = True
    with pytest.raises(cp.SchemaError, match="ok"):
        cp.from_json(json.dumps(lying))


def test_every_kind_reads_in_a_fresh_process() -> None:
    """Public modules load on first use, so a document kind registered by a module
    above ``documents`` (the combined report) must still be listed and read in a
    process that never touched that module (found when the lazy loading landed:
    this file's schema checks passed or failed with the tests run before them)."""
    import subprocess
    import sys

    combined = cp.CombinedReport(reports=(), conflicts=())
    text = cp.to_json(combined)
    code = (
        "import sys, collagenplan.documents as d\n"
        "assert 'collagenplan.together' not in sys.modules\n"
        "assert 'collagenplan.living' not in sys.modules\n"
        "print(sorted(d.schemas()))\n"
        "print(type(d.from_json(sys.stdin.read())).__name__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=text, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert "collagenplan/combined-report/1" in out[0]
    assert "collagenplan/next-due/1" in out[0]
    assert out[1] == "CombinedReport"
