"""``to_ics`` for one client's plan, against icalendar writing the same calendar.

Run: ``python benchmarks/bench_ics.py``. The plan is the README's: a facial
series for a client on a topical retinoid at the example clinic (timed
sessions in Europe/London, stop/resume reminders as alarms). Printed, best
of several runs, in the same process:

* ``to_ics`` the first time (the VTIMEZONE is built: decades of zone data
  probed every twelve hours) and every time after (it is cached);
* the baseline: icalendar serialising the very calendar ``to_ics`` wrote,
  parsed back beforehand, so only writing is timed. It is the floor for any
  exporter that writes through icalendar; the issue's goal is ``to_ics``
  within 2x of writing the same text.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

import icalendar

import collagenplan as cp
from collagenplan.exporters import _vtimezone

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
STAMP = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


def best_ms(action: Callable[[], object], runs: int = 30) -> float:
    best = float("inf")
    for _ in range(runs):
        began = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - began)
    return best * 1000


def main() -> None:
    protocol = cp.get_protocol("facial-series")
    client = cp.Client(medications=[cp.Medication("topical-retinoid")])
    clinic = cp.load_clinic(EXAMPLES / "clinic.toml")
    plan = cp.plan(protocol, start=dt.date(2027, 3, 1), client=client, clinic=clinic)
    reminders = sum(len(s.milestones) for s in plan.sessions)

    def export() -> bytes:
        return cp.to_ics(plan, protocol=protocol, dtstamp=STAMP)

    _vtimezone.vtimezone.cache_clear()
    began = time.perf_counter()
    text = export()
    cold = (time.perf_counter() - began) * 1000
    warm = best_ms(export)
    calendar = icalendar.Calendar.from_ical(text)
    floor = best_ms(calendar.to_ical)
    print(f"one plan: {len(plan.sessions)} timed sessions, {reminders} reminders")
    print(f"{'icalendar writes it (baseline)':34} {floor:8.2f} ms   1.00 x baseline")
    print(f"{'to_ics, zone cached':34} {warm:8.2f} ms   {warm / floor:5.2f} x baseline")
    print(f"{'to_ics, first call':34} {cold:8.2f} ms   {cold / floor:5.2f} x baseline")


if __name__ == "__main__":
    main()
