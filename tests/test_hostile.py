"""Hostile input (issue 17): bad files get a clear CollagenPlanError naming file, key and
line; exports and terminals are injection-proof; the work any input causes is bounded.

Each reproducer of the field report (``tests/fuzz/corpus``) has a row in
:data:`REPRODUCERS` saying which error it now gets; ``tests/test_fuzz.py``
runs the mutation fuzzer itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
import time
import zoneinfo
from pathlib import Path
from typing import Any

import attrs
import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan import cli
from collagenplan._fields import MAX_DEPTH
from collagenplan._text import FORMULA_START, one_line, spreadsheet_cell, text_problem
from collagenplan.durations import add_days, elapsed_after
from collagenplan.exporters._common import end_of
from tests.fuzz.mutate import formats
from tests.strategies import accepted_chars

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).parent / "fuzz" / "corpus"
START = dt.date(2026, 12, 1)
LONDON = zoneinfo.ZoneInfo("Europe/London")
STAMP = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
CLIENT = "schema = 1\n"
CLINIC = (
    'schema = 1\nid = "k"\nname = "K"\ntimezone = "Europe/London"\n'
    '[[hours]]\ndays = ["mon", "tue", "wed", "thu", "fri"]\nopens = "09:00"\ncloses = "17:00"\n'
)


# ------------------------------------------------------------ the field report


REPRODUCERS: dict[str, tuple[type[cp.CollagenPlanError], str]] = {
    # reproducer file: (the error it now raises, words of the message)
    "client-json__parse__RecursionError.json": (cp.ClientError, "nest more than 32 levels"),
    "clinic-json__parse__OSError.json": (cp.ClinicError, "timezone: unknown time zone"),
    "doc-plan__parse__RecursionError.json": (cp.SchemaError, "nest more than 32 levels"),
    "doc-plan__use-milestones_to_csv__UnicodeEncodeError.json": (
        cp.SchemaError,
        r"protocol_id: must not contain a lone surrogate \(found \\ud800",
    ),
    "doc-plan__use-to_csv__OverflowError.json": (
        cp.SchemaError,
        r"sessions\[1\]\.minutes: must be at most 1440 \(a day\)",
    ),
    "doc-plan__use-to_csv__UnicodeEncodeError.json": (cp.SchemaError, "lone surrogate"),
    "doc-plan__use-to_fhir__OverflowError.json": (cp.SchemaError, "at most 1440"),
    "doc-plan__use-to_fhir__UnicodeEncodeError.json": (cp.SchemaError, "lone surrogate"),
    "doc-plan__use-to_ics__OverflowError.json": (cp.SchemaError, "at most 1440"),
    "doc-plan__use-to_ics__UnicodeEncodeError.json": (cp.SchemaError, "lone surrogate"),
    "doc-plan__use-to_icsno_protocol__OverflowError.json": (cp.SchemaError, "at most 1440"),
    "doc-plan__use-to_icsno_protocol__UnicodeEncodeError.json": (cp.SchemaError, "surrogate"),
    "doc-protocol__use-planclient_clinic__OverflowError.json": (
        cp.SchemaError,
        r"session\.chair_minutes: must be at most 1440",
    ),
    "protocol-json__parse__ValueError.json": (
        cp.ProtocolError,
        r"phases\[0\]\.interval\.max: must be >= target",
    ),
    "protocol-json__use-planclient_clinic__OverflowError.json": (
        cp.ProtocolError,
        "cannot be written as one FHIR Duration",
    ),
    "scenario-json__use-project__OverflowError.json": (
        cp.ScenarioError,
        "weeks: a horizon of 52 weeks from 9999-12-30 ends after 9999-12-31",
    ),
    "scenario-json__use-simulate__OverflowError.json": (cp.ScenarioError, "ends after 9999"),
}


def test_every_reproducer_has_a_row() -> None:
    """The table above covers every file of the corpus, and nothing else."""
    assert set(REPRODUCERS) == {p.name for p in CORPUS.iterdir()}


@pytest.mark.parametrize("name", sorted(REPRODUCERS))
def test_reproducer_gets_a_clear_error(name: str) -> None:
    """Each field-report reproducer is refused (or its use fails) with the error it should."""
    error, words = REPRODUCERS[name]
    fmt = formats()[name.split("__")[0]]
    text = (CORPUS / name).read_text(encoding="utf-8", errors="surrogatepass")
    with pytest.raises(error, match=words) as caught:
        fmt.use(fmt.parse(text))
    assert str(caught.value).isprintable()


# ----------------------------------------------------------------- nesting


LOADERS = {
    "protocol": cp.load_protocol,
    "client": cp.load_client,
    "clinic": cp.load_clinic,
    "scenario": cp.load_scenario,
}


def _deep(syntax: str, depth: int) -> str:
    if syntax == "toml":
        return f"schema = 1\n# a [ in a comment\nname = '[[['\ndeep = {'[' * depth}{']' * depth}\n"
    return '{"schema": 1,\n "name": "[[[",\n "deep": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("syntax", ["toml", "json"])
@pytest.mark.parametrize("kind", sorted(LOADERS))
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 2_000, 100_000])
def test_deep_nesting_is_refused_naming_file_and_line(
    tmp_path: Path, kind: str, syntax: str, depth: int
) -> None:
    """Arrays nested past the limit are an InputError naming the file and line, never
    a RecursionError, in every reader."""
    path = tmp_path / f"deep.{syntax}"
    path.write_text(_deep(syntax, depth), encoding="utf-8")
    line = 4 if syntax == "toml" else 3
    with pytest.raises(cp.InputError, match=rf"deep\.{syntax}:{line}: not valid .*nest more"):
        LOADERS[kind](path)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_deep_json_documents_are_refused(depth: int) -> None:
    """from_json refuses deep nesting with a SchemaError."""
    with pytest.raises(cp.SchemaError, match="nest more than 32 levels"):
        cp.from_json('{"schema": "collagenplan/plan/1", "x": ' + "[" * depth + "]" * depth + "}")


def test_nesting_inside_strings_does_not_count() -> None:
    """Brackets in strings and comments are text: a file full of them still loads."""
    text = CLIENT + "# " + "[" * 500 + "\n" + "[[events]]\nname = 'wedding'\ndate = 2027-01-01\n"
    assert cp.parse_client(text) is not None
    protocol = attrs.evolve(cp.get_protocol("facial-series"), notes="{[" * 500)
    assert cp.from_json(cp.to_json(protocol)) == protocol
    assert cp.parse_protocol(cp.to_json(protocol), format="json") == protocol


# ----------------------------------------------------------- duplicate keys


@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_duplicate_json_keys_in_files_are_an_error_naming_the_key(
    tmp_path: Path, kind: str
) -> None:
    """A key twice in one JSON object is refused, naming the file and the key."""
    path = tmp_path / "twice.json"
    path.write_text('{"schema": 1, "id": "a", "schema": 1}', encoding="utf-8")
    with pytest.raises(cp.InputError, match=r"twice\.json: schema: not valid JSON: duplicate key"):
        LOADERS[kind](path)


def test_duplicate_keys_in_documents_are_an_error_naming_the_key() -> None:
    """A plan document with a key twice (a nested one too) is refused, not silently merged."""
    text = cp.to_json(cp.plan(cp.get_protocol("facial-series"), start=START))
    data = text.replace('"ok": true,', '"ok": true, "ok": false,', 1)
    with pytest.raises(cp.SchemaError, match="ok: not valid JSON: duplicate key"):
        cp.from_json(data)
    nested = text.replace('"phase": "series",', '"phase": "series", "phase": "x",', 1)
    with pytest.raises(cp.SchemaError, match="phase: not valid JSON: duplicate key"):
        cp.from_json(nested)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_constants_that_are_not_json_are_refused(constant: str) -> None:
    """NaN and Infinity are Python's extension of JSON, not JSON: refused by name."""
    with pytest.raises(cp.ScenarioError, match=f"{constant} is not a JSON number"):
        cp.parse_scenario('{"schema": 1, "weeks": ' + constant + "}", format="json")


