"""Read member files in bounded chunks as Arrow tables: Parquet, JSONL, or CSV (histories as JSON cells).

Every chunk has ``_row`` (the record's 1-based number in the input: the line for JSONL, the
record after the header for CSV, blank lines skipped but counted in both, the row for Parquet),
the contract fields, and ``_reject_field`` / ``_reject_message`` for rows that could not even be
typed (not JSON, a float where integer rupiah is required, an unknown field). Dates read from
text stay text here; ``validate`` checks and converts them. Text is typed in ``read_jsonl`` (CSV
records first written as JSON lines in ``read_csv``).
"""

from __future__ import annotations

import csv
import errno
import functools
import io
import itertools
import json
import os
import shlex
import stat
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bsu_rules.batch import utf8
from bsu_rules.batch.conform import (
    as_text,
    column_problems,
    columns_to_read,
    conform,
    fill_unread,
    is_text,
    joined,
    listed,
    unread_columns,
)
from bsu_rules.batch.read_csv import PYTHON_CELL, blank_row, csv_block, csv_header, csv_rows
from bsu_rules.batch.read_jsonl import csv_text, decode_text, json_array, json_lines, json_object, record_lines
from bsu_rules.batch.validate import REJECT_MESSAGE, ROW
from bsu_rules.errors import InputError, file_kind, on_path
from bsu_rules.members.arrow import MEMBER_SCHEMA
from bsu_rules.members.model import EVENT_DATES
from bsu_rules.members.raw import compressed, keys_held, wide_encoding
from bsu_rules.members.redact import hidden_path

FORMATS = (".parquet", ".jsonl", ".csv")


@dataclass(frozen=True)
class Chunk:
    """A table of rows and how far through the input it reaches (rows or bytes, see ``Reader.unit``)."""

    table: pa.Table
    done: int
    whole: pa.Table | None = None
    """Parquet read with fields left unread: the rows named ``keep`` (``Reader.chunks``) read whole, as a full
    read has them (read.py layout)."""


def _repeated(schema: pa.Schema) -> list[str]:
    """The field paths a Parquet schema names more than once (``nik``, ``bank_account.bank``)."""
    found: set[str] = set()

    def visit(fields: list[pa.Field], prefix: str) -> None:
        names = [f.name for f in fields]
        found.update(prefix + n for n in names if names.count(n) > 1)
        for f in fields:
            kind = f.type.value_type if pa.types.is_list(f.type) or pa.types.is_large_list(f.type) else f.type
            if pa.types.is_struct(kind):
                visit(list(kind), f"{prefix}{f.name}.")

    visit(list(schema), "")
    return sorted(found)


def not_regular(path: str | Path) -> str | None:
    """What ``path`` is when it names something other than a regular file or a folder (a pipe, a
    socket, a device: reading one may wait for ever), in words; None otherwise, or when it is missing."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return None if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else file_kind(mode)


def _whole_file_checks(path: Path) -> None:
    """InputError (once, for the file) for a path that is not a regular file (a pipe, a device: the
    input is read more than once, and opening a pipe again waits for ever), a compressed file, or
    (not Parquet) text not in UTF-8."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            raise InputError([(str(path), f"{file_kind(mode)}: batch reads its input more than once, so it needs a "
                                          f"regular file; save the stream first (cat ... > members{path.suffix})")])
        with path.open("rb") as f:
            head = f.read(64)
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        raise on_path(exc, path) from None
    if packed := compressed(head, str(path)):
        raise InputError([(str(path), packed)])
    if path.suffix.lower() != ".parquet" and (wide := wide_encoding(head[:4])):
        raise InputError([(str(path), f"the file is {wide} text; save it as UTF-8")])


def input_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if Path(path).is_dir():
        try:
            found = sorted(p for p in Path(path).iterdir() if p.suffix.lower() in FORMATS and p.is_file())
        except OSError:
            found = []
        if len(found) > 1:  # a dataset written in parts (Spark, Dask): one part is a fraction of the members
            raise InputError([(str(path), f"is a folder of {len(found)} member files ({hidden_path(found[0].name)} "
                                          "…), not a file: the command reads one file; join the parts into one "
                                          "first, or run it on each")])
        such = f", such as {hidden_path(str(found[0]))}" if found else ""
        raise InputError([(str(path), f"is a folder, not a file: give a member file (.parquet, .jsonl or .csv){such}")])
    if suffix not in FORMATS:
        try:  # a compressed member file (`m.jsonl.gz`) is told how to decompress it
            with open(path, "rb") as f:
                packed = compressed(f.read(64), str(path))
        except OSError:
            packed = None
        raise InputError([(str(path), packed or "the file name must end in .parquet, .jsonl or .csv")])
    return suffix


