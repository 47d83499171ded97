"""Counterfactual hints as sentences: each pair of phrases is English, Indonesian."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from bsu_rules.decisions import Change
from bsu_rules.formatting import format_date, format_month, format_value, rupiah
from bsu_rules.ruleset.types import DATE, member_fields

_OP = {"<=": ("at most", "paling banyak"), ">=": ("at least", "paling sedikit"), "==": ("exactly", "tepat")}
_DAY_OP = {"<=": ("on or before", "paling lambat"), ">=": ("on or after", "paling cepat"), "==": ("on", "pada")}
_LABEL = {"member.participant_category": ("participant category", "kategori peserta"),
          "member.employment_type": ("employment type", "jenis pekerjaan"),
          "member.work_regency_code": ("work regency code", "kode kabupaten/kota tempat kerja"),
          "member.employer.sector": ("employer's sector", "sektor pemberi kerja")}
_WHO = {"WNA": ("a foreign national (WNA)", "warga negara asing (WNA)"),
        "WNI": ("an Indonesian citizen (WNI)", "warga negara Indonesia (WNI)")}
_FACT = {"member.deceased_on": ("The participant died on {}", "Peserta meninggal dunia pada {}"),
         "member.membership_ended_on": ("Membership ended on {}", "Kepesertaan berakhir pada {}"),
         "member.registered_on": ("Registered on {}", "Terdaftar {}"),
         "member.program_receipts": ("Aid already received stays on the record",
                                     "Bantuan yang sudah diterima tetap tercatat")}
_month = lru_cache(maxsize=512)(format_month)
_NO_HELP = ("; no change to the record can help.", "; tidak ada perubahan data yang dapat membantu.")


def describe(changes: Sequence[Change], possible: bool, sufficient: bool, lang: str) -> str:
    """A hint as one sentence in Bahasa Indonesia (``id``) or English (``en``)."""
    k = 0 if lang == "en" else 1
    if not possible:
        return " ".join(dict.fromkeys(_fact(c, k, lang) + _NO_HELP[k] for c in changes))
    head = ("Eligible if ", "Layak jika ") if sufficient else \
        ("This criterion is met if ", "Kriteria ini terpenuhi jika ")
    return head[k] + (" and ", " dan ")[k].join(_phrase(c, k, lang) for c in changes)


def _show(value: Any, field: str, lang: str) -> str:
    if isinstance(value, list):
        return _join([_show(v, field, lang) for v in value], ("or", "atau")[lang != "en"])
    return _show_one(value, field, lang) if isinstance(value, (int, str)) else _format(value, field, lang)


def _format(value: Any, field: str, lang: str) -> str:
    if field == "member.wages" and isinstance(value, int):
        return rupiah(value)
    if member_fields().get(field) == DATE and isinstance(value, str):
        return format_date(date.fromisoformat(value), lang)
    return format_value(value, lang)


_show_one = lru_cache(maxsize=4096, typed=True)(_format)  # the same bounds, wages and dates recur


def _join(items: list[str], word: str) -> str:
    if len(items) > 8:
        items = [*items[:6], f"… ({len(items)})"]
    return f"{', '.join(items[:-1])} {word} {items[-1]}" if len(items) > 1 else "".join(items)


def _phrase(c: Change, k: int, lang: str) -> str:
    p = c.patch if isinstance(c.patch, dict) else {}
    now = (" (it is {})", " (saat ini {})")[k].format(_show(c.current, c.field, lang))
    if c.field == "member.wages":
        word, month, wage = _OP[str(c.op)][k], _month(str(p["period"]), lang), rupiah(int(str(p["amount"])))
        return (f"the reported wage for {month} were {word} {wage}", f"upah terlapor {month} {word} {wage}")[k] + now
    if c.field == "member.contributions":
        periods = p["periods"] if isinstance(p["periods"], list) else []
        months = _join([_month(str(m), lang) for m in periods], ("and", "dan")[k])
        by, s = _show_one(str(p["paid_on"]), "member.registered_on", lang), "s" if len(periods) > 1 else ""
        return (f"the contribution{s} for {months} had been paid by {by}",
                f"iuran {months} sudah dibayar paling lambat {by}")[k]
    label = _LABEL.get(c.field, (f"`{c.field}`", f"`{c.field}`"))[k]
    value = _show(c.required, c.field, lang)
    if c.op == "in":
        return (f"the {label} were one of {value}", f"{label} salah satu dari {value}")[k] + now
    if c.op == "==" and c.field in _LABEL:
        return (f"the {label} were {value}", f"{label} {value}")[k] + now
    word = (_DAY_OP if member_fields().get(c.field) == DATE else _OP)[str(c.op)][k]
    return (f"{label} were {word} {value}", f"{label} {word} {value}")[k] + now


def _fact(c: Change, k: int, lang: str) -> str:
    """Why a recorded fact stands in the way."""
    cur = _show(c.current, c.field, lang)
    if c.field == "member.registered_on" and c.op == "<=" and c.required is not None:
        cutoff = _show(c.required, c.field, lang)
        return (f"The cut-off of {cutoff} has passed (registered on {cur})",
                f"Batas {cutoff} sudah lewat (terdaftar {cur})")[k]
    if c.field == "member.citizenship" and c.op == "==" and c.current in _WHO and c.required in _WHO:
        who, only = _WHO[str(c.current)][k], _WHO[str(c.required)][k]
        return (f"The participant is {who}, and only {only} qualifies",
                f"Peserta adalah {who}, sedangkan yang layak hanya {only}")[k]
    if c.field in _FACT:
        return _FACT[c.field][k].format(cur)
    return (f"`{c.field}` ({cur}) is a recorded fact", f"`{c.field}` ({cur}) adalah fakta tercatat")[k]
