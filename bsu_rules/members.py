"""The input data contract: a member record as other services send it."""

from __future__ import annotations

import hashlib
import operator
import re
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum, StrEnum
from functools import cache, lru_cache
from typing import Annotated, Any, NamedTuple

import msgspec
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from bsu_rules.errors import InputError

_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
INT64_MAX = 2**63 - 1


_IDENTIFIER = re.compile(r"[0-9]{10,}")  # a NIK or an account number, wherever it was put


def _mask(text: str) -> str:
    """Text for a message with every long run of digits (a NIK in the wrong column) left out."""
    return _IDENTIFIER.sub(lambda m: f"<{len(m.group())} digits>", text)


def _show(value: Any) -> str:
    return _mask(repr(value)[:40]) if isinstance(value, str) else type(value).__name__


def _month(value: Any) -> Any:
    if not isinstance(value, str) or not _MONTH.fullmatch(value):
        raise ValueError(f"{_show(value)} is not a month (YYYY-MM)")
    return value


def _strict_date(value: Any) -> Any:
    """Dates are ISO text (or a date from Python or Arrow), never numbers."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{_show(value)} is not a date (YYYY-MM-DD)")


def digits(low: int, high: int | None = None) -> str:
    """The pattern of an identifier made of ASCII digits only (``\\d`` would match any script's digits)."""
    return f"^[0-9]{{{low}}}$" if high is None else f"^[0-9]{{{low},{high}}}$"


Month = Annotated[str, BeforeValidator(_month), Field(description="A month, YYYY-MM")]
Day = Annotated[date, BeforeValidator(_strict_date), Field(description="A date, YYYY-MM-DD")]
Rupiah = Annotated[StrictInt, Field(ge=0, le=INT64_MAX, description="Integer rupiah")]


SECRET = ("nik", "bank_account.number")
"""Fields whose value no message ever shows (a NIK is shown only masked)."""
PERIODIC = ("wages", "contributions")
"""Histories with one row per ``period``: an exact repeat counts once, a different repeat is an error."""


def duplicate_message(name: str, period: str, first: int) -> str:
    return f"{period} is repeated with other values (first at {name}[{first}])"


class Citizenship(StrEnum):
    WNI = "WNI"
    WNA = "WNA"


class ParticipantCategory(StrEnum):
    PU = "PU"
    BPU = "BPU"
    JAKON = "JAKON"
    PMI = "PMI"


class EmploymentType(StrEnum):
    PRIVATE = "private"
    STATE_ENTERPRISE = "state_enterprise"
    GOVERNMENT_HONORARY = "government_honorary"
    PNS = "pns"
    PPPK = "pppk"
    TNI = "tni"
    POLRI = "polri"


class Program(StrEnum):
    PKH = "PKH"
    PRAKERJA = "PRAKERJA"
    BPUM = "BPUM"
    BSU = "BSU"
    BSU_TEACHER = "BSU_TEACHER"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, use_enum_values=True)


class Employer(_Strict):
    npp: str | None = None
    name: str | None = None
    sector: Annotated[str, Field(pattern=r"^[A-U]$", description="KBLI 2020 section letter A-U")] | None = Field(
        default=None, description="KBLI 2020 section letter A-U"
    )


class WageReport(_Strict):
    period: Month
    amount: Rupiah


class Contribution(_Strict):
    period: Month
    amount: Rupiah | None = None
    paid_on: Day | None = Field(default=None, description="null = billed and unpaid")


class ProgramReceipt(_Strict):
    program: Program
    year: Annotated[StrictInt, Field(ge=2000, le=2100)]


class BankAccount(_Strict):
    bank: str | None = None
    number: str | None = None
    holder_name: str | None = None


