"""Living calendars a clinic can trust (issue 11): every history is checked, nothing
entered is dropped or rewritten silently, a series can pause.

Each reproduction of the clinic developer's trial (``field-reports/
clinic-developer-trial-repro/r01`` ... ``r15``) is a case here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan import cli
from tests.strategies import clinic, living_cases

D = dt.date
FACIAL = cp.get_protocol("facial-series")


def done(day: dt.date, phase: str | None = None) -> cp.Visit:
    return cp.Visit(date=day, status="done", phase=phase)


def booked(day: dt.date, phase: str | None = None) -> cp.Visit:
    return cp.Visit(date=day, status="booked", phase=phase)


def missed(day: dt.date) -> cp.Visit:
    return cp.Visit(date=day, status="missed")


def _pairs(result: cp.Plan | cp.Report) -> list[tuple[str, int | None]]:
    return [(v.code, v.session) for v in result.violations]


# ----------------------------------------------- the table of living cases


def _duplicate() -> cp.Plan:
    return cp.plan(FACIAL, start=D(2026, 12, 1), history=[done(D(2026, 12, 1))] * 2)


def _out_of_order() -> cp.Plan:
    history = [done(D(2027, 1, 5)), done(D(2026, 12, 1)), booked(D(2027, 2, 9))]
    return cp.plan(FACIAL, start=D(2027, 1, 20), history=history)


def _unconfirmed_booking() -> cp.Plan:
    return cp.plan(
        FACIAL, start=D(2027, 1, 20), history=[done(D(2026, 12, 1)), booked(D(2027, 1, 5))]
    )


def _booking_outside_window() -> cp.Plan:
    # r01: session 2 moved to 16 Feb leaves the booked session 3 too soon.
    original = cp.plan(FACIAL, start=D(2027, 1, 5), sessions=4)
    visits = [
        done(D(2027, 1, 5)),
        booked(D(2027, 2, 16)),
        booked(D(2027, 3, 10)),
        booked(D(2027, 4, 20)),
    ]
    return cp.replan(original, visits, today=D(2027, 1, 20))


def _all_booked() -> cp.Plan:
    # r03: every session booked, nobody confirmed January and February.
    original = cp.plan(FACIAL, start=D(2027, 1, 5), sessions=4)
    diary = attrs.evolve(
        original, sessions=tuple(attrs.evolve(s, status="booked") for s in original.sessions)
    )
    return cp.replan(diary, [], today=D(2027, 3, 1))


def _tutorial_client() -> cp.Client:
    return cp.Client(
        medications=[
            cp.Medication("isotretinoin", end=D(2026, 8, 1)),
            cp.Medication("topical-retinoid"),
        ],
        conditions=[cp.Condition("cold-sore-history")],
        events=[cp.ClientEvent(D(2027, 3, 11), "wedding")],
    )


def _replan_inside_lead_in() -> cp.Plan:
    # r04: re-planned on 13 March, session 2's window closes on 15 March.
    client = _tutorial_client()
    series = cp.plan(FACIAL, start=D(2026, 12, 1), sessions=4, client=client)
    visits = [done(D(2027, 2, 1)), missed(D(2027, 3, 12))]
    return cp.replan(series, visits, today=D(2027, 3, 13), client=client)


PREGNANT = cp.Client(
    conditions=[cp.Condition("pregnancy", start=D(2027, 2, 20), end=D(2027, 12, 31))]
)


def _pause(policy: cp.LatePolicy) -> Callable[[], cp.Plan]:
    def run() -> cp.Plan:
        p = attrs.evolve(FACIAL, late=policy)
        history = [done(D(2027, 1, 4)), done(D(2027, 2, 8))]
        return cp.plan(p, start=D(2027, 3, 1), history=history, client=PREGNANT)

    return run


CONTINUE = cp.LatePolicy()
RESTARTS = cp.LatePolicy(policy="restart", restart_after=cp.Duration.parse("12w"))
RESTARTING = attrs.evolve(FACIAL, late=RESTARTS)
_PAUSE_RESTART = _pause(RESTARTS)


REFURBISHING = clinic(closures=(cp.Closure(start=D(2027, 2, 2), end=D(2027, 2, 20)),))


def _grace_rescue() -> cp.Plan:
    # r12: the window 2-16 Feb is closed; 1 Feb is within the 2-day grace.
    return cp.plan(FACIAL, start=D(2027, 1, 5), clinic=REFURBISHING)


ENDING = clinic(closures=(cp.Closure(start=D(2027, 7, 1), end=D(2031, 12, 31)),))


def _short_plan_replanned() -> cp.Plan:
    # r06: a plan for 5 that came back short is re-planned for 5, not the default 3.
    short = cp.plan(FACIAL, start=D(2027, 5, 4), sessions=5, clinic=ENDING)
    return cp.replan(short, [done(short.dates[0])], today=D(2027, 5, 10))


LIVING_CASES: list[
    tuple[str, Callable[[], cp.Plan], list[str], list[tuple[str, int | None]], bool]
] = [
    # (case, plan, statuses, (code, session) violations, ok)
    (
        "the same done visit twice is one session and a warning",
        _duplicate,
        ["done", "planned", "planned", "planned"],
        [("duplicate-visit", 1)],
        True,
    ),
    (
        "visits out of order are read in date order, with no problem",
        _out_of_order,
        ["done", "done", "booked", "planned"],
        [],
        True,
    ),
    (
        "a past booking nobody confirmed keeps its place, with a warning",
        _unconfirmed_booking,
        ["done", "booked", "planned", "planned"],
        [("unconfirmed-booking", 2)],
        True,
    ),
    (
        "a booking outside its window is reported, not moved (r01)",
        _booking_outside_window,
        ["done", "booked", "booked", "booked", "planned"],
        [("interval-too-short", 3)],
        False,
    ),
    (
        "bookings keep their phase; past ones are flagged (r03)",
        _all_booked,
        ["booked"] * 5,
        [("unconfirmed-booking", 1), ("unconfirmed-booking", 2)],
        True,
    ),
    (
        "a re-planned session waits for its lead-in tasks (r04)",
        _replan_inside_lead_in,
        ["done", "planned", "planned", "planned", "planned"],
        [("lead-in", 2), ("interval-too-long", 2)],
        False,
    ),
    (
        "a pause with an end date under continue flags the long gap (r14)",
        _pause(CONTINUE),
        ["done", "done", "planned", "planned"],
        [("on-hold", 3), ("interval-too-long", 3)],
        False,
    ),
    (
        "a pause with an end date under restart starts again (r14)",
        _PAUSE_RESTART,
        ["done", "done", "planned", "planned", "planned", "planned"],
        [("on-hold", 3), ("series-restarted", 3)],
        True,
    ),
    (
        "a blocked window uses the grace before going past it (r12)",
        _grace_rescue,
        ["planned"] * 4,
        [("within-grace", 2)],
        True,
    ),
    (
        "a short plan is re-planned for the count it was made for (r06)",
        _short_plan_replanned,
        ["done"] + ["planned"] * 5,
        [],
        True,
    ),
]


@pytest.mark.parametrize(
    ("case", "make", "statuses", "violations", "ok"),
    LIVING_CASES,
    ids=[case[0] for case in LIVING_CASES],
)
def test_living_calendar_cases(
    case: str,
    make: Callable[[], cp.Plan],
    statuses: list[str],
    violations: list[tuple[str, int | None]],
    ok: bool,
) -> None:
    """Each living-calendar case gives its statuses and problems, and agrees with validate."""
    result = make()
    assert [s.status for s in result.sessions] == statuses
    assert _pairs(result) == violations
    assert result.ok is ok
    followed = RESTARTING if make is _PAUSE_RESTART else FACIAL
    report = cp.validate(followed, result)
    assert {(v.code, v.session) for v in report.errors} <= set(violations)


# ----------------------------------------------------- what each case pins


def test_booking_outside_its_window_keeps_its_date() -> None:
    """r01: the booked session 3 stays on 10 March, before its own window."""
    result = _booking_outside_window()
    third = result.sessions[2]
    assert (third.date, third.status) == (D(2027, 3, 10), "booked")
    assert third.date < third.window.earliest
    assert cp.validate(FACIAL, result).codes == ("interval-too-short",)


def test_booked_touch_up_stays_a_touch_up() -> None:
    """r03: the booked touch-up is not renumbered into the series, and nothing is added."""
    result = _all_booked()
    assert [(s.phase, s.date) for s in result.sessions] == [
        ("series", D(2027, 1, 5)),
        ("series", D(2027, 2, 9)),
        ("series", D(2027, 3, 16)),
        ("series", D(2027, 4, 20)),
        ("touch-up", D(2028, 4, 20)),
    ]
    assert cp.validate(FACIAL, result).ok


def test_visit_phase_is_read_in_that_phase() -> None:
    """A visit that says its phase is read in it, even where the dates suggest another."""
    series = [done(D(2026, 12, 1)), done(D(2027, 1, 5)), done(D(2027, 2, 9))]
    result = cp.plan(
        FACIAL, start=D(2027, 3, 1), history=[*series, booked(D(2028, 2, 9), "series")]
    )
    assert result.sessions[3].phase == "series"
    assert ("interval-too-long", 4) in _pairs(result)
    unlabelled = cp.plan(FACIAL, start=D(2027, 3, 1), history=[*series, booked(D(2028, 2, 9))])
    assert unlabelled.sessions[3].phase == "touch-up"  # read from the dates
    assert unlabelled.ok


def test_unknown_visit_phase_is_refused() -> None:
    """A visit's phase must be one of the protocol's phases; the error names the visit."""
    with pytest.raises(cp.InputError, match=r"history\[0\]\.phase: is 'serie'"):
        cp.plan(FACIAL, start=D(2027, 1, 1), history=[done(D(2026, 12, 1), "serie")])


def test_lead_in_tasks_of_a_re_planned_session_are_not_in_the_past() -> None:
    """r04: no planned session has a stop or start task before the day it was planned."""
    result = _replan_inside_lead_in()
    second = result.sessions[1]
    assert second.date == D(2027, 3, 18)
    tasks = [m for m in second.milestones if m.kind in ("stop", "start")]
    assert tasks and min(m.start for m in tasks) >= D(2027, 3, 13)
    lead_in = result.violations[0]
    assert "stop topical-retinoid" in lead_in.message
    assert lead_in.rule == "washouts[0]"


def test_lead_in_rescheduling_inside_the_window_is_silent() -> None:
    """A re-planned session whose window still has room after the lead-in moves quietly."""
    client = _tutorial_client()
    series = cp.plan(FACIAL, start=D(2026, 12, 1), sessions=4, client=client)
    visits = [done(D(2027, 2, 1))]
    result = cp.replan(series, visits, today=D(2027, 3, 2), client=client)
    assert result.sessions[1].date == D(2027, 3, 12)  # the wedding still blocks up to 11 March
    assert result.ok


def test_pause_plans_from_the_day_it_clears() -> None:
    """r14: pregnancy until 31 December puts the series on hold until 1 January."""
    screening = cp.screen(PREGNANT, FACIAL, on=D(2027, 3, 1))
    assert (screening.status, screening.earliest_start) == ("contraindicated", D(2028, 1, 1))
    original = cp.plan(FACIAL, start=D(2027, 1, 5), sessions=4)
    visits = [done(D(2027, 1, 5)), done(D(2027, 2, 9))]
    result = cp.replan(original, visits, today=D(2027, 3, 1), client=PREGNANT)
    assert result.sessions[2].date == D(2028, 1, 1)
    hold = result.violations[0]
    assert (hold.code, hold.date) == ("on-hold", D(2028, 1, 1))
    assert "pregnancy" in hold.message


def test_pause_without_an_end_still_refuses() -> None:
    """A contraindication with no known end refuses the plan, in progress or not."""
    open_ended = cp.Client(conditions=[cp.Condition("pregnancy", start=D(2027, 2, 20))])
    with pytest.raises(cp.PlanningError):
        cp.plan(FACIAL, start=D(2027, 3, 1), history=[done(D(2027, 1, 5))], client=open_ended)
    with pytest.raises(cp.PlanningError):  # a new series is refused whatever the end (ADR 2)
        cp.plan(FACIAL, start=D(2027, 3, 1), client=PREGNANT)


def test_grace_rescue_says_what_blocked_the_window() -> None:
    """r12: the warning names the closure, and validation agrees it is only a warning."""
    result = _grace_rescue()
    assert result.dates[1] == D(2027, 2, 1)
    assert "the clinic is closed" in result.violations[0].message
    assert cp.validate(FACIAL, result, clinic=REFURBISHING).codes == ("within-grace",)


def test_plan_remembers_the_count_and_lists_unplaced_sessions() -> None:
    """r06/U15: a short plan says what was asked for and shows the missing sessions."""
    short = cp.plan(FACIAL, start=D(2027, 5, 4), sessions=5, clinic=ENDING)
    assert short.requested_sessions == 5
    assert [s.phase for s in short.sessions] == ["series", "series"]
    assert [(u.number, u.phase) for u in short.unplaced] == [
        (3, "series"),
        (4, "series"),
        (5, "series"),
        (6, "touch-up"),
    ]
    assert short.unplaced[0].window == cp.Window(
        earliest=D(2027, 7, 6), target=D(2027, 7, 13), latest=D(2027, 7, 20)
    )
    assert short.unplaced[1].window.target == D(2027, 8, 17)  # nominal: from the target before
    assert not short.ok
    assert cp.from_json(cp.to_json(short)) == short
    again = _short_plan_replanned()
    assert again.requested_sessions == 5
    assert [s.phase for s in again.sessions].count("series") == 5


def test_requested_sessions_defaults_to_the_phase_default() -> None:
    """requested_sessions is sessions= or the counted phase's default; None without one."""
    assert cp.plan(FACIAL, start=D(2027, 1, 5)).requested_sessions == 3
    assert cp.plan(FACIAL, start=D(2027, 1, 5), sessions=6).requested_sessions == 6
    maintenance = cp.get_protocol("maintenance")
    assert cp.plan(maintenance, start=D(2027, 1, 5)).requested_sessions is None


