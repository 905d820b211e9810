"""The day-by-day booking engine behind :func:`~collagenplan.simulate`.

One pass books the drawn clients into the supply with one policy:

``edf``
    Every open day, capacity goes to sessions already *past* their window
    first, then to the others, each queue earliest deadline first. Under
    overload this is the classic EDF domino: a slipped session's successor is
    released later, is past its own window sooner, jumps the queue, and soon
    every session is late.
``ontime``
    The day's capacity goes first to sessions that can still be booked inside
    their window (earliest deadline first); sessions already past their window
    get what is left. A client whose session cannot fit waits (a wait-list)
    instead of pushing everybody else out of their windows.
``slack``
    As ``ontime``, but a session already past its window is booked ahead of
    sessions still inside theirs whenever those can all still be booked in
    their windows on the following days (a look-ahead over the sessions
    already known: released, or waiting for their release day). A wait-listed
    client starts sooner and their series ends sooner, so more of it fits
    the horizon.
``plan``
    Book every session on the day a solver chose for it (see ``_exact``).

The pass also does the accounting: every session that enters the
simulation ends as exactly one of in window, slipped, unmet or pending.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
from collections import Counter
from collections.abc import Callable
from typing import Literal

from ..planning import Blocker, choose_date
from ..protocols import Phase
from ..sessions import Window, window_after
from ._tracks import Stream, Track
from .scenarios import Scenario, Supply, Unit

__all__ = ["Client", "Outcome", "Pass", "draw_clients", "run_pass"]

Pass = Literal["edf", "ontime", "slack", "plan"]

# When a long session does not fit the rest of a day, how many waiting
# sessions to look past for a shorter one before giving the day up.
_LOOK_PAST = 64


class Client:
    """A drawn client (internal, small): course, how far they go, chair time."""

    __slots__ = ("arrival", "course", "ident", "minutes", "protocol", "repeat", "sessions", "size")

    def __init__(
        self,
        course: tuple[Phase, ...],
        repeat: Phase | None,
        sessions: int,
        size: float,
        *,
        protocol: str = "",
        minutes: float = 60.0,
    ) -> None:
        self.course = course
        self.repeat = repeat
        self.sessions = sessions
        self.size = size
        self.protocol = protocol
        self.minutes = minutes
        self.ident = 0
        self.arrival = 0

    def phase(self, number: int) -> Phase | None:
        """Phase of session ``number`` (0-based), or ``None`` past the end of the course."""
        if number < len(self.course):
            return self.course[number]
        return self.repeat


class _Session:
    """A session waiting for a day (internal, mutable, small)."""

    __slots__ = ("client", "latest", "number", "size", "target")

    def __init__(self, client: Client, number: int, window: Window, size: float) -> None:
        self.client = client
        self.number = number
        self.target = window.target.toordinal()
        self.latest = (window.latest or window.target).toordinal()
        self.size = size


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw; large means are split (a sum of Poissons is Poisson)."""
    count = 0
    while mean > 0:
        part = min(mean, 30.0)
        mean -= part
        limit, product = math.exp(-part), rng.random()
        while product > limit:
            count += 1
            product *= rng.random()
    return count


def _rounded(rng: random.Random, mean: float) -> int:
    """``mean`` rounded up or down at random, so that the expected value is ``mean``."""
    whole = int(mean)
    return whole + (rng.random() < mean - whole)


def draw_clients(
    scenario: Scenario, prepared: tuple[Stream, ...], rng: random.Random, unit: Unit
) -> dict[int, list[Client]]:
    """New clients by arrival day (ordinal), with their course and how far they go."""
    arrivals: dict[int, list[Client]] = {}
    fixed = scenario.arrivals == "fixed"
    ident = 0
    for stream in prepared:
        protocol = stream.intake.protocol
        repeat = protocol.repeating
        size = 1.0 if unit == "slots" else float(stream.minutes)
        for day, rate in stream.days:
            count = _rounded(rng, rate) if fixed else _poisson(rng, rate)
            week = (day - scenario.monday).days // 7
            courses: tuple[Track, ...] = stream.tracks[week]
            weights = [c.weight for c in courses]
            for _ in range(count):
                course = rng.choices(courses, weights)[0] if len(courses) > 1 else courses[0]
                fixed_part = tuple(p for p in course.phases if not p.repeat)
                client = Client(
                    fixed_part,
                    repeat,
                    0,
                    size,
                    protocol=protocol.id,
                    minutes=float(stream.minutes),
                )
                taken = 1
                while True:
                    phase = client.phase(taken)
                    if phase is None or taken > len(course.phases):
                        break
                    if rng.random() < stream.intake.dropout_before(phase):
                        break
                    taken += 1
                client.sessions = taken
                ident += 1
                client.ident = ident
                client.arrival = day.toordinal()
                arrivals.setdefault(day.toordinal(), []).append(client)
    return arrivals


