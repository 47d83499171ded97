"""Decisions: plain data, serialised canonically (sorted keys, no floats, UTF-8) and hashed."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, JsonValue

from bsu_rules.ruleset.schema import Text


class Outcome(StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    UNDETERMINED = "undetermined"


class RuleResult(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    FLAGGED = "flagged"
    PRIORITIZED = "prioritized"
    NOT_PRIORITIZED = "not_prioritized"
    NOT_IN_FORCE = "not_in_force"


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Change(_Data):
    """One change to the member record (``patch``), or a recorded fact no change can alter (``patch`` null)."""

    field: str  # member field path, e.g. "member.wages"
    subject: str  # the value the condition constrains, e.g. "fact.wage"
    op: str | None = None  # "<=", ">=", "==", "in"
    current: JsonValue = None
    required: JsonValue = None
    patch: JsonValue = None


class Hint(_Data):
    """What would make a failed criterion pass (counterfactual), or that no change to the record can."""

    possible: bool
    sufficient: bool = False  # the changes alone make the member eligible
    changes: list[Change]
    text: Text


class RuleOutcome(_Data):
    """One criterion: what it read, where it comes from, and how it came out."""

    id: str
    kind: str
    outcome: RuleResult
    values: dict[str, JsonValue] = {}
    missing: list[str] = []
    source: str | None = None
    basis: str = "regulation"
    explain: Text | None = None
    hint: Hint | None = None


class RuleSetRef(_Data):
    id: str
    version: str
    sha256: str


class MemberRef(_Data):
    nik: str
    input_sha256: str


class Benefit(_Data):
    amount: int
    monthly: int | None = None
    months: int | None = None
    instalments: list[int] = []


class ParameterRead(_Data):
    value: JsonValue
    since: date | None = None


class Decision(_Data):
    """The decision for one member under one rule set on one date."""

    outcome: Outcome
    ruleset: RuleSetRef
    engine: str
    on: date
    as_of: date
    member: MemberRef
    benefit: Benefit | None = None
    channel: str | None = None
    priority: int = 0
    flags: list[str] = []
    missing: list[str] = []
    rules: list[RuleOutcome]
    parameters: dict[str, ParameterRead] = {}

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, no floats, no insignificant whitespace, UTF-8 text."""
        return canonical_json(self.model_dump(mode="json"))

    def sha256(self) -> str:
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    @property
    def failed(self) -> list[str]:
        return [r.id for r in self.rules if r.outcome == RuleResult.FAIL]

    def rule(self, rule_id: str) -> RuleOutcome:
        return next(r for r in self.rules if r.id == rule_id)


def trusted(cls: type[M], fields: dict[str, Any]) -> M:
    """Build a model from values the engine itself produced, skipping validation.

    Every field must be given. This is what ``model_construct`` does, without its per-call
    bookkeeping: deciding a member builds a dozen of these.
    """
    obj = _new(cls)
    _set(obj, "__dict__", fields)
    _set(obj, "__pydantic_fields_set__", _FIELDS[cls])
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


_new, _set = object.__new__, object.__setattr__


def canonical_json(data: Any) -> str:
    """The one JSON form that is hashed and compared."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def mask_nik(nik: str) -> str:
    """Keep the region (4) and the serial (4): ``3215********0001``."""
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:] if len(nik) > 8 else "*" * len(nik)


M = TypeVar("M", bound=BaseModel)
_FIELDS: dict[type[BaseModel], set[str]] = {
    cls: set(cls.model_fields) for cls in (RuleOutcome, MemberRef, Decision, Text)
}
