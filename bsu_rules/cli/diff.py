"""``bsu-rules diff``: what changed between two rule files (or one at two dates), and whom it affects."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bsu_rules.cli.options import day, load, read_records
from bsu_rules.diff import compare, decision_dates, flips
from bsu_rules.errors import InputError
from bsu_rules.formatting import format_date, rupiah
from bsu_rules.testing.cases import RuleSets, load_file

OUTCOMES = ("eligible", "ineligible", "undetermined")
_MARK = {"added": "+", "removed": "-", "changed": "~"}


def add(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "diff", help="compare two rule files, or one at two dates, and the decisions they give",
        description="Compare OLD and NEW (paths or bundled ids; give the same file twice with --old-on and "
                    "--new-on to compare two dates). Exit status: 0 no difference, 1 differences.")
    p.add_argument("old", metavar="OLD", help="a rule file path or a bundled id such as bsu-2021")
    p.add_argument("new", metavar="NEW", help="a rule file path or a bundled id")
    p.add_argument("--on", type=day, metavar="DATE",
                   help="decision date for both sides (default: for two versions of one edition, the later of "
                        "their latest dates, for both; for two editions, the latest date each describes)")
    p.add_argument("--old-on", "--on-old", type=day, metavar="DATE", help="decision date for OLD (overrides --on)")
    p.add_argument("--new-on", "--on-new", type=day, metavar="DATE", help="decision date for NEW (overrides --on)")
    p.add_argument("--members", metavar="FILE", help="member records (JSON or JSONL) to decide under both sides, "
                   "or a rule-author test file (YAML): the member of each of its cases")
    p.add_argument("--examples", type=int, default=3, metavar="N", help="example records per flip (default 3)")
    p.add_argument("--symbolic", action="store_true",
                   help="also find, for every possible member, the regions where the two decide differently "
                        "(needs the prove extra)")
    p.add_argument("--write-tests", metavar="FILE",
                   help="with --symbolic: write each region's witness as a rule-author test case of NEW to FILE "
                        "(and of OLD to FILE with .old before the suffix)")
    p.add_argument("--limit", type=int, default=40, metavar="N", help="with --symbolic: at most N regions")
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="with --symbolic: per solver call")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    old, new = load(args.old), load(args.new)
    old_on, new_on = decision_dates(old, new, args.old_on or args.on, args.new_on or args.on)
    report = compare(old, new, old_on, new_on)
    if args.members:
        records = _cases(args.members) if args.members.endswith((".yaml", ".yml")) else read_records([args.members])
        report["members"] = flips(old, new, records, old_on, new_on, max(0, args.examples))
        report["members"]["file"] = args.members
    if args.symbolic:
        report["symbolic"] = _symbolic(args, old, new, old_on, new_on)
    elif args.write_tests:
        raise InputError([("--write-tests", "needs --symbolic")])
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print("\n".join(render_text(report)))
    changed = any(report[k] for k in ("metadata", "parameters", "tables", "facts", "rules"))
    regions = args.symbolic and report["symbolic"]["regions"]
    return 1 if changed or regions or (args.members and report["members"]["flips"]) else 0


def _symbolic(args: argparse.Namespace, old: Any, new: Any, old_on: Any, new_on: Any) -> dict[str, Any]:
    try:
        from bsu_rules.prove.regions import SymbolicDiff  # lazy: the prove extra (z3)
        from bsu_rules.prove.tests import write  # lazy: the prove extra (z3)
    except ImportError:
        raise InputError([("--symbolic", "needs z3-solver: pip install 'bsu-rules[prove]'")]) from None
    diff = SymbolicDiff(old, new, old_on, new_on, timeout=int(args.timeout * 1000))
    regions, complete, seconds = diff.regions(max(1, args.limit))
    out: dict[str, Any] = {"regions": [r.as_json() for r in regions], "complete": complete,  # witnesses made up: whole
                           "seconds": seconds}
    if args.write_tests:
        path = Path(args.write_tests)
        old_path = path.with_name(f"{path.stem}.old{path.suffix or '.yaml'}")
        out["tests"] = {str(path): write(path, new, diff.sides[1].on, old, regions, 1),
                        str(old_path): write(old_path, old, diff.sides[0].on, new, regions, 0)}
    return out


def _cases(path: str) -> Iterator[tuple[int | str, Any]]:
    """The members of a rule-author test file's cases, labelled by case name."""
    loaded = load_file(Path(path), RuleSets())
    problems = [d for c in loaded.cases for d in c.diagnostics] + list(loaded.diagnostics)
    if any(c.member is None for c in loaded.cases) or not loaded.cases:
        raise InputError([(path, "; ".join(str(d) for d in problems) or "no cases")])
    for case in loaded.cases:
        yield case.name, case.member


