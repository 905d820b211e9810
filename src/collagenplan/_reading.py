"""Reading a calendar against a protocol: which phase each session belongs to.

A calendar of dates does not say which phase each session belongs to. It is
read the way that explains it with the fewest errors, then the fewest
warnings, preferring to keep a session in the current phase on a tie
(dynamic programming over ``(phase, sessions so far in it)`` states). With
the ``restart`` late policy, a gap past both the phase's ``interval.max`` and
``late.restart_after`` starts the series again, and the sessions from there
are read afresh.

Validation words what this reading finds; planning reads a client's history
the same way, so that a re-planned calendar and its validation agree. Both
import this module; it imports neither of them.
"""

from __future__ import annotations

import datetime as dt

import attrs

from . import _fastpaths
from .errors import DurationError
from .messages import Param
from .protocols.model import Phase, Protocol
from .results import Violation
from .sessions import PlannedSession, SessionStatus, Window, window_after, window_after_saturating

__all__ = [
    "BEYOND",
    "Entry",
    "Gaps",
    "Reading",
    "State",
    "checked_session",
    "read",
    "restart_violation",
    "window_after_once",
]

Entry = tuple[dt.date, int | None, str]
"""A session to read: (date, known phase index or ``None``, status)."""
_STATUS: dict[str, SessionStatus] = {"planned": "planned", "booked": "booked", "done": "done"}
State = tuple[int, int]
"""(phase index, sessions so far in it); phase ``-1`` is past the protocol's end."""
BEYOND = "(beyond protocol)"
"""The phase name of a session past everything the protocol allows."""
_ERROR, _WARNING = (1, 0), (0, 1)


_WINDOWS: dict[tuple[dt.date, int], tuple[Phase, Window, dt.date]] = {}
"""Every (previous date, phase) window built in this process, with its grace floor.

A window depends only on the date and the phase (a frozen value), and a
chain's calendars share their dates, so each is built once per process, not
once per reading. Phases are matched by identity (kept alive here, so an
``id`` is not reused); the memory is emptied when it reaches ``_WINDOWS_LIMIT``.
"""
_WINDOWS_LIMIT = 1 << 17


_AFTER: dict[tuple[dt.date, int], tuple[Phase, Window]] = {}


def window_after_once(previous: dt.date, phase: Phase) -> Window:
    """:func:`~collagenplan.sessions.window_after`, each (date, phase) built once per process.

    Raises:
        DurationError: as ``window_after`` does (such a window is not remembered).
    """
    key = (previous, id(phase))
    found = _AFTER.get(key)
    if found is not None and found[0] is phase:
        return found[1]
    window = window_after(previous, phase)
    if len(_AFTER) >= _WINDOWS_LIMIT:
        _AFTER.clear()
    _AFTER[key] = (phase, window)
    return window


_OPENINGS: dict[dt.date, Window] = {}


def _opening(day: dt.date) -> Window:
    """The open-ended window on ``day`` of a first session, one per date per process."""
    found = _OPENINGS.get(day)
    if found is None:
        if len(_OPENINGS) >= _WINDOWS_LIMIT:
            _OPENINGS.clear()
        found = _OPENINGS[day] = Window(earliest=day, target=day, latest=None)
    return found


class Gaps:
    """Classifies gaps; each (previous date, phase) window is built once per process.

    The phase reading tries several phases per session and the report pass
    asks again for the chosen one; windows are the costly part.
    """

    def __init__(self, phases: tuple[Phase, ...]) -> None:
        self.phases = phases

    def window(self, previous: dt.date, phase_index: int) -> tuple[Window, dt.date]:
        phase = self.phases[phase_index]
        key = (previous, id(phase))
        found = _WINDOWS.get(key)
        if found is not None and found[0] is phase:
            return found[1], found[2]
        window = window_after_saturating(previous, phase)
        try:
            floor = phase.grace.subtract_from(window.earliest)
        except DurationError:  # only near date.min; nothing can be earlier
            floor = dt.date.min
        if len(_WINDOWS) >= _WINDOWS_LIMIT:
            _WINDOWS.clear()
        _WINDOWS[key] = (phase, window, floor)
        return window, floor

    def code(self, previous: dt.date, day: dt.date, phase_index: int) -> str | None:
        """The violation code of the gap from ``previous`` to ``day``, or None."""
        if day < previous:
            return "not-chronological"
        if day == previous:
            return "same-day-duplicate"
        window, floor = self.window(previous, phase_index)
        if day < window.earliest:
            return "within-grace" if day >= floor else "interval-too-short"
        if window.latest is not None and day > window.latest:
            return "interval-too-long"
        return None


