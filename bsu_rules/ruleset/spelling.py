"""How a number, month or date written in another form was probably meant, for suggestions.

Rule files write amounts with digits only (``3500000``), months as ``YYYY-MM`` and dates as
``YYYY-MM-DD``; people also write ``Rp3.500.000``, ``2022-7``, ``5 September 2022`` and
``05/09/2022`` (day first, as in Indonesia). Each function gives the canonical form, or None
when the text is not such a value or could be read more than one way.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import Decimal
from typing import Any

GROUPED_IN_THREES = re.compile(r"[0-9]{1,3}(?:_[0-9]{3})*")
"""Digits grouped with `_` in threes (``3_500_000``): a grouping that leaves no digit in doubt."""

GROUPED = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+|[0-9]{1,3}(,[0-9]{3})+")
"""A number written with thousands separators (``3.500.000``, ``3,500,000``): a mistyped number."""
_SPACED = re.compile(r"[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+")
"""A number with its thousands separated by spaces (``4 000 000``, a no-break space too)."""
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_RUPIAH = re.compile(r"(?:Rp\.?|IDR)\s*", re.IGNORECASE)
_MONTHS = {name: n for n, names in enumerate((
    ("januari", "january", "jan"), ("februari", "february", "feb", "pebruari"), ("maret", "march", "mar"),
    ("april", "apr"), ("mei", "may"), ("juni", "june", "jun"), ("juli", "july", "jul"),
    ("agustus", "august", "aug", "agu", "agt"), ("september", "sep", "sept"),
    ("oktober", "october", "oct", "okt"), ("november", "nov", "nop", "nopember"),
    ("desember", "december", "dec", "des")), start=1) for name in names}
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")  # 20220905: YAML reads it as a number
_NUMERIC_DATE = re.compile(r"(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})")
_WORDY_DATE = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})|([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")
_NUMERIC_MONTH = re.compile(r"(\d{4})[-/](\d{1,2})|(\d{1,2})[-/](\d{4})")  # not `.`: 2022.1 may be a version
_WORDY_MONTH = re.compile(r"([A-Za-z]+)\.?,?\s+(\d{4})")


def digits_only(text: str) -> str | None:
    """``3500000`` for ``3.500.000``, ``3,500,000``, ``3 500 000``, ``Rp3.500.000``, ``Rp3.500.000,00`` or
    ``3,500,000.0``; None for anything else."""
    bare = _RUPIAH.sub("", text.strip(), count=1).strip() if _RUPIAH.match(text.strip()) else text.strip()
    if (cents := _NO_CENTS.fullmatch(bare)) and GROUPED.fullmatch(cents[1]) and cents[2] not in cents[1]:
        bare = cents[1]  # no cents: 3.500.000,00 is 3500000
    if GROUPED.fullmatch(bare) or _SPACED.fullmatch(bare):
        return re.sub(r"[.,\s]", "", bare)
    return bare if bare != text.strip() and bare.isdigit() else None


_NO_CENTS = re.compile(r"(.+)([.,])0{1,2}")
_SPACED_AMOUNT = re.compile(rf"({_SPACED.pattern})(?:[.,]([0-9]{{1,2}}))?")


_SCALES = {"ribu": 3, "rb": 3, "thousand": 3, "juta": 6, "jt": 6, "million": 6, "miliar": 9, "milyar": 9,
           "billion": 9}
_IN_WORDS = re.compile(r"([0-9]+(?:[.,][0-9]{1,2})?)\s*([a-z]+)\.?", re.IGNORECASE)


def amount_in_words(text: str) -> str | None:
    """``3500000`` for ``3,5 juta``, ``Rp 3.5 jt``, ``3.500.000 rupiah`` (and what :func:`digits_only`
    reads); None for anything else, or an amount that is not whole rupiah."""
    bare = re.sub(r"\s*rupiah$", "", text.strip(), flags=re.IGNORECASE)
    bare = _RUPIAH.sub("", bare, count=1) if _RUPIAH.match(bare) else bare
    found = _IN_WORDS.fullmatch(bare)
    if found is None or found[2].lower() not in _SCALES:
        return digits_only(bare) or (bare if bare.isascii() and bare.isdigit() and bare != text.strip() else None)
    amount = Decimal(found[1].replace(",", ".")).scaleb(_SCALES[found[2].lower()])
    return str(int(amount)) if amount == amount.to_integral_value() else None


def table_amount(text: str) -> str | None:
    """A rupiah amount as a table writes it (digits, ``.`` before decimals) for ``Rp4641854``,
    ``IDR 4641854``, ``4641854,-``, ``4.641.854 rupiah`` or ``Rp3.742.276,48``; None for anything else."""
    bare = re.sub(r"\s*(?:rupiah|,-)$", "", text.strip(), flags=re.IGNORECASE)
    bare = _RUPIAH.sub("", bare, count=1).strip() if _RUPIAH.match(bare) else bare
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", bare):
        return bare if bare != text.strip() else None
    if spaced := _SPACED_AMOUNT.fullmatch(bare):  # 3 272 668: a space between thousands
        return re.sub(r"\s", "", spaced[1]) + (f".{spaced[2]}" if spaced[2] else "")
    return plain_number(bare)


_SEPARATED_DECIMAL = re.compile(r"(-?[0-9.,]+?)(?:([.,])([0-9]{1,2}))?")


def plain_number(text: str) -> str | None:
    """A decimal number written with separators, as a table writes it (``3.742.276,48`` and
    ``3,742,276.48``: ``3742276.48``; ``3.500.000``: ``3500000``; ``3742276,48``: ``3742276.48``);
    None if it is not one."""
    if re.fullmatch(r"-?[0-9]+,[0-9]{1,2}", text):  # a decimal comma alone
        return text.replace(",", ".")
    found = _SEPARATED_DECIMAL.fullmatch(text)
    if found is None:
        return None
    whole, mark, cents = found.groups()
    if GROUPED.fullmatch(whole.lstrip("-")) and (mark is None or mark not in whole):
        return re.sub("[.,]", "", whole) + (f".{cents}" if cents else "")
    return None


def as_month(text: str) -> str | None:
    """``2022-07`` for ``2022-7``, ``2022/07``, ``07/2022`` or ``Juli 2022``; None otherwise."""
    text = text.strip()
    if numeric := _NUMERIC_MONTH.fullmatch(text):
        year, month = (numeric.group(1), numeric.group(2)) if numeric.group(1) else (numeric.group(4),
                                                                                     numeric.group(3))
        return _month(int(year), int(month))
    if wordy := _WORDY_MONTH.fullmatch(text):
        month = _MONTHS.get(wordy.group(1).lower())
        return _month(int(wordy.group(2)), month) if month else None
    return None


_TIMESTAMP = re.compile(r"([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
                        r"(?: ?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?))?")


def as_date(text: str) -> date | None:
    """The date ``text`` writes in a common form: ``2022-9-5``, ``20220905``, ``2022/09/05``, ``05/09/2022`` and
    ``5-9-2022`` (day first, unless only a month can come first: ``07/31/2022``), ``5 September
    2022``, ``September 5, 2022``, ``5 Agustus 2022``, and a date with a time of day (``2022-09-05T00:00:00+07:00``)."""
    text = text.strip()
    if stamp := _TIMESTAMP.fullmatch(text):  # a time of day after it: a rule file's dates have none
        return as_date(stamp.group(1))
    if compact := _COMPACT_DATE.fullmatch(text):
        return _date(*(int(n) for n in compact.groups()))
    if numeric := _NUMERIC_DATE.fullmatch(text):
        a, b, c = numeric.groups()
        if len(a) == 4:
            return _date(int(a), int(b), int(c))
        if len(c) != 4:
            return None
        month_first = int(b) > 12  # 07/31/2022: only a month can come first
        return _date(int(c), int(a), int(b)) if month_first else _date(int(c), int(b), int(a))
    if wordy := _WORDY_DATE.fullmatch(text):
        day, name, year = wordy.group(1, 2, 3) if wordy.group(1) else wordy.group(5, 4, 6)
        month = _MONTHS.get(name.lower())
        return _date(int(year), month, int(day)) if month else None
    return None


def bracketed(text: str) -> str:
    """``[BRI, BNI]`` for ``BRI, BNI`` and ``[BRI]`` for ``BRI``: one text written as the list it was
    probably meant to be."""
    return "[" + ", ".join(item.strip() for item in text.split(",")) + "]"


def meant_value(kind: str, value: Any) -> str | None:
    """The value as a parameter of type ``kind`` takes one, when it was written as people write such
    values elsewhere (``2.022`` or ``2022.0`` for a year, ``2022-07-31`` for a month, ``31/07/2022``
    for a date, ``BRI`` for a list)."""
    text = value.isoformat() if isinstance(value, date) else str(value)
    if kind == "month":
        if isinstance(value, date):
            return text[:7]
        day = as_date(text)  # a day of the month meant (``31/07/2022``)
        return as_month(text) or (None if day is None else f"{day.year:04d}-{day.month:02d}")
    if kind == "date":
        day = as_date(text)
        return day.isoformat() if day is not None else None
    if kind == "int" and isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return str(int(value))
    if kind in ("int", "decimal"):
        number = plain_number(text)
        return number if number is not None and (kind == "decimal" or "." not in number) else None
    if kind == "list" and isinstance(value, str):
        return bracketed(value)
    return None


def not_a_date(text: str, last: bool = False, *, asked: bool = True) -> str:
    """A decision date given as text that is none, said alike by the command line, the service and
    the API: what is wrong, with the date it probably means in brackets (``31/12/2022``:
    ``write the date as YYYY-MM-DD (2022-12-31)``; a month as its first day, or its ``last``; a day off the
    calendar as the day near it, ``2022-02-30``: ``(did you mean 2022-02-28?)``, unless not ``asked``, where a
    suggestion gives it); the text repeated ``shortened`` (no NIK in it)."""
    message, meant = date_problem(text, last)
    if asked and message.startswith("`") and meant is not None and meant not in message:  # a day off the calendar
        return f"{message} (did you mean {meant}?)"
    return message if message.startswith("`") else f"`{_shown(text)}` is not a date: {message}"


def date_problem(text: str, last: bool = False) -> tuple[str, str | None]:
    """What is wrong with a date written as ``text``, and the date as it should be written (None
    when it cannot be told); a month (``2022-10``) is meant as its first day, or its ``last``."""
    if (month := as_month(text)) is not None and as_date(text) is None:
        year, number = int(month[:4]), int(month[5:])
        day = date(year, number, calendar.monthrange(year, number)[1] if last else 1)
        return f"`{_shown(text)}` is a month: write a day, YYYY-MM-DD ({day}, the month's " \
            f"{'last' if last else 'first'} day)", day.isoformat()
    meant = as_date(text)
    if meant is not None:
        numbers = [int(n) for n in re.findall(r"[0-9]+", text)]
        read = ", reading it as day/month/year" if len(numbers) == 3 and numbers[2] > 31 and \
            numbers[0] != numbers[1] and max(numbers[:2]) <= 12 else ""
        return f"write the date as YYYY-MM-DD ({meant}{read})", meant.isoformat()
    if _ISO_DATE.fullmatch(text):  # why, with the day near it meant (``2022-02-30``: 2022-02-28)
        return off_calendar(text)
    return "write the date as YYYY-MM-DD, such as 2022-09-05", None


def off_calendar(text: str) -> tuple[str, str | None]:
    """Why ``text``, written YYYY-MM-DD, is no day of the calendar, and the nearest day it may mean (None when
    none can be told): ``2022-02-30`` the month's last day, ``2022-13-01`` its month and day the other way round
    (``2022-01-13``), ``2022-07-00`` the month's first day."""
    year, month, day = (int(n) for n in text.split("-"))
    why = f"`{_shown(text)}` is not a date in the calendar"
    if year == 0:
        return f"{why}: there is no year 0000", None
    if 1 <= month <= 12:
        last = calendar.monthrange(year, month)[1]
        if day == 0:
            return f"{why}: a day is 01 to {last}", date(year, month, 1).isoformat()
        return f"{why}: {calendar.month_name[month]} {year} has {last} days", date(year, month, last).isoformat()
    if 1 <= day <= 12 and (swapped := _date(year, day, month)) is not None:
        return f"{why}: a month is 01 to 12 (YYYY-MM-DD: the month before the day)", swapped.isoformat()
    return f"{why}: write YYYY-MM-DD, a month 01 to 12 and a day of that month", None