def _no_rows() -> pa.BufferReader:
    """A Parquet file of the contract's columns and no rows: what a file of no bytes is read as (an empty
    input is a run of no members, in any format)."""
    sink = pa.BufferOutputStream()
    pq.write_table(MEMBER_SCHEMA.empty_table(), sink)
    return pa.BufferReader(sink.getvalue())


def _identity(path: Path) -> tuple[int, ...] | None:
    """What tells a file from the one it is replaced or rewritten by: device, inode, size, modification time
    and change time (which a rewrite sets, whatever modification time it restores; None once it is gone)."""
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns


def _carried(lines: list[bytes], names: set[str]) -> set[str]:
    """Of ``names``, those some JSON line holds as a key of its record (null or not), however spelt
    (``keys_held``), at the top of the decoded record (the same name as a key of ``employer`` is not the
    record's)."""
    found: set[str] = set()
    for line in lines:
        if not (wanted := names - found):
            break
        for name in keys_held(line, wanted):
            try:
                record = json.loads(line)
            except (ValueError, RecursionError):
                break
            if isinstance(record, dict) and name in record:
                found.add(name)
    return found


_Batch = TypeVar("_Batch", pa.RecordBatch, pa.Table)

FEW_VALUED = {("citizenship",), ("participant_category",), ("employment_type",), ("work_regency_code",),
              ("employer", "sector"), ("bank_account", "bank"), ("wages", "period"), ("contributions", "period"),
              ("program_receipts", "program")}
"""The text fields (top-level field, and field within it) that hold few distinct values: a Parquet file's
dictionary-encoded pages of them are read as Arrow dictionaries, whose values are then taken once per row
(``_plain``), not decoded from Parquet value by value (1M members, the fastest of five reads: 0.59 CPU-s for
these columns read plainly, 0.48 as dictionaries with their values taken)."""


def _few_valued(parquet: pq.ParquetFile, chunk_size: int) -> list[str]:
    """The Parquet column paths of the ``FEW_VALUED`` fields a file holds as Arrow ``string`` in dictionary-encoded
    pages of every row group (a list's items named as its writer names them: ``wages.list.element.period``); none
    unless every row group begins a chunk of ``chunk_size`` rows: a chunk read across row groups would hold a
    dictionary of each (Arrow reads no such list, and would cut the chunk there). A column written plainly is read
    plainly: building its dictionaries would cost more than it saves."""
    metadata, start = parquet.metadata, 0
    for i in range(metadata.num_row_groups):
        if start % chunk_size:
            return []
        start += metadata.row_group(i).num_rows
    groups = [metadata.row_group(g) for g in range(metadata.num_row_groups)]
    found = []
    for i in range(metadata.num_columns):
        column = parquet.schema.column(i)
        parts = column.path.split(".")
        if column.physical_type == "BYTE_ARRAY" and (parts[0], *parts[1:][-1:]) in FEW_VALUED \
                and pa.types.is_string(_arrow_leaf(parquet.schema_arrow, parts)) \
                and all(group.column(i).has_dictionary_page for group in groups):
            found.append(column.path)
    return found


def _arrow_leaf(schema: pa.Schema, parts: list[str]) -> pa.DataType:
    """The Arrow type the file gives the Parquet column at ``parts`` (a list's ``list.element`` steps taken as
    its items): a text column read as a dictionary is cast back to ``string``, which only a column of that type
    is (not ``large_string``, as polars writes, nor ``string_view``)."""
    if (at := schema.get_field_index(parts[0])) < 0:  # a name of dots of its own (``employer.sector``, as pandas'
        return pa.null()  # json_normalize writes it), and no struct of its first part: no field of the contract
    t = schema.field(at).type
    for part in parts[1:]:
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            t = t if part == "list" else t.value_type  # ``list`` steps into the list, ``element`` to its items
        elif pa.types.is_struct(t):
            t = t.field(part).type if t.get_field_index(part) >= 0 else t
    return t


