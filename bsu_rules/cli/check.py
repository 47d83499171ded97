"""``bsu-rules check``: diagnostics for rule files (errors and warnings)."""

from __future__ import annotations

import argparse
import glob
import json
from pathlib import Path
from typing import Any

from bsu_rules.cli.exits import FAILED, OK, REJECTED
from bsu_rules.cli.options import used
from bsu_rules.errors import Code
from bsu_rules.formatting import counted
from bsu_rules.ruleset.diagnostics import Diagnostic, Severity, render
from bsu_rules.ruleset.editions import edition_of, gaps, overlapping, same_id
from bsu_rules.ruleset.files import leads_out, outside, scan
from bsu_rules.ruleset.loader import check_file
from bsu_rules.ruleset.model import RuleSet

RULE_FILES = ("*.yaml", "*.yml")


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("check", help="check rule files and print diagnostics")
    p.add_argument("rulesets", nargs="+", metavar="RULESET",
                   help="rule files, folders of them (e.g. rules/), globs, or bundled ids such as bsu-2022")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def expand(names: list[str]) -> tuple[list[str], list[Diagnostic]]:
    """Folders become the rule files directly in them, each link leading out of the folder an error
    instead (never read); a glob the shell left alone is expanded."""
    out: list[str] = []
    refused: list[Diagnostic] = []
    for name in names:
        if Path(name).is_dir():
            inside, links = scan(Path(name), RULE_FILES)
            out += [str(p) for p in inside] or ([] if links else [name])
            refused += [Diagnostic(str(p), 1, 1, Code.FILE, f"the rule file {leads_out(name)}") for p in links]
        elif not Path(name).exists() and glob.has_magic(name):  # a folder listed, as above
            found = sorted(glob.glob(name))
            links = [Path(p) for p in found if outside(Path(p), Path(p).parent)]
            out += [p for p in found if Path(p) not in links] or ([] if links else [name])
            refused += [Diagnostic(str(p), 1, 1, Code.FILE, f"the rule file {leads_out(p.parent)}") for p in links]
        else:
            out.append(name)
    return out, refused


def check_one(name: str) -> tuple[RuleSet | None, list[Diagnostic]]:
    """The diagnostics of one rule file; a test file, a table or a folder is told apart from it."""
    path = Path(name)
    problem = None
    if path.is_dir():
        problem = f"no rule files (*.yaml) in folder `{name}`"
    elif path.suffix.lower() in (".csv", ".tsv"):
        problem = (f"`{name}` is a table, not a rule file: a table is checked with the rule file that names it "
                   "under `tables:` (bsu-rules check <rule file>)")
    if problem is not None:
        return None, [Diagnostic(name, 1, 1, Code.NOT_A_RULE_FILE, problem)]
    return check_file(name)


def run(args: argparse.Namespace) -> int:
    checked, missing, empty, unloaded = [], 0, 0, []
    names, refused = expand(args.rulesets)
    found = list(refused)
    for name in names:
        ruleset, diagnostics = check_one(name)
        found.extend(diagnostics)
        if ruleset is not None:
            checked.append(ruleset)
        elif Path(name).is_file() and (edition := edition_of(Path(name))) is not None:  # its window, for gaps
            unloaded.append((*edition, name))
        missing += any(d.code == Code.FILE_NOT_FOUND for d in diagnostics)
        empty += Path(name).is_dir()  # after expand(): a folder without rule files
    nothing = missing + empty == len(names) and not refused
    found += same_id(checked) + overlapping(checked) + gaps(checked, unloaded)
    found = list({(d.file, d.line, d.column, d.code, d.message): d for d in found}.values())  # a glossary's mistake
    errors = sum(d.severity == Severity.ERROR for d in found)  # is one, however many rule files read the glossary
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
        files = counted(len(names) + len(refused), "file")
        print("nothing was checked: no rule file at the names given" if nothing else
              f"{files}: {counted(errors, 'error')}, {counted(warnings, 'warning')}")
    if missing or nothing:  # a name given is no file, or nothing could be checked: not a finding in a rule file
        return FAILED
    return REJECTED if errors else OK
