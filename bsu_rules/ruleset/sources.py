"""How a rule file's ``source`` is read: the parts a page cites, each a legal-basis key and its pinpoint."""

from __future__ import annotations

import re

REMARK = re.compile(r"\s*\((?![0-9]{1,2}[a-z]?\)|[a-z]\))[^()]*\)")
"""A remark in brackets, left out of a citation: not a pinpoint's ``(2)``, ``(2a)`` or ``(d)``."""


AMENDED = re.compile(r"^(?P<pin>.*?)\s*Permenaker (?:Nomor )?(?P<no>\d+)(?:/| Tahun )(?P<year>\d{4}) "
                     r"sebagaimana (?:telah )?diubah$", re.IGNORECASE)
"""A pinpoint in a text cited as amended by the part's regulation (``Pasal 3 Permenaker 14/2020 sebagaimana
diubah``)."""
OTHER_REGULATION = re.compile(r"(?:UU|PP|Perpres|Perppu|Permen\w*|Kepmen\w*|Keputusan|Peraturan(?! ini\b)|"
                              r"Undang-Undang)(?![a-z])|Nomor \d+ Tahun \d{4}|(?<![0-9])\d+/\d{4}(?![0-9])",
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


SUBDIVISION = re.compile(r"\s*,\s*(?=(?:ayat|huruf)\b)")
"""A comma before ``ayat`` or ``huruf`` (``Pasal 3, ayat (2)``), read as none."""
_NUMBER = re.compile(r"[0-9]+[A-Z]?|[IVXLC]+")  # an article's or annex's number: 3, 3A, II
_PART = re.compile(r"\(([0-9]+[a-z]?)\)")  # a paragraph's: (2), (2a)
_ORDINALS = {"kesatu": "One", "pertama": "One", "kedua": "Two", "ketiga": "Three", "keempat": "Four",
             "kelima": "Five", "keenam": "Six", "ketujuh": "Seven", "kedelapan": "Eight", "kesembilan": "Nine",
             "kesepuluh": "Ten"}
_JOINS = {"dan": "and", "sampai": "to", "s.d.": "to", "s/d": "to", "jo.": "in conjunction with",
          "juncto": "in conjunction with"}
_UNITS = {"pasal": ("Article", _NUMBER), "bab": ("Chapter", _NUMBER), "paragraf": ("Paragraph", _NUMBER)}


def english_pinpoint(text: str) -> str | None:
    """``text`` read as Indonesian pinpoint words and written in English (``Pasal 4 ayat (1) sampai dengan ayat
    (3)``: ``Article 4(1) to (3)``); None if a word of it is not one of them."""
    words, out, after = SUBDIVISION.sub(" ", text).split(), "", "start"  # after a start, a unit, or a join
    i = 0

    def take(pattern: re.Pattern[str]) -> str | None:
        nonlocal i
        found = pattern.fullmatch(words[i + 1]) if i + 1 < len(words) else None
        if found is None:
            return None
        i += 1
        return found.group(found.lastindex or 0)

    while i < len(words):
        word, lower = words[i], words[i].lower()
        if lower == "penjelasan":
            umum = i + 1 < len(words) and words[i + 1].lower() == "umum"
            i += umum
            piece, after = ("General Elucidation" if umum else "Elucidation of"), "join" if not umum else "unit"
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
        elif lower == "ayat" or (_PART.fullmatch(word) and after == "join"):
            number = take(_PART) if lower == "ayat" else _PART.fullmatch(word).group(1)  # type: ignore[union-attr]
            if number is None:
                return None
            out += f"({number})" if after == "unit" else f" ({number})" if after == "join" else f"paragraph ({number})"
            after, i = "unit", i + 1
            continue
        elif lower == "huruf" or (re.fullmatch(r"[a-z]", word) and after == "join"):
            letter = take(re.compile(r"[a-zA-Z]")) if lower == "huruf" else word
            if letter is None:
                return None
            if letter.isupper():
                piece = f"letter {letter}"
            else:
                out += f"({letter})" if after == "unit" else f" ({letter})" if after == "join" else f"point ({letter})"
                after, i = "unit", i + 1
                continue
            after = "unit"
        elif lower == "angka":
            if (number := take(re.compile(r"[0-9]+"))) is None:
                return None
            piece, after = f"number {number}", "unit"
        elif lower in _JOINS and after == "unit":
            if lower == "sampai" and i + 1 < len(words) and words[i + 1].lower() == "dengan":
                i += 1
            piece, after = _JOINS[lower], "join"
        else:
            return None
        out += (" " if out else "") + piece
        i += 1
    return out if after == "unit" else None
