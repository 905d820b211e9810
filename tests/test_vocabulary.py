"""The client vocabulary: typed names find their ids, unknown names are never ignored.

Covers the vocabulary itself (matching, the built-in file, clinic files),
what screening, planning and validation do with unknown names, area-scoped
records, strict loading, the pauses screening lists, and the field reports'
reproducers r13 (a misspelt medication) and r16 (a face retinoid and a scalp
course).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan.cli import main
from collagenplan.vocabulary import normalise
from tests.strategies import BASE, clients, protocol, protocols, typed_forms, unknown_names

D = dt.date
ON = D(2026, 12, 1)
FACIAL = cp.get_protocol("facial-series")
SCALP = cp.get_protocol("scalp-series")
WORDS = cp.default_vocabulary()


def screen_one(name: str, *, on: dt.date = ON, **fields: object) -> cp.Screening:
    client = cp.Client(medications=[cp.Medication(name, **fields)])  # type: ignore[arg-type]
    return cp.screen(client, FACIAL, on=on)


# ------------------------------------------------------------------ matching


@pytest.mark.parametrize(
    ("typed", "expected", "suggested"),
    [
        # ids, labels, synonyms and brands, in any case and spacing
        ("isotretinoin", "isotretinoin", None),
        ("ISOTRETINOIN", "isotretinoin", None),
        ("  Isotretinoin ", "isotretinoin", None),
        ("Roaccutane", "isotretinoin", None),
        ("accutane", "isotretinoin", None),
        ("Absorica", "isotretinoin", None),
        ("Oral isotretinoin", "isotretinoin", None),
        ("Retin-A", "topical-retinoid", None),
        ("retin a", "topical-retinoid", None),
        ("RETIN_A", "topical-retinoid", None),
        ("retinol", "topical-retinoid", None),
        ("Retinaldehyde", "topical-retinoid", None),
        ("adapalene", "topical-retinoid", None),
        ("Topical Retinoid", "topical-retinoid", None),
        ("glycolic acid", "aha-bha-acids", None),
        ("Salicylic", "aha-bha-acids", None),
        ("mandelic acid", "aha-bha-acids", None),
        ("warfarin", "anticoagulants", None),
        ("Eliquis", "anticoagulants", None),
        ("rivaroxaban", "anticoagulants", None),
        ("blood thinners", "anticoagulants", None),
        ("ibuprofen", "nsaids", None),
        ("Fish oil", "blood-thinning-supplements", None),
        ("pregnant", "pregnancy", None),
        ("Atopic dermatitis", "eczema", None),
        # misspellings: never resolved, always suggested
        ("isotretinion", None, "isotretinoin"),
        ("Roacutane", None, "isotretinoin"),
        ("warfarine", None, "anticoagulants"),
        ("retinoll", None, "topical-retinoid"),
        ("excema", None, "eczema"),
        ("pregnacy", None, "pregnancy"),
        # ambiguous words are left for a clinician, with both readings
        ("cold sore", None, "active-cold-sore"),
        # unknown words: unresolved, with or without suggestions
        ("vitamin c serum", None, None),
        ("metformin", None, None),
    ],
)
def test_typed_names_resolve_or_are_unrecognised(
    typed: str, expected: str | None, suggested: str | None
) -> None:
    """A typed name maps to its id, or screening says review/unrecognised with suggestions."""
    found = WORDS.match(typed, "records")
    assert found.id == expected
    result = screen_one(typed, on=ON)
    unknown = [r for r in result.reasons if r.code == "unrecognised"]
    if expected is not None:
        assert unknown == []
        assert found.suggestions == ()
        return
    assert result.status == "review"
    (reason,) = unknown
    assert (reason.subject, reason.rule) == (typed, "medications[0].exposure")
    assert f"{typed!r}" in reason.message
    assert reason.suggestions == found.suggestions
    if suggested is not None:
        assert suggested in reason.suggestions
        assert suggested in reason.message


@pytest.mark.parametrize(
    ("typed", "among", "expected"),
    [
        ("Botox", "procedures", "neurotoxin"),
        ("botulinum toxin", "procedures", "neurotoxin"),
        ("Juvederm", "procedures", "dermal-filler"),
        ("TCA peel", "procedures", "chemical-peel"),
        ("Décolleté", "areas", "decolletage"),
        ("decollete", "areas", "decolletage"),
        ("Lips", "areas", "lips"),
        ("botox", "records", None),  # a procedure is not a medication
    ],
)
def test_procedures_and_areas_have_their_own_names(
    typed: str, among: str, expected: str | None
) -> None:
    """Procedures and areas resolve among their own names only."""
    assert WORDS.lookup(typed, among) == expected  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_every_known_name_resolves_in_any_typed_form(data: st.DataObject) -> None:
    """Every name of every entry resolves to its id whatever its case and spacing."""
    term = data.draw(st.sampled_from(list(WORDS)))
    name = data.draw(st.sampled_from(term.names))
    typed = data.draw(typed_forms(name))
    among = "procedures" if term in WORDS.procedures else "records"
    assert WORDS.lookup(typed, among) == term.id


def test_normalise_folds_case_accents_and_punctuation() -> None:
    """Names compare with case, accents, spacing and punctuation folded away."""
    assert normalise(" Retin\u2013A ") == "retin-a"  # an en dash
    assert normalise("Décolleté") == "decollete"
    assert normalise("St. John's   wort") == "st-john-s-wort"
    assert normalise("-- ") == ""


# --------------------------------------------------------- built-in catalogue


def test_builtin_vocabulary_knows_every_name_the_builtin_protocols_use() -> None:
    """Each rule name of each built-in protocol is an id of the right kind, each area too."""
    for pid in cp.protocol_ids():
        p = cp.get_protocol(pid)
        records = [w.exposure for w in p.washouts] + [c.condition for c in p.contraindications]
        records += [c.condition for c in p.precautions]
        for name in records:
            assert WORDS.lookup(name, "records") == name, (pid, name)
        for name in (s.procedure for s in p.spacing):
            assert WORDS.lookup(name, "procedures") == name, (pid, name)
        for name in p.areas:
            assert WORDS.lookup(name, "areas") == name, (pid, name)


def test_every_builtin_entry_cites_a_source() -> None:
    """Like the protocol catalogue, every built-in entry says where its names come from."""
    missing = [e.id for e in (*WORDS, *WORDS.areas) if not e.source]
    assert missing == []


def test_builtin_vocabulary_ships_in_the_wheel_config() -> None:
    """The TOML lives inside the package folder the wheel ships."""
    root = Path(__file__).resolve().parent.parent
    assert (root / "src" / "collagenplan" / "vocabulary" / "builtin.toml").is_file()
    assert 'packages = ["src/collagenplan"]' in (root / "pyproject.toml").read_text()


# ---------------------------------------------------------- clinic files


CLINIC_WORDS = """
schema = 1

