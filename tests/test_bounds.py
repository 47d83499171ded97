"""Lower-bound table rows: the rules of ``bsu_rules.bounds`` and every evaluator's agreement with them.

A minimum wage carried from an earlier year is only "at least" that figure. A wage at or under the
ceiling the bound implies is decided; a wage above it is undetermined, naming the table row.
"""

from __future__ import annotations

import copy
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bsu_rules
from bsu_rules import bounds
from bsu_rules.bounds import AtLeast
from bsu_rules.catalogue.areas import highest_for
from bsu_rules.evaluators.scalar import Plan
from bsu_rules.explain import render_text
from bsu_rules.explain.sentences import _so_far, format_as, tabled_facts
from bsu_rules.glossary import Places, glossary_for

try:
    from test_columnar_parity import expected
except ImportError:  # the batch extra is not installed: the columnar test skips
    expected = None  # type: ignore[assignment]

ROWS = ("table.t[x]",)
EXACT = st.integers(-5, 5) | st.sampled_from([Decimal("2.5"), Decimal("-0.5")])


def _values(x: Any) -> list[Any]:
    """Every number an AtLeast(x) may stand for, in a small window, plus exact numbers as themselves."""
    return [x.value + k for k in (0, 1, 2, 7, 50)] if isinstance(x, AtLeast) else [x]


def _ops() -> st.SearchStrategy[str]:
    return st.sampled_from(["<", "<=", ">", ">=", "==", "!="])


@given(op=_ops(), a=EXACT | EXACT.map(lambda v: AtLeast(v, ROWS)), b=EXACT | EXACT.map(lambda v: AtLeast(v, ROWS)))
def test_a_settled_comparison_holds_for_every_value_the_bound_allows(op: str, a: Any, b: Any) -> None:
    if not (isinstance(a, AtLeast) or isinstance(b, AtLeast)):
        return
    got = bounds.compare(op, a, b)
    import operator
    fn = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
          "!=": operator.ne}[op]
    truths = {fn(x, y) for x in _values(a) for y in _values(b)}
    if got is not None:
        assert truths == {got}  # sound: never decides what some allowed value contradicts
    elif not (isinstance(a, AtLeast) and isinstance(b, AtLeast)):
        assert len(truths) == 2 or op in ("==", "!=")  # precise: unknown only where values disagree


@given(op=st.sampled_from(["+", "-", "*", "//"]), a=EXACT | EXACT.map(lambda v: AtLeast(v, ROWS)),
       b=EXACT | EXACT.map(lambda v: AtLeast(v, ROWS)))
def test_arithmetic_on_a_bound_is_a_bound_or_unknown(op: str, a: Any, b: Any) -> None:
    if not (isinstance(a, AtLeast) or isinstance(b, AtLeast)):
        return
    got = bounds.arithmetic(op, a, b)
    if got is None:
        return
    import operator
    fn = {"+": operator.add, "-": operator.sub, "*": operator.mul, "//": operator.floordiv}[op]
    assert all(fn(x, y) >= got.value for x in _values(a) for y in _values(b))
    assert got.rows == ROWS


def test_functions_keep_what_the_bound_tells() -> None:
    low = AtLeast(Decimal("4375479"), ROWS)
    assert bounds.call("round_up", [low, 100000]) == AtLeast(4400000, ROWS)
    assert bounds.call("max", [low, 3500000]) == AtLeast(Decimal("4375479"), ROWS)
    assert bounds.call("min", [low, 3500000]) == 3500000  # settled: the exact side is smaller
    assert bounds.call("min", [low, 5000000]) == AtLeast(Decimal("4375479"), ROWS)
    assert bounds.call("province", [low]) is None
    with pytest.raises(ValueError, match="step"):
        bounds.call("round_up", [low, 0])


