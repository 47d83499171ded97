"""Tables conformed to the member contract: a file's columns checked against it once (names
shown without a NIK), Parquet's cast safely to the contract's, the fields it does not know found,
and the free text a run leaves unread (``validate.unchecked``) put back as nulls."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bsu_rules.batch.validate import REJECT_FIELD, REJECT_MESSAGE, ROW, TEXT_SCHEMA, with_rejects
from bsu_rules.errors import InputError
from bsu_rules.members import Leaf, contract
from bsu_rules.members.arrow import MEMBER_SCHEMA
from bsu_rules.members.contract import UNKNOWN, unheld
from bsu_rules.members.redact import key_path, shortened
from bsu_rules.ruleset.diagnostics import nearest

Found = list[tuple[np.ndarray, list[str], str]]
"""Rows with a problem in a column: the rows, the field path in each (``wages[2].currency``) and the
message, which is ``UNKNOWN`` for a field the contract does not know."""


def conform(table: pa.Table, ignore_unknown: bool = False) -> pa.Table:
    """The contract columns (absent ones null) with safe casts; rows holding a value in a field the
    contract does not know, or an integer the contract's type cannot hold (left null, as JSON lines
    leave it), get a reject reason. A column whose type cannot be read raises InputError."""
    n = table.num_rows
    names = [c for c in table.column_names if c not in (ROW, REJECT_FIELD, REJECT_MESSAGE)]
    if sorted(names) == sorted(MEMBER_SCHEMA.names) and \
            all(_shape(table.schema.field(f.name).type) == _shape(f.type) for f in MEMBER_SCHEMA):
        return with_rejects(table.select(MEMBER_SCHEMA.names).cast(MEMBER_SCHEMA), [None] * n)  # the usual case
    found: Found = []
    columns = []
    for f in TEXT_SCHEMA:
        source = table.column(f.name).combine_chunks() if f.name in table.column_names else pa.nulls(n, f.type)
        target = MEMBER_SCHEMA.field(f.name).type
        columns.append(_conform(source, target, f.name, np.arange(n), found))
    for name in table.column_names:
        if name not in TEXT_SCHEMA.names and name not in (ROW, REJECT_FIELD, REJECT_MESSAGE):
            rows = np.flatnonzero(table.column(name).is_valid().to_numpy(zero_copy_only=False))
            found.append((rows, [key_path("", name)] * rows.size, UNKNOWN))
    problems: list[list[tuple[str, str]] | None] = [None] * n
    for rows, paths, message in found:
        if message != UNKNOWN or not ignore_unknown:
            for r, path in zip(rows, paths, strict=True):
                problems[r] = (problems[r] or []) + [(path, message)]
    return with_rejects(pa.table(columns, names=TEXT_SCHEMA.names), problems)


def _shape(t: pa.DataType) -> str:
    """A type with list item names left out (``item`` or ``element``, as writers choose)."""
    if pa.types.is_list(t):
        return f"list<{_shape(t.value_type)}>"
    if pa.types.is_struct(t):
        return "struct<" + ",".join(f"{f.name}:{_shape(f.type)}" for f in t) + ">"
    return str(t)


def _conform(a: pa.Array, target: pa.DataType, path: str, rows: np.ndarray, found: Found,
             items: np.ndarray | None = None) -> pa.Array:
    """``a`` as ``target``. ``rows``: each value's row; ``items``: each value's place in its row's
    list, when ``a`` holds list items (``path`` then ends in ``[]``). A field the contract does not
    know, and an integer out of the target type's range, are added to ``found``."""
    if pa.types.is_dictionary(a.type):
        a = as_text(a) if is_text(a.type) else a.dictionary_decode()
    if pa.types.is_struct(target) and pa.types.is_struct(a.type):
        names = [a.type.field(i).name for i in range(a.type.num_fields)]
        children = []
        for f in target:
            child = pc.struct_field(a, [names.index(f.name)]) if f.name in names else pa.nulls(len(a), f.type)
            children.append(_conform(child, f.type, f"{path}.{f.name}", rows, found, items))
        for i, name in enumerate(names):
            if name not in target.names:
                valid = pc.and_(a.is_valid(), pc.struct_field(a, [i]).is_valid()).to_numpy(zero_copy_only=False)
                found.append((*_places(key_path(path, name), rows, items, valid), UNKNOWN))  # as JSON names it
        return pa.StructArray.from_arrays(children, names=target.names, mask=a.is_null())
    if pa.types.is_list(target) and (pa.types.is_list(a.type) or pa.types.is_large_list(a.type)):
        lengths = pc.fill_null(pc.list_value_length(a), 0).to_numpy(zero_copy_only=False)
        owner = np.repeat(np.arange(len(a)), lengths)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        values = _conform(pc.list_flatten(a), target.value_type, f"{path}[]", rows[owner], found,
                          np.arange(owner.size) - starts[owner])
        offsets = pa.array(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32))
        return pa.ListArray.from_arrays(offsets, values, mask=a.is_null())
    text = is_text(a.type)
    if pa.types.is_date(target) and text:
        return a.cast(pa.string())
    if pa.types.is_integer(target) and pa.types.is_integer(a.type):
        return _in_range(a, target, path, rows, found, items)
    fits = text if pa.types.is_string(target) else pa.types.is_date(a.type)
    try:
        if fits or pa.types.is_null(a.type):
            return a if a.type == target else a.cast(target, safe=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        pass
    hint = "; convert it to dates (pandas: df[col] = df[col].dt.date)" \
        if pa.types.is_timestamp(a.type) and pa.types.is_date(target) else ""
    raise InputError([(path, f"the column has type {a.type}; the contract needs {target}{hint}")])


def is_text(t: pa.DataType) -> bool:
    """Whether a column of type ``t`` is read as text (a dictionary is read as its values)."""
    t = t.value_type if pa.types.is_dictionary(t) else t
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t))


