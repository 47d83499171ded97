"""What we still need to know: the listed inputs are exactly those that can still change the outcome."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import ANCHORS, members

import bsu_rules
from bsu_rules import Need, needed
from bsu_rules.catalogue import FUNCTIONS
from bsu_rules.errors import InputError
from bsu_rules.members import Member
from bsu_rules.ruleset.expressions import Call, walk
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.unknowns import Reason

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = {cutoff: bsu_rules.load_ruleset(f"bsu-{cutoff[:4]}") for cutoff, _, _ in ANCHORS}
EVENTS = ("membership_ended_on", "deceased_on")  # null is "no such event", not unknown
UNKNOWABLE = sorted(f for f, info in Member.model_fields.items() if not info.is_required() and f not in EVENTS)


def optional_reads(rs: RuleSet) -> set[str]:
    """Member fields some criterion reads where unknown is not unknown: an argument a catalogue function
    does without (``nik_valid`` checks the birth date only when given; ``known(x)``). A criterion
    decided without such a field was decided as the rules say, so it is not asked for; filling it may
    still change the outcome, so the properties leave these fields out."""
    out: set[str] = set()
    for tree in [c.tree for c in rs.rules] + list(rs.facts.values()):
        for node in walk(tree):
            if isinstance(node, Call) and node.func.dotted in FUNCTIONS:
                fn = FUNCTIONS[node.func.dotted]
                if not fn.strict and (fn.unknown_from is not None or not fn.own_unknown):  # coalesce: no
                    for i, arg in enumerate(node.args):
                        if fn.unknown_from is None or i not in fn.unknown_from:
                            out |= {p.split(".")[1] for p in rs.member_reads(arg)}
    return out


OPTIONAL = {cutoff: optional_reads(rs) for cutoff, rs in EDITIONS.items()}


@st.composite
def partial_members(draw: st.DrawFn) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(edition cut-off, a full record, the same record with some fields made unknown)."""
    cutoff, as_of, _ = draw(st.sampled_from(ANCHORS))
    record = draw(members(cutoff, as_of))
    blank = draw(st.sets(st.sampled_from([f for f in UNKNOWABLE if f not in OPTIONAL[cutoff]]), min_size=1))
    return cutoff, record, {k: v for k, v in record.items() if k not in blank}


def _asked(needs: list[Need]) -> set[str]:
    """The top-level member fields the needs ask for."""
    return {n.input.split(".")[1] for n in needs if n.input.startswith("member.")}


def test_an_undetermined_example_names_what_to_ask() -> None:
    rs = bsu_rules.load_ruleset("bsu-2022")
    record = json.loads((ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0])
    for field in ("wages", "registered_on", "employment_type", "contributions"):
        del record[field]
    decision = bsu_rules.evaluate(rs, record)
    needs = needed(decision, rs)
    assert [n.input for n in needs] == ["member.contributions", "member.registered_on", "member.wages",
                                        "member.employment_type"]
    assert [r.criterion for r in needs[0].why] == ["contribution-billed", "arrears"]
    assert needs[2].why[0].source == "pm-10-2022, Pasal 3 ayat (2) huruf c; Pasal 4"
    assert decision.needed == needs  # the decision itself gives the same list
    record["citizenship"] = "WNA"  # a known failure settles it: nothing more to ask
    assert needed(bsu_rules.evaluate(rs, record), rs) == []


def test_an_eligible_decision_without_its_channel_names_what_the_payment_waits_for() -> None:
    """The decision's ``missing`` and its explanation ask for the bank account: so does ``needed``, with the
    channel rule (as the rule file cites it) as the reason; an eligible decision with its channel needs nothing."""
    rs = bsu_rules.load_ruleset("bsu-2022")
    record = json.loads((ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0])
    paid = bsu_rules.evaluate(rs, record)
    assert paid.outcome == "eligible" and paid.channel == "BRI" and needed(paid, rs) == []
    del record["bank_account"]
    decision = bsu_rules.evaluate(rs, record)
    assert decision.outcome == "eligible" and decision.channel is None
    needs = needed(decision, rs)
    assert [n.input for n in needs] == decision.missing == ["member.bank_account.number", "member.bank_account.bank"]
    channel = rs.model.channel
    assert channel is not None and channel.source is not None
    assert all(n.why == (Reason(criterion="channel", source=channel.source, basis="regulation"),) for n in needs)
    assert [n.input for n in decision.needed] == decision.missing  # without the rule set: no article to cite
    assert decision.needed[0].why == (Reason(criterion="channel", source=None, basis="regulation"),)
    unnamed = bsu_rules.evaluate(rs, {**record, "bank_account": {"number": "1234567890", "bank": "Bank"}})
    assert [n.input for n in needed(unnamed, rs)] == ["member.bank_account.bank"]  # a name naming no bank
    undecided = bsu_rules.evaluate(rs, {k: v for k, v in record.items() if k != "wages"})
    assert [n.input for n in needed(undecided, rs)] == ["member.wages"]  # the account only once it is eligible


