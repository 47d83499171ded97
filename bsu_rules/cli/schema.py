"""``bsu-rules schema``: JSON Schemas of the member record, the decision and the rule file."""

from __future__ import annotations

import argparse
import json
from typing import Any

from bsu_rules.schemas import SCHEMAS, schema


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("schema", help="print a JSON Schema")
    p.add_argument("which", choices=sorted(SCHEMAS))
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print(json.dumps(schema(args.which), ensure_ascii=False, indent=2))
    return 0
