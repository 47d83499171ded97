"""Catalogue functions over member histories, timed per call (a script, not a test).

    python benchmarks/facts.py [--n 20000] [--repeat 5]

Members come from the batch generator (``bsu_rules.batch.generate``, the ``batch`` extra); each
history function is called as the 2022 edition calls it (cut-off month 2022-07, as of
2022-07-31, due day 15, fiscal year 2022). Prints the best of ``--repeat`` runs in microseconds
per call, CPU time, one core; then every derived fact of the 2022 edition per member
(``Plan.fact_values``, the facts the scalar evaluator computes before the conditions).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import bsu_rules
from bsu_rules.batch.generate import block
from bsu_rules.catalogue import FUNCTIONS
from bsu_rules.members import Member, parse_member

CALLS: dict[str, Callable[[Member], tuple[Any, ...]]] = {
    "last_wage": lambda m: (m.wages, "2022-07"),
    "contribution_billed": lambda m: (m.contributions, "2022-07"),
    "arrears_streak": lambda m: (m.contributions, "2022-07", date(2022, 7, 31), 15),
    "received": lambda m: (m.program_receipts, ["PRAKERJA", "PKH", "BPUM"], 2022),
    "round_up": lambda m: (Decimal("4416186.548"), 100_000),
    "add_months": lambda m: ("2022-07", -2),
    "month_end": lambda m: ("2022-07",),
}


def members(n: int) -> list[Member]:
    out = []
    for record in block(n, seed=11, malformed=False)[0].to_pylist():
        try:
            out.append(parse_member(record))
        except ValueError:
            continue
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    population = members(args.n)
    print(f"{len(population):,} generated members, best of {args.repeat}, CPU time, one core")
    print(f"{'function':<22}{'us/call':>10}")
    for name, arguments in CALLS.items():
        impl = FUNCTIONS[name].impl
        calls = [arguments(m) for m in population]
        best = min(_run(impl, calls) for _ in range(args.repeat))
        print(f"{name:<22}{best / len(calls) * 1e6:>10.2f}")
    plan = bsu_rules.load_ruleset("bsu-2022").plan()
    best = min(_run(plan.fact_values, [(m,) for m in population]) for _ in range(args.repeat))
    print(f"{'all 2022 facts':<22}{best / len(population) * 1e6:>10.2f}  (per member)")


def _run(impl: Callable[..., Any], calls: list[tuple[Any, ...]]) -> float:
    start = time.process_time()
    for a in calls:
        impl(*a)
    return time.process_time() - start


if __name__ == "__main__":
    main()
