"""The 2022 edition written by hand in plain Python: the ratio base of ``peers.py``.

One function over a row dict as ``pyarrow.Table.to_pylist`` gives it (dates as ``datetime.date``),
returning the outcome only: no trace, no explanation, no validation. Its parameters are those of
``rules/bsu-2022.yaml`` for the decision date 2022-09-05, its minimum wages the rows of
``rules/tables/minimum-wage-2022.csv``; ``peers.py`` prints how often it agrees with the engine.
"""

from __future__ import annotations

import csv
import math
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

TABLE = Path(__file__).resolve().parents[1] / "rules" / "tables" / "minimum-wage-2022.csv"
CUTOFF, AS_OF, ON = "2022-07", date(2022, 7, 31), date(2022, 9, 5)
ARREARS_FROM = "2022-06"  # the latest month due (15th of the next month) before AS_OF
CEILING, ROUNDING = 3_500_000, 100_000
PROVINCES = {"11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36", "51",
             "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82", "91", "92",
             "93", "94", "95", "96"}


def ceilings() -> dict[str, tuple[int, bool]]:
    """Area code -> (wage ceiling, whether the minimum wage behind it is only a lower bound)."""
    out = {}
    for row in csv.DictReader(TABLE.open(encoding="utf-8")):
        minimum = Decimal(row["amount"])
        ceiling = math.ceil(minimum / ROUNDING) * ROUNDING if minimum > CEILING else CEILING
        out[row["area_code"]] = (ceiling, row["bound"] == "lower")
    return out


class Handwritten:
    """``decide(row) -> "eligible" | "ineligible" | "undetermined"``, as the rule file decides it."""

    def __init__(self) -> None:
        self.ceilings = ceilings()

    def decide(self, m: dict[str, Any]) -> str:
        unknown = False
        if m["citizenship"] != "WNI" or m["participant_category"] != "PU" or not nik_ok(m["nik"], m["birth_date"]):
            return "ineligible"
        if m["registered_on"] is None:
            unknown = True
        elif m["registered_on"] > AS_OF:
            return "ineligible"
        if (m["membership_ended_on"] and m["membership_ended_on"] <= AS_OF) or \
                (m["deceased_on"] and m["deceased_on"] <= ON):
            return "ineligible"
        contributions = m["contributions"]
        if contributions is None:
            unknown = True
        else:
            paid: dict[str, bool] = {}
            for c in contributions:
                paid[c["period"]] = paid.get(c["period"], False) or bool(c["paid_on"] and c["paid_on"] <= AS_OF)
            if CUTOFF not in paid:
                return "ineligible"
            streak, month = 0, ARREARS_FROM
            while month in paid and not paid[month]:
                streak += 1
                y, mo = int(month[:4]), int(month[5:])
                month = f"{y - (mo == 1)}-{12 if mo == 1 else mo - 1:02d}"
            if streak > 2:
                return "ineligible"
        wages = m["wages"]
        reported = [w for w in wages if w["period"] <= CUTOFF] if wages is not None else []
        if not reported:
            unknown = True
        else:
            wage = max(reported, key=lambda w: w["period"])["amount"]
            if wage > CEILING:
                code = m["work_regency_code"]
                ceiling, lower = self.ceilings.get(code) or self.ceilings.get((code or "")[:2]) or (CEILING, False)
                if code is None or (wage > ceiling and lower):
                    unknown = True
                elif wage > ceiling:
                    return "ineligible"
        kind, receipts = m["employment_type"], m["program_receipts"]
        if kind in ("pns", "tni", "polri"):
            return "ineligible"
        if receipts is not None and any(r["program"] == "BSU_TEACHER" and r["year"] == 2022 for r in receipts):
            return "ineligible"
        if kind is None or receipts is None:
            unknown = True
        return "undetermined" if unknown else "eligible"


def nik_ok(nik: str, born: date | None) -> bool:
    """The NIK's structure: province, regency, day (women + 40) in its month, month, serial, and the birth date."""
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if nik[:2] not in PROVINCES or nik[2:4] == "00" or nik[12:] == "0000" or not 1 <= month <= 12 \
            or not (1 <= day <= 31 or 41 <= day <= 71):
        return False
    days = (29 if yy % 4 == 0 else 28) if month == 2 else 30 if month in (4, 6, 9, 11) else 31
    if (day - 40 if day > 40 else day) > days:  # 30 February: no birth date
        return False
    return born is None or (day - 40 if day > 40 else day, month, int(nik[10:12])) == \
        (born.day, born.month, born.year % 100)
