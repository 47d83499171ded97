"""Hypothesis strategies for member records (dicts valid for ``bsu_rules.parse_member``).

``members()`` draws records around the four editions' cut-offs: boundary wages (3.500.000,
5.000.000, regional minimum wages and their rounded ceilings), regency codes with and without a
minimum wage (Karawang, DKI, Jambi, Aceh, Kepulauan Riau, unlisted), arrears runs with payments
just before and after ``as_of``, deaths and membership ends around the cut-off and the decision
dates, every category and employment type, valid and broken NIKs, and PKH / Prakerja / BPUM /
BSU_TEACHER receipts in several years. Any field may be null, any list empty.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from bsu_rules.facts import add_months
from bsu_rules.members import Citizenship, EmploymentType, ParticipantCategory, Program
from bsu_rules.nik import PROVINCES

__all__ = ["ANCHORS", "WAGES", "members", "niks"]

ANCHORS: list[tuple[str, date, list[date]]] = [  # cut-off month, as_of, decision dates near which events fall
    ("2020-06", date(2020, 6, 30), [date(2020, 8, 14)]),
    ("2021-06", date(2021, 6, 30), [date(2021, 7, 28), date(2021, 11, 8)]),
    ("2022-07", date(2022, 7, 31), [date(2022, 9, 5)]),
    ("2025-04", date(2025, 4, 30), [date(2025, 6, 2)]),
]
MINIMUM_WAGES = [4_416_186, 4_416_187, 4_641_854, 4_798_312, 4_791_843, 4_791_844, 4_816_921, 3_607_223,
                 3_898_856, 3_685_616, 3_623_654, 5_396_761, 5_599_593, 3_501_441]
CEILINGS = [3_500_000, 3_600_000, 3_700_000, 3_900_000, 4_500_000, 4_700_000, 4_800_000, 4_900_000, 5_000_000,
            5_400_000, 5_600_000]
WAGES = st.one_of(
    st.sampled_from(CEILINGS + MINIMUM_WAGES).flatmap(lambda w: st.sampled_from([w - 1, w, w + 1])),
    st.integers(0, 9_000_000),
)
"""Monthly wages, mostly at, just under or just over a ceiling or a regional minimum wage."""
REGENCIES = ["3215", "3216", "3275", "3276", "3201", "3271", "3214", "3273", "3101", "3171", "3175", "3100",
             "1571", "1501", "1171", "1101", "1100", "2171", "2105", "2101", "2199", "3578", "3672", "3674",
             "7371", "6471", "1471", "9999", "0000"]
BANKS = ["BRI", "BNI", "MANDIRI", "Mandiri", "BTN", "BCA", "BSI", "bri", ""]


def _day(anchor: date, before: int, after: int) -> st.SearchStrategy[date]:
    return st.integers(-before, after).map(lambda n: anchor + timedelta(days=n))


@st.composite
def niks(draw: st.DrawFn, birth: date | None = None) -> str:
    """A 16-digit NIK: mostly valid (matching ``birth`` when given), else broken in one place."""
    province = draw(st.sampled_from(sorted(PROVINCES)))
    regency = draw(st.integers(1, 99).map(lambda n: f"{n:02d}"))
    district = draw(st.integers(0, 99).map(lambda n: f"{n:02d}"))
    if birth is not None and draw(st.booleans()):
        day, month, year = birth.day, birth.month, birth.year % 100
    else:
        day, month, year = draw(st.integers(1, 28)), draw(st.integers(1, 12)), draw(st.integers(0, 99))
    day += 40 if draw(st.booleans()) else 0
    serial = draw(st.integers(1, 9999).map(lambda n: f"{n:04d}"))
    broken = draw(st.sampled_from(["none"] * 6 + ["province", "regency", "day", "month", "serial"]))
    if broken == "province":
        province = draw(st.sampled_from(["00", "10", "20", "30", "37", "99"]))
    elif broken == "regency":
        regency = "00"
    elif broken == "day":
        day = draw(st.sampled_from([0, 32, 40, 72, 99]))
    elif broken == "month":
        month = draw(st.sampled_from([0, 13, 99]))
    elif broken == "serial":
        serial = "0000"
    return f"{province}{regency}{district}{day:02d}{month:02d}{year:02d}{serial}"


def _maybe(draw: st.DrawFn, value: st.SearchStrategy[Any], none: int = 8) -> Any:
    """``value`` drawn, or None about once in ``none`` times."""
    return None if draw(st.integers(0, none - 1)) == 0 else draw(value)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


@st.composite
def members(draw: st.DrawFn) -> dict[str, Any]:
    """A member record as a dict (see the module docstring for what is covered)."""
    cutoff, as_of, decided = draw(st.sampled_from(ANCHORS))
    events = st.sampled_from([as_of, *decided]).flatmap(lambda d: _day(d, 3, 3)) | _day(as_of, 900, 200)
    birth = _maybe(draw, st.dates(date(1955, 1, 1), date(2006, 12, 31)), 6)
    record: dict[str, Any] = {
        "nik": draw(niks(birth)),
        "citizenship": draw(st.sampled_from([c.value for c in Citizenship] + ["WNI"] * 4)),
        "participant_category": draw(st.sampled_from([c.value for c in ParticipantCategory] + ["PU"] * 4)),
    }
    optional: dict[str, Any] = {
        "kpj": _maybe(draw, st.from_regex(r"\d{10,13}", fullmatch=True), 5),
        "name": _maybe(draw, st.sampled_from(["Siti Aminah", "Budi", "Made Wirawan"]), 4),
        "birth_date": _iso(birth),
        "employment_type": _maybe(draw, st.sampled_from([e.value for e in EmploymentType] + ["private"] * 3)),
        "work_regency_code": _maybe(draw, st.sampled_from(REGENCIES) | st.from_regex(r"\d{4}", fullmatch=True)),
        "employer": _maybe(draw, st.fixed_dictionaries({}, optional={
            "npp": st.just("AA012345"), "name": st.just("PT Contoh"),
            "sector": st.none() | st.sampled_from("ABCDEFGHIJKLMNOPQRSTU")})),
        "registered_on": _iso(_maybe(draw, events)),
        "membership_ended_on": _iso(draw(st.none() | st.none() | events)),
        "deceased_on": _iso(draw(st.none() | st.none() | st.none() | events)),
        "wages": _maybe(draw, _wages(cutoff), 10),
        "contributions": _maybe(draw, _contributions(cutoff, as_of), 10),
        "program_receipts": _maybe(draw, st.lists(st.fixed_dictionaries({
            "program": st.sampled_from([p.value for p in Program]),
            "year": st.integers(as_of.year - 2, as_of.year + 1)}), max_size=3), 10),
        "bank_account": _maybe(draw, st.fixed_dictionaries({}, optional={
            "bank": st.none() | st.sampled_from(BANKS), "number": st.sampled_from(["", "012301000123456"]),
            "holder_name": st.just("Siti Aminah")}), 6),
    }
    for key, value in optional.items():  # a missing field and a null field both mean unknown
        if value is not None or draw(st.booleans()):
            record[key] = value
    return record


def _wages(cutoff: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Reports near the cut-off month (sometimes only long before or after it), duplicates allowed."""
    offset = st.integers(-3, 2) | st.integers(-40, 12)
    report = st.fixed_dictionaries({"period": offset.map(lambda n: add_months(cutoff, n)), "amount": WAGES})
    return st.lists(report, max_size=6)


@st.composite
def _contributions(draw: st.DrawFn, cutoff: str, as_of: date) -> list[dict[str, Any]]:
    """A run of billed months ending near the cut-off, paid in time, late (after ``as_of``) or not."""
    end = draw(st.integers(-2, 2))
    length = draw(st.integers(0, 8) | st.integers(0, 30))
    gaps = draw(st.sets(st.integers(0, max(length - 1, 0)), max_size=2))
    paid = st.none() | _day(as_of, 60, 1) | _day(as_of, 2, 2) | _day(as_of, 3, 40)
    rows = [{"period": add_months(cutoff, end - k), "amount": 204_000, "paid_on": _iso(draw(paid))}
            for k in range(length) if k not in gaps]
    extra = draw(st.lists(st.fixed_dictionaries({  # a second row for a month: a repayment or a correction
        "period": st.integers(-3, 1).map(lambda n: add_months(cutoff, n)),
        "amount": st.none() | st.just(204_000), "paid_on": paid.map(_iso)}), max_size=2))
    order = draw(st.permutations(rows + extra)) if draw(st.booleans()) else rows + extra
    return list(order)
