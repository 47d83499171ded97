"""Diagnostics of rule files: a stable code, a severity, a location as narrow as a column, a suggestion.

The shape itself (``Diagnostic``, ``Code``, ``Severity``) is the library's one error model, in
``bsu_rules.errors``; this module finds suggestions and prints lists of diagnostics.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable

from bsu_rules.errors import Code, Diagnostic, Severity

__all__ = ["Code", "Diagnostic", "Severity", "has_errors", "nearest", "nearest_name", "render"]


def nearest(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a mistyped name, if any is close enough: the same word in other
    letter case first (``PNS`` for ``pns``), then the nearest spelling."""
    pool = sorted(set(candidates))
    same = [c for c in pool if c.casefold() == word.casefold()]
    if same:
        return same[0]
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    return matches[0] if matches else None


def nearest_name(dotted: str, names: Iterable[str]) -> str | None:
    """The closest known name to a mistyped dotted one: within its own namespace, by its last part,
    when that namespace is known (``member.wage``: ``member.wages``; ``member.__class__``: none, not a
    name that merely shares ``member.``), else by the whole name (``membr.wages``)."""
    pool = set(names)
    space, dot, last = dotted.rpartition(".")
    if not dot:
        return nearest(dotted, pool)
    tails = {n[len(space) + 1:]: n for n in pool if n.rpartition(".")[0] == space}
    if not tails:
        return nearest(dotted, pool)
    meant = nearest(last, tails)
    return None if meant is None else tails[meant]


def render(diagnostics: Iterable[Diagnostic], fmt: str = "text") -> str:
    """Print diagnostics as text lines or as a JSON array (for editors and CI)."""
    items = sorted(diagnostics)
    if fmt == "json":
        return json.dumps([d.to_dict() for d in items], ensure_ascii=False, indent=2)
    return "\n".join(str(d) for d in items)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity == Severity.ERROR for d in diagnostics)
