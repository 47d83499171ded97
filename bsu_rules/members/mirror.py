"""The contract mirrored as msgspec structs: the fast path's validation.

Derived from ``contract()``, so pydantic stays the one source. A record the mirror accepts, whose texts
fit their patterns (``fits``), and whose history periods ``parse`` then finds to be months each given once,
is a record the model
accepts, with the same values (a property test holds it); anything else goes through the model,
which names the problem.
"""

from __future__ import annotations

import re
import sys
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, NamedTuple

import msgspec
from pydantic import BaseModel

from bsu_rules.members.contract import DIGIT_RANGE, Group, Leaf, contract
from bsu_rules.members.model import PERIODIC, REGENCY_CODE, REGENCY_CODES, Member, Rows


@dataclass(frozen=True)
class _Mirror:
    model: type[BaseModel]
    struct: type[msgspec.Struct]
    names: tuple[str, ...]
    groups: tuple[tuple[str, _Mirror, bool], ...]  # nested objects: name, their mirror, a list of them
    fields_set: set[str]
    texts: tuple[tuple[str, Pattern], ...]  # the texts whose pattern ``fits`` checks


def _mirror(model: type[BaseModel], history: bool = False) -> _Mirror:
    fields: list[tuple[str, Any, Any]] = []
    groups: list[tuple[str, _Mirror, bool]] = []
    texts: list[tuple[str, Pattern]] = []
    for name, spec in contract(model).items():
        if isinstance(spec, Group):
            inner = _mirror(spec.model, history=name in PERIODIC)
            kind: Any = list[inner.struct] if spec.many else inner.struct  # type: ignore[name-defined]
            groups.append((name, inner, spec.many))
        elif history and name == "period":
            kind = str  # checked with the other periods of its history (``parse``): one pass, not one regex call each
        else:
            kind = _leaf(spec)
            if kind is str and spec.pattern is not None:
                texts.append((name, _fits(spec)))
        fields.append((name, kind, msgspec.NODEFAULT) if spec.required else (name, kind | None, None))
    struct = msgspec.defstruct(f"{model.__name__}Mirror", fields, forbid_unknown_fields=True, omit_defaults=True,
                               kw_only=True, gc=False)  # never in a cycle: it holds only data
    return _Mirror(model, struct, tuple(f[0] for f in fields), tuple(groups), set(model.model_fields), tuple(texts))


def _leaf(leaf: Leaf) -> Any:
    """A field's type in the mirror: a text with a pattern is a choice where the pattern names every text it
    takes (in C, not one regular expression called for each), else left to ``fits``."""
    if leaf.kind == "enum":
        return typing.Literal[leaf.choices]
    if leaf.kind == "date":
        return date
    if leaf.kind == "int":
        return Annotated[int, msgspec.Meta(ge=leaf.low, le=leaf.high)]
    if leaf.pattern in _CHOICES:
        return typing.Literal[_CHOICES[leaf.pattern]]
    if (letters := _LETTERS.fullmatch(leaf.pattern or "")) is not None:
        return typing.Literal[tuple(map(chr, range(ord(letters[1]), ord(letters[2]) + 1)))]
    return str


class Pattern(NamedTuple):
    """A text's pattern as ``fits`` checks it: the model's own, and the digits alone it takes, ``low`` to
    ``high`` of them (checked first, without it; none when ``high`` is -1)."""

    search: Callable[[str], object]
    low: int
    high: int


def _fits(leaf: Leaf) -> Pattern:
    assert leaf.pattern is not None
    # pydantic's $ ends the text; Python's also matches before a final newline
    pattern = leaf.pattern.removesuffix("$") + r"\Z"
    if leaf.refused is not None:  # what the pattern lets through but the model refuses: left to the model
        pattern = rf"^(?!(?:{leaf.refused})\Z)" + pattern.removeprefix("^")
        if leaf.plain is not None:  # tried first: the refused shape's long pattern only for what is not plain
            pattern = rf"^(?:(?:{leaf.plain})\Z|{pattern.removeprefix('^')})"
    digits = DIGIT_RANGE.match(leaf.pattern)
    if digits is None and leaf.plain is not None and _ANY_DIGITS.fullmatch(leaf.plain):  # its plain form takes them all
        return Pattern(re.compile(pattern).search, 0, sys.maxsize)
    return Pattern(re.compile(pattern).search, *((int(digits[1]), int(digits[2] or digits[1])) if digits else (0, -1)))


_ANY_DIGITS = re.compile(r"\[0-9[^\]]*\]\*")
"""A plain form taking any run of digits, ``[0-9*]*``."""


_CHOICES = {REGENCY_CODE: REGENCY_CODES}
"""Patterns that name every text they take."""
_LETTERS = re.compile(r"\^\[([A-Z])-([A-Z])\]\$")
"""A pattern of one capital letter of a range, ``^[A-U]$``."""


def _build(mirror: _Mirror, value: msgspec.Struct) -> Any:
    """The model instance holding the struct's values (already validated: no second validation)."""
    data = dict(zip(mirror.names, msgspec.structs.astuple(value), strict=True))
    for name, inner, many in mirror.groups:
        v = data[name]
        if v is not None:
            data[name] = Rows([_build(inner, x) for x in v]) if many else _build(inner, v)
    obj = _new(mirror.model)
    _put(obj, "__dict__", data)
    _put(obj, "__pydantic_fields_set__", mirror.fields_set)
    _put(obj, "__pydantic_extra__", None)
    _put(obj, "__pydantic_private__", None)
    return obj


def fits(view: Any) -> bool:
    """Whether each text of a view just decoded into the mirror fits its pattern: those its types leave to
    this check (a NIK, a KPJ, an account number), one call for a record, not one regular expression each."""
    for name, search, low, high in _OWN_TEXTS:
        text = getattr(view, name)
        if text is not None and not (low <= len(text) <= high and text.isdigit() and text.isascii()) \
                and search(text) is None:
            return False
    for group, many, name, search, low, high in _GROUP_TEXTS:
        held = getattr(view, group)
        if held is not None:
            for holder in held if many else (held,):
                text = getattr(holder, name)
                if text is not None and not (low <= len(text) <= high and text.isdigit() and text.isascii()) \
                        and search(text) is None:
                    return False
    return True


_new, _put = object.__new__, object.__setattr__
_MIRROR = _mirror(Member)
MemberMirror: type[msgspec.Struct] = _MIRROR.struct
"""The member contract as a msgspec struct: what the fast path validates a record with."""
_OWN_TEXTS = [(name, *text) for name, text in _MIRROR.texts]
_GROUP_TEXTS = [(group, many, name, *text) for group, inner, many in _MIRROR.groups for name, text in inner.texts]
"""The texts ``fits`` checks: the record's own, and its groups' (a group holds no group)."""
if any(inner.groups for _, inner, _ in _MIRROR.groups):
    raise TypeError("fits reads the texts of a record and of its groups, not of a group's groups")
encode = msgspec.json.Encoder().encode
"""A view as compact JSON (contract field order, nulls left out): the bytes the input sha256 is taken of."""


MemberView = msgspec.Struct
"""A validated record as the contract's mirror holds it: read by attribute exactly like a Member."""
Record = Member | MemberView


def as_member(record: Record) -> Member:
    """The Member model of a validated record (built, without validating again, from a view)."""
    return record if isinstance(record, Member) else _build(_MIRROR, record)

