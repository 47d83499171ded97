"""The floor to compare ``bsu-rules batch`` against: a minimal hand-written Polars pipeline.

    python benchmarks/polars_baseline.py MEMBERS.parquet OUT.parquet [--check DECISIONS.parquet]

``run`` reads a member Parquet file, computes the 2022 outcome, priority and benefit with
hand-written Polars expressions (the rules of ``rules/bsu-2022.yaml`` as fixed constants: no rule
file, no validation, no trace, no NIK pseudonyms, no one-NIK-one-payment) and writes Parquet, in
one lazy streaming query. ``--check`` prints how often its outcomes agree with a ``bsu-rules
batch`` output of the same file. A script, not a test.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
CUTOFF = "2022-07"
ARREARS = ("2022-06", "2022-05", "2022-04")  # the months due by AS_OF (the 15th of the next month), back
AS_OF, ON, YEAR = date(2022, 7, 31), date(2022, 9, 5), 2022
CEILING, ROUNDING, AMOUNT = 3_500_000, 100_000, 600_000
PROVINCES = ["11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36", "51",
             "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82", "91", "92",
             "93", "94", "95", "96"]


def ceilings() -> tuple[dict[str, int], list[str]]:
    """Area code (regency or province) -> the wage ceiling there, from the 2022 minimum-wage table;
    and the codes whose minimum is only a lower bound (a wage above their ceiling is undetermined)."""
    with (ROOT / "rules" / "tables" / "minimum-wage-2022.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    table = {r["area_code"]: Decimal(r["amount"]) for r in rows}
    return ({code: math.ceil(v / ROUNDING) * ROUNDING if v > CEILING else CEILING for code, v in table.items()},
            [r["area_code"] for r in rows if r["bound"] == "lower"])


def outcome() -> tuple[pl.Expr, pl.Expr]:
    """(outcome, priority) of the 2022 rules, as Polars expressions over the member columns."""
    nik, born = pl.col("nik"), pl.col("birth_date")
    day, month = nik.str.slice(6, 2).cast(pl.Int32, strict=False), nik.str.slice(8, 2).cast(pl.Int32, strict=False)
    nik_ok = (nik.str.contains(r"^[0-9]{16}$") & nik.str.slice(0, 2).is_in(PROVINCES)
              & (nik.str.slice(2, 2) != "00") & (nik.str.slice(12, 4) != "0000") & month.is_between(1, 12)
              & (day.is_between(1, 31) | day.is_between(41, 71)))
    yy = nik.str.slice(10, 2).cast(pl.Int32, strict=False)
    days = pl.when(month == 2).then(pl.when(yy % 4 == 0).then(29).otherwise(28)) \
        .when(month.is_in([4, 6, 9, 11])).then(30).otherwise(31)
    nik_ok = nik_ok & (day % 40 <= days)  # a day its month has: not 30 February
    nik_ok = nik_ok & (born.is_null() | (((day % 40) == born.dt.day()) & (month == born.dt.month())
                                         & (nik.str.slice(10, 2).cast(pl.Int32, strict=False) == born.dt.year() % 100)))
    period, paid_on = pl.element().struct.field("period"), pl.element().struct.field("paid_on")
    unpaid = paid_on.is_null() | (paid_on > AS_OF)
    contributions = pl.col("contributions")
    billed = contributions.list.eval((period == CUTOFF).any()).list.first()
    streak = pl.all_horizontal(contributions.list.eval(((period == m) & unpaid).any()).list.first()
                               for m in ARREARS)
    reported = period <= CUTOFF
    latest = pl.element().struct.field("amount").filter(reported).get(period.filter(reported).arg_max())
    wage = pl.col("wages").list.eval(latest).list.first()
    region = pl.col("work_regency_code")
    table, lower = ceilings()
    ceiling = region.replace_strict(table, default=region.str.slice(0, 2).replace_strict(table, default=CEILING),
                                    return_dtype=pl.Int64)
    over = (wage > CEILING) & (wage > ceiling)
    bound = region.is_in(lower) | (~region.is_in(list(table)) & region.str.slice(0, 2).is_in(lower))
    receipts = pl.col("program_receipts")
    program, year = pl.element().struct.field("program"), pl.element().struct.field("year")
    teacher = receipts.list.eval(((program == "BSU_TEACHER") & (year == YEAR)).any()).list.first()
    aid = receipts.list.eval((program.is_in(["PRAKERJA", "PKH", "BPUM"]) & (year == YEAR)).any()).list.first()
    kind = pl.col("employment_type")
    failed = ((pl.col("citizenship") != "WNI") | (pl.col("participant_category") != "PU") | ~nik_ok
              | (pl.col("registered_on") > AS_OF) | (pl.col("membership_ended_on") <= AS_OF)
              | (pl.col("deceased_on") <= ON) | (contributions.is_not_null() & (~billed | streak))
              | (over & ~bound) | kind.is_in(["pns", "tni", "polri"]) | teacher.fill_null(False))
    unknown = ((over & bound).fill_null(False) | pl.col("registered_on").is_null() | contributions.is_null()
               | wage.is_null() | kind.is_null() | receipts.is_null())
    decided = pl.when(failed.fill_null(False)).then(pl.lit("ineligible")).when(unknown).then(pl.lit("undetermined")) \
        .otherwise(pl.lit("eligible"))
    return decided, (~aid.fill_null(False)).cast(pl.Int32)


def run(input_path: str | Path, output_path: str | Path) -> int:
    """Read members, decide the 2022 outcome, write ``row, kpj, outcome, priority, benefit``; the rows written."""
    decided, priority = outcome()
    (pl.scan_parquet(input_path).with_row_index("row", offset=1)
     .select("row", "kpj", decided.alias("outcome"), priority.alias("priority"))
     .with_columns(benefit=pl.when(pl.col("outcome") == "eligible").then(pl.lit(AMOUNT, pl.Int64)))
     .sink_parquet(output_path))
    return pl.scan_parquet(output_path).select(pl.len()).collect().item()


def agreement(output_path: str | Path, decisions_path: str | Path) -> float:
    """The share of rows whose outcome is the same in this pipeline's output and a batch output."""
    ours = pl.scan_parquet(output_path).select("row", "outcome")
    theirs = pl.scan_parquet(decisions_path).select("row", pl.col("outcome").alias("batch"))
    joined = ours.join(theirs, on="row").select((pl.col("outcome") == pl.col("batch")).mean()).collect()
    return float(joined.item())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--check", metavar="DECISIONS", help="a bsu-rules batch output of the same input")
    args = ap.parse_args()
    started = time.perf_counter()
    rows = run(args.input, args.output)
    seconds = time.perf_counter() - started
    print(f"polars baseline: {rows:,} rows in {seconds:.2f} s ({rows / seconds:,.0f} rows/s)")
    if args.check:
        print(f"outcome agrees with {args.check} on {agreement(args.output, args.check):.3%} of rows")
    sys.exit(0)


if __name__ == "__main__":
    main()