def as_text(a: pa.Array) -> pa.Array:
    """A text column (``is_text``) as the contract's ``string``, as the full read gives it."""
    if pa.types.is_dictionary(a.type):  # its values made strings first: Arrow cannot take from string_view
        return as_text(a.dictionary).take(a.indices)
    return a if pa.types.is_string(a.type) else a.cast(pa.string())


def _in_range(a: pa.Array, target: pa.DataType, path: str, rows: np.ndarray, found: Found,
              items: np.ndarray | None) -> pa.Array:
    """Integers as the integer type ``target``; one it cannot hold (a year of 2147483648 in int64, an
    amount over int64's in uint64) is left null and its row rejected, as ``validate.typed`` says it."""
    if a.type == target:
        return a
    have, need = np.iinfo(a.type.to_pandas_dtype()), np.iinfo(target.to_pandas_dtype())
    checks = ([pc.less(a, pa.scalar(need.min, a.type))] if have.min < need.min else []) + \
             ([pc.greater(a, pa.scalar(need.max, a.type))] if have.max > need.max else [])
    outside = np.zeros(len(a), dtype=bool)
    for check in checks:
        outside |= pc.fill_null(check, False).to_numpy(zero_copy_only=False)
    if outside.any():
        hit, paths = _places(path, rows, items, outside)
        shown = [a[int(i)].as_py() for i in np.flatnonzero(outside)]
        found.extend((hit[k:k + 1], paths[k:k + 1], unheld(paths[k], value)) for k, value in enumerate(shown))
        a = pc.if_else(pa.array(outside), pa.scalar(None, a.type), a)
    return a.cast(target, safe=True)


