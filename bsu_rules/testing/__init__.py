"""Rule-author tests: YAML cases beside the rules, run by ``bsu-rules test`` and by pytest."""

from bsu_rules.testing.cases import Case, CaseFile, Expect, LoadedCase, RuleSets, load_file
from bsu_rules.testing.coverage import Coverage, RuleCoverage, measure, sides
from bsu_rules.testing.runner import (
    CaseResult,
    Difference,
    Report,
    compare,
    find_test_files,
    is_test_file,
    run_case,
    run_file,
    run_paths,
)

__all__ = [
    "Case", "CaseFile", "CaseResult", "Coverage", "Difference", "Expect", "LoadedCase", "Report",
    "RuleCoverage", "RuleSets", "compare", "find_test_files", "is_test_file", "load_file", "measure",
    "run_case", "run_file", "run_paths", "sides",
]
