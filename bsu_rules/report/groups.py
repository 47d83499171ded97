"""What an impact report groups members by, computed as Polars columns from the member table.

Province from the work regency code, sector from the employer, a wage band from the latest wage
report, sex and age band from the NIK (women add 40 to the birth day), and the NIK's structural
problem, by the columnar form of the rules' own ``nik_issue``.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import polars as pl

from bsu_rules.catalogue.identity import nik_issue_expr
from bsu_rules.nik import PROVINCES

UNKNOWN = "?"
DIMENSIONS = ("province", "sector", "wage_band", "sex", "age_band")
WAGE_EDGES = (2_000_000, 3_000_000, 3_500_000, 4_000_000, 5_000_000)
"""Wage band lower edges (rupiah a month); band ``k`` is ``[edge k-1, edge k)``."""
AGE_EDGES = (25, 35, 45, 55)
PLAUSIBLE_WAGE = (500_000, 100_000_000)
"""Monthly wages outside this range are listed in the data-quality section as implausible."""


def band_names(edges: tuple[int, ...]) -> list[str]:
    """Band keys in order: ``<2000000``, ``2000000-2999999``, ..., ``>=5000000``."""
    return [f"<{edges[0]}", *(f"{a}-{b - 1}" for a, b in itertools.pairwise(edges)), f">={edges[-1]}"]


def _bands(x: pl.Expr, edges: tuple[int, ...], names: list[str]) -> pl.Expr:
    out: Any = pl.when(x.is_null()).then(pl.lit(UNKNOWN))
    for edge, name in zip(edges, names, strict=False):
        out = out.when(x < edge).then(pl.lit(name))
    result: pl.Expr = out.otherwise(pl.lit(names[-1]))
    return result


def latest_wage() -> pl.Expr:
    """The amount of the latest wage report (by month), null when there is none."""
    wages = pl.col("wages")
    latest = wages.list.eval(pl.element().struct.field("period")).list.arg_max()
    return wages.list.get(latest, null_on_oob=True).struct.field("amount").alias("wage")


def nik_issue() -> pl.Expr:
    """The first structural problem of each NIK (``NikIssue`` value), null when it is valid: the
    check ``nik_issue(member.nik, member.birth_date)`` makes."""
    issue = nik_issue_expr(pl.col("nik"), pl.col("birth_date"))
    return pl.when(issue != "").then(issue).otherwise(pl.lit(None, pl.String)).alias("nik_issue")


def attributes(frame: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """``row`` and one column per dimension, plus ``wage`` and ``nik_issue``, for each member row."""
    nik = pl.col("nik")
    parts = frame.with_columns(latest_wage(), nik_issue(), nik.str.slice(6, 2).cast(pl.Int32, strict=False).alias("d"),
                               nik.str.slice(8, 2).cast(pl.Int32, strict=False).alias("m"),
                               nik.str.slice(10, 2).cast(pl.Int32, strict=False).alias("y"))
    day, month, yy, valid = pl.col("d"), pl.col("m"), pl.col("y"), pl.col("nik_issue").is_null()
    year = pl.when(2000 + yy <= as_of.year).then(2000 + yy).otherwise(1900 + yy)
    birth_day = pl.when(day > 40).then(day - 40).otherwise(day)
    before = (month > as_of.month) | ((month == as_of.month) & (birth_day > as_of.day))
    age = pl.when(valid).then(as_of.year - year - before.cast(pl.Int32))
    province = pl.col("work_regency_code").str.slice(0, 2)
    return parts.select(
        pl.col("_row").alias("row"),
        pl.when(province.is_in(list(PROVINCES))).then(province).otherwise(pl.lit(UNKNOWN)).alias("province"),
        pl.col("employer").struct.field("sector").fill_null(UNKNOWN).alias("sector"),
        _bands(pl.col("wage"), WAGE_EDGES, band_names(WAGE_EDGES)).alias("wage_band"),
        pl.when(valid).then(pl.when(day > 40).then(pl.lit("F")).otherwise(pl.lit("M")))
        .otherwise(pl.lit(UNKNOWN)).alias("sex"),
        _bands(age, AGE_EDGES, band_names(AGE_EDGES)).alias("age_band"),
        "wage",
        "nik_issue",
    )
