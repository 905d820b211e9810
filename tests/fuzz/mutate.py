"""A structured mutation fuzzer for every input format collagenplan reads.

Each format starts from real files (the built-in catalogue, the shipped
examples, documents written by the library itself), parses them into a tree,
mutates the tree (keys deleted, renamed and duplicated; values swapped for
wrong types, extreme numbers and dates, hostile text; deep nesting) or the
text (byte-order marks, CRLF, truncation, junk), writes it back and then
*uses* whatever the library accepts: plans, validates, screens, exports and
round-trips it.

The contract under test: the only exceptions that may leave the library are
:class:`collagenplan.CollagenPlanError` subclasses, and no input makes it
run for longer than a bound. Anything else is an *escape*.

Used by ``tests/test_fuzz.py`` (a short, seeded run in CI) and by
``tests/fuzz/campaign.py`` (the long campaign that prints a table).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import signal
import tomllib
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

import collagenplan as cp
from collagenplan.messages import LOCALES

ROOT = Path(__file__).resolve().parents[2]
START = dt.date(2026, 12, 1)
STAMP = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)

# Values a hostile or careless file might hold, by kind.
HOSTILE_TEXT = [
    "",
    " ",
    "\ud800",  # a lone surrogate: not encodable as UTF-8
    "a\x00b",
    "\x1b[31mred\x1b[0m",
    "line\nbreak",
    "crlf\r\nfake: second line",
    '=HYPERLINK("http://example.invalid","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tleading tab",
    "\rleading cr",
    "../../../../etc/passwd",
    "Europe/../../../../etc/passwd",
    "x" * 300,
    "Ωmega ünïcode ✓",
    "FREQ=WEEKLY;INTERVAL=0",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;COUNT=0",
    "FREQ=WEEKLY;UNTIL=19000101",
    "P99999Y",
    "99999y",
    "0d",
    "-1w",
    "1000000000h",
    "9999-12-31",
    "0001-01-01",
    "24:00",
    "23:59",
]
HOSTILE_NUMBERS: list[Any] = [0, -1, 1, 2**31, 10**9, 10**18, -(10**18), 1e308, -0.0, 0.5, True]
HOSTILE_DATES = [
    dt.date(1, 1, 1),
    dt.date(9999, 12, 31),
    dt.date(2028, 2, 29),
    dt.date(1970, 1, 1),
]


@dataclass
class Format:
    """One input format: its seed trees, how to write, parse and use it."""

    name: str
    syntax: str  # "toml" or "json"
    seeds: list[Any]
    parse: Callable[[str], Any]
    use: Callable[[Any], None]


@dataclass
class Outcome:
    """What happened to one mutated input."""

    kind: str  # "accepted", "rejected", "escape", "hang"
    stage: str = ""
    error: str = ""
    where: str = ""
    text: str = ""


@dataclass
class Tally:
    """Counts per format, and one example of each distinct escape."""

    tried: int = 0
    accepted: int = 0
    rejected: int = 0
    escapes: int = 0
    hangs: int = 0
    examples: dict[tuple[str, str, str], Outcome] = field(default_factory=dict)

    def add(self, outcome: Outcome) -> None:
        self.tried += 1
        if outcome.kind == "accepted":
            self.accepted += 1
        elif outcome.kind == "rejected":
            self.rejected += 1
        else:
            self.escapes += outcome.kind == "escape"
            self.hangs += outcome.kind == "hang"
            key = (outcome.stage, outcome.error.split(":")[0], outcome.where)
            self.examples.setdefault(key, outcome)


class Hang(BaseException):
    """Raised by the alarm when one input runs past its bound."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (main thread, POSIX only)."""

    def ring(signum: int, frame: object) -> None:
        raise Hang

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# --- seeds -----------------------------------------------------------------------------


