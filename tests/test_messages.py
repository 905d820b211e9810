"""Messages as data: every key renders in every shipped locale, and the catalogues are current.

The catalogues are made with Babel's standard commands, from the repository root::

    pybabel extract --no-default-keywords -k N_ -k NN_:1,2 --no-location --sort-output \\
        -o src/collagenplan/messages/locale/collagenplan.pot src/collagenplan/messages
    pybabel update -D collagenplan -i src/collagenplan/messages/locale/collagenplan.pot \\
        -d src/collagenplan/messages/locale
    # translate the new entries in locale/<lang>/LC_MESSAGES/collagenplan.po, then
    pybabel compile -D collagenplan -d src/collagenplan/messages/locale

These tests fail when one of those steps was forgotten.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import collagenplan as cp
from collagenplan.cli import main
from collagenplan.durations import Duration
from collagenplan.messages import (
    LOCALES,
    MESSAGES,
    Message,
    Param,
    duration_words,
    placeholders,
    render,
    translation,
)

PACKAGE = Path(cp.__file__).resolve().parent / "messages"
LOCALE_DIR = PACKAGE / "locale"
SAMPLE = {
    "name": "xyz",
    "path": "medications[0].exposure",
    "suggestions": ("abc", "abd"),
    "exposure": "topical-retinoid",
    "condition": "cold-sore-history",
    "action": "antiviral-prophylaxis",
    "rule": "washouts[0]",
    "before": "5d",
    "after": "1w",
    # screening reasons, milestones and export texts (messages/_texts.py)
    "typed": "Retin-A",
    "field": "cleared",
    "first": "2026-02-01",
    "last": "2026-08-01",
    "day": "2026-12-04",
    "date": "2027-02-01",
    "start": "2026-12-04",
    "end": "2026-12-06",
    "earliest": "2026-12-01",
    "target": "2026-12-04",
    "latest": "2026-12-10",
    "every": "4w",
    "shortest": "3w",
    "longest": "6w",
    "grace": "3d",
    "duration": "24h",
    "count": "3",
    "number": "2",
    "total": "4",
    "low": "3",
    "high": "6",
    "default": "4",
    "code": "zz-1",
    "kind": "zz-kind",
    "subject": "no-makeup",
    "restriction": "no-makeup",
    "procedure": "neurotoxin",
    "protocol": "zz-protocol",
    "phase": "zz-phase",
    "title": "Zz Title",
    "heading": "Zz heading",
    "summary": "Zz summary",
    "session": "Zz session",
    "task": "zz task",
    "line": "zz line",
    "items": "zz items",
    "message": "zz message",
    "note": "zz note",
    "time": "09:30",
}
KINDS = {
    "before": "duration",
    "after": "duration",
    "suggestions": "list",
    **dict.fromkeys(
        ("first", "last", "day", "date", "start", "end", "earliest", "target", "latest"), "date"
    ),
    **dict.fromkeys(("every", "shortest", "longest", "grace", "duration"), "units"),
    **dict.fromkeys(("count", "number", "total", "low", "high", "default"), "number"),
}


def _params(key: str) -> list[Param]:
    return [
        Param(name, SAMPLE.get(name, "xyz"), KINDS.get(name, "text"))  # type: ignore[arg-type]
        for name in sorted(placeholders(MESSAGES[key]))
    ]


def _po(locale: str) -> object:
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "collagenplan.po").open("rb") as f:
        return read_po(f)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_renders_in_every_locale(key: str, locale: str) -> None:
    """Each message key renders with its parameters in each locale, every placeholder filled."""
    text = render(key, _params(key), locale)
    assert text and "{" not in text and "}" not in text
    for value in ("xyz", "medications[0].exposure", "topical-retinoid", "cold-sore-history"):
        if any(p.value == value for p in _params(key)):
            assert value in text


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_no_english_is_left_in_the_second_locale(key: str) -> None:
    """The Spanish text keeps none of the English template's words (parameters are data)."""
    template = re.sub(r"\{[^}]*\}", " ", MESSAGES[key])
    english = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", template)}
    spanish = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", render(key, _params(key), "es"))}
    values = {w.lower() for v in SAMPLE.values() for w in re.findall(r"[A-Za-z]{4,}", str(v))}
    assert english & (spanish - values) == set()


