"""How a decision and each of its criteria come out: the two enumerations a decision is made of, apart from the
decision models (``decisions``, pydantic), so that the rules' semantics and a rule file's check need not load them."""

from __future__ import annotations

from enum import StrEnum


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
