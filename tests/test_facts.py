"""The catalogue functions' scalar implementations, family by family (``bsu_rules.catalogue``)."""

from __future__ import annotations

import calendar
import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bsu_rules.catalogue.areas import province, regency
from bsu_rules.catalogue.banks import bank_key
from bsu_rules.catalogue.calendar import add_months, month_end, month_of, month_start
from bsu_rules.catalogue.contributions import (
    arrears_first_month,
    arrears_last_month,
    arrears_streak,
    contribution_billed,
)
from bsu_rules.catalogue.numbers import round_up
from bsu_rules.catalogue.receipts import received
from bsu_rules.catalogue.wages import last_wage, last_wage_month
from bsu_rules.members import Contribution, Program, ProgramReceipt, WageReport
from bsu_rules.months import month_index, month_text
from bsu_rules.ruleset.loader import load_ruleset

AS_OF = date(2021, 7, 31)

months = st.builds(
    lambda y, m: f"{y:04d}-{m:02d}", st.integers(1900, 2100), st.integers(1, 12)
)


# --- months ---------------------------------------------------------------------------------


def test_month_start_and_end() -> None:
    assert month_start("2021-06") == date(2021, 6, 1)
    assert month_end("2021-06") == date(2021, 6, 30)
    assert month_end("2020-02") == date(2020, 2, 29)
    assert month_end("2021-02") == date(2021, 2, 28)
    assert month_end("2021-12") == date(2021, 12, 31)


def test_add_months_crosses_years() -> None:
    assert add_months("2020-11", 3) == "2021-02"
    assert add_months("2021-01", -1) == "2020-12"
    assert add_months("2021-06", 0) == "2021-06"
    assert add_months("2021-06", -18) == "2019-12"


def test_month_of() -> None:
    assert month_of(date(2021, 6, 30)) == "2021-06"
    assert month_of(date(999, 1, 5)) == "0999-01"


@pytest.mark.parametrize(
    "bad", ["2021-13", "2021-00", "2021-6", "202106", "", "2021-06-01"]
)
def test_month_start_rejects_non_months(bad: str) -> None:
    with pytest.raises(ValueError):
        month_start(bad)


@given(months, st.integers(-2400, 2400))
def test_add_months_round_trip(month: str, n: int) -> None:
    assert add_months(add_months(month, n), -n) == month


@given(months)
def test_month_bounds_round_trip(month: str) -> None:
    assert month_of(month_start(month)) == month
    assert month_of(month_end(month)) == month
    assert month_end(month) + timedelta(days=1) == month_start(add_months(month, 1))


# --- last_wage ------------------------------------------------------------------------------


def test_last_wage_takes_latest_at_or_before_month() -> None:
    wages = [
        WageReport(period="2021-03", amount=3_000_000),
        WageReport(period="2021-07", amount=4_000_000),
        WageReport(period="2021-05", amount=3_400_000),
    ]
    assert last_wage(wages, "2021-06") == 3_400_000
    assert last_wage(wages, "2021-05") == 3_400_000
    assert last_wage(wages, "2021-04") == 3_000_000
    assert last_wage(wages, "2021-07") == 4_000_000
    assert last_wage(wages, "2021-02") is None


def test_last_wage_ties_take_last_in_list_order() -> None:
    wages = [
        WageReport(period="2021-06", amount=1),
        WageReport(period="2021-06", amount=2),
        WageReport(period="2021-05", amount=3),
    ]
    assert last_wage(wages, "2021-06") == 2


def test_last_wage_month_is_the_month_of_the_report_last_wage_reads() -> None:
    wages = [WageReport(period="2021-03", amount=1), WageReport(period="2021-07", amount=2),
             WageReport(period="2021-05", amount=3), WageReport(period="2021-05", amount=4)]
    assert [last_wage_month(wages, m) for m in ("2021-06", "2021-04", "2021-09", "2021-02")] == \
        ["2021-05", "2021-03", "2021-07", None]
    assert last_wage_month(None, "2021-06") is None and last_wage_month(wages, None) is None


def test_last_wage_unknown() -> None:
    assert last_wage(None, "2021-06") is None
    assert last_wage([WageReport(period="2021-01", amount=1)], None) is None
    assert last_wage([], "2021-06") is None


# --- contribution_billed --------------------------------------------------------------------


