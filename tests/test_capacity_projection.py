"""Expected demand (analytic), random runs and the Projection value."""

from __future__ import annotations

import datetime as dt
import math
import sys
from pathlib import Path

import attrs
import pytest

import collagenplan as cp

MONDAY = dt.date(2027, 1, 4)
WEEKLY = cp.parse_protocol(
    """
schema = 1
id = "weekly-four"
name = "Four weekly sessions"

[[phases]]
name = "course"
sessions = { min = 1, max = 4, default = 4 }
interval = { min = "7d", target = "7d", max = "9d" }

[session]
chair_minutes = 30
downtime = "1d"
"""
)


def _scenario(*intakes: cp.Intake, weeks: int = 30, **kwargs: object) -> cp.Scenario:
    return cp.Scenario(start=MONDAY, weeks=weeks, intakes=intakes, **kwargs)  # type: ignore[arg-type]


def _sessions(projection: cp.Projection) -> list[float]:
    return [row.sessions for row in projection.rows]


def test_steady_state_is_intake_times_sessions_per_client() -> None:
    """With constant intake and no drop-out, a full pipeline holds intake x sessions a week."""
    scalp = cp.get_protocol("scalp-series")  # 12 sessions, one a week
    result = cp.project(_scenario(cp.Intake(protocol=scalp, per_week=10), weeks=30))
    sessions = _sessions(result)
    assert sessions[:12] == pytest.approx([10.0 * (w + 1) for w in range(12)])
    assert sessions[12:] == pytest.approx([120.0] * 18)


def test_steady_state_of_a_facial_series_before_touch_ups() -> None:
    """Three sessions five weeks apart: 3 x intake a week from week 11 until touch-ups start."""
    facial = cp.get_protocol("facial-series")
    result = cp.project(_scenario(cp.Intake(protocol=facial, per_week=40, sessions=3), weeks=50))
    assert _sessions(result)[10:] == pytest.approx([120.0] * 40)
    assert result.rows[20].chair_hours == pytest.approx(120.0)  # 60-minute sessions


def test_drop_out_reduces_steady_state_by_the_survival_series() -> None:
    """Each session after the first is reached with probability (1 - dropout)^(k-1)."""
    scalp = cp.get_protocol("scalp-series")
    result = cp.project(_scenario(cp.Intake(protocol=scalp, per_week=10, dropout=0.1), weeks=20))
    survival = sum(0.9**k for k in range(12))
    assert _sessions(result)[12:] == pytest.approx([10 * survival] * 8)
    assert _sessions(result)[2] == pytest.approx(10 * (1 + 0.9 + 0.81))


def test_repeat_dropout_applies_to_touch_ups_only() -> None:
    """Touch-ups use repeat_dropout; series sessions keep dropout."""
    facial = cp.get_protocol("facial-series")
    intake = cp.Intake(protocol=facial, per_week=10, sessions=3, dropout=0.2, repeat_dropout=0.5)
    result = cp.project(_scenario(intake, weeks=104))
    by_phase: dict[str, float] = {}
    for row in result.detail:
        by_phase[row.phase] = by_phase.get(row.phase, 0.0) + row.sessions
    weeks_of_intake = 104 * 10
    # Every client's first session is inside the horizon.
    assert result.detail[0].phase == "series"
    series = by_phase["series"]
    assert series <= weeks_of_intake * (1 + 0.8 + 0.64) + 1e-6
    # A touch-up needs the third session (0.64) and then 0.5 more.
    touch_weeks = [r for r in result.detail if r.phase == "touch-up" and r.sessions > 0]
    assert touch_weeks
    steady = [r.sessions for r in touch_weeks if r.week >= dt.date(2028, 6, 1)]
    assert steady == pytest.approx([10 * 0.64 * 0.5] * len(steady))


