"""Batch planning on columnar input (the engine behind :func:`collagenplan.batch.plan`
and :func:`collagenplan.batch.replan`).

A plan with no client and no clinic depends only on the protocol, the start
date and the history. Clients who share those get the same sessions, so each
distinct key is planned once, by the per-client function itself
(:func:`collagenplan.plan`), and its rows are copied to every client with that
key with numpy. The answer is the per-client one by construction; a chain's
clients share few keys (a start date per day of the year, a handful of
histories), which is where the speed comes from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._checks import require_date
from ..errors import CollagenPlanError
from ..planning import plan as plan_one
from ..protocols.model import Protocol
from ..results import Plan
from ..sessions import VISIT_STATUSES, Visit
from ._frames import (
    _EPOCH,
    _NAT,
    Rows,
    _codes,
    _column,
    _days,
    _frame,
    _protocols,
    _Visits,
)

__all__ = ["PLAN_COLUMNS", "plan", "replan"]

Days = npt.NDArray[np.int64]
Progress = Callable[[int, int], None]

PLAN_COLUMNS = ("number", "phase", "date", "earliest", "target", "latest", "status", "codes")
"""Result columns of :func:`plan` and :func:`replan`, after the client and protocol columns."""

_DAY_SECONDS = 86_400


class _Table:
    """The sessions of each distinct key, concatenated: key ``k`` owns rows
    ``starts[k]`` to ``starts[k] + lengths[k]``."""

    def __init__(self, keys: int) -> None:
        self.lengths = np.zeros(keys, dtype=np.int64)
        self.number: list[int] = []
        self.phase: list[str] = []
        self.status: list[str] = []
        self.codes: list[str] = []
        self.days: list[list[int]] = [[], [], [], []]  # date, earliest, target, latest

    def add(self, key: int, result: Plan) -> None:
        codes = " ".join(v.code for v in result.violations)
        date, earliest, target, latest = self.days
        for s in result.sessions:
            self.number.append(s.number)
            self.phase.append(s.phase)
            self.status.append(s.status)
            self.codes.append(codes)
            date.append(_ordinal(s.date))
            earliest.append(_ordinal(s.window.earliest))
            target.append(_ordinal(s.window.target))
            latest.append(_ordinal(s.window.latest))
        self.lengths[key] = len(result.sessions)

    def broadcast(
        self, key_of: Days, client: pd.Series[Any], protocol: pd.Series[Any]
    ) -> pd.DataFrame:
        """One row per session of every unit (``key_of[i]``: the key of unit ``i``);
        ``client`` and ``protocol`` hold the units' ids."""
        starts = np.cumsum(self.lengths) - self.lengths
        counts = self.lengths[key_of]
        unit = np.repeat(np.arange(len(key_of), dtype=np.int64), counts)
        first = np.cumsum(counts) - counts
        source = np.repeat(starts[key_of] - first, counts) + np.arange(len(unit), dtype=np.int64)
        out = pd.DataFrame(
            {
                str(client.name): client.take(unit).reset_index(drop=True),
                str(protocol.name): protocol.take(unit).reset_index(drop=True),
            }
        )
        out["number"] = np.asarray(self.number, dtype=np.int64)[source]
        out["phase"] = pd.Series(_objects(self.phase)[source], dtype=object)
        for name, values in zip(("date", "earliest", "target", "latest"), self.days, strict=True):
            days = np.asarray(values, dtype=np.int64)[source]
            seconds = np.where(days == _NAT, _NAT, days * _DAY_SECONDS)
            out[name] = pd.Series(seconds.view("datetime64[s]"))
        out["status"] = pd.Series(_objects(self.status)[source], dtype=object)
        out["codes"] = pd.Series(_objects(self.codes)[source], dtype=object)
        return out


def _objects(values: list[str]) -> npt.NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _ordinal(day: dt.date | None) -> int:
    return _NAT if day is None else day.toordinal() - _EPOCH


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _solve(
    table: _Table,
    total: int,
    answer: Callable[[int], Plan],
    failed: Callable[[int, CollagenPlanError], Exception],
    progress: Progress | None,
) -> None:
    """Plan every key (in order) with the per-client function; a key it refuses
    stops the batch, naming the first unit with that key."""
    for key in range(total):
        try:
            result = answer(key)
        except CollagenPlanError as exc:
            raise failed(key, exc) from exc
        table.add(key, result)
        if key % 256 == 0:
            _report(progress, key, total)
    _report(progress, total, total)


