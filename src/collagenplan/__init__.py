"""collagenplan: plan, validate and project microneedling treatment series.

Protocols are data (TOML files); plans are windows, not just dates; every
problem is explained. Start with :func:`get_protocol` and :func:`plan`::

    >>> import datetime as dt
    >>> import collagenplan as cp
    >>> p = cp.get_protocol("facial-series")
    >>> [s.date.isoformat() for s in cp.plan(p, start=dt.date(2026, 12, 1)).sessions]
    ['2026-12-01', '2027-01-05', '2027-02-09', '2028-02-09']
"""

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
from .exporters import (
    from_json,
    milestones_to_csv,
    protocol_to_fhir,
    to_csv,
    to_fhir,
    to_ics,
    to_json,
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
    "ClientError",
    "ClinicError",
    "CollagenPlanError",
    "Contraindication",
    "DepthRange",
    "Duration",
    "DurationError",
    "InputError",
    "Interval",
    "LatePolicy",
    "Milestone",
    "Phase",
    "Plan",
    "PlannedSession",
    "PlanningError",
    "Precaution",
    "Protocol",
    "ProtocolError",
    "Report",
    "ScenarioError",
    "SchemaError",
    "SessionCount",
    "SessionSpec",
    "Spacing",
    "UnknownProtocolError",
    "Violation",
    "Visit",
    "Washout",
    "Window",
    "format_protocol",
    "from_json",
    "get_protocol",
    "load_protocol",
    "milestones_to_csv",
    "parse_protocol",
    "plan",
    "protocol_ids",
    "protocol_to_fhir",
    "to_csv",
    "to_fhir",
    "to_ics",
    "to_json",
    "validate",
]
