"""The generated function means what the closures mean, and its guards hold against hostile rule files."""

from __future__ import annotations

import ast
import functools
import json
import re
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import ANCHORS, members

import bsu_rules
from bsu_rules.bounds import AtLeast
from bsu_rules.decisions import RuleResult
from bsu_rules.evaluators.codegen import REMEMBERED, generate, remembered, remembered_texts
from bsu_rules.evaluators.compile import compile_node
from bsu_rules.evaluators.scalar import Plan, jsonable
from bsu_rules.evaluators.whitelist import FIELDS, UnsafeCode, check
from bsu_rules.members import parse_member
from bsu_rules.ruleset.expressions import Unhandled
from bsu_rules.ruleset.loader import check_file
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.semantics import rule_result

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = {"bsu-2020": ANCHORS[0], "bsu-2021": ANCHORS[1], "bsu-2022": ANCHORS[2], "bsu-2025": ANCHORS[3]}


def closures(plan: Plan, member: Any) -> tuple[list[Any], list[RuleResult]]:
    """The reference: the closures' fact slots, and each rule's result from its condition."""
    facts = plan.fact_values(member)
    return facts, [rule_result(r.kind, r.condition(member, facts)) for r in plan.rules]


@pytest.mark.parametrize("edition", sorted(EDITIONS))
def test_every_bundled_plan_is_generated(edition: str) -> None:
    ruleset = bsu_rules.load_ruleset(edition)
    for day in [ruleset.default_on, *EDITIONS[edition][2]]:
        plan = ruleset.plan(day)
        assert plan.core is not None, f"{edition} on {day}: the closures were kept"


@functools.cache
def _plans(edition: str) -> tuple[RuleSet, dict[date, Plan]]:
    """An edition's rule set and its plan on each of its days, as the engine keeps them: for every member."""
    ruleset = bsu_rules.load_ruleset(edition)
    return ruleset, {day: ruleset.plan(day) for day in {ruleset.default_on, *EDITIONS[edition][2]}}