def test_needed_refuses_a_rule_set_id_or_the_rule_set_of_another_decision() -> None:
    rs = bsu_rules.load_ruleset("bsu-2022")
    record = json.loads((ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0])
    decision = bsu_rules.evaluate(rs, {**record, "wages": [{"period": "2022-08", "amount": 3400000}]})
    with pytest.raises(TypeError, match=r"^needed takes a RuleSet, not str: .*load_ruleset\('bsu-2022'\)"):
        needed(decision, "bsu-2022")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"not str: .*load_ruleset\('<16 digits>'\)") as caught:
        needed(decision, record["nik"])  # type: ignore[arg-type]  # the arguments mixed up: not repeated
    assert record["nik"] not in str(caught.value)
    with pytest.raises(TypeError, match=r"not int: pass the one bsu_rules.load_ruleset\(id or path\) returns"):
        needed(decision, 3)  # type: ignore[arg-type]  # not told to call load_ruleset(3)
    with pytest.raises(bsu_rules.InputError, match=r"^ruleset: the decision was made under bsu-2022 .* bsu-2020"):
        needed(decision, bsu_rules.load_ruleset("bsu-2020"))


def test_a_derived_value_is_traced_back_to_the_member_field() -> None:
    rs = bsu_rules.load_ruleset("bsu-2022")
    record = json.loads((ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines()[0])
    record["wages"] = [{"period": "2022-08", "amount": 3400000}]  # given, but not for the cut-off month
    decision = bsu_rules.evaluate(rs, record)
    assert decision.outcome == "undetermined" and decision.missing == ["fact.wage"]
    assert [n.input for n in needed(decision, rs)] == ["member.wages"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(partial_members(), st.data())
def test_an_input_not_listed_never_changes_the_outcome(case: tuple[str, dict[str, Any], dict[str, Any]],
                                                       data: st.DataObject) -> None:
    cutoff, record, partial = case
    rs = EDITIONS[cutoff]
    decision = bsu_rules.evaluate(rs, partial)
    needs = needed(decision, rs)
    unpaid = decision.outcome == "eligible" and decision.channel is None and bool(decision.missing)
    assert bool(needs) == (decision.outcome == "undetermined" or unpaid)  # an eligible one: how it is paid
    unlisted = sorted(f for f in UNKNOWABLE if f not in partial and f not in _asked(needs) | OPTIONAL[cutoff])
    if unlisted:
        field = data.draw(st.sampled_from(unlisted))
        filled = {**partial, field: data.draw(members(cutoff, rs.model.as_of)).get(field, record.get(field))}
        try:
            outcome = bsu_rules.evaluate(rs, filled).outcome
        except InputError:  # another member's date before this one's registration: no record at all
            assume(False)
        assert outcome == decision.outcome, field


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(partial_members())
def test_filling_the_listed_inputs_in_order_decides(case: tuple[str, dict[str, Any], dict[str, Any]]) -> None:
    cutoff, record, partial = case
    rs = EDITIONS[cutoff]
    full_decision = bsu_rules.evaluate(rs, record)
    full, unanswered = full_decision.outcome, {n.input for n in needed(full_decision, rs)}
    needs = needed(bsu_rules.evaluate(rs, partial), rs)
    while needs:
        field = next((n.input.split(".")[1] for n in needs if n.input.startswith("member.")), None)
        if field is None or field in partial:  # only a table can tell, or the record itself lacks it
            return
        partial = {**partial, field: record.get(field)}
        before = {n.input for n in needs}
        needs = needed(bsu_rules.evaluate(rs, partial), rs)
        # a member input never opens a new question the full record answers; it may show that a
        # table row only known as a lower bound decides (a question for the table's keeper), or
        # that a history the record holds empty, or without the row asked for, decides (the record
        # itself lacks it: the full record's decision asks for it too)
        # (once it is eligible, what its payment waits for is asked: a question of its own)
        opened = {n.input for n in needs if n.input.startswith("member.")
                  and any(r.criterion != "channel" for r in n.why)} - before - unanswered
        assert not [q for q in opened if record.get(q.split(".")[1])], (field, opened)
    if full != "undetermined":
        assert bsu_rules.evaluate(rs, partial).outcome == full
