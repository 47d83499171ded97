"""How a rule file's ``source`` is read: the parts a page cites, each a legal-basis key and its pinpoint, and
the pinpoint in English."""

from __future__ import annotations

import re

REMARK = re.compile(r"\s*\((?![0-9]{1,2}[a-z]?\)|[a-z]\))[^()]*\)")
"""A remark in brackets, left out of a citation: not a pinpoint's ``(2)``, ``(2a)`` or ``(d)``."""


AMENDED = re.compile(r"^(?P<pin>.*?)\s*(?:Permenaker|Peraturan Menteri Ketenagakerjaan) (?:Nomor |No\.\s?)?"
                     r"(?P<no>\d+)(?:/| Tahun )(?P<year>\d{4}) sebagaimana (?:telah )?diubah$", re.IGNORECASE)
"""A pinpoint in a text cited as amended by the part's regulation (``Pasal 3 Permenaker 14/2020 sebagaimana
diubah``)."""
OTHER_REGULATION = re.compile(r"(?:UU|PP|Perpres|Perppu|Permen\w*|Kepmen\w*|Keputusan|Peraturan(?:\s+Menteri)?+|"
                              r"Undang-Undang)(?!\s+ini\b)(?![a-z])|Nomor \d+ Tahun \d{4}|(?<![0-9])\d+/\d{4}(?![0-9])",
                              re.IGNORECASE)
"""A regulation named inside a pinpoint (``Pasal 15 UU 24/2011``), which a page would cite as an article of the
part's regulation: another regulation is cited by its key (``uu-24-2011, Pasal 15``)."""


def source_parts(source: str) -> list[tuple[str, str, str]]:
    """Each part of a source as a page cites it, ``(part, key, pinpoint)``: remarks left out, parts split at
    ``;``, a part's key before its first ``,`` (``pm-10-2022, Pasal 3; Pasal 4`` -> the key, then a part
    whose "key" is no key: a page cites it as a further pinpoint of the key before)."""
    out = []
    for part in (p.strip() for p in REMARK.sub("", source).split(";")):
        if part:  # ``pm-10-2022;``: nothing after the last ``;``
            key, _, pin = part.partition(",")
            out.append((part, key.strip(), pin.strip(" ,")))  # `pm-10-2022,, Pasal 3`: one comma meant
    return out


SUBDIVISION = re.compile(r"((?:Pasal|Lampiran)\s+[^\s,]+)\s*,\s*(?=(?:ayat|huruf)\b)"
                         r"|(ayat\s*\(\w+\))\s*,\s*(?=huruf\b)", re.IGNORECASE)
"""A comma before a deeper part of the same article (``Pasal 3, ayat (2)``, ``ayat (2), huruf a``), read as
none: not the comma of a list (``huruf a, huruf b dan huruf c``)."""


def subdivided(text: str) -> str:
    """``text`` without the commas ``SUBDIVISION`` finds."""
    return SUBDIVISION.sub(lambda m: (m.group(1) or m.group(2)) + " ", text)


_NUMBER = re.compile(r"[0-9]+[A-Z]?|[IVXLC]+")  # an article's or annex's number: 3, 3A, II
_PART = re.compile(r"\(([0-9]+[a-z]?)\)")  # a paragraph's: (2), (2a)
_LETTER, _POINT = re.compile(r"[a-zA-Z]"), re.compile(r"[0-9]+")  # a point's (an annex part's in capitals); a number's
_ORDINALS = {"kesatu": "One", "pertama": "One", "kedua": "Two", "ketiga": "Three", "keempat": "Four",
             "kelima": "Five", "keenam": "Six", "ketujuh": "Seven", "kedelapan": "Eight", "kesembilan": "Nine",
             "kesepuluh": "Ten"}
_JOINS = {"dan": "and", "sampai": "to", "s.d.": "to", "s/d": "to", "jo.": "in conjunction with",
          "juncto": "in conjunction with"}
_UNITS = {"pasal": ("Article", _NUMBER), "bab": ("Chapter", _NUMBER), "paragraf": ("Paragraph", _NUMBER)}


def english_pinpoint(text: str) -> str | None:
    """``text`` read as Indonesian pinpoint words and written in English (``Pasal 4 ayat (1) sampai dengan ayat
    (3)``: ``Article 4(1) to (3)``); None if a word of it is not one of them."""
    words = subdivided(text).replace(",", " , ").split()
    out, after, i = "", "start", 0  # after: the start (or ``Penjelasan``), a unit, a join word, or a list's comma

    def take(pattern: re.Pattern[str]) -> str | None:
        nonlocal i
        found = pattern.fullmatch(words[i + 1]) if i + 1 < len(words) else None
        if found is None:
            return None
        i += 1
        return found.group(found.lastindex or 0)

    while i < len(words):
        word, lower, glued = words[i], words[i].lower(), False
        if lower == "penjelasan" and after == "start" and not out:
            umum = i + 1 < len(words) and words[i + 1].lower() == "umum"
            i += umum
            piece, after = ("General Elucidation", "unit") if umum else ("Elucidation of", "start")
        elif lower in _UNITS:
            name, pattern = _UNITS[lower]
            if (number := take(pattern)) is None:
                return None
            piece, after = f"{name} {number}", "unit"
        elif lower == "lampiran":
            number = take(_NUMBER)
            piece, after = "Annex" + (f" {number}" if number else ""), "unit"
        elif lower == "bagian":
            if i + 1 >= len(words) or words[i + 1].lower() not in _ORDINALS:
                return None
            i += 1
            piece, after = f"Part {_ORDINALS[words[i].lower()]}", "unit"
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
            after = "unit"
        elif lower == "angka":
            if (number := take(_POINT)) is None:
                return None
            piece, after = f"number {number}", "unit"
        elif word == "," and after == "unit":
            out, after, i = out + ",", "comma", i + 1
            continue
        elif lower in _JOINS and after in ("unit", "comma"):
            if lower == "sampai" and i + 1 < len(words) and words[i + 1].lower() == "dengan":
                i += 1
            piece, after = _JOINS[lower], "join"
        else:
            return None
        out += ("" if glued or not out else " ") + piece
        i += 1
    return out if after == "unit" else None
