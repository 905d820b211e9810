"""The fast paths of issue 16 give exactly the answers of the slow paths they skip.

Each property runs the library as it is (shared windows, the clean reading
before the dynamic programme, sessions built from checked values, screening
answers remembered per plan, one clinic calendar per clinic and protocol)
and then again with every memory emptied and the fast paths turned off, and
compares the whole result: violations with their messages, sessions with
their windows, moves, unplaced sessions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan import _fastpaths, _reading, messages, screening
from collagenplan.clinics import _days, _shared
from collagenplan.errors import CollagenPlanError
from collagenplan.planning import _plan as _plan_module
from collagenplan.screening import _memo, _rules

from .strategies import BASE, clients, days_around, plans, protocols, protocols_and_clients

EXAMPLE_CLIENT = Path(__file__).resolve().parent.parent / "examples" / "client.toml"
CATALOGUE = [cp.get_protocol(name) for name in cp.protocol_ids()]
EXAMPLES = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _forget() -> None:
    """Empty every process-wide memory the fast paths keep."""
    _reading._WINDOWS.clear()
    _reading._AFTER.clear()
    _reading._OPENINGS.clear()
    _rules._PAUSES.clear()
    _shared._SHARED.clear()
    _memo._KEPT.clear()
    _plan_module._SHARED_CHECKS.clear()
    _plan_module._LEAD_IN_BOUNDS.clear()
    _days._OVERLAPS.clear()
    messages._render_once.cache_clear()


@contextlib.contextmanager
def slow_paths() -> Iterator[None]:
    """The slow paths: memories emptied, the dynamic programme, checked constructors."""
    _forget()
    _fastpaths.FAST = False
    try:
        yield
    finally:
        _fastpaths.FAST = True
        _forget()


def slow_plan(protocol: cp.Protocol, **kwargs: object) -> cp.Plan:
    """``plan`` without the per-plan screening memory, on the slow paths."""
    with slow_paths():
        return cp.plan.__wrapped__(protocol, **kwargs)  # type: ignore[attr-defined,no-any-return]


any_protocol = st.one_of(
    st.sampled_from(CATALOGUE), protocols(late=True), protocols(months=False, late=True)
)


@st.composite
def calendars(draw: st.DrawFn, protocol: cp.Protocol) -> list[dt.date]:
    """Dates a protocol's own plan would give, some moved, some dropped: mostly clean."""
    start = draw(days_around(BASE, 400, 400))
    try:
        planned = cp.plan(protocol, start=start, horizon=start + dt.timedelta(days=900))
    except CollagenPlanError:
        assume(False)
    out = []
    for day in planned.dates[: draw(st.integers(1, 9))]:
        move = draw(st.sampled_from([0, 0, 0, 0, 1, -1, 3, -5, 9, -20, 40]))
        out.append(day + dt.timedelta(days=move))
    if draw(st.booleans()):
        out = sorted(out)
    if len(out) > 2 and draw(st.integers(0, 5)) == 0:
        out.insert(draw(st.integers(0, len(out))), out[draw(st.integers(0, len(out) - 1))])
    return out


@st.composite
def visits(draw: st.DrawFn, protocol: cp.Protocol) -> list[cp.Visit]:
    """A visit record per date, some missed or booked, some naming their phase."""
    names = [None, None, None, *(p.name for p in protocol.phases)]
    out = []
    for day in draw(calendars(protocol)):
        status = draw(st.sampled_from(["done", "done", "done", "missed", "booked"]))
        out.append(cp.Visit(date=day, status=status, phase=draw(st.sampled_from(names))))
    return out


def _outcome(run: Callable[[], object]) -> object:
    """What ``run()`` returns, or the type and text of the library error it raises."""
    try:
        return run()
    except CollagenPlanError as error:
        return (type(error), str(error))


def _both(run: Callable[[], object]) -> tuple[object, object]:
    """``run()`` on the fast paths and on the slow ones."""
    fast = _outcome(run)
    with slow_paths():
        slow = _outcome(run)
    return fast, slow


@EXAMPLES
@given(data=st.data(), protocol=any_protocol, complete=st.booleans())
def test_validate_dates_fast_equals_slow(
    data: st.DataObject, protocol: cp.Protocol, complete: bool
) -> None:
    """validate() on dates: the same report (violations, messages, sessions, windows)."""
    calendar = data.draw(calendars(protocol))
    fast, slow = _both(lambda: cp.validate(protocol, calendar, complete=complete))
    assert fast == slow


