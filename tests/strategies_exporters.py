"""Hypothesis strategies for the exporters: random protocols, plans and reports.

Plans come from the real planner and are then given what the clinic layer
and history add (appointment times in IANA and fixed-offset zones, chair
minutes, practitioners, statuses, milestones, problems), so the exporters see
every kind of value the library can produce.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import attrs
from hypothesis import strategies as st

import collagenplan as cp

ZONES = (
    zoneinfo.ZoneInfo("Europe/London"),
    zoneinfo.ZoneInfo("America/New_York"),
    zoneinfo.ZoneInfo("Australia/Lord_Howe"),  # a half-hour DST shift
    zoneinfo.ZoneInfo("UTC"),
    dt.UTC,
    dt.timezone(dt.timedelta(hours=5, minutes=30)),
)

kebab = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)
# Free text as users type it: any printable or not, commas, quotes, newlines.
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30
).filter(lambda s: s.strip() != "")
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2080, 12, 31))


def _duration(kind: str, amount: int) -> cp.Duration:
    return cp.Duration(months=amount) if kind == "m" else cp.Duration(days=amount)


@st.composite
def intervals(draw: st.DrawFn) -> tuple[cp.Interval, cp.Duration]:
    """An interval in one unit and a grace shorter than its minimum."""
    kind = draw(st.sampled_from(["d", "m"]))
    low = draw(st.integers(1, 30 if kind == "d" else 12))
    target = low + draw(st.integers(0, 10))
    high = target + draw(st.integers(0, 10))
    grace_days = draw(st.integers(0, low - 1 if kind == "d" else 27))
    interval = cp.Interval(
        min=_duration(kind, low), target=_duration(kind, target), max=_duration(kind, high)
    )
    return interval, cp.Duration(days=grace_days)


durations = st.builds(
    cp.Duration,
    months=st.integers(0, 14),
    days=st.integers(0, 40),
    hours=st.integers(0, 72),
)


@st.composite
def phases(draw: st.DrawFn, name: str, repeat: bool) -> cp.Phase:
    interval, grace = draw(intervals())
    if repeat:
        return cp.Phase(name=name, interval=interval, grace=grace, repeat=True)
    low = draw(st.integers(1, 4))
    high = low + draw(st.integers(0, 3))
    default = draw(st.integers(low, high))
    count = cp.SessionCount(min=low, max=high, default=default)
    return cp.Phase(name=name, interval=interval, sessions=count, grace=grace)


def _unique(strategy: st.SearchStrategy[object], key: str) -> st.SearchStrategy[list[object]]:
    return st.lists(strategy, max_size=3, unique_by=lambda x: getattr(x, key))


note = st.none() | text


@st.composite
def protocols(draw: st.DrawFn) -> cp.Protocol:
    """A valid protocol with random phases and rules."""
    count = draw(st.integers(1, 3))
    names = draw(st.lists(kebab, min_size=count, max_size=count, unique=True))
    repeat_last = draw(st.booleans())
    built = [
        draw(phases(name, repeat=repeat_last and i == count - 1)) for i, name in enumerate(names)
    ]
    depth = draw(
        st.none()
        | st.tuples(
            st.floats(0.05, 10, allow_nan=False), st.floats(0.05, 10, allow_nan=False)
        ).map(lambda t: cp.DepthRange(min=min(t), max=max(t)))
    )
    late = draw(
        st.just(cp.LatePolicy())
        | durations.filter(bool).map(lambda d: cp.LatePolicy(policy="restart", restart_after=d))
    )
    return cp.Protocol(
        id=draw(kebab),
        name=draw(text),
        phases=built,
        session=cp.SessionSpec(
            chair_minutes=draw(st.integers(1, 240)),
            downtime=draw(durations),
            event_buffer=draw(st.none() | durations),
            combine_same_day=draw(st.booleans()),
        ),
        areas=draw(st.lists(kebab, max_size=3)),
        depth_mm=depth,
        notes=draw(note),
        late=late,
        washouts=draw(
            _unique(
                st.builds(
                    cp.Washout, exposure=kebab, before=durations, after=durations, note=note
                ),
                "exposure",
            )
        ),
        contraindications=draw(
            _unique(
                st.builds(
                    cp.Contraindication,
                    condition=kebab,
                    tier=st.sampled_from(["absolute", "relative", "temporary"]),
                    note=note,
                ),
                "condition",
            )
        ),
        precautions=draw(
            _unique(
                st.builds(
                    cp.Precaution,
                    condition=kebab,
                    action=kebab,
                    before=durations,
                    after=durations,
                    note=note,
                ),
                "condition",
            )
        ),
        aftercare=draw(
            _unique(
                st.builds(cp.Aftercare, restriction=kebab, duration=durations, note=note),
                "restriction",
            )
        ),
        spacing=draw(
            _unique(
                st.builds(
                    cp.Spacing, procedure=kebab, before=durations, after=durations, note=note
                ),
                "procedure",
            )
        ),
    )


@st.composite
def windows(draw: st.DrawFn) -> cp.Window:
    earliest = draw(days)
    target = earliest + dt.timedelta(days=draw(st.integers(0, 30)))
    latest = draw(st.none() | st.integers(0, 30).map(lambda n: target + dt.timedelta(days=n)))
    return cp.Window(earliest=earliest, target=target, latest=latest)


milestones = st.tuples(days, days).flatmap(
    lambda pair: st.builds(
        cp.Milestone,
        kind=st.sampled_from(["stop", "resume", "start", "end", "aftercare"]) | text,
        subject=kebab | text,
        start=st.just(min(pair)),
        end=st.none() | st.just(max(pair)),  # a milestone never ends before it starts
        note=note,
        rule=st.none() | st.just("washouts[0]") | text,
    )
)

violations = st.sampled_from(sorted(cp.CODES)).flatmap(
    lambda code: st.builds(
        cp.Violation,
        code=st.just(code),
        severity=st.just(cp.CODES[code].severity),
        message=text,
        session=st.none() | st.integers(1, 20),
        date=st.none() | days,
        rule=st.none() | text,
        expected=st.none() | windows(),
        gap_days=st.none() | st.integers(-400, 400),
    )
)


@st.composite
def timed(draw: st.DrawFn, session: cp.PlannedSession) -> cp.PlannedSession:
    """``session`` with what a clinic and a history may add to it."""
    changes: dict[str, object] = {}
    if draw(st.booleans()):
        zone = draw(st.sampled_from(ZONES))
        clock = draw(st.times())
        start = dt.datetime.combine(session.date, clock).replace(
            tzinfo=zone, fold=draw(st.integers(0, 1))
        )
        changes["start"] = start
    if draw(st.booleans()):
        changes["minutes"] = draw(st.integers(1, 600))
    if draw(st.booleans()):
        changes["practitioner"] = draw(text)
    changes["status"] = draw(st.sampled_from(["planned", "booked", "done"]))
    changes["milestones"] = tuple(draw(st.lists(milestones, max_size=3)))
    return attrs.evolve(session, **changes)


@st.composite
def plans(draw: st.DrawFn, protocol: st.SearchStrategy[cp.Protocol] | None = None) -> cp.Plan:
    """A plan from the real planner, then timed, staffed and annotated."""
    chosen = draw(
        protocol
        if protocol is not None
        else protocols() | st.sampled_from(cp.protocol_ids()).map(cp.get_protocol)
    )
    start = draw(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2070, 12, 31)))
    horizon = draw(st.none() | st.integers(0, 800).map(lambda n: start + dt.timedelta(days=n)))
    counted = chosen.counted_phase_index
    sessions = None
    if counted is not None and draw(st.booleans()):
        c = chosen.phases[counted].sessions
        sessions = draw(st.integers(c.min, c.max))
    plan = cp.plan(chosen, start=start, sessions=sessions, horizon=horizon)
    sessions_out = tuple(draw(timed(s)) for s in plan.sessions)
    problems = tuple(draw(st.lists(violations, max_size=3)))
    return attrs.evolve(plan, sessions=sessions_out, violations=plan.violations + problems)


@st.composite
def reports(draw: st.DrawFn) -> cp.Report:
    """A report from the real validator on random dates, with extra violations."""
    protocol = draw(st.sampled_from(cp.protocol_ids()).map(cp.get_protocol) | protocols())
    dates = draw(st.lists(days, max_size=6))
    report = cp.validate(protocol, dates, complete=draw(st.booleans()))
    extra = tuple(draw(st.lists(violations, max_size=2)))
    return attrs.evolve(report, violations=report.violations + extra)
