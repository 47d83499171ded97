"""Constant folding over a checked expression tree: what values can it take, for any member?

An abstract value is ``Const`` (the same known value for every member), ``Bools`` (the truth
values a condition can take; ``None`` is *unknown*), ``OneOf`` (a member field restricted to a
set of codes, or unknown) or ``TOP`` (anything). Parameters with a single ``value``, literals,
``as_of`` and tables (passed whole to a function) are constants; member fields are not, and
``decision_date`` is a ``Span``, a day within the edition's window. Used by the linter to find
conditions that can never (or always) hold, and table keys no lookup can produce. The operators
are those of ``bsu_rules.semantics``, applied to constants or over sets of truth values (division
by zero folds to unknown, as it evaluates).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bsu_rules.bounds import MIRROR, AtLeast
from bsu_rules.catalogue import FUNCTIONS, Function
from bsu_rules.catalogue.areas import PROVINCE_ONLY, regency_provinces
from bsu_rules.members.contract import leaf_at
from bsu_rules.members.model import REGENCY_CODE, REGENCY_CODES
from bsu_rules.ruleset.expressions import Binary, BoolOp, Call, Cond, ListLit, Lit, Name, Node, Unary, Unhandled
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.semantics import TRUTHS, Truth, binary, in_table, k_and, k_if, k_not, k_or, strict

ALL: frozenset[Truth] = frozenset(TRUTHS)


@dataclass(frozen=True)
class Const:
    value: Any


@dataclass(frozen=True)
class Bools:
    values: frozenset[Truth]


@dataclass(frozen=True)
class OneOf:
    choices: frozenset[str]


@dataclass(frozen=True)
class Span:
    """One of the days from ``low`` to ``high`` (None: no bound on that side): the decision date,
    which is always within the edition's window."""

    low: date | None
    high: date | None

    def compared(self, op: str, day: Any) -> Abstract:
        """``self op day`` over every day of the span (an ordering is monotone: its two ends settle it)."""
        if not isinstance(day, date) or op not in MIRROR:
            return TOP
        if op in ("==", "!="):
            inside = (self.low is None or self.low <= day) and (self.high is None or day <= self.high)
            equal = {True} if inside and self.low == self.high == day else {True, False} if inside else {False}
            return Bools(frozenset(equal if op == "==" else {not e for e in equal}))
        first = binary(op, self.low, day) if self.low is not None else op in ("<", "<=")
        last = binary(op, self.high, day) if self.high is not None else op in (">", ">=")
        return Bools(frozenset({first, last}))


@dataclass(frozen=True)
class Top:
    pass


TOP = Top()
_UNKNOWN = Const(None)
Abstract = Const | Bools | OneOf | Span | Top
Shape = list[tuple[str, Callable[[str], bool]]]
_RESULT_PATTERNS = {"province": (r"[0-9]{2}", "a province code: two digits, such as 32")}
"""Catalogue functions that return codes: the pattern of their result, and it in words."""
_REGENCY_CODES = frozenset(REGENCY_CODES)


def _fits(pattern: str) -> Callable[[str], bool]:
    """Whether a key fits a member field's pattern, as ``re.search`` finds it: the codes of the pattern of
    regency codes looked up (every code it takes is listed; its `$` also ends a text before a final line break),
    which takes no time where compiling it took longer than reading the rule file."""
    if pattern == REGENCY_CODE:
        return lambda k: k.removesuffix("\n") in _REGENCY_CODES
    return lambda k: re.search(pattern, k) is not None


def _regency_key(test: Callable[[str], bool], provinces: frozenset[str]) -> Callable[[str], bool]:
    """A key shape's test, less the codes ``regency`` gives as unknown (a province of ``provinces``
    without its regency)."""
    return lambda k: test(k) and not (k.endswith(PROVINCE_ONLY) and k[:2] in provinces)


_NORMALISING = {"bank_key": "bank_key(...), which writes a name in upper case, single spaces, no legal form "
                             "(BANK, PT, PERSERO, TBK), no branch and a number parted from the name (BNI 46): list "
                             "the key as bank_key writes it"}
"""Catalogue functions that write a text in one normal form: a key they can give is written in it."""


def truth(value: Abstract) -> frozenset[Truth]:
    """The truth values an abstract boolean can take."""
    if isinstance(value, Const) and (value.value is None or isinstance(value.value, bool)):
        return frozenset({value.value})
    return value.values if isinstance(value, Bools) else ALL


def negated(values: frozenset[Truth]) -> frozenset[Truth]:
    """The values ``not`` takes over a set of truth values."""
    return frozenset(k_not(v) for v in values)


