"""Chain-scale jobs on columnar visits: validate every calendar, build the recall list.

A chain keeps its visits as a table, one row per visit: a client id, a
protocol id, a date and a status (``done``, ``missed``, ``cancelled`` or
``booked``). :func:`validate` and :func:`next_due` take that table as a pandas
``DataFrame`` (or a pyarrow ``Table``) and return a ``DataFrame`` with one row
per client and protocol::

    >>> import datetime as dt
    >>> import pandas as pd
    >>> from collagenplan import batch
    >>> visits = pd.DataFrame({
    ...     "client_id": ["ann", "ann", "bob"],
    ...     "protocol_id": ["facial-series"] * 3,
    ...     "date": ["2026-09-01", "2026-10-06", "2026-11-03"],
    ...     "status": ["done", "done", "done"],
    ... })
    >>> due = batch.next_due(visits, today=dt.date(2026, 11, 20))
    >>> print(due[["client_id", "status", "session", "target"]].to_string(index=False))
    client_id      status  session     target
          ann     overdue        3 2026-11-10
          bob not-yet-due        2 2026-12-08

Each row is what the per-client function (:func:`collagenplan.validate`,
:func:`collagenplan.next_due`) returns for that client's visits, taken in
the table's row order; the common case (done visits, perhaps some missed or
cancelled ones, and a protocol whose consecutive phases cannot be confused)
is answered for all clients at once with numpy, and everything else goes
through the per-client function.

The functions are partition-local: a client's answer depends only on that
client's rows. Split the table by client and each part can be processed
anywhere, which is how they run on Dask or Spark ("Nightly jobs for a chain"
in the documentation). They need numpy and pandas (the ``batch`` extra);
``import collagenplan`` does not load them.

:func:`plan` and :func:`replan` plan series for many clients at once (a new
series from each client's start date; the rest of each client's series after
their visits), one row per planned session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ..errors import MissingExtraError

if TYPE_CHECKING:
    import pandas as pd

    from ..protocols.model import Protocol

__all__ = ["next_due", "plan", "replan", "validate"]


def _missing(exc: ImportError) -> MissingExtraError:
    """The error for a batch call without numpy or pandas installed."""
    package = exc.name if exc.name in ("numpy", "pandas") else "pandas"
    return MissingExtraError(package or "pandas", "collagenplan.batch", extra="batch")


def validate(
    visits: object,
    *,
    protocols: Mapping[str, Protocol] | None = None,
    client_column: str = "client_id",
    protocol_column: str = "protocol_id",
    date_column: str = "date",
    status_column: str | None = "status",
    complete: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Validate every client's calendar: one row per client and protocol.

    Args:
        visits: a pandas ``DataFrame`` or pyarrow ``Table``, one row per visit.
        protocols: protocols by id, for ids that are not built in (a mapping
            entry wins over the built-in protocol of the same id).
        client_column: the column of client ids (any hashable values).
        protocol_column: the column of protocol ids.
        date_column: the column of visit dates: ``datetime.date`` values,
            ``YYYY-MM-DD`` texts, or a datetime64 column holding midnights
            (a date-time with a time of day is refused, not truncated).
        status_column: the column of visit statuses (``done``, ``missed``,
            ``cancelled``, ``booked``); ``None`` when every visit was done.
        complete: the calendars are finished (see :func:`collagenplan.validate`).
        progress: called as ``progress(done, total)`` while clients are
            validated one by one.

    Returns:
        A ``DataFrame`` with the client and protocol columns, then ``ok``
        (no error), ``code`` (the code of the first error, else of the first
        warning, else ``None``), ``errors`` and ``warnings`` (counts) and
        ``sessions`` (sessions read), in order of each client's first row.
        Row for row the same as ``collagenplan.validate(protocol, visits,
        complete=complete)`` with the client's visits as ``Visit`` records in
        table order.

    Raises:
        InputError: a missing column, or a cell that is empty, not a date,
            not a status or an unknown protocol id; the message names the
            column and the row's index label.
        MissingExtraError: numpy or pandas is not installed.
    """
    try:
        from ._frames import validate as run
    except ImportError as exc:  # the engine needs numpy and pandas
        raise _missing(exc) from None
    return run(
        visits,
        protocols=protocols,
        client_column=client_column,
        protocol_column=protocol_column,
        date_column=date_column,
        status_column=status_column,
        complete=complete,
        progress=progress,
    )


