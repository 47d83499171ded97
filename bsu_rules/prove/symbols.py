"""Symbolic values: a solver term and a *known* flag for every value (Kleene's unknown made
explicit), a *bound* flag for a number that is only a lower bound, and the finite universe of texts
the rules can tell apart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import z3

from bsu_rules.bounds import AtLeast
from bsu_rules.errors import BsuRulesError, Code
from bsu_rules.ruleset.types import BOOL, DATE, DECIMAL, INT, MONTH, Type

Term = Any  # a z3 expression (z3 has no type stubs)
TRUE, FALSE = z3.BoolVal(True), z3.BoolVal(False)
NO_CONSTANT = object()


class ProveError(BsuRulesError, ValueError):
    """Something the symbolic encoding does not cover, or a malformed property file; raised, never
    guessed around."""

    code = Code.NOT_PROVABLE

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.offset = offset  # where in an expression's text the problem is, when it is in one


@dataclass(frozen=True)
class Sym:
    """One value: ``kind`` is bool, int, real, str (a code in ``Strings``), date (a day number),
    month (year * 12 + month - 1), list (``term`` a tuple of Sym), table (``term`` the Table) or
    history (``term`` the member field path). ``term`` means nothing where ``known`` is false.
    ``constant``: the Python value when the value is fixed by the rule set. ``bound``: where known,
    true when the number is only *at least* ``term`` (``bsu_rules.bounds``); the literal false for
    every value no lower-bound table row can reach."""

    kind: str
    term: Any
    known: Term = TRUE
    constant: Any = field(default=NO_CONSTANT, compare=False)
    bound: Term = field(default=FALSE, compare=False)

    @property
    def may_be_bound(self) -> bool:
        return not z3.is_false(self.bound)

    @property
    def is_constant(self) -> bool:
        return self.constant is not NO_CONSTANT


def month_index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


class Strings:
    """Every text the rules can compare, numbered: a text value is its code."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.texts: list[str] = []
        self.others: list[str] = []  # representatives of texts the rules do not name
        self.frozen = False  # once member domains are built, a new text would escape them

    def code(self, text: str) -> int:
        if text not in self.codes:
            if self.frozen:
                raise ProveError(f"the text {text!r} is not among those the rules name")
            self.codes[text] = len(self.texts)
            self.texts.append(text)
        return self.codes[text]

    def text(self, code: int) -> str:
        return self.texts[code]


def lift(value: Any, type_: Type | None, strings: Strings) -> Sym:
    """A constant as a symbolic value (``None`` is unknown)."""
    if value is None:
        return Sym("none", z3.IntVal(0), FALSE, None)
    if isinstance(value, AtLeast):
        number = lift(value.value, type_, strings)
        return Sym(number.kind, number.term, TRUE, value, TRUE)
    if isinstance(value, bool) or type_ == BOOL:
        return Sym("bool", z3.BoolVal(bool(value)), TRUE, value)
    if type_ == MONTH or (isinstance(value, str) and type_ is not None and type_.name == "month"):
        return Sym("month", z3.IntVal(month_index(value)), TRUE, value)
    if isinstance(value, date) or type_ == DATE:
        return Sym("date", z3.IntVal(value.toordinal()), TRUE, value)
    if isinstance(value, Decimal) or type_ == DECIMAL:
        return Sym("real", z3.RealVal(str(value)), TRUE, value)
    if isinstance(value, int) or type_ == INT:
        return Sym("int", z3.IntVal(value), TRUE, value)
    if isinstance(value, str):
        return Sym("str", z3.IntVal(strings.code(value)), TRUE, value)
    if isinstance(value, (list, tuple, frozenset)):
        item = type_.item if type_ is not None and type_.name == "list" else None
        return Sym("list", tuple(lift(v, item, strings) for v in value), TRUE, tuple(value))
    raise ProveError(f"no symbolic form for the constant {value!r}")


def either(*terms: Term) -> Term:
    """``Or`` of bound flags, kept the literal false when every one is."""
    live = [t for t in terms if not z3.is_false(t)]
    return z3.Or(live) if live else FALSE


def choose(test: Term, a: Term, b: Term) -> Term:
    """``If`` of bound flags, kept the literal false when both are."""
    return FALSE if z3.is_false(a) and z3.is_false(b) else z3.If(test, a, b)


def numeric(a: Sym, b: Sym) -> tuple[Term, Term]:
    """Two number terms of one sort (an int meeting a decimal becomes a real)."""
    if a.kind == b.kind or "real" not in (a.kind, b.kind):
        return a.term, b.term
    return (z3.ToReal(a.term) if a.kind == "int" else a.term), (z3.ToReal(b.term) if b.kind == "int" else b.term)
