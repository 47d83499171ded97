"""One NIK, one payment: settle NIKs that are eligible more than once (two employers, two KPJ).

Among the eligible decisions of one NIK, the one paid is the first in this order, whatever the
input order: highest ``priority``, then lowest ``kpj`` (as text; a missing KPJ last), then lowest
``record_hash`` (a hash of the whole input record), then lowest ``row`` (only records identical in
every field reach it, and then the choice makes no difference). The others keep ``outcome =
eligible`` (the rules hold for them) but get ``duplicate_of`` = the paid KPJ (``row:N`` if it has
none) and no benefit or channel.

Memory: the first pass over the decisions reads only ``nik_key`` and ``outcome`` and holds one
64-bit key per distinct eligible NIK (Polars streaming group-by, ~16 bytes and hash-table
overhead each: well under 1 GB for 16 million); the second holds only the rows of NIKs that
occur more than once.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa

RESOLUTION_SCHEMA = pa.schema([("row", pa.int64()), ("duplicate_of", pa.string())])
KEYS = ("row", "nik_key", "kpj", "priority", "record_hash")


def resolve(candidates: pl.DataFrame) -> pl.DataFrame:
    """Eligible rows (``KEYS`` columns) -> ``row``, ``duplicate_of`` for every row not paid."""
    ranked = candidates.sort(["nik_key", "priority", "kpj", "record_hash", "row"],
                             descending=[False, True, False, False, False], nulls_last=True)
    paid = pl.coalesce(pl.col("kpj"), pl.format("row:{}", pl.col("row")))
    return (ranked.with_columns(paid.first().over("nik_key").alias("duplicate_of"),
                                pl.int_range(pl.len()).over("nik_key").alias("rank"))
            .filter(pl.col("rank") > 0).select("row", "duplicate_of").sort("row"))


def _prefix() -> pl.Expr:
    """The first 60 bits of the hex key as an integer: a compact grouping key (a rare false match
    only brings a row into the exact second pass)."""
    return pl.col("nik_key").str.slice(0, 15).str.to_integer(base=16)


def candidates(decisions: pl.LazyFrame) -> pl.LazyFrame:
    """Eligible rows whose NIK is eligible more than once."""
    eligible = decisions.filter(pl.col("outcome") == "eligible")
    repeated = (eligible.select(_prefix().alias("k")).group_by("k").len()
                .filter(pl.col("len") > 1).select("k"))
    return (eligible.select(*KEYS).with_columns(_prefix().alias("k"))
            .join(repeated, on="k", how="semi").drop("k"))


def duplicates(path: str | Path) -> pa.Table:
    """The rows of a decisions Parquet file that are not paid because their NIK is paid elsewhere."""
    found = candidates(pl.scan_parquet(path)).collect(engine="streaming")
    out = resolve(found).to_arrow()
    return pa.table([out["row"].cast(pa.int64()), out["duplicate_of"].cast(pa.string())], schema=RESOLUTION_SCHEMA)


def apply(decisions: pl.DataFrame, resolution: pl.DataFrame) -> pl.DataFrame:
    """Mark the duplicates in a slice of decisions (``resolution`` may cover other rows too)."""
    if resolution.height == 0 or decisions.height == 0:
        return decisions
    marked = decisions.drop("duplicate_of").join(resolution, on="row", how="left", maintain_order="left")
    dup = pl.col("duplicate_of").is_not_null()
    return marked.with_columns(pl.when(dup).then(None).otherwise(pl.col("benefit")).alias("benefit"),
                               pl.when(dup).then(None).otherwise(pl.col("channel")).alias("channel")
                               ).select(decisions.columns)
