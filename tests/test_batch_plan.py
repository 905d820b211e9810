"""collagenplan.batch.plan and batch.replan: columnar planning equals the per-client planner."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan import batch

from . import strategies as s
from .test_batch import _chains, _per_client, _protocol

COLUMNS = [
    "client_id",
    "protocol_id",
    "number",
    "phase",
    "date",
    "earliest",
    "target",
    "latest",
    "status",
    "codes",
]
_PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _date(value: Any) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def _rows(client: object, protocol_id: str, plan: cp.Plan) -> list[tuple[object, ...]]:
    """The rows the batch functions give for one client's plan."""
    codes = " ".join(v.code for v in plan.violations)
    return [
        (
            client,
            protocol_id,
            x.number,
            x.phase,
            x.date,
            x.window.earliest,
            x.window.target,
            x.window.latest,
            x.status,
            codes,
        )
        for x in plan.sessions
    ]


def _read(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    """The result rows with dates as ``datetime.date`` (``None`` for NaT)."""
    assert list(frame.columns) == COLUMNS
    return [
        (c, p, int(n), ph, _date(d), _date(e), _date(t), _date(la), st_, co)
        for c, p, n, ph, d, e, t, la, st_, co in frame.itertuples(index=False)
    ]


# ------------------------------------------------------------------ equality properties


@st.composite
def _starts(draw: st.DrawFn) -> tuple[pd.DataFrame, dict[str, cp.Protocol]]:
    """Clients on built-in protocols and one drawn protocol, start dates often shared."""
    drawn = draw(s.protocols(catalogue=True))
    ids = [*cp.protocol_ids(), drawn.id]
    days = draw(
        st.lists(s.dates(dt.date(2024, 1, 1), dt.date(2030, 1, 1)), min_size=1, max_size=4)
    )
    rows = [
        (f"c{n}", draw(st.sampled_from(ids)), draw(st.sampled_from(days)))
        for n in range(draw(st.integers(0, 12)))
    ]
    return pd.DataFrame(rows, columns=["client_id", "protocol_id", "start"]), {drawn.id: drawn}


@_PROPERTY
@given(_starts())
def test_plan_equals_the_per_client_planner(drawn: tuple[pd.DataFrame, dict[str, Any]]) -> None:
    """Row for row, batch.plan gives the sessions of cp.plan(protocol, start=start)."""
    starts, protocols = drawn
    expected = []
    for client, protocol_id, start in starts.itertuples(index=False):
        planned = cp.plan(_protocol(protocols, protocol_id), start=start)
        expected += _rows(client, protocol_id, planned)
    assert _read(batch.plan(starts, protocols=protocols)) == expected


@_PROPERTY
@given(_chains())
def test_replan_equals_the_per_client_planner(
    chain: tuple[pd.DataFrame, dict[str, Any], dt.date],
) -> None:
    """Row for row, batch.replan gives cp.plan(protocol, start=today, history=visits)
    for each client's visits in table order, or refuses the batch where it refuses one."""
    frame, protocols, today = chain
    expected = []
    refused = None
    for (client, protocol_id), visits in _per_client(frame).items():
        try:
            planned = cp.plan(_protocol(protocols, protocol_id), start=today, history=visits)
        except cp.InputError as exc:
            refused = refused or (client, exc)
            continue
        expected += _rows(client, protocol_id, planned)
    if refused is not None:
        with pytest.raises(cp.InputError, match=rf"client {refused[0]!r}: "):
            batch.replan(frame, today=today, protocols=protocols)
        return
    got = batch.replan(frame, today=today, protocols=protocols)
    assert _read(got) == expected


def test_replan_after_the_first_session_equals_cp_replan() -> None:
    """The benchmark's case: the first session done, re-planned the next day."""
    protocol = cp.get_protocol("facial-series")
    rows, expected = [], []
    for n in range(40):
        first = cp.plan(protocol, start=dt.date(2026, 1, 1) + dt.timedelta(days=n * 9))
        done = cp.Visit(date=first.sessions[0].date, status="done")
        today = done.date + dt.timedelta(days=1)
        expected += _rows(n, protocol.id, cp.replan(first, [done], today=today))
        rows.append((n, protocol.id, done.date, "done", today))
    frame = pd.DataFrame(rows, columns=["client_id", "protocol_id", "date", "status", "today"])
    got = []
    for today, part in frame.groupby("today", sort=True):
        got += _read(batch.replan(part.drop(columns="today"), today=today))
    assert sorted(got, key=lambda r: (r[0], r[2])) == expected


# ------------------------------------------------------------------ input


def _starts_frame(clients: int = 6) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "client_id": [f"c{n}" for n in range(clients)],
            "protocol_id": ["facial-series", "scalp-series", "maintenance"] * (clients // 3),
            "start": [dt.date(2026, 1, 1) + dt.timedelta(days=n % 2) for n in range(clients)],
        }
    )


def _visits_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "client_id": ["a", "b", "a", "c"],
            "protocol_id": ["facial-series"] * 4,
            "date": ["2026-01-05", "2026-01-05", "2026-02-09", "2026-01-20"],
            "status": ["done", "done", "done", "missed"],
        }
    )


