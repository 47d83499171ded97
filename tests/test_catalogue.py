"""Every catalogue function, from its one definition: every part present, the declared
unknown-handling what the scalar implementation does, the columnar form equal to the scalar one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import find, given
from hypothesis import strategies as st
from strategies import BANK_NAMES, niks

from bsu_rules.bounds import AtLeast
from bsu_rules.catalogue import FUNCTIONS, Abstraction, Columnar, Function, History, Inversion
from bsu_rules.members import Contribution, Program, ProgramReceipt, WageReport
from bsu_rules.months import month_index, month_text
from bsu_rules.ruleset.expressions import Call, parse
from bsu_rules.ruleset.loader import load_ruleset
from bsu_rules.ruleset.types import DECIMAL, HISTORIES, INT, STR, Type

NAMES = sorted(FUNCTIONS)
MONTHS = st.integers(month_index("2021-09"), month_index("2022-09")).map(month_text)
DATES = st.dates(date(2021, 9, 1), date(2022, 10, 31))
PROGRAMS = [str(p.value) for p in Program]
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "wages": st.lists(st.builds(WageReport, period=MONTHS, amount=st.integers(0, 9_000_000)), max_size=6),
    "contributions": st.lists(st.builds(Contribution, period=MONTHS, paid_on=st.none() | DATES), max_size=8),
    "receipts": st.lists(st.builds(ProgramReceipt, program=st.sampled_from(PROGRAMS), year=st.integers(2019, 2023)),
                         max_size=4),
    "month": MONTHS,
    "date": DATES,
    "int": st.integers(1, 31),  # a due day, a positive step, a number of months
    "decimal": st.integers(0, 10**10).map(lambda n: Decimal(n).scaleb(-3)),
    "str": niks() | BANK_NAMES | st.sampled_from(["3215", "3171", "3200", "3100", "9999", "0000", "1"]),
    "list": st.lists(st.sampled_from(PROGRAMS), max_size=3, unique=True),
    "table": st.sampled_from([load_ruleset(e).tables[t] for e, t in (("bsu-2022", "minimum_wage"),
                                                                   ("bsu-2022", "banks"))]),
    "keyset": st.sampled_from([load_ruleset("bsu-2021").tables["ppkm_areas"]]),
}


WHOLE = ("list", "table", "keyset")
"""Argument types only ever given whole (a literal, a parameter, a table), never a column."""


def _whole(t: Type) -> st.SearchStrategy[Any]:
    """A value given whole: a table of the type asked for, where one is bundled."""
    if t.name != "table":
        return VALUES[t.name]
    return VALUES["table"].filter(lambda table: table.type == t) if t.item in (DECIMAL, STR) else VALUES["table"]


def _type(options: tuple[Type, ...]) -> st.SearchStrategy[Type]:
    return st.sampled_from(options) if options else st.just(INT)


def _signature(f: Function) -> st.SearchStrategy[list[Type]]:
    """The argument types of a call: each parameter's type, optional ones left out at times."""
    low, high = len(f.params) - f.optional, len(f.params)
    return st.integers(low, high).flatmap(lambda n: st.tuples(*[_type(p) for p in f.params[:n]]).map(list))


def _call(f: Function) -> st.SearchStrategy[list[Any]]:
    """Known arguments for a call of ``f``."""
    return _signature(f).flatmap(lambda types: st.tuples(*[_whole(t) for t in types]).map(list))


def _outcome(f: Function, args: list[Any]) -> tuple[str, Any]:
    try:
        return "value", f.impl(*args)
    except (TypeError, ValueError, AttributeError, ArithmeticError):
        return "error", None


# --- every part present -----------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_function_has_every_part(name: str) -> None:
    f = FUNCTIONS[name]
    assert f.name == name and callable(f.scalar) and f.impl is f.scalar
    over_history = bool(f.params and f.params[0] and f.params[0][0] in HISTORIES)
    assert isinstance(f.columnar, History if over_history else Columnar) and callable(f.columnar.build)
    assert (f.encoding is None) != (f.abstract is None), "a proof encoding: exact, or an abstraction"
    if isinstance(f.smt, Abstraction):
        assert callable(f.smt.realize) and len(f.smt.names) == len(f.params)
    if f.inversion is not None:
        assert isinstance(f.inversion, Inversion) and over_history
        assert len(f.params) - f.optional <= f.inversion.arity <= len(f.params)
    example = parse(f.example)
    assert isinstance(example, Call) and example.func.dotted == name
    assert len(f.params) - f.optional <= len(example.args) and (f.variadic or len(example.args) <= len(f.params))
    assert f.doc.endswith(".")


