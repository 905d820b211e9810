"""Identity (issue 12): plan ids, session keys, revisions and removed sessions, and how
re-planning keeps them."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan.planning._keys import succeed
from tests.strategies import plans, protocols

D = dt.date
FACIAL = cp.get_protocol("facial-series")
ANA = cp.Client(id="client-0042")
BO = cp.Client(id="client-0099")


def test_plan_id_is_given_or_derived_from_client_and_protocol_never_a_date() -> None:
    """plan_id: the caller's, else <client id>/<protocol id>, else None; no date in it."""
    assert cp.plan(FACIAL, start=D(2027, 1, 4), plan_id="course-7").plan_id == "course-7"
    derived = cp.plan(FACIAL, start=D(2027, 1, 4), client=ANA).plan_id
    assert derived == "client-0042/facial-series"
    assert cp.plan(FACIAL, start=D(2027, 6, 1), client=ANA).plan_id == derived
    assert cp.plan(FACIAL, start=D(2027, 1, 4), plan_id="x", client=ANA).plan_id == "x"
    assert cp.plan(FACIAL, start=D(2027, 1, 4)).plan_id is None
    assert cp.plan(FACIAL, start=D(2027, 1, 4), client=cp.Client()).plan_id is None


@pytest.mark.parametrize("bad", ["", "  ", " x", 7])
def test_a_bad_plan_id_is_refused(bad: object) -> None:
    """An empty, padded or non-string plan id is an InputError naming plan_id."""
    with pytest.raises(cp.InputError) as info:
        cp.plan(FACIAL, start=D(2027, 1, 4), plan_id=bad)  # type: ignore[arg-type]
    assert info.value.path == "plan_id"


def test_keys_are_phase_and_ordinal_within_the_phase() -> None:
    """The planner gives each session <phase>-<ordinal in phase>."""
    result = cp.plan(FACIAL, start=D(2027, 1, 4), sessions=4, horizon=D(2030, 1, 1))
    keys = [s.key for s in result.sessions]
    assert keys[:5] == ["series-1", "series-2", "series-3", "series-4", "touch-up-1"]
    assert keys[5:] == [f"touch-up-{n}" for n in range(2, len(keys) - 3)]
    assert all(s.revision == 0 for s in result.sessions)
    assert result.revision == 0
    assert result.removed == ()


def test_history_keys_are_kept() -> None:
    """A visit's key stays on its session; the next sessions continue the ordinals."""
    history = [
        cp.Visit(date=D(2027, 1, 4), key="series-1"),
        cp.Visit(date=D(2027, 2, 8), key="first-follow-up"),
    ]
    result = cp.plan(FACIAL, start=D(2027, 2, 20), history=history)
    assert [s.key for s in result.sessions] == [
        "series-1",
        "first-follow-up",
        "series-3",
        "touch-up-1",
    ]


def test_duplicate_history_keys_are_refused() -> None:
    """Two session visits with one key: an InputError naming the second."""
    history = [
        cp.Visit(date=D(2027, 1, 4), key="series-1"),
        cp.Visit(date=D(2027, 2, 8), key="series-1"),
    ]
    with pytest.raises(cp.InputError, match="repeats the key") as info:
        cp.plan(FACIAL, start=D(2027, 2, 20), history=history)
    assert info.value.path == "history[1].key"


@pytest.mark.parametrize("bad", ["", "has space", "-lead", "x" * 65, "ü"])
def test_bad_keys_are_refused(bad: str) -> None:
    """Keys are 1-64 characters from [A-Za-z0-9._-], for UIDs and FHIR ids."""
    with pytest.raises(cp.InputError) as info:
        cp.Visit(date=D(2027, 1, 4), key=bad)
    assert info.value.path == "key"


