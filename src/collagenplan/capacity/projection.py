"""Expected demand per week, computed from the protocols, with optional uncertainty bands.

:func:`project` answers "how many sessions and chair-hours per week?" in
closed form: each intake day's expected new clients times each course's
session offsets (from the planner) times the probability that a client is
still coming, summed per ISO week. The cost grows with days x counts x
sessions, never with the number of clients, so a million clients over two
years takes as long as ten.

With ``runs=N`` it also draws N random versions of the same scenario (see
:func:`sample_demand`) and reports the 10th, 50th and 90th percentile of
each week.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from .._text import spreadsheet_cell
from ..errors import InputError
from ._extras import require
from ._tracks import Stream, streams
from .scenarios import Scenario, Unit

if TYPE_CHECKING:
    import numpy.typing as npt
    import pandas as pd

__all__ = [
    "DemandSamples",
    "PhaseRow",
    "Progress",
    "Projection",
    "ProjectionRow",
    "iso_week",
    "project",
    "sample_demand",
]

Progress = Callable[[int, int], None]
"""A callback told ``(done, total)`` as long work advances (for a progress bar)."""
Measure = Literal["sessions", "chair_hours"]


def iso_week(day: dt.date) -> str:
    """The ISO week label of ``day``, such as ``"2027-W01"``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@attrs.frozen(kw_only=True)
class ProjectionRow:
    """Demand in one ISO week, all protocols together."""

    week: dt.date
    """Monday of the week."""
    sessions: float
    """Expected sessions booked (each takes a chair, attended or not)."""
    attended: float
    """Expected sessions attended (booked less no-shows)."""
    chair_hours: float
    """Expected chair-hours booked."""
    capacity: float | None = None
    """Capacity that week in the supply's unit (slots or practitioner-hours), if known."""
    utilisation: float | None = None
    """Expected demand over capacity (sessions for slots, chair-hours for hours);
    ``None`` without a supply or in a week with no capacity."""
    sessions_p10: float | None = None
    """10th percentile of sessions over the random runs (``None`` without runs)."""
    sessions_p50: float | None = None
    """Median sessions over the random runs."""
    sessions_p90: float | None = None
    """90th percentile of sessions over the random runs."""
    chair_hours_p10: float | None = None
    """10th percentile of chair-hours over the random runs."""
    chair_hours_p50: float | None = None
    """Median chair-hours over the random runs."""
    chair_hours_p90: float | None = None
    """90th percentile of chair-hours over the random runs."""

    @property
    def iso_week(self) -> str:
        """The ISO week label (``"2027-W01"``)."""
        return iso_week(self.week)


@attrs.frozen(kw_only=True)
class PhaseRow:
    """Expected demand in one ISO week for one protocol phase."""

    week: dt.date
    """Monday of the week."""
    protocol: str
    """Protocol id."""
    phase: str
    """Phase name (``series``, ``touch-up``)."""
    sessions: float
    """Expected sessions booked."""
    attended: float
    """Expected sessions attended."""
    chair_hours: float
    """Expected chair-hours booked."""

    @property
    def iso_week(self) -> str:
        """The ISO week label (``"2027-W01"``)."""
        return iso_week(self.week)


_WEEK_COLUMNS = (
    "week", "iso_week", "sessions", "attended", "chair_hours", "sessions_p10", "sessions_p50",
    "sessions_p90", "chair_hours_p10", "chair_hours_p50", "chair_hours_p90", "capacity",
    "utilisation",
)  # fmt: skip
_PHASE_COLUMNS = ("week", "iso_week", "protocol", "phase", "sessions", "attended", "chair_hours")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):  # ids are kebab-case; the OWASP rule guards all the same
        return spreadsheet_cell(value)
    return value


def _records(rows: tuple[Any, ...], columns: tuple[str, ...]) -> list[dict[str, object]]:
    return [{c: getattr(r, c) for c in columns} for r in rows]


