"""Judging a calendar: every violation of a read calendar, and the cleaning of a visit history.

:func:`judge` is the one statement of what is wrong with a calendar once it
has been read (:mod:`collagenplan._reading`): interval codes, restarts,
sessions beyond the protocol, clinic days, the client's rules and, for a
finished calendar, phases short of their minimum. :func:`~collagenplan.validate`
reports exactly what it finds; :func:`~collagenplan.plan` runs it over every
plan it builds from a history and keeps what it finds, so a plan is never
``ok`` where its validation is not.

:func:`clean_visits` is how every function that takes a client's history
(planning, re-planning, ``next_due``, validation of visits) reads it: in date
order, each visit once, and a history that cannot be true refused with an
error naming the visit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from . import screening
from ._reading import Entry, Reading, State, read, restart_violation
from .clients import Client
from .clinics import ClinicDays, clinic_violations
from .errors import InputError
from .messages import Param
from .protocols.model import Phase, Protocol
from .results import Violation, day_param
from .sessions import Visit, Window

__all__ = ["clean_visits", "judge", "number_notes", "phase_index", "sort_entries"]

# Which record of one date wins when a history holds several: a visit that
# took place outranks one that did not, and both outrank a booking.
_RANK = {"done": 0, "missed": 1, "cancelled": 2, "booked": 3}


def phase_index(protocol: Protocol, name: str | None, path: str) -> int | None:
    """Index of the phase called ``name`` (``None`` stays ``None``), else an error at ``path``."""
    if name is None:
        return None
    for i, phase in enumerate(protocol.phases):
        if phase.name == name:
            return i
    known = ", ".join(repr(p.name) for p in protocol.phases)
    raise InputError(
        f"is {name!r}, which is not a phase of protocol {protocol.id!r} (its phases: {known})",
        path=path,
    )


def clean_visits(
    history: object,
    name: str,
    *,
    protocol: Protocol,
    not_after: dt.date | None = None,
    not_after_name: str = "today",
) -> tuple[list[Visit], list[Violation]]:
    """The visits of ``history`` in date order, each once, and warnings for what was merged.

    * The same date recorded more than once is one visit: the record that
      says most wins (``done``, then ``missed``, ``cancelled``, ``booked``)
      and a ``duplicate-visit`` warning says what was merged.
    * A date recorded both ``done`` and ``missed`` or ``cancelled``, or in two
      different phases, cannot be read either way: :class:`InputError`.
    * A ``done`` visit after ``not_after`` (the day the history is judged
      from) has not happened yet: :class:`InputError`.
    * A visit's ``phase`` must name a phase of ``protocol``.

    Raises:
        InputError: ``history`` is not a sequence of :class:`Visit`, or one of
            the cases above; the message names the visit (``history[3]``).
    """
    if isinstance(history, str | bytes) or not isinstance(history, Sequence):
        raise InputError(
            f"must be a sequence of Visit records, got {type(history).__name__}", path=name
        )
    by_date: dict[dt.date, list[tuple[int, Visit]]] = {}
    for i, item in enumerate(history):
        if not isinstance(item, Visit):
            raise InputError(
                f"must be a Visit, got {type(item).__name__} {item!r}", path=f"{name}[{i}]"
            )
        phase_index(protocol, item.phase, f"{name}[{i}].phase")
        if not_after is not None and item.status == "done" and item.date > not_after:
            raise InputError(
                f"is a done visit on {item.date.isoformat()}, after {not_after_name} "
                f"({not_after.isoformat()}): a visit still to come cannot be done; "
                "record it as booked",
                path=f"{name}[{i}]",
            )
        by_date.setdefault(item.date, []).append((i, item))
    visits: list[Visit] = []
    notes: list[Violation] = []
    for day in sorted(by_date):
        records = by_date[day]
        # One record is its own visit (what _one_visit returns for it, without the search).
        kept = records[0][1] if len(records) == 1 else _one_visit(records, name)
        visits.append(kept)
        if len(records) > 1:
            notes.append(_duplicate(day, records, kept, name))
    return visits, notes


def _one_visit(records: list[tuple[int, Visit]], name: str) -> Visit:
    """The one visit a date's records stand for (see :func:`clean_visits`)."""
    first_i, first = min(records, key=lambda r: (_RANK[r[1].status], r[0]))
    for i, visit in records:
        if first.status == "done" and visit.status in ("missed", "cancelled"):
            raise InputError(
                f"records the visit on {visit.date.isoformat()} as {visit.status}, but "
                f"{name}[{first_i}] records it as done; keep the one that is true",
                path=f"{name}[{i}]",
            )
    named = [(i, v) for i, v in records if v.phase is not None]
    phases = {v.phase for _, v in named}
    if len(phases) > 1:
        i0, v0 = named[0]
        i, clash = next((i, v) for i, v in named if v.phase != v0.phase)
        raise InputError(
            f"records the visit on {clash.date.isoformat()} in phase {clash.phase!r}, but "
            f"{name}[{i0}] records it in phase {v0.phase!r}",
            path=f"{name}[{i}]",
        )
    phase = next(iter(phases), None)
    return (
        first if first.phase == phase else Visit(date=first.date, status=first.status, phase=phase)
    )


