"""Time the exporters on a 500-session plan with appointment times.

Run: ``python benchmarks/bench_exporters.py``. Prints the median of several
runs per exporter, in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
import zoneinfo
from collections.abc import Callable

import attrs

import collagenplan as cp

WEEKLY = cp.Protocol(
    id="weekly-course",
    name="Weekly course",
    phases=[
        cp.Phase(
            name="series",
            interval=cp.Interval(
                min=cp.Duration(days=7), target=cp.Duration(days=7), max=cp.Duration(days=9)
            ),
            sessions=cp.SessionCount(min=1, max=500, default=500),
        )
    ],
    session=cp.SessionSpec(chair_minutes=45, downtime=cp.Duration(days=1)),
)


def sample_plan() -> cp.Plan:
    """500 weekly sessions at 10:00 New York time, each with two milestones."""
    zone = zoneinfo.ZoneInfo("America/New_York")
    plan = cp.plan(WEEKLY, start=dt.date(2027, 1, 4))
    sessions = tuple(
        attrs.evolve(
            s,
            start=dt.datetime.combine(s.date, dt.time(10), tzinfo=zone),
            milestones=(
                cp.Milestone(
                    kind="stop", subject="topical-retinoid", start=s.date - dt.timedelta(days=5)
                ),
                cp.Milestone(
                    kind="aftercare",
                    subject="no-makeup",
                    start=s.date,
                    end=s.date + dt.timedelta(days=1),
                ),
            ),
        )
        for s in plan.sessions
    )
    return attrs.evolve(plan, sessions=sessions)


def median_ms(action: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return 1000 * statistics.median(times)


def main() -> None:
    plan = sample_plan()
    text = cp.to_json(plan)
    stamp = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    cases: dict[str, Callable[[], object]] = {
        "to_json": lambda: cp.to_json(plan),
        "from_json": lambda: cp.from_json(text, cp.Plan),
        "to_ics": lambda: cp.to_ics(plan, dtstamp=stamp, protocol=WEEKLY),
        "to_fhir": lambda: cp.to_fhir(plan, protocol=WEEKLY),
        "to_csv": lambda: cp.to_csv(plan),
        "milestones_to_csv": lambda: cp.milestones_to_csv(plan),
    }
    print("500 timed sessions, 1000 milestones (median of 5 runs)")
    for name, action in cases.items():
        print(f"{name:>18}: {median_ms(action):8.1f} ms")


if __name__ == "__main__":
    main()
