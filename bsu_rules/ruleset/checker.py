"""Check parsed expressions: resolve every name, infer and check types, reject fact cycles."""

from __future__ import annotations

import graphlib
import re
from collections import ChainMap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from bsu_rules.catalogue import FUNCTIONS
from bsu_rules.catalogue.calendar import month_end, month_start
from bsu_rules.members.redact import printable
from bsu_rules.ruleset.diagnostics import nearest, nearest_name
from bsu_rules.ruleset.expressions import (
    Binary,
    BoolOp,
    Call,
    Cond,
    ListLit,
    Lit,
    Name,
    Node,
    ParseError,
    Unary,
    Unhandled,
    parse,
    unparse,
    walk,
)
from bsu_rules.ruleset.spelling import amount_in_words
from bsu_rules.ruleset.types import (
    BOOL,
    DATE,
    DECIMAL,
    HISTORIES,
    INT,
    KEYSET,
    MONTH,
    STR,
    Type,
    comparable,
    list_of,
    member_fields,
    unify,
)

Report = Callable[[int, str, str, str | None], None]  # offset, code, message, suggestion
Misused = Callable[[str, tuple[Type, ...], str], bool]
"""Told of a parameter read directly where its value's type is not taken: its name, the types taken
there, and the place in words (``argument 3 of `received```); whether it is told at its value."""
_DECLARED = {"param": ("parameter", "parameters"), "table": ("table", "tables"), "fact": ("fact", "facts")}
"""Where a rule file declares a name of each kind it reads."""
MAX_SPELT = 100
"""The unknown names of a file a spelling is sought for (each against every name: past them, a file of
thousands of unknown names would take minutes)."""
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)(?::([a-z]+))?\}")
FORMATS = ("rp", "date", "month", "number", "nik")
FORMAT_TYPES = {"rp": (INT, DECIMAL), "date": (DATE,), "month": (MONTH,), "number": (INT, DECIMAL)}
"""The types each format shows (``nik`` shows only a fact that is a ``nik_issue`` call)."""
FORMAT_WORDS = {"rp": "an amount", "date": "a date", "month": "a month", "number": "a number",
                "nik": "a NIK's problem (from a fact written `nik_issue(...)`)"}


