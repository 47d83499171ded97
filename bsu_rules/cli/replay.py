"""``bsu-rules replay``: decide logged decisions again under their archived rule sets and compare."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from typing import Any

from bsu_rules.audit.chain import Verifier
from bsu_rules.audit.checkpoints import checkpoints_path
from bsu_rules.audit.replay_report import ReplayItem, Status, summary, tally, tally_uncompared, tally_what_if
from bsu_rules.audit.rerun import iter_replay
from bsu_rules.cli.options import Inputs, add_key_options, nik, positive_int, pseudonym_key
from bsu_rules.decisions import mask_logged
from bsu_rules.errors import AuditError
from bsu_rules.explain import render_text
from bsu_rules.members.redact import clipped, printable


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("replay", help="re-decide a decision log under its archived rule sets")
    p.add_argument("log", metavar="LOG", help="a decision log (JSONL) written with evaluate --log")
    p.add_argument("--archive", required=True, metavar="DIR", help="the rule archive (see `bsu-rules archive`)")
    p.add_argument("--members", nargs="+", metavar="SNAPSHOT", action=Inputs,
                   help="full member records (JSONL), matched to decisions by input hash (a pseudonymised log's "
                        "with its key: --key-file)")
    p.add_argument("--ignore-unknown", action="store_true",
                   help="read the snapshot as evaluate --ignore-unknown read it (for a log that command wrote)")
    p.add_argument("--nik", type=nik, help="replay only the decisions about this NIK (16 digits)")
    p.add_argument("--seq", type=positive_int, action="append", metavar="N",
                   help="replay only the line with this seq (repeatable: --seq 3 --seq 5)")
    p.add_argument("--pseudonymize-key", metavar="KEY", help=argparse.SUPPRESS)  # shows in ps: warned about
    add_key_options(p)
    p.add_argument("--all", action="store_true", help="list identical decisions too")
    p.add_argument("--explain", action="store_true",
                   help="print each replayed decision as text (--format json: as each item's explanation)")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language of --explain")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Replay one line at a time, verifying the chain in the same reading: only what is printed is
    kept (a log of millions fits in memory)."""
    for flag in ("key_file", "pseudonymize_key") if not (args.nik or args.members) else ():
        if getattr(args, flag, None):  # a key given for nothing: a mistyped path would pass unseen
            raise AuditError(f"--{flag.replace('_', '-')} needs --nik or --members (the key finds a member's "
                             "lines, and a snapshot's records by the keyed hash a pseudonymised log keeps)")
    key = pseudonym_key(args, reading=True) if args.nik or args.members else None
    counts = {s.value: 0 for s in Status}
    what_if: dict[str, dict[str, int]] = {}  # the what-if decisions among them
    uncompared: dict[str, int] = {}  # the identical ones of the first engine not compared on a later field
    shown: list[Any] = []
    missing: dict[tuple[str, str, str, str], _Missing] = {}  # the lines a rule set or input missing leaves
    seen: set[int | None] = set()  # the seqs replayed
    verifier, notes = Verifier(), list[str]()
    unmatched: list[int] = []  # with a snapshot: the lines whose input hash no snapshot record has
    try:
        for item in iter_replay(args.log, args.archive, args.members, nik=args.nik, key=key, seqs=args.seq,
                                chain=verifier, notes=notes, ignore_unknown=args.ignore_unknown):
            tally([item], counts)
            tally_what_if([item], what_if)
            tally_uncompared([item], uncompared)
            seen.add(item.seq)
            if args.members and item.source == "log":
                unmatched.append(item.line)
            page = render_text(item.replayed, item.rules, args.lang, "auditor") \
                if args.explain and item.replayed is not None else None
            if args.format == "json":
                shown.append({**item.to_dict(), **({"explanation": page} if args.explain else {})})
            elif item.status is Status.MISSING_RULESET or (item.status is Status.MISSING_INPUT and item.common):
                # said once for the lines it leaves, not once a line
                group = missing.get(named := (item.status, item.ruleset or "", item.common or item.reason,
                                              item.what_if))
                if group is None:
                    group = missing[named] = _Missing(item)
                    shown.append(group)
                group.add(item.line)
            elif args.all or args.explain or item.status is not Status.IDENTICAL:
                shown.append("\n".join(describe(item)))
                if page is not None:
                    shown.append(("" if item.status is Status.IDENTICAL else as_replayed(item) + "\n") + page + "\n")
        chain = verifier.result(args.log)
    except (AuditError, ValueError) as exc:
        print(f"bsu-rules: {exc}", file=sys.stderr)
        return 2
    if checkpoints_path(args.log).exists():  # the chain alone is no proof against whoever can rewrite the log
        notes.append(f"the log is signed ({checkpoints_path(args.log).name}): replay checks its chain, not its "
                     f"signatures; check them with `bsu-rules verify {shlex.quote(str(args.log))} --public-key "
                     "PUBLIC.pem`")
    if unmatched:
        lines = ", ".join(map(str, unmatched[:5])) + (f" and {len(unmatched) - 5} more" if len(unmatched) > 5 else "")
        many = len(unmatched) > 1
        notes.append(f"{len(unmatched)} decision{'s have' if many else ' has'} an input sha256 that no record of "
                     f"the snapshot has (line{'s' if many else ''} {lines}): decided again from the logged inputs, "
                     f"with the logged input sha256, which the log cannot vouch for (it does not hold the whole "
                     f"record)")
    if not args.ignore_unknown and any(": unknown field" in note for note in notes):
        notes.append("snapshot records were left out for fields the contract does not know: if the log was "
                     "written by `evaluate --ignore-unknown`, replay with --ignore-unknown")
    for note in notes:  # a snapshot record left out, lines another key hides
        print(f"bsu-rules: warning: {note}", file=sys.stderr)
    absent = sorted(set(args.seq or ()) - seen)
    if absent:
        print(f"bsu-rules: no line of {args.log} has seq {', '.join(map(str, absent))}", file=sys.stderr)
    if args.nik and not seen:
        print(f"bsu-rules: no decision in {args.log} is for that NIK", file=sys.stderr)
    ok = chain.ok and counts[Status.IDENTICAL.value] == sum(counts.values()) and not absent and \
        not (args.nik and not seen)
    if args.format == "json":
        print(json.dumps({"ok": ok, "chain": str(chain), "summary": counts, "what_if": what_if, "notes": notes,
                          "decisions": shown}, ensure_ascii=False, indent=2)
              .encode("utf-8", "backslashreplace").decode("utf-8"))  # a lone surrogate an edited line holds: its escape
        return 0 if ok else 1
    for text in shown:
        print(text if isinstance(text, str) else "\n".join(text.said()))
    if sum(counts.values()) and (args.all or counts[Status.IDENTICAL.value] < sum(counts.values())):
        print()
    print(summary(counts, chain, what_if, uncompared))
    return 0 if ok else 1


