"""Money and numbers: ``round_up``, ``min``, ``max``; exact, never float."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from bsu_rules.catalogue.definition import Columnar, Encoding, Function
from bsu_rules.catalogue.optional import cf, pl, symbols, z3
from bsu_rules.ruleset.types import DECIMAL, INT, Type
from bsu_rules.semantics import ceil_to

if TYPE_CHECKING:
    from bsu_rules.evaluators.columnar_functions import Val
    from bsu_rules.prove.symbols import Strings, Sym

__all__ = ["DEFINITIONS", "NUMBER", "round_up"]

NUMBER = (INT, DECIMAL)


def round_up(amount: int | Decimal | None, step: int | None) -> int | None:
    """Smallest multiple of ``step`` that is >= ``amount``, computed exactly.

    E.g. Decimal("4416186.548"), 100000 -> 4500000. Unknown (None) for a step that is not positive
    (a member's computed step: a constant one is refused when the rule file is checked)."""
    if amount is None or step is None or step <= 0:
        return None
    if isinstance(amount, float):
        raise TypeError("money must be int or Decimal, never float")
    return ceil_to(amount, step)


# --- columnar -----------------------------------------------------------------------------


def _round_up_body(t: Type, e: list[pl.Expr], d: list[pl.DataType]) -> tuple[pl.Expr, pl.DataType]:
    """Smallest multiple of the step at or above the amount, exactly: ceil(ceil(amount) / step) * step
    in 128 bits, and a result past 64 bits raises (the evaluator then decides the chunk exactly in Python)."""
    amount, step = e
    whole = (amount.ceil() if isinstance(d[0], pl.Decimal) else amount).cast(pl.Int128)
    size = step.cast(pl.Int128)
    steps = (whole + size - 1) // size  # the ceiling, as size > 0
    return pl.when(step > 0).then((steps * size).cast(pl.Int64, strict=True)), pl.Int64()


def _round_up_columnar(t: Type, args: list[Val]) -> Val:
    step = args[1]
    if step.is_const and step.const is not None and step.const <= 0:
        raise ValueError(f"round_up: step must be positive, got {step.const}")  # as the scalar round_up
    return cf.strict(_round_up_body, guard=False)(t, args)


def _extreme_columnar(largest: bool) -> Columnar:
    def body(t: Type, e: list[pl.Expr], d: list[pl.DataType]) -> tuple[pl.Expr, pl.DataType]:
        exprs, dtype = cf.common(*[cf.Val(t, expr=x, dtype=y) for x, y in zip(e, d, strict=True)])
        return (pl.max_horizontal if largest else pl.min_horizontal)(exprs), dtype
    return Columnar(lambda t, args: cf.strict(body)(t, args))


# --- proofs -------------------------------------------------------------------------------


def _round_up_smt(args: list[Sym], strings: Strings) -> Sym:
    amount, step = args
    if step.may_be_bound:  # a step that is only a lower bound tells nothing
        return symbols.Sym("int", z3.IntVal(0), symbols.FALSE)
    if not step.is_constant or step.constant <= 0:
        raise symbols.ProveError("round_up needs a positive constant step")
    x = amount.term if amount.kind == "real" else z3.ToReal(amount.term)
    return symbols.Sym("int", -z3.ToInt(-x / step.constant) * step.constant, amount.known, bound=amount.bound)


def _extreme_smt(smallest: bool) -> Encoding:
    """``min``/``max``, folded pairwise: ``max`` is a bound when any side is; ``min`` is exact
    where an exact side is the smallest (ties too), else a bound."""
    def encode(args: list[Sym], strings: Strings) -> Sym:
        best = args[0]
        for other in args[1:]:
            a, b = symbols.numeric(best, other)
            p, q = best.bound, other.bound
            kind = "real" if "real" in (best.kind, other.kind) else best.kind
            if not smallest:
                bound = symbols.either(p, q)
            elif best.may_be_bound or other.may_be_bound:
                bound = z3.Or(z3.And(p, q), z3.And(p, z3.Not(q), b > a), z3.And(z3.Not(p), q, a > b))
            else:
                bound = symbols.FALSE
            best = symbols.Sym(kind, z3.If(a <= b if smallest else a >= b, a, b), z3.And(best.known, other.known),
                               bound=bound)
        return best
    return encode


DEFINITIONS = [
    Function("round_up", (NUMBER, (INT,)), INT, "Round up to the next multiple of a step, exactly (also decimals); "
             "unknown for a step under 1.",
             "round_up(4798312, 100000)", scalar=round_up, columnar=Columnar(_round_up_columnar),
             inversion=None, smt=_round_up_smt, keeps_bounds=True, remembered=True),
    Function("min", (NUMBER, NUMBER), None, "The smallest of the numbers.", "min(fact.wage, 5000000)",
             scalar=min, columnar=_extreme_columnar(False), inversion=None, smt=_extreme_smt(smallest=True),
             variadic=True, keeps_bounds=True),
    Function("max", (NUMBER, NUMBER), None, "The largest of the numbers.",
             "max(param.wage_ceiling, fact.regional_minimum)", scalar=max, columnar=_extreme_columnar(True),
             inversion=None, smt=_extreme_smt(smallest=False), variadic=True, keeps_bounds=True),
]
