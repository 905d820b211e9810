"""The capacity-constrained simulation and the required-capacity search."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan.capacity.scenarios import Unit
from tests.strategies import MONDAY, scenarios, supplies


def _facial(per_week: float = 12, **kwargs: object) -> cp.Intake:
    return cp.Intake(protocol=cp.get_protocol("facial-series"), per_week=per_week, **kwargs)  # type: ignore[arg-type]


def _scenario(supply: cp.Supply | None, weeks: int = 26, **kwargs: object) -> cp.Scenario:
    intakes = kwargs.pop("intakes", (_facial(sessions={3: 0.5, 5: 0.5}, dropout=0.1),))
    return cp.Scenario(start=MONDAY, weeks=weeks, intakes=intakes, supply=supply, **kwargs)  # type: ignore[arg-type]


def _check_days(sim: cp.Simulation) -> None:
    supply = sim.supply
    for day in sim.days:
        assert day.capacity == supply.capacity_on(day.date)
        assert day.used <= day.capacity + 1e-9
        if not supply.is_open(day.date):
            assert day.booked == 0
            assert day.used == 0
        if supply.unit == "slots":
            assert day.booked <= day.capacity
            assert day.used == day.booked


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_never_books_a_closed_day_or_beyond_capacity(data: st.DataObject) -> None:
    """On every day: no booking when closed, and never more than the day's capacity."""
    units: tuple[Unit, ...] = ("slots", "hours")
    unit = data.draw(st.sampled_from(units))
    scenario = data.draw(scenarios(data.draw(supplies(unit=unit))))
    sim = cp.simulate(scenario)
    _check_days(sim)
    for week in sim.weeks:
        assert week.booked == week.in_window + week.slipped
        assert week.used <= week.capacity + 1e-9
    assert sum(d.booked for d in sim.days) == sim.booked
    assert 0.0 <= sim.in_window_share <= 1.0


class _ClosedOnWednesdays:
    """An opening calendar, as a clinic model would provide."""

    def is_open(self, day: dt.date) -> bool:
        return day.weekday() != 2


def test_an_opening_calendar_closes_days() -> None:
    """Any object with is_open(day) can close days through Supply.calendar."""
    supply = cp.Supply.daily(6, calendar=_ClosedOnWednesdays())
    sim = cp.simulate(_scenario(supply))
    _check_days(sim)
    assert all(d.booked == 0 for d in sim.days if d.date.weekday() == 2)
    assert sim.booked > 0


def test_unlimited_capacity_keeps_every_session_in_its_window() -> None:
    """With room for everyone and no closures, nothing slips and nothing is unmet."""
    sim = cp.simulate(_scenario(cp.Supply.daily(10_000, open=[*cp.capacity.scenarios.WEEKDAYS])))
    assert sim.slipped == 0
    assert sim.unmet == 0
    assert sim.in_window_share == 1.0
    assert all(w.backlog == 0 for w in sim.weeks)


def test_unconstrained_simulation_matches_the_expectation_on_average() -> None:
    """Booked sessions per week, averaged over seeds, follow the analytic projection."""
    supply = cp.Supply.daily(10_000, open=[*cp.capacity.scenarios.WEEKDAYS])
    scenario = _scenario(
        supply, weeks=20, intakes=(_facial(30, sessions={3: 0.5, 4: 0.5}, dropout=0.2),)
    )
    expected = [r.sessions for r in cp.project(scenario).rows]
    runs = 12
    mean = [0.0] * scenario.weeks
    for seed in range(runs):
        for i, week in enumerate(cp.simulate(scenario, seed=seed).weeks):
            mean[i] += week.booked / runs
    # Weekly counts are around 30-90 with a standard error of a few sessions.
    assert mean == pytest.approx(expected, rel=0.12, abs=3)
    assert sum(mean) == pytest.approx(sum(expected), rel=0.03)