def test_shared_keys_are_planned_once_and_progress_counts_them() -> None:
    """Six clients, three protocols, two start days: six distinct keys; 'progress' ends at them."""
    calls: list[tuple[int, int]] = []
    result = batch.plan(
        pd.concat([_starts_frame()] * 5, ignore_index=True),
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls[-1] == (6, 6)
    assert result["client_id"].nunique() == 6
    seen: list[tuple[int, int]] = []
    batch.replan(
        _visits_frame(), today=dt.date(2026, 3, 1), progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (3, 3)


def test_pyarrow_table_gives_the_same_rows() -> None:
    """A pyarrow Table is read as the DataFrame it converts to."""
    pa = pytest.importorskip("pyarrow")
    starts, visits = _starts_frame(), _visits_frame()
    today = dt.date(2026, 3, 1)
    pd.testing.assert_frame_equal(
        batch.plan(pa.Table.from_pandas(starts, preserve_index=False)), batch.plan(starts)
    )
    pd.testing.assert_frame_equal(
        batch.replan(pa.Table.from_pandas(visits, preserve_index=False), today=today),
        batch.replan(visits, today=today),
    )


def test_empty_input_gives_an_empty_frame_with_the_columns() -> None:
    """No clients, no rows, but the columns and types of a full result (Dask's meta)."""
    starts, visits = _starts_frame(), _visits_frame()
    today = dt.date(2026, 3, 1)
    for empty, full in (
        (batch.plan(starts.head(0)), batch.plan(starts)),
        (batch.replan(visits.head(0), today=today), batch.replan(visits, today=today)),
    ):
        assert list(empty.columns) == COLUMNS
        assert len(empty) == 0
        assert list(empty.dtypes)[2:] == list(full.dtypes)[2:]


def test_column_names_are_configurable() -> None:
    starts = _starts_frame().rename(columns={"client_id": "who", "protocol_id": "what"})
    result = batch.plan(
        starts.rename(columns={"start": "day"}),
        client_column="who",
        protocol_column="what",
        start_column="day",
    )
    assert list(result.columns) == ["who", "what", *COLUMNS[2:]]
    visits = _visits_frame().drop(columns="status")
    done = batch.replan(visits, today=dt.date(2026, 3, 1), status_column=None)
    assert set(done["status"]) == {"done", "planned"}


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("start", "2027-02-30", r"start\[1\]: '2027-02-30' is not a date written YYYY-MM-DD"),
        ("start", None, r"start\[1\]: is empty; every client needs a date"),
        ("start", dt.datetime(2027, 1, 5, 10, 0), r"start\[1\]: .* is a date-time"),
        ("client_id", None, r"client_id\[1\]: is empty"),
        ("protocol_id", "nope", r"protocol_id\[1\]: unknown protocol id 'nope'"),
    ],
)
def test_plan_bad_cells_name_column_and_row(column: str, value: object, message: str) -> None:
    """A bad cell is an InputError naming the column and the row's index label."""
    frame = _starts_frame()
    frame[column] = frame[column].astype(object)
    frame.loc[1, column] = value
    with pytest.raises(cp.InputError, match=message):
        batch.plan(frame)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("date", "1/2/2027", r"date\[1\]: '1/2/2027' is not a date"),
        ("status", "attended", r"status\[1\]: must be one of done, missed, cancelled, booked"),
        ("protocol_id", "nope", r"protocol_id\[1\]: unknown protocol id 'nope'"),
    ],
)
def test_replan_bad_cells_name_column_and_row(column: str, value: object, message: str) -> None:
    frame = _visits_frame()
    frame.loc[1, column] = value
    with pytest.raises(cp.InputError, match=message):
        batch.replan(frame, today=dt.date(2026, 3, 1))


def test_missing_column_wrong_input_and_refused_history() -> None:
    with pytest.raises(cp.InputError, match=r"start_column: the starts have no column 'start'"):
        batch.plan(_starts_frame().drop(columns="start"))
    with pytest.raises(cp.InputError, match=r"starts: must be a pandas DataFrame"):
        batch.plan([("a", "facial-series", "2026-01-01")])
    with pytest.raises(cp.InputError, match=r"today"):
        batch.replan(_visits_frame(), today="2026-03-01")  # type: ignore[arg-type]
    # A done visit after today: the per-client planner refuses it, the batch names the client.
    with pytest.raises(cp.InputError, match=r"client_id\[0\]: client 'a': "):
        batch.replan(_visits_frame(), today=dt.date(2026, 1, 10))


def test_without_pandas_the_calls_raise_missing_extra() -> None:
    """MissingExtraError naming the batch extra when pandas cannot be imported."""
    code = (
        "import sys; sys.modules['pandas'] = None\n"
        "import collagenplan as cp\n"
        "from collagenplan import batch\n"
        "for call in (lambda: batch.plan(None), lambda: batch.replan(None, today=None)):\n"
        "    try:\n"
        "        call()\n"
        "    except cp.MissingExtraError as exc:\n"
        "        assert 'batch' in str(exc), exc\n"
        "    else:\n"
        "        raise AssertionError('no error')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
