"""The published JSON Schemas: the member record, the decision and the rule file.

``bsu-rules schema`` prints them, the HTTP service serves them, and ``docs/schemas/`` holds a copy
that a test keeps fresh.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from bsu_rules.decisions import Decision
from bsu_rules.members import Member
from bsu_rules.ruleset.schema import RuleFile

SCHEMAS: dict[str, type[BaseModel]] = {"member": Member, "decision": Decision, "ruleset": RuleFile}


def schema(which: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``member``, ``decision`` or ``ruleset``."""
    doc = SCHEMAS[which].model_json_schema(by_alias=True)
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["$id"] = f"bsu-rules/{which}.schema.json"
    return doc
