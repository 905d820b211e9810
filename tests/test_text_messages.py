"""Screening reasons, milestones and export texts as messages (issue 13): every one is a key
plus parameters, English stays byte for byte what it was, and Spanish is complete."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import attrs
import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan.cli import main
from collagenplan.messages import LOCALES, MESSAGES, Param, render, unit_words
from collagenplan.messages._texts import TEXT_MESSAGES
from collagenplan.screening._screen import REASON_CODES
from tests.strategies import durations, protocols_and_clients
from tests.test_messages import SAMPLE, _params

D = dt.date
ON = D(2026, 12, 1)
FACIAL = cp.get_protocol("facial-series")

# One client whose records bring every reason code the library writes into play.
CLIENT = cp.Client(
    conditions=[
        cp.Condition("pregnancy", start=D(2026, 6, 1), end=D(2027, 1, 31)),
        cp.Condition("active-acne", start=D(2026, 11, 1), end=D(2026, 12, 20)),
        cp.Condition("cold-sore-history"),
    ],
    medications=[
        cp.Medication("Roaccutane", start=D(2026, 2, 1), end=D(2026, 8, 1)),
        cp.Medication("warfarin"),
        cp.Medication("retinol"),
        cp.Medication("isotretinion"),
    ],
)
SCREENING = cp.screen(CLIENT, FACIAL, on=ON)
REASONS = SCREENING.reasons + SCREENING.precautions + SCREENING.pauses


def _english_words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)}


def test_the_sample_client_gives_every_reason_code() -> None:
    """The client above meets every code a screening reason can have."""
    assert {r.code for r in REASONS} == set(REASON_CODES)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("code", REASON_CODES)
def test_every_reason_code_renders_in_every_locale(code: str, locale: str) -> None:
    """Each reason code's messages render in each locale with every placeholder filled."""
    for reason in (r for r in REASONS if r.code == code):
        assert reason.messages
        text = reason.text(locale)
        assert text and "{" not in text and "}" not in text
        assert all(m.key in MESSAGES for m in reason.messages)


@pytest.mark.parametrize("code", REASON_CODES)
def test_reasons_keep_no_english_in_spanish(code: str) -> None:
    """Besides parameters and the protocol's note, a Spanish reason keeps no English word."""
    for reason in (r for r in REASONS if r.code == code):
        spanish = " ".join(m.render("es") for m in reason.messages)
        english = set().union(*(_english_words(MESSAGES[m.key]) for m in reason.messages))
        values = set().union(
            *(_english_words(str(p.value)) for m in reason.messages for p in m.params)
        )
        assert english & (_english_words(spanish) - values) == set()


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("key", sorted(TEXT_MESSAGES))
def test_every_text_key_renders_in_every_locale(key: str, locale: str) -> None:
    """Each key of TEXT_MESSAGES renders in each locale, every placeholder filled."""
    text = render(key, _params(key), locale)
    assert text and "{" not in text and "}" not in text


@pytest.mark.parametrize("key", sorted(TEXT_MESSAGES))
def test_no_english_is_left_in_spanish_text_keys(key: str) -> None:
    """The Spanish text of each TEXT_MESSAGES key keeps none of its English words."""
    english = _english_words(re.sub(r"\{[^}]*\}", " ", TEXT_MESSAGES[key]))
    values = set().union(*(_english_words(str(v)) for v in SAMPLE.values()))
    assert english & (_english_words(render(key, _params(key), "es")) - values) == set()


@settings(max_examples=120, deadline=None)
@given(case=protocols_and_clients(), shift=st.integers(-400, 400))
def test_every_screening_reason_is_a_message(
    case: tuple[cp.Protocol, cp.Client], shift: int
) -> None:
    """Every reason screen() writes has messages; English is its message, Spanish renders."""
    protocol, client = case
    result = cp.screen(client, protocol, on=ON + dt.timedelta(days=shift))
    for reason in result.reasons + result.precautions + result.pauses:
        assert reason.messages, reason
        assert reason.text("en") == reason.message
        spanish = reason.text("es")
        assert spanish and "{" not in spanish


