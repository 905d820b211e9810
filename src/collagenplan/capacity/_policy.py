"""The names of the booking policies, light enough for the command line's parser."""

from __future__ import annotations

from typing import Literal

__all__ = ["POLICIES", "Policy"]

Policy = Literal["triage", "edf", "exact"]
"""How :func:`~collagenplan.capacity.simulate` shares out a day's capacity."""
POLICIES: tuple[Policy, ...] = ("triage", "edf", "exact")
"""The booking policies, the default first."""
