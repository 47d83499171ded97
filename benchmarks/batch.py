"""Batch screening throughput and memory on generated members (a script, not a test).

    python benchmarks/batch.py [--quick] [--e2e N]

Each measurement runs in its own process so that its peak RSS is its own. Printed:
- the columnar evaluator on ready Arrow columns (1M and 5M members, chunks of 250k), and the
  whole per-chunk function ``decide_batch`` (validation, decision, NIK keys, record hashes);
- the scalar evaluator behind the same API on a 100k subset (rate extrapolated);
- a hand-written plain-Python function of the same 2022 rules on the same 100k rows (dicts), with
  its agreement with the columnar outcomes;
- with ``--e2e N``: ``bsu-rules generate`` then ``bsu-rules batch`` on an N-member Parquet file.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHUNK = 250_000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def members(n: int, seed: int) -> Any:
    """A clean generated population as one Arrow table (generation is not timed)."""
    import pyarrow as pa

    from bsu_rules.batch.generate import BLOCK, block

    return pa.concat_tables([block(min(BLOCK, n - k * BLOCK), seed, k, malformed=False)[0]
                             for k in range(math.ceil(n / BLOCK))])


def case(name: str, n: int, seed: int) -> dict[str, Any]:
    """One measurement, in this process."""
    from bsu_rules.batch.run import decide_batch, load_plan, table_plan

    plan = load_plan("bsu-2022", None)
    table = members(n, seed)
    before = peak_mb()
    if name in ("columnar", "decide_batch"):
        engine = table_plan(plan, "columnar")
        decide_batch(plan, None, table.slice(0, 1000), "columnar")  # warm up: one-time costs are not rates
        started = time.perf_counter()
        for offset in range(0, n, CHUNK):
            chunk = table.slice(offset, CHUNK)
            engine.decide(chunk) if name == "columnar" else decide_batch(plan, None, chunk, "columnar")
        seconds = time.perf_counter() - started
    elif name == "scalar":
        engine = table_plan(plan, "scalar")
        started = time.perf_counter()
        engine.decide(table)
        seconds = time.perf_counter() - started
    else:
        rows = table.to_pylist()
        baseline = Baseline()
        started = time.perf_counter()
        outcomes = [baseline.decide(r) for r in rows]
        seconds = time.perf_counter() - started
        expected = table_plan(plan, "columnar").decide(table)["outcome"].to_pylist()
        agree = sum(a == b for a, b in zip(outcomes, expected, strict=True)) / n
        return {"n": n, "seconds": seconds, "rss_before": before, "rss_peak": peak_mb(), "agree": agree}
    return {"n": n, "seconds": seconds, "rss_before": before, "rss_peak": peak_mb()}


class Baseline:
    """The 2022 rules written by hand in plain Python over row dicts (no trace, no explanation)."""

    def __init__(self) -> None:
        import csv

        from bsu_rules.batch.generate import REGIONS

        table = {r["area_code"]: Decimal(r["amount"])
                 for r in csv.DictReader((ROOT / "rules" / "tables" / "minimum-wage-2022.csv").open())}
        self.ceiling: dict[str, int] = {}
        for code in {r[0] for r in REGIONS}:
            minimum = table.get(code, table.get(code[:2], Decimal(0)))
            self.ceiling[code] = math.ceil(minimum / 100_000) * 100_000 if minimum > 3_500_000 else 3_500_000
        self.cutoff, self.as_of, self.on = "2022-07", date(2022, 7, 31), date(2022, 9, 5)

    def decide(self, m: dict[str, Any]) -> str:
        unknown = False
        if m["citizenship"] != "WNI" or m["participant_category"] != "PU" or not _nik_ok(m["nik"], m["birth_date"]):
            return "ineligible"
        if m["registered_on"] is None:
            unknown = True
        elif m["registered_on"] > self.as_of:
            return "ineligible"
        if (m["membership_ended_on"] and m["membership_ended_on"] <= self.as_of) or \
                (m["deceased_on"] and m["deceased_on"] <= self.on):
            return "ineligible"
        contributions = m["contributions"]
        if contributions is None:
            unknown = True
        else:
            paid: dict[str, bool] = {}
            for c in contributions:
                paid[c["period"]] = paid.get(c["period"], False) or bool(c["paid_on"] and c["paid_on"] <= self.as_of)
            if self.cutoff not in paid:
                return "ineligible"
            streak, month = 0, self.cutoff
            while month in paid and not paid[month]:
                streak += 1
                y, mo = int(month[:4]), int(month[5:])
                month = f"{y - (mo == 1)}-{12 if mo == 1 else mo - 1:02d}"
            if streak > 2:
                return "ineligible"
        wages = m["wages"]
        reported = [w for w in wages if w["period"] <= self.cutoff] if wages is not None else None
        if reported is None or not reported:
            unknown = True
        else:
            wage = max(reported, key=lambda w: w["period"])["amount"]
            if wage > 3_500_000 and wage > self.ceiling.get(m["work_regency_code"], 3_500_000):
                return "ineligible"
        kind = m["employment_type"]
        if kind in ("pns", "tni", "polri"):
            return "ineligible"
        receipts = m["program_receipts"]
        if receipts is not None and any(r["program"] == "BSU_TEACHER" and r["year"] == 2022 for r in receipts):
            return "ineligible"
        if kind is None or receipts is None:
            unknown = True
        return "undetermined" if unknown else "eligible"


def _nik_ok(nik: str, born: date | None) -> bool:
    day, month = int(nik[6:8]), int(nik[8:10])
    if nik[:2] not in PROVINCES or nik[2:4] == "00" or nik[12:] == "0000" or not 1 <= month <= 12 \
            or not (1 <= day <= 31 or 41 <= day <= 71):
        return False
    return born is None or (day - 40 if day > 40 else day, month, int(nik[10:12])) == \
        (born.day, born.month, born.year % 100)


PROVINCES = {"11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36", "51",
             "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82", "91", "92",
             "93", "94", "95", "96"}


def run_case(name: str, n: int, seed: int) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--case", name, "--n", str(n), "--seed", str(seed)],
                         capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def measure(command: list[str]) -> dict[str, Any]:
    """Run a command as a child of this (fresh) process: wall time, its peak RSS, its last line."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    lines = (done.stdout.strip() or done.stderr.strip()).splitlines()
    return {"seconds": time.perf_counter() - started, "code": done.returncode, "last": lines[-1] if lines else "",
            "rss_peak": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def e2e(n: int, folder: Path) -> list[str]:
    """generate + batch on an n-member Parquet file, as a user would run them."""
    folder.mkdir(parents=True, exist_ok=True)
    source, output = folder / f"members-{n}.parquet", folder / f"decisions-{n}.parquet"
    lines = []
    for args in (["generate", "--n", str(n), "--seed", "1", "--out", str(source)],
                 ["batch", "bsu-2022", str(source), "--out", str(output), "--quiet"]):
        out = subprocess.run([sys.executable, __file__, "--measure", sys.executable, "-m", "bsu_rules", *args],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        lines.append(f"  bsu-rules {args[0]:<9} {r['seconds']:8.1f} s  peak RSS {r['rss_peak']:8,.0f} MB"
                     f"  exit {r['code']}  | {r['last']}")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    ap.add_argument("--e2e", type=int, metavar="N", help="also generate and batch an N-member Parquet file")
    ap.add_argument("--folder", default="/tmp", help="where --e2e writes its files (default /tmp)")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--measure", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    if args.case:
        print(json.dumps(case(args.case, args.n, args.seed)))
        return
    sizes, subset = ((20_000, 50_000), 5_000) if args.quick else ((1_000_000, 5_000_000), 100_000)
    show: Callable[[str, int, dict[str, Any], str], str] = lambda label, n, r, note: (
        f"{label:<34} {n:>10,} {n / r['seconds']:>14,.0f} {r['seconds']:>9.2f} "
        f"{r['rss_before']:>10,.0f} {r['rss_peak']:>10,.0f}  {note}")
    print(f"{'engine':<34} {'members':>10} {'decisions/s':>14} {'seconds':>9} {'RSS data':>10} {'RSS peak':>10}")
    for n in sizes:
        print(show("columnar (ready Arrow columns)", n, run_case("columnar", n, 1), ""), flush=True)
        print(show("decide_batch (validate+decide+keys)", n, run_case("decide_batch", n, 1), ""), flush=True)
    scalar = run_case("scalar", subset, 1)
    extrapolated = ", ".join(f"{m:,}: {m / (subset / scalar['seconds']):,.0f} s" for m in sizes)
    print(show("scalar (Plan.decide per row)", subset, scalar, f"extrapolated {extrapolated}"), flush=True)
    base = run_case("baseline", subset, 1)
    print(show("plain Python, hand-written rules", subset, base, f"agrees with columnar on {base['agree']:.2%}"))
    print("RSS data: after the members are in memory; RSS peak: the process's maximum (MB).")
    if args.e2e:
        print(f"\nend to end, {args.e2e:,} members (Parquet):")
        print("\n".join(e2e(args.e2e, Path(args.folder))))


if __name__ == "__main__":
    main()
