"""collagenplan.batch on Dask: a partitioned run on a LocalCluster equals a single-process run."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest

import collagenplan as cp
from collagenplan import batch

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

TODAY = dt.date(2027, 9, 1)
KEYS = ["client_id", "protocol_id", "date", "status"]


def _visits(clients: int) -> pd.DataFrame:
    """Planned series cut at random, some nudged, some with missed or booked visits."""
    rng = random.Random(16)
    plans: dict[tuple[str, int], list[dt.date]] = {}
    rows = []
    for n in range(clients):
        protocol_id = rng.choice(["facial-series", "facial-series", "scalp-series", "maintenance"])
        offset = rng.randrange(60)
        key = (protocol_id, offset)
        if key not in plans:
            start = dt.date(2025, 1, 1) + dt.timedelta(days=offset * 7)
            horizon = start + dt.timedelta(days=900)
            protocol = cp.get_protocol(protocol_id)
            plans[key] = list(cp.plan(protocol, start=start, horizon=horizon).dates)
        dates = plans[key][: rng.randint(1, len(plans[key]))]
        if rng.random() < 0.2:
            dates[-1] += dt.timedelta(days=rng.randint(-30, 30))
        for day in dates:
            status = "done" if rng.random() < 0.95 else rng.choice(["missed", "booked"])
            if day > TODAY:  # a visit still to come can only be booked
                status = "booked"
            rows.append((f"client-{n:05d}", protocol_id, day, status))
    return pd.DataFrame(rows, columns=KEYS).sort_values(KEYS, kind="stable", ignore_index=True)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.sort_values(["client_id", "protocol_id"], ignore_index=True)
    return out.astype({"client_id": object, "protocol_id": object})


def _validate_partition(part: pd.DataFrame) -> pd.DataFrame:
    """Validation reads a client's visits in row order: restore it after the shuffle."""
    return batch.validate(part.sort_values(KEYS, kind="stable"))


def test_partitioned_run_on_a_local_cluster_equals_the_single_process_run() -> None:
    """map_partitions on a 2-worker LocalCluster gives the single-process rows, per client."""
    visits = _visits(3000)
    single_due = batch.next_due(visits, today=TODAY)
    single_valid = batch.validate(visits)
    assert len(single_due) == 3000
    assert (~single_valid["ok"]).any() and single_valid["ok"].any()
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        parts = dd.from_pandas(visits, npartitions=6).shuffle(
            on="client_id", npartitions=4, method="tasks"
        )
        assert parts.npartitions == 4
        due = parts.map_partitions(
            batch.next_due, today=TODAY, meta=batch.next_due(visits.head(0), today=TODAY)
        ).compute()
        valid = parts.map_partitions(
            _validate_partition, meta=batch.validate(visits.head(0))
        ).compute()
    pd.testing.assert_frame_equal(_sorted(due), _sorted(single_due))
    pd.testing.assert_frame_equal(_sorted(valid), _sorted(single_valid))


def _replan_partition(part: pd.DataFrame) -> pd.DataFrame:
    """Re-planning reads a client's visits in row order too."""
    return batch.replan(part.sort_values(KEYS, kind="stable"), today=TODAY)


def _by_client(frame: pd.DataFrame) -> pd.DataFrame:
    """Clients sorted, each client's sessions kept in their order."""
    out = frame.sort_values(["client_id", "protocol_id"], kind="stable", ignore_index=True)
    return out.astype({"client_id": object, "protocol_id": object})


def test_partitioned_plan_and_replan_equal_the_single_process_run() -> None:
    """batch.plan and batch.replan through map_partitions give the single-process rows."""
    visits = _visits(1500)
    starts = visits.drop_duplicates("client_id")[["client_id", "protocol_id", "date"]]
    starts = starts.rename(columns={"date": "start"}).reset_index(drop=True)
    single_replan = batch.replan(visits, today=TODAY)
    single_plan = batch.plan(starts)
    assert single_replan["client_id"].nunique() == 1500
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        parts = dd.from_pandas(visits, npartitions=6).shuffle(
            on="client_id", npartitions=4, method="tasks"
        )
        replanned = parts.map_partitions(
            _replan_partition, meta=batch.replan(visits.head(0), today=TODAY)
        ).compute()
        planned = (
            dd.from_pandas(starts, npartitions=3)
            .map_partitions(batch.plan, meta=batch.plan(starts.head(0)))
            .compute()
        )
    pd.testing.assert_frame_equal(_by_client(replanned), _by_client(single_replan))
    pd.testing.assert_frame_equal(_by_client(planned), _by_client(single_plan))
