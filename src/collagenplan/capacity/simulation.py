"""Capacity-constrained simulation: book sessions into their windows with limited daily capacity.

:func:`simulate` follows individual clients day by day:

* A new client's first session may be booked from the day they arrive until
  ``first_session_within`` later. Each later session's window is the
  protocol's interval from the date the previous session actually took
  place (the same :func:`~collagenplan.sessions.window_after` the planner
  uses), so a late session moves the rest of the series with it.
* A session starts waiting on the day the planner would pick when the only
  rule is "the clinic is open": the open day in its window nearest the
  target, the earlier on a tie (so a session due over a holiday closure is
  brought forward when its window allows).
* Each open day, the day's capacity is shared out by the *policy*. The
  default, ``"triage"``, books sessions that can still make their window
  first (earliest deadline first) and gives sessions already past their
  window what is left; it also runs the earliest-deadline-first booking of
  collagenplan 0.1 (``"edf"``: late sessions first) when anything slipped,
  and keeps whichever pass booked more sessions inside their windows.
  ``"exact"`` asks OR-Tools CP-SAT for the booking with the most sessions
  inside their windows (see ``docs/capacity.md`` for the measured gaps).
* A session booked after its window is *slipped*; a session never booked
  whose window closed inside the horizon is *unmet*; one whose window is
  still open at the end is *pending*. Every session that entered the
  simulation is exactly one of in window, slipped, unmet or pending.
* Drop-out, session counts and arrivals are drawn with a seeded generator
  before the first day, so runs with different capacities and policies meet
  the same clients. No-shows still hold their slot, so they do not change
  the load.

:func:`required_capacity` searches for the smallest daily capacity that
keeps a share of sessions inside their windows, and says what binds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import attrs

from .._text import spreadsheet_cell
from ..errors import InputError, ScenarioError
from ..sessions import Window
from ._booking import Client, Fixed, Outcome, Pass, draw_clients, run_pass
from ._exact import require_exact, solve_exact
from ._extras import require
from ._policy import POLICIES, Policy
from ._tracks import streams
from .projection import Progress, _check_scenario, _check_seed, iso_week
from .scenarios import WEEKDAYS, Scenario, Supply, Unit

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "POLICIES",
    "CapacityRequirement",
    "LineWeek",
    "Policy",
    "ProtocolLoad",
    "Simulation",
    "SimulationDay",
    "SimulationWeek",
    "SolverReport",
    "required_capacity",
    "simulate",
]


# Passes the triage policy also runs when a session went past its window.
_FALLBACKS: tuple[Pass, ...] = ("slack", "edf")

# Capacity used for "unlimited" in required_capacity: larger than any clinic.
_UNLIMITED = 1e9


@attrs.frozen(kw_only=True)
class SimulationDay:
    """One day of a constrained simulation."""

    date: dt.date
    """The day."""
    capacity: float
    """Capacity that day in the supply's unit (0 when closed)."""
    used: float
    """Capacity used, in the same unit."""
    booked: int
    """Sessions booked that day."""


@attrs.frozen(kw_only=True)
class SimulationWeek:
    """One ISO week of a constrained simulation."""

    week: dt.date
    """Monday of the week."""
    booked: int
    """Sessions booked this week."""
    in_window: int
    """Of those, booked inside their window."""
    slipped: int
    """Of those, booked after their window had closed."""
    unmet: int
    """Sessions whose window closed this week and that were never booked."""
    backlog: int
    """Sessions past their window still waiting at the end of the week."""
    capacity: float
    """Capacity this week, in the supply's unit."""
    used: float
    """Capacity used this week."""
    delay_days: int = 0
    """Days between target and booking, summed over this week's bookings
    (sessions brought forward count negative)."""

    @property
    def utilisation(self) -> float | None:
        """Used over capacity (``None`` in a week with no capacity)."""
        return self.used / self.capacity if self.capacity else None

    @property
    def mean_delay(self) -> float | None:
        """Mean days from target to booking this week (``None`` without bookings)."""
        return self.delay_days / self.booked if self.booked else None

    @property
    def iso_week(self) -> str:
        """The ISO week label (``"2027-W01"``)."""
        return iso_week(self.week)


