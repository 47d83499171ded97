"""``bsu-rules check``: diagnostics for rule files (errors and warnings)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from bsu_rules.cli.options import used
from bsu_rules.ruleset.diagnostics import Severity, render
from bsu_rules.ruleset.loader import check_file


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("check", help="check rule files and print diagnostics")
    p.add_argument("rulesets", nargs="+", metavar="RULESET")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    found, checked = [], []
    for name in args.rulesets:
        ruleset, diagnostics = check_file(name)
        found.extend(diagnostics)
        if ruleset is not None:
            checked.append(ruleset)
    errors = sum(d.severity == Severity.ERROR for d in found)
    warnings = len(found) - errors
    if args.format == "json":
        print(json.dumps({"errors": errors, "warnings": warnings,
                          "rulesets": [{"id": r.id, "version": r.version, "path": str(r.path), "sha256": r.sha256}
                                       for r in checked],
                          "diagnostics": json.loads(render(found, "json"))}, ensure_ascii=False, indent=2))
    else:
        if found:
            print(render(found))
        for ruleset in checked:
            print(used(ruleset))
        print(f"{len(args.rulesets)} file(s): {errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0
