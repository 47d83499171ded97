"""The reference evaluator: one member at a time, every criterion traced.

A Plan is a rule set compiled for one decision date: parameters resolved, rules out of force set
aside, every expression compiled to closures once. Tracing reads the same fact slots the
conditions used, so the traced path and the fast path are the same code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bsu_rules._version import __version__
from bsu_rules.bounds import AtLeast, rows_in
from bsu_rules.counterfactual import Counterfactuals
from bsu_rules.decisions import (
    Benefit,
    Decision,
    MemberRef,
    Outcome,
    ParameterRead,
    RuleOutcome,
    RuleResult,
    RuleSetRef,
    mask_nik,
    trusted,
)
from bsu_rules.evaluators.compile import Env, Fn, compile_node, member_getter
from bsu_rules.explain.sentences import Renderer
from bsu_rules.members import Member, decision_date, parse_member
from bsu_rules.ruleset.checker import Scope, TypeChecker
from bsu_rules.ruleset.expressions import Call, Name, Node, parse, unparse, walk
from bsu_rules.ruleset.schema import Kind
from bsu_rules.ruleset.types import HISTORIES

if TYPE_CHECKING:
    from bsu_rules.ruleset.model import CheckedRule, RuleSet

ENGINE = f"bsu-rules {__version__}"
_EFFECT = {
    Kind.REQUIRE: (RuleResult.PASS, RuleResult.FAIL),
    Kind.EXCLUDE: (RuleResult.FAIL, RuleResult.PASS),
    Kind.PRIORITIZE: (RuleResult.PRIORITIZED, RuleResult.NOT_PRIORITIZED),
    Kind.FLAG: (RuleResult.FLAGGED, RuleResult.PASS),
}


_PLAIN = (type(None), bool, int, str)


def jsonable(value: Any) -> Any:
    """A trace value as JSON data: dates and decimals as text, histories as lists of objects."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, AtLeast):
        return {"at_least": jsonable(value.value)}
    if isinstance(value, (date, Decimal)):
        return str(value)
    if isinstance(value, (list, tuple, frozenset)):
        return [jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return dict(sorted(value.model_dump(mode="json", exclude_none=True).items()))
    return str(value)


_QUIET = (RuleResult.PASS, RuleResult.PRIORITIZED, RuleResult.NOT_PRIORITIZED)
_PRIVATE = {"member.nik": mask_nik, "member.bank_account.number": mask_nik}


def _private(label: str, get: Fn) -> Fn:
    """Identifiers read by a rule are traced masked: a decision never carries a full NIK."""
    mask = _PRIVATE.get(label)
    if mask is None:
        return get
    return lambda m, f: None if (v := get(m, f)) is None else mask(v)


class CompiledRule:
    """One in-force rule ready to run: its condition, its trace getters, its renderer."""

    def __init__(self, plan: Plan, checked: CheckedRule) -> None:
        self.checked, self.rule = checked, checked.rule
        self.kind = self.rule.kind
        self.condition = compile_node(checked.tree, plan.env)
        self.on_true, self.on_false = _EFFECT[self.kind]
        fixed, self.trace = {}, []
        for label in checked.reads:
            if label.startswith(("param.", "as_of", "decision_date")):
                fixed[label] = jsonable(plan.getter(label)(None, []))
            else:
                self.trace.append((label, _private(label, plan.getter(label))))
        self.fixed: dict[str, Any] = fixed
        self.missing = [(p, member_getter(tuple(p.split(".")[1:])))
                        for p in plan.ruleset.member_reads(checked.tree)]
        facts = plan.ruleset.facts_read([checked.tree])  # slots that may hold a lower bound
        self.bound_slots = [plan.env.slots[n] for n in facts if n in plan.env.slots] if plan.env.bounded else []
        tables = plan.ruleset.tables  # tables whose silence is unknown
        self.incomplete = [f"table.{n.parts[1]}" for n in walk(checked.tree) if isinstance(n, Name)
                           and n.parts[0] == "table" and tables[n.parts[1]].unlisted_unknown]
        self.id, self.kind_name = self.rule.id, self.kind.value
        self.source, self.basis = self.rule.source, self.rule.basis.value


class Plan:
    """A rule set compiled for one decision date."""

    def __init__(self, ruleset: RuleSet, on: date) -> None:
        self.ruleset, self.on = ruleset, on
        model = ruleset.model
        self.as_of = model.as_of
        self.reads = {name: ruleset.parameter(name, on) for name in model.parameters}
        params = {name: value for name, (value, _) in self.reads.items()}
        in_force = [c for c in ruleset.rules if c.rule.in_force.contains(on)]
        needed = ruleset.facts_read([c.tree for c in in_force] + ([ruleset.channel] if ruleset.channel else []))
        eager = [name for name in ruleset.facts if name in needed]
        self.env = Env(params, ruleset.tables, {name: i for i, name in enumerate(eager)}, model.as_of, on)
        self.facts = [compile_node(ruleset.facts[name], self.env) for name in eager]
        for name in ruleset.facts:  # facts only explanations read are computed when one is rendered
            if name not in needed:
                self.env.lazy[name] = compile_node(ruleset.facts[name], self.env)
        self.hoisted: dict[str, int] = {}
        for checked in in_force:
            self._hoist(checked.tree)
        self.rules = [CompiledRule(self, c) for c in in_force]
        self.out_of_force = [c.rule for c in ruleset.rules if not c.rule.in_force.contains(on)]
        self.channel = compile_node(ruleset.channel, self.env) if ruleset.channel else None
        self.channel_reads = [(p, member_getter(tuple(p.split(".")[1:])))
                              for p in (ruleset.member_reads(ruleset.channel) if ruleset.channel else [])]
        self.renderer = Renderer(self)
        self.counterfactuals = Counterfactuals(self)  # hint solvers, built once; used only on failure
        b = model.benefit
        self.benefit = Benefit(amount=b.amount, monthly=b.monthly, months=b.months, instalments=b.instalments)
        self.ref = RuleSetRef(id=ruleset.id, version=ruleset.version, sha256=ruleset.sha256)
        self.parameters = {name: ParameterRead(value=jsonable(v), since=since)
                           for name, (v, since) in sorted(self.reads.items())}
        self.skipped = [RuleOutcome(id=r.id, kind=r.kind.value, outcome=RuleResult.NOT_IN_FORCE,
                                    source=r.source, basis=r.basis.value) for r in self.out_of_force]

    def _hoist(self, tree: Node) -> None:
        """Give each call over a member history a slot, computed once per member and traced from it."""
        for node in walk(tree):
            if isinstance(node, Call) and any(a.type in HISTORIES for a in node.args):
                label = unparse(node)
                if label not in self.hoisted:
                    self.hoisted[label] = len(self.facts)
                    self.facts.append(compile_node(node, self.env))
                self.env.hoisted[id(node)] = self.hoisted[label]

    def getter(self, label: str) -> Fn:
        """A closure giving the value a trace label stands for."""
        if label in self.hoisted:
            slot = self.hoisted[label]
            return lambda m, f: f[slot]
        if "(" not in label:
            return compile_node(Name(0, 0, tuple(label.split("."))), self.env)
        tree = parse(label)
        scope = Scope(self.ruleset.param_types, {k: t.type for k, t in self.ruleset.tables.items()},
                      {k: "" for k in self.ruleset.facts})
        TypeChecker(scope, lambda *a: None).check(tree)
        return compile_node(tree, self.env)

    def fact_values(self, member: Member) -> list[Any]:
        values: list[Any] = []
        for fact in self.facts:
            values.append(fact(member, values))
        return values

    def decide(self, member: Member, input_sha256: str | None = None,
               conditions: Sequence[bool | None] | None = None) -> Decision:
        """The decision with its full trace. ``conditions``: each in-force rule's condition as
        another evaluator found it (the durable backend); the trace is built the same way."""
        f = self.fact_values(member)
        outcomes: list[RuleOutcome] = []
        failed = unknown = False
        priority, flags, missing_all = 0, [], []
        for i, r in enumerate(self.rules):
            holds = r.condition(member, f) if conditions is None else conditions[i]
            result = r.on_true if holds else r.on_false if holds is not None else RuleResult.UNKNOWN
            values = dict(r.fixed)
            raw = [(label, get(member, f)) for label, get in r.trace]
            for label, value in raw:
                values[label] = jsonable(value)
            values = dict(sorted(values.items()))
            missing: list[str] = []
            if result is RuleResult.UNKNOWN:
                missing = [p for p, get in r.missing if get(member) is None] or \
                    [k for k, v in values.items() if v is None] or \
                    list(rows_in([v for _, v in raw] + [f[i] for i in r.bound_slots])) or r.incomplete
                if r.kind in (Kind.REQUIRE, Kind.EXCLUDE):
                    unknown = True
                    missing_all += [m for m in missing if m not in missing_all]
            elif result is RuleResult.FAIL:
                failed = True
            elif result is RuleResult.PRIORITIZED:
                priority += 1
            elif result is RuleResult.FLAGGED:
                flags.append(r.rule.id)
            explain = None if result in _QUIET else self.renderer.explain(r, result, member, f, missing)
            outcomes.append(trusted(RuleOutcome, {
                "id": r.id, "kind": r.kind_name, "outcome": result, "values": values, "missing": missing,
                "source": r.source, "basis": r.basis, "explain": explain, "hint": None}))
        if failed:
            outcomes = self.counterfactuals.annotate(member, f, outcomes, unknown)
        outcome = Outcome.INELIGIBLE if failed else Outcome.UNDETERMINED if unknown else Outcome.ELIGIBLE
        eligible = outcome is Outcome.ELIGIBLE
        channel = self.channel(member, f) if eligible and self.channel else None
        if eligible and self.channel and channel is None:  # paid, but the data to choose how is missing
            missing_all = [p for p, get in self.channel_reads if get(member) is None]
        return trusted(Decision, {
            "outcome": outcome, "ruleset": self.ref, "engine": ENGINE, "on": self.on, "as_of": self.as_of,
            "member": trusted(MemberRef, {"nik": mask_nik(member.nik),
                                          "input_sha256": input_sha256 or input_hash(member)}),
            "benefit": self.benefit if eligible else None, "channel": channel, "priority": priority,
            "flags": flags, "missing": missing_all if not failed else [], "rules": outcomes + self.skipped,
            "parameters": self.parameters,
        })


def input_hash(member: Member) -> str:
    """sha256 of the validated record as compact JSON (contract field order, nulls left out)."""
    return hashlib.sha256(member.model_dump_json(exclude_none=True).encode("utf-8")).hexdigest()


def evaluate(ruleset: RuleSet, record: Member | dict[str, Any], on: date | str | None = None) -> Decision:
    """Decide one member record (a dict is validated first; InputError if malformed). ``on`` is a
    date or ``YYYY-MM-DD`` text (InputError otherwise)."""
    return ruleset.plan(decision_date(on)).decide(parse_member(record))


Evaluate = Callable[["RuleSet", Member | dict[str, Any], date | None], Decision]
