"""What an expression can come out as, read statically from the typed tree.

``may_be_unknown`` tells whether some valid record makes an expression unknown (a rule that
reads only required fields never is); ``truth_values`` gives the values a condition can take, so
a coverage report asks tests only for the sides a rule can reach. The logical operators are not
restated here: their values are those of the semantics core over the operands' value sets.
"""

from __future__ import annotations

from functools import cache

from bsu_rules.catalogue import FUNCTIONS, Function
from bsu_rules.members import Member
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
from bsu_rules.ruleset.folding import chosen, connected, negated
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.semantics import Truth

Truths = frozenset[Truth]
_BOTH: Truths = frozenset({True, False})


@cache
def required_fields() -> frozenset[str]:
    """``member.<field>`` paths the contract requires (never unknown)."""
    return frozenset(f"member.{n}" for n, f in Member.model_fields.items() if f.is_required())


def _unknown_table(node: Node, ruleset: RuleSet) -> bool:
    return (isinstance(node, Name) and node.parts[0] == "table" and len(node.parts) == 2
            and ruleset.tables[node.parts[1]].unlisted_unknown)


def function_unknown(fn: Function, args: list[bool]) -> bool:
    """Whether a call of ``fn`` may be unknown, given which arguments may be: the one place that
    reads the catalogue's unknown-handling."""
    if fn.own_unknown:
        return True
    if fn.name == "coalesce":
        return all(args)
    if fn.strict or fn.unknown_from is None:
        return any(args)
    return any(args[i] for i in fn.unknown_from if i < len(args))


def reads_absence(node: Node, field: str, ruleset: RuleSet) -> bool:
    """Whether ``node`` reads the member field ``field`` left unknown as a value of its own: through an
    argument a function gives a known result for when it is unknown (``known(member.kpj)``, ``coalesce``,
    ``happened_by``'s event date), other than one read as every value it could take (``highest_for``'s
    code). Anywhere else an unknown field leaves what reads it unknown, or bounds every value it could
    take: a condition false with the field unknown is false whichever value it is given."""
    match node:
        case Name(parts=("fact", name, *_)):
            return reads_absence(ruleset.facts[name], field, ruleset)
        case Call(func=Name(parts=(name,))) if name in FUNCTIONS:
            fn = FUNCTIONS[name]
            told = () if fn.strict else range(len(node.args)) if fn.unknown_from is None else \
                [i for i in range(len(node.args)) if i not in fn.unknown_from]
            return any(reads_field(node.args[i], field, ruleset) for i in told if i not in fn.unknown_as_every) or \
                any(reads_absence(a, field, ruleset) for a in node.args)
        case _:
            return any(reads_absence(child, field, ruleset) for child in node.children())


def reads_field(node: Node, field: str, ruleset: RuleSet) -> bool:
    """Whether ``node`` reads ``field`` (or a part of it, or what holds it), directly or through facts."""
    for n in walk(node):
        if isinstance(n, Name) and n.parts[0] == "fact" and reads_field(ruleset.facts[n.parts[1]], field, ruleset):
            return True
        if isinstance(n, Name) and (n.dotted == field or field.startswith(n.dotted + ".") or
                                    n.dotted.startswith(field + ".")):
            return True
    return False


def _may_be_zero(node: Node, ruleset: RuleSet) -> bool:
    """Whether a divisor may be zero (division by zero is unknown); True unless a constant says no."""
    match node:
        case Lit():
            return bool(node.value == 0)
        case Name(parts=("param", name)) if ruleset.model.parameters[name].values is None:
            return bool(ruleset.model.parameters[name].value == 0)
        case _:
            return True


def may_be_unknown(node: Node, ruleset: RuleSet) -> bool:
    """Whether some valid record makes ``node`` unknown (conservative: True when unsure)."""
    match node:
        case Lit():
            return False
        case Name(parts=("member", *_)):
            return node.dotted not in required_fields()
        case Name(parts=("fact", name, *_)):
            return may_be_unknown(ruleset.facts[name], ruleset)
        case Name(parts=("param", name, *_)):
            param = ruleset.model.parameters[name]
            return param.values is not None and None in param.values.values()
        case Name():
            return False  # tables, as_of, decision_date
        case Call(func=Name(parts=("table", name, *_))):
            table = ruleset.tables[name]  # a lower-bound row can leave what reads it unknown
            return table.unlisted_unknown or bool(table.bounds) or any(
                may_be_unknown(a, ruleset) for a in node.args)
        case Call():  # a table passed whole with lower-bound rows, or incomplete: its value may be only a bound,
            return any(isinstance(a, Name) and a.parts[0] == "table" and  # or unknown for a key it does not list
                       (ruleset.tables[a.parts[1]].gives_bounds or ruleset.tables[a.parts[1]].unlisted_unknown)
                       for a in node.args) or \
                function_unknown(FUNCTIONS[node.func.dotted], [may_be_unknown(a, ruleset) for a in node.args])
        case Binary(op="in" | "not in") if _unknown_table(node.right, ruleset):
            return True
        case Binary(op="//") if _may_be_zero(node.right, ruleset):
            return True
        case Binary() | BoolOp() | Cond() | Unary() | ListLit():
            return any(may_be_unknown(child, ruleset) for child in node.children())
        case _:
            raise Unhandled(node, "nullability (may_be_unknown)")


def truth_values(node: Node, ruleset: RuleSet) -> Truths:
    """The values a condition can take: a subset of {True, False, None}."""
    match node:
        case Lit():
            return frozenset({node.value})
        case Binary(op="in" | "not in") if _unknown_table(node.right, ruleset):
            return frozenset({node.op == "in", None})  # a listed key is in; an unlisted one is unknown
        case Unary(op="not"):
            return negated(truth_values(node.operand, ruleset))
        case BoolOp():
            return connected(node.op, (truth_values(o, ruleset) for o in node.operands))
        case Cond():
            parts = (truth_values(n, ruleset) for n in (node.test, node.then, node.other))
            return chosen(*parts)
        case Name() | Call() | Binary() | Unary() | ListLit():
            return _BOTH | ({None} if may_be_unknown(node, ruleset) else set())
        case _:
            raise Unhandled(node, "nullability (truth_values)")
