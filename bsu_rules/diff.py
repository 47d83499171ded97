"""Compare two rule sets (or one rule set at two dates), and the decisions they give members.

``compare`` reports what changed in the text: metadata, parameters (with their dated values and
the value read on each compared date), tables (rows by key, with every column that changed), facts,
rules (condition, source, basis, window, and whether each is in force on its date) and the
glossary the explanations read (each entry that differs). ``flips``
decides every member under both sides and names, for each change of outcome, the criterion
responsible. Both return plain JSON data; ``bsu_rules.cli.diff`` renders it as text.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bsu_rules.bounds import AtLeast
from bsu_rules.decisions import Decision, Outcome, RuleOutcome, RuleResult, mask_identifiers
from bsu_rules.errors import InputError
from bsu_rules.evaluators.scalar import jsonable
from bsu_rules.glossary import glossary_for, glossary_sha256
from bsu_rules.members import parse_member
from bsu_rules.members.decode import BadRecord
from bsu_rules.ruleset.expressions import parse, unparse
from bsu_rules.ruleset.files import TABLE_LIMIT, UnsafePath, read_limited
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.override_warnings import lowered_below_partial, unread_on
from bsu_rules.ruleset.schema import Parameter, Rule, Text, Window
from bsu_rules.ruleset.tables import Table
from bsu_rules.ruleset.warned import Warned

Json = dict[str, Any]


def check_on(rs: RuleSet, on: date) -> None:
    """Raise OutOfForce if ``on`` is outside the edition's window."""
    rs.check_in_force(on)


def window_text(w: Window) -> str:
    if w.from_ is None and w.until is None:
        return "always"
    return " ".join(p for p in (w.from_ and f"from {w.from_}", w.until and f"until {w.until}") if p)


def _side(rs: RuleSet, on: date) -> Json:
    try:
        shown = str(rs.path.resolve().relative_to(Path.cwd()))
    except ValueError:
        shown = str(rs.path)
    return {"file": shown, "ruleset": rs.id, "version": rs.version, "sha256": rs.sha256, "on": on.isoformat()}


def _field(name: str, old: Any, new: Any, unit: str | None = None) -> list[Json]:
    if old == new:
        return []
    return [{"field": name, "old": _json(old), "new": _json(new)} | ({"unit": unit} if unit else {})]


def _json(value: Any) -> Any:
    """``jsonable``, keeping a mapping (a parameter's dated values, a glossary amendment) a mapping, in a list too."""
    if isinstance(value, list):
        return [_json(v) for v in value]
    return {k: _json(v) for k, v in value.items()} if isinstance(value, dict) else jsonable(value)


def _expression(name: str, old: str | None, new: str | None) -> list[Json]:
    """An expression change, compared by meaning (spacing and brackets aside), shown as written."""
    same = old == new or (old is not None and new is not None and _canon(old) == _canon(new))
    return [] if same else [{"field": name, "old": old, "new": new}]


def decision_dates(old: RuleSet, new: RuleSet, old_on: date | None = None,
                   new_on: date | None = None) -> tuple[date, date]:
    """The date each side is decided on. Two versions of one edition (the same id, a rule set and
    its reform among them) share one, so that a difference is the text's and not the calendar's: the
    date given for either side, else the later of their default dates (the latest date either
    describes). Two editions each take their own: the date given, else the default date; so does a
    side not in force on the shared date."""
    if old.id != new.id:
        return old_on or old.default_on, new_on or new.default_on
    common = old_on or new_on or max(old.default_on, new.default_on)

    def on(rs: RuleSet, given: date | None) -> date:
        return given or (common if rs.model.in_force.contains(common) else rs.default_on)

    return on(old, old_on), on(new, new_on)


