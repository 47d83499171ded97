"""Months and days: ``month_start``, ``month_end``, ``add_months``, ``month_of``.

Months are ``"YYYY-MM"`` at the edge and counted as integers (``bsu_rules.months``) inside.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from typing import TYPE_CHECKING

from bsu_rules.catalogue.definition import Columnar, Encoding, Function
from bsu_rules.catalogue.optional import cf, pl, symbols, z3
from bsu_rules.months import month_index, month_text
from bsu_rules.ruleset.types import DATE, INT, MONTH

if TYPE_CHECKING:
    from bsu_rules.prove.symbols import Strings, Sym

__all__ = ["DEFINITIONS", "add_months", "month_end", "month_of", "month_start"]


def month_start(month: str) -> date:
    """First day of ``month`` ("YYYY-MM"); ValueError if it is not a month."""
    index = month_index(month)
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: str) -> date:
    """Last day of ``month`` ("YYYY-MM")."""
    index = month_index(month)
    year, number = index // 12, index % 12 + 1
    return date(year, number, monthrange(year, number)[1])


def add_months(month: str, n: int) -> str | None:
    """The month ``n`` months after ``month`` (``n`` may be negative); unknown (None) outside years 1-9999."""
    start = month_index(month)
    index = start + n
    if start < 12 or not 12 <= index < _MONTHS_END:
        return None
    return month_text(index)


_MONTHS_END = 120_000  # January of the year 10000, as a month index


def month_of(day: date) -> str:
    """The month ("YYYY-MM") that contains ``day``."""
    return f"{day.year:04d}-{day.month:02d}"


# --- columnar -----------------------------------------------------------------------------


def _first_day(month: pl.Expr) -> pl.Expr:
    return pl.date(month // 12, month % 12 + 1, 1)


def _shifted(start: pl.Expr, n: pl.Expr) -> pl.Expr:
    """``add_months`` on month indexes: null outside years 1-9999, as the scalar function."""
    index = start + n
    return pl.when((start >= 12) & (index >= 12) & (index < _MONTHS_END)).then(index.cast(pl.Int32, strict=False))


def _columnar(body: cf.Body) -> Columnar:
    """Strict, and the Polars form already gives null for a null argument."""
    return Columnar(lambda t, args: cf.strict(body, guard=False)(t, args))


# --- proofs -------------------------------------------------------------------------------


def _add_months_smt(args: list[Sym], strings: Strings) -> Sym:
    return symbols.Sym("month", args[0].term + args[1].term, z3.And(args[0].known, args[1].known))


def _constants_only(name: str) -> Encoding:
    def refuse(args: list[Sym], strings: Strings) -> Sym:
        raise symbols.ProveError(f"{name} of a member value has no symbolic encoding (only of constants)")
    return refuse


DEFINITIONS = [
    Function("month_start", ((MONTH,),), DATE, "The first day of a month.", "month_start(param.cutoff_month)",
             scalar=month_start, columnar=_columnar(lambda t, e, d: (_first_day(e[0]), pl.Date())),
             inversion=None, smt=_constants_only("month_start")),
    Function("month_end", ((MONTH,),), DATE, "The last day of a month.", "month_end(param.cutoff_month)",
             scalar=month_end,
             columnar=_columnar(lambda t, e, d: (_first_day(e[0]).dt.month_end(), pl.Date())),
             inversion=None, smt=_constants_only("month_end")),
    Function("add_months", ((MONTH,), (INT,)), MONTH,
             "A month shifted by n months (negative goes back); unknown outside years 1-9999.",
             "add_months(2022-07, -2)", scalar=add_months,
             columnar=_columnar(lambda t, e, d: (_shifted(e[0].cast(pl.Int128), e[1].cast(pl.Int128)), pl.Int32())),
             inversion=None, smt=_add_months_smt),
    Function("month_of", ((DATE,),), MONTH, "The month a date falls in.", "month_of(member.registered_on)",
             scalar=month_of,
             columnar=_columnar(lambda t, e, d: (e[0].dt.year().cast(pl.Int32) * 12
                                                 + e[0].dt.month().cast(pl.Int32) - 1, pl.Int32())),
             inversion=None, smt=_constants_only("month_of")),
]