def _plain_type(t: pa.DataType) -> pa.DataType:
    """``t`` with each dictionary of text replaced by its value type (``conform`` reads any other)."""
    if pa.types.is_dictionary(t) and (pa.types.is_string(t.value_type) or pa.types.is_large_string(t.value_type)):
        return t.value_type
    if pa.types.is_struct(t):
        return pa.struct([f.with_type(_plain_type(f.type)) for f in t])
    if pa.types.is_list(t):
        return pa.list_(t.value_field.with_type(_plain_type(t.value_type)))
    if pa.types.is_large_list(t):
        return pa.large_list(t.value_field.with_type(_plain_type(t.value_type)))
    return t


def _plain_schema(schema: pa.Schema) -> pa.Schema:
    """``schema`` with each dictionary of text, at any depth, replaced by its value type."""
    return pa.schema([f.with_type(_plain_type(f.type)) for f in schema], metadata=schema.metadata)


def _plain(batch: _Batch) -> _Batch:
    """The batch as a plain read gives it: columns read as dictionaries (``FEW_VALUED``) turned to their values."""
    schema = _plain_schema(batch.schema)
    return batch if schema.equals(batch.schema) else batch.cast(schema)


def _nested_dictionary(t: pa.DataType, top: bool = True) -> bool:
    """Whether ``t`` holds a dictionary within a struct or a list (a polars Categorical in a struct)."""
    if pa.types.is_dictionary(t):
        return not top
    if pa.types.is_struct(t):
        return any(_nested_dictionary(f.type, False) for f in t)
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return _nested_dictionary(t.value_type, False)
    return False


def _batches(parquet: pq.ParquetFile, batch_size: int, columns: list[str] | None, nested: bool
             ) -> Iterator[pa.RecordBatch]:
    """The file's batches of at most ``batch_size`` rows, read on one thread. A file holding a dictionary within a
    struct or list (``nested``: as the file is written, not as its few-valued columns are read, where every row group
    begins a chunk) is read one row group at a time: Arrow reads no batch of such a column across row groups (it
    fails: "Nested data conversions not implemented for chunked array outputs"); each batch is taken plain
    (``_plain``) and the batches of small row groups are put together, to ``batch_size`` rows (a chunk a row group of
    a few rows: seconds for a few thousand members)."""
    if not nested:
        yield from parquet.iter_batches(batch_size=batch_size, columns=columns, use_threads=False)
        return
    held: list[pa.RecordBatch] = []  # the chunk's batches read so far, each ``HELD_BATCHES`` of them put together
    small: list[pa.RecordBatch] = []
    rows = 0  # the rows held, counted as they come (summed again at each batch: quadratic in one-row row groups)
    for group in range(parquet.num_row_groups):
        for batch in parquet.iter_batches(batch_size=batch_size, row_groups=[group], columns=columns,
                                          use_threads=False):
            small.append(_plain(batch))
            rows += batch.num_rows
            if rows >= batch_size:  # a chunk of ``batch_size`` rows, as any other file's; the rest begins the next
                chunk = _one_batch(held + small)
                held, small, rows = [chunk.slice(batch_size)] if rows > batch_size else [], [], rows - batch_size
                yield chunk.slice(0, batch_size)
            elif len(small) >= HELD_BATCHES:
                held, small = [*held, _one_batch(small)], []
    if held or small:
        yield _one_batch(held + small)


HELD_BATCHES = 1024
"""The batches of small row groups are put together as they are read, this many at a time: a batch of one row held
apart costs some 30 KB (a chunk of 20 000 one-row row groups held 1.2 GB instead of 0.6 GB)."""


def _one_batch(batches: list[pa.RecordBatch]) -> pa.RecordBatch:
    """Batches of one schema as one (``pa.concat_batches`` is pyarrow 19 and later). Text past what one batch holds
    (2 GiB in a column) is an error, never a row left out."""
    if len(batches) == 1:
        return batches[0]
    joined = _joined(batches)
    if len(joined) > 1:
        raise _TooLong
    return joined[0] if joined else batches[0]


def _joined(batches: list[pa.RecordBatch]) -> list[pa.RecordBatch]:
    """Batches of one schema put together, as Arrow gives them: one, unless a column's text passes 2 GiB."""
    joined: list[pa.RecordBatch] = pa.Table.from_batches(batches).combine_chunks().to_batches()
    return joined


class _TooLong(Exception):
    """A chunk's text past what one batch of it holds (2 GiB in a column)."""


