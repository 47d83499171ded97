"""The rule language's types, and the member fields rule files may read (from the contract)."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel


_WORDS = {"int": "a number", "decimal": "a number", "date": "a date", "month": "a month", "str": "text",
          "bool": "true or false", "keyset": "a set of keys"}
_PLURAL = {"int": "numbers", "decimal": "numbers", "date": "dates", "month": "months", "str": "text",
           "bool": "true or false values"}


@dataclass(frozen=True)
class Type:
    """A value type. ``item`` is the element (list) or value (table) type."""

    name: str
    item: Type | None = None
    choices: frozenset[str] | None = None

    def __str__(self) -> str:
        if self.name == "list" and self.item:
            return f"list of {self.item}"
        if self.name == "table" and self.item:
            return f"table of {self.item}"
        return self.name

    @property
    def words(self) -> str:
        """The type in words: `a number`, `a date`, `text`, `a list of text` ..."""
        if self.name in ("list", "table") and self.item:
            return f"a {self.name} of {_PLURAL.get(self.item.name, str(self.item))}"
        return _WORDS.get(self.name, f"a {self}")

    @property
    def numeric(self) -> bool:
        return self.name in ("int", "decimal")


INT, DECIMAL, BOOL, STR = Type("int"), Type("decimal"), Type("bool"), Type("str")
DATE, MONTH, KEYSET = Type("date"), Type("month"), Type("keyset")
WAGES, CONTRIBUTIONS, RECEIPTS = Type("wages"), Type("contributions"), Type("receipts")
HISTORIES = (WAGES, CONTRIBUTIONS, RECEIPTS)


INT_LIMIT = 2**63 - 1
"""The largest whole number every evaluator computes with exactly (the columnar one in 64 bits)."""
DECIMAL_PLACES = 18
"""The most digits a number may have after the point: with a whole part up to INT_LIMIT (19 digits),
within the 38 digits of the columnar evaluator's 128-bit decimals."""


def too_wide(value: object) -> str | None:
    """Why a number is too large, or has too many decimal places, for every evaluator to compute
    with exactly, if it does."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal) or \
            (isinstance(value, Decimal) and not value.is_finite()):
        return None
    shown = f"{value:f}" if isinstance(value, Decimal) else str(value)  # never 1E+20 or a float
    if not -INT_LIMIT <= value <= INT_LIMIT:
        return f"{shown} is larger than the engine computes with exactly (at most 2**63 - 1, about 9.2 x 10**18, " \
            "either side of 0)"  # the limit in digits would read as an identifier, and be hidden
    exponent = value.as_tuple().exponent if isinstance(value, Decimal) else 0
    if isinstance(exponent, int) and -exponent > DECIMAL_PLACES:
        return f"{shown} has more decimal places than the engine computes with exactly (at most {DECIMAL_PLACES})"
    return None


def list_of(item: Type) -> Type:
    return Type("list", item)


def table_of(value: Type) -> Type:
    return Type("table", value)


def unify(a: Type, b: Type) -> Type | None:
    """The common type of two branches or list items, or None if they do not mix."""
    if a.numeric and b.numeric:
        return INT if a == b == INT else DECIMAL
    if a.name != b.name or a.item != b.item:
        return None
    if a.choices is None or b.choices is None:
        return Type(a.name, a.item)
    return Type(a.name, a.item, a.choices | b.choices)


def comparable(a: Type, b: Type) -> bool:
    return unify(a, b) is not None and a.name not in ("list", "table", "keyset") and a not in HISTORIES


_HISTORY_ITEMS = {"WageReport": WAGES, "Contribution": CONTRIBUTIONS, "ProgramReceipt": RECEIPTS}


def _field_type(annotation: Any) -> Type | BaseModel | None:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _field_type(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _field_type(args[0]) if len(args) == 1 else None
    if origin is list:
        item = typing.get_args(annotation)[0]
        return _HISTORY_ITEMS.get(getattr(item, "__name__", ""))
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return Type("str", choices=frozenset(str(m.value) for m in annotation))
    if annotation is date:
        return DATE
    if annotation is str:
        return STR
    if annotation is int:
        return INT
    if _is_model(annotation):
        return annotation  # type: ignore[no-any-return]
    return None


def item_field(model: type[BaseModel], name: str) -> Type:
    """The type of field ``name`` of a history item (``ProgramReceipt.program``), with the contract's
    choices when it has them: a catalogue function's argument that holds such values is declared with
    it, so that a value the field can never hold is caught where it is written."""
    found = _field_type(model.model_fields[name].annotation)
    if not isinstance(found, Type):
        raise TypeError(f"{model.__name__}.{name} is not a plain value")
    return found


def _is_model(annotation: Any) -> bool:
    """A pydantic model class (told by its fields, so that the language does not import pydantic)."""
    return isinstance(annotation, type) and hasattr(annotation, "model_fields")


def _fields(model: type[BaseModel], prefix: str) -> dict[str, Type]:
    out: dict[str, Type] = {}
    for name, info in model.model_fields.items():
        found = _field_type(info.annotation)
        if isinstance(found, Type):
            out[f"{prefix}.{name}"] = found
        elif _is_model(found):
            out.update(_fields(found, f"{prefix}.{name}"))  # type: ignore[arg-type]
    return out


@cache
def member_fields() -> dict[str, Type]:
    """``member.<path>`` -> type, derived from the Member model so the two never drift."""
    from bsu_rules.members import Member  # lazy: the contract (pydantic) loads when first read, not with the language

    fields = _fields(Member, "member")
    sector = fields.get("member.employer.sector")
    if sector is not None:
        fields["member.employer.sector"] = Type("str", choices=frozenset("ABCDEFGHIJKLMNOPQRSTU"))
    return fields
