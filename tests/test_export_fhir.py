"""FHIR R4 export, validated with the R4 (4.0.1) models of ``fhir.resources``."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Iterator

import attrs
import pytest
from fhir.resources.bundle import Bundle
from fhir.resources.plandefinition import PlanDefinition
from hypothesis import given, settings

import collagenplan as cp
from tests.strategies import plans, protocols

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _plan() -> cp.Plan:
    protocol = cp.get_protocol("facial-series")
    plan = cp.plan(protocol, start=dt.date(2027, 3, 22), sessions=4)
    first = attrs.evolve(
        plan.sessions[0],
        status="done",
        minutes=50,
        practitioner="Dr Amal Osei",
        start=dt.datetime(2027, 3, 22, 10, 0, tzinfo=LONDON),
        milestones=(
            cp.Milestone(
                kind="stop",
                subject="topical-retinoid",
                start=dt.date(2027, 3, 17),
                note="Pause retinol",
            ),
        ),
    )
    second = attrs.evolve(
        plan.sessions[1], status="booked", start=dt.datetime(2027, 4, 26, 14, 30, tzinfo=LONDON)
    )
    third = attrs.evolve(plan.sessions[2], status="booked")
    return attrs.evolve(plan, sessions=(first, second, third, *plan.sessions[3:]))


def _references(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield item
            else:
                yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def _resources(bundle: dict[str, object], kind: str) -> list[dict[str, object]]:
    entries = bundle["entry"]
    assert isinstance(entries, list)
    return [e["resource"] for e in entries if e["resource"]["resourceType"] == kind]


def check_bundle(bundle: dict[str, object]) -> None:
    """Valid R4, unique full URLs, and every reference resolves inside the Bundle."""
    Bundle.parse_obj(json.loads(json.dumps(bundle)))
    entries = bundle["entry"]
    assert isinstance(entries, list)
    urls = [e["fullUrl"] for e in entries]
    assert len(set(urls)) == len(urls)
    for entry in entries:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
    internal = [r for r in _references(bundle) if r.startswith("urn:uuid:")]
    assert internal
    assert set(internal) <= set(urls)


def test_bundle_is_valid_r4_with_resolving_references() -> None:
    """The Bundle validates as R4 and its references all point at its own entries."""
    bundle = cp.to_fhir(
        _plan(), client_name="Róisín O'Neil", protocol=cp.get_protocol("facial-series")
    )
    check_bundle(bundle)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == (  # type: ignore[index]
        ["Patient", "CarePlan"] + ["Appointment"] * 5
    )


def test_careplan_references_every_appointment_in_order() -> None:
    """CarePlan.activity references each session's Appointment, then its milestones."""
    bundle = cp.to_fhir(_plan())
    careplan = _resources(bundle, "CarePlan")[0]
    appointments = _resources(bundle, "Appointment")
    refs = [a["reference"]["reference"] for a in careplan["activity"] if "reference" in a]
    assert refs == [f"urn:uuid:{a['id']}" for a in appointments]
    details = [a["detail"] for a in careplan["activity"] if "detail" in a]
    assert details == [
        {
            "kind": "Task",
            "code": {"text": "stop topical-retinoid"},
            "status": "completed",
            "scheduledPeriod": {"start": "2027-03-17", "end": "2027-03-17"},
            "description": "Session 1: stop topical-retinoid. Pause retinol",
        }
    ]
    assert careplan["intent"] == "plan"
    assert careplan["status"] == "active"
    assert careplan["instantiatesCanonical"] == ["urn:collagenplan:protocol:facial-series"]
    assert careplan["period"] == {
        "start": "2027-03-22",
        "end": _plan().sessions[-1].date.isoformat(),
    }


def test_appointments_carry_window_times_and_status() -> None:
    """requestedPeriod is the window; start/end only with a time; statuses follow app-3."""
    plan = _plan()
    appointments = _resources(cp.to_fhir(plan), "Appointment")
    done, booked, booked_untimed, planned = appointments[:4]
    assert done["status"] == "fulfilled"
    assert done["start"] == "2027-03-22T10:00:00+00:00"
    assert done["end"] == "2027-03-22T10:50:00+00:00"
    assert done["minutesDuration"] == 50
    assert booked["status"] == "booked"
    assert booked["start"] == "2027-04-26T14:30:00+01:00"
    assert booked["end"] == "2027-04-26T15:30:00+01:00"
    w = plan.sessions[1].window
    assert booked["requestedPeriod"] == [
        {"start": w.earliest.isoformat(), "end": w.latest.isoformat()}
    ]  # type: ignore[union-attr]
    assert done["requestedPeriod"] == [{"start": "2027-03-22"}]
    assert planned["status"] == "proposed"
    assert "start" not in planned
    assert "end" not in planned
    # Issue 12: a booked session without a time is "booked" (no longer "proposed"),
    # given its whole day as start and end, which app-3 requires (UTC: no clinic).
    day = plan.sessions[2].date
    assert booked_untimed["status"] == "booked"
    assert booked_untimed["start"] == f"{day.isoformat()}T00:00:00+00:00"
    assert booked_untimed["end"] == f"{(day + dt.timedelta(days=1)).isoformat()}T00:00:00+00:00"
    assert booked_untimed["comment"].startswith("Session booked for")
    assert planned["comment"].startswith("Session planned for")
    actors = [p["actor"] for p in done["participant"]]
    assert actors[1] == {"display": "Dr Amal Osei"}


