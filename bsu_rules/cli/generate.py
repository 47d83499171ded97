"""``bsu-rules generate``: a synthetic member file for trying and measuring the batch path."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from bsu_rules.batch.guard import among_rules
from bsu_rules.cli.batch import Progress, at_most, missing_extra
from bsu_rules.members.redact import shortened


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "generate", help="write a synthetic member population (Parquet, JSONL or CSV)",
        description="Write a realistic, fictional member population, the same for the same --n and --seed. "
                    "From 200 members on, some rows are deliberately malformed (each kind of fault at least once, "
                    "a few per 100,000 in a large file; none below 200) unless --no-malformed. The file appears at "
                    "--out only when it is complete. The members are those of the 2022 edition: wages and "
                    "contributions up to July 2022, its cut-off month (bsu-2022); under another edition none has "
                    "the contribution its cut-off month needs.")
    p.add_argument("--n", type=members, required=True, help=f"number of members (at most {MAX_MEMBERS:,})")
    p.add_argument("--seed", type=seed, default=1, help="random seed, a whole number of 0 or more (default 1)")
    p.add_argument("--out", required=True, help="file to write: .parquet, .jsonl or .csv")
    p.add_argument("--no-malformed", action="store_true", help="only rows that follow the member contract")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(run=run)


MAX_MEMBERS = 100_000_000
"""The most members one file is written with: ten times the largest the docs measure, and a bound
on a mistyped ``--n`` that would run for days."""


def members(text: str) -> int:
    """A ``--n``: a positive whole number, at most ``MAX_MEMBERS``."""
    return at_most(text, MAX_MEMBERS, "members (the most one file is written with)")


def seed(text: str) -> int:
    """A ``--seed``: a whole number of 0 or more (what numpy seeds a generator with)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{shortened(text)!r} is not a whole number of 0 or more")
    return value


def run(args: argparse.Namespace) -> int:
    try:
        from bsu_rules.batch.generate import write_population  # lazy: the generate extra
    except ImportError as exc:
        return missing_extra("generate", exc)
    if (held := among_rules(args.out)) is not None:
        print(f"bsu-rules: --out: {args.out} {held}; give the output another path", file=sys.stderr)
        return 2
    started = time.monotonic()
    progress = None if args.quiet else Progress(args.n, "rows", "bsu-rules generate", doing="written")
    try:
        faults = write_population(args.out, args.n, args.seed, malformed=not args.no_malformed, progress=progress)
    except ValueError as exc:
        print(f"bsu-rules: {exc}", file=sys.stderr)
        return 2
    finally:
        if progress is not None:
            progress.close()
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(faults.items())) or "none"
    print(f"wrote {args.n} members to {args.out} in {time.monotonic() - started:.1f} s "
          f"(malformed rows: {sum(faults.values())}: {kinds})")
    return 0
