"""bsu-rules: declarative, explainable eligibility rules for Indonesia's wage subsidy (BSU)."""

__version__ = "0.1.0"

from bsu_rules.audit import DecisionLog, replay
from bsu_rules.decisions import Decision, Outcome, RuleOutcome
from bsu_rules.errors import InputError, RuleSetError
from bsu_rules.evaluators.scalar import evaluate
from bsu_rules.members import Member, parse_member
from bsu_rules.needed import Need, needed
from bsu_rules.ruleset.loader import check_file, load_ruleset
from bsu_rules.ruleset.model import OutOfForce, RuleSet

__all__ = [
    "Decision", "DecisionLog", "InputError", "Member", "Need", "OutOfForce", "Outcome", "RuleOutcome", "RuleSet",
    "RuleSetError", "__version__", "check_file", "evaluate", "load_ruleset", "needed", "parse_member", "replay",
]
