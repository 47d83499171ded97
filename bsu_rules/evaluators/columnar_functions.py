"""Values and catalogue functions of the columnar evaluator, as Polars expressions.

A compiled value (:class:`Val`) is either a constant, computed once with the scalar evaluator's own
code, or a per-row Polars expression whose nulls are *unknown*. Representations: int ``Int64``,
decimal ``Decimal(38, scale)`` (exact), month ``Int32`` index ``year * 12 + month - 1``, date
``Date``. Functions follow ``facts.py``/``nik.py`` exactly, strict ones giving null when an
argument is null. Member histories (wages, contributions, programme receipts) stay list columns:
see ``columnar_histories`` for why and how.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any

import polars as pl

from bsu_rules.facts import BANK_FORM_WORDS, BANK_PUNCTUATION, SPACE
from bsu_rules.nik import PROVINCES
from bsu_rules.ruleset.types import Type

__all__ = ["FUNCTIONS", "Val", "common", "dtype_of", "month_index", "scale_of", "typed"]


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


def month_index(month: str) -> int:
    """``"2022-07"`` -> 2022 * 12 + 6."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


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


def _strict(body: Body, guard: bool = True) -> Builder:
    """A strict function: any unknown argument makes the result unknown."""
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


def _bank_key(name: pl.Expr) -> pl.Expr:
    """``facts.bank_key``: upper case, the same punctuation and spaces, the legal-form words dropped."""
    words = name.str.to_uppercase().str.replace_all(BANK_PUNCTUATION, " ").str.replace_all(SPACE, " ").str.split(" ")
    dropped = pl.Series(sorted(BANK_FORM_WORDS | {""}), dtype=pl.String).implode()
    kept = words.list.eval(pl.element().filter(~pl.element().is_in(dropped)))
    return kept.list.join(" ")