@attrs.frozen(kw_only=True)
class Projection:
    """The answer of :func:`project`: one row per ISO week, plus the detail per phase."""

    scenario: Scenario = attrs.field(repr=False)
    """The scenario projected."""
    rows: tuple[ProjectionRow, ...]
    """One row per week of the horizon."""
    detail: tuple[PhaseRow, ...] = attrs.field(repr=False)
    """One row per week, protocol and phase (booked plans included)."""
    runs: int = 0
    """Random runs behind the percentile columns (0: expected values only)."""
    seed: int | None = None
    """Seed of the random runs, when there were any."""

    @property
    def unit(self) -> Unit | None:
        """The supply's unit, or ``None`` without a supply."""
        return None if self.scenario.supply is None else self.scenario.supply.unit

    @property
    def measure(self) -> Measure:
        """What capacity is compared with: ``chair_hours`` for hours, else ``sessions``."""
        return "chair_hours" if self.unit == "hours" else "sessions"

    @property
    def total_sessions(self) -> float:
        """Expected sessions over the whole horizon."""
        return sum(r.sessions for r in self.rows)

    @property
    def total_chair_hours(self) -> float:
        """Expected chair-hours over the whole horizon."""
        return sum(r.chair_hours for r in self.rows)

    @property
    def peak(self) -> ProjectionRow:
        """The week with the highest expected demand (the first on a tie)."""
        return max(self.rows, key=lambda r: getattr(r, self.measure))

    def to_csv(
        self, path: str | Path | None = None, *, detail: bool = False, bom: bool = False
    ) -> str:
        """The rows as CSV text (one per week, or per week and phase with ``detail``).

        Written to ``path`` too when one is given. Missing values are empty
        cells. ``bom=True`` starts the file with a UTF-8 byte-order mark, which
        spreadsheet programs such as Excel read as "this file is UTF-8".
        """
        rows, columns = (self.detail, _PHASE_COLUMNS) if detail else (self.rows, _WEEK_COLUMNS)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for record in _records(rows, columns):
            writer.writerow([_cell(record[c]) for c in columns])
        text = buffer.getvalue()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8-sig" if bom else "utf-8")
        return text

    def to_dataframe(self, *, detail: bool = False) -> pd.DataFrame:
        """The rows as a pandas DataFrame (needs the ``analysis`` extra).

        ``week`` is a datetime column (the Monday); missing values are NaN.
        """
        pandas = require("pandas", "Projection.to_dataframe()")
        rows, columns = (self.detail, _PHASE_COLUMNS) if detail else (self.rows, _WEEK_COLUMNS)
        frame: pd.DataFrame = pandas.DataFrame(_records(rows, columns), columns=list(columns))
        frame["week"] = pandas.to_datetime(frame["week"])
        numeric = [c for c in columns if c not in ("week", "iso_week", "protocol", "phase")]
        frame[numeric] = frame[numeric].astype("float64")
        return frame

    def plot(self, path: str | Path, *, title: str | None = None) -> Path:
        """Draw demand (with its bands) against capacity and save it to ``path``.

        The format follows the suffix (``.png``, ``.svg``, ``.pdf``). Needs
        the ``analysis`` extra (matplotlib). Returns the path written.
        """
        from .plotting import plot_projection

        return plot_projection(self, path, title=title)


@attrs.frozen(kw_only=True, eq=False)
class DemandSamples:
    """Random runs of a scenario's demand: arrays of shape ``(runs, weeks)``."""

    sessions: npt.NDArray[Any]
    """Sessions booked per run and week (booked plans included)."""
    chair_hours: npt.NDArray[Any]
    """Chair-hours booked per run and week."""
    seed: int
    """The seed the runs were drawn with."""


MAX_RUNS = 100_000
"""Most random runs a projection draws: the bands stop moving long before, and each
run keeps a row of every weekly array in memory."""


