"""Lower bounds in the columnar evaluator: the rules of ``bsu_rules.bounds``, per row.

A number that may be a lower bound carries ``Val.bound``, a Boolean expression true on the rows
where the number is only "at least" that value. Where an operation cannot keep what a bound tells,
the row's result is null (unknown), exactly where ``bounds`` gives None; tested against it by the
parity properties.
"""

from __future__ import annotations

import polars as pl

from bsu_rules.bounds import MIRROR
from bsu_rules.evaluators.columnar_functions import Val, common, typed

__all__ = ["arithmetic", "compare", "function", "has_bound", "no_bound"]

_NULL = pl.lit(None, pl.Boolean)


def has_bound(*vals: Val) -> bool:
    return any(v.bound is not None for v in vals)


def no_bound(v: Val) -> pl.Expr:
    """Rows where ``v`` is an exact number (or unknown)."""
    return ~v.bound if v.bound is not None else pl.lit(True)


def _flag(v: Val) -> pl.Expr:
    return v.bound if v.bound is not None else pl.lit(False)


def _settle(op: str, x: pl.Expr, c: pl.Expr) -> pl.Expr:
    """``v op c`` for some v >= x: True or False where x settles it, else null."""
    if op in (">", ">="):
        return pl.when(x > c if op == ">" else x >= c).then(pl.lit(True)).otherwise(_NULL)
    if op in ("<", "<="):
        return pl.when(x >= c if op == "<" else x > c).then(pl.lit(False)).otherwise(_NULL)
    return pl.when(x > c).then(pl.lit(op == "!=")).otherwise(_NULL)


def compare(op: str, left: Val, right: Val, plain: pl.Expr) -> pl.Expr:
    """A comparison where either side may be a bound; ``plain`` is the comparison of exact rows."""
    (a, b), _ = common(left, right)
    la, rb = _flag(left), _flag(right)
    return (pl.when(~la & ~rb).then(plain).when(la & rb).then(_NULL)
            .when(la).then(_settle(op, a, b)).otherwise(_settle(MIRROR[op], b, a)))


def arithmetic(op: str, left: Val, right: Val, value: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``left op right`` (+ - * //) where either may be a bound: (value with nulls, bound flag)."""
    (a, b), _ = common(left, right)
    la, rb = _flag(left), _flag(right)
    either = la | rb
    if op == "+":
        keeps = pl.lit(True)
    elif op == "-":
        keeps = ~rb
    elif op == "*":
        keeps = (a >= 0) & (b >= 0)
    else:  # "//"
        keeps = ~rb & (b > 0)
    return pl.when(either & ~keeps).then(pl.lit(None)).otherwise(value), either


def function(name: str, result: Val, args: list[Val]) -> Val:
    """A catalogue function's result when some argument may be a bound (see ``bounds.call``)."""
    if not has_bound(*args) or result.expr is None:
        return result
    value, dtype = typed(result)
    flags = [_flag(a) for a in args]
    if name == "round_up":
        return Val(result.type, expr=pl.when(flags[1]).then(pl.lit(None, dtype)).otherwise(value), dtype=dtype,
                   bound=flags[0])
    if name == "max":
        return Val(result.type, expr=value, dtype=dtype, bound=pl.any_horizontal(flags))
    if name == "min":  # exact where an exact argument is the smallest, else a bound
        exprs, _ = common(*args)
        lowest_exact = pl.min_horizontal([pl.when(~f).then(e) for e, f in zip(exprs, flags, strict=True)])
        lowest_bound = pl.min_horizontal([pl.when(f).then(e) for e, f in zip(exprs, flags, strict=True)])
        settled = lowest_bound.is_null() | (lowest_exact.is_not_null() & (lowest_exact <= lowest_bound))
        return Val(result.type, expr=value, dtype=dtype, bound=~settled)
    if name == "coalesce":
        chosen = pl.coalesce([pl.when(typed(a)[0].is_not_null()).then(f) for a, f in zip(args, flags, strict=True)])
        return Val(result.type, expr=value, dtype=dtype, bound=chosen.fill_null(False))
    if name == "known":
        return result
    return Val(result.type, expr=pl.when(pl.any_horizontal(flags)).then(pl.lit(None, dtype)).otherwise(value),
               dtype=dtype)
