"""The scalar evaluator: outcomes, Kleene logic, dates, determinism, monotonicity, round trip."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from datetime import date
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import bsu_rules
from bsu_rules.decisions import Outcome
from bsu_rules.evaluators.compile import Env, compile_node
from bsu_rules.explain import render_text
from bsu_rules.ruleset.expressions import parse
from bsu_rules.ruleset.model import RuleSet

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = [  # examples/README.md, line by line
    ("eligible", []), ("eligible", []), ("eligible", []), ("ineligible", ["wage-ceiling"]),
    ("ineligible", ["wage-ceiling"]), ("ineligible", ["not-pns-tni-polri"]), ("ineligible", ["not-pns-tni-polri"]),
    ("eligible", []), ("ineligible", ["wage-earner"]), ("ineligible", ["citizen"]),
    ("ineligible", ["not-deceased-by-cutoff", "contribution-billed"]),
    ("ineligible", ["registered-by-cutoff", "contribution-billed"]), ("ineligible", ["arrears"]),
    ("undetermined", []), ("eligible", []), ("ineligible", ["valid-nik"]),
]


def test_examples_decide_as_documented(rs2022: RuleSet, examples: list[dict[str, Any]]) -> None:
    got = [(d.outcome.value, d.failed) for d in (bsu_rules.evaluate(rs2022, r) for r in examples)]
    assert got == EXPECTED


def test_eligible_decision_carries_benefit_channel_and_sources(rs2022: RuleSet, examples: list[dict[str, Any]]) -> None:
    d = bsu_rules.evaluate(rs2022, examples[2], on=date(2022, 9, 12))
    assert d.outcome == Outcome.ELIGIBLE and d.benefit is not None and d.benefit.amount == 600000
    assert d.channel == "MANDIRI" and d.on == date(2022, 9, 12) and d.as_of == date(2022, 7, 31)
    ceiling = d.rule("wage-ceiling")
    assert ceiling.values["fact.ceiling"] == 4800000 and ceiling.values["fact.wage"] == 4750000
    assert ceiling.source == "pm-10-2022, Pasal 3 ayat (2) huruf c; Pasal 4" and ceiling.basis == "regulation"
    assert d.parameters["wage_ceiling"].value == 3500000


def test_a_decision_names_the_bank_text_it_read(rs2022: RuleSet, examples: list[dict[str, Any]]) -> None:
    """An unrecognised bank is not a state bank, and the decision says which bank text it read."""
    record = {**examples[0], "bank_account": {**examples[0]["bank_account"], "bank": "Bank Jago"}}
    d = bsu_rules.evaluate(rs2022, record)
    assert (d.outcome, d.channel) == (Outcome.ELIGIBLE, "POS")
    assert d.channel_values["fact.bank"] == d.channel_values["member.bank_account.bank"] == "Bank Jago"
    assert "member.bank_account.number" not in d.channel_values  # the channel only asks whether there is one
    assert json.loads(d.to_json())["channel_values"] == d.channel_values
    assert "because the bank on record, “Bank Jago”, is not recognised as one of the state-owned banks (Himbara)" in \
        render_text(d, rs2022, "en", "worker")
    assert "karena bank yang tercatat, “Bank Jago”, tidak dikenali sebagai bank penyalur milik negara (Himbara)" in \
        render_text(d, rs2022, "id", "officer")
    paid_at_bank = bsu_rules.evaluate(rs2022, examples[0])
    assert paid_at_bank.channel == "BRI" and "bank on record" not in render_text(paid_at_bank, rs2022, "en", "worker")
    refused = bsu_rules.evaluate(rs2022, {**record, "citizenship": "WNA"})
    assert refused.channel_values == {} and "channel_values" not in refused.to_json()  # only when a channel is chosen


@pytest.mark.parametrize(("edition", "cutoff", "on", "otherwise"), [
    ("bsu-2021", 6, "2021-11-10", "COLLECTIVE_ACCOUNT"), ("bsu-2022", 7, "2022-09-12", "POS"),
    ("bsu-2025", 4, "2025-06-20", "POS")])
def test_no_channel_is_chosen_while_the_bank_is_unknown(examples: list[dict[str, Any]], edition: str, cutoff: int,
                                                        on: str, otherwise: str) -> None:
    """An account at an unknown bank, or no account details at all, leave the channel to be found;
    an account number written empty says there is no account (the channel for those without one)."""
    year, months = int(on[:4]), [f"{on[:4]}-{m:02d}" for m in range(cutoff - 2, cutoff + 1)]
    eligible = {**examples[0], "work_regency_code": "3215", "registered_on": f"{year - 3}-01-01",
                "wages": [{"period": m, "amount": 3_000_000} for m in months],
                "contributions": [{"period": m, "amount": 100_000, "paid_on": f"{m}-10"} for m in months]}
    rs, account = bsu_rules.load_ruleset(edition), eligible["bank_account"]
    cases = [({**account, "bank": None}, None, ["member.bank_account.bank"]),
             (None, None, ["member.bank_account.number", "member.bank_account.bank"]),
             ({**account, "number": ""}, otherwise, []), ({**account, "bank": "Bank DKI"}, otherwise, []),
             ({**account, "bank": "bank rakyat indonesia"}, "BRI", [])]
    for account_given, channel, missing in cases:
        d = bsu_rules.evaluate(rs, {**eligible, "bank_account": account_given}, on=on)
        assert (d.outcome, d.channel, d.missing) == (Outcome.ELIGIBLE, channel, missing), account_given


def test_failure_is_explained_in_both_languages(rs2022: RuleSet, examples: list[dict[str, Any]]) -> None:
    explain = bsu_rules.evaluate(rs2022, examples[3]).rule("wage-ceiling").explain
    assert explain is not None
    assert explain.id == ("Upah bulan Juli 2022 sebesar Rp4.950.000 melebihi batas upah Rp4.700.000 untuk Provinsi "
                          "DKI Jakarta, yaitu upah minimum setempat Rp4.641.854 yang dibulatkan ke atas ke kelipatan "
                          "Rp100.000")
    assert explain.en == ("The wage for July 2022, Rp4.950.000, is above the wage ceiling of Rp4.700.000 for DKI "
                          "Jakarta province, its local minimum wage of Rp4.641.854 rounded up to a multiple of "
                          "Rp100.000")


def test_undetermined_names_the_missing_field(rs2022: RuleSet, examples: list[dict[str, Any]]) -> None:
    d = bsu_rules.evaluate(rs2022, examples[13])
    assert d.outcome == Outcome.UNDETERMINED and d.missing == ["member.wages"] and d.benefit is None
    assert d.rule("wage-ceiling").outcome == "unknown"


def test_a_known_wage_under_the_base_ceiling_needs_no_region(rs2022: RuleSet, examples: list[dict[str, Any]]) -> None:
    record = {k: v for k, v in examples[0].items() if k != "work_regency_code"}
    d = bsu_rules.evaluate(rs2022, record)
    assert d.rule("wage-ceiling").outcome == "pass"  # Kleene: true or unknown = true
    high = copy.deepcopy(record)
    high["wages"][-1]["amount"] = 4_000_000
    assert bsu_rules.evaluate(rs2022, high).rule("wage-ceiling").outcome == "unknown"


def test_nik_never_appears_in_full(rs2022: RuleSet, examples: list[dict[str, Any]]) -> None:
    for record in examples:
        text = bsu_rules.evaluate(rs2022, record).to_json()
        assert record["nik"] not in text and record["bank_account"]["number"] not in text


def test_round_trip_and_hash(rs2022: RuleSet, examples: list[dict[str, Any]]) -> None:
    for record in examples:
        d = bsu_rules.evaluate(rs2022, record)
        again = bsu_rules.Decision.model_validate_json(d.to_json())
        assert again == d and again.to_json() == d.to_json() and again.sha256() == d.sha256()
        assert "." not in json.dumps(json.loads(d.to_json())["benefit"])  # no floats


def test_input_hash_ignores_key_order_and_null_vs_absent(rs2022: RuleSet, examples: list[dict[str, Any]]) -> None:
    record = examples[0]
    shuffled = dict(reversed(list(record.items())))
    no_nulls = {k: v for k, v in record.items() if v is not None}
    hashes = {bsu_rules.evaluate(rs2022, r).member.input_sha256 for r in (record, shuffled, no_nulls)}
    assert len(hashes) == 1
    changed = {**record, "name": "Someone Else"}
    assert bsu_rules.evaluate(rs2022, changed).member.input_sha256 not in hashes


def test_input_hash_cannot_confirm_a_guessed_identifier(rs2022: RuleSet, examples: list[dict[str, Any]]) -> None:
    """A decision shows the NIK and the account number masked, and the values its rules read: a record of
    little more would give them away to whoever tries the hidden digits against a hash of the record whole.
    The hash is of the record as shown, so those digits cannot be tried; a log's key still hashes it whole."""
    import hashlib

    from bsu_rules.audit import input_hash
    from bsu_rules.members import parse_line, parse_member

    record = {**examples[0], "kpj": examples[0]["nik"], "name": "NIK 3204 1257 0894 0003"}  # typed in its place
    nik, number = record["nik"], record["bank_account"]["number"]
    other = {**record, "nik": nik[:4] + "99" + nik[6:],  # another district, and account: hidden by the masks
             "bank_account": {**record["bank_account"], "number": number[:4] + "0000000" + number[11:]}}
    hashes = {bsu_rules.evaluate(rs2022, r).member.input_sha256 for r in (record, other)}
    assert len(hashes) == 1
    shown = json.loads(parse_member(record).model_dump_json(exclude_none=True))
    shown.update(nik="3204********0003", kpj="3204********0003", name="NIK 3204 **** **** 0003")
    shown["bank_account"]["number"] = "418*********507"
    assert hashes == {hashlib.sha256(json.dumps(shown, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()}
    assert parse_line(json.dumps(record).encode()).input_sha256 in hashes  # the JSON-line path hashes alike
    seen = {**record, "nik": nik[:12] + "0009"}  # a digit the mask shows: another hash
    assert bsu_rules.evaluate(rs2022, seen).member.input_sha256 not in hashes
    assert input_hash(record, "a key") != input_hash(other, "a key")  # keyed: the whole record


@pytest.mark.parametrize(("name", "employer", "holder"), [
    ("Joko Siregar", "PT Tekstil Abadi", "Joko Siregar"),  # no digit: only the identifiers change
    ("Joko 12345", "PT 67890", "Joko 12345"),  # ten digits between the names, fewer than ten in each
    ("Joko 3204125708940003", "PT 1", "x"),  # a NIK typed into a name
    ("Joko ³²⁰⁴¹²⁵⁷⁰⁸⁹⁴⁰⁰⁰³", "PT 1", "x"),  # digits of another form
    ("Joko ١٢٣٤٥", "PT ٦٧٨٩٠", "Joko"),
    ("Joko 32O412570894OOO3", "PT 1", "x"),  # a NIK typed with the letter O for 0
    ("Joko", "PT Ollo 1", "Lolo Ilo Oll 2"),  # letters that look like digits, in words of letters
])
def test_a_record_is_hashed_as_shown_whichever_way_it_was_read(examples: list[dict[str, Any]], name: str,
                                                              employer: str, holder: str) -> None:
    """The JSON line's mirror and the model mask a record alike: most records' names, looked at together, hold
    too few digits for any of them to change."""
    from bsu_rules.members import parse_line, parse_member
    from bsu_rules.members.parse import shown_json
    from bsu_rules.members.redact import few_digits, mask_typed

    record = {**examples[0], "name": name, "employer": {**examples[0]["employer"], "name": employer},
              "bank_account": {**examples[0]["bank_account"], "holder_name": holder}}
    parsed = parse_line(json.dumps(record, ensure_ascii=False).encode())
    assert parsed is not None and parsed.input_sha256 is not None
    assert shown_json(parsed.record) == shown_json(parse_member(record))
    shown = json.loads(shown_json(parsed.record))
    assert (shown["name"], shown["employer"]["name"]) == (mask_typed(name), mask_typed(employer))
    texts = " ".join((name, employer, holder))
    assert few_digits(texts) == (texts.isascii() and all(mask_typed(t) == t for t in (name, employer, holder, texts)))


@pytest.mark.parametrize(("kpj", "number"), [
    ("14425735971", "9672284957125"), ("14425735971", "3204125708940003"), ("14425735971", "12345678"),
    ("14425735971", "1"), ("14425735971", ""), ("14425735971", "967-228 4957"), ("14425735971", "967*******125"),
    ("14425735971", "12 34 56 78 90"), ("3204125708940003", "9672284957125"), (None, "9672284957125"),
])
def test_a_json_line_is_hashed_as_the_model_hashes_it(examples: list[dict[str, Any]], kpj: str | None,
                                                      number: str) -> None:
    """The JSON-line path masks the NIK and the account number in the record's compact JSON: the same hash
    as the model's, whatever form the account number and the KPJ take."""
    from bsu_rules.members import parse_line, parse_member, record_hash

    record = {**examples[0], "kpj": kpj, "bank_account": {**examples[0]["bank_account"], "number": number}}
    parsed = parse_line(json.dumps(record, ensure_ascii=False).encode())
    assert parsed is not None and parsed.input_sha256 == record_hash(parse_member(record))


def test_decision_date_outside_the_edition_is_refused(rs2022: RuleSet, examples: list[dict[str, Any]]) -> None:
    with pytest.raises(bsu_rules.OutOfForce, match="2022-09-05"):
        bsu_rules.evaluate(rs2022, examples[0], on=date(2022, 1, 1))


def test_dated_parameter_and_rule_follow_the_decision_date(rules_copy: Path, examples: list[dict[str, Any]]) -> None:
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    text = text.replace("  wage_ceiling:\n    value: 3500000",
                        "  wage_ceiling:\n    values: {2022-09-05: 3500000, 2022-10-01: 4300000}")
    text = text.replace("  - id: pppk-review\n", "  - id: pppk-review\n    in_force: {until: 2022-09-30}\n")
    path.write_text(text, "utf-8")
    rs = bsu_rules.load_ruleset(path)
    record = examples[4]  # Kab. Bandung, wage 4.200.000
    before, after = (bsu_rules.evaluate(rs, record, on=date(2022, 9, d)) for d in (12, 30))
    later = bsu_rules.evaluate(rs, record, on=date(2022, 10, 1))
    assert before.outcome == after.outcome == Outcome.INELIGIBLE and later.outcome == Outcome.ELIGIBLE
    assert later.parameters["wage_ceiling"].value == 4300000
    assert later.parameters["wage_ceiling"].since == date(2022, 10, 1)
    assert later.rule("pppk-review").outcome == "not_in_force" and after.rule("pppk-review").outcome == "pass"
    assert rs.default_on == date(2022, 10, 1)


def test_malformed_record_names_every_field(rs2022: RuleSet, examples: list[dict[str, Any]]) -> None:
    bad = copy.deepcopy(examples[0])
    bad["wages"][1]["period"] = "2022-13"
    bad["contributions"][0]["amount"] = 314160.0
    bad["salary"] = 1
    with pytest.raises(bsu_rules.InputError) as info:
        bsu_rules.evaluate(rs2022, bad)
    fields = [path for path, _ in info.value.problems]
    assert fields == ["wages[1].period", "contributions[0].amount", "salary"]
    assert "'2022-13' is not a month" in str(info.value)
    assert bsu_rules.parse_member(bad | {"wages": examples[0]["wages"], "contributions": examples[0]["contributions"]},
                                  ignore_unknown=True).nik == bad["nik"]


# --- Kleene logic on the compiled IR -------------------------------------------------------------
TRUTH = [True, False, None]
RANK = {False: 0, None: 1, True: 2}


def _run(expr: str, p: Any, q: Any, r: Any = None) -> Any:
    env = Env({}, {}, {"p": 0, "q": 1, "r": 2}, None, None)
    return compile_node(parse(expr), env)(None, [p, q, r])


def _min(*xs: Any) -> Any:
    return min(xs, key=RANK.__getitem__)


def _max(*xs: Any) -> Any:
    return max(xs, key=RANK.__getitem__)


@pytest.mark.parametrize(("p", "q", "r"), list(product(TRUTH, repeat=3)))
def test_kleene_truth_tables_and_laws(p: Any, q: Any, r: Any) -> None:
    assert _run("fact.p and fact.q", p, q) is _min(p, q)
    assert _run("fact.p or fact.q", p, q) is _max(p, q)
    assert _run("not fact.p", p, q) is (None if p is None else not p)
    assert _run("not (fact.p and fact.q)", p, q) is _run("not fact.p or not fact.q", p, q)  # De Morgan
    assert _run("fact.p and (fact.q or fact.r)", p, q, r) is _run("(fact.p and fact.q) or (fact.p and fact.r)", p, q, r)
    assert _run("fact.p and fact.q and fact.r", p, q, r) is _min(p, q, r)


@pytest.mark.parametrize("test", TRUTH)
def test_conditional_with_unknown_test_is_known_only_when_branches_agree(test: Any) -> None:
    assert _run("1 if fact.p else 1", test, None) == 1
    expected = {True: 1, False: 2, None: None}[test]
    assert _run("1 if fact.p else 2", test, None) == expected
    assert _run("(fact.q == 3) or true", test, None) is True


# --- determinism and monotonicity ---------------------------------------------------------------
SCRIPT = """
import json, sys, bsu_rules
rs = bsu_rules.load_ruleset("bsu-2022")
for line in open(sys.argv[1]):
    print(bsu_rules.evaluate(rs, json.loads(line)).to_json())
"""


def test_byte_identical_under_any_timezone_and_hash_seed() -> None:
    outputs = set()
    for tz, seed in (("UTC", "0"), ("Asia/Jakarta", "1"), ("America/Los_Angeles", "12345")):
        env = {**os.environ, "TZ": tz, "PYTHONHASHSEED": seed, "LC_ALL": "C"}
        run = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "examples" / "members.jsonl")],
                             env=env, capture_output=True, text=True, check=True)
        outputs.add(run.stdout)
    assert len(outputs) == 1 and outputs.pop().count("\n") == len(EXPECTED)


