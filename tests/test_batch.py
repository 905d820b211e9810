"""collagenplan.batch: columnar validation and recall equal the per-client functions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import collagenplan as cp
from collagenplan import batch
from collagenplan.batch import _fast, _frames

from . import strategies as s

STATUSES = ("done", "missed", "cancelled", "booked")
TODAY = dt.date(2028, 6, 1)

# ------------------------------------------------------------------ helpers


def _frame(histories: list[tuple[object, str, list[cp.Visit]]]) -> pd.DataFrame:
    """One row per visit, the clients' rows interleaved as a chain's export would be."""
    numbered = [
        (k, n, (client, protocol_id, v.date, v.status))
        for n, (client, protocol_id, visits) in enumerate(histories)
        for k, v in enumerate(visits)
    ]
    rows = [row for _, _, row in sorted(numbered, key=lambda t: t[:2])]  # round robin
    return pd.DataFrame(rows, columns=["client_id", "protocol_id", "date", "status"])


def _per_client(frame: pd.DataFrame) -> dict[tuple[object, str], list[cp.Visit]]:
    """Each (client, protocol)'s visits in row order, in order of first appearance."""
    out: dict[tuple[object, str], list[cp.Visit]] = {}
    for client, protocol_id, day, status in frame.itertuples(index=False):
        out.setdefault((client, protocol_id), []).append(cp.Visit(date=day, status=status))
    return out


def _date(value: Any) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def _as_next_due(row: Any) -> cp.NextDue:
    """The NextDue a result row stands for."""
    return cp.NextDue(
        status=row.status,
        session=None if pd.isna(row.session) else int(row.session),
        phase=row.phase,
        earliest=_date(row.earliest),
        target=_date(row.target),
        latest=_date(row.latest),
        last_done=_date(row.last_done),
        booked=_date(row.booked),
        covered=bool(row.covered),
        restart=bool(row.restart),
        resumes=_date(row.resumes),
    )


def _due_without_violations(due: cp.NextDue) -> tuple[cp.NextDue, str, bool]:
    """A NextDue without its violations, their codes as the batch writes them, needs_booking."""
    codes = " ".join(v.code for v in due.violations)
    return attrs.evolve(due, violations=()), codes, due.needs_booking


def _summary(report: cp.Report) -> tuple[bool, str | None, int, int, int]:
    code = (report.errors or report.violations or (None,))[0]
    return (
        report.ok,
        None if code is None else code.code,
        len(report.errors),
        len(report.warnings),
        len(report.sessions),
    )


# ------------------------------------------------------------------ strategies

_protocols = st.one_of(
    s.protocols(catalogue=True),
    s.protocols(months=False, late=True),
    s.protocols(late=True),
)


@st.composite
def _history(draw: st.DrawFn, protocol: cp.Protocol) -> list[cp.Visit]:
    """A client's visits: a planned series (maybe nudged, cut short, part missed or
    booked, shuffled) or a handful of arbitrary dates."""
    start = draw(s.dates(dt.date(2024, 1, 1), dt.date(2027, 6, 1)))
    if draw(st.integers(0, 3)):
        horizon = start + dt.timedelta(days=draw(st.integers(0, 1500)))
        dates = list(cp.plan(protocol, start=start, horizon=horizon).dates)
        dates = dates[: draw(st.integers(1, len(dates)))]
        if draw(st.booleans()):
            k = draw(st.integers(0, len(dates) - 1))
            dates[k] += dt.timedelta(days=draw(st.integers(-20, 20)))
    else:
        dates = draw(st.lists(s.days_around(start, 0, 900), min_size=1, max_size=8))
    weights = draw(
        st.sampled_from(
            [
                st.just("done"),
                st.sampled_from(("done",) * 6 + ("missed", "cancelled")),
                st.sampled_from(("done",) * 6 + STATUSES),
            ]
        )
    )
    visits = [cp.Visit(date=d, status=draw(weights)) for d in dates]
    if draw(st.integers(0, 5)) == 0:
        visits = draw(st.permutations(visits))
    return visits


@st.composite
def _chains(draw: st.DrawFn) -> tuple[pd.DataFrame, dict[str, cp.Protocol], dt.date]:
    """A few clients on one drawn protocol and one built-in, with a 'today'."""
    drawn = draw(_protocols)
    assume(drawn.id != "facial-series")
    histories: list[tuple[object, str, list[cp.Visit]]] = []
    for n in range(draw(st.integers(1, 6))):
        protocol = drawn if draw(st.integers(0, 3)) else cp.get_protocol("facial-series")
        histories.append((f"c{n}", protocol.id, draw(_history(protocol))))
    today = draw(s.dates(dt.date(2024, 6, 1), dt.date(2031, 1, 1)))
    return _frame(histories), {drawn.id: drawn}, today


