"""The fact catalogue: pure, typed helpers that rule files call.

Conventions: ``None`` means UNKNOWN, and a function whose required input is unknown returns
``None``. Months are ``"YYYY-MM"`` strings. Money is int rupiah or ``Decimal``, never float.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction

from dateutil.relativedelta import relativedelta

from bsu_rules.members import Contribution, ProgramReceipt, WageReport

__all__ = [
    "add_months",
    "arrears_start",
    "arrears_streak",
    "bank_key",
    "contribution_billed",
    "last_wage",
    "month_end",
    "month_of",
    "month_start",
    "province",
    "received",
    "round_up",
]

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
SPACE = "[ \t\n\r\f\v\u00a0]+"
"""What separates the words of a bank name (the same pattern serves the columnar evaluator)."""
BANK_PUNCTUATION = r"[.,()]"
"""Punctuation a bank name may carry that is no part of its name."""
BANK_FORM_WORDS = frozenset({"BANK", "PT", "PERSERO", "TBK"})
"""Words of a bank's legal form, dropped from its key."""


# --- months -------------------------------------------------------------------------------


def month_start(month: str) -> date:
    """First day of ``month`` ("YYYY-MM"); ValueError if it is not a month."""
    match = _MONTH.match(month)
    if match is None:
        raise ValueError(f"{month!r} is not a month (YYYY-MM)")
    return date(int(match.group(1)), int(match.group(2)), 1)


def month_end(month: str) -> date:
    """Last day of ``month`` ("YYYY-MM")."""
    return month_start(month) + relativedelta(months=1, days=-1)


def add_months(month: str, n: int) -> str:
    """The month ``n`` months after ``month`` (``n`` may be negative)."""
    return month_of(month_start(month) + relativedelta(months=n))


def month_of(day: date) -> str:
    """The month ("YYYY-MM") that contains ``day``."""
    return f"{day.year:04d}-{day.month:02d}"


# --- wages and contributions ----------------------------------------------------------------


def last_wage(wages: Sequence[WageReport] | None, month: str | None) -> int | None:
    """Amount of the latest wage report with period <= ``month`` (ties: last in list order).

    None if wages or month is unknown, or no report is at or before ``month``."""
    if wages is None or month is None:
        return None
    latest: WageReport | None = None
    for report in wages:
        if report.period <= month and (
            latest is None or report.period >= latest.period
        ):
            latest = report
    return None if latest is None else latest.amount


def contribution_billed(
    contributions: Sequence[Contribution] | None, month: str | None
) -> bool | None:
    """Whether a contribution was billed for ``month`` (any row has that period)."""
    if contributions is None or month is None:
        return None
    return any(row.period == month for row in contributions)


def arrears_streak(
    contributions: Sequence[Contribution] | None,
    month: str | None,
    as_of: date | None,
    due_day: int | None,
) -> int | None:
    """Consecutive billed months in arrears at ``as_of``, counted back from the latest month at or
    before ``month`` whose payment deadline (day ``due_day`` of the next month) has passed.

    A month is in arrears when it was billed, is unpaid at ``as_of`` (a payment made after
    ``as_of`` does not count) and its deadline is before ``as_of``; a month still within its
    payment window is not in arrears. 0 when that latest month is paid or not billed."""
    if contributions is None or month is None or as_of is None or due_day is None:
        return None
    paid: dict[str, bool] = {}
    for row in contributions:
        paid_in_time = row.paid_on is not None and row.paid_on <= as_of
        paid[row.period] = paid.get(row.period, False) or paid_in_time
    streak = 0
    current = arrears_start(month, as_of, due_day)
    while current in paid and not paid[current]:
        streak += 1
        current = add_months(current, -1)
    return streak


def arrears_start(month: str, as_of: date, due_day: int) -> str:
    """The latest month at or before ``month`` whose contribution was due before ``as_of``.

    A month's contribution is due on day ``due_day`` of the next month (the last day of that
    month when it is shorter); ValueError unless 1 <= due_day <= 31."""
    if not 1 <= due_day <= 31:
        raise ValueError(f"a due day is 1-31, got {due_day}")
    current = as_of.year * 12 + as_of.month - 1  # month index of as_of
    last_day = month_end(month_of(as_of)).day
    latest = current - 1 if min(due_day, last_day) < as_of.day else current - 2
    return min(month, f"{latest // 12:04d}-{latest % 12 + 1:02d}")


# --- programmes, places, money --------------------------------------------------------------


def received(
    receipts: Sequence[ProgramReceipt] | None,
    programs: Sequence[str] | None,
    year: int | None = None,
) -> bool | None:
    """Whether any receipt is for one of ``programs`` (and, if ``year`` is given, in that year)."""
    if receipts is None or programs is None:
        return None
    wanted = {str(p) for p in programs}
    return any(
        str(r.program) in wanted and (year is None or r.year == year) for r in receipts
    )


def province(regency_code: str | None) -> str | None:
    """Province code (first two digits) of a Kemendagri regency code such as "3215"."""
    if regency_code is None:
        return None
    return regency_code[:2]


def bank_key(name: str | None) -> str | None:
    """A bank name as the bank table keys it: upper case, ``. , ( )`` read as spaces, single
    spaces, the words of the legal form ("BANK", "PT", "PERSERO", "TBK") dropped.

    "Bank  bri " -> "BRI", "PT. Bank Rakyat Indonesia (Persero), Tbk" -> "RAKYAT INDONESIA"; any
    other text keeps its words, so an unknown bank stays recognisable."""
    if name is None:
        return None
    words = re.split(SPACE, re.sub(BANK_PUNCTUATION, " ", name.upper()))
    return " ".join(w for w in words if w and w not in BANK_FORM_WORDS)


def round_up(amount: int | Decimal | None, step: int | None) -> int | None:
    """Smallest multiple of ``step`` that is >= ``amount``, computed exactly.

    E.g. Decimal("4416186.548"), 100000 -> 4500000. ValueError if step <= 0."""
    if step is not None and step <= 0:
        raise ValueError(f"step must be positive, got {step}")
    if amount is None or step is None:
        return None
    if isinstance(amount, float):
        raise TypeError("money must be int or Decimal, never float")
    return math.ceil(Fraction(amount) / step) * step