UNKNOWN_TWICE = """
import json, sys, bsu_rules
rs = bsu_rules.load_ruleset(sys.argv[1])
print(bsu_rules.evaluate(rs, json.loads(sys.argv[2])).to_json())
"""


def test_an_unknown_fact_reading_two_unknown_facts_is_explained_the_same_under_any_hash_seed(
        rules_copy: Path, examples: list[dict[str, Any]]) -> None:
    # fact.headroom reads the ceiling (unknown: a province-only place of work) and the wage (unknown:
    # no wage up to the cut-off): the field on record the ceiling cannot read is named, every run the same
    path = rules_copy / "bsu-2022.yaml"
    text = path.read_text("utf-8").replace(
        "  cutoff_day: month_end(param.cutoff_month)\n",
        "  cutoff_day: month_end(param.cutoff_month)\n  headroom: fact.ceiling - fact.wage\n", 1)
    require = ("require: fact.wage <= param.wage_ceiling or ((fact.wage <= fact.ceiling or fact.wage <= "
               "fact.province_ceiling) and fact.wage <= fact.highest_ceiling)")
    assert require in text
    path.write_text(text.replace(require, "require: fact.headroom >= 0", 1), "utf-8")
    glossary = rules_copy / "glossary" / "glossary.yaml"
    glossary.write_text(glossary.read_text("utf-8").replace(
        "\nnames:\n", "\nnames:\n  fact.headroom: {id: sisa batas upah, en: room under the ceiling}\n", 1), "utf-8")
    record = {**examples[0], "work_regency_code": "3200", "wages": [{"period": "2022-09", "amount": 3_400_000}]}
    outputs = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        run = subprocess.run([sys.executable, "-c", UNKNOWN_TWICE, str(path), json.dumps(record)],
                             env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True, check=True)
        outputs.add(run.stdout)
    assert len(outputs) == 1
    decision = json.loads(outputs.pop())
    assert decision["outcome"] == "undetermined" and decision["missing"] == ["member.work_regency_code"]
    assert "hanya mencantumkan provinsinya" in json.dumps(decision, ensure_ascii=False)  # the field on record first