def compare(old: RuleSet, new: RuleSet, old_on: date | None = None, new_on: date | None = None) -> Json:
    """Everything that differs between ``old`` read on ``old_on`` and ``new`` read on ``new_on``
    (by default the dates ``decision_dates`` gives)."""
    old_day, new_day = decision_dates(old, new, old_on, new_on)
    check_on(old, old_day)
    check_on(new, new_day)
    report = {"old": _side(old, old_day), "new": _side(new, new_day),
              "warnings": _unversioned(old, new) + list(lowered_below_partial(old, new)) +
              _read_later(old, old_day, new, new_day),
              "metadata": _metadata(old, new), "parameters": _parameters(old, new, old_day, new_day),
              "tables": _tables(old, new), "facts": _facts(old, new), "rules": _rules(old, new, old_day, new_day),
              "glossary": _glossary(old, new)}
    if old.sha256 != new.sha256 and not any(report[k] for k in SECTIONS):  # never "no change" for two rule sets
        report["metadata"] = _field("sha256", old.sha256, new.sha256)  # that differ in what no section lists
    return report


def _unversioned(old: RuleSet, new: RuleSet) -> list[str]:
    """Two rule sets that differ under one id and version: a forgotten version bump (a decision log and a
    replay report then tell them apart only by their sha256)."""
    if old.sha256 == new.sha256 or (old.id, old.version) != (new.id, new.version) or \
            getattr(old, "base", None) is not None or getattr(new, "base", None) is not None:
        return []  # the same, or told apart by their version, or a what-if (named by its overrides)
    return [f"the two rule sets differ but both are {old.id} {old.version}: give the changed one a new `version`, "
            "so that the decisions of each are told apart by more than their sha256"]


def _read_later(old: RuleSet, old_day: date, new: RuleSet, new_day: date) -> list[str]:
    """Each side's ``as_of`` (or dated override) after the date it is read on (``unread_on``), named by its side."""
    return [Warned(f"{side}: {w}", w.kind, w.indonesian and f"{side}: {w.indonesian}")
            for side, rs, day, option in (("old", old, old_day, "--old-on"), ("new", new, new_day, "--new-on"))
            for w in unread_on(rs, day, option)]


SECTIONS = ("metadata", "parameters", "tables", "facts", "rules", "glossary")
"""The parts of a ``compare`` report that list changes."""


def _glossary(old: RuleSet, new: RuleSet) -> list[Json]:
    """Each glossary entry (``channels.BRI.en``) that differs: part of the rule set's hash, since the
    explanations that read it are part of a decision."""
    if glossary_sha256(old.path) == glossary_sha256(new.path):
        return []
    def words(rs: RuleSet, defaults: bool) -> Json:  # in the file's words (``from``, not the model's ``from_``)
        return _flat(glossary_for(rs.path).model_dump(mode="json", by_alias=True, exclude_none=True,
                                                      exclude_defaults=not defaults))

    a, b = words(old, True), words(new, True)
    written = set(words(old, False)) | set(words(new, False))  # a default on one side only (a new entry's
    return [f for key in sorted(set(a) | set(b)) if (key in a and key in b) or key in written  # `amended: []`):
            for f in _field(f"glossary.{key}", a.get(key), b.get(key))]  # not written, so no change


def _flat(data: Any, prefix: str = "") -> Json:
    """A nested mapping as dotted paths to its other values."""
    if not isinstance(data, dict):
        return {prefix: data}
    if not data:
        return {prefix: data}
    return {path: value for key, item in data.items()
            for path, value in _flat(item, f"{prefix}.{key}" if prefix else str(key)).items()}


