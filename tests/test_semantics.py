"""The semantics core against every evaluator and pass: truth tables generated from it, division by
zero, and every pass over the tree failing loudly on a node kind it does not know."""

from __future__ import annotations

import decimal
import importlib.util
import itertools
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bsu_rules
from bsu_rules.counterfactual import Counterfactuals
from bsu_rules.evaluators.codegen import generate
from bsu_rules.evaluators.columnar import ColumnarPlan
from bsu_rules.evaluators.compile import compile_node
from bsu_rules.members.arrow import members_to_arrow
from bsu_rules.ruleset.checker import Scope, TypeChecker
from bsu_rules.ruleset.diagnostics import Diagnostic
from bsu_rules.ruleset.expressions import Node, Unhandled, parse, unparse
from bsu_rules.ruleset.folding import Const, Folder, truth
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.nullability import may_be_unknown, truth_values
from bsu_rules.ruleset.schema import Kind
from bsu_rules.ruleset.types import BOOL
from bsu_rules.semantics import (
    ARITHMETIC,
    COMPARISON,
    TRUTHS,
    Truth,
    binary,
    decisive,
    floor_div,
    k_and,
    k_if,
    k_not,
    k_or,
    outcome,
    rule_result,
    truth_table,
)

HAS_DURABLE = importlib.util.find_spec("durable") is not None
PACKAGE = Path(bsu_rules.__file__).parent
BASE = {"nik": "3204125708940003", "citizenship": "WNI", "participant_category": "PU"}

# Three optional member fields, each a condition that is true, false or unknown (field absent).
INPUTS = (("kpj", "1", "2"), ("name", "yes", "no"), ("work_regency_code", "1111", "1906"))
A, B, C = (f'member.{name} == "{yes}"' for name, yes, _ in INPUTS)
Value = Callable[[Truth, Truth, Truth], Truth]
RULES: dict[str, tuple[Kind, str, Value]] = {  # id -> (kind, condition, its value for inputs a, b, c)
    "and": (Kind.REQUIRE, f"{A} and {B}", lambda a, b, c: dict(truth_table("and"))[(a, b)]),
    "or": (Kind.EXCLUDE, f"{A} or {B}", lambda a, b, c: dict(truth_table("or"))[(a, b)]),
    "not": (Kind.FLAG, f"not {A}", lambda a, b, c: dict(truth_table("not"))[(a,)]),
    "if": (Kind.PRIORITIZE, f"({B}) if ({A}) else ({C})", lambda a, b, c: k_if(a, b, c)),
    # nested connectives exceed what one durable_rules condition may hold: posted whole there
    "nested": (Kind.REQUIRE, f"({A} and {B}) or {C}", lambda a, b, c: k_or((k_and((a, b)), c))),
    # a table with `unlisted: unknown` lists "1111" only: a listed key is in it, any other is unknown
    "listed": (Kind.EXCLUDE, "member.work_regency_code in table.areas", lambda a, b, c: True if c else None),
    "unlisted": (Kind.REQUIRE, "member.work_regency_code not in table.areas",
                 lambda a, b, c: k_not(True if c else None)),
}
ROWS: list[tuple[Truth, ...]] = list(itertools.product(TRUTHS, repeat=3))  # every row of every table


def rule_file(folder: Path, name: str, rules: list[tuple[str, Kind, str]]) -> Path:
    body = textwrap.dedent(f"""\
        ruleset: {name}
        version: "1"
        title: {{id: Uji, en: Test}}
        in_force: {{from: 2022-01-01}}
        as_of: 2022-07-31
        tables:
          areas: {{file: areas.csv, key: code, unlisted: unknown}}
        rules:
        """) + "".join(f"  - {{id: {rule_id}, {kind.value}: '{text}'}}\n" for rule_id, kind, text in rules) \
        + "benefit: {amount: 600000}\n"
    (folder / "areas.csv").write_text("code\n1111\n", "utf-8")
    path = folder / f"{name}.yaml"
    path.write_text(body, "utf-8")
    return path


