"""Encode a checked expression tree, and a rule set's outcome, as solver terms.

Every node kind is handled (a new one raises Unhandled), or refused where it has no encoding
(ProveError): ``and``/``or`` follow Kleene exactly (a value and a known flag each), comparisons
with an unknown side are unknown, an ``if`` with an unknown test is known only where both branches
agree. A number from a lower-bound table row carries a bound flag through every operation exactly
as ``bsu_rules.bounds`` states. A subtree that reads nothing from the member is computed by the
scalar evaluator's own code and lifted as a constant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import z3

from bsu_rules.bounds import MIRROR, AtLeast
from bsu_rules.catalogue import FUNCTIONS, Function
from bsu_rules.evaluators.compile import compile_node
from bsu_rules.prove.functions import EXACT, KEEPS_BOUNDS
from bsu_rules.prove.inputs import Inputs
from bsu_rules.prove.symbols import FALSE, TRUE, ProveError, Sym, Term, choose, either, lift, numeric
from bsu_rules.ruleset.checker import Scope, TypeChecker
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
    parse,
    walk,
)
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.schema import Kind
from bsu_rules.ruleset.tables import Table
from bsu_rules.ruleset.types import BOOL, DECIMAL, INT, STR, Type

_KINDS = {BOOL.name: "bool", INT.name: "int", DECIMAL.name: "real", STR.name: "str"}
_COMPARE = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}


def check_text(text: str, ruleset: RuleSet, extra: dict[str, Type]) -> Node:
    """Parse and type-check an expression that may also read the names in ``extra``."""
    scope = Scope(ruleset.param_types, {k: t.type for k, t in ruleset.tables.items()},
                  {k: "" for k in ruleset.facts}, {k: t.type for k, t in ruleset.facts.items() if t.type})
    problems: list[tuple[int, str]] = []
    checker = TypeChecker(scope, lambda at, code, message, hint: problems.append(
        (at, f"{message}{f'; did you mean `{hint}`?' if hint else ''} (at character {at + 1})")))
    checker.names.update(extra)
    tree = parse(text)
    checker.check(tree)
    if problems:
        raise ProveError(f"`{text.strip()}`: " + "; ".join(message for _, message in problems), offset=problems[0][0])
    return tree


@cache
def _relation(function: Function, text: str, ruleset: RuleSet, result: Type) -> Node:
    names = dict(zip(function.abstract.names if function.abstract else (), (p[0] for p in function.params),
                     strict=False))
    others = {f"other_{k}": v for k, v in names.items()}
    return check_text(text, ruleset, {"result": result, "before": result, "other": result, **names, **others})


def _condition(holds: Sym) -> Sym:
    """A rule's condition as a truth: one that is unknown whatever the member (a constant such as
    ``regency("3200", table.t)``) is a false that is never known."""
    return Sym("bool", z3.BoolVal(False), FALSE) if holds.kind == "none" else holds


@dataclass(frozen=True)
class RuleSym:
    id: str
    kind: Kind
    holds: Sym

    @property
    def fails(self) -> Term:
        """The rule makes the member ineligible."""
        if self.kind is Kind.REQUIRE:
            return z3.And(self.holds.known, z3.Not(self.holds.term))
        if self.kind is Kind.EXCLUDE:
            return z3.And(self.holds.known, self.holds.term)
        return FALSE

    @property
    def unknown(self) -> Term:
        return z3.Not(self.holds.known) if self.kind in (Kind.REQUIRE, Kind.EXCLUDE) else FALSE

    @property
    def fires(self) -> Term:
        """The rule has its effect: fails (require), excludes, prioritises or flags."""
        if self.kind is Kind.REQUIRE:
            return self.fails
        return z3.And(self.holds.known, self.holds.term)


class Encoder:
    """One rule set on one decision date, over one member's inputs."""

    def __init__(self, ruleset: RuleSet, on: date | None, inputs: Inputs) -> None:
        self.ruleset, self.inputs, self.strings = ruleset, inputs, inputs.strings
        self.plan = ruleset.plan(on)  # OutOfForce outside the edition's window
        self.on = self.plan.on
        self._facts: dict[str, Sym] = {}
        self._defaults: dict[int, Node] = {}  # lookups that are another lookup's default (kept alive)
        self.rules = [RuleSym(r.id, r.kind, _condition(self.encode(r.checked.tree))) for r in self.plan.rules]
        self.ineligible = z3.Or([r.fails for r in self.rules] or [FALSE])
        unknown = z3.Or([r.unknown for r in self.rules] or [FALSE])
        self.undetermined = z3.And(z3.Not(self.ineligible), unknown)
        self.eligible = z3.And(z3.Not(self.ineligible), z3.Not(unknown))

    def rule(self, rule_id: str) -> RuleSym:
        return next(r for r in self.rules if r.id == rule_id)

    def outcome(self, name: str) -> Term:
        return {"eligible": self.eligible, "ineligible": self.ineligible, "undetermined": self.undetermined}[name]

    def fact(self, name: str) -> Sym:
        if name not in self._facts:
            self._facts[name] = self.encode(self.ruleset.facts[name])
        return self._facts[name]

    # --- nodes ------------------------------------------------------------------------------------

    def encode(self, node: Node, local: dict[str, Sym] | None = None) -> Sym:
        local = local or {}
        if not isinstance(node, Lit) and _constant(node, local):
            try:
                value = compile_node(node, self.plan.env)(None, [])
            except Unhandled:
                raise
            except (ArithmeticError, ValueError, TypeError) as exc:
                raise ProveError(f"cannot compute a constant part of the rules: {exc}") from None
            if not isinstance(value, Table):
                if (value is None or isinstance(value, AtLeast)) and self._reads_bounds(node):
                    self.inputs.unknowns.append(TRUE)  # a lower-bound row, read with no member data
                return lift(value, node.type, self.strings)
        match node:
            case Lit():
                return lift(node.value, node.type, self.strings)
            case Name():
                return self._name(node, local)
            case ListLit():
                return Sym("list", tuple(self.encode(i, local) for i in node.items))
            case Unary(op="not"):
                inner = self.encode(node.operand, local)
                return Sym(inner.kind, z3.Not(inner.term), inner.known)
            case Unary():
                inner = self.encode(node.operand, local)
                return Sym(inner.kind, -inner.term, _exact(inner))  # minus a bound is unknown
            case BoolOp():
                return kleene(node.op, [self.encode(o, local) for o in node.operands])
            case Cond():
                return self._cond(node, local)
            case Binary():
                return self._binary(node, local)
            case Call():
                return self._call(node, local)
            case _:
                raise Unhandled(node, "symbolic encoding")

    def _name(self, node: Name, local: dict[str, Sym]) -> Sym:
        kind, *rest = node.parts
        if node.dotted in local:
            return local[node.dotted]
        if kind == "member":
            return self.inputs.field(node.dotted)
        if kind == "fact":
            return self.fact(rest[0])
        if kind == "table":
            return Sym("table", self.ruleset.tables[rest[0]])
        raise ProveError(f"no symbolic encoding for the name {node.dotted}")

    def _cond(self, node: Cond, local: dict[str, Sym]) -> Sym:
        test, a, b = (self.encode(n, local) for n in (node.test, node.then, node.other))
        x, y = numeric(a, b)
        kind = "real" if "real" in (a.kind, b.kind) else a.kind
        agree = z3.And(a.known, b.known, x == y)
        if a.may_be_bound or b.may_be_bound:
            agree = z3.And(agree, a.bound == b.bound)  # both bounds or both exact
        known = z3.If(test.known, z3.If(test.term, a.known, b.known), agree)
        other = z3.And(test.known, z3.Not(test.term))
        return Sym(kind, z3.If(other, y, x), known, bound=choose(other, b.bound, a.bound))

    def _binary(self, node: Binary, local: dict[str, Sym]) -> Sym:
        a, b = self.encode(node.left, local), self.encode(node.right, local)
        if node.op in ("in", "not in"):
            found = self._contains(a, b)
            return Sym("bool", z3.Not(found.term) if node.op == "not in" else found.term, found.known)
        known = z3.And(a.known, b.known)
        x, y = numeric(a, b)
        if node.op in _COMPARE:
            return _compare(node.op, a, b, x, y)
        kind = "real" if "real" in (a.kind, b.kind) else a.kind
        if node.op not in ("+", "-", "*", "//"):
            raise ProveError(f"no symbolic encoding for the operator {node.op}")
        bound = either(a.bound, b.bound)
        if not z3.is_false(bound):  # a bound survives only the operations bounds.arithmetic keeps
            keeps = {"+": TRUE, "-": z3.Not(b.bound), "*": z3.And(x >= 0, y >= 0),
                     "//": z3.And(z3.Not(b.bound), y > 0)}[node.op]
            known = z3.And(known, z3.Or(z3.Not(bound), keeps))
        if node.op == "+":
            return Sym(kind, x + y, known, bound=bound)
        if node.op == "-":
            return Sym(kind, x - y, known, bound=bound)
        if node.op == "*":
            return Sym(kind, x * y, known, bound=bound)
        known = z3.And(known, y != 0)  # by zero: unknown, as semantics.floor_div
        if kind == "real":
            return Sym("int", z3.ToInt(x / y), known, bound=bound)
        return Sym("int", z3.If(y > 0, x / y, (-x) / (-y)), known, bound=bound)  # Python floors; z3 is Euclidean

    def _contains(self, x: Sym, xs: Sym) -> Sym:
        if xs.kind == "table":
            table: Table = xs.term
            listed = z3.Or([x.term == self.strings.code(k) for k in sorted(table.keys)] or [FALSE])
            if table.unlisted_unknown:
                self.inputs.unknowns.append(z3.And(x.known, z3.Not(listed)))
                return Sym("bool", listed, z3.And(x.known, listed))
            return Sym("bool", listed, x.known)
        if xs.kind != "list":
            raise ProveError(f"`in` over a {xs.kind} has no symbolic encoding")
        hits, all_known = [], [xs.known]
        for item in xs.term:
            a, b = numeric(x, item)
            hits.append(z3.And(item.known, z3.Not(item.bound), a == b))  # a bound is equal to no number
            all_known.append(item.known)
        hit = z3.Or(hits or [FALSE])
        return Sym("bool", hit, z3.And(_exact(x), xs.known, z3.Or(hit, z3.And(all_known))))

    def _call(self, node: Call, local: dict[str, Sym]) -> Sym:
        if node.func.parts[0] == "table":
            self._defaults[id(node.args[1])] = node.args[1]
            key, default = (self.encode(a, local) for a in node.args)
            value = self._lookup(self.ruleset.tables[node.func.parts[1]], key, default)
            if value.may_be_bound and id(node) not in self._defaults:  # the row read is an unknown input
                self.inputs.unknowns.append(z3.And(value.known, value.bound))
            return value
        args = [self.encode(a, local) for a in node.args]
        function = FUNCTIONS.get(node.func.dotted)
        if function is None:
            raise ProveError(f"no symbolic encoding for the function {node.func.dotted}")
        bounded = [a.bound for a in args if a.may_be_bound]
        if bounded and (function.abstract is not None or not function.strict) and function.name not in KEEPS_BOUNDS:
            raise ProveError(f"{function.name} of a number that may be a lower bound has no symbolic encoding")
        if function.abstract is not None:
            return self._abstract(function, args, node.type)
        result = EXACT[function.name](args, self.strings)
        if result.may_be_bound and not bounded:  # a row known only as a lower bound, read whole: an unknown input
            self.inputs.unknowns.append(z3.And(result.known, *[a.known for a in args], result.bound))
        if function.own_unknown:  # unknown although its arguments are known (``regency("3200")``): an unknown input
            self.inputs.unknowns.append(z3.And(*[a.known for a in args], z3.Not(result.known)))
        if function.strict:
            known = z3.And(result.known, *[a.known for a in args])
            if bounded and function.name not in KEEPS_BOUNDS:  # anything else on a bound is unknown
                known = z3.And(known, z3.Not(z3.Or(bounded)))
            result = Sym(result.kind, result.term, known, bound=result.bound)
        return result

    def _lookup(self, table: Table, key: Sym, default: Sym) -> Sym:
        """``table.get(key, default)``: a case split over the rows; the value is a lower bound on a
        row marked ``lower`` (else, for an unlisted key, where the default is one)."""
        rows = sorted((table.values or {}).items())
        values = [lift(v, None, self.strings) for _, v in rows]
        real = any(v.kind == "real" for v in [*values, default])

        def as_term(s: Sym) -> Term:
            return z3.ToReal(s.term) if real and s.kind == "int" else s.term
        value, hits = as_term(default), []
        for (k, _), v in zip(rows, values, strict=True):
            hits.append(key.term == self.strings.code(k))
            value = z3.If(hits[-1], as_term(v), value)
        listed = z3.Or(hits or [FALSE])
        own = [hit for (k, _), hit in zip(rows, hits, strict=True) if k in table.bounds]
        bound = either(*own, z3.And(z3.Not(listed), default.bound) if default.may_be_bound else FALSE)
        kind = "real" if real else (values[0].kind if values else default.kind)
        if table.unlisted_unknown:
            self.inputs.unknowns.append(z3.And(key.known, z3.Not(listed)))
            return Sym(kind, value, z3.And(key.known, listed), bound=bound)
        return Sym(kind, value, z3.And(key.known, z3.Or(listed, default.known)), bound=bound)

    def _abstract(self, function: Function, args: list[Sym], type_: Type | None) -> Sym:
        kind = _KINDS.get(type_.name if type_ else "")
        if kind is None:
            raise ProveError(f"{function.name} returns {type_}, which has no symbolic form")
        call, new = self.inputs.call(function, args, kind)
        if not new or function.abstract is None or type_ is None:
            return call.sym
        names = dict(zip(function.abstract.names, args, strict=False))
        for text in function.abstract.relations:
            self._assume(_relation(function, text, self.ruleset, type_), {"result": call.sym, **names})
        for other in [c for c in self.inputs.calls.values() if c is not call and c.function is function
                      and c.args[:1] == call.args[:1]]:
            for first, second in ((call, other), (other, call)):
                local = {"result": first.sym, "other": second.sym,
                         **dict(zip(function.abstract.names, first.arg_syms, strict=False)),
                         **{f"other_{k}": v for k, v in zip(function.abstract.names, second.arg_syms, strict=False)}}
                for text in function.abstract.across:
                    self._assume(_relation(function, text, self.ruleset, type_), local)
        return call.sym

    def _reads_bounds(self, node: Node) -> bool:
        return any(isinstance(n, Name) and n.parts[0] == "table" and self.ruleset.tables[n.parts[1]].gives_bounds
                   for n in walk(node))

    def _assume(self, tree: Node, local: dict[str, Sym]) -> None:
        """A declared relation: it holds wherever it is known."""
        holds = self.encode(tree, local)
        self.inputs.domain.append(z3.Or(z3.Not(holds.known), holds.term))

    def relate(self, function: Function, text: str, after: Sym, before: Sym) -> Term:
        """A change relation (``result >= before``) between one call's values in two members."""
        type_ = next(Type(name) for name, kind in _KINDS.items() if kind == after.kind)
        holds = self.encode(_relation(function, text, self.ruleset, type_), {"result": after, "before": before})
        return z3.Or(z3.Not(holds.known), holds.term)