class Member(_Strict):
    """One BPJS Ketenagakerjaan participant. Absent or null = unknown; an empty list = none.

    Exception: ``membership_ended_on`` and ``deceased_on`` are event dates; null means no such
    event is recorded (otherwise every living member would be undetermined).
    """

    nik: Annotated[str, Field(pattern=digits(16), description="16-digit NIK")]
    kpj: Annotated[str, Field(pattern=digits(1, 20))] | None = None
    name: str | None = None
    birth_date: Day | None = None
    citizenship: Citizenship
    participant_category: ParticipantCategory
    employment_type: EmploymentType | None = None
    work_regency_code: Annotated[str, Field(pattern=digits(4))] | None = None
    employer: Employer | None = None
    registered_on: Day | None = None
    membership_ended_on: Day | None = None
    deceased_on: Day | None = None
    wages: list[WageReport] | None = None
    contributions: list[Contribution] | None = None
    program_receipts: list[ProgramReceipt] | None = None
    bank_account: BankAccount | None = None

    @field_validator(*PERIODIC)
    @classmethod
    def _one_row_per_period(cls, rows: list[Any] | None, info: ValidationInfo) -> list[Any] | None:
        """An exact repeat of a row counts once; two different rows for one period are an error."""
        if not rows:
            return rows
        seen: dict[str, tuple[int, Any]] = {}
        kept = []
        for i, row in enumerate(rows):
            first = seen.setdefault(row.period, (i, row))
            if first[0] == i:
                kept.append(row)
            elif first[1] != row:
                name = str(info.field_name)
                raise PydanticCustomError("duplicate_period", "{path}: {message}", {
                    "path": f"{name}[{i}].period",
                    "message": duplicate_message(name, row.period, first[0])})
        return kept


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{_mask(part)}" if out else _mask(part)
    return out or "(record)"


def _message(err: Any, path: str) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown field"
    if err["type"] == "missing":
        return "required field is missing"
    if err["type"] == "duplicate_period":
        return str(err["ctx"]["message"])
    if path in SECRET:  # never echo a NIK or an account number: say what is wrong with it
        text = err["input"]
        if not isinstance(text, str):
            return f"expected text, got {type(text).__name__}"
        return f"has {len(text)} characters, not 16" if len(text) != 16 else "has a character that is not a digit 0-9"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] in ("string_pattern_mismatch", "int_type", "int_parsing", "enum", "literal_error"):
        return f"{_show(err['input']) if isinstance(err['input'], str) else _mask(repr(err['input'])[:40])}: {msg}"
    return msg


def _order(model: type[BaseModel]) -> dict[str, int]:
    return {name: i for i, name in enumerate(model.model_fields)}


# --- the contract as data: what the Arrow schema and the batch checks are derived from ------------

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
    if _month in checks:
        return Leaf("month", required, pattern=_MONTH.pattern, description=description)
    return Leaf("text", required, pattern=pattern, description=description)


_ITEM_MODELS = {name: spec.model for name, spec in contract().items() if isinstance(spec, Group)}


def path_order(path: str) -> tuple[int, ...]:
    """A sort key putting field paths in the contract's declaration order (``wages[3].period``):
    both evaluators list a record's problems in this order, so the first one named is the same."""
    if path == "(record)":
        return (-1,)
    top, _, rest = path.partition(".") if "[" not in path.split(".")[0] else path.partition("[")
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


def decision_date(on: object) -> date | None:
    """A decision date given as a date or ``YYYY-MM-DD`` text; InputError for anything else."""
    if on is None or (isinstance(on, date) and not isinstance(on, datetime)):
        return on
    day = _iso_day(on) if isinstance(on, str) else None
    if day is not None:
        return day
    shown = repr(on)[:40] if isinstance(on, str) else type(on).__name__
    raise InputError([("on", f"{shown} is not a date (YYYY-MM-DD)")])


@lru_cache(maxsize=256)  # a caller asks about few dates, again and again
def _iso_day(text: str) -> date | None:
    if _DAY.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    return None


# --- the fast path: the contract mirrored as msgspec structs ---------------------------------------
# Derived from ``contract()``, so pydantic stays the one source. A record the mirror accepts is a
# record the model accepts, with the same values (a property test holds it); anything else, and any
# repeated period, goes through the model, which names the problem.

@dataclass(frozen=True)
class _Mirror:
    model: type[BaseModel]
    struct: type[msgspec.Struct]
    names: tuple[str, ...]
    groups: tuple[tuple[str, _Mirror, bool], ...]  # nested objects: name, their mirror, a list of them
    fields_set: set[str]


def _mirror(model: type[BaseModel]) -> _Mirror:
    fields: list[tuple[str, Any, Any]] = []
    groups: list[tuple[str, _Mirror, bool]] = []
    for name, spec in contract(model).items():
        if isinstance(spec, Group):
            inner = _mirror(spec.model)
            kind: Any = list[inner.struct] if spec.many else inner.struct  # type: ignore[name-defined]
            groups.append((name, inner, spec.many))
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
    # a month is checked with Python's re (``_month``); other patterns by pydantic, whose $ ends the text
    pattern = leaf.pattern.removesuffix("$") + r"\Z"  # Python's $ also matches before a final newline
    return Annotated[str, msgspec.Meta(pattern=pattern)]


