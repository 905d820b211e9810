"""Living calendars: history, re-planning, late policies and what is due next."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import collagenplan as cp
from tests.strategies import clinic, clinics, protocol, protocols, start_dates

D = dt.date
FACIAL = cp.get_protocol("facial-series")
RESTART = 'policy = "restart"\nrestart_after = "10w"'
done, missed, booked = (
    lambda d: cp.Visit(date=d, status="done"),
    lambda d: cp.Visit(date=d, status="missed"),
    lambda d: cp.Visit(date=d, status="booked"),
)


def test_history_is_kept_and_the_rest_re_anchored() -> None:
    """Done visits stay as they were; the next window starts from the last done one."""
    history = [done(D(2026, 12, 1)), done(D(2026, 12, 30))]
    result = cp.plan(FACIAL, start=D(2027, 1, 10), history=history)
    assert [(s.date, s.status) for s in result.sessions[:2]] == [
        (D(2026, 12, 1), "done"),
        (D(2026, 12, 30), "done"),
    ]
    third = result.sessions[2]
    assert third.status == "planned"
    assert third.window.earliest == D(2027, 1, 27)  # 2026-12-30 + 4w
    assert third.date == D(2027, 2, 3)  # + 5w
    assert [s.phase for s in result.sessions] == ["series", "series", "series", "touch-up"]
    assert result.violations == ()
    assert cp.validate(FACIAL, result).ok


def test_missed_session_then_replan() -> None:
    """A missed session is not a session: the rest is planned again from today."""
    original = cp.plan(FACIAL, start=D(2026, 12, 1))
    assert original.dates[:2] == (D(2026, 12, 1), D(2027, 1, 5))
    visits = [done(D(2026, 12, 1)), missed(D(2027, 1, 5))]
    again = cp.replan(original, visits, today=D(2027, 1, 8))
    assert [s.status for s in again.sessions] == ["done", "planned", "planned", "planned"]
    second = again.sessions[1]
    assert second.window.target == D(2027, 1, 5)  # still anchored on the done session
    assert second.date == D(2027, 1, 8)  # the nearest date to the target from today
    assert again.violations == ()
    assert len(again.sessions) == len(original.sessions)


def test_replan_keeps_the_session_count_and_horizon() -> None:
    """A 5-session plan stays a 5-session plan; the horizon carries over."""
    original = cp.plan(FACIAL, start=D(2026, 12, 1), sessions=5, horizon=D(2030, 6, 1))
    again = cp.replan(original, [done(D(2026, 12, 1))], today=D(2026, 12, 20))
    series = [s for s in again.sessions if s.phase == "series"]
    assert len(series) == 5
    assert again.horizon == D(2030, 6, 1)
    assert again.sessions[-1].date <= D(2030, 6, 1)


def test_replan_visit_overrides_the_plans_own_record() -> None:
    """A booked session later reported missed is dropped from the history."""
    first = cp.plan(FACIAL, start=D(2027, 1, 10), history=[done(D(2026, 12, 1))])
    with_booking = cp.plan(
        FACIAL, start=D(2027, 1, 3), history=[done(D(2026, 12, 1)), booked(D(2027, 1, 5))]
    )
    assert with_booking.sessions[1].status == "booked"
    again = cp.replan(with_booking, [missed(D(2027, 1, 5))], today=D(2027, 1, 10))
    assert [s.status for s in again.sessions[:2]] == ["done", "planned"]
    assert again.dates == first.dates


def test_booked_visits_are_fixed_and_anchor_the_rest() -> None:
    """A booked future visit stays where it is and the next window follows it."""
    history = [done(D(2026, 12, 1)), booked(D(2027, 1, 12))]
    result = cp.plan(FACIAL, start=D(2027, 1, 1), history=history)
    assert result.sessions[1].status == "booked"
    assert result.sessions[1].date == D(2027, 1, 12)
    assert result.sessions[2].window.target == D(2027, 2, 16)  # 2027-01-12 + 5w
    stale = cp.plan(FACIAL, start=D(2027, 1, 20), history=history)
    assert [s.status for s in stale.sessions[:2]] == ["done", "planned"]


def test_extra_done_sessions_move_on_to_the_next_phase() -> None:
    """With the series' planned count done, the next session is the touch-up."""
    history = [done(D(2026, 12, 1)), done(D(2027, 1, 5)), done(D(2027, 2, 9))]
    result = cp.plan(FACIAL, start=D(2027, 2, 10), history=history)
    assert [s.phase for s in result.sessions] == ["series"] * 3 + ["touch-up"]
    assert result.sessions[3].window.target == D(2028, 2, 9)