def test_contribution_billed() -> None:
    rows = [
        Contribution(period="2021-05"),
        Contribution(period="2021-06", paid_on="2021-07-10"),
    ]
    assert contribution_billed(rows, "2021-06") is True
    assert contribution_billed(rows, "2021-05") is True
    assert contribution_billed(rows, "2021-04") is False
    assert contribution_billed([], "2021-06") is False
    assert contribution_billed(None, "2021-06") is None
    assert contribution_billed(rows, None) is None


# --- arrears_streak -------------------------------------------------------------------------


def _c(period: str, paid_on: str | None = None) -> Contribution:
    return Contribution(period=period, paid_on=paid_on)


LATE = date(2030, 1, 1)  # every deadline has passed


def test_arrears_streak_counts_back_from_the_latest_month_already_due() -> None:
    rows = [_c("2021-04", "2021-05-10"), _c("2021-05"), _c("2021-06")]
    assert arrears_streak(rows, "2021-06", date(2021, 6, 30), 15) == 1  # June is not due until 15 July
    assert arrears_streak(rows, "2021-06", date(2021, 7, 15), 15) == 1  # due that day: not yet in arrears
    assert arrears_streak(rows, "2021-06", date(2021, 7, 16), 15) == 2
    assert arrears_streak(rows, "2021-05", AS_OF, 15) == 1
    assert arrears_streak(rows, "2021-04", AS_OF, 15) == 0


def test_the_deadline_is_capped_at_the_end_of_a_short_month() -> None:
    rows = [_c("2021-01")]
    assert arrears_streak(rows, "2021-01", date(2021, 2, 28), 31) == 0  # due 28 February
    assert arrears_streak(rows, "2021-01", date(2021, 3, 1), 31) == 1
    with pytest.raises(ValueError, match="due day"):
        arrears_streak(rows, "2021-01", AS_OF, 0)


def test_arrears_streak_zero_when_month_paid_or_not_billed() -> None:
    rows = [_c("2021-05"), _c("2021-06", "2021-07-15")]
    assert arrears_streak(rows, "2021-06", LATE, 15) == 0
    assert arrears_streak(rows, "2021-07", LATE, 15) == 0


def test_arrears_streak_counts_billed_months_across_a_gap() -> None:
    rows = [_c("2021-03"), _c("2021-05"), _c("2021-06")]  # April not billed: March is still owed
    assert arrears_streak(rows, "2021-06", LATE, 15) == 3
    rows = [_c("2021-01"), _c("2021-02"), _c("2021-03"), _c("2021-04"), _c("2021-06")]  # May not billed
    assert arrears_streak(rows, "2021-06", date(2021, 6, 30), 15) == 4  # counted back from May, the latest due
    paid = [_c("2021-02", "2021-03-10"), *rows[2:]]
    assert arrears_streak(paid, "2021-06", date(2021, 6, 30), 15) == 2  # a paid month ends it


def test_arrears_streak_crosses_year_boundary() -> None:
    rows = [_c("2020-11"), _c("2020-12"), _c("2021-01"), _c("2021-02")]
    assert arrears_streak(rows, "2021-02", LATE, 15) == 4


def test_arrears_streak_payment_after_as_of_does_not_count() -> None:
    rows = [_c("2021-04", "2021-08-01"), _c("2021-05", "2021-07-31")]
    assert arrears_streak(rows, "2021-05", date(2021, 7, 31), 15) == 0  # paid exactly on as_of
    assert arrears_streak(rows, "2021-05", date(2021, 7, 30), 15) == 2
    assert arrears_streak(rows, "2021-04", date(2021, 7, 31), 15) == 1


def test_arrears_streak_any_paid_row_pays_the_period() -> None:
    rows = [_c("2021-06"), _c("2021-06", "2021-07-01"), _c("2021-06")]
    assert arrears_streak(rows, "2021-06", LATE, 15) == 0


def test_arrears_streak_unknown() -> None:
    assert arrears_streak(None, "2021-06", AS_OF, 15) is None
    assert arrears_streak([], None, AS_OF, 15) is None
    assert arrears_streak([], "2021-06", None, 15) is None
    assert arrears_streak([], "2021-06", AS_OF, None) is None
    assert arrears_streak([], "2021-06", AS_OF, 15) == 0


def test_arrears_streak_long_history() -> None:
    rows = [_c(add_months("1900-01", i)) for i in range(3000)]
    assert arrears_streak(rows, add_months("1900-01", 2999), date(2200, 1, 1), 15) == 3000


