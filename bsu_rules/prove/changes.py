"""The member changes the monotonicity proofs quantify over: what changes, in the solver and on
a concrete record. History functions say in the catalogue how their result moves under each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import z3

from bsu_rules.prove.inputs import Inputs
from bsu_rules.prove.symbols import Term


@dataclass(frozen=True)
class Change:
    name: str
    claim: str
    helps: bool  # True: the change must never make the outcome worse; False: never better
    field: str | None = None  # the member field that changes, if it is not a history
    later: bool = False  # the field moves later (registration) rather than earlier or appears (events)

    def fields(self, a: Inputs, b: Inputs) -> Term:
        """How the changed field differs between the member before (a) and after (b)."""
        if self.field is None:
            return z3.BoolVal(True)
        x, y = a.field(self.field), b.field(self.field)
        if self.later:
            return z3.And(x.known, y.known, y.term > x.term)
        return z3.And(y.known, z3.Or(z3.Not(x.known), y.term < x.term))

    def check(self, before: dict[str, Any], after: dict[str, Any]) -> str | None:
        """None if ``after`` is ``before`` with this change, else what is wrong."""
        key = (self.field or {"raise_wage": "member.wages", "pay_contribution": "member.contributions"}[
            self.name]).split(".")[1]
        differ = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        if differ != [key]:
            return f"the two members differ in {differ}, not only in {key}"
        old, new = before[key], after[key]
        if self.name == "raise_wage" and not (
                [w["period"] for w in old] == [w["period"] for w in new]
                and all(n["amount"] >= o["amount"] for o, n in zip(old, new, strict=True))):
            return "the wages are not the same reports with higher amounts"
        if self.name == "pay_contribution" and not (
                [c["period"] for c in old] == [c["period"] for c in new]
                and all(o == n or n["paid_on"] is not None for o, n in zip(old, new, strict=True))):
            return "the contributions are not the same months with more of them paid"
        return None


CHANGES = (
    Change("raise_wage", "a higher reported wage never makes the outcome better", helps=False),
    Change("pay_contribution", "paying a contribution never makes the outcome worse", helps=True),
    Change("die", "dying (or dying earlier) never makes the outcome better", helps=False,
           field="member.deceased_on"),
    Change("leave", "membership ending (or ending earlier) never makes the outcome better", helps=False,
           field="member.membership_ended_on"),
    Change("register_later", "a later registration never makes the outcome better", helps=False,
           field="member.registered_on", later=True),
)
