"""Proofs over every member: the bundled editions, a file with known defects, the encoding's
parity with the scalar evaluator, and the symbolic diff 2021 -> 2022."""

from __future__ import annotations

import functools
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

z3 = pytest.importorskip("z3")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import bsu_rules  # noqa: E402
from bsu_rules.catalogue import FUNCTIONS  # noqa: E402
from bsu_rules.cli import main  # noqa: E402
from bsu_rules.errors import BsuRulesError  # noqa: E402
from bsu_rules.members import parse_member  # noqa: E402
from bsu_rules.prove import ProveError, Prover, authored  # noqa: E402
from bsu_rules.prove.authored import check, load, path_for  # noqa: E402
from bsu_rules.prove.functions import EXACT  # noqa: E402
from bsu_rules.prove.realize import member_value  # noqa: E402
from bsu_rules.prove.regions import SymbolicDiff  # noqa: E402
from bsu_rules.ruleset.loader import load_ruleset  # noqa: E402
from bsu_rules.ruleset.schema import Kind  # noqa: E402
from bsu_rules.testing.runner import run_paths  # noqa: E402
from tests.strategies import members  # noqa: E402

EDITIONS = ("bsu-2020", "bsu-2021", "bsu-2022", "bsu-2025")
FIXTURES = Path(__file__).parent / "fixtures" / "prove"


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.usefixtures("shared_proofs")  # the `prove` command's tests print these verdicts
def test_every_builtin_and_authored_property_holds_for_each_edition(edition: str) -> None:
    ruleset = load_ruleset(edition)
    props = load(path_for(ruleset), ruleset) if path_for(ruleset).exists() else []
    prover = Prover(ruleset, extra=[p.tree for p in props])
    verdicts = [*prover.builtin(), *(authored.check(prover, p) for p in props)]
    waits = {"bsu-2020": {"live:has-kpj": "undetermined-only"}}  # no KPJ on record: undetermined, never failed
    assert {v.name: v.status for v in verdicts if v.status != "proved"} == waits.get(edition, {})
    assert any(v.name == "monotone-raise_wage" for v in verdicts)


def test_defects_are_refuted_with_members_the_scalar_evaluator_confirms() -> None:
    ruleset = load_ruleset(FIXTURES / "defects.yaml")
    props = load(FIXTURES / "defects.properties.yaml", ruleset)
    prover = Prover(ruleset, extra=[p.tree for p in props])
    verdicts = {v.name: v for v in [*prover.builtin(), *(check(prover, p) for p in props)]}
    raise_wage = verdicts["monotone-raise_wage"]
    assert raise_wage.status == "refuted"
    before, after = raise_wage.members
    assert after["wages"][-1]["amount"] > before["wages"][-1]["amount"]
    ranks = {"ineligible": 0, "undetermined": 1, "eligible": 2}
    assert ranks[prover.decide(after).outcome.value] > ranks[prover.decide(before).outcome.value]
    assert verdicts["live:impossible"].status == "undetermined-only"  # the exclusion never holds, only unknown
    assert verdicts["not-vacuous:vacuous"].status == "refuted"  # the requirement always holds
    assert verdicts["live:wage-floor"].status == "proved"
    false_claim = verdicts["nobody below Rp2.000.000 is paid (false)"]
    assert false_claim.status == "refuted"
    (member,) = false_claim.members
    assert prover.decide(member).outcome.value == "eligible"
    assert parse_member(member).wages[-1].amount < 2_000_000  # type: ignore[index]
    assert verdicts["a soldier can be paid"].status == "proved"


def test_criteria_that_contradict_each_other_are_refuted_as_paying_nobody(rules_copy: Path) -> None:
    edited = rules_copy / "bsu-2022.yaml"
    text = edited.read_text("utf-8")
    assert Prover(load_ruleset(edited)).some_eligible().status == "proved"
    edited.write_text(text.replace('require: member.citizenship == "WNI"\n',
                                   'require: member.citizenship == "WNI" and member.citizenship != "WNI"\n'), "utf-8")
    verdict = Prover(load_ruleset(edited)).some_eligible()
    assert (verdict.name, verdict.status, verdict.members) == ("some-eligible", "refuted", [])
    assert verdict.detail == "no member meets `citizen`"


def test_paying_nobody_names_the_criteria_no_member_meets_together(rules_copy: Path) -> None:
    """Neither alone blocks anyone; together they do, and no other criterion is named."""
    edited = rules_copy / "bsu-2022.yaml"
    written = 'exclude: member.employment_type in ["pns", "tni", "polri"]\n'
    text = edited.read_text("utf-8")
    assert written in text
    edited.write_text(text.replace(written, written.replace("]\n", '] or member.participant_category == "PU"\n')),
                      "utf-8")
    verdict = Prover(load_ruleset(edited)).some_eligible()
    assert (verdict.status, verdict.detail) == ("refuted", "no member meets `wage-earner` and `not-pns-tni-polri` "
                                                           "together")


