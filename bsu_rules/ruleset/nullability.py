"""Which expressions can come out unknown: a static reading of the typed tree.

Used to tell which sides of a rule a test can reach (a rule that reads only required fields can
never be unknown) and to name the data a decision needs.
"""

from __future__ import annotations

from functools import cache

from bsu_rules.ruleset.catalogue import FUNCTIONS
from bsu_rules.ruleset.expressions import Binary, BoolOp, Call, Cond, ListLit, Lit, Name, Node, Unary
from bsu_rules.ruleset.model import RuleSet


@cache
def required_fields() -> frozenset[str]:
    """``member.<field>`` paths the contract requires (never unknown)."""
    from bsu_rules.members import Member

    return frozenset(f"member.{n}" for n, f in Member.model_fields.items() if f.is_required())


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
            return may_be_unknown(node.args[0], ruleset) or may_be_unknown(node.args[1], ruleset)
        fn = FUNCTIONS[node.func.dotted]
        args = [may_be_unknown(a, ruleset) for a in node.args]
        if fn.own_unknown:
            return True
        if fn.name == "coalesce":
            return all(args)
        if fn.strict or fn.unknown_from is None:
            return any(args)
        return any(args[i] for i in fn.unknown_from if i < len(args))
    if isinstance(node, (Binary, BoolOp, Cond, Unary, ListLit)):
        return any(may_be_unknown(child, ruleset) for child in node.children())
    return True