def record(values: tuple[Truth, ...]) -> dict[str, Any]:
    out: dict[str, Any] = dict(BASE)
    for (name, yes, no), value in zip(INPUTS, values, strict=True):
        if value is not None:
            out[name] = yes if value else no
    return out


@pytest.fixture(scope="module")
def logic_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return rule_file(tmp_path_factory.mktemp("logic"), "logic", [(i, k, t) for i, (k, t, _) in RULES.items()])


@pytest.fixture(scope="module")
def logic(logic_path: Path) -> RuleSet:
    return bsu_rules.load_ruleset(logic_path)


def expected(values: tuple[Truth, ...]) -> dict[str, Truth]:
    return {rule_id: value(*values) for rule_id, (_, _, value) in RULES.items()}


def test_the_core_tables_are_kleenes() -> None:
    assert dict(truth_table("and"))[(False, None)] is False and dict(truth_table("and"))[(True, None)] is None
    assert dict(truth_table("or"))[(True, None)] is True and dict(truth_table("or"))[(False, None)] is None
    assert (decisive("and"), decisive("or")) == (False, True)
    assert [k_if(None, x, x) for x in TRUTHS] == list(TRUTHS) and k_if(None, True, False) is None


def test_scalar_follows_the_core(logic: RuleSet) -> None:
    plan = logic.plan()
    for values in ROWS:
        d = plan.decide(bsu_rules.parse_member(record(values)))
        want = {i: rule_result(RULES[i][0], v) for i, v in expected(values).items()}
        assert {r.id: r.outcome for r in d.rules} == want, values
        assert d.outcome == outcome((RULES[i][0], r) for i, r in want.items())


def test_columnar_follows_the_core(logic: RuleSet) -> None:
    table = ColumnarPlan(logic.plan()).decide(members_to_arrow([record(v) for v in ROWS]))
    for i, values in enumerate(ROWS):
        want = {r: rule_result(RULES[r][0], v) for r, v in expected(values).items()}
        assert {r: table.column(f"rule:{r}")[i].as_py() for r in RULES} == {r: str(v) for r, v in want.items()}
        assert table.column("outcome")[i].as_py() == outcome((RULES[r][0], v) for r, v in want.items()).value


@pytest.mark.skipif(not HAS_DURABLE, reason="durable_rules is not installed (the durable extra)")
def test_durable_follows_the_core(logic: RuleSet) -> None:
    from bsu_rules.evaluators.durable import DurablePlan

    durable = DurablePlan(logic.plan())
    for values in ROWS:
        conditions = durable.conditions(bsu_rules.parse_member(record(values)))
        assert dict(zip(RULES, conditions, strict=True)) == expected(values), values


def test_folding_follows_the_core_on_incomplete_tables(logic: RuleSet) -> None:
    folder, scope = Folder(logic), Scope({}, {k: t.type for k, t in logic.tables.items()}, {})
    for key, listed in (("1111", True), ("1906", None)):
        for op, want in (("in", listed), ("not in", k_not(listed))):
            tree = parse(f'"{key}" {op} table.areas')
            TypeChecker(scope, lambda *_: None).check(tree)
            assert truth(folder.fold(tree)) == {want}, unparse(tree)


def test_static_truth_values_are_exactly_what_the_rows_give(logic: RuleSet) -> None:
    for checked in logic.rules:
        seen = {expected(values)[checked.rule.id] for values in ROWS}
        assert truth_values(checked.tree, logic) == seen, checked.rule.id


# Random conditions over the same three inputs: every evaluator against the core run on the tree.
Tree = tuple[Any, ...]
ATOMS = (A, B, C)
TREES = st.recursive(
    st.builds(lambda i: ("atom", i), st.integers(0, 2)),
    lambda inner: st.one_of(
        st.builds(lambda e: ("not", e), inner),
        st.builds(lambda op, es: (op, *es), st.sampled_from(["and", "or"]), st.lists(inner, min_size=2, max_size=3)),
        st.builds(lambda t, a, b: ("if", t, a, b), inner, inner, inner)),
    max_leaves=6)


