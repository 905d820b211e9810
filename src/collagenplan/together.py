"""Several plans for one client at once: a face series, a body series, a scalp course.

:func:`validate_together` validates each calendar on its own (exactly as
:func:`~collagenplan.validate` does) and then checks the calendars against
each other:

* **same day** -- two sessions of different plans on one day are allowed only
  when both protocols say ``combine_same_day = true`` (``same-day-duplicate``
  otherwise);
* **times** -- two timed sessions (plans made with a clinic) that overlap,
  with the clinic's turnover after each, are ``practitioner-double-booked``
  when they share a practitioner, ``resource-double-booked`` when they share
  a room or device, and ``client-double-booked`` otherwise (one client cannot
  be in two chairs);
* **spacing** -- a protocol may name another protocol's id in its
  ``[[spacing]]`` rules (``procedure = "body-series"``), which then sets the
  distance in each direction. Without such a rule, two plans that treat a
  common area keep the healing interval of the earlier session: the next
  needling of that skin waits at least the ``interval.min`` of the phase the
  earlier session belongs to (``procedure-spacing`` otherwise). Plans on
  different areas with no rule between them are independent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from ._checks import is_date, is_positive_int, is_str, is_tuple_of
from ._fields import _typename, to_tuple
from .clients import Client
from .clinics import Clinic
from .clinics._diary import Diary, booking_of
from .documents import read_body, register, to_plain
from .durations import Duration
from .errors import DurationError, InputError
from .messages import Message, Param
from .protocols.model import Phase, Protocol
from .results import Report, Violation, nested
from .sessions import PlannedSession
from .validation import Calendar, validate

__all__ = ["CombinedReport", "Conflict", "validate_together"]


def _is_violation(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Violation):
        raise InputError(f"must be a Violation, got {_typename(value)}", path=attribute.name)


@attrs.frozen(kw_only=True)
class Conflict:
    """A problem between sessions of two different plans for the same client."""

    violation: Violation = attrs.field(validator=_is_violation)
    """What is wrong (``same-day-duplicate`` or ``procedure-spacing``), about the later session."""
    protocol: str = attrs.field(validator=is_str(InputError))
    """Protocol id of the plan the later session (``violation.session``) belongs to."""
    other_protocol: str = attrs.field(validator=is_str(InputError))
    """Protocol id of the plan of the earlier session."""
    other_session: int = attrs.field(validator=is_positive_int(InputError))
    """Number of the earlier session in its own plan."""
    other_date: dt.date = attrs.field(validator=is_date(InputError))
    """Date of the earlier session."""

    def __str__(self) -> str:
        return f"{self.protocol}: {self.violation}"


@attrs.frozen(kw_only=True)
class CombinedReport:
    """The result of :func:`validate_together`."""

    reports: tuple[tuple[str, Report], ...] = attrs.field(converter=to_tuple)
    """Each plan's own report, keyed by protocol id, in the order given."""
    conflicts: tuple[Conflict, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(InputError, Conflict, "a Conflict")
    )
    """Problems between plans, in date order."""

    def __getitem__(self, protocol_id: str) -> Report:
        for key, report in self.reports:
            if key == protocol_id:
                return report
        raise KeyError(protocol_id)

    def __iter__(self) -> Iterator[tuple[str, Report]]:
        return iter(self.reports)

    @property
    def ok(self) -> bool:
        """True when no plan and no conflict has an error."""
        return all(r.ok for _, r in self.reports) and not any(
            c.violation.severity == "error" for c in self.conflicts
        )


@attrs.frozen(kw_only=True)
class ReportEntry:
    """One plan's report in a combined report, keyed by its protocol id."""

    protocol_id: str
    """The protocol of the plan."""
    report: Report
    """The plan's own report."""


@attrs.frozen(kw_only=True)
class _CombinedLayout:
    """The result of validate_together: each plan's report and the conflicts
    between plans."""

    reports: tuple[ReportEntry, ...]
    """Each plan's own report, in the order given."""
    conflicts: tuple[Conflict, ...] = ()
    """Problems between plans, in date order."""


def _dump_combined(combined: CombinedReport) -> dict[str, Any]:
    layout = _CombinedLayout(
        reports=tuple(ReportEntry(protocol_id=k, report=r) for k, r in combined.reports),
        conflicts=combined.conflicts,
    )
    body: dict[str, Any] = to_plain(layout)
    return body


