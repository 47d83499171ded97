"""A decision's trace, recorded flat and built on demand.

Deciding a member records its fact slots and each criterion's result (``Recorded``). Everything
else a decision carries is derived from that record only when it is read: the values each
criterion read, its explanation, the counterfactual hint of a failed criterion when hints were
asked for (``Decision.rules``), the input hash (``Decision.member``), and the canonical JSON, which
is serialised straight from the record with orjson, byte for byte the JSON of the decision model.
"""

from __future__ import annotations

import hashlib
import operator
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import msgspec
import orjson
from pydantic import BaseModel, JsonValue

from bsu_rules._version import __version__
from bsu_rules.bounds import AtLeast, rows_in
from bsu_rules.decisions import Decision, Hint, MemberRef, RuleOutcome, RuleResult, mask_nik, trusted
from bsu_rules.evaluators.compile import Facts, Value
from bsu_rules.members import Member, Record, as_member
from bsu_rules.ruleset.schema import Text

if TYPE_CHECKING:
    from bsu_rules.evaluators.scalar import Plan

ENGINE = f"bsu-rules {__version__}"
_PLAIN = (type(None), bool, int, str)
_PLAIN_TYPES = frozenset(_PLAIN)
_QUIET = (RuleResult.PASS, RuleResult.PRIORITIZED, RuleResult.NOT_PRIORITIZED)
_FAIL, _UNKNOWN = RuleResult.FAIL, RuleResult.UNKNOWN
_NIK = operator.attrgetter("nik")


