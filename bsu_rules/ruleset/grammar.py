"""The parser of the expression language (``grammar.lark``), with its LALR tables stored beside it.

Building the tables from the grammar takes about a tenth of a second, at the start of every
command that reads a rule file; reading them from ``grammar.tables.json`` takes a hundredth. The
stored tables are plain JSON (lark's own serialised form, no pickle) and name the sha256 of the
grammar and the lark version they were built with: when either is not the one here, or the file
cannot be read as tables, the parser is built as before. Nothing at run time checks what the
tables say: ``tests/test_grammar_tables.py`` does, parsing every string of the bundled rule files
(and spliced ones) with both parsers. After changing the grammar or lark, write them again:

    python -m bsu_rules.ruleset.grammar
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import lark
from lark import Lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

TABLES = "grammar.tables.json"


def _folder() -> Traversable:
    return resources.files("bsu_rules.ruleset")


def grammar_text() -> str:
    return _folder().joinpath("grammar.lark").read_text("utf-8")


def built(grammar: str) -> Lark:
    """The parser built from the grammar (what the stored tables must parse like)."""
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def stored(grammar: str, tables: Traversable) -> Lark | None:
    """The parser from stored tables, or None: none stored, of another grammar or lark, or unreadable."""
    try:
        data = json.loads(tables.read_bytes(), object_pairs_hook=_numbered)
    except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested past the parser's reach
        return None
    if not isinstance(data, dict) or data.get("grammar_sha256") != _sha256(grammar) or \
            data.get("lark") != lark.__version__:
        return None
    try:
        loaded: Lark = Lark._load_from_dict(data["data"], data["memo"])  # type: ignore[no-untyped-call]
    except Exception:  # not tables lark can read: build the parser instead
        return None
    return loaded


@cache
def parser() -> Lark:
    grammar = grammar_text()
    return stored(grammar, _folder().joinpath(TABLES)) or built(grammar)


def tables_json(grammar: str) -> str:
    """The stored form of the parser built from ``grammar``."""
    data, memo = built(grammar).memo_serialize([TerminalDef, Rule])
    return json.dumps({"grammar_sha256": _sha256(grammar), "lark": lark.__version__, "data": data, "memo": memo},
                      sort_keys=True) + "\n"


def _sha256(grammar: str) -> str:
    return hashlib.sha256(grammar.encode("utf-8")).hexdigest()


def _numbered(pairs: list[tuple[str, Any]]) -> dict[Any, Any]:
    """A JSON object whose keys were numbers (lark's memo and states) with them as numbers again."""
    return {int(k) if k.isdigit() else k: v for k, v in pairs}


if __name__ == "__main__":
    from pathlib import Path

    target = Path(__file__).with_name(TABLES)
    target.write_text(tables_json(grammar_text()), "utf-8")
    print(f"wrote {target}")
