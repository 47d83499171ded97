"""The library's exception types."""

from __future__ import annotations

from collections.abc import Sequence


class InputError(ValueError):
    """A member record (or other input) is malformed; the message names every bad field path."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))


class RuleSetError(ValueError):
    """A rule file could not be loaded; ``diagnostics`` holds every problem found."""

    def __init__(self, diagnostics: Sequence[object]) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in diagnostics))
