"""Argument types and readers shared by several commands."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bsu_rules.ruleset.model import RuleSet


def day(text: str) -> date:
    """An argparse type for YYYY-MM-DD."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else date.fromisoformat("x")
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


class BadRecord(ValueError):
    """A record that is not even JSON: carries its number."""


def read_records(paths: list[str]) -> Iterator[tuple[int, Any]]:
    """Records from JSON files (one object or a list) or JSONL; ``-`` is standard input.

    Yields (record number from 1, record); a line that is not JSON yields a BadRecord instead.
    """
    number = 0
    for path in paths:
        text = sys.stdin.read() if path == "-" else Path(path).read_text("utf-8")
        stripped = text.lstrip()
        whole: Any = None
        if not path.endswith(".jsonl") and stripped[:1] in ("[", "{"):
            try:
                whole = json.loads(text)
            except json.JSONDecodeError:
                whole = None
        if whole is not None:
            for record in whole if isinstance(whole, list) else [whole]:
                number += 1
                yield number, record
            continue
        for line in text.splitlines():
            if not line.strip():
                continue
            number += 1
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, BadRecord(f"not valid JSON ({exc.msg} at column {exc.colno})")


def used(ruleset: RuleSet) -> str:
    """Which rule file a command used, and its sha256: the line every command prints."""
    return f"rule set {ruleset.id} {ruleset.version}: {ruleset.path} sha256 {ruleset.sha256}"


def load(name: str) -> RuleSet:
    """Load a rule set (path or bundled id) and say on stderr which file and sha256 it is."""
    from bsu_rules.ruleset.loader import load_ruleset

    ruleset = load_ruleset(name)
    print(f"bsu-rules: {used(ruleset)}", file=sys.stderr)
    return ruleset


def add_reform_options(p: argparse.ArgumentParser) -> None:
    """``--set NAME[@DATE]=VALUE`` and ``--table NAME=FILE``: a reform without editing the rule file."""
    p.add_argument("--set", action="append", default=[], metavar="NAME[@DATE]=VALUE", dest="sets",
                   help="override a parameter (or benefit.amount/monthly/months) for this run; from DATE if given")
    p.add_argument("--table", action="append", default=[], metavar="NAME=FILE", dest="tables",
                   help="replace a table by a CSV file with the same columns for this run")


def load_reform(name: str, args: argparse.Namespace) -> RuleSet:
    """The rule set named, with the command line's ``--set``/``--table`` overrides applied; named on stderr
    with its file and sha256 (a reform has its own)."""
    from bsu_rules.ruleset.loader import load_ruleset
    from bsu_rules.ruleset.overrides import reform_of

    ruleset = reform_of(load_ruleset(name), getattr(args, "sets", []), getattr(args, "tables", []))
    print(f"bsu-rules: {used(ruleset)}", file=sys.stderr)
    return ruleset
