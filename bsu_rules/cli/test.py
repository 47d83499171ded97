"""``bsu-rules test``: run rule-author test cases (YAML), optionally with rule coverage."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bsu_rules.cli.exits import FAILED, OK, REJECTED
from bsu_rules.cli.options import percent, used
from bsu_rules.ruleset.diagnostics import Severity, render
from bsu_rules.testing.coverage import measure
from bsu_rules.testing.runner import run_paths


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "test", help="run rule-author test cases (YAML files with a top-level `cases:` key)")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="test files, folders to search (e.g. rules/), or bundled ids such as bsu-2022 (their cases)")
    p.add_argument("--coverage", action="store_true", help="report which sides of each rule the cases reach")
    p.add_argument("--fail-under", type=percent, metavar="PERCENT", help="fail if rule coverage is below PERCENT")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("-k", dest="keyword", metavar="SUBSTRING", help="only cases whose name contains SUBSTRING")
    p.add_argument("--lang", choices=("id", "en"), default="en", help="language of explanations")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    report = run_paths(args.paths, args.keyword, args.lang)
    coverage = measure(report.rulesets, report.results) if args.coverage or args.fail_under is not None else None
    under = coverage is not None and args.fail_under is not None and coverage.percent < args.fail_under
    if args.format == "json":
        errors = sum(d.severity == Severity.ERROR for d in report.diagnostics)
        print(json.dumps({
            "passed": report.passed, "failed": report.failed, "not_run": report.not_run, "unread": report.unread,
            "errors": errors,
            "rulesets": [{"id": r.id, "version": r.version, "path": str(r.path), "sha256": r.sha256}
                         for r in report.rulesets],
            "diagnostics": json.loads(render(report.diagnostics, "json")),
            "cases": [r.to_dict() for r in report.results],
            "coverage": coverage.to_dict() if coverage else None,
            "fail_under": args.fail_under,
        }, ensure_ascii=False, indent=2))
    else:
        if report.diagnostics:
            print(render(report.diagnostics))
        for result in report.results:
            if not result.passed:
                print(result.summary())
        for ruleset in report.rulesets:
            print(used(ruleset))
        print(report.summary())
        if coverage is not None and args.coverage:
            print()
            print(coverage.table())
        if under and coverage is not None:
            shown = next(f"{coverage.percent:.{n}f}" for n in (1, 2, 4, 8, 17)  # 38.46, never "38.5% under 38.5%"
                         if float(f"{coverage.percent:.{n}f}") < args.fail_under or n == 17)
            print(f"rule coverage {shown}% is under --fail-under {args.fail_under:g}%")
    if report.unfound:
        return FAILED
    if args.keyword is not None and not report.results and not report.not_run:  # a mistyped filter tests nothing
        print(f"bsu-rules: no case's name contains `{args.keyword}`: nothing was tested", file=sys.stderr)
        return FAILED
    return OK if report.ok and not under else REJECTED
