"""The rule archive: each rule set stored by its sha256, byte for byte, so it loads again as it was.

``DIR/<sha256>/`` holds the rule file, every table it reads, the glossary beside it (at the same
relative paths) and ``manifest.json`` (id, version, file names and the sha256 of each file's bytes). An entry is
written once, into a temporary folder renamed into place, and never changed afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path, PurePosixPath
from types import SimpleNamespace
from typing import Any

from bsu_rules.errors import AuditError, RuleSetError
from bsu_rules.evaluators.scalar import ENGINE
from bsu_rules.glossary import FILE as GLOSSARY_FILE
from bsu_rules.glossary import glossary_sha256, governing
from bsu_rules.ruleset.files import RULE_FILE_LIMIT, TABLE_LIMIT, Missing, UnsafePath, read_beside
from bsu_rules.ruleset.loader import content_hash, load_ruleset, resolve
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.override_archive import archive_entry, from_archive
from bsu_rules.ruleset.override_texts import override_options
from bsu_rules.ruleset.overrides import Reform

MANIFEST = "manifest.json"
_SHA = re.compile(r"[0-9a-f]{64}")  # fullmatch only: `$` takes a line end


class ArchiveError(AuditError):
    """An archive entry is damaged, or a rule set cannot be archived."""


class MissingRuleSet(ArchiveError):
    """The archive has no entry for a hash."""


class MissingBase(MissingRuleSet):
    """A what-if entry is in the archive, the rule set it was made from is not; ``what_if``: its
    overrides as options (``--set wage_ceiling=4300000``), as its manifest names them."""

    def __init__(self, message: str, what_if: str) -> None:
        super().__init__(message)
        self.what_if = what_if


@dataclass(frozen=True)
class Archived:
    """Where a rule set is archived, and whether this call stored it (False: it was already there)."""

    sha256: str
    folder: Path
    rule_file: Path
    created: bool


def archive_ruleset(ruleset: RuleSet, into: str | Path) -> Archived:
    """Store ``ruleset`` under ``into/<sha256>/`` (idempotent); ArchiveError if its files changed since loading."""
    root = Path(into)
    target = root / ruleset.sha256
    if (target / MANIFEST).exists():
        loaded = load_archived(root, ruleset.sha256)
        return Archived(ruleset.sha256, target, loaded.path, False)
    if target.exists():
        raise _no_manifest(root, target)
    manifest: dict[str, Any] = {"sha256": ruleset.sha256, "ruleset": ruleset.id, "version": ruleset.version,
                                "archived_by": ENGINE}
    if isinstance(ruleset, Reform) and ruleset.base is not None:  # the base, and the overrides beside it
        archive_ruleset(ruleset.base, root)
        specs, files = archive_entry(ruleset)
        manifest |= {"base": ruleset.base.sha256, "overrides": specs}
    else:
        files = _files(ruleset)
        manifest |= {"rule_file": ruleset.path.name, "glossary": glossary_sha256(ruleset.path)}
    manifest["files"] = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        tmp.chmod(0o755)  # rule files are public; mkdtemp makes the folder private
        for name, data in files.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_bytes(data)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", "utf-8")
        again = _load_entry(root, tmp, manifest)
        if again.sha256 != ruleset.sha256:
            raise ArchiveError(f"{ruleset.path} changed since it was loaded (sha256 {again.sha256}, "
                               f"loaded {ruleset.sha256}); load it again and retry")
        try:
            os.rename(tmp, target)
        except OSError as exc:
            if target.exists() and not (target / MANIFEST).exists():
                raise _no_manifest(root, target) from None
            if not target.exists():
                raise ArchiveError(f"{target}: the entry cannot be stored ({exc.strerror})") from None
            return Archived(ruleset.sha256, target, load_archived(root, ruleset.sha256).path, False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Archived(ruleset.sha256, target, target / manifest.get("rule_file", MANIFEST), True)


def load_archived(into: str | Path, sha256: str, _made_from: tuple[str, ...] = (), *, logged: bool = False) -> RuleSet:
    """The archived rule set with this hash, checked file by file and by its content hash.

    MissingRuleSet if there is no such entry; ArchiveError if the entry no longer matches. ``logged``: loaded
    to replay the decisions logged under it, so a text its rule file wrote as the rules then allowed (an
    explanation over several lines) is read as it decided. (``_made_from``: the what-if entries being loaded
    that this one is the base of.)
    """
    if not _SHA.fullmatch(sha256):
        raise MissingRuleSet(f"{sha256!r} is not a rule set hash (64 hex digits)")
    folder = Path(into) / sha256
    try:
        manifest = json.loads(read_beside(folder, MANIFEST, RULE_FILE_LIMIT))
    except Missing:
        if folder.is_dir():
            raise _no_manifest(Path(into), folder) from None
        raise MissingRuleSet(f"rule set {sha256} is not in the archive {into}") from None
    except UnsafePath as exc:
        raise ArchiveError(f"{folder / MANIFEST} {exc}") from None
    except ValueError as exc:
        raise ArchiveError(f"{folder / MANIFEST}: unreadable ({exc})") from None
    except RecursionError:
        raise ArchiveError(f"{folder / MANIFEST}: unreadable (nested too deeply)") from None
    problem = _shape_problem(manifest)
    if problem:
        raise ArchiveError(f"{folder / MANIFEST}: {problem}: the entry is damaged; keep it aside as it is and "
                           "restore it from a copy, or archive the rule set into another folder")
    files: dict[str, str] = manifest["files"]
    for name, digest in sorted(files.items()):
        try:
            data = read_beside(folder, _safe(name))
        except Missing:
            raise ArchiveError(f"{folder}: {name} is missing from the archive") from None
        except UnsafePath as exc:
            raise ArchiveError(f"{folder}: {MANIFEST} names {name}, which {exc}") from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise ArchiveError(f"{folder}: {name} was changed after it was archived: keep the folder aside as it "
                               "is (it is evidence), restore it from a copy made when it was archived, or archive the "
                               "rule set into another folder (bsu-rules archive RULESET --into NEW)")
    ruleset = _load_entry(Path(into), folder, manifest, (*_made_from, sha256), logged)
    if ruleset.sha256 != sha256:
        raise ArchiveError(f"{folder}: loads with sha256 {ruleset.sha256}, not {sha256}")
    found: dict[str, str | None] = {"sha256": sha256, "ruleset": ruleset.id, "version": ruleset.version}
    if "glossary" in manifest:
        found["glossary"] = glossary_sha256(ruleset.path)
    if wrong := [f"`{key}` {manifest.get(key)!r}, not {value!r}" for key, value in found.items()
                 if manifest.get(key) != value]:
        raise ArchiveError(f"{folder / MANIFEST} says {', '.join(wrong)}: it was changed after it was archived: "
                           "keep the folder aside as it is (it is evidence), restore it from a copy made when it was "
                           "archived, or archive the rule set into another folder (bsu-rules archive RULESET --into "
                           "NEW)")
    return ruleset


def archived_entry(name: str | Path) -> RuleSet | None:
    """The rule set of the archive entry whose rule file ``name`` is (a file in a folder named by a rule set's
    hash, however the path leads there), loaded and checked as ``replay`` loads it: ArchiveError if anything
    in the entry changed or it is damaged, or if the file is not the entry's rule file (a what-if entry has
    none); None for a file in no such folder, or none at all (loading it says so). A folder so named
    without a manifest is an entry that lost it, unless the rule file in it is the rule set the name says:
    then it is that rule set, whatever holds it."""
    try:
        path = resolve(name).resolve()
    except (OSError, RuntimeError):
        return None  # a loop of links: loading it says so
    folder = path.parent
    if not _SHA.fullmatch(folder.name) or not path.exists():
        return None
    if not (folder / MANIFEST).exists():
        ruleset = load_ruleset(path)
        if ruleset.sha256 == folder.name:
            return ruleset
        raise ArchiveError(f"{path}: its folder is named by a rule set's hash, as an archive entry is, but has no "
                           f"{MANIFEST}, and the file is not the rule set that hash names: an archive entry that "
                           f"lost its manifest is damaged (move the folder out of {folder.parent} as it is, and "
                           "archive the rule set again); a rule file that is not archived is given from a folder of "
                           "another name")
    entry = load_archived(folder.parent, folder.name)
    manifest = json.loads(read_beside(folder, MANIFEST, RULE_FILE_LIMIT))
    if "base" in manifest:
        raise ArchiveError(f"{path}: the archive entry {folder} is a what-if, which has no rule file of its own: "
                           "explain its decisions with bsu-rules replay --explain, or with its base rule file and "
                           "the overrides its manifest names")
    if manifest["rule_file"] != path.name:
        raise ArchiveError(f"{path} is not the rule file of the archive entry {folder}: give its rule file, "
                           f"{folder / manifest['rule_file']}")
    return entry


def entry_or_file(name: str | Path) -> RuleSet:
    """A rule set by path or bundled id, as every command that decides loads one: the rule file of an archive
    entry is the entry (``archived_entry``), any other is loaded as it is."""
    entry = archived_entry(name)
    return entry if entry is not None else load_ruleset(name)


def _shape_problem(manifest: Any) -> str | None:
    """What is wrong with the form of a manifest (None: nothing), before anything in it is used: an entry
    holds a rule file among its ``files``, or (a what-if) names its ``base`` and its ``overrides``, each a
    value set (``set``, ``value``, ``since``) or a table replaced by one of its ``files``."""
    if not isinstance(manifest, dict):
        return "is not a JSON object"
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(isinstance(d, str) for d in files.values()):
        return "`files` is not a map of file names to sha256s"
    if "base" not in manifest:
        rule_file = manifest.get("rule_file")
        if not isinstance(rule_file, str):
            return "`rule_file` names no rule file"
        return None if rule_file in files else f"`rule_file` {json.dumps(rule_file)} is not among its `files`"
    if not isinstance(manifest["base"], str) or not _SHA.fullmatch(manifest["base"]):
        return "`base` is not a rule set hash (64 hex digits)"
    overrides = manifest.get("overrides")
    if not isinstance(overrides, list):
        return "`overrides` is not a list"
    for i, spec in enumerate(overrides):
        at = f"`overrides[{i}]`"
        if not isinstance(spec, dict):
            return f"{at} is not an object"
        if "table" in spec:
            if not isinstance(spec["table"], str) or not isinstance(spec.get("file"), str) or spec["file"] not in files:
                return f"{at} replaces a table by no file the entry holds (`table` and `file`, one of its `files`)"
        elif not (isinstance(spec.get("set"), str) and isinstance(spec.get("value"), str)
                  and (spec.get("since") is None or _is_day(spec["since"]))):
            return f"{at} is not a value set (`set` and `value` as text, `since` a date YYYY-MM-DD or null)"
    return None


def _is_day(text: Any) -> bool:
    try:
        date.fromisoformat(text)
    except (TypeError, ValueError):
        return False
    return True


def _no_manifest(root: Path, folder: Path) -> ArchiveError:
    """An entry folder without its manifest: damaged (an archive run stopped part-way, or a copy), never
    read as a missing entry nor written over."""
    return ArchiveError(f"{folder}: a damaged archive entry: the folder is there but has no {MANIFEST}; "
                        f"move the folder out of {root} as it is (it may be evidence), then archive the rule set "
                        f"again (`bsu-rules archive RULESET --into {shlex.quote(str(root))}`, or evaluate --archive "
                        f"{shlex.quote(str(root))})")


def _load_entry(root: Path, folder: Path, manifest: dict[str, Any], loading: tuple[str, ...] = (),
                logged: bool = False) -> RuleSet:
    """The rule set of an entry: its rule file, or (a reform) its base with the overrides applied."""
    if "base" not in manifest:
        ruleset = _load(folder / _safe(manifest["rule_file"]), logged)
        legacy = content_hash(ruleset.located, ruleset.tables, None, legacy=True)
        if "glossary" not in manifest and manifest.get("sha256") == legacy:  # archived before the glossary was
            return replace(ruleset, sha256=legacy, _plans={})  # part of the hash: named the old way
        return ruleset
    try:
        if manifest["base"] in loading:  # a what-if made from itself, or from one made from it
            raise ArchiveError(f"{folder / MANIFEST}: `base` {manifest['base'][:12]}… is made from this entry "
                               f"itself ({' -> '.join(sha[:12] for sha in (*loading, manifest['base']))}): the "
                               "entry is damaged; keep it aside as it is and restore it from a copy")
        base = load_archived(root, manifest["base"], loading, logged=logged)
    except MissingRuleSet:
        what_if = _what_if(manifest)
        raise MissingBase(f"rule set {folder.name} is a what-if made from rule set {manifest['base']}, which is not "
                          f"in the archive {root}: copy that entry too, or archive the base rule set (bsu-rules "
                          f"archive RULESET --into {shlex.quote(str(root))})", what_if) from None
    try:
        return from_archive(base, manifest.get("overrides", []), folder)
    except RuleSetError as exc:
        raise ArchiveError(f"{folder}: the overrides do not apply:\n{exc}") from None


def _what_if(manifest: dict[str, Any]) -> str:
    """A what-if entry's overrides as options, as ``override_options`` gives them for the loaded reform."""
    files, overrides = manifest.get("files", {}), []
    for spec in manifest.get("overrides", []):
        if "table" in spec:
            overrides.append({"table": spec["table"], "sha256": str(files.get(spec.get("file"), "?"))})
            continue
        try:  # the value as the command line gave it: the canonical value again (a date or month stays text)
            value = json.loads(spec["value"])
        except (ValueError, TypeError):
            value = spec["value"]
        overrides.append({"set": spec["set"], "since": spec.get("since"), "value": value})
    return override_options(SimpleNamespace(overrides=overrides))  # type: ignore[arg-type]


