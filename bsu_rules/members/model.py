"""The member record as other services send it: strict pydantic models, the one source of the contract."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, NoReturn, Self, TypeVar, cast

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bsu_rules.members.decode import LONE_SURROGATE, lone_surrogate
from bsu_rules.members.redact import shown
from bsu_rules.regencies import REGENCIES

MONTH = re.compile(r"^([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])$")
"""A month, YYYY-MM, of a year a date can have (0001-9999; written for RE2 too: no look-ahead)."""
NOT_A_DAY = "is not a date (YYYY-MM-DD)"
"""What follows a value not written as a day (``not_a_day``): a test file offers the date meant."""
NOT_A_MONTH = "is not a month (YYYY-MM, years 0001-9999, months 01-12)"
"""What a text that is no month is, as every reader says it: "2022-13" has the form, but no such month."""
DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
INT64_MAX = 2**63 - 1
MAX_RUPIAH = 9_999_999_999
"""The largest amount a record may give (Rp9.999.999.999, ten digits): no monthly wage or contribution comes
near it, and a NIK, a KPJ or an account number pasted in an amount's place, which every explanation would
show, is refused instead."""


def check_month(value: Any) -> Any:
    if not isinstance(value, str) or not MONTH.fullmatch(value):
        raise ValueError(f"{shown(value)} {NOT_A_MONTH}")
    return value


def _strict_date(value: Any) -> Any:
    """Dates are ISO text (or a date from Python or Arrow), never numbers."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{shown(value)} {not_a_day(value)}")


def not_a_day(value: object) -> str:
    """Why a value is not a date, for a message after the value: not written YYYY-MM-DD (the date meant said
    where it is written day first), or written so but not in the calendar (``2022-02-30``: the form is right,
    the day is not)."""
    if isinstance(value, str) and (timed := TIMED.match(value)) and day_fault(timed.group(1)) is None:
        return f"is a date and a time: write the date alone, YYYY-MM-DD ({timed.group(1)})"
    if isinstance(value, str) and (meant := day_first(value)) is not None:
        return f"{NOT_A_DAY}: write {meant}, reading it as day/month/year"
    if not isinstance(value, str) or not DAY.fullmatch(value) or (fault := day_fault(value)) is None:
        return NOT_A_DAY
    kind, days = fault
    why = {"year": "there is no year 0000", "month": "months are 01 to 12", "zero": "days start at 01"}.get(kind) \
        or f"{_MONTH_NAMES[int(value[5:7]) - 1]} {value[:4]} has {days} days"
    return f"is not a date in the calendar ({why})"


DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
"""A date written day first, as it is in Indonesia (``05/02/2018``, ``17-08-1994``)."""


def day_first(value: str) -> str | None:
    """A date written day first (``DAY_FIRST``) as YYYY-MM-DD; None where it is not one, or no day of the calendar."""
    found = DAY_FIRST.fullmatch(value)
    if found is None:
        return None
    meant = f"{int(found[3]):04d}-{int(found[2]):02d}-{int(found[1]):02d}"
    return meant if day_fault(meant) is None else None


TIMED = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ][0-9]{2}:[0-9]{2}")
"""A date with its time of day (ISO 8601, as a database exports a timestamp): the date is the part before ``T``."""


def day_fault(value: str) -> tuple[str, int] | None:
    """What makes ``value``, written YYYY-MM-DD, no day of the calendar: ``year`` (0000), ``month``
    (not 01-12), ``zero`` (day 00) or ``days`` (past the month's end, with how many days it has); None
    for a day that is one."""
    year, month, day = map(int, value.split("-"))
    if not year or not 1 <= month <= 12 or not day:
        return ("year" if not year else "month" if not 1 <= month <= 12 else "zero"), 0
    days = calendar.monthrange(year, month)[1]
    return ("days", days) if day > days else None


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December")  # not the locale's: a message is the same on every machine


def digits(low: int, high: int | None = None) -> str:
    """The pattern of an identifier made of ASCII digits only (``\\d`` would match any script's digits)."""
    return f"^[0-9]{{{low}}}$" if high is None else f"^[0-9]{{{low},{high}}}$"


Month = Annotated[StrictStr, BeforeValidator(check_month),
                  Field(description="A month, YYYY-MM", json_schema_extra={"pattern": MONTH.pattern})]
REGENCY_CODES = tuple(f"{province}{code}" for province, codes in REGENCIES.items()
                      for code in ("00", *(code[2:] for code in codes)))
"""Every code ``REGENCY_CODE`` takes."""
REGENCY_CODE = "^(?:" + "|".join(f"{province}(?:00|{'|'.join(code[2:] for code in codes)})"
                                 for province, codes in REGENCIES.items()) + ")$"
