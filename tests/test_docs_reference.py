"""The reference pages keep up with the code they describe.

Each file-format page must list every key its loader accepts (the loaders
name the keys they allow when they meet an unknown one, so the expected
keys come from the loaders themselves), the command-line page must cover
every command and option of the parser, and the clinical-defaults page must
give the value of every rule in the built-in catalogue.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import collagenplan as cp
from collagenplan import cli

DOCS = Path(__file__).resolve().parent.parent / "docs"
UNKNOWN = "zzz_unknown = 1\n"


def _section(page: str, heading: str) -> str:
    """The text under ``heading`` (a whole heading line) up to the next heading of its level."""
    text = (DOCS / page).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert heading in lines, f"{page} has no heading {heading!r}"
    start = lines.index(heading) + 1
    level = len(heading) - len(heading.lstrip("#"))
    end = next(
        (i for i in range(start, len(lines)) if re.match(rf"^#{{1,{level}}} ", lines[i])),
        len(lines),
    )
    return "\n".join(lines[start:end])


def _documented_keys(section: str) -> set[str]:
    """The keys in the first column of the tables of a section: ``| `key` | ...``."""
    keys = re.findall(r"^\|\s*`([^`]+)`", section, re.M)
    return {key.strip("[]") for key in keys}


def _allowed_keys(parse: Callable[[str], object], text: str) -> set[str]:
    """The keys the loader allows where ``text`` puts an unknown one."""
    with pytest.raises(cp.InputError) as info:
        parse(text)
    found = re.search(r"unknown key \(allowed here: ([^)]*)\)", str(info.value))
    assert found, f"expected an unknown-key error, got: {info.value}"
    return set(found[1].split(", "))


_PROTOCOL = """schema = 1
id = "p"
name = "P"
{top}
[[phases]]
name = "series"
interval = {{ min = "4w", target = "5w", max = "6w" }}
{phase}
[session]
chair_minutes = 60
downtime = "3d"
{session}
"""

_CLINIC = """schema = 1
id = "k"
name = "K"
timezone = "Europe/London"
{top}
[[hours]]
days = ["mon"]
opens = "10:00"
closes = "18:00"
{hours}
"""

_SCENARIO = """schema = 1
start = 2027-01-04
weeks = 4
{top}
[[intake]]
protocol = "facial-series"
per_week = 1
{intake}
"""


def _protocol(top: str = "", phase: str = "", session: str = "") -> str:
    return _PROTOCOL.format(top=top, phase=phase, session=session)


def _clinic(top: str = "", hours: str = "") -> str:
    return _CLINIC.format(top=top, hours=hours)


def _scenario(top: str = "", intake: str = "") -> str:
    return _SCENARIO.format(top=top, intake=intake)


def _client(text: str) -> str:
    return "schema = 1\n" + text


# (page, heading, prefix of the documented keys, loader, text with an unknown key)
def _vocabulary(text: str) -> object:
    return cp.parse_vocabulary(text, extend=False)


FILE_KEYS = [
    ("protocol-files.md", "## Top level", "", cp.parse_protocol, _protocol(top=UNKNOWN)),
    ("protocol-files.md", "## `[[phases]]`", "", cp.parse_protocol, _protocol(phase=UNKNOWN)),
    ("protocol-files.md", "## `[session]`", "", cp.parse_protocol, _protocol(session=UNKNOWN)),
    (
        "protocol-files.md",
        "## `[late]`",
        "",
        cp.parse_protocol,
        _protocol(session="[late]\n" + UNKNOWN),
    ),
    (
        "protocol-files.md",
        "## `[[washouts]]`",
        "",
        cp.parse_protocol,
        _protocol(session='[[washouts]]\nexposure = "x"\n' + UNKNOWN),
    ),
    (
        "protocol-files.md",
        "## `[[contraindications]]`",
        "",
        cp.parse_protocol,
        _protocol(session='[[contraindications]]\ncondition = "x"\ntier = "absolute"\n' + UNKNOWN),
    ),
    (
        "protocol-files.md",
        "## `[[precautions]]`",
        "",
        cp.parse_protocol,
        _protocol(session='[[precautions]]\ncondition = "x"\naction = "y"\n' + UNKNOWN),
    ),
    (
        "protocol-files.md",
        "## `[[aftercare]]`",
        "",
        cp.parse_protocol,
        _protocol(session='[[aftercare]]\nrestriction = "x"\nduration = "1d"\n' + UNKNOWN),
    ),
    (
        "protocol-files.md",
        "## `[[spacing]]`",
        "",
        cp.parse_protocol,
        _protocol(session='[[spacing]]\nprocedure = "x"\n' + UNKNOWN),
    ),
    ("clients.md", "## Client files", "", cp.parse_client, _client(UNKNOWN)),
    # The vocabulary file (issue 13); [[conditions]] and [[procedures]] take
    # the keys of [[exposures]], which the page says in words.
    ("clients.md", "### The vocabulary file", "", _vocabulary, "schema = 1\n" + UNKNOWN),
    (
        "clients.md",
        "### The vocabulary file",
        "exposures[].",
        _vocabulary,
        'schema = 1\n[[exposures]]\nid = "x"\nlabel = "X"\n' + UNKNOWN,
    ),
    (
        "clients.md",
        "### The vocabulary file",
        "areas[].",
        _vocabulary,
        'schema = 1\n[[areas]]\nid = "x"\nlabel = "X"\n' + UNKNOWN,
    ),
    (
        "clients.md",
        "## Client files",
        "medications[].",
        cp.parse_client,
        _client('[[medications]]\nexposure = "x"\n' + UNKNOWN),
    ),
    (
        "clients.md",
        "## Client files",
        "conditions[].",
        cp.parse_client,
        _client('[[conditions]]\nname = "x"\n' + UNKNOWN),
    ),
    (
        "clients.md",
        "## Client files",
        "events[].",
        cp.parse_client,
        _client('[[events]]\ndate = 2027-01-01\nname = "x"\n' + UNKNOWN),
    ),
    (
        "clients.md",
        "## Client files",
        "procedures[].",
        cp.parse_client,
        _client('[[procedures]]\nkind = "x"\ndate = 2027-01-01\n' + UNKNOWN),
    ),
    ("clinics.md", "### Top level", "", cp.parse_clinic, _clinic(top=UNKNOWN)),
    (
        "clinics.md",
        "### `[[hours]]`: opening patterns",
        "",
        cp.parse_clinic,
        _clinic(hours=UNKNOWN),
    ),
    (
        "clinics.md",
        "### `[[closures]]`",
        "",
        cp.parse_clinic,
        _clinic(hours="[[closures]]\nstart = 2027-01-01\n" + UNKNOWN),
    ),
    (
        "clinics.md",
        "### `[holidays]`",
        "",
        cp.parse_clinic,
        _clinic(hours='[holidays]\ncountry = "GB"\n' + UNKNOWN),
    ),
    (
        "clinics.md",
        "### `[[practitioners]]`",
        "",
        cp.parse_clinic,
        _clinic(hours='[[practitioners]]\nid = "a"\ntreatments = ["p"]\n' + UNKNOWN),
    ),
    ("capacity.md", "### Top level", "", cp.parse_scenario, _scenario(top=UNKNOWN)),
    ("capacity.md", "### `[[intake]]`", "", cp.parse_scenario, _scenario(intake=UNKNOWN)),
    (
        "capacity.md",
        "### `[supply]`",
        "",
        cp.parse_scenario,
        # The keys allowed depend on the kind of amount; the page lists them all.
        tuple(
            _scenario(intake=f"[supply]\n{amount}\n" + UNKNOWN)
            for amount in ("per_day = 1", "per_week = 5", "per_weekday = { mon = 1 }")
        ),
    ),
]


@pytest.mark.parametrize(
    ("page", "heading", "prefix", "parse", "text"),
    FILE_KEYS,
    ids=[f"{page}:{heading}:{prefix}" for page, heading, prefix, _, _ in FILE_KEYS],
)
def test_file_format_page_lists_every_key(
    page: str,
    heading: str,
    prefix: str,
    parse: Callable[[str], object],
    text: str | tuple[str, ...],
) -> None:
    """A file-format table has a row for each key its loader accepts there, and no other."""
    texts = (text,) if isinstance(text, str) else text
    allowed = set().union(*(_allowed_keys(parse, t) for t in texts))
    documented = _documented_keys(_section(page, heading))
    if prefix:
        documented = {k[len(prefix) :] for k in documented if k.startswith(prefix)}
    else:
        documented = {k for k in documented if "." not in k and "[]" not in k}
    assert sorted(allowed - documented) == [], f"{page} {heading}: keys not documented"
    assert sorted(documented - allowed) == [], f"{page} {heading}: documented keys not accepted"


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


@pytest.mark.parametrize("command", sorted(_commands()))
def test_cli_page_documents_every_option(command: str) -> None:
    """docs/cli.md has a section per command naming each of its options and formats."""
    parser = _commands()[command]
    section = _section("cli.md", f"## `collagenplan {command}`")
    missing = []
    for action in parser._actions:
        missing += [
            option
            for option in action.option_strings
            if option.startswith("--") and option != "--help" and f"`{option}" not in section
        ]
        if "--format" in action.option_strings:
            shown = "\\|".join(action.choices or ())
            if f"`--format {shown}`" not in section:
                missing.append(f"--format {shown}")
    assert missing == []


def _rows(section: str) -> list[list[str]]:
    """The cells of every table row of a section, header and rule rows included."""
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("|")
    ]


def _row(section: str, first: str) -> list[str]:
    """The table row whose first cell is ``first`` (or starts with ``first (``)."""
    found = [r for r in _rows(section) if r[0] == first or r[0].startswith(first + " (")]
    assert len(found) == 1, f"expected one row for {first!r}, found {len(found)}"
    return found[0]


def _duration(cell: str) -> cp.Duration:
    """A duration as the page writes it; a dash is none."""
    return cp.Duration.parse("0d" if cell == "\N{EM DASH}" else cell)


@pytest.mark.parametrize("protocol_id", cp.protocol_ids())
def test_clinical_defaults_page_gives_every_catalogue_value(protocol_id: str) -> None:
    """docs/clinical-defaults.md states each catalogue rule with the value the file holds."""
    page = "clinical-defaults.md"
    protocol = cp.get_protocol(protocol_id)
    for w in protocol.washouts:
        row = _row(_section(page, "## Washouts"), w.exposure)
        assert [_duration(c) for c in row[1:3]] == [w.before, w.after], (protocol_id, row)
    contra = _rows(_section(page, "## Contraindications"))
    for c in protocol.contraindications:
        tiers = [r[0] for r in contra if c.condition in re.split(r",\s*", r[1])]
        assert [t.split()[0] for t in tiers] == [c.tier], (protocol_id, c.condition)
    for pr in protocol.precautions:
        row = _row(_section(page, "## Precautions"), pr.condition)
        assert row[1] == pr.action, (protocol_id, row)
        assert [_duration(c) for c in row[2:4]] == [pr.before, pr.after], (protocol_id, row)
    for a in protocol.aftercare:
        row = _row(_section(page, "## Aftercare"), a.restriction)
        assert _duration(row[1]) == a.duration, (protocol_id, row)
    for s in protocol.spacing:
        row = _row(_section(page, "## Spacing from other procedures"), s.procedure)
        assert [_duration(c) for c in row[1:3]] == [s.before, s.after], (protocol_id, row)
    session = _rows(_section(page, "## Session: chair time, downtime, event buffer"))
    spec = protocol.session
    values: dict[str, tuple[object, Callable[[str], object]]] = {
        "chair_minutes": (spec.chair_minutes, int),
        "downtime": (spec.downtime, _duration),
        "event_buffer": (spec.event_buffer, _duration),
        "combine_same_day": (spec.combine_same_day, lambda cell: cell == "true"),
    }
    for setting, (value, read) in values.items():
        shown = [
            read(r[2])
            for r in session
            if r[1] == setting and (r[0] == "all" or protocol_id in re.split(r",\s*", r[0]))
        ]
        assert shown == [value], (protocol_id, setting, shown)
    if protocol.depth_mm is not None:
        row = _row(_section(page, "## Needle depth"), protocol_id)
        low, high = (float(x) for x in row[1].split("\N{EN DASH}"))
        assert (low, high) == (protocol.depth_mm.min, protocol.depth_mm.max), row
