"""iCalendar files read by ical.js (Mozilla Thunderbird's engine), a third reader.

Runs when ``node`` is installed and ical.js can be found: in ``NODE_PATH``, or
in ``.ci/node/node_modules`` (where ``.ci/run`` installs it with npm). The
reader script, ``tests/interop/read_ics.cjs``, registers the file's own
VTIMEZONEs and computes alarm times as Thunderbird does; the test compares
UTC instants of every start, end and alarm with what the plan means.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import zoneinfo
from pathlib import Path
from typing import Any

import attrs
import pytest

import collagenplan as cp

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "interop" / "read_ics.cjs"
STAMP = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
D = dt.date


def _node_path() -> str | None:
    candidates = [
        *os.environ.get("NODE_PATH", "").split(os.pathsep),
        ROOT / ".ci/node/node_modules",
    ]
    for folder in candidates:
        if folder and (Path(folder) / "ical.js" / "package.json").is_file():
            return str(folder)
    return None


NODE = shutil.which("node")
NODE_PATH = _node_path()
pytestmark = pytest.mark.skipif(
    NODE is None or NODE_PATH is None, reason="node and ical.js (npm install ical.js) needed"
)


def read_with_icaljs(data: bytes, tmp_path: Path) -> dict[str, Any]:
    """The calendar as ical.js reads it (see tests/interop/read_ics.cjs)."""
    assert NODE is not None and NODE_PATH is not None
    path = tmp_path / "calendar.ics"
    path.write_bytes(data)
    env = {**os.environ, "NODE_PATH": NODE_PATH, "TZ": "UTC"}
    done = subprocess.run(
        [NODE, str(SCRIPT), str(path)], capture_output=True, text=True, env=env, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _expected_alarms(session: cp.PlannedSession, minutes: int) -> list[str]:
    """The documented rule: 09:00 local on each milestone day and the day before;
    the session day's milestones at the end of a timed session."""
    start = session.start
    days = {session.date - dt.timedelta(days=1)} | {m.start for m in session.milestones}
    fires = []
    for day in sorted(days):
        if start is not None and day == session.date:
            fires.append(_utc(start + dt.timedelta(minutes=minutes)))
        elif start is not None:
            fires.append(_utc(dt.datetime.combine(day, dt.time(9), tzinfo=start.tzinfo)))
        else:  # floating, read in the process zone (UTC)
            fires.append(dt.datetime.combine(day, dt.time(9)).strftime("%Y-%m-%dT%H:%M:%S.000Z"))
    return sorted(fires)


CLIENT = cp.Client(
    id="c-1",
    medications=[cp.Medication("topical-retinoid")],
    conditions=[cp.Condition("cold-sore-history")],
)

SCALP_CLIENT = cp.Client(id="c-2", conditions=[cp.Condition("cold-sore-history")])


def _clinic(zone: str, opens: str = "10:00") -> cp.Clinic:
    return cp.parse_clinic(
        f"""
schema = 1
id = "clinic"
name = "Clinic"
timezone = "{zone}"
[[hours]]
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
opens = "{opens}"
closes = "18:00"
"""
    )


