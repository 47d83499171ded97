"""The durable_rules backend decides exactly as the scalar evaluator (optional extra)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import members

import bsu_rules

pytest.importorskip("durable.lang")
from bsu_rules.evaluators.durable import DurablePlan

DATES = {"bsu-2020": [None], "bsu-2021": [date(2021, 8, 10), date(2021, 11, 10)], "bsu-2022": [None],
         "bsu-2025": [None]}
PLANS = [(name, on) for name, days in DATES.items() for on in days]
_durable: dict[tuple[str, date | None], DurablePlan] = {}


def durable_plan(name: str, on: date | None) -> DurablePlan:
    if (name, on) not in _durable:
        _durable[(name, on)] = DurablePlan(bsu_rules.load_ruleset(name).plan(on))
    return _durable[(name, on)]


@pytest.mark.parametrize(("name", "on"), PLANS, ids=[f"{n}-{d}" for n, d in PLANS])
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=members())
def test_durable_and_scalar_decide_alike(name: str, on: date | None, record: dict[str, Any]) -> None:
    dp = durable_plan(name, on)
    member = bsu_rules.parse_member(record)
    assert dp.decide(member).to_json() == dp.plan.decide(member).to_json()


def test_examples_agree_rule_by_rule(examples: list[dict[str, Any]]) -> None:
    dp = durable_plan("bsu-2022", None)
    for record in examples:
        member = bsu_rules.parse_member(record)
        facts = dp.plan.fact_values(member)
        assert dp.conditions(member) == [r.condition(member, facts) for r in dp.plan.rules]


@pytest.mark.parametrize("dropped", [1, 3])
def test_an_answer_durable_rules_drops_is_asked_again(monkeypatch: pytest.MonkeyPatch,
                                                      examples: list[dict[str, Any]], dropped: int) -> None:
    """durable_rules' engine now and then drops an action (its error 307): the member is posted again, under a
    new session, and decided alike; an answer missing every time is said, never guessed."""
    import bsu_rules.evaluators.durable as durable

    dp, member = durable_plan("bsu-2022", None), bsu_rules.parse_member(examples[0])
    real, sids = durable.get_state, []

    def losing(name: str, sid: str) -> dict[str, Any]:
        state: dict[str, Any] = real(name, sid)
        sids.append(sid)
        return {k: v for k, v in state.items() if k != "r0"} if len(sids) <= dropped else state

    monkeypatch.setattr(durable, "get_state", losing)
    if dropped < durable._TRIES:
        assert dp.decide(member).to_json() == dp.plan.decide(member).to_json()
        assert len(sids) == dropped + 1 == len(set(sids))  # a new session each time
    else:
        with pytest.raises(durable.DurableShortfall, match=f"gave no answer for {dp.plan.rules[0].id} .3 tries"):
            dp.decide(member)
