"""Tests for bsu_rules.formatting: exact money, dates, months and trace values."""

from __future__ import annotations

import decimal
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bsu_rules.formatting import (
    RUPIAH,
    format_date,
    format_month,
    format_value,
    format_year,
    mask_said,
    number,
    rupiah,
    rupiah_said,
)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (4800000, "Rp4.800.000"),
        (3500000, "Rp3.500.000"),
        (600000, "Rp600.000"),
        (0, "Rp0"),
        (999, "Rp999"),
        (1000, "Rp1.000"),
        (-1000, "-Rp1.000"),
        (Decimal("4416186.548"), "Rp4.416.186,548"),
        (Decimal("4791843.90"), "Rp4.791.843,90"),
        (Decimal("3496194.78"), "Rp3.496.194,78"),
        (Decimal(4641854), "Rp4.641.854"),
        (Decimal("0.05"), "Rp0,05"),
        (Decimal("-1000.50"), "-Rp1.000,50"),
        (Decimal("-0.00"), "Rp0,00"),
        (Decimal("48E+5"), "Rp4.800.000"),
        (10**21, "Rp1.000.000.000.000.000.000.000"),
    ],
)
def test_rupiah(amount: int | Decimal, expected: str) -> None:
    assert rupiah(amount) == expected


def test_rupiah_keeps_digits_beyond_decimal_context_precision() -> None:
    long = Decimal("123456789012345678901234567890.1234567890120")
    with decimal.localcontext(prec=5):
        text = rupiah(long)
    assert text == "Rp123.456.789.012.345.678.901.234.567.890,1234567890120"


@pytest.mark.parametrize("bad", [4800000.0, "4800000", True, None])
def test_rupiah_rejects_non_exact_types(bad: object) -> None:
    with pytest.raises(TypeError):
        rupiah(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")]
)
def test_rupiah_rejects_non_finite(bad: Decimal) -> None:
    with pytest.raises(ValueError):
        rupiah(bad)


@given(st.integers(-(10**40), 10**40), st.integers(-3, 12))
def test_rupiah_round_trips_exactly(units: int, places: int) -> None:
    amount = Decimal(f"{units}E{-places}")
    text = rupiah(amount)
    negative = text.startswith("-")
    plain = text.removeprefix("-").removeprefix("Rp").replace(".", "").replace(",", ".")
    back = Decimal(plain)
    assert (back.copy_negate() if negative else back) == amount  # exact, no context
    assert back.as_tuple().exponent == -max(places, 0)  # every fraction digit kept
    assert negative == (amount < 0)


@given(st.integers())
def test_number_en_matches_python_grouping(value: int) -> None:
    assert number(value, "en") == f"{value:,}"
    assert number(value, "id") == f"{value:,}".replace(",", ".")


@pytest.mark.parametrize(
    ("day", "lang", "expected"),
    [
        (date(2022, 9, 12), "id", "12 September 2022"),
        (date(2022, 9, 12), "en", "12 September 2022"),
        (date(2021, 7, 1), "id", "1 Juli 2021"),
        (date(2021, 7, 1), "en", "1 July 2021"),
        (date(2020, 6, 30), "id", "30 Juni 2020"),
        (date(2021, 8, 17), "id", "17 Agustus 2021"),
        (date(2025, 2, 3), "id", "3 Februari 2025"),
        (date(2025, 2, 3), "en", "3 February 2025"),
    ],
)
def test_format_date(day: date, lang: str, expected: str) -> None:
    assert format_date(day, lang) == expected


@given(st.dates(), st.sampled_from(["id", "en"]))
def test_dates_are_written_as_babel_writes_them(day: date, lang: str) -> None:
    """Month names are read from the locale once; every date, month and year comes out as Babel's own
    patterns write it."""
    from babel.dates import format_date as babel_date

    assert format_date(day, lang) == babel_date(day, "d MMMM y", locale=lang)
    assert format_month(day.isoformat()[:7], lang) == babel_date(day, "MMMM y", locale=lang)
    assert format_year(day.year, lang) == babel_date(day, "y", locale=lang)


