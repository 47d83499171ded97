"""Lower bounds: a number known only to be *at least* some value.

A table row marked ``lower`` (a minimum wage carried from an earlier year, which is never lowered)
gives an :class:`AtLeast` instead of a number. Every operation below keeps what the bound still
tells and gives *unknown* (``None``) where it tells nothing: ``AtLeast(4_375_479) > 3_500_000`` is
true, ``4_300_000 <= AtLeast(4_400_000)`` is true, ``4_500_000 <= AtLeast(4_400_000)`` is unknown.
This module is the one statement of those rules; the columnar evaluator mirrors it and is tested
against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bsu_rules.semantics import add, ceil_to, floor_div, multiply, subtract

__all__ = ["MIRROR", "AtLeast", "arithmetic", "call", "compare", "row", "rows_in"]

Number = int | Decimal


@dataclass(frozen=True)
class AtLeast:
    """A number that is at least ``value``; ``rows`` names the table rows the bound comes from."""

    value: Number
    rows: tuple[str, ...] = field(compare=False)  # two bounds of one value are the same value


MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def compare(op: str, a: Any, b: Any) -> bool | None:
    """``a op b`` where one side (or both) is a bound; None where the bound does not settle it."""
    if isinstance(a, AtLeast) and isinstance(b, AtLeast):
        return None
    if isinstance(b, AtLeast):
        a, b, op = b, a, MIRROR[op]
    x = a.value  # the left side is some v >= x
    if op == ">":
        return True if x > b else None
    if op == ">=":
        return True if x >= b else None
    if op == "<":
        return False if x >= b else None
    if op == "<=":
        return False if x > b else None
    if op == "==":
        return False if x > b else None
    return True if x > b else None  # "!="


def arithmetic(op: str, a: Any, b: Any) -> AtLeast | None:
    """``a op b`` for + - * // where one side (or both) is a bound: a bound, or None."""
    rows = rows_in((a, b))
    x, y = (v.value if isinstance(v, AtLeast) else v for v in (a, b))
    a_bound, b_bound = isinstance(a, AtLeast), isinstance(b, AtLeast)
    if op == "+":
        return AtLeast(add(x, y), rows)
    if op == "-" and not b_bound:
        return AtLeast(subtract(x, y), rows)
    if op == "*" and x >= 0 and y >= 0:
        return AtLeast(multiply(x, y), rows)
    if op == "//" and a_bound and not b_bound and y > 0:
        return AtLeast(floor_div(x, y), rows)
    return None


def call(name: str, args: Sequence[Any]) -> Any:
    """A strict catalogue function with a bound among its (known) arguments."""
    rows = rows_in(args)
    if name == "round_up" and not isinstance(args[1], AtLeast):
        amount, step = args[0].value, args[1]
        if step <= 0:
            raise ValueError(f"step must be positive, got {step}")
        return AtLeast(ceil_to(amount, step), rows)
    if name == "max":
        return AtLeast(max(v.value if isinstance(v, AtLeast) else v for v in args), rows)
    if name == "min":
        exact = [v for v in args if not isinstance(v, AtLeast)]
        low = min(v.value for v in args if isinstance(v, AtLeast))
        if exact and min(exact) <= low:
            return min(exact)
        return AtLeast(low, rows)
    return None


def row(table: Any, key: str, default: Any = None) -> Any:
    """``table.<name>.get(key, default)`` as the engine reads it: a row marked ``lower`` as an
    :class:`AtLeast` naming the row."""
    value = (table.values or {}).get(key)
    if value is None:
        return default
    return AtLeast(value, (f"table.{table.name}[{key}]",)) if key in table.bounds else value


def rows_in(values: Sequence[Any]) -> tuple[str, ...]:
    """The table rows behind the bounds among ``values``, each once, in order."""
    out: list[str] = []
    for v in values:
        if isinstance(v, AtLeast):
            out += [r for r in v.rows if r not in out]
    return tuple(out)

