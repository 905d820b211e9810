"""The exact booking: OR-Tools CP-SAT maximises sessions inside their windows.

The model is the simulation's own booking problem, day by day, with the
same rules as ``_booking``:

* every session of a drawn client (up to how far the client goes) and every
  session of a booked plan gets a day variable ``d`` over the open days of
  the horizon, or a "never" value one past the end;
* a client's first session may not be booked before the day the planner
  would release it; a later session not before the day the planner would
  choose in the window measured from the *day chosen for the one before*.
  That release day and the window's last day are read from tables over
  every possible previous day (exact for calendar months and closures),
  or written as ``d[k] >= d[k-1] + offset`` when the tables are that simple;
  a session whose target falls after the horizon, or whose predecessor is
  never booked, is "never";
* each day's bookings fit the day's capacity (a cumulative constraint);
* the objective is the number of sessions booked inside their windows.

The best booking of the heuristic passes is given as a hint, so the answer
is never worse than the default policy's; the proven bound is reported.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
import os
import time
from types import ModuleType
from typing import Any, Literal

from ..errors import InputError
from ..planning import Blocker, choose_date
from ..protocols import Phase
from ..sessions import Window, window_after
from ._booking import Client, Fixed
from ._extras import MissingExtraError
from .scenarios import Scenario, Supply

__all__ = ["Answer", "require_exact", "solve_exact"]

# Candidate sessions above which the model is refused (memory and time).
MAX_SESSIONS = 5000


def require_exact() -> ModuleType:
    """OR-Tools' CP-SAT module, or :class:`MissingExtraError` naming the ``optimize`` extra."""
    try:
        return importlib.import_module("ortools.sat.python.cp_model")
    except ImportError:
        raise MissingExtraError("ortools", "simulate(policy='exact')", extra="optimize") from None


class Answer:
    """What the search found (internal)."""

    def __init__(
        self,
        status: Literal["optimal", "feasible", "unknown"],
        objective: int | None,
        bound: int,
        seconds: float,
        days: dict[tuple[int, int], int] | None,
    ) -> None:
        self.status = status
        self.objective = objective
        self.bound = bound
        self.seconds = seconds
        self.days = days


class _Tables:
    """For one phase: release day, window end and whether the session is due, per previous day."""

    def __init__(self, release: list[int], latest: list[int], linear: tuple[int, int, int] | None):
        self.release = release
        self.latest = latest
        # (release offset, latest offset, last previous day with a due session)
        self.linear = linear


