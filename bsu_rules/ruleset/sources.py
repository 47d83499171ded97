"""How a rule file's ``source`` is read: the parts a page cites, each a legal-basis key and its pinpoint, and
the pinpoint in English."""

from __future__ import annotations

import re
from typing import NamedTuple

REMARK = re.compile(r"(?<!\s)\s*+\((?![0-9]{1,2}[a-z]?\)|[a-z]\))[^()]*\)")
"""A remark in brackets, left out of a citation: not a pinpoint's ``(2)``, ``(2a)`` or ``(d)``. (With the
spaces before it, looked for from the first of them only: linear in a run of spaces.)"""


_AMENDED = re.compile(r"(?:Permenaker|Peraturan\s+Menteri\s+Ketenagakerjaan)\s+(?:Nomor\s+|No\.?\s*)?(?P<no>[0-9]+)"
                      r"(?:\s*/\s*|\s+Tahun\s+)(?P<year>[0-9]{4})\s+sebagaimana\s+(?:telah\s+)?diubah\s*$",
                      re.IGNORECASE)
"""The text the part's regulation amends, ending a pinpoint (``Pasal 3 Permenaker 14/2020 sebagaimana diubah``);
looked for from each ``Permenaker``, never from each space (linear in the text's length)."""


class Amended(NamedTuple):
    pin: str  # the pinpoint without the amended text
    key: str  # the amended text's legal-basis key, ``pm-14-2020``


def amended_text(pinpoint: str) -> Amended | None:
    """A pinpoint in a text cited as amended by the part's regulation, split; None when it cites none."""
    found = _AMENDED.search(pinpoint)
    if found is None:
        return None
    return Amended(pinpoint[:found.start()].rstrip(), f"pm-{int(found['no'])}-{found['year']}")


OTHER_REGULATION = re.compile(r"(?:UU|PP|Perpres|Perppu|Permen\w*|Kepmen\w*|Keputusan|Peraturan(?:\s+Menteri)?+|"
                              r"Undang-Undang)(?![a-z])|Nomor \d+ Tahun \d{4}|(?<![0-9])\d+/\d{4}(?![0-9])",
                              re.IGNORECASE)
"""A regulation named inside a pinpoint (``Pasal 15 UU 24/2011``), which a page would cite as an article of the
part's regulation: another regulation is cited by its key (``uu-24-2011, Pasal 15``)."""


def source_parts(source: str) -> list[tuple[str, str, str]]:
    """Each part of a source as a page cites it, ``(part, key, pinpoint)``: remarks left out, parts split at
    ``;``, a part's key before its first ``,`` (``pm-10-2022, Pasal 3; Pasal 4`` -> the key, then a part
    whose "key" is no key: a page cites it as a further pinpoint of the key before)."""
    out = []
    for part in (_THIS.sub("", p).strip() for p in REMARK.sub("", source).split(";")):
        if part:  # ``pm-10-2022;``: nothing after the last ``;``
            key, _, pin = part.partition(",")
            out.append((part, key.strip(), pin.strip(" ,")))  # `pm-10-2022,, Pasal 3`: one comma meant
    return out


_THIS = re.compile(r"(?<!\s)\s++(?:Peraturan\s+Menteri|Permen\w*)\s+ini\s*$", re.IGNORECASE)
"""``Peraturan Menteri ini`` (this regulation) ending a part, left out: the key names the regulation. (Another
kind, ``Undang-Undang ini``, is a regulation named inside the article of a ministerial one's key.)"""


SUBDIVISION = re.compile(r"((?:Pasal|Lampiran)\s+[^\s,]+)\s*,\s*(?=(?:ayat|huruf|angka)\b)"
                         r"|(ayat\s*\(\w+\))\s*,\s*(?=(?:huruf|angka)\b)|(huruf\s+[a-z])\s*,\s*(?=angka\b)",
                         re.IGNORECASE)
"""A comma before a deeper part of the same article (``Pasal 3, ayat (2)``, ``ayat (2), huruf a``, ``Pasal 1,
angka 5``), read as none: not the comma of a list (``huruf a, huruf b dan huruf c``)."""


def subdivided(text: str) -> str:
    """``text`` without the commas ``SUBDIVISION`` finds."""
    return SUBDIVISION.sub(lambda m: (m.group(1) or m.group(2) or m.group(3)) + " ", text)


_NUMBER = re.compile(r"[0-9]+[A-Z]?|[IVXLC]+")  # an article's or annex's number: 3, 3A, II
_PART = re.compile(r"\(([0-9]+[a-z]?)\)")  # a paragraph's: (2), (2a)
_LETTER, _POINT = re.compile(r"[a-zA-Z]"), re.compile(r"[0-9]+")  # a point's (an annex part's in capitals); a number's
_ORDINALS = {"kesatu": "One", "pertama": "One", "kedua": "Two", "ketiga": "Three", "keempat": "Four",
             "kelima": "Five", "keenam": "Six", "ketujuh": "Seven", "kedelapan": "Eight", "kesembilan": "Nine",
             "kesepuluh": "Ten"}
_JOINS = {"dan": "and", "sampai": "to", "s.d.": "to", "s/d": "to", "jo.": "in conjunction with",
          "juncto": "in conjunction with"}
_UNITS = {"pasal": ("Article", _NUMBER), "bab": ("Chapter", _NUMBER), "paragraf": ("Paragraph", _NUMBER)}
_DEPTH = {"umum": 0, "lampiran": 1, "bab": 2, "bagian": 3, "paragraf": 4, "pasal": 5, "ayat": 6, "huruf": 7,
          "angka": 8}  # how deep each kind of unit lies in a regulation (or its annex)


