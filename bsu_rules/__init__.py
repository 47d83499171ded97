"""bsu-rules: declarative, explainable eligibility rules for Indonesia's wage subsidy (BSU)."""

__version__ = "0.1.0"

from bsu_rules.decisions import Decision, Outcome, RuleOutcome  # noqa: E402
from bsu_rules.errors import InputError, RuleSetError  # noqa: E402
from bsu_rules.evaluators.scalar import evaluate  # noqa: E402
from bsu_rules.members import Member, parse_member  # noqa: E402
from bsu_rules.ruleset.loader import check_file, load_ruleset  # noqa: E402
from bsu_rules.ruleset.model import OutOfForce, RuleSet  # noqa: E402

__all__ = [
    "Decision", "InputError", "Member", "OutOfForce", "Outcome", "RuleOutcome", "RuleSet",
    "RuleSetError", "__version__", "check_file", "evaluate", "load_ruleset", "parse_member",
]
