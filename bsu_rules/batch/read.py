"""Read member files in bounded chunks as Arrow tables: Parquet, JSONL, or CSV (histories as JSON cells).

Every chunk has ``_row`` (the record's 1-based number in the input: the line for JSONL, the
record after the header for CSV, the row for Parquet), the contract fields, and ``_reject_field``
/ ``_reject_message`` for rows that could not even be typed (not JSON, a float where integer
rupiah is required, an unknown field). Dates read from text stay text here; ``validate``
checks and converts them. Text is parsed by Arrow's JSON reader a block at a time; only a block
that fails is split, down to single lines decoded in Python for a precise message.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.json as pj
import pyarrow.parquet as pq

from bsu_rules.batch.validate import REJECT_FIELD, REJECT_MESSAGE, ROW, TEXT_SCHEMA, conform, with_rejects
from bsu_rules.errors import InputError

NESTED = ("employer", "wages", "contributions", "program_receipts", "bank_account")
FORMATS = (".parquet", ".jsonl", ".csv")


@dataclass(frozen=True)
class Chunk:
    """A table of rows and how far through the input it reaches (rows or bytes, see ``Reader.unit``)."""

    table: pa.Table
    done: int


def input_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError([(str(path), "the file name must end in .parquet, .jsonl or .csv")])
    return suffix


class Reader:
    """Chunks of one input file; ``total`` and ``unit`` describe progress (rows or bytes)."""

    def __init__(self, path: str | Path, chunk_size: int = 250_000, ignore_unknown: bool = False) -> None:
        self.path, self.chunk_size, self.ignore_unknown = Path(path), chunk_size, ignore_unknown
        self.format = input_format(path)
        if self.format == ".parquet":
            self.parquet = pq.ParquetFile(self.path)
            self.total, self.unit = self.parquet.metadata.num_rows, "rows"
        else:
            self.total, self.unit = self.path.stat().st_size, "B"

    def __iter__(self) -> Iterator[Chunk]:
        if self.format == ".parquet":
            return self._parquet()
        return self._jsonl() if self.format == ".jsonl" else self._csv()

    def _parquet(self) -> Iterator[Chunk]:
        first = 1
        for batch in self.parquet.iter_batches(batch_size=self.chunk_size):
            table = conform(pa.Table.from_batches([batch]), self.ignore_unknown)
            rows = pa.array(np.arange(first, first + batch.num_rows, dtype=np.int64))
            first += batch.num_rows
            yield Chunk(table.add_column(0, ROW, rows), first - 1)

    def _jsonl(self) -> Iterator[Chunk]:
        with self.path.open("rb") as f:
            number = 0
            while lines := list(itertools.islice(f, self.chunk_size)):
                kept = [(number + i + 1, line) for i, line in enumerate(lines) if line.strip()]
                number += len(lines)
                text = [line for _, line in kept]
                table = _json_block(text, functools.partial(_decode_text, text, self.ignore_unknown),
                                    self.ignore_unknown)
                yield Chunk(table.add_column(0, ROW, pa.array([n for n, _ in kept], pa.int64())), f.tell())

    def _csv(self) -> Iterator[Chunk]:
        with self.path.open("rb") as f:
            position = [0]

            def lines() -> Iterator[str]:
                for raw in f:
                    position[0] += len(raw)
                    yield raw.decode("utf-8", errors="replace")
            reader = csv.reader(lines())
            header = next(reader, [])
            number = 0
            while rows := list(itertools.islice(reader, self.chunk_size)):
                numbers = pa.array(np.arange(number + 1, number + len(rows) + 1, dtype=np.int64))
                number += len(rows)
                table = _csv_block(header, rows, self.ignore_unknown)
                yield Chunk(table.add_column(0, ROW, numbers), position[0])


# --- text: JSON lines, and CSV rows turned into JSON lines --------------------------------------

Decoded = tuple[dict[str, Any] | None, list[tuple[str, str]]]


def _json_block(lines: list[bytes], decode: Callable[[int], Decoded], ignore_unknown: bool,
                first: int = 0) -> pa.Table:
    """Parse lines with Arrow's strict JSON reader; split a block that fails, down to single lines."""
    if len(lines) > 32:
        try:
            options = pj.ParseOptions(explicit_schema=TEXT_SCHEMA,
                                      unexpected_field_behavior="ignore" if ignore_unknown else "error")
            data = b"\n".join(line.rstrip(b"\r\n") for line in lines)
            table = pj.read_json(io.BytesIO(data), read_options=pj.ReadOptions(block_size=len(data) + 1),
                                 parse_options=options)
            if table.num_rows == len(lines):
                return with_rejects(table.select(TEXT_SCHEMA.names).cast(TEXT_SCHEMA), [None] * len(lines))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        half = len(lines) // 2
        return pa.concat_tables([_json_block(lines[:half], decode, ignore_unknown, first),
                                 _json_block(lines[half:], decode, ignore_unknown, first + half)])
    records, problems = [], []
    for i in range(len(lines)):
        record, found = decode(first + i)
        records.append(record or {})
        problems.append(found or None)
    return with_rejects(pa.Table.from_pylist(records, schema=TEXT_SCHEMA), problems)


