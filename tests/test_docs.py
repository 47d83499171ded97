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


def test_the_three_audiences_side_by_side_are_what_the_command_prints() -> None:
    """docs/explanations.md shows line 4 of the examples for each audience: the same text the
    command prints today (it went stale once: a rule-set hash, a parameter and an arrears count)."""
    import html
    import json
    import re

    import bsu_rules
    from bsu_rules.explain import render_text

    root = Path(__file__).resolve().parents[1]
    record = (root / "examples" / "members.jsonl").read_text("utf-8").splitlines()[3]
    ruleset = bsu_rules.load_ruleset("bsu-2022")
    decision = bsu_rules.evaluate(ruleset, json.loads(record), hints=True)
    shown = re.findall(r"<pre>(.*?)</pre>", (root / "docs" / "explanations.md").read_text("utf-8"), re.S)
    assert [html.unescape(s) for s in shown] == \
        [render_text(decision, ruleset, "id", audience).rstrip("\n") for audience in ("worker", "officer", "auditor")]