def _metadata(old: RuleSet, new: RuleSet) -> list[Json]:
    a, b = old.model, new.model
    out = _field("ruleset", a.ruleset, b.ruleset) + _field("version", a.version, b.version)
    out += _field("title.id", a.title.id, b.title.id) + _field("title.en", a.title.en, b.title.en)
    out += _field("in_force", window_text(a.in_force), window_text(b.in_force))
    out += _field("in_force.basis", a.in_force.basis.value, b.in_force.basis.value)
    out += _field("in_force.source", a.in_force.source, b.in_force.source)
    out += _texts("in_force.note", a.in_force.note, b.in_force.note) + _field("as_of", a.as_of, b.as_of)
    for key in sorted(set(a.legal_basis) | set(b.legal_basis)):
        out += _field(f"legal_basis.{key}", a.legal_basis.get(key), b.legal_basis.get(key))
    out += _texts("notes", a.notes, b.notes)
    for key in ("amount", "monthly", "instalments"):
        out += _field(f"benefit.{key}", getattr(a.benefit, key), getattr(b.benefit, key), "IDR")
    out += _field("benefit.months", a.benefit.months, b.benefit.months)
    out += _field("benefit.source", a.benefit.source, b.benefit.source)
    ca, cb = a.channel, b.channel
    out += _expression("channel.expression", ca.expression if ca else None, cb.expression if cb else None)
    out += _field("channel.source", ca and ca.source, cb and cb.source)
    out += _field("channel.basis", ca and ca.basis.value, cb and cb.basis.value)
    return out


def _texts(name: str, a: Text | None, b: Text | None) -> list[Json]:
    """A text of both languages (a note, a description) compared in each: ``name.en``, ``name.id``."""
    return _field(f"{name}.en", a and a.en, b and b.en) + _field(f"{name}.id", a and a.id, b and b.id)


def _canon(text: str) -> str:
    return unparse(parse(text))


def _values(p: Parameter) -> Any:
    return jsonable(p.value) if p.values is None else {d.isoformat(): jsonable(v) for d, v in sorted(p.values.items())}


def _parameters(old: RuleSet, new: RuleSet, old_on: date, new_on: date) -> list[Json]:
    out = []
    a, b = old.model.parameters, new.model.parameters
    for name in _union(a, b):
        pa, pb = a.get(name), b.get(name)
        either = pb or pa
        assert either is not None
        entry: Json = {"name": name, "unit": either.unit}
        if pa is None or pb is None:
            p, rs, on = (pb, new, new_on) if pa is None else (pa, old, old_on)
            assert p is not None
            entry |= {"change": "added" if pa is None else "removed", "values": _values(p),
                      "on": jsonable(rs.parameter(name, on)[0]), "source": p.source}
            out.append(entry)
            continue
        fields = _field("values", _values(pa), _values(pb)) + _field("unit", pa.unit, pb.unit)
        fields += _field("source", pa.source, pb.source) + _field("basis", pa.basis.value, pb.basis.value)
        fields += _texts("description", pa.description, pb.description)
        read = _field("on", old.parameter(name, old_on)[0], new.parameter(name, new_on)[0])
        if fields or read:
            out.append(entry | {"change": "changed", "fields": fields + read})
    return out


def _tables(old: RuleSet, new: RuleSet) -> list[Json]:
    out: list[Json] = []
    for name in _union(old.tables, new.tables):
        ta, tb = old.tables.get(name), new.tables.get(name)
        if ta is None or tb is None:
            t = tb or ta
            assert t is not None
            out.append({"name": name, "change": "added" if ta is None else "removed", "file": t.ref.file,
                        "rows": t.rows, "sha256": t.sha256})
            continue
        ra, rb = ta.ref, tb.ref
        fields = _field("file", _file(old, name, ta), _file(new, name, tb)) + \
            [f for k in ("key", "value", "source", "partial", "unlisted", "bound", "unit")
             for f in _field(k, getattr(ra, k), getattr(rb, k))] + \
            _texts("description", ra.description, rb.description) + _field("sha256", ta.sha256, tb.sha256)
        va, vb = _rows(ta), _rows(tb)
        ca, cb = _cells(old, ta), _cells(new, tb)
        changed = []
        for k in sorted(set(va) & set(vb)):
            a, b = ca.get(k, {}), cb.get(k, {})
            columns = [{"column": c, "old": a.get(c), "new": b.get(c)} for c in _union(a, b)
                       if c not in (ra.key, ra.value, ra.bound, rb.key, rb.value, rb.bound) and a.get(c) != b.get(c)]
            if va[k] != vb[k] or columns:
                changed.append({"key": k, **_named(b or a), "old": jsonable(va[k]), "new": jsonable(vb[k]),
                                "columns": columns})
        rows = {"added": [{"key": k, **_named(cb.get(k, {})), "value": jsonable(vb[k])}
                          for k in sorted(set(vb) - set(va))],
                "removed": [{"key": k, **_named(ca.get(k, {})), "value": jsonable(va[k])}
                            for k in sorted(set(va) - set(vb))],
                "changed": changed}
        if fields or any(rows.values()):
            out.append({"name": name, "change": "changed", "fields": fields, "rows": rows}
                       | ({"unit": rb.unit} if rb.unit else {}))
    return out


