"""Wage reports: ``last_wage`` and the month it is for, ``last_wage_month``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bsu_rules.catalogue.definition import Abstraction, Function, History, Inversion, Job, Realized, Record, follows
from bsu_rules.catalogue.history_columns import STEPS, field, history, month_of_period
from bsu_rules.catalogue.optional import cf, deferred, pl
from bsu_rules.members import Member, WageReport
from bsu_rules.members.model import Rows, replaced
from bsu_rules.months import month_index, month_text
from bsu_rules.ruleset.types import INT, MONTH, WAGES

if TYPE_CHECKING:
    from bsu_rules import formatting
    from bsu_rules.evaluators.columnar_functions import Val
    from bsu_rules.prove.inputs import AbstractCall
else:
    formatting = deferred("bsu_rules.formatting")

__all__ = ["DEFINITIONS", "last_wage", "last_wage_month"]


def _latest(wages: Sequence[WageReport], month: str) -> WageReport | None:
    """The latest wage report with period <= ``month`` (ties: last in list order). The last one found for a
    validated record's history (``Rows``, which never changes) is kept: a decision's trace asks for the month
    of the wage its condition read."""
    global _kept_latest
    kept = _kept_latest  # one read: another thread may replace it, never tear it
    if kept[0] is wages and kept[1] == month:
        return kept[2]  # type: ignore[no-any-return]  # a report, as below
    latest: WageReport | None = None
    found = ""  # the latest report's period: each report's read once (a model's field costs a lookup)
    for report in wages:
        period = report.period
        if period <= month and (latest is None or period >= found):
            latest, found = report, period
    if type(wages) is Rows:  # held while kept: never taken for another list at its address
        _kept_latest = (wages, month, latest)
    return latest


_kept_latest: tuple[Any, ...] = (None, None, None)
"""The last report ``_latest`` found for a validated record's history, with the month it was asked for."""


def last_wage(wages: Sequence[WageReport] | None, month: str | None) -> int | None:
    """Amount of the latest wage report with period <= ``month`` (ties: last in list order).

    None if wages or month is unknown, or no report is at or before ``month``."""
    if wages is None or month is None:
        return None
    latest = _latest(wages, month)
    return None if latest is None else latest.amount


def last_wage_month(wages: Sequence[WageReport] | None, month: str | None) -> str | None:
    """The month (period) of the report ``last_wage`` reads: what an explanation dates the wage by.

    None exactly when ``last_wage`` is."""
    if wages is None or month is None:
        return None
    latest = _latest(wages, month)
    return None if latest is None else latest.period


# --- columnar -----------------------------------------------------------------------------

_POSITION = 2**32  # key: month distance * 2**32 + position in the list


def _latest_at(wages: pl.Expr, month: pl.Expr) -> pl.Expr:
    """The latest report at or before ``month`` (ties: the last in the list), as a struct."""
    e = pl.element()
    diff = (wages.list.eval(month_of_period(field("period"))) - month).cast(pl.List(pl.Int64))
    key = diff * _POSITION + pl.int_ranges(0, wages.list.len())
    best = key.list.agg(e.filter(e < _POSITION).max())
    return wages.list.get(best & (_POSITION - 1), null_on_oob=True)


def _last_wage_at(wages: pl.Expr, month: pl.Expr) -> pl.Expr:
    """The amount of the latest report at or before ``month``."""
    return _latest_at(wages, month).struct.field("amount")


def _columnar(args: list[Val], out: str) -> Job:
    wages, month = pl.col(history(args[0])), args[1]
    if not month.is_const:
        m = cf.typed(month)[0]
        return Job({out: pl.when(m.is_null()).then(pl.lit(None, pl.Int64)).otherwise(_last_wage_at(wages, m))})
    if month.const is None:
        return Job({out: pl.lit(None, pl.Int64)})
    start = month_index(month.const)

    def reported(k: int) -> pl.Expr:  # the last report for the month k months back
        return wages.list.agg(field("amount").filter(field("period") == month_text(start - k)).last())

    def finish(df: pl.DataFrame) -> pl.Series:
        """Rows with no report in those months: the latest earlier one, by month index."""
        value = df.get_column(out)
        rest = df.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("i"), wages.alias("w")) \
            .filter(value.is_null() & (pl.col("w").list.len() > 0))
        if rest.height:
            found = rest.select(_last_wage_at(pl.col("w"), pl.lit(start, pl.Int32))).to_series()
            value = value.scatter(rest.get_column("i"), found)
        return value
    return Job({out: pl.coalesce([reported(k) for k in range(STEPS)])}, finish)


