"""One NIK, one payment: settle NIKs that are eligible more than once (two employers, two KPJ).

Among the eligible decisions of one NIK, the one paid is the first in this order, whatever the
input order: highest ``priority``, then lowest ``kpj`` (as text; a missing KPJ last), then lowest
``record_hash`` (a hash of the whole input record), then lowest ``row`` (only records identical in
every field reach it, and then the choice makes no difference). The others keep ``outcome =
eligible`` (the rules hold for them) but get ``duplicate_of`` = the paid KPJ (``row:N`` if it has
none) and no benefit or channel.

Memory: while the chunks are decided, ``Keys`` keeps 8 bytes per eligible decision (the first 60
bits of its ``nik_key``): 128 MB for 16 million, sorted once at the end (about as much again) to
find the keys seen twice. The second pass reads the decisions a chunk at a time and keeps only
the rows of those keys; a rare false match of two NIKs on 60 bits only brings rows into that exact
pass, never a wrong choice.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

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


def prefixes(nik_keys: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The first 60 bits of each hex ``nik_key`` as an integer."""
    return pl.Series(nik_keys).str.slice(0, 15).str.to_integer(base=16).to_numpy()


class Keys:
    """The key prefixes of eligible decisions, gathered chunk by chunk."""

    def __init__(self) -> None:
        self.parts: list[np.ndarray] = []

    def add(self, decisions: pa.Table) -> None:
        eligible = decisions.filter(pc.equal(decisions["outcome"], "eligible"))
        if eligible.num_rows:
            self.parts.append(prefixes(eligible["nik_key"]))

    def repeated(self) -> np.ndarray:
        """Prefixes seen more than once, sorted."""
        if not self.parts:
            return np.zeros(0, dtype=np.int64)
        keys = np.concatenate(self.parts)
        self.parts = []
        keys.sort()
        return np.unique(keys[1:][keys[1:] == keys[:-1]])


def duplicates(path: str | Path, repeated: np.ndarray) -> pa.Table:
    """The rows of a decisions file (Arrow IPC, chunk by chunk) not paid because their NIK is paid
    under another row; ``repeated`` from ``Keys.repeated``."""
    found = []
    if repeated.size:
        source = pa.ipc.open_file(pa.OSFile(str(path)))
        for i in range(source.num_record_batches):
            batch = pa.Table.from_batches([source.get_batch(i)]).select(["outcome", *KEYS])
            batch = batch.filter(pc.equal(batch["outcome"], "eligible"))
            hit = np.isin(prefixes(batch["nik_key"]), repeated) if batch.num_rows else np.zeros(0, dtype=bool)
            found.append(batch.filter(pa.array(hit)).select(list(KEYS)))
    if not found:
        return RESOLUTION_SCHEMA.empty_table()
    frame = pl.from_arrow(pa.concat_tables(found))
    assert isinstance(frame, pl.DataFrame)
    out = resolve(frame).to_arrow()
    return pa.table([out["row"].cast(pa.int64()), out["duplicate_of"].cast(pa.string())], schema=RESOLUTION_SCHEMA)


def mark(decisions: pa.Table, resolution: pa.Table) -> pa.Table:
    """The same with ``resolution``'s rows marked: ``duplicate_of`` set, benefit and channel null."""
    where = pc.index_in(decisions["row"], value_set=resolution["row"])
    duplicate = where.is_valid()
    out = decisions
    for name, value in (("duplicate_of", pc.take(resolution["duplicate_of"], where)),
                        ("benefit", pc.if_else(duplicate, pa.scalar(None, pa.int64()), decisions["benefit"])),
                        ("channel", pc.if_else(duplicate, pa.scalar(None, pa.string()), decisions["channel"]))):
        out = out.set_column(out.schema.get_field_index(name), name, value)
    return out
