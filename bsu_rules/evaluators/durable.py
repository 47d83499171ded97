"""The durable_rules backend (optional extra ``bsu-rules[durable]``): rule logic run by durable_rules.

Each in-force criterion becomes three durable rules that exclude each other: its condition
*holds*, *fails* or is *unknown* (Kleene's logic as three two-valued conditions, tested against
``semantics.truth_table``). The leaves durable_rules cannot compute (catalogue functions, facts,
table look-ups) are computed by the same compiled closures as the scalar evaluator and posted as
event fields; comparisons, ``in`` lists, ``and``/``or``/``not`` run inside durable_rules. Dates
are posted as day numbers, months as month indices (``months``); a decimal comparison is computed
before posting (durable_rules would turn it into a float).

durable_rules consumes an event at the first rule that matches and keeps rule sets in one
process-wide registry, and it has been seen to lose actions: every posted event must match
exactly one rule, and a decision with any criterion missing its answer raises DurableShortfall.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import TYPE_CHECKING, Any

from durable import engine
from durable.lang import delete_state, get_host, get_state, m, post_batch, ruleset, when_all

from bsu_rules.bounds import MIRROR
from bsu_rules.evaluators.compile import Fn, compile_node, is_constant
from bsu_rules.months import month_index
from bsu_rules.ruleset.expressions import Binary, BoolOp, Call, Cond, ListLit, Lit, Name, Node, Unary, Unhandled
from bsu_rules.ruleset.types import DATE, MONTH, Type
from bsu_rules.semantics import COMPARISON, NEGATED, decisive

if TYPE_CHECKING:
    from bsu_rules.decisions import Decision
    from bsu_rules.evaluators.scalar import Plan
    from bsu_rules.members import Member

_ORDERED = ("int", "date", "month")
_names = itertools.count()


class DurableShortfall(RuntimeError):
    """durable_rules did not answer for every criterion of a member."""


def _post(value: Any, kind: Type | None) -> Any:
    """A value as durable_rules compares it exactly: dates and months as integers."""
    if value is None or kind is None:
        return value
    if kind == DATE:
        return value.toordinal() if isinstance(value, date) else value
    if kind == MONTH:
        return month_index(value)
    return value


class _Leaf:
    """A value computed in Python and posted as the event field ``name``."""

    def __init__(self, name: str, fn: Fn, kind: Type | None) -> None:
        self.name, self.fn, self.kind = name, fn, kind


class _Translator:
    """Typed tree -> (holds, fails, unknown) durable_rules conditions, collecting the leaves."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.leaves: list[_Leaf] = []

    def leaf(self, node: Node, kind: Type | None) -> Any:
        name = f"v{len(self.leaves)}"
        self.leaves.append(_Leaf(name, compile_node(node, self.plan.env), kind))
        return getattr(m, name)

    def const(self, node: Node) -> Any:
        return _post(compile_node(node, self.plan.env)(None, []), node.type)

    def boolean(self, node: Node) -> tuple[Any, Any, Any]:
        v = self.leaf(node, None)
        return v == True, v == False, -v  # noqa: E712 (durable_rules conditions, not Python tests)

    def tri(self, node: Node) -> tuple[Any, Any, Any]:
        match node:
            case BoolOp():
                return _connective([self.tri(o) for o in node.operands], node.op)
            case Unary(op="not"):
                h, f, u = self.tri(node.operand)
                return f, h, u
            case Binary() if self.plan.ruleset.may_be_bound(node):
                return self.boolean(node)  # a lower bound is settled by the scalar closures (``bounds``)
            case Binary(op=op) if op in COMPARISON and self._orderable(node):
                return self._compare(node)
            case Binary(op="in" | "not in", right=ListLit(items=items)) if items and all(
                    isinstance(i, Lit) for i in items) and not is_constant(node.left):
                v = self.leaf(node.left, node.left.type)
                values = [_post(i.value, node.left.type) for i in items if isinstance(i, Lit)]
                inside = _any([v == x for x in values])
                outside = _all([v != x for x in values])
                h, f = (inside, outside) if node.op == "in" else (outside, inside)
                return h, f, -v
            case Lit() | Name() | Call() | ListLit() | Unary() | Binary() | Cond():
                return self.boolean(node)  # computed by the scalar closures and posted
            case _:
                raise Unhandled(node, "the durable_rules translation")

    def _orderable(self, node: Binary) -> bool:
        kinds = {t.name for t in (node.left.type, node.right.type) if t is not None}
        text_equality = kinds == {"str"} and node.op in ("==", "!=")
        return (kinds <= set(_ORDERED) or text_equality) and not (is_constant(node.left) and is_constant(node.right))

    def _compare(self, node: Binary) -> tuple[Any, Any, Any]:
        sides, absent, present = [], [], []
        for side in (node.left, node.right):
            if is_constant(side):
                sides.append(self.const(side))
            else:
                v = self.leaf(side, side.type)
                sides.append(v)
                absent.append(-v)
                present.append(+v)  # a missing field is not reliably false in a field-to-field test
        left, right = sides
        if not absent or left is None or right is None:
            return self.boolean(node)
        known = _all(present)
        return known & _op(left, node.op, right), known & _op(left, NEGATED[node.op], right), _any(absent)


