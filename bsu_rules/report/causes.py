"""Why members are undetermined, named as each member's decision names them (its ``missing``).

Most undetermined members lack a member field: a criterion is unknown and a field it reads (directly
or through facts) is empty, and the decision names exactly those fields. Such members are counted by
masks over a chunk's rows. The others (a table row known only as a lower bound, a value that cannot
be worked out, an incomplete table) are few: the reference evaluator decides them and says what each
lacks."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
import pyarrow as pa

from bsu_rules.evaluators.scalar import HIDDEN_KEYS, Plan
from bsu_rules.glossary import Places, glossary_for, spoken
from bsu_rules.members import Member
from bsu_rules.members.arrow import MEMBER_SCHEMA
from bsu_rules.report.groups import UNKNOWN
from bsu_rules.ruleset.expressions import Call, Name, Node, table_lookups
from bsu_rules.ruleset.schema import Kind

DECIDING = (Kind.REQUIRE, Kind.EXCLUDE)
BOUND_ROW = re.compile(r"^table\.([a-z0-9_]+)\[(.+)\]$")
"""A table row known only as a lower bound, as a decision names it: ``table.minimum_wage[3273]``."""


@dataclass(frozen=True)
class CauseSpec:
    rule: str
    fields: list[str]  # member fields the rule reads (directly or through facts)


def cause_specs(plan: Plan) -> list[CauseSpec]:
    return [CauseSpec(r.rule.id, plan.ruleset.member_reads(r.checked.tree)) for r in plan.rules
            if r.kind in DECIDING]


def table_keys(plan: Plan) -> dict[str, str]:
    """The member field each incomplete table is looked up by (``member.x in table.t``,
    ``table.t.get(member.x, ...)``), to count the keys it lacks."""
    rs = plan.ruleset
    out: dict[str, str] = {}
    for table, node in table_lookups(*(r.checked.tree for r in plan.rules), *rs.facts.values()):
        key = _member_key(node)
        if key and rs.tables[table].unlisted_unknown and key not in HIDDEN_KEYS:
            out.setdefault(f"table.{table}", key)
    return out


def _member_key(node: Node) -> str | None:
    """The member field a table key is: ``member.x``, or ``regency(member.x, table.t)`` (the code as it is)."""
    if isinstance(node, Call) and node.func.dotted == "regency" and node.args:
        node = node.args[0]
    return node.dotted if isinstance(node, Name) and node.parts[0] == "member" else None


def path(dotted: str) -> pl.Expr:
    parts = dotted.split(".")[1:]
    expr = pl.col(parts[0])
    for p in parts[1:]:
        expr = expr.struct.field(p)
    return expr


def field_masks(specs: list[CauseSpec]) -> tuple[dict[str, pl.Expr], pl.Expr]:
    """Each member field's mask of the members whose decision names it (an unknown criterion reads it
    and it is empty), and the mask of the members whose decision names only such fields (every unknown
    criterion reads an empty one)."""
    named: dict[str, list[pl.Expr]] = {}
    settled = []
    for spec in specs:
        unknown = pl.col(f"rule:{spec.rule}") == "unknown"
        nulls = [path(p).is_null() for p in spec.fields]
        for f, n in zip(spec.fields, nulls, strict=True):
            named.setdefault(f, []).append(unknown & n)
        settled.append(~unknown | pl.any_horizontal(nulls) if nulls else ~unknown)
    return {f: pl.any_horizontal(m) for f, m in named.items()}, pl.all_horizontal(settled)


def missing(plan: Plan, members: pa.Table) -> Iterator[tuple[dict[str, object], list[str]]]:
    """Each member record of ``members`` with what its decision lacks (the reference evaluator's ``missing``)."""
    for record in members.select(MEMBER_SCHEMA.names).to_pylist():
        yield record, plan.decide(Member.model_validate(record)).missing


class Causes:
    """What leaves a file's undetermined members undetermined, counted chunk by chunk (``add``), and
    the data-quality list it makes (``report``): each cause with its count, provinces, and for a table
    row its place name (kind ``row`` for one known only as a lower bound, ``unlisted-row`` for one an
    incomplete table does not list), for an incomplete table the keys it lacks."""

    def __init__(self, plan: Plan) -> None:
        self.plan, self.specs, self.table_keys = plan, cause_specs(plan), table_keys(plan)
        self.counts: dict[tuple[str, str | None], dict[str, Any]] = {}  # by cause, and kind when not its own

    def add(self, decided: pl.DataFrame, members: pa.Table) -> None:
        """A chunk: its decisions (``outcome``, ``province``, ``rule:<id>``) and its member rows."""
        undetermined = decided["outcome"] == "undetermined"
        if not undetermined.any() or not self.specs:
            return
        fields, settled = field_masks(self.specs)
        data = pl.from_arrow(members.select(sorted({p.split(".")[1] for spec in self.specs for p in spec.fields})))
        assert isinstance(data, pl.DataFrame)
        frame = pl.concat([decided.select("province", *(f"rule:{c.rule}" for c in self.specs)), data],
                          how="horizontal").with_row_index("i").filter(undetermined)
        named = frame.filter(settled)
        for cause, mask in fields.items():  # a member counts once per cause
            hit = named.filter(mask)
            if hit.height:
                entry = self._entry(cause)
                entry["count"] += hit.height
                entry["province"].update(dict(hit.group_by("province").len().iter_rows()))
        others = frame.filter(~settled).select("i", "province")
        found = missing(self.plan, members.take(others["i"].to_arrow()))
        for province, (record, lacks) in zip(others["province"], found, strict=True):
            for cause in lacks:  # a field on record that a call cannot read (`3200`) is not an empty one
                unusable = cause.startswith("member.") and _field(record, cause) != UNKNOWN
                entry = self._entry(cause, "unusable" if unusable else None)
                entry["count"] += 1
                entry["province"][province] += 1
                if cause in self.table_keys:
                    entry["keys"][_field(record, self.table_keys[cause])] += 1

    def report(self) -> list[dict[str, Any]]:
        out = []
        tables = self.plan.ruleset.tables
        for (cause, unusable), e in self.counts.items():
            row = BOUND_ROW.match(cause)
            bound = row is not None and row[2] in tables[row[1]].bounds  # else a row an incomplete table lacks
            kind = unusable or ("row" if bound else "unlisted-row" if row else "table" if cause.startswith("table.")
                                else "field" if cause.startswith("member.") else "value")
            item = {"cause": cause, "kind": kind, "count": e["count"],
                    "by_province": dict(sorted(e["province"].items()))}
            if row and row[2] in tables[row[1]].names:
                item["name"] = spoken(tables[row[1]].names[row[2]])
            elif row and (place := self._places.get(row[2])) is not None:  # the area whose row the table lacks
                item["name"] = place
            if e["keys"]:
                item["keys"] = [{"key": k, "count": n} for k, n in sorted(e["keys"].items(),
                                                                         key=lambda kv: (-kv[1], kv[0]))]
            out.append(item)
        return sorted(out, key=lambda c: (-c["count"], c["cause"], c["kind"]))

    @functools.cached_property
    def _places(self) -> Mapping[str, str]:
        """The names of regency and city codes, as the rule set's tables and glossary say them."""
        rs = self.plan.ruleset
        return Places.of(rs, glossary_for(rs.path)).names

    def _entry(self, cause: str, kind: str | None = None) -> dict[str, Any]:
        return self.counts.setdefault((cause, kind), {"count": 0, "province": Counter(), "keys": Counter()})


def _field(record: dict[str, Any], dotted: str) -> str:
    """A member field of a record, as text (``?`` when empty)."""
    value: Any = record
    for part in dotted.split(".")[1:]:
        value = value.get(part) if isinstance(value, dict) else None
    return UNKNOWN if value is None else str(value)
