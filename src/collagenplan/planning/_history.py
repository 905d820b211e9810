"""Planning after a history: what a client's visits leave to plan, and when it is late.

A client's history is a list of :class:`~collagenplan.Visit` records, cleaned
first (:func:`collagenplan._judging.clean_visits`: date order, each visit
once). ``done`` visits are sessions and stay as they were; ``booked`` visits
are fixed appointments and keep their place (a past one nobody confirmed is
flagged ``unconfirmed-booking``); ``missed`` and ``cancelled`` visits are not
sessions. A visit that says its phase is read in it. The history is read
exactly as :func:`~collagenplan.validate` reads a calendar
(:mod:`collagenplan._reading`), so a re-planned calendar and its validation
agree on every session's phase.

Late sessions follow the protocol's ``[late]`` policy (see
``docs/living-calendars.md`` for the reasoning): with ``continue`` the series
carries on and the late session is flagged ``interval-too-long``; with
``restart`` a gap longer than both ``interval.max`` and ``restart_after``
starts the series again from its first session (warning ``series-restarted``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from .. import _fastpaths
from .._blockers import DateCheck
from .._judging import phase_index as _phase_index
from .._reading import read
from ..errors import InputError, ProtocolError
from ..messages import Param
from ..protocols.model import Phase, Protocol
from ..results import Violation, day_param
from ..sessions import PlannedSession, Visit, Window, window_after
from ._place import choose_date

__all__ = [
    "HistoryReading",
    "Resume",
    "counts_by_phase",
    "late_violation",
    "next_phase",
    "not_before",
    "phase_counts",
    "read_history",
    "resume",
]


def phase_counts(protocol: Protocol, sessions: int | None) -> list[int]:
    """How many sessions each non-repeating phase gets."""
    counted = protocol.counted_phase_index
    if sessions is not None:
        if isinstance(sessions, bool) or not isinstance(sessions, int):
            raise InputError(f"must be an integer, got {sessions!r}", path="sessions")
        if counted is None:
            raise ProtocolError(
                f"protocol {protocol.id!r} has only a repeating phase; "
                "its session count follows the horizon, so 'sessions' cannot be set",
                path="sessions",
            )
        allowed = protocol.phases[counted].sessions
        if not allowed.min <= sessions <= allowed.max:
            raise ProtocolError(
                f"{sessions} sessions is outside the range of phase "
                f"{protocol.phases[counted].name!r} ({allowed.min}..{allowed.max})",
                path=f"phases[{counted}].sessions",
            )
    counts = []
    for i, phase in enumerate(protocol.phases):
        if phase.repeat:
            continue
        counts.append(
            sessions if (i == counted and sessions is not None) else phase.sessions.default
        )
    return counts


@attrs.frozen(kw_only=True)
class HistoryReading:
    """How a history of sessions reads against a protocol."""

    sessions: tuple[PlannedSession, ...]
    """The sessions (done and booked visits) with the phase and window they were read in."""
    phase_index: int | None
    """Phase of the last session (``-1`` beyond the protocol), ``None`` with no session."""
    count: int
    """Sessions of that phase in a row since the series (re)started."""
    restarts: tuple[int, ...]
    """Numbers of the sessions where the late policy started the series again."""

    @property
    def last(self) -> dt.date | None:
        """Date of the last session, if any."""
        return self.sessions[-1].date if self.sessions else None


def read_history(protocol: Protocol, sessions: Sequence[Visit]) -> HistoryReading:
    """Read ``sessions`` (cleaned, filtered to the ones that count) as validation does.

    A visit that says its phase is read in that phase.
    """
    reading = read(
        protocol,
        [(v.date, _phase_index(protocol, v.phase, "history"), v.status) for v in sessions],
    )
    restarts = tuple(k + 1 for k in sorted(reading.restarts))
    phase_index: int | None = None
    count = 0
    for k, (here, _) in enumerate(reading.path):
        if here == phase_index and k not in reading.restarts:
            count += 1
        else:
            phase_index, count = here, 1
    return HistoryReading(
        sessions=reading.sessions, phase_index=phase_index, count=count, restarts=restarts
    )


def next_phase(protocol: Protocol, reading: HistoryReading, counts: dict[int, int]) -> int | None:
    """Index of the phase the next session belongs to; ``None`` when the plan is complete."""
    current = reading.phase_index
    if current is None:
        return 0
    if current < 0:
        return None
    if protocol.phases[current].repeat or reading.count < counts[current]:
        return current
    return current + 1 if current + 1 < len(protocol.phases) else None


def counts_by_phase(protocol: Protocol, sessions: int | None) -> dict[int, int]:
    """Planned session count of each non-repeating phase, by phase index."""
    fixed = [i for i, p in enumerate(protocol.phases) if not p.repeat]
    return dict(zip(fixed, phase_counts(protocol, sessions), strict=True))


def _steps(
    protocol: Protocol, counts: dict[int, int], first: int | None, already: int
) -> tuple[Phase, ...]:
    """Non-repeating phases still to plan, from phase ``first`` with ``already`` sessions in it."""
    if first is None:
        return ()
    steps: list[Phase] = []
    for i in range(first, len(protocol.phases)):
        phase = protocol.phases[i]
        if phase.repeat:
            break
        steps += [phase] * max(0, counts[i] - (already if i == first else 0))
    return tuple(steps)


def not_before(window: Window, start: dt.date) -> tuple[Window, bool]:
    """``window`` with nothing before ``start``, and whether it had already closed (late).

    A window that ended before ``start`` becomes open-ended from ``start``:
    the session goes on the first allowed date from then.
    """
    if window.earliest >= start:
        return window, False
    target = max(window.target, start)
    if window.latest is not None and window.latest < target:
        return Window(earliest=start, target=start, latest=None), True
    return Window(earliest=start, target=target, latest=window.latest), False


@attrs.frozen(kw_only=True)
class Resume:
    """Where planning picks up after a history (internal to :func:`~collagenplan.plan`)."""

    kept: tuple[PlannedSession, ...]
    """History sessions kept in the plan: done, and booked (past ones too)."""
    steps: tuple[Phase, ...]
    """Non-repeating sessions still to plan, in order."""
    anchor: dt.date | None
    """Date the next window is measured from; ``None`` starts afresh from ``start``."""
    restarted: bool
    """The late policy starts the series again with the next session."""
    notes: tuple[Violation, ...] = ()
    """Warnings about the history: past bookings nobody confirmed."""


def resume(
    protocol: Protocol,
    visits: Sequence[Visit],
    *,
    sessions: int | None,
    start: dt.date,
    first_day: dt.date,
    checks: Sequence[DateCheck],
) -> Resume:
    """Read the cleaned ``visits`` and say what :func:`~collagenplan.plan` still has to plan.

    A booked visit before ``start`` that nobody marked done, missed or
    cancelled keeps its place (it is what the clinic's diary says) and gets
    an ``unconfirmed-booking`` warning.
    """
    kept = [v for v in visits if v.status in ("done", "booked")]
    counts = counts_by_phase(protocol, sessions)
    reading = read_history(protocol, kept)
    first = next_phase(protocol, reading, counts)
    already = reading.count if first == reading.phase_index else 0
    anchor = reading.last
    restarted = False
    if anchor is not None and first is not None and protocol.late.policy == "restart":
        window = window_after(anchor, protocol.phases[first])
        search, _ = not_before(window, first_day)
        day, _ = choose_date(search, checks)
        limit = protocol.late.restart_after
        if (
            day is not None
            and limit is not None
            and window.latest is not None
            and day > window.latest
            and day > limit.add_to(anchor)
        ):
            restarted, first, already, anchor = True, 0, 0, None
    notes = tuple(
        _unconfirmed(s, start) for s in reading.sessions if s.status == "booked" and s.date < start
    )
    return Resume(
        # issue 12 (identity): a kept session keeps the key its visit carries.
        # A read session has no key of its own, and a visit's key is checked.
        kept=tuple(
            s if v.key is None else _fastpaths.evolve(s, key=v.key)
            for s, v in zip(reading.sessions, kept, strict=True)
        ),
        steps=_steps(protocol, counts, first, already),
        anchor=anchor,
        restarted=restarted,
        notes=notes,
    )


def _unconfirmed(session: PlannedSession, start: dt.date) -> Violation:
    return Violation(
        code="unconfirmed-booking",
        severity="warning",
        key="unconfirmed.plan",
        params=(
            Param("session", str(session.number), "number"),
            Param("date", session.date.isoformat(), "date"),
            Param("start", start.isoformat(), "date"),
        ),
        session=session.number,
        date=session.date,
    )


def late_violation(
    protocol: Protocol,
    number: int,
    phase: Phase,
    window: Window,
    day: dt.date,
    previous: dt.date,
) -> Violation:
    """The ``interval-too-long`` flag of a session re-planned after its window closed."""
    index = protocol.phases.index(phase)
    gap = (day - previous).days
    return Violation(
        code="interval-too-long",
        severity="error",
        key="late.replanned",
        params=(
            Param("session", str(number), "number"),
            Param("phase", phase.name),
            day_param("latest", window.latest),
            Param("most", str(phase.interval.max), "units"),
            Param("previous", previous.isoformat(), "date"),
            Param("date", day.isoformat(), "date"),
            Param("gap", str(gap), "number"),
            Param("policy", protocol.late.policy),
        ),
        session=number,
        date=day,
        rule=f"phases[{index}].interval",
        expected=window,
        gap_days=gap,
    )
