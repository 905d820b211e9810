"""The ``collagenplan`` command line.

Exit status: 0 = fine, 1 = the calendar has errors, 2 = bad usage or bad input
(a one-line message on standard error, never a traceback), 130 = interrupted
(Ctrl-C), 141 = the reader of standard output went away (``| head``), as a shell
reports a process ended by SIGINT or SIGPIPE, 70 = an internal error (a bug;
one line too, or the traceback with ``COLLAGENPLAN_TRACEBACK=1``).

User text in terminal output (table cells, messages) is shown with line
breaks and control characters escaped, so it cannot fake lines or send
escape sequences to the terminal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from ._locales import LOCALES
from ._text import one_line
from .capacity._command import add_project_arguments, run_project
from .errors import CollagenPlanError, InputError, PlanningError

if TYPE_CHECKING:
    from .booking import alternatives
    from .clients import Client, load_client
    from .clinics import Clinic, load_clinic
    from .clinics._diary import Diary, load_diary
    from .documents import from_json, schemas, to_json, to_plain
    from .living import NextDue, next_due, replan
    from .messages import translation
    from .planning import plan
    from .protocols import Protocol, format_protocol, get_protocol, load_protocol, protocol_ids
    from .results import Plan, Report, Violation
    from .screening import Screening, screen
    from .sessions import Visit
    from .tables import plan_table, text_table, violation_line
    from .validation import validate
    from .vocabulary import load_vocabulary

# What the commands use of the library, bound by _load() once the arguments are
# read: building the parser (and answering --help) needs none of it.
_LIBRARY = {
    "booking": ("alternatives",),
    "clients": ("Client", "load_client"),
    "clinics": ("Clinic", "load_clinic"),
    "clinics._diary": ("Diary", "load_diary"),
    "documents": ("from_json", "schemas", "to_json", "to_plain"),
    "living": ("NextDue", "next_due", "replan"),
    "messages": ("translation",),
    "planning": ("plan",),
    "protocols": ("Protocol", "format_protocol", "get_protocol", "load_protocol", "protocol_ids"),
    "results": ("Plan", "Report", "Violation"),
    "screening": ("Screening", "screen"),
    "sessions": ("Visit",),
    "tables": ("plan_table", "text_table", "violation_line"),
    "validation": ("validate",),
    "vocabulary": ("load_vocabulary",),
}


def _load() -> None:
    """Bind the names of :data:`_LIBRARY` in this module (the first time)."""
    for module, names in _LIBRARY.items():
        loaded = importlib.import_module(f".{module}", __package__)
        for name in names:
            globals()[name] = getattr(loaded, name)


__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
EXIT_SOFTWARE = 70  # sysexits.h EX_SOFTWARE: an internal error
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 128 + 2, 128 + 13  # as if killed by SIGINT, SIGPIPE


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: error: {message}")


def _date(text: str) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def _clock(text: str) -> dt.time:
    """``--reminder-time 08:30``: a local time of day, HH:MM."""
    try:
        if len(text) != 5:
            raise ValueError
        return dt.time.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time of day written HH:MM") from None


def _sequence(text: str) -> int:
    """``--sequence 3``: a whole number >= 0."""
    if not text.isascii() or not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 0")
    return int(text)


def _calendar_address(text: str) -> str:
    """``--organizer desk@clinic.example``: a calendar address; ``mailto:`` is added
    to a bare e-mail address (RFC 5545 section 3.3.3: CAL-ADDRESS is a URI)."""
    text = text.strip()
    if not text:
        raise argparse.ArgumentTypeError("an organizer needs an address, such as mailto:desk@...")
    return text if ":" in text else f"mailto:{text}"


def _protocol(ref: str) -> Protocol:
    """A built-in id, or a path to a .toml / .json protocol file."""
    try:
        is_file = ref.endswith((".toml", ".json")) or Path(ref).exists()
    except (OSError, ValueError):  # a name too long for the file system: an id, then
        is_file = False
    return load_protocol(ref) if is_file else get_protocol(ref)


def _client(path: str | None, args: argparse.Namespace) -> Client | None:
    return None if path is None else _read_client(path, args)


def _read_client(path: str, args: argparse.Namespace) -> Client:
    """The client file, read with ``--vocabulary`` and, with ``--strict``, strictly."""
    given = getattr(args, "vocabulary", None)  # commands without --vocabulary/--strict
    words = None if given is None else load_vocabulary(given)
    return load_client(path, strict=getattr(args, "strict", False), vocabulary=words)


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table; every cell is one line of printable text."""
    return text_table(headers, rows)


