"""Session courses of one intake, read from the planner.

The analytic projection, the random runs and the constrained simulation all
need the same facts: for a client who starts a protocol in a given week and
signs up for ``n`` sessions, on which day (counted from the first session)
does each session fall, in which phase, and how likely is the client to
still be coming. The days come from :func:`collagenplan.plan` itself, so the
capacity tools never re-implement interval rules.

Plans are made once per intake week, from that week's Monday; a client who
starts later in the week has the same course shifted by those days. This
is exact for intervals in days and weeks. For intervals in calendar months
(the yearly touch-up) a shifted date can differ from the calendar rule by a
day around month ends and 29 February, which does not matter for weekly
totals and keeps the cost at one plan per week and count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from ..planning import plan
from ..protocols import Phase
from .scenarios import Intake, Scenario

__all__ = ["Stream", "Track", "streams"]


@attrs.frozen(kw_only=True)
class Track:
    """One possible course: the sessions of a client with a given count."""

    count: int | None
    """Counted-phase sessions signed up for (``None``: the protocol default)."""
    weight: float
    """Probability of this count."""
    offsets: tuple[int, ...]
    """Days from the week's Monday anchor to each session (session 1 is 0)."""
    phases: tuple[Phase, ...]
    """Phase of each session."""
    survival: tuple[float, ...]
    """Probability that the client is still coming at each session."""


@attrs.frozen(kw_only=True)
class Stream:
    """One intake prepared for one scenario: its arrival days and its courses."""

    index: int
    """Position of the intake in the scenario."""
    intake: Intake
    """The intake."""
    days: tuple[tuple[dt.date, float], ...]
    """Expected new clients on each intake day."""
    tracks: tuple[tuple[Track, ...], ...]
    """For each week of the horizon, the courses of clients starting that week
    (empty for a week without arrivals)."""
    no_show: float
    """No-show probability for its sessions."""

    @property
    def protocol_id(self) -> str:
        """The intake's protocol id."""
        return self.intake.protocol.id

    @property
    def minutes(self) -> int:
        """Chair minutes per session."""
        return self.intake.minutes

    def continuation(self, phases: Sequence[Phase]) -> tuple[float, ...]:
        """Probability of going on to each session given the one before (1 for session 1)."""
        return (1.0, *(1.0 - self.intake.dropout_before(p) for p in phases[1:]))


def _track(
    scenario: Scenario, intake: Intake, anchor: dt.date, count: int | None, weight: float
) -> Track:
    result = plan(intake.protocol, start=anchor, sessions=count, horizon=scenario.end)
    by_name = {p.name: p for p in intake.protocol.phases}
    phases = tuple(by_name[s.phase] for s in result.sessions)
    survival: list[float] = []
    alive = 1.0
    for i, phase in enumerate(phases):
        if i:
            alive *= 1.0 - intake.dropout_before(phase)
        survival.append(alive)
    return Track(
        count=count,
        weight=weight,
        offsets=tuple((s.date - anchor).days for s in result.sessions),
        phases=phases,
        survival=tuple(survival),
    )


def streams(scenario: Scenario) -> tuple[Stream, ...]:
    """Prepare every intake of ``scenario``."""
    out = []
    for index, intake in enumerate(scenario.intakes):
        counts = intake.count_distribution
        days = tuple(scenario.daily_intake(intake))
        busy = {scenario.week_index(day) for day, _ in days}
        weeks = tuple(
            tuple(_track(scenario, intake, monday, n, p) for n, p in counts.items())
            if week in busy
            else ()
            for week, monday in enumerate(scenario.week_starts)
        )
        out.append(
            Stream(
                index=index,
                intake=intake,
                days=days,
                tracks=weeks,
                no_show=scenario.no_show_for(intake),
            )
        )
    return tuple(out)