@settings(max_examples=40, deadline=None)
@given(case=protocols_and_clients(), shift=st.integers(-60, 60))
def test_every_planned_milestone_note_is_a_message(
    case: tuple[cp.Protocol, cp.Client], shift: int
) -> None:
    """A note the planner writes is kept as a message: its English is the note."""
    protocol, client = case
    try:
        result = cp.plan(protocol, start=ON + dt.timedelta(days=shift), client=client)
    except cp.PlanningError:
        return
    for session in result.sessions:
        for m in session.milestones:
            assert m.note_text("en") == m.note
            assert m.messages or m.kind == "aftercare"  # an aftercare note may be the protocol's
            assert "{" not in (m.note_text("es") or "")


@settings(max_examples=200)
@given(d=durations())
def test_spans_read_as_duration_words_in_english(d: cp.Duration) -> None:
    """A span parameter in English is Duration.words(), so English texts keep their units."""
    assert unit_words(d) == d.words()
    assert Param("d", str(d), "units")


@pytest.mark.parametrize(
    ("text", "en", "es"),
    [
        ("10d", "10 days", "10 días"),
        ("2w", "2 weeks", "2 semanas"),
        ("13m", "13 months", "13 meses"),
        ("12m", "1 year", "1 año"),
        ("1m15d", "1 month 15 days", "1 mes 15 días"),
        ("24h", "24 hours", "24 horas"),
        ("0d", "0 days", "0 días"),
    ],
)
def test_spans_keep_the_units_they_were_written_in(text: str, en: str, es: str) -> None:
    """'10d' reads '10 days', never '1 week and 3 days', in each locale."""
    assert unit_words(cp.Duration.parse(text)) == en
    assert unit_words(cp.Duration.parse(text), "es") == es


# ----------------------------------------------------------- reasons, exactly


def _reason(code: str) -> cp.Reason:
    return next(r for r in SCREENING.reasons if r.code == code)


def test_english_reasons_are_unchanged() -> None:
    """The English sentences are those of earlier releases, byte for byte."""
    assert [r.message for r in SCREENING.reasons[:4]] == [
        "pregnancy from 2026-06-01 to 2027-01-31: an absolute contraindication, no treatment "
        "while it applies (contraindications[0]).",
        "active-acne from 2026-11-01 to 2026-12-20: treatment waits until it has resolved; no "
        "start before 2026-12-21 (contraindications[14]). Defer until breakouts in the area "
        "have settled.",
        "isotretinoin (recorded as 'Roaccutane') taken from 2026-02-01 to 2026-08-01: the "
        "protocol asks for the last use at least 6 months before a session; no start before "
        "2027-02-01 (washouts[3]). Oral isotretinoin: last dose at least this long before a "
        "session. Clinic policy; many choose 0, 3, 6 or 12 months.",
        "anticoagulants (recorded as 'warfarin'): a clinician must review it (then list it "
        "under 'cleared') (contraindications[3]). Bleeding and bruising risk; needs a "
        "clinician's decision.",
    ]


def test_contraindicated_in_spanish() -> None:
    """An absolute contraindication reads in Spanish with its dates in the long form."""
    reason = _reason("contraindicated")
    assert [m.key for m in reason.messages] == ["reason.record.from-to", "reason.absolute"]
    assert reason.text("es") == (
        "pregnancy del 1 de junio de 2026 al 31 de enero de 2027: contraindicación absoluta, "
        "ningún tratamiento mientras se mantenga (contraindications[0])."
    )


def test_deferred_in_spanish_names_the_day_it_clears() -> None:
    """A temporary condition says in Spanish from which day a start is possible."""
    reason = _reason("deferred")
    assert reason.clears_on == D(2026, 12, 21)
    assert reason.text("es") == (
        "active-acne del 1 de noviembre de 2026 al 20 de diciembre de 2026: el tratamiento "
        "espera a que se haya resuelto; ningún inicio antes del 21 de diciembre de 2026 "
        "(contraindications[14]). Defer until breakouts in the area have settled."
    )


