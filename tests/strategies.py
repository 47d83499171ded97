"""Hypothesis strategies for member records (dicts valid for ``bsu_rules.parse_member``).

``members()`` draws records around one edition's cut-off (given, or one of the four drawn):
most are plausible participants (a good share come out eligible), the rest sit on the edges:
wages at, just under and just over 3.500.000, 5.000.000, the regional minimum wages and their
rounded ceilings; regencies with and without a minimum wage (Karawang, Bekasi, DKI, Jambi, Aceh,
Kepulauan Riau, the Papua provinces, rows that are lower bounds, unlisted, non-ASCII digits); bank
names in any case and spacing, known or not; arrears runs, gaps and repaid months with payments
just before and after ``as_of``; deaths and membership ends around the cut-off and the decision
dates; every category and employment type; valid NIKs and NIKs broken in each part; PKH,
Prakerja, BPUM, BSU and BSU_TEACHER receipts in several years. Any optional field may be absent
or null, any list empty.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from bsu_rules.catalogue.calendar import add_months
from bsu_rules.members import Citizenship, EmploymentType, ParticipantCategory, Program
from bsu_rules.nik import PROVINCES
from bsu_rules.regencies import REGENCIES as KEMENDAGRI

__all__ = ["ANCHORS", "BANK_NAMES", "WAGES", "members", "niks"]

ANCHORS: list[tuple[str, date, list[date]]] = [  # cut-off month, as_of, decision dates events fall near
    ("2020-06", date(2020, 6, 30), [date(2020, 8, 14)]),
    ("2021-06", date(2021, 6, 30), [date(2021, 7, 28), date(2021, 11, 8)]),
    ("2022-07", date(2022, 7, 31), [date(2022, 9, 5)]),
    ("2025-04", date(2025, 4, 30), [date(2025, 6, 2)]),
]
MINIMUM_WAGES = [4_416_186, 4_416_187, 4_641_854, 4_798_312, 4_791_843, 4_791_844, 4_816_921, 3_607_223,
                 3_898_856, 3_685_616, 3_623_654, 5_396_761, 5_599_593, 3_501_441, 3_516_700, 3_561_932, 3_717_948,
                 4_285_850, 3_613_545, 4_375_479, 4_150_930]
CEILINGS = [3_500_000, 3_600_000, 3_700_000, 3_800_000, 3_900_000, 4_200_000, 4_300_000, 4_400_000, 4_500_000,
            4_700_000, 4_800_000, 4_900_000, 5_000_000, 5_400_000, 5_600_000]
WAGES = st.one_of(
    st.sampled_from(CEILINGS + MINIMUM_WAGES).flatmap(lambda w: st.sampled_from([w - 1, w, w + 1])),
    st.integers(1_000_000, 3_500_000),
    st.integers(0, 9_000_000),
)
"""Monthly wages: at, just under or just over a ceiling or a regional minimum wage, or anything."""
REGENCIES = ["3215", "3216", "3275", "3276", "3201", "3271", "3214", "3273", "3101", "3171", "3175", "3100",
             "1571", "1501", "1171", "1101", "1100", "2171", "2105", "2101", "2103", "3578", "3672", "3674",
             "7371", "6471", "1471", "1114", "2172", "9171", "9301", "9404", "9502", "9202", "9671", "1971",
             "3273", "3515", "3329", "1900", "3200", "9100", "2100"]
PLACES = sorted({code for codes in KEMENDAGRI.values() for code in codes} | {f"{p}00" for p in PROVINCES})
"""Every code the contract takes: each regency and city, each province with its regency not given."""
BANKS = ["BRI", "BNI", "MANDIRI", "Mandiri", "BTN", "BCA", "BSI", "bri", "", "Bank  bri ", "BANK RAKYAT INDONESIA",
         "Bank Mandiri", "BNI 46", "bni\u00a046", "\tbank\nBTN", "Bank Syariah Indonesia", "Bank Aceh Syariah",
         "Bank Central Asia", "Bank", "bank bank", "Bank Contoh", "Straße", "BNI1946", "BNI'46", "B.R.I",
         "BRI Unit Cikarang", "Bank BRI Cabang Bandung", "Cabang"]
BANK_NAMES = st.sampled_from(BANKS) | st.text(
    alphabet="abBkKnNIrRsß.'469 \t\n\u00a0\u2003\x1cＢＲＩｂｒｉ\u3000\u200b\ufeff\u200e\u0085\u0130\u0131\x00\x01"
    "\x7f\x9f\u2061\ufe0f\u3164",
    max_size=14)
"""Bank names as members write them: aliases in any case and spacing, unknown banks, odd whitespace,
full-width letters and invisible characters."""


def _day(anchor: date, before: int, after: int) -> st.SearchStrategy[date]:
    return st.integers(-before, after).map(lambda n: anchor + timedelta(days=n))


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


@st.composite
def niks(draw: st.DrawFn, birth: date | None = None) -> str:
    """A 16-digit NIK: mostly valid (and matching ``birth`` when given), else broken in one part."""
    province = draw(st.sampled_from(sorted(PROVINCES)))
    regency = f"{draw(st.integers(1, 99)):02d}"
    district = f"{draw(st.integers(0, 99)):02d}"
    if birth is not None and draw(st.sampled_from([True] * 5 + [False])):
        day, month, year = birth.day, birth.month, birth.year % 100
    else:
        day, month, year = draw(st.integers(1, 31)), draw(st.integers(1, 12)), draw(st.integers(0, 99))
    day += 40 if draw(st.booleans()) else 0
    serial = f"{draw(st.integers(1, 9999)):04d}"
    broken = draw(st.sampled_from(["none"] * 40 + ["province", "regency", "day", "month", "serial"]))
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
    nik = f"{province}{regency}{district}{day:02d}{month:02d}{year:02d}{serial}"
    return nik


def _maybe(draw: st.DrawFn, value: st.SearchStrategy[Any], none: int = 10) -> Any:
    """``value`` drawn, or None about once in ``none`` times."""
    return None if draw(st.sampled_from([False] * (none - 1) + [True])) else draw(value)


def _often(usual: st.SearchStrategy[Any], edge: st.SearchStrategy[Any], edges: int = 3) -> st.SearchStrategy[Any]:
    """Usually ``usual``; ``edge`` about once in ``edges`` times."""
    return st.sampled_from([False] * (edges - 1) + [True]).flatmap(lambda at_edge: edge if at_edge else usual)


@st.composite
def members(draw: st.DrawFn, cutoff: str | None = None, as_of: date | None = None) -> dict[str, Any]:
    """A member record (dict) around the cut-off month ``cutoff`` read at ``as_of`` (an edition's
    parameters; by default one of the bundled editions, drawn)."""
    if cutoff is None or as_of is None:
        cutoff, as_of, decided = draw(st.sampled_from(ANCHORS))
    else:
        decided = [as_of + timedelta(days=40)]
    events = st.sampled_from([as_of, *decided]).flatmap(lambda d: _day(d, 3, 3)) | _day(as_of, 900, 200)
    birth = _maybe(draw, st.dates(date(1955, 1, 1), date(2004, 12, 31)), 6)  # before any registration drawn
    record: dict[str, Any] = {
        "nik": draw(niks(birth)),
        "citizenship": draw(_often(st.just("WNI"), st.sampled_from([c.value for c in Citizenship]), 8)),
        "participant_category": draw(_often(st.just("PU"), st.sampled_from([c.value for c in ParticipantCategory]))),
    }
    optional: dict[str, Any] = {
        "kpj": _maybe(draw, st.from_regex(r"[0-9]{10,13}", fullmatch=True), 6),
        "name": _maybe(draw, st.sampled_from(["Siti Aminah", "Budi", "Made Wirawan", "BRI"]), 4),
        "birth_date": _iso(birth),
        "employment_type": _maybe(draw, _often(st.just("private"), st.sampled_from([e.value for e in EmploymentType]))),
        "work_regency_code": _maybe(draw, st.sampled_from(REGENCIES) | st.sampled_from(PLACES)),
        "employer": _maybe(draw, st.fixed_dictionaries({}, optional={
            "npp": st.just("AA012345"), "name": st.sampled_from(["PT Contoh", "BRI"]),
            "sector": st.none() | st.sampled_from("ABCDEFGHIJKLMNOPQRSTU")})),
        "registered_on": _iso(_maybe(draw, _often(_day(as_of, 5000, -60), events))),
        "membership_ended_on": _iso(draw(_often(st.none(), events, 8))),
        "deceased_on": _iso(draw(_often(st.none(), events, 10))),
        "wages": _maybe(draw, _wages(cutoff)),
        "contributions": _maybe(draw, _contributions(cutoff, as_of)),
        "program_receipts": _maybe(draw, st.lists(st.fixed_dictionaries({
            "program": st.sampled_from([p.value for p in Program]),
            "year": st.integers(as_of.year - 2, as_of.year + 1)}), max_size=3)),
        "bank_account": _maybe(draw, st.fixed_dictionaries({
            "bank": BANK_NAMES | st.none(), "number": st.sampled_from(["012301000123456", ""]) | st.none(),
        }, optional={"holder_name": st.just("Siti Aminah")}), 6),
    }
    registered, ended = optional["registered_on"], optional["membership_ended_on"]
    if registered and ended and ended < registered:  # a membership cannot end before it begins: both days kept
        optional["registered_on"], optional["membership_ended_on"] = ended, registered
    for key, value in optional.items():  # an absent field and a null field both mean unknown
        if value is not None or draw(st.booleans()):
            record[key] = value
    return record


def _repeats(draw: st.DrawFn, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Exact copies of some rows (sent twice by a source system): one row per period counts once."""
    if not rows:
        return []
    return [dict(row) for row in draw(st.lists(st.sampled_from(rows), max_size=2))]


