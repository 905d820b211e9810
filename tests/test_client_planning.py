"""Planning and validating calendars for a client."""

from __future__ import annotations

import datetime as dt

import pytest

import collagenplan as cp

D = dt.date
START = D(2026, 12, 1)
FACIAL = cp.get_protocol("facial-series")
Med, Cond = cp.Medication, cp.Condition
# Without a client the facial series from START is 2026-12-01, 2027-01-05,
# 2027-02-09 and a touch-up on 2028-02-09; session 2's window is
# 2026-12-29 .. 2027-01-05 .. 2027-01-12.
PLAIN = cp.plan(FACIAL, start=START)


def _plan(client: cp.Client, **kwargs: object) -> cp.Plan:
    return cp.plan(FACIAL, start=START, client=client, **kwargs)  # type: ignore[arg-type]


def test_plain_plan_is_what_the_comments_say() -> None:
    """The reference plan the other tests compare against."""
    assert PLAIN.dates == (D(2026, 12, 1), D(2027, 1, 5), D(2027, 2, 9), D(2028, 2, 9))


def test_no_session_before_the_earliest_start() -> None:
    """The first session waits for the screening's earliest start; the series follows it."""
    client = cp.Client(medications=[Med("isotretinoin", end=D(2026, 8, 31))])
    result = _plan(client)
    assert result.sessions[0].date == D(2027, 2, 28)
    assert result.sessions[0].window.earliest == D(2027, 2, 28)
    assert result.sessions[1].date == D(2027, 4, 4)
    assert result.start == START
    assert result.violations == ()


@pytest.mark.parametrize("strict", [False, True])
def test_contraindicated_client_raises(strict: bool) -> None:
    """A contraindicated client gets a PlanningError carrying the violation, strict or not."""
    client = cp.Client(conditions=[Cond("pregnancy")])
    with pytest.raises(cp.PlanningError, match="contraindicated") as info:
        _plan(client, strict=strict)
    [violation] = info.value.violations
    assert isinstance(violation, cp.Violation)
    assert (violation.code, violation.session, violation.rule) == (
        "contraindicated",
        1,
        "contraindications[0]",
    )


def test_open_ended_deferral_raises() -> None:
    """An ongoing washout with no stop date leaves no start date: PlanningError."""
    client = cp.Client(medications=[Med("isotretinoin")])
    with pytest.raises(cp.PlanningError, match="no known end") as info:
        _plan(client)
    assert [v.code for v in info.value.violations] == ["washout"]  # type: ignore[attr-defined]


def test_planning_error_leads_with_the_open_ended_reason() -> None:
    """When a deferral runs into an open-ended rule, the error names that rule."""
    client = cp.Client(
        conditions=[
            Cond("active-acne", end=D(2026, 12, 10)),
            Cond("pregnancy", start=D(2026, 12, 5)),
        ]
    )
    with pytest.raises(
        cp.PlanningError, match=r"no known end: pregnancy since 2026-12-05"
    ) as info:
        _plan(client)
    assert [v.code for v in info.value.violations] == ["deferred", "contraindicated"]  # type: ignore[attr-defined]


def test_ongoing_retinoid_keeps_spacing_and_adds_milestones() -> None:
    """An exposure paused around sessions adds stop/resume tasks; only the first session waits.

    It waits until its stop reminder can be acted on from the plan's start.
    """
    result = _plan(cp.Client(medications=[Med("topical-retinoid")]))
    shifted = cp.plan(FACIAL, start=START + dt.timedelta(days=5))
    assert result.dates == shifted.dates
    assert result.violations == ()
    for session in result.sessions:
        tasks = {(m.kind, m.subject): m.start for m in session.milestones}
        assert tasks[("stop", "topical-retinoid")] == session.date - dt.timedelta(days=5)
        assert tasks[("resume", "topical-retinoid")] == session.date + dt.timedelta(days=7)
        assert tasks[("aftercare", "no-makeup")] == session.date


def test_milestones_only_with_a_client() -> None:
    """Plans without a client carry no milestones; an empty client gets aftercare."""
    assert all(s.milestones == () for s in PLAIN.sessions)
    result = _plan(cp.Client())
    assert all({m.kind for m in s.milestones} == {"aftercare"} for s in result.sessions)