def test_washout_in_spanish_keeps_the_typed_name_and_the_protocol_note() -> None:
    """A washout names the exposure as typed; the protocol's note stays as written."""
    reason = _reason("washout")
    assert [m.key for m in reason.messages] == [
        "reason.taken.from-to.recorded",
        "reason.washout.before.until",
    ]
    assert reason.note is not None
    assert reason.text("es") == (
        "isotretinoin (registrado como 'Roaccutane'), en uso del 1 de febrero de 2026 al 1 de "
        "agosto de 2026: el protocolo pide que el último uso sea al menos 6 meses antes de una "
        "sesión; ningún inicio antes del 1 de febrero de 2027 (washouts[3]). " + reason.note
    )


def test_needs_review_names_the_cleared_key_as_data() -> None:
    """The client file's key 'cleared' is a parameter: the same word in every locale."""
    reason = _reason("needs-review")
    assert Param("field", "cleared") in reason.messages[1].params
    assert "'cleared'" in reason.text("es")
    assert reason.text("es").startswith("anticoagulants (registrado como 'warfarin'): un clínico")


def test_a_screening_round_trips_with_its_messages() -> None:
    """The messages travel in the screening document and back."""
    assert cp.from_json(cp.to_json(SCREENING), cp.Screening) == SCREENING


def test_a_caller_built_reason_stays_as_written() -> None:
    """A reason built by hand with only a message returns it in every locale."""
    reason = cp.Reason(code="deferred", subject="x", rule="r", message="Texto propio.")
    assert [reason.text(locale) for locale in LOCALES] == ["Texto propio."] * len(LOCALES)


# ---------------------------------------------------------------- milestones


def _planned() -> cp.Plan:
    client = cp.Client(
        medications=[cp.Medication("retinol")], conditions=[cp.Condition("cold-sore-history")]
    )
    return cp.plan(FACIAL, start=D(2027, 3, 1), client=client, plan_id="p-1")


def test_milestone_notes_are_messages() -> None:
    """Stop, resume, start, end and aftercare notes the planner writes render in Spanish."""
    first = _planned().sessions[0]
    notes = {m.kind: m for m in first.milestones}
    stop = notes["stop"]
    assert [m.key for m in stop.messages] == ["milestone.note.stop"]
    assert stop.note == f"Last use of topical-retinoid before the session on {first.date}."
    assert stop.note_text("es") == (
        "Último uso de topical-retinoid antes de la sesión del 6 de marzo de 2027."
    )
    assert notes["resume"].note_text("es") == (
        "topical-retinoid puede volver a usarse a partir de este día."
    )
    assert notes["start"].note_text("es") == (
        "Empezar antiviral-prophylaxis por cold-sore-history."
    )
    assert notes["end"].note_text("es") == "Último día de antiviral-prophylaxis."
    written = [m for m in first.milestones if m.kind == "aftercare" and m.messages]
    assert written and written[0].note_text(
        "es",
    ).startswith(f"{written[0].subject} hasta el ")


def test_a_protocol_aftercare_note_stays_as_written() -> None:
    """An aftercare rule's own note is the protocol's words: no messages, the same in Spanish."""
    first = _planned().sessions[0]
    noted = [m for m in first.milestones if m.kind == "aftercare" and not m.messages]
    assert noted
    assert all(m.note_text("es") == m.note for m in noted)


def test_an_unknown_locale_is_refused_for_a_milestone() -> None:
    """note_text refuses a locale that is not shipped, even for a note as written."""
    with pytest.raises(cp.InputError, match="unknown locale"):
        cp.Milestone(kind="stop", subject="x", start=ON, note="n").note_text("fr")


# ------------------------------------------------------------------- exports


def test_english_is_the_default_of_every_export() -> None:
    """locale='en' writes the same bytes as leaving it out."""
    plan = _planned()
    assert cp.to_ics(plan, protocol=FACIAL, locale="en") == cp.to_ics(plan, protocol=FACIAL)
    assert cp.to_fhir(plan, protocol=FACIAL, locale="en") == cp.to_fhir(plan, protocol=FACIAL)
    assert cp.protocol_to_fhir(FACIAL, locale="en") == cp.protocol_to_fhir(FACIAL)


