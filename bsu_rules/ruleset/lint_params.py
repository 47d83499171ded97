"""Lint's warnings about parameters and tables (``unused``, ``value-outside``, ``gapped-parameter``,
``data-date``, ``unmatchable-key``, ``unknown-value``; see ``lint``), and the reading of a rule set
they share with the warnings about rules: what each rule reads, where a finding is written.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bsu_rules.catalogue.areas import PROVINCE_ONLY
from bsu_rules.catalogue.calendar import month_end
from bsu_rules.errors import Code
from bsu_rules.members.redact import hide_identifiers, printable
from bsu_rules.regencies import REGENCIES
from bsu_rules.ruleset.checker import PLACEHOLDER
from bsu_rules.ruleset.diagnostics import Diagnostic, Severity, nearest
from bsu_rules.ruleset.expressions import Binary, Call, Cond, ListLit, Lit, Name, Node, unparse, walk
from bsu_rules.ruleset.folding import Const, Folder, Shape, truth
from bsu_rules.ruleset.lint_places import KNOWN, places_of, unknown_code
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.schema import RuleFile, Window
from bsu_rules.ruleset.tables import name_column, table_cells
from bsu_rules.ruleset.types import MONTH
from bsu_rules.ruleset.units import Units

Where = tuple[str | int, ...]


def _open(w: Window) -> tuple[date, date]:
    return w.from_ or date.min, w.until or date.max


class ParamLint:
    """A rule set being linted, and its warnings about parameters and tables (``lint._Lint`` adds the rest)."""

    def __init__(self, rs: RuleSet) -> None:
        self.rs, self.loc, self.out = rs, rs.located, list[Diagnostic]()
        self.edition = rs.model.in_force
        self._fact_reads: dict[str, set[str]] = {}
        self.units_of = Units(rs.model.parameters, rs.facts)
        self.reads = [self._closure(c.tree) | self._placeholders(i) | set().union(*map(self._closure, c.shown))
                      for i, c in enumerate(rs.rules)]  # what a criterion reads, explains or shows

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

    def parameters(self) -> None:
        ed, (start, end) = self.edition, _open(self.edition)
        for name, param in self.rs.model.parameters.items():
            if param.values is None:
                continue
            days = sorted(param.values)
            at = _value_at(name)
            for d, why in unread_values(ed, days).items():
                self.warn(at(d), "value-outside", f"`param.{name}` value dated {d} is never read: {why}", key=True)
            gaps = [(date.min, days[0] - timedelta(days=1), days[0])] if days[0] > date.min else []
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
            as_of = self.rs.model.as_of
            self.warn(at, "data-date", f"{data_date_text(name, value, as_of, 'is')}; if the month is the one meant, "
                      f"set `as_of: {month_end(str(value))}` (its last day); if as_of is, set the month to "
                      f"{as_of.isoformat()[:7]}", key=day is not None)

    def _trees(self) -> list[tuple[Where, Node, str | None]]:
        return self.trees(self.rs)

    @staticmethod
    def trees(rs: RuleSet) -> list[tuple[Where, Node, str | None]]:
        """Every expression: where it is written, its tree, and its rule's id (None outside rules)."""
        trees: list[tuple[Where, Node, str | None]] = [(("rules", i, c.rule.kind.value), c.tree, c.rule.id)
                                                       for i, c in enumerate(rs.rules)]
        trees += [(("facts", name), tree, None) for name, tree in rs.facts.items()]
        return trees + ([(("channel", "expression"), rs.channel, None)] if rs.channel else [])

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
        return table_yields(self.rs, node)

    def keys(self) -> None:
        lookups: dict[str, list[tuple[str, Shape | None]]] = {}
        folder = Folder(self.rs)
        for at, tree, rule_id in self._trees():
            said = at[0] == "rules" and truth(folder.fold(tree)) == {None}  # as never known, by ``constants``
            for n in walk(tree):
                if isinstance(n, Call) and n.func.parts[0] == "table":
                    used, looked = n.func.parts[1], n.args[0]
                elif isinstance(n, Binary) and n.op in ("in", "not in") and isinstance(n.right, Name) \
                        and n.right.parts[0] == "table":
                    used, looked = n.right.parts[1], n.left
                else:
                    continue
                if not isinstance(looked, Lit) and folder.fold(looked) == Const(None):  # the key, not the rows
                    if not said:
                        self.warn(at, "unmatchable-key", f"`{unparse(looked)}` is never known: this lookup of "
                                  f"`table.{used}` never finds a row, for any member", rule_id, offset=looked.start)
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
            told, nowhere = [], []
            by_code, places = None, dict[str, str]()  # looked up with regency codes: asked of a key of four digits
            names = dict(table_cells(self.rs.path.parent / table.ref.file, name_column(table.ref.key) or ""))
            for key in sorted(table.keys):
                if _province_only(key) and any(test(key[:2]) for s in shapes for _, test in s or []):
                    told.append(self._province_only_row(name, key, rule, rows, names))
                    continue
                if not any(test(key) for s in shapes for _, test in s or []):
                    line, col = rows.get(key, self.loc.at(("tables", name, "file")))
                    file = str(self.rs.path.parent / table.ref.file) if key in rows else self.loc.file
                    if by_code is None and len(key) == 4 and key.isdigit():
                        by_code = any(test(c) for s in shapes for _, test in s or [] for c in KNOWN)
                        places = dict(places_of(self.rs) or {})
                    place = names.get(line, ("", 0))[0] if key in rows else ""
                    if by_code and (why := unknown_code(key, place, places)) is not None:
                        nowhere.append(Diagnostic(file, line, col, "unmatchable-key", f"key `{key}` of "
                                                  f"`table.{name}` {why[0]}", Severity.ERROR, rule, why[1]))
                        continue
                    whole = re.sub(r"[.,]0+$", "", key.strip())  # `3204.0`: a spreadsheet's number
                    meant = whole if whole != key and any(test(whole) for s in shapes for _, test in s or []) else None
                    told.append(Diagnostic(file, line, col, "unmatchable-key", f"key `{key}` of `table.{name}` "
                                           f"can never match{_foreign(key)}: the table is looked up with {how}"
                                           + (" (a spreadsheet may have written it as a number: format the column "
                                              "as text)" if meant else ""), Severity.WARNING, rule, meant))
            self.rows_told(name, nowhere, "name no place either")
            self.rows_told(name, told, "can never match either")

    def codes(self) -> None:
        """A text compared with a code (``==``, ``!=``, ``in [...]``) that the code can never be: not of its shape
        (``province(member.work_regency_code) == "1"``, a province code being two digits), or four digits that
        name no regency or city of Kemendagri (``member.work_regency_code == "3299"``). The comparison is then
        the same for every member, so a channel or a criterion written with it never does what it says. An empty
        text is not told: ``member.kpj != ""`` asks whether a value was written at all."""
        folder, places = Folder(self.rs), dict[str, str]()
        for at, tree, rule in self._trees():
            for n in walk(tree):
                if not isinstance(n, Binary) or n.op not in ("in", "not in", "==", "!="):
                    continue
                sides = ([(n.left, n.right.items)] if isinstance(n.right, ListLit) else []) \
                    if n.op in ("in", "not in") else [(n.left, [n.right]), (n.right, [n.left])]
                for coded, items in sides:
                    texts = [i for i in items if isinstance(i, Lit) and isinstance(i.value, str) and i.value]
                    if not texts or isinstance(coded, Lit) or (shape := folder.key_shape(coded)) is None:
                        continue
                    for lit in texts:
                        if not any(test(str(lit.value)) for _, test in shape):
                            places = places or dict(places_of(self.rs) or {})
                            self._code_compared(at, rule, n, coded, lit, shape, places)
                        elif (meant := _no_province(str(lit.value), shape)) is not None:
                            self.warn(at, Code.UNKNOWN_VALUE, f'"{lit.value}", compared with `{unparse(coded)}`, names '
                                      "no province in Kemendagri's list of codes (11 to 96): no record carries it, so "
                                      "the comparison never holds" + (f"; the closest are {', '.join(meant)}" * bool(
                                          meant)), rule, offset=lit.start, severity=Severity.ERROR,
                                      suggestion=meant[0] if meant else None)

    def _code_compared(self, at: Where, rule: str | None, n: Binary, coded: Node, lit: Lit, shape: Shape,
                       places: dict[str, str]) -> None:
        """``codes`` of one text ``lit`` compared with ``coded``, which ``shape`` says it can never be: four digits
        naming no place where ``coded`` is a regency code (the codes meant suggested), else of another shape."""
        text = str(lit.value)
        regency = any(test(c) for _, test in shape for c in KNOWN)
        if regency and (why := unknown_code(text, "", places)) is not None:
            self.warn(at, Code.UNKNOWN_VALUE, f'"{text}", compared with `{unparse(coded)}`, '
                      f"{why[0].replace('the row never applies', 'the comparison never holds')}",
                      rule, offset=lit.start, severity=Severity.ERROR, suggestion=why[1])
        else:
            compared = f"{unparse(n.left)} {n.op} {unparse(n.right)}"
            self.warn(at, Code.UNKNOWN_VALUE, f'"{printable(text)}" is never a value of `{unparse(coded)}` '
                      f"({'; '.join(d for d, _ in shape)}): `{compared}` is the same for every member", rule,
                      offset=lit.start, severity=Severity.ERROR)

    def _province_only_row(self, table: str, key: str, rule: str | None, rows: dict[str, tuple[int, int]],
                           names: dict[int, tuple[str, int]]) -> Diagnostic:
        """A row keyed by a province's code and ``00`` (``3100``) in a table also looked up by the province's own
        code (``31``): a record of a regency of the province reads the province's row, never this one (DKI
        Jakarta's UMP keyed ``3100`` left every Jakarta worker under the national ceiling)."""
        line, col = rows.get(key, self.loc.at(("tables", table, "file")))
        file = str(self.rs.path.parent / self.rs.tables[table].ref.file) if key in rows else self.loc.file
        place = hide_identifiers(names.get(line, ("", 0))[0][:80]) if key in rows else ""
        keys, province = self.rs.tables[table].keys, key[:2]
        lacks = "" if province in keys else ", which the table lacks"
        return Diagnostic(file, line, col, "unmatchable-key", f"key `{key}` of `table.{table}` is a province's code "
                          f"and 00 ({place + ' ' if place else ''}without a regency): a record of a regency of the "
                          f"province with no row of its own reads the province's row, `{province}`{lacks}, never "
                          "this one", Severity.WARNING, rule, None if province in keys else province)

    def rows_told(self, table: str, found: list[Diagnostic], what: str) -> None:
        """A finding about rows of a table, each at its line up to ``ROWS_TOLD`` of them, the rest counted in one
        more at the table's ``file`` (a table of half a million rows exported wrong is not half a million lines)."""
        self.out += found[:ROWS_TOLD]
        if len(found) > ROWS_TOLD:
            line, col = self.loc.at(("tables", table, "file"))
            first = found[0]
            self.out.append(Diagnostic(self.loc.file, line, col, first.code, f"{len(found) - ROWS_TOLD:,} more rows "
                                       f"of `table.{table}` {what} (the first {ROWS_TOLD} are told at their lines)",
                                       first.severity, first.rule))

    def amounts(self) -> None:
        """An amount in rupiah far from the others of its table: a digit too many or too few (``47983120``
        among minimum wages of about 4 800 000 gives a ceiling ten times too high, and passes every other check),
        or 0 (a figure not filled in)."""
        for name, table in sorted(self.rs.tables.items()):
            amounts = {k: v for k, v in (table.values or {}).items() if isinstance(v, Decimal) and v >= 0}
            if table.ref.unit != "IDR" or len([v for v in amounts.values() if v > 0]) < 3:
                continue
            middle = statistics.median(v for v in amounts.values() if v > 0)
            file = self.rs.path.parent / table.ref.file
            cells = {k: at for at, (k, _) in table_cells(file, table.ref.key)}
            columns = dict(table_cells(file, str(table.ref.value)))
            told = []
            for key, value in sorted(amounts.items()):
                if value > middle * _FAR or value * _FAR < middle:
                    line = cells.get(key)
                    col = columns[line][1] if line in columns else 1
                    far = "over five times" if value > middle else "under a fifth of"
                    slip = "a digit too many" if value > middle else "a digit too few" if value else \
                        "a figure not filled in"
                    told.append(Diagnostic(
                        str(file) if line else self.loc.file, line or self.loc.at(("tables", name, "file"))[0], col,
                        Code.UNLIKELY_AMOUNT, f"`{table.ref.value}` of row `{hide_identifiers(key[:40])}` of "
                        f"`table.{name}` is {value}, {far} the table's middle amount ({round(middle)}): {slip}?",
                        Severity.WARNING))
            self.rows_told(name, told, "are that far from it too")

    def floors(self) -> None:
        """A regency's exact amount below its province's row in a table ``highest_for`` reads (a table of
        minimum wages): a regency's is set at or above its province's, which the rule files' reading of a
        record with no regency assumes, so a wage between the two would be decided on a row that cannot be
        right (Kab. Rokan Hulu at 3 370 000 under Riau's 3 508 776)."""
        for name in sorted(self.rs.area_tables):
            table = self.rs.tables[name]
            values = table.values or {}
            below = [(k, v, p) for k, v in sorted(values.items()) if len(k) == 4 and k.isdigit() and
                     not k.endswith("00") and k not in table.bounds and isinstance(v, Decimal) and
                     isinstance(p := values.get(k[:2]), Decimal) and v < p]
            if not below:
                continue
            file = self.rs.path.parent / table.ref.file
            cells = {k: at for at, (k, _) in table_cells(file, table.ref.key)}
            columns = dict(table_cells(file, str(table.ref.value)))
            told = []
            for key, value, province in below:
                line = cells.get(key)
                told.append(Diagnostic(
                    str(file) if line else self.loc.file, line or self.loc.at(("tables", name, "file"))[0],
                    columns[line][1] if line in columns else 1, Code.BELOW_PROVINCE,
                    f"`{table.ref.value}` of row `{key}` of `table.{name}` is {value}, below its province's row "
                    f"`{key[:2]}` ({province}): a regency's minimum wage is set at or above its province's, so one "
                    "of the two rows is probably wrong (a wage between them is decided on the regency's)",
                    Severity.WARNING))
            self.rows_told(name, told, "are below their province's row too")


