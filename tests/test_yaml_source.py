"""libyaml and ruamel read a rule file the same: the same data, positions and diagnostics."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver

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
           "'multi", "\"q", "@x", "`x", "%x", "? x", "{", "]", "a,b", "-", ":", "#", "b\t", "\tb", "|#c", ">-#c", "|2-",
           ">+", "!!str &y z", "! &y z", "!x &y z", '["b":c]', "['b':c]", "[a:b]", "{a:b}", '{"a":b}', "[a,\n  b]",
           '"a\\\n  b"', "'a\n  b'", '"\\L"', '"\\ud800"', '"\\U00110000"', "\ufeff", "x\u2028y", "𝔸 b", "é: x",
           "a \u2029 b", "\r", "&x:y v", "&x?y v", "*x: 2", "[*a :c]", "['b' :c]", '{*a: 1}', "&a`b v"]
_LINES = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(["a", "b", "é", "𝔸", "'k'", '"k"', "1", "-1", "? c", "&k d",
                                                             "*k", "!!str e", "[f]", "<<", "a\t"]),
              st.sampled_from(_VALUES)),
    st.builds(lambda v: f"- {v}", st.sampled_from(_VALUES)),
    st.builds(lambda k: f"{k}:", st.sampled_from(["a", "b", "c", "- a", "- - b"])),
    st.sampled_from(["---", "...", "# note", "  continued text", "\tx: 1", "a: b: c", "- a: 1\n  b: 2", "%YAML 1.1",
                     "  ", " ", "\ufeff# c", ">", "|", "#"]),
)
_BREAKS = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r", "\u2028", "\x85"])


@settings(max_examples=500)
@given(st.lists(st.tuples(st.sampled_from(["", " ", "  ", "    "]), _LINES, _BREAKS), max_size=8))
def test_any_text_reads_the_same(lines: list[tuple[str, str, str]]) -> None:
    _same("".join(indent + line + end for indent, line, end in lines))


@pytest.mark.parametrize("text", [
    "a: \udcff\n", "a: [" * 2000 + "\n", "- " * 600 + "x\n", "a: b\n\x85c: d\n", "a: \ufffe\n", "x: &a [*a]\n",
    "a: 1\n---\nb: 2\n",
    # what libyaml reads otherwise than ruamel: each is read by ruamel alone
    "a: b\t\n", "a:\tb\n", "- a\t\n", "a\t: b\n", "a: [b]\t\n", "a: |\t\n  x\n",  # a tab
    "# c\r%YAML 1.1\r---\ra: yes\r", "\r%YAML 1.1\r---\ra: yes\r", "# c\u2028%YAML 1.1\n---\na: yes\n",
    "k: !!str &y z\n", "k: !x &y z\n", "k: ! &y z\n",  # a tag before an anchor
    "a: 1\n\ufeff\n", "a: 1\n\ufeff# c\n",  # a byte order mark on a later line
    "a: >-#c\n  x\n", "a: |#c\n  x\n", "a: >-\n  \n    text\n", ">\n#\n", "|\n...\n",  # block scalars
    "a: 1\n...\n\n...\n", "a: 1\n...\n# c\n...\n",  # document ends
    "a: b\u2028c: d\n", "- a\u2028- b\n", "a:\u2028  b\n", 'k: "\\L"\n\n\n\ufeff\n',  # U+2028 and U+2029
    'a: ["b":c]\n', "a: ['b':c]\n",  # a quoted key glued to its value
    'a: ["b" :c]\n', "a: ['b'  :c,  'd' :e]\n", 'a: ["b" :[c]]\n', '- ["b" :c]\n', "- &a x\n- [*a :c]\n",  # ... or
    "a: &x 1\n*x: 2\n", "- &a x\n- {*a: 1}\n", "- &a x\n- [*a:1]\n",  # an alias glued to a `:`
    "- &a:b x\n", "- &a?b x\n", "a: &a:b [1]\n", "- &a:b\n  - 1\n", "&a:b a: 1\n", "- &a%b x\n", "- &a@b x\n",
    "[" * 494 + "]" * 494 + "\n", "[" * 40 + "]" * 40 + "\n",  # nesting
    "a:\nb: 1\n", ": b\n", "- \n- x\n", "a: {b: }\n", "a: [b, ]\n", "? \n: x\n", "a: &x\nb: *x\n",  # empty values
    'a: "\\U00110000"\n', 'a: "x \\ud800"\n',  # escapes that name no character
])
def test_what_libyaml_reads_otherwise_ruamel_reads_and_tells(text: str) -> None:
    _same(text)


@pytest.mark.parametrize("value", [*_VALUES, "Yes", "NULL", "Null", "0b101", ".5", "+.inf", "-.Inf", "1E3", "0.",
                                   "=", "<<", "!x", "&a", "*a", "~x", "nan", " ", "12:30:00", "2022-01-01T10:00:00Z",
                                   "1_0.5"])
def test_a_plain_scalar_is_tagged_as_ruamel_tags_it(value: str) -> None:
    assert source._plain_tag(value) == str(VersionedResolver().resolve(ScalarNode, value, (True, False)))


RUAMEL_ONLY = re.compile(r"[\t\r\x85\u2028\u2029\ufeff]|^(?:%|---|\.\.\.)|^ +$|[|>][-+0-9]*#|[\"']\s*:\S"
                         r"|(?:^|[\s\[\]{},])!(?!=)|[&*][^\s,\[\]{}]*[?:%@`]|\*[^\s,\[\]{}]+\s+:\S", re.MULTILINE)
"""What ``source._ruamel_only`` finds, as one pattern."""
_MARKS = ["\t", "\r", "\x85", "\u2028", "\u2029", "\ufeff", "\x0b", "\x1c", "\n", "\n", " ", " ", "  ", "%", "---",
          "...", "-", ".", "|", ">", "+", "0", "#", '"', "'", ":", "!", "!=", "=", "[", "]", "{", "}", ",", "&", "*",
          "?", "@", "`", "a", "é"]


@settings(max_examples=3000)
@given(st.lists(st.sampled_from(_MARKS), max_size=14))
def test_what_is_read_by_ruamel_alone_is_found_as_the_one_pattern_finds_it(parts: list[str]) -> None:
    text = "".join(parts)
    assert source._ruamel_only(text) == (RUAMEL_ONLY.search(text) is not None)


@pytest.mark.parametrize(("text", "alone"), [
    ("a: b\tc\n", True), ("a\rb", True), ("%YAML 1.1\n", True), ("a: 1\n---\n", True), ("a: 1\n...\n", True),
    ("a: 1\n  \nb: 2\n", True), ("  ", True), ("a: |-#c\n", True), ("a: >2#c\n", True), ('a: ["b" :c]\n', True),
    ("a: ['b':c]\n", True), ("a: !x y\n", True), ("!x y\n", True), ("a: [!x y]\n", True), ("- &a:b x\n", True),
    ("- *a%b\n", True), ("- [*a  :c]\n", True), ("a: b\n", False), ("a: 'b': c\n", False), ("a: b!c\n", False),
    ("a: != b\n", False), ("!= b\n", False), ("a: [b, c]\n", False), ("- &a x\n- *a\n", False), ("a: |\n  x\n", False),
    ("a: -1\n", False), ("a: b # c\n", False), ("", False),
])
def test_each_thing_read_by_ruamel_alone_is_found(text: str, alone: bool) -> None:
    assert source._ruamel_only(text) is alone
    assert (RUAMEL_ONLY.search(text) is not None) is alone


@pytest.mark.parametrize("path", sorted(RULES.rglob("*.yaml")), ids=lambda p: p.name)
def test_a_bundled_file_is_read_by_ruamel_alone_as_the_one_pattern_says(path: Path) -> None:
    text = path.read_text("utf-8")
    assert source._ruamel_only(text) == (RUAMEL_ONLY.search(text) is not None)


def test_an_escape_that_names_no_character_is_told_where_it_is() -> None:
    (said,) = _same('ruleset: x\ntitle: "\\U00110000"\n').diagnostics
    assert (said.line, said.column, said.code) == (2, 9, "yaml-syntax") and "names no character" in said.message
    (said,) = _same('ruleset: x\ntitle: "a \\ud800"\n').diagnostics
    assert (said.line, said.column) == (2, 8) and said.message.startswith("half of a character U+D800")


def test_an_anchor_named_again_is_read_without_printing_the_lines_around_it() -> None:
    """YAML lets an anchor be named again (an alias means the latest); ruamel warned with the lines
    around it, which in a test file hold NIKs."""
    text = 'a: &n "3204120101900001"\nb: &n "3204120101900002"\nc: *n\n'
    code = f"from bsu_rules.ruleset.source import read_yaml; print(read_yaml({text!r}, 'f.yaml').data['c'])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=RULES.parent, check=True)
    assert done.stdout == "3204120101900002\n" and done.stderr == ""


def test_libyaml_reads_first_only_where_it_stops_deep_nesting(monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml composes nodes by recursing in C: only a build that stops at 1,000 levels (a limit added after its
    0.2.5 release, which distributions still ship) may read a rule file first; one that goes deeper would let a
    hostile file end the process. The limit is tried, not read from the version number."""
    assert source._stops_deep()  # the libyaml this environment has stops

    class Deep:
        def __init__(self, text: str) -> None:
            self.text = text

        def get_single_node(self) -> object:
            return object()  # composed, however deep

    monkeypatch.setattr(source.yaml, "CSafeLoader", Deep)
    assert not source._stops_deep()
