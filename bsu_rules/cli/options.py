"""Argument types and readers shared by several commands."""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

from bsu_rules.audit.snapshot import KEY_ENV
from bsu_rules.errors import InputError
from bsu_rules.members.decode import (
    MAX_RECORD,
    TOO_LARGE,
    BadRecord,
    compressed,
    continues,
    decode_json,
    decode_records,
    judged,
    surrogate,
    wide_encoding,
)
from bsu_rules.members.model import hide_identifiers
from bsu_rules.ruleset.loader import load_ruleset
from bsu_rules.ruleset.overrides import override_options, reform_of
from bsu_rules.ruleset.spelling import not_a_date

if TYPE_CHECKING:
    from bsu_rules.ruleset.model import RuleSet


def day(text: str) -> date:
    """An argparse type for YYYY-MM-DD; another form of a date is told as a rule file's is, with the
    date it probably means (``31/12/2022``: ``2022-12-31``)."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else date.fromisoformat("x")
    except ValueError:
        raise argparse.ArgumentTypeError(hide_identifiers(not_a_date(text))) from None


ON_HELP = ("decision date YYYY-MM-DD (default: the latest date on which the rule file changes something: its "
           "start, a rule's start or end, a dated value; for bsu-2022, 2022-09-05)")
MAX_DOCUMENT = 256 << 20
"""Bytes a JSON document (one object or a list, read whole) may hold."""


def read_records(paths: list[str], decode: Callable[[bytes], Any] = decode_json) -> Iterator[tuple[int, Any]]:
    """Records from JSON files (one object or a list) or JSONL; ``-`` is standard input.

    JSONL is read as a stream, a record at a time, each line read by ``decode``. Yields (record
    number from 1, record): a JSON line's number is its line in the file (blank lines are skipped
    but counted, as ``bsu-rules batch`` numbers rows), a listed record's its place in the list, and
    the count goes on from one file to the next. A record that cannot be decoded yields a BadRecord
    instead. A file that cannot be read at all, Parquet or CSV among them, raises InputError (once,
    naming the file).
    """
    for number, _, record in read_placed(paths, decode):
        yield number, record


class Place(NamedTuple):
    """Where in its file a record was read: ``kind`` "line" (of JSON lines) or "item" (of a list)."""

    file: str
    kind: str
    number: int


def read_placed(paths: list[str], decode: Callable[[bytes], Any] = decode_json) -> Iterator[tuple[int, Place, Any]]:
    """``read_records``, each record with its place in its own file."""
    for path in paths:
        if path.lower().endswith((".parquet", ".csv")):
            raise InputError([(path, _table("Parquet" if path.lower().endswith(".parquet") else "CSV"))])
    number = 0
    for path in paths:
        stream = _binary_stdin() if path == "-" else open(path, "rb")  # noqa: SIM115
        at = 0
        with stream:
            for moves, record, kind in _records(stream, path, decode):
                number, at = number + moves, at + moves
                yield number, Place(path, kind, at), record


def _table(kind: str) -> str:
    return (f"a {kind} file: this command reads JSON (one record or a list) or JSON lines; bsu-rules batch "
            "reads Parquet and CSV")


def _binary_stdin() -> BinaryIO:
    buffer = getattr(sys.stdin, "buffer", None)
    return buffer if buffer is not None else io.BytesIO(sys.stdin.read().encode("utf-8"))


def _records(f: BinaryIO, path: str, decode: Callable[[bytes], Any]) -> Iterator[tuple[int, Any, str]]:
    """Each record with how far it moves the count: the lines up to it for a JSON line (blank ones
    before it included), 1 for a record of a JSON document; and which of the two it is."""
    first, blank = True, 0
    while line := f.readline(MAX_RECORD + 1):
        if first:
            if packed := compressed(line[:8], path):
                raise InputError([(path, packed)])
            if wide := wide_encoding(line):
                raise InputError([(path, f"the file is {wide} text; save it as UTF-8")])
            if line.startswith(b"PAR1"):
                raise InputError([(path, _table("Parquet"))])
            line = line.removeprefix(b"\xef\xbb\xbf")
        if len(line) > MAX_RECORD and not line.endswith(b"\n"):
            if first and line.lstrip()[:1] == b"[":  # a list on one line, as json.dump writes it
                yield from _document(line + f.read(MAX_DOCUMENT), path, decode)
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
            head = line.lstrip()[:1]
            if head == b"[" or (head == b"{" and not path.endswith(".jsonl") and continues(line)):
                yield from _document(line + f.read(MAX_DOCUMENT), path, decode, blank)
                return
        yield blank + 1, _decoded(line, decode), "line"
        blank = 0


def _document(data: bytes, path: str, decode: Callable[[bytes], Any],
              before: int = 0) -> Iterator[tuple[int, Any, str]]:
    """A whole JSON document: one record, or a list of records, each yielded, or the BadRecord
    saying why it cannot be read (a list is refused record by record), as ``_records`` yields them.
    JSON lines whose first line was cut short are read as lines after all (``before``: the blank
    lines ahead of it); InputError if it is not JSON."""
    if len(data) > MAX_DOCUMENT:
        raise InputError([(path, f"a JSON document larger than {MAX_DOCUMENT:,} bytes; use JSONL, one record "
                                 "per line")])
    try:
        whole = decode_records(data)
    except BadRecord as exc:
        lines = [line for line in data.splitlines(keepends=True) if line.strip()]
        if len(lines) < 2 or not lines[1].lstrip().startswith(b"{") or isinstance(_decoded(lines[1], decode),
                                                                                   BadRecord):
            raise InputError([(path, str(exc))]) from None
        # JSON lines, the first one cut short (or wrong) where it looked like a document
        for line in data.splitlines(keepends=True):
            before += 1
            if line.strip():
                yield before, _decoded(line, decode) if len(line) <= MAX_RECORD else BadRecord(TOO_LARGE), "line"
                before = 0
        return
    escaped = surrogate(data)
    for record in whole if isinstance(whole, list) else [whole]:
        yield 1, judged(record, escaped) or record, "item"  # refused record by record, as JSON lines are


def _decoded(line: bytes, decode: Callable[[bytes], Any]) -> Any:
    try:
        return decode(line)
    except BadRecord as exc:
        return exc


def add_key_options(p: argparse.ArgumentParser) -> None:
    """``--key-file``: the pseudonymisation key (else the environment variable)."""
    p.add_argument("--key-file", metavar="FILE",
                   help=f"the pseudonymisation key for NIKs (HMAC-SHA256), read from FILE (default: ${KEY_ENV})")


def pseudonym_key(args: argparse.Namespace) -> bytes | None:
    """The key from ``--key-file`` (its first line), the environment or (with a warning)
    ``--pseudonymize-key``; InputError for a key that is empty or only spaces."""
    given = getattr(args, "pseudonymize_key", None)
    if given:
        print(f"bsu-rules: warning: a key on the command line can be seen by other users (ps, shell history); "
              f"use --key-file or ${KEY_ENV}", file=sys.stderr)
        return _key(given.encode("utf-8"), "--pseudonymize-key", "the key")
    path = getattr(args, "key_file", None)
    if path:
        with open(path, "rb") as f:
            first = f.readline(1 << 16)
        if not first:
            raise InputError([(path, "the key file is empty")])
        return _key(first.rstrip(b"\r\n"), path, "the key (the file's first line)")
    value = os.environ.get(KEY_ENV)
    return _key(value.encode("utf-8"), f"${KEY_ENV}", "the key") if value else None


def _key(key: bytes, where: str, what: str) -> bytes:
    if not key.strip():
        raise InputError([(where, f"{what} is empty or only spaces")])
    return key


def nik(text: str) -> str:
    """An argparse type for a NIK (16 digits 0-9); the value is never repeated (it may be one)."""
    if _sixteen_digits(text):
        return text
    if _sixteen_digits(re.sub(r"[\s.\-]", "", text)):
        why = "write it without spaces, dots or dashes"
    elif len(text) != 16:
        why = f"the value given has {len(text)} characters"
    else:
        why = "the value given has a character that is not a digit"
    raise argparse.ArgumentTypeError(f"not a NIK: a NIK is 16 digits (0-9); {why}")


def _sixteen_digits(text: str) -> bool:
    return len(text) == 16 and text.isascii() and text.isdigit()


def seconds(text: str) -> float:
    """A number of seconds, 0 or more, for argparse (NaN, infinity and negatives refused)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):  # also refuses NaN
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds (0 or more)")
    return value