def describe(item: ReplayItem) -> list[str]:
    """A replayed decision and its differences, as indented lines: what the log holds is data, its control
    characters written out (an edited line cannot draw a clean report over the real one)."""
    return [printable(line) for line in _described(item)]


def as_replayed(item: ReplayItem) -> str:
    """The line before the page of a decision that does not replay identical: the page is the decision as
    replayed, and the log recorded another (or one its inputs do not vouch for)."""
    return printable(f"The page below is the decision as replayed ({item.status}), not as logged: the log recorded "
                     f"outcome {_show(item.old_outcome)}, the replay gives {_show(item.new_outcome)}")


class _Missing:
    """The lines whose rule set is missing from the archive, or whose pseudonymised input no snapshot record
    gives, for one reason: said once, with the lines."""

    RUNS = 10  # runs of lines shown; the lines after them are counted

    def __init__(self, first: ReplayItem) -> None:
        self.first, self.runs, self.count, self.more = first, list[list[int]](), 0, 0

    def add(self, line: int) -> None:
        self.count += 1
        if self.runs and self.runs[-1][1] == line - 1:
            self.runs[-1][1] = line
        elif len(self.runs) < self.RUNS:
            self.runs.append([line, line])
        else:
            self.more += 1

    def said(self) -> list[str]:
        if self.count == 1:
            return describe(self.first)
        runs = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in self.runs)
        more = f" and {self.more:,} more" if self.more else ""
        why = f"{self.first.common}; each line's input hash is in --format json" if self.first.common \
            else self.first.reason
        return [printable(line) for line in (f"lines {runs}{more} ({self.count:,} decisions), {_name(self.first)}: "
                                             f"{self.first.status}", f"  {why}")]


def _name(item: ReplayItem) -> str:
    """The rule set a logged decision names: id, version, the start of its sha256 (and a what-if's options)."""
    logged = item.logged or {}
    rs = logged.get("ruleset") if isinstance(logged.get("ruleset"), dict) else {}
    name = f"{_text(rs.get('id'))} {_text(rs.get('version'))} [{(item.ruleset or '?')[:12]}]" if rs else "?"
    if what_if := item.what_if:  # a simulation logged: never read as the programme's decision
        name += f" what-if {what_if}"
    return name


def _described(item: ReplayItem) -> list[str]:
    if item.logged is None:  # not even a log record: nothing of a decision to show
        return [f"line {item.line}: {item.status}: a damaged line, not a decision", f"  {item.reason}"]
    name = _name(item)
    seq = item.seq if isinstance(item.seq, int) else "?"
    head = f"line {item.line} (seq {seq}) {_text(item.nik)}, {name}, on {_text(item.on)}: {item.status}"
    out = [head + (f" (inputs from the {item.source})" if item.source == "snapshot" else "")]
    if item.reason:
        out.append(f"  {item.reason}")
    if item.status is Status.ENGINE_DRIFT:
        engine = item.engine if isinstance(item.engine, str) else json.dumps(item.engine)  # masked as logged
        out.append(f"  engine: {clipped(engine)} -> current")  # cut as a logged text is: an edited line's may be long
    for path, (a, b) in item.fields.items():  # null both sides: a key the replay has not, logged null
        out.append(f"  {path}: {_show(a)} -> {'absent' if a is None and b is None else _show(b)}")
    for c in item.criteria:
        old, new = c.old or {}, c.new or {}
        state = f"{old.get('outcome', 'absent')} -> {new.get('outcome', 'absent')}" if "outcome" in c.changed \
            else f"{new.get('outcome')} (unchanged)"
        out.append(f"  criterion {c.id}: {state}")
        for field in c.changed:
            if field == "values":
                a_vals, b_vals = old.get("values") or {}, new.get("values") or {}
                for label in sorted(set(a_vals) | set(b_vals)):
                    if a_vals.get(label) != b_vals.get(label) or label not in b_vals:
                        out.append(f"    {label}: {_show(a_vals.get(label))} -> "
                                   f"{_show(b_vals.get(label)) if label in b_vals else 'absent'}")
            elif field != "outcome":
                out.append(f"    {field}: {_show(old.get(field))} -> "
                           f"{_show(new.get(field)) if field in new else 'absent'}")
    return out


def _text(value: Any) -> str:
    """A logged name, date or masked NIK as written (a NIK or an account number in it masked), or ? where the
    line has none."""
    return mask_logged(value) if isinstance(value, str) and value else "?"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 100 else text[:97] + "..."
