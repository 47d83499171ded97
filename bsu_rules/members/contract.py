"""The contract as data: each field of the models as a ``Leaf`` or a ``Group``, what the Arrow
schema, the batch checks and the msgspec mirror are derived from."""

from __future__ import annotations

import json
import math
import re
import types
import typing
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel

from bsu_rules.errors import InputError
from bsu_rules.members.decode import Written
from bsu_rules.members.model import (
    ACCOUNT_NUMBER,
    MAX_RUPIAH,
    MONTH,
    NOT_A_MONTH,
    REGENCY_CODE,
    REWRITTEN_NUMBER,
    SECRET,
    Member,
    Refused,
    check_month,
)
from bsu_rules.members.redact import clipped, hide_identifiers
from bsu_rules.ruleset.diagnostics import nearest


def _order(model: type[BaseModel]) -> dict[str, int]:
    return {name: i for i, name in enumerate(model.model_fields)}


DIGIT_RANGE = re.compile(r"\^(?:\(\?:)?\[0-9\]\{(\d+)(?:,(\d+))?\}[$|]")
"""The digits a pattern of digits takes, ``^[0-9]{4}$``, ``^[0-9]{1,20}$``, as its first form (a KPJ's other
is the masked one a decision log keeps)."""


@dataclass(frozen=True)
class Leaf:
    """A scalar field as every reader checks it. ``kind``: text, enum, month, date or int."""

    kind: str
    required: bool
    pattern: str | None = None
    choices: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None
    description: str | None = None
    refused: str | None = None  # a shape a value that fits ``pattern`` is still refused as (``model.Refused``)
    plain: str | None = None  # a form that fits ``pattern`` and is never ``refused`` (``Refused.never``)

    @property
    def mismatch(self) -> str:
        """What a text that fails this field's pattern is not: ``is not 4 digits (0-9)``."""
        if self.kind == "month":
            return NOT_A_MONTH
        if self.description:
            return f"is not a {self.description}"
        found = DIGIT_RANGE.match(self.pattern or "")
        if found:
            return f"is not {found[1]}{' to ' + found[2] if found[2] else ''} digits (0-9)"
        return f"does not match {self.pattern}"

    def mismatched(self, value: object) -> str:
        """``mismatch``, and the text to write where the value means one that fits (``written_as``:
        `` 3273`` or ``３２７３`` -> ``; write 3273``); or what happened to a value that fits once a
        spreadsheet's rewriting or a character not shown is undone."""
        if self.kind == "text" and isinstance(value, str) and _SCIENTIFIC.fullmatch(value.strip()):
            return REWRITTEN  # what it is, not what it is not: its digits look right
        if self.kind == "text" and isinstance(value, str) and unseen(value, self.pattern):
            return HIDDEN
        meant = written_as(value, self.pattern) if isinstance(value, str) and self.kind == "text" else None
        if self.kind == "text" and isinstance(value, str) and self.in_other_digits(value, meant):
            return OTHER_DIGITS
        if meant is not None and isinstance(value, str) and hide_identifiers(meant) != meant \
                and separated(value, meant):
            return f"{self.mismatch}; write its digits alone, without the spaces, dashes or dots between or around them"
        return self.mismatch + (f"; write {hide_identifiers(meant)}" if meant else "")  # `<16 digits>`: drop the rest

    def in_other_digits(self, value: str, meant: str | None) -> bool:
        """Whether ``value`` is told as written in other digits: it fits once they are 0-9, and the text to
        write (``meant``) would not say so plainly (a KPJ the hint would hide, or ``١٢``, which NFKC leaves)."""
        return (meant is None or hide_identifiers(meant) != meant) and in_other_digits(value, self.pattern)

    def outside(self, value: int) -> str:
        """What an integer outside this field's range is, its digits hidden if it could be a NIK."""
        shown = hide_identifiers(str(value)) if value.bit_length() < 14_000 else \
            f"a number of about {value.bit_length() * 30103 // 100000 + 1} digits"  # past what str() writes
        if self.low == 0 and value < 0:
            return f"{shown} is negative (integer rupiah, 0 or more)"
        if self.high == MAX_RUPIAH:
            return f"{shown} is too large for an amount in rupiah (ten digits at most: a NIK, a KPJ or an account " \
                   "number in its place?)"
        return f"{shown} is not from {self.low} to {self.high}"