wages = st.integers(min_value=0, max_value=8_000_000)


@settings(max_examples=150, deadline=None)
@given(index=st.integers(0, len(EXPECTED) - 1), wage=wages, raise_by=st.integers(1, 3_000_000))
def test_raising_the_wage_never_makes_a_member_eligible(rs2022: RuleSet, examples: list[dict[str, Any]],
                                                        index: int, wage: int, raise_by: int) -> None:
    record = copy.deepcopy(examples[index])
    if not record.get("wages"):
        return
    record["wages"][-1]["amount"] = wage
    low = bsu_rules.evaluate(rs2022, record)
    record["wages"][-1]["amount"] = wage + raise_by
    high = bsu_rules.evaluate(rs2022, record)
    assert not (low.outcome != Outcome.ELIGIBLE and high.outcome == Outcome.ELIGIBLE)
    order = {"pass": 2, "unknown": 1, "fail": 0}
    assert order[high.rule("wage-ceiling").outcome] <= order[low.rule("wage-ceiling").outcome]


@settings(max_examples=150, deadline=None)
@given(index=st.integers(0, len(EXPECTED) - 1), unpaid=st.lists(st.booleans(), min_size=3, max_size=3),
       pay=st.integers(0, 2))
def test_paying_a_missed_contribution_never_makes_a_member_ineligible(
        rs2022: RuleSet, examples: list[dict[str, Any]], index: int, unpaid: list[bool], pay: int) -> None:
    record = copy.deepcopy(examples[index])
    rows = record.get("contributions") or []
    for row, missing in zip(rows, unpaid, strict=False):
        if missing:
            row["paid_on"] = None
    before = bsu_rules.evaluate(rs2022, record)
    if pay < len(rows) and rows[pay]["paid_on"] is None:
        rows[pay]["paid_on"] = "2022-07-20"
    after = bsu_rules.evaluate(rs2022, record)
    assert not (before.outcome == Outcome.ELIGIBLE and after.outcome != Outcome.ELIGIBLE)