# --------------------------------------------------------------- the calendar's edges


def test_date_helpers_raise_or_saturate() -> None:
    """add_days raises DurationError past the range, or saturates when asked."""
    assert add_days(dt.date(2027, 1, 1), 3) == dt.date(2027, 1, 4)
    assert add_days(dt.date.max, 5, saturate=True) == dt.date.max
    assert add_days(dt.date.min, -5, saturate=True) == dt.date.min
    with pytest.raises(cp.DurationError, match="adding 2d to 9999-12-30 leaves"):
        add_days(dt.date(9999, 12, 30), 2)
    with pytest.raises(cp.DurationError, match="subtracting 2d from 0001-01-01 leaves"):
        add_days(dt.date.min, -2)
    late = dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.UTC)
    with pytest.raises(cp.DurationError, match="60 minutes after 9999-12-31T23:30"):
        elapsed_after(late, 60)
    with pytest.raises(cp.DurationError):
        end_of(late, 10**20)


def test_a_session_ending_after_9999_names_the_session() -> None:
    """Exporting a session whose end leaves the calendar is a DurationError naming it."""
    plan = cp.plan(cp.get_protocol("facial-series"), start=START)
    last = attrs.evolve(
        plan.sessions[-1], start=dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.UTC), minutes=60
    )
    late = attrs.evolve(plan, sessions=(*plan.sessions[:-1], last))
    where = rf"sessions\[{len(plan.sessions) - 1}\]\.start: 60 minutes after"
    for export in (cp.to_csv, cp.to_fhir, lambda p: cp.to_ics(p, dtstamp=STAMP)):
        with pytest.raises(cp.DurationError, match=where):
            export(late)


