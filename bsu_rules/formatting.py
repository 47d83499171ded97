"""Human-readable rendering of money, dates and trace values in Indonesian and English.

Numbers are grouped by hand from the exact digits, using Babel's locale symbols and grouping
sizes: Babel's own ``format_decimal`` drops trailing fraction zeros (``4791843.90``) or, when
asked to keep them, quantizes within the decimal context and fails on long values. Nothing here
reads the process locale or the clock.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache

from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol

LANGS = ("id", "en")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_WORDS = {
    "id": {True: "ya", False: "tidak", None: "tidak diketahui"},
    "en": {True: "yes", False: "no", None: "unknown"},
}


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(
            f"unsupported language {lang!r}; expected one of {', '.join(LANGS)}"
        )
    return lang


def _group(digits: str, primary: int, secondary: int) -> list[str]:
    """Split an integer digit string into groups, rightmost group of ``primary`` digits."""
    if len(digits) <= primary:
        return [digits]
    head, tail = digits[:-primary], digits[-primary:]
    groups = [tail]
    while len(head) > secondary:
        head, part = head[:-secondary], head[-secondary:]
        groups.insert(0, part)
    return [head, *groups]


def _number(value: int | Decimal, lang: str) -> tuple[bool, str]:
    """Return (negative, grouped absolute value) with every given fraction digit kept."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"expected int or Decimal, got {type(value).__name__}")
    if isinstance(value, int):
        grouping, group, _ = _symbols(lang)
        if grouping == (3, 3):  # the common case, grouped by Python itself
            text = f"{abs(value):,}"
            return value < 0, text if group == "," else text.replace(",", group)
        negative, whole, fraction = value < 0, str(abs(value)), ""
    else:
        if not value.is_finite():
            raise ValueError(f"{value} is not a finite number")
        sign, digit_tuple, exponent = value.as_tuple()
        assert isinstance(exponent, int)  # finite, checked above
        digits = "".join(map(str, digit_tuple))
        if exponent >= 0:
            whole, fraction = digits + "0" * exponent, ""
        else:
            digits = digits.rjust(-exponent + 1, "0")
            whole, fraction = digits[:exponent], digits[exponent:]
        whole = whole.lstrip("0") or "0"
        negative = bool(sign) and any(d != "0" for d in whole + fraction)
    grouping, group, decimal = _symbols(lang)
    text = group.join(_group(whole, grouping[0], grouping[1]))
    if fraction:
        text += decimal + fraction
    return negative, text


@cache
def _symbols(lang: str) -> tuple[tuple[int, int], str, str]:
    """Grouping sizes, group and decimal symbols of a locale (read once)."""
    grouping = Locale.parse(lang).decimal_formats[None].grouping
    return (grouping[0], grouping[1]), get_group_symbol(lang), get_decimal_symbol(lang)


def number(value: int | Decimal, lang: str) -> str:
    """Group a number by locale, exactly: 12000 -> "12.000" (id) / "12,000" (en)."""
    negative, text = _number(value, _lang(lang))
    return "-" + text if negative else text


def rupiah(amount: int | Decimal) -> str:
    """Indonesian rupiah, exact: 4800000 -> "Rp4.800.000"; -1000 -> "-Rp1.000"."""
    negative, text = _number(amount, "id")
    return ("-Rp" if negative else "Rp") + text


@cache
def _month_names(lang: str) -> tuple[str, ...]:
    """The long month names of a locale (CLDR's, read once), January first: Babel's ``MMMM``."""
    wide = Locale.parse(_lang(lang)).months["format"]["wide"]
    return tuple(wide[m] for m in range(1, 13))


def format_date(day: date, lang: str) -> str:
    """Day, long month name, year: "1 Juli 2021" (id) / "1 July 2021" (en), as Babel's
    ``d MMMM y`` writes them (no padding, the year's own digits) in both languages."""
    return f"{day.day} {_month_names(lang)[day.month - 1]} {day.year}"


def format_day_month(day: int, month: int, lang: str) -> str:
    """A day and a month of no given year: "30 Februari" (id) / "30 February" (en)."""
    return f"{day} {_month_names(lang)[month - 1]}"


def format_year(year: int, lang: str) -> str:
    """A year as the locale writes it, never grouped: 2022 -> "2022" (not "2.022"); one no calendar
    date holds (20223, 0, -1) as its digits."""
    _lang(lang)
    return str(year)


@lru_cache(maxsize=1024)
def format_month(month: str, lang: str) -> str:
    """A "YYYY-MM" month: "2022-07" -> "Juli 2022" (id) / "July 2022" (en)."""
    match = _MONTH.match(month)
    if match is None:
        raise ValueError(f"{month!r} is not a month (YYYY-MM)")
    return f"{_month_names(lang)[int(match[2]) - 1]} {int(match[1])}"


def format_value(value: object, lang: str) -> str:
    """Render a trace value for people; money should go through `rupiah` instead."""
    words = _WORDS[_lang(lang)]
    if value is None or isinstance(value, bool):
        return words[value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return format_date(value, lang)
    if isinstance(value, str) and _MONTH.match(value):
        return format_month(value, lang)
    if isinstance(value, int) or (isinstance(value, Decimal) and value.is_finite()):
        return number(value, lang)
    if isinstance(value, list | tuple):
        return ", ".join(format_value(item, lang) for item in value)
    if isinstance(value, set | frozenset):
        return ", ".join(sorted(format_value(item, lang) for item in value))
    return str(value)


def capital(text: str) -> str:
    """``text`` with its first letter a capital (the rest as written: ``BSI`` stays ``BSI``)."""
    return text[:1].upper() + text[1:]


def counted(n: int, noun: str) -> str:
    """``1 file``, ``2 files``: an English count with its noun (Indonesian nouns have no plural)."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


RUPIAH = re.compile(r"-?Rp[0-9]{1,3}(?:\.[0-9]{3})*(?:,[0-9]+)?(?![0-9])")
"""An amount ``rupiah`` writes (Rp4.950.000, Rp3.742.276,48, -Rp1.000), without a full stop that ends
the sentence after it."""


def rupiah_said(written: str) -> str:
    """An amount as ``rupiah`` writes it, as an English voice reads it: "Rp4.950.000" -> "4,950,000 rupiah",
    "Rp3.742.276,48" -> "3,742,276.48 rupiah" (the Indonesian grouping reads as a decimal in English)."""
    negative, _, digits = written.partition("Rp")
    whole, _, fraction = digits.partition(",")
    text = number(int(whole.replace(".", "")), "en") + (f".{fraction}" if fraction else "")
    return ("minus " if negative else "") + text + " rupiah"


_MASKED = re.compile(r"(?<![\w*])([0-9]+)\*{2,}([0-9]+)(?![\w*])")
_MASK_SAID = {"id": "berawalan {} dan berakhiran {}", "en": "starting {} and ending {}"}


def mask_said(text: str, lang: str) -> str:
    """``text`` with each masked number (a NIK, ``3204********0003``) said in words, the digits it shows
    kept: "berawalan 3204 dan berakhiran 0003" / "starting 3204 and ending 0003" (a screen reader reads
    each hidden digit as "star")."""
    return _MASKED.sub(lambda m: _MASK_SAID[_lang(lang)].format(m[1], m[2]), text)
