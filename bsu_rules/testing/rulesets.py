"""Which rule set a test file names: an id (looked for beside the test file, one folder up, then
among the bundled rule sets) or a path to a .yaml file in those two folders, never elsewhere;
each loaded once."""

from __future__ import annotations

from pathlib import Path

from bsu_rules.errors import Code, RuleSetError
from bsu_rules.ruleset.diagnostics import Diagnostic, nearest
from bsu_rules.ruleset.files import outside, scan
from bsu_rules.ruleset.loader import bundled_rules, resolve
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.schema import RULE_ID
from bsu_rules.testing.files import is_test_file


class RuleSets:
    """Each rule set loaded once (keyed by resolved file), failures remembered too."""

    def __init__(self) -> None:
        self._cache: dict[Path, RuleSet | RuleSetError] = {}

    def get(self, ref: str, test_file: Path) -> RuleSet:
        """The rule set ``ref`` names: a path relative to ``test_file`` (to a .yaml file in its folder or
        the one above, else RuleSetError and nothing read); or an id, looked for as ``<id>.yaml``
        beside the test file, then in the folder above it (``rules/tests/`` tests ``rules/``), and
        only then among the bundled rule sets."""
        local = confined(ref, test_file) if looks_like_path(ref) else beside(ref, test_file)
        if local is None and looks_like_path(ref):
            raise RuleSetError([Diagnostic(str(test_file), 1, 1, Code.FILE_NOT_FOUND, _OUTSIDE,
                                           suggestion=nearest(ref, _rule_ids(test_file)))])
        path = local or resolve(ref)
        key = path.resolve()
        if key not in self._cache:
            try:
                self._cache[key] = _load(local or ref, test_file)
            except RuleSetError as exc:
                self._cache[key] = exc
        found = self._cache[key]
        if isinstance(found, RuleSetError):
            raise found
        return found


def _load(ref: str | Path, test_file: Path) -> RuleSet:
    """A rule set as every command that decides loads it: the rule file of an archive entry is the entry."""
    from bsu_rules.audit.archive import ArchiveError, entry_or_file  # lazy: most tests use no archive

    try:
        return entry_or_file(ref)
    except ArchiveError as exc:
        raise RuleSetError([Diagnostic(str(test_file), 1, 1, Code.RULESET_ERROR, str(exc))]) from None


_OUTSIDE = ("`ruleset:` names a rule file (.yaml) in this test file's folder or the folder above it, or a rule "
           "set by its id (`bsu-2022`): other files are not read")


def _rule_ids(test_file: Path) -> list[str]:
    """The ids a test file's ``ruleset:`` can name: the rule files beside it and one folder up, and the
    bundled rule sets."""
    found = [p.stem for folder in (test_file.parent, test_file.parent.parent) for p in scan(folder, ("*.yaml",))[0]
             if p.resolve() != test_file.resolve()]
    return list(dict.fromkeys([*found, *(p.stem for p in sorted(bundled_rules().glob("*.yaml")))]))


def looks_like_path(ref: str) -> bool:
    """Whether a test file's ``ruleset:`` is a path (else an id such as ``bsu-2022``)."""
    return RULE_ID.fullmatch(ref) is None


def confined(ref: str, test_file: Path) -> Path | None:
    """The rule file a ``ruleset:`` path names, if it is a ``.yaml`` file in the test file's folder or
    the folder above (inside them once links are followed); else None, and the file is never read."""
    path = test_file.parent / ref
    try:
        real, folder = path.resolve(), test_file.parent.parent.resolve()
    except (OSError, RuntimeError):
        return None
    inside = real.parent in (folder, test_file.parent.resolve())
    return path if inside and real.suffix in (".yaml", ".yml") and real != test_file.resolve() else None


def beside(ruleset_id: str, test_file: Path) -> Path | None:
    """The rule file ``<id>.yaml`` next to a test file (not the test file itself, nor another test file:
    ``rules/tests/bsu-2022.yaml`` is the 2022 edition's tests), or one folder up."""
    for folder in (test_file.parent, test_file.parent.parent):
        candidate = folder / f"{ruleset_id}.yaml"
        if candidate.is_file() and not outside(candidate, folder) \
                and candidate.resolve() != test_file.resolve() and not is_test_file(candidate):
            return candidate
    return None