def test_cold_sore_history_adds_antiviral_milestones() -> None:
    """Each session of a client with a cold-sore history has antiviral start and end."""
    result = _plan(cp.Client(conditions=[Cond("cold-sore-history")]))
    for s in result.sessions:
        kinds = [(m.kind, m.start) for m in s.milestones if m.subject == "antiviral-prophylaxis"]
        assert kinds == [
            ("start", s.date - dt.timedelta(days=2)),
            ("end", s.date + dt.timedelta(days=2)),
        ]


@pytest.mark.parametrize("cleared", [False, True])
def test_keloid_tendency_warns_unless_cleared(cleared: bool) -> None:
    """An uncleared relative contraindication is one needs-review warning; cleared, none."""
    client = cp.Client(
        conditions=[Cond("keloid-tendency")], cleared=["keloid-tendency"] if cleared else []
    )
    result = _plan(client)
    assert result.ok
    assert result.dates == PLAIN.dates
    expected = [] if cleared else [("needs-review", "warning", 1, "contraindications[5]")]
    assert [(p.code, p.severity, p.session, p.rule) for p in result.violations] == expected


def test_wedding_three_days_after_the_target() -> None:
    """Session 2 moves off a wedding 3 days after its target (to the day after the wedding)."""
    client = cp.Client(events=[cp.ClientEvent(D(2027, 1, 8), "wedding")])
    result = _plan(client)
    assert result.sessions[1].date == D(2027, 1, 9)
    assert result.violations == ()
    report = cp.validate(FACIAL, PLAIN.dates[:2], client=client)
    [violation] = report.violations
    assert (violation.code, violation.session, violation.rule) == (
        "event-blackout",
        2,
        "session.event_buffer",
    )
    assert "wedding" in violation.message
    assert "2027-01-08" in violation.message


def test_event_buffer_defaults_to_downtime() -> None:
    """Without an event_buffer the blackout is downtime + downtime."""
    import attrs

    protocol = attrs.evolve(
        FACIAL, session=attrs.evolve(FACIAL.session, event_buffer=None)
    )  # 3d + 3d
    for gap, blocked in [(5, True), (6, False), (0, True), (-1, False)]:
        client = cp.Client(events=[cp.ClientEvent(START + dt.timedelta(days=gap), "party")])
        report = cp.validate(protocol, [START], client=client)
        assert (report.codes == ("event-blackout",)) is blocked, gap


def test_events_filling_a_window_are_an_event_blackout() -> None:
    """When events block the whole window the session goes after it with event-blackout."""
    client = cp.Client(
        events=[cp.ClientEvent(D(2027, 1, 3), "party"), cp.ClientEvent(D(2027, 1, 12), "trip")]
    )
    result = _plan(client)
    # Why it moved, and the interval rule the late date breaks (as validate says).
    assert [(p.code, p.session) for p in result.violations] == [
        ("event-blackout", 2),
        ("interval-too-long", 2),
    ]
    assert result.violations[0].rule == "session.event_buffer"
    assert result.sessions[1].date == D(2027, 1, 13)


def test_filler_five_days_before_a_session() -> None:
    """A filler 5 days before session 2's target leaves no room: procedure-spacing."""
    client = cp.Client(procedures=[cp.Procedure("dermal-filler", D(2026, 12, 31))])
    result = _plan(client)
    problem, late = result.violations
    assert (problem.code, problem.session, problem.rule) == ("procedure-spacing", 2, "spacing[1]")
    assert (late.code, late.session) == ("interval-too-long", 2)  # what validate reports
    assert result.sessions[1].date == D(2027, 1, 14)  # 2 weeks after the filler
    with pytest.raises(cp.PlanningError):
        _plan(client, strict=True)
    report = cp.validate(FACIAL, PLAIN.dates[:2], client=client)
    assert [(v.code, v.session, v.rule) for v in report.violations] == [
        ("procedure-spacing", 2, "spacing[1]")
    ]