def _load(path: Path, logged: bool = False) -> RuleSet:
    try:
        return load_ruleset(path, archived=True, logged=logged)
    except RuleSetError as exc:
        raise ArchiveError(f"{path} does not load:\n{exc}") from None


def _safe(name: str) -> str:
    """A relative path inside an archive entry (no absolute paths, no ``..``)."""
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or name == MANIFEST:
        raise ArchiveError(f"`{name}` cannot be stored in an archive entry (it must be a relative path "
                           "inside the rule file's folder)")
    return name


def _files(ruleset: RuleSet) -> dict[str, bytes]:
    """The rule file, every table and the glossary beside it (if there is one: otherwise the bundled
    one, whose hash the rule set's holds), by path relative to the rule file; a file changed since
    loading makes the entry load with another hash (``archive_ruleset`` refuses it)."""
    folder = ruleset.path.parent
    names = [ruleset.path.name] + ([GLOSSARY_FILE] if governing(ruleset.path) is not None else [])
    files = {_safe(name): _read_again(folder, name, RULE_FILE_LIMIT) for name in names}
    for table in ruleset.tables.values():
        data = _read_again(folder, table.ref.file, TABLE_LIMIT)
        if hashlib.sha256(data).hexdigest() != table.sha256:
            raise ArchiveError(f"table {table.ref.file} changed since the rule set was loaded; load it again")
        files[_safe(PurePosixPath(table.ref.file).as_posix())] = data
    return files


def _read_again(folder: Path, name: str, limit: int) -> bytes:
    """A file of a loaded rule set read again, as loading read it (``read_beside``)."""
    try:
        return read_beside(folder, name, limit)
    except UnsafePath as exc:
        raise ArchiveError(f"{folder / name} {exc}: it changed since the rule set was loaded; load it again") from None
