"""The language reference names every catalogue function with its example, so it cannot drift."""

from __future__ import annotations

from pathlib import Path

import pytest

from bsu_rules.catalogue import FUNCTIONS
from bsu_rules.catalogue.reference import function_table

LANGUAGE = (Path(__file__).resolve().parents[1] / "docs" / "language.md").read_text("utf-8")


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_is_documented_with_its_example(name: str) -> None:
    assert f"| `{name}` |" in LANGUAGE
    assert f"`{FUNCTIONS[name].example}`" in LANGUAGE


def test_the_function_table_is_generated_from_the_catalogue() -> None:
    assert function_table() in LANGUAGE, "refresh docs/language.md with: python -m bsu_rules.catalogue.reference"


@pytest.mark.parametrize("which", ["member", "decision", "ruleset"])
def test_published_schemas_are_fresh(which: str) -> None:
    import json

    from bsu_rules.schemas import schema

    path = Path(__file__).resolve().parents[1] / "docs" / "schemas" / f"{which}.schema.json"
    assert json.loads(path.read_text("utf-8")) == schema(which), (
        f"refresh with: bsu-rules schema {which} > docs/schemas/{which}.schema.json")
