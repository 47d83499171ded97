"""Scalar evaluator throughput on generated members (a script, not a test).

    python benchmarks/scalar.py [--n 200000] [--ruleset bsu-2022]

Prints decisions per second for (1) a validated record -> Decision with full trace, and
(2) a JSON line -> decision JSON line (validation, decision, canonical JSON), plus peak memory.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import random
import resource
import time
from pathlib import Path
from typing import Any

import bsu_rules
from bsu_rules.members import Member, parse_member

ROOT = Path(__file__).resolve().parents[1]
REGIONS = ["3204", "3215", "3171", "3275", "3374", "1171", "3578", "3201"]


def generate(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """Members varied from the bundled examples (wages, regions); about 4 in 5 start from an eligible one,
    as in the 2022 screening (12,1 M paid of 14,6 M screened)."""
    rng = random.Random(seed)
    bases = [json.loads(line) for line in (ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines()]
    picks = (0, 1, 2, 7, 14)  # eligible examples (examples/README.md)
    eligible, other = [bases[i] for i in picks], [b for i, b in enumerate(bases) if i not in picks]
    out = []
    for _ in range(n):
        record = copy.deepcopy(rng.choice(eligible if rng.random() < 0.8 else other))
        if record.get("wages"):
            record["wages"][-1]["amount"] = int(rng.lognormvariate(14.9, 0.2)) // 1000 * 1000
        if rng.random() < 0.5:
            region = rng.choice(REGIONS)
            record["work_regency_code"] = region
        out.append(record)
    return out


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:>12,.0f} decisions/s  ({seconds:.2f} s for {n:,})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--ruleset", default="bsu-2022")
    args = ap.parse_args()
    rs = bsu_rules.load_ruleset(args.ruleset)
    plan = rs.plan()
    records = generate(args.n)
    lines = [json.dumps(r) for r in records]
    members: list[Member] = [parse_member(r) for r in records]
    gc.collect()
    gc.freeze()

    start = time.process_time()
    for m in members:
        plan.decide(m)
    traced = time.process_time() - start

    start = time.process_time()
    for line in lines:
        plan.decide(Member.model_validate_json(line)).to_json()
    end_to_end = time.process_time() - start

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    decided = [plan.decide(m).outcome.value for m in members[:10_000]]
    mix = ", ".join(f"{k} {decided.count(k) / len(decided):.0%}" for k in sorted(set(decided)))
    print(f"rule set {rs.id} {rs.version} ({len(plan.rules)} rules in force), {args.n:,} members ({mix}), "
          "one core, CPU time")
    print(f"validated record -> Decision (full trace):  {rate(args.n, traced)}")
    print(f"JSON line -> decision JSON line:            {rate(args.n, end_to_end)}")
    print(f"peak memory (max RSS):                      {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
