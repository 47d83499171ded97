"""A readable page per edition, generated only from a checked RuleSet (Markdown or HTML).

The page is built once as a list of blocks (headings, paragraphs, lists, grids) and rendered by
one of two small writers, so both formats say the same. Output is deterministic: no clock, no
machine paths, values formatted exactly (money through ``formatting.rupiah``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bsu_rules.formatting import format_date, format_month, format_value, number, rupiah
from bsu_rules.members.redact import printable
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.schema import Parameter, Text, Window


@dataclass(frozen=True)
class Code:
    """Inline code (an expression, a name)."""

    text: str


Inline = tuple[str | Code, ...]


@dataclass(frozen=True)
class Block:
    kind: str  # "h1" | "h2" | "p" | "ul" | "grid"
    text: Inline = ()
    items: tuple[Inline, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[Inline, ...], ...] = ()


_WORDS: dict[str, dict[str, str]] = {
    "id": {
        "generated": "Halaman ini dibuat otomatis dari `{file}` dengan `bsu-rules doc`; jangan disunting langsung.",
        "overview": "Ringkasan", "in_force": "Berlaku", "as_of": "Data dibaca per", "sha": "sha256 rule set",
        "open": "tanpa batas akhir", "always": "seluruh edisi", "from": "sejak", "until": "sampai",
        "legal": "Dasar hukum", "notes": "Catatan", "cited": "", "criteria": "Kriteria", "parameters": "Parameter",
        "tables": "Tabel", "facts": "Fakta turunan", "benefit": "Bantuan", "channel": "Penyaluran",
        "h_id": "ID", "h_kind": "Jenis", "h_title": "Judul", "h_cond": "Syarat", "h_article": "Pasal",
        "h_basis": "Dasar", "h_window": "Berlaku", "h_note": "Catatan", "h_name": "Nama",
        "h_desc": "Keterangan", "h_value": "Nilai", "h_source": "Sumber", "h_file": "Berkas",
        "h_key": "Kunci → nilai", "h_rows": "Baris", "h_partial": "Sebagian", "h_expr": "Rumus",
        "amount": "Jumlah", "monthly": "Per bulan", "instalments": "Tahap pembayaran", "expression": "Rumus",
        "partial": "sebagian", "yes": "ya", "no": "tidak", "ended": "tidak berlaku", "none": "—",
        "shows": "menampilkan juga",
        "months": "{} bulan", "days": "{} hari", "months_one": "{} bulan", "days_one": "{} hari",
        "set": "(himpunan kunci)",
        "require": "wajib", "exclude": "pengecualian", "prioritize": "prioritas", "flag": "tandai untuk diperiksa",
        "regulation": "peraturan", "policy": "kebijakan", "interpretation": "penafsiran",
    },
    "en": {
        "generated": "This page is generated from `{file}` by `bsu-rules doc`; do not edit it by hand.",
        "overview": "Overview", "in_force": "In force", "as_of": "Data read as of", "sha": "Rule set sha256",
        "open": "no end date", "always": "whole edition", "from": "from", "until": "until",
        "legal": "Legal basis", "notes": "Notes",
        "cited": "Articles are cited as the regulations write them, in Indonesian: Pasal is article, ayat "
                 "paragraph, huruf point (Pasal 3 ayat (2) huruf c: article 3, paragraph 2, point c).",
        "criteria": "Criteria", "parameters": "Parameters",
        "tables": "Tables", "facts": "Derived facts", "benefit": "Benefit", "channel": "Payment channel",
        "h_id": "ID", "h_kind": "Kind", "h_title": "Title", "h_cond": "Condition", "h_article": "Article",
        "h_basis": "Basis", "h_window": "In force", "h_note": "Note", "h_name": "Name",
        "h_desc": "Description", "h_value": "Value", "h_source": "Source", "h_file": "File",
        "h_key": "Key → value", "h_rows": "Rows", "h_partial": "Partial", "h_expr": "Expression",
        "amount": "Amount", "monthly": "Per month", "instalments": "Instalments", "expression": "Expression",
        "partial": "partial", "yes": "yes", "no": "no", "ended": "not in force", "none": "—",
        "shows": "also shows",
        "months": "{} months", "days": "{} days", "months_one": "{} month", "days_one": "{} day",
        "set": "(set of keys)",
        "require": "required", "exclude": "excludes", "prioritize": "priority", "flag": "flag for review",
        "regulation": "regulation", "policy": "policy", "interpretation": "interpretation",
    },
}


def build(rs: RuleSet, lang: str) -> list[Block]:
    """The page of one edition as blocks, in one language."""
    w, m = _WORDS[lang], rs.model
    out = [Block("h1", (f"{_text(m.title, lang)} ({rs.id} {rs.version})",)),
           Block("p", _code_spans(w["generated"].format(file=rs.path.name))),
           Block("h2", (w["overview"],)),
           Block("ul", items=((f"{w['in_force']}: {_window(m.in_force, lang)}",),
                              (f"{w['as_of']}: {format_date(m.as_of, lang)}",),
                              (f"{w['sha']}: ", Code(rs.sha256))))]
    if m.legal_basis:
        out += [Block("h2", (w["legal"],)),
                Block("ul", items=tuple((Code(k), f": {v}") for k, v in m.legal_basis.items()))]
        if w["cited"]:
            out.append(Block("p", (w["cited"],)))
    if m.notes:
        out += [Block("h2", (w["notes"],)), Block("p", (_text(m.notes, lang),))]
    rules = tuple((
        (Code(r.id),), (w[r.kind.value],), (_text(r.title, lang) if r.title else w["none"],),
        (Code(r.condition), *((f"; {w['shows']} ", Code(", ".join(r.shows))) if r.shows else ())),
        (r.source or w["none"],), (w[r.basis.value],), (_window(r.in_force, lang, edition=False),),
        (_text(r.note, lang) if r.note else w["none"],),
    ) for r in m.rules)
    out += [Block("h2", (w["criteria"],)),
            Block("grid", header=tuple(w[k] for k in ("h_id", "h_kind", "h_title", "h_cond", "h_article",
                                                      "h_basis", "h_window", "h_note")), rows=rules)]
    if m.parameters:
        params = tuple(((Code(name),), (_text(p.description, lang) if p.description else w["none"],),
                        (_param_values(p, lang),), (p.source or w["none"],), (w[p.basis.value],))
                       for name, p in m.parameters.items())
        out += [Block("h2", (w["parameters"],)),
                Block("grid", header=tuple(w[k] for k in ("h_name", "h_desc", "h_value", "h_source", "h_basis")),
                      rows=params)]
    if rs.tables:
        tables = []
        for name, t in rs.tables.items():
            ref = t.ref
            key = (Code(ref.key), " → ", Code(ref.value)) if ref.value else (Code(ref.key), f" {w['set']}")
            tables.append(((Code(name),), (_text(ref.description, lang) if ref.description else w["none"],),
                           (Code(ref.file),), key, (number(t.rows, lang),), (w["yes"] if ref.partial else w["no"],),
                           (Code(t.sha256[:12]),), (ref.source or w["none"],)))
        out += [Block("h2", (w["tables"],)),
                Block("grid", header=(w["h_name"], w["h_desc"], w["h_file"], w["h_key"], w["h_rows"],
                                      w["h_partial"], "sha256", w["h_source"]), rows=tuple(tables))]
    if m.facts:
        out += [Block("h2", (w["facts"],)),
                Block("grid", header=(w["h_name"], w["h_expr"]),
                      rows=tuple(((Code(f"fact.{k}"),), (Code(v),)) for k, v in m.facts.items()))]
    b = m.benefit
    items: list[Inline] = [(f"{w['amount']}: {rupiah(b.amount)}",)]
    if b.monthly is not None and b.months is not None:
        items.append((f"{w['monthly']}: {rupiah(b.monthly)} × {_value(b.months, 'months', lang)}",))
    if b.instalments:
        items.append((f"{w['instalments']}: {' + '.join(rupiah(i) for i in b.instalments)}",))
    if b.source:
        items.append((f"{w['h_source']}: {b.source}",))
    out += [Block("h2", (w["benefit"],)), Block("ul", items=tuple(items))]
    if m.channel is not None:
        out += [Block("h2", (w["channel"],)),
                Block("ul", items=((f"{w['expression']}: ", Code(m.channel.expression)),
                                   (f"{w['h_source']}: {m.channel.source or w['none']}",),
                                   (f"{w['h_basis']}: {w[m.channel.basis.value]}",)))]
    return out


def render(rs: RuleSet, lang: str = "id", fmt: str = "md") -> str:
    """The page of one edition as Markdown or a standalone HTML page."""
    blocks = build(rs, lang)
    return to_html(blocks, lang, _text(rs.model.title, lang)) if fmt == "html" else to_markdown(blocks)


def _text(text: Text, lang: str) -> str:
    return str(getattr(text, lang))


def _code_spans(text: str) -> Inline:
    parts = text.split("`")
    return tuple(Code(p) if i % 2 else p for i, p in enumerate(parts) if p)


def _window(window: Window, lang: str, *, edition: bool = True) -> str:
    w = _WORDS[lang]
    if window.from_ is None and window.until is None:
        return w["open"] if edition else w["always"]
    start = f"{w['from']} {format_date(window.from_, lang)}" if window.from_ else ""
    end = f"{w['until']} {format_date(window.until, lang)}" if window.until else ""
    return " ".join(p for p in (start, end) if p)


def _param_values(p: Parameter, lang: str) -> str:
    if p.values is None:
        return _value(p.value, p.unit, lang)
    w = _WORDS[lang]
    return "; ".join(f"{w['from']} {format_date(d, lang)}: "
                     f"{w['ended'] if v is None else _value(v, p.unit, lang)}" for d, v in sorted(p.values.items()))


def _value(value: Any, unit: str | None, lang: str) -> str:
    w = _WORDS[lang]
    if unit == "IDR" and isinstance(value, int | Decimal) and not isinstance(value, bool):
        return rupiah(value)
    if unit in ("months", "days") and isinstance(value, int) and not isinstance(value, bool):
        return w[unit if value != 1 else f"{unit}_one"].format(number(value, lang))  # 1 month, 2 months
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100:
        return str(value)  # a year
    if isinstance(value, str) and len(value) == 7 and value[4] == "-":
        return format_month(value, lang)
    if isinstance(value, date | bool | int | Decimal):
        return format_value(value, lang)
    return str(value)


_MD_SPECIAL = str.maketrans({**{c: "\\" + c for c in "\\`*_[]|"}, "<": "&lt;", ">": "&gt;", "&": "&amp;"})
"""Text from a rule file written as text in Markdown: no emphasis, link (``[a](javascript:…)``) or HTML tag;
``<`` as an entity, which every Markdown reader shows as written (Python-Markdown keeps the ``\\`` of ``\\<``)."""


def _md(parts: Inline, *, cell: bool = False) -> str:
    out = []
    for part in parts:
        if isinstance(part, Code):
            text = printable(part.text)
            text = text.replace("|", "\\|") if cell else text
            fence = "``" if "`" in text else "`"
            pad = " " if fence == "``" else ""
            out.append(f"{fence}{pad}{text}{pad}{fence}")
        else:
            out.append(printable(part).translate(_MD_SPECIAL))
    return " ".join("".join(out).split()) if cell else "".join(out).strip()


def to_markdown(blocks: list[Block]) -> str:
    lines: list[str] = []
    for b in blocks:
        if b.kind in ("h1", "h2"):
            lines += ["#" * int(b.kind[1]) + " " + _md(b.text), ""]
        elif b.kind == "p":
            lines += [_md(b.text), ""]
        elif b.kind == "ul":
            lines += [f"- {_md(item)}" for item in b.items] + [""]
        else:
            lines.append("| " + " | ".join(_md((h,), cell=True) for h in b.header) + " |")
            lines.append("|" + "---|" * len(b.header))
            lines += ["| " + " | ".join(_md(c, cell=True) for c in row) + " |" for row in b.rows]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _html(parts: Inline) -> str:
    return "".join(f"<code>{_escape(p.text)}</code>" if isinstance(p, Code) else _escape(p) for p in parts)


def _escape(text: str) -> str:
    """A rule file's text for a page: an invisible character written out (``\\u2060``), then HTML-escaped."""
    return html.escape(printable(text))


_STYLE = ("body{font-family:system-ui,sans-serif;max-width:80rem;margin:2rem auto;padding:0 1rem;line-height:1.4}"
          "table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #bbb;padding:.3rem .5rem;"
          "vertical-align:top;text-align:left}th{background:#eee}code{font-size:.9em;overflow-wrap:anywhere}")


def to_html(blocks: list[Block], lang: str, title: str) -> str:
    body: list[str] = []
    for b in blocks:
        if b.kind in ("h1", "h2", "p"):
            body.append(f"<{b.kind}>{_html(b.text)}</{b.kind}>")
        elif b.kind == "ul":
            body.append("<ul>" + "".join(f"<li>{_html(i)}</li>" for i in b.items) + "</ul>")
        else:
            head = "".join(f"<th>{_escape(h)}</th>" for h in b.header)
            rows = "".join("<tr>" + "".join(f"<td>{_html(c)}</td>" for c in row) + "</tr>" for row in b.rows)
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{_escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")

