"""Warnings for a rule file that loads but is probably not what its author meant.

Each finding has a stable code, the narrowest location known and, where one applies, the rule id:

- ``unused``: a parameter, table or fact that nothing reads.
- ``missing-source``: a rule with ``basis: regulation`` and no ``source``; a table row with an empty
  ``source`` cell (where the table has that column).
- ``unknown-source``: a rule source whose first part is not a key of ``legal_basis``, or another
  source (a parameter's, the benefit's, ``in_force``'s, the channel's) starting with a mistyped key.
- ``empty-window`` (an error): an ``in_force`` window whose ``from`` is after its ``until``.
- ``window-outside``: a rule in force (partly) outside the edition's window.
- ``value-outside``: a dated parameter value that is never read: dated after the edition ends, or
  replaced by a later value before the edition starts.
- ``data-date``: a month read in one call with ``as_of`` (the cut-off month of
  ``arrears_streak(member.contributions, param.cutoff_month, as_of, ...)``, whose last day
  ``as_of`` is) with a value in another month than ``as_of``: the data are still read as at
  ``as_of`` (``impact --set cutoff_month=...`` warns of the same).
- ``overlapping-editions`` (``overlapping``, over rule files checked together): two editions in
  force on the same day, so a decision dated then could be made under either; editions that end on
  the same day (revoked together by one act) run alongside by design.
- ``gapped-parameter``: a dated parameter with no value (null, or before its first date) on days
  inside the edition while a rule that reads it, directly or through facts, is in force.
- ``never-fires`` / ``always-fires``: a condition that does not depend on the member enough to
  matter (constant folding, see ``folding.py``): a ``require`` that is never false or never true,
  an ``exclude``/``flag``/``prioritize`` that is never true or never false (whenever its data is known).
- ``invalid-argument`` / ``division-by-zero`` (errors): a constant argument outside a function's
  domain (a due day of 32), a divisor that is always 0 (the division would be unknown for everyone).
- ``literal-too-large`` (an error): a sum, product or negation of constants past what every
  evaluator computes with exactly (``9223372036854775807 + 1``), as a literal past it is.
- ``type-mismatch`` (an error): values of different units (a parameter's ``unit``, or the unit of
  a catalogue function's result such as ``arrears_streak``: months) compared, added or subtracted.
- ``unmatchable-key``: a table key that no lookup of the table can produce. A lookup key's shape
  is derived from the expression: a member field's pattern or codes in the data contract
  (``work_regency_code``: 4 digits, ``employer.sector``: A-U), a text literal, ``province(...)``
  (2 digits), and ``if``/``coalesce`` of those. Tables looked up with anything else are not checked.
- ``unknown-value``: a text value of a parameter compared (``in``, ``==``, ``!=``) with what can be a
  table's value (``fact.bank in param.state_banks``, ``fact.bank`` a ``table.banks.get(...)``) that is
  none of that table's values (``MANDRI``, ``bri``): it never matches a value looked up there.
- ``stale-title``: a criterion's title stating an amount or a date the rule set does not hold
  (``stale.py``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from bsu_rules.catalogue.calendar import month_end
from bsu_rules.errors import Code
from bsu_rules.members.model import hide_identifiers
from bsu_rules.ruleset.checker import PLACEHOLDER
from bsu_rules.ruleset.diagnostics import Diagnostic, Severity, nearest
from bsu_rules.ruleset.expressions import Binary, BoolOp, Call, Cond, Name, Node, Unary, unparse, walk
from bsu_rules.ruleset.folding import Const, Folder, Shape, truth
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.schema import UNIT_WORDS, Basis, Kind, RuleFile, Window
from bsu_rules.ruleset.stale import stale_titles
from bsu_rules.ruleset.types import MONTH, too_wide

Where = tuple[str | int, ...]
CODES = ("invalid-argument", "division-by-zero", "type-mismatch", "unused", "missing-source", "unknown-source",
         "empty-window", "window-outside", "value-outside", "data-date", "gapped-parameter", "never-fires",
         "always-fires", "unmatchable-key", "stale-title", "unknown-value")
_ACTS = {Kind.REQUIRE: "fails", Kind.EXCLUDE: "excludes", Kind.FLAG: "flags", Kind.PRIORITIZE: "prioritises"}


def lint(rs: RuleSet) -> list[Diagnostic]:
    """Every warning for a rule set that passed the checker."""
    linter = _Lint(rs)
    for step in (linter.unused, linter.sources, linter.windows, linter.parameters, linter.data_date,
                 linter.constants, linter.keys, linter.table_values, linter.arguments, linter.units):
        step()
    stale_titles(rs, linter.warn)
    return linter.out


def _open(w: Window) -> tuple[date, date]:
    return w.from_ or date.min, w.until or date.max


class _Lint:
    def __init__(self, rs: RuleSet) -> None:
        self.rs, self.loc, self.out = rs, rs.located, list[Diagnostic]()
        self.edition = rs.model.in_force
        self._fact_reads: dict[str, set[str]] = {}
        self._fact_units: dict[str, str | None] = {}
        self.reads = [self._closure(c.tree) | self._placeholders(i) for i, c in enumerate(rs.rules)]

    def warn(self, at: Where, code: str, message: str, rule: str | None = None, *, key: bool = False,
             offset: int | None = None, severity: Severity = Severity.WARNING, suggestion: str | None = None) -> None:
        line, col = self.loc.at(at, key=key) if offset is None else self.loc.expression_at(at, offset)
        self.out.append(Diagnostic(self.loc.file, line, col, code, message, severity, rule, suggestion=suggestion))

    def _closure(self, tree: Node) -> set[str]:
        """``kind.name`` of everything a tree reads, through facts."""
        return self.rs.names_read(tree, self._fact_reads)

    def _fact(self, name: str) -> set[str]:
        return self.rs.names_read(self.rs.facts[name], self._fact_reads)

    def _placeholders(self, index: int) -> set[str]:
        explain = self.rs.rules[index].rule.explain
        out: set[str] = set()
        for text in (explain.id, explain.en) if explain else ():
            for match in PLACEHOLDER.finditer(text):
                name = ".".join(match.group(1).split(".")[:2])
                out.add(name)
                if name.startswith("fact.") and name[5:] in self.rs.facts:
                    out |= self._fact(name[5:])
        return out

    def unused(self) -> None:
        used = set().union(*self.reads) if self.reads else set()
        used |= {n for t in self.rs.facts.values() for n in self._closure(t)}
        used |= self._closure(self.rs.channel) if self.rs.channel else set()
        model = self.rs.model
        for kind, section, names in (("param", "parameters", model.parameters), ("table", "tables", model.tables),
                                     ("fact", "facts", model.facts)):
            for name in names:
                if f"{kind}.{name}" not in used:
                    self.warn((section, name), "unused", f"`{kind}.{name}` is never used", key=True)

    def sources(self) -> None:
        for i, checked in enumerate(self.rs.rules):
            rule = checked.rule
            if rule.basis == Basis.REGULATION and not rule.source:
                self.warn(("rules", i), "missing-source", "a rule whose basis is `regulation` needs a `source` "
                          "citing the article (or set `basis: policy` / `interpretation`)", rule.id)
            for at, source in ((("rules", i, "source"), rule.source), (("rules", i, "in_force", "source"),
                                                                        rule.in_force.source)):
                key = (source or "").split(",")[0].strip()
                if source and self.rs.model.legal_basis and key not in self.rs.model.legal_basis:
                    self.warn(at, "unknown-source", f"`{key}` is not a key of `legal_basis`", rule.id,
                              suggestion=nearest(key, self.rs.model.legal_basis))
        model = self.rs.model  # elsewhere a source may be free text: only a key mistyped is told
        others: list[tuple[Where, str | None]] = [(("parameters", n, "source"), p.source)
                                                  for n, p in model.parameters.items()]
        others += [(("in_force", "source"), model.in_force.source), (("benefit", "source"), model.benefit.source)]
        others += [(("channel", "source"), model.channel.source)] if model.channel else []
        for where, source in others:
            key = re.split(r"[\s,;(]", source or "", maxsplit=1)[0]
            if key and key not in model.legal_basis and (near := nearest(key, model.legal_basis)) is not None:
                self.warn(where, "unknown-source", f"`{key}` is not a key of `legal_basis`", suggestion=near)

        for name, table in sorted(self.rs.tables.items()):
            file = self.rs.path.parent / table.ref.file
            keys = dict(_cells(file, table.ref.key))
            for line, (source, col) in _cells(file, "source"):
                if not source:
                    key = hide_identifiers(keys.get(line, ("", 0))[0][:40])
                    self.out.append(Diagnostic(str(file), line, col, "missing-source", f"row `{key}` of "
                                               f"`table.{name}` has an empty `source`: say where its figure comes "
                                               "from (the regulation, or the published list)", Severity.WARNING))

    def windows(self) -> None:
        ed = self.edition
        if ed.from_ and ed.until and ed.from_ > ed.until:
            self.warn(("in_force", "until"), "empty-window", f"the edition starts on {ed.from_}, after it ends "
                      f"on {ed.until}", severity=Severity.ERROR)
            return
        if ed.source:
            self.warn(("in_force", "source"), "unused", "an edition's `in_force` cites nothing: a `source` there is "
                      "never shown (a rule's `in_force: {until: …, source: …}` is cited on a day outside it)")
        for i, rule in enumerate(self.rs.model.rules):
            w, at = rule.in_force, ("rules", i, "in_force")
            if w.from_ and w.until and w.from_ > w.until:
                self.warn((*at, "until"), "empty-window", f"`from` {w.from_} is after `until` {w.until}: the "
                          "rule is never in force", rule.id, severity=Severity.ERROR)
            elif ed.from_ and w.until and w.until < ed.from_:
                self.warn((*at, "until"), "window-outside", f"in force until {w.until}, before the edition "
                          f"starts on {ed.from_}: the rule never applies", rule.id)
            elif ed.until and w.from_ and w.from_ > ed.until:
                self.warn((*at, "from"), "window-outside", f"in force from {w.from_}, after the edition ends "
                          f"on {ed.until}: the rule never applies", rule.id)
            else:
                if ed.from_ and w.from_ and w.from_ < ed.from_:
                    self.warn((*at, "from"), "window-outside", f"in force from {w.from_}, before the edition "
                              f"starts on {ed.from_}; write {ed.from_} or leave `from` out", rule.id)
                if ed.until and w.until and w.until > ed.until:
                    self.warn((*at, "until"), "window-outside", f"in force until {w.until}, after the edition "
                              f"ends on {ed.until}; write {ed.until} or leave `until` out", rule.id)

    def parameters(self) -> None:
        ed, (start, end) = self.edition, _open(self.edition)
        for name, param in self.rs.model.parameters.items():
            if param.values is None:
                continue
            days = sorted(param.values)
            at = _value_at(name)
            for d, why in unread_values(ed, days).items():
                self.warn(at(d), "value-outside", f"`param.{name}` value dated {d} is never read: {why}", key=True)
            gaps = [(date.min, days[0] - timedelta(days=1), days[0])]
            gaps += [(d, days[j + 1] - timedelta(days=1) if j + 1 < len(days) else date.max, d)
                     for j, d in enumerate(days) if param.values[d] is None]
            for low, high, key in gaps:
                low, high = max(low, start), min(high, end)
                if low > high:
                    continue
                readers = [c.rule.id for c, reads in zip(self.rs.rules, self.reads, strict=True)
                           if f"param.{name}" in reads and _overlaps(c.rule.in_force, low, high)]
                if self.rs.channel is not None and f"param.{name}" in self._closure(self.rs.channel):
                    readers.append("channel")
                if readers:
                    span = f"before {high + timedelta(days=1)}" if low == date.min else \
                        f"from {low} onwards" if high == date.max else f"from {low} until {high}"
                    who = ", ".join(f"`{r}`" for r in readers)
                    self.warn(at(key), "gapped-parameter", f"`param.{name}` has no value {span}, while {who} "
                              f"{'read it and are' if len(readers) > 1 else 'reads it and is'} in force",
                              readers[0] if readers[0] != "channel" else None, key=True)

    def data_date(self) -> None:
        for name, day, value in data_date_moved(self.rs):
            at = _value_at(name)(day) if day else ("parameters", name, "value")
            self.warn(at, "data-date", f"{data_date_text(name, value, self.rs.model.as_of)}; to read them as at "
                      f"the end of {value}, set `as_of: {month_end(str(value))}`", key=day is not None)

    def constants(self) -> None:
        folder = Folder(self.rs)
        for i, checked in enumerate(self.rs.rules):
            rule, seen = checked.rule, truth(folder.fold(checked.tree))
            acting = rule.kind is not Kind.REQUIRE  # the truth value that makes the rule act
            at: Where = ("rules", i, rule.kind.value)
            if acting not in seen:
                code, text = "never-fires", f"this rule never {_ACTS[rule.kind]} anyone"
            elif (not acting) not in seen:
                code, text = "always-fires", f"this rule {_ACTS[rule.kind]} every member whose data is known"
            else:
                continue
            node = next((n for n in walk(checked.tree) if not isinstance(n, BoolOp | Cond)
                         and not (isinstance(n, Unary) and n.op == "not") and n.type is not None
                         and n.type.name == "bool" and len(truth(folder.fold(n)) - {None}) < 2), checked.tree)
            values = truth(folder.fold(node))
            known_values = [str(v).lower() for v in (True, False) if v in values]
            always = f"always {known_values[0]}" if known_values else "never known"
            known = " whenever it is known" if None in values and values - {None} else ""
            part = rule.condition[node.start:node.end]
            self.warn(at, code, f"{text}: `{part}` is {always}{known}", rule.id, offset=node.start)

    def units(self) -> None:
        """Two values of different declared units compared, added or subtracted (a count of days
        with a count of months): an error. A unit comes from a parameter's `unit`, the result of a
        catalogue function that has one, and what is built only from values of that one unit."""
        for at, tree, rule in self._trees():
            for n in walk(tree):
                if not isinstance(n, Binary) or n.op not in ("<", "<=", ">", ">=", "==", "!=", "+", "-"):
                    continue
                left, right = self._unit(n.left), self._unit(n.right)
                if left is not None and right is not None and left != right:
                    self.warn(at, "type-mismatch", f"`{unparse(n.left)}` is {UNIT_WORDS[left]} and "
                              f"`{unparse(n.right)}` {UNIT_WORDS[right]}: `{n.op}` needs values of one unit "
                              "(check the `unit` of the parameter)", rule, offset=n.start, severity=Severity.ERROR)

    def _unit(self, node: Node) -> str | None:
        if isinstance(node, Name) and node.parts[0] == "param" and len(node.parts) == 2:
            param = self.rs.model.parameters.get(node.parts[1])
            return param.unit if param is not None else None
        if isinstance(node, Name) and node.parts[0] == "fact" and len(node.parts) == 2:
            name = node.parts[1]
            if name not in self._fact_units:  # once per fact: a chain of facts stays linear
                fact = self.rs.facts.get(name)
                self._fact_units[name] = self._unit(fact) if fact is not None else None
            return self._fact_units[name]
        if isinstance(node, Call) and node.func.dotted in _RESULT_UNITS:
            return _RESULT_UNITS[node.func.dotted]
        parts: list[Node] = []
        if isinstance(node, Call) and node.func.dotted in ("min", "max", "coalesce"):
            parts = node.args
        elif isinstance(node, Call) and node.func.dotted == "round_up":
            parts = node.args[:1]
        elif isinstance(node, Cond):
            parts = [node.then, node.other]
        elif isinstance(node, Unary) and node.op == "neg":
            parts = [node.operand]
        elif isinstance(node, Binary) and node.op in ("+", "-"):
            parts = [node.left, node.right]
        units = {self._unit(p) for p in parts}
        return units.pop() if len(units) == 1 else None  # no part, or parts of different or unknown units

    def _trees(self) -> list[tuple[Where, Node, str | None]]:
        return self.trees(self.rs)

    @staticmethod
    def trees(rs: RuleSet) -> list[tuple[Where, Node, str | None]]:
        """Every expression: where it is written, its tree, and its rule's id (None outside rules)."""
        trees: list[tuple[Where, Node, str | None]] = [(("rules", i, c.rule.kind.value), c.tree, c.rule.id)
                                                       for i, c in enumerate(rs.rules)]
        trees += [(("facts", name), tree, None) for name, tree in rs.facts.items()]
        return trees + ([(("channel", "expression"), rs.channel, None)] if rs.channel else [])

    def arguments(self) -> None:
        """Constant arguments outside a function's domain, and constant zero divisors: an error here,
        not an unknown (or a failure) for every member."""
        domains = {("arrears_streak", 3): (1, 31, "a due day is 1-31"),
                   ("round_up", 1): (1, None, "a step is positive")}
        folder = Folder(self.rs)
        for at, tree, _ in self._trees():
            for n in walk(tree):
                if isinstance(n, Binary | Unary) and n.op != "not" and isinstance(v := folder.fold(n), Const) \
                        and (wide := too_wide(v.value)) is not None:  # every evaluator would not compute it alike
                    self.warn(at, "literal-too-large", f"`{unparse(n)}` {wide.split(' ', 1)[1]}",
                              offset=n.start, severity=Severity.ERROR)
                if isinstance(n, Binary) and n.op == "//" and folder.fold(n.right) == Const(0):
                    divisor = unparse(n.right)
                    fix = f"give `{divisor}` a value other than 0" if isinstance(n.right, Name) else \
                        "divide by a number other than 0"
                    self.warn(at, "division-by-zero", f"`{divisor}` is always 0, so this division is unknown "
                              f"for every member; {fix}", offset=n.right.start, severity=Severity.ERROR)
                if not isinstance(n, Call):
                    continue
                for i, arg in enumerate(n.args):
                    domain = domains.get((n.func.dotted, i))
                    if domain is None:
                        continue
                    low, high, text = domain
                    for value in self._values(folder, arg):
                        if isinstance(value, int) and (value < low or (high is not None and value > high)):
                            self.warn(at, "invalid-argument", f"`{n.func.dotted}`: {text}, got {value}",
                                      offset=arg.start, severity=Severity.ERROR)
                            break

    def table_values(self) -> None:
        """A parameter's text compared with what can be a table's value, which none of its values is."""
        seen: set[tuple[Where, str]] = set()
        for _, tree, rule in self._trees():
            for n in walk(tree):
                if not isinstance(n, Binary) or n.op not in ("in", "not in", "==", "!="):
                    continue
                sides = [(n.right, n.left)] + ([(n.left, n.right)] if n.op in ("==", "!=") else [])
                for param, other in sides:
                    if isinstance(param, Name) and param.parts[0] == "param" and len(param.parts) == 2:
                        for table in sorted(self._yields(other)):
                            self._table_value(param.parts[1], table, f"{unparse(n.left)} {n.op} {unparse(n.right)}",
                                             rule, seen)

    def _table_value(self, name: str, table: str, compared: str, rule: str | None,
                     seen: set[tuple[Where, str]]) -> None:
        """Warn of each text of parameter ``name`` that is none of ``table``'s values (``compared``: where)."""
        param, values = self.rs.model.parameters.get(name), self.rs.tables[table].values
        if param is None or values is None or self.rs.tables[table].ref.value is None:
            return
        known = {v for v in values.values() if isinstance(v, str)}
        dated = [(("parameters", name, "value"), param.value)] if param.values is None else \
            [(_value_at(name)(d), v) for d, v in param.values.items()]
        for at, value in dated:
            items = [((*at, i), v) for i, v in enumerate(value)] if isinstance(value, list) else [(at, value)]
            for where, text in items:
                if isinstance(text, str) and text not in known and (where, table) not in seen:
                    seen.add((where, table))
                    self.warn(where, Code.UNKNOWN_VALUE, f"`{hide_identifiers(text[:40])}` of `param.{name}` is none "
                              f"of the values of `table.{table}` (its column `{self.rs.tables[table].ref.value}`), "
                              f"which `{compared}` compares it with: it never matches a value looked up there",
                              rule, suggestion=nearest(text, known))

    def _yields(self, node: Node) -> set[str]:
        """The tables whose value ``node`` can be (``table.banks.get(...)``, and ``if``, ``coalesce`` and
        facts of those)."""
        if isinstance(node, Call) and node.func.parts[0] == "table" and len(node.func.parts) == 3:
            return {node.func.parts[1]} | self._yields(node.args[1]) if len(node.args) == 2 else set()
        if isinstance(node, Name) and node.parts[0] == "fact" and len(node.parts) == 2 and \
                (fact := self.rs.facts.get(node.parts[1])) is not None:
            return self._yields(fact)
        parts = [node.then, node.other] if isinstance(node, Cond) else \
            node.args if isinstance(node, Call) and node.func.dotted == "coalesce" else []
        return set().union(*(self._yields(p) for p in parts))

    def _values(self, folder: Folder, arg: Node) -> list[Any]:
        """The values a constant argument takes: its folded value, or each dated value of a parameter."""
        value = folder.fold(arg)
        if isinstance(value, Const):
            return [value.value]
        if isinstance(arg, Name) and arg.parts[0] == "param" and len(arg.parts) == 2:
            param = self.rs.model.parameters.get(arg.parts[1])
            if param is not None and param.values is not None:
                return [v for v in param.values.values() if v is not None]
        return []

    def keys(self) -> None:
        trees = [c.tree for c in self.rs.rules] + list(self.rs.facts.values())
        trees += [self.rs.channel] if self.rs.channel else []
        lookups: dict[str, list[tuple[str, Shape | None]]] = {}
        folder = Folder(self.rs)
        for tree in trees:
            for n in walk(tree):
                if isinstance(n, Call) and n.func.parts[0] == "table":
                    used, looked = n.func.parts[1], n.args[0]
                elif isinstance(n, Binary) and n.op in ("in", "not in") and isinstance(n.right, Name) \
                        and n.right.parts[0] == "table":
                    used, looked = n.right.parts[1], n.left
                else:
                    continue
                lookups.setdefault(used, []).append((unparse(looked), folder.key_shape(looked)))
        for name, found in sorted(lookups.items()):
            shapes = [s for _, s in found]
            table = self.rs.tables.get(name)
            if table is None or any(s is None for s in shapes):
                continue
            rows = _key_positions(self.rs.path.parent / table.ref.file, table.ref.key)
            how = "; ".join(f"{text} ({', '.join(d for d, _ in s or [])})" for text, s in dict(found).items())
            rule = next((c.rule.id for c, r in zip(self.rs.rules, self.reads, strict=True) if f"table.{name}" in r),
                        None)
            for key in sorted(table.keys):
                if not any(test(key) for s in shapes for _, test in s or []):
                    line, col = rows.get(key, self.loc.at(("tables", name, "file")))
                    file = str(self.rs.path.parent / table.ref.file) if key in rows else self.loc.file
                    self.out.append(Diagnostic(file, line, col, "unmatchable-key", f"key `{key}` of `table.{name}` "
                                               f"can never match: the table is looked up with {how}",
                                               Severity.WARNING, rule))