def test_known_so_far_leaves_out_a_table_s_floor_under_a_bound_never_the_member_s_figure() -> None:
    """Read after a bound of Rp3.800.000, the province's Rp3.500.000 tells nothing; a wage of Rp3.700.000
    read in the same place is the member's own figure and is said."""
    rs = bsu_rules.load_ruleset("bsu-2022")
    g, places = glossary_for(rs.path), Places.of(rs, glossary_for(rs.path))
    known = [("fact.ceiling", AtLeast(3_800_000, ROWS)), ("fact.wage", 3_700_000), ("fact.province_ceiling", 3_500_000)]
    said = _so_far(known, "en", g, places, tabled_facts(rs))
    assert "Rp3.700.000" in said and "Rp3.800.000" in said and "Rp3.500.000" not in said, said


def test_a_bound_reads_as_at_least() -> None:
    assert format_as(AtLeast(4400000, ROWS), "rp", "id") == "paling sedikit Rp4.400.000"
    assert format_as(AtLeast(4400000, ROWS), "rp", "en") == "at least Rp4.400.000"
    rs = bsu_rules.load_ruleset("bsu-2025")  # Kota Surabaya at least its 2022 UMK
    record = {"nik": "3578014107900001", "citizenship": "WNI", "participant_category": "PU",
              "work_regency_code": "3578", "wages": [{"period": "2025-04", "amount": 4_400_001}]}
    decision = bsu_rules.evaluate(rs, record)
    officer = {lang: render_text(decision, rs, lang, "officer") for lang in ("id", "en")}
    assert "paling sedikit Rp4.400.000" in officer["id"] and "at least Rp4.400.000" in officer["en"]
    assert "yang diketahui hanya paling sedikit Rp4.375.479." in officer["id"]
    assert "only that it is at least Rp4.375.479." in officer["en"]
    worker = {lang: render_text(decision, rs, lang, "worker") for lang in ("id", "en")}
    assert "besaran untuk Kota Surabaya (Provinsi Jawa Timur) pada daftar upah minimum" in worker["id"]
    assert "the exact figure for Kota Surabaya (Jawa Timur province) in the list of" in worker["en"]
    for text in worker.values():  # the place by the name its table row gives, in plain words
        said = text.split("\n", 1)[1]  # after the heading, which shows the masked NIK
        assert not any(w in said for w in ("table.minimum_wage", "3578", "lower bound", "batas bawah")), text


def test_a_province_row_s_bound_is_said_by_the_province_s_name_and_claims_no_year() -> None:
    rs = bsu_rules.load_ruleset("bsu-2025")  # Kepulauan Bangka Belitung's UMP as a bound
    record = {"nik": "1971014107900001", "citizenship": "WNI", "participant_category": "PU",
              "work_regency_code": "1971", "wages": [{"period": "2025-04", "amount": 3_700_001}]}
    decision = bsu_rules.evaluate(rs, record)
    assert decision.rule("wage-ceiling").missing == ["table.minimum_wage[19]"]
    worker = {lang: render_text(decision, rs, lang, "worker") for lang in ("id", "en")}
    assert "untuk Provinsi Kepulauan Bangka Belitung pada daftar upah minimum" in worker["id"]
    assert "for Kepulauan Bangka Belitung province in the list of" in worker["en"]
    assert not any(said in text for text in worker.values() for said in ("19 (", "earlier year", "tahun sebelumnya"))


# --- a rule set with lower-bound rows, decided by every evaluator ------------------------------