"""A Kemendagri regency or city code (``3273``), or a province's code and ``00`` where only the province
is known (``3200``): a code that names no place (``3299``) would be read against the wrong minimum wage."""
RegencyCode = Annotated[StrictStr, Field(pattern=REGENCY_CODE, description=(
    "regency or city code of Kemendagri such as 3273, or a province's two digits and 00 such as 3200"))]
KPJ = r"^(?:[0-9]{1,20}|[0-9]{2}\*{5,7}[0-9]{2}|[0-9]{3}\*{6,9}[0-9]{3}|[0-9]{4}\*{8,12}[0-9]{4})$"
"""A KPJ is digits; a decision log keeps one of 10 digits or of 12 or more, or one that is the record's account
number (a NIK or an account number written in its place), masked as every output shows it (``mask_kpj``), and
replays it."""
ACCOUNT_NUMBER = r"^([^0-9*]*[0-9*][\s\S]*)?$"
"""An account number holds a digit 0-9 (however they are grouped) or a ``*`` where one was masked (a
decision log keeps ``********`` of a short one, and replays it), or is empty: none. A blank or a
dash is no account, and a record that says so is malformed rather than paid to it. (Written without
an empty alternative, which Python's ``re`` would let a lone newline match.)"""
PLAIN_NUMBER = "[0-9*]*"
"""An account number as most are written, digits only (or ``*`` where masked), or none: never a number a
spreadsheet rewrote (each of its forms has a sign, a letter or a space)."""
NOT_SHOWN = ((0x00, 0x20), (0x7F, 0xA0), (0xAD, 0xAD), (0x34F, 0x34F), (0x600, 0x605), (0x61C, 0x61C),
              (0x6DD, 0x6DD), (0x70F, 0x70F), (0x890, 0x891), (0x8E2, 0x8E2), (0x115F, 0x1160), (0x1680, 0x1680),
              (0x17B4, 0x17B5), (0x180B, 0x180F), (0x2000, 0x200F), (0x2028, 0x202F), (0x205F, 0x206F),
              (0x2800, 0x2800), (0x3000, 0x3000), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
              (0xFFA0, 0xFFA0), (0xFFF9, 0xFFFB))
"""Spaces of any kind and the characters of the Basic Multilingual Plane not shown (control and format
characters, fillers, variation selectors, the combining grapheme joiner, a blank braille cell): what may
stand around a number copied or exported with it. Written out (Arrow's ``\\s`` is ASCII only), and in the
BMP only (a JSON Schema's pattern is read without Unicode mode in some validators)."""
_AROUND = "[" + "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in NOT_SHOWN) + "]*"
_SPACES = " \u00a0\u2009\u202f"  # the spaces a spreadsheet groups digits by
_GROUPS = "[1-9*][0-9*]?[0-9*]?(?:{}[0-9*]{{3}})+{}0+"  # groups marked one way, then decimals the other
_CURRENCY = "(?:[Rr][Pp]|[Ii][Dd][Rr]|[Rr][Uu][Pp][Ii][Aa][Hh])\\.?"
_DIGITS = f"[0-9*](?:[0-9*.,{_SPACES}]*[0-9*])?"
_DASHED = f"[{_SPACES}]*[.,][{_SPACES}]?[-\u2013\u2014]+[.]?"  # ``…,-``, ``… .-``, ``…, --``: rupiah without cents
_AMOUNT = f"{_DIGITS}(?:{_DASHED}|[.,])?"
# an amount ends with a digit (or ``,-``, ``.``, ``,``), so no space is both its own and what stands around it:
# each character is tried a bounded number of times, never every split of a run of spaces (quadratic)
REWRITTEN_NUMBER = (f"{_AROUND}(?:{_CURRENCY}{_AROUND}{_AMOUNT}(?:{_AROUND}{_CURRENCY})?|{_AMOUNT}{_AROUND}{_CURRENCY}"
                    f"|{_DIGITS}{_DASHED}"
                    f"|[0-9*](?:[.,][0-9*]+)?[eE]\\+?[0-9*]+|[1-9*][0-9*]*[.,]0+|0[.,]0+"
                    f"|{_GROUPS.format(',', '[.]')}|{_GROUPS.format('[.]', ',')}"
                    f"|{_GROUPS.format(f'[{_SPACES}]', '[.,]')}){_AROUND}")