def test_a_spanish_calendar_reads_in_spanish_and_parses_back() -> None:
    """SUMMARY, DESCRIPTION and alarms are Spanish; the file still parses; UIDs do not change."""
    plan = _planned()
    data = cp.to_ics(plan, protocol=FACIAL, client_name="Ana", locale="es")
    english = cp.to_ics(plan, protocol=FACIAL, client_name="Ana")
    calendar = icalendar.Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(plan.sessions)
    first = events[0]
    assert str(first["SUMMARY"]) == "Facial microneedling series: sesión 1 de 4 (Ana)"
    description = str(first["DESCRIPTION"])
    assert description.startswith("Sesión 1 de 4 (series), Facial microneedling series.")
    assert "Ventana: lo antes el 6 de marzo de 2027" in description
    assert "Recordatorios:" in description and "Cuidados posteriores:" in description
    assert "suspender topical-retinoid (Último uso de topical-retinoid" in description
    alarms = [str(a["DESCRIPTION"]) for a in first.walk("VALARM")]
    assert any(a.startswith("Mañana: Facial microneedling series: sesión 1") for a in alarms)
    english_events = list(icalendar.Calendar.from_ical(english).walk("VEVENT"))
    assert [str(e["UID"]) for e in events] == [str(e["UID"]) for e in english_events]
    assert [e["DTSTART"].dt for e in events] == [e["DTSTART"].dt for e in english_events]
    assert "Session" not in description and "Window" not in description


def test_a_cancelled_session_reads_in_spanish() -> None:
    """The removed line, the cancelled SUMMARY and FHIR comment come from messages too."""
    plan = _planned()
    replanned = attrs.evolve(plan, sessions=plan.sessions[:-1], removed=plan.sessions[-1:])
    calendar = icalendar.Calendar.from_ical(cp.to_ics(replanned, protocol=FACIAL, locale="es"))
    cancelled = [e for e in calendar.walk("VEVENT") if str(e["STATUS"]) == "CANCELLED"]
    assert len(cancelled) == 1
    assert str(cancelled[0]["SUMMARY"]).startswith("Cancelada: Facial microneedling series:")
    assert str(cancelled[0]["DESCRIPTION"]).startswith(
        "Esta sesión se eliminó de la programación al replanificarla."
    )
    bundle = cp.to_fhir(replanned, protocol=FACIAL, locale="es")
    gone = [e["resource"] for e in bundle["entry"] if e["resource"].get("status") == "cancelled"]
    assert gone[0]["comment"].startswith("Cancelada: sesión prevista para el ")
    assert gone[0]["cancelationReason"]["text"] == "eliminada de la programación al replanificarla"


def test_a_spanish_fhir_bundle_translates_text_not_codes() -> None:
    """Narratives and descriptions are Spanish; statuses, codes and ids are not translated."""
    plan = _planned()
    spanish = cp.to_fhir(plan, protocol=FACIAL, locale="es")
    english = cp.to_fhir(plan, protocol=FACIAL)
    careplan = spanish["entry"][1]["resource"]
    assert careplan["description"] == "4 sesiones de facial-series desde el 1 de marzo de 2027."
    assert "Sesión 1 (series): 6 de marzo de 2027, prevista." in careplan["text"]["div"]
    task = careplan["activity"][1]["detail"]
    assert task["code"] == english["entry"][1]["resource"]["activity"][1]["detail"]["code"]
    assert task["description"].startswith("Sesión 1: ")
    appointment = spanish["entry"][2]["resource"]
    assert appointment["comment"].startswith("Sesión prevista para el 6 de marzo de 2027")
    assert appointment["patientInstruction"].count("Cuidados posteriores: ") >= 1

    def skeleton(bundle: dict[str, object]) -> object:
        keep = ("id", "status", "resourceType", "fullUrl", "start", "end", "identifier")
        return json.loads(
            json.dumps(bundle),
            object_hook=lambda d: {k: v for k, v in d.items() if k in keep or k == "entry"},
        )

    assert skeleton(spanish) == skeleton(english)


