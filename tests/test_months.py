"""Month indices: the one integer encoding of months inside the engine."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bsu_rules.months import month_index, month_text

MONTHS = st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(1, 9999), st.integers(1, 12))


def test_known_values() -> None:
    assert month_index("2022-07") == 2022 * 12 + 6
    assert month_index("2023-01") - month_index("2022-12") == 1
    assert month_text(2022 * 12 + 11) == "2022-12"
    assert month_text(2023 * 12) == "2023-01"


@given(MONTHS)
def test_round_trip(month: str) -> None:
    assert month_text(month_index(month)) == month


@given(MONTHS, MONTHS)
def test_order_is_kept(a: str, b: str) -> None:
    assert (month_index(a) < month_index(b)) == (a < b)
