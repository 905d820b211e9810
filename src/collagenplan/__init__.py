"""collagenplan: plan, validate and project microneedling treatment series.

Protocols are data (TOML files); plans are windows, not just dates; every
problem is explained. Start with :func:`get_protocol` and :func:`plan`::

    >>> import datetime as dt
    >>> import collagenplan as cp
    >>> p = cp.get_protocol("facial-series")
    >>> [s.date.isoformat() for s in cp.plan(p, start=dt.date(2026, 12, 1)).sessions]
    ['2026-12-01', '2027-01-05', '2027-02-09', '2028-02-09']
"""

import importlib as _importlib
import typing as _typing

import attrs as _attrs

# The clinic's diary (issue 14).
from .booking import Alternative, PlanRequest, alternatives, explain, plan_together
from .clients import (
    Client,
    ClientEvent,
    Condition,
    Medication,
    Procedure,
    load_client,
    parse_client,
)
from .clinics import (
    Appointment,
    Availability,
    Clinic,
    Closed,
    Closure,
    OpeningHours,
    Practitioner,
    PublicHolidays,
    Slot,
    load_clinic,
    parse_clinic,
)
from .clinics._days import HOOK_CALLS_PER_SESSION
from .clinics._diary import Booking, Diary, Resource, load_diary, parse_diary
from .durations import Duration
from .errors import (
    ClientError,
    ClinicError,
    CollagenPlanError,
    DurationError,
    InputError,
    MissingExtraError,
    PlanningError,
    ProtocolError,
    RenamedKeyWarning,
    ScenarioError,
    SchemaError,
    UnknownProtocolError,
    VocabularyError,
)
from .living import NextDue, next_due, replan
from .planning import plan
from .protocols import (
    Aftercare,
    Contraindication,
    DepthRange,
    Interval,
    LatePolicy,
    Phase,
    Precaution,
    Protocol,
    SessionCount,
    SessionSpec,
    Spacing,
    Washout,
    format_protocol,
    get_protocol,
    load_protocol,
    parse_protocol,
    protocol_ids,
    protocol_to_dict,
)
from .results import CODES, Code, Plan, Report, Violation
from .screening import Reason, Screening, screen
from .sessions import (
    Milestone,
    Move,
    PlannedSession,
    UnplacedSession,
    Visit,
    Window,
    session_keys,
)
from .tables import plan_table, text_table
from .together import CombinedReport, Conflict, validate_together
from .validation import validate
from .vocabulary import (
    Area,
    Term,
    Vocabulary,
    default_vocabulary,
    load_vocabulary,
    parse_vocabulary,
)

if _typing.TYPE_CHECKING:
    from .capacity import (
        CapacityRequirement,
        DemandSamples,
        Intake,
        OpeningCalendar,
        PhaseRow,
        Projection,
        ProjectionRow,
        Scenario,
        Simulation,
        SimulationDay,
        SimulationWeek,
        Supply,
        load_scenario,
        parse_scenario,
        project,
        required_capacity,
        sample_demand,
        simulate,
    )
    from .documents import from_json, to_json
    from .exporters import (
        ALARM_KINDS,
        milestones_to_csv,
        protocol_to_fhir,
        to_csv,
        to_fhir,
        to_ics,
    )

__version__ = "0.1.0"

# Names whose modules load on first use: the exporters pull in icalendar,
# the JSON documents their registry, capacity its scenarios, projection and
# simulation. A date calculation should not pay for them (see benchmarks/bench_import.py).
_LAZY = {
    **dict.fromkeys(
        (
            "CapacityRequirement",
            "DemandSamples",
            "Intake",
            "OpeningCalendar",
            "PhaseRow",
            "Projection",
            "ProjectionRow",
            "Scenario",
            "Simulation",
            "SimulationDay",
            "SimulationWeek",
            "Supply",
            "load_scenario",
            "parse_scenario",
            "project",
            "required_capacity",
            "sample_demand",
            "simulate",
        ),
        "capacity",
    ),
    **dict.fromkeys(
        (
            "ALARM_KINDS",
            "milestones_to_csv",
            "protocol_to_fhir",
            "to_csv",
            "to_fhir",
            "to_ics",
        ),
        "exporters",
    ),
    **dict.fromkeys(("from_json", "to_json"), "documents"),
}

