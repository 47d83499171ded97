"""The ``place-mismatch`` warning: a table row whose place name is not the place its code is.

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
from bsu_rules.ruleset.diagnostics import Diagnostic, Severity
from bsu_rules.ruleset.lint_params import table_cells
from bsu_rules.ruleset.model import RuleSet
from bsu_rules.ruleset.tables import name_column

_NOT_NAME = re.compile(r"\b(?:administrasi|adm)\b|[^a-z]")
"""What two spellings of one place may differ by: spaces and punctuation (``Tanjungpinang``), and the word
``Administrasi`` (``Kota Administrasi Jakarta Pusat``, ``Kab. Kepulauan Seribu``)."""
_KIND = re.compile(r"^(?:kabupaten|kota)\s+", re.IGNORECASE)
"""A regency's or a city's kind, a word of its own, which tells Kabupaten Bekasi (3216) from Kota Bekasi
(3275): compared where the table's name says it (``Kotabaru`` is a name, not a kind)."""


def misplaced(rs: RuleSet) -> list[Diagnostic]:
    """A warning at each row of a table naming codes (``area_name`` beside ``area_code``) whose name is
    not what the glossary calls its code; none where the glossary cannot be read (the loader says why)."""
    try:
        path = governing(rs.path)
        places: Mapping[str, str] = load_glossary(path.resolve() if path else None).places  # regencies: a
        # province's code is the same in every list (and its name often shortened: DKI, Kepri)
    except GlossaryError:
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
