"""JSON documents: schema names, lossless round trips and located errors."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import zoneinfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan.exporters import json_ as cpjson
from tests.strategies import plans, protocols, protocols_and_clients, reports

LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def _plan() -> cp.Plan:
    plan = cp.plan(cp.get_protocol("facial-series"), start=dt.date(2027, 3, 22), sessions=4)
    first = attrs.evolve(
        plan.sessions[0],
        start=dt.datetime(2027, 3, 22, 10, 0, tzinfo=LONDON),
        minutes=60,
        practitioner="Dr Amal Osei",
        status="booked",
        milestones=(
            cp.Milestone(
                kind="stop",
                subject="topical-retinoid",
                start=dt.date(2027, 3, 17),
                note="Pause retinol",
                rule="washouts[0]",
            ),
        ),
    )
    return attrs.evolve(plan, sessions=(first, *plan.sessions[1:]))


def _doc(obj: object) -> dict[str, object]:
    data: dict[str, object] = json.loads(cp.to_json(obj))
    return data


@given(plans())
@settings(max_examples=60, deadline=None)
def test_plan_round_trip_is_lossless(plan: cp.Plan) -> None:
    """from_json(to_json(plan)) equals the plan, zone names and all."""
    text = cp.to_json(plan)
    back = cp.from_json(text, cp.Plan)
    assert back == plan
    assert cp.to_json(back) == text
    for ours, theirs in zip(plan.sessions, back.sessions, strict=True):
        if ours.start is not None:
            assert theirs.start is not None
            assert theirs.start.utcoffset() == ours.start.utcoffset()
            assert str(theirs.start.tzinfo) == str(ours.start.tzinfo)


@given(reports())
@settings(max_examples=40, deadline=None)
def test_report_round_trip_is_lossless(report: cp.Report) -> None:
    """from_json(to_json(report)) equals the report."""
    assert cp.from_json(cp.to_json(report), cp.Report) == report


@given(protocols(rules=True, late=True))
@settings(max_examples=60, deadline=None)
def test_protocol_round_trip_is_lossless(protocol: cp.Protocol) -> None:
    """from_json(to_json(protocol)) equals the protocol."""
    assert cp.from_json(cp.to_json(protocol), cp.Protocol) == protocol


@pytest.mark.parametrize("protocol_id", cp.protocol_ids())
def test_catalogue_protocols_round_trip(protocol_id: str) -> None:
    """Every built-in protocol survives the JSON round trip."""
    protocol = cp.get_protocol(protocol_id)
    assert cp.from_json(cp.to_json(protocol)) == protocol


@pytest.mark.parametrize(
    ("obj", "schema"),
    [
        (_plan(), "collagenplan/plan/1"),
        (
            cp.validate(cp.get_protocol("facial-series"), [dt.date(2027, 1, 1)]),
            "collagenplan/report/1",
        ),
        (cp.get_protocol("maintenance"), "collagenplan/protocol/1"),
    ],
)
def test_documents_name_their_schema_first(obj: object, schema: str) -> None:
    """The first key of every document is its schema name."""
    doc = _doc(obj)
    assert next(iter(doc)) == "schema"
    assert doc["schema"] == schema


def test_plan_document_layout() -> None:
    """A plan document has ok, the fields in order, ISO dates and zone-suffixed times."""
    doc = _doc(_plan())
    assert list(doc) == [
        "schema",
        "ok",
        "protocol_id",
        "start",
        "sessions",
        "problems",
        "horizon",
        "requested_sessions",
        "unplaced",
        "moves",
        # issue 12 (identity): optional keys, so plan/1 documents without them still read.
        "plan_id",
        "revision",
        "removed",
    ]
    first = doc["sessions"][0]  # type: ignore[index]
    # issue 12 (U5): an RFC 3339 instant, the IANA zone in its own key.
    assert first["start"] == "2027-03-22T10:00:00+00:00"
    assert first["time_zone"] == "Europe/London"
    assert first["window"] == {"earliest": "2027-03-22", "target": "2027-03-22", "latest": None}
    assert first["milestones"][0]["start"] == "2027-03-17"


def test_protocol_document_keeps_durations_canonical() -> None:
    """Durations are written in their canonical text and the int schema is not repeated."""
    doc = _doc(cp.get_protocol("facial-series"))
    assert doc["phases"][0]["interval"] == {"min": "4w", "target": "5w", "max": "6w"}  # type: ignore[index]
    assert list(doc).count("schema") == 1
    assert doc["schema"] == "collagenplan/protocol/1"


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (
            dt.datetime(2027, 3, 29, 10, 0, tzinfo=LONDON),
            "2027-03-29T10:00:00+01:00[Europe/London]",
        ),
        (
            dt.datetime(2027, 11, 7, 1, 30, tzinfo=NEW_YORK),
            "2027-11-07T01:30:00-04:00[America/New_York]",
        ),
        (
            dt.datetime(2027, 11, 7, 1, 30, fold=1, tzinfo=NEW_YORK),
            "2027-11-07T01:30:00-05:00[America/New_York]",
        ),
        (dt.datetime(2027, 1, 1, 9, 0, tzinfo=dt.UTC), "2027-01-01T09:00:00+00:00"),
        (
            dt.datetime(2027, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-3))),
            "2027-01-01T09:00:00-03:00",
        ),
        (
            dt.datetime(2027, 1, 1, 9, 0, 0, 1500, tzinfo=LONDON),
            "2027-01-01T09:00:00.001500+00:00[Europe/London]",
        ),
    ],
)
def test_datetime_text_round_trips(moment: dt.datetime, text: str) -> None:
    """Appointment times keep offset, zone name and the fold of a repeated hour."""
    session = attrs.evolve(_plan().sessions[0], start=moment)
    plan = attrs.evolve(_plan(), sessions=(session,))
    doc = _doc(plan)
    # issue 12 (U5): the instant and the zone name are written apart; the
    # RFC 9557 text (`text`) that documents held before still reads.
    instant, _, zone = text.partition("[")
    first = doc["sessions"][0]  # type: ignore[index]
    assert first["start"] == instant
    assert first["time_zone"] == (zone.rstrip("]") or None)
    older = json.loads(json.dumps(doc))
    older["sessions"][0]["start"] = text
    del older["sessions"][0]["time_zone"]
    for written in (doc, older):
        back = cp.from_json(json.dumps(written), cp.Plan).sessions[0].start
        assert back is not None
        assert back == moment
        assert back.utcoffset() == moment.utcoffset()
        assert back.fold == moment.fold
        assert str(back.tzinfo) == str(moment.tzinfo)


def _broken(change: str) -> str:
    doc = _doc(_plan())
    sessions = doc["sessions"]
    assert isinstance(sessions, list)
    exec(change, {"doc": doc, "s": sessions})  # a small edit written as a statement
    return json.dumps(doc)


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ("s[1]['window']['latest'] = '2020-01-01'", "sessions[1].window.latest", "before target"),
        ("s[1]['number'] = '2'", "sessions[1].number", "must be an integer, got a string"),
        ("s[1]['number'] = True", "sessions[1].number", "must be an integer"),
        ("s[1]['bogus'] = 1", "sessions[1].bogus", "unknown key"),
        (
            "del s[0]['milestones'][0]['subject']",
            "sessions[0].milestones[0].subject",
            "is required",
        ),
        ("s[0]['milestones'] = 'abc'", "sessions[0].milestones", "must be an array"),
        ("s[0]['status'] = 'maybe'", "sessions[0].status", "must be one of planned"),
        ("s[0]['window'] = 5", "sessions[0].window", "must be an object"),
        ("s[0]['date'] = '2027-02-30'", "sessions[0].date", "YYYY-MM-DD"),
        ("s[0]['date'] = '2027-03-22T10:00:00'", "sessions[0].date", "YYYY-MM-DD"),
        (
            "del s[0]['time_zone']; s[0]['start'] = '2027-03-22T10:00:00+02:00[Europe/London]'",
            "sessions[0].start",
            "does not match Europe/London",
        ),
        (
            "del s[0]['time_zone']; s[0]['start'] = '2027-03-22T10:00:00[Europe/London]'",
            "sessions[0].start",
            "needs a UTC offset",
        ),
        (
            "del s[0]['time_zone']; s[0]['start'] = '2027-03-22T10:00:00+00:00[Mars/Olympus]'",
            "sessions[0].start",
            "unknown IANA time zone",
        ),
        ("s[0]['start'] = '2027-03-22'", "sessions[0].start", "must be a date-time"),
        ("doc['ok'] = False", "ok", "contents make it true"),
        ("doc['problems'] = [{'code': 'washout'}]", "problems[0].severity", "is required"),
        ("del doc['protocol_id']", "protocol_id", "is required"),
    ],
)
def test_bad_documents_name_the_key_path(change: str, path: str, words: str) -> None:
    """Every broken plan document raises SchemaError naming the JSON key path."""
    with pytest.raises(cp.SchemaError) as info:
        cp.from_json(_broken(change))
    assert info.value.path == path
    assert words in str(info.value)
    assert str(info.value).startswith(f"{path}: ")


@pytest.mark.parametrize(
    ("edit", "path", "words"),
    [
        (
            {"interval": {"min": "4w", "target": "5w", "max": "1w"}},
            "phases[0].interval.max",
            "must be >= target",
        ),
        (
            {"interval": {"min": "4w", "target": "5w", "max": 6}},
            "phases[0].interval.max",
            "duration text",
        ),
        (
            {"interval": {"min": "4w", "target": "5w", "max": "soon"}},
            "phases[0].interval.max",
            "is not a duration",
        ),
        ({"name": "Not Kebab"}, "phases[0].name", "kebab-case"),
    ],
)
def test_bad_protocol_documents_name_the_key_path(
    edit: dict[str, object], path: str, words: str
) -> None:
    """Protocol rules are checked on reading, with the path of the broken value."""
    doc = _doc(cp.get_protocol("facial-series"))
    doc["phases"][0].update(edit)  # type: ignore[index]
    with pytest.raises(cp.SchemaError) as info:
        cp.from_json(doc)
    assert info.value.path == path
    assert words in info.value.problem


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{", "not valid JSON"),
        ("[1, 2]", "must be a JSON object, got an array"),
        ('{"protocol_id": "x"}', "schema: is required"),
        ('{"schema": 1}', "must name its schema"),
        ('{"schema": "collagenplan/plan/9"}', "unknown schema 'collagenplan/plan/9'"),
        (b"\xff\xfe{", "not"),
    ],
)
def test_unreadable_documents(text: str | bytes, words: str) -> None:
    """Text that is not a collagenplan document raises SchemaError saying why."""
    with pytest.raises(cp.SchemaError) as info:
        cp.from_json(text)
    assert words in str(info.value)


def test_expect_rejects_another_kind() -> None:
    """from_json(..., cp.Plan) refuses a protocol document."""
    with pytest.raises(cp.SchemaError, match=r"holds a Protocol .* expected a Plan"):
        cp.from_json(cp.to_json(cp.get_protocol("maintenance")), cp.Plan)


def test_keys_with_defaults_may_be_left_out() -> None:
    """A hand-written document may omit keys whose fields have defaults."""
    text = json.dumps(
        {
            "schema": "collagenplan/plan/1",
            "protocol_id": "facial-series",
            "start": "2027-01-04",
            "sessions": [
                {
                    "number": 1,
                    "phase": "series",
                    "date": "2027-01-04",
                    "window": {"earliest": "2027-01-04", "target": "2027-01-04"},
                }
            ],
        }
    )
    plan = cp.from_json(text, cp.Plan)
    assert plan.sessions[0].status == "planned"
    assert plan.violations == ()


def test_to_json_refuses_unregistered_values() -> None:
    """Only registered kinds are documents; a bare session is not."""
    with pytest.raises(cp.SchemaError, match="no JSON schema for PlannedSession"):
        cp.to_json(_plan().sessions[0])


def test_to_json_refuses_a_zone_it_cannot_name() -> None:
    """A tzinfo that is neither ZoneInfo nor a fixed offset would lose its rules: refused."""
    from dateutil import tz

    session = attrs.evolve(
        _plan().sessions[0], start=dt.datetime(2027, 1, 4, 9, tzinfo=tz.gettz("Europe/Paris"))
    )
    with pytest.raises(cp.SchemaError, match="cannot write the time zone"):
        cp.to_json(attrs.evolve(_plan(), sessions=(session,)))


def test_registry_lists_the_document_kinds() -> None:
    """schemas() maps every schema name to its class."""
    names = cpjson.schemas()
    assert names["collagenplan/plan/1"] is cp.Plan
    assert names["collagenplan/report/1"] is cp.Report
    assert names["collagenplan/protocol/1"] is cp.Protocol


def test_register_adds_a_kind_in_one_line() -> None:
    """A new attrs class becomes a document kind with one register() call."""

    @attrs.frozen(kw_only=True)
    class Note:
        day: dt.date
        gap: cp.Duration
        tags: tuple[str, ...] = ()

    cpjson.register("collagenplan/test-note/1", Note)
    try:
        note = Note(day=dt.date(2027, 1, 1), gap=cp.Duration.parse("2w"), tags=("a",))
        text = cp.to_json(note)
        assert json.loads(text) == {
            "schema": "collagenplan/test-note/1",
            "day": "2027-01-01",
            "gap": "2w",
            "tags": ["a"],
        }
        assert cp.from_json(text) == note
    finally:
        del cpjson._BY_NAME["collagenplan/test-note/1"]
        del cpjson._BY_CLASS[Note]


@pytest.mark.parametrize(
    ("name", "cls", "words"),
    [
        ("plan", cp.Plan, "must look like"),
        ("collagenplan/plan/1", cp.Report, "already registered for Plan"),
        ("collagenplan/plan/2", cp.Plan, "already registered as"),
        ("collagenplan/thing/1", int, "not an attrs class"),
    ],
)
def test_register_rejects_clashes(name: str, cls: type, words: str) -> None:
    """Malformed names, non-attrs classes and double registrations are refused."""
    with pytest.raises(cp.SchemaError, match=words):
        cpjson.register(name, cls)


def test_screening_is_registered() -> None:
    """Screenings are a registered document kind."""
    assert "collagenplan/screening/1" in cpjson.schemas()


@given(st.text(max_size=40))
@settings(max_examples=50, deadline=None)
def test_any_text_fails_only_with_schema_error(text: str) -> None:
    """Whatever the text, from_json returns a value or raises SchemaError, nothing else."""
    with contextlib.suppress(cp.SchemaError):
        cp.from_json(text)


@settings(max_examples=60, deadline=None)
@given(protocols_and_clients(), st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31)))
def test_screening_round_trip(pair: tuple[cp.Protocol, cp.Client], on: dt.date) -> None:
    """Every screening of a random client round-trips through its JSON document."""
    protocol, client = pair
    screening = cp.screen(client, protocol, on=on)
    text = cp.to_json(screening)
    assert json.loads(text)["schema"] == "collagenplan/screening/1"
    assert cp.from_json(text, cp.Screening) == screening