def test_unknown_channel_names_the_data_it_needs(rs2022: RuleSet, examples: list[dict[str, Any]]) -> None:
    record = {k: v for k, v in examples[0].items() if k != "work_regency_code"}
    d = bsu_rules.evaluate(rs2022, record)
    assert d.outcome == Outcome.ELIGIBLE and d.channel is None and d.missing == ["member.work_regency_code"]


@pytest.mark.parametrize(("minimum", "wage", "ceiling", "outcome"), [
    ("3500000", 3_500_000, 3_500_000, "pass"),      # exactly 3.5M: no override (strictly greater)
    ("3500000", 3_500_001, 3_500_000, "fail"),
    ("3500000.01", 3_600_000, 3_600_000, "pass"),   # a cent above: rounded up to the next 100.000
    ("3500000.01", 3_600_001, 3_600_000, "fail"),
])
def test_minimum_wage_of_exactly_the_ceiling_gives_no_override(
        rules_copy: Path, examples: list[dict[str, Any]], minimum: str, wage: int, ceiling: int, outcome: str) -> None:
    table = rules_copy / "tables" / "minimum-wage-2022.csv"
    table.write_text(table.read_text("utf-8") + f"3204,Kab. Bandung (test),UMK,{minimum},exact,test row\n", "utf-8")
    rs = bsu_rules.load_ruleset(rules_copy / "bsu-2022.yaml")
    record = copy.deepcopy(examples[0])
    record["wages"][-1]["amount"] = wage
    rule = bsu_rules.evaluate(rs, record).rule("wage-ceiling")
    assert (rule.outcome, rule.values["fact.ceiling"]) == (outcome, ceiling)


