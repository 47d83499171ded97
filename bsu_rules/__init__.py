"""bsu-rules: declarative, explainable eligibility rules for Indonesia's wage subsidy (BSU).

The public names below are loaded on first use (PEP 562), so ``import bsu_rules`` and the
``bsu-rules`` command pay only for what they touch.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from bsu_rules._version import __version__

if TYPE_CHECKING:
    from bsu_rules.audit import DecisionLog, replay
    from bsu_rules.decisions import Decision, Outcome, RuleOutcome
    from bsu_rules.errors import BsuRulesError, Code, InputError, OutOfForce, RuleSetError
    from bsu_rules.evaluators.scalar import evaluate
    from bsu_rules.members import Member, parse_member
    from bsu_rules.ruleset.loader import check_file, load_ruleset
    from bsu_rules.ruleset.model import RuleSet
    from bsu_rules.unknowns import Need, needed

_WHERE = {
    "DecisionLog": "bsu_rules.audit", "replay": "bsu_rules.audit",
    "Decision": "bsu_rules.decisions", "Outcome": "bsu_rules.decisions", "RuleOutcome": "bsu_rules.decisions",
    "BsuRulesError": "bsu_rules.errors", "Code": "bsu_rules.errors",
    "InputError": "bsu_rules.errors", "RuleSetError": "bsu_rules.errors",
    "evaluate": "bsu_rules.evaluators.scalar",
    "Member": "bsu_rules.members", "parse_member": "bsu_rules.members",
    "check_file": "bsu_rules.ruleset.loader", "load_ruleset": "bsu_rules.ruleset.loader",
    "OutOfForce": "bsu_rules.errors", "RuleSet": "bsu_rules.ruleset.model",
    "Need": "bsu_rules.unknowns", "needed": "bsu_rules.unknowns",
}

__all__ = [
    "BsuRulesError", "Code", "Decision", "DecisionLog", "InputError", "Member", "Need", "OutOfForce", "Outcome",
    "RuleOutcome", "RuleSet", "RuleSetError", "__version__", "check_file", "evaluate", "load_ruleset", "needed",
    "parse_member", "replay",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'bsu_rules' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value  # the next access is a plain lookup
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
