"""Witnesses of a symbolic diff as rule-author test cases (the format of rules/tests/)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bsu_rules.errors import BsuRulesError, InputError
from bsu_rules.prove.regions import Region
from bsu_rules.prove.verdict import jsonable
from bsu_rules.ruleset.loader import bundled_rules, load_ruleset
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.testing.rulesets import beside, confined

WRITTEN = "# Written by `bsu-rules diff --symbolic --write-tests`"
"""How a witnesses file begins: ``--write-tests`` writes over such a file only."""


def reference(ruleset: RuleSet, test_file: Path) -> str:
    """How a test file at ``test_file`` names ``ruleset``: its bundled id when it is the bundled file, else
    its path from the test file's folder, which must be that folder or the one above it (where a test
    file's ``ruleset:`` is looked for). InputError when neither names it: the id would find a rule file
    of that name beside the test file first, or the path lies elsewhere."""
    bundled = bundled_rules() / f"{ruleset.id}.yaml"
    if bundled.exists() and bundled.resolve() == ruleset.path.resolve():
        found = beside(ruleset.id, test_file)
        if found is None or found.resolve() == bundled.resolve() or _sha256(found) == ruleset.sha256:
            return ruleset.id
        why = f"{found} is another rule set of that name, which the id would find first (give that copy a " \
            f"name of its own, such as {ruleset.id}-whatif.yaml)"
    else:
        relative = os.path.relpath(ruleset.path.resolve(), test_file.resolve().parent)
        if confined(relative, test_file) is not None:
            return relative
        why = f"a test file names a rule file in its own folder or the one above only, and {ruleset.path} is not"
    raise InputError([("--write-tests", f"{test_file} cannot name {ruleset.id} [{ruleset.sha256[:12]}]: {why}; "
                                        "nothing was written")])


def _sha256(rule_file: Path) -> str | None:
    """The sha256 of the rule set a file holds (None: it holds none that loads): a copy of a bundled
    rule set, tables alike, is the same rule set wherever it lies."""
    try:
        return load_ruleset(rule_file).sha256
    except BsuRulesError:
        return None


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
    this, that = (f"{rs.id} [{rs.sha256[:12]}]" for rs in (ruleset, other))
    out.write(f"{WRITTEN}: one case per region where {that}\n"
              f"# and {this} decide differently, expecting what {this} decides.\n")
    yaml.dump({"ruleset": reference(ruleset, path), "cases": cases}, out)  # named before: see ``_symbolic``
    path.write_text(out.getvalue(), "utf-8")
    return len(cases)
