"""NIK structure check: province, regency, birth date (DDMMYY, women +40 to the day, a day the
month has), serial.

A NIK is 16 digits: province(2) regency(2) district(2) birth date DDMMYY (women add 40 to the
day) serial(4, from 0001).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from types import MappingProxyType

__all__ = ["PROVINCES", "NikIssue", "days_in_month", "describe_nik_issue", "nik_issue", "nik_valid"]

PROVINCES: Mapping[str, str] = MappingProxyType(
    {
        "11": "Aceh",
        "12": "Sumatera Utara",
        "13": "Sumatera Barat",
        "14": "Riau",
        "15": "Jambi",
        "16": "Sumatera Selatan",
        "17": "Bengkulu",
        "18": "Lampung",
        "19": "Kepulauan Bangka Belitung",
        "21": "Kepulauan Riau",
        "31": "DKI Jakarta",
        "32": "Jawa Barat",
        "33": "Jawa Tengah",
        "34": "DI Yogyakarta",
        "35": "Jawa Timur",
        "36": "Banten",
        "51": "Bali",
        "52": "Nusa Tenggara Barat",
        "53": "Nusa Tenggara Timur",
        "61": "Kalimantan Barat",
        "62": "Kalimantan Tengah",
        "63": "Kalimantan Selatan",
        "64": "Kalimantan Timur",
        "65": "Kalimantan Utara",
        "71": "Sulawesi Utara",
        "72": "Sulawesi Tengah",
        "73": "Sulawesi Selatan",
        "74": "Sulawesi Tenggara",
        "75": "Gorontalo",
        "76": "Sulawesi Barat",
        "81": "Maluku",
        "82": "Maluku Utara",
        "91": "Papua",
        "92": "Papua Barat",
        "93": "Papua Selatan",
        "94": "Papua Tengah",
        "95": "Papua Pegunungan",
        "96": "Papua Barat Daya",
    }
)
"""Kemendagri province codes (38 provinces). Not BPS codes, which differ for Papua."""

_PROVINCE_CODES = frozenset(PROVINCES)
_TWO_DIGITS = {f"{n:02d}": n for n in range(100)}  # a NIK's day, month and year: looked up, not parsed (each member)


class NikIssue(StrEnum):
    """The first structural problem found in a NIK."""

    NOT_16_DIGITS = "not-16-digits"
    PROVINCE = "province"
    REGENCY = "regency"
    DAY = "day"
    MONTH = "month"
    DATE = "date"
    SERIAL = "serial"
    BIRTH_DATE_MISMATCH = "birth-date-mismatch"


def nik_issue(nik: str, birth_date: date | None = None) -> NikIssue | None:
    """First structural problem of ``nik`` (checked against ``birth_date`` if given); None if
    valid."""
    if len(nik) != 16 or not nik.isascii() or not nik.isdigit():  # ASCII digits 0-9 only
        return NikIssue.NOT_16_DIGITS
    if nik[0:2] not in _PROVINCE_CODES:
        return NikIssue.PROVINCE
    if nik[2:4] == "00":
        return NikIssue.REGENCY
    day, month, year = _TWO_DIGITS[nik[6:8]], _TWO_DIGITS[nik[8:10]], _TWO_DIGITS[nik[10:12]]
    if birth_date is not None and month == birth_date.month and year == birth_date.year % 100 and (
            day in (birth_date.day, birth_date.day + 40)):  # a real day and month, and a match
        return NikIssue.SERIAL if nik[12:16] == "0000" else None
    if not (1 <= day <= 31 or 41 <= day <= 71):
        return NikIssue.DAY
    if not 1 <= month <= 12:
        return NikIssue.MONTH
    if (day - 40 if day > 40 else day) > days_in_month(month, year):
        return NikIssue.DATE
    if nik[12:16] == "0000":
        return NikIssue.SERIAL
    if birth_date is not None:
        birth_day = day - 40 if day > 40 else day
        if (birth_day, month, year) != (
            birth_date.day,
            birth_date.month,
            birth_date.year % 100,
        ):
            return NikIssue.BIRTH_DATE_MISMATCH
    return None


def days_in_month(month: int, yy: int) -> int:
    """The days of ``month`` in a year ending in ``yy`` (1900 + yy or 2000 + yy): February has 29
    when either can be a leap year (``00``: 2000 was one), since a NIK does not say the century."""
    return 29 if month == 2 and yy % 4 == 0 else 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31


def nik_valid(nik: str | None, birth_date: date | None = None) -> bool | None:
    """Whether ``nik`` passes the structure check; None if the NIK is unknown."""
    if nik is None:
        return None
    return nik_issue(nik, birth_date) is None


_MESSAGES: Mapping[NikIssue, Mapping[str, str]] = {
    NikIssue.NOT_16_DIGITS: {
        "id": "NIK tidak terdiri atas 16 angka",
        "en": "the NIK is not made of 16 digits",
    },
    NikIssue.PROVINCE: {
        "id": "kode provinsi dalam NIK ({province}) tidak dikenal",
        "en": "the province code in the NIK ({province}) is unknown",
    },
    NikIssue.REGENCY: {
        "id": "kode kabupaten atau kota dalam NIK ({regency}) tidak mungkin; seharusnya bukan 00",
        "en": "the regency code in the NIK ({regency}) is impossible; it cannot be 00",
    },
    NikIssue.DAY: {
        "id": "angka tanggal lahir dalam NIK ({day}) tidak mungkin; seharusnya 01–31, atau 41–71 untuk perempuan",
        "en": "the day of birth in the NIK ({day}) is impossible; it should be 01–31, or 41–71 for women",
    },
    NikIssue.MONTH: {
        "id": "angka bulan lahir dalam NIK ({month}) tidak mungkin; seharusnya 01–12",
        "en": "the month of birth in the NIK ({month}) is impossible; it should be 01–12",
    },
    NikIssue.DATE: {
        "id": "tanggal lahir dalam NIK ({day_month}) tidak ada dalam kalender tahun lahirnya",
        "en": "the date of birth in the NIK ({day_month}) does not exist in its year of birth",
    },
    NikIssue.SERIAL: {
        "id": "nomor urut dalam NIK ({serial}) tidak mungkin; nomor urut dimulai dari 0001",
        "en": "the serial number in the NIK ({serial}) is impossible; serial numbers start at 0001",
    },
    NikIssue.BIRTH_DATE_MISMATCH: {
        "id": "tanggal lahir dalam NIK tidak sesuai dengan tanggal lahir yang tercatat",
        "en": "the birth date in the NIK does not match the recorded date of birth",
    },
}


_NEVER_A_DATE = {
    "id": "tanggal lahir dalam NIK ({day_month}) tidak ada dalam kalender tahun mana pun",
    "en": "the date of birth in the NIK ({day_month}) does not exist in any year",
}
"""``NikIssue.DATE`` for a day past the month's end in every year (31 April); 29 February is told by its year."""


