"""``bsu-rules prove``: the built-in and authored properties of a rule set, for every member."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from bsu_rules.cli.options import day, load, solver_timeout
from bsu_rules.members.parse import shown_record


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "prove", help="prove properties of a rule set for every possible member (needs the prove extra)",
        description="Prove the built-in properties (one outcome, undetermined only on unknown input, "
                    "monotonicity, no dead rule, no vacuous require) and the authored ones in "
                    "<rules>/tests/<ruleset>.properties.yaml. Every counterexample is a valid member "
                    "re-decided by the scalar evaluator and printed with its NIK masked as a decision masks it "
                    "(made up by the prover, it may still be a real person's); with --full-nik it is printed "
                    "whole, to be decided again: bsu-rules evaluate RULESET -. Exit status: "
                    "0 all proved, 1 not all proved (a rule that can only leave members undetermined is "
                    "undetermined-only).")
    p.add_argument("ruleset", metavar="RULESET", help="a rule file path or a bundled id such as bsu-2022")
    p.add_argument("--on", type=day, metavar="DATE", help="decision date (default: the latest date it describes)")
    p.add_argument("--properties", metavar="FILE", help="a property file (default: the rule set's, if present)")
    p.add_argument("--timeout", type=solver_timeout, default=60_000, metavar="SECONDS",
                   help="per solver call, 0.001 to 86400 (default 60)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    add_witness_nik_option(p, "print each counterexample's and witness's NIK")
    p.set_defaults(run=run)


def add_witness_nik_option(p: argparse.ArgumentParser, what: str) -> None:
    """``--full-nik`` of a command that prints members the prover made up."""
    p.add_argument("--full-nik", action="store_true",
                   help=f"{what} in full (default: masked as a decision masks it, 3204********0001: a NIK "
                        "the prover makes up may be a real person's); a record printed whole can be decided again")


def shown_members(members: list[dict[str, Any]], full_nik: bool) -> list[dict[str, Any]]:
    """The prover's members as printed: masked as a decision shows a record, unless ``--full-nik``."""
    return members if full_nik else [shown_record(m) for m in members]


def run(args: argparse.Namespace) -> int:
    try:
        from bsu_rules.prove import authored  # lazy: the prove extra (z3)
        from bsu_rules.prove.properties import Prover  # lazy: the prove extra
        from bsu_rules.prove.symbols import ProveError  # lazy: the prove extra
        from bsu_rules.prove.verdict import UNDETERMINED_ONLY  # lazy: the prove extra
    except ImportError:
        print("bsu-rules: proofs need z3-solver: pip install '.[prove]' in the project's folder", file=sys.stderr)
        return 2
    start = time.perf_counter()
    ruleset = load(args.ruleset)
    try:
        path = Path(args.properties) if args.properties else authored.path_for(ruleset)
        beside = not args.properties  # the rule set's own: read only inside its folder
        props = authored.load(path, ruleset, beside=beside) if not beside or path.exists() or path.is_symlink() \
            else []
        prover = Prover(ruleset, args.on, [p.tree for p in props], timeout=args.timeout)
        verdicts = [*prover.builtin(), *(authored.check(prover, p) for p in props)]
    except ProveError as exc:
        print(f"bsu-rules: {exc}", file=sys.stderr)
        return 2
    seconds = round(time.perf_counter() - start, 2)
    proved = sum(v.status == "proved" for v in verdicts)
    only = sum(v.status == UNDETERMINED_ONLY for v in verdicts)
    head = {"ruleset": ruleset.id, "version": ruleset.version, "on": prover.on.isoformat(),
            "as_of": ruleset.model.as_of.isoformat(), "properties": len(verdicts), "proved": proved,
            UNDETERMINED_ONLY: only, "seconds": seconds}
    if args.format == "json":
        print(json.dumps({**head, "verdicts": [{**v.as_json(), "members": shown_members(v.members, args.full_nik)}
                                               for v in verdicts]}, ensure_ascii=False, indent=2))
    else:
        print(f"{ruleset.id} {ruleset.version} on {head['on']} (data as of {head['as_of']}): "
              f"{proved} of {len(verdicts)} properties proved" + (f", {only} {UNDETERMINED_ONLY}" if only else "")
              + f" in {seconds} s")
        for v in verdicts:
            print(f"  {v.status:<10} {v.name}: {v.claim}  ({v.seconds:.2f} s"
                  + (f", {v.refinements} model(s) no member has set aside" if v.refinements else "") + ")")
            if v.status != "proved" or (v.form == "sometimes" and not v.name.startswith(("live:", "not-vacuous:"))):
                members = shown_members(v.members, args.full_nik)
                for label, member, outcome in zip(_labels(v), members, v.outcomes, strict=False):
                    print(f"      {label} ({outcome}): {json.dumps(member, ensure_ascii=False)}")
            if v.detail:
                print(f"      {v.detail}")
    return 0 if proved == len(verdicts) else 1


def _labels(v: Any) -> list[str]:
    if len(v.members) == 2:
        return ["member", "after the change"]
    return ["counterexample" if v.form == "always" else "witness"]