def test_closures_move_sessions_to_the_open_day_nearest_the_target() -> None:
    """A session due in a closed week goes to the open day nearest its target, inside its window.

    One client a day in week 1; session 2 is due five weeks later, in a
    closed week. Monday to Wednesday targets are nearer the Friday before
    (Wednesday ties and takes the earlier), Thursday and Friday targets the
    Monday after.
    """
    intake = cp.Intake(protocol=cp.get_protocol("facial-series"), per_week=(5,), sessions=3)
    closed = [dt.date(2027, 2, 8) + dt.timedelta(days=n) for n in range(5)]
    scenario = _scenario(
        cp.Supply.daily(50, closures=closed), weeks=12, intakes=(intake,), arrivals="fixed"
    )
    sim = cp.simulate(scenario)
    assert sim.slipped == 0
    assert sim.unmet == 0
    booked = {d.date: d.booked for d in sim.days if d.booked}
    assert booked[dt.date(2027, 2, 5)] == 3
    assert booked[dt.date(2027, 2, 15)] == 2
    assert not any(day in booked for day in closed)


def test_windows_absorb_a_tight_supply_as_delay() -> None:
    """Capacity a little below target-date demand keeps sessions in window but books them later."""
    scalp = cp.Intake(protocol=cp.get_protocol("scalp-series"), per_week=5)  # 6d / 7d / 10d
    roomy = cp.simulate(_scenario(cp.Supply.daily(100), weeks=20, intakes=(scalp,)))
    assert roomy.mean_delay == 0.0
    assert all(w.delay_days == 0 for w in roomy.weeks)
    # About 60 sessions a week once the course is full; 54 slots a week is 10% short.
    assert sum(w.booked for w in roomy.weeks[12:]) / 8 > 60
    tight = cp.simulate(_scenario(cp.Supply.weekly(54), weeks=20, intakes=(scalp,)))
    assert tight.slipped == 0
    assert tight.unmet == 0
    assert tight.mean_delay > 0.5


def test_overload_slips_and_leaves_sessions_unmet() -> None:
    """Too little capacity makes sessions slip, builds a backlog, and leaves some unmet (EDF)."""
    sim = cp.simulate(_scenario(cp.Supply.daily(1), weeks=20), policy="edf")
    assert sim.slipped > 0
    assert sim.unmet > 0
    assert sim.weeks[-1].backlog > 0
    assert sim.in_window_share < 0.5
    assert all(w.utilisation == 1.0 for w in sim.weeks[4:])


def test_same_seed_same_clients() -> None:
    """A simulation is a function of the scenario, supply and seed."""
    scenario = _scenario(cp.Supply.daily(3))
    assert cp.simulate(scenario, seed=4) == cp.simulate(scenario, seed=4)
    assert cp.simulate(scenario, seed=4).weeks != cp.simulate(scenario, seed=5).weeks
    assert cp.simulate(scenario).seed == scenario.seed


def test_booked_plans_take_capacity_first_in_their_windows() -> None:
    """Sessions of booked plans are simulated with their plan windows."""
    facial = cp.get_protocol("facial-series")
    plans = tuple(cp.plan(facial, start=MONDAY, sessions=3) for _ in range(4))
    scenario = cp.Scenario(start=MONDAY, weeks=12, booked=plans, supply=cp.Supply.daily(2))
    sim = cp.simulate(scenario)
    assert sim.clients == 0
    assert sim.booked == 12
    assert sim.slipped == 0  # two a day, windows of two weeks: everything fits
    _check_days(sim)


def test_simulation_needs_a_supply() -> None:
    """Without a supply in the scenario or the call, simulate raises ScenarioError."""
    with pytest.raises(cp.ScenarioError, match="needs a supply"):
        cp.simulate(_scenario(None))


def test_simulation_rows_export(tmp_path: object) -> None:
    """Weekly rows export to CSV text and to a DataFrame."""
    sim = cp.simulate(_scenario(cp.Supply.daily(2), weeks=6))
    lines = sim.to_csv().splitlines()
    assert (
        lines[0]
        == "week,iso_week,booked,in_window,slipped,unmet,backlog,capacity,used,utilisation,"
        "mean_delay"
    )
    assert len(lines) == 7
    pytest.importorskip("pandas")
    frame = sim.to_dataframe()
    assert frame["booked"].sum() == sim.booked


def _small() -> cp.Scenario:
    return _scenario(
        cp.Supply.daily(1, open=["mon", "tue", "wed", "thu", "fri", "sat"]),
        weeks=26,
        intakes=(
            _facial(8, sessions={3: 0.6, 4: 0.4}, dropout=0.1),
            cp.Intake(protocol=cp.get_protocol("body-series"), per_week=3),
        ),
        seed=9,
    )


