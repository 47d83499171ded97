"""What a proof says: a property, its status, and the members that show it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bsu_rules.prove.search import Found

STATUS = {
    # an "always" property: no member breaks it / a member breaks it
    ("always", "none"): "proved",
    ("always", "found"): "refuted",
    # a "sometimes" property (a rule can fire, a property can happen): a member shows it / none can
    ("sometimes", "found"): "proved",
    ("sometimes", "none"): "refuted",
}
UNDETERMINED_ONLY = "undetermined-only"
"""``live:`` of a ``require`` that can never fail (an ``exclude`` that never excludes) but can be
unknown: it only keeps members undetermined until their data is complete. Not proved: to the
solver, a rule meant only to wait for data looks like one meant to fail somewhere that never can
(a ceiling written so that every wage passes)."""


@dataclass
class Verdict:
    """``status``: proved, refuted, unrealised (the abstraction allows only members that do not
    exist: not refuted, not proved), unknown (time ran out), disagree (an encoding fault) or, for
    ``live:``, undetermined-only (``UNDETERMINED_ONLY``)."""

    name: str
    claim: str
    form: str  # "always" | "sometimes"
    status: str
    members: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    refinements: int = 0
    detail: str = ""

    @classmethod
    def of(cls, name: str, claim: str, form: str, found: Found, outcomes: list[str], seconds: float) -> Verdict:
        status = STATUS.get((form, found.status), found.status)
        return cls(name, claim, form, status, [jsonable(r) for r in found.records], outcomes, round(seconds, 3),
                   found.refinements, found.problem)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "claim": self.claim, "form": self.form, "status": self.status,
                "members": self.members, "outcomes": self.outcomes, "seconds": self.seconds,
                "refinements": self.refinements, "detail": self.detail}


def jsonable(value: Any) -> Any:
    """A realised record as JSON data (dates as text)."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value