def _check_runs(runs: object) -> int:
    if isinstance(runs, bool) or not isinstance(runs, int):
        raise InputError(f"must be an integer, got {type(runs).__name__}", path="runs")
    if runs > MAX_RUNS:
        raise InputError(f"must be at most {MAX_RUNS}, got {runs}", path="runs")
    if runs < 0:
        raise InputError(f"must not be negative, got {runs}", path="runs")
    return runs


def _check_seed(seed: object, scenario: Scenario) -> int:
    if seed is None:
        return scenario.seed
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(f"must be a non-negative integer, got {seed!r}", path="seed")
    return seed


def _check_scenario(scenario: object) -> Scenario:
    if not isinstance(scenario, Scenario):
        raise InputError(f"must be a Scenario, got {type(scenario).__name__}", path="scenario")
    return scenario


class _Load:
    """Expected sessions, attended sessions and chair-hours per week for one phase."""

    __slots__ = ("attended", "hours", "sessions")

    def __init__(self, weeks: int) -> None:
        self.sessions = [0.0] * weeks
        self.attended = [0.0] * weeks
        self.hours = [0.0] * weeks


def _expected_stream(
    scenario: Scenario, stream: Stream, loads: dict[tuple[str, str], _Load]
) -> None:
    weeks = scenario.weeks
    keep = 1.0 - stream.no_show
    per_hour = stream.minutes / 60.0
    # kernel[(week, weekday)] = {(target week, phase): expected sessions per client}
    kernels: dict[tuple[int, int], dict[tuple[int, str], float]] = {}
    for day, rate in stream.days:
        week = (day - scenario.monday).days // 7
        shift = day.weekday()
        kernel = kernels.get((week, shift))
        if kernel is None:
            kernel = {}
            for course in stream.tracks[week]:
                for offset, phase, alive in zip(
                    course.offsets, course.phases, course.survival, strict=True
                ):
                    target = week + (shift + offset) // 7
                    if target < weeks:
                        key = (target, phase.name)
                        kernel[key] = kernel.get(key, 0.0) + course.weight * alive
            kernels[(week, shift)] = kernel
        for (target, phase_name), per_client in kernel.items():
            load = loads.setdefault((stream.protocol_id, phase_name), _Load(weeks))
            expected = rate * per_client
            load.sessions[target] += expected
            load.attended[target] += expected * keep
            load.hours[target] += expected * per_hour


def _booked(scenario: Scenario) -> dict[tuple[str, str], _Load]:
    """Sessions of booked plans inside the horizon (certain load, no drop-out)."""
    loads: dict[tuple[str, str], _Load] = {}
    for plan in scenario.booked:
        minutes = scenario.booked_minutes(plan)
        keep = 1.0 - next(
            (
                scenario.no_show_for(i)
                for i in scenario.intakes
                if i.protocol.id == plan.protocol_id
            ),
            scenario.no_show,
        )
        for session in plan.sessions:
            week = scenario.week_index(session.date)
            if session.status == "done" or week is None:
                continue
            load = loads.setdefault((plan.protocol_id, session.phase), _Load(scenario.weeks))
            load.sessions[week] += 1.0
            load.attended[week] += keep
            load.hours[week] += (session.minutes or minutes) / 60.0
    return loads


def _merge(into: dict[tuple[str, str], _Load], other: dict[tuple[str, str], _Load]) -> None:
    for key, load in other.items():
        target = into.setdefault(key, _Load(len(load.sessions)))
        for name in ("sessions", "attended", "hours"):
            mine, theirs = getattr(target, name), getattr(load, name)
            for i, value in enumerate(theirs):
                mine[i] += value


