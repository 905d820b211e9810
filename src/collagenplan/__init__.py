"""collagenplan: plan, validate and project microneedling treatment series.

Protocols are data (TOML files); plans are windows, not just dates; every
problem is explained. Start with :func:`get_protocol` and :func:`plan`::

    >>> import datetime as dt
    >>> import collagenplan as cp
    >>> p = cp.get_protocol("facial-series")
    >>> [s.date.isoformat() for s in cp.plan(p, start=dt.date(2026, 12, 1)).sessions]
    ['2026-12-01', '2027-01-05', '2027-02-09', '2028-02-09']
"""

from .capacity import (
    CapacityRequirement,
    DemandSamples,
    Intake,
    MissingExtraError,
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
from .durations import Duration
from .errors import (
    ClientError,
    ClinicError,
    CollagenPlanError,
    DurationError,
    InputError,
    PlanningError,
    ProtocolError,
    ScenarioError,
    SchemaError,
    UnknownProtocolError,
)
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
)
from .results import CODES, Plan, Report, Violation
from .sessions import Milestone, PlannedSession, Visit, Window
from .validation import validate

__version__ = "0.1.0"

__all__ = [
    "CODES",
    "Aftercare",
    "CapacityRequirement",
    "ClientError",
    "ClinicError",
    "CollagenPlanError",
    "Contraindication",
    "DemandSamples",
    "DepthRange",
    "Duration",
    "DurationError",
    "InputError",
    "Intake",
    "Interval",
    "LatePolicy",
    "Milestone",
    "MissingExtraError",
    "OpeningCalendar",
    "Phase",
    "PhaseRow",
    "Plan",
    "PlannedSession",
    "PlanningError",
    "Precaution",
    "Projection",
    "ProjectionRow",
    "Protocol",
    "ProtocolError",
    "Report",
    "Scenario",
    "ScenarioError",
    "SchemaError",
    "SessionCount",
    "SessionSpec",
    "Simulation",
    "SimulationDay",
    "SimulationWeek",
    "Spacing",
    "Supply",
    "UnknownProtocolError",
    "Violation",
    "Visit",
    "Washout",
    "Window",
    "format_protocol",
    "get_protocol",
    "load_protocol",
    "load_scenario",
    "parse_protocol",
    "parse_scenario",
    "plan",
    "project",
    "protocol_ids",
    "required_capacity",
    "sample_demand",
    "simulate",
    "validate",
]