@EXAMPLES
@given(data=st.data(), protocol=any_protocol)
def test_validate_visits_and_plans_fast_equals_slow(
    data: st.DataObject, protocol: cp.Protocol
) -> None:
    """validate() on visits and on plans: the same report."""
    history = data.draw(visits(protocol))
    fast, slow = _both(lambda: cp.validate(protocol, history))
    assert fast == slow
    start = data.draw(days_around(BASE, 100, 100))
    planned = cp.plan(protocol, start=start, horizon=start + dt.timedelta(days=800))
    fast, slow = _both(lambda: cp.validate(protocol, planned, complete=True))
    assert fast == slow


@EXAMPLES
@given(data=st.data(), protocol=any_protocol)
def test_next_due_fast_equals_slow(data: st.DataObject, protocol: cp.Protocol) -> None:
    """next_due(): the same answer, violations included."""
    history = data.draw(visits(protocol))
    today = max((v.date for v in history if v.status == "done"), default=BASE)
    today += dt.timedelta(days=data.draw(st.integers(0, 500)))
    fast, slow = _both(lambda: cp.next_due(protocol, history, today=today))
    assert fast == slow


@EXAMPLES
@given(data=st.data(), pair=protocols_and_clients())
def test_client_plan_fast_equals_slow(
    data: st.DataObject, pair: tuple[cp.Protocol, cp.Client]
) -> None:
    """plan(client=): the same plan with the screening answers remembered or not."""
    protocol, client = pair
    start = data.draw(days_around(BASE, 60, 60))
    history = data.draw(st.sampled_from([(), *[data.draw(visits(protocol))]]))
    history = [v for v in history if v.date <= start or v.status != "done"]

    def fast() -> object:
        return cp.plan(protocol, start=start, client=client, history=history)

    def slow() -> object:
        return slow_plan(protocol, start=start, client=client, history=history)

    expected = _outcome(slow)
    assert _outcome(fast) == expected
    assert _outcome(fast) == expected  # and again, with every memory warm


@EXAMPLES
@given(
    data=st.data(),
    protocol=st.sampled_from(CATALOGUE),
    closed=st.lists(days_around(BASE, 30, 700), max_size=12),
    days=st.sets(st.sampled_from(("mon", "tue", "wed", "thu", "fri", "sat")), min_size=1),
)
def test_clinic_plan_shared_days_equal_fresh_ones(
    data: st.DataObject, protocol: cp.Protocol, closed: list[dt.date], days: set[str]
) -> None:
    """plan(clinic=) and validate(clinic=): a shared clinic calendar answers as a new one."""
    clinic = cp.Clinic(
        id="fast",
        name="Fast Clinic",
        timezone="Europe/London",
        hours=(cp.OpeningHours(days=tuple(sorted(days)), opens=dt.time(9), closes=dt.time(17)),),
        closures=tuple(cp.Closure(start=d, end=d + dt.timedelta(days=3)) for d in closed),
    )
    client = data.draw(st.none() | clients(protocol))
    starts = data.draw(st.lists(days_around(BASE, 0, 300), min_size=1, max_size=4))
    for start in starts:  # later plans meet the calendar the earlier ones filled in
        fast = _outcome(partial(cp.plan, protocol, start=start, clinic=clinic, client=client))
        fresh = attrs.evolve(clinic)
        assert fast == _outcome(
            partial(slow_plan, protocol, start=start, clinic=fresh, client=client)
        )
        if not isinstance(fast, cp.Plan):
            continue
        again = cp.validate(protocol, fast, clinic=clinic, client=client)
        with slow_paths():
            assert again == cp.validate(protocol, fast, clinic=attrs.evolve(clinic), client=client)


_CLOCK_CHANGES = [  # the days clocks change in the zones below, in 2026
    dt.date(2026, 3, 29),
    dt.date(2026, 10, 25),
    dt.date(2026, 3, 8),
    dt.date(2026, 11, 1),
    dt.date(2026, 4, 5),
    dt.date(2026, 10, 4),
]


@pytest.mark.parametrize(
    "zone", ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Europe/Dublin", "UTC"]
)
def test_local_start_fast_equals_slow_around_clock_changes(zone: str) -> None:
    """A clinic day's local start, every quarter hour of the days clocks change (gaps,
    folds, a half-hour shift) and of the days either side: the fast answer is the slow one."""
    import zoneinfo

    where = zoneinfo.ZoneInfo(zone)
    days = [d + dt.timedelta(days=k) for d in _CLOCK_CHANGES for k in (-1, 0, 1)]
    times = [dt.time(h, m) for h in range(24) for m in (0, 15, 30, 45)]

    def run() -> object:
        found = [_days.local_datetime(d, t, where) for d in days for t in times]
        return [(m, m.utcoffset(), m.fold, m.replace(tzinfo=None)) for m in found]

    fast, slow = _both(run)
    assert fast == slow


