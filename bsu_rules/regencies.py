"""The regency and city codes of Kemendagri that a record's ``work_regency_code`` may carry.

The codes of Kepmendagri 300.2.2-2138/2025, and the Papua codes in use before the 2022 split (``9101``
Kabupaten Merauke, now ``9301``), which records of the earlier editions carry. A code is a province
(``nik.PROVINCES``) and two digits; ``00`` names the province only and is accepted besides these.
The bundled glossary names each of them (``places``); a test holds the two lists equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_NUMBERS = {  # each province's regencies (01-...) and cities (71-...), in runs
    "11": "01-18 71-75",
    "12": "01-25 71-78",
    "13": "01-12 71-77",
    "14": "01-10 71-72",
    "15": "01-09 71-72",
    "16": "01-13 71-74",
    "17": "01-09 71",
    "18": "01-13 71-72",
    "19": "01-06 71",
    "21": "01-05 71-72",
    "31": "01 71-75",
    "32": "01-18 71-79",
    "33": "01-29 71-76",
    "34": "01-04 71",
    "35": "01-29 71-79",
    "36": "01-04 71-74",
    "51": "01-08 71",
    "52": "01-08 71-72",
    "53": "01-21 71",
    "61": "01-12 71-72",
    "62": "01-13 71",
    "63": "01-11 71-72",
    "64": "01-03 07-09 11 71-72 74",
    "65": "01-04 71",
    "71": "01-11 71-74",
    "72": "01-12 71",
    "73": "01-18 22 24 26 71-73",
    "74": "01-15 71-72",
    "75": "01-05 71",
    "76": "01-06",
    "81": "01-09 71-72",
    "82": "01-08 71-72",
    "91": "01-28 71",
    "92": "01-12 71",
    "93": "01-04",
    "94": "01-08",
    "95": "01-08",
    "96": "01-05 71",
}


def _codes(province: str, runs: str) -> tuple[str, ...]:
    bounds = [run.partition("-")[::2] for run in runs.split()]
    return tuple(f"{province}{n:02d}" for low, high in bounds for n in range(int(low), int(high or low) + 1))


REGENCIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {province: _codes(province, runs) for province, runs in _NUMBERS.items()})
"""Each province's regency and city codes (``"31"`` -> ``("3101", "3171", ..., "3175")``)."""
