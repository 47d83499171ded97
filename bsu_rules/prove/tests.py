"""Witnesses of a symbolic diff as rule-author test cases (the format of rules/tests/)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bsu_rules.prove.regions import Region
from bsu_rules.prove.verdict import jsonable
from bsu_rules.ruleset.loader import bundled_rules
from bsu_rules.ruleset.model import RuleSet


def reference(ruleset: RuleSet, test_file: Path) -> str:
    """The bundled id when the file is the bundled one, else a path relative to the test file."""
    bundled = bundled_rules() / f"{ruleset.id}.yaml"
    if bundled.exists() and bundled.resolve() == ruleset.path.resolve():
        return ruleset.id
    return os.path.relpath(ruleset.path.resolve(), test_file.resolve().parent)


def write(path: Path, ruleset: RuleSet, on: Any, other: RuleSet, regions: list[Region], side: int) -> int:
    """Write one test file for ``ruleset`` (side 0: the old rule set, 1: the new); the number of cases."""
    cases = []
    for r in regions:
        if not r.confirmed or r.witness is None:
            continue
        outcome = r.new if side else r.old
        rules = {rule: (b if side else a) for rule, a, b in r.criteria
                 if any(c.rule.id == rule for c in ruleset.rules)}
        cases.append({"name": f"{r.words()} (witness of bsu-rules diff --symbolic against {other.id})",
                      "member": jsonable(r.witness), "on": on,
                      "expect": {"outcome": outcome, "rules": rules}})
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None
    yaml.width = 120
    out = io.StringIO()
    out.write(f"# Written by `bsu-rules diff --symbolic --write-tests`: one case per region where {other.id}\n"
              f"# and {ruleset.id} decide differently, expecting what {ruleset.id} decides.\n")
    yaml.dump({"ruleset": reference(ruleset, path), "cases": cases}, out)
    path.write_text(out.getvalue(), "utf-8")
    return len(cases)