__all__ = [
    "ALARM_KINDS",
    "CODES",
    "HOOK_CALLS_PER_SESSION",
    "Aftercare",
    "Alternative",
    "Appointment",
    "Area",
    "Availability",
    "Booking",
    "CapacityRequirement",
    "Client",
    "ClientError",
    "ClientEvent",
    "Clinic",
    "ClinicError",
    "Closed",
    "Closure",
    "Code",
    "CollagenPlanError",
    "CombinedReport",
    "Condition",
    "Conflict",
    "Contraindication",
    "DemandSamples",
    "DepthRange",
    "Diary",
    "Duration",
    "DurationError",
    "InputError",
    "Intake",
    "Interval",
    "LatePolicy",
    "Medication",
    "Milestone",
    "MissingExtraError",
    "Move",
    "NextDue",
    "OpeningCalendar",
    "OpeningHours",
    "Phase",
    "PhaseRow",
    "Plan",
    "PlanRequest",
    "PlannedSession",
    "PlanningError",
    "Practitioner",
    "Precaution",
    "Procedure",
    "Projection",
    "ProjectionRow",
    "Protocol",
    "ProtocolError",
    "PublicHolidays",
    "Reason",
    "RenamedKeyWarning",
    "Report",
    "Resource",
    "Scenario",
    "ScenarioError",
    "SchemaError",
    "Screening",
    "SessionCount",
    "SessionSpec",
    "Simulation",
    "SimulationDay",
    "SimulationWeek",
    "Slot",
    "Spacing",
    "Supply",
    "Term",
    "UnknownProtocolError",
    "UnplacedSession",
    "Violation",
    "Visit",
    "Vocabulary",
    "VocabularyError",
    "Washout",
    "Window",
    "alternatives",
    "default_vocabulary",
    "explain",
    "format_protocol",
    "from_json",
    "get_protocol",
    "load_client",
    "load_clinic",
    "load_diary",
    "load_protocol",
    "load_scenario",
    "load_vocabulary",
    "milestones_to_csv",
    "next_due",
    "parse_client",
    "parse_clinic",
    "parse_diary",
    "parse_protocol",
    "parse_scenario",
    "parse_vocabulary",
    "plan",
    "plan_table",
    "plan_together",
    "project",
    "protocol_ids",
    "protocol_to_dict",
    "protocol_to_fhir",
    "replan",
    "required_capacity",
    "sample_demand",
    "screen",
    "session_keys",
    "simulate",
    "text_table",
    "to_csv",
    "to_fhir",
    "to_ics",
    "to_json",
    "validate",
    "validate_together",
]


def _fixup(value: object) -> None:
    """Make a public function or exception report ``collagenplan`` as its module.

    As trio does: tracebacks, reprs and pickle then show the name people
    import (``collagenplan.ProtocolError``), not the private room it is
    defined in. attrs value classes keep their defining module: Sphinx and
    ``typing.get_type_hints`` read their field docstrings and string
    annotations from it.
    """
    module = getattr(value, "__module__", None)
    if not isinstance(module, str) or not module.startswith("collagenplan."):
        return
    if isinstance(value, type) and _attrs.has(value):
        return
    value.__module__ = "collagenplan"


def __getattr__(name: str) -> _typing.Any:
    if name == "batch":  # the columnar jobs (numpy, pandas), a module of its own
        return _importlib.import_module(".batch", __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(f".{module}", __name__), name)
    _fixup(value)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


for _name in __all__:
    if _name not in _LAZY:
        _fixup(globals()[_name])
del _name
