"""Member histories in the columnar evaluator (wages, contributions, programme receipts).

Histories stay list<struct> columns: ``list.eval`` runs an elementwise test over all elements
at once and ``list.any`` / ``list.agg(filter().last())`` reduce each list natively (about twice
as fast as an exploded long table with group_by). The usual call reads a constant month (a
parameter): periods are compared as text, for the month and the ``STEPS - 1`` before it, for
every member at once; only the few members still open after that are finished by an eager pass
over just their rows. A month or date that varies per member is handled exactly too, by month
indexes and list arithmetic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bsu_rules.catalogue.optional import pl

if TYPE_CHECKING:
    from bsu_rules.evaluators.columnar_functions import Val

__all__ = ["STEPS", "any_of", "field", "history", "month_of_period", "period_of_month"]

STEPS = 3
"""Months (from the month back) that history calls test for every member at once."""


def field(name: str) -> pl.Expr:
    """A field of the current list element."""
    return pl.element().struct.field(name)


def any_of(lists: pl.Expr, test: pl.Expr) -> pl.Expr:
    """Whether ``test`` holds for some element (null list: null). ``list.eval`` runs elementwise
    tests on all elements at once; ``list.agg`` with ``is_in`` went list by list (50x slower)."""
    return lists.list.eval(test).list.any()


def month_of_period(period: pl.Expr) -> pl.Expr:
    """A "YYYY-MM" period as a month index."""
    return period.str.slice(0, 4).cast(pl.Int32) * 12 + period.str.slice(5, 2).cast(pl.Int32) - 1


def period_of_month(index: pl.Expr) -> pl.Expr:
    """A month index as a "YYYY-MM" period (``month_of_period`` undone)."""
    return pl.format("{}-{}", (index // 12).cast(pl.String).str.zfill(4), (index % 12 + 1).cast(pl.String).str.zfill(2))


def history(v: Val) -> str:
    """The member history column a call reads."""
    if v.history is None:
        raise NotImplementedError("the columnar evaluator reads histories only straight from the member")
    return v.history
