"""``bsu-rules schema``: JSON Schemas of the member record, the decision and the rule file."""

from __future__ import annotations

import argparse
import json
from typing import Any

from pydantic import BaseModel

from bsu_rules.decisions import Decision
from bsu_rules.members import Member
from bsu_rules.ruleset.schema import RuleFile

SCHEMAS: dict[str, type[BaseModel]] = {"member": Member, "decision": Decision, "ruleset": RuleFile}


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("schema", help="print a JSON Schema")
    p.add_argument("which", choices=sorted(SCHEMAS))
    p.set_defaults(run=run)


def schema(which: str) -> dict[str, Any]:
    doc = SCHEMAS[which].model_json_schema(by_alias=True)
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["$id"] = f"bsu-rules/{which}.schema.json"
    return doc


def run(args: argparse.Namespace) -> int:
    print(json.dumps(schema(args.which), ensure_ascii=False, indent=2))
    return 0
