"""libyaml and ruamel read a rule file the same: the same data, positions and diagnostics."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bsu_rules.ruleset import source
from bsu_rules.ruleset.source import Located, read_yaml

RULES = Path(__file__).resolve().parents[1] / "rules"


def _read(text: str | bytes, libyaml: bool) -> Located:
    was, source._LIBYAML = source._LIBYAML, libyaml
    try:
        return read_yaml(text, "f.yaml")
    finally:
        source._LIBYAML = was


def _same(text: str | bytes) -> Located:
    fast, slow = _read(text, True), _read(text, False)
    assert (fast.data, fast.values, fast.keys, fast.styles, fast.written, fast.diagnostics) == \
        (slow.data, slow.values, slow.keys, slow.styles, slow.written, slow.diagnostics)
    return fast


def test_libyaml_is_at_hand() -> None:
    assert source._LIBYAML  # else every file is read the slow way, and the tests here prove nothing


@pytest.mark.parametrize("path", sorted(RULES.rglob("*.yaml")), ids=lambda p: p.name)
def test_the_bundled_files_read_the_same(path: Path) -> None:
    assert _same(path.read_bytes()).data


def test_a_plain_scalar_means_what_yaml_1_2_says() -> None:
    data = _same("a: yes\nb: on\nc: 0o17\nd: 1_000\ne: 017\nf: ~\ng: 2022-01-31\nh: 1.50\ni: 1:30\n").data
    assert data == {"a": "yes", "b": "on", "c": "0o17", "d": 1000, "e": "017", "f": None, "g": date(2022, 1, 31),
                    "h": Decimal("1.50"), "i": "1:30"}


def test_a_directive_is_read_by_ruamel() -> None:
    assert _same("%YAML 1.1\n---\na: yes\n").data == {"a": True}  # YAML 1.1's meaning, as the file asks


_VALUES = ["yes", "no", "on", "Off", "y", "true", "TRUE", "~", "null", "", "0o17", "017", "0x1F", "1_000", "+1",
           "-0", "1.5", "1e3", ".inf", ".NaN", "2022-01-01", "2022-1-1", "2022-01-01 10:00:00", "1:30", "'x''y'",
           '"d\\u00e9\\x1b"', "é ü", "a b", "a: b", "a #c", "[1, 2]", "{a: 1, b: [x]}", "[a, {b: c}]", "|", ">-",
           "&a v", "*a", "!!int 3", "!!str 4", "!x y", "! z", "!!binary aGk=", "!!python/name:os.system", "- x",
           "'multi", "\"q", "@x", "`x", "%x", "? x", "{", "]", "a,b", "-", ":", "#"]
_LINES = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(["a", "b", "é", "'k'", '"k"', "1", "-1", "? c", "&k d",
                                                             "*k", "!!str e", "[f]", "<<"]), st.sampled_from(_VALUES)),
    st.builds(lambda v: f"- {v}", st.sampled_from(_VALUES)),
    st.builds(lambda k: f"{k}:", st.sampled_from(["a", "b", "c", "- a", "- - b"])),
    st.sampled_from(["---", "...", "# note", "  continued text", "\tx: 1", "a: b: c", "- a: 1\n  b: 2"]),
)


@settings(max_examples=300)
@pytest.mark.filterwarnings("ignore::ruamel.yaml.error.ReusedAnchorWarning")  # read, and said
@given(st.lists(st.tuples(st.sampled_from(["", " ", "  ", "    "]), _LINES), max_size=8))
def test_any_text_reads_the_same(lines: list[tuple[str, str]]) -> None:
    _same("\n".join(indent + line for indent, line in lines) + "\n")


@pytest.mark.parametrize("text", ["a: \udcff\n", "a: [" * 2000 + "\n", "- " * 600 + "x\n", "a: b\n\x85c: d\n",
                                  "a: \ufffe\n", "x: &a [*a]\n", "a: 1\n---\nb: 2\n"])
def test_what_libyaml_refuses_ruamel_reads_and_tells(text: str) -> None:
    _same(text)
