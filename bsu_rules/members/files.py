"""Member records from JSON files (one object or a list) and JSON lines, each with its place.

The one reader of record files for every command and for the Python API (``replay``'s member
snapshots among them): ``-`` is standard input; a Parquet or CSV file, compressed data or UTF-16
text is refused with what to do instead.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, NamedTuple

from bsu_rules.errors import InputError, is_device
from bsu_rules.members.decode import (
    JSON_SPACE,
    MAX_RECORD,
    TOO_LARGE,
    BadRecord,
    continues,
    decode_json,
    decode_records,
    judged,
    surrogate,
)
from bsu_rules.members.raw import compressed, csv_header, wide_encoding

MAX_DOCUMENT = 256 << 20
"""Bytes a JSON document (one object or a list, read whole) may hold."""


TABULAR = "bsu-rules batch reads Parquet and CSV"
"""What a command that reads JSON says reads a Parquet or CSV file instead."""


def read_records(paths: list[str], decode: Callable[[bytes], Any] = decode_json,
                 tabular: str = TABULAR) -> Iterator[tuple[int, Any]]:
    """Records from JSON files (one object or a list) or JSONL; ``-`` is standard input.

    JSONL is read as a stream, a record at a time, each line read by ``decode``. Yields (record
    number from 1, record): a JSON line's number is its line in the file (blank lines are skipped
    but counted, as ``bsu-rules batch`` numbers rows), a listed record's its place in the list, and
    the count goes on from one file to the next. A record that cannot be decoded yields a BadRecord
    instead. A file that cannot be read at all, Parquet or CSV among them, raises InputError (once,
    naming the file; ``tabular``: what reads Parquet and CSV instead).
    """
    for number, _, record in read_placed(paths, decode, tabular):
        yield number, record


class Place(NamedTuple):
    """Where in its file a record was read: ``kind`` "line" (of JSON lines) or "item" (of a list)."""

    file: str
    kind: str
    number: int


def read_placed(paths: list[str], decode: Callable[[bytes], Any] = decode_json, tabular: str = TABULAR,
                opened: Callable[[str], None] | None = None,
                keep: Callable[[Any], Any] | None = None) -> Iterator[tuple[int, Place, Any]]:
    """``read_records``, each record with its place in its own file; ``opened`` is told of each path before
    its records are read; ``keep``: what of a JSON document's record is judged, as ``decode`` keeps of a line's
    (``known_fields`` for ``--ignore-unknown``)."""
    for path in paths:
        if path.lower().endswith((".parquet", ".csv")):
            raise InputError([(path, _table("Parquet" if path.lower().endswith(".parquet") else "CSV", tabular))])
        if path != "-" and _device(path):
            raise InputError([(path, "a device, not a file of records: save the records to a file first, or pipe "
                                     "them in and name the input -")])
        if path != "-" and (os.path.isdir(path) or not os.path.lexists(path)):
            open(path, "rb").close()  # the error opening it gives, before any file is read
        if path != "-" and os.path.isfile(path):  # a file no record of which can be read (not JSON, compressed,
            with open(path, "rb") as f:  # Parquet …) stops the run before any other file's record is decided
                next(_records(f, path, decode, tabular, keep), None)  # (a pipe is read once: as it comes)
    number = 0
    for path in paths:
        stream = _binary_stdin() if path == "-" else open(path, "rb")  # noqa: SIM115
        at = 0
        if opened is not None:
            opened(path)
        with stream:
            for moves, record, kind in _records(stream, path, decode, tabular, keep):
                number, at = number + moves, at + moves
                yield number, Place(path, kind, at), record


def _device(path: str) -> bool:
    """Whether a path is a device (``/dev/zero`` may never end, nor ever hold a line end)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False  # opening it says why
    return is_device(mode)


def _table(kind: str, tabular: str) -> str:
    return f"a {kind} file: this command reads JSON (one record or a list) or JSON lines; {tabular}"


def _binary_stdin() -> BinaryIO:
    buffer = getattr(sys.stdin, "buffer", None)
    return buffer if buffer is not None else io.BytesIO(sys.stdin.read().encode("utf-8"))


