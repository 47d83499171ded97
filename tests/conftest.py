"""Shared fixtures: the bundled rule set and example members."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

import bsu_rules
from bsu_rules.ruleset.model import RuleSet

ROOT = Path(__file__).resolve().parents[1]

# Hypothesis profiles: ``dev`` (random examples, the default) and ``ci`` (derandomized: the same
# examples on every run, so a red CI is reproducible). Choose one with HYPOTHESIS_PROFILE=ci.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

if os.name == "posix":  # the key files the tests write are their owner's alone, as docs/auditing.md keeps them
    os.umask(0o077)  # (a key file others can read is warned of); a test of that warning opens its file itself


LONGEST = ("test_prove.py::test_symbolic_diff_2021_2022", "test_rule_file_fuzz.py::test_mutants",
           "test_prove.py::test_the_encoding_gives", "test_prove.py::test_prove_command",
           "test_engine_version.py::test_the_engine_version_changes", "test_impact.py::test_report_numbers",
           "test_explanations.py::test_a_remembered_sentence", "test_prove.py::test_witnesses_go",
           "test_prove.py::test_the_encoding_decides", "test_decide_fast.py::test_without_hints",
           "test_decide_fast.py::test_generated_members", "test_codegen.py::test_the_generated_functions_mean")
"""The longest tests (half a minute to a few minutes each on a busy two-core machine), longest first: they run
first, so that the test workers end together rather than one waiting for the other's last long test."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return next((i for i, name in enumerate(LONGEST) if name in item.nodeid), len(LONGEST))
    items.sort(key=rank)  # stable: the others as collected


@pytest.fixture(scope="session")
def rs2022() -> RuleSet:
    return bsu_rules.load_ruleset("bsu-2022")


@pytest.fixture(scope="session")
def examples() -> list[dict[str, Any]]:
    lines = (ROOT / "examples" / "members.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of rules/ (files and tables) to edit in a test."""
    target = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", target, ignore=shutil.ignore_patterns("tests"))
    return target


@pytest.fixture(scope="session")
def exact_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of rules/ whose minimum-wage rows are all exact (each lower bound read as the figure): where
    no row is a bound, a wage above every ceiling an area can have is decided."""
    target = tmp_path_factory.mktemp("exact") / "rules"
    shutil.copytree(ROOT / "rules", target, ignore=shutil.ignore_patterns("tests"))
    for table in (target / "tables").glob("minimum-wage-*.csv"):
        text = table.read_text("utf-8")
        assert ",lower," in text or "2021" in table.name, table
        table.write_text(text.replace(",lower,", ",exact,"), "utf-8")
    return target


@pytest.fixture
def shared_proofs(tmp_path_factory: pytest.TempPathFactory, worker_id: str,
                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Proofs shared by the tests that ask for them, across the test workers of one run: a rule set's built-in and
    authored properties, proved on one date with one solver timeout over one set of texts, are proved once (the
    first test to ask proves them, under a lock; the others read its verdicts); so are the regions a symbolic diff
    of two rule sets finds, on their dates, with one timeout and limit. A test of the `prove` command thus checks
    what the command prints of the verdicts another test checked, rather than proving them again."""
    from filelock import FileLock

    from bsu_rules.prove import authored  # lazy: the prove extra (z3)
    from bsu_rules.prove.properties import Prover  # lazy: the prove extra
    from bsu_rules.prove.regions import SymbolicDiff  # lazy: the prove extra

    root = tmp_path_factory.getbasetemp()
    folder = (root.parent if worker_id != "master" else root) / "proofs"
    folder.mkdir(exist_ok=True)

    def shared(key: tuple[Any, ...], prove: Callable[[], Any]) -> Any:
        path = folder / hashlib.sha256(repr(key).encode("utf-8")).hexdigest()
        with FileLock(f"{path}.lock"):
            if path.exists():
                return pickle.loads(path.read_bytes())
            found = prove()
            path.write_bytes(pickle.dumps(found))
            return found

    def of(prover: Prover) -> tuple[Any, ...]:  # everything a verdict depends on
        s = prover.strings
        return (prover.ruleset.sha256, prover.on.isoformat(), prover.timeout, tuple(s.texts), tuple(s.others))

    builtin, check, regions = Prover.builtin, authored.check, SymbolicDiff.regions
    monkeypatch.setattr(Prover, "builtin", lambda self: iter(shared(("builtin", *of(self)), lambda: [*builtin(self)])))
    monkeypatch.setattr(authored, "check", lambda prover, prop: shared(
        ("check", *of(prover), prop.name, prop.form, prop.text), lambda: check(prover, prop)))
    monkeypatch.setattr(SymbolicDiff, "regions", lambda self, limit=40, told=None: shared(
        ("regions", self.old.sha256, self.new.sha256, *(e.on.isoformat() for e in self.sides), self.timeout, limit),
        lambda: regions(self, limit, told)))