def _side(s: dict[str, Any]) -> str:
    return f"{s['ruleset']} {s['version']} ({s['file']}, on {s['on']})"


def _show(value: Any, unit: str | None = None) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict) and set(value) == {"at_least"}:
        return f"at least {_show(value['at_least'], unit)} (a lower bound)"
    if isinstance(value, dict):  # dated values: each from its date until the next
        return ", ".join(f"from {_day(d)}: {_show(v, unit) if v is not None else 'no value (ended)'}"
                         for d, v in value.items())
    if isinstance(value, list):
        return ", ".join(_show(v, unit) for v in value)
    if unit == "IDR" and isinstance(value, int) and not isinstance(value, bool):
        return rupiah(value)
    if unit == "IDR" and isinstance(value, str) and _AMOUNT.fullmatch(value):  # a table's amount, as JSON text
        return rupiah(Decimal(value))
    return str(value).lower() if isinstance(value, bool) else str(value)


_AMOUNT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _day(text: str) -> str:
    """An ISO date as policy staff write it: "5 September 2022" (as written if not a date)."""
    try:
        return format_date(date.fromisoformat(text), "en")
    except ValueError:
        return text


def _fields(fields: list[dict[str, Any]], unit: str | None = None) -> str:
    return "; ".join(f"{f['field']}: {_show(f['old'], f.get('unit', unit))} → {_show(f['new'], f.get('unit', unit))}"
                     for f in fields)


def _yes(flag: bool | None) -> str:
    return "—" if flag is None else "yes" if flag else "no"


def render_text(report: dict[str, Any]) -> list[str]:
    """The report as readable lines (English)."""
    old, new = report["old"], report["new"]
    lines = [f"old: {_side(old)}", f"new: {_side(new)}", ""]
    lines.append("Metadata" + ("" if report["metadata"] else ": no change"))
    lines += [f"  {_fields([f])}" for f in report["metadata"]]
    lines.append("Parameters" + ("" if report["parameters"] else ": no change"))
    for p in report["parameters"]:
        if p["change"] == "changed":
            lines.append(f"  ~ {p['name']}: {_fields(p['fields'], p['unit'])}")
        else:
            lines.append(f"  {_MARK[p['change']]} {p['name']}: {_show(p['values'], p['unit'])}"
                         f" (source: {p['source'] or '—'})")
    lines.append("Tables" + ("" if report["tables"] else ": no change"))
    for t in report["tables"]:
        if t["change"] != "changed":
            lines.append(f"  {_MARK[t['change']]} {t['name']}: {t['file']}, {t['rows']} rows")
            continue
        rows = t["rows"]
        counts = f"rows +{len(rows['added'])} -{len(rows['removed'])} ~{len(rows['changed'])}"
        fields = [f for f in t["fields"] if f["field"] != "sha256"]
        lines.append(f"  ~ {t['name']}: {counts}" + (f"; {_fields(fields)}" if fields else ""))
        unit = t.get("unit")
        lines += [f"      + {r['key']}: {_show(r['value'], unit)}" for r in rows["added"]]
        lines += [f"      - {r['key']}: {_show(r['value'], unit)}" for r in rows["removed"]]
        for r in rows["changed"]:
            value = [f"{_show(r['old'], unit)} → {_show(r['new'], unit)}"] if r["old"] != r["new"] else []
            cells = [f"{c['column']}: {_show(c['old'])} → {_show(c['new'])}" for c in r["columns"]]
            lines.append(f"      ~ {r['key']}: {'; '.join(value + cells)}")
        if not fields and not any(rows.values()):
            lines.append("      the same rows: the file differs only in row order, quoting or spacing")
    lines.append("Facts" + ("" if report["facts"] else ": no change"))
    for f in report["facts"]:
        text = f"{f['old']}  →  {f['new']}" if f["change"] == "changed" else f["expression"]
        lines.append(f"  {_MARK[f['change']]} {f['name']}: {text}")
    lines.append("Rules" + ("" if report["rules"] else ": no change"))
    for r in report["rules"]:
        on = r["in_force"]
        force = f"in force on {old['on']} / {new['on']}: {_yes(on['old'])} / {_yes(on['new'])}"
        if r["change"] == "changed":
            detail = "; ".join(p for p in (_fields(r["fields"]), force) if p)
            lines.append(f"  ~ {r['id']}: {detail}")
        else:
            lines.append(f"  {_MARK[r['change']]} {r['id']} ({r['kind']}, {r['basis']}, {r['window']}; {force}): "
                         f"{r['condition']}  [{r['source'] or 'no source'}]")
    if "members" in report:
        lines += ["", *_members(report["members"])]
    if "symbolic" in report:
        lines += ["", *_regions(report["symbolic"])]
    return lines


