"""Exporters: JSON, iCalendar, FHIR R4 and CSV forms of plans and protocols."""

from .ics import to_ics
from .json_ import from_json, to_json

__all__ = ["from_json", "to_ics", "to_json"]
