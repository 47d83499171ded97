"""Months inside the engine: an integer index, months since year 0 (``"2022-07"`` is 2022 * 12 + 6).

Rule files, member records and decisions spell months ``"YYYY-MM"``; evaluators that compare or
shift months work on the index, so that ``month_index(a) < month_index(b)`` exactly when month
``a`` comes before ``b`` and adding n moves n months.
"""

from __future__ import annotations

__all__ = ["month_index", "month_text"]


def month_index(month: str) -> int:
    """``"2022-07"`` -> 24270 (2022 * 12 + 6)."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_text(index: int) -> str:
    """24270 -> ``"2022-07"``: the inverse of ``month_index``."""
    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}"