ROWS_TOLD = 10
"""How many rows of a table one warning is told at, each at its own line."""
_FAR = 5
"""How many times over (or under) the middle amount of its table an amount may be before it looks mistyped."""


def table_yields(rs: RuleSet, node: Node) -> set[str]:
    """The tables whose value ``node`` can be (``table.banks.get(...)``, and ``if``, ``coalesce`` and
    facts of those)."""
    if isinstance(node, Call) and node.func.parts[0] == "table" and len(node.func.parts) == 3:
        return {node.func.parts[1]} | table_yields(rs, node.args[1]) if len(node.args) == 2 else set()
    if isinstance(node, Name) and node.parts[0] == "fact" and len(node.parts) == 2 and \
            (fact := rs.facts.get(node.parts[1])) is not None:
        return table_yields(rs, fact)
    parts = [node.then, node.other] if isinstance(node, Cond) else \
        node.args if isinstance(node, Call) and node.func.dotted == "coalesce" else []
    return set().union(*(table_yields(rs, p) for p in parts))


def partial_comparisons(rs: RuleSet) -> dict[str, list[tuple[str, str]]]:
    """Each parameter an expression orders against a value of a partial table (``fact.regional_minimum >
    param.wage_ceiling``), with each such table and the comparison as written."""
    out: dict[str, list[tuple[str, str]]] = {}
    for _, tree, _ in ParamLint.trees(rs):
        for n in walk(tree):
            if not isinstance(n, Binary) or n.op not in ("<", "<=", ">", ">="):
                continue
            for param, other in ((n.left, n.right), (n.right, n.left)):
                if isinstance(param, Name) and param.parts[0] == "param" and len(param.parts) == 2:
                    for table in sorted(table_yields(rs, other)):
                        if rs.tables[table].ref.partial:
                            compared = (table, f"{unparse(n.left)} {n.op} {unparse(n.right)}")
                            found = out.setdefault(param.parts[1], [])
                            found += [compared] if compared not in found else []
    return out


