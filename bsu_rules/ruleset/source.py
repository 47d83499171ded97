"""Safe YAML with source positions: plain data plus a map from data path to line and column.

Only the YAML composer is used (no object construction): scalars become str, int, bool, None,
``date`` or exact ``Decimal`` (never float). Duplicate keys are reported, not silently merged.
libyaml composes a text it reads as ruamel does (four to six times faster in all), with what a
plain scalar means resolved as ruamel resolves it (YAML 1.2); any other text, and any text with
something to tell, is read by ruamel, whose messages and places the diagnostics use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

try:
    from yaml.cyaml import CParser
except ImportError:  # a PyYAML built without libyaml: ruamel reads every text
    CParser = None

from bsu_rules.errors import Code, Diagnostic
from bsu_rules.members.raw import wide_encoding
from bsu_rules.members.redact import hide_identifiers
from bsu_rules.ruleset.layout import explain, negated, tag_problem
from bsu_rules.ruleset.spelling import GROUPED_IN_THREES, exponent_too_far

Path = tuple[str | int, ...]


def dotted(path: Path) -> str:
    """A place in a YAML document as a message names it: ``rules[0].basis``, ``benefit.instalments[1]``."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


_STANDARD = "tag:yaml.org,2002:"
_PLAIN = frozenset({"str", "int", "float", "bool", "null", "timestamp", "map", "seq"})
"""The standard tags of plain data (what a plain scalar, mapping or list resolves to)."""
_TEXT = _STANDARD + "str"
_PLAIN_TAGS = frozenset(_STANDARD + kind for kind in _PLAIN)
_LONE_TAG = re.compile(r"!(\s|$)")
_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")


@dataclass
class Located:
    """YAML data and where each value (and each mapping key) starts, 1-based."""

    file: str
    data: Any
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    styles: dict[Path, str | None] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # the text, to place a character of a block scalar
    written: dict[str, int] = field(default_factory=dict)
    """How many items each top-level list holds as written (aliases not expanded): known even when
    ``data`` is not (a file past a limit)."""

    def at(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """The position of ``path``, or of its nearest located ancestor."""
        table = self.keys if key else self.values
        while path:
            if path in table:
                return table[path]
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))

    def expression_at(self, path: Path, offset: int) -> tuple[int, int]:
        """The position of character ``offset`` of the expression stored at ``path``."""
        line, col = self.at(path)
        style = self.styles.get(path)
        if style in ("|", ">"):  # each line of the block holds its text after the indentation, then a break
            content = [n for n in range(line, len(self.lines)) if self.lines[n].strip()]
            if not content:
                return line + 1, offset + 1
            indent = len(self.lines[content[0]]) - len(self.lines[content[0]].lstrip(" "))
            for n in range(content[0], len(self.lines)):
                width = max(len(self.lines[n]) - indent, 0)
                if offset <= width:
                    return n + 1, indent + offset + 1
                offset -= width + 1
            return content[0] + 1, indent + 1
        return line, col + offset + (1 if style in ("'", '"') else 0)


