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

# The exceptions are loaded with the package: code that catches them should
# not pay for a planner, and they report ``collagenplan`` as their module
# however they are raised.
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

if _typing.TYPE_CHECKING:
    from .booking import (
        Alternative,
        PlanRequest,
        alternatives,
        explain,
        plan_together,
    )
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
    from .clinics._days import (
        HOOK_CALLS_PER_SESSION,
    )
    from .clinics._diary import (
        Booking,
        Diary,
        Resource,
        load_diary,
        parse_diary,
    )
    from .documents import (
        from_json,
        to_json,
    )
    from .durations import (
        Duration,
    )
    from .exporters import (
        ALARM_KINDS,
        milestones_to_csv,
        protocol_to_fhir,
        to_csv,
        to_fhir,
        to_ics,
    )
    from .living import (
        NextDue,
        next_due,
        replan,
    )
    from .planning import (
        plan,
    )
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
    from .results import (
        CODES,
        Code,
        Plan,
        Report,
        Violation,
    )
    from .screening import (
        Reason,
        Screening,
        screen,
    )
    from .sessions import (
        Milestone,
        Move,
        PlannedSession,
        UnplacedSession,
        Visit,
        Window,
        session_keys,
    )
    from .tables import (
        plan_table,
        text_table,
    )
    from .together import (
        CombinedReport,
        Conflict,
        validate_together,
    )
    from .validation import (
        validate,
    )
    from .vocabulary import (
        Area,
        Term,
        Vocabulary,
        default_vocabulary,
        load_vocabulary,
        parse_vocabulary,
    )

__version__ = "0.1.0"

# Every other public name loads its module on first use (PEP 562), all the
# names of that module at once: ``import collagenplan`` costs about what its
# dependencies cost, and a script that only plans never loads the exporters
# (icalendar), the JSON documents, capacity (numpy) or the diary's booking
# tools. See benchmarks/bench_import.py.
_LAZY = {
    **dict.fromkeys(
        ("Alternative", "PlanRequest", "alternatives", "explain", "plan_together"), "booking"
    ),
    **dict.fromkeys(
        (
            "Client",
            "ClientEvent",
            "Condition",
            "Medication",
            "Procedure",
            "load_client",
            "parse_client",
        ),
        "clients",
    ),
    **dict.fromkeys(
        (
            "Appointment",
            "Availability",
            "Clinic",
            "Closed",
            "Closure",
            "OpeningHours",
            "Practitioner",
            "PublicHolidays",
            "Slot",
            "load_clinic",
            "parse_clinic",
        ),
        "clinics",
    ),
    **dict.fromkeys(("HOOK_CALLS_PER_SESSION",), "clinics._days"),
    **dict.fromkeys(
        ("Booking", "Diary", "Resource", "load_diary", "parse_diary"), "clinics._diary"
    ),
    **dict.fromkeys(("Duration",), "durations"),
    **dict.fromkeys(("NextDue", "next_due", "replan"), "living"),
    **dict.fromkeys(("plan",), "planning"),
    **dict.fromkeys(
        (
            "Aftercare",
            "Contraindication",
            "DepthRange",
            "Interval",
            "LatePolicy",
            "Phase",
            "Precaution",
            "Protocol",
            "SessionCount",
            "SessionSpec",
            "Spacing",
            "Washout",
            "format_protocol",
            "get_protocol",
            "load_protocol",
            "parse_protocol",
            "protocol_ids",
            "protocol_to_dict",
        ),
        "protocols",
    ),
    **dict.fromkeys(("CODES", "Code", "Plan", "Report", "Violation"), "results"),
    **dict.fromkeys(("Reason", "Screening", "screen"), "screening"),
    **dict.fromkeys(
        (
            "Milestone",
            "Move",
            "PlannedSession",
            "UnplacedSession",
            "Visit",
            "Window",
            "session_keys",
        ),
        "sessions",
    ),
    **dict.fromkeys(("plan_table", "text_table"), "tables"),
    **dict.fromkeys(("CombinedReport", "Conflict", "validate_together"), "together"),
    **dict.fromkeys(("validate",), "validation"),
    **dict.fromkeys(
        (
            "Area",
            "Term",
            "Vocabulary",
            "default_vocabulary",
            "load_vocabulary",
            "parse_vocabulary",
        ),
        "vocabulary",
    ),
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
        ("ALARM_KINDS", "milestones_to_csv", "protocol_to_fhir", "to_csv", "to_fhir", "to_ics"),
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
    if isinstance(value, type) and hasattr(value, "__attrs_attrs__"):
        return
    value.__module__ = "collagenplan"


def __getattr__(name: str) -> _typing.Any:
    if name == "batch":  # the columnar jobs (numpy, pandas), a module of its own
        return _importlib.import_module(".batch", __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    loaded = _importlib.import_module(f".{module}", __name__)
    for other, where in _LAZY.items():  # the module's other names too, fixed up once
        if where == module and other not in globals():
            value = getattr(loaded, other)
            _fixup(value)
            globals()[other] = value
    return globals()[name]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


for _name in __all__:
    if _name not in _LAZY:
        _fixup(globals()[_name])
del _name