# ------------------------------------------------------------ bad histories


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (
            lambda: cp.plan(FACIAL, start=D(2026, 12, 1), history=[done(D(2027, 1, 5))]),
            "history[0]",
        ),
        (
            lambda: cp.next_due(FACIAL, [done(D(2027, 2, 1))], today=D(2027, 1, 1)),
            "history[0]",
        ),
        (
            lambda: cp.replan(
                cp.plan(FACIAL, start=D(2026, 12, 1)),
                [done(D(2026, 12, 1)), done(D(2027, 2, 1))],
                today=D(2027, 1, 1),
            ),
            "visits[1]",
        ),
        (
            lambda: cp.replan(
                cp.plan(FACIAL, start=D(2027, 1, 20), history=[done(D(2027, 1, 5))]),
                [],
                today=D(2027, 1, 1),
            ),
            "plan.sessions[0]",
        ),
        (
            lambda: cp.plan(
                FACIAL, start=D(2027, 1, 1), history=[done(D(2026, 12, 1)), missed(D(2026, 12, 1))]
            ),
            "history[1]",
        ),
        (
            lambda: cp.plan(
                FACIAL,
                start=D(2027, 1, 1),
                history=[done(D(2026, 12, 1), "series"), done(D(2026, 12, 1), "touch-up")],
            ),
            "history[1]",
        ),
    ],
    ids=[
        "done after start",
        "next_due: done after today",
        "replan: done visit after today",
        "replan: the plan's done session after today",
        "done and missed on one day",
        "one day in two phases",
    ],
)
def test_impossible_histories_are_input_errors(call: Callable[[], object], path: str) -> None:
    """E7 and conflicting records: an InputError naming the visit, never a silent answer."""
    with pytest.raises(cp.InputError) as info:
        call()
    assert info.value.path == path


