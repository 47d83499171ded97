"""Where two rule sets decide differently: regions of the member space, found by the solver,
described by the criteria that differ and the bounds of what those criteria read, each with a
witness member decided by both rule sets' scalar evaluators.

A region is a pair of outcomes and a smallest set of criteria whose results differ (found by
minimising); once found it is excluded and the search goes on, so when it ends (before
``limit``) every member decided differently lies in at least one listed region.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import z3

from bsu_rules.decisions import Decision
from bsu_rules.diff import decision_dates
from bsu_rules.members import parse_member
from bsu_rules.prove.encode import Encoder
from bsu_rules.prove.inputs import Inputs, texts_of, universe
from bsu_rules.prove.realize import Record
from bsu_rules.prove.search import search
from bsu_rules.prove.symbols import FALSE, Sym, Term, month_text
from bsu_rules.prove.verdict import jsonable
from bsu_rules.ruleset.expressions import Call, Name, Node, unparse, walk
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.schema import Kind
from bsu_rules.ruleset.types import HISTORIES, member_fields

OUTCOMES = ("eligible", "undetermined", "ineligible")
UNKNOWN = "unknown"  # a bound of a quantity that is never known in the region
STATUSES = ("pass", "fail", "unknown")


@dataclass
class Region:
    old: str
    new: str
    criteria: list[tuple[str, str, str]]  # (rule id, result under old, result under new)
    bounds: list[tuple[str, Any, Any, bool]] = field(default_factory=list)  # (quantity, lowest, highest, or unknown)
    values: list[tuple[str, list[str]]] = field(default_factory=list)  # (member field, the values it can take)
    witness: Record | None = None
    confirmed: bool = False
    note: str = ""
    also: list[tuple[str, str, str]] = field(default_factory=list)  # other criteria the witness differs in

    def words(self) -> str:
        why = "; ".join(f"{rule} {a} → {b}" for rule, a, b in self.criteria)
        return f"{self.old} → {self.new}: {why}"

    def as_json(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new, "words": self.words(),
                "criteria": [{"rule": r, "old": a, "new": b} for r, a, b in self.criteria],
                "bounds": [{"quantity": q, "lowest": _show(lo), "highest": _show(hi)} | ({"or_unknown": True} if also
                           else {}) for q, lo, hi, also in self.bounds],
                "values": [{"field": f, "values": v} for f, v in self.values],
                "witness": jsonable(self.witness), "confirmed": self.confirmed, "note": self.note,
                "also": [{"rule": r, "old": a, "new": b} for r, a, b in self.also]}


class SymbolicDiff:
    """Two rule sets over one member, each on its decision date (by default ``diff.decision_dates``)."""

    def __init__(self, old: RuleSet, new: RuleSet, old_on: date | None = None, new_on: date | None = None,
                 timeout: int = 60_000) -> None:
        self.old, self.new, self.timeout = old, new, timeout
        old_on, new_on = decision_dates(old, new, old_on, new_on)
        self.inputs = Inputs(universe(texts_of(old) | texts_of(new)))
        self.sides = (Encoder(old, old_on, self.inputs), Encoder(new, new_on, self.inputs))
        ids: list[str] = []
        for e in self.sides:
            ids += [r.id for r in e.rules if r.kind in (Kind.REQUIRE, Kind.EXCLUDE) and r.id not in ids]
        self.ids = ids
        self.status = {(i, rid): _statuses(e, rid) for i, e in enumerate(self.sides) for rid in ids}

    def _differs(self, rid: str) -> Term:
        a, b = self.status[(0, rid)], self.status[(1, rid)]
        return z3.Not(z3.Or([z3.And(a[s], b[s]) for s in STATUSES]))

    def _region(self, o1: str, o2: str, criteria: list[tuple[str, str, str]]) -> Term:
        return z3.And(self.sides[0].outcome(o1), self.sides[1].outcome(o2),
                      *[z3.And(self.status[(0, r)][a], self.status[(1, r)][b]) for r, a, b in criteria])

    def regions(self, limit: int = 40, told: Callable[[int], None] | None = None) -> tuple[list[Region], bool, float]:
        """The regions (at most ``limit``), whether the list is complete, and the seconds taken; ``told``
        hears how many are found after each."""
        start = time.perf_counter()
        found: list[Region] = []
        blocks: list[Term] = []
        for o1 in OUTCOMES:
            for o2 in OUTCOMES:
                if o1 == o2:
                    continue
                while len(found) < limit:
                    opt = z3.Optimize()
                    opt.set("timeout", self.timeout)
                    opt.add(*self.inputs.domain, self.sides[0].outcome(o1), self.sides[1].outcome(o2), *blocks)
                    opt.minimize(z3.Sum([z3.If(self._differs(r), 1, 0) for r in self.ids] or [z3.IntVal(0)]))
                    if opt.check() != z3.sat:
                        break
                    model = opt.model()
                    criteria = [(r, self._result(model, 0, r), self._result(model, 1, r)) for r in self.ids
                                if z3.is_true(model.eval(self._differs(r), model_completion=True))]
                    region = Region(o1, o2, criteria)
                    constraint = self._region(o1, o2, criteria)
                    blocks.append(z3.Not(constraint))
                    self._bounds(region, constraint)
                    self._values(region, constraint)
                    self._witness(region, constraint)
                    found.append(region)
                    if told is not None:
                        told(len(found))
        complete = len(found) < limit
        return found, complete, round(time.perf_counter() - start, 3)

    def _result(self, model: z3.ModelRef, side: int, rid: str) -> str:
        return next(s for s in STATUSES if z3.is_true(model.eval(self.status[(side, rid)][s], model_completion=True)))

    def _quantities(self, region: Region) -> list[tuple[str, Sym]]:
        """The numbers and dates the differing criteria read, once each (named with their rule
        set, or old and new for one rule set, where the two read different things under one name)."""
        found: list[tuple[str, str, Sym]] = []
        ids = [e.ruleset.id for e in self.sides]
        for e, side in zip(self.sides, ids if ids[0] != ids[1] else ["old", "new"], strict=True):
            in_force = {c.id: c.checked.tree for c in e.plan.rules}
            for rid, _, _ in region.criteria:
                for node in walk(in_force[rid]) if rid in in_force else []:
                    if not _quantity(node):
                        continue
                    sym = e.encode(node)
                    if sym.kind in ("int", "real", "date") and not sym.is_constant \
                            and not any(z3.eq(s.term, sym.term) for _, _, s in found):
                        found.append((unparse(node), side, sym))
        labels = [label for label, _, _ in found]
        return [(f"{label} ({rid})" if labels.count(label) > 1 else label, sym) for label, rid, sym in found]

    def _bounds(self, region: Region, constraint: Term) -> None:
        for label, sym in self._quantities(region):
            ends = []
            for goal in ("min", "max"):
                opt = z3.Optimize()
                opt.set("timeout", self.timeout)
                opt.add(*self.inputs.domain, constraint, sym.known)
                handle = opt.minimize(sym.term) if goal == "min" else opt.maximize(sym.term)
                if opt.check() != z3.sat:
                    break  # never known in this region
                ends.append(_value(opt.lower(handle) if goal == "min" else opt.upper(handle), sym))
            if not ends:
                region.bounds.append((label, UNKNOWN, UNKNOWN, False))
                continue
            unknown = z3.Solver()  # the same region holds members for whom it is not known at all
            unknown.set("timeout", self.timeout)
            region.bounds.append((label, *ends, unknown.check(*self.inputs.domain, constraint, z3.Not(sym.known))
                                  == z3.sat))

    def _values(self, region: Region, constraint: Term) -> None:
        """For each enumerated member field the differing criteria read: the values it can take
        in the region, when not every value."""
        paths: list[str] = []
        for e in self.sides:
            in_force = {c.id: c.checked.tree for c in e.plan.rules}
            for rid, _, _ in region.criteria:
                if rid in in_force:
                    paths += [p for p in e.ruleset.member_reads(in_force[rid]) if p not in paths]
        for path in paths:
            type_ = member_fields()[path]
            if not type_.choices:
                continue
            sym = self.inputs.field(path)
            solver = z3.Solver()
            solver.set("timeout", self.timeout)
            solver.add(*self.inputs.domain, constraint, sym.known)
            possible = [c for c in sorted(type_.choices)
                        if solver.check(sym.term == self.inputs.strings.code(c)) == z3.sat]
            if len(possible) < len(type_.choices):
                region.values.append((path, possible))

    def _witness(self, region: Region, constraint: Term) -> None:
        solver = z3.Solver()
        solver.set("timeout", self.timeout)
        solver.add(*self.inputs.domain, constraint)

        def confirm(records: list[Record]) -> str | None:
            a, b = self.decide(records[0])
            got = (a.outcome.value, b.outcome.value)
            results = [(r, _rule(a, r), _rule(b, r)) for r, _, _ in region.criteria]
            if got != (region.old, region.new) or results != region.criteria:
                return f"the scalar evaluators give {got[0]} → {got[1]}, {results}"
            named = {r for r, _, _ in region.criteria}
            ids = dict.fromkeys([r.id for r in a.rules] + [r.id for r in b.rules])  # a criterion of one alone too
            region.also = [(rid, x, y) for rid in ids
                           if rid not in named and (x := _rule(a, rid)) != (y := _rule(b, rid))]
            return None
        result = search(solver, [self.inputs], confirm)
        region.witness = result.records[0] if result.records else None
        region.confirmed = result.status == "found"
        region.note = result.problem or ("" if region.confirmed else f"no witness ({result.status})")

    def decide(self, record: Record) -> tuple[Decision, Decision]:
        member = parse_member(record)
        return self.sides[0].plan.decide(member), self.sides[1].plan.decide(member)


def _quantity(node: Node) -> bool:
    """Member data, a fact, or a call over a member history: what a region gives bounds for."""
    if isinstance(node, Name):
        return node.parts[0] in ("member", "fact")
    return isinstance(node, Call) and any(a.type in HISTORIES for a in node.args)


def _statuses(e: Encoder, rid: str) -> dict[str, Term]:
    rule = next((r for r in e.rules if r.id == rid), None)
    if rule is None:  # not in this rule set, or not in force: it stops no one
        return {"pass": z3.BoolVal(True), "fail": FALSE, "unknown": FALSE}
    return {"fail": rule.fails, "unknown": rule.unknown, "pass": z3.And(z3.Not(rule.fails), z3.Not(rule.unknown))}


def _rule(decision: Decision, rid: str) -> str:
    got = next((r.outcome.value for r in decision.rules if r.id == rid), "pass")
    return "pass" if got == "not_in_force" else got


def _value(term: Any, sym: Sym) -> Any:
    if not (z3.is_int_value(term) or z3.is_rational_value(term)):
        return None  # unbounded
    if sym.kind == "date":
        return date.fromordinal(term.as_long())
    if sym.kind == "month":
        return month_text(term.as_long())
    return term.as_long() if z3.is_int_value(term) else term.as_fraction()


def _show(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if not isinstance(value, int) else value
