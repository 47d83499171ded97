"""The input data contract: a member record as other services send it.

- ``model``: the strict pydantic models, the one source of the contract;
- ``redact``: what a message may show of a value given: every NIK- or account-like number left out;
- ``contract``: the same fields as data (``Leaf``, ``Group``), what the other forms derive from;
- ``mirror``: the contract as msgspec structs, the fast path's validation;
- ``parse``: validating a record (the mirror, else the model naming every problem) and its hash;
- ``decode``: one JSON line decoded safely; ``arrow``: the contract as an Arrow schema (imports pyarrow).

The names of ``mirror`` and ``parse`` are loaded on first use (PEP 562): a command that only reads the contract
(``check``, the batch's columnar checks) does not build the msgspec mirror.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bsu_rules._lazy import lazy
from bsu_rules.members.contract import Group, Leaf, contract, path_order
from bsu_rules.members.model import (
    PERIODIC,
    SECRET,
    BankAccount,
    Citizenship,
    Contribution,
    Employer,
    EmploymentType,
    Member,
    ParticipantCategory,
    Program,
    ProgramReceipt,
    WageReport,
    digits,
    duplicate_message,
)

if TYPE_CHECKING:
    from bsu_rules.members.mirror import MemberMirror, MemberView, Record, as_member
    from bsu_rules.members.parse import Parsed, decision_date, parse_line, parse_member, parse_record, record_hash

_WHERE = {**dict.fromkeys(["MemberMirror", "MemberView", "Record", "as_member"], "mirror"),
          **dict.fromkeys(["Parsed", "decision_date", "parse_line", "parse_member", "parse_record", "record_hash"],
                          "parse")}

__all__ = [
    "PERIODIC", "SECRET", "BankAccount", "Citizenship", "Contribution", "Employer", "EmploymentType", "Group",
    "Leaf", "Member", "MemberMirror", "MemberView", "Parsed", "ParticipantCategory", "Program", "ProgramReceipt",
    "Record", "WageReport", "as_member", "contract", "decision_date", "digits", "duplicate_message", "parse_line",
    "parse_member", "parse_record", "path_order", "record_hash",
]


__getattr__, __dir__ = lazy(__name__, _WHERE, globals())