@pytest.mark.parametrize(
    ("records", "kept"),
    [
        (["done", "done"], "done"),
        (["booked", "done"], "done"),
        (["booked", "missed"], "missed"),
        (["cancelled", "missed", "cancelled"], "missed"),
    ],
)
def test_records_of_one_date_are_one_visit(records: list[str], kept: str) -> None:
    """Several records of one date count once, as the one that says most, with a warning."""
    visits = [cp.Visit(date=D(2026, 12, 1), status=s) for s in records]  # type: ignore[arg-type]
    result = cp.plan(FACIAL, start=D(2026, 12, 2), history=visits)
    counted = kept == "done"
    assert [s.status for s in result.sessions][:1] == (["done"] if counted else ["planned"])
    [warning] = [v for v in result.violations if v.code == "duplicate-visit"]
    assert f"as {kept}" in warning.message
    assert warning.session == (1 if counted else None)


# -------------------------------------------------------------- validation


def test_validate_reads_a_back_dated_date_as_one_problem() -> None:
    """U14: one misordered date is one not-chronological error, not two errors."""
    report = cp.validate(FACIAL, [D(2027, 1, 5), D(2026, 12, 1), D(2027, 2, 9)])
    assert _pairs(report) == [("not-chronological", 1)]
    assert [s.date for s in report.sessions] == [D(2026, 12, 1), D(2027, 1, 5), D(2027, 2, 9)]


