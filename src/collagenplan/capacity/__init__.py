"""Capacity projection: demand, staffing and uncertainty from the same protocols.

* :class:`Scenario`, :class:`Intake`, :class:`Supply` describe the question;
  :func:`load_scenario` reads it from a TOML / JSON file.
* :func:`project` gives expected sessions and chair-hours per ISO week,
  computed from the protocols (cost independent of the number of clients),
  with p10 / p50 / p90 bands from ``runs=N`` random runs.
* :func:`simulate` books the sessions into limited daily capacity;
  :func:`required_capacity` finds the capacity that keeps a share of
  sessions inside their windows. The booking policy is near-optimal by
  default (``"triage"``); ``policy="exact"`` asks OR-Tools CP-SAT (the
  ``optimize`` extra) for the optimum and its proven bound.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..errors import MissingExtraError

if TYPE_CHECKING:
    from .projection import (
        DemandSamples,
        PhaseRow,
        Progress,
        Projection,
        ProjectionRow,
        project,
        sample_demand,
    )
    from .scenarios import (
        Intake,
        OpeningCalendar,
        Scenario,
        Supply,
        load_scenario,
        parse_scenario,
        scenario_from_dict,
    )
    from .simulation import (
        POLICIES,
        CapacityRequirement,
        LineWeek,
        Policy,
        ProtocolLoad,
        Simulation,
        SimulationDay,
        SimulationWeek,
        SolverReport,
        required_capacity,
        simulate,
    )

# Loaded on first use, so that the command line (and ``import collagenplan``)
# do not pay for the capacity tools until they are asked for.
_LAZY = {
    **dict.fromkeys(
        (
            "DemandSamples",
            "PhaseRow",
            "Progress",
            "Projection",
            "ProjectionRow",
            "project",
            "sample_demand",
        ),
        "projection",
    ),
    **dict.fromkeys(
        (
            "Intake",
            "OpeningCalendar",
            "Scenario",
            "Supply",
            "load_scenario",
            "parse_scenario",
            "scenario_from_dict",
        ),
        "scenarios",
    ),
    **dict.fromkeys(
        (
            "POLICIES",
            "CapacityRequirement",
            "LineWeek",
            "Policy",
            "ProtocolLoad",
            "Simulation",
            "SimulationDay",
            "SimulationWeek",
            "SolverReport",
            "required_capacity",
            "simulate",
        ),
        "simulation",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "POLICIES",
    "CapacityRequirement",
    "DemandSamples",
    "Intake",
    "LineWeek",
    "MissingExtraError",
    "OpeningCalendar",
    "PhaseRow",
    "Policy",
    "Progress",
    "Projection",
    "ProjectionRow",
    "ProtocolLoad",
    "Scenario",
    "Simulation",
    "SimulationDay",
    "SimulationWeek",
    "SolverReport",
    "Supply",
    "load_scenario",
    "parse_scenario",
    "project",
    "required_capacity",
    "sample_demand",
    "scenario_from_dict",
    "simulate",
]
