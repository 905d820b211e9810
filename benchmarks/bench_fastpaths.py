"""The fast-path rows of issue 16: library against a hand-written baseline, same run.

Run: ``python benchmarks/bench_fastpaths.py [--scale S]``. ``--scale 1`` (the
default) is the issue's sizes (1,000,000 sessions, 1,000,000 clients);
``--scale 0.01`` is a CI-sized run. Each row times the library and its
baseline in this process, interleaved, and prints the ratio; every baseline
is first checked to give the library's answers.

Rows:

* ``plan(client=)``: facial series (4 sessions + touch-up) for
  ``examples/client.toml`` from 40 weekly starts. Baseline: the client's
  forbidden days worked out once (not timed), each window's days from
  ``rrule(DAILY)`` nearest the target first, the first session no earlier
  than the retinoid lead-in allows. The library keeps what the client's
  records bring into play per client object too; the row "new client each
  plan" gives it a new (equal) client object every time, so it works them
  out for every plan (no goal: the baseline never does).
* ``plan(clinic=)`` and ``plan(client=, clinic=)``: the clinic and the
  ``rruleset`` + bisect baseline of ``bench_planning_clinic.py`` (its
  allowed days built inside the timed call, as there); with the client,
  its forbidden days are removed from the allowed list too.
* ``validate`` on dates: the calendars of ``bench_validation.py`` against the
  bare gap loop.
* ``next_due``: clients with 1-4 done visits (some missed, some booked
  ahead) against a bare loop that reads the done dates and the count.
* ``plan`` + ``replan``: clients/s for a new plan and a re-plan after the
  first session was done (and, to show the split, for the new plans alone).
* ``batch plan`` + ``replan``: the same clients (starts spread over a year,
  the first session done, re-planned the day after) through
  ``batch.plan`` and ``batch.replan``, one table per call; the per-call
  figure is measured in the same run on a sample, and the distinct keys
  (what is actually planned) are printed. Goal: >= 50,000 clients/s.
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import datetime as dt
import gc
import itertools
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import attrs
from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, rrule

import collagenplan as cp
from collagenplan import screening

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_planning_clinic as bpc  # noqa: E402
import bench_validation as bv  # noqa: E402

P = cp.get_protocol("facial-series")
CLIENT = cp.load_client(HERE.parent / "examples" / "client.toml")
STARTS = [dt.date(2026, 12, 1) + dt.timedelta(days=7 * i) for i in range(40)]
LEAD_IN = dt.timedelta(days=5)  # topical retinoid: stop 5 days before a session


def timed(cases: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median seconds per call of each case, cases interleaved (A B A B ...)."""
    samples: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(repeat):
        for name, fn in cases.items():
            gc.collect()
            t0 = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in samples.items()}


def row(label: str, lib: float, base: float, unit: str, goal: str) -> None:
    print(
        f"{label:34s} library {lib:12.6f} s  baseline {base:12.6f} s  {lib / base:6.2f}x  "
        f"goal {goal}  ({unit})",
        flush=True,
    )


# ------------------------------------------------------------------ planning


def _blocked_days(first: dt.date, last: dt.date) -> set[dt.date]:
    """The client's forbidden days, from its rules (worked out once, not timed)."""
    checks = screening.date_checks(P, CLIENT)
    out = set()
    day = first
    while day <= last:
        if any(c(day) is not None for c in checks):
            out.add(day)
        day += dt.timedelta(days=1)
    return out


BLOCKED = _blocked_days(dt.date(2026, 1, 1), dt.date(2036, 1, 1))


def _rrule_window(earliest: dt.date, target: dt.date, latest: dt.date) -> list[dt.date]:
    days = [
        m.date()
        for m in rrule(
            DAILY,
            dtstart=dt.datetime.combine(earliest, dt.time()),
            until=dt.datetime.combine(latest, dt.time()),
        )
    ]
    return sorted(days, key=lambda d: (abs((d - target).days), d))


def baseline_client(start: dt.date) -> tuple[dt.date, ...]:
    day = start + LEAD_IN
    while day in BLOCKED:
        day += dt.timedelta(days=1)
    dates = [day]
    steps = [(dt.timedelta(weeks=4), dt.timedelta(weeks=5), dt.timedelta(weeks=6))] * 3
    for lo, mid, hi in steps:
        prev = dates[-1]
        window = _rrule_window(prev + lo, prev + mid, prev + hi)
        dates.append(next(d for d in window if d not in BLOCKED))
    prev = dates[-1]
    window = _rrule_window(
        prev + relativedelta(months=11),
        prev + relativedelta(months=12),
        prev + relativedelta(months=13),
    )
    dates.append(next(d for d in window if d not in BLOCKED))
    return tuple(dates)