def _places(path: str, rows: np.ndarray, items: np.ndarray | None, mask: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The rows where ``mask`` holds and the field path in each: a list item's ``[]`` becomes its
    place (``wages[2].currency``)."""
    if items is None:
        hit = np.unique(rows[mask])
        return hit, [path] * hit.size
    return rows[mask], [path.replace("[]", f"[{k}]", 1) for k in items[mask]]


def columns_to_read(schema: pa.Schema, unread: set[str]) -> list[str] | None:
    """The columns (dotted for struct fields) to read from a Parquet file, leaving ``unread`` out
    (None: all of them); a struct is read whole if none of its fields would be left."""
    if any("." in name for name in schema.names):  # a dotted column name would read as a path
        return None
    columns = []
    for f in schema:
        if f.name in unread:
            continue
        if pa.types.is_struct(f.type):
            kept = [c.name for c in f.type if f"{f.name}.{c.name}" not in unread]
            if 0 < len(kept) < f.type.num_fields:
                columns += [f"{f.name}.{name}" for name in kept]
                continue
        columns.append(f.name)
    return columns


def fill_unread(table: pa.Table, unread: set[str]) -> pa.Table:
    """The contract fields in ``unread`` put back, as nulls, where the table lacks them."""
    n = table.num_rows
    for f in MEMBER_SCHEMA:
        if f.name in unread and f.name not in table.column_names:
            table = table.append_column(f.name, pa.nulls(n, f.type))
        elif pa.types.is_struct(f.type) and f.name in table.column_names and \
                any(f"{f.name}.{c.name}" in unread for c in f.type):
            column = table[f.name].combine_chunks()
            have = [column.type.field(i).name for i in range(column.type.num_fields)]
            children = [pc.struct_field(column, [have.index(c.name)]) if c.name in have else pa.nulls(n, c.type)
                        for c in f.type]
            names = [c.name for c in f.type] + [name for name in have if name not in f.type.names]
            children += [pc.struct_field(column, [have.index(name)]) for name in names[len(f.type):]]
            filled = pa.StructArray.from_arrays(children, names=names, mask=column.is_null())
            table = table.set_column(table.schema.get_field_index(f.name), f.name, filled)
    return table


REQUIRED = [name for name, spec in contract().items() if isinstance(spec, Leaf) and spec.required]


def column_problems(names: list[str], ignore_unknown: bool, where: str) -> list[str]:
    """What is wrong with a file's columns, checked once for the whole file (CSV header, Parquet
    schema): a name twice, a required one missing, one the contract does not know (unless ignored).
    Names are shown as ``_shown`` does (never a NIK or an account number)."""
    known = set(TEXT_SCHEMA.names)
    cased = [name for name in names if name not in known and name.strip().lower() in known]  # NIK, Nik
    if names and not set(names) & known and not cased:
        what = "the first row looks like data, not a header: it" if where == "the header" else where
        return [f"{what} names no field of the contract as a column (such as {', '.join(REQUIRED)})"]
    repeated = sorted({name for name in names if names.count(name) > 1})
    missing = [name for name in REQUIRED if name not in names]
    unknown = [name for name in names if name not in known]
    problems = []
    if repeated:
        problems.append(f"{where} repeats {listed(repeated)}")
    if missing:
        problems.append(f"{where} lacks the required column(s) {', '.join(missing)}")
    if unknown and (cased or not ignore_unknown):
        meant = [f"{to} for {_shown(name)}" for name in unknown[:20] if (to := nearest(name, known))]
        hint = f"did you mean {', '.join(meant)}? rename them, or pass --ignore-unknown" if meant else \
            "rename them, or pass --ignore-unknown"
        if cased:
            others = "; rename the others, or pass --ignore-unknown" if len(cased) < len(unknown) else ""
            hint = f"{_misnamed(cased)}: write {listed([n.strip().lower() for n in cased])}{others}"
        problems.append(f"{where} has column(s) the contract does not know: {listed(unknown)} ({hint})")
    return problems


def _misnamed(names: list[str]) -> str:
    """What is wrong with names that are the contract's but for their case or the spaces around them."""
    spaced = any(name != name.strip() for name in names)
    cased = any(name.strip() != name.strip().lower() for name in names)
    if spaced and cased:
        return "the contract's names are lower case, with no space around them"
    return "a name has a space before or after it" if spaced else "the contract's names are lower case"


def listed(names: list[str], limit: int = 200) -> str:
    """Column names as a message lists them: whole names, about ``limit`` characters, then how many more."""
    shown: list[str] = []
    for name in map(_shown, names):
        if shown and sum(len(s) + 2 for s in shown) + len(name) > limit:
            return f"{', '.join(shown)} and {len(names) - len(shown)} more"
        shown.append(name)
    return ", ".join(shown)


def _shown(name: str) -> str:
    """A column name as a message shows it: an empty one in words, one with spaces around quoted,
    a long run of digits (a NIK, an account number) as how many digits, a very long one cut short, a
    control character or direction mark escaped."""
    if not name.strip():
        return "an unnamed column"
    name = shortened(name, 60)
    return repr(name) if name != name.strip() else name


def unread_columns(schema: pa.Schema, columns: list[str] | None) -> list[str]:
    """The columns (dotted for struct fields) of a Parquet file that reading ``columns`` leaves out."""
    if columns is None:
        return []
    read = set(columns)
    out: list[str] = []
    for f in schema:
        if f.name in read:
            continue
        inner = [c.name for c in f.type] if pa.types.is_struct(f.type) else []
        if any(f"{f.name}.{c}" in read for c in inner):
            out += [f"{f.name}.{c}" for c in inner if f"{f.name}.{c}" not in read]
        else:
            out.append(f.name)
    return out


def joined(schema: pa.Schema, read: pa.Table, other: pa.Table) -> pa.Table:
    """The same rows of a Parquet file read as two sets of columns (``unread_columns``), whole again, as
    ``schema`` lays them out: a struct read in part from each put back together."""
    columns = []
    for f in schema:
        if f.name in read.column_names and f.name in other.column_names:
            a, b = read[f.name].combine_chunks(), other[f.name].combine_chunks()
            have_a, have_b = [c.name for c in a.type], [c.name for c in b.type]
            children = [pc.struct_field(a, [have_a.index(c.name)]) if c.name in have_a
                        else pc.struct_field(b, [have_b.index(c.name)]) for c in f.type]
            columns.append(pa.StructArray.from_arrays(children, fields=list(f.type), mask=a.is_null()))
        else:
            columns.append((read if f.name in read.column_names else other)[f.name])
    return pa.table(columns, names=schema.names)
