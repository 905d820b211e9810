"""Batch validation and recall lists against bare Python loops, measured in the same run.

Run: ``python benchmarks/bench_batch.py [--sessions N] [--clients N] [--repeat R]``,
or ``--quick`` for a few-second version (the test suite runs it so it keeps working).

* ``batch.validate``: calendars of the facial series (6 series sessions and 4
  yearly touch-ups, 10 dates each, as in ``bench_validation.py``) in one
  DataFrame, one row per visit. Baseline: the bare gap loop of
  ``bench_validation.py`` over the same calendars as lists of dates.
  Goal (issue 16): at most 5x the loop.
* ``batch.next_due``: recall histories, each a planned facial series (3
  sessions, then yearly touch-ups) cut after 1 to 10 visits. Baseline: a bare
  loop that knows the protocol by heart (series window after fewer than 3
  sessions, touch-up window after) and works out the same window and status;
  it is checked to give the library's answer for every client. Goal: at most
  3x the loop.

Cases are interleaved (library, baseline, library, ...) and the median of
``--repeat`` runs is kept: on a busy machine absolute times move by 2-3x, the
ratios much less. A sample of clients also goes through the per-client
functions, to show what the batch path saves.

Recorded 2026-12-04 on 2 shared cores with other jobs running (load 2-4), four
runs of the full sizes (the fourth after the last change to the batch code),
medians of 5 interleaved repeats each, in seconds:

=============================  ========================  ========================  ======
operation                      batch                     bare loop                 goal
=============================  ========================  ========================  ======
validate, 1,000,000 sessions   0.28 / 0.36 / 0.36 / 0.24  0.12 / 0.24 / 0.19 / 0.17  <= 5x
  ratio                        2.24x / 1.46x / 1.94x / 1.45x
next_due, 1,000,000 clients    3.42 / 4.55 / 4.28 / 1.27  7.58 / 6.62 / 9.74 / 3.01  <= 3x
  (5,065,500 visits)
  ratio                        0.45x / 0.69x / 0.44x / 0.42x
=============================  ========================  ========================  ======

The per-client functions on the same data, estimated from 20,000 sessions or
clients in the same runs: ``cp.validate`` 13.7 to 49.9 s for the million
sessions (39-139x the batch), ``cp.next_due`` 58 to 248 s for the million
clients (32-72x the batch). Peak RSS of the whole script 1.5 GB, most of it
the benchmark's own data (5 million visits as Python lists and as a frame).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

import collagenplan as cp
from collagenplan import batch

EPOCH = dt.date(1970, 1, 1).toordinal()
PATTERNS = 2000
TODAY = dt.date(2026, 6, 1)
WEEK = dt.timedelta(days=7)


def _patterns(sessions: int, horizon_days: int, first: dt.date) -> list[list[dt.date]]:
    """Planned facial calendars of 10 dates from 2,000 different start dates."""
    protocol = cp.get_protocol("facial-series")
    out = []
    for i in range(PATTERNS):
        start = first + dt.timedelta(days=i)
        horizon = start + dt.timedelta(days=horizon_days)
        dates = list(cp.plan(protocol, start=start, sessions=sessions, horizon=horizon).dates)
        out.append(dates[:10])
        assert len(out[-1]) == 10, len(dates)
    return out


def _frame(patterns: list[list[dt.date]], lengths: np.ndarray) -> pd.DataFrame:
    """One row per visit: client ``i`` has the first ``lengths[i]`` dates of pattern ``i % N``."""
    table = np.array([[d.toordinal() - EPOCH for d in p] for p in patterns], dtype=np.int64)
    clients = len(lengths)
    client = np.repeat(np.arange(clients, dtype=np.int64), lengths)
    starts = np.cumsum(lengths) - lengths
    k = np.arange(len(client)) - np.repeat(starts, lengths)
    days = table[client % PATTERNS, k]
    return pd.DataFrame(
        {
            "client_id": client,
            "protocol_id": "facial-series",
            "date": days.astype("datetime64[D]").astype("datetime64[s]"),
            "status": "done",
        }
    )


def _line(label: str, seconds: float, count: int, note: str = "") -> None:
    print(f"  {label:<18}  {seconds:7.2f} s  {count / seconds:>12,.0f}/s{note}")


def _timed(cases: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median seconds of each case, the cases interleaved."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, case in cases.items():
            gc.collect()
            start = time.perf_counter()
            case()
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(times) for name, times in samples.items()}


# ---------------------------------------------------------------- validate


def _gap_loop(calendars: list[list[dt.date]]) -> int:
    gaps = 0
    for dates in calendars:
        for a, b in itertools.pairwise(dates):
            gaps += (b - a).days
    return gaps


def bench_validate(sessions: int, repeat: int, sample: int) -> float:
    patterns = _patterns(sessions=6, horizon_days=1700, first=dt.date(2020, 1, 1))
    clients = sessions // 10
    frame = _frame(patterns, np.full(clients, 10, dtype=np.int64))
    calendars = [patterns[i % PATTERNS] for i in range(clients)]
    result = batch.validate(frame)
    assert bool(result["ok"].all()) and len(result) == clients
    times = _timed(
        {"library": lambda: batch.validate(frame), "baseline": lambda: _gap_loop(calendars)},
        repeat,
    )
    protocol = cp.get_protocol("facial-series")
    few = calendars[: max(1, sample // 10)]
    start = time.perf_counter()
    for dates in few:
        cp.validate(protocol, dates)
    one_by_one = (time.perf_counter() - start) / (10 * len(few))
    ratio = times["library"] / times["baseline"]
    print(f"validate: {sessions:,} sessions in {clients:,} calendars (facial-series, done visits)")
    _line("batch.validate", times["library"], sessions)
    _line("bare gap loop", times["baseline"], sessions)
    note = f"  (estimated from {10 * len(few):,} sessions)"
    _line("cp.validate each", one_by_one * sessions, sessions, note)
    print(f"  ratio batch/loop    {ratio:7.2f}x  (goal <= 5x)")
    return ratio


# ---------------------------------------------------------------- next_due


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    last = (dt.date(year + (month0 == 11), (month0 + 1) % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month0 + 1, min(day.day, last))


def _recall_loop(histories: list[list[dt.date]], today: dt.date) -> list[tuple[str, dt.date]]:
    """The facial series' recall, written out by hand: status and target of each client."""
    out = []
    four, five, six = 4 * WEEK, 5 * WEEK, 6 * WEEK
    for dates in histories:
        last = dates[-1]
        if len(dates) < 3:
            earliest, target, latest = last + four, last + five, last + six
        else:
            earliest = _add_months(last, 11)
            target = _add_months(last, 12)
            latest = _add_months(last, 13)
        if today < earliest:
            status = "not-yet-due"
        elif today > latest:
            status = "overdue"
        else:
            status = "due"
        out.append((status, target))
    return out