def jsonable(value: Value | object) -> JsonValue:
    """A trace value as JSON data: dates and decimals as text, histories as lists of objects."""
    if type(value) in _PLAIN:
        return value  # type: ignore[return-value]  # checked just above
    if isinstance(value, AtLeast):
        return {"at_least": jsonable(value.value)}
    if isinstance(value, (date, Decimal)):
        return str(value)
    if isinstance(value, (list, tuple, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, BaseModel):
        return dict(sorted(value.model_dump(mode="json", exclude_none=True).items()))
    if isinstance(value, msgspec.Struct):  # a record read through the contract's mirror: nulls are left out
        data: dict[str, JsonValue] = msgspec.to_builtins(value)
        return dict(sorted(data.items()))
    return str(value)


def input_hash(member: Member) -> str:
    """sha256 of the validated record as compact JSON (contract field order, nulls left out)."""
    return hashlib.sha256(member.model_dump_json(exclude_none=True).encode("utf-8")).hexdigest()


class PlanJson:
    """The parts of a plan's decision JSON that are the same for every member."""

    def __init__(self, plan: Plan) -> None:
        self.rules = [(r.rule.basis.value, r.id, r.kind.value, r.rule.source) for r in plan.rules]
        self.skipped = [o.model_dump(mode="json") for o in plan.skipped]
        self.benefit = plan.benefit.model_dump(mode="json")
        self.parameters = {k: v.model_dump(mode="json") for k, v in plan.parameters.items()}
        self.ruleset = plan.ref.model_dump(mode="json")
        self.on, self.as_of = plan.on.isoformat(), plan.as_of.isoformat()


class Recorded:
    """One decision as the engine made it: the member, its fact slots and each criterion's result."""

    def __init__(self, plan: Plan, member: Record, facts: Facts, results: list[RuleResult],
                 input_sha256: str | None, hints: bool) -> None:
        self.plan, self.member, self.facts, self.results = plan, member, facts, results
        self.sha256, self.with_hints = input_sha256, hints
        self.top: dict[str, Any] = {}
        self._missing: dict[int, list[str]] = {}
        self._explained: dict[int, Text | None] = {}
        self._hints: list[Hint | None] | None = None

    def decision(self, top: dict[str, Any]) -> Decision:
        self.top = top
        return Decision.recorded(top, self)

    @property
    def failed(self) -> bool:
        return _FAIL in self.results

    @property
    def unknown(self) -> bool:
        return any(res is _UNKNOWN and r.deciding for r, res in zip(self.plan.rules, self.results,
                                                                                strict=True))

    def input_sha256(self) -> str:
        if self.sha256 is None:
            self.sha256 = input_hash(as_member(self.member))
        return self.sha256

    def raw(self, i: int) -> list[tuple[str, Value]]:
        """The values criterion ``i`` read from the member and its slots, in reading order."""
        m, f = self.member, self.facts
        return [(label, get(m, f)) for label, get in self.plan.rules[i].trace]

    def values(self, i: int) -> dict[str, JsonValue]:
        """The values criterion ``i`` read, as its trace shows them."""
        m, f = self.member, self.facts
        out: dict[str, JsonValue] = {}
        for label, fixed, get in self.plan.rules[i].columns:
            if get is None:
                out[label] = fixed
            else:
                value = get(m, f)
                out[label] = value if type(value) in _PLAIN_TYPES else jsonable(value)  # type: ignore[assignment]
        return out

    def missing(self, i: int, values: dict[str, JsonValue] | None = None) -> list[str]:
        """What an unknown criterion lacks: member fields, else null values, else bound rows or tables."""
        if self.results[i] is not _UNKNOWN:
            return []
        if i not in self._missing:
            r, m = self.plan.rules[i], self.member
            if values is None:
                values = self.values(i)
            self._missing[i] = [p for p, get in r.missing if get(m) is None] or \
                [k for k, v in values.items() if v is None] or \
                list(rows_in([v for _, v in self.raw(i)] + [self.facts[s] for s in r.bound_slots])) or r.incomplete
        return self._missing[i]

    def explain(self, i: int, values: dict[str, JsonValue] | None = None) -> Text | None:
        result = self.results[i]
        if result in _QUIET:
            return None
        if i not in self._explained:
            self._explained[i] = self.plan.renderer.explain(self.plan.rules[i], result, self.member, self.facts,
                                                            self.missing(i, values))
        return self._explained[i]

    def outcomes(self) -> list[RuleOutcome]:
        """Each in-force criterion's outcome object; a failed one finds its hint (if asked for) when it is read."""
        out = []
        hinted = self.with_hints
        for i, r in enumerate(self.plan.rules):
            result, values = self.results[i], self.values(i)
            static = r.static
            if result in _QUIET:
                explain, missing = None, []
            else:
                missing = self.missing(i, values)
                explain = self.explain(i, values)
            fields = {"basis": static["basis"], "explain": explain, "hint": None, "id": static["id"],
                      "kind": static["kind"], "missing": missing, "outcome": result, "source": static["source"],
                      "values": values}  # in declared order
            if result is _FAIL and hinted:
                del fields["hint"]
                out.append(RuleOutcome.recorded(fields, _HintOf(self, i)))
            else:
                out.append(trusted(RuleOutcome, fields, ordered=True))
        return out

    def hints(self) -> list[Hint | None]:
        """The counterfactual hint of each failed criterion (found once, for all of them)."""
        if self._hints is None:
            stand_ins = [trusted(RuleOutcome, {"id": r.id, "kind": r.kind.value, "outcome": self.results[i],
                                               "values": {}, "missing": [], "source": None, "basis": "",
                                               "explain": None, "hint": None})
                         for i, r in enumerate(self.plan.rules)]  # the solvers read only the outcomes
            found = self.plan.counterfactuals.annotate(as_member(self.member), self.facts, stand_ins,
                                                       self.unknown) \
                if self.failed else stand_ins
            self._hints = [o.hint for o in found]
        return self._hints

    def field(self, name: str) -> Any:
        if name == "member":
            return trusted(MemberRef, {"nik": mask_nik(_NIK(self.member)), "input_sha256": self.input_sha256()})
        return self.outcomes() + self.plan.skipped

    def to_json(self) -> str | None:
        """The canonical JSON from the record (None where orjson cannot say it: the model then does)."""
        parts, top = self.plan.json_parts, self.top
        hints = self.hints() if self.with_hints and self.failed else None
        rules: list[dict[str, Any]] = []
        results = self.results
        for i, (basis, rule_id, kind, source) in enumerate(parts.rules):
            result, values = results[i], self.values(i)
            if result in _QUIET:
                explain, missing = None, []
            else:
                missing = self.missing(i, values)
                explain = self.explain(i, values)
            hint = hints[i] if hints else None
            rules.append({
                "basis": basis, "explain": None if explain is None else {"en": explain.en, "id": explain.id},
                "hint": None if hint is None else hint.model_dump(mode="json"), "id": rule_id, "kind": kind,
                "missing": missing, "outcome": result, "source": source, "values": values})
        data = {
            "as_of": parts.as_of, "benefit": None if top["benefit"] is None else parts.benefit,
            "channel": top["channel"], "engine": top["engine"], "flags": top["flags"],
            "member": {"input_sha256": self.input_sha256(), "nik": mask_nik(_NIK(self.member))},
            "missing": top["missing"], "on": parts.on, "outcome": top["outcome"].value,
            "parameters": parts.parameters, "priority": top["priority"], "rules": rules + parts.skipped,
            "ruleset": parts.ruleset,
        }
        try:
            return orjson.dumps(data).decode("utf-8")
        except (orjson.JSONEncodeError, TypeError):
            return None


class _HintOf:
    """The deferred hint of failed criterion ``i``."""

    def __init__(self, recorded: Recorded, i: int) -> None:
        self.recorded, self.i = recorded, i

    def field(self, name: str) -> Any:
        return self.recorded.hints()[self.i]

    def to_json(self) -> str | None:
        return None
