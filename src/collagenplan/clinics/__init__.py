"""Clinics: opening days and hours, closures, public holidays, practitioners, free slots.

A plan is only useful when its dates can really be booked. A :class:`Clinic`
says when a session may happen:

* **opening hours** -- one or more :class:`OpeningHours` patterns: weekdays
  (``["tue", "sat"]``), optionally every *n* weeks from a start date, or an
  RFC 5545 ``RRULE`` for monthly patterns (``"FREQ=MONTHLY;BYDAY=1SA"``);
* **closures** -- single dates and date ranges (:class:`Closure`);
* **public holidays** -- a country and subdivision, read from the optional
  ``holidays`` package (``pip install 'collagenplan[holidays]'``);
* **practitioners** -- who is qualified for which protocol, their own working
  days and their leave (:class:`Practitioner`);
* **an availability hook** -- any object with a ``free_slot`` method
  (:class:`Availability`), so clinic software can answer from its real
  booking state instead of "open means free".

The package is split along its seams: ``_model`` (the values), ``_days``
(which days a session of a protocol may have, and at what time) and
``_file`` (clinic files).
"""

from ._days import (
    Appointment,
    Availability,
    ClinicDays,
    Closed,
    Slot,
    assign_appointments,
    clinic_closed,
    clinic_violations,
    local_datetime,
)
from ._file import clinic_from_dict, load_clinic, parse_clinic
from ._model import (
    SCHEMA_VERSION,
    WEEKDAYS,
    Clinic,
    Closure,
    OpeningHours,
    Practitioner,
    PublicHolidays,
    _holiday_calendar,
)

CLINIC_SCHEMA = SCHEMA_VERSION
"""The older name of :data:`SCHEMA_VERSION`."""

__all__ = [
    "CLINIC_SCHEMA",
    "SCHEMA_VERSION",
    "WEEKDAYS",
    "Appointment",
    "Availability",
    "Clinic",
    "ClinicDays",
    "Closed",
    "Closure",
    "OpeningHours",
    "Practitioner",
    "PublicHolidays",
    "Slot",
    "_holiday_calendar",
    "assign_appointments",
    "clinic_closed",
    "clinic_from_dict",
    "clinic_violations",
    "load_clinic",
    "local_datetime",
    "parse_clinic",
]