def test_done_touch_up_brings_the_next_one() -> None:
    """With no horizon, the repeating phase is planned once after the history."""
    history = [done(d) for d in (D(2026, 12, 1), D(2027, 1, 5), D(2027, 2, 9), D(2028, 2, 9))]
    result = cp.plan(FACIAL, start=D(2028, 3, 1), history=history)
    assert [s.phase for s in result.sessions[3:]] == ["touch-up", "touch-up"]
    assert result.sessions[4].window.target == D(2029, 2, 9)


def test_series_only_protocol_complete_history_plans_nothing_more() -> None:
    """A finished fixed course has nothing left to plan."""
    scalp = cp.get_protocol("scalp-series")
    course = cp.plan(scalp, start=D(2027, 1, 4))
    history = [done(d) for d in course.dates]
    again = cp.plan(scalp, start=D(2027, 6, 1), history=history)
    assert again.dates == course.dates
    assert {s.status for s in again.sessions} == {"done"}


# --------------------------------------------------------------- late policy


def test_gap_beyond_max_continue_policy() -> None:
    """continue: the late session goes on the first allowed date and is flagged."""
    p = protocol(sessions=3)
    history = [done(D(2027, 1, 4))]
    result = cp.plan(p, start=D(2027, 4, 1), history=history)  # window closed on 2027-02-15
    assert [s.phase for s in result.sessions] == ["series"] * 3
    late = result.sessions[1]
    assert late.date == D(2027, 4, 1)
    assert [(v.code, v.session) for v in result.violations] == [("interval-too-long", 2)]
    assert "late" in result.violations[0].message
    assert result.sessions[2].window.earliest == D(2027, 4, 29)  # re-anchored on the late one
    report = cp.validate(p, result)
    assert report.codes == ("interval-too-long",)


def test_gap_beyond_max_restart_policy() -> None:
    """restart: past restart_after, the series starts again from its first session."""
    p = protocol(sessions=3, late=RESTART)
    history = [done(D(2027, 1, 4)), done(D(2027, 2, 8))]
    result = cp.plan(p, start=D(2027, 6, 1), history=history)
    assert [s.status for s in result.sessions] == ["done", "done"] + ["planned"] * 3
    restarted = result.sessions[2]
    assert restarted.date == D(2027, 6, 1)
    assert restarted.window.latest is None  # a fresh series start
    assert [(v.code, v.severity, v.session) for v in result.violations] == [
        ("series-restarted", "warning", 3)
    ]
    assert result.ok
    report = cp.validate(p, result, complete=True)
    assert report.codes == ("series-restarted",)
    assert report.ok


def test_restart_policy_within_the_limit_continues() -> None:
    """restart: a late gap shorter than restart_after is flagged like continue."""
    p = protocol(sessions=3, late=RESTART)
    result = cp.plan(p, start=D(2027, 3, 1), history=[done(D(2027, 1, 4))])  # 8 weeks
    assert [v.code for v in result.violations] == ["interval-too-long"]
    assert len(result.sessions) == 3


@pytest.mark.parametrize(
    ("late", "codes", "ok"),
    [
        ("", ("interval-too-long",), False),
        (RESTART, ("series-restarted",), True),
    ],
)
def test_validate_honours_the_late_policy(late: str, codes: tuple[str, ...], ok: bool) -> None:
    """A 20-week gap is an error under continue and a restart under restart."""
    p = protocol(sessions=3, late=late)
    dates = [D(2027, 1, 4), D(2027, 2, 8), D(2027, 6, 28), D(2027, 8, 2), D(2027, 9, 6)]
    report = cp.validate(p, dates, complete=True)
    assert report.codes == codes
    assert report.ok is ok


def test_validate_restart_counts_only_the_new_series_when_complete() -> None:
    """After a restart, a complete calendar needs the whole series again."""
    loose = protocol(sessions=3, late=RESTART)
    series = attrs.evolve(loose.phases[0], sessions=cp.SessionCount(min=3, max=6, default=3))
    strict = attrs.evolve(loose, phases=(series,))
    dates = [D(2027, 1, 4), D(2027, 2, 8), D(2027, 3, 15), D(2027, 9, 6)]
    report = cp.validate(strict, dates, complete=True)
    assert report.codes == ("series-restarted", "too-few-sessions")


# ------------------------------------------------------------------ next_due


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (D(2027, 1, 20), "not-yet-due"),
        (D(2027, 1, 26), "due"),  # earliest: 2026-12-29 + 4w
        (D(2027, 2, 9), "due"),  # latest
        (D(2027, 2, 10), "overdue"),
    ],
)
def test_next_due_statuses(today: dt.date, status: str) -> None:
    """next_due reports not-yet-due, due and overdue against the window."""
    history = [done(D(2026, 11, 24)), done(D(2026, 12, 29)), missed(D(2027, 2, 2))]
    due = cp.next_due(FACIAL, history, today=today)
    assert due.status == status
    assert due.session == 3
    assert due.phase == "series"
    assert (due.earliest, due.target, due.latest) == (D(2027, 1, 26), D(2027, 2, 2), D(2027, 2, 9))
    assert due.last_done == D(2026, 12, 29)
    assert not due.restart


