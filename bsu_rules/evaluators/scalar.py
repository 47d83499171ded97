"""The reference evaluator: one member at a time, every criterion traced.

A Plan is a rule set compiled for one decision date: parameters resolved, rules out of force set
aside, every expression compiled to closures once (``CompiledRule``), and the fact slots and
conditions also written out as one generated function (``evaluators.codegen``; the closures where
it cannot be). Deciding a member computes its fact slots and each condition and records them flat
(``evaluators.trace``); the trace values,
explanations and (when asked for) counterfactual hints are read from that record only when the
decision is read or serialised. Tracing reads the same fact slots the conditions used, so the traced path and the
fast path are the same code.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pydantic import JsonValue

from bsu_rules.catalogue import FUNCTIONS
from bsu_rules.decisions import (
    PRIVATE,
    Benefit,
    Decision,
    Outcome,
    ParameterRead,
    RuleOutcome,
    RuleResult,
    RuleSetRef,
    mask_kpj,
    mask_nik,
    mask_typed,
)
from bsu_rules.errors import InputError
from bsu_rules.evaluators.codegen import Core, Frame, OfMember, Shells, Typed, generate, generate_value, generate_values
from bsu_rules.evaluators.compile import Env, Facts, Fn, Getter, Value, compile_node, member_getter
from bsu_rules.evaluators.trace import ENGINE, PlanJson, Recorded, json_text, jsonable, show, written
from bsu_rules.evaluators.whitelist import NotGenerated
from bsu_rules.members import Member, MemberView, Record, parse_record
from bsu_rules.members import record_hash as input_hash
from bsu_rules.members.contract import FREE_TEXT
from bsu_rules.members.mirror import MemberMirror
from bsu_rules.members.parse import record_json, validated
from bsu_rules.members.redact import shortened
from bsu_rules.ruleset.checker import reads as names_read
from bsu_rules.ruleset.expressions import Call, Name, Node, Unhandled, table_lookups, unparse, walk
from bsu_rules.ruleset.schema import Kind, Rule
from bsu_rules.ruleset.types import HISTORIES
from bsu_rules.semantics import DECIDING, EFFECT
from bsu_rules.unknowns import given_ruleset

if TYPE_CHECKING:
    from bsu_rules.counterfactual import Counterfactuals
    from bsu_rules.explain.sentences import Renderer
    from bsu_rules.ruleset.model import CheckedRule, RuleSet

__all__ = ["ENGINE", "CompiledRule", "Plan", "Slot", "evaluate", "input_hash", "jsonable"]

_FAIL, _UNKNOWN = RuleResult.FAIL, RuleResult.UNKNOWN
_PRIORITIZED, _FLAGGED = RuleResult.PRIORITIZED, RuleResult.FLAGGED
_ELIGIBLE, _INELIGIBLE, _UNDETERMINED = Outcome.ELIGIBLE, Outcome.INELIGIBLE, Outcome.UNDETERMINED
_VIEW = MemberMirror  # what the fast path validates a record into: taken without a second look


def _blank(value: object) -> bool:
    """Whether a field read says nothing: unknown, or text with nothing but spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def _masked(value: Value) -> str:
    """An identifier as a trace shows it: a decision never carries a full NIK."""
    return mask_nik(str(value))


def _written_masked(value: Value) -> bytes:
    return json_text(_masked(value))


KPJ = "member.kpj"
"""Traced as ``mask_kpj`` shows it: a NIK or the member's account number written in its place is never kept whole."""
HIDDEN_KEYS = PRIVATE | FREE_TEXT | {KPJ}
"""Member fields never named as a table's key (a decision's ``table.t[key]``, a report's keys): a NIK, an account
number, a KPJ (a NIK or an account number is sometimes typed in its place) and free text."""


def _kpj(value: Value, member: Any) -> str:
    number = getattr(getattr(member, "bank_account", None), "number", None)
    return mask_kpj(str(value), number if isinstance(number, str) else None)


