"""``bsu-rules check``: diagnostics for rule files (errors and warnings)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from bsu_rules.ruleset.diagnostics import Severity, render
from bsu_rules.ruleset.loader import check_file


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("check", help="check rule files and print diagnostics")
    p.add_argument("rulesets", nargs="+", metavar="RULESET")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    found = []
    for name in args.rulesets:
        _, diagnostics = check_file(name)
        found.extend(diagnostics)
    errors = sum(d.severity == Severity.ERROR for d in found)
    warnings = len(found) - errors
    if args.format == "json":
        print(json.dumps({"errors": errors, "warnings": warnings,
                          "diagnostics": json.loads(render(found, "json"))}, ensure_ascii=False, indent=2))
    else:
        if found:
            print(render(found))
        print(f"{len(args.rulesets)} file(s): {errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0
