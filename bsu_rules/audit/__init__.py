"""Auditing: hash-chained decision logs, a content-addressed rule archive, verify and replay.

The names below are loaded on first use (PEP 562): a command that needs one module of the
package (the pseudonymisation key of ``keys``) does not import the others."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bsu_rules._lazy import lazy

if TYPE_CHECKING:
    from bsu_rules.audit.archive import Archived, ArchiveError, MissingRuleSet, archive_ruleset, load_archived
    from bsu_rules.audit.chain import Problem, Verification, Verifier, entry_hash, verify_log
    from bsu_rules.audit.comparison import CriterionChange
    from bsu_rules.audit.keys import key_id, pseudonym
    from bsu_rules.audit.log import AuditError, DecisionLog, LogChanged, LogError
    from bsu_rules.audit.replay_report import ReplayItem, ReplayReport, Status
    from bsu_rules.audit.rerun import iter_replay, replay
    from bsu_rules.audit.snapshot import input_hash, kept_fields, load_members

_WHERE = {
    **dict.fromkeys(["Archived", "ArchiveError", "MissingRuleSet", "archive_ruleset", "load_archived"], "archive"),
    **dict.fromkeys(["Problem", "Verification", "Verifier", "entry_hash", "verify_log"], "chain"),
    "CriterionChange": "comparison",
    **dict.fromkeys(["AuditError", "DecisionLog", "LogChanged", "LogError"], "log"),
    **dict.fromkeys(["ReplayItem", "ReplayReport", "Status"], "replay_report"),
    **dict.fromkeys(["iter_replay", "replay"], "rerun"),
    **dict.fromkeys(["key_id", "pseudonym"], "keys"),
    **dict.fromkeys(["input_hash", "kept_fields", "load_members"], "snapshot"),
}

__all__ = [
    "ArchiveError", "Archived", "AuditError", "CriterionChange", "DecisionLog", "LogChanged", "LogError",
    "MissingRuleSet", "Problem", "ReplayItem", "ReplayReport", "Status", "Verification", "Verifier", "archive_ruleset",
    "entry_hash", "input_hash", "iter_replay", "kept_fields", "key_id", "load_archived", "load_members", "pseudonym",
    "replay", "verify_log",
]


__getattr__, __dir__ = lazy(__name__, _WHERE, globals())
