"""Violations keep their messages as data: a key and parameters, rendered in every locale."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan.cli import main
from collagenplan.messages import LOCALES, MESSAGES, Param, placeholders, render
from collagenplan.messages._violations import VIOLATION_MESSAGES
from collagenplan.results import nested
from tests.strategies import living_cases

D = dt.date
FACIAL = cp.get_protocol("facial-series")

# Every code and the message keys its violations are built from.
CODE_KEYS: dict[str, tuple[str, ...]] = {
    "interval-too-short": ("interval.too-short",),
    "within-grace": ("interval.within-grace", "no-date.grace", "booking.covers"),
    "interval-too-long": ("interval.too-long", "late.replanned", "booking.misses"),
    "too-few-sessions": ("too-few-sessions.one", "too-few-sessions.many"),
    "too-many-sessions": ("too-many-sessions",),
    "not-chronological": ("not-chronological.listed", "not-chronological.before"),
    "same-day-duplicate": ("same-day-duplicate", "together.same-day"),
    "washout": ("rule.session", "rule.session.note", "no-date"),
    "contraindicated": ("rule.session", "rule.session.note", "as-written"),
    "needs-review": ("rule.session", "rule.session.note"),
    "deferred": ("rule.session", "rule.session.note", "no-date", "as-written"),
    "clinic-closed": ("clinic-closed", "no-date"),  # why the day is closed: closed.*
    "event-blackout": ("rule.session", "no-date"),
    "procedure-spacing": ("rule.session", "rule.session.note", "together.spacing", "no-date"),
    "no-date-in-window": ("no-date",),
    "unrecognised": (
        "unrecognised.records",
        "unrecognised.records.none",
        "unrecognised.procedures",
        "unrecognised.procedures.none",
        "unrecognised.areas",
        "unrecognised.areas.none",
        "unrecognised.scope",
    ),
    "series-restarted": ("series-restarted", "series-restarted.no-limit"),
    "duplicate-visit": ("duplicate-visit",),
    "unconfirmed-booking": ("unconfirmed.plan", "unconfirmed.visit"),
    "lead-in": ("no-date",),
    "on-hold": ("on-hold.plan", "on-hold.until", "on-hold.open"),
    "practitioner-double-booked": (
        "clash.practitioner",
        "together.clash.practitioner",
        "together.clash.practitioner.turnover",
    ),
    "resource-double-booked": (
        "clash.resource",
        "together.clash.resource",
        "together.clash.resource.turnover",
    ),
    "client-double-booked": (
        "clash.client",
        "together.clash.client",
        "together.clash.client.turnover",
    ),
    "outside-opening-hours": ("hours.clinic", "hours.practitioner"),
    "practitioner-unavailable": (
        "practitioner.unknown",
        "practitioner.unqualified",
        "practitioner.on-leave",
    ),
    "diary-full": ("no-date",),  # why: closed.diary-full*, closed.slot-clash, closed.budget
}

# A sample value for each placeholder: (value, kind); parts of a sentence are messages.
SAMPLE: dict[str, tuple[Any, str]] = {
    "date": ("2026-12-04", "date"),
    "later": ("2027-01-05", "date"),
    "previous": ("2026-11-01", "date"),
    "latest": ("2027-01-12", "date"),
    "earliest": ("2026-12-29", "date"),
    "target": ("2027-01-05", "date"),
    "start": ("2026-12-01", "date"),
    "resume": ("2027-03-01", "date"),
    "until": ("2027-03-01", "date"),
    "today": ("2027-02-01", "date"),
    "first": ("2026-08-01", "date"),
    "last": ("2026-09-01", "date"),
    "day": ("2026-11-27", "date"),
    "session": ("2", "number"),
    "previous_session": ("1", "number"),
    "later_session": ("3", "number"),
    "count": ("2", "number"),
    "most": ("6w", "units"),
    "least": ("4w", "units"),
    "have": ("2", "number"),
    "gap": ("19", "number"),
    "days": ("1098", "number"),
    "minutes": ("60", "number"),
    "turnover": ("15", "number"),
    "index": ("0", "number"),
    "early": ("2", "days"),
    "grace": ("2d", "units"),
    "limit": ("12w", "units"),
    "before": ("5d", "units"),
    "after": ("7d", "units"),
    "downtime": ("3d", "units"),
    "buffer": ("2d", "units"),
    "distance": ("4w", "units"),
    "refuses": (("qzx-one", "qzx-two"), "list"),
}
PARTS = {
    "window": "window",
    "reasons": "closed",
    "reason": "closed",
    "placed": "placed.after",
    "why": "why.absolute",
    "phrase": "called",
    "weekday": "weekday.0",
    "name": "called",
}


def _params(key: str) -> list[Param]:
    """Sample parameters for ``key``: data values, and a sample message for each part."""
    out: list[Param] = []
    for name in sorted(placeholders(MESSAGES[key])):
        if name in PARTS and not (key.startswith("called") or key.startswith("unrecognised")):
            part = PARTS[name]
            out += nested(name, [cp.messages.Message(part, _params(part))])
        elif name in SAMPLE:
            value, kind = SAMPLE[name]
            out.append(Param(name, value, kind))  # type: ignore[arg-type]
        else:
            out.append(Param(name, f"qzx-{name}"))
    return out


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)}


def test_every_code_has_message_keys() -> None:
    """Each code of CODES names at least one message key, and each key exists."""
    assert set(CODE_KEYS) == set(cp.CODES)
    for code, keys in CODE_KEYS.items():
        assert keys, code
        assert set(keys) <= set(MESSAGES), code


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("key", sorted(VIOLATION_MESSAGES))
def test_every_violation_key_renders_in_every_locale(key: str, locale: str) -> None:
    """Each violation key renders with sample parameters in each locale, every brace filled."""
    text = render(key, _params(key), locale)
    assert "{" not in text and "}" not in text
    assert text or key == "as-written"


@pytest.mark.parametrize("key", sorted(VIOLATION_MESSAGES))
def test_no_english_is_left_in_spanish_violations(key: str) -> None:
    """The Spanish of each violation key keeps none of its English words (values are data)."""
    params = _params(key)
    english = _words(re.sub(r"\{[^}]*\}", " ", MESSAGES[key]))
    values = _words(" ".join(str(p.value) for p in params))
    assert english & (_words(render(key, params, "es")) - values) == set()


def _check(violation: cp.Violation) -> None:
    assert violation.key is not None, violation
    assert violation.text("en") == violation.message
    spanish = violation.text("es")
    assert spanish and "{" not in spanish.replace(violation.message, "")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=living_cases())
def test_every_violation_the_library_builds_has_a_key(case: Any) -> None:
    """validate() and plan() build every violation from a key: English equals message,
    and the Spanish renders."""
    protocol, start, history, client, clinic = case
    report = cp.validate(protocol, history, client=client, clinic=clinic) if history else None
    for v in report.violations if report else ():
        _check(v)
    try:
        result = cp.plan(protocol, start=start, client=client, clinic=clinic)
    except cp.PlanningError as exc:
        for v in exc.violations:
            _check(v)
        return
    for v in result.violations:
        _check(v)


@settings(max_examples=40, deadline=None)
@given(dates=st.lists(st.dates(D(2026, 1, 1), D(2028, 12, 31)), min_size=1, max_size=8))
def test_validated_dates_have_keys(dates: list[dt.date]) -> None:
    """Any list of dates validated against a built-in protocol gives keyed violations."""
    for protocol in (FACIAL, cp.get_protocol("scalp-series")):
        for v in cp.validate(protocol, dates, complete=True).violations:
            _check(v)


def _retinoid_client() -> cp.Client:
    return cp.Client(
        medications=[cp.Medication("topical-retinoid", start=D(2026, 11, 30))],
    )


CLOSED = cp.Clinic(
    id="k",
    name="Clínica Sol",
    timezone="Europe/Madrid",
    hours=(
        cp.OpeningHours(
            days=("mon", "tue", "wed", "thu", "fri"), opens=dt.time(9), closes=dt.time(18)
        ),
    ),
    closures=(cp.Closure(start=D(2027, 1, 5), end=D(2027, 1, 5), reason="Reyes"),),
)


def _lead_in() -> cp.Violation:
    client = cp.Client(
        medications=[cp.Medication("isotretinoin", end=D(2026, 8, 1)), cp.Medication("retinol")]
    )
    series = cp.plan(FACIAL, start=D(2026, 12, 1), sessions=4, client=client)
    visits = [
        cp.Visit(date=D(2027, 2, 1), status="done"),
        cp.Visit(date=D(2027, 3, 12), status="missed"),
    ]
    found = cp.replan(series, visits, today=D(2027, 3, 13), client=client)
    return next(v for v in found.violations if v.code == "lead-in")


@pytest.mark.parametrize(
    ("make", "code", "spanish"),
    [
        (
            lambda: cp.validate(FACIAL, [D(2026, 12, 1), D(2026, 12, 20)]).violations[0],
            "interval-too-short",
            "La sesión 2 del 20 de diciembre de 2026 cae 19 días después de la sesión anterior, "
            "demasiado pronto para el mínimo de 4 semanas de la fase series (no antes del 29 de "
            "diciembre de 2026).",
        ),
        (
            lambda: cp.validate(FACIAL, [D(2026, 12, 1), D(2027, 1, 5)], clinic=CLOSED).violations[
                0
            ],
            "clinic-closed",
            "La sesión 2 del 5 de enero de 2027 no se puede reservar en Clínica Sol: la clínica "
            "está cerrada (Reyes).",
        ),
        (
            lambda: cp.validate(FACIAL, [D(2026, 11, 28)], client=_retinoid_client()).violations[
                0
            ],
            "washout",
            "Sesión 1 del 28 de noviembre de 2026: topical-retinoid usado el 30 de noviembre de "
            "2026; el protocolo pide que el último uso sea al menos 5 días antes de una sesión y "
            "no volver a usarlo hasta 1 semana después de ella (washouts[0]). Retinol, retinal "
            "or tretinoin on the treated area: pause before and after each session.",
        ),
        (
            _lead_in,
            "lead-in",
            "Ninguna fecha permitida para la sesión 2 (series) en su ventana 1 de marzo de 2027 "
            ".. 8 de marzo de 2027 .. 15 de marzo de 2027 (la tarea previa 'suspender "
            "topical-retinoid' caería el 8 de marzo de 2027, antes del 13 de marzo de 2027); se "
            "coloca el 18 de marzo de 2027, la primera fecha permitida después de la ventana.",
        ),
    ],
)
def test_concrete_violations_in_spanish(make: Any, code: str, spanish: str) -> None:
    """A few violations as a Spanish-speaking receptionist reads them (a protocol's own
    note stays as the protocol wrote it)."""
    violation = make()
    assert violation.code == code
    assert violation.text("es") == spanish
    assert violation.text() == violation.message


def test_free_text_violations_still_work() -> None:
    """A violation built with free text has no key and reads as written in every locale."""
    v = cp.Violation(code="washout", severity="error", message="Stop the retinol.")
    assert v.key is None and v.params == ()
    assert v.text() == v.text("es") == "Stop the retinol."
    with pytest.raises(cp.InputError, match="unknown locale 'fr'"):
        v.text("fr")


def test_a_keyed_violation_renders_its_message() -> None:
    """With a key, message is the English rendering; equality and hash follow the fields."""
    params = [Param("session", "2", "number"), Param("date", "2027-01-05", "date")]
    params += [Param("clinic", "Sol"), *nested("reason", [cp.messages.Message("closed")])]
    v = cp.Violation(code="clinic-closed", severity="error", key="clinic-closed", params=params)
    assert v.message == "Session 2 on 2027-01-05 cannot be booked at Sol: the clinic is closed."
    assert v.params == tuple(params)
    same = cp.Violation(
        code="clinic-closed", severity="error", key="clinic-closed", params=tuple(params)
    )
    assert v == same and hash(v) == hash(same)
    assert "key='clinic-closed'" in repr(v)
    assert attrs.evolve(v, session=2) == attrs.evolve(same, session=2)
    assert v.text("es").endswith("la clínica está cerrada.")


@pytest.mark.parametrize(
    ("changes", "path", "match"),
    [
        ({"key": "no-such-key"}, "key", "unknown message key 'no-such-key'"),
        ({"key": "clinic-closed", "params": ()}, "params", "misses clinic, date, reason"),
        ({"message": "x", "params": [Param("a", "b")]}, "params", "must be empty"),
        ({"message": " "}, "message", "must not be empty"),
        ({"message": "x", "params": ["not a param"]}, "params", "Param"),
        ({"key": 3}, "key", "must be a string"),
    ],
)
def test_keys_and_params_are_checked(changes: dict[str, Any], path: str, match: str) -> None:
    """An unknown key, missing placeholders or params without a key name the field."""
    fields: dict[str, Any] = {"code": "clinic-closed", "severity": "error", **changes}
    with pytest.raises(cp.InputError, match=match) as info:
        cp.Violation(**fields)
    assert info.value.path.startswith(path)


def test_documents_keep_key_and_params() -> None:
    """Plan and report documents carry key and params, round-trip, and re-render in Spanish."""
    report = cp.validate(FACIAL, [D(2026, 12, 1), D(2026, 12, 20)])
    doc = json.loads(cp.to_json(report))
    (violation,) = doc["violations"]
    assert violation["key"] == "interval.too-short"
    assert {"name": "least", "value": "4w", "kind": "units"} in violation["params"]
    back = cp.from_json(cp.to_json(report))
    assert back == report
    assert isinstance(back, cp.Report)
    assert back.violations[0].text("es").startswith("La sesión 2 del 20 de diciembre de 2026")
    plan = cp.plan(FACIAL, start=D(2026, 12, 1), client=_retinoid_client(), clinic=CLOSED)
    assert cp.from_json(cp.to_json(plan)) == plan


def test_old_documents_without_keys_still_read() -> None:
    """A document written before violations had keys reads, with its message as written."""
    report = cp.validate(FACIAL, [D(2026, 12, 1), D(2026, 12, 20)])
    doc = json.loads(cp.to_json(report))
    for v in doc["violations"]:
        del v["key"], v["params"]
    old = cp.from_json(json.dumps(doc))
    assert isinstance(old, cp.Report)
    (violation,) = old.violations
    assert violation.key is None
    assert violation.message == report.violations[0].message
    assert violation.text("es") == violation.message


def test_a_document_with_a_key_and_no_message_is_rendered() -> None:
    """A violation read with a key and no message gets its English rendering."""
    report = cp.validate(FACIAL, [D(2026, 12, 1), D(2026, 12, 20)])
    doc = json.loads(cp.to_json(report))
    del doc["violations"][0]["message"]
    assert cp.from_json(json.dumps(doc)) == report


def test_cli_validate_locale(capsys: pytest.CaptureFixture[str]) -> None:
    """validate --locale es prints the violations in Spanish; the default stays English."""
    args = ["validate", "facial-series", "2026-12-01", "2026-12-20"]
    assert main([*args, "--locale", "es"]) == 1
    out = capsys.readouterr().out
    assert (
        "error [interval-too-short] sesión 2: La sesión 2 del 20 de diciembre de 2026 cae 19 "
        "días después de la sesión anterior" in out
    )
    assert main(args) == 1
    assert (
        "error [interval-too-short] session 2: Session 2 on 2026-12-20" in capsys.readouterr().out
    )
    assert main([*args, "--locale", "fr"]) == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def test_cli_plan_and_next_due_locale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """plan and next-due take --locale for their violations' sentences."""
    client = tmp_path / "c.toml"
    client.write_text(
        "schema = 1\n[[conditions]]\nname = 'pregnancy'\nstart = 2027-02-20\nend = 2027-12-31\n",
        encoding="utf-8",
    )
    args = ["next-due", "facial-series", "--today", "2027-03-01", "--done", "2027-01-04"]
    assert main([*args, "--client", str(client), "--locale", "es"]) == 0
    assert "queda en pausa hasta el 1 de enero de 2028" in capsys.readouterr().out
    closed = tmp_path / "k.toml"
    closed.write_text(
        "schema = 1\nid = 'k'\nname = 'Sol'\ntimezone = 'Europe/Madrid'\n"
        "[[hours]]\ndays = ['mon', 'tue', 'wed', 'thu', 'fri']\nopens = '09:00'\n"
        "closes = '18:00'\n[[closures]]\nstart = 2026-12-20\nend = 2027-01-31\n",
        encoding="utf-8",
    )
    args = ["plan", "facial-series", "--start", "2026-12-01", "--clinic", str(closed)]
    assert main([*args, "--locale", "es"]) == 1
    out = capsys.readouterr().out
    assert (
        "error [no-date-in-window] sesión 2: Ninguna fecha permitida para la sesión 2 (series) "
        "en su ventana 29 de diciembre de 2026 .. 5 de enero de 2027 .. 12 de enero de 2027 "
        "(la clínica está cerrada); se coloca el 1 de febrero de 2027" in out
    )