def test_validate_sorts_visits_and_merges_duplicates() -> None:
    """Visits are records: their order means nothing, and one entered twice counts once."""
    visits = [done(D(2027, 1, 5)), done(D(2026, 12, 1)), done(D(2027, 1, 5))]
    report = cp.validate(FACIAL, visits)
    assert _pairs(report) == [("duplicate-visit", 2)]
    assert report.ok


def test_validate_keeps_planned_status_time_and_practitioner() -> None:
    """B11/D7: planned sessions are reported as planned, with their appointment."""
    k = clinic(days=("mon", "tue", "wed", "thu", "fri"))
    booked_plan = cp.plan(FACIAL, start=D(2027, 1, 20), history=[done(D(2026, 12, 14))], clinic=k)
    report = cp.validate(FACIAL, booked_plan)
    assert [s.status for s in report.sessions] == [s.status for s in booked_plan.sessions]
    assert [s.status for s in report.sessions][:2] == ["done", "planned"]
    assert [(s.start, s.practitioner, s.minutes) for s in report.sessions] == [
        (s.start, s.practitioner, s.minutes) for s in booked_plan.sessions
    ]
    dates = cp.validate(FACIAL, [D(2027, 1, 5), D(2027, 2, 9)])
    assert {s.status for s in dates.sessions} == {"planned"}