def _month_columnar(args: list[Val], out: str) -> Job:
    wages, month = pl.col(history(args[0])), args[1]
    if month.is_const and month.const is None:
        return Job({out: pl.lit(None, pl.String)})
    m = pl.lit(month_index(month.const), pl.Int32) if month.is_const else cf.typed(month)[0]
    return Job({out: pl.when(m.is_null()).then(pl.lit(None, pl.String))
                .otherwise(_latest_at(wages, m).struct.field("period"))})


# --- counterfactual -----------------------------------------------------------------------


def _patch(target: int, op: str, args: list[Any], member: Member) -> dict[str, Any] | None:
    """The report ``last_wage`` reads (latest period at or before the month, last in list) gets
    the bound."""
    month = args[0]
    wages = member.wages or []
    picks = [i for i, w in enumerate(wages) if month is not None and w.period <= month]
    if not picks or target < 0:
        return None
    index = max(picks, key=lambda i: (wages[i].period, i))
    return {"index": index, "period": wages[index].period, "amount": target}


def _apply(member: Member, patch: dict[str, Any]) -> Member:
    wages, i = list(member.wages or []), int(str(patch["index"]))
    if i >= len(wages) or wages[i].period != patch["period"]:
        raise ValueError(f"wages[{i}] is not the report for {patch['period']}")
    wages[i] = WageReport(period=wages[i].period, amount=int(str(patch["amount"])))
    return replaced(member, wages=wages)


def _phrase(patch: dict[str, Any], bound: str, recorded: str, lang: str) -> str:
    month = formatting.format_month(str(patch["period"]), lang)
    wage = formatting.rupiah(int(str(patch["amount"])))
    return (f"upah yang dilaporkan pemberi kerja untuk bulan {month} {bound} {wage}" if lang == "id" else
            f"the wage the employer reported for {month} had been {bound} {wage}") + recorded


# --- proofs -------------------------------------------------------------------------------


def _realize(rec: Record, call: AbstractCall, value: Realized, others: list[tuple[AbstractCall, Realized]]) -> None:
    wages, month = rec.get(call.args[0].split(".")[1]), call.args[1]
    if wages is None:
        return
    wages[:] = [w for w in wages if w["period"] != month] if value[0] else [w for w in wages if w["period"] > month]
    if value[0]:
        wages.append({"period": month, "amount": int(value[1])})
        wages.sort(key=lambda w: w["period"])


DEFINITIONS = [
    Function("last_wage", ((WAGES,), (MONTH,)), INT,
             "The last wage reported for a month at or before the given month.",
             "last_wage(member.wages, param.cutoff_month)", scalar=last_wage, columnar=History(_columnar),
             inversion=Inversion("member.wages", 2, _patch, _apply, _phrase),
             smt=Abstraction(("wages", "month"), _realize, ("result >= 0",), (("raise_wage", "result >= before"),),
                             ("not (known(result) and month <= other_month) or known(other)",)),
             strict=False, unknown_from=(0, 1), own_unknown=True),
    Function("last_wage_month", ((WAGES,), (MONTH,)), MONTH,
             "The month of the wage `last_wage` reads: the latest month at or before the given month that has a "
             "wage report (unknown exactly when `last_wage` is). An explanation dates the wage by it.",
             "last_wage_month(member.wages, param.cutoff_month)", scalar=last_wage_month,
             columnar=History(_month_columnar), inversion=None,
             smt=Abstraction(("wages", "month"), follows, ("result <= month",)),
             strict=False, unknown_from=(0, 1), own_unknown=True),
]