RULES = """\
ruleset: bounds-probe
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
  headroom: fact.ceiling - fact.wage
  lowest: min(fact.regional_minimum, 4000000)
  highest: highest_for(member.work_regency_code, table.minimum_wage, 0)
rules:
  - id: wage-ceiling
    require: fact.wage <= param.wage_ceiling or fact.wage <= fact.ceiling
    explain:
      id: "Upah {fact.wage:rp} di atas batas {fact.ceiling:rp}"
      en: "Wage {fact.wage:rp} above {fact.ceiling:rp}"
  - id: headroom
    flag: fact.headroom >= 100000
  - id: double
    flag: fact.regional_minimum * 2 > 8000000 and -fact.wage < 0
  - id: lowest
    prioritize: fact.lowest < 4000000 or fact.regional_minimum == 4375479
  - id: unit
    prioritize: fact.regional_minimum // 1000 > 4000 and fact.regional_minimum - 1 != 4375478
  - id: highest
    flag: fact.wage > fact.highest
benefit: {amount: 600000}
"""
TABLE = """\
area_code,amount,bound,source
3578,4375479,lower,Kota Surabaya 2022 figure (lower bound)
3273,3742276.48,lower,Kota Bandung 2021 figure (lower bound)
31,5396761,exact,DKI Jakarta 2025
19,3623653,lower,Bangka Belitung (lower bound)
1571,3607223,exact,Kota Jambi 2025
3373,3400000,lower,Kota Salatiga (a lower bound under the national ceiling)
14,3508776,exact,Riau 2025
1406,3370000,lower,Kab. Rokan Hulu (a lower bound under its province's row)
"""
AREAS = ["3578", "3273", "3101", "1971", "1571", "3201", "3373", "3329", "3500", "3200", "1500", "3100", "1900", "3300",
         "1406", "1400"]
WAGES = [3_500_000, 3_700_000, 3_800_000, 3_800_001, 4_399_999, 4_400_000, 4_400_001, 5_400_000, 5_400_001]


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> bsu_rules.RuleSet:
    folder = tmp_path_factory.mktemp("bounds")
    (folder / "tables").mkdir()
    (folder / "tables" / "mw.csv").write_text(TABLE, "utf-8")
    (folder / "probe.yaml").write_text(RULES, "utf-8")
    return bsu_rules.load_ruleset(folder / "probe.yaml")


def _member(area: str | None, wage: int | None) -> dict[str, Any]:
    return {"nik": "3578014107900001", "citizenship": "WNI", "participant_category": "PU",
            "work_regency_code": area,
            "wages": None if wage is None else [{"period": "2025-04", "amount": wage}]}


@pytest.mark.parametrize(("area", "wage", "outcome"), [
    ("3578", 4_400_000, "eligible"),  # at the ceiling the bound implies
    ("3578", 4_300_000, "eligible"),
    ("3578", 4_400_001, "undetermined"),  # above it: the 2025 figure was not collected
    ("3273", 3_800_000, "eligible"),
    ("3273", 3_800_001, "undetermined"),
    ("1971", 3_700_000, "eligible"),  # a regency under a province whose row is a bound
    ("1971", 3_700_001, "undetermined"),
    ("1571", 3_700_000, "eligible"),  # an exact row decides both ways
    ("1571", 3_700_001, "ineligible"),
    ("3329", 3_500_001, "ineligible"),  # no row: the national ceiling
    ("3373", 3_500_000, "eligible"),  # a bound under the national ceiling: the ceiling holds
    ("3373", 3_500_001, "undetermined"),  # above it: whether the minimum wage lifts it is not known
])
def test_bound_rows_decide_what_they_settle(probe: bsu_rules.RuleSet, area: str, wage: int, outcome: str) -> None:
    d = bsu_rules.evaluate(probe, _member(area, wage))
    assert d.rule("wage-ceiling").outcome.value == {"eligible": "pass", "ineligible": "fail"}.get(outcome, "unknown")
    if outcome == "undetermined":
        row = area if area in ("3578", "3273", "3373") else "19"
        assert d.rule("wage-ceiling").missing == [f"table.minimum_wage[{row}]"]  # the row, also when the
        assert d.missing == [f"table.minimum_wage[{row}]"]  # ceiling it leads to is unknown, not a bound
        ceiling = {"3578": {"at_least": 4400000}, "3273": {"at_least": 3800000}, "19": {"at_least": 3700000},
                   "3373": None}[row]  # at least 3 400 000 under a 3 500 000 ceiling: no bound on the ceiling
        assert d.rule("wage-ceiling").values["fact.ceiling"] == ceiling


