"""Human text (issue 12, U3): durations in words and protocol labels in what people read."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import attrs
import icalendar
import pytest

import collagenplan as cp

D = dt.date
FACIAL = cp.get_protocol("facial-series")
START = D(2026, 12, 1)
CLIENT = cp.load_client(Path(__file__).resolve().parent.parent / "examples" / "client.toml")
# "4w", "6m", "24h", "1y", "3d" as a word of its own: the file notation people misread.
SHORT_FORM = re.compile(r"\b\d+[hdwmy]\b")


def _after(days: int) -> D:
    return START + dt.timedelta(days=days)


def _restarting() -> cp.Protocol:
    return attrs.evolve(
        FACIAL, late=cp.LatePolicy(policy="restart", restart_after=cp.Duration.parse("10w"))
    )


def _messages(report: cp.Report, code: str) -> list[str]:
    return [v.message for v in report.violations if v.code == code]


MESSAGES: list[tuple[str, Callable[[], list[str]], str]] = [
    (
        "interval-too-short",
        lambda: _messages(cp.validate(FACIAL, [START, _after(20)]), "interval-too-short"),
        "the series phase's minimum of 4 weeks (earliest 2026-12-29)",
    ),
    (
        "interval-too-long",
        lambda: _messages(cp.validate(FACIAL, [START, _after(60)]), "interval-too-long"),
        "the series phase allows at most 6 weeks (latest 2027-01-12)",
    ),
    (
        "within-grace",
        lambda: _messages(cp.validate(FACIAL, [START, _after(26)]), "within-grace"),
        "within the grace of the series phase's minimum of 4 weeks",
    ),
    (
        "series-restarted",
        lambda: _messages(
            cp.validate(_restarting(), [START, _after(35), _after(35 + 120)]), "series-restarted"
        ),
        "the late policy's 10 weeks; the series starts again here",
    ),
    (
        "procedure-spacing",
        lambda: _messages(
            cp.validate(FACIAL, [D(2027, 2, 1), D(2027, 3, 8)], client=CLIENT),
            "procedure-spacing",
        ),
        "a session must fall at least 2 weeks after it and at least 2 weeks before it",
    ),
    (
        "event-blackout",
        lambda: _messages(
            cp.validate(FACIAL, [D(2027, 2, 1), D(2027, 3, 8)], client=CLIENT),
            "event-blackout",
        ),
        "its downtime and event buffer (3 days + 1 week) clear before an event",
    ),
    (
        "washout (screening)",
        lambda: [r.message for r in cp.screen(CLIENT, FACIAL, on=START).reasons],
        "the last use at least 6 months before a session",
    ),
]


@pytest.mark.parametrize(("code", "messages", "words"), MESSAGES, ids=[m[0] for m in MESSAGES])
def test_messages_write_durations_in_words(
    code: str, messages: Callable[[], list[str]], words: str
) -> None:
    """Each message kind that names a duration writes it in words, never as 4w or 6m."""
    found = messages()
    assert found, code
    assert any(words in message for message in found), found
    for message in found:
        assert not SHORT_FORM.search(message), message


# ------------------------------------------------------------------ labels

LABELLED = attrs.evolve(
    FACIAL,
    washouts=[
        attrs.evolve(w, label="Retinoid creams") if w.exposure == "topical-retinoid" else w
        for w in FACIAL.washouts
    ],
    aftercare=[
        attrs.evolve(a, label="No make-up") if a.restriction == "no-makeup" else a
        for a in FACIAL.aftercare
    ],
)
RETINOID = cp.Client(medications=[cp.Medication("topical-retinoid")])


def _plan(protocol: cp.Protocol) -> cp.Plan:
    return cp.plan(protocol, start=START, client=RETINOID, plan_id="labels")


def test_label_keys_are_read_written_and_optional() -> None:
    """``label`` is an optional key of washouts and aftercare; files round-trip it."""
    text = cp.format_protocol(LABELLED)
    assert 'label = "Retinoid creams"' in text
    assert 'label = "No make-up"' in text
    assert cp.parse_protocol(text) == LABELLED
    assert cp.from_json(cp.to_json(LABELLED), cp.Protocol) == LABELLED
    assert FACIAL.washouts[0].label is None
    assert FACIAL.washouts[0].shown == "topical-retinoid"
    assert LABELLED.washouts[0].shown == "Retinoid creams"
    with pytest.raises(cp.ProtocolError, match="label"):
        cp.parse_protocol(text.replace('"No make-up"', '"  "'))


def test_milestone_notes_use_labels_and_keep_ids_as_subjects() -> None:
    """Milestone notes (client text) name the label; ``subject`` stays the id (data)."""
    first = _plan(LABELLED).sessions[0]
    notes = {(m.kind, m.subject): m.note for m in first.milestones}
    assert notes["stop", "topical-retinoid"] == (
        f"Last use of Retinoid creams before the session on {first.date}."
    )
    resume = "Retinoid creams may be used again from this day."
    assert notes["resume", "topical-retinoid"] == resume
    assert notes["aftercare", "no-makeup"] == (
        f"No make-up until {first.date + dt.timedelta(days=1)}."
    )
    plain = {(m.kind, m.subject): m.note for m in _plan(FACIAL).sessions[0].milestones}
    resume = "topical-retinoid may be used again from this day."
    assert plain["resume", "topical-retinoid"] == resume
    assert plain["aftercare", "no-makeup"].startswith("no-makeup until ")


@pytest.mark.parametrize(
    ("protocol", "exposure", "restriction"),
    [(LABELLED, "Retinoid creams", "No make-up"), (FACIAL, "topical-retinoid", "no-makeup")],
    ids=["labels", "ids-as-fallback"],
)
def test_icalendar_text_uses_labels(
    protocol: cp.Protocol, exposure: str, restriction: str
) -> None:
    """DESCRIPTION and alarm texts name labels, or the ids when a rule has none."""
    plan = _plan(protocol)
    calendar = icalendar.Calendar.from_ical(cp.to_ics(plan, protocol=protocol))
    event = next(iter(calendar.walk("VEVENT")))
    description = str(event["DESCRIPTION"])
    assert f": stop {exposure} (Last use of {exposure} before" in description
    assert f"- {restriction} for 24 hours" in description
    alarms = "\n".join(str(a["DESCRIPTION"]) for a in event.walk("VALARM"))
    assert f"resume {exposure}" in alarms
    assert f"aftercare {restriction}" in alarms
    if protocol is LABELLED:
        assert "topical-retinoid" not in description + alarms
        assert "no-makeup" not in description + alarms


def test_fhir_text_uses_labels_and_words() -> None:
    """PlanDefinition actions and CarePlan activities name labels and durations in words."""
    definition = cp.protocol_to_fhir(LABELLED)
    by_id = {a["id"]: a for a in definition["action"]}
    assert by_id["stop-topical-retinoid"]["title"] == "Stop Retinoid creams"
    assert by_id["stop-topical-retinoid"]["description"].startswith(
        "Stop Retinoid creams at least 5 days before each session."
    )
    assert by_id["resume-topical-retinoid"]["description"].startswith(
        "Resume Retinoid creams no sooner than 1 week after each session."
    )
    assert by_id["aftercare-no-makeup"]["title"] == "No make-up"
    assert by_id["aftercare-no-makeup"]["description"] == (
        "No make-up for 24 hours after each session."
    )
    assert (
        "every 5 weeks (4 weeks to 6 weeks from the one before)"
        in by_id["phase-series"]["description"]
    )
    plain = {a["id"]: a for a in cp.protocol_to_fhir(FACIAL)["action"]}
    assert plain["aftercare-no-makeup"]["title"] == "no-makeup"

    bundle = cp.to_fhir(_plan(LABELLED), protocol=LABELLED)
    (careplan,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CarePlan"
    ]
    texts = [a["detail"]["description"] for a in careplan["activity"] if "detail" in a]
    assert any(t.startswith("Session 1: stop Retinoid creams.") for t in texts)
    assert any(t.startswith("Session 1: aftercare No make-up.") for t in texts)


def test_csv_notes_use_labels() -> None:
    """The milestone table keeps ids in ``subject`` and labels in ``note``."""
    rows = list(csv.DictReader(io.StringIO(cp.milestones_to_csv(_plan(LABELLED)))))
    stops = [r for r in rows if r["kind"] == "stop" and r["session"] == "1"]
    assert next((r["subject"], r["note"].split(" before")[0]) for r in stops) == (
        "topical-retinoid",
        "Last use of Retinoid creams",
    )


# ------------------------------------------------------- practitioner names


def _clinic_plan() -> tuple[cp.Plan, cp.Clinic]:
    clinic = cp.load_clinic(Path(__file__).resolve().parent.parent / "examples" / "clinic.toml")
    plan = cp.plan(FACIAL, start=D(2027, 1, 5), clinic=clinic, plan_id="names")
    return plan, clinic


def test_exports_name_practitioners_when_the_clinic_is_known() -> None:
    """With the clinic, exports show display names; CSV keeps the id in its own column."""
    plan, clinic = _clinic_plan()
    names = {p.id: p.name for p in clinic.practitioners}
    ids = {s.practitioner for s in plan.sessions}
    assert ids and None not in ids
    shown = {names[i] or i for i in ids if i is not None}
    assert all(names[i] for i in ids if i is not None)

    rows = list(csv.DictReader(io.StringIO(cp.to_csv(plan, clinic=clinic))))
    assert [(r["practitioner"], r["practitioner_name"]) for r in rows] == [
        (s.practitioner, names[s.practitioner or ""]) for s in plan.sessions
    ]
    bare = list(csv.DictReader(io.StringIO(cp.to_csv(plan))))
    assert {r["practitioner_name"] for r in bare} == {""}

    calendar = icalendar.Calendar.from_ical(cp.to_ics(plan, clinic=clinic))
    descriptions = "\n".join(str(e["DESCRIPTION"]) for e in calendar.walk("VEVENT"))
    assert {f"Practitioner: {name}" for name in shown} <= set(descriptions.splitlines())
    assert not any(f"Practitioner: {i}" in descriptions for i in ids if i not in shown)

    bundle = cp.to_fhir(plan, clinic=clinic)
    displays = {
        p["actor"].get("display")
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Appointment"
        for p in e["resource"]["participant"]
        if p["actor"].get("reference", "").startswith("urn:uuid:")
        and p["actor"].get("display") in shown
    }
    assert displays == shown


def test_csv_refuses_a_clinic_that_is_not_one() -> None:
    """``clinic=`` is checked like the other exporters check it."""
    plan, _ = _clinic_plan()
    with pytest.raises(cp.InputError, match="must be a Clinic"):
        cp.to_csv(plan, clinic="clinic.toml")  # type: ignore[arg-type]
