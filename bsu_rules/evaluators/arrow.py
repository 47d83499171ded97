"""The member contract (design §3) as an Arrow schema: one member per row, histories as lists.

Field names and nesting follow :class:`bsu_rules.members.Member` exactly; months stay ``YYYY-MM``
text, dates are ``date32``, money is ``int64`` rupiah. Every field is nullable: null means
unknown, an empty list means "known to be none" (as in the record form).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from bsu_rules.members import Member, parse_member

__all__ = ["MEMBER_SCHEMA", "members_to_arrow"]

EMPLOYER = pa.struct([("npp", pa.string()), ("name", pa.string()), ("sector", pa.string())])
WAGE = pa.struct([("period", pa.string()), ("amount", pa.int64())])
CONTRIBUTION = pa.struct([("period", pa.string()), ("amount", pa.int64()), ("paid_on", pa.date32())])
RECEIPT = pa.struct([("program", pa.string()), ("year", pa.int32())])
BANK_ACCOUNT = pa.struct([("bank", pa.string()), ("number", pa.string()), ("holder_name", pa.string())])

MEMBER_SCHEMA: pa.Schema = pa.schema([
    ("nik", pa.string()),
    ("kpj", pa.string()),
    ("name", pa.string()),
    ("birth_date", pa.date32()),
    ("citizenship", pa.string()),
    ("participant_category", pa.string()),
    ("employment_type", pa.string()),
    ("work_regency_code", pa.string()),
    ("employer", EMPLOYER),
    ("registered_on", pa.date32()),
    ("membership_ended_on", pa.date32()),
    ("deceased_on", pa.date32()),
    ("wages", pa.list_(WAGE)),
    ("contributions", pa.list_(CONTRIBUTION)),
    ("program_receipts", pa.list_(RECEIPT)),
    ("bank_account", BANK_ACCOUNT),
])


def members_to_arrow(records: Sequence[Member | dict[str, Any]]) -> pa.Table:
    """Validate records (InputError if one is malformed) into a MEMBER_SCHEMA table.

    Meant for tests and small inputs: it goes through Python objects, so it is slow for
    millions of rows; the batch path reads files into Arrow directly."""
    rows = [parse_member(record).model_dump() for record in records]
    return pa.Table.from_pylist(rows, schema=MEMBER_SCHEMA)
