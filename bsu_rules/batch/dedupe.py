"""One NIK, one payment: settle NIKs that are eligible more than once (two employers, two KPJ).

Among the eligible decisions of one NIK, the one paid is the first in this order, whatever the
input order: one whose payment ``channel`` is decided before one whose channel cannot be decided
yet (a payable record is never passed over for one that cannot be paid), then one with no
``flags`` before one an officer must review first (a record paid at once is not passed over for one
held for review), then highest ``priority``, then lowest ``kpj`` as the decisions show it (as text;
one masked, a NIK or an account number written in its place, after every KPJ, and a missing KPJ
last), then lowest ``record_hash`` (a hash of the whole input record), then lowest ``row`` (only
records identical in every field reach it, and then the choice makes no difference). The others
keep ``outcome = eligible`` (the rules hold for them) but get ``duplicate_of`` = the paid KPJ, or
``row:N`` (the paid row) when it has none, the same KPJ as this row, or one another row of the NIK
holds too (a KPJ that names no one row), and no benefit or channel.

A run settles this before it writes any decision (``settle``): ``Repeats`` finds the rows whose NIK
occurs more than once in the input (16 bytes a row while it looks: a row number and a 64-bit hash
of the NIK; 160 MB for 10 million, then only the few rows that repeat), the eligible decisions of
those rows are kept with their records' hashes as the chunks are decided (``candidates``, a small
side table), ranked once every chunk is decided, and the small result marks the decisions as they
are written. A rare 64-bit collision of two NIKs only brings a few more rows into the ranking, which
groups by the NIK itself.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from bsu_rules.batch.validate import ROW, validate
from bsu_rules.members.arrow import MEMBER_SCHEMA

HASH_SEED = 20220905
"""The seed of every 64-bit hash the batch takes (fixed: the same record, the same hash)."""
RESOLUTION_SCHEMA = pa.schema([("row", pa.int64()), ("duplicate_of", pa.string())])
KEYS = ("row", "nik_key", "channel", "held", "kpj", "priority", "record_hash")


def record_hashes(members: pa.Table) -> pa.Array:
    """A 64-bit hash of each whole record (Polars, fixed seed: stable within one Polars version)."""
    if members.num_rows == 0:
        return pa.array([], pa.uint64())
    frame = pl.from_arrow(members.select(MEMBER_SCHEMA.names))
    assert isinstance(frame, pl.DataFrame)
    return frame.hash_rows(HASH_SEED).to_arrow()


def held(decisions: pa.Table) -> pa.Table:
    """``decisions`` with ``held``: whether an officer reviews the row before payment (a flag raised)."""
    return decisions.append_column("held", pc.greater(pc.list_value_length(decisions["flags"]), 0))


def resolve(candidates: pl.DataFrame) -> pl.DataFrame:
    """Eligible rows (``KEYS`` columns) -> ``row``, ``duplicate_of`` for every row not paid."""
    masked = pl.col("kpj").str.contains("*", literal=True)  # a NIK or account number in its place: no KPJ
    ranked = candidates.sort([pl.col("nik_key"), pl.col("channel").is_null(), pl.col("held"), pl.col("priority"),
                              masked, pl.col("kpj"), pl.col("record_hash"), pl.col("row")],
                             descending=[False, False, False, True, False, False, False, False],
                             nulls_last=True).with_columns(
        pl.col("kpj").first().over("nik_key").alias("paid_kpj"),
        pl.col("row").first().over("nik_key").alias("paid_row"))
    kpj = pl.col("paid_kpj")
    shared = (pl.col("kpj") == kpj).sum().over("nik_key") > 1  # another row holds the paid KPJ too: it names no row
    paid = pl.when(kpj.is_null() | (kpj == pl.col("kpj")) | shared).then(pl.format("row:{}", pl.col("paid_row"))) \
        .otherwise(kpj)
    return (ranked.with_columns(paid.alias("duplicate_of"), pl.int_range(pl.len()).over("nik_key").alias("rank"))
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


class Repeats:
    """The rows whose NIK occurs more than once, gathered chunk by chunk (``add`` each chunk's
    ``row`` numbers and NIKs); ``rows`` then lists them, sorted."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []

    def add(self, rows: np.ndarray, niks: pa.Array | pa.ChunkedArray) -> None:
        series = pl.Series(niks).cast(pl.String)
        known = series.is_not_null().to_numpy()
        self.parts.append((rows[known], series.filter(series.is_not_null()).hash(HASH_SEED).to_numpy()))

    def rows(self) -> np.ndarray:
        if not self.parts:
            return np.zeros(0, dtype=np.int64)
        rows = np.concatenate([r for r, _ in self.parts]).astype(np.int64)
        hashes = np.concatenate([h for _, h in self.parts])
        self.parts = []
        order = np.argsort(hashes)  # equal hashes side by side (a hash table over them cost half again the time)
        ranked = hashes[order]
        same = ranked[1:] == ranked[:-1]
        repeated = np.zeros(ranked.size, dtype=bool)
        repeated[1:] = same
        repeated[:-1] |= same
        return np.sort(rows[order[repeated]])


def candidates(members: pa.Table, decisions: pa.Table, rows: np.ndarray, whole: pa.Table | None = None
               ) -> pa.Table | None:
    """The eligible decisions of a chunk's rows numbered ``rows`` (sorted, from ``Repeats``), as ``KEYS``
    columns (``nik_key`` the NIK itself, which groups them as its pseudonym would) with each record's hash,
    for ``settle``; None when there are none. ``decisions`` are ``members``' own, row for row. ``whole``:
    those rows read whole (``members`` lacking fields no rule reads), which the hash is of; a row whose
    fields read whole are not valid (text that is not UTF-8) keeps the hash of the fields read: it is still
    ranked, so its NIK is still paid once."""
    if not rows.size or not members.num_rows:
        return None
    numbers = members[ROW].to_numpy()
    at = np.minimum(np.searchsorted(rows, numbers), rows.size - 1)
    eligible = pc.fill_null(pc.equal(decisions["outcome"], "eligible"), False).to_numpy()
    picked = (rows[at] == numbers) & eligible
    if not picked.any():
        return None
    mask = pa.array(picked)
    chosen, decided = members.filter(mask), held(decisions.filter(mask))
    hashes = record_hashes(chosen)
    if whole is not None:
        full, _ = validate(whole.filter(pa.array(np.isin(whole[ROW].to_numpy(), numbers[picked]))))
        if full.num_rows:
            at = pc.index_in(full[ROW], value_set=chosen[ROW]).to_numpy()
            merged = hashes.to_numpy(zero_copy_only=False).copy()
            merged[at] = record_hashes(full).to_numpy(zero_copy_only=False)
            hashes = pa.array(merged, pa.uint64())
    return pa.table([decided["row"], chosen["nik"].cast(pa.string()), decided["channel"], decided["held"],
                     decided["kpj"], decided["priority"], hashes], names=list(KEYS))


def settle(parts: list[pa.Table]) -> pa.Table:
    """The rows not paid because their NIK is paid under another row (``RESOLUTION_SCHEMA``, by row),
    from the ``candidates`` of every chunk."""
    if not parts:
        return RESOLUTION_SCHEMA.empty_table()
    frame = pl.from_arrow(pa.concat_tables(parts, promote_options="permissive"))
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
