"""The contract mirrored as msgspec structs: the fast path's validation.

Derived from ``contract()``, so pydantic stays the one source. A record the mirror accepts, whose texts
fit their patterns (``fits``), and whose history periods ``parse`` then finds to be months each given once,
is a record the model
accepts, with the same values (a property test holds it); anything else goes through the model,
which names the problem.
"""

from __future__ import annotations

import operator
import re
import sys
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, NamedTuple

import msgspec
from pydantic import BaseModel

from bsu_rules.evaluators.whitelist import NotGenerated, compiled
from bsu_rules.members.contract import DIGIT_RANGE, Group, Leaf, contract
from bsu_rules.members.model import MONTH, ORDERS, PERIODIC, REGENCY_CODE, REGENCY_CODES, Member, Rows, out_of_order


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


def checker() -> Callable[[Any], bool]:
    """Whether a view just decoded into the mirror is a record the model takes as it is: ``fits``, no dates out of
    order (``out_of_order``) and each history's periods months given once each (``periods_once``), in one generated
    function of the view (the code generator's guards: its names and constants generated, the text held to
    ``evaluators.whitelist``); the same checks one after another where it cannot be generated."""

    constants: dict[str, object] = {}
    named: dict[int, str] = {}
    lines: list[str] = []
    read: dict[str, str] = {}
    temps: list[str] = []

    def const(value: object) -> str:
        name = named.get(id(value))
        if name is None:
            name = named[id(value)] = f"K{len(constants)}"
            constants[name] = value
        return name

    def temp() -> str:
        temps.append(f"t{len(temps) + 1}")
        return temps[-1]

    def field(name: str) -> str:  # the view's field, read once
        if name not in read:
            read[name] = temp()
            lines.append(f"    {read[name]} = m.{name}")
        return read[name]

    def refused(held: str, text: Pattern) -> str:  # the condition on which ``fits`` refuses the text ``held``
        search, low, high = text
        if high < 0:
            return f"{held} is not None and {const(search)}({held}) is None"
        digits = f"{const(_isdigit)}({held}) and {const(_isascii)}({held})"
        if low > 0 or high < sys.maxsize:
            digits = f"{const(low)} <= {const(len)}({held}) <= {const(high)} and {digits}"
        return f"{held} is not None and not ({digits}) and {const(search)}({held}) is None"

    for name, text in _MIRROR.texts:
        lines.append(f"    if {refused(field(name), text)}: return False")
    for group, inner, many in _MIRROR.groups:
        if not inner.texts:
            continue
        held = field(group)
        if many:
            lines.append(f"    if {held} is not None and not {const(_rows_fit(inner.texts))}({held}): return False")
            continue
        lines.append(f"    if {held} is not None:")
        for name, text in inner.texts:
            lines.append(f"        {(t := temp())} = {held}.{name}")
            lines.append(f"        if {refused(t, text)}: return False")
    for later, earlier in _ORDERED:
        then, first = field(later), field(earlier)
        lines.append(f"    if {then} is not None and {first} is not None and {then} < {first}: return False")
    for name in PERIODIC:
        rows = field(name)
        lines.append(f"    if {rows} and not {const(periods_once)}({rows}): return False")
    lines.append("    return True")
    try:
        check: Callable[[Any], bool] = compiled(lines, constants)
    except NotGenerated:
        return _checked
    return check


def _rows_fit(texts: tuple[tuple[str, Pattern], ...]) -> Callable[[list[Any]], bool]:
    """Whether each row of a list fits its texts' patterns, as ``fits`` checks them."""
    def fit(rows: list[Any]) -> bool:
        for row in rows:
            for name, (search, low, high) in texts:
                text = getattr(row, name)
                if text is not None and not (low <= len(text) <= high and text.isdigit() and text.isascii()) \
                        and search(text) is None:
                    return False
        return True
    return fit


def _checked(view: Any) -> bool:
    """``checker``'s checks, one after another."""
    if not fits(view) or out_of_order(view) is not None:
        return False
    return all(periods_once(rows) for rows in _HISTORIES(view) if rows)


def periods_once(rows: list[Any]) -> bool:
    """Whether a history's periods are months (the model's own check), each given once (the model keeps an exact
    repeat once, and says which repeats otherwise)."""
    periods = set(map(_PERIOD, rows))
    return len(periods) == len(rows) and (periods <= _MONTHS or _months(periods))


def _months(periods: set[str]) -> bool:
    """Whether each period is a month (the model's own check), remembering those that are: a file's
    histories name few distinct months, so most records are checked with one set comparison."""
    if not all(map(_MONTH, periods)):
        return False
    if len(_MONTHS) > 4096:
        _MONTHS.clear()
    _MONTHS.update(periods)
    return True


_HISTORIES = operator.attrgetter(*PERIODIC)  # two or more: a tuple of them
_PERIOD = operator.attrgetter("period")
_MONTH = MONTH.fullmatch  # the model's own check
_MONTHS: set[str] = set()  # periods already found to be months
_isdigit, _isascii = str.isdigit, str.isascii
_ORDERED = [(order.then, order.first) for order in ORDERS]


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