def _duplicate(
    day: dt.date, records: list[tuple[int, Visit]], kept: Visit, name: str
) -> Violation:
    where = ", ".join(f"{name}[{i}] ({v.status})" for i, v in records)
    return Violation(
        code="duplicate-visit",
        severity="warning",
        key="duplicate-visit",
        params=(
            Param("date", day.isoformat(), "date"),
            Param("count", str(len(records)), "number"),
            Param("where", where),
            Param("status", kept.status),
        ),
        date=day,
    )


def number_notes(notes: list[Violation], dates: Sequence[dt.date]) -> list[Violation]:
    """``notes`` about visits, each tied to the session its date became (when it is one)."""
    numbers: dict[dt.date, int] = {}
    for k, day in enumerate(dates):
        numbers.setdefault(day, k + 1)
    return [
        attrs.evolve(v, session=numbers[v.date])
        if v.session is None and v.date is not None and v.date in numbers
        else v
        for v in notes
    ]


def sort_entries(entries: list[Entry]) -> tuple[list[Entry], list[int], dict[int, dt.date]]:
    """``entries`` in date order (stable), the original index of each, and the back-dated ones.

    An entry is back-dated when a later date was listed before it; the
    result maps its position in date order to the latest date listed before
    it. Reading in date order means one back-dated entry is one problem, not
    also a wrong window for the entry after it.
    """
    order = sorted(range(len(entries)), key=lambda i: entries[i][0])
    position = {original: k for k, original in enumerate(order)}
    backdated: dict[int, dt.date] = {}
    latest: dt.date | None = None
    for i, (day, _, _) in enumerate(entries):
        if latest is not None and day < latest:
            backdated[position[i]] = latest
        latest = day if latest is None else max(latest, day)
    return [entries[i] for i in order], order, backdated


