"""Reforms without editing a file: overrides checked like the rule file, hashed, recorded, replayable."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from bsu_rules.cli import main
from bsu_rules.errors import RuleSetError
from bsu_rules.evaluators.scalar import evaluate
from bsu_rules.members import parse_member
from bsu_rules.ruleset.loader import bundled_rules, load_ruleset
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.override_texts import parse_override, split_assignments
from bsu_rules.ruleset.overrides import Reform, reform_of
from bsu_rules.ruleset.stale import Count, restated

ROOT = Path(__file__).resolve().parents[1]
SITI = {"nik": "3215014107900001", "citizenship": "WNI", "participant_category": "PU",
        "employment_type": "private", "work_regency_code": "3204", "registered_on": "2019-03-01",
        "birth_date": "1990-07-01", "wages": [{"period": "2022-07", "amount": 3_800_000}],
        "contributions": [{"period": "2022-07", "amount": 100, "paid_on": "2022-08-10"}],
        "program_receipts": [], "membership_ended_on": None, "deceased_on": None,
        "bank_account": {"bank": "BRI", "number": "012301000123456", "holder_name": "Siti"}}


def errors(base: RuleSet, sets: list[str], tables: list[str] | None = None) -> list[str]:
    with pytest.raises(RuleSetError) as info:
        reform_of(base, sets, tables or [])
    return [str(d) for d in info.value.diagnostics]


def test_a_reform_changes_decisions_and_is_named_by_its_own_hash(rs2022: RuleSet) -> None:
    reform = reform_of(rs2022, ["wage_ceiling=4000000"], [])
    assert isinstance(reform, Reform) and reform.base is rs2022
    before, after = evaluate(rs2022, SITI), evaluate(reform, SITI)
    assert (before.outcome, after.outcome) == ("ineligible", "eligible")
    assert after.ruleset.sha256 == reform.sha256 != rs2022.sha256
    assert after.parameters["wage_ceiling"].value == 4_000_000
    # the hash is the base and the overrides, whatever order they are given in
    two = ["wage_ceiling=4000000", "benefit.amount=700000"]
    assert reform_of(rs2022, two, []).sha256 == reform_of(rs2022, two[::-1], []).sha256
    assert reform_of(rs2022, ["wage_ceiling=4000001"], []).sha256 != reform.sha256
    assert reform_of(rs2022, [], []) is rs2022


def test_overrides_are_checked_like_the_rule_file(rs2022: RuleSet) -> None:
    assert "did you mean `wage_ceiling`" in errors(rs2022, ["wage_celing=4000000"])[0]
    assert "did you mean `wage_ceiling`" in errors(rs2022, ["batas_upah=4000000"])[0]  # its description, as a name
    assert "[invalid-value]: `lots` is text: an amount in rupiah" in errors(rs2022, ["wage_ceiling=lots"])[0]
    assert "[type-mismatch]" in errors(rs2022, ["cutoff_month=2022-08-01"])[0]  # a date where a month is
    assert "did you mean `benefit.monthly`" in errors(rs2022, ["benefit.montly=1"])[0]
    assert "benefit.months" in errors(rs2022, ["benefit.monthly=700000"])[0]
    assert "[bad-override]" in errors(rs2022, ["wage_ceiling"])[0]
    assert "did you mean `minimum_wage`" in errors(rs2022, [], ["minimum_wag=x.csv"])[0]
    assert "[table]" in errors(rs2022, [], [f"minimum_wage={ROOT}/rules/tables/ppkm-areas-2021.csv"])[0]
    assert len(errors(rs2022, ["wage_celing=1", "benefit.x=2"])) == 2  # every problem at once
    assert "larger than the engine computes with exactly" in errors(rs2022, [f"wage_ceiling={2**63}"])[0]
    assert "a number of ten digits or more" in errors(rs2022, [f"wage_ceiling={2**63 - 1}"])[0]
    widest = evaluate(reform_of(rs2022, ["wage_ceiling=999999999"], []), SITI)
    assert widest.parameters["wage_ceiling"].value == 999_999_999


@pytest.mark.parametrize(("given", "said"), [
    ("cutoff_month=2022-07-31", "`cutoff_month` is a month (YYYY-MM); `2022-07-31` is a date (YYYY-MM-DD); did you "
                                "mean `2022-07`?"),
    ("fiscal_year=2.022", "`fiscal_year` is a whole number; `2.022` is a number; did you mean `2022`?"),
    ("as_of=31/07/2022", "as_of: `31/07/2022` is not a date: write the date as YYYY-MM-DD (2022-07-31); did you mean "
                         "`2022-07-31`?"),
    ("as_of=2022-02-30", "as_of: `2022-02-30` is not a date in the calendar: February 2022 has 28 days; did you "
                         "mean `2022-02-28`?"),  # as the rule file's own as_of
    ("as_of=2022-06", "as_of: `2022-06` is a month: write a day, YYYY-MM-DD (2022-06-30, the month's last day); "
                      "did you mean `2022-06-30`?"),  # the data read as at the month's end
    ("state_banks=[BRI,BNI", "`[BRI,BNI` is not a value (a number, date, month, text or [list]); the list's closing "
                             "`]` is missing; did you mean `[BRI,BNI]`?"),
    ("wage_ceiling=null", "`null` is no value: a what-if gives a number, date, month, text or [list] (a parameter is "
                          "left unset from a date on with NAME@YYYY-MM-DD=null)"),
    ("wage_ceiling@2022-09-05=null", "`wage_ceiling` unset from 2022-09-05, on or before the edition's start "
                                     "(2022-09-05), has no value on any day the edition covers: give a date after "
                                     "2022-09-05"),
    ("state_banks=~", "`~` is no value: a what-if gives a number, date, month, text or [list] (a parameter is left "
                      "unset from a date on with NAME@YYYY-MM-DD=null)"),
])
def test_a_value_of_the_wrong_kind_is_named_in_words_with_the_value_meant(rs2022: RuleSet, given: str,
                                                                          said: str) -> None:
    assert errors(rs2022, [given])[0].endswith(said)


@pytest.mark.parametrize(("amount", "said"), [
    ('"3.742.276,48"', "mw.csv:2:23: error [table]: `amount` is '3.742.276,48', a number written with separators: "
                       "write `3742276.48`"),
    ('"3742276,48"', "mw.csv:2:23: error [table]: `amount` is '3742276,48', a number written with separators: "
                   "write `3742276.48`"),
    ("tiga juta", "error [type-mismatch]: table `minimum_wage` holds numbers in the rule file; mw.csv gives "
                  "text values"),
    ('"3742276', 'mw.csv:2:23: error [table]: a quote `"` is not closed: the cell runs on to the end of the file'),
])
def test_a_replacement_table_is_read_as_the_rule_files_tables_are(rs2022: RuleSet, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch, amount: str,
                                                                   said: str) -> None:
    (tmp_path / "mw.csv").write_text(f"area_code,area_name,level,amount,bound,source\n3273,Kota Bandung,UMK,{amount},"
                                     "exact,x\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    assert said in errors(rs2022, [], ["minimum_wage=mw.csv"])[0]


def test_every_wrong_row_of_a_replacement_table_is_told_at_once(rs2022: RuleSet, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mw.csv").write_text("area_code,area_name,level,amount,bound,source\n3204,Kab. Bandung,UMK,,exact,x\n"
                                     "3205,Kab. Garut,UMK,3.900.000,exact,x\n3206,Kab. Sumedang,UMK,3900000,exct,x\n",
                                     "utf-8")
    monkeypatch.chdir(tmp_path)
    said = errors(rs2022, [], ["minimum_wage=mw.csv"])
    assert [line.split(": ")[0] for line in said] == ["mw.csv:2:23", "mw.csv:3:21", "mw.csv:4:32"], said


def test_a_replacement_table_is_named_as_given_and_the_table_by_its_name(rs2022: RuleSet, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The file as the command line gives it (it was named once resolved: `null` for /dev/stdin, the
    current folder's name for an empty one), and the table replaced by its name (it was named by the file)."""
    (tmp_path / "mw.csv").write_text("area_code,area_name,level,amount,bound,source\n3273,Kota Bandung,UMK,1,exact,"
                                     "x\n", "utf-8")
    (tmp_path / "folder").mkdir()
    monkeypatch.chdir(tmp_path / "folder")
    assert errors(rs2022, [], ["minimum_wage="]) == [
        "--table minimum_wage=:1:1: error [table]: no table file after `=`: write --table minimum_wage=FILE"]
    assert errors(rs2022, [], ["minimum_wage=/dev/null"]) == [
        "--table minimum_wage=/dev/null:1:1: error [table]: table file `/dev/null` is not a regular file"]
    assert errors(rs2022, [], ["banks=../mw.csv"]) == [
        "--table banks=../mw.csv:1:1: error [table]: table `banks` (../mw.csv) has no column `alias` (columns: "
        "area_code, area_name, level, amount, bound, source)"]