def test_a_definition_without_a_part_is_refused() -> None:
    with pytest.raises(TypeError):
        Function("twice", ((INT,),), INT, "Twice a number.", "twice(2)", scalar=lambda n: 2 * n,  # type: ignore[call-arg]
                 columnar=Columnar(lambda t, args: args[0]), smt=FUNCTIONS["round_up"].smt)


# --- unknown-handling: the declaration is the behaviour -----------------------------------------


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_declared_unknown_handling_is_the_scalar_behaviour(name: str, data: st.DataObject) -> None:
    f = FUNCTIONS[name]
    args = data.draw(_call(f))
    whole = _outcome(f, args)
    assert whole[0] == "value", f"{name}{tuple(args)} raised"
    if not f.own_unknown:
        assert whole[1] is not None, f"{name} gave unknown with every argument known; declare own_unknown"
    for i in range(len(args)):
        kind, value = _outcome(f, [None if j == i else a for j, a in enumerate(args)])
        where = f"{name} with argument {i + 1} unknown"
        if f.strict:
            assert value is None, f"{where} gave {value!r}: a strict function never hides an unknown"
        elif f.unknown_from is None:
            assert kind == "value" and value is not None, f"{where}: unknown only when every argument is"
        elif i in f.unknown_from:
            assert (kind, value) == ("value", None), f"{where} gave {value!r}, declared unknown_from={f.unknown_from}"
        else:
            assert kind == "value" and (value is not None or f.own_unknown), \
                f"{where} gave {value!r} although argument {i + 1} is not in unknown_from={f.unknown_from}"
    if not f.strict and f.unknown_from is None:
        assert _outcome(f, [None] * len(args)) == ("value", None)


@pytest.mark.parametrize("name", [n for n in NAMES if FUNCTIONS[n].own_unknown])
def test_own_unknown_is_reachable(name: str) -> None:
    f = FUNCTIONS[name]
    find(_call(f), lambda args: _outcome(f, args) == ("value", None))


def test_received_with_an_unknown_year_is_unknown_not_any_year() -> None:
    received = FUNCTIONS["received"].impl
    receipts = [ProgramReceipt(program="PKH", year=2021)]
    assert received(receipts, ["PKH"]) is True
    assert received(receipts, ["PKH"], 2022) is False
    assert received(receipts, ["PKH"], None) is None


def test_received_by_counts_a_receipt_in_the_year_or_before_never_after() -> None:
    received_by = FUNCTIONS["received_by"].impl
    receipts = [ProgramReceipt(program="PKH", year=2021)]
    assert [received_by(receipts, ["PKH"], y) for y in (2020, 2021, 2022)] == [False, True, True]
    assert received_by(receipts, ["BPUM"], 2022) is False and received_by([], ["PKH"], 2022) is False
    assert received_by(receipts, ["PKH"], None) is None and received_by(None, ["PKH"], 2022) is None


# --- scalar and columnar agree -----------------------------------------------------------------


def _column(t: Type, values: list[Any]) -> Any:
    import polars as pl

    from bsu_rules.evaluators.columnar_functions import dtype_of

    if t.name == "wages":
        return pl.Series([None if v is None else [w.model_dump() for w in v] for v in values],
                         dtype=pl.List(pl.Struct({"period": pl.String, "amount": pl.Int64})))
    if t.name == "contributions":
        return pl.Series([None if v is None else [c.model_dump() for c in v] for v in values],
                         dtype=pl.List(pl.Struct({"period": pl.String, "amount": pl.Int64, "paid_on": pl.Date})))
    if t.name == "receipts":
        return pl.Series([None if v is None else [r.model_dump() for r in v] for v in values],
                         dtype=pl.List(pl.Struct({"program": pl.String, "year": pl.Int32})))
    if t.name == "month":
        values = [None if v is None else month_index(v) for v in values]
    return pl.Series(values, dtype=dtype_of(t, Decimal("0.000") if t == DECIMAL else None))


