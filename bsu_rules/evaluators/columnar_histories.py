"""Member histories for the columnar evaluator (wages, contributions, programme receipts).

Histories stay list<struct> columns: ``list.eval`` runs an elementwise test over all elements
at once and ``list.any`` / ``list.agg(filter().last())`` reduce each list natively (about twice
as fast as an exploded long table with group_by, see ``columnar.py``). The usual call reads a
constant month (a parameter): periods are compared as text, for the month and the two before
it, for every member at once; only the few members still open after that (no report in those
months, three months or more in arrears) are finished by an eager pass over just their rows.
A month or date that varies per member is handled exactly too, by month indexes and list
arithmetic.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce

import polars as pl

from bsu_rules.evaluators.columnar_functions import Val, month_index, typed
from bsu_rules.facts import add_months, arrears_start

__all__ = ["HISTORY", "Job"]

_E = pl.element()


def _f(name: str) -> pl.Expr:
    """A field of the current list element."""
    return pl.element().struct.field(name)

_POSITION = 2**32  # last_wage key: month distance * 2**32 + position in the list


@dataclass
class Job:
    """A history call: columns computed with the other columns of its wave, then (optionally) an
    eager pass over the few rows the first pass left open, giving the call's column."""

    first: dict[str, pl.Expr]
    finish: Callable[[pl.DataFrame], pl.Series] | None = None


def _any(lists: pl.Expr, test: pl.Expr) -> pl.Expr:
    """Whether ``test`` holds for some element (null list: null). ``list.eval`` runs elementwise
    tests on all elements at once; ``list.agg`` with ``is_in`` went list by list (50x slower)."""
    return lists.list.eval(test).list.any()


def _index(period: pl.Expr) -> pl.Expr:
    return period.str.slice(0, 4).cast(pl.Int32) * 12 + period.str.slice(5, 2).cast(pl.Int32) - 1


def _last_wage_at(wages: pl.Expr, month: pl.Expr) -> pl.Expr:
    """The amount of the latest report at or before ``month`` (ties: the last in the list)."""
    diff = (wages.list.eval(_index(_f("period"))) - month).cast(pl.List(pl.Int64))
    key = diff * _POSITION + pl.int_ranges(0, wages.list.len())
    best = key.list.agg(_E.filter(_E < _POSITION).max())
    return wages.list.get(best & (_POSITION - 1), null_on_oob=True).struct.field("amount")


def _last_wage(args: list[Val], out: str) -> Job:
    wages, month = pl.col(_history(args[0])), args[1]
    if not month.is_const:
        m = typed(month)[0]
        return Job({out: pl.when(m.is_null()).then(pl.lit(None, pl.Int64)).otherwise(_last_wage_at(wages, m))})
    text = month.const

    def reported(k: int) -> pl.Expr:  # the last report for the month k months back
        return wages.list.agg(_f("amount").filter(_f("period") == add_months(text, -k)).last())

    def finish(df: pl.DataFrame) -> pl.Series:
        """Rows with no report in those months: the latest earlier one, by month index."""
        value = df.get_column(out)
        rest = df.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("i"), wages.alias("w")) \
            .filter(value.is_null() & (pl.col("w").list.len() > 0))
        if rest.height:
            found = rest.select(_last_wage_at(pl.col("w"), pl.lit(month_index(text), pl.Int32))).to_series()
            value = value.scatter(rest.get_column("i"), found)
        return value
    return Job({out: pl.coalesce([reported(k) for k in range(_STEPS)])}, finish)


_STEPS = 3  # months (from the month back) that history calls test for every member at once


def _billed(args: list[Val], out: str) -> Job:
    contributions, month = pl.col(_history(args[0])), args[1]
    if month.is_const:
        return Job({out: _any(contributions, _f("period") == month.const)})
    m = typed(month)[0]
    billed = (contributions.list.eval(_index(_f("period"))) - m).list.eval(_E == 0).list.any()
    return Job({out: pl.when(m.is_null()).then(pl.lit(None, pl.Boolean)).otherwise(billed)})