"""A number a spreadsheet rewrote: ``4.18201E+14`` (its digits past the sixth lost), in a currency format
(``Rp 418.201.004.566.507``, ``… IDR``, ``… rupiah``, ``…,-``, ``… , --``, ``Rp …,00 IDR``), or given
decimals: ``418201004566507.0``, ``0.00``,
``418,201,004,566,507.00``, ``418.201.004.566.507,0`` (groups and decimals marked as a locale marks them,
each by its own sign); masked as a decision log keeps it (``*.*****E+**``) too. A number it rewrote never
starts with 0 (``0012345678.00`` was text); two groups or more all marked alike (``123.456.000``,
``12.345.678.0``) are groups, not decimals."""


@dataclass(frozen=True)
class Refused:
    """What a value that fits its field's pattern is still refused as, by every reader (``shape``, whole).
    ``never``: a form most values take that fits the pattern and is never of that shape (a reader may
    accept it without trying the shape)."""

    shape: str
    never: str | None = None


def _not_rewritten(text: str) -> str:
    if re.fullmatch(REWRITTEN_NUMBER, text):
        raise PydanticCustomError("rewritten_number", "looks like a number a spreadsheet rewrote")
    return text


Day = Annotated[date, BeforeValidator(_strict_date), Field(description="A date, YYYY-MM-DD")]
Rupiah = Annotated[StrictInt, Field(ge=0, le=MAX_RUPIAH, description=(
    "Integer rupiah, written in digits only: 3400000, not 3400000.0, 3.4e6 or \"3400000\" (refused although "
    "JSON Schema's integer allows the first two); at most 9999999999, which no wage or contribution comes near "
    "(a NIK or an account number in its place is refused)"))]


class Order(NamedTuple):
    """Two dates of a record in the order life gives them: a record holding ``then`` before ``first``
    contradicts itself, and is refused at ``at`` (the one of the two the contract names)."""

    first: str
    then: str
    at: str
    reason: str


ORDERS = (
    Order("registered_on", "membership_ended_on", "membership_ended_on", "a membership cannot end before it begins"),
    Order("birth_date", "registered_on", "birth_date", "no one is registered before being born"),
    Order("birth_date", "deceased_on", "birth_date", "no one dies before being born"),
)
"""The contradictions between two fields of a record the contract refuses, the first found said."""


def out_of_order(record: object) -> tuple[Order, date, date] | None:
    """The first ``ORDERS`` a record (a ``Member``, or a view with its fields) breaks, with its two dates."""
    for later, earlier, order in _ORDERED:
        if (then := getattr(record, later)) is not None and (first := getattr(record, earlier)) is not None \
                and then < first:  # the later date first: an event date is most often none
            return order, first, then
    return None


_ORDERED = [(order.then, order.first, order) for order in ORDERS]


def order_message(order: Order, first: date, then: date) -> str:
    """The problem at ``order.at``, in the same words by every reader."""
    if order.at == order.then:
        return f"'{then.isoformat()}' is before {order.first}, '{first.isoformat()}': {order.reason}"
    return f"'{first.isoformat()}' is after {order.then}, '{then.isoformat()}': {order.reason}"


T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class Rows(list[T]):
    """A list of a validated record: read as any list, changed never (a decision reads its record
    after it is made; a record changed in place would be decided as one thing and traced as another)."""

    __slots__ = ("_made",)

    def __init__(self, rows: Iterable[T] = ()) -> None:
        if getattr(self, "_made", False):  # ``rows.__init__([])``: made once, never again
            self._refuse()
        super().__init__(rows)
        self._made = True

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("a validated record does not change: build a new one (parse_member, or "
                        "model_copy(update=...), which validates it)")

    append = extend = insert = pop = remove = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __reduce__(self) -> tuple[type[Rows[T]], tuple[list[T]]]:
        return Rows, (list(self),)  # copied and pickled whole, not item by item


if TYPE_CHECKING:  # read-only to a type checker: ``member.wages.append(...)`` is an error before it runs
    JsonList = Annotated[Sequence[T], Strict(), AfterValidator(Rows)]
else:  # what pydantic validates and describes (the JSON Schema's array): a list
    JsonList = Annotated[list[T], Strict(), AfterValidator(Rows)]
"""A list as JSON has it: a tuple, set, generator or dict view is refused (``expected a list, got set``),
not taken as one; kept as ``Rows``, which refuses changes (typed ``Sequence``, which has none)."""


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
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, use_enum_values=True,
                              hide_input_in_errors=True)  # a NIK or account number is never repeated

    def __setattr__(self, name: str, value: Any) -> NoReturn:  # pydantic's refusal repeats the value
        raise TypeError(f"a validated record does not change (`{name}`): build a new one (parse_member, or "
                        "model_copy(update=...), which validates it)")

    def __delattr__(self, name: str) -> NoReturn:
        raise TypeError(f"a validated record does not change (`{name}`): build a new one")


