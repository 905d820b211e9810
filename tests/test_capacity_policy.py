"""Booking policies of the constrained simulation: accounting, triage against EDF, exact mode."""

from __future__ import annotations

import builtins
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan.capacity import simulation as simulation_module
from collagenplan.capacity._exact import require_exact
from tests.strategies import MONDAY, scenarios, supplies

EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _identity(sim: cp.Simulation) -> None:
    assert sim.in_window + sim.slipped + sim.unmet + sim.pending == sim.sessions
    loads = sim.protocols
    assert sum(p.sessions for p in loads) == sim.sessions
    assert sum(p.in_window for p in loads) == sim.in_window
    assert sum(p.slipped for p in loads) == sim.slipped
    assert sum(p.unmet for p in loads) == sim.unmet
    assert sum(p.pending for p in loads) == sim.pending
    assert sum(n for _, n in sim.delays) == sim.booked
    assert sum(n for _, n in sim.late_days) == sim.slipped


@st.composite
def _closing_at_the_end(draw: st.DrawFn) -> cp.Scenario:
    """A small scenario whose last days (up to three weeks) may be closed."""
    unit = draw(st.sampled_from(["slots", "hours"]))
    scenario = draw(scenarios(draw(supplies(unit=unit))))
    supply = scenario.supply
    assert supply is not None
    closed = draw(st.integers(min_value=0, max_value=21))
    tail = {scenario.end - dt.timedelta(days=n) for n in range(closed)}
    return cp.Scenario(
        start=scenario.start,
        weeks=scenario.weeks,
        intakes=scenario.intakes,
        supply=cp.Supply(
            per_weekday=supply.per_weekday, unit=supply.unit, closures=supply.closures | tail
        ),
        seed=scenario.seed,
    )


@settings(max_examples=40, deadline=None)
@given(scenario=_closing_at_the_end(), policy=st.sampled_from(["triage", "edf"]))
def test_every_session_is_counted_exactly_once(scenario: cp.Scenario, policy: Any) -> None:
    """In window + slipped + unmet + pending = sessions, also with closures at the horizon."""
    _identity(cp.simulate(scenario, policy=policy))


def _one_scalp_client(closed_days: int) -> cp.Scenario:
    start = dt.date(2027, 1, 4)
    closures = [start + dt.timedelta(days=d) for d in range(21 - closed_days, 21)]
    return cp.Scenario(
        start=start,
        weeks=3,
        arrivals="fixed",
        intakes=(cp.Intake(protocol=cp.get_protocol("scalp-series"), per_week=7, end=start),),
        supply=cp.Supply.daily(100, open=EVERY_DAY, closures=closures),
    )


def test_a_window_closed_at_the_horizon_counts_as_unmet() -> None:
    """The field report's lost session: its whole window is closed, so it is unmet, not lost."""
    open_end = cp.simulate(_one_scalp_client(0), seed=1)
    assert (open_end.booked, open_end.unmet, open_end.pending) == (3, 0, 0)
    closed_end = cp.simulate(_one_scalp_client(9), seed=1)
    assert (closed_end.booked, closed_end.unmet, closed_end.pending) == (2, 1, 0)
    assert closed_end.sessions == 3
    assert closed_end.in_window_share == pytest.approx(2 / 3)


def _overloaded(per_week: float, capacity: int, seed: int = 1) -> cp.Scenario:
    facial = cp.get_protocol("facial-series")
    until = MONDAY + dt.timedelta(days=13)
    intake = cp.Intake(protocol=facial, per_week=per_week, end=until, sessions=3, dropout=0.1)
    return cp.Scenario(
        start=MONDAY, weeks=16, intakes=(intake,), supply=cp.Supply.daily(capacity), seed=seed
    )


@settings(max_examples=30, deadline=None)
@given(
    scenario=st.builds(
        _overloaded,
        per_week=st.floats(min_value=2, max_value=40),
        capacity=st.integers(min_value=1, max_value=4),
        seed=st.integers(min_value=0, max_value=10_000),
    )
)
def test_triage_never_books_fewer_in_window_than_edf(scenario: cp.Scenario) -> None:
    """The default policy keeps at least as many sessions inside their windows as EDF."""
    assert cp.simulate(scenario).in_window >= cp.simulate(scenario, policy="edf").in_window


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_triage_never_worse_than_edf_on_random_scenarios(data: st.DataObject) -> None:
    """Also on random protocols, supplies (slots or hours) and closures."""
    unit = data.draw(st.sampled_from(["slots", "hours"]))
    scenario = data.draw(scenarios(data.draw(supplies(unit=unit))))
    triage = cp.simulate(scenario)
    assert triage.in_window >= cp.simulate(scenario, policy="edf").in_window
    assert triage.policy == "triage"


