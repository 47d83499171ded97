"""Parse rule expressions (grammar.lark) into a typed tree with source spans. Never eval."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from bsu_rules.ruleset.grammar import parser
from bsu_rules.ruleset.spelling import (
    GROUPED,
    GROUPED_IN_THREES,
    amount_in_words,
    as_date,
    digits_only,
    exponent_too_far,
    long_digits,
    off_calendar,
    with_exponent,
)
from bsu_rules.ruleset.types import DECIMAL_PLACES, Type, too_wide


@dataclass(eq=False)
class Node:
    """A node of the expression tree; ``start``/``end`` are character offsets in its text."""

    start: int
    end: int
    type: Type | None = field(default=None, init=False)

    def children(self) -> list[Node]:
        return []


@dataclass(eq=False)
class Lit(Node):
    value: Any
    is_month: bool = False


@dataclass(eq=False)
class Name(Node):
    parts: tuple[str, ...]

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(eq=False)
class Call(Node):
    func: Name
    args: list[Node]

    def children(self) -> list[Node]:
        return list(self.args)


@dataclass(eq=False)
class ListLit(Node):
    items: list[Node]

    def children(self) -> list[Node]:
        return list(self.items)


@dataclass(eq=False)
class Unary(Node):
    op: str  # "not" | "neg"
    operand: Node

    def children(self) -> list[Node]:
        return [self.operand]


@dataclass(eq=False)
class Binary(Node):
    op: str  # + - * // < <= > >= == != in "not in"
    left: Node
    right: Node

    def children(self) -> list[Node]:
        return [self.left, self.right]


@dataclass(eq=False)
class BoolOp(Node):
    op: str  # "and" | "or"
    operands: list[Node]

    def children(self) -> list[Node]:
        return list(self.operands)


@dataclass(eq=False)
class Cond(Node):
    test: Node
    then: Node
    other: Node

    def children(self) -> list[Node]:
        return [self.test, self.then, self.other]


Expr = Lit | Name | Call | ListLit | Unary | Binary | BoolOp | Cond  # every node kind


class Unhandled(TypeError):
    """A pass over the tree met a node kind it has no case for: every pass must handle them all."""

    def __init__(self, node: Node, where: str) -> None:
        super().__init__(f"{where} has no case for {type(node).__name__} nodes")
        self.node, self.where = node, where


def walk(node: Node) -> list[Node]:
    """Every node of the tree, parents before children."""
    out = [node]
    for child in node.children():
        out.extend(walk(child))
    return out


def table_lookups(*trees: Node) -> list[tuple[str, Node]]:
    """Each table ``trees`` look up by a key (``x in table.t``, ``x not in table.t``, ``table.t.get(x, …)``), as
    (``t``, the key's expression), in the trees' order."""
    found: list[tuple[str, Node]] = []
    for n in (n for tree in trees for n in walk(tree)):
        if isinstance(n, Binary) and n.op in ("in", "not in") and isinstance(n.right, Name) \
                and n.right.parts[0] == "table":
            found.append((n.right.parts[1], n.left))
        elif isinstance(n, Call) and n.func.parts[0] == "table" and n.func.parts[-1] == "get" and n.args:
            found.append((n.func.parts[1], n.args[0]))
    return found


class ParseError(ValueError):
    def __init__(self, message: str, offset: int, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.offset, self.suggestion = offset, suggestion


MAX_LENGTH = 4000
"""Characters an expression may have (the longest bundled one has under 300)."""
MAX_DEPTH = 40
"""Levels an expression's tree may nest (brackets, ``not``, minus signs, calls)."""
MAX_DIGITS = 40
"""Characters a number literal may have."""
MAX_GROUPED_DEPTH = 120
"""Levels the built tree may nest, where a chain of operators (``a + b + c``) nests one per operator."""


def parse(text: str) -> Node:
    """Parse one expression; raise ParseError with the offset of the problem."""
    return _fresh(_tree(text))


class Parses:
    """The expressions of one rule file, each parsed once however many passes read it (``_built`` keeps a
    bounded number of texts, which a file of thousands of facts passes, and none that does not parse)."""

    def __init__(self) -> None:
        self._trees: dict[str, Node | ParseError] = {}

    def parse(self, text: str) -> Node:
        """As ``parse``: a copy of the tree, for a pass that types it."""
        return _fresh(self.shared(text))

    def shared(self, text: str) -> Node:
        """The tree itself, for a pass that only reads it (never typed nor changed: it is every parse's)."""
        found = self._trees.get(text)
        if found is None:
            try:
                found = _tree(text)
            except ParseError as exc:  # kept without its traceback and the parser's state it holds
                found = ParseError(str(exc), exc.offset, exc.suggestion)
            self._trees[text] = found
        if isinstance(found, ParseError):
            raise ParseError(str(found), found.offset, found.suggestion)
        return found


def _tree(text: str) -> Node:
    if len(text) > MAX_LENGTH:
        raise ParseError(f"the expression is longer than {MAX_LENGTH} characters", 0)
    return _built(text)


@lru_cache(maxsize=2048)
def _built(text: str) -> Node:
    """The tree of an expression, built once per text (a rule set's expressions are parsed by several
    passes, and again each time it is loaded); never handed out: ``parse`` gives a copy of it."""
    try:
        tree = parser().parse(text)
    except UnexpectedInput as exc:
        at = len(text) if isinstance(exc, UnexpectedEOF) or getattr(exc, "token", None) == "" else exc.pos_in_stream
        message, hint = _describe(exc, text)
        if message == _TOO_EARLY and (opened := _unclosed(text)) is not None:  # told where it opens, not at the end
            message, at = f"this `{text[opened]}` is never closed: close it with `{_CLOSE[text[opened]]}`", opened
        raise _other_digits(text, at or 0) or _with_exponent(text, at or 0) or _written_number(text, at or 0) or \
            ParseError(message, max(0, at or 0), hint) from None
    _check_depth(tree)
    node = _Build().transform(tree)
    _check_grouped_depth(node)
    return node


def _fresh(node: Node) -> Node:
    """A copy of a tree, node by node (the checker types each node in place; values and names are immutable)."""
    copy = object.__new__(type(node))
    vars(copy).update({k: _fresh(v) if isinstance(v, Node) else [_fresh(n) for n in v] if isinstance(v, list) else v
                       for k, v in vars(node).items()})
    return copy


def _check_grouped_depth(root: Node) -> None:
    """ParseError if the built tree nests deeper than MAX_GROUPED_DEPTH: ``a + b + c`` is one level
    to the parser and one per operator once grouped (checked without recursion)."""
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_GROUPED_DEPTH:
            raise ParseError(f"the expression nests deeper than {MAX_GROUPED_DEPTH} levels once its operators "
                             "are grouped (split a long chain into facts)", node.start)
        stack.extend((child, depth + 1) for child in node.children())


def _check_depth(tree: Tree[Token]) -> None:
    """ParseError if the tree nests deeper than MAX_DEPTH (checked without recursion)."""
    stack: list[tuple[Tree[Token], int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            start = getattr(node.meta, "start_pos", 0) if not node.meta.empty else 0
            raise ParseError(f"the expression nests deeper than {MAX_DEPTH} levels", start)
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))


_TOO_EARLY = "the expression ends too early"
_CLOSE = {"(": ")", "[": "]"}


def _unclosed(text: str) -> int | None:
    """Where the last bracket left open starts (outside quoted text), if one is and the expression does not
    end on an operator (``(a and``: what is missing is its right side, not only the bracket)."""
    if _DANGLING.search(text):
        return None
    opened: list[int] = []
    quote = ""
    for i, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in _CLOSE:
            opened.append(i)
        elif char in ")]" and opened:
            opened.pop()
    return opened[-1] if opened else None


_DANGLING = re.compile(r"(?:\b(?:and|or|not|in)|[-+*/<>=!])\s*$")
"""An expression that ends on an operator, its right side missing."""


def _describe(exc: UnexpectedInput, text: str) -> tuple[str, str | None]:
    """What is wrong, and the operator or text as it should probably be written."""
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        return _TOO_EARLY, None
    if isinstance(exc, UnexpectedCharacters):
        at = exc.pos_in_stream or 0
        if text[at] == "=" and text[at + 1:at + 2] in ("<", ">"):
            turned = text[at + 1] + "="
            return f"unexpected `={text[at + 1]}`: the comparison is written `{turned}`", turned
        if text[at] == "=":
            return "unexpected `=`: to compare, write `==` (and `!=` for not equal)", "=="
        written = text[at:at + 2] if text[at:at + 2] in _WORDS else text[at]
        if written in _WORDS:
            return f"unexpected `{written}`: write `{_WORDS[written]}`", _WORDS[written]
        if text[at] in _CURLY:
            close = next((i for i in range(at + 1, len(text)) if text[i] in _CURLY + '"'), None)
            straight = f'"{text[at + 1:close]}"' if close is not None else None
            return f"`{text[at]}` is a curly quote: write text in straight quotes `\"`", straight
        if text[at] in _SPACES:
            return "a no-break space: type an ordinary space", None
        if text[at] in _TYPESET:  # what a word processor makes of an operator
            return f"unexpected `{text[at]}`: write `{_TYPESET[text[at]]}`", _TYPESET[text[at]]
        if unicodedata.category(text[at]) == "Cf":
            return f"an invisible character, U+{ord(text[at]):04X} " \
                   f"{unicodedata.name(text[at], 'without a name')}: delete it", None
        if not text[at].isascii():  # a look-alike (Cyrillic `і` for `i`) reads as the letter meant
            return f"unexpected character {text[at]!r}, U+{ord(text[at]):04X} " \
                   f"{unicodedata.name(text[at], 'without a name')}: names are ASCII letters, digits and `_`", None
        return f"unexpected character {text[at]!r}", None
    if isinstance(exc, UnexpectedToken):
        value = str(exc.token.value)
        if (word := _SPOKEN.get(value) or _SPOKEN.get(value.lower())) is not None:
            return f"unexpected `{value}`: the rule language writes `{word}`", word
        at = exc.token.start_pos or 0
        if exc.token.type == "COMP_OP" and (first := _chained(text, at)) is not None:
            return f"unexpected `{value}`: comparisons are not chained; write two joined by `and`", first
        if (grouped := next((m for m in _UNDERSCORED.finditer(text) if m.start() <= at <= m.end()), None)) is not None:
            digits = grouped.group().replace("_", "")
            meant = digits if GROUPED_IN_THREES.fullmatch(grouped.group()) else None  # 3_500_00: no guess
            return f"`{grouped.group()}`: numbers are written with digits only ({digits})", meant
        return f"unexpected {value!r}", None
    return "cannot parse the expression", None


def _chained(text: str, at: int) -> str | None:
    """``a <= b <= c`` (the second comparison at ``at``) as two comparisons joined by ``and``; None when
    the expression is not that simple."""
    first = list(_COMPARISON.finditer(text, 0, at))
    second = _COMPARISON.match(text, at)
    if len(first) != 1 or second is None:
        return None
    op = first[0]
    a, b, c = text[:op.start()].strip(), text[op.end():at].strip(), text[second.end():].strip()
    if not (a and b and c) or any(ch in a + b for ch in "()[]\"'") or any(
            f" {word} " in f" {a} {b} " for word in ("and", "or", "not")):
        return None
    return f"{a} {op.group()} {b} and {b} {second.group()} {c}"


_COMPARISON = re.compile(r"<=|>=|==|!=|<|>")
_WORDS = {"&&": "and", "&": "and", "||": "or", "|": "or", "!": "not"}
"""Operators of other languages, and the words the rule language writes them with."""
_SPOKEN = {"atau": "or", "dan": "and", "tidak": "not", "bukan": "not", "benar": "true", "salah": "false",
           "AND": "and", "OR": "or", "NOT": "not", "True": "true", "False": "false", "TRUE": "true", "FALSE": "false"}
"""Words for the operators and truth values in Bahasa Indonesia, or spelt as another language spells them."""
_UNDERSCORED = re.compile(r"[0-9]+(?:_[0-9]+)+")
"""A number grouped with underscores, as Python allows (``3_500_000``)."""
_TYPESET = {"≤": "<=", "≥": ">=", "≠": "!=", "–": "-", "—": "-", "−": "-", "×": "*"}
"""Operators as typeset text writes them, and as the rule language does."""
_CURLY = "\u201c\u201d\u201e\u2018\u2019\u00ab\u00bb"
"""Quotes a word processor puts in, where the rule language takes `"`."""
_SPACES = "\u00a0\u2007\u202f"
"""No-break spaces: they look like a space, but are not one."""


_AS_PEOPLE_WRITE = re.compile(r"(?:(?:Rp\.?|IDR)\s*)?[0-9][0-9.,/-]*(?:\s*(?:juta|jt|ribu|rb|miliar|milyar|"
                              r"thousand|million|billion)\b\.?)?", re.IGNORECASE)
"""A number or a date as people write it (``Rp3.500.000``, ``3,5 juta``, ``31/07/2022``): read at a syntax error."""


_OTHER_DIGITS = re.compile(r"\d*(?![0-9])\d\d*")
"""A run of digits with one other than 0-9 (Arabic-Indic ``٣٥``, full-width ``3５``): a number is written
with 0-9."""


def _other_digits(text: str, at: int) -> ParseError | None:
    """A ParseError for a number written in digits other than 0-9 at offset ``at``, with it in 0-9 (a
    reader of the published rule could not tell what it computes)."""
    for found in _OTHER_DIGITS.finditer(text):
        if found.start() <= at < found.end():
            digits = "".join(str(int(c)) for c in found.group())
            return ParseError(f"`{found.group()}` is written in digits other than 0-9: write {digits}",
                              found.start(), digits)
    return None


_EXPONENT = re.compile(r"(?<![\w.])[0-9]+(?:\.[0-9]+)?[eE][+-]?[0-9]{1,9}(?![\w.])")
"""A number written with an exponent (``1e400``, ``3.5E6``, ``1e-4``), which the rule language does not read."""


def _with_exponent(text: str, at: int) -> ParseError | None:
    """A ParseError for a number written with an exponent at offset ``at``: with its digits where a rule file takes
    them written so (``3.5E6``: 3500000), else why it does not: it has more than MAX_DIGITS digits (``1e400``,
    told by its exponent, never written out), ten digits or more as a NIK or an account number has (``1e9``), or
    more decimal places than the engine computes with (``1e-40``)."""
    for found in _EXPONENT.finditer(text):
        if not found.start() <= at <= found.end():
            continue
        written, value = found.group(), Decimal(found.group())
        if not -MAX_DIGITS <= value.adjusted() <= MAX_DIGITS:  # told by its exponent, never written out in full
            return ParseError(exponent_too_far(written, value, MAX_DIGITS), found.start())
        digits, named = format(value, "f"), with_exponent(written)
        if long_digits(digits):
            whole, _, decimals = digits.partition(".")
            size = f"a number of {len(whole)} digits" if len(whole.lstrip("0")) >= 10 else \
                f"a number with {len(decimals.strip('0'))} digits in its decimals"
            return ParseError(f"{named} is written with an exponent and is {size}: too long for a rule file, which "
                              "holds no number of ten digits or more (as a NIK or an account number is)", found.start())
        if (places := -int(value.as_tuple().exponent)) > DECIMAL_PLACES:
            return ParseError(f"{named} is written with an exponent and is a number of {places} decimal places, more "
                              f"than the engine computes with exactly (at most {DECIMAL_PLACES})", found.start())
        if sum(c.isdigit() for c in digits) >= 10:  # a message hides ten digits as a NIK's: not given as `<19 digits>`
            at_most = f"its first digit {-value.adjusted()} places after the decimal point" if value.adjusted() < 0 \
                else f"{value.adjusted() + 1} digits before the decimal point and {max(places, 0)} after it"
            return ParseError(f"{named} is written with an exponent: write the number with digits only, {at_most}",
                              found.start())
        return ParseError(f"{named} is written with an exponent: write the number with digits only ({digits})",
                          found.start(), digits)
    return None


def _written_number(text: str, at: int) -> ParseError | None:
    """A ParseError for a number or a date written as people write it (``1.000.000``, ``Rp3.500.000``,
    ``3,5 juta``, ``31/07/2022``) where the expression cannot be read, at offset ``at``, with its form in
    the rule language."""
    for found in _AS_PEOPLE_WRITE.finditer(text):
        written, start = found.group().rstrip(".,/-"), found.start()
        inside_a_name = start and (text[start - 1].isalnum() or text[start - 1] in "_.")
        if not start <= at <= start + len(written) or inside_a_name:
            continue
        if (day := as_date(written)) is not None and not re.search("[A-Za-z]", written) and str(day) != written:
            return ParseError(f"`{written}`: dates are written YYYY-MM-DD ({day})", start, day.isoformat())
        if GROUPED.fullmatch(written) or (amount_in_words(written) or digits_only(written)) is not None:
            digits = amount_in_words(written) or digits_only(written) or re.sub("[.,]", "", written)
            return ParseError(f"`{written}`: numbers are written with digits only ({digits}), `.` only before "
                              "decimals", start, digits)
    return None


def _span(meta: Any) -> tuple[int, int]:
    return meta.start_pos, meta.end_pos


def _tok(token: Token) -> tuple[int, int]:
    assert token.start_pos is not None and token.end_pos is not None
    return token.start_pos, token.end_pos


class _Build:
    """The expression tree of a parse tree: each branch built from its children, built first, left to right,
    by the method named as its rule, given the branch's positions (as lark's ``Transformer`` under
    ``v_args(meta=True)`` builds it, without wrapping each call: that took a third of a first parse)."""

    def transform(self, tree: Tree[Token]) -> Node:
        items = [self.transform(child) if isinstance(child, Tree) else child for child in tree.children]
        built: Node = getattr(self, tree.data)(tree.meta, items)
        return built

    def date(self, meta: Any, items: list[Token]) -> Node:
        token = items[0]
        try:
            return Lit(*_tok(token), date.fromisoformat(str(token)))
        except ValueError:
            message, meant = off_calendar(str(token))
            raise ParseError(message, _tok(token)[0], meant) from None

    def month(self, meta: Any, items: list[Token]) -> Node:
        token = items[0]
        if not 1 <= int(str(token)[5:]) <= 12:
            raise ParseError(f"{token} is not a month", _tok(token)[0])
        return Lit(*_tok(token), str(token), is_month=True)

    def number(self, meta: Any, items: list[Token]) -> Node:
        text = str(items[0])
        if len(text) > MAX_DIGITS:
            raise ParseError(f"a number of more than {MAX_DIGITS} digits", _tok(items[0])[0])
        value = Decimal(text) if "." in text else int(text)
        if (wide := too_wide(value)) is not None:
            raise ParseError(wide, _tok(items[0])[0])
        return Lit(*_tok(items[0]), value)

    def string(self, meta: Any, items: list[Token]) -> Node:
        return Lit(*_tok(items[0]), str(items[0])[1:-1])

    def true(self, meta: Any, items: list[Token]) -> Node:
        return Lit(*_span(meta), True)

    def false(self, meta: Any, items: list[Token]) -> Node:
        return Lit(*_span(meta), False)

    def dotted(self, meta: Any, items: list[Token]) -> Node:
        return Name(*_span(meta), tuple(str(t) for t in items))

    def call(self, meta: Any, items: list[Any]) -> Node:
        func, *args = items
        return Call(*_span(meta), func, [a for a in args if a is not None])

    def list_lit(self, meta: Any, items: list[Any]) -> Node:
        return ListLit(*_span(meta), [i for i in items if i is not None])

    def neg(self, meta: Any, items: list[Node]) -> Node:
        return Unary(*_span(meta), "neg", items[0])

    def not_(self, meta: Any, items: list[Node]) -> Node:
        return Unary(*_span(meta), "not", items[0])

    def and_(self, meta: Any, items: list[Node]) -> Node:
        return items[0] if len(items) == 1 else BoolOp(*_span(meta), "and", items)

    def or_(self, meta: Any, items: list[Node]) -> Node:
        return items[0] if len(items) == 1 else BoolOp(*_span(meta), "or", items)

    def conditional(self, meta: Any, items: list[Node]) -> Node:
        if len(items) == 1:
            return items[0]
        then, test, other = items
        return Cond(*_span(meta), test, then, other)

    def compare(self, meta: Any, items: list[Any]) -> Node:
        if len(items) == 1:
            node: Node = items[0]
            return node
        left, op, right = items
        return Binary(*_span(meta), " ".join(str(op).split()), left, right)

    def arith(self, meta: Any, items: list[Any]) -> Node:
        node: Node = items[0]
        for op, right in zip(items[1::2], items[2::2], strict=True):
            node = Binary(node.start, right.end, str(op), node, right)
        return node


def unparse(node: Node) -> str:
    """Canonical text of a tree (used in traces and diffs)."""
    match node:
        case Lit(value=bool(value)):
            return "true" if value else "false"
        case Lit(value=str(value), is_month=False):
            return f'"{value}"'
        case Lit():
            return str(node.value)
        case Name():
            return node.dotted
        case Call():
            return f"{node.func.dotted}({', '.join(unparse(a) for a in node.args)})"
        case ListLit():
            return f"[{', '.join(unparse(i) for i in node.items)}]"
        case Unary(op="not"):
            return f"not {unparse(node.operand)}"
        case Unary():
            return f"-{unparse(node.operand)}"
        case Binary():
            return f"({unparse(node.left)} {node.op} {unparse(node.right)})"
        case BoolOp():
            return "(" + f" {node.op} ".join(unparse(o) for o in node.operands) + ")"
        case Cond():
            return f"({unparse(node.then)} if {unparse(node.test)} else {unparse(node.other)})"
        case _:
            raise Unhandled(node, "unparse")
