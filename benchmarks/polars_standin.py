"""A minimal hand-written Polars pipeline for the 2022 outcome: read Parquet, decide, write Parquet.

A stand-in for ``polars_baseline.py`` (``peers.py`` prefers that file when it exists): the same
decisions as ``handwritten.py``, written as Polars expressions over the member columns; no
validation, no trace, no deduplication. ``run(input_path, output_path)`` returns the rows written.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from handwritten import ARREARS_FROM, AS_OF, CEILING, CUTOFF, ON, PROVINCES, ceilings

EXCLUDED = ["pns", "tni", "polri"]


def _any(column: str, condition: pl.Expr) -> pl.Expr:
    return pl.col(column).list.eval(condition).list.any()


def _unpaid(month: str) -> pl.Expr:
    period, paid_on = pl.element().struct.field("period"), pl.element().struct.field("paid_on")
    return _any("contributions", period == month) & \
        ~_any("contributions", (period == month) & paid_on.is_not_null() & (paid_on <= AS_OF))


def outcome() -> pl.Expr:
    nik, born = pl.col("nik"), pl.col("birth_date")
    day, month = nik.str.slice(6, 2).cast(pl.Int32), nik.str.slice(8, 2).cast(pl.Int32)
    nik_ok = nik.str.slice(0, 2).is_in(sorted(PROVINCES)) & (nik.str.slice(2, 2) != "00") & \
        (nik.str.slice(12, 4) != "0000") & month.is_between(1, 12) & \
        (day.is_between(1, 31) | day.is_between(41, 71)) & \
        (born.is_null() | ((pl.when(day > 40).then(day - 40).otherwise(day) == born.dt.day()) &
                           (month == born.dt.month()) & (nik.str.slice(10, 2).cast(pl.Int32) == born.dt.year() % 100)))
    period = pl.element().struct.field("period")
    reported = period <= CUTOFF
    latest = reported & (period == period.filter(reported).max())
    wage = pl.col("wages").list.eval(pl.element().struct.field("amount").filter(latest).last()).list.first()
    table = ceilings()
    code = pl.col("work_regency_code")
    area = pl.when(code.is_in(list(table))).then(code).otherwise(code.str.slice(0, 2))
    ceiling = area.replace_strict({k: v[0] for k, v in table.items()}, default=CEILING, return_dtype=pl.Int64)
    lower = area.replace_strict({k: v[1] for k, v in table.items()}, default=False, return_dtype=pl.Boolean)
    arrears = _unpaid(ARREARS_FROM) & _unpaid("2022-05") & _unpaid("2022-04")
    fails = [
        pl.col("citizenship") != "WNI", pl.col("participant_category") != "PU", ~nik_ok,
        pl.col("registered_on") > AS_OF, pl.col("membership_ended_on") <= AS_OF, pl.col("deceased_on") <= ON,
        ~_any("contributions", period == CUTOFF), arrears,
        (wage > CEILING) & code.is_not_null() & (wage > ceiling) & ~lower,
        pl.col("employment_type").is_in(EXCLUDED),
        _any("program_receipts", (pl.element().struct.field("program") == "BSU_TEACHER") &
             (pl.element().struct.field("year") == 2022)),
    ]
    unknowns = [
        pl.col("registered_on").is_null(), pl.col("contributions").is_null(), wage.is_null(),
        (wage > CEILING) & (code.is_null() | ((wage > ceiling) & lower)),
        pl.col("employment_type").is_null(), pl.col("program_receipts").is_null(),
    ]
    return pl.when(pl.any_horizontal(f.fill_null(False) for f in fails)).then(pl.lit("ineligible")) \
        .when(pl.any_horizontal(u.fill_null(False) for u in unknowns)).then(pl.lit("undetermined")) \
        .otherwise(pl.lit("eligible")).alias("outcome")


def run(input_path: str | Path, output_path: str | Path) -> int:
    frame = pl.scan_parquet(input_path).select(pl.int_range(1, pl.len() + 1).alias("row"), "kpj", outcome())
    frame.sink_parquet(output_path)
    return pl.scan_parquet(output_path).select(pl.len()).collect().item()
