"""CSV tables beside a rule file: keys as text, numbers as exact decimals."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from bsu_rules.members.model import hide_identifiers, holds_identifier
from bsu_rules.ruleset.diagnostics import nearest
from bsu_rules.ruleset.files import Missing, UnsafePath, read_beside
from bsu_rules.ruleset.schema import TableRef
from bsu_rules.ruleset.source import CONTROL
from bsu_rules.ruleset.spelling import plain_number, table_amount
from bsu_rules.ruleset.types import DECIMAL, KEYSET, STR, Type, table_of, too_wide

_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_ .-]{0,39}")  # a header worth repeating in a message
BOUNDS = ("exact", "lower")
"""What a row of a table's `bound` column may say: a published figure, or a lower bound."""


class TableError(ValueError):
    """A table that cannot be used: ``line`` (and ``column``) is where in the CSV file it is wrong
    (None: the rule file's reference to it)."""

    def __init__(self, message: str, line: int | None = None, suggestion: str | None = None,
                 file: str | None = None, column: int = 1) -> None:
        super().__init__(f"{file}:{line}: {message}" if line is not None else message)
        self.message, self.line, self.column, self.suggestion = message, line, column, suggestion


@dataclass(frozen=True)
class Table:
    """A loaded table: a mapping key -> value, or a set of keys (``values`` is None)."""

    name: str
    ref: TableRef
    keys: frozenset[str]
    values: dict[str, Decimal | str] | None
    rows: int
    sha256: str
    bounds: frozenset[str] = frozenset()
    """Keys whose value is only a lower bound (the table's ``bound`` column says ``lower``)."""
    names: dict[str, str] = field(default_factory=dict)
    """Each key's name as people say it, from the column that names the key column's codes (``area_name``
    beside ``area_code``): what an explanation reads out in place of a code."""

    @property
    def unlisted_unknown(self) -> bool:
        """Whether a key the table does not list is unknown (an incomplete table)."""
        return self.ref.unlisted == "unknown"

    @property
    def type(self) -> Type:
        if self.values is None:
            return KEYSET
        numeric = all(isinstance(v, Decimal) for v in self.values.values())
        return table_of(DECIMAL if numeric else STR)