def _violations_text(violations: Sequence[Violation], locale: str = "en") -> str:
    return "\n".join(one_line(violation_line(v, locale)) for v in violations)


def _add_locale_option(p: argparse.ArgumentParser) -> None:
    """issue 13: ``--locale``, the language of the sentences a command writes."""
    p.add_argument(
        "--locale",
        choices=LOCALES,
        default="en",
        help="the language of the sentences written: violations in the table output; with "
        "plan/replan --format ics|fhir, every text the export composes (names and notes "
        "from files stay as written; default: en)",
    )


def _json_text(data: object) -> str:
    """A collagenplan JSON document for registered kinds, plain JSON otherwise."""
    if type(data) in schemas().values():
        return to_json(data)
    return json.dumps(to_plain(data), indent=2, ensure_ascii=False)


def _emit(fmt: str, data: object, text: Callable[[], str]) -> None:
    if fmt == "json":
        print(_json_text(data))
    else:
        print(text())


def _export_plan(args: argparse.Namespace, result: Plan, protocol: Protocol) -> None:
    """Write a plan in the chosen format to ``--output`` or standard output."""
    from .exporters import to_csv, to_fhir, to_ics  # icalendar: loaded on demand

    fmt = args.format
    locale = getattr(args, "locale", "en")  # issue 13: the language of exported text
    # issue 12 (identity): the export options of the Python API.
    clinic = _clinic(args)
    client = _client(args.client, args)
    if fmt in ("ics", "fhir", "csv") and result.plan_id is None:
        print(
            "collagenplan: warning: the plan has no id (no --plan-id, and no id in a "
            "client file); exports of a re-planned series will not update these ones",
            file=sys.stderr,
        )
    # Only the options given are passed: to_ics keeps its own defaults.
    invitation = {
        name: getattr(args, name)
        for name in ("sequence", "reminder_time", "uid_domain")
        if getattr(args, name) is not None
    }
    calendar_only = [
        "--" + name.replace("_", "-")
        for name in ("sequence", "reminder_time", "method", "organizer", "uid_domain")
        if getattr(args, name) is not None
    ]
    if calendar_only and fmt != "ics":
        raise InputError(f"only applies to --format ics, not {fmt}", path=calendar_only[0])
    if args.method is not None and args.organizer is None:
        raise InputError(
            f"is required with --method {args.method} (an invitation names its organizer, "
            "RFC 5546)",
            path="--organizer",
        )
    if fmt == "ics":
        # The command line is where the clock is read: DTSTAMP is the time of export.
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        out = to_ics(
            result,
            protocol=protocol,
            dtstamp=now,
            client_name=args.client_name,
            clinic=clinic,
            location=args.location,
            alarms=args.alarms,
            method=args.method,
            organizer=args.organizer,
            locale=locale,
            **invitation,
        ).decode("utf-8")
    elif fmt == "fhir":
        bundle = to_fhir(
            result,
            protocol=protocol,
            client_name=args.client_name,
            patient=args.patient,
            clinic=clinic,
            client=client,
            locale=locale,
        )
        out = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        out = to_csv(result, protocol=protocol, bom=args.encoding == "utf-8-sig", clinic=clinic)
    elif fmt == "json":
        out = to_json(result) + "\n"
    else:
        out = _plan_text(result, getattr(args, "locale", "en")) + "\n"
    if args.output is None:
        sys.stdout.write(out)
        return
    try:
        with open(args.output, "w", encoding="utf-8", newline="") as handle:
            handle.write(out)
    except OSError as exc:
        raise InputError(f"cannot write file ({exc.strerror})", source=args.output) from None


