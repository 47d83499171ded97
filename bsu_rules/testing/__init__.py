"""Rule-author tests: YAML cases beside the rules, run by ``bsu-rules test`` and by pytest.

The names below are loaded on first use, so that the pytest plugin (``testing.plugin``) costs
nothing in a project without rule tests.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bsu_rules.testing.cases import Case, CaseFile, Expect, LoadedCase, load_file
    from bsu_rules.testing.coverage import Coverage, RuleCoverage, measure, sides
    from bsu_rules.testing.files import find_test_files, is_test_file
    from bsu_rules.testing.rulesets import RuleSets
    from bsu_rules.testing.runner import CaseResult, Difference, Report, compare, run_case, run_file, run_paths

_WHERE = {
    **dict.fromkeys(["Case", "CaseFile", "Expect", "LoadedCase", "load_file"], "cases"), "RuleSets": "rulesets",
    **dict.fromkeys(["Coverage", "RuleCoverage", "measure", "sides"], "coverage"),
    **dict.fromkeys(["find_test_files", "is_test_file"], "files"),
    **dict.fromkeys(["CaseResult", "Difference", "Report", "compare", "run_case", "run_file", "run_paths"], "runner"),
}

__all__ = [
    "Case", "CaseFile", "CaseResult", "Coverage", "Difference", "Expect", "LoadedCase", "Report",
    "RuleCoverage", "RuleSets", "compare", "find_test_files", "is_test_file", "load_file", "measure",
    "run_case", "run_file", "run_paths", "sides",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'bsu_rules.testing' has no attribute {name!r}")
    value = getattr(import_module(f"bsu_rules.testing.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
