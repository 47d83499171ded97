"""A decision page as plain data, and the words pages are written in.

A ``Page`` is what one audience reads of one decision: the verdict, the facts, a ``Line`` for each
criterion shown (its mark, title, sentences, values and footnote), the key to the marks, the
notes and the steps; the text and HTML renderers lay it out. ``Unpaid`` is a batch row that one
NIK, one payment leaves unpaid. ``WORDS`` holds the page's words in Bahasa Indonesia and English,
and ``MARKS`` the symbol of each outcome. ``quoted`` is how a page shows text a member or employer
typed (a bank's name): quoted, and cut short.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bsu_rules.decisions import mask_typed
from bsu_rules.members.redact import cut, printable

if TYPE_CHECKING:
    from bsu_rules.glossary import Glossary

MARKS = {"pass": "✓", "fail": "✗", "unknown": "?", "flagged": "!", "clear": "○", "prioritized": "+",
         "not_prioritized": "·", "not_in_force": "–"}

TYPED_MOST = 60
"""The most characters of a text a member or employer typed that a page shows: a bank's name as a bank writes
it (*PT Bank Pembangunan Daerah Jawa Barat dan Banten Tbk*, 52), not a paragraph made to sound like the page's
own words."""


def quoted(text: str) -> str:
    """Text a member or employer typed (a bank's name), as a page shows it: quoted (“…”), a NIK or an account
    number in it masked as a decision masks one (``mask_typed``), a control character escaped, and cut at a
    word to at most ``TYPED_MOST`` characters, ``…`` where it was cut. A page never reads it as its own words:
    read aloud, it is said as a quotation, as written (``speech.quotation``)."""
    shown = printable(mask_typed(text.strip()))
    if len(shown) > TYPED_MOST:
        head = cut(shown, TYPED_MOST).removesuffix("…")  # never through an escape (``\\u202e``)
        word = head.rfind(" ")
        shown = (head[:word] if word >= TYPED_MOST // 2 else head).rstrip(" ,.;:") + "…"
    return f"“{shown}”"


def channel_named(glossary: Glossary, name: str, lang: str, quote: Callable[[str], str] = quoted) -> str:
    """A payment channel as every page names it: in the glossary's words, or, a bank the glossary does not name (a
    rule set that pays at any bank), ``quote``d as the record writes it: "an account at the bank on record, “Bank
    Sumut”" (a decision page's ``quote`` notes it too, so that it is read aloud as a quotation)."""
    if name in glossary.channels:
        return glossary.channel(name, lang)
    return WORDS[lang]["bank_named"].format(quote(name))