@pytest.mark.parametrize(("area", "highest", "rows"), [
    ("3578", AtLeast(4375479, ()), ["3578"]),  # a regency known: its own row, a bound
    ("1571", Decimal("3607223"), []),
    ("1971", AtLeast(3623653, ()), ["19"]),  # no row of its own: the province's
    ("3329", 0, []),  # no row at all: the default
    ("3500", AtLeast(4375479, ()), ["3578"]),  # a province only: the highest of its rows, any of which may apply
    ("1500", Decimal("3607223"), []),  # the default (no row for the province itself) is lower
    ("3300", AtLeast(3400000, ()), ["3373"]),
    ("3100", Decimal("5396761"), []),  # DKI lists no regency: every one reads the province's row
    (None, AtLeast(5396761, ()), ["1406", "19", "3273", "3373", "3578"]),  # no code: any row, bounds too
    ("1406", AtLeast(3508776, ()), ["1406"]),  # its own bound, but at least its province's row
    ("1400", AtLeast(3508776, ()), ["1406"]),
])
def test_highest_for_is_the_most_a_code_can_read(probe: bsu_rules.RuleSet, area: str | None, highest: Any,
                                                  rows: list[str]) -> None:
    got = highest_for(area, probe.tables["minimum_wage"], 0)
    assert got == highest and type(got) is type(highest)
    assert (got.rows if isinstance(got, AtLeast) else ()) == tuple(f"table.minimum_wage[{r}]" for r in rows)


@pytest.mark.parametrize(("area", "wage", "outcome"), [
    ("9404", 5_100_000, "eligible"),  # Kab. Mimika: its own exact UMK, a ceiling of Rp5.100.000
    ("9404", 5_100_001, "ineligible"),  # above it, whatever the province's own figure turns out to be
    ("9401", 4_300_000, "eligible"),  # Kab. Nabire reads the province's row: at least Rp4.300.000
    ("9401", 4_300_001, "undetermined"),
    ("9400", 5_100_001, "undetermined"),  # the province only: its own row may be the highest
])
def test_a_regency_s_exact_row_decides_under_a_province_known_only_as_a_bound(
        tmp_path: Path, area: str, wage: int, outcome: str) -> None:
    """2025, Papua Tengah's UMP known only as a lower bound: Kab. Mimika's own exact UMK still decides
    its ceiling both ways (a wage above it was undetermined, read against the province's bound). Kab.
    Mimika's row is given its press figure as exact here (the bundled row is a bound)."""
    rs = _edited_2025(tmp_path, "\n94,Papua Tengah,UMP,4285847,exact,", "\n94,Papua Tengah,UMP,4285847,lower,",
                      "\n9404,Kab. Mimika,UMK,4285847,lower,", "\n9404,Kab. Mimika,UMK,5005678,exact,")
    d = bsu_rules.evaluate(rs, _member(area, wage))
    assert d.rule("wage-ceiling").outcome.value == {"eligible": "pass", "ineligible": "fail"}.get(outcome, "unknown")


@pytest.mark.parametrize(("area", "wage", "outcome"), [
    ("1406", 3_600_000, "eligible"),  # within Riau's own ceiling, which no regency of Riau is below
    ("1406", 3_600_001, "undetermined"),  # above it: Kab. Rokan Hulu's own figure decides
    ("1400", 3_600_000, "eligible"),
])
def test_a_regency_s_bound_row_under_its_province_s_row_is_at_least_the_province_s(
        tmp_path: Path, area: str, wage: int, outcome: str) -> None:
    """2025, Kab. Rokan Hulu known only as "at least Rp3.370.000" (under Riau's UMP 3.508.776): a wage within
    Riau's ceiling passes whichever the regency's figure, as for a record naming only the province."""
    d = bsu_rules.evaluate(_edited_2025(tmp_path, "\n1406,Kab. Rokan Hulu,UMK,3579380.61,exact,",
                                        "\n1406,Kab. Rokan Hulu,UMK,3370000,lower,"), _member(area, wage))
    assert d.rule("wage-ceiling").outcome.value == {"eligible": "pass", "ineligible": "fail"}.get(outcome, "unknown")
    assert d.rule("wage-ceiling").missing == ([] if outcome == "eligible" else ["table.minimum_wage[1406]"])


