"""CSV tables beside a rule file: keys as text, numbers as exact decimals."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from bsu_rules.members.raw import wide_encoding
from bsu_rules.members.redact import clipped, hide_identifiers, holds_identifier, visible
from bsu_rules.ruleset.diagnostics import nearest
from bsu_rules.ruleset.files import Missing, UnsafePath, read_beside
from bsu_rules.ruleset.schema import TableRef, nik_shaped
from bsu_rules.ruleset.source import CONTROL
from bsu_rules.ruleset.spelling import long_digits, plain_number, table_amount
from bsu_rules.ruleset.types import DECIMAL, KEYSET, STR, Type, table_of, too_wide

_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_THOUSANDS_DOT = re.compile(r"[0-9]{1,3}\.[0-9]{3}")
"""An amount such as ``4.798``: in rupiah, a thousands dot (``4.798.312`` cut short), not three decimals."""
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_ .-]{0,39}")  # a header worth repeating in a message
BOUNDS = ("exact", "lower")
"""What a row of a table's `bound` column may say: a published figure, or a lower bound."""


class TableError(ValueError):
    """A table that cannot be used: ``line`` (and ``column``) is where in the CSV file it is wrong
    (None: the rule file's reference to it)."""

    def __init__(self, message: str, line: int | None = None, suggestion: str | None = None,
                 file: str | None = None, column: int = 1, at: str = "file") -> None:
        super().__init__(f"{file}:{line}: {message}" if line is not None else message)
        self.message, self.line, self.column, self.suggestion = message, line, column, suggestion
        self.at = at  # the field of the rule file's reference it is told at, when not in the CSV file


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
    def gives_bounds(self) -> bool:
        """Whether a number read from the table may be only a lower bound: a row marked ``lower``, or, of a table
        of numbers whose unlisted keys are unknown, ``highest_for`` of a regency it does not list under a
        province it does (at least the province's row)."""
        return bool(self.bounds) or (self.unlisted_unknown and self.values is not None)

    @property
    def type(self) -> Type:
        if self.values is None:
            return KEYSET
        numeric = all(isinstance(v, Decimal) for v in self.values.values())
        return table_of(DECIMAL if numeric else STR)


def name_column(key: str) -> str | None:
    """The column naming a key column's codes (``area_name`` beside ``area_code``), if the key is codes."""
    return f"{key.removesuffix('_code')}_name" if key.endswith("_code") else None


def read_table(name: str, ref: TableRef, base: Path, shown: str | None = None) -> tuple[Table | None, list[TableError]]:
    """Read ``ref.file`` relative to ``base``: the table, or None and every TableError in file order (a
    wrong row does not hide the rows after it; a file or header that cannot be read stops there).
    ``shown``: the file as messages name it (a path as given on the command line), ``ref.file`` if None."""
    named = ref if shown is None else ref.model_copy(update={"file": shown})
    try:
        raw = read_beside(base, ref.file)
    except UnsafePath as exc:
        return None, [TableError(f"table file `{named.file}` {exc}", suggestion=_nearest_file(base, ref.file)
                                 if isinstance(exc, Missing) else None)]
    if not ref.file.lower().endswith(".csv"):  # a rule file, a spreadsheet …: its lines are no table's rows
        return None, [TableError(f"table file `{named.file}` is not a CSV file (its name does not end in .csv): a "
                                 "table is a CSV file, a header naming its columns, then a row a line",
                                 suggestion=_nearest_file(base, ref.file))]
    try:
        text = _decoded(raw, named.file)
    except TableError as exc:
        return None, [exc]
    errors = _characters(text, named.file)
    reader = csv.DictReader(io.StringIO(text))
    columns = list(reader.fieldnames or [])
    try:
        _check_header(name, columns, named, text.split("\n", 1)[0])
    except TableError as exc:
        return None, sorted([*errors, exc], key=_place)
    rows = _Rows(named, columns, text.split("\n"))  # lines as the reader counts them
    for row in reader:
        rows.read(row, reader.line_num)
    errors = sorted([*errors, *rows.finish()], key=_place)
    if not rows.keys and not errors:  # every lookup would find nothing: a ceiling of 0, no bank known
        errors = [TableError(f"table `{name}` ({named.file}) has no rows: only its header was read (a file "
                             "saved before its rows were filled in, or the wrong sheet?)")]
    if errors:
        return None, errors
    return Table(name, ref, frozenset(rows.keys), rows.values if ref.value is not None else None, len(rows.keys),
                 hashlib.sha256(raw).hexdigest(), frozenset(rows.bounds), rows.names), []


