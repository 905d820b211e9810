"""Planning: turn a protocol and a start date into a calendar of sessions.

The rules (see ``docs/design.md``):

* Session 1 falls on the earliest allowed date on or after ``start``.
* Session k > 1 has a window anchored on the previous session's date:
  ``previous + interval.min / target / max`` of its phase. The planner picks
  the allowed date in the window nearest the target, the earlier on a tie.
* Phases run in order; the first session of a later phase is measured from
  the last session of the phase before. A repeating last phase recurs up to
  ``horizon`` (once when there is no horizon).
* When a window holds no allowed date, the session goes on the nearest
  allowed date after the window and a violation is recorded in
  ``Plan.violations`` (or :class:`~collagenplan.errors.PlanningError` is raised
  with ``strict=True``).

The package holds the planner and everything it owns:

* ``_plan``: :func:`plan` itself;
* ``_place``: placing one session (the allowed date nearest the target,
  :func:`choose_date`, and the ``no-date-in-window`` violation);
* ``_history``: reading a client's history (``plan(history=...)``), the
  late policy and what is left to plan.

:mod:`collagenplan.living` builds re-planning and ``next_due`` on top of it.
"""

from __future__ import annotations

from .._blockers import Blocker as Blocker
from .._blockers import DateCheck as DateCheck
from ._place import SEARCH_DAYS as SEARCH_DAYS
from ._place import choose_date as choose_date
from ._plan import plan

__all__ = ["plan"]
