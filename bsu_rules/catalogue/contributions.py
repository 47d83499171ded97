"""Contributions: ``contribution_billed``, ``arrears_streak`` and the months its streak spans."""

from __future__ import annotations

from calendar import isleap
from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bsu_rules.catalogue.definition import Abstraction, Function, History, Inversion, Job, Realized, Record, follows
from bsu_rules.catalogue.history_columns import any_of, field, history, month_of_period, period_of_month
from bsu_rules.catalogue.optional import cf, deferred, pl
from bsu_rules.members import Contribution, Member
from bsu_rules.members.model import Rows, replaced
from bsu_rules.months import month_index, month_text
from bsu_rules.ruleset.types import BOOL, CONTRIBUTIONS, DATE, INT, MONTH

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from bsu_rules import formatting, glossary
    from bsu_rules.evaluators.columnar_functions import Val
    from bsu_rules.prove.inputs import AbstractCall
else:  # the columnar streak's flat pass reads Arrow buffers (the ``batch`` extra)
    np, pa, pc = deferred("numpy"), deferred("pyarrow"), deferred("pyarrow.compute")
    formatting = deferred("bsu_rules.formatting")
    glossary = deferred("bsu_rules.glossary")

__all__ = ["DEFINITIONS", "arrears_first_month", "arrears_last_month", "arrears_start", "arrears_streak",
           "contribution_billed"]

_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def contribution_billed(contributions: Sequence[Contribution] | None, month: str | None) -> bool | None:
    """Whether a contribution was billed for ``month`` (any row has that period)."""
    if contributions is None or month is None:
        return None
    for row in contributions:  # noqa: SIM110  (a loop: no generator made per member)
        if row.period == month:
            return True
    return False


def arrears_streak(
    contributions: Sequence[Contribution] | None,
    month: str | None,
    as_of: date | None,
    due_day: int | None,
) -> int | None:
    """Consecutive billed months in arrears at ``as_of``, counted back from the latest month at or
    before ``month`` whose payment deadline (day ``due_day`` of the next month) has passed.

    A month is in arrears when it was billed, is unpaid at ``as_of`` (a payment made after
    ``as_of`` does not count) and its deadline is before ``as_of``; a month still within its
    payment window is not in arrears. Only billed months count: a month with no bill neither adds
    to the streak nor ends it (a bill left unpaid before a gap is still owed). 0 when the latest
    billed month due is paid, or none is billed."""
    run = _unpaid_run(contributions, month, as_of, due_day)
    return None if run is None else len(run)


def arrears_first_month(contributions: Sequence[Contribution] | None, month: str | None, as_of: date | None,
                        due_day: int | None) -> str | None:
    """The earliest month of the streak ``arrears_streak`` counts; None when it counts none (or is unknown)."""
    run = _unpaid_run(contributions, month, as_of, due_day)
    return run[-1] if run else None


def arrears_last_month(contributions: Sequence[Contribution] | None, month: str | None, as_of: date | None,
                       due_day: int | None) -> str | None:
    """The latest month of the streak ``arrears_streak`` counts; None when it counts none (or is unknown)."""
    run = _unpaid_run(contributions, month, as_of, due_day)
    return run[0] if run else None


def _unpaid_run(contributions: Sequence[Contribution] | None, month: str | None, as_of: date | None,
                due_day: int | None) -> tuple[str, ...] | None:
    """The months of the streak ``arrears_streak`` counts, the latest first (None: unknown). The last one found
    for a validated record's history (``Rows``, which never changes) is kept: a decision's trace asks for the
    streak's first and last month after its condition counted it."""
    global _kept_run
    if contributions is None or month is None or as_of is None or due_day is None:
        return None
    kept = _kept_run  # one read: another thread may replace it, never tear it
    if kept[0] is contributions and kept[1] == month and kept[2] == as_of and kept[3] == due_day:
        return kept[4]  # type: ignore[no-any-return]  # a run, as below
    start = arrears_start(month, as_of, due_day)
    run: tuple[str, ...] = ()
    for row in contributions:  # the usual case: the latest month due is paid
        if row.period == start and (day := row.paid_on) is not None and day <= as_of:
            break
    else:
        paid: dict[str, bool] = {}  # each billed period due by then: whether it was paid in time
        for row in contributions:  # any row paid in time pays its period
            if row.period > start:
                continue
            day = row.paid_on
            if day is not None and day <= as_of:
                paid[row.period] = True
            else:
                paid.setdefault(row.period, False)
        unpaid: list[str] = []
        for period in sorted(paid, reverse=True):
            if paid[period]:
                break
            unpaid.append(period)
        run = tuple(unpaid)
    if type(contributions) is Rows:  # held while kept: never taken for another list at its address
        _kept_run = (contributions, month, as_of, due_day, run)
    return run


