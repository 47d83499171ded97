"""The language reference's function table (docs/language.md), generated from the definitions.

Refresh it with ``python -m bsu_rules.catalogue.reference`` and paste the output over the table
under "Function catalogue"; ``tests/test_docs.py`` fails while the two differ.
"""

from __future__ import annotations

from bsu_rules.catalogue import FUNCTIONS
from bsu_rules.catalogue.definition import Function
from bsu_rules.ruleset.types import DECIMAL, INT, Type

__all__ = ["function_table"]

_HEADER = ("| Function | Arguments | Result | What it does | Example |\n"
           "|---|---|---|---|---|\n")
_PLURAL = {"any": "values", "number": "numbers"}


def _type(t: Type) -> str:
    if t.name == "list" and t.item is not None:
        return f"list of {_type(t.item)}"
    return "text" if t.name == "str" else "table" if t.name == "keyset" else t.name


def _param(options: tuple[Type, ...]) -> str:
    if not options:
        return "any"
    if set(options) == {INT, DECIMAL}:
        return "number"
    return " or ".join(dict.fromkeys(_type(t) for t in options))  # a table of any values is a table


def _arguments(f: Function) -> str:
    words = [_param(p) for p in f.params]
    if f.variadic and len(set(words)) == 1:
        return f"{_PLURAL.get(words[0], words[0] + 's')}…"
    cut = len(words) - f.optional
    return ", ".join(w if i < cut else f"{w} (optional)" for i, w in enumerate(words))


def _result(f: Function) -> str:
    return _type(f.returns) if f.returns is not None else _param(f.params[0])


def function_table() -> str:
    """The Markdown table of every catalogue function, in catalogue order."""
    rows = [f"| `{f.name}` | {_arguments(f)} | {_result(f)} | {f.doc} | `{f.example}` |\n" for f in FUNCTIONS.values()]
    return _HEADER + "".join(rows)


if __name__ == "__main__":
    print(function_table(), end="")