_RESULT_UNITS = {"arrears_streak": "months", "last_wage": "IDR"}
"""The unit of the catalogue functions whose result has one (a count of months, an amount)."""


def data_date_moved(rs: RuleSet, model: RuleFile | None = None) -> list[tuple[str, date | None, Any]]:
    """Each value (name, its date or None, value) of a month parameter read in one call with
    ``as_of`` (the cut-off month, whose last day ``as_of`` is) that lies in another month than
    ``as_of``; of ``model`` (a reform's) when given, else of the rule file."""
    model = model or rs.model
    month = f"{model.as_of:%Y-%m}"
    names: set[str] = set()
    for _, tree, _ in _Lint.trees(rs):
        for n in walk(tree):
            if isinstance(n, Call) and any(isinstance(a, Name) and a.parts == ("as_of",) for a in n.args):
                names |= {a.parts[1] for a in n.args if isinstance(a, Name) and a.parts[0] == "param"
                          and len(a.parts) == 2 and rs.param_types.get(a.parts[1]) == MONTH}
    out: list[tuple[str, date | None, Any]] = []
    for name in sorted(names):
        param = model.parameters[name]
        values: list[tuple[date | None, Any]] = [(None, param.value)] if param.values is None else \
            list(param.values.items())
        out += [(name, d, v) for d, v in values if v is not None and str(v) != month]
    return out