_kept_run: tuple[Any, ...] = (None, None, None, None, None)
"""The last run ``_unpaid_run`` found for a validated record's history, with what it was asked."""


@lru_cache(maxsize=256)  # a plan asks the same question of every member
def arrears_start(month: str, as_of: date, due_day: int) -> str:
    """The latest month at or before ``month`` whose contribution was due before ``as_of``.

    A month's contribution is due on day ``due_day`` of the next month (the last day of that
    month when it is shorter); ValueError unless 1 <= due_day <= 31."""
    if not 1 <= due_day <= 31:
        raise ValueError(f"a due day is 1-31, got {due_day}")
    current = as_of.year * 12 + as_of.month - 1  # month index of as_of
    last_day = 29 if as_of.month == 2 and isleap(as_of.year) else _DAYS[as_of.month - 1]
    latest = current - 1 if min(due_day, last_day) < as_of.day else current - 2
    return min(month, month_text(latest))


# --- columnar -----------------------------------------------------------------------------


def _billed_columnar(args: list[Val], out: str) -> Job:
    contributions, month = pl.col(history(args[0])), args[1]
    if month.is_const:
        if month.const is None:
            return Job({out: pl.lit(None, pl.Boolean)})
        return Job({out: any_of(contributions, field("period") == month.const)})
    m = cf.typed(month)[0]
    e = pl.element()
    billed = (contributions.list.eval(month_of_period(field("period"))) - m).list.eval(e == 0).list.any()
    return Job({out: pl.when(m.is_null()).then(pl.lit(None, pl.Boolean)).otherwise(billed)})


def _arrears_columnar(args: list[Val], out: str) -> Job:
    """``arrears_streak`` per member. The usual call (constant month, date and due day) counts every
    member exactly in one flat pass over all their rows (``_streak_to``): cheaper than testing the
    latest months due first, which leaves nearly every member open when the month is before (or long
    after) their history."""
    contributions, month, as_of, due = pl.col(history(args[0])), args[1], args[2], args[3]
    if any(a.is_const and a.const is None for a in (month, as_of, due)):
        return Job({out: pl.lit(None, pl.Int64)})
    if not (month.is_const and as_of.is_const and due.is_const):  # per row: every member counted exactly
        begin, day = _begin(month, as_of, due)
        return Job({out: pl.when(begin.is_null() | day.is_null()).then(pl.lit(None, pl.Int64))
                    .otherwise(_run(contributions, begin, day).list.n_unique().cast(pl.Int64))})
    start = month_text(month_index(arrears_start(month.const, as_of.const, due.const)))
    rows, day = f"{out}~rows", as_of.const  # the history named as a column: the plan reads it
    return Job({rows: contributions}, lambda df: _streak_to(df.get_column(rows), start, day))


def _streak_to(contributions: pl.Series, start: str, as_of: date) -> pl.Series:
    """``arrears_streak`` for a constant latest month due (``start``) and date, as ``_unpaid_run`` counts it: the
    distinct billed periods at or before ``start`` and after the latest one paid by ``as_of`` (null: no history).
    One pass over all the members' rows at once, flat: each period is ranked as text ("YYYY-MM" orders as
    months) through its distinct values, none parsed; the latest paid is a maximum per member, and the periods
    after it are counted, a period billed twice once."""
    lists = contributions.rechunk().to_arrow()
    rows = pc.list_flatten(lists)
    member = pc.list_parent_indices(lists).to_numpy()
    coded = pc.dictionary_encode(rows.field("period"))
    distinct = coded.dictionary
    rank_of = np.empty(len(distinct), np.int64)
    rank_of[pc.sort_indices(distinct).to_numpy()] = np.arange(len(distinct))
    codes = coded.indices
    billed = pc.is_valid(codes).to_numpy(zero_copy_only=False)
    code = codes.fill_null(0).to_numpy(zero_copy_only=False)
    rank = rank_of[code] if len(distinct) else code.astype(np.int64)
    due = billed & pc.less_equal(distinct, start).to_numpy(zero_copy_only=False)[code] if len(distinct) else billed
    paid_on = pc.less_equal(rows.field("paid_on"), pa.scalar(as_of, pa.date32()))
    paid = due & pc.fill_null(paid_on, False).to_numpy(zero_copy_only=False)
    last_paid = np.full(len(lists), -1, np.int64)
    np.maximum.at(last_paid, member[paid], rank[paid])
    after = due & (rank > last_paid[member])
    owner, keys = member[after], member[after] * max(len(distinct), 1) + rank[after]
    if len(keys) > 1 and not (np.diff(keys) > 0).all():  # a period twice, or out of order: each once
        keys = np.unique(keys)
        owner = keys // max(len(distinct), 1)
    streak = pl.Series(np.bincount(owner, minlength=len(lists)), dtype=pl.Int64)
    if lists.null_count:
        streak = streak.scatter(np.flatnonzero(lists.is_null().to_numpy(zero_copy_only=False)), None)
    return streak


