"""A reform in the archive: what an entry stores besides its base, and the reform read back from it.

``archive_entry`` gives a reform's overrides as the specs to apply again (each value as the command
line gives it) and the bytes of each replacement table; ``from_archive`` applies such specs to the
archived base, the tables read from the entry's folder, and so makes the same reform, sha256 and all.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.override_checks import Override
from bsu_rules.ruleset.override_texts import value_text
from bsu_rules.ruleset.overrides import Reform, apply_overrides


def archive_entry(reform: Reform) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """What an archive stores for a reform besides its base: the overrides to apply again, and
    the bytes of each replacement table (as ``tables/<name>.csv``)."""
    specs: list[dict[str, Any]] = []
    files: dict[str, bytes] = {}
    for c in reform.overrides:
        if "table" in c:
            name = f"tables/{c['table']}.csv"
            files[name] = Path(reform.tables[c["table"]].ref.file).read_bytes()
            specs.append({"table": c["table"], "file": name})
        else:
            specs.append({"set": c["set"], "since": c.get("since"), "value": value_text(c["value"])})
    return specs, files


def from_archive(base: RuleSet, specs: list[dict[str, Any]], folder: Path) -> RuleSet:
    """The reform an archive entry describes: ``base`` with ``specs`` (from ``archive_entry``) applied."""
    overrides = [Override("table", s["table"], s["file"]) if "table" in s else
                 Override("set", s["set"], s["value"], date.fromisoformat(s["since"]) if s.get("since") else None)
                 for s in specs]
    return apply_overrides(base, overrides, folder)