def test_parts_of_a_message_are_checked_too() -> None:
    """A part (a message-kind parameter) missing its own placeholders is refused at once."""
    params = [Param("session", "2", "number"), Param("date", "2027-01-05", "date")]
    params += [Param("clinic", "Sol"), Param("reason", "closed.note", "message")]
    with pytest.raises(cp.InputError, match=r"misses reason\.note") as info:
        cp.Violation(code="clinic-closed", severity="error", key="clinic-closed", params=params)
    assert info.value.path == "params"


def test_cli_together_locale(capsys: pytest.CaptureFixture[str]) -> None:
    """`together --locale es` writes each plan's violations in Spanish (conflicts between
    plans go through the same violation_line); the English default is unchanged."""
    from collagenplan.cli import main

    args = ["together", "--series", "facial-series", "2027-01-05", "2027-01-12"]
    args += ["--series", "body-series", "2027-01-12"]
    assert main(args) == 1
    english = capsys.readouterr().out
    assert main([*args, "--locale", "es"]) == 1
    spanish = capsys.readouterr().out
    assert "error [interval-too-short] session 2:" in english
    english_lines = [line for line in english.splitlines() if "[" in line]
    spanish_lines = [line for line in spanish.splitlines() if "[" in line]
    assert len(english_lines) == len(spanish_lines) >= 1
    assert all(e != s for e, s in zip(english_lines, spanish_lines, strict=True))
    assert "Session" not in spanish and "days after" not in spanish
    assert "La sesión 2 del 12 de enero de 2027 cae 7 días después" in spanish