def separated(value: str, meant: str) -> bool:
    """Whether a code written ``value`` is ``meant`` with only characters between or around its digits (spaces,
    dashes, dots): told so where the code itself, a NIK's or an account number's length, is not repeated."""
    return "".join(c for c in value if c.isascii() and c.isdigit()) == meant


def written_as(value: str, pattern: str | None) -> str | None:
    """The code a text means where it is the code written with spaces, full-width digits, dots,
    commas or dashes between its digits, or a spreadsheet's ``.0`` (`` 3273``, ``３２７３``, ``32.73``,
    ``22041870213.0``); else None (``1.50`` is a fraction, not ``150``). A message says it as it says any
    number (``<11 digits>``: what to drop is still told)."""
    whole = re.sub(r"\.0+$", "", unicodedata.normalize("NFKC", value).strip())
    groups = [sum(c.isdigit() for c in part) for part in re.split(r"[.,]", whole)[1:]]
    if groups and not (all(n == 3 for n in groups) or (pattern == REGENCY_CODE and all(n == 2 for n in groups))):
        return None  # dots and commas group thousands (``22.041.870.213``) or a code's pairs (``32.73``): not ``1.50``
    plain = re.sub(r"[\s.,-]", "", whole)
    fits = pattern is not None and plain != value and plain.isascii() and re.fullmatch(pattern, plain) is not None
    return plain if fits else None


@dataclass(frozen=True)
class Group:
    """A nested object (``many``: a list of them, a history) and its own fields."""

    model: type[BaseModel]
    many: bool
    required: bool

    @property
    def fields(self) -> dict[str, Leaf | Group]:
        return contract(self.model)


@cache
def contract(model: type[BaseModel] | None = None) -> dict[str, Leaf | Group]:
    """The fields of ``model`` (default: Member) read from its declaration, in declaration order."""
    return {name: _spec(Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation,
                        info.is_required())
            for name, info in (model or Member).model_fields.items()}


def _spec(annotation: Any, required: bool) -> Leaf | Group:
    meta: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = typing.get_args(annotation)
            meta += [m for item in extra for m in (item, *getattr(item, "metadata", []))]
        elif origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        else:
            break
    if typing.get_origin(annotation) is list:
        return Group(typing.get_args(annotation)[0], True, required)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Group(annotation, False, required)
    pattern = next((m.pattern for m in meta if getattr(m, "pattern", None)), None)
    description = next((m.description for m in meta if getattr(m, "description", None)), None)
    checks = {getattr(m, "func", None) for m in meta}
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return Leaf("enum", required, choices=tuple(str(e.value) for e in annotation))
    if annotation is date:
        return Leaf("date", required, description=description)
    if annotation is int:
        low = next((m.ge for m in meta if hasattr(m, "ge")), None)
        high = next((m.le for m in meta if hasattr(m, "le")), None)
        return Leaf("int", required, low=low, high=high, description=description)
    if check_month in checks:
        return Leaf("month", required, pattern=MONTH.pattern, description=description)
    refused = next((m for m in meta if isinstance(m, Refused)), None)
    return Leaf("text", required, pattern=pattern, description=description,
                refused=None if refused is None else refused.shape, plain=None if refused is None else refused.never)


_ITEM_MODELS = {name: spec.model for name, spec in contract().items() if isinstance(spec, Group)}


def _free_text(fields: dict[str, Leaf | Group], prefix: str) -> list[str]:
    return [path for name, spec in fields.items() for path in
            (_free_text(spec.fields, f"{prefix}{name}.") if isinstance(spec, Group) and not spec.many else
             [f"{prefix}{name}"] if isinstance(spec, Leaf) and spec.kind == "text" and spec.pattern is None else [])]


FREE_TEXT = frozenset(_free_text(contract(), "member."))
"""Member fields of free text (``member.name``, ``member.bank_account.bank``): what a person typed,
which may hold a NIK or an account number typed in the wrong place."""