def _cost(code: str | None) -> tuple[int, int]:
    if code is None:
        return (0, 0)
    return _WARNING if code == "within-grace" else _ERROR


def _successors(state: State, protocol: Protocol) -> list[State]:
    phase_index, count = state
    if phase_index < 0:
        return [state]
    phases = protocol.phases
    phase = phases[phase_index]
    out: list[State] = []
    if phase.repeat:
        return [(phase_index, 1)]
    if count < phase.sessions.max:
        out.append((phase_index, count + 1))
    if count >= phase.sessions.min and phase_index + 1 < len(phases):
        out.append((phase_index + 1, 1))
    return out or [(-1, 0)]


def _assign(entries: list[Entry], protocol: Protocol, gaps: Gaps) -> list[State]:
    """Best phase assignment for each entry (dynamic programming over states)."""
    if not entries:
        return []
    first_phase = entries[0][1] or 0
    states: dict[State, tuple[tuple[int, int], int]] = {(first_phase, 1): ((0, 0), -1)}
    history: list[dict[State, tuple[tuple[int, int], int]]] = [states]
    keys: list[list[State]] = [list(states)]
    for k in range(1, len(entries)):
        previous, _, _ = entries[k - 1]
        day, known, _ = entries[k]
        nxt: dict[State, tuple[tuple[int, int], int]] = {}
        for back, state in enumerate(keys[-1]):
            cost = history[-1][state][0]
            for succ in _successors(state, protocol):
                if known is not None and succ[0] != known:
                    continue
                step = _ERROR if succ[0] < 0 else _cost(gaps.code(previous, day, succ[0]))
                total = (cost[0] + step[0], cost[1] + step[1])
                if succ not in nxt or total < nxt[succ][0]:
                    nxt[succ] = (total, back)
        if not nxt:  # a known phase that cannot follow: trust the calendar's label
            nxt = {(known if known is not None else -1, 1): (history[-1][keys[-1][0]][0], 0)}
        history.append(nxt)
        keys.append(list(nxt))
    last = history[-1]
    best = min(keys[-1], key=lambda s: last[s][0])
    path = [best]
    for k in range(len(entries) - 1, 0, -1):
        best = keys[k - 1][history[k][best][1]]
        path.append(best)
    path.reverse()
    return path


def _clean_path(entries: list[Entry], protocol: Protocol, gaps: Gaps) -> list[State] | None:
    """The reading without any violation, when there is exactly one; else ``None``.

    Walks the calendar keeping, at each session, the one successor state
    whose gap has no code. When every step has exactly one, that reading
    costs nothing and no other does, so it is the one :func:`_assign`'s
    dynamic programme returns (whatever its tie rule); no restart can
    happen on it either. A step with none (a violation somewhere) or with
    several (phases whose windows overlap) leaves the answer to
    :func:`_assign`.
    """
    if not _fastpaths.FAST or not entries:
        return None
    state: State = (entries[0][1] or 0, 1)
    path = [state]
    previous = entries[0][0]
    for day, known, _ in entries[1:]:
        if day <= previous:
            return None
        found: State | None = None
        for succ in _successors(state, protocol):
            if succ[0] < 0 or (known is not None and succ[0] != known):
                continue
            window = gaps.window(previous, succ[0])[0]
            if window.earliest <= day and (window.latest is None or day <= window.latest):
                if found is not None:
                    return None
                found = succ
        if found is None:
            return None
        state = found
        path.append(state)
        previous = day
    return path


def _read(
    entries: list[Entry], protocol: Protocol, gaps: Gaps
) -> tuple[list[State], frozenset[int]]:
    """Phase assignment honouring the late policy: with ``restart``, a gap past both the
    phase's ``interval.max`` and ``late.restart_after`` starts the series again (the
    entries from there are read afresh). Returns the states and the restart indices."""
    path = _assign(entries, protocol, gaps)
    restarts: set[int] = set()
    limit = protocol.late.restart_after
    if protocol.late.policy != "restart" or limit is None:
        return path, frozenset(restarts)
    for k in range(1, len(entries)):
        previous, day = entries[k - 1][0], entries[k][0]
        index = path[k][0] if path[k][0] >= 0 else len(protocol.phases) - 1
        code = gaps.code(previous, day, index)
        try:
            beyond = day > limit.add_to(previous)
        except DurationError:  # the limit ends past date.max: nothing is beyond it
            beyond = False
        if code == "interval-too-long" and beyond:
            restarts.add(k)
            path[k:] = _assign(entries[k:], protocol, gaps)
    return path, frozenset(restarts)