def _records(f: BinaryIO, path: str, decode: Callable[[bytes], Any], tabular: str,
             keep: Callable[[Any], Any] | None = None) -> Iterator[tuple[int, Any, str]]:
    """Each record with how far it moves the count: the lines up to it for a JSON line (blank ones
    before it included), 1 for a record of a JSON document; and which of the two it is."""
    first, blank = True, 0
    while line := f.readline(MAX_RECORD + 1):
        if first:
            if packed := compressed(line[:64], path):
                raise InputError([(path, packed)])
            if wide := wide_encoding(line):
                raise InputError([(path, f"the file is {wide} text; save it as UTF-8")])
            if line.startswith(b"PAR1"):
                raise InputError([(path, _table("Parquet", tabular))])
            line = line.removeprefix(b"\xef\xbb\xbf")
        if len(line) > MAX_RECORD and not line.endswith(b"\n"):
            if first and line.lstrip()[:1] == b"[":  # a list on one line, as json.dump writes it
                yield from _document(line + f.read(MAX_DOCUMENT), path, decode, keep)
                return
            while (rest := f.readline(MAX_RECORD)) and not rest.endswith(b"\n"):
                pass
            first = False
            yield blank + 1, BadRecord(TOO_LARGE), "line"
            blank = 0
            continue
        if not line.strip():
            blank += 1
            continue
        if first:
            first = False
            if csv_header(line):
                raise InputError([(path, _table("CSV", tabular).replace("a CSV file", "CSV text (its first line "
                                                                          "is a header naming nik)", 1))])
            head = line.lstrip()[:1]
            if head == b"[" or (head == b"{" and continues(line) and (not path.endswith(".jsonl") or
                                                                     one_document(line, f))):
                yield from _document(line + f.read(MAX_DOCUMENT), path, decode, keep, blank)
                return
        yield blank + 1, _decoded(line, decode), "line"
        blank = 0


def one_document(first: bytes, f: BinaryIO) -> bool:
    """Whether a ``.jsonl`` file whose ``first`` line starts an object that goes on past it is a JSON
    document over several lines: one object (``json.dump(record, f, indent=2)``), or objects one after
    another (``jq .``, records printed with indents). Then it is read as the same bytes are under any other
    name, not each of its lines rejected as not JSON. Else the first line is a JSON line cut short, and the
    file JSON lines. Looked at by reading ahead and back: a pipe is read as lines."""
    try:
        if not f.seekable() or os.fstat(f.fileno()).st_size > MAX_DOCUMENT:
            return False
        at = f.tell()
        data = first + f.read(MAX_DOCUMENT)
        f.seek(at)
    except (OSError, ValueError):
        return False
    try:
        decode_records(data)  # one value (the object, or the BadRecord saying why no record can be read from it)
    except BadRecord:
        return spread_records(data) is not None
    return True


def spread_records(data: bytes) -> list[Any] | None:
    """The records of JSON objects written one after another, each over as many lines as it likes
    (``jq .`` prints records so), each decoded as a document is; None unless the data is two or more
    objects and nothing else."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    scan, at, parts = json.JSONDecoder(), 0, []
    while True:
        while at < len(text) and text[at] in JSON_SPACE:  # between two records: a line end, rarely more
            at += 1
        if at == len(text):
            break
        if text[at] != "{":
            return None
        try:
            end = scan.raw_decode(text, at)[1]
        except (ValueError, RecursionError):
            return None
        parts.append(text[at:end])
        at = end
    try:
        return [decode_records(part) for part in parts] if len(parts) > 1 else None
    except BadRecord:
        return None


def _document(data: bytes, path: str, decode: Callable[[bytes], Any], keep: Callable[[Any], Any] | None,
              before: int = 0) -> Iterator[tuple[int, Any, str]]:
    """A whole JSON document: one record, or a list of records, each yielded, or the BadRecord
    saying why it cannot be read (a list is refused record by record), as ``_records`` yields them.
    JSON lines whose first line was cut short, or one record alone not in a ``.json`` file, are read as
    lines after all (``before``: the blank lines ahead of it); InputError if it is not JSON."""
    if len(data) > MAX_DOCUMENT:
        raise InputError([(path, f"a JSON document larger than {MAX_DOCUMENT:,} bytes; use JSONL, one record "
                                 "per line")])
    try:
        whole = decode_records(data)
    except BadRecord as exc:
        if (spread := spread_records(data)) is not None:  # records printed with indents, one after another
            escaped = surrogate(data)
            for record in spread:
                record = keep(record) if keep else record
                yield 1, judged(record, escaped) or record, "item"
            return
        lines = [line for line in data.splitlines(keepends=True) if line.strip()]
        if len(lines) < 2:  # one record cut short, read as a line; a list on one line (many records) is not one
            as_lines = not path.lower().endswith(".json") and data.lstrip().startswith(b"{")
        else:  # the second line a record: JSON lines after all
            as_lines = lines[1].lstrip().startswith(b"{") and not isinstance(_decoded(lines[1], decode), BadRecord)
        if not as_lines:
            raise InputError([(path, str(exc))]) from None
        # JSON lines, the first one cut short (or wrong) where it looked like a document; or one record alone
        # (on standard input, in a file not named .json), cut short: rejected as a line of JSON lines is
        for line in data.splitlines(keepends=True):
            before += 1
            if line.strip():
                yield before, _decoded(line, decode) if len(line) <= MAX_RECORD else BadRecord(TOO_LARGE), "line"
                before = 0
        return
    escaped = surrogate(data)
    for record in whole if isinstance(whole, list) else [whole]:
        record = keep(record) if keep else record
        yield 1, judged(record, escaped) or record, "item"  # refused record by record, as JSON lines are


def _decoded(line: bytes, decode: Callable[[bytes], Any]) -> Any:
    try:
        return decode(line)
    except BadRecord as exc:
        return exc