def test_static_unknown_analysis_matches_the_contract(rs2022: RuleSet) -> None:
    from bsu_rules.ruleset.nullability import may_be_unknown

    can = {c.rule.id: may_be_unknown(c.tree, rs2022) for c in rs2022.rules}
    assert not can["citizen"] and not can["valid-nik"] and not can["wage-earner"]
    assert not can["not-deceased"] and not can["not-deceased-by-cutoff"] and not can["membership-not-ended"]
    assert can["wage-ceiling"] and can["arrears"] and can["registered-by-cutoff"]


@pytest.mark.parametrize(("expr", "expected"), [
    ("fact.p and fact.q", {True, False, None}),
    ("fact.p or true", {True}),
    ("fact.p and false", {False}),
    ("not (fact.p or true)", {False}),
    ("known(member.kpj)", {True, False}),
    ('member.citizenship == "WNI"', {True, False}),
    ("member.kpj == \"1\" or true", {True}),
])
def test_truth_values_over_approximate_nothing_obvious(rs2022: RuleSet, expr: str, expected: set[Any]) -> None:
    from bsu_rules.ruleset.checker import Scope, TypeChecker
    from bsu_rules.ruleset.nullability import truth_values
    from bsu_rules.ruleset.types import BOOL

    tree = parse(expr)
    scope = Scope({}, {}, {"p": "", "q": ""}, {"p": BOOL, "q": BOOL})
    TypeChecker(scope, lambda *a: None).check(tree)
    facts = dict(rs2022.facts)
    facts.update({"p": parse('member.kpj == "1"'), "q": parse('member.kpj == "2"')})
    for name in ("p", "q"):
        TypeChecker(scope, lambda *a: None).check(facts[name])
    view = type("View", (), {"facts": facts, "tables": rs2022.tables, "model": rs2022.model})()
    assert truth_values(tree, view) == expected  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_pydantic_json_is_the_canonical_form(data: st.DataObject) -> None:
    """``to_json`` relies on sorted field declarations and sorted dicts; this holds it to json.dumps."""
    from strategies import members

    from bsu_rules.decisions import canonical_json

    name = data.draw(st.sampled_from(["bsu-2020", "bsu-2021", "bsu-2022", "bsu-2025"]))
    record = data.draw(members())
    d = bsu_rules.evaluate(bsu_rules.load_ruleset(name), record)
    assert d.to_json() == canonical_json(d.model_dump(mode="json"))