_PROVINCES = frozenset(REGENCIES)
"""Kemendagri's province codes (11 Aceh to 96 Papua Barat Daya)."""


def _no_province(text: str, shape: Shape) -> list[str] | None:
    """The province codes closest to ``text`` (one digit off), where it is two digits that name no province and
    ``shape`` is a province code's (``province(...)``: two digits, not a KPJ's any number of them); None else."""
    if len(text) != 2 or not text.isdigit() or text in _PROVINCES or \
            not any(test(code) for _, test in shape for code in _PROVINCES) or \
            any(test(other) for _, test in shape for other in ("1", "111", "3273")):  # another field's digits
        return None
    return sorted(c for c in _PROVINCES if sum(a != b for a, b in zip(c, text, strict=True)) == 1)[:3]


def _province_only(key: str) -> bool:
    """A key of four digits naming a province without its regency (``3100``)."""
    return len(key) == 4 and key.isascii() and key.isdigit() and key.endswith(PROVINCE_ONLY)


def _foreign(key: str) -> str:
    """Where a key holds a character that is not ASCII (a dotless ``ı`` that reads as ``1``), that character
    by its code point: it looks like the one meant."""
    odd = next((c for c in key if not c.isascii()), None)
    return "" if odd is None else f" (`{odd}` is U+{ord(odd):04X}, not an ASCII letter or digit)"


