"""Screening a client for a protocol, and the milestones around a session."""

from __future__ import annotations

import datetime as dt
import re

import attrs
import pytest

import collagenplan as cp
from collagenplan.screening import milestones, pauses_between_sessions

D = dt.date
ON = D(2026, 12, 1)
FACIAL = cp.get_protocol("facial-series")
Med, Cond = cp.Medication, cp.Condition


CASES = [
    # (id, client, status, earliest_start, reason (code, subject) pairs)
    (
        "isotretinoin stopped on a month-end: 31 Aug + 6m clamps to 28 Feb",
        cp.Client(medications=[Med("isotretinoin", end=D(2026, 8, 31))]),
        "deferred",
        D(2027, 2, 28),
        [("washout", "isotretinoin")],
    ),
    (
        "isotretinoin stopped 1 Aug: + 6m",
        cp.Client(medications=[Med("isotretinoin", start=D(2026, 2, 1), end=D(2026, 8, 1))]),
        "deferred",
        D(2027, 2, 1),
        [("washout", "isotretinoin")],
    ),
    (
        "isotretinoin month-end into a leap February",
        cp.Client(medications=[Med("isotretinoin", end=D(2027, 8, 31))]),
        "deferred",
        D(2028, 2, 29),
        [("washout", "isotretinoin")],
    ),
    (
        "isotretinoin still ongoing",
        cp.Client(medications=[Med("isotretinoin", start=D(2026, 1, 10))]),
        "deferred",
        None,
        [("washout", "isotretinoin")],
    ),
    (
        "isotretinoin stopped long ago",
        cp.Client(medications=[Med("isotretinoin", end=D(2020, 1, 15))]),
        "eligible",
        ON,
        [],
    ),
    (
        "isotretinoin starting after the screened day does not defer the start",
        cp.Client(medications=[Med("isotretinoin", start=D(2027, 6, 1))]),
        "eligible",
        ON,
        [],
    ),
    (
        "topical retinoid ongoing: paused around each session, milestones only",
        cp.Client(medications=[Med("topical-retinoid")]),
        "eligible",
        ON,
        [],
    ),
    (
        "topical retinoid last used inside the washout",
        cp.Client(medications=[Med("topical-retinoid", end=D(2026, 11, 28))]),
        "deferred",
        D(2026, 12, 3),
        [("washout", "topical-retinoid")],
    ),
    (
        "topical retinoid last used exactly 5 days before",
        cp.Client(medications=[Med("topical-retinoid", end=D(2026, 11, 26))]),
        "eligible",
        ON,
        [],
    ),
    (
        "pregnancy",
        cp.Client(conditions=[Cond("pregnancy", start=D(2026, 9, 1))]),
        "contraindicated",
        None,
        [("contraindicated", "pregnancy")],
    ),
    (
        "pregnancy that ended before the screened day",
        cp.Client(conditions=[Cond("pregnancy", end=D(2026, 10, 1))]),
        "eligible",
        ON,
        [],
    ),
    (
        "pregnancy recorded from a later day",
        cp.Client(conditions=[Cond("pregnancy", start=D(2027, 1, 1))]),
        "eligible",
        ON,
        [],
    ),
    (
        "active chemotherapy",
        cp.Client(conditions=[Cond("active-chemotherapy")]),
        "contraindicated",
        None,
        [("contraindicated", "active-chemotherapy")],
    ),
    (
        "clearing does not lift an absolute contraindication",
        cp.Client(conditions=[Cond("pregnancy")], cleared=["pregnancy"]),
        "contraindicated",
        None,
        [("contraindicated", "pregnancy")],
    ),
    (
        "absolute outranks a deferral",
        cp.Client(
            conditions=[Cond("pregnancy")],
            medications=[Med("isotretinoin", end=D(2026, 8, 1))],
        ),
        "contraindicated",
        None,
        [("contraindicated", "pregnancy"), ("washout", "isotretinoin")],
    ),
    (
        "keloid tendency not cleared",
        cp.Client(conditions=[Cond("keloid-tendency")]),
        "review",
        ON,
        [("needs-review", "keloid-tendency")],
    ),
    (
        "keloid tendency cleared by a clinician",
        cp.Client(conditions=[Cond("keloid-tendency")], cleared=["keloid-tendency"]),
        "eligible",
        ON,
        [],
    ),
    (
        "anticoagulants recorded as a medication need review",
        cp.Client(medications=[Med("anticoagulants")]),
        "review",
        ON,
        [("needs-review", "anticoagulants")],
    ),
    (
        "eczema and rosacea, one cleared",
        cp.Client(conditions=[Cond("eczema"), Cond("rosacea")], cleared=["eczema"]),
        "review",
        ON,
        [("needs-review", "rosacea")],
    ),
    (
        "deferral outranks review",
        cp.Client(
            conditions=[Cond("psoriasis"), Cond("sunburn", end=D(2026, 12, 4))],
        ),
        "deferred",
        D(2026, 12, 5),
        [("deferred", "sunburn"), ("needs-review", "psoriasis")],
    ),
    (
        "cold-sore history: eligible with a precaution",
        cp.Client(conditions=[Cond("cold-sore-history")]),
        "eligible",
        ON,
        [],
    ),
    (
        "active cold sore ending on a known day",
        cp.Client(conditions=[Cond("active-cold-sore", end=D(2026, 12, 10))]),
        "deferred",
        D(2026, 12, 11),
        [("deferred", "active-cold-sore")],
    ),
    (
        "active infection with no end recorded",
        cp.Client(conditions=[Cond("active-infection", start=D(2026, 11, 20))]),
        "deferred",
        None,
        [("deferred", "active-infection")],
    ),
    (
        "two reasons: the later earliest start wins (washout later)",
        cp.Client(
            medications=[Med("isotretinoin", end=D(2026, 8, 1))],
            conditions=[Cond("active-cold-sore", end=D(2026, 12, 10))],
        ),
        "deferred",
        D(2027, 2, 1),
        [("deferred", "active-cold-sore"), ("washout", "isotretinoin")],
    ),
    (
        "two reasons: the later earliest start wins (condition later)",
        cp.Client(
            medications=[Med("topical-retinoid", end=D(2026, 11, 29))],
            conditions=[Cond("sunburn", end=D(2027, 1, 3))],
        ),
        "deferred",
        D(2027, 1, 4),
        [("deferred", "sunburn"), ("washout", "topical-retinoid")],
    ),
    (
        "a deferral that starts as another ends pushes the start on",
        cp.Client(
            conditions=[
                Cond("active-acne", end=D(2026, 12, 10)),
                Cond("sunburn", start=D(2026, 12, 8), end=D(2026, 12, 20)),
            ]
        ),
        "deferred",
        D(2026, 12, 21),
        [("deferred", "active-acne"), ("deferred", "sunburn")],
    ),
    (
        "a deferral that runs into an open-ended absolute contraindication has no start date",
        cp.Client(
            conditions=[
                Cond("active-acne", end=D(2026, 12, 10)),
                Cond("pregnancy", start=D(2026, 12, 5)),
            ]
        ),
        "deferred",
        None,
        [("deferred", "active-acne"), ("contraindicated", "pregnancy")],
    ),
    (
        "a deferral waits out an absolute contraindication with a known end",
        cp.Client(
            conditions=[
                Cond("active-acne", end=D(2026, 12, 10)),
                Cond("pregnancy", start=D(2026, 12, 5), end=D(2027, 6, 30)),
            ]
        ),
        "deferred",
        D(2027, 7, 1),
        [("deferred", "active-acne"), ("contraindicated", "pregnancy")],
    ),
    (
        "names the protocol does not know are ignored",
        cp.Client(
            conditions=[Cond("hay-fever")],
            medications=[Med("vitamin-c-serum")],
            procedures=[cp.Procedure("massage", ON)],
        ),
        "eligible",
        ON,
        [],
    ),
    (
        "events and procedures do not change the screening",
        cp.Client(
            events=[cp.ClientEvent(ON, "wedding")],
            procedures=[cp.Procedure("dermal-filler", D(2026, 11, 28))],
        ),
        "eligible",
        ON,
        [],
    ),
]


