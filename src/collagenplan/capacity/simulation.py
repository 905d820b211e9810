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
  brought forward when its window allows). Each open day, the day's
  capacity goes to waiting sessions earliest-deadline-first (the window's
  last day), so sessions already past their window go first.
* A session booked after its window is *slipped*; a session still waiting
  at the end of the horizon after its window closed is *unmet*. Sessions
  whose window is still open at the end are *pending* and count as neither.
* Drop-out, session counts and arrivals are drawn with a seeded generator
  before the first day, so runs with different capacities meet the same
  clients. No-shows still hold their slot, so they do not change the load.

:func:`required_capacity` searches for the smallest daily capacity that
keeps a share of sessions inside their windows.
"""

from __future__ import annotations

import csv
import datetime as dt
import heapq
import io
import math
import random
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ..errors import InputError, ScenarioError
from ..planning import Blocker, choose_date
from ..protocols import Phase
from ..sessions import Window, window_after
from ._extras import require
from ._tracks import Stream, Track, streams
from .projection import Progress, _check_scenario, _check_seed, iso_week
from .scenarios import Scenario, Supply, Unit

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CapacityRequirement",
    "Simulation",
    "SimulationDay",
    "SimulationWeek",
    "required_capacity",
    "simulate",
]

# Capacity used for "unlimited" in required_capacity: larger than any clinic.
_UNLIMITED = 1e9
# When a long session does not fit the rest of a day, how many waiting
# sessions to look past for a shorter one before giving the day up.
_LOOK_PAST = 64


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

    def to_csv(self, path: str | Path | None = None) -> str:
        """The weekly rows as CSV text, written to ``path`` too when given."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(_SIM_COLUMNS)
        for w in self.weeks:
            row = [getattr(w, c) for c in _SIM_COLUMNS]
            writer.writerow(
                [
                    ""
                    if v is None
                    else v.isoformat()
                    if isinstance(v, dt.date)
                    else round(v, 4)
                    if isinstance(v, float)
                    else v
                    for v in row
                ]
            )
        text = buffer.getvalue()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
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


class _Session:
    """A session waiting for a day (internal, mutable, small)."""

    __slots__ = ("client", "latest", "number", "size", "target")

    def __init__(self, client: _Client, number: int, window: Window, size: float) -> None:
        self.client = client
        self.number = number
        self.target = window.target.toordinal()
        self.latest = (window.latest or window.target).toordinal()
        self.size = size


