"""Legal citations in full: a rule's ``source`` ("pm-10-2022, Pasal 3 ayat (2) huruf c; Pasal 4")
becomes "Pasal 3 ayat (2) huruf c dan Pasal 4 Peraturan Menteri Ketenagakerjaan Nomor 10 Tahun 2022",
or in English "Article 3(2)(c) and Article 4 of Regulation of the Minister of Manpower Number 10 of
2022". Regulation names come from the glossary; remarks in parentheses are the rule author's and
are left to the auditor's view. A text cited "as amended" (``Permenaker 14/2020 sebagaimana diubah``)
is cited as last amended on the decision date: by the regulation that last began or ended a
criterion's force by then (``last_amendment``), when that is a later one than the rule names. A text
cited as first written, by a decision dated when the glossary says an amendment of it had taken
effect, is cited as it read before that amendment ("sebelum diubah dengan …").
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bsu_rules.glossary import Glossary
from bsu_rules.ruleset.sources import (
    amended_text,
    english_pinpoint,
    source_parts,
    spoken_english_pinpoint,
    subdivided,
)

if TYPE_CHECKING:
    from bsu_rules.ruleset.schema import RuleFile


def pinpoint(text: str, lang: str) -> str:
    """An article reference in the citation language: "Pasal 3 ayat (2) huruf a" -> "Article 3(2)(a)" (a
    comma before ``ayat`` or ``huruf``, "Pasal 3, ayat (2)", as none). In English, one that is not read whole as
    articles, paragraphs, points, annexes, chapters and parts (``english_pinpoint``) is cited as written."""
    text = subdivided(text)
    return text if lang == "id" else english_pinpoint(text) or text


def spoken_pinpoint(text: str, lang: str) -> str:
    """An article reference as a voice reads it, no brackets: "Pasal 3 ayat (2) huruf c" -> "Pasal 3 ayat 2 huruf
    c", or in English "Article 3, paragraph 2, point c" (a bracket is read as "left bracket", and "3(2)(c)" as a
    number). One that ``english_pinpoint`` does not read whole is said as ``pinpoint`` writes it."""
    said = spoken_english_pinpoint(text) if lang != "id" else None
    return said or _PARAGRAPH.sub(lambda m: m[1], pinpoint(text, lang))


_PARAGRAPH = re.compile(r"\(([0-9]+[a-z]?)\)")


def last_amendment(model: RuleFile, on: date) -> str | None:
    """The legal-basis key of the regulation that last began or ended a criterion's force on or before
    ``on`` (its ``in_force.source``), or None when none has by then."""
    changes = []
    for rule in model.rules:
        window = rule.in_force
        key = (window.source or "").partition(",")[0].strip()
        if window.from_ is not None and window.from_ <= on:
            changes.append((window.from_, key))
        if window.until is not None and window.until < on:
            changes.append((window.until + timedelta(days=1), key))
    return max((c for c in changes if c[1]), default=(None, None))[1]


def cite(source: str | None, glossary: Glossary, lang: str, last: str | None = None,
         on: date | None = None, since: date | None = None, taken: frozenset[str] = frozenset(),
         spoken: bool = False) -> str | None:
    """The full citation of a ``source``, or None when it names no known legal basis; a text cited as
    amended is cited as ``last`` amended by that legal-basis key, when it is another than the source's;
    a text cited as it was first written, by a decision ``on`` a day an amendment of it had taken
    effect, of an edition in force ``since`` a day before that amendment (an edition that began with
    the amended text applies it), is cited as the text before that amendment, unless the edition takes
    the amendment in (it is among ``taken``, its legal-basis keys): then as amended by it. ``spoken``: each
    article reference as a voice reads it (``spoken_pinpoint``), no bracket in it."""
    if not source:
        return None
    groups: list[tuple[str, list[str], str | None]] = []  # (key, pinpoints, amended regulation key)
    for part, key, pin in source_parts(source):
        if key not in glossary.legal_basis:
            if not groups:
                return None
            key, pin = groups[-1][0], part
        base = None
        amended = amended_text(pin)
        if amended:
            pin, base = amended.pin, amended.key if amended.key in glossary.legal_basis else None
        if not pin and any(g[0] == key for g in groups):
            continue  # ``…; pm-10-2022``: the key again, no pinpoint
        if groups and groups[-1][0] == key and groups[-1][2] == base:
            groups[-1][1].append(pin)
        else:
            groups.append((key, [pin] if pin else [], base))
    last = last if last in glossary.legal_basis else None
    return "; ".join(_group(key, pins, base, glossary, lang, last, on, since, taken, spoken)
                     for key, pins, base in groups)


def _group(key: str, pins: list[str], base: str | None, glossary: Glossary, lang: str, last: str | None,
           on: date | None, since: date | None, taken: frozenset[str], spoken: bool = False) -> str:
    name = str(getattr(glossary.legal_basis[key], lang))
    amendments = [a.by for a in glossary.legal_basis[key].amended
                  if on is not None and since is not None and since < a.from_ <= on]
    if base is None and (applied := [a for a in amendments if a in taken]):  # the edition applies the amended text
        by = str(getattr(glossary.legal_basis[applied[-1]], lang))
        name = f"{name} sebagaimana telah diubah dengan {by}" if lang == "id" else f"{name} as amended by {by}"
        amendments = []
    first = amendments[0] if amendments else None
    if base is None and first is not None:  # the text as it was before it was amended
        by = str(getattr(glossary.legal_basis[first], lang))
        name = f"{name} sebelum diubah dengan {by}" if lang == "id" else \
            f"{name} as it read before its amendment by {by}"
    elif base is not None:
        amended = str(getattr(glossary.legal_basis[base], lang))
        if last is not None and last not in (key, base):
            latest = str(getattr(glossary.legal_basis[last], lang))
            name = f"{amended} sebagaimana telah beberapa kali diubah, terakhir dengan {latest}" if lang == "id" \
                else f"{amended} as last amended by {latest}"
        else:
            name = f"{amended} sebagaimana telah diubah dengan {name}" if lang == "id" else \
                f"{amended} as amended by {name}"
    if not pins:
        return name
    joined = (" dan " if lang == "id" else " and ").join((spoken_pinpoint if spoken else pinpoint)(p, lang)
                                                         for p in pins)
    unsure = "" if not glossary.legal_basis[key].articles_unconfirmed else \
        " (nomor pasal belum dapat dipastikan)" if lang == "id" else " (article number not confirmed)"
    if unsure and spoken:
        unsure = ", " + unsure.strip(" ()")
    return f"{joined} {name}{unsure}" if lang == "id" else f"{joined} of {name}{unsure}"