def _build(mirror: _Mirror, value: msgspec.Struct) -> Any:
    """The model instance holding the struct's values (already validated: no second validation)."""
    data = dict(zip(mirror.names, msgspec.structs.astuple(value), strict=True))
    for name, inner, many in mirror.groups:
        v = data[name]
        if v is not None:
            data[name] = [_build(inner, x) for x in v] if many else _build(inner, v)
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
_ENCODE = msgspec.json.Encoder().encode


MemberView = msgspec.Struct
"""A validated record as the contract's mirror holds it: read by attribute exactly like a Member."""
Record = Member | MemberView


def as_member(record: Record) -> Member:
    """The Member model of a validated record (built, without validating again, from a view)."""
    return record if isinstance(record, Member) else _build(_MIRROR, record)


class Parsed(NamedTuple):
    """A validated record (a view when the fast path took it) and the sha256 of its canonical JSON,
    when the fast path computed it."""

    record: Record
    input_sha256: str | None

    @property
    def member(self) -> Member:
        return as_member(self.record)


def _fast(record: Any, hashed: bool = True) -> Parsed | None:
    """The record through the mirror, or None: the model must decide (and name what is wrong)."""
    if type(record) is not dict:
        return None
    try:
        struct = msgspec.convert(record, MemberMirror)
    except msgspec.ValidationError:
        return None
    try:
        encoded = _ENCODE(struct)
    except UnicodeEncodeError:
        raise InputError([("(record)", "text with a lone UTF-16 surrogate (not a character)")]) from None
    return _hashed(struct, encoded if hashed else None)


def _hashed(struct: Any, encoded: bytes | None) -> Parsed | None:
    for get in _HISTORIES:
        rows = get(struct)
        if rows and len(set(map(_PERIOD, rows))) < len(rows):
            return None  # an exact repeat counts once, another is an error: the model's validator says which
    return _tuple(Parsed, (struct, None if encoded is None else _sha256(encoded).hexdigest()))  # Parsed(...)


_HISTORIES = [operator.attrgetter(name) for name in PERIODIC]
_PERIOD = operator.attrgetter("period")
_sha256 = hashlib.sha256
_tuple = tuple.__new__


_DECODE = msgspec.json.Decoder(MemberMirror).decode


def parse_line(line: bytes) -> Parsed | None:
    """A JSON record (a JSONL line) decoded straight into the contract's mirror, in one parse; None
    when it is not a plain valid record: ``decode_json`` and ``parse_record`` then say what is wrong.

    The mirror takes only what they take, with the same values: invalid UTF-8, lone surrogates,
    ``NaN``, floats and out-of-range integers fail to decode; a repeated key keeps its last value
    (each one must be valid); a repeated period is left to the model.
    """
    try:
        struct = _DECODE(line)
    except msgspec.DecodeError:  # also a ValidationError
        return None
    return _hashed(struct, _ENCODE(struct))


def parse_record(record: Any, *, hashed: bool = True) -> Parsed:
    """``parse_member``, with the sha256 of the record's canonical JSON when it comes free (and
    ``hashed``: otherwise whoever needs it computes it, ``record_hash``)."""
    return _fast(record, hashed) or Parsed(_validate(record), None)


def record_hash(record: Record) -> str:
    """sha256 of a validated record as compact JSON (contract field order, nulls left out)."""
    if isinstance(record, msgspec.Struct):
        return _sha256(_ENCODE(record)).hexdigest()
    return _sha256(record.model_dump_json(exclude_none=True).encode("utf-8")).hexdigest()


def parse_member(record: Any, *, ignore_unknown: bool = False) -> Member:
    """Validate one record (a dict or Member); raise InputError naming every bad field path."""
    fast = None if ignore_unknown else _fast(record)
    return fast.member if fast is not None else _validate(record, ignore_unknown)


def _validate(record: Any, ignore_unknown: bool = False) -> Member:
    """The model's validation, and its problems in the contract's words."""
    if isinstance(record, Member):
        return record
    if not isinstance(record, dict):
        raise InputError([("(record)", f"expected an object, got {type(record).__name__}")])
    try:
        return Member.model_validate(record)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            if ignore_unknown and e["type"] == "extra_forbidden":
                continue
            path = e["ctx"]["path"] if e["type"] == "duplicate_period" else _path(tuple(e["loc"]))
            problems.append((path, _message(e, path)))
        if not problems:
            known = {k: v for k, v in record.items() if k in Member.model_fields}
            return _validate(known)
        raise InputError(sorted(problems, key=lambda p: path_order(p[0]))) from None
