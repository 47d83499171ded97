"""Counterfactual hints: exact bounds, checked by applying them to the record and deciding again."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bsu_rules import load_ruleset, parse_member
from bsu_rules.catalogue.calendar import add_months
from bsu_rules.catalogue.contributions import arrears_start
from bsu_rules.counterfactual import FIXED, apply_changes, apply_hint
from bsu_rules.decisions import Change, Decision, Hint, Outcome, RuleResult
from bsu_rules.evaluators.scalar import Plan
from bsu_rules.explain import render_text
from bsu_rules.members import Citizenship, EmploymentType, Member, ParticipantCategory, Program
from bsu_rules.ruleset.types import member_fields

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES: list[dict[str, Any]] = [
    json.loads(line) for line in (ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines() if line.strip()
]
EDITIONS = sorted(p.stem for p in (ROOT / "rules").glob("bsu-*.yaml"))
DATED = [(e, None) for e in EDITIONS] + [("bsu-2021", date(2021, 8, 10))] * ("bsu-2021" in EDITIONS)  # PPKM in force
REGENCIES = ["3171", "3175", "3215", "3216", "3275", "3276", "3201", "3204", "3273", "3578", "3515", "3471",
             "1101", "1171", "1571", "2171", "3671", "3404"]


@cache
def plan(edition: str, on: date | None = None) -> Plan:
    return load_ruleset(edition).plan(on)


def decide(n: int) -> Decision:
    """Decide example record ``n`` (1-based line number) under bsu-2022."""
    return plan("bsu-2022").decide(parse_member(EXAMPLES[n - 1]), hints=True)


def hint_of(decision: Decision, rule_id: str) -> Hint:
    rule = decision.rule(rule_id)
    assert rule.outcome is RuleResult.FAIL and rule.hint is not None
    return rule.hint


# --- the bundled examples (examples/README.md) ------------------------------------------------


@pytest.mark.parametrize(("n", "ceiling"), [(4, 4_700_000), (5, 3_500_000)])
def test_wage_above_the_ceiling_names_the_exact_bound(n: int, ceiling: int) -> None:
    d = decide(n)
    hint = hint_of(d, "wage-ceiling")
    current = EXAMPLES[n - 1]["wages"][-1]["amount"]
    (change,) = hint.changes
    assert (change.field, change.subject, change.op) == ("member.wages", "fact.wage", "<=")
    assert (change.current, change.required) == (current, ceiling)
    assert change.patch == {"index": 2, "period": "2022-07", "amount": ceiling}
    assert hint.possible and hint.sufficient
    rp = f"Rp{ceiling:,}".replace(",", ".")
    now = f"Rp{current:,}".replace(",", ".")
    assert hint.text.en == (f"The participant would be eligible if the wage the employer reported for July 2022 "
                            f"had been at most {rp} (on record: {now}).")
    assert hint.text.id == (f"Peserta akan memenuhi syarat seandainya upah yang dilaporkan pemberi kerja untuk bulan "
                            f"Juli 2022 paling banyak {rp} (yang tercatat: {now}).")
    member = parse_member(EXAMPLES[n - 1])
    assert plan("bsu-2022").decide(apply_hint(member, hint)).outcome is Outcome.ELIGIBLE
    over = Change(**{**change.model_dump(), "patch": {**change.patch, "amount": ceiling + 1}})
    assert plan("bsu-2022").decide(apply_changes(member, [over])).rule("wage-ceiling").outcome is RuleResult.FAIL


@pytest.mark.parametrize(("edition", "code", "wage", "ceiling"), [
    ("bsu-2022", "9400", 4_200_000, 3_600_000),  # Papua Tengah: its UMP rounded up, under the 4.1M highest
    ("bsu-2022", "3200", 5_000_000, 3_500_000),  # Jawa Barat has no row of its own: the rule's ceiling
])
def test_a_province_only_work_area_is_told_the_ceiling_that_settles_it(edition: str, code: str, wage: int,
                                                                       ceiling: int, exact_rules: Path) -> None:
    """A record naming only the province fails above the highest ceiling of its regencies (where none of
    them is a bound); its hint is the ceiling that holds whichever regency it is (the province's own), not
    one that leaves it undetermined."""
    record = {**EXAMPLES[0], "work_regency_code": code,
              "wages": [{**w, "amount": wage} for w in EXAMPLES[0]["wages"]]}
    member = parse_member(record)
    rules = load_ruleset(exact_rules / f"{edition}.yaml").plan()
    hint = hint_of(rules.decide(member, hints=True), "wage-ceiling")
    (change,) = hint.changes
    assert (change.current, change.required) == (wage, ceiling)
    assert rules.decide(apply_hint(member, hint)).outcome is Outcome.ELIGIBLE


def test_arrears_names_the_month_to_pay_and_the_day() -> None:
    hint = hint_of(decide(13), "arrears")
    (change,) = hint.changes
    assert (change.field, change.subject, change.current, change.required) == (
        "member.contributions", "fact.arrears", 3, 2)
    assert change.patch == {"periods": ["2022-06"], "paid_on": "2022-07-31"}
    assert hint.text.en == ("The participant would be eligible if the contribution for June 2022 had been paid by "
                            "31 July 2022.")
    assert hint.text.id == ("Peserta akan memenuhi syarat seandainya iuran bulan Juni 2022 telah dibayar paling lambat "
                            "31 Juli 2022.")
    after = plan("bsu-2022").decide(apply_hint(parse_member(EXAMPLES[12]), hint))
    assert after.outcome is Outcome.ELIGIBLE and after.rule("arrears").values["fact.arrears"] == 0


def test_registration_after_the_cutoff_cannot_be_helped() -> None:
    d = decide(12)
    hint = hint_of(d, "registered-by-cutoff")
    assert not hint.possible and not hint.sufficient
    (change,) = hint.changes
    assert (change.field, change.op, change.required, change.patch) == (
        "member.registered_on", "<=", "2022-07-31", None)
    assert hint.text.en == ("The participant is recorded as registered on 15 August 2022, after the cut-off of "
                            "31 July 2022.")
    assert hint.text.id == "Peserta tercatat terdaftar pada 15 Agustus 2022, setelah batas kepesertaan 31 Juli 2022."
    assert d.rule("contribution-billed").hint is None  # not a threshold: no hint rather than a wrong one
    with pytest.raises(ValueError, match="cannot be changed"):
        apply_hint(parse_member(EXAMPLES[11]), hint)


def test_a_foreign_national_is_told_plainly() -> None:
    hint = hint_of(decide(10), "citizen")
    assert not hint.possible and hint.changes[0].required == "WNI" and hint.changes[0].current == "WNA"
    assert hint.text.en == ("The participant is recorded as a foreign national (WNA), and BSU is only for an "
                            "Indonesian citizen (WNI).")
    assert hint.text.id == ("Peserta tercatat sebagai Warga Negara Asing (WNA), sedangkan BSU hanya untuk Warga Negara "
                            "Indonesia (WNI).")


def test_a_death_cannot_be_helped() -> None:
    hint = hint_of(decide(11), "not-deceased-by-cutoff")
    assert not hint.possible
    assert hint.text.en == ("The participant is recorded as having died on 20 June 2022; BSU is not paid to a "
                            "participant who has died.")
    assert "tidak ada perubahan data" not in hint.text.id


def test_a_field_a_condition_reads_twice_is_one_change() -> None:
    """``not-deceased`` reads the death date twice (after the cut-off, by the decision date): its hint
    names the field once."""
    hint = plan("bsu-2022").decide(parse_member({**EXAMPLES[0], "deceased_on": "2022-08-01"}), hints=True) \
        .rule("not-deceased").hint
    assert hint is not None and [c.field for c in hint.changes] == ["member.deceased_on"]


def test_a_non_wage_earner_is_told_the_category_that_passes() -> None:
    hint = hint_of(decide(9), "wage-earner")
    (change,) = hint.changes
    assert (change.field, change.op, change.current, change.required, change.patch) == (
        "member.participant_category", "==", "BPU", "PU", {"set": "PU"})
    assert hint.text.en == ("The participant would be eligible if the participant category on record were wage earner "
                            "(PU) (on record: non-wage earner (BPU)).")
    assert hint.text.id == ("Peserta akan memenuhi syarat seandainya kategori kepesertaan yang tercatat adalah "
                            "Penerima Upah (PU) (yang tercatat: Bukan Penerima Upah (BPU)).")


def test_an_excluded_employment_type_lists_every_type_that_passes() -> None:
    hint = hint_of(decide(6), "not-pns-tni-polri")
    assert hint.changes[0].required == ["private", "state_enterprise", "government_honorary", "pppk"]
    assert hint.changes[0].patch == {"set": "private"}


def test_shapes_without_an_exact_answer_get_no_hint_and_passing_rules_none() -> None:
    assert decide(16).rule("valid-nik").hint is None  # a NIK check is not a threshold
    for n in (1, 2, 3, 8, 14, 15):
        assert all(r.hint is None for r in decide(n).rules)


def test_two_failures_each_say_what_meets_the_criterion_not_eligible() -> None:
    record = {**EXAMPLES[3], "participant_category": "BPU"}
    d = plan("bsu-2022").decide(parse_member(record), hints=True)
    for rule_id in ("wage-ceiling", "wage-earner"):
        hint = hint_of(d, rule_id)
        assert hint.possible and not hint.sufficient
        assert hint.text.en.startswith("This requirement would be met if ")
        assert hint.text.id.startswith("Syarat ini akan terpenuhi seandainya ")


def test_hints_are_decision_data_and_rendered_as_text() -> None:
    d = decide(4)
    assert Decision.model_validate_json(d.to_json()).to_json() == d.to_json()
    text = render_text(d, load_ruleset("bsu-2022"), "en")
    assert "The participant would be eligible if the wage the employer reported for July 2022 had been at most " \
        "Rp4.700.000" in text


@pytest.mark.skipif("bsu-2020" not in EDITIONS, reason="bsu-2020 not written yet")
def test_a_strict_bound_on_whole_rupiah_is_one_below() -> None:
    record = {**EXAMPLES[0], "registered_on": "2018-02-05",
              "wages": [{"period": "2020-06", "amount": 5_000_000}],
              "contributions": [{"period": "2020-06", "amount": 1, "paid_on": "2020-06-20"}]}
    hint = hint_of(plan("bsu-2020").decide(parse_member(record), hints=True), "wage-ceiling")
    assert (hint.changes[0].op, hint.changes[0].required) == ("<=", 4_999_999)
    # said as the rule says it, in whole hundred thousands (it read "at most Rp4.999.999")
    assert hint.text.en == "The participant would be eligible if the wage the employer reported for June 2020 had " \
        "been less than Rp5.000.000 (on record: Rp5.000.000)."
    assert "upah yang dilaporkan pemberi kerja untuk bulan Juni 2020 kurang dari Rp5.000.000" in hint.text.id


# --- shapes beyond the bundled files: decimals, and/not/>, unsolvable ---------------------------

SHAPES = """\
ruleset: shapes
version: "1"
title: {id: Bentuk, en: Shapes}
in_force: {from: 2022-09-05}
as_of: 2022-07-31
parameters:
  cutoff_month: {value: 2022-07}
tables:
  minimum_wage: {file: tables/minimum-wage-2022.csv, key: area_code, value: amount}
facts:
  wage: last_wage(member.wages, param.cutoff_month)
  minimum: table.minimum_wage.get(member.work_regency_code, 0)
rules:
  - id: decimal-bound
    require: fact.wage <= fact.minimum
  - id: floor
    require: 1000000 < fact.wage
  - id: both
    require: member.participant_category == "PU" and fact.wage < 4000000
  - id: negated
    require: not (member.employment_type in ["pns", "tni"])
  - id: unsolvable
    require: province(member.work_regency_code) == "31"
  - id: fixed-or
    require: member.citizenship == "WNI" or member.registered_on <= 2020-01-01
benefit: {amount: 600000}
"""


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    base = tmp_path_factory.mktemp("shapes")
    (base / "tables").mkdir()
    shutil.copy(ROOT / "rules" / "tables" / "minimum-wage-2022.csv", base / "tables")
    (base / "shapes.yaml").write_text(SHAPES, "utf-8")
    return load_ruleset(base / "shapes.yaml").plan()


def test_general_shapes(shapes: Plan) -> None:
    record = {**EXAMPLES[4], "work_regency_code": "3216", "participant_category": "BPU", "employment_type": "tni",
              "citizenship": "WNA", "registered_on": "2021-01-01",
              "wages": [{"period": "2022-07", "amount": 4_900_000}]}
    member = parse_member(record)
    d = shapes.decide(member, hints=True)
    decimal = hint_of(d, "decimal-bound").changes[0]
    assert decimal.required == 4_791_843  # Kab. Bekasi 4.791.843,90: the largest whole rupiah at or below
    both = hint_of(d, "both").changes
    assert [c.field for c in both] == ["member.participant_category", "member.wages"]
    assert both[1].required == 3_999_999
    assert hint_of(d, "negated").changes[0].required == ["private", "state_enterprise", "government_honorary",
                                                          "pppk", "polri"]
    assert d.rule("unsolvable").hint is None
    fixed = hint_of(d, "fixed-or")
    assert not fixed.possible and {c.field for c in fixed.changes} == {"member.citizenship", "member.registered_on"}
    low = parse_member({**record, "wages": [{"period": "2022-06", "amount": 900_000}]})
    floor = hint_of(shapes.decide(low, hints=True), "floor").changes[0]
    assert (floor.op, floor.required) == (">=", 1_000_001)
    for rule_id in ("decimal-bound", "both", "negated"):
        assert shapes.decide(apply_hint(member, hint_of(d, rule_id))).rule(rule_id).outcome is RuleResult.PASS


HONORARY = """\
  - id: not-honorary
    title: {id: Bukan tenaga honorer, en: Not honorary staff}
    exclude: member.employment_type == "government_honorary"
    source: pm-10-2022, Pasal 3
    explain: {id: Tenaga honorer dikecualikan, en: Honorary staff are excluded}
"""


def bsu_2022_with(tmp_path: Path, rules: str) -> Plan:
    """bsu-2022 copied to ``tmp_path`` with ``rules`` added before no-teacher-subsidy (and in the glossary)."""
    for name in ("tables", "glossary"):
        shutil.copytree(ROOT / "rules" / name, tmp_path / name)
    anchor = "  - id: no-teacher-subsidy"
    text = (ROOT / "rules" / "bsu-2022.yaml").read_text("utf-8")
    (tmp_path / "bsu-2022.yaml").write_text(text.replace(anchor, rules + anchor), "utf-8")
    glossary = tmp_path / "glossary" / "glossary.yaml"
    entries = "".join(f"  {rule_id}: {{id: {rule_id}, en: {rule_id}}}\n"
                      for rule_id in re.findall(r"- id: (\S+)", rules))
    glossary.write_text(glossary.read_text("utf-8").replace("\nrules:\n", "\nrules:\n" + entries), "utf-8")
    return load_ruleset(tmp_path / "bsu-2022.yaml").plan()


def honorary() -> Member:
    return parse_member({**EXAMPLES[0], "employment_type": "government_honorary"})


def test_a_hint_names_no_value_another_criterion_excludes(tmp_path: Path) -> None:
    p = bsu_2022_with(tmp_path, HONORARY)
    hint = hint_of(p.decide(honorary(), hints=True), "not-honorary")
    (change,) = hint.changes
    assert hint.possible and hint.sufficient
    assert (change.op, change.required, change.patch) == ("in", ["private", "state_enterprise", "pppk"],
                                                          {"set": "private"})  # not pns, tni, polri
    assert hint.text.en == ("The participant would be eligible if the employment status on record were "
                            "private-sector employee, state-owned enterprise (BUMN) employee, or government employee "
                            "on a work agreement (PPPK) (on record: non-civil-service (honorary) staff of a "
                            "government body).")
    check_hints(p, honorary())  # each type named makes the member eligible, each other type does not


def test_a_hint_sets_the_first_value_that_makes_the_member_eligible(tmp_path: Path) -> None:
    private = HONORARY.replace("not-honorary", "not-private").replace('"government_honorary"', '"private"')
    p = bsu_2022_with(tmp_path, HONORARY + private)
    hint = hint_of(p.decide(honorary(), hints=True), "not-honorary")
    (change,) = hint.changes
    assert hint.sufficient and change.required == ["state_enterprise", "pppk"]
    assert change.patch == {"set": "state_enterprise"}
    assert p.decide(apply_hint(honorary(), hint)).outcome is Outcome.ELIGIBLE
    only = HONORARY.replace('== "government_honorary"', 'not in ["pns", "tni"]')
    hint = hint_of(bsu_2022_with(tmp_path / "pns", only).decide(honorary(), hints=True), "not-honorary")
    assert not hint.sufficient and hint.changes[0].required == ["pns", "tni"]  # both excluded by another criterion
    assert hint.text.en.startswith("This requirement would be met if ")


# --- property: applying a hint flips that criterion, and its bound is tight -----------------------


BOUNDARIES = [3_499_999, 3_500_000, 3_500_001, 4_500_001, 4_700_000, 4_700_001, 4_800_001, 4_999_999, 5_000_000,
              5_400_001]


@st.composite
def members(draw: st.DrawFn, edition: str, on: date | None = None) -> Member:
    """Example bases with drawn wages, arrears, categories, employment types and dates (mostly plausible)."""
    cutoff, as_of = str(plan(edition, on).reads["cutoff_month"][0]), plan(edition, on).ruleset.model.as_of
    months = [add_months(cutoff, k) for k in (-3, -2, -1, 0, 1)]

    def often() -> bool:
        return draw(st.integers(0, 7)) > 0

    def sometimes(values: st.SearchStrategy[Any], usual: Any) -> Any:
        return usual if often() else draw(values)

    amount = st.one_of(st.integers(0, 9_000_000), st.sampled_from(BOUNDARIES))
    paid = st.one_of(st.none(), st.sampled_from([as_of, as_of + timedelta(days=1)]),
                     st.dates(as_of - timedelta(days=120), as_of + timedelta(days=60)))
    day = st.dates(as_of - timedelta(days=3000), as_of + timedelta(days=90))
    wage_months = list(dict.fromkeys(draw(st.lists(st.sampled_from(months), max_size=4))
                                     + ([cutoff] if often() else [])))  # one report per month
    billed = set(draw(st.lists(st.sampled_from(months), max_size=4))) | ({cutoff} if often() else set())
    record = {
        **draw(st.sampled_from(EXAMPLES)),
        "citizenship": sometimes(st.sampled_from([c.value for c in Citizenship]), "WNI"),
        "participant_category": sometimes(st.sampled_from([c.value for c in ParticipantCategory]), "PU"),
        "employment_type": draw(st.sampled_from([e.value for e in EmploymentType])),
        "work_regency_code": draw(st.sampled_from(REGENCIES)),
        "registered_on": draw(day).isoformat(),
        "deceased_on": sometimes(day.map(date.isoformat), None),
        "membership_ended_on": sometimes(day.map(date.isoformat), None),
        "wages": [{"period": m, "amount": draw(amount)} for m in wage_months],
        "contributions": [{"period": m, "amount": 1, "paid_on": iso(draw(paid))} for m in sorted(billed)],
        "program_receipts": [{"program": p.value, "year": draw(st.sampled_from([as_of.year, as_of.year - 1]))}
                             for p in draw(st.lists(st.sampled_from(list(Program)), max_size=2))],
    }
    if record["membership_ended_on"] and record["membership_ended_on"] < record["registered_on"]:  # no such record
        record["registered_on"], record["membership_ended_on"] = record["membership_ended_on"], record["registered_on"]
    return parse_member(record)


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def with_patch(changes: list[Change], change: Change, patch: dict[str, Any]) -> list[Change]:
    return [Change(**{**c.model_dump(), "patch": patch}) if c is change else c for c in changes]


def check_hints(p: Plan, member: Member) -> None:
    decision = p.decide(member, hints=True)
    for rule in decision.rules:
        hint = rule.hint
        if hint is None:
            continue
        assert rule.outcome is RuleResult.FAIL
        if not hint.possible:
            assert all(c.field in FIXED and c.patch is None for c in hint.changes)
            continue
        after = p.decide(apply_hint(member, hint))
        assert after.rule(rule.id).outcome is RuleResult.PASS, (rule.id, hint)
        if hint.sufficient:
            assert after.outcome is Outcome.ELIGIBLE
        for change in hint.changes:
            assert isinstance(change.patch, dict)
            if change.field == "member.wages" and change.op in ("<=", ">="):
                beyond = int(str(change.required)) + (1 if change.op == "<=" else -1)
                if beyond >= 0:  # tight: one rupiah further fails
                    off = apply_changes(member, with_patch(hint.changes, change, {**change.patch, "amount": beyond}))
                    assert p.decide(off).rule(rule.id).outcome is RuleResult.FAIL, (rule.id, change)
            elif change.field == "member.contributions":
                due = arrears_start(p.reads["cutoff_month"][0], p.as_of, p.reads["contribution_due_day"][0])
                assert change.patch["periods"] == [due]  # one month, the latest already due: the fewest
            elif change.op in ("==", "in") and member_fields()[change.field].choices:
                allowed = change.required if isinstance(change.required, list) else [change.required]
                for value in sorted(member_fields()[change.field].choices or ()):  # exact: named iff it works
                    tried = p.decide(apply_changes(member, with_patch(hint.changes, change, {"set": value})))
                    works = tried.outcome is Outcome.ELIGIBLE if hint.sufficient else \
                        tried.rule(rule.id).outcome is RuleResult.PASS  # eligible, or meets the criterion
                    assert works is (value in allowed), (rule.id, value, allowed)


@pytest.mark.parametrize(("edition", "on"), DATED)
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_applying_a_hint_flips_that_criterion_and_the_bound_is_tight(
        edition: str, on: date | None, data: st.DataObject) -> None:
    check_hints(plan(edition, on), data.draw(members(edition, on)))


SOLVABLE = {"wage-ceiling", "arrears", "wage-earner", "citizen", "registered-by-cutoff", "not-deceased",
            "not-deceased-by-cutoff",
            "membership-not-ended", "no-teacher-subsidy", "no-prakerja", "ppkm-area", "not-pns",
            "not-pns-tni-polri", "not-asn", "not-asn-tni-polri"}


@pytest.mark.parametrize(("edition", "on"), DATED)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_every_threshold_criterion_that_fails_gets_a_hint(edition: str, on: date | None, data: st.DataObject) -> None:
    decision = plan(edition, on).decide(data.draw(members(edition, on)), hints=True)
    for rule in decision.rules:
        if rule.outcome is RuleResult.FAIL and rule.id in SOLVABLE:
            assert rule.hint is not None, rule.id
