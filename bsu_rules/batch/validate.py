"""Check a chunk of member rows against the data contract, column by column.

The checks are vectorised (Arrow compute over whole columns and flattened histories); messages
are written only for the rows that fail, which are few. A row fails if any field breaks the
contract (design §3): NIK not 16 digits, a value outside an enumeration, a month that is not
``YYYY-MM`` with month 01-12, a negative or missing amount, a date that is not a real
``YYYY-MM-DD`` day, a required field missing, or a problem found while reading (``read.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bsu_rules.evaluators.arrow import MEMBER_SCHEMA
from bsu_rules.members import Citizenship, EmploymentType, ParticipantCategory, Program

ROW, REJECT_FIELD, REJECT_MESSAGE = "_row", "_reject_field", "_reject_message"
def _text_type(t: pa.DataType) -> pa.DataType:
    """The contract type with dates as text (how JSON and CSV carry them)."""
    if pa.types.is_date(t):
        return pa.string()
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, _text_type(f.type)) for f in t])
    if pa.types.is_list(t):
        return pa.list_(_text_type(t.value_type))
    return t


TEXT_SCHEMA = pa.schema([pa.field(f.name, _text_type(f.type)) for f in MEMBER_SCHEMA])


MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
DAY = r"^\d{4}-\d{2}-\d{2}$"
REJECT_SCHEMA = pa.schema([("row", pa.int64()), ("field", pa.string()), ("message", pa.string())])
_ENUMS = {
    "citizenship": [e.value for e in Citizenship],
    "participant_category": [e.value for e in ParticipantCategory],
    "employment_type": [e.value for e in EmploymentType],
}
_PATTERNS = {"nik": r"^\d{16}$", "kpj": r"^\d{1,20}$", "work_regency_code": r"^\d{4}$"}
_REQUIRED = ("nik", "citizenship", "participant_category")
# histories: list column -> element fields (name, required, check)
_ITEMS: dict[str, list[tuple[str, bool, str]]] = {
    "wages": [("period", True, "month"), ("amount", True, "rupiah")],
    "contributions": [("period", True, "month"), ("amount", False, "rupiah"), ("paid_on", False, "date")],
    "program_receipts": [("program", True, "program"), ("year", True, "year")],
}


@dataclass
class _Problems:
    """Failing (row index, path, message) triples, in the order the checks ran."""

    index: list[np.ndarray]
    path: list[list[str]]
    message: list[list[str]]

    def add(self, rows: np.ndarray, path: Callable[[int], str], message: Callable[[int], str]) -> None:
        if rows.size:
            self.index.append(rows)
            self.path.append([path(i) for i in range(rows.size)])
            self.message.append([message(i) for i in range(rows.size)])


def _false(mask: pa.Array) -> np.ndarray:
    """Positions where a boolean array is false (null counts as passing)."""
    return np.flatnonzero(~pc.fill_null(mask, True).to_numpy(zero_copy_only=False))


def _show(value: object) -> str:
    return repr(value) if not isinstance(value, str) else repr(value[:40])


def _parse_days(values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Text dates to date32, and the positions that are not real ``YYYY-MM-DD`` days."""
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        return values, np.zeros(0, dtype=np.int64)
    stamps = pc.strptime(values, format="%Y-%m-%d", unit="s", error_is_null=True)
    ok = pc.and_kleene(pc.match_substring_regex(values, DAY), pc.equal(pc.strftime(stamps, "%Y-%m-%d"), values))
    bad = _false(pc.or_kleene(ok, values.is_null()))
    days = pc.if_else(pc.fill_null(ok, False), stamps, pa.scalar(None, stamps.type)).cast(pa.date32())
    return days, bad


def _check_leaf(p: _Problems, values: pa.Array, kind: str, rows: np.ndarray, path: Callable[[int], str],
                required: bool) -> pa.Array:
    """One field over all rows (or all history items); returns the value, dates converted."""
    if required:
        missing = np.flatnonzero(values.is_null().to_numpy(zero_copy_only=False))
        p.add(rows[missing], lambda i: path(missing[i]), lambda i: "required field is missing")
    if kind == "date":
        days, bad = _parse_days(values)
        p.add(rows[bad], lambda i: path(bad[i]),
              lambda i: f"{_show(values[bad[i]].as_py())} is not a date (YYYY-MM-DD)")
        return days
    if kind in ("month", "pattern", "enum", "program"):
        if kind == "month":
            ok, what = pc.match_substring_regex(values, MONTH), "is not a month (YYYY-MM)"
        elif kind == "program":
            ok, what = pc.is_in(values, pa.array([e.value for e in Program])), "is not a known programme"
        else:
            ok, what = _pattern_or_enum(values, path(0).split("[")[0].split(".")[-1])
        bad = _false(pc.or_(ok, values.is_null()))
        p.add(rows[bad], lambda i: path(bad[i]), lambda i: _describe(path(bad[i]), values[bad[i]].as_py(), what))
    elif kind in ("rupiah", "year"):
        ok = pc.greater_equal(values, 0) if kind == "rupiah" else \
            pc.and_(pc.greater_equal(values, 2000), pc.less_equal(values, 2100))
        what = "is negative (integer rupiah, 0 or more)" if kind == "rupiah" else "is not a year from 2000 to 2100"
        bad = _false(ok)
        p.add(rows[bad], lambda i: path(bad[i]), lambda i: f"{values[bad[i]].as_py()} {what}")
    return values


