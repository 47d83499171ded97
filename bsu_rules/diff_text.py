"""A ``diff`` report (``diff.compare``, with its members and regions) as readable lines, in English."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

from bsu_rules.formatting import counted, format_date, rupiah

OUTCOMES = ("eligible", "ineligible", "undetermined")
_MARK = {"added": "+", "removed": "-", "changed": "~"}


def _side(s: dict[str, Any]) -> str:
    return f"{s['ruleset']} {s['version']} ({s['file']}, sha256 {s['sha256'][:12]}, on {s['on']})"


def _show(value: Any, unit: str | None = None) -> str:
    if value is None or value == [] or value == {}:
        return "—"
    if isinstance(value, dict) and set(value) == {"at_least"}:
        return f"at least {_show(value['at_least'], unit)} (a lower bound)"
    if isinstance(value, dict) and all(map(_ISO_DAY.fullmatch, value)):  # dated values: each from its date on
        return ", ".join(f"from {_day(d)}: {_show(v, unit) if v is not None else 'no value (ended)'}"
                         for d, v in value.items())
    if isinstance(value, dict):  # an entry in the file's words (a glossary amendment: by pm-5-2025 from 2 June 2025)
        return " ".join(f"{k} {_day(v) if isinstance(v, str) and _ISO_DAY.fullmatch(v) else _show(v, unit)}"
                        for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_show(v, unit) for v in value)
    if unit == "IDR" and isinstance(value, int) and not isinstance(value, bool):
        return rupiah(value)
    if unit == "IDR" and isinstance(value, str) and _AMOUNT.fullmatch(value):  # a table's amount, as JSON text
        return rupiah(Decimal(value))
    return str(value).lower() if isinstance(value, bool) else str(value)


_AMOUNT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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
    lines = [f"old: {_side(old)}", f"new: {_side(new)}", *(f"warning: {w}" for w in report.get("warnings", [])), ""]
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
        lines += [f"      + {_row(r)}: {_show(r['value'], unit)}" for r in rows["added"]]
        lines += [f"      - {_row(r)}: {_show(r['value'], unit)}" for r in rows["removed"]]
        for r in rows["changed"]:
            value = [f"{_show(r['old'], unit)} → {_show(r['new'], unit)}"] if r["old"] != r["new"] else []
            cells = [f"{c['column']}: {_show(c['old'])} → {_show(c['new'])}" for c in r["columns"]]
            lines.append(f"      ~ {_row(r)}: {'; '.join(value + cells)}")
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
    if report.get("glossary"):  # the glossary is shared by the editions: said only when it changed
        lines.append("Glossary (the words explanations use)")
        lines += [f"  ~ {_fields([f])}" for f in report["glossary"]]
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
                unknown = ", or unknown" if b.get("or_unknown") else ""
                lines.append(f"      {b['quantity']} in [{low}, {_number(b['highest'])}]{unknown}")
        if r["confirmed"]:
            witness = json.dumps(r["witness"], ensure_ascii=False)
            also = "; ".join(f"{a['rule']} {a['old']} → {a['new']}" for a in r.get("also", []))
            also = f"; it also differs in {also}" if also else ""  # the region names a smallest set, not all
            lines.append(f"      witness (confirmed by both evaluators{also}): {witness}")
        else:
            lines.append(f"      no confirmed witness: {r['note']}")
    for file, count in s.get("tests", {}).items():
        lines.append(f"  wrote {counted(count, 'test case')} to {file}")
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
        waits = f"; still waiting for, unchanged: {', '.join(g['still_unknown'])}" if g["still_unknown"] else ""
        lines.append(f"  {g['old']} → {g['new']}: {counted(g['count'], 'member')}, because of "
                     f"{', '.join(g['rules']) or '—'}" + waits)
        for ex in g["examples"]:
            head = f"    {ex['nik']} ({_record(ex['record'])})"
            for i, why in enumerate(ex["rules"]):
                state = f"{why['old']} → {why['new']}" if why["change"] == "changed" else \
                    f"still {why['new']}" if why["change"] == "unchanged" else why["change"]
                lines.append((head if i == 0 else " " * len(head)) + f" {why['rule']}: {state}"
                             + (f" — {why['explain']}" if why["explain"] else ""))
        if (more := g["count"] - len(g["examples"])) > 0:
            lines.append(f"    and {more} more (--examples {g['count']} shows every one)")
    lines.append("Paid another way (eligible under both)" + ("" if m["channels"] else ": none"))
    for c in m["channels"]:
        lines.append(f"  {channel_name(c['old'])} → {channel_name(c['new'])}: {counted(c['count'], 'member')}")
        lines += _examples(c)
    lines.append("Paid a different amount (eligible under both)" + ("" if m["amounts"] else ": none"))
    for c in m["amounts"]:
        lines.append(f"  {_show(c['old'], 'IDR')} → {_show(c['new'], 'IDR')}: {counted(c['count'], 'member')}")
        lines += _examples(c)
    lines.append("Paid in other instalments (eligible under both)" + ("" if m.get("instalments") else ": none"))
    for c in m.get("instalments", []):
        lines.append(f"  {_paid(c['old'])} → {_paid(c['new'])}: {counted(c['count'], 'member')}")
        lines += _examples(c)
    lines.append("Reviewed otherwise before payment (eligible under both)" + ("" if m.get("reviews") else ": none"))
    for c in m.get("reviews", []):
        lines.append(f"  {', '.join(c['old']) or 'no review'} → {', '.join(c['new']) or 'no review'}: "
                     f"{counted(c['count'], 'member')}")
        lines += _examples(c)
    return lines


def _paid(instalments: list[int] | None) -> str:
    """Instalments as a line shows them: ``Rp300.000 + Rp300.000``."""
    return " + ".join(_show(i, "IDR") for i in instalments) if instalments else "—"


def _examples(group: dict[str, Any]) -> list[str]:
    """A group's masked example members, and how many more it has."""
    lines = [f"    {ex['nik']} ({_record(ex['record'])})" for ex in group["examples"]]
    if (more := group["count"] - len(group["examples"])) > 0:
        lines.append(f"    and {more} more (--examples {group['count']} shows every one)")
    return lines


def _row(row: dict[str, Any]) -> str:
    """A table row by its key, and its name when the file gives one: ``1271 (Kota Medan)``."""
    return f"{row['key']} ({row['name']})" if row.get("name") else str(row["key"])


def channel_name(channel: str | None) -> str:
    """A payment channel as a line of text names it: null, the data to choose one is missing; empty,
    the bank name is blank."""
    return "(not chosen: data missing)" if channel is None else channel or "(none yet: bank name blank)"


def _record(record: int | str) -> str:
    """Where a member came from: its record number in a file, or the name of a rule test case."""
    return f"record {record}" if isinstance(record, int) else f'case "{record}"'
