"""One :class:`ClinicDays` per (clinic, protocol), shared by every plan and validation.

A chain plans many clients at one clinic. Each day decision (closures,
holidays, opening patterns, who is qualified and working) depends only on the
clinic file and the protocol, both frozen values, so it is made once per
process rather than once per plan. A clinic with an availability hook is the
exception: the hook reports a live booking state, so such a clinic gets a new
:class:`ClinicDays` for every call, as before.

Clinics and protocols are matched by identity; the shared calendar holds
both, so an ``id`` cannot be reused while it is remembered.
"""

from __future__ import annotations

import threading

from ..protocols.model import Protocol
from ._days import ClinicDays
from ._model import Clinic

__all__ = ["shared_days"]

_LIMIT = 64
"""Calendars remembered at once (a chain's clinics times its protocols)."""
_SHARED: dict[tuple[int, int], ClinicDays] = {}
_LOCK = threading.Lock()


def shared_days(clinic: Clinic, protocol: Protocol) -> ClinicDays:
    """The calendar of ``clinic`` for ``protocol``: the shared one unless it has a hook."""
    if clinic.availability is not None:
        return ClinicDays(clinic, protocol)
    key = (id(clinic), id(protocol))
    found = _SHARED.get(key)
    if found is not None and found.clinic is clinic and found.protocol is protocol:
        return found
    days = ClinicDays(clinic, protocol)
    with _LOCK:
        if len(_SHARED) >= _LIMIT:
            _SHARED.clear()
        _SHARED[key] = days
    return days