def _first_day(month: pl.Expr) -> pl.Expr:
    return pl.date(month // 12, month % 12 + 1, 1)


_DATES: dict[str, Body] = {
    "province": lambda t, e, d: (e[0].str.slice(0, 2), pl.String()),
    "bank_key": lambda t, e, d: (_bank_key(e[0]), pl.String()),
    "month_start": lambda t, e, d: (_first_day(e[0]), pl.Date()),
    "month_end": lambda t, e, d: (_first_day(e[0]).dt.month_end(), pl.Date()),
    "add_months": lambda t, e, d: ((e[0].cast(pl.Int64) + e[1]).cast(pl.Int32), pl.Int32()),
    "month_of": lambda t, e, d: (e[0].dt.year().cast(pl.Int32) * 12 + e[0].dt.month().cast(pl.Int32) - 1,
                                 pl.Int32()),
}
"""Strict functions whose Polars form already gives null for a null argument."""


def _round_up(t: Type, e: list[pl.Expr], d: list[pl.DataType]) -> tuple[pl.Expr, pl.DataType]:
    """Smallest multiple of the step at or above the amount, exactly (decimals as scaled integers)."""
    amount, step = e
    scale = (d[0].scale or 0) if isinstance(d[0], pl.Decimal) else 0
    units = (amount * 10**scale).cast(pl.Int64) if scale else amount.cast(pl.Int64)
    size = step.cast(pl.Int64) * 10**scale
    steps = -((-units) // size)
    return pl.when(step > 0).then(steps * step.cast(pl.Int64)), pl.Int64()


def _extreme(largest: bool) -> Builder:
    def body(t: Type, e: list[pl.Expr], d: list[pl.DataType]) -> tuple[pl.Expr, pl.DataType]:
        exprs, dtype = common(*[Val(t, expr=x, dtype=y) for x, y in zip(e, d, strict=True)])
        return (pl.max_horizontal if largest else pl.min_horizontal)(exprs), dtype
    return _strict(body)


def _nik_parts(nik: pl.Expr) -> tuple[pl.Expr, list[tuple[pl.Expr, str]], pl.Expr]:
    """The checks of ``nik.nik_issue`` in its order, as (holds, issue) pairs, read from the NIK as
    one integer (valid only where the NIK is 16 ASCII digits), and its DDMMYY part."""
    number = nik.cast(pl.Int64, strict=False)
    dob = number // 10**4 % 10**6
    day, month = dob // 10**4, dob // 100 % 100
    checks = [
        ((number // 10**14).is_in(pl.Series(sorted(int(p) for p in PROVINCES), dtype=pl.Int64).implode()),
         "province"),
        (number // 10**12 % 100 != 0, "regency"),
        (day.is_between(1, 31) | day.is_between(41, 71), "day"),
        (month.is_between(1, 12), "month"),
        (number % 10**4 != 0, "serial"),
    ]
    return nik.str.contains(r"^[0-9]{16}$"), checks, dob


def _birth_matches(birth: pl.Expr, dob: pl.Expr) -> pl.Expr:
    """Whether the NIK's DDMMYY (women: day + 40) is the birth date."""
    own = pl.when(dob >= 410000).then(dob - 400000).otherwise(dob)
    return own == birth.dt.day().cast(pl.Int64) * 10**4 + birth.dt.month().cast(pl.Int64) * 100 \
        + birth.dt.year().cast(pl.Int64) % 100


def _nik_issue_expr(nik: pl.Expr, birth: pl.Expr | None) -> pl.Expr:
    """``nik.nik_issue`` per row: the first structural problem, "" when none (null NIK: null)."""
    digits, checks, dob = _nik_parts(nik)
    chain = pl.when(nik.is_null()).then(pl.lit(None, pl.String)).when(~digits).then(pl.lit("not-16-digits"))
    for holds, issue in checks:
        chain = chain.when(~holds).then(pl.lit(issue))
    if birth is not None:
        chain = chain.when(birth.is_not_null() & ~_birth_matches(birth, dob)) \
            .then(pl.lit("birth-date-mismatch"))
    return chain.otherwise(pl.lit(""))


def _nik_args(args: list[Val]) -> tuple[pl.Expr, pl.Expr | None]:
    nik = typed(args[0])[0]
    birth = typed(args[1])[0] if len(args) > 1 and not (args[1].is_const and args[1].const is None) else None
    return nik, birth


def _nik_issue(t: Type, args: list[Val]) -> Val:
    if any(a.is_const and a.const is None for a in args):
        return Val(t, const=None)  # strict
    nik, birth = _nik_args(args)
    expr = _nik_issue_expr(nik, birth)
    if birth is not None and not args[1].is_const:
        expr = pl.when(birth.is_null()).then(pl.lit(None, pl.String)).otherwise(expr)
    return Val(t, expr=expr, dtype=pl.String())


def _nik_valid(t: Type, args: list[Val]) -> Val:
    if args[0].is_const and args[0].const is None:
        return Val(t, const=None)
    nik, birth = _nik_args(args)  # an unknown birth date: the structure alone is checked
    digits, checks, dob = _nik_parts(nik)
    valid = reduce(operator.and_, [digits, *[holds for holds, _ in checks]])
    if birth is not None:
        valid = valid & (birth.is_null() | _birth_matches(birth, dob))
    return Val(t, expr=pl.when(nik.is_not_null()).then(valid.fill_null(False)), dtype=pl.Boolean())


def _happened_by(t: Type, args: list[Val]) -> Val:
    event, day = args
    if day.is_const and day.const is None:
        return Val(t, const=None)
    if event.is_const and event.const is None:
        expr = pl.lit(False)
    else:
        (e, d), _ = common(event, day)
        expr = e.is_not_null() & (e <= d)
    if not day.is_const:
        expr = pl.when(typed(day)[0].is_null()).then(pl.lit(None, pl.Boolean)).otherwise(expr)
    return Val(t, expr=expr, dtype=pl.Boolean())


def _known(t: Type, args: list[Val]) -> Val:
    arg = args[0]
    if arg.items is not None:
        return Val(t, const=True)  # a list literal is always known
    expr = pl.col(arg.history) if arg.history is not None else typed(arg)[0]
    return Val(t, expr=expr.is_not_null(), dtype=pl.Boolean())


def _coalesce(t: Type, args: list[Val]) -> Val:
    known = [a for a in args if not (a.is_const and a.const is None)]
    cut = next((i for i, a in enumerate(known) if a.is_const), None)  # a known constant ends the search
    known = known[:cut + 1] if cut is not None else known
    if not known:
        return Val(t, const=None)
    if len(known) == 1 and known[0].is_const:
        return known[0]
    exprs, dtype = common(*known)
    return Val(t, expr=pl.coalesce(exprs), dtype=dtype)


def _round_up_checked(t: Type, args: list[Val]) -> Val:
    step = args[1]
    if step.is_const and step.const is not None and step.const <= 0:
        raise ValueError(f"round_up: step must be positive, got {step.const}")  # as facts.round_up
    return _strict(_round_up, guard=False)(t, args)


FUNCTIONS: dict[str, Builder] = {name: _strict(body, guard=False) for name, body in _DATES.items()} | {
    "round_up": _round_up_checked,
    "min": _extreme(False),
    "max": _extreme(True),
    "nik_issue": _nik_issue,
    "nik_valid": _nik_valid,
    "happened_by": _happened_by,
    "known": _known,
    "coalesce": _coalesce,
}
"""Builders of the catalogue's non-history functions: (result type, arguments) -> value."""