def _place(error: TableError) -> tuple[int, int]:
    """Where a mistake is, for telling them in file order (the rule file's reference first)."""
    return error.line or 0, error.column


def _decoded(raw: bytes, file: str) -> str:
    """The text of a CSV file; TableError if it is not UTF-8 or not CSV the reader can read."""
    if wide := wide_encoding(raw[:4]):  # told as a rule or member file in it is: NUL bytes would decode
        raise TableError(f"the file is {wide} text: save it as UTF-8 (in a spreadsheet: CSV UTF-8)", 1, file=file)
    try:
        text = raw.decode("utf-8-sig")
        reader = csv.reader(io.StringIO(text))
        for _ in reader:  # a malformed file fails here, before any row is used
            pass
    except csv.Error as exc:
        if "field limit" in str(exc):  # the line it was found on: where the cell ends (or the file does)
            raise TableError(f"a cell longer than {csv.field_size_limit():,} characters ends on this line: a "
                             "table's cell is a key, a name, an amount or a source (a quote left open?)",
                             reader.line_num, file=file) from None
        if "\r" in text and "\n" not in text:  # the csv module: "… open the file in universal-newline mode?"
            raise TableError("its lines end with a carriage return alone, as \"CSV (Macintosh)\" saves them: save the "
                             "file as \"CSV UTF-8 (Comma delimited)\"", 1, file=file) from None
        raise TableError(f"table file `{file}` is not a readable CSV file ({exc})") from None
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        raise TableError("the file is not UTF-8 text: save it as UTF-8 (in a spreadsheet: CSV UTF-8)",
                         raw.count(b"\n", 0, exc.start) + 1, file=file,
                         column=len(raw[start:exc.start].decode("utf-8", "replace")) + 1) from None
    return text


def _check_header(name: str, columns: list[str], ref: TableRef, header: str) -> None:
    """TableError if the header of table ``name`` (its first line, ``header``) does not hold the columns
    the rule file reads, or names one twice."""
    if ref.bound is not None and ref.value is None:
        raise TableError(f"table `{name}` ({ref.file}): `bound` needs a `value` column")
    if len(columns) == 1 and (mark := next((m for m in ";\t" if m in columns[0]), None)):
        raise TableError(f"the columns are separated by {_shown(mark)}: separate them with commas (in a "
                         "spreadsheet: save as CSV, comma-separated)", 1, file=ref.file,
                         column=columns[0].index(mark) + 1)
    for i, spaced in enumerate(columns):
        if spaced != spaced.strip() and spaced.strip():  # read as written: ``amount `` is not ``amount``
            raise TableError(f"the column name `{spaced}` has a space {'before' if spaced[0].isspace() else 'after'} "
                             f"it: remove it, so the header names `{spaced.strip()}`", 1, file=ref.file,
                             column=_cell_column(header, i))
    first: dict[str, int] = {}
    for i, twice in enumerate(columns):
        if twice and first.setdefault(twice, i) != i:  # a reader would keep one of the two cells and drop the other
            raise TableError(f"the column `{twice}` is named twice (columns {first[twice] + 1} and "
                             f"{i + 1}): give each column its own name, or remove the one not meant", 1,
                             file=ref.file, column=_cell_column(header, i))
    for named, column in (("key", ref.key), ("value", ref.value), ("bound", ref.bound)):
        if column is not None and column not in columns:
            if not (all(_NAME.fullmatch(c) for c in columns) and 0 < len(columns) <= 40):
                raise TableError(f"no column `{column}`: the first line is not a header of column names (write "
                                 "the names of the columns on the first line, separated by commas)", 1,
                                 file=ref.file)
            near = nearest(column, columns)
            if near is not None and _header_right(column, near, columns):
                raise TableError(f"table `{name}` ({ref.file}) has no column `{column}`; its header has `{near}`: "
                                 f"write `{named}: {near}`", suggestion=near, at=named)
            if near is not None:  # one of the two is mistyped: the header, most often, where it is written
                raise TableError(f"the rule file reads a column `{column}`, and the header has `{near}` instead: "
                                 f"name this column `{column}` (or, if the header is right, write `{named}: {near}` "
                                 "in the rule file)", 1, column, ref.file,
                                 column=_cell_column(header, columns.index(near)))
            raise TableError(f"table `{name}` ({ref.file}) has no column `{column}` (columns: {_listed(columns)})")


