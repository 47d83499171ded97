"""The columnar evaluator and the Arrow form of the member contract: unit tests.

Parity over the bundled editions is in ``test_columnar_parity.py``; here a probe rule file drives
the paths the bundled files do not take (months and dates that vary per member, decimals,
incomplete tables, list literals with member fields, many rules), plus fixed examples.
"""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")
pytest.importorskip("polars")

from strategies import BANK_NAMES, members  # noqa: E402
from test_columnar_parity import expected  # noqa: E402

import bsu_rules  # noqa: E402
from bsu_rules.errors import InputError  # noqa: E402
from bsu_rules.evaluators.columnar import ColumnarPlan  # noqa: E402
from bsu_rules.members import Member, parse_member  # noqa: E402
from bsu_rules.members.arrow import MEMBER_SCHEMA, members_to_arrow  # noqa: E402

BASE: dict[str, Any] = {"nik": "3215014107900001", "citizenship": "WNI", "participant_category": "PU",
        "birth_date": "1990-07-01", "kpj": "21012345678", "employment_type": "private",
        "work_regency_code": "3215", "registered_on": "2019-03-01",
        "wages": [{"period": "2022-07", "amount": 3_400_000}],
        "contributions": [{"period": "2022-07", "amount": 204_000, "paid_on": "2022-07-12"}],
        "program_receipts": [], "bank_account": {"bank": "BRI", "number": "0123"}}

PROBE = """\
ruleset: columnar-probe
version: "1"
title: {id: Uji evaluator kolom, en: Columnar evaluator probe}
in_force: {from: 2022-01-01}
as_of: 2022-07-31
parameters:
  cutoff_month: {value: 2022-07}
  ceiling: {value: 3500000, unit: IDR}
  step: {value: 100000, unit: IDR}
  rate: {value: 0.0125}
  banks: {value: [BRI, BNI]}
  allowed_arrears:
    values: {2022-01-01: 2, 2022-09-01: null}
tables:
  minimum_wage: {file: tables/minimum-wage-2021.csv, key: area_code, value: amount}
  minimum_wage_listed: {file: tables/minimum-wage-2022.csv, key: area_code, value: amount, unlisted: unknown}
  ppkm: {file: tables/ppkm-areas-2021.csv, key: regency_code, unlisted: unknown}
  sectors: {file: tables/priority-sectors-2021.csv, key: sector}
facts:
  joined: month_of(member.registered_on)
  wage_then: last_wage(member.wages, fact.joined)
  wage_now: last_wage(member.wages, param.cutoff_month)
  billed_after: contribution_billed(member.contributions, add_months(fact.joined, 1))
  streak_then: arrears_streak(member.contributions, fact.joined, coalesce(member.deceased_on, as_of), 15)
  streak_later: arrears_streak(member.contributions, add_months(fact.joined, 2), as_of, 31)
  minimum: table.minimum_wage.get(member.work_regency_code,
    table.minimum_wage.get(province(member.work_regency_code), 0))
  scaled: fact.minimum * 3 // 7 - fact.minimum // -3 + fact.wage_now * param.rate
  product: fact.minimum * fact.minimum
  lowest: min(fact.wage_now, fact.minimum, param.ceiling)
  highest: max(fact.wage_then, 4000000)
  rounded: round_up(fact.minimum, param.step)
  either: fact.wage_now if member.citizenship == "WNI" and fact.billed_after else fact.wage_then
  aid_year: fact.streak_then + 2021
rules:
  - id: streak
    exclude: 'fact.streak_then > 1 and not fact.billed_after'
  - id: streak-later
    require: 'fact.streak_later <= param.allowed_arrears'
  - id: known
    require: 'known(member.kpj) or known(member.wages)'
  - id: joined-month
    require: 'month_start(fact.joined) <= member.registered_on
      and month_end(add_months(fact.joined, -1)) < member.registered_on'
  - id: wage-then
    flag: 'fact.wage_then <= param.ceiling or fact.rounded >= fact.wage_now'
  - id: either
    flag: 'fact.either > 3500000'
  - id: scaled
    flag: 'fact.scaled > 1400000'
  - id: product
    flag: 'fact.product > 18 * 1000000 * 1000000'
  - id: lowest
    prioritize: 'fact.lowest < fact.highest'
  - id: ppkm
    flag: 'member.work_regency_code in table.ppkm'
  - id: not-ppkm
    flag: 'member.work_regency_code not in table.ppkm'
  - id: sector
    flag: 'member.employer.sector not in table.sectors'
  - id: listed-minimum
    flag: 'table.minimum_wage_listed.get(member.work_regency_code, 0) > 4000000'
  - id: bank-named
    flag: 'member.bank_account.bank in [member.employer.name, "BRI", member.name]'
  - id: aid
    prioritize: 'received(member.program_receipts, ["PKH", "BPUM"], fact.aid_year)'
  - id: negative
    flag: '-fact.minimum < -3500000'
  - id: coalesced
    flag: 'coalesce(member.deceased_on, member.membership_ended_on, as_of) >= as_of'
  - id: same-truth
    flag: '(member.citizenship == "WNI") == (member.participant_category == "PU")'
  - id: issue
    flag: 'nik_issue(member.nik, member.birth_date) in ["", "serial"]'
  - id: nik-alone
    flag: 'nik_valid(member.nik)'
benefit: {amount: 600000}
channel:
  expression: 'coalesce(member.bank_account.bank, "POS") if fact.wage_now > 1000000
    else ("CASH" if fact.highest > 4500000 else member.bank_account.bank)'
"""


