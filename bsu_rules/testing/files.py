"""Which files are rule-author test files: YAML with a top-level ``cases:`` key.

Light on purpose: the pytest plugin asks this of every YAML file under a ``tests`` folder, in every
project where the package is installed.
"""

from __future__ import annotations

from pathlib import Path

from bsu_rules.ruleset.files import TEST_FILE_LIMIT, UnsafePath, followed, read_limited, scan

SUFFIXES = (".yaml", ".yml")


def is_test_file(path: Path) -> bool:
    """A YAML file with a top-level ``cases:`` key (rule files have none). Only a regular file is read:
    one larger than a test file may be is judged by a line ``cases:`` in it, one that cannot be read is taken
    for a test file; ``load_file`` then tells why it cannot be run."""
    try:
        raw = read_limited(followed(path), TEST_FILE_LIMIT)
    except UnsafePath as exc:
        return path.is_file() and (_cases_line_anywhere(path) if str(exc).startswith("is larger") else True)
    from bsu_rules.ruleset.source import read_yaml  # lazy: pytest imports this module in every project

    data = read_yaml(raw, str(path)).data
    if data is None:  # a syntax or encoding error: decide by the text, so the error is reported, not skipped
        return _has_cases_line(raw)
    return isinstance(data, dict) and "cases" in data


def _has_cases_line(raw: bytes) -> bool:
    return any(line.startswith("cases:") for line in _text(raw).splitlines())


def _cases_line_anywhere(path: Path) -> bool:
    """Whether a file too large to read whole has a line starting ``cases:``, read a MiB at a time: a
    test file that large is told (by ``load_file``), never skipped for where its cases begin."""
    try:
        with path.open("rb") as f:
            tail = b"\n"
            while chunk := f.read(1 << 20):
                if b"\ncases:" in tail + chunk:
                    return True
                tail = chunk[-len(b"\ncases:"):]
    except OSError:  # gone since: nothing says it is a test file
        return False
    return False


def _text(raw: bytes) -> str:
    """``raw`` as text in the encoding it is in (UTF-16 or UTF-32 by its marks, else UTF-8), a byte
    that cannot be decoded replaced: enough to find a ``cases:`` line in a file saved another way."""
    from bsu_rules.members.raw import wide_encoding  # lazy: pytest imports this module in every project

    wide = wide_encoding(raw[:4])
    if wide and not raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        wide += "-be" if raw[:1] == b"\x00" else "-le"  # no byte-order mark: where the NUL bytes are tells
    return raw.decode(wide or "utf-8", errors="replace")


def find_test_files(path: Path) -> list[Path]:
    """Test files under a folder (sorted), skipping hidden folders and links leading out of it (never
    read: ``links_out`` lists them); a file is returned as is."""
    if not path.is_dir():
        return [path]
    return [p for p in _scan(path)[0] if p.is_file() and is_test_file(p)]


def links_out(path: Path) -> list[Path]:
    """The YAML files under a folder that are symbolic links leading out of it: not read as test files."""
    return _scan(path)[1] if path.is_dir() else []


def _scan(path: Path) -> tuple[list[Path], list[Path]]:
    inside, out = scan(path, tuple(f"*{suffix}" for suffix in SUFFIXES), below=True)
    hidden = {p for p in inside + out if any(part.startswith(".") for part in p.relative_to(path).parts)}
    return [p for p in inside if p not in hidden], [p for p in out if p not in hidden]