def describe_nik_issue(issue: NikIssue, nik: str, lang: str) -> str:
    """A short clause naming the invalid part of ``nik``; lang "id" or "en". It shows no more of the
    NIK than its mask does (the region code and the last four digits) and never a birth date: at
    most an impossible day or month number, or a day and month that make no date (30 February)."""
    templates = _MESSAGES[NikIssue(issue)]
    if lang not in templates:
        raise ValueError(f"unsupported language {lang!r} (expected 'id' or 'en')")
    masked = nik[:4] + "*" * (len(nik) - 8) + nik[-4:] if len(nik) > 8 else "*" * len(nik)
    day_month = ""
    if NikIssue(issue) is NikIssue.DATE:  # a day and a month that each exist, never together (30 February)
        from bsu_rules.formatting import format_day_month  # lazy: Babel's month names, for this message only

        day, month = int(nik[6:8]) % 40, int(nik[8:10])
        day_month = format_day_month(day, month, lang)
        if day > days_in_month(month, 0):  # a year ending in 00 has every day any year has
            templates = _NEVER_A_DATE
    return templates[lang].format(
        day_month=day_month,
        nik=masked,
        province=nik[0:2],
        regency=nik[2:4],
        day=nik[6:8],
        month=nik[8:10],
        serial=nik[12:16],
    )