[[exposures]]
id = "hydroquinone"
label = "Hydroquinone"
scope = "area"
synonyms = ["Tri-Luma", "lightening cream"]
source = "our formulary"

[[exposures]]
id = "tranexamic-acid"
label = "Tranexamic acid"
synonyms = ["TXA", "Cyklokapron"]
"""


def test_clinic_vocabulary_extends_and_replaces_the_builtin_one() -> None:
    """A clinic file adds entries, and an entry with a built-in id replaces that entry."""
    words = cp.parse_vocabulary(CLINIC_WORDS, source="words.toml")
    assert words.lookup("txa", "records") == "tranexamic-acid"
    assert words.lookup("Tri-Luma", "records") == "hydroquinone"
    assert words.lookup("skin lightening cream", "records") is None  # replaced entry's names
    assert words.lookup("Roaccutane", "records") == "isotretinoin"  # the rest is kept
    alone = cp.parse_vocabulary(CLINIC_WORDS, extend=False)
    assert alone.ids("exposures") == ("hydroquinone", "tranexamic-acid")


def test_client_with_a_clinic_vocabulary(tmp_path: Path) -> None:
    """load_client(vocabulary=) reads names with the clinic's words; screening uses them."""
    words_file = tmp_path / "words.toml"
    words_file.write_text(CLINIC_WORDS, encoding="utf-8")
    client_file = tmp_path / "c.toml"
    client_file.write_text(
        'schema = 1\n[[medications]]\nexposure = "TXA"\n[[conditions]]\nname = "Eczema"\n',
        encoding="utf-8",
    )
    words = cp.load_vocabulary(words_file)
    client = cp.load_client(client_file, strict=True, vocabulary=words)
    assert client.vocabulary is words
    assert cp.screen(client, FACIAL, on=ON).status == "review"  # eczema: relative
    with pytest.raises(cp.ClientError, match=r"medications\[0\]\.exposure: unrecognised"):
        cp.load_client(client_file, strict=True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "schema = 1\n[[exposures]]\nid = 'a'\nlabel = 'A'\n[[conditions]]\nid = 'a'\n"
            "label = 'B'\n",
            "w.toml: conditions[0].id: repeats id 'a' (already exposures[0])",
        ),
        (
            "schema = 1\n[[exposures]]\nid = 'a'\nlabel = 'A'\nsynonyms = ['Same']\n"
            "[[exposures]]\nid = 'b'\nlabel = 'B'\nbrands = ['same']\n",
            "w.toml: exposures[1]: 'same' already names 'a' (exposures[0])",
        ),
        (
            "schema = 1\n[[exposures]]\nid = 'a'\nlabel = 'A'\nscope = 'face'\n",
            "w.toml: exposures[0].scope: must be one of body, area",
        ),
        (
            "schema = 1\n[[exposures]]\nid = 'A b'\nlabel = 'A'\n",
            "w.toml: exposures[0].id: the name must be kebab-case",
        ),
        (
            "schema = 1\n[[areas]]\nid = 'lips'\nlabel = 'Lips'\nwithin = ['mouth']\n",
            "w.toml: areas[0].within[0]: names unknown area 'mouth'",
        ),
        (
            "schema = 1\n[[exposures]]\nid = 'a'\nlabel = 'A'\nsynonym = ['x']\n",
            "w.toml: exposures[0].synonym: unknown key",
        ),
        (
            "schema = 1\n[[exposures]]\nid = 'a'\nlabel = 'A'\nsynonyms = ['--']\n",
            "w.toml: exposures[0].synonyms[0]: must contain a letter or a digit",
        ),
        ("schema = 2\n", "w.toml: schema: unsupported schema 2"),
    ],
)
def test_bad_vocabulary_files_name_file_and_path(text: str, message: str) -> None:
    """A broken vocabulary file raises VocabularyError (a ClientError) naming file and path."""
    with pytest.raises(cp.VocabularyError) as info:
        cp.parse_vocabulary(text, source="w.toml", extend=False)
    assert str(info.value).startswith(message)
    assert isinstance(info.value, cp.ClientError)


