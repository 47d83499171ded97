"""A page as it is read aloud: by a call-centre officer, or by a screen reader or a text-to-speech voice.

The same ``Page`` as the text layout, in sentences a voice reads right: no mark (✗, ?, !) and no key to
the marks, but each criterion opened by its outcome in words ("Tidak terpenuhi:", "Not met:"); no footnote
number, but the legal basis said at the end of the line it supports, its article reference in words
("Pasal 3 ayat 2 huruf c", "Article 3, paragraph 2, point c"); a masked NIK said as the digits it shows
("berawalan 3204 dan berakhiran 0003"); a KPJ said digit by digit ("2 2 0 4, 1 8 7 0, 2 1 3"), not as one
large number; a range of numbers in words ("01 sampai 31", "01 to 31"); and, on an English page, each amount
as an English voice reads it ("4,950,000 rupiah", not "Rp4.950.000", which it reads as a decimal). An
Indonesian voice reads Rp4.950.000 right, so an Indonesian page keeps it. Text a member or employer typed (a
bank's name), which a page shows in quotation marks that a voice does not say, is said as a quotation ("buka
kutip, BCA, tutup kutip", "quote, BCA, end quote"), as written: none of the rewriting above is done inside it,
so that it never sounds like the page's own words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bsu_rules.explain.page_data import MARKS, Page
from bsu_rules.explain.rejected import Said, codes
from bsu_rules.formatting import RUPIAH, mask_said, rupiah_said
from bsu_rules.members.redact import printable

_OUTCOME_OF = {mark: outcome for outcome, mark in MARKS.items()}
_REF = re.compile(r" \[(\d+)\]$")
_SHOUTED = re.compile(r"^(?:[A-Z]{2,} )*[A-Z]{2,}\b")  # a verdict's words in capitals: a voice may spell them


_ARTICLE = re.compile(r"\bArticle ([0-9]+[A-Z]?)((?:\([0-9]+[a-z]?\)|\([a-z]\))+)")
_PARAGRAPH = re.compile(r"\b(ayat) \(([0-9]+[a-z]?)\)")
_PART = re.compile(r"\(([0-9a-z]+)\)")


def _article(m: re.Match[str]) -> str:
    """"Article 3(2)(d)" in a sentence as it is read: "Article 3, paragraph 2, point d"."""
    parts = [("paragraph " if p[0].isdigit() else "point ") + p for p in _PART.findall(m[2])]
    return ", ".join([f"Article {m[1]}", *parts])


def said(text: str, lang: str, quoted: Iterable[str] = (), *, slashes: bool = False) -> str:
    """One piece of a page as a voice reads it: a masked number in words, an article in a sentence without
    brackets ("Pasal 3 ayat 2 huruf d", "Article 3, paragraph 2, point d"), an English page's amounts in
    English ("4,950,000 rupiah"), an arrow or a middle dot as a pause; one line, a control character shown.
    ``quoted``: text a member or employer typed, as the page quotes it (“BCA”), said as a ``quotation``.
    ``slashes``: two words a slash joins said with "atau" or "or" ("Gaji atau Upah"), for a decision page's
    own words (a record's heading names its file, whose path ``Data/Anggota`` is no pair of words)."""
    spans = sorted({q for q in quoted if q in text}, key=len, reverse=True)
    if not spans:
        return _rewritten(text, lang, slashes)
    parts = re.split(f"({'|'.join(map(re.escape, spans))})", text)
    return "".join(quotation(part, lang) if i % 2 else _rewritten(part, lang, slashes) for i, part in enumerate(parts))


_QUOTATION = {"id": ("buka kutip, ", ", tutup kutip"), "en": ("quote, ", ", end quote")}
_CUT_SHORT = {"id": "tulisannya dipotong, ", "en": "cut short, "}
_QUOTE_WORD = re.compile(r"\b(?:kutip|(?:un)?quot)\w*", re.IGNORECASE)
"""A word that would open or close a quotation read aloud ("tutup kutip", "end quote"): in typed text, a
quotation that would end before its end."""


def quotation(shown: str, lang: str) -> str:
    """Text a member or employer typed, as a page quotes it (“…”, ``page_data.quoted``), read aloud: said to be
    a quotation before and after it ("buka kutip, BCA, tutup kutip", "quote, BCA, end quote"), as written (no
    amount, masked number or article reworded), a word that would end the quotation ("tutup kutip", "end
    quote") said as a pause, and, where the page cut it (``…``), said to be cut short."""
    inner = shown[1:-1]
    short = inner.endswith("…")
    opening, closing = _QUOTATION[lang]
    text = _QUOTE_WORD.sub("…", inner.removesuffix("…") if short else inner)
    return (_CUT_SHORT[lang] if short else "") + opening + left_out(printable(text), lang) + closing


_LEFT_OUT = re.compile(r"<([0-9]+) (?:digits|angka)>")
_LEFT_OUT_SAID = {"id": ("{} angka tidak ditampilkan", "{} angka tidak ditampilkan"),
                  "en": ("{} digit left out", "{} digits left out")}


def left_out(text: str, lang: str) -> str:
    """``text`` with each run of digits a message left out (a NIK in the wrong field: ``<16 digits>``, ``<16
    angka>``) said in words: "16 angka tidak ditampilkan", "16 digits left out" (a voice reads the brackets as
    "less than … greater than")."""
    def words(m: re.Match[str]) -> str:  # a pause between them and a letter or digit beside them ("<16 digits>x")
        before, after = text[m.start() - 1:m.start()], text[m.end():m.end() + 1]
        return (", " if before.isalnum() else "") + _LEFT_OUT_SAID[lang][m[1] != "1"].format(m[1]) + \
            (", " if after.isalnum() else "")
    return _LEFT_OUT.sub(words, text)


_SLASH = re.compile(r"(?<![^\s(“])([^\W\d_]{2,})/([^\W\d_]{2,})(?=$|[\s),;:!?]|\.(?!\w))")
"""Two words, and only words, joined by a slash ("Gaji/Upah", "dan/atau"): not part of a path
("/tmp/pytest-of-root/x", "examples/members.jsonl") or a number ("10/2022")."""
_OR = {"id": "atau", "en": "or"}


def _slash(m: re.Match[str], lang: str) -> str:
    """"Gaji/Upah" as it is read: "Gaji atau Upah" ("dan/atau": "dan atau"); a voice says the slash."""
    return f"{m[1]} {m[2]}" if m[2].lower() in _OR.values() else f"{m[1]} {_OR.get(lang, '/')} {m[2]}"


_RANGE = re.compile(r"(?<=\d)–(?=\d)")
"""An en dash between two numbers ("01–31"): a range, said in words ("01 sampai 31", "01 to 31"), as the pages'
own sentences say one ("1 sampai 20 angka"); a voice reads the dash as a minus or not at all."""
_TO = {"id": " sampai ", "en": " to "}


_CARD = re.compile(r"(?<=\bKPJ )[0-9]{5,}(?![0-9])|(?<=\(KPJ\): )[0-9]{5,}(?![0-9])")
"""A KPJ a page names ("KPJ 22041870213", "(KPJ): 22041870213"): a card's number, which a voice would read as one
large number ("twenty-two billion …")."""


def _card_said(m: re.Match[str]) -> str:
    """A card's number as it is read out, digit by digit in groups of four: "2 2 0 4, 1 8 7 0, 2 1 3"."""
    digits = m[0]
    return ", ".join(" ".join(digits[i:i + 4]) for i in range(0, len(digits), 4))


def _rewritten(text: str, lang: str, slashes: bool) -> str:
    """``said`` of a piece of the page's own words."""
    text = left_out(mask_said(text, lang), lang).replace(" → ", ": ").replace(" · ", ". ")
    text = _CARD.sub(_card_said, text)
    text = _RANGE.sub(_TO.get(lang, " to "), text)
    if slashes:
        text = _SLASH.sub(lambda m: _slash(m, lang), text)
    text = _PARAGRAPH.sub(r"\1 \2", text)  # an Indonesian source, on any page
    if lang != "id":
        text = RUPIAH.sub(lambda m: rupiah_said(m[0]), _ARTICLE.sub(_article, text))
    return printable(text)


def _sentence(text: str) -> str:
    """A sentence ending in its stop; one wholly in brackets ("(berdasarkan penafsiran)") without them."""
    text = text.strip()
    if text.startswith("(") and text.endswith(")") and "(" not in text[1:]:
        text = text[1].upper() + text[2:-1]
    return text if not text or text.endswith((".", "!", "?", ":")) else text + "."


def to_speech(page: Page) -> str:
    """The page as sentences, one paragraph a line: the heading, the verdict, the facts, each criterion shown
    with its outcome in words and its legal basis, then the steps."""
    w, lang = page.words, page.lang
    notes = page.spoken_notes or page.notes

    def basis(note: int | None) -> str:
        return f" {w['notes']}: {_sentence(notes[note - 1])}" if note and note <= len(notes) else ""

    def fact(value: str) -> str:
        ref = _REF.search(value)
        return _sentence(_REF.sub("", value)) + basis(int(ref[1]) if ref else None)

    verdict = _SHOUTED.sub(lambda m: m[0].lower(), page.verdict, count=1)
    out = [_sentence(page.heading), *([_sentence(page.what_if)] if page.what_if else []),
           _sentence(verdict[:1].upper() + verdict[1:].replace(" — ", ", "))]
    out += [f"{label}: {fact(value)}" for label, value in page.facts]
    if page.lines:
        out.append(f"{page.section}:")
    for line in page.lines:
        outcome = w.get(f"said_{_OUTCOME_OF.get(line.mark, '')}", "")
        if page.audience == "worker":
            sentences = [_sentence(s) for s in line.sentences] or [_sentence(line.title)]
        else:
            sentences = [_sentence(line.title), *(_sentence(s) for s in line.sentences)]
        first = sentences[0].lower()
        if outcome and not first.startswith((outcome.lower(), f"this {outcome.lower()}")):  # not said twice
            sentences[0] = f"{outcome}: {sentences[0]}"
        if line.values:
            sep = " = " if page.audience == "auditor" else ": "
            sentences.append(_sentence("; ".join(f"{label}{sep}{value}" for label, value in line.values)))
        out.append(" ".join(sentences) + basis(line.note))
    if page.steps:
        out.append(f"{w['next']}:")
        out += [_sentence(step) for step in page.steps]
    return "\n".join(said(line, lang, page.quoted, slashes=True) for line in out)


VALUE = re.compile(r'"(?:[^"\\\n]|\\.)+"')
"""A value of a record a paragraph on a rejected record quotes, as JSON writes it ("WNX", "2022-13")."""


def rejected_said(parts: Said, lang: str) -> str:
    """The paragraph on a record that cannot be decided (``rejected.rejected_parts``) as it is read aloud: its
    heading, then each problem a sentence on a line of its own (no list dash), read as a page is (``said``):
    an English amount in English, a run of digits left out in words, and each value of the record it quotes
    said as a quotation, as written (``"WNX"``: "quote, WNX, end quote")."""
    head, problems = parts
    return "\n".join(_quoting_values(line, lang) for line in [head, *problems])


def _quoting_values(line: str, lang: str) -> str:
    """One line of such a paragraph as ``said`` reads it, the record's values it quotes (``values``) quotations,
    the codes it names as known read as words (``codes_said``)."""
    return said(codes_said(line, lang), lang, values(line))


_CODED = re.compile(rf'({VALUE.pattern})(?: \(((?:[^()]|\([^()]*\))*)\))?')
"""A value a paragraph quotes, with the words that say what it means when it is a code (``"WNI" (Warga Negara
Indonesia (WNI))``)."""
_NAMED = re.compile(r" \(([^()]*)\)")
_FOR = {"id": "untuk", "en": "for"}


def codes_said(line: str, lang: str) -> str:
    """``line`` with each code it names as known (``"WNI" (Warga Negara Indonesia (WNI))``) read as words,
    without the quotation marks and brackets a voice would say or run together: "WNI untuk Warga Negara
    Indonesia", "PRAKERJA for the pre-employment card, Kartu Prakerja"; a record's own values are left as
    they are (quoted: ``values``)."""
    known = codes()

    def spoken(m: re.Match[str]) -> str:
        if m[1] not in known:
            return m[0]
        code = m[1][1:-1]
        if m[2] is None:
            return code
        words = _NAMED.sub(lambda n: "" if n[1] == code else f", {n[1]}", m[2])
        return code if words == code else f"{code} {_FOR.get(lang, 'for')} {words}"
    return _CODED.sub(spoken, line)


def values(line: str) -> list[str]:
    """The values of a record a line of a paragraph on a rejected record quotes (``VALUE``), not the codes it
    names as known (``"WNI"``, the contract's own words: read as the paragraph's)."""
    return [v for v in VALUE.findall(line) if v not in codes()]