def _decode_text(lines: list[bytes], ignore_unknown: bool, i: int) -> Decoded:
    return _decode_line(lines[i], ignore_unknown)


def _decode_line(line: bytes, ignore_unknown: bool) -> Decoded:
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        return None, [("(record)", f"not valid JSON ({getattr(exc, 'msg', exc)}{where})")]
    return _typed(record, ignore_unknown)


def _csv_block(header: list[str], rows: list[list[str]], ignore_unknown: bool) -> pa.Table:
    """CSV rows as JSON lines (scalars encoded by Polars, history cells spliced in as they are)."""
    width = len(header)
    columns = list(zip(*[r if len(r) == width else [""] * width for r in rows], strict=True)) or [()] * width
    cells = {name: pl.Series(name, col, dtype=pl.String).replace("", None)
             for name, col in zip(header, columns, strict=True)}
    known = [k for k in header if k in TEXT_SCHEMA.names]
    scalars = pl.DataFrame([cells[k] for k in known if k not in NESTED], height=len(rows))
    parts: list[pl.Expr | pl.Series] = [pl.lit(""), pl.lit("{")]
    if scalars.width:
        parts = [pl.lit(""), scalars.select(pl.struct(pl.all()).struct.json_encode().str.strip_suffix("}"))
                 .to_series()]
    for k in (k for k in known if k in NESTED):
        sep = "," if len(parts) > 2 or scalars.width else ""
        parts.append(pl.lit(f'{sep}"{k}":') + cells[k].fill_null("null"))
    text = pl.select(pl.concat_str([*parts, pl.lit("}")])).to_series()
    lines = [line.encode() for line in text.to_list()]

    def decode(i: int) -> Decoded:
        row = rows[i]
        if len(row) != width:
            return None, [("(record)", f"{len(row)} cells, the header has {width}")]
        record: dict[str, Any] = {}
        for name, cell in zip(header, row, strict=True):
            if cell != "" and name in NESTED:
                try:
                    record[name] = json.loads(cell)
                except json.JSONDecodeError as exc:
                    return None, [(name, f"not valid JSON ({exc.msg} at column {exc.colno})")]
            elif cell != "":
                record[name] = cell
        return _typed(record, ignore_unknown)

    table = _json_block(lines, decode, ignore_unknown)
    extra = [i for i, r in enumerate(rows) if len(r) != width]
    if not ignore_unknown:
        for k in header:
            if k not in TEXT_SCHEMA.names:
                extra += cells[k].is_not_null().arg_true().to_list()
    if not extra:
        return table
    field = table[REJECT_FIELD].to_pylist()
    message = table[REJECT_MESSAGE].to_pylist()
    for i in sorted(set(extra)):
        problems = decode(i)[1]
        field[i], message[i] = problems[0][0], "; ".join(f"{path}: {msg}" for path, msg in problems)
    return table.drop_columns([REJECT_FIELD, REJECT_MESSAGE]).append_column(
        REJECT_FIELD, pa.array(field, pa.string())).append_column(REJECT_MESSAGE, pa.array(message, pa.string()))


# --- shapes and JSON types, for records decoded in Python -----------------------------------------

def _kind(t: pa.DataType) -> str:
    return "text" if pa.types.is_string(t) or pa.types.is_date(t) else "an integer" if pa.types.is_integer(t) else \
        "an object" if pa.types.is_struct(t) else "a list"


def _json_name(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", float: "a decimal number",
            int: "an integer"}.get(type(value), type(value).__name__)


def _typed(value: Any, ignore_unknown: bool, t: pa.DataType | None = None, path: str = "") -> Decoded:
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
            _, found = _typed(item, ignore_unknown, known[key], where)
            problems += found
            out[key] = item
        return (None if problems else out), problems
    if pa.types.is_list(t):
        if not isinstance(value, list):
            return None, [(path, f"expected a list, got {_json_name(value)}")]
        for i, item in enumerate(value):
            if item is not None:
                problems += _typed(item, ignore_unknown, t.value_type, f"{path}[{i}]")[1]
        return None, problems
    ok = isinstance(value, str) if _kind(t) == "text" else isinstance(value, int) and not isinstance(value, bool)
    if ok and pa.types.is_integer(t) and not -(2 ** (t.bit_width - 1)) <= value < 2 ** (t.bit_width - 1):
        return None, [(path, f"{value} is out of range")]
    shown = "" if path == "nik" else f"{json.dumps(value)[:40]}: "  # never echo a NIK
    return None, [] if ok else [(path, f"{shown}expected {_kind(t)}, got {_json_name(value)}")]