class Fixed:
    """A session of a booked plan: one window, no successor."""

    __slots__ = ("client", "window")

    def __init__(self, client: Client, window: Window) -> None:
        self.client = client
        self.window = window


class Outcome:
    """Everything one pass counted (internal; the public rows are built from it)."""

    def __init__(self, weeks: int) -> None:
        self.booked = [0] * weeks
        self.in_window = [0] * weeks
        self.slipped = [0] * weeks
        self.unmet = [0] * weeks
        self.backlog = [0] * weeks
        self.capacity = [0.0] * weeks
        self.used = [0.0] * weeks
        self.delay = [0] * weeks
        self.day_capacity: list[float] = []
        self.day_used: list[float] = []
        self.day_booked: list[int] = []
        self.pending = 0
        self.sessions = 0
        self.delays: Counter[int] = Counter()
        self.late_days: Counter[int] = Counter()
        # protocol -> [sessions, in window, slipped, unmet, pending, chair minutes]
        self.protocols: dict[str, list[float]] = {}
        self.days_of: dict[tuple[int, int], int] = {}

    @property
    def total_in_window(self) -> int:
        return sum(self.in_window)

    def key(self) -> tuple[int, int, int]:
        """Better passes sort higher: more in window, fewer unmet, less delay."""
        return (self.total_in_window, -sum(self.unmet), -sum(self.delay))

    def count(self, protocol: str, column: int, amount: float = 1.0) -> None:
        row = self.protocols.setdefault(protocol, [0.0] * 6)
        row[column] += amount


