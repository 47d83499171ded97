"""The scalar engine behind the columnar API (``--engine scalar``).

``ScalarTablePlan(plan).decide(table)`` has the signature of
``bsu_rules.evaluators.columnar.ColumnarPlan``: members as an Arrow table in, one decision row per
member out, same order. Each row is turned into a ``Member`` and decided by the reference
``Plan.decide``, so it is slow (a few thousand rows per second) but exact: the yardstick
the columnar engine is compared with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa

from bsu_rules.decisions import RuleResult
from bsu_rules.members import Member
from bsu_rules.members.arrow import MEMBER_SCHEMA
from bsu_rules.semantics import DECIDING

if TYPE_CHECKING:
    from bsu_rules.evaluators.scalar import Plan

_TEXT = pa.string()
_LIST = pa.list_(pa.string())


def decision_fields(plan: Plan) -> list[tuple[str, pa.DataType]]:
    """The columns an engine's ``decide`` returns for a plan."""
    return [("outcome", _TEXT), ("failed", _LIST), ("unknown", _LIST), ("priority", pa.int32()),
            ("flags", _LIST), ("benefit", pa.int64()), ("channel", _TEXT)] + \
        [(f"rule:{r.rule.id}", _TEXT) for r in plan.rules]


def scalar_fields(plan: Plan) -> frozenset[str]:
    """The member fields a whole record is validated and decided from: every one but free text no fact, rule,
    channel or explanation reads (a name), which a table may leave null without changing a decision."""
    from bsu_rules.audit.snapshot import kept_fields  # lazy: only a plan decided so needs it
    from bsu_rules.batch.validate import unchecked  # lazy: as above

    read = {".".join(path) for path in kept_fields(plan.ruleset)}
    return frozenset(MEMBER_SCHEMA.names) - unchecked(read)


class ScalarTablePlan:
    """Decide a member table row by row with the reference evaluator."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.schema = pa.schema(decision_fields(plan))
        self.deciding = {r.rule.id for r in plan.rules if r.kind in DECIDING}
        self.fields = scalar_fields(plan)
        """The member fields ``decide`` reads (``ColumnarPlan.fields``)."""

    def decide(self, table: pa.Table, rule_columns: bool = True) -> pa.Table:
        """Decisions in ``schema`` (its ``rule:<id>`` columns only when ``rule_columns``)."""
        columns: dict[str, list[Any]] = {name: [] for name in self.schema.names}
        per_rule = [(f"rule:{r.rule.id}", r.rule.id) for r in self.plan.rules]
        for record in table.select(MEMBER_SCHEMA.names).to_pylist():
            d = self.plan.decide(Member.model_validate(record))
            by_id = {r.id: r.outcome for r in d.rules}
            columns["outcome"].append(d.outcome.value)
            columns["failed"].append(d.failed)
            columns["unknown"].append([r.id for r in d.rules
                                       if r.outcome == RuleResult.UNKNOWN and r.id in self.deciding])
            columns["priority"].append(d.priority)
            columns["flags"].append(list(d.flags))
            columns["benefit"].append(d.benefit.amount if d.benefit else None)
            columns["channel"].append(d.channel)
            for column, rule_id in per_rule:
                columns[column].append(str(by_id[rule_id]))
        return pa.table({name: pa.array(columns[name], type=self.schema.field(name).type)
                         for name in self.schema.names if rule_columns or not name.startswith("rule:")})