def _protocol(protocols: dict[str, cp.Protocol], protocol_id: str) -> cp.Protocol:
    return protocols.get(protocol_id) or cp.get_protocol(protocol_id)


_PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ------------------------------------------------------------------ equality properties


@_PROPERTY
@given(_chains())
def test_next_due_equals_the_per_client_function(
    chain: tuple[pd.DataFrame, dict[str, cp.Protocol], dt.date],
) -> None:
    """Every recall row equals collagenplan.next_due for that client's visits."""
    frame, protocols, today = chain
    expected: list[tuple[object, str, cp.NextDue]] = []
    for (client, protocol_id), visits in _per_client(frame).items():
        try:
            due = cp.next_due(_protocol(protocols, protocol_id), visits, today=today)
        except cp.CollagenPlanError:
            with pytest.raises(cp.InputError, match="client_id"):
                batch.next_due(frame, today=today, protocols=protocols)
            return
        expected.append((client, protocol_id, _due_without_violations(due)))
    result = batch.next_due(frame, today=today, protocols=protocols)
    got = [
        (r.client_id, r.protocol_id, (_as_next_due(r), r.codes, bool(r.needs_booking)))
        for r in result.itertuples(index=False)
    ]
    assert got == expected


@_PROPERTY
@given(_chains(), st.booleans())
def test_validate_equals_the_per_client_function(
    chain: tuple[pd.DataFrame, dict[str, cp.Protocol], dt.date], complete: bool
) -> None:
    """Every validation row summarises collagenplan.validate for that client's visits."""
    frame, protocols, _ = chain
    expected = []
    for (client, protocol_id), visits in _per_client(frame).items():
        try:
            report = cp.validate(_protocol(protocols, protocol_id), visits, complete=complete)
        except cp.CollagenPlanError:
            # Records that cannot all be true (done and missed on one date): the
            # batch stops at that client, naming it, as the per-client call does.
            with pytest.raises(cp.InputError, match="client_id"):
                batch.validate(frame, protocols=protocols, complete=complete)
            return
        expected.append((client, protocol_id, _summary(report)))
    result = batch.validate(frame, protocols=protocols, complete=complete)
    got = [
        (r.client_id, r.protocol_id, (r.ok, r.code, r.errors, r.warnings, r.sessions))
        for r in result.itertuples(index=False)
    ]
    assert got == expected


@settings(max_examples=200, deadline=None)
@given(
    s.dates(dt.date(1900, 1, 1), dt.date(2199, 12, 31)),
    s.durations(months=40, days=90, hours=50),
)
def test_vectorised_addition_equals_duration_add_to(day: dt.date, duration: cp.Duration) -> None:
    """The numpy date arithmetic of the fast path is Duration.add_to, month ends included."""
    days = np.array([day.toordinal() - dt.date(1970, 1, 1).toordinal()], dtype=np.int64)
    got = dt.date.fromordinal(int(_fast.add(days, duration)[0]) + dt.date(1970, 1, 1).toordinal())
    assert got == duration.add_to(day)


# ------------------------------------------------------------------ the fast path is used


def _planned_chain(clients: int) -> pd.DataFrame:
    protocol = cp.get_protocol("facial-series")
    histories = []
    for n in range(clients):
        start = dt.date(2024, 1, 1) + dt.timedelta(days=n % 400)
        dates = cp.plan(protocol, start=start, sessions=3 + n % 4, horizon=TODAY).dates
        cut = 1 + n % len(dates)
        histories.append((n, "facial-series", [cp.Visit(date=d) for d in dates[:cut]]))
    return _frame(histories)


