"""Months inside the engine: one integer per month, ``year * 12 + month - 1``.

Records, parameters and decisions keep months as ``"YYYY-MM"`` text; the engine converts at the
edge with these two functions and counts months as integers inside.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["month_index", "month_text"]


@lru_cache(maxsize=4096)
def month_index(month: str) -> int:
    """``"2022-07"`` -> 2022 * 12 + 6; ValueError if ``month`` is not "YYYY-MM" (month 01-12)."""
    if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit() or not month.isascii():
        raise ValueError(f"{month!r} is not a month (YYYY-MM)")
    number = int(month[5:])
    if not 1 <= number <= 12:
        raise ValueError(f"{month!r} is not a month (YYYY-MM)")
    return int(month[:4]) * 12 + number - 1


def month_text(index: int) -> str:
    """The inverse of :func:`month_index`: 2022 * 12 + 6 -> ``"2022-07"``."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