@pytest.mark.parametrize("months", [4_799, 4_800, 95_977, 10**6])
def test_month_spans_of_huge_durations(months: int) -> None:
    """span_days works for any month count the parser accepts (no date past 9999)."""
    low, high = cp.Duration(months=months).span_days
    assert 28 * months <= low <= high <= 31 * months
    assert cp.Duration(months=months - 1).always_le(cp.Duration(months=months))


def test_chair_minutes_are_at_most_a_day() -> None:
    """A session or a protocol longer than 1440 chair minutes is refused by name."""
    with pytest.raises(cp.ProtocolError, match=r"chair_minutes: must be at most 1440 \(a day\)"):
        cp.SessionSpec(chair_minutes=1441, downtime=cp.Duration())
    session = cp.plan(cp.get_protocol("facial-series"), start=START).sessions[0]
    with pytest.raises(cp.InputError, match="minutes: must be at most 1440"):
        attrs.evolve(session, minutes=10**10)


def test_scenario_horizon_past_9999_is_refused() -> None:
    """A scenario whose weeks run past date.max is a ScenarioError on 'weeks'."""
    text = (
        "schema = 1\nstart = 9999-06-07\nweeks = 52\n"
        '[[intake]]\nprotocol = "facial-series"\nper_week = 1\n'
    )
    with pytest.raises(cp.ScenarioError, match=r"s\.toml: weeks: a horizon of 52 weeks"):
        cp.parse_scenario(text, source="s.toml")


# ------------------------------------------------------------------ time zones


@pytest.mark.parametrize(
    "name",
    [
        "../../../../etc/passwd",
        "Europe/../../../../etc/passwd",
        "/etc/localtime",
        "Europe/London" + "a" * 400,
        "Europe/London\x00",
        "europe/london",
        "",
        "Europe",
    ],
)
def test_time_zone_names_are_iana_keys_never_paths(name: str) -> None:
    """A zone name that is not an IANA key is a ClinicError naming 'timezone' (no OSError),
    and the same in a document's date-time suffix."""
    with pytest.raises(cp.ClinicError, match=r"timezone: (unknown time zone|must be an IANA)"):
        cp.Clinic(id="k", name="K", timezone=name, hours=())
    plan = cp.plan(cp.get_protocol("facial-series"), start=START)
    timed = attrs.evolve(
        plan.sessions[0], start=dt.datetime(2027, 1, 5, 10, tzinfo=LONDON), minutes=60
    )
    text = cp.to_json(attrs.evolve(plan, sessions=(timed, *plan.sessions[1:])))
    # The zone travels in the "time_zone" key (older documents: a bracket suffix).
    assert '"time_zone": "Europe/London"' in text
    hostile = text.replace('"time_zone": "Europe/London"', '"time_zone": ' + json.dumps(name))
    if name and "[" not in name:
        with pytest.raises(cp.SchemaError, match="unknown IANA time zone"):
            cp.from_json(hostile)


