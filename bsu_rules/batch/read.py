"""Read member files in bounded chunks as Arrow tables: Parquet, JSONL, or CSV (histories as JSON cells).

Every chunk has ``_row`` (the record's 1-based number in the input: the line for JSONL, the
record after the header for CSV, blank lines skipped but counted in both, the row for Parquet),
the contract fields, and ``_reject_field`` / ``_reject_message`` for rows that could not even be
typed (not JSON, a float where integer rupiah is required, an unknown field). Dates read from
text stay text here; ``validate`` checks and converts them. Text is parsed by Arrow's strict JSON
reader, a chunk at once; a chunk that fails is parsed in blocks, and a block that fails is split
down to a few lines, decoded in Python for a precise message.
"""

from __future__ import annotations

import csv
import errno
import functools
import io
import itertools
import os
import re
import stat
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj
import pyarrow.parquet as pq

from bsu_rules.batch import utf8
from bsu_rules.batch.conform import (
    as_text,
    column_problems,
    columns_to_read,
    conform,
    fill_unread,
    is_text,
    listed,
)
from bsu_rules.batch.validate import (
    REJECT_FIELD,
    REJECT_MESSAGE,
    ROW,
    TEXT_SCHEMA,
    Decoded,
    typed,
    with_rejects,
)
from bsu_rules.errors import InputError, on_path
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
from bsu_rules.members.parse import known_fields
from bsu_rules.members.raw import bounded_lines, compressed, wide_encoding

NESTED = ("employer", "wages", "contributions", "program_receipts", "bank_account")
FORMATS = (".parquet", ".jsonl", ".csv")
BLOCK_LINES = 4096


@dataclass(frozen=True)
class Chunk:
    """A table of rows and how far through the input it reaches (rows or bytes, see ``Reader.unit``)."""

    table: pa.Table
    done: int


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


def _kind(mode: int) -> str:
    """What a path that is not a regular file is, in words."""
    return "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else \
        "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"


