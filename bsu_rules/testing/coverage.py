"""Rule coverage: which criteria the test cases reach, and on which sides.

Every rule has sides it can come out on: ``pass``/``fail``/``unknown`` for require and exclude
rules, ``flagged``/``pass``/``unknown`` for flag rules, ``prioritized``/``not_prioritized``/
``unknown`` for prioritize rules, and ``not_in_force`` for a rule whose ``in_force`` window is
narrower than its edition's. A side is reached when any case's decision shows it (whatever the
case expected). The report reads like a code-coverage table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bsu_rules.decisions import RuleResult
from bsu_rules.ruleset.nullability import truth_values
from bsu_rules.ruleset.schema import Rule, Window
from bsu_rules.semantics import rule_result

if TYPE_CHECKING:
    from bsu_rules.ruleset.model import RuleSet
    from bsu_rules.testing.runner import CaseResult

_ORDER = (RuleResult.FLAGGED, RuleResult.PRIORITIZED, RuleResult.NOT_PRIORITIZED, RuleResult.PASS,
          RuleResult.FAIL, RuleResult.UNKNOWN)  # the order sides are listed in


def sides(rule: Rule, edition: Window, truth: frozenset[bool | None] = frozenset({True, False, None}),
          ) -> tuple[RuleResult, ...]:
    """The outcomes a rule can have in an edition in force during ``edition``.

    ``truth`` is what the condition can come out as (see ``nullability.truth_values``); each value
    gives the rule's result as ``semantics.rule_result`` states it.
    """
    own = rule.in_force
    narrower = (own.from_ is not None and (edition.from_ is None or own.from_ > edition.from_)) or (
        own.until is not None and (edition.until is None or own.until < edition.until))
    possible = {rule_result(rule.kind, value) for value in truth}
    return tuple(s for s in _ORDER if s in possible) + ((RuleResult.NOT_IN_FORCE,) if narrower else ())


@dataclass(frozen=True)
class RuleCoverage:
    """The sides of one rule and those some case reached."""

    ruleset: str
    rule: str
    kind: str
    sides: tuple[str, ...]
    reached: tuple[str, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(s for s in self.sides if s not in self.reached)


@dataclass(frozen=True)
class Coverage:
    """Rule coverage of one or more rule sets."""

    rules: tuple[RuleCoverage, ...]

    @property
    def total(self) -> int:
        return sum(len(r.sides) for r in self.rules)

    @property
    def reached(self) -> int:
        return sum(len(r.reached) for r in self.rules)

    @property
    def percent(self) -> float:
        return 100.0 * self.reached / self.total if self.total else 100.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "sides": self.total, "reached": self.reached, "percent": round(self.percent, 1),
            "rules": [{"ruleset": r.ruleset, "rule": r.rule, "kind": r.kind, "sides": list(r.sides),
                       "reached": list(r.reached), "missing": list(r.missing)} for r in self.rules],
        }

    def table(self) -> str:
        """A text table: one row per rule, a subtotal per rule set when there are several, a total."""
        head = ("Rule set", "Rule", "Kind", "Sides", "Miss", "Cover", "Missing")
        rows: list[tuple[str, ...]] = []
        names = list(dict.fromkeys(r.ruleset for r in self.rules))
        for name in names:
            mine = [r for r in self.rules if r.ruleset == name]
            for r in mine:
                rows.append((name, r.rule, r.kind, str(len(r.sides)), str(len(r.missing)),
                             _pct(len(r.reached), len(r.sides), 0), ", ".join(r.missing)))
            if len(names) > 1:
                part = Coverage(tuple(mine))
                rows.append((name, "(all rules)", "", str(part.total), str(part.total - part.reached),
                             _pct(part.reached, part.total, 1), ""))
        rows.append(("TOTAL", "", "", str(self.total), str(self.total - self.reached),
                     _pct(self.reached, self.total, 1), ""))
        widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head) - 1)]
        right = {3, 4, 5}

        def line(row: tuple[str, ...]) -> str:
            pairs = enumerate(zip(row[:-1], widths, strict=True))
            cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in pairs]
            return ("  ".join(cells) + "  " + row[-1]).rstrip()

        rule = "-" * (sum(widths) + 2 * len(widths) + len("Missing"))
        return "\n".join([line(head), rule, *(line(r) for r in rows[:-1]), rule, line(rows[-1])])


def _pct(part: int, whole: int, digits: int) -> str:
    return f"{100.0 * part / whole if whole else 100.0:.{digits}f}%"


def measure(rulesets: Iterable[RuleSet], results: Iterable[CaseResult]) -> Coverage:
    """Coverage of ``rulesets`` by the decisions in ``results`` (matched by rule set file)."""
    seen: dict[tuple[str, str], set[str]] = {}
    for result in results:
        if result.decision is None or result.ruleset is None:
            continue
        key = str(result.ruleset.path)
        for outcome in result.decision.rules:
            seen.setdefault((key, outcome.id), set()).add(str(outcome.outcome.value))
    out = []
    rulesets = list(rulesets)
    ids = [rs.id for rs in rulesets]
    for ruleset in rulesets:
        label = ruleset.id if ids.count(ruleset.id) == 1 else f"{ruleset.id} ({ruleset.path})"  # two files, one id
        for checked in ruleset.rules:
            rule = checked.rule
            truth = truth_values(checked.tree, ruleset)
            possible = tuple(s.value for s in sides(rule, ruleset.model.in_force, truth))
            hit = seen.get((str(ruleset.path), rule.id), set())
            out.append(RuleCoverage(label, rule.id, rule.kind.value, possible,
                                    tuple(s for s in possible if s in hit)))
    return Coverage(tuple(out))