def test_regular_calendars_take_the_vectorised_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planned calendars of done visits are answered without calling the per-client functions."""
    frame = _planned_chain(60)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the per-client function was called")

    expected_due = batch.next_due(frame, today=TODAY)
    expected_valid = batch.validate(frame)
    monkeypatch.setattr(_frames, "next_due_one", refuse)
    monkeypatch.setattr(_frames, "validate_one", refuse)
    pd.testing.assert_frame_equal(batch.next_due(frame, today=TODAY), expected_due)
    pd.testing.assert_frame_equal(batch.validate(frame), expected_valid)
    assert expected_valid["ok"].all()


def test_eligible_protocols() -> None:
    """The built-in series are eligible; overlapping phases and the restart policy are not."""
    assert _fast.eligible(cp.get_protocol("facial-series"))
    assert _fast.eligible(cp.get_protocol("scalp-series"))
    overlapping = s.protocol(min="4w", target="5w", max="6w")
    two = cp.Phase(
        name="second",
        interval=cp.Interval(
            min=cp.Duration(days=35), target=cp.Duration(days=40), max=cp.Duration(days=60)
        ),
    )
    import attrs

    assert not _fast.eligible(attrs.evolve(overlapping, phases=(*overlapping.phases, two)))
    restart = s.protocol(late='policy = "restart"\nrestart_after = "8w"')
    assert not _fast.eligible(restart)


# ------------------------------------------------------------------ inputs


def test_dates_as_datetime64_text_and_date_objects_agree() -> None:
    """A date column may hold datetime.date, YYYY-MM-DD texts or datetime64 midnights."""
    frame = _planned_chain(10)
    as_text = frame.assign(date=[d.isoformat() for d in frame["date"]])
    as_datetime = frame.assign(date=pd.to_datetime(frame["date"]))
    first = batch.next_due(frame, today=TODAY)
    pd.testing.assert_frame_equal(batch.next_due(as_text, today=TODAY), first)
    pd.testing.assert_frame_equal(batch.next_due(as_datetime, today=TODAY), first)


def test_pyarrow_table_gives_the_same_rows() -> None:
    """A pyarrow Table is read as the DataFrame it converts to."""
    pa = pytest.importorskip("pyarrow")
    frame = _planned_chain(10)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pd.testing.assert_frame_equal(
        batch.next_due(table, today=TODAY), batch.next_due(frame, today=TODAY)
    )
    pd.testing.assert_frame_equal(batch.validate(table), batch.validate(frame))


def test_column_names_are_configurable_and_status_optional() -> None:
    """Other column names work; without a status column every visit is done."""
    frame = _planned_chain(5).rename(columns={"client_id": "who", "protocol_id": "what"})
    renamed = frame.drop(columns="status").rename(columns={"date": "day"})
    result = batch.validate(
        renamed, client_column="who", protocol_column="what", date_column="day", status_column=None
    )
    assert list(result.columns) == ["who", "what", "ok", "code", "errors", "warnings", "sessions"]
    assert result["ok"].all()


def test_empty_frame_gives_empty_result_with_the_same_columns() -> None:
    """No visits, no rows, but the same columns and types (Dask's meta)."""
    frame = _planned_chain(3)
    empty = frame.head(0)
    due, full = batch.next_due(empty, today=TODAY), batch.next_due(frame, today=TODAY)
    assert list(due.columns) == list(full.columns)
    assert len(due) == 0
    assert list(due.dtypes)[2:] == list(full.dtypes)[2:]


def test_own_protocols_override_and_extend_the_catalogue() -> None:
    """A protocol given by id is used for that id; unknown ids name the row."""
    own = s.protocol(id="house-series", min="2w", target="3w", max="4w")
    frame = pd.DataFrame(
        {
            "client_id": [1, 1],
            "protocol_id": ["house-series"] * 2,
            "date": [dt.date(2027, 1, 1), dt.date(2027, 1, 22)],
            "status": ["done", "done"],
        }
    )
    assert batch.validate(frame, protocols={"house-series": own})["ok"].tolist() == [True]
    with pytest.raises(cp.InputError, match=r"protocol_id\[0\]: unknown protocol id"):
        batch.validate(frame)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("date", "2027-02-30", r"date\[1\]: '2027-02-30' is not a date written YYYY-MM-DD"),
        ("date", "1/2/2027", r"date\[1\]: '1/2/2027' is not a date"),
        ("date", None, r"date\[1\]: is empty"),
        ("date", dt.datetime(2027, 1, 5, 10, 0), r"date\[1\]: .* is a date-time"),
        ("status", "attended", r"status\[1\]: must be one of done, missed, cancelled, booked"),
        ("client_id", None, r"client_id\[1\]: is empty"),
        ("protocol_id", "nope", r"protocol_id\[1\]: unknown protocol id 'nope'"),
    ],
)
def test_bad_cells_name_column_and_row(column: str, value: object, message: str) -> None:
    """A bad cell is an InputError naming the column and the row's index label."""
    frame = pd.DataFrame(
        {
            "client_id": ["a", "b"],
            "protocol_id": ["facial-series"] * 2,
            "date": [dt.date(2027, 1, 1), dt.date(2027, 1, 5)],
            "status": ["done", "done"],
        }
    )
    frame[column] = frame[column].astype(object)
    frame.loc[1, column] = value
    with pytest.raises(cp.InputError, match=message):
        batch.next_due(frame, today=TODAY)
    with pytest.raises(cp.InputError, match=message):
        batch.validate(frame)