def test_a_clinic_name_clashing_with_the_builtin_one_is_an_error() -> None:
    """A clinic synonym that already names a built-in entry is refused, naming both."""
    text = "schema = 1\n[[exposures]]\nid = 'my-retinol'\nlabel = 'Retinol'\n"
    with pytest.raises(
        cp.VocabularyError, match=r"clashes with the built-in vocabulary.*'Retinol'"
    ):
        cp.parse_vocabulary(text, source="w.toml")


# ------------------------------------------------------------ unknown names


def test_unknown_names_reach_plan_and_validate_as_warnings() -> None:
    """plan and validate carry one 'unrecognised' warning per unknown name; plan stays ok."""
    client = cp.Client(
        medications=[cp.Medication("isotretinion", end=D(2026, 8, 1))],
        procedures=[cp.Procedure("Botx", D(2026, 11, 1))],
    )
    result = cp.plan(FACIAL, start=ON, client=client)
    found = [(v.code, v.severity, v.session, v.rule) for v in result.violations]
    assert found == [
        ("unrecognised", "warning", None, "medications[0].exposure"),
        ("unrecognised", "warning", None, "procedures[0].kind"),
    ]
    assert result.ok
    assert "isotretinoin" in result.violations[0].message
    report = cp.validate(FACIAL, result, client=client)
    assert [v for v in report.violations if v.code == "unrecognised"] == list(result.violations)