def test_share_in_window_grows_with_capacity() -> None:
    """More daily capacity never lowers the share of sessions inside their windows (same seed)."""
    scenario = _small()
    base = scenario.supply
    assert base is not None
    shares = [cp.simulate(scenario, supply=base.scaled(c)).in_window_share for c in range(1, 16)]
    assert shares == sorted(shares)
    assert shares[0] < 0.5
    assert shares[-1] == 1.0


def test_required_capacity_is_monotone_in_the_share() -> None:
    """Asking for a larger share never needs less capacity, and each answer is the smallest."""
    scenario = _small()
    found = [cp.required_capacity(scenario, share=s) for s in (0.5, 0.8, 0.9, 0.95, 0.99, 1.0)]
    capacities = [r.per_day for r in found]
    assert capacities == sorted(capacities)
    for req in found:
        assert req.achieved >= req.share
        assert req.simulation.in_window_share == req.achieved
        assert req.supply.peak == req.per_day
        below = dict(req.tried).get(req.per_day - 1)
        if req.per_day > 1:
            assert below is not None
            assert below < req.share


def test_required_capacity_reports_weekly_staffing() -> None:
    """In hours, the answer is also given as practitioner-days per week."""
    scenario = _scenario(cp.Supply.daily(8, unit="hours", day_hours=8), weeks=16, seed=2)
    req = cp.required_capacity(scenario, share=0.9)
    assert req.unit == "hours"
    assert req.per_week == pytest.approx(5 * req.per_day)
    assert req.practitioner_days_per_week == pytest.approx(req.per_week / 8)
    slots = cp.required_capacity(_small(), share=0.9)
    assert slots.practitioner_days_per_week is None


def test_required_capacity_keeps_the_weekday_pattern() -> None:
    """A half-day Saturday stays half of the busiest weekday."""
    pattern = cp.Supply(per_weekday=(4, 4, 4, 4, 4, 2, 0))
    req = cp.required_capacity(_scenario(pattern, weeks=16), share=0.9)
    assert req.supply.per_weekday[5] == req.per_day // 2
    assert req.supply.per_weekday[6] == 0


def test_required_capacity_without_a_supply_uses_weekdays() -> None:
    """With no supply anywhere, the search assumes Monday to Friday in slots."""
    req = cp.required_capacity(_scenario(None, weeks=10), share=0.8)
    assert req.supply.open_weekdays == (0, 1, 2, 3, 4)


def test_unreachable_share_is_a_scenario_error() -> None:
    """When closures leave windows without an open day, no capacity reaches 100%."""
    weekly = cp.Intake(protocol=cp.get_protocol("scalp-series"), per_week=5)
    shut = [dt.date(2027, 2, 1) + dt.timedelta(days=n) for n in range(21)]
    scenario = _scenario(cp.Supply.daily(1, closures=shut), weeks=12, intakes=(weekly,))
    with pytest.raises(cp.ScenarioError, match="even unlimited capacity") as info:
        cp.required_capacity(scenario, share=1.0)
    assert info.value.path == "share"


@pytest.mark.parametrize("share", [0, -0.1, 1.5, "95%", True])
def test_share_must_be_a_fraction(share: object) -> None:
    """share outside (0, 1] is an InputError naming 'share'."""
    with pytest.raises(cp.InputError) as info:
        cp.required_capacity(_small(), share=share)  # type: ignore[arg-type]
    assert info.value.path == "share"


def test_search_progress_ends_complete() -> None:
    """The search reports progress and finishes at its total."""
    seen: list[tuple[int, int]] = []
    cp.required_capacity(_small(), share=0.9, progress=lambda d, t: seen.append((d, t)))
    assert seen
    assert seen[-1][0] == seen[-1][1]


def test_a_clinic_supplies_opening_days() -> None:
    """A cp.Clinic is an opening calendar: its closed weekdays get no bookings."""
    clinic = cp.parse_clinic(
        'schema = 1\nid = "k"\nname = "K"\ntimezone = "Europe/London"\n'
        '[[hours]]\ndays = ["mon", "tue", "thu", "fri"]\nopens = "09:00"\ncloses = "17:00"\n'
    )
    assert clinic.is_open(dt.date(2027, 1, 4))
    assert not clinic.is_open(dt.date(2027, 1, 6))
    sim = cp.simulate(_scenario(cp.Supply.daily(6, calendar=clinic)))
    _check_days(sim)
    assert all(d.booked == 0 for d in sim.days if d.date.weekday() in (2, 5, 6))
    assert sim.booked > 0