def _cmd_protocols(args: argparse.Namespace) -> int:
    if args.id:
        protocol = _protocol(args.id)
        _emit(args.format, protocol, lambda: format_protocol(protocol).rstrip())
        return EXIT_OK
    protocols = [get_protocol(i) for i in protocol_ids()]

    def describe(p: Protocol) -> list[object]:
        parts = []
        for phase in p.phases:
            s = phase.sessions
            count = (
                "repeating"
                if phase.repeat
                else (f"{s.min}" if s.min == s.max else f"{s.min}-{s.max} (default {s.default})")
            )
            i = phase.interval
            parts.append(f"{phase.name}: {count} every {i.min}/{i.target}/{i.max}")
        return [p.id, p.name, "; ".join(parts)]

    _emit(
        args.format,
        [{"id": p.id, "name": p.name} for p in protocols],
        lambda: _table(
            ["id", "name", "phases (min/target/max)"], [describe(p) for p in protocols]
        ),
    )
    return EXIT_OK


def _plan_text(result: Plan, locale: str = "en") -> str:
    # the public receptionist table (collagenplan.tables, U18)
    return plan_table(result, locale=locale)


def _clinic(args: argparse.Namespace) -> Clinic | None:
    return load_clinic(args.clinic) if getattr(args, "clinic", None) else None


def _history(args: argparse.Namespace) -> list[Visit]:
    """Visits from repeated --done / --missed / --cancelled / --booked options."""
    visits = []
    for status in ("done", "missed", "cancelled", "booked"):
        visits += [Visit(date=day, status=status) for day in getattr(args, status, None) or ()]
    return sorted(visits, key=lambda v: v.date)


def _add_history_options(p: argparse.ArgumentParser) -> None:
    for status, what in (
        ("done", "a session that took place"),
        ("missed", "a session the client did not attend"),
        ("cancelled", "a cancelled session"),
        ("booked", "a future session already booked"),
    ):
        p.add_argument(
            f"--{status}",
            type=_date,
            action="append",
            metavar="DATE",
            help=f"{what} (repeatable), YYYY-MM-DD",
        )


def _alarm_kinds(text: str) -> tuple[str, ...]:
    """``--alarms appointment,stop``: a comma-separated list; ``none`` for no alarms."""
    kinds = tuple(k.strip() for k in text.split(",") if k.strip())
    if kinds == ("none",):
        return ()
    return kinds


def _add_identity_options(p: argparse.ArgumentParser, *, plan_id: bool = True) -> None:
    """issue 12 (identity): the export options of ``to_ics`` / ``to_fhir``."""
    if plan_id:
        p.add_argument(
            "--plan-id",
            help="your id for this course of treatment; exports derive their ids from it "
            "(default: the client file's id and the protocol id)",
        )
    p.add_argument("--client-name", help="the client's name, for exported calendars and FHIR")
    p.add_argument("--patient", help="FHIR: a reference to the client's Patient (Patient/123)")
    p.add_argument("--location", help="iCalendar LOCATION (default: the clinic's name, address)")
    p.add_argument(
        "--alarms",
        type=_alarm_kinds,
        metavar="KINDS",
        help="iCalendar: reminders to give alarms, comma-separated from appointment, stop, "
        "resume, start, end, aftercare; 'none' for none (default: all, one per day)",
    )
    # issue 12 (invitation flows): the iCalendar options of to_ics.
    p.add_argument(
        "--sequence",
        type=_sequence,
        metavar="N",
        help="iCalendar: added to every event's SEQUENCE, for calendars already published "
        "with higher numbers (default: 0)",
    )
    p.add_argument(
        "--reminder-time",
        type=_clock,
        metavar="HH:MM",
        help="iCalendar: the local time at which reminders fire (default: 09:00)",
    )
    p.add_argument(
        "--method",
        choices=("PUBLISH", "CANCEL"),
        help="iCalendar: an invitation message (RFC 5546); CANCEL writes only the sessions "
        "the re-plan removed; needs --organizer",
    )
    p.add_argument(
        "--organizer",
        type=_calendar_address,
        metavar="MAILTO",
        help="iCalendar: the organizer's calendar address (mailto:desk@clinic.example)",
    )
    p.add_argument(
        "--uid-domain",
        metavar="DOMAIN",
        help="iCalendar: the part of each UID after '@' (default: collagenplan); "
        "choose it once, since changing it changes every UID",
    )
    p.add_argument(
        "--encoding",
        choices=("utf-8", "utf-8-sig"),
        default="utf-8",
        help="CSV: utf-8-sig starts the file with a byte order mark, for Excel and LibreOffice",
    )


