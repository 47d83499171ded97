"""Why members are undetermined, as the impact report counts them: for each deciding criterion, the
member fields it reads (directly or through facts) and the incomplete tables it looks up, as masks
over a chunk's undetermined members."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from bsu_rules.evaluators.scalar import Plan
from bsu_rules.ruleset.expressions import Binary, Call, Name, Node, walk
from bsu_rules.ruleset.schema import Kind

DECIDING = (Kind.REQUIRE, Kind.EXCLUDE)


@dataclass(frozen=True)
class CauseSpec:
    rule: str
    fields: list[str]  # member fields the rule reads (directly or through facts)
    tables: list[str]  # incomplete tables it reads (an unlisted key is unknown)
    keys: list[str]  # the member field such a table is looked up by, when it is one


def cause_specs(plan: Plan) -> list[CauseSpec]:
    rs = plan.ruleset
    out = []
    for r in plan.rules:
        if r.kind not in DECIDING:
            continue
        tree = r.checked.tree
        trees = [tree, *(rs.facts[f] for f in rs.facts_read([tree]))]
        tables = sorted({f"table.{n.parts[1]}" for t in trees for n in walk(t) if isinstance(n, Name)
                         and n.parts[0] == "table" and rs.tables[n.parts[1]].unlisted_unknown})
        keys = [k for t in trees for k in _table_keys(t)]
        out.append(CauseSpec(r.rule.id, rs.member_reads(tree), tables, keys[:1] if tables else []))
    return out


def _table_keys(tree: Node) -> Iterable[str]:
    """Member fields used as table keys: ``member.x in table.t`` and ``table.t.get(member.x, ...)``."""
    for n in walk(tree):
        if isinstance(n, Binary) and n.op in ("in", "not in") and isinstance(n.right, Name) \
                and n.right.parts[0] == "table" and isinstance(n.left, Name) and n.left.parts[0] == "member":
            yield n.left.dotted
        if isinstance(n, Call) and n.func.parts[0] == "table" and n.args and isinstance(n.args[0], Name) \
                and n.args[0].parts[0] == "member":
            yield n.args[0].dotted


def path(dotted: str) -> pl.Expr:
    parts = dotted.split(".")[1:]
    expr = pl.col(parts[0])
    for p in parts[1:]:
        expr = expr.struct.field(p)
    return expr


def cause_masks(specs: list[CauseSpec]) -> dict[str, tuple[list[pl.Expr], pl.Expr | None]]:
    """For each cause (a member field, an incomplete table, or a rule whose value is unknown
    otherwise), the masks of undetermined members it names, and the table key to count rows by."""
    out: dict[str, tuple[list[pl.Expr], pl.Expr | None]] = {}
    for spec in specs:
        unknown = pl.col(f"rule:{spec.rule}") == "unknown"
        nulls = [path(p).is_null() for p in spec.fields]
        rest = unknown & ~(pl.any_horizontal(nulls) if nulls else pl.lit(False))
        for f, n in zip(spec.fields, nulls, strict=True):
            out.setdefault(f, ([], None))[0].append(unknown & n)
        key = path(spec.keys[0]) if spec.keys else None
        for t in spec.tables or [f"rule:{spec.rule}"]:
            out.setdefault(t, ([], key if t.startswith("table.") else None))[0].append(rest)
    return out


