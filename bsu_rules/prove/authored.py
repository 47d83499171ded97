"""Properties policy staff write beside the rule-author tests, in the rule language.

``rules/tests/<ruleset>.properties.yaml``::

    ruleset: bsu-2022
    properties:
      - name: only wage earners are paid
        always: member.participant_category == "PU" or not eligible
      - name: a PPPK worker can still be paid (and is flagged)
        sometimes: eligible and member.employment_type == "pppk"

An expression reads what rules read, plus ``eligible``, ``ineligible`` and ``undetermined`` (the
outcome, never unknown). ``always``: true for every member (unknown counts as not true);
``sometimes``: true for at least one member, shown.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import z3

from bsu_rules.evaluators.compile import compile_node
from bsu_rules.members import parse_member
from bsu_rules.members.redact import shortened
from bsu_rules.prove.encode import check_text
from bsu_rules.prove.properties import Prover
from bsu_rules.prove.realize import Record
from bsu_rules.prove.symbols import TRUE, ProveError, Sym
from bsu_rules.prove.verdict import Verdict
from bsu_rules.ruleset.expressions import Lit, Name, Node, ParseError
from bsu_rules.ruleset.files import RULE_FILE_LIMIT, UnsafePath, followed, read_beside, read_limited
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.schema import no_personal_number, one_line
from bsu_rules.ruleset.source import read_yaml
from bsu_rules.ruleset.types import BOOL

OUTCOMES = ("eligible", "ineligible", "undetermined")
SUFFIX = ".properties.yaml"


@dataclass(frozen=True)
class Property:
    name: str
    form: str  # "always" | "sometimes"
    text: str
    tree: Node


def path_for(ruleset: RuleSet) -> Path:
    """Where a rule set's properties live: its test folder, named after the rule set."""
    return ruleset.path.parent / "tests" / f"{ruleset.id}{SUFFIX}"


def load(path: Path, ruleset: RuleSet, *, beside: bool = False) -> list[Property]:
    """Read and type-check a property file (safe YAML, a regular file within the rule file limit; ``beside``:
    the rule set's own, ``path_for``, read only inside the rule file's folder); ProveError names what is wrong."""
    try:
        raw = read_beside(ruleset.path.parent, path.relative_to(ruleset.path.parent).as_posix(), RULE_FILE_LIMIT) \
            if beside else read_limited(followed(path), RULE_FILE_LIMIT)
    except UnsafePath as exc:
        raise ProveError(f"{path}: the property file {exc}") from None
    located = read_yaml(raw, str(path))
    data = located.data
    if located.diagnostics:
        raise ProveError("; ".join(str(d) for d in located.diagnostics))
    if not isinstance(data, dict) or not isinstance(data.get("properties"), list):
        raise ProveError(f"{path}: expected `ruleset:` and a list of `properties:`")
    if data.get("ruleset") != ruleset.id:
        written = f"`{shortened(data['ruleset'])}`" if isinstance(data.get("ruleset"), str) else "no rule set id"
        raise ProveError(f"{path}: written for {written}, not {ruleset.id}")
    out = []
    for i, item in enumerate(data["properties"], 1):
        forms = [f for f in ("always", "sometimes") if isinstance(item, dict) and f in item]
        line = "{}:{}".format(*located.at(("properties", i - 1)))
        extra = sorted(set(item) - {"name", "always", "sometimes"}, key=str) if isinstance(item, dict) else []
        if extra:
            raise ProveError(f"{path}:{line}: property {i}: unknown key `{shortened(str(extra[0]))}` (a property "
                             "has `name` and "
                             "`always` or `sometimes`)")
        if len(forms) != 1 or not isinstance(item.get("name"), str):
            raise ProveError(f"{path}:{line}: property {i} needs a `name` and exactly one of `always` or "
                             "`sometimes`")
        text, where = str(item[forms[0]]), ("properties", i - 1, forms[0])
        try:  # published beside the rule file, and repeated by `prove`: a property names no person either
            one_line(item["name"])  # a line of its own in `prove`'s report: it forges none
            no_personal_number(text)
        except ValueError as exc:
            raise ProveError(f"{path}:{line}: property {i}: {exc}") from None
        try:
            tree = check_text(text, ruleset, dict.fromkeys(OUTCOMES, BOOL))
        except (ParseError, ProveError) as exc:
            at = "{}:{}".format(*located.expression_at(where, exc.offset)) if exc.offset is not None else line
            raise ProveError(f"{path}:{at}: property {item['name']!r}: {exc}") from None
        if tree.type != BOOL:
            raise ProveError("{}:{}:{}: property {!r}: `{}` is {}; a property is true or false".format(
                path, *located.at(where), item["name"], text, tree.type.words if tree.type is not None else "unknown"))
        out.append(Property(item["name"], forms[0], text, tree))
    return out


def check(prover: Prover, prop: Property) -> Verdict:
    """Prove one authored property; a member shown is re-decided and the property re-computed."""
    e = prover.encoder
    outcomes = {name: Sym("bool", e.outcome(name), TRUE) for name in OUTCOMES}
    value = e.encode(prop.tree, outcomes)
    goal = z3.And(value.known, value.term)

    def confirm(records: list[Record]) -> str | None:
        got = evaluate(prover, prop.tree, records[0])
        wanted_true = prop.form == "sometimes"
        return None if (got is True) == wanted_true else f"the scalar evaluator computes {got}"
    return prover.check(prop.name, f"{prop.form}: {prop.text}", prop.form, goal, confirm)


def evaluate(prover: Prover, tree: Node, record: Record) -> Any:
    """The property's value on one member, by the scalar evaluator's own code."""
    member = parse_member(record)
    outcome = prover.plan.decide(member).outcome.value
    concrete = _substitute(tree, {name: name == outcome for name in OUTCOMES})
    return compile_node(concrete, prover.plan.env)(member, prover.plan.fact_values(member))


def _substitute(node: Node, values: dict[str, bool]) -> Node:
    if isinstance(node, Name) and node.dotted in values:
        lit: Node = Lit(node.start, node.end, values[node.dotted])
        lit.type = BOOL
        return lit
    changes: dict[str, Any] = {}
    for f in fields(node):
        if not f.init:
            continue
        v = getattr(node, f.name)
        if isinstance(v, Node):
            changes[f.name] = _substitute(v, values)
        elif isinstance(v, list) and v and isinstance(v[0], Node):
            changes[f.name] = [_substitute(x, values) for x in v]
    copy = replace(node, **changes)
    copy.type = node.type
    return copy