def english_pinpoint(text: str) -> str | None:
    """``text`` read as Indonesian pinpoint words and written in English (``Pasal 4 ayat (1) sampai dengan ayat
    (3)``: ``Article 4(1) to (3)``); None if a word of it is not one of them."""
    words = subdivided(text).replace(",", " , ").split()
    out, after, i = "", "start", 0  # after: the start (or ``Penjelasan``), a unit, a join word, or a list's comma
    chain: list[str] = []  # the kinds of unit of the part cited, outermost first (``pasal``, ``ayat``)

    def take(pattern: re.Pattern[str]) -> str | None:
        nonlocal i
        found = pattern.fullmatch(words[i + 1]) if i + 1 < len(words) else None
        if found is None:
            return None
        i += 1
        return found.group(found.lastindex or 0)

    while i < len(words):
        word, lower, glued, listed, kind = words[i], words[i].lower(), False, after, ""
        if lower == "penjelasan" and after == "start" and not out:
            umum = i + 1 < len(words) and words[i + 1].lower() == "umum"
            i += umum
            piece, after = ("General Elucidation", "unit") if umum else ("Elucidation of", "start")
            kind = "umum" if umum else ""
        elif lower in _UNITS:
            name, pattern = _UNITS[lower]
            if (number := take(pattern)) is None:
                return None
            piece, after, kind = f"{name} {number}", "unit", lower
        elif lower == "lampiran":
            number = take(_NUMBER)
            piece, after, kind = "Annex" + (f" {number}" if number else ""), "unit", lower
        elif lower == "bagian":
            if i + 1 >= len(words) or words[i + 1].lower() not in _ORDINALS:
                return None
            i += 1
            piece, after, kind = f"Part {_ORDINALS[words[i].lower()]}", "unit", lower
        elif lower in ("ayat", "huruf") or (after in ("join", "comma") and (_PART.fullmatch(word)
                                                                           or re.fullmatch(r"[a-z]", word))):
            found = take(_PART if lower == "ayat" else _LETTER) if lower in ("ayat", "huruf") \
                else word.strip("()")
            if found is None:
                return None
            if found.isupper():  # an annex's part: `Lampiran huruf A`
                piece = f"letter {found}"
            else:
                glued = after == "unit"
                piece = f"({found})" if after != "start" else \
                    f"{'paragraph' if lower == 'ayat' else 'point'} ({found})"
            after, kind = "unit", "ayat" if lower == "ayat" or _PART.fullmatch(word) else "huruf"
        elif lower == "angka":
            if (number := take(_POINT)) is None:
                return None
            piece, after, kind = f"number {number}", "unit", lower
        elif word == "," and after == "unit":
            out, after, i = out + ",", "comma", i + 1
            continue
        elif lower in _JOINS and after in ("unit", "comma"):
            if lower == "sampai" and i + 1 < len(words) and words[i + 1].lower() == "dengan":
                i += 1
            piece, after, kind = _JOINS[lower], "join", ""
        else:
            return None
        if kind:  # a unit: deeper than the one before it, or after a comma one of the kinds already cited
            if listed in ("comma", "join") and kind in chain:
                del chain[chain.index(kind):]
            elif listed == "comma" and not (lower == kind and chain and _DEPTH[kind] > _DEPTH[chain[-1]]):
                return None  # ``Pasal 3, (2)``: a list's comma between parts of different kinds
            elif listed == "join":
                chain = []
            chain.append(kind)  # (a comma before a deeper part named in words, ``Bab II, Pasal 4``, is none)
        out += ("" if glued or not out else " ") + piece
        i += 1
    return out if after == "unit" else None


def spoken_english_pinpoint(text: str) -> str | None:
    """``text`` as ``english_pinpoint`` reads it, in words a voice reads, no bracket: "Pasal 3 ayat (2) huruf c"
    -> "Article 3, paragraph 2, point c" (a deeper part after a comma); None where ``english_pinpoint`` is."""
    if english_pinpoint(text) is None:
        return None
    words, out, unit = subdivided(text).replace(",", " , ").split(), list[str](), False
    i = 0
    while i < len(words):
        lower, following = words[i].lower(), words[i + 1] if i + 1 < len(words) else ""
        if lower == "penjelasan":
            umum = following.lower() == "umum"
            piece, i, is_unit = ("General Elucidation" if umum else "Elucidation of"), i + umum, umum
        elif lower in _UNITS and _UNITS[lower][1].fullmatch(following):
            piece, i, is_unit = f"{_UNITS[lower][0]} {following}", i + 1, True
        elif lower == "lampiran":
            numbered = _NUMBER.fullmatch(following) is not None
            piece, i, is_unit = "Annex" + (f" {following}" if numbered else ""), i + numbered, True
        elif lower == "bagian" and following.lower() in _ORDINALS:
            piece, i, is_unit = f"Part {_ORDINALS[following.lower()]}", i + 1, True
        elif lower in ("ayat", "huruf", "angka") or _PART.fullmatch(words[i]) or (len(words[i]) == 1
                                                                                  and words[i].isalpha()):
            named = lower in ("ayat", "huruf", "angka")
            found = (following if named else words[i]).strip("()")
            kind = lower if named else "ayat" if _PART.fullmatch(words[i]) else "huruf"
            piece = f"letter {found}" if found.isupper() else \
                f"{ {'ayat': 'paragraph', 'huruf': 'point', 'angka': 'number'}[kind]} {found}"
            i, is_unit = i + named, True
        elif lower == ",":
            out[-1:] = [out[-1] + ","] if out else []
            i, unit = i + 1, False
            continue
        else:
            if lower == "sampai" and following.lower() == "dengan":
                i += 1
            piece, is_unit = _JOINS.get(lower, words[i]), False
        if unit and is_unit:
            out[-1] += ","
        out.append(piece)
        unit, i = is_unit, i + 1
    return " ".join(out)