@EXAMPLES
@given(
    spans=st.lists(st.tuples(st.times(), st.times()).map(sorted).map(tuple), max_size=3),
    minutes=st.integers(0, 24 * 60 + 1),
)
def test_span_overlap_kept_equals_slow(spans: list[tuple[dt.time, dt.time]], minutes: int) -> None:
    """The earliest start two span lists share, kept per (spans, minutes): asked again,
    the slow answer."""

    def run() -> object:
        return [_days._overlap(spans, spans[::-1], minutes) for _ in range(2)]

    fast, slow = _both(run)
    assert fast == slow


def test_clinic_with_availability_hook_is_not_shared() -> None:
    """A clinic with a booking hook gets a new calendar every time: its state is live."""

    class Diary:
        def free_slot(self, protocol: object, day: dt.date, *, minutes: int) -> cp.Slot | None:
            return cp.Slot()

    hooked = cp.Clinic(
        id="hooked",
        name="Hooked",
        timezone="Europe/London",
        hours=(cp.OpeningHours(days=("tue",), opens=dt.time(9), closes=dt.time(17)),),
        availability=Diary(),
    )
    protocol = CATALOGUE[0]
    assert _shared.shared_days(hooked, protocol) is not _shared.shared_days(hooked, protocol)
    plain = attrs.evolve(hooked, availability=None)
    assert _shared.shared_days(plain, protocol) is _shared.shared_days(plain, protocol)


def test_clean_reading_is_the_dynamic_programmes_on_a_regular_calendar() -> None:
    """The clean reading of a regular calendar is found without the dynamic programme."""
    protocol = cp.get_protocol("facial-series")
    planned = cp.plan(protocol, start=BASE, sessions=6, horizon=BASE + dt.timedelta(days=1500))
    entries: list[_reading.Entry] = [(d, None, "planned") for d in planned.dates]
    gaps = _reading.Gaps(protocol.phases)
    clean = _reading._clean_path(entries, protocol, gaps)
    assert clean is not None
    assert clean == _reading._assign(entries, protocol, gaps)


def test_screening_memory_lasts_one_plan() -> None:
    """The screening answers are remembered inside a plan() call and forgotten after it."""
    from collagenplan.screening import _memo

    protocol, client = CATALOGUE[1], cp.Client()
    seen: list[object] = []

    @_memo.per_call
    def inside() -> None:
        seen.append(_memo._SCOPE.get())
        seen.append(_memo.remembered("q", protocol, client, 1, lambda: object()))
        seen.append(_memo.remembered("q", protocol, client, 1, lambda: object()))

    inside()
    inside()
    assert seen[0] is not None and seen[3] is not None and seen[0] is not seen[3]
    assert seen[1] is seen[2] and seen[4] is seen[5] and seen[1] is not seen[4]
    assert _memo._SCOPE.get() is None
    assert _memo.remembered("q", protocol, client, 1, object) is not _memo.remembered(
        "q", protocol, client, 1, object
    )


# ------------------------------------------------ perf3: checked values, client plans


def _fields(value: object) -> dict[str, object]:
    return {f.name: getattr(value, f.name) for f in attrs.fields(type(value))}


@EXAMPLES
@given(plan=plans(), data=st.data())
def test_unchecked_build_and_evolve_equal_the_constructors(
    plan: cp.Plan, data: st.DataObject
) -> None:
    """_fastpaths.build / evolve give the constructor's and attrs.evolve's values."""
    assert _fastpaths.build(cp.Plan, **_fields(plan)) == plan
    assert type(_fastpaths.build(cp.Plan, **_fields(plan))) is cp.Plan
    for session in plan.sessions:
        assert _fastpaths.build(cp.PlannedSession, **_fields(session)) == session
        key = data.draw(st.sampled_from([None, "k-1", session.key]))
        revision = data.draw(st.integers(0, 5))
        fast = _fastpaths.evolve(session, key=key, revision=revision)
        assert fast == attrs.evolve(session, key=key, revision=revision)
        assert repr(fast) == repr(attrs.evolve(session, key=key, revision=revision))
        for milestone in session.milestones:
            assert _fastpaths.build(cp.Milestone, **_fields(milestone)) == milestone
    given_only = {"number": 1, "phase": "p", "date": BASE, "window": plan.sessions[0].window}
    assert _fastpaths.build(cp.PlannedSession, **given_only) == cp.PlannedSession(**given_only)


