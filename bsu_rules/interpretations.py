"""One page listing every reading the engine makes beyond the regulation text, for review.

Every criterion, parameter and payment channel whose ``basis`` is ``policy`` or
``interpretation``, in every bundled edition, with the passage it rests on and its note; and
every table whose rows are partial or carry lower bounds. Generated from the checked rule sets,
so the page cannot drift from what the engine does (``bsu-rules doc --interpretations``).
"""

from __future__ import annotations

from bsu_rules.docgen import Block, Code, Inline, to_html, to_markdown
from bsu_rules.ruleset.editions import bundled_rules, window_text
from bsu_rules.ruleset.loader import load_ruleset
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.schema import Basis, Text

__all__ = ["build", "interpretation_pages"]

_HEADERS = {"id": ("Edisi", "Butir", "Judul", "Dasar", "Bertumpu pada", "Catatan"),
            "en": ("Edition", "Item", "Title", "Basis", "Rests on", "Note")}
_WORDS: dict[str, dict[str, str]] = {
    "id": {"title": "Penafsiran dan kebijakan dalam aturan BSU",
           "intro": "Daftar ini dibuat otomatis dari berkas aturan dengan `bsu-rules doc --interpretations`; "
                    "jangan disunting langsung. Setiap baris adalah keputusan yang tidak tertulis langsung "
                    "dalam teks peraturan: `kebijakan` (praktik kementerian tanpa pasal yang ditemukan) atau "
                    "`penafsiran` (pembacaan proyek ini di mana hukumnya tidak jelas). Ubah di berkas aturannya.",
           "edition": "berlaku", "criterion": "kriteria", "parameter": "parameter", "channel": "penyaluran",
           "table": "tabel",
           "policy": "kebijakan", "interpretation": "penafsiran", "none": "—",
           "partial": "Tabel tidak lengkap: kode yang tidak tercantum {unlisted}.",
           "unknown": "tidak diketahui (keputusan belum dapat ditentukan)",
           "absent": "dianggap tidak memiliki baris (nilai bawaan berlaku)",
           "bounds": "{n} baris hanya batas bawah (angka pastinya belum diketahui; upah minimum tidak pernah "
                     "turun): {keys}."},
    "en": {"title": "Interpretations and policies in the BSU rules",
           "intro": "This list is generated from the rule files by `bsu-rules doc --interpretations`; do not "
                    "edit it by hand. Each row is a decision the regulation text does not state directly: "
                    "`policy` (ministry practice without a found article) or `interpretation` (this project's "
                    "reading where the law is unclear). Change them in the rule file.",
           "edition": "in force", "criterion": "criterion", "parameter": "parameter", "channel": "payment channel",
           "table": "table",
           "policy": "policy", "interpretation": "interpretation", "none": "—",
           "partial": "Incomplete table: a code it does not list is {unlisted}.",
           "unknown": "unknown (the decision stays undetermined)",
           "absent": "treated as having no row (the default applies)",
           "bounds": "{n} rows are only lower bounds (the exact figure is not known; minimum wages are never "
                     "lowered): {keys}."},
}


def build(rulesets: list[RuleSet], lang: str) -> list[Block]:
    """The page as blocks, in one language."""
    w = _WORDS[lang]
    rows: list[tuple[Inline, ...]] = []
    for rs in rulesets:
        m = rs.model
        window = m.in_force
        items: list[tuple[str, str, Text | None, Basis, str | None, Text | None]] = [
            (w["edition"], window_text(window), m.title, window.basis, None, window.note)]
        items += [(w["criterion"], r.id, r.title, r.basis, r.source, r.note) for r in m.rules]
        items += [(w["parameter"], name, p.description, p.basis, p.source, None) for name, p in m.parameters.items()]
        if m.channel is not None:
            items.append((w["channel"], "channel", None, m.channel.basis, m.channel.source, None))
        for kind, name, title, basis, source, note in items:
            if basis is not Basis.REGULATION:
                rows.append(((Code(rs.id),), (f"{kind} ", Code(name)), (_text(title, lang),), (w[basis.value],),
                             (_cite(source, rs, w["none"]),), (_text(note, lang),)))
        for name, table in rs.tables.items():
            notes = []
            if table.ref.partial:
                notes.append(w["partial"].format(unlisted=w[table.ref.unlisted]))
            if table.bounds:
                notes.append(w["bounds"].format(n=len(table.bounds), keys=", ".join(sorted(table.bounds))))
            if notes:
                rows.append(((Code(rs.id),), (f"{w['table']} ", Code(name)), (_text(table.ref.description, lang),),
                             (w["interpretation"],), (table.ref.source or w["none"],), (" ".join(notes),)))
    return [Block("h1", (w["title"],)), Block("p", _spans(w["intro"])),
            Block("grid", header=_HEADERS[lang], rows=tuple(rows))]


def interpretation_pages(langs: tuple[str, ...] = ("id", "en"), fmt: str = "md") -> dict[str, str]:
    """``{"interpretations.id.md": text, ...}`` over every bundled edition."""
    rulesets = [load_ruleset(path) for path in sorted(bundled_rules().glob("*.yaml"))]
    pages = {}
    for lang in langs:
        blocks = build(rulesets, lang)
        pages[f"interpretations.{lang}.{fmt}"] = to_html(blocks, lang, _WORDS[lang]["title"]) if fmt == "html" \
            else to_markdown(blocks)
    return pages


def _text(text: Text | None, lang: str) -> str:
    return "—" if text is None else str(getattr(text, lang))


def _cite(source: str | None, rs: RuleSet, none: str) -> str:
    """A source with its legal-basis key spelled out: ``pm-10-2022, Pasal 3`` -> the regulation's name."""
    if not source:
        return none
    key, _, rest = source.partition(",")
    name = rs.model.legal_basis.get(key.strip())
    return f"{name}{',' + rest if rest else ''} ({key.strip()})" if name else source


def _spans(text: str) -> Inline:
    parts = text.split("`")
    return tuple(Code(p) if i % 2 else p for i, p in enumerate(parts) if p)