def test_every_catalogue_function_has_an_encoding() -> None:
    for name, function in FUNCTIONS.items():
        assert (name in EXACT) != (function.abstract is not None), name


def test_a_property_that_does_not_type_check_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text('ruleset: bsu-2022\nproperties:\n  - name: x\n    always: member.wage_amount > 1\n')
    with pytest.raises(ProveError, match="unknown name") as raised:
        load(path, load_ruleset("bsu-2022"))
    assert isinstance(raised.value, BsuRulesError) and raised.value.code == "not-provable"


@functools.cache
def _parity(edition: str) -> Prover:
    """Built once, when first drawn (not as each test worker collects the tests)."""
    return Prover(load_ruleset(edition))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["bsu-2021", "bsu-2022", "bsu-2025"]), st.data())
def test_the_encoding_gives_the_scalar_outcome_for_a_concrete_member(edition: str, data: Any) -> None:
    """Fix every input to a generated member's (texts the rules do not name become their
    representative): exactly the scalar outcome is satisfiable, together with every declared
    relation of the abstracted functions (so the relations hold for real members)."""
    prover = _parity(edition)
    rs = prover.ruleset
    _assert_only_the_scalar_outcome(prover, data.draw(members(rs.model.parameters["cutoff_month"].value,
                                                              rs.model.as_of)))


def _assert_only_the_scalar_outcome(prover: Prover, record: dict[str, Any]) -> None:
    member = parse_member(record)
    expected = prover.decide(record).outcome.value
    inputs, e = prover.inputs, prover.encoder
    fixed = []
    for path, (sym, _) in inputs.fields.items():
        value = member_value(member, path)
        fixed.append(sym.known == (value is not None))
        if value is not None:
            fixed.append(sym.term == (value.toordinal() if hasattr(value, "toordinal") else
                                      inputs.code_of(path, value)))
    for path, sym in inputs.histories.items():
        fixed.append(sym.known == (member_value(member, path) is not None))
    for call in inputs.calls.values():
        got = call.function.impl(*[member_value(member, a) for a in call.args])
        fixed.append(call.sym.known == (got is not None))
        if got is not None:
            fixed.append(call.sym.term == (inputs.strings.codes.get(str(got), -99) if call.sym.kind == "str" else got))
    for outcome in ("eligible", "undetermined", "ineligible"):
        solver = z3.Solver()
        solver.add(*inputs.domain, *fixed, e.outcome(outcome))
        assert (solver.check() == z3.sat) == (outcome == expected), (outcome, expected, record)


# --- lower-bound table rows: every operation bsu_rules.bounds states, on a probe rule set ---------

BOUND_RULES = """\
ruleset: prove-bounds-probe
version: "1"
title: {id: Uji batas bawah, en: Lower-bound probe}
in_force: {from: 2025-06-02}
as_of: 2025-04-30
parameters:
  cutoff_month: {value: 2025-04}
  wage_ceiling: {value: 3500000, unit: IDR}
  rounding: {value: 100000, unit: IDR}
tables:
  minimum_wage: {file: tables/mw.csv, key: area_code, value: amount, bound: bound}
facts:
  wage: last_wage(member.wages, param.cutoff_month)
  regional_minimum: >-
    table.minimum_wage.get(member.work_regency_code, table.minimum_wage.get(province(member.work_regency_code), 0))
  ceiling: >-
    round_up(fact.regional_minimum, param.rounding) if fact.regional_minimum > param.wage_ceiling
    else param.wage_ceiling
rules:
  - id: wage-ceiling
    require: fact.wage <= param.wage_ceiling or fact.wage <= fact.ceiling
  - id: headroom
    flag: fact.ceiling - fact.wage >= 100000
  - id: gap
    flag: fact.wage - fact.regional_minimum < 0 or -fact.regional_minimum < 0
  - id: scaled
    flag: fact.regional_minimum * 2 > 8000000 and fact.regional_minimum * -2 < 0
  - id: lowest
    prioritize: min(fact.regional_minimum, 4000000) < 4000000 or fact.regional_minimum == 4375479
  - id: unit
    prioritize: fact.regional_minimum // 1000 > 4000 and fact.regional_minimum - 1 != 4375478
  - id: listed
    flag: fact.regional_minimum in [4375479, 5396761] or 4375479 in [fact.regional_minimum]
  - id: agree
    flag: (fact.regional_minimum if fact.wage > 4000000 else max(fact.regional_minimum, 3000000)) >= 4400000
  - id: at-most
    flag: fact.regional_minimum <= 4375479
  - id: below
    flag: fact.regional_minimum < 4375479
  - id: above
    flag: fact.regional_minimum > 4375479
  - id: at-least
    flag: fact.regional_minimum >= 4375479
  - id: equal
    flag: fact.regional_minimum == 4375479
  - id: mirrored
    flag: 4375479 >= fact.regional_minimum or fact.wage != fact.regional_minimum
  - id: fallback
    flag: coalesce(fact.wage, fact.regional_minimum) > 4380000 and province(member.work_regency_code) != "31"
benefit: {amount: 600000}
"""
BOUND_TABLE = """\
area_code,amount,bound,source
3578,4375479,lower,Kota Surabaya 2022 figure (lower bound)
3273,3742276.48,lower,Kota Bandung 2021 figure (lower bound)
31,5396761,exact,DKI Jakarta 2025
19,3623653,lower,Bangka Belitung (lower bound)
1571,3607223,exact,Kota Jambi 2025
"""
BOUND_AREAS = ["3578", "3273", "3101", "3174", "1971", "1571", "3201", "3329"]
BOUND_WAGES = [3_000_000, 3_500_000, 3_700_000, 3_800_000, 4_000_000, 4_375_479, 4_400_000, 5_400_000]