def used(ruleset: RuleSet) -> str:
    """Which rule file a command used, and its sha256: the line every command prints. A reform names
    its base file's sha256 and its overrides, then its own sha256 (the one its decisions carry)."""
    base: RuleSet | None = getattr(ruleset, "base", None)
    if base is None:
        return f"rule set {ruleset.id} {ruleset.version}: {ruleset.path} sha256 {ruleset.sha256}"
    return f"{used(base)}; what-if {override_options(ruleset)}: sha256 {ruleset.sha256}"


def load(name: str) -> RuleSet:
    """Load a rule set (path or bundled id) and say on stderr which file and sha256 it is."""
    ruleset = load_ruleset(name)
    print(f"bsu-rules: {used(ruleset)}", file=sys.stderr)
    return ruleset


def add_reform_options(p: argparse.ArgumentParser) -> None:
    """``--set NAME[@DATE]=VALUE`` and ``--table NAME=FILE``: a reform without editing the rule file."""
    p.add_argument("--set", action="append", default=[], metavar="NAME[@DATE]=VALUE", dest="sets",
                   help="override a parameter (or benefit.amount/monthly/months/instalments) for this run; from DATE "
                        "if given")
    p.add_argument("--table", action="append", default=[], metavar="NAME=FILE", dest="tables",
                   help="replace a table by a CSV file with the same columns for this run")


def load_reform(name: str, args: argparse.Namespace) -> RuleSet:
    """The rule set named, with the command line's ``--set``/``--table`` overrides applied; named on stderr
    with its file and sha256 (a reform has its own)."""
    ruleset = reform_of(load_ruleset(name), getattr(args, "sets", []), getattr(args, "tables", []))
    print(f"bsu-rules: {used(ruleset)}", file=sys.stderr)
    for warning in getattr(ruleset, "warnings", ()):
        print(f"bsu-rules: warning: {warning}", file=sys.stderr)
    return ruleset
