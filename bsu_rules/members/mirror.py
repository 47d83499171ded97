"""The contract mirrored as msgspec structs: the fast path's validation.

Derived from ``contract()``, so pydantic stays the one source. A record the mirror accepts, and
whose history periods ``parse`` then finds to be months each given once, is a record the model
accepts, with the same values (a property test holds it); anything else goes through the model,
which names the problem.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import msgspec
from pydantic import BaseModel

from bsu_rules.members.contract import Group, Leaf, contract
from bsu_rules.members.model import PERIODIC, Member, Rows


@dataclass(frozen=True)
class _Mirror:
    model: type[BaseModel]
    struct: type[msgspec.Struct]
    names: tuple[str, ...]
    groups: tuple[tuple[str, _Mirror, bool], ...]  # nested objects: name, their mirror, a list of them
    fields_set: set[str]


def _mirror(model: type[BaseModel], history: bool = False) -> _Mirror:
    fields: list[tuple[str, Any, Any]] = []
    groups: list[tuple[str, _Mirror, bool]] = []
    for name, spec in contract(model).items():
        if isinstance(spec, Group):
            inner = _mirror(spec.model, history=name in PERIODIC)
            kind: Any = list[inner.struct] if spec.many else inner.struct  # type: ignore[name-defined]
            groups.append((name, inner, spec.many))
        elif history and name == "period":
            kind = str  # checked with the other periods of its history (``parse``): one pass, not one regex call each
        else:
            kind = _leaf(spec)
        fields.append((name, kind, msgspec.NODEFAULT) if spec.required else (name, kind | None, None))
    struct = msgspec.defstruct(f"{model.__name__}Mirror", fields, forbid_unknown_fields=True, omit_defaults=True,
                               kw_only=True, gc=False)  # never in a cycle: it holds only data
    return _Mirror(model, struct, tuple(f[0] for f in fields), tuple(groups), set(model.model_fields))


def _leaf(leaf: Leaf) -> Any:
    if leaf.kind == "enum":
        return typing.Literal[leaf.choices]
    if leaf.kind == "date":
        return date
    if leaf.kind == "int":
        return Annotated[int, msgspec.Meta(ge=leaf.low, le=leaf.high)]
    if leaf.pattern is None:
        return str
    # pydantic's $ ends the text; Python's also matches before a final newline
    pattern = leaf.pattern.removesuffix("$") + r"\Z"
    if leaf.refused is not None:  # what the pattern lets through but the model refuses: left to the model
        pattern = rf"^(?!(?:{leaf.refused})\Z)" + pattern.removeprefix("^")
        if leaf.plain is not None:  # tried first: the refused shape's long pattern only for what is not plain
            pattern = rf"^(?:(?:{leaf.plain})\Z|{pattern.removeprefix('^')})"
    return Annotated[str, msgspec.Meta(pattern=pattern)]


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


_new, _put = object.__new__, object.__setattr__
_MIRROR = _mirror(Member)
MemberMirror: type[msgspec.Struct] = _MIRROR.struct
"""The member contract as a msgspec struct: what the fast path validates a record with."""
encode = msgspec.json.Encoder().encode
"""A view as compact JSON (contract field order, nulls left out): the bytes the input sha256 is taken of."""


MemberView = msgspec.Struct
"""A validated record as the contract's mirror holds it: read by attribute exactly like a Member."""
Record = Member | MemberView


def as_member(record: Record) -> Member:
    """The Member model of a validated record (built, without validating again, from a view)."""
    return record if isinstance(record, Member) else _build(_MIRROR, record)