small_months = st.builds(lambda i: add_months("2020-01", i), st.integers(0, 23))
pay_dates = st.none() | st.dates(date(2020, 1, 1), date(2022, 6, 30))
contribution_rows = st.lists(
    st.builds(lambda p, d: Contribution(period=p, paid_on=d), small_months, pay_dates),
    max_size=30,
)


def _deadline(month: str, due_day: int) -> date:
    """Written out independently of facts.arrears_start: day ``due_day`` of the next month, capped."""
    year, number = int(month[:4]) + int(month[5:]) // 12, int(month[5:]) % 12 + 1
    return date(year, number, min(due_day, calendar.monthrange(year, number)[1]))


def _naive_streak(rows: list[Contribution], month: str, as_of: date, due_day: int) -> int:
    while _deadline(month, due_day) >= as_of:
        month = add_months(month, -1)
    streak, earliest = 0, min((r.period for r in rows), default=month)
    while month >= earliest:  # month by month; a month not billed is passed over
        same = [r for r in rows if r.period == month]
        if any(r.paid_on is not None and r.paid_on <= as_of for r in same):
            return streak
        streak += bool(same)
        month = add_months(month, -1)
    return streak


@given(contribution_rows, small_months, st.dates(date(2020, 1, 1), date(2022, 6, 30)), st.integers(1, 31))
def test_arrears_streak_properties(rows: list[Contribution], month: str, as_of: date, due_day: int) -> None:
    streak = arrears_streak(rows, month, as_of, due_day)
    assert streak is not None
    assert 0 <= streak <= len(rows)
    assert streak == _naive_streak(rows, month, as_of, due_day)


@given(
    contribution_rows.filter(bool),
    small_months,
    st.dates(date(2020, 1, 1), date(2022, 6, 30)),
    st.data(),
)
def test_paying_a_contribution_never_increases_streak(
    rows: list[Contribution], month: str, as_of: date, data: st.DataObject
) -> None:
    before = arrears_streak(rows, month, as_of, 15)
    i = data.draw(st.integers(0, len(rows) - 1))
    paid = [*rows[:i], rows[i].model_copy(update={"paid_on": as_of}), *rows[i + 1 :]]
    after = arrears_streak(paid, month, as_of, 15)
    assert before is not None and after is not None
    assert after <= before


# --- received -------------------------------------------------------------------------------


def test_received() -> None:
    receipts = [
        ProgramReceipt(program="PRAKERJA", year=2020),
        ProgramReceipt(program="PKH", year=2022),
    ]
    assert received(receipts, ["PKH", "BPUM"]) is True
    assert received(receipts, ["BPUM"]) is False
    assert received(receipts, ["PKH"], 2022) is True
    assert received(receipts, ["PKH"], 2021) is False
    assert received(receipts, ["PRAKERJA", "PKH"], 2020) is True
    assert received(receipts, [Program.BSU_TEACHER]) is False
    assert received(receipts, [Program.PKH], 2022) is True
    assert received([], ["PKH"]) is False
    assert received(receipts, []) is False


def test_received_unknown() -> None:
    assert received(None, ["PKH"]) is None
    assert received([ProgramReceipt(program="PKH", year=2022)], None) is None
    assert received([ProgramReceipt(program="PKH", year=2022)], ["PKH"], None) is None  # a year given, unknown
    assert received([ProgramReceipt(program="PKH", year=2022)], ["PKH"]) is True  # no year given: any year


# --- province -------------------------------------------------------------------------------


def test_province() -> None:
    assert province("3215") == "32"
    assert province("1171") == "11"
    assert province(None) is None


def test_regency() -> None:
    umk = load_ruleset("bsu-2022").tables["minimum_wage"]  # Jawa Barat's regencies listed; DKI only as `31`
    assert regency("3215", umk) == "3215" and regency("3201", umk) == "3201"
    assert regency("3200", umk) is None  # Jawa Barat, the regency not given: which row applies is not known
    assert regency("3100", umk) == "3100"  # DKI: every regency reads the province's row
    assert regency("3300", umk) == "3300" and regency(None, umk) is None
    assert regency("3374050311890100", umk) == "3374050311890100"  # ends in 00, but no area code: as it is