def read_yaml(text: str | bytes, file: str) -> Located:
    """Compose ``text`` (UTF-8 bytes, or text) into a Located; a syntax error or a broken limit
    (encoding, control characters, nesting, alias expansion, literal size) becomes a diagnostic."""
    out = Located(file=file, data=None)
    if isinstance(text, bytes):
        raw = text
        if wide := wide_encoding(raw[:4]):  # told at once: NUL bytes decode, as control characters
            out.diagnostics.append(Diagnostic(file, 1, 1, Code.ENCODING, f"the file is {wide} text: save it as UTF-8"))
            return out
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            out.diagnostics.append(Diagnostic(file, line, col, Code.ENCODING,
                                              "the file is not UTF-8 text: save it as UTF-8"))
            return out
    text = text.removeprefix("\ufeff")
    if control := CONTROL.search(text):
        line = text.count("\n", 0, control.start()) + 1
        col = control.start() - (text.rfind("\n", 0, control.start()) + 1) + 1
        out.diagnostics.append(_control(file, line, col, control.group()))
        return out
    out.lines = text.splitlines()
    if _LIBYAML and not _ruamel_only(text):
        try:
            root = _Libyaml(text).get_single_node()
            fast = _filled(Located(file=file, data=None, lines=out.lines), root) \
                if root is not None and root.id != "scalar" else None
        except (yaml.YAMLError, RecursionError, UnicodeError, ValueError, _Empty):
            fast = None
        if fast is not None and not fast.diagnostics:  # anything to tell is told as it always was: by ruamel,
            return fast  # where it places it
    try:
        root = _ruamel().compose(text)
    except MarkedYAMLError as exc:
        line, col, problem, fixed = explain(exc, out.lines)
        fixed = fixed if fixed is None or hide_identifiers(fixed) == fixed else None  # never repeat a NIK
        out.diagnostics.append(Diagnostic(file, line, col, Code.YAML_SYNTAX, problem, suggestion=fixed))
        return out
    except YAMLError as exc:
        out.diagnostics.append(Diagnostic(file, 1, 1, Code.YAML_SYNTAX, type(exc).__name__))
        return out
    except RecursionError:
        out.diagnostics.append(Diagnostic(file, *_too_deep_at(text), Code.TOO_DEEP,
                                          f"the YAML is nested deeper than {MAX_DEPTH} levels"))
        return out
    except ValueError:  # "\U00110000": an escape past the last character there is
        at = _NO_CHARACTER.search(text)
        line, col = (text.count("\n", 0, at.start()) + 1, at.start() - text.rfind("\n", 0, at.start())) if at \
            else (1, 1)
        out.diagnostics.append(Diagnostic(file, line, col, Code.YAML_SYNTAX,
                                          "this escape names no character (the last one is `\\U0010FFFF`)"))
        return out
    return _filled(out, root)



def _too_deep_at(text: str) -> tuple[int, int]:
    """Line and column of the bracket that nests a flow collection past ``MAX_DEPTH`` (a text too deep
    for the parser to recurse into is told there, not at 1:1); 1:1 when the depth is not in brackets.
    A quote opens a quoted scalar only where a token starts (not the `'` of `Kab. Bandung's`); a comment
    is skipped."""
    depth = 0
    for number, line in enumerate(text.split("\n"), 1):
        quote, before = "", " "
        for col, c in enumerate(line, 1):
            if quote:
                quote = "" if c == quote else quote
            elif c in "'\"" and before in " \t[{,:":
                quote = c
            elif c == "#" and before in " \t":
                break
            elif c in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    return number, col
            elif c in "]}":
                depth -= 1
            before = c
    return 1, 1


def _filled(out: Located, root: Any) -> Located:
    """``out`` with the data of the node tree ``root`` (None: an empty file), where each value is, and
    what is wrong in it."""
    if root is not None and root.id == "mapping":
        out.written = {str(k.value): len(v.value) for k, v in root.value if k.id == "scalar" and v.id == "sequence"}
    budget = [MAX_NODES]
    out.data = {} if root is None else _convert(root, (), out, budget)
    if budget[0] < 0:
        out.data = None
    return out


def _stops_deep() -> bool:
    """Whether this libyaml stops at 1,000 levels of nesting (yaml/libyaml#287, after 0.2.5: its release and the
    distributions' 0.2.5 do not), so that its composer, which recurses in C, never runs out of stack."""
    try:
        yaml.CSafeLoader("[" * 1001 + "]" * 1001).get_single_node()
    except yaml.YAMLError:
        return True
    return False


_LIBYAML = CParser is not None and _stops_deep()
"""Whether libyaml reads a text first: where it stops at 1,000 levels of nesting (tried, not told by its version
number), so that its composer, which recurses in C, never runs out of stack; with any other ruamel reads every
text."""


