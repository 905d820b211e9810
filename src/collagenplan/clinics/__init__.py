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
    Closed,
    Slot,
)
from ._days import (
    ClinicDays as ClinicDays,
)
from ._days import (
    assign_appointments as assign_appointments,
)
from ._days import (
    clinic_closed as clinic_closed,
)
from ._days import (
    clinic_violations as clinic_violations,
)
from ._days import (
    local_datetime as local_datetime,
)
from ._file import clinic_from_dict as clinic_from_dict
from ._file import load_clinic, parse_clinic
from ._model import (
    SCHEMA_VERSION,
    WEEKDAYS,
    Clinic,
    Closure,
    OpeningHours,
    Practitioner,
    PublicHolidays,
)
from ._model import (
    _holiday_calendar as _holiday_calendar,
)
from ._shared import shared_days as shared_days

CLINIC_SCHEMA = SCHEMA_VERSION
"""The older name of :data:`SCHEMA_VERSION`."""

__all__ = [
    "CLINIC_SCHEMA",
    "SCHEMA_VERSION",
    "WEEKDAYS",
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
]
