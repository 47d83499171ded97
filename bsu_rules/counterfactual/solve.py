"""Exact counterfactuals: the smallest change to a member record that makes a failed criterion pass.

Conditions are analysed once per plan on the checked tree, never searched: a comparison between a
side that depends on one member field (directly or through facts) and a side that does not is
inverted exactly; ``or`` takes the cheapest side, ``and`` every failing conjunct (of bounds on
one value, the tightest), ``exclude`` the negation. Recorded facts (citizenship, registration,
death, ...) are beyond any change. Each hint is confirmed by applying it, once for each value it
names where it names several to choose from (a value another criterion excludes is not named); a
shape that cannot be solved gets no hint, never a wrong one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from bsu_rules.bounds import MIRROR
from bsu_rules.catalogue import FUNCTIONS, Inversion
from bsu_rules.counterfactual.apply import apply_changes
from bsu_rules.counterfactual.text import describe
from bsu_rules.decisions import Change, Hint, RuleOutcome, RuleResult, mask_typed
from bsu_rules.evaluators.compile import Fn, compile_node, member_getter
from bsu_rules.members import Citizenship, EmploymentType, Member, ParticipantCategory
from bsu_rules.ruleset.expressions import (
    Binary,
    BoolOp,
    Call,
    Cond,
    ListLit,
    Lit,
    Name,
    Node,
    Unary,
    Unhandled,
    unparse,
)
from bsu_rules.ruleset.schema import Kind, Text
from bsu_rules.ruleset.tables import Table
from bsu_rules.ruleset.types import DATE, INT, Type
from bsu_rules.semantics import NEGATED

if TYPE_CHECKING:
    from bsu_rules.evaluators.scalar import CompiledRule, Plan


FIXED = frozenset({"member.citizenship", "member.registered_on", "member.membership_ended_on",
                   "member.deceased_on", "member.program_receipts"})
"""Recorded facts of a member's history: no change to the record can alter them."""

_ORDER = {str(v.value): i for e in (Citizenship, ParticipantCategory, EmploymentType) for i, v in enumerate(e)}


Found = tuple[bool, list[Change]] | None  # (a change can help, the changes) or None: no hint
Solver = Callable[[Any, list[Any]], Found]


@dataclass(frozen=True)
class _Term:
    """Where inversion ends: a member field, or a call over a member history that the catalogue
    can invert (``inversion``; ``args``: its arguments after the history)."""

    field: str
    label: str
    type: Type | None
    value: Fn
    args: list[Fn]
    inversion: Inversion | None = None


