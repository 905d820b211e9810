"""The vectorised reading of many calendars at once, for the protocols where it is exact.

:func:`collagenplan.validate` reads a calendar of dates by dynamic
programming: the reading with the fewest errors, then the fewest warnings
(``_reading``). When a calendar has a reading with no violation at all, and
the protocol can read each gap in at most one violation-free way, that
reading is the only one with zero cost, so the dynamic programme returns it.
It can then be found greedily, one gap at a time, for all calendars
together, which is what this module does with numpy.

"At most one violation-free way per gap" holds when, from any state, the
successor states (stay in the phase, or move on to the next one) never both
accept the same gap: the intervals of two consecutive phases never overlap on
any start date (``Duration.span_days``), or the phase has a fixed session
count so that only one successor exists. :func:`eligible` checks this per
protocol; the late policy ``restart`` (which re-reads a calendar after a long
gap) is left to the per-client functions.

Everything here works on dates as ``int64`` days since 1970-01-01, in a range
(:data:`LOW` to :data:`HIGH`) where no window bound comes near the ends of
``datetime.date``; callers send other dates to the per-client functions.
Rows the greedy walk cannot read without a violation are reported as not
``alive``: the caller asks the per-client function about them, which is exact
by definition.
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import numpy.typing as npt

from ..durations import Duration
from ..protocols.model import Phase, Protocol

__all__ = ["HIGH", "LOW", "Greedy", "add", "eligible", "greedy"]

Days = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

_EPOCH = dt.date(1970, 1, 1).toordinal()
LOW = dt.date(1900, 1, 1).toordinal() - _EPOCH
"""First date (days since 1970-01-01) the vectorised path handles."""
HIGH = dt.date(2199, 12, 31).toordinal() - _EPOCH
"""Last date (days since 1970-01-01) the vectorised path handles."""
_LONGEST = 100 * 366
"""Longest interval (days) the vectorised path handles: windows stay inside date's range."""


def add(days: Days, duration: Duration) -> Days:
    """``days`` plus ``duration``, element-wise, exactly as :meth:`Duration.add_to`.

    Months first, clamped to the last day of a shorter month, then whole days
    (hours rounded up), the same rule as ``Duration._apply``.
    """
    if not duration.months:
        return days + duration.whole_days
    as_days = days.astype("datetime64[D]")
    month = as_days.astype("datetime64[M]")
    day_of_month = (as_days - month.astype("datetime64[D]")).astype(np.int64)  # 0-based
    shifted = month + np.timedelta64(duration.months, "M")
    first = shifted.astype("datetime64[D]").astype(np.int64)
    length = (shifted + np.timedelta64(1, "M")).astype("datetime64[D]").astype(np.int64) - first
    out: Days = first + np.minimum(day_of_month, length - 1) + duration.whole_days
    return out


def _disjoint(a: Phase, b: Phase) -> bool:
    """No gap fits both phases' intervals, from any start date."""
    a_low, a_high = a.interval.min.span_days[0], a.interval.max.span_days[1]
    b_low, b_high = b.interval.min.span_days[0], b.interval.max.span_days[1]
    return a_high < b_low or b_high < a_low


def eligible(protocol: Protocol) -> bool:
    """True when the greedy reading of this module is exactly the library's reading."""
    late = protocol.late
    if late.policy == "restart" and late.restart_after is not None:
        return False
    phases = protocol.phases
    if not phases:
        return False
    for phase in phases:
        if phase.interval.max.span_days[1] > _LONGEST:
            return False
    for here, after in itertools.pairwise(phases):
        both = not here.repeat and here.sessions.min < here.sessions.max
        if both and not _disjoint(here, after):
            return False
    return True


def _fits(previous: Days, day: Days, phase: Phase) -> Mask:
    """The gap from ``previous`` to ``day`` is inside ``phase``'s window (no violation)."""
    interval = phase.interval
    fits: Mask = (add(previous, interval.min) <= day) & (day <= add(previous, interval.max))
    return fits


class Greedy:
    """The greedy reading of each calendar: its last state, and whether it exists.

    Attributes:
        alive: the calendar has a violation-free reading (then it is this one).
        phase: phase index of the last session (meaningful where ``alive``).
        count: sessions in a row in that phase (its state count).
    """

    __slots__ = ("alive", "count", "phase")

    def __init__(self, alive: Mask, phase: Days, count: Days) -> None:
        self.alive = alive
        self.phase = phase
        self.count = count


def greedy(protocol: Protocol, days: Days, starts: Days, lengths: Days) -> Greedy:
    """Read calendars ``days[starts[i] : starts[i] + lengths[i]]`` (each in strictly
    increasing order, every length at least 1) against ``protocol`` greedily."""
    phases = protocol.phases
    n = len(starts)
    phase = np.zeros(n, dtype=np.int64)
    count = np.ones(n, dtype=np.int64)
    alive = np.ones(n, dtype=bool)
    longest = int(lengths.max()) if n else 0
    for k in range(1, longest):
        rows = np.flatnonzero(alive & (lengths > k))
        if not rows.size:
            break
        previous = days[starts[rows] + k - 1]
        day = days[starts[rows] + k]
        here_phase = phase[rows]
        here_count = count[rows]
        new_phase = np.full(rows.size, -1, dtype=np.int64)
        new_count = np.zeros(rows.size, dtype=np.int64)
        for j, ph in enumerate(phases):
            in_j = here_phase == j
            if not in_j.any():
                continue
            stay = in_j if ph.repeat else in_j & (here_count < ph.sessions.max)
            if stay.any():
                sel = np.flatnonzero(stay)
                ok = sel[_fits(previous[sel], day[sel], ph)]
                new_phase[ok] = j
                new_count[ok] = 1 if ph.repeat else here_count[ok] + 1
            if not ph.repeat and j + 1 < len(phases):
                move = in_j & (here_count >= ph.sessions.min)
                if move.any():
                    sel = np.flatnonzero(move)
                    ok = sel[_fits(previous[sel], day[sel], phases[j + 1])]
                    new_phase[ok] = j + 1
                    new_count[ok] = 1
        phase[rows] = new_phase
        count[rows] = new_count
        alive[rows] = new_phase >= 0
    return Greedy(alive, phase, count)