def data_date_moved(rs: RuleSet, model: RuleFile | None = None) -> list[tuple[str, date | None, Any]]:
    """Each value (name, its date or None, value) of a month parameter read in one call with
    ``as_of`` (the cut-off month, whose last day ``as_of`` is) whose last day ``as_of`` is not; of
    ``model`` (a reform's) when given, else of the rule file."""
    model = model or rs.model
    names: set[str] = set()
    for _, tree, _ in ParamLint.trees(rs):
        for n in walk(tree):
            if isinstance(n, Call) and any(isinstance(a, Name) and a.parts == ("as_of",) for a in n.args):
                names |= {a.parts[1] for a in n.args if isinstance(a, Name) and a.parts[0] == "param"
                          and len(a.parts) == 2 and rs.param_types.get(a.parts[1]) == MONTH}
    out: list[tuple[str, date | None, Any]] = []
    for name in sorted(names):
        param = model.parameters[name]
        values: list[tuple[date | None, Any]] = [(None, param.value)] if param.values is None else \
            list(param.values.items())
        out += [(name, d, v) for d, v in values if v is not None and month_end(str(v)) != model.as_of]
    return out


def data_date_text(name: str, value: Any, as_of: date, how: str = "stays", lang: str = "en") -> str:
    """What a cut-off month away from ``as_of`` means (``check`` and ``impact --set`` say it alike); ``how``
    as_of is: ``stays`` (the month moved), ``is set to``; in English or (``id``, the two a what-if says)
    Bahasa Indonesia."""
    if lang == "id":
        return (f"`param.{name}` bernilai {value}, bulan yang oleh berkas aturan dikaitkan dengan tanggal datanya, "
                f"tetapi as_of {'tetap' if how == 'stays' else 'diberi nilai'} {as_of}: data "
                f"{'masih ' * (how == 'stays')}dibaca per hari itu (pembayaran sampai hari itu dihitung)")
    return (f"`param.{name}` is {value}, a month the rule file ties to its data date, but as_of {how} {as_of}: "
            f"the data are {'still ' * (how == 'stays')}read as at that day (payments made by then count)")