def _edited_2025(tmp_path: Path, *edits: str) -> bsu_rules.RuleSet:
    """The 2025 edition with rows of its minimum-wage table edited (pairs of old and new text; each old
    text must be there)."""
    rules = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parents[1] / "rules", rules, ignore=shutil.ignore_patterns("tests"))
    table = rules / "tables" / "minimum-wage-2025.csv"
    text = table.read_text("utf-8")
    for old, new in zip(edits[::2], edits[1::2], strict=True):
        assert old in text
        text = text.replace(old, new)
    table.write_text(text, "utf-8")
    return bsu_rules.load_ruleset(rules / "bsu-2025.yaml")


def test_a_missing_wage_is_named_before_the_table_row(probe: bsu_rules.RuleSet) -> None:
    d = bsu_rules.evaluate(probe, _member("3578", None))
    assert d.missing == ["member.wages"]


def test_the_bound_is_part_of_the_rule_set_hash(probe: bsu_rules.RuleSet, tmp_path: Path) -> None:
    shutil.copytree(probe.path.parent, tmp_path / "copy")
    table = tmp_path / "copy" / "tables" / "mw.csv"
    table.write_text(TABLE.replace("4375479,lower", "4375479,exact"), "utf-8")
    changed = bsu_rules.load_ruleset(tmp_path / "copy" / "probe.yaml")
    assert changed.sha256 != probe.sha256
    assert bsu_rules.evaluate(changed, _member("3578", 4_400_001)).outcome.value == "ineligible"


@pytest.mark.parametrize("mark", ["Lower", "", "min"])
def test_a_bad_bound_mark_is_a_diagnostic_naming_the_row(probe: bsu_rules.RuleSet, tmp_path: Path, mark: str) -> None:
    shutil.copytree(probe.path.parent, tmp_path / "copy")
    (tmp_path / "copy" / "tables" / "mw.csv").write_text(TABLE.replace("5396761,exact", f"5396761,{mark}"), "utf-8")
    with pytest.raises(bsu_rules.RuleSetError) as caught:
        bsu_rules.load_ruleset(tmp_path / "copy" / "probe.yaml")
    assert "mw.csv:4" in str(caught.value) and "exact" in str(caught.value)


members = st.builds(_member, st.sampled_from(AREAS) | st.none(),
                    st.sampled_from(WAGES).flatmap(lambda w: st.sampled_from([w - 1, w, w + 1])) | st.none())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(members, min_size=1, max_size=20))
def test_columnar_decides_bounds_as_the_scalar_evaluator(probe: bsu_rules.RuleSet,
                                                         records: list[dict[str, Any]]) -> None:
    _columnar_agrees(probe.plan(), records)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=members)
def test_durable_decides_bounds_as_the_scalar_evaluator(probe: bsu_rules.RuleSet, record: dict[str, Any]) -> None:
    pytest.importorskip("durable.lang")
    from bsu_rules.evaluators.durable import DurablePlan

    plan = probe.plan()
    if probe.sha256 not in _durable:
        _durable[probe.sha256] = DurablePlan(plan)
    durable = _durable[probe.sha256]
    member = bsu_rules.parse_member(copy.deepcopy(record))
    assert durable.decide(member).to_json() == plan.decide(member).to_json()


_durable: dict[str, Any] = {}


# --- an incomplete table (``unlisted: unknown``): a regency it does not list is at least its province's row ---------

@pytest.fixture(scope="module")
def incomplete(probe: bsu_rules.RuleSet) -> bsu_rules.RuleSet:
    from bsu_rules.ruleset.overrides import reform_of

    return reform_of(probe, ["table.minimum_wage.unlisted=unknown"], [])