def test_regency_of_a_province_whose_regencies_all_read_alike() -> None:
    """A code naming a province only reads as its regencies do when the table lists every one of them
    alike: DKI Jakarta's six are all PPKM areas in 2021, so ``3100`` is in the list whichever it is."""
    areas = load_ruleset("bsu-2021").tables["ppkm_areas"]
    assert regency("3100", areas) == "3101"
    assert regency("3200", areas) is None  # Jawa Barat: some of its regencies are not listed
    one_short = dataclasses.replace(areas, keys=areas.keys - {"3175"})
    assert regency("3100", one_short) is None
    umk = load_ruleset("bsu-2022").tables["minimum_wage"]
    six = dict.fromkeys(("3101", "3171", "3172", "3173", "3174", "3175"), Decimal("4641854"))
    same = dataclasses.replace(umk, keys=umk.keys | frozenset(six), values={**(umk.values or {}), **six})
    assert regency("3100", same) == "3101"
    unequal = dataclasses.replace(same, values={**(same.values or {}), "3175": Decimal("4641855")})
    assert regency("3100", unequal) is None  # which row applies changes the value
    bound = dataclasses.replace(same, bounds=same.bounds | {"3172"})
    assert regency("3100", bound) is None  # a lower bound may hide a different value


# --- round_up -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (4_798_312, 4_800_000),  # Karawang UMK 2021
        (Decimal("4416186.548"), 4_500_000),  # DKI UMP 2021
        (3_607_223, 3_700_000),  # Kota Jambi UMK 2025
        (4_641_854, 4_700_000),  # DKI UMP 2022
        (3_500_000, 3_500_000),  # already a multiple
        (Decimal("3500000.000"), 3_500_000),
        (Decimal("3500000.001"), 3_600_000),
        (
            Decimal("4400000.0000000000000001"),
            4_500_000,
        ),  # float would drop the fraction
        (10**18 + 1, 10**18 + 100_000),  # beyond float precision
        (0, 0),
    ],
)
def test_round_up_examples(amount: int | Decimal, expected: int) -> None:
    result = round_up(amount, 100_000)
    assert result == expected
    assert type(result) is int


def test_round_up_unknown_and_bad_step() -> None:
    assert round_up(None, 100_000) is None
    assert round_up(4_798_312, None) is None
    for step in (0, -100_000):  # a step a member's data gives: no multiple, unknown (a constant one fails `check`)
        assert round_up(4_798_312, step) is None


def test_a_month_past_year_9999_or_before_year_1_is_unknown() -> None:
    assert add_months("9999-12", 1) is None and add_months("0001-01", -1) is None
    assert add_months("2022-07", 3_400_000) is None and add_months("2022-07", -(2**62)) is None
    assert add_months("9999-11", 1) == "9999-12"


def test_round_up_rejects_float() -> None:
    with pytest.raises(TypeError):
        round_up(4416186.548, 100_000)  # type: ignore[arg-type]


amounts = st.integers(-(10**20), 10**20) | st.decimals(
    min_value=-(10**12),
    max_value=10**12,
    places=3,
    allow_nan=False,
    allow_infinity=False,
)


@given(amounts, st.integers(1, 10**7))
def test_round_up_properties(amount: int | Decimal, step: int) -> None:
    result = round_up(amount, step)
    assert result is not None
    assert result % step == 0
    assert result >= amount
    assert result < amount + step


