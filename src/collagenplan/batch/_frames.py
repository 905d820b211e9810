"""Batch validation and recall on columnar visits (the engine behind :mod:`collagenplan.batch`).

The input is one row per visit; the output one row per (client, protocol).
Each output row is, by construction, what the per-client function says for
that client's visits in the frame's row order: rows go to
:func:`collagenplan.validate` and :func:`collagenplan.next_due` one client at
a time, except the ones the vectorised reading of :mod:`._fast` can answer
exactly (see :meth:`_Visits.candidates`); the property tests in
``tests/test_batch.py`` check the two agree on random protocols and histories.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._checks import require_date
from ..errors import CollagenPlanError, InputError, UnknownProtocolError
from ..living import NextDue
from ..living import next_due as next_due_one
from ..planning._history import counts_by_phase
from ..protocols.loader import get_protocol
from ..protocols.model import Protocol
from ..results import Report
from ..sessions import VISIT_STATUSES, Visit
from ..validation import validate as validate_one
from . import _fast

__all__ = ["DUE_COLUMNS", "VALID_COLUMNS", "Rows", "next_due", "validate"]

Days = npt.NDArray[np.int64]
Progress = Callable[[int, int], None]

_EPOCH = dt.date(1970, 1, 1).toordinal()
_NAT = np.iinfo(np.int64).min
_DONE = VISIT_STATUSES.index("done")
_FAST_STATUSES = np.array([VISIT_STATUSES.index(s) for s in ("done", "missed", "cancelled")])
"""Statuses the vectorised path reads: missed and cancelled visits are not sessions."""

VALID_COLUMNS = ("ok", "code", "errors", "warnings", "sessions")
"""Result columns of :func:`validate`, after the client and protocol columns."""
DUE_COLUMNS = (
    "status",
    "session",
    "phase",
    "earliest",
    "target",
    "latest",
    "last_done",
    "booked",
    "restart",
    "covered",
    "needs_booking",
    "resumes",
    "codes",
)
"""Result columns of :func:`next_due`, after the client and protocol columns."""


class Rows:
    """Where a row of the input came from, for error messages.

    A data frame names a row by its index label (``date[17]``); a file read by
    the command line names the file, the line and the column
    (``visits.csv:18: date: ...``).
    """

    def __init__(
        self,
        labels: pd.Index | None = None,
        *,
        source: str | None = None,
        lines: npt.NDArray[np.int64] | None = None,
    ) -> None:
        self.labels = labels
        self.source = source
        self.lines = lines

    def error(self, problem: str, row: int, column: str) -> InputError:
        """An :class:`InputError` about ``column`` of input row ``row`` (0-based position)."""
        if self.lines is not None:
            return InputError(problem, path=column, source=self.source, line=int(self.lines[row]))
        label: object = row if self.labels is None else self.labels[row]
        shown = label if isinstance(label, int | np.integer) else repr(label)
        return InputError(problem, path=f"{column}[{shown}]", source=self.source)


# ------------------------------------------------------------------ reading the columns


def _frame(visits: object, what: str = "visits") -> pd.DataFrame:
    """A pandas DataFrame from a DataFrame or a pyarrow Table (``what``: the argument's name)."""
    if isinstance(visits, pd.DataFrame):
        return visits
    to_pandas = getattr(visits, "to_pandas", None)
    if type(visits).__module__.split(".")[0] == "pyarrow" and callable(to_pandas):
        frame = to_pandas(date_as_object=False)
        if isinstance(frame, pd.DataFrame):
            return frame
    raise InputError(
        f"must be a pandas DataFrame or a pyarrow Table, got {type(visits).__name__}",
        path=what,
    )


def _column(frame: pd.DataFrame, name: str, what: str, table: str = "visits") -> pd.Series[Any]:
    if not isinstance(name, str):
        raise InputError(f"must be a column name, got {name!r}", path=what)
    if name not in frame.columns:
        known = ", ".join(repr(str(c)) for c in frame.columns) or "none"
        raise InputError(f"the {table} have no column {name!r} (columns: {known})", path=what)
    column = frame[name]
    if isinstance(column, pd.DataFrame):
        raise InputError(f"the {table} have more than one column {name!r}", path=what)
    return column


def _codes(
    column: pd.Series[Any], rows: Rows, name: str, noun: str = "visit"
) -> tuple[npt.NDArray[np.int64], Any]:
    """Factorised values of an id column; an empty cell is an error (``noun``: what a row is)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    empty = np.flatnonzero(codes < 0)
    if empty.size:
        raise rows.error(f"is empty; every {noun} needs one", int(empty[0]), name)
    return codes.astype(np.int64, copy=False), uniques


def _date_text(text: str) -> int | None:
    """Days since 1970-01-01 of a ``YYYY-MM-DD`` text, or ``None``."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    try:
        return dt.date.fromisoformat(text).toordinal() - _EPOCH
    except ValueError:
        return None


def _day(value: object, noun: str = "visit") -> int | str:
    """Days since 1970-01-01 of one cell, or the problem with it."""
    if type(value) is dt.date:
        return value.toordinal() - _EPOCH
    if isinstance(value, str):
        found = _date_text(value.strip())
        return found if found is not None else f"{value!r} is not a date written YYYY-MM-DD"
    if isinstance(value, dt.datetime):
        return f"{value!r} is a date-time; give the date alone (the one date policy)"
    if isinstance(value, dt.date):  # a date subclass
        return value.toordinal() - _EPOCH
    if value is None or value is pd.NaT or value is pd.NA or isinstance(value, float):
        return f"is empty; every {noun} needs a date"
    return f"must be a date, got {type(value).__name__} {value!r}"


_FIRST = dt.date.min.toordinal() - _EPOCH


def _iso_days(cells: npt.NDArray[np.object_]) -> Days | None:
    """Days of texts that are all exactly ``YYYY-MM-DD`` and real dates, at numpy speed;
    ``None`` for anything else, which the cell-by-cell reading then judges."""
    if not len(cells) or pd.api.types.infer_dtype(cells, skipna=False) != "string":
        return None
    text = cells.astype("U11")  # an 11th character means the text is too long
    codes = text.view(np.uint32).reshape(len(text), 11)
    digits = codes[:, [0, 1, 2, 3, 5, 6, 8, 9]]
    if not (
        ((digits >= ord("0")) & (digits <= ord("9"))).all()
        and (codes[:, [4, 7]] == ord("-")).all()
        and (codes[:, 10] == 0).all()
    ):
        return None
    try:
        days: Days = text.astype("datetime64[D]").astype(np.int64)
    except ValueError:  # 2027-02-30 and the like
        return None
    return days if int(days.min()) >= _FIRST else None  # year 0000 is not a date


def _days(column: pd.Series[Any], rows: Rows, name: str, noun: str = "visit") -> Days:
    """The dates of a column as days since 1970-01-01.

    A datetime64 column must hold midnights only (a date-time is refused, not
    truncated, as everywhere in collagenplan); an object or text column may
    hold ``datetime.date`` values or ``YYYY-MM-DD`` texts.
    """
    dtype = column.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        raise rows.error(f"holds time-zone aware date-times ({dtype}); give dates", 0, name)
    if isinstance(dtype, np.dtype) and np.issubdtype(dtype, np.datetime64):
        values = column.to_numpy()
        missing = np.flatnonzero(np.isnat(values))
        if missing.size:
            raise rows.error(f"is empty; every {noun} needs a date", int(missing[0]), name)
        days = values.astype("datetime64[D]")
        timed = np.flatnonzero(days != values)
        if timed.size:
            row = int(timed[0])
            raise rows.error(
                f"{pd.Timestamp(values[row])} is a date-time; give the date alone "
                "(the one date policy)",
                row,
                name,
            )
        out: Days = days.astype(np.int64)
        return out
    cells = column.to_numpy(dtype=object)
    fast = _iso_days(cells)
    if fast is not None:
        return fast
    result = np.empty(len(cells), dtype=np.int64)
    for position, value in enumerate(cells):
        found = _day(value, noun)
        if isinstance(found, str):
            raise rows.error(found, position, name)
        result[position] = found
    return result


def _statuses(column: pd.Series[Any] | None, size: int, rows: Rows, name: str) -> Days:
    """Status codes: the index of each visit's status in ``VISIT_STATUSES``."""
    if column is None:
        return np.full(size, _DONE, dtype=np.int64)
    codes, uniques = _codes(column, rows, name)
    table = np.empty(len(uniques), dtype=np.int64)
    for k, value in enumerate(uniques):
        if not isinstance(value, str) or value not in VISIT_STATUSES:
            row = int(np.flatnonzero(codes == k)[0])
            raise rows.error(
                f"must be one of {', '.join(VISIT_STATUSES)}; got {value!r}", row, name
            )
        table[k] = VISIT_STATUSES.index(value)
    out: Days = table[codes]
    return out


def _protocols(
    uniques: Any,
    codes: npt.NDArray[np.int64],
    given: Mapping[str, Protocol] | None,
    rows: Rows,
    name: str,
) -> list[Protocol]:
    """The protocol of each distinct id: from ``given``, else the built-in catalogue."""
    if given is not None and not isinstance(given, Mapping):
        raise InputError(
            f"must be a mapping of protocol ids to Protocols, got {type(given).__name__}",
            path="protocols",
        )
    out = []
    for k, value in enumerate(uniques):
        row = int(np.flatnonzero(codes == k)[0])
        if not isinstance(value, str):
            raise rows.error(
                f"must be a protocol id, got {type(value).__name__} {value!r}", row, name
            )
        found = given.get(value) if given is not None else None
        if found is None:
            try:
                found = get_protocol(value)
            except UnknownProtocolError as exc:
                raise rows.error(str(exc), row, name) from None
        elif not isinstance(found, Protocol):
            raise InputError(
                f"must be a Protocol, got {type(found).__name__}", path=f"protocols[{value!r}]"
            )
        out.append(found)
    return out


class _Visits:
    """The visits, grouped by (client, protocol), each group's rows in frame order."""

    def __init__(
        self,
        visits: object,
        *,
        protocols: Mapping[str, Protocol] | None,
        client_column: str,
        protocol_column: str,
        date_column: str,
        status_column: str | None,
        rows: Rows | None,
    ) -> None:
        frame = _frame(visits)
        self.rows = rows if rows is not None else Rows(frame.index)
        clients = _column(frame, client_column, "client_column")
        protocol_ids = _column(frame, protocol_column, "protocol_column")
        status = None if status_column is None else _column(frame, status_column, "status_column")
        date = _column(frame, date_column, "date_column")
        client_codes, _ = _codes(clients, self.rows, client_column)
        protocol_codes, uniques = _codes(protocol_ids, self.rows, protocol_column)
        self.protocols = _protocols(uniques, protocol_codes, protocols, self.rows, protocol_column)
        self.days = _days(date, self.rows, date_column)
        self.status = _statuses(status, len(frame), self.rows, status_column or "status")
        pair = client_codes * max(1, len(self.protocols)) + protocol_codes
        group, _ = pd.factorize(pair)  # numbered in order of first appearance
        self.group = group.astype(np.int64, copy=False)
        self.size = int(self.group.max()) + 1 if len(self.group) else 0
        self.order: Days = np.argsort(self.group, kind="stable").astype(np.int64)
        self.lengths: Days = np.bincount(self.group, minlength=self.size).astype(np.int64)
        self.starts: Days = np.cumsum(self.lengths) - self.lengths
        self.first: Days = self.order[self.starts]  # each group's first row
        self.protocol_of: Days = protocol_codes[self.first]
        self.keys = pd.DataFrame(
            {
                client_column: clients.take(self.first).reset_index(drop=True),
                protocol_column: protocol_ids.take(self.first).reset_index(drop=True),
            }
        )
        self.client_column = client_column

    def visits(self, group: int) -> list[Visit]:
        """The group's visits in frame order, as the per-client functions take them."""
        start = int(self.starts[group])
        picked = self.order[start : start + int(self.lengths[group])]
        return [
            Visit(
                date=dt.date.fromordinal(int(self.days[r]) + _EPOCH),
                status=VISIT_STATUSES[int(self.status[r])],
            )
            for r in picked
        ]

    def failed(self, group: int, exc: CollagenPlanError) -> InputError:
        """An error raised for one client, located at the client's first row."""
        label = self.keys.iloc[group, 0]
        return self.rows.error(
            f"client {label!r}: {exc}", int(self.first[group]), self.client_column
        )

    def candidates(self, *, by_date: bool, last: int | None = None) -> _Sessions:
        """The groups the vectorised path may answer, with their sessions.

        A candidate's visits are all ``done``, ``missed`` or ``cancelled``
        (:data:`_FAST_STATUSES`), at least one of them done, on distinct dates in
        strictly increasing order (in table order, or in date order with
        ``by_date``), between ``_fast.LOW`` and ``_fast.HIGH`` (and on or before
        ``last`` when given); its protocol is :func:`_fast.eligible`. Missed and
        cancelled visits are not sessions for either per-client function; the
        sessions returned are the done visits alone.
        """
        order = self.order
        days = self.days[order]
        group = np.repeat(np.arange(self.size, dtype=np.int64), self.lengths)
        same = group[1:] == group[:-1]
        if by_date and not np.all((days[1:] >= days[:-1]) | ~same):
            # Not in date order already: sort each group by date, stably.
            order = np.lexsort((self.days, self.group)).astype(np.int64)
            days = self.days[order]
        status = self.status[order]
        bad_row = ~np.isin(status, _FAST_STATUSES) | (days < _fast.LOW) | (days > _fast.HIGH)
        if last is not None:
            bad_row |= days > last
        bad = np.bincount(group[bad_row], minlength=self.size) > 0
        bad[group[1:][same & (days[1:] <= days[:-1])]] = True
        good_protocol = np.array([_fast.eligible(p) for p in self.protocols], dtype=bool)
        if self.size:
            bad |= ~good_protocol[self.protocol_of]
        done = status == _DONE
        lengths = np.bincount(group[done], minlength=self.size).astype(np.int64)
        bad |= lengths == 0
        return _Sessions(
            groups=np.flatnonzero(~bad).astype(np.int64),
            days=days[done],
            starts=np.cumsum(lengths) - lengths,
            lengths=lengths,
        )


class _Sessions:
    """The done sessions of every group, in reading order, and the groups to read fast."""

    __slots__ = ("days", "groups", "lengths", "starts")

    def __init__(self, *, groups: Days, days: Days, starts: Days, lengths: Days) -> None:
        self.groups = groups
        self.days = days
        self.starts = starts
        self.lengths = lengths

    def read(self, protocol: Protocol, mine: Days) -> _fast.Greedy:
        """The greedy reading of groups ``mine``."""
        return _fast.greedy(protocol, self.days, self.starts[mine], self.lengths[mine])


def _nat(size: int) -> Days:
    return np.full(size, _NAT, dtype=np.int64)


def _ordinal(day: dt.date | None) -> int:
    return _NAT if day is None else day.toordinal() - _EPOCH


def _dates(days: Days) -> pd.Series[Any]:
    return pd.Series(days.astype("datetime64[D]").astype("datetime64[s]"))


T = TypeVar("T")


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _one_by_one(
    data: _Visits,
    answered: npt.NDArray[np.bool_],
    answer: Callable[[Protocol, list[Visit]], T],
    progress: Progress | None,
) -> Iterator[tuple[int, T]]:
    """``(group, answer)`` for every group the fast path left, from the per-client
    function; a client it refuses stops the batch, naming the client."""
    rest = np.flatnonzero(~answered)
    total = int(rest.size)
    for step, group in enumerate(rest):
        g = int(group)
        try:
            result = answer(data.protocols[int(data.protocol_of[g])], data.visits(g))
        except CollagenPlanError as exc:
            raise data.failed(g, exc) from exc
        yield g, result
        if step % 1024 == 0:
            _report(progress, step, total)
    _report(progress, total, total)


# ------------------------------------------------------------------ validate


def _first_code(report: Report) -> str | None:
    errors = report.errors
    if errors:
        return errors[0].code
    return report.violations[0].code if report.violations else None


def validate(
    visits: object,
    *,
    protocols: Mapping[str, Protocol] | None = None,
    client_column: str = "client_id",
    protocol_column: str = "protocol_id",
    date_column: str = "date",
    status_column: str | None = "status",
    complete: bool = False,
    progress: Progress | None = None,
    rows: Rows | None = None,
) -> pd.DataFrame:
    """See :func:`collagenplan.batch.validate`."""
    if not isinstance(complete, bool):
        raise InputError(f"must be True or False, got {complete!r}", path="complete")
    data = _Visits(
        visits,
        protocols=protocols,
        client_column=client_column,
        protocol_column=protocol_column,
        date_column=date_column,
        status_column=status_column,
        rows=rows,
    )
    size = data.size
    ok = np.zeros(size, dtype=bool)
    code = np.full(size, None, dtype=object)
    errors = np.zeros(size, dtype=np.int64)
    warnings = np.zeros(size, dtype=np.int64)
    sessions = np.zeros(size, dtype=np.int64)
    answered = np.zeros(size, dtype=bool)
    fast = data.candidates(by_date=False)
    for index, protocol in enumerate(data.protocols):
        mine = fast.groups[data.protocol_of[fast.groups] == index]
        if not mine.size:
            continue
        read = fast.read(protocol, mine)
        fine = read.alive.copy()
        if complete:
            fine &= ~_too_few(protocol, read)
        done = mine[fine]
        ok[done] = True
        sessions[done] = fast.lengths[done]
        answered[done] = True
    for g, report in _one_by_one(
        data, answered, lambda p, v: validate_one(p, v, complete=complete), progress
    ):
        ok[g] = report.ok
        code[g] = _first_code(report)
        errors[g] = len(report.errors)
        warnings[g] = len(report.warnings)
        sessions[g] = len(report.sessions)
    out = data.keys.copy()
    out["ok"] = ok
    out["code"] = pd.Series(code, dtype=object)
    out["errors"] = errors
    out["warnings"] = warnings
    out["sessions"] = sessions
    return out


def _too_few(protocol: Protocol, read: _fast.Greedy) -> npt.NDArray[np.bool_]:
    """Calendars whose greedy reading is short of a phase's minimum (``complete=True``)."""
    phases = protocol.phases
    short = np.zeros(read.phase.size, dtype=bool)
    for j, phase in enumerate(phases):
        if phase.repeat:
            continue
        here = (read.phase == j) & (read.count < phase.sessions.min)
        later = read.phase < j  # a phase not reached yet has no session
        short |= here | (later & (phase.sessions.min > 0))
    return short


# ------------------------------------------------------------------ next_due


def next_due(
    visits: object,
    *,
    today: dt.date,
    protocols: Mapping[str, Protocol] | None = None,
    client_column: str = "client_id",
    protocol_column: str = "protocol_id",
    date_column: str = "date",
    status_column: str | None = "status",
    progress: Progress | None = None,
    rows: Rows | None = None,
) -> pd.DataFrame:
    """See :func:`collagenplan.batch.next_due`."""
    today = require_date(today, "today")
    data = _Visits(
        visits,
        protocols=protocols,
        client_column=client_column,
        protocol_column=protocol_column,
        date_column=date_column,
        status_column=status_column,
        rows=rows,
    )
    size = data.size
    t = today.toordinal() - _EPOCH
    status = np.full(size, None, dtype=object)
    session = np.zeros(size, dtype=np.int64)
    has_session = np.zeros(size, dtype=bool)
    phase = np.full(size, None, dtype=object)
    earliest, target, latest, last_done, booked, resumes = (_nat(size) for _ in range(6))
    restart = np.zeros(size, dtype=bool)
    covered = np.zeros(size, dtype=bool)
    codes = np.full(size, "", dtype=object)
    answered = np.zeros(size, dtype=bool)
    fast = data.candidates(by_date=True, last=t)
    for index, protocol in enumerate(data.protocols):
        mine = fast.groups[data.protocol_of[fast.groups] == index]
        if not mine.size:
            continue
        read = fast.read(protocol, mine)
        done = mine[read.alive]
        last = fast.days[fast.starts[done] + fast.lengths[done] - 1]
        first = _next_phase(protocol, read.phase[read.alive], read.count[read.alive])
        last_done[done] = last
        answered[done] = True
        complete = first < 0
        status[done[complete]] = "complete"
        for j, ph in enumerate(protocol.phases):
            pick = first == j
            if not pick.any():
                continue
            picked = done[pick]
            base = last[pick]
            low = _fast.add(base, ph.interval.min)
            high = _fast.add(base, ph.interval.max)
            earliest[picked] = low
            target[picked] = _fast.add(base, ph.interval.target)
            latest[picked] = high
            status[picked] = np.where(t < low, "not-yet-due", np.where(t > high, "overdue", "due"))
            phase[picked] = ph.name
            session[picked] = fast.lengths[picked] + 1
            has_session[picked] = True
    for g, due in _one_by_one(
        data, answered, lambda p, v: next_due_one(p, v, today=today), progress
    ):
        _store(due, g, status, phase, restart)
        covered[g] = due.covered
        codes[g] = " ".join(v.code for v in due.violations)
        if due.session is not None:
            session[g] = due.session
            has_session[g] = True
        for array, value in (
            (earliest, due.earliest),
            (target, due.target),
            (latest, due.latest),
            (last_done, due.last_done),
            (booked, due.booked),
            (resumes, due.resumes),
        ):
            array[g] = _ordinal(value)
    out = data.keys.copy()
    out["status"] = pd.Series(status, dtype=object)
    out["session"] = pd.arrays.IntegerArray(session, ~has_session)
    out["phase"] = pd.Series(phase, dtype=object)
    for name, array in (
        ("earliest", earliest),
        ("target", target),
        ("latest", latest),
        ("last_done", last_done),
        ("booked", booked),
    ):
        out[name] = _dates(array)
    out["restart"] = restart
    out["covered"] = covered
    # NextDue.needs_booking: due or overdue, and no booking covers it.
    out["needs_booking"] = np.isin(status, ("due", "overdue")) & ~covered
    out["resumes"] = _dates(resumes)
    out["codes"] = pd.Series(codes, dtype=object)
    return out


def _store(
    due: NextDue,
    g: int,
    status: npt.NDArray[np.object_],
    phase: npt.NDArray[np.object_],
    restart: npt.NDArray[np.bool_],
) -> None:
    status[g] = due.status
    phase[g] = due.phase
    restart[g] = due.restart


def _next_phase(protocol: Protocol, phase: Days, count: Days) -> Days:
    """Index of the next session's phase (``-1``: complete), as ``planning.next_phase``."""
    counts = counts_by_phase(protocol, None)
    phases = protocol.phases
    out = phase.copy()
    for j, ph in enumerate(phases):
        if ph.repeat:
            continue
        full = (phase == j) & (count >= counts[j])
        out[full] = j + 1 if j + 1 < len(phases) else -1
    return out
