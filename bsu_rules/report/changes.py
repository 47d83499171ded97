"""What a reform changes, for people: one item for each change that can move a decision, a payment or
the data read (a value as read on the decision date, a table's values, a criterion, a fact, the
benefit, the payment channel, the data date), from ``diff.compare``'s report. Sources, notes and
wording are left to the full list, which the report keeps beside it (``changes``)."""

from __future__ import annotations

from typing import Any

from bsu_rules.ruleset.model import RuleSet

Json = dict[str, Any]


def summary(compared: Json, baseline: RuleSet, reform: RuleSet) -> list[Json]:
    """The changes of ``compared`` (``diff.compare(baseline, reform)``) that decide, each a small
    language-free item (``what`` and its values); the page words them in its language."""
    meta = {f["field"]: f for f in compared["metadata"]}
    out = [{"what": "as_of", "old": meta["as_of"]["old"], "new": meta["as_of"]["new"]}] if "as_of" in meta else []
    for key in ("amount", "months"):
        moved = meta.get(f"benefit.{key}")
        if moved and None not in (moved["old"], moved["new"]):  # months written on one side only: the amount says it
            out.append({"what": f"benefit.{key}", "old": moved["old"], "new": moved["new"]})
    if "channel.expression" in meta:
        out.append({"what": "channel"})
    for p in compared["parameters"]:
        title = _text([rs.model.parameters.get(p["name"]) for rs in (reform, baseline)], "description")
        item = {"what": "parameter", "name": p["name"], "title": title, "unit": p["unit"]}
        read = {f["field"]: f for f in p.get("fields", [])}
        if p["change"] != "changed":
            out.append(item | {"change": p["change"]})
        elif "on" in read:
            out.append(item | {"change": "value", "old": read["on"]["old"], "new": read["on"]["new"]})
        elif "values" in read:  # the same on the decision date, another on some other day
            out.append(item | {"change": "dated"})
    for t in compared["tables"]:
        title = _text([rs.tables[t["name"]].ref if t["name"] in rs.tables else None for rs in (reform, baseline)],
                      "description")
        item = {"what": "table", "name": t["name"], "title": title}
        if t["change"] != "changed":
            out.append(item | {"change": t["change"]})
            continue
        rows = t["rows"]
        counts = {"changed": sum(r["old"] != r["new"] for r in rows["changed"]), "added": len(rows["added"]),
                  "removed": len(rows["removed"])}
        unlisted = next((f for f in t["fields"] if f["field"] == "unlisted"), None)
        if any(counts.values()) or unlisted:
            out.append(item | {"change": "rows", **counts, "unlisted": unlisted and unlisted["new"]})
    for r in compared["rules"]:
        title = _text([next((c.rule for c in rs.rules if c.rule.id == r["id"]), None) for rs in (reform, baseline)],
                      "title")
        fields = {f["field"] for f in r.get("fields", [])}
        was, now = r["in_force"]["old"], r["in_force"]["new"]
        change = r["change"] if r["change"] != "changed" else "in-force" if now and not was else \
            "not-in-force" if was and not now else "condition" if fields & {"condition", "kind"} else None
        if change:
            out.append({"what": "criterion", "rule": r["id"], "title": title, "change": change})
    out += [{"what": "fact", "name": f["name"], "change": f["change"]} for f in compared["facts"]]
    return out


def _text(things: list[Any], attribute: str) -> Json | None:
    """A text of both languages (a description, a title) of the first of ``things`` (the reform's, then
    the baseline's, for a thing removed) that has one; None when none has."""
    for thing in things:
        text = getattr(thing, attribute, None)
        if text is not None:
            return {"id": text.id, "en": text.en}
    return None