def path_order(path: str) -> tuple[int, ...]:
    """A sort key putting field paths in the contract's declaration order (``wages[3].period``):
    both evaluators list a record's problems in this order, so the first one named is the same."""
    if path == "(record)":
        return (-1,)
    top = path.split(".")[0].split("[")[0]
    rest = path[len(top):]  # ``[3].period``: the item's index is part of the key
    fields = _order(Member)
    key = [fields.get(top, len(fields))]
    model = _ITEM_MODELS.get(top)
    for part in re.findall(r"\[(\d+)\]|([A-Za-z_]+)", rest):
        if part[0]:
            key.append(int(part[0]))
        elif model is not None:
            key.append(_order(model).get(part[1], len(model.model_fields)))
        else:
            key.append(len(fields))
    return tuple(key)


def unheld(path: str, value: int) -> str:
    """What is said of an integer too large for its field's column: what its range check says."""
    leaf = leaf_at(path)
    return leaf.outside(value) if leaf is not None and leaf.high is not None else \
        f"{hide_identifiers(str(value))} is out of range"


def spec_at(path: str) -> Leaf | Group | None:
    """What a field path names (``wages[2].period``, ``employer``; ``""``: the record), if anything."""
    spec: Leaf | Group | None = Group(Member, False, True)
    for part in re.sub(r"\[\d+\]", "", path).split(".") if path else ():
        spec = spec.fields.get(part) if isinstance(spec, Group) else None
    return spec


def leaf_at(path: str) -> Leaf | None:
    """The leaf a field path names (``wages[2].period``, ``employer.sector``), if it names one."""
    spec = spec_at(path)
    return spec if isinstance(spec, Leaf) else None


UNKNOWN = "unknown field"
"""The message of a key the contract does not have (``hinted`` adds the field meant)."""

MISSING = "required field is missing"
"""The message of a required field a record leaves out."""

NULL = "is null: give a value"
"""The message of a required field a record gives as JSON ``null``: the key is there, its value is not
(told apart from ``MISSING``, which sends a reader looking for the key)."""


def hinted(problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``problems`` with the message of each unknown field among those a message shows (the first
    ``InputError.MAX_PROBLEMS``) naming the field meant, when one is close: ``employment_tipe:
    unknown field (did you mean employment_type?)``."""
    shown = [(path, _meant(path) if message == UNKNOWN else message)
             for path, message in problems[:InputError.MAX_PROBLEMS]]
    return shown + problems[InputError.MAX_PROBLEMS:]


def is_unknown(message: str) -> bool:
    """Whether a problem's message says its key is not in the contract (hinted or not)."""
    return message.startswith(UNKNOWN)


def _meant(path: str) -> str:
    parent, _, key = path.rpartition(".")
    group = spec_at(parent)
    meant = nearest(key, group.fields) if isinstance(group, Group) else None
    return f"{UNKNOWN} (did you mean {meant}?)" if meant and meant != key else UNKNOWN  # a key with a dot in it


def json_kind(value: Any) -> str:
    """A JSON value's kind in a message's words: ``an object``, ``text``, ``null`` ..."""
    kind = _KINDS.get(type(value))
    return kind if kind is not None else "a decimal number" if isinstance(value, float) else type(value).__name__


_KINDS = {dict: "an object", list: "a list", str: "text", bool: "true/false", float: "a decimal number",
          int: "an integer", type(None): "null"}


def kind_at(path: str) -> str | None:
    """The JSON kind the contract wants at a field path (``text`` for dates, months and codes; a
    history's entry ``wages[2]`` is ``an object``), or None for a path it does not have."""
    if path == "(record)" or path.endswith("]"):
        return "an object"
    spec = spec_at(path)
    if isinstance(spec, Group):
        return "a list" if spec.many else "an object"
    return None if spec is None else "an integer" if spec.kind == "int" else "text"


def of_kind(value: Any, kind: str) -> bool:
    return json_kind(value) == kind


REWRITTEN = "looks like a number a spreadsheet rewrote in scientific notation (with E+): format the column as " \
    "text and enter the digits again"
ACCOUNT_REWRITTEN = "looks like a number a spreadsheet rewrote (written as 4.18201E+14, as money such as Rp …,-, " \
    "or with decimals such as .00): format the column as text and enter the digits again"
DECIMALS = "looks like a number a spreadsheet rewrote with decimals (.0): format the column as text and enter the " \
    "digits again"
_SCIENTIFIC = re.compile(r"[0-9](?:[.,][0-9]+)?[eE]\+?[0-9]+")
_DECIMALS = re.compile(r"[0-9]{16}[.,]0+")


HIDDEN = "has a character that is not shown (a zero-width space or a control character) among its digits: remove it"
APOSTROPHE = "starts with an apostrophe, a spreadsheet's mark for text: remove it"
_APOSTROPHE = re.compile(r"['\u2018\u2019][0-9]{16}")
OTHER_DIGITS = "is written in digits other than 0-9 (Arabic-Indic or full-width digits, for instance): write it " \
    "with 0-9"
GROUPED = "is written in groups (spaces or punctuation between its digits): write its 16 digits only"
GROUPED_COUNT = "is written in groups (spaces or punctuation between its digits) and has {n} digits, not 16"
_GROUPED = re.compile(r"[0-9]+(?:[\s.,_\-]+[0-9]+)+")
_LOOKALIKE = {"O": "0", "o": "0", "I": "1", "l": "1"}
"""Letters typed for the digit they look like."""


def in_other_digits(value: str, pattern: str | None) -> bool:
    """Whether ``value`` fits ``pattern`` once each digit of another script (``١``, ``３``) is written
    0-9 (and a space around or among them, told next, is taken out), and holds such a digit."""
    if value.isascii() or pattern is None:
        return False
    plain = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in value)
    return plain != value and (re.fullmatch(pattern, plain) is not None or written_as(plain, pattern) is not None)


