"""A pytest plugin: rule-author YAML cases become test items, one per case.

Collected: a ``*.yaml``/``*.yml`` file whose **parent folder is named ``tests``** and that has a
top-level ``cases:`` key (so ``rules/tests/bsu-2022.yaml`` is collected; rule files, and fixture
files deeper down such as ``tests/fixtures/ruletests/*.yaml``, are not). Registered through the
``pytest11`` entry point ``bsu_rules``; ``-p no:bsu_rules`` turns it off.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bsu_rules.ruleset.files import leads_out, outside
from bsu_rules.testing.files import SUFFIXES, is_test_file

if TYPE_CHECKING:
    from bsu_rules.testing.cases import CaseFile, LoadedCase
    from bsu_rules.testing.rulesets import RuleSets

_RULESETS: pytest.StashKey[RuleSets] = pytest.StashKey()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix in SUFFIXES and file_path.parent.name == "tests" and \
            (_leads_out(file_path) or is_test_file(file_path)):  # a link out: failed, never read
        return RuleTestFile.from_parent(parent, path=file_path)
    return None


def _leads_out(path: Path) -> bool:
    """Whether a file found in its folder is a symbolic link leading out of it (``ruleset.files.scan``)."""
    return outside(path, path.parent)


class CaseFailed(Exception):
    """A case that failed; carries the readable report."""


class RuleTestFile(pytest.File):
    """A YAML test file: one item per case, plus one for problems with the file as a whole."""

    def collect(self) -> Iterator[pytest.Item]:
        from bsu_rules.testing.cases import load_file  # lazy: the engine loads with a rule test file
        from bsu_rules.testing.rulesets import RuleSets  # lazy: idem

        stash = self.config.stash
        if _RULESETS not in stash:
            stash[_RULESETS] = RuleSets()
        shown = self.path.relative_to(Path.cwd()) if self.path.is_relative_to(Path.cwd()) else self.path
        if _leads_out(self.path):
            from bsu_rules.errors import Code  # lazy: a file linked from outside only
            from bsu_rules.ruleset.diagnostics import Diagnostic  # lazy: idem
            from bsu_rules.testing.cases import CaseFile  # lazy: idem

            said = Diagnostic(str(shown), 1, 1, Code.FILE, f"the file {leads_out(self.path.parent)}")
            yield RuleCase.from_parent(self, name="(file)", casefile=CaseFile(shown, None, (), (said,), unread=True),
                                       case=None)
            return
        loaded = load_file(shown, stash[_RULESETS])
        if loaded.diagnostics:
            yield RuleCase.from_parent(self, name="(file)", casefile=loaded, case=None)
        names: set[str] = set()
        for case in loaded.cases:
            name = case.name if case.name not in names else f"{case.name} (line {case.line})"
            names.add(name)
            yield RuleCase.from_parent(self, name=name, casefile=loaded, case=case)


class RuleCase(pytest.Item):
    """One case of a rule-author test file."""

    def __init__(self, *, casefile: CaseFile, case: LoadedCase | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.casefile, self.case = casefile, case

    def runtest(self) -> None:
        if self.case is None:
            raise CaseFailed("\n".join(str(d) for d in sorted(self.casefile.diagnostics)))
        from bsu_rules.testing.runner import run_case  # lazy: the engine loads with a rule test file

        result = run_case(self.case, trap=False)
        if not result.passed:
            raise CaseFailed(result.report())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, CaseFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.case.line - 1 if self.case is not None else 0
        return self.path, line, f"rule case: {self.name}"
