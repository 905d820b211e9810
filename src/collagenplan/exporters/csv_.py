"""CSV export: one row per session, and one row per milestone, for analysts.

Both tables follow RFC 4180 (comma-separated, ``"``-quoted where needed,
CRLF line ends, a header row). Dates are ISO 8601 ``YYYY-MM-DD``; appointment
times are ISO 8601 with their UTC offset, and the IANA zone is a column of its
own. An empty cell means "not known" (``None``).

Every text cell (plan and protocol ids, phase names, practitioner names,
milestone kinds, subjects, notes, rules) that starts with ``=``, ``+``,
``-``, ``@``, TAB or CR -- also after leading spaces or line breaks -- is
prefixed with ``'`` by default, so that a spreadsheet opens it as text
instead of running it as a formula (OWASP "CSV injection"). Pass
``spreadsheet_safe=False`` for byte-exact text, when a program reads the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from collections.abc import Iterable, Sequence

from .._text import spreadsheet_cell
from ..clinics import Clinic
from ..errors import InputError
from ..protocols.model import Protocol
from ..results import Plan
from ._common import check_plan, check_protocol, clean_text, export_sessions, plan_key

__all__ = ["MILESTONE_COLUMNS", "SESSION_COLUMNS", "milestones_to_csv", "to_csv"]

SESSION_COLUMNS: tuple[str, ...] = (
    "plan_id",
    "protocol_id",
    "session",
    "phase",
    "status",
    "date",
    "window_earliest",
    "window_target",
    "window_latest",
    "start",
    "end",
    "time_zone",
    "minutes",
    "practitioner",
    "milestones",
    "problems",
    "key",
    "practitioner_name",
)
"""Header of :func:`to_csv`, in order (see ``docs/formats/csv.md``)."""

MILESTONE_COLUMNS: tuple[str, ...] = (
    "plan_id",
    "protocol_id",
    "session",
    "session_date",
    "kind",
    "subject",
    "start",
    "end",
    "note",
    "rule",
)
"""Header of :func:`milestones_to_csv`, in order."""


def _text(value: str | None, safe: bool) -> str:
    if value is None:
        return ""
    text = clean_text(value)
    return spreadsheet_cell(text) if safe else text


def _day(value: dt.date | None) -> str:
    return "" if value is None else value.isoformat()


def _zone(moment: dt.datetime) -> str:
    zone = moment.tzinfo
    if isinstance(zone, zoneinfo.ZoneInfo) and zone.key:
        return zone.key
    return ""


def _write(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


# issue 12 (identity): the plan id in the clear, the session key, a BOM on request.
_BOM = "\ufeff"


def _plan_column(plan: Plan, plan_id: str | None, safe: bool) -> str:
    """The plan id (the argument, else ``plan.plan_id``), else the anonymous key."""
    identity = plan_id if plan_id is not None else plan.plan_id
    return _text(identity, safe) if identity is not None else plan_key(plan, None)


def _bom(text: str, bom: bool) -> str:
    if not isinstance(bom, bool):
        raise InputError(f"must be true or false, got {bom!r}", path="bom")
    return _BOM + text if bom else text


def to_csv(
    plan: Plan,
    *,
    plan_id: str | None = None,
    spreadsheet_safe: bool = True,
    protocol: Protocol | None = None,
    bom: bool = False,
    clinic: Clinic | None = None,
) -> str:
    """One CSV row per session of ``plan`` (columns: :data:`SESSION_COLUMNS`).

    Args:
        plan: the plan.
        plan_id: written in the ``plan_id`` column, so that several plans can
            be concatenated; defaults to ``plan.plan_id`` (for an anonymous
            plan, the key iCalendar UIDs use when no client name is given).
        spreadsheet_safe: prefix with ``'`` every text cell that a spreadsheet
            would run as a formula (the OWASP rule; see the module docstring).
            ``False`` writes text byte for byte, for programs.
        protocol: the plan's protocol: a session without its own minutes
            then takes the protocol's chair minutes, for ``minutes`` and ``end``.
        bom: start the text with a byte order mark (U+FEFF), which Excel and
            LibreOffice need to read UTF-8 when a file is opened directly;
            the command line's ``--encoding utf-8-sig``.
        clinic: the plan's clinic: ``practitioner_name`` then holds each
            practitioner's display name (``practitioner`` keeps the id).

    Returns:
        The table as text with CRLF line ends; write it with ``newline=""``.

    Raises:
        InputError: ``plan`` is not a Plan, ``protocol`` is not its protocol,
            or ``clinic`` is not a Clinic.
    """
    plan = check_plan(plan)
    protocol = check_protocol(protocol, plan)
    if clinic is not None and not isinstance(clinic, Clinic):
        raise InputError(f"must be a Clinic, got {type(clinic).__name__}", path="clinic")
    key = _plan_column(plan, plan_id, spreadsheet_safe)
    names = {p.id: p.name for p in clinic.practitioners if p.name} if clinic else {}
    rows = []
    for view in export_sessions(plan, protocol, names=names):
        s, start = view.session, view.start
        # Only known minutes (the session's, else the protocol's) give an end:
        # the table does not guess.
        known = s.minutes is not None or (
            protocol is not None and protocol.session.chair_minutes is not None
        )
        end = view.end if known else None
        codes = " ".join(v.code for v in view.violations)
        rows.append(
            [
                key,
                _text(plan.protocol_id, spreadsheet_safe),
                s.number,
                _text(s.phase, spreadsheet_safe),
                s.status,
                _day(s.date),
                _day(s.window.earliest),
                _day(s.window.target),
                _day(s.window.latest),
                start.isoformat() if start is not None else "",
                end.isoformat() if end is not None else "",
                _zone(start) if start is not None else "",
                view.minutes if known else "",
                _text(s.practitioner, spreadsheet_safe),
                len(s.milestones),
                codes,
                view.key,
                _text(view.practitioner, spreadsheet_safe) if clinic is not None else "",
            ]
        )
    return _bom(_write(SESSION_COLUMNS, rows), bom)


def milestones_to_csv(
    plan: Plan, *, plan_id: str | None = None, spreadsheet_safe: bool = True, bom: bool = False
) -> str:
    """One CSV row per milestone of ``plan`` (columns: :data:`MILESTONE_COLUMNS`).

    Rows follow the sessions in order, and each session's milestones in the
    order the plan lists them. Arguments are those of :func:`to_csv`.
    """
    plan = check_plan(plan)
    key = _plan_column(plan, plan_id, spreadsheet_safe)
    rows = [
        [
            key,
            _text(plan.protocol_id, spreadsheet_safe),
            s.number,
            _day(s.date),
            _text(m.kind, spreadsheet_safe),
            _text(m.subject, spreadsheet_safe),
            _day(m.start),
            _day(m.end),
            _text(m.note, spreadsheet_safe),
            _text(m.rule, spreadsheet_safe),
        ]
        for s in plan.sessions
        for m in s.milestones
    ]
    return _bom(_write(MILESTONE_COLUMNS, rows), bom)