def unseen(value: str, pattern: str | None) -> bool:
    """Whether ``value`` fits ``pattern`` once the characters that are not shown (control and format
    characters other than white space: a zero-width space, a NUL; a tab or a line break is white space,
    told by name) are taken out of it, or would then fit it as written another way (a space left among its
    digits: that is told next, once the hidden character is gone)."""
    shown = "".join(c for c in value if c.isspace() or unicodedata.category(c) not in ("Cc", "Cf"))
    return shown != value and pattern is not None and (re.fullmatch(pattern, shown) is not None
                                                        or written_as(shown, pattern) is not None)


def secret_slip(text: str) -> str | None:
    """How a NIK or an account number of digits was changed on its way, if in a known way:
    ``scientific`` (a spreadsheet wrote the number in scientific notation, 3.2E+15), ``decimals`` (with a
    decimal part of zeros, ``3204125708940003.0``), ``apostrophe`` (a spreadsheet's mark for text before
    its 16 digits, ``'3204125708940003``), ``other digits`` (``٣٢٠٤…``), ``before``, ``after`` or ``before and
    after`` (white space around its 16 digits: a space, a tab, a line break; ``spaced`` says which), ``grouped``
    (digits in groups, ``3215 0125 0286 0002`` as printed on a card, however many), ``hidden`` (a character
    not shown, such as a zero-width space, among them); None otherwise."""
    if _SCIENTIFIC.fullmatch(text.strip()):
        return "scientific"
    if _DECIMALS.fullmatch(text.strip()):
        return "decimals"
    if _APOSTROPHE.fullmatch(text.strip()):
        return "apostrophe"
    if in_other_digits(text, "[0-9]{16}"):
        return "other digits"
    bare = text.strip()
    if bare != text and len(bare) == 16 and bare.isascii() and bare.isdigit():
        return " and ".join(side for side, spaced in (("before", text[0].isspace()), ("after", text[-1].isspace()))
                            if spaced)
    if _GROUPED.fullmatch(bare):
        return "grouped"
    if unseen(text, "[0-9]{16}"):
        return "hidden"
    return None


def blanks(run: str) -> list[tuple[str, int]]:
    """The kinds of blank a run of white space holds, each with how many, in the order they first come:
    ``line break`` (``\\n``, ``\\r\\n`` counted once, or any other character that ends a line), ``tab``, and
    ``space`` for any other (a no-break space too)."""
    found: dict[str, int] = {}
    for piece in _BREAK.findall(run):
        kind = "line break" if len(piece) > 1 or piece in _BREAKS else "tab" if piece == "\t" else "space"
        found[kind] = found.get(kind, 0) + 1
    return list(found.items())


_BREAK = re.compile(r"\r\n|.", re.DOTALL)
_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
"""What ends a line (as ``str.splitlines`` reads it)."""


def blank_words(run: str) -> str:
    """A run of white space in words: ``a space``, ``a tab``, ``a line break`` (two tabs: ``tabs``), kinds
    together joined (``a space and a line break``)."""
    return " and ".join(f"a {kind}" if n == 1 else f"{kind}s" for kind, n in blanks(run))


