"""Compile a checked expression tree to nested closures (no eval): f(member, facts) -> value.

``None`` is *unknown*. Comparisons and arithmetic with an unknown side are unknown; ``and`` and
``or`` follow Kleene's strong three-valued logic; an ``if`` with an unknown test is known only
when both branches agree.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from bsu_rules import bounds
from bsu_rules.bounds import AtLeast
from bsu_rules.catalogue import FUNCTIONS
from bsu_rules.ruleset.expressions import Binary, BoolOp, Call, Cond, ListLit, Lit, Name, Node, Unary, walk
from bsu_rules.ruleset.tables import Table

Fn = Callable[[Any, list[Any]], Any]
_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "//": operator.floordiv,
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne,
}


class Env:
    """What names mean in one plan: parameter values, tables, fact slots, the as_of date."""

    def __init__(self, params: dict[str, Any], tables: dict[str, Table], slots: dict[str, int],
                 as_of: Any, on: Any) -> None:
        self.params, self.tables, self.slots = params, tables, slots
        self.hoisted: dict[int, int] = {}  # id(call node) -> slot computed once per member
        self.lazy: dict[str, Fn] = {}  # facts no condition reads: computed only when asked for
        self.dates = {"as_of": as_of, "decision_date": on}
        self.bounded = any(t.bounds for t in tables.values())  # some value may be a lower bound


def member_getter(path: tuple[str, ...]) -> Callable[[Any], Any]:
    """A getter for ``member.a.b`` that gives None when any step is None."""
    if len(path) == 1:
        return operator.attrgetter(path[0])
    head, rest = path[0], member_getter(path[1:])

    def get(m: Any) -> Any:
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
    if isinstance(node, Lit):
        value = node.value
        return lambda m, f: value
    if isinstance(node, Name):
        return _name(node, env)
    if isinstance(node, ListLit):
        items = [compile_node(i, env) for i in node.items]
        if all(isinstance(i, Lit) for i in node.items):
            frozen = tuple(i.value for i in node.items)  # type: ignore[attr-defined]
            return lambda m, f: frozen
        return lambda m, f: tuple(i(m, f) for i in items)
    if isinstance(node, Unary):
        inner = compile_node(node.operand, env)
        if node.op == "not":
            return lambda m, f: None if (v := inner(m, f)) is None else not v
        if env.bounded:
            return lambda m, f: None if (v := inner(m, f)) is None or isinstance(v, AtLeast) else -v
        return lambda m, f: None if (v := inner(m, f)) is None else -v
    if isinstance(node, BoolOp):
        return _kleene(node.op, [compile_node(o, env) for o in node.operands])
    if isinstance(node, Cond):
        return _cond(compile_node(node.test, env), compile_node(node.then, env), compile_node(node.other, env))
    if isinstance(node, Binary):
        return _binary(node, env)
    if isinstance(node, Call):
        return _call(node, env)
    raise TypeError(node)


def _name(node: Name, env: Env) -> Fn:
    kind, *rest = node.parts
    if kind == "member":
        get = member_getter(tuple(rest))
        return lambda m, f: get(m)
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


def _kleene(op: str, parts: list[Fn]) -> Fn:
    stop = op == "or"  # the value that decides at once: True for or, False for and

    def run(m: Any, f: list[Any]) -> Any:
        unknown = False
        for part in parts:
            v = part(m, f)
            if v is None:
                unknown = True
            elif v is stop:
                return stop
        return None if unknown else not stop
    return run


def _cond(test: Fn, then: Fn, other: Fn) -> Fn:
    def run(m: Any, f: list[Any]) -> Any:
        t = test(m, f)
        if t is None:
            a, b = then(m, f), other(m, f)
            return a if a == b else None
        return then(m, f) if t else other(m, f)
    return run


def _binary(node: Binary, env: Env) -> Fn:
    left, right = compile_node(node.left, env), compile_node(node.right, env)
    if node.op in ("in", "not in"):
        negate = node.op == "not in"

        def contains(m: Any, f: list[Any]) -> Any:
            x, xs = left(m, f), right(m, f)
            if x is None or xs is None:
                return None
            if isinstance(xs, Table):
                if x not in xs.keys:
                    return None if xs.unlisted_unknown else negate
                return not negate
            if isinstance(x, AtLeast):
                return None
            return (x in xs) is not negate
        return contains
    op = _OPS[node.op]
    if env.bounded:
        return _bounded_binary(node.op, op, left, right)

    def run(m: Any, f: list[Any]) -> Any:
        a = left(m, f)
        if a is None:
            return None
        b = right(m, f)
        return None if b is None else op(a, b)
    return run


def _bounded_binary(name: str, op: Callable[[Any, Any], Any], left: Fn, right: Fn) -> Fn:
    """A binary operator where either side may be a lower bound (see ``bounds``)."""
    settle = bounds.compare if name in ("<", "<=", ">", ">=", "==", "!=") else bounds.arithmetic

    def run(m: Any, f: list[Any]) -> Any:
        a = left(m, f)
        if a is None:
            return None
        b = right(m, f)
        if b is None:
            return None
        if isinstance(a, AtLeast) or isinstance(b, AtLeast):
            return settle(name, a, b)
        return op(a, b)
    return run


def _call(node: Call, env: Env) -> Fn:
    args = [compile_node(a, env) for a in node.args]
    if node.func.parts[0] == "table":
        table, key_of, default = env.tables[node.func.parts[1]], args[0], args[1]
        values: dict[str, Any] = dict(table.values or {})
        for key in table.bounds:
            values[key] = AtLeast(values[key], (f"table.{table.name}[{key}]",))
        if table.unlisted_unknown:
            return lambda m, f: values.get(key_of(m, f))

        def lookup(m: Any, f: list[Any]) -> Any:
            key = key_of(m, f)
            return None if key is None else values[key] if key in values else default(m, f)
        return lookup
    fn = FUNCTIONS[node.func.dotted]
    impl = fn.impl
    if fn.name == "coalesce":
        def first_known(m: Any, f: list[Any]) -> Any:
            return next((v for a in args if (v := a(m, f)) is not None), None)
        return first_known
    if not fn.strict:
        if len(args) == 2:
            a0, a1 = args
            return lambda m, f: impl(a0(m, f), a1(m, f))
        return lambda m, f: impl(*[a(m, f) for a in args])

    def strict(m: Any, f: list[Any]) -> Any:
        values = [a(m, f) for a in args]
        return None if any(v is None for v in values) else impl(*values)
    if not env.bounded:
        return strict
    name = fn.name

    def strict_bounded(m: Any, f: list[Any]) -> Any:
        values = [a(m, f) for a in args]
        if any(v is None for v in values):
            return None
        if any(isinstance(v, AtLeast) for v in values):
            return bounds.call(name, values)
        return impl(*values)
    return strict_bounded