# ------------------------------------------------------------------ plan


def plan(
    starts: object,
    *,
    protocols: Mapping[str, Protocol] | None = None,
    client_column: str = "client_id",
    protocol_column: str = "protocol_id",
    start_column: str = "start",
    progress: Progress | None = None,
    rows: Rows | None = None,
) -> pd.DataFrame:
    """See :func:`collagenplan.batch.plan`."""
    frame = _frame(starts, "starts")
    rows = rows if rows is not None else Rows(frame.index)
    clients = _column(frame, client_column, "client_column", "starts")
    protocol_ids = _column(frame, protocol_column, "protocol_column", "starts")
    start = _column(frame, start_column, "start_column", "starts")
    _codes(clients, rows, client_column, "client")
    protocol_codes, uniques = _codes(protocol_ids, rows, protocol_column, "client")
    found = _protocols(uniques, protocol_codes, protocols, rows, protocol_column)
    days = _days(start, rows, start_column, "client")
    pair = (days - int(days.min()) if len(days) else days) * max(1, len(found)) + protocol_codes
    key_of, _ = pd.factorize(pair)  # numbered in order of first appearance
    key_of = key_of.astype(np.int64, copy=False)
    total = int(key_of.max()) + 1 if len(key_of) else 0
    first = np.zeros(total, dtype=np.int64)
    first[key_of[::-1]] = np.arange(len(key_of) - 1, -1, -1, dtype=np.int64)

    def answer(key: int) -> Plan:
        row = int(first[key])
        day = dt.date.fromordinal(int(days[row]) + _EPOCH)
        return plan_one(found[int(protocol_codes[row])], start=day)

    def failed(key: int, exc: CollagenPlanError) -> Exception:
        row = int(first[key])
        return rows.error(f"client {clients.iloc[row]!r}: {exc}", row, start_column)

    table = _Table(total)
    _solve(table, total, answer, failed, progress)
    return table.broadcast(key_of, clients, protocol_ids)


# ------------------------------------------------------------------ replan


def _history_keys(data: _Visits) -> tuple[Days, Days]:
    """The key of every group (groups with the same protocol and the same
    (date, status) visits in the same order share one) and each key's first group."""
    size = data.size
    value = data.days[data.order] * len(VISIT_STATUSES) + data.status[data.order]
    key_of = np.empty(size, dtype=np.int64)
    firsts: list[Days] = []
    taken = 0
    for length in np.unique(data.lengths):
        groups = np.flatnonzero(data.lengths == length)
        at = data.starts[groups][:, None] + np.arange(int(length), dtype=np.int64)
        table = np.column_stack([data.protocol_of[groups], value[at]])
        _, first, inverse = np.unique(table, axis=0, return_index=True, return_inverse=True)
        key_of[groups] = taken + inverse.reshape(-1)
        firsts.append(groups[first])
        taken += len(first)
    first_group = np.concatenate(firsts) if firsts else np.zeros(0, dtype=np.int64)
    # Number the keys in order of their first group, so the first client to fail is named.
    order = np.argsort(first_group, kind="stable")
    renumber = np.empty_like(order)
    renumber[order] = np.arange(len(order), dtype=np.int64)
    return renumber[key_of], first_group[order]


def replan(
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
    """See :func:`collagenplan.batch.replan`."""
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
    key_of, first = _history_keys(data)
    total = len(first)

    def answer(key: int) -> Plan:
        group = int(first[key])
        history: list[Visit] = data.visits(group)
        protocol = data.protocols[int(data.protocol_of[group])]
        return plan_one(protocol, start=today, history=history)

    def failed(key: int, exc: CollagenPlanError) -> Exception:
        return data.failed(int(first[key]), exc)

    table = _Table(total)
    _solve(table, total, answer, failed, progress)
    return table.broadcast(key_of, data.keys[client_column], data.keys[protocol_column])
