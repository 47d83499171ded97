"""Compile a checked expression tree to nested closures (no eval): f(member, facts) -> value.

``None`` is *unknown*. The meaning of every operator, of ``and``/``or``/``not`` and of an ``if``
with an unknown test is the one ``bsu_rules.semantics`` states; this module only arranges it into
closures, once per plan. Lower bounds (``bounds.AtLeast``) are settled by ``bounds``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from pydantic import BaseModel

from bsu_rules import bounds
from bsu_rules.bounds import AtLeast
from bsu_rules.catalogue import FUNCTIONS
from bsu_rules.members import Record
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
    walk,
)
from bsu_rules.ruleset.tables import Table
from bsu_rules.semantics import COMPARISON, EXACT, OPERATORS, contains, k_and, k_if, k_not, k_or

Value = (bool | int | str | date | Decimal | AtLeast | Table | BaseModel | tuple["Value", ...]
         | list[BaseModel] | None)
"""What an expression can evaluate to: a scalar, a lower bound, a table, a record or history of
the member, a list literal, or ``None`` (unknown)."""
Facts = list[Value]
"""One member's fact slots, in plan order."""
Fn = Callable[[Record | None, Facts], Value]
"""A compiled expression. Constant subtrees are computed at compile time with no member."""
Getter = Callable[[object], Value]


class Env:
    """What names mean in one plan: parameter values, tables, fact slots, the as_of date."""

    def __init__(self, params: dict[str, Value], tables: dict[str, Table], slots: dict[str, int],
                 as_of: date, on: date, reads_bound: Callable[[Node], bool] | None = None) -> None:
        self.params, self.tables, self.slots = params, tables, slots
        self.hoisted: dict[int, int] = {}  # id(call node) -> slot computed once per member
        self.lazy: dict[str, Fn] = {}  # facts no condition reads: computed only when asked for
        self.lazy_trees: dict[str, Node] = {}  # and their trees (the code generator writes them where they are read)
        self.dates: dict[str, date] = {"as_of": as_of, "decision_date": on}
        self.bounded = any(t.gives_bounds for t in tables.values())  # some value may be a lower bound
        self._reads_bound = reads_bound
        self._read: dict[int, tuple[Node, bool]] = {}

    def may_read_bound(self, node: Node) -> bool:
        """Whether a value of ``node`` may be a lower bound: it reads a table with ``lower`` rows, itself or
        through facts (every value may be, where no reader of the rule set is given)."""
        if not self.bounded:
            return False
        if self._reads_bound is None:
            return True
        found = self._read.get(id(node))
        if found is None:  # the node kept beside its answer: its id is not reused while the plan lives
            found = self._read[id(node)] = (node, self._reads_bound(node))
        return found[1]


def member_getter(path: tuple[str, ...]) -> Getter:
    """A getter for ``member.a.b`` that gives None when any step is None."""
    if len(path) == 1:
        attr: Getter = operator.attrgetter(path[0])
        return attr
    head, rest = path[0], member_getter(path[1:])

    def get(m: object) -> Value:
        inner = getattr(m, head)
        return None if inner is None else rest(inner)
    return get


def compile_node(node: Node, env: Env) -> Fn:
    """A closure for ``node``; a subtree that reads no member data is computed once, here."""
    slot = env.hoisted.get(id(node))
    if slot is not None:
        return lambda m, f: f[slot]
    fn = _compile(node, env)
    if isinstance(node, (Lit, Name)) or not is_constant(node):
        return fn
    try:
        value = fn(None, [])
    except (ArithmeticError, ValueError, TypeError):
        return fn  # fails the same way at run time, on the member that reaches it
    return lambda m, f: value


def is_constant(node: Node) -> bool:
    """Whether a tree reads nothing from the member (directly or through facts)."""
    return not any(isinstance(n, Name) and n.parts[0] in ("member", "fact") for n in walk(node))


def _compile(node: Node, env: Env) -> Fn:
    match node:
        case Lit():
            value: Value = node.value
            return lambda m, f: value
        case Name():
            return _name(node, env)
        case ListLit():
            if all(isinstance(i, Lit) for i in node.items):
                frozen = tuple(i.value for i in node.items if isinstance(i, Lit))
                return lambda m, f: frozen
            items = [compile_node(i, env) for i in node.items]
            return lambda m, f: tuple(i(m, f) for i in items)
        case Unary():
            return _unary(node.op, compile_node(node.operand, env), env.bounded)
        case BoolOp():
            return _kleene(node.op, [compile_node(o, env) for o in node.operands])
        case Cond():
            return _cond(compile_node(node.test, env), compile_node(node.then, env), compile_node(node.other, env))
        case Binary():
            return _binary(node, env)
        case Call():
            return _call(node, env)
        case _:
            raise Unhandled(node, "the scalar compiler")


def _name(node: Name, env: Env) -> Fn:
    kind, *rest = node.parts
    if kind == "member":
        get = member_getter(tuple(rest))
        return lambda m, f: None if m is None else get(m)
    if kind == "fact":
        if rest[0] in env.lazy:
            return env.lazy[rest[0]]
        slot = env.slots[rest[0]]
        return lambda m, f: f[slot]
    if kind == "param":
        value = env.params[rest[0]]
        return lambda m, f: value
    if kind in env.dates:
        day = env.dates[kind]
        return lambda m, f: day
    table = env.tables[rest[0]]
    return lambda m, f: table


