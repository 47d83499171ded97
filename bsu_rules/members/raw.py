"""A file's bytes before any record in it is decoded: lines read at a bounded length, and text that
is compressed or not UTF-8 (UTF-16, UTF-32) told by its first bytes, so that it is refused whole."""

from __future__ import annotations

import functools
import os
import re
import shlex
import stat
from collections.abc import Iterable, Iterator
from typing import BinaryIO


def bounded_lines(f: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """The lines of a binary file, each at most ``limit`` bytes (its newline included); None stands
    for a longer one, whose rest is skipped without being held (a device such as /dev/zero, which may
    never end, is read no further)."""
    try:
        device = stat.S_ISCHR(os.fstat(f.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):  # not a file of the system (an in-memory one)
        device = False
    while raw := f.readline(limit):
        if len(raw) < limit or raw.endswith(b"\n"):
            yield raw
            continue
        del raw
        if device:
            yield None
            return
        while (rest := f.readline(1 << 20)) and not rest.endswith(b"\n"):
            pass
        yield None


_WIDE = {b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe\x00\x00": "UTF-32", b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}


def wide_encoding(head: bytes) -> str | None:
    """The UTF-16 or UTF-32 encoding a file starting with ``head`` (its first four bytes or more) is
    in, by its byte-order mark or, without one, by the NUL bytes such text has around its first
    ASCII characters (UTF-8 JSON or CSV never holds one): such a file is refused once, whole, not
    rejected line by line."""
    found = next((name for bom, name in _WIDE.items() if head.startswith(bom)), None)
    if found or len(head) < 4:
        return found
    text = [b == 9 or b == 10 or b == 13 or 32 <= b < 127 for b in head[:4]]  # an ASCII character
    zero = [b == 0 for b in head[:4]]
    if (zero[1:] == [True] * 3 and text[0]) or (zero[:3] == [True] * 3 and text[3]):
        return "UTF-32"
    if (zero[1] and zero[3] and text[0] and text[2]) or (zero[0] and zero[2] and text[1] and text[3]):
        return "UTF-16"
    return None



def workbook(head: bytes, path: str) -> bool:
    """Whether a file starting with ``head`` is an Excel or OpenDocument workbook: an old ``.xls`` (OLE2), or a
    zip whose first part names one (``[Content_Types].xml``, ``mimetype``) or whose name ends in a
    workbook's suffix."""
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return True
    return head.startswith(b"PK\x03\x04") and (
        b"[Content_Types].xml" in head[:64] or head[30:38] == b"mimetype" or
        path.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")))


_PACKED = {b"\x1f\x8b": ("a gzip-compressed file", "gunzip -c", ".gz"),
           b"PK\x03\x04": ("a zip archive", "unzip -p", ".zip"),
           b"\xfd7zXZ\x00": ("an xz-compressed file", "unxz -c", ".xz"),
           b"\x28\xb5\x2f\xfd": ("a zstd-compressed file", "unzstd -c", ".zst")}
_BZIP2 = ("a bzip2-compressed file", "bunzip2 -c", ".bz2")


def compressed(head: bytes, path: str) -> str | None:
    """Why a file starting with ``head`` (its first six bytes or more; a workbook is told by its first 64)
    is refused whole when it is compressed (gzip, zip, bzip2, xz, zstd, known by their first bytes, which
    JSON and CSV text never start with), saying how to decompress ``path`` first, or when it is a
    spreadsheet workbook, saying to save it as CSV; None if it is not."""
    if workbook(head, path):
        return ("a spreadsheet workbook or another office document, not text: save the members from the "
                "spreadsheet as CSV (\"CSV UTF-8\", comma separated) and give that file to bsu-rules batch")
    found = next((kind for magic, kind in _PACKED.items() if head.startswith(magic)), None)
    if found is None and re.match(rb"BZh[1-9]", head):
        found = _BZIP2
    if found is None:
        return None
    what, command, suffix = found
    if path == "-":
        return f"{what}, not text: decompress it first (pipe it through `{command}`)"
    plain = path[:-len(suffix)] if path.lower().endswith(suffix) and len(path) > len(suffix) else path
    if plain == path or os.path.lexists(plain):  # never a file that is there already (a live log beside its copy)
        plain = "{}-decompressed{}".format(*os.path.splitext(plain))
    return (f"{what}, not text: decompress it first (`{command} {shlex.quote(path)} > {shlex.quote(plain)}`) "
            f"and pass {plain}")


def csv_header(line: bytes) -> bool:
    """Whether a file's first line is a CSV header naming the contract's ``nik`` (``nik,citizenship,…``, or
    separated by ``;`` or tabs): CSV text saved under a JSON name, or piped in, which would otherwise be
    rejected line by line."""
    text = line.removeprefix(b"\xef\xbb\xbf").strip()
    if text[:1] in (b"{", b"["):
        return False
    return any(b"nik" in (cell.strip().strip(b'"').strip().lower() for cell in text.split(mark))
               for mark in (b",", b";", b"\t") if mark in text)  # Excel in some locales writes `;`


def keys_held(line: bytes, names: Iterable[str]) -> set[str]:
    """Of ``names``, those a JSON line may hold as keys: its bytes hold ``"name":``, each character of the name
    written plainly or as its escape (``"\\u0064eceased_on":``). Inside a text value a quote is escaped, so
    there it is no key; a key of a nested object matches too (the decoded record tells)."""
    held = set()
    escaped: dict[re.Pattern[bytes], bool] = {}  # whether the line escapes a character of the names (looked once)
    for name in names:
        plain, spelt, escape = _key_patterns(name)
        if name.encode() in line and plain.search(line):
            held.add(name)
        elif b"\\u00" in line:
            if escape not in escaped:
                escaped[escape] = escape.search(line) is not None
            if escaped[escape] and spelt.search(line):
                held.add(name)
    return held


@functools.cache
def _key_patterns(name: str) -> tuple[re.Pattern[bytes], re.Pattern[bytes], re.Pattern[bytes]]:
    """``name`` as a key written plainly; as a key each of whose characters may be an escape; an escape of one of
    its characters (looked for before the pattern that allows them)."""
    def escaped(c: str) -> str:
        return "".join(f"[{x}{x.upper()}]" if x.isalpha() else x for x in f"{ord(c):02x}")
    spelt = "".join(f"(?:{re.escape(c)}|\\\\u00{escaped(c)})" for c in name)
    firsts = "".join(sorted({f"{ord(c):02x}"[0] for c in name}))
    return (re.compile(rb'"' + re.escape(name.encode()) + rb'"\s*:'), re.compile(f'"{spelt}"\\s*:'.encode()),
            _escape_of(firsts))


@functools.cache
def _escape_of(firsts: str) -> re.Pattern[bytes]:
    return re.compile(f"\\\\u00[{firsts}][0-9a-fA-F]".encode())