def _ruamel() -> YAML:
    """ruamel's safe reader. An anchor named again (YAML allows it: an alias means the latest) is read
    without a warning, which would print the lines around it: in a rule test file they hold NIKs."""
    reader = YAML(typ="safe", pure=True)
    reader.composer.warn_double_anchors = False
    return reader


_BREAKS = "\t\r\x85\u2028\u2029\ufeff"
_MARKED = tuple(re.compile(p) for p in (
    r"\|[-+0-9]*#", r">[-+0-9]*#", r'"\s*:\S', r"'\s*:\S", r"!(?<=[\s\[\]{},]!)(?!=)", r"&[^\s,\[\]{}]*[?:%@`]",
    r"\*[^\s,\[\]{}]*[?:%@`]", r"\*[^\s,\[\]{}]+\s+:\S"))


def _ruamel_only(text: str) -> bool:
    """Whether ``text`` holds what libyaml reads otherwise than ruamel (line breaks and tabs it takes where ruamel
    does not, a directive, document markers, a block scalar's comment or blank first lines, a quoted key or an
    alias before a `:` glued to its value, a tag, which it places before an anchor, an anchor or alias whose name
    holds one of ``?:%@```, where libyaml ends it): such a text is read by ruamel alone. The one pattern
    ``RUAMEL_ONLY`` of ``tests/test_yaml_source.py`` in parts that each begin with the character they look for,
    which ``re`` finds at once (the one pattern tried every part at every character: 10 to 16 times longer)."""
    return any(c in text for c in _BREAKS) or any(f"\n{m}" in text for m in ("%", "---", "...")) or \
        (text.startswith(("%", "---", "...", "!")) and not text.startswith("!=")) or \
        any(p.search(text) for p in _MARKED) or any(line and not line.strip(" ") for line in text.split("\n"))


_NO_CHARACTER = re.compile(r"\\U(?:0*1[1-9A-Fa-f]|0*[2-9A-Fa-f][0-9A-Fa-f])[0-9A-Fa-f]{4}")
_RESOLVER = VersionedResolver()
_TAGS = {yaml.ScalarNode: str(_RESOLVER.DEFAULT_SCALAR_TAG), yaml.SequenceNode: str(_RESOLVER.DEFAULT_SEQUENCE_TAG),
         yaml.MappingNode: str(_RESOLVER.DEFAULT_MAPPING_TAG)}
"""The tag of a node no implicit tag is looked up for, by its kind, as ruamel gives it."""


@cache
def _implicit() -> dict[str | None, tuple[tuple[str, Any], ...]]:
    """ruamel's implicit tags of a plain scalar in YAML 1.2 (its default version, which a text read by libyaml
    keeps: it has no directive), by the first character they start with: each tag and its pattern."""
    return {first: tuple((str(Tag(suffix=tag)), pattern) for tag, pattern in found)
            for first, found in _RESOLVER.versioned_resolver.items()}


@lru_cache(maxsize=4096)
def _plain_tag(value: str) -> str:
    """The tag ruamel gives a plain scalar, as its ``VersionedResolver.resolve`` finds it (without looking the
    YAML version up anew for each value, twice through caught exceptions), the same for the same text: a rule
    file and its glossary repeat many keys and values."""
    implicit = _implicit()
    for tag, pattern in (*implicit.get(value[:1], ()), *implicit.get(None, ())):
        if pattern.match(value):
            return tag
    return _TAGS[yaml.ScalarNode]


class _Empty(Exception):
    """An empty value: ruamel reads the text, so that its diagnostics are placed as they always were."""


