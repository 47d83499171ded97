"""The meaning of the rule language, stated once.

Every evaluator and every static pass reads its logic here: Kleene's strong three-valued ``and``,
``or`` and ``not`` (``None`` is *unknown*), an ``if`` whose test is unknown, strict application
(an unknown argument gives an unknown result), the binary operators with their edge cases
(division by zero is unknown, never an exception), and what a rule's kind makes of its condition.
Lower bounds (``bounds.AtLeast``) are settled in ``bounds``; this module knows only exact values.

The columnar and durable evaluators cannot call these functions row by row; they are tested
against the truth tables generated from them (``truth_table``).
"""

from __future__ import annotations

import decimal
import operator
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from itertools import product
from typing import Any

from bsu_rules.outcomes import Outcome, RuleResult
from bsu_rules.ruleset.schema import Kind

Truth = bool | None
TRUTHS: tuple[Truth, ...] = (True, False, None)


def k_not(a: Truth) -> Truth:
    """Kleene ``not``: unknown stays unknown."""
    return None if a is None else not a


def k_and(values: Iterable[Truth]) -> Truth:
    """Kleene ``and``: false if any is false, else unknown if any is unknown, else true."""
    unknown = False
    for v in values:
        if v is False:
            return False
        if v is None:
            unknown = True
    return None if unknown else True


def k_or(values: Iterable[Truth]) -> Truth:
    """Kleene ``or``: true if any is true, else unknown if any is unknown, else false."""
    unknown = False
    for v in values:
        if v is True:
            return True
        if v is None:
            unknown = True
    return None if unknown else False


def decisive(op: str) -> bool:
    """The value that settles ``and`` (false) or ``or`` (true) by itself, whatever the other operands:
    the connective is that value if any operand is, the other value if all are, else unknown."""
    combine = k_and if op == "and" else k_or
    return next(v for v in (True, False) if all(combine((v, x)) is v for x in TRUTHS))


def k_if(test: Truth, then: Any, other: Any) -> Any:
    """``if test then a else b``; with an unknown test the value is known only when both agree."""
    if test is None:
        return then if then == other else None
    return then if test else other


def strict(args: Iterable[Any]) -> bool:
    """Whether a strict application may go ahead: no argument is unknown."""
    return all(a is not None for a in args)


EXACT = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN,
                        traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])
"""Decimal arithmetic as the language means it: exact (no rounding to 28 digits), and the same whatever
``decimal`` context the calling program or thread has set."""


def add(a: Any, b: Any) -> Any:
    return a + b if type(a) is int and type(b) is int else EXACT.add(a, b)


def subtract(a: Any, b: Any) -> Any:
    return a - b if type(a) is int and type(b) is int else EXACT.subtract(a, b)


def multiply(a: Any, b: Any) -> Any:
    return a * b if type(a) is int and type(b) is int else EXACT.multiply(a, b)


def ceil_to(amount: int | decimal.Decimal, step: int) -> int:
    """The smallest multiple of a positive ``step`` at or above ``amount``, exactly, in integers."""
    numerator, denominator = (amount, 1) if isinstance(amount, int) else amount.as_integer_ratio()
    return -(-numerator // (denominator * step)) * step


def floor_div(a: Any, b: Any) -> Any:
    """Integer division, rounded down (towards minus infinity) for integers and decimals alike, as the prover
    and the columnar evaluator divide; by zero it is unknown (the checker rejects a constant zero divisor)."""
    if b == 0:
        return None
    if type(a) is int and type(b) is int:
        return a // b
    quotient = EXACT.divide_int(a, b)  # towards zero
    if EXACT.multiply(quotient, b) != a and (a < 0) != (b < 0):
        quotient = EXACT.subtract(quotient, 1)
    return quotient


ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {"+": add, "-": subtract, "*": multiply, "//": floor_div}
COMPARISON: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne,
}
OPERATORS = ARITHMETIC | COMPARISON
NEGATED: dict[str, str] = {
    "<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "==", "in": "not in", "not in": "in",
}
"""The operator that holds exactly where ``op`` fails (on known values)."""


def binary(op: str, a: Any, b: Any) -> Any:
    """An exact binary operator: unknown when either side is."""
    return None if a is None or b is None else OPERATORS[op](a, b)


def contains(x: Any, xs: Any, negate: bool = False) -> Truth:
    """``x in xs`` over a known collection (tables with ``unlisted: unknown`` are settled by the
    caller, which knows the table)."""
    if x is None or xs is None:
        return None
    return (x in xs) is not negate


def in_table(x: Any, keys: AbstractSet[str], unlisted_unknown: bool) -> Truth:
    """``x in table``: a listed key is in it; an unlisted one is not, or is unknown where the table
    says ``unlisted: unknown`` (it is incomplete)."""
    if x is None:
        return None
    return True if x in keys else None if unlisted_unknown else False


EFFECT: dict[Kind, tuple[RuleResult, RuleResult]] = {
    Kind.REQUIRE: (RuleResult.PASS, RuleResult.FAIL),
    Kind.EXCLUDE: (RuleResult.FAIL, RuleResult.PASS),
    Kind.PRIORITIZE: (RuleResult.PRIORITIZED, RuleResult.NOT_PRIORITIZED),
    Kind.FLAG: (RuleResult.FLAGGED, RuleResult.PASS),
}
DECIDING = frozenset({Kind.REQUIRE, Kind.EXCLUDE})  # kinds whose unknown leaves the decision unknown


def rule_result(kind: Kind, holds: Truth) -> RuleResult:
    """What a rule of ``kind`` says when its condition is ``holds``."""
    if holds is None:
        return RuleResult.UNKNOWN
    on_true, on_false = EFFECT[kind]
    return on_true if holds else on_false


def outcome(results: Iterable[tuple[Kind, RuleResult]]) -> Outcome:
    """The decision from its rules: any failure makes it ineligible, else any unknown deciding rule
    leaves it undetermined, else eligible."""
    unknown = False
    for kind, result in results:
        if result is RuleResult.FAIL:
            return Outcome.INELIGIBLE
        if result is RuleResult.UNKNOWN and kind in DECIDING:
            unknown = True
    return Outcome.UNDETERMINED if unknown else Outcome.ELIGIBLE


def truth_table(op: str) -> list[tuple[tuple[Truth, ...], Truth]]:
    """Every input of a logical operator (``and``, ``or`` over two, ``not``) with its value here."""
    if op == "not":
        return [((a,), k_not(a)) for a in TRUTHS]
    combine = k_and if op == "and" else k_or
    return [((a, b), combine((a, b))) for a, b in product(TRUTHS, repeat=2)]