@pytest.mark.parametrize(
    ("month", "lang", "expected"),
    [
        ("2022-07", "id", "Juli 2022"),
        ("2022-07", "en", "July 2022"),
        ("2021-06", "id", "Juni 2021"),
        ("2025-04", "en", "April 2025"),
        ("2020-12", "id", "Desember 2020"),
    ],
)
def test_format_month(month: str, lang: str, expected: str) -> None:
    assert format_month(month, lang) == expected


@pytest.mark.parametrize("bad", ["2022-13", "2022-7", "22-07", "2022-07-01", ""])
def test_format_month_rejects_non_months(bad: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        format_month(bad, "id")


@pytest.mark.parametrize(
    ("value", "expected_id", "expected_en"),
    [
        (True, "ya", "yes"),
        (False, "tidak", "no"),
        (None, "tidak diketahui", "unknown"),
        (date(2021, 7, 1), "1 Juli 2021", "1 July 2021"),
        ("2022-07", "Juli 2022", "July 2022"),
        ("2022-13", "2022-13", "2022-13"),
        ("3215", "3215", "3215"),
        (3, "3", "3"),
        (12000, "12.000", "12,000"),
        (-12000, "-12.000", "-12,000"),
        (Decimal("4416186.548"), "4.416.186,548", "4,416,186.548"),
        (Decimal("4791843.90"), "4.791.843,90", "4,791,843.90"),
        (["PKH", "BPUM"], "PKH, BPUM", "PKH, BPUM"),
        (("2022-06", True), "Juni 2022, ya", "June 2022, yes"),
        ([], "", ""),
        ({"pppk", "pns"}, "pns, pppk", "pns, pppk"),
        (frozenset({12000, 3}), "12.000, 3", "12,000, 3"),
        (datetime(2022, 7, 31, 8, 5), "2022-07-31T08:05:00", "2022-07-31T08:05:00"),
        (Decimal("NaN"), "NaN", "NaN"),
        (1.5, "1.5", "1.5"),
    ],
)
def test_format_value(value: object, expected_id: str, expected_en: str) -> None:
    assert format_value(value, "id") == expected_id
    assert format_value(value, "en") == expected_en


@pytest.mark.parametrize("call", [format_value, format_month])
def test_unsupported_language_is_an_error(call: object) -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        call("2022-07", "fr")  # type: ignore[operator]
    with pytest.raises(ValueError, match="unsupported language"):
        format_date(date(2022, 7, 1), "id_ID")


def test_independent_of_process_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LANG", "LC_ALL", "LC_NUMERIC", "LC_TIME", "LANGUAGE"):
        monkeypatch.setenv(var, "de_DE.UTF-8")
    assert rupiah(Decimal("4791843.90")) == "Rp4.791.843,90"
    assert format_value(12000, "en") == "12,000"
    assert format_date(date(2021, 7, 1), "en") == "1 July 2021"


@pytest.mark.parametrize(("amount", "said"), [
    (4_950_000, "4,950,000 rupiah"), (600_000, "600,000 rupiah"), (0, "0 rupiah"),
    (Decimal("3742276.48"), "3,742,276.48 rupiah"), (-1000, "minus 1,000 rupiah")])
def test_an_amount_in_rupiah_reads_in_english_as_an_english_voice_reads_it(amount: int | Decimal, said: str) -> None:
    """Rp4.950.000 read by an English voice is "R P four point nine five …": said "4,950,000 rupiah"."""
    written = rupiah(amount)
    (found,) = RUPIAH.findall(f"The wage, {written}.")  # the sentence's stop is not the amount's
    assert found == written and rupiah_said(found) == said


@pytest.mark.parametrize(("lang", "said"), [
    ("id", "Peserta dengan NIK berawalan 3204 dan berakhiran 0003; rekening BRI berawalan 418 dan berakhiran 507"),
    ("en", "Peserta dengan NIK starting 3204 and ending 0003; rekening BRI starting 418 and ending 507")])
def test_a_masked_number_is_said_as_the_digits_it_shows(lang: str, said: str) -> None:
    assert mask_said("Peserta dengan NIK 3204********0003; rekening BRI 418*********507", lang) == said
    assert mask_said("******** 1234*5", lang) == "******** 1234*5"  # nothing shown at an end, or a lone star
