"""Benchmark: planning with a clinic (closures + a qualified practitioner with leave).

Plans a facial series with yearly touch-ups over five years for 200 clients
starting on successive days, at a Tuesday-to-Saturday clinic with yearly
closures and a single practitioner qualified for microneedling who takes
leave every summer. The baseline produces the same dates with
``dateutil.rrule`` directly: an ``rruleset`` of open days minus closures and
leave, materialised once, then the same rule (nearest the target inside the
window, earlier on a tie, else the first open day after it) by bisection.
Both run in this process; the script checks that the dates agree and prints
the ratio.

Run: ``python benchmarks/bench_planning_clinic.py``
"""

from __future__ import annotations

import bisect
import datetime as dt
import time
from collections.abc import Callable

from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, FR, SA, TH, TU, WE, WEEKLY, rrule, rruleset

import collagenplan as cp

CLIENTS = 200
FIRST_START = dt.date(2027, 1, 4)
YEARS = 5
REPEATS = 5
PROTOCOL = cp.get_protocol("facial-series")


def closures() -> list[cp.Closure]:
    out = []
    for year in range(2027, 2027 + YEARS + 2):
        out.append(cp.Closure(start=dt.date(year, 12, 23), end=dt.date(year + 1, 1, 3)))
        out.append(cp.Closure(start=dt.date(year, 4, 14)))
        out.append(cp.Closure(start=dt.date(year, 9, 1), end=dt.date(year, 9, 5)))
    return out


def leave() -> list[cp.Closure]:
    return [
        cp.Closure(start=dt.date(year, 7, 20), end=dt.date(year, 8, 9))
        for year in range(2027, 2027 + YEARS + 2)
    ]


def make_clinic() -> cp.Clinic:
    return cp.Clinic(
        id="bench-clinic",
        name="Bench Clinic",
        timezone="Europe/London",
        hours=(
            cp.OpeningHours(
                days=("tue", "wed", "thu", "fri", "sat"), opens=dt.time(10), closes=dt.time(18)
            ),
        ),
        closures=tuple(closures()),
        practitioners=(
            cp.Practitioner(id="ann", treatments=("facial-series",), leave=tuple(leave())),
            cp.Practitioner(id="bob", treatments=("scalp-series",)),
        ),
    )


def starts() -> list[dt.date]:
    return [FIRST_START + dt.timedelta(days=i) for i in range(CLIENTS)]


def horizon(start: dt.date) -> dt.date:
    return start + relativedelta(years=YEARS)


def with_collagenplan() -> list[tuple[dt.date, ...]]:
    clinic = make_clinic()
    return [cp.plan(PROTOCOL, start=s, clinic=clinic, horizon=horizon(s)).dates for s in starts()]


def _allowed_days() -> list[dt.date]:
    first = dt.datetime.combine(FIRST_START, dt.time())
    until = first + relativedelta(years=YEARS + 3)
    days = rruleset()
    days.rrule(rrule(WEEKLY, byweekday=(TU, WE, TH, FR, SA), dtstart=first, until=until))
    for period in closures() + leave():
        last = period.end or period.start
        for moment in rrule(
            DAILY,
            dtstart=dt.datetime.combine(period.start, dt.time()),
            until=dt.datetime.combine(last, dt.time()),
        ):
            days.exdate(moment)
    return [moment.date() for moment in days]


def _choose(
    allowed: list[dt.date], earliest: dt.date, target: dt.date, latest: dt.date
) -> dt.date:
    low = bisect.bisect_left(allowed, earliest)
    high = bisect.bisect_right(allowed, latest)
    if low == high:
        return allowed[high]
    i = bisect.bisect_left(allowed, target, low, high)
    best = [allowed[j] for j in (i - 1, i) if low <= j < high]
    return min(best, key=lambda d: (abs((d - target).days), d))


def with_rrule() -> list[tuple[dt.date, ...]]:
    allowed = _allowed_days()
    series = PROTOCOL.phases[0]
    touch_up = PROTOCOL.phases[1]
    out = []
    for start in starts():
        end = horizon(start)
        dates = [allowed[bisect.bisect_left(allowed, start)]]
        steps = [series] * (series.sessions.default - 1)
        while True:
            phase = steps.pop(0) if steps else touch_up
            previous = dates[-1]
            i = phase.interval
            earliest, target, latest = (
                previous + relativedelta(months=d.months, days=d.days)
                for d in (i.min, i.target, i.max)
            )
            if phase is touch_up and earliest > end:
                break
            day = _choose(allowed, earliest, target, latest)
            if phase is touch_up and day > end:
                break
            dates.append(day)
        out.append(tuple(dates))
    return out


def best_of(
    run: Callable[[], list[tuple[dt.date, ...]]],
) -> tuple[float, list[tuple[dt.date, ...]]]:
    best = float("inf")
    result: list[tuple[dt.date, ...]] = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - began)
    return best, result


def main() -> None:
    ours, planned = best_of(with_collagenplan)
    theirs, expected = best_of(with_rrule)
    if planned != expected:
        raise SystemExit("collagenplan and the dateutil.rrule baseline disagree on the dates")
    sessions = sum(len(d) for d in planned)
    print(
        f"plan with clinic (closures + practitioner leave): {CLIENTS} clients, {sessions} sessions"
    )
    print(f"  collagenplan.plan  {ours * 1000:8.1f} ms")
    print(f"  dateutil.rrule     {theirs * 1000:8.1f} ms")
    print(f"  ratio              {ours / theirs:8.1f}x")


if __name__ == "__main__":
    main()