class _Aligned:
    """Another reader's batches of the same rows, cut to the rows of each batch the first reader gives: Arrow cuts a
    batch at each row group where it reads a column of the file's dictionary type, so that two readers of other
    columns may cut the rows at other places."""

    def __init__(self, batches: Iterator[pa.RecordBatch]) -> None:
        self.batches, self.held = batches, pa.table({})

    def take(self, rows: int) -> pa.Table | None:
        """The next ``rows`` rows (fewer where the file ends; None past its end)."""
        parts = []
        while rows:
            if not self.held.num_rows:
                batch = next(self.batches, None)
                if batch is None:
                    break
                self.held = pa.Table.from_batches([batch])
            part = self.held.slice(0, rows)
            self.held, rows = self.held.slice(part.num_rows), rows - part.num_rows
            parts.append(part)
        return pa.concat_tables(parts) if parts else None


class Reader:
    """Chunks of one input file; ``total`` and ``unit`` describe progress (rows or bytes)."""

    def __init__(self, path: str | Path, chunk_size: int = 250_000, ignore_unknown: bool = False) -> None:
        self.path, self.chunk_size, self.ignore_unknown = Path(path), chunk_size, ignore_unknown
        self.python_rows = 0
        """CSV records read so far whose history cells are written as Python (``PYTHON_CELL``)."""
        self.events: set[str] = set()
        """The event dates (``EVENT_DATES``) the input carries: a Parquet column, a name in the CSV header, a
        key of a JSON line read so far (null or not); one it does not carry is decided as no event for all."""
        self.format = input_format(path)
        _whole_file_checks(self.path)
        self.identity = _identity(self.path)
        if self.format == ".parquet":
            try:
                self.parquet = pq.ParquetFile(self.path if self.identity is None or self.identity[2] else _no_rows())
            except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
                raise on_path(exc, path) from None
            except (pa.ArrowException, OSError):
                raise InputError([(str(path), "not a readable Parquet file")]) from None
            if twice := _repeated(self.parquet.schema_arrow):
                raise InputError([(str(path), f"the Parquet file has the column(s) {listed(twice)} more than "
                                              "once; each field is one column")])
            if problems := column_problems(self.parquet.schema_arrow.names, ignore_unknown, "the file"):
                raise InputError([(str(path), "; ".join(problems))])
            try:  # every column's type, once, for the file
                conform(self.parquet.schema_arrow.empty_table(), ignore_unknown)
            except InputError as exc:
                raise InputError([(str(path), f"{field}: {message}") for field, message in exc.problems]) from None
            self.total, self.unit = self.parquet.metadata.num_rows, "rows"
            self.events = set(EVENT_DATES & set(self.parquet.schema_arrow.names))
        else:
            if self.format == ".jsonl" and json_array(self.path):
                raise InputError([(str(path), "a JSON array, not JSON lines: write one record per line "
                                              "(bsu-rules evaluate reads an array too, whatever the file's name)")])
            if self.format == ".jsonl" and json_object(self.path):
                lines = "{}-lines{}".format(*os.path.splitext(str(path)))
                raise InputError([(str(path), "JSON records written over several lines, not JSON lines (one "
                                              "record a line): write each on one line (`jq -c . "
                                              f"{shlex.quote(str(path))} > {shlex.quote(lines)}`); bsu-rules "
                                              "evaluate reads it as it is")])
            if self.format == ".jsonl" and csv_text(self.path):
                raise InputError([(str(path), "CSV text (its first line is a header naming nik), not JSON lines: "
                                              "name the file .csv, and it is read as CSV")])
            self.total, self.unit = self.path.stat().st_size, "B"

    def __iter__(self) -> Iterator[Chunk]:
        return self.chunks()

    def unchanged(self) -> None:
        """InputError unless the file is still the one opened: the file is read more than once (its NIKs, the
        rows that share one, its sha256), so a file replaced or rewritten meanwhile (an export moved into place)
        would settle one NIK, one payment and name the input from another file than the one decided."""
        if _identity(self.path) != self.identity:
            raise InputError([(str(self.path), "the file was replaced or changed while it was read (an export "
                                               "still being written?): nothing was written; run again once it "
                                               "is complete")])

    def chunks(self, unread: Collection[str] = (), keep: np.ndarray | None = None) -> Iterator[Chunk]:
        """The chunks. A Parquet file's contract fields named in ``unread`` (dotted paths, from
        ``validate.unchecked``) are not read but null (their types are still checked): free text
        such as names and account numbers is a third of a member file. The rows numbered ``keep``
        (sorted) are given whole besides (``Chunk.whole``), their unread fields read alone."""
        if self.format == ".parquet":
            return self._parquet(unread, keep)
        return self._jsonl() if self.format == ".jsonl" else self._csv()

    def niks(self) -> Iterator[tuple[np.ndarray, pa.Array]]:
        """Parquet only: the row numbers and NIKs of the whole file, a batch at a time, reading that
        one column (nothing when it is absent or not text: the rows say so when read in full). It
        opens the file again, so that it can run while the chunks are read."""
        schema = self.parquet.schema_arrow
        if not is_text(schema.field("nik").type if "nik" in schema.names else pa.null()) or not self.total:
            return
        first = 1
        self.unchanged()
        try:
            for batch in pq.ParquetFile(self.path).iter_batches(batch_size=self.chunk_size, columns=["nik"]):
                rows = np.arange(first, first + batch.num_rows, dtype=np.int64)
                niks = as_text(batch.column(0))  # as the full read has it
                yield rows, utf8.text_only(niks, "nik", rows, [])  # a NIK not UTF-8: rejected when read
                first += batch.num_rows
        except (pa.ArrowException, OSError):
            raise InputError([(str(self.path), f"the Parquet file is damaged after row {first - 1}")]) from None

    def picked(self, rows: np.ndarray) -> Iterator[pa.Table]:
        """Parquet or CSV: tables holding (at least) the rows numbered ``rows``, in read.py layout."""
        return self._csv_picked(rows) if self.format == ".csv" else self._parquet_picked(rows)

    def _parquet_picked(self, rows: np.ndarray) -> Iterator[pa.Table]:
        """Polars reads the other columns only where the row matches (2 % of the rows are picked in
        a typical run: 0.7 CPU-s per 1M members instead of 1.7 for the whole file), then the
        rows take the file's own Arrow types and are conformed as a full read would; a file
        Polars cannot read that way is read in full."""
        self.unchanged()
        try:
            frame = pl.scan_parquet(self.path).with_row_index(ROW, offset=1) \
                .filter(pl.col(ROW).is_in(pl.Series(rows, dtype=pl.UInt32).implode())).collect()
            table = frame.drop(ROW).to_arrow().cast(self.parquet.schema_arrow)
            numbers = frame[ROW].cast(pl.Int64).to_arrow()
        except (pl.exceptions.PolarsError, pa.ArrowException, OverflowError, ValueError):
            yield from (chunk.table for chunk in self._parquet())
            return
        yield conform(table, self.ignore_unknown).add_column(0, ROW, numbers)

    def _parquet(self, unread: Collection[str] = (), keep: np.ndarray | None = None) -> Iterator[Chunk]:
        first = 1
        columns = None
        if unread:  # every column's type was checked when the file was opened
            columns = columns_to_read(self.parquet.schema_arrow, set(unread))
        rest = unread_columns(self.parquet.schema_arrow, columns) if keep is not None and keep.size else []
        # one thread: the chunks are decided on the other cores meanwhile (Arrow's threads cost a third more CPU)
        few = _few_valued(self.parquet, self.chunk_size) if self.total else []  # a file of no bytes: no rows
        source = pq.ParquetFile(self.path, read_dictionary=few) if few else self.parquet
        nested = any(_nested_dictionary(f.type) for f in self.parquet.schema_arrow)
        batches = _batches(source, self.chunk_size, columns, nested)
        others = _Aligned(_batches(pq.ParquetFile(self.path), self.chunk_size, rest, nested)) if rest else None
        while True:
            try:
                batch = next(batches, None)
                other = others.take(batch.num_rows) if others is not None and batch is not None else None
            except _TooLong:
                raise InputError([(str(self.path), f"the rows after row {first - 1} hold more text than one chunk "
                                                   "takes: give a smaller --chunk-size")]) from None
            except (pa.ArrowException, OSError):
                raise InputError([(str(self.path), f"the Parquet file is damaged after row {first - 1}")]) from None
            if batch is None:
                return
            read = pa.Table.from_batches([_plain(batch)])
            table = conform(fill_unread(read, set(unread)), self.ignore_unknown)
            numbers = np.arange(first, first + batch.num_rows, dtype=np.int64)
            rows = pa.array(numbers)
            whole = None
            if keep is not None and (columns is None or other is not None):
                whole = self._whole(read, other, numbers, keep)
            first += batch.num_rows
            yield Chunk(table.add_column(0, ROW, rows), first - 1, whole)

    def _whole(self, read: pa.Table, other: pa.Table | None, numbers: np.ndarray, keep: np.ndarray) -> pa.Table:
        """The rows of a batch numbered in ``keep``, whole (``other``: the columns ``read`` lacks), conformed. Both
        are put together plain (``_plain``), as ``read`` is: a struct with a field of the file's dictionary type
        (a polars Categorical in a struct) read in part from each would otherwise mix two types of that field."""
        schema = _plain_schema(self.parquet.schema_arrow)
        other = None if other is None else _plain(other)
        at = np.minimum(np.searchsorted(keep, numbers), max(keep.size - 1, 0))
        kept = keep[at] == numbers if keep.size else np.zeros(numbers.size, dtype=bool)
        mask = pa.array(kept)
        try:
            picked = read.filter(mask)
            if other is not None:
                picked = joined(schema, picked, other.filter(mask))
        except pa.ArrowNotImplementedError:  # a type Arrow takes no rows of (string_view): conformed whole first
            whole = read if other is None else joined(schema, read, other)
            return conform(whole, self.ignore_unknown).add_column(0, ROW, pa.array(numbers)).filter(mask)
        return conform(picked, self.ignore_unknown).add_column(0, ROW, pa.array(numbers[kept]))

    def _jsonl(self) -> Iterator[Chunk]:
        with self.path.open("rb") as f:
            number = 0
            while lines := list(itertools.islice(record_lines(f), self.chunk_size)):
                if number == 0:
                    lines[0] = lines[0].removeprefix(b"\xef\xbb\xbf")
                if not lines[-1].endswith(b"\n"):
                    lines[-1] += b"\n"
                kept = [(number + i + 1, line) for i, line in enumerate(lines) if line.strip()]
                number += len(lines)
                text = [line for _, line in kept]
                self.events |= _carried(text, set(EVENT_DATES - self.events))
                table = json_lines(text, functools.partial(decode_text, text, self.ignore_unknown),
                                    self.ignore_unknown)
                yield Chunk(table.add_column(0, ROW, pa.array([n for n, _ in kept], pa.int64())), f.tell())

    def _csv(self) -> Iterator[Chunk]:
        for header, first, rows, done in self.csv_records():
            self.events |= EVENT_DATES & set(header)
            numbers = np.arange(first, first + len(rows), dtype=np.int64)
            kept = [i for i, r in enumerate(rows) if not blank_row(r)]
            if len(kept) < len(rows):  # blank lines are skipped (counted, as JSONL's are)
                rows, numbers = [rows[i] for i in kept], numbers[kept]
            table = csv_block(header, rows, self.ignore_unknown)
            self.python_rows += pc.sum(pc.match_substring(table[REJECT_MESSAGE], PYTHON_CELL)).as_py() or 0
            yield Chunk(table.add_column(0, ROW, pa.array(numbers)), done)

    def _csv_picked(self, rows: np.ndarray) -> Iterator[pa.Table]:
        """The CSV records numbered ``rows`` (blank lines left out), read as a full read reads them;
        only those records are converted, and the file is read only as far as the last."""
        wanted, last = set(rows.tolist()), int(rows.max(initial=0))
        for header, first, records, _ in self.csv_records():
            if first > last:
                return
            kept = [(n, r) for n, r in enumerate(records, first) if n in wanted and not blank_row(r)]
            if kept:
                table = csv_block(header, [r for _, r in kept], self.ignore_unknown)
                yield table.add_column(0, ROW, pa.array([n for n, _ in kept], pa.int64()))

    def csv_records(self) -> Iterator[tuple[list[str], int, list[list[str]], int]]:
        """CSV only: its records ``chunk_size`` at a time, as every reading of the file reads them:
        (the header, checked once; the number of the first record; the records; the bytes read so
        far, near enough)."""
        # a byte that is not UTF-8 is kept as a lone surrogate (``_UNDECODED``): its record is rejected, at its cell
        with self.path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape",
                                                           newline="") as f:
            # strict: a quote never closed, or out of place, is an error (read leniently, the records after it
            # would be cells of one record, and lost)
            reader = csv.reader(f, strict=True)
            header = csv_header(self.path, reader, self.ignore_unknown)
            if header is None:
                return
            number = 0
            while rows := csv_rows(self.path, reader, self.chunk_size):
                yield header, number + 1, rows, raw.tell()
                number += len(rows)