def test_unchecked_constructors_are_the_checked_ones_on_the_slow_paths() -> None:
    """With the fast paths off, build and evolve run every check."""
    window = cp.Window(earliest=BASE, target=BASE)
    with slow_paths(), pytest.raises(cp.InputError, match="number"):
        _fastpaths.build(cp.PlannedSession, number=0, phase="p", date=BASE, window=window)
    session = cp.PlannedSession(number=1, phase="p", date=BASE, window=window)
    with slow_paths(), pytest.raises(cp.InputError, match="key"):
        _fastpaths.evolve(session, key=" bad key ")


@EXAMPLES
@given(data=st.data(), pair=protocols_and_clients())
def test_milestones_and_client_start_fast_equal_slow(
    data: st.DataObject, pair: tuple[cp.Protocol, cp.Client]
) -> None:
    """Milestones (from the per-plan recipe) and the first day a plan may use: as the slow way."""
    protocol, client = pair
    day = data.draw(days_around(BASE, 400, 400))
    in_progress = data.draw(st.booleans())

    def run() -> object:
        @screening.per_call
        def inside() -> object:
            first = _outcome(
                partial(screening.client_start, client, protocol, day, in_progress=in_progress)
            )
            return first, screening.milestones(protocol, client, day)

        return inside()

    fast, slow = _both(run)
    assert fast == slow


@EXAMPLES
@given(data=st.data(), pair=protocols_and_clients())
def test_client_start_and_lead_in_bound_kept_per_start_equal_slow(
    data: st.DataObject, pair: tuple[cp.Protocol, cp.Client]
) -> None:
    """The first day a plan may use and the lead-in bound, kept per start day across
    plans: asked again (from memory), each is the slow way's answer."""
    protocol, client = pair
    day = data.draw(days_around(BASE, 400, 400))
    in_progress = data.draw(st.booleans())

    def run() -> object:
        first = [
            _outcome(
                partial(screening.client_start, client, protocol, day, in_progress=in_progress)
            )
            for _ in range(2)
        ]
        return first, [_plan_module._lead_in_bound(protocol, day) for _ in range(2)]

    fast, slow = _both(run)
    assert fast == slow


@EXAMPLES
@given(data=st.data(), pair=protocols_and_clients())
def test_warning_rules_alone_give_the_warnings(
    data: st.DataObject, pair: tuple[cp.Protocol, cp.Client]
) -> None:
    """client_violations(warnings_only=True) is client_violations() without its errors."""
    protocol, client = pair
    start = data.draw(days_around(BASE, 60, 60))
    planned = cp.plan(protocol, start=start, horizon=start + dt.timedelta(days=600))
    every = screening.client_violations(protocol, client, planned.sessions)
    warnings = screening.client_violations(protocol, client, planned.sessions, warnings_only=True)
    assert warnings == [v for v in every if v.severity == "warning"]


@pytest.mark.parametrize("where", ["washouts", "precautions", "aftercare"])
def test_blank_protocol_note_fails_as_on_the_slow_path(where: str) -> None:
    """A note the protocol accepts but a Reason or Milestone refuses (" ") fails the same way."""
    protocol = cp.get_protocol("facial-series")
    rules = getattr(protocol, where)
    protocol = attrs.evolve(protocol, **{where: (attrs.evolve(rules[0], note="  "), *rules[1:])})
    client = cp.load_client(EXAMPLE_CLIENT)
    start = dt.date(2026, 12, 1)
    fast = _outcome(partial(cp.plan, protocol, start=start, client=client))
    assert fast == _outcome(partial(slow_plan, protocol, start=start, client=client))
    assert isinstance(fast, tuple) and fast[0] is cp.InputError


