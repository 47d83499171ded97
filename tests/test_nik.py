"""Tests for bsu_rules.nik (NIK structure check)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bsu_rules.nik import PROVINCES, NikIssue, describe_nik_issue, nik_issue, nik_valid

WOMAN = "3215014107900001"  # Karawang, born 1 July 1990, day + 40
MAN = "3215010107900001"
BORN = date(1990, 7, 1)


def test_valid_woman_and_man() -> None:
    assert nik_issue(WOMAN, BORN) is None
    assert nik_issue(MAN, BORN) is None
    assert nik_issue(WOMAN) is None
    assert nik_valid(WOMAN, BORN) is True


@pytest.mark.parametrize(
    ("nik", "issue"),
    [
        ("9915014107900001", NikIssue.PROVINCE),
        ("0015014107900001", NikIssue.PROVINCE),
        ("9715014107900001", NikIssue.PROVINCE),  # a BPS code, not Kemendagri
        ("3200014107900001", NikIssue.REGENCY),
        ("3215013207900001", NikIssue.DAY),
        ("3215010007900001", NikIssue.DAY),
        ("3215014007900001", NikIssue.DAY),
        ("3215017207900001", NikIssue.DAY),
        ("3215014113900001", NikIssue.MONTH),
        ("3215014100900001", NikIssue.MONTH),
        ("3215013002940001", NikIssue.DATE),  # 30 February
        ("3215017002940001", NikIssue.DATE),  # 30 February, a woman's
        ("3215013104940001", NikIssue.DATE),  # 31 April
        ("3215012902010001", NikIssue.DATE),  # 29 February 1901 or 2001: neither a leap year
        ("3215014107900000", NikIssue.SERIAL),
    ],
)
def test_single_issue(nik: str, issue: NikIssue) -> None:
    assert nik_issue(nik) is issue
    assert nik_valid(nik) is False


@pytest.mark.parametrize("day", ["01", "31", "41", "71"])
def test_day_bounds_are_valid(day: str) -> None:
    assert nik_issue(f"321501{day}07900001") is None


@pytest.mark.parametrize("ddmmyy", ["290200", "690200", "290296", "280201", "300494", "311294"])
def test_a_day_its_month_has_is_valid(ddmmyy: str) -> None:
    """29 February of a year ending in 00 (2000 was a leap year) or 96; the last day of each month."""
    assert nik_issue(f"321501{ddmmyy}0001") is None


def test_an_impossible_date_is_said_without_a_birth_date() -> None:
    """A day and a month read aloud by name, as every other date of a page (no year: no one's birth date)."""
    assert describe_nik_issue(NikIssue.DATE, "3215017002940001", "id") == \
        "tanggal lahir dalam NIK (30 Februari) tidak ada dalam kalender tahun mana pun"
    assert describe_nik_issue(NikIssue.DATE, "3215013104940001", "en") == \
        "the date of birth in the NIK (31 April) does not exist in any year"
    # only 29 February depends on the year: 2001 and 1901 were no leap years
    assert describe_nik_issue(NikIssue.DATE, "3215016902010001", "en") == \
        "the date of birth in the NIK (29 February) does not exist in its year of birth"


@pytest.mark.parametrize(
    "nik",
    [
        "321501410790000",  # 15 digits
        "32150141079000012",  # 17 digits
        "32150141079000a1",
        " 215014107900001",
        "3215-01410790001",
        "٣٢١٥٠١٤١٠٧٩٠٠٠٠١",  # Arabic-Indic digits are not ASCII digits
        "",
    ],
)
def test_not_16_digits(nik: str) -> None:
    assert nik_issue(nik) is NikIssue.NOT_16_DIGITS


def test_first_issue_wins() -> None:
    # province 99, regency 00, day 32, month 13, serial 0000: province is reported first
    assert nik_issue("9900013213900000") is NikIssue.PROVINCE
    assert nik_issue("3200013213900000") is NikIssue.REGENCY
    assert nik_issue("3215013213900000") is NikIssue.DAY
    assert nik_issue("3215012913900000") is NikIssue.MONTH
    assert nik_issue("3215012912900000", date(2000, 1, 1)) is NikIssue.SERIAL


@pytest.mark.parametrize(
    "born",
    [date(1990, 7, 2), date(1990, 8, 1), date(1991, 7, 1), date(1980, 7, 1)],
)
def test_birth_date_mismatch(born: date) -> None:
    assert nik_issue(WOMAN, born) is NikIssue.BIRTH_DATE_MISMATCH
    assert nik_valid(WOMAN, born) is False


def test_two_digit_year_matches_any_century() -> None:
    assert nik_issue(WOMAN, date(2090, 7, 1)) is None


def test_nik_valid_unknown() -> None:
    assert nik_valid(None) is None
    assert nik_valid(None, BORN) is None


@given(
    st.dates(date(1900, 1, 1), date(2099, 12, 31)),
    st.booleans(),
    st.sampled_from(sorted(PROVINCES)),
    st.integers(1, 9999),
)
def test_generated_nik_matches_its_birth_date(
    born: date, woman: bool, prov: str, serial: int
) -> None:
    day = born.day + 40 if woman else born.day
    nik = f"{prov}0101{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
    assert nik_issue(nik, born) is None
    other = date(born.year, born.month, 1 if born.day != 1 else 2)
    assert nik_issue(nik, other) is NikIssue.BIRTH_DATE_MISMATCH


def test_provinces_are_the_38_kemendagri_codes() -> None:
    expected = {
        *(str(c) for c in range(11, 20)),
        "21",
        *(str(c) for c in range(31, 37)),
        "51",
        "52",
        "53",
        *(str(c) for c in range(61, 66)),
        *(str(c) for c in range(71, 77)),
        "81",
        "82",
        *(str(c) for c in range(91, 97)),
    }
    assert set(PROVINCES) == expected
    assert len(PROVINCES) == 38
    assert PROVINCES["11"] == "Aceh"
    assert PROVINCES["31"] == "DKI Jakarta"
    assert PROVINCES["91"] == "Papua"
    assert PROVINCES["92"] == "Papua Barat"
    assert PROVINCES["93"] == "Papua Selatan"
    assert PROVINCES["94"] == "Papua Tengah"
    assert PROVINCES["95"] == "Papua Pegunungan"
    assert PROVINCES["96"] == "Papua Barat Daya"


def test_issue_codes() -> None:
    assert [i.value for i in NikIssue] == [
        "not-16-digits",
        "province",
        "regency",
        "day",
        "month",
        "date",
        "serial",
        "birth-date-mismatch",
    ]


def test_describe_examples() -> None:
    nik = "9915014107900001"
    assert (
        describe_nik_issue(NikIssue.PROVINCE, nik, "id")
        == "kode provinsi dalam NIK (99) tidak dikenal"
    )
    assert (
        describe_nik_issue(NikIssue.PROVINCE, nik, "en")
        == "the province code in the NIK (99) is unknown"
    )
    assert (
        describe_nik_issue(NikIssue.DAY, "3215013207900001", "id")
        == "angka tanggal lahir dalam NIK (32) tidak mungkin; seharusnya 01–31, atau 41–71 untuk perempuan"
    )
    assert "0000" in describe_nik_issue(NikIssue.SERIAL, "3215014107900000", "id")
    assert "12345" not in describe_nik_issue(NikIssue.NOT_16_DIGITS, "12345", "id")


@pytest.mark.parametrize("issue", list(NikIssue))
def test_descriptions_show_no_more_than_the_mask(issue: NikIssue) -> None:
    """Region code and last four digits at most: never the district or the birth date."""
    for lang in ("id", "en"):
        text = describe_nik_issue(issue, WOMAN, lang)
        assert WOMAN[4:12] not in text and WOMAN[6:12] not in text and WOMAN[4:6] + WOMAN[6:8] not in text


@pytest.mark.parametrize("issue", list(NikIssue))
def test_describe_every_issue_in_both_languages(issue: NikIssue) -> None:
    texts = {describe_nik_issue(issue, WOMAN, lang) for lang in ("id", "en")}
    assert len(texts) == 2
    assert all(texts)


def test_describe_rejects_unknown_language() -> None:
    with pytest.raises(ValueError):
        describe_nik_issue(NikIssue.PROVINCE, WOMAN, "fr")


def _reference(nik: str, born: date | None) -> NikIssue | None:
    """The check as the regulation's structure reads, field by field, with no shortcut."""
    if len(nik) != 16 or not all("0" <= c <= "9" for c in nik):
        return NikIssue.NOT_16_DIGITS
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    for issue, bad in [(NikIssue.PROVINCE, nik[:2] not in PROVINCES), (NikIssue.REGENCY, nik[2:4] == "00"),
                       (NikIssue.DAY, not (1 <= day <= 31 or 41 <= day <= 71)), (NikIssue.MONTH, not 1 <= month <= 12),
                       (NikIssue.DATE, not any(_a_day(century + year, month, day % 40) for century in (1900, 2000))),
                       (NikIssue.SERIAL, nik[12:] == "0000"),
                       (NikIssue.BIRTH_DATE_MISMATCH, born is not None and (day % 40, month, year)
                        != (born.day, born.month, born.year % 100))]:
        if bad:
            return issue
    return None


@given(st.dates(date(1930, 1, 1), date(2029, 12, 31)), st.sampled_from(["32", "99"]), st.sampled_from(["15", "00"]),
       st.integers(0, 75), st.integers(0, 13), st.sampled_from(["0000", "0001"]), st.booleans(), st.booleans())
def test_the_check_agrees_with_the_field_by_field_reading(born: date, province: str, regency: str, day: int,
                                                          month: int, serial: str, same: bool, woman: bool) -> None:
    """Whatever the birth-date shortcut, the first issue is the one a field-by-field reading finds."""
    if same:
        day, month = born.day + 40 * woman, born.month
    nik = f"{province}{regency}01{day:02d}{month:02d}{born.year % 100:02d}{serial}"
    assert nik_issue(nik, born) is _reference(nik, born)
    assert nik_issue(nik) is _reference(nik, None)


@pytest.mark.parametrize(("number", "said"), [
    ("3204123208940003", "(32)"), ("3204125713940003", "(13)"), ("3204125708940000", "(0000)"),
    ("9904125708940003", "(99)"), ("3204123104940003", "(31 "),  # 31 April
])
@pytest.mark.parametrize("edition", ["bsu-2020", "bsu-2021", "bsu-2022", "bsu-2025"])
def test_a_nik_flaw_is_named_when_the_birth_date_is_unknown(edition: str, number: str, said: str) -> None:
    """Without a birth date the NIK cannot be matched to it, but a flaw of its own is certain, and
    the explanation names it rather than saying "unknown"."""
    import bsu_rules

    ruleset = bsu_rules.load_ruleset(edition)
    record = {"nik": number, "citizenship": "WNI", "participant_category": "PU", "birth_date": None}
    outcome = bsu_rules.evaluate(ruleset, record).rule("valid-nik")
    assert outcome.outcome == "fail" and outcome.explain is not None
    assert said in outcome.explain.id and said in outcome.explain.en
    assert not outcome.explain.en.endswith("valid: unknown") and "tidak diketahui" not in outcome.explain.id


def _a_day(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def test_the_columnar_check_agrees_with_the_scalar_one_on_every_day_and_month() -> None:
    pl = pytest.importorskip("polars")
    from bsu_rules.catalogue import FUNCTIONS
    from bsu_rules.evaluators.columnar_functions import Val
    from bsu_rules.ruleset.types import BOOL, DATE, STR

    numbers = [f"{prov}0101{day:02d}{month:02d}{yy:02d}{serial}" for prov in ("32", "99")
               for day in range(73) for month in range(14) for yy in (0, 1, 4, 23) for serial in ("0003", "0000")]
    numbers += ["-320412570894000", "+320412570894000", " 3204125708940003", "320412570894000", "３２04125708940003",
                "32041257089400031", "03204125708940003", "+3204125708940003", "3204125708940003 ",
                "3200125708940003", None]
    born = [None, date(1994, 8, 17), date(2000, 2, 29), date(2001, 2, 28), date(2004, 2, 29)]
    rows = [(n, b) for n in numbers for b in born]
    frame = pl.DataFrame({"nik": [n for n, _ in rows], "born": [b for _, b in rows]},
                         schema={"nik": pl.String, "born": pl.Date})
    build = FUNCTIONS["nik_valid"].columnar.build
    valid = build(BOOL, [Val(STR, expr=pl.col("nik"), dtype=pl.String()),
                         Val(DATE, expr=pl.col("born"), dtype=pl.Date())])
    assert frame.select(valid.expr).to_series().to_list() == [None if n is None else nik_valid(n, b) for n, b in rows]
