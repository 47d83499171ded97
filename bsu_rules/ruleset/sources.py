"""How a rule file's ``source`` is read: the parts a page cites, each a legal-basis key and its pinpoint."""

from __future__ import annotations

import re

REMARK = re.compile(r"\s*\((?![0-9]{1,2}[a-z]?\)|[a-z]\))[^()]*\)")
"""A remark in brackets, left out of a citation: not a pinpoint's ``(2)``, ``(2a)`` or ``(d)``."""


AMENDED = re.compile(r"^(?P<pin>.*?)\s*Permenaker (?P<no>\d+)/(?P<year>\d{4}) sebagaimana diubah$")
"""A pinpoint in a text cited as amended by the part's regulation (``Pasal 3 Permenaker 14/2020 sebagaimana
diubah``)."""
OTHER_REGULATION = re.compile(r"\b(?:UU|PP|Perpres|Permenaker|Kepmenaker|Peraturan|Undang-Undang)\b|\b\d+/\d{4}\b")
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
