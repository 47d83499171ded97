"""``bsu-rules evaluate``: decide member records, one decision per line, in input order."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bsu_rules.cli.options import BadRecord, day, read_records
from bsu_rules.errors import InputError
from bsu_rules.explain import render_text
from bsu_rules.members import parse_member
from bsu_rules.ruleset.loader import load_ruleset


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("evaluate", help="decide member records under a rule set")
    p.add_argument("ruleset", help="a rule file path or a bundled id such as bsu-2022")
    p.add_argument("files", nargs="+", metavar="FILE", help="JSON (one record or a list) or JSONL; - for stdin")
    p.add_argument("--on", type=day, help="decision date YYYY-MM-DD (default: the latest date the file describes)")
    p.add_argument("--format", choices=("json", "text"), default="json")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language of text output")
    p.set_defaults(run=run)


def error_line(number: int, field: str, message: str) -> str:
    return json.dumps({"error": {"record": number, "field": field, "message": message}}, ensure_ascii=False)


def run(args: argparse.Namespace) -> int:
    ruleset = load_ruleset(args.ruleset)
    plan = ruleset.plan(args.on)
    bad = 0
    out = sys.stdout
    for number, record in read_records(args.files):
        try:
            if isinstance(record, BadRecord):
                raise InputError([("(record)", str(record))])
            member = parse_member(record)
        except InputError as exc:
            bad += 1
            field, _ = exc.problems[0]
            print(error_line(number, field, str(exc)), file=out)
            continue
        decision = plan.decide(member)
        if args.format == "json":
            print(decision.to_json(), file=out)
        else:
            print(render_text(decision, ruleset, args.lang) + "\n", file=out)
    if bad:
        print(f"bsu-rules: {bad} malformed record(s), see the error lines", file=sys.stderr)
    return 1 if bad else 0
