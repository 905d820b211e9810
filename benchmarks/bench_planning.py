"""Planning speed against dateutil.rrule producing the same dates, in one process.

Run: ``python benchmarks/bench_planning.py``. Prints microseconds per call and
the ratio planning / rrule (below 1.0 means planning is faster than rrule
alone, although planning also builds windows and session records).
"""

from __future__ import annotations

import datetime as dt
import timeit

from dateutil.rrule import WEEKLY, rrule

import collagenplan as cp

START = dt.date(2026, 12, 1)
REPEAT = 20_000


def main() -> None:
    protocol = cp.get_protocol("facial-series")

    def planning() -> list[dt.date]:
        return [s.date for s in cp.plan(protocol, start=START, sessions=4).sessions[:4]]

    start_dt = dt.datetime.combine(START, dt.time())

    def baseline() -> list[dt.date]:
        return [d.date() for d in rrule(WEEKLY, interval=5, count=4, dtstart=start_dt)]

    assert planning() == baseline(), (planning(), baseline())
    best_plan = min(timeit.repeat(planning, number=REPEAT, repeat=5)) / REPEAT
    best_rrule = min(timeit.repeat(baseline, number=REPEAT, repeat=5)) / REPEAT
    print("4-session facial series (+ touch-up window), same 4 dates as rrule:")
    print(f"  plan():           {best_plan * 1e6:8.2f} us/call")
    print(f"  dateutil.rrule:   {best_rrule * 1e6:8.2f} us/call")
    print(f"  ratio plan/rrule: {best_plan / best_rrule:8.2f}")


if __name__ == "__main__":
    main()