def write_rules(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(body, "utf-8")
    return path


def mini(rules: str, facts: str = "", extra: str = "") -> str:
    """A small rule file: the header, ``facts`` and ``rules`` (YAML, unindented)."""
    head = """\
        ruleset: mini
        version: "1"
        title: {id: Mini, en: Mini}
        in_force: {from: 2022-01-01}
        as_of: 2022-07-31
        parameters:
          cutoff_month: {value: 2022-07}
        """
    body = textwrap.dedent(head) + extra
    if facts:
        body += "facts:\n" + textwrap.indent(textwrap.dedent(facts), "  ")
    rules = textwrap.dedent(rules).rstrip("\n") + "\n"
    return body + "rules:\n" + textwrap.indent(rules, "  ") + "benefit: {amount: 1}\n"


def both(path: Path, records: list[dict[str, Any]], on: date | None = None) -> list[dict[str, Any]]:
    """Decide with both evaluators, assert they agree, return the columnar rows."""
    plan = bsu_rules.load_ruleset(path).plan(on)
    rows: list[dict[str, Any]] = ColumnarPlan(plan).decide(members_to_arrow(records)).to_pylist()
    for record, row in zip(records, rows, strict=True):
        assert row == expected(plan, record), record
    return rows


# --- the Arrow contract ------------------------------------------------------------------------


def test_schema_follows_the_member_model() -> None:
    assert MEMBER_SCHEMA.names == list(Member.model_fields)
    for name, model in (("employer", "Employer"), ("bank_account", "BankAccount")):
        fields = getattr(bsu_rules.members, model).model_fields
        assert [f.name for f in MEMBER_SCHEMA.field(name).type] == list(fields)
    for name, model in (("wages", "WageReport"), ("contributions", "Contribution"), ("program_receipts",
                                                                                      "ProgramReceipt")):
        item = MEMBER_SCHEMA.field(name).type.value_type
        assert [f.name for f in item] == list(getattr(bsu_rules.members, model).model_fields)


def test_members_to_arrow_round_trips() -> None:
    table = members_to_arrow([BASE, parse_member({**BASE, "wages": None, "employer": {"sector": "C"}})])
    assert table.schema == MEMBER_SCHEMA
    assert [parse_member(row) for row in table.to_pylist()] == [parse_member(BASE),
                                                                 parse_member({**BASE, "wages": None,
                                                                               "employer": {"sector": "C"}})]


def test_members_to_arrow_validates() -> None:
    with pytest.raises(InputError, match="contributions"):
        members_to_arrow([{**BASE, "contributions": [{"period": "2022-13"}]}])


# --- the decision table ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan2022() -> ColumnarPlan:
    return ColumnarPlan(bsu_rules.load_ruleset("bsu-2022").plan())


def test_empty_table(plan2022: ColumnarPlan) -> None:
    out = plan2022.decide(MEMBER_SCHEMA.empty_table())
    assert out.num_rows == 0 and out.schema == plan2022.schema


def test_schema_is_the_batch_contract(plan2022: ColumnarPlan) -> None:
    fallback = pytest.importorskip("bsu_rules.batch.fallback")
    assert plan2022.schema == pa.schema(fallback.decision_fields(plan2022.plan))


def test_order_chunks_and_extra_columns(plan2022: ColumnarPlan) -> None:
    records = [{**BASE, "wages": [{"period": "2022-07", "amount": w}]} for w in (3_400_000, 5_000_000, 4_800_000)]
    records += [{**BASE, "citizenship": "WNA"}, {**BASE, "contributions": None}]
    whole = members_to_arrow(records)
    chunked = pa.concat_tables([whole.slice(0, 2), whole.slice(2, 1), whole.slice(3)])
    extra = whole.add_column(0, "_row", pa.array(range(len(records)), pa.int64()))
    out = plan2022.decide(whole)
    assert out.column("outcome").to_pylist() == ["eligible", "ineligible", "eligible", "ineligible", "undetermined"]
    assert out.equals(plan2022.decide(chunked)) and out.equals(plan2022.decide(extra))
    assert out.column("benefit").to_pylist() == [600_000, None, 600_000, None, None]
    assert out.column("channel").to_pylist() == ["BRI", None, "BRI", None, None]
    assert out.column("failed").to_pylist()[3] == ["citizen"]
    assert out.column("unknown").to_pylist()[4] == ["contribution-billed", "arrears"]


def test_bundled_examples(examples: list[dict[str, Any]]) -> None:
    for path in sorted((Path(__file__).resolve().parents[1] / "rules").glob("*.yaml")):
        both(path, examples)


@pytest.mark.parametrize(("edition", "regency", "wage", "outcome"), [
    ("bsu-2021", "3171", 4_500_000, "pass"),  # DKI UMP 4.416.186,548 -> ceiling 4.500.000
    ("bsu-2021", "3171", 4_500_001, "fail"),
    ("bsu-2022", "3215", 4_800_000, "pass"),  # Karawang 4.798.312 -> 4.800.000
    ("bsu-2022", "3215", 4_800_001, "fail"),
    ("bsu-2022", "3204", 3_500_001, "fail"),  # Kab. Bandung, not listed: 3.500.000
    ("bsu-2022", "3273", 3_800_000, "pass"),  # Kota Bandung at least 3.742.276,48 -> at least 3.800.000
    ("bsu-2022", "3273", 3_800_001, "unknown"),
    ("bsu-2022", "9171", 3_600_000, "pass"),  # Papua 3.561.932 -> 3.600.000
    ("bsu-2025", "1571", 3_700_000, "pass"),  # Kota Jambi 3.607.223 -> 3.700.000
    ("bsu-2025", "1101", 3_700_000, "pass"),  # Aceh UMP 3.685.616 through the province
    ("bsu-2025", "1101", 3_700_001, "fail"),
])
def test_regional_ceilings(edition: str, regency: str, wage: int, outcome: str) -> None:
    rs = bsu_rules.load_ruleset(edition)
    month = str(rs.plan().reads["cutoff_month"][0])
    record = {**BASE, "work_regency_code": regency, "wages": [{"period": month, "amount": wage}]}
    assert both(rs.path, [record])[0]["rule:wage-ceiling"] == outcome


def test_the_ppkm_rule_by_decision_date() -> None:
    rs = bsu_rules.load_ruleset("bsu-2021")
    record = {**BASE, "work_regency_code": "3329"}
    before, after = both(rs.path, [record], date(2021, 11, 7)), both(rs.path, [record], date(2021, 11, 8))
    assert before[0]["rule:ppkm-area"] == "unknown" and "rule:ppkm-area" not in after[0]


# --- histories, dates and numbers, against the scalar evaluator --------------------------------


def test_histories(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "mini", mini("""\
        - {id: streak-40, flag: 'arrears_streak(member.contributions, param.cutoff_month, as_of, 15) == 39'}
        - {id: wage-old, flag: 'last_wage(member.wages, param.cutoff_month) == 1000'}
        - {id: wage-tie, flag: 'last_wage(member.wages, 2019-01) == 3'}
        - {id: billed, flag: 'contribution_billed(member.contributions, 2019-03)'}
        """))
    months = [f"{y}-{m:02d}" for y in (2019, 2020, 2021, 2022) for m in range(1, 13)][-40 - 5:-5]  # to 2022-07
    long_arrears = {**BASE, "contributions": [{"period": p, "paid_on": None} for p in reversed(months)]}
    late = {**BASE, "contributions": [{"period": "2022-07", "paid_on": "2022-08-01"}]}  # paid after as_of
    old_wage = {**BASE, "wages": [{"period": "2024-01", "amount": 9}, {"period": "2017-05", "amount": 1000},
                                  {"period": "2019-01", "amount": 3}, {"period": "2019-01", "amount": 3}]}
    rows = both(path, [long_arrears, late, old_wage, {**BASE, "wages": [], "contributions": []}])
    assert [r["rule:streak-40"] for r in rows] == ["flagged", "pass", "pass", "pass"]
    assert rows[2]["rule:wage-tie"] == "flagged" and rows[2]["rule:wage-old"] == "pass"
    assert [r["rule:billed"] for r in rows] == ["pass", "pass", "pass", "pass"]


def test_an_if_with_an_unknown_test(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "mini", mini("""\
        - {id: agree, require: '(1 if member.kpj == "1" else 1) == 1'}
        - {id: differ, require: '(1 if member.kpj == "1" else 2) == 1'}
        """))
    rows = both(path, [{**BASE, "kpj": None}, {**BASE, "kpj": "1"}, {**BASE, "kpj": "2"}])
    assert [(r["rule:agree"], r["rule:differ"]) for r in rows] == [("pass", "unknown"), ("pass", "pass"),
                                                                    ("pass", "fail")]


def test_a_whole_number_past_64_bits_is_exact_as_in_python(tmp_path: Path) -> None:
    """Polars wraps an Int64 product around; a chunk with a row past 64 bits is decided exactly."""
    path = write_rules(tmp_path, "mini", mini("""\
        - {id: annual, require: 'fact.wage * 12 <= 42 * 100000000 * 10000000'}
        - {id: positive, require: 'fact.wage * 3000 >= 0'}
        """, facts="wage: last_wage(member.wages, param.cutoff_month) * 100000000 * 10\n"))  # an amount has ten digits
    huge = {**BASE, "wages": [{"period": "2022-07", "amount": 1537228672}]}
    fine = {**BASE, "wages": [{"period": "2022-07", "amount": 3_400_000}]}
    rows = both(path, [fine, huge, fine])
    assert [(r["rule:annual"], r["rule:positive"]) for r in rows] == [("pass", "pass"), ("fail", "pass"),
                                                                      ("pass", "pass")]
    assert [r["rule:annual"] for r in both(path, [fine] * 3)] == ["pass"] * 3  # no such row: Polars all along


def test_rounding_and_decimals_past_64_bits_are_exact_as_in_python(tmp_path: Path) -> None:
    """``round_up`` with a step near 64 bits, or a decimal product past 38 digits: the same as Python."""
    path = write_rules(tmp_path, "mini", mini("""\
        - id: near
          require: 'round_up(fact.wage + 0.5, 65536 * 65536 * 65536 * 16384) == 65536 * 65536 * 65536 * 16384'
        - {id: past, require: 'round_up(fact.wage, 6 * 100000000 * 100000000 * 100) > 6 * 100000000 * 100000000 * 100'}
        - {id: product, require: '(fact.wage + 0.000000000000000001) * (fact.wage + 0.5) > 0'}
        """, facts="wage: last_wage(member.wages, param.cutoff_month) * 100000000 * 10\n"))
    fine = {**BASE, "wages": [{"period": "2022-07", "amount": 3_400_000}]}
    huge = {**BASE, "wages": [{"period": "2022-07", "amount": 7_000_000_000}]}
    rows = both(path, [fine, fine])
    assert [(r["rule:near"], r["rule:past"], r["rule:product"]) for r in rows] == [("pass", "fail", "pass")] * 2
    rows = both(path, [fine, huge])
    assert [(r["rule:near"], r["rule:past"], r["rule:product"]) for r in rows] == [
        ("pass", "fail", "pass"), ("fail", "pass", "pass")]


def test_a_step_or_a_month_out_of_range_is_unknown_in_both(tmp_path: Path) -> None:
    """Functions given a member's value outside their domain: unknown, never a failed run."""
    path = write_rules(tmp_path, "mini", mini("""\
        - {id: step, require: 'round_up(fact.wage, fact.wage - 3400000) > 0'}
        - {id: month, require: 'add_months(param.cutoff_month, fact.wage) != param.cutoff_month'}
        """, facts="wage: last_wage(member.wages, param.cutoff_month)\n"))
    rows = both(path, [{**BASE, "wages": [{"period": "2022-07", "amount": a}]} for a in (3_400_000, 3_400_001, 12)])
    assert [(r["rule:step"], r["rule:month"]) for r in rows] == [("unknown", "unknown"), ("pass", "unknown"),
                                                                 ("unknown", "pass")]


def test_many_rules(tmp_path: Path) -> None:
    """More rules than one 64-bit mask holds: failed and unknown lists still in rule order."""
    rules = "".join(f"- {{id: r{i}, {'require' if i % 2 else 'exclude'}: member.kpj == \"{i % 7}\"}}\n"
                    for i in range(150))
    path = write_rules(tmp_path, "mini", mini(rules))
    rows = both(path, [{**BASE, "kpj": str(k)} for k in range(8)] + [{**BASE, "kpj": None}])
    assert len(rows[-1]["unknown"]) == 150


def test_rules_that_read_no_member_data(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "mini", mini("""\
        - {id: always, require: '1 < 2'}
        - {id: cut-off, flag: 'param.cutoff_month == 2022-07'}
        """))
    rows = both(path, [BASE, {**BASE, "kpj": None}, BASE])
    assert [r["outcome"] for r in rows] == ["eligible"] * 3 and rows[0]["flags"] == ["cut-off"]


def test_what_the_columnar_evaluator_refuses(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "mini", mini(
        "- {id: aid, require: 'received(member.program_receipts, [member.name], 2022)'}"))
    with pytest.raises(NotImplementedError, match="programmes"):
        ColumnarPlan(bsu_rules.load_ruleset(path).plan())
    path = write_rules(tmp_path, "mini", mini("- {id: step, require: 'round_up(3, 0) > 1'}"))
    with pytest.raises(ValueError, match="step"):
        ColumnarPlan(bsu_rules.load_ruleset(path).plan())


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("probe")
    (folder / "tables").mkdir()
    for table in (Path(__file__).resolve().parents[1] / "rules" / "tables").glob("*.csv"):
        (folder / "tables" / table.name).write_bytes(table.read_bytes())
    return write_rules(folder, "probe", PROBE)


@pytest.mark.parametrize("on", [date(2022, 6, 1), date(2022, 9, 1)])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_probe_parity(probe: Path, on: date, data: st.DataObject) -> None:
    """Per-member months and dates, decimals, incomplete tables, list literals: as the scalar does."""
    records = data.draw(st.lists(members("2022-07", date(2022, 7, 31)) | members(), min_size=1, max_size=30))
    both(probe, records, on)


@given(names=st.lists(BANK_NAMES | st.none(), min_size=1, max_size=20))
def test_bank_key_parity(names: list[str | None]) -> None:
    """The Polars ``bank_key`` normalises every name exactly as the scalar one does."""
    import polars as pl

    from bsu_rules.catalogue import FUNCTIONS, Columnar
    from bsu_rules.catalogue.banks import bank_key
    from bsu_rules.evaluators.columnar_functions import Val
    from bsu_rules.ruleset.types import STR

    column = Val(STR, expr=pl.col("bank"), dtype=pl.String())
    columnar = FUNCTIONS["bank_key"].columnar
    assert isinstance(columnar, Columnar)
    built = columnar.build(STR, [column])
    assert built.expr is not None
    got = pl.DataFrame({"bank": pl.Series(names, dtype=pl.String)}).select(built.expr).to_series().to_list()
    assert got == [bank_key(n) for n in names]


def test_a_function_of_few_values_is_worked_out_once_a_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """bsu-2022's channel writes `bank_key(member.bank_account.bank)` in several places, and Polars cannot share a
    Python function's result between them: it ran once for each (0.15 s more for 200 000 members). A remembered
    function's call is now a column of its own, computed once."""
    import json

    import polars as pl

    from bsu_rules.catalogue import banks

    runs: list[int] = []
    original = banks._bank_key_expr

    def counted(name: pl.Expr) -> pl.Expr:
        return original(name).map_batches(lambda keys: (runs.append(len(keys)), keys)[1], return_dtype=pl.String)
    monkeypatch.setattr(banks, "_bank_key_expr", counted)
    records = [json.loads(line) for line in (Path(__file__).parents[1] / "examples" / "members.jsonl")
               .read_text("utf-8").splitlines()]
    rows = ColumnarPlan(bsu_rules.load_ruleset("bsu-2022").plan()).decide(members_to_arrow(records)).to_pylist()
    assert runs == [len(records)] and [r["channel"] for r in rows][:3] == ["BRI", "BNI", "MANDIRI"]


def test_the_work_area_columns_are_worked_out_once_per_area_in_a_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """bsu-2022's ceilings read the work area alone, and a chunk holds a few hundred areas at most: they are
    worked out once per distinct area and joined to the rows (0.17 of 0.64 CPU-s for 250 000 members before),
    and each row is decided as it is alone (where a chunk has many areas, row by row as before)."""
    import json

    from bsu_rules.catalogue import areas

    runs: list[int] = []
    original = areas._highest_by_code

    def counted(*args: Any) -> Any:
        found = original(*args)
        return type(found)(found.type, expr=found.expr.map_batches(lambda codes: (runs.append(len(codes)), codes)[1],
                                                                    return_dtype=found.dtype),
                           dtype=found.dtype, bound=found.bound)
    monkeypatch.setattr(areas, "_highest_by_code", counted)
    plan = ColumnarPlan(bsu_rules.load_ruleset("bsu-2022").plan())
    records = [json.loads(line) for line in (Path(__file__).parents[1] / "examples" / "members.jsonl")
               .read_text("utf-8").splitlines()]
    codes = ["3171", "3215", "1100", None, "3200"]
    many = [{**records[i % len(records)], "work_regency_code": codes[i % len(codes)]} for i in range(400)]
    distinct = {json.dumps(r, sort_keys=True): r for r in many}  # 80 members, five times each: decided alone once
    decided = {key: plan.decide(members_to_arrow([r])).to_pylist() for key, r in distinct.items()}
    alone = [row for record in many for row in decided[json.dumps(record, sort_keys=True)]]
    runs.clear()
    assert plan.decide(members_to_arrow(many)).to_pylist() == alone
    assert runs == [len(codes)]



# --- arrears_streak: the flat count against the scalar one ------------------------------------

_PERIODS = ["2021-12", "2022-01", "2022-04", "2022-05", "2022-06", "2022-07", "2022-08", "2023-01",
            "2022-6", "2022-13", "0999-12"]  # the window's edges, gaps, a later year, periods only text orders
_PAID = [None, date(2021, 1, 5), date(2022, 6, 30), date(2022, 7, 15), date(2022, 7, 31), date(2022, 8, 1)]
_ROWS = st.lists(st.tuples(st.sampled_from(_PERIODS), st.sampled_from(_PAID)), max_size=8)  # repeats too


@settings(max_examples=300, deadline=None)
@given(histories=st.lists(st.none() | _ROWS, min_size=1, max_size=12), month=st.sampled_from(_PERIODS[:8]),
       as_of=st.sampled_from([date(2022, 6, 30), date(2022, 7, 14), date(2022, 7, 31), date(2022, 8, 1)]),
       due_day=st.sampled_from([1, 15, 31]))
def test_the_flat_streak_counts_as_the_scalar_one(histories: list[list[tuple[str, date | None]] | None],
                                                  month: str, as_of: date, due_day: int) -> None:
    pl = pytest.importorskip("polars")
    from bsu_rules.catalogue.contributions import _streak_to, arrears_start, arrears_streak
    from bsu_rules.members import Contribution

    kind = pl.List(pl.Struct({"period": pl.String, "amount": pl.Int64, "paid_on": pl.Date}))
    series = pl.Series([None if h is None else [{"period": p, "amount": 1, "paid_on": d} for p, d in h]
                        for h in histories], dtype=kind)
    rows = [None if h is None else [Contribution.model_construct(period=p, paid_on=d) for p, d in h]
            for h in histories]
    start = arrears_start(month, as_of, due_day)
    want = [arrears_streak(r, month, as_of, due_day) for r in rows]
    assert _streak_to(series, start, as_of).to_list() == want
    assert _streak_to(series.slice(1), start, as_of).to_list() == want[1:]  # a chunk's rows from an offset


def test_a_streak_read_alone_reads_the_history(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "mini", mini("""\
        - {id: streak, require: 'arrears_streak(member.contributions, param.cutoff_month, as_of, 15) <= 1'}
        """))
    unpaid = [{"period": p, "paid_on": None} for p in ("2022-05", "2022-06", "2022-07")]
    repeated = [{"period": "2022-06", "paid_on": "2022-06-01"}, {"period": "2022-06", "paid_on": "2022-06-01"},
                {"period": "2022-05", "paid_on": None}]
    gap = {"period": "2022-03", "paid_on": None}  # no bill for April and May: the streak goes on past them
    rows = both(path, [{**BASE, "contributions": unpaid}, {**BASE, "contributions": repeated},
                       {**BASE, "contributions": None}, {**BASE, "contributions": [unpaid[1], gap]}])
    assert [r["rule:streak"] for r in rows] == ["fail", "pass", "unknown", "fail"]
