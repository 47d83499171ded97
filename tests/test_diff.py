"""Diffs of rule sets: text changes, dates, and the members whose decision flips (and why)."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from bsu_rules.cli import main
from bsu_rules.diff import compare, decision_dates, flips
from bsu_rules.members.files import read_records
from bsu_rules.ruleset.loader import bundled_rules, load_ruleset
from bsu_rules.ruleset.overrides import reform_of

ROOT = Path(__file__).resolve().parents[1]
MEMBERS = str(ROOT / "examples" / "members.jsonl")


def copy_2022(tmp_path: Path, edit: str = "", ceiling: int | None = None) -> Path:
    """bsu-2022 with its tables in a temp folder, with the wage ceiling changed and text appended to rules."""
    shutil.copytree(bundled_rules() / "tables", tmp_path / "tables")
    text = (bundled_rules() / "bsu-2022.yaml").read_text("utf-8")
    if ceiling is not None:
        text, n = re.subn(r"(wage_ceiling:\n\s+value:) 3500000", rf"\1 {ceiling}", text)
        assert n == 1
    text = text.replace("\nbenefit:", edit + "\nbenefit:")
    path = tmp_path / "bsu-2022.yaml"
    path.write_text(text, "utf-8")
    return path


def test_wage_ceiling_change_is_the_only_change(tmp_path: Path) -> None:
    old, new = load_ruleset("bsu-2022"), load_ruleset(copy_2022(tmp_path, ceiling=4500000))
    report = compare(old, new)
    assert report["metadata"] == [] and report["tables"] == [] and report["facts"] == [] and report["rules"] == []
    (param,) = report["parameters"]
    assert param["name"] == "wage_ceiling" and param["change"] == "changed" and param["unit"] == "IDR"
    assert param["fields"] == [{"field": "values", "old": 3500000, "new": 4500000},
                               {"field": "on", "old": 3500000, "new": 4500000}]
    assert compare(old, old) == compare(old, old) and not compare(old, old)["parameters"]


def test_flips_counted_on_the_examples(tmp_path: Path) -> None:
    old, new = load_ruleset("bsu-2022"), load_ruleset(copy_2022(tmp_path, ceiling=4500000))
    result = flips(old, new, read_records([MEMBERS]), examples=5)
    assert result["decided"] == 16 and result["rejected"] == []
    assert sum(o["count"] for o in result["outcomes"]) == 16
    counts = {(o["old"], o["new"]): o["count"] for o in result["outcomes"]}
    assert counts[("ineligible", "eligible")] == 1  # record 5: Rp4.200.000 in Kab. Bandung
    (flip,) = result["flips"]
    assert flip["rules"] == ["wage-ceiling"] and flip["count"] == 1
    (example,) = flip["examples"]
    assert example["record"] == 5 and example["nik"] == "3204********0004"
    (why,) = example["rules"]
    assert (why["change"], why["old"], why["new"]) == ("changed", "fail", "pass")
    assert why["explain"] == "was: The wage for July 2022, Rp4.200.000, is above the wage ceiling of Rp3.500.000"


def test_members_paid_another_way_are_listed_though_no_decision_flips(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A misspelt state bank moves its members to PT Pos: no outcome changes, and diff --members says so."""
    path = copy_2022(tmp_path)
    path.write_text(path.read_text("utf-8").replace("[BRI, BNI, MANDIRI, BTN]", "[BRI, BNI, MANDRI, BTN]"), "utf-8")
    old, new = load_ruleset("bsu-2022"), load_ruleset(path)
    result = flips(old, new, read_records([MEMBERS]))
    assert result["flips"] == []
    (move,) = result["channels"]
    assert (move["old"], move["new"], move["count"]) == ("MANDIRI", "POS", 1)
    assert move["examples"] == [{"record": 3, "nik": "3215********0002"}]
    assert flips(old, old, read_records([MEMBERS]))["channels"] == []
    assert main(["diff", "bsu-2022", str(path), "--members", MEMBERS]) == 1
    out = capsys.readouterr().out
    assert "Flips: none\nPaid another way (eligible under both)\n  MANDIRI → POS: 1 member\n" \
        "    3215********0002 (record 3)" in out


