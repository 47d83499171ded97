"""``bsu-rules evaluate``: decide member records, one decision per line, in input order."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bsu_rules.audit.log import AuditError, DecisionLog
from bsu_rules.cli.archive import add_evaluate_options, open_audit
from bsu_rules.cli.options import BadRecord, day, load, read_records
from bsu_rules.errors import InputError
from bsu_rules.evaluators.scalar import Plan
from bsu_rules.explain import render_text
from bsu_rules.members import parse_member
from bsu_rules.ruleset.model import RuleSet


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("evaluate", help="decide member records under a rule set")
    p.add_argument("ruleset", help="a rule file path or a bundled id such as bsu-2022")
    p.add_argument("files", nargs="+", metavar="FILE", help="JSON (one record or a list) or JSONL; - for stdin")
    p.add_argument("--on", type=day, help="decision date YYYY-MM-DD (default: the latest date the file describes)")
    p.add_argument("--format", choices=("json", "text"), default="json")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language of text output")
    add_evaluate_options(p)
    p.set_defaults(run=run)


def error_line(number: int, field: str, message: str) -> str:
    return json.dumps({"error": {"record": number, "field": field, "message": message}}, ensure_ascii=False)


def run(args: argparse.Namespace) -> int:
    ruleset = load(args.ruleset)
    plan = ruleset.plan(args.on)
    try:
        log = open_audit(args, ruleset)
        bad = _decide(args, ruleset, plan, log)
    except AuditError as exc:
        print(f"bsu-rules: {exc}", file=sys.stderr)
        return 2
    if bad:
        print(f"bsu-rules: {bad} malformed record(s), see the error lines", file=sys.stderr)
    return 1 if bad else 0


def _decide(args: argparse.Namespace, ruleset: RuleSet, plan: Plan, log: DecisionLog | None) -> int:
    """Print a decision per record; with a log, only once the decision is written to it."""
    bad = 0
    out = sys.stdout
    held: list[str] = []

    def emit(text: str) -> None:
        if log is None:
            print(text, file=out)
        else:
            held.append(text)

    for number, record in read_records(args.files):
        try:
            if isinstance(record, BadRecord):
                raise InputError([("(record)", str(record))])
            member = parse_member(record)
        except InputError as exc:
            bad += 1
            field, _ = exc.problems[0]
            emit(error_line(number, field, str(exc)))
            continue
        decision = plan.decide(member)
        text = decision.to_json() if args.format == "json" else None
        emit(text or render_text(decision, ruleset, args.lang) + "\n")
        if log is not None and log.record(decision, member, ruleset, text):
            print("\n".join(held), file=out)
            held.clear()
    if log is not None:
        log.flush()
        if held:
            print("\n".join(held), file=out)
    return bad
