"""The member contract as an Arrow schema: one member per row, histories as lists.

Field names and nesting follow :class:`bsu_rules.members.Member` exactly; months stay ``YYYY-MM``
text, dates are ``date32``, money is ``int64`` rupiah. Every field is nullable: null means
unknown, an empty list means "known to be none" (as in the record form).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from bsu_rules.members import Group, Leaf, Member, contract

__all__ = ["MEMBER_SCHEMA", "members_to_arrow"]

INT32 = (-(2**31), 2**31 - 1)


def arrow_type(spec: Leaf | Group) -> pa.DataType:
    """The Arrow type of one contract field: text, ``date32``, ``int64`` (``int32`` when its bounds fit)."""
    if isinstance(spec, Group):
        struct = pa.struct([(name, arrow_type(child)) for name, child in spec.fields.items()])
        return pa.list_(struct) if spec.many else struct
    if spec.kind == "date":
        return pa.date32()
    if spec.kind == "int":
        small = spec.low is not None and spec.high is not None and INT32[0] <= spec.low and spec.high <= INT32[1]
        return pa.int32() if small else pa.int64()
    return pa.string()


MEMBER_SCHEMA: pa.Schema = pa.schema([(name, arrow_type(spec)) for name, spec in contract().items()])
"""Derived from the contract's declaration (``members.contract``), so the two cannot drift."""


def members_to_arrow(records: Sequence[Member | dict[str, Any]]) -> pa.Table:
    """Validate records (InputError if one is malformed) into a MEMBER_SCHEMA table.

    Meant for tests and small inputs: it goes through Python objects, so it is slow for
    millions of rows; the batch path reads files into Arrow directly."""
    from bsu_rules.members.parse import parse_member  # lazy: the batch reads files into Arrow without it

    rows = [parse_member(record).model_dump() for record in records]
    return pa.Table.from_pylist(rows, schema=MEMBER_SCHEMA)