def load_table(name: str, ref: TableRef, base: Path) -> Table:
    """Read ``ref.file`` relative to ``base``; raise TableError naming the row that is wrong."""
    try:
        raw = read_beside(base, ref.file)
        text = raw.decode("utf-8-sig")
        for _ in csv.reader(io.StringIO(text)):  # a malformed file fails here, before any row is used
            pass
    except csv.Error as exc:
        raise TableError(f"table file `{ref.file}` is not a readable CSV file ({exc})") from None
    except UnsafePath as exc:
        raise TableError(f"table file `{ref.file}` {exc}", suggestion=_nearest_file(base, ref.file)
                         if isinstance(exc, Missing) else None) from None
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        raise TableError("the file is not UTF-8 text: save it as UTF-8 (in a spreadsheet: CSV UTF-8)",
                         raw.count(b"\n", 0, exc.start) + 1, file=ref.file,
                         column=len(raw[start:exc.start].decode("utf-8", "replace")) + 1) from None
    _check_characters(text, ref.file)
    lines = text.split("\n")  # as the reader counts them
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    if ref.bound is not None and ref.value is None:
        raise TableError(f"table `{ref.file}`: `bound` needs a `value` column")
    if len(columns) == 1 and (mark := next((m for m in ";\t" if m in columns[0]), None)):
        shown = "a tab" if mark == "\t" else f"`{mark}`"
        raise TableError(f"the columns are separated by {shown}: separate them with commas (in a spreadsheet: "
                         "save as CSV, comma-separated)", 1, file=ref.file, column=columns[0].index(mark) + 1)
    for named, column in (("key", ref.key), ("value", ref.value), ("bound", ref.bound)):
        if column is not None and column not in columns:
            if not (all(_NAME.fullmatch(c) for c in columns) and 0 < len(columns) <= 40):
                raise TableError(f"no column `{column}`: the first line is not a header of column names (write "
                                 "the names of the columns on the first line, separated by commas)", 1,
                                 file=ref.file)
            near = nearest(column, columns)
            if near is not None:  # one of the two is mistyped: the header, most often, where it is written
                raise TableError(f"the rule file reads a column `{column}`, and the header has `{near}` instead: "
                                 f"name this column `{column}` (or, if the header is right, write `{named}: {near}` "
                                 "in the rule file)", 1, column, ref.file,
                                 column=sum(len(c) + 1 for c in columns[:columns.index(near)]) + 1)
            raise TableError(f"table `{ref.file}` has no column `{column}` (columns: {', '.join(columns)})")
    name_column = f"{ref.key.removesuffix('_code')}_name" if ref.key.endswith("_code") else None
    names: dict[str, str] = {}
    values: dict[str, Decimal | str] = {}
    keys: dict[str, int] = {}  # each key and the line it is first on
    bounds: set[str] = set()
    texts: list[tuple[int, int, str]] = []  # value cells that are not numbers: line, column, text

    def at(column: str | None) -> int:
        """The column of a cell of the current row in the file."""
        return _cell_column(lines[line - 1], columns.index(column)) if column in columns else 1

    for row in reader:
        line = reader.line_num
        if broken := next((c for c in _cells(row) if "\r" in c and "\n" not in c), None):  # a lone \r, quoted
            raise TableError("a line break inside a cell: a cell is one line of text", line, file=ref.file,
                             column=lines[line - 1].index("\r") + 1)
        if broken := next((c for c in _cells(row) if "\n" in c), None):
            start = line - broken.rstrip("\r\n").count("\n")
            opened = lines[start - 1] if 0 < start <= len(lines) else ""
            end = "the end of the file" if broken.endswith(("\n", "\r")) else f"line {line}"
            raise TableError(f"a quote `\"` is not closed: the cell runs on to {end} (close it with another "
                             '`"`, or remove it)', start, file=ref.file, column=_opening_quote(opened))
        cells = len(columns) - sum(v is None for k, v in row.items() if k is not None) + len(row.get(None) or [])
        if cells != len(columns):
            fix = "put a text that holds a comma in double quotes, or remove the extra cells" if cells > len(columns) \
                else "add the missing cells (an empty cell is written as nothing between two commas)"
            raise TableError(f"this row has {cells} cells, but the header has {len(columns)} columns "
                             f"({', '.join(columns)}): {fix}", line, file=ref.file)
        if (said := next((c for c in columns if holds_identifier(row.get(c) or "")
                          and not _NUMBER.match((row.get(c) or "").strip())), None)) is not None:
            raise TableError(f"`{said}` holds a number of ten digits or more, as a NIK or an account number does: "
                             "a table is shown to everyone as written (leave personal numbers out)", line,
                             file=ref.file, column=at(said))
        key = (row.get(ref.key) or "").strip()
        if not key:
            raise TableError(f"empty key `{ref.key}`", line, file=ref.file, column=at(ref.key))
        if key in keys:
            raise TableError(f"key {hide_identifiers(key[:40])} appears twice (first at line {keys[key]})", line,
                             file=ref.file, column=at(ref.key))
        keys[key] = line
        if name_column is not None and (said := (row.get(name_column) or "").strip()):
            names[key] = hide_identifiers(said[:80])
        if ref.value is not None:
            text = (row.get(ref.value) or "").strip()
            value = values[key] = Decimal(text) if _NUMBER.match(text) else text
            if not isinstance(value, Decimal) and ref.unit == "IDR" and plain_number(text) is None and \
                    (plain := table_amount(text)) is not None:  # `Rp4641854`, `4641854,-`: the rupiah written in
                raise TableError(f"`{ref.value}` is {hide_identifiers(repr(text[:40]))}: an amount in rupiah is "
                                 "written with digits only, `.` before decimals", line, plain,
                                 ref.file, column=at(ref.value))
            if not isinstance(value, Decimal):
                texts.append((line, at(ref.value), text))
            elif (wide := too_wide(value)) is not None:
                raise TableError(f"`{ref.value}`: {wide}", line, file=ref.file, column=at(ref.value))
            elif ref.unit == "IDR" and value < 0:
                raise TableError(f"`{ref.value}` is {text}: an amount in rupiah is 0 or more", line, file=ref.file,
                                 column=at(ref.value))
        if ref.bound is not None:
            mark = (row.get(ref.bound) or "").strip()
            if mark not in BOUNDS:
                raise TableError(f"`{ref.bound}` is {hide_identifiers(repr(mark[:40]))}; write "
                                 "`exact` or `lower`", line, file=ref.file, column=at(ref.bound))
            if mark == "lower":
                if not isinstance(values[key], Decimal):
                    raise TableError("a lower bound must be a number", line, file=ref.file, column=at(ref.value))
                bounds.add(key)
    grouped = [(line, cell, text, plain) for line, cell, text in texts if (plain := plain_number(text)) is not None]
    if grouped or (texts and len(texts) < len(values)):  # a number column with a cell that is not one
        line, cell, text, plain = grouped[0] if grouped else (*texts[0], None)
        shown = hide_identifiers(repr(text[:40]))
        why = f"a number written with separators: write `{plain}`" if plain else \
            "not a number as in the other rows: write one with digits only"
        raise TableError(f"`{ref.value}` is {shown}, {why} (`.` before decimals)", line, plain, ref.file,
                         column=cell)
    return Table(name, ref, frozenset(keys), values if ref.value is not None else None, len(keys),
                 hashlib.sha256(raw).hexdigest(), frozenset(bounds), names)


