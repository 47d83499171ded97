"""What an undetermined decision names as missing: the input or the table row, never a fact or a whole table.

One record a case, in every edition where it arises: a value unknown because a call cannot read a field on
record (``regency`` of a province-only ``3200``) names the field, whether the criterion makes the call itself
or reads a fact computed with it, while a history on record in which a function finds nothing (no wage up to
the cut-off month) leaves the value it computes unknown, named as such (``fact.wage``: not ``member.wages``,
which names wages not given at all); an
incomplete table that does not list the member's key names the row (``table.ppkm_areas[3204]``), as a row
known only as a lower bound is named (``table.minimum_wage[3273]``). The explanations still say why.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import pytest

import bsu_rules
from bsu_rules import needed
from bsu_rules.decisions import Decision
from bsu_rules.explain import render_text
from bsu_rules.ruleset.model import RuleSet

CUTOFF = {"bsu-2020": "2020-06", "bsu-2021": "2021-06", "bsu-2022": "2022-07", "bsu-2025": "2025-04"}
ON = {"bsu-2020": "2020-09-10", "bsu-2021": "2021-08-10", "bsu-2022": "2022-09-10", "bsu-2025": "2025-06-10"}
MONTH = {"bsu-2020": ("June 2020", "Juni 2020"), "bsu-2021": ("June 2021", "Juni 2021"),
         "bsu-2022": ("July 2022", "Juli 2022"), "bsu-2025": ("April 2025", "April 2025")}


@cache
def ruleset(edition: str) -> RuleSet:
    return bsu_rules.load_ruleset(edition)


def _months(cutoff: str) -> list[str]:
    year, month = map(int, cutoff.split("-"))
    out = []
    for back in (2, 1, 0):
        y, m = divmod(year * 12 + month - 1 - back, 12)
        out.append(f"{y:04d}-{m + 1:02d}")
    return out


def _next(period: str) -> str:
    y, m = divmod(int(period[:4]) * 12 + int(period[5:]), 12)
    return f"{y:04d}-{m + 1:02d}"


def record(edition: str, code: str | None = "3204", wage: int = 3_000_000, **changes: Any) -> dict[str, Any]:
    """An eligible worker of the edition (Kab. Bandung, a 1990 NIK of 3204, contributions paid on the 12th of the
    next month), working in ``code`` for ``wage`` a month, with ``changes``."""
    months = _months(CUTOFF[edition])
    base: dict[str, Any] = {
        "nik": "3204011205900001", "kpj": "22041870213", "birth_date": "1990-05-12", "citizenship": "WNI",
        "participant_category": "PU", "employment_type": "private", "work_regency_code": code,
        "employer": {"npp": "JJ041102", "name": "PT Contoh", "sector": "C"}, "registered_on": "2018-02-05",
        "membership_ended_on": None, "deceased_on": None,
        "wages": [{"period": p, "amount": wage} for p in months],
        "contributions": [{"period": p, "amount": 200_000, "paid_on": f"{_next(p)}-12"} for p in months],
        "program_receipts": [], "bank_account": {"bank": "BRI", "number": "418201004566507", "holder_name": "X"},
    }
    return {**copy.deepcopy(base), **changes}


def decide(edition: str, rec: dict[str, Any], on: str | None = None) -> Decision:
    return ruleset(edition).plan(on or ON[edition]).decide(bsu_rules.parse_member(rec))


def unknown(d: Decision) -> dict[str, list[str]]:
    """Each unknown criterion's ``missing``, by id."""
    return {r.id: r.missing for r in d.rules if r.outcome == "unknown"}


def explained(d: Decision, rule: str) -> tuple[str, str]:
    text = next(r.explain for r in d.rules if r.id == rule)
    assert text is not None
    return text.en, text.id


# --- an incomplete table names the row it lacks -------------------------------------------------------------


@pytest.mark.parametrize(("code", "area_en", "area_id"), [
    ("3204", "Kabupaten Bandung (Jawa Barat province)", "Kabupaten Bandung (Provinsi Jawa Barat)"),
    ("9101", "Kabupaten Merauke (Papua province)", "Kabupaten Merauke (Provinsi Papua)"),
])
def test_an_area_the_partial_ppkm_annex_lacks_names_its_row(code: str, area_en: str, area_id: str) -> None:
    d = decide("bsu-2021", record("bsu-2021", code, nik=code + "011205900001"), on="2021-11-07")
    assert d.outcome == "undetermined"
    assert d.missing == [f"table.ppkm_areas[{code}]"]
    assert unknown(d) == {"ppkm-area": [f"table.ppkm_areas[{code}]"]}
    en, id_ = explained(d, "ppkm-area")  # the list is incomplete: no figure, no "at least"
    assert en == ("This cannot be decided yet because the available list of areas under community activity "
                  f"restrictions (PPKM) at level 3 or 4 in Annex I is incomplete and does not list {area_en}.")
    assert id_ == ("Belum dapat ditentukan karena daftar wilayah PPKM level 3 dan 4 dalam Lampiran I yang tersedia "
                   f"belum lengkap dan tidak mencantumkan {area_id}.")
    assert [n.input for n in needed(d, ruleset("bsu-2021"))] == [f"table.ppkm_areas[{code}]"]
    assert decide("bsu-2021", record("bsu-2021", code, nik=code + "011205900001"), on="2021-11-08").outcome \
        == "eligible"  # the criterion is no longer in force


