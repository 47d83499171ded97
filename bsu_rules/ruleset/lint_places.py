"""The ``place-mismatch`` warning: a table row whose place name is not the place its code is; and what
``unmatchable-key`` says of a code that names no place (``unknown_code``).

A record's ``work_regency_code`` is a Kemendagri code, as the glossary's ``places`` names them. A row
keyed by a code from another list (BPS numbers some regencies otherwise: Kabupaten Bintan is Kemendagri
2101 and BPS 2102, Kabupaten Aceh Tamiang 1116 and 1114) gives its figure to the wrong place, and its
name, read out in explanations, says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bsu_rules.errors import Code
from bsu_rules.glossary import GlossaryError, governing, load_glossary, spoken
from bsu_rules.members.redact import hide_identifiers
from bsu_rules.regencies import REGENCIES
from bsu_rules.ruleset.diagnostics import Diagnostic, Severity
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.tables import name_column, table_cells

_NOT_NAME = re.compile(r"\b(?:administrasi|adm)\b|[^a-z]")
"""What two spellings of one place may differ by: spaces and punctuation (``Tanjungpinang``), and the word
``Administrasi`` (``Kota Administrasi Jakarta Pusat``, ``Kab. Kepulauan Seribu``)."""
_KIND = re.compile(r"^(?:kabupaten|kota)\s+", re.IGNORECASE)
"""A regency's or a city's kind, a word of its own, which tells Kabupaten Bekasi (3216) from Kota Bekasi
(3275): compared where the table's name says it (``Kotabaru`` is a name, not a kind)."""


KNOWN = frozenset(code for codes in REGENCIES.values() for code in codes)
"""Every regency and city code of Kemendagri a record may carry (``regencies``)."""
_CLOSE = 3
"""How many codes close to one that names no place a message offers."""


def places_of(rs: RuleSet) -> Mapping[str, str] | None:
    """The glossary's ``places`` for a rule set (the bundled glossary's where none is beside it); None where the
    glossary cannot be read (the loader says why). Regencies only: a province's code is the same in every list
    (and its name often shortened: DKI, Kepri)."""
    try:
        path = governing(rs.path)
        return load_glossary(path.resolve() if path else None).places
    except GlossaryError:
        return None


def unknown_code(key: str, said: str, places: Mapping[str, str]) -> tuple[str, str | None] | None:
    """Why ``key``, four digits not ending in 00, names no regency or city of Kemendagri, and the code meant: the
    code of the row's place name (``said``, its ``area_name``) where the glossary's ``places`` knows it, else the
    closest known code (two digits swapped, or one digit off; in the key's province first). None for any other key
    (another shape is told by what the lookup takes)."""
    if not (len(key) == 4 and key.isascii() and key.isdigit()) or key.endswith("00") or key in KNOWN:
        return None
    named = next((code for code, place in places.items() if said and _same(spoken(said), place)), None)
    swapped = {key[:i] + key[j] + key[i + 1:j] + key[i] + key[j + 1:] for i in range(4) for j in range(i + 1, 4)}
    off = {key[:i] + d + key[i + 1:] for i in range(4) for d in "0123456789"}
    close = sorted((swapped | off) & KNOWN, key=lambda c: (c != named, c[:2] != key[:2], c not in swapped, c))
    shown = [f"{c} ({places[c]})" if c in places else c for c in close[:_CLOSE]]
    message = "names no regency or city in Kemendagri's list of codes (the glossary's `places`): no record " \
              "carries it, so the row never applies"
    if named is not None:
        message += f"; {hide_identifiers(said[:80])} is {named}"
    if shown and close[:1] != [named]:
        message += f"; the closest codes are {', '.join(shown)}"
    return message, named or (close[0] if close else None)


def misplaced(rs: RuleSet) -> list[Diagnostic]:
    """A warning at each row of a table naming codes (``area_name`` beside ``area_code``) whose name is
    not what the glossary calls its code; none where the glossary cannot be read (the loader says why)."""
    places = places_of(rs)
    if places is None:
        return []
    found = []
    for name, table in sorted(rs.tables.items()):
        column_named = name_column(table.ref.key)
        if column_named is None:
            continue
        file = rs.path.parent / table.ref.file
        keys = dict(table_cells(file, table.ref.key))
        for at, (said, _) in table_cells(file, column_named):
            key, column = keys.get(at, ("", 1))
            place = places.get(key)
            if place is None or not said or _same(spoken(said), place):
                continue
            other = next((code for code, known in places.items() if _same(spoken(said), known)), None)
            where = f"; {places[other]} is {other}" if other else ""
            found.append(Diagnostic(
                str(file), at, column, Code.PLACE_MISMATCH,
                f"row `{key}` of `table.{name}` is named {hide_identifiers(said[:80])}, but Kemendagri code {key} is "
                f"{place} (the glossary's `places`){where}: a code from another list (BPS numbers some regencies "
                "otherwise) gives the row's figure to the wrong place", Severity.WARNING,
                suggestion=other))
    return found


def _bare(name: str) -> str:
    return _NOT_NAME.sub("", name.casefold())


def _same(said: str, place: str) -> bool:
    """Whether a table's name is the glossary's place: with its kind where the name says one."""
    return _bare(said) == _bare(place if _KIND.match(said) else _KIND.sub("", place))