def text(tree: Tree) -> str:
    match tree:
        case ("atom", i):
            return ATOMS[i]
        case ("not", e):
            return f"not ({text(e)})"
        case ("if", t, a, b):
            return f"({text(a)}) if ({text(t)}) else ({text(b)})"
        case (op, *es):
            return f" {op} ".join(f"({text(e)})" for e in es)
    raise AssertionError(tree)


def value(tree: Tree, row: tuple[Truth, ...]) -> Truth:
    match tree:
        case ("atom", i):
            return row[i]
        case ("not", e):
            return k_not(value(e, row))
        case ("if", t, a, b):
            return k_if(value(t, row), value(a, row), value(b, row))  # type: ignore[no-any-return]
        case ("and", *es):
            return k_and(value(e, row) for e in es)
        case ("or", *es):
            return k_or(value(e, row) for e in es)
    raise AssertionError(tree)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(trees=st.lists(TREES, min_size=1, max_size=4))
def test_random_conditions_follow_the_core(trees: list[Tree], tmp_path: Path) -> None:
    ids = [f"c{i}" for i in range(len(trees))]
    rs = bsu_rules.load_ruleset(rule_file(tmp_path, "random", [(i, Kind.REQUIRE, text(t))
                                                                for i, t in zip(ids, trees, strict=True)]))
    plan = rs.plan()
    want = [[value(t, row) for t in trees] for row in ROWS]
    table = ColumnarPlan(plan).decide(members_to_arrow([record(row) for row in ROWS]))
    durable = None
    if HAS_DURABLE:
        from bsu_rules.evaluators.durable import DurablePlan

        durable = DurablePlan(plan)
    for n, row in enumerate(ROWS):
        results = [str(rule_result(Kind.REQUIRE, v)) for v in want[n]]
        member = bsu_rules.parse_member(record(row))
        assert [str(r.outcome) for r in plan.decide(member).rules] == results, row
        assert [table.column(f"rule:{i}")[n].as_py() for i in ids] == results, row
        if durable is not None:
            assert durable.conditions(member) == want[n], row
    for checked, column in zip(rs.rules, zip(*want, strict=True), strict=True):
        assert set(column) <= truth_values(checked.tree, rs), text(trees[ids.index(checked.rule.id)])


# --- division by zero --------------------------------------------------------------------------

DIVISIONS = [
    ("whole", Kind.REQUIRE, "last_wage(member.wages, 2022-07) // last_wage(member.wages, 2022-06) > 0"),
    ("exact", Kind.REQUIRE, "last_wage(member.wages, 2022-07) * 0.5 // last_wage(member.wages, 2022-06) > 0"),
]


def _wages(june: int) -> dict[str, Any]:
    return BASE | {"wages": [{"period": "2022-06", "amount": june}, {"period": "2022-07", "amount": 3_000_000}]}


