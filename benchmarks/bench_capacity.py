"""Benchmarks of the capacity tools.

Run from the repository root (NumPy is needed for the random runs)::

    python benchmarks/bench_capacity.py            # full sizes (about a minute)
    python benchmarks/bench_capacity.py --quick    # smaller naive loop, fewer runs

It measures:

1. the analytic projection of a 1,000,000-client, 104-week scenario;
2. a naive per-client loop that adds up the same expected numbers one client
   at a time (checked equal to the analytic result), and the ratio of the two;
3. random runs per second on the same scenario;
4. the capacity-constrained simulation of 10,000 clients over a year, and the
   required-capacity search on it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable

import collagenplan as cp
from collagenplan.capacity._tracks import streams

START = dt.date(2027, 1, 4)


def million_clients(weeks: int = 104) -> cp.Scenario:
    """About 1,000,000 new clients over two years: whole clients on every intake day."""
    facial, body = cp.get_protocol("facial-series"), cp.get_protocol("body-series")
    return cp.Scenario(
        name="one million clients",
        start=START,
        weeks=weeks,
        intakes=(
            cp.Intake(
                protocol=facial,
                per_week=5 * 1350,
                sessions={3: 0.55, 4: 0.25, 5: 0.1, 6: 0.1},
                dropout=0.06,
                repeat_dropout=0.5,
            ),
            cp.Intake(
                protocol=body,
                per_week=5 * 574,
                sessions={4: 0.6, 5: 0.25, 6: 0.15},
                dropout=0.08,
                repeat_dropout=0.6,
                chair_minutes=80,
            ),
        ),
    )


def ten_thousand_a_year() -> cp.Scenario:
    """10,000 new clients over 52 weeks into a clinic with a little spare capacity."""
    facial, body = cp.get_protocol("facial-series"), cp.get_protocol("body-series")
    return cp.Scenario(
        name="ten thousand clients",
        start=START,
        weeks=52,
        arrivals="fixed",
        intakes=(
            cp.Intake(protocol=facial, per_week=134.6, sessions={3: 0.6, 4: 0.4}, dropout=0.06),
            cp.Intake(protocol=body, per_week=57.7, dropout=0.08),
        ),
        supply=cp.Supply.daily(150, open=["mon", "tue", "wed", "thu", "fri", "sat"]),
    )


def timed(work: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """Median wall time of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def naive_expected(scenario: cp.Scenario, limit: int | None = None) -> tuple[list[float], int]:
    """Expected sessions per week, adding each client's sessions one client at a time.

    Uses the same courses as the projection (so the numbers agree) but loops
    over clients instead of multiplying by the day's intake. With ``limit``,
    stops after that many clients (for a quick estimate of the per-client cost).
    """
    weeks = [0.0] * scenario.weeks
    clients = 0
    for stream in streams(scenario):
        for day, rate in stream.days:
            week = (day - scenario.monday).days // 7
            shift = day.weekday()
            for _ in range(round(rate)):
                if limit is not None and clients >= limit:
                    return weeks, clients
                clients += 1
                for course in stream.tracks[week]:
                    for offset, alive in zip(course.offsets, course.survival, strict=True):
                        target = week + (shift + offset) // 7
                        if target < scenario.weeks:
                            weeks[target] += course.weight * alive
    return weeks, clients


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller naive loop and fewer runs")
    args = parser.parse_args()

    big = million_clients()
    clients = sum(round(rate) for s in streams(big) for _, rate in s.days)
    analytic_time, projection = timed(lambda: cp.project(big), repeat=5)
    assert isinstance(projection, cp.Projection)
    print(
        f"analytic projection, {clients:,} clients x {big.weeks} weeks: "
        f"{analytic_time * 1000:.1f} ms (median of 5)"
    )

    limit = 100_000 if args.quick else None
    began = time.perf_counter()
    naive, counted = naive_expected(big, limit)
    naive_time = time.perf_counter() - began
    if limit is None:
        worst = max(abs(a - b.sessions) for a, b in zip(naive, projection.rows, strict=True))
        print(
            f"naive per-client loop, {counted:,} clients: {naive_time:.2f} s "
            f"(largest weekly difference from the projection {worst:.2e} sessions)"
        )
    else:
        naive_time *= clients / counted
        print(f"naive per-client loop: {naive_time:.2f} s estimated from {counted:,} clients")
    print(f"  ratio naive / analytic: {naive_time / analytic_time:,.0f}x")

    runs = 100 if args.quick else 500
    mc_time, _ = timed(lambda: cp.sample_demand(big, runs=runs, seed=1))
    print(
        f"random runs, same scenario: {runs} runs in {mc_time:.2f} s = "
        f"{runs / mc_time:,.0f} runs/s"
    )

    year = ten_thousand_a_year()
    sim_time, sim = timed(lambda: cp.simulate(year), repeat=3)
    assert isinstance(sim, cp.Simulation)
    print(
        f"constrained simulation, {sim.clients:,} clients over {year.weeks} weeks: "
        f"{sim_time:.2f} s (median of 3); {sim.booked:,} sessions booked, "
        f"{sim.in_window_share:.1%} inside their windows"
    )
    req_time, req = timed(lambda: cp.required_capacity(year, share=0.95))
    assert isinstance(req, cp.CapacityRequirement)
    print(
        f"required capacity for 95%: {req.per_day:g} slots a day, found with "
        f"{len(req.tried) + 1} simulations in {req_time:.2f} s"
    )


if __name__ == "__main__":
    main()
