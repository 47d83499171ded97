"""From a solver model to a member record the contract accepts, and back: every abstracted call
is recomputed by the catalogue's own code on the record, so a model the abstraction allows but no
member has is caught (and blocked) before anything is shown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from fractions import Fraction
from typing import Any

import z3

from bsu_rules.facts import add_months, arrears_start
from bsu_rules.members import parse_member
from bsu_rules.prove.inputs import BASE, REQUIRED, AbstractCall, Inputs
from bsu_rules.prove.symbols import Strings, Sym, Term, month_text

Value = tuple[bool, Any]  # (known, value)
Record = dict[str, Any]
_VALID_NIK_HEAD, _INVALID_NIK = "320412", "0000000000000000"


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


def _history(rec: Record, path: str) -> list[dict[str, Any]] | None:
    out: list[dict[str, Any]] | None = rec.get(path.split(".")[1])
    return out


# --- one edit per abstracted function: make the record give this call this value --------------

def _last_wage(rec: Record, call: AbstractCall, value: Value, others: list[tuple[AbstractCall, Value]]) -> None:
    wages, month = _history(rec, call.args[0]), call.args[1]
    if wages is None:
        return
    wages[:] = [w for w in wages if w["period"] != month] if value[0] else [w for w in wages if w["period"] > month]
    if value[0]:
        wages.append({"period": month, "amount": int(value[1])})
        wages.sort(key=lambda w: w["period"])


def _billed(rec: Record, call: AbstractCall, value: Value, others: list[tuple[AbstractCall, Value]]) -> None:
    rows, month = _history(rec, call.args[0]), call.args[1]
    if rows is None or not value[0]:
        return
    present = any(r["period"] == month for r in rows)
    if value[1] and not present:
        rows.append({"period": month, "paid_on": None})
    elif not value[1]:
        rows[:] = [r for r in rows if r["period"] != month]
    rows.sort(key=lambda r: r["period"])


def _arrears(rec: Record, call: AbstractCall, value: Value, others: list[tuple[AbstractCall, Value]]) -> None:
    rows, day, due = _history(rec, call.args[0]), call.args[2], call.args[3]
    if rows is None or not value[0] or int(value[1]) > 600:
        return
    month = arrears_start(call.args[1], day, due)  # the streak counts back from the latest month already due
    streak = int(value[1])
    by_period = {r["period"]: r for r in rows}
    for i in range(streak):
        period = add_months(month, -i)
        row = by_period.get(period)
        if row is None:
            rows.append({"period": period, "paid_on": None})
        elif row["paid_on"] is not None and row["paid_on"] <= day:
            row["paid_on"] = None
    stop = by_period.get(add_months(month, -streak))
    if stop is not None and (stop["paid_on"] is None or stop["paid_on"] > day):
        stop["paid_on"] = day
    rows.sort(key=lambda r: r["period"])


def _received(rec: Record, call: AbstractCall, value: Value, others: list[tuple[AbstractCall, Value]]) -> None:
    receipts, programs = _history(rec, call.args[0]), call.args[1]
    year = call.args[2] if len(call.args) > 2 else None
    if receipts is None or not value[0]:
        return
    def matches(r: dict[str, Any], c: AbstractCall) -> bool:
        y = c.args[2] if len(c.args) > 2 else None
        return r["program"] in c.args[1] and (y is None or r["year"] == y)
    if not value[1]:
        receipts[:] = [r for r in receipts if not matches(r, call)]
        return
    if any(matches(r, call) for r in receipts):
        return
    forbidden = [c for c, v in others if v[0] and not v[1]]
    for program in programs:
        for y in ([year] if year is not None else [2000, 2099, *range(2001, 2099)]):
            candidate = {"program": program, "year": y}
            if not any(matches(candidate, c) for c in forbidden):
                receipts.append(candidate)
                return


def _nik_valid(rec: Record, call: AbstractCall, value: Value, others: list[tuple[AbstractCall, Value]]) -> None:
    if not value[0]:
        return
    born = rec.get("birth_date") or date(1990, 1, 1)
    rec["nik"] = f"{_VALID_NIK_HEAD}{born:%d%m%y}0001" if value[1] else _INVALID_NIK


def _bank_key(rec: Record, call: AbstractCall, value: Value, others: list[tuple[AbstractCall, Value]]) -> None:
    if value[0] and isinstance(value[1], str) and not value[1].startswith("<"):
        _set(rec, "member.bank_account.bank", value[1])  # a key is its own bank_key


EDITS: dict[str, Callable[[Record, AbstractCall, Value, list[tuple[AbstractCall, Value]]], None]] = {
    "received": _received, "contribution_billed": _billed, "arrears_streak": _arrears,
    "last_wage": _last_wage, "nik_valid": _nik_valid, "bank_key": _bank_key,
    "nik_issue": lambda rec, call, value, others: None,  # follows from the NIK nik_valid chose
}


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
    for call, value in sorted(calls, key=lambda cv: list(EDITS).index(cv[0].function.name)):
        if old.get(call.label) != value:
            same_history = [(c, v) for c, v in calls if c.args[:1] == call.args[:1] and c is not call]
            EDITS[call.function.name](rec, call, value, same_history)
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
