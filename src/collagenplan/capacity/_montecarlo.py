"""Random runs of a scenario's demand, drawn as counts per cohort (needs NumPy).

Nothing here loops over clients. For each intake day and each session count
a client can sign up for, a run draws how many clients arrive (Poisson, or
the given number), splits them over the counts (multinomial), and thins
them session by session with the drop-out probability (binomial). Each
group's sessions are then added to the weeks the planner puts them in. The
work per run grows with days x counts x sessions, not with clients.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from ._tracks import Stream
from .scenarios import Scenario

__all__ = ["draw"]

FloatArray = npt.NDArray[np.float64]
# Elements per array in one batch of runs: big enough for NumPy to pay off,
# small enough to stay in cache and to update a progress bar often.
_BATCH_ELEMENTS = 100_000


def _week_table(
    scenario: Scenario, stream: Stream, track: int, sessions: int
) -> npt.NDArray[np.int64]:
    """Week of each session of course ``track`` for each intake day (``weeks`` = outside)."""
    table = np.full((len(stream.days), sessions), scenario.weeks, dtype=np.int64)
    for row, (day, _) in enumerate(stream.days):
        week = (day - scenario.monday).days // 7
        course = stream.tracks[week][track]
        shift = day.weekday()
        for k, offset in enumerate(course.offsets):
            target = week + (shift + offset) // 7
            if target < scenario.weeks:
                table[row, k] = target
    return table


def _arrivals(
    rng: np.random.Generator, rates: FloatArray, runs: int, fixed: bool
) -> npt.NDArray[np.int64]:
    if fixed:
        whole = np.floor(rates)
        extra = rng.random((runs, rates.size)) < (rates - whole)
        return (whole + extra).astype(np.int64)
    return rng.poisson(rates, size=(runs, rates.size)).astype(np.int64)


def draw(
    scenario: Scenario,
    streams: tuple[Stream, ...],
    *,
    runs: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Sessions and chair-hours per run and week, shape ``(runs, weeks)`` each.

    Booked plans are not included (they are certain; the caller adds them).
    """
    rng = np.random.default_rng(seed)
    weeks = scenario.weeks
    sessions = np.zeros((runs, weeks), dtype=np.float64)
    hours = np.zeros((runs, weeks), dtype=np.float64)
    prepared = []
    for stream in streams:
        if not stream.days:
            continue
        first = next(t for t in stream.tracks if t)
        weights = np.array([t.weight for t in first], dtype=np.float64)
        courses = []
        for i in range(len(first)):
            longest = max((t[i] for t in stream.tracks if t), key=lambda c: len(c.phases))
            keep = stream.continuation(longest.phases)
            courses.append((keep, _week_table(scenario, stream, i, len(keep))))
        rates = np.array([r for _, r in stream.days], dtype=np.float64)
        prepared.append((stream, weights / weights.sum(), courses, rates))

    days = max((len(s.days) for s in streams), default=1)
    batch = max(1, min(runs, _BATCH_ELEMENTS // max(days, 1)))
    done = 0
    while done < runs:
        size = min(batch, runs - done)
        offsets = (np.arange(size, dtype=np.int64) * (weeks + 1))[:, None]
        for stream, weights, courses, rates in prepared:
            counts = _arrivals(rng, rates, size, scenario.arrivals == "fixed")
            split = counts[:, :, None] if len(courses) == 1 else rng.multinomial(counts, weights)
            total = np.zeros(size * (weeks + 1), dtype=np.float64)
            for i, (keep, table) in enumerate(courses):
                alive = split[:, :, i]
                for k, p in enumerate(keep):
                    if p < 1.0:
                        alive = rng.binomial(alive, p)
                    index = (offsets + table[None, :, k]).ravel()
                    total += np.bincount(index, weights=alive.ravel(), minlength=total.size)
            grid = total.reshape(size, weeks + 1)[:, :weeks]
            sessions[done : done + size] += grid
            hours[done : done + size] += grid * (stream.minutes / 60.0)
        done += size
        if progress is not None:
            progress(done, runs)
    return sessions, hours
