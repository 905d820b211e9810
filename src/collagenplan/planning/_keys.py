"""Identity: a plan's ``plan_id`` and each session's ``key``, and how re-planning keeps them.

The rules (``docs/design.md``, "Identity survives change"):

* a plan's id is the caller's, else ``<client id>/<protocol id>``, never a date;
* a session's key is the one its history visit carries, else its phase and its
  ordinal within the phase (``series-2``), so a session keeps its key when the
  sessions before it move, are missed or are renumbered;
* a re-plan (:func:`succeed`) keeps the plan id, adds one to the revision,
  stamps the sessions whose date or time changed with the new revision (their
  iCalendar ``SEQUENCE``), and lists the sessions it dropped in ``removed``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .. import _fastpaths
from ..clients import Client
from ..errors import InputError
from ..results import Plan
from ..sessions import Milestone, PlannedSession, Visit, key_stem, session_keys

__all__ = [
    "KeyMaker",
    "carry_keys",
    "check_history_keys",
    "plan_id_for",
    "succeed",
    "with_keys",
]


def plan_id_for(given: object, protocol_id: str, client: Client | None) -> str | None:
    """The plan id: ``given``, else ``<client id>/<protocol id>``, else ``None``.

    Raises:
        InputError: ``given`` is not a non-empty string (path ``plan_id``).
    """
    if given is not None:
        if not isinstance(given, str) or not given.strip() or given != given.strip():
            raise InputError(
                f"must be a non-empty string without surrounding spaces, got {given!r}",
                path="plan_id",
            )
        return given
    if isinstance(client, Client) and client.id is not None and client.id.strip():
        return f"{client.id.strip()}/{protocol_id}"
    return None


def check_history_keys(history: Sequence[object]) -> None:
    """No two visits that are sessions (done or booked) carry the same key.

    Raises:
        InputError: naming ``history[i].key``.
    """
    seen: dict[str, int] = {}
    for i, visit in enumerate(history):
        if not isinstance(visit, Visit) or visit.key is None:
            continue
        if visit.status not in ("done", "booked"):
            continue
        if visit.key in seen:
            raise InputError(
                f"repeats the key {visit.key!r} of history[{seen[visit.key]}]; "
                "each session has its own key",
                path=f"history[{i}].key",
            )
        seen[visit.key] = i


class KeyMaker:
    """:func:`~collagenplan.session_keys`, one session at a time, in plan order.

    Built on the sessions a plan starts from (its history, each with or
    without a key), it gives every session added after them the key
    ``session_keys`` would give it in the finished plan: the planner adds
    sessions without keys, after every session that has one, so the keys
    taken are known from the start. A session is then built once, key and all.
    """

    __slots__ = ("counts", "keys", "stems", "used")

    def __init__(self, sessions: Sequence[PlannedSession]) -> None:
        self.used = {s.key for s in sessions if s.key is not None}
        self.counts: dict[str, int] = {}
        self.stems: dict[str, str] = {}
        self.keys = [self.next(s.phase, s.key) for s in sessions]
        """The keys of ``sessions``."""

    def next(self, phase: str, key: str | None = None) -> str:
        """The key of the next session, of ``phase`` (``key`` when it has one)."""
        count = self.counts[phase] = self.counts.get(phase, 0) + 1
        if key is not None:
            return key
        stem = self.stems.get(phase)
        if stem is None:
            stem = self.stems[phase] = key_stem(phase)
        while f"{stem}-{count}" in self.used:  # derive_key, without copying the keys taken
            count += 1
        key = f"{stem}-{count}"
        self.used.add(key)
        return key


def with_keys(
    sessions: Sequence[PlannedSession],
    milestones: Sequence[tuple[Milestone, ...] | None] | None = None,
) -> list[PlannedSession]:
    """``sessions`` with every missing key filled in (:func:`session_keys`).

    ``milestones``, one entry per session, set those not ``None`` in the same
    step (one new value per session).
    """
    out = []
    for i, (session, key) in enumerate(zip(sessions, session_keys(sessions), strict=True)):
        changes: dict[str, object] = {}
        if session.key is None:
            changes["key"] = key  # derived keys are valid
        if milestones is not None and milestones[i] is not None:
            changes["milestones"] = milestones[i]
        out.append(_fastpaths.evolve(session, **changes) if changes else session)
    return out


def carry_keys(
    existing: Plan, kept: Sequence[Visit], given: Sequence[Visit]
) -> tuple[list[Visit], list[Visit]]:
    """Give visits the keys of the sessions of ``existing`` they are.

    ``kept`` are the plan's own done and booked sessions, as visits: each gets
    its session's key. A ``given`` done or booked visit without a key, on the
    date of a session of ``existing``, gets that session's key (the first such
    visit per date; a key is only taken once).
    """
    by_date: dict[dt.date, str] = {}
    for session, key in zip(existing.sessions, session_keys(existing.sessions), strict=True):
        by_date.setdefault(session.date, key)
    taken: set[str] = set()
    out_kept = []
    for visit in kept:
        found = visit.key or by_date.get(visit.date)
        if found is not None and found not in taken:
            taken.add(found)
            visit = _fastpaths.evolve(visit, key=found)
        out_kept.append(visit)
    taken |= {v.key for v in given if v.key is not None}
    out_given = []
    for visit in given:
        same_day = by_date.get(visit.date)
        if (
            visit.key is None
            and visit.status in ("done", "booked")
            and same_day is not None
            and same_day not in taken
        ):
            taken.add(same_day)
            visit = _fastpaths.evolve(visit, key=same_day)
        out_given.append(visit)
    return out_kept, out_given


def _when(
    session: PlannedSession, chair_minutes: int | None
) -> tuple[dt.date, dt.datetime | None, int | None]:
    """What an export shows of a session's time: its day, and its start and length."""
    if session.start is None:
        return session.date, None, None
    minutes = session.minutes if session.minutes is not None else chair_minutes
    return session.date, session.start, minutes