def test_unknown_names_are_listed_even_when_something_else_decides() -> None:
    """A deferred or contraindicated client still gets its unrecognised reasons, last."""
    client = cp.Client(
        conditions=[cp.Condition("pregnancy"), cp.Condition("hay fever")],
    )
    result = cp.screen(client, FACIAL, on=ON)
    assert result.status == "contraindicated"
    assert [r.code for r in result.reasons] == ["contraindicated", "unrecognised"]


def test_planning_error_lists_what_blocks_not_what_is_unknown() -> None:
    """A client refused a plan gets the blocking reasons as errors; unknown names stay out."""
    client = cp.Client(conditions=[cp.Condition("pregnancy"), cp.Condition("hay fever")])
    with pytest.raises(cp.PlanningError) as info:
        cp.plan(FACIAL, start=ON, client=client)
    assert [(v.code, v.severity) for v in info.value.violations] == [("contraindicated", "error")]


def test_a_name_only_the_protocol_knows_is_recognised() -> None:
    """A clinic protocol rule for a name the vocabulary lacks matches it, in any case."""
    p = protocol()
    p = cp.parse_protocol(
        cp.format_protocol(p) + '\n[[washouts]]\nexposure = "tranexamic-acid"\nbefore = "3d"\n'
    )
    client = cp.Client(medications=[cp.Medication("Tranexamic Acid", end=ON)])
    result = cp.screen(client, p, on=ON)
    assert result.status == "deferred"
    assert [(r.code, r.subject) for r in result.reasons] == [("washout", "tranexamic-acid")]
    assert result.reasons[0].message.startswith("tranexamic-acid used on 2026-12-01")


def test_a_protocol_rule_may_use_any_name_of_an_entry() -> None:
    """A clinic rule for 'retinol' or 'botox' meets records of 'Retin-A' or 'Dysport'."""
    p = cp.parse_protocol(
        cp.format_protocol(protocol())
        + '\n[[washouts]]\nexposure = "retinol"\nbefore = "3d"\n'
        + '\n[[spacing]]\nprocedure = "botox"\nbefore = "2w"\n'
    )
    client = cp.Client(
        medications=[cp.Medication("Retin-A", end=ON)],
        procedures=[cp.Procedure("Dysport", D(2026, 11, 25))],
    )
    result = cp.screen(client, p, on=ON)
    assert [(r.code, r.subject) for r in result.reasons] == [("washout", "retinol")]
    assert cp.plan(p, start=ON, client=client).sessions[0].date == D(2026, 12, 9)


def test_cleared_accepts_any_name_of_the_recorded_entry() -> None:
    """Clearing 'anticoagulants' settles a medication recorded as 'warfarin', and back."""
    for recorded, cleared in [("warfarin", "anticoagulants"), ("anticoagulants", "Eliquis")]:
        client = cp.Client(medications=[cp.Medication(recorded)], cleared=[cleared])
        assert cp.screen(client, FACIAL, on=ON).status == "eligible"
        assert client.is_cleared("anticoagulants")
    uncleared = cp.Client(medications=[cp.Medication("warfarin")])
    assert cp.screen(uncleared, FACIAL, on=ON).status == "review"


@settings(max_examples=150, deadline=None)
@given(data=st.data(), p=protocols(catalogue=True), where=st.sampled_from(["med", "cond", "proc"]))
def test_no_client_with_an_unknown_name_screens_eligible(
    data: st.DataObject, p: cp.Protocol, where: str
) -> None:
    """Whatever else a client has recorded, one unknown name keeps them from 'eligible'."""
    client = data.draw(clients(p))
    name = data.draw(unknown_names(p))
    on = data.draw(st.dates(BASE - dt.timedelta(days=400), BASE + dt.timedelta(days=400)))
    if where == "med":
        extra = {"medications": (*client.medications, cp.Medication(name))}
    elif where == "cond":
        extra = {"conditions": (*client.conditions, cp.Condition(name))}
    else:
        extra = {"procedures": (*client.procedures, cp.Procedure(name, on))}
    client = attrs.evolve(client, **extra)
    result = cp.screen(client, p, on=on)
    assert result.status != "eligible"
    assert name in [r.subject for r in result.reasons if r.code == "unrecognised"]


