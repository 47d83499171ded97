"""One rule set measured by the impact report: its running totals, and the spill of its eligible
rows (a temporary Arrow file) over which one NIK, one payment is settled as ``batch.dedupe`` settles it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from bsu_rules.batch.dedupe import KEYS, Keys, prefixes, resolve
from bsu_rules.decisions import RuleResult
from bsu_rules.evaluators.scalar import Plan
from bsu_rules.report.groups import DIMENSIONS
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.schema import Kind

SPILL = pa.schema([("outcome", pa.string()), ("row", pa.int64()), ("nik_key", pa.string()), ("kpj", pa.string()),
                   ("priority", pa.int32()), ("record_hash", pa.uint64()), ("channel", pa.string()),
                   ("held", pa.bool_()), *((d, pa.string()) for d in DIMENSIONS)])


@dataclass
class Side:
    """One rule set being measured: its plan, and what the chunks add up to under it."""

    name: str
    plan: Plan
    spill: Path
    rules: list[tuple[str, Kind]] = field(default_factory=list)
    keys: Keys = field(default_factory=Keys)
    writer: Any = None
    parts: dict[str, list[pl.DataFrame]] = field(default_factory=dict)
    unpaid_rows: pl.DataFrame | None = None

    def __post_init__(self) -> None:
        self.rules = [(r.rule.id, r.kind) for r in self.plan.rules]
        self.writer = pa.ipc.new_file(str(self.spill), SPILL)

    @property
    def ruleset(self) -> RuleSet:
        return self.plan.ruleset

    def results(self) -> dict[str, str | None]:
        """Every rule of the file: ``None`` for rules decided per member, else the fixed result."""
        out: dict[str, str | None] = {r: None for r, _ in self.rules}
        return out | {r.id: RuleResult.NOT_IN_FORCE.value for r in self.plan.out_of_force}

    def kinds(self) -> dict[str, Kind]:
        return {c.rule.id: c.rule.kind for c in self.ruleset.rules}

    def add(self, name: str, frame: pl.DataFrame, by: list[str] | None = None) -> None:
        """Add a chunk's counts to the running total (summed by ``by``, or as one row)."""
        frames = [*self.parts.get(name, []), frame]
        joined = pl.concat(frames, how="diagonal_relaxed")
        self.parts[name] = [joined.group_by(by).agg(pl.exclude(by).sum()) if by else joined.sum()]

    def total(self, name: str) -> pl.DataFrame:
        return self.parts[name][0] if name in self.parts else pl.DataFrame()


def _spill_rows(side: Side, keep: Callable[[pa.Table], pa.Array]) -> pa.Table | None:
    """The spilled rows ``keep`` marks (None: none), read a batch at a time."""
    source = pa.ipc.open_file(pa.OSFile(str(side.spill)))
    found = [batch.filter(keep(batch)) for batch in
             (pa.Table.from_batches([source.get_batch(i)]) for i in range(source.num_record_batches))]
    return pa.concat_tables(found) if found else None


def spilled_channels(side: Side, rows: set[int]) -> pl.DataFrame:
    """The payment channel of the eligible rows numbered ``rows`` (those among them), from the spill."""
    wanted = pa.array(sorted(rows), pa.int64())
    found = _spill_rows(side, lambda batch: pc.is_in(batch["row"], wanted))
    frame = pl.from_arrow(found.select(["row", "channel"])) if found is not None else None
    assert frame is None or isinstance(frame, pl.DataFrame)
    return frame if frame is not None else pl.DataFrame(schema={"row": pl.Int64, "channel": pl.String})


def unpaid(side: Side, held: bool = False) -> dict[str, dict[str, int]]:
    """Eligible rows not paid because their NIK is paid under another row, counted by group (``held``:
    only those held for an officer's review, a flag raised)."""
    rows = unpaid_rows(side)
    if held:
        rows = rows.filter(pl.col("held"))
    return {d: dict(rows.group_by(d).len().iter_rows()) for d in (*DIMENSIONS, "channel")}


def unpaid_rows(side: Side) -> pl.DataFrame:
    """Eligible rows not paid because their NIK is paid under another row (found once)."""
    if side.unpaid_rows is None:
        repeated = side.keys.repeated()
        found = _spill_rows(side, lambda batch: pa.array(np.isin(prefixes(batch["nik_key"]), repeated))) \
            if repeated.size else None
        frame = pl.DataFrame(schema={"row": pl.Int64, **dict.fromkeys((*DIMENSIONS, "channel"), pl.String),
                                     "held": pl.Boolean})
        if found is not None:
            rows = pl.from_arrow(found)
            assert isinstance(rows, pl.DataFrame)
            lost = resolve(rows.select(list(KEYS)))
            frame = rows.join(lost.select("row"), on="row").select("row", *DIMENSIONS, "channel", "held")
        side.unpaid_rows = frame
    return side.unpaid_rows