def unread_values(edition: Window, days: list[date], lang: str = "en") -> dict[date, str]:
    """The dates of a parameter's dated values (``days``, sorted) whose value is never read inside
    the edition's window, each with why (in English or, ``id``, Bahasa Indonesia): dated after the
    edition ends, or replaced before it starts."""
    start, end = _open(edition)
    at_start = max((d for d in days if d <= start), default=None)
    out = {}
    for j, d in enumerate(days):
        if d > end:
            out[d] = f"edisi berakhir pada {edition.until}" if lang == "id" else f"the edition ends on {edition.until}"
        elif edition.from_ and d < edition.from_ and d != at_start:
            out[d] = f"nilai itu diganti pada {days[j + 1]}, sebelum edisi mulai berlaku pada {edition.from_}" \
                if lang == "id" else f"it is replaced on {days[j + 1]}, before the edition starts on {edition.from_}"
    return out


def _value_at(name: str) -> Callable[[date], Where]:
    return lambda d: ("parameters", name, "values", d.isoformat())


def _overlaps(w: Window, low: date, high: date) -> bool:
    start, end = _open(w)
    return start <= high and low <= end


def _key_positions(path: Any, column: str) -> dict[str, tuple[int, int]]:
    """Line and column of each key in a CSV file (empty when it cannot be read)."""
    out = dict[str, tuple[int, int]]()
    for line, (key, col) in table_cells(path, column):
        out.setdefault(key, (line, col))
    return out