# --------------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("\ud800", r"lone surrogate \(found \\ud800 at position 6\)"),
        ("\x00", r"control character \(found \\x00 at position 6\)"),
        ("\x1b[2J", r"control character \(found \\x1b at position 6\)"),
        ("\x7f", r"\\x7f"),
        ("\x85", r"\\x85"),
        ("\x0b", r"\\x0b"),
    ],
)
def test_refused_text_in_files_names_the_key(text: str, words: str) -> None:
    """Surrogates and control characters in a name or a note are refused where they enter."""
    body = json.dumps({"schema": 1, "id": "k", "name": "Clinic" + text, "timezone": "UTC"})
    with pytest.raises(cp.ClinicError, match=r"k\.json: name: must not contain .*" + words):
        cp.parse_clinic(body, format="json", source="k.json")
    assert text_problem("note" + text) is not None


def test_tabs_and_line_breaks_are_accepted_text() -> None:
    """TAB, LF and CR are text (multi-line notes); so is any printable character."""
    note = "Line one\r\nline two\twith a tab, «quotes», emoji 🙂 and Ω"
    assert text_problem(note) is None
    protocol = attrs.evolve(cp.get_protocol("facial-series"), notes=note)
    assert cp.from_json(cp.to_json(protocol)) == protocol


def test_exporters_refuse_surrogates_in_identifiers_and_drop_them_elsewhere() -> None:
    """plan_id and client_name feed identifiers: a surrogate is an InputError naming them;
    other text arguments lose it, so nothing fails to encode."""
    plan = cp.plan(cp.get_protocol("facial-series"), start=START)
    for export in (cp.to_fhir, lambda p, **k: cp.to_ics(p, dtstamp=STAMP, **k)):
        with pytest.raises(cp.InputError, match="plan_id: must not contain a lone surrogate"):
            export(plan, plan_id="course\ud800")
        with pytest.raises(cp.InputError, match="client_name: must not contain a lone"):
            export(plan, client_name="Ann\udfff")
    data = cp.to_ics(plan, dtstamp=STAMP, location="Room\ud8001", calendar_name="C\udc00")
    assert b"Room1" in data
    assert "\ud800" not in cp.to_csv(plan, plan_id="x\ud800")


# ------------------------------------------------------------------ clinic rules


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL must be a whole number of at least 1"),
        ("FREQ=WEEKLY;INTERVAL=-2", "INTERVAL must be a whole number of at least 1"),
        ("FREQ=DAILY;COUNT=0", "COUNT must be a whole number of at least 1"),
        ("FREQ=WEEKLY;UNTIL=19000101", "gives no date on or after start"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never gives a date"),
        ("FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=31", "never gives a date"),
        ("FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31", "never gives a date"),
    ],
)
def test_clinic_rules_that_give_no_date_are_refused_at_load(rule: str, words: str) -> None:
    """Rules that cannot open the clinic are a ClinicError naming the key, found quickly."""
    text = CLINIC + f'[[hours]]\nrule = "{rule}"\nstart = 2027-01-01\nopens = "09:00"\n'
    text += 'closes = "12:00"\n'
    began = time.perf_counter()
    with pytest.raises(cp.ClinicError, match=rf"k\.toml: hours\[1\]\.rule: {words}"):
        cp.parse_clinic(text, source="k.toml")
    assert time.perf_counter() - began < 5


def test_rare_but_real_rules_still_load() -> None:
    """A leap day on a Monday (every 28 years or so) is a rule that matches: it loads."""
    text = CLINIC + (
        '[[hours]]\nrule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO"\n'
        'start = 2027-01-01\nopens = "09:00"\ncloses = "12:00"\n'
    )
    clinic = cp.parse_clinic(text)
    assert clinic.hours[1].applies(dt.date(2044, 2, 29))
    assert not clinic.hours[1].applies(dt.date(2028, 2, 29))


# ---------------------------------------------------------------- CSV injection