def _whole_file_checks(path: Path) -> None:
    """InputError (once, for the file) for a path that is not a regular file (a pipe, a device: the
    input is read more than once, and opening a pipe again waits for ever), a compressed file, or
    (not Parquet) text not in UTF-8."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            raise InputError([(str(path), f"{_kind(mode)}: batch reads its input more than once, so it needs a "
                                          f"regular file; save the stream first (cat ... > members{path.suffix})")])
        with path.open("rb") as f:
            head = f.read(8)
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        raise on_path(exc, path) from None
    if packed := compressed(head, str(path)):
        raise InputError([(str(path), packed)])
    if path.suffix.lower() != ".parquet" and (wide := wide_encoding(head[:4])):
        raise InputError([(str(path), f"the file is {wide} text; save it as UTF-8")])


def input_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        try:  # a compressed member file (`m.jsonl.gz`) is told how to decompress it
            with open(path, "rb") as f:
                packed = compressed(f.read(8), str(path))
        except OSError:
            packed = None
        raise InputError([(str(path), packed or "the file name must end in .parquet, .jsonl or .csv")])
    return suffix


class Reader:
    """Chunks of one input file; ``total`` and ``unit`` describe progress (rows or bytes)."""

    def __init__(self, path: str | Path, chunk_size: int = 250_000, ignore_unknown: bool = False) -> None:
        self.path, self.chunk_size, self.ignore_unknown = Path(path), chunk_size, ignore_unknown
        self.python_rows = 0
        """CSV records read so far whose history cells are written as Python (``PYTHON_CELL``)."""
        self.format = input_format(path)
        _whole_file_checks(self.path)
        if self.format == ".parquet":
            try:
                self.parquet = pq.ParquetFile(self.path)
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
        else:
            if self.format == ".jsonl" and _json_array(self.path):
                raise InputError([(str(path), "a JSON array, not JSON lines: write one record per line, or name "
                                              "the file .json for bsu-rules evaluate")])
            self.total, self.unit = self.path.stat().st_size, "B"

    def __iter__(self) -> Iterator[Chunk]:
        return self.chunks()

    def chunks(self, unread: Collection[str] = ()) -> Iterator[Chunk]:
        """The chunks. A Parquet file's contract fields named in ``unread`` (dotted paths, from
        ``validate.unchecked``) are not read but null (their types are still checked): free text
        such as names and account numbers is a third of a member file."""
        if self.format == ".parquet":
            return self._parquet(unread)
        return self._jsonl() if self.format == ".jsonl" else self._csv()

    def niks(self) -> Iterator[tuple[np.ndarray, pa.Array]]:
        """Parquet only: the row numbers and NIKs of the whole file, a batch at a time, reading that
        one column (nothing when it is absent or not text: the rows say so when read in full). It
        opens the file again, so that it can run while the chunks are read."""
        schema = self.parquet.schema_arrow
        if not is_text(schema.field("nik").type if "nik" in schema.names else pa.null()):
            return
        first = 1
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
        try:
            frame = pl.scan_parquet(self.path).with_row_index(ROW, offset=1) \
                .filter(pl.col(ROW).is_in(pl.Series(rows, dtype=pl.UInt32).implode())).collect()
            table = frame.drop(ROW).to_arrow().cast(self.parquet.schema_arrow)
            numbers = frame[ROW].cast(pl.Int64).to_arrow()
        except (pl.exceptions.PolarsError, pa.ArrowException, OverflowError, ValueError):
            yield from (chunk.table for chunk in self._parquet())
            return
        yield conform(table, self.ignore_unknown).add_column(0, ROW, numbers)

    def _parquet(self, unread: Collection[str] = ()) -> Iterator[Chunk]:
        first = 1
        columns = None
        if unread:  # every column's type was checked when the file was opened
            columns = columns_to_read(self.parquet.schema_arrow, set(unread))
        # one thread: the chunks are decided on the other cores meanwhile (Arrow's threads cost a third more CPU)
        batches = self.parquet.iter_batches(batch_size=self.chunk_size, columns=columns, use_threads=False)
        while True:
            try:
                batch = next(batches, None)
            except (pa.ArrowException, OSError):
                raise InputError([(str(self.path), f"the Parquet file is damaged after row {first - 1}")]) from None
            if batch is None:
                return
            table = conform(fill_unread(pa.Table.from_batches([batch]), set(unread)), self.ignore_unknown)
            rows = pa.array(np.arange(first, first + batch.num_rows, dtype=np.int64))
            first += batch.num_rows
            yield Chunk(table.add_column(0, ROW, rows), first - 1)

    def _jsonl(self) -> Iterator[Chunk]:
        with self.path.open("rb") as f:
            number = 0
            while lines := list(itertools.islice(_bounded_lines(f), self.chunk_size)):
                if number == 0:
                    lines[0] = lines[0].removeprefix(b"\xef\xbb\xbf")
                if not lines[-1].endswith(b"\n"):
                    lines[-1] += b"\n"
                kept = [(number + i + 1, line) for i, line in enumerate(lines) if line.strip()]
                number += len(lines)
                text = [line for _, line in kept]
                table = _json_lines(text, functools.partial(_decode_text, text, self.ignore_unknown),
                                    self.ignore_unknown)
                yield Chunk(table.add_column(0, ROW, pa.array([n for n, _ in kept], pa.int64())), f.tell())

    def _csv(self) -> Iterator[Chunk]:
        for header, first, rows, done in self.csv_records():
            numbers = np.arange(first, first + len(rows), dtype=np.int64)
            kept = [i for i, r in enumerate(rows) if not blank_row(r)]
            if len(kept) < len(rows):  # blank lines are skipped (counted, as JSONL's are)
                rows, numbers = [rows[i] for i in kept], numbers[kept]
            table = _csv_block(header, rows, self.ignore_unknown)
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
                table = _csv_block(header, [r for _, r in kept], self.ignore_unknown)
                yield table.add_column(0, ROW, pa.array([n for n, _ in kept], pa.int64()))

    def csv_records(self) -> Iterator[tuple[list[str], int, list[list[str]], int]]:
        """CSV only: its records ``chunk_size`` at a time, as every reading of the file reads them:
        (the header, checked once; the number of the first record; the records; the bytes read so
        far, near enough)."""
        # a byte that is not UTF-8 is kept as a lone surrogate (``_UNDECODED``): its record is rejected, at its cell
        with self.path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape",
                                                           newline="") as f:
            reader = csv.reader(f)
            header = _header(self.path, reader, self.ignore_unknown)
            if header is None:
                return
            number = 0
            while rows := _csv_rows(self.path, reader, self.chunk_size):
                yield header, number + 1, rows, raw.tell()
                number += len(rows)


def blank_row(cells: list[str]) -> bool:
    """Whether a CSV record is a blank line: skipped, as a blank JSONL line is, but counted in the row numbers."""
    return not (len(cells) > 1 or (cells and cells[0].strip()))


CSV_FIELD_LIMIT = 64 << 20
"""Characters one CSV cell may hold before the file is refused; a record over ``MAX_RECORD`` is
rejected on its own (as a JSONL line is)."""


def _csv_rows(path: Path, reader: Any, size: int) -> list[list[str]]:
    """The next rows; InputError (once, for the file) if the text cannot be read as CSV."""
    csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        return list(itertools.islice(reader, size))
    except csv.Error as exc:
        raise InputError([(str(path), f"not readable CSV at line {reader.line_num} ({exc})")]) from None


_UNDECODED = re.compile("[\udc80-\udcff]")
"""A byte that is not UTF-8, as ``surrogateescape`` leaves it in the text."""


def _not_utf8(row: list[str], header: list[str]) -> list[tuple[str, str]]:
    """Each cell of a row holding a byte that is not UTF-8: (its column, the problem); a column named ""
    is not read."""
    return [(name, f"not UTF-8 text (byte {len(cell[:found.start()].encode('utf-8', 'surrogateescape')) + 1} "
                   "of the cell); save the file as UTF-8")
            for name, cell in zip(header, row, strict=False) if name and (found := _UNDECODED.search(cell))]


def _header(path: Path, reader: Any, ignore_unknown: bool) -> list[str] | None:
    """The header row, checked once for the whole file: the contract's names, each once, the
    required ones present, no unknown ones (unless ignored), a comma as separator. An unnamed column
    (Excel's trailing empty columns) is read, and dropped when its cells are empty (``UNNAMED``).
    None for an empty file: no header, no rows (as an empty JSONL file has no lines); blank lines
    before the header are skipped, as blank lines are everywhere."""
    while (rows := _csv_rows(path, reader, 1)) and blank_row(rows[0]):
        pass
    if not rows:
        return None
    header = rows[0]
    if any(_UNDECODED.search(name) for name in header):
        raise InputError([(str(path), "the header is not UTF-8 text; save the file as UTF-8")])
    if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
        sep = next(sep for sep in ";\t|" if sep in header[0])
        problems = [f"the header is one column holding {sep!r}: the file must be separated by commas"]
    else:
        named = [name for name in header if name.strip()]  # an unnamed column's rows say whether its cells are empty
        problems = column_problems(named, ignore_unknown, "the header")
        if named and not header[0].strip() and not ignore_unknown:
            problems.append("the header's first column is unnamed (a pandas index?): write the file without it "
                            "(to_csv(..., index=False)), or pass --ignore-unknown")
    if problems:
        raise InputError([(str(path), "; ".join(problems))])
    return header


# --- text: JSON lines, and CSV rows turned into JSON lines --------------------------------------

def _json_lines(lines: list[bytes], decode: Callable[[int], Decoded], ignore_unknown: bool) -> pa.Table:
    """Lines (each ending in a newline) as a table: at once if they all fit, else block by block."""
    if not lines:
        return with_rejects(TEXT_SCHEMA.empty_table(), [])
    whole = _parse(lines, ignore_unknown, threads=True)
    if whole is not None:
        return whole
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
            return table
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


_OVERSIZED = b"\x00\x00bsu-rules: a record over the size limit\x00\x00\n"


def _json_array(path: Path) -> bool:
    """Whether a JSONL file is one JSON array (refused whole), not JSON lines of which the first
    holds an array (a rejected row): its first line opens an array that goes on past it, or is
    too long for a record, or is the only line of the file."""
    with path.open("rb") as f:
        lines = (line for line in iter(lambda: f.readline(MAX_RECORD + 1), b"") if line.strip())
        first = next(lines, b"").removeprefix(b"\xef\xbb\xbf").lstrip()
        if first[:1] != b"[":
            return False
        return len(first) > MAX_RECORD or continues(first) or next(lines, None) is None


def _bounded_lines(f: Any) -> Iterator[bytes]:
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
        found, problems = typed(record, ignore_unknown)
        return found, [(at, LONE_SURROGATE) for at in where] + problems
    return typed(record, ignore_unknown)


PYTHON_CELL = ("not valid JSON: the cell is written as Python (single quotes, None, True, False), not JSON; "
               "write the cells with json.dumps (pandas: df[col] = df[col].map(json.dumps))")
"""Why a history cell pandas' ``to_csv`` wrote as a Python value (``{'npp': 'JJ041102'}``) is rejected;
``PYTHON_AGAIN`` for the record's next such cells."""
PYTHON_AGAIN = "not valid JSON: written as Python too"
_PYTHON = re.compile(r"""^\s*\[?\s*\{\s*'|[\[{:,]\s*(?:None|True|False)\s*[,}\]]""")


def python_cell(cell: str) -> bool:
    """Whether a cell that is not JSON looks like a Python value: it opens an object with ``{'`` or
    ``[{'``, or holds ``None``, ``True`` or ``False`` where JSON has null, true or false."""
    return _PYTHON.search(cell) is not None


UNNAMED = "a value in a column the header does not name: name the column, or pass --ignore-unknown"
"""Why a CSV record with a value under an empty header cell is rejected (Excel's trailing empty columns
are read, and dropped, when all their cells are empty)."""


def _csv_block(header: list[str], rows: list[list[str]], ignore_unknown: bool) -> pa.Table:
    """CSV rows as JSON lines (scalars encoded by Polars, history cells spliced in as they are)."""
    width = len(header)
    oversized = {i for i, r in enumerate(rows) if sum(map(len, r)) > MAX_RECORD}
    read = header if not ignore_unknown else [k if k in TEXT_SCHEMA.names else "" for k in header]  # "": dropped
    bad = [] if not _UNDECODED.search("\x00".join(itertools.chain.from_iterable(rows))) else \
        [i for i, r in enumerate(rows) if any(_UNDECODED.search(cell) for cell in r)]  # one scan of the chunk
    undecoded = {i: found for i in bad if (found := _not_utf8(rows[i], read))}
    for i in bad:  # those cells are left out (unread), the rest of the record is read
        rows[i] = ["" if _UNDECODED.search(cell) else cell for cell in rows[i]]
    left_out = oversized | set(undecoded)
    columns = list(zip(*[r if len(r) == width and i not in oversized else [""] * width for i, r in enumerate(rows)],
                       strict=True)) or [()] * width
    series = [pl.Series(name, col, dtype=pl.String).replace("", None)
              for name, col in zip(header, columns, strict=True)]
    cells = dict(zip(header, series, strict=True))  # by name: the contract's names are each once in a header
    known = [k for k in header if k in TEXT_SCHEMA.names]
    scalars = pl.DataFrame([cells[k] for k in known if k not in NESTED], height=len(rows))
    parts: list[pl.Expr | pl.Series] = [pl.lit(""), pl.lit("{")]
    if scalars.width:
        parts = [pl.lit(""), scalars.select(pl.struct(pl.all()).struct.json_encode().str.strip_suffix("}"))
                 .to_series()]
    for k in (k for k in known if k in NESTED):
        sep = "," if len(parts) > 2 or scalars.width else ""
        parts.append(pl.lit(f'{sep}"{k}":') + cells[k].fill_null("null"))
    text = pl.select(pl.concat_str([*parts, pl.lit("}\n")])).to_series()
    lines = [line.encode() for line in text.to_list()]

    def decode(i: int) -> Decoded:
        row = rows[i]
        if i in oversized:
            return None, [("(record)", TOO_LARGE)]
        if len(row) != width:
            return None, [("(record)", f"{len(row)} cells, the header has {width}")]
        record: dict[str, Any] = {}
        cells: list[tuple[str, str]] = list(undecoded.get(i, []))
        for place, (name, cell) in enumerate(zip(header, row, strict=True), 1):
            if not name.strip():
                if cell != "" and not ignore_unknown:
                    cells.append((f"(column {place})", UNNAMED))
            elif cell != "" and name in NESTED:
                try:
                    record[name] = decode_json(cell, name)
                except BadRecord as exc:
                    if str(exc) != LONE_SURROGATE:
                        field = name if exc.field == "(record)" else exc.field  # a number too long: at its own field
                        told = any(message == PYTHON_CELL for _, message in cells)  # the advice once a record
                        said = str(exc) if not python_cell(cell) else PYTHON_AGAIN if told else PYTHON_CELL
                        cells.append((field, said))
                        continue
                    record[name], where = lone_surrogates(decode_records(cell), name)  # that text left out
                    cells += [(at, LONE_SURROGATE) for at in where]
            elif cell != "":
                record[name] = cell
        found, problems = typed(record, ignore_unknown)
        return found, cells + problems

    table = _json_lines(lines, decode, ignore_unknown)
    extra = [i for i, r in enumerate(rows) if len(r) != width or i in left_out]
    if not ignore_unknown:
        for k, column in zip(header, series, strict=True):
            if k not in TEXT_SCHEMA.names:
                extra += column.is_not_null().arg_true().to_list()
    if not extra:
        return table
    field = table[REJECT_FIELD].to_pylist()
    message = table[REJECT_MESSAGE].to_pylist()
    for i in sorted(set(extra)):
        problems = decode(i)[1]
        field[i], message[i] = problems[0][0], "; ".join(f"{path}: {msg}" for path, msg in problems)
    return table.drop_columns([REJECT_FIELD, REJECT_MESSAGE]).append_column(
        REJECT_FIELD, pa.array(field, pa.string())).append_column(REJECT_MESSAGE, pa.array(message, pa.string()))