class _Libyaml(CParser or object):  # type: ignore[misc]
    """libyaml's events composed into nodes by libyaml, each implicit tag resolved as ruamel resolves it
    (YAML 1.2: ``yes`` is text, not true); an empty plain value (libyaml places it where it starts, ruamel
    where the next token does) is found as the nodes are read (``_filled``)."""

    def resolve(self, kind: type, value: str | None, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            return _plain_tag(value or "")
        return _TAGS[kind]

    def descend_resolver(self, parent: Any, index: Any) -> None:
        """No path-dependent tags (ruamel's safe loader has none either)."""

    def ascend_resolver(self) -> None:
        """As ``descend_resolver``."""


MAX_DEPTH = 32
"""Nesting levels a rule file may use (the bundled ones use 6)."""
MAX_NODES = 50_000
"""Values a rule file may hold once aliases are expanded (the bundled ones hold under 2,000)."""
MAX_DIGITS = 40
"""Characters a number may have in a rule file (a rupiah amount needs 13)."""
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                     r"\ud800-\udfff]")
"""Control characters, the invisible marks that reorder how text is shown (bidi controls), and half
characters (a lone surrogate, as an escape such as ``"\\ud800"`` makes one)."""


_UNSEEN = re.compile("[\U000e0000-\U000e007f]")
"""In a value or a key, what a rule file cannot hold besides control characters: tag characters (shown as
nothing, they carry hidden text); the other characters shown as nothing are written out as escapes where text
is shown, or named by the expression parser."""


def _control(file: str, line: int, col: int, char: str, escaped: bool = False) -> Diagnostic:
    """A control character in a rule file, written as it is or (``escaped``) as a ``"\\x1b"`` escape."""
    code = ord(char)
    half = 0xD800 <= code <= 0xDFFF
    why = "a lone surrogate: not text" if half else \
        "an invisible direction mark: it could reorder the text a worker is shown" if 0x202A <= code <= 0x2069 \
        or code in (0x61C, 0x200E, 0x200F) else \
        "a character shown as nothing: the text a worker is shown would hide it" if code > 0x9F else \
        "only tab and line breaks may appear"
    written = f" written as the escape `{char.encode('unicode_escape').decode()}`" if escaped else ""
    what = "half of a character" if half else "control character" if code <= 0x9F or 0x202A <= code <= 0x2069 \
        or code in (0x61C, 0x200E, 0x200F) else "invisible character"
    return Diagnostic(file, line, col, Code.CONTROL_CHARACTER, f"{what} U+{code:04X}{written} ({why})")


def _plain(node: Any, out: Located) -> bool:
    """Whether a node is plain data; a YAML tag of anything else (``!custom``, ``!!python/…``) is an
    error where it is written, never silently dropped."""
    tag = str(node.tag)
    line, col = node.start_mark.line, node.start_mark.column
    if tag in _PLAIN_TAGS and (line >= len(out.lines) or not out.lines[line].startswith("!", col)):
        return True  # what follows, told at once for the many values with nothing to tell
    written = out.lines[line][col:] if line < len(out.lines) else ""
    if _LONE_TAG.match(written):  # `! x`: YAML drops a lone `!`, and `! known(x)` would mean `known(x)`
        tag = "!"
    elif tag in _PLAIN_TAGS:
        return True
    why = "merge keys (`<<:`) are not supported: write the keys out" if tag == _STANDARD + "merge" else \
        tag_problem(tag.replace(_STANDARD, "!!"), written if tag == "!" else "")
    fixed = negated(out.lines[line]) if line < len(out.lines) else None
    out.diagnostics.append(Diagnostic(out.file, line + 1, col + 1, Code.INVALID_VALUE, why, suggestion=fixed))
    return False