PAYLOADS = [
    '=HYPERLINK("http://example.invalid","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tleading tab",
    "\rleading cr",
    "  =after spaces",
    "\n=after a line break",
]


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _hostile_plan(payload: str) -> cp.Plan:
    """A plan document edited by hand: every free-text field holds ``payload``."""
    plan = cp.plan(cp.get_protocol("facial-series"), start=START)
    milestone = cp.Milestone(
        kind=payload, subject=payload, start=START, note=payload, rule=payload
    )
    first = attrs.evolve(
        plan.sessions[0], phase=payload, practitioner=payload, milestones=(milestone,)
    )
    return attrs.evolve(plan, protocol_id=payload, sessions=(first, *plan.sessions[1:]))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_csv_text_cell_is_neutralised(payload: str) -> None:
    """Each text column of both tables starts with ' when a spreadsheet would run it;
    spreadsheet_safe=False writes it byte for byte."""
    plan = _hostile_plan(payload)
    for export, columns in (
        (cp.to_csv, ["plan_id", "protocol_id", "phase", "practitioner"]),
        (cp.milestones_to_csv, ["plan_id", "protocol_id", "kind", "subject", "note", "rule"]),
    ):
        row = _csv_rows(export(plan, plan_id=payload))[0]
        for column in columns:
            cell = row[column]
            # A CR is written as a line break (clean_text), which no spreadsheet runs.
            assert cell.startswith("'") or cell == payload.replace("\r", "\n"), (column, cell)
            assert not cell.lstrip(" \t\r\n").startswith(FORMULA_START)
        raw = _csv_rows(export(plan, plan_id=payload, spreadsheet_safe=False))[0]
        assert raw["practitioner" if "practitioner" in raw else "note"].lstrip(
            " \r\n"
        ) == payload.lstrip(" \r\n")


@given(st.text(accepted_chars, min_size=1, max_size=20).filter(str.strip))
@settings(max_examples=150, deadline=None)
def test_no_csv_cell_ever_starts_a_formula(text: str) -> None:
    """Whatever the text, no cell of either table starts (after blanks) with a formula
    character; and the prefix is the only change."""
    plan = _hostile_plan(text)
    for export in (cp.to_csv, cp.milestones_to_csv):
        for row in _csv_rows(export(plan, plan_id=text)):
            for cell in row.values():
                assert not cell.lstrip(" \t\r\n").startswith(FORMULA_START)
                assert not cell.startswith(FORMULA_START)
    assert spreadsheet_cell(text) in (text, "'" + text)


def test_capacity_csv_cells_follow_the_same_rule() -> None:
    """Capacity CSVs run text cells through the same rule (ids are kebab-case anyway)."""
    from collagenplan.capacity import projection, simulation

    assert projection._cell("=1+1") == "'=1+1"
    assert simulation._cell("-x") == "'-x"
    assert projection._cell(-1.5) == -1.5


# --------------------------------------------------------- iCalendar and FHIR


def test_icalendar_escapes_hostile_text_into_one_property() -> None:
    """A note with CRLF, a fake property and separators stays inside its DESCRIPTION."""
    payload = "x\r\nBEGIN:VEVENT\r\nUID:evil;a,b\\c"
    plan = _hostile_plan(payload)
    data = cp.to_ics(plan, dtstamp=STAMP, client_name=payload, location=payload)
    calendar = icalendar.Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(plan.sessions)
    assert all(not str(e["UID"]).startswith("evil") for e in events)
    assert "BEGIN:VEVENT" in str(events[0]["DESCRIPTION"])


def test_fhir_carries_hostile_text_as_data() -> None:
    """FHIR is JSON: hostile text is a string value, read back equal after cleaning."""
    payload = 'x\n"}, {"resourceType": "Patient"'
    bundle = cp.to_fhir(_hostile_plan(payload), client_name=payload)
    again = json.loads(json.dumps(bundle))
    assert again == bundle
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("Patient") == 1


# -------------------------------------------------------- terminals and logs