def test_triage_avoids_the_edf_domino_under_overload() -> None:
    """One slot a day for 40 facial clients: EDF lets nearly everything slip, triage does not."""
    scenario = _overloaded(20, 1, seed=3)
    edf = cp.simulate(scenario, policy="edf")
    triage = cp.simulate(scenario)
    assert edf.in_window_share < 0.2
    assert triage.in_window >= 4 * edf.in_window
    assert triage.kept in ("ontime", "slack")


def test_slack_capacity_gives_the_same_booking_as_edf() -> None:
    """When nothing slips, the policies agree day by day."""
    scenario = _overloaded(5, 10)
    triage = cp.simulate(scenario)
    edf = cp.simulate(scenario, policy="edf")
    assert triage.slipped == 0
    assert triage.days == edf.days
    assert triage.kept == "ontime"


@pytest.mark.parametrize(
    ("policy", "path"),
    [("best", "policy"), ("", "policy"), (None, "policy")],
)
def test_unknown_policy_is_an_input_error(policy: object, path: str) -> None:
    """An unknown policy names 'policy' and lists the known ones."""
    with pytest.raises(cp.InputError, match="'triage', 'edf', 'exact'") as info:
        cp.simulate(_overloaded(5, 2), policy=policy)  # type: ignore[arg-type]
    assert info.value.path == path


@pytest.mark.parametrize("limit", [0, -1, float("inf"), "10", True])
def test_time_limit_must_be_positive_seconds(limit: object) -> None:
    """time_limit is a positive finite number of seconds."""
    with pytest.raises(cp.InputError) as info:
        cp.simulate(_overloaded(5, 2), time_limit=limit)  # type: ignore[arg-type]
    assert info.value.path == "time_limit"


def test_exact_without_ortools_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without OR-Tools, the exact mode raises MissingExtraError naming collagenplan[optimize]."""
    real_import = builtins.__import__

    def no_ortools(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("ortools"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ortools)
    monkeypatch.delitem(__import__("sys").modules, "ortools.sat.python.cp_model", raising=False)
    with pytest.raises(cp.MissingExtraError, match=r"collagenplan\[optimize\]") as info:
        require_exact()
    assert isinstance(info.value, cp.CollagenPlanError)
    assert info.value.extra == "optimize"


def test_exact_mode_is_never_worse_and_reports_its_bound() -> None:
    """CP-SAT proves the optimum of a small overloaded instance, at least the heuristic's."""
    pytest.importorskip("ortools")
    scenario = _overloaded(6, 1, seed=2)
    triage = cp.simulate(scenario)
    exact = cp.simulate(scenario, policy="exact", time_limit=20)
    solver = exact.solver
    assert solver is not None
    assert solver.status == "optimal"
    assert solver.bound == solver.in_window == exact.in_window
    assert solver.gap == 0
    assert exact.in_window >= triage.in_window
    _identity(exact)


def test_exact_mode_books_within_capacity_and_windows_rules() -> None:
    """The solver's booking replays with the simulation's own rules and accounting."""
    pytest.importorskip("ortools")
    facial = cp.get_protocol("facial-series")
    scenario = cp.Scenario(
        start=MONDAY,
        weeks=10,
        intakes=(cp.Intake(protocol=facial, per_week=8, end=MONDAY + dt.timedelta(days=6)),),
        supply=cp.Supply.daily(2, unit="hours", closures=[MONDAY + dt.timedelta(days=9)]),
        seed=4,
    )
    exact = cp.simulate(scenario, policy="exact", time_limit=20)
    assert exact.kept in ("exact", "ontime", "slack", "edf")
    for day in exact.days:
        assert day.used <= day.capacity + 1e-9
    assert exact.in_window >= cp.simulate(scenario).in_window
    _identity(exact)