def test_dated_values_and_benefit(rs2022: RuleSet) -> None:
    rs2021 = load_ruleset("bsu-2021")
    b = reform_of(rs2021, ["benefit.monthly=700000"], []).model.benefit
    assert (b.amount, b.monthly, b.months, b.instalments) == (1_400_000, 700_000, 2, [1_400_000])
    dated = reform_of(rs2022, ["wage_ceiling@2022-10-01=4000000"], [])
    assert dated.parameter("wage_ceiling", date(2022, 9, 30))[0] == 3_500_000
    assert dated.parameter("wage_ceiling", date(2022, 10, 1)) == (4_000_000, date(2022, 10, 1))


def test_the_order_overrides_are_given_in_changes_nothing(rs2022: RuleSet) -> None:
    # the hash sees the overrides sorted: two orders with one hash must give one rule set
    undated, dated = "wage_ceiling=4000000", "wage_ceiling@2022-10-01=3000000"
    one, other = reform_of(rs2022, [undated, dated], []), reform_of(rs2022, [dated, undated], [])
    assert one.sha256 == other.sha256
    for reform in (one, other):
        assert reform.parameter("wage_ceiling", date(2022, 9, 30))[0] == 4_000_000
        assert reform.parameter("wage_ceiling", date(2022, 10, 1))[0] == 3_000_000
    assert [o["since"] for o in one.overrides] == [None, "2022-10-01"]  # shown as applied: the undated value first


@pytest.mark.parametrize("twice", [["wage_ceiling=4000000", "wage_ceiling=3000000"],
                                   ["wage_ceiling@2022-10-01=1", "wage_ceiling@2022-10-01=2"],
                                   ["as_of=2022-07-31", "as_of=2022-08-31"],
                                   ["benefit.amount=1", "benefit.amount=2"]])
def test_one_value_set_twice_is_an_error_not_the_last_one_winning(rs2022: RuleSet, twice: list[str]) -> None:
    said = errors(rs2022, twice)
    assert len(said) == 1 and "bad-override" in said[0] and "give it once" in said[0], said


def test_one_table_replaced_twice_is_an_error(rs2022: RuleSet, tmp_path: Path) -> None:
    table = tmp_path / "umk.csv"
    table.write_text("area_code,amount,bound\n3273,4100000,exact\n", "utf-8")
    said = errors(rs2022, [], [f"minimum_wage={table}", f"minimum_wage={table}"])
    assert len(said) == 1 and "replace the same table: give it once" in said[0], said


def test_the_data_date_moves_with_as_of_and_a_cut_off_moved_alone_is_warned(rs2022: RuleSet,
                                                                              tmp_path: Path) -> None:
    member = {"nik": "3204125708940003", "citizenship": "WNI", "participant_category": "PU",
              "contributions": [{"period": p} for p in ("2022-04", "2022-05", "2022-06")]}
    moved = reform_of(rs2022, ["cutoff_month=2022-06"], [])
    assert "as_of stays 2022-07-31" in moved.warnings[0]  # type: ignore[attr-defined]
    arrears = moved.plan(date(2022, 9, 12)).decide(parse_member(member)).rule("arrears")
    assert arrears.outcome == "fail"  # June is past its deadline by 31 July: three months in arrears
    both = reform_of(rs2022, ["cutoff_month=2022-06", "as_of=2022-06-30"], [])
    assert both.model.as_of == date(2022, 6, 30) and not both.warnings  # type: ignore[attr-defined]
    assert both.plan(date(2022, 9, 12)).decide(parse_member(member)).rule("arrears").outcome == "pass"
    assert both.sha256 != moved.sha256
    assert "as_of: `2022-06` is a month" in errors(rs2022, ["as_of=2022-06"])[0]
    assert "as_of is one date" in errors(rs2022, ["as_of=5"])[0]
    assert "did you mean `as_of`" in errors(rs2022, ["as_o=2022-06-30"])[0]
    assert not reform_of(rs2022, ["wage_ceiling=4000000"], []).warnings  # type: ignore[attr-defined]


def test_a_value_dated_before_the_edition_starts_is_warned_as_read_from_its_first_day(rs2022: RuleSet) -> None:
    """A year mistyped (2020 for 2023) makes a dated value the edition's own from its first day: said, as a
    value dated after the edition ends is; one dated on the first day, or inside the edition, is not."""
    (early,) = reform_of(rs2022, ["wage_ceiling@2020-01-01=4000000"], []).warnings  # type: ignore[attr-defined]
    assert early.kind == "early" and early == (
        "--set wage_ceiling@2020-01-01=4000000: dated 2020-01-01, before the edition starts on 2022-09-05: it is "
        "read from the edition's first day, as a value without a date would be; if another date was meant, give it")
    for day in ("2022-09-05", "2022-10-01"):
        assert not reform_of(rs2022, [f"wage_ceiling@{day}=4000000"], []).warnings  # type: ignore[attr-defined]
    (late,) = reform_of(rs2022, ["wage_ceiling@2030-01-01=4000000"], []).warnings  # type: ignore[attr-defined]
    assert late.kind == "unread"


def test_a_ceiling_lowered_below_the_rows_a_partial_table_lists_is_warned(rs2022: RuleSet, tmp_path: Path) -> None:
    """The minimum-wage table lists the areas above the file's ceiling: under a lower one, an area between
    the two is missing from it, and its workers get the new ceiling, not their own minimum wage."""
    lowered = reform_of(rs2022, ["wage_ceiling=3000000"], []).warnings  # type: ignore[attr-defined]
    assert len(lowered) == 1 and lowered[0].startswith("--set wage_ceiling=3000000: below the rule file's 3500000, "
                                                       "while `fact.regional_minimum > param.wage_ceiling` compares "
                                                       "it with `table.minimum_wage`, a partial table")
    assert "--table minimum_wage=FILE" in lowered[0]
    dated = reform_of(rs2022, ["wage_ceiling@2022-09-01=3400000"], []).warnings  # type: ignore[attr-defined]
    assert [w.kind for w in dated] == ["early", "partial-table"]  # 1 September: read from the edition's 5th
    assert "wage_ceiling@2022-09-01=3400000: below the rule file's 3500000" in dated[1]
    shipped = str(Path(rs2022.path).parent / "tables" / "minimum-wage-2022.csv")  # the same rows: still partial
    assert len(reform_of(rs2022, ["wage_ceiling=3000000"], [f"minimum_wage={shipped}"]).warnings) == 2  # type: ignore[attr-defined]
    table = tmp_path / "umk.csv"  # the rows given: nothing to warn of
    table.write_text("area_code,amount,bound\n3204,3241929.67,exact\n", "utf-8")
    assert not reform_of(rs2022, ["wage_ceiling=3000000"], [f"minimum_wage={table}"]).warnings  # type: ignore[attr-defined]
    assert not any("partial" in w for w in reform_of(rs2022, ["wage_ceiling=3500000"], []).warnings)  # type: ignore[attr-defined]
    assert not reform_of(rs2022, ["max_arrears_months=0"], []).warnings  # type: ignore[attr-defined]


def test_a_criterion_that_reads_what_a_reform_changed_says_so_in_its_title(rs2022: RuleSet, tmp_path: Path) -> None:
    reform = reform_of(rs2022, ["wage_ceiling=4000000", "max_arrears_months=0"], [])
    titles = {c.rule.id: c.rule.title for c in reform.rules}
    assert titles["wage-ceiling"].en.endswith("(what-if: set wage_ceiling=4000000)")  # type: ignore[union-attr]
    assert titles["wage-ceiling"].id.endswith("(simulasi: set wage_ceiling=4000000)")  # type: ignore[union-attr]
    assert titles["arrears"].en.endswith("(what-if: set max_arrears_months=0)")  # type: ignore[union-attr]
    assert titles["citizen"] == next(c.rule.title for c in rs2022.rules if c.rule.id == "citizen")
    assert [r.title for r in reform.model.rules] == list(titles.values())
    assert "(what-if:" not in str(next(c.rule.title for c in rs2022.rules if c.rule.id == "arrears"))
    table = tmp_path / "mw.csv"  # a replaced table is named, not its file: a page is printed
    table.write_text("area_code,amount,bound\n3204,3241929.67,exact\n", "utf-8")
    replaced = {c.rule.id: c.rule.title for c in reform_of(rs2022, [], [f"minimum_wage={table}"]).rules}
    assert replaced["wage-ceiling"].id.endswith("(simulasi: tabel minimum_wage)")  # type: ignore[union-attr]
    assert replaced["wage-ceiling"].en.endswith("(what-if: table minimum_wage)")  # type: ignore[union-attr]
    assert str(tmp_path) not in str(replaced["wage-ceiling"])


