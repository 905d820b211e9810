"""The aligned text table a receptionist reads: the CLI's ``plan`` output, in Python (U18).

:func:`plan_table` is exactly what ``collagenplan plan`` prints for a plan:
one row per session (number, phase, date, window; status, time, practitioner
and rooms when any session has them), then the milestones and violations.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._text import one_line
from .messages import Param, render, translation
from .results import Plan, Violation

__all__ = ["plan_table", "text_table", "violation_line"]


def text_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Columns aligned with two spaces, a dashed line under the headers; ``None`` prints empty.

    Every cell is one line of printable text (:func:`~collagenplan._text.one_line`):
    a newline or an ANSI escape in a name cannot break the table or reach the terminal.
    """
    cells = [[one_line(str(h)) for h in headers]] + [
        ["" if c is None else one_line(str(c)) for c in r] for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def violation_line(violation: Violation, locale: str = "en") -> str:
    """``str(violation)`` in ``locale``: severity, code, session and the message's text.

    Raises:
        InputError: ``locale`` is not a shipped locale.
    """
    translation(locale)
    if locale == "en":
        return str(violation)
    session = [] if violation.session is None else [Param("session", str(violation.session))]
    return render(
        "violation.line" if session else "violation.line.none",
        [
            Param("severity", violation.severity),
            Param("code", violation.code),
            *session,
            Param("text", violation.text(locale)),
        ],
        locale,
    )


def plan_table(plan: Plan, *, locale: str = "en") -> str:
    """The plan as the aligned text table ``collagenplan plan`` prints (no trailing newline);
    the violations' sentences in ``locale`` (the headers stay English)."""
    rows: list[list[object]] = [
        [s.number, s.phase, s.date, s.window.earliest, s.window.target, s.window.latest or "-"]
        for s in plan.sessions
    ]
    headers = ["#", "phase", "date", "earliest", "target", "latest"]
    extra = _session_extras(plan)
    if extra:
        headers += extra[0]
        rows = [row + more for row, more in zip(rows, extra[1], strict=True)]
    out = text_table(headers, rows)
    tasks = [
        [s.number, m.start, m.kind, m.subject, m.end or ""]
        for s in plan.sessions
        for m in s.milestones
    ]
    if tasks:
        out += "\n\n" + text_table(["#", "date", "milestone", "subject", "until"], tasks)
    if plan.violations:
        out += "\n\n" + "\n".join(one_line(violation_line(v, locale)) for v in plan.violations)
    return out


def _session_extras(plan: Plan) -> tuple[list[str], list[list[object]]] | None:
    """Status, appointment time, practitioner and room columns, when any session has them."""
    sessions = plan.sessions
    headers: list[str] = []
    columns: list[list[object]] = []
    if any(s.status != "planned" for s in sessions):
        headers.append("status")
        columns.append([s.status for s in sessions])
    if any(s.start is not None for s in sessions):
        headers.append("time")
        columns.append([s.start.strftime("%H:%M %Z") if s.start else "-" for s in sessions])
    if any(s.practitioner is not None for s in sessions):
        headers.append("with")
        columns.append([s.practitioner or "-" for s in sessions])
    if any(s.resources for s in sessions):
        headers.append("in")
        columns.append([", ".join(s.resources) or "-" for s in sessions])
    if not headers:
        return None
    return headers, [list(row) for row in zip(*columns, strict=True)]
