"""``bsu-rules diff``: what changed between two rule files (or one at two dates), and whom it affects."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bsu_rules.cli.batch import EVERY
from bsu_rules.cli.options import count, day, load, positive_int, solver_timeout
from bsu_rules.cli.prove import add_witness_nik_option, shown_members
from bsu_rules.diff import SECTIONS, compare, decision_dates, flips
from bsu_rules.diff_text import render_text
from bsu_rules.errors import InputError
from bsu_rules.members.files import read_records
from bsu_rules.testing.cases import load_file
from bsu_rules.testing.rulesets import RuleSets


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "diff", help="compare two rule files, or one at two dates, and the decisions they give",
        description="Compare OLD and NEW (paths or bundled ids; give the same file twice with --old-on and "
                    "--new-on to compare two dates). Exit status: 0 no difference, 1 differences or a "
                    "--members record rejected.")
    p.add_argument("old", metavar="OLD", help="a rule file path or a bundled id such as bsu-2021")
    p.add_argument("new", metavar="NEW", help="a rule file path or a bundled id")
    p.add_argument("--on", type=day, metavar="DATE",
                   help="decision date for both sides (default: for two versions of one edition, the later of "
                        "their latest dates, for both; for two editions, the latest date each describes)")
    p.add_argument("--old-on", "--on-old", type=day, metavar="DATE", help="decision date for OLD (overrides --on)")
    p.add_argument("--new-on", "--on-new", type=day, metavar="DATE", help="decision date for NEW (overrides --on)")
    p.add_argument("--members", metavar="FILE", help="member records (JSON or JSONL) to decide under both sides, "
                   "or a rule-author test file (YAML): the member of each of its cases")
    p.add_argument("--examples", type=count, default=3, metavar="N", help="example records per flip (default 3)")
    p.add_argument("--symbolic", action="store_true",
                   help="also find, for every possible member, the regions where the two decide differently "
                        "(needs the prove extra)")
    p.add_argument("--write-tests", metavar="FILE",
                   help="with --symbolic: write each region's witness as a rule-author test case of NEW to FILE "
                        "(and of OLD to FILE with .old before the suffix)")
    p.add_argument("--limit", type=positive_int, default=40, metavar="N", help="with --symbolic: at most N regions")
    p.add_argument("--timeout", type=solver_timeout, default=60_000, metavar="SECONDS",
                   help="with --symbolic: per solver call, 0.001 to 86400 (default 60)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    add_witness_nik_option(p, "with --symbolic: print each witness's NIK (--write-tests keeps it whole)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.write_tests and not args.symbolic:
        raise InputError([("--write-tests", "needs --symbolic")])
    old, new = load(args.old), load(args.new)
    old_on, new_on = decision_dates(old, new, args.old_on or args.on, args.new_on or args.on)
    report = compare(old, new, old_on, new_on)
    if args.members:
        records = _cases(args.members) if args.members.endswith((".yaml", ".yml")) else \
            read_records([args.members], tabular=f"to compare the rule sets over it: {_impact(args)}")
        report["members"] = flips(old, new, records, old_on, new_on, max(0, args.examples))
        report["members"]["file"] = args.members
    if args.symbolic:
        report["symbolic"] = _symbolic(args, old, new, old_on, new_on)
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print("\n".join(render_text(report)))
    changed = any(report[k] for k in SECTIONS)
    regions = args.symbolic and report["symbolic"]["regions"]
    moved = args.members and any(report["members"][k] for k in ("flips", "channels", "amounts", "instalments",
                                                                 "reviews", "rejected"))
    return 1 if changed or regions or moved else 0


def _symbolic(args: argparse.Namespace, old: Any, new: Any, old_on: Any, new_on: Any) -> dict[str, Any]:
    try:
        from bsu_rules.prove.regions import SymbolicDiff  # lazy: the prove extra (z3)
        from bsu_rules.prove.tests import WRITTEN, reference, write  # lazy: the prove extra (z3)
    except ImportError:
        raise InputError([("--symbolic", "needs z3-solver: pip install '.[prove]' in the project's folder")]) from None
    path = Path(args.write_tests) if args.write_tests else None
    old_path = None if path is None else path.with_name(f"{path.stem}.old{path.suffix or '.yaml'}")

    def writable() -> None:
        """Refuse a path a run of this did not write (before a search of minutes, and again before writing)."""
        for target in (path, old_path):  # written over only when a run of this wrote it
            if target is not None and target.exists() and (
                    not target.is_file() or not target.read_bytes().startswith(WRITTEN.encode())):
                raise InputError([("--write-tests", f"{target} exists and was not written by --write-tests: give "
                                                    "the witnesses a path of their own")])
        if path is not None and old_path is not None:
            reference(new, path), reference(old, old_path)  # both can be named, or neither file is written

    writable()
    diff = SymbolicDiff(old, new, old_on, new_on, timeout=args.timeout)
    with _Searching(max(1, args.limit)) as searching:
        regions, complete, seconds = diff.regions(max(1, args.limit), searching.found)
    shown = [r.as_json() for r in regions]
    for r in shown if not args.full_nik else ():  # made up, yet maybe a real person's: whole in --write-tests
        if r.get("witness"):
            (r["witness"],) = shown_members([r["witness"]], False)
    out: dict[str, Any] = {"regions": shown, "complete": complete, "seconds": seconds}
    if path is not None and old_path is not None:
        writable()
        out["tests"] = {str(path): write(path, new, diff.sides[1].on, old, regions, 1),
                        str(old_path): write(old_path, old, diff.sides[0].on, new, regions, 0)}
    return out


class _Searching:
    """While the solver searches (a minute or more for two editions), a line on stderr every ``EVERY``
    seconds: how many regions it has found so far, and for how long it has searched."""

    def __init__(self, limit: int) -> None:
        self.limit, self.count, self.start = limit, 0, time.monotonic()
        self.stop = threading.Event()
        self.timer = threading.Thread(target=self._say, name="bsu-progress", daemon=True)

    def found(self, count: int) -> None:
        self.count = count

    def _say(self) -> None:
        while not self.stop.wait(EVERY):
            print(f"bsu-rules diff --symbolic: {self.count} of at most {self.limit} regions found, "
                  f"{time.monotonic() - self.start:.0f} s", file=sys.stderr, flush=True)

    def __enter__(self) -> _Searching:
        self.timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.timer.join()


def _impact(args: argparse.Namespace) -> str:
    """The ``impact`` command that compares NEW with OLD over the member file (Parquet or CSV)."""
    words = ["bsu-rules", "impact", args.new, args.members, "--against", args.old]
    for option, given in (("--on", args.new_on or args.on), ("--against-on", args.old_on or args.on)):
        words += [option, given.isoformat()] if given else []
    return shlex.join([*words, "--out", "impact.html"])


def _cases(path: str) -> Iterator[tuple[int | str, Any]]:
    """The members of a rule-author test file's cases, labelled by case name."""
    loaded = load_file(Path(path), RuleSets())
    problems = [d for c in loaded.cases for d in c.diagnostics] + list(loaded.diagnostics)
    if any(c.member is None for c in loaded.cases) or not loaded.cases:
        raise InputError([(path, "; ".join(str(d) for d in problems) or "no cases")])
    for case in loaded.cases:
        yield case.name, case.member
