"""The engine version changes whenever what the engine decides or says does (``engine_digest``).

Audit finding M3: `bsu_rules/_version.py` said 0.1.0 through every change of decisions and explanations, so a
replay reported `different` (same engine, another result: tampering?) where the docs promise `engine-drift`.
"""

from __future__ import annotations

import json
from pathlib import Path

import engine_digest
import pytest

from bsu_rules._version import __version__


def test_the_engine_version_changes_when_decisions_or_explanations_do() -> None:
    found, known = engine_digest.digest(), engine_digest.recorded()
    assert __version__ in known, (f"no digest is recorded for bsu-rules {__version__}: record it with "
                                  f"`{engine_digest.RECORD}`")
    assert found == known[__version__], (
        f"decisions or explanations changed (digest {found}; recorded for bsu-rules {__version__}: "
        f"{known[__version__]}) — bump __version__ in bsu_rules/_version.py and record the new digest with "
        f"`{engine_digest.RECORD}` (docs/auditing.md, \"The engine version\")")


def test_a_digest_recorded_for_a_version_is_never_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    digests = tmp_path / "digests.json"
    monkeypatch.setattr(engine_digest, "DIGESTS", digests)
    monkeypatch.setattr(engine_digest, "digest", lambda: "a" * 64)
    assert engine_digest.main([]) == 1  # nothing recorded
    assert engine_digest.main(["--record"]) == 0 and json.loads(digests.read_text("utf-8")) == {__version__: "a" * 64}
    assert engine_digest.main([]) == 0 and engine_digest.main(["--record"]) == 0  # the same digest again
    monkeypatch.setattr(engine_digest, "digest", lambda: "b" * 64)
    assert engine_digest.main([]) == 1 and engine_digest.main(["--record"]) == 1
    assert "bump __version__" in capsys.readouterr().err
    assert json.loads(digests.read_text("utf-8")) == {__version__: "a" * 64}


def test_the_frozen_rules_are_the_four_editions_with_their_tables_and_glossary() -> None:
    rules = engine_digest.RULES
    assert sorted(p.name for p in rules.glob("*.yaml")) == ["bsu-2020.yaml", "bsu-2021.yaml", "bsu-2022.yaml",
                                                            "bsu-2025.yaml"]
    assert (rules / "glossary" / "glossary.yaml").is_file() and list((rules / "tables").glob("*.csv"))
    assert len(engine_digest.MEMBERS.read_text("utf-8").splitlines()) > 300
    assert engine_digest.MEMBERS.stat().st_size < 300_000