# --- bank_key -------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "key"), [
    ("BRI", "BRI"), ("Bank BRI", "BRI"), ("BANK BRI", "BRI"), ("bri", "BRI"), ("Bank  bri ", "BRI"),
    ("BANK RAKYAT INDONESIA", "RAKYAT INDONESIA"), ("Bank Mandiri", "MANDIRI"), ("BNI 46", "BNI 46"),
    ("bni\u00a046", "BNI 46"), ("\tbank\nbtn", "BTN"), ("Bank Aceh Syariah", "ACEH SYARIAH"),
    ("Bankbri", "BANKBRI"), ("Bank", ""), ("", ""), ("Bank Contoh", "CONTOH"), ("ＢＲＩ", "BRI"),
    ("Ｂａｎｋ\u3000ｂｎｉ", "BNI"), ("BRI\u200b", "BRI"), ("\ufeffMandiri", "MANDIRI"), ("B\u00adRI", "BRI"),
    # a direction mark, a separator Python splits on, a Turkish keyboard's İ: still the bank (was paid via PT Pos)
    ("Bank BRI\u200e", "BRI"), ("\u202eBank BNI\u202c", "BNI"), ("Bank BRI\x85", "BRI"), ("Bank\x1cBTN", "BTN"),
    ("BANK MANDİRİ", "MANDIRI"), ("mandırı", "MANDIRI"), ("\u2066BRI\u2069", "BRI"),
    ("Bank\u2800BRI", "BRI"), ("Bank\u3164BRI", "BRI"), ("BRI\U0001d173", "BRI"), ("BRI\u2061", "BRI"),
    ("BRI\ufe0f", "BRI"), ("B\u034fRI", "BRI"), ("BRI\u3164", "BRI"), ("BRI\U000e0001", "BRI"),
    ("BRI\U00013430", "BRI"),
    # spellings a member writes (the payment was sent to PT Pos, the text said the bank is no state bank)
    ("BNI1946", "BNI 1946"), ("BNI46", "BNI 46"), ("BNI'46", "BNI 46"), ("BNI\u201946", "BNI 46"), ("B.R.I", "BRI"),
    ("B. R. I.", "BRI"), ("b r i", "BRI"), ("P T Bank BTN", "BTN"), ("A Bank B", "AB"), ("BRI Unit Cikarang", "BRI"),
    ("Bank BRI Cabang Bandung", "BRI"), ("BNI KCP.Sudirman", "BNI"), ("Bank Mandiri KC Jakarta Thamrin", "MANDIRI"),
    ("Bank Cabang", "CABANG"), ("Unit", "UNIT"), ("BRI Syariah Unit X", "BRI SYARIAH"), ("Bank 9 Jambi", "9 JAMBI"),
    ("BRI\x00", "BRI"), ("B\x00RI", "BRI"), ("BRI\x01", "BRI"), ("BRI\x7f", "BRI"), ("BRI\x9f", "BRI"),  # a damaged
    # export's control characters: not shown, not part of the name (was paid via PT Pos)
])
def test_bank_key_examples(name: str, key: str) -> None:
    assert bank_key(name) == key


def test_bank_key_unknown_in_unknown_out() -> None:
    assert bank_key(None) is None


@given(st.text(max_size=20))
def test_bank_key_is_idempotent(name: str) -> None:
    once = bank_key(name)
    assert once is not None and bank_key(once) == once
    assert "BANK" not in once.split(" ") and "  " not in once and once == once.strip(" ")


# --- month indexes ----------------------------------------------------------------------------


@given(months)
def test_month_index_round_trip(month: str) -> None:
    index = month_index(month)
    assert month_text(index) == month
    assert index == int(month[:4]) * 12 + int(month[5:]) - 1


@given(months, months)
def test_month_index_orders_as_the_text(a: str, b: str) -> None:
    assert (month_index(a) < month_index(b)) == (a < b)


@pytest.mark.parametrize("bad", ["2021-13", "2021-00", "2021-6", "202106", "", "2021-06\n", "２０２１-06"])
def test_month_index_rejects_non_months(bad: str) -> None:
    with pytest.raises(ValueError):
        month_index(bad)


def test_the_months_of_a_streak_are_those_it_counts() -> None:
    """The first and last month of the arrears ``arrears_streak`` counts: a month with no bill inside it, a month
    paid late (after the date) inside it, a month with a paid and an unpaid row outside it."""
    rows = [_c("2019-01"), _c("2019-02", "2019-03-01"), _c("2019-03"), _c("2019-05"), _c("2019-06", "2030-02-01"),
            _c("2021-06")]
    args = ("2021-06", date(2021, 7, 20), 15)  # June 2021 due by 15 July: the count starts there
    assert arrears_streak(rows, *args) == 4  # June 2021, June, May and March 2019; February paid ends it
    assert (arrears_first_month(rows, *args), arrears_last_month(rows, *args)) == ("2019-03", "2021-06")
    rows[-1] = _c("2021-06", "2021-07-01")  # the latest month due paid: no streak, no months
    assert arrears_streak(rows, *args) == 0
    assert arrears_first_month(rows, *args) is None and arrears_last_month(rows, *args) is None
    assert arrears_first_month(None, *args) is None and arrears_last_month(rows, None, LATE, 15) is None
    both = [_c("2021-04"), _c("2021-05"), _c("2021-05", "2021-06-01")]  # May paid by one of its rows
    assert (arrears_streak(both, "2021-05", LATE, 15), arrears_last_month(both, "2021-05", LATE, 15)) == (0, None)