def _named(cells: dict[str, str]) -> Json:
    """A row's name (its ``name`` or ``…_name`` cell: ``area_name``, ``regency_name``), when its file gives
    one: a reader of ``+ 1271`` needs ``Kota Medan``."""
    name = next((v for c, v in cells.items() if (c == "name" or c.endswith("_name")) and v), None)
    return {"name": name} if name else {}


def _file(rs: RuleSet, name: str, table: Table) -> str:
    """A table's file as a comparison names it: as the rule file writes it, or a replacement given on the
    command line as the what-if names it (``--table minimum_wage=<sha256 6cd430751166>``), never by the
    folder it was read from."""
    replaced = any(o.get("table") == name for o in getattr(rs, "overrides", ()))
    return f"--table {name}=<sha256 {table.sha256[:12]}>" if replaced else table.ref.file


def _rows(table: Table) -> dict[str, Any]:
    """A table's rows by key; a lower-bound row's value as the bound it is (a row turning from a
    lower bound into a published figure is a change, even at the same amount)."""
    if table.values is None:
        return dict.fromkeys(table.keys)
    return {k: AtLeast(v, (k,)) if k in table.bounds and isinstance(v, Decimal) else v
            for k, v in table.values.items()}


def _cells(rs: RuleSet, table: Table) -> dict[str, dict[str, str]]:
    """Every cell of a table's rows by key (identifier-like digits masked), read again from its file:
    an area's name or a row's source changes what is read aloud and cited. Empty when the file is no
    longer the one loaded."""
    try:
        raw = read_limited((rs.path.parent / table.ref.file).resolve(), TABLE_LIMIT)
    except UnsafePath:
        return {}
    if hashlib.sha256(raw).hexdigest() != table.sha256:
        return {}
    rows = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    return {(row.get(table.ref.key) or "").strip(): {c: mask_identifiers(v.strip()) for c, v in row.items()
                                                     if isinstance(c, str) and isinstance(v, str)}
            for row in rows}


def _facts(old: RuleSet, new: RuleSet) -> list[Json]:
    out = []
    a, b = old.model.facts, new.model.facts
    for name in _union(a, b):
        if name not in a or name not in b:
            out.append({"name": name, "change": "added" if name not in a else "removed",
                        "expression": b.get(name) or a.get(name)})
        elif _expression(name, a[name], b[name]):
            out.append({"name": name, "change": "changed", "old": a[name], "new": b[name]})
    return out


def _rule_fields(ra: Rule, rb: Rule) -> list[Json]:
    out = _field("kind", ra.kind.value, rb.kind.value) + _expression("condition", ra.condition, rb.condition)
    out += _field("source", ra.source, rb.source) + _field("basis", ra.basis.value, rb.basis.value)
    out += _field("in_force", window_text(ra.in_force), window_text(rb.in_force))
    for name in ("title", "explain"):
        ta, tb = getattr(ra, name), getattr(rb, name)
        out += _field(f"{name}.en", ta and ta.en, tb and tb.en) + _field(f"{name}.id", ta and ta.id, tb and tb.id)
    return out + _texts("note", ra.note, rb.note) + _field("shows", ", ".join(ra.shows) or None,
                                                           ", ".join(rb.shows) or None)


