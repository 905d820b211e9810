"""Hypothesis strategies for clients and for protocols with varied client rules."""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import strategies as st

import collagenplan as cp

BASE = dt.date(2026, 12, 1)
UNKNOWN = "not-in-any-protocol"


def durations(max_days: int = 40, max_months: int = 7) -> st.SearchStrategy[cp.Duration]:
    """Short durations in days, or a few calendar months."""
    return st.one_of(
        st.builds(cp.Duration, days=st.integers(0, max_days)),
        st.builds(cp.Duration, months=st.integers(0, max_months)),
    )


def days_around(base: dt.date, before: int, after: int) -> st.SearchStrategy[dt.date]:
    """Dates from ``before`` days ahead of ``base`` to ``after`` days past it."""
    return st.integers(-before, after).map(lambda n: base + dt.timedelta(days=n))


@st.composite
def protocols(draw: st.DrawFn) -> cp.Protocol:
    """A catalogue protocol with its interval, downtime, washouts and spacing redrawn."""
    protocol = cp.get_protocol(draw(st.sampled_from(cp.protocol_ids())))
    if draw(st.booleans()):
        low = draw(st.integers(1, 45))
        target = low + draw(st.integers(0, 14))
        high = target + draw(st.integers(0, 14))
        first = attrs.evolve(
            protocol.phases[0],
            interval=cp.Interval(
                min=cp.Duration(days=low),
                target=cp.Duration(days=target),
                max=cp.Duration(days=high),
            ),
            grace=cp.Duration(),
        )
        protocol = attrs.evolve(protocol, phases=(first, *protocol.phases[1:]))
    exposures = draw(
        st.lists(st.sampled_from([w.exposure for w in protocol.washouts]), unique=True, max_size=4)
    )
    washouts = [
        cp.Washout(exposure=name, before=draw(durations()), after=draw(durations(21, 1)))
        for name in exposures
    ]
    kinds = draw(
        st.lists(st.sampled_from([s.procedure for s in protocol.spacing]), unique=True, max_size=3)
    )
    spacing = [
        cp.Spacing(
            procedure=kind,
            before=draw(durations(30, 1)),
            after=draw(durations(30, 1)),
        )
        for kind in kinds
    ]
    session = attrs.evolve(
        protocol.session,
        downtime=cp.Duration(days=draw(st.integers(0, 7))),
        event_buffer=draw(st.none() | st.builds(cp.Duration, days=st.integers(0, 21))),
    )
    return attrs.evolve(
        protocol, washouts=tuple(washouts), spacing=tuple(spacing), session=session
    )


@st.composite
def _span(draw: st.DrawFn, base: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """Two optional dates in order: a record's first and last day."""
    day = days_around(base, 400, 400)
    first, last = draw(st.none() | day), draw(st.none() | day)
    if first is not None and last is not None and last < first:
        first, last = last, first
    return first, last


@st.composite
def clients(draw: st.DrawFn, protocol: cp.Protocol, base: dt.date = BASE) -> cp.Client:
    """A client whose records mostly name the protocol's rules, dated around ``base``."""
    exposures = [w.exposure for w in protocol.washouts] + [UNKNOWN]
    conditions = [c.condition for c in protocol.contraindications] + [
        p.condition for p in protocol.precautions
    ]
    kinds = [s.procedure for s in protocol.spacing] + [UNKNOWN]
    medications = []
    for name in draw(st.lists(st.sampled_from(exposures), max_size=3)):
        start, stop = draw(_span(base))
        medications.append(cp.Medication(name, start=start, stop=stop))
    records = []
    for name in draw(st.lists(st.sampled_from(conditions), max_size=3)):
        since, until = draw(_span(base))
        records.append(cp.Condition(name, since=since, until=until))
    recorded = sorted({m.exposure for m in medications} | {c.name for c in records})
    cleared = draw(st.lists(st.sampled_from(recorded), unique=True)) if recorded else []
    events = [
        cp.ClientEvent(day, "event")
        for day in draw(st.lists(days_around(base, 30, 500), max_size=3))
    ]
    procedures = [
        cp.Procedure(kind, day)
        for kind, day in draw(
            st.lists(st.tuples(st.sampled_from(kinds), days_around(base, 60, 500)), max_size=3)
        )
    ]
    return cp.Client(
        medications=medications,
        conditions=records,
        cleared=cleared,
        events=events,
        procedures=procedures,
    )


@st.composite
def protocols_and_clients(draw: st.DrawFn) -> tuple[cp.Protocol, cp.Client]:
    """A protocol and a client recorded against it."""
    protocol = draw(protocols())
    return protocol, draw(clients(protocol))
