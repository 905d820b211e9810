"""Capacity scenarios: who arrives, how much of their series they take, what the clinic supplies.

A :class:`Scenario` is a value: build it in Python or load it from a TOML /
JSON file with :func:`load_scenario` (the format is documented key by key in
``docs/capacity.md``). Every class validates itself at construction and
raises :class:`~collagenplan.errors.ScenarioError` naming the field, so a
scenario that exists is one the projection can run.

Weeks are ISO weeks (Monday to Sunday). Week 1 is the week holding
``start``; the horizon ends on the Sunday of week ``weeks``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import attrs

from .._checks import (
    Validator,
    is_date,
    is_duration,
    is_optional,
    is_positive_int,
    is_str,
    is_tuple_of,
    one_of,
)
from .._fields import (
    _typename,
    parse_date,
    parse_document,
    read_file,
    relocated,
    renamed,
    to_tuple,
)
from .._reader import KEY, READ, Hook, Reader
from ..documents import from_json
from ..durations import Duration
from ..errors import InputError, ProtocolError, ScenarioError, UnknownProtocolError
from ..protocols import Phase, get_protocol, load_protocol
from ..protocols import Protocol as TreatmentProtocol
from ..results import Plan

__all__ = [
    "DEFAULT_OPEN",
    "MAX_WEEKS",
    "SCHEMA_VERSION",
    "WEEKDAYS",
    "After",
    "Arrivals",
    "Intake",
    "OpeningCalendar",
    "Scenario",
    "Supply",
    "Unit",
    "load_scenario",
    "parse_scenario",
    "scenario_from_dict",
]

SCHEMA_VERSION = 1
"""The scenario file schema this version reads."""
SCHEMA = SCHEMA_VERSION
"""The older name of :data:`SCHEMA_VERSION`."""
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names used in scenario files, Monday first (``date.weekday()`` order)."""
DEFAULT_OPEN = ("mon", "tue", "wed", "thu", "fri")
"""Open weekdays when a scenario does not say."""
MAX_WEEKS = 520
"""Longest horizon accepted: ten years is far past any staffing plan."""

Unit = Literal["slots", "hours"]
Arrivals = Literal["poisson", "fixed"]
After = Literal["zero", "hold", "repeat"]
_E = ScenarioError
_TWO_WEEKS = Duration(days=14)


@runtime_checkable
class OpeningCalendar(Protocol):
    """Anything that can say whether the clinic opens on a date.

    This is the seam through which a clinic model supplies opening days:
    any object with an ``is_open(day) -> bool`` method can be passed as
    :attr:`Supply.calendar`.
    """

    def is_open(self, day: dt.date) -> bool:
        """True when sessions can be held on ``day``."""
        ...


def _number_check(
    *, minimum: float = 0.0, maximum: float | None = None, below: float | None = None
) -> Any:
    """A test for one non-negative finite number, returning a problem or ``None``."""

    def test(value: object) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"must be a number, got {_typename(value)}"
        if not math.isfinite(value):
            return f"must be a finite number, got {value}"
        if value < minimum:
            return f"must be at least {minimum:g}, got {value:g}"
        if maximum is not None and value > maximum:
            return f"must be at most {maximum:g}, got {value:g}"
        if below is not None and value >= below:
            return f"must be below {below:g}, got {value:g}"
        return None

    return test


def _is_number(**bounds: float) -> Validator:
    test = _number_check(**bounds)

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        problem = test(value)
        if problem is not None:
            raise _E(problem, path=attribute.name)

    return validate


def _is_probability() -> Validator:
    return _is_number(maximum=1.0)


def _numbers(name: str, value: object, size: int | None = None, **bounds: float) -> None:
    """Check a tuple of numbers, naming the bad element's index."""
    if not isinstance(value, tuple):
        raise _E(f"must be an array of numbers, got {_typename(value)}", path=name)
    if size is not None and len(value) != size:
        raise _E(f"must hold exactly {size} numbers, got {len(value)}", path=name)
    test = _number_check(**bounds)
    for i, item in enumerate(value):
        problem = test(item)
        if problem is not None:
            raise _E(problem, path=f"{name}[{i}]")


