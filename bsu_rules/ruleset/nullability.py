"""What an expression can come out as, read statically from the typed tree.

``may_be_unknown`` tells whether some valid record makes an expression unknown (a rule that
reads only required fields never is); ``truth_values`` gives the values a condition can take, so
a coverage report asks tests only for the sides a rule can reach.
"""

from __future__ import annotations

from functools import cache

from bsu_rules.catalogue import FUNCTIONS
from bsu_rules.ruleset.expressions import Binary, BoolOp, Call, Cond, ListLit, Lit, Name, Node, Unary
from bsu_rules.ruleset.model import RuleSet

Truth = frozenset[bool | None]
_BOTH: Truth = frozenset({True, False})


@cache
def required_fields() -> frozenset[str]:
    """``member.<field>`` paths the contract requires (never unknown)."""
    from bsu_rules.members import Member

    return frozenset(f"member.{n}" for n, f in Member.model_fields.items() if f.is_required())


def _unknown_table(node: Node, ruleset: RuleSet) -> bool:
    return (isinstance(node, Name) and node.parts[0] == "table" and len(node.parts) == 2
            and ruleset.tables[node.parts[1]].unlisted_unknown)


def may_be_unknown(node: Node, ruleset: RuleSet) -> bool:
    """Whether some valid record makes ``node`` unknown (conservative: True when unsure)."""
    if isinstance(node, Lit):
        return False
    if isinstance(node, Name):
        kind = node.parts[0]
        if kind == "member":
            return node.dotted not in required_fields()
        if kind == "fact":
            return may_be_unknown(ruleset.facts[node.parts[1]], ruleset)
        if kind == "param":
            param = ruleset.model.parameters[node.parts[1]]
            return param.values is not None and None in param.values.values()
        return False
    if isinstance(node, Call):
        if node.func.parts[0] == "table":
            table = ruleset.tables[node.func.parts[1]]  # a lower-bound row can leave what reads it unknown
            return table.unlisted_unknown or bool(table.bounds) or any(
                may_be_unknown(a, ruleset) for a in node.args)
        fn = FUNCTIONS[node.func.dotted]
        args = [may_be_unknown(a, ruleset) for a in node.args]
        if fn.own_unknown:
            return True
        if fn.name == "coalesce":
            return all(args)
        if fn.strict or fn.unknown_from is None:
            return any(args)
        return any(args[i] for i in fn.unknown_from if i < len(args))
    if isinstance(node, Binary) and node.op in ("in", "not in") and _unknown_table(node.right, ruleset):
        return True
    if isinstance(node, (Binary, BoolOp, Cond, Unary, ListLit)):
        return any(may_be_unknown(child, ruleset) for child in node.children())
    return True


def truth_values(node: Node, ruleset: RuleSet) -> Truth:
    """The values a condition can take: a subset of {True, False, None}."""
    unknown: Truth = frozenset({None}) if may_be_unknown(node, ruleset) else frozenset()
    if isinstance(node, Lit):
        return frozenset({node.value})
    if isinstance(node, Binary) and node.op in ("in", "not in") and _unknown_table(node.right, ruleset):
        return frozenset({node.op == "in", None})  # a listed key is in; an unlisted one is unknown
    if isinstance(node, Unary) and node.op == "not":
        return frozenset(None if v is None else not v for v in truth_values(node.operand, ruleset))
    if isinstance(node, BoolOp):
        parts = [truth_values(o, ruleset) for o in node.operands]
        decisive = node.op == "or"  # True decides an `or`, False an `and`
        out: set[bool | None] = set()
        if any(decisive in p for p in parts):
            out.add(decisive)
        other = not decisive
        if all(p & {other, None} for p in parts):
            if all(other in p for p in parts):
                out.add(not decisive)
            if any(None in p for p in parts):
                out.add(None)
        return frozenset(out)
    return _BOTH | unknown