class _Client:
    __slots__ = ("course", "repeat", "sessions", "size")

    def __init__(
        self, course: tuple[Phase, ...], repeat: Phase | None, sessions: int, size: float
    ) -> None:
        self.course = course
        self.repeat = repeat
        self.sessions = sessions
        self.size = size

    def phase(self, number: int) -> Phase | None:
        """Phase of session ``number`` (0-based), or ``None`` past the end of the course."""
        if number < len(self.course):
            return self.course[number]
        return self.repeat


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw; large means are split (a sum of Poissons is Poisson)."""
    count = 0
    while mean > 0:
        part = min(mean, 30.0)
        mean -= part
        limit, product = math.exp(-part), rng.random()
        while product > limit:
            count += 1
            product *= rng.random()
    return count


def _rounded(rng: random.Random, mean: float) -> int:
    """``mean`` rounded up or down at random, so that the expected value is ``mean``."""
    whole = int(mean)
    return whole + (rng.random() < mean - whole)


def _draw_clients(
    scenario: Scenario, prepared: tuple[Stream, ...], rng: random.Random, unit: Unit
) -> dict[int, list[_Client]]:
    """New clients by arrival day (ordinal), with their course and how far they go."""
    arrivals: dict[int, list[_Client]] = {}
    fixed = scenario.arrivals == "fixed"
    for stream in prepared:
        protocol = stream.intake.protocol
        repeat = protocol.repeating
        size = 1.0 if unit == "slots" else float(stream.minutes)
        for day, rate in stream.days:
            count = _rounded(rng, rate) if fixed else _poisson(rng, rate)
            week = (day - scenario.monday).days // 7
            courses: tuple[Track, ...] = stream.tracks[week]
            weights = [c.weight for c in courses]
            for _ in range(count):
                course = rng.choices(courses, weights)[0] if len(courses) > 1 else courses[0]
                fixed_part = tuple(p for p in course.phases if not p.repeat)
                client = _Client(fixed_part, repeat, 0, size)
                taken = 1
                while True:
                    phase = client.phase(taken)
                    if phase is None or taken > len(course.phases):
                        break
                    if rng.random() < stream.intake.dropout_before(phase):
                        break
                    taken += 1
                client.sessions = taken
                arrivals.setdefault(day.toordinal(), []).append(client)
    return arrivals


class _Books:
    """Weekly and daily tallies."""

    def __init__(self, scenario: Scenario) -> None:
        weeks = scenario.weeks
        self.monday = scenario.monday.toordinal()
        self.booked = [0] * weeks
        self.in_window = [0] * weeks
        self.slipped = [0] * weeks
        self.unmet = [0] * weeks
        self.backlog = [0] * weeks
        self.capacity = [0.0] * weeks
        self.used = [0.0] * weeks
        self.delay = [0] * weeks

    def week(self, ordinal: int) -> int:
        return (ordinal - self.monday) // 7


def simulate(
    scenario: Scenario,
    *,
    supply: Supply | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
) -> Simulation:
    """Simulate booking the scenario's sessions with limited daily capacity.

    Args:
        scenario: the question; its intake, counts and drop-out are drawn at random.
        supply: the capacity to book into (default: the scenario's ``supply``).
        seed: seed of the random draws (default: the scenario's ``seed``).
        progress: called with ``(days done, days)`` as the simulation advances.

    Returns:
        A :class:`Simulation` with weekly and daily rows.

    Raises:
        ScenarioError: neither ``supply`` nor the scenario gives a supply.
        InputError: a bad argument.
    """
    scenario = _check_scenario(scenario)
    supply = supply if supply is not None else scenario.supply
    if supply is None:
        raise ScenarioError("the constrained simulation needs a supply", path="supply")
    if not isinstance(supply, Supply):
        raise InputError(f"must be a Supply, got {type(supply).__name__}", path="supply")
    seed = _check_seed(seed, scenario)
    prepared = streams(scenario)
    rng = random.Random(seed)
    arrivals = _draw_clients(scenario, prepared, rng, supply.unit)
    clients = sum(len(v) for v in arrivals.values())
    to_size = 1.0 if supply.unit == "slots" else 60.0
    books = _Books(scenario)
    end = scenario.end.toordinal()
    first = scenario.start.toordinal()
    waiting: dict[int, list[_Session]] = {}
    sizes = {1.0} if supply.unit == "slots" else {float(s.minutes) for s in prepared}

    closed = Blocker("clinic-closed", "the clinic is closed")

    def check(day: dt.date) -> Blocker | None:
        return None if supply.is_open(day) else closed

    def wait(session: _Session, window: Window) -> None:
        """Queue ``session`` from the open day the planner would choose in ``window``."""
        day, _ = choose_date(window, (check,))
        release = (day or window.target).toordinal()
        waiting.setdefault(max(release, first), []).append(session)

    for plan in scenario.booked:
        minutes = scenario.booked_minutes(plan)
        within = scenario.first_session_within
        for s in plan.sessions:
            if s.status == "done" or scenario.week_index(s.date) is None:
                continue
            latest = max(s.window.latest or within.add_to(s.date), s.date)
            size = 1.0 if supply.unit == "slots" else float(s.minutes or minutes)
            sizes.add(size)
            holder = _Client((), None, 0, size)
            window = Window(earliest=min(s.window.earliest, s.date), target=s.date, latest=latest)
            wait(_Session(holder, 0, window, size), window)

    on_time: list[tuple[int, int, _Session]] = []
    late: list[tuple[int, int, _Session]] = []
    counter = 0
    smallest = min(sizes) if sizes else 1.0
    days: list[SimulationDay] = []
    within = scenario.first_session_within

    def book(session: _Session, today: int) -> None:
        week = books.week(today)
        books.booked[week] += 1
        if today <= session.latest:
            books.in_window[week] += 1
        else:
            books.slipped[week] += 1
        books.used[week] += session.size / to_size
        books.delay[week] += today - session.target
        client = session.client
        following = session.number + 1
        if following >= client.sessions:
            return
        phase = client.phase(following)
        if phase is None:
            return
        window = window_after(dt.date.fromordinal(today), phase)
        if window.target.toordinal() > end or window.latest is None:
            return
        wait(_Session(client, following, window, client.size), window)

    def serve(
        queue: list[tuple[int, int, _Session]], room: float, today: int
    ) -> tuple[float, int]:
        passed: list[tuple[int, int, _Session]] = []
        count = 0
        while queue and room >= smallest - 1e-9 and len(passed) < _LOOK_PAST:
            entry = heapq.heappop(queue)
            session = entry[2]
            if session.size > room + 1e-9:
                passed.append(entry)
                continue
            book(session, today)
            room -= session.size
            count += 1
        for entry in passed:
            heapq.heappush(queue, entry)
        return room, count

    total_days = end - first + 1
    for today in range(first, end + 1):
        day = dt.date.fromordinal(today)
        for client in arrivals.get(today, ()):
            window = Window(earliest=day, target=day, latest=within.add_to(day))
            wait(_Session(client, 0, window, client.size), window)
        for session in waiting.pop(today, ()):
            counter += 1
            heapq.heappush(on_time, (session.latest, counter, session))
        capacity = supply.capacity_on(day)
        room = capacity * to_size
        week = books.week(today)
        books.capacity[week] += capacity
        booked_today = 0
        if room > 0:
            room, n = serve(late, room, today)
            booked_today += n
            room, n = serve(on_time, room, today)
            booked_today += n
        while on_time and on_time[0][0] <= today:
            heapq.heappush(late, heapq.heappop(on_time))
        days.append(
            SimulationDay(
                date=day, capacity=capacity, used=capacity - room / to_size, booked=booked_today
            )
        )
        if day.weekday() == 6 or today == end:
            books.backlog[week] = len(late)
        if progress is not None and (today - first + 1) % 28 == 0:
            progress(today - first + 1, total_days)
    for deadline, _, _ in late:
        books.unmet[max(0, books.week(deadline))] += 1
    if progress is not None:
        progress(total_days, total_days)
    weeks = tuple(
        SimulationWeek(
            week=monday,
            booked=books.booked[i],
            in_window=books.in_window[i],
            slipped=books.slipped[i],
            unmet=books.unmet[i],
            backlog=books.backlog[i],
            capacity=books.capacity[i],
            used=books.used[i],
            delay_days=books.delay[i],
        )
        for i, monday in enumerate(scenario.week_starts)
    )
    return Simulation(
        scenario=scenario,
        supply=supply,
        seed=seed,
        clients=clients,
        weeks=weeks,
        days=tuple(days),
        pending=len(on_time),
    )


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

    Raises:
        ScenarioError: even unlimited capacity does not reach ``share``
            (closures longer than a window, or too short a ``first_session_within``).
        InputError: a bad argument.
    """
    scenario = _check_scenario(scenario)
    share = _check_share(share)
    seed = _check_seed(seed, scenario)
    base = supply if supply is not None else scenario.supply
    if base is None:
        base = Supply.daily(1)
    if not isinstance(base, Supply):
        raise InputError(f"must be a Supply, got {type(base).__name__}", path="supply")
    results: dict[float, Simulation] = {}

    def run(peak: float) -> Simulation:
        if peak not in results:
            results[peak] = simulate(scenario, supply=base.scaled(peak), seed=seed)
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
    )