def _number(value: Any) -> str:
    if value is None:
        return "∞"
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value)


def _regions(s: dict[str, Any]) -> list[str]:
    regions = s["regions"]
    more = "" if s["complete"] else f" (stopped at {len(regions)}: there may be more)"
    lines = [f"Regions where the two decide differently, for every possible member: {len(regions)}{more}, "
             f"{s['seconds']} s"]
    for r in regions:
        lines.append(f"  {r['words']}")
        for v in r["values"]:
            lines.append(f"      {v['field']} in {{{', '.join(v['values'])}}}" if v["values"]
                         else f"      {v['field']} unknown")
        for b in r["bounds"]:
            if b["lowest"] == "unknown":
                lines.append(f"      {b['quantity']} unknown")
            elif b["lowest"] is None and b["highest"] is None:
                lines.append(f"      {b['quantity']}: any value")
            else:
                low = "-∞" if b["lowest"] is None else _number(b["lowest"])
                lines.append(f"      {b['quantity']} in [{low}, {_number(b['highest'])}]")
        if r["confirmed"]:
            witness = json.dumps(r["witness"], ensure_ascii=False)
            lines.append(f"      witness (confirmed by both evaluators): {witness}")
        else:
            lines.append(f"      no confirmed witness: {r['note']}")
    for file, count in s.get("tests", {}).items():
        lines.append(f"  wrote {count} test case(s) to {file}")
    return lines


def _members(m: dict[str, Any]) -> list[str]:
    lines = [f"Members ({m['file']}): {m['decided']} decided, {len(m['rejected'])} rejected"]
    lines += [f"  record {r['record']} rejected: {r['error']}" for r in m["rejected"]]
    counts = {(o["old"], o["new"]): o["count"] for o in m["outcomes"]}
    width = max(len(o) for o in OUTCOMES) + 2
    lines.append("  " + "old \\ new".ljust(width) + "".join(o.rjust(width) for o in OUTCOMES))
    for a in OUTCOMES:
        lines.append("  " + a.ljust(width) + "".join(str(counts.get((a, b), 0)).rjust(width) for b in OUTCOMES))
    lines.append("Flips" + ("" if m["flips"] else ": none"))
    for g in m["flips"]:
        lines.append(f"  {g['old']} → {g['new']}: {g['count']} member(s), because of {', '.join(g['rules']) or '—'}")
        for ex in g["examples"]:
            label = f"record {ex['record']}" if isinstance(ex["record"], int) else f"case \"{ex['record']}\""
            head = f"    {ex['nik']} ({label})"
            for i, why in enumerate(ex["rules"]):
                state = why["change"] if why["change"] != "changed" else f"{why['old']} → {why['new']}"
                lines.append((head if i == 0 else " " * len(head)) + f" {why['rule']}: {state}"
                             + (f" — {why['explain']}" if why["explain"] else ""))
    return lines
