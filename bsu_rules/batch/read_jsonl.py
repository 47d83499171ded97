"""JSON lines as Arrow tables, the contract's text fields typed, a rejected row for each line that cannot be.

Lines are parsed by Arrow's strict JSON reader, all at once; lines that fail are parsed in blocks,
and a block that fails is split down to a few lines, decoded in Python for a precise message. CSV
records are read the same way once written as JSON lines (``read_csv``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from bsu_rules.batch.validate import TEXT_SCHEMA, Decoded, typed, with_rejects
from bsu_rules.members import Group, Leaf, contract
from bsu_rules.members.decode import (
    LONE_SURROGATE,
    MAX_DEPTH,
    MAX_RECORD,
    TOO_LARGE,
    BadRecord,
    continues,
    decode_json,
    decode_records,
    lone_surrogates,
)
from bsu_rules.members.files import one_document
from bsu_rules.members.parse import known_fields
from bsu_rules.members.raw import bounded_lines, csv_header

BLOCK_LINES = 4096


def json_lines(lines: list[bytes], decode: Callable[[int], Decoded], ignore_unknown: bool) -> pa.Table:
    """Lines (each ending in a newline) as a table: at once if they all fit, else block by block."""
    if not lines:
        return with_rejects(TEXT_SCHEMA.empty_table(), [])
    whole = _parse(lines, ignore_unknown, threads=True)
    if whole is not None:
        return _nulls_told(whole, lines, decode)
    return pa.concat_tables([_json_block(lines[i:i + BLOCK_LINES], decode, ignore_unknown, i)
                             for i in range(0, len(lines), BLOCK_LINES)])


def _parse(lines: list[bytes], ignore_unknown: bool, threads: bool = False) -> pa.Table | None:
    """Arrow's strict JSON reader over the lines; None if any line does not fit the contract's types."""
    data = b"".join(lines)
    if data.count(b"\n{") + data.startswith(b"{") != len(lines):  # a line that is not an object: Arrow
        return None  # would misread it (a line `null` even crashes pyarrow 26); Python reads the lines
    try:
        data.decode("utf-8")  # Arrow would keep invalid UTF-8 in its strings
    except UnicodeDecodeError:
        return None
    if ignore_unknown and _deeper(data):  # Arrow drops an unknown key unseen, however deep its value:
        return None  # Python reads the lines, and refuses the record as every reader does
    options = pj.ParseOptions(explicit_schema=TEXT_SCHEMA,
                              unexpected_field_behavior="ignore" if ignore_unknown else "error")
    block = max(1 << 22, 2 * max(map(len, lines), default=0))
    try:
        table = pj.read_json(io.BytesIO(data), read_options=pj.ReadOptions(use_threads=threads, block_size=block),
                             parse_options=options)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows != len(lines):
        return None
    return with_rejects(table.select(TEXT_SCHEMA.names).cast(TEXT_SCHEMA), [None] * len(lines))


_SLICE = 1 << 22
"""Bytes of JSON lines ``_deeper`` looks at a time (its arrays take up to 14 bytes a byte)."""


def _deeper(data: bytes) -> bool:
    """Whether a line of ``data`` (JSON lines) may nest objects and lists more than ``MAX_DEPTH``
    levels deep: its brackets outside text are counted, vectorised, a slice of whole lines at a time
    (a line that is not JSON may be counted wrong: Arrow refuses it anyway)."""
    if data.count(b"[") + data.count(b"{") <= MAX_DEPTH:
        return False
    start = 0
    while start < len(data):
        end = data.find(b"\n", min(start + _SLICE, len(data)) - 1) + 1 or len(data)
        if _depth(np.frombuffer(data, np.uint8, end - start, start)) > MAX_DEPTH:
            return True
        start = end
    return False


def _depth(a: np.ndarray) -> int:
    """The deepest nesting of objects and lists in bytes of JSON lines (brackets in text not counted),
    reckoned over the brackets and quotes alone."""
    kinds = _KINDS[a]
    places = np.flatnonzero(kinds)
    kind = kinds[places]
    quote = kind == 3
    if (kind == 4).any():  # a quote after an odd run of backslashes is inside the text
        every = np.arange(len(a))
        last_other = np.maximum.accumulate(np.where(a == ord("\\"), -1, every))
        run = places - 1 - last_other[np.maximum(places - 1, 0)]
        quote &= (run % 2 == 0) | (places == 0)
    outside = np.cumsum(quote, dtype=np.int32) % 2 == 0
    step = ((kind == 1) & outside).astype(np.int8) - ((kind == 2) & outside).astype(np.int8)
    return int(np.cumsum(step, dtype=np.int32).max(initial=0))


_KINDS = np.zeros(256, np.uint8)
_KINDS[[ord("["), ord("{")]], _KINDS[[ord("]"), ord("}")]], _KINDS[ord('"')], _KINDS[ord("\\")] = 1, 2, 3, 4


def _json_block(lines: list[bytes], decode: Callable[[int], Decoded], ignore_unknown: bool,
                first: int = 0) -> pa.Table:
    """Split a block that fails in halves, down to a few lines decoded in Python for exact messages."""
    if len(lines) > 16:
        table = _parse(lines, ignore_unknown)
        if table is not None:
            return _nulls_told(table, lines, decode, first)
        half = len(lines) // 2
        return pa.concat_tables([_json_block(lines[:half], decode, ignore_unknown, first),
                                 _json_block(lines[half:], decode, ignore_unknown, first + half)])
    return _decoded(decode, range(first, first + len(lines)))


def _decoded(decode: Callable[[int], Decoded], indices: Iterable[int]) -> pa.Table:
    """The lines at ``indices`` decoded in Python, each with its problems."""
    records, problems = [], []
    for i in indices:
        record, found = decode(i)
        records.append(record or {})
        problems.append(found or None)
    return with_rejects(pa.Table.from_pylist(records, schema=TEXT_SCHEMA), problems)


def _nulls_told(table: pa.Table, lines: list[bytes], decode: Callable[[int], Decoded], first: int = 0) -> pa.Table:
    """``table`` (Arrow's reading of ``lines``) with each row that lacks a required value, and may give it as
    ``null``, decoded in Python instead: Arrow reads a key given ``null`` as it reads a key left out, and a
    required field given ``null`` is told so (``is null: give a value``), as ``evaluate`` tells it. Such rows
    are rejected rows: a valid row is never read twice."""
    rows = [int(i) for i in _null_required(table) if _NULL_KEY.search(lines[i])]
    if not rows:
        return table
    keep = np.ones(table.num_rows, dtype=bool)
    keep[rows] = False
    order = np.argsort(np.concatenate([np.flatnonzero(keep), rows]), kind="stable")
    redone = _decoded(decode, [first + i for i in rows])
    return pa.concat_tables([table.filter(pa.array(keep)), redone]).take(pa.array(order))


def _null_required(table: pa.Table) -> np.ndarray:
    """The rows of a table with no value for a required field (a history item's too)."""
    flagged = np.zeros(table.num_rows, dtype=bool)
    for name, spec in contract().items():  # counts first: a valid table is looked at, not walked
        if isinstance(spec, Leaf):
            if spec.required and table[name].null_count:
                flagged |= table[name].is_null().to_numpy(zero_copy_only=False)
        elif spec.many:
            items = pc.list_flatten(table[name])
            for child, leaf in spec.fields.items():
                if isinstance(leaf, Leaf) and leaf.required and (values := pc.struct_field(items, child)).null_count:
                    null = pc.and_(items.is_valid(), values.is_null())
                    if pc.any(null).as_py():
                        parents = pc.list_parent_indices(table[name]).to_numpy(zero_copy_only=False)
                        flagged[parents[np.flatnonzero(null.to_numpy(zero_copy_only=False))]] = True
    return np.flatnonzero(flagged)


_REQUIRED = sorted({name for name, spec in contract().items() if isinstance(spec, Leaf) and spec.required}
                   | {child for spec in contract().values() if isinstance(spec, Group)
                      for child, leaf in spec.fields.items() if isinstance(leaf, Leaf) and leaf.required})
_NULL_KEY = re.compile(rb'"(?:' + b"|".join(re.escape(k.encode()) for k in _REQUIRED) + rb')"\s*:\s*null')
"""A required field's key given ``null`` (or a key of that name elsewhere: the line is then read in Python, as
any line Arrow cannot read alone)."""


def decode_text(lines: list[bytes], ignore_unknown: bool, i: int) -> Decoded:
    return _decode_line(lines[i], ignore_unknown)


_OVERSIZED = b"\x00\x00bsu-rules: a record over the size limit\x00\x00\n"


def json_array(path: Path) -> bool:
    """Whether a JSONL file is one JSON array (refused whole), not JSON lines of which the first
    holds an array (a rejected row): its first line opens an array that goes on past it, or is
    too long for a record, or is the only line of the file."""
    with path.open("rb") as f:
        lines = (line for line in iter(lambda: f.readline(MAX_RECORD + 1), b"") if line.strip())
        first = next(lines, b"").removeprefix(b"\xef\xbb\xbf").lstrip()
        if first[:1] != b"[":
            return False
        return len(first) > MAX_RECORD or continues(first) or next(lines, None) is None


def json_object(path: Path) -> bool:
    """Whether a JSONL file is JSON objects written over several lines (one, or several one after another;
    refused whole: each of its lines would be a rejected row), not JSON lines of which the first is cut short
    (a rejected row)."""
    with path.open("rb") as f:
        first = next((line for line in iter(lambda: f.readline(MAX_RECORD + 1), b"") if line.strip()), b"")
        first = first.removeprefix(b"\xef\xbb\xbf")
        return first.lstrip()[:1] == b"{" and continues(first) and one_document(first, f)


def csv_text(path: Path) -> bool:
    """Whether a JSONL file is CSV text, its first line a header naming ``nik`` (refused whole: every row
    would be rejected as not JSON)."""
    with path.open("rb") as f:
        first = next((line for line in iter(lambda: f.readline(MAX_RECORD + 1), b"") if line.strip()), b"")
    return csv_header(first)


def record_lines(f: Any) -> Iterator[bytes]:
    """The lines of a binary file, a longer one than a record may be standing as ``_OVERSIZED`` (a
    rejected row)."""
    for line in bounded_lines(f, MAX_RECORD + 1):
        yield _OVERSIZED if line is None else line


def _decode_line(line: bytes, ignore_unknown: bool) -> Decoded:
    if line == _OVERSIZED:
        return None, [("(record)", TOO_LARGE)]
    keep = known_fields if ignore_unknown else None  # left out before anything in them is judged, as evaluate does
    try:
        record = decode_json(line, keep=keep)
    except BadRecord as exc:
        if str(exc) != LONE_SURROGATE or exc.field == "(record)":
            return None, [(exc.field, str(exc))]
        decoded = decode_records(line)
        record, where = lone_surrogates(keep(decoded) if keep else decoded)  # as text not UTF-8: left out
        found, problems = typed(record, ignore_unknown, told=where)
        return found, [(at, LONE_SURROGATE) for at in where] + problems
    return typed(record, ignore_unknown)