def library_client(start: dt.date) -> tuple[dt.date, ...]:
    return cp.plan(P, start=start, sessions=4, client=CLIENT).dates


def library_new_client(start: dt.date) -> tuple[dt.date, ...]:
    """The same records in a new client object: nothing of the client is kept from before."""
    return cp.plan(P, start=start, sessions=4, client=attrs.evolve(CLIENT)).dates


def baseline_clinic_client() -> list[tuple[dt.date, ...]]:
    allowed = [d for d in bpc._allowed_days() if d not in BLOCKED]
    series, touch_up = P.phases
    out = []
    for start in bpc.starts():
        end = bpc.horizon(start)
        dates = [allowed[bisect.bisect_left(allowed, start + LEAD_IN)]]
        steps = [series] * (series.sessions.default - 1)
        while True:
            phase = steps.pop(0) if steps else touch_up
            i = phase.interval
            earliest, target, latest = (
                dates[-1] + relativedelta(months=d.months, days=d.days)
                for d in (i.min, i.target, i.max)
            )
            if phase is touch_up and earliest > end:
                break
            day = bpc._choose(allowed, earliest, target, latest)
            if phase is touch_up and day > end:
                break
            dates.append(day)
        out.append(tuple(dates))
    return out


def library_clinic_client() -> list[tuple[dt.date, ...]]:
    clinic = bpc.make_clinic()
    return [
        cp.plan(P, start=s, clinic=clinic, client=CLIENT, horizon=bpc.horizon(s)).dates
        for s in bpc.starts()
    ]


def planning_rows(repeat: int) -> None:
    assert [library_client(s) for s in STARTS] == [baseline_client(s) for s in STARTS]
    t = timed(
        {
            "lib": lambda: [library_client(s) for s in STARTS],
            "base": lambda: [baseline_client(s) for s in STARTS],
        },
        repeat,
    )
    row("plan(client=)", t["lib"] / 40, t["base"] / 40, "per plan", "<= 1.0x")
    assert [library_new_client(s) for s in STARTS] == [baseline_client(s) for s in STARTS]
    t = timed(
        {
            "lib": lambda: [library_new_client(s) for s in STARTS],
            "base": lambda: [baseline_client(s) for s in STARTS],
        },
        repeat,
    )
    row("plan(client=) new client per plan", t["lib"] / 40, t["base"] / 40, "per plan", "none")

    assert bpc.with_collagenplan() == bpc.with_rrule()
    t = timed({"lib": bpc.with_collagenplan, "base": bpc.with_rrule}, repeat)
    n = bpc.CLIENTS
    row("plan(clinic=)", t["lib"] / n, t["base"] / n, "per 5-year plan", "<= 1.0x")

    assert library_clinic_client() == baseline_clinic_client()
    t = timed({"lib": library_clinic_client, "base": baseline_clinic_client}, repeat)
    row("plan(client=, clinic=)", t["lib"] / n, t["base"] / n, "per 5-year plan", "<= 1.0x")


# ---------------------------------------------------------------- validation


def validation_row(sessions: int, repeat: int) -> None:
    data = bv.calendars(sessions)
    total = sum(map(len, data))

    def library() -> int:
        return sum(len(cp.validate(P, dates).errors) for dates in data)

    def gaps() -> int:
        out = 0
        for dates in data:
            for a, b in itertools.pairwise(dates):
                out += (b - a).days
        return out

    assert library() == 0
    t = timed({"lib": library, "base": gaps}, repeat)
    row(
        f"validate {total:,} sessions",
        t["lib"],
        t["base"],
        f"{total / t['lib']:,.0f} vs {total / t['base']:,.0f} sessions/s",
        "<= 5x",
    )


# ------------------------------------------------------------------ next_due

TODAY = dt.date(2026, 6, 1)


def histories(clients: int) -> list[list[cp.Visit]]:
    rng = random.Random(16)
    out = []
    for _ in range(clients):
        done = rng.randint(1, 4)
        day = TODAY - dt.timedelta(days=rng.randint(1, 500))
        dates = [day]
        for _ in range(done - 1):
            dates.insert(0, dates[0] - dt.timedelta(days=rng.randint(28, 42)))
        visits = [cp.Visit(date=d, status="done") for d in dates]
        if rng.random() < 0.1:
            visits.append(cp.Visit(date=dates[-1] + dt.timedelta(days=20), status="missed"))
        if rng.random() < 0.2:
            visits.append(
                cp.Visit(date=TODAY + dt.timedelta(days=rng.randint(1, 30)), status="booked")
            )
        out.append(visits)
    return out


