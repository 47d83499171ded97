"""The built-in properties of a rule set on a decision date, proved for every member.

- every member gets exactly one outcome, and ``undetermined`` only when some input is unknown;
- some member can be eligible (criteria that contradict each other pay nobody);
- monotonicity under each change in ``changes.CHANGES``;
- every rule in force can fire (no dead rule), and no ``require`` holds for every member.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date

import z3

from bsu_rules.decisions import Decision, RuleResult
from bsu_rules.members import parse_member
from bsu_rules.prove.changes import CHANGES, Change
from bsu_rules.prove.encode import Encoder, RuleSym
from bsu_rules.prove.inputs import Inputs, texts_of, universe
from bsu_rules.prove.realize import Record
from bsu_rules.prove.search import Found, search
from bsu_rules.prove.symbols import Strings, Sym, Term
from bsu_rules.prove.verdict import UNDETERMINED_ONLY, Verdict
from bsu_rules.ruleset.expressions import Node
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.schema import Kind

RANK = {"ineligible": 0, "undetermined": 1, "eligible": 2}
_FIRES = {Kind.REQUIRE: RuleResult.FAIL, Kind.EXCLUDE: RuleResult.FAIL, Kind.PRIORITIZE: RuleResult.PRIORITIZED,
          Kind.FLAG: RuleResult.FLAGGED}


def same(a: Sym, b: Sym) -> Term:
    return z3.And(a.known == b.known, z3.Implies(a.known, a.term == b.term))


class Prover:
    """One rule set on one decision date; ``timeout`` (ms) bounds each solver call."""

    def __init__(self, ruleset: RuleSet, on: date | None = None, extra: list[Node] | None = None,
                 timeout: int = 60_000) -> None:
        self.ruleset, self.timeout = ruleset, timeout
        self.plan = ruleset.plan(on)
        self.on = self.plan.on
        self.strings: Strings = universe(texts_of(ruleset, extra))
        self.inputs = Inputs(self.strings)
        self.encoder = Encoder(ruleset, self.on, self.inputs)

    def decide(self, record: Record) -> Decision:
        return self.plan.decide(parse_member(record))

    def solver(self, *inputs: Inputs) -> z3.Solver:
        solver = z3.Solver()
        solver.set("timeout", self.timeout)
        for i in inputs:
            solver.add(i.domain)
        return solver

    def check(self, name: str, claim: str, form: str, goal: Term, confirm: Callable[[list[Record]], str | None],
              inputs: list[Inputs] | None = None, paired: bool = False) -> Verdict:
        """``always``: search for a member where ``goal`` fails; ``sometimes``: for one where it holds."""
        start = time.perf_counter()
        members = inputs or [self.inputs]
        solver = self.solver(*members)
        solver.add(z3.Not(goal) if form == "always" else goal)
        found: Found = search(solver, members, confirm, paired)
        outcomes = [self.decide(r).outcome.value for r in found.records]
        return Verdict.of(name, claim, form, found, outcomes, time.perf_counter() - start)

    def builtin(self) -> Iterator[Verdict]:
        yield self.one_outcome()
        yield self.undetermined_needs_unknown()
        yield self.some_eligible()
        for change in CHANGES:
            yield self.monotone(change)
        for rule in self.encoder.rules:
            yield self.fires(rule)
            if rule.kind is Kind.REQUIRE:
                yield self.not_always(rule)

    def one_outcome(self) -> Verdict:
        e = self.encoder
        exactly_one = z3.And(z3.PbEq([(e.eligible, 1), (e.ineligible, 1), (e.undetermined, 1)], 1))
        return self.check("one-outcome", "every member gets exactly one outcome", "always", exactly_one,
                          lambda rs: "the scalar evaluator always gives one outcome")

    def undetermined_needs_unknown(self) -> Verdict:
        goal = z3.Implies(self.encoder.undetermined, z3.Or(self.inputs.unknowns or [z3.BoolVal(False)]))

        def confirm(records: list[Record]) -> str | None:
            outcome = self.decide(records[0]).outcome.value
            return None if outcome == "undetermined" else f"the scalar evaluator says {outcome}"
        return self.check("undetermined-needs-unknown", "undetermined only when some input is unknown", "always",
                          goal, confirm)

    def some_eligible(self) -> Verdict:
        """A rule set under which no member can be paid (criteria that contradict each other) is refuted here."""
        def confirm(records: list[Record]) -> str | None:
            outcome = self.decide(records[0]).outcome.value
            return None if outcome == "eligible" else f"the scalar evaluator says {outcome}"
        verdict = self.check("some-eligible", "some member can be eligible", "sometimes", self.encoder.eligible,
                             confirm)
        if verdict.status == "refuted" and not verdict.detail:
            blocking = self.blocking()
            verdict.detail = "no member meets " + (f"`{blocking[0]}`" if len(blocking) == 1 else " and ".join(
                f"`{r}`" for r in blocking) + " together") if blocking else ""
        return verdict

    def blocking(self) -> list[str]:
        """Criteria no member meets together, none of them needed for that (a core of the refutation,
        made minimal by leaving each out in turn); empty when the solver cannot tell in time."""
        solver, meets = self.solver(self.inputs), {}
        for r in self.encoder.rules:
            if r.kind in (Kind.REQUIRE, Kind.EXCLUDE):
                meets[r.id] = z3.Bool(f"meets {r.id}")
                solver.add(z3.Implies(meets[r.id], z3.And(z3.Not(r.fails), z3.Not(r.unknown))))
        if solver.check(*meets.values()) != z3.unsat:
            return []
        found = solver.unsat_core()
        core = [name for name, p in meets.items() if any(p.eq(c) for c in found)]
        i = 0
        while i < len(core):
            rest = core[:i] + core[i + 1:]
            if solver.check(*(meets[name] for name in rest)) == z3.unsat:
                core = rest
            else:
                i += 1
        return core

    def monotone(self, change: Change) -> Verdict:
        a, b = Inputs(self.strings, "a."), Inputs(self.strings, "b.")
        ea, eb = Encoder(self.ruleset, self.on, a), Encoder(self.ruleset, self.on, b)
        link = [change.fields(a, b), *self._link(a, b, ea, change)]
        better = z3.Or(z3.And(eb.eligible, z3.Not(ea.eligible)), z3.And(eb.undetermined, ea.ineligible))
        worse = z3.Or(z3.And(ea.eligible, z3.Not(eb.eligible)), z3.And(ea.undetermined, eb.ineligible))
        breaks = worse if change.helps else better

        def confirm(records: list[Record]) -> str | None:
            before, after = (RANK[self.decide(r).outcome.value] for r in records)
            if (after < before) if change.helps else (after > before):
                return change.check(records[0], records[1])
            return f"the scalar evaluator gives ranks {before} then {after}"
        return self.check(f"monotone-{change.name}", change.claim, "always",
                          z3.Implies(z3.And(link), z3.Not(breaks)), confirm, [a, b], paired=True)

    def _link(self, a: Inputs, b: Inputs, ea: Encoder, change: Change) -> list[Term]:
        """Member ``b`` is member ``a`` with ``change``: every other input the same."""
        out = [same(a.field(p), b.field(p)) for p in sorted(set(a.fields) | set(b.fields)) if p != change.field]
        out += [a.histories[p].known == b.histories[p].known for p in a.histories]
        for key, ca in a.calls.items():
            cb = b.calls[key]
            relation = dict(ca.function.abstract.changes if ca.function.abstract else ()).get(change.name)
            if relation is None:
                out.append(same(ca.sym, cb.sym))
            else:
                out += [ca.sym.known == cb.sym.known, ea.relate(ca.function, relation, cb.sym, ca.sym)]
        return out

    def fires(self, rule: RuleSym) -> Verdict:
        wanted = _FIRES[rule.kind]

        def confirm(records: list[Record]) -> str | None:
            got = _result(self.decide(records[0]), rule.id)
            return None if got == wanted else f"the scalar evaluator says {rule.id}: {got}"
        verb = {Kind.REQUIRE: "fail", Kind.EXCLUDE: "exclude", Kind.PRIORITIZE: "prioritise", Kind.FLAG: "flag"}
        claim = f"{rule.id} can {verb[rule.kind]} some member"
        verdict = self.check(f"live:{rule.id}", claim, "sometimes", rule.fires, confirm)
        if verdict.status == "refuted" and rule.kind in (Kind.REQUIRE, Kind.EXCLUDE):
            def unknown(records: list[Record]) -> str | None:
                got = _result(self.decide(records[0]), rule.id)
                return None if got == RuleResult.UNKNOWN else f"the scalar evaluator says {rule.id}: {got}"
            held = self.check(f"live:{rule.id}", claim, "sometimes", rule.unknown, unknown)
            if held.status == "proved":  # it still keeps members from payment until their data is complete
                held.status, held.claim = UNDETERMINED_ONLY, f"{rule.id} can only leave some member undetermined"
                held.detail = f"it can never {verb[rule.kind]}: it waits for data, or a table row, to be on record"
                return held
        return verdict

    def not_always(self, rule: RuleSym) -> Verdict:
        def confirm(records: list[Record]) -> str | None:
            got = _result(self.decide(records[0]), rule.id)
            return None if got in (RuleResult.FAIL, RuleResult.UNKNOWN) else f"the scalar evaluator says {got}"
        holds = z3.And(rule.holds.known, rule.holds.term)
        return self.check(f"not-vacuous:{rule.id}", f"{rule.id} does not hold for every member", "sometimes",
                          z3.Not(holds), confirm)


def _result(decision: Decision, rule_id: str) -> RuleResult:
    return next(r.outcome for r in decision.rules if r.id == rule_id)