def test_canonical_form_escapes_like_json_dumps() -> None:
    from bsu_rules.decisions import RuleOutcome, canonical_json

    odd = 'tab\t nl\n quote" back\\ nul\x00 bell\x07 del\x7f ü 中 \u2028 😀'
    r = RuleOutcome(id="x", kind="require", outcome="pass", values={"member.name": odd, odd: [1, None, True]})
    assert r.model_dump_json() == canonical_json(r.model_dump(mode="json"))


def test_the_api_takes_what_a_caller_holds_or_says_what_it_needs(rs2022: RuleSet,
                                                                   examples: list[dict[str, Any]]) -> None:
    """A decision date as text and a record as a dict are taken by ``plan`` and ``decide`` as ``evaluate``
    takes them (the same bytes); a rule set id where a RuleSet is needed says how to load one."""
    expected = bsu_rules.evaluate(rs2022, examples[0], on="2022-09-05").to_json()
    assert rs2022.plan("2022-09-05").decide(examples[0]).to_json() == expected
    assert rs2022.plan(date(2022, 9, 5)).decide(bsu_rules.parse_member(examples[0])).to_json() == expected
    with pytest.raises(bsu_rules.InputError, match="YYYY-MM-DD"):
        rs2022.plan("05/09/2022")
    with pytest.raises(bsu_rules.InputError, match="nik"):
        rs2022.plan().decide({"nik": "12"})
    with pytest.raises(TypeError, match=r"bsu_rules.load_ruleset\('bsu-2022'\)"):
        bsu_rules.evaluate("bsu-2022", examples[0])  # type: ignore[arg-type]


