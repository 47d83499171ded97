"""Which files are rule-author test files: YAML with a top-level ``cases:`` key.

Light on purpose: the pytest plugin asks this of every YAML file under a ``tests`` folder, in every
project where the package is installed.
"""

from __future__ import annotations

from pathlib import Path

SUFFIXES = (".yaml", ".yml")


def is_test_file(path: Path) -> bool:
    """A YAML file with a top-level ``cases:`` key (rule files have none)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return False
    from bsu_rules.ruleset.source import read_yaml  # lazy: pytest imports this module in every project

    data = read_yaml(raw, str(path)).data
    if data is None:  # a syntax or encoding error: decide by the text, so the error is reported, not skipped
        return any(line.startswith(b"cases:") for line in raw.splitlines())
    return isinstance(data, dict) and "cases" in data


def find_test_files(path: Path) -> list[Path]:
    """Test files under a folder (sorted), skipping hidden folders; a file is returned as is."""
    if not path.is_dir():
        return [path]
    found = [p for p in sorted(path.rglob("*")) if p.suffix in SUFFIXES and p.is_file()
             and not any(part.startswith(".") for part in p.relative_to(path).parts)]
    return [p for p in found if is_test_file(p)]