def _months_later(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, the day clamped to the month's end."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def bare_next_due(visits: list[cp.Visit]) -> tuple[str, dt.date, dt.date | None]:
    """Status, earliest and latest from the last done date and the done count."""
    done = sorted(v.date for v in visits if v.status == "done")
    last = done[-1]
    if len(done) < 3:
        earliest, latest = last + dt.timedelta(weeks=4), last + dt.timedelta(weeks=6)
    else:
        earliest, latest = _months_later(last, 11), _months_later(last, 13)
    status = "not-yet-due" if earliest > TODAY else "overdue" if latest < TODAY else "due"
    return status, earliest, latest


def next_due_row(clients: int, repeat: int) -> None:
    data = histories(clients)
    for visits in data[:2000]:
        due = cp.next_due(P, visits, today=TODAY)
        assert (due.status, due.earliest, due.latest) == bare_next_due(visits), visits

    t = timed(
        {
            "lib": lambda: [cp.next_due(P, v, today=TODAY) for v in data],
            "base": lambda: [bare_next_due(v) for v in data],
        },
        repeat,
    )
    row(
        f"next_due {clients:,} clients",
        t["lib"],
        t["base"],
        f"{clients / t['lib']:,.0f} vs {clients / t['base']:,.0f} clients/s",
        "<= 3x",
    )


def replan_row(clients: int) -> None:
    starts = [dt.date(2026, 1, 1) + dt.timedelta(days=i % 365) for i in range(clients)]
    t0 = time.perf_counter()
    for start in starts:
        first = cp.plan(P, start=start)
        done = cp.Visit(date=first.sessions[0].date, status="done")
        cp.replan(first, [done], today=first.sessions[0].date + dt.timedelta(days=1))
    elapsed = time.perf_counter() - t0
    t0 = time.perf_counter()  # the share of the new plans, for where the time goes
    for start in starts:
        cp.plan(P, start=start)
    planning = time.perf_counter() - t0
    print(
        f"{'plan + replan':34s} {clients:,} clients in {elapsed:.2f} s = "
        f"{clients / elapsed:,.0f} clients/s  goal >= 50,000 clients/s  "
        f"(plan alone {clients / planning:,.0f} clients/s)",
        flush=True,
    )


def batch_replan_row(clients: int, sample: int = 20_000) -> None:
    import numpy as np
    import pandas as pd

    from collagenplan import batch

    first_day = dt.date(2026, 1, 1)
    offsets = np.arange(clients, dtype=np.int64) % 365
    starts = (np.datetime64(first_day, "D") + offsets).astype("datetime64[s]")
    frame = pd.DataFrame({"client_id": np.arange(clients), "protocol_id": P.id, "start": starts})
    # The first session of every series is on its start date; its window is open.
    t0 = time.perf_counter()
    planned = batch.plan(frame)
    first = planned[planned["number"] == 1]
    visits = pd.DataFrame(
        {
            "client_id": first["client_id"].to_numpy(),
            "protocol_id": first["protocol_id"].to_numpy(),
            "date": first["date"].to_numpy(),
            "status": "done",
        }
    )
    # Each client re-plans the day after their first session: one batch per day.
    today = visits["date"].dt.date + dt.timedelta(days=1)
    parts = [
        batch.replan(part, today=day) for day, part in visits.groupby(today.to_numpy(), sort=True)
    ]
    elapsed = time.perf_counter() - t0
    replanned = sum(len(p) for p in parts)
    keys = len(set(offsets.tolist()))
    t0 = time.perf_counter()  # the per-call figure, on a sample, in the same run
    few = min(sample, clients)
    for i in range(few):
        one = cp.plan(P, start=first_day + dt.timedelta(days=i % 365))
        done = cp.Visit(date=one.sessions[0].date, status="done")
        cp.replan(one, [done], today=one.sessions[0].date + dt.timedelta(days=1))
    per_call = few / (time.perf_counter() - t0)
    print(
        f"{'batch plan + replan':34s} {clients:,} clients in {elapsed:.2f} s = "
        f"{clients / elapsed:,.0f} clients/s  goal >= 50,000 clients/s  "
        f"({len(planned):,} + {replanned:,} session rows; {keys:,} distinct keys for "
        f"plan, {keys:,} for replan in {len(parts):,} calls; per call "
        f"{per_call:,.0f} clients/s on {few:,})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = the issue's sizes")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="plan,validate,next_due,replan,batch_replan")
    args = parser.parse_args()
    only = set(args.only.split(","))
    big = max(1000, int(1_000_000 * args.scale))
    if "plan" in only:
        planning_rows(args.repeat)
    if "validate" in only:
        validation_row(big, args.repeat)
    if "next_due" in only:
        next_due_row(big, args.repeat)
    if "replan" in only:
        replan_row(big)
    if "batch_replan" in only:
        batch_replan_row(big)


if __name__ == "__main__":
    main()
