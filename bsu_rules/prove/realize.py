"""From a solver model to a member record the contract accepts, and back: every abstracted call
is recomputed by the catalogue's own code on the record, so a model the abstraction allows but no
member has is caught (and blocked) before anything is shown."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

import z3

from bsu_rules.catalogue import FUNCTIONS
from bsu_rules.members import parse_member
from bsu_rules.prove.inputs import BASE, REQUIRED, AbstractCall, Inputs
from bsu_rules.prove.symbols import Strings, Sym, Term, month_text

Value = tuple[bool, Any]  # (known, value)
Record = dict[str, Any]


def value_of(model: z3.ModelRef, sym: Sym, strings: Strings) -> Value:
    """A symbolic value as the model fixes it (known flag, Python value)."""
    known = z3.is_true(model.eval(sym.known, model_completion=True))
    term = model.eval(sym.term, model_completion=True)
    if sym.kind == "bool":
        return known, z3.is_true(term)
    if sym.kind == "real":
        return known, Fraction(term.numerator_as_long(), term.denominator_as_long())
    number = term.as_long()
    if sym.kind == "str":
        return known, strings.text(number) if 0 <= number < len(strings.texts) else f"<unnamed {number}>"
    if sym.kind == "date":
        return known, date.fromordinal(number)
    if sym.kind == "month":
        return known, month_text(number)
    return known, number


def _set(rec: Record, path: str, value: Any) -> None:
    *parents, last = path.split(".")[1:]
    node = rec
    for part in parents:
        if node.get(part) is None:
            node[part] = {}
        node = node[part]
    node[last] = value


def calls_of(model: z3.ModelRef, inputs: Inputs) -> list[tuple[AbstractCall, Value]]:
    return [(c, value_of(model, c.sym, inputs.strings)) for c in inputs.calls.values()]


def realize(model: z3.ModelRef, inputs: Inputs, base: Record | None = None,
            before: list[tuple[AbstractCall, Value]] | None = None) -> Record:
    """The member the model describes. With ``base`` (another member) and ``before`` (its call
    values), start from it and edit only what differs: the member "with one change"."""
    rec: Record = _copy(base) if base is not None else dict(BASE)
    for path, (sym, _) in inputs.fields.items():
        known, value = value_of(model, sym, inputs.strings)
        if known or path not in REQUIRED:
            _set(rec, path, value if known else None)
    for path, sym in inputs.histories.items():
        known = z3.is_true(model.eval(sym.known, model_completion=True))
        name = path.split(".")[1]
        if not known:
            rec[name] = None
        elif rec.get(name) is None:
            rec[name] = []
    calls = calls_of(model, inputs)
    old = dict((c.label, v) for c, v in before or [])
    order = list(FUNCTIONS)  # a history's edits in catalogue order: billed before arrears
    for call, value in sorted(calls, key=lambda cv: order.index(cv[0].function.name)):
        abstraction = call.function.abstract
        if old.get(call.label) != value and abstraction is not None:
            same_history = [(c, v) for c, v in calls if c.args[:1] == call.args[:1] and c is not call]
            abstraction.realize(rec, call, value, same_history)
    return rec


def mismatches(rec: Record, calls: list[tuple[AbstractCall, Value]]) -> list[tuple[AbstractCall, Value]]:
    """The calls whose value on the record differs from the model's (the record fails the
    contract: every call)."""
    try:
        member = parse_member(rec)
    except ValueError:
        return calls
    out = []
    for call, (known, value) in calls:
        args = [member_value(member, a) for a in call.args]
        got = call.function.impl(*args)
        same = (got is None) if not known else (got is not None and (Fraction(got) == value if isinstance(
            value, Fraction) else got == value))
        if not same:
            out.append((call, (known, value)))
    return out


def block(model: z3.ModelRef, wrong: list[tuple[AbstractCall, Value]], inputs: Inputs) -> Term:
    """A constraint excluding the model's values of every call over the histories (or fields)
    that ``wrong`` reads: that combination is one no member has."""
    read = {c.args[0] for c, _ in wrong}
    syms = [c.sym for c in inputs.calls.values() if c.args[0] in read]
    same = [z3.And(s.known == model.eval(s.known, model_completion=True),
                   z3.Implies(s.known, s.term == model.eval(s.term, model_completion=True))) for s in syms]
    return z3.Not(z3.And(same))


def member_value(member: Any, arg: Any) -> Any:
    if isinstance(arg, str) and arg.startswith("member."):
        value = member
        for part in arg.split(".")[1:]:
            value = None if value is None else getattr(value, part)
        return value
    return arg


def _copy(rec: Record) -> Record:
    return {k: ([dict(x) for x in v] if isinstance(v, list) else dict(v) if isinstance(v, dict) else v)
            for k, v in rec.items()}
