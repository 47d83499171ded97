"""The checked, immutable rule set: the typed tree every evaluator consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bsu_rules.errors import Diagnostic, OutOfForce
from bsu_rules.ruleset.editions import in_force_on, window_text
from bsu_rules.ruleset.expressions import Call, Name, Node, walk
from bsu_rules.ruleset.schema import Parameter, Rule, RuleFile
from bsu_rules.ruleset.source import Located
from bsu_rules.ruleset.tables import Table
from bsu_rules.ruleset.types import Type

if TYPE_CHECKING:
    from bsu_rules.evaluators.scalar import Plan


@dataclass(frozen=True)
class CheckedRule:
    rule: Rule
    tree: Node
    reads: tuple[str, ...]  # names and history calls the condition reads directly
    shown: tuple[Name, ...] = ()  # the names the rule's ``shows`` lists

    @property
    def traced(self) -> tuple[str, ...]:
        """What a decision's trace gives for the rule: what its condition reads, then what it shows."""
        return (*self.reads, *self.shown_only)

    @property
    def shown_only(self) -> tuple[str, ...]:
        """What the rule shows that its condition does not read: never what it waits for."""
        return tuple(dict.fromkeys(n.dotted for n in self.shown if n.dotted not in self.reads))


@dataclass(frozen=True, eq=False)
class RuleSet:
    """A loaded, checked rule file with its tables; identified by id, version and sha256."""

    model: RuleFile
    path: Path
    sha256: str
    tables: dict[str, Table]
    param_types: dict[str, Type]
    facts: dict[str, Node]  # in dependency order
    rules: tuple[CheckedRule, ...]
    channel: Node | None
    located: Located
    _plans: dict[date, Plan] = field(default_factory=dict, repr=False)
    warned: tuple[Diagnostic, ...] = ()  # the warnings ``check`` gives the file: every command that loads it says them

    @property
    def id(self) -> str:
        return self.model.ruleset

    @property
    def version(self) -> str:
        return self.model.version

    @property
    def what_if(self) -> str:
        """The overrides a what-if was made under, as options (``--set wage_ceiling=4300000``); "" for a rule
        set as its file has it."""
        return ""

    @cached_property
    def default_on(self) -> date:
        """The latest date the file describes: used when a decision date is not given. A value
        dated after the edition ends is never read (``value-outside``): it moves nothing; nor does an
        ``as_of`` a what-if sets (the data read as at another day: a decision date is not moved by it)."""
        until = self.model.in_force.until
        days = [self.model.in_force.from_, (getattr(self, "base", None) or self).model.as_of]
        for rule in self.model.rules:
            days += [rule.in_force.from_, rule.in_force.until and _next_day(rule.in_force.until)]  # None: never
        for param in self.model.parameters.values():
            days += [d for d in param.values or {} if until is None or d <= until]
        known = [d for d in days if d is not None]
        latest = max(known)
        return min(latest, until) if until else latest

    def parameter(self, name: str, on: date) -> tuple[Any, date | None]:
        """The value of a parameter on a date, and the date that value took effect."""
        param: Parameter = self.model.parameters[name]
        if param.values is None:
            return param.value, None
        since = [d for d in sorted(param.values) if d <= on]
        return (param.values[since[-1]], since[-1]) if since else (None, None)

    def files(self) -> dict[str, Path]:
        """The files this rule set was read from, by what they are: the rule file and each table."""
        found = {"the rule file": self.path}
        for name, table in sorted(self.tables.items()):
            found[f"table {name}"] = self.path.parent / table.ref.file  # an absolute path stays as it is
        return found

    def plan(self, on: date | str | None = None) -> Plan:
        """The compiled plan for a decision date, a date or ``YYYY-MM-DD`` text (cached; ParameterError, an
        InputError, for anything else, a datetime too)."""
        if type(on) is not date and on is not None:  # a datetime (a date subclass) is refused, as by evaluate
            from bsu_rules.members import decision_date  # lazy: a date is the common case

            on = decision_date(on)
        day = on or self.default_on
        planned = self._plans.get(day)
        if planned is not None:
            return planned
        self.check_in_force(day)
        if day not in self._plans:
            from bsu_rules.evaluators.scalar import Plan  # lazy: the evaluator loads with the first plan

            self._plans[day] = Plan(self, day)
        return self._plans[day]

    def check_in_force(self, day: date) -> None:
        """Raise OutOfForce, naming the edition that applies, when ``day`` is outside the window."""
        if not self.model.in_force.contains(day):
            applies = [(edition, window_text(w)) for edition, w in in_force_on(day, self.path.parent)]
            raise OutOfForce(self.id, window_text(self.model.in_force), day, applies)

    def facts_read(self, trees: list[Node]) -> list[str]:
        """Facts the trees read, directly or through other facts, nearest first, each once: the order
        is the reading order, never a hash order, so what is said from it is the same on every run."""
        out: dict[str, None] = {}
        todo = list(trees)
        for tree in todo:  # grows as facts are found: breadth first
            for n in walk(tree):
                if isinstance(n, Name) and n.parts[0] == "fact" and n.parts[1] not in out:
                    out[n.parts[1]] = None
                    todo.append(self.facts[n.parts[1]])
        return list(out)

    def names_read(self, tree: Node, _facts: dict[str, set[str]] | None = None) -> set[str]:
        """``kind.name`` of everything a tree reads (``param.x``, ``table.t``, ``member.f``,
        ``fact.f``, ``as_of``), through facts; each fact walked once (``_facts`` keeps them)."""
        facts = {} if _facts is None else _facts
        out: set[str] = set()
        for n in walk(tree):
            name = n.func if isinstance(n, Call) else n
            if isinstance(name, Name):
                out.add(".".join(name.parts[:2]))
                if name.parts[0] == "fact" and name.parts[1] in self.facts:
                    if name.parts[1] not in facts:
                        facts[name.parts[1]] = set()  # a cycle is refused at load; this only stops a walk
                        facts[name.parts[1]] = self.names_read(self.facts[name.parts[1]], facts)
                    out |= facts[name.parts[1]]
        return out

    def may_be_bound(self, tree: Node) -> bool:
        """Whether a value of ``tree`` may be a lower bound (it reads a table with ``lower`` rows, or an incomplete
        table of numbers, which ``highest_for`` reads as at least a province's row)."""
        trees = [tree] + [self.facts[name] for name in self.facts_read([tree])]  # facts_read is transitive
        names = [n.func if isinstance(n, Call) else n for t in trees for n in walk(t) if isinstance(n, (Call, Name))]
        return any(n.parts[0] == "table" and self.tables[n.parts[1]].gives_bounds for n in names)

    @cached_property
    def area_tables(self) -> frozenset[str]:
        """The tables ``highest_for`` reads (tables of minimum wages by area): no regency's row in one is below
        its province's, so a row one that is incomplete does not list is at least its province's."""
        trees = [*self.facts.values(), *(c.tree for c in self.rules)]
        return frozenset(a.parts[1] for t in trees for n in walk(t) if isinstance(n, Call) and n.func.dotted ==
                         "highest_for" for a in n.args[1:2] if isinstance(a, Name) and a.parts[0] == "table")

    def member_reads(self, tree: Node, _facts: dict[str, list[str]] | None = None) -> list[str]:
        """Member fields an expression reads, directly or through facts (each fact read once: a
        chain of facts that each use the one before twice stays linear)."""
        facts = {} if _facts is None else _facts
        out: list[str] = []
        for n in walk(tree):
            if isinstance(n, Name):
                if n.parts[0] == "member":
                    names = [n.dotted]
                elif n.parts[0] == "fact" and n.parts[1] in self.facts:
                    if n.parts[1] not in facts:
                        facts[n.parts[1]] = self.member_reads(self.facts[n.parts[1]], facts)
                    names = facts[n.parts[1]]
                else:
                    names = []
                out += [x for x in names if x not in out]
        return out


def _next_day(day: date) -> date | None:
    """The day after ``day``; None after the last day of the calendar (``until: 9999-12-31``: no end)."""
    return day + timedelta(days=1) if day < date.max else None