def _convert(node: Any, path: Path, out: Located, budget: list[int]) -> Any:
    """``node`` (ruamel's or PyYAML's: they have the same attributes) as plain data."""
    budget[0] -= 1
    if budget[0] < 0:
        if budget[0] == -1:
            out.diagnostics.append(Diagnostic(out.file, node.start_mark.line + 1, node.start_mark.column + 1,
                                              Code.TOO_LARGE, f"more than {MAX_NODES:,} values once aliases are "
                                              "expanded"))
        return None
    if len(path) > MAX_DEPTH:
        out.diagnostics.append(Diagnostic(out.file, node.start_mark.line + 1, node.start_mark.column + 1,
                                          Code.TOO_DEEP, f"nested deeper than {MAX_DEPTH} levels"))
        budget[0] = min(budget[0], -2)
        return None
    out.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if not _plain(node, out):
        return None
    if node.id == "mapping":
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.id == "scalar" and key_node.style == "" and key_node.value == "":  # libyaml's empty key
                raise _Empty
            if not _plain(key_node, out):
                continue
            key = _scalar(key_node) if key_node.id == "scalar" else None
            key = key.isoformat() if isinstance(key, date) else key
            kpos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                out.diagnostics.append(Diagnostic(out.file, *kpos, Code.BAD_KEY, "keys must be plain text"))
                continue
            key = str(key)
            if control := CONTROL.search(key) or _UNSEEN.search(key):
                out.diagnostics.append(_control(out.file, *kpos, control.group(), escaped=True))
                continue
            if key in result:
                first = out.keys[(*path, key)]
                out.diagnostics.append(
                    Diagnostic(out.file, *kpos, Code.DUPLICATE_KEY,
                               f"key `{hide_identifiers(key[:80])}` is repeated (first at line {first[0]})")
                )
                continue
            at = (*path, key)
            out.keys[at] = kpos
            result[key] = _convert(value_node, at, out, budget)
        return result
    if node.id == "sequence":
        return [_convert(item, (*path, i), out, budget) for i, item in enumerate(node.value)]
    if node.style == "" and node.value == "":  # an empty plain value libyaml read (ruamel's style is None)
        raise _Empty
    out.styles[path] = node.style or None  # a plain scalar's: None (ruamel), "" (libyaml)
    value = _scalar(node)
    if isinstance(value, str) and (control := CONTROL.search(value) or _UNSEEN.search(value)):  # "\\x1b" in quotes
        out.diagnostics.append(_control(out.file, *out.values[path], control.group(), escaped=True))
        return None
    too_long = isinstance(value, (int, Decimal)) and not isinstance(value, bool) and len(node.value) > MAX_DIGITS
    if too_long or (isinstance(value, Decimal) and not -MAX_DIGITS <= value.adjusted() <= MAX_DIGITS):
        out.diagnostics.append(Diagnostic(out.file, *out.values[path], Code.LITERAL_TOO_LARGE,
                                          f"a number of more than {MAX_DIGITS} digits" if too_long else
                                          exponent_too_far(str(node.value), value, MAX_DIGITS)))
        return None
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and "_" in node.value and \
            not GROUPED_IN_THREES.fullmatch(re.split(r"[.eE]", node.value.lstrip("+-"))[0]):
        digits, dated = node.value.replace("_", ""), _DATED.fullmatch(node.value)
        out.diagnostics.append(Diagnostic(
            out.file, *out.values[path], Code.INVALID_VALUE,
            f"`{node.value}` is read as a number, not a date: a date is written with `-` ({dated[0].replace('_', '-')})"
            if dated else f"`{node.value}` groups its digits with `_` other than in threes, so the number meant is "
            f"not clear (it reads as {digits}): write its digits without `_`, or in groups of three",
            suggestion=dated[0].replace("_", "-") if dated else None))  # which digit is missing or extra: no guess
        return None
    return value


_DATED = re.compile(r"[0-9]{4}_[0-9]{2}(?:_[0-9]{2})?")
"""A date or month written with `_` for `-` (``2025_04_30``), which YAML reads as a number."""


def _scalar(node: Any) -> Any:
    tag, text = str(node.tag), node.value
    if tag == _TEXT:  # most values
        return text
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return text.lower() in ("true", "yes", "y", "on")  # the last three: YAML 1.1 (a `%YAML 1.1` file)
    if tag.endswith(":int") and _INT.match(text):
        return int(text.replace("_", "")) if len(text) <= MAX_DIGITS else Decimal(0)
    if tag.endswith(":float"):
        try:
            return Decimal(text.replace("_", ""))
        except InvalidOperation:
            return text
    if tag.endswith(":timestamp") and len(text) == 10:
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    return text
