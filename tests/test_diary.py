"""The clinic's diary (issue 14): booking against appointments, overlaps, explanations."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan import cli

D = dt.date
LONDON = ZoneInfo("Europe/London")
FACIAL = cp.get_protocol("facial-series")
SCALP = cp.get_protocol("scalp-series")

# The clinic of the developer trial's reproducers (clinic-mcr.toml).
MCR = """
schema = 1
id = "northern-skin"
name = "Northern Skin Studio"
timezone = "Europe/London"

[[hours]]
days = ["mon", "tue", "wed", "thu", "fri"]
opens = "09:00"
closes = "17:30"

[[hours]]
days = ["sat"]
opens = "09:00"
closes = "13:00"

[[closures]]
start = 2027-08-02
end = 2027-08-13
reason = "summer refurbishment"

[[practitioners]]
id = "patel"
name = "Nurse Priya Patel"
treatments = ["facial-series", "scalp-series", "acne-scar"]

[[practitioners.leave]]
start = 2027-04-26
end = 2027-05-07
reason = "holiday"

[[practitioners]]
id = "hughes"
name = "Dr Owen Hughes"
treatments = ["facial-series"]

[[practitioners.hours]]
days = ["wed", "sat"]
opens = "09:00"
closes = "13:00"
"""


def _clinic(extra: str = "", *, turnover: int = 0) -> cp.Clinic:
    return cp.parse_clinic(f"turnover = {turnover}\n" + MCR + extra)


def _at(day: D, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def _all_overlaps(diary: cp.Diary, turnover: int) -> list[tuple[str, cp.Booking, cp.Booking]]:
    out = []
    for a, b in itertools.combinations(diary.bookings, 2):
        if not a.overlaps(b, turnover):
            continue
        if a.practitioner is not None and a.practitioner == b.practitioner:
            out.append(("practitioner", a, b))
        if set(a.resources) & set(b.resources):
            out.append(("resource", a, b))
        if a.client is not None and a.client == b.client:
            out.append(("client", a, b))
    return out


# --------------------------------------------------------------- the values


def test_diary_is_immutable_and_sorted() -> None:
    late = cp.Booking(start=_at(D(2027, 9, 1), 14), minutes=60, practitioner="patel")
    early = cp.Booking(start=_at(D(2027, 9, 1), 9), minutes=60, practitioner="patel")
    diary = cp.Diary((late,))
    more = diary.add(early)
    assert len(diary) == 1 and list(more) == [early, late]
    assert more.remove(late).bookings == (early,)
    assert len(more) == 2  # unchanged
    with pytest.raises(cp.InputError, match=r"bookings\[0\]: is not in the diary"):
        diary.remove(early)


def test_booking_needs_an_aware_start_and_minutes() -> None:
    with pytest.raises(cp.InputError, match="start: must be a time-zone aware"):
        cp.Booking(start=dt.datetime(2027, 9, 1, 9), minutes=60)
    with pytest.raises(cp.InputError, match="minutes"):
        cp.Booking(start=_at(D(2027, 9, 1), 9), minutes=0)


def test_parse_diary_json_and_csv_agree() -> None:
    rows = [
        {
            "start": "2027-09-01T09:00:00+01:00",
            "minutes": 60,
            "practitioner": "patel",
            "client": "c-1",
            "resources": ["room-1"],
        }
    ]
    from_json = cp.parse_diary(json.dumps({"bookings": rows}))
    from_csv = cp.parse_diary(
        "start,minutes,practitioner,client,resources\n"
        "2027-09-01T09:00:00+01:00,60,patel,c-1,room-1\n",
        "csv",
    )
    assert from_json == from_csv
    assert from_json.bookings[0].end == _at(D(2027, 9, 1), 10)


@pytest.mark.parametrize(
    ("text", "fmt", "match"),
    [
        ('[{"start": "2027-09-01T09:00", "minutes": 60}]', "json", r"bookings\[0\].start:"),
        ('[{"start": "2027-09-01T09:00+01:00"}]', "json", r"bookings\[0\]: is incomplete"),
        ('[{"start": "2027-09-01T09:00+01:00", "minutes": 5, "room": "x"}]', "json", "'room'"),
        ("start,minutes\n2027-09-01T09:00+01:00,sixty\n", "csv", r"d.csv:2: minutes:"),
        ("{", "json", r"d.json:1: is not valid JSON"),
    ],
)
def test_parse_diary_names_the_place(text: str, fmt: str, match: str) -> None:
    with pytest.raises(cp.ClinicError, match=match):
        cp.parse_diary(text, fmt, source=f"d.{fmt}")


def test_load_diary_reads_by_suffix(tmp_path: Path) -> None:
    path = tmp_path / "diary.csv"
    path.write_text("start,minutes\n2027-09-01T09:00+01:00,30\n", encoding="utf-8")
    assert len(cp.load_diary(path)) == 1
    with pytest.raises(cp.ClinicError, match=r"must be a \.json or \.csv"):
        cp.load_diary(tmp_path / "diary.txt")


def test_clinic_file_resources_and_turnover() -> None:
    extra = '\n[[resources]]\nid = "room-1"\nkind = "room"\ntreatments = ["facial-series"]\n'
    clinic = _clinic(extra, turnover=10)
    assert clinic.turnover == 10 and clinic.resources[0].kind == "room"
    with pytest.raises(cp.ClinicError, match=r"resources\[1\].id: repeats id 'room-1'"):
        _clinic(extra + extra)
    with pytest.raises(cp.ClinicError, match="turnover: must be a whole number"):
        _clinic(turnover=-5)


# ------------------------------------------------------------ reproducers


def test_r10_two_plans_of_one_client_no_longer_share_a_minute() -> None:
    """B7: planned alone they clash and validate_together says so; together they do not."""
    clinic = _clinic()
    pf = cp.plan(FACIAL, start=D(2027, 9, 1), clinic=clinic)
    ps = cp.plan(SCALP, start=D(2027, 9, 1), clinic=clinic)
    alone = cp.validate_together({FACIAL: pf, SCALP: ps}, clinic=clinic)
    first = alone.conflicts[0]
    assert first.violation.code == "practitioner-double-booked"
    assert "facial-series session 1 at 09:00-10:00" in first.violation.message
    assert not alone.ok

    ann = cp.Client(id="ann")
    (pf, ps), diary = cp.plan_together(
        [
            cp.PlanRequest(protocol=FACIAL, start=D(2027, 9, 1), client=ann),
            cp.PlanRequest(protocol=SCALP, start=D(2027, 9, 1), client=ann),
        ],
        clinic=clinic,
    )
    assert pf.sessions[0].date == ps.sessions[0].date  # both allow combine_same_day
    assert ps.sessions[0].start == pf.sessions[0].start + dt.timedelta(minutes=60)
    assert cp.validate_together({FACIAL: pf, SCALP: ps}, clinic=clinic, diary=diary).ok
    assert _all_overlaps(diary, clinic.turnover) == []


class _Full:
    def __init__(self) -> None:
        self.calls = 0

    def free_slot(self, protocol: cp.Protocol, day: D, *, minutes: int) -> cp.Slot | None:
        self.calls += 1
        return None


def test_r11_a_full_booking_system_is_asked_within_the_budget() -> None:
    """B9: 905 hook calls before; now at most HOOK_CALLS_PER_SESSION for the one session."""
    hook = _Full()
    clinic = _clinic().with_availability(hook)
    plan = cp.plan(FACIAL, start=D(2027, 5, 20), clinic=clinic)
    assert hook.calls == cp.HOOK_CALLS_PER_SESSION == 42
    assert plan.sessions == () and plan.unplaced[0].number == 1
    message = plan.violations[0].message
    assert "asked about 42 days for this session" in message
    assert message.endswith(
        "search budget ran out before a free day was found, so it and the "
        "sessions after it are listed in the plan's unplaced sessions."
    )


def test_hook_calls_per_plan_stay_within_the_budget() -> None:
    """A hook full on most days: each session asks at most the budget of new days."""

    class Sparse:
        calls = 0

        def free_slot(self, protocol: cp.Protocol, day: D, *, minutes: int) -> cp.Slot | None:
            Sparse.calls += 1
            return cp.Slot() if day.day in (1, 15) else None

    plan = cp.plan(FACIAL, start=D(2027, 9, 1), clinic=_clinic().with_availability(Sparse()))
    placed = len(plan.sessions) + (1 if plan.unplaced else 0)
    assert Sparse.calls <= cp.HOOK_CALLS_PER_SESSION * placed
    assert all(s.date.day in (1, 15) for s in plan.sessions)


class _Liar:
    def free_slot(self, protocol: cp.Protocol, day: D, *, minutes: int) -> cp.Slot | None:
        return cp.Slot(start=dt.time(23, 30), practitioner="nobody")


def test_r18_a_lying_hook_is_an_error_not_an_appointment() -> None:
    """U7: the slot is checked against the clinic file."""
    clinic = _clinic().with_availability(_Liar())
    with pytest.raises(cp.ClinicError) as caught:
        cp.plan(FACIAL, start=D(2027, 5, 20), clinic=clinic)
    text = str(caught.value)
    assert text.startswith("availability: free_slot offered a slot the clinic file does not")
    assert "'nobody' is not a practitioner" in text and "23:30 is outside" in text


def test_validate_sees_an_impossible_appointment() -> None:
    """U7: a plan holding such an appointment (made elsewhere) fails validation."""
    clinic = _clinic()
    plan = cp.plan(FACIAL, start=D(2027, 5, 20), clinic=clinic)
    bad = plan.sessions[0]
    bad = type(bad)(
        number=1,
        phase=bad.phase,
        date=bad.date,
        window=bad.window,
        start=_at(bad.date, 23, 30),
        minutes=60,
        practitioner="nobody",
    )
    lying = cp.Plan(protocol_id=plan.protocol_id, start=plan.start, sessions=(bad,))
    codes = cp.validate(FACIAL, lying, clinic=clinic).codes
    assert codes == ("practitioner-unavailable", "outside-opening-hours")


def test_e3_a_hook_with_the_wrong_signature_fails_at_with_availability() -> None:
    class WrongSig:
        def free_slot(self, protocol: object, day: object) -> None:
            return None

    with pytest.raises(cp.ClinicError, match=r"availability: free_slot of WrongSig must accept"):
        _clinic().with_availability(WrongSig())  # type: ignore[arg-type]


# ------------------------------------------------------ planning against it


def test_plan_avoids_the_diary_and_keeps_the_practitioner() -> None:
    clinic = _clinic()
    wed = D(2027, 9, 1)
    busy = cp.Diary((cp.Booking(start=_at(wed, 9), minutes=120, practitioner="patel"),))
    plan = cp.plan(FACIAL, start=wed, clinic=clinic, diary=busy, client=cp.Client(id="ann"))
    first = plan.sessions[0]
    assert (first.start, first.practitioner) == (_at(wed, 9), "hughes")  # parallel, free
    # Continuity: Hughes whenever he works (Wednesdays and Saturdays), Patel otherwise.
    assert [s.practitioner for s in plan.sessions] == [
        "hughes" if s.date.weekday() in (2, 5) else "patel" for s in plan.sessions
    ]
    assert plan.sessions[1].practitioner == "hughes"
    assert cp.validate(FACIAL, plan, clinic=clinic, diary=busy).ok


def test_preferred_practitioner_is_kept_when_free() -> None:
    clinic = _clinic()
    wed = D(2027, 9, 1)
    busy = cp.Diary((cp.Booking(start=_at(wed, 9), minutes=60, practitioner="patel"),))
    ann = cp.Client(id="ann", preferred_practitioner="patel")
    plan = cp.plan(FACIAL, start=wed, clinic=clinic, diary=busy, client=ann)
    assert plan.sessions[0].start == _at(wed, 10) and plan.sessions[0].practitioner == "patel"
    # Without a preference the earliest free practitioner is taken...
    plan = cp.plan(FACIAL, start=wed, clinic=clinic, diary=busy, client=cp.Client(id="bo"))
    assert plan.sessions[0].practitioner == "hughes"
    # ...unless the diary shows whom the client saw before.
    before = busy.add(
        cp.Booking(start=_at(D(2027, 8, 20), 9), minutes=60, practitioner="patel", client="bo")
    )
    plan = cp.plan(FACIAL, start=wed, clinic=clinic, diary=before, client=cp.Client(id="bo"))
    assert plan.sessions[0].practitioner == "patel"


def test_resources_and_turnover_are_respected() -> None:
    extra = '\n[[resources]]\nid = "pen"\nkind = "device"\ntreatments = ["facial-series"]\n'
    clinic = _clinic(extra, turnover=15)
    wed = D(2027, 9, 1)
    busy = cp.Diary(
        (cp.Booking(start=_at(wed, 9), minutes=60, practitioner="x", resources=("pen",)),)
    )
    plan = cp.plan(FACIAL, start=wed, clinic=clinic, diary=busy)
    assert plan.sessions[0].start == _at(wed, 10, 15)  # the pen is free after turnover
    assert plan.sessions[0].resources == ("pen",)
    moved = cp.Booking(start=_at(wed, 10), minutes=60, practitioner="hughes", resources=("pen",))
    report = cp.validate(
        FACIAL,
        cp.Plan(
            protocol_id="facial-series",
            start=wed,
            sessions=(
                type(plan.sessions[0])(
                    number=1,
                    phase="series",
                    date=wed,
                    window=plan.sessions[0].window,
                    start=moved.start,
                    minutes=60,
                    practitioner="hughes",
                    resources=("pen",),
                ),
            ),
        ),
        clinic=clinic,
        diary=busy,
    )
    assert report.codes == ("resource-double-booked",)
    assert "pen is already booked for an appointment 2027-09-01 09:00-10:00" in str(
        report.violations[0]
    )
    # The booking in the way is named in the violation's locale too (issue 13).
    spanish = report.violations[0].text("es")
    assert "una cita 1 de septiembre de 2027 09:00-10:00" in spanish
    assert "appointment" not in spanish


def test_diary_needs_a_clinic() -> None:
    with pytest.raises(cp.InputError, match="diary: needs clinic="):
        cp.plan(FACIAL, start=D(2027, 9, 1), diary=cp.Diary())


def test_a_couple_gets_parallel_slots_or_back_to_back() -> None:
    clinic = _clinic()
    wed, thu = D(2027, 9, 1), D(2027, 9, 2)
    couple = [cp.Client(id="ann"), cp.Client(id="ben")]
    plans, _ = cp.plan_together(
        [cp.PlanRequest(protocol=FACIAL, start=wed, client=c) for c in couple], clinic=clinic
    )
    assert [(p.sessions[0].start, p.sessions[0].practitioner) for p in plans] == [
        (_at(wed, 9), "patel"),
        (_at(wed, 9), "hughes"),
    ]
    plans, _ = cp.plan_together(  # Thursday: only Patel works
        [cp.PlanRequest(protocol=FACIAL, start=thu, client=c) for c in couple], clinic=clinic
    )
    assert [p.sessions[0].start for p in plans] == [_at(thu, 9), _at(thu, 10)]


def test_plans_that_may_not_share_a_day_get_different_days() -> None:
    alone = attrs.evolve(SCALP, session=attrs.evolve(SCALP.session, combine_same_day=False))
    clinic = _clinic()
    ann = cp.Client(id="ann")
    plans, _ = cp.plan_together(
        [
            cp.PlanRequest(protocol=FACIAL, start=D(2027, 9, 1), client=ann),
            cp.PlanRequest(protocol=alone, start=D(2027, 9, 1), client=ann),
        ],
        clinic=clinic,
    )
    assert not set(plans[0].dates) & set(plans[1].dates)


# ---------------------------------------------------- why, and what else


def test_a_full_diary_moves_the_session_and_says_so() -> None:
    clinic = _clinic()
    target = D(2027, 10, 6)  # session 2's target from 1 September
    full = cp.Diary(
        tuple(
            cp.Booking(start=_at(target, 9), minutes=510, practitioner=who)
            for who in ("patel", "hughes")
        )
    )
    plan = cp.plan(FACIAL, start=D(2027, 9, 1), clinic=clinic, diary=full)
    move = plan.moves[0]
    assert (move.session, move.target, move.code) == (2, target, "diary-full")
    assert plan.sessions[1].date != target
    sentence = cp.explain(plan, 2)
    assert "moved from its target 2027-10-06 because the diary is full" in sentence
    assert "[diary-full, diary]" in sentence
    assert cp.explain(plan, 1) == "Session 1 is on its target date, 2027-09-01 09:00 with patel."


def test_every_moved_session_has_an_explanation_naming_its_blocker() -> None:
    clinic = _clinic()
    client = cp.Client(events=[cp.ClientEvent(date=D(2027, 10, 7), name="wedding")])
    plan = cp.plan(FACIAL, start=D(2027, 9, 1), clinic=clinic, client=client)
    moved = [s for s in plan.sessions if s.date != s.window.target]
    assert moved
    for session in moved:
        move = next(m for m in plan.moves if m.session == session.number)
        assert move.reason in cp.explain(plan, session.number)
    with pytest.raises(cp.InputError, match=r"session: must be a session number 1\.\.4"):
        cp.explain(plan, 9)


def test_alternatives_are_dates_validate_accepts() -> None:
    clinic = _clinic()
    wed = D(2027, 9, 1)
    diary = cp.Diary(
        (cp.Booking(start=_at(D(2027, 10, 7), 9), minutes=510, practitioner="patel"),)
    )
    ann = cp.Client(id="ann")
    plan = cp.plan(FACIAL, start=wed, clinic=clinic, diary=diary, client=ann)
    found = cp.alternatives(plan, 2, n=50, clinic=clinic, diary=diary, client=ann)
    assert found and D(2027, 10, 7) not in [a.date for a in found]
    assert [a.distance for a in found] == sorted(a.distance for a in found)
    for option in found:
        assert option.date in plan.sessions[1].window
        sessions = list(plan.sessions)
        sessions[1] = type(sessions[1])(
            number=2,
            phase="series",
            date=option.date,
            window=sessions[1].window,
            start=option.start,
            minutes=60,
            practitioner=option.practitioner,
        )
        moved = cp.Plan(protocol_id=plan.protocol_id, start=plan.start, sessions=sessions)
        assert cp.validate(FACIAL, moved, clinic=clinic, diary=diary, client=ann).ok
    assert len(cp.alternatives(plan, 2, n=2, clinic=clinic)) == 2
    with pytest.raises(cp.InputError, match="n: must be a whole number"):
        cp.alternatives(plan, 2, n=0)


def test_plan_table_is_what_the_cli_prints(capsys: pytest.CaptureFixture[str]) -> None:
    clinic_path = Path(__file__).parent.parent / "examples" / "clinic.toml"
    assert (
        cli.main(["plan", "facial-series", "--start", "2027-01-05", "--clinic", str(clinic_path)])
        == 0
    )
    plan = cp.plan(FACIAL, start=D(2027, 1, 5), clinic=cp.load_clinic(clinic_path))
    assert capsys.readouterr().out == cp.plan_table(plan) + "\n"


# ------------------------------------------------------------------ CLI


def test_cli_plan_and_validate_with_a_diary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clinic = tmp_path / "clinic.toml"
    clinic.write_text(MCR, encoding="utf-8")
    diary = tmp_path / "diary.csv"
    diary.write_text(
        "start,minutes,practitioner,client\n2027-09-01T09:00:00+01:00,60,patel,c-9\n",
        encoding="utf-8",
    )
    alone = tmp_path / "alone.json"
    base = ["plan", "facial-series", "--start", "2027-09-01", "--clinic", str(clinic)]
    assert cli.main([*base, "--format", "json", "--output", str(alone)]) == 0
    assert (
        cli.main(["validate", "facial-series", "--plan", str(alone), "--diary", str(diary)]) == 1
    )
    assert "practitioner-double-booked" in capsys.readouterr().out
    assert cli.main([*base, "--diary", str(diary)]) == 0
    assert "09:00 BST  hughes" in capsys.readouterr().out
    assert cli.main(["plan", "facial-series", "--start", "2027-09-01", "--diary", str(diary)]) == 2
    assert "--diary needs --clinic" in capsys.readouterr().err
    assert cli.main(["validate", "facial-series", "2027-09-01", "--plan", str(alone)]) == 2
    args = ["alternatives", str(alone), "--session", "2", "--clinic", str(clinic), "-n", "2"]
    assert cli.main(args) == 0
    assert cli.main([*args[:3], "9"]) == 2


# ------------------------------------------------------------- properties

_STAFF = ("ana", "bea", "cy")


@st.composite
def _clinics(draw: st.DrawFn) -> cp.Clinic:
    people = draw(st.integers(1, 3))
    rooms = draw(st.integers(0, 2))
    pens = draw(st.integers(0, 2))
    text = [
        'schema = 1\nid = "c"\nname = "C"\ntimezone = "Europe/London"',
        f"turnover = {draw(st.sampled_from([0, 10, 15]))}",
        '[[hours]]\ndays = ["mon", "tue", "wed", "thu", "fri"]\nopens = "09:00"\n'
        f'closes = "{draw(st.sampled_from(["11:00", "13:00", "17:00"]))}"',
    ]
    for who in _STAFF[:people]:
        text.append(f'[[practitioners]]\nid = "{who}"\ntreatments = ["facial-series"]')
    for i in range(rooms):
        text.append(
            f'[[resources]]\nid = "room-{i}"\nkind = "room"\ntreatments = ["facial-series"]'
        )
    for i in range(pens):
        text.append(f'[[resources]]\nid = "pen-{i}"\nkind = "pen"\ntreatments = ["facial-series"]')
    return cp.parse_clinic("\n".join(text))


@st.composite
def _diaries(draw: st.DrawFn, clinic: cp.Clinic) -> cp.Diary:
    ids = [p.id for p in clinic.practitioners] + [None]
    held = [r.id for r in clinic.resources]
    out = []
    for _ in range(draw(st.integers(0, 12))):
        day = D(2027, 9, 1) + dt.timedelta(days=draw(st.integers(0, 60)))
        minute = draw(st.integers(0, 16)) * 30
        out.append(
            cp.Booking(
                start=_at(day, 9 + minute // 60, minute % 60),
                minutes=draw(st.sampled_from([30, 60, 90, 240])),
                practitioner=draw(st.sampled_from(ids)),
                resources=tuple(draw(st.lists(st.sampled_from(held), unique=True, max_size=2)))
                if held
                else (),
            )
        )
    return cp.Diary(tuple(out))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_clients_planned_one_after_another_never_overlap(data: st.DataObject) -> None:
    """Invariant: a diary-planned set never double-books a practitioner, resource or
    client, and every plan validates against the diary it was planned with."""
    clinic = data.draw(_clinics())
    diary = data.draw(_diaries(clinic))
    count = data.draw(st.sampled_from([2, 10]))
    start = D(2027, 9, 1) + dt.timedelta(days=data.draw(st.integers(0, 10)))
    current = diary
    for i in range(count):
        client = cp.Client(id=f"c{i}")
        plan = cp.plan(
            FACIAL, start=start, sessions=3, clinic=clinic, diary=current, client=client
        )
        report = cp.validate(FACIAL, plan, clinic=clinic, diary=current, client=client)
        assert not {
            "practitioner-double-booked",
            "resource-double-booked",
            "client-double-booked",
            "outside-opening-hours",
        } & set(report.codes), report.violations
        assert report.ok or not plan.ok  # a plan planned against the diary validates against it
        current = current.add(*cp.Diary.from_plans(plan, client=client.id))
    new = cp.Diary(tuple(b for b in current if b not in diary.bookings))
    assert _all_overlaps(new, clinic.turnover) == []
    assert all(
        not other.overlaps(b, clinic.turnover)
        or not (
            (b.practitioner and b.practitioner == other.practitioner)
            or set(b.resources) & set(other.resources)
        )
        for b in new
        for other in diary
    )


def test_a_hundred_clients_never_overlap() -> None:
    clinic = _clinic(
        '\n[[resources]]\nid = "room-1"\nkind = "room"\ntreatments = ["facial-series"]\n'
        '\n[[resources]]\nid = "room-2"\nkind = "room"\ntreatments = ["facial-series"]\n',
        turnover=15,
    )
    requests = [
        cp.PlanRequest(protocol=FACIAL, start=D(2027, 9, 1), client=cp.Client(id=f"c{i}"))
        for i in range(100)
    ]
    plans, diary = cp.plan_together(requests, clinic=clinic)
    assert len(diary) == sum(len(p.sessions) for p in plans)
    assert _all_overlaps(diary, clinic.turnover) == []
    assert all(p.ok for p in plans)


def test_replan_does_not_let_the_plan_block_itself() -> None:
    clinic = _clinic()
    ann = cp.Client(id="ann")
    (plan,), diary = cp.plan_together(
        [cp.PlanRequest(protocol=FACIAL, start=D(2027, 9, 1), client=ann)], clinic=clinic
    )
    again = cp.replan(plan, [], today=D(2027, 9, 1), clinic=clinic, client=ann, diary=diary)
    assert again.sessions == plan.sessions
    other = diary.add(cp.Booking(start=_at(D(2027, 9, 1), 9), minutes=480, practitioner="patel"))
    moved = cp.replan(plan, [], today=D(2027, 9, 1), clinic=clinic, client=ann, diary=other)
    assert moved.sessions[0].practitioner == "hughes"


def test_a_hook_slot_that_clashes_with_the_diary_is_not_taken() -> None:
    class NineOClock:
        def free_slot(self, protocol: cp.Protocol, day: D, *, minutes: int) -> cp.Slot | None:
            return cp.Slot(start=dt.time(9), practitioner="patel")

    wed = D(2027, 9, 1)
    busy = cp.Diary((cp.Booking(start=_at(wed, 9), minutes=60, practitioner="patel"),))
    clinic = _clinic().with_availability(NineOClock())
    plan = cp.plan(FACIAL, start=wed, clinic=clinic, diary=busy)
    assert plan.sessions[0].start == _at(D(2027, 9, 2), 9)
    move = plan.moves[0]
    assert move.code == "diary-full" and "clashes with an appointment 2027-09-01" in move.reason


def test_validate_together_names_resource_and_client_clashes() -> None:
    extra = (
        '\n[[resources]]\nid = "room-1"\nkind = "room"\n'
        'treatments = ["facial-series", "scalp-series"]\n'
    )
    clinic = _clinic(extra)
    wed = D(2027, 9, 1)
    pf = cp.plan(FACIAL, start=wed, clinic=clinic)
    ps = cp.plan(SCALP, start=wed, clinic=clinic)
    ps_other = cp.Plan(
        protocol_id=ps.protocol_id,
        start=ps.start,
        sessions=[attrs.evolve(ps.sessions[0], practitioner="hughes")],
    )
    found = cp.validate_together({FACIAL: pf, SCALP: ps_other}, clinic=clinic).conflicts
    assert [c.violation.code for c in found] == ["resource-double-booked"]
    assert "room-1 cannot hold both" in found[0].violation.message
    apart = attrs.evolve(ps_other.sessions[0], resources=())
    found = cp.validate_together(
        {FACIAL: pf, SCALP: attrs.evolve(ps_other, sessions=[apart])}, clinic=clinic
    ).conflicts
    assert [c.violation.code for c in found] == ["client-double-booked"]


@pytest.mark.parametrize(
    ("booking", "en", "es"),
    [
        (
            cp.Booking(
                start=dt.datetime(2027, 9, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=1))),
                minutes=60,
                client="c-17",
                protocol="facial-series",
                session=1,
                practitioner="patel",
                resources=("pen", "room-2"),
            ),
            "client c-17 (facial-series 1) 2027-09-01 09:00-10:00 with patel in pen, room-2",
            "cliente c-17 (facial-series 1) 1 de septiembre de 2027 09:00-10:00 con patel en "
            "pen, room-2",
        ),
        (
            cp.Booking(
                start=dt.datetime(2027, 9, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=1))),
                minutes=30,
                protocol="facial-series",
            ),
            "an appointment (facial-series) 2027-09-01 09:00-09:30",
            "una cita (facial-series) 1 de septiembre de 2027 09:00-09:30",
        ),
    ],
)
def test_a_booking_is_named_in_each_locale(booking: cp.Booking, en: str, es: str) -> None:
    """describe() is the English of describe_message(); the Spanish keeps no English words."""
    assert booking.describe() == en
    assert booking.describe_message().render("es") == es