def _to_float(value: Any) -> Any:
    """attrs converter: an int becomes a float; anything else is left for the validator."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _to_floats(value: Any) -> Any:
    """attrs converter: a list or tuple of ints/floats becomes a tuple of floats."""
    if isinstance(value, list | tuple):
        return tuple(_to_float(v) for v in value)
    return _to_float(value)


def _to_counts(value: Any) -> Any:
    """attrs converter: ``4`` or ``{3: 0.5, 4: 0.5}`` becomes sorted ``((3, 0.5), (4, 0.5))``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return ((value, 1.0),)
    if isinstance(value, Mapping):
        items = list(value.items())
        if all(isinstance(k, int) and not isinstance(k, bool) for k, _ in items):
            return tuple(sorted((k, _to_float(v)) for k, v in items))
    if isinstance(value, list | tuple):
        return tuple(tuple(v) if isinstance(v, list | tuple) else v for v in value)
    return value


def _chair_minutes(protocol: TreatmentProtocol) -> int:
    """The protocol's chair minutes; capacity cannot count hours without them."""
    minutes = protocol.session.chair_minutes
    if minutes is None:
        raise _E(
            f"protocol {protocol.id!r} gives no chair time ([session] chair_minutes), "
            "which capacity needs; add it to the protocol or give the intake chair_minutes",
            path="protocol",
        )
    return minutes


@renamed(until="end")
@attrs.frozen(kw_only=True)
class Intake:
    """New clients starting one protocol, and how much of it they take.

    ``per_week`` is the number of new clients a week: one number (constant),
    or a sequence with one number per week from week 1 (what happens after
    the sequence ends is ``after``). ``monthly`` multiplies it by a factor per
    calendar month (seasonality). New clients start spread evenly over the
    clinic's open weekdays.
    """

    protocol: TreatmentProtocol = attrs.field()
    """The protocol the new clients follow."""
    per_week: float | tuple[float, ...] = attrs.field(converter=_to_floats)
    """New clients per week: a constant, or one value per week from week 1."""
    after: After = attrs.field(default="zero", validator=one_of(_E, ("zero", "hold", "repeat")))
    """After a ``per_week`` sequence runs out: ``zero`` (no more clients), ``hold``
    (keep the last value) or ``repeat`` (start the sequence again)."""
    monthly: tuple[float, ...] | None = attrs.field(default=None, converter=_to_floats)
    """Twelve seasonal factors, January first, multiplying ``per_week``; ``None`` is flat."""
    start: dt.date | None = attrs.field(default=None, validator=is_optional(is_date(_E)))
    """First day clients of this intake arrive (default: the scenario's start)."""
    end: dt.date | None = attrs.field(default=None, validator=is_optional(is_date(_E)))
    """Last day clients of this intake arrive (default: the end of the horizon)."""
    sessions: tuple[tuple[int, float], ...] | None = attrs.field(
        default=None, converter=_to_counts
    )
    """How many sessions clients sign up for in the protocol's counted phase: one
    count, or ``{count: probability}`` pairs summing to 1. ``None`` means the phase's
    default count."""
    dropout: float = attrs.field(default=0.0, converter=_to_float, validator=_is_probability())
    """Probability that a client stops before each session after the first."""
    repeat_dropout: float | None = attrs.field(
        default=None, converter=_to_float, validator=is_optional(_is_probability())
    )
    """Drop-out before each session of the repeating phase (touch-ups); ``None``
    uses ``dropout``."""
    no_show: float | None = attrs.field(
        default=None, converter=_to_float, validator=is_optional(_is_probability())
    )
    """Share of booked sessions the client does not attend; ``None`` uses the scenario's."""
    chair_minutes: int | None = attrs.field(
        default=None, validator=is_optional(is_positive_int(_E))
    )
    """Chair minutes per session; ``None`` uses the protocol's ``session.chair_minutes``."""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.protocol, TreatmentProtocol):
            raise _E(f"must be a Protocol, got {_typename(self.protocol)}", path="protocol")
        if isinstance(self.per_week, tuple):
            _numbers("per_week", self.per_week)
            if not self.per_week:
                raise _E("must hold at least one week", path="per_week")
        else:
            problem = _number_check()(self.per_week)
            if problem is not None:
                raise _E(problem, path="per_week")
        if self.monthly is not None:
            _numbers("monthly", self.monthly, size=12)
        if self.start is not None and self.end is not None and self.end < self.start:
            raise _E(f"must not be before start ({self.end} < {self.start})", path="end")
        self._check_sessions()
        if self.chair_minutes is None:
            _chair_minutes(self.protocol)

    def _check_sessions(self) -> None:
        if self.sessions is None:
            return
        counted = self.protocol.counted_phase_index
        if counted is None:
            raise _E(
                f"protocol {self.protocol.id!r} has only a repeating phase, so its "
                "session count cannot be chosen; remove 'sessions'",
                path="sessions",
            )
        if not isinstance(self.sessions, tuple) or not self.sessions:
            raise _E(
                "must be a session count or a table of {count: probability}, "
                f"got {_typename(self.sessions)}",
                path="sessions",
            )
        allowed = self.protocol.phases[counted].sessions
        total = 0.0
        for pair in self.sessions:
            if not isinstance(pair, tuple) or len(pair) != 2:
                raise _E(f"must hold (count, probability) pairs, got {pair!r}", path="sessions")
            count, probability = pair
            if isinstance(count, bool) or not isinstance(count, int):
                raise _E(f"counts must be integers, got {count!r}", path="sessions")
            where = f"sessions.{count}"
            if not allowed.min <= count <= allowed.max:
                raise _E(
                    f"{count} sessions is outside phase "
                    f"{self.protocol.phases[counted].name!r}'s range {allowed.min}..{allowed.max}",
                    path=where,
                )
            problem = _number_check(maximum=1.0)(probability)
            if problem is not None:
                raise _E(problem, path=where)
            total += probability
        if abs(total - 1.0) > 1e-6:
            raise _E(f"probabilities must sum to 1, got {total:g}", path="sessions")

    @property
    def count_distribution(self) -> dict[int | None, float]:
        """Probability of each counted-phase session count (``None``: the protocol's default)."""
        if self.sessions is None:
            return {None: 1.0}
        return {n: p for n, p in self.sessions if p > 0}

    @property
    def minutes(self) -> int:
        """Chair minutes per session, with the override applied."""
        return self.chair_minutes or _chair_minutes(self.protocol)

    def dropout_before(self, phase: Phase) -> float:
        """Drop-out probability before a session of ``phase`` (not the client's first)."""
        if phase.repeat and self.repeat_dropout is not None:
            return self.repeat_dropout
        return self.dropout

    def base_rate(self, week: int) -> float:
        """New clients in week ``week`` (0-based) before seasonality and start/end."""
        if not isinstance(self.per_week, tuple):
            return self.per_week
        values = self.per_week
        if week < len(values):
            return values[week]
        if self.after == "hold":
            return values[-1]
        if self.after == "repeat":
            return values[week % len(values)]
        return 0.0