def test_external_patient_reference_is_used_as_given() -> None:
    """With patient=, no Patient entry is made and subject/actors use that reference."""
    bundle = cp.to_fhir(_plan(), patient="Patient/123", client_name="Ann Lee")
    Bundle.parse_obj(bundle)
    assert not _resources(bundle, "Patient")
    assert _resources(bundle, "CarePlan")[0]["subject"] == {
        "reference": "Patient/123",
        "display": "Ann Lee",
    }
    refs = set(_references(bundle))
    assert "Patient/123" in refs
    urls = {e["fullUrl"] for e in bundle["entry"]}  # type: ignore[attr-defined]
    assert {r for r in refs if r != "Patient/123"} <= urls


def test_transaction_bundles_put_each_resource() -> None:
    """A transaction Bundle updates each resource by its stable id (idempotent re-posts)."""
    bundle = cp.to_fhir(_plan(), bundle_type="transaction")
    check_bundle(bundle)
    for entry in bundle["entry"]:  # type: ignore[attr-defined]
        resource = entry["resource"]
        assert entry["request"] == {
            "method": "PUT",
            "url": f"{resource['resourceType']}/{resource['id']}",
        }


def test_ids_are_stable_and_depend_on_the_plan_key() -> None:
    """Same plan and key, same ids; another client, other ids."""
    plan = _plan()
    assert cp.to_fhir(plan, client_name="A") == cp.to_fhir(plan, client_name="A")
    ids_a = [e["fullUrl"] for e in cp.to_fhir(plan, client_name="A")["entry"]]
    ids_b = [e["fullUrl"] for e in cp.to_fhir(plan, client_name="B")["entry"]]
    assert not set(ids_a) & set(ids_b)
    moved = cp.plan(cp.get_protocol("facial-series"), start=dt.date(2027, 5, 3), sessions=4)
    same = {e["fullUrl"] for e in cp.to_fhir(moved, plan_id="k1")["entry"]}
    assert same == {e["fullUrl"] for e in cp.to_fhir(plan, plan_id="k1")["entry"]}


def test_problems_become_careplan_notes() -> None:
    """Plan problems are listed as CarePlan.note and on their Appointment's comment."""
    problem = cp.Violation(
        code="clinic-closed",
        severity="error",
        session=2,
        message="The clinic is closed on 2027-04-26.",
    )
    plan = attrs.evolve(_plan(), violations=(problem,))
    bundle = cp.to_fhir(plan)
    check_bundle(bundle)
    careplan = _resources(bundle, "CarePlan")[0]
    assert careplan["note"] == [
        {"text": "error [clinic-closed]: The clinic is closed on 2027-04-26."}
    ]
    assert "Problem (clinic-closed)" in _resources(bundle, "Appointment")[1]["comment"]


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"bundle_type": "batch"}, "bundle_type"),
        ({"careplan_status": "done"}, "careplan_status"),
        ({"patient": "Patient 1"}, "patient"),
        ({"protocol": cp.get_protocol("maintenance")}, "protocol"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], path: str) -> None:
    """Wrong arguments raise InputError naming the argument."""
    with pytest.raises(cp.InputError) as info:
        cp.to_fhir(_plan(), **kwargs)  # type: ignore[arg-type]
    assert info.value.path == path


@given(plans())
@settings(max_examples=40, deadline=None)
def test_random_plans_give_valid_bundles(plan: cp.Plan) -> None:
    """Any plan gives a valid R4 Bundle whose references resolve, one Appointment per session."""
    bundle = cp.to_fhir(plan, client_name="A, B")
    if plan.sessions:
        check_bundle(bundle)
    else:
        Bundle.parse_obj(bundle)
    assert len(_resources(bundle, "Appointment")) == len(plan.sessions)


# --- PlanDefinition ---------------------------------------------------------------


@pytest.mark.parametrize("protocol_id", cp.protocol_ids())
def test_catalogue_plan_definitions_are_valid(protocol_id: str) -> None:
    """Every built-in protocol gives a valid R4 PlanDefinition with linked actions."""
    definition = cp.protocol_to_fhir(cp.get_protocol(protocol_id))
    PlanDefinition.parse_obj(definition)
    ids = [a["id"] for a in definition["action"]]
    assert len(set(ids)) == len(ids)
    for action in definition["action"]:
        for link in action.get("relatedAction", []):
            assert link["actionId"] in ids
            assert link["actionId"] != action["id"]