# ---------------------------------------------------------------- next_due


def test_next_due_counts_a_duplicate_once() -> None:
    """r02: the same done visit twice is one session; the warning says so."""
    due = cp.next_due(FACIAL, [done(D(2026, 12, 1))] * 2, today=D(2027, 1, 1))
    assert due.session == 2
    assert [v.code for v in due.violations] == ["duplicate-visit"]


@pytest.mark.parametrize(
    ("booking", "covered", "codes"),
    [
        (D(2027, 1, 5), True, []),
        (D(2026, 12, 27), True, ["within-grace"]),  # 2 days early, grace 2d
        (D(2027, 1, 20), False, ["interval-too-long"]),  # r15: 8 days past latest
        (D(2026, 12, 20), False, ["interval-too-short"]),
    ],
)
def test_next_due_booking_covers_only_inside_the_window(
    booking: dt.date, covered: bool, codes: list[str]
) -> None:
    """r15/B8: a booking outside the window does not cover the reminder, and says why."""
    due = cp.next_due(FACIAL, [done(D(2026, 12, 1)), booked(booking)], today=D(2026, 12, 15))
    assert due.booked == booking
    assert due.covered is covered
    assert [v.code for v in due.violations] == codes
    assert due.needs_booking is (due.status in ("due", "overdue") and not covered)