@attrs.frozen(kw_only=True)
class ProtocolLoad:
    """What one protocol's sessions came to in a constrained simulation."""

    protocol: str
    """The protocol id (booked plans count under their plan's protocol)."""
    sessions: int
    """Sessions that entered the simulation."""
    in_window: int
    """Of those, booked inside their window."""
    slipped: int
    """Booked after their window."""
    unmet: int
    """Never booked, window closed inside the horizon."""
    pending: int
    """Never booked, window still open at the end."""
    chair_hours: float
    """Chair-hours of the booked sessions."""

    @property
    def booked(self) -> int:
        """Sessions booked (in window or slipped)."""
        return self.in_window + self.slipped


@attrs.frozen(kw_only=True)
class SolverReport:
    """How the exact mode's CP-SAT search ended."""

    status: Literal["optimal", "feasible", "unknown"]
    """``optimal``: proven best; ``feasible``: the time limit ended the search."""
    in_window: int | None
    """Sessions inside their windows in the solver's best booking (``None``: none found)."""
    bound: int
    """Proven upper bound on sessions inside their windows."""
    seconds: float
    """Wall-clock time of the search."""
    time_limit: float
    """The time limit it was given, in seconds."""

    @property
    def gap(self) -> float | None:
        """Share of the bound the best booking may still miss (0 when optimal)."""
        if self.in_window is None:
            return None
        return (self.bound - self.in_window) / self.bound if self.bound else 0.0


@attrs.frozen(kw_only=True)
class LineWeek:
    """One week of one practitioner line (see :meth:`Simulation.lines`)."""

    week: dt.date
    """Monday of the week."""
    line: int
    """1 for the first practitioner-day of each day, 2 for the second..."""
    capacity: float
    """This line's capacity in the week, in the supply's unit."""
    used: float
    """Capacity of this line used in the week."""

    @property
    def utilisation(self) -> float | None:
        """Used over capacity (``None`` in a week with no capacity on this line)."""
        return self.used / self.capacity if self.capacity else None

    @property
    def iso_week(self) -> str:
        """The ISO week label (``"2027-W01"``)."""
        return iso_week(self.week)


def _quantile(tally: tuple[tuple[int, int], ...], q: float) -> int | None:
    """The ``q`` quantile (nearest rank) of a tally of ``(value, count)`` pairs."""
    total = sum(n for _, n in tally)
    if not total:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for value, n in tally:
        seen += n
        if seen >= rank:
            return value
    return tally[-1][0]


def _cell(v: object) -> object:
    """A CSV cell: dates in ISO form, floats to 4 places, ``None`` empty."""
    if v is None:
        return ""
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return round(v, 4)
    if isinstance(v, str):  # no text column today; the OWASP rule guards any new one
        return spreadsheet_cell(v)
    return v


_SIM_COLUMNS = (
    "week", "iso_week", "booked", "in_window", "slipped", "unmet", "backlog", "capacity",
    "used", "utilisation", "mean_delay",
)  # fmt: skip