def _listed(columns: list[str]) -> str:
    """A header's columns as a message names them: the first twelve, and how many more."""
    more = f" and {len(columns) - 12:,} more" if len(columns) > 12 else ""
    return ", ".join(c[:40] for c in columns[:12]) + more


def _header_right(read: str, near: str, columns: list[str]) -> bool:
    """Whether the rule file's ``read`` is the mistyped one of it and the header's ``near``: ``read``
    lacks letters ``near`` has (``area_cod``), but for a letter typed twice in the header (``ammount``),
    or ``near`` is the code column of a code and name pair (``area_code`` beside ``area_name``)."""
    letters = iter(near)
    dropped = len(read) < len(near) and all(c in letters for c in read)
    doubled = any(near[k] == near[k - 1] and near[:k] + near[k + 1:] == read for k in range(1, len(near)))
    return (dropped and not doubled) or (near.endswith("_code") and f"{near.removesuffix('_code')}_name" in columns)


def _shown(mark: str) -> str:
    """A separator as a message names it."""
    return "a tab" if mark == "\t" else f"`{mark}`"


Row = dict[str | None, Any]
"""A row as csv.DictReader gives it: cells by column name, any beyond the header's under None."""


class _Rows:
    """The rows of one table, read one at a time: what they hold, and every mistake in them."""

    def __init__(self, ref: TableRef, columns: list[str], lines: list[str]) -> None:
        self.ref, self.columns, self.lines = ref, columns, lines
        self.errors: list[TableError] = []
        self.keys: dict[str, int] = {}  # each key and the line it is first on
        self.values: dict[str, Decimal | str] = {}
        self.bounds: set[str] = set()
        self.names: dict[str, str] = {}
        self.texts: list[tuple[int, int, str]] = []  # value cells that are not numbers: line, column, text
        self.numbers = 0  # value cells written as numbers
        self.numbers_in: dict[str, int] = {}  # rows whose value cell is text: where another column holds a number
        self.unbounded: list[tuple[int, int]] = []  # `lower` beside a value that is not a number: line, column
        self.marks: list[tuple[int, str]] = []  # bound cells neither `exact` nor `lower`: line, text
        self.widths: dict[int, list[TableError]] = {}  # rows of another number of cells than the header, by it
        self.rows = 0
        self.name_column = name_column(ref.key)

    def error(self, message: str, line: int, column: int = 1, suggestion: str | None = None) -> None:
        self.errors.append(TableError(message, line, suggestion, self.ref.file, column))

    def at(self, column: str | None, line: int) -> int:
        """The column of a cell of row ``line`` in the file."""
        return _cell_column(self.lines[line - 1], self.columns.index(column)) if column in self.columns else 1

    def read(self, row: Row, line: int) -> None:
        """Take one row, keeping every mistake in it that is not the result of another."""
        self.rows += 1
        whole = self._whole(row, line)
        if whole is None:
            return
        if (said := next((c for c in self.columns if self._personal(c, whole.get(c) or "")), None)) is not None:
            what = "is a number of 16 digits, as a NIK is" if said == self.ref.value and \
                _NUMBER.match((whole.get(said) or "").strip()) else \
                "holds a number of ten digits or more, as a NIK or an account number does"
            self.error(f"`{said}` {what}: a table is shown to everyone as written (leave personal numbers out)",
                       line, self.at(said, line))
            return
        key = self._visible(whole, self.ref.key, line)
        if not key:
            self.error(f"empty key `{self.ref.key}`", line, self.at(self.ref.key, line))
            return
        first = self.keys.setdefault(key, line)
        if first != line:
            self.error(f"key {hide_identifiers(key[:40])} appears twice (first at line {first})", line,
                       self.at(self.ref.key, line))
        value = self._value(self._visible(whole, self.ref.value, line), line) if self.ref.value else None
        if isinstance(value, str) and self.ref.unit == "IDR":
            for column in self.columns:
                if column not in (self.ref.key, self.ref.value) and _NUMBER.match((whole.get(column) or "").strip()):
                    self.numbers_in[column] = self.numbers_in.get(column, 0) + 1
        if self.ref.bound:
            self._bound(self._visible(whole, self.ref.bound, line), value, key, line)
        if first != line:
            return
        if value is not None:
            self.values[key] = value
        if self.name_column is not None and (said := (whole.get(self.name_column) or "").strip()):
            self.names[key] = hide_identifiers(said[:80])

    def _personal(self, column: str, text: str) -> bool:
        """Whether a cell holds a NIK- or account-like number: ten digits or more anywhere (a key, a name, a
        source), but in the value column, or written with decimals in any (an amount in the wrong column:
        Makassar's 3880136.865 under a header that swaps two columns), only a number that carries a NIK's
        16 digits (``nik_shaped``: an amount may be long)."""
        number = _NUMBER.match(text.strip())
        if number is None or (column != self.ref.value and number.group(1) is None):
            return holds_identifier(text)
        return nik_shaped(text)

    def _whole(self, row: Row, line: int) -> Row | None:
        """The row if it is one line with a cell for each column (a decimal comma that split the value in
        two mended); None, its mistake kept, if it is not."""
        if next((c for c in _cells(row) if "\r" in c and "\n" not in c), None):  # a lone \r, quoted
            self.error("a line break inside a cell: a cell is one line of text", line,
                       self.lines[line - 1].index("\r") + 1)
            return None
        if broken := next((c for c in _cells(row) if "\n" in c), None):
            start = line - broken.rstrip("\r\n").count("\n")
            opened = self.lines[start - 1] if 0 < start <= len(self.lines) else ""
            end = "the end of the file" if broken.endswith(("\n", "\r")) else f"line {line}"
            self.error(f"a quote `\"` is not closed: the cell runs on to {end} (close it with another `\"`, or "
                       "remove it)", start, _opening_quote(opened))
            return None
        wanted = len(self.columns)
        cells = wanted - sum(v is None for k, v in row.items() if k is not None) + len(row.get(None) or [])
        if cells == wanted:
            return row
        if cells == wanted + 1 and (mended := self._decimal_comma(row, line)) is not None:
            return mended
        written = self.lines[line - 1]
        if cells < wanted and (mark := next((m for m in ";\t" if len(written.split(m)) >= wanted), None)):
            self.error(f"the cells of this row are separated by {_shown(mark)}: separate them with commas, as in "
                       "the header", line, written.index(mark) + 1)
            return None
        fix = "put a text that holds a comma in double quotes, or remove the extra cells" if cells > wanted \
            else "add the missing cells (an empty cell is written as nothing between two commas)"
        self.error(f"this row has {cells} cell{'s' * (cells != 1)}, but the header has {wanted} columns "
                   f"({_listed(self.columns)}): {fix}", line)
        self.widths.setdefault(cells, []).append(self.errors[-1])
        return None

    def _decimal_comma(self, row: Row, line: int) -> Row | None:
        """A row one cell too long because its value was written with a decimal comma (``3841929,50``),
        told and mended to the number it means; None if that is not why."""
        if self.ref.value is None:
            return None
        cells = [row.get(c) or "" for c in self.columns] + list(row.get(None) or [])
        at = self.columns.index(self.ref.value)
        written = f"{cells[at].strip()},{cells[at + 1].strip()}"
        if not re.fullmatch(r"[0-9]{1,2}", cells[at + 1].strip()) or (plain := plain_number(written)) is None:
            return None
        self.error(f"`{self.ref.value}` is {hide_identifiers(written[:40])}, written with a decimal comma, which "
                   f"splits it into two cells: write `{plain}` (`.` before decimals)", line,
                   self.at(self.ref.value, line), plain)
        return dict(zip(self.columns, [*cells[:at], plain, *cells[at + 2:]], strict=True))

    def _visible(self, row: Row, column: str, line: int) -> str:
        """The text of a cell, trimmed; an invisible character in it (U+FEFF, U+200B ...) told and left out."""
        written = row.get(column) or ""
        if written.isascii():  # no character shown as nothing: the common case, looked at once, in C
            return written.strip()
        found = next((i for i, c in enumerate(written) if not visible(c) and not CONTROL.match(c)), None)
        if found is not None:
            char, start = written[found], self.at(column, line)
            start += self.lines[line - 1][start - 1:start] == '"'
            what = unicodedata.name(char, "format character").lower()
            what += ", a byte order mark" if char == "\ufeff" else ""
            self.error(f"`{column}` holds an invisible character, U+{ord(char):04X} ({what}): delete it (it is "
                       "read as part of the cell, so the cell is not what it shows)", line, start + found)
        return visible(written).strip()

    def _value(self, text: str, line: int) -> Decimal | str:
        """A value cell's text, a number if it is one; a mistake in it kept."""
        column = self.at(self.ref.value, line)
        if self.ref.unit == "IDR" and _THOUSANDS_DOT.fullmatch(text):
            self.numbers += 1
            digits = text.replace(".", "")
            self.error(f"`{self.ref.value}` is {text}: a dot before three digits is a thousands dot (digits left "
                       "out?); an amount in rupiah is written whole, with digits only, `.` before decimals", line,
                       column, digits)
            return Decimal(digits)  # told: not read as a fraction of a rupiah
        if _NUMBER.match(text):
            self.numbers += 1
            value = Decimal(text)
            if (wide := too_wide(value)) is not None:
                self.error(f"`{self.ref.value}`: {wide}", line, column)
            elif self.ref.unit == "IDR" and value < 0:
                self.error(f"`{self.ref.value}` is {text}: an amount in rupiah is 0 or more", line, column)
            elif self.ref.unit == "IDR" and long_digits(format(value, "f")):  # shown in every decision reading it
                self.error(f"`{self.ref.value}` holds ten digits or more (before or after its decimal point), as "
                           "an account number does (no amount in rupiah of a rule set has as many): a table is shown "
                           "to everyone as written (leave personal numbers out)", line, column)
            return value
        if self.ref.unit == "IDR" and plain_number(text) is None and (plain := table_amount(text)) is not None:
            self.numbers += 1  # `Rp4641854`, `4641854,-`: the rupiah written in
            self.error(f"`{self.ref.value}` is {hide_identifiers(repr(clipped(text)))}: an amount in rupiah is written "
                       "with digits only, `.` before decimals", line, column, plain)
            return Decimal(plain)  # told: read as the number it means
        self.texts.append((line, column, text))
        return text

    def _bound(self, mark: str, value: Decimal | str | None, key: str, line: int) -> None:
        """A row's bound cell: `exact` or `lower`, a lower bound beside a number."""
        if mark not in BOUNDS:
            self.marks.append((line, mark))
        elif mark == "lower" and not isinstance(value, Decimal):
            self.unbounded.append((line, self.at(self.ref.value, line)))
        elif mark == "lower":
            self.bounds.add(key)

    def finish(self) -> list[TableError]:
        """Every mistake in the rows, those only the whole column shows too; every row of one other number
        of cells than the header is the header's mistake, told once."""
        if len(self.widths) == 1 and self.rows > 1 and len(uneven := next(iter(self.widths.values()))) == self.rows:
            cells, wanted = next(iter(self.widths)), len(self.columns)
            self.errors = [e for e in self.errors if e not in uneven]
            self.error(f"the header names {wanted} columns ({_listed(self.columns)}), but every row has {cells} "
                       f"cells: {'name the missing column' if cells > wanted else 'remove the column no row has'} "
                       "in the header", 1)
        told, swapped = self._texts()
        for line, mark in self.marks:
            if not (swapped == self.ref.bound and line in told):  # the header's order told, not each row's mark
                self.error(f"`{self.ref.bound}` is {hide_identifiers(repr(mark[:40]))}; write `exact` or `lower`",
                           line, self.at(self.ref.bound, line), nearest(mark.strip(), BOUNDS))
        for line, column in self.unbounded:
            if line not in told:
                self.error("a lower bound must be a number", line, column)
        return self.errors

    def _texts(self) -> tuple[set[int], str | None]:
        """Tell each value cell that is a number written with separators, and, in a column of numbers, each
        that is not a number; in a column of rupiah (``unit: IDR``) holding no number, the first, with the
        column that holds the numbers (the header's order swapped); the lines told, and that column."""
        told = set()
        swapped = [c for c, n in self.numbers_in.items() if n == len(self.texts)]
        if self.ref.unit == "IDR" and not self.numbers and self.texts and swapped:
            line, column, text = self.texts[0]
            more = f" (nor in the {len(self.texts) - 1} rows after it)" if len(self.texts) > 1 else ""
            self.error(f"`{self.ref.value}` is {hide_identifiers(repr(clipped(text)))}, not an amount in rupiah{more}, "
                       f"though the rule file says `unit: IDR`, and `{swapped[0]}` holds a number in each row: does "
                       "the header name the columns in the order the rows hold them?", line, column)
            return {line for line, _, _ in self.texts}, swapped[0]  # every row's value told at once
        for line, column, text in self.texts:
            plain = plain_number(text)
            if plain is None and not self.numbers:
                continue
            why = f"a number written with separators: write `{plain}`" if plain else \
                "not a number as in the other rows: write one with digits only"
            self.error(f"`{self.ref.value}` is {hide_identifiers(repr(clipped(text)))}, {why} (`.` before decimals)",
                       line, column, plain)
            told.add(line)
        return told, None