def test_seasonality_shifts_demand_by_the_course() -> None:
    """A March intake peak reaches the chairs as the same peak convolved with the course."""
    factors = (1.0, 1.0, 3.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
    intake = cp.Intake(protocol=WEEKLY, per_week=5, monthly=factors)
    scenario = _scenario(intake, weeks=26)
    result = cp.project(scenario)
    arrivals = [0.0] * scenario.weeks
    for day, rate in scenario.daily_intake(intake):
        arrivals[(day - MONDAY).days // 7] += rate
    expected = [sum(arrivals[w - k] for k in range(4) if w - k >= 0) for w in range(26)]
    assert _sessions(result) == pytest.approx(expected)
    flat = cp.project(_scenario(cp.Intake(protocol=WEEKLY, per_week=5), weeks=26))
    gain = [a - b for a, b in zip(_sessions(result), _sessions(flat), strict=True)]
    first_march, last_march = 8, 12  # ISO weeks holding March 2027 days
    assert gain[first_march - 1] == 0
    assert max(gain) == pytest.approx(5 * 2 * 4)  # four sessions of a tripled intake
    assert gain[last_march + 3] > 0
    assert gain[last_march + 4] == 0


def test_count_distribution_mixes_courses() -> None:
    """A distribution over counts gives the weighted mean of the fixed-count projections."""
    mixed = cp.project(
        _scenario(cp.Intake(protocol=WEEKLY, per_week=6, sessions={2: 0.5, 4: 0.5}))
    )
    two = cp.project(_scenario(cp.Intake(protocol=WEEKLY, per_week=6, sessions=2)))
    four = cp.project(_scenario(cp.Intake(protocol=WEEKLY, per_week=6, sessions=4)))
    assert _sessions(mixed) == pytest.approx(
        [(a + b) / 2 for a, b in zip(_sessions(two), _sessions(four), strict=True)]
    )


@pytest.mark.parametrize(
    ("per_week", "after", "weeks_1_to_6"),
    [
        ((1, 2, 3), "zero", [1, 2, 3, 0, 0, 0]),
        ((1, 2, 3), "hold", [1, 2, 3, 3, 3, 3]),
        ((1, 2, 3), "repeat", [1, 2, 3, 1, 2, 3]),
        (4, "zero", [4, 4, 4, 4, 4, 4]),
    ],
)
def test_intake_patterns(per_week: object, after: str, weeks_1_to_6: list[float]) -> None:
    """A per-week list runs out into zero, the last value, or a repeat of the list."""
    one_session = cp.Intake(protocol=WEEKLY, per_week=per_week, after=after, sessions=1)  # type: ignore[arg-type]
    result = cp.project(_scenario(one_session, weeks=6))
    assert _sessions(result) == pytest.approx(weeks_1_to_6)


def test_intake_start_and_until_bound_arrivals() -> None:
    """Clients arrive only between the intake's start and until dates."""
    intake = cp.Intake(
        protocol=WEEKLY,
        per_week=5,
        sessions=1,
        start=dt.date(2027, 1, 18),
        end=dt.date(2027, 1, 31),
    )
    assert _sessions(cp.project(_scenario(intake, weeks=6))) == pytest.approx([0, 0, 5, 5, 0, 0])


def test_a_partial_first_week_gets_only_its_remaining_days() -> None:
    """Starting on a Wednesday, week 1 receives three of its five intake days."""
    intake = cp.Intake(protocol=WEEKLY, per_week=5, sessions=1)
    scenario = cp.Scenario(start=dt.date(2027, 1, 6), weeks=3, intakes=(intake,))
    assert _sessions(cp.project(scenario)) == pytest.approx([3, 5, 5])


def test_no_show_and_chair_minutes() -> None:
    """Attended is booked less no-shows; chair-hours use the override when given."""
    intake = cp.Intake(protocol=WEEKLY, per_week=10, sessions=1, chair_minutes=45, no_show=0.2)
    row = cp.project(_scenario(intake, weeks=2, no_show=0.5)).rows[1]
    assert (row.sessions, row.attended, row.chair_hours) == pytest.approx((10, 8, 7.5))
    row = cp.project(
        _scenario(cp.Intake(protocol=WEEKLY, per_week=10, sessions=1), no_show=0.5)
    ).rows[1]
    assert (row.attended, row.chair_hours) == pytest.approx((5, 5))


def test_booked_plans_add_their_sessions_as_load() -> None:
    """Sessions of booked plans inside the horizon count in full; done ones and earlier do not."""
    facial = cp.get_protocol("facial-series")
    planned = cp.plan(facial, start=dt.date(2026, 12, 7), sessions=4)
    first, second, *rest = planned.sessions
    assert first.date < MONDAY <= second.date
    plan = attrs.evolve(planned, sessions=(first, attrs.evolve(second, status="done"), *rest))
    scenario = cp.Scenario(
        start=MONDAY, weeks=20, intakes=(cp.Intake(protocol=WEEKLY, per_week=0),), booked=(plan,)
    )
    result = cp.project(scenario)
    inside = [s for s in rest if scenario.week_index(s.date) is not None]
    assert len(inside) == 2  # sessions 3 and 4; the touch-up falls after the horizon
    assert result.total_sessions == pytest.approx(2)
    assert result.total_chair_hours == pytest.approx(2 * 60 / 60)
    assert {(r.protocol, r.phase) for r in result.detail if r.sessions} == {
        ("facial-series", "series")
    }


def test_booked_plan_of_an_unknown_protocol_is_refused() -> None:
    """A booked plan whose protocol cannot be found has no chair minutes: ScenarioError."""
    plan = cp.plan(WEEKLY, start=MONDAY)
    with pytest.raises(cp.ScenarioError, match=r"booked\[0\]\.protocol_id"):
        cp.Scenario(start=MONDAY, weeks=4, booked=(plan,))


def test_capacity_and_utilisation_columns() -> None:
    """With a supply, each week carries its capacity and demand over capacity."""
    supply = cp.Supply.daily(4, closures=[dt.date(2027, 1, 13)])
    scenario = _scenario(
        cp.Intake(protocol=WEEKLY, per_week=10, sessions=1), weeks=3, supply=supply
    )
    rows = cp.project(scenario).rows
    assert [r.capacity for r in rows] == [20, 16, 20]
    assert rows[1].utilisation == pytest.approx(10 / 16)
    hours = _scenario(
        cp.Intake(protocol=WEEKLY, per_week=10, sessions=1),
        weeks=1,
        supply=cp.Supply.daily(2, unit="hours"),
    )
    assert cp.project(hours).rows[0].utilisation == pytest.approx(5 / 10)  # 10 x 30 min


def test_a_million_clients_cost_as_little_as_ten() -> None:
    """The projection is analytic: 1,000,000 clients give exactly 100,000 times what 10 give."""
    facial, body = cp.get_protocol("facial-series"), cp.get_protocol("body-series")
    per_week = 1_000_000 / 104

    def scenario(scale: float) -> cp.Scenario:
        return cp.Scenario(
            start=MONDAY,
            weeks=104,
            intakes=(
                cp.Intake(
                    protocol=facial, per_week=per_week * scale * 0.7, sessions={3: 0.6, 6: 0.4}
                ),
                cp.Intake(protocol=body, per_week=per_week * scale * 0.3, dropout=0.1),
            ),
        )

    result = cp.project(scenario(1.0))
    small = cp.project(scenario(1e-5))
    assert _sessions(result) == pytest.approx([s * 1e5 for s in _sessions(small)])
    first_sessions = sum(r.sessions for r in result.detail if r.week == MONDAY)
    assert first_sessions == pytest.approx(per_week)


def _mc_scenario(arrivals: str) -> cp.Scenario:
    facial, body = cp.get_protocol("facial-series"), cp.get_protocol("body-series")
    return cp.Scenario(
        start=dt.date(2027, 1, 6),
        weeks=60,
        arrivals=arrivals,  # type: ignore[arg-type]
        intakes=(
            cp.Intake(
                protocol=facial,
                per_week=25,
                sessions={3: 0.5, 4: 0.3, 6: 0.2},
                dropout=0.1,
                repeat_dropout=0.4,
                monthly=(1.2, 1.1, 1.0, 0.9, 0.8, 0.7, 0.7, 0.9, 1.1, 1.2, 1.3, 1.1),
            ),
            cp.Intake(protocol=body, per_week=(4.5, 9.5), after="hold", chair_minutes=80),
        ),
    )


@pytest.mark.parametrize("arrivals", ["poisson", "fixed"])
def test_random_runs_agree_with_the_expectation(arrivals: str) -> None:
    """The mean of 400 runs is within 4.5 standard errors of the analytic value in every week.

    With 60 weeks and two measures, a correct sampler fails this with
    probability below 1e-3; the seed makes the test deterministic.
    """
    np = pytest.importorskip("numpy")
    scenario = _mc_scenario(arrivals)
    expected = cp.project(scenario)
    runs = 400
    samples = cp.sample_demand(scenario, runs=runs, seed=11)
    for measure, values in (("sessions", samples.sessions), ("chair_hours", samples.chair_hours)):
        mean = values.mean(axis=0)
        error = values.std(axis=0, ddof=1) / math.sqrt(runs)
        analytic = np.array([getattr(r, measure) for r in expected.rows])
        assert np.all(np.abs(mean - analytic) <= 4.5 * error + 1e-9), measure
        total_error = values.sum(axis=1).std(ddof=1) / math.sqrt(runs)
        assert abs(values.sum(axis=1).mean() - analytic.sum()) <= 4.5 * total_error


def test_fixed_arrivals_vary_less_than_poisson() -> None:
    """Fixed arrivals remove the sign-up noise, so the bands are narrower than with Poisson."""
    pytest.importorskip("numpy")
    poisson = cp.sample_demand(_mc_scenario("poisson"), runs=200, seed=3).sessions.std(axis=0)
    fixed = cp.sample_demand(_mc_scenario("fixed"), runs=200, seed=3).sessions.std(axis=0)
    assert fixed[5:].mean() < poisson[5:].mean()


def test_bands_are_ordered_and_seeded() -> None:
    """p10 <= p50 <= p90 every week, and the same seed gives the same bands."""
    pytest.importorskip("numpy")
    scenario = _mc_scenario("poisson")
    first = cp.project(scenario, runs=60, seed=5)
    again = cp.project(scenario, runs=60, seed=5)
    assert first.rows == again.rows
    assert first.runs == 60
    assert first.seed == 5
    for row in first.rows:
        assert row.sessions_p10 is not None
        assert row.sessions_p50 is not None
        assert row.sessions_p90 is not None
        assert row.chair_hours_p90 is not None
        assert row.sessions_p10 <= row.sessions_p50 <= row.sessions_p90
    assert cp.project(scenario, runs=60, seed=6).rows != first.rows


def test_booked_plans_are_certain_in_random_runs() -> None:
    """A scenario of booked plans alone has no spread: every run equals the expectation."""
    np = pytest.importorskip("numpy")
    plans = tuple(
        cp.plan(cp.get_protocol("facial-series"), start=MONDAY + dt.timedelta(days=i))
        for i in range(5)
    )
    scenario = cp.Scenario(start=MONDAY, weeks=12, booked=plans)
    samples = cp.sample_demand(scenario, runs=5)
    expected = np.array(_sessions(cp.project(scenario)))
    assert np.all(samples.sessions == expected)


def test_progress_is_reported_until_done() -> None:
    """The progress callback sees the runs advance up to the total."""
    pytest.importorskip("numpy")
    seen: list[tuple[int, int]] = []
    cp.project(_mc_scenario("poisson"), runs=30, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (30, 30)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_runs_without_numpy_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without NumPy, runs=N raises MissingExtraError naming collagenplan[analysis]."""
    monkeypatch.setitem(sys.modules, "numpy", None)
    scenario = _scenario(cp.Intake(protocol=WEEKLY, per_week=3), weeks=4)
    assert cp.project(scenario).runs == 0  # the analytic path needs no extra
    with pytest.raises(cp.MissingExtraError, match=r"collagenplan\[analysis\]") as info:
        cp.project(scenario, runs=10)
    assert isinstance(info.value, ImportError)
    assert isinstance(info.value, cp.CollagenPlanError)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"runs": -1}, "runs"),
        ({"runs": 1.5}, "runs"),
        ({"seed": -3}, "seed"),
        ({"runs": True}, "runs"),
    ],
)
def test_bad_arguments_are_input_errors(kwargs: dict[str, object], path: str) -> None:
    """Bad runs or seed raise InputError naming the argument."""
    scenario = _scenario(cp.Intake(protocol=WEEKLY, per_week=3), weeks=4)
    with pytest.raises(cp.InputError) as info:
        cp.project(scenario, **kwargs)  # type: ignore[arg-type]
    assert info.value.path == path


def test_project_refuses_what_is_not_a_scenario() -> None:
    """Passing something else than a Scenario is an InputError, not an AttributeError."""
    with pytest.raises(cp.InputError, match="must be a Scenario"):
        cp.project("scenario.toml")  # type: ignore[arg-type]


def test_csv_rows_and_detail(tmp_path: Path) -> None:
    """CSV has one row per week (or per week and phase), empty cells for missing values."""
    scenario = _scenario(cp.Intake(protocol=cp.get_protocol("facial-series"), per_week=7), weeks=8)
    result = cp.project(scenario)
    text = result.to_csv(tmp_path / "weeks.csv")
    lines = text.splitlines()
    assert lines[0].startswith("week,iso_week,sessions,attended,chair_hours,sessions_p10")
    assert len(lines) == 9
    assert lines[1].startswith("2027-01-04,2027-W01,7.0,7.0,7.0,,,")
    assert (tmp_path / "weeks.csv").read_text() == text
    detail = result.to_csv(detail=True).splitlines()
    assert detail[0] == "week,iso_week,protocol,phase,sessions,attended,chair_hours"
    assert len(detail) == 1 + 8 * len({(r.protocol, r.phase) for r in result.detail})


def test_dataframe_columns_and_types() -> None:
    """to_dataframe gives datetime weeks and float columns, NaN where runs were not made."""
    pd = pytest.importorskip("pandas")
    scenario = _scenario(
        cp.Intake(protocol=WEEKLY, per_week=3), weeks=5, supply=cp.Supply.daily(2)
    )
    frame = cp.project(scenario).to_dataframe()
    assert list(frame.columns)[:5] == ["week", "iso_week", "sessions", "attended", "chair_hours"]
    assert len(frame) == 5
    assert pd.api.types.is_datetime64_any_dtype(frame["week"])
    assert frame["sessions_p50"].isna().all()
    assert frame["capacity"].tolist() == [10.0] * 5
    detail = cp.project(scenario).to_dataframe(detail=True)
    assert set(detail["phase"]) == {"course"}


def test_dataframe_without_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pandas, to_dataframe raises MissingExtraError naming the extra."""
    monkeypatch.setitem(sys.modules, "pandas", None)
    result = cp.project(_scenario(cp.Intake(protocol=WEEKLY, per_week=3), weeks=2))
    with pytest.raises(cp.MissingExtraError, match="pandas"):
        result.to_dataframe()


def test_plot_writes_a_picture(tmp_path: Path) -> None:
    """plot() draws demand, bands and capacity into a PNG without touching pyplot."""
    pytest.importorskip("matplotlib")
    scenario = _scenario(
        cp.Intake(protocol=cp.get_protocol("facial-series"), per_week=12, dropout=0.1),
        weeks=20,
        supply=cp.Supply.daily(6, closures=[dt.date(2027, 2, 1)]),
    )
    pyplot_before = "matplotlib.pyplot" in sys.modules
    path = cp.project(scenario, runs=20).plot(tmp_path / "demand.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert ("matplotlib.pyplot" in sys.modules) == pyplot_before
    svg = cp.project(scenario).plot(tmp_path / "demand.svg", title="Demand")
    assert "Demand" in svg.read_text()


def test_plot_needs_a_suffix(tmp_path: Path) -> None:
    """A path without a suffix is refused before anything is drawn."""
    pytest.importorskip("matplotlib")
    result = cp.project(_scenario(cp.Intake(protocol=WEEKLY, per_week=3), weeks=2))
    with pytest.raises(cp.InputError, match="suffix"):
        result.plot(tmp_path / "demand")


def test_peak_and_totals() -> None:
    """peak is the busiest week; totals add the weekly rows."""
    scalp = cp.get_protocol("scalp-series")
    result = cp.project(_scenario(cp.Intake(protocol=scalp, per_week=(1, 2, 3)), weeks=16))
    assert result.peak.sessions == max(_sessions(result))
    assert result.total_sessions == pytest.approx(6 * 12)
    assert result.rows[0].iso_week == "2027-W01"


def test_a_repeating_only_protocol_repeats_up_to_the_horizon() -> None:
    """Maintenance (every 4 months, repeating) gives three visits a year, thinned by drop-out."""
    maintenance = cp.get_protocol("maintenance")
    once = cp.Intake(protocol=maintenance, per_week=(5,))
    assert cp.project(_scenario(once, weeks=52)).total_sessions == pytest.approx(15)
    thinned = cp.Intake(protocol=maintenance, per_week=(5,), repeat_dropout=0.5)
    result = cp.project(_scenario(thinned, weeks=52))
    assert result.total_sessions == pytest.approx(5 * (1 + 0.5 + 0.25))
    assert {r.phase for r in result.detail} == {"maintenance"}
