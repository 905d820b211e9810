"""collagenplan: plan, validate and project microneedling treatment series.

Protocols are data (TOML files); plans are windows, not just dates; every
problem is explained. Start with :func:`get_protocol` and :func:`plan`::

    >>> import datetime as dt
    >>> import collagenplan as cp
    >>> p = cp.get_protocol("facial-series")
    >>> [s.date.isoformat() for s in cp.plan(p, start=dt.date(2026, 12, 1)).sessions]
    ['2026-12-01', '2027-01-05', '2027-02-09', '2028-02-09']
"""

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
from .results import CODES, Plan, Report, Violation
from .screening import Reason, Screening, screen
from .sessions import Milestone, PlannedSession, Visit, Window
from .together import CombinedReport, Conflict, validate_together
from .validation import validate

__version__ = "0.1.0"

__all__ = [
    "CODES",
    "Aftercare",
    "Appointment",
    "Availability",
    "Client",
    "ClientError",
    "ClientEvent",
    "Clinic",
    "ClinicError",
    "Closed",
    "Closure",
    "CollagenPlanError",
    "CombinedReport",
    "Condition",
    "Conflict",
    "Contraindication",
    "DepthRange",
    "Duration",
    "DurationError",
    "InputError",
    "Interval",
    "LatePolicy",
    "Medication",
    "Milestone",
    "NextDue",
    "OpeningHours",
    "Phase",
    "Plan",
    "PlannedSession",
    "PlanningError",
    "Practitioner",
    "Precaution",
    "Procedure",
    "Protocol",
    "ProtocolError",
    "PublicHolidays",
    "Reason",
    "Report",
    "ScenarioError",
    "SchemaError",
    "Screening",
    "SessionCount",
    "SessionSpec",
    "Slot",
    "Spacing",
    "UnknownProtocolError",
    "Violation",
    "Visit",
    "Washout",
    "Window",
    "format_protocol",
    "get_protocol",
    "load_client",
    "load_clinic",
    "load_protocol",
    "next_due",
    "parse_client",
    "parse_clinic",
    "parse_protocol",
    "plan",
    "protocol_ids",
    "protocol_to_dict",
    "replan",
    "screen",
    "validate",
    "validate_together",
]