def _op(a: Any, op: str, b: Any) -> Any:
    if not hasattr(a, "__and__") or isinstance(a, (int, str)):  # durable needs the field on the left
        a, b, op = b, a, MIRROR[op]
    return COMPARISON[op](a, b)


def _any(xs: list[Any]) -> Any:
    out = xs[0]
    for x in xs[1:]:
        out = out | x
    return out


def _all(xs: list[Any]) -> Any:
    out = xs[0]
    for x in xs[1:]:
        out = out & x
    return out


def _connective(parts: list[tuple[Any, Any, Any]], op: str) -> tuple[Any, Any, Any]:
    """Kleene's ``and``/``or`` as (holds, fails, unknown): the decisive value if any part has it, the
    other value if all parts do, else unknown (``semantics.decisive``)."""
    hs, fs, us = (list(side) for side in zip(*parts, strict=True))
    decided, other = (hs, fs) if decisive(op) else (fs, hs)
    some = _any(decided)
    every = _all(other)
    unknown = _all([o | u for o, u in zip(other, us, strict=True)]) & _any(us)
    return (some, every, unknown) if decisive(op) else (every, some, unknown)


class DurablePlan:
    """A scalar Plan whose rule conditions are decided by durable_rules.

    durable_rules caps the expressions of one condition (nested ``and``/``or``, or about seven
    operands, exceed it): a rule it refuses is posted whole, as one leaf computed by the scalar
    closures, and the others still run in durable_rules."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        base = f"bsu-{plan.ruleset.sha256[:12]}-{plan.on.isoformat()}-{next(_names)}"
        rules = [self._translate(r.checked.tree) for r in plan.rules]
        self.name = base
        if not _register(base, rules):
            for i, r in enumerate(plan.rules):
                if not _register(f"{base}-probe-{i}", [rules[i]], i):
                    rules[i] = self._translate(r.checked.tree, whole=True)
            self.name = f"{base}-posted"
            if not _register(self.name, rules):
                raise DurableShortfall(f"durable_rules refuses the rules of {plan.ruleset.id}")
        self.leaves = [leaves for _, leaves in rules]
        self._sids = itertools.count()

    def _translate(self, tree: Node, whole: bool = False) -> tuple[tuple[Any, Any, Any], list[_Leaf]]:
        t = _Translator(self.plan)
        conditions = t.boolean(tree) if whole else t.tri(tree)
        return conditions, t.leaves

    def conditions(self, member: Member) -> list[bool | None]:
        """Each in-force rule's condition as durable_rules decides it. Its engine now and then drops an
        action ("Could not complete and start action, error code: 307"), so a member whose answers are not
        all given is posted again, under a new session, up to ``_TRIES`` times in all."""
        facts = self.plan.fact_values(member)
        events = []
        for i, leaves in enumerate(self.leaves):
            event: dict[str, Any] = {"c": i}
            for leaf in leaves:
                value = _post(leaf.fn(member, facts), leaf.kind)
                if value is not None:
                    event[leaf.name] = value
            events.append(event)
        for _ in range(_TRIES):
            sid = f"{self.name}-{next(self._sids)}"
            post_batch(self.name, [{"sid": sid, **e} for e in events])  # its return value is sometimes None:
            state = get_state(self.name, sid)  # read the state itself
            delete_state(self.name, sid)
            answers = [state.get(f"r{i}") for i in range(len(self.leaves))]
            if None not in answers:
                return [{"H": True, "F": False, "U": None}[a] for a in answers]
        lost = [self.plan.rules[i].id for i, a in enumerate(answers) if a is None]
        raise DurableShortfall(f"durable_rules gave no answer for {', '.join(lost)} ({_TRIES} tries, the last "
                               f"sid {sid})")

    def decide(self, member: Member, hints: bool = False, input_sha256: str | None = None) -> Decision:
        return self.plan.decide(member, conditions=self.conditions(member), hints=hints, input_sha256=input_sha256)


_TRIES = 3
"""How many times a member is posted before durable_rules' missing answers are said (``DurableShortfall``)."""


def _register(name: str, rules: list[tuple[tuple[Any, Any, Any], list[_Leaf]]], first: int = 0) -> bool:
    """Define a ruleset (rules numbered from ``first``) and register it now, so that a refusal shows
    here and not at the first post (where it would also drop every other ruleset defined meanwhile).
    False if durable_rules refuses it for its size."""
    with ruleset(name):
        for i, (conditions, _) in enumerate(rules, start=first):
            for side, condition in zip("HFU", conditions, strict=True):
                when_all((m.c == i) & condition)(_action(i, side))
    try:
        get_host()
    except engine.durable_rules_engine.error as exc:
        if "error code: 113" not in str(exc):  # ERR_EXPRESSION_LIMIT_EXCEEDED
            raise
        return False
    return True


def _action(i: int, side: str) -> Any:
    def record(c: Any) -> None:
        c.s[f"r{i}"] = side
    record.__name__ = f"r{i}_{side}"
    return record