def test_timed_datetime64_column_is_refused() -> None:
    """A datetime64 column with a time of day is refused, not truncated."""
    frame = pd.DataFrame(
        {
            "client_id": [1, 1],
            "protocol_id": ["facial-series"] * 2,
            "date": pd.to_datetime(["2027-01-01 00:00", "2027-02-05 09:30"]),
        }
    )
    with pytest.raises(cp.InputError, match=r"date\[1\]: 2027-02-05 09:30:00 is a date-time"):
        batch.validate(frame, status_column=None)


def test_missing_column_and_wrong_input_type() -> None:
    """A missing column and an input that is not a table are InputErrors."""
    frame = _planned_chain(1)
    with pytest.raises(cp.InputError, match=r"date_column: the visits have no column 'day'"):
        batch.validate(frame, date_column="day")
    with pytest.raises(cp.InputError, match="must be a pandas DataFrame or a pyarrow Table"):
        batch.validate([("a", "facial-series", "2027-01-01", "done")])
    with pytest.raises(cp.InputError, match="today"):
        batch.next_due(frame, today="2027-01-01")  # type: ignore[arg-type]


def test_import_and_cli_parser_load_neither_numpy_nor_pandas() -> None:
    """``import collagenplan`` and building the command line load no numpy, pandas or engine."""
    import subprocess
    import sys

    heavy = ("numpy", "pandas", "collagenplan.batch._frames")
    code = (
        "import collagenplan, collagenplan.cli, sys; collagenplan.cli.build_parser(); "
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


def test_batch_is_an_attribute_of_the_package() -> None:
    """``cp.batch`` is the batch module, loaded on first use."""
    assert cp.batch is batch
    assert cp.batch.next_due is batch.next_due


def test_benchmark_runs_in_its_quick_form() -> None:
    """benchmarks/bench_batch.py --quick runs and prints both ratios (so it does not rot)."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_batch.py"
    out = subprocess.run(
        [sys.executable, str(script), "--quick"],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "(goal <= 5x)" in out.stdout and "(goal <= 3x)" in out.stdout


def test_per_client_functions_get_the_visits_in_table_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A client answered one by one is given its visits in the table's row order."""
    seen: list[list[cp.Visit]] = []

    def record(protocol: cp.Protocol, visits: list[cp.Visit], **kwargs: Any) -> object:
        seen.append(list(visits))
        return original(protocol, visits, **kwargs)

    frame = pd.DataFrame(
        {
            "client_id": ["a", "a", "a"],
            "protocol_id": ["facial-series"] * 3,
            "date": [dt.date(2027, 2, 9), dt.date(2027, 1, 5), dt.date(2027, 3, 20)],
            "status": ["done", "done", "booked"],
        }
    )
    pairs = zip(frame["date"], frame["status"], strict=True)
    expected = [cp.Visit(date=d, status=st) for d, st in pairs]
    for name in ("next_due_one", "validate_one"):
        original = getattr(_frames, name)
        monkeypatch.setattr(_frames, name, record)
        seen.clear()
        if name == "next_due_one":
            batch.next_due(frame, today=TODAY)
        else:
            batch.validate(frame)
        assert seen == [expected]


def test_missed_and_cancelled_visits_stay_on_the_vectorised_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A missed or cancelled visit between sessions does not send a client one by one."""
    frame = _planned_chain(40)
    extra = frame.groupby("client_id", sort=False).head(1).copy()
    extra["date"] = [d + dt.timedelta(days=3) for d in extra["date"]]
    extra["status"] = ["missed", "cancelled"] * (len(extra) // 2)
    mixed = pd.concat([frame, extra]).sort_values(["client_id", "date"], ignore_index=True)
    expected_due = batch.next_due(mixed, today=TODAY)
    expected_valid = batch.validate(mixed)
    calls: list[object] = []
    for name in ("next_due_one", "validate_one"):
        original = getattr(_frames, name)
        monkeypatch.setattr(
            _frames, name, lambda *a, _o=original, **k: calls.append(a) or _o(*a, **k)
        )
    pd.testing.assert_frame_equal(batch.next_due(mixed, today=TODAY), expected_due)
    pd.testing.assert_frame_equal(batch.validate(mixed), expected_valid)
    assert calls == []
    assert (expected_valid["sessions"].to_numpy() == frame.groupby("client_id").size()).all()
