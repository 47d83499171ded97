"""Run rule-author test cases: decide each case's member and compare with what it expects.

Given a folder, every ``*.yaml``/``*.yml`` under it that has a top-level ``cases:`` key is a test
file (so ``rules/`` finds ``rules/tests/*.yaml`` and skips the rule files). Each rule set is
loaded once; decisions go through the public API (``ruleset.plan(on).decide(member)``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bsu_rules.decisions import Decision, Outcome, RuleOutcome, RuleResult
from bsu_rules.errors import Code, OutOfForce
from bsu_rules.ruleset.diagnostics import Diagnostic, has_errors
from bsu_rules.ruleset.editions import bundled_rules
from bsu_rules.ruleset.files import leads_out
from bsu_rules.ruleset.loader import resolve, written_as_path
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.testing.cases import CaseFile, Expect, LoadedCase, load_file
from bsu_rules.testing.files import find_test_files, is_test_file, links_out
from bsu_rules.testing.rulesets import RuleSets


@dataclass(frozen=True)
class Difference:
    """One criterion where the decision differs from the expectation."""

    criterion: str
    expected: Any
    actual: Any
    explanation: str | None = None

    def __str__(self) -> str:
        why = f" ({self.explanation})" if self.explanation else ""
        return f"{self.criterion}: expected {show(self.expected)}, got {show(self.actual)}{why}"


@dataclass(frozen=True)
class CaseResult:
    """The result of one case: passed, or the differences (or problems) that made it fail."""

    file: str
    line: int
    name: str
    ruleset: RuleSet | None
    differences: tuple[Difference, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    decision: Decision | None = None

    @property
    def passed(self) -> bool:
        return not self.differences and not has_errors(self.diagnostics)

    def summary(self) -> str:
        """A line for the differences (at the case: which case, every difference), and one for each problem, at
        its own ``file:line:column`` as ``check`` gives it, naming the case."""
        lines = [f"{self.file}:{self.line}: FAILED [{self.name}] " + "; ".join(map(str, self.differences))] \
            if self.differences else []
        return "\n".join(lines + [_problem(d, self.name) for d in self.diagnostics])

    def report(self) -> str:
        """Several lines, for pytest: the case, then each difference with its explanation."""
        on = f", on {self.decision.on}" if self.decision is not None else ""
        ruleset = f" (rule set {self.ruleset.id}{on})" if self.ruleset is not None else ""
        lines = [f"{self.file}:{self.line}: case {self.name!r}{ruleset}"]
        for d in self.differences:
            lines.append(f"  {d.criterion}: expected {show(d.expected)}, got {show(d.actual)}")
            lines += [f"      {part}" for part in (d.explanation or "").split("; ") if part]
        lines += [f"  {d}" for d in self.diagnostics]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "name": self.name, "passed": self.passed,
                "ruleset": self.ruleset.id if self.ruleset else None,
                "differences": [{"criterion": d.criterion, "expected": _json(d.expected),
                                 "actual": _json(d.actual), "explanation": d.explanation}
                                for d in self.differences],
                "diagnostics": [d.to_dict() for d in self.diagnostics]}


@dataclass
class Report:
    """Every case result, problems with whole files, and the rule sets tested."""

    results: list[CaseResult] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    rulesets: list[RuleSet] = field(default_factory=list)
    not_run: int = 0
    """Cases never run because their file or their rule file has errors, or a base they use has a mistake."""
    waiting: dict[str, int] = field(default_factory=dict)
    """Of those, how many wait for each mistake told once elsewhere (``LoadedCase.waits``)."""
    unread: list[str] = field(default_factory=list)
    """Test files that could not be read, whose cases (how many is not known) never ran."""
    missing: list[str] = field(default_factory=list)
    """Paths given that do not exist."""
    files: int = 0
    """Test files found (their cases run or not)."""

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_run and not self.unread and not has_errors(self.diagnostics)

    @property
    def unfound(self) -> bool:
        """A path given does not exist, or no test file was found at all: the run could not proceed."""
        return bool(self.missing) or not self.files

    def summary(self) -> str:
        """``314 passed, 0 failed``, how many cases were not run and why, if any, and each test file that
        could not be read (its cases not run, and not counted); ``nothing was tested: ...`` when no
        test file was found, and each path given that does not exist."""
        missing = ", ".join(f"`{path}`" for path in self.missing)
        gone = f"{missing}: no such file or folder" if missing else ""
        if not self.files:
            why = gone or "no test file at the paths given (a test file has a top-level `cases:` key)"
            return f"nothing was tested: {why}"
        gone = f"; {gone}, so nothing there was tested" if gone else ""
        whole = self.not_run - sum(self.waiting.values())
        reasons = ([f"{whole} as their file or rule file has errors"] if whole else []) + \
            [f"{n} as {reason}" for reason, n in self.waiting.items()]
        said = reasons[0].partition(" as ")[2] if len(reasons) == 1 else "; ".join(reasons)
        unrun = f", {self.not_run} not run ({said})" if self.not_run else ""
        unread = "".join(f"; {file} could not be read, so none of its cases ran" for file in self.unread)
        return f"{self.passed} passed, {self.failed} failed{unrun}{unread}{gone}"


def show(value: Any) -> str:
    """An expected or actual value as the test file would spell it."""
    if value is None:
        return "null"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return str(value.value if isinstance(value, (Outcome, RuleResult)) else value)


def _json(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    return value if value is None or isinstance(value, (bool, int, str)) else str(show(value))


def _problem(d: Diagnostic, case: str) -> str:
    """``file:line:column: error [code] (case "name"): message``: an editor jumps to the mistake itself."""
    head, _, rest = str(d).partition(f" [{d.code}]")
    return f'{head} [{d.code}] (case "{case}"){rest}'


def run_paths(paths: Sequence[str | Path], keyword: str | None = None, lang: str = "en") -> Report:
    """Run every test file at or under ``paths`` (a bundled id such as ``bsu-2022`` that names nothing here: its
    bundled test file); ``keyword`` keeps cases whose name contains it."""
    report, rulesets, seen = Report(), RuleSets(), set[str]()
    for given in paths:
        path = bundled_tests(given) or Path(given)
        if not path.exists():
            report.diagnostics.append(Diagnostic(str(path), 1, 1, Code.FILE_NOT_FOUND, "no such file or folder"))
            report.missing.append(str(path))
            continue
        files = find_test_files(path)
        for link in links_out(path):  # never read: it may be any file on the machine
            report.diagnostics.append(Diagnostic(str(link), 1, 1, Code.FILE, f"the file {leads_out(path)}"))
        if path.is_dir() and not files:
            report.diagnostics.append(Diagnostic(str(path), 1, 1, Code.NO_TESTS,
                                                 "no test files here (a test file has a top-level `cases:` key)"))
        elif path.is_file() and not is_test_file(path):  # a device or FIFO: load_file says it is none
            report.diagnostics.append(Diagnostic(str(path), 1, 1, Code.NOT_A_TEST_FILE,
                                                 "not a test file: it has no top-level `cases:` key"))
            continue
        for file in files:
            if (real := os.path.realpath(file)) not in seen:  # a folder and a file in it: each case once
                seen.add(real)
                run_file(load_file(file, rulesets), report, keyword, lang)
    return report


def bundled_tests(name: str | Path) -> Path | None:
    """The bundled test file of a bare bundled id (``bsu-2022``) where no file or folder here has that name (test
    files are found in folders: a folder ``bsu-2022`` of one's own cases is run, never the bundled ones instead)."""
    if isinstance(name, str) and not written_as_path(name) and not os.path.lexists(name) \
            and resolve(name) == bundled_rules() / f"{name}.yaml":
        tests = bundled_rules() / "tests" / f"{name}.yaml"
        return tests if tests.is_file() else None
    return None


def run_file(loaded: CaseFile, report: Report, keyword: str | None = None, lang: str = "en") -> None:
    """Run the cases of one loaded file into ``report``."""
    report.files += 1
    report.diagnostics += loaded.diagnostics
    report.not_run += sum(keyword is None or keyword.lower() in name.lower() for name in loaded.not_run)
    report.unread += [str(loaded.path)] if loaded.unread else []
    if loaded.ruleset is not None and all(r is not loaded.ruleset for r in report.rulesets):
        report.rulesets.append(loaded.ruleset)
    for case in loaded.cases:
        if keyword is not None and keyword.lower() not in case.name.lower():
            continue
        if case.held and not has_errors(case.diagnostics):  # its base's mistake is told once: counted, not failed
            report.not_run += 1
            report.waiting[case.waits] = report.waiting.get(case.waits, 0) + 1
        else:
            report.results.append(run_case(case, lang))


def run_case(case: LoadedCase, lang: str = "en", *, trap: bool = True) -> CaseResult:
    """Decide one case and compare; a case with problems is not run and fails with them.

    With ``trap`` an unexpected exception while deciding fails the case instead of propagating.
    """
    if not case.runnable:
        return CaseResult(case.file, case.line, case.name, case.ruleset, diagnostics=case.diagnostics + case.held)
    assert case.ruleset is not None and case.case is not None and case.member is not None
    try:
        decision = case.ruleset.plan(case.case.on).decide(case.member)
    except OutOfForce as exc:
        expect = case.case.expect
        if expect.outcome == "refused":
            applies = [expect.applies] if isinstance(expect.applies, str) else expect.applies
            differences = () if applies is None or sorted(applies) == sorted(exc.applies) else \
                (Difference("applies", applies, exc.applies, str(exc)),)
            return CaseResult(case.file, case.line, case.name, case.ruleset, differences, case.diagnostics)
        problem = Diagnostic(case.file, case.line, 1, Code.OUT_OF_FORCE, str(exc))
        return CaseResult(case.file, case.line, case.name, case.ruleset, diagnostics=(problem,))
    except Exception as exc:
        if not trap:
            raise
        problem = Diagnostic(case.file, case.line, 1, Code.EVALUATION_ERROR, f"{type(exc).__name__}: {exc}")
        return CaseResult(case.file, case.line, case.name, case.ruleset, diagnostics=(problem,))
    return CaseResult(case.file, case.line, case.name, case.ruleset,
                      tuple(compare(decision, case.case.expect, lang)), case.diagnostics, decision)


def compare(decision: Decision, expect: Expect, lang: str = "en") -> list[Difference]:
    """Every criterion where ``decision`` differs from ``expect``."""
    out: list[Difference] = []
    if expect.outcome == "refused":
        refused = f"{decision.ruleset.id} is in force on {decision.on}"
        return [Difference("outcome", "refused", decision.outcome, refused)]
    if decision.outcome != expect.outcome:
        out.append(Difference("outcome", expect.outcome, decision.outcome, _why(decision, lang)))
    for rule_id, wanted in expect.rules.items():
        got = next((r for r in decision.rules if r.id == rule_id), None)
        actual = got.outcome if got is not None else None
        if actual != wanted:
            out.append(Difference(f"rules.{rule_id}", wanted, actual, _explain(got, lang) if got else None))
    given = expect.model_fields_set
    benefit = decision.benefit.amount if decision.benefit is not None else None
    if "benefit" in given and benefit != expect.benefit:
        why = _why(decision, lang) if benefit is None and decision.outcome == expect.outcome else None
        out.append(Difference("benefit", expect.benefit, benefit, why))
    if "channel" in given and decision.channel != expect.channel:
        out.append(Difference("channel", expect.channel, decision.channel))
    if expect.priority is not None and decision.priority != expect.priority:
        prioritized = [r.id for r in decision.rules if r.outcome == RuleResult.PRIORITIZED]
        out.append(Difference("priority", expect.priority, decision.priority,
                              f"prioritized by: {', '.join(prioritized) or 'no rule'}"))
    for name in ("flags", "missing"):
        wanted_list: list[str] | None = getattr(expect, name)
        actual_list: list[str] = getattr(decision, name)
        if wanted_list is not None and sorted(wanted_list) != sorted(actual_list):
            out.append(Difference(name, wanted_list, actual_list))
    return out


def _why(decision: Decision, lang: str) -> str | None:
    """The explanations of the criteria that made the outcome what it is."""
    if decision.outcome == Outcome.INELIGIBLE:
        culprits = [r for r in decision.rules if r.outcome == RuleResult.FAIL]
    elif decision.outcome == Outcome.UNDETERMINED:
        culprits = [r for r in decision.rules if r.outcome == RuleResult.UNKNOWN and r.kind in ("require", "exclude")]
    else:
        return None
    return "; ".join(f"{r.id}: {_explain(r, lang)}" for r in culprits) or None


def _explain(rule: RuleOutcome, lang: str) -> str:
    """A rule's rendered explanation, or the values its trace gives when it has none."""
    if rule.explain is not None:
        return str(getattr(rule.explain, lang))
    if rule.values:
        return "values " + ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in rule.values.items())
    return rule.outcome.value
