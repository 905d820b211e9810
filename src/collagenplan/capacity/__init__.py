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

from ._extras import MissingExtraError
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