def _truth(v: Value) -> bool | None:
    return None if v is None else bool(v)


def neg(v: Value) -> Value:
    """``-v`` of a known number."""
    if not isinstance(v, (int, Decimal)):
        raise TypeError(f"cannot negate {type(v).__name__}")  # the checker types the operand a number
    return -v if type(v) is int else EXACT.minus(v)  # a decimal's ``-`` would round to the caller's context


def member_of(x: Value, xs: Value, negate: bool) -> Value:
    """``x in xs`` (``not in`` when ``negate``): a table's listed keys, or a list's items."""
    if x is None or xs is None:
        return None
    if isinstance(xs, Table):
        if x not in xs.keys:
            return None if xs.unlisted_unknown else negate
        return not negate
    if isinstance(x, AtLeast):
        return None
    return contains(x, xs, negate)


def _unary(op: str, inner: Fn, bounded: bool) -> Fn:
    if op == "not":
        return lambda m, f: k_not(_truth(inner(m, f)))
    if bounded:
        return lambda m, f: None if (v := inner(m, f)) is None or isinstance(v, AtLeast) else neg(v)
    return lambda m, f: None if (v := inner(m, f)) is None else neg(v)


def _kleene(op: str, parts: list[Fn]) -> Fn:
    combine = k_or if op == "or" else k_and  # both stop at the first operand that decides
    return lambda m, f: combine(_truth(p(m, f)) for p in parts)


def _cond(test: Fn, then: Fn, other: Fn) -> Fn:
    def run(m: Record | None, f: Facts) -> Value:
        t = _truth(test(m, f))
        if t is None:
            result: Value = k_if(None, then(m, f), other(m, f))
            return result
        return then(m, f) if t else other(m, f)
    return run


def _binary(node: Binary, env: Env) -> Fn:
    left, right = compile_node(node.left, env), compile_node(node.right, env)
    if node.op in ("in", "not in"):
        negate = node.op == "not in"
        return lambda m, f: member_of(left(m, f), right(m, f), negate)
    op = OPERATORS[node.op]
    if env.bounded:
        return _bounded_binary(node.op, op, left, right)

    def run(m: Record | None, f: Facts) -> Value:
        a = left(m, f)
        if a is None:
            return None
        b = right(m, f)
        result: Value = None if b is None else op(a, b)
        return result
    return run


def _bounded_binary(name: str, op: Callable[[Value, Value], Value], left: Fn, right: Fn) -> Fn:
    """A binary operator where either side may be a lower bound (see ``bounds``)."""
    settle = bounds.compare if name in COMPARISON else bounds.arithmetic

    def run(m: Record | None, f: Facts) -> Value:
        a = left(m, f)
        if a is None:
            return None
        b = right(m, f)
        if b is None:
            return None
        if type(a) is AtLeast or type(b) is AtLeast:  # exact type: no subclass exists, and this is hot
            return settle(name, a, b)
        return op(a, b)
    return run


def _call(node: Call, env: Env) -> Fn:
    args = [compile_node(a, env) for a in node.args]
    if node.func.parts[0] == "table":
        return _lookup(env.tables[node.func.parts[1]], args[0], args[1])
    fn = FUNCTIONS[node.func.dotted]
    impl: Callable[..., Value] = fn.impl
    if fn.name == "coalesce":
        def first_known(m: Record | None, f: Facts) -> Value:
            return next((v for a in args if (v := a(m, f)) is not None), None)
        return first_known
    if not fn.strict:
        if len(args) == 2:
            a0, a1 = args
            return lambda m, f: impl(a0(m, f), a1(m, f))
        return lambda m, f: impl(*[a(m, f) for a in args])

    bounded, name = env.bounded, fn.name
    if len(args) == 1:  # the common shapes without a list per call
        (a0,) = args

        def strict1(m: Record | None, f: Facts) -> Value:
            v = a0(m, f)
            if v is None:
                return None
            if bounded and type(v) is AtLeast:
                result: Value = bounds.call(name, [v])
                return result
            return impl(v)
        return strict1

    def strict(m: Record | None, f: Facts) -> Value:
        values = [a(m, f) for a in args]
        if None in values:
            return None
        if bounded:
            for v in values:
                if type(v) is AtLeast:
                    result: Value = bounds.call(name, values)
                    return result
        return impl(*values)
    return strict


def table_values(table: Table) -> dict[Value, Value]:
    """What ``table.t(key, …)`` gives for each listed key: its value, or an ``AtLeast`` for a row that
    holds a lower bound."""
    return {k: bounds.row(table, k) for k in table.values or {}}


def _lookup(table: Table, key_of: Fn, default: Fn) -> Fn:
    """``table.t(key, default)``: a listed key's value; an unlisted one is the default, or unknown
    when the table says its silence is unknown."""
    values = table_values(table)
    if table.unlisted_unknown:
        return lambda m, f: values.get(key_of(m, f))

    def lookup(m: Record | None, f: Facts) -> Value:
        key = key_of(m, f)
        return None if key is None else values[key] if key in values else default(m, f)
    return lookup
