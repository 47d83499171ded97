"""Diagnostics: a stable code, a severity, a location as narrow as a column, a suggestion."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in a rule file. Sorts by file, line and column."""

    file: str
    line: int
    column: int
    code: str = field(compare=False)
    message: str = field(compare=False)
    severity: Severity = field(default=Severity.ERROR, compare=False)
    rule: str | None = field(default=None, compare=False)
    suggestion: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        rule = f" (rule {self.rule})" if self.rule else ""
        hint = f"; did you mean `{self.suggestion}`?" if self.suggestion else ""
        return f"{where}: {self.severity} [{self.code}]{rule}: {self.message}{hint}"

    def to_dict(self) -> dict[str, object]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def nearest(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a mistyped name, if any is close enough."""
    matches = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return matches[0] if matches else None


def render(diagnostics: Iterable[Diagnostic], fmt: str = "text") -> str:
    """Print diagnostics as text lines or as a JSON array (for editors and CI)."""
    items = sorted(diagnostics)
    if fmt == "json":
        return json.dumps([d.to_dict() for d in items], ensure_ascii=False, indent=2)
    return "\n".join(str(d) for d in items)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity == Severity.ERROR for d in diagnostics)
