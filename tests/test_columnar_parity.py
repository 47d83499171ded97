"""Parity: the columnar evaluator decides every member exactly as the scalar (reference) one.

For every bundled rule file (``rules/*.yaml``) and several decision dates (the first and the
default date, each edge of a dated rule or parameter, a later date), hypothesis draws batches of
member records and both evaluators decide them: outcome, every rule's outcome, failed and unknown
rules, priority, flags, benefit and channel must be equal, row by row.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("polars")
pytest.importorskip("pyarrow")

from strategies import members

import bsu_rules
from bsu_rules.decisions import RuleResult
from bsu_rules.evaluators.columnar import ColumnarPlan
from bsu_rules.evaluators.scalar import Plan
from bsu_rules.members import parse_member
from bsu_rules.members.arrow import members_to_arrow
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.schema import Kind

RULES = Path(__file__).resolve().parents[1] / "rules"
RULE_FILES = sorted(RULES.glob("*.yaml"))
DECIDING = (Kind.REQUIRE, Kind.EXCLUDE)


def decision_dates(ruleset: RuleSet) -> list[date]:
    """Dates on which the text in force may differ: every edge of a dated rule or parameter."""
    window = ruleset.model.in_force
    days = {window.from_, ruleset.default_on, ruleset.default_on + timedelta(days=120)}
    for rule in ruleset.model.rules:
        days |= {rule.in_force.from_, rule.in_force.until}
        if rule.in_force.until:
            days.add(rule.in_force.until + timedelta(days=1))
    for param in ruleset.model.parameters.values():
        for day in param.values or {}:
            days |= {day - timedelta(days=1), day}
    return sorted(d for d in days if d is not None and window.contains(d))


CASES = [(path, on) for path in RULE_FILES for on in decision_dates(bsu_rules.load_ruleset(path))]


@cache
def plans(path: Path, on: date) -> tuple[Plan, ColumnarPlan]:
    plan = bsu_rules.load_ruleset(path).plan(on)
    return plan, ColumnarPlan(plan)


def expected(plan: Plan, record: dict[str, Any]) -> dict[str, Any]:
    """What the scalar evaluator decides, in the columnar evaluator's columns."""
    d = plan.decide(parse_member(record))
    row = {
        "outcome": d.outcome.value, "failed": d.failed, "priority": d.priority, "flags": list(d.flags),
        "unknown": [r.id for r in d.rules if r.outcome is RuleResult.UNKNOWN and Kind(r.kind) in DECIDING],
        "benefit": d.benefit.amount if d.benefit else None, "channel": d.channel,
    }
    row |= {f"rule:{r.id}": r.outcome.value for r in d.rules if r.outcome is not RuleResult.NOT_IN_FORCE}
    return row


def assert_parity(path: Path, on: date, records: list[dict[str, Any]]) -> None:
    plan, columnar = plans(path, on)
    decided = columnar.decide(members_to_arrow(records))
    assert decided.schema == columnar.schema
    assert decided.num_rows == len(records)
    for record, got in zip(records, decided.to_pylist(), strict=True):
        want = expected(plan, record)
        differ = {k: (want[k], got[k]) for k in want if want[k] != got[k]}
        assert not differ, f"{path.stem} on {on}: (scalar, columnar) differ {differ} for {record}"


def edition_members(path: Path, on: date) -> st.SearchStrategy[dict[str, Any]]:
    """Members around this edition's cut-off, and now and then around another edition's."""
    plan = plans(path, on)[0]
    cutoff = plan.reads.get("cutoff_month", (None, None))[0]
    return members(str(cutoff), plan.ruleset.model.as_of) | members() if cutoff else members()


def test_every_bundled_edition_is_covered() -> None:
    assert {p.stem for p in RULE_FILES} >= {"bsu-2022"}
    assert all(any(p == path for p, _ in CASES) for path in RULE_FILES)


@pytest.mark.parametrize(("path", "on"), CASES, ids=[f"{p.stem}@{on}" for p, on in CASES])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_columnar_equals_scalar(path: Path, on: date, data: st.DataObject) -> None:
    records = data.draw(st.lists(edition_members(path, on), min_size=1, max_size=30), label="records")
    assert_parity(path, on, records)


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem for p in RULE_FILES])
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), rng=st.randoms(use_true_random=False))
def test_large_shuffled_batches(path: Path, data: st.DataObject, rng: Any) -> None:
    """A batch of 500 rows drawn from a few members: each row decided as its member alone is."""
    on = bsu_rules.load_ruleset(path).default_on
    plan, columnar = plans(path, on)
    records = data.draw(st.lists(edition_members(path, on), min_size=1, max_size=25), label="records")
    picks = [rng.randrange(len(records)) for _ in range(500)]
    want = [expected(plan, r) for r in records]
    decided = columnar.decide(members_to_arrow([records[i] for i in picks])).to_pylist()
    for i, got in zip(picks, decided, strict=True):
        assert got == want[i], f"{path.stem}: row of {records[i]}"