def bench_next_due(clients: int, repeat: int, sample: int) -> float:
    patterns = _patterns(sessions=3, horizon_days=2700, first=dt.date(2018, 1, 1))
    # A history holds what was done by today: 1 to 10 visits, none after today.
    upto = np.array([sum(d <= TODAY for d in p) for p in patterns], dtype=np.int64)
    cut = 1 + (np.arange(clients, dtype=np.int64) * 7) % 10
    lengths = np.minimum(cut, upto[np.arange(clients) % PATTERNS])
    frame = _frame(patterns, lengths)
    histories = [patterns[i % PATTERNS][: int(lengths[i])] for i in range(clients)]
    result = batch.next_due(frame, today=TODAY)
    expected = _recall_loop(histories, TODAY)
    got = list(zip(result["status"], result["target"].dt.date, strict=True))
    assert got == expected, "the baseline and the library disagree"
    times = _timed(
        {
            "library": lambda: batch.next_due(frame, today=TODAY),
            "baseline": lambda: _recall_loop(histories, TODAY),
        },
        repeat,
    )
    protocol = cp.get_protocol("facial-series")
    few = histories[:sample]
    start = time.perf_counter()
    for dates in few:
        cp.next_due(protocol, [cp.Visit(date=d) for d in dates], today=TODAY)
    one_by_one = (time.perf_counter() - start) / len(few)
    ratio = times["library"] / times["baseline"]
    counts = result["status"].value_counts().to_dict()
    print(f"next_due: {clients:,} clients, {len(frame):,} visits (facial-series); {counts}")
    _line("batch.next_due", times["library"], clients)
    _line("bare recall loop", times["baseline"], clients)
    _line(
        "cp.next_due each",
        one_by_one * clients,
        clients,
        f"  (estimated from {len(few):,} clients)",
    )
    print(f"  ratio batch/loop    {ratio:7.2f}x  (goal <= 3x)")
    return ratio


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1_000_000, help="sessions to validate")
    parser.add_argument("--clients", type=int, default=1_000_000, help="clients to recall")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved runs per case")
    parser.add_argument("--sample", type=int, default=20_000, help="per-client sample size")
    parser.add_argument("--quick", action="store_true", help="small sizes, one run (for CI)")
    args = parser.parse_args(argv)
    if args.quick:
        args.sessions, args.clients, args.repeat, args.sample = 20_000, 5_000, 1, 200
    bench_validate(args.sessions, args.repeat, args.sample)
    bench_next_due(args.clients, args.repeat, args.sample)


if __name__ == "__main__":
    main()
