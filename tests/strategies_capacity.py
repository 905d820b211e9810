"""Hypothesis strategies for capacity scenarios and supplies."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

import collagenplan as cp

MONDAY = dt.date(2027, 1, 4)
"""A Monday to start test scenarios on."""


@st.composite
def supplies(draw: st.DrawFn, *, unit: cp.capacity.scenarios.Unit = "slots") -> cp.Supply:
    """A weekday pattern with at least one open day, a few closures, slots or hours."""
    amounts = draw(
        st.lists(st.integers(min_value=0, max_value=4), min_size=7, max_size=7).filter(any)
    )
    closures = draw(
        st.frozensets(
            st.integers(min_value=0, max_value=90).map(lambda n: MONDAY + dt.timedelta(days=n)),
            max_size=12,
        )
    )
    scale = 1 if unit == "slots" else draw(st.sampled_from([1, 2, 3]))
    return cp.Supply(
        per_weekday=tuple(float(a * scale) for a in amounts), unit=unit, closures=closures
    )


@st.composite
def small_scenarios(draw: st.DrawFn, supply: cp.Supply) -> cp.Scenario:
    """A few weeks of one or two small intakes, with drop-out and a count distribution."""
    protocols = draw(
        st.lists(
            st.sampled_from(["facial-series", "body-series", "scalp-series", "maintenance"]),
            min_size=1,
            max_size=2,
            unique=True,
        )
    )
    intakes = []
    for pid in protocols:
        protocol = cp.get_protocol(pid)
        counted = protocol.phases[0].sessions
        counts = (
            None
            if protocol.counted_phase_index is None
            else draw(
                st.one_of(st.none(), st.integers(min_value=counted.min, max_value=counted.max))
            )
        )
        intakes.append(
            cp.Intake(
                protocol=protocol,
                per_week=draw(st.floats(min_value=0.5, max_value=6.0)),
                sessions=counts,
                dropout=draw(st.sampled_from([0.0, 0.1, 0.3])),
            )
        )
    return cp.Scenario(
        start=MONDAY + dt.timedelta(days=draw(st.integers(min_value=0, max_value=6))),
        weeks=draw(st.integers(min_value=2, max_value=14)),
        intakes=tuple(intakes),
        supply=supply,
        seed=draw(st.integers(min_value=0, max_value=2**32)),
    )
