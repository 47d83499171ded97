"""What we still need to know: the unknown inputs that could still change an undetermined decision,
and those an eligible decision's payment waits for.

Three-valued logic makes this exact. A criterion that came out pass or fail did so for every
value its unknown inputs could take, so filling them cannot change it; only the inputs an
*unknown* ``require`` or ``exclude`` criterion is missing can still change the outcome. Once a
criterion fails, the member is ineligible whatever else is learnt, and nothing is needed.

An eligible decision has no such input, but its payment may still wait: a decision whose channel
cannot be chosen (no bank account on record) names in its ``missing`` what the channel rule lacks,
and so does ``needed``, each input with the channel rule as its reason (``criterion`` ``channel``,
and the rule file's ``channel`` source and basis): the member is eligible, and is paid once it is
known. An undetermined decision is asked only what could change its outcome, never what its
channel would read: the engine chooses a channel for an eligible member only, and until the
outcome is known it is not known whether the account is wanted at all (a member who turns out
ineligible is never asked for an account number; a work area in Aceh is paid at BSI whatever the
account). Once it is eligible, the channel's inputs are asked, as its ``missing`` names them.

An input a criterion reads only where given (a birth date checked against the NIK when there is
one; an event date, whose absence means no such event) is not asked for: the criterion was
decided without it, as the rules say.

The inputs are ordered by how decisive they are: first those that the most unknown criteria wait
for (one answer settles them all), then by the first such criterion in the rule file's order; the
channel's, in the order its decision names them, come after any that could change the outcome.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from bsu_rules.errors import InputError
from bsu_rules.members.redact import shortened

if TYPE_CHECKING:  # decisions build their `needed` list here: this module reads them, by value
    from bsu_rules.decisions import Decision
    from bsu_rules.ruleset.model import RuleSet

_MEMBER_PATH = re.compile(r"\bmember(?:\.[a-z_]+)+")


class Reason(BaseModel):
    """A criterion that cannot be decided without the input, and the article it applies; or, for an
    eligible decision whose payment waits for the input, ``channel``: the rule file's channel rule,
    which chooses how the member is paid."""

    model_config = ConfigDict(frozen=True)

    criterion: str
    source: str | None
    basis: str


class Need(BaseModel):
    """One input to ask for: a member field path (``member.wages``), a table row the rule set lacks
    (``table.ppkm_areas[3204]``: the member cannot supply it) or a parameter it leaves without a value on the
    decision date (``param.state_banks``: the programme's gap), with every criterion that waits for it (or
    the channel rule, for an eligible decision's payment)."""

    model_config = ConfigDict(frozen=True)

    input: str
    why: tuple[Reason, ...]


def needed(decision: Decision, ruleset: RuleSet | None = None) -> list[Need]:
    """The inputs that could still change ``decision``, most decisive first; for an eligible decision
    whose payment channel cannot be chosen, the inputs the channel waits for (its ``missing``); []
    otherwise (an ineligible decision, an eligible one with its channel).

    A criterion may be unknown because a derived value is (``fact.wage``: the wages are given, but not
    for the cut-off month); with the ``ruleset`` the decision was made under, such a value is traced
    back to the member fields it is computed from, and the channel's reason cites the rule file's
    ``channel`` source (TypeError for anything but a RuleSet; InputError for the rule set of another
    decision). Without it, the channel's reason has no source and the basis ``regulation``, the rule
    file's default: a decision does not carry the channel's citation.
    """
    if ruleset is not None:
        made_under(decision, ruleset, "needed")
    if decision.outcome == "eligible":
        return _for_payment(decision, ruleset)
    if decision.outcome != "undetermined":
        return []
    waiting: dict[str, list[tuple[int, Reason]]] = {}
    for index, rule in enumerate(decision.rules):
        if rule.outcome != "unknown" or rule.kind not in ("require", "exclude"):
            continue
        reason = Reason(criterion=rule.id, source=rule.source, basis=rule.basis)
        for label in rule.missing:
            for path in inputs(label, ruleset):
                reasons = waiting.setdefault(path, [])
                if all(r is not reason for _, r in reasons):
                    reasons.append((index, reason))
    ranked = sorted(waiting.items(), key=lambda item: (-len(item[1]), item[1][0][0], item[0]))
    return [Need(input=path, why=tuple(r for _, r in reasons)) for path, reasons in ranked]


def _for_payment(decision: Decision, ruleset: RuleSet | None) -> list[Need]:
    """What an eligible decision's payment waits for: the inputs behind its ``missing`` while it has no
    channel (none once it has one), each with the channel rule as its reason."""
    if decision.channel or not decision.missing:
        return []
    rule = ruleset.model.channel if ruleset is not None else None
    reason = Reason(criterion="channel", source=rule.source if rule is not None else None,
                    basis=rule.basis.value if rule is not None else "regulation")
    wanted = dict.fromkeys(path for label in decision.missing for path in inputs(label, ruleset))
    return [Need(input=path, why=(reason,)) for path in wanted]


def inputs(label: str, ruleset: RuleSet | None) -> list[str]:
    """The inputs behind a missing label: itself for a member field or a table, else the member fields
    the derived value reads."""
    if label.startswith(("member.", "table.")) or ruleset is None:
        return [label]
    if label.startswith("fact.") and label[5:] in ruleset.facts:
        return ruleset.member_reads(ruleset.facts[label[5:]])
    return list(dict.fromkeys(_MEMBER_PATH.findall(label))) or [label]


# What the public functions taking a rule set (``evaluate``, ``needed``, ``DecisionLog.record``) check it is.

def given_ruleset(ruleset: object, caller: str) -> RuleSet:
    """``ruleset`` as ``caller`` takes it: a TypeError for anything but a RuleSet (a rule set id is
    told to load it once)."""
    if not hasattr(ruleset, "plan"):
        if isinstance(ruleset, (str, PurePath)):
            named = f"load it once with bsu_rules.load_ruleset({shortened(repr(ruleset), 60)}) and pass that"
        else:
            named = "pass the one bsu_rules.load_ruleset(id or path) returns"
        raise TypeError(f"{caller} takes a RuleSet, not {type(ruleset).__name__}: {named}")
    return ruleset  # type: ignore[return-value]


def made_under(decision: object, ruleset: object, caller: str) -> None:
    """TypeError unless ``decision`` is a Decision and ``ruleset`` a RuleSet (``given_ruleset``);
    InputError when the decision was made under another rule set (its sha256 differs)."""
    if not hasattr(decision, "ruleset"):
        raise TypeError(f"{caller} takes a Decision, not {type(decision).__name__}"
                        + (" (its JSON): pass the Decision itself" if isinstance(decision, str | bytes) else ""))
    taken = given_ruleset(ruleset, caller)
    made = decision.ruleset
    if made.sha256 != taken.sha256:
        raise InputError([("ruleset", f"the decision was made under {made.id} {made.version} (sha256 "
                                      f"{made.sha256[:12]}…), not under this {taken.id} {taken.version} (sha256 "
                                      f"{taken.sha256[:12]}…): pass the rule set it was made under")])