@given(st.text(min_size=1, max_size=30))
@settings(max_examples=150, deadline=None)
def test_any_error_message_is_one_printable_line(key: str) -> None:
    """Whatever a hostile key holds (newlines, ANSI escapes, surrogates), the error about
    it is one line of printable text."""
    with pytest.raises(cp.CollagenPlanError) as caught:
        cp.parse_client(json.dumps({"schema": 1, key: 1}), format="json", source=key)
    message = str(caught.value)
    assert one_line(message) == message
    assert not any(c in message for c in "\n\r\x1b\x85\u2028\u2029")
    assert one_line(key) in message


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("\x1b[31m", "\\x1b[31m"),
        ("\u202eevil", "\\u202eevil"),
        ("\u2028", "\\u2028"),
        ("\x9b", "\\x9b"),
        ("\ud800", "\\ud800"),
        ("Ωmega 🙂 \\n", "Ωmega 🙂 \\n"),
    ],
)
def test_one_line_escapes_like_repr(raw: str, shown: str) -> None:
    """Line breaks, controls, bidi overrides and surrogates are escaped; the rest is kept."""
    assert one_line(raw) == shown


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = cli.main(args)
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_error_about_a_hostile_key_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A key holding CRLF and a fake log line gives one line on standard error."""
    path = tmp_path / "c.toml"
    path.write_text('schema = 1\n"x\\r\\nERROR fake: all is well\\u001b[2J" = 1\n', "utf-8")
    status, out, err = _cli(["screen", str(path), "--protocol", "facial-series",
                             "--on", "2026-12-01"], capsys)  # fmt: skip
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "x\\r\\nERROR fake: all is well\\x1b[2J" in err


def test_cli_table_escapes_user_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A closure reason with a line break and a bidi override stays on its line."""
    path = tmp_path / "k.toml"
    reason = "refit\\nFAKE: all sessions cancelled\\u202e"
    path.write_text(
        CLINIC + f'[[closures]]\nstart = 2027-01-01\nend = 2027-03-31\nreason = "{reason}"\n',
        encoding="utf-8",
    )
    status, out, _ = _cli(
        ["plan", "facial-series", "--start", "2026-12-21", "--clinic", str(path)], capsys
    )
    assert status == 1
    assert "refit\\nFAKE: all sessions cancelled\\u202e" in out
    assert not any(line.startswith("FAKE") for line in out.splitlines())
    assert "\u202e" not in out


def test_cli_interrupt_is_quiet(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C exits 130 with one line, no traceback."""

    def interrupted(argv: Any) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_run", interrupted)
    status, out, err = _cli(["protocols"], capsys)
    assert (status, out, err) == (130, "", "collagenplan: interrupted\n")


def test_cli_internal_error_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug still ends with one line (status 70); COLLAGENPLAN_TRACEBACK=1 re-raises."""

    def broken(argv: Any) -> int:
        raise TypeError("boom\nsecond line")

    monkeypatch.setattr(cli, "_run", broken)
    status, _, err = _cli(["protocols"], capsys)
    assert status == 70
    assert err == "collagenplan: internal error, please report it: TypeError: boom\\nsecond line\n"
    monkeypatch.setenv("COLLAGENPLAN_TRACEBACK", "1")
    with pytest.raises(TypeError):
        cli.main(["protocols"])


def test_cli_broken_pipe_is_quiet() -> None:
    """Standard output closed by its reader (``| head``): exit 141, nothing on stderr."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    args = ["plan", "maintenance", "--start", "2026-12-01", "--horizon", "2300-01-01"]
    process = subprocess.Popen(
        [sys.executable, "-m", "collagenplan", *args, "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the first byte is written
    err = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=60) == 141
    assert err == b""


# ---------------------------------------------------------------- bounded work


def _scenario(per_week: str, monthly: str = "", weeks: int = 12) -> str:
    return (
        f"schema = 1\nstart = 2027-01-04\nweeks = {weeks}\n"
        f'[[intake]]\nprotocol = "facial-series"\nper_week = {per_week}\n{monthly}'
        "\n[supply]\nper_day = 4\n"
    )


@pytest.mark.parametrize(
    ("per_week", "monthly", "words"),
    [
        ("3000000", "", r"intake\[0\]\.per_week: must be at most 10000 new clients a week"),
        ("[1, 20000]", "", r"intake\[0\]\.per_week\[1\]: must be at most 10000"),
        (
            "3",
            "monthly = [1.2e15" + ", 1" * 11 + "]",
            r"intake\[0\]\.monthly\[0\]: makes 3\.6e\+15",
        ),
    ],
)
def test_intake_rates_are_bounded(per_week: str, monthly: str, words: str) -> None:
    """More than MAX_PER_WEEK new clients a week (seasonal factors included) is refused."""
    with pytest.raises(cp.ScenarioError, match=words):
        cp.parse_scenario(_scenario(per_week, monthly))


def test_simulation_and_runs_are_bounded() -> None:
    """simulate() refuses more clients than it can book one by one; project() answers."""
    from collagenplan.capacity.projection import MAX_RUNS

    big = cp.parse_scenario(_scenario("9000", weeks=52))
    with pytest.raises(cp.ScenarioError, match=r"intake: brings about 468,000 new clients"):
        cp.simulate(big, seed=1)
    assert cp.project(big).total_sessions > 0
    with pytest.raises(cp.InputError, match=f"runs: must be at most {MAX_RUNS}"):
        cp.project(big, runs=MAX_RUNS + 1)


def test_only_regular_files_of_bounded_size_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pipe or a device is refused before reading (no hang); so is an oversized file."""
    from collagenplan import _fields

    fifo = tmp_path / "client.toml"
    os.mkfifo(fifo)
    with pytest.raises(cp.ClientError, match=r"client\.toml: not a regular file"):
        cp.load_client(fifo)
    big = tmp_path / "big.toml"
    big.write_text(CLIENT + "# padding\n" * 20, encoding="utf-8")
    monkeypatch.setattr(_fields, "MAX_FILE_BYTES", 100)
    with pytest.raises(cp.ClientError, match=r"big\.toml: is 2\d\d bytes; files may hold at most"):
        cp.load_client(big)


def test_booked_plan_files_are_read_the_same_way(tmp_path: Path) -> None:
    """A booked plan file that is not UTF-8 is a ScenarioError naming it, not a crash."""
    (tmp_path / "plan.json").write_bytes(b'{"schema": "\xff"}')
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        'schema = 1\nstart = 2027-01-04\nweeks = 4\nbooked = ["plan.json"]\n', encoding="utf-8"
    )
    with pytest.raises(cp.ScenarioError, match=r"booked\[0\]: cannot read plan file .*not UTF-8"):
        cp.load_scenario(scenario)