def _weekday_index(name: object, path: str) -> int:
    if name not in WEEKDAYS:
        raise _E(f"must be a weekday name ({', '.join(WEEKDAYS)}), got {name!r}", path=path)
    return WEEKDAYS.index(str(name))


def _to_dates(value: Any) -> Any:
    """attrs converter: any iterable of dates becomes a frozenset."""
    if isinstance(value, frozenset):
        return value
    if isinstance(value, list | tuple | set):
        return frozenset(value)
    return value


def _spread(amount: float, days: int, unit: Unit) -> list[float]:
    """Split a weekly amount over ``days`` open days; whole slots go to earlier days first."""
    if unit == "hours":
        return [amount / days] * days
    whole = int(amount)
    if whole != amount:
        raise _E(f"must be a whole number of slots, got {amount:g}", path="per_week")
    share, extra = divmod(whole, days)
    return [float(share + (1 if i < extra else 0)) for i in range(days)]


@attrs.frozen(kw_only=True)
class Supply:
    """What the clinic can deliver each day: session slots or practitioner-hours.

    ``per_weekday`` holds seven amounts, Monday first; a zero closes that
    weekday. ``closures`` are single closed dates (holidays). A
    ``calendar`` (any :class:`OpeningCalendar`, such as a clinic model)
    can close further days.

    In ``hours``, one practitioner-hour serves one chair-hour, so a
    60-minute session uses one hour of capacity.
    """

    per_weekday: tuple[float, ...] = attrs.field(converter=_to_floats)
    """Capacity on each weekday, Monday first, in :attr:`unit`."""
    unit: Unit = attrs.field(default="slots", validator=one_of(_E, ("slots", "hours")))
    """``slots`` (sessions per day) or ``hours`` (practitioner-hours per day)."""
    closures: frozenset[dt.date] = attrs.field(default=frozenset(), converter=_to_dates)
    """Dates the clinic is closed whatever the weekday."""
    calendar: OpeningCalendar | None = attrs.field(default=None, metadata={READ: False})
    """An object whose ``is_open(day)`` can close further days; ``None`` for none."""
    day_hours: float = attrs.field(default=8.0, converter=_to_float, validator=_is_number())
    """Hours in one practitioner-day, to express ``hours`` capacity as practitioner-days."""

    def __attrs_post_init__(self) -> None:
        _numbers("per_weekday", self.per_weekday, size=7)
        if not any(self.per_weekday):
            raise _E("must open at least one weekday (all seven are zero)", path="per_weekday")
        if self.unit == "slots":
            for i, amount in enumerate(self.per_weekday):
                if amount != int(amount):
                    raise _E(
                        f"must be a whole number of slots, got {amount:g}",
                        path=f"per_weekday[{i}]",
                    )
        if not isinstance(self.closures, frozenset):
            raise _E(f"must be a set of dates, got {_typename(self.closures)}", path="closures")
        for day in self.closures:
            if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
                raise _E(f"must hold dates, got {_typename(day)}", path="closures")
        if self.calendar is not None and not isinstance(self.calendar, OpeningCalendar):
            raise _E(
                f"must have an is_open(day) method, got {_typename(self.calendar)}",
                path="calendar",
            )
        if self.day_hours <= 0 or self.day_hours > 24:
            raise _E(f"must be between 0 and 24 hours, got {self.day_hours:g}", path="day_hours")

    @classmethod
    def daily(
        cls,
        amount: float,
        *,
        open: Iterable[str] = DEFAULT_OPEN,
        unit: Unit = "slots",
        closures: Iterable[dt.date] = (),
        calendar: OpeningCalendar | None = None,
        day_hours: float = 8.0,
    ) -> Supply:
        """The same capacity on every open weekday (``open``: names such as ``"mon"``)."""
        days = {_weekday_index(d, f"open[{i}]") for i, d in enumerate(_names(open))}
        return cls(
            per_weekday=tuple(amount if i in days else 0.0 for i in range(7)),
            unit=unit,
            closures=frozenset(closures),
            calendar=calendar,
            day_hours=day_hours,
        )

    @classmethod
    def weekly(
        cls,
        amount: float,
        *,
        open: Iterable[str] = DEFAULT_OPEN,
        unit: Unit = "slots",
        closures: Iterable[dt.date] = (),
        calendar: OpeningCalendar | None = None,
        day_hours: float = 8.0,
    ) -> Supply:
        """A weekly capacity spread over the open weekdays.

        Slots are spread whole, earlier weekdays taking any remainder
        (``100`` over six days is ``17, 17, 17, 17, 16, 16``); hours evenly.
        A closure removes that day's share.
        """
        days = sorted({_weekday_index(d, f"open[{i}]") for i, d in enumerate(_names(open))})
        if not days:
            raise _E("must name at least one weekday", path="open")
        problem = _number_check()(amount)
        if problem is not None:
            raise _E(problem, path="per_week")
        shares = dict(zip(days, _spread(float(amount), len(days), unit), strict=True))
        return cls(
            per_weekday=tuple(shares.get(i, 0.0) for i in range(7)),
            unit=unit,
            closures=frozenset(closures),
            calendar=calendar,
            day_hours=day_hours,
        )

    @property
    def open_weekdays(self) -> tuple[int, ...]:
        """Weekday numbers (Monday = 0) with capacity."""
        return tuple(i for i, amount in enumerate(self.per_weekday) if amount > 0)

    def is_open(self, day: dt.date) -> bool:
        """True when the clinic has capacity on ``day``."""
        if self.per_weekday[day.weekday()] <= 0 or day in self.closures:
            return False
        return self.calendar is None or bool(self.calendar.is_open(day))

    def capacity_on(self, day: dt.date) -> float:
        """Capacity on ``day`` in :attr:`unit` (zero when closed)."""
        return self.per_weekday[day.weekday()] if self.is_open(day) else 0.0

    @property
    def peak(self) -> float:
        """The largest capacity on any weekday."""
        return max(self.per_weekday)

    def scaled(self, peak: float) -> Supply:
        """This supply with its weekday pattern scaled so the largest day holds ``peak``.

        Slots are rounded down to whole slots (a day never gets more than
        the pattern's share of ``peak``).
        """
        factor = peak / self.peak
        amounts = [a * factor for a in self.per_weekday]
        if self.unit == "slots":
            amounts = [float(math.floor(a + 1e-9)) for a in amounts]
        return attrs.evolve(self, per_weekday=tuple(amounts))