_RESULTS = {Kind.REQUIRE: ("pass", "fail"), Kind.EXCLUDE: ("fail", "pass"),
            Kind.PRIORITIZE: ("prioritized", "not_prioritized"), Kind.FLAG: ("flagged", "pass")}


@pytest.fixture(scope="module")
def bound_prover(tmp_path_factory: pytest.TempPathFactory) -> Prover:
    folder = tmp_path_factory.mktemp("prove-bounds")
    (folder / "tables").mkdir()
    (folder / "tables" / "mw.csv").write_text(BOUND_TABLE, "utf-8")
    (folder / "probe.yaml").write_text(BOUND_RULES, "utf-8")
    (folder / "probe.properties.yaml").write_text("""\
ruleset: prove-bounds-probe
properties:
  - name: undetermined only when a member input is unknown (false where a row is only a lower bound)
    always: not undetermined or not known(fact.wage) or not known(member.work_regency_code)
  - name: a Surabaya wage at the ceiling the bound implies is decided
    always: >-
      not undetermined or coalesce(member.work_regency_code, "") != "3578" or not known(fact.wage)
      or fact.wage > 4400000
  - name: a Surabaya wage above that ceiling is never decided
    sometimes: member.work_regency_code == "3578" and fact.wage > 4400000 and not undetermined
""", "utf-8")
    ruleset = load_ruleset(folder / "probe.yaml")
    return Prover(ruleset, extra=[p.tree for p in load(folder / "probe.properties.yaml", ruleset)])


def test_a_lower_bound_row_makes_a_member_undetermined_with_every_member_input_known(bound_prover: Prover) -> None:
    props = {p.name: p for p in load(bound_prover.ruleset.path.with_suffix(".properties.yaml"), bound_prover.ruleset)}
    (needs, decided, never) = (check(bound_prover, p) for p in props.values())
    assert needs.status == "refuted"
    (member,) = needs.members
    decision = bound_prover.decide(member)  # the scalar evaluator: undetermined, naming the row
    assert decision.outcome.value == "undetermined"
    assert decision.missing and all(m.startswith("table.minimum_wage[") for m in decision.missing)
    assert member["work_regency_code"] in ("3578", "3273") or member["work_regency_code"][:2] == "19"
    assert decided.status == "proved"
    assert never.status == "refuted"  # "sometimes": no member shows it
    builtin = {v.name: v.status for v in bound_prover.builtin()}
    assert builtin["undetermined-needs-unknown"] == "proved"  # the row counts as an unknown input
    # the only row of 4.375.479 is a lower bound: `== 4375479` is never settled true
    assert {name for name, status in builtin.items() if status != "proved"} == {"live:equal"}, builtin


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(area=st.sampled_from(BOUND_AREAS) | st.none(),
       wage=st.sampled_from(BOUND_WAGES).flatmap(lambda w: st.sampled_from([w - 1, w, w + 1])) | st.none())