def _toml_tree(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _jsonable(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _jsonable(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_jsonable(v) for v in tree]
    if isinstance(tree, dt.datetime | dt.date | dt.time):
        return tree.isoformat()
    return tree


def _small_scenario() -> dict[str, Any]:
    tree = _toml_tree(ROOT / "examples" / "scenario.toml")
    tree["weeks"] = 12
    for intake in tree.get("intake", []):
        intake["per_week"] = 3
    return tree


def _catalogue() -> list[dict[str, Any]]:
    return [
        _toml_tree(p)
        for p in sorted((ROOT / "src" / "collagenplan" / "protocols" / "catalogue").glob("*.toml"))
    ]


def _documents() -> dict[str, list[Any]]:
    facial = cp.get_protocol("facial-series")
    client = cp.load_client(ROOT / "examples" / "client.toml")
    clinic = cp.load_clinic(ROOT / "examples" / "clinic.toml")
    plans = [
        cp.plan(facial, start=START),
        cp.plan(facial, start=START, client=client, clinic=clinic),
    ]
    report = cp.validate(facial, [START, dt.date(2026, 12, 20)])
    screening = cp.screen(client, facial, on=START)
    return {
        "doc-plan": [json.loads(cp.to_json(p)) for p in plans],
        "doc-report": [json.loads(cp.to_json(report))],
        "doc-screening": [json.loads(cp.to_json(screening))],
        "doc-protocol": [json.loads(cp.to_json(facial))],
    }


# --- uses ------------------------------------------------------------------------------


def _texts(value: Any) -> None:
    """Every message a value keeps, rendered in every shipped locale (issue 13)."""
    for locale in LOCALES:
        for v in getattr(value, "violations", ()):
            v.text(locale)
        if isinstance(value, cp.Screening):
            for r in (*value.reasons, *value.pauses, *value.precautions):
                r.text(locale)
        if isinstance(value, cp.Plan):
            for s in value.sessions:
                for m in s.milestones:
                    m.note_text(locale)


def _export(plan: Any, protocol: Any = None) -> None:
    cp.to_ics(plan, dtstamp=STAMP, protocol=protocol)
    cp.to_ics(plan, dtstamp=STAMP)
    cp.to_ics(plan, dtstamp=STAMP, protocol=protocol, locale="es")
    cp.to_fhir(plan, protocol=protocol)
    cp.to_fhir(plan, protocol=protocol, locale="es")
    _texts(plan)
    cp.to_csv(plan)
    cp.milestones_to_csv(plan)
    again = cp.from_json(cp.to_json(plan))
    if again != plan:
        raise AssertionError("plan JSON round trip changed the plan")


def _use_protocol(protocol: Any) -> None:
    client = cp.load_client(ROOT / "examples" / "client.toml")
    clinic = cp.load_clinic(ROOT / "examples" / "clinic.toml")
    plan = cp.plan(protocol, start=START, horizon=dt.date(2030, 12, 31))
    cp.validate(protocol, plan)
    _export(plan, protocol)
    cp.protocol_to_fhir(protocol)
    if cp.from_json(cp.to_json(protocol)) != protocol:
        raise AssertionError("protocol JSON round trip changed the protocol")
    cp.next_due(protocol, [cp.Visit(date=START)], today=dt.date(2027, 1, 1))
    try:
        full = cp.plan(protocol, start=START, client=client, clinic=clinic)
    except cp.PlanningError:
        return
    cp.validate(protocol, full, client=client, clinic=clinic)
    _export(full, protocol)


def _use_client(client: Any) -> None:
    facial = cp.get_protocol("facial-series")
    _texts(cp.screen(client, facial, on=START))
    try:
        plan = cp.plan(facial, start=START, client=client)
    except cp.PlanningError:
        return
    cp.validate(facial, plan, client=client)
    _export(plan, facial)


def _use_clinic(clinic: Any) -> None:
    facial = cp.get_protocol("facial-series")
    plan = cp.plan(facial, start=START, clinic=clinic)
    cp.validate(facial, plan, clinic=clinic)
    _export(plan, facial)


def _use_scenario(scenario: Any) -> None:
    cp.project(scenario)
    cp.project(scenario, runs=2, seed=1)
    cp.simulate(scenario, seed=1)


def _use_document(value: Any) -> None:
    _texts(value)
    if isinstance(value, cp.Plan):
        _export(value)
    elif isinstance(value, cp.Protocol):
        _use_protocol(value)
    cp.to_json(value)


def formats() -> dict[str, Format]:
    """Every input format, keyed by the names the field report used."""
    client = _toml_tree(ROOT / "examples" / "client.toml")
    clinic = _toml_tree(ROOT / "examples" / "clinic.toml")
    scenario = _small_scenario()
    out: dict[str, Format] = {}
    for syntax in ("toml", "json"):

        def parser(fn: Callable[..., Any], syntax: str = syntax) -> Callable[[str], Any]:
            return lambda text: fn(text, syntax)

        seeds: dict[str, list[Any]] = {
            "protocol": _catalogue(),
            "client": [client],
            "clinic": [clinic],
            "scenario": [scenario],
        }
        parsers = {
            "protocol": parser(cp.parse_protocol),
            "client": parser(cp.parse_client),
            "clinic": parser(cp.parse_clinic),
            "scenario": parser(cp.parse_scenario),
        }
        uses = {
            "protocol": _use_protocol,
            "client": _use_client,
            "clinic": _use_clinic,
            "scenario": _use_scenario,
        }
        for kind, trees in seeds.items():
            out[f"{kind}-{syntax}"] = Format(
                f"{kind}-{syntax}",
                syntax,
                trees if syntax == "toml" else [_jsonable(t) for t in trees],
                parsers[kind],
                uses[kind],
            )
    for name, trees in _documents().items():
        out[name] = Format(name, "json", trees, cp.from_json, _use_document)
    return out


# --- mutation --------------------------------------------------------------------------


def _paths(tree: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``tree`` (dict keys and list indexes)."""
    out: list[tuple[Any, ...]] = []
    if isinstance(tree, dict):
        for key, value in tree.items():
            out.append((*prefix, key))
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            out.append((*prefix, i))
            out.extend(_paths(value, (*prefix, i)))
    return out


def _parent(tree: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        tree = tree[step]
    return tree


def _hostile_value(rng: random.Random, old: Any) -> Any:
    choice = rng.randrange(9)
    if choice == 0:
        return rng.choice(HOSTILE_TEXT)
    if choice == 1:
        return rng.choice(HOSTILE_NUMBERS)
    if choice == 2:
        return rng.choice(HOSTILE_DATES)
    if choice == 3:
        return [] if not isinstance(old, list) else {}
    if choice == 4:
        return {"x": old}
    if choice == 5:
        return [old, old]
    if choice == 6 and isinstance(old, str):
        return old + rng.choice(HOSTILE_TEXT)
    if choice == 7 and isinstance(old, int | float) and not isinstance(old, bool):
        return old * rng.choice([-1, 0, 10**6, 10**15])
    return rng.choice([None, True, 0.1, "4w", "P1Y", "mon", ["mon"], {"min": 1}])


def mutate_tree(tree: Any, rng: random.Random) -> Any:
    """Apply one to three structural mutations (mostly one) to a deep copy of ``tree``."""
    tree = _copy(tree)
    for _ in range(rng.choices([1, 2, 3], weights=[6, 3, 1])[0]):
        paths = _paths(tree)
        if not paths:
            return tree
        path = rng.choice(paths)
        parent = _parent(tree, path)
        key = path[-1]
        action = rng.randrange(6)
        if action == 0:  # delete
            del parent[key]
        elif action == 1 and isinstance(parent, dict):  # rename (a typo)
            parent[key + rng.choice(["s", "_", "X"])] = parent.pop(key)
        elif action == 2 and isinstance(parent, list):  # duplicate an item
            parent.insert(key, _copy(parent[key]))
        elif action == 3 and isinstance(parent, dict):  # an unknown key
            parent[rng.choice(["extra", "Name", "id\n", "\x1b[2J"])] = parent[key]
        else:
            parent[key] = _hostile_value(rng, parent[key])
    return tree


def _copy(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _copy(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_copy(v) for v in tree]
    return tree


def _toml_safe(tree: Any) -> Any:
    """TOML has no null; drop keys whose value is None, as a writer would."""
    if isinstance(tree, dict):
        return {k: _toml_safe(v) for k, v in tree.items() if v is not None}
    if isinstance(tree, list):
        return [_toml_safe(v) for v in tree if v is not None]
    return tree


def render(tree: Any, syntax: str, *, ascii: bool = False) -> str:
    """Write a tree as TOML or JSON text."""
    if syntax == "toml":
        return tomli_w.dumps(_toml_safe(tree))
    return json.dumps(_jsonable(tree), ensure_ascii=ascii)


def mutate_text(text: str, syntax: str, rng: random.Random) -> str:
    """Damage the text itself: encodings, line ends, truncation, nesting."""
    action = rng.randrange(6)
    if action == 0:
        return "\ufeff" + text
    if action == 1:
        return text.replace("\n", "\r\n")
    if action == 2:
        return text[: rng.randrange(max(1, len(text)))]
    if action == 3:
        depth = rng.choice([50, 1_000, 5_000, 100_000])
        if syntax == "toml":
            return "deep = " + "[" * depth + "]" * depth + "\n" + text
        return '{"deep": ' + "[" * depth + "]" * depth + ", " + text.lstrip()[1:]
    if action == 4:
        i = rng.randrange(max(1, len(text)))
        return text[:i] + rng.choice(["\x00", "}", "]]", '"', "= =", "\ud800"]) + text[i:]
    if syntax == "json":  # a duplicate key
        return text.replace("{", '{"schema": 0, ', 1)
    return text + "\nschema = 2\n"


def one_input(fmt: Format, rng: random.Random) -> str:
    """One mutated input text for ``fmt``."""
    tree = mutate_tree(rng.choice(fmt.seeds), rng)
    text = render(tree, fmt.syntax, ascii=rng.random() < 0.5)
    if rng.random() < 0.15:
        text = mutate_text(text, fmt.syntax, rng)
    return text


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    inside = [f for f in frames if "/collagenplan/" in f.filename]
    frame = inside[-1] if inside else (frames[-1] if frames else None)
    if frame is None:
        return "?"
    name = frame.filename.split("/collagenplan/")[-1]
    return f"{name}:{frame.lineno}:{frame.name}"


def run(fmt: Format, text: str, *, seconds: float = 8.0) -> Outcome:
    """Parse and use one input; classify what happened."""
    stage = "parse"
    try:
        with time_limit(seconds), warnings.catch_warnings():
            # An old key name is read with a warning: accepted input, not an escape.
            warnings.simplefilter("ignore", cp.RenamedKeyWarning)
            value = fmt.parse(text)
            stage = "use"
            fmt.use(value)
    except cp.CollagenPlanError:
        return Outcome("rejected" if stage == "parse" else "accepted")
    except Hang:
        return Outcome("hang", stage, "Hang", "", text)
    except RecursionError as exc:  # caught before Exception so the kind is exact
        return Outcome("escape", stage, f"RecursionError: {exc}"[:120], _where(exc), text)
    except Exception as exc:
        return Outcome("escape", stage, f"{type(exc).__name__}: {exc}"[:120], _where(exc), text)
    return Outcome("accepted")


def campaign(names: list[str], per_format: int, seed: int, seconds: float) -> dict[str, Tally]:
    """Run ``per_format`` mutations for each named format; returns the tallies."""
    all_formats = formats()
    tallies: dict[str, Tally] = {}
    for name in names:
        fmt = all_formats[name]
        rng = random.Random(f"{seed}-{name}")
        tally = tallies[name] = Tally()
        for _ in range(per_format):
            tally.add(run(fmt, one_input(fmt, rng), seconds=seconds))
    return tallies
