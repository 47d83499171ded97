"""Constant folding over a checked expression tree: what values can it take, for any member?

An abstract value is ``Const`` (the same known value for every member), ``Bools`` (the truth
values a condition can take; ``None`` is *unknown*), ``OneOf`` (a member field restricted to a
set of codes, or unknown) or ``TOP`` (anything). Parameters with a single ``value``, literals,
``as_of`` and tables are constants; member fields and ``decision_date`` are not. Used by the
linter to find conditions that can never (or always) hold, and table keys no lookup can produce.
"""

from __future__ import annotations

import itertools
import operator
import re
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from bsu_rules.catalogue import FUNCTIONS
from bsu_rules.ruleset.expressions import Binary, BoolOp, Call, Cond, ListLit, Lit, Name, Node, Unary
from bsu_rules.ruleset.model import RuleSet

ALL: frozenset[bool | None] = frozenset({True, False, None})
_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "//": operator.floordiv,
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne,
}


@dataclass(frozen=True)
class Const:
    value: Any


@dataclass(frozen=True)
class Bools:
    values: frozenset[bool | None]


@dataclass(frozen=True)
class OneOf:
    choices: frozenset[str]


@dataclass(frozen=True)
class Top:
    pass


TOP = Top()
Abstract = Const | Bools | OneOf | Top
Shape = list[tuple[str, Callable[[str], bool]]]
_RESULT_PATTERNS = {"province": r"\d{2}"}  # catalogue functions that return codes


def truth(value: Abstract) -> frozenset[bool | None]:
    """The truth values an abstract boolean can take."""
    if isinstance(value, Const) and (value.value is None or isinstance(value.value, bool)):
        return frozenset({value.value})
    return value.values if isinstance(value, Bools) else ALL


def _kleene_and(parts: Iterable[bool | None]) -> bool | None:
    items = list(parts)
    return False if False in items else None if None in items else True


def _kleene_or(parts: Iterable[bool | None]) -> bool | None:
    items = list(parts)
    return True if True in items else None if None in items else False