def test_the_encoding_decides_bound_rows_as_the_scalar_evaluator(bound_prover: Prover, area: str | None,
                                                                 wage: int | None) -> None:
    """Every rule of the probe, not only the outcome: a rule result the encoding allows is the
    scalar evaluator's (pass/fail, fired or not, unknown)."""
    record = {"nik": "3578014107900001", "citizenship": "WNI", "participant_category": "PU",
              "work_regency_code": area, "wages": None if wage is None else [{"period": "2025-04", "amount": wage}]}
    _assert_only_the_scalar_outcome(bound_prover, record)
    decision = bound_prover.decide(record)
    inputs, e = bound_prover.inputs, bound_prover.encoder
    member = parse_member(record)
    fixed = [sym.known == (member_value(member, path) is not None) for path, (sym, _) in inputs.fields.items()]
    fixed += [sym.term == inputs.code_of(path, member_value(member, path))
              for path, (sym, _) in inputs.fields.items() if member_value(member, path) is not None]
    fixed += [inputs.histories[p].known == (member_value(member, p) is not None) for p in inputs.histories]
    for call in inputs.calls.values():
        got = call.function.impl(*[member_value(member, a) for a in call.args])
        fixed.append(call.sym.known == (got is not None))
        if got is not None:
            fixed.append(call.sym.term == got)
    for rule in e.rules:
        result = decision.rule(rule.id).outcome.value
        for name, term in (("unknown", z3.Not(rule.holds.known)), ("holds", z3.And(rule.holds.known, rule.holds.term)),
                           ("fails", z3.And(rule.holds.known, z3.Not(rule.holds.term)))):
            solver = z3.Solver()
            solver.add(*inputs.domain, *fixed, term)
            want = {"unknown": "unknown", "holds": _RESULTS[rule.kind][0], "fails": _RESULTS[rule.kind][1]}[name]
            assert (solver.check() == z3.sat) == (result == want), (rule.id, name, result, record)


def _outcome(decision: Any, rule_id: str) -> str:
    """A criterion's result as a region reads it: one absent or not in force passes."""
    got = next((o.outcome.value for o in decision.rules if o.id == rule_id), "pass")
    return "pass" if got == "not_in_force" else got


def test_symbolic_diff_2021_2022_regions_are_confirmed_and_become_passing_tests(tmp_path: Path,
                                                                               capsys: Any) -> None:
    out = tmp_path / "witnesses.yaml"
    code = main(["diff", "bsu-2021", "bsu-2022", "--symbolic", "--write-tests", str(out), "--format", "json",
                 "--full-nik"])
    assert code == 1
    report = json.loads(capsys.readouterr().out)["symbolic"]
    assert report["complete"]
    regions = report["regions"]
    confirmed = [r for r in regions if r["confirmed"]]
    assert len(confirmed) == len(regions) >= 20
    assert {r["witness"]["nik"] for r in confirmed} == {"3204120101900001"}  # made up: whole, as asked
    registered = next(r for r in regions if r["words"] == "ineligible → eligible: registered-by-cutoff fail → pass")
    assert registered["bounds"] == [{"quantity": "member.registered_on", "lowest": "2021-07-01",
                                     "highest": "2022-07-31"}]
    pppk = next(r for r in regions if r["words"] == "ineligible → eligible: not-asn fail → pass")
    assert pppk["values"] == [{"field": "member.employment_type", "values": ["pppk"]}]
    for r in confirmed:  # the region names a smallest set of differing criteria; its witness says the rest
        decided = [load_ruleset(e).plan().decide(parse_member(r["witness"])) for e in ("bsu-2021", "bsu-2022")]
        ids = {o.id for d in decided for o in d.rules}
        differ = {rid for rid in ids if _outcome(decided[1], rid) != _outcome(decided[0], rid)}
        assert differ == {c["rule"] for c in r["criteria"]} | {c["rule"] for c in r["also"]}, r["words"]
    summary = run_paths([tmp_path])
    assert summary.failed == 0 and summary.passed == 2 * len(confirmed)


def test_a_criterion_that_can_only_be_unknown_is_reported_as_such() -> None:
    prover = Prover(load_ruleset("bsu-2021"), on=date(2021, 8, 10))  # the partial PPKM table is in force
    verdict = prover.fires(prover.encoder.rule("ppkm-area"))
    assert verdict.status == "undetermined-only" and "can never fail" in verdict.detail
    (member,) = verdict.members  # a member it leaves undetermined, re-decided
    assert prover.decide(member).rule("ppkm-area").outcome.value == "unknown"