def test_a_province_only_code_of_a_province_the_annex_lists_no_regency_of_names_the_row_looked_up() -> None:
    d = decide("bsu-2021", record("bsu-2021", "1100"))  # Aceh: no regency of it in the partial annex
    assert unknown(d) == {"ppkm-area": ["table.ppkm_areas[1100]"]}
    assert explained(d, "ppkm-area")[0].endswith("is incomplete and does not list area 1100 (Aceh province).")


def test_a_ppkm_row_and_a_wage_gap_are_named_together() -> None:
    d = decide("bsu-2021", record("bsu-2021", wages=[]))
    assert d.outcome == "undetermined"
    assert d.missing == ["fact.wage", "table.ppkm_areas[3204]"]


# --- a field on record that a call cannot read is named, through a fact too ---------------------------------


def test_a_province_only_code_is_named_once_by_both_2021_criteria() -> None:
    d = decide("bsu-2021", record("bsu-2021", "3200", 3_600_000))
    assert d.outcome == "undetermined"
    assert d.missing == ["member.work_regency_code"]
    assert unknown(d) == {"wage-ceiling": ["member.work_regency_code"], "ppkm-area": ["member.work_regency_code"]}
    wage_en, wage_id = explained(d, "wage-ceiling")
    ppkm_en, _ = explained(d, "ppkm-area")
    assert wage_en == ("This cannot be decided yet because the record gives only the province of work, not the "
                       "regency or city needed to read the list of regency (UMK) and provincial (UMP) minimum wages.")
    assert wage_id == ("Belum dapat ditentukan karena data tempat bekerja hanya mencantumkan provinsinya, tanpa "
                       "kabupaten atau kota yang diperlukan untuk membaca daftar upah minimum kabupaten atau kota "
                       "(UMK) dan provinsi (UMP).")
    assert ppkm_en.endswith("needed to read the list of areas under community activity restrictions (PPKM) at "
                            "level 3 or 4 in Annex I.")  # each criterion says the table it reads


@pytest.mark.parametrize(("edition", "code", "wage"), [
    ("bsu-2021", "3200", 3_600_000), ("bsu-2022", "3200", 3_600_001), ("bsu-2022", "9100", 3_600_001),
    ("bsu-2025", "1100", 3_800_001),
])
def test_a_province_only_code_leaving_the_wage_ceiling_unknown_names_the_code(edition: str, code: str,
                                                                             wage: int) -> None:
    on = "2021-11-10" if edition == "bsu-2021" else None  # 2021: after the PPKM criterion
    d = decide(edition, record(edition, code, wage), on=on)
    assert d.outcome == "undetermined"
    assert d.missing == ["member.work_regency_code"]
    assert unknown(d) == {"wage-ceiling": ["member.work_regency_code"]}
    assert "gives only the province of work" in explained(d, "wage-ceiling")[0]
    assert "hanya mencantumkan provinsinya" in explained(d, "wage-ceiling")[1]


@pytest.mark.parametrize("edition", list(CUTOFF))
@pytest.mark.parametrize("wages", ["after", "empty"])
def test_wages_on_record_with_none_up_to_the_cutoff_month_name_the_wage(edition: str, wages: str) -> None:
    reported = [{"period": _next(CUTOFF[edition]), "amount": 3_000_000}] if wages == "after" else []
    code = "3171" if edition == "bsu-2021" else "3204"  # 2021: DKI Jakarta, in the PPKM annex
    d = decide(edition, record(edition, code, nik=code + "011205900001", wages=reported))
    assert d.outcome == "undetermined"
    assert d.missing == ["fact.wage"]
    assert unknown(d) == {"wage-ceiling": ["fact.wage"], "zero-wage-review": ["fact.wage"]}
    en, id_ = MONTH[edition]
    assert explained(d, "wage-ceiling") == (
        f"This cannot be decided yet because the employer has reported no wage for {en} or earlier.",
        f"Belum dapat ditentukan karena belum ada upah yang dilaporkan pemberi kerja untuk bulan {id_} atau "
        "sebelumnya.")
    page = render_text(d, ruleset(edition), "en", "worker")
    assert f"Ask the employer to report the participant's wage for {en} to BPJS Ketenagakerjaan." in page


def test_a_province_only_code_and_no_wage_up_to_the_cutoff_are_both_named() -> None:
    d = decide("bsu-2022", record("bsu-2022", "3200", wages=[]))
    assert unknown(d)["wage-ceiling"] == ["member.work_regency_code", "fact.wage"]
    assert explained(d, "wage-ceiling")[0] == (
        "This cannot be decided yet because the record gives only the province of work, not the regency or city "
        "needed to read the list of regency (UMK) and provincial (UMP) minimum wages, and the employer has "
        "reported no wage for July 2022 or earlier.")


def test_fields_left_empty_are_still_named_as_not_recorded() -> None:
    d = decide("bsu-2022", record("bsu-2022", None, 3_600_001, wages=None))
    assert d.missing == ["member.wages", "member.work_regency_code"]
    assert "there is no record of" in explained(d, "wage-ceiling")[0]
    page = render_text(d, ruleset("bsu-2022"), "en", "worker")  # the wages as a whole, not a month's
    assert "Ask the employer to report the participant's wage to BPJS Ketenagakerjaan; the wage used" in page