def test_members_paid_a_different_amount_are_counted_though_no_decision_flips(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A larger benefit changes no outcome and no channel: diff --members counts the members paid
    another amount, with the amounts, in text and JSON, and exits 1."""
    path = copy_2022(tmp_path)
    text = path.read_text("utf-8").replace("  amount: 600000\n", "  amount: 750000\n")
    path.write_text(text.replace("  instalments: [600000]\n", "  instalments: [750000]\n"), "utf-8")
    old, new = load_ruleset("bsu-2022"), load_ruleset(path)
    result = flips(old, new, read_records([MEMBERS]))
    assert result["flips"] == [] and result["channels"] == []
    (paid,) = result["amounts"]
    assert (paid["old"], paid["new"], paid["count"]) == (600000, 750000, 5)
    assert paid["examples"][0] == {"record": 1, "nik": "3204********0003"} and len(paid["examples"]) == 3
    assert flips(old, old, read_records([MEMBERS]))["amounts"] == []
    assert main(["diff", "bsu-2022", str(path), "--members", MEMBERS]) == 1
    out = capsys.readouterr().out
    assert "Paid a different amount (eligible under both)\n  Rp600.000 → Rp750.000: 5 members\n" \
        "    3204********0003 (record 1)\n" in out and "and 2 more (--examples 5 shows every one)" in out
    assert main(["diff", "bsu-2022", str(path), "--members", MEMBERS, "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["members"]["amounts"] == [paid]
    assert main(["diff", "bsu-2022", "bsu-2022", "--members", MEMBERS]) == 0
    assert "Paid a different amount (eligible under both): none" in capsys.readouterr().out


def test_members_paid_in_other_instalments_are_counted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same total paid in two instalments rather than one: diff --members counts those members, with
    the instalments, in text and JSON, and exits 1 (it said "Paid a different amount …: none", and 0)."""
    path = copy_2022(tmp_path)
    text = path.read_text("utf-8")
    path.write_text(text.replace("  instalments: [600000]\n", "  instalments: [300000, 300000]\n"), "utf-8")
    old, new = load_ruleset("bsu-2022"), load_ruleset(path)
    result = flips(old, new, read_records([MEMBERS]))
    assert result["flips"] == [] and result["channels"] == [] and result["amounts"] == []
    (paid,) = result["instalments"]
    assert (paid["old"], paid["new"], paid["count"]) == ([600000], [300000, 300000], 5)
    assert flips(old, old, read_records([MEMBERS]))["instalments"] == []
    assert main(["diff", "bsu-2022", str(path), "--members", MEMBERS]) == 1
    assert "Paid in other instalments (eligible under both)\n  Rp600.000 → Rp300.000 + Rp300.000: 5 members\n" \
        "    3204********0003 (record 1)\n" in capsys.readouterr().out
    assert main(["diff", "bsu-2022", str(path), "--members", MEMBERS, "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["members"]["instalments"] == [paid]


def test_a_single_instalment_following_the_amount_is_told_as_an_amount_only(tmp_path: Path) -> None:
    path = copy_2022(tmp_path)
    text = path.read_text("utf-8").replace("  amount: 600000\n", "  amount: 750000\n")
    path.write_text(text.replace("  instalments: [600000]\n", "  instalments: [750000]\n"), "utf-8")
    result = flips(load_ruleset("bsu-2022"), load_ruleset(path), read_records([MEMBERS]))
    assert result["instalments"] == [] and result["amounts"][0]["count"] == 5


def test_a_move_to_undetermined_names_what_it_still_waits_for(tmp_path: Path) -> None:
    """A higher ceiling lets the wage pass; the member is undetermined, not eligible, because the
    contributions are not on record: that criterion is named as still unknown."""
    record = json.loads(Path(MEMBERS).read_text("utf-8").splitlines()[0])
    record = {k: v for k, v in record.items() if k != "contributions"} | {
        "wages": [{"period": "2022-07", "amount": 3_900_000}], "work_regency_code": "3374"}
    source = tmp_path / "m.jsonl"
    source.write_text(json.dumps(record) + "\n", "utf-8")
    old, new = load_ruleset("bsu-2022"), load_ruleset(copy_2022(tmp_path, ceiling=4000000))
    (flip,) = flips(old, new, read_records([str(source)]))["flips"]
    assert (flip["old"], flip["new"], flip["rules"], flip["still_unknown"]) == (
        "ineligible", "undetermined", ["wage-ceiling"], ["contribution-billed", "arrears"])  # the cause apart
    whys = {w["rule"]: (w["change"], w["old"], w["new"]) for w in flip["examples"][0]["rules"]}
    assert whys == {"contribution-billed": ("unchanged", "unknown", "unknown"),
                    "arrears": ("unchanged", "unknown", "unknown"), "wage-ceiling": ("changed", "fail", "pass")}


def test_lower_ceiling_explains_with_the_new_text(tmp_path: Path) -> None:
    old, new = load_ruleset("bsu-2022"), load_ruleset(copy_2022(tmp_path, ceiling=3450000))
    result = flips(old, new, read_records([MEMBERS]))
    (flip,) = result["flips"]
    assert (flip["old"], flip["new"], flip["rules"]) == ("eligible", "ineligible", ["wage-ceiling"])
    assert flip["examples"][0]["nik"] == "3374********0007"  # record 2: exactly Rp3.500.000
    assert flip["examples"][0]["rules"][0]["explain"] == ("The wage for July 2022, Rp3.500.000, is above the wage "
                                                          "ceiling of Rp3.450.000")


def test_a_ceiling_lowered_below_its_partial_table_s_rows_is_warned_as_set_would_be(tmp_path: Path) -> None:
    """The minimum-wage table lists the areas above the Rp3.500.000 of the regulation: lowered in the file to
    Rp3.000.000, an area whose minimum wage lies between reads as none and its workers are held to the new
    ceiling; `--set wage_ceiling=3000000` warned of it, the same edit in the file did not. Not warned where the
    table says an unlisted area is unknown, nor where its rows changed with the ceiling."""
    old = load_ruleset("bsu-2022")
    new = copy_2022(tmp_path, ceiling=3000000)
    (warned,) = [w for w in compare(old, load_ruleset(new))["warnings"] if "lowered" in w]
    assert warned.startswith(f"`param.wage_ceiling` is lowered from 3500000 ({old.path}) to 3000000 ({new}), while "
                             "`fact.regional_minimum > param.wage_ceiling` compares it with `table.minimum_wage`, a "
                             "partial table"), warned
    assert "list its rows down to 3000000, or say `unlisted: unknown` of it" in warned
    assert not [w for w in compare(load_ruleset(new), old)["warnings"] if "lowered" in w]  # raised: nothing missed
    restored = reform_of(load_ruleset(new), ["wage_ceiling=3500000"], [])  # the file's 3000000 not what is read
    assert not [w for w in compare(old, restored)["warnings"] if "lowered" in w]
    text = new.read_text("utf-8")
    new.write_text(text.replace("    partial: true\n", "    partial: true\n    unlisted: unknown\n", 1), "utf-8")
    assert not [w for w in compare(old, load_ruleset(new))["warnings"] if "lowered" in w]
    new.write_text(text, "utf-8")
    table = tmp_path / "tables" / "minimum-wage-2022.csv"
    table.write_text(table.read_text("utf-8") + "3204,Kab. Bandung,UMK,3241929,exact,x\n", "utf-8")
    assert not [w for w in compare(old, load_ruleset(new))["warnings"] if "lowered" in w]


def test_an_as_of_after_the_decision_date_is_warned_by_diff_as_by_evaluate(tmp_path: Path) -> None:
    """`evaluate`, `batch` and `impact` warned of an as_of after `--on`; `diff` said nothing of it."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    path.write_text(path.read_text("utf-8").replace("\nas_of: 2022-07-31", "\nas_of: 2022-10-31", 1), "utf-8")
    warned = compare(load_ruleset("bsu-2022"), load_ruleset(path), new_on=date(2022, 9, 10))["warnings"]
    assert [w for w in warned if "decision date" in w] == [
        "new: the rule file's as_of 2022-10-31 is after the decision date 2022-09-10: the data are read as at a day "
        "after the decision (payments not yet made on 2022-09-10 count); give an as_of on or before 2022-09-10, or "
        "--new-on 2022-10-31"]


ADDED = """
  - id: not-kab-bandung
    require: member.work_regency_code != "3204"
    basis: policy
"""


def test_rules_in_only_one_file(tmp_path: Path) -> None:
    path = copy_2022(tmp_path, edit=ADDED)
    text = path.read_text("utf-8")
    start = text.index("  - id: not-pns-tni-polri")
    end = text.index("  - id: pppk-review")
    path.write_text(text[:start] + text[end:], "utf-8")
    old, new = load_ruleset("bsu-2022"), load_ruleset(path)
    rules = {r["id"]: r for r in compare(old, new)["rules"]}
    assert rules["not-kab-bandung"]["change"] == "added" and rules["not-kab-bandung"]["in_force"]["old"] is None
    assert rules["not-pns-tni-polri"]["change"] == "removed"
    assert rules["not-pns-tni-polri"]["condition"] == 'member.employment_type in ["pns", "tni", "polri"]'
    result = flips(old, new, read_records([MEMBERS]))
    by_rules = {tuple(f["rules"]): f for f in result["flips"]}
    added = by_rules[("not-kab-bandung",)]
    assert (added["old"], added["new"], added["count"]) == ("eligible", "ineligible", 1)
    assert added["examples"][0]["rules"][0]["change"] == "added"
    removed = by_rules[("not-pns-tni-polri",)]
    assert (removed["old"], removed["new"], removed["count"]) == ("ineligible", "eligible", 2)
    explain = removed["examples"][0]["rules"][0]["explain"]
    assert explain.startswith("was: The participant is recorded as a civil servant")


def test_table_rows_by_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = copy_2022(tmp_path)
    csv = tmp_path / "tables" / "minimum-wage-2022.csv"
    lines = csv.read_text("utf-8").splitlines()
    lines = [line.replace("4641854", "4700000") for line in lines if not line.startswith("3215,")]
    csv.write_text("\n".join([*lines, "3205,Kab. Garut,UMK,3600000,exact,test"]) + "\n", "utf-8")
    (table,) = compare(load_ruleset("bsu-2022"), load_ruleset(path))["tables"]
    assert table["rows"]["added"] == [{"key": "3205", "name": "Kab. Garut", "value": "3600000"}]  # the area named
    assert table["rows"]["removed"] == [{"key": "3215", "name": "Kab. Karawang", "value": "4798312"}]
    assert table["rows"]["changed"] == [{"key": "31", "name": "DKI Jakarta", "old": "4641854", "new": "4700000",
                                         "columns": []}]
    assert main(["diff", "bsu-2022", str(path)]) == 1
    out = capsys.readouterr().out
    assert "      + 3205 (Kab. Garut): Rp3.600.000\n" in out and "      - 3215 (Kab. Karawang): Rp4.798.312\n" in out


def test_every_changed_column_of_a_table_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An area's name is read aloud and a row's source is cited: a change to either is a changed row."""
    path = copy_2022(tmp_path)
    wages, banks = tmp_path / "tables" / "minimum-wage-2022.csv", tmp_path / "tables" / "banks.csv"
    text = wages.read_text("utf-8")
    wages.write_text(text.replace("Kab. Karawang", "Kab. Purwakarta").replace(
        "DKI Jakarta,UMP,4641854,exact,published", "DKI Jakarta,UMP,4641854,exact,annex 3"), "utf-8")
    banks.write_text(banks.read_text("utf-8").replace("BRI,BRI,yes", "BRI,BRI,no", 1), "utf-8")
    wage, bank = compare(load_ruleset("bsu-2022"), load_ruleset(path))["tables"]
    assert [r["key"] for r in wage["rows"]["changed"]] == ["31", "3215"]
    assert wage["rows"]["changed"][1] == {"key": "3215", "name": "Kab. Purwakarta", "old": "4798312", "new": "4798312",
                                          "columns": [
        {"column": "area_name", "old": "Kab. Karawang", "new": "Kab. Purwakarta"}]}
    assert bank["rows"]["changed"] == [{"key": "BRI", "old": "BRI", "new": "BRI", "columns": [
        {"column": "himbara", "old": "yes", "new": "no"}]}]
    assert main(["diff", "bsu-2022", str(path)]) == 1
    out = capsys.readouterr().out
    assert "  ~ minimum_wage: rows +0 -0 ~2\n" in out and "  ~ banks: rows +0 -0 ~1\n" in out
    assert "      ~ 3215 (Kab. Purwakarta): area_name: Kab. Karawang → Kab. Purwakarta\n" in out
    assert "      ~ BRI: himbara: yes → no\n" in out
    assert "~ 31 (DKI Jakarta): source: published UMP 2022 DKI Jakarta" in out and "→ annex 3 UMP" in out


def test_dated_values_read_as_dates_and_amounts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = copy_2022(tmp_path)
    path.write_text(path.read_text("utf-8").replace("wage_ceiling:\n    value: 3500000", "wage_ceiling:\n    values: "
                                                    "{2022-09-05: 3500000, 2022-11-01: 4000000}"), "utf-8")
    assert main(["diff", "bsu-2022", str(path), "--members", MEMBERS]) == 1
    assert ("~ wage_ceiling: values: Rp3.500.000 → from 5 September 2022: Rp3.500.000, from 1 November 2022: "
            "Rp4.000.000; on: Rp3.500.000 → Rp4.000.000\n") in capsys.readouterr().out
    assert main(["diff", "bsu-2022", str(path), "--format", "json"]) == 1
    (param,) = json.loads(capsys.readouterr().out)["parameters"]
    assert param["fields"][0] == {"field": "values", "old": 3500000,
                                  "new": {"2022-09-05": 3500000, "2022-11-01": 4000000}}


@pytest.mark.skipif(not (bundled_rules() / "bsu-2021.yaml").exists(), reason="bsu-2021 not written yet")
def test_one_file_at_two_dates() -> None:
    rs = load_ruleset("bsu-2021")
    report = compare(rs, rs, date(2021, 8, 10), date(2021, 11, 10))
    assert [(r["id"], r["in_force"]) for r in report["rules"]] == \
        [("ppkm-area", {"old": True, "new": False})]


def test_cli_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = str(copy_2022(tmp_path, ceiling=4500000))
    assert main(["diff", "bsu-2022", new, "--members", MEMBERS]) == 1
    out = capsys.readouterr().out
    assert "~ wage_ceiling: values: Rp3.500.000 → Rp4.500.000" in out
    assert "ineligible → eligible: 1 member, because of wage-ceiling" in out and "(s)" not in out
    assert "3204********0004 (record 5) wage-ceiling: fail → pass" in out and " more (--examples" not in out
    assert main(["diff", "bsu-2022", new, "--members", MEMBERS, "--examples", "0"]) == 1
    assert "    and 1 more (--examples 1 shows every one)" in capsys.readouterr().out  # never cut silently
    assert main(["diff", "bsu-2022", new, "--members", MEMBERS, "--format", "json", "--examples", "0"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["members"]["flips"][0]["examples"] == [] and data["members"]["decided"] == 16
    assert main(["diff", "bsu-2022", "bsu-2022"]) == 0
    assert main(["diff", "bsu-2022", "bsu-2022", "--on", "2020-01-01"]) == 2
    assert "a decision dated 2020-01-01 cannot use it" in capsys.readouterr().err
    for option, value, said in (("--examples", "-1", "is not a whole number (0 or more)"),  # was taken as none
                                ("--limit", "0", "is not a positive whole number")):
        assert main(["diff", "bsu-2022", new, "--members", MEMBERS, option, value]) == 2
        assert f"argument {option}: '{value}' {said}" in capsys.readouterr().err


def test_malformed_records_are_counted_not_lost(tmp_path: Path) -> None:
    members = tmp_path / "members.jsonl"
    first = (ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0]
    nan = first.replace('"amount": 3400000', '"amount": NaN', 1)
    members.write_text("\n".join([first, "{not json", '{"citizenship": "WNI"}', nan]) + "\n", "utf-8")
    rs = load_ruleset("bsu-2022")
    result = flips(rs, rs, read_records([str(members)]))
    assert result["decided"] == 1 and [r["record"] for r in result["rejected"]] == [2, 3, 4]
    assert "nik" in result["rejected"][1]["error"]
    assert result["rejected"][2]["error"] == "wages[0].amount: NaN is not a JSON number"  # as every reader names it


@pytest.mark.parametrize("form", ["text", "json"])
def test_a_rejected_member_record_is_exit_status_1_even_with_no_change(tmp_path: Path, form: str,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Status 0 says every record was decided (docs/exit-codes.md): identical rule sets over a file
    with a malformed record give 1, and say how many were rejected."""
    members = tmp_path / "members.jsonl"
    first = (ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0]
    members.write_text(first + "\n{not json\n", "utf-8")
    assert main(["diff", "bsu-2022", "bsu-2022", "--members", str(members), "--format", form]) == 1
    out = capsys.readouterr().out
    assert ("1 decided, 1 rejected" in out) if form == "text" else len(json.loads(out)["members"]["rejected"]) == 1
    members.write_text(first + "\n", "utf-8")
    assert main(["diff", "bsu-2022", "bsu-2022", "--members", str(members), "--format", form]) == 0


def test_members_of_rule_author_cases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = bundled_rules() / "tests" / "bsu-2022.yaml"
    if not cases.exists():
        pytest.skip("no rule-author cases for bsu-2022 yet")
    new = str(copy_2022(tmp_path, ceiling=4000000))
    assert main(["diff", "bsu-2022", new, "--members", str(cases), "--format", "json"]) == 1
    members = json.loads(capsys.readouterr().out)["members"]
    assert members["decided"] > 0 and members["rejected"] == []
    assert all(f["rules"] == ["wage-ceiling"] and f["new"] == "eligible" for f in members["flips"])
    assert all(isinstance(e["record"], str) for f in members["flips"] for e in f["examples"])


def _bandung_2022(tmp_path: Path, row: str) -> Path:
    """bsu-2022 in ``tmp_path`` with Kota Bandung's minimum-wage row ``row`` (amount,bound)."""
    path = copy_2022(tmp_path)
    table = tmp_path / "tables" / "minimum-wage-2022.csv"
    text = table.read_text("utf-8")
    assert "3273,Kota Bandung,UMK,3742276.48,lower," in text
    table.write_text(text.replace("3273,Kota Bandung,UMK,3742276.48,lower,", f"3273,Kota Bandung,UMK,{row},"), "utf-8")
    return path


def test_a_row_that_stops_being_a_lower_bound_is_a_change(tmp_path: Path) -> None:
    old = _bandung_2022(tmp_path / "old", "3742276.48,lower")
    new = _bandung_2022(tmp_path / "new", "3742276.48,exact")
    [entry] = compare(load_ruleset(old), load_ruleset(new))["tables"]
    assert entry["rows"]["changed"] == [{"key": "3273", "name": "Kota Bandung", "old": {"at_least": "3742276.48"},
                                         "new": "3742276.48", "columns": []}]


def test_a_table_s_amounts_read_as_rupiah(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A table in rupiah (`unit: IDR`) shows its changed amounts as amounts, a lower bound as one."""
    old = copy_2022(tmp_path / "old")
    new = _bandung_2022(tmp_path / "new", "3774860.78,exact")
    wages = tmp_path / "new" / "tables" / "minimum-wage-2022.csv"
    wages.write_text(wages.read_text("utf-8").replace("4641854", "4641855"), "utf-8")
    assert main(["diff", str(old), str(new)]) == 1
    out = capsys.readouterr().out
    assert "      ~ 31 (DKI Jakarta): Rp4.641.854 → Rp4.641.855\n" in out
    assert "      ~ 3273 (Kota Bandung): at least Rp3.742.276,48 (a lower bound) → Rp3.774.860,78\n" in out


MEMBER = {"nik": "3204014107900001", "citizenship": "WNI", "participant_category": "PU", "employment_type": "private",
          "work_regency_code": "3204", "registered_on": "2019-03-01", "birth_date": "1990-07-01",
          "wages": [{"period": "2022-07", "amount": 3_000_000}],
          "contributions": [{"period": "2022-07", "amount": 100, "paid_on": "2022-08-10"}],
          "program_receipts": [], "membership_ended_on": None, "deceased_on": None}


def test_two_versions_of_one_edition_are_decided_on_one_date(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = copy_2022(tmp_path)
    path.write_text(path.read_text("utf-8").replace("wage_ceiling:\n    value: 3500000", "wage_ceiling:\n    values: "
                                                    "{2022-09-05: 3500000, 2022-11-01: 4000000}"), "utf-8")
    old, new = load_ruleset("bsu-2022"), load_ruleset(path)
    assert decision_dates(old, new) == decision_dates(new, old) == (date(2022, 11, 1), date(2022, 11, 1))
    records = [(1, MEMBER | {"wages": [{"period": "2022-07", "amount": 3_800_000}]}),
               (2, MEMBER | {"nik": "3204014107900002", "deceased_on": "2022-10-01"})]  # dies between the two dates
    result = flips(old, new, records)
    assert [(g["old"], g["new"], g["rules"], g["count"]) for g in result["flips"]] == \
        [("ineligible", "eligible", ["wage-ceiling"], 1)]
    members = tmp_path / "m.jsonl"
    members.write_text("\n".join(json.dumps(r) for _, r in records) + "\n", "utf-8")
    assert main(["diff", "bsu-2022", str(path), "--members", str(members)]) == 1
    out = capsys.readouterr().out
    assert out.count(", on 2022-11-01)") == 2 and "not-deceased" not in out
    assert main(["diff", "bsu-2022", str(path), "--old-on", "2022-09-05", "--members", str(members)]) == 1
    assert capsys.readouterr().out.count(", on 2022-09-05)") == 2  # one side's date given: the other follows it
    assert main(["diff", "bsu-2022", str(path), "--old-on", "2022-09-05", "--new-on", "2022-11-01",
                 "--members", str(members)]) == 1
    assert "because of not-deceased" in capsys.readouterr().out  # two dates asked for: the calendar's flips too
    r2021 = load_ruleset("bsu-2021")  # two editions: each on the latest date it describes
    assert decision_dates(r2021, old) == (r2021.default_on, old.default_on) != (old.default_on,) * 2


def test_a_glossary_change_is_a_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The glossary is part of a rule set's hash (the explanations read it): two rule sets that differ only
    there are told apart, entry by entry, with each side's hash, and ``diff`` exits 1."""
    new = copy_2022(tmp_path)
    shutil.copytree(bundled_rules() / "glossary", tmp_path / "glossary")
    words = tmp_path / "glossary" / "glossary.yaml"
    words.write_text(words.read_text("utf-8").replace("Bank Rakyat Indonesia (BRI)", "Bank BRI (renamed)"), "utf-8")
    old_rs, new_rs = load_ruleset("bsu-2022"), load_ruleset(new)
    assert old_rs.sha256 != new_rs.sha256
    assert compare(old_rs, new_rs)["glossary"] == [
        {"field": "glossary.channels.BRI.en", "old": "an account at Bank Rakyat Indonesia (BRI)",
         "new": "an account at Bank BRI (renamed)"},
        {"field": "glossary.channels.BRI.id", "old": "rekening Bank Rakyat Indonesia (BRI)",
         "new": "rekening Bank BRI (renamed)"}]
    assert main(["diff", "bsu-2022", str(new)]) == 1
    out = capsys.readouterr().out
    assert f"sha256 {old_rs.sha256[:12]}" in out and f"sha256 {new_rs.sha256[:12]}" in out
    assert "~ glossary.channels.BRI.en: an account at Bank Rakyat Indonesia (BRI) → an account at Bank BRI" in out
    assert compare(old_rs, load_ruleset(copy_2022(tmp_path / "plain")))["glossary"] == []


def test_a_glossary_amendment_is_told_as_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An amendment added to a legal basis, and a new legal basis, are told in the file's words (``from``, not a
    field name of the engine; a date as a date): JSON data, not Python text; a default left unwritten is no change."""
    new = copy_2022(tmp_path)
    shutil.copytree(bundled_rules() / "glossary", tmp_path / "glossary")
    words = tmp_path / "glossary" / "glossary.yaml"
    amended = "    amended: [{by: pm-5-2025, from: 2025-06-02}]\n  pm-5-2025:"
    text = words.read_text("utf-8")
    assert text.count(amended) == 1
    words.write_text(text.replace(amended, "    amended: [{by: pm-contoh, from: 2022-11-01}, {by: pm-5-2025, from: "
                                           "2025-06-02}]\n  pm-contoh:\n    id: Peraturan Contoh\n    en: Example "
                                           "Regulation\n  pm-5-2025:"), "utf-8")
    found = compare(load_ruleset("bsu-2022"), load_ruleset(new))["glossary"]
    assert found == [
        {"field": "glossary.legal_basis.pm-10-2022.amended", "old": [{"by": "pm-5-2025", "from": "2025-06-02"}],
         "new": [{"by": "pm-contoh", "from": "2022-11-01"}, {"by": "pm-5-2025", "from": "2025-06-02"}]},
        {"field": "glossary.legal_basis.pm-contoh.en", "old": None, "new": "Example Regulation"},
        {"field": "glossary.legal_basis.pm-contoh.id", "old": None, "new": "Peraturan Contoh"}]
    assert main(["diff", "bsu-2022", str(new)]) == 1
    assert "~ glossary.legal_basis.pm-10-2022.amended: by pm-5-2025 from 2 June 2025 → by pm-contoh from 1 November " \
           "2022, by pm-5-2025 from 2 June 2025\n" in capsys.readouterr().out


def test_a_glossary_value_changed_to_its_default_is_told_as_the_new_value(tmp_path: Path) -> None:
    new = copy_2022(tmp_path)
    shutil.copytree(bundled_rules() / "glossary", tmp_path / "glossary")
    words = tmp_path / "glossary" / "glossary.yaml"
    old = "member.birth_date: {id: tanggal lahir, en: date of birth, format: date}"
    assert words.read_text("utf-8").count(old) == 1
    words.write_text(words.read_text("utf-8").replace(old, old.replace("format: date", "format: text")), "utf-8")
    assert compare(load_ruleset("bsu-2022"), load_ruleset(new))["glossary"] == [
        {"field": "glossary.names.member.birth_date.format", "old": "date", "new": "text"}]


def test_an_emptied_glossary_list_is_told_as_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = copy_2022(tmp_path)
    shutil.copytree(bundled_rules() / "glossary", tmp_path / "glossary")
    words = tmp_path / "glossary" / "glossary.yaml"
    amended = "    amended: [{by: pm-5-2025, from: 2025-06-02}]\n"
    assert words.read_text("utf-8").count(amended) == 1
    words.write_text(words.read_text("utf-8").replace(amended, "").replace(
        "  member.birth_date: {", "  member.nickname: {id: nama panggilan, en: nickname}\n  member.birth_date: {"),
        "utf-8")
    assert compare(load_ruleset("bsu-2022"), load_ruleset(new))["glossary"] == [
        {"field": "glossary.legal_basis.pm-10-2022.amended", "old": [{"by": "pm-5-2025", "from": "2025-06-02"}],
         "new": []},
        {"field": "glossary.names.member.nickname.en", "old": None, "new": "nickname"},
        {"field": "glossary.names.member.nickname.id", "old": None, "new": "nama panggilan"}]  # no default `format`
    assert main(["diff", "bsu-2022", str(new)]) == 1
    assert "~ glossary.legal_basis.pm-10-2022.amended: by pm-5-2025 from 2 June 2025 → —\n" in capsys.readouterr().out


def test_two_different_rule_sets_under_one_version_are_warned(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A version bump forgotten: a log and a replay report tell the two apart only by their sha256."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    path.write_text(path.read_text("utf-8").replace("value: 3500000", "value: 4000000", 1), "utf-8")
    assert main(["diff", "bsu-2022", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[2].startswith("warning: the two rule sets differ but both are bsu-2022 2022.9: give the changed one")
    path.write_text(path.read_text("utf-8").replace('version: "2022.9"', 'version: "2022.10"'), "utf-8")
    assert main(["diff", "bsu-2022", str(path)]) == 1
    assert "warning:" not in capsys.readouterr().out
    assert main(["diff", "bsu-2022", "bsu-2022", "--new-on", "2022-11-01"]) in (0, 1)
    assert "warning:" not in capsys.readouterr().out  # one rule set on two dates


@pytest.mark.parametrize(("old", "new", "section", "field"), [
    ("    id: Tanggal mulai berlaku hanya", "    id: Tanggal berlaku hanya", "metadata", "in_force.note.id"),
    ("  basis: interpretation\n  note:", "  basis: regulation\n  note:", "metadata", "in_force.basis"),
    ("description: {id: Pembulatan ke atas upah minimum,", "description: {id: Pembulatan upah minimum,",
     "parameters", "description.id"),
    ("    bound: bound\n", "    bound: bound\n    unlisted: unknown\n", "tables", "unlisted"),
])
def test_a_change_in_either_language_or_in_a_table_s_meaning_is_listed(tmp_path: Path, old: str, new: str,
                                                                         section: str, field: str) -> None:
    """An Indonesian note, an edition's basis, a description or what a table's unlisted key means changes the
    rule set (its sha256): the comparison lists it, never "no change" (only the English notes and the
    window's dates were compared)."""
    path = copy_2022(tmp_path)
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")
    report = compare(load_ruleset("bsu-2022"), load_ruleset(path))
    entries = report[section] if section == "metadata" else report[section][0]["fields"]
    assert field in [f["field"] for f in entries], report[section]


def test_two_rule_sets_that_differ_in_what_no_section_lists_are_never_no_change() -> None:
    from dataclasses import replace

    bundled = load_ruleset("bsu-2022")
    report = compare(bundled, replace(bundled, sha256="f" * 64, _plans={}))
    assert report["metadata"] == [{"field": "sha256", "old": bundled.sha256, "new": "f" * 64}]


@pytest.mark.parametrize("timeout", ["nan", "inf", "-1", "1e308", "86400.5", "0.0004", "0"])
def test_a_solver_time_limit_that_is_no_number_of_seconds_is_a_usage_error(timeout: str,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "bsu-2021", "bsu-2022", "--symbolic", "--timeout", timeout]) == 2  # not an internal error
    assert f"'{timeout}' is not a time limit (a number of seconds from 0.001 to 86400)" in capsys.readouterr().err


@pytest.mark.parametrize("form", ["text", "json"])
def test_a_member_held_for_another_review_is_a_change(tmp_path: Path, form: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A flag that now holds a payment for an officer's review changes no outcome, channel or amount,
    and `diff --members` said nothing and exited 0."""
    shutil.copytree(bundled_rules() / "glossary", tmp_path / "glossary")
    path = copy_2022(tmp_path)
    path.write_text(path.read_text("utf-8").replace("    flag: fact.wage == 0\n",
                                                    "    flag: fact.wage == 0 or fact.wage == 3400000\n"), "utf-8")
    assert main(["diff", "bsu-2022", str(path), "--members", MEMBERS, "--format", form]) == 1
    out = capsys.readouterr().out
    if form == "text":
        assert "Reviewed otherwise before payment (eligible under both)\n" \
               "  no review → zero-wage-review: 1 member\n    3204********0003 (record 1)" in out
    else:
        (review,) = json.loads(out)["members"]["reviews"]
        assert (review["old"], review["new"], review["count"]) == ([], ["zero-wage-review"], 1)


def test_a_symbolic_search_says_how_far_it_is_while_it_runs(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Two editions take the solver a minute or more: a line on stderr says every few seconds how many
    regions it has found, so that a long search is not mistaken for a hung one."""
    pytest.importorskip("z3")
    import bsu_rules.cli.diff as command

    monkeypatch.setattr(command, "EVERY", 0.01)
    assert main(["diff", "bsu-2021", "bsu-2022", "--symbolic", "--limit", "1", "--format", "json"]) == 1
    said = [line for line in capsys.readouterr().err.splitlines() if line.startswith("bsu-rules diff --symbolic: ")]
    assert said and said[-1].split(",")[0] in ("bsu-rules diff --symbolic: 0 of at most 1 regions found",
                                               "bsu-rules diff --symbolic: 1 of at most 1 regions found")


def test_write_tests_without_symbolic_is_refused_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """`--write-tests` asks for the symbolic search's witnesses: without `--symbolic` it is refused at once,
    before the members file is read and compared."""
    import bsu_rules.cli.diff as command

    monkeypatch.setattr(command, "compare", lambda *_: pytest.fail("compared before the option was refused"))
    assert main(["diff", "bsu-2021", "bsu-2022", "--write-tests", str(tmp_path / "w.yaml")]) == 2
    err = capsys.readouterr().err
    assert "--write-tests" in err and "needs --symbolic" in err


def test_a_limit_of_no_arrears_is_read_out_in_the_flips_and_counts_agree_in_number(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A flip's reason is the worker's sentence: under `max_arrears_months: 0`, one month unpaid reads as that month
    and the limit as none ("June 2022 to June 2022", "more than the limit of 0 months" before), and a count says
    "1 member" / "2 members", never "member(s)"."""
    text = (bundled_rules() / "bsu-2022.yaml").read_text("utf-8")
    assert text.count("  max_arrears_months:\n    value: 2\n") == 1
    (tmp_path / "new").mkdir()
    new = copy_2022(tmp_path / "new")
    new.write_text(new.read_text("utf-8").replace("  max_arrears_months:\n    value: 2\n",
                                                  "  max_arrears_months:\n    value: 0\n"), "utf-8")
    first = json.loads(Path(MEMBERS).read_text("utf-8").splitlines()[0])
    rows = []
    for behind in (1, 2):
        contributions = [{"period": f"2022-{m:02d}", "amount": 314160,
                          "paid_on": None if m >= 7 - behind else f"2022-{m + 1:02d}-10"} for m in range(3, 8)]
        rows.append(json.dumps(first | {"nik": f"320412570894001{behind}", "contributions": contributions}))
    members = tmp_path / "behind.jsonl"
    members.write_text("\n".join(rows) + "\n", "utf-8")
    assert main(["diff", "bsu-2022", str(new), "--members", str(members)]) == 1
    out = capsys.readouterr().out
    assert "  eligible → ineligible: 2 members, because of arrears\n" in out and "(s)" not in out
    assert ("arrears: pass → fail — As of 31 July 2022, contributions are unpaid for 1 month in June 2022, while "
            "the rules allow none\n") in out
    assert ("arrears: pass → fail — As of 31 July 2022, contributions are unpaid for 2 months between May 2022 and "
            "June 2022, while the rules allow none\n") in out
