"""Batch screening: members in, decisions out, nothing lost.

``decide_batch`` is the unit of work: one Arrow table of member rows in (``read.py`` layout),
one row per input row out (``BATCH_SCHEMA``), malformed rows included as ``outcome = "rejected"``.
It is pure and its arguments pickle (a rule-file path and a date), so the same function runs on
a local chunk, a Dask partition or a Spark ``mapInArrow`` batch. ``run_batch`` streams a whole
file through it in bounded chunks, then settles one NIK, one payment (``dedupe.py``).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bsu_rules.batch.fallback import MEMBER_SCHEMA, ScalarTablePlan
from bsu_rules.batch.read import Reader
from bsu_rules.batch.validate import REJECT_SCHEMA, ROW, validate
from bsu_rules.evaluators.scalar import Plan
from bsu_rules.ruleset.loader import load_ruleset

REJECTED = "rejected"
_LIST = pa.list_(pa.string())
DECISION_SCHEMA = pa.schema([
    ("row", pa.int64()), ("nik", pa.string()), ("nik_key", pa.string()), ("kpj", pa.string()),
    ("outcome", pa.string()), ("failed", _LIST), ("unknown", _LIST), ("priority", pa.int32()), ("flags", _LIST),
    ("benefit", pa.int64()), ("channel", pa.string()), ("duplicate_of", pa.string()),
    ("ruleset_sha256", pa.string()), ("on", pa.date32()),
])
"""The decisions file, one row per decided member."""
BATCH_SCHEMA = pa.schema([*DECISION_SCHEMA, ("record_hash", pa.uint64()), ("reject_field", pa.string()),
                          ("reject_message", pa.string())])
"""What ``decide_batch`` returns: decisions plus a content hash (the last dedupe tie-break) and,
for rejected rows, the first bad field and every problem."""
PARTIAL_SCHEMA = pa.schema([*DECISION_SCHEMA, ("record_hash", pa.uint64())])
HASH_SEED = 20220905


class TablePlan(Protocol):
    def decide(self, table: pa.Table) -> pa.Table: ...


def engines() -> dict[str, Callable[[Plan], TablePlan]]:
    """Available engines by name: ``columnar`` when its module is installed, ``scalar`` always."""
    found: dict[str, Callable[[Plan], TablePlan]] = {}
    with contextlib.suppress(ImportError):
        found["columnar"] = importlib.import_module("bsu_rules.evaluators.columnar").ColumnarPlan
    found["scalar"] = ScalarTablePlan
    return found


def default_engine() -> str:
    return next(iter(engines()))


@functools.lru_cache(maxsize=8)
def _engine(plan: Plan, engine: str) -> TablePlan:
    table_plans = engines()
    if engine not in table_plans:
        raise ValueError(f"engine {engine!r} is not available (have: {', '.join(table_plans)})")
    return table_plans[engine](plan)


@functools.lru_cache(maxsize=8)
def load_plan(ruleset_path: str, on: date | None) -> Plan:
    """The plan for a rule file and date, loaded once per process."""
    return load_ruleset(ruleset_path).plan(on)


def nik_keys(niks: pa.Array) -> pa.Array:
    """sha256 (hex) of each 16-digit NIK: a join key that does not show the NIK."""
    if len(niks) == 0:
        return pa.array([], pa.string())
    niks = niks.cast(pa.string())
    offsets = np.frombuffer(niks.buffers()[1], dtype=np.int32)[niks.offset:niks.offset + len(niks) + 1]
    data = niks.buffers()[2].to_pybytes()[offsets[0]:offsets[-1]]
    sha = hashlib.sha256
    digests = b"".join([sha(data[i:i + 16]).digest() for i in range(0, len(data), 16)])
    raw = pa.Array.from_buffers(pa.binary(32), len(niks), [None, pa.py_buffer(digests)]).cast(pa.binary())
    return pl.Series(raw).bin.encode("hex").to_arrow().cast(pa.string())


def mask_niks(niks: pa.Array) -> pa.Array:
    """``3215********0001`` for each 16-digit NIK, as ``decisions.mask_nik`` does for one."""
    return pc.binary_join_element_wise(pc.utf8_slice_codeunits(niks, 0, 4), pa.scalar("********"),
                                       pc.utf8_slice_codeunits(niks, 12, 16), pa.scalar(""))


def record_hashes(members: pa.Table) -> pa.Array:
    """A 64-bit hash of each whole record (Polars, fixed seed: stable within one Polars version)."""
    if members.num_rows == 0:
        return pa.array([], pa.uint64())
    frame = pl.from_arrow(members.select(MEMBER_SCHEMA.names))
    assert isinstance(frame, pl.DataFrame)
    return frame.select(pl.struct(pl.all()).hash(seed=HASH_SEED)).to_series().to_arrow()


def decide_batch(plan_or_ruleset_path: Plan | str | Path, on: date | None, table: pa.Table,
                 engine: str | None = None) -> pa.Table:
    """Decide one table of member rows; one output row per input row, sorted by ``row``.

    ``table`` is a chunk from ``read.Reader`` (or any table with the contract's columns; ``_row``
    numbers rows from 1 when absent). Pass a rule-file path and a date (the plan is loaded once
    per process) or a ready ``Plan`` (``on`` is then ignored)."""
    plan = plan_or_ruleset_path if isinstance(plan_or_ruleset_path, Plan) else \
        load_plan(str(plan_or_ruleset_path), on)
    if ROW not in table.column_names:
        table = table.add_column(0, ROW, pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64)))
    members, rejects = validate(table)
    decided = _engine(plan, engine or default_engine()).decide(members.select(MEMBER_SCHEMA.names))
    if decided.num_rows != members.num_rows:
        raise RuntimeError(f"the engine returned {decided.num_rows} decisions for {members.num_rows} members")
    n, sha, day = members.num_rows, plan.ruleset.sha256, plan.on
    eligible = pc.equal(decided["outcome"], "eligible")
    columns: dict[str, Any] = {
        "row": members[ROW], "nik": mask_niks(members["nik"].combine_chunks()),
        "nik_key": nik_keys(members["nik"].combine_chunks()), "kpj": members["kpj"],
        **{c: decided[c] for c in ("outcome", "failed", "unknown", "priority", "flags")},
        "benefit": pc.if_else(eligible, decided["benefit"], pa.scalar(None, pa.int64())),
        "channel": pc.if_else(eligible, decided["channel"], pa.scalar(None, pa.string())),
        "duplicate_of": pa.nulls(n, pa.string()), "ruleset_sha256": pa.array([sha] * n, pa.string()),
        "on": pa.array([day] * n, pa.date32()), "record_hash": record_hashes(members),
        "reject_field": pa.nulls(n, pa.string()), "reject_message": pa.nulls(n, pa.string()),
    }
    good = pa.table([columns[f.name] for f in BATCH_SCHEMA], schema=BATCH_SCHEMA) if n else BATCH_SCHEMA.empty_table()
    r = rejects.num_rows
    bad = pa.table({f.name: (rejects["row"] if f.name == "row" else pa.array([REJECTED] * r, pa.string())
                             if f.name == "outcome" else rejects["field"] if f.name == "reject_field"
                             else rejects["message"] if f.name == "reject_message" else pa.nulls(r, f.type))
                    for f in BATCH_SCHEMA}, schema=BATCH_SCHEMA)
    out = pa.concat_tables([good.cast(BATCH_SCHEMA), bad])
    return out.take(pc.sort_indices(out["row"]))


@dataclass
class Counts:
    """What a run read, decided and rejected; ``holds`` is the no-loss equation."""

    read: int = 0
    decided: int = 0
    rejected: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0

    @property
    def holds(self) -> bool:
        return self.read == self.decided + self.rejected

    def line(self) -> str:
        sign = "=" if self.holds else "!="
        return f"{self.read} read {sign} {self.decided} decided + {self.rejected} rejected"


def run_batch(ruleset: str | Path, source: str | Path, output: str | Path, *, on: date | None = None,
              rejects: str | Path | None = None, chunk_size: int = 250_000, engine: str | None = None,
              ignore_unknown: bool = False, progress: Callable[[int, int], None] | None = None,
              reader: Reader | None = None) -> Counts:
    """Decide every member of ``source`` into ``output``; malformed rows go to ``rejects``."""
    from bsu_rules.batch.dedupe import duplicates
    from bsu_rules.batch.write import Writer, default_rejects

    plan = load_ruleset(ruleset).plan(on)
    reader = reader or Reader(source, chunk_size, ignore_unknown)
    output = Path(output)
    partial = output.with_name(f".{output.name}.partial.parquet")
    counts = Counts()
    try:
        with pq.ParquetWriter(partial, PARTIAL_SCHEMA) as decisions, \
                Writer(rejects or default_rejects(output), REJECT_SCHEMA) as rejected:
            for chunk in reader:
                out = decide_batch(plan, None, chunk.table, engine)
                bad = pc.equal(out["outcome"], REJECTED)
                counts.read += chunk.table.num_rows
                rejected.write(out.filter(bad).select(["row", "reject_field", "reject_message"])
                               .rename_columns(["row", "field", "message"]))
                decisions.write_table(out.filter(pc.invert(bad)).drop_columns(["reject_field", "reject_message"]))
                if progress:
                    progress(chunk.done, chunk.table.num_rows)
            counts.rejected = rejected.rows
        resolution = duplicates(partial)
        counts.duplicates = resolution.num_rows
        with Writer(output, DECISION_SCHEMA) as final:
            counts.outcomes = final.copy_from(partial, resolution)
            counts.decided = final.rows
    finally:
        partial.unlink(missing_ok=True)
    return counts