def judge(
    protocol: Protocol,
    entries: list[Entry],
    *,
    client: Client | None = None,
    days: ClinicDays | None = None,
    complete: bool = False,
    backdated: dict[int, dt.date] | None = None,
) -> tuple[list[Violation], Reading]:
    """Every violation of the calendar ``entries`` (in date order), and how it was read.

    Done sessions are history: the clinic's days do not apply to them.
    Booked and planned sessions must fall on days the clinic allows.
    """
    reading = read(protocol, entries)
    violations: list[Violation] = []
    phases = protocol.phases
    for k, (day, _, status) in enumerate(entries):
        number = k + 1
        if backdated and k in backdated:
            violations.append(_not_chronological(number, day, backdated[k]))
        if k in reading.restarts:
            violations.append(restart_violation(number, day, entries[k - 1][0], protocol))
        elif k > 0:
            index = reading.path[k][0]
            code = reading.code(k)
            if index < 0:
                violations.append(_too_many(number, day, protocol))
            elif code is not None:
                violations.append(
                    _interval_violation(
                        code,
                        number,
                        day,
                        entries[k - 1][0],
                        phases[index],
                        index,
                        reading.window(k),
                    )
                )
        if days is not None and status != "done":
            violations += clinic_violations(days, [(number, day)])
    if client is not None:
        violations += screening.client_violations(protocol, client, list(reading.sessions))
        violations.sort(key=lambda v: (v.session is None, v.session or 0))
    if complete:
        violations += _too_few(list(reading.path[max(reading.restarts, default=0) :]), protocol)
    return violations, reading


def _not_chronological(number: int, day: dt.date, later: dt.date) -> Violation:
    return Violation(
        code="not-chronological",
        severity="error",
        key="not-chronological.listed",
        params=(
            Param("session", str(number), "number"),
            Param("date", day.isoformat(), "date"),
            Param("later", later.isoformat(), "date"),
        ),
        session=number,
        date=day,
    )


def _too_many(number: int, day: dt.date, protocol: Protocol) -> Violation:
    most = sum(p.sessions.max for p in protocol.phases)
    return Violation(
        code="too-many-sessions",
        severity="error",
        key="too-many-sessions",
        params=(
            Param("session", str(number), "number"),
            Param("date", day.isoformat(), "date"),
            Param("protocol", repr(protocol.id)),
            Param("most", str(most), "number"),
        ),
        session=number,
        date=day,
        rule="phases",
    )


def _too_few(path: list[State], protocol: Protocol) -> list[Violation]:
    counts: dict[int, int] = {}
    for index, _ in path:
        counts[index] = counts.get(index, 0) + 1
    out = []
    for i, phase in enumerate(protocol.phases):
        if phase.repeat:
            continue
        have = counts.get(i, 0)
        if have < phase.sessions.min:
            out.append(
                Violation(
                    code="too-few-sessions",
                    severity="error",
                    key="too-few-sessions.one" if have == 1 else "too-few-sessions.many",
                    params=(
                        Param("phase", repr(phase.name)),
                        Param("have", str(have), "number"),
                        Param("least", str(phase.sessions.min), "number"),
                    ),
                    rule=f"phases[{i}].sessions.min",
                )
            )
    return out


def _interval_violation(
    code: str,
    number: int,
    day: dt.date,
    previous: dt.date,
    phase: Phase,
    index: int,
    window: Window,
) -> Violation:
    gap = (day - previous).days
    interval = phase.interval
    params = [Param("session", str(number), "number"), Param("date", day.isoformat(), "date")]
    if code == "not-chronological":  # a plan's sessions, read as listed
        key = "not-chronological.before"
        params += [
            Param("previous_session", str(number - 1), "number"),
            Param("previous", previous.isoformat(), "date"),
        ]
    elif code == "same-day-duplicate":
        key = "same-day-duplicate"
        params.append(Param("previous_session", str(number - 1), "number"))
    else:
        params += [Param("gap", str(gap), "number"), Param("phase", phase.name)]
        if code == "interval-too-long":
            key = "interval.too-long"
            params.append(Param("most", str(interval.max), "units"))
            params.append(day_param("latest", window.latest))
        else:
            key = "interval.within-grace" if code == "within-grace" else "interval.too-short"
            params.append(Param("least", str(interval.min), "units"))
            params.append(day_param("earliest", window.earliest))
    return Violation(
        code=code,
        severity="warning" if code == "within-grace" else "error",
        key=key,
        params=params,
        session=number,
        date=day,
        rule=f"phases[{index}].interval",
        expected=window,
        gap_days=gap,
    )
