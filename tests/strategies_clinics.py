"""Helpers and Hypothesis strategies for clinic and living-calendar tests."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

import collagenplan as cp
from collagenplan.clinics import WEEKDAYS

ALL_DAYS = WEEKDAYS


def clinic(
    *,
    days: tuple[str, ...] = ALL_DAYS,
    closures: tuple[cp.Closure, ...] = (),
    practitioners: tuple[cp.Practitioner, ...] = (),
    timezone: str = "Europe/London",
    opens: dt.time = dt.time(10, 0),
    closes: dt.time = dt.time(18, 0),
    availability: cp.Availability | None = None,
) -> cp.Clinic:
    """A clinic open on ``days`` with the given closures and staff."""
    return cp.Clinic(
        id="test-clinic",
        name="Test Clinic",
        timezone=timezone,
        hours=(cp.OpeningHours(days=days, opens=opens, closes=closes),),
        closures=closures,
        practitioners=practitioners,
        availability=availability,
    )


def protocol(
    *,
    min: str = "4w",
    target: str = "5w",
    max: str = "6w",
    sessions: int = 3,
    late: str = "",
    grace: str = "",
    chair_minutes: int = 60,
    touch_up: bool = False,
    id: str = "test-series",
    areas: tuple[str, ...] = ("face",),
    combine_same_day: bool = False,
    spacing: str = "",
) -> cp.Protocol:
    """A one-phase (or series + yearly touch-up) protocol built from TOML text."""
    text = f"""
schema = 1
id = "{id}"
name = "Test series"
areas = [{", ".join(f'"{a}"' for a in areas)}]

[[phases]]
name = "series"
sessions = {{ min = 1, max = {max_sessions(sessions)}, default = {sessions} }}
interval = {{ min = "{min}", target = "{target}", max = "{max}" }}
{f'grace = "{grace}"' if grace else ""}
"""
    if touch_up:
        text += """
[[phases]]
name = "touch-up"
repeat = true
interval = { min = "11m", target = "12m", max = "13m" }
"""
    text += f"""
[session]
chair_minutes = {chair_minutes}
downtime = "3d"
combine_same_day = {"true" if combine_same_day else "false"}
"""
    if late:
        text += f"\n[late]\n{late}\n"
    text += spacing
    return cp.parse_protocol(text)


def max_sessions(default: int) -> int:
    return max(default, 6)


# ------------------------------------------------------------- strategies

start_dates = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def interval_texts(draw: st.DrawFn) -> tuple[str, str, str]:
    """min <= target <= max in days or weeks, small enough to keep plans short."""
    low = draw(st.integers(1, 35))
    mid = draw(st.integers(low, low + 14))
    high = draw(st.integers(mid, mid + 14))
    return f"{low}d", f"{mid}d", f"{high}d"


@st.composite
def random_protocols(draw: st.DrawFn) -> cp.Protocol:
    low, mid, high = draw(interval_texts())
    policy = draw(st.sampled_from(["", 'policy = "restart"\nrestart_after = "8w"']))
    return protocol(
        min=low,
        target=mid,
        max=high,
        sessions=draw(st.integers(1, 6)),
        late=policy,
        touch_up=draw(st.booleans()),
    )


@st.composite
def random_clinics(draw: st.DrawFn, start: dt.date) -> cp.Clinic:
    """Open on a random non-empty set of weekdays, with random closed dates and ranges
    around ``start``, and sometimes a practitioner with leave."""
    chosen = draw(st.sets(st.sampled_from(ALL_DAYS), min_size=1))
    days = tuple(d for d in ALL_DAYS if d in chosen)
    offsets = st.integers(0, 400)
    closures = []
    for offset, length in draw(st.lists(st.tuples(offsets, st.integers(0, 20)), max_size=8)):
        first = start + dt.timedelta(days=offset)
        closures.append(cp.Closure(start=first, end=first + dt.timedelta(days=length)))
    staff: tuple[cp.Practitioner, ...] = ()
    if draw(st.booleans()):
        leave_at = start + dt.timedelta(days=draw(offsets))
        staff = (
            cp.Practitioner(
                id="only",
                treatments=("test-series",),
                leave=(cp.Closure(start=leave_at, end=leave_at + dt.timedelta(days=10)),),
            ),
        )
    return clinic(days=days, closures=tuple(closures), practitioners=staff)