def _pattern_or_enum(values: pa.Array, name: str) -> tuple[pa.Array, str]:
    if name in _ENUMS:
        return pc.is_in(values, pa.array(_ENUMS[name])), "is not one of " + ", ".join(_ENUMS[name])
    if name == "sector":
        return pc.match_substring_regex(values, r"^[A-U]$"), "is not a KBLI 2020 section letter (A-U)"
    return pc.match_substring_regex(values, _PATTERNS[name]), {
        "nik": "is not 16 digits", "kpj": "is not 1 to 20 digits", "work_regency_code": "is not 4 digits"}[name]


def _describe(path: str, value: object, what: str) -> str:
    if path == "nik":  # never echo a NIK: say what is wrong with it
        text = str(value)
        return f"has {len(text)} characters, not 16" if len(text) != 16 else "has a character that is not a digit"
    return f"{_show(value)} {what}"


def validate(table: pa.Table) -> tuple[pa.Table, pa.Table]:
    """Split a chunk (``read.py`` layout) into valid members (``_row`` + the contract) and rejects
    (``row``, ``field``, ``message``: every problem of the row, the first one's field)."""
    table = table.combine_chunks()
    n = table.num_rows
    rows = np.arange(n)
    p = _Problems([], [], [])
    early = np.zeros(0, dtype=np.int64)
    if REJECT_FIELD in table.column_names:
        early = np.flatnonzero(table[REJECT_FIELD].is_valid().to_numpy(zero_copy_only=False))
        fields, messages = table[REJECT_FIELD].to_pylist(), table[REJECT_MESSAGE].to_pylist()
        p.add(early, lambda i: fields[early[i]], lambda i: messages[early[i]].split(": ", 1)[-1])
    columns: dict[str, pa.Array] = {}
    for f in MEMBER_SCHEMA:
        values = _array(table, f.name, f.type, n)
        name = f.name
        if pa.types.is_date(f.type):
            columns[name] = _check_leaf(p, values, "date", rows, _named(name), False)
        elif pa.types.is_string(f.type) and (name in _ENUMS or name in _PATTERNS):
            columns[name] = _check_leaf(p, values, "enum", rows, _named(name), name in _REQUIRED)
        elif name == "employer":
            sector = pc.struct_field(values, "sector")
            _check_leaf(p, pc.if_else(values.is_valid(), sector, pa.scalar(None, pa.string())), "enum", rows,
                        _named("employer.sector"), False)
            columns[name] = values
        elif name in _ITEMS:
            columns[name] = _check_history(p, values, name)
        else:
            columns[name] = values
    if REJECT_FIELD in table.column_names and early.size:  # a row that could not be read has nothing else to say
        for k in range(1, len(p.index)):
            keep_k = ~np.isin(p.index[k], early)
            p.index[k] = p.index[k][keep_k]
            p.path[k] = [x for x, kept in zip(p.path[k], keep_k, strict=True) if kept]
            p.message[k] = [x for x, kept in zip(p.message[k], keep_k, strict=True) if kept]
    bad = np.unique(np.concatenate(p.index)) if p.index else np.zeros(0, dtype=np.int64)
    keep = np.ones(n, dtype=bool)
    keep[bad] = False
    members = pa.table(columns).cast(MEMBER_SCHEMA).add_column(0, ROW, table[ROW])
    if bad.size:
        members = members.filter(pa.array(keep))
    return members, _rejects(p, table[ROW].to_numpy())


def _array(table: pa.Table, name: str, t: pa.DataType, n: int) -> pa.Array:
    if name not in table.column_names:
        return pa.nulls(n, t)
    column = table[name]
    return column.chunk(0) if column.num_chunks else pa.nulls(0, column.type)


def _named(text: str) -> Callable[[int], str]:
    return lambda i: text


def _item(name: str, position: np.ndarray, field: str | None = None) -> Callable[[int], str]:
    """The path of history item ``i``: ``wages[2]`` or ``wages[2].period``."""
    suffix = f".{field}" if field else ""
    return lambda i: f"{name}[{position[i]}]{suffix}"