def _rules(old: RuleSet, new: RuleSet, old_on: date, new_on: date) -> list[Json]:
    out: list[Json] = []
    a = {c.rule.id: c.rule for c in old.rules}
    b = {c.rule.id: c.rule for c in new.rules}
    for rid in _union(a, b):
        ra, rb = a.get(rid), b.get(rid)
        in_force = {"old": ra.in_force.contains(old_on) if ra else None,
                    "new": rb.in_force.contains(new_on) if rb else None}
        if ra is None or rb is None:
            r = rb or ra
            assert r is not None
            out.append({"id": rid, "change": "added" if ra is None else "removed", "kind": r.kind.value,
                        "condition": r.condition, "source": r.source, "basis": r.basis.value,
                        "window": window_text(r.in_force), "in_force": in_force})
            continue
        fields = _rule_fields(ra, rb)
        if fields or in_force["old"] != in_force["new"]:
            out.append({"id": rid, "change": "changed", "fields": fields, "in_force": in_force})
    return out


def _union(a: Iterable[str], b: Iterable[str]) -> list[str]:
    """Names of both sides, in the old file's order, then the new names in theirs."""
    first = list(a)
    return first + [n for n in b if n not in first]


def responsible(old: Decision, new: Decision) -> list[Json]:
    """The criteria whose outcome changed and explain the new outcome (all changed ones if none does);
    for a move to undetermined, also those unknown on both sides, which it still waits for."""
    a = {r.id: r for r in old.rules}
    b = {r.id: r for r in new.rules}
    changed = [rid for rid in _union(a, b) if (a[rid].outcome if rid in a else None)
               != (b[rid].outcome if rid in b else None)]

    def decisive(r: RuleOutcome | None, results: tuple[RuleResult, ...]) -> bool:
        return r is not None and r.outcome in results and r.kind in ("require", "exclude")

    fail, unknown = (RuleResult.FAIL,), (RuleResult.UNKNOWN,)
    if new.outcome == Outcome.INELIGIBLE:
        picked = [rid for rid in changed if decisive(b.get(rid), fail)]
    elif new.outcome == Outcome.ELIGIBLE:
        picked = [rid for rid in changed if decisive(a.get(rid), fail + unknown)]
    else:  # undetermined: also each criterion that was unknown before and still is, which it now waits for
        picked = [rid for rid in _union(a, b) if (decisive(b.get(rid), unknown) or decisive(a.get(rid), fail))
                  and (rid in changed or decisive(a.get(rid), unknown))]
        picked = picked if any(rid in changed for rid in picked) else []
    out = []
    for rid in picked or changed:
        ra, rb = a.get(rid), b.get(rid)
        change = "added" if ra is None else "removed" if rb is None else "changed" if rid in changed else "unchanged"
        out.append({"rule": rid, "change": change, "old": ra.outcome.value if ra else None,
                    "new": rb.outcome.value if rb else None, "explain": _explain(ra, rb)})
    return out


def _explain(old: RuleOutcome | None, new: RuleOutcome | None) -> str | None:
    if new is not None and new.explain is not None:
        return new.explain.en
    if new is not None and new.outcome == RuleResult.NOT_IN_FORCE:
        return "not in force on the new date"
    return f"was: {old.explain.en}" if old is not None and old.explain is not None else None


