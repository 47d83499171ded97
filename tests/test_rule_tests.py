"""Rule-author YAML tests: loading, diagnostics, running, coverage, the CLI and the pytest plugin."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from bsu_rules.cli import main
from bsu_rules.decisions import RuleResult
from bsu_rules.ruleset.schema import Rule, Window
from bsu_rules.testing import RuleSets, find_test_files, load_file, measure, run_case, run_paths, sides

pytest_plugins = ["pytester"]

FIXTURES = Path(__file__).parent / "fixtures" / "ruletests"
BASE = '{nik: "3204125708940003", citizenship: WNI, participant_category: PU}'


def fixture(name: str) -> Path:
    return FIXTURES / f"{name}.yaml"


def test_passing_file() -> None:
    report = run_paths([fixture("passing")])
    assert (report.passed, report.failed, report.diagnostics) == (5, 0, [])
    assert report.ok
    first = report.results[0]
    assert first.name == "ordinary worker is eligible" and first.line == 21
    assert first.decision is not None and first.decision.on == date(2022, 9, 12)


def test_failing_case_names_file_case_criterion_and_explanation() -> None:
    report = run_paths([fixture("failing")])
    assert (report.passed, report.failed) == (0, 1)
    result = report.results[0]
    assert [d.criterion for d in result.differences] == ["outcome", "rules.wage-ceiling", "benefit"]
    line = result.summary()
    assert line.startswith(f"{fixture('failing')}:4: FAILED [high earner wrongly expected eligible]")
    assert "outcome: expected eligible, got ineligible" in line
    assert "rules.wage-ceiling: expected pass, got fail (The wage for July 2022, Rp4.200.000, is above the wage " \
        "ceiling of Rp3.500.000)" in line
    assert "benefit: expected 600000, got null" in line
    text = result.report()
    assert "case 'high earner wrongly expected eligible' (rule set bsu-2022, on 2022-09-05)" in text


@pytest.mark.parametrize(("name", "code", "where", "suggestion"), [
    ("unknown-key", "unknown-key", (7, 7), "benefit"),
    ("unknown-base", "unknown-base", (6, 11), "worker"),
    ("unknown-rule", "unknown-rule", (7, 15), "wage-ceiling"),
    ("duplicate-name", "duplicate-case", (8, 11), None),
    ("misspelt-outcome", "invalid-value", (6, 16), "eligible"),
])
def test_diagnostics(name: str, code: str, where: tuple[int, int], suggestion: str | None) -> None:
    loaded = load_file(fixture(name), RuleSets())
    found = [d for case in loaded.cases for d in case.diagnostics]
    assert [(d.code, (d.line, d.column), d.suggestion) for d in found] == [(code, where, suggestion)]
    assert found[0].file == str(fixture(name))


def test_a_case_name_used_twice_is_told_whatever_else_is_wrong_with_either_case(tmp_path: Path) -> None:
    """The first case's misspelt outcome hid the name from the check; a duplicate hid the second's member mistake."""
    path = tmp_path / "t.yaml"
    path.write_text(f"ruleset: bsu-2022\ncases:\n  - name: x\n    member: {BASE}\n    expect: {{outcome: eligble}}\n"
                    "  - name: x\n    member: {nik: \"1\"}\n    expect: {outcome: eligible}\n")
    first, second = load_file(path, RuleSets()).cases
    assert [d.code for d in first.diagnostics] == ["invalid-value"]
    codes = {(d.code, d.line) for d in second.diagnostics}
    assert ("duplicate-case", 6) in codes and ("invalid-member", 7) in codes, codes
    assert "first at line 3" in next(d.message for d in second.diagnostics if d.code == "duplicate-case")


def test_invalid_member_records() -> None:
    loaded = load_file(fixture("invalid-member"), RuleSets())
    found = {case.name: case.diagnostics for case in loaded.cases}
    fraction, = found["money with a fraction"]
    assert (fraction.code, fraction.line, fraction.suggestion) == ("invalid-member", 7, "3500000")
    assert fraction.message == "member `wages[0].amount`: an amount in rupiah is written with digits only (3500000), " \
        "not 3500000.0"
    field, = found["field misspelt"]
    assert (field.line, field.column, field.suggestion) == (11, 14, "wages")
    assert field.message.endswith(": unknown field")  # the field meant is the suggestion, said once
    month, = found["bad month"]
    assert month.line == 15 and "`wages[0].period`: '2022-13' is not a month" in month.message
    assert all(not case.runnable for case in loaded.cases)


def test_file_level_problems(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("ruleset: bsu-2033\ncases: []\n")
    (tmp_path / "b.yaml").write_text("ruleset: bsu-2022\ncases: []\nbasis: {}\n")
    (tmp_path / "c.yaml").write_text("ruleset: bsu-2022\ncases:\n  - name: [\n")
    report = run_paths([tmp_path])
    codes = sorted((Path(d.file).name, d.code, d.suggestion) for d in report.diagnostics)
    assert codes == [("a.yaml", "unknown-ruleset", "bsu-2025"), ("b.yaml", "unknown-key", "bases"),
                     ("c.yaml", "yaml-syntax", None)]
    assert not report.ok


def test_impossible_outcome_and_decision_date(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(f"ruleset: bsu-2022\ncases:\n  - name: x\n    member: {BASE}\n    on: 2021-01-01\n"
                    "    expect: {outcome: eligible, rules: {citizen: flagged}}\n")
    codes = [d.code for d in load_file(path, RuleSets()).cases[0].diagnostics]
    assert codes == ["impossible-outcome", "out-of-force"]


def test_folder_finds_only_test_files(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text("ruleset: bsu-2022\nrules: []\n")
    (tmp_path / "tests").mkdir()
    test = tmp_path / "tests" / "cases.yaml"
    test.write_text(f"ruleset: bsu-2022\ncases:\n  - name: x\n    member: {BASE}\n"
                    "    expect: {outcome: undetermined}\n")
    assert find_test_files(tmp_path) == [test]
    assert run_paths([tmp_path]).passed == 1


def test_coverage_of_a_tiny_file() -> None:
    report = run_paths([fixture("coverage")])
    coverage = measure(report.rulesets, report.results)
    assert (coverage.total, coverage.reached) == (39, 18)  # 6 rules read only fields never unknown
    assert round(coverage.percent, 1) == 46.2
    rows = {r.rule: r for r in coverage.rules}
    assert rows["citizen"].reached == ("pass", "fail") and rows["citizen"].missing == ()
    assert rows["wage-ceiling"].reached == ("pass", "unknown")
    assert rows["no-other-aid"].sides == ("prioritized", "not_prioritized", "unknown")
    table = coverage.table()
    assert "TOTAL" in table and "46.2%" in table and "citizen" in table


def test_sides_of_dated_rules() -> None:
    edition = Window.model_validate({"from": date(2021, 7, 1)})
    rule = Rule.model_validate({"id": "ppkm", "require": "true", "in_force": {"until": date(2021, 11, 7)}})
    assert sides(rule, edition)[-1] == RuleResult.NOT_IN_FORCE
    same = Rule.model_validate({"id": "x", "flag": "true", "in_force": {"from": date(2021, 7, 1)}})
    assert sides(same, edition) == (RuleResult.FLAGGED, RuleResult.PASS, RuleResult.UNKNOWN)


def test_cli_exit_codes_and_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(fixture("passing"))]) == 0
    assert "5 passed, 0 failed" in capsys.readouterr().out.splitlines()
    assert main(["test", str(fixture("failing"))]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "0 passed, 1 failed" and "[high earner wrongly expected eligible]" in out[0]
    assert main(["test", str(fixture("unknown-rule"))]) == 1
    assert main(["test", str(fixture("passing")), "-k", "CEILING"]) == 0
    assert "2 passed, 0 failed" in capsys.readouterr().out.splitlines()
    assert main(["test", str(fixture("passing")), "-k", "CIELING"]) == 2  # a mistyped filter tests nothing
    assert "no case's name contains `CIELING`: nothing was tested" in capsys.readouterr().err


def test_cli_coverage_and_fail_under(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(fixture("coverage")), "--coverage", "--fail-under", "30"]) == 0
    assert "TOTAL" in capsys.readouterr().out
    assert main(["test", str(fixture("coverage")), "--fail-under", "50"]) == 1
    assert "under --fail-under 50%" in capsys.readouterr().out
    assert main(["test", str(fixture("coverage")), "--fail-under", "50%"]) == 1  # as the message writes it
    capsys.readouterr()
    assert main(["test", str(fixture("coverage")), "--fail-under", "46.2"]) == 1  # 46.15…%: never "46.2% under 46.2%"
    assert "rule coverage 46.15% is under --fail-under 46.2%" in capsys.readouterr().out
    for given in ("nan", "101", "-1", "inf", "\uff13\uff18"):  # NaN: no coverage is under it, the gate never closed
        assert main(["test", str(fixture("coverage")), "--fail-under", given]) == 2
        assert f"'{given}' is not a percentage from 0 to 100" in capsys.readouterr().err
    assert main(["test", str(fixture("failing")), "--format", "json", "--coverage"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["passed"], data["failed"], data["coverage"]["sides"]) == (0, 1, 39)
    assert data["cases"][0]["differences"][0] == {
        "criterion": "outcome", "expected": "eligible", "actual": "ineligible",
        "explanation": "wage-ceiling: The wage for July 2022, Rp4.200.000, is above the wage ceiling of "
                       "Rp3.500.000"}


def test_cli_bundled_id_runs_its_bundled_cases(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """``bsu-rules test bsu-2022`` runs the bundled cases of that edition, as ``check bsu-2022`` checks its rule
    file, from a folder where nothing has that name; a name written as a path (``./bsu-2022``), or one that names a
    file or folder here, is that path only."""
    monkeypatch.chdir(tmp_path)
    assert main(["test", "bsu-2022"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2].startswith("rule set bsu-2022 ") and re.fullmatch(r"[1-9][0-9]* passed, 0 failed", out[-1])
    assert main(["test", "./bsu-2022"]) == 2
    assert "file-not-found" in capsys.readouterr().out
    own = tmp_path / "bsu-2022"  # a folder of one's own cases by that name is what is tested
    own.mkdir()
    shutil.copy(fixture("failing"), own / "mine.yaml")
    assert main(["test", "bsu-2022"]) == 1
    assert "0 passed" in capsys.readouterr().out


def test_cli_missing_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A path that does not exist, or no test file at all, is exit 2 (the run could not proceed),
    not the 1 of a failing case, and the last line says nothing was tested."""
    missing = tmp_path / "nope"
    assert main(["test", str(missing)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert "file-not-found" in out[0]
    assert out[-1] == f"nothing was tested: `{missing}`: no such file or folder"
    assert main(["test", str(tmp_path)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert "no-tests" in out[0] and out[-1].startswith("nothing was tested: no test file at the paths given")
    assert main(["test", str(Path(__file__).parents[1] / "rules" / "bsu-2022.yaml")]) == 2  # a rule file
    assert "not-a-test-file" in capsys.readouterr().out
    assert main(["test", str(fixture("passing")), str(missing)]) == 2  # the cases that exist are run
    assert capsys.readouterr().out.splitlines()[-1] == \
        f"5 passed, 0 failed; `{missing}`: no such file or folder, so nothing there was tested"
    assert main(["test", str(fixture("failing"))]) == 1  # a failing case is still 1


PLUGIN = ("-p", "no:bsu_rules", "-p", "bsu_rules.testing.plugin")  # works with or without the entry point


def test_pytest_plugin_collects_and_fails_a_case(pytester: pytest.Pytester) -> None:
    pytester.mkdir("tests")
    pytester.path.joinpath("tests", "cases.yaml").write_text(
        f"ruleset: bsu-2022\nbases:\n  w: {BASE}\ncases:\n"
        "  - name: open case\n    base: w\n    expect: {outcome: undetermined}\n"
        "  - name: wrongly eligible\n    base: w\n    expect: {outcome: eligible}\n")
    pytester.mkdir("tests/deeper")
    pytester.path.joinpath("tests", "deeper", "x.yaml").write_text("ruleset: bsu-2022\ncases: [1]\n")
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "tests/cases.yaml:8: case 'wrongly eligible' (rule set bsu-2022, on 2022-09-05)",
        "*outcome: expected eligible, got undetermined",
        "*FAILED tests/cases.yaml::wrongly eligible*",
    ])
    items, _ = pytester.inline_genitems(*PLUGIN)
    assert [item.name for item in items] == ["open case", "wrongly eligible"]
    assert items[1].reportinfo()[1:] == (7, "rule case: wrongly eligible")


def test_pytest_plugin_reports_file_problems(pytester: pytest.Pytester) -> None:
    pytester.mkdir("tests")
    pytester.path.joinpath("tests", "bad.yaml").write_text("ruleset: bsu-2022\ncases: []\nbasis: {}\n")
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["tests/bad.yaml:3:1: error ?unknown-key?: unknown key `basis`; did you mean `bases`?"])


def test_pytest_plugin_fails_a_test_file_linked_from_outside_unread(pytester: pytest.Pytester,
                                                                    tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("SECRETKEY-7f3a: 1\ncases: []\n", "utf-8")
    pytester.mkdir("tests")
    pytester.path.joinpath("tests", "x.yaml").symlink_to(secret)
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["tests/x.yaml:1:1: error ?file?: the file is a symbolic link that leads out of *"])
    assert "SECRETKEY" not in result.stdout.str()


def test_the_edited_rule_file_is_the_one_tested(rules_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The rule-authoring guide's worked example gives what the guide promises: `ruleset: bsu-2022` in
    rules/tests/ means rules/bsu-2022.yaml beside it, not the bundled copy."""
    root = Path(__file__).resolve().parents[1]
    guide = (root / "docs" / "rule-authoring.md").read_text("utf-8")
    promised = re.search(r"`bsu-rules test rules/` gives `(\d+ passed, \d+ failed)`", guide)
    assert promised is not None
    shutil.copytree(root / "rules" / "tests", rules_copy / "tests")
    edition = rules_copy / "bsu-2022.yaml"
    text = edition.read_text("utf-8")
    assert "    value: 3500000\n" in text
    edition.write_text(text.replace("    value: 3500000\n", "    value: 4000000\n", 1), "utf-8")
    assert main(["test", str(rules_copy)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == promised.group(1)
    assert any(line.startswith(f"rule set bsu-2022 2022.9: {edition} sha256 ") for line in out)
    failed = int(out[-1].split()[2])
    assert failed and sum("FAILED" in line and "rules.wage-ceiling: expected" in line for line in out) == failed


def test_a_misspelt_outcome_is_one_message_in_the_file_s_words() -> None:
    [found] = [d for case in load_file(fixture("misspelt-outcome"), RuleSets()).cases for d in case.diagnostics]
    assert found.message == "`elegible` is not one of 'eligible', 'ineligible', 'undetermined' or 'refused'"


def test_cases_of_a_broken_rule_file_are_counted_as_not_run(rules_copy: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parents[1]
    shutil.copytree(root / "rules" / "tests", rules_copy / "tests")
    edition = rules_copy / "bsu-2022.yaml"
    edition.write_text(edition.read_text("utf-8").replace("  rounding:\n", "  roundin:\n", 1), "utf-8")
    cases = (rules_copy / "tests" / "bsu-2022.yaml").read_text("utf-8").count("\n  - name:")
    assert main(["test", str(rules_copy)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert re.fullmatch(rf"\d+ passed, 0 failed, {cases} not run \(their file or rule file has errors\)",
                        out[-1]), out[-1]
    assert main(["test", str(rules_copy), "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["not_run"] == cases


def test_a_date_written_another_way_is_told_as_yyyy_mm_dd(tmp_path: Path) -> None:
    path = tmp_path / "dates.yaml"
    path.write_text(f"ruleset: bsu-2022\ncases:\n  - name: on a date written in words\n    on: 5 September 2022\n"
                    f"    member: {BASE}\n    expect: {{outcome: eligible}}\n", "utf-8")
    [found] = [d for case in load_file(path, RuleSets()).cases for d in case.diagnostics]
    assert (found.code, found.line, found.column) == ("invalid-value", 4, 9)
    assert found.message == "case 1, on: write the date as YYYY-MM-DD (2022-09-05)"
    assert found.suggestion == "2022-09-05"


@pytest.mark.parametrize(("amount", "benefit", "says", "suggestion"), [
    ("3.500.000", "600000", "member `wages[0].amount`: `3.500.000` is text: an amount in rupiah is written with digits "
     "only (3500000)", "3500000"),
    ("3,5 juta", "600000", "member `wages[0].amount`: in {…} a comma separates entries: `amount: 3,5 juta` reads as "
     "`amount: 3` and a key `5 juta`; an amount in rupiah is written with digits only (3500000)", "3500000"),
    ("600.000", "600000", "member `wages[0].amount`: an amount in rupiah is written with digits only (600000), not "
     "600.000", "600000"),  # not 600
    ("3400000.5", "600000", "member `wages[0].amount`: an amount in rupiah is a whole number, not 3400000.5", None),
    ("3500000", "600.000", "case 2, expect.benefit: an amount in rupiah is written with digits only (600000), not "
     "600.000", "600000"),
])
def test_an_amount_written_another_way_is_told_as_the_rule_file_tells_it(tmp_path: Path, amount: str, benefit: str,
                                                                        says: str, suggestion: str) -> None:
    path = tmp_path / "amounts.yaml"
    member = BASE[:-1] + f', wages: [{{period: "2022-07", amount: {amount}}}]}}'
    text = (f"ruleset: bsu-2022\ncases:\n  - name: fine\n    member: {BASE}\n    expect: {{outcome: eligible}}\n"
            f"  - name: amount\n    member: {member}\n    expect: {{outcome: eligible, benefit: {benefit}}}\n")
    path.write_text(text, "utf-8")
    [found] = [d for c in load_file(path, RuleSets()).cases for d in c.diagnostics]
    index = text.index(amount if amount != "3500000" else benefit, text.index("name: amount"))
    assert (found.line, found.column) == (text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index))
    assert (found.message, found.suggestion) == (says, suggestion)


@pytest.mark.parametrize(("period", "says", "suggestion"), [
    ('"2022-7"', "member `wages[0].period`: `2022-7`: a month is written YYYY-MM: 2022-07", "2022-07"),
    ("Juli 2022", "member `wages[0].period`: `Juli 2022`: a month is written YYYY-MM: 2022-07", "2022-07"),
    ('"2022-13"', "member `wages[0].period`: '2022-13' is not a month (YYYY-MM, years 0001-9999, months 01-12)", None),
])
def test_a_month_written_another_way_is_told_as_the_rule_file_tells_it(tmp_path: Path, period: str, says: str,
                                                                       suggestion: str | None) -> None:
    path = tmp_path / "months.yaml"
    member = BASE[:-1] + f", wages: [{{period: {period}, amount: 3500000}}]}}"
    text = f"ruleset: bsu-2022\ncases:\n  - name: month\n    member: {member}\n    expect: {{outcome: eligible}}\n"
    path.write_text(text, "utf-8")
    [found] = [d for c in load_file(path, RuleSets()).cases for d in c.diagnostics]
    index = text.index(period)
    assert (found.line, found.column) == (text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index))
    assert (found.code, found.message, found.suggestion) == ("invalid-member", says, suggestion)


def test_a_mistake_in_a_base_is_told_once_where_it_is_written(tmp_path: Path) -> None:
    path = tmp_path / "bases.yaml"
    big = "3" + "0" * 50
    cases = "".join(f"  - name: case {n}\n    base: worker\n    expect: {{outcome: eligible}}\n" for n in (1, 2, 3))
    path.write_text("ruleset: bsu-2022\nbases:\n  worker:\n    nik: 3204125708940003\n    citizenship: WNI\n"
                    "    participant_category: PU\n    wages: [{period: \"2022-07\", amount: 2000000}]\ncases:\n"
                    + cases, "utf-8")
    loaded = load_file(path, RuleSets())
    told = [(d.code, d.line, d.column, d.message, d.suggestion) for d in loaded.diagnostics]
    assert told == [("invalid-member", 4, 10, "member `nik` is a number here: write it in quotes, as text (a number "
                     "loses its leading zeros)", None)], told
    for i, case in enumerate(loaded.cases):  # each points at its `base: worker`
        (pointer,) = case.held
        assert (case.line, pointer.line, pointer.column) == (9 + 3 * i, 10 + 3 * i, 11) and not case.runnable
        assert pointer.message == "base `worker` has a mistake (line 4): the case runs once it is fixed"
        assert case.diagnostics == () and not run_case(case).passed  # run alone (pytest), it fails with it
    report = run_paths([path])
    assert (report.passed, report.failed, report.not_run) == (0, 0, 3)  # counted as waiting, not as failed
    assert report.summary() == f"0 passed, 0 failed, 3 not run (their base `worker` in {path} has a mistake, line 4)"
    assert "3204125708940003" not in json.dumps([str(d) for d in report.diagnostics])
    path.write_text(path.read_text("utf-8").replace("2000000", big), "utf-8")  # a mistake YAML itself finds
    loaded = load_file(path, RuleSets())
    assert [(d.code, d.line, d.column) for d in loaded.diagnostics] == [("literal-too-large", 7, 41)]
    report = run_paths([path])
    assert (report.passed, report.failed, report.not_run) == (0, 0, 3)


def test_a_mistake_in_a_base_is_told_with_a_mistake_in_the_case_using_it(tmp_path: Path) -> None:
    """Both in the first run: the case's own mistake (in `expect`) does not hide its base's."""
    path = tmp_path / "both.yaml"
    path.write_text("ruleset: bsu-2022\nbases:\n  worker: {nik: \"3204125708940003\", citizenship: WNI, "
                    "participant_category: PU, wages: [{period: \"2022-07\", amount: 3.900.000}]}\ncases:\n"
                    "  - {name: a, base: worker, expect: {outcome: eligble}}\n", "utf-8")
    loaded = load_file(path, RuleSets())
    told = [(d.code, d.line, d.column, d.suggestion) for d in loaded.diagnostics]
    assert told == [("invalid-member", 3, 117, "3900000")], told
    (case,) = loaded.cases
    assert [(d.code, d.line, d.column, d.suggestion) for d in case.diagnostics + case.held] == [
        ("invalid-value", 5, 47, "eligible"), ("invalid-member", 5, 21, None)]
    report = run_paths([path])  # its own mistake: a failed case, told with its base's
    assert (report.failed, report.not_run) == (1, 0) and len(report.results[0].diagnostics) == 2


def test_a_mistake_in_a_case_s_own_value_is_told_once(tmp_path: Path) -> None:
    path = tmp_path / "own.yaml"
    path.write_text(f"ruleset: bsu-2022\ncases:\n  - name: own\n    on: 20220905\n    member: {BASE}\n"
                    "    expect: {outcome: eligible}\n", "utf-8")
    (case,) = load_file(path, RuleSets()).cases
    assert [d.message for d in case.diagnostics] == ["case 1, on: write the date as YYYY-MM-DD (2022-09-05)"]
    member = BASE[:-1] + ', wages: [{period: "2022-07", amount: 3' + "0" * 50 + "}]}"
    path.write_text(path.read_text("utf-8").replace("20220905", "2022-09-05").replace(BASE, member), "utf-8")
    loaded = load_file(path, RuleSets())
    assert [d.code for d in loaded.diagnostics] == ["literal-too-large"] and loaded.not_run == ("own",)


def test_a_case_name_is_one_line(tmp_path: Path) -> None:
    """A name with a line break could forge a line of the report: refused, and not repeated."""
    path = tmp_path / "t.yaml"
    path.write_text(f'ruleset: bsu-2022\ncases:\n  - name: "ok\\r\\n1 passed, 0 failed"\n    member: {BASE}\n'
                    "    expect: {outcome: ineligible}\n", "utf-8")
    [case] = load_file(path, RuleSets()).cases
    [found] = case.diagnostics
    assert (case.name, found.code, found.line, found.column) == ("case 1", "invalid-value", 3, 11)
    assert "line break" in found.message and not case.runnable


NIK = "3204125708940003"


@pytest.mark.parametrize(("case", "bases", "says"), [
    (f'name: "example {NIK}"\n    member: {BASE}', "", "case 1, name: a number of ten digits or more"),
    ('name: ok\n    base: "3204125708940009"', f"bases:\n  worker: {BASE}\n", "case 1, base: a number of ten"),
    ("name: ok\n    base: worker", f'bases:\n  "{NIK}": {BASE}\n', "bases.<16 digits>: a number of ten"),
    (f'name: ok\n    member: {BASE}\n    "x{NIK}": 1', "", "unknown key `x<16 digits>`"),
    (f'name: ok\n    member: {BASE}\n    expect:\n      rules: {{"{NIK}": pass}}', "", "has no rule `<16 digits>`"),
    (f'name: ok\n    member: {BASE}\n    expect:\n      channel: "{NIK}"', "", "expect.channel: a number of ten"),
    (f'name: ok\n    member: {BASE}\n    expect:\n      missing: ["{NIK}"]', "", "expect.missing[0]: a number of ten"),
    (f'name: ok\n    member: {BASE}\n    expect:\n      benefit: {NIK}', "", "expect.benefit: a number of ten digits"),
    (f'name: ok\n    member: {BASE}\n    expect:\n      priority: {NIK}', "", "expect.priority: a number of ten")])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_nik_in_a_case_or_base_name_is_refused_and_never_shown(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, bases: str, says: str, fmt: str) -> None:
    """A case name, a base name, a key or a rule id holding a NIK is an error told with the number left
    out, in the text and the JSON report alike (a suggestion too)."""
    expect = "      outcome: ineligible\n" if "expect:" in case else "    expect: {outcome: ineligible}\n"
    (tmp_path / "t.yaml").write_text(f"ruleset: bsu-2022\n{bases}cases:\n  - {case}\n{expect}", "utf-8")
    assert main(["test", str(tmp_path / "t.yaml"), "--format", fmt]) == 1
    out = capsys.readouterr().out
    assert says in out and not re.search(r"3204.?1257.?0894.?00", out) and "Value error" not in out, out


@pytest.mark.parametrize("ref", ["{secret}", "../../outside/secret.yaml", "secret.txt", "../rules/link.yaml",
                                 "/etc/passwd"])
def test_a_test_file_reads_rules_only_beside_it_or_one_folder_up(tmp_path: Path, ref: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """`ruleset:` is an id or a .yaml file in the test file's folder or the one above: any other
    file is refused at `ruleset:`, never read (its lines never printed in a syntax error)."""
    secret = tmp_path / "outside" / "secret.yaml"
    secret.parent.mkdir()
    secret.write_text("SECRET-LINE-1: x\n\tSECRET-LINE-2\n", "utf-8")
    rules = tmp_path / "work" / "rules"
    (rules / "tests").mkdir(parents=True)
    shutil.copy(secret, rules / "tests" / "secret.txt")
    (rules / "link.yaml").symlink_to(secret)
    test_file = rules / "tests" / "t.yaml"
    test_file.write_text(f"ruleset: {ref.format(secret=secret)}\ncases:\n  - name: x\n    member: {BASE}\n"
                         "    expect: {outcome: ineligible}\n", "utf-8")
    assert main(["test", str(test_file)]) == 1
    out = capsys.readouterr()
    assert "SECRET" not in out.out + out.err
    assert f"{test_file}:1:10: error [unknown-ruleset]: `ruleset:` names a rule file (.yaml)" in out.out
    assert out.out.splitlines()[-1] == "0 passed, 0 failed, 1 not run (their file or rule file has errors)"


@pytest.mark.parametrize("ref", ["bsu-2O22", "bsu-2022x"])  # the letter O for a zero; an id with a letter too many
def test_a_mistyped_rule_set_id_is_told_what_it_meant(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       ref: str) -> None:
    test_file = tmp_path / "t.yaml"
    test_file.write_text(f"ruleset: {ref}\ncases:\n  - name: x\n    member: {BASE}\n"
                         "    expect: {outcome: ineligible}\n", "utf-8")
    assert main(["test", str(test_file)]) == 1
    assert "; did you mean `bsu-2022`?" in capsys.readouterr().out


def test_a_rule_file_one_folder_up_is_tested(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parents[1] / "rules"
    rules = tmp_path / "rules"
    shutil.copytree(root, rules)
    test_file = rules / "tests" / "bsu-2022.yaml"
    test_file.write_text(test_file.read_text("utf-8").replace("ruleset: bsu-2022", "ruleset: ../bsu-2022.yaml", 1))
    assert main(["test", str(test_file)]) == 0
    assert f"{rules / 'tests' / '..' / 'bsu-2022.yaml'} sha256" in capsys.readouterr().out


@pytest.mark.parametrize(("edit", "code"), [
    ("      outcome: ineligible\n", "duplicate-key"),
    ("x0: &z0 [a,a,a,a,a,a,a,a,a,a]\n" + "".join(f"x{i}: &z{i} [{', '.join([f'*z{i - 1}'] * 10)}]\n"
                                                  for i in range(1, 6)), "too-large"),
    ("    name: !!python/object/apply:os.system [\"true\"]\n", "invalid-value")])
def test_no_case_of_a_file_with_errors_is_run_or_counted_as_passed(tmp_path: Path, edit: str, code: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A duplicate key (the first value would win), a tag or an alias bomb: every case of the file is
    counted as not run, and the run fails."""
    root = Path(__file__).resolve().parents[1] / "rules" / "tests" / "bsu-2022.yaml"
    text = root.read_text("utf-8")
    cases = text.count("\n  - name:")
    lines = text.splitlines(keepends=True)
    if code == "duplicate-key":  # a second outcome under the first case's expect
        at = next(i for i, line in enumerate(lines) if line.startswith("      outcome:"))
    elif code == "too-large":  # top-level lists that expand to a million values, before `cases:`
        at = next(i for i, line in enumerate(lines) if line.startswith("cases:"))
    else:  # a base's name
        at = next(i for i, line in enumerate(lines) if line.startswith("    name:"))
        lines.pop(at)
    lines.insert(at + (code == "duplicate-key"), edit)
    (tmp_path / "tests").mkdir()
    test_file = tmp_path / "tests" / "bsu-2022.yaml"
    test_file.write_text("".join(lines), "utf-8")
    assert main(["test", str(test_file)]) == 1
    out = capsys.readouterr().out
    assert f"error [{code}]" in out
    assert out.splitlines()[-1] == f"0 passed, 0 failed, {cases} not run (their file or rule file has errors)"


@pytest.mark.parametrize(("edit", "code"), [
    ((b'\n    member: {work_regency_code: "3374"', b'\n     member: {work_regency_code: "3374"'), "yaml-syntax"),
    ((b"\n  - name: ", b"\n  - name: \xff"), "encoding")])
def test_a_test_file_that_cannot_be_read_is_named_in_the_summary(tmp_path: Path, edit: tuple[bytes, bytes],
                                                                 code: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A YAML syntax error, or a byte that is not UTF-8: the file's cases cannot be counted, and the
    summary says the file could not be read rather than `0 passed, 0 failed` alone."""
    root = Path(__file__).resolve().parents[1] / "rules" / "tests" / "bsu-2022.yaml"
    (tmp_path / "tests").mkdir()
    test_file = tmp_path / "tests" / "bsu-2022.yaml"
    test_file.write_bytes(root.read_bytes().replace(*edit, 1))
    assert main(["test", str(test_file)]) == 1
    out = capsys.readouterr().out
    assert f"error [{code}]" in out
    assert out.splitlines()[-1] == f"0 passed, 0 failed; {test_file} could not be read, so none of its cases ran"
    assert main(["test", str(test_file), "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["unread"] == [str(test_file)]


@pytest.mark.parametrize("kind", ["device", "link to a device", "fifo", "huge", "loop of links"])
def test_a_test_file_is_read_only_from_a_regular_file_within_a_limit(tmp_path: Path, kind: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """`/dev/zero`, a FIFO or a file of gigabytes given to `test` or `diff --members` is refused by
    what it is, not read until memory runs out (a MemoryError, an internal error) or forever."""
    import os

    from bsu_rules.ruleset.files import TEST_FILE_LIMIT

    path = tmp_path / "cases.yaml"
    if kind == "device":
        path = Path("/dev/zero")
    elif kind == "link to a device":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "loop of links":
        path.symlink_to(path.name)
    else:
        with path.open("wb") as f:
            f.write(b"ruleset: bsu-2022\ncases:\n")
            f.truncate(TEST_FILE_LIMIT + 1)  # sparse: no disk used
    said = ("larger than the limit of 4,194,304 bytes: split its cases into files of their own" if kind == "huge"
            else "a symbolic link that leads to no file (not there, or a loop of links)" if kind == "loop of links"
            else "not a regular file: give the YAML file of the cases")
    if kind != "loop of links":  # `test` finds no file there at all (exit 2)
        assert main(["test", str(path)]) == 1
        out = capsys.readouterr().out
        assert f"{path}:1:1: error [file]: the test file is {said}" in out
        assert out.splitlines()[-1] == f"0 passed, 0 failed; {path} could not be read, so none of its cases ran"
    if kind != "device":  # `diff --members` reads a test file by its suffix
        assert main(["diff", "bsu-2022", "bsu-2022", "--members", str(path)]) == 2
        assert said in capsys.readouterr().err


def test_a_test_file_too_large_is_told_however_far_down_its_cases_begin(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A folder's test file over the limit whose `cases:` comes after megabytes of comments was skipped
    without a word, and `test rules/` passed without running its cases."""
    from bsu_rules.ruleset.files import TEST_FILE_LIMIT

    (tmp_path / "tests").mkdir()
    big = tmp_path / "tests" / "big.yaml"
    big.write_bytes(b"ruleset: bsu-2022\n" + b"# x\n" * (TEST_FILE_LIMIT // 4) + b"cases:\n  - name: x\n")
    assert main(["test", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{big}:1:1: error [file]: the test file is larger than the limit" in out
    assert out.splitlines()[-1] == f"0 passed, 0 failed; {big} could not be read, so none of its cases ran"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32", "utf-32-be"])
def test_a_test_file_saved_as_utf16_is_unread_and_fails_the_run(tmp_path: Path, encoding: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A test file saved as UTF-16 or UTF-32 (with or without a byte-order mark), beside one that
    passes: it is named as unread with what to do, and the run fails (it was skipped, and passed)."""
    root = Path(__file__).resolve().parents[1] / "rules"
    shutil.copy(root / "bsu-2022.yaml", tmp_path)
    shutil.copytree(root / "tables", tmp_path / "tables")
    (tmp_path / "tests").mkdir()
    shutil.copy(root / "tests" / "bsu-2022.yaml", tmp_path / "tests")
    wide = tmp_path / "tests" / "bsu-2022.windows.yaml"
    wide.write_text("ruleset: bsu-2022\ncases:\n  - name: nobody\n    member: {work_regency_code: \"3374\"}\n"
                    "    expect: {outcome: eligible}\n", encoding)
    assert main(["test", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    width = encoding[:6].upper()
    assert f"{wide}:1:1: error [encoding]: the file is {width} text: save it as UTF-8" in out
    assert out.splitlines()[-1].endswith(f"; {wide} could not be read, so none of its cases ran")
    assert main(["test", str(wide), "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["unread"] == [str(wide)]


def test_coverage_names_the_file_of_an_id_two_files_share(rules_copy: Path) -> None:
    """Two files of one id (an analyst's copy beside the bundled one) are told apart by their paths."""
    from bsu_rules import load_ruleset
    from bsu_rules.testing.coverage import measure

    bundled, copy = load_ruleset("bsu-2022"), load_ruleset(rules_copy / "bsu-2022.yaml")
    labels = {r.ruleset for r in measure([bundled, copy], []).rules}
    assert labels == {f"bsu-2022 ({bundled.path})", f"bsu-2022 ({copy.path})"}
    assert {r.ruleset for r in measure([copy], []).rules} == {"bsu-2022"}


def test_a_file_reached_by_two_paths_is_run_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder and a file in it, the same file twice, or a link to it: each case is counted once."""
    rules = Path(__file__).resolve().parents[1] / "rules"
    cases = rules / "tests" / "bsu-2022.yaml"
    (tmp_path / "link.yaml").symlink_to(cases)
    assert main(["test", str(rules)]) == 0
    alone = capsys.readouterr().out.splitlines()[-1]
    assert main(["test", str(rules), str(rules / "tests"), str(cases), str(tmp_path / "link.yaml")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == alone


def _bundled_tests_edited(rules_copy: Path, old: str, new: str) -> tuple[Path, int]:
    """The bundled rule tests copied beside ``rules_copy``'s rule files, the first ``old`` in bsu-2022's made
    ``new``: that file and the line of the edit."""
    shutil.copytree(Path(__file__).resolve().parents[1] / "rules" / "tests", rules_copy / "tests")
    tests = rules_copy / "tests" / "bsu-2022.yaml"
    text = tests.read_text("utf-8")
    tests.write_text(text.replace(old, new, 1), "utf-8")
    return tests, text[:text.index(old)].count("\n") + 1


def test_a_date_typo_in_a_base_is_told_once_with_the_date_meant_and_its_cases_counted_as_not_run(
        rules_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One `birth_date: 17-08-1994` in the bundled tests' `worker` base: one error at the base (with the date meant,
    as every other date message gives it), and its cases counted as waiting for it, not as failed."""
    tests, line = _bundled_tests_edited(rules_copy, "birth_date: 1994-08-17", "birth_date: 17-08-1994")
    assert main(["test", str(rules_copy)]) == 1
    out = capsys.readouterr().out
    lines = [x for x in out.splitlines() if not x.startswith("rule set ")]
    waiting = int(re.search(r"(\d+) not run", lines[-1])[1])  # type: ignore[index]
    assert lines[:-1] == [f"{tests}:{line}:17: error [invalid-member]: member `birth_date`: '17-08-1994' is not a "
                          "date: write the date as YYYY-MM-DD (1994-08-17); did you mean `1994-08-17`?"], out
    assert waiting > 100 and lines[-1].endswith(
        f" passed, 0 failed, {waiting} not run (their base `worker` in {tests} has a mistake, line {line})")


def test_a_case_s_mistake_is_told_at_its_own_line_and_column(rules_copy: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """`file:line:column` of the mistake, in `check`'s form with the case named, not the line the case starts on."""
    tests, line = _bundled_tests_edited(rules_copy, "        wage-ceiling: pass", "        wage-celing: pass")
    assert main(["test", str(rules_copy)]) == 1
    [told] = [x for x in capsys.readouterr().out.splitlines() if "unknown-rule" in x]
    assert re.fullmatch(re.escape(f"{tests}:{line}:9: error [unknown-rule] (case \"") + r"[^\"]+" + re.escape(
        "\"): rule set bsu-2022 has no rule `wage-celing`; did you mean `wage-ceiling`?"), told), told


@pytest.mark.parametrize(("new", "says", "meant"), [
    ("missing: [member.wage]", "`member.wage` is not a field of a member record", "member.wages"),
    ("missing: [fact.wag]", "rule set bsu-2022 has no fact `fact.wag`", "fact.wage"),
    ('missing: ["table.minimum_wag[3273]"]', "rule set bsu-2022 has no table `table.minimum_wag`",
     "table.minimum_wage"),
])
def test_a_name_expected_missing_that_no_decision_gives_is_told_when_the_file_is_read(
        rules_copy: Path, new: str, says: str, meant: str) -> None:
    """Not first as a failed case: at the name, with the name meant."""
    tests, line = _bundled_tests_edited(rules_copy, "missing: [member.wages]", new)
    loaded = load_file(tests, RuleSets())
    found = [d for case in loaded.cases for d in case.diagnostics]
    assert [(d.code, d.line, d.column, d.suggestion) for d in found] == [
        ("unknown-name", line, tests.read_text("utf-8").splitlines()[line - 1].index(new) + 11, meant)], found
    assert found[0].message == f"{says}, so no decision gives it as missing"