def test_catalogues_hold_exactly_the_marked_messages() -> None:
    """The .pot and each .po hold exactly the ids marked in the source: none missing or stale."""
    marked = {
        message if isinstance(message, str) else message[0]
        for source in sorted(PACKAGE.glob("*.py"))
        for _, message, _, _ in extract_from_file(
            "python", str(source), keywords={"N_": None, "NN_": (1, 2)}
        )
    }
    assert set(MESSAGES.values()) <= marked
    with (LOCALE_DIR / "collagenplan.pot").open("rb") as f:
        assert {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id} == marked
    for locale in LOCALES[1:]:
        catalog: Any = _po(locale)
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
        assert ids == marked, locale
        for m in catalog:
            if m.id:
                strings = m.string if isinstance(m.string, tuple) else (m.string,)
                assert all(strings) and not m.fuzzy, (locale, m.id)


@pytest.mark.parametrize("locale", LOCALES[1:])
def test_compiled_catalogues_match_their_sources(locale: str) -> None:
    """Each shipped .mo is the compilation of its .po (run pybabel compile after editing)."""
    buffer = io.BytesIO()
    write_mo(buffer, _po(locale))  # type: ignore[arg-type]
    buffer.seek(0)
    fresh = gettext.GNUTranslations(buffer)
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "collagenplan.mo").open("rb") as f:
        shipped = gettext.GNUTranslations(f)
    assert shipped._catalog == fresh._catalog  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "en", "es"),
    [
        ("1d", "1 day", "1 día"),
        ("5d", "5 days", "5 días"),
        ("7d", "1 week", "1 semana"),
        ("9d", "1 week and 2 days", "1 semana y 2 días"),
        ("6m", "6 months", "6 meses"),
        ("1y", "1 year", "1 año"),
        ("1y2m", "1 year and 2 months", "1 año y 2 meses"),
        ("1m15d", "1 month, 2 weeks and 1 day", "1 mes, 2 semanas y 1 día"),
        ("48h", "48 hours", "48 horas"),
        ("0d", "0 days", "0 días"),
    ],
)
def test_durations_are_written_as_words(text: str, en: str, es: str) -> None:
    """Durations read as words in each locale, never as file notation."""
    assert duration_words(Duration.parse(text)) == en
    assert duration_words(Duration.parse(text), "es") == es


def test_unknown_locale_and_key_are_errors() -> None:
    """An unknown locale or key raises InputError naming what is shipped."""
    with pytest.raises(cp.InputError, match="unknown locale 'fr' \\(shipped: en, es\\)"):
        translation("fr")
    with pytest.raises(cp.InputError, match="unknown message key"):
        render("nope", ())
    with pytest.raises(cp.InputError, match="needs after, before, exposure, rule"):
        render("pause.both", ())


def test_screening_reasons_keep_their_messages_as_data() -> None:
    """Unrecognised and pause reasons carry keys and parameters, render in Spanish, round-trip."""
    client = cp.Client(
        medications=[cp.Medication("retinol"), cp.Medication("isotretinion")],
    )
    result = cp.screen(client, cp.get_protocol("facial-series"), on=dt.date(2026, 12, 1))
    (unknown,) = result.reasons
    (pause,) = result.pauses
    assert [m.key for m in unknown.messages] == ["unrecognised.records"]
    assert [m.key for m in pause.messages] == ["pause.both", "recorded-as"]
    assert unknown.text() == unknown.message
    assert pause.text() == pause.message
    assert unknown.text("es").startswith(
        "'isotretinion' (medications[1].exposure) no es una exposición ni una afección conocida"
    )
    assert pause.text("es").startswith(
        "topical-retinoid: suspender al menos 5 días antes de cada sesión y no reanudar hasta "
        "1 semana después de ella (washouts[0]). Registrado como 'retinol'. Retinol"
    )
    assert cp.from_json(cp.to_json(result)) == result