def _written_kpj(value: Value, member: Any) -> bytes:
    return json_text(_kpj(value, member))


def _mask_text(value: Value) -> str:
    """A text that may carry an identifier (typed by a person, or computed from one) as a trace shows it."""
    return mask_typed(str(value))


def _written_mask_text(value: Value) -> bytes:
    return json_text(_mask_text(value))


def _conversion(label: str, node: Node, how: str, tainted: bool) -> Callable[[Any], Any] | Typed | OfMember | None:
    """What turns a traced value of ``node`` (not None) into what ``how`` asks for, by the node's type:
    as read (``raw``), as JSON data (``shown``) or as JSON text (``written``); identifiers masked, and
    every identifier-like run of digits in a text computed from one (``tainted``).
    None: the value already is what is asked for."""
    kind = node.type.name if node.type is not None else None
    if label == KPJ:
        return OfMember(_written_kpj if how == "written" else _kpj)
    if how == "written":
        return _written_masked if label in PRIVATE else _written_mask_text if tainted \
            else json_text if kind in ("str", "bool", "month", "date") else _WRITTEN
    if label in PRIVATE:
        return _masked
    if tainted:
        return _mask_text
    if how == "raw" or kind in ("str", "bool", "month"):
        return None
    return _iso if kind == "date" else _SHOWN


_WRITTEN = Typed(frozenset({type(None), bool, int, str, date, Decimal}), json_text, written)
"""``written``, its common classes written at once: those it writes as they are, and a decimal (``jsonable``'s
text of one, written, is the encoder's own text of it)."""
_SHOWN = Typed(frozenset({type(None), bool, int, str}), None, jsonable)
"""``jsonable``, the values it gives as they are given so at once."""


_iso = functools.lru_cache(maxsize=16_384)(date.isoformat)
"""A date as a trace shows it, remembered by the date: writing one out costs several times a lookup, and a
population's dates repeat (a cut-off day, the days of a few decades)."""


def _private(label: str, get: Fn, tainted: bool) -> Fn:
    """Identifiers read by a rule, and texts computed from them, are traced masked."""
    if label in PRIVATE:
        return lambda m, f: None if (v := get(m, f)) is None else _masked(v)
    if label == KPJ:
        return lambda m, f: None if (v := get(m, f)) is None else _kpj(v, m)
    if tainted:
        return lambda m, f: None if (v := get(m, f)) is None else _mask_text(v)
    return get


@dataclass(frozen=True)
class Slot:
    """A value computed once per member: a fact, or a call over a member history."""

    index: int
    label: str
    node: Node


@dataclass(frozen=True)
class CompiledRule:
    """One in-force rule ready to run: its condition, and what its trace reads."""

    checked: CheckedRule
    id: str
    kind: Kind
    deciding: bool  # a require or exclude rule: its unknown leaves the decision unknown
    condition: Fn
    on_true: RuleResult
    on_false: RuleResult
    static: dict[str, Any]  # the outcome's fields in declared order: id, kind, source and basis filled in
    fixed: dict[str, JsonValue]  # trace values that are the same for every member (parameters, dates)
    trace: list[tuple[str, Fn]]  # trace values read from the member and its slots, in reading order
    columns: list[tuple[str, JsonValue, Fn | None]]  # every trace value in decision order (sorted by
    # label): its label, and its fixed value or its getter
    missing: list[tuple[str, Getter]]  # member fields the condition reads, to name the missing ones
    bound_slots: list[int]  # slots that may hold a lower bound
    incomplete: list[str]  # tables whose silence is unknown
    incomplete_in: dict[str, list[str]]  # the facts read that read such a table, with the tables
    lookups: list[tuple[str, Fn]]  # each key the condition or a fact it reads looks such a table up by
    # (``x in table.t``, ``table.t.get(x, …)``), with the table: a gap names the row for the member's key
    unusable: list[tuple[str, Getter, Fn, Call]]
    # calls in the condition of a function that can be unknown of itself on one member field (``regency``):
    # the field, its getter, the call and its node, to name a field on record that the call cannot read
    shown_only: frozenset[str]  # trace values the rule shows (``shows``) that its condition does not read:
    # never what it waits for
    unusable_in: dict[str, list[tuple[str, Getter, Fn, Call]]]  # the facts read whose value such a call
    # can leave unknown, with those calls: a value unknown so names the field on record, as in the condition

    @property
    def rule(self) -> Rule:
        return self.checked.rule