@pytest.mark.parametrize(
    ("client", "status", "earliest", "reasons"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_screening_table(
    client: cp.Client,
    status: str,
    earliest: dt.date | None,
    reasons: list[tuple[str, str]],
) -> None:
    """Each client case gets the expected status, earliest start and reasons."""
    result = cp.screen(client, FACIAL, on=ON)
    assert result.status == status
    assert result.earliest_start == earliest
    assert [(r.code, r.subject) for r in result.reasons] == reasons
    assert result.ok is (status in ("eligible", "review"))
    assert (result.on, result.protocol_id) == (ON, "facial-series")


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_every_reason_names_its_protocol_rule(case: tuple[object, ...]) -> None:
    """Every reason names, in its message too, the protocol rule about its subject."""
    client = case[1]
    assert isinstance(client, cp.Client)
    result = cp.screen(client, FACIAL, on=ON)
    for reason in result.reasons + result.precautions:
        match = re.fullmatch(r"(\w+)\[(\d+)\]", reason.rule)
        assert match, reason.rule
        rule = getattr(FACIAL, match.group(1))[int(match.group(2))]
        name = getattr(rule, "exposure", None) or getattr(rule, "condition", None)
        assert name == reason.subject
        assert f"({reason.rule})" in reason.message


def test_deferral_reasons_say_when_they_clear() -> None:
    """A deferring reason carries the first day it no longer applies, or None when open."""
    client = cp.Client(
        medications=[Med("isotretinoin", end=D(2026, 8, 1))],
        conditions=[Cond("active-infection")],
    )
    result = cp.screen(client, FACIAL, on=ON)
    assert {r.subject: r.clears_on for r in result.reasons} == {
        "active-infection": None,
        "isotretinoin": D(2027, 2, 1),
    }
    assert result.earliest_start is None
    assert "no start before 2027-02-01" in result.reasons[1].message


def test_cold_sore_precaution_listed() -> None:
    """A cold-sore history lists the antiviral precaution with its rule."""
    result = cp.screen(cp.Client(conditions=[Cond("cold-sore-history")]), FACIAL, on=ON)
    assert [(p.code, p.subject, p.action, p.rule) for p in result.precautions] == [
        ("precaution", "cold-sore-history", "antiviral-prophylaxis", "precautions[0]")
    ]
    assert result.reasons == ()


def test_precaution_only_while_condition_applies() -> None:
    """A precaution whose condition has ended is not listed."""
    client = cp.Client(conditions=[Cond("cold-sore-history", end=D(2020, 1, 1))])
    assert cp.screen(client, FACIAL, on=ON).precautions == ()


def test_screen_on_the_earliest_start_is_eligible() -> None:
    """Screening again on the earliest start date finds the client eligible."""
    client = cp.Client(medications=[Med("isotretinoin", end=D(2026, 8, 31))])
    first = cp.screen(client, FACIAL, on=ON).earliest_start
    assert first is not None
    assert cp.screen(client, FACIAL, on=first).status == "eligible"
    assert cp.screen(client, FACIAL, on=first - dt.timedelta(days=1)).status == "deferred"


@pytest.mark.parametrize(
    ("client", "protocol", "on", "path"),
    [
        ("client", FACIAL, ON, "client"),
        (cp.Client(), "facial-series", ON, "protocol"),
        (cp.Client(), FACIAL, "2026-12-01", "on"),
        (cp.Client(), FACIAL, dt.datetime(2026, 12, 1, 9), "on"),
    ],
)
def test_screen_bad_arguments(client: object, protocol: object, on: object, path: str) -> None:
    """Wrong argument types raise InputError naming the argument."""
    with pytest.raises(cp.InputError) as info:
        cp.screen(client, protocol, on=on)  # type: ignore[arg-type]
    assert info.value.path == path


@pytest.mark.parametrize(
    ("protocol_id", "exposure", "pauses"),
    [
        ("facial-series", "topical-retinoid", True),  # 5d + 7d < 4w
        ("facial-series", "benzoyl-peroxide", True),
        ("facial-series", "isotretinoin", False),  # 6m > 4w
        ("facial-series", "deliberate-tanning", False),  # 2w + 2w leaves no day of use
        ("maintenance", "deliberate-tanning", True),
        ("scalp-series", "topical-retinoid", False),  # 12 days > weekly sessions
        ("scalp-series", "alcohol", True),
    ],
)
def test_which_washouts_pause_between_sessions(
    protocol_id: str, exposure: str, pauses: bool
) -> None:
    """A washout pauses between sessions when before + after is shorter than every interval."""
    protocol = cp.get_protocol(protocol_id)
    washout = protocol.washout(exposure)
    assert washout is not None
    assert pauses_between_sessions(protocol, washout) is pauses


def test_ongoing_retinoid_defers_a_weekly_series() -> None:
    """Ongoing use of a washout that cannot pause between sessions defers with no date."""
    scalp = cp.get_protocol("scalp-series")
    client = cp.Client(medications=[Med("topical-retinoid")])
    result = cp.screen(client, scalp, on=ON)
    assert (result.status, result.earliest_start) == ("deferred", None)
    stopped = cp.Client(medications=[Med("topical-retinoid", end=D(2026, 12, 3))])
    assert cp.screen(stopped, scalp, on=ON).earliest_start == D(2026, 12, 8)


# ------------------------------------------------------------------ milestones


def _tasks(client: cp.Client, day: dt.date = ON) -> list[tuple[str, str, dt.date, dt.date | None]]:
    return [(m.kind, m.subject, m.start, m.end) for m in milestones(FACIAL, client, day)]


def test_ongoing_retinoid_gets_stop_and_resume() -> None:
    """An ongoing retinoid is stopped `before` ahead of the session and resumed `after` it."""
    found = milestones(FACIAL, cp.Client(medications=[Med("topical-retinoid")]), ON)
    washout = [m for m in found if m.kind in ("stop", "resume")]
    assert [(m.kind, m.subject, m.start, m.rule) for m in washout] == [
        ("stop", "topical-retinoid", D(2026, 11, 26), "washouts[0]"),
        ("resume", "topical-retinoid", D(2026, 12, 8), "washouts[0]"),
    ]


def test_before_only_washout_resumes_the_next_day() -> None:
    """A washout with no `after` resumes the day after the session."""
    tasks = _tasks(cp.Client(medications=[Med("benzoyl-peroxide")]))
    assert ("stop", "benzoyl-peroxide", D(2026, 11, 28), None) in tasks
    assert ("resume", "benzoyl-peroxide", D(2026, 12, 2), None) in tasks


@pytest.mark.parametrize(
    ("medication", "expected"),
    [
        (Med("topical-retinoid", end=D(2026, 11, 1)), False),  # stopped well before
        (Med("topical-retinoid", end=D(2026, 11, 26)), False),  # stopped exactly in time
        (Med("topical-retinoid", end=D(2026, 11, 27)), True),
        (Med("topical-retinoid", start=D(2026, 12, 8)), False),  # starts after the resume day
        (Med("topical-retinoid", start=D(2026, 12, 7)), True),
        (Med("topical-retinoid", start=D(2026, 10, 1), end=D(2027, 1, 31)), True),
        (Med("isotretinoin"), False),  # cannot pause between sessions: no milestones
    ],
)
def test_stop_resume_only_when_in_use_around_the_session(
    medication: cp.Medication, expected: bool
) -> None:
    """Stop/resume milestones appear only when the record covers part of the pause."""
    kinds = {k for k, *_ in _tasks(cp.Client(medications=[medication]))}
    assert ("stop" in kinds) is expected
    assert ("resume" in kinds) is expected


def test_cold_sore_history_gets_antiviral_start_and_end() -> None:
    """The antiviral starts `before` the session and ends `after` it."""
    found = milestones(FACIAL, cp.Client(conditions=[Cond("cold-sore-history")]), ON)
    antiviral = [m for m in found if m.subject == "antiviral-prophylaxis"]
    assert [(m.kind, m.start, m.rule) for m in antiviral] == [
        ("start", D(2026, 11, 29), "precautions[0]"),
        ("end", D(2026, 12, 3), "precautions[0]"),
    ]


def test_aftercare_for_every_client() -> None:
    """Every restriction runs from the session day to its end; hours round up to days."""
    found = milestones(FACIAL, cp.Client(), ON)
    assert {m.kind for m in found} == {"aftercare"}
    ends = {m.subject: m.end for m in found}
    assert ends["no-makeup"] == D(2026, 12, 2)
    assert ends["no-sauna"] == D(2026, 12, 3)
    assert ends["spf-daily"] == D(2026, 12, 15)
    assert len(found) == len(FACIAL.aftercare)
    assert all(m.start == ON and m.rule and m.note for m in found)


def test_milestones_in_date_order() -> None:
    """Milestones come sorted by their first day."""
    client = cp.Client(
        medications=[Med("topical-retinoid"), Med("nsaids")],
        conditions=[Cond("cold-sore-history")],
    )
    starts = [m.start for m in milestones(FACIAL, client, ON)]
    assert starts == sorted(starts)


def test_milestones_near_the_end_of_the_calendar() -> None:
    """Milestone dates saturate at the calendar's ends instead of raising."""
    day = dt.date.max - dt.timedelta(days=2)
    found = milestones(FACIAL, cp.Client(medications=[Med("topical-retinoid")]), day)
    assert max(m.end or m.start for m in found) == dt.date.max


def test_zero_washout_is_ignored() -> None:
    """A washout with neither before nor after never blocks and makes no milestone."""
    protocol = attrs.evolve(FACIAL, washouts=(cp.Washout(exposure="tea"),))
    client = cp.Client(medications=[Med("tea")])
    assert cp.screen(client, protocol, on=ON).status == "eligible"
    assert all(m.subject != "tea" for m in milestones(protocol, client, ON))


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (lambda: cp.Reason(code="maybe", subject="x", rule="washouts[0]", message="m"), "code"),
        (
            lambda: cp.Reason(
                code="washout", subject="x", rule="r", message="m", clears_on="2027-01-01"
            ),
            "clears_on",
        ),
        (
            lambda: cp.Screening(status="fine", protocol_id="p", on=ON, earliest_start=ON),
            "status",
        ),
        (
            lambda: cp.Screening(status="eligible", protocol_id="p", on=ON, reasons=["x"]),
            "reasons[0]",
        ),
    ],
)
def test_screening_values_validate(build: object, path: str) -> None:
    """Reason and Screening reject bad values with an InputError naming the field."""
    with pytest.raises(cp.InputError) as info:
        build()  # type: ignore[operator]
    assert info.value.path == path
