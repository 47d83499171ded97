"""The per-chunk function on a real multi-process Dask cluster gives the single-machine result."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("dask.dataframe")
pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

import distributed
import pyarrow.parquet as pq

from bsu_rules.batch.dask import run_dask
from bsu_rules.batch.generate import block
from bsu_rules.batch.run import DECISION_SCHEMA, run_batch


def test_dask_cluster_matches_a_local_run(tmp_path: Path) -> None:
    members, _ = block(3000, seed=21)
    source = tmp_path / "members.parquet"
    pq.write_table(members, source, row_group_size=700)  # 5 partitions
    local = run_batch("bsu-2022", source, tmp_path / "local.parquet", rejects=tmp_path / "local.rejects.parquet",
                      chunk_size=1000)
    cluster = distributed.LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None)
    with cluster, distributed.Client(cluster):  # type: ignore[no-untyped-call]
        decisions, rejects = run_dask(source, "bsu-2022")
    expected = pq.read_table(tmp_path / "local.parquet")
    assert decisions.drop_columns(["record_hash"]).cast(DECISION_SCHEMA).equals(expected)
    assert rejects.equals(pq.read_table(tmp_path / "local.rejects.parquet"))
    assert local.holds and rejects.num_rows == local.rejected > 0
    assert decisions.num_rows + rejects.num_rows == 3000
    assert expected.column("duplicate_of").null_count < expected.num_rows  # dedupe had work to do
