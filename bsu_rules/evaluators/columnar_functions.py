"""Values of the columnar evaluator, as Polars expressions, and the shape of a strict function.

A compiled value (:class:`Val`) is either a constant, computed once with the scalar evaluator's own
code, or a per-row Polars expression whose nulls are *unknown*. Representations: int ``Int64``,
decimal ``Decimal(38, scale)`` (exact), month ``Int32`` index ``year * 12 + month - 1``
(``bsu_rules.months``), date ``Date``. The catalogue functions' own Polars forms are part of their
definitions (``bsu_rules.catalogue``); member histories stay list columns
(``bsu_rules.catalogue.history_columns``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from bsu_rules.months import month_index
from bsu_rules.ruleset.types import Type

__all__ = ["Body", "Builder", "Val", "common", "dtype_of", "month_index", "scale_of", "strict", "typed"]


@dataclass(frozen=True)
class Val:
    """A compiled value: ``expr`` per row, or ``const`` (the scalar value) when ``expr`` is None.

    ``items`` holds a list literal whose items vary per row; ``history`` names a member history
    column (only history functions take one); ``bound`` marks the rows where the number is only a
    lower bound."""

    type: Type
    expr: pl.Expr | None = None
    dtype: pl.DataType | None = None
    const: Any = None
    items: tuple[Val, ...] | None = None
    history: str | None = None
    bound: pl.Expr | None = None  # rows where the number is only a lower bound (``columnar_bounds``)

    @property
    def is_const(self) -> bool:
        return self.expr is None and self.items is None and self.history is None


def scale_of(value: Any) -> int:
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 0
    return 0


def dtype_of(t: Type, value: Any = None) -> pl.DataType:
    """The Polars type a value of rule type ``t`` is held in."""
    name = t.name
    if name == "decimal":
        return pl.Decimal(38, scale_of(value))
    simple: dict[str, pl.DataType] = {"int": pl.Int64(), "bool": pl.Boolean(), "str": pl.String(),
                                      "date": pl.Date(), "month": pl.Int32()}
    if name in simple:
        return simple[name]
    raise NotImplementedError(f"the columnar evaluator cannot hold a {t} value in a column")


def typed(v: Val) -> tuple[pl.Expr, pl.DataType]:
    """The expression and Polars type of a per-row value, or of a constant as a typed literal."""
    if v.expr is not None:
        assert v.dtype is not None
        return v.expr, v.dtype
    if not v.is_const:
        raise NotImplementedError("the columnar evaluator needs a single value here, not a list or history")
    dtype = dtype_of(v.type, v.const)
    month = v.const is not None and v.type.name == "month"
    return pl.lit(month_index(v.const) if month else v.const, dtype), dtype


def common(*vals: Val) -> tuple[list[pl.Expr], pl.DataType]:
    """Expressions brought to one type: numbers to Int64 or to a Decimal wide enough for all."""
    pairs = [typed(v) for v in vals]
    dtypes = [d for _, d in pairs]
    decimals = [d for d in dtypes if isinstance(d, pl.Decimal)]
    if decimals:
        target: pl.DataType = pl.Decimal(38, max(d.scale or 0 for d in decimals))
        return [e if d == target else e.cast(target) for e, d in pairs], target
    first = dtypes[0]
    if any(d != first for d in dtypes):
        if all(d.is_integer() for d in dtypes):
            return [e.cast(pl.Int64) for e, _ in pairs], pl.Int64()
        raise NotImplementedError(f"cannot bring {', '.join(map(str, dtypes))} to one type")
    return [e for e, _ in pairs], first


Builder = Callable[[Type, list[Val]], Val]
Body = Callable[[Type, list[pl.Expr], list[pl.DataType]], tuple[pl.Expr, pl.DataType]]


def strict(body: Body, guard: bool = True) -> Builder:
    """A strict function: any unknown argument makes the result unknown (``guard``: nulls of per-row
    arguments are nulled explicitly, for a body whose Polars form would not give null itself)."""
    def build(t: Type, args: list[Val]) -> Val:
        if any(a.is_const and a.const is None for a in args):
            return Val(t, const=None)
        pairs = [typed(a) for a in args]
        exprs, dtypes = [e for e, _ in pairs], [d for _, d in pairs]
        expr, dtype = body(t, exprs, dtypes)
        per_row = [e for e, a in zip(exprs, args, strict=True) if not a.is_const]
        if guard and per_row:
            expr = pl.when(pl.any_horizontal([e.is_null() for e in per_row])).then(pl.lit(None, dtype)).otherwise(expr)
        return Val(t, expr=expr, dtype=dtype)
    return build