def next_due(
    visits: object,
    *,
    today: dt.date,
    protocols: Mapping[str, Protocol] | None = None,
    client_column: str = "client_id",
    protocol_column: str = "protocol_id",
    date_column: str = "date",
    status_column: str | None = "status",
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """The recall list: when each client's next session is due, one row per client and protocol.

    Args:
        visits: a pandas ``DataFrame`` or pyarrow ``Table``, one row per visit.
        today: the date to judge from.
        protocols: protocols by id, for ids that are not built in.
        client_column: the column of client ids.
        protocol_column: the column of protocol ids.
        date_column: the column of visit dates (as in :func:`validate`).
        status_column: the column of visit statuses; ``None`` when every visit was done.
        progress: called as ``progress(done, total)`` while clients are
            answered one by one.

    Returns:
        A ``DataFrame`` with the client and protocol columns, then the fields
        of :class:`collagenplan.NextDue`: ``status``, ``session`` (nullable
        integer), ``phase``, ``earliest``, ``target``, ``latest``,
        ``last_done``, ``booked`` (``datetime64[s]`` columns, ``NaT`` for
        ``None``), ``restart``, ``covered``, ``needs_booking``, ``resumes``
        and ``codes`` (the codes of ``NextDue.violations``, space-separated,
        ``""`` for none). Row for row the same as
        ``collagenplan.next_due(protocol, visits, today=today)``.

    Raises:
        InputError: as for :func:`validate`, or ``today`` is not a date.
        MissingExtraError: numpy or pandas is not installed.
    """
    try:
        from ._frames import next_due as run
    except ImportError as exc:  # the engine needs numpy and pandas
        raise _missing(exc) from None
    return run(
        visits,
        today=today,
        protocols=protocols,
        client_column=client_column,
        protocol_column=protocol_column,
        date_column=date_column,
        status_column=status_column,
        progress=progress,
    )


def plan(
    starts: object,
    *,
    protocols: Mapping[str, Protocol] | None = None,
    client_column: str = "client_id",
    protocol_column: str = "protocol_id",
    start_column: str = "start",
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """New series for many clients: one row per planned session.

    Args:
        starts: a pandas ``DataFrame`` or pyarrow ``Table``, one row per
            client: client id, protocol id and start date.
        protocols: protocols by id, for ids that are not built in.
        client_column: the column of client ids.
        protocol_column: the column of protocol ids.
        start_column: the column of start dates (as the date column of
            :func:`validate`).
        progress: called as ``progress(done, total)`` while the distinct
            (protocol, start) pairs are planned.

    Returns:
        A ``DataFrame`` with the client and protocol columns, then ``number``,
        ``phase``, ``date``, ``earliest``, ``target``, ``latest``
        (``datetime64[s]`` columns, ``NaT`` for an open window), ``status``
        and ``codes`` (the codes of ``Plan.violations``, space-separated, on
        every row of the client; ``""`` for none), the sessions of each input
        row in turn. Row for row the sessions of
        ``collagenplan.plan(protocol, start=start)``: each distinct
        (protocol, start) pair is planned once by that function and its rows
        copied to every client who shares it.

    Raises:
        InputError: a missing column, or a cell that is empty, not a date or
            an unknown protocol id; the message names the column and the
            row's index label.
        MissingExtraError: numpy or pandas is not installed.
    """
    try:
        from ._plans import plan as run
    except ImportError as exc:  # the engine needs numpy and pandas
        raise _missing(exc) from None
    return run(
        starts,
        protocols=protocols,
        client_column=client_column,
        protocol_column=protocol_column,
        start_column=start_column,
        progress=progress,
    )


def replan(
    visits: object,
    *,
    today: dt.date,
    protocols: Mapping[str, Protocol] | None = None,
    client_column: str = "client_id",
    protocol_column: str = "protocol_id",
    date_column: str = "date",
    status_column: str | None = "status",
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """The rest of every client's series after their visits: one row per planned session.

    Args:
        visits: a pandas ``DataFrame`` or pyarrow ``Table``, one row per visit
            (as for :func:`next_due`).
        today: the first date a new session may fall on.
        protocols: protocols by id, for ids that are not built in.
        client_column: the column of client ids.
        protocol_column: the column of protocol ids.
        date_column: the column of visit dates (as in :func:`validate`).
        status_column: the column of visit statuses; ``None`` when every visit was done.
        progress: called as ``progress(done, total)`` while the distinct
            histories are planned.

    Returns:
        The columns of :func:`plan`, for each client and protocol in order of
        its first row. Row for row the sessions of
        ``collagenplan.plan(protocol, start=today, history=visits)`` with the
        client's visits as ``Visit`` records in table order; ``codes`` holds
        the codes of that plan's violations on every row of the client. Each
        distinct (protocol, visits) history is planned once by that function
        and its rows copied to every client who shares it.

        This is also what :func:`collagenplan.replan` gives for a plan without
        done or booked sessions of its own, except where ``replan`` reads the
        old plan: a visit on the date of one of its sessions takes that
        session's phase, and the series keeps the session count the old plan
        was made for.

    Raises:
        InputError: as for :func:`next_due`; a history the per-client function
            refuses (a done visit after ``today``...) stops the batch with a
            message naming the client and its first row.
        MissingExtraError: numpy or pandas is not installed.
    """
    try:
        from ._plans import replan as run
    except ImportError as exc:  # the engine needs numpy and pandas
        raise _missing(exc) from None
    return run(
        visits,
        today=today,
        protocols=protocols,
        client_column=client_column,
        protocol_column=protocol_column,
        date_column=date_column,
        status_column=status_column,
        progress=progress,
    )
