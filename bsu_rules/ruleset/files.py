"""Reading the files a rule set is made of, within limits: the rule file and the tables beside it.

A rule file may name only files in its own folder: a relative path, no ``..``, no symbolic link
leading out, a regular file (not a FIFO, device or ``/proc`` entry), under a size limit. Messages
say what is wrong with the *path*; they never show anything read from the target.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath

RULE_FILE_LIMIT = 1 << 20
"""Bytes a rule file may hold (1 MiB; the bundled ones are under 20 KiB)."""
TABLE_LIMIT = 2 << 20
"""Bytes a table file may hold (2 MiB: every regency of Indonesia with a source for each fits many times
over; the bundled ones are under 20 KiB, and checking a table takes about a second a MiB)."""
TABLES_LIMIT = 4 << 20
"""Bytes the tables of one rule file may hold in all (a file named by two tables counts twice): loading
a rule set stays a matter of seconds, however many tables it names."""
TEST_FILE_LIMIT = 4 << 20
"""Bytes a rule-author test file may hold (4 MiB: some ten thousand cases; the bundled ones are under 40 KiB)."""


class UnsafePath(ValueError):
    """A file a rule set names cannot be read: the message says why, without its content."""


class Missing(UnsafePath):
    """The file a rule set names is not there."""


def followed(path: Path) -> Path:
    """The file a symbolic link leads to; ``path`` itself when it is no link, or one that leads nowhere
    (not there, or a loop): reading it then says so."""
    try:
        return path.resolve(strict=True) if path.is_symlink() else path
    except (OSError, RuntimeError):
        return path


def scan(folder: Path, patterns: tuple[str, ...], *, below: bool = False) -> tuple[list[Path], list[Path]]:
    """The files in ``folder`` (``below``: in it and its subfolders) matching ``patterns``, sorted, and
    apart from them those that are symbolic links leading out of it: a file found by listing a folder
    is read only inside it, whatever its link leads to (a link that leads nowhere is kept: reading it
    says so)."""
    found = sorted({p for pattern in patterns for p in (folder.rglob(pattern) if below else folder.glob(pattern))})
    out = [path for path in found if outside(path, folder)]
    return [path for path in found if path not in out], out


def outside(path: Path, folder: Path) -> bool:
    """Whether ``path``, found in ``folder``, leads out of it once symbolic links are followed (one that leads
    nowhere does not: reading it says so)."""
    try:
        return not path.resolve(strict=True).is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False


def leads_out(folder: Path | str) -> str:
    """Why a file found in ``folder`` is not read: its symbolic link leads out of it."""
    return (f"is a symbolic link that leads out of the folder `{folder}`: a file found in a folder is read only "
            "inside it (give the file's own path to read it)")


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; UnsafePath otherwise.

    Opened without blocking, so a FIFO cannot hang the reader; checked on the open descriptor."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise Missing("not found") from None
    except OSError:
        raise UnsafePath("cannot be opened") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafePath("is not a regular file")
        if info.st_size > limit:
            raise UnsafePath(f"is larger than the limit of {limit:,} bytes")
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise UnsafePath(f"is larger than the limit of {limit:,} bytes")
        return b"".join(chunks)
    except OSError:
        raise UnsafePath("cannot be read") from None
    finally:
        os.close(fd)


def read_beside(folder: Path, name: str, limit: int = TABLE_LIMIT) -> bytes:
    """The bytes of ``name``, a path relative to ``folder`` that stays inside it; UnsafePath otherwise."""
    if "\x00" in name or not name.strip():
        raise UnsafePath("is not a usable file name")
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute() or PureWindowsPath(name).drive:
        raise UnsafePath("must be a path relative to the rule file's folder")
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        raise UnsafePath("must stay inside the rule file's folder (no `..`)")
    try:
        root = folder.resolve(strict=True)
        target = (root / name).resolve(strict=True)
    except FileNotFoundError:
        raise Missing(f"not found (looked in {folder})") from None
    except (OSError, RuntimeError):
        raise UnsafePath("cannot be resolved") from None
    if not target.is_relative_to(root):
        raise UnsafePath("leads outside the rule file's folder (through a symbolic link)")
    return read_limited(target, limit)