def test_next_due_takes_a_plan() -> None:
    """A plan gives next_due its protocol, its session count and its bookings."""
    original = cp.plan(FACIAL, start=D(2027, 1, 5), sessions=5)
    visits = [done(d) for d in original.dates[:3]]
    due = cp.next_due(original, visits, today=D(2027, 3, 20))
    assert (due.session, due.phase) == (4, "series")  # five were bought, not the default three
    with_booking = attrs.evolve(
        original,
        sessions=(
            *original.sessions[:3],
            attrs.evolve(original.sessions[3], status="booked"),
            *original.sessions[4:],
        ),
    )
    due = cp.next_due(with_booking, visits, today=D(2027, 3, 20))
    assert (due.booked, due.covered) == (original.dates[3], True)
    assert cp.next_due(FACIAL, visits, today=D(2027, 3, 20), plan=original).session == 4


def test_next_due_client_on_hold() -> None:
    """M11: a client on hold is not due; the resume date is given."""
    visits = [done(D(2027, 1, 5)), done(D(2027, 2, 9))]
    due = cp.next_due(FACIAL, visits, today=D(2027, 3, 1), client=PREGNANT)
    assert (due.status, due.resumes) == ("on-hold", D(2028, 1, 1))
    assert not due.needs_booking
    assert [v.code for v in due.violations] == ["on-hold"]
    clear = cp.next_due(FACIAL, visits, today=D(2028, 1, 2), client=PREGNANT)
    assert clear.status == "overdue"


def test_next_due_unconfirmed_booking() -> None:
    """A past booking nobody confirmed is not a session, and is flagged."""
    due = cp.next_due(FACIAL, [done(D(2026, 12, 1)), booked(D(2027, 1, 5))], today=D(2027, 1, 20))
    assert (due.session, due.status) == (2, "overdue")
    assert [v.code for v in due.violations] == ["unconfirmed-booking"]


# ------------------------------------------------------------------ events


def test_an_event_that_lasts_keeps_sessions_off_every_day() -> None:
    """M9: a holiday from 1 to 20 February is one event, not 20."""
    away = cp.Client(events=[cp.ClientEvent(D(2027, 2, 1), "holiday abroad", end=D(2027, 2, 20))])
    result = cp.plan(FACIAL, start=D(2027, 1, 5), client=away)
    assert result.dates[1] == D(2027, 2, 21)
    assert _pairs(result)[:2] == [("event-blackout", 2), ("interval-too-long", 2)]
    report = cp.validate(FACIAL, [D(2027, 1, 5), D(2027, 2, 10)], client=away)
    assert "from 2027-02-01 to 2027-02-20" in report.violations[0].message
    with pytest.raises(cp.ClientError, match="end: must not be before date"):
        cp.ClientEvent(D(2027, 2, 1), "trip", end=D(2027, 1, 31))


# -------------------------------------------------------------- the CLI


def _cli(capsys: pytest.CaptureFixture[str], command: str, *more: str) -> tuple[int, str]:
    status = cli.main([*command.split(), *more])
    out = capsys.readouterr()
    return status, out.out + out.err


def test_cli_plan_from_history_exits_as_validate(capsys: pytest.CaptureFixture[str]) -> None:
    """r01: a history that breaks a rule makes `plan` exit 1, naming the problem."""
    status, out = _cli(
        capsys,
        "plan facial-series --start 2027-01-20 --sessions 4 --done 2027-01-05"
        " --booked 2027-02-16 --booked 2027-03-10 --booked 2027-04-20",
    )
    assert status == 1
    assert "error [interval-too-short] session 3" in out


def test_cli_duplicate_and_future_done(capsys: pytest.CaptureFixture[str]) -> None:
    """r02/E7: a duplicate is counted once with a warning; a future done visit is exit 2."""
    status, out = _cli(
        capsys,
        "next-due facial-series --today 2027-01-01 --done 2026-12-01 --done 2026-12-01",
    )
    assert status == 0
    assert "session    2" in out
    assert "duplicate-visit" in out
    status, out = _cli(capsys, "plan facial-series --start 2026-12-01 --done 2027-01-05")
    assert status == 2
    assert "history[0]: is a done visit on 2027-01-05, after start" in out


