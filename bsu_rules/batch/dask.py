"""Run ``decide_batch`` on Dask: one call per ``dask.dataframe`` partition (extra ``bsu-rules[dask]``).

Partitions travel as pandas frames with Arrow-backed columns and are turned back into Arrow
tables for ``decide_batch``, unchanged. Only picklable values go to the workers (the rule-file
path, the date, row offsets); each worker process loads the plan once. One NIK, one payment is
settled afterwards: eligible keys are shuffled by ``nik_key`` so that each NIK's rows meet in one
partition, resolved there by ``dedupe.resolve``, and the (small) resolution is applied per
partition.
"""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path
from typing import Any

import dask.dataframe as dd
import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from bsu_rules.audit.keys import new_key, warn_published
from bsu_rules.batch.conform import conform
from bsu_rules.batch.dedupe import KEYS, RESOLUTION_SCHEMA, held, mark, resolve
from bsu_rules.batch.run import BATCH_SCHEMA, REJECTED, decide_batch
from bsu_rules.batch.validate import ROW


def _empty(schema: pa.Schema) -> pd.DataFrame:
    return schema.empty_table().to_pandas(types_mapper=pd.ArrowDtype)


def _decide_partition(frame: pd.DataFrame, ruleset: str, on: date | None, engine: str | None,
                      offsets: list[int], key: bytes, partition_info: dict[str, Any] | None = None) -> pd.DataFrame:
    number = partition_info["number"] if partition_info else 0
    table = conform(pa.Table.from_pandas(frame, preserve_index=False))
    first = offsets[number] + 1
    table = table.add_column(0, ROW, pa.array(np.arange(first, first + table.num_rows, dtype=np.int64)))
    return decide_batch(ruleset, on, table, engine, key).to_pandas(types_mapper=pd.ArrowDtype)


def decide_frame(members: Any, ruleset: str | Path, on: date | None = None,
                 engine: str | None = None, key: bytes | None = None) -> Any:
    """Decisions (``BATCH_SCHEMA``) for every row of a member frame; ``row`` counts from 1 across
    partitions in partition order, as ``bsu-rules batch`` numbers a file's rows. ``nik_key`` is
    HMAC-SHA256(key, NIK); without ``key``, one random key for this frame (a join key only)."""
    key = secrets.token_bytes(32) if key is None else new_key(key)  # a short key refused before any partition is read
    lengths: list[int] = members.map_partitions(len).compute().tolist()
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(int).tolist()
    return members.map_partitions(_decide_partition, str(ruleset), on, engine, offsets, key,
                                  meta=_empty(BATCH_SCHEMA), align_dataframes=False)


_KEYS = pa.schema([pa.field("held", pa.bool_()) if k == "held" else BATCH_SCHEMA.field(k) for k in KEYS])


def _keys_partition(frame: pd.DataFrame) -> pd.DataFrame:
    """The ranking keys of a partition's eligible rows (a flag list becomes ``held``: the shuffle takes no lists)."""
    decided = pa.Table.from_pandas(frame, preserve_index=False).cast(BATCH_SCHEMA)
    eligible = held(decided.filter(pc.equal(decided["outcome"], "eligible"))).select(list(KEYS))
    return eligible.to_pandas(types_mapper=pd.ArrowDtype)


def _resolve_partition(frame: pd.DataFrame) -> pd.DataFrame:
    keys = pl.from_arrow(pa.Table.from_pandas(frame, preserve_index=False))
    assert isinstance(keys, pl.DataFrame)
    out = resolve(keys).to_arrow().cast(RESOLUTION_SCHEMA)
    return out.to_pandas(types_mapper=pd.ArrowDtype)


def _apply_partition(frame: pd.DataFrame, resolution: pd.DataFrame) -> pd.DataFrame:
    decided = pa.Table.from_pandas(frame, preserve_index=False).cast(BATCH_SCHEMA)
    res = pa.Table.from_pandas(resolution, preserve_index=False).cast(RESOLUTION_SCHEMA)
    return mark(decided, res).to_pandas(types_mapper=pd.ArrowDtype)


def settle(decided: Any) -> Any:
    """One NIK, one payment over all partitions (see ``dedupe``)."""
    keys: Any = decided.map_partitions(_keys_partition, meta=_empty(_KEYS))
    resolution: Any = keys.shuffle("nik_key").map_partitions(_resolve_partition, meta=_empty(RESOLUTION_SCHEMA))
    small: Any = resolution.compute()
    return decided.map_partitions(_apply_partition, small, meta=_empty(BATCH_SCHEMA))


def run_dask(source: str | Path, ruleset: str | Path, on: date | None = None, engine: str | None = None,
             key: bytes | None = None) -> tuple[pa.Table, pa.Table]:
    """Decide a Parquet file on the current Dask scheduler (one partition per row group).

    Returns (decisions, rejects) as Arrow tables, the same as ``bsu-rules batch`` writes; for
    outputs too large to collect, use ``decide_frame`` + ``settle`` and ``to_parquet``."""
    if key is not None:
        new_key(key)  # refused before the file is read
    warn_published(key)
    members: Any = dd.read_parquet(str(source), dtype_backend="pyarrow", split_row_groups=True)
    decided: Any = settle(decide_frame(members, ruleset, on, engine, key))
    table = pa.Table.from_pandas(decided.compute(), preserve_index=False).cast(BATCH_SCHEMA)
    if key is None:  # the frame's random key: its pseudonyms mean nothing outside this run
        table = table.set_column(table.schema.get_field_index("nik_key"), "nik_key",
                                 pa.nulls(table.num_rows, pa.string()))
    table = table.take(pc.sort_indices(table["row"]))
    rejected = pc.equal(table["outcome"], REJECTED)
    rejects = table.filter(rejected).select(["row", "reject_field", "reject_message"]) \
        .rename_columns(["row", "field", "message"])
    return table.filter(pc.invert(rejected)).drop_columns(["reject_field", "reject_message"]), rejects