@pytest.mark.parametrize(("area", "highest", "rows"), [
    ("3101", AtLeast(5396761, ()), ["3101"]),  # not listed, DKI's row is: at least it, the regency's row missing
    ("1971", AtLeast(3623653, ()), ["1971", "19"]),  # under a province row that is itself a bound: both named
    ("1401", AtLeast(3508776, ()), ["1401"]),
    ("3578", AtLeast(4375479, ()), ["3578"]),  # a listed regency reads as in a complete table
    ("1571", Decimal("3607223"), []),
    ("1406", AtLeast(3508776, ()), ["1406"]),
    ("3329", None, []),  # neither the regency nor its province listed: unknown
    ("3100", AtLeast(5396761, ()), ["3100"]),  # a province-only code: whichever regency, at least DKI's row
    ("1900", AtLeast(3623653, ()), ["1900", "19"]),  # under a province row that is itself a bound: both named
    ("1400", AtLeast(3508776, ()), ["1400", "1406"]),  # the highest of Riau's rows, its regency's bound named too
    ("3500", None, []),  # a province-only code whose province's row is not listed: unknown
    ("3300", None, []),
    (None, None, []),  # no code
])
def test_highest_for_of_an_incomplete_table_is_at_least_the_province_s_row(
        incomplete: bsu_rules.RuleSet, area: str | None, highest: Any, rows: list[str]) -> None:
    got = highest_for(area, incomplete.tables["minimum_wage"], 0)
    assert got == highest and type(got) is type(highest)
    assert (got.rows if isinstance(got, AtLeast) else ()) == tuple(f"table.minimum_wage[{r}]" for r in rows)


INCOMPLETE = [("3101", 5_396_761, "flag:pass"), ("3101", 5_396_762, "flag:unknown"), ("3101", 3_500_000, "flag:pass"),
              ("1971", 3_623_653, "flag:pass"), ("1971", 3_623_654, "flag:unknown"), ("1401", 3_508_776, "flag:pass"),
              ("3329", 3_000_000, "flag:unknown"), ("3100", 5_396_761, "flag:pass"),
              ("3100", 5_396_762, "flag:unknown"), ("1900", 3_623_653, "flag:pass"),
              ("1900", 3_623_654, "flag:unknown"), ("1400", 3_508_776, "flag:pass"),
              ("1400", 3_508_777, "flag:unknown"), ("3500", 3_000_000, "flag:unknown"),
              ("1571", 3_607_224, "flag:flagged"), (None, 3_000_000, "flag:unknown")]


@pytest.mark.parametrize(("area", "wage", "said"), INCOMPLETE)
def test_an_incomplete_table_s_floor_decides_what_it_settles_in_every_evaluator(
        incomplete: bsu_rules.RuleSet, area: str | None, wage: int, said: str) -> None:
    """``fact.wage > fact.highest``: a wage within an unlisted regency's floor is settled (not above it, whatever
    the regency's own figure), a wage above it stays unknown, never decided from the bound; the scalar, compiled
    and columnar evaluators alike."""
    plan = incomplete.plan()
    d = plan.decide(bsu_rules.parse_member(_member(area, wage)))
    assert f"flag:{d.rule('highest').outcome.value}" == said
    if said == "flag:unknown" and area in ("3101", "1971", "3100", "1900", "1400"):
        also = {"1971": ["table.minimum_wage[19]"], "1900": ["table.minimum_wage[19]"],
                "1400": ["table.minimum_wage[1406]"]}.get(area, [])
        assert d.rule("highest").missing == [f"table.minimum_wage[{area}]", *also]
    if expected is not None:
        from bsu_rules.evaluators.columnar import ColumnarPlan
        from bsu_rules.members.arrow import members_to_arrow

        got = ColumnarPlan(plan).decide(members_to_arrow([_member(area, wage)])).to_pylist()[0]
        want = expected(plan, _member(area, wage))
        assert {k: got[k] for k in want} == want


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(members, min_size=1, max_size=20))
def test_columnar_decides_an_incomplete_table_s_floors_as_the_scalar_evaluator(
        incomplete: bsu_rules.RuleSet, records: list[dict[str, Any]]) -> None:
    _columnar_agrees(incomplete.plan(), records)