def _change(field: str, subject: str, **values: Any) -> Change:
    values = {k: _sorted(v) for k, v in values.items()}  # canonical: every dict with sorted keys
    if isinstance(values.get("current"), str):  # what is on record: a NIK or account number in it masked
        values["current"] = mask_typed(values["current"])
    return Change.model_construct(field=field, subject=subject, **values)  # engine-made, JSON-safe values


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def _json(value: Any) -> Any:
    if isinstance(value, (date, Decimal)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    return value.model_dump(mode="json", exclude_none=True) if hasattr(value, "model_dump") else value


class _Analyser:
    """Builds, once per plan, a solver for each condition shape it can invert."""

    def __init__(self, plan: Plan) -> None:
        self.env, self.facts, self.deps = plan.env, plan.ruleset.facts, plan.ruleset.member_reads

    def build(self, node: Node, want: bool) -> Solver | None:
        solver: Solver | None
        match node:
            case Unary(op="not"):
                return self.build(node.operand, not want)
            case BoolOp():
                return self._bool(node, want)
            case Binary() if node.op in NEGATED:
                solver = self._compare(node, want)
            case Binary() | Unary() | Lit() | Name() | Call() | ListLit() | Cond():
                solver = None  # no inversion of its own; a recorded fact is still stated below
            case _:
                raise Unhandled(node, "counterfactual")
        deps = self.deps(node)
        if deps and all(d in FIXED for d in deps):
            fixed, inverse = self._fixed(deps), solver
            return fixed if inverse is None else (lambda m, f: inverse(m, f) or fixed(m, f))
        return solver

    def _bool(self, node: BoolOp, want: bool) -> Solver:
        parts = [(compile_node(o, self.env), self.build(o, want)) for o in node.operands]
        every = (node.op == "and") == want  # every operand must become `want`, else any one will do

        def solve(m: Any, f: list[Any]) -> Found:
            found: list[Found] = []
            for value, solver in parts:
                v = value(m, f)
                if v is None and every:  # unknown: only a change that settles it whatever is unknown will do
                    settled = solver(m, f) if solver else None  # (an `or` made true by a known operand)
                    if settled is None or not settled[0]:
                        return None
                    found.append(settled)
                    continue
                if v is not want:
                    found.append(solver(m, f) if solver else None)
            stuck = [x for x in found if x is not None and not x[0]]
            if (every and stuck) or (not every and found and len(stuck) == len(found)):
                return False, [n for x in stuck for n in x[1]]
            if every:
                return None if any(x is None for x in found) else \
                    (True, _tightest([n for x in found if x for n in x[1]]))
            options = [x[1] for x in found if x is not None and x[0]]
            return (True, _cheapest(options)) if options else None
        return solve

    def _compare(self, node: Binary, want: bool) -> Solver | None:
        op = node.op if want else NEGATED[node.op]
        all_fixed = all(d in FIXED for d in self.deps(node))
        for subject, other, flip in ((node.left, node.right, False), (node.right, node.left, True)):
            fields = self.deps(subject)
            if len(fields) != 1 or fields[0] in self.deps(other) or (fields[0] in FIXED and not all_fixed) \
                    or (flip and op in ("in", "not in")):
                continue
            term = self._term(subject)
            if term is not None:
                return _solver(term, compile_node(other, self.env), MIRROR[op] if flip else op)
        return None

    def _term(self, node: Node) -> _Term | None:
        """Follow facts down to the member field, or the history call, the value comes from."""
        label: str | None = None
        value = compile_node(node, self.env)  # a fact's slot, not a second computation
        while isinstance(node, Name) and node.parts[0] == "fact":
            label, node = label or node.dotted, self.facts[node.parts[1]]
        match node:
            case Name() if node.parts[0] == "member":
                return _Term(node.dotted, node.dotted, node.type, value, [])
            case Call():
                inversion = FUNCTIONS[node.func.dotted].inversion if node.func.dotted in FUNCTIONS else None
                if inversion is None or len(node.args) != inversion.arity:
                    return None
                head, *rest = node.args
                if not (isinstance(head, Name) and head.dotted == inversion.field) or any(self.deps(a) for a in rest):
                    return None
                return _Term(inversion.field, label or unparse(node), node.type, value,
                             [compile_node(a, self.env) for a in rest], inversion)
            case Name() | Lit() | ListLit() | Unary() | Binary() | BoolOp() | Cond():
                return None  # a parameter, a constant or a computed value: nothing to change
            case _:
                raise Unhandled(node, "counterfactual")

    @staticmethod
    def _fixed(deps: list[str]) -> Solver:
        getters = [(d, member_getter(tuple(d.split(".")[1:]))) for d in deps]
        return lambda m, f: (False, [_change(d, d, current=_json(g(m))) for d, g in getters])


def _tightest(changes: list[Change]) -> list[Change]:
    """Bounds on one value that must all hold, as the tightest of them: the wage at most Rp4.200.000
    and at most Rp4.900.000 is one change, at most Rp4.200.000."""
    out: list[Change] = []
    for c in changes:
        same = next((i for i, o in enumerate(out) if (o.field, o.subject, o.op) == (c.field, c.subject, c.op)
                     and c.op in ("<=", ">=")), None)
        if same is None:
            out.append(c)
            continue
        new, old = c.required, out[same].required  # whole rupiah, or a day written YYYY-MM-DD
        lower = new < old if isinstance(new, int) and isinstance(old, int) else \
            new < old if isinstance(new, str) and isinstance(old, str) else None
        if lower is not None and lower == (c.op == "<="):
            out[same] = c
    return out


def _cheapest(options: list[list[Change]]) -> list[Change]:
    """Fewest changes; among numeric changes of the same field, the smallest distance; else the first."""
    fewest = min(len(o) for o in options)
    options = [o for o in options if len(o) == fewest]
    if len({tuple(c.field for c in o) for o in options}) == 1 and all(
            type(c.current) is int and type(c.required) is int for o in options for c in o):
        return min(options, key=lambda o: sum(abs(int(str(c.required)) - int(str(c.current))) for c in o))
    return options[0]


def _solver(term: _Term, other: Fn, op: str) -> Solver:
    fixed = term.field in FIXED

    def solve(m: Any, f: list[Any]) -> Found:
        bound, current = other(m, f), term.value(m, f)
        if bound is None or current is None:
            return None
        if op in ("in", "not in") or (term.type is not None and term.type.name == "str"):
            return _choose(term, op, bound, current, fixed)
        goal = _tighten(op, bound, term.type)
        if goal is None or not _violates(current, *goal):
            return None
        rel, target = goal
        if term.inversion is not None:
            patch = term.inversion.patch(target, rel, [a(m, f) for a in term.args], m)
        else:
            patch = None if fixed else {"set": _json(target)}
        if patch is None and (term.inversion is not None or not fixed):
            return None
        change = _change(term.field, term.label, op=rel, current=_json(current), required=_json(target), patch=patch)
        return patch is not None, [change]
    return solve


def _tighten(op: str, bound: Any, kind: Type | None) -> tuple[str, Any] | None:
    """The same relation with an attainable bound: whole days, whole rupiah."""
    if isinstance(bound, date) and kind == DATE:
        day = timedelta(days=1)
        return {"<": ("<=", bound - day), ">": (">=", bound + day)}.get(op, (op, bound)) if op != "!=" else None
    if kind != INT or isinstance(bound, bool) or not isinstance(bound, (int, Decimal)):
        return None
    b = Fraction(bound)
    return {"<=": ("<=", math.floor(b)), "<": ("<=", math.ceil(b) - 1), ">=": (">=", math.ceil(b)),
            ">": (">=", math.floor(b) + 1), "==": ("==", int(b)) if b.denominator == 1 else None}.get(op)


def _violates(current: Any, op: str, target: Any) -> bool:
    return not (current <= target if op == "<=" else current >= target if op == ">=" else current == target)


def _choose(term: _Term, op: str, other: Any, current: Any, fixed: bool) -> Found:
    """Values of a text field that pass: those named in the rule, or the field's other choices."""
    named = list(other.keys) if isinstance(other, Table) else list(other) if op in ("in", "not in") else [other]
    choices = term.type.choices if term.type else None
    if op in ("!=", "not in"):
        if choices is None:
            return None
        named = [c for c in choices if c not in named]
    allowed = sorted({v for v in named if choices is None or v in choices}, key=lambda v: (_ORDER.get(v, 99), v))
    if not allowed or current in allowed:
        return None
    return not fixed, [_one_of(term.field, term.label, _json(current), allowed, settable=not fixed)]


def _one_of(field: str, subject: str, current: Any, values: list[Any], settable: bool = True) -> Change:
    """The field set to one of ``values`` (``==`` if just one); the patch sets the first."""
    one = len(values) == 1
    return _change(field, subject, op="==" if one else "in", current=current,
                   required=values[0] if one else values, patch={"set": values[0]} if settable else None)


def _alternatives(c: Change) -> list[Any] | None:
    """The values a change offers to choose from (a field set to one of several), or None."""
    if c.op == "in" and isinstance(c.required, list) and isinstance(c.patch, dict) and "set" in c.patch:
        return list(c.required)
    return None


# --- per plan ---------------------------------------------------------------------------------


class Counterfactuals:
    """The solvers of one plan; ``annotate`` adds a hint to each failed criterion it can solve."""

    def __init__(self, plan: Plan) -> None:
        self.plan, reads = plan, plan.ruleset.member_reads
        analyser = _Analyser(plan)
        self.solvers = [analyser.build(r.checked.tree, r.kind is Kind.REQUIRE)
                        if r.kind in (Kind.REQUIRE, Kind.EXCLUDE) else None for r in plan.rules]
        self.reads = [set(reads(r.checked.tree)) for r in plan.rules]
        trees = {slot.index: slot.node for slot in plan.slots}
        self.slots: dict[str, list[int]] | None = None  # member field -> fact slots to recompute
        if sorted(trees) == list(range(len(plan.facts))):
            self.slots = {}
            for slot, tree in sorted(trees.items()):
                for field in reads(tree):
                    self.slots.setdefault(field, []).append(slot)

    def annotate(self, member: Member, facts: list[Any], outcomes: list[RuleOutcome],
                 unknown: bool) -> list[RuleOutcome]:
        out = list(outcomes)
        failing = [i for i, o in enumerate(out[:len(self.solvers)]) if o.outcome is RuleResult.FAIL]
        for i in failing:
            solver = self.solvers[i]
            try:
                found = solver(member, facts) if solver else None
                hint = self._hint(i, member, facts, found, len(failing) == 1 and not unknown) if found else None
            except (ArithmeticError, TypeError, ValueError):
                hint = None  # a hint is never worth a failed decision
            if hint is not None:
                out[i] = out[i].model_copy(update={"hint": hint})
        return out

    def _hint(self, i: int, member: Member, facts: list[Any], found: tuple[bool, list[Change]],
              alone: bool) -> Hint | None:
        possible, changes = found
        changes = [c for k, c in enumerate(changes) if c not in changes[:k]]  # a field a condition reads twice: once
        sufficient = False
        if possible:  # confirmed by applying; "eligible" only if no criterion reading the fields then fails
            fields, rule = {c.field for c in changes}, self.plan.rules[i]
            met = self._narrow(member, facts, changes, lambda m, f: _passes(rule, m, f))
            if met is None:
                return None
            rules = [r for r, read in zip(self.plan.rules, self.reads, strict=True) if read & fields]
            eligible = self._narrow(member, facts, met, lambda m, f: all(_passes(r, m, f) for r in rules)) \
                if alone else None
            sufficient, changes = eligible is not None, eligible or met
        g = self.plan.renderer.glossary
        text = Text.model_construct(id=describe(changes, possible, sufficient, "id", g),
                                    en=describe(changes, possible, sufficient, "en", g))
        return Hint.model_construct(possible=possible, sufficient=sufficient, changes=changes, text=text)

    def _narrow(self, member: Member, facts: list[Any], changes: list[Change],
                holds: Callable[[Member, list[Any]], bool]) -> list[Change] | None:
        """The changes, each list of values to choose from cut to those that, applied with the other
        changes, make ``holds`` true (each patch the first kept); None if one is left with none or the
        changes together fail. Repeated until no list shrinks, so every value named was checked."""
        fields = {c.field for c in changes}

        def check(cs: list[Change]) -> bool:
            changed = apply_changes(member, cs)
            return holds(changed, self._refresh(changed, facts, fields))

        while True:
            narrowed = list(changes)
            for k, c in enumerate(changes):
                values = _alternatives(c)
                if values is not None:
                    kept = [v for v in values if check([*changes[:k], _one_of(c.field, c.subject, c.current, [v]),
                                                        *changes[k + 1:]])]
                    if not kept:
                        return None
                    narrowed[k] = c if kept == values else _one_of(c.field, c.subject, c.current, kept)
            if narrowed == changes:
                return changes if check(changes) else None
            changes = narrowed

    def _refresh(self, member: Member, facts: list[Any], fields: set[str]) -> list[Any]:
        """The fact values after a change: only the slots that read a changed field are recomputed."""
        if self.slots is None:
            return self.plan.fact_values(member)
        out = list(facts)
        for slot in sorted({s for field in fields for s in self.slots.get(field, ())}):
            out[slot] = self.plan.facts[slot](member, out)
        return out


def _passes(r: CompiledRule, member: Member, facts: list[Any]) -> bool:
    if r.kind not in (Kind.REQUIRE, Kind.EXCLUDE):
        return True
    return r.condition(member, facts) is (r.kind is Kind.REQUIRE)