def optional_spans(text: str) -> list[tuple[int, int]] | int:
    """The square-bracketed parts of a template, as (start, end) spans including the brackets; or the position
    of a bracket that opens none (a ``]`` with no ``[``, a ``[`` inside another or never closed)."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for i, c in enumerate(text):
        if c == "[":
            if start is not None:
                return i
            start = i
        elif c == "]":
            if start is None:
                return i
            spans.append((start, i + 1))
            start = None
    return start if start is not None else spans


@dataclass
class Scope:
    """Every name an expression may read, with its type."""

    params: dict[str, Type]
    tables: dict[str, Type]
    facts: dict[str, str]
    fact_types: dict[str, Type] = field(default_factory=dict)
    broken: frozenset[str] = frozenset()
    """Names declared with an error already reported where they are declared (not unknown at their uses,
    nor a name used whose nearest spelling is one of them: a parameter's name mistyped where it is declared)."""

    _names: dict[str, Type | None] | None = field(default=None, init=False, repr=False, compare=False)
    spelt: dict[str, tuple[bool, str | None, str | None]] = field(default_factory=dict, init=False, repr=False,
                                                            compare=False)
    """The spellings sought for unknown names (``TypeChecker._spelt``)."""

    def names(self) -> dict[str, Type | None]:
        """Every name with its type, built once (not once an expression: a file of many facts is checked in
        time linear in them) and kept up to date by ``typed``; shared, so read, not changed."""
        if self._names is None:
            out: dict[str, Type | None] = dict(member_fields())
            out.update({f"param.{k}": v for k, v in self.params.items()})
            out.update({f"table.{k}": v for k, v in self.tables.items()})
            out.update({f"fact.{k}": self.fact_types.get(k) for k in self.facts})
            out["as_of"] = DATE
            out["decision_date"] = DATE
            self._names = out
        return self._names

    def typed(self, fact: str, t: Type) -> None:
        """Record the type of a fact once checked."""
        self.fact_types[fact] = t
        if self._names is not None:
            self._names[f"fact.{fact}"] = t


def fact_order(facts: dict[str, Node], report: Callable[[str, str], None]) -> list[str]:
    """Facts in dependency order; a cycle is reported once per fact on it."""
    graph = {name: {n.parts[1] for n in walk(tree) if isinstance(n, Name) and n.parts[0] == "fact"
                    and len(n.parts) == 2 and n.parts[1] in facts} for name, tree in facts.items()}
    try:
        return list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        cycle = exc.args[1]
        for name in sorted(set(cycle)):
            report(name, " -> ".join(f"fact.{c}" for c in cycle))
        return [n for n in facts if n not in set(cycle)]


def parameter_arguments(tree: Node) -> list[tuple[str, str, tuple[Type, ...]]]:
    """Each parameter ``tree`` passes straight to a catalogue function: its name, the function's, and the
    types that argument takes (``fiscal_year``, ``received``, ``(int,)``)."""
    out = []
    for call in (n for n in walk(tree) if isinstance(n, Call) and n.func.dotted in FUNCTIONS):
        wanted = FUNCTIONS[call.func.dotted].params
        out += [(a.parts[1], call.func.dotted, wanted[min(i, len(wanted) - 1)]) for i, a in enumerate(call.args)
                if wanted and isinstance(a, Name) and len(a.parts) == 2 and a.parts[0] == "param"]
    return out


def read_depth(node: Node, facts: dict[str, int]) -> int:
    """Levels ``node`` nests once each fact it reads counts as deep as its own expression (``facts``:
    those depths, of the facts before it in dependency order)."""
    if isinstance(node, Name) and node.parts[0] == "fact" and len(node.parts) > 1:
        return facts.get(node.parts[1], 1)
    return 1 + max((read_depth(c, facts) for c in node.children()), default=0)


def parse_checked(text: str, report: Report, parsed: Callable[[str], Node] = parse) -> Node | None:
    """The tree of ``text`` (``parsed``: how it is parsed, ``Parses.parse`` to parse each text of a file
    once), or None with its syntax error reported."""
    try:
        return parsed(text)
    except ParseError as exc:
        report(exc.offset, "syntax", str(exc), exc.suggestion)
        return None


class TypeChecker:
    """Assigns a type to every node; reports with offsets into the expression text."""

    def __init__(self, scope: Scope, report: Report, misused: Misused | None = None, text: str = "") -> None:
        """``misused``: told first of a parameter of the wrong type (a value mistyped is told once, at
        the value); ``text``: the expression, to quote its parts in suggestions."""
        self.scope, self.report, self.misused, self.text = scope, report, misused, text
        self.names: ChainMap[str, Type | None] = ChainMap({}, scope.names())

    def check(self, node: Node) -> Type | None:
        node.type = self._infer(node)
        return node.type

    def expect(self, node: Node, wanted: tuple[Type, ...], what: str) -> None:
        got = self.check(node)
        if got is not None and wanted and not any(fits(got, w) for w in wanted) and \
                not self._parameter_misused(node, wanted, what):
            self.report(node.start, "type-mismatch", f"{what} must be {type_words(wanted)}, not {got}", None)

    def _parameter_misused(self, node: Node, wanted: tuple[Type, ...], what: str) -> bool:
        """Whether ``node`` is a parameter read directly that ``misused`` tells of at its value."""
        return self.misused is not None and isinstance(node, Name) and len(node.parts) == 2 and \
            node.parts[0] == "param" and self.misused(node.parts[1], wanted, what)

    def _infer(self, node: Node) -> Type | None:
        match node:
            case Lit():
                return _literal_type(node)
            case Name():
                return self._name(node)
            case ListLit():
                return self._list(node)
            case Call():
                return self._call(node)
            case Unary(op="not"):
                self.expect(node.operand, (BOOL,), "the operand of `not`")
                return BOOL
            case Unary():
                self.expect(node.operand, (INT, DECIMAL), "a negated value")
                return node.operand.type
            case BoolOp():
                for operand in node.operands:
                    self.expect(operand, (BOOL,), f"each side of `{node.op}`")
                return BOOL
            case Cond():
                self.expect(node.test, (BOOL,), "the condition of `if`")
                a, b = self.check(node.then), self.check(node.other)
                if a is None or b is None:
                    return None
                both = unify(a, b)
                if both is None:
                    self.report(node.start, "type-mismatch", f"the branches of `if` differ: {a} and {b}", None)
                return both
            case Binary():
                return self._binary(node)
            case _:
                raise Unhandled(node, "type checking")

    def _name(self, node: Name) -> Type | None:
        dotted = node.dotted
        if dotted in self.names:
            known = self.names[dotted]
            return known
        spelt = self._spelt(dotted)
        if ".".join(node.parts[:2]) in self.scope.broken or (spelt is not None and spelt[0]):
            return None
        if dotted.lower() in ("true", "false"):  # as Python writes them
            meant = dotted.lower()
            self.report(node.start, "unknown-name", f"unknown name `{dotted}` (the language writes `{meant}` in "
                        "lower case)", meant)
            return None
        if (amount := amount_in_words(dotted)) is not None:  # Rp3500000
            self.report(node.start, "unknown-name", f"unknown name `{dotted}`: an amount is written with digits "
                        f"only ({amount})", amount)
            return None
        if "." not in dotted and spelt is not None and not spelt[1]:  # a bare word: text without its quotes?
            self.report(node.start, "unknown-name", f"unknown name `{dotted}` (text is written in quotes)",
                        f'"{dotted}"')
            return None
        near = None if spelt is None else spelt[2]
        declared = _DECLARED.get(node.parts[0]) if len(node.parts) == 2 and near is None and spelt is not None \
            else None  # a new one
        self.report(node.start, "unknown-name", f"unknown name `{dotted}`" + (
            f" (a new {declared[0]} is declared under `{declared[1]}:`)" if declared else ""), near)
        return None

    def _spelt(self, dotted: str) -> tuple[bool, str | None, str | None] | None:
        """Whether the nearest spelling of an unknown name is a name declared broken, the nearest among all
        names (of a bare word), and the nearest within its own namespace; each sought once a file, for at most
        ``MAX_SPELT`` names (None past them: a file of thousands of unknown names is checked in time linear in
        them, its later names told without a suggestion)."""
        seen = self.scope.spelt
        if dotted not in seen:
            if len(seen) >= MAX_SPELT:
                return None
            broken = self.scope.broken
            seen[dotted] = (bool(broken) and nearest(dotted, [*self.names, *broken]) in broken,
                            nearest(dotted, self.names) if "." not in dotted else None,
                            nearest_name(dotted, self.names))
        return seen[dotted]

    def _list(self, node: ListLit) -> Type | None:
        types = [self.check(i) for i in node.items]
        if not types or any(t is None for t in types):
            return list_of(STR) if not types else None
        out: Type | None = types[0]
        for t, item in zip(types[1:], node.items[1:], strict=True):
            merged = unify(out, t) if out and t else None
            if merged is None:
                self.report(item.start, "type-mismatch", f"list items mix {out} and {t}", None)
                return None
            out = merged
        return list_of(out) if out else None

    def _call(self, node: Call) -> Type | None:
        parts = node.func.parts
        if parts[0] == "table" and len(parts) == 3 and parts[2] == "get":
            return self._table_get(node)
        name = node.func.dotted
        fn = FUNCTIONS.get(name)
        if fn is None:
            hint = nearest(name, FUNCTIONS)
            known = "" if hint else f" (the functions are {', '.join(sorted(FUNCTIONS))})"
            self.report(node.start, "unknown-function", f"unknown function `{name}`{known}", hint)
            for arg in node.args:
                self.check(arg)
            return None
        low, high = len(fn.params) - fn.optional, len(fn.params)
        if len(node.args) < low or (len(node.args) > high and not fn.variadic):
            count = f"{low}" if low == high else f"{low} to {high}"
            count += " or more" if fn.variadic else ""
            self.report(node.start, "arity", f"`{name}` takes {count} arguments, not {len(node.args)}",
                        fn.example)
        types: list[Type] = []
        for i, arg in enumerate(node.args):
            if i >= high and not fn.variadic:  # too many, told once (arity): checked, not typed against nothing
                for extra in node.args[i:]:
                    self.check(extra)
                return None
            wanted = fn.params[min(i, len(fn.params) - 1)]
            self.expect(arg, wanted, f"argument {i + 1} of `{name}`")
            if arg.type is None:
                return None
            for w in wanted:  # an argument holding values of a field with fixed choices (`received`'s programmes)
                self._check_choices(w.item if w.name == "list" and w.item else w, arg)
            types.append(arg.type)
        result = fn.result_type(types)
        if result is None:
            self.report(node.start, "type-mismatch", f"the arguments of `{name}` do not mix", None)
        return result

    def _table_get(self, node: Call) -> Type | None:
        table = Name(node.func.start, node.func.end, node.func.parts[:2])
        ttype = self.check(table)
        if len(node.args) != 2:
            self.report(node.start, "arity", "a table lookup needs a key and a default for keys not "
                        "in the table", f"{table.dotted}.get(member.work_regency_code, 0)")
            return None
        self.expect(node.args[0], (STR,), "a table key")
        default = self.check(node.args[1])
        if ttype is None or default is None:
            return None
        if ttype.name != "table" or ttype.item is None:
            self.report(node.start, "type-mismatch", f"`{table.dotted}` is a set of keys; use `in`", None)
            return None
        merged = unify(ttype.item, default)
        if merged is None:
            self.report(node.args[1].start, "type-mismatch",
                        f"the default must be {ttype.item}, not {default}", None)
        return merged

    def _binary(self, node: Binary) -> Type | None:
        if node.op == "-" and (words := _hyphenated(node)) is not None and words[0].dotted not in self.names:
            written = "-".join(w.dotted for w in words)
            meant = written.replace("-", "_")
            self.report(node.start, "unknown-name", f"unknown name `{written}`: a name joins its words with `_`, "
                        "not `-`",
                        meant if meant in self.names else nearest(meant, self.names))
            return None
        if node.op in ("==", "!=") and (nothing := _nothing(node)) is not None:
            self.check(nothing)
            asked = f"known({self._source(nothing)})"
            meant = f"not {asked}" if node.op == "==" else asked
            self.report(node.start, "unknown-name", "the language has no null: whether a value is on record is "
                        "asked with `known(…)`", meant)
            return BOOL
        left, right = self.check(node.left), self.check(node.right)
        if left is None or right is None:
            return None
        if node.op in ("+", "-", "*", "//"):
            if not (left.numeric and right.numeric):
                self.report(node.start, "type-mismatch", f"`{node.op}` needs numbers, not {left} and {right}", None)
                return None
            return unify(left, right)
        if node.op in ("in", "not in"):
            container = right.item if right.name in ("list", "table") else STR if right == KEYSET else None
            if container is None and self._parameter_misused(node.right, (list_of(left),), "the list after `in`"):
                return BOOL
            if container is None or (right.name == "list" and not comparable(left, container)):
                self.report(node.start, "type-mismatch", f"cannot test a {left} `in` a {right}", None)
            elif right.name == "list":
                self._check_choices(left, node.right)
            elif left != STR and left.name != "str":
                self.report(node.start, "type-mismatch", f"table keys are text, not {left}", None)
            return BOOL
        if not comparable(left, right):
            at, fix, hint = self._mismatch(node)
            self.report(at, "type-mismatch", f"cannot compare {left.words} with {right.words}{fix}", hint)
        elif node.op in ("<", "<=", ">", ">=") and left.name in ("str", "bool"):
            self.report(node.start, "type-mismatch", f"`{node.op}` does not order {left} values", None)
        else:
            self._check_choices(left, node.right)
            self._check_choices(right, node.left)
        return BOOL

    def _mismatch(self, node: Binary) -> tuple[int, str, str | None]:
        """Where a comparison of two types that do not mix is told (the side to change: between a date
        and a month, the one to convert; else a literal, when one side is one), how to fix it in words,
        and the text meant there."""
        left, right = node.left, node.right
        kinds = (left.type.name if left.type else None, right.type.name if right.type else None)
        if kinds == ("date", "month") and isinstance(right, Lit):
            last, first = month_end(str(right.value)), month_start(str(right.value))
            return right.start, f": compare with a day, {last} (the month's last day) or {first} (its first)", \
                str(last)
        if kinds == ("date", "month"):
            month = self._source(right)
            return right.start, f": compare with month_end({month}) (its last day) or month_start({month}) " \
                "(its first day)", f"month_end({month})"
        if kinds == ("month", "date"):
            day = self._source(right)
            return right.start, f": compare with month_of({day}) (the month of that day)", f"month_of({day})"
        literals = [n for n in (left, right) if isinstance(n, Lit)]
        if len(literals) != 1:
            return node.start, "", None
        lit = literals[0]
        other = (right if lit is left else left).type
        if isinstance(lit.value, str) and not lit.is_month and other is not None and \
                (bare := _unquoted(lit.value, other)) is not None:
            return lit.start, f": write {bare} without quotes", bare
        quoted = f'"{self._source(lit)}"'
        if other is not None and other.name == "str" and not isinstance(lit.value, str | bool) and \
                (other.choices is None or quoted[1:-1] in other.choices):
            return lit.start, f": text is written in quotes, {quoted}", quoted
        if other is not None and other.name == "str" and other.choices and not isinstance(lit.value, str | bool):
            # `member.citizenship == 5`: the values it takes, the one meant when it is near or alone
            values = sorted(other.choices)
            shown = [f'"{printable(v)}"' for v in values[:8]] + ["…"] * (len(values) > 8)
            said = f"{', '.join(shown[:-1])} or {shown[-1]}" if len(shown) > 1 else shown[0]
            meant = values[0] if len(values) == 1 else nearest(quoted[1:-1], values)
            return lit.start, f": `{self._source(right if lit is left else left)}` is text, one of {said}, written " \
                "in quotes", f'"{meant}"' if meant is not None else None
        return lit.start, "", None

    def _source(self, node: Node) -> str:
        """``node`` as the expression writes it."""
        return self.text[node.start:node.end] if self.text else unparse(node)

    def _check_choices(self, t: Type, other: Node) -> None:
        """Catch a mistyped enum value such as `member.employment_type == "pnss"`."""
        if t.choices is None:
            return
        literals = other.items if isinstance(other, ListLit) else [other]
        for lit in literals:
            if isinstance(lit, Lit) and isinstance(lit.value, str) and lit.value not in t.choices:
                self.report(lit.start, "unknown-value", f'"{printable(lit.value)}" is never a value here '
                            f"(values: {', '.join(sorted(t.choices))})",
                            nearest(lit.value, t.choices) or _same_head(lit.value, t.choices))


def _same_head(value: str, choices: frozenset[str]) -> str | None:
    """The one code that differs from ``value`` only in its last word (``BSU_TEACHER`` for
    ``BSU_GURU``, the same code written in another language), if exactly one does."""
    head, _, last = value.upper().rpartition("_")
    found = [c for c in choices if head and last and c.upper().rpartition("_")[0] == head]
    return found[0] if len(found) == 1 else None


def type_words(wanted: tuple[Type, ...]) -> str:
    """The types a place takes, as a message names them (``int or decimal``; any table as one, a table
    of numbers alone as that)."""
    numbers = len(wanted) == 1 and wanted[0].name == "table" and wanted[0].item is not None \
        and wanted[0].item.numeric
    return "a table of numbers (`table.<name>`, such as `table.minimum_wage`)" if numbers else \
        " or ".join(dict.fromkeys("a table (`table.<name>`)" if w.name in ("table", "keyset") else str(w)
                                  for w in wanted))


def fits(got: Type, wanted: Type) -> bool:
    """Whether a value of type ``got`` may be given where ``wanted`` is taken."""
    if got.name == wanted.name and (wanted.item is None or got.item == wanted.item):
        return True
    if got.name == "list" and wanted.name == "list" and got.item and wanted.item:
        return fits(got.item, wanted.item)
    return got == INT and wanted == DECIMAL


def _hyphenated(node: Binary) -> list[Name] | None:
    """The names of ``param.fiscal-year`` (``param.fiscal``, ``year``): a chain of `-` between names written
    with no space around it, which reads as one name with its words joined by `-`."""
    words: list[Name] = []
    part: Node = node
    while isinstance(part, Binary) and part.op == "-" and isinstance(part.right, Name):
        words.insert(0, part.right)
        part = part.left
    if not isinstance(part, Name) or not words:
        return None
    words.insert(0, part)
    return words if all(a.end + 1 == b.start for a, b in pairwise(words)) else None


def _unquoted(text: str, wanted: Type) -> str | None:
    """``text`` (a literal written in quotes) when without them it is a literal of a type comparable with
    ``wanted`` (``"2"`` for a number, ``"2004-09-05"`` for a date)."""
    try:
        tree = parse(text.strip())
    except ParseError:
        return None
    if not isinstance(tree, Lit) or (isinstance(tree.value, str) and not tree.is_month):
        return None
    return text.strip() if comparable(_literal_type(tree), wanted) else None


def _literal_type(node: Lit) -> Type:
    value = node.value
    if node.is_month:
        return MONTH
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, str):
        return STR
    return DATE if isinstance(value, date) else DECIMAL


def reads(node: Node) -> list[str]:
    """Names an expression reads directly, and calls over histories, in source order."""
    out: list[str] = []
    for n in walk(node):
        if isinstance(n, Name) and n.parts[0] in ("member", "param", "fact", "as_of", "decision_date") \
                and n.type not in HISTORIES:
            label = n.dotted
        elif isinstance(n, Call) and any(a.type in HISTORIES for a in n.args):
            label = unparse(n)
        else:
            continue
        if label not in out:
            out.append(label)
    return out


_NULLS = frozenset({"null", "none", "nil", "undefined"})


def _nothing(node: Binary) -> Node | None:
    """The other side of a comparison with ``null`` (or ``None``), which the language does not have."""
    for this, other in ((node.right, node.left), (node.left, node.right)):
        if isinstance(this, Name) and len(this.parts) == 1 and this.parts[0].lower() in _NULLS:
            return other
    return None