def ends(text: str) -> tuple[str, str]:
    """The white space before a text and after it (all of it before, for a text of white space only)."""
    rest = text.lstrip()
    return text[:len(text) - len(rest)], rest[len(rest.rstrip()):]


def spaced(text: str) -> str:
    """What is wrong with a text that has white space around it, the blanks named as they are: ``has a space
    before it: remove it``, ``has a line break after it: remove it``, ``has a tab before and after it: remove
    them``, ``has a space before it and a line break after it: remove them``."""
    before, after = ends(text)
    if before and after and blanks(before) == blanks(after):
        where = f"{blank_words(before)} before and after it"
    else:
        where = " and ".join(f"{blank_words(run)} {side} it" for run, side in ((before, "before"), (after, "after"))
                             if run)
    many = sum(n for run in (before, after) for _, n in blanks(run)) > 1
    return f"has {where}: remove {'them' if many else 'it'}"


def digits_in(text: str) -> int:
    """How many digits 0-9 a text holds (a NIK written in groups: how many it was given)."""
    return sum("0" <= c <= "9" for c in text)


def stray(text: str) -> tuple[int, str | None]:
    """Where the first character that is not a digit 0-9 is (counted from 1; 0 when there is none) and,
    when it is a letter typed for the digit it looks like (O for 0), that digit."""
    at = next((i for i, c in enumerate(text) if not "0" <= c <= "9"), -1)
    return at + 1, _LOOKALIKE.get(text[at]) if at >= 0 else None


def account_slip(text: str) -> str | None:
    """What an account number the contract refuses is, besides one with no digit 0-9 (None): ``account
    rewritten`` (a spreadsheet's ``4.18201E+14`` or ``.00``) or ``other digits`` (``١٢٣``)."""
    if re.fullmatch(REWRITTEN_NUMBER, text):
        return "account rewritten"
    return "other digits" if in_other_digits(text, ACCOUNT_NUMBER) else None


def secret_problem(path: str, text: str) -> str:
    """What is wrong with a NIK or an account number (``path``), without repeating it."""
    if path == "bank_account.number":
        if (slip := account_slip(text)) is not None:
            return ACCOUNT_REWRITTEN if slip == "account rewritten" else OTHER_DIGITS
        return ('has no digit 0-9: an account number is written in digits; write "" when the member has no account, '
                "or leave it out (or null) when the number is not known")
    if (slip := secret_slip(text)) == "scientific":
        return REWRITTEN
    if slip == "decimals":
        return DECIMALS
    if slip == "hidden":
        return HIDDEN
    if slip == "apostrophe":
        return APOSTROPHE
    if slip == "other digits":
        return OTHER_DIGITS
    if slip == "grouped":
        return GROUPED if (n := digits_in(text)) == 16 else GROUPED_COUNT.format(n=n)
    if slip:
        return spaced(text)
    if len(text) != 16:
        return f"has {len(text)} character{'' if len(text) == 1 else 's'}, not 16"
    at, digit = stray(text)
    return "has a character that is not a digit 0-9" + (f" at position {at}" if at else "") + (
        f" (the letter {text[at - 1]}, typed for the digit {digit}?)" if digit else "")


def wrong_kind(path: str, value: Any, kind: str) -> str:
    """Why a value of another JSON kind than ``kind`` is refused at ``path``, as every reader says
    it: a scalar shown (never a NIK or account number), an object or list not."""
    text = None
    if isinstance(value, float) and math.isinf(value):  # 1e400 is read as infinity: say what may have been written
        text = "a number too large to hold (written as 1e400 or Infinity, say)"
    elif kind in ("text", "an integer") and path not in SECRET:  # text cut, then escaped whole: the quote closed
        text = hide_identifiers(_json(clipped(value)) or "") if isinstance(value, str) else \
            hide_identifiers(clipped(_json(value) or ""))  # quoted first: a quoted value is said whole
    return f"{text + ': ' if text else ''}expected {kind}, got {json_kind(value)}"


def _json(value: Any) -> str | None:
    """A value as JSON (a decimal number as the record wrote it), or None for one JSON cannot hold (a
    numpy integer, a Decimal, a datetime)."""
    if isinstance(value, Written):
        return value.shown
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return None