def _scalar(f: Function, args: list[Any]) -> Any:
    """What the scalar evaluator makes of a call: strict functions are unknown on an unknown argument."""
    return None if f.strict and any(a is None for a in args) else f.impl(*args)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, AtLeast) or isinstance(b, AtLeast):  # both bounds, of the same value (the rows named aside)
        return isinstance(a, AtLeast) and isinstance(b, AtLeast) and _same(a.value, b.value)
    if isinstance(a, (int, Decimal)) and isinstance(b, (int, Decimal)) and not isinstance(a, bool):
        return Decimal(a) == Decimal(b)
    return bool(a == b)


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_columnar_equals_scalar(name: str, data: st.DataObject) -> None:
    pl = pytest.importorskip("polars")
    from bsu_rules.evaluators.columnar_functions import Val

    f = FUNCTIONS[name]
    types = data.draw(_signature(f))
    rows = data.draw(st.integers(1, 6))
    columns: dict[str, Any] = {}
    vals: list[Val] = []
    per_row: list[list[Any]] = []
    varies = data.draw(st.sampled_from([i for i, t in enumerate(types) if t.name not in WHOLE]))  # all constant: folded
    for i, t in enumerate(types):
        value = VALUES[t.name] | st.none()
        if t.name in WHOLE or (t not in HISTORIES and i != varies and data.draw(st.booleans(), label=f"constant {i}")):
            const = data.draw(_whole(t) if t.name in WHOLE else value)
            vals.append(Val(t, const=const))
            per_row.append([const] * rows)
            continue
        cells = data.draw(st.lists(value, min_size=rows, max_size=rows))
        name_i = f"a{i}"
        columns[name_i] = _column(t, cells)
        per_row.append(cells)
        if t in HISTORIES:
            vals.append(Val(t, history=name_i))
        else:
            vals.append(Val(t, expr=pl.col(name_i), dtype=columns[name_i].dtype))
    frame = pl.DataFrame(columns)
    result_type = f.result_type(types)
    assert result_type is not None
    columnar = f.columnar
    if isinstance(columnar, History):
        job = columnar.build(vals, "out")
        frame = frame.with_columns(**job.first)
        got = (job.finish(frame) if job.finish else frame.get_column("out")).to_list()
    else:
        built = columnar.build(result_type, vals)
        got = [built.const] * rows if built.is_const else frame.with_columns(built.expr.alias("_r"))["_r"].to_list()
        if built.bound is not None:  # a value known only as a lower bound: its flag in a column of its own
            flags = frame.select(built.bound.alias("_b"))["_b"].to_list()
            flags = flags * rows if len(flags) == 1 else flags  # a constant flag: one for every row
            got = [AtLeast(v, ()) if flag and v is not None else v for v, flag in zip(got, flags, strict=True)]
    if result_type.name == "month":
        got = [v if v is None or isinstance(v, str) else month_text(v) for v in got]
    want = [_scalar(f, [arg[r] for arg in per_row]) for r in range(rows)]
    assert all(_same(g, w) for g, w in zip(got, want, strict=True)), (types, per_row, got, want)



def test_a_scan_is_kept_only_for_a_validated_history() -> None:
    """The months of a streak, and of a wage, are read from the scan the condition made only for a validated
    record's history, which never changes: a list changed in place between two questions is scanned again."""
    from bsu_rules.catalogue.contributions import arrears_first_month, arrears_streak
    from bsu_rules.catalogue.wages import last_wage, last_wage_month
    from bsu_rules.members import parse_member

    asked = ("2022-07", date(2022, 8, 20), 15)
    rows = [Contribution(period="2022-07")]
    assert arrears_streak(rows, *asked) == 1 and arrears_first_month(rows, *asked) == "2022-07"
    rows.insert(0, Contribution(period="2022-06"))
    assert arrears_streak(rows, *asked) == 2 and arrears_first_month(rows, *asked) == "2022-06"
    wages = [WageReport(period="2022-06", amount=3_000_000)]
    assert last_wage(wages, "2022-07") == 3_000_000 and last_wage_month(wages, "2022-07") == "2022-06"
    wages.append(WageReport(period="2022-07", amount=3_100_000))
    assert last_wage(wages, "2022-07") == 3_100_000 and last_wage_month(wages, "2022-07") == "2022-07"
    member = parse_member({"nik": "3215014107900001", "citizenship": "WNI", "participant_category": "PU",
                           "contributions": [{"period": "2022-06"}, {"period": "2022-07"}],
                           "wages": [{"period": "2022-06", "amount": 3_000_000}]})
    kept = member.contributions
    assert arrears_streak(kept, *asked) == 2 and arrears_first_month(kept, *asked) == "2022-06"
    assert arrears_first_month(kept, "2022-06", *asked[1:]) == "2022-06"  # other arguments: scanned anew
    assert arrears_streak(kept, "2022-06", *asked[1:]) == 1
    assert last_wage(member.wages, "2022-07") == 3_000_000 and last_wage_month(member.wages, "2022-05") is None
