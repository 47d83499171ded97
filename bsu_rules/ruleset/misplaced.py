"""What stands where a rule file was named and is not one: a name that finds no file (and the rule
file or edition probably meant), a folder, a link that leads nowhere, a member file or a test file."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Any

from bsu_rules.errors import Code
from bsu_rules.members.raw import csv_header
from bsu_rules.members.redact import hidden_path, hide_identifiers
from bsu_rules.ruleset.diagnostics import Diagnostic, nearest
from bsu_rules.ruleset.editions import bundled_rules, in_force_during, none_for_year
from bsu_rules.ruleset.files import UnsafePath


def unreadable(name: str | os.PathLike[str], path: Path, exc: UnsafePath) -> Diagnostic:
    """Why the rule file ``name`` (looked for at ``path``) cannot be read, and what was probably meant."""
    if path.is_dir():
        return _folder(path)
    if path.is_symlink():  # a link that leads nowhere, or round in a loop
        target = hide_identifiers(os.readlink(path))
        return Diagnostic(str(path), 1, 1, Code.FILE, f"the rule file is a symbolic link to `{target}`, "
                          "which leads to no file (not there, or a loop of links)")
    if path.exists():
        return Diagnostic(str(path), 1, 1, Code.FILE, f"the rule file {exc}")
    known = sorted(p.stem for p in bundled_rules().glob("*.yaml"))
    bare = Path(name).name == str(name) and Path(name).suffix not in (".yaml", ".yml")
    then = in_force_during(str(name)) if bare else []
    # for a year with no edition: the one in force; for a path: the rule file beside it, not a bundled one
    folder = Path(name).parent
    edition = None if bare or Path(name).name not in known else Path(name).name  # `./bsu-2022`: an id written as a path
    hint = then[0][0] if then else nearest(str(name), known) if bare else \
        _beside(Path(name), nearest_name=edition is None) or edition or \
        (nearest(Path(name).stem, known) if folder.is_dir() else None)
    said = none_for_year(str(name), then) + ("" if bare or folder.is_dir() else f"; there is no folder `{folder}`")
    where = str(name)  # as given: an id, not the path it was looked for at; `./bsu-2022`, not `bsu-2022`
    return Diagnostic(where, 1, 1, Code.FILE_NOT_FOUND, f"no rule file `{name}` (bundled: {', '.join(known)}){said}",
                      suggestion=hint)


def another_file(raw: bytes, data: Any, name: str | os.PathLike[str], path: Path) -> Diagnostic | None:
    """The member file (Parquet, CSV or JSON naming ``nik``) or rule test file ``raw`` is, read as YAML
    ``data``, told as such; None for a file with rules (whatever its first line looks like)."""
    if isinstance(data, dict) and "cases" in data and "rules" not in data:
        return Diagnostic(str(path), 1, 1, Code.NOT_A_RULE_FILE, "this is a rule test file, not a rule file: "
                          f"run `bsu-rules test {shlex.quote(hidden_path(str(name)))}`")
    if isinstance(data, dict) and "properties" in data and "rules" not in data:
        ruleset = str(data["ruleset"]) if isinstance(data.get("ruleset"), str) else "RULESET"
        return Diagnostic(str(path), 1, 1, Code.NOT_A_RULE_FILE, "this is a properties file, not a rule file: "
                          f"`bsu-rules prove` reads it (bsu-rules prove {shlex.quote(hidden_path(ruleset))} "
                          f"--properties {shlex.quote(hidden_path(str(name)))})")
    if isinstance(data, dict) and "ruleset" not in data and data.keys() >= _GLOSSARY:
        return Diagnostic(str(path), 1, 1, Code.NOT_A_RULE_FILE, "this is the glossary, not a rule file: it is "
                          "read with the rule files of the folder above it (check those: bsu-rules check "
                          f"{shlex.quote(hidden_path(os.path.relpath(path.resolve().parent.parent)))})")
    if (isinstance(data, dict) and {"rules", "ruleset"} & data.keys()) or (kind := _members(raw)) is None:
        return None
    return Diagnostic(str(path), 1, 1, Code.NOT_A_RULE_FILE, f"this is {kind}, not a rule file: a command that "
                      f"decides takes the rule set first (bsu-rules evaluate bsu-2022 {hidden_path(str(name))})")


_GLOSSARY = frozenset({"names", "steps", "places"})
"""Keys of the glossary that no rule file has."""


def _members(raw: bytes) -> str | None:
    """What member file ``raw`` is (Parquet, CSV naming ``nik``, JSON records naming ``nik``), or None."""
    if raw.startswith(b"PAR1"):
        return "a Parquet file (member records?)"
    first = next((line for line in raw[:1 << 16].removeprefix(b"\xef\xbb\xbf").splitlines() if line.strip()), b"")
    if csv_header(first):
        return "CSV text naming nik (member records)"
    if first.lstrip()[:1] in (b"{", b"[") and b'"nik"' in first:
        return "JSON naming nik (member records)"
    return None


def _beside(path: Path, nearest_name: bool = True) -> str | None:
    """For the path of a rule file that is not there, the one beside it probably meant: its name with the
    other suffix (``.yml`` for ``.yaml``), or (``nearest_name``) the nearest name in its folder (or in the folder
    nearest its folder's name, when that is not there)."""
    if not path.parent.is_dir():  # the folder mistyped too (`myrule/` for `myrules/`): the one beside it meant
        try:
            near = nearest(path.parent.name, [p.name for p in path.parent.parent.iterdir() if p.is_dir()])
        except OSError:
            near = None
        if near is None:
            return None
        path = path.parent.parent / near / path.name
    try:
        files = sorted(p.name for p in path.parent.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    except OSError:  # a folder that cannot be listed
        return None
    stem = path.stem if path.suffix in (".yaml", ".yml") else path.name
    meant = next((f for f in (f"{stem}.yaml", f"{stem}.yml") if f in files), None) or \
        (nearest(path.name, files) if nearest_name else None)
    return str(path.parent / meant) if meant else None


def _folder(path: Path) -> Diagnostic:
    """A folder given for a rule file: the rule file in it to give, or, for an archive entry of a
    what-if (a manifest and no rule file), how its decisions are explained."""
    try:
        files = sorted(p for p in path.iterdir()
                       if p.suffix in (".yaml", ".yml") and p.is_file() and not p.is_symlink())
    except OSError:  # a folder that cannot be listed
        files = []
    if len(files) == 1:
        return Diagnostic(str(path), 1, 1, Code.FILE, f"this is a folder, not a rule file: give the rule file in it, "
                          f"`{files[0].name}`", suggestion=str(files[0]))  # a suggestion holding long digits is dropped
    if not files and (path / "manifest.json").is_file():
        return Diagnostic(str(path), 1, 1, Code.FILE, "this is the archive entry of a what-if, which holds no "
                          "rule file: explain its decisions with `bsu-rules replay LOG --archive ARCHIVE --seq N "
                          "--explain`, or give the rule file of the entry it was made from with the `--set`/`--table` "
                          "options its manifest.json lists")
    return Diagnostic(str(path), 1, 1, Code.FILE, "this is a folder, not a rule file: give a rule file (.yaml) in it")