def _cells(row: Row) -> list[str]:
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


def _characters(text: str, file: str) -> list[TableError]:
    """A TableError at the first control character or line separator of each line (tab and line ends
    aside): a cell is shown as it is written, to a worker as to an officer. (A line break inside a
    quoted cell is an unclosed quote to the reader of the rows.)"""
    out, last = [], 0
    for found in sorted([*CONTROL.finditer(text), *_SEPARATOR.finditer(text)], key=lambda m: m.start()):
        at = found.start()
        line = text.count("\n", 0, at) + 1
        if line == last:
            continue
        last = line
        what = "line separator" if _SEPARATOR.match(found.group()) else "control character"
        out.append(TableError(f"{what} U+{ord(found.group()):04X}: a cell is one line of text without control "
                              "characters", line, file=file, column=at - (text.rfind("\n", 0, at) + 1) + 1))
    return out


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


def table_cells(path: Any, column: str) -> list[tuple[int, tuple[str, int]]]:
    """(line, (stripped text, column)) of each cell of ``column`` in a CSV file (none when it cannot
    be read or has no such column)."""
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, [])
        if column not in header:
            return []
        index, out = header.index(column), list[tuple[int, tuple[str, int]]]()
        for row in reader:
            if len(row) > index:
                before = ",".join(row[:index])
                raw = lines[reader.line_num - 1] if reader.line_num <= len(lines) else ""
                col = len(before) + 2 if index and raw.startswith(before + ",") else 1
                out.append((reader.line_num, (row[index].strip(), col)))
    except csv.Error:
        return []
    return out
