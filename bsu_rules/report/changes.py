"""What a reform changes, for people: one item for each change that can move a decision, a payment or
the data read (a value as read on the decision date, a table's values, a criterion, a fact, the
benefit, the payment channel, the data date), from ``diff.compare``'s report. A change to what no
criterion in force on either side's decision date reads is left out, and so are sources, notes and
wording: the full list, which the report keeps beside it (``changes``), has them."""

from __future__ import annotations

from datetime import date
from typing import Any

from bsu_rules.ruleset.model import RuleSet

Json = dict[str, Any]
BENEFIT = ("amount", "monthly", "months", "instalments")
NAMED_ROWS = 3
"""How many of a table's changed rows the summary names (by area); the full list has them all."""


def summary(compared: Json, baseline: RuleSet, reform: RuleSet) -> list[Json]:
    """The changes of ``compared`` (``diff.compare(baseline, reform)``) that decide, each a small
    language-free item (``what`` and its values); the page words them in its language."""
    days = (date.fromisoformat(compared["old"]["on"]), date.fromisoformat(compared["new"]["on"]))
    read = _read(baseline, days[0]) | _read(reform, days[1])
    meta = {f["field"]: f for f in compared["metadata"]}
    out = [{"what": "as_of", "old": meta["as_of"]["old"], "new": meta["as_of"]["new"]}] if "as_of" in meta else []
    for key in BENEFIT:
        moved = meta.get(f"benefit.{key}")
        single = key == "instalments" and moved and len(moved["old"] or ()) == len(moved["new"] or ()) == 1
        if moved and None not in (moved["old"], moved["new"]) and not single:  # the amount says those
            out.append({"what": f"benefit.{key}", "old": moved["old"], "new": moved["new"]})
    if "channel.expression" in meta:
        out.append({"what": "channel"})
    for p in (p for p in compared["parameters"] if f"param.{p['name']}" in read):
        title = _text([rs.model.parameters.get(p["name"]) for rs in (reform, baseline)], "description")
        item = {"what": "parameter", "name": p["name"], "title": title, "unit": p["unit"]}
        fields = {f["field"]: f for f in p.get("fields", [])}
        if p["change"] != "changed":
            out.append(item | {"change": p["change"]})
        elif "on" in fields:
            out.append(item | {"change": "value", "old": fields["on"]["old"], "new": fields["on"]["new"]})
        elif "values" in fields:  # the same on the decision date, another on some other day
            out.append(item | {"change": "dated"})
    for t in compared["tables"]:  # one added or removed comes with the criteria that read it, said below
        if t["change"] != "changed" or f"table.{t['name']}" not in read:
            continue
        rows = t["rows"]
        valued = [r for r in rows["changed"] if r["old"] != r["new"]]  # not a source or a name alone
        counts = {"changed": len(valued), "added": len(rows["added"]), "removed": len(rows["removed"])}
        unlisted = next((f for f in t["fields"] if f["field"] == "unlisted"), None)
        if any(counts.values()) or unlisted:
            names = [r.get("name") or r["key"] for r in [*valued, *rows["added"], *rows["removed"]]]
            title = _text([rs.tables[t["name"]].ref if t["name"] in rs.tables else None for rs in (reform, baseline)],
                          "description")
            out.append({"what": "table", "name": t["name"], "title": title, "change": "rows", **counts,
                        "unlisted": unlisted and unlisted["new"], "rows": names[:NAMED_ROWS],
                        "more": max(0, len(names) - NAMED_ROWS)})
    for r in compared["rules"]:
        was, now = r["in_force"]["old"], r["in_force"]["new"]
        if not (was or now):  # in force on neither decision date: it moves no decision here
            continue
        touched = {f["field"] for f in r.get("fields", [])}
        change = r["change"] if r["change"] != "changed" else "in-force" if now and not was else \
            "not-in-force" if was and not now else "condition" if touched & {"condition", "kind"} else None
        if change:
            title = _text([next((c.rule for c in rs.rules if c.rule.id == r["id"]), None)
                           for rs in (reform, baseline)], "title")
            out.append({"what": "criterion", "rule": r["id"], "title": title, "change": change})
    out += [{"what": "fact", "name": f["name"], "change": f["change"]} for f in compared["facts"]
            if f"fact.{f['name']}" in read]
    return out


def _read(rs: RuleSet, on: date) -> set[str]:
    """What the criteria in force on ``on`` and the payment channel read, through facts (``fact.x``,
    ``param.y``, ``table.z``, as ``RuleSet.names_read`` names them)."""
    trees = [c.tree for c in rs.rules if c.rule.in_force.contains(on)] + ([rs.channel] if rs.channel else [])
    facts: dict[str, set[str]] = {}
    return set().union(*(rs.names_read(tree, facts) for tree in trees))


def _text(things: list[Any], attribute: str) -> Json | None:
    """A text of both languages (a description, a title) of the first of ``things`` (the reform's, then
    the baseline's, for a thing removed) that has one; None when none has."""
    for thing in things:
        text = getattr(thing, attribute, None)
        if text is not None:
            return {"id": text.id, "en": text.en}
    return None
