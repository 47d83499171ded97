"""Counterfactual hints as sentences about the record, never advice to change it.

"Peserta akan memenuhi syarat seandainya iuran bulan Juli 2022 telah dibayar paling lambat 31 Juli
2022" states what the record would have to say; a fact no change can alter (a death, a
registration after the cut-off) is stated as a fact. Labels and values come from the glossary.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from bsu_rules.catalogue import FUNCTIONS
from bsu_rules.decisions import Change
from bsu_rules.formatting import format_date, rupiah
from bsu_rules.glossary import Glossary, join, load_glossary
from bsu_rules.ruleset.types import DATE, member_fields

_HEAD = {"id": ("Peserta akan memenuhi syarat seandainya ", "Syarat ini akan terpenuhi seandainya "),
         "en": ("The participant would be eligible if ", "This requirement would be met if ")}
_OP = {"id": {"<=": "paling banyak", ">=": "paling sedikit", "==": "sebesar", "<": "kurang dari"},
       "en": {"<=": "at most", ">=": "at least", "==": "exactly", "<": "less than"}}
_ROUND = 100_000
"""A bound of whole hundred thousands of rupiah: "at most Rp4.999.999" is said "less than Rp5.000.000"."""
_DAY_OP = {"id": {"<=": "paling lambat", ">=": "paling cepat", "==": "pada"},
           "en": {"<=": "on or before", ">=": "on or after", "==": "on"}}
_RECORDED = {"id": " (yang tercatat: {})", "en": " (on record: {})"}
_FACT = {
    "member.deceased_on": {"id": "Peserta tercatat meninggal dunia pada {}; BSU tidak disalurkan kepada peserta yang "
                                 "telah meninggal dunia.",
                           "en": "The participant is recorded as having died on {}; BSU is not paid to a participant "
                                 "who has died."},
    "member.membership_ended_on": {"id": "Kepesertaan tercatat berakhir pada {}.",
                                   "en": "The membership is recorded as having ended on {}."},
    "member.registered_on": {"id": "Peserta tercatat terdaftar pada {}.",
                             "en": "The participant is recorded as registered on {}."},
    "member.program_receipts": {"id": "Bantuan yang telah diterima tercatat dan diperhitungkan dalam penilaian ini.",
                                "en": "Aid already received is on record and counts in this assessment."},
}
_INVERSIONS = {f.inversion.field: f.inversion for f in FUNCTIONS.values() if f.inversion is not None}


def describe(changes: Sequence[Change], possible: bool, sufficient: bool, lang: str,
             glossary: Glossary | None = None) -> str:
    """A hint as one sentence in Bahasa Indonesia (``id``) or English (``en``)."""
    g = glossary or load_glossary()
    if not possible:
        return " ".join(dict.fromkeys(_fact(c, lang, g) for c in changes))
    head = _HEAD[lang][0 if sufficient else 1]
    return head + join([_phrase(c, lang, g) for c in changes], lang) + "."


def _show(value: Any, field: str, lang: str, g: Glossary, word: str = "or") -> str:
    if isinstance(value, list):
        items = [_show(v, field, lang, g) for v in value]
        if len(items) > 8:
            items = [*items[:6], f"… ({len(items)})"]
        return join(items, lang, word)
    if field == "member.wages" and isinstance(value, int):
        return rupiah(value)
    if member_fields().get(field) == DATE and isinstance(value, str):
        return _date(value, lang)
    return g.show(field, value, lang)


@lru_cache(maxsize=4096)
def _date(value: str, lang: str) -> str:
    return format_date(date.fromisoformat(value), lang)


def _phrase(c: Change, lang: str, g: Glossary) -> str:
    recorded = _RECORDED[lang].format(_show(c.current, c.field, lang, g))
    if c.field in _INVERSIONS and isinstance(c.patch, dict):
        patch, op = c.patch, str(c.op)
        if op == "<=" and type(c.required) is int and (c.required + 1) % _ROUND == 0 and "amount" in patch:
            patch, op = {**patch, "amount": c.required + 1}, "<"  # the same whole rupiah, said as the rule says it
        return _INVERSIONS[c.field].phrase(patch, _OP[lang].get(op, ""), recorded, lang)
    label = g.label(c.field, lang)
    value = _show(c.required, c.field, lang, g)
    if c.op in ("in", "==") and member_fields().get(c.field) != DATE:
        return (f"{label} yang tercatat adalah {value}" if lang == "id" else
                f"the {label} on record were {value}") + recorded
    word = (_DAY_OP if member_fields().get(c.field) == DATE else _OP)[lang][str(c.op)]
    return (f"{label} {word} {value}" if lang == "id" else f"the {label} were {word} {value}") + recorded


def _fact(c: Change, lang: str, g: Glossary) -> str:
    """A recorded fact that stands in the way, stated as a fact."""
    cur = _show(c.current, c.field, lang, g)
    if c.field == "member.registered_on" and c.op == "<=" and c.required is not None:
        cutoff = _show(c.required, c.field, lang, g)
        return (f"Peserta tercatat terdaftar pada {cur}, setelah batas kepesertaan {cutoff}." if lang == "id" else
                f"The participant is recorded as registered on {cur}, after the cut-off of {cutoff}.")
    if c.field == "member.citizenship" and c.op == "==" and c.required is not None:
        only = _show(c.required, c.field, lang, g)
        return (f"Peserta tercatat sebagai {cur}, sedangkan BSU hanya untuk {only}." if lang == "id" else
                f"The participant is recorded as a {cur}, and BSU is only for an {only}.")
    if c.field in _FACT:
        return _FACT[c.field][lang].format(cur)
    label = g.label(c.field, lang)
    return (f"{label[:1].upper()}{label[1:]} tercatat {cur}." if lang == "id" else
            f"The {label} is recorded as {cur}.")