@pytest.mark.parametrize("column", [True, False], ids=["default-column", "default-constant"])
@pytest.mark.parametrize("exact", [False, True], ids=["bound-rows", "no-bound-row"])
def test_every_columnar_form_of_highest_for_reads_an_incomplete_table_as_the_scalar_function(
        incomplete: bsu_rules.RuleSet, column: bool, exact: bool) -> None:
    """The columnar ``highest_for``, with the default a column (the expression over the rows) and a constant (the
    scalar function once per distinct code): each row's value, and whether it is only a lower bound, as the scalar
    function gives it; unknown where it gives unknown. Also of a table with no row marked ``lower``."""
    pl = pytest.importorskip("polars")
    from dataclasses import replace

    from bsu_rules.catalogue.areas import _highest_columnar
    from bsu_rules.evaluators import columnar_functions as cf
    from bsu_rules.ruleset.types import DECIMAL, INT, STR

    table = incomplete.tables["minimum_wage"]
    table = replace(table, bounds=frozenset()) if exact else table
    codes = [*AREAS, "3101", "1401", "1971", None]
    frame = pl.DataFrame({"code": codes, "default": [0] * len(codes)}, schema={"code": pl.String, "default": pl.Int64})
    default = cf.Val(INT, expr=pl.col("default"), dtype=pl.Int64()) if column else cf.Val(INT, const=0)
    got = _highest_columnar(DECIMAL, [cf.Val(STR, expr=pl.col("code"), dtype=pl.String()),
                                      cf.Val(table.type, const=table), default])
    assert got.expr is not None and got.bound is not None
    out = frame.select(value=got.expr, bound=got.bound).to_dicts()
    want = [highest_for(code, table, 0) for code in codes]
    assert [row["value"] for row in out] == [w.value if isinstance(w, AtLeast) else w for w in want]
    assert [row["bound"] for row, w in zip(out, want, strict=True) if w is not None] == \
        [isinstance(w, AtLeast) for w in want if w is not None]


def test_an_incomplete_table_with_no_lower_row_still_reads_an_unlisted_regency_as_a_bound(
        probe: bsu_rules.RuleSet, tmp_path: Path) -> None:
    """No row marked ``lower``, yet ``highest_for`` gives a lower bound for a regency an incomplete table does not
    list: every evaluator reads it as one (settled within it, unknown above it, naming the row)."""
    shutil.copytree(probe.path.parent, tmp_path / "copy")
    (tmp_path / "copy" / "tables" / "mw.csv").write_text(TABLE.replace(",lower,", ",exact,"), "utf-8")
    rules = tmp_path / "copy" / "probe.yaml"
    rules.write_text(rules.read_text("utf-8").replace("bound: bound}", "bound: bound, unlisted: unknown}"), "utf-8")
    plan = bsu_rules.load_ruleset(rules).plan()
    records = [_member("3101", 5_396_761), _member("3101", 5_396_762)]
    decided = [plan.decide(bsu_rules.parse_member(r)) for r in records]
    assert [d.rule("highest").outcome.value for d in decided] == ["pass", "unknown"]
    assert decided[1].rule("highest").missing == ["table.minimum_wage[3101]"]
    if expected is not None:
        from bsu_rules.evaluators.columnar import ColumnarPlan
        from bsu_rules.members.arrow import members_to_arrow

        for record, got in zip(records, ColumnarPlan(plan).decide(members_to_arrow(records)).to_pylist(), strict=True):
            want = expected(plan, record)
            assert {k: got[k] for k in want} == want


