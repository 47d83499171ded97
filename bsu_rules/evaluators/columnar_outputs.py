"""The decision columns of the columnar evaluator, from its rule-condition columns.

Polars computes small codes (a rule's outcome as 0/1/2, bit masks of failed, unknown and flagged
rules); Arrow spells them out with ``take`` from a few strings, cheaper than building millions of
strings in Polars and converting them.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from bsu_rules.decisions import RuleResult
from bsu_rules.evaluators.columnar_functions import Val, typed
from bsu_rules.ruleset.schema import Kind
from bsu_rules.semantics import DECIDING, EFFECT

__all__ = ["Outputs"]

_TEXT, _TEXTS = pa.string(), pa.list_(pa.string())


class Outputs:
    """The decision columns from the rule conditions, as ``semantics.rule_result`` and
    ``semantics.outcome`` derive them (tested against them by the parity properties)."""

    OUTCOMES = pa.array(["ineligible", "undetermined", "eligible"], _TEXT)

    def __init__(self, conds: list[tuple[str, Kind, Val]], amount: int, channel: Val | None) -> None:
        lists: dict[str, list[tuple[pl.Expr, str]]] = {"failed": [], "unknown": [], "flags": []}
        prioritized, self.rules, codes = [], {}, {}
        for i, (rule_id, kind, v) in enumerate(conds):
            c = typed(v)[0]
            on_true, on_false = EFFECT[kind]
            codes[f"rule~{i}"] = c.cast(pl.Int8).fill_null(2)  # false 0, true 1, unknown 2
            self.rules[f"rule~{i}"] = (f"rule:{rule_id}", pa.array([on_false, on_true, RuleResult.UNKNOWN], _TEXT))
            if kind in DECIDING:
                lists["failed"].append(((c if on_true is RuleResult.FAIL else ~c).fill_null(False), rule_id))
                lists["unknown"].append((c.is_null(), rule_id))
            elif on_true is RuleResult.FLAGGED:
                lists["flags"].append((c.fill_null(False), rule_id))
            else:
                prioritized.append(c.fill_null(False).cast(pl.Int32))
        failed = pl.any_horizontal([f for f, _ in lists["failed"]] or [pl.lit(False)])
        unknown = pl.any_horizontal([u for u, _ in lists["unknown"]] or [pl.lit(False)])
        eligible = ~failed & ~unknown
        self.exprs = codes | {
            "outcome~": pl.when(failed).then(pl.lit(0, pl.Int8)).when(unknown).then(pl.lit(1, pl.Int8))
            .otherwise(pl.lit(2, pl.Int8)),
            "priority": pl.sum_horizontal(prioritized).cast(pl.Int32) if prioritized else pl.lit(0, pl.Int32),
            "benefit": pl.when(eligible).then(pl.lit(amount, pl.Int64)),
            "channel": pl.when(eligible & (named := typed(channel)[0].cast(pl.String)).ne("")).then(named)
            if channel else pl.lit(None, pl.String),  # an empty name says nothing: unknown, as in scalar
        }
        self.masks: dict[str, list[tuple[str, list[str]]]] = {}
        for name, parts in lists.items():
            self.masks[name] = []
            for start in range(0, max(len(parts), 1), _BITS):
                chunk = parts[start:start + _BITS]
                bits = [t.cast(pl.Int64) * (1 << b) for b, (t, _) in enumerate(chunk)]
                self.exprs[f"{name}~{start}"] = pl.sum_horizontal(bits) if bits else pl.lit(0, pl.Int64)
                self.masks[name].append((f"{name}~{start}", [rule_id for _, rule_id in chunk]))

    def table(self, frame: pl.DataFrame, schema: pa.Schema) -> pa.Table:
        """The decision columns ``schema`` names (its ``rule:<id>`` columns only if it has them)."""
        rules = {column: rule for column, rule in self.rules.items() if rule[0] in schema.names}
        exprs = {name: e for name, e in self.exprs.items() if name not in self.rules or name in rules}
        one_per_row = pl.repeat(0, pl.len(), dtype=pl.Int8).alias("~")  # even when every code is a constant
        codes = frame.lazy().select(one_per_row, **exprs).collect().to_arrow()
        jobs: dict[str, Callable[[], Any]] = {"outcome": partial(self.OUTCOMES.take, codes["outcome~"])}
        jobs |= {name: partial(spelled.take, codes[column]) for column, (name, spelled) in rules.items()}
        jobs |= {name: partial(_spell_all, [(codes[column], ids) for column, ids in masks])
                 for name, masks in self.masks.items()}
        with ThreadPoolExecutor(_THREADS) as pool:  # Arrow's kernels run without the GIL
            out = dict(zip(jobs, pool.map(lambda job: job(), jobs.values()), strict=True))
        out |= {name: codes[name] for name in ("priority", "benefit", "channel")}
        arrays = [out[f.name] for f in schema]
        return pa.Table.from_arrays([a if a.type == f.type else a.cast(f.type)
                                     for a, f in zip(arrays, schema, strict=True)],
                                    schema=schema)


def _spell_all(parts: list[tuple[pa.ChunkedArray, list[str]]]) -> pa.ChunkedArray:
    """One list per row from one or more masks (more than ``_BITS`` rules of a kind)."""
    spelled = [_spell(masks, ids) for masks, ids in parts]
    if len(spelled) == 1:
        return spelled[0]
    joined = pl.DataFrame([pl.from_arrow(s) for s in spelled]).select(pl.concat_list(pl.all()))
    return joined.to_series().to_arrow()


def _spell(masks: pa.ChunkedArray, ids: list[str]) -> pa.ChunkedArray:
    """Bit masks -> lists of rule ids: each distinct mask is spelled once, then taken per row."""
    encoded = pc.dictionary_encode(masks.combine_chunks())
    spelled = pa.array([[i for b, i in enumerate(ids) if m >> b & 1] for m in encoded.dictionary.to_pylist()],
                       _TEXTS)
    return pa.chunked_array([spelled.take(encoded.indices)])


_BITS = 62
_THREADS = 2