def test_facial_series_actions() -> None:
    """Phases carry Timing (count/countMax, period/periodMax) and link by offsetRange."""
    definition = cp.protocol_to_fhir(cp.get_protocol("facial-series"))
    assert definition["url"] == "urn:collagenplan:protocol:facial-series"
    assert definition["name"] == "FacialSeries"
    assert definition["status"] == "active"
    series, touch_up = definition["action"][:2]
    assert series["timingTiming"] == {
        "repeat": {"count": 3, "countMax": 6, "period": 4, "periodMax": 6, "periodUnit": "wk"}
    }
    assert touch_up["timingTiming"] == {
        "repeat": {"period": 11, "periodMax": 13, "periodUnit": "mo"}
    }
    assert touch_up["relatedAction"] == [
        {
            "actionId": "phase-series",
            "relationship": "after-end",
            "offsetRange": {
                "low": {
                    "value": 11,
                    "unit": "months",
                    "system": "http://unitsofmeasure.org",
                    "code": "mo",
                },
                "high": {
                    "value": 13,
                    "unit": "months",
                    "system": "http://unitsofmeasure.org",
                    "code": "mo",
                },
            },
        }
    ]
    by_id = {a["id"]: a for a in definition["action"]}
    stop = by_id["stop-topical-retinoid"]
    assert stop["relatedAction"][0]["relationship"] == "before-start"
    assert stop["relatedAction"][0]["offsetRange"]["low"]["value"] == 5
    assert by_id["aftercare-no-makeup"]["timingDuration"]["code"] == "h"
    assert "pregnancy (absolute)" in definition["description"]


def test_mixed_units_choose_a_common_timing_unit() -> None:
    """Interval bounds in days and weeks share the day unit; months and days share none."""
    protocol = cp.get_protocol("scalp-series")  # 6d / 7d / 10d
    definition = cp.protocol_to_fhir(protocol)
    assert definition["action"][0]["timingTiming"]["repeat"]["periodUnit"] == "d"
    weeks_and_days = cp.Interval(
        min=cp.Duration(days=14), target=cp.Duration(days=20), max=cp.Duration(days=21)
    )
    mixed = cp.Interval(
        min=cp.Duration(days=25), target=cp.Duration(months=1), max=cp.Duration(months=2)
    )
    for interval, expected in (
        (weeks_and_days, {"count": 2, "period": 2, "periodMax": 3, "periodUnit": "wk"}),
        (mixed, {"count": 2}),
    ):
        phase = cp.Phase(
            name="series", interval=interval, sessions=cp.SessionCount(min=2, max=2, default=2)
        )
        other = attrs.evolve(protocol, phases=(phase,))
        assert cp.protocol_to_fhir(other)["action"][0]["timingTiming"]["repeat"] == expected


def test_a_duration_mixing_months_and_days_is_refused() -> None:
    """A duration such as 1m15d has no single FHIR unit: ProtocolError names the rule."""
    protocol = attrs.evolve(
        cp.get_protocol("facial-series"),
        aftercare=(cp.Aftercare(restriction="no-sun", duration=cp.Duration(months=1, days=15)),),
    )
    with pytest.raises(cp.ProtocolError) as info:
        cp.protocol_to_fhir(protocol)
    assert info.value.path == "aftercare[0].duration"
    assert "1m15d" in info.value.problem


def _single_unit(protocol: cp.Protocol) -> bool:
    durations = [p.interval.min for p in protocol.phases]
    durations += [p.interval.max for p in protocol.phases]
    durations += [w.before for w in protocol.washouts] + [w.after for w in protocol.washouts]
    durations += [a.duration for a in protocol.aftercare]
    durations += [p.before for p in protocol.precautions]
    durations += [
        cp.Duration(
            months=p.before.months + p.after.months,
            days=p.before.days + p.after.days,
            hours=p.before.hours + p.after.hours,
        )
        for p in protocol.precautions
    ]
    return not any(d.months and (d.days or d.hours) for d in durations)


@given(protocols(rules=True, late=True))
@settings(max_examples=60, deadline=None)
def test_random_protocols_give_valid_plan_definitions(protocol: cp.Protocol) -> None:
    """Any protocol gives a valid PlanDefinition, or a ProtocolError for mixed-unit durations."""
    if _single_unit(protocol):
        PlanDefinition.parse_obj(cp.protocol_to_fhir(protocol))
    else:
        with pytest.raises(cp.ProtocolError, match="one FHIR Duration"):
            cp.protocol_to_fhir(protocol)