def _cmd_plan(args: argparse.Namespace) -> int:
    protocol = _protocol(args.protocol)
    result = plan(
        protocol,
        start=args.start,
        sessions=args.sessions,
        horizon=args.horizon,
        client=_client(args.client, args),
        strict=args.strict,
        clinic=_clinic(args),
        history=_history(args),
        plan_id=args.plan_id,
        diary=_diary(args),
    )
    _export_plan(args, result, protocol)
    return EXIT_OK if result.ok else EXIT_INVALID


def _read_plan(path: str) -> Plan:
    """issue 12: a stored plan document (``plan --format json --output FILE``)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", source=path) from None
    try:
        return from_json(text, Plan)
    except InputError as exc:
        raise type(exc)(exc.problem, path=exc.path, source=path, line=exc.line) from None


def _cmd_replan(args: argparse.Namespace) -> int:
    """issue 12: re-plan a stored plan: same id and keys, next revision, removals."""
    existing = _read_plan(args.plan)
    protocol = _protocol(args.protocol) if args.protocol else get_protocol(existing.protocol_id)
    result = replan(
        existing,
        _history(args),
        today=args.today,
        protocol=protocol,
        clinic=_clinic(args),
        client=_client(args.client, args),
        strict=args.strict,
        diary=_diary(args),
    )
    _export_plan(args, result, protocol)
    return EXIT_OK if result.ok else EXIT_INVALID


def _report_text(report: Report, locale: str = "en") -> str:
    by_session: dict[int, list[str]] = {}
    for v in report.violations:
        if v.session is not None:
            by_session.setdefault(v.session, []).append(v.code)
    rows = [
        [
            s.number,
            s.phase,
            s.date,
            s.window.earliest if s.number > 1 else "-",
            s.window.latest if s.number > 1 and s.window.latest else "-",
            ", ".join(by_session.get(s.number, [])) or "ok",
        ]
        for s in report.sessions
    ]
    out = _table(["#", "phase", "date", "earliest", "latest", "status"], rows)
    if report.violations:
        out += "\n\n" + _violations_text(report.violations, locale)
    verdict = "valid" if report.ok else f"invalid: {len(report.errors)} error(s)"
    if report.warnings:
        verdict += f", {len(report.warnings)} warning(s)"
    return out + "\n\n" + verdict


def _calendar(args: argparse.Namespace) -> list[dt.date] | list[Visit]:
    """issue 12 (CLI parity): the dates, or with visit options, visits (dates are done)."""
    visits = _history(args)
    if not visits:
        return list(args.dates)
    done = [Visit(date=day, status="done") for day in args.dates]
    return sorted(done + visits, key=lambda v: v.date)


def _cmd_validate(args: argparse.Namespace) -> int:
    calendar: Plan | list[dt.date] | list[Visit] = _calendar(args)
    if args.plan is not None:
        if calendar:
            raise _UsageError("give session dates (or visits) or --plan, not both")
        calendar = _read_plan(args.plan)
    report = validate(
        _protocol(args.protocol),
        calendar,
        client=_client(args.client, args),
        complete=args.complete,
        clinic=_clinic(args),
        diary=_diary(args),
    )
    _emit(args.format, report, lambda: _report_text(report, args.locale))
    return EXIT_OK if report.ok else EXIT_INVALID


def _series_option(values: list[str]) -> tuple[Protocol, list[dt.date]]:
    protocol, *days = values
    try:
        return _protocol(protocol), [_date(day) for day in days]
    except argparse.ArgumentTypeError as exc:
        raise InputError(str(exc), path="--series") from None


def _cmd_together(args: argparse.Namespace) -> int:
    """issue 12 (CLI parity): ``validate_together`` for several plans of one client."""
    from .together import validate_together

    combined = validate_together(
        [_series_option(values) for values in args.series],
        client=_client(args.client, args),
        clinic=_clinic(args),
        complete=args.complete,
    )

    def text() -> str:
        parts = [f"{pid}\n{_report_text(report, args.locale)}" for pid, report in combined]
        if combined.conflicts:
            parts.append(
                "between plans:\n"
                + "\n".join(
                    one_line(f"{c.protocol}: {violation_line(c.violation, args.locale)}")
                    for c in combined.conflicts
                )
            )
        parts.append("all valid" if combined.ok else "invalid")
        return "\n\n".join(parts)

    _emit(args.format, combined, text)
    return EXIT_OK if combined.ok else EXIT_INVALID


# ------------------------------------------------------- the diary (issue 14)


def _diary(args: argparse.Namespace) -> Diary | None:
    path = getattr(args, "diary", None)
    if path is None:
        return None
    if getattr(args, "clinic", None) is None and args.command == "plan":
        raise _UsageError("--diary needs --clinic (opening hours and practitioners)")
    return load_diary(path)


def _cmd_alternatives(args: argparse.Namespace) -> int:
    result = _read_plan(args.plan)
    protocol = _protocol(args.protocol or result.protocol_id)
    found = alternatives(
        result,
        args.session,
        n=args.n,
        protocol=protocol,
        client=_client(args.client, args),
        clinic=_clinic(args),
        diary=_diary(args),
    )
    headers = ["date", "time", "with", "in", "days off target", "warnings"]
    rows: list[list[object]] = [
        [
            a.date,
            a.start.strftime("%H:%M %Z") if a.start else "-",
            a.practitioner or "-",
            ", ".join(a.resources) or "-",
            a.distance,
            ", ".join(a.warnings) or "-",
        ]
        for a in found
    ]
    if not any(a.resources for a in found):  # no rooms declared: no column for them
        headers.pop(3)
        rows = [row[:3] + row[4:] for row in rows]
    _emit(
        args.format,
        [to_plain(a) for a in found],
        lambda: (
            _table(headers, rows)
            if rows
            else f"no other date in session {args.session}'s window passes validation"
        ),
    )
    return EXIT_OK if found else EXIT_INVALID


def _add_diary_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    p = command(
        "alternatives",
        "list the other dates a planned session could have, best first "
        "(exit 1 when there is none)",
    )
    p.add_argument("plan", help="a plan JSON document (collagenplan plan --format json)")
    p.add_argument("--session", type=int, required=True, help="the session number, 1-based")
    p.add_argument("-n", type=int, default=5, help="at most this many (default 5)")
    p.add_argument("--protocol", help="the plan's protocol file, when it is not built in")
    p.add_argument("--clinic", help="a .toml/.json clinic file: only slots it allows")
    p.add_argument("--client", help="a .toml/.json client file the plan was made for")
    p.add_argument("--diary", help="a .json/.csv diary export: only slots free in it")
    p.set_defaults(run=_cmd_alternatives)


# ------------------------------------------------------------------------------


def _next_due_text(due: NextDue, locale: str = "en") -> str:
    rows: list[list[object]] = [
        ["status", due.status],
        ["session", due.session or "-"],
        ["phase", due.phase or "-"],
        ["earliest", due.earliest or "-"],
        ["target", due.target or "-"],
        ["latest", due.latest or "-"],
        ["last done", due.last_done or "-"],
        ["booked", _booked_text(due)],
    ]
    if due.restart:
        rows.append(["restart", "yes: the series starts again (late policy)"])
    if due.status == "on-hold":
        rows.append(["resumes", due.resumes or "no known date"])
    out = _table(["", "next session"], rows)
    if due.violations:
        out += "\n\n" + _violations_text(due.violations, locale)
    return out


def _booked_text(due: NextDue) -> str:
    if due.booked is None:
        return "-"
    if due.covered or due.status == "complete":
        return str(due.booked)
    return f"{due.booked} (outside the window: not covered)"


def _cmd_next_due(args: argparse.Namespace) -> int:
    due = next_due(
        _protocol(args.protocol),
        _history(args),
        today=args.today,
        sessions=args.sessions,
        client=_client(args.client, args),
    )
    _emit(args.format, due, lambda: _next_due_text(due, args.locale))
    return EXIT_OK


def _screening_text(result: Screening, locale: str = "en") -> str:
    when = (
        f"earliest start {result.earliest_start}"
        if result.earliest_start is not None
        else "no start date"
    )
    out = one_line(f"{result.status}: {when} (screened for {result.protocol_id} on {result.on})")
    items = result.reasons + result.precautions + result.pauses
    if items:
        rows = [[r.code, r.subject, r.rule, r.clears_on or "-"] for r in items]
        out += "\n\n" + _table(["code", "subject", "rule", "clears on"], rows)
        out += "\n\n" + "\n".join(one_line(f"- {r.text(locale)}") for r in items)
    return out


def _cmd_screen(args: argparse.Namespace) -> int:
    translation(args.locale)  # an unknown locale is bad usage, before any work
    result = screen(_read_client(args.client, args), _protocol(args.protocol), on=args.on)
    _emit(args.format, result, lambda: _screening_text(result, args.locale))
    return EXIT_OK if result.ok else EXIT_INVALID


# -- client vocabulary options (issue 13) -----------------------------------


def _add_strict_client_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--strict",
        action="store_true",
        help="refuse (exit 2) a client file naming something the vocabulary does not know",
    )


def _add_vocabulary_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--vocabulary",
        metavar="FILE",
        help="a .toml/.json vocabulary file adding to (or replacing entries of) the built-in one",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = _Parser(
        prog="collagenplan",
        description=(
            "Plan, validate and export microneedling treatment series from protocol files, "
            "and project clinic capacity."
        ),
    )
    parser.add_argument("--version", action="version", version=f"collagenplan {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(
        name: str, help: str, formats: tuple[str, ...] = ("table", "json")
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.add_argument("--format", choices=formats, default="table", help="output format")
        return p

    p = command("protocols", "list the built-in protocols, or print one as TOML")
    p.add_argument("id", nargs="?", help="a protocol id or a protocol file to print")
    p.set_defaults(run=_cmd_protocols)

    p = command("plan", "plan a series of sessions", ("table", "json", "ics", "fhir", "csv"))
    p.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("protocol", help="a built-in protocol id or a .toml/.json protocol file")
    p.add_argument("--start", type=_date, required=True, help="first possible date, YYYY-MM-DD")
    p.add_argument("--sessions", type=int, help="sessions in the series phase")
    p.add_argument("--horizon", type=_date, help="plan repeating phases up to this date")
    p.add_argument(
        "--strict",
        action="store_true",
        help="fail (exit 1) instead of planning around problems; refuse (exit 2) a client "
        "file naming something the vocabulary does not know",
    )
    p.add_argument("--clinic", help="a .toml/.json clinic file: book only days it allows")
    _add_history_options(p)
    p.add_argument("--client", help="a .toml/.json client file to plan around")
    _add_vocabulary_option(p)
    _add_identity_options(p)
    p.add_argument(
        "--diary", help="a .json/.csv diary export: book only slots free in it (needs --clinic)"
    )
    _add_locale_option(p)
    p.set_defaults(run=_cmd_plan)

    p = command(
        "replan",
        "re-plan a stored plan after visits: same plan id and session keys, next revision",
        ("table", "json", "ics", "fhir", "csv"),
    )
    p.add_argument("plan", help="a plan document (plan --format json --output FILE)")
    p.add_argument("--today", type=_date, required=True, help="first date a new session may take")
    p.add_argument("--protocol", help="the plan's protocol file (default: the built-in one)")
    p.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument(
        "--strict", action="store_true", help="fail (exit 1) instead of planning around problems"
    )
    p.add_argument("--clinic", help="a .toml/.json clinic file: book only days it allows")
    p.add_argument("--client", help="a .toml/.json client file to plan around")
    _add_history_options(p)
    _add_identity_options(p, plan_id=False)
    _add_locale_option(p)
    p.set_defaults(run=_cmd_replan, plan_id=None)

    p = command("validate", "check a calendar of session dates against a protocol")
    p.add_argument("protocol", help="a built-in protocol id or a .toml/.json protocol file")
    p.add_argument("dates", nargs="*", type=_date, help="session dates, YYYY-MM-DD")
    p.add_argument(
        "--complete", action="store_true", help="the calendar is finished: report too few sessions"
    )
    p.add_argument("--clinic", help="a .toml/.json clinic file: report days it does not allow")
    p.add_argument("--client", help="a .toml/.json client file to check the calendar against")
    _add_strict_client_option(p)
    _add_vocabulary_option(p)
    _add_history_options(p)  # issue 12 (CLI parity): visits with a status
    p.add_argument("--plan", help="a plan JSON document to check instead of dates (with times)")
    p.add_argument("--diary", help="a .json/.csv diary export: report overlaps with it")
    _add_locale_option(p)
    p.set_defaults(run=_cmd_validate)

    p = command("together", "check several plans of one client, each and against each other")
    p.add_argument(
        "--series",
        nargs="+",
        action="append",
        required=True,
        metavar="PROTOCOL DATE",
        help="a protocol and its session dates, YYYY-MM-DD (repeat for each plan)",
    )
    p.add_argument(
        "--complete", action="store_true", help="the calendars are finished: report too few"
    )
    p.add_argument("--clinic", help="a .toml/.json clinic file: report days it does not allow")
    p.add_argument("--client", help="a .toml/.json client file to check the calendars against")
    _add_locale_option(p)
    p.set_defaults(run=_cmd_together)

    p = command("next-due", "say when a client's next session is due")
    p.add_argument("protocol", help="a built-in protocol id or a .toml/.json protocol file")
    p.add_argument("--today", type=_date, required=True, help="the date to judge from")
    p.add_argument("--sessions", type=int, help="sessions in the series phase")
    _add_history_options(p)
    p.add_argument("--client", help="a .toml/.json client file: a client on hold is not due")
    _add_locale_option(p)
    p.set_defaults(run=_cmd_next_due)

    p = command(
        "screen",
        "screen a client for a protocol on a date "
        "(exit 0 eligible or review, 1 deferred or contraindicated)",
    )
    p.add_argument("client", help="a .toml/.json client file")
    p.add_argument(
        "--protocol", required=True, help="a built-in protocol id or a .toml/.json protocol file"
    )
    p.add_argument("--on", type=_date, required=True, help="the date to screen for, YYYY-MM-DD")
    _add_strict_client_option(p)
    _add_vocabulary_option(p)
    p.add_argument(
        "--locale",
        choices=LOCALES,
        default="en",
        help="the language of the sentences under the table",
    )
    p.set_defaults(run=_cmd_screen)

    # The nightly recall job; numpy and pandas load only when it runs (collagenplan.batch).
    from .batch._command import add_recall_arguments, run_recall

    p = command("recall", "build the recall list from a CSV file of visits", ("csv", "json"))
    add_recall_arguments(p, _date)
    p.set_defaults(run=run_recall)
    _add_diary_commands(command)

    p = command("project", "project sessions, chair-hours and staffing from a capacity scenario")
    add_project_arguments(p)
    p.set_defaults(run=lambda args: run_project(args, emit=_emit, table=_table))
    return parser


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        _load()
        status: int = args.run(args)
        return status
    except _UsageError as exc:
        print(one_line(str(exc)), file=sys.stderr)
        return EXIT_USAGE
    except PlanningError as exc:  # the calendar cannot be made: like an invalid one
        print(f"collagenplan: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except CollagenPlanError as exc:  # bad input, unknown id, missing extra
        print(f"collagenplan: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so that the interpreter's final flush
    of what is left in its buffer cannot raise BrokenPipeError a second time
    (the recipe of the Python documentation, "Note on SIGPIPE")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test's captured stream)
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see the module docstring)."""
    try:
        status = _run(argv)
        sys.stdout.flush()  # here, so that a closed pipe is seen inside the try
        return status
    except BrokenPipeError:  # the reader (``| head``) has all it wanted
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        print("collagenplan: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: still one line, unless asked for the traceback
        if os.environ.get("COLLAGENPLAN_TRACEBACK"):
            raise
        print(
            f"collagenplan: internal error, please report it: "
            f"{type(exc).__name__}: {one_line(str(exc))}",
            file=sys.stderr,
        )
        return EXIT_SOFTWARE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
