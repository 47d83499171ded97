"""CSV member files: the header checked once for the file, records in bounded chunks, and records
turned into JSON lines (history cells as JSON text) for ``read_jsonl`` to type.

A history cell pandas wrote as a Python value, a value under an unnamed column, a cell not in
UTF-8 or a record over the size limit rejects that record alone, not the file.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa

from bsu_rules.batch.conform import column_problems
from bsu_rules.batch.read_jsonl import json_lines
from bsu_rules.batch.validate import REJECT_FIELD, REJECT_MESSAGE, TEXT_SCHEMA, Decoded, typed
from bsu_rules.errors import InputError
from bsu_rules.members.decode import (
    LONE_SURROGATE,
    MAX_RECORD,
    SEPARATORS,
    TOO_LARGE,
    BadRecord,
    decode_json,
    decode_records,
    lone_surrogates,
)
from bsu_rules.members.parse import known_fields

NESTED = ("employer", "wages", "contributions", "program_receipts", "bank_account")



def blank_row(cells: list[str]) -> bool:
    """Whether a CSV record holds nothing: a blank line, or only empty cells (``,,,,``: what a spreadsheet
    writes for a row cleared below its data). Skipped, as a blank JSONL line is, but counted in the row numbers."""
    return not any(cell.strip() for cell in cells)


CSV_FIELD_LIMIT = 64 << 20
"""Characters one CSV cell may hold before the file is refused; a record over ``MAX_RECORD`` is
rejected on its own (as a JSONL line is)."""


def csv_rows(path: Path, reader: Any, size: int) -> list[list[str]]:
    """The next rows; InputError (once, for the file) if the text cannot be read as CSV. A quote never
    closed, or out of place, is told at the line of the record where the reading broke: read leniently,
    the records after it would be cells of one record, and lost without a word."""
    csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        return list(itertools.islice(reader, size))
    except csv.Error as exc:
        if str(exc) == "unexpected end of data":
            raise InputError([(str(path), f"not readable CSV: the record at line {_record_start(path)} opens a quote "
                                          "(\") that is never closed, so the rest of the file would be one cell; "
                                          "close it, or write a quote inside a cell as two (\"\")")]) from None
        if str(exc).endswith("expected after '\"'"):
            raise InputError([(str(path), f"not readable CSV: the record at line {_record_start(path)} has a quote "
                                          "(\") out of place, or one that is never closed before it: a cell holding a "
                                          "quote is written in quotes, each quote in it doubled (\"Agus \"\"Gus\"\" "
                                          "S\"), as a spreadsheet saves it")]) from None
        raise InputError([(str(path), f"not readable CSV at line {reader.line_num} ({exc})")]) from None


def _record_start(path: Path) -> int:
    """The line the record that cannot be read starts at (the file read again: only when one cannot)."""
    last = 0
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
        reader = csv.reader(f, strict=True)
        try:
            for _ in reader:
                last = reader.line_num
        except csv.Error:
            pass
    return last + 1


_UNDECODED = re.compile("[\udc80-\udcff]")
"""A byte that is not UTF-8, as ``surrogateescape`` leaves it in the text."""


def _not_utf8(row: list[str], header: list[str]) -> list[tuple[str, str]]:
    """Each cell of a row holding a byte that is not UTF-8: (its column, the problem); a column named ""
    is not read."""
    return [(name, f"not UTF-8 text (byte {len(cell[:found.start()].encode('utf-8', 'surrogateescape')) + 1} "
                   "of the cell); save the file as UTF-8")
            for name, cell in zip(header, row, strict=False) if name and (found := _UNDECODED.search(cell))]


MAX_COLUMNS = 1_000
"""Columns a CSV header may name (the contract has 16; a spreadsheet's empty columns add a few)."""


def csv_header(path: Path, reader: Any, ignore_unknown: bool) -> list[str] | None:
    """The header row, checked once for the whole file: the contract's names, each once, the
    required ones present, no unknown ones (unless ignored), a comma as separator. An unnamed column
    (Excel's trailing empty columns) is read, and dropped when its cells are empty (``UNNAMED``).
    None for an empty file: no header, no rows (as an empty JSONL file has no lines); blank lines
    before the header are skipped, as blank lines are everywhere."""
    while (rows := csv_rows(path, reader, 1)) and blank_row(rows[0]):
        pass
    if not rows:
        return None
    header = rows[0]
    if len(header) > MAX_COLUMNS:  # read column by column, a run of commas would cost minutes for a record
        raise InputError([(str(path), f"the header has {len(header):,} columns, more than {MAX_COLUMNS:,}: a member "
                                      f"file has the contract's {len(TEXT_SCHEMA.names)} (a long run of commas "
                                      "after its names? remove the empty columns)")])
    if any(_UNDECODED.search(name) for name in header):
        raise InputError([(str(path), "the header is not UTF-8 text; save the file as UTF-8")])
    if parted := next((SEPARATORS[c] for c in SEPARATORS if any(c in name.strip() for name in header)), None):
        raise InputError([(str(path), f"the header holds {parted}, a line end CSV does not take: if the file's lines "
                                      "end so, the records run together; end each line with a newline")])
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


def _fitted(row: list[str], width: int, named: int) -> list[str]:
    """A record whose cells differ from the header's columns only in empty ones at its end, made as wide as the
    header (a trailing comma on the header, or on the rows, alone: an empty column is dropped when its cells are
    empty): short of unnamed columns only, or past the header with empty cells only; else as it is (rejected)."""
    if named <= len(row) < width:
        return row + [""] * (width - len(row))
    if len(row) > width and not any(row[width:]):
        return row[:width]
    return row


def _known_in(group: str) -> Callable[[Any], Any]:
    """A JSON cell of ``group`` with the fields the contract does not know left out (``--ignore-unknown``)."""
    return lambda value: known_fields({group: value})[group]


def csv_block(header: list[str], rows: list[list[str]], ignore_unknown: bool) -> pa.Table:
    """CSV rows as JSON lines (scalars encoded by Polars, history cells spliced in as they are)."""
    width = len(header)
    named = max((place for place, name in enumerate(header, 1) if name.strip()), default=0)
    for i, row in enumerate(rows):
        if len(row) != width:
            rows[i] = _fitted(row, width, named)
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
                keep = _known_in(name) if ignore_unknown else None  # as a JSON line's, unread
                try:
                    record[name] = decode_json(cell, name, keep=keep)
                except BadRecord as exc:
                    if str(exc) != LONE_SURROGATE:
                        field = name if exc.field == "(record)" else exc.field  # a number too long: at its own field
                        told = any(message == PYTHON_CELL for _, message in cells)  # the advice once a record
                        said = str(exc) if not python_cell(cell) else PYTHON_AGAIN if told else PYTHON_CELL
                        cells.append((field, said))
                        continue
                    decoded = decode_records(cell)
                    record[name], where = lone_surrogates(keep(decoded) if keep else decoded, name)  # left out
                    cells += [(at, LONE_SURROGATE) for at in where]
            elif cell != "":
                record[name] = cell
        found, problems = typed(record, ignore_unknown, told={path for path, _ in cells})
        return found, cells + problems

    table = json_lines(lines, decode, ignore_unknown)
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
