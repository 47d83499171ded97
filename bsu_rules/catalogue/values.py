"""Known and unknown values: ``known``, ``coalesce``, ``happened_by``."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bsu_rules.catalogue.definition import Columnar, Function
from bsu_rules.catalogue.optional import cf, pl, symbols, z3
from bsu_rules.ruleset.types import BOOL, DATE, Type

if TYPE_CHECKING:
    from bsu_rules.evaluators.columnar_functions import Val
    from bsu_rules.prove.symbols import Strings, Sym

__all__ = ["ANY", "DEFINITIONS", "coalesce", "happened_by", "known"]

ANY: tuple[Type, ...] = ()  # any type


def happened_by(event: date | None, day: date | None) -> bool | None:
    """Whether ``event`` is on or before ``day``; no event recorded (None) has not happened."""
    return None if day is None else event is not None and event <= day


def known(value: Any) -> bool:
    """Whether a value is known; never unknown itself."""
    return value is not None


def coalesce(*values: Any) -> Any:
    """The first known value (unknown only when every value is)."""
    return next((v for v in values if v is not None), None)


# --- columnar -----------------------------------------------------------------------------


def _happened_by_columnar(t: Type, args: list[Val]) -> Val:
    event, day = args
    if day.is_const and day.const is None:
        return cf.Val(t, const=None)
    if event.is_const and event.const is None:
        expr = pl.lit(False)
    else:
        (e, d), _ = cf.common(event, day)
        expr = e.is_not_null() & (e <= d)
    if not day.is_const:
        expr = pl.when(cf.typed(day)[0].is_null()).then(pl.lit(None, pl.Boolean)).otherwise(expr)
    return cf.Val(t, expr=expr, dtype=pl.Boolean())


def _known_columnar(t: Type, args: list[Val]) -> Val:
    arg = args[0]
    if arg.items is not None:
        return cf.Val(t, const=True)  # a list literal is always known
    expr = pl.col(arg.history) if arg.history is not None else cf.typed(arg)[0]
    return cf.Val(t, expr=expr.is_not_null(), dtype=pl.Boolean())


def _coalesce_columnar(t: Type, args: list[Val]) -> Val:
    found = [a for a in args if not (a.is_const and a.const is None)]
    cut = next((i for i, a in enumerate(found) if a.is_const), None)  # a known constant ends the search
    found = found[:cut + 1] if cut is not None else found
    if not found:
        return cf.Val(t, const=None)
    if len(found) == 1 and found[0].is_const:
        return found[0]
    exprs, dtype = cf.common(*found)
    return cf.Val(t, expr=pl.coalesce(exprs), dtype=dtype)


# --- proofs -------------------------------------------------------------------------------


def _happened_by_smt(args: list[Sym], strings: Strings) -> Sym:
    event, day = args
    return symbols.Sym("bool", z3.And(event.known, event.term <= day.term), day.known)


def _known_smt(args: list[Sym], strings: Strings) -> Sym:
    return symbols.Sym("bool", args[0].known, symbols.TRUE)


def _coalesce_smt(args: list[Sym], strings: Strings) -> Sym:
    kind = "real" if any(a.kind == "real" for a in args) else args[0].kind
    terms = [z3.ToReal(a.term) if kind == "real" and a.kind == "int" else a.term for a in args]
    value, bound = terms[-1], args[-1].bound
    for a, term in zip(reversed(args[:-1]), reversed(terms[:-1]), strict=True):
        value, bound = z3.If(a.known, term, value), symbols.choose(a.known, a.bound, bound)
    return symbols.Sym(kind, value, z3.Or([a.known for a in args]), bound=bound)


DEFINITIONS = [
    Function("happened_by", ((DATE,), (DATE,)), BOOL,
             "Whether an event date (death, end of membership) is on or before a day; no date recorded means "
             "the event has not happened.", "happened_by(member.deceased_on, decision_date)",
             scalar=happened_by, columnar=Columnar(_happened_by_columnar), inversion=None, smt=_happened_by_smt,
             strict=False, unknown_from=(1,)),
    Function("known", (ANY,), BOOL, "Whether a value is known (recorded); never unknown itself.", "known(member.kpj)",
             scalar=known, columnar=Columnar(_known_columnar), inversion=None, smt=_known_smt,
             strict=False, unknown_from=(), keeps_bounds=True),
    Function("coalesce", (ANY, ANY), None, "The first argument that is known.",
             'coalesce(member.bank_account.bank, "none")', scalar=coalesce, columnar=Columnar(_coalesce_columnar),
             inversion=None, smt=_coalesce_smt, variadic=True, strict=False, keeps_bounds=True),
]