def _exact(s: Sym) -> Term:
    """Known and not a bound: where an operation that keeps nothing of a bound is known."""
    return z3.And(s.known, z3.Not(s.bound)) if s.may_be_bound else s.known


def _compare(op: str, a: Sym, b: Sym, x: Term, y: Term) -> Sym:
    """``a op b`` as ``bounds.compare``: where a side is a bound, known only where the bound
    settles it (``v op c`` for every ``v >= x``), unknown where both sides are bounds."""
    known, plain = z3.And(a.known, b.known), _COMPARE[op](x, y)
    if not (a.may_be_bound or b.may_be_bound):
        return Sym("bool", plain, known)

    def settle(op: str, low: Term, c: Term) -> tuple[Term, Term]:  # (value, settled) for some v >= low
        if op in (">", ">="):
            return TRUE, low > c if op == ">" else low >= c
        if op in ("<", "<="):
            return FALSE, low >= c if op == "<" else low > c
        return z3.BoolVal(op == "!="), low > c
    (va, sa), (vb, sb) = settle(op, x, y), settle(MIRROR[op], y, x)
    p, q = a.bound, b.bound
    value = z3.If(p, va, z3.If(q, vb, plain))
    settled = z3.If(z3.And(p, q), FALSE, z3.If(p, sa, z3.If(q, sb, TRUE)))
    return Sym("bool", value, z3.And(known, settled))


def kleene(op: str, parts: list[Sym]) -> Sym:
    """Kleene's strong ``and``/``or``: decided by one decisive side, else by all sides known."""
    decisive = op == "or"
    hit = z3.Or([z3.And(p.known, p.term == decisive) for p in parts])
    every = z3.And([p.known for p in parts])
    return Sym("bool", hit if decisive else z3.Not(hit), z3.Or(hit, every))


def _constant(node: Node, local: dict[str, Any]) -> bool:
    return not any(isinstance(n, Name) and (n.parts[0] in ("member", "fact") or n.dotted in local)
                   for n in walk(node))


__all__ = ["TRUE", "Encoder", "RuleSym", "check_text", "kleene"]