CASES = {
    "london-spring": ("facial-series", D(2027, 2, 20), "Europe/London", "10:00"),
    "new-york-autumn": ("scalp-series", D(2027, 10, 10), "America/New_York", "14:00"),
    "sydney": ("scalp-series", D(2027, 3, 20), "Australia/Sydney", "10:00"),
    "lord-howe": ("scalp-series", D(2027, 3, 20), "Australia/Lord_Howe", "10:00"),
    "kolkata": ("facial-series", D(2027, 11, 1), "Asia/Kolkata", "10:00"),
    "repeated-hour": ("scalp-series", D(2027, 10, 24), "America/New_York", "01:30"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_icaljs_reads_every_instant_and_alarm(case: str, tmp_path: Path) -> None:
    """Starts, ends and alarm times read by ical.js equal what the plan means."""
    protocol_id, start, zone, opens = CASES[case]
    protocol = cp.get_protocol(protocol_id)
    client = CLIENT if protocol_id == "facial-series" else SCALP_CLIENT
    plan = cp.plan(protocol, start=start, client=client, clinic=_clinic(zone, opens))
    data = cp.to_ics(plan, protocol=protocol, dtstamp=STAMP, client_name="A, B; C")
    read = read_with_icaljs(data, tmp_path)
    assert len(read["events"]) == len(plan.sessions)
    for session, event in zip(plan.sessions, read["events"], strict=True):
        assert session.start is not None and session.minutes is not None
        assert event["start"] == _utc(session.start)
        assert event["end"] == _utc(session.start + dt.timedelta(minutes=session.minutes))
        assert event["uid"].endswith(f"-{session.key}@collagenplan")
        fires = sorted(a["fire"] for a in event["alarms"])
        assert fires == _expected_alarms(session, session.minutes)


def test_icaljs_reads_fixed_offsets_all_day_events_and_cancellations(tmp_path: Path) -> None:
    """A fixed-offset start, an all-day session, and a cancelled one in ical.js."""
    protocol = cp.get_protocol("facial-series")
    plan = cp.plan(protocol, start=D(2027, 11, 1), sessions=4, plan_id="p-1")
    ist = dt.timezone(dt.timedelta(hours=5, minutes=30))
    stop = cp.Milestone(kind="stop", subject="topical-retinoid", start=D(2027, 10, 27))
    first = attrs.evolve(
        plan.sessions[0],
        start=dt.datetime(2027, 11, 1, 10, tzinfo=ist),
        minutes=45,
        milestones=(stop,),
    )
    second = attrs.evolve(plan.sessions[1], milestones=(stop,))
    plan = attrs.evolve(plan, sessions=(first, second, *plan.sessions[2:]))
    cut = cp.replan(
        plan,
        [],
        today=D(2027, 11, 1),
        protocol=attrs.evolve(
            protocol,
            phases=(
                attrs.evolve(
                    protocol.phases[0],
                    sessions=attrs.evolve(protocol.phases[0].sessions, max=3),
                ),
                *protocol.phases[1:],
            ),
        ),
    )
    data = cp.to_ics(plan, protocol=protocol, dtstamp=STAMP)
    events = read_with_icaljs(data, tmp_path)["events"]
    assert events[0]["start"] == "2027-11-01T04:30:00.000Z"
    assert sorted(a["fire"] for a in events[0]["alarms"]) == [
        "2027-10-27T03:30:00.000Z",  # 09:00 at +05:30
        "2027-10-31T03:30:00.000Z",
    ]
    assert events[1]["start"] == plan.sessions[1].date.isoformat()
    assert sorted(a["fire"] for a in events[1]["alarms"]) == _expected_alarms(plan.sessions[1], 60)
    cancelled = read_with_icaljs(cp.to_ics(cut, protocol=protocol, dtstamp=STAMP), tmp_path)
    statuses = {e["uid"]: (e["status"], e["sequence"]) for e in cancelled["events"]}
    uid = next(u for u in statuses if u.endswith("-series-4@collagenplan"))
    assert statuses[uid] == ("CANCELLED", 1)
    assert {e["uid"] for e in events} == set(statuses)


def test_zone_names_used_exist() -> None:
    """The cases use real IANA zones (a typo would skip nothing, but test less)."""
    for _, _, zone, _ in CASES.values():
        zoneinfo.ZoneInfo(zone)


def test_icaljs_reads_a_spanish_calendar_as_written(tmp_path: Path) -> None:
    """A Spanish export (accents, multi-byte characters across 75-octet folds): ical.js
    reads every SUMMARY, DESCRIPTION and alarm text exactly as the library wrote it."""
    import icalendar

    protocol = cp.get_protocol("facial-series")
    plan = cp.plan(
        protocol, start=D(2027, 2, 20), client=CLIENT, clinic=_clinic("Europe/Madrid", "10:00")
    )
    data = cp.to_ics(plan, protocol=protocol, dtstamp=STAMP, client_name="Año Núñez", locale="es")
    read = read_with_icaljs(data, tmp_path)["events"]
    written = list(icalendar.Calendar.from_ical(data).walk("VEVENT"))
    assert len(read) == len(written) == len(plan.sessions)
    for mine, theirs in zip(written, read, strict=True):
        assert theirs["summary"] == str(mine["SUMMARY"])
        assert theirs["description"] == str(mine["DESCRIPTION"])
        assert "sesión" in theirs["summary"] and "Núñez" in theirs["summary"]
        alarms = sorted(str(a["DESCRIPTION"]) for a in mine.walk("VALARM"))
        assert sorted(a["description"] for a in theirs["alarms"]) == alarms