def test_waxing_moves_the_session_within_its_window() -> None:
    """Waxing 2 days before the target moves session 2 to the first day the spacing allows."""
    client = cp.Client(procedures=[cp.Procedure("waxing", D(2027, 1, 3))])
    result = _plan(client)
    assert result.sessions[1].date == D(2027, 1, 6)
    assert result.violations == ()


def test_temporary_condition_mid_series_moves_a_session() -> None:
    """A sunburn over session 2's target moves it to the nearest clear day."""
    client = cp.Client(conditions=[Cond("sunburn", start=D(2027, 1, 1), end=D(2027, 1, 10))])
    result = _plan(client)
    assert result.sessions[1].date == D(2026, 12, 31)
    assert result.violations == ()


def test_absolute_condition_later_stops_the_series() -> None:
    """A pregnancy starting mid-series leaves later sessions with no date: contraindicated."""
    client = cp.Client(conditions=[Cond("pregnancy", start=D(2026, 12, 20))])
    result = _plan(client)
    assert result.dates == (START,)
    assert [(p.code, p.session, p.date) for p in result.violations] == [
        ("contraindicated", 2, None)
    ]


def test_problems_in_session_order() -> None:
    """Plan problems are ordered by session, warnings included."""
    client = cp.Client(
        conditions=[Cond("rosacea", start=D(2027, 2, 1))],
        procedures=[cp.Procedure("dermal-filler", D(2026, 12, 31))],
    )
    result = _plan(client)
    assert [(p.code, p.session) for p in result.violations] == [
        ("procedure-spacing", 2),
        ("interval-too-long", 2),
        ("needs-review", 3),
    ]


def test_plan_rejects_a_non_client() -> None:
    """A client that is not a Client is an InputError."""
    with pytest.raises(cp.InputError, match="must be a Client"):
        _plan({"conditions": []})  # type: ignore[arg-type]


# ------------------------------------------------------------------ validate


@pytest.mark.parametrize(
    ("medication", "dates", "expected"),
    [
        # used inside the 5 days before session 1
        (Med("topical-retinoid", start=D(2026, 11, 28), end=D(2026, 11, 28)), [START], [1]),
        # resumed 3 days after session 1 (needs 7)
        (Med("topical-retinoid", start=D(2026, 12, 4)), [START], [1]),
        # ongoing, paused around sessions by milestones
        (Med("topical-retinoid"), [START, D(2027, 1, 5)], []),
        # a course through the series, paused around each session
        (Med("topical-retinoid", start=D(2026, 6, 1), end=D(2027, 6, 1)), [START], []),
        # stopped exactly 5 days ahead
        (Med("topical-retinoid", end=D(2026, 11, 26)), [START], []),
        # isotretinoin until 31 Aug: 28 Feb is the first allowed day
        (Med("isotretinoin", end=D(2026, 8, 31)), [D(2027, 2, 27)], [1]),
        (Med("isotretinoin", end=D(2026, 8, 31)), [D(2027, 2, 28)], []),
        # isotretinoin course started between sessions 1 and 2
        (Med("isotretinoin", start=D(2026, 12, 20)), [START, D(2027, 1, 5)], [2]),
    ],
)
def test_washout_violations(
    medication: cp.Medication, dates: list[dt.date], expected: list[int]
) -> None:
    """A recorded exposure inside a session's washout is a `washout` error on that session."""
    report = cp.validate(FACIAL, dates, client=cp.Client(medications=[medication]))
    washouts = [v for v in report.violations if v.code == "washout"]
    assert [v.session for v in washouts] == expected
    assert all(v.rule and v.rule.startswith("washouts[") for v in washouts)
    assert all(v.severity == "error" and v.date == dates[v.session - 1] for v in washouts)  # type: ignore[operator]


def test_condition_violations_per_session() -> None:
    """Absolute, temporary and relative conditions are reported on the sessions they touch.

    Within a session, violations follow the protocol's rule order.
    """
    client = cp.Client(
        conditions=[
            Cond("active-cold-sore", end=D(2026, 12, 2)),
            Cond("pregnancy", start=D(2027, 2, 1)),
            Cond("eczema"),
        ]
    )
    report = cp.validate(FACIAL, PLAIN.dates[:3], client=client)
    assert [(v.code, v.session, v.severity, v.rule) for v in report.violations] == [
        ("needs-review", 1, "warning", "contraindications[6]"),
        ("deferred", 1, "error", "contraindications[16]"),
        ("contraindicated", 3, "error", "contraindications[0]"),
    ]


