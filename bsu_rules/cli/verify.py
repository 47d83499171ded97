"""``bsu-rules verify``: check a decision log's hash chain and report the first damaged line."""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
from typing import Any

from bsu_rules.audit.chain import Problem, Verification, read_log, verify_log
from bsu_rules.audit.checkpoints import CheckpointError, load_public_key, read_together, verify_checkpoints
from bsu_rules.cli import _os_error
from bsu_rules.errors import Code, InputError

_HASH = re.compile(r"[0-9a-fA-F]{64}")


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("verify", help="check the hash chain of a decision log")
    p.add_argument("log", metavar="LOG", help="a decision log (JSONL) written with evaluate --log")
    p.add_argument("--anchor", metavar="HASH",
                   help="a head hash recorded earlier: fail if the log no longer contains it")
    p.add_argument("--public-key", metavar="PEM",
                   help="an Ed25519 public key: the log's signed checkpoints (LOG.checkpoints) must be genuine, "
                        "match the log, and cover its head")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.anchor is not None and not _HASH.fullmatch(args.anchor):
        print(f"bsu-rules: --anchor takes a head hash (64 hex digits, as `verify` prints it), not {args.anchor[:70]!r}",
              file=sys.stderr)
        return 2
    for attempt in range(_READINGS):
        heads: dict[int, str] = {}
        try:
            result = verify_log(args.log, args.anchor and args.anchor.lower(), heads)
        except (InputError, OSError) as exc:  # the log cannot be read at all (compressed, missing): said on stderr
            if args.format == "json":
                said = _os_error(exc) if isinstance(exc, OSError) else str(exc)  # the words of the stderr line
                print(json.dumps({"ok": False, "decisions": 0, "head": None, "problem": None,
                                  "error": {"code": Code.FILE, "message": said}}, indent=2))
            raise
        if not args.public_key or not result.ok:
            break
        try:
            found = verify_checkpoints(args.log, heads, result.head_seq, load_public_key(args.public_key))
        except CheckpointError as exc:
            print(f"bsu-rules: {exc}", file=sys.stderr)
            return 2
        if found is not None and _MOVING.search(found) and attempt + 1 < _READINGS:
            with read_together(args.log):  # a writer between its lines and their checkpoint finishes: read again
                continue
        if found is not None:  # told at the signed line that no longer matches, if that is it (line = seq, intact)
            changed = _REWRITTEN.search(found)
            result = Verification(result.decisions, result.head_seq, result.head_hash,
                                  Problem(int(changed[1]) if changed else result.head_seq, Code.UNSIGNED, found),
                                  result.anchored_seq)
        break
    problem = result.problem
    resume = _resume_at(args.log, problem.line) if problem is not None and problem.kind == "truncated" else None
    anchor = None if args.anchor is None else {"hash": args.anchor.lower(), "seq": result.anchored_seq, "after":
                                                None if result.anchored_seq is None else
                                                result.head_seq - result.anchored_seq}
    if args.format == "json":
        print(json.dumps({"ok": result.ok, "decisions": result.decisions, "head": {"seq": result.head_seq,
                          "hash": result.head_hash}, **({"anchor": anchor} if anchor is not None else {}),
                          "problem": None if problem is None else
                          {"line": problem.line, "kind": problem.kind, "message": problem.message,
                           "resume_at": resume}}, indent=2))
    elif problem is None:
        print(f"{result}\nhead: seq {result.head_seq} hash {result.head_hash}")
        if result.anchored_seq is not None and args.anchor is not None:
            print(_anchored(result.anchored_seq, result.head_seq))
    else:
        print(f"{args.log}: {problem}")
        if result.decisions and problem.kind not in (Code.UNSIGNED, Code.UNANCHORED):
            print("line 1 is intact" if result.decisions == 1 else f"lines 1-{result.decisions} are intact")
        if resume is not None:
            print(f"to resume, if a writer was stopped while writing that line (then it was never printed): "
                  f"`truncate -s {resume} {shlex.quote(str(args.log))}`, then run again: decisions already in the "
                  "log are not logged twice; a line that was complete and then cut is tampering: keep the file as "
                  "it is")
    return 0 if result.ok else 1


_READINGS = 3
"""How often a log whose checkpoints and lines disagree as a running writer would leave them (a checkpoint
past the lines read, lines not yet signed) is read: the log is read without its lock, which would hold
the writers back for the whole reading."""
_REWRITTEN = re.compile(r"the log's line with seq ([0-9]+) is not the one signed")
_MOVING = re.compile(r"was signed, but the log ends at seq|^decisions after seq|^no checkpoint signed|"
                     r"^no signed checkpoints")


def _anchored(seq: int, head: int) -> str:
    """Where the anchor was found, and the lines after it, which it does not vouch for."""
    after = head - seq
    if not after:
        return f"anchor: seq {seq}, the head: it vouches for every line"
    lines = f"line {head} comes" if after == 1 else f"lines {seq + 1}-{head} come"
    up_to = "line 1" if seq == 1 else f"lines 1-{seq}"
    return f"anchor: seq {seq}: it vouches for {up_to}; {lines} after it, which it does not vouch for"


def _resume_at(log: str, cut: int) -> int:
    """The size to cut a log back to when its line ``cut`` (the last) was cut short: where the line before ends."""
    return sum(len(line.raw) for line in read_log(log) if line.number < cut)