@pytest.mark.parametrize("edition", sorted(EDITIONS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_the_generated_functions_mean_what_the_closures_mean(edition: str, data: st.DataObject) -> None:
    """The core (slots and results), the channel, and the three trace readers."""
    cutoff, as_of, _ = EDITIONS[edition]
    ruleset, plans = _plans(edition)  # loaded and planned once, not again for each member drawn
    member = parse_member(data.draw(members(cutoff, as_of)))
    for plan in plans.values():
        assert plan.core is not None
        assert plan.core(member) == closures(plan, member)
        facts = plan.fact_values(member)
        if ruleset.channel is not None:
            assert plan.channel is not None and plan.channel(member, facts) == compile_node(ruleset.channel, plan.env)(
                member, facts)
        columns = plan.json_parts.columns
        row = [get(member, facts) for get in columns.getters]
        assert member.nik not in row  # shown masked
        for i, r in enumerate(plan.rules):  # each criterion's own labels, as read (what an unknown one lacks)
            own = columns.own(plan, i)[0]
            assert hasattr(own, "source"), "the closures were kept"
            assert own(member, facts) == [get(member, facts) for _, get in r.trace]
        assert hasattr(columns.read_shown, "source")
        assert columns.read_shown(member, facts) == [jsonable(v) for v in row]  # as the trace shows it
        assert hasattr(columns.read_written, "source")
        assert columns.read_written(member, facts) == [orjson.dumps(jsonable(v)) for v in row]  # as JSON text
        assert hasattr(columns.read_values, "source")
        assert columns.read_values(member, facts) == columns._from_row(member, facts)  # each criterion's values
        assert hasattr(columns.read_outcomes, "source")
        decided = plan.decide(member)
        built = columns.read_outcomes(member, facts, decided.__pydantic_private__["recorder"].results)
        in_force = decided.rules[:len(plan.rules)]  # then those out of force
        assert [o.__dict__["values"] for o in built] == [r.values for r in in_force]
        assert [(o.id, o.outcome, o.source, o.basis, o.kind) for o in built] == [
            (r.id, r.outcome, r.source, r.basis, r.kind) for r in in_force]
        assert all(o.missing == [] and o.explain is None for o in built)  # built quiet: the rest filled in after
        assert len({id(o.missing) for o in built}) == len(built)  # each its own list


def test_the_text_holds_nothing_from_the_rule_file() -> None:
    plan = bsu_rules.load_ruleset("bsu-2022").plan()
    columns = plan.json_parts.columns
    for generated in (plan.core, columns.read_shown, columns.read_written, columns.read_outcomes,
                      *(columns.own(plan, i)[0] for i in range(len(plan.rules)))):
        source: str = generated.source  # type: ignore[union-attr]
        names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", source))
        allowed = {"def", "core", "m", "f", "r", "None", "True", "False", "if", "elif", "else", "is", "not", "and",
                   "or", "in", "return"} | FIELDS
        assert {n for n in names if not re.fullmatch(r"[stK][0-9]+", n)} <= allowed
        assert "'" not in source and '"' not in source and not re.search(r"(?<![A-Za-z0-9_])[0-9]", source)


INJECTIONS = [
    "__import__('os').system('touch /tmp/pwned')",
    "'); import os; os.system('id'); ('",
    "return 0",
    "K0(m)",
    "exec(compile('1', 'x', 'exec'))",
]


def _citizen_rule(tmp_path: Path, condition: str) -> RuleSet:
    """The 2022 rule set with the citizenship criterion's condition replaced."""
    rules = tmp_path / "rules"
    # no glossary beside it: the words its odd literals lack are warnings, and the rule set loads
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("tests", "glossary"))
    path = rules / "bsu-2022.yaml"
    text = path.read_text("utf-8")
    before = '    require: member.citizenship == "WNI"\n'
    assert before in text
    path.write_text(text.replace(before, f"    require: |-\n      {condition}\n"), "utf-8")
    ruleset, diagnostics = check_file(path)
    assert ruleset is not None, [str(d) for d in diagnostics]
    return ruleset


def test_a_bound_is_looked_for_only_where_a_table_with_bound_rows_is_read() -> None:
    """2022's minimum-wage table has lower-bound rows: the ceiling it gives is checked for a bound before it
    is compared; the wage and the arrears, read from the member alone, are compared as they are."""
    from bsu_rules.bounds import AtLeast

    plan = bsu_rules.load_ruleset("bsu-2022").plan(date(2022, 9, 5))
    assert plan.core is not None
    source: str = plan.core.source  # type: ignore[attr-defined]
    at_least = next(name for name, value in plan.core.__globals__.items() if value is AtLeast)
    checked = set(re.findall(rf"\(([st][0-9]+)\) is {at_least}", source))
    slot = {s.label: f"s{s.index}" for s in plan.slots}
    assert slot["fact.regional_minimum"] in checked and slot["fact.ceiling"] in checked
    assert slot["fact.wage"] not in checked and slot["fact.arrears"] not in checked


def _injected(tmp_path: Path) -> RuleSet:
    """The 2022 rule file with Python code in the string literals of one condition."""
    attempts = " or ".join(f'member.name == "{s}"' for s in INJECTIONS[:-2])
    return _citizen_rule(tmp_path, f'(member.citizenship == "WNI" or member.employer.name in ["{INJECTIONS[-2]}", '
                                   f'"{INJECTIONS[-1]}"] or {attempts}) and member.name != "{INJECTIONS[0]}"')


def test_code_in_a_rule_file_is_a_value_never_code(tmp_path: Path) -> None:
    ruleset = _injected(tmp_path)
    plan = ruleset.plan(date(2022, 9, 5))
    assert plan.core is not None
    source: str = plan.core.source  # type: ignore[attr-defined]
    held = [v for v in plan.core.__globals__.values() if isinstance(v, (str, tuple))]
    for attempt in INJECTIONS:
        assert attempt not in source
        assert any(attempt == v or (isinstance(v, tuple) and attempt in v) for v in held)  # a value named K<n>
    assert not {"os", "exec", "import", "system", "compile"} & set(re.findall(r"[a-z_]+", source))
    example = parse_member(json.loads((ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0]))
    assert plan.core(example) == closures(plan, example)
    columns = plan.json_parts.columns
    for reader in (columns.read_shown, columns.read_written, *(columns.own(plan, i)[0]
                                                               for i in range(len(plan.rules)))):
        assert not [a for a in INJECTIONS if a in reader.source]  # type: ignore[attr-defined]
    assert plan.decide(example).to_json() == plan.decide(example).model_dump_json()
    assert not Path("/tmp/pwned").exists()


@pytest.mark.parametrize(("text", "why"), [
    ("import os\ndef core(m):\n    return [], ()\n", "the one function"),
    ("def core(m, x):\n    return [], ()\n", "the one function"),
    ("def core(m):\n    return [m.__class__], ()\n", "attribute '__class__'"),
    ("def core(m):\n    return [m.wages.__len__], ()\n", "attribute '__len__'"),
    ("def core(m):\n    return [open], ()\n", "names 'open'"),
    ("def core(m):\n    return [K9(m)], ()\n", "names 'K9'"),
    ("def core(m):\n    return ['x'], ()\n", "the literal 'x'"),
    ("def core(m):\n    return [1], ()\n", "the literal 1"),
    ("def core(m):\n    return [(lambda: 0)()], ()\n", "Lambda"),
    ("def core(m):\n    t1 = [x for x in m.wages]\n    return [t1], ()\n", "ListComp"),
    ("def core(m):\n    return [m.wages[0]], ()\n", "indexes"),
    ("def core(m):\n    import os\n    return [], ()\n", "Import"),
    ("def core(m):\n    return [K0(m)(m)], ()\n", "calls"),
    ("def core(m):\n    return [{**m.employer}], ()\n", "dict whose keys"),
    ("def core(m):\n    return [{m.nik: 0}], ()\n", "dict whose keys"),
    ("def core(m):\n    t1 = m.nik\n    return [{t1: m}], ()\n", "dict whose keys"),
    ("def core(m, f, x):\n    return [], ()\n", "the one function"),
    ("def core(m, f):\n    f[K0] = m\n    return [], ()\n", "indexes"),
    ("def core(m, f):\n    t1 = {}\n    t1[m] = m\n    return [], ()\n", "indexes"),
    ("def core(m, f):\n    t1 = {}\n    t2 = t1[K0]\n    return [], ()\n", "indexes"),
    ("def core(m, f):\n    K0[K0] = m\n    return [], ()\n", "indexes"),
])
def test_the_whitelist_refuses_what_the_generator_never_writes(text: str, why: str) -> None:
    with pytest.raises(UnsafeCode, match=re.escape(why)):
        check(ast.parse(text), {"K0": len})


def test_the_whitelist_lets_a_built_dict_be_given_a_constant_key() -> None:
    check(ast.parse("def core(m, f, r):\n    t1, = r\n    t2 = {}\n    t2[K0] = t1\n    return [t2]\n"), {"K0": len})


def test_an_outcome_is_built_the_same_whether_generated_or_not() -> None:
    plan = bsu_rules.load_ruleset("bsu-2022").plan(date(2022, 9, 5))
    loop = bsu_rules.load_ruleset("bsu-2022").plan(date(2022, 9, 5))
    loop.json_parts.columns.read_outcomes = None  # the loop a plan keeps where the function is not generated
    for example in EXAMPLES:
        for hints in (False, True):
            ours, theirs = plan.decide(example, hints=hints), loop.decide(example, hints=hints)
            assert [r.__dict__ for r in ours.rules] == [r.__dict__ for r in theirs.rules]
            assert ours.model_dump_json() == theirs.model_dump_json() == ours.to_json()


def test_a_fact_the_conditions_do_not_compute_keeps_the_closures() -> None:
    ruleset = bsu_rules.load_ruleset("bsu-2022")
    plan = ruleset.plan()
    later = [s.node for s in plan.slots]
    with pytest.raises(Unhandled):  # the facts read slots not computed yet
        generate(plan.env, later[:1], [(ruleset.facts[name], True, False, None) for name in ruleset.facts])


def test_a_tree_too_deep_to_write_out_keeps_the_closures(tmp_path: Path) -> None:
    chain = " or ".join(f'member.name == "{i}"' for i in range(150))
    ruleset = _citizen_rule(tmp_path, f'{chain} or member.citizenship == "WNI"')
    plan = ruleset.plan(date(2022, 9, 5))
    assert plan.core is None
    example = parse_member(json.loads((ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0]))
    decided, reference = plan.decide(example), bsu_rules.load_ruleset("bsu-2022").plan(date(2022, 9, 5)).decide(example)
    assert [(r.id, r.outcome) for r in decided.rules] == [(r.id, r.outcome) for r in reference.rules]
    assert decided.outcome == reference.outcome == "eligible"


EXAMPLES = [parse_member(json.loads(line)) for line in
            (ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("condition", [
    'member.citizenship == "WNI" and true', 'member.citizenship == "WNI" or false',
    'member.citizenship == "WNI" and false', 'member.citizenship == "WNI" or true',
    'true and member.citizenship == "WNI"', 'false or member.citizenship == "WNI" or false',
    'member.citizenship == "WNI" and (member.name if true else member.kpj) != "x"',
])
def test_constant_operands_are_settled_while_generating(tmp_path: Path, condition: str) -> None:
    plan = _citizen_rule(tmp_path, condition).plan(date(2022, 9, 5))
    assert plan.core is not None
    for member in EXAMPLES:
        assert plan.core(member) == closures(plan, member)


def test_nested_conditionals_grow_the_code_linearly(tmp_path: Path) -> None:
    arms = " else ".join(f'"{i}" if member.employer.sector == "{chr(65 + i)}"' for i in range(16))
    plan = _citizen_rule(tmp_path, f'({arms} else "Z") == member.citizenship').plan(date(2022, 9, 5))
    assert plan.core is not None
    assert len(plan.core.source.splitlines()) < 400  # type: ignore[attr-defined]  # each branch written once
    for member in EXAMPLES:
        assert plan.core(member) == closures(plan, member)


def test_a_field_or_a_call_computed_where_it_can_be_read_is_not_computed_again(tmp_path: Path) -> None:
    """2022's wage ceiling reads the work area and its province in several facts: each is read once where every
    later reading can use it, and the highest ceiling (`highest_for`, a dozen lookups) is worked out once; a
    value computed inside one branch is never read in another."""
    source: str = bsu_rules.load_ruleset("bsu-2022").plan(date(2022, 9, 5)).core.source  # type: ignore[union-attr]
    top = [line for line in source.splitlines() if line.startswith("    ") and not line.startswith("     ")]
    assert sum("= m.work_regency_code" in line for line in top) == 1
    calls = re.findall(r"= (K\d+\(t\d+(?:, K\d+)*\))", "\n".join(top))  # highest_for(code, table, 0) among them
    assert len(calls) > 3 and len(set(calls)) == len(calls)  # none written twice with the same arguments
    arms = " else ".join(f'"{i}" if member.employer.sector == "{chr(65 + i)}"' for i in range(4))
    plan = _citizen_rule(tmp_path, f'({arms} else member.employer.sector) == member.citizenship').plan(date(2022, 9, 5))
    assert plan.core is not None
    for member in EXAMPLES:
        assert plan.core(member) == closures(plan, member)


def test_a_function_of_few_values_is_remembered_for_each_value_and_type() -> None:
    """``regency``, ``highest_for``, ``round_up`` and ``bank_key`` are called with the one argument that is
    not a constant; each value is worked out once, an equal value of another type on its own."""
    source: str = bsu_rules.load_ruleset("bsu-2022").plan(date(2022, 9, 5)).core.source  # type: ignore[union-attr]
    assert re.search(r"= K\d+\[t\d+\]\n", source)  # highest_for(code, table, 0) given the code alone: a text, looked up
    seen: list[Any] = []

    def fn(a: Any, b: Any) -> Any:
        seen.append(a)
        return type(a).__name__, a + b

    call = remembered(fn, [None, 1], 0)
    assert [call(1), call(1), call(Decimal(1)), call(True)] == [("int", 2), ("int", 2), ("Decimal", 2), ("bool", 2)]
    assert seen == [1, Decimal(1), True]
    echo = remembered(lambda a, b: a, [None, 0], 0)  # a result may be the value itself: a decimal as written
    assert str(echo(Decimal("4791843.90"))) == "4791843.90" and str(echo(Decimal("4791843.9"))) == "4791843.9"
    bounds_read = [echo(AtLeast(Decimal(3958444), (f"table.minimum_wage[{code}]",))).rows for code in (9109, 9404)]
    assert bounds_read == [("table.minimum_wage[9109]",), ("table.minimum_wage[9404]",)]  # equal bounds, each its own
    assert remembered(lambda a: len(a), [None], 0)([1, 2]) == 2  # a list: computed
    counted: list[Decimal] = []
    whole = remembered(lambda a: counted.append(a) or int(a), [None], 0, whole=True)  # by the decimal's value
    assert whole(Decimal("2.0")) == whole(Decimal("2.00")) == 2 and counted == [Decimal("2.0")]
    for i in range(REMEMBERED + 5):
        call(i)
    assert call(REMEMBERED + 4) == ("int", REMEMBERED + 5) and seen.count(REMEMBERED + 4) == 1


def test_a_function_of_a_text_is_looked_up_by_the_text_and_called_for_anything_else() -> None:
    """A remembering call site whose varying argument is a text is indexed by it: each text worked out once and
    kept (all forgotten past ``REMEMBERED``); unknown and a subclass of text (an enumeration's member) not met as a
    text go to the call site, which works the subclass out each time, as for any value but a plain text (one equal
    to a text met reads that text's result: a function of values alone gives equal texts the same)."""
    import enum

    class Kind(enum.StrEnum):
        A = "3215"

    seen: list[Any] = []

    def fn(a: Any, b: Any) -> Any:
        seen.append(a)
        return None if a is None else (type(a).__name__, a[:2] + b)

    texts = remembered_texts(fn, [None, "!"], 0)
    assert [texts[Kind.A], texts[Kind.A], texts[None], texts["3215"], texts["3215"], texts[Kind.A]] == [
        ("Kind", "32!"), ("Kind", "32!"), None, ("str", "32!"), ("str", "32!"), ("str", "32!")]
    assert seen == [Kind.A, Kind.A, None, "3215"] and list(texts) == ["3215"]  # only the plain text kept
    for i in range(REMEMBERED + 5):
        texts[f"{i:04d}"]
    last = f"{REMEMBERED + 4:04d}"
    assert len(texts) <= REMEMBERED and texts[last] == ("str", last[:2] + "!") and seen.count(last) == 1


def test_a_decisions_values_are_its_own() -> None:
    """A list the rules fix for every member (the state banks a channel reads) and the parameters read are
    each decision's own: changing them in one decision changes no other, nor the plan."""
    for ruleset, on in [("bsu-2022", None), ("bsu-2021", date(2021, 11, 8))]:  # 2021: the PPKM rule out of force
        plan = bsu_rules.load_ruleset(ruleset).plan(on)
        decisions = [plan.decide(member) for member in EXAMPLES]
        changed = 0
        for d in decisions:
            d.parameters.pop("cutoff_month")
            if d.benefit is not None:
                d.benefit.instalments.append(999)
            for r in d.rules:
                r.missing.append("CHANGED")
            for each in [d.channel_values or {}, {k: p.value for k, p in d.parameters.items()},
                         *(r.values for r in d.rules)]:
                for value in each.values():
                    if isinstance(value, list):
                        value.append("CHANGED")
                        changed += 1
        assert changed and (ruleset != "bsu-2022" or any(d.benefit for d in decisions))
        assert ruleset == "bsu-2022" or any(r.outcome == RuleResult.NOT_IN_FORCE for r in decisions[0].rules)
        for member in EXAMPLES:
            later = plan.decide(member)
            assert "CHANGED" not in later.to_json() and "CHANGED" not in later.model_dump_json()
            digest = later.member.input_sha256  # hexadecimal, which may hold a 999 of its own
            assert "999" not in later.to_json().replace(digest, "") and "999" not in later.model_dump_json().replace(
                digest, "")
            assert "cutoff_month" in later.parameters and later.to_json() == later.model_dump_json()


@pytest.mark.parametrize("failures", [1, 99])
def test_a_disturbed_syntax_tree_counter_retries_then_falls_back_to_closures(monkeypatch: pytest.MonkeyPatch,
                                                                           failures: int) -> None:
    """CPython 3.11 raises SystemError ("AST constructor recursion depth mismatch") when another thread
    converts a syntax tree meanwhile: the plan is compiled again, or decides with closures, never fails."""
    real, left = ast.parse, [failures]

    def disturbed(text: str) -> ast.Module:
        if left[0]:
            left[0] -= 1
            raise SystemError("AST constructor recursion depth mismatch (before=168, after=112)")
        return real(text)

    monkeypatch.setattr("bsu_rules.evaluators.whitelist.ast.parse", disturbed)
    rs = bsu_rules.load_ruleset("bsu-2022")
    plan = Plan(rs, rs.default_on)
    assert (plan.core is not None) == (failures == 1)
    member = parse_member(json.loads((Path(__file__).resolve().parents[1] / "examples" / "members.jsonl")
                                     .read_text("utf-8").splitlines()[0]))
    assert plan.decide(member).to_json() == rs.plan().decide(member).to_json()