def test_next_due_complete() -> None:
    """A finished fixed course is complete, with no dates."""
    scalp = cp.get_protocol("scalp-series")
    history = [done(d) for d in cp.plan(scalp, start=D(2027, 1, 4)).dates]
    due = cp.next_due(scalp, history, today=D(2027, 6, 1))
    assert due.status == "complete"
    assert (due.session, due.earliest, due.target, due.latest) == (None, None, None, None)


def test_next_due_first_session_and_touch_up() -> None:
    """No history means due now; a finished series leads to the touch-up window."""
    first = cp.next_due(FACIAL, [], today=D(2027, 1, 1))
    assert (first.status, first.session, first.earliest, first.latest) == (
        "due",
        1,
        D(2027, 1, 1),
        None,
    )
    series = [done(D(2026, 12, 1)), done(D(2027, 1, 5)), done(D(2027, 2, 9))]
    touch = cp.next_due(FACIAL, series, today=D(2027, 6, 1))
    assert (touch.status, touch.phase, touch.target) == ("not-yet-due", "touch-up", D(2028, 2, 9))
    more = cp.next_due(FACIAL, series, today=D(2027, 6, 1), sessions=4)
    assert (more.phase, more.target) == ("series", D(2027, 3, 16))


def test_next_due_booked_and_restart() -> None:
    """A booked visit is reported; an overdue series under restart says it restarts."""
    p = protocol(sessions=3, late=RESTART)
    history = [done(D(2027, 1, 4)), booked(D(2027, 7, 1)), booked(D(2027, 1, 10))]
    due = cp.next_due(p, history, today=D(2027, 6, 1))
    assert due.status == "overdue"
    assert due.booked == D(2027, 7, 1)
    assert due.restart
    assert due.phase == "series"
    assert not cp.next_due(p, history, today=D(2027, 2, 20)).restart  # late, within 10w


# ------------------------------------------------------------------- errors


def test_history_must_be_visits() -> None:
    """history holds Visit records; anything else names its index."""
    with pytest.raises(cp.InputError, match=r"history\[1\]: must be a Visit"):
        cp.plan(FACIAL, start=D(2027, 1, 1), history=[done(D(2026, 12, 1)), D(2026, 12, 2)])
    with pytest.raises(cp.InputError, match="history: must be a sequence"):
        cp.next_due(FACIAL, "2026-12-01", today=D(2027, 1, 1))  # type: ignore[arg-type]


def test_replan_needs_the_custom_protocol() -> None:
    """A plan from a custom protocol needs that protocol to be re-planned."""
    p = protocol()
    original = cp.plan(p, start=D(2027, 1, 4))
    with pytest.raises(cp.UnknownProtocolError):
        cp.replan(original, [], today=D(2027, 1, 5))
    with pytest.raises(cp.InputError, match="protocol: is 'facial-series'"):
        cp.replan(original, [], today=D(2027, 1, 5), protocol=FACIAL)
    assert cp.replan(original, [done(D(2027, 1, 4))], today=D(2027, 1, 5), protocol=p).dates == (
        original.dates
    )


# -------------------------------------------------------------- invariants


@settings(max_examples=80, deadline=None)
@given(start=start_dates, data=st.data())
def test_replanning_a_followed_plan_changes_nothing(start: dt.date, data: st.DataObject) -> None:
    """When sessions happened as planned, re-planning the next day gives the same dates."""
    p = data.draw(protocols(months=False, late=True))
    k = data.draw(clinics(start))
    original = cp.plan(p, start=start, clinic=k)
    if not original.sessions or not original.ok:
        return
    # With no horizon a repeating phase is planned once after the history, so a
    # done touch-up would rightly bring the next one: keep one planned if it repeats.
    last = len(original.sessions) - (1 if p.repeating and len(original.sessions) > 1 else 0)
    upto = data.draw(st.integers(1, last))
    visits = [done(d) for d in original.dates[:upto]]
    today = original.dates[upto - 1] + dt.timedelta(days=1)
    again = cp.replan(original, visits, today=today, protocol=p, clinic=k)
    assert again.dates == original.dates
    assert [s.status for s in again.sessions][:upto] == ["done"] * upto
    assert again.sessions[upto:] == original.sessions[upto:]


def test_clinic_applies_to_re_planned_sessions() -> None:
    """Re-planned sessions respect the clinic and get times; history sessions do not."""
    k = clinic(days=("tue", "wed", "thu"))
    result = cp.plan(FACIAL, start=D(2027, 1, 9), history=[done(D(2026, 12, 5))], clinic=k)
    assert result.sessions[0].start is None
    assert all(d.weekday() in (1, 2, 3) for d in result.dates[1:])
    assert all(s.start is not None for s in result.sessions[1:])