# -------------------------------------------------------------------- areas


def test_face_retinoid_does_not_block_a_scalp_course() -> None:
    """r16: a retinoid used on the face leaves a scalp course alone; on the scalp it does not."""
    face = cp.Client(medications=[cp.Medication("topical-retinoid", areas=["face"])])
    result = cp.plan(SCALP, start=D(2027, 4, 15), client=face)
    assert result.sessions[0].date == D(2027, 4, 15)
    assert result.violations == ()
    assert all(m.kind == "aftercare" for s in result.sessions for m in s.milestones)
    screening = cp.screen(face, SCALP, on=D(2027, 4, 15))
    assert (screening.status, screening.reasons, screening.pauses) == ("eligible", (), ())
    for areas in (["scalp"], ["Hairline"], []):
        client = cp.Client(medications=[cp.Medication("retinol", areas=areas)])
        with pytest.raises(cp.PlanningError, match="deferred with no known end"):
            cp.plan(SCALP, start=D(2027, 4, 15), client=client)


def test_face_retinoid_still_pauses_around_a_face_course() -> None:
    """The same record on the face pauses around each facial session (area 'lips' is face)."""
    for areas in (["face"], ["lips"], ["Face", "hands"]):
        client = cp.Client(medications=[cp.Medication("Retin-A", areas=areas)])
        result = cp.plan(FACIAL, start=ON, client=client)
        kinds = [m.kind for m in result.sessions[0].milestones if m.subject == "topical-retinoid"]
        assert kinds == ["stop", "resume"], areas


MINOXIDIL_FACE = cp.parse_protocol(
    cp.format_protocol(protocol(areas=("face",)))
    + '\n[[washouts]]\nexposure = "minoxidil"\nbefore = "1d"\nafter = "1d"\n'
)


def test_scalp_minoxidil_does_not_pause_around_a_face_course() -> None:
    """A clinic's minoxidil washout applies where minoxidil is used, not to a face course."""
    scalp = cp.Client(medications=[cp.Medication("Rogaine", areas=["scalp"])])
    assert cp.screen(scalp, MINOXIDIL_FACE, on=ON).pauses == ()
    plan = cp.plan(MINOXIDIL_FACE, start=ON, client=scalp)
    assert not [m for s in plan.sessions for m in s.milestones if m.subject == "minoxidil"]
    anywhere = cp.Client(medications=[cp.Medication("Rogaine")])
    (pause,) = cp.screen(anywhere, MINOXIDIL_FACE, on=ON).pauses
    assert (pause.code, pause.subject, pause.rule) == ("pause", "minoxidil", "washouts[0]")


def test_areas_never_narrow_something_that_acts_on_the_whole_body() -> None:
    """Isotretinoin 'on the scalp' still blocks a face course, and the record is flagged."""
    client = cp.Client(
        medications=[cp.Medication("isotretinoin", end=D(2026, 8, 1), areas=["scalp"])]
    )
    result = cp.screen(client, FACIAL, on=ON)
    assert result.status == "deferred"
    assert [(r.code, r.rule) for r in result.reasons] == [
        ("washout", "washouts[3]"),
        ("unrecognised", "medications[0].areas"),
    ]


def test_an_unknown_area_counts_everywhere_and_is_flagged() -> None:
    """An area nobody knows cannot narrow a record: it applies, and needs review."""
    client = cp.Client(medications=[cp.Medication("retinol", start=ON, areas=["faec"])])
    result = cp.screen(client, SCALP, on=ON)
    assert result.status == "deferred"
    unknown = [r for r in result.reasons if r.code == "unrecognised"]
    assert [(r.rule, r.suggestions[:1]) for r in unknown] == [
        ("medications[0].areas[0]", ("face",))
    ]