def test_province_only_codes_read_alike() -> None:
    """A province-only code is decided alike: DKI's ``3100`` in a PPKM area (all six listed), Jawa
    Tengah's ``3300`` unknown there, in one batch with regencies."""
    path = RULES / "bsu-2021.yaml"
    records = [{**record, "work_regency_code": code} for record in [
        {"nik": "3171012501900001", "birth_date": "1990-01-25", "citizenship": "WNI", "participant_category": "PU",
         "employment_type": "private", "registered_on": "2019-01-01", "program_receipts": [],
         "wages": [{"period": "2021-06", "amount": 3000000}]}] for code in ("3100", "3300", "3171", "3200")]
    plan = plans(path, date(2021, 8, 10))[0]
    assert [expected(plan, r)["rule:ppkm-area"] for r in records] == ["pass", "unknown", "pass", "unknown"]
    assert_parity(path, date(2021, 8, 10), records)


def test_the_highest_ceiling_reads_a_province_as_its_alike_regencies_and_an_incomplete_table_as_unknown(
        tmp_path: Path) -> None:
    """`highest_for` follows `regency`: DKI's `3100`, with all six DKI rows alike and the province's own row
    only a bound, is decided as each DKI regency; with `unlisted: unknown` an unlisted regency's highest
    ceiling is unknown, not the default. Scalar and columnar alike."""
    from bsu_rules.ruleset.overrides import reform_of

    table = tmp_path / "mw.csv"
    lines = (RULES / "tables" / "minimum-wage-2022.csv").read_text("utf-8").splitlines()
    header = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:]]
    for r in rows:
        if r[0] == "31":
            r[header.index("bound")] = "lower"
    rows += [[{"area_code": c, "bound": "exact"}.get(h, "4641854" if h == "amount" else "x") for h in header]
             for c in ("3101", "3171", "3172", "3173", "3174", "3175")]
    table.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", "utf-8")
    base = bsu_rules.load_ruleset(RULES / "bsu-2022.yaml")
    on = date(2022, 9, 5)
    worker = {"nik": "3171012501900001", "birth_date": "1990-01-25", "citizenship": "WNI",
              "participant_category": "PU", "employment_type": "private", "registered_on": "2019-01-01",
              "program_receipts": [], "contributions": [{"period": "2022-07", "paid_on": "2022-07-10"}],
              "wages": [{"period": "2022-07", "amount": 4_800_000}]}
    dki = [{**worker, "work_regency_code": c} for c in ("3100", "3101", "3171", "3175")]
    for reform, records, outcomes in (
            (reform_of(base, [], [f"minimum_wage={table}"]), dki, ["fail"] * 4),
            (reform_of(base, ["table.minimum_wage.unlisted=unknown"], []),
             [{**worker, "work_regency_code": c} for c in ("3204", "3215", "3200")], ["unknown", "pass", "unknown"])):
        plan = reform.plan(on)
        assert [plan.decide(parse_member(r)).rule("wage-ceiling").outcome.value for r in records] == outcomes
        decided = ColumnarPlan(plan).decide(members_to_arrow(records)).to_pylist()
        for record, got in zip(records, decided, strict=True):
            want = expected(plan, record)
            assert {k: got[k] for k in want} == want, record