class Folder:
    """Folds the expressions of one rule set (facts are folded once and remembered)."""

    def __init__(self, rs: RuleSet) -> None:
        self.rs = rs
        self.facts: dict[str, Abstract] = {}

    def fold(self, node: Node) -> Abstract:
        if isinstance(node, Lit):
            return Const(node.value)
        if isinstance(node, ListLit):
            items = [self.fold(i) for i in node.items]
            consts = [i.value for i in items if isinstance(i, Const)]
            return Const(tuple(consts)) if len(consts) == len(items) else TOP
        if isinstance(node, Name):
            return self._name(node)
        if isinstance(node, Unary):
            inner = self.fold(node.operand)
            if node.op == "not":
                return Bools(frozenset(None if v is None else not v for v in truth(inner)))
            return Const(-inner.value) if isinstance(inner, Const) else TOP
        if isinstance(node, BoolOp):
            sets = [truth(self.fold(o)) for o in node.operands]
            if len(sets) > 6:
                return TOP
            combine = _kleene_and if node.op == "and" else _kleene_or
            return Bools(frozenset(combine(c) for c in itertools.product(*sets)))
        if isinstance(node, Cond):
            return self._cond(node)
        if isinstance(node, Binary):
            return self._binary(node)
        if isinstance(node, Call):
            return self._call(node)
        return TOP

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
        if kind == "member" and node.type is not None and node.type.choices is not None:
            return OneOf(node.type.choices)
        return TOP

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
            return Bools(truth(a) | truth(b) | ({None} if None in test else set()))
        return TOP

    def _binary(self, node: Binary) -> Abstract:
        left, right = self.fold(node.left), self.fold(node.right)
        if node.op in ("in", "not in"):
            found = self._contains(left, node.right, right)
            if node.op == "not in":
                found = Bools(frozenset(None if v is None else not v for v in truth(found)))
            return found
        if isinstance(left, Const) and isinstance(right, Const):
            if left.value is None or right.value is None:
                return Const(None)
            try:
                return Const(_OPS[node.op](left.value, right.value))
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
        if isinstance(right_node, Name) and right_node.parts[0] == "table":
            keys = self.rs.tables[right_node.parts[1]].keys
        elif isinstance(right, Const) and isinstance(right.value, tuple):
            keys = frozenset(right.value)
        if keys is None:
            return TOP
        if isinstance(left, Const):
            return Const(None) if left.value is None else Const(left.value in keys)
        if not keys:
            return Bools(frozenset({False, None}))
        if isinstance(left, OneOf):
            if not left.choices & keys:
                return Bools(frozenset({False, None}))
            if left.choices <= keys:
                return Bools(frozenset({True, None}))
        return TOP

    def _call(self, node: Call) -> Abstract:
        args = [self.fold(a) for a in node.args]
        if not all(isinstance(a, Const) for a in args):
            return TOP
        values = [a.value for a in args if isinstance(a, Const)]
        if node.func.parts[0] == "table":
            table = self.rs.tables[node.func.parts[1]]
            if values[0] in table.bounds:
                return TOP  # only a lower bound: not a constant
            found = (table.values or {}).get(values[0]) if values[0] is not None else None
            return Const(values[1] if found is None and values[0] is not None else found)
        fn = FUNCTIONS.get(node.func.dotted)
        if fn is None or (fn.strict and any(v is None for v in values)):
            return Const(None) if fn is not None else TOP
        try:
            return Const(fn.impl(*values))
        except (TypeError, ValueError, ArithmeticError, AttributeError):
            return TOP

    def key_shape(self, node: Node) -> Shape | None:
        """The texts a table key expression can give, as (description, test) pairs; None if unknown."""
        if isinstance(node, Lit) and isinstance(node.value, str):
            text = node.value
            return [(f'"{text}"', lambda k: k == text)]
        if isinstance(node, Name) and node.parts[0] == "member":
            if node.type is not None and node.type.choices is not None:
                codes = node.type.choices
                return [("one of " + ", ".join(sorted(codes)), lambda k: k in codes)]
            found = _field_pattern(node.parts[1:])
            if found is None:
                return None
            pattern = found
            return [(pattern, lambda k: re.search(pattern, k) is not None)]
        if isinstance(node, Name) and node.parts[0] == "fact":
            return self.key_shape(self.rs.facts[node.parts[1]])
        if isinstance(node, Call) and node.func.dotted in _RESULT_PATTERNS:
            pattern = _RESULT_PATTERNS[node.func.dotted]
            return [(f"^{pattern}$", lambda k: re.fullmatch(pattern, k) is not None)]
        parts = [node.then, node.other] if isinstance(node, Cond) else \
            node.args if isinstance(node, Call) and node.func.dotted == "coalesce" else None
        if parts is None:
            return None
        shapes = [self.key_shape(p) for p in parts]
        return None if any(s is None for s in shapes) else [x for s in shapes for x in s or []]


def _field_pattern(parts: tuple[str, ...]) -> str | None:
    """The ``pattern`` the data contract gives a member field (``^\\d{4}$``), if any."""
    from bsu_rules.members import Member

    model: Any = Member
    for i, part in enumerate(parts):
        info = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if info is None:
            return None
        found = _annotation_parts(info.annotation) + list(info.metadata)
        if i == len(parts) - 1:
            return next((str(p.pattern) for p in found if isinstance(getattr(p, "pattern", None), str)), None)
        model = next((a for a in found if isinstance(a, type) and issubclass(a, BaseModel)), None)
    return None


def _annotation_parts(annotation: Any) -> list[Any]:
    out: list[Any] = [annotation]
    for arg in typing.get_args(annotation):
        out += list(getattr(arg, "metadata", [])) if hasattr(arg, "json_schema_extra") else _annotation_parts(arg)
    return out
