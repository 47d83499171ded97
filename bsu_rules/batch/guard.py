"""Files no command may write over or beside: rule files, their tables, glossary and test files.

An output, a log or an archive given a path among them would destroy what another edition reads,
or leave a file that ``serve``, ``check`` and ``test`` would read as a rule file. Rule files are found
by their content (a ``ruleset:`` or ``cases:`` key), their tables by the ``file:`` they name, in the
folder of the path written and the few above it, along the path as given and as resolved (a linked
``tables`` folder too).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from bsu_rules.errors import InputError

__all__ = ["among_rules", "refuse_among_rules"]

_RULE_KEY = re.compile(rb"""(?m)^["']?(ruleset|cases)["']?[ \t]*:""")
_TABLE_FILE = re.compile(rb"""(?m)(?:^[ \t]+|[{,][ \t]*)file:[ \t]*["']?([^"'#,{}\r\n]+?)["']?[ \t]*(?=[,}#\r\n]|$)""")
"""A table's ``file:``, in a block (``file: tables/banks.csv``) or in braces (``{file: banks.csv, …}``)."""
_DATA = ("tables", "glossary", "tests")
_UP = 4  # folders above the path looked at
_READ = 1 << 20  # bytes of a YAML file read to tell a rule file


def among_rules(path: str | Path, folder: bool = False) -> str | None:
    """What writing ``path`` (``folder``: files inside it) would destroy or confuse among rule files,
    in words (None: nothing): a rule or test file; a table a rule file reads; a file already in the
    ``tables``, ``glossary`` or ``tests`` folder of a folder holding a rule file; a new YAML file where
    rule or test files are read from. A new file of another kind beside a rule file (an analyst's
    report next to the copy it was made from) is left to be written."""
    given = Path(path).absolute()
    places = list(dict.fromkeys([given, given.resolve()]))
    for target in places:
        inside = target if folder else target.parent
        chain = [inside, *inside.parents][:_UP]
        for above in chain:
            rules = _rule_files(above)
            if not rules:
                continue
            if not folder and target.is_file():
                if _is_rules(target):
                    return "is a rule file, or a rule file's tests"
                if (reads := next((r for r in rules for t in _tables(r) if t.is_file() and target.samefile(t)),
                                  None)) is not None:
                    return f"is a table of the rule file {reads}"
            data = next((d for d in chain if d.name in _DATA and d.parent == above), None)
            if data is not None and (folder or target.exists() or target.suffix.lower() in (".yaml", ".yml")):
                return f"is in {data}, which holds the rule files' {data.name}"
            if above == inside and (folder or target.suffix.lower() in (".yaml", ".yml")):
                return f"is among the rule files of {above}, which would read it as one"
    return None


def refuse_among_rules(targets: dict[str, Path]) -> None:
    """InputError, naming the option, for a file a run writes (``targets``) among rule files."""
    for option, path in targets.items():
        if (held := among_rules(path)) is not None:
            raise InputError([(option, f"{path} {held}; give the output another path")])


def _rule_files(folder: Path) -> list[Path]:
    """The rule and test files of a folder (read once while the folder's entries stay the same: a run
    checks each of its outputs twice, in the same few folders)."""
    try:
        return _listed(folder, folder.stat().st_mtime_ns)
    except OSError:
        return []


@lru_cache(maxsize=256)
def _listed(folder: Path, _changed: int) -> list[Path]:
    return [p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml") and _is_rules(p)]


def _is_rules(path: Path) -> bool:
    """Whether a file is a rule or test file: a regular file (a pipe is never opened) with the key."""
    try:
        if not path.is_file():
            return False
        with path.open("rb") as f:
            return _RULE_KEY.search(f.read(_READ)) is not None
    except OSError:
        return False


def _tables(rule_file: Path) -> list[Path]:
    """The files a rule file names as its tables (``file:``), beside it."""
    try:
        with rule_file.open("rb") as f:
            text = f.read(_READ)
    except OSError:
        return []
    return [rule_file.parent / m.group(1).decode("utf-8", "replace") for m in _TABLE_FILE.finditer(text)]