def _names(value: Iterable[str]) -> tuple[object, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@attrs.frozen(kw_only=True)
class Scenario:
    """A capacity question: intake, take-up, attendance and supply over a horizon of weeks."""

    start: dt.date = attrs.field(validator=is_date(_E))
    """First day of the scenario; week 1 is the ISO week holding it."""
    weeks: int = attrs.field(validator=is_positive_int(_E))
    """Horizon in ISO weeks (at most :data:`MAX_WEEKS`)."""
    intakes: tuple[Intake, ...] = attrs.field(
        default=(),
        converter=to_tuple,
        validator=is_tuple_of(_E, Intake, "an Intake"),
        metadata={KEY: "intake"},
    )
    """The streams of new clients."""
    supply: Supply | None = attrs.field(default=None)
    """What the clinic can deliver; ``None`` when only demand is asked for."""
    name: str = attrs.field(default="scenario", validator=is_str(_E))
    """A title for tables and plots."""
    no_show: float = attrs.field(default=0.0, converter=_to_float, validator=_is_probability())
    """Share of booked sessions not attended (an intake may override it)."""
    first_session_within: Duration = attrs.field(default=_TWO_WEEKS, validator=is_duration(_E))
    """How soon after arriving a new client's first session must be, for the
    capacity-constrained simulation (the window of session 1)."""
    arrivals: Arrivals = attrs.field(default="poisson", validator=one_of(_E, ("poisson", "fixed")))
    """How random runs draw new clients: ``poisson`` around ``per_week``, or
    ``fixed`` (the numbers as given, a fractional client rounded at random)."""
    booked: tuple[Plan, ...] = attrs.field(
        default=(), converter=to_tuple, validator=is_tuple_of(_E, Plan, "a Plan")
    )
    """Plans already on the books: their sessions inside the horizon are added as load."""
    seed: int = attrs.field(default=0, validator=is_positive_int(_E, minimum=0))
    """Seed for random runs and the constrained simulation when none is given."""

    def __attrs_post_init__(self) -> None:
        if self.weeks > MAX_WEEKS:
            raise _E(f"must be at most {MAX_WEEKS}, got {self.weeks}", path="weeks")
        if not self.intakes and not self.booked:
            raise _E("needs at least one intake (or booked plans)", path="intakes")
        if self.supply is not None and not isinstance(self.supply, Supply):
            raise _E(f"must be a Supply, got {_typename(self.supply)}", path="supply")
        for i, plan in enumerate(self.booked):
            with relocated(f"booked[{i}]"):
                self.booked_minutes(plan)

    @property
    def monday(self) -> dt.date:
        """The Monday of week 1."""
        return self.start - dt.timedelta(days=self.start.weekday())

    @property
    def end(self) -> dt.date:
        """The last day of the horizon (a Sunday)."""
        return self.monday + dt.timedelta(days=7 * self.weeks - 1)

    @property
    def week_starts(self) -> tuple[dt.date, ...]:
        """The Monday of every week of the horizon."""
        return tuple(self.monday + dt.timedelta(days=7 * i) for i in range(self.weeks))

    def week_index(self, day: dt.date) -> int | None:
        """0-based week of ``day``, or ``None`` outside the horizon."""
        if day < self.start or day > self.end:
            return None
        return (day - self.monday).days // 7

    @property
    def intake_weekdays(self) -> tuple[int, ...]:
        """Weekdays new clients start on: the supply's open weekdays, else Monday to Friday."""
        if self.supply is not None:
            return self.supply.open_weekdays
        return tuple(WEEKDAYS.index(d) for d in DEFAULT_OPEN)

    def no_show_for(self, intake: Intake) -> float:
        """The no-show probability that applies to ``intake``."""
        return intake.no_show if intake.no_show is not None else self.no_show

    def daily_intake(self, intake: Intake) -> list[tuple[dt.date, float]]:
        """Expected new clients of ``intake`` on each intake day of the horizon.

        A week's clients are spread evenly over the intake weekdays; the
        seasonal factor is the one of each day's month; days before
        ``start`` or outside the intake's ``start``..``end`` get none.
        """
        weekdays = self.intake_weekdays
        first = max(self.start, intake.start or self.start)
        last = min(self.end, intake.end or self.end)
        out: list[tuple[dt.date, float]] = []
        for week in range(self.weeks):
            rate = intake.base_rate(week) / len(weekdays)
            if rate <= 0:
                continue
            monday = self.monday + dt.timedelta(days=7 * week)
            for wd in weekdays:
                day = monday + dt.timedelta(days=wd)
                if not first <= day <= last:
                    continue
                factor = intake.monthly[day.month - 1] if intake.monthly is not None else 1.0
                if rate * factor > 0:
                    out.append((day, rate * factor))
        return out

    def booked_minutes(self, plan: Plan) -> int:
        """Chair minutes of a booked plan's sessions (when a session does not say).

        Taken from an intake of the same protocol, else from the built-in
        protocol with that id.

        Raises:
            ScenarioError: neither exists.
        """
        for intake in self.intakes:
            if intake.protocol.id == plan.protocol_id:
                return intake.minutes
        try:
            return _chair_minutes(get_protocol(plan.protocol_id))
        except UnknownProtocolError:
            raise _E(
                f"plan for protocol {plan.protocol_id!r}: no intake and no built-in protocol "
                "has that id, so its chair minutes are unknown",
                path="protocol_id",
            ) from None


# --------------------------------------------------------------------- files


def parse_scenario(
    text: str,
    format: Literal["toml", "json"] = "toml",
    *,
    source: str | None = None,
    base: str | Path | None = None,
) -> Scenario:
    """Parse scenario text (TOML or JSON, same structure) into a :class:`Scenario`.

    Args:
        text: the file's content.
        format: ``"toml"`` or ``"json"``.
        source: a name for error messages (usually the file name).
        base: the folder protocol file paths are relative to (default: the
            current directory).

    Raises:
        ScenarioError: the text is not valid, or breaks a scenario rule; the
            message names the file and the key path (``intake[0].dropout``).
    """
    return parse_document(
        text, format, _E, source, lambda data: scenario_from_dict(data, base=base)
    )


def load_scenario(path: str | Path) -> Scenario:
    """Load a scenario file (``.toml`` or ``.json``); protocol paths are relative to it.

    Raises:
        ScenarioError: the file is missing, unreadable or invalid.
    """
    text, fmt, source = read_file(path, _E)
    return parse_scenario(text, fmt, source=source, base=Path(path).parent)


def scenario_from_dict(data: object, *, base: str | Path | None = None) -> Scenario:
    """Build a :class:`Scenario` from the parsed structure of a scenario file.

    The keys are the fields of the classes, read by the one strict reader;
    the file-only quirks are the hooks below (a protocol by id or file, a
    session-count table, booked plan files, and the ``[supply]`` table).

    Raises:
        ScenarioError: the structure breaks a scenario rule (every problem,
            a bad duration included, is reported as a ScenarioError).
    """
    folder = Path(base) if base is not None else Path()
    hooks: dict[object, Hook] = {
        (Intake, "protocol"): lambda value, reader: _protocol_ref(value, reader, folder),
        (Intake, "sessions"): _counts,
        (Scenario, "booked"): lambda value, reader: _booked(value, reader, folder),
        Supply: _supply,
    }
    return Reader(_E, hooks=hooks).document(data, Scenario, schema=SCHEMA_VERSION)


def _booked(value: object, reader: Reader, folder: Path) -> tuple[Plan, ...]:
    """Plans listed under ``booked``: JSON plan documents written by ``cp.to_json``.

    Each entry is a path, relative to the scenario file, to a document holding
    one plan (``collagenplan/plan/1``).
    """
    plans = []
    for i, name in enumerate(reader.read(value, tuple[str, ...])):
        path = folder / name
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise _E(
                f"cannot read plan file {str(path)!r} ({exc.strerror})", path=f"[{i}]"
            ) from None
        try:
            plans.append(from_json(text, Plan))
        except InputError as err:
            inner = f" at {err.path}" if err.path else ""
            raise _E(f"{path}{inner}: {err.problem}", path=f"[{i}]") from None
    return tuple(plans)


def _protocol_ref(value: object, reader: Reader, folder: Path) -> TreatmentProtocol:
    """``intake.protocol``: a built-in protocol id, or a protocol file beside the scenario."""
    ref: str = reader.read(value, str)
    if ref.endswith((".toml", ".json")):
        try:
            return load_protocol(folder / ref)
        except ProtocolError as err:
            raise _E(f"cannot load protocol file: {err}") from None
    try:
        return get_protocol(ref)
    except UnknownProtocolError as err:
        raise _E(f"{err} (or give a .toml / .json protocol file)") from None


def _counts(value: object, reader: Reader) -> object:
    """``intake.sessions``: one count, or a ``{count = probability}`` table."""
    if not isinstance(value, Mapping):
        return value  # a count, judged by Intake
    out: dict[int, float] = {}
    for key, probability in value.items():
        if not key.isdigit():
            raise _E("must be a session count (a whole number)", path=key)
        with reader.at(key):
            out[int(key)] = reader.read(probability, float)
    return out


_AMOUNTS = ("per_day", "per_week", "per_weekday")
_SUPPLY_KEYS = ("closures", "day_hours", "unit")


_OLD_RANGE = {"from": "start", "to": "end"}
"""Closure ranges were ``{ from, to }`` before 0.2."""


def _closures(value: object, reader: Reader) -> frozenset[dt.date]:
    """``supply.closures``: dates, and ``{ start = ..., end = ... }`` ranges of dates."""
    if not isinstance(value, list):
        raise _E(f"must be an array of dates, got {_typename(value)}")
    days: set[dt.date] = set()
    for i, item in enumerate(value):
        where = f"[{i}]"
        if not isinstance(item, Mapping):
            days.add(parse_date(item, _E, where))
            continue
        with reader.at(i):
            item = reader.renamed(item, _OLD_RANGE)
        for key in ("start", "end"):
            if key not in item:
                raise _E("is required", path=f"{where}.{key}")
        unknown = sorted(set(item) - {"start", "end"})
        if unknown:
            raise _E("unknown key (allowed here: start, end)", path=f"{where}.{unknown[0]}")
        first = parse_date(item["start"], _E, f"{where}.start")
        last = parse_date(item["end"], _E, f"{where}.end")
        if last < first:
            raise _E(f"'end' must not be before 'start' ({last} < {first})", path=where)
        if (last - first).days > 366:
            raise _E("a closure may span at most a year", path=where)
        days.update(first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return frozenset(days)


def _supply(value: object, reader: Reader) -> Supply:
    """``[supply]``: exactly one of per_day, per_week, per_weekday, with open weekdays."""
    table = reader.mapping(value)
    given = [k for k in _AMOUNTS if k in table]
    if len(given) != 1:
        problem = "give exactly one of per_day, per_week, per_weekday"
        raise _E(problem + (f" (got {', '.join(given)})" if given else ""))
    kind = given[0]
    if kind == "per_weekday" and "open" in table:
        raise _E("is implied by per_weekday (a missing weekday is closed)", path="open")
    reader.check_keys(table, (*_SUPPLY_KEYS, kind, *(() if kind == "per_weekday" else ("open",))))
    common: dict[str, Any] = {}
    with reader.at("unit"):
        common["unit"] = reader.read(table.get("unit", "slots"), Unit)
    if "closures" in table:
        with reader.at("closures"):
            common["closures"] = _closures(table["closures"], reader)
    if "day_hours" in table:
        with reader.at("day_hours"):
            common["day_hours"] = reader.read(table["day_hours"], float)
    if kind == "per_weekday":
        amounts = [0.0] * 7
        with reader.at("per_weekday"):
            for key, amount in reader.mapping(table["per_weekday"]).items():
                with reader.at(key):
                    amounts[_weekday_index(key, "")] = reader.read(amount, float)
        return Supply(per_weekday=tuple(amounts), **common)
    with reader.at("open"):
        open_days = reader.read(table.get("open", list(DEFAULT_OPEN)), tuple[str, ...])
        for i, name in enumerate(open_days):
            _weekday_index(name, f"[{i}]")
    with reader.at(kind):
        amount = reader.read(table[kind], float)
    factory = Supply.daily if kind == "per_day" else Supply.weekly
    try:
        return factory(amount, open=open_days, **common)
    except InputError as err:
        if err.path == "per_week" or err.path.startswith("per_weekday"):
            raise _E(err.problem, path=kind) from None
        raise
