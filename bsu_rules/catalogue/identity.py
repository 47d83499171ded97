"""The NIK: ``nik_valid`` and ``nik_issue``, the structural checks of ``bsu_rules.nik`` (and the
birth date the NIK writes) as catalogue functions."""

from __future__ import annotations

import operator
from datetime import date
from functools import reduce
from typing import TYPE_CHECKING

from bsu_rules import nik
from bsu_rules.catalogue.definition import (
    LEFT_OUT,
    Abstraction,
    Columnar,
    Function,
    LeftOut,
    Realized,
    Record,
    follows,
)
from bsu_rules.catalogue.optional import cf, pl
from bsu_rules.ruleset.types import BOOL, DATE, STR, Type

if TYPE_CHECKING:
    from bsu_rules.evaluators.columnar_functions import Val
    from bsu_rules.prove.inputs import AbstractCall

__all__ = ["DEFINITIONS", "nik_issue"]

_VALID_NIK_HEAD, _INVALID_NIK = "320412", "0000000000000000"


def nik_issue(number: str | None, birth_date: date | LeftOut | None = LEFT_OUT) -> str | None:
    """The first structural problem of a NIK, "" if none (``bsu_rules.nik.nik_issue``); unknown
    when the NIK or a birth date given is unknown."""
    if number is None or birth_date is None:
        return None
    issue = nik.nik_issue(number, None if birth_date is LEFT_OUT else birth_date)
    return "" if issue is None else str(issue)


# --- columnar -----------------------------------------------------------------------------


def _nik_parts(number: pl.Expr) -> tuple[pl.Expr, list[tuple[pl.Expr, str]], pl.Expr]:
    """The checks of ``nik.nik_issue`` in its order, as (holds, issue) pairs, read from the NIK as
    one integer (valid only where the NIK is 16 ASCII digits), and its DDMMYY part."""
    whole = number.cast(pl.Int64, strict=False)
    dob = whole // 10**4 % 10**6
    day, month, yy = dob // 10**4, dob // 100 % 100, dob % 100
    days = pl.when(month == 2).then(pl.when(yy % 4 == 0).then(29).otherwise(28)) \
        .when(month.is_in([4, 6, 9, 11])).then(30).otherwise(31)  # ``nik.days_in_month``
    checks = [
        ((whole // 10**14).is_in(pl.Series(sorted(int(p) for p in nik.PROVINCES), dtype=pl.Int64).implode()),
         "province"),
        (whole // 10**12 % 100 != 0, "regency"),
        (day.is_between(1, 31) | day.is_between(41, 71), "day"),
        (month.is_between(1, 12), "month"),
        (pl.when(day > 40).then(day - 40).otherwise(day) <= days, "date"),
        (whole % 10**4 != 0, "serial"),
    ]
    return number.str.contains(r"^[0-9]{16}$"), checks, dob


def _birth_matches(birth: pl.Expr, dob: pl.Expr) -> pl.Expr:
    """Whether the NIK's DDMMYY (women: day + 40) is the birth date."""
    own = pl.when(dob >= 410000).then(dob - 400000).otherwise(dob)
    return own == birth.dt.day().cast(pl.Int64) * 10**4 + birth.dt.month().cast(pl.Int64) * 100 \
        + birth.dt.year().cast(pl.Int64) % 100


def nik_issue_expr(number: pl.Expr, birth: pl.Expr | None) -> pl.Expr:
    """``nik.nik_issue`` per row: the first structural problem, "" when none (null NIK: null)."""
    digits, checks, dob = _nik_parts(number)
    chain = pl.when(number.is_null()).then(pl.lit(None, pl.String)).when(~digits).then(pl.lit("not-16-digits"))
    for holds, issue in checks:
        chain = chain.when(~holds).then(pl.lit(issue))
    if birth is not None:
        chain = chain.when(birth.is_not_null() & ~_birth_matches(birth, dob)) \
            .then(pl.lit("birth-date-mismatch"))
    return chain.otherwise(pl.lit(""))


def _nik_args(args: list[Val]) -> tuple[pl.Expr, pl.Expr | None]:
    number = cf.typed(args[0])[0]
    birth = cf.typed(args[1])[0] if len(args) > 1 and not (args[1].is_const and args[1].const is None) else None
    return number, birth


def _nik_issue_columnar(t: Type, args: list[Val]) -> Val:
    if any(a.is_const and a.const is None for a in args):
        return cf.Val(t, const=None)  # strict
    number, birth = _nik_args(args)
    expr = nik_issue_expr(number, birth)
    if birth is not None and not args[1].is_const:
        expr = pl.when(birth.is_null()).then(pl.lit(None, pl.String)).otherwise(expr)
    return cf.Val(t, expr=expr, dtype=pl.String())


def _nik_valid_columnar(t: Type, args: list[Val]) -> Val:
    if args[0].is_const and args[0].const is None:
        return cf.Val(t, const=None)
    number, birth = _nik_args(args)  # an unknown birth date: the structure alone is checked
    whole = number.cast(pl.Int64, strict=False)
    dob = whole // 10**4 % 10**6  # DDMMYY (floored: never negative)
    ddmm = dob // 100
    days = [False] * 10**4  # DDMM of a day the month has in some year (29 February: in years ``yy % 4 == 0``)
    for month in range(1, 13):
        for day in range(1, nik.days_in_month(month, 0) + 1):
            days[day * 100 + month] = days[(day + 40) * 100 + month] = True
    provinces = pl.Series(sorted(int(p) for p in nik.PROVINCES), dtype=pl.Int64).implode()
    valid = reduce(operator.and_, [  # ``_nik_parts``'s checks at once: the day, month and date by one lookup
        number.str.len_bytes() == 16,  # and a province (11-96) as its first digits: 16 ASCII digits
        (whole // 10**14).is_in(provinces),
        whole // 10**12 % 100 != 0,
        pl.lit(pl.Series(days, dtype=pl.Boolean)).gather(ddmm),
        (ddmm % 4000 != 2902) | (dob % 4 == 0),
        whole % 10**4 != 0,
    ])
    if birth is not None:
        valid = valid & (birth.is_null() | _birth_matches(birth, dob))
    return cf.Val(t, expr=pl.when(number.is_not_null()).then(valid.fill_null(False)), dtype=pl.Boolean())


# --- proofs -------------------------------------------------------------------------------


def _realize_nik_valid(rec: Record, call: AbstractCall, value: Realized,
                       others: list[tuple[AbstractCall, Realized]]) -> None:
    if not value[0]:
        return
    born = rec.get("birth_date") or date(1990, 1, 1)
    rec["nik"] = f"{_VALID_NIK_HEAD}{born:%d%m%y}0001" if value[1] else _INVALID_NIK


DEFINITIONS = [
    Function("nik_valid", ((STR,), (DATE,)), BOOL,
             "Whether a NIK is structurally valid (and matches the birth date, when known).",
             "nik_valid(member.nik, member.birth_date)", scalar=nik.nik_valid, columnar=Columnar(_nik_valid_columnar),
             inversion=None, smt=Abstraction(("nik", "birth_date"), _realize_nik_valid),
             optional=1, strict=False, unknown_from=(0,)),
    Function("nik_issue", ((STR,), (DATE,)), STR,
             'The first structural problem of a NIK (`province`, `day`, …), or `""` if none.',
             "nik_issue(member.nik, member.birth_date)", scalar=nik_issue, columnar=Columnar(_nik_issue_columnar),
             inversion=None, optional=1,
             smt=Abstraction(("nik", "birth_date"), follows,
                             ('(result == "") == nik_valid(nik, birth_date)',))),
]