def test_a_figure_a_title_quotes_is_the_reforms_where_it_holds_one_in_its_place(rs2022: RuleSet) -> None:
    titles = {c.rule.id: c.rule.title for c in reform_of(rs2022, ["wage_ceiling=4000000", "cutoff_month=2022-06",
                                                                   "as_of=2022-06-30"], []).rules}
    assert titles["wage-ceiling"].id.startswith("Upah paling banyak Rp4.000.000 atau")  # type: ignore[union-attr]
    assert titles["wage-ceiling"].en.startswith("Wage at most Rp4.000.000 or")  # type: ignore[union-attr]
    registered = titles["registered-by-cutoff"]
    assert registered.en.startswith("Registered as a participant by 30 June 2022 (what-if")  # type: ignore[union-attr]
    assert registered.id.startswith("Terdaftar sebagai peserta paling lambat 30 Juni 2022 (simulasi")  # type: ignore[union-attr]
    assert titles["contribution-billed"].en.startswith("Contribution billed for June 2022 (")  # type: ignore[union-attr]
    counted = {c.rule.id: c.rule.title for c in reform_of(rs2022, ["max_arrears_months=1"], []).rules}
    assert counted["arrears"].en.startswith("At most 1 month of unpaid")  # type: ignore[union-attr]
    assert counted["arrears"].id.startswith("Tunggakan iuran paling lama 1 bulan")  # type: ignore[union-attr]
    both = {c.rule.id: c.rule.title for c in reform_of(rs2022, ["wage_ceiling=100000", "rounding=50000"], []).rules}
    assert both["wage-ceiling"].en.startswith("Wage at most Rp100.000 or")  # type: ignore[union-attr]  # each its own
    whole = {c.rule.id: c.rule.title for c in reform_of(rs2022, ["max_arrears_months@2022-01-01=1"], []).rules}
    assert whole["arrears"].en.startswith("At most 1 month of")  # type: ignore[union-attr]  # dated before the edition
    dated = {c.rule.id: c.rule.title for c in reform_of(rs2022, ["wage_ceiling@2023-01-01=3400000"], []).rules}
    assert dated["wage-ceiling"].en.startswith("Wage at most Rp3.500.000 or")  # type: ignore[union-attr]  # both held


def test_a_count_a_title_states_is_restated_from_a_value_of_its_unit_only() -> None:
    """"2 months" is a count of months: a what-if changes it when it sets a parameter in months (the same
    reading `stale-title` makes), not when it sets a plain number or an amount that happened to be 2."""
    title = {"en": "At most 2 months of unpaid contributions", "id": "Tunggakan iuran paling lama 2 bulan"}
    assert {lang: restated(t, lang, {2: 5}) for lang, t in title.items()} == title
    assert restated(title["en"], "en", {Count("months", 2): 1}) == "At most 1 month of unpaid contributions"
    assert restated(title["id"], "id", {Count("months", 2): 1}) == "Tunggakan iuran paling lama 1 bulan"
    assert restated("Paid within 2 days", "en", {Count("months", 2): 1}) == "Paid within 2 days"
    assert restated("Paid within 2 days", "en", {Count("days", 2): 14}) == "Paid within 14 days"


def test_a_limit_a_what_if_puts_at_0_is_said_in_words_in_the_title(rs2022: RuleSet) -> None:
    """"At most 0 months of unpaid contributions in a row" / "Tunggakan iuran paling lama 0 bulan berturut-turut"
    read a limit of none as a count: a title says what there is none of, in both languages (a run of none is
    no run: "in a row" goes with the count); 1 month is still a count."""
    titles = {c.rule.id: c.rule.title for c in reform_of(rs2022, ["max_arrears_months=0"], []).rules}
    assert titles["arrears"].en == "No unpaid contributions (what-if: set max_arrears_months=0)"  # type: ignore[union-attr]
    assert titles["arrears"].id == "Tidak ada tunggakan iuran (simulasi: set max_arrears_months=0)"  # type: ignore[union-attr]
    dated = {c.rule.id: c.rule.title for c in reform_of(rs2022, ["max_arrears_months@2022-01-01=0"], []).rules}
    assert dated["arrears"].en.startswith("No unpaid contributions (what-if")  # type: ignore[union-attr]
    one = {c.rule.id: c.rule.title for c in reform_of(rs2022, ["max_arrears_months=1"], []).rules}
    assert one["arrears"].en.startswith("At most 1 month of unpaid contributions in a row (")  # type: ignore[union-attr]


@pytest.mark.parametrize(("title", "lang", "said"), [
    ("At most 2 months of unpaid contributions in a row", "en", "No unpaid contributions"),
    ("Tunggakan iuran paling lama 2 bulan berturut-turut", "id", "Tidak ada tunggakan iuran"),
    ("No more than 2 days of late payment", "en", "No late payment"),
    ("Keterlambatan BSU paling banyak 2 hari", "id", "Tidak ada keterlambatan BSU"),
    ("Active; arrears of at most 2 months before July 2022", "en", "Active; arrears of no months before July 2022"),
    ("Peserta aktif; tunggakan PPKM paling lama 2 bulan", "id", "Peserta aktif; tidak ada tunggakan PPKM"),
    ("Paling lama 2 bulan menunggak iuran", "id", "Tidak satu bulan pun menunggak iuran"),
    ("Paid within 2 months", "en", "Paid within 0 months"),  # no limit of "at most": the figure stays
])
def test_a_limit_of_any_count_put_at_0_is_said_as_none(title: str, lang: str, said: str) -> None:
    """Any count a title states as a limit ("at most", "paling lama", "paling banyak"), of months or days, put
    at 0: what it is of, where the title says it, is what there is none of; else "no months"."""
    unit = "days" if ("day" in title or "hari" in title) else "months"
    assert restated(title, lang, {Count(unit, 2): 0}) == said
    assert "\x00" not in restated(title, lang, {Count(unit, 2): 0})


def test_a_table_override(rs2022: RuleSet, tmp_path: Path) -> None:
    table = tmp_path / "umk.csv"
    table.write_text("area_code,amount,bound\n3273,4000000,exact\n", "utf-8")
    reform = reform_of(rs2022, [], [f"minimum_wage={table}"])
    assert reform.tables["minimum_wage"].rows == 1
    assert reform.overrides == ({"table": "minimum_wage", "sha256": reform.tables["minimum_wage"].sha256},)


def test_a_set_value_no_table_holds_is_warned_as_check_warns_of_it(rs2022: RuleSet) -> None:
    warned = reform_of(rs2022, ["state_banks=[bri, BNI, MANDRI, BTN]"], []).warnings  # type: ignore[attr-defined]
    said = [w for w in warned if "warning [unknown-value]" in w]
    # at the item in the option that gives it, not at the rule file's own value (which is right)
    assert [w.split(": warning")[0] for w in said] == ["--set state_banks=[bri, BNI, MANDRI, BTN]:1:20",
                                                      "--set state_banks=[bri, BNI, MANDRI, BTN]:1:30"], warned
    assert "`MANDRI` of `param.state_banks` is none of the values of `table.banks`" in said[1]
    (dated,) = reform_of(rs2022, ["state_banks@2022-10-01=[BRI, bni]"], []).warnings  # type: ignore[attr-defined]
    assert dated.startswith("--set state_banks@2022-10-01=[BRI, bni]:1:") and "`bni` of `param.state_banks`" in dated
    assert reform_of(rs2022, ["state_banks=[BRI, BNI]"], []).warnings == ()  # type: ignore[attr-defined]


def test_a_title_a_what_if_makes_stale_is_not_warned_with_a_table_or_without(rs2022: RuleSet) -> None:
    """The what-if cannot change the title, and every page says it is a what-if: warning of it only when a
    table is replaced as well made the same --set warn or not."""
    table = ROOT / "rules" / "tables" / "minimum-wage-2022.csv"
    alone = reform_of(rs2022, ["wage_ceiling=4000000"], []).warnings  # type: ignore[attr-defined]
    with_table = reform_of(rs2022, ["wage_ceiling=4000000"], [f"minimum_wage={table}"]).warnings  # type: ignore[attr-defined]
    assert alone == () and not any("stale-title" in w for w in with_table), with_table
    assert any("the decisions are the rule file's, labelled as a what-if (sha256 " in w for w in with_table)


