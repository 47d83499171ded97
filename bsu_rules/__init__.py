"""bsu-rules: declarative, explainable eligibility rules for Indonesia's wage subsidy (BSU)."""

from bsu_rules._version import __version__
from bsu_rules.audit import DecisionLog, replay
from bsu_rules.decisions import Decision, Outcome, RuleOutcome
from bsu_rules.errors import InputError, RuleSetError
from bsu_rules.evaluators.scalar import evaluate
from bsu_rules.members import Member, parse_member
from bsu_rules.ruleset.loader import check_file, load_ruleset
from bsu_rules.ruleset.model import OutOfForce, RuleSet
from bsu_rules.unknowns import Need, needed

__all__ = [
    "Decision", "DecisionLog", "InputError", "Member", "Need", "OutOfForce", "Outcome", "RuleOutcome", "RuleSet",
    "RuleSetError", "__version__", "check_file", "evaluate", "load_ruleset", "needed", "parse_member", "replay",
]