def test_procedure_areas_scope_spacing() -> None:
    """Botox in the forehead is no reason to move a scalp session; on the face it is."""
    botox = cp.Procedure("Botox", D(2027, 4, 14), areas=["forehead"])
    client = cp.Client(procedures=[botox])
    assert cp.plan(SCALP, start=D(2027, 4, 15), client=client).sessions[0].date == D(2027, 4, 15)
    assert cp.plan(FACIAL, start=D(2027, 4, 15), client=client).sessions[0].date > D(2027, 4, 15)


def test_areas_meet() -> None:
    """Areas meet when one lies within the other; none given means everywhere."""
    assert WORDS.areas_meet(["lips"], ["face", "neck"])
    assert WORDS.areas_meet(["face"], ["lips"])
    assert WORDS.areas_meet(["chest"], ["decolletage"])
    assert not WORDS.areas_meet(["face"], ["scalp"])
    assert not WORDS.areas_meet(["thighs"], ["abdomen"])
    assert WORDS.areas_meet([], ["scalp"])
    assert WORDS.areas_meet(["face"], [])
    assert WORDS.areas_meet(["nowhere-known"], ["scalp"])


# ------------------------------------------------------------------- strict


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "[[medications]]\nexposure = 'isotretinion'\n",
            "c.toml: medications[0].exposure: unrecognised exposure or condition 'isotretinion' "
            "(closest known names: isotretinoin",
        ),
        (
            "[[conditions]]\nname = 'pregnant'\n[[conditions]]\nname = 'excema'\n",
            "c.toml: conditions[1].name: unrecognised exposure or condition 'excema' "
            "(closest known names: eczema",
        ),
        (
            "[[procedures]]\nkind = 'Botx'\ndate = 2027-01-01\n",
            "c.toml: procedures[0].kind: unrecognised procedure 'Botx'",
        ),
        (
            "[[medications]]\nexposure = 'retinol'\nareas = ['scalpp']\n",
            "c.toml: medications[0].areas[0]: unrecognised area 'scalpp' "
            "(closest known names: scalp",
        ),
        (
            "[[medications]]\nexposure = 'Roaccutane'\nareas = ['face']\n",
            "c.toml: medications[0].areas: 'Roaccutane' acts on the whole body",
        ),
    ],
)
def test_strict_loading_refuses_unknown_names(tmp_path: Path, body: str, message: str) -> None:
    """load_client(strict=True) names the file, the key path and the closest known names."""
    path = tmp_path / "c.toml"
    path.write_text("schema = 1\n" + body, encoding="utf-8")
    cp.load_client(path)  # not strict: read, and left for screening to report
    with pytest.raises(cp.ClientError) as info:
        cp.load_client(path, strict=True)
    assert str(info.value).startswith(str(path.parent / message))


def test_strict_loading_accepts_known_names_in_any_form() -> None:
    """Brands, synonyms and odd casing pass strict loading and keep what was typed."""
    text = (
        "schema = 1\ncleared = ['Warfarin']\n"
        "[[medications]]\nexposure = 'Roaccutane'\nend = 2026-08-01\n"
        "[[medications]]\nexposure = 'Retin A'\nareas = ['Face', 'décolleté']\n"
        "[[medications]]\nexposure = 'Xarelto'\n"
        "[[conditions]]\nname = 'Cold-Sore History'\n"
        "[[procedures]]\nkind = 'botox'\ndate = 2026-11-20\nareas = ['forehead']\n"
    )
    client = cp.parse_client(text, source="c.toml", strict=True)
    assert client.medications[0].exposure == "Roaccutane"
    assert client.resolve("Roaccutane") == "isotretinoin"
    result = cp.screen(client, FACIAL, on=ON)
    assert result.status == "deferred"
    assert [r.subject for r in result.precautions] == ["cold-sore-history"]


# -------------------------------------------------------- pauses (U16)