WORDS: dict[str, dict[str, str]] = {
    "id": {
        "eligible": "MEMENUHI SYARAT sebagai penerima BSU",
        "ineligible": "TIDAK MEMENUHI SYARAT sebagai penerima BSU",
        "undetermined": "BELUM DAPAT DITENTUKAN apakah memenuhi syarat sebagai penerima BSU",
        "review": " — perlu diperiksa petugas sebelum bantuan disalurkan",
        "subject": "Peserta dengan NIK {}", "programme": "Program", "date": "Tanggal keputusan",
        "what_if": "SIMULASI, bukan keputusan program: aturan diubah untuk perhitungan ini ({})",
        "set_to": "{} diubah menjadi {}", "since": "{} sejak {}", "replaced": "tabel {} diganti",
        "unlisted_absent": "{}: kode yang tidak tercantum tidak termasuk di dalamnya",
        "unlisted_unknown": "{}: kode yang tidak tercantum belum diketahui (tabel tidak lengkap)", "none": "tidak ada",
        "as_of": "Data per", "benefit": "Bantuan", "channel": "Penyaluran", "priority": "Prioritas",
        "flags": "Perlu diperiksa", "reasons": "Alasan", "criteria": "Kriteria", "legend": "Keterangan",
        "notes": "Dasar hukum", "notes_policy": "Dasar hukum dan sumber kebijakan",
        "all_met": "Semua syarat terpenuhi.", "next": "Langkah selanjutnya",
        "then": "Setelah data dibetulkan, {}", "then_other": "ada satu hal lagi: {}",
        "simulated": "; jumlahnya diubah dalam simulasi ini, bukan jumlah dalam pasal itu",
        "depends": "; bantuan disalurkan melalui {} bila {}",
        "once": "dibayarkan sekaligus", "split": "dibayarkan dalam {n} tahap, masing-masing {each}",
        "parts": "dibayarkan dalam {n} tahap: {list}", "monthly": "{rp} per bulan selama {months}",
        "no_channel": "belum dapat ditentukan karena {}", "bank_read": "; bank yang tercatat: {}",
        "no_bank_named": "belum dapat ditentukan karena bank yang tercatat, {}, tidak menyebut nama bank",
        "bank_named": "rekening di bank yang tercatat, {}",
        "because": ", karena {}", "no_number": ", karena tidak ada nomor rekening yang tercatat",
        "no_number_too": "; tidak ada nomor rekening yang tercatat",
        "not_state": ", karena bank yang tercatat, {}, tidak dikenali sebagai bank penyalur milik negara (Himbara)",
        "other_bank": ", karena bank yang tercatat, {}, bukan bank penyalur milik negara (Himbara)",
        "unpaid": "tidak dibayarkan untuk {this}, karena NIK yang sama sudah dibayar melalui {paid}: "
                  "satu NIK hanya dibayar satu kali.",
        "this_kpj": "KPJ {}", "this_card": "kartu ini", "paid_row": "baris {} pada berkas yang sama",
        "paid_other": "data kepesertaan lain", "whatever": ", apa pun {} (tidak tercatat)",
        "whatever_in": ", apa pun {} di provinsi itu (yang tercatat hanya provinsinya)",
        "prio": "{met} dari {all} kriteria prioritas terpenuhi", "prio_unknown": ", {n} belum dapat ditentukan",
        "later": "tidak diutamakan, karena {why}. {title}, dan peserta yang diutamakan dibayar lebih dahulu.",
        "later_unknown": "belum dapat ditentukan apakah peserta diutamakan, karena {missing}. "
                         "{title}, dan peserta yang diutamakan dibayar lebih dahulu.",
        "later_fact": "peserta {}", "later_value": "{} yang tercatat adalah {}",
        "basis_policy": "berdasarkan kebijakan", "basis_interpretation": "berdasarkan penafsiran",
        "worker_policy": "Ini kebijakan program, bukan bunyi pasal peraturan.",
        "worker_interpretation": "Ini penafsiran program atas peraturan yang menjadi dasar syarat ini, bukan bunyi "
                                 "pasalnya.",
        "worker_interpretation_unsourced": "Ini penafsiran atas peraturannya, bukan bunyi pasalnya.",
        "moot": "(tidak mengubah hasil, karena syarat lain tidak terpenuhi)",
        "pass": "syarat terpenuhi", "fail": "syarat tidak terpenuhi", "unknown": "belum dapat ditentukan",
        "flagged": "perlu diperiksa petugas", "clear": "tidak perlu diperiksa", "prioritized": "diutamakan",
        "not_prioritized": "tidak diutamakan", "not_in_force": "tidak berlaku pada tanggal keputusan",
        "said_pass": "Terpenuhi", "said_fail": "Tidak terpenuhi", "said_unknown": "Belum dapat ditentukan",
        "said_flagged": "Perlu diperiksa petugas", "said_clear": "Tidak perlu diperiksa",
        "said_prioritized": "Diutamakan", "said_not_prioritized": "Tidak diutamakan",
        "said_not_in_force": "Tidak berlaku pada tanggal keputusan",
    },
    "en": {
        "eligible": "ELIGIBLE to receive BSU",
        "ineligible": "NOT ELIGIBLE to receive BSU",
        "undetermined": "NOT YET DETERMINED whether eligible to receive BSU",
        "review": " — to be reviewed by an officer before payment",
        "subject": "Participant with NIK {}", "programme": "Programme", "date": "Decision date",
        "what_if": "WHAT-IF, not a decision of the programme: the rules were changed for this run ({})",
        "set_to": "{} set to {}", "since": "{} from {}", "replaced": "table {} replaced",
        "unlisted_absent": "{}: a code it does not list is not in it",
        "unlisted_unknown": "{}: a code it does not list is unknown (the table is incomplete)", "none": "none",
        "as_of": "Data as of", "benefit": "Benefit", "channel": "Payment", "priority": "Priority",
        "flags": "Needs review", "reasons": "Reasons", "criteria": "Criteria", "legend": "Key",
        "notes": "Legal basis", "notes_policy": "Legal basis and policy sources",
        "all_met": "Every requirement is met.", "next": "What to do next",
        "then": "Once the record is corrected, {}", "then_other": "one more thing: {}",
        "simulated": "; the amount was changed for this what-if, and is not the article's",
        "depends": "; the benefit is paid through {} when {}",
        "once": "paid in a single payment", "split": "paid in {n} instalments of {each}",
        "parts": "paid in {n} instalments: {list}", "monthly": "{rp} a month for {months}",
        "no_channel": "cannot be decided yet because {}",
        "no_bank_named": "cannot be decided yet because the bank on record, {}, names no bank",
        "bank_named": "an account at the bank on record, {}",
        "bank_read": "; bank on record: {}", "because": ", because {}",
        "no_number": ", because no account number is on record",
        "no_number_too": "; no account number is on record",
        "not_state": ", because the bank on record, {}, is not recognised as one of the state-owned banks (Himbara) "
                     "that pay out",
        "other_bank": ", because the bank on record, {}, is not one of the state-owned banks (Himbara) that pay out",
        "unpaid": "not paid under {this}, because the same NIK is already paid under {paid}: "
                  "one NIK is paid only once.",
        "this_kpj": "KPJ {}", "this_card": "this card", "paid_row": "row {} of the same file",
        "paid_other": "another membership record", "whatever": ", whatever the {} (not on record)",
        "whatever_in": ", whatever the {} in that province (the record gives only the province)",
        "prio": "{met} of {all} priority criteria met", "prio_unknown": ", {n} not yet known",
        "later": "not given priority, since {why}. {title}; those given priority are paid first.",
        "later_unknown": "not yet known whether the participant is given priority, as {missing}. {title}; those "
                         "given priority are paid first.",
        "later_fact": "the participant is {}", "later_value": "the {} on record is {}",
        "basis_policy": "based on policy", "basis_interpretation": "based on interpretation",
        "worker_policy": "This is a policy of the programme, not the wording of a regulation.",
        "worker_interpretation": "This is the programme's reading of the regulation behind this requirement, not "
                                 "its exact wording.",
        "worker_interpretation_unsourced": "This is an interpretation of the regulation, not its wording.",
        "moot": "(does not change the outcome, as another requirement is not met)",
        "pass": "requirement met", "fail": "requirement not met", "unknown": "cannot be decided yet",
        "flagged": "to be reviewed by an officer", "clear": "no review needed", "prioritized": "given priority",
        "not_prioritized": "no priority", "not_in_force": "not in force on the decision date",
        "said_pass": "Met", "said_fail": "Not met", "said_unknown": "Cannot be decided yet",
        "said_flagged": "To be reviewed by an officer", "said_clear": "No review needed",
        "said_prioritized": "Given priority", "said_not_prioritized": "No priority",
        "said_not_in_force": "Not in force on the decision date",
    },
}