def test_violations_stay_in_session_order() -> None:
    """Client violations interleave with interval violations by session."""
    client = cp.Client(events=[cp.ClientEvent(D(2026, 12, 2), "gala")])
    report = cp.validate(FACIAL, [START, D(2026, 12, 10)], client=client, complete=True)
    assert [(v.code, v.session) for v in report.violations] == [
        ("event-blackout", 1),
        ("interval-too-short", 2),
        ("too-few-sessions", None),
    ]


def test_one_session_can_break_several_rules() -> None:
    """Every rule a session breaks is reported, each with its own rule path."""
    client = cp.Client(
        events=[cp.ClientEvent(D(2026, 12, 3), "gala")],
        procedures=[cp.Procedure("laser", D(2026, 11, 25))],
        medications=[Med("nsaids", end=D(2026, 11, 30))],
    )
    report = cp.validate(FACIAL, [START], client=client)
    assert sorted((v.code, v.rule) for v in report.violations) == [
        ("event-blackout", "session.event_buffer"),
        ("procedure-spacing", "spacing[3]"),
        ("washout", "washouts[4]"),
    ]


def test_validate_visits_with_a_client() -> None:
    """Missed visits are skipped; booked and done ones are checked against the client."""
    client = cp.Client(events=[cp.ClientEvent(D(2027, 1, 6), "gala")])
    visits = [
        cp.Visit(date=START),
        cp.Visit(date=D(2027, 1, 2), status="missed"),
        cp.Visit(date=D(2027, 1, 5), status="booked"),
    ]
    report = cp.validate(FACIAL, visits, client=client)
    assert [(v.code, v.session) for v in report.violations] == [("event-blackout", 2)]


def test_validate_rejects_a_non_client() -> None:
    """A client that is not a Client is an InputError, even for an empty calendar."""
    with pytest.raises(cp.InputError, match="must be a Client"):
        cp.validate(FACIAL, [], client="client.toml")  # type: ignore[arg-type]


def test_first_session_waits_for_antiviral_lead_in() -> None:
    """No lead-in task of a new plan is dated before its start."""
    result = _plan(cp.Client(conditions=[Cond("cold-sore-history")]))
    first = result.sessions[0]
    starts = [m.start for m in first.milestones if m.kind in ("start", "stop")]
    assert starts
    assert min(starts) == START
    assert first.date == START + dt.timedelta(days=2)


def test_lead_in_check_counts_month_ends() -> None:
    """A prophylaxis 1m27d ahead of a session on 31 Mar starts 31 Jan (28 Feb - 28 days):
    before a plan made on 1 Feb, so that day is refused (``lead-in``), not skipped as
    "far enough from start" (found by the lead-in bound property, issue 16)."""
    duration = cp.Duration

    def phase(name: str) -> cp.Phase:
        one = duration(days=1)
        return cp.Phase(
            name=name,
            interval=cp.Interval(min=one, target=one, max=one),
            sessions=cp.SessionCount(min=1, max=1, default=1),
        )

    protocol = cp.Protocol(
        id="lead-in-months",
        name="Lead-in over a month end",
        phases=(phase("a"), phase("b")),
        session=cp.SessionSpec(chair_minutes=30, downtime=duration()),
        precautions=(
            cp.Precaution(
                condition="cold-sore-history", action="antiviral", before=duration.parse("1m27d1h")
            ),
        ),
    )
    client = cp.Client(conditions=[cp.Condition("cold-sore-history")])
    start = dt.date(2027, 2, 1)
    booked = cp.Visit(date=dt.date(2027, 3, 30), status="booked", phase="a")
    result = cp.plan(protocol, start=start, client=client, history=[booked])
    assert result.dates[1] == dt.date(2027, 4, 1)
    assert "lead-in" in result.codes
    new = result.sessions[1]
    assert min(m.start for m in new.milestones if m.kind == "start") >= start
