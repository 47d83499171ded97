"""How long the proofs take (a script, not a test).

    python benchmarks/prove.py [--diff bsu-2021 bsu-2022]

Prints, per bundled edition, the time to build the encoding and to prove every built-in and
authored property (slowest first), then the time of the symbolic diff and its region count.
"""

from __future__ import annotations

import argparse
import time

from bsu_rules.prove import Prover
from bsu_rules.prove.authored import check, load, path_for
from bsu_rules.prove.regions import SymbolicDiff
from bsu_rules.ruleset.loader import load_ruleset

EDITIONS = ("bsu-2020", "bsu-2021", "bsu-2022", "bsu-2025")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--diff", nargs=2, default=["bsu-2021", "bsu-2022"], metavar=("OLD", "NEW"))
    args = parser.parse_args()
    for edition in EDITIONS:
        ruleset = load_ruleset(edition)
        start = time.perf_counter()
        props = load(path_for(ruleset), ruleset) if path_for(ruleset).exists() else []
        prover = Prover(ruleset, extra=[p.tree for p in props])
        built = time.perf_counter() - start
        verdicts = [*prover.builtin(), *(check(prover, p) for p in props)]
        total = time.perf_counter() - start
        proved = sum(v.status == "proved" for v in verdicts)
        slow = ", ".join(f"{v.name} {v.seconds:.2f}s" for v in sorted(verdicts, key=lambda v: -v.seconds)[:3])
        print(f"{edition}: {proved}/{len(verdicts)} proved, encoding {built:.2f}s, total {total:.2f}s "
              f"(slowest: {slow})")
    start = time.perf_counter()
    regions, complete, _ = SymbolicDiff(load_ruleset(args.diff[0]), load_ruleset(args.diff[1])).regions()
    confirmed = sum(r.confirmed for r in regions)
    print(f"diff --symbolic {args.diff[0]} {args.diff[1]}: {len(regions)} regions ({confirmed} with a confirmed "
          f"witness, {'complete' if complete else 'stopped at the limit'}) in {time.perf_counter() - start:.2f}s")


if __name__ == "__main__":
    main()