def connected(op: str, parts: Iterable[frozenset[Truth]]) -> frozenset[Truth]:
    """The values ``and``/``or`` takes when each operand takes any value of its set (combined pairwise:
    Kleene's connectives are associative, so this is exact and never enumerates every combination)."""
    combine = k_and if op == "and" else k_or
    out: frozenset[Truth] = frozenset({op == "and"})  # the empty conjunction is true, disjunction false
    for values in parts:
        out = frozenset(combine((a, b)) for a in out for b in values)
    return out


def chosen(test: frozenset[Truth], then: frozenset[Any], other: frozenset[Any]) -> frozenset[Any]:
    """The values ``then if test else other`` takes (``k_if`` over every combination)."""
    return frozenset(k_if(t, a, b) for t in test for a in then for b in other)


class Folder:
    """Folds the expressions of one rule set (facts are folded once and remembered)."""

    def __init__(self, rs: RuleSet) -> None:
        self.rs = rs
        self.facts: dict[str, Abstract] = {}

    def fold(self, node: Node) -> Abstract:
        match node:
            case Lit():
                return Const(node.value)
            case Name():
                return self._name(node)
            case ListLit():
                items = [self.fold(i) for i in node.items]
                consts = [i.value for i in items if isinstance(i, Const)]
                return Const(tuple(consts)) if len(consts) == len(items) else TOP
            case Unary(op="not"):
                return Bools(negated(truth(self.fold(node.operand))))
            case Unary():
                inner = self.fold(node.operand)
                if isinstance(inner, Const):
                    return Const(None if inner.value is None else -inner.value)
                return TOP
            case BoolOp():
                return Bools(connected(node.op, (truth(self.fold(o)) for o in node.operands)))
            case Cond():
                return self._cond(node)
            case Binary():
                return self._binary(node)
            case Call():
                return self._call(node)
            case _:
                raise Unhandled(node, "constant folding")

    def _name(self, node: Name) -> Abstract:
        kind = node.parts[0]
        if kind == "param":
            param = self.rs.model.parameters[node.parts[1]]
            if param.values is None:
                value = param.value
                return Const(tuple(value) if isinstance(value, list) else value)
            return TOP
        if kind == "fact":
            name = node.parts[1]
            if name not in self.facts:
                self.facts[name] = TOP  # a guard; the checker has rejected cycles
                self.facts[name] = self.fold(self.rs.facts[name])
            return self.facts[name]
        if kind == "as_of":
            return Const(self.rs.model.as_of)
        if kind == "decision_date":
            edition = self.rs.model.in_force
            return Span(edition.from_, edition.until)
        if kind == "member" and node.type is not None and node.type.choices is not None:
            return OneOf(node.type.choices)
        return TOP  # a member field or a table: not one value for every member

    def _cond(self, node: Cond) -> Abstract:
        test = truth(self.fold(node.test))
        if test == {True}:
            return self.fold(node.then)
        if test == {False}:
            return self.fold(node.other)
        a, b = self.fold(node.then), self.fold(node.other)
        if a == b:
            return a
        if node.type is not None and node.type.name == "bool":
            return Bools(chosen(test, truth(a), truth(b)))
        return TOP

    def _binary(self, node: Binary) -> Abstract:
        left, right = self.fold(node.left), self.fold(node.right)
        if _UNKNOWN in (left, right):
            return _UNKNOWN  # every operator is unknown when a side is
        if node.op in ("in", "not in"):
            found = self._contains(left, node.right, right)
            return Bools(negated(truth(found))) if node.op == "not in" else found
        if isinstance(left, Span) and isinstance(right, Const):
            return left.compared(node.op, right.value)
        if isinstance(right, Span) and isinstance(left, Const):
            return right.compared(MIRROR[node.op], left.value) if node.op in MIRROR else TOP
        if isinstance(left, Const) and isinstance(right, Const):
            try:
                return Const(binary(node.op, left.value, right.value))
            except (TypeError, ArithmeticError):
                return TOP
        if node.op in ("==", "!=") and isinstance(right, OneOf) and isinstance(left, Const):
            left, right = right, left
        if node.op in ("==", "!=") and isinstance(left, OneOf) and isinstance(right, Const):
            same = frozenset({right.value}) == left.choices
            if right.value not in left.choices or same:
                hit = same if node.op == "==" else not same
                return Bools(frozenset({hit, None}))
        return TOP

    def _contains(self, left: Abstract, right_node: Node, right: Abstract) -> Abstract:
        keys: frozenset[Any] | None = None
        unknown = False  # an unlisted key is unknown (a table with `unlisted: unknown`), not absent
        if isinstance(right_node, Name) and right_node.parts[0] == "table":
            table = self.rs.tables[right_node.parts[1]]
            keys, unknown = table.keys, table.unlisted_unknown
        elif isinstance(right, Const) and isinstance(right.value, tuple):
            keys = frozenset(right.value)
        if keys is None:
            return TOP
        if isinstance(left, Const):
            return Const(in_table(left.value, keys, unknown))
        unlisted = in_table("", frozenset(), unknown)  # what a key not in ``keys`` gives
        if not keys:
            return Bools(frozenset({unlisted, None}))
        if isinstance(left, OneOf):
            if not left.choices & keys:
                return Bools(frozenset({unlisted, None}))
            if left.choices <= keys:
                return Bools(frozenset({True, None}))
        return TOP

    def _call(self, node: Call) -> Abstract:
        args = [self._argument(a) for a in node.args]
        fn = FUNCTIONS.get(node.func.dotted)
        deciding = args[:1] if fn is None else args if fn.strict else [args[i] for i in fn.unknown_from or ()
                                                                          if i < len(args)]
        if _UNKNOWN in deciding:
            return _UNKNOWN  # a table looked up with an unknown key, or a function given an unknown it passes on
        if not all(isinstance(a, Const) for a in args):
            return TOP
        values = [a.value for a in args if isinstance(a, Const)]
        if node.func.parts[0] == "table":
            table = self.rs.tables[node.func.parts[1]]
            if values[0] in table.bounds:
                return TOP  # only a lower bound: not a constant
            found = (table.values or {}).get(values[0]) if values[0] is not None else None
            if found is None and values[0] is not None and table.unlisted_unknown:
                return _UNKNOWN  # a key an incomplete table does not list: unknown, not the default
            return Const(values[1] if found is None and values[0] is not None else found)
        return TOP if fn is None else _apply(fn, values)

    def _argument(self, node: Node) -> Abstract:
        """A call's argument folded; a table passed whole (``regency(code, table.minimum_wage)``) is
        the same table for every member."""
        if isinstance(node, Name) and node.parts[0] == "table" and len(node.parts) == 2:
            return Const(self.rs.tables[node.parts[1]])
        return self.fold(node)

    def key_shape(self, node: Node) -> Shape | None:
        """The texts a table key expression can give, as (description, test) pairs; None if unknown."""
        match node:
            case Lit(value=str(text)):
                return [(f'"{text}"', lambda k: k == text)]
            case Lit():
                return None
            case Name(parts=("member", *path)):
                if node.type is not None and node.type.choices is not None:
                    codes = node.type.choices
                    return [("one of " + ", ".join(sorted(codes)), lambda k: k in codes)]
                leaf = leaf_at(".".join(path))
                if leaf is None or leaf.pattern is None:
                    return None
                pattern, said = leaf.pattern, f"a {leaf.description}" if leaf.description else leaf.pattern
                return [(said, _fits(pattern))]
            case Name(parts=("fact", name, *_)):
                return self.key_shape(self.rs.facts[name])
            case Name():
                return None
            case Call() if node.func.dotted in _RESULT_PATTERNS:
                result, said = _RESULT_PATTERNS[node.func.dotted]
                return [(said, lambda k: re.fullmatch(result, k) is not None)]
            case Call() if node.func.dotted in _NORMALISING:
                fn, said = FUNCTIONS[node.func.dotted], _NORMALISING[node.func.dotted]
                return [(said, lambda k: _apply(fn, [k]) == Const(k))]
            case Call() if node.func.dotted == "coalesce":
                return self._shapes(node.args)
            case Call(args=[code, Name(parts=("table", areas))]) if node.func.dotted == "regency":
                inner = self.key_shape(code)  # the code's own shape, less a province without its regency
                provinces = regency_provinces(self.rs.tables[areas].keys)
                but = f"; but not a province's two digits and {PROVINCE_ONLY} where the table lists a regency of it"
                return None if inner is None else [(said + but, _regency_key(test, provinces)) for said, test in inner]
            case Call():
                return None
            case Cond():
                return self._shapes([node.then, node.other])
            case ListLit() | Unary() | Binary() | BoolOp():
                return None  # never text
            case _:
                raise Unhandled(node, "table key shapes")

    def _shapes(self, parts: list[Node]) -> Shape | None:
        shapes = [self.key_shape(p) for p in parts]
        return None if any(s is None for s in shapes) else [x for s in shapes for x in s or []]


def _apply(fn: Function, values: list[Any]) -> Abstract:
    """A catalogue function on constant arguments: the one place folding reads the catalogue."""
    if fn.strict and not strict(values):
        return Const(None)
    try:
        value = fn.impl(*values)
    except (TypeError, ValueError, ArithmeticError, AttributeError):
        return TOP
    return TOP if isinstance(value, AtLeast) else Const(value)  # only a lower bound: not a constant