def test_folding_a_constant_key_an_incomplete_table_does_not_list_is_unknown(incomplete: bsu_rules.RuleSet,
                                                                             probe: bsu_rules.RuleSet) -> None:
    """``table.minimum_wage.get("3101", 0)``: of a table whose unlisted keys are unknown, the row is unknown for
    every member, never the default (the linter would call a condition on it always true or always false)."""
    from bsu_rules.ruleset.checker import Scope, TypeChecker
    from bsu_rules.ruleset.expressions import parse
    from bsu_rules.ruleset.folding import Const, Folder

    for rs, want in ((incomplete, Const(None)), (probe, Const(0))):
        tree = parse('table.minimum_wage.get("3101", 0)')
        TypeChecker(Scope({}, {k: t.type for k, t in rs.tables.items()}, {}), lambda *_: None).check(tree)
        assert Folder(rs).fold(tree) == want


def test_a_row_an_incomplete_table_lacks_is_said_at_least_its_province_s_only_where_highest_for_reads_the_table(
        incomplete: bsu_rules.RuleSet, tmp_path: Path) -> None:
    """Kepulauan Seribu (3101) above DKI's ceiling: the explanation says the row's figure is at least DKI's, as for
    a row marked ``lower``, where the rules read the table with ``highest_for`` (a table of minimum wages, no
    regency's row below its province's); of a table no ``highest_for`` reads, nothing says so, and no figure is."""
    said = bsu_rules.evaluate(incomplete, _member("3101", 5_400_001)).rule("wage-ceiling").explain
    assert said is not None and "only that it is at least Rp5.396.761" in said.en, said
    assert "yang diketahui hanya paling sedikit Rp5.396.761" in said.id, said
    shutil.copytree(incomplete.path.parent, tmp_path / "copy")
    rules = tmp_path / "copy" / "probe.yaml"
    text = rules.read_text("utf-8").replace("bound: bound}", "bound: bound, unlisted: unknown}")
    text = text.replace("  highest: highest_for(member.work_regency_code, table.minimum_wage, 0)\n", "")
    rules.write_text(text.replace("  - id: highest\n    flag: fact.wage > fact.highest\n", ""), "utf-8")
    plain = bsu_rules.evaluate(bsu_rules.load_ruleset(rules), _member("3101", 5_400_001)).rule("wage-ceiling")
    assert plain.missing == ["table.minimum_wage[3101]"]
    assert plain.explain is not None and "incomplete" in plain.explain.en and "at least" not in plain.explain.en


def test_folding_highest_for_of_a_province_only_code_an_incomplete_table_lists_the_province_of_is_no_constant(
        incomplete: bsu_rules.RuleSet) -> None:
    """``highest_for("3100", …)`` of an incomplete table listing DKI's row is at least that row, a lower bound,
    never the same value for every member: the linter may not call a condition on it settled; of a province the
    table does not list (``3500``), unknown for every member."""
    from bsu_rules.ruleset.checker import Scope, TypeChecker
    from bsu_rules.ruleset.expressions import parse
    from bsu_rules.ruleset.folding import TOP, Const, Folder

    for code, want in (("3100", TOP), ("1400", TOP), ("3500", Const(None))):
        tree = parse(f'highest_for("{code}", table.minimum_wage, 0)')
        TypeChecker(Scope({}, {k: t.type for k, t in incomplete.tables.items()}, {}), lambda *_: None).check(tree)
        assert Folder(incomplete).fold(tree) == want, code


def _columnar_agrees(plan: Plan, records: list[dict[str, Any]]) -> None:
    """The columnar evaluator decides ``records`` as the scalar one does, field by field."""
    pytest.importorskip("polars")
    from bsu_rules.evaluators.columnar import ColumnarPlan
    from bsu_rules.members.arrow import members_to_arrow

    decided = ColumnarPlan(plan).decide(members_to_arrow(records)).to_pylist()
    for record, got in zip(records, decided, strict=True):
        want = expected(plan, record)
        assert {k: got[k] for k in want} == want, record
