"""Validation throughput on 1,000,000 sessions against a bare Python gap loop.

Run: ``python benchmarks/bench_validation.py [sessions]``. The calendars are
100,000 facial-series calendars of 10 sessions (6 series sessions and 4
yearly touch-ups), given as plain date lists, so the validator also has to
work out which phase each date belongs to. The baseline is a loop that only
computes the same day gaps. Both run in this process; the ratio says how many
times longer full validation takes than computing the gaps alone.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
import time

import collagenplan as cp


def calendars(total: int) -> list[list[dt.date]]:
    protocol = cp.get_protocol("facial-series")
    out = []
    base = dt.date(2020, 1, 1)
    for i in range(total // 10):
        start = base + dt.timedelta(days=i % 2000)
        plan = cp.plan(protocol, start=start, sessions=6, horizon=start + dt.timedelta(days=1700))
        dates = list(plan.dates)
        assert len(dates) == 10, len(dates)
        out.append(dates)
    return out


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    protocol = cp.get_protocol("facial-series")
    data = calendars(total)
    sessions = sum(len(c) for c in data)

    t0 = time.perf_counter()
    gaps = 0
    for dates in data:
        for a, b in itertools.pairwise(dates):
            gaps += (b - a).days
    baseline = time.perf_counter() - t0

    t0 = time.perf_counter()
    errors = 0
    for dates in data:
        errors += len(cp.validate(protocol, dates).errors)
    elapsed = time.perf_counter() - t0
    assert errors == 0

    print(f"{sessions:,} sessions in {len(data):,} calendars (facial-series, dates only)")
    print(f"  validate():      {elapsed:7.2f} s   {sessions / elapsed:12,.0f} sessions/s")
    print(f"  bare gap loop:   {baseline:7.2f} s   {sessions / baseline:12,.0f} sessions/s")
    print(f"  ratio validate/loop: {elapsed / baseline:6.1f}")


if __name__ == "__main__":
    main()
