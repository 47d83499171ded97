"""Auditing: hash-chained decision logs, a content-addressed rule archive, verify and replay."""

from bsu_rules.audit.archive import Archived, ArchiveError, MissingRuleSet, archive_ruleset, load_archived
from bsu_rules.audit.chain import Problem, Verification, Verifier, entry_hash, verify_log
from bsu_rules.audit.log import AuditError, DecisionLog, LogError
from bsu_rules.audit.rerun import CriterionChange, ReplayItem, ReplayReport, Status, iter_replay, replay
from bsu_rules.audit.snapshot import kept_fields, key_id, load_members, pseudonym

__all__ = [
    "ArchiveError", "Archived", "AuditError", "CriterionChange", "DecisionLog", "LogError", "MissingRuleSet",
    "Problem", "ReplayItem", "ReplayReport", "Status", "Verification", "Verifier", "archive_ruleset", "entry_hash",
    "iter_replay", "kept_fields", "key_id", "load_archived", "load_members", "pseudonym", "replay", "verify_log",
]