def flips(old: RuleSet, new: RuleSet, records: Iterable[tuple[int | str, Any]], old_on: date | None = None,
          new_on: date | None = None, examples: int = 3) -> Json:
    """Decide every record under both sides (on the dates ``decision_dates`` gives); count outcome
    pairs and explain each flip, and count the records eligible on both sides but paid through
    another channel (``channels``), another amount (``amounts``, the benefit's total in rupiah) or in
    other instalments (``instalments``), or held for other reviews before payment (``reviews``: the
    flags raised)."""
    old_day, new_day = decision_dates(old, new, old_on, new_on)
    old_plan, new_plan = old.plan(old_day), new.plan(new_day)
    pairs: Counter[tuple[str, str]] = Counter()
    groups: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], Json] = {}
    rejected: list[Json] = []
    moves: dict[tuple[Any, Any], Json] = {}
    amounts: dict[tuple[Any, Any], Json] = {}
    instalments: dict[tuple[Any, Any], Json] = {}
    reviews: dict[tuple[Any, Any], Json] = {}
    for number, record in records:
        try:
            if isinstance(record, BadRecord):
                raise record.error()  # named at its field, as every reader names it
            member = parse_member(record)
        except InputError as exc:
            rejected.append({"record": number, "error": str(exc)})
            continue
        a, b = old_plan.decide(member), new_plan.decide(member)
        pairs[(a.outcome.value, b.outcome.value)] += 1
        if a.outcome == b.outcome:
            if a.outcome is Outcome.ELIGIBLE:
                example = {"record": number, "nik": b.member.nik}
                _tally(moves, a.channel, b.channel, example, examples)
                _tally(amounts, _amount(a), _amount(b), example, examples)
                _tally(instalments, *_split(a, b), example, examples)
                _tally(reviews, tuple(sorted(a.flags)), tuple(sorted(b.flags)), example, examples)  # as sets
            continue
        why = responsible(a, b)
        cause = tuple(w["rule"] for w in why if w["change"] != "unchanged")
        waits = tuple(w["rule"] for w in why if w["change"] == "unchanged")  # still unknown: not a cause
        group = groups.setdefault((a.outcome.value, b.outcome.value, cause, waits), {
            "old": a.outcome.value, "new": b.outcome.value, "rules": list(cause), "still_unknown": list(waits),
            "count": 0, "examples": []})
        group["count"] += 1
        if len(group["examples"]) < examples:
            group["examples"].append({"record": number, "nik": b.member.nik, "rules": why})
    table = [{"old": o, "new": n, "count": c} for (o, n), c in sorted(pairs.items())]
    return {"decided": sum(pairs.values()), "rejected": rejected, "outcomes": table,
            "flips": sorted(groups.values(), key=lambda g: (-g["count"], g["old"], g["new"], g["rules"],
                                                            g["still_unknown"])),
            "channels": _ranked(moves, ""), "amounts": _ranked(amounts, 0),
            "instalments": [g | {k: None if g[k] is None else list(g[k]) for k in ("old", "new")}
                            for g in _ranked(instalments, ())],
            "reviews": [g | {"old": list(g["old"]), "new": list(g["new"])} for g in _ranked(reviews, ())]}


def _amount(decision: Decision) -> int | None:
    """The benefit's total in rupiah (None: none is paid)."""
    return decision.benefit.amount if decision.benefit else None


def _split(old: Decision, new: Decision) -> tuple[tuple[int, ...] | None, tuple[int, ...] | None]:
    """The instalments each side pays, or (None, None) where they differ only as the amount does (one
    instalment on each side: ``amounts`` tells it)."""
    a, b = (tuple(d.benefit.instalments) if d.benefit else None for d in (old, new))
    return (None, None) if a is not None and b is not None and len(a) == len(b) == 1 else (a, b)


def _tally(groups: dict[tuple[Any, Any], Json], old: Any, new: Any, example: Json, examples: int) -> None:
    """Count a member eligible on both sides under the pair ``old`` → ``new`` when they differ, keeping
    up to ``examples`` of them."""
    if old == new:
        return
    group = groups.setdefault((old, new), {"old": old, "new": new, "count": 0, "examples": []})
    group["count"] += 1
    if len(group["examples"]) < examples:
        group["examples"].append(example)


def _ranked(groups: dict[tuple[Any, Any], Json], none: Any) -> list[Json]:
    """The pairs, the most members first (``none`` stands for a missing value when ordering)."""
    return sorted(groups.values(), key=lambda g: (-g["count"], g["old"] or none, g["new"] or none))
