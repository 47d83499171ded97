"""The input data contract: a member record as other services send it (design §3)."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, ValidationError

from bsu_rules.errors import InputError

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _month(value: Any) -> Any:
    if isinstance(value, str) and not _MONTH.match(value):
        raise ValueError(f"{value!r} is not a month (YYYY-MM)")
    return value


def _strict_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value) if len(value) == 10 else _bad_date(value)
        except ValueError:
            _bad_date(value)
    return value


def _bad_date(value: str) -> date:
    raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")


Month = Annotated[str, BeforeValidator(_month), Field(description="A month, YYYY-MM")]
Day = Annotated[date, BeforeValidator(_strict_date), Field(description="A date, YYYY-MM-DD")]
Rupiah = Annotated[StrictInt, Field(ge=0, description="Integer rupiah")]


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
    sector: Annotated[str, Field(pattern=r"^[A-U]$")] | None = Field(
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

    nik: Annotated[str, Field(pattern=r"^\d{16}$", description="16-digit NIK")]
    kpj: Annotated[str, Field(pattern=r"^\d{1,20}$")] | None = None
    name: str | None = None
    birth_date: Day | None = None
    citizenship: Citizenship
    participant_category: ParticipantCategory
    employment_type: EmploymentType | None = None
    work_regency_code: Annotated[str, Field(pattern=r"^\d{4}$")] | None = None
    employer: Employer | None = None
    registered_on: Day | None = None
    membership_ended_on: Day | None = None
    deceased_on: Day | None = None
    wages: list[WageReport] | None = None
    contributions: list[Contribution] | None = None
    program_receipts: list[ProgramReceipt] | None = None
    bank_account: BankAccount | None = None


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "(record)"


def _message(err: Any) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown field"
    if err["type"] == "missing":
        return "required field is missing"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] in ("string_pattern_mismatch", "int_type", "int_parsing", "enum", "literal_error"):
        return f"{err['input']!r}: {msg}"
    return msg


def parse_member(record: Any, *, ignore_unknown: bool = False) -> Member:
    """Validate one record (a dict or Member); raise InputError naming every bad field path."""
    if isinstance(record, Member):
        return record
    if not isinstance(record, dict):
        raise InputError([("(record)", f"expected an object, got {type(record).__name__}")])
    try:
        return Member.model_validate(record)
    except ValidationError as exc:
        problems = [
            (_path(tuple(e["loc"])), _message(e))
            for e in exc.errors()
            if not (ignore_unknown and e["type"] == "extra_forbidden")
        ]
        if not problems:
            known = {k: v for k, v in record.items() if k in Member.model_fields}
            return parse_member(known)
        raise InputError(problems) from None
