"""Invariants of screening and client-aware planning, for random clients and protocols."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan.screening import milestones
from tests.strategies import BASE, clients, days_around, protocols, protocols_and_clients

CLIENT_CODES = {
    "washout",
    "contraindicated",
    "needs-review",
    "deferred",
    "event-blackout",
    "procedure-spacing",
}


@settings(max_examples=150, deadline=None)
@given(pair=protocols_and_clients(), horizon=st.none() | days_around(BASE, -700, 1500))
def test_plans_validate_as_planned(
    pair: tuple[cp.Protocol, cp.Client], horizon: dt.date | None
) -> None:
    """A client's plan validates clean against the same client, or exactly as plan.violations says.

    Warnings match one for one; every error validation finds falls on a
    session that plan.violations already flagged, and none is a client rule
    (the planner never puts a session on a day the client's records forbid).
    """
    protocol, client = pair
    try:
        result = cp.plan(protocol, start=BASE, client=client, horizon=horizon)
    except cp.PlanningError:
        assert cp.screen(client, protocol, on=BASE).earliest_start is None
        return
    report = cp.validate(protocol, result, client=client)
    assert list(report.warnings) == [p for p in result.violations if p.severity == "warning"]
    flagged = {p.session for p in result.violations if p.severity == "error"}
    for violation in report.errors:
        assert violation.code not in CLIENT_CODES, violation
        assert violation.session in flagged, violation
    assert report.ok or not result.ok
    first = cp.screen(client, protocol, on=BASE).earliest_start
    assert first is not None
    if result.sessions:
        assert result.sessions[0].date >= first
    else:  # every day from the earliest start on is blocked (a later open-ended rule)
        assert 1 in flagged


@settings(max_examples=200, deadline=None)
@given(pair=protocols_and_clients(), on=days_around(BASE, 400, 400))
def test_earliest_start_is_the_first_clear_day(
    pair: tuple[cp.Protocol, cp.Client], on: dt.date
) -> None:
    """Screening on the earliest start is not deferred, and the day before it still is."""
    protocol, client = pair
    result = cp.screen(client, protocol, on=on)
    if result.status == "contraindicated":
        assert result.earliest_start is None
        assert any(r.code == "contraindicated" for r in result.reasons)
        return
    first = result.earliest_start
    if first is None:
        assert result.status == "deferred"
        assert any(r.clears_on is None for r in result.reasons)
        return
    assert first >= on
    assert (result.status == "deferred") is (first > on)
    again = cp.screen(client, protocol, on=first)
    if again.status != "contraindicated":
        assert again.status != "deferred"
        assert again.earliest_start == first
    if first > on:
        before = cp.screen(client, protocol, on=first - dt.timedelta(days=1))
        assert before.status in ("deferred", "contraindicated")


@settings(max_examples=100, deadline=None)
@given(data=st.data(), protocol=protocols(catalogue=True), day=days_around(BASE, 400, 400))
def test_milestones_surround_the_session(
    data: st.DataObject, protocol: cp.Protocol, day: dt.date
) -> None:
    """Stops and starts fall on or before the session, resumes and ends after; all sorted."""
    client = data.draw(clients(protocol))
    found = milestones(protocol, client, day)
    assert [m.start for m in found] == sorted(m.start for m in found)
    for m in found:
        if m.kind in ("stop", "start"):
            assert m.start <= day
        elif m.kind in ("resume", "end"):
            assert m.start >= day
        else:
            assert (m.kind, m.start) == ("aftercare", day)
            assert m.end is not None
    assert sum(m.kind == "aftercare" for m in found) == len(protocol.aftercare)