def _check_history(p: _Problems, values: pa.Array, name: str) -> pa.Array:
    lengths = pc.fill_null(pc.list_value_length(values), 0).to_numpy(zero_copy_only=False)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    items = pc.list_flatten(values)
    parent = np.repeat(np.arange(len(values), dtype=np.int64), lengths)  # as list_flatten: null lists hold none
    position = np.arange(len(items)) - starts[parent]
    null_item = np.flatnonzero(items.is_null().to_numpy(zero_copy_only=False))
    p.add(parent[null_item], _item(name, position[null_item]), _named("expected an object, got null"))
    present = items.is_valid()
    children = []
    for field, required, kind in _ITEMS[name]:
        child = pc.if_else(present, pc.struct_field(items, field), pa.scalar(None, items.type.field(field).type))
        if required:
            missing = np.flatnonzero(pc.and_(present, child.is_null()).to_numpy(zero_copy_only=False))
            p.add(parent[missing], _item(name, position[missing], field), _named("required field is missing"))
        children.append(_check_leaf(p, child, kind, parent, _item(name, position, field), False))
    struct = pa.StructArray.from_arrays(children, names=[f for f, _, _ in _ITEMS[name]],
                                        mask=items.is_null())
    offsets = pa.array(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32))
    return pa.ListArray.from_arrays(offsets, struct, mask=values.is_null())


def _rejects(p: _Problems, row_numbers: np.ndarray) -> pa.Table:
    if not p.index:
        return REJECT_SCHEMA.empty_table()
    index = np.concatenate(p.index)
    paths = [x for chunk in p.path for x in chunk]
    messages = [x for chunk in p.message for x in chunk]
    order = np.argsort(index, kind="stable")
    out_rows: list[int] = []
    out_fields: list[str] = []
    out_messages: list[str] = []
    for k in order:
        r = int(row_numbers[index[k]])
        text = f"{paths[k]}: {messages[k]}"
        if out_rows and out_rows[-1] == r:
            out_messages[-1] += f"; {text}"
        else:
            out_rows.append(r)
            out_fields.append(paths[k])
            out_messages.append(text)
    return pa.table([pa.array(out_rows, pa.int64()), pa.array(out_fields), pa.array(out_messages)],
                    schema=REJECT_SCHEMA)


def with_rejects(table: pa.Table, problems: list[list[tuple[str, str]] | None]) -> pa.Table:
    """Append the reject columns (``problems``: per row, None or (path, message) pairs)."""
    if not any(problems):
        nulls = pa.nulls(table.num_rows, pa.string())
        return table.append_column(REJECT_FIELD, nulls).append_column(REJECT_MESSAGE, nulls)
    fields = [p[0][0] if p else None for p in problems]
    messages = ["; ".join(f"{path}: {msg}" for path, msg in p) if p else None for p in problems]
    return table.append_column(REJECT_FIELD, pa.array(fields, pa.string())).append_column(
        REJECT_MESSAGE, pa.array(messages, pa.string()))


# --- shapes and JSON types, for records decoded in Python -------------------------------------

Decoded = tuple[dict[str, Any] | None, list[tuple[str, str]]]
"""A decoded text record (or None) and its problems as (field path, message) pairs."""


def _kind(t: pa.DataType) -> str:
    text, number = pa.types.is_string(t) or pa.types.is_date(t), pa.types.is_integer(t)
    return "text" if text else "an integer" if number else "an object" if pa.types.is_struct(t) else "a list"


def _json_name(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", float: "a decimal number",
            int: "an integer"}.get(type(value), type(value).__name__)


def typed(value: Any, ignore_unknown: bool, t: pa.DataType | None = None, path: str = "") -> Decoded:
    """Check a decoded JSON value against a contract type; the record when it fits, else the problems."""
    problems: list[tuple[str, str]] = []
    schema_fields = list(TEXT_SCHEMA) if t is None else list(t) if pa.types.is_struct(t) else []
    if t is None or pa.types.is_struct(t):
        if not isinstance(value, dict):
            return None, [(path or "(record)", f"expected an object, got {_json_name(value)}")]
        known = {f.name: f.type for f in schema_fields}
        out: dict[str, Any] = {}
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            if key not in known:
                if not ignore_unknown:
                    problems.append((where, "unknown field"))
                continue
            if item is None:
                continue
            _, found = typed(item, ignore_unknown, known[key], where)
            problems += found
            out[key] = item
        return (None if problems else out), problems
    if pa.types.is_list(t):
        if not isinstance(value, list):
            return None, [(path, f"expected a list, got {_json_name(value)}")]
        for i, item in enumerate(value):
            if item is not None:
                problems += typed(item, ignore_unknown, t.value_type, f"{path}[{i}]")[1]
        return None, problems
    ok = isinstance(value, str) if _kind(t) == "text" else isinstance(value, int) and not isinstance(value, bool)
    if ok and pa.types.is_integer(t) and not -(2 ** (t.bit_width - 1)) <= value < 2 ** (t.bit_width - 1):
        return None, [(path, f"{value} is out of range")]
    shown = "" if path == "nik" else f"{json.dumps(value)[:40]}: "  # never echo a NIK
    return None, [] if ok else [(path, f"{shown}expected {_kind(t)}, got {_json_name(value)}")]
