"""Hypothesis strategies shared by the test modules."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

import collagenplan as cp

kebab = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)

durations = st.builds(
    lambda months, days, hours: cp.Duration(months=months, days=days, hours=hours),
    months=st.integers(0, 30),
    days=st.integers(0, 400),
    hours=st.integers(0, 100),
)

duration_texts = st.one_of(
    st.builds(lambda n, u: f"{n}{u}", st.integers(0, 500), st.sampled_from("hdwmy")),
    st.builds(lambda d: str(d), durations),
    st.builds(lambda d: d.isoformat(), durations),
)

dates = st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31))


@st.composite
def intervals(draw: st.DrawFn) -> cp.Interval:
    """Intervals in days, weeks or months with min <= target <= max."""
    unit = draw(st.sampled_from(["d", "w", "m"]))
    top = {"d": 60, "w": 12, "m": 14}[unit]
    low = draw(st.integers(1, top))
    mid = draw(st.integers(low, top))
    high = draw(st.integers(mid, top + 2))
    make = {
        "d": lambda n: cp.Duration(days=n),
        "w": lambda n: cp.Duration(days=7 * n),
        "m": lambda n: cp.Duration(months=n),
    }[unit]
    return cp.Interval(min=make(low), target=make(mid), max=make(high))


@st.composite
def phases(draw: st.DrawFn, name: str, repeat: bool) -> cp.Phase:
    interval = draw(intervals())
    if repeat:
        count = cp.SessionCount()
    else:
        low = draw(st.integers(1, 5))
        high = draw(st.integers(low, 8))
        count = cp.SessionCount(min=low, max=high, default=draw(st.integers(low, high)))
    min_days = interval.min.span_days[0]
    grace = cp.Duration(days=draw(st.integers(0, max(0, min_days - 1))))
    return cp.Phase(name=name, interval=interval, sessions=count, grace=grace, repeat=repeat)


@st.composite
def protocols(draw: st.DrawFn) -> cp.Protocol:
    """Random valid protocols: 1-3 phases, the last one maybe repeating."""
    n = draw(st.integers(1, 3))
    repeat_last = draw(st.booleans())
    built = tuple(draw(phases(f"phase-{i}", repeat=repeat_last and i == n - 1)) for i in range(n))
    return cp.Protocol(
        id=draw(kebab),
        name=draw(st.text(min_size=1, max_size=20).filter(str.strip)),
        phases=built,
        session=cp.SessionSpec(
            chair_minutes=draw(st.integers(1, 240)),
            downtime=cp.Duration(days=draw(st.integers(0, 10))),
        ),
        notes=draw(st.none() | st.text(max_size=40)),
        areas=tuple(draw(st.lists(kebab, max_size=3, unique=True))),
        washouts=tuple(
            cp.Washout(exposure=e, before=b, after=a)
            for e, b, a in draw(
                st.lists(
                    st.tuples(kebab, durations, durations), max_size=3, unique_by=lambda t: t[0]
                )
            )
        ),
    )