def test_screening_lists_the_pauses_the_client_follows() -> None:
    """Ongoing retinoid and acid use are pauses; a stopped product and isotretinoin are not."""
    client = cp.Client(
        medications=[
            cp.Medication("retinol"),
            cp.Medication("glycolic acid", start=D(2026, 1, 1)),
            cp.Medication("benzoyl peroxide", end=D(2026, 11, 1)),
            cp.Medication("isotretinoin", end=D(2026, 1, 1)),
        ]
    )
    result = cp.screen(client, FACIAL, on=ON)
    assert result.status == "eligible"
    assert [(p.subject, p.rule) for p in result.pauses] == [
        ("topical-retinoid", "washouts[0]"),
        ("aha-bha-acids", "washouts[1]"),
    ]
    assert result.pauses[0].message.startswith(
        "topical-retinoid: stop at least 5 days before each session and resume no sooner "
        "than 1 week after it (washouts[0]). Recorded as 'retinol'. Retinol, retinal"
    )
    assert cp.screen(client, SCALP, on=ON).pauses == ()  # weekly: stopped for the series


# ------------------------------------------------------ field reports r13, r16

REPRO = Path("/work/shared/field-reports/clinic-developer-trial-repro")


def _write(tmp_path: Path, exposure: str) -> str:
    path = tmp_path / f"{exposure}.toml"
    path.write_text(
        f'schema = 1\n[[medications]]\nexposure = "{exposure}"\nend = 2026-08-01\n',
        encoding="utf-8",
    )
    return str(path)


def test_r13_misspelt_medication_is_not_screened_eligible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """r13: 'isotretinion' screens 'review' naming isotretinoin; --strict refuses the file."""
    args = ["--protocol", "facial-series", "--on", "2026-12-01"]
    typo = _write(tmp_path, "isotretinion")
    assert main(["screen", typo, *args]) == 0
    out = capsys.readouterr().out
    assert out.startswith("review: earliest start 2026-12-01")
    assert "unrecognised  isotretinion  medications[0].exposure" in out
    assert "closest known names: isotretinoin" in out
    assert main(["screen", typo, *args, "--strict"]) == 2
    err = capsys.readouterr().err
    assert "medications[0].exposure: unrecognised exposure or condition 'isotretinion'" in err
    for spelling in ("isotretinoin", "Roaccutane", "ACCUTANE"):
        assert main(["screen", _write(tmp_path, spelling), *args]) == 1
        assert capsys.readouterr().out.startswith("deferred: earliest start 2027-02-01")


def test_r16_scalp_course_with_a_face_retinoid(capsys: pytest.CaptureFixture[str]) -> None:
    """r16 as reported still refuses (no area given means everywhere); with areas it plans."""
    with pytest.raises(cp.PlanningError):
        cp.plan(
            SCALP,
            start=D(2027, 4, 15),
            client=cp.Client(medications=[cp.Medication("topical-retinoid")]),
        )
    ok = cp.plan(
        SCALP,
        start=D(2027, 4, 15),
        client=cp.Client(medications=[cp.Medication("topical-retinoid", areas=["face"])]),
    )
    assert len(ok.sessions) == 12


def test_cli_vocabulary_and_strict_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--vocabulary reads names with a clinic's words; plan and validate take --strict too."""
    words = tmp_path / "words.toml"
    words.write_text(CLINIC_WORDS, encoding="utf-8")
    client = tmp_path / "c.toml"
    client.write_text("schema = 1\n[[medications]]\nexposure = 'TXA'\n", encoding="utf-8")
    args = ["--protocol", "facial-series", "--on", "2026-12-01", "--strict"]
    assert main(["screen", str(client), *args]) == 2
    capsys.readouterr()
    assert main(["screen", str(client), *args, "--vocabulary", str(words)]) == 0
    assert capsys.readouterr().out.startswith("eligible")
    plan_args = ["plan", "facial-series", "--start", "2026-12-01", "--client", str(client)]
    assert main([*plan_args, "--strict"]) == 2
    assert "unrecognised" in capsys.readouterr().err
    assert main(plan_args) == 0
    assert "unrecognised" in capsys.readouterr().out
    check = ["validate", "facial-series", "2026-12-01", "--client", str(client)]
    assert main([*check, "--strict"]) == 2
    capsys.readouterr()
    assert main([*check, "--vocabulary", str(words)]) == 0
    assert "unrecognised" not in capsys.readouterr().out