def test_a_plan_refuses_repeated_or_clashing_keys() -> None:
    """Keys are unique among sessions, and a removed key is not a planned one."""
    result = cp.plan(FACIAL, start=D(2027, 1, 4))
    first, second = result.sessions[:2]
    with pytest.raises(cp.InputError, match="repeats the key") as info:
        attrs.evolve(
            result, sessions=(first, attrs.evolve(second, key="series-1"), *result.sessions[2:])
        )
    assert info.value.path == "sessions[1].key"
    with pytest.raises(cp.InputError, match="every key names one session") as info:
        attrs.evolve(result, removed=(first,))
    assert info.value.path == "removed[0].key"
    with pytest.raises(cp.InputError, match="must be set") as info:
        attrs.evolve(result, removed=(attrs.evolve(first, key=None),))
    assert info.value.path == "removed[0].key"
    with pytest.raises(cp.InputError, match="0 or more") as info:
        attrs.evolve(result, revision=-1)
    assert info.value.path == "revision"


def test_keyless_sessions_get_the_planners_keys() -> None:
    """session_keys derives the planner's key for a session built without one."""
    result = cp.plan(FACIAL, start=D(2027, 1, 4))
    bare = [attrs.evolve(s, key=None) for s in result.sessions]
    assert cp.session_keys(bare) == tuple(s.key for s in result.sessions)
    # A key another session already carries is skipped.
    mixed = [attrs.evolve(bare[0], key="series-2"), *bare[1:]]
    assert cp.session_keys(mixed)[:2] == ("series-2", "series-3")


def test_replan_keeps_identity_bumps_revision_and_stamps_moved_sessions() -> None:
    """A missed session moves: same keys and id, revision 1, only the moved sessions stamped."""
    original = cp.plan(FACIAL, start=D(2026, 12, 1), client=ANA, sessions=4)
    visits = [cp.Visit(date=D(2026, 12, 1)), cp.Visit(date=D(2027, 1, 5), status="missed")]
    again = cp.replan(original, visits, today=D(2027, 1, 8), client=ANA)
    assert again.plan_id == original.plan_id == "client-0042/facial-series"
    assert again.revision == 1
    assert [s.key for s in again.sessions] == [s.key for s in original.sessions]
    assert again.sessions[0].revision == 0  # done, not moved
    assert all(s.revision == 1 for s in again.sessions[1:])  # all moved
    assert again.removed == ()
    # Nothing happened: nothing moves, nothing is stamped.
    same = cp.replan(again, [], today=D(2027, 1, 8), client=ANA)
    assert same.revision == 2
    assert [s.revision for s in same.sessions] == [s.revision for s in again.sessions]


def test_a_re_plan_that_drops_a_session_lists_it_as_removed() -> None:
    """A session a re-plan drops is in plan.removed, with the dropping revision; it
    leaves removed when it is planned again, at a newer revision."""
    original = cp.plan(FACIAL, start=D(2026, 12, 1), plan_id="c-1", sessions=4)
    cut = cp.plan(FACIAL, start=D(2026, 12, 1), plan_id="c-1", sessions=3)
    gone = succeed(original, cut)  # what replan() does with the plan it made
    assert [s.key for s in gone.removed] == ["series-4"]
    assert gone.removed[0].revision == 1
    assert gone.removed[0].date == original.sessions[3].date
    assert gone.plan_id == "c-1"
    touch = next(s for s in gone.sessions if s.key == "touch-up-1")
    assert touch.revision == 1  # moved: the series got shorter
    assert [s.revision for s in gone.sessions[:3]] == [0, 0, 0]
    back = succeed(gone, original)
    assert back.removed == ()
    assert back.revision == 2
    assert next(s for s in back.sessions if s.key == "series-4").revision == 2
    # Earlier removals are kept by later re-plans.
    still = succeed(gone, cut)
    assert [(s.key, s.revision) for s in still.removed] == [("series-4", 1)]


def test_replan_carries_keys_of_sessions_reported_done_on_their_date() -> None:
    """A done visit on a session's date takes that session's key, whatever its ordinal."""
    original = cp.plan(FACIAL, start=D(2026, 12, 1), plan_id="c-2", sessions=4)
    dates = original.dates
    visits = [
        cp.Visit(date=dates[0]),
        cp.Visit(date=dates[1], status="missed"),
        cp.Visit(date=dates[2], status="booked"),
    ]
    again = cp.replan(original, visits, today=dates[1] + dt.timedelta(days=1))
    booked = next(s for s in again.sessions if s.status == "booked")
    assert booked.key == "series-3"
    assert len({s.key for s in again.sessions}) == len(again.sessions)