def solve_exact(
    cp_model: ModuleType,
    scenario: Scenario,
    supply: Supply,
    arrivals: dict[int, list[Client]],
    fixed: list[Fixed],
    *,
    hint: dict[tuple[int, int], int],
    time_limit: float,
) -> Answer:
    """Maximise sessions inside their windows with CP-SAT within ``time_limit`` seconds."""
    first = scenario.start.toordinal()
    end = scenario.end.toordinal()
    horizon = end - first
    never = horizon + 1
    clients = [c for day in sorted(arrivals) for c in arrivals[day]]
    candidates = sum(c.sessions for c in clients) + len(fixed)
    if candidates > MAX_SESSIONS:
        raise InputError(
            f"the exact mode takes at most {MAX_SESSIONS:,} sessions, this simulation has "
            f"up to {candidates:,}; use policy='triage' (or a shorter or smaller scenario)",
            path="policy",
        )
    slots = supply.unit == "slots"
    capacity = []
    for i in range(horizon + 1):
        amount = supply.capacity_on(dt.date.fromordinal(first + i))
        capacity.append(int(amount) if slots else math.floor(amount * 60 + 1e-9))
    opened = [i for i, c in enumerate(capacity) if c > 0]
    closed = Blocker("clinic-closed", "the clinic is closed")

    def check(day: dt.date) -> Blocker | None:
        return None if supply.is_open(day) else closed

    def release_of(window: Window) -> int:
        day, _ = choose_date(window, (check,))
        return min(never, max((day or window.target).toordinal(), first) - first)

    tables: dict[Phase, _Tables] = {}

    def tables_for(phase: Phase) -> _Tables:
        found = tables.get(phase)
        if found is not None:
            return found
        release = [never] * (never + 1)
        latest = [-1] * (never + 1)
        for i in opened:
            window = window_after(dt.date.fromordinal(first + i), phase)
            if window.target.toordinal() > end or window.latest is None:
                continue
            release[i] = release_of(window)
            latest[i] = min(horizon, window.latest.toordinal() - first)
        due = [i for i in opened if latest[i] >= 0]
        linear = None
        if due and all(latest[i] < 0 for i in opened if i > due[-1]):
            shift, reach = release[due[0]] - due[0], latest[due[0]] - due[0]
            if all(release[i] - i == shift and latest[i] - i == reach for i in due):
                linear = (shift, reach, due[-1])
        found = _Tables(release, latest, linear)
        tables[phase] = found
        return found

    model: Any = cp_model.CpModel()
    peak = max(capacity) if capacity else 0
    intervals: list[Any] = []
    demands: list[int] = []
    for i in opened:
        if capacity[i] < peak:
            intervals.append(model.new_fixed_size_interval_var(i, 1, f"fill{i}"))
            demands.append(peak - capacity[i])
    inside: list[Any] = []
    hinted: list[tuple[Any, int]] = []
    keyed: list[tuple[tuple[int, int], Any]] = []

    def day_var(size: int, name: str) -> tuple[Any, Any]:
        values = [i for i in opened if capacity[i] >= size] + [never]
        day = model.new_int_var_from_domain(cp_model.Domain.from_values(values), name)
        booked = model.new_bool_var(f"b{name}")
        model.add(day <= horizon).only_enforce_if(booked)
        model.add(day == never).only_enforce_if(~booked)
        intervals.append(model.new_optional_fixed_size_interval_var(day, 1, booked, f"i{name}"))
        demands.append(size)
        return day, booked

    def window_flag(day: Any, booked: Any, name: str) -> Any:
        flag = model.new_bool_var(f"w{name}")
        model.add_implication(flag, booked)
        inside.append(flag)
        return flag

    def start_session(key: tuple[int, int], size: int, window: Window) -> Any:
        name = f"{key[0]}_{key[1]}"
        day, booked = day_var(size, name)
        model.add(day >= release_of(window))
        flag = window_flag(day, booked, name)
        last = min(horizon, (window.latest or window.target).toordinal() - first)
        model.add(day <= last).only_enforce_if(flag)
        note(key, day, booked, flag, last)
        return day

    def note(key: tuple[int, int], day: Any, booked: Any, flag: Any, last: int) -> None:
        keyed.append((key, day))
        chosen = hint.get(key)
        value = never if chosen is None else chosen - first
        hinted.append((day, value))
        hinted.append((booked, int(chosen is not None)))
        hinted.append((flag, int(chosen is not None and value <= last)))

    within = scenario.first_session_within
    for item in fixed:
        start_session((item.client.ident, 0), _size(item.client, slots), item.window)
    for client in clients:
        arrival = dt.date.fromordinal(client.arrival)
        size = _size(client, slots)
        window = Window(earliest=arrival, target=arrival, latest=within.add_to(arrival))
        before = start_session((client.ident, 0), size, window)
        for number in range(1, client.sessions):
            phase = client.phase(number)
            if phase is None:
                break
            table = tables_for(phase)
            name = f"{client.ident}_{number}"
            day, booked = day_var(size, name)
            flag = window_flag(day, booked, name)
            previous = hint.get((client.ident, number - 1))
            at = never if previous is None else previous - first
            if table.linear is not None:
                shift, reach, last_due = table.linear
                due = model.new_bool_var(f"q{name}")
                hinted.append((due, int(at <= last_due)))
                model.add(before <= last_due).only_enforce_if(due)
                model.add(before > last_due).only_enforce_if(~due)
                model.add(day >= before + shift).only_enforce_if(due)
                model.add(day == never).only_enforce_if(~due)
                model.add(day <= before + reach).only_enforce_if(flag)
            else:
                release = model.new_int_var(0, never, f"r{name}")
                model.add_element(before, table.release, release)
                latest = model.new_int_var(-1, horizon, f"l{name}")
                model.add_element(before, table.latest, latest)
                hinted.append((release, table.release[at]))
                hinted.append((latest, table.latest[at]))
                model.add(day >= release)
                model.add(day <= latest).only_enforce_if(flag)
            if table.linear is not None:
                reach_day = at + table.linear[1] if at <= table.linear[2] else -1
            else:
                reach_day = table.latest[at]
            note((client.ident, number), day, booked, flag, reach_day)
            before = day
    if intervals:
        model.add_cumulative(intervals, demands, max(peak, 1))
    model.maximize(sum(inside))
    for var, value in hinted:
        model.add_hint(var, value)
    solver: Any = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = max(1, min(8, os.cpu_count() or 1))
    began = time.perf_counter()
    status = solver.solve(model)
    seconds = time.perf_counter() - began
    bound = math.floor(solver.best_objective_bound + 1e-6) if inside else 0
    if status == cp_model.OPTIMAL:
        kind: Literal["optimal", "feasible", "unknown"] = "optimal"
    elif status == cp_model.FEASIBLE:
        kind = "feasible"
    else:
        return Answer("unknown", None, max(bound, 0), seconds, None)
    days: dict[tuple[int, int], int] = {}
    objective = round(solver.objective_value)
    for key, var in keyed:
        value = solver.value(var)
        if value <= horizon:
            days[key] = first + value
    return Answer(kind, objective, min(bound, len(inside)), seconds, days)


def _size(client: Client, slots: bool) -> int:
    return 1 if slots else round(client.size)
