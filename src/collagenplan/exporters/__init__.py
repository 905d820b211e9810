"""Exporters: JSON, iCalendar (RFC 5545), FHIR R4 and CSV forms of plans.

* :func:`to_json` / :func:`from_json`: the lossless, versioned document form
  of plans, reports and protocols (``docs/formats/json.md``).
* :func:`to_ics`: a calendar file, one event per session
  (``docs/formats/icalendar.md``).
* :func:`to_fhir` / :func:`protocol_to_fhir`: a Bundle with a CarePlan and
  Appointments, and a PlanDefinition (``docs/formats/fhir.md``).
* :func:`to_csv` / :func:`milestones_to_csv`: tables for spreadsheets
  (``docs/formats/csv.md``).
"""

from ..documents import from_json, schemas, to_json
from .csv_ import MILESTONE_COLUMNS, SESSION_COLUMNS, milestones_to_csv, to_csv
from .fhir import protocol_to_fhir, to_fhir
from .ics import ALARM_KINDS, to_ics

__all__ = [
    "ALARM_KINDS",
    "MILESTONE_COLUMNS",
    "SESSION_COLUMNS",
    "from_json",
    "milestones_to_csv",
    "protocol_to_fhir",
    "schemas",
    "to_csv",
    "to_fhir",
    "to_ics",
    "to_json",
]
