"""bsu-rules: declarative, explainable eligibility rules for Indonesia's wage subsidy (BSU).

The public names below are loaded on first use (PEP 562), so ``import bsu_rules`` and the
``bsu-rules`` command pay only for what they touch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bsu_rules._lazy import lazy
from bsu_rules._version import __version__

if TYPE_CHECKING:
    from bsu_rules.audit import DecisionLog, replay
    from bsu_rules.decisions import Decision, Outcome, RuleOutcome
    from bsu_rules.errors import (
        BsuRulesError,
        Code,
        Diagnostic,
        InputError,
        OutOfForce,
        ParameterError,
        PublishedKeyWarning,
        RuleSetError,
    )
    from bsu_rules.evaluators.scalar import evaluate
    from bsu_rules.members import Member, parse_member
    from bsu_rules.ruleset.loader import check_file, load_ruleset
    from bsu_rules.ruleset.model import RuleSet
    from bsu_rules.unknowns import Need, needed

_WHERE = {
    "DecisionLog": "audit", "replay": "audit",
    "Decision": "decisions", "Outcome": "decisions", "RuleOutcome": "decisions",
    "BsuRulesError": "errors", "Code": "errors", "Diagnostic": "errors",
    "InputError": "errors", "ParameterError": "errors", "PublishedKeyWarning": "errors", "RuleSetError": "errors",
    "evaluate": "evaluators.scalar",
    "Member": "members", "parse_member": "members",
    "check_file": "ruleset.loader", "load_ruleset": "ruleset.loader",
    "OutOfForce": "errors", "RuleSet": "ruleset.model",
    "Need": "unknowns", "needed": "unknowns",
}

__all__ = [
    "BsuRulesError", "Code", "Decision", "DecisionLog", "Diagnostic", "InputError", "Member", "Need", "OutOfForce",
    "Outcome", "ParameterError", "PublishedKeyWarning", "RuleOutcome", "RuleSet", "RuleSetError", "__version__",
    "check_file", "evaluate", "load_ruleset", "needed", "parse_member", "replay",
]


__getattr__, __dir__ = lazy(__name__, _WHERE, globals())