def weekly_capacity(scenario: Scenario) -> list[float] | None:
    """Capacity per week of the horizon in the supply's unit (days before ``start`` excluded)."""
    supply = scenario.supply
    if supply is None:
        return None
    out = [0.0] * scenario.weeks
    day = scenario.start
    one = dt.timedelta(days=1)
    while day <= scenario.end:
        out[(day - scenario.monday).days // 7] += supply.capacity_on(day)
        day += one
    return out


def sample_demand(
    scenario: Scenario,
    *,
    runs: int,
    seed: int | None = None,
    progress: Progress | None = None,
) -> DemandSamples:
    """Draw ``runs`` random versions of the scenario's weekly demand (needs ``analysis``).

    Arrivals are Poisson around the expected intake (or as given with
    ``arrivals = "fixed"``), counts are drawn from the intake's distribution
    and clients drop out at random; booked plans are certain. The mean over
    many runs converges to :func:`project`'s expected values.

    Raises:
        MissingExtraError: NumPy is not installed.
    """
    scenario = _check_scenario(scenario)
    runs = _check_runs(runs)
    if runs < 1:
        raise InputError(f"must be at least 1, got {runs}", path="runs")
    seed = _check_seed(seed, scenario)
    require("numpy", "random runs (runs=N)")
    from ._montecarlo import draw

    sessions, hours = draw(scenario, streams(scenario), runs=runs, seed=seed, progress=progress)
    booked = _booked(scenario)
    for load in booked.values():
        sessions += load.sessions
        hours += load.hours
    return DemandSamples(sessions=sessions, chair_hours=hours, seed=seed)


def project(
    scenario: Scenario,
    *,
    runs: int = 0,
    seed: int | None = None,
    progress: Progress | None = None,
) -> Projection:
    """Project a scenario's sessions and chair-hours per ISO week.

    Args:
        scenario: the question (:class:`Scenario`, :func:`load_scenario`).
        runs: random runs for the p10 / p50 / p90 columns; 0 gives expected
            values only (and needs no extra).
        seed: seed of the random runs (default: the scenario's ``seed``).
        progress: called with ``(runs done, runs)`` during the random runs.

    Returns:
        A :class:`Projection`.

    Raises:
        InputError: a bad argument.
        MissingExtraError: ``runs`` > 0 without NumPy installed.
    """
    scenario = _check_scenario(scenario)
    runs = _check_runs(runs)
    seed_used = _check_seed(seed, scenario)
    loads: dict[tuple[str, str], _Load] = {}
    for stream in streams(scenario):
        _expected_stream(scenario, stream, loads)
    _merge(loads, _booked(scenario))
    weeks = scenario.week_starts
    capacity = weekly_capacity(scenario)
    bands: dict[str, list[list[float]]] = {}
    if runs:
        samples = sample_demand(scenario, runs=runs, seed=seed_used, progress=progress)
        import numpy as np

        for name, values in (("sessions", samples.sessions), ("chair_hours", samples.chair_hours)):
            bands[name] = np.percentile(values, [10, 50, 90], axis=0).tolist()
    measure_hours = scenario.supply is not None and scenario.supply.unit == "hours"
    rows = []
    for i, monday in enumerate(weeks):
        sessions = sum(load.sessions[i] for load in loads.values())
        hours = sum(load.hours[i] for load in loads.values())
        cap = None if capacity is None else capacity[i]
        demand = hours if measure_hours else sessions
        extra: dict[str, float] = {}
        for name, (p10, p50, p90) in bands.items():
            extra |= {f"{name}_p10": p10[i], f"{name}_p50": p50[i], f"{name}_p90": p90[i]}
        rows.append(
            ProjectionRow(
                week=monday,
                sessions=sessions,
                attended=sum(load.attended[i] for load in loads.values()),
                chair_hours=hours,
                capacity=cap,
                utilisation=demand / cap if cap else None,
                **extra,
            )
        )
    detail = tuple(
        PhaseRow(
            week=monday,
            protocol=protocol,
            phase=phase,
            sessions=loads[(protocol, phase)].sessions[i],
            attended=loads[(protocol, phase)].attended[i],
            chair_hours=loads[(protocol, phase)].hours[i],
        )
        for i, monday in enumerate(weeks)
        for protocol, phase in sorted(loads)
    )
    return Projection(
        scenario=scenario,
        rows=tuple(rows),
        detail=detail,
        runs=runs,
        seed=seed_used if runs else None,
    )
