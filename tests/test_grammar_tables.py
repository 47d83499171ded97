"""The expression parser read from its stored tables parses exactly as the one built from the grammar."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import lark
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lark import Lark
from lark.exceptions import UnexpectedInput
from ruamel.yaml import YAML

from bsu_rules.ruleset import grammar

RULES = Path(__file__).resolve().parents[1] / "rules"
TABLES = grammar._folder().joinpath(grammar.TABLES)


WRITTEN_WITH = json.loads(TABLES.read_bytes()).get("lark")
pytestmark = pytest.mark.skipif(lark.__version__ != WRITTEN_WITH, reason=(
    f"the stored tables were written with lark {WRITTEN_WITH}, this is lark {lark.__version__}: commands build the "
    "parser (slower to start, same parses); write them again with python -m bsu_rules.ruleset.grammar"))


@cache
def parsers() -> tuple[Lark, Lark]:
    text = grammar.grammar_text()
    stored = grammar.stored(text, TABLES)
    assert stored is not None, "the stored tables are not the grammar's: run python -m bsu_rules.ruleset.grammar"
    return stored, grammar.built(text)


def strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in strings(k) + strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return []


CORPUS = sorted({s for path in sorted(RULES.glob("*.yaml"))
                 for s in strings(YAML(typ="safe").load(path.read_text("utf-8"))) if len(s) < 400})


def parsed(parser: Lark, text: str) -> object:
    """The tree, or what the parser said was wrong and where."""
    try:
        return parser.parse(text)
    except UnexpectedInput as exc:
        return type(exc).__name__, exc.pos_in_stream, sorted(getattr(exc, "expected", None) or ()), \
            sorted(getattr(exc, "allowed", None) or ())


def test_commands_use_the_stored_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(text: str) -> Lark:
        raise AssertionError("the parser was built, not read")

    monkeypatch.setattr(grammar, "built", never)
    grammar.parser.cache_clear()
    try:
        assert grammar.parser().parse("a + 1").data == "conditional"
    finally:
        grammar.parser.cache_clear()
    assert grammar.stored(grammar.grammar_text() + "\n// changed", TABLES) is None  # another grammar: built instead


def test_every_string_of_the_bundled_rule_files_parses_alike() -> None:
    stored, built = parsers()
    assert len(CORPUS) > 300
    for text in CORPUS:
        assert parsed(stored, text) == parsed(built, text), text


@given(st.lists(st.sampled_from(CORPUS), min_size=1, max_size=3), st.data())
def test_spliced_expressions_parse_alike(pieces: list[str], data: st.DataObject) -> None:
    text = "".join(p[data.draw(st.integers(0, len(p))):] for p in pieces)
    text += data.draw(st.sampled_from(["", " and", " + 1", ")", "(", " if x else", ",", "]", " not in [1]"]))
    stored, built = parsers()
    assert parsed(stored, text) == parsed(built, text)


def test_unreadable_tables_give_the_built_parser(tmp_path: Path) -> None:
    text = grammar.grammar_text()
    for content in (b"", b"{", b"[]", b'{"grammar_sha256": "x"}', b"[" * 100_000 + b"]" * 100_000,
                    TABLES.read_bytes().replace(b'"memo"', b'"mem0"'),
                    TABLES.read_bytes().replace(f'"lark": "{lark.__version__}"'.encode(), b'"lark": "0.1"')):
        (tmp_path / "t.json").write_bytes(content)
        assert grammar.stored(text, tmp_path / "t.json") is None
    assert grammar.stored(text, tmp_path / "absent.json") is None