def data_date_text(name: str, value: Any, as_of: date) -> str:
    """What a cut-off month moved away from ``as_of`` means (``check`` and ``impact --set`` say it alike)."""
    return (f"`param.{name}` is {value}, a month the rule file ties to its data date, but as_of stays {as_of}: "
            "the data are still read as at that day (payments made by then count)")


def unread_values(edition: Window, days: list[date]) -> dict[date, str]:
    """The dates of a parameter's dated values (``days``, sorted) whose value is never read inside
    the edition's window, each with why: dated after the edition ends, or replaced before it starts."""
    start, end = _open(edition)
    at_start = max((d for d in days if d <= start), default=None)
    out = {}
    for j, d in enumerate(days):
        if d > end:
            out[d] = f"the edition ends on {edition.until}"
        elif edition.from_ and d < edition.from_ and d != at_start:
            out[d] = f"it is replaced on {days[j + 1]}, before the edition starts on {edition.from_}"
    return out


def _value_at(name: str) -> Callable[[date], Where]:
    return lambda d: ("parameters", name, "values", d.isoformat())


def _overlaps(w: Window, low: date, high: date) -> bool:
    start, end = _open(w)
    return start <= high and low <= end


def _key_positions(path: Any, column: str) -> dict[str, tuple[int, int]]:
    """Line and column of each key in a CSV file (empty when it cannot be read)."""
    out = dict[str, tuple[int, int]]()
    for line, (key, col) in _cells(path, column):
        out.setdefault(key, (line, col))
    return out


def _cells(path: Any, column: str) -> list[tuple[int, tuple[str, int]]]:
    """(line, (stripped text, column)) of each cell of ``column`` in a CSV file (none when it cannot
    be read or has no such column)."""
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, [])
        if column not in header:
            return []
        index, out = header.index(column), list[tuple[int, tuple[str, int]]]()
        for row in reader:
            if len(row) > index:
                before = ",".join(row[:index])
                raw = lines[reader.line_num - 1] if reader.line_num <= len(lines) else ""
                col = len(before) + 2 if index and raw.startswith(before + ",") else 1
                out.append((reader.line_num, (row[index].strip(), col)))
    except csv.Error:
        return []
    return out