def test_cli_next_due_booking_outside_and_on_hold(
    capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    """r15: the booking is marked not covered; --client puts a pregnant client on hold."""
    status, out = _cli(
        capsys,
        "next-due facial-series --today 2027-01-01 --done 2026-12-01 --booked 2027-01-20",
    )
    assert status == 0
    assert "2027-01-20 (outside the window: not covered)" in out
    assert "interval-too-long" in out
    import pathlib

    path = pathlib.Path(str(tmp_path)) / "preg.toml"
    path.write_text(
        'schema = 1\n[[conditions]]\nname = "pregnancy"\nstart = 2027-02-20\nend = 2027-12-31\n',
        encoding="utf-8",
    )
    status, out = _cli(
        capsys,
        "next-due facial-series --today 2027-03-01 --done 2027-01-05 --done 2027-02-09",
        "--client",
        str(path),
    )
    assert status == 0
    assert "on-hold" in out
    assert "resumes    2028-01-01" in out


# ------------------------------------------------------------- invariants


@settings(max_examples=150, deadline=None)
@given(case=living_cases(), strict=st.just(False))
def test_plan_from_history_agrees_with_validate(
    case: tuple[cp.Protocol, dt.date, list[cp.Visit], cp.Client | None, cp.Clinic | None],
    strict: bool,
) -> None:
    """plan(history=h).violations holds every error validate() finds in it, plan.ok never
    contradicts validate, and no planned session has a lead-in task before start."""
    p, start, history, client, k = case
    try:
        result = cp.plan(p, start=start, history=history, client=client, clinic=k)
    except cp.PlanningError:
        return  # a client refused outright (no known end): nothing to compare
    report = cp.validate(p, result, client=client, clinic=k)
    found = {(v.code, v.session) for v in result.violations}
    assert {(v.code, v.session) for v in report.errors} <= found
    if not report.ok:
        assert not result.ok
    entered = {(v.date, v.status) for v in history if v.status in ("done", "booked")}
    assert entered <= {(s.date, s.status) for s in result.sessions}  # nothing dropped
    for s in result.sessions:
        if s.status == "planned":
            assert s.date >= start
            assert all(m.start >= start for m in s.milestones), s


# ------------------------------------------------------------------ moves


def test_every_moved_session_says_why() -> None:
    """U8/M3: a session off its target names the rule it met there, inside its window or not."""
    wedding = _tutorial_client()
    planned = cp.plan(FACIAL, start=D(2026, 12, 1), sessions=4, client=wedding)
    [move] = planned.moves
    assert (move.session, move.target, move.date) == (2, D(2027, 3, 8), D(2027, 3, 12))
    assert (move.code, move.rule) == ("event-blackout", "session.event_buffer")
    assert "wedding" in move.reason
    assert planned.ok  # moving inside the window is no problem, only explained
    late = _replan_inside_lead_in()
    assert [(m.session, m.code, m.rule) for m in late.moves] == [(2, "lead-in", "washouts[0]")]
    assert cp.plan(FACIAL, start=D(2027, 1, 5)).moves == ()
    assert cp.from_json(cp.to_json(planned)) == planned


def test_a_booking_past_the_protocols_last_session_is_reported_not_a_crash() -> None:
    """Found by the history property: every session done and one more booked.

    The booking is kept, read as past the protocol's end (``too-many-sessions``,
    as ``validate`` reads it), instead of a ``KeyError`` from inside.
    """
    p = cp.parse_protocol(
        'schema = 1\nid = "short-series"\nname = "Short series"\nareas = ["face"]\n'
        '[[phases]]\nname = "series"\ninterval = { min = "1d", target = "1d", max = "1d" }\n'
        "sessions = { min = 1, max = 6 }\n"
    )
    first = dt.date(2023, 12, 27)
    done = [cp.Visit(date=first + dt.timedelta(days=i), status="done") for i in range(6)]
    booked = cp.Visit(date=dt.date(2024, 1, 2), status="booked")
    result = cp.plan(p, start=dt.date(2024, 1, 2), history=[*done, booked])
    assert booked.date in [s.date for s in result.sessions]
    report = cp.validate(p, [s.date for s in result.sessions if s.date <= booked.date])
    errors = {v.code for v in report.violations if v.severity == "error"}
    assert errors <= {v.code for v in result.violations}