def checked_session(
    *,
    number: int,
    phase: str,
    date: dt.date,
    window: Window,
    status: SessionStatus = "planned",
    key: str | None = None,
) -> PlannedSession:
    """A :class:`PlannedSession` equal to the constructor's, without its checks.

    For values the library has checked already: dates from the calendar's
    reader (or the ``Visit`` and ``Plan`` that hold them) or the planner,
    windows from their own constructor, phase names from the protocol.
    Checking them again for each of a million sessions was a third of a
    validation's time.
    """
    return _fastpaths.build(
        PlannedSession,
        number=number,
        phase=phase,
        date=date,
        window=window,
        status=status,
        key=key,
    )


@attrs.frozen(kw_only=True, eq=False)
class Reading:
    """How a calendar reads against a protocol (the result of :func:`read`)."""

    protocol: Protocol
    entries: tuple[Entry, ...]
    """The sessions read, in calendar order."""
    path: tuple[State, ...]
    """The state of each entry: (phase index, ``-1`` past the protocol; count in it)."""
    restarts: frozenset[int]
    """Indices of the entries where the late policy starts the series again."""
    gaps: Gaps
    """The gap classifier, with the windows it built."""
    clean: bool = False
    """True when the reading is known to have no gap code (found by the clean walk)."""

    def index(self, k: int) -> int:
        """The phase whose interval judges entry ``k`` (the last one past the protocol)."""
        phase_index = self.path[k][0]
        return phase_index if phase_index >= 0 else len(self.protocol.phases) - 1

    def code(self, k: int) -> str | None:
        """The gap code of entry ``k`` (``None`` for a first session or a restart)."""
        if k == 0 or self.clean or k in self.restarts:
            return None
        return self.gaps.code(self.entries[k - 1][0], self.entries[k][0], self.index(k))

    def window(self, k: int) -> Window:
        """The window entry ``k`` was due in: open-ended on its own date when it starts."""
        day = self.entries[k][0]
        if k == 0 or k in self.restarts:
            if _fastpaths.FAST:
                return _opening(day)
            return Window(earliest=day, target=day, latest=None)
        return self.gaps.window(self.entries[k - 1][0], self.index(k))[0]

    def session(self, k: int) -> PlannedSession:
        """Entry ``k`` as a session, numbered from 1, with its phase and window."""
        day, _, status = self.entries[k]
        phase_index = self.path[k][0]
        return checked_session(
            number=k + 1,
            phase=self.protocol.phases[phase_index].name if phase_index >= 0 else BEYOND,
            date=day,
            window=self.window(k),
            status=_STATUS.get(status, "done"),
        )

    @property
    def sessions(self) -> tuple[PlannedSession, ...]:
        """Every entry as a session."""
        return tuple(self.session(k) for k in range(len(self.entries)))


def read(protocol: Protocol, entries: list[Entry]) -> Reading:
    """Read ``entries`` against ``protocol``: the phase of each and where the series restarts."""
    gaps = Gaps(protocol.phases)
    clean = _clean_path(entries, protocol, gaps)
    if clean is not None:  # no violation, so no restart either
        path, restarts = clean, frozenset[int]()
    else:
        path, restarts = _read(entries, protocol, gaps)
    return Reading(
        protocol=protocol,
        entries=tuple(entries),
        path=tuple(path),
        restarts=restarts,
        gaps=gaps,
        clean=clean is not None,
    )


def restart_violation(
    number: int, day: dt.date, previous: dt.date, protocol: Protocol
) -> Violation:
    """The ``series-restarted`` warning of a session that starts the series again."""
    gap = (day - previous).days
    limit = protocol.late.restart_after
    return Violation(
        code="series-restarted",
        severity="warning",
        key="series-restarted" if limit is not None else "series-restarted.no-limit",
        params=(
            Param("session", str(number), "number"),
            Param("date", day.isoformat(), "date"),
            Param("gap", str(gap), "number"),
            *([Param("limit", str(limit), "units")] if limit is not None else []),
        ),
        session=number,
        date=day,
        rule="late.restart_after",
        gap_days=gap,
    )
