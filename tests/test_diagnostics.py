"""Every load-time diagnostic code, triggered by editing a copy of the real 2022 rule file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bsu_rules
from bsu_rules.cli import main
from bsu_rules.ruleset.diagnostics import Severity

# (code, text in bsu-2022.yaml, replacement, text whose position the diagnostic points at, suggestion)
CASES = [
    ("yaml-syntax", "ruleset: bsu-2022", "ruleset: [bsu-2022", None, None),
    ("duplicate-key", 'version: "2022.1"', 'version: "2022.1"\nversion: "2022.2"', 'version: "2022.2"', None),
    ("unknown-key", "as_of: 2022-07-31", "as_off: 2022-07-31", "as_off", "as_of"),
    ("unknown-key", "    source: pm-10-2022, Pasal 5\n", "    sourc: pm-10-2022, Pasal 5\n", "sourc:", "source"),
    ("missing-key", "as_of: 2022-07-31\n", "", None, None),
    ("invalid-value", "  from: 2022-09-05\n", "  from: 2022-09-35\n", "2022-09-35", None),
    ("unknown-name", "require: fact.wage <= param.wage_ceiling", "require: fact.wage <= param.wage_cieling",
     "param.wage_cieling", "param.wage_ceiling"),
    ("unknown-name", "last_wage(member.wages,", "last_wage(member.wage,", "member.wage,", "member.wages"),
    ("unknown-function", "arrears_streak(member", "arrears_streek(member", "arrears_streek", "arrears_streak"),
    ("arity", "contribution_billed(member.contributions, param.cutoff_month)",
     "contribution_billed(member.contributions)", "contribution_billed(member.contributions)", None),
    ("type-mismatch", "require: fact.arrears <= param.max_arrears_months",
     "require: fact.arrears <= param.cutoff_month", "fact.arrears <= param.cutoff_month", None),
    ("type-mismatch", 'require: member.citizenship == "WNI"', "require: member.citizenship",
     "member.citizenship\n", None),
    ("unknown-value", 'exclude: member.employment_type in ["pns", "tni", "polri"]',
     'exclude: member.employment_type in ["pnss", "tni", "polri"]', '"pnss"', "pns"),
    ("syntax", "require: fact.wage <= param.wage_ceiling or", "require: fact.wage <=> param.wage_ceiling or",
     "> param.wage_ceiling or", None),
    ("cycle", "regional_minimum: table.minimum_wage.get(", "regional_minimum: fact.ceiling + table.minimum_wage.get(",
     "fact.ceiling + table", None),
    ("duplicate-rule", "  - id: arrears\n", "  - id: contribution-billed\n",
     "contribution-billed\n    title: {id: \"Tunggakan", None),
    ("table", "file: tables/minimum-wage-2022.csv", "file: tables/minimum-wage-2023.csv",
     "tables/minimum-wage-2023", None),
    ("bad-format", "{fact.wage:rp} melebihi", "{fact.wage:rpp} melebihi", "rpp} melebihi", "rp"),
    ("type-mismatch", "    value: 2\n    unit: months",
     "    values: {2022-09-05: 2, 2022-10-01: two}\n    unit: months",
     "values: {2022-09-05", None),
    ("invalid-value", "    value: 3500000\n", "    value: 3.500.000\n", "value: 3.500.000", None),
    ("invalid-value", "    value: 3500000\n", "    value: 3500000.5\n", "value: 3500000.5", None),
    ("invalid-value", "    value: 2\n    unit: months", "    value: -1\n    unit: months", "value: -1", None),
    ("invalid-value", "    value: 2022-07\n", "    value: 2022-13\n", "value: 2022-13", None),
    ("syntax", "{fact.ceiling:rp}", "{fact.ceiling:rp", "{fact.ceiling:rp ", None),
    ("invalid-value", 'version: "2022.1"', 'version: !custom "2022.1"', "!custom", None),
    ("unknown-value", 'exclude: member.employment_type in ["pns", "tni", "polri"]',
     'exclude: member.employment_type in ["PNS", "tni", "polri"]', '"PNS"', "pns"),
    ("unknown-name", 'require: member.citizenship == "WNI"', "require: member.citizenship == WNI", "WNI\n",
     '"WNI"'),
    ("invalid-value", 'version: "2022.1"', 'version: !!python/object/apply:os.system ["true"]', "!!python", None),
    ("unknown-name", 'require: member.participant_category == "PU"',  # a block over lines: the name's own line
     'require: |\n      member.participant_category == "PU"\n        and member.categry != "x"', "member.categry",
     None),
    ("unknown-name", 'require: member.participant_category == "PU"',
     'require: >-\n      member.participant_category\n        == "PU" and\n      member.categry != "x"',
     "member.categry", None),
]


def _position(text: str, needle: str) -> tuple[int, int]:
    index = text.index(needle)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


@pytest.mark.parametrize(("code", "old", "new", "at", "suggestion"), CASES, ids=[c[0] for c in CASES])
def test_each_code_points_at_the_mistake(rules_copy: Path, code: str, old: str, new: str, at: str | None,
                                         suggestion: str | None) -> None:
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    path.write_text(text, "utf-8")
    ruleset, diagnostics = bsu_rules.check_file(path)
    assert ruleset is None
    found = [d for d in diagnostics if d.code == code]
    assert found, [str(d) for d in diagnostics]
    first = found[0]
    assert first.severity == Severity.ERROR and first.file == str(path)
    if at is not None:
        assert (first.line, first.column) == _position(text, at), str(first)
    if suggestion is not None:
        assert first.suggestion == suggestion, str(first)


def test_load_raises_with_every_diagnostic(rules_copy: Path) -> None:
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8").replace("param.wage_ceiling or", "param.wage_cieling or")
    path.write_text(text.replace("as_of, param", "as_off, param"), "utf-8")
    with pytest.raises(bsu_rules.RuleSetError) as info:
        bsu_rules.load_ruleset(path)
    codes = [d.code for d in info.value.diagnostics]  # type: ignore[attr-defined]
    assert codes == ["unknown-name", "unknown-name"]
    lines = [d.line for d in info.value.diagnostics]  # type: ignore[attr-defined]
    assert lines == sorted(lines)


def test_unknown_bundled_id_suggests_the_nearest() -> None:
    ruleset, diagnostics = bsu_rules.check_file("bsu-20222")
    assert ruleset is None and diagnostics[0].code == "file-not-found"
    assert diagnostics[0].suggestion == "bsu-2022"


def test_check_cli_json(rules_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = rules_copy / "bsu-2022.yaml"
    path.write_text(path.read_text("utf-8").replace("as_of, param", "as_off, param"), "utf-8")
    assert main(["check", str(path), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == 1
    (diag,) = report["diagnostics"]
    assert diag["code"] == "unknown-name" and diag["suggestion"] == "as_of" and diag["line"] > 1


def test_a_file_that_is_not_utf8_is_placed_by_every_command(rules_copy: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    rule_file, cases = rules_copy / "bsu-2022.yaml", rules_copy / "tests" / "bsu-2022.yaml"
    cases.parent.mkdir()
    cases.write_bytes((Path(bsu_rules.__file__).parents[1] / "rules" / "tests" / "bsu-2022.yaml").read_bytes())
    for path in (rule_file, cases):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\n# caf\xe9\n", 1))  # Latin-1, line 2
    assert main(["check", str(rule_file)]) == 1
    assert f"{rule_file}:2:6: error [encoding]: the file is not UTF-8 text" in capsys.readouterr().out
    assert main(["check", str(rules_copy)]) == 1
    assert "[encoding]" in capsys.readouterr().out
    assert main(["test", str(cases)]) == 1
    assert f"{cases}:2:6: error [encoding]" in capsys.readouterr().out


def test_check_refuses_a_huge_rule_file_before_reading_it(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("ruleset: big\nzz: [" + "1," * 600_000 + "1]\n")
    assert main(["check", str(path)]) == 1
    assert "larger than the limit of 1,048,576 bytes" in capsys.readouterr().out


def test_bundled_file_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "bsu-2022"]) == 0
    assert "0 error(s)" in capsys.readouterr().out


def test_a_single_equals_sign_is_explained(rules_copy: Path) -> None:
    path = rules_copy / "bsu-2022.yaml"
    path.write_text(path.read_text("utf-8").replace('member.citizenship == "WNI"', 'member.citizenship = "WNI"', 1))
    [found] = [d for d in bsu_rules.check_file(path)[1] if d.code == "syntax"]
    assert "write `==`" in found.message