@st.composite
def _wages(draw: st.DrawFn, cutoff: str) -> list[dict[str, Any]]:
    """Monthly reports ending at or near the cut-off month (sometimes long before or after it)."""
    end = draw(_often(st.just(0), st.integers(-3, 2) | st.integers(-40, 12)))
    count = draw(_often(st.integers(1, 4), st.integers(0, 12)))
    reports = [{"period": add_months(cutoff, end - k), "amount": draw(WAGES)} for k in range(count)]
    extra = _repeats(draw, reports)
    shuffle = bool(extra) or draw(st.booleans())
    return list(draw(st.permutations(reports + extra))) if shuffle else reports


@st.composite
def _contributions(draw: st.DrawFn, cutoff: str, as_of: date) -> list[dict[str, Any]]:
    """A run of billed months ending near the cut-off, paid in time, late (after ``as_of``) or not."""
    end = draw(_often(st.just(0), st.integers(-2, 2)))
    length = draw(_often(st.integers(1, 8), st.integers(0, 30)))
    gaps = draw(st.sets(st.integers(0, max(length - 1, 0)), max_size=2)) if draw(st.booleans()) else set()
    paid = _often(_day(as_of, 60, -5), st.none() | _day(as_of, 2, 2) | _day(as_of, 3, 40))
    unpaid = draw(st.integers(0, length))  # the most recent months may be in arrears
    rows = [{"period": add_months(cutoff, end - k), "amount": 204_000,
             "paid_on": _iso(draw(st.none() | _day(as_of, 2, 40)) if k < unpaid and draw(st.booleans())
                             else draw(paid))}
            for k in range(length) if k not in gaps]
    extra = _repeats(draw, rows)
    shuffle = bool(extra) or draw(st.booleans())
    return list(draw(st.permutations(rows + extra))) if shuffle else rows