@pytest.mark.parametrize(("code", "status", "said"), [
    ("9100", 1, "refuted    live:ppkm-area: ppkm-area can fail some member"),  # true for every member
    ("3200", 2, "error [never-known] (rule ppkm-area)"),  # unknown for every member: refused before any proof
])
def test_a_constant_criterion_is_proved_about_not_crashed_on(rules_copy: Path, capsys: Any, code: str, status: int,
                                                             said: str) -> None:
    """A condition that folds to one value for every member (a literal code) is proved about; one that is
    unknown for every member is refused as the rule author's mistake it is."""
    edited = rules_copy / "bsu-2021.yaml"
    edited.write_text(edited.read_text("utf-8").replace(
        "require: regency(member.work_regency_code, table.ppkm_areas) in table.ppkm_areas",
        f'require: regency("{code}", table.ppkm_areas) == "{code}"'), "utf-8")
    assert main(["prove", str(edited), "--on", "2021-08-10"]) == status
    printed = capsys.readouterr()
    assert said in printed.out + printed.err and "internal error" not in printed.err


def test_a_province_whose_regencies_a_table_lists_alike_is_proved_in_it(tmp_path: Path, capsys: Any) -> None:
    """The solver reads ``regency`` as the evaluators do: DKI's ``3100`` is in 2021's PPKM annex (all six
    DKI areas are listed), Jawa Tengah's ``3300`` is unknown there (some of its regencies are not)."""
    properties = tmp_path / "p.yaml"
    properties.write_text(
        "ruleset: bsu-2021\nproperties:\n"
        "  - name: dki\n    always: coalesce(member.work_regency_code, '') != '3100' or "
        "regency(member.work_regency_code, table.ppkm_areas) in table.ppkm_areas\n"
        "  - name: jateng\n    always: coalesce(member.work_regency_code, '') != '3300' or "
        "not known(regency(member.work_regency_code, table.ppkm_areas) in table.ppkm_areas)\n", "utf-8")
    main(["prove", "bsu-2021", "--on", "2021-08-10", "--properties", str(properties)])
    out = capsys.readouterr().out
    assert "proved     dki:" in out and "proved     jateng:" in out


def test_symbolic_diff_of_an_edition_with_itself_is_empty() -> None:
    rs = load_ruleset("bsu-2022")
    regions, complete, _ = SymbolicDiff(rs, rs).regions()
    assert regions == [] and complete


@pytest.mark.usefixtures("shared_proofs")  # the verdicts checked above, proved once: here, what the command prints
def test_prove_command_text_and_exit_status(capsys: Any) -> None:
    assert main(["prove", "bsu-2025"]) == 0  # every edition's properties are proved above; here, the command
    text = capsys.readouterr().out
    assert "properties proved" in text and "monotone-pay_contribution" in text
    assert main(["prove", "bsu-2020"]) == 1  # has-kpj only waits for a KPJ to be on record
    text = capsys.readouterr().out
    assert ", 1 undetermined-only in " in text and "undetermined-only live:has-kpj" in text
    assert main(["prove", str(FIXTURES / "defects.yaml")]) == 1
    assert "refuted    monotone-raise_wage" in capsys.readouterr().out
    assert main(["prove", "bsu-2021", "--on", "2021-08-10"]) == 1  # the partial PPKM table is in force
    text = capsys.readouterr().out
    assert ", 1 undetermined-only in " in text and "undetermined-only live:ppkm-area" in text


def test_a_property_that_is_not_true_or_false_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("ruleset: bsu-2022\nproperties:\n  - name: wage\n    always: fact.wage\n")
    with pytest.raises(ProveError, match=r"p\.yaml:4:13: property 'wage': `fact\.wage` is a number; a property is "
                       "true or false"):
        load(path, load_ruleset("bsu-2022"))
    path.write_text('ruleset: bsu-2022\nproperties:\n  - name: one\n    sometimes: member.nik == "3204125708940003"\n')
    with pytest.raises(ProveError, match=r"p\.yaml:3:5: property 1: a text of ten digits or more") as raised:
        load(path, load_ruleset("bsu-2022"))  # published beside the rules: it names no person, nor repeats one
    assert "3204125708940003" not in str(raised.value)
    path.write_text('ruleset: bsu-2022\nproperties:\n  - name: "NIK 3204-1257-0894-0003 paid"\n    always: true\n')
    with pytest.raises(ProveError, match=r"p\.yaml:3:5: property 1: a number of ten digits or more"):
        load(path, load_ruleset("bsu-2022"))  # a name is text shown as written, however its digits are grouped
    path.write_text("ruleset: bsu-2022\nproperties:\n  - name: typo\n    always: param.wage_celing > 0\n")
    with pytest.raises(ProveError, match=r"p\.yaml:4:13: .*did you mean `param\.wage_ceiling`"):
        load(path, load_ruleset("bsu-2022"))
    path.write_text("ruleset: bsu-2022\nproperties:\n  - name: typo\n    always: >\n      eligible and\n"
                    "      fact.wagee > 3\n")  # folded over lines: the line and column of the name itself
    with pytest.raises(ProveError, match=r"p\.yaml:6:7: property 'typo': `eligible and fact\.wagee > 3`: unknown"):
        load(path, load_ruleset("bsu-2022"))