def test_a_replacement_table_gets_the_warnings_check_gives_a_table(rs2022: RuleSet, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A bank the rule set names left out, a key no member can match: warned as `check` warns of them in
    the rule file's own tables; a table as the rule file has it adds none, only that it changes nothing."""
    banks = tmp_path / "banks.csv"
    written = (ROOT / "rules" / "tables" / "banks.csv").read_text("utf-8")
    as_written = ROOT / "rules" / "tables" / "banks.csv"
    same = reform_of(rs2022, [], [f"banks={as_written}"])
    assert same.warnings == (  # type: ignore[attr-defined]
        f"--table banks={as_written}: the file holds the rows the rule file's table holds; the decisions are the rule "
        f"file's, labelled as a what-if (sha256 {same.sha256[:12]})",)
    banks.write_text("".join(line for line in written.splitlines(keepends=True) if not line.startswith("MANDIRI,")))
    (warned,) = reform_of(rs2022, [], [f"banks={banks}"]).warnings  # type: ignore[attr-defined]
    assert f"with --table banks={banks}: " in warned and "warning [unknown-value]" in warned
    assert "`MANDIRI` of `param.state_banks` is none of the values of `table.banks`" in warned
    umk = tmp_path / "umk.csv"
    umk.write_text("area_code,amount,bound,source\n3273,4000000,exact,src\n32041,4000000,exact,src\n"
                   "3200,4000000,exact,src\n", "utf-8")  # a province without its regency is looked up as unknown
    warned = "\n".join(reform_of(rs2022, [], [f"minimum_wage={umk}"]).warnings)  # type: ignore[attr-defined]
    assert f"{umk}:3:1: warning [unmatchable-key]" in warned and "key `32041` of `table.minimum_wage`" in warned
    assert f"{umk}:4:1: warning [unmatchable-key]" in warned and "key `3200` of `table.minimum_wage`" in warned
    member = tmp_path / "siti.json"
    member.write_text(json.dumps(SITI), "utf-8")
    assert main(["evaluate", "bsu-2022", str(member), "--table", f"banks={banks}"]) == 0
    assert "bsu-rules: warning: with --table banks=" in capsys.readouterr().err


def test_cli_evaluate_and_batch_take_overrides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    member = tmp_path / "siti.json"
    member.write_text(json.dumps(SITI), "utf-8")
    assert main(["evaluate", "bsu-2022", str(member), "--set", "wage_ceiling=4000000"]) == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["outcome"] == "eligible"
    assert decision["ruleset"]["sha256"] == reform_of(load_ruleset("bsu-2022"), ["wage_ceiling=4000000"], []).sha256
    assert main(["evaluate", "bsu-2022", str(member), "--set", "wage_celing=4000000"]) == 2
    assert "did you mean" in capsys.readouterr().err


def test_a_what_if_decision_says_so_first_and_names_its_base(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A letter made under overrides is never mistaken for the programme's decision, and the line on
    stderr pins the reform's hash on the base file's hash and the overrides, not on the file."""
    member = tmp_path / "siti.json"
    member.write_text(json.dumps(SITI), "utf-8")
    base = load_ruleset("bsu-2022")
    for lang, says in (("id", "SIMULASI, bukan keputusan program: aturan diubah untuk perhitungan ini (jumlah "
                              "bantuan diubah menjadi Rp700.000; tahap pembayaran bantuan diubah menjadi Rp700.000; "
                              "batas upah dalam peraturan diubah menjadi Rp4.000.000)"),
                       ("en", "WHAT-IF, not a decision of the programme: the rules were changed for this run")):
        for audience in ("worker", "officer", "auditor"):
            assert main(["evaluate", "bsu-2022", str(member), "--set", "wage_ceiling=4000000", "--set",
                         "benefit.amount=700000", "--set", "benefit.instalments=[700000]", "--format", "text",
                         "--lang", lang, "--audience", audience]) == 0
            out, err = capsys.readouterr()
            assert out.splitlines()[1].startswith(says), out
            cited = {"id": "Pasal 6 ayat (1) Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022; jumlahnya diubah "
                           "dalam simulasi ini, bukan jumlah dalam pasal itu.",
                     "en": "Article 6(1) of Regulation of the Minister of Manpower Number 10 of 2022; the amount was "
                           "changed for this what-if, and is not the article's."}[lang]
            assert f"  [1] {cited}" in out.splitlines(), out  # the article never vouches for a simulated amount
    assert f"{base.path} sha256 {base.sha256}; what-if --set benefit.amount=700000 --set 'benefit.instalments=" \
        "[700000]' --set wage_ceiling=4000000: sha256 " in err
    assert main(["evaluate", "bsu-2022", str(member), "--set", "wage_ceiling=4000000", "--format", "html"]) == 0
    assert '<p class="what-if">SIMULASI' in capsys.readouterr().out
    assert main(["evaluate", "bsu-2022", str(member), "--format", "text"]) == 0  # the file itself: no such line
    out, err = capsys.readouterr()
    assert "SIMULASI" not in out and "what-if" not in err and f"sha256 {base.sha256}\n" in err


def test_a_what_if_value_dated_before_the_edition_is_said_from_the_edition_s_first_day(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It is read from 5 September 2022 (and warned of): the banner says so, not the day typed."""
    member = tmp_path / "siti.json"
    member.write_text(json.dumps(SITI), "utf-8")
    assert main(["evaluate", "bsu-2022", str(member), "--set", "wage_ceiling@2022-09-01=4000000", "--format", "text",
                 "--lang", "id"]) == 0
    assert "(batas upah dalam peraturan diubah menjadi Rp4.000.000 sejak 5 September 2022)" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["text", "speech", "html"])
def test_the_what_if_banner_says_what_was_changed_in_words_not_with_an_equals_sign(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    """A screen reader reads "=" as "equals" ("batas tunggakan iuran equals 0 bulan"): the banner says each change
    as a sentence does, "diubah menjadi" / "set to", in every format and audience."""
    member = tmp_path / "siti.json"
    member.write_text(json.dumps(SITI), "utf-8")
    said = {"id": "(batas tunggakan iuran diubah menjadi 0 bulan; batas upah dalam peraturan diubah menjadi "
                  "Rp4.000.000 sejak 1 Oktober 2022)",
            "en": "(most months of unpaid contributions allowed set to 0 months; wage ceiling in the regulation set to "
                  "Rp4.000.000 from 1 October 2022)"}
    for lang in ("id", "en"):
        for audience in ("worker", "officer", "auditor"):
            assert main(["evaluate", "bsu-2022", str(member), "--set", "max_arrears_months=0", "--set",
                         "wage_ceiling@2022-10-01=4000000", "--format", fmt, "--lang", lang, "--audience",
                         audience]) == 0
            out = capsys.readouterr().out
            banner = next(line for line in out.splitlines() if "WHAT-IF" in line or "SIMULASI" in line)
            if fmt == "html":  # an English voice hears the amount in words, the eye reads it as written
                banner = banner.replace('<span aria-hidden="true">Rp4.000.000</span><span class="said">4,000,000 '
                                        "rupiah</span>", "Rp4.000.000")
            if fmt == "speech" and lang == "en":
                banner = banner.replace("4,000,000 rupiah", "Rp4.000.000")
            assert said[lang] in banner and " = " not in banner, banner


@pytest.mark.parametrize("year", ["20223", "0", "-1"])
def test_a_year_no_calendar_holds_is_shown_as_written(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      year: str) -> None:
    member = tmp_path / "siti.json"
    member.write_text(json.dumps(SITI), "utf-8")
    for audience in ("worker", "officer", "auditor"):
        assert main(["evaluate", "bsu-2022", str(member), "--set", f"fiscal_year={year}", "--format", "text",
                     "--audience", audience]) in (0, 1)
        out, err = capsys.readouterr()
        assert f"(tahun anggaran diubah menjadi {year})" in out
        assert f"warning [unknown-value]: `received`: a receipt's year is 2000-2100 in the data contract (no " \
            f"receipt matches another), got {year} from `param.fiscal_year`" in err  # the exclusion never fires


def test_a_reform_of_the_data_date_is_archived_and_replayed(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A date override is archived as a date (it was read back as text, and the replay refused it)."""
    member, log, archive = tmp_path / "siti.json", tmp_path / "d.jsonl", tmp_path / "a"
    member.write_text(json.dumps(SITI), "utf-8")
    sets = ["--set", "as_of=2022-08-31", "--set", "cutoff_month=2022-08", "--set", "state_banks=[BRI, BNI]"]
    assert main(["evaluate", "bsu-2022", str(member), *sets, "--log", str(log), "--full-nik",
                 "--archive", str(archive)]) in (0, 1)
    assert "what-if --set as_of=2022-08-31 --set cutoff_month=2022-08 --set 'state_banks=[\"BRI\", \"BNI\"]':" \
        in capsys.readouterr().err  # as a shell takes it
    from bsu_rules.audit.rerun import replay

    report = replay(log, archive)
    assert report.ok and report.counts["identical"] == 1, report.summary()


@pytest.mark.parametrize("given", ["wage_ceiling@3204125708940003=4000000", "cutoff_month=3204125708940003",
                                   "3204125708940003=1", "wage_ceiling=3204-1257-0894-0003"])
def test_a_nik_typed_into_an_override_is_never_repeated(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        given: str) -> None:
    member = tmp_path / "siti.json"
    member.write_text(json.dumps(SITI), "utf-8")
    assert main(["evaluate", "bsu-2022", str(member), "--set", given]) == 2
    err = capsys.readouterr().err
    assert "error" in err and "<16 digits>" in err and "3204125708940003" not in err.replace("-", "")


def test_a_what_if_is_logged_only_with_its_archive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without its archive entry a logged what-if could never be replayed, nor told from the programme's."""
    member, log, archive = tmp_path / "siti.json", tmp_path / "d.jsonl", tmp_path / "a"
    member.write_text(json.dumps(SITI), "utf-8")
    assert main(["evaluate", "bsu-2022", str(member), "--set", "wage_ceiling=4000000", "--log", str(log),
                 "--full-nik"]) == 2
    assert "needs --archive DIR" in capsys.readouterr().err and not log.exists()
    assert main(["archive", "bsu-2022", "--set", "wage_ceiling=4000000", "--into", str(archive)]) == 0  # afterwards
    sha = reform_of(load_ruleset("bsu-2022"), ["wage_ceiling=4000000"], []).sha256
    assert f"sha256 {sha}: archived in" in capsys.readouterr().out and (archive / sha / "manifest.json").exists()


def test_a_reform_is_archived_and_replayed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bsu_rules.audit.archive import archive_ruleset, load_archived
    from bsu_rules.audit.rerun import replay

    member, table, log, archive = tmp_path / "siti.json", tmp_path / "umk.csv", tmp_path / "d.jsonl", tmp_path / "a"
    member.write_text(json.dumps({**SITI, "work_regency_code": "3273"}), "utf-8")  # Kota Bandung
    table.write_text("area_code,amount,bound\n3273,4100000,exact\n", "utf-8")
    args = ["--set", "wage_ceiling=3600000", "--set", "benefit.amount=700000", "--table", f"minimum_wage={table}"]
    assert main(["evaluate", "bsu-2022", str(member), *args, "--log", str(log), "--full-nik",
        "--archive", str(archive)]) == 0
    out, err = capsys.readouterr()
    decision = json.loads(out)
    assert decision["outcome"] == "eligible" and decision["benefit"]["amount"] == 700_000
    table_sha = reform_of(load_ruleset("bsu-2022"), [], [f"minimum_wage={table}"]).tables["minimum_wage"].sha256[:12]
    assert "these decisions are a simulation (--set benefit.amount=700000 --set wage_ceiling=3600000 --table " \
        f"minimum_wage=<sha256 {table_sha}>)" in err  # logged beside the programme's decisions: said when written
    table.unlink()  # the archive holds its own copy
    report = replay(log, archive)
    assert report.ok and report.counts["identical"] == 1, report.summary()
    what_if = f"--set benefit.amount=700000 --set wage_ceiling=3600000 --table minimum_wage=<sha256 {table_sha}>"
    assert report.items[0].row()["what_if"] == what_if  # and when replayed
    assert main(["replay", str(log), "--archive", str(archive), "--all"]) == 0
    assert f"] what-if {what_if}, on " in capsys.readouterr().out
    again = load_archived(archive, decision["ruleset"]["sha256"])
    assert again.sha256 == decision["ruleset"]["sha256"]
    assert not archive_ruleset(again, archive).created


@pytest.mark.parametrize(("given", "said"), [
    ("rounding=0", "a step is positive, got 0"),
    ("rounding@2022-10-01=0", "a step is positive, got 0"),
    ("contribution_due_day=45", "a due day is 1-31, got 45"),
    ("cutoff_month=2022-13", "`2022-13` is not a month"),
    ("cutoff_month=0000-07", "`0000-07` is not a month"),
    ("wage_ceiling=-5", "an amount in rupiah is 0 or more, not -5"),
    ("max_arrears_months=-1", "a number of months is 0 or more, not -1"),
    ("benefit.instalments=[]", "instalments is empty"),
    ("wage_ceiling=1e6", "an amount in rupiah is written with digits only (1000000), not 1E+6"),
    ("wage_ceiling=1e9", "written with digits only (1 and 9 zeros), not 1E+9"),  # ten digits: never shown, as a NIK
    ("wage_ceiling=2.5e10", "written with digits only (25 and 9 zeros), not 2.5E+10"),
    ("wage_ceiling=4181234500.0", "written with digits only (<10 digits>), not <10 digits>.0"),  # not round: hidden
    ("benefit.amount=1e6", "is written with digits only (1000000), not 1E+6"),  # money is money, either way
    ("benefit.amount=600000.0", "is written with digits only (600000)"),
    ("benefit.amount=3.500.000", "`3.500.000` is text: an amount in rupiah is written"),
    ("benefit.amount=600.000", "(600000), not 600.000; did you mean `600000`?"),  # 600 thousand, as a parameter
    ("benefit.instalments=[600.000]", "(600000), not 600.000; did you mean `600000`?"),
    ("wage_ceiling=1.5", "an amount in rupiah is a whole number, not 1.5"),
    ("state_banks=BRI,BNI", "`state_banks` is a list, and `BRI,BNI` one text: a list is written in brackets, "
                            "`[BRI, BNI]` (in quotes for the shell: --set 'state_banks=[BRI, BNI]'); did you mean "
                            "`[BRI, BNI]`?"),
    ("state_banks=BRI", "a list is written in brackets, `[BRI]`"),
    ("wage_ceiling=04000000", "`04000000`: a number cannot start with 0; did you mean `4000000`?"),  # as the file
    ("wage_ceiling@2022-10-01=04000000", "`04000000`: a number cannot start with 0; did you mean `4000000`?"),
    ("benefit.amount=0x10", "`0x10` is not a number in decimal digits, as a rule file writes numbers; did you "
                            "mean `16`?"),
])
def test_an_override_is_checked_like_the_rule_file_before_anything_is_decided(rs2022: RuleSet, given: str,
                                                                             said: str) -> None:
    [problem] = errors(rs2022, [given])
    assert said in problem and "Value error" not in problem


@pytest.mark.parametrize("given", ["wage_ceiling=1e6", "wage_ceiling@2022-10-01=3_500_000.0", "wage_ceiling=-5",
                                   "benefit.amount=abc", "benefit.monthly=700000", "benefit.instalments=[1, 2]"])
def test_a_wrong_parameter_value_is_named_by_the_option_as_typed(rs2022: RuleSet, given: str) -> None:
    [problem] = errors(rs2022, [given])
    assert problem.startswith(f"--set {given}:1:1: error")  # not the value as read (1E+6, 3500000.0)


@pytest.mark.parametrize(("given", "said"), [
    ("wage_ceiling=[1]", "`wage_ceiling` is an amount in rupiah (a whole number); `[1]` is a list"),
    ("wage_ceiling@2022-10-01=[1.5]", "`wage_ceiling` is an amount in rupiah (a whole number); `[1.5]` is a list"),
    ("cutoff_month=[1]", "`cutoff_month` is a month (YYYY-MM); `[1]` is a list"),
    ("state_banks=[[1]]", "`state_banks` is a list of texts; `[[1]]` holds a list"),
    ("state_banks=[BRI, 1]", "`state_banks` is a list of texts; `[BRI, 1]` holds a whole number: text is written in "
                             "quotes"),
    ("state_banks=[BRI, null]", "`state_banks` is a list of texts; `[BRI, null]` holds an empty item (null)"),
])
def test_a_list_holding_more_than_texts_is_refused_in_the_parameter_s_words(rs2022: RuleSet, given: str,
                                                                           said: str) -> None:
    [problem] = errors(rs2022, [given])
    assert problem == f"--set {given}:1:1: error [type-mismatch]: {said}"  # not pydantic's "a valid boolean"


def test_a_benefit_problem_of_two_options_names_both_as_typed(rs2022: RuleSet) -> None:
    [problem] = errors(rs2022, ["benefit.amount=1", "benefit.instalments=[2]"])
    assert problem.startswith("--set benefit.amount=1, --set benefit.instalments=[2]:1:1: error [invalid-value]: "
                              "instalments add up to 2, not amount 1")


@pytest.mark.parametrize(("edition", "given", "advice", "fixed"), [
    ("bsu-2022", ["benefit.instalments=[750000]"], "add --set benefit.amount=750000", ["benefit.amount=750000"]),
    ("bsu-2025", ["benefit.amount=700000"], "add --set benefit.monthly=350000", ["benefit.monthly=350000"]),
    ("bsu-2020", ["benefit.months=3"], 'add --set "benefit.instalments=[…]" with 2 instalments of 900000',
     ["benefit.instalments=[900000, 900000]"]),
    ("bsu-2020", ["benefit.amount=2000000"],
     'add --set benefit.monthly=500000 and --set "benefit.instalments=[…]" with 2 instalments of 1000000',
     ["benefit.monthly=500000", "benefit.instalments=[1000000, 1000000]"]),
    ("bsu-2020", ["benefit.instalments=[1000000, 1000000]"],
     "add --set benefit.amount=2000000 and --set benefit.monthly=500000",
     ["benefit.amount=2000000", "benefit.monthly=500000"]),
    ("bsu-2025", ["benefit.amount=700001"], "set benefit.monthly and benefit.months to make 700001", None),
    ("bsu-2022", ["benefit.amount=700000", "benefit.instalments=[300000, 300000]"],  # given: changed, not added
     "change --set benefit.instalments to 2 instalments of 350000", None),
    ("bsu-2021", ["benefit.monthly=300000", "benefit.amount=1000000"],  # both given: not "add" either again
     "benefit.monthly x benefit.months (600000) must make benefit.amount (1000000): change one of them", None),
    ("bsu-2021", ["benefit.monthly=250000", "benefit.amount=1000000"], "add --set benefit.months=4",
     ["benefit.months=4"]),
    ("bsu-2020", ["benefit.months=3", "benefit.instalments=[900000, 800000]"],  # one amount, said once
     "benefit.monthly x benefit.months (1800000) must make the amount the instalments add up to (1700000): "
     "change one of them", None),
])
def test_a_benefit_that_does_not_add_up_says_what_makes_it_add_up(edition: str, given: list[str], advice: str,
                                                                  fixed: list[str] | None) -> None:
    """The advice is said in words (a list of amounts would be hidden as one long number), and taking
    it gives a benefit that loads."""
    rs = load_ruleset(edition)
    [problem] = errors(rs, given)
    assert problem.endswith(f": {advice}"), problem
    if fixed is not None:
        assert isinstance(reform_of(rs, [*given, *fixed], []), Reform)


@pytest.mark.parametrize(("given", "said"), [
    ("minimum_wage=5", ": `minimum_wage` is a table; replace it with --table minimum_wage=FILE"),
    ("fact.wage=5", ": `wage` is a fact, worked out from the parameters and tables it reads; set those"),
    ("citizen=false", ": `citizen` is a criterion; set the parameters it reads, or edit the rule file"),
])
def test_a_name_that_is_no_parameter_says_what_it_is(rs2022: RuleSet, given: str, said: str) -> None:
    [problem] = errors(rs2022, [given])
    assert problem.endswith(f"unknown parameter `{given.split('=')[0]}` in bsu-2022{said}")


@pytest.mark.parametrize(("given", "said"), [
    ("benefit.months=-2", "a benefit is paid for 1 month or more, not -2"),  # not the amount made from it
    ("benefit.months=0", "a benefit is paid for 1 month or more, not 0"),
    ("benefit.monthly=-5", "a benefit paid is 1 rupiah or more, not -5"),
])
def test_a_benefit_option_is_judged_as_given(given: str, said: str) -> None:
    [problem] = errors(load_ruleset("bsu-2021"), [given])
    assert problem == f"--set {given}:1:1: error [invalid-value]: {said}"


def test_no_advice_past_what_the_engine_computes_with(rs2022: RuleSet) -> None:
    [problem] = errors(load_ruleset("bsu-2020"), ["benefit.instalments=[9223372036854775807, 1]"])
    assert "[<19 digits>, 1]" in problem and "a number of ten digits or more" in problem  # before any sum


def test_a_value_outside_a_function_s_domain_stops_the_command_not_the_run(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    members = tmp_path / "m.jsonl"
    members.write_text(json.dumps(SITI) + "\n")
    assert main(["evaluate", "bsu-2022", str(members), "--set", "rounding=0"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "--set rounding=0:1:1: error [invalid-argument]: `round_up`: a step is positive, got 0" in err
    assert "internal error" not in err


def test_against_text_is_cut_at_the_commas_outside_brackets() -> None:
    assert split_assignments("state_banks=[BRI, BNI],benefit.instalments=[300000, 300000],,x='a,b'") == \
        ["state_banks=[BRI, BNI]", "benefit.instalments=[300000, 300000]", "x='a,b'"]


@pytest.mark.parametrize("command", ["evaluate", "batch"])
def test_a_dated_override_after_the_decision_date_is_warned_by_every_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    member = tmp_path / "siti.jsonl"
    member.write_text(json.dumps(SITI) + "\n", "utf-8")
    out = ["--out", str(tmp_path / "d.parquet"), "--quiet"] if command == "batch" else []
    if command == "batch":
        pytest.importorskip("polars")
    assert main([command, "bsu-2022", str(member), "--set", "wage_ceiling@2022-10-01=4000000", "--on", "2022-09-05",
                 *out]) == 0
    assert ("warning: --set wage_ceiling@2022-10-01=4000000 takes effect after the decision date 2022-09-05 and is "
            "not read in this run; give --on 2022-10-01 to read it") in capsys.readouterr().err
    assert main([command, "bsu-2022", str(member), "--set", "wage_ceiling@2022-10-01=4000000", *out]) == 0
    assert "takes effect after" not in capsys.readouterr().err  # the default date reads it


@pytest.mark.parametrize("given", ["wage_ceiling=4 000 000", "wage_ceiling=4.000.000",
                                   "wage_ceiling@2022-10-01=4,000,000", "benefit.amount=4 000 000",
                                   "benefit.amount=4.000.000"])
def test_an_amount_written_with_separators_gets_the_number_meant(rs2022: RuleSet, given: str) -> None:
    """A parameter's amount gets the "did you mean" the benefit's gets; thousands apart by spaces too."""
    assert errors(rs2022, [given])[0].endswith("is text: an amount in rupiah is written with digits only (4000000); "
                                               "did you mean `4000000`?")


@pytest.mark.parametrize(("given", "says"), [
    ("as_of=2022-06-30", "give as_of=2022-07-31 instead, or add --set cutoff_month=2022-06"),
    ("as_of=2022-07-15", "give as_of=2022-07-31 instead")])
def test_an_as_of_moved_alone_is_warned_as_check_warns_of_it(rs2022: RuleSet, given: str, says: str) -> None:
    moved = reform_of(rs2022, [given], [])
    assert moved.warnings == (  # type: ignore[attr-defined]
        f"--set {given}: `param.cutoff_month` is 2022-07, a month the rule file ties to its data date, but as_of is "
        f"set to {given[6:]}: the data are read as at that day (payments made by then count); to read them as at "
        f"the end of 2022-07, {says}",)
    assert not reform_of(rs2022, ["as_of=2022-06-30", "cutoff_month=2022-06"], []).warnings  # type: ignore[attr-defined]


def test_an_as_of_after_the_decision_date_is_warned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    member = tmp_path / "siti.json"
    member.write_text(json.dumps(SITI), "utf-8")
    sets = ["--set", "as_of=2022-12-31", "--set", "cutoff_month=2022-12"]
    assert main(["evaluate", "bsu-2022", str(member), *sets, "--on", "2022-09-05"]) == 0
    assert ("warning: --set as_of=2022-12-31 is after the decision date 2022-09-05: the data are read as at a day "
            "after the decision") in capsys.readouterr().err
    assert main(["evaluate", "bsu-2022", str(member), *sets]) == 0  # an as_of moves no decision date
    out, err = capsys.readouterr()
    assert json.loads(out)["on"] == "2022-09-05"
    assert "after the decision date 2022-09-05" in err and "or --on 2022-12-31" in err
    # past the edition's end the warning suggests no date the edition refuses
    assert main(["evaluate", "bsu-2022", str(member), "--set", "as_of=2030-01-31"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["on"] == "2022-09-05"
    assert "give an as_of on or before 2022-09-05\n" in err and "--on 2030" not in err


def test_a_rule_file_s_own_as_of_after_the_decision_date_is_warned_as_one_set_is(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An as_of written in the file after `--on` was warned of only when given by `--set`."""
    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("\nas_of: 2022-07-31", "\nas_of: 2022-10-31", 1), "utf-8")
    member = tmp_path / "siti.json"
    member.write_text(json.dumps(SITI), "utf-8")
    assert main(["evaluate", str(path), str(member), "--on", "2022-09-10"]) == 0
    assert ("warning: the rule file's as_of 2022-10-31 is after the decision date 2022-09-10: the data are read as "
            "at a day after the decision") in capsys.readouterr().err
    assert main(["evaluate", str(path), str(member), "--on", "2022-10-31"]) == 0
    assert "after the decision date" not in capsys.readouterr().err


def test_a_table_with_the_rule_file_s_rows_under_other_names_says_the_names_change(
        rs2022: RuleSet, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The rule file's minimum wages with Karawang's ``area_name`` misspelt: the ceilings are the same, yet an
    explanation names the new name, so "nothing changes" was untrue; the warning says what differs."""
    renamed = tmp_path / "renamed.csv"
    renamed.write_text((ROOT / "rules" / "tables" / "minimum-wage-2022.csv").read_text("utf-8").replace(
        "3215,Kab. Karawang,", "3215,Kab. Karawangg,"), "utf-8")
    reform = reform_of(rs2022, [], [f"minimum_wage={renamed}"])
    (warned,) = [w for w in reform.warnings if "place-mismatch" not in w]  # type: ignore[attr-defined]
    assert warned == (f"--table minimum_wage={renamed}: the file holds the keys and values the rule file's table "
                      "holds; only names differ, which explanations show (3215: Kab. Karawang → Kab. Karawangg): "
                      f"the decisions are the rule file's but for those names, labelled as a what-if (sha256 "
                      f"{reform.sha256[:12]})")
    assert warned.kind == "table" and "nothing changes" not in warned  # type: ignore[attr-defined]
    member = tmp_path / "m.jsonl"
    record = json.loads((ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines()[2])
    record["wages"] = [{**w, "amount": 4_900_000} for w in record["wages"]]
    member.write_text(json.dumps(record) + "\n", "utf-8")
    assert main(["evaluate", "bsu-2022", str(member), "--table", f"minimum_wage={renamed}", "--format", "text",
                 "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert "Kabupaten Karawangg" in out and "only names differ" in err and "nothing changes" not in err


def test_an_override_that_gives_the_rule_file_s_own_value_is_warned(rs2022: RuleSet, tmp_path: Path) -> None:
    same = tmp_path / "same.csv"
    same.write_bytes((ROOT / "rules" / "tables" / "minimum-wage-2022.csv").read_bytes())
    reform = reform_of(rs2022, ["wage_ceiling=3500000", "as_of=2022-07-31", "benefit.amount=600000",
                                "state_banks=[BRI, BNI, MANDIRI, BTN]"], [f"minimum_wage={same}"])
    labelled = f"the decisions are the rule file's, labelled as a what-if (sha256 {reform.sha256[:12]})"
    assert reform.sha256 != rs2022.sha256 and set(reform.warnings) == {  # type: ignore[attr-defined]
        f"--set wage_ceiling=3500000: the rule file already has this value; {labelled}",
        f"--set as_of=2022-07-31: the rule file already has this as_of; {labelled}",
        f"--set benefit.amount=600000: the rule file's benefit is already this; {labelled}",
        f"--set state_banks=[BRI, BNI, MANDIRI, BTN]: the rule file already has this value; {labelled}",
        f"--table minimum_wage={same}: the file holds the rows the rule file's table holds; {labelled}"}
    changed = reform_of(rs2022, ["wage_ceiling=4000000", "wage_ceiling@2022-10-01=3500000"], [])
    assert not changed.warnings  # type: ignore[attr-defined]


def test_a_figure_two_parameters_hold_is_left_when_one_of_them_changes(rules_copy: Path) -> None:
    """The title's Rp3.500.000 could be either's: it is left as written, the options saying what changed."""
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("  rounding:\n    value: 100000", "  rounding:\n    value: 3500000", 1), "utf-8")
    reform = reform_of(load_ruleset(path), ["wage_ceiling=4000000"], [])
    title = next(c.rule.title for c in reform.rules if c.rule.id == "wage-ceiling")
    assert title is not None and title.en.startswith("Wage at most Rp3.500.000 or"), title


@pytest.mark.parametrize("given", ["wage_ceiling=4000000,rounding=50000", "wage_ceiling=4000000; rounding=50000",
                                   "wage_ceiling=4000000 rounding=50000"])
def test_two_assignments_in_one_set_are_told_to_take_one_set_each(given: str) -> None:
    """`--against` takes `A=1,B=2`; `--set` one value: the form copied from one to the other is told so, in
    full, not read as a number holding an identifier."""
    with pytest.raises(RuleSetError) as told:
        parse_override("set", given)
    [d] = told.value.diagnostics
    assert "--set sets one value: give each its own --set" in d.message
    assert d.suggestion == "--set wage_ceiling=4000000 --set rounding=50000"
    assert parse_override("set", "state_banks=[BRI, BNI]").text == "[BRI, BNI]"


@pytest.mark.parametrize(("sets", "said"), [
    (["wage_ceiling@2022-10-01=4000000", "wage_ceiling@2022-10-01=4100000"],
     "--set wage_ceiling@2022-10-01=4100000:1:1: error [bad-override]: `--set wage_ceiling@2022-10-01=4000000` and "
     "`--set wage_ceiling@2022-10-01=4100000` both set `wage_ceiling` from 2022-10-01: give it once"),
    (["wage_ceiling@01-10-2022=4000000"], "--set wage_ceiling@01-10-2022=4000000:1:1: error [bad-override]: "
                                          "`01-10-2022` is not a date"),
    (["benefit.instalments=[300000, 200000]"], "--set benefit.instalments=[300000, 200000]:1:1: error "
                                               "[invalid-value]: instalments add up to 500000"),
    # a NIK typed as a value stays hidden, however it is grouped
    (["state_banks=[3204125708940003]"], "--set state_banks=[<16 digits>]:1:1: error [type-mismatch]"),
    (["wage_ceiling=3204 1257 0894 0003"], "--set wage_ceiling=<16 digits>:1:1: error [invalid-value]"),
    (["wage_ceiling=3204=1257=0894=0003"], "`<16 digits>` is text"),
    (["3204125708940003=5"], "--set <16 digits>=5:1:1: error [unknown-name]: unknown parameter `<16 digits>`")])
def test_an_override_s_values_are_told_as_typed_and_a_nik_in_one_is_hidden(
        sets: list[str], said: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The digits of a date and an amount, or of a list's amounts, are not read as one long number."""
    member = str(ROOT / "examples" / "members.jsonl")
    assert main(["evaluate", "bsu-2022", member, *(a for s in sets for a in ("--set", s))]) == 2
    err = capsys.readouterr().err
    assert said in err
    assert "3204125708940003" not in err.replace(" ", "").replace("=", "")


def test_a_nik_given_as_an_override_is_refused_for_what_the_run_writes(rs2022: RuleSet) -> None:
    """Nothing on the command line is published; the decisions and reports of the run would carry it."""
    (said,) = errors(rs2022, ["wage_ceiling=3204125708940003"])
    assert "a what-if's values are written into every decision and report it makes" in said
    assert "published" not in said and "3204125708940003" not in said


@pytest.mark.parametrize("given", ["wage_ceiling=418201004566507", "fiscal_year=418201004566507",
                                   "benefit.amount=4182010045", "benefit.instalments=[418201004566507]",
                                   "max_arrears_months=4182010045", "fiscal_year=4182010045665.5"])
def test_an_account_number_given_as_a_value_is_refused_for_what_the_run_writes(
        given: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An account number's 10-15 digits typed as a what-if's number would be written in full into every
    decision and into the impact report: refused, and hidden in the message, as a NIK's 16 are."""
    member = str(ROOT / "examples" / "members.jsonl")
    assert main(["evaluate", "bsu-2022", member, "--set", given]) == 2
    report = tmp_path / "report.html"
    assert main(["impact", "bsu-2022", member, "--set", given, "--out", str(report), "--quiet"]) == 2
    assert not report.exists()
    captured = capsys.readouterr()
    assert captured.err.count("a number of ten digits or more, as a NIK or an account number is") == 2
    assert "4182010045" not in captured.out + captured.err


def test_a_ten_digit_number_is_refused_in_a_rule_file_as_in_a_what_if(rules_copy: Path) -> None:
    """The same line for a parameter of the rule file as for a what-if (nine digits are an amount)."""
    from bsu_rules import check_file

    path = rules_copy / "bsu-2022.yaml"
    path.write_text(path.read_text("utf-8").replace("    value: 2022\n", "    value: 4182010045\n", 1), "utf-8")
    ruleset, diagnostics = check_file(path)
    assert ruleset is None and [d.code for d in diagnostics] == ["invalid-value"], diagnostics
    assert "a number of ten digits or more" in diagnostics[0].message and "4182010045" not in str(diagnostics[0])


@pytest.mark.parametrize(("written", "said"), [
    ("47983120", "`amount` of row `3215` of `table.minimum_wage` is 47983120, over five times the table's middle "
     "amount ("),
    ("0", "`amount` of row `3215` of `table.minimum_wage` is 0, under a fifth of the table's middle amount (")])
def test_an_unlikely_amount_names_the_middle_amount_in_whole_rupiah(tmp_path: Path, written: str, said: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The median of amounts with decimals (`4223999.295`) is no account number to hide: said as whole rupiah. A
    row's amount left at 0 reads as no minimum wage above the ceiling: warned, as a digit too few is."""
    table = (ROOT / "rules" / "tables" / "minimum-wage-2022.csv").read_text("utf-8")
    (tmp_path / "mw.csv").write_text(table.replace(",4798312,", f",{written},"), "utf-8")
    assert main(["evaluate", "bsu-2022", str(ROOT / "examples" / "members.jsonl"), "--table",
                 f"minimum_wage={tmp_path / 'mw.csv'}"]) == 0
    err = capsys.readouterr().err
    assert said in err and "digits>)" not in err
    assert ("a figure not filled in?" in err) == (written == "0")


PPKM_WORKER = {**SITI, "nik": "1171014107900001", "work_regency_code": "1171",  # Kota Banda Aceh, not listed
               "wages": [{"period": "2021-06", "amount": 3_000_000}],
               "contributions": [{"period": "2021-06", "amount": 100, "paid_on": "2021-06-10"}]}


def test_a_table_read_as_complete_for_a_run_decides_what_it_does_not_list(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """2021's PPKM table is incomplete (`unlisted: unknown`): a replacement keeps that, and a code it does not
    list stays undetermined; `--set table.ppkm_areas.unlisted=absent` reads it as complete (the rule file's
    own advice), in the reform's hash, its banner, both evaluators and the archive."""
    base, on = load_ruleset("bsu-2021"), date(2021, 8, 10)
    replaced = reform_of(base, [], [f"ppkm_areas={ROOT / 'rules/tables/ppkm-areas-2021.csv'}"])
    complete = reform_of(base, ["table.ppkm_areas.unlisted=absent"], [])
    assert complete.sha256 not in (base.sha256, replaced.sha256)
    member = parse_member(PPKM_WORKER)
    assert replaced.plan(on).decide(member).rule("ppkm-area").outcome.value == "unknown"
    assert complete.plan(on).decide(member).rule("ppkm-area").outcome.value == "fail"
    assert base.tables["ppkm_areas"].unlisted_unknown  # the rule set itself is untouched
    bundled = reform_of(base, ["table.ppkm_areas.unlisted=absent"],
                        [f"ppkm_areas={ROOT / 'rules/tables/ppkm-areas-2021.csv'}"])
    assert any("the file holds the rows the rule file's table holds; only --set table.ppkm_areas.unlisted=absent "
               "changes" in w for w in bundled.warnings)  # the partial list given as if whole: told
    records, log, archive = tmp_path / "m.jsonl", tmp_path / "d.jsonl", tmp_path / "a"
    records.write_text(json.dumps(PPKM_WORKER) + "\n", "utf-8")
    given = ["--on", "2021-08-10", "--set", "table.ppkm_areas.unlisted=absent"]
    assert main(["evaluate", "bsu-2021", str(records), *given, "--format", "text", "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert ("(list of areas under community activity restrictions (PPKM) at level 3 or 4 in Annex I: a code it does "
            "not list is not in it)") in out
    assert "what-if --set table.ppkm_areas.unlisted=absent: sha256 " in err
    assert main(["batch", "bsu-2021", str(records), *given, "--out", str(tmp_path / "o.parquet"), "--quiet"]) == 0
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "o.parquet").select(["outcome", "failed"]).to_pylist() == [
        {"outcome": "ineligible", "failed": ["ppkm-area"]}]
    assert main(["evaluate", "bsu-2021", str(records), *given, "--log", str(log), "--full-nik",
                 "--archive", str(archive)]) == 0
    from bsu_rules.audit.rerun import replay

    report = replay(log, archive)
    assert report.ok and report.counts["identical"] == 1, report.summary()


def test_a_minimum_wage_table_read_as_incomplete_is_the_programme_s_gap_not_the_record_s() -> None:
    """Read as incomplete, 2022's minimum-wage table leaves a wage above Rp3.500.000 in a regency it does not
    list (Kab. Bandung, 3204) undetermined for want of the table, not of the record: the decision names the
    table and the area, and the worker is told nothing is theirs to bring. A code naming only the province
    (3200) still lacks the record's regency."""
    from bsu_rules.explain import render_text

    incomplete = reform_of(load_ruleset("bsu-2022"), ["table.minimum_wage.unlisted=unknown"], [])
    plan = incomplete.plan(date(2022, 9, 5))
    above = {"wages": [{"period": "2022-07", "amount": 3_600_000}]}
    unlisted = plan.decide(parse_member({**SITI, **above, "work_regency_code": "3204"}))
    rule = unlisted.rule("wage-ceiling")
    assert (unlisted.outcome.value, rule.missing, unlisted.missing) == (
        "undetermined", ["table.minimum_wage[32]", "table.minimum_wage[3204]"],
        ["table.minimum_wage[32]", "table.minimum_wage[3204]"])  # the rows read and lacking
    assert rule.explain is not None and "is incomplete and does not list Kabupaten Bandung" in rule.explain.en
    assert "tidak mencantumkan Kabupaten Bandung" in rule.explain.id
    told = render_text(unlisted, incomplete, "en")
    assert "the participant need not bring or update anything" in told and "regency or city of work" not in told
    province = plan.decide(parse_member({**SITI, **above, "work_regency_code": "3200"})).rule("wage-ceiling")
    assert "table.minimum_wage" not in province.missing and province.explain is not None
    assert "the record gives only the province of work" in province.explain.en


@pytest.mark.parametrize(("given", "said"), [
    ("table.ppkm_area.unlisted=absent", "unknown table `ppkm_area` in bsu-2021; did you mean "
                                        "`table.ppkm_areas.unlisted`?"),
    ("table.ppkm_areas.partial=false", "a table is replaced with --table ppkm_areas=FILE"),
    ("table.ppkm_areas.unlisted@2021-09-01=absent", "undated"),
    ("table.ppkm_areas.unlisted=complete", "is `absent` (a key the table does not list is not in it) or `unknown`")])
def test_what_a_table_does_not_list_is_set_only_as_absent_or_unknown(given: str, said: str) -> None:
    (error,) = errors(load_ruleset("bsu-2021"), [given])
    assert said in error


def test_a_list_parameter_set_empty_is_shown_as_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    member = tmp_path / "siti.json"
    member.write_text(json.dumps(SITI), "utf-8")
    for lang, none in (("en", " set to none)"), ("id", " diubah menjadi tidak ada)")):
        assert main(["evaluate", "bsu-2022", str(member), "--set", "state_banks=[]", "--format", "text",
                     "--lang", lang]) in (0, 1)
        assert capsys.readouterr().out.splitlines()[1].endswith(none)


def test_reform_of_refuses_a_text_where_a_list_of_texts_belongs(rs2022: RuleSet) -> None:
    # a str would be read character by character, told as `--set w` lacking its `=`
    with pytest.raises(TypeError, match=r"--set texts as a list, not str: pass \['wage_ceiling=4000000'\]"):
        reform_of(rs2022, "wage_ceiling=4000000", [])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"--table texts as a list, not str: pass \['minimum_wage=x.csv'\]"):
        reform_of(rs2022, [], "minimum_wage=x.csv")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="each --set text as a str NAME=VALUE, not int"):
        reform_of(rs2022, [4000000], [])  # type: ignore[list-item]
    assert reform_of(rs2022, ("wage_ceiling=4000000",), ()).sha256 == \
        reform_of(rs2022, ["wage_ceiling=4000000"], []).sha256  # type: ignore[arg-type]


@pytest.mark.parametrize(("typed", "said", "meant"), [
    ("wage_ceiling=&a 5", "an anchor (`&a`)", "5"),
    ("wage_ceiling=5 # note", "a comment (`# note`)", "5"),
    ("wage_ceiling=!!int 5", "a tag (`!!int`)", "5"),
    ("wage_ceiling=*a", "an alias (`*a`)", None),
    ("state_banks=[&x BRI, *x]", "an anchor (`&x`) and an alias (`*x`)", "[BRI, BRI]"),
    ("state_banks=[BRI, BNI] # c", "a comment (`# c`)", "[BRI, BNI]"),
    ("wage_ceiling=--- 4000000", "a document marker (`---`)", "4000000"),
])
def test_a_set_value_carrying_yaml_syntax_is_refused_with_the_value_alone(rs2022: RuleSet, typed: str, said: str,
                                                                          meant: str | None) -> None:
    # YAML would read `&a 5` as 5 while the warnings, report and hash name `&a 5`
    (error,) = errors(rs2022, [typed])
    assert f"[invalid-value]: `{typed.partition('=')[2]}` holds YAML syntax, {said}, that a value" in error
    assert error.endswith(f"; did you mean `{meant}`?") if meant else "did you mean" not in error
    assert ("quote it" in error) is ("comment" in said)


@pytest.mark.parametrize(("typed", "shown", "meant"), [
    ("state_banks=- BRI", "- BRI", "[BRI]"),
    ("state_banks=- BRI\n- BNI", "- BRI\\n- BNI", "[BRI, BNI]"),
    ("state_banks=\n- BRI\n- BNI", "- BRI\\n- BNI", "[BRI, BNI]"),  # on the line after the `=`
    ('state_banks=- "BRI"\n- BNI # c', '- "BRI"\\n- BNI # c', '["BRI", BNI]'),  # its comment left out
    ("benefit.instalments=- 300000\n- 300000", "- <12 digits>", "[300000, 300000]"),  # shown as the option is
    ("state_banks=- B, NI", "- B, NI", None),  # `[B, NI]` is two items: no suggestion
    ("state_banks=- [BRI]", "- [BRI]", None),
    ("state_banks=- &a BRI\n- *a", None, None),  # told as YAML syntax, its lines not run together
])
def test_a_set_list_written_as_a_yaml_block_list_is_refused_with_the_list_in_brackets(
        rs2022: RuleSet, typed: str, shown: str | None, meant: str | None) -> None:
    """`--set state_banks='- BRI'` was read as the list [BRI]: a value given on the command line writes a list in
    brackets, as the other YAML syntax it does not take is refused, with the list in brackets suggested."""
    (error,) = errors(rs2022, [typed])
    assert "[invalid-value]: " in error
    if shown is not None:
        assert f"`{shown}` is a list written as YAML's block list (`- item` a line)" in error
    else:
        assert "holds YAML syntax, an anchor (`&a`)" in error
    assert error.endswith(f"; did you mean `{meant}`?") if meant else "did you mean" not in error


@pytest.mark.parametrize("typed", [f"state_banks=- {'a' * 30}3215011208940001",
                                   f"state_banks={'a' * 32}3215011208940001 # c"])
def test_a_refused_set_value_shows_no_digits_of_a_nik_typed_late_in_it(rs2022: RuleSet, typed: str) -> None:
    """A value quoted by the refusal is cut to 40 characters after its identifiers are hidden: cut first, a NIK
    typed after 30 letters showed its first 8 digits (region and birth date)."""
    (error,) = errors(rs2022, [typed])
    assert "[invalid-value]: " in error
    assert "32150112" not in error and "3215" not in error


def test_a_yaml_block_list_for_one_value_is_still_told_it_is_a_list(rs2022: RuleSet) -> None:
    (error,) = errors(rs2022, ["wage_ceiling=- 5"])
    assert "[type-mismatch]: `wage_ceiling` is an amount in rupiah (a whole number); `- 5` is a list" in error


@pytest.mark.parametrize(("typed", "value"), [
    ("wage_ceiling=4000000", 4_000_000), ("wage_ceiling=4_000_000", 4_000_000), ("cutoff_month=2022-06", "2022-06"),
    ("cutoff_month='2022-06'", "2022-06"), ("state_banks=[BRI, BNI]", ["BRI", "BNI"]),
    ('state_banks=["BRI", "B # NI"]', ["BRI", "B # NI"]), ("state_banks=[BRI,\n BNI]", ["BRI", "BNI"]),
    ("state_banks=[BRI#2]", ["BRI#2"]),
])
def test_plain_set_values_are_still_read(rs2022: RuleSet, typed: str, value: object) -> None:
    name = typed.partition("=")[0]
    assert reform_of(rs2022, [typed], []).model.parameters[name].value == value