def test_cli_treats_an_overlong_name_as_an_unknown_id(capsys: pytest.CaptureFixture[str]) -> None:
    """A protocol argument too long for the file system is an unknown id (status 2)."""
    status, _, err = _cli(["protocols", "a" * 5000], capsys)
    assert status == 2
    assert err.startswith("collagenplan: error: unknown protocol id 'aaa")


@given(
    st.lists(
        st.tuples(st.integers(0, 60), st.integers(0, 20)).map(
            lambda t: cp.Closure(
                start=dt.date(2027, 1, 1) + dt.timedelta(days=t[0]),
                end=dt.date(2027, 1, 1) + dt.timedelta(days=t[0] + t[1]),
            )
        ),
        max_size=8,
    )
)
@settings(max_examples=100, deadline=None)
def test_closure_segments_agree_with_the_day_by_day_reading(closures: list[cp.Closure]) -> None:
    """The segment index of closed days gives, for every day, the first closure covering it."""
    from collagenplan.clinics._days import _Periods

    periods = _Periods(closures)
    for offset in range(-2, 85):
        day = dt.date(2027, 1, 1) + dt.timedelta(days=offset)
        expected = next((i for i, c in enumerate(closures) if day in c), None)
        assert periods.get(day) == expected


def test_closures_spanning_the_calendar_are_cheap() -> None:
    """A closure from 0001-01-01 to 9999-12-31 (and staff leave as long) plans in no time."""
    forever = cp.Closure(start=dt.date.min, end=dt.date.max)
    staff = tuple(
        cp.Practitioner(id=f"p{i}", treatments=("facial-series",), leave=(forever,))
        for i in range(10)
    )
    clinic = cp.Clinic(
        id="k",
        name="K",
        timezone="Europe/London",
        hours=(cp.OpeningHours(days=("mon",), opens=dt.time(9), closes=dt.time(17)),),
        closures=(forever,),
        practitioners=staff,
    )
    began = time.perf_counter()
    plan = cp.plan(cp.get_protocol("facial-series"), start=START, clinic=clinic)
    assert time.perf_counter() - began < 10
    assert {v.code for v in plan.violations} == {"no-date-in-window"}


def test_session_counts_and_plans_are_bounded() -> None:
    """A phase may count at most 1000 sessions; a plan at most 10,000 (a far horizon)."""
    from collagenplan.planning import _plan

    with pytest.raises(cp.ProtocolError, match="max: must be at most 1000"):
        cp.SessionCount(min=1, max=10**9)
    began = time.perf_counter()
    with pytest.raises(cp.InputError, match=r"horizon: is 9999-12-31: more than 10000 sessions"):
        cp.plan(cp.get_protocol("maintenance"), start=START, horizon=dt.date(9999, 12, 31))
    assert time.perf_counter() - began < 10
    assert _plan.MAX_SESSIONS == 10_000
