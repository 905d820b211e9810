"""Several plans for one client: same-day combinations and spacing across treatments."""

from __future__ import annotations

import datetime as dt

import pytest

import collagenplan as cp
from tests.strategies import clinic, protocol

D = dt.date
FACIAL = cp.get_protocol("facial-series")
SCALP = cp.get_protocol("scalp-series")
BODY = cp.get_protocol("body-series")
MAINTENANCE = cp.get_protocol("maintenance")


def test_face_and_scalp_may_share_days() -> None:
    """Both allow same-day combination and treat different areas: no conflict."""
    face = cp.plan(FACIAL, start=D(2027, 1, 5))
    scalp = cp.plan(SCALP, start=D(2027, 1, 5))
    report = cp.validate_together({FACIAL: face, SCALP: scalp})
    assert report.conflicts == ()
    assert report.ok
    assert report["facial-series"].ok
    assert report["scalp-series"].ok
    assert [key for key, _ in report] == ["facial-series", "scalp-series"]


def test_same_day_refused_when_one_protocol_forbids_it() -> None:
    """A protocol with combine_same_day = false may not share a day."""
    solo = protocol(id="peel-series", areas=("hands",), combine_same_day=False)
    report = cp.validate_together([(FACIAL, [D(2027, 1, 5)]), (solo, [D(2027, 1, 5)])])
    assert [c.violation.code for c in report.conflicts] == ["same-day-duplicate"]
    conflict = report.conflicts[0]
    assert conflict.violation.rule == "peel-series: session.combine_same_day"
    assert {conflict.protocol, conflict.other_protocol} == {"facial-series", "peel-series"}
    assert not report.ok


def test_shared_area_keeps_the_earlier_sessions_healing_interval() -> None:
    """Face maintenance two weeks after a face series session breaks the 4-week minimum."""
    report = cp.validate_together({FACIAL: [D(2027, 1, 5)], MAINTENANCE: [D(2027, 1, 19)]})
    [conflict] = report.conflicts
    v = conflict.violation
    assert (v.code, v.session, v.date, v.gap_days) == ("procedure-spacing", 1, D(2027, 1, 19), 14)
    assert conflict.protocol == "maintenance"
    assert (conflict.other_protocol, conflict.other_session) == ("facial-series", 1)
    assert v.rule == "facial-series: phases[0].interval.min"
    assert "face, neck" in v.message


def test_shared_area_far_enough_apart_is_fine() -> None:
    """Five weeks after a facial session, face maintenance may go ahead."""
    report = cp.validate_together({FACIAL: [D(2027, 1, 5)], MAINTENANCE: [D(2027, 2, 9)]})
    assert report.conflicts == ()


def test_same_day_on_a_shared_area_is_a_spacing_problem() -> None:
    """Combining allowed treatments on the same skin the same day is still too close."""
    neck = protocol(id="neck-series", areas=("neck",), combine_same_day=True)
    report = cp.validate_together({FACIAL: [D(2027, 1, 5)], neck: [D(2027, 1, 5)]})
    assert [c.violation.code for c in report.conflicts] == ["procedure-spacing"]


def test_explicit_spacing_rule_between_protocols() -> None:
    """A protocol's [[spacing]] rule naming another protocol id sets the distance."""
    rule = '\n[[spacing]]\nprocedure = "body-series"\nbefore = "1w"\nafter = "3w"\n'
    hands = protocol(id="hand-series", areas=("hands",), combine_same_day=True, spacing=rule)
    ok = cp.validate_together({hands: [D(2027, 1, 5)], BODY: [D(2027, 1, 26)]})
    assert ok.conflicts == ()
    close = cp.validate_together({hands: [D(2027, 1, 5)], BODY: [D(2027, 1, 19)]})
    assert [c.violation.rule for c in close.conflicts] == [
        "hand-series: spacing[body-series].after"
    ]
    before = cp.validate_together({hands: [D(2027, 1, 22)], BODY: [D(2027, 1, 19)]})
    assert [c.violation.rule for c in before.conflicts] == [
        "hand-series: spacing[body-series].before"
    ]


def test_each_plan_is_also_validated_on_its_own() -> None:
    """Per-plan problems stay in that plan's report, with the clinic applied."""
    k = clinic(days=("mon", "tue", "wed", "thu", "fri"))
    report = cp.validate_together(
        {FACIAL: [D(2027, 1, 5), D(2027, 1, 12)], SCALP: [D(2027, 1, 9)]}, clinic=k
    )
    assert report["facial-series"].codes == ("interval-too-short",)
    assert report["scalp-series"].codes == ("clinic-closed",)
    assert not report.ok
    with pytest.raises(KeyError):
        report["body-series"]


def test_bad_series_input() -> None:
    """Pairs must be (Protocol, calendar) and a protocol may appear once."""
    with pytest.raises(cp.InputError, match=r"series\[0\]: must be a \(Protocol, calendar\)"):
        cp.validate_together([("facial-series", [D(2027, 1, 5)])])  # type: ignore[list-item]
    with pytest.raises(cp.InputError, match="repeats protocol 'facial-series'"):
        cp.validate_together([(FACIAL, []), (FACIAL, [])])