def test_a_property_file_s_yaml_and_key_mistakes_are_named_where_they_are(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("ruleset: bsu-2022\nproperties: [\n")
    with pytest.raises(ProveError, match=r"p\.yaml:3:1: error \[yaml-syntax\]"):
        load(path, load_ruleset("bsu-2022"))
    path.write_text("ruleset: bsu-2022\nproperties:\n  - name: a\n    always: eligible or not eligible\n    note: x\n")
    with pytest.raises(ProveError, match=r"p\.yaml:3:5: property 1: unknown key `note`"):
        load(path, load_ruleset("bsu-2022"))


@pytest.mark.usefixtures("shared_proofs")  # proved once, printed three ways
def test_a_counterexample_can_be_decided_again(tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The prover's member (its NIK made up, yet maybe a real person's) is printed with its NIK masked as a
    decision masks it, in text and JSON; with --full-nik whole: piped to evaluate, it gets the outcome shown."""
    import io
    import sys

    props = tmp_path / "props.yaml"
    props.write_text("ruleset: bsu-2022\nproperties:\n  - name: t\n    always: not eligible or fact.wage <= 3000000\n")
    assert main(["prove", "bsu-2022", "--properties", str(props)]) == 1
    out = capsys.readouterr().out
    assert 'counterexample (eligible): {"nik": "3204********0001", ' in out
    assert not re.search(r"\d{16}", out)
    assert main(["prove", "bsu-2022", "--properties", str(props), "--format", "json"]) == 1
    verdicts = json.loads(capsys.readouterr().out)["verdicts"]
    assert {m["nik"] for v in verdicts for m in v["members"]} == {"3204********0001", "0000********0000"}
    assert main(["prove", "bsu-2022", "--properties", str(props), "--full-nik"]) == 1
    shown = next(line for line in capsys.readouterr().out.splitlines() if "counterexample (eligible): " in line)
    member = shown.split("counterexample (eligible): ", 1)[1]
    monkeypatch.setattr(sys, "stdin", io.StringIO(member + "\n"))
    assert main(["evaluate", "bsu-2022", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == "eligible"


def test_a_symbolic_diff_of_one_rule_set_names_its_sides_old_and_new(rules_copy: Path, capsys: Any) -> None:
    """A reform copied from the rule set keeps its id: a quantity both sides read differently is
    named by side, not twice by the same id."""
    edited = rules_copy / "bsu-2022.yaml"
    edited.write_text(edited.read_text("utf-8").replace("value: 3500000", "value: 4000000", 1), "utf-8")
    assert main(["diff", "bsu-2022", str(edited), "--symbolic", "--format", "json"]) == 1
    regions = json.loads(capsys.readouterr().out)["symbolic"]["regions"]
    assert {r["witness"]["nik"] for r in regions if r["witness"]} == {"3204********0001"}  # no --full-nik: masked
    quantities = {b["quantity"] for r in regions for b in r["bounds"]}
    assert {"fact.ceiling (old)", "fact.ceiling (new)"} <= quantities
    assert not any("bsu-2022" in q for q in quantities)


def test_witnesses_are_not_written_where_their_rule_set_cannot_be_named(rules_copy: Path,
                                                                        capsys: Any) -> None:
    """Beside an edited copy named `bsu-2022.yaml`, the old side's `ruleset: bsu-2022` would test the copy:
    its cases failed against the rule set they were written for. Neither file is written; with the copy
    renamed both are, and pass."""
    edited = rules_copy / "bsu-2022.yaml"
    edited.write_text(edited.read_text("utf-8").replace("    value: 3500000\n", "    value: 4000000\n", 1), "utf-8")
    inside = rules_copy / "tests" / "w.yaml"
    inside.parent.mkdir(exist_ok=True)
    assert main(["diff", "bsu-2022", str(edited), "--symbolic", "--write-tests", str(inside), "--limit", "2"]) == 2
    err = capsys.readouterr().err
    bundled = bsu_rules.load_ruleset("bsu-2022").sha256[:12]
    assert f"cannot name bsu-2022 [{bundled}]" in err and "such as bsu-2022-whatif.yaml" in err
    assert not list(inside.parent.glob("w*.yaml"))
    renamed = edited.rename(rules_copy / "whatif.yaml")
    assert main(["diff", "bsu-2022", str(renamed), "--symbolic", "--write-tests", str(inside), "--limit", "2"]) == 1
    assert main(["test", str(inside), str(inside.with_name("w.old.yaml"))]) == 0


def test_a_region_says_when_a_bounded_quantity_may_also_be_unknown(rules_copy: Path, capsys: Any) -> None:
    """With the cut-off moved to June, "fact.wage (new) in [4.000.001, ∞]" read as if wages above 4 M
    became undetermined; the region mostly holds members with no June wage at all."""
    edited = rules_copy / "bsu-2022.yaml"
    text = edited.read_text("utf-8").replace("    value: 2022-07\n", "    value: 2022-06\n", 1)
    edited.write_text(text.replace("    value: 3500000\n", "    value: 4000000\n", 1).replace(
        "as_of: 2022-07-31", "as_of: 2022-06-30"), "utf-8")
    assert main(["diff", "bsu-2022", str(edited), "--symbolic", "--limit", "4", "--format", "json"]) == 1
    regions = {r["words"]: r for r in json.loads(capsys.readouterr().out)["symbolic"]["regions"]}
    wage = {b["quantity"]: b for b in regions["eligible → undetermined: wage-ceiling pass → unknown"]["bounds"]}
    assert wage["fact.wage (new)"] == {"quantity": "fact.wage (new)", "lowest": 4_000_001, "highest": None,
                                       "or_unknown": True}  # no highest: some ceilings are only lower bounds
    assert "or_unknown" not in wage["fact.wage (old)"]  # under the old cut-off it was reported: eligible


@pytest.mark.usefixtures("shared_proofs")  # the same diff searched once, its tests written twice
def test_witnesses_go_beside_the_other_tests_and_write_over_nothing_else(tmp_path: Path, capsys: Any,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """`rules/tests/bsu-2022.yaml` is the edition's tests, not a rule set that hides the bundled one; and a
    file --write-tests did not write is never written over, and is refused before the search."""
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parents[1] / "rules", rules)
    out = rules / "tests" / "witnesses.yaml"
    for _ in range(2):  # the second run writes over what the first wrote
        assert main(["diff", "bsu-2021", "bsu-2022", "--symbolic", "--write-tests", str(out), "--limit", "2"]) == 1
    assert main(["test", str(out), str(out.with_name("witnesses.old.yaml"))]) == 0
    kept = (rules / "tests" / "bsu-2022.yaml").read_bytes()
    monkeypatch.setattr(SymbolicDiff, "regions", lambda *_: pytest.fail("searched before the path was refused"))
    assert main(["diff", "bsu-2021", "bsu-2022", "--symbolic", "--write-tests", str(rules / "tests" / "bsu-2022.yaml"),
                 "--limit", "2"]) == 2
    assert "exists and was not written by --write-tests" in capsys.readouterr().err
    assert (rules / "tests" / "bsu-2022.yaml").read_bytes() == kept


def test_a_division_by_zero_is_unknown_to_the_prover_as_to_the_evaluator(tmp_path: Path) -> None:
    """A wage of 0 divides by zero: the criterion is unknown with every input known, so "undetermined only
    when some input is unknown" is refuted, by a member the evaluator decides undetermined."""
    import shutil

    from bsu_rules.ruleset.editions import bundled_rules

    shutil.copytree(bundled_rules(), tmp_path / "rules")
    path = tmp_path / "rules" / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    old = 'require: member.citizenship == "WNI"\n'
    assert old in text
    path.write_text(text.replace(old, 'require: member.citizenship == "WNI" and 7000000 // fact.wage >= 1\n', 1),
                    "utf-8")
    ruleset = load_ruleset(path)
    (verdict,) = [v for v in Prover(ruleset).builtin() if v.name == "undetermined-needs-unknown"]
    assert verdict.status == "refuted" and verdict.outcomes == ["undetermined"]
    assert verdict.members[0]["wages"][-1]["amount"] == 0  # the wage divided by


def test_a_property_file_names_no_person_in_its_messages(tmp_path: Path) -> None:
    """The rule set it names and an unknown key are repeated as `prove` repeats any text: no long digits."""
    path = tmp_path / "p.yaml"
    path.write_text('ruleset: "3204125708940003"\nproperties:\n  - name: a\n    always: eligible\n')
    with pytest.raises(ProveError, match="written for `<16 digits>`, not bsu-2022"):
        load(path, load_ruleset("bsu-2022"))
    path.write_text('ruleset: bsu-2022\nproperties:\n  - name: a\n    always: eligible\n    "418201004566507": 1\n'
                    "    7: 2\n")
    with pytest.raises(ProveError, match="unknown key `") as raised:
        load(path, load_ruleset("bsu-2022"))
    assert "418201004566507" not in str(raised.value)


@pytest.mark.parametrize("target", ["outside", "/dev/zero"])
def test_the_property_file_beside_a_rule_file_is_read_only_inside_its_folder(
        rules_copy: Path, tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "secret.conf"
    secret.write_text("db_password: hunter2: x\n", "utf-8")
    (rules_copy / "tests").mkdir(exist_ok=True)
    (rules_copy / "tests" / "bsu-2022.properties.yaml").symlink_to(secret if target == "outside" else target)
    assert main(["prove", str(rules_copy / "bsu-2022.yaml"), "--timeout", "5"]) == 2
    said = capsys.readouterr().err
    assert "hunter2" not in said and "the property file leads outside the rule file's folder" in said


def test_a_property_file_that_is_no_regular_file_is_refused_unread(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import os

    os.mkfifo(tmp_path / "fifo")  # reading it would wait for a writer for ever
    assert main(["prove", "bsu-2022", "--properties", str(tmp_path / "fifo")]) == 2
    assert "the property file is not a regular file" in capsys.readouterr().err


FLOOR_RULES = BOUND_RULES[:BOUND_RULES.index("  regional_minimum:")].replace(
    "ruleset: prove-bounds-probe", "ruleset: prove-floor-probe").replace(
    "bound: bound}", "bound: bound, unlisted: unknown}") + """\
  highest: highest_for(member.work_regency_code, table.minimum_wage, 0)
rules:
  - id: highest
    require: fact.wage <= round_up(fact.highest, param.rounding)
benefit: {amount: 600000}
"""
FLOOR_TABLE = BOUND_TABLE + "15,3000000,exact,Jambi (under Kota Jambi's row)\n"
FLOOR_AREAS = ["3174", "1971", "3578", "1571", "3329", "3100", "3300", "1500", "1900", "3500"]


@pytest.fixture(scope="module")
def floor_prover(tmp_path_factory: pytest.TempPathFactory) -> Prover:
    folder = tmp_path_factory.mktemp("prove-floors")
    (folder / "tables").mkdir()
    (folder / "tables" / "mw.csv").write_text(FLOOR_TABLE, "utf-8")
    (folder / "probe.yaml").write_text(FLOOR_RULES, "utf-8")
    return Prover(load_ruleset(folder / "probe.yaml"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(area=st.sampled_from(FLOOR_AREAS) | st.none(),
       wage=st.sampled_from([3_500_000, 3_700_000, 5_400_000]).flatmap(lambda w: st.sampled_from([w, w + 1])))
def test_the_encoding_reads_an_incomplete_table_s_floors_as_the_scalar_evaluator(
        floor_prover: Prover, area: str | None, wage: int) -> None:
    """An incomplete table (``unlisted: unknown``): a regency it does not list under a province it does is at least
    the province's row, for the solver as for the evaluators (Kota Jakarta Timur, 3174, within DKI's ceiling of
    Rp5.400.000 is decided; above it, unknown)."""
    record = {"nik": "3578014107900001", "citizenship": "WNI", "participant_category": "PU",
              "work_regency_code": area, "wages": [{"period": "2025-04", "amount": wage}]}
    if area == "3174":
        assert floor_prover.decide(record).rule("highest").outcome.value == ("pass" if wage <= 5_400_000 else "unknown")
    _assert_only_the_scalar_outcome(floor_prover, record)


@pytest.mark.parametrize(("area", "wage", "outcome"), [
    ("3100", 5_400_000, "pass"),  # DKI lists no regency: whichever the member's, at least DKI's row
    ("3100", 5_400_001, "unknown"),
    ("1900", 3_700_000, "pass"),  # under a province row that is itself a bound
    ("1900", 3_700_001, "unknown"),
    ("1500", 3_700_000, "pass"),  # at least the highest of Jambi's rows, Kota Jambi's above the province's
    ("1500", 3_700_001, "unknown"),
    ("3500", 3_500_000, "unknown"),  # Jawa Timur's own row not listed: unknown
])
def test_the_encoding_reads_a_province_only_code_of_an_incomplete_table_as_at_least_its_province_s_rows(
        floor_prover: Prover, area: str, wage: int, outcome: str) -> None:
    """A code naming only a province (``3100``) whose row an incomplete table lists is at least the highest of the
    province's rows, for the solver as for the evaluators: a wage within it is decided, one above it unknown."""
    record = {"nik": "3578014107900001", "citizenship": "WNI", "participant_category": "PU",
              "work_regency_code": area, "wages": [{"period": "2025-04", "amount": wage}]}
    assert floor_prover.decide(record).rule("highest").outcome.value == outcome
    _assert_only_the_scalar_outcome(floor_prover, record)