def _begin(month: Val, as_of: Val, due: Val) -> tuple[pl.Expr, pl.Expr]:
    """``arrears_start`` per row, as a month index (null where unknown or the due day is out of range),
    and the date."""
    m, day, d = cf.typed(month)[0], cf.typed(as_of)[0], cf.typed(due)[0]
    now = day.dt.year().cast(pl.Int32) * 12 + day.dt.month().cast(pl.Int32) - 1
    latest = pl.when(pl.min_horizontal(d, day.dt.month_end().dt.day()) < day.dt.day()).then(now - 1) \
        .otherwise(now - 2)
    return pl.when(m.is_not_null() & (d >= 1) & (d <= 31)).then(pl.min_horizontal(m, latest)), day  # min ignores nulls


def _run(contributions: pl.Expr, begin: pl.Expr, day: pl.Expr) -> pl.Expr:
    """The months of ``arrears_streak``'s streak, each as months before ``begin`` (the latest month due, a month
    index), repeats kept: each billed month due is coded 2 × (months before ``begin``) + 1 when unpaid; the streak
    is the distinct months before the first one paid."""
    e = pl.element()
    before = (contributions.list.eval(month_of_period(field("period"))) - begin).cast(pl.List(pl.Int64)) * -2
    unpaid = (contributions.list.eval(field("paid_on").cast(pl.Int32)) - day.cast(pl.Int32)) \
        .list.eval((e > 0).fill_null(True).cast(pl.Int64))
    due = (before + unpaid).list.eval(e.filter(e >= 0))
    first_paid = e.filter(e % 2 == 0).min() // 2
    return due.list.eval((e // 2).filter(first_paid.is_null() | (e // 2 < first_paid)))


def _end_columnar(earliest: bool) -> Callable[[list[Val], str], Job]:
    """``arrears_first_month`` (``earliest``) or ``arrears_last_month`` per member, every member counted exactly."""
    def build(args: list[Val], out: str) -> Job:
        contributions, month, as_of, due = pl.col(history(args[0])), args[1], args[2], args[3]
        if any(a.is_const and a.const is None for a in (month, as_of, due)):
            return Job({out: pl.lit(None, pl.String)})
        if month.is_const and as_of.is_const and due.is_const:
            begin = pl.lit(month_index(arrears_start(month.const, as_of.const, due.const)), pl.Int32)
            day = pl.lit(as_of.const, pl.Date)
        else:
            begin, day = _begin(month, as_of, due)
        run = _run(contributions, begin, day)
        back = run.list.max() if earliest else run.list.min()
        return Job({out: pl.when(begin.is_null() | day.is_null()).then(pl.lit(None, pl.String))
                    .otherwise(period_of_month(begin - back))})
    return build


# --- counterfactual -----------------------------------------------------------------------


def _patch(target: int, op: str, args: list[Any], member: Member) -> dict[str, Any] | None:
    """Paying, by the reading date, the latest billed month already due ends the streak (one month suffices)."""
    month, day, due = args
    if op == ">=" or target < 0 or (op == "==" and target != 0) or month is None or day is None or due is None:
        return None
    start = arrears_start(month, day, due)
    billed = [r.period for r in member.contributions or [] if r.period <= start]
    return {"periods": [max(billed, default=start)], "paid_on": day.isoformat()}


def _apply(member: Member, patch: dict[str, Any]) -> Member:
    day, months = date.fromisoformat(str(patch["paid_on"])), patch["periods"]
    rows = [replaced(r, paid_on=day) if isinstance(months, list) and r.period in months else r
            for r in member.contributions or []]
    return replaced(member, contributions=rows)


def _phrase(patch: dict[str, Any], bound: str, recorded: str, lang: str) -> str:
    periods = patch["periods"] if isinstance(patch["periods"], list) else []
    months = glossary.join([formatting.format_month(str(m), lang) for m in periods], lang)
    by = formatting.format_date(date.fromisoformat(str(patch["paid_on"])), lang)
    s = "s" if len(periods) > 1 else ""
    return (f"iuran bulan {months} telah dibayar paling lambat {by}" if lang == "id" else
            f"the contribution{s} for {months} had been paid by {by}")


# --- proofs -------------------------------------------------------------------------------


def _rows(rec: Record, call: AbstractCall) -> list[dict[str, Any]] | None:
    out: list[dict[str, Any]] | None = rec.get(call.args[0].split(".")[1])
    return out


def _realize_billed(rec: Record, call: AbstractCall, value: Realized,
                    others: list[tuple[AbstractCall, Realized]]) -> None:
    rows, month = _rows(rec, call), call.args[1]
    if rows is None or not value[0]:
        return
    present = any(r["period"] == month for r in rows)
    if value[1] and not present:
        rows.append({"period": month, "paid_on": None})
    elif not value[1]:
        rows[:] = [r for r in rows if r["period"] != month]
    rows.sort(key=lambda r: r["period"])


def _realize_arrears(rec: Record, call: AbstractCall, value: Realized,
                     others: list[tuple[AbstractCall, Realized]]) -> None:
    rows, day, due = _rows(rec, call), call.args[2], call.args[3]
    if rows is None or not value[0] or int(value[1]) > 600:
        return
    start = month_index(arrears_start(call.args[1], day, due))  # the streak counts back from the latest month due
    streak = int(value[1])
    by_period = {r["period"]: r for r in rows}
    for i in range(streak):
        period = month_text(start - i)
        row = by_period.get(period)
        if row is None:
            rows.append({"period": period, "paid_on": None})
        elif row["paid_on"] is not None and row["paid_on"] <= day:
            row["paid_on"] = None
    stop = month_text(start - streak)  # paid, so that no earlier billed month lengthens the streak
    if stop not in by_period:
        rows.append({"period": stop, "paid_on": day})
    elif by_period[stop]["paid_on"] is None or by_period[stop]["paid_on"] > day:
        by_period[stop]["paid_on"] = day
    rows.sort(key=lambda r: r["period"])


DEFINITIONS = [
    Function("contribution_billed", ((CONTRIBUTIONS,), (MONTH,)), BOOL,
             "Whether a contribution was billed for the month.",
             "contribution_billed(member.contributions, param.cutoff_month)", scalar=contribution_billed,
             columnar=History(_billed_columnar), inversion=None,
             smt=Abstraction(("contributions", "month"), _realize_billed), strict=False, unknown_from=(0, 1)),
    Function("arrears_streak", ((CONTRIBUTIONS,), (MONTH,), (DATE,), (INT,)), INT,
             "Consecutive billed months in arrears on the date: unpaid then (a payment after the date does not "
             "count) although due (by the given day of the next month, capped at its last day), counted back from "
             "the latest month at or before the month whose deadline has passed; a month still within its payment "
             "window is never in arrears, and a month with no bill neither counts nor ends the streak.",
             "arrears_streak(member.contributions, param.cutoff_month, as_of, param.contribution_due_day)",
             scalar=arrears_streak, columnar=History(_arrears_columnar),
             inversion=Inversion("member.contributions", 4, _patch, _apply, _phrase),
             smt=Abstraction(("contributions", "month", "day", "due_day"), _realize_arrears, ("result >= 0",),
                             (("pay_contribution", "result <= before"),)),
             strict=False, unknown_from=(0, 1, 2, 3)),
    *(Function(f"arrears_{end}_month", ((CONTRIBUTIONS,), (MONTH,), (DATE,), (INT,)), MONTH,
               f"The {which} month of the streak `arrears_streak` counts (unknown when it counts none): an "
               f"explanation names the months in arrears by it and `arrears_{other}_month`.",
               f"arrears_{end}_month(member.contributions, param.cutoff_month, as_of, param.contribution_due_day)",
               scalar=scalar, columnar=History(_end_columnar(end == "first")), inversion=None,
               smt=Abstraction(("contributions", "month", "day", "due_day"), follows, ("result <= month",)),
               strict=False, unknown_from=(0, 1, 2, 3), own_unknown=True)
      for end, which, other, scalar in (("first", "earliest", "last", arrears_first_month),
                                        ("last", "latest", "first", arrears_last_month))),
]