def succeed(existing: Plan, new: Plan, chair_minutes: int | None = None) -> Plan:
    """``new``, a re-plan of ``existing``, as the next revision of the same plan.

    The plan id is ``existing``'s (a re-plan never changes identity). A done or
    booked session on the date ``existing`` had it keeps its appointment time,
    minutes and practitioner (a visit records none). A session whose key
    ``existing`` had keeps its revision when its day (and, for a timed one, its
    start and minutes, the protocol's ``chair_minutes`` when it has none) is
    unchanged, and gets the new revision when it moved; a new
    key starts at revision 0, or at the new revision when it comes back after
    being removed. Sessions of ``existing`` whose key is gone are added to
    ``removed`` with the new revision; earlier removals are kept unless the key
    is planned again.
    """
    revision = existing.revision + 1
    before = dict(zip(session_keys(existing.sessions), existing.sessions, strict=True))
    gone_before = {s.key: s for s in existing.removed if s.key is not None}
    sessions = []
    keys = session_keys(new.sessions)
    for session, key in zip(new.sessions, keys, strict=True):
        old = before.get(key)
        if (
            old is not None
            and session.status in ("done", "booked")
            and session.start is None
            and old.date == session.date
        ):
            # A visit has no time: a session that happened (or is booked) as
            # planned keeps its appointment (time, minutes, practitioner).
            session = _fastpaths.evolve(
                session,
                start=old.start,
                minutes=old.minutes,
                practitioner=old.practitioner,
            )
        if old is not None:
            changed = _when(old, chair_minutes) != _when(session, chair_minutes)
            stamp = revision if changed else old.revision
        else:
            stamp = revision if key in gone_before else 0
        if session.key != key or session.revision != stamp:
            session = _fastpaths.evolve(session, key=key, revision=stamp)
        sessions.append(session)
    planned = set(keys)
    removed = [s for k, s in gone_before.items() if k not in planned]
    removed += [
        _fastpaths.evolve(s, key=k, revision=revision)
        for k, s in before.items()
        if k not in planned
    ]
    # Every value comes from the two checked plans (keys, times, the plan id) or
    # is a revision number; a removed key is never a planned one.
    return _fastpaths.evolve(
        new,
        plan_id=existing.plan_id,
        revision=revision,
        sessions=tuple(sessions),
        removed=tuple(removed),
    )