def run_pass(
    scenario: Scenario,
    supply: Supply,
    arrivals: dict[int, list[Client]],
    fixed: list[Fixed],
    policy: Pass,
    *,
    planned: dict[tuple[int, int], int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Book the clients day by day with ``policy``; count what happened."""
    to_size = 1.0 if supply.unit == "slots" else 60.0
    monday = scenario.monday.toordinal()
    out = Outcome(scenario.weeks)
    end = scenario.end.toordinal()
    first = scenario.start.toordinal()
    within = scenario.first_session_within
    waiting: dict[int, list[_Session]] = {}
    sizes = {c.size for day in arrivals.values() for c in day} | {f.client.size for f in fixed}
    smallest = min(sizes) if sizes else 1.0
    closed = Blocker("clinic-closed", "the clinic is closed")
    today_plan: dict[int, list[_Session]] = {}
    planned = planned or {}

    def week_of(ordinal: int) -> int:
        return (ordinal - monday) // 7

    def check(day: dt.date) -> Blocker | None:
        return None if supply.is_open(day) else closed

    def wait(session: _Session, window: Window) -> None:
        """Queue ``session`` from the open day the planner would choose in ``window``."""
        day, _ = choose_date(window, (check,))
        release = max((day or window.target).toordinal(), first)
        out.sessions += 1
        out.count(session.client.protocol, 0)
        waiting.setdefault(release, []).append(session)

    for item in fixed:
        wait(_Session(item.client, 0, item.window, item.client.size), item.window)

    on_time: list[tuple[int, int, _Session]] = []
    late: list[tuple[int, int, _Session]] = []
    counter = 0

    def book(session: _Session, today: int) -> None:
        week = week_of(today)
        client = session.client
        out.booked[week] += 1
        if today <= session.latest:
            out.in_window[week] += 1
            out.count(client.protocol, 1)
        else:
            out.slipped[week] += 1
            out.count(client.protocol, 2)
            out.late_days[today - session.latest] += 1
        out.count(client.protocol, 5, client.minutes)
        out.used[week] += session.size / to_size
        out.delay[week] += today - session.target
        out.delays[today - session.target] += 1
        out.days_of[(client.ident, session.number)] = today
        following = session.number + 1
        if following >= client.sessions:
            return
        phase = client.phase(following)
        if phase is None:
            return
        window = window_after(dt.date.fromordinal(today), phase)
        if window.target.toordinal() > end or window.latest is None:
            return
        wait(_Session(client, following, window, client.size), window)

    def serve(
        queue: list[tuple[int, int, _Session]], room: float, today: int
    ) -> tuple[float, int]:
        passed: list[tuple[int, int, _Session]] = []
        count = 0
        while queue and room >= smallest - 1e-9 and len(passed) < _LOOK_PAST:
            entry = heapq.heappop(queue)
            session = entry[2]
            if session.size > room + 1e-9:
                passed.append(entry)
                continue
            book(session, today)
            room -= session.size
            count += 1
        for entry in passed:
            heapq.heappush(queue, entry)
        return room, count

    def serve_plan(room: float, today: int) -> tuple[float, int]:
        count = 0
        for session in today_plan.pop(today, ()):
            if session.size > room + 1e-9:  # never for a solver's plan; kept waiting
                counter_push(session)
                continue
            book(session, today)
            room -= session.size
            count += 1
        return room, count

    def counter_push(session: _Session) -> None:
        nonlocal counter
        counter += 1
        heapq.heappush(on_time, (session.latest, counter, session))

    # Capacity (in size units) of the days after each day, for the look-ahead.
    ahead = [0.0] * (end - first + 3)
    for today in range(end, first - 1, -1):
        i = today - first
        ahead[i] = ahead[i + 1] + supply.capacity_on(dt.date.fromordinal(today)) * to_size

    def after(today: int, deadline: int) -> float:
        """Capacity from the day after ``today`` to ``deadline`` (inclusive)."""
        last = min(deadline, end) - first
        return ahead[today - first + 1] - ahead[last + 1] if last > today - first else 0.0

    def needed_today(today: int) -> float:
        """Room today that sessions inside their windows need for all of them to fit."""
        known = [(e[0], e[2].size) for e in on_time]
        for release, sessions in waiting.items():
            if release > today:
                known.extend((x.latest, x.size) for x in sessions)
        known.sort()
        need = total = 0.0
        for deadline, size in known:
            total += size
            need = max(need, total - after(today, deadline))
        return need

    def serve_slack(room: float, today: int) -> tuple[float, int]:
        if not late:
            return serve(on_time, room, today)
        must = needed_today(today)
        count = 0
        if must > 1e-9:
            keep = room - min(room, must)
            room, n = serve(on_time, room - keep, today)
            room += keep
            count += n
        room, n = serve(late, room, today)
        count += n
        room, n = serve(on_time, room, today)
        return room, count + n

    total_days = end - first + 1
    for today in range(first, end + 1):
        day = dt.date.fromordinal(today)
        for client in arrivals.get(today, ()):
            window = Window(earliest=day, target=day, latest=within.add_to(day))
            wait(_Session(client, 0, window, client.size), window)
        for session in waiting.pop(today, ()):
            if policy == "plan":
                chosen = planned.get((session.client.ident, session.number))
                if chosen is not None and chosen >= today:
                    today_plan.setdefault(chosen, []).append(session)
                    continue
            counter_push(session)
        capacity = supply.capacity_on(day)
        room = capacity * to_size
        week = week_of(today)
        out.capacity[week] += capacity
        booked_today = 0
        if room > 0:
            if policy == "edf":
                room, n = serve(late, room, today)
                booked_today += n
                room, n = serve(on_time, room, today)
                booked_today += n
            elif policy == "slack":
                room, booked_today = serve_slack(room, today)
            elif policy == "ontime":
                room, n = serve(on_time, room, today)
                booked_today += n
                room, n = serve(late, room, today)
                booked_today += n
            else:
                room, n = serve_plan(room, today)
                booked_today += n
        elif policy == "plan":
            for session in today_plan.pop(today, ()):
                counter_push(session)
        while on_time and on_time[0][0] <= today:
            heapq.heappush(late, heapq.heappop(on_time))
        out.day_capacity.append(capacity)
        out.day_used.append(capacity - room / to_size)
        out.day_booked.append(booked_today)
        if day.weekday() == 6 or today == end:
            out.backlog[week] = len(late)
        if progress is not None and (today - first + 1) % 28 == 0:
            progress(today - first + 1, total_days)
    # Every session still waiting ends as unmet (its window closed inside the
    # horizon) or pending (it is still open); nothing is left uncounted, also
    # sessions released after the end (a closure at the horizon).
    leftovers: list[_Session] = [entry[2] for entry in late]
    leftovers += [entry[2] for entry in on_time]
    for queue in (waiting, today_plan):
        for sessions in queue.values():
            leftovers.extend(sessions)
    for session in leftovers:
        if session.latest <= end:
            out.unmet[max(0, week_of(session.latest))] += 1
            out.count(session.client.protocol, 3)
        else:
            out.pending += 1
            out.count(session.client.protocol, 4)
    if progress is not None:
        progress(total_days, total_days)
    return out