@pytest.fixture(scope="module")
def division(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    return bsu_rules.load_ruleset(rule_file(tmp_path_factory.mktemp("division"), "division", DIVISIONS))


def test_columnar_division_by_zero_is_unknown(division: RuleSet) -> None:
    table = ColumnarPlan(division.plan()).decide(members_to_arrow([_wages(0), _wages(1_000_000)]))
    for rule_id, _, _ in DIVISIONS:
        assert table.column(f"rule:{rule_id}").to_pylist() == ["unknown", "pass"]


def test_scalar_and_durable_division_by_zero_is_unknown(division: RuleSet) -> None:
    plan = division.plan()
    deciders: list[Callable[..., Any]] = [plan.decide]
    if HAS_DURABLE:
        from bsu_rules.evaluators.durable import DurablePlan

        deciders.append(DurablePlan(plan).decide)
    for decide in deciders:
        for june, want in ((0, "unknown"), (1_000_000, "pass")):
            d = decide(bsu_rules.parse_member(_wages(june)))
            assert [str(r.outcome) for r in d.rules] == [want, want]


FLOORED = [  # a negative quotient rounded down (towards minus infinity) whether its operands are whole or decimal
    ("whole", Kind.REQUIRE, "(0 - last_wage(member.wages, 2022-07) - 1) // 1000000 == -4"),
    ("decimal", Kind.REQUIRE, "(0 - last_wage(member.wages, 2022-07) - 0.5) // 1000000 == -4"),
    ("exact", Kind.REQUIRE, "last_wage(member.wages, 2022-07) * 1.000000000000000001 * 1.000000000000000001 > "
                            "last_wage(member.wages, 2022-07) * 1.000000000000000002"),
]


def test_division_rounds_down_and_decimals_are_exact_in_every_evaluator(tmp_path: Path) -> None:
    """``-3000001 // 1000000`` and ``-3000000.5 // 1000000`` are both -4 (Python's Decimal // would give -3), and
    decimal arithmetic keeps every digit whatever ``decimal`` context the caller has set (28 digits would lose
    the 3.4e-30 that makes the last rule hold)."""
    rs = bsu_rules.load_ruleset(rule_file(tmp_path, "floored", FLOORED))
    plan, member = rs.plan(), bsu_rules.parse_member(_wages(1_000_000))
    want = ["pass", "pass", "pass"]
    assert [str(r.outcome) for r in plan.decide(member).rules] == want
    table = ColumnarPlan(plan).decide(members_to_arrow([_wages(1_000_000)]))
    assert [table.column(f"rule:{rule_id}")[0].as_py() for rule_id, _, _ in FLOORED[:2]] == want[:2]
    with decimal.localcontext(prec=6):  # a caller's own context changes nothing
        assert [str(r.outcome) for r in rs.plan().decide(member).rules] == want
    if HAS_DURABLE:
        from bsu_rules.evaluators.durable import DurablePlan

        assert [str(r.outcome) for r in DurablePlan(plan).decide(member).rules] == want
    assert floor_div(Decimal("-7"), 2) == floor_div(-7, 2) == -4 and floor_div(Decimal("7.5"), -2) == -4


def test_a_product_past_38_decimal_places_is_decided_exactly_by_the_columnar_evaluator(tmp_path: Path) -> None:
    """Polars' decimals hold 38 digits: a product of three 18-place decimals is decided in Python, as it
    says, not refused when the plan is built."""
    step = "(1.12 + 0.000000000000000001)"  # 18 places, no literal carrying ten digits (an account number's)
    wide = f"last_wage(member.wages, 2022-07) * {step} * {step} * {step}"
    rs = bsu_rules.load_ruleset(rule_file(tmp_path, "wide", [("wide", Kind.REQUIRE, f"{wide} > 4254000")]))
    rows = [_wages(1_000_000) | {"wages": [{"period": "2022-07", "amount": pay}]} for pay in (3_000_000, 3_100_000)]
    table = ColumnarPlan(rs.plan()).decide(members_to_arrow(rows))
    assert table.column("rule:wide").to_pylist() == ["fail", "pass"]  # 4214784.00… and 4355276.80…
    assert [str(rs.plan().decide(bsu_rules.parse_member(r)).rules[0].outcome) for r in rows] == ["fail", "pass"]


def test_folding_follows_the_core(division: RuleSet) -> None:
    folder = Folder(division)
    for op, a, b in itertools.product(list(ARITHMETIC) + list(COMPARISON), (-7, 0, 3), (-2, 0, 3)):
        tree = parse(f"{a} {op} {b}")
        TypeChecker(Scope({}, {}, {}), lambda *_: None).check(tree)
        assert folder.fold(tree) == Const(binary(op, a, b)), unparse(tree)


def test_a_constant_zero_divisor_is_refused_when_loading(tmp_path: Path) -> None:
    path = rule_file(tmp_path, "zero", [("zero", Kind.REQUIRE, "last_wage(member.wages, 2022-07) // (2 - 2) > 0")])
    with pytest.raises(bsu_rules.RuleSetError) as caught:
        bsu_rules.load_ruleset(path)
    [problem] = [d for d in caught.value.diagnostics if isinstance(d, Diagnostic) and d.severity == "error"]
    assert (problem.code, problem.line, problem.column) == ("division-by-zero", 9, 63)
    assert "other than 0" in problem.message


# --- every pass over the tree is exhaustive ----------------------------------------------------

@dataclass(eq=False)
class Strange(Node):
    """A node kind no pass knows, reading a member field (so no pass takes it for a constant)."""

    inner: Node

    def children(self) -> list[Node]:
        return [self.inner]


def strange() -> Strange:
    inner = parse('member.kpj == "1"')
    TypeChecker(Scope({}, {}, {}), lambda *_: None).check(inner)
    node = Strange(0, 0, inner)
    node.type = BOOL
    return node


def _planned(path: Path) -> Any:
    """A plan of a fresh copy of the rule set whose first rule's condition is then a Strange node."""
    plan = bsu_rules.load_ruleset(path).plan()
    object.__setattr__(plan.rules[0].checked, "tree", strange())
    return plan


def _scalar(path: Path) -> None:
    compile_node(strange(), bsu_rules.load_ruleset(path).plan().env)


def _durable(path: Path) -> None:
    from bsu_rules.evaluators.durable import DurablePlan

    DurablePlan(_planned(path))


def _prove(path: Path) -> None:
    from bsu_rules.prove.properties import Prover

    Prover(bsu_rules.load_ruleset(path)).encoder.encode(strange())


def _fresh(path: Path) -> RuleSet:
    return bsu_rules.load_ruleset(path)


PASSES: dict[str, Callable[[Path], object]] = {  # every pass over the tree; a new pass is listed here
    "constant folding": lambda path: Folder(_fresh(path)).fold(strange()),
    "table key shapes": lambda path: Folder(_fresh(path)).key_shape(strange()),
    "may_be_unknown": lambda path: may_be_unknown(strange(), _fresh(path)),
    "truth_values": lambda path: truth_values(strange(), _fresh(path)),
    "type checking": lambda path: TypeChecker(Scope({}, {}, {}), lambda *_: None).check(strange()),
    "unparse": lambda path: unparse(strange()),
    "scalar evaluator": _scalar,
    "code generator": lambda path: generate(bsu_rules.load_ruleset(path).plan().env, [], [(strange(), 1, 0, None)]),
    "counterfactual hints": lambda path: Counterfactuals(_planned(path)),
    "columnar evaluator": lambda path: ColumnarPlan(_planned(path)),
    "durable_rules translation": _durable,
    "symbolic encoding": _prove,
}
OPTIONAL = {"durable_rules translation": ("durable", "evaluators/durable.py"),
            "symbolic encoding": ("z3", "prove/encode.py")}  # pass -> (the extra it needs, its module)
PENDING: dict[str, type[BaseException]] = {  # passes that do not raise Unhandled yet: what they raise
}


def _missing(name: str) -> bool:
    return name in OPTIONAL and importlib.util.find_spec(OPTIONAL[name][0]) is None


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(raises=PENDING[n], strict=False)) if n in PENDING else n
    for n in PASSES])
def test_every_pass_refuses_an_unknown_node_kind(name: str, logic_path: Path) -> None:
    if _missing(name):
        pytest.skip(f"{OPTIONAL[name][0]} is not installed")
    with pytest.raises(Unhandled, match="has no case for Strange nodes"):
        PASSES[name](logic_path)


def test_every_pass_is_listed(logic_path: Path) -> None:
    """Each ``Unhandled(node, "...")`` in the package is reached by an entry of PASSES."""
    skipped = {OPTIONAL[n][1] for n in PASSES if _missing(n)}
    raised = set()
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).as_posix() not in skipped:
            raised |= set(re.findall(r'Unhandled\(\w+, "([^"]+)"\)', path.read_text("utf-8")))
    reached = set()
    for name, run in PASSES.items():
        if not _missing(name):
            try:
                run(logic_path)
            except Unhandled as exc:
                reached.add(exc.where)
            except Exception:  # a pass that is not exhaustive yet: its own test above says so
                pass
    assert raised <= reached, f"passes no entry of PASSES reaches: {sorted(raised - reached)}"
