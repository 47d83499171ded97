"""``bsu-rules verify``: check a decision log's hash chain and report the first damaged line."""

from __future__ import annotations

import argparse
import json
from typing import Any

from bsu_rules.audit.log import verify_log


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("verify", help="check the hash chain of a decision log")
    p.add_argument("log", metavar="LOG", help="a decision log (JSONL) written with evaluate --log")
    p.add_argument("--anchor", metavar="HASH",
                   help="a head hash recorded earlier: fail if the log no longer contains it")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    result = verify_log(args.log, args.anchor)
    problem = result.problem
    if args.format == "json":
        print(json.dumps({"ok": result.ok, "decisions": result.decisions, "head": {"seq": result.head_seq,
                          "hash": result.head_hash}, "problem": None if problem is None else
                          {"line": problem.line, "kind": problem.kind, "message": problem.message}}, indent=2))
    elif problem is None:
        print(f"{result}\nhead: seq {result.head_seq} hash {result.head_hash}")
    else:
        print(f"{args.log}: {problem}")
        if problem.line > 1:
            print(f"lines 1-{problem.line - 1} are intact")
    return 0 if result.ok else 1