def test_an_incomplete_minimum_wage_table_reads_an_unlisted_regency_as_at_least_its_province_s_row() -> None:
    """2022's minimum-wage table read as incomplete (`unlisted: unknown`) lists DKI Jakarta's row, not Kota
    Jakarta Pusat's (3171): whatever its own figure, it is at least the province's 4.641.854, a ceiling of at least
    Rp4.700.000. A wage within it is eligible; one above it stays undetermined, naming the regency's row; Kab.
    Bandung (3204), whose province's row is not listed either, stays undetermined. Scalar and columnar alike."""
    plan, rina = _incomplete_2022(), _in_jakarta("3171")
    records = [rina, {**rina, "wages": [{"period": "2022-07", "amount": 4_700_000}]},
               {**rina, "wages": [{"period": "2022-07", "amount": 4_700_001}]},
               {**rina, "work_regency_code": "3204", "wages": [{"period": "2022-07", "amount": 3_600_000}]}]
    decisions = [bsu_rules.evaluate(plan.ruleset, r, on=date(2022, 9, 5)) for r in records]
    assert [d.outcome.value for d in decisions] == ["eligible", "eligible", "undetermined", "undetermined"]
    ceiling = [d.rule("wage-ceiling") for d in decisions]
    assert [c.values["fact.highest_ceiling"] for c in ceiling] == [{"at_least": 4_700_000}] * 3 + [None]
    assert [c.missing for c in ceiling[2:]] == [["table.minimum_wage[3171]"],
                                                ["table.minimum_wage[32]", "table.minimum_wage[3204]"]]
    assert decisions[2].missing == ["table.minimum_wage[3171]"]
    assert ceiling[2].explain is not None and "Jakarta Pusat (DKI Jakarta province) in the list of regency (UMK) and " \
        "provincial (UMP) minimum wages is not known exactly, only that it is at least Rp4.641.854" in \
        ceiling[2].explain.en
    assert [plan.decide(parse_member(r)).to_json() for r in records] == [d.to_json() for d in decisions]
    decided = ColumnarPlan(plan).decide(members_to_arrow(records)).to_pylist()
    for record, got in zip(records, decided, strict=True):
        want = expected(plan, record)
        assert {k: got[k] for k in want} == want, record


def test_an_incomplete_minimum_wage_table_reads_a_province_only_code_as_at_least_its_province_s_row() -> None:
    """The same table, a record naming only DKI Jakarta (3100): whichever of its regencies the member works in, its
    minimum wage is at least DKI's 4.641.854, a ceiling of at least Rp4.700.000. A wage within it is eligible (was
    undetermined); one above it stays undetermined, naming the code's row and saying the figure known so far. Scalar,
    compiled and columnar alike."""
    plan, rina = _incomplete_2022(), _in_jakarta("3100")
    records = [rina, {**rina, "wages": [{"period": "2022-07", "amount": 4_700_000}]},
               {**rina, "wages": [{"period": "2022-07", "amount": 4_700_001}]}]
    decisions = [bsu_rules.evaluate(plan.ruleset, r, on=date(2022, 9, 5)) for r in records]
    assert [d.outcome.value for d in decisions] == ["eligible", "eligible", "undetermined"]
    ceiling = [d.rule("wage-ceiling") for d in decisions]
    assert [c.values["fact.highest_ceiling"] for c in ceiling] == [{"at_least": 4_700_000}] * 3
    assert ceiling[2].missing == decisions[2].missing == ["table.minimum_wage[3100]"]
    assert ceiling[2].explain is not None and "only that it is at least Rp4.641.854" in ceiling[2].explain.en
    assert [plan.decide(parse_member(r)).to_json() for r in records] == [d.to_json() for d in decisions]
    decided = ColumnarPlan(plan).decide(members_to_arrow(records)).to_pylist()
    for record, got in zip(records, decided, strict=True):
        want = expected(plan, record)
        assert {k: got[k] for k in want} == want, record


def _incomplete_2022() -> Plan:
    """2022's plan with its minimum-wage table read as incomplete (``unlisted: unknown``)."""
    from bsu_rules.ruleset.overrides import reform_of

    return reform_of(bsu_rules.load_ruleset(RULES / "bsu-2022.yaml"), ["table.minimum_wage.unlisted=unknown"],
                     []).plan(date(2022, 9, 5))


def _in_jakarta(code: str) -> dict[str, Any]:
    """An eligible worker earning Rp4.600.000 in the area ``code``."""
    return {"nik": "3204125708940003", "kpj": "22041870213", "name": "Rina", "birth_date": "1994-08-17",
            "citizenship": "WNI", "participant_category": "PU", "employment_type": "private",
            "work_regency_code": code, "employer": {"npp": "JJ041102", "name": "PT X", "sector": "C"},
            "registered_on": "2018-02-05", "membership_ended_on": None, "deceased_on": None,
            "wages": [{"period": "2022-07", "amount": 4_600_000}],
            "contributions": [{"period": "2022-05", "amount": 1000, "paid_on": "2022-06-12"},
                              {"period": "2022-06", "amount": 1000, "paid_on": "2022-07-12"},
                              {"period": "2022-07", "amount": 1000, "paid_on": None}],
            "program_receipts": [], "bank_account": {"bank": "BRI", "number": "418201004566507", "holder_name": "Rina"}}