class Plan:
    """A rule set compiled for one decision date."""

    def __init__(self, ruleset: RuleSet, on: date) -> None:
        self.ruleset, self.on = ruleset, on
        model = ruleset.model
        self.as_of = model.as_of
        self.reads = {name: ruleset.parameter(name, on) for name in model.parameters}
        params: dict[str, Value] = {name: value for name, (value, _) in self.reads.items()}
        in_force = [c for c in ruleset.rules if c.rule.in_force.contains(on)]
        needed = set(ruleset.facts_read([c.tree for c in in_force] + ([ruleset.channel] if ruleset.channel else [])))
        eager = [name for name in ruleset.facts if name in needed]
        self.env = Env(params, ruleset.tables, {name: i for i, name in enumerate(eager)}, model.as_of, on,
                       ruleset.may_be_bound)
        self.slots = [Slot(i, f"fact.{name}", ruleset.facts[name]) for i, name in enumerate(eager)]
        self.facts: list[Fn] = [compile_node(ruleset.facts[name], self.env) for name in eager]
        for name in ruleset.facts:  # facts only explanations and traces read (``shows``) are computed when read
            if name not in needed:
                self.env.lazy[name] = compile_node(ruleset.facts[name], self.env)
                self.env.lazy_trees[name] = ruleset.facts[name]
        self.traced: dict[str, Node] = {}  # the node behind each traced label
        self._unset: dict[str, list[str]] = {}  # ``unset_read``, by label
        self._bounded: dict[str, bool] = {}  # ``may_be_bound``, by label
        hoisted: dict[str, int] = {}  # one slot for each distinct call, however often it is written
        for checked in in_force:
            self._hoist(checked.tree, hoisted)
        self.rules = [self._compile(c) for c in in_force]
        self.effects = [(r.on_true, r.on_false) for r in self.rules]
        self.deciding = [i for i, r in enumerate(self.rules) if r.deciding]
        self.flagging = [i for i, r in enumerate(self.rules) if _FLAGGED in (r.on_true, r.on_false)]
        self.out_of_force = [c.rule for c in ruleset.rules if not c.rule.in_force.contains(on)]
        self.channel = compile_node(ruleset.channel, self.env) if ruleset.channel else None
        self.core: Core | None = None
        try:  # one generated function for every slot and condition; the closures where it cannot be
            self.core = generate(self.env, [s.node for s in self.slots],
                                 [(r.checked.tree, r.on_true, r.on_false, _UNKNOWN) for r in self.rules])
            if ruleset.channel:
                self.channel = generate_value(self.env, len(self.slots), ruleset.channel)
        except (Unhandled, NotGenerated, RecursionError):  # the closures decide (the tests hold the bundled
            pass  # rule sets, and nine in ten fuzzed ones, to the generated function)
        self.channel_reads = [(p, member_getter(tuple(p.split(".")[1:])))
                              for p in (ruleset.member_reads(ruleset.channel) if ruleset.channel else [])]
        self.channel_fixed, self.channel_trace = self._traced([ruleset.channel], names_read(ruleset.channel)) \
            if ruleset.channel else ({}, [])
        b = model.benefit
        self.benefit = Benefit(amount=b.amount, monthly=b.monthly, months=b.months, instalments=b.instalments)
        self.ref = RuleSetRef(id=ruleset.id, version=ruleset.version, sha256=ruleset.sha256,
                              what_if=ruleset.what_if or None)
        self.parameters = {name: ParameterRead(value=jsonable(v), since=since)
                           for name, (v, since) in sorted(self.reads.items())}
        self.skipped = [RuleOutcome(id=r.id, kind=r.kind.value, outcome=RuleResult.NOT_IN_FORCE,  # cited for its dates
                                    source=r.in_force.source or r.source,
                                    basis=(r.in_force if r.in_force.source else r).basis.value)
                        for r in self.out_of_force]

    def _tainted(self, label: str, node: Node) -> bool:
        """Whether a traced text may carry a NIK or an account number: free text a person typed, or a
        text computed from it or from a NIK or account number (a fact copying one)."""
        return label not in PRIVATE and node.type is not None and node.type.name == "str" and \
            not (PRIVATE | FREE_TEXT | {KPJ}).isdisjoint([label, *self.ruleset.member_reads(node)])

    def _hoist(self, tree: Node, hoisted: dict[str, int]) -> None:
        """Give each call over a member history a slot, computed once per member and traced from it."""
        for node in walk(tree):
            if isinstance(node, Call) and any(a.type in HISTORIES for a in node.args):
                label = unparse(node)
                if label not in hoisted:
                    hoisted[label] = len(self.facts)
                    self.slots.append(Slot(len(self.facts), label, node))
                    self.facts.append(compile_node(node, self.env))
                self.env.hoisted[id(node)] = hoisted[label]

    def _traced(self, trees: Sequence[Node], labels: Sequence[str]) -> tuple[dict[str, JsonValue],
                                                                           list[tuple[str, Fn]]]:
        """What expressions read (``labels``, as the checker lists them): the values the same for every
        member (parameters, dates), and a getter for each of the others (identifiers masked)."""
        nodes: dict[str, Node] = {}  # the node behind each label
        for n in (n for tree in trees for n in walk(tree)):
            if isinstance(n, Name):
                nodes.setdefault(n.dotted, n)
            elif isinstance(n, Call):
                nodes.setdefault(unparse(n), n)
        fixed: dict[str, JsonValue] = {}
        trace: list[tuple[str, Fn]] = []
        for label in labels:
            self.traced.setdefault(label, nodes[label])
            get = compile_node(nodes[label], self.env)
            if label.startswith(("param.", "as_of", "decision_date")):
                fixed[label] = jsonable(get(None, []))
            else:
                trace.append((label, _private(label, get, self._tainted(label, nodes[label]))))
        return fixed, trace

    def _compile(self, checked: CheckedRule) -> CompiledRule:
        fixed, trace = self._traced([checked.tree, *checked.shown], checked.traced)
        facts = self.ruleset.facts_read([checked.tree])
        kind = checked.rule.kind
        return CompiledRule(
            checked=checked, id=checked.rule.id, kind=kind, deciding=kind in DECIDING,
            columns=sorted([(label, value, None) for label, value in fixed.items()]
                           + [(label, None, get) for label, get in trace], key=lambda c: c[0]),
            static={"basis": checked.rule.basis.value, "explain": None, "hint": None, "id": checked.rule.id,
                    "kind": kind.value, "missing": None, "outcome": None, "source": checked.rule.source,
                    "values": None},
            condition=compile_node(checked.tree, self.env),
            on_true=EFFECT[kind][0], on_false=EFFECT[kind][1], fixed=fixed, trace=trace,
            missing=[(p, member_getter(tuple(p.split(".")[1:]))) for p in self.ruleset.member_reads(checked.tree)],
            bound_slots=[self.env.slots[n] for n in facts if n in self.env.slots] if self.env.bounded else [],
            incomplete=self._incomplete(checked.tree),
            incomplete_in={f"fact.{n}": found for n in facts if (found := self._incomplete(*self._fact_trees(n)))},
            lookups=self._lookups(checked.tree, *(self.ruleset.facts[n] for n in facts)),
            unusable=self._unusable(checked.tree),
            shown_only=frozenset(checked.shown_only),
            unusable_in={f"fact.{n}": calls for n in facts if (calls := self._unusable(*self._fact_trees(n)))})

    def _fact_trees(self, name: str) -> list[Node]:
        """A fact's expression and those of the facts it reads."""
        return [self.ruleset.facts[f] for f in [name, *self.ruleset.facts_read([self.ruleset.facts[name]])]]

    def _incomplete(self, *trees: Node) -> list[str]:
        """The tables whose silence is unknown (``unlisted: unknown``) that ``trees`` read: named (``in
        table.t``, ``regency(…, table.t)``) or looked up (``table.t.get(…)``)."""
        tables = self.ruleset.tables
        names = (n.func if isinstance(n, Call) else n for tree in trees for n in walk(tree)
                 if isinstance(n, Name | Call))
        return list(dict.fromkeys(f"table.{n.parts[1]}" for n in names
                                  if n.parts[0] == "table" and tables[n.parts[1]].unlisted_unknown))

    def _lookups(self, *trees: Node) -> list[tuple[str, Fn]]:
        """The keys ``trees`` look a table whose silence is unknown up by (``x in table.t``, ``x not in table.t``,
        ``table.t.get(x, …)``), each with its table: never a key that reads a NIK, an account number, a KPJ or
        free text, which a decision does not show."""
        tables = self.ruleset.tables
        return [(f"table.{table}", compile_node(key, self.env)) for table, key in table_lookups(*trees)
                if tables[table].unlisted_unknown and HIDDEN_KEYS.isdisjoint(self.ruleset.member_reads(key))]

    def _unusable(self, *trees: Node) -> list[tuple[str, Getter, Fn, Call]]:
        """The calls in ``trees`` of a function unknown of itself (``own_unknown``) whose one member field is
        its only argument that varies: ``regency(member.work_regency_code, table.t)``. Not one over a history
        (``last_wage(member.wages, …)``): a history on record is what was reported, and what a function finds
        nothing for in it is the value it computes (``fact.wage``), not the history."""
        found = []
        for n in (n for tree in trees for n in walk(tree)):
            if isinstance(n, Call) and (fn := FUNCTIONS.get(n.func.dotted)) is not None and fn.own_unknown:
                fields = [a for a in n.args
                          if isinstance(a, Name) and a.parts[0] == "member" and a.type not in HISTORIES]
                others = [a for a in n.args if not (isinstance(a, Name) and a.parts[0] in ("member", "table", "param"))]
                if len(fields) == 1 and not others:
                    path = fields[0].dotted
                    found.append((path, member_getter(tuple(path.split(".")[1:])), compile_node(n, self.env), n))
        return found

    @cached_property
    def renderer(self) -> Renderer:
        """The explanation templates, compiled on the first explanation asked for."""
        from bsu_rules.explain.sentences import Renderer  # lazy: a batch decides without explanations

        return Renderer(self)

    @cached_property
    def counterfactuals(self) -> Counterfactuals:
        """The hint solvers, built (and their modules loaded) on the first failure whose hint is asked for."""
        from bsu_rules.counterfactual import Counterfactuals  # lazy: start-up `batch` never uses

        return Counterfactuals(self)

    @cached_property
    def json_parts(self) -> PlanJson:
        """What every decision's JSON under this plan shares."""
        return PlanJson(self)

    def getter(self, name: str) -> Fn:
        """A closure giving the value a dotted name (``fact.wage``, ``member.wages``) stands for."""
        return compile_node(Name(0, 0, tuple(name.split("."))), self.env)

    def names_reader(self, names: list[str]) -> Callable[[Record, Facts], list[Any]]:
        """A function of a member and its slots giving the value of each dotted name, as ``getter`` gives it
        (an explanation's placeholders): in one generated function where it can be, each fact computed once."""
        if self.core is not None:
            try:
                return generate_values(self.env, len(self.slots),
                                       [(Name(0, 0, tuple(name.split("."))), None) for name in names])
            except (Unhandled, NotGenerated, RecursionError):  # the closures read them
                pass
        getters = [self.getter(name) for name in names]
        return lambda m, f: [get(m, f) for get in getters]

    def reader(self, labels: list[str], getters: list[Fn], how: str = "raw") -> Callable[[Record, Facts], list[Any]]:
        """A function of a member and its slots giving the value of each traced label (``getters``:
        their closures), identifiers masked: as read (``raw``), as the trace shows it (``shown``: JSON
        data), or as its JSON text (``written``). Generated where it can be."""
        if self.core is not None:
            try:
                return generate_values(self.env, len(self.slots), [
                    (self.traced[label], _conversion(label, self.traced[label], how,
                                                     self._tainted(label, self.traced[label]))) for label in labels],
                    none=b"null" if how == "written" else None)
            except (Unhandled, NotGenerated, RecursionError):  # the closures read it
                pass
        convert = {"raw": None, "shown": show, "written": written}[how]
        if convert is not None:
            return lambda m, f: [convert(get(m, f)) for get in getters]
        return lambda m, f: [get(m, f) for get in getters]

    def writer(self, labels: list[str], frame: Frame) -> Callable[[Record, Facts, list[bytes]], bytes] | None:
        """The text ``frame`` describes, each traced label's value written in as ``reader(labels, …, "written")``
        writes it, in one generated function of a member, its slots and the pieces the frame is given; None
        where it cannot be generated."""
        return self._generated(labels, "written", none=b"null", frame=frame)  # else the template is filled in

    def grouped_reader(self, labels: list[str], groups: list[list[tuple[str, int]]], fixed: list[Any],
                       shells: Shells | None = None) -> Callable[..., list[Any]] | None:
        """``reader(labels, …, "shown")`` giving, for each group, a dict of its keys and the value at
        each one's index (a label's, or past them one of ``fixed``), or the object ``shells`` builds around
        it, in one generated function; None where it cannot be generated."""
        return self._generated(labels, "shown", groups=groups, fixed=fixed, shells=shells)  # else the closures read it

    def _generated(self, labels: list[str], kind: str, **given: Any) -> Callable[..., Any] | None:
        """``generate_values`` of the traced labels, each converted as ``kind`` (``written`` or ``shown``) says;
        None where it cannot be generated."""
        if self.core is None:
            return None
        try:
            return generate_values(self.env, len(self.slots), [
                (self.traced[label], _conversion(label, self.traced[label], kind,
                                                 self._tainted(label, self.traced[label]))) for label in labels],
                **given)
        except (Unhandled, NotGenerated, RecursionError):
            return None

    def fact_values(self, member: Record) -> Facts:
        values: Facts = []
        for fact in self.facts:
            values.append(fact(member, values))
        return values

    def decide(self, member: Record | dict[str, Any], *, input_sha256: str | None = None,
               conditions: Sequence[bool | None] | None = None, hints: bool = False) -> Decision:
        """The decision with its full trace (read on demand) for a validated record, or a dict validated
        first (InputError if malformed, or not a record). ``input_sha256``: the record's hash, when the
        caller has it. ``conditions``: each in-force rule's
        condition as another evaluator found it (the durable backend); the trace is built the same way.
        ``hints`` (True or False): each failed criterion's counterfactual ``hint`` is found (when first
        read or serialised); without it every ``hint`` is None and none is ever computed."""
        results: list[RuleResult]
        if input_sha256 is not None and (type(input_sha256) is not str or not _hex64(input_sha256)):
            raise _not_a_hash(input_sha256)
        if type(member) is dict and input_sha256 is None and type(hints) is bool:
            member = validated(member)  # the common call, ``evaluate(ruleset, record)``
        elif type(hints) is not bool or (type(member) is not _VIEW and not isinstance(member, (Member, MemberView))):
            member = _record(member, hints, input_sha256)  # a dict validated here
        if conditions is None and self.core is not None:
            f, results = self.core(member)
        else:
            if conditions is not None and (not isinstance(conditions, Sequence) or isinstance(conditions, str) or any(
                    c is not None and type(c) is not bool for c in conditions)):
                raise TypeError("conditions is a list of True, False or None (unknown), one for each rule in force")
            if conditions is not None and len(conditions) != len(self.rules):
                raise ValueError(f"conditions gives {len(conditions)} values, one for each of the {len(self.rules)} "
                                 "rules in force on the decision date")
            f = self.fact_values(member)
            held = conditions if conditions is not None else [r.condition(member, f) for r in self.rules]
            results = [on_true if holds else on_false if holds is not None else _UNKNOWN
                       for (on_true, on_false), holds in zip(self.effects, held, strict=True)]
        seen = set(results)  # one pass, not one per result asked about
        outcome = _INELIGIBLE if _FAIL in seen else _UNDETERMINED if _UNKNOWN in seen and any(
            results[i] is _UNKNOWN for i in self.deciding) else _ELIGIBLE
        recorded = Recorded(self, member, f, results, input_sha256, hints)
        recorded.top = top = {
            "outcome": outcome, "ruleset": self.ref, "engine": ENGINE, "on": self.on, "as_of": self.as_of,
            "priority": results.count(_PRIORITIZED) if _PRIORITIZED in seen else 0,
            "flags": [self.rules[i].id for i in self.flagging if results[i] is _FLAGGED] if _FLAGGED in seen else [],
        }
        return Decision.recorded(top, recorded)

    def channel_of(self, member: Record, f: Facts) -> str | None:
        """How an eligible member is paid (None: the data to choose is missing, or no rule says; an
        empty name says nothing either). A NIK or account number typed as the bank's name (2020 pays
        the bank as written) is masked."""
        named = self.channel(member, f) if self.channel is not None else None
        return mask_typed(named) if named and len(named) >= 10 else named or None  # type: ignore[arg-type, return-value]

    def channel_values(self, member: Record, f: Facts) -> dict[str, JsonValue]:
        """The values the channel rule read for an eligible member, as a criterion's ``values``."""
        values: dict[str, JsonValue] = self._channel_reader(member, f)[0]
        return values

    @cached_property
    def _channel_reader(self) -> Callable[[Record, Facts], list[dict[str, Any]]]:
        """The values the channel rule reads, in sorted order, as a trace shows them (in a list of one).
        A NIK or account number is left out: the channel only asks whether there is one, and a payment
        file needs no trace of it."""
        trace = [(label, get) for label, get in self.channel_trace if label not in PRIVATE]
        labels = [label for label, _ in trace]
        index = {label: i for i, label in enumerate([*labels, *self.channel_fixed])}
        group = [(label, index[label]) for label in sorted(index)]
        fixed = list(self.channel_fixed.values())
        generated = self.grouped_reader(labels, [group], fixed)
        if generated is not None:
            return generated
        read = self.reader(labels, [get for _, get in trace], "shown")
        return lambda m, f: [{label: row[i] for label, i in group} for row in [read(m, f) + copy.deepcopy(fixed)]]

    def unset_read(self, label: str) -> list[str]:
        """The parameters without a value on the decision date that a traced value reads, directly or
        through facts (``param.x`` itself for ``param.x``)."""
        found = self._unset.get(label)
        if found is None:
            unset = {f"param.{name}" for name, (value, _) in self.reads.items() if value is None}
            node = self.traced.get(label)
            trees = [] if node is None else [node, *(self.ruleset.facts[f] for f in self.ruleset.facts_read([node]))]
            read = {n.dotted for tree in trees for n in walk(tree) if isinstance(n, Name)}
            found = self._unset[label] = sorted(unset & (read | {label}))
        return found

    def may_be_bound(self, label: str) -> bool:
        """Whether a traced value may be a lower bound (it reads a table with ``lower`` rows), so that
        it may be unknown through a bound rather than for want of data."""
        found = self._bounded.get(label)
        if found is None:
            node = self.traced.get(label)
            found = self._bounded[label] = node is not None and self.ruleset.may_be_bound(node)
        return found

    def missing_of(self, recorded: Recorded, outcome: Outcome, channel: str | None) -> list[str]:
        """What an undetermined decision lacks (each deciding unknown criterion's missing inputs), or
        what an eligible one lacks to choose how it is paid."""
        if outcome is _UNDETERMINED:
            missing: list[str] = []
            for i in self.deciding:
                if recorded.results[i] is _UNKNOWN:
                    missing += [m for m in recorded.missing(i) if m not in missing]
            return missing
        if outcome is _ELIGIBLE and self.channel is not None and channel is None:
            if gaps := [label for label, value in self.channel_fixed.items() if value is None]:
                return gaps  # a parameter the rules leave unset on the decision date: the programme's gap
            reads = [(p, get(recorded.member)) for p, get in self.channel_reads]
            return [p for p, v in reads if _blank(v)] or \
                [p for p, v in reads if p in FREE_TEXT and p not in PRIVATE]  # a name naming nothing ("Bank")
        return []