def _whole(text: str) -> str:
    """Free text every output can write: a lone UTF-16 surrogate (``"\\udc00"``) is no character."""
    if lone_surrogate(text) is not None:
        raise PydanticCustomError("lone_surrogate", LONE_SURROGATE)
    return text


Text = Annotated[StrictStr, AfterValidator(_whole)]
"""A free-text field (a name, a bank's name): any characters, but only characters."""


class Employer(_Strict):
    npp: Text | None = None
    name: Text | None = None
    sector: Annotated[StrictStr, Field(pattern=r"^[A-U]$", description="KBLI 2020 section letter A-U")] | None = Field(
        default=None, description="KBLI 2020 section letter A-U"
    )


class WageReport(_Strict):
    period: Month
    amount: Rupiah


class Contribution(_Strict):
    period: Month
    amount: Rupiah | None = None
    paid_on: Day | None = Field(default=None, description="null = billed and unpaid")


RECEIPT_YEARS = (2000, 2100)
"""The years a programme receipt can be for (a rule's year outside them matches no record)."""


class ProgramReceipt(_Strict):
    program: Program
    year: Annotated[StrictInt, Field(ge=RECEIPT_YEARS[0], le=RECEIPT_YEARS[1])]


class BankAccount(_Strict):
    bank: Text | None = None
    number: Annotated[StrictStr, Field(pattern=ACCOUNT_NUMBER, description=(
        "bank account number: its digits (spaces or dashes may group them; * where masked), or \"\" when there "
        "is none; not as a spreadsheet rewrites a long number (4.18201E+14, 418201004566507.0, "
        "Rp 418.201.004.566.507,-)"),
        json_schema_extra={"not": {"pattern": f"^{REWRITTEN_NUMBER}$"}}),
        Refused(REWRITTEN_NUMBER, never=PLAIN_NUMBER), AfterValidator(_not_rewritten)] | None = None
    holder_name: Text | None = None


EVENT_DATES = frozenset({"membership_ended_on", "deceased_on"})
"""The member's event dates: null means no such event is recorded, not unknown."""


class Member(_Strict):
    """One BPJS Ketenagakerjaan participant. Absent or null = unknown; an empty list = none.

    Exception: ``membership_ended_on`` and ``deceased_on`` are event dates; null means no such
    event is recorded (otherwise every living member would be undetermined).
    """

    nik: Annotated[StrictStr, Field(pattern=digits(16), description="16-digit NIK")]
    kpj: Annotated[StrictStr, Field(pattern=KPJ)] | None = None
    name: Text | None = None
    birth_date: Annotated[Day | None, Field(description=(
        "A date, YYYY-MM-DD: the day of birth; not after registered_on or deceased_on"))] = None
    citizenship: Citizenship
    participant_category: ParticipantCategory
    employment_type: EmploymentType | None = None
    work_regency_code: RegencyCode | None = None
    employer: Employer | None = None
    registered_on: Day | None = None
    membership_ended_on: Annotated[Day | None, Field(description=(
        "A date, YYYY-MM-DD: the day the membership ended (null: it has not); not before registered_on"))] = None
    deceased_on: Day | None = None
    wages: JsonList[WageReport] | None = None
    contributions: JsonList[Contribution] | None = None
    program_receipts: JsonList[ProgramReceipt] | None = None
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
        return Rows(kept)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        """A membership recorded as ended before it was registered, a member born after being registered
        or after dying: the record contradicts itself, and no decision on it would rest on the record."""
        if (found := out_of_order(self)) is not None:
            raise PydanticCustomError("contradiction", "{path}: {message}", {
                "path": found[0].at, "message": order_message(*found)})
        return self

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with ``update``, a new record validated as ``parse_member`` validates one
        (InputError naming each bad field), where pydantic would take the new values unchecked."""
        if not update:
            return super().model_copy(deep=deep)
        data = {**self.model_dump(), **{name: _plain(value) for name, value in update.items()}}
        return cast(Self, validate(data))


validate: Callable[[dict[str, Any]], Member] = lambda data: Member.model_validate(data)
"""How ``model_copy`` validates a changed record: ``members.parse`` (which reads this module) puts
``parse_member`` here, for the contract's messages."""


def _plain(value: Any) -> Any:
    """A value given to ``model_copy`` as a record's data: models as dicts, lists item by item."""
    if isinstance(value, BaseModel):
        return value.model_dump()
    return [_plain(v) for v in value] if isinstance(value, list) else value


def replaced(model: M, **changes: Any) -> M:
    """``model`` with ``changes``, not validated again: the engine's own hypothetical records, made
    from a valid one (a counterfactual's wage, a contribution paid)."""
    return BaseModel.model_copy(model, update=changes)