@dataclass(frozen=True)
class Unpaid:
    """A batch row that one NIK, one payment leaves unpaid: eligible, but the NIK is paid under another row."""

    kpj: str | None
    """This row's KPJ (None when it has none)."""
    paid: str
    """The batch's ``duplicate_of``: the KPJ paid, or ``row:N`` (the row paid)."""

    def said(self, lang: str, audience: str) -> str:
        """Why this row is not paid, as a sentence's tail."""
        w = WORDS[lang]
        this = w["this_kpj"].format(self.kpj) if self.kpj else w["this_card"]
        if not self.paid.startswith("row:"):
            paid = w["this_kpj"].format(self.paid)
        else:  # a row number means nothing to a worker
            paid = w["paid_other"] if audience == "worker" else w["paid_row"].format(self.paid.removeprefix("row:"))
        return w["unpaid"].format(this=this, paid=paid)


@dataclass
class Line:
    """One criterion as an audience reads it."""

    mark: str
    title: str
    sentences: list[str] = field(default_factory=list)
    values: list[tuple[str, str]] = field(default_factory=list)
    note: int | None = None


@dataclass
class Page:
    """A decision laid out for one audience in one language."""

    lang: str
    audience: str
    outcome: str
    heading: str
    verdict: str
    facts: list[tuple[str, str]]
    section: str
    lines: list[Line]
    legend: list[tuple[str, str]]
    notes: list[str]
    words: dict[str, str]
    steps: list[str] = field(default_factory=list)
    what_if: str = ""  # a decision made under overrides: a simulation, said before anything else
    spoken_notes: list[str] = field(default_factory=list)  # ``notes`` as a voice reads them, no bracket
    quoted: list[str] = field(default_factory=list)
    """Each text a member or employer typed that the page quotes, as it shows it (``quoted``: “BCA”): read
    aloud, said as a quotation, never as the page's own words."""