def _month(year: int, month: int) -> str | None:
    return f"{year:04d}-{month:02d}" if 1 <= year <= 9999 and 1 <= month <= 12 else None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _shown(text: str) -> str:
    """``text`` as a message repeats it: cut, digits of a NIK hidden, control characters escaped."""
    from bsu_rules.members.redact import shortened  # lazy: bsu_rules.members imports this module

    return shortened(text)


def exponent_too_far(text: str, value: Decimal, most: int) -> str:
    """What is wrong with a short number whose exponent puts it beyond ``most`` digits (``1e400``, ``1e-400``),
    in a rule file's value or an expression."""
    places = abs(value.adjusted())  # its exponent: the number is never written out (``1e999999999``)
    far = str(places + (value.adjusted() > 0)) if places < 10 ** 8 else f"more than {most}"  # no count hidden
    if value.adjusted() > 0:
        size = f"a number of {far} digits" + (f", more than {most}" if far[0].isdigit() else "")
    else:
        size = f"a number whose first digit is {far} places after the decimal point" + \
            (f", more than {most}" if far[0].isdigit() else "")
    return f"{with_exponent(text)} is written with an exponent (write a number with digits only) and is {size}"


def with_exponent(text: str) -> str:
    """A number written with an exponent as a message names it: quoted, or "the number" where it holds ten digits or
    more (``1.23456789e3``), which a message would hide as it hides a NIK's (``<10 digits>``), saying nothing."""
    return f"`{text}`" if sum(c.isdigit() for c in text) < 10 else "the number"


def long_digits(written: str) -> bool:
    """Whether a number as written carries ten digits or more: in its whole part (its leading zeros left out)
    or in its decimals (the zeros around them left out), where an account number or a NIK may be put
    (``4798312.418201004566507``); no amount, count or rate of a rule set has as many."""
    whole, _, decimals = written.strip().lstrip("+-").partition(".")
    return len(whole.lstrip("0")) >= 10 or len(decimals.strip("0")) >= 10