def _shown_time(s: cp.PlannedSession, chair: int | None) -> tuple[object, ...]:
    """What an export shows of a session's time: the day; for a timed one, start and length."""
    if s.start is None:
        return (s.date, None, None)
    return (s.date, s.start, s.minutes if s.minutes is not None else chair)


@given(st.data(), st.integers(0, 3), st.integers(1, 40))
@settings(max_examples=40, deadline=None)
def test_keys_are_unique_and_survive_replanning(
    data: st.DataObject, done: int, later: int
) -> None:
    """Keys are unique; after a re-plan the done sessions keep theirs, no key is lost
    (each is planned or removed), and the revision goes up by one."""
    protocol = data.draw(protocols(rules=True, late=True, catalogue=data.draw(st.booleans())))
    plan = data.draw(plans(st.just(protocol)))
    keys = [s.key for s in plan.sessions]
    assert len(set(keys)) == len(keys)
    assert None not in keys
    if not plan.sessions:
        return
    stripped = attrs.evolve(
        plan, sessions=[attrs.evolve(s, start=None, status="planned") for s in plan.sessions]
    )
    done_sessions = stripped.sessions[: min(done, len(plan.sessions))]
    visits = [cp.Visit(date=s.date) for s in done_sessions]
    today = (done_sessions[-1].date if done_sessions else plan.start) + dt.timedelta(days=later)
    try:
        again = cp.replan(stripped, visits, today=today, protocol=protocol)
    except cp.CollagenPlanError:  # a window past date.max, a contraindication...
        return
    assert again.revision == stripped.revision + 1
    assert again.plan_id == stripped.plan_id
    new_keys = [s.key for s in again.sessions]
    assert len(set(new_keys)) == len(new_keys)
    assert [s.key for s in again.sessions[: len(visits)]] == [s.key for s in done_sessions]
    removed = {s.key for s in again.removed}
    assert not removed & set(new_keys)
    assert set(keys) <= set(new_keys) | removed
    for session in again.sessions:
        old = next((s for s in stripped.sessions if s.key == session.key), None)
        chair = protocol.session.chair_minutes
        if old is not None and _shown_time(old, chair) == _shown_time(session, chair):
            assert session.revision == old.revision  # unmoved: SEQUENCE unchanged
        elif old is not None:
            assert session.revision == again.revision


def test_documents_store_identity_and_read_older_ones() -> None:
    """plan/1 stores plan_id, revision, removed and session keys and revisions; a
    document without them (written before issue 12) still reads."""
    original = cp.plan(FACIAL, start=D(2026, 12, 1), plan_id="c-3", sessions=4)
    gone = succeed(original, cp.plan(FACIAL, start=D(2026, 12, 1), plan_id="c-3", sessions=3))
    text = cp.to_json(gone)
    doc = json.loads(text)
    assert doc["schema"] == "collagenplan/plan/1"
    assert doc["plan_id"] == "c-3"
    assert doc["revision"] == 1
    assert doc["removed"][0]["key"] == "series-4"
    assert doc["sessions"][0]["key"] == "series-1"
    assert cp.from_json(text, cp.Plan) == gone
    for session in doc["sessions"]:
        del session["key"], session["revision"]
    for name in ("plan_id", "revision", "removed"):
        del doc[name]
    old = cp.from_json(json.dumps(doc), cp.Plan)
    assert old.plan_id is None
    assert cp.session_keys(old.sessions) == tuple(s.key for s in gone.sessions)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("6m", "6 months"),
        ("1y", "1 year"),
        ("18m", "18 months"),
        ("2w", "2 weeks"),
        ("1d", "1 day"),
        ("10d", "10 days"),
        ("24h", "24 hours"),
        ("1y2m", "14 months"),
        ("1m15d", "1 month 15 days"),
        ("0d", "0 days"),
    ],
)
def test_durations_in_words(text: str, words: str) -> None:
    """U3: client-facing text writes durations as words, never "6m"."""
    assert cp.Duration.parse(text).words() == words