@attrs.frozen(kw_only=True)
class Simulation:
    """The answer of :func:`simulate`."""

    scenario: Scenario = attrs.field(repr=False)
    """The scenario simulated."""
    supply: Supply = attrs.field(repr=False)
    """The supply it was simulated with."""
    seed: int
    """Seed of the random draws."""
    clients: int
    """New clients drawn (booked plans not included)."""
    weeks: tuple[SimulationWeek, ...] = attrs.field(repr=False)
    """One row per week of the horizon."""
    days: tuple[SimulationDay, ...] = attrs.field(repr=False)
    """One row per day from ``start`` to the end of the horizon."""
    pending: int
    """Sessions still waiting at the end whose window had not closed."""
    sessions: int = 0
    """Sessions that entered the simulation: each is exactly one of in window,
    slipped, unmet or pending (``in_window + slipped + unmet + pending``)."""
    policy: Policy = "triage"
    """The policy asked for."""
    kept: str = "ontime"
    """The pass whose booking is reported: ``ontime`` (on-time first),
    ``edf`` or ``exact``."""
    delays: tuple[tuple[int, int], ...] = attrs.field(default=(), repr=False)
    """``(days from target to booking, sessions)`` over all bookings, by days."""
    late_days: tuple[tuple[int, int], ...] = attrs.field(default=(), repr=False)
    """``(days past the window, sessions)`` over slipped sessions, by days."""
    protocols: tuple[ProtocolLoad, ...] = attrs.field(default=(), repr=False)
    """Sessions and chair-hours by protocol."""
    solver: SolverReport | None = None
    """With ``policy="exact"``: how the CP-SAT search ended."""

    @property
    def booked(self) -> int:
        """Sessions booked over the horizon."""
        return sum(w.booked for w in self.weeks)

    @property
    def in_window(self) -> int:
        """Sessions booked inside their window."""
        return sum(w.in_window for w in self.weeks)

    @property
    def slipped(self) -> int:
        """Sessions booked after their window."""
        return sum(w.slipped for w in self.weeks)

    @property
    def unmet(self) -> int:
        """Sessions never booked although their window closed inside the horizon."""
        return sum(w.unmet for w in self.weeks)

    @property
    def mean_delay(self) -> float:
        """Mean days from a session's target date to its booking, over all bookings.

        Capacity below the target-date demand shows here before it shows as
        slipped sessions: the windows absorb it by booking late in them,
        which also stretches every later interval of the series.
        """
        return sum(w.delay_days for w in self.weeks) / self.booked if self.booked else 0.0

    @property
    def in_window_share(self) -> float:
        """Sessions inside their window over all sessions that were due.

        Due means booked, or unmet; pending sessions are left out. 1.0 when
        nothing was due.
        """
        due = self.booked + self.unmet
        return self.in_window / due if due else 1.0

    def delay_quantile(self, q: float) -> int | None:
        """Days from target to booking that a share ``q`` of bookings stay within.

        ``delay_quantile(0.9)`` is the 90th percentile (nearest rank); negative
        when sessions were brought forward; ``None`` without bookings.
        """
        if isinstance(q, bool) or not isinstance(q, int | float) or not 0 <= q <= 1:
            raise InputError(f"must be a number from 0 to 1, got {q!r}", path="q")
        return _quantile(self.delays, q)

    @property
    def delay_p50(self) -> int | None:
        """Median days from target to booking (``None`` without bookings)."""
        return _quantile(self.delays, 0.5)

    @property
    def delay_p90(self) -> int | None:
        """90th percentile of days from target to booking."""
        return _quantile(self.delays, 0.9)

    @property
    def late_p50(self) -> int | None:
        """Median days past the window of slipped sessions (``None`` when none slipped)."""
        return _quantile(self.late_days, 0.5)

    @property
    def late_p90(self) -> int | None:
        """90th percentile of days past the window of slipped sessions."""
        return _quantile(self.late_days, 0.9)

    def lines(self, size: float | None = None) -> tuple[LineWeek, ...]:
        """Weekly use of each practitioner line, lines filled in order.

        Each day's capacity is cut into lines of ``size`` (default: the
        supply's ``day_hours``, in hours or, with ``slots``, in slots): line 1
        is the first practitioner-day, line 2 the second, and so on, the last
        one possibly shorter. A day's bookings fill line 1 before line 2, so
        a line that stays little used is a practitioner-day the clinic could
        do without. Rows are by week, then line.
        """
        step = self.supply.day_hours if size is None else size
        if isinstance(step, bool) or not isinstance(step, int | float) or not step > 0:
            raise InputError(f"must be a positive number, got {step!r}", path="size")
        peak = max((d.capacity for d in self.days), default=0.0)
        count = max(1, math.ceil(peak / step - 1e-9))
        capacity = [[0.0] * count for _ in self.weeks]
        used = [[0.0] * count for _ in self.weeks]
        monday = self.scenario.monday
        for day in self.days:
            week = (day.date - monday).days // 7
            for line in range(count):
                low = line * step
                capacity[week][line] += max(0.0, min(step, day.capacity - low))
                used[week][line] += max(0.0, min(step, day.used - low))
        return tuple(
            LineWeek(week=w.week, line=line + 1, capacity=capacity[i][line], used=used[i][line])
            for i, w in enumerate(self.weeks)
            for line in range(count)
        )

    def to_csv(self, path: str | Path | None = None, *, bom: bool = False) -> str:
        """The weekly rows as CSV text, written to ``path`` too when given.

        ``bom=True`` starts the file with a UTF-8 byte-order mark, which
        spreadsheet programs such as Excel read as "this file is UTF-8".
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(_SIM_COLUMNS)
        for w in self.weeks:
            row = [getattr(w, c) for c in _SIM_COLUMNS]
            writer.writerow([_cell(v) for v in row])
        text = buffer.getvalue()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8-sig" if bom else "utf-8")
        return text

    def to_dataframe(self) -> pd.DataFrame:
        """The weekly rows as a pandas DataFrame (needs the ``analysis`` extra)."""
        pandas = require("pandas", "Simulation.to_dataframe()")
        frame: pd.DataFrame = pandas.DataFrame(
            [{c: getattr(w, c) for c in _SIM_COLUMNS} for w in self.weeks],
            columns=list(_SIM_COLUMNS),
        )
        frame["week"] = pandas.to_datetime(frame["week"])
        for column in ("utilisation", "mean_delay"):
            frame[column] = frame[column].astype("float64")
        return frame


MAX_SIMULATED_CLIENTS = 100_000
"""Most new clients :func:`simulate` books one by one (about ten seconds of work);
:func:`~collagenplan.project` answers larger scenarios in closed form."""


def _check_size(scenario: Scenario) -> None:
    """Refuse a scenario whose expected new clients exceed :data:`MAX_SIMULATED_CLIENTS`."""
    expected = 0.0
    for intake in scenario.intakes:
        peak = max(intake.monthly) if intake.monthly is not None else 1.0
        expected += peak * sum(intake.base_rate(w) for w in range(scenario.weeks))
    if expected > MAX_SIMULATED_CLIENTS:
        raise ScenarioError(
            f"brings about {expected:,.0f} new clients over {scenario.weeks} weeks; the "
            f"simulation books at most {MAX_SIMULATED_CLIENTS:,} one by one "
            "(project() answers in closed form)",
            path="intake",
        )


@attrs.frozen(kw_only=True)
class CapacityRequirement:
    """The answer of :func:`required_capacity`."""

    share: float
    """The share of sessions asked to fall inside their windows."""
    per_day: float
    """Capacity found on the busiest weekday, in :attr:`unit` (the other
    weekdays keep their proportion of it)."""
    unit: Unit
    """``slots`` or ``hours``."""
    supply: Supply = attrs.field(repr=False)
    """The supply with that capacity."""
    achieved: float
    """The share inside windows at that capacity."""
    best: float
    """The share with unlimited capacity (closures can keep it below 1)."""
    simulation: Simulation = attrs.field(repr=False)
    """The simulation at that capacity."""
    tried: tuple[tuple[float, float], ...]
    """Every ``(capacity, share)`` the search evaluated, by capacity."""
    policy: Policy = "triage"
    """The booking policy every simulation of the search used."""
    binding: str = ""
    """What binds, in a sentence: the weekday whose capacity runs fullest at
    the answer, the weeks where sessions slip one step below it, and whether
    closures or ``first_session_within`` cap the share as well."""
    busiest_weekday: str | None = None
    """The weekday (``"mon"`` ...) with the highest utilisation at the answer."""
    short_weeks: tuple[str, ...] = ()
    """ISO weeks where sessions slip or go unmet one step below the answer, worst first."""

    @property
    def per_week(self) -> float:
        """Capacity in a full week without closures."""
        return sum(self.supply.per_weekday)

    @property
    def practitioner_days_per_week(self) -> float | None:
        """With ``hours``: the weekly capacity in practitioner-days (``day_hours`` each)."""
        if self.unit != "hours":
            return None
        return self.per_week / self.supply.day_hours


# ------------------------------------------------------------------ engine


def _check_policy(policy: object) -> Policy:
    if policy not in POLICIES:
        raise InputError(
            f"must be one of {', '.join(repr(p) for p in POLICIES)}, got {policy!r}",
            path="policy",
        )
    return policy


def _check_time_limit(time_limit: object) -> float:
    if (
        isinstance(time_limit, bool)
        or not isinstance(time_limit, int | float)
        or not 0 < time_limit < math.inf
    ):
        raise InputError(
            f"must be a number of seconds above 0, got {time_limit!r}", path="time_limit"
        )
    return float(time_limit)


def _fixed_sessions(scenario: Scenario, supply: Supply) -> list[Fixed]:
    """The sessions of booked plans: one window each, no successor."""
    fixed: list[Fixed] = []
    within = scenario.first_session_within
    ident = 0
    for plan in scenario.booked:
        minutes = scenario.booked_minutes(plan)
        for s in plan.sessions:
            if s.status == "done" or scenario.week_index(s.date) is None:
                continue
            latest = max(s.window.latest or within.add_to(s.date), s.date)
            chair = float(s.minutes or minutes)
            size = 1.0 if supply.unit == "slots" else chair
            ident -= 1  # booked plans count down, drawn clients up
            holder = Client((), None, 0, size, protocol=plan.protocol_id, minutes=chair)
            holder.ident = ident
            window = Window(earliest=min(s.window.earliest, s.date), target=s.date, latest=latest)
            fixed.append(Fixed(holder, window))
    return fixed


def _tally(counter: Counter[int]) -> tuple[tuple[int, int], ...]:
    return tuple(sorted(counter.items()))


def _result(
    scenario: Scenario,
    supply: Supply,
    seed: int,
    clients: int,
    out: Outcome,
    *,
    policy: Policy,
    kept: str,
    solver: SolverReport | None = None,
) -> Simulation:
    first = scenario.start
    days = tuple(
        SimulationDay(
            date=first + dt.timedelta(days=i),
            capacity=out.day_capacity[i],
            used=out.day_used[i],
            booked=out.day_booked[i],
        )
        for i in range(len(out.day_capacity))
    )
    weeks = tuple(
        SimulationWeek(
            week=monday,
            booked=out.booked[i],
            in_window=out.in_window[i],
            slipped=out.slipped[i],
            unmet=out.unmet[i],
            backlog=out.backlog[i],
            capacity=out.capacity[i],
            used=out.used[i],
            delay_days=out.delay[i],
        )
        for i, monday in enumerate(scenario.week_starts)
    )
    protocols = tuple(
        ProtocolLoad(
            protocol=name,
            sessions=int(row[0]),
            in_window=int(row[1]),
            slipped=int(row[2]),
            unmet=int(row[3]),
            pending=int(row[4]),
            chair_hours=row[5] / 60.0,
        )
        for name, row in sorted(out.protocols.items())
    )
    return Simulation(
        scenario=scenario,
        supply=supply,
        seed=seed,
        clients=clients,
        weeks=weeks,
        days=days,
        pending=out.pending,
        sessions=out.sessions,
        policy=policy,
        kept=kept,
        delays=_tally(out.delays),
        late_days=_tally(out.late_days),
        protocols=protocols,
        solver=solver,
    )


def simulate(
    scenario: Scenario,
    *,
    supply: Supply | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
    policy: Policy = "triage",
    time_limit: float = 10.0,
) -> Simulation:
    """Simulate booking the scenario's sessions with limited daily capacity.

    Args:
        scenario: the question; its intake, counts and drop-out are drawn at random.
        supply: the capacity to book into (default: the scenario's ``supply``).
        seed: seed of the random draws (default: the scenario's ``seed``).
        progress: called with ``(days done, days)`` as the simulation advances.
        policy: how the day's capacity is shared out (see :data:`POLICIES`):
            ``"triage"`` (default) sessions that can still make their window
            first, with the earliest-deadline-first booking as a fallback pass,
            keeping whichever books more sessions inside their windows;
            ``"edf"`` the earliest-deadline-first booking of collagenplan 0.1;
            ``"exact"`` the booking that maximises sessions inside their
            windows, found by OR-Tools CP-SAT (the ``optimize`` extra) within
            ``time_limit``, with the proven bound in :attr:`Simulation.solver`.
        time_limit: seconds CP-SAT may search with ``policy="exact"``.

    Returns:
        A :class:`Simulation` with weekly and daily rows.

    Raises:
        ScenarioError: neither ``supply`` nor the scenario gives a supply.
        MissingExtraError: ``policy="exact"`` without OR-Tools installed.
        InputError: a bad argument, or a problem too large for the exact mode.
    """
    scenario = _check_scenario(scenario)
    supply = supply if supply is not None else scenario.supply
    if supply is None:
        raise ScenarioError("the constrained simulation needs a supply", path="supply")
    if not isinstance(supply, Supply):
        raise InputError(f"must be a Supply, got {type(supply).__name__}", path="supply")
    seed = _check_seed(seed, scenario)
    policy = _check_policy(policy)
    limit = _check_time_limit(time_limit)
    solver_module = None
    if policy == "exact":
        solver_module = require_exact()
    _check_size(scenario)
    prepared = streams(scenario)
    rng = random.Random(seed)
    arrivals = draw_clients(scenario, prepared, rng, supply.unit)
    fixed = _fixed_sessions(scenario, supply)
    clients = sum(len(v) for v in arrivals.values())

    def one(kind: Pass, report: Progress | None = None) -> Outcome:
        return run_pass(scenario, supply, arrivals, fixed, kind, progress=report)

    if policy == "edf":
        return _result(
            scenario, supply, seed, clients, one("edf", progress), policy=policy, kept="edf"
        )
    best, kept = one("ontime", progress), "ontime"
    # With nothing ever past its window all passes make the same choices.
    if sum(best.slipped) or sum(best.unmet):
        for kind in _FALLBACKS:
            other = one(kind)
            if other.key() > best.key():
                best, kept = other, kind
    if solver_module is None:
        return _result(scenario, supply, seed, clients, best, policy=policy, kept=kept)
    answer = solve_exact(
        solver_module, scenario, supply, arrivals, fixed, hint=best.days_of, time_limit=limit
    )
    solver = SolverReport(
        status=answer.status,
        in_window=answer.objective,
        bound=answer.bound,
        seconds=answer.seconds,
        time_limit=limit,
    )
    if answer.days is not None:
        exact = run_pass(scenario, supply, arrivals, fixed, "plan", planned=answer.days)
        if exact.key() >= best.key():
            return _result(
                scenario, supply, seed, clients, exact, policy=policy, kept="exact", solver=solver
            )
    return _result(scenario, supply, seed, clients, best, policy=policy, kept=kept, solver=solver)


def _check_share(share: object) -> float:
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
        raise InputError(f"must be a number above 0 and at most 1, got {share!r}", path="share")
    return float(share)


def required_capacity(
    scenario: Scenario,
    *,
    share: float = 0.95,
    supply: Supply | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
    policy: Policy = "triage",
) -> CapacityRequirement:
    """The smallest daily capacity that keeps ``share`` of sessions inside their windows.

    The search keeps the supply's weekday pattern, unit and closures (from
    ``supply``, else the scenario's, else every weekday Monday to Friday in
    slots) and varies the capacity of the busiest weekday in whole slots or
    whole hours. It first simulates unlimited capacity: the most used on any
    day bounds the search, and the share reached is the best possible. Then
    it bisects, using the same clients (same seed) for every capacity.

    Args:
        scenario: the question.
        share: the share of due sessions to keep inside their windows (0 < share <= 1).
        supply: the pattern to scale (default: the scenario's supply).
        seed: seed of the random draws (default: the scenario's ``seed``).
        progress: called with ``(simulations done, simulations)``.
        policy: the booking policy of every simulation (``"triage"`` or
            ``"edf"``; the exact mode is too slow for a search).

    Raises:
        ScenarioError: even unlimited capacity does not reach ``share``
            (closures longer than a window, or too short a ``first_session_within``).
        InputError: a bad argument.
    """
    scenario = _check_scenario(scenario)
    share = _check_share(share)
    seed = _check_seed(seed, scenario)
    policy = _check_policy(policy)
    if policy == "exact":
        raise InputError(
            "the capacity search runs many simulations; use 'triage' or 'edf', then check "
            "the answer with simulate(..., policy='exact')",
            path="policy",
        )
    base = supply if supply is not None else scenario.supply
    if base is None:
        base = Supply.daily(1)
    if not isinstance(base, Supply):
        raise InputError(f"must be a Supply, got {type(base).__name__}", path="supply")
    results: dict[float, Simulation] = {}

    def run(peak: float) -> Simulation:
        if peak not in results:
            results[peak] = simulate(scenario, supply=base.scaled(peak), seed=seed, policy=policy)
        return results[peak]

    unlimited = run(_UNLIMITED)
    best = unlimited.in_window_share
    if best + 1e-12 < share:
        raise ScenarioError(
            f"no capacity keeps {share:.1%} of sessions inside their windows: even unlimited "
            f"capacity keeps {best:.1%} (closures or first_session_within leave some windows "
            "without an open day)",
            path="share",
        )
    # Capacity at which every day's demand fits: the unlimited run again.
    needed = 0.0
    for record in unlimited.days:
        weight = base.per_weekday[record.date.weekday()]
        if weight > 0 and record.used > 0:
            needed = max(needed, record.used * base.peak / weight)
    high = max(1.0, float(math.ceil(needed - 1e-9)))
    while run(high).in_window_share + 1e-12 < best:
        high += 1.0  # rounding of a weekday pattern can leave a day one slot short
    low = 0.0
    steps = max(1, math.ceil(math.log2(high))) + 2
    if progress is not None:
        progress(2, steps)
    done = 2
    while high - low > 1:
        middle = float(math.floor((low + high) / 2))
        if run(middle).in_window_share + 1e-12 >= share:
            high = middle
        else:
            low = middle
        done += 1
        if progress is not None:
            progress(min(done, steps), steps)
    if progress is not None:
        progress(steps, steps)
    found = run(high)
    below = results.get(high - 1.0)
    weekday, weeks, text = _binding(found, below, best, share)
    return CapacityRequirement(
        share=share,
        per_day=high,
        unit=base.unit,
        supply=found.supply,
        achieved=found.in_window_share,
        best=best,
        simulation=found,
        tried=tuple(
            sorted(
                (peak, sim.in_window_share) for peak, sim in results.items() if peak != _UNLIMITED
            )
        ),
        policy=policy,
        binding=text,
        busiest_weekday=weekday,
        short_weeks=weeks,
    )


def _binding(
    found: Simulation, below: Simulation | None, best: float, share: float
) -> tuple[str | None, tuple[str, ...], str]:
    """Which weekday runs fullest, where sessions slip one step below, what else caps the share."""
    capacity = [0.0] * 7
    used = [0.0] * 7
    for day in found.days:
        capacity[day.date.weekday()] += day.capacity
        used[day.date.weekday()] += day.used
    ratios = [(used[i] / capacity[i], i) for i in range(7) if capacity[i] > 0]
    weekday = WEEKDAYS[max(ratios)[1]] if ratios else None
    short: tuple[str, ...] = ()
    if below is not None:
        ranked = sorted(
            ((w.slipped + w.unmet, w.iso_week) for w in below.weeks if w.slipped + w.unmet),
            key=lambda t: (-t[0], t[1]),
        )
        short = tuple(label for _, label in ranked[:5])
    parts = []
    if weekday is not None:
        ratio = max(ratios)[0]
        parts.append(f"daily capacity binds, {weekday} fullest ({ratio:.0%} used)")
    if short:
        parts.append(
            f"one step lower ({found.supply.peak - 1:g}), sessions slip first in "
            + ", ".join(short)
        )
    if best < 1.0 - 1e-9:
        parts.append(
            f"closures or first_session_within also cap the share at {best:.1%}"
            + (" (close to the target)" if best - share < 0.01 else "")
        )
    return weekday, short, "; ".join(parts)