def _cells(row: dict[str | None, object]) -> list[str]:
    """The text of every cell of a row, those beyond the header's columns too."""
    extra = row.get(None)
    return [v for k, v in row.items() if k is not None and isinstance(v, str)] + \
        [v for v in (extra if isinstance(extra, list) else []) if isinstance(v, str)]


def _opening_quote(line: str) -> int:
    """The column of the quote that opens a line's last quoted cell (an unclosed one is the last)."""
    starts = [i for i, c in enumerate(line) if c == '"' and (i == 0 or line[i - 1] == ",")]
    return starts[-1] + 1 if starts else 1


def _cell_column(line: str, index: int) -> int:
    """The 1-based column where cell ``index`` of a one-line CSV row starts (a quoted comma is text)."""
    quoted, cell = False, 0
    for at, char in enumerate(line):
        if cell == index:
            return at + 1
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            cell += 1
    return len(line) + 1 if cell == index else 1


_SEPARATOR = re.compile("[\u2028\u2029]")  # Unicode's line and paragraph separators: line breaks on a page


def _check_characters(text: str, file: str) -> None:
    """TableError at the first control character (tab and line ends aside): a cell is shown as it is
    written, to a worker as to an officer. (A line break inside a quoted cell is an unclosed quote to
    the reader of the rows.)"""
    if found := CONTROL.search(text) or _SEPARATOR.search(text):
        at = found.start()
        what = "line separator" if _SEPARATOR.match(found.group()) else "control character"
        raise TableError(f"{what} U+{ord(found.group()):04X}: a cell is one line of text without control characters",
                         text.count("\n", 0, at) + 1, file=file, column=at - (text.rfind("\n", 0, at) + 1) + 1)


def _nearest_file(base: Path, name: str) -> str | None:
    """The CSV file in the rule file's folder, or one folder below it, spelt most like ``name``."""
    try:
        root = base.resolve(strict=True)
        found = [p.relative_to(base).as_posix() for p in (*base.glob("*.csv"), *base.glob("*/*.csv"))
                 if p.resolve().is_relative_to(root) and p.is_file()]
    except (OSError, RuntimeError, ValueError):
        return None
    by_name = {path.rsplit("/", 1)[-1]: path for path in sorted(found, key=lambda p: -p.count("/"))}  # shallowest
    hint = nearest(name.replace("\\", "/").rsplit("/", 1)[-1], by_name)
    return by_name[hint] if hint is not None else None