def test_decide_refuses_what_is_not_a_record_and_takes_the_rest_by_keyword(rs2022: RuleSet,
                                                                           examples: list[dict[str, Any]]) -> None:
    """Anything but a record is an InputError naming what was given (a file's name is told how files
    are read), from ``decide`` as from ``evaluate``; the arguments after the record are keywords."""
    plan = rs2022.plan("2022-09-05")
    for value, kind in (("m.jsonl", "text"), (Path("m.parquet"), type(Path()).__name__), (b"{}", "bytes"),
                        ((r for r in examples[:1]), "generator")):
        for decide in (plan.decide, lambda v: bsu_rules.evaluate(rs2022, v, on="2022-09-05")):
            with pytest.raises(bsu_rules.InputError, match=rf"^\(record\): expected an object, got {kind}") as caught:
                decide(value)
            assert ("bsu-rules evaluate" in str(caught.value)) == (kind != "generator")
    for extra in ("a" * 64, True):
        with pytest.raises(TypeError, match="positional"):
            plan.decide(examples[0], extra)  # type: ignore[misc]
    own = plan.decide(examples[0]).member.input_sha256
    assert plan.decide(examples[0], input_sha256=own).member.input_sha256 == own


@pytest.mark.parametrize(("given", "error", "said"), [
    (123, TypeError, "not int"), ("nothex", ValueError, r"not 'nothex' \(6 characters\)"),
    ("A" * 64, ValueError, "lower-case.*upper case: give it in lower case"),
    ("0" * 63 + "g", ValueError, "a character that is not 0-9 or a-f"),
    ("0" * 63 + "\u0660", ValueError, "a character that is not 0-9 or a-f"),  # a digit, of another script
    ("0" * 63 + "\n", ValueError, "a character that is not 0-9 or a-f"),
    ("0" * 64, ValueError, "not the sha256 of this record")])
def test_a_given_input_hash_is_a_hash_and_the_records_own(rs2022: RuleSet, examples: list[dict[str, Any]],
                                                          given: object, error: type[Exception], said: str) -> None:
    """What the decision JSON would carry as the record's hash is checked: a value the decision schema
    refuses is refused here, and a dict's hash, which is computed anyway, must be its own."""
    with pytest.raises(error, match=said):
        rs2022.plan("2022-09-05").decide(examples[0], input_sha256=given)  # type: ignore[arg-type]