def test_a_spanish_plan_definition() -> None:
    """PlanDefinition titles and descriptions come from messages; ids stay the same."""
    spanish = cp.protocol_to_fhir(FACIAL, locale="es")
    english = cp.protocol_to_fhir(FACIAL)
    assert [a["id"] for a in spanish["action"]] == [a["id"] for a in english["action"]]
    titles = {a["id"]: a["title"] for a in spanish["action"]}
    assert titles["phase-series"] == "fase series"
    assert titles["stop-topical-retinoid"] == "Suspender topical-retinoid"
    assert "Contraindicaciones: pregnancy (absoluta)" in spanish["description"]


@pytest.mark.parametrize("locale", ["fr", "EN", ""])
def test_exports_refuse_an_unknown_locale(locale: str) -> None:
    """An unshipped locale is an InputError naming 'locale', before anything is written."""
    plan = _planned()
    with pytest.raises(cp.InputError, match="unknown locale"):
        cp.to_ics(plan, locale=locale)
    with pytest.raises(cp.InputError, match="unknown locale"):
        cp.to_fhir(plan, locale=locale)
    with pytest.raises(cp.InputError, match="unknown locale"):
        cp.protocol_to_fhir(FACIAL, locale=locale)


def test_cli_export_locale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """plan --format ics|fhir --locale es writes Spanish text; an unknown locale is bad usage."""
    args = ["plan", "facial-series", "--start", "2027-03-01", "--plan-id", "p-1"]
    assert main([*args, "--format", "ics", "--locale", "es"]) == 0
    out = capsys.readouterr().out
    assert "SUMMARY:Facial microneedling series: sesión 1 de 4" in out
    assert icalendar.Calendar.from_ical(out.encode())
    assert main([*args, "--format", "fhir", "--locale", "es"]) == 0
    assert "sesiones de facial-series" in capsys.readouterr().out
    assert main([*args, "--format", "ics", "--locale", "fr"]) == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def test_problems_in_exports_are_written_in_the_locale() -> None:
    """A violation in a Spanish export reads in Spanish: iCalendar description, FHIR notes."""
    history = [
        cp.Visit(date=dt.date(2027, 3, 1), status="done"),
        cp.Visit(date=dt.date(2027, 3, 10), status="done"),
    ]
    plan = cp.plan(FACIAL, start=dt.date(2027, 3, 11), history=history)
    (short,) = [v for v in plan.violations if v.code == "interval-too-short"]
    spanish = short.text("es")
    assert spanish != short.message
    description = "".join(
        str(e["DESCRIPTION"])
        for e in icalendar.Calendar.from_ical(cp.to_ics(plan, protocol=FACIAL, locale="es")).walk(
            "VEVENT"
        )
    )
    assert spanish.replace("\n", " ")[:40] in description.replace("\n", " ")
    assert short.message[:40] not in description
    bundle = cp.to_fhir(plan, protocol=FACIAL, locale="es")
    careplan = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CarePlan"
    )
    assert any(spanish in note["text"] for note in careplan["note"])
    assert spanish in careplan["text"]["div"] or spanish[:30] in careplan["text"]["div"]


def test_planning_error_violations_render_in_spanish() -> None:
    """The violations a PlanningError carries are the screening reasons as sentences of
    their own: capitalised, in any locale, the English unchanged."""
    client = cp.Client(conditions=[cp.Condition("pregnancy")])
    with pytest.raises(cp.PlanningError) as caught:
        cp.plan(FACIAL, start=dt.date(2026, 12, 1), client=client)
    (violation,) = caught.value.violations
    assert violation.message == (
        "Pregnancy: an absolute contraindication, no treatment while it applies "
        "(contraindications[0])."
    )
    assert violation.text("es") == (
        "Pregnancy: contraindicación absoluta, ningún tratamiento mientras se mantenga "
        "(contraindications[0])."
    )
    assert cp.from_json(cp.to_json(cp.Report(violations=(violation,)))) == cp.Report(
        violations=(violation,)
    )