def _load_combined(body: dict[str, Any]) -> CombinedReport:
    layout = read_body(_CombinedLayout, body)
    return CombinedReport(
        reports=[(entry.protocol_id, entry.report) for entry in layout.reports],
        conflicts=layout.conflicts,
    )


# issue 12 (U11): a combined report's reports are (protocol id, report) pairs,
# which the generic reader cannot read; the document writes each pair as an
# object {"protocol_id": ..., "report": ...}.
register(
    "collagenplan/combined-report/1",
    CombinedReport,
    derived=("ok",),
    dump=_dump_combined,
    load=_load_combined,
    layout=_CombinedLayout,
)


def _pairs(
    series: Mapping[Protocol, Calendar] | Sequence[tuple[Protocol, Calendar]],
) -> list[tuple[Protocol, Calendar]]:
    items = list(series.items()) if isinstance(series, Mapping) else list(series)
    seen: set[str] = set()
    for i, item in enumerate(items):
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], Protocol)):
            raise InputError(
                f"must be a (Protocol, calendar) pair, got {type(item).__name__}",
                path=f"series[{i}]",
            )
        if item[0].id in seen:
            raise InputError(
                f"repeats protocol {item[0].id!r}; give each plan once", path=f"series[{i}]"
            )
        seen.add(item[0].id)
    return items


def _spacing(protocol: Protocol, other: str) -> tuple[Duration, Duration] | None:
    rule = next((s for s in protocol.spacing if s.procedure == other), None)
    return None if rule is None else (rule.before, rule.after)


def _phase(protocol: Protocol, session: PlannedSession) -> Phase:
    return next((p for p in protocol.phases if p.name == session.phase), protocol.phases[-1])


def _required(
    early: Protocol, early_session: PlannedSession, late: Protocol
) -> tuple[Duration, str, Message] | None:
    """Least distance from ``early_session`` to a later session of ``late``, with its rule."""
    after = _spacing(early, late.id)
    before = _spacing(late, early.id)
    needs: list[tuple[Duration, str, Message]] = []
    rule = Message("together.why.rule")
    if after is not None:
        needs.append((after[1], f"{early.id}: spacing[{late.id}].after", rule))
    if before is not None:
        needs.append((before[0], f"{late.id}: spacing[{early.id}].before", rule))
    if not needs:
        shared = sorted(set(early.areas) & set(late.areas))
        if not shared:
            return None
        phase = _phase(early, early_session)
        index = early.phases.index(phase)
        needs.append(
            (
                phase.interval.min,
                f"{early.id}: phases[{index}].interval.min",
                Message("together.why.areas", [Param("areas", ", ".join(shared))]),
            )
        )
    return max(needs, key=lambda need: need[0].span_days[1])


def _check_pair(
    first: tuple[Protocol, PlannedSession], second: tuple[Protocol, PlannedSession]
) -> Conflict | None:
    (a, sa), (b, sb) = sorted([first, second], key=lambda pair: pair[1].date)
    if sa.date == sb.date and not (a.session.combine_same_day and b.session.combine_same_day):
        refuses = [p.id for p in (a, b) if not p.session.combine_same_day]
        return _conflict(
            "same-day-duplicate",
            (b, sb),
            (a, sa),
            Message(
                "together.same-day",
                [
                    *_pair(a, sa, b, sb),
                    Param("date", sb.date.isoformat(), "date"),
                    Param("refuses", tuple(refuses), "list"),
                ],
            ),
            f"{refuses[0]}: session.combine_same_day",
        )
    need = _required(a, sa, b)
    if need is None:
        return None
    distance, rule, why = need
    try:
        earliest = distance.add_to(sa.date)
    except DurationError:  # the distance runs past date.max: every later date is too close
        earliest = dt.date.max
    if not distance or sb.date >= earliest:
        return None
    gap = (sb.date - sa.date).days
    return _conflict(
        "procedure-spacing",
        (b, sb),
        (a, sa),
        Message(
            "together.spacing",
            [
                *_pair(a, sa, b, sb),
                Param("date", sb.date.isoformat(), "date"),
                Param("gap", str(gap), "number"),
                *nested("why", [why]),
                Param("distance", str(distance), "units"),
                Param("earliest", earliest.isoformat(), "date"),
            ],
        ),
        rule,
    )


def _pair(a: Protocol, sa: PlannedSession, b: Protocol, sb: PlannedSession) -> list[Param]:
    """The earlier session (``protocol``, ``session``) and the later one."""
    return [
        Param("protocol", a.id),
        Param("session", str(sa.number), "number"),
        Param("later_protocol", b.id),
        Param("later_session", str(sb.number), "number"),
    ]