_SHA256 = re.compile(r"[0-9a-f]{64}").fullmatch


def _hex64(text: str) -> bool:
    """``_SHA256(text)`` without a match: 64 ASCII characters, none left once the lower-case hexadecimal
    digits are taken out (in C, a pass over 64 bytes; the expression costs several times more)."""
    return len(text) == 64 and text.isascii() and not text.encode("ascii").translate(None, _HEX)


_HEX = b"0123456789abcdef"


def _not_a_hash(value: object) -> Exception:
    if type(value) is not str:
        return TypeError(f"input_sha256 is the record's sha256 as 64 hexadecimal digits, not {type(value).__name__}")
    fault = "written in upper case: give it in lower case" if _SHA256(value.lower()) else \
        f"{len(value)} characters" if len(value) != 64 else "a character that is not 0-9 or a-f"
    return ValueError(f"input_sha256 is the record's sha256 as 64 lower-case hexadecimal digits, not "
                      f"{shortened(repr(value))} ({fault})")


def _record(value: object, hints: object, input_sha256: str | None = None) -> Record:
    """A record given to ``decide`` validated (InputError if malformed or not a record: a file's
    name or text is told how files are read); TypeError for ``hints`` other than True or False;
    ValueError for an ``input_sha256`` that is not the record's."""
    if type(hints) is not bool:  # a text "false" would ask for them
        raise TypeError(f"hints is True or False, not {type(hints).__name__}")
    if isinstance(value, (Member, MemberView)):
        return value
    try:
        parsed = parse_record(value, hashed=input_sha256 is not None)
    except InputError as exc:
        if not isinstance(value, str | bytes | os.PathLike):
            raise
        raise InputError([("(record)", f"{exc.problems[0][1]}: pass one record (a dict); a file of records is "
                                       "read with `bsu-rules evaluate` or run_batch, or read it first "
                                       "(json.loads each line)")]) from None
    if input_sha256 is not None and input_sha256 != (parsed.input_sha256 or input_hash(parsed.record)) and \
            input_sha256 != hashlib.sha256(record_json(parsed.record)).hexdigest():  # a log of full NIKs' hash
        raise ValueError("input_sha256 is not the sha256 of this record (leave it out: it is computed; a log's keyed "
                         "hash, log.input_hash(member), goes with the validated record, parse_member(record))")
    return parsed.record


def evaluate(ruleset: RuleSet, record: Member | dict[str, Any], on: date | str | None = None,
             hints: bool = False) -> Decision:
    """Decide one member record (a dict is validated first; InputError if malformed). ``on`` is a
    date or ``YYYY-MM-DD`` text (ParameterError, an InputError, otherwise). ``hints``: give each failed criterion its
    counterfactual ``hint`` (None otherwise, and never computed)."""
    plans = getattr(ruleset, "_plans", None)  # a rule set's plans by date: the one already made, found at once
    plan = plans.get(on) if type(on) is date and type(plans) is dict else None
    if plan is None:
        plan = given_ruleset(ruleset, "evaluate").plan(on)  # ``plan`` reads ``on`` as ``decision_date`` does
    return plan.decide(record, hints=hints)  # the input hash is computed when read