def _arrears(args: list[Val], out: str) -> Job:
    """Consecutive unpaid billed months counted back from the latest month already due (as
    ``facts.arrears_start``): every member's last few months at once, then month by month for
    the few members still in arrears."""
    contributions, month, as_of, due = pl.col(_history(args[0])), args[1], args[2], args[3]
    if any(a.is_const and a.const is None for a in (month, as_of, due)):
        return Job({out: pl.lit(None, pl.Int64)})
    unpaid: Callable[[int, pl.Expr], pl.Expr]
    if month.is_const and as_of.is_const and due.is_const:
        paid = _f("paid_on").is_not_null() & (_f("paid_on") <= as_of.const)
        text = arrears_start(month.const, as_of.const, due.const)
        lists, first = contributions, {}

        def unpaid(k: int, lst: pl.Expr) -> pl.Expr:
            m = add_months(text, -k)
            return _any(lst, (_f("period") == m) & ~paid) & ~_any(lst, (_f("period") == m) & paid)
    else:  # per row: each contribution coded as 2 * (months before the start) + (paid in time)
        m, day, d = typed(month)[0], typed(as_of)[0], typed(due)[0]
        now = day.dt.year().cast(pl.Int32) * 12 + day.dt.month().cast(pl.Int32) - 1
        latest = pl.when(pl.min_horizontal(d, day.dt.month_end().dt.day()) < day.dt.day()).then(now - 1) \
            .otherwise(now - 2)
        start = pl.when(m.is_not_null() & (d >= 1) & (d <= 31)).then(pl.min_horizontal(m, latest))  # min ignores nulls
        distance = (contributions.list.eval(_index(_f("period"))) - start).cast(pl.List(pl.Int64)) * -2
        paid_bit = (contributions.list.eval(_f("paid_on").cast(pl.Int32)) - day.cast(pl.Int32)) \
            .list.eval((_E <= 0).fill_null(False).cast(pl.Int64))
        lists = pl.when(start.is_null() | day.is_null()).then(pl.lit(None)).otherwise(distance + paid_bit)
        first = {f"{out}~v": lists}

        def unpaid(k: int, lst: pl.Expr) -> pl.Expr:
            return _any(lst, pl.element() == 2 * k) & ~_any(lst, pl.element() == 2 * k + 1)
    first |= {f"{out}~{k}": unpaid(k, lists) for k in range(_STEPS)}
    column = f"{out}~v" if f"{out}~v" in first else lists.meta.output_name()

    def finish(df: pl.DataFrame) -> pl.Series:
        runs = [df.get_column(f"{out}~{k}") for k in range(_STEPS)]
        value = reduce(operator.add, [reduce(operator.and_, runs[:k + 1]).cast(pl.Int64) for k in range(_STEPS)])
        todo = df.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("i"), pl.col(column).alias("c")) \
            .filter(value == _STEPS)
        k = _STEPS
        while todo.height:
            todo = todo.filter(todo.select(unpaid(k, pl.col("c"))).to_series())
            value = value.scatter(todo.get_column("i"), k + 1) if todo.height else value
            k += 1
        return value
    return Job(first, finish)


def _received(args: list[Val], out: str) -> Job:
    receipts, programs = pl.col(_history(args[0])), args[1]
    if not programs.is_const:
        raise NotImplementedError("received(): the columnar evaluator needs a fixed list of programmes")
    if programs.const is None:
        return Job({out: pl.lit(None, pl.Boolean)})
    wanted = _f("program").is_in(pl.Series([str(p) for p in programs.const], dtype=pl.String).implode())
    year = args[2] if len(args) > 2 else Val(args[1].type, const=None)
    if year.is_const:
        hit = wanted if year.const is None else wanted & (_f("year") == year.const)
        return Job({out: _any(receipts, hit)})
    y = typed(year)[0]
    in_year = _any(receipts.list.eval(pl.when(wanted).then(_f("year").cast(pl.Int64))) - y, _E == 0)
    return Job({out: pl.when(y.is_null()).then(_any(receipts, wanted)).otherwise(in_year)})


def _history(v: Val) -> str:
    if v.history is None:
        raise NotImplementedError("the columnar evaluator reads histories only straight from the member")
    return v.history


HISTORY: dict[str, Callable[[list[Val], str], Job]] = {
    "last_wage": _last_wage, "contribution_billed": _billed, "arrears_streak": _arrears, "received": _received,
}
"""History functions: (arguments, output column) -> the job computing that column."""
