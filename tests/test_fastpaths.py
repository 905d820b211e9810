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

import attrs
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan import _fastpaths, _reading, messages
from collagenplan.clinics import _shared
from collagenplan.errors import CollagenPlanError
from collagenplan.screening import _rules

from .strategies import BASE, clients, days_around, protocols, protocols_and_clients

CATALOGUE = [cp.get_protocol(name) for name in cp.protocol_ids()]
EXAMPLES = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _forget() -> None:
    """Empty every process-wide memory the fast paths keep."""
    _reading._WINDOWS.clear()
    _reading._AFTER.clear()
    _reading._OPENINGS.clear()
    _rules._PAUSES.clear()
    _shared._SHARED.clear()
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