def test_conditions_of_another_length_are_told_as_such(rs2022: RuleSet, examples: list[dict[str, Any]]) -> None:
    plan = rs2022.plan("2022-09-05")
    with pytest.raises(ValueError, match=rf"^conditions gives 1 values, one for each of the {len(plan.rules)} rules"):
        plan.decide(examples[0], conditions=[False])
    for wrong in (["false"] * len(plan.rules), dict.fromkeys(range(len(plan.rules)), True), [1] * len(plan.rules)):
        with pytest.raises(TypeError, match=r"^conditions is a list of True, False or None"):
            plan.decide(examples[0], conditions=wrong)  # type: ignore[arg-type]  # "false" would hold


def test_a_validated_member_does_not_change_and_a_changed_copy_is_validated(
        rs2022: RuleSet, examples: list[dict[str, Any]]) -> None:
    """A decision reads its record after it is made: a Member's lists refuse changes in place, and a
    copy with changes is validated as a new record would be."""
    import pickle

    for member in (bsu_rules.parse_member(examples[0]), bsu_rules.Member.model_validate(examples[0])):
        decision = bsu_rules.evaluate(rs2022, member, on="2022-09-12")
        before = decision.model_copy().to_json()
        for change in (lambda m: m.wages.append(m.wages[0]), lambda m: m.wages.__setitem__(-1, m.wages[0]),
                       lambda m: m.contributions.clear(), lambda m: m.program_receipts.extend([]),
                       lambda m: m.wages.sort(), lambda m: m.wages.__init__([]),
                       lambda m: setattr(m, "nik", "3204125708940099"),
                       lambda m: setattr(m.bank_account, "number", "3204125708940099")):
            with pytest.raises(TypeError, match="a validated record does not change") as caught:
                change(member)
            assert "3204125708940099" not in str(caught.value)
        assert bsu_rules.evaluate(rs2022, member, on="2022-09-12").to_json() == before
        assert copy.deepcopy(member) == member == pickle.loads(pickle.dumps(member))
        assert member.model_dump()["wages"] == examples[0]["wages"]
        with pytest.raises(bsu_rules.InputError, match=r"^nik: has 3 characters, not 16$"):
            member.model_copy(update={"nik": "123"})
        with pytest.raises(bsu_rules.InputError, match=r"^wages\[\d+\]\.period: 2022-05 is repeated with other values"):
            member.model_copy(update={"wages": [*member.wages, member.wages[0].model_copy(update={"amount": 1})]})
        richer = member.model_copy(update={"wages": [{"period": "2022-07", "amount": 9_000_000}]})
        assert bsu_rules.evaluate(rs2022, richer, on="2022-09-12").outcome == "ineligible"


def test_a_member_built_directly_never_repeats_its_identifiers(examples: list[dict[str, Any]]) -> None:
    record = dict(examples[0], nik=examples[0]["nik"] + " ",
                  bank_account=dict(examples[0]["bank_account"], number=int(examples[0]["bank_account"]["number"])))
    for build in (lambda: bsu_rules.Member(**record), lambda: bsu_rules.Member.model_validate_json(json.dumps(record))):
        with pytest.raises(ValidationError) as caught:
            build()
        assert examples[0]["nik"] not in str(caught.value)
        assert examples[0]["bank_account"]["number"] not in str(caught.value)


def test_a_datetime_is_refused_as_a_decision_date_by_plan_as_by_evaluate(rs2022: RuleSet,
                                                                        examples: list[dict[str, Any]]) -> None:
    from datetime import datetime

    for decide in (lambda on: rs2022.plan(on), lambda on: bsu_rules.evaluate(rs2022, examples[0], on=on)):
        with pytest.raises(bsu_rules.InputError, match=r"^on: datetime is not a date \(YYYY-MM-DD\)$"):
            decide(datetime(2022, 9, 12))


def test_a_read_only_mapping_is_a_record_at_the_top_as_inside(rs2022: RuleSet, examples: list[dict[str, Any]]) -> None:
    from types import MappingProxyType

    plain = bsu_rules.evaluate(rs2022, examples[0]).to_json()
    assert bsu_rules.evaluate(rs2022, MappingProxyType(examples[0])).to_json() == plain
    nested = {**examples[0], "employer": MappingProxyType(examples[0]["employer"])}
    assert bsu_rules.evaluate(rs2022, MappingProxyType(nested)).to_json() == plain
