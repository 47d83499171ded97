"""Exact encodings of the catalogue functions that are not abstracted (``Function.abstract`` is
None). Strictness (an unknown argument gives unknown) is applied by the caller, from the catalogue;
so is unknown for a lower bound among the arguments of a function not in ``KEEPS_BOUNDS``."""

from __future__ import annotations

from collections.abc import Callable

import z3

from bsu_rules.prove.symbols import FALSE, TRUE, ProveError, Strings, Sym, Term, choose, either, numeric

Encoding = Callable[[list[Sym], Strings], Sym]


def _happened_by(args: list[Sym], strings: Strings) -> Sym:
    event, day = args
    return Sym("bool", z3.And(event.known, event.term <= day.term), day.known)


def _known(args: list[Sym], strings: Strings) -> Sym:
    return Sym("bool", args[0].known, TRUE)


def _province(args: list[Sym], strings: Strings) -> Sym:
    code = args[0].term
    term: Term = z3.IntVal(-1)
    for text in strings.texts:  # a prefix the rules never name gets a code of its own (negative)
        prefix = text[:2]
        value = strings.codes.get(prefix, -(strings.codes[text] + 2))
        term = z3.If(code == strings.codes[text], value, term)
    return Sym("str", term, args[0].known)


def _round_up(args: list[Sym], strings: Strings) -> Sym:
    amount, step = args
    if step.may_be_bound:  # a step that is only a lower bound tells nothing
        return Sym("int", z3.IntVal(0), FALSE)
    if not step.is_constant or step.constant <= 0:
        raise ProveError("round_up needs a positive constant step")
    x = amount.term if amount.kind == "real" else z3.ToReal(amount.term)
    return Sym("int", -z3.ToInt(-x / step.constant) * step.constant, amount.known, bound=amount.bound)


def _add_months(args: list[Sym], strings: Strings) -> Sym:
    return Sym("month", args[0].term + args[1].term, z3.And(args[0].known, args[1].known))


def _calendar(name: str) -> Encoding:
    def refuse(args: list[Sym], strings: Strings) -> Sym:
        raise ProveError(f"{name} of a member value has no symbolic encoding (only of constants)")
    return refuse


def _extreme(smallest: bool) -> Encoding:
    """``min``/``max``, folded pairwise: ``max`` is a bound when any side is; ``min`` is exact
    where an exact side is the smallest (ties too), else a bound."""
    def encode(args: list[Sym], strings: Strings) -> Sym:
        best = args[0]
        for other in args[1:]:
            a, b = numeric(best, other)
            p, q = best.bound, other.bound
            kind = "real" if "real" in (best.kind, other.kind) else best.kind
            if not smallest:
                bound = either(p, q)
            elif best.may_be_bound or other.may_be_bound:
                bound = z3.Or(z3.And(p, q), z3.And(p, z3.Not(q), b > a), z3.And(z3.Not(p), q, a > b))
            else:
                bound = FALSE
            best = Sym(kind, z3.If(a <= b if smallest else a >= b, a, b), z3.And(best.known, other.known),
                       bound=bound)
        return best
    return encode


def _coalesce(args: list[Sym], strings: Strings) -> Sym:
    kind = "real" if any(a.kind == "real" for a in args) else args[0].kind
    terms = [z3.ToReal(a.term) if kind == "real" and a.kind == "int" else a.term for a in args]
    value, bound = terms[-1], args[-1].bound
    for a, t in zip(reversed(args[:-1]), reversed(terms[:-1]), strict=True):
        value, bound = z3.If(a.known, t, value), choose(a.known, a.bound, bound)
    return Sym(kind, value, z3.Or([a.known for a in args]), bound=bound)


EXACT: dict[str, Encoding] = {
    "happened_by": _happened_by,
    "known": _known,
    "province": _province,
    "round_up": _round_up,
    "add_months": _add_months,
    "month_start": _calendar("month_start"),
    "month_end": _calendar("month_end"),
    "month_of": _calendar("month_of"),
    "min": _extreme(smallest=True),
    "max": _extreme(smallest=False),
    "coalesce": _coalesce,
}
KEEPS_BOUNDS = frozenset({"round_up", "min", "max", "coalesce", "known"})  # what each keeps: above