@EXAMPLES
@given(data=st.data(), protocol=any_protocol)
def test_replan_fast_equals_slow(data: st.DataObject, protocol: cp.Protocol) -> None:
    """plan() then replan() after some visits: the same plans (keys, revisions, removed)."""
    start = data.draw(days_around(BASE, 100, 100))
    horizon = data.draw(st.none() | st.just(start + dt.timedelta(days=900)))
    done = data.draw(st.integers(0, 3))
    moves = data.draw(st.lists(st.sampled_from([0, 0, 2, -3, 15]), min_size=3, max_size=3))
    missed = data.draw(st.booleans())

    def run() -> object:
        first = cp.plan(protocol, start=start, horizon=horizon)
        visits = [
            cp.Visit(date=s.date + dt.timedelta(days=m), status="done")
            for s, m in zip(first.sessions[:done], moves, strict=False)
        ]
        if missed and len(first.sessions) > done:
            visits.append(cp.Visit(date=first.sessions[done].date, status="missed"))
        today = max([v.date for v in visits] + [start]) + dt.timedelta(days=1)
        return first, _outcome(partial(cp.replan, first, visits, today=today))

    fast, slow = _both(run)
    assert fast == slow


def test_answers_kept_across_plans_belong_to_one_client_object() -> None:
    """A client equal to another but reading names with another vocabulary gets its own answers."""
    protocol = cp.get_protocol("facial-series")
    branded = cp.Client(medications=(cp.Medication("Roaccutane", end=dt.date(2026, 8, 1)),))
    unknown = attrs.evolve(branded, vocabulary=cp.parse_vocabulary("schema = 1", extend=False))
    assert branded == unknown  # the vocabulary is not compared
    start = dt.date(2026, 9, 1)
    for _ in range(2):  # and again, with the answers kept
        assert cp.plan(protocol, start=start, client=branded).dates[0] == dt.date(2027, 2, 1)
        assert cp.plan(protocol, start=start, client=unknown).dates[0] == start
    assert len(_rules.rules(protocol, branded)) == 1
    assert _rules.rules(protocol, unknown) == []


def test_kept_answers_are_bounded() -> None:
    """The memory across plans is emptied when full, so a chain's clients do not pile up."""
    protocol = cp.get_protocol("facial-series")
    _memo._KEPT.clear()
    for _ in range(_memo._KEPT_LIMIT // 4 + 10):
        _rules.rules(protocol, cp.Client())
    assert 0 < len(_memo._KEPT) <= _memo._KEPT_LIMIT


@EXAMPLES
@given(
    given_keys=st.lists(
        st.tuples(st.sampled_from(["a", "b", "c d"]), st.none() | st.sampled_from(["a-2", "b-1"])),
        max_size=5,
        unique_by=lambda pair: pair[1] or object(),
    ),
    added=st.lists(st.sampled_from(["a", "b", "c d"]), max_size=6),
)
def test_key_maker_gives_the_keys_of_session_keys(
    given_keys: list[tuple[str, str | None]], added: list[str]
) -> None:
    """Keys made one session at a time are session_keys' keys of the finished plan."""
    from collagenplan.planning import _keys

    window = cp.Window(earliest=BASE, target=BASE)

    def session(number: int, phase: str, key: str | None) -> cp.PlannedSession:
        return cp.PlannedSession(number=number, phase=phase, date=BASE, window=window, key=key)

    start = [session(i + 1, phase, key) for i, (phase, key) in enumerate(given_keys)]
    maker = _keys.KeyMaker(start)
    made = maker.keys + [maker.next(phase) for phase in added]
    finished = start + [session(len(start) + i + 1, p, None) for i, p in enumerate(added)]
    assert made == list(cp.session_keys(finished))


@EXAMPLES
@given(data=st.data(), protocol=protocols(rules=True))
def test_no_lead_in_task_before_start_from_the_lead_in_bound(
    data: st.DataObject, protocol: cp.Protocol
) -> None:
    """From the lead-in check's bound on, no session day has a stop or start task before start.

    The check skips those days (only pausing washouts and precautions have
    lead-in tasks), so skipping them gives the answer asking would give. The
    client uses every exposure and has every precaution's condition, for good.
    """
    from collagenplan.planning import _plan

    client = cp.Client(
        medications=[cp.Medication(w.exposure) for w in protocol.washouts],
        conditions=[cp.Condition(p.condition) for p in protocol.precautions],
    )
    start = data.draw(days_around(BASE, 400, 400))
    bound = _plan._lead_in_bound(protocol, start)
    assume(bound < dt.date(9000, 1, 1))
    for extra in [0, 1, 2, *data.draw(st.lists(st.integers(0, 500), max_size=3))]:
        day = bound + dt.timedelta(days=extra)
        late = [
            m
            for m in screening.milestones(protocol, client, day)
            if m.kind in ("stop", "start") and m.start < start
        ]
        assert late == []
