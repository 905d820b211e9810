"""Booking policies of the constrained simulation against CP-SAT (the ``optimize`` extra).

Run from the repository root::

    python benchmarks/bench_capacity_policy.py            # 10 instances, 20 s each (a few minutes)
    python benchmarks/bench_capacity_policy.py --long     # more and larger instances, 60 s each

Instances are generated, closed-world: new clients arrive in the first two
weeks only and the horizon leaves room for their series. Families: facial
(3-4 sessions, 4-6 weeks apart), scalp (12 weekly sessions, window 6-10
days) and mixed (half each), at slack, tight and overloaded capacity (slots
a day, Monday to Friday). For each instance it prints the sessions booked
inside their windows by the old earliest-deadline-first policy (``edf``), the
default (``triage``) and CP-SAT (``exact``, with its status and proven bound),
each policy's gap to the best known booking, and how much faster the
default is than the solver.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import collagenplan as cp

START = dt.date(2027, 1, 4)

# (family, new clients a week for two weeks, slots a day, weeks of horizon)
QUICK = [
    ("facial", 20, 1, 20),
    ("facial", 20, 2, 16),
    ("facial", 35, 2, 20),
    ("facial", 35, 3, 18),
    ("facial", 10, 3, 16),
    ("mix", 20, 2, 20),
    ("mix", 20, 3, 18),
    ("scalp", 15, 3, 18),
    ("scalp", 15, 2, 20),
    ("scalp", 8, 3, 16),
]
LONG = [
    *QUICK,
    ("facial", 60, 3, 24),
    ("mix", 40, 4, 22),
    ("mix", 40, 6, 20),
    ("scalp", 30, 5, 20),
    ("scalp", 30, 7, 18),
]


def instance(family: str, per_week: float, slots: int, weeks: int, seed: int = 1) -> cp.Scenario:
    """A closed-world instance: two weeks of intake, ``slots`` a day Monday to Friday."""
    facial, scalp = cp.get_protocol("facial-series"), cp.get_protocol("scalp-series")
    until = START + dt.timedelta(days=13)
    share = 0.5 if family == "mix" else 1.0
    intakes = []
    if family in ("facial", "mix"):
        intakes.append(
            cp.Intake(
                protocol=facial,
                per_week=per_week * share,
                end=until,
                sessions={3: 0.6, 4: 0.4},
                dropout=0.1,
            )
        )
    if family in ("scalp", "mix"):
        intakes.append(
            cp.Intake(protocol=scalp, per_week=per_week * share, end=until, dropout=0.05)
        )
    return cp.Scenario(
        name=f"{family} {per_week}/wk, {slots}/day",
        start=START,
        weeks=weeks,
        intakes=tuple(intakes),
        supply=cp.Supply.daily(slots),
        seed=seed,
    )


def _timed(
    scenario: cp.Scenario, policy: cp.capacity.Policy, limit: float
) -> tuple[cp.Simulation, float]:
    began = time.perf_counter()
    sim = cp.simulate(scenario, policy=policy, time_limit=limit)
    return sim, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long", action="store_true", help="more and larger instances")
    parser.add_argument("--limit", type=float, help="CP-SAT seconds per instance")
    args = parser.parse_args()
    grid = LONG if args.long else QUICK
    limit = args.limit or (60.0 if args.long else 20.0)
    print(
        "| instance | clients / sessions | EDF | default (pass) | CP-SAT (status, s) | bound "
        "| EDF gap | default gap | default ms | CP-SAT/default time |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    worst_optimal = 0.0
    for family, per_week, slots, weeks in grid:
        scenario = instance(family, per_week, slots, weeks)
        edf, _ = _timed(scenario, "edf", limit)
        default, fast = _timed(scenario, "triage", limit)
        exact, slow = _timed(scenario, "exact", limit)
        solver = exact.solver
        assert solver is not None
        best = max(edf.in_window, default.in_window, exact.in_window)

        def gap(value: int, best: int = best) -> str:
            return f"{(best - value) / best:.1%}" if best else "0.0%"

        if solver.status == "optimal" and best:
            worst_optimal = max(worst_optimal, (best - default.in_window) / best)
        print(
            f"| {scenario.name} | {default.clients} / {exact.sessions} | {edf.in_window} "
            f"| {default.in_window} ({default.kept}) "
            f"| {exact.in_window} ({solver.status}, {solver.seconds:.1f}) | {solver.bound} "
            f"| {gap(edf.in_window)} | {gap(default.in_window)} | {fast * 1000:.0f} "
            f"| {slow / fast:,.0f}x |",
            flush=True,
        )
    print(f"\nworst gap of the default where CP-SAT proved optimality: {worst_optimal:.1%}")


if __name__ == "__main__":
    main()