def test_exact_mode_refuses_huge_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the size limit the exact mode says to use the default policy."""
    pytest.importorskip("ortools")
    monkeypatch.setattr("collagenplan.capacity._exact.MAX_SESSIONS", 5)
    with pytest.raises(cp.InputError, match="policy='triage'") as info:
        cp.simulate(_overloaded(20, 1), policy="exact")
    assert info.value.path == "policy"


def test_lateness_quantiles() -> None:
    """p50 / p90 of days past target follow the tally of bookings."""
    sim = cp.simulate(_overloaded(20, 1, seed=3))
    assert sim.delay_p50 is not None and sim.delay_p90 is not None
    assert sim.delay_p50 <= sim.delay_p90
    assert sim.delay_quantile(0.0) == sim.delays[0][0]
    assert sim.delay_quantile(1.0) == sim.delays[-1][0]
    assert sim.late_p90 is not None and sim.late_p90 > 0
    with pytest.raises(cp.InputError):
        sim.delay_quantile(1.5)


def test_practitioner_lines_add_up_to_the_week() -> None:
    """Line capacity and use sum to the week's; earlier lines are never less used."""
    scenario = _overloaded(10, 20)
    sim = cp.simulate(scenario, supply=cp.Supply.daily(20, unit="hours", day_hours=8))
    lines = sim.lines()
    assert {row.line for row in lines} == {1, 2, 3}
    for week in sim.weeks:
        rows = [r for r in lines if r.week == week.week]
        assert sum(r.capacity for r in rows) == pytest.approx(week.capacity)
        assert sum(r.used for r in rows) == pytest.approx(week.used)
        used = [r.used for r in rows[:2]]  # two full lines of 8 h
        assert used == sorted(used, reverse=True)
    with pytest.raises(cp.InputError):
        sim.lines(size=0)


def test_chair_hours_by_protocol() -> None:
    """Each protocol's chair-hours are its booked sessions times its chair minutes."""
    facial, body = cp.get_protocol("facial-series"), cp.get_protocol("body-series")
    scenario = cp.Scenario(
        start=MONDAY,
        weeks=12,
        intakes=(
            cp.Intake(protocol=facial, per_week=5),
            cp.Intake(protocol=body, per_week=3, chair_minutes=80),
        ),
        supply=cp.Supply.daily(40, unit="hours"),
    )
    sim = cp.simulate(scenario)
    loads = {p.protocol: p for p in sim.protocols}
    assert set(loads) == {"facial-series", "body-series"}
    assert loads["body-series"].chair_hours == pytest.approx(loads["body-series"].booked * 80 / 60)
    assert sim.booked == sum(p.booked for p in loads.values())


def test_simulation_csv_with_a_byte_order_mark(tmp_path: Path) -> None:
    """bom=True writes UTF-8 with a BOM; the text returned has none."""
    sim = cp.simulate(_overloaded(5, 2))
    text = sim.to_csv(tmp_path / "sim.csv", bom=True)
    raw = (tmp_path / "sim.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw[3:].decode("utf-8") == text
    assert not (tmp_path / "plain.csv").exists()
    sim.to_csv(tmp_path / "plain.csv")
    assert not (tmp_path / "plain.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_required_capacity_says_what_binds() -> None:
    """The search names the fullest weekday and the weeks that slip one step below."""
    scenario = _overloaded(12, 1)
    req = cp.required_capacity(scenario, share=0.95)
    assert req.policy == "triage"
    assert req.busiest_weekday in ("mon", "tue", "wed", "thu", "fri")
    assert "daily capacity binds" in req.binding
    below = dict(req.tried).get(req.per_day - 1)
    if below is not None and below < 1:
        assert req.short_weeks
        assert req.short_weeks[0] in req.binding


def test_required_capacity_with_edf_needs_at_least_as_much() -> None:
    """The old policy never finds a smaller capacity than triage on the same clients."""
    scenario = _overloaded(15, 1, seed=5)
    triage = cp.required_capacity(scenario, share=0.9)
    edf = cp.required_capacity(scenario, share=0.9, policy="edf")
    assert edf.per_day >= triage.per_day
    assert edf.policy == "edf"


def test_required_capacity_refuses_the_exact_mode() -> None:
    """The search runs many simulations, so the exact mode is refused with a clear error."""
    with pytest.raises(cp.InputError, match="use 'triage' or 'edf'") as info:
        cp.required_capacity(_overloaded(5, 2), policy="exact")
    assert info.value.path == "policy"


def test_policies_are_listed() -> None:
    """POLICIES lists the default first."""
    assert simulation_module.POLICIES[0] == "triage"
    assert set(simulation_module.POLICIES) == {"triage", "edf", "exact"}
