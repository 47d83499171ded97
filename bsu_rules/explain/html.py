"""Pages as one self-contained, printable HTML document: no scripts, no external resources.

Each decision is a section (a printed sheet of its own) with the legal citations as numbered
footnotes; the document's language is the page language, so a screen reader reads it right: an
amount in rupiah, written the Indonesian way in either language (Rp600.000), is read as "600,000
rupiah" on an English page, a masked NIK in a heading as the digits it shows ("starting 3204 and
ending 0003"), and each criterion's mark (✗, ?) as its words.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from bsu_rules.explain.page_data import Page
from bsu_rules.explain.rejected import Said
from bsu_rules.explain.speech import left_out, quotation, values
from bsu_rules.formatting import RUPIAH, mask_said, rupiah_said
from bsu_rules.members.redact import printable

_TITLE = {"id": "Keputusan Bantuan Subsidi Gaji atau Upah (BSU)", "en": "Wage Subsidy (BSU) decision"}
"""The page's title and heading, read first by a screen reader: "Gaji atau Upah", not the "Gaji/Upah" a voice reads
as "Gaji garis miring Upah"."""
_STYLE = """
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; margin: 2rem auto; max-width: 46rem;
       color: #111; line-height: 1.45; }
section { border-top: 2px solid #333; padding-top: 1rem; margin-bottom: 2.5rem; }
h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin: 0 0 .25rem; }
.what-if { font-weight: bold; border: 2px dashed #7a5200; padding: .4rem .6rem; margin: .5rem 0; }
.verdict { font-size: 1.2rem; font-weight: bold; margin: .5rem 0 1rem; }
.verdict.eligible { color: #0a5c1f; } .verdict.ineligible { color: #8a1010; } .verdict.undetermined { color: #7a5200; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0 0 1rem; }
dt { font-weight: bold; } dd { margin: 0; }
ol.criteria { list-style: none; padding-left: 0; } ol.criteria > li { margin: 0 0 .6rem 1.6rem; text-indent: -1.6rem; }
.mark { display: inline-block; width: 1.6rem; text-indent: 0; font-weight: bold; }
.said { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.values { font-size: .9rem; color: #333; text-indent: 0; } .legend { font-size: .9rem; }
.notes { font-size: .85rem; border-top: 1px solid #999; padding-top: .5rem; }
@media print { body { margin: 0; max-width: none; } section { page-break-after: always; } }
"""


def escape(text: str) -> str:
    """Text as HTML, any control or invisible formatting character written out as its escape."""
    return html.escape(printable(text))


def readable(text: str, lang: str, quoted: Iterable[str] = ()) -> str:
    """Text of a page (or of the impact report) as HTML a screen reader reads right: ``escape``d, a masked number
    and a left-out run of digits read in words, and on a page not in Indonesian each rupiah amount shown as
    written (Rp600.000) but read in the page's language ("600,000 rupiah"): an English voice reads "Rp600.000"
    as six hundred point zero zero zero, and one switched to Indonesian for it loses an English listener. The
    words are the page's hidden text, as a mark's are (an ``aria-label`` on a ``span`` is not read by every
    screen reader); the stop ending the sentence stays outside the amount. ``quoted``: text a member or
    employer typed, as the page quotes it (“BCA”), shown as it is and read as a quotation
    (``speech.quotation``), nothing in it reworded."""
    spans = sorted({q for q in quoted if q in text}, key=len, reverse=True)
    if spans:
        parts = re.split(f"({'|'.join(map(re.escape, spans))})", text)
        return "".join(_hidden(escape(part), escape(quotation(part, lang))) if i % 2 else readable(part, lang)
                       for i, part in enumerate(parts))
    escaped = _MASKED.sub(lambda m: _hidden(m[0], mask_said(m[0], lang)), escape(text))
    escaped = _LEFT_OUT.sub(lambda m: _hidden(m[0], left_out(html.unescape(m[0]), lang)), escaped)
    return escaped if lang == "id" else RUPIAH.sub(lambda m: _hidden(m[0], rupiah_said(m[0])), escaped)


_LEFT_OUT = re.compile(r"&lt;[0-9]+ (?:digits|angka)&gt;")
"""A run of digits a message left out (``<16 digits>``), escaped: read in words ("16 digits left out")."""


_MASKED = re.compile(r"(?<![\w*])[0-9]+\*{2,}[0-9]+(?![\w*])")


def _hidden(shown: str, read: str) -> str:
    """``shown`` to the eye, ``read`` to a screen reader."""
    return f'<span aria-hidden="true">{shown}</span><span class="said">{read}</span>'


def to_html(pages: list[Page], lang: str, rejected: list[Said] | None = None) -> str:
    """The pages; then ``rejected``, the paragraphs on records that could not be decided, under one
    heading that counts them (a printed page never shows fewer members than were given, unsaid)."""
    title = _TITLE[lang]
    body = "\n".join(_section(p, n) for n, p in enumerate(pages, 1))
    if rejected:
        body += "\n" + _rejected(rejected, lang)
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{escape(title)}</title>\n'
            f"<style>{_STYLE}</style>\n</head>\n<body>\n<h1>{escape(title)}</h1>\n{body}\n</body>\n</html>\n")


_REJECTED = {"id": "Catatan yang tidak dapat diputuskan: {n}", "en": "Records that could not be decided: {n}"}


def _rejected(said: list[Said], lang: str) -> str:
    out = ['<section id="rejected">', f"<h2>{escape(_REJECTED[lang].format(n=len(said)))}</h2>"]
    for head, problems in said:
        # read as the page is: an English amount in English, a value of the record it quotes as a quotation
        items = [f"<li>{readable(p, lang, values(p))}</li>" for p in problems]
        out += [f"<p>{readable(head, lang)}</p>", "<ul>", *items, "</ul>"]
    out.append("</section>")
    return "\n".join(out)


def _section(page: Page, n: int) -> str:
    w, lang = page.words, page.lang

    def read(text: str) -> str:  # the page's words, and what it quotes of the record (``page.quoted``)
        return readable(text, lang, page.quoted)
    marks = dict(page.legend)  # what each mark means, read in place of the symbol
    out = [f'<section id="d{n}">', f"<h2>{read(page.heading)}</h2>",
           *([f'<p class="what-if">{read(page.what_if)}</p>'] if page.what_if else []),
           f'<p class="verdict {page.outcome}">{escape(page.verdict)}</p>', "<dl>"]
    out += [f"<dt>{escape(k)}</dt><dd>{_ref(read(v), n)}</dd>" for k, v in page.facts]
    out.append("</dl>")
    if page.lines:
        out += [f"<h3>{escape(page.section)}</h3>", '<ol class="criteria">']
        for line in page.lines:
            ref = f' <sup><a href="#d{n}-n{line.note}">{line.note}</a></sup>' if line.note else ""
            if page.audience == "worker":
                first, *rest = line.sentences or [line.title]
                head = read(first)
            else:
                head, rest = f"<strong>{read(line.title)}</strong>", line.sentences
            said = f'<span class="said">{escape(marks[line.mark])}: </span>' if line.mark in marks else ""
            item = [f'<li><span class="mark" aria-hidden="true">{escape(line.mark)}</span>{said}{head}{ref}']
            item += [f"<br>{read(s)}" for s in rest]
            if line.values:
                sep = " = " if page.audience == "auditor" else ": "
                shown = "; ".join(f"{escape(k)}{sep}{read(v)}" for k, v in line.values)
                item.append(f'<div class="values">{shown}</div>')
            out.append("".join(item) + "</li>")
        out.append("</ol>")
    if page.steps:
        out += [f"<h3>{escape(w['next'])}</h3>", "<ul>", *(f"<li>{read(s)}</li>" for s in page.steps), "</ul>"]
    if page.legend:
        legend = "; ".join(f"{escape(m)} {escape(t)}" for m, t in page.legend)
        out.append(f'<p class="legend">{escape(w["legend"])}: {legend}</p>')
    if page.notes:
        out.append(f'<div class="notes"><p>{escape(w["notes"])}:</p><ol>')
        out += [f'<li id="d{n}-n{i}">{escape(note)}.</li>' for i, note in enumerate(page.notes, 1)]
        out.append("</ol></div>")
    out.append("</section>")
    return "\n".join(out)


def _ref(text: str, n: int) -> str:
    """A trailing footnote mark " [2]" as a link to the footnote."""
    return re.sub(r" \[(\d+)\]$", lambda m: f' <sup><a href="#d{n}-n{m[1]}">{m[1]}</a></sup>', text)