def test_precautions_keep_their_messages_as_data() -> None:
    """A precaution renders its action and timing in words, the protocol's note as written."""
    client = cp.Client(conditions=[cp.Condition("cold-sore-history")])
    result = cp.screen(client, cp.get_protocol("facial-series"), on=dt.date(2026, 12, 1))
    (precaution,) = result.precautions
    assert [m.key for m in precaution.messages] == ["precaution.both"]
    assert precaution.message.startswith(
        "cold-sore-history: antiviral-prophylaxis from 2 days before to 2 days after each "
        "session (precautions[0]). Start an antiviral"
    )
    assert precaution.text("es").startswith(
        "cold-sore-history: antiviral-prophylaxis desde 2 días antes hasta 2 días después de "
        "cada sesión (precautions[0]). Start an antiviral"
    )


def test_a_reason_built_with_only_a_message_keeps_it_in_every_locale() -> None:
    """A caller-built reason without messages returns its text as written in any shipped locale."""
    reason = cp.Reason(code="washout", subject="x", rule="washouts[0]", message="English.")
    assert reason.text("es") == "English."
    with pytest.raises(cp.InputError, match="unknown locale"):
        reason.text("fr")


def test_message_values_are_plain_data() -> None:
    """A Message is a key and parameters; rendering it equals render()."""
    message = Message("recorded-as", [Param("name", "Retin-A")])
    assert message.params == (Param("name", "Retin-A"),)
    assert message.render("es") == "Registrado como 'Retin-A'."


def test_cli_screen_locale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """screen --locale es writes the sentences built as messages in Spanish."""
    path = tmp_path / "c.toml"
    path.write_text("schema = 1\n[[medications]]\nexposure = 'isotretinion'\n", encoding="utf-8")
    args = ["screen", str(path), "--protocol", "facial-series", "--on", "2026-12-01"]
    assert main([*args, "--locale", "es"]) == 0
    assert "no es una exposición ni una afección conocida" in capsys.readouterr().out
    assert main([*args, "--locale", "fr"]) == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("param", "en", "es"),
    [
        (Param("d", "2026-12-04", "date"), "2026-12-04", "4 de diciembre de 2026"),
        (Param("d", "2028-02-29", "date"), "2028-02-29", "29 de febrero de 2028"),
        (Param("d", "1", "days"), "1 day", "1 día"),
        (Param("d", "12", "days"), "12 days", "12 días"),
        (Param("d", "0", "days"), "0 days", "0 días"),
        (Param("d", "3", "number"), "3", "3"),
    ],
)
def test_dates_and_counts_are_written_in_the_locale(param: Param, en: str, es: str) -> None:
    """Dates stay ISO in English, take the locale's long form elsewhere; days keep plurals."""
    from collagenplan.messages import _value

    assert _value(param, "en") == en
    assert _value(param, "es") == es


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("date", "2026-02-30"),
        ("date", "soon"),
        ("days", "two"),
        ("number", "1.5"),
        ("duration", "5x"),
        ("list", "a"),
        ("date", ("a",)),
        ("colour", "red"),
    ],
)
def test_parameters_of_the_wrong_form_are_refused(kind: str, value: Any) -> None:
    """A parameter whose value does not fit its kind is an InputError naming the field."""
    with pytest.raises(cp.InputError, match=r"^(value|kind): "):
        Param("x", value, kind)


def test_dates_outside_english_without_babel_name_the_extra() -> None:
    """Without Babel, a date in a locale other than English is a MissingExtraError naming
    the i18n extra; English needs no Babel."""
    import subprocess
    import sys

    code = (
        "import sys, datetime as dt\n"
        "sys.modules['babel'] = None\n"
        "sys.modules['babel.dates'] = None\n"
        "import collagenplan as cp\n"
        "from collagenplan.messages import date_words\n"
        "print(date_words(dt.date(2027, 2, 1)))\n"
        "try:\n"
        "    date_words(dt.date(2027, 2, 1), 'es')\n"
        "except cp.MissingExtraError as e:\n"
        "    print(e.extra, e.package)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["2027-02-01", "i18n", "babel"]
