"""Screening: may this client start this protocol, and what must happen around each session?

:func:`screen` answers for one date with a :class:`Screening`. The same rules,
applied session by session, feed planning (dates a session may not fall on,
milestones around each session) and validation (client violations).

How a client's records meet the protocol's rules:

* **Contraindications** match conditions and medications by name.
  ``absolute`` ones active on a date make the client ``contraindicated``;
  ``temporary`` ones defer sessions until the day after they end;
  ``relative`` ones need a clinician's review unless the client's
  ``cleared`` list names them.
* **Washouts** match medications by exposure. A use on day ``x`` conflicts
  with a session on day ``d`` when ``x <= d < x + before`` or
  ``d <= x < d + after``: the last dose must be at least ``before`` ahead of
  the session, and use may resume ``after`` the session.

  A washout whose ``before + after`` is shorter than every phase's
  ``interval.min`` is *paused around each session*: the client stops and
  resumes between sessions, so continuing use produces stop / resume
  milestones, not a conflict; only a recorded start or stop date inside the
  washout conflicts. A longer washout (isotretinoin's six months) cannot be
  paused between sessions, so any recorded use inside it conflicts, and an
  ongoing one defers the start with no known date.
* **Precautions** match conditions and medications active on the session
  day and add start / end milestones for their action.
* **Events**: a session on day ``d`` conflicts with an event on day ``e`` when
  ``d <= e < d + downtime + event_buffer``; with an event that lasts until
  ``end``, when ``d <= end`` and ``e < d + downtime + event_buffer``.
* **Spacing**: a procedure on day ``p`` conflicts with a session on day ``d``
  when ``p <= d < p + before`` or ``d <= p < d + after``.

The package: ``_rules`` (the rules engine: each protocol rule applied to one
client record, and the date checks and violations built from it), ``_screen``
(:func:`screen` and its result) and ``_milestones`` (the first day a plan may
start, and the client's tasks around each session).
"""

from __future__ import annotations

from ._memo import per_call as per_call
from ._milestones import client_start as client_start
from ._milestones import milestones as milestones
from ._rules import client_violations as client_violations
from ._rules import date_checks as date_checks
from ._rules import pauses_between_sessions as pauses_between_sessions
from ._screen import STATUSES as STATUSES
from ._screen import Reason, Screening, screen
from ._screen import ScreeningStatus as ScreeningStatus

__all__ = ["Reason", "Screening", "screen"]