def _conflict(
    code: str,
    later: tuple[Protocol, PlannedSession],
    earlier: tuple[Protocol, PlannedSession],
    message: Message,
    rule: str,
) -> Conflict:
    (protocol, session), (other, other_session) = later, earlier
    return Conflict(
        violation=Violation(
            code=code,
            severity="error",
            key=message.key,
            params=message.params,
            session=session.number,
            date=session.date,
            rule=rule,
            gap_days=(session.date - other_session.date).days,
        ),
        protocol=protocol.id,
        other_protocol=other.id,
        other_session=other_session.number,
        other_date=other_session.date,
    )


def _time_clash(
    first: tuple[Protocol, PlannedSession], second: tuple[Protocol, PlannedSession], turnover: int
) -> Conflict | None:
    """A conflict when the two timed sessions overlap (B7): practitioner, resource or client."""
    (a, sa), (b, sb) = first, second
    if sa.start is None or sb.start is None:
        return None
    if sb.start < sa.start:
        (a, sa), (b, sb) = second, first
    if "done" in (sa.status, sb.status):
        return None
    mine, other = booking_of(sb, b.id, None), booking_of(sa, a.id, None)
    if mine is None or other is None or not mine.overlaps(other, turnover):
        return None
    params = [
        *_pair(a, sa, b, sb),
        Param("date", f"{mine.start:%Y-%m-%d}", "date"),
        Param("start", f"{mine.start:%H:%M}"),
        Param("end", f"{mine.end:%H:%M}"),
        Param("other_start", f"{other.start:%H:%M}"),
        Param("other_end", f"{other.end:%H:%M}"),
    ]
    if turnover:
        params.append(Param("turnover", str(turnover), "number"))
    if mine.practitioner is not None and mine.practitioner == other.practitioner:
        code, key = "practitioner-double-booked", "together.clash.practitioner"
        params.append(Param("practitioner", mine.practitioner))
    elif set(mine.resources) & set(other.resources):
        shared = ", ".join(sorted(set(mine.resources) & set(other.resources)))
        code, key = "resource-double-booked", "together.clash.resource"
        params.append(Param("resources", shared))
    else:
        code, key = "client-double-booked", "together.clash.client"
    violation = Violation(
        code=code,
        severity="error",
        key=key + (".turnover" if turnover else ""),
        params=params,
        session=sb.number,
        date=sb.date,
        rule="diary",
    )
    return Conflict(
        violation=violation,
        protocol=b.id,
        other_protocol=a.id,
        other_session=sa.number,
        other_date=sa.date,
    )


def validate_together(
    series: Mapping[Protocol, Calendar] | Sequence[tuple[Protocol, Calendar]],
    *,
    client: Client | None = None,
    clinic: Clinic | None = None,
    complete: bool = False,
    diary: Diary | None = None,
) -> CombinedReport:
    """Validate several plans of one client, each on its own and against each other.

    Args:
        series: each protocol with its calendar (anything :func:`validate`
            takes), as a mapping or a sequence of pairs; a protocol appears once.
        client: passed to each :func:`validate`.
        clinic: passed to each :func:`validate`.
        complete: passed to each :func:`validate`.
        diary: passed to each :func:`validate`.

    Returns:
        A :class:`CombinedReport`: ``report["facial-series"]`` is that plan's
        own :class:`Report`, ``conflicts`` the problems between plans.

    Raises:
        InputError: a pair is not ``(Protocol, calendar)`` or a protocol repeats.
    """
    pairs = _pairs(series)
    reports = [
        (p.id, validate(p, cal, client=client, clinic=clinic, complete=complete, diary=diary))
        for p, cal in pairs
    ]
    turnover = clinic.turnover if isinstance(clinic, Clinic) else 0
    conflicts: list[Conflict] = []
    for i, (a, _) in enumerate(pairs):
        for j in range(i + 1, len(pairs)):
            b = pairs[j][0]
            for sa in reports[i][1].sessions:
                for sb in reports[j][1].sessions:
                    found = _check_pair((a, sa), (b, sb))
                    if found is not None:
                        conflicts.append(found)
                    clash = _time_clash((a, sa), (b, sb), turnover)
                    if clash is not None:
                        conflicts.append(clash)
    conflicts.sort(key=lambda c: (c.violation.date or dt.date.min, c.protocol))
    return CombinedReport(reports=tuple(reports), conflicts=tuple(conflicts))
